//! A task's start noise as randomization rules on the scene's initial state: offsets the `Sim`
//! draws per (seed, env, episode) and applies to each world it resets.

use manyworlds_core::{Axis, Distribution, Mode, Rule, Target};

/// Normal draws are clipped at ± this many standard deviations (a draw beyond has a
/// probability of 6 × 10⁻⁷).
pub const NORMAL_CLIP_SIGMAS: f32 = 5.0;

/// Uniform in ±`half_width`.
pub fn uniform(half_width: f32) -> Distribution {
    let h = half_width.abs();
    Distribution::Uniform { low: -h, high: h }
}

/// `std` × N(0, 1), clipped at ±[`NORMAL_CLIP_SIGMAS`] σ.
pub fn normal(std: f32) -> Distribution {
    let std = std.abs();
    let clip = NORMAL_CLIP_SIGMAS * std;
    Distribution::Normal {
        mean: 0.0,
        std,
        low: -clip,
        high: clip,
    }
}

/// `target` moved by a draw of `distribution` (on every element it fits).
pub fn offset(target: Target, distribution: &Distribution) -> Rule {
    Rule::new(target, distribution.clone(), Mode::Offset)
}

/// One offset per world axis of `target`.
pub fn per_axis(
    target: fn(Axis) -> Target,
    distribution: &Distribution,
) -> impl Iterator<Item = Rule> + '_ {
    [Axis::X, Axis::Y, Axis::Z]
        .into_iter()
        .map(move |axis| offset(target(axis), distribution))
}
