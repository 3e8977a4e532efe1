//! Collision groups: colliders whose memberships and filters do not match pass through each
//! other; matching ones collide.

mod common;
use common::*;
use manyworlds::{BodyDesc, ColliderDesc, CollisionFilter, Shape, StepParams, Vec3};

fn ball(name: &str, x: f32, filter: CollisionFilter) -> BodyDesc {
    BodyDesc::dynamic(name)
        .at(Vec3::new(x, 0.0, 1.0))
        .collider(ColliderDesc::new(Shape::sphere(0.2)).filter(filter))
}

#[test]
fn filtered_pairs_pass_through_and_the_others_collide() {
    for backend in backends("filtered_pairs_pass_through_and_the_others_collide") {
        let b = name(&backend);
        // The ground is in group 1. One ball ignores group 1, one collides with everything.
        let ghost = CollisionFilter::new(2, !1);
        let solid = CollisionFilter::new(2, u32::MAX);
        let mut sim = sim(
            vec![
                ground(0.5, 0.0),
                ball("ghost", -1.0, ghost),
                ball("solid", 1.0, solid),
            ],
            StepParams::default(),
            1,
            &backend,
        );
        run_for(&mut sim, 1.0);
        // Free fall from z = 1 for 1 s ends at 1 − g/2 ≈ −3.9 m.
        let ghost_z = pose(&mut sim, 0, 1).position.z;
        assert!(
            (ghost_z - (1.0 - 9.81 / 2.0)).abs() < 0.01,
            "{b}: ghost at z = {ghost_z}"
        );
        let solid_z = pose(&mut sim, 0, 2).position.z;
        assert!(
            (solid_z - 0.2).abs() < 0.005,
            "{b}: solid ball at z = {solid_z}"
        );
    }
}

#[test]
fn a_one_sided_filter_is_enough_to_ignore_a_pair() {
    for backend in backends("a_one_sided_filter_is_enough_to_ignore_a_pair") {
        let b = name(&backend);
        // Two spheres thrown at each other: a pair collides only if each accepts the other.
        let params = StepParams {
            gravity: Vec3::ZERO,
            ..StepParams::default()
        };
        let thrown = |name: &str, x: f32, vx: f32, filter| {
            BodyDesc::dynamic(name)
                .at(Vec3::new(x, 0.0, 0.0))
                .velocity(Vec3::new(vx, 0.0, 0.0), Vec3::ZERO)
                .collider(ColliderDesc::new(Shape::sphere(0.2)).filter(filter))
        };
        let picky = CollisionFilter::new(1, 0); // accepts nobody
        let open = CollisionFilter::new(1, u32::MAX);
        let mut sim = sim(
            vec![thrown("a", -1.0, 2.0, picky), thrown("b", 1.0, -2.0, open)],
            params,
            1,
            &backend,
        );
        run_for(&mut sim, 1.0);
        let vx = velocity(&mut sim, 0, 0).x;
        assert!(
            (vx - 2.0).abs() < 1e-6,
            "{b}: a's velocity {vx}, expected 2"
        );
        let x = pose(&mut sim, 0, 0).position.x;
        assert!((x - 1.0).abs() < 1e-4, "{b}: a at x = {x}, expected 1");
    }
}
