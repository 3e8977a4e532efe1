//! The GPU backend of manyworlds: the TGS-soft rigid-body and contact solver of the CPU backend
//! as WGSL compute shaders run through wgpu, one workgroup per world.

mod context;
mod error;
mod gpu_batch;
pub mod layout;
mod readback;
mod scene_upload;
pub mod shader_source;
mod step_kernel;
mod task_readout;
pub mod testing;
mod world_snapshot;

pub use context::{list_adapters, AdapterChoice, AdapterSummary, GpuContext, ADAPTER_ENV};
pub use error::GpuError;
pub use gpu_batch::{GpuBatch, GpuBatchOptions, GpuStepStats, StateField, StateRead};
pub use scene_upload::scene_hulls;
pub use task_readout::{ReadoutMode, TaskProgram, TaskReadout};
pub use world_snapshot::GpuWorldSnapshot;
