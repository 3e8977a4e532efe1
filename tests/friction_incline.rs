//! Coulomb friction on an incline: a box stays put when tan θ < μ and slides with
//! a = g (sin θ − μ cos θ) when tan θ > μ.

mod common;
use common::*;
use manyworlds::{Backend, BodyDesc, ColliderDesc, Quat, Shape, Sim, StepParams, Vec3};

const MU: f32 = 0.5;
const G: f32 = 9.81;

/// A 0.4 m cube resting on an incline of `tan_theta`, and the unit vector down the slope.
fn box_on_incline(tan_theta: f32, backend: &Backend) -> (Sim, Vec3) {
    let theta = tan_theta.atan();
    let tilt = Quat::from_rotation_x(theta);
    let normal = tilt * Vec3::Z;
    let down_slope = -(tilt * Vec3::Y);
    let cube = BodyDesc::dynamic("cube")
        .at(normal * 0.2)
        .oriented(tilt)
        .collider(ColliderDesc::new(Shape::cuboid(Vec3::splat(0.2))).friction(MU));
    (
        sim(
            vec![incline(theta, MU), cube],
            StepParams::default(),
            1,
            backend,
        ),
        down_slope,
    )
}

#[test]
fn box_holds_on_an_incline_below_the_friction_angle() {
    for backend in backends("box_holds_on_an_incline_below_the_friction_angle") {
        let b = name(&backend);
        let (mut sim, down) = box_on_incline(MU - 0.05, &backend);
        run_for(&mut sim, 0.5);
        let start = pose(&mut sim, 0, 1).position;
        run_for(&mut sim, 2.0);
        let slid = (pose(&mut sim, 0, 1).position - start).dot(down);
        assert!(slid.abs() < 1e-3, "{b}: slid {slid} m in 2 s");
        let v = velocity(&mut sim, 0, 1);
        assert!(v.length() < 1e-3, "{b}: still moves at {v}");
    }
}

#[test]
fn box_slides_with_the_coulomb_acceleration_above_the_friction_angle() {
    for backend in backends("box_slides_with_the_coulomb_acceleration_above_the_friction_angle") {
        let b = name(&backend);
        for tan_theta in [MU + 0.05, MU + 0.3] {
            let theta = tan_theta.atan();
            let (mut sim, down) = box_on_incline(tan_theta, &backend);
            run_for(&mut sim, 0.2);
            let v1 = velocity(&mut sim, 0, 1).dot(down);
            run_for(&mut sim, 1.0);
            let v2 = velocity(&mut sim, 0, 1).dot(down);
            let measured = v2 - v1; // over exactly 1 s
            let expected = G * (theta.sin() - MU * theta.cos());
            assert!(
                (measured - expected).abs() <= 0.05 * expected,
                "{b}: tan θ = {tan_theta}: a = {measured}, Coulomb predicts {expected}"
            );
        }
    }
}
