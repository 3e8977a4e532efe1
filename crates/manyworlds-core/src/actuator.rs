//! Actuators: what a control value does to a joint. As in MuJoCo, an actuator produces a
//! scalar force f in its own space and the joint receives `gear × f`; the joint's "length"
//! seen by the actuator is `gear × q`.

use serde::{Deserialize, Serialize};

/// How the control is turned into a force.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ActuatorKind {
    /// f = control.
    Motor,
    /// A PD servo: f = kp (control − gear q) − kv gear q̇.
    Position { kp: f32, kv: f32 },
    /// A velocity servo: f = kv (control − gear q̇).
    Velocity { kv: f32 },
}

impl ActuatorKind {
    pub fn name(&self) -> &'static str {
        match self {
            ActuatorKind::Motor => "motor",
            ActuatorKind::Position { .. } => "position",
            ActuatorKind::Velocity { .. } => "velocity",
        }
    }
}

/// An actuator on a revolute or prismatic joint. Controls are held constant over a step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actuator {
    pub name: String,
    /// Index of the joint it drives.
    pub joint: usize,
    pub kind: ActuatorKind,
    pub gear: f32,
    /// Controls are clamped to this range before use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control_range: Option<(f32, f32)>,
    /// |f| is clamped to this (servos; a motor's force is its clamped control).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force_limit: Option<f32>,
}

impl Actuator {
    fn new(name: impl Into<String>, joint: usize, kind: ActuatorKind) -> Self {
        Self {
            name: name.into(),
            joint,
            kind,
            gear: 1.0,
            control_range: None,
            force_limit: None,
        }
    }

    /// A force or torque `gear × control` on `joint`.
    pub fn motor(name: impl Into<String>, joint: usize, gear: f32) -> Self {
        Self::new(name, joint, ActuatorKind::Motor).gear(gear)
    }

    /// A PD servo holding `joint` at q = control / gear.
    pub fn position(name: impl Into<String>, joint: usize, kp: f32, kv: f32) -> Self {
        Self::new(name, joint, ActuatorKind::Position { kp, kv })
    }

    /// A servo driving `joint` at q̇ = control / gear.
    pub fn velocity(name: impl Into<String>, joint: usize, kv: f32) -> Self {
        Self::new(name, joint, ActuatorKind::Velocity { kv })
    }

    pub fn gear(mut self, gear: f32) -> Self {
        self.gear = gear;
        self
    }

    pub fn control_range(mut self, lower: f32, upper: f32) -> Self {
        self.control_range = Some((lower, upper));
        self
    }

    pub fn force_limit(mut self, limit: f32) -> Self {
        self.force_limit = Some(limit);
        self
    }

    /// The control actually used: clamped to the range.
    pub fn clamp_control(&self, control: f32) -> f32 {
        match self.control_range {
            Some((lo, hi)) => control.clamp(lo, hi),
            None => control,
        }
    }
}
