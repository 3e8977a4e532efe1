//! Random controls for scenes with actuators: uniform in each actuator's control range
//! ([−1, 1] when it has none), fresh every step, drawn from a counter-based generator keyed
//! by (seed, world, step, actuator) so a run is reproducible whatever the thread count.

use manyworlds::rng::{splitmix64, unit_f64};
use manyworlds::Scene;

pub struct RandomControls {
    seed: u64,
    /// Each actuator's (lower, upper).
    ranges: Vec<(f32, f32)>,
    worlds: usize,
    /// `[worlds × actuators]`, refilled every step.
    pub values: Vec<f32>,
}

impl RandomControls {
    pub fn new(scene: &Scene, worlds: usize, seed: u64) -> Self {
        let ranges: Vec<(f32, f32)> = scene
            .actuators()
            .iter()
            .map(|a| a.control_range.unwrap_or((-1.0, 1.0)))
            .collect();
        let values = vec![0.0; worlds * ranges.len()];
        RandomControls {
            seed,
            ranges,
            worlds,
            values,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Draws the controls of `step` for every world.
    pub fn draw(&mut self, step: u64) {
        let per_world = self.ranges.len();
        for w in 0..self.worlds {
            let world_key = splitmix64(splitmix64(self.seed) ^ w as u64);
            let step_key = splitmix64(world_key ^ step);
            for (a, &(lower, upper)) in self.ranges.iter().enumerate() {
                let u = unit_f64(step_key ^ a as u64) as f32;
                self.values[w * per_world + a] = lower + (upper - lower) * u;
            }
        }
    }
}
