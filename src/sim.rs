//! `Sim`: N worlds of one scene on the backend the user asks for, behind one API.

use glam::{Quat, Vec3};
use manyworlds_core::initial_state::{randomized_initial_state, BodyStates};
use manyworlds_core::joint_space::joint_separation;
use manyworlds_core::scenes::BuiltinScene;
use manyworlds_core::{
    body_contact_forces, BatchError, BodyContactForce, Contact, Plausibility, Randomization,
    RandomizationError, Randomizer, Scene, StepParams, WorldDraw,
};
use manyworlds_cpu::CpuBatch;
use manyworlds_gpu::{AdapterChoice, GpuBatch, GpuBatchOptions, GpuError};
use thiserror::Error;

use crate::backend::{BackendKind, SimStats, WorldBatch};
use crate::readout::{
    read_joint_positions, read_joint_velocities, read_root_poses, read_root_velocities,
};
use crate::snapshot::WorldSnapshot;

#[derive(Debug, Error, Clone, PartialEq)]
pub enum SimError {
    #[error(transparent)]
    Batch(#[from] BatchError),
    #[error(transparent)]
    Gpu(GpuError),
    #[error(transparent)]
    Randomization(#[from] RandomizationError),
    #[error("a snapshot saved on the {saved} backend cannot be restored on the {here} backend")]
    SnapshotBackend {
        saved: BackendKind,
        here: BackendKind,
    },
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
    /// Domain randomization, drawn for every world at creation and at every reset.
    pub randomization: Randomization,
    /// The seed of every random draw.
    pub seed: u64,
    /// Reset a world whose state stops being finite at the end of the step where it did
    /// ([`Sim::last_faults`] lists them); else it stays frozen until reset.
    pub reset_non_finite: bool,
}

/// What randomizes the worlds, and where each world is in its episodes.
struct Episodes {
    randomizer: Randomizer,
    seed: u64,
    /// Per world: episodes begun (0 for the first), steps taken in this one, and its draw.
    episode: Vec<u64>,
    steps: Vec<u64>,
    draws: Vec<WorldDraw>,
}

/// N worlds of one scene, stepped on the CPU or a GPU.
pub struct Sim {
    batch: Box<dyn WorldBatch>,
    /// Why this backend: what `Backend::Auto` found, or "asked for".
    choice: String,
    world_pose: Option<manyworlds_core::scenes::WorldPoseFn>,
    episodes: Episodes,
    reset_non_finite: bool,
    /// Worlds reset by `reset_non_finite` in the last `step`/`step_n`.
    last_faults: Vec<Fault>,
}

/// A world whose state stopped being finite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fault {
    pub world: usize,
    /// The lowest index of a body that did.
    pub body: Option<usize>,
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
        let randomizer = Randomizer::new(&options.randomization, &scene)?;
        let restitution_pass = options
            .randomization
            .rules
            .iter()
            .any(|r| r.target == manyworlds_core::Target::Restitution);
        let episodes = Episodes {
            randomizer,
            seed: options.seed,
            episode: vec![0; worlds],
            steps: vec![0; worlds],
            draws: Vec::new(),
        };
        let gpu = |adapter: AdapterChoice, scene: Scene| -> Result<Box<dyn WorldBatch>, SimError> {
            let mut batch = GpuBatch::new(
                scene,
                params,
                worlds,
                &GpuBatchOptions {
                    adapter,
                    initial_capacity: options.initial_contact_capacity,
                    worlds_per_dispatch: None,
                    restitution_pass,
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
        let mut sim = Sim {
            batch,
            choice,
            world_pose,
            episodes,
            reset_non_finite: options.reset_non_finite,
            last_faults: Vec::new(),
        };
        sim.episodes.draws.reserve(worlds);
        for w in 0..worlds {
            let draw = sim.draw(w);
            sim.episodes.draws.push(draw);
            sim.apply_draw(w)?;
        }
        Ok(sim)
    }

    /// What world `w` draws for its current episode.
    fn draw(&self, w: usize) -> WorldDraw {
        let e = &self.episodes;
        e.randomizer.draw(
            self.batch.scene(),
            self.batch.params().gravity,
            e.seed,
            w as u64,
            e.episode[w],
        )
    }

    /// Gives world `w` (just reset) its drawn parameters and initial state.
    fn apply_draw(&mut self, w: usize) -> Result<(), SimError> {
        let randomizer = &self.episodes.randomizer;
        let draw = &self.episodes.draws[w];
        if randomizer.changes_parameters() {
            self.batch.set_world_parameters(w, &draw.parameters)?;
        }
        if randomizer.moves_initial_state() {
            let scene = self.world_scene(w)?;
            let base = self.template_state(w);
            let state = randomized_initial_state(&scene, &base, draw);
            self.batch.set_world_state(w, &state)?;
        }
        Ok(())
    }

    /// The scene as world `w` steps it: with its own parameters.
    pub(crate) fn world_scene(&self, w: usize) -> Result<Scene, SimError> {
        let mut scene = self.batch.scene().clone();
        if self.episodes.randomizer.changes_parameters() {
            let problem = |e: manyworlds_core::SceneError| BatchError::WorldParameters {
                world: w,
                problem: e.to_string(),
            };
            scene
                .set_parameters(&self.batch.world_parameters(w)?)
                .map_err(problem)?;
        }
        Ok(scene)
    }

    /// World `w`'s initial state before randomization: the scene's, through the built-in
    /// scene's per-world poses.
    fn template_state(&self, w: usize) -> BodyStates {
        let bodies = self.batch.scene().bodies();
        let pose = |i: usize| match self.world_pose {
            Some(f) => f(w as u64, i, &bodies[i].pose),
            None => bodies[i].pose,
        };
        BodyStates {
            positions: (0..bodies.len()).map(|i| pose(i).position).collect(),
            orientations: (0..bodies.len()).map(|i| pose(i).orientation).collect(),
            linear_velocities: bodies.iter().map(|b| b.linear_velocity).collect(),
            angular_velocities: bodies.iter().map(|b| b.angular_velocity).collect(),
            joint_angles: self.batch.scene().initial_joint_angles().to_vec(),
        }
    }

    /// Overwrites world `w`'s body states and joint angles (from its next step on).
    pub(crate) fn set_world_state(&mut self, w: usize, state: &BodyStates) -> Result<(), SimError> {
        self.batch.set_world_state(w, state)
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
        self.step_n(1)
    }

    /// Advances every world by `k` steps (one submit on the GPU, unless pushes are due in
    /// between).
    pub fn step_n(&mut self, k: usize) -> Result<(), SimError> {
        self.last_faults.clear();
        if self.episodes.randomizer.pushes() {
            for _ in 0..k {
                self.batch.step_n(1)?;
                self.advance_episodes(1)?;
                self.push_due_worlds()?;
            }
        } else {
            self.batch.step_n(k)?;
            self.advance_episodes(k)?;
        }
        Ok(())
    }

    fn advance_episodes(&mut self, k: usize) -> Result<(), SimError> {
        for steps in &mut self.episodes.steps {
            *steps += k as u64;
        }
        if self.reset_non_finite {
            let faulted = self.batch.non_finite_worlds();
            if !faulted.is_empty() {
                let faults: Vec<Fault> = faulted
                    .iter()
                    .map(|&world| Fault {
                        world,
                        body: self.batch.non_finite_body(world),
                    })
                    .collect();
                self.reset(&faulted)?;
                self.last_faults.extend(faults);
            }
        }
        Ok(())
    }

    /// Applies the pushes due after this step: a velocity change of the pushed body.
    fn push_due_worlds(&mut self) -> Result<(), SimError> {
        let stride = self.stride();
        let e = &self.episodes;
        let mut pushes = Vec::new();
        for w in 0..self.world_count() {
            let scene = self.batch.scene();
            if let Some(push) = e
                .randomizer
                .push(scene, e.seed, w as u64, e.episode[w], e.steps[w])
            {
                pushes.push((w, push));
            }
        }
        if pushes.is_empty() {
            return Ok(());
        }
        let mut velocities = self.batch.linear_velocities()?.to_vec();
        for (w, (body, dv)) in pushes {
            // The body's own mass in this world (its draw may have changed it).
            let mass_ratio = self.batch.scene().bodies()[body].mass.mass
                / self.episodes.draws[w].parameters.bodies[body].mass;
            velocities[w * stride + body] += dv * mass_ratio;
        }
        self.batch.set_linear_velocities(&velocities)
    }

    /// Starts a new episode in each of `worlds`: a new draw of its parameters and initial
    /// state. The other worlds are not disturbed. All indices are checked first.
    pub fn reset(&mut self, worlds: &[usize]) -> Result<(), SimError> {
        let count = self.world_count();
        if let Some(&world) = worlds.iter().find(|&&w| w >= count) {
            return Err(BatchError::WorldOutOfRange {
                world,
                worlds: count,
            }
            .into());
        }
        for &w in worlds {
            self.batch.reset_world(w)?;
            self.episodes.episode[w] += 1;
            self.episodes.steps[w] = 0;
            self.episodes.draws[w] = self.draw(w);
            self.apply_draw(w)?;
        }
        Ok(())
    }

    /// Saves everything `world` carries from step to step, and where it is in its episodes.
    pub fn save_world(&mut self, world: usize) -> Result<WorldSnapshot, SimError> {
        self.check_world(world)?;
        Ok(WorldSnapshot {
            world: self.batch.save_world(world)?,
            episode: self.episodes.episode[world],
            steps: self.episodes.steps[world],
            draw: self.episodes.draws[world].clone(),
        })
    }

    /// Puts a saved world into `world` (of this `Sim` or of one of the same scene on the same
    /// backend): from its next step on it continues exactly as the saved world did, with the
    /// same controls. Its later draws (pushes, the next reset) are keyed by its own index.
    /// Nothing changes on an error.
    pub fn restore_world(&mut self, world: usize, saved: &WorldSnapshot) -> Result<(), SimError> {
        self.check_world(world)?;
        self.batch.restore_world(world, &saved.world)?;
        self.episodes.episode[world] = saved.episode;
        self.episodes.steps[world] = saved.steps;
        self.episodes.draws[world] = saved.draw.clone();
        Ok(())
    }

    /// Makes world `to` a copy of world `from`.
    pub fn clone_world(&mut self, from: usize, to: usize) -> Result<(), SimError> {
        self.check_world(to)?;
        let saved = self.save_world(from)?;
        self.restore_world(to, &saved)
    }

    /// Worlds reset in the last `step`/`step_n` because their state stopped being finite
    /// (with [`SimOptions::reset_non_finite`]), and which body did.
    pub fn last_faults(&self) -> &[Fault] {
        &self.last_faults
    }

    /// The episode `world` is in (0 for the first) and the steps it has taken in it.
    pub fn episode(&self, world: usize) -> Result<(u64, u64), SimError> {
        self.check_world(world)?;
        Ok((self.episodes.episode[world], self.episodes.steps[world]))
    }

    /// What `world` drew for its current episode: its parameters, initial-state offsets and
    /// every drawn number (named by [`Sim::draw_labels`]).
    pub fn world_draw(&self, world: usize) -> Result<&WorldDraw, SimError> {
        self.check_world(world)?;
        Ok(&self.episodes.draws[world])
    }

    /// A name per drawn number of [`WorldDraw::values`], e.g. `friction[box]`.
    pub fn draw_labels(&self) -> Vec<String> {
        self.episodes.randomizer.labels(self.batch.scene())
    }

    /// The physical parameters `world` steps with, as the backend holds them.
    pub fn world_parameters(
        &self,
        world: usize,
    ) -> Result<manyworlds_core::WorldParameters, SimError> {
        self.batch.world_parameters(world)
    }

    fn check_world(&self, world: usize) -> Result<(), SimError> {
        if world < self.world_count() {
            Ok(())
        } else {
            Err(BatchError::WorldOutOfRange {
                world,
                worlds: self.world_count(),
            }
            .into())
        }
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

    /// The contact points of `world` that pushed in its last step, with their normal and
    /// friction forces (`manyworlds::contact_report`). On the GPU only this world's contact
    /// memory is read back (and the bodies' poses).
    pub fn contacts(&mut self, world: usize) -> Result<Vec<Contact>, SimError> {
        self.check_world(world)?;
        self.batch.contacts(world)
    }

    /// Each body's net contact force and torque (about its centre of mass) in `world` after
    /// its last step, world frame, one per body of the scene.
    pub fn body_contact_forces(&mut self, world: usize) -> Result<Vec<BodyContactForce>, SimError> {
        let contacts = self.contacts(world)?;
        let (_, bodies) = self.batch.bodies()?;
        let bodies = bodies.world(world);
        let centers: Vec<Vec3> = (0..bodies.positions.len())
            .map(|b| bodies.center(Some(b)))
            .collect();
        Ok(body_contact_forces(&contacts, &centers))
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
            for j in 0..scene.joints().len() {
                worst = worst.max(joint_separation(scene, j, &world));
            }
        }
        Ok(worst)
    }

    /// Starts a new episode in `world` (and clears a fault): see [`Sim::reset`].
    pub fn reset_world(&mut self, world: usize) -> Result<(), SimError> {
        self.reset(&[world])
    }

    pub fn stats(&self) -> SimStats {
        self.batch.stats()
    }

    /// Worlds whose state stopped being finite; frozen until reset.
    pub fn non_finite_worlds(&self) -> Vec<usize> {
        self.batch.non_finite_worlds()
    }

    /// The lowest index of a body whose state turned non-finite in `world`, while it is
    /// frozen for it.
    pub fn non_finite_body(&self, world: usize) -> Option<usize> {
        self.batch.non_finite_body(world)
    }

    pub fn plausibility(&mut self) -> Result<Plausibility, SimError> {
        self.batch.plausibility()
    }

    pub fn memory_per_world(&self) -> usize {
        self.batch.memory_per_world()
    }

    /// The GPU batch, when the sim runs on one.
    pub(crate) fn gpu_batch(&self) -> Option<&GpuBatch> {
        self.batch.gpu()
    }
}
