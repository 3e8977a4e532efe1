//! Errors of the command line tool; each names the argument at fault.

use std::fmt;

use manyworlds::scenes::BUILTIN_NAMES;
use manyworlds::{BatchError, SimError};

#[derive(Debug)]
pub enum CliError {
    /// No built-in scene has this name, and it is not a model file.
    UnknownScene(String),
    /// `record`: no task has this name.
    UnknownTask(String),
    /// `record --randomize`: the file could not be read or parsed.
    Randomize {
        path: std::path::PathBuf,
        message: String,
    },
    /// `record --policy FILE`: the policy file could not be read, or does not fit the task.
    Policy {
        path: std::path::PathBuf,
        message: String,
    },
    /// `run --out`: a trajectory file could not be written.
    Trajectory {
        path: std::path::PathBuf,
        message: String,
    },
    /// `record`: the task cannot be recorded as asked (the message names the argument).
    Unrecordable(String),
    /// `record`: the environment refused to step.
    Env(manyworlds::EnvError),
    /// `record`: a dataset file could not be read or written (the error names it).
    Dataset(manyworlds_dataset::DatasetError),
    /// The model file could not be loaded (the error names file, line and element).
    Import(manyworlds::import::ImportError),
    /// The scene file could not be written.
    Save(manyworlds::import::scene_file::SaveError),
    /// `convert -o` names a file that is not `.json`.
    OutputName(std::path::PathBuf),
    /// The batch could not be created.
    Batch(BatchError),
    /// The simulation failed (GPU errors name the backend).
    Sim(SimError),
    /// The rayon pool for `--threads` could not be built.
    ThreadPool {
        /// None: the default size (one thread per core).
        threads: Option<usize>,
        source: rayon::ThreadPoolBuildError,
    },
    /// The summary could not be written as JSON.
    Json(serde_json::Error),
    /// `bench`: an argument or the outcome of a bench (the message names the argument or the
    /// cells).
    Bench(String),
    /// Worlds went non-finite during `run` (without `--keep-going`).
    NonFinite {
        worlds: usize,
        of: usize,
        first: crate::summary::NonFiniteWorld,
    },
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::UnknownScene(name) => write!(
                f,
                "SCENE: unknown scene '{name}'; valid scenes are: {}, or a model file (.xml MJCF, .urdf URDF, .json scene file)",
                BUILTIN_NAMES.join(", ")
            ),
            CliError::UnknownTask(name) => write!(
                f,
                "TASK: unknown task '{name}'; valid tasks are: {}",
                crate::record::TASK_NAMES
                    .iter()
                    .flat_map(|(_, names)| names.iter().copied())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            CliError::Randomize { path, message } => {
                write!(f, "--randomize {}: {message}", path.display())
            }
            CliError::Policy { path, message } => {
                write!(f, "--policy {}: {message}", path.display())
            }
            CliError::Trajectory { path, message } => {
                write!(f, "--out {}: {message}", path.display())
            }
            CliError::Unrecordable(message) => write!(f, "{message}"),
            CliError::Env(manyworlds::EnvError::Sim(e)) => CliError::Sim(e.clone()).fmt(f),
            CliError::Env(e) => write!(f, "{e}"),
            CliError::Dataset(e) => write!(f, "{e}"),
            CliError::Import(e) => write!(f, "{e}"),
            CliError::Save(e) => write!(f, "{e}"),
            CliError::OutputName(path) => write!(
                f,
                "--output: a scene file's name ends in .json, got '{}'",
                path.display()
            ),
            CliError::Batch(e @ BatchError::WorldCount { .. }) => write!(f, "--worlds: {e}"),
            CliError::Batch(e) => write!(f, "cannot create the batch: {e}"),
            CliError::Sim(SimError::Batch(e)) => CliError::Batch(e.clone()).fmt(f),
            CliError::Sim(e @ SimError::Gpu(_)) => write!(f, "--backend: {e}"),
            CliError::Sim(e @ (SimError::Randomization(_) | SimError::SnapshotBackend { .. })) => {
                write!(f, "{e}")
            }
            CliError::ThreadPool {
                threads: Some(t),
                source,
            } => write!(f, "--threads: cannot build a pool of {t} threads: {source}"),
            CliError::ThreadPool {
                threads: None,
                source,
            } => write!(f, "cannot build the thread pool: {source}"),
            CliError::Json(e) => write!(f, "cannot write the JSON summary: {e}"),
            CliError::Bench(message) => write!(f, "{message}"),
            CliError::NonFinite { worlds, of, first } => write!(
                f,
                "{worlds} of {of} worlds went non-finite (first: {first}); the figures above are over the others (--keep-going exits with success anyway)"
            ),
        }
    }
}

impl std::error::Error for CliError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CliError::UnknownScene(_)
            | CliError::UnknownTask(_)
            | CliError::Randomize { .. }
            | CliError::Policy { .. }
            | CliError::Trajectory { .. }
            | CliError::Unrecordable(_)
            | CliError::OutputName(_)
            | CliError::Bench(_)
            | CliError::NonFinite { .. } => None,
            CliError::Env(e) => Some(e),
            CliError::Dataset(e) => Some(e),
            CliError::Import(e) => Some(e),
            CliError::Save(e) => Some(e),
            CliError::Batch(e) => Some(e),
            CliError::Sim(e) => Some(e),
            CliError::ThreadPool { source, .. } => Some(source),
            CliError::Json(e) => Some(e),
        }
    }
}

impl From<BatchError> for CliError {
    fn from(e: BatchError) -> Self {
        CliError::Batch(e)
    }
}

impl From<SimError> for CliError {
    fn from(e: SimError) -> Self {
        CliError::Sim(e)
    }
}

impl From<manyworlds::import::ImportError> for CliError {
    fn from(e: manyworlds::import::ImportError) -> Self {
        CliError::Import(e)
    }
}

impl From<manyworlds::import::scene_file::SaveError> for CliError {
    fn from(e: manyworlds::import::scene_file::SaveError) -> Self {
        CliError::Save(e)
    }
}
