//! Everything one world of a GPU batch carries from step to step, copied to the host: what
//! restoring it needs to continue bit for bit.

use manyworlds_core::WorldParameters;

use crate::layout::{GpuCachedManifold, GpuWorldStatus};

/// One world's saved state on the GPU backend.
#[derive(Clone, Debug, PartialEq)]
pub struct GpuWorldSnapshot {
    /// The world's regions of the state buffer, in [`crate::gpu_batch`]'s order: the four
    /// body fields, joint warm-start impulses, controls, actuator forces.
    pub(crate) state: Vec<[f32; 4]>,
    /// Its contact memory: the first `status.cache_count` manifolds.
    pub(crate) cache: Vec<GpuCachedManifold>,
    pub(crate) status: GpuWorldStatus,
    /// The world's own parameters, when it had some.
    pub(crate) parameters: Option<WorldParameters>,
}
