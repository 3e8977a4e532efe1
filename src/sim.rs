//! `Sim`: N worlds of one scene on the backend the user asks for, behind one API.

use glam::{Quat, Vec3};
use manyworlds_core::joint_space::joint_separation;
use manyworlds_core::scenes::BuiltinScene;
use manyworlds_core::{BatchError, Plausibility, Scene, StepParams};
use manyworlds_cpu::CpuBatch;
use manyworlds_gpu::{AdapterChoice, GpuBatch, GpuBatchOptions, GpuError};
use thiserror::Error;

use crate::backend::{BackendKind, SimStats, WorldBatch};
use crate::readout::{
    read_joint_positions, read_joint_velocities, read_root_poses, read_root_velocities,
};

#[derive(Debug, Error, Clone, PartialEq)]
pub enum SimError {
    #[error(transparent)]
    Batch(#[from] BatchError),
    #[error(transparent)]
    Gpu(GpuError),
}

/// A batch error met on the GPU backend is the same batch error as on the CPU.
impl From<GpuError> for SimError {
    fn from(e: GpuError) -> Self {
        match e {
            GpuError::Batch(b) => SimError::Batch(b),
            other => SimError::Gpu(other),
        }
    }
}

/// Which backend to run on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Backend {
    /// A hardware GPU when there is one, else the CPU. (A software rasteriser such as
    /// lavapipe is used only when asked for: on the CPU the CPU backend is faster.)
    #[default]
    Auto,
    Cpu,
    /// The GPU backend on this adapter (`AdapterChoice::Auto`: `MANYWORLDS_ADAPTER`, else the
    /// best adapter, software ones included).
    Gpu(AdapterChoice),
}

/// How to set a simulation up.
#[derive(Clone, Debug, Default)]
pub struct SimOptions {
    pub backend: Backend,
    /// GPU: constraint slots per world to start with (grown on demand).
    pub initial_contact_capacity: Option<usize>,
}

/// N worlds of one scene, stepped on the CPU or a GPU.
pub struct Sim {
    batch: Box<dyn WorldBatch>,
    /// Why this backend: what `Backend::Auto` found, or "asked for".
    choice: String,
}

impl Sim {
    /// `worlds` copies of `scene` with `params`.
    pub fn new(
        scene: Scene,
        params: StepParams,
        worlds: usize,
        options: &SimOptions,
    ) -> Result<Sim, SimError> {
        Self::build(scene, params, None, worlds, options)
    }

    /// A built-in scene with its own step parameters and per-world poses.
    pub fn from_builtin(
        builtin: &BuiltinScene,
        worlds: usize,
        options: &SimOptions,
    ) -> Result<Sim, SimError> {
        Self::build(
            builtin.scene.clone(),
            builtin.params,
            builtin.world_pose,
            worlds,
            options,
        )
    }

    fn build(
        scene: Scene,
        params: StepParams,
        world_pose: Option<manyworlds_core::scenes::WorldPoseFn>,
        worlds: usize,
        options: &SimOptions,
    ) -> Result<Sim, SimError> {
        let gpu = |adapter: AdapterChoice, scene: Scene| -> Result<Box<dyn WorldBatch>, SimError> {
            let mut batch = GpuBatch::new(
                scene,
                params,
                worlds,
                &GpuBatchOptions {
                    adapter,
                    initial_capacity: options.initial_contact_capacity,
                    worlds_per_dispatch: None,
                },
            )?;
            if let Some(f) = world_pose {
                batch.set_world_poses(f);
            }
            Ok(Box::new(batch))
        };
        let cpu = |scene: Scene| -> Result<Box<dyn WorldBatch>, SimError> {
            let mut batch = CpuBatch::new(scene, params, worlds)?;
            if let Some(f) = world_pose {
                batch.set_world_poses(f);
            }
            Ok(Box::new(batch))
        };
        let (batch, choice) = match &options.backend {
            Backend::Cpu => (cpu(scene)?, "asked for".to_string()),
            Backend::Gpu(adapter) => (gpu(adapter.clone(), scene)?, "asked for".to_string()),
            Backend::Auto => match gpu(AdapterChoice::HardwareOnly, scene.clone()) {
                Ok(batch) => (batch, "auto: a hardware GPU was found".to_string()),
                Err(SimError::Gpu(GpuError::NoAdapter { .. })) => (
                    cpu(scene)?,
                    "auto: no hardware GPU, the CPU backend is faster than a software one"
                        .to_string(),
                ),
                Err(SimError::Gpu(GpuError::SceneTooLarge(why))) => (
                    cpu(scene)?,
                    format!("auto: the scene does not fit the GPU kernel ({why})"),
                ),
                Err(e) => return Err(e),
            },
        };
        Ok(Sim { batch, choice })
    }

    pub fn backend(&self) -> BackendKind {
        self.batch.backend()
    }

    /// The device: CPU threads or the GPU adapter's name.
    pub fn device(&self) -> String {
        self.batch.device()
    }

    /// Why this backend was chosen.
    pub fn choice(&self) -> &str {
        &self.choice
    }

    pub fn scene(&self) -> &Scene {
        self.batch.scene()
    }

