//! What can go wrong on the GPU backend.

use manyworlds_core::BatchError;
use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq)]
pub enum GpuError {
    #[error("no GPU adapter matches {asked}; available: {}", if available.is_empty() { "none".to_string() } else { available.join("; ") })]
    NoAdapter {
        asked: String,
        available: Vec<String>,
    },
    #[error("could not open the GPU device: {0}")]
    Device(String),
    #[error("shader {file}: {message}")]
    Shader { file: String, message: String },
    #[error("the scene does not fit one workgroup: {0}")]
    SceneTooLarge(String),
    #[error("the GPU backend cannot run this scene yet: {0}")]
    Unsupported(String),
    #[error(transparent)]
    Batch(#[from] BatchError),
    #[error("GPU error: {0}")]
    Runtime(String),
}
