//! The one interface both backends offer: a batch of N worlds of one scene that steps, hands
//! its state back as `[worlds × bodies]` slices and takes state in.

use glam::{Quat, Vec3};
use manyworlds_core::initial_state::BodyStates;
use manyworlds_core::{BatchBodies, Contact, Plausibility, Scene, StepParams, WorldParameters};
use manyworlds_cpu::CpuBatch;
use manyworlds_gpu::GpuBatch;

use crate::sim::SimError;
use crate::snapshot::BackendWorld;

/// Which backend a batch runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackendKind {
    Cpu,
    Gpu,
}

impl std::fmt::Display for BackendKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BackendKind::Cpu => "cpu",
            BackendKind::Gpu => "gpu",
        })
    }
}

/// Counters of the last step, the same on both backends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SimStats {
    /// Contact points solved in the last step, over all worlds.
    pub contact_points: u64,
    /// Worlds frozen because their state stopped being finite.
    pub non_finite_worlds: usize,
    /// Constraint slots per world (GPU only: the CPU backend grows its buffers freely).
    pub contact_capacity: Option<usize>,
    /// Times the GPU grew its contact capacity; world-steps that waited for it.
    pub capacity_growths: u32,
    pub deferred_world_steps: u64,
}

/// A batch of worlds on some backend. Reads return the state after the last step; on the GPU
/// they copy the field back first (once per step).
pub trait WorldBatch {
    fn backend(&self) -> BackendKind;
    /// The device: "N CPU threads" or the GPU adapter's name.
    fn device(&self) -> String;
    fn scene(&self) -> &Scene;
    fn params(&self) -> &StepParams;
    fn world_count(&self) -> usize;
    /// Bodies per world.
    fn stride(&self) -> usize;
    fn step_n(&mut self, k: usize) -> Result<(), SimError>;
    fn positions(&mut self) -> Result<&[Vec3], SimError>;
    fn orientations(&mut self) -> Result<&[Quat], SimError>;
    fn linear_velocities(&mut self) -> Result<&[Vec3], SimError>;
    fn angular_velocities(&mut self) -> Result<&[Vec3], SimError>;
    fn set_positions(&mut self, values: &[Vec3]) -> Result<(), SimError>;
    fn set_orientations(&mut self, values: &[Quat]) -> Result<(), SimError>;
    fn set_linear_velocities(&mut self, values: &[Vec3]) -> Result<(), SimError>;
    fn set_angular_velocities(&mut self, values: &[Vec3]) -> Result<(), SimError>;
    /// The scene and all four state fields at once.
    fn bodies(&mut self) -> Result<(&Scene, BatchBodies<'_>), SimError>;
    /// `[worlds × actuators]`, held from the next step on.
    fn set_controls(&mut self, controls: &[f32]) -> Result<(), SimError>;
    /// Actuator forces of the last step, `[worlds × actuators]`.
    fn actuator_forces(&mut self) -> Result<&[f32], SimError>;
    fn reset_world(&mut self, world: usize) -> Result<(), SimError>;
    fn set_world_parameters(
        &mut self,
        world: usize,
        parameters: &WorldParameters,
    ) -> Result<(), SimError>;
    fn world_parameters(&self, world: usize) -> Result<WorldParameters, SimError>;
    fn world_state(&mut self, world: usize) -> Result<BodyStates, SimError>;
    fn set_world_state(&mut self, world: usize, state: &BodyStates) -> Result<(), SimError>;
    /// The pushing contact points of one world after its last step.
    fn contacts(&mut self, world: usize) -> Result<Vec<Contact>, SimError>;
    fn save_world(&mut self, world: usize) -> Result<BackendWorld, SimError>;
    fn restore_world(&mut self, world: usize, saved: &BackendWorld) -> Result<(), SimError>;
    fn stats(&self) -> SimStats;
    fn non_finite_worlds(&self) -> Vec<usize>;
    /// The lowest index of a body that turned non-finite in a frozen world.
    fn non_finite_body(&self, world: usize) -> Option<usize>;
    fn plausibility(&mut self) -> Result<Plausibility, SimError>;
    /// Bytes of backend memory per world (state, contact memory, shares of scratch).
    fn memory_per_world(&self) -> usize;
    /// The GPU batch itself, for kernels that read its state on the device.
    fn gpu(&self) -> Option<&GpuBatch> {
        None
    }
}

impl WorldBatch for CpuBatch {
    fn backend(&self) -> BackendKind {
        BackendKind::Cpu
    }
    fn device(&self) -> String {
        format!("{} CPU threads", rayon::current_num_threads())
    }
    fn scene(&self) -> &Scene {
        CpuBatch::scene(self)
    }
    fn params(&self) -> &StepParams {
        CpuBatch::params(self)
    }
    fn world_count(&self) -> usize {
        CpuBatch::world_count(self)
    }
    fn stride(&self) -> usize {
        CpuBatch::stride(self)
    }
    fn step_n(&mut self, k: usize) -> Result<(), SimError> {
        CpuBatch::step_n(self, k);
        Ok(())
    }
    fn positions(&mut self) -> Result<&[Vec3], SimError> {
        Ok(CpuBatch::positions(self))
    }
    fn orientations(&mut self) -> Result<&[Quat], SimError> {
        Ok(CpuBatch::orientations(self))
    }
    fn linear_velocities(&mut self) -> Result<&[Vec3], SimError> {
        Ok(CpuBatch::linear_velocities(self))
    }
    fn angular_velocities(&mut self) -> Result<&[Vec3], SimError> {
        Ok(CpuBatch::angular_velocities(self))
    }
    fn set_positions(&mut self, values: &[Vec3]) -> Result<(), SimError> {
        Ok(CpuBatch::set_positions(self, values)?)
    }
    fn set_orientations(&mut self, values: &[Quat]) -> Result<(), SimError> {
        Ok(CpuBatch::set_orientations(self, values)?)
    }
    fn set_linear_velocities(&mut self, values: &[Vec3]) -> Result<(), SimError> {
        Ok(CpuBatch::set_linear_velocities(self, values)?)
    }
    fn set_angular_velocities(&mut self, values: &[Vec3]) -> Result<(), SimError> {
        Ok(CpuBatch::set_angular_velocities(self, values)?)
    }
    fn bodies(&mut self) -> Result<(&Scene, BatchBodies<'_>), SimError> {
        Ok((CpuBatch::scene(self), CpuBatch::bodies(self)))
    }
    fn set_controls(&mut self, controls: &[f32]) -> Result<(), SimError> {
        Ok(CpuBatch::set_controls(self, controls)?)
    }
    fn actuator_forces(&mut self) -> Result<&[f32], SimError> {
        Ok(CpuBatch::actuator_forces(self))
    }
    fn reset_world(&mut self, world: usize) -> Result<(), SimError> {
        Ok(CpuBatch::reset_world(self, world)?)
    }
    fn set_world_parameters(
        &mut self,
        world: usize,
        parameters: &WorldParameters,
    ) -> Result<(), SimError> {
        Ok(CpuBatch::set_world_parameters(self, world, parameters)?)
    }
    fn world_parameters(&self, world: usize) -> Result<WorldParameters, SimError> {
        Ok(CpuBatch::world_parameters(self, world)?)
    }
    fn world_state(&mut self, world: usize) -> Result<BodyStates, SimError> {
        Ok(CpuBatch::world_state(self, world)?)
    }
    fn set_world_state(&mut self, world: usize, state: &BodyStates) -> Result<(), SimError> {
        Ok(CpuBatch::set_world_state(self, world, state)?)
    }
    fn contacts(&mut self, world: usize) -> Result<Vec<Contact>, SimError> {
        Ok(CpuBatch::contacts(self, world)?)
    }
    fn save_world(&mut self, world: usize) -> Result<BackendWorld, SimError> {
        Ok(BackendWorld::Cpu(CpuBatch::save_world(self, world)?))
    }
    fn restore_world(&mut self, world: usize, saved: &BackendWorld) -> Result<(), SimError> {
        match saved {
            BackendWorld::Cpu(s) => Ok(CpuBatch::restore_world(self, world, s)?),
            other => Err(SimError::SnapshotBackend {
                saved: other.backend(),
                here: BackendKind::Cpu,
            }),
        }
    }
    fn stats(&self) -> SimStats {
        let s = CpuBatch::stats(self);
        SimStats {
            contact_points: s.contact_points,
            non_finite_worlds: s.non_finite_worlds,
            ..SimStats::default()
        }
    }
    fn non_finite_worlds(&self) -> Vec<usize> {
        CpuBatch::non_finite_worlds(self)
    }
    fn non_finite_body(&self, world: usize) -> Option<usize> {
        CpuBatch::non_finite_body(self, world)
    }
    fn plausibility(&mut self) -> Result<Plausibility, SimError> {
        Ok(CpuBatch::plausibility(self))
    }
    fn memory_per_world(&self) -> usize {
        CpuBatch::memory_per_world(self)
    }
}

impl WorldBatch for GpuBatch {
    fn backend(&self) -> BackendKind {
        BackendKind::Gpu
    }
    fn device(&self) -> String {
        self.adapter().name.clone()
    }
    fn scene(&self) -> &Scene {
        GpuBatch::scene(self)
    }
    fn params(&self) -> &StepParams {
        GpuBatch::params(self)
    }
    fn world_count(&self) -> usize {
        GpuBatch::world_count(self)
    }
    fn stride(&self) -> usize {
        GpuBatch::stride(self)
    }
    fn step_n(&mut self, k: usize) -> Result<(), SimError> {
        Ok(GpuBatch::step_n(self, k)?)
    }
    fn positions(&mut self) -> Result<&[Vec3], SimError> {
        Ok(GpuBatch::positions(self)?)
    }
    fn orientations(&mut self) -> Result<&[Quat], SimError> {
        Ok(GpuBatch::orientations(self)?)
    }
    fn linear_velocities(&mut self) -> Result<&[Vec3], SimError> {
        Ok(GpuBatch::linear_velocities(self)?)
    }
    fn angular_velocities(&mut self) -> Result<&[Vec3], SimError> {
        Ok(GpuBatch::angular_velocities(self)?)
    }
    fn set_positions(&mut self, values: &[Vec3]) -> Result<(), SimError> {
        Ok(GpuBatch::set_positions(self, values)?)
    }
    fn set_orientations(&mut self, values: &[Quat]) -> Result<(), SimError> {
        Ok(GpuBatch::set_orientations(self, values)?)
    }
    fn set_linear_velocities(&mut self, values: &[Vec3]) -> Result<(), SimError> {
        Ok(GpuBatch::set_linear_velocities(self, values)?)
    }
    fn set_angular_velocities(&mut self, values: &[Vec3]) -> Result<(), SimError> {
        Ok(GpuBatch::set_angular_velocities(self, values)?)
    }
    fn bodies(&mut self) -> Result<(&Scene, BatchBodies<'_>), SimError> {
        Ok(GpuBatch::bodies(self)?)
    }
    fn set_controls(&mut self, controls: &[f32]) -> Result<(), SimError> {
        Ok(GpuBatch::set_controls(self, controls)?)
    }
    fn actuator_forces(&mut self) -> Result<&[f32], SimError> {
        Ok(GpuBatch::actuator_forces(self)?)
    }
    fn reset_world(&mut self, world: usize) -> Result<(), SimError> {
        Ok(GpuBatch::reset_world(self, world)?)
    }
    fn set_world_parameters(
        &mut self,
        world: usize,
        parameters: &WorldParameters,
    ) -> Result<(), SimError> {
        Ok(GpuBatch::set_world_parameters(self, world, parameters)?)
    }
    fn world_parameters(&self, world: usize) -> Result<WorldParameters, SimError> {
        Ok(GpuBatch::world_parameters(self, world)?)
    }
    fn world_state(&mut self, world: usize) -> Result<BodyStates, SimError> {
        Ok(GpuBatch::world_state(self, world)?)
    }
    fn set_world_state(&mut self, world: usize, state: &BodyStates) -> Result<(), SimError> {
        Ok(GpuBatch::set_world_state(self, world, state)?)
    }
    fn contacts(&mut self, world: usize) -> Result<Vec<Contact>, SimError> {
        Ok(GpuBatch::contacts(self, world)?)
    }
    fn save_world(&mut self, world: usize) -> Result<BackendWorld, SimError> {
        Ok(BackendWorld::Gpu(GpuBatch::save_world(self, world)?))
    }
    fn restore_world(&mut self, world: usize, saved: &BackendWorld) -> Result<(), SimError> {
        match saved {
            BackendWorld::Gpu(s) => Ok(GpuBatch::restore_world(self, world, s)?),
            other => Err(SimError::SnapshotBackend {
                saved: other.backend(),
                here: BackendKind::Gpu,
            }),
        }
    }
    fn stats(&self) -> SimStats {
        let s = GpuBatch::stats(self);
        SimStats {
            contact_points: s.contact_points,
            non_finite_worlds: s.non_finite_worlds,
            contact_capacity: Some(s.contact_capacity),
            capacity_growths: s.capacity_growths,
            deferred_world_steps: s.deferred_world_steps,
        }
    }
    fn non_finite_worlds(&self) -> Vec<usize> {
        GpuBatch::non_finite_worlds(self)
    }
    fn non_finite_body(&self, world: usize) -> Option<usize> {
        GpuBatch::non_finite_body(self, world)
    }
    fn plausibility(&mut self) -> Result<Plausibility, SimError> {
        Ok(GpuBatch::plausibility(self)?)
    }
    fn memory_per_world(&self) -> usize {
        GpuBatch::memory_per_world(self)
    }
    fn gpu(&self) -> Option<&GpuBatch> {
        Some(self)
    }
}
