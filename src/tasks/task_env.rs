//! `TaskEnv`: a [`Task`] on N worlds of its scene in a `Sim`, as a [`VecEnv`] with same-step
//! autoreset. The task's start noise is the `Sim`'s randomization, so finished envs start
//! their next episode with one `Sim::reset` per step. Every buffer is allocated when the env
//! is built.

use manyworlds_core::scenes::BuiltinScene;
use manyworlds_core::Vec3;

use manyworlds_gpu::ReadoutMode;

use super::actions::clamp_actions;
use super::device_readout::DeviceReadout;
use super::joint_state::write_joint_state;
use super::task::{Task, TaskLayout, Transition};
use crate::sim::{Sim, SimOptions};
use crate::vec_env::{EnvError, NonFiniteActions, StepOutput, VecEnv};

/// How to build an env.
#[derive(Clone, Debug, Default)]
pub struct EnvOptions {
    /// The backend and its settings. Its randomization rules are drawn after the task's start
    /// noise (domain randomization of the envs); `reset_non_finite` is ignored: the env
    /// terminates and resets a failed world itself. The seed is that of [`VecEnv::reset`].
    pub sim: SimOptions,
    pub non_finite_actions: NonFiniteActions,
}

/// N envs of task `T`, one world of a [`Sim`] each.
pub struct TaskEnv<T: Task> {
    task: T,
    builtin: BuiltinScene,
    /// What the `Sim` is built with: the task's start noise among its rules.
    sim_options: SimOptions,
    sim: Sim,
    /// The seed `sim` was built with, while nothing has stepped or written it since.
    fresh: Option<u64>,
    layout: TaskLayout,
    non_finite_actions: NonFiniteActions,
    bounds: Vec<(f32, f32)>,
    /// `[envs × actuators]`: the actions as applied.
    controls: Vec<f32>,
    dt: f32,
    /// Observations and outcomes computed on the GPU; `None`: read back q and q̇ into the
    /// buffers below and let the task compute them on the host.
    device: Option<DeviceReadout>,
    /// `[envs × q]`, `[envs × q̇]`: the state now, and q before the last step.
    q: Vec<f32>,
    qd: Vec<f32>,
    q_before: Vec<f32>,
    /// The task's contact bodies, and `[envs × contact bodies]`: their net contact forces
    /// after the last step.
    contact_bodies: Vec<usize>,
    contact_forces: Vec<Vec3>,
    /// Env steps into the current episode.
    steps: Vec<u32>,
    failed: Vec<bool>,
    /// Envs to start a new episode in.
    resets: Vec<usize>,
}

impl<T: Task> TaskEnv<T> {
    /// `envs` envs of `task`, as after `reset(options.sim.seed, …)`.
    pub fn new(task: T, envs: usize, options: &EnvOptions) -> Result<TaskEnv<T>, EnvError> {
        if task.frame_skip() == 0 {
            return Err(EnvError::ZeroFrameSkip { task: task.name() });
        }
        let builtin = task.scene()?;
        let layout = task.layout();
        let scene = &builtin.scene;
        for (what, expected, got) in [
            (
                "joint positions",
                layout.joint_positions,
                scene.joint_position_count(),
            ),
            (
                "joint velocities",
                layout.joint_velocities,
                scene.joint_velocity_count(),
            ),
            ("actuators", layout.actuators, scene.actuators().len()),
        ] {
            if expected != got {
                return Err(EnvError::SceneLayout {
                    task: task.name(),
                    what,
                    expected,
                    got,
                });
            }
        }
        let bounds: Vec<(f32, f32)> = scene
            .actuators()
            .iter()
            .map(|a| {
                a.control_range
                    .unwrap_or((f32::NEG_INFINITY, f32::INFINITY))
            })
            .collect();
        let mut sim_options = options.sim.clone();
        sim_options.reset_non_finite = false;
        sim_options.randomization.rules = task.start_noise();
        sim_options
            .randomization
            .rules
            .extend_from_slice(&options.sim.randomization.rules);
        let contact_bodies = task.contact_bodies();
        let bodies = builtin.scene.body_count();
        if let Some(&body) = contact_bodies.iter().find(|&&b| b >= bodies) {
            return Err(EnvError::ContactBody {
                task: task.name(),
                body,
                bodies,
            });
        }
        let sim = Sim::from_builtin(&builtin, envs, &sim_options)?;
        let dt = builtin.params.dt * task.frame_skip() as f32;
        let device = if contact_bodies.is_empty() {
            DeviceReadout::new(&sim, &task, dt)?
        } else {
            None
        };
        // On the device path the host keeps no joint state.
        let (nq, nv) = match device {
            Some(_) => (0, 0),
            None => (layout.joint_positions, layout.joint_velocities),
        };
        let mut env = TaskEnv {
            non_finite_actions: options.non_finite_actions,
            controls: vec![0.0; envs * bounds.len()],
            bounds,
            dt,
            device,
            q: vec![0.0; envs * nq],
            qd: vec![0.0; envs * nv],
            q_before: vec![0.0; envs * nq],
            contact_forces: vec![Vec3::ZERO; envs * contact_bodies.len()],
            contact_bodies,
            steps: vec![0; envs],
            failed: vec![false; envs],
            resets: Vec::with_capacity(envs),
            fresh: Some(sim_options.seed),
            sim,
            sim_options,
            builtin,
            layout,
            task,
        };
        env.read_state()?;
        Ok(env)
    }

