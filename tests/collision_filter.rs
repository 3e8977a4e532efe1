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
    // The ground is in group 1. One ball ignores group 1, one collides with everything.
    let ghost = CollisionFilter::new(2, !1);
    let solid = CollisionFilter::new(2, u32::MAX);
    let mut batch = batch(
        vec![
            ground(0.5, 0.0),
            ball("ghost", -1.0, ghost),
            ball("solid", 1.0, solid),
        ],
        StepParams::default(),
        1,
    );
    run_for(&mut batch, 1.0);
    // Free fall from z = 1 for 1 s ends at 1 − g/2 ≈ −3.9 m.
    let ghost_z = pose(&batch, 0, 1).position.z;
    assert!(
        (ghost_z - (1.0 - 9.81 / 2.0)).abs() < 0.01,
        "ghost at z = {ghost_z}"
    );
    let solid_z = pose(&batch, 0, 2).position.z;
    assert!((solid_z - 0.2).abs() < 0.005, "solid ball at z = {solid_z}");
}

#[test]
fn a_one_sided_filter_is_enough_to_ignore_a_pair() {
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
    let mut batch = batch(
        vec![thrown("a", -1.0, 2.0, picky), thrown("b", 1.0, -2.0, open)],
        params,
        1,
    );
    run_for(&mut batch, 1.0);
    assert!((velocity(&batch, 0, 0).x - 2.0).abs() < 1e-6);
    assert!((pose(&batch, 0, 0).position.x - 1.0).abs() < 1e-4);
}
