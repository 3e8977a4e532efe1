//! Soft joint limits as MuJoCo makes them (Todorov 2014, "Convex and analytically-invertible
//! dynamics with contacts and constraints"; MuJoCo's documentation, "Solver parameters").
//!
//! Past its range a soft limit gives the degree of freedom the acceleration
//!
//! `a = (1 − d) a₀ + d a_ref`,  `d a_ref = −s 2ζω v − s² ω² r`,  `s = d(r) / d_max`,
//!
//! with a₀ what every other force would do, r ≤ 0 the violation, v = ṙ, and d(r) ∈ (0, 1) the
//! impedance, rising from `min` at r = 0 to `max` at |r| ≥ `width`. At full impedance the
//! reference is a spring–damper of natural frequency ω and damping ratio ζ (MuJoCo's `solref`
//! time constant τ gives ω = 1/(τζ)), and only (1 − d_max) of the other forces still push.
//! A limit's force only pushes back into the range (it is an inequality).

use serde::{Deserialize, Serialize};

/// The impedance curve d(r) of a soft limit, MuJoCo's `solimp` (dmin, dmax, width,
/// midpoint, power).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Impedance {
    /// d at the edge of the range (r = 0).
    pub min: f32,
    /// d once the violation reaches `width`.
    pub max: f32,
    /// Violation (rad or m) over which d rises from `min` to `max`; 0: `max` at once.
    pub width: f32,
    /// Where, as a fraction of `width`, the rise turns from convex to concave (0 to 1).
    pub midpoint: f32,
    /// Steepness of the rise (≥ 1; 1 is linear).
    pub power: f32,
}

impl Default for Impedance {
    /// MuJoCo's default `solimp`: 0.9 rising to 0.95 over 1 mm (or 1 mrad).
    fn default() -> Self {
        Impedance {
            min: 0.9,
            max: 0.95,
            width: 0.001,
            midpoint: 0.5,
            power: 2.0,
        }
    }
}

impl Impedance {
    /// MuJoCo's bounds on an impedance (mjMINIMP, mjMAXIMP).
    pub const LOWEST: f32 = 1e-4;
    pub const HIGHEST: f32 = 0.9999;

    /// d at a violation of `depth` (≥ 0): a sigmoid made of two power curves that meet at
    /// `midpoint` (MuJoCo's `getimpedance`).
    pub fn at(&self, depth: f32) -> f32 {
        let x = if self.width > 0.0 {
            (depth.abs() / self.width).min(1.0)
        } else {
            1.0
        };
        let mid = self.midpoint;
        let rise = if x >= 1.0 {
            1.0
        } else if x <= mid && mid > 0.0 {
            mid * (x / mid).powf(self.power)
        } else {
            1.0 - (1.0 - mid) * ((1.0 - x) / (1.0 - mid)).powf(self.power)
        };
        self.min + rise * (self.max - self.min)
    }

    /// What is wrong with these numbers, if anything.
    pub fn problem(&self) -> Option<String> {
        let in_bounds = |d: f32| (Self::LOWEST..=Self::HIGHEST).contains(&d);
        if !(in_bounds(self.min) && in_bounds(self.max)) {
            return Some(format!(
                "impedances must lie in [{}, {}], got min {} and max {}",
                Self::LOWEST,
                Self::HIGHEST,
                self.min,
                self.max
            ));
        }
        if !(self.width.is_finite() && self.width >= 0.0) {
            return Some(format!(
                "impedance width must be finite and non-negative, got {}",
                self.width
            ));
        }
        if !(0.0..=1.0).contains(&self.midpoint) {
            return Some(format!(
                "impedance midpoint must lie in [0, 1], got {}",
                self.midpoint
            ));
        }
        if !(self.power.is_finite() && self.power >= 1.0) {
            return Some(format!(
                "impedance power must be finite and at least 1, got {}",
                self.power
            ));
        }
        None
    }
}

/// A soft limit: its reference spring at full impedance and its impedance curve.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SoftLimit {
    /// Natural frequency ω of the reference spring, rad/s.
    pub omega: f32,
    pub damping_ratio: f32,
    pub impedance: Impedance,
}

