//! Surface material of a collider.

use serde::{Deserialize, Serialize};

/// Friction and restitution of a collider. A contact combines the two colliders' values:
/// friction by the geometric mean `sqrt(μa μb)` and restitution by the maximum, as Box2D does,
/// so two equal materials give exactly their own value.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Material {
    /// Coulomb friction coefficient μ (≥ 0).
    pub friction: f32,
    /// Coefficient of restitution e in [0, 1]: the normal rebound speed is e times the
    /// approach speed.
    pub restitution: f32,
}

impl Default for Material {
    fn default() -> Self {
        Self {
            friction: 0.6,
            restitution: 0.0,
        }
    }
}

impl Material {
    pub fn new(friction: f32, restitution: f32) -> Self {
        Self {
            friction,
            restitution,
        }
    }

    pub fn combined_friction(a: f32, b: f32) -> f32 {
        (a * b).sqrt()
    }

    pub fn combined_restitution(a: f32, b: f32) -> f32 {
        a.max(b)
    }
}
