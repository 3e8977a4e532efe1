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
    /// The implementation ended the step kernel's loops early (llvmpipe bounds the loop
    /// iterations of one invocation); those worlds kept their last state.
    #[error(
        "{adapter} cut the step kernel's loops short in {worlds} world(s), which were not \
         stepped: the scene needs more loop iterations per world than this implementation \
         allows (llvmpipe: 65,535); use the CPU backend or fewer substeps"
    )]
    LoopLimit { worlds: usize, adapter: String },
    #[error(transparent)]
    Batch(#[from] BatchError),
    #[error("GPU error: {0}")]
    Runtime(String),
}
