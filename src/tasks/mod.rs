//! Tasks for reinforcement learning on the built-in robots, as vectorized environments:
//! [`CartPoleBalance`] and [`AntForward`], both [`TaskEnv`]s of a [`Task`].

mod actions;
mod ant_forward;
mod cartpole_balance;
mod joint_state;
mod reset_noise;
mod task;
mod task_env;

pub use ant_forward::{AntForward, AntSpec};
pub use cartpole_balance::{
    CartPoleBalance, CartPoleSpec, CART_POLE_THETA_LIMIT, CART_POLE_X_LIMIT,
};
pub use reset_noise::ResetNoise;
pub use task::{Task, TaskLayout, Transition};
pub use task_env::{EnvOptions, TaskEnv};
