//! AntForward: gymnasium's Ant-v5 on the built-in `ant`, where the engine allows.
//!
//! - observation (27): torso z, torso orientation (w, x, y, z), the 8 hinge angles, torso
//!   linear velocity (world) and angular velocity (body frame), the 8 hinge velocities:
//!   qpos[2:] and qvel as MuJoCo orders them (Ant-v5 with
//!   `include_cfrc_ext_in_observation=False`);
//! - action: the 8 motors' controls in [−1, 1] (gear 150), gymnasium's order;
//! - reward: torso x displacement / env dt + 1 when healthy − 0.5 Σ a² (a as applied, i.e.
//!   clamped; no contact cost: the readout has no contact forces yet);
//! - terminated when torso z leaves [0.2, 1.0] (or the state is not finite); truncated at
//!   1000 steps;
//! - env step 0.05 s: five of the scene's 0.01 s steps, gymnasium's frame_skip and timestep;
//! - start: qpos0 + U(±0.1) on the torso position and every hinge angle, the torso tilted by
//!   a rotation vector of U(±0.2) rad per axis (gymnasium adds U(±0.1) to each quaternion
//!   component, the same tilt to first order), 0.1·N(0, 1) (clipped at ±5σ) on every q̇ entry.

use manyworlds_core::scenes::{ant, BuiltinScene};
use manyworlds_core::{Rule, SceneError, Target};
use manyworlds_gpu::TaskProgram;

use super::start_noise::{normal, offset, per_axis, uniform};
use super::task::{Task, TaskLayout, Transition};
use super::task_env::TaskEnv;

const Q: usize = 15;
const QD: usize = 14;

/// The ant task's settings (defaults: Ant-v5's).
#[derive(Clone, Debug, PartialEq)]
pub struct AntSpec {
    pub forward_reward_weight: f32,
    pub healthy_reward: f32,
    pub ctrl_cost_weight: f32,
    /// Torso heights, m, outside which the ant is unhealthy and the episode ends.
    pub healthy_z_range: (f32, f32),
    /// The torso position and the hinge angles are moved uniformly within ±this, the torso
    /// turned by up to 2 × this rad about each axis, q̇ moved by this × N(0, 1).
    pub reset_noise_scale: f32,
    pub max_episode_steps: u32,
    /// Scene steps (0.01 s) per env step.
    pub frame_skip: usize,
}

impl Default for AntSpec {
    fn default() -> Self {
        AntSpec {
            forward_reward_weight: 1.0,
            healthy_reward: 1.0,
            ctrl_cost_weight: 0.5,
            healthy_z_range: (0.2, 1.0),
            reset_noise_scale: 0.1,
            max_episode_steps: 1000,
            frame_skip: 5,
        }
    }
}

/// N ants rewarded for running towards +x.
pub type AntForward = TaskEnv<AntSpec>;

impl Task for AntSpec {
    fn name(&self) -> &'static str {
        "AntForward"
    }

    fn scene(&self) -> Result<BuiltinScene, SceneError> {
        ant::ant()
    }

    /// q: the root's free joint (x, y, z, qw, qx, qy, qz), then hip and ankle of legs 1–4;
    /// q̇: the root's 6, then the 8 hinges.
    fn layout(&self) -> TaskLayout {
        TaskLayout {
            joint_positions: Q,
            joint_velocities: QD,
            actuators: 8,
        }
    }

    fn observation_size(&self) -> usize {
        Q - 2 + QD
    }

    fn frame_skip(&self) -> usize {
        self.frame_skip
    }

    fn max_episode_steps(&self) -> u32 {
        self.max_episode_steps
    }

    fn start_noise(&self) -> Vec<Rule> {
        let s = self.reset_noise_scale;
        if s == 0.0 {
            return Vec::new();
        }
        let (u, n) = (uniform(s), normal(s));
        let mut rules: Vec<Rule> = per_axis(|axis| Target::RootPosition { axis }, &u).collect();
        rules.extend(per_axis(
            |axis| Target::RootRotation { axis },
            &uniform(2.0 * s),
        ));
        rules.push(offset(Target::JointPosition, &u));
        rules.extend(per_axis(|axis| Target::RootVelocity { axis }, &n));
        rules.extend(per_axis(|axis| Target::RootAngularVelocity { axis }, &n));
        rules.push(offset(Target::JointVelocity, &n));
        rules
    }

    fn observe(&self, q: &[f32], qd: &[f32], obs: &mut [f32]) {
        obs[..Q - 2].copy_from_slice(&q[2..]);
        obs[Q - 2..].copy_from_slice(qd);
    }

    fn outcome(&self, step: &Transition) -> (f32, bool) {
        let z = step.q[2];
        let healthy = z >= self.healthy_z_range.0 && z <= self.healthy_z_range.1;
        let x_velocity = (step.q[0] - step.q_before[0]) / step.dt;
        let control_cost: f32 = step.action.iter().map(|a| a * a).sum();
        let reward = self.forward_reward_weight * x_velocity
            + if healthy { self.healthy_reward } else { 0.0 }
            - self.ctrl_cost_weight * control_cost;
        (reward, !healthy)
    }

    fn device_program(&self) -> Option<TaskProgram> {
        Some(TaskProgram {
            name: self.name().to_string(),
            source: include_str!("../../shaders/task_ant_forward.wgsl").to_string(),
            parameters: vec![
                self.forward_reward_weight,
                self.healthy_reward,
                self.ctrl_cost_weight,
                self.healthy_z_range.0,
                self.healthy_z_range.1,
            ],
            observation_size: self.observation_size(),
        })
    }
}
