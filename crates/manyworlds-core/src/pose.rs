//! A rigid transform: rotation then translation.

use glam::{Quat, Vec3};
use serde::{Deserialize, Serialize};

/// Position and orientation of a frame relative to its parent (the world, or a body).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pose {
    pub position: Vec3,
    pub orientation: Quat,
}

impl Default for Pose {
    fn default() -> Self {
        Self::IDENTITY
    }
}

impl Pose {
    pub const IDENTITY: Pose = Pose {
        position: Vec3::ZERO,
        orientation: Quat::IDENTITY,
    };

    #[inline]
    pub fn new(position: Vec3, orientation: Quat) -> Self {
        Self {
            position,
            orientation,
        }
    }

    #[inline]
    pub fn from_position(position: Vec3) -> Self {
        Self::new(position, Quat::IDENTITY)
    }

    /// Maps a point given in this frame into the parent frame.
    #[inline]
    pub fn transform_point(&self, p: Vec3) -> Vec3 {
        self.position + self.orientation * p
    }

    /// Maps a point given in the parent frame into this frame.
    #[inline]
    pub fn inverse_transform_point(&self, p: Vec3) -> Vec3 {
        self.orientation.conjugate() * (p - self.position)
    }

    /// `self ∘ child`: the pose of `child` (given relative to this frame) in the parent frame.
    #[inline]
    pub fn compose(&self, child: &Pose) -> Pose {
        Pose::new(
            self.transform_point(child.position),
            (self.orientation * child.orientation).normalize(),
        )
    }

    /// The parent frame seen from this frame.
    #[inline]
    pub fn inverse(&self) -> Pose {
        let inv = self.orientation.conjugate();
        Pose::new(inv * -self.position, inv)
    }

    pub fn is_finite(&self) -> bool {
        self.position.is_finite() && self.orientation.is_finite()
    }
}
