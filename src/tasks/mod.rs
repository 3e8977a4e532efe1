//! Tasks for reinforcement learning on the built-in robots, as vectorized environments:
//! [`CartPoleBalance`] and [`AntForward`], both [`TaskEnv`]s of a [`Task`]. (The README's
//! example.)
//!
//! ```
//! use manyworlds::tasks::{CartPoleBalance, CartPoleSpec, EnvOptions};
//! use manyworlds::{StepOutput, VecEnv};
//!
//! // EnvOptions: the Sim's options (backend) and what to do with non-finite actions.
//! let mut env = CartPoleBalance::new(CartPoleSpec::default(), 64, &EnvOptions::default())?;
//! let mut out = StepOutput::new(&env); // obs, reward, terminated, truncated, final_obs
//! env.reset(42, &mut out.obs)?; // [envs × observation_size]
//! let mut actions = vec![0.0; env.num_envs() * env.action_size()];
//! for _ in 0..1000 {
//!     // … the policy fills `actions` from `out.obs` …
//!     env.step(&actions, &mut out)?;
//!     // An env with out.done(i) was reset in this step: out.obs holds the first observation
//!     // of its next episode, out.final_obs the last one of the episode that ended.
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod actions;
mod ant_forward;
mod cartpole_balance;
mod device_readout;
mod joint_state;
mod start_noise;
mod task;
mod task_env;

pub use ant_forward::{AntForward, AntSpec};
pub use cartpole_balance::{
    CartPoleBalance, CartPoleSpec, CART_POLE_THETA_LIMIT, CART_POLE_X_LIMIT,
};
pub use start_noise::NORMAL_CLIP_SIGMAS;
pub use task::{Task, TaskLayout, Transition};
pub use task_env::{EnvOptions, TaskEnv};
