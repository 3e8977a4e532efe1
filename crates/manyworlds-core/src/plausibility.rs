//! Engine-independent figures of merit of a batch's state, as the benchmark scenes define them:
//! how deep dynamic shapes sit in the static planes, how fast bodies still move, how many are
//! at rest, and which worlds are no longer finite.

use crate::convex_hull::ConvexHull;
use crate::pose::Pose;
use crate::scene::Scene;
use crate::shape::Shape;
use glam::{Quat, Vec3};

/// A body slower than this (m/s) counts as at rest.
pub const REST_SPEED: f32 = 0.01;

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Plausibility {
    /// Deepest point of any dynamic collider below any static plane, m (0 when none is below).
    pub max_penetration: f32,
    /// Fastest centre-of-mass speed of any dynamic body, m/s.
    pub max_speed: f32,
    /// Share of dynamic bodies slower than [`REST_SPEED`].
    pub resting_fraction: f32,
    /// Dynamic bodies whose origin is below a static plane.
    pub bodies_below_ground: usize,
    /// Worlds with a non-finite position, orientation or velocity.
    pub non_finite_worlds: usize,
}

/// How far the lowest point of `shape` at `pose` lies below the plane through `origin` with
/// unit normal `normal` (negative when above).
fn depth_below(
    shape: &Shape,
    pose: &Pose,
    origin: Vec3,
    normal: Vec3,
    hulls: &[ConvexHull],
) -> f32 {
    let center_height = normal.dot(pose.position - origin);
    let reach = match *shape {
        Shape::Plane => return f32::NEG_INFINITY,
        Shape::Sphere { radius } => radius,
        Shape::Capsule {
            half_length,
            radius,
        } => (pose.orientation * Vec3::Z).dot(normal).abs() * half_length + radius,
        Shape::Cuboid { half_extents } => {
            let local = pose.orientation.conjugate() * normal;
            (local.abs() * half_extents).element_sum()
        }
        Shape::Cylinder {
            half_length,
            radius,
        } => {
            // The lowest rim point: the axis' projection on the normal plus the radius across.
            let c = (pose.orientation * Vec3::Z).dot(normal);
            c.abs() * half_length + radius * (1.0 - c * c).max(0.0).sqrt()
        }
        Shape::Hull { hull, scale } => match hulls.get(hull.0 as usize) {
            Some(h) => h.support(scale, -(pose.orientation.conjugate() * normal)),
            None => return f32::NEG_INFINITY,
        },
    };
    reach - center_height
}

impl Plausibility {
    /// Measures a batch state laid out `[world × body]` with `scene.body_count()` as stride.
    /// Only whole worlds present in all four slices are measured.
    pub fn measure(
        scene: &Scene,
        positions: &[Vec3],
        orientations: &[Quat],
        linear_velocities: &[Vec3],
        angular_velocities: &[Vec3],
    ) -> Plausibility {
        let nominal = |_world: usize, collider: usize| scene.colliders()[collider].shape;
        Self::measure_with_shapes(
            scene,
            &nominal,
            positions,
            orientations,
            linear_velocities,
            angular_velocities,
        )
    }

    /// As [`Plausibility::measure`], with the shape of collider `c` in world `w` given by
    /// `shape(w, c)` (worlds whose sizes are randomized).
    pub fn measure_with_shapes(
        scene: &Scene,
        shape: &dyn Fn(usize, usize) -> Shape,
        positions: &[Vec3],
        orientations: &[Quat],
        linear_velocities: &[Vec3],
        angular_velocities: &[Vec3],
    ) -> Plausibility {
        let stride = scene.body_count().max(1);
        let planes: Vec<(Vec3, Vec3)> = scene
            .colliders()
            .iter()
            .filter(|c| c.shape == Shape::Plane)
            .map(|c| {
                let body = &scene.bodies()[c.body];
                let pose = body.pose.compose(&c.pose);
                (pose.position, pose.orientation * Vec3::Z)
            })
            .collect();
        let mut out = Plausibility::default();
        let (mut dynamic, mut resting) = (0usize, 0usize);
        let items = positions
            .len()
            .min(orientations.len())
            .min(linear_velocities.len())
            .min(angular_velocities.len());
        let worlds = items / stride;
        for w in 0..worlds {
            let mut finite = true;
            for (i, body) in scene.bodies().iter().enumerate() {
                let k = w * stride + i;
                let (p, q) = (positions[k], orientations[k]);
                let (v, omega) = (linear_velocities[k], angular_velocities[k]);
                if !(p.is_finite() && q.is_finite() && v.is_finite() && omega.is_finite()) {
                    finite = false;
                    continue;
                }
                if !body.is_dynamic() {
                    continue;
                }
                dynamic += 1;
                let speed = v.length();
                out.max_speed = out.max_speed.max(speed);
                resting += usize::from(speed < REST_SPEED);
                let body_pose = Pose::new(p, q);
                for &(origin, normal) in &planes {
                    if normal.dot(p - origin) < 0.0 {
                        out.bodies_below_ground += 1;
                    }
                    for c in body.colliders.clone() {
                        let pose = body_pose.compose(&scene.colliders()[c].pose);
                        let depth = depth_below(&shape(w, c), &pose, origin, normal, scene.hulls());
                        out.max_penetration = out.max_penetration.max(depth);
                    }
                }
            }
            out.non_finite_worlds += usize::from(!finite);
        }
        out.resting_fraction = if dynamic > 0 {
            resting as f32 / dynamic as f32
        } else {
            1.0
        };
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::{BodyDesc, ColliderDesc};
    use crate::scene::SceneBuilder;

    #[test]
    fn tilted_box_corner_depth() {
        let scene = SceneBuilder::new()
            .body(BodyDesc::fixed("ground").collider(ColliderDesc::new(Shape::Plane)))
            .body(
                BodyDesc::dynamic("cube")
                    .collider(ColliderDesc::new(Shape::cuboid(Vec3::splat(0.5)))),
            )
            .build()
            .unwrap();
        // A unit cube standing on an edge (45° about x): lowest point √2/2 below its centre.
        let q = Quat::from_rotation_x(std::f32::consts::FRAC_PI_4);
        let z = 0.7;
        let m = Plausibility::measure(
            &scene,
            &[Vec3::ZERO, Vec3::new(0.0, 0.0, z)],
            &[Quat::IDENTITY, q],
            &[Vec3::ZERO, Vec3::new(0.02, 0.0, 0.0)],
            &[Vec3::ZERO; 2],
        );
        assert!((m.max_penetration - (0.5f32.sqrt() - z)).abs() < 1e-6);
        assert_eq!(m.resting_fraction, 0.0);
        assert!((m.max_speed - 0.02).abs() < 1e-7);
        assert_eq!(m.bodies_below_ground, 0);
    }
}
