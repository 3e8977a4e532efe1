//! Why a scene could not be written to a scene file.

use std::path::PathBuf;

use manyworlds_core::{ParamsError, RandomizationError, SceneError};
use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq)]
pub enum SaveError {
    /// The scene holds a value a scene file would not load (a non-finite number: JSON has
    /// none); nothing was written.
    #[error("cannot save the scene: {0}")]
    Scene(#[from] SceneError),
    /// The step parameters are not usable; nothing was written.
    #[error("cannot save the step parameters: {0}")]
    Params(#[from] ParamsError),
    /// The randomization does not fit the scene; nothing was written.
    #[error("cannot save the randomization: {0}")]
    Randomization(#[from] RandomizationError),
    #[error("cannot encode the scene as JSON: {0}")]
    Encode(String),
    #[error("{file}: cannot write: {message}")]
    Write { file: PathBuf, message: String },
}
