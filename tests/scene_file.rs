//! A scene read back from its scene file steps bit for bit as the scene it was written from
//! (CPU backend, contacts, joints and actuators).

mod common;
use common::*;
use manyworlds::import::{mjcf, scene_file, ImportOptions};
use manyworlds::rng::unit_f64;
use manyworlds::{scenes, Backend, Scene, Sim, StepParams};

const WORLDS: usize = 4;
const STEPS: u64 = 150;

/// The bits of every world's state after each step, under the same controls (a pure function
/// of world, step and actuator, within each actuator's range).
fn trajectory(scene: Scene, params: StepParams) -> Vec<u32> {
    let actuators = scene.actuators().to_vec();
    let mut sim: Sim = sim_of(scene, params, WORLDS, &Backend::Cpu);
    let stride = sim.stride();
    let mut bits = Vec::new();
    for step in 0..STEPS {
        if !actuators.is_empty() {
            let controls: Vec<f32> = (0..WORLDS * actuators.len())
                .map(|k| {
                    let (lo, hi) = actuators[k % actuators.len()]
                        .control_range
                        .unwrap_or((-1.0, 1.0));
                    let u = unit_f64(step * 1_000_003 + k as u64) as f32;
                    lo + (hi - lo) * u
                })
                .collect();
            sim.set_controls(&controls).expect("controls fit");
        }
        sim.step().expect("stepping works");
        let now = snapshot(&mut sim);
        for w in 0..WORLDS {
            bits.extend(now.world_bits(w, stride));
        }
    }
    bits
}

fn assert_steps_as_its_file(scene: &Scene, params: &StepParams, what: &str) {
    let path = std::env::temp_dir().join(format!(
        "manyworlds-{}-{}.json",
        std::process::id(),
        what.replace('/', "_")
    ));
    scene_file::save(&path, scene, params).expect("the scene saves");
    let loaded = scene_file::load(&path);
    std::fs::remove_file(&path).expect("the file was written");
    let loaded = loaded.expect("the file loads");
    let original = trajectory(scene.clone(), *params);
    let from_file = trajectory(loaded.scene, loaded.params);
    let first = original.iter().zip(&from_file).position(|(a, b)| a != b);
    assert_eq!(
        first, None,
        "{what}: the trajectories part at word {first:?}"
    );
    assert_eq!(original.len(), from_file.len());
}

#[test]
fn a_scene_from_its_file_steps_bit_for_bit_as_the_original() {
    for name in ["ant", "pyramid", "chain10"] {
        let builtin = scenes::builtin(name).unwrap();
        assert_steps_as_its_file(&builtin.scene, &builtin.params, name);
    }
    let hopper = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/assets/gymnasium/hopper.xml"
    );
    let hopper = mjcf::load(hopper, ImportOptions::default()).expect("hopper loads");
    assert_steps_as_its_file(&hopper.scene, &hopper.params, "hopper");
}
