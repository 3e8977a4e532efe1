//! The `hulls` benchmark scene: the `boxes` scene with convex objects instead of cubes. Per
//! world a ground plane and 32 convex hulls (each the hull of 8 to 20 points on its own
//! random ellipsoid of semi-axes 0.12–0.3 m; 1000 kg/m³, friction 0.8, no restitution),
//! dropped from the 4×4×2 grid at the poses `boxes` draws per world. The 32 shapes are the
//! same in every world (stored once), drawn from SplitMix64 keyed by the hull's index.

use super::boxes::{box_pose, world_pose, BOX_COUNT, DENSITY, FRICTION, STEPS};
use super::BuiltinScene;
use crate::body::{BodyDesc, ColliderDesc};
use crate::convex_hull::ConvexHull;
use crate::params::StepParams;
use crate::rng::unit_f64;
use crate::scene::SceneBuilder;
use crate::shape::Shape;
use glam::Vec3;

/// Uniform number `k` of hull `h`'s shape (its own stream, apart from the poses').
fn uniform(hull: usize, k: u64) -> f32 {
    unit_f64(0x4855_4c4c_0000_0000 ^ ((hull as u64) << 16) ^ k) as f32
}

/// Hull `h`'s points: on an ellipsoid with random semi-axes, in random directions.
pub fn hull_points(h: usize) -> Vec<Vec3> {
    let semi_axes = Vec3::new(
        0.12 + 0.18 * uniform(h, 0),
        0.12 + 0.18 * uniform(h, 1),
        0.12 + 0.18 * uniform(h, 2),
    );
    let count = 8 + (h % 4) * 4;
    let points: Vec<Vec3> = (0..count as u64)
        .map(|i| {
            // A uniform direction: z uniform in [−1, 1], the azimuth uniform.
            let z = 2.0 * uniform(h, 3 + 2 * i) - 1.0;
            let azimuth = std::f32::consts::TAU * uniform(h, 4 + 2 * i);
            let r = (1.0 - z * z).max(0.0).sqrt();
            Vec3::new(r * azimuth.cos(), r * azimuth.sin(), z) * semi_axes
        })
        .collect();
    // Centred on their mean, which lies inside their hull: the body's origin is inside the
    // object (a few points need not surround the ellipsoid's centre).
    let mean = points.iter().sum::<Vec3>() / points.len() as f32;
    points.into_iter().map(|p| p - mean).collect()
}

pub fn scene() -> BuiltinScene {
    let mut builder = SceneBuilder::new();
    builder.add_body(
        BodyDesc::fixed("ground").collider(ColliderDesc::new(Shape::Plane).friction(FRICTION)),
    );
    for h in 0..BOX_COUNT {
        let (hull, _) = ConvexHull::from_points(&hull_points(h), 64)
            .expect("points on an ellipsoid in random directions span a volume");
        let id = builder.add_hull(hull);
        let pose = box_pose(0, h);
        builder.add_body(
            BodyDesc::dynamic(format!("hull{h}"))
                .at(pose.position)
                .oriented(pose.orientation)
                .collider(
                    ColliderDesc::new(Shape::hull(id, Vec3::ONE))
                        .density(DENSITY)
                        .friction(FRICTION),
                ),
        );
    }
    BuiltinScene {
        name: "hulls",
        description: "32 convex hulls (8 to 20 vertices) dropped on a plane from a 4x4x2 grid, poses drawn per world",
        scene: builder.build().expect("the hulls scene is valid"),
        params: StepParams::default(),
        steps: STEPS,
        world_pose: Some(world_pose),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_object_is_a_hull_of_its_points_around_its_origin() {
        let built = scene();
        assert_eq!(built.scene.hulls().len(), BOX_COUNT);
        for (h, hull) in built.scene.hulls().iter().enumerate() {
            let vertices = hull.vertices();
            assert!(
                (4..=20).contains(&vertices.len()),
                "hull {h}: {}",
                vertices.len()
            );
            // The origin (the points' mean) is inside: a positive volume on each side of
            // every axis through it.
            for axis in [Vec3::X, Vec3::Y, Vec3::Z] {
                let (low, high) = vertices
                    .iter()
                    .map(|v| v.dot(axis))
                    .fold((f32::MAX, f32::MIN), |(l, u), x| (l.min(x), u.max(x)));
                assert!(
                    low < -0.02 && high > 0.02,
                    "hull {h} along {axis}: {low}..{high}"
                );
            }
        }
    }
}
