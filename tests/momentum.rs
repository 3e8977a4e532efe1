//! With no gravity, contacts exchange equal and opposite impulses: total linear momentum is
//! the same before and after sphere–sphere and box–box collisions.

mod common;
use common::*;
use manyworlds::{BodyDesc, ColliderDesc, Quat, Shape, Sim, StepParams, Vec3};

fn zero_g() -> StepParams {
    StepParams {
        gravity: Vec3::ZERO,
        ..StepParams::default()
    }
}

fn momentum(sim: &mut Sim) -> Vec3 {
    let velocities = sim.linear_velocities().expect("readback").to_vec();
    sim.scene()
        .bodies()
        .iter()
        .zip(&velocities)
        .map(|(b, v)| *v * b.mass.mass)
        .sum()
}

fn assert_conserved(bodies: Vec<BodyDesc>, what: &str) {
    for backend in backends(what) {
        let b = name(&backend);
        let mut sim = sim(bodies.clone(), zero_g(), 1, &backend);
        let before = momentum(&mut sim);
        let speeds_before: Vec<Vec3> = sim.linear_velocities().expect("readback").to_vec();
        run_for(&mut sim, 1.0);
        let after = momentum(&mut sim);
        assert!(
            (after - before).length() <= 0.005 * before.length(),
            "{b}: {what}: momentum {before} before, {after} after"
        );
        // They did collide: velocities changed.
        let changed = sim
            .linear_velocities()
            .expect("readback")
            .iter()
            .zip(&speeds_before)
            .any(|(a, b)| (*a - *b).length() > 0.1);
        assert!(changed, "{b}: {what}: the bodies never touched");
    }
}

#[test]
fn sphere_sphere_collisions_conserve_momentum() {
    // Off-centre hit between unequal spheres, with friction and restitution.
    let a = BodyDesc::dynamic("a")
        .at(Vec3::new(-1.0, 0.05, 0.0))
        .velocity(Vec3::new(3.0, 0.0, 0.2), Vec3::new(0.0, 0.0, 4.0))
        .collider(
            ColliderDesc::new(Shape::sphere(0.2))
                .restitution(0.5)
                .friction(0.7),
        );
    let b = BodyDesc::dynamic("b")
        .at(Vec3::new(1.0, -0.1, 0.0))
        .velocity(Vec3::new(-1.0, 0.0, 0.0), Vec3::ZERO)
        .collider(
            ColliderDesc::new(Shape::sphere(0.3))
                .density(300.0)
                .friction(0.7),
        );
    assert_conserved(vec![a, b], "sphere–sphere");
}

#[test]
fn box_box_collisions_conserve_momentum() {
    let a = BodyDesc::dynamic("a")
        .at(Vec3::new(-1.5, 0.0, 0.0))
        .oriented(Quat::from_euler(
            manyworlds::glam::EulerRot::XYZ,
            0.4,
            0.3,
            0.2,
        ))
        .velocity(Vec3::new(4.0, 0.3, 0.0), Vec3::new(1.0, 2.0, 0.0))
        .collider(ColliderDesc::new(Shape::cuboid(Vec3::new(0.3, 0.2, 0.25))).friction(0.8));
    let b = BodyDesc::dynamic("b")
        .at(Vec3::new(1.0, 0.1, 0.1))
        .velocity(Vec3::new(-2.0, 0.0, 0.0), Vec3::ZERO)
        .collider(
            ColliderDesc::new(Shape::cuboid(Vec3::splat(0.25)))
                .density(2000.0)
                .friction(0.8),
        );
    let c = BodyDesc::dynamic("c")
        .at(Vec3::new(2.0, 0.0, 0.0))
        .collider(ColliderDesc::new(Shape::cuboid(Vec3::splat(0.25))).friction(0.8));
    assert_conserved(vec![a, b, c], "box–box");
}