    pub fn task(&self) -> &T {
        &self.task
    }

    /// The simulation, to read state back (readouts take `&mut` for the GPU's copies). State
    /// written or steps taken through it are seen by the next env step but bypass the
    /// episode bookkeeping.
    pub fn sim_mut(&mut self) -> &mut Sim {
        self.fresh = None;
        &mut self.sim
    }

    pub fn sim(&self) -> &Sim {
        &self.sim
    }

    /// The duration of one env step, s (the scene's dt × the task's frame skip).
    pub fn dt(&self) -> f32 {
        self.dt
    }

    /// Env steps into each env's current episode.
    pub fn episode_steps(&self) -> &[u32] {
        &self.steps
    }

    /// Puts env `env` in the joint-space state (q, q̇) (its episode goes on) and writes its
    /// observation into its row of `obs` (`[envs × observation_size]`). Rewrites the whole
    /// state fields: meant for tests and tools, not for every step.
    pub fn set_joint_state(
        &mut self,
        env: usize,
        q: &[f32],
        qd: &[f32],
        obs: &mut [f32],
    ) -> Result<(), EnvError> {
        let envs = self.num_envs();
        if env >= envs {
            return Err(EnvError::EnvOutOfRange { env, envs });
        }
        check_length("q", q, self.layout.joint_positions)?;
        check_length("q̇", qd, self.layout.joint_velocities)?;
        check_length("obs", obs, envs * self.observation_size())?;
        for (field, values) in [("q", q), ("q̇", qd)] {
            if let Some(index) = values.iter().position(|v| !v.is_finite()) {
                return Err(EnvError::NonFiniteState {
                    field,
                    index,
                    value: values[index],
                });
            }
        }
        self.fresh = None;
        write_joint_state(&mut self.sim, env, q, qd)?;
        self.read_state()?;
        self.observe(env, obs);
        Ok(())
    }

    /// Whether observations and rewards are computed on the GPU (the sim runs there and the
    /// task has a device program) and only they are read back.
    pub fn computes_on_device(&self) -> bool {
        self.device.is_some()
    }

    /// Reads the state of every env after resets or writes.
    fn read_state(&mut self) -> Result<(), EnvError> {
        if let Some(device) = &mut self.device {
            return device.run(&self.sim, ReadoutMode::Observe);
        }
        self.sim.joint_positions(&mut self.q)?;
        self.sim.joint_velocities(&mut self.qd)?;
        Ok(())
    }

    /// Env `w`'s observation into its row of `obs`.
    fn observe(&self, w: usize, obs: &mut [f32]) {
        let (nq, nv) = (self.layout.joint_positions, self.layout.joint_velocities);
        let no = self.observation_size();
        if let Some(device) = &self.device {
            obs[w * no..][..no].copy_from_slice(device.observation(w));
            return;
        }
        self.task.observe(
            &self.q[w * nq..][..nq],
            &self.qd[w * nv..][..nv],
            &mut obs[w * no..][..no],
        );
    }
}

fn check_length(
    buffer: &'static str,
    values: &[impl Sized],
    expected: usize,
) -> Result<(), EnvError> {
    if values.len() == expected {
        Ok(())
    } else {
        Err(EnvError::BufferLength {
            buffer,
            expected,
            got: values.len(),
        })
    }
}

