//! `DatasetWriter`: episodes in, a LeRobot v3.0 dataset out. Frames of the data file being
//! filled are kept in memory and the file rewritten whole at each flush (so its bytes depend
//! only on its rows); a file is closed once it would pass `data_files_size_in_mb` (counted
//! uncompressed) and the next one started. A flush writes, each replaced whole (all written
//! first, then renamed in this order): the data file, the episodes file, `tasks.parquet` (the
//! first time), `stats.json`, `manyworlds.json`, and last `info.json`, whose totals say what
//! the dataset holds.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use serde_json::{json, Map, Value};

use crate::episodes::{self, EpisodeOrigin, EpisodeRecord};
use crate::features::{self, Feature};
use crate::files::{commit, stage, stage_parquet, DatasetError, Staged};
use crate::frames::{EpisodeFrames, FileRows, Placement};
use crate::layout::{self, FileId};
use crate::stats::FeatureStats;

/// What every episode of a dataset shares.
#[derive(Clone, Debug)]
pub struct DatasetSpec {
    /// The names of `observation.state`'s and `action`'s values (their widths).
    pub state_names: Vec<String>,
    pub action_names: Vec<String>,
    pub fps: u32,
    pub robot_type: String,
    /// The one task's sentence.
    pub task: String,
    pub data_file_size_in_mb: u32,
    /// `meta/manyworlds.json`, to which the writer adds `"segments"`.
    pub recording: Map<String, Value>,
}

pub struct DatasetWriter {
    pub(crate) root: PathBuf,
    pub(crate) spec: DatasetSpec,
    /// The frame columns, from the spec's names.
    pub(crate) features: Vec<Feature>,
    pub(crate) schema: Arc<Schema>,
    /// Episodes in the dataset, and their statistics aggregated episode by episode (as
    /// LeRobot's running `aggregate_stats`), per feature.
    pub(crate) episodes: usize,
    pub(crate) stats: Option<Vec<FeatureStats>>,
    pub(crate) total_frames: i64,
    /// The data file being filled and its rows; whether they changed since written.
    pub(crate) data: FileId,
    pub(crate) rows: FileRows,
    pub(crate) rows_dirty: bool,
    /// The episodes file being filled (one per data file, and a new one per run) and its
    /// rows.
    pub(crate) meta: FileId,
    pub(crate) records: Vec<EpisodeRecord>,
    /// `{seed, first_episode}` of each run that added episodes (the first, then each resume).
    pub(crate) segments: Vec<Value>,
    /// Episodes that `info.json` holds.
    pub(crate) committed: usize,
}

impl DatasetWriter {
    /// A new dataset in `root`, which must be absent or empty.
    pub fn create(root: &Path, spec: DatasetSpec) -> Result<DatasetWriter, DatasetError> {
        check(root, &spec)?;
        if let Ok(mut entries) = std::fs::read_dir(root) {
            if entries.next().is_some() {
                return Err(DatasetError::new(
                    root,
                    "exists and is not empty (--resume continues a dataset there)",
                ));
            }
        }
        Ok(DatasetWriter::empty(root, spec))
    }

    pub(crate) fn empty(root: &Path, spec: DatasetSpec) -> DatasetWriter {
        let features =
            features::frame_features(spec.state_names.clone(), spec.action_names.clone());
        DatasetWriter {
            root: root.to_path_buf(),
            schema: features::data_schema(&features),
            features,
            spec,
            episodes: 0,
            stats: None,
            total_frames: 0,
            data: FileId::default(),
            rows: FileRows::default(),
            rows_dirty: false,
            meta: FileId::default(),
            records: Vec::new(),
            segments: Vec::new(),
            committed: 0,
        }
    }

    /// Starts this run's episodes, drawn with `seed`.
    pub fn begin_segment(&mut self, seed: u64) {
        self.segments
            .push(json!({ "seed": seed, "first_episode": self.episodes }));
    }

    /// Runs before this one (each resume starts one).
    pub fn segment_count(&self) -> usize {
        self.segments.len()
    }

