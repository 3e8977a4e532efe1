//! Initial-state noise for a new episode, drawn from the core's counter-based SplitMix64 and
//! keyed by (seed, env, episode): an env's starts never depend on how many envs there are.

use manyworlds_core::rng::{splitmix64, unit_f64};

/// The draws of one env's episode; draw `i` is a pure function of the key and `i`.
#[derive(Clone, Copy, Debug)]
pub struct ResetNoise {
    key: u64,
}

impl ResetNoise {
    pub fn new(seed: u64, env: usize, episode: u64) -> ResetNoise {
        let env_key = splitmix64(splitmix64(seed) ^ env as u64);
        ResetNoise {
            key: splitmix64(env_key ^ episode),
        }
    }

    fn unit(&self, i: u64) -> f64 {
        unit_f64(self.key ^ i)
    }

    /// Draw `i`: uniform in [−half_width, half_width).
    pub fn uniform(&self, i: u64, half_width: f32) -> f32 {
        ((2.0 * self.unit(2 * i) - 1.0) * half_width as f64) as f32
    }

    /// Draw `i`: standard normal (Box–Muller on two uniforms).
    pub fn normal(&self, i: u64) -> f32 {
        let u1 = 1.0 - self.unit(2 * i); // (0, 1]: the logarithm stays finite
        let u2 = self.unit(2 * i + 1);
        ((-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()) as f32
    }
}
