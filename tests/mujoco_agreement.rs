//! Agreement with MuJoCo on contact-free models: gymnasium's inverted pendulums, and a sprung,
//! damped hinge and slide pushed by motors into MuJoCo's soft limits, from the same initial
//! state under the same control sequence follow MuJoCo's joint trajectories (tests/data/mujoco,
//! made by make_reference.py there with the `mujoco` package) within 2 % or 0.02 rad (0.02 m
//! for slides) for 1 s, on both backends.

mod common;

use common::{backends, name, sim_of};
use manyworlds::import::{mjcf, ImportOptions};
use serde_json::Value;

fn check(model: &str) {
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
    let file = reference["model"].as_str().expect("the model's path");
    let imported = mjcf::load(format!("{root}/tests/{file}"), ImportOptions::default()).unwrap();
    let actuators = imported.scene.actuators().len();
    let dt = f64::from(imported.params.dt);
    assert!(
        (dt - number(&reference["dt"])).abs() < 1e-9,
        "{model}: time step"
    );
    for backend in backends(&format!("mujoco_agreement {model}")) {
        let mut scene = imported.scene.clone();
        scene.set_initial_joint_positions(&qpos0).unwrap();
        let mut sim = sim_of(scene, imported.params, 1, &backend);
        let mut q = vec![0.0f32; qpos0.len()];
        let mut worst = (0.0f64, 0usize, 0usize);
        for (k, row) in expected.iter().enumerate() {
            let u = amplitude * (2.0 * std::f64::consts::PI * k as f64 * dt / period).sin();
            sim.set_controls(&vec![u as f32; actuators]).unwrap();
            sim.step().unwrap();
            sim.joint_positions(&mut q).unwrap();
            for (j, (&ours, &theirs)) in q.iter().zip(row).enumerate() {
                let error = (f64::from(ours) - theirs).abs();
                let allowed = (0.02 * theirs.abs()).max(0.02);
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
    check("inverted_pendulum");
}

#[test]
fn inverted_double_pendulum_follows_mujoco() {
    check("inverted_double_pendulum");
}

#[test]
fn springs_and_soft_limits_follow_mujoco() {
    check("spring_limits");
}
