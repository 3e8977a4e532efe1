//! What a task adds to a robot scene: observations, reward and termination in joint space
//! (q, q̇ as `Sim::joint_positions` / `joint_velocities` give them), and start noise as
//! randomization rules.

use manyworlds_core::scenes::BuiltinScene;
use manyworlds_core::{Rule, SceneError, Vec3};
use manyworlds_gpu::TaskProgram;

/// The joint-space sizes a task expects of its scene, checked when the env is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskLayout {
    pub joint_positions: usize,
    pub joint_velocities: usize,
    pub actuators: usize,
}

/// One episode step of one env, as the task sees it.
#[derive(Clone, Copy, Debug)]
pub struct Transition<'a> {
    /// q before the step.
    pub q_before: &'a [f32],
    pub q: &'a [f32],
    pub qd: &'a [f32],
    /// The action as applied (clamped to the actuators' ranges).
    pub action: &'a [f32],
    /// The env step's duration, s.
    pub dt: f32,
    /// The net contact force on each of the task's [`Task::contact_bodies`] after the step,
    /// world frame, N (a foot touching the ground, a gripper squeezing); empty when it names
    /// none.
    pub contact_forces: &'a [Vec3],
}

/// A task on a built-in scene, run by [`super::TaskEnv`].
pub trait Task {
    fn name(&self) -> &'static str;
    /// The scene and its step parameters.
    fn scene(&self) -> Result<BuiltinScene, SceneError>;
    fn layout(&self) -> TaskLayout;
    fn observation_size(&self) -> usize;
    /// Sim steps per env step.
    fn frame_skip(&self) -> usize;
    /// Episodes are truncated after this many env steps.
    fn max_episode_steps(&self) -> u32;
    /// Every episode's start noise: randomization rules on the scene's initial state (joint q
    /// and q̇, the root's pose and velocity), drawn by the `Sim` per (seed, env, episode).
    fn start_noise(&self) -> Vec<Rule>;
    /// One env's observation (`observation_size` values).
    fn observe(&self, q: &[f32], qd: &[f32], obs: &mut [f32]);
    /// The step's reward and whether it ended the episode. Called only on finite states: a
    /// world whose physics failed is terminated with reward 0 by the env.
    fn outcome(&self, step: &Transition) -> (f32, bool);
    /// The bodies whose net contact force `outcome` reads (`Transition::contact_forces`), by
    /// index in the scene. A task that names any is computed on the host on either backend:
    /// the GPU reads back each env's contact memory after every env step.
    fn contact_bodies(&self) -> Vec<usize> {
        Vec::new()
    }
    /// The same observation and outcome as WGSL, for the GPU backend to compute on the device
    /// so that only they come back; `None` reads the state back and calls the two above.
    fn device_program(&self) -> Option<TaskProgram> {
        None
    }
}
