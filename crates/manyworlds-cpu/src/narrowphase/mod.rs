//! Narrow phase: contact manifolds for every pair of plane, sphere, cylinder, capsule and
//! box, exact except a cylinder against a capsule, box or cylinder (a support-function
//! search, `convex.rs`). Each first shape has its own file; [`collide`] dispatches on the two
//! shapes.

mod box_box;
mod capsule;
mod convex;
mod cylinder;
mod manifold;
mod plane;
mod segment;
mod sphere;
#[cfg(test)]
mod testutil;

pub use box_box::box_box;
pub use capsule::{capsule_box, capsule_capsule};
pub use cylinder::{cylinder_box, cylinder_capsule, cylinder_cylinder};
pub use manifold::{ContactPoint, Manifold, MAX_POINTS};
pub use plane::{plane_box, plane_capsule, plane_cylinder, plane_sphere};
pub use sphere::{sphere_box, sphere_capsule, sphere_cylinder, sphere_sphere};

use glam::Vec3;
use manyworlds_core::{Pose, Shape};

/// Radius of curvature of a shape's surface where it touches along `normal`: round shapes
/// have their radius, flat ones none; a cylinder its radius on its side (the normal across
/// its axis), none on a cap or rim.
fn rounding(shape: &Shape, pose: &Pose, normal: Vec3) -> f32 {
    match *shape {
        Shape::Sphere { radius } | Shape::Capsule { radius, .. } => radius,
        Shape::Cylinder { radius, .. } => {
            let along = (pose.orientation * Vec3::Z).dot(normal).abs();
            if along < capsule::FLAT_SIN {
                radius
            } else {
                0.0
            }
        }
        Shape::Plane | Shape::Cuboid { .. } => 0.0,
    }
}

/// Order of shapes within a pair: the function for a pair takes the lower rank first.
fn rank(shape: &Shape) -> u8 {
    match shape {
        Shape::Plane => 0,
        Shape::Sphere { .. } => 1,
        Shape::Cylinder { .. } => 2,
        Shape::Capsule { .. } => 3,
        Shape::Cuboid { .. } => 4,
    }
}

/// The contact manifold of shape `a` at `pose_a` against shape `b` at `pose_b`, with points
/// down to `margin` of separation; the normal points from `a` to `b`. Two planes never touch.
pub fn collide(a: &Shape, pose_a: &Pose, b: &Shape, pose_b: &Pose, margin: f32) -> Manifold {
    let mut m = if rank(a) > rank(b) {
        collide_ordered(b, pose_b, a, pose_a, margin).flipped()
    } else {
        collide_ordered(a, pose_a, b, pose_b, margin)
    };
    m.radius_a = rounding(a, pose_a, m.normal);
    m.radius_b = rounding(b, pose_b, m.normal);
    m
}

fn collide_ordered(a: &Shape, pa: &Pose, b: &Shape, pb: &Pose, margin: f32) -> Manifold {
    use Shape::*;
    match (*a, *b) {
        (Plane, Plane) => Manifold::EMPTY,
        (Plane, Sphere { radius }) => plane_sphere(pa, pb, radius, margin),
        (
            Plane,
            Capsule {
                half_length,
                radius,
            },
        ) => plane_capsule(pa, pb, half_length, radius, margin),
        (Plane, Cuboid { half_extents }) => plane_box(pa, pb, half_extents, margin),
        (Sphere { radius: ra }, Sphere { radius: rb }) => sphere_sphere(pa, ra, pb, rb, margin),
        (
            Sphere { radius },
            Capsule {
                half_length,
                radius: rb,
            },
        ) => sphere_capsule(pa, radius, pb, half_length, rb, margin),
        (Sphere { radius }, Cuboid { half_extents }) => {
            sphere_box(pa, radius, pb, half_extents, margin)
        }
        (
            Capsule {
                half_length: la,
                radius: ra,
            },
            Capsule {
                half_length: lb,
                radius: rb,
            },
        ) => capsule_capsule(pa, la, ra, pb, lb, rb, margin),
        (
            Capsule {
                half_length,
                radius,
            },
            Cuboid { half_extents },
        ) => capsule_box(pa, half_length, radius, pb, half_extents, margin),
        (Cuboid { half_extents: ha }, Cuboid { half_extents: hb }) => {
            box_box(pa, ha, pb, hb, margin)
        }
        (
            Plane,
            Cylinder {
                half_length,
                radius,
            },
        ) => plane_cylinder(pa, pb, half_length, radius, margin),
        (
            Sphere { radius },
            Cylinder {
                half_length,
                radius: rb,
            },
        ) => sphere_cylinder(pa, radius, pb, half_length, rb, margin),
        (
            Cylinder {
                half_length: la,
                radius: ra,
            },
            Capsule {
                half_length: lb,
                radius: rb,
            },
        ) => cylinder_capsule(pa, la, ra, pb, lb, rb, margin),
        (
            Cylinder {
                half_length: la,
                radius: ra,
            },
            Cuboid { half_extents },
        ) => cylinder_box(pa, la, ra, pb, half_extents, margin),
        (
            Cylinder {
                half_length: la,
                radius: ra,
            },
            Cylinder {
                half_length: lb,
                radius: rb,
            },
        ) => cylinder_cylinder(pa, la, ra, pb, lb, rb, margin),
        _ => unreachable!("collide_ordered takes the lower-ranked shape first"),
    }
}
