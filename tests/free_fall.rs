//! A body in free fall follows z(t) = z0 + v0 t − g t²/2.

mod common;
use common::*;
use manyworlds::{BodyDesc, ColliderDesc, Shape, StepParams, Vec3};

#[test]
fn free_fall_matches_the_analytic_position_after_one_second() {
    for backend in backends("free_fall_matches_the_analytic_position_after_one_second") {
        let b = name(&backend);
        let v0 = Vec3::new(1.0, -0.5, 3.0);
        let ball = BodyDesc::dynamic("ball")
            .at(Vec3::new(0.0, 0.0, 10.0))
            .velocity(v0, Vec3::ZERO)
            .collider(ColliderDesc::new(Shape::sphere(0.1)));
        let params = StepParams::default();
        let mut sim = sim(vec![ball], params, 1, &backend);
        run_for(&mut sim, 1.0);
        let t = 1.0;
        let expected = Vec3::new(0.0, 0.0, 10.0) + v0 * t + params.gravity * (0.5 * t * t);
        let got = pose(&mut sim, 0, 0).position;
        let displacement = expected - Vec3::new(0.0, 0.0, 10.0);
        let error = (got - expected).length();
        assert!(
            error <= 1e-3 * displacement.length(),
            "{b}: position {got} vs analytic {expected}: error {error} m"
        );
        let v = velocity(&mut sim, 0, 0);
        let v_expected = v0 + params.gravity * t;
        assert!(
            (v - v_expected).length() <= 1e-3 * v_expected.length(),
            "{b}: velocity {v} vs {v_expected}"
        );
    }
}

#[test]
fn spinning_body_in_free_fall_keeps_its_angular_velocity_and_unit_quaternion() {
    for backend in
        backends("spinning_body_in_free_fall_keeps_its_angular_velocity_and_unit_quaternion")
    {
        let b = name(&backend);
        // A sphere's inertia is isotropic: with no torque, ω stays constant and the body turns
        // by |ω|·t about its axis.
        let omega = Vec3::new(0.0, 0.0, 2.0);
        let ball = BodyDesc::dynamic("spinner")
            .at(Vec3::new(0.0, 0.0, 10.0))
            .velocity(Vec3::ZERO, omega)
            .collider(ColliderDesc::new(Shape::sphere(0.2)));
        let mut sim = sim(vec![ball], StepParams::default(), 1, &backend);
        run_for(&mut sim, 1.0);
        let q = pose(&mut sim, 0, 0).orientation;
        assert!((q.length() - 1.0).abs() < 1e-5, "{b}: |q| = {}", q.length());
        let (axis, angle) = q.to_axis_angle();
        assert!(
            (angle - 2.0).abs() < 2e-3,
            "{b}: turned {angle} rad, expected 2"
        );
        assert!(axis.dot(Vec3::Z) > 0.9999, "{b}: turned about {axis}");
        let w = angular_velocity(&mut sim, 0, 0);
        assert!(
            (w - omega).length() < 1e-6,
            "{b}: ω = {w}, expected {omega}"
        );
    }
}
