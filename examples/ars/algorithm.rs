//! Augmented Random Search, V2-t (Mania, Guy & Recht 2018, "Simple random search provides a
//! competitive approach to reinforcement learning", Algorithm 2): a linear policy on
//! normalized observations, improved by finite differences along random directions.
//!
//! Only `manyworlds` is used here, so the `ars` example and `tests/ars_learns.rs` share this
//! file (`#[path]`); the command line, progress bar, files and plot are in `examples/ars.rs`.

use manyworlds::rng::{splitmix64, unit_f64};
use manyworlds::{Distribution, Mode, Randomization, Rule, StepOutput, Target, VecEnv};

/// A linear policy u = clip(M · (obs − μ) / σ) with the observation statistics it was trained
/// with.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    pub observation_size: usize,
    pub action_size: usize,
    /// `[action_size × observation_size]`, row-major.
    pub matrix: Vec<f64>,
    pub stats: RunningStats,
}

impl Policy {
    /// M = 0 with empty statistics (μ = 0, σ = 1).
    pub fn zeros(observation_size: usize, action_size: usize) -> Policy {
        Policy {
            observation_size,
            action_size,
            matrix: vec![0.0; observation_size * action_size],
            stats: RunningStats::new(observation_size),
        }
    }
}

/// Running mean and variance of each observation component (Welford's algorithm, f64).
#[derive(Clone, Debug, PartialEq)]
pub struct RunningStats {
    pub count: u64,
    pub mean: Vec<f64>,
    /// Σ (x − mean)², per component.
    pub m2: Vec<f64>,
}

/// Components that never varied (or barely) are divided by this instead, as the paper's code
/// leaves them unscaled.
const MIN_STD: f64 = 1e-8;

impl RunningStats {
    pub fn new(size: usize) -> RunningStats {
        RunningStats {
            count: 0,
            mean: vec![0.0; size],
            m2: vec![0.0; size],
        }
    }

    pub fn push(&mut self, x: &[f32]) {
        self.count += 1;
        let n = self.count as f64;
        for ((mean, m2), &x) in self.mean.iter_mut().zip(&mut self.m2).zip(x) {
            let x = x as f64;
            let delta = x - *mean;
            *mean += delta / n;
            *m2 += delta * (x - *mean);
        }
    }

    /// The standard deviation of each component (1 before two observations, and 1 for a
    /// component that has not varied).
    pub fn std(&self) -> Vec<f64> {
        self.m2
            .iter()
            .map(|&m2| {
                if self.count < 2 {
                    return 1.0;
                }
                let s = (m2 / (self.count - 1) as f64).sqrt();
                if s < MIN_STD {
                    1.0
                } else {
                    s
                }
            })
            .collect()
    }
}

/// ARS's hyperparameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// N: directions per iteration (2N envs).
    pub directions: usize,
    /// b: the best directions kept for the update (1 ≤ b ≤ N).
    pub top: usize,
    /// α.
    pub step_size: f64,
    /// ν: the exploration noise's standard deviation.
    pub noise: f64,
    /// Env steps per rollout at most (an episode still running then counts its return so far).
    pub horizon: usize,
    /// Subtracted from every reward in training rollouts (the paper removes the Ant's alive
    /// bonus); evaluation returns are always the task's own.
    pub reward_shift: f64,
    pub seed: u64,
}

impl Config {
    /// Refuses hyperparameters ARS cannot run with.
    pub fn check(&self) -> Result<(), String> {
        if self.directions == 0 {
            return Err("directions: at least 1".into());
        }
        if self.top == 0 || self.top > self.directions {
            return Err(format!(
                "top: between 1 and the number of directions ({}), got {}",
                self.directions, self.top
            ));
        }
        if !(self.step_size.is_finite() && self.step_size > 0.0) {
            return Err(format!("step size: positive, got {}", self.step_size));
        }
        if !(self.noise.is_finite() && self.noise > 0.0) {
            return Err(format!("noise: positive, got {}", self.noise));
        }
        if self.horizon == 0 {
            return Err("horizon: at least 1 step".into());
        }
        if !self.reward_shift.is_finite() {
            return Err("reward shift: finite".into());
        }
        Ok(())
    }
}

