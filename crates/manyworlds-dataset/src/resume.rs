//! `--resume`: reopens a dataset at what its `info.json` holds. Whatever a killed run wrote
//! past that (rows of a data or episodes file written before the `info.json` that would
//! have counted them, files being written) is removed, and the new run starts the next data
//! and episodes files, numbering its episodes and frames on from the totals.

use std::path::Path;

use serde_json::Value;

use crate::dataset::check;
use crate::dataset::{DatasetSpec, DatasetWriter};
use crate::episodes::{int_column, read_stats};
use crate::features::{features_json, frame_features};
use crate::files::{read_parquet, read_text, replace_parquet, DatasetError, TEMPORARY_SUFFIX};
use crate::layout::{self, FileId};

impl DatasetWriter {
    /// Continues the dataset in `root` (or starts one there if no run got as far as its first
    /// flush). Refuses a dataset of other features or another task or policy.
    pub fn resume(root: &Path, spec: DatasetSpec) -> Result<DatasetWriter, DatasetError> {
        check(root, &spec)?;
        let info_path = root.join(layout::INFO);
        if !info_path.exists() {
            return start_over(root, spec);
        }
        let info = read_json(&info_path)?;
        let features = frame_features(spec.state_names.clone(), spec.action_names.clone());
        if info["features"] != features_json(&features) {
            return Err(DatasetError::new(
                &info_path,
                "recorded with other features (another task, policy or randomization): cannot resume",
            ));
        }
        let recording_path = root.join(layout::RECORDING);
        let recording = read_json(&recording_path)?;
        for key in ["task", "policy", "randomization_labels"] {
            let ours = spec.recording.get(key).unwrap_or(&Value::Null);
            if &recording[key] != ours {
                return Err(DatasetError::new(
                    &recording_path,
                    format!(
                        "recorded with {key} {}, this run has {ours}: cannot resume",
                        recording[key]
                    ),
                ));
            }
        }
        let total = |key: &str| {
            info[key]
                .as_i64()
                .ok_or_else(|| DatasetError::new(&info_path, format!("no \"{key}\"")))
        };
        let (episodes, frames) = (total("total_episodes")?, total("total_frames")?);
        remove_partial(&root.join("data"))?;
        remove_partial(&root.join("meta"))?;

        let mut writer = DatasetWriter::empty(root, spec);
        writer.segments = recording["segments"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut last = (FileId::default(), FileId::default());
        for (id, path) in list(&root.join("meta/episodes"))? {
            let batch = keep_below(&path, "episode_index", episodes)?;
            let indices = int_column(&batch, "episode_index", &path)?;
            let chunks = int_column(&batch, "data/chunk_index", &path)?;
            let files = int_column(&batch, "data/file_index", &path)?;
            for row in 0..batch.num_rows() {
                if indices.value(row) != writer.episodes as i64 {
                    return Err(DatasetError::new(
                        &path,
                        format!("episode {} out of order", indices.value(row)),
                    ));
                }
                let data = FileId {
                    chunk: chunks.value(row) as u32,
                    file: files.value(row) as u32,
                };
                last = (last.0.max(data), id);
                let stats = read_stats(&batch, row, &writer.features, &path)?;
                writer.count(&stats);
            }
        }
        if writer.episodes as i64 != episodes {
            return Err(DatasetError::new(
                &root.join("meta/episodes"),
                format!(
                    "holds {} of the {episodes} episodes info.json counts",
                    writer.episodes
                ),
            ));
        }
        let mut kept = 0;
        for (_, path) in list(&root.join("data"))? {
            kept += keep_below(&path, "index", frames)?.num_rows() as i64;
        }
        if kept != frames {
            return Err(DatasetError::new(
                &root.join("data"),
                format!("holds {kept} of the {frames} frames info.json counts"),
            ));
        }
        writer.total_frames = frames;
        writer.committed = writer.episodes;
        if episodes > 0 {
            writer.data = last.0.next();
            writer.meta = last.1.next();
        }
        Ok(writer)
    }
}

/// No flush was completed: removes what a run may have left and starts empty.
fn start_over(root: &Path, spec: DatasetSpec) -> Result<DatasetWriter, DatasetError> {
    if let Ok(entries) = std::fs::read_dir(root) {
        for entry in entries.flatten() {
            if !["data", "meta"].contains(&entry.file_name().to_str().unwrap_or("")) {
                return Err(DatasetError::new(
                    &entry.path(),
                    "is not part of a dataset: refusing to resume into a folder holding it",
                ));
            }
        }
    }
    for folder in ["data", "meta/episodes"] {
        for (_, path) in list(&root.join(folder))? {
            std::fs::remove_file(&path).map_err(|e| DatasetError::new(&path, e))?;
        }
    }
    for file in [layout::TASKS, layout::STATS, layout::RECORDING] {
        let path = root.join(file);
        if path.exists() {
            std::fs::remove_file(&path).map_err(|e| DatasetError::new(&path, e))?;
        }
    }
    remove_partial(&root.join("data"))?;
    remove_partial(&root.join("meta"))?;
    Ok(DatasetWriter::empty(root, spec))
}

fn read_json(path: &Path) -> Result<Value, DatasetError> {
    serde_json::from_str(&read_text(path)?).map_err(|e| DatasetError::new(path, e))
}

fn list(folder: &Path) -> Result<Vec<(FileId, std::path::PathBuf)>, DatasetError> {
    FileId::list(folder).map_err(|e| DatasetError::new(folder, e))
}

/// Cuts the file at `path` to its rows whose `column` is below `limit` (rows are in order),
/// removing it when none are; returns what is kept.
fn keep_below(
    path: &Path,
    column: &str,
    limit: i64,
) -> Result<arrow_array::RecordBatch, DatasetError> {
    let batch = read_parquet(path)?;
    let keep = int_column(&batch, column, path)?
        .values()
        .iter()
        .take_while(|&&v| v < limit)
        .count();
    let kept = batch.slice(0, keep);
    if keep == 0 {
        std::fs::remove_file(path).map_err(|e| DatasetError::new(path, e))?;
    } else if keep < batch.num_rows() {
        replace_parquet(path, &kept)?;
    }
    Ok(kept)
}

/// Removes the files under `folder` that were being written when a run stopped.
fn remove_partial(folder: &Path) -> Result<(), DatasetError> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Ok(());
    };
    for entry in entries {
        let path = entry.map_err(|e| DatasetError::new(folder, e))?.path();
        if path.is_dir() {
            remove_partial(&path)?;
        } else if path.to_string_lossy().ends_with(TEMPORARY_SUFFIX) {
            std::fs::remove_file(&path).map_err(|e| DatasetError::new(&path, e))?;
        }
    }
    Ok(())
}
