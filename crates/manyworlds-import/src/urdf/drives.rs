//! Actuators for URDF robots, which name none: one drive on every revolute and prismatic
//! joint ([`crate::ImportOptions::drives`]), its force limited by the joint's
//! `<limit effort>` unless the caller gives one.

use manyworlds_core::{Actuator, JointKind};

use crate::Warnings;

/// What each drive is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DriveKind {
    /// A PD servo to a joint position (control: q, within the joint's limits when it has
    /// them).
    Position { kp: f32, kv: f32 },
    /// A servo to a joint velocity (control: q̇, within ±`<limit velocity>` when given).
    Velocity { kv: f32 },
    /// A force or torque (control: the force, within ±the force limit).
    Motor,
}

/// One drive per movable joint.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Drives {
    pub kind: DriveKind,
    /// The force limit of every drive; None takes each joint's `<limit effort>`.
    pub force_limit: Option<f32>,
}

impl Drives {
    pub fn position(kp: f32, kv: f32) -> Self {
        Drives {
            kind: DriveKind::Position { kp, kv },
            force_limit: None,
        }
    }

    pub fn velocity(kv: f32) -> Self {
        Drives {
            kind: DriveKind::Velocity { kv },
            force_limit: None,
        }
    }

    pub fn motor() -> Self {
        Drives {
            kind: DriveKind::Motor,
            force_limit: None,
        }
    }
}

/// What a URDF joint says about driving it.
#[derive(Clone, Debug, Default)]
pub struct JointLimits {
    pub position: Option<(f32, f32)>,
    /// `<limit effort>`, when positive.
    pub effort: Option<f32>,
    /// `<limit velocity>`, when positive.
    pub velocity: Option<f32>,
}

/// The drive of joint `index` (`name`, `kind`), or None for a joint that cannot have one.
pub fn drive(
    drives: &Drives,
    index: usize,
    name: &str,
    kind: JointKind,
    limits: &JointLimits,
    warnings: &mut Warnings,
) -> Option<Actuator> {
    if !kind.is_single_axis() {
        return None;
    }
    let force = drives.force_limit.or(limits.effort);
    if force.is_none() {
        warnings.add(format!(
            "joint \"{name}\" has no effort limit: its drive's force is unlimited"
        ));
    }
    let actuator = match drives.kind {
        DriveKind::Position { kp, kv } => {
            let a = Actuator::position(format!("{name}_servo"), index, kp, kv);
            match limits.position {
                Some((lo, hi)) => a.control_range(lo, hi),
                None => a,
            }
        }
        DriveKind::Velocity { kv } => {
            let a = Actuator::velocity(format!("{name}_velocity"), index, kv);
            match limits.velocity {
                Some(v) => a.control_range(-v, v),
                None => a,
            }
        }
        DriveKind::Motor => {
            let a = Actuator::motor(format!("{name}_motor"), index, 1.0);
            return Some(match force {
                Some(f) => a.control_range(-f, f),
                None => a,
            });
        }
    };
    Some(match force {
        Some(f) => actuator.force_limit(f),
        None => actuator,
    })
}
