//! Episodes written as a [LeRobot](https://github.com/huggingface/lerobot) v3.0 dataset:
//! `meta/info.json`, `meta/stats.json`, `meta/tasks.parquet`, `meta/episodes/…parquet` and
//! `data/chunk-…/file-….parquet`, with the frame columns `observation.state`, `action`,
//! `next.reward`, `next.done`, `timestamp`, `frame_index`, `episode_index`, `index` and
//! `task_index`. [`DatasetWriter`] takes finished episodes, flushes them crash-safely (every
//! file replaced whole, `info.json` last) and resumes a dataset a killed run left. This is
//! what `manyworlds record` writes with (see the README's "Recording datasets").
//!
//! ```
//! use manyworlds_dataset::{DatasetSpec, DatasetWriter, EpisodeFrames, EpisodeOrigin};
//!
//! let root = std::env::temp_dir().join(format!("manyworlds-dataset-doc-{}", std::process::id()));
//! let spec = DatasetSpec {
//!     state_names: vec!["x".into(), "x_dot".into()],
//!     action_names: vec!["force".into()],
//!     fps: 50,
//!     robot_type: "slider".into(),
//!     task: "Hold the slider still.".into(),
//!     data_file_size_in_mb: 100,
//!     recording: Default::default(), // meta/manyworlds.json: how the episodes were made
//! };
//! let mut writer = DatasetWriter::create(&root, spec)?;
//! writer.begin_segment(7); // the seed the episodes are drawn with
//! let episode = EpisodeFrames {
//!     state: vec![0.0, 0.0, 0.1, 0.2], // [frames × state]
//!     action: vec![0.5, -0.5],         // [frames × action]
//!     reward: vec![1.0, 1.0],
//!     done: vec![false, true],
//! };
//! let origin = EpisodeOrigin { seed: 7, world: 0, world_episode: 0, success: true, randomization: vec![] };
//! assert_eq!(writer.add(&episode, origin)?, 0); // its episode index
//! writer.flush()?; // on disk, info.json last
//! assert_eq!((writer.total_episodes(), writer.total_frames()), (1, 2));
//! # std::fs::remove_dir_all(&root)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod dataset;
mod episodes;
mod features;
mod files;
mod frames;
mod layout;
mod resume;
mod stats;

pub use dataset::{DatasetSpec, DatasetWriter};
pub use episodes::EpisodeOrigin;
pub use features::{frame_features, Dtype, Feature};
pub use files::DatasetError;
pub use frames::EpisodeFrames;
pub use layout::{CHUNKS_SIZE, CODEBASE_VERSION, DATA_PATH};
pub use stats::{FeatureStats, QUANTILES};
