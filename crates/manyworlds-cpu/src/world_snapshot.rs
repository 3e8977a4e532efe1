//! Everything one world of a CPU batch carries from step to step: what restoring it needs to
//! continue bit for bit.

use manyworlds_core::initial_state::BodyStates;
use manyworlds_core::WorldParameters;

use crate::contact_cache::ContactCache;
use crate::joint_solver::JointImpulses;

/// One world's saved state on the CPU backend.
#[derive(Clone, Debug, PartialEq)]
pub struct CpuWorldSnapshot {
    pub(crate) bodies: BodyStates,
    /// Contact memory (warm-start impulses by feature).
    pub(crate) cache: ContactCache,
    pub(crate) joint_impulses: Vec<JointImpulses>,
    pub(crate) controls: Vec<f32>,
    pub(crate) actuator_forces: Vec<f32>,
    pub(crate) faulted: Option<u32>,
    /// The world's own parameters, when it had some.
    pub(crate) parameters: Option<WorldParameters>,
}

impl CpuWorldSnapshot {
    /// The world's body states when it was saved.
    pub fn bodies(&self) -> &BodyStates {
        &self.bodies
    }
}