    pub fn params(&self) -> &StepParams {
        self.batch.params()
    }

    pub fn world_count(&self) -> usize {
        self.batch.world_count()
    }

    /// Bodies per world: world `w`, body `i` is at `w * stride + i` in every state slice.
    pub fn stride(&self) -> usize {
        self.batch.stride()
    }

    /// Advances every world by one step.
    pub fn step(&mut self) -> Result<(), SimError> {
        self.batch.step_n(1)
    }

    /// Advances every world by `k` steps (one submit on the GPU).
    pub fn step_n(&mut self, k: usize) -> Result<(), SimError> {
        self.batch.step_n(k)
    }

    /// Body-frame origins, `[worlds × bodies]`.
    pub fn positions(&mut self) -> Result<&[Vec3], SimError> {
        self.batch.positions()
    }

    pub fn orientations(&mut self) -> Result<&[Quat], SimError> {
        self.batch.orientations()
    }

    /// Centre-of-mass velocities, `[worlds × bodies]`.
    pub fn linear_velocities(&mut self) -> Result<&[Vec3], SimError> {
        self.batch.linear_velocities()
    }

    /// Angular velocities, world frame, `[worlds × bodies]`.
    pub fn angular_velocities(&mut self) -> Result<&[Vec3], SimError> {
        self.batch.angular_velocities()
    }

    /// Overwrite a whole field (`[worlds × bodies]`); takes effect at the next step.
    pub fn set_positions(&mut self, values: &[Vec3]) -> Result<(), SimError> {
        self.batch.set_positions(values)
    }

    pub fn set_orientations(&mut self, values: &[Quat]) -> Result<(), SimError> {
        self.batch.set_orientations(values)
    }

    pub fn set_linear_velocities(&mut self, values: &[Vec3]) -> Result<(), SimError> {
        self.batch.set_linear_velocities(values)
    }

    pub fn set_angular_velocities(&mut self, values: &[Vec3]) -> Result<(), SimError> {
        self.batch.set_angular_velocities(values)
    }

    /// Every world's controls, `[worlds × actuators]`, used from the next step on and held
    /// over its substeps (clamped to each actuator's range). A wrong length or a non-finite
    /// value is refused and nothing changes.
    pub fn set_controls(&mut self, controls: &[f32]) -> Result<(), SimError> {
        self.batch.set_controls(controls)
    }

    /// Each actuator's force in the last step, `[worlds × actuators]`, in actuator space
    /// (the joint receives gear × force), as MuJoCo's `actuator_force`.
    pub fn actuator_forces(&mut self) -> Result<&[f32], SimError> {
        self.batch.actuator_forces()
    }

    /// Every joint's q, `[worlds × scene().joint_position_count()]`, into `out`. Conventions
    /// per joint kind: [`manyworlds_core::JointKind`].
    pub fn joint_positions(&mut self, out: &mut [f32]) -> Result<(), SimError> {
        let (scene, bodies) = self.batch.bodies()?;
        Ok(read_joint_positions(scene, &bodies, out)?)
    }

    /// Every joint's q̇, `[worlds × scene().joint_velocity_count()]`, into `out`.
    pub fn joint_velocities(&mut self, out: &mut [f32]) -> Result<(), SimError> {
        let (scene, bodies) = self.batch.bodies()?;
        Ok(read_joint_velocities(scene, &bodies, out)?)
    }

    /// The root body's pose (x, y, z, qw, qx, qy, qz) in every world, `[worlds × 7]`.
    /// The root is the body of the first free joint, else the first dynamic body.
    pub fn root_poses(&mut self, out: &mut [f32]) -> Result<(), SimError> {
        let (scene, bodies) = self.batch.bodies()?;
        Ok(read_root_poses(scene, &bodies, out)?)
    }

    /// The root body's origin velocity and angular velocity (world frame), `[worlds × 6]`.
    pub fn root_velocities(&mut self, out: &mut [f32]) -> Result<(), SimError> {
        let (scene, bodies) = self.batch.bodies()?;
        Ok(read_root_velocities(scene, &bodies, out)?)
    }

    /// The largest anchor separation of any joint in any world, m: how well the joints hold
    /// (zero without joints).
    pub fn max_joint_separation(&mut self) -> Result<f32, SimError> {
        let (scene, bodies) = self.batch.bodies()?;
        let mut worst: f32 = 0.0;
        for w in 0..bodies.world_count() {
            let world = bodies.world(w);
            for joint in scene.joints() {
                worst = worst.max(joint_separation(joint, &world));
            }
        }
        Ok(worst)
    }

    /// Puts `world` back in its initial state (and clears a fault).
    pub fn reset_world(&mut self, world: usize) -> Result<(), SimError> {
        self.batch.reset_world(world)
    }

    pub fn stats(&self) -> SimStats {
        self.batch.stats()
    }

    /// Worlds whose state stopped being finite; frozen until reset.
    pub fn non_finite_worlds(&self) -> Vec<usize> {
        self.batch.non_finite_worlds()
    }

    pub fn plausibility(&mut self) -> Result<Plausibility, SimError> {
        self.batch.plausibility()
    }

    pub fn memory_per_world(&self) -> usize {
        self.batch.memory_per_world()
    }
}
