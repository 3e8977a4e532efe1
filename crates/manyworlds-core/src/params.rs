//! Parameters of the time step and of the soft contact model.

use glam::Vec3;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// How a step is taken. The defaults suit robot learning at 100 Hz. Read from a file, a
/// parameter left out takes its default.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StepParams {
    /// Step length in seconds. Default 0.01.
    pub dt: f32,
    /// Substeps per step (TGS-soft: each substep integrates, solves with bias, moves and
    /// relaxes). Default 4.
    pub substeps: u32,
    /// m/s². Default (0, 0, −9.81): z is up.
    pub gravity: Vec3,
    /// Stiffness of a contact as the natural frequency of its soft constraint, Hz. Contacts
    /// against static bodies use twice this. Capped at a quarter of the substep rate, beyond
    /// which the implicit spring stops being stable. Default 30.
    pub contact_hertz: f32,
    /// Damping ratio of the contact spring; > 1 is over-damped (no bounce from push-out).
    /// Default 10.
    pub contact_damping_ratio: f32,
    /// Stiffness of the joints' position correction (anchors apart, axes misaligned, limits
    /// passed) as a natural frequency, Hz, capped at a quarter of the substep rate as for
    /// contacts: drift is closed at the rate ω / (2ζ + hω) of a soft constraint of that
    /// frequency. Velocities are constrained rigidly. Default 100.
    pub joint_hertz: f32,
    /// Damping ratio of the joints' position correction. Default 1.
    pub joint_damping_ratio: f32,
    /// Fastest speed, m/s, at which an overlap is pushed apart. Default 3.
    pub max_push_out_speed: f32,
    /// Approach speed at impact, m/s, from which restitution acts: an impact at or above it
    /// bounces, a slower one does not (resting contacts do not bounce). Default 1.
    pub restitution_threshold: f32,
    /// Distance, m, within which a contact point is created before the surfaces touch
    /// (speculative contact); each pair adds what its bodies can travel in one step.
    /// Default 0.02.
    pub speculative_distance: f32,
}

impl Default for StepParams {
    fn default() -> Self {
        Self {
            dt: 0.01,
            substeps: 4,
            gravity: Vec3::new(0.0, 0.0, -9.81),
            contact_hertz: 30.0,
            contact_damping_ratio: 10.0,
            joint_hertz: 100.0,
            joint_damping_ratio: 1.0,
            max_push_out_speed: 3.0,
            restitution_threshold: 1.0,
            speculative_distance: 0.02,
        }
    }
}

/// The shortest and longest steps accepted, s: outside them a step is no physics step (a
/// microsecond is far below any robot's control period; a second lets a falling body cross
/// metres between contact checks).
pub const MIN_DT: f32 = 1e-6;
pub const MAX_DT: f32 = 1.0;

/// A step parameter that cannot be used, by name.
#[derive(Debug, Error, Clone, PartialEq)]
#[error("step parameter `{name}` {problem}, got {value}")]
pub struct ParamsError {
    pub name: &'static str,
    pub problem: &'static str,
    pub value: f32,
}

impl StepParams {
    /// The substep length h = dt / substeps.
    pub fn substep_dt(&self) -> f32 {
        self.dt / self.substeps as f32
    }

    pub fn validate(&self) -> Result<(), ParamsError> {
        let positive = [
            ("dt", self.dt),
            ("contact_hertz", self.contact_hertz),
            ("contact_damping_ratio", self.contact_damping_ratio),
            ("joint_hertz", self.joint_hertz),
            ("joint_damping_ratio", self.joint_damping_ratio),
            ("max_push_out_speed", self.max_push_out_speed),
        ];
        for (name, value) in positive {
            if !(value.is_finite() && value > 0.0) {
                return Err(ParamsError {
                    name,
                    problem: "must be a positive finite number",
                    value,
                });
            }
        }
        let non_negative = [
            ("restitution_threshold", self.restitution_threshold),
            ("speculative_distance", self.speculative_distance),
        ];
        for (name, value) in non_negative {
            if !(value.is_finite() && value >= 0.0) {
                return Err(ParamsError {
                    name,
                    problem: "must be a non-negative finite number",
                    value,
                });
            }
        }
        if !self.gravity.is_finite() {
            let value = self.gravity.x + self.gravity.y + self.gravity.z;
            return Err(ParamsError {
                name: "gravity",
                problem: "must be finite",
                value,
            });
        }
        if !(MIN_DT..=MAX_DT).contains(&self.dt) {
            return Err(ParamsError {
                name: "dt",
                problem: "must lie between 1e-6 and 1 s",
                value: self.dt,
            });
        }
        if self.substeps == 0 || self.substeps > 64 {
            return Err(ParamsError {
                name: "substeps",
                problem: "must be between 1 and 64",
                value: self.substeps as f32,
            });
        }
        Ok(())
    }
}
