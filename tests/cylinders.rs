//! Cylinders: one standing on its face rests without drifting or turning, one lying on an
//! incline rolls without slipping at a = (2/3) g sin θ (a solid cylinder: I = m r²/2, so
//! m g sin θ = (m + I/r²) a), a sphere dropped on a standing one comes to rest on its top
//! face; on both backends.

mod common;
use common::*;
use manyworlds::{Backend, BodyDesc, ColliderDesc, Quat, Shape, StepParams, Vec3};
use std::f32::consts::FRAC_PI_2;

#[test]
fn standing_cylinder_rests_without_drift_or_rotation() {
    for backend in backends("standing_cylinder_rests_without_drift_or_rotation") {
        standing_cylinder_rests_without_drift_or_rotation_on(&backend);
    }
}

fn standing_cylinder_rests_without_drift_or_rotation_on(backend: &Backend) {
    let b = name(backend);
    let (half_length, radius) = (0.2, 0.3);
    let turn = Quat::from_rotation_z(0.4);
    let drum = BodyDesc::dynamic("drum")
        .at(Vec3::new(0.5, -0.2, half_length + 0.01))
        .oriented(turn)
        .collider(ColliderDesc::new(Shape::cylinder(half_length, radius)).friction(0.6));
    let mut sim = sim(
        vec![ground(0.6, 0.0), drum],
        StepParams::default(),
        1,
        backend,
    );
    run_for(&mut sim, 1.0);
    let settled = pose(&mut sim, 0, 1);
    run_for(&mut sim, 2.0);
    let end = pose(&mut sim, 0, 1);
    let drift = (end.position - settled.position).truncate().length();
    assert!(drift < 1e-4, "{b}: drifted {drift} m in 2 s");
    let turned = end.orientation.angle_between(turn);
    assert!(turned < 1e-3, "{b}: turned {turned} rad");
    let spin = angular_velocity(&mut sim, 0, 1).length();
    assert!(spin < 1e-3, "{b}: spins at {spin} rad/s");
    let speed = velocity(&mut sim, 0, 1).length();
    assert!(speed < 1e-3, "{b}: moves at {speed} m/s");
    // Sunk by the soft contact's sag only (as tests/resting_contact.rs bounds it).
    let sag = half_length - end.position.z;
    assert!((-0.002..0.005).contains(&sag), "{b}: sunk {sag} m");
    let p = sim.plausibility().expect("readback");
    assert!(
        (p.max_penetration - sag).abs() < 1e-5,
        "{b}: sag {sag}, {p:?}"
    );
}

#[test]
fn lying_cylinder_rolls_down_an_incline_at_two_thirds_g_sin_theta() {
    for backend in backends("lying_cylinder_rolls_down_an_incline_at_two_thirds_g_sin_theta") {
        lying_cylinder_rolls_down_an_incline_at_two_thirds_g_sin_theta_on(&backend);
    }
}

fn lying_cylinder_rolls_down_an_incline_at_two_thirds_g_sin_theta_on(backend: &Backend) {
    let b = name(backend);
    let (theta, radius) = (0.3f32, 0.2);
    let slope = Quat::from_rotation_x(theta);
    let normal = slope * Vec3::Z;
    // Axis along the incline's x, which is level: it rolls towards −y.
    let log = BodyDesc::dynamic("log")
        .at(normal * radius)
        .oriented(slope * Quat::from_rotation_y(FRAC_PI_2))
        .collider(ColliderDesc::new(Shape::cylinder(0.4, radius)).friction(0.8));
    let mut sim = sim(
        vec![incline(theta, 0.8), log],
        StepParams::default(),
        1,
        backend,
    );
    run_for(&mut sim, 0.2);
    let down = slope * -Vec3::Y;
    let v0 = velocity(&mut sim, 0, 1).dot(down);
    run_for(&mut sim, 1.0);
    let v = velocity(&mut sim, 0, 1);
    let a = (v.dot(down) - v0) / 1.0;
    let expected = 2.0 / 3.0 * 9.81 * theta.sin();
    assert!(
        (a - expected).abs() < 0.02 * expected,
        "{b}: rolls at {a} m/s², a solid cylinder at {expected}"
    );
    let omega = angular_velocity(&mut sim, 0, 1);
    let slip = v + omega.cross(-normal * radius);
    assert!(slip.length() < 0.01 * v.length(), "{b}: slips at {slip}");
    let height = normal.dot(pose(&mut sim, 0, 1).position);
    assert!(
        (height - radius).abs() < 0.003,
        "{b}: axis {height} m above the incline"
    );
}

#[test]
fn sphere_dropped_on_a_standing_cylinder_lands_on_its_top_face() {
    for backend in backends("sphere_dropped_on_a_standing_cylinder_lands_on_its_top_face") {
        sphere_dropped_on_a_standing_cylinder_lands_on_its_top_face_on(&backend);
    }
}

fn sphere_dropped_on_a_standing_cylinder_lands_on_its_top_face_on(backend: &Backend) {
    let b = name(backend);
    let (half_length, radius, ball) = (0.3, 0.3, 0.1);
    let drum = BodyDesc::dynamic("drum")
        .at(Vec3::new(0.0, 0.0, half_length))
        .collider(ColliderDesc::new(Shape::cylinder(half_length, radius)));
    let sphere = BodyDesc::dynamic("ball")
        .at(Vec3::new(0.1, 0.05, 1.2))
        .collider(ColliderDesc::new(Shape::sphere(ball)));
    let mut sim = sim(
        vec![ground(0.6, 0.0), drum, sphere],
        StepParams::default(),
        1,
        backend,
    );
    run_for(&mut sim, 2.0);
    let top = 2.0 * half_length + ball;
    let p = pose(&mut sim, 0, 2).position;
    assert!(
        (p.z - top).abs() < 0.006,
        "{b}: the ball rests at {} m, the face is at {top}",
        p.z
    );
    // On the face, near where it fell (the drum below it moves a little at the impact).
    let drum_at = pose(&mut sim, 0, 1).position;
    let off_axis = (p - drum_at).truncate().length();
    assert!(
        off_axis < 0.12,
        "{b}: the ball is {off_axis} m off the drum's axis"
    );
    let speed = velocity(&mut sim, 0, 2).length();
    assert!(speed < 0.01, "{b}: the ball moves at {speed} m/s");
}