    pub fn total_episodes(&self) -> usize {
        self.episodes
    }

    /// Episodes added since the last flush.
    pub fn pending(&self) -> usize {
        self.episodes - self.committed
    }

    pub fn total_frames(&self) -> i64 {
        self.total_frames
    }

    /// Adds one more episode of `stats` to the dataset's.
    pub(crate) fn count(&mut self, stats: &[FeatureStats]) {
        self.episodes += 1;
        self.stats = Some(match self.stats.take() {
            None => stats.to_vec(),
            Some(all) => all.iter().zip(stats).map(|(a, b)| a.merge(b)).collect(),
        });
    }

    /// Bytes of one frame, uncompressed.
    fn frame_bytes(&self) -> usize {
        let widths: usize = self.features[..2].iter().map(|f| f.width).sum();
        4 * widths + 4 + 1 + 4 + 4 * 8
    }

    /// Adds a finished episode (at least one frame, columns of the spec's widths; refused
    /// otherwise); returns its episode index. It is on disk after the next
    /// [`DatasetWriter::flush`].
    pub fn add(
        &mut self,
        frames: &EpisodeFrames,
        origin: EpisodeOrigin,
    ) -> Result<i64, DatasetError> {
        let n = frames.len();
        let (state, action) = (self.features[0].width, self.features[1].width);
        if n == 0
            || frames.done.len() != n
            || frames.state.len() != n * state
            || frames.action.len() != n * action
        {
            return Err(DatasetError::new(
                &self.root,
                format!(
                    "an episode needs at least one frame and {state} state and {action} action values a frame; got {n} rewards, {} done flags, {} state and {} action values",
                    frames.done.len(),
                    frames.state.len(),
                    frames.action.len()
                ),
            ));
        }
        let limit = self.spec.data_file_size_in_mb as usize * 1024 * 1024;
        if !self.rows.is_empty() && (self.rows.len() + frames.len()) * self.frame_bytes() > limit {
            // The episodes file closes with its data file.
            let mut staged: Vec<Staged> = self.stage_data()?.into_iter().collect();
            staged.push(self.stage_episodes()?);
            commit(staged)?;
            self.data = self.data.next();
            self.rows = FileRows::default();
            self.meta = self.meta.next();
            self.records.clear();
        }
        let index = self.episodes as i64;
        let rows = self.rows.append(
            frames,
            Placement {
                episode_index: index,
                first_index: self.total_frames,
                task_index: 0,
                fps: self.spec.fps,
            },
        );
        self.rows_dirty = true;
        let stats = self
            .features
            .iter()
            .enumerate()
            .map(|(k, f)| FeatureStats::of(&self.rows.values(k, f.width, rows.clone()), f.width))
            .collect::<Vec<_>>();
        self.records.push(EpisodeRecord {
            index,
            length: frames.len() as i64,
            data: self.data,
            meta: self.meta,
            from: self.total_frames,
            stats: stats.clone(),
            origin,
        });
        self.count(&stats);
        self.total_frames += frames.len() as i64;
        Ok(index)
    }

    /// The data file being filled, staged if it changed since written.
    fn stage_data(&mut self) -> Result<Option<Staged>, DatasetError> {
        if !self.rows_dirty {
            return Ok(None);
        }
        let path = self.data.data(&self.root);
        let batch = self
            .rows
            .to_batch(&self.features, &self.schema)
            .map_err(|e| DatasetError::new(&path, e))?;
        let staged = stage_parquet(&path, &batch)?;
        self.rows_dirty = false;
        Ok(Some(staged))
    }

