//! Where LeRobot v3.0 keeps each part of a dataset, and how files are numbered.

use std::path::{Path, PathBuf};

pub const CODEBASE_VERSION: &str = "v3.0";
pub const DATA_PATH: &str = "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet";
/// Files per chunk folder, LeRobot's default.
pub const CHUNKS_SIZE: u32 = 1000;

pub const INFO: &str = "meta/info.json";
pub const STATS: &str = "meta/stats.json";
pub const TASKS: &str = "meta/tasks.parquet";
/// What LeRobot's format has no place for: how the dataset was made (seeds, policy,
/// randomization labels, success condition).
pub const RECORDING: &str = "meta/manyworlds.json";

/// A file's place: `chunk-{chunk:03}/file-{file:03}`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileId {
    pub chunk: u32,
    pub file: u32,
}

impl FileId {
    /// The file after this one, moving to the next chunk after [`CHUNKS_SIZE`] files.
    pub fn next(self) -> FileId {
        if self.file + 1 == CHUNKS_SIZE {
            FileId {
                chunk: self.chunk + 1,
                file: 0,
            }
        } else {
            FileId {
                chunk: self.chunk,
                file: self.file + 1,
            }
        }
    }

    fn relative(self) -> String {
        format!("chunk-{:03}/file-{:03}.parquet", self.chunk, self.file)
    }

    pub fn data(self, root: &Path) -> PathBuf {
        root.join("data").join(self.relative())
    }

    pub fn episodes(self, root: &Path) -> PathBuf {
        root.join("meta/episodes").join(self.relative())
    }

    /// The files under `folder` (`data` or `meta/episodes` of a root) by id, in order;
    /// anything else there is left out.
    pub fn list(folder: &Path) -> std::io::Result<Vec<(FileId, PathBuf)>> {
        let mut found = Vec::new();
        let Ok(chunks) = std::fs::read_dir(folder) else {
            return Ok(found);
        };
        for chunk in chunks {
            let chunk = chunk?;
            let Some(c) = number(&chunk.file_name(), "chunk-", "") else {
                continue;
            };
            for file in std::fs::read_dir(chunk.path())? {
                let file = file?;
                if let Some(f) = number(&file.file_name(), "file-", ".parquet") {
                    found.push((FileId { chunk: c, file: f }, file.path()));
                }
            }
        }
        found.sort();
        Ok(found)
    }
}

/// N of `{prefix}N{suffix}`.
fn number(name: &std::ffi::OsStr, prefix: &str, suffix: &str) -> Option<u32> {
    name.to_str()?
        .strip_prefix(prefix)?
        .strip_suffix(suffix)?
        .parse()
        .ok()
}
