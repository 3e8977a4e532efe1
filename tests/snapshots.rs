//! Snapshots: a world saved and restored (into itself or another world, after the batch has
//! moved on) continues bit for bit as it did the first time, contacts, joint warm starts and
//! its own randomized parameters included.

mod common;
use common::*;
use manyworlds::{
    Backend, Distribution, Mode, Randomization, Rule, Sim, SimError, SimOptions, Target,
};

const WORLDS: usize = 4;

fn ant_sim(backend: &Backend) -> Sim {
    let ant = manyworlds::scenes::builtin("ant").unwrap();
    let uniform = |low, high| Distribution::Uniform { low, high };
    let options = SimOptions {
        randomization: Randomization {
            rules: vec![
                Rule::new(Target::Mass, uniform(0.8, 1.25), Mode::Scale),
                Rule::new(Target::Friction, uniform(0.5, 1.5), Mode::Scale),
                Rule::new(Target::JointPosition, uniform(-0.2, 0.2), Mode::Offset),
            ],
            pushes: None,
        },
        seed: 5,
        ..options(backend)
    };
    Sim::new(ant.scene, ant.params, WORLDS, &options).unwrap()
}

/// Controls of step `k`: different in every world and every step.
fn controls(k: usize) -> Vec<f32> {
    (0..WORLDS * 8)
        .map(|i| ((i * 7 + k * 13) as f32 * 0.37).sin())
        .collect()
}

fn run(sim: &mut Sim, steps: std::ops::Range<usize>) {
    for k in steps {
        sim.set_controls(&controls(k)).unwrap();
        sim.step().unwrap();
    }
}

#[test]
fn a_restored_world_continues_bit_for_bit() {
    for backend in backends("a_restored_world_continues_bit_for_bit") {
        let b = name(&backend);
        let mut sim = ant_sim(&backend);
        // By step 60 the ant has landed: contact memory and joint impulses are warm.
        run(&mut sim, 0..60);
        assert!(
            sim.stats().contact_points > 0,
            "{b}: no contacts to remember"
        );
        let saved = [sim.save_world(1).unwrap(), sim.save_world(2).unwrap()];
        run(&mut sim, 60..100);
        let stride = sim.stride();
        let first = snapshot(&mut sim);
        // World 2 goes back into itself; world 1's save goes into world 3. The batch moved on
        // and world 2 was reset in between.
        sim.reset(&[2]).unwrap();
        sim.restore_world(2, &saved[1]).unwrap();
        sim.restore_world(3, &saved[0]).unwrap();
        assert_eq!(sim.episode(2).unwrap(), (0, 60), "{b}");
        for k in 60..100 {
            let mut c = controls(k);
            // World 3 replays world 1's controls.
            let (one, three) = (c[8..16].to_vec(), &mut c[24..32]);
            three.copy_from_slice(&one);
            sim.set_controls(&c).unwrap();
            sim.step().unwrap();
        }
        let again = snapshot(&mut sim);
        assert_eq!(
            again.world_bits(2, stride),
            first.world_bits(2, stride),
            "{b}: world 2 did not replay"
        );
        assert_eq!(
            again.world_bits(3, stride),
            first.world_bits(1, stride),
            "{b}: world 1's copy in world 3 went elsewhere"
        );
        assert_eq!(
            sim.world_parameters(3).unwrap(),
            sim.world_parameters(1).unwrap(),
            "{b}"
        );
    }
}

#[test]
fn a_cloned_world_moves_with_its_original() {
    for backend in backends("a_cloned_world_moves_with_its_original") {
        let b = name(&backend);
        let mut sim = ant_sim(&backend);
        run(&mut sim, 0..50);
        sim.clone_world(0, 3).unwrap();
        for k in 50..80 {
            let mut c = controls(k);
            let zero = c[0..8].to_vec();
            c[24..32].copy_from_slice(&zero);
            sim.set_controls(&c).unwrap();
            sim.step().unwrap();
        }
        let stride = sim.stride();
        let state = snapshot(&mut sim);
        assert_eq!(
            state.world_bits(3, stride),
            state.world_bits(0, stride),
            "{b}"
        );
        assert_ne!(
            state.world_bits(3, stride),
            state.world_bits(2, stride),
            "{b}"
        );
    }
}

#[test]
fn snapshots_restore_only_where_they_fit() {
    let mut cpu = ant_sim(&Backend::Cpu);
    let saved = cpu.save_world(0).unwrap();
    assert!(cpu.restore_world(WORLDS, &saved).is_err());
    let cartpole = manyworlds::scenes::builtin("cartpole").unwrap();
    let mut other = Sim::new(cartpole.scene, cartpole.params, 2, &options(&Backend::Cpu)).unwrap();
    let before = snapshot(&mut other);
    let e = other.restore_world(0, &saved).unwrap_err();
    assert!(
        e.to_string().contains("another scene") || e.to_string().contains("bodies"),
        "{e}"
    );
    assert_eq!(
        snapshot(&mut other),
        before,
        "a refused restore changed the world"
    );
    for backend in backends("snapshots_restore_only_where_they_fit") {
        if let Backend::Gpu(_) = backend {
            let mut gpu = ant_sim(&backend);
            let e = gpu.restore_world(0, &saved).unwrap_err();
            assert!(matches!(e, SimError::SnapshotBackend { .. }), "{e}");
        }
    }
}