    /// Puts every episode added so far on disk: each file staged, then renamed in order,
    /// `info.json` last.
    pub fn flush(&mut self) -> Result<(), DatasetError> {
        if self.committed == self.episodes {
            return Ok(());
        }
        let mut staged: Vec<Staged> = self.stage_data()?.into_iter().collect();
        staged.push(self.stage_episodes()?);
        let tasks = self.root.join(layout::TASKS);
        if !tasks.exists() {
            staged.push(stage_parquet(&tasks, &self.tasks_batch(&tasks)?)?);
        }
        staged.push(self.stage_json(layout::STATS, &self.stats_json())?);
        let mut recording = self.spec.recording.clone();
        recording.insert("segments".into(), Value::Array(self.segments.clone()));
        staged.push(self.stage_json(layout::RECORDING, &Value::Object(recording))?);
        staged.push(self.stage_json(layout::INFO, &self.info_json())?);
        commit(staged)?;
        self.committed = self.episodes;
        Ok(())
    }

    /// The episodes file being filled.
    fn stage_episodes(&self) -> Result<Staged, DatasetError> {
        let path = self.meta.episodes(&self.root);
        let batch = episodes::to_batch(&self.records, &self.features, &self.spec.task)
            .map_err(|e| DatasetError::new(&path, e))?;
        stage_parquet(&path, &batch)
    }

    fn stage_json(&self, relative: &str, value: &Value) -> Result<Staged, DatasetError> {
        let path = self.root.join(relative);
        let text = serde_json::to_string_pretty(value).map_err(|e| DatasetError::new(&path, e))?;
        stage(&path, format!("{text}\n").as_bytes())
    }

    /// `tasks.parquet`: `task_index` and the sentence, the sentence as the pandas index
    /// LeRobot reads it as.
    fn tasks_batch(&self, path: &Path) -> Result<RecordBatch, DatasetError> {
        let pandas = json!({
            "index_columns": ["task"],
            "column_indexes": [],
            "columns": [
                { "name": "task_index", "field_name": "task_index", "pandas_type": "int64",
                  "numpy_type": "int64", "metadata": null },
                { "name": "task", "field_name": "task", "pandas_type": "unicode",
                  "numpy_type": "object", "metadata": null },
            ],
            "creator": { "library": "manyworlds", "version": env!("CARGO_PKG_VERSION") },
            "pandas_version": "2.2.0",
        });
        let schema = Schema::new_with_metadata(
            vec![
                Field::new("task_index", DataType::Int64, true),
                Field::new("task", DataType::Utf8, true),
            ],
            HashMap::from([("pandas".to_string(), pandas.to_string())]),
        );
        let columns: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from(vec![0])),
            Arc::new(StringArray::from(vec![self.spec.task.as_str()])),
        ];
        RecordBatch::try_new(Arc::new(schema), columns).map_err(|e| DatasetError::new(path, e))
    }

    fn stats_json(&self) -> Value {
        let mut out = Map::new();
        for (feature, stats) in self.features.iter().zip(self.stats.iter().flatten()) {
            out.insert(feature.key.to_string(), stats.to_json(feature.dtype));
        }
        Value::Object(out)
    }

    fn info_json(&self) -> Value {
        let episodes = self.episodes;
        json!({
            "codebase_version": layout::CODEBASE_VERSION,
            "fps": self.spec.fps,
            "features": features::features_json(&self.features),
            "total_episodes": episodes,
            "total_frames": self.total_frames,
            "total_tasks": 1,
            "chunks_size": layout::CHUNKS_SIZE,
            "data_files_size_in_mb": self.spec.data_file_size_in_mb,
            "data_path": layout::DATA_PATH,
            "video_path": null,
            "robot_type": self.spec.robot_type,
            "splits": { "train": format!("0:{episodes}") },
        })
    }
}

/// What LeRobot needs of a spec: frames per second, and values in the state and the action.
pub(crate) fn check(root: &Path, spec: &DatasetSpec) -> Result<(), DatasetError> {
    if spec.fps == 0 || spec.state_names.is_empty() || spec.action_names.is_empty() {
        return Err(DatasetError::new(
            root,
            format!(
                "a dataset needs fps ≥ 1 (got {}) and named state and action values (got {} and {})",
                spec.fps,
                spec.state_names.len(),
                spec.action_names.len()
            ),
        ));
    }
    Ok(())
}
