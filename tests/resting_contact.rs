//! Sphere, capsule and box dropped on a plane come to rest on it without sinking into it:
//! after 2 s their speed is below 1 cm/s and the deepest point is less than 5 mm under.

mod common;
use common::*;
use manyworlds::{Backend, BodyDesc, ColliderDesc, Plausibility, Quat, Shape, StepParams, Vec3};

fn drop_and_settle(body: BodyDesc, backend: &Backend) -> Plausibility {
    let b = name(backend);
    let mut sim = sim(
        vec![ground(0.6, 0.0), body],
        StepParams::default(),
        1,
        backend,
    );
    run_for(&mut sim, 2.0);
    let p = sim.plausibility().expect("readback");
    assert_eq!(p.non_finite_worlds, 0, "{b}: non-finite worlds");
    assert_eq!(p.bodies_below_ground, 0, "{b}: bodies below the ground");
    p
}

fn assert_at_rest(what: &str, p: Plausibility, backend: &Backend) {
    let b = name(backend);
    assert!(
        p.max_speed < 0.01,
        "{b}: {what} still moves at {} m/s",
        p.max_speed
    );
    assert!(
        p.max_penetration < 0.005,
        "{b}: {what} sinks {} m into the plane",
        p.max_penetration
    );
    // And it is actually resting on the plane, not hovering above it.
    assert!(
        p.max_penetration > -0.002,
        "{b}: {what} hovers {} m above the plane",
        -p.max_penetration
    );
}

#[test]
fn sphere_comes_to_rest() {
    for backend in backends("sphere_comes_to_rest") {
        let p = drop_and_settle(
            BodyDesc::dynamic("ball")
                .at(Vec3::new(0.0, 0.0, 1.0))
                .collider(ColliderDesc::new(Shape::sphere(0.2))),
            &backend,
        );
        assert_at_rest("sphere", p, &backend);
    }
}

#[test]
fn tilted_capsule_comes_to_rest_lying_down() {
    for backend in backends("tilted_capsule_comes_to_rest_lying_down") {
        let p = drop_and_settle(
            BodyDesc::dynamic("pill")
                .at(Vec3::new(0.0, 0.0, 1.0))
                .oriented(Quat::from_rotation_y(1.2))
                .collider(ColliderDesc::new(Shape::capsule(0.3, 0.1))),
            &backend,
        );
        assert_at_rest("capsule", p, &backend);
    }
}

#[test]
fn tilted_box_comes_to_rest_on_a_face() {
    for backend in backends("tilted_box_comes_to_rest_on_a_face") {
        let p = drop_and_settle(
            BodyDesc::dynamic("crate")
                .at(Vec3::new(0.0, 0.0, 1.0))
                .oriented(Quat::from_euler(
                    manyworlds::glam::EulerRot::XYZ,
                    0.3,
                    0.2,
                    0.1,
                ))
                .collider(ColliderDesc::new(Shape::cuboid(Vec3::new(0.3, 0.2, 0.1)))),
            &backend,
        );
        assert_at_rest("box", p, &backend);
    }
}

#[test]
fn sphere_rests_on_a_box_and_a_box_on_a_capsule_bed() {
    for backend in backends("sphere_rests_on_a_box_and_a_box_on_a_capsule_bed") {
        let b = name(&backend);
        // Mixed pairs: sphere on box, box on two capsules lying on the ground.
        let table = BodyDesc::dynamic("table")
            .at(Vec3::new(0.0, 0.0, 0.25))
            .collider(ColliderDesc::new(Shape::cuboid(Vec3::new(0.5, 0.5, 0.25))));
        let ball = BodyDesc::dynamic("ball")
            .at(Vec3::new(0.05, 0.0, 0.9))
            .collider(ColliderDesc::new(Shape::sphere(0.15)));
        let roller = |name: &str, y: f32| {
            BodyDesc::dynamic(name)
                .at(Vec3::new(3.0, y, 0.1))
                .oriented(Quat::from_rotation_y(std::f32::consts::FRAC_PI_2))
                .collider(ColliderDesc::new(Shape::capsule(0.4, 0.1)).friction(1.0))
        };
        let plank = BodyDesc::dynamic("plank")
            .at(Vec3::new(3.0, 0.0, 0.35))
            .collider(ColliderDesc::new(Shape::cuboid(Vec3::new(0.5, 0.6, 0.05))).friction(1.0));
        let mut sim = sim(
            vec![
                ground(1.0, 0.0),
                table,
                ball,
                roller("roller0", -0.4),
                roller("roller1", 0.4),
                plank,
            ],
            StepParams::default(),
            1,
            &backend,
        );
        run_for(&mut sim, 3.0);
        for body in 1..6 {
            let v = velocity(&mut sim, 0, body);
            assert!(v.length() < 0.01, "{b}: body {body} still moves at {v}");
        }
        // The ball sits on the table top (z = 0.5) and the plank on the rollers (z = 0.2).
        let ball_z = pose(&mut sim, 0, 2).position.z;
        assert!(
            (ball_z - 0.65).abs() < 0.005,
            "{b}: ball centre at {ball_z}"
        );
        let plank_z = pose(&mut sim, 0, 5).position.z;
        assert!(
            (plank_z - 0.25).abs() < 0.005,
            "{b}: plank centre at {plank_z}"
        );
    }
}
