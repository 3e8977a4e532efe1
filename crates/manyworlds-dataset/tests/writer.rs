//! `DatasetWriter` used directly: malformed episodes and specs refused naming the dataset, and a
//! dataset reopened with `resume` numbering on.

use manyworlds_dataset::{DatasetSpec, DatasetWriter, EpisodeFrames, EpisodeOrigin};

fn spec() -> DatasetSpec {
    DatasetSpec {
        state_names: vec!["x".into(), "x_dot".into()],
        action_names: vec!["force".into()],
        fps: 50,
        robot_type: "slider".into(),
        task: "Hold the slider still.".into(),
        data_file_size_in_mb: 100,
        recording: Default::default(),
    }
}

fn origin() -> EpisodeOrigin {
    EpisodeOrigin {
        seed: 1,
        world: 0,
        world_episode: 0,
        success: false,
        randomization: vec![0.5],
    }
}

fn episode(frames: usize) -> EpisodeFrames {
    EpisodeFrames {
        state: (0..2 * frames).map(|i| i as f32).collect(),
        action: vec![0.25; frames],
        reward: vec![1.0; frames],
        done: (0..frames).map(|i| i + 1 == frames).collect(),
    }
}

#[test]
fn malformed_episodes_are_refused_and_resume_numbers_on() {
    let root = std::env::temp_dir().join(format!("manyworlds-dataset-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let mut writer = DatasetWriter::create(&root, spec()).unwrap();
    writer.begin_segment(1);
    let mut wrong = episode(3);
    wrong.action.pop();
    for bad in [EpisodeFrames::default(), wrong] {
        let error = writer.add(&bad, origin()).unwrap_err().to_string();
        assert!(error.contains(&*root.to_string_lossy()), "{error}");
    }
    assert_eq!(writer.add(&episode(3), origin()).unwrap(), 0);
    assert_eq!(writer.add(&episode(2), origin()).unwrap(), 1);
    writer.flush().unwrap();
    drop(writer);

    let no_fps = DatasetSpec { fps: 0, ..spec() };
    let error = DatasetWriter::create(&root.join("other"), no_fps)
        .err()
        .unwrap()
        .to_string();
    assert!(error.contains("fps"), "{error}");
    let error = DatasetWriter::create(&root, spec())
        .err()
        .unwrap()
        .to_string();
    assert!(error.contains("not empty"), "{error}");
    let mut writer = DatasetWriter::resume(&root, spec()).unwrap();
    assert_eq!((writer.total_episodes(), writer.total_frames()), (2, 5));
    assert_eq!(writer.segment_count(), 1);
    writer.begin_segment(2);
    assert_eq!(writer.add(&episode(4), origin()).unwrap(), 2);
    writer.flush().unwrap();
    assert_eq!(writer.total_frames(), 9);
    let info: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("meta/info.json")).unwrap())
            .unwrap();
    assert_eq!(info["total_frames"], 9);
    assert_eq!(info["splits"]["train"], "0:3");
    assert!(
        root.join("data/chunk-000/file-001.parquet").exists(),
        "a resumed run starts a new file"
    );
    std::fs::remove_dir_all(&root).unwrap();
}