/// A standard normal draw, a pure function of `key` (Box–Muller on two counter-based uniforms).
pub fn normal(key: u64) -> f64 {
    let u1 = unit_f64(splitmix64(key ^ 0x5bd1_e995_1234_5678));
    let u2 = unit_f64(splitmix64(key ^ 0x9e37_79b9_7f4a_7c15));
    let u1 = u1.max(f64::MIN_POSITIVE);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn key(parts: &[u64]) -> u64 {
    parts
        .iter()
        .fold(0x243f_6a88_85a3_08d3, |k, &p| splitmix64(k ^ p))
}

/// What one rollout of a batch of policies returned.
pub struct Rollouts {
    /// The return of each env's first episode (cut at the horizon).
    pub returns: Vec<f64>,
    /// Env steps taken (every env, including the ones waiting for the others).
    pub env_steps: u64,
}

/// Runs one episode in every env of `env` with env `e` driven by `matrices[e]` on the
/// observations normalized by `mean`/`std`; pushes every observation an env saw in its episode
/// into `stats` when given. The envs step in lockstep until all of them have finished (or
/// `horizon` steps); an env that finished holds action 0 meanwhile.
#[allow(clippy::too_many_arguments)]
pub fn rollout<E: VecEnv>(
    env: &mut E,
    seed: u64,
    matrices: &[&[f64]],
    mean: &[f64],
    std: &[f64],
    horizon: usize,
    reward_shift: f64,
    mut stats: Option<&mut RunningStats>,
) -> Result<Rollouts, Box<dyn std::error::Error>> {
    let (n, no, na) = (env.num_envs(), env.observation_size(), env.action_size());
    if matrices.len() != n {
        return Err(format!("{} policies for {n} envs", matrices.len()).into());
    }
    let bounds = env.action_bounds().to_vec();
    let mut out = StepOutput::new(env);
    env.reset(seed, &mut out.obs)?;
    let mut actions = vec![0.0f32; n * na];
    let mut returns = vec![0.0f64; n];
    let mut running = vec![true; n];
    let mut normalized = vec![0.0f64; no];
    let mut env_steps = 0u64;
    for _ in 0..horizon {
        for e in 0..n {
            let action = &mut actions[e * na..(e + 1) * na];
            if !running[e] {
                action.fill(0.0);
                continue;
            }
            let obs = &out.obs[e * no..(e + 1) * no];
            if let Some(stats) = stats.as_deref_mut() {
                stats.push(obs);
            }
            for (k, z) in normalized.iter_mut().enumerate() {
                *z = (obs[k] as f64 - mean[k]) / std[k];
            }
            let m = matrices[e];
            for (j, a) in action.iter_mut().enumerate() {
                let row = &m[j * no..(j + 1) * no];
                let u: f64 = row.iter().zip(&normalized).map(|(w, z)| w * z).sum();
                let (lower, upper) = bounds[j];
                *a = (u as f32).clamp(lower, upper);
                if a.is_nan() {
                    *a = 0.0;
                }
            }
        }
        env.step(&actions, &mut out)?;
        env_steps += n as u64;
        for e in 0..n {
            if running[e] {
                returns[e] += out.reward[e] as f64 - reward_shift;
                if out.done(e) {
                    running[e] = false;
                }
            }
        }
        if !running.iter().any(|&r| r) {
            break;
        }
    }
    Ok(Rollouts { returns, env_steps })
}

/// One iteration's outcome.
pub struct Iteration {
    /// The mean return of the 2N perturbed rollouts (with the reward shift).
    pub mean_return: f64,
    pub env_steps: u64,
}

/// ARS V2-t's state: the policy and the iteration counter (the random directions of iteration
/// k are a pure function of (seed, k)).
pub struct Ars {
    pub config: Config,
    pub policy: Policy,
    pub iteration: u64,
}

impl Ars {
    pub fn new(config: Config, observation_size: usize, action_size: usize) -> Result<Ars, String> {
        config.check()?;
        Ok(Ars {
            config,
            policy: Policy::zeros(observation_size, action_size),
            iteration: 0,
        })
    }

    /// One iteration on `env`, which must have 2N envs: env 2k runs M + νδ_k, env 2k + 1 runs
    /// M − νδ_k.
    pub fn step<E: VecEnv>(
        &mut self,
        env: &mut E,
    ) -> Result<Iteration, Box<dyn std::error::Error>> {
        let c = &self.config;
        let (n, size) = (c.directions, self.policy.matrix.len());
        if env.num_envs() != 2 * n {
            return Err(format!("the env has {} envs, ARS needs 2 × {n}", env.num_envs()).into());
        }
        if env.observation_size() != self.policy.observation_size
            || env.action_size() != self.policy.action_size
        {
            return Err("the env's observation or action size is not the policy's".into());
        }
        let k = self.iteration;
        let deltas: Vec<Vec<f64>> = (0..n as u64)
            .map(|d| {
                (0..size as u64)
                    .map(|i| normal(key(&[c.seed, k, d, i])))
                    .collect()
            })
            .collect();
        let perturbed: Vec<Vec<f64>> = deltas
            .iter()
            .flat_map(|delta| {
                [1.0, -1.0].map(|sign| {
                    self.policy
                        .matrix
                        .iter()
                        .zip(delta)
                        .map(|(m, d)| m + sign * c.noise * d)
                        .collect::<Vec<f64>>()
                })
            })
            .collect();
        let matrices: Vec<&[f64]> = perturbed.iter().map(|m| m.as_slice()).collect();
        // The normalization of this iteration is the statistics before it (V2); the states of
        // its rollouts update them for the next.
        let mean = self.policy.stats.mean.clone();
        let std = self.policy.stats.std();
        let rollouts = rollout(
            env,
            key(&[c.seed, k, u64::MAX]),
            &matrices,
            &mean,
            &std,
            c.horizon,
            c.reward_shift,
            Some(&mut self.policy.stats),
        )?;
        let r = &rollouts.returns;
        // The top b directions by max(r+, r−).
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| {
            let (ra, rb) = (r[2 * a].max(r[2 * a + 1]), r[2 * b].max(r[2 * b + 1]));
            rb.total_cmp(&ra).then(a.cmp(&b))
        });
        let top = &order[..c.top];
        let used: Vec<f64> = top.iter().flat_map(|&d| [r[2 * d], r[2 * d + 1]]).collect();
        let mean_used = used.iter().sum::<f64>() / used.len() as f64;
        let sigma_r =
            (used.iter().map(|x| (x - mean_used).powi(2)).sum::<f64>() / used.len() as f64).sqrt();
        if sigma_r > 0.0 && sigma_r.is_finite() {
            let scale = c.step_size / (c.top as f64 * sigma_r);
            for &d in top {
                let diff = r[2 * d] - r[2 * d + 1];
                for (m, delta) in self.policy.matrix.iter_mut().zip(&deltas[d]) {
                    *m += scale * diff * delta;
                }
            }
        }
        self.iteration += 1;
        Ok(Iteration {
            mean_return: r.iter().sum::<f64>() / r.len() as f64,
            env_steps: rollouts.env_steps,
        })
    }
}