impl<T: Task> VecEnv for TaskEnv<T> {
    fn num_envs(&self) -> usize {
        self.steps.len()
    }

    fn observation_size(&self) -> usize {
        self.task.observation_size()
    }

    fn action_size(&self) -> usize {
        self.bounds.len()
    }

    fn action_bounds(&self) -> &[(f32, f32)] {
        &self.bounds
    }

    /// A new seed makes a new `Sim` (its draws are keyed by the seed it is built with); the
    /// seed the `Sim` was just built with reuses it.
    fn reset(&mut self, seed: u64, obs: &mut [f32]) -> Result<(), EnvError> {
        let envs = self.num_envs();
        check_length("obs", obs, envs * self.observation_size())?;
        if self.fresh != Some(seed) {
            self.sim_options.seed = seed;
            self.sim = Sim::from_builtin(&self.builtin, envs, &self.sim_options)?;
            self.device = DeviceReadout::new(&self.sim, &self.task, self.dt)?;
            self.fresh = Some(seed);
        }
        self.steps.fill(0);
        self.read_state()?;
        for w in 0..envs {
            self.observe(w, obs);
        }
        Ok(())
    }

    fn step(&mut self, actions: &[f32], out: &mut StepOutput) -> Result<(), EnvError> {
        let (envs, no) = (self.num_envs(), self.observation_size());
        check_length("StepOutput::obs", &out.obs, envs * no)?;
        check_length("StepOutput::final_obs", &out.final_obs, envs * no)?;
        check_length("StepOutput::reward", &out.reward, envs)?;
        check_length("StepOutput::terminated", &out.terminated, envs)?;
        check_length("StepOutput::truncated", &out.truncated, envs)?;
        clamp_actions(
            actions,
            &self.bounds,
            self.non_finite_actions,
            &mut self.controls,
        )?;
        self.fresh = None;
        self.sim.set_controls(&self.controls)?;
        self.sim.step_n(self.task.frame_skip())?;
        match &mut self.device {
            Some(device) => device.run(&self.sim, ReadoutMode::Step)?,
            None => {
                std::mem::swap(&mut self.q_before, &mut self.q);
                self.read_state()?;
            }
        }

        self.failed.fill(false);
        for w in self.sim.non_finite_worlds() {
            self.failed[w] = true;
        }
        let nc = self.contact_bodies.len();
        if nc > 0 {
            for w in 0..envs {
                let forces = self.sim.body_contact_forces(w)?;
                for (out, &body) in self.contact_forces[w * nc..][..nc]
                    .iter_mut()
                    .zip(&self.contact_bodies)
                {
                    *out = forces[body].force;
                }
            }
        }
        let (nq, nv) = (self.layout.joint_positions, self.layout.joint_velocities);
        let na = self.bounds.len();
        let max_steps = self.task.max_episode_steps();
        self.resets.clear();
        for w in 0..envs {
            let (reward, terminated) = if self.failed[w] {
                (0.0, true)
            } else if let Some(device) = &self.device {
                device.outcome(w)
            } else {
                let step = Transition {
                    q_before: &self.q_before[w * nq..][..nq],
                    q: &self.q[w * nq..][..nq],
                    qd: &self.qd[w * nv..][..nv],
                    action: &self.controls[w * na..][..na],
                    dt: self.dt,
                    contact_forces: &self.contact_forces[w * nc..][..nc],
                };
                if step.q.iter().chain(step.qd).all(|v| v.is_finite()) {
                    self.task.outcome(&step)
                } else {
                    (0.0, true)
                }
            };
            self.steps[w] = self.steps[w].saturating_add(1);
            out.reward[w] = reward;
            out.terminated[w] = terminated;
            out.truncated[w] = self.steps[w] >= max_steps;
            self.observe(w, &mut out.obs);
            if out.done(w) {
                self.resets.push(w);
                self.steps[w] = 0;
            }
        }
        out.final_obs.copy_from_slice(&out.obs);
        if !self.resets.is_empty() {
            self.sim.reset(&self.resets)?;
            self.read_state()?;
            for k in 0..self.resets.len() {
                self.observe(self.resets[k], &mut out.obs);
            }
        }
        Ok(())
    }
}
