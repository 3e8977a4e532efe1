//! A body in free fall follows z(t) = z0 + v0 t − g t²/2.

mod common;
use common::*;
use manyworlds::{BodyDesc, ColliderDesc, Shape, StepParams, Vec3};

#[test]
fn free_fall_matches_the_analytic_position_after_one_second() {
    let v0 = Vec3::new(1.0, -0.5, 3.0);
    let ball = BodyDesc::dynamic("ball")
        .at(Vec3::new(0.0, 0.0, 10.0))
        .velocity(v0, Vec3::ZERO)
        .collider(ColliderDesc::new(Shape::sphere(0.1)));
    let params = StepParams::default();
    let mut batch = batch(vec![ball], params, 1);
    run_for(&mut batch, 1.0);
    let t = 1.0;
    let expected = Vec3::new(0.0, 0.0, 10.0) + v0 * t + params.gravity * (0.5 * t * t);
    let got = pose(&batch, 0, 0).position;
    let displacement = expected - Vec3::new(0.0, 0.0, 10.0);
    let error = (got - expected).length();
    assert!(
        error <= 1e-3 * displacement.length(),
        "position {got} vs analytic {expected}: error {error} m"
    );
    let v = velocity(&batch, 0, 0);
    let v_expected = v0 + params.gravity * t;
    assert!(
        (v - v_expected).length() <= 1e-3 * v_expected.length(),
        "velocity {v} vs {v_expected}"
    );
}

#[test]
fn spinning_body_in_free_fall_keeps_its_angular_velocity_and_unit_quaternion() {
    // A sphere's inertia is isotropic: with no torque, ω stays constant and the body turns
    // by |ω|·t about its axis.
    let omega = Vec3::new(0.0, 0.0, 2.0);
    let ball = BodyDesc::dynamic("spinner")
        .at(Vec3::new(0.0, 0.0, 10.0))
        .velocity(Vec3::ZERO, omega)
        .collider(ColliderDesc::new(Shape::sphere(0.2)));
    let mut batch = batch(vec![ball], StepParams::default(), 1);
    run_for(&mut batch, 1.0);
    let q = pose(&batch, 0, 0).orientation;
    assert!((q.length() - 1.0).abs() < 1e-5);
    let (axis, angle) = q.to_axis_angle();
    assert!((angle - 2.0).abs() < 2e-3, "turned {angle} rad, expected 2");
    assert!(axis.dot(Vec3::Z) > 0.9999);
    assert!((batch.angular_velocities()[0] - omega).length() < 1e-6);
}