/// The mean return of `policy` over one episode in each env of `env` (the task's own rewards,
/// `horizon` steps at most), its statistics frozen.
pub fn evaluate<E: VecEnv>(
    env: &mut E,
    policy: &Policy,
    seed: u64,
    horizon: usize,
) -> Result<f64, Box<dyn std::error::Error>> {
    let matrices = vec![policy.matrix.as_slice(); env.num_envs()];
    let r = rollout(
        env,
        seed,
        &matrices,
        &policy.stats.mean,
        &policy.stats.std(),
        horizon,
        0.0,
        None,
    )?;
    Ok(r.returns.iter().sum::<f64>() / r.returns.len().max(1) as f64)
}

/// The evaluation seed of evaluation `k` of a run seeded `seed`: never one of training's.
pub fn evaluation_seed(seed: u64, k: u64) -> u64 {
    key(&[seed, k, 0xe7a1])
}

/// Mass ×[0.8, 1.25] (log-uniform), actuator gear ×[0.8, 1.2] and, where the scene has
/// colliders (`with_friction`: the ant; the cart-pole has none), friction ×[0.5, 1.5]: each body and actuator
/// drawn on its own, per world and episode.
pub fn training_randomization(with_friction: bool) -> Randomization {
    let mut rules = vec![
        Rule::new(
            Target::Mass,
            Distribution::LogUniform {
                low: 0.8,
                high: 1.25,
            },
            Mode::Scale,
        ),
        Rule::new(
            Target::ActuatorGear,
            Distribution::Uniform {
                low: 0.8,
                high: 1.2,
            },
            Mode::Scale,
        ),
    ];
    if with_friction {
        rules.push(Rule::new(
            Target::Friction,
            Distribution::Uniform {
                low: 0.5,
                high: 1.5,
            },
            Mode::Scale,
        ));
    }
    Randomization {
        rules,
        pushes: None,
    }
}
