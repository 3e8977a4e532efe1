//! Narrow phase: contact manifolds for every pair of plane, sphere, cylinder, capsule, box
//! and convex hull, exact except a cylinder against a capsule, box, cylinder or hull and a
//! capsule against a hull (a support-function search, `convex.rs`). Each first shape has its
//! own file; [`collide`] dispatches on the two shapes.

mod box_box;
mod capsule;
mod convex;
mod cylinder;
mod hull;
mod manifold;
mod plane;
mod segment;
mod sphere;
#[cfg(test)]
mod testutil;

pub use box_box::box_box;
pub use capsule::{capsule_box, capsule_capsule};
pub use cylinder::{cylinder_box, cylinder_capsule, cylinder_cylinder};
pub use hull::{box_hull, capsule_hull, cylinder_hull, hull_hull, plane_hull, sphere_hull};
pub use manifold::{ContactPoint, Manifold, MAX_POINTS};
pub use plane::{plane_box, plane_capsule, plane_cylinder, plane_sphere};
pub use sphere::{sphere_box, sphere_capsule, sphere_cylinder, sphere_sphere};

use glam::Vec3;
use manyworlds_core::{ConvexHull, Pose, Shape};

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
        Shape::Plane | Shape::Cuboid { .. } | Shape::Hull { .. } => 0.0,
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
        Shape::Hull { .. } => 5,
    }
}

/// The contact manifold of shape `a` at `pose_a` against shape `b` at `pose_b`, with points
/// down to `margin` of separation; the normal points from `a` to `b`. Two planes never touch.
/// `hulls`: the scene's, which [`Shape::Hull`]s refer to (a hull not there touches nothing).
pub fn collide(
    a: &Shape,
    pose_a: &Pose,
    b: &Shape,
    pose_b: &Pose,
    margin: f32,
    hulls: &[ConvexHull],
) -> Manifold {
    let mut m = if rank(a) > rank(b) {
        collide_ordered(b, pose_b, a, pose_a, margin, hulls).flipped()
    } else {
        collide_ordered(a, pose_a, b, pose_b, margin, hulls)
    };
    m.radius_a = rounding(a, pose_a, m.normal);
    m.radius_b = rounding(b, pose_b, m.normal);
    m
}

fn collide_ordered(
    a: &Shape,
    pa: &Pose,
    b: &Shape,
    pb: &Pose,
    margin: f32,
    hulls: &[ConvexHull],
) -> Manifold {
    use Shape::*;
    if let Hull { hull, scale } = *b {
        let Some(h) = hulls.get(hull.0 as usize) else {
            return Manifold::EMPTY;
        };
        return match *a {
            Plane => plane_hull(pa, pb, h, scale, margin),
            Sphere { radius } => sphere_hull(pa, radius, pb, h, scale, margin),
            Cylinder {
                half_length,
                radius,
            } => cylinder_hull(pa, half_length, radius, pb, h, scale, margin),
            Capsule {
                half_length,
                radius,
            } => capsule_hull(pa, half_length, radius, pb, h, scale, margin),
            Cuboid { half_extents } => box_hull(pa, half_extents, pb, h, scale, margin),
            Hull {
                hull: ha,
                scale: sa,
            } => match hulls.get(ha.0 as usize) {
                Some(ha) => hull_hull(pa, ha, sa, pb, h, scale, margin),
                None => Manifold::EMPTY,
            },
        };
    }
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
