//! A vectorized environment in the spirit of gymnasium's vector API: N sub-environments
//! stepped together, observations, rewards and flags in caller-owned `[envs × …]` buffers,
//! and autoreset in gymnasium's "same-step" mode.

use manyworlds_core::SceneError;
use thiserror::Error;

use crate::sim::SimError;

/// Why an environment refused an input (nothing changed) or could not step.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum EnvError {
    #[error("actions: expected {expected} values (envs × action size), got {got}")]
    ActionLength { expected: usize, got: usize },
    #[error("action {index} of env {env} is {value}: actions must be finite (or set NonFiniteActions::Clamp)")]
    NonFiniteAction {
        env: usize,
        index: usize,
        value: f32,
    },
    #[error("env {env} out of range: there are {envs}")]
    EnvOutOfRange { env: usize, envs: usize },
    #[error("{buffer}: expected {expected} values, got {got}")]
    BufferLength {
        buffer: &'static str,
        expected: usize,
        got: usize,
    },
    #[error("{field} value {index} is {value}: a state must be finite")]
    NonFiniteState {
        field: &'static str,
        index: usize,
        value: f32,
    },
    #[error("{task}: the scene has {got} {what}, the task expects {expected}")]
    SceneLayout {
        task: &'static str,
        what: &'static str,
        expected: usize,
        got: usize,
    },
    #[error("{task}: the frame skip must be at least 1 scene step per env step")]
    ZeroFrameSkip { task: &'static str },
    #[error("{task}: contact body {body} out of range: the scene has {bodies} bodies")]
    ContactBody {
        task: &'static str,
        body: usize,
        bodies: usize,
    },
    /// A [`crate::DataStream`]'s producer thread ended without saying why (it panicked).
    #[error("data stream: {0}")]
    Producer(String),
    #[error(transparent)]
    Scene(#[from] SceneError),
    #[error(transparent)]
    Sim(#[from] SimError),
}

/// What `step` does with a NaN or infinite action.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NonFiniteActions {
    /// Refuse the whole step with [`EnvError::NonFiniteAction`].
    #[default]
    Refuse,
    /// ±∞ to the range's bound, NaN to 0 clamped into the range.
    Clamp,
}

/// One step's results for every sub-environment, allocated once by [`StepOutput::new`] and
/// refilled by every [`VecEnv::step`].
#[derive(Clone, Debug, PartialEq)]
pub struct StepOutput {
    /// `[envs × observation_size]`: the observation after the step, or for an env that was
    /// reset the first observation of its next episode.
    pub obs: Vec<f32>,
    pub reward: Vec<f32>,
    pub terminated: Vec<bool>,
    pub truncated: Vec<bool>,
    /// `[envs × observation_size]`: the observation the step ended in, before any reset (the
    /// same as `obs` for the envs that go on): what to bootstrap a truncated episode's value
    /// from.
    pub final_obs: Vec<f32>,
}

impl StepOutput {
    /// Buffers sized for `env`.
    pub fn new(env: &impl VecEnv) -> StepOutput {
        let (envs, obs) = (env.num_envs(), env.observation_size());
        StepOutput {
            obs: vec![0.0; envs * obs],
            reward: vec![0.0; envs],
            terminated: vec![false; envs],
            truncated: vec![false; envs],
            final_obs: vec![0.0; envs * obs],
        }
    }

    /// Whether env `i` ended its episode in this step (and was reset).
    pub fn done(&self, i: usize) -> bool {
        self.terminated[i] || self.truncated[i]
    }
}

/// N sub-environments of one task, stepped together.
pub trait VecEnv {
    fn num_envs(&self) -> usize;
    fn observation_size(&self) -> usize;
    fn action_size(&self) -> usize;
    /// Each action's (lower, upper) bound; finite actions outside are clamped.
    fn action_bounds(&self) -> &[(f32, f32)];
    /// Starts a new episode in every env; the initial states are a pure function of (`seed`,
    /// env, episode), whatever the number of envs. Writes `[envs × observation_size]` into
    /// `obs`.
    fn reset(&mut self, seed: u64, obs: &mut [f32]) -> Result<(), EnvError>;
    /// Applies `actions` (`[envs × action_size]`) and advances every env by one env step.
    /// An env that ends its episode is reset in the same call (see [`StepOutput`]).
    fn step(&mut self, actions: &[f32], out: &mut StepOutput) -> Result<(), EnvError>;
}
