//! A sphere launched sliding on the ground: kinetic friction spins it up until it rolls,
//! at v = 5/7 v0 (angular momentum about the contact point is conserved: m v0 r =
//! m v r + (2/5) m r² ω with v = ω r), then it rolls on at that speed, on the ground.

mod common;
use common::*;
use manyworlds::{BodyDesc, ColliderDesc, Shape, StepParams, Vec3};

#[test]
fn sliding_sphere_ends_rolling_at_five_sevenths_of_its_speed() {
    for backend in backends("sliding_sphere_ends_rolling_at_five_sevenths_of_its_speed") {
        let b = name(&backend);
        let (radius, v0) = (0.2, 3.0);
        let ball = BodyDesc::dynamic("ball")
            .at(Vec3::new(0.0, 0.0, radius))
            .velocity(Vec3::new(v0, 0.0, 0.0), Vec3::ZERO)
            .collider(ColliderDesc::new(Shape::sphere(radius)).friction(0.4));
        let mut sim = sim(
            vec![ground(0.4, 0.0), ball],
            StepParams::default(),
            1,
            &backend,
        );
        // Sliding lasts 2 v0 / (7 μ g) ≈ 0.22 s; then watch it roll for 2 s.
        run_for(&mut sim, 0.5);
        for _ in 0..200 {
            sim.step().expect("stepping works");
            let v = velocity(&mut sim, 0, 1);
            let omega = angular_velocity(&mut sim, 0, 1);
            let z = pose(&mut sim, 0, 1).position.z;
            assert!(
                (v.x - 5.0 / 7.0 * v0).abs() < 0.01 * v0,
                "{b}: rolls at {} m/s, 5/7 v0 = {}",
                v.x,
                5.0 / 7.0 * v0
            );
            let slip = v + omega.cross(Vec3::new(0.0, 0.0, -radius));
            assert!(slip.length() < 0.01, "{b}: contact point slips at {slip}");
            assert!(v.z.abs() < 0.005, "{b}: bounces: vertical speed {}", v.z);
            assert!(
                (z - radius).abs() < 0.001,
                "{b}: centre at {z}, radius {radius}"
            );
        }
    }
}
