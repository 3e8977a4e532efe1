//! Collision shapes, each in its own local frame.

use glam::Vec3;
use serde::{Deserialize, Serialize};

/// A collision shape. Sizes are in metres, in the shape's local frame.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Shape {
    /// The half-space `z <= 0` of the local frame (its surface is the plane z = 0, normal +z).
    /// Only static bodies may carry one.
    Plane,
    Sphere {
        radius: f32,
    },
    /// The points within `radius` of the segment from `(0, 0, -half_length)` to
    /// `(0, 0, half_length)`: its axis is local z.
    Capsule {
        half_length: f32,
        radius: f32,
    },
    /// A box centred on the origin, axis-aligned in its local frame.
    Cuboid {
        half_extents: Vec3,
    },
    /// The solid circular cylinder of `radius` about local z, its flat faces at
    /// `z = ±half_length`: its axis is local z, as the capsule's.
    Cylinder {
        half_length: f32,
        radius: f32,
    },
}

impl Shape {
    pub fn sphere(radius: f32) -> Self {
        Shape::Sphere { radius }
    }

    pub fn capsule(half_length: f32, radius: f32) -> Self {
        Shape::Capsule {
            half_length,
            radius,
        }
    }

    pub fn cuboid(half_extents: Vec3) -> Self {
        Shape::Cuboid { half_extents }
    }

    pub fn cylinder(half_length: f32, radius: f32) -> Self {
        Shape::Cylinder {
            half_length,
            radius,
        }
    }

    pub fn kind_name(&self) -> &'static str {
        match self {
            Shape::Plane => "plane",
            Shape::Sphere { .. } => "sphere",
            Shape::Capsule { .. } => "capsule",
            Shape::Cuboid { .. } => "box",
            Shape::Cylinder { .. } => "cylinder",
        }
    }

    /// Volume in m³; infinite for the half-space.
    pub fn volume(&self) -> f32 {
        use std::f32::consts::PI;
        match *self {
            Shape::Plane => f32::INFINITY,
            Shape::Sphere { radius } => 4.0 / 3.0 * PI * radius.powi(3),
            Shape::Capsule {
                half_length,
                radius,
            } => PI * radius * radius * (2.0 * half_length) + 4.0 / 3.0 * PI * radius.powi(3),
            Shape::Cuboid { half_extents } => {
                8.0 * half_extents.x * half_extents.y * half_extents.z
            }
            Shape::Cylinder {
                half_length,
                radius,
            } => PI * radius * radius * (2.0 * half_length),
        }
    }

    /// The radius of the smallest sphere about the local origin that holds the shape.
    pub fn bounding_radius(&self) -> f32 {
        match *self {
            Shape::Plane => f32::INFINITY,
            Shape::Sphere { radius } => radius,
            Shape::Capsule {
                half_length,
                radius,
            } => half_length + radius,
            Shape::Cuboid { half_extents } => half_extents.length(),
            Shape::Cylinder {
                half_length,
                radius,
            } => half_length.hypot(radius),
        }
    }
}
