//! `TaskEnv`: a [`Task`] on N worlds of its scene in a `Sim`, as a [`VecEnv`] with same-step
//! autoreset. Every buffer is allocated when the env is built.

use super::actions::clamp_actions;
use super::joint_state::JointStateWriter;
use super::reset_noise::ResetNoise;
use super::task::{Task, Transition};
use crate::sim::{Sim, SimOptions};
use crate::vec_env::{EnvError, NonFiniteActions, StepOutput, VecEnv};

/// How to build an env.
#[derive(Clone, Debug, Default)]
pub struct EnvOptions {
    /// The backend and its settings.
    pub sim: SimOptions,
    pub non_finite_actions: NonFiniteActions,
}

/// N envs of task `T`, one world of a [`Sim`] each.
pub struct TaskEnv<T: Task> {
    task: T,
    sim: Sim,
    non_finite_actions: NonFiniteActions,
    bounds: Vec<(f32, f32)>,
    /// `[envs × actuators]`: the actions as applied.
    controls: Vec<f32>,
    dt: f32,
    /// `[envs × q]`, `[envs × q̇]`: the state now, and q before the last step.
    q: Vec<f32>,
    qd: Vec<f32>,
    q_before: Vec<f32>,
    /// The scene's initial state, one world.
    q0: Vec<f32>,
    qd0: Vec<f32>,
    /// Env steps into the current episode, and episodes started since the last `reset`.
    steps: Vec<u32>,
    episodes: Vec<u64>,
    seed: u64,
    failed: Vec<bool>,
    /// Envs to start a new episode in.
    resets: Vec<usize>,
    writer: JointStateWriter,
}

impl<T: Task> TaskEnv<T> {
    /// `envs` envs of `task`, as after `reset(0, …)`.
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
        let mut sim = Sim::from_builtin(&builtin, envs, &options.sim)?;
        let (nq, nv) = (layout.joint_positions, layout.joint_velocities);
        let mut q = vec![0.0; envs * nq];
        let mut qd = vec![0.0; envs * nv];
        sim.joint_positions(&mut q)?;
        sim.joint_velocities(&mut qd)?;
        let mut env = TaskEnv {
            non_finite_actions: options.non_finite_actions,
            controls: vec![0.0; envs * bounds.len()],
            bounds,
            dt: builtin.params.dt * task.frame_skip() as f32,
            q0: q[..nq].to_vec(),
            qd0: qd[..nv].to_vec(),
            q_before: q.clone(),
            q,
            qd,
            steps: vec![0; envs],
            episodes: vec![0; envs],
            seed: 0,
            failed: vec![false; envs],
            resets: Vec::with_capacity(envs),
            writer: JointStateWriter::new(&sim),
            sim,
            task,
        };
        env.resets.extend(0..envs);
        env.start_episodes()?;
        Ok(env)
    }

    pub fn task(&self) -> &T {
        &self.task
    }

    /// The simulation, to read state back (readouts take `&mut` for the GPU's copies). State
    /// written or steps taken through it are seen by the next env step but bypass the
    /// episode bookkeeping.
    pub fn sim_mut(&mut self) -> &mut Sim {
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
    /// observation into its row of `obs` (`[envs × observation_size]`).
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
        check_length("q", q, self.q0.len())?;
        check_length("q̇", qd, self.qd0.len())?;
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
        self.writer.write(&mut self.sim, [(env, q, qd)])?;
        self.read_state()?;
        self.observe(env, obs);
        Ok(())
    }

    fn read_state(&mut self) -> Result<(), EnvError> {
        self.sim.joint_positions(&mut self.q)?;
        self.sim.joint_velocities(&mut self.qd)?;
        Ok(())
    }

    /// Env `w`'s observation into its row of `obs`.
    fn observe(&self, w: usize, obs: &mut [f32]) {
        let (nq, nv, no) = (self.q0.len(), self.qd0.len(), self.observation_size());
        self.task.observe(
            &self.q[w * nq..][..nq],
            &self.qd[w * nv..][..nv],
            &mut obs[w * no..][..no],
        );
    }

    /// Starts the next episode of every env in `resets`: the scene's initial state moved by
    /// the task's noise for (seed, env, episode).
    fn start_episodes(&mut self) -> Result<(), EnvError> {
        for &w in &self.resets {
            self.sim.reset_world(w)?;
            self.steps[w] = 0;
        }
        if self.task.has_reset_noise() {
            let (nq, nv) = (self.q0.len(), self.qd0.len());
            for &w in &self.resets {
                let (q, qd) = (&mut self.q[w * nq..][..nq], &mut self.qd[w * nv..][..nv]);
                q.copy_from_slice(&self.q0);
                qd.copy_from_slice(&self.qd0);
                let noise = ResetNoise::new(self.seed, w, self.episodes[w]);
                self.task.perturb(&noise, q, qd);
            }
            let (q, qd) = (&self.q, &self.qd);
            let states = self
                .resets
                .iter()
                .map(|&w| (w, &q[w * nq..][..nq], &qd[w * nv..][..nv]));
            self.writer.write(&mut self.sim, states)?;
        }
        self.read_state()
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

    fn reset(&mut self, seed: u64, obs: &mut [f32]) -> Result<(), EnvError> {
        let envs = self.num_envs();
        check_length("obs", obs, envs * self.observation_size())?;
        self.seed = seed;
        self.episodes.fill(0);
        self.resets.clear();
        self.resets.extend(0..envs);
        self.start_episodes()?;
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
        self.sim.set_controls(&self.controls)?;
        std::mem::swap(&mut self.q_before, &mut self.q);
        self.sim.step_n(self.task.frame_skip())?;
        self.read_state()?;

        self.failed.fill(false);
        for w in self.sim.non_finite_worlds() {
            self.failed[w] = true;
        }
        let (nq, nv, na) = (self.q0.len(), self.qd0.len(), self.bounds.len());
        let max_steps = self.task.max_episode_steps();
        self.resets.clear();
        for w in 0..envs {
            let step = Transition {
                q_before: &self.q_before[w * nq..][..nq],
                q: &self.q[w * nq..][..nq],
                qd: &self.qd[w * nv..][..nv],
                action: &self.controls[w * na..][..na],
                dt: self.dt,
            };
            let failed = self.failed[w] || !step.q.iter().chain(step.qd).all(|v| v.is_finite());
            let (reward, terminated) = if failed {
                (0.0, true)
            } else {
                self.task.outcome(&step)
            };
            self.steps[w] = self.steps[w].saturating_add(1);
            out.reward[w] = reward;
            out.terminated[w] = terminated;
            out.truncated[w] = self.steps[w] >= max_steps;
            self.observe(w, &mut out.obs);
            if out.done(w) {
                self.resets.push(w);
                self.episodes[w] += 1;
            }
        }
        out.final_obs.copy_from_slice(&out.obs);
        if !self.resets.is_empty() {
            self.start_episodes()?;
            for k in 0..self.resets.len() {
                self.observe(self.resets[k], &mut out.obs);
            }
        }
        Ok(())
    }
}
