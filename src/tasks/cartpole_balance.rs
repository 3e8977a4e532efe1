//! CartPoleBalance: gymnasium's CartPole-v1 on the built-in `cartpole` (the same cart, pole
//! and 10 N), with a continuous force.
//!
//! - observation: cart x, cart ẋ, pole θ (from upright, positive leaning towards +x), θ̇;
//! - action: the force actuator's control in [−1, 1] (× 10 N);
//! - reward 1 every step; terminated when |θ| > 12° or |x| > 2.4 m; truncated at 500 steps;
//! - env step 0.02 s (two of the scene's 0.01 s steps), gymnasium's `tau`;
//! - start: every state variable uniform in ±0.05.

use manyworlds_core::scenes::{cartpole, BuiltinScene};
use manyworlds_core::{Rule, SceneError, Target};
use manyworlds_gpu::TaskProgram;

use super::start_noise::{offset, uniform};
use super::task::{Task, TaskLayout, Transition};
use super::task_env::TaskEnv;

/// Gymnasium's thresholds.
pub const CART_POLE_X_LIMIT: f32 = 2.4;
pub const CART_POLE_THETA_LIMIT: f32 = 12.0 * std::f32::consts::PI / 180.0;

/// The cart-pole task's settings (defaults: gymnasium's).
#[derive(Clone, Debug, PartialEq)]
pub struct CartPoleSpec {
    /// Each initial state variable is uniform in ±this.
    pub reset_noise_scale: f32,
    pub max_episode_steps: u32,
    /// Scene steps (0.01 s) per env step.
    pub frame_skip: usize,
}

impl Default for CartPoleSpec {
    fn default() -> Self {
        CartPoleSpec {
            reset_noise_scale: 0.05,
            max_episode_steps: 500,
            frame_skip: 2,
        }
    }
}

/// N cart-poles to balance.
pub type CartPoleBalance = TaskEnv<CartPoleSpec>;

impl Task for CartPoleSpec {
    fn name(&self) -> &'static str {
        "CartPoleBalance"
    }

    fn scene(&self) -> Result<BuiltinScene, SceneError> {
        cartpole::cartpole()
    }

    /// q: slider x, hinge θ; q̇: ẋ, θ̇.
    fn layout(&self) -> TaskLayout {
        TaskLayout {
            joint_positions: 2,
            joint_velocities: 2,
            actuators: 1,
        }
    }

    fn observation_size(&self) -> usize {
        4
    }

    fn frame_skip(&self) -> usize {
        self.frame_skip
    }

    fn max_episode_steps(&self) -> u32 {
        self.max_episode_steps
    }

    /// x and θ (`JointPosition`), ẋ and θ̇ (`JointVelocity`), each U(±scale).
    fn start_noise(&self) -> Vec<Rule> {
        if self.reset_noise_scale == 0.0 {
            return Vec::new();
        }
        let u = uniform(self.reset_noise_scale);
        vec![
            offset(Target::JointPosition, &u),
            offset(Target::JointVelocity, &u),
        ]
    }

    fn observe(&self, q: &[f32], qd: &[f32], obs: &mut [f32]) {
        obs.copy_from_slice(&[q[0], qd[0], q[1], qd[1]]);
    }

    fn outcome(&self, step: &Transition) -> (f32, bool) {
        let (x, theta) = (step.q[0], step.q[1]);
        let fallen = x.abs() > CART_POLE_X_LIMIT || theta.abs() > CART_POLE_THETA_LIMIT;
        (1.0, fallen)
    }

    fn device_program(&self) -> Option<TaskProgram> {
        Some(TaskProgram {
            name: self.name().to_string(),
            source: include_str!("../../shaders/task_cartpole_balance.wgsl").to_string(),
            parameters: vec![CART_POLE_X_LIMIT, CART_POLE_THETA_LIMIT],
            observation_size: self.observation_size(),
        })
    }
}
