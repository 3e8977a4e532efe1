//! Collision shapes, each in its own local frame.

use glam::Vec3;
use serde::{Deserialize, Serialize};

use crate::convex_hull::{ConvexHull, HullId};

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
    /// The convex hull `hull` of its scene ([`crate::Scene::hulls`]), each vertex scaled by
    /// `scale` along the local axes.
    Hull {
        hull: HullId,
        scale: Vec3,
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

    /// The scene's hull `hull` scaled by `scale` per local axis.
    pub fn hull(hull: HullId, scale: Vec3) -> Self {
        Shape::Hull { hull, scale }
    }

    pub fn kind_name(&self) -> &'static str {
        match self {
            Shape::Plane => "plane",
            Shape::Sphere { .. } => "sphere",
            Shape::Capsule { .. } => "capsule",
            Shape::Cuboid { .. } => "box",
            Shape::Cylinder { .. } => "cylinder",
            Shape::Hull { .. } => "hull",
        }
    }

    /// Volume in m³; infinite for the half-space. A hull's needs its scene's hulls: see
    /// [`Shape::volume_in`]; without them it is NaN.
    pub fn volume(&self) -> f32 {
        self.volume_in(&[])
    }

    /// Volume in m³, a hull's read from `hulls` (NaN if it is not there).
    pub fn volume_in(&self, hulls: &[ConvexHull]) -> f32 {
        use std::f32::consts::PI;
        match *self {
            Shape::Hull { hull, scale } => hulls
                .get(hull.0 as usize)
                .map_or(f32::NAN, |h| h.volume(scale)),
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

    /// The radius of the smallest sphere about the local origin that holds the shape; a
    /// hull's needs its scene's hulls (see [`Shape::bounding_radius_in`]).
    pub fn bounding_radius(&self) -> f32 {
        self.bounding_radius_in(&[])
    }

    /// As [`Shape::bounding_radius`], a hull's read from `hulls` (infinite if not there).
    pub fn bounding_radius_in(&self, hulls: &[ConvexHull]) -> f32 {
        match *self {
            Shape::Hull { hull, scale } => hulls
                .get(hull.0 as usize)
                .map_or(f32::INFINITY, |h| h.bounding_radius(scale)),
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
