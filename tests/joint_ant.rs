//! Endurance: 256 ants under random controls for 10,000 steps stay finite, near the origin,
//! above the floor, and hold together (the horizon is what the test is about; 256 independent
//! random-control episodes sample it as well as 1024 did, at a quarter of the suite's time). On
//! a software GPU (lavapipe, a few hundred ant world-steps/s on two cores) the GPU half runs 16
//! worlds × 1,000 steps instead, to stay within CI's time; on hardware it runs the full size.

mod common;
use std::time::Instant;

use common::*;
use manyworlds::joint_space::joint_frames;
use manyworlds::scenes::builtin;
use manyworlds::{JointKind, WorldBodies};

/// A seeded SplitMix64 stream (Steele, Lea & Flood 2014).
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [−1, 1).
    fn symmetric(&mut self) -> f32 {
        ((self.next_u64() >> 11) as f64 * (2.0 / 9_007_199_254_740_992.0) - 1.0) as f32
    }
}

#[test]
fn ant_survives_ten_thousand_steps_of_random_controls_in_256_worlds() {
    for backend in backends("ant_survives_ten_thousand_steps_of_random_controls_in_256_worlds") {
        let b = name(&backend);
        let (worlds, steps, every) = match backend {
            manyworlds::Backend::Gpu(_) if gpu_is_software() => (16usize, 1_000usize, 100usize),
            _ => (256, 10_000, 100),
        };
        let ant = builtin("ant").expect("built-in ant");
        let mut sim = builtin_sim(&ant, worlds, &backend);
        let scene = sim.scene().clone();
        let stride = sim.stride();
        let centers = sim.scene().centers_of_mass();
        let actuators = scene.actuators().len();
        assert_eq!(actuators, 8, "{b}: the ant has 8 motors");
        let hinges: Vec<usize> = (0..scene.joints().len())
            .filter(|&k| scene.joints()[k].kind == JointKind::Revolute)
            .collect();
        assert_eq!(hinges.len(), 8, "{b}: the ant has 8 hinges");
        let dynamic: Vec<usize> = (0..stride)
            .filter(|&i| scene.bodies()[i].is_dynamic())
            .collect();

        let mut rng = SplitMix64(0x05EE_DA17);
        let mut controls = vec![0.0f32; worlds * actuators];
        let (mut worst_separation, mut worst_at) = (0.0f32, (0, 0, 0));
        let (mut farthest, mut lowest) = (0.0f32, f32::INFINITY);
        let started = Instant::now();
        for step in 1..=steps {
            controls.iter_mut().for_each(|c| *c = rng.symmetric());
            sim.set_controls(&controls).expect("controls");
            sim.step().expect("step");
            if step % every != 0 {
                continue;
            }
            let faulted = sim.non_finite_worlds();
            assert!(
                faulted.is_empty(),
                "{b}: at step {step} {} worlds went non-finite (first: {:?})",
                faulted.len(),
                &faulted[..faulted.len().min(8)]
            );
            let positions = sim.positions().expect("readback").to_vec();
            let orientations = sim.orientations().expect("readback").to_vec();
            let linear = sim.linear_velocities().expect("readback").to_vec();
            let angular = sim.angular_velocities().expect("readback").to_vec();
            for w in 0..worlds {
                let range = w * stride..(w + 1) * stride;
                let bodies = WorldBodies {
                    positions: &positions[range.clone()],
                    orientations: &orientations[range.clone()],
                    linear_velocities: &linear[range.clone()],
                    angular_velocities: &angular[range],
                    centers_of_mass: &centers,
                    joint_angles: &[],
                };
                for &i in &dynamic {
                    let p = bodies.positions[i];
                    assert!(
                        p.is_finite() && bodies.orientations[i].is_finite(),
                        "{b}: step {step}, world {w}, body {i}: non-finite pose {p}"
                    );
                    assert!(
                        bodies.linear_velocities[i].is_finite()
                            && bodies.angular_velocities[i].is_finite(),
                        "{b}: step {step}, world {w}, body {i}: non-finite velocity"
                    );
                    farthest = farthest.max(p.length());
                    lowest = lowest.min(p.z);
                    assert!(
                        p.length() <= 100.0 && p.z >= -1.0,
                        "{b}: step {step}, world {w}, body {i} \"{}\" is at {p}: more than \
                         100 m from the origin or below z = −1",
                        scene.bodies()[i].name
                    );
                }
                for &k in &hinges {
                    let (parent, child) = joint_frames(&scene.joints()[k], &bodies);
                    let separation = (child.position - parent.position).length();
                    if separation > worst_separation {
                        (worst_separation, worst_at) = (separation, (step, w, k));
                    }
                }
            }
            assert!(
                worst_separation <= 1e-2,
                "{b}: at step {} world {} hinge \"{}\" came {worst_separation:.3e} m apart \
                 (limit 1 cm)",
                worst_at.0,
                worst_at.1,
                scene.joints()[worst_at.2].name
            );
        }
        let elapsed = started.elapsed().as_secs_f64();
        eprintln!(
            "{b}: ant, {worlds} worlds × {steps} steps of random controls in {elapsed:.1} s \
             ({:.2} µs per world-step): largest hinge separation {worst_separation:.3e} m (step \
             {}, world {}, hinge \"{}\"); farthest body {farthest:.2} m from the origin; lowest \
             body origin z {lowest:.3} m",
            elapsed * 1e6 / (worlds * steps) as f64,
            worst_at.0,
            worst_at.1,
            scene.joints()[worst_at.2].name
        );
    }
}
