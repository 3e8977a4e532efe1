//! Joint springs follow the analytic (damped) harmonic oscillator, on both backends: a mass on
//! a sprung slide and a flywheel on a sprung hinge, released from rest away from the spring's
//! rest position, at the default step (10 ms, 4 substeps); and a spring too stiff for its
//! substep stays bounded.

mod common;
use common::*;
use manyworlds::{
    BodyDesc, ColliderDesc, JointDesc, Pose, Scene, SceneBuilder, Shape, StepParams, Vec3,
};

/// x(t) of m ẍ + c ẋ + k x = 0 from x(0) = x0, ẋ(0) = 0 (underdamped).
fn oscillator(x0: f32, omega: f32, zeta: f32, t: f32) -> f32 {
    let damped = omega * (1.0 - zeta * zeta).sqrt();
    let decay = (-zeta * omega * t).exp();
    x0 * decay * ((damped * t).cos() + zeta * omega / damped * (damped * t).sin())
}

/// A 0.2 m cube of `mass` kg on a slide along x (world), or a flywheel of the same cube on a
/// hinge about z: either with a spring `stiffness` and damper `damping`, released at q = x0.
fn sprung(hinge: bool, mass: f32, stiffness: f32, damping: f32, x0: f32) -> Scene {
    let mut builder = SceneBuilder::new();
    let joint = if hinge {
        JointDesc::revolute("spring", Vec3::Z)
    } else {
        JointDesc::prismatic("spring", Vec3::X)
    };
    builder.add_link(
        None,
        Pose::from_position(Vec3::new(0.0, 0.0, 1.0)),
        BodyDesc::dynamic("cube")
            .collider(ColliderDesc::new(Shape::cuboid(Vec3::splat(0.1))).density(mass / 0.008)),
        joint.spring(stiffness, 0.0).damping(damping),
    );
    let mut scene = builder.build().expect("valid spring");
    scene.set_initial_joint_positions(&[x0]).unwrap();
    scene
}

/// The largest |q − analytic| over `seconds`, relative to x0.
fn worst_error(backend: &manyworlds::Backend, hinge: bool, zeta: f32, seconds: f32) -> f32 {
    // The slide's mass is the cube's, 2 kg; the hinge's its inertia about z, 2·0.2²/6 kg·m².
    let (mass, x0) = (2.0f32, 0.1f32);
    let inertia = if hinge { mass * 0.04 / 6.0 } else { mass };
    let omega = 10.0f32;
    let stiffness = inertia * omega * omega;
    let damping = 2.0 * zeta * (stiffness * inertia).sqrt();
    let scene = sprung(hinge, mass, stiffness, damping, x0);
    let params = StepParams::default();
    let mut sim = sim_of(scene, params, 1, backend);
    let mut q = [0.0f32];
    let mut worst = 0.0f32;
    let steps = (seconds / params.dt).round() as usize;
    for step in 1..=steps {
        sim.step().unwrap();
        sim.joint_positions(&mut q).unwrap();
        let expected = oscillator(x0, omega, zeta, step as f32 * params.dt);
        worst = worst.max((q[0] - expected).abs() / x0);
    }
    worst
}

#[test]
fn sprung_slides_and_hinges_follow_the_analytic_oscillator() {
    for backend in backends("sprung_slides_and_hinges_follow_the_analytic_oscillator") {
        let b = name(&backend);
        for hinge in [false, true] {
            for zeta in [0.0, 0.1] {
                // Three periods (ω = 10 rad/s).
                let worst = worst_error(&backend, hinge, zeta, 1.9);
                assert!(
                    worst < 0.01,
                    "{b}: {} spring with damping ratio {zeta}: off the analytic oscillator by \
                     {:.2} % of the release amplitude",
                    if hinge { "hinge" } else { "slide" },
                    100.0 * worst
                );
            }
        }
    }
}

#[test]
fn a_spring_too_stiff_for_the_substep_stays_bounded() {
    for backend in backends("a_spring_too_stiff_for_the_substep_stays_bounded") {
        let b = name(&backend);
        // ω = 600 rad/s against a 2.5 ms substep: h ω = 1.5, beyond explicit stability.
        let scene = sprung(false, 2.0, 2.0 * 600.0 * 600.0, 0.0, 0.05);
        let mut sim = sim_of(scene, StepParams::default(), 1, &backend);
        let mut q = [0.0f32];
        for step in 0..200 {
            sim.step().unwrap();
            sim.joint_positions(&mut q).unwrap();
            assert!(
                q[0].is_finite() && q[0].abs() <= 0.05 * 1.001,
                "{b}: step {step}: q = {} grew beyond the release amplitude 0.05",
                q[0]
            );
        }
    }
}