impl SoftLimit {
    /// One substep h of the violated limit on a degree of freedom of effective mass `mass`:
    /// the limit's total impulse (≥ 0, along r) for the substep to end at the speed the law
    /// gives.
    ///
    /// `violation` (r₀ < 0) and `start_speed` (v₀ = ṙ) are where the substep started, before
    /// any force acted; `free_speed` is the speed now without this limit's impulse
    /// (v₀ + h a₀). The law is stepped with the reference spring–damper implicit in the end
    /// speed v₁ (stable for any stiffness):
    ///
    /// `v₁ (1 + h b + h² k) = d v₀ + (1 − d) v_free − h k r₀`,  b = s 2ζω, k = s² ω².
    pub fn impulse(
        &self,
        mass: f32,
        h: f32,
        violation: f32,
        start_speed: f32,
        free_speed: f32,
    ) -> f32 {
        let d = self.impedance.at(violation);
        let s = d / self.impedance.max;
        let b = s * 2.0 * self.damping_ratio * self.omega;
        let k = s * s * self.omega * self.omega;
        let end_speed = (d * start_speed + (1.0 - d) * free_speed - h * k * violation)
            / (1.0 + h * b + h * h * k);
        (mass * (end_speed - free_speed)).max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impedance_rises_from_min_to_max_over_the_width() {
        let d = Impedance::default();
        assert_eq!(d.at(0.0), 0.9);
        assert_eq!(d.at(0.001), 0.95);
        assert_eq!(d.at(1.0), 0.95);
        // At the midpoint the curve is halfway; with power 2, a quarter of the way at a
        // quarter of the width: 0.5 (0.25 / 0.5)² = 0.125.
        assert!((d.at(0.0005) - 0.925).abs() < 1e-6);
        assert!((d.at(0.00025) - (0.9 + 0.125 * 0.05)).abs() < 1e-6);
        assert!((d.at(-0.0005) - 0.925).abs() < 1e-6, "depth's sign ignored");
        let linear = Impedance {
            power: 1.0,
            midpoint: 0.0,
            ..d
        };
        assert!((linear.at(0.0003) - (0.9 + 0.3 * 0.05)).abs() < 1e-6);
        assert_eq!(linear.at(0.0), 0.9);
    }

    #[test]
    fn a_rigid_limit_cancels_the_push_and_springs_back_from_the_violation() {
        // d → 1: the other forces no longer act; the end speed is the reference
        // spring–damper's from (r₀, v₀).
        let stiff = Impedance {
            min: Impedance::HIGHEST,
            max: Impedance::HIGHEST,
            ..Impedance::default()
        };
        let (omega, h, r0, v0) = (50.0, 0.001, -0.01, -0.2);
        let limit = SoftLimit {
            omega,
            damping_ratio: 1.0,
            impedance: stiff,
        };
        let free = v0 - 5.0 * h;
        let impulse = limit.impulse(2.0, h, r0, v0, free);
        let end = free + impulse / 2.0;
        let expected =
            (v0 - h * omega * omega * r0) / (1.0 + h * 2.0 * omega + (h * omega).powi(2));
        assert!(
            (end - expected).abs() < 1e-4 * expected.abs().max(1.0),
            "{end} {expected}"
        );
    }

    #[test]
    fn under_a_steady_push_the_limit_settles_where_mujoco_does() {
        // A constant acceleration a₀ into the limit: at rest s² ω² |r| = (1 − d) a₀, with
        // s = 1 past the width (2 mm here, against 1 mm).
        let imp = Impedance::default();
        let (omega, h, a0) = (50.0_f32, 0.0005, 100.0_f32);
        let limit = SoftLimit {
            omega,
            damping_ratio: 1.0,
            impedance: imp,
        };
        let (mut r, mut v) = (0.0_f32, 0.0_f32);
        for _ in 0..40_000 {
            let free = v - a0 * h;
            let impulse = if r < 0.0 {
                limit.impulse(1.0, h, r, v, free)
            } else {
                0.0
            };
            v = free + impulse;
            r += h * v;
        }
        let d = imp.max;
        let expected = -(1.0 - d) * a0 / (omega * omega);
        assert!(
            (r - expected).abs() < 0.02 * expected.abs(),
            "{r} {expected}"
        );
    }
}
