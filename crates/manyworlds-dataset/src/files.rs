//! Files of a dataset, each replaced whole or not at all: written under a temporary name
//! (`NAME.tmp`, which no reader globs), flushed to disk, then renamed over `NAME`; the files
//! of one flush are all written before the first rename. Every error names its path.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use arrow_array::RecordBatch;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

/// The suffix of files being written.
pub const TEMPORARY_SUFFIX: &str = ".tmp";

/// A dataset file that could not be read or written.
#[derive(Debug)]
pub struct DatasetError {
    pub path: PathBuf,
    pub message: String,
}

impl DatasetError {
    pub fn new(path: &Path, message: impl fmt::Display) -> DatasetError {
        DatasetError {
            path: path.to_path_buf(),
            message: message.to_string(),
        }
    }
}

impl fmt::Display for DatasetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for DatasetError {}

/// A file written under its temporary name and flushed to disk, not yet in place.
pub struct Staged {
    temporary: PathBuf,
    path: PathBuf,
}

/// Writes `bytes` for `path` under the temporary name (creating the folder).
pub fn stage(path: &Path, bytes: &[u8]) -> Result<Staged, DatasetError> {
    let folder = folder(path)?;
    fs::create_dir_all(folder).map_err(|e| DatasetError::new(folder, e))?;
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(TEMPORARY_SUFFIX);
    let temporary = PathBuf::from(temporary);
    fs::File::create(&temporary)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .map_err(|e| DatasetError::new(&temporary, e))?;
    Ok(Staged {
        temporary,
        path: path.to_path_buf(),
    })
}

/// A Parquet file of `batch` (Snappy, as LeRobot writes) for `path`.
pub fn stage_parquet(path: &Path, batch: &RecordBatch) -> Result<Staged, DatasetError> {
    let properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut bytes = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut bytes, batch.schema(), Some(properties))
        .map_err(|e| DatasetError::new(path, e))?;
    writer
        .write(batch)
        .map_err(|e| DatasetError::new(path, e))?;
    writer.close().map_err(|e| DatasetError::new(path, e))?;
    stage(path, &bytes)
}

/// Renames the staged files into place in order (renames only: the files are already on
/// disk, so a kill between two of them is a matter of microseconds), then flushes their
/// folders so the renames are on disk too.
pub fn commit(staged: Vec<Staged>) -> Result<(), DatasetError> {
    for s in &staged {
        fs::rename(&s.temporary, &s.path).map_err(|e| DatasetError::new(&s.path, e))?;
    }
    let mut folders: Vec<&Path> = staged.iter().filter_map(|s| s.path.parent()).collect();
    folders.dedup();
    for folder in folders {
        fs::File::open(folder)
            .and_then(|dir| dir.sync_all())
            .map_err(|e| DatasetError::new(folder, e))?;
    }
    Ok(())
}

/// Replaces `path` with a Parquet file of `batch`.
pub fn replace_parquet(path: &Path, batch: &RecordBatch) -> Result<(), DatasetError> {
    commit(vec![stage_parquet(path, batch)?])
}

fn folder(path: &Path) -> Result<&Path, DatasetError> {
    path.parent()
        .ok_or_else(|| DatasetError::new(path, "has no folder"))
}

/// Every row of the Parquet file at `path`, as one batch.
pub fn read_parquet(path: &Path) -> Result<RecordBatch, DatasetError> {
    let file = fs::File::open(path).map_err(|e| DatasetError::new(path, e))?;
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| DatasetError::new(path, e))?;
    let schema = builder.schema().clone();
    let batches = builder
        .build()
        .map_err(|e| DatasetError::new(path, e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| DatasetError::new(path, e))?;
    arrow_select::concat::concat_batches(&schema, &batches).map_err(|e| DatasetError::new(path, e))
}

/// Reads `path` as UTF-8 text.
pub fn read_text(path: &Path) -> Result<String, DatasetError> {
    fs::read_to_string(path).map_err(|e| DatasetError::new(path, e))
}
