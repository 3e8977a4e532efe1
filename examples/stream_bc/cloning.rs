//! Behaviour cloning of a linear policy from streamed data: the least-squares fit of
//! a = W o + b over (observation, action) frames, and the cart-pole teacher it is fitted to.

use manyworlds::tasks::{CartPoleBalance, CartPoleSpec, EnvOptions};
use manyworlds::{Chunk, EnvError, StepOutput, VecEnv};

/// The `record` command's scripted cart-pole controller: a PD law on the cart and the pole,
/// force (x + 2ẋ + 30θ + 6θ̇) N, as a control in [−1, 1] of the 10 N actuator.
pub const TEACHER_GAINS: [f32; 4] = [0.1, 0.2, 3.0, 0.6];

/// The teacher for every env: `obs` is `[envs × 4]`, `actions` `[envs × 1]`.
pub fn teacher(obs: &[f32], actions: &mut [f32]) {
    linear_policy(&TEACHER_GAINS, 0.0, obs, actions);
}

/// a = clamp(gains · o + bias, −1, 1) for every env.
pub fn linear_policy(gains: &[f32], bias: f32, obs: &[f32], actions: &mut [f32]) {
    for (o, a) in obs.chunks(gains.len()).zip(actions.iter_mut()) {
        let value: f32 = gains.iter().zip(o).map(|(g, x)| g * x).sum::<f32>() + bias;
        *a = value.clamp(-1.0, 1.0);
    }
}

/// Accumulates the normal equations of a one-output linear fit with a bias, over the frames
/// whose action the clamp did not touch (there the teacher is exactly linear).
pub struct LinearFit {
    /// [o, 1]ᵀ[o, 1] and [o, 1]ᵀ a, in f64.
    gram: Vec<Vec<f64>>,
    rhs: Vec<f64>,
    pub frames: usize,
}

impl LinearFit {
    pub fn new(observation_size: usize) -> LinearFit {
        let n = observation_size + 1;
        LinearFit {
            gram: vec![vec![0.0; n]; n],
            rhs: vec![0.0; n],
            frames: 0,
        }
    }

    /// Adds a chunk's frames (one action per frame).
    pub fn add(&mut self, chunk: &Chunk) {
        let n = self.rhs.len();
        for (o, &a) in chunk.observations.chunks(n - 1).zip(&chunk.actions) {
            if a.abs() >= 1.0 {
                continue;
            }
            let x: Vec<f64> = o.iter().map(|&v| v as f64).chain([1.0]).collect();
            for (row, xi) in self.gram.iter_mut().zip(&x) {
                for (g, xj) in row.iter_mut().zip(&x) {
                    *g += xi * xj;
                }
            }
            for (r, xi) in self.rhs.iter_mut().zip(&x) {
                *r += xi * a as f64;
            }
            self.frames += 1;
        }
    }

    /// The gains and the bias (Gaussian elimination with partial pivoting); None when the
    /// frames do not determine them.
    pub fn solve(&self) -> Option<(Vec<f32>, f32)> {
        let n = self.rhs.len();
        let mut m: Vec<Vec<f64>> = self
            .gram
            .iter()
            .zip(&self.rhs)
            .map(|(row, &r)| row.iter().copied().chain([r]).collect())
            .collect();
        for col in 0..n {
            let pivot = (col..n).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
            if m[pivot][col].abs() < 1e-12 {
                return None;
            }
            m.swap(col, pivot);
            for row in 0..n {
                if row != col {
                    let f = m[row][col] / m[col][col];
                    let pivot_row = m[col].clone();
                    for (x, p) in m[row].iter_mut().zip(pivot_row) {
                        *x -= f * p;
                    }
                }
            }
        }
        let solution: Vec<f32> = (0..n).map(|i| (m[i][n] / m[i][i]) as f32).collect();
        Some((solution[..n - 1].to_vec(), solution[n - 1]))
    }
}

/// The returns of one episode in each of `envs` fresh cart-poles (reset with `seed`) under the
/// linear policy.
pub fn evaluate(gains: &[f32], bias: f32, seed: u64, envs: usize) -> Result<Vec<f32>, EnvError> {
    let mut env = CartPoleBalance::new(CartPoleSpec::default(), envs, &EnvOptions::default())?;
    let mut out = StepOutput::new(&env);
    env.reset(seed, &mut out.obs)?;
    let mut actions = vec![0.0; env.num_envs() * env.action_size()];
    let mut running = vec![0.0f32; envs];
    let mut finished = vec![None; envs];
    while finished.iter().any(Option::is_none) {
        linear_policy(gains, bias, &out.obs, &mut actions);
        env.step(&actions, &mut out)?;
        for (w, total) in running.iter_mut().enumerate() {
            if finished[w].is_none() {
                *total += out.reward[w];
                if out.done(w) {
                    finished[w] = Some(*total);
                }
            }
        }
    }
    Ok(finished.into_iter().flatten().collect())
}
