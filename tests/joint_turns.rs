//! A revolute joint's q counts turns (as MuJoCo's hinge qpos does): in the readout, for its
//! limits and servos, across snapshots and resets, on both backends.

mod common;
use common::*;
use manyworlds::joint_space::{joint_frames, revolute_angle};
use manyworlds::{
    Actuator, BodyDesc, ColliderDesc, JointDesc, Pose, Scene, SceneBuilder, Shape, Sim, StepParams,
    Vec3, WorldBodies,
};
use std::f32::consts::{PI, TAU};

/// Two flywheels (0.4 m × 0.4 m × 0.1 m, 16 kg), each on a hinge to the world about the
/// vertical, so gravity puts no torque on them: wheel 0 with actuator `first`, wheel 1 with
/// `second`, and `limits` on wheel 0.
fn two_wheels(limits: Option<(f32, f32)>, first: Actuator, second: Actuator) -> Scene {
    let mut builder = SceneBuilder::new();
    for (k, x) in [-1.0f32, 1.0].into_iter().enumerate() {
        let mut hinge = JointDesc::revolute(format!("hinge{k}"), Vec3::Z);
        if let (0, Some((lower, upper))) = (k, limits) {
            hinge = hinge.limits(lower, upper);
        }
        builder.add_link(
            None,
            Pose::from_position(Vec3::new(x, 0.0, 1.0)),
            BodyDesc::dynamic(format!("wheel{k}")).collider(
                ColliderDesc::new(Shape::cuboid(Vec3::new(0.2, 0.2, 0.05))).density(2000.0),
            ),
            hinge,
        );
    }
    builder.add_actuator(first);
    builder.add_actuator(second);
    builder.build().expect("valid wheels")
}

fn speed_servo(joint: usize) -> Actuator {
    Actuator::velocity(format!("speed{joint}"), joint, 200.0)
}

/// Every world's q (one entry per wheel).
fn read_q(sim: &mut Sim) -> Vec<f32> {
    let mut q = vec![0.0; sim.world_count() * sim.scene().joint_position_count()];
    sim.joint_positions(&mut q).expect("readout");
    q
}

/// Joint `joint`'s hinge angle in world `world`, in (−π, π], read from the bodies alone.
fn wrapped_angle(sim: &mut Sim, world: usize, joint: usize) -> f32 {
    let stride = sim.stride();
    let range = world * stride..(world + 1) * stride;
    let positions = sim.positions().expect("readback")[range.clone()].to_vec();
    let orientations = sim.orientations().expect("readback")[range].to_vec();
    let zeros = vec![Vec3::ZERO; stride];
    let centers = sim.scene().centers_of_mass();
    let bodies = WorldBodies {
        positions: &positions,
        orientations: &orientations,
        linear_velocities: &zeros,
        angular_velocities: &zeros,
        centers_of_mass: &centers,
        joint_angles: &[],
    };
    let (parent, child) = joint_frames(&sim.scene().joints()[joint], &bodies);
    revolute_angle(parent.orientation, child.orientation)
}

#[test]
fn a_wheel_after_ten_turns_reads_twenty_pi() {
    for backend in backends("a_wheel_after_ten_turns_reads_twenty_pi") {
        let b = name(&backend);
        let scene = two_wheels(None, speed_servo(0), speed_servo(1));
        let mut sim = sim_of(scene, StepParams::default(), 1, &backend);
        // Wheel 0 forwards at 2 turns/s, wheel 1 backwards at 2.5 turns/s.
        sim.set_controls(&[2.0 * TAU, -2.5 * TAU]).unwrap();
        // The test's own count of turns, from the wrapped angle after every step.
        let mut counted = [0.0f32; 2];
        let steps = (5.4 / sim.params().dt).round() as usize;
        for step in 0..steps {
            sim.step().unwrap();
            let q = read_q(&mut sim);
            for (joint, count) in counted.iter_mut().enumerate() {
                let angle = wrapped_angle(&mut sim, 0, joint);
                let turn = angle - *count;
                *count += turn - TAU * (turn / TAU).round();
                assert!(
                    (q[joint] - *count).abs() < 2e-3,
                    "{b}: step {step}, wheel {joint}: q {} but the wheel has turned {}",
                    q[joint],
                    *count
                );
            }
        }
        let q = read_q(&mut sim);
        assert!(
            q[0] > 20.0 * PI,
            "{b}: after 5.4 s at 2 turns/s q reads {} (< 20π)",
            q[0]
        );
        assert!(
            q[1] < -25.0 * PI,
            "{b}: after 5.4 s at −2.5 turns/s q reads {} (> −25π)",
            q[1]
        );
    }
}

#[test]
fn limits_and_servos_act_beyond_half_a_turn() {
    for backend in backends("limits_and_servos_act_beyond_half_a_turn") {
        let b = name(&backend);
        // Wheel 0: a motor pushes it forwards against a limit at 5 rad; wheel 1: a position
        // servo holds it at 4.5 rad.
        let scene = two_wheels(
            Some((-0.5, 5.0)),
            Actuator::motor("push", 0, 1.0),
            Actuator::position("hold", 1, 40.0, 12.0),
        );
        let mut sim = sim_of(scene, StepParams::default(), 1, &backend);
        sim.set_controls(&[2.0, 4.5]).unwrap();
        let steps = (6.0 / sim.params().dt).round() as usize;
        let mut highest = f32::MIN;
        for _ in 0..steps {
            sim.step().unwrap();
            highest = highest.max(read_q(&mut sim)[0]);
        }
        let q = read_q(&mut sim);
        assert!(
            (q[0] - 5.0).abs() < 0.02 && highest < 5.05,
            "{b}: the limit at 5 rad: q {} (highest {highest})",
            q[0]
        );
        assert!(
            (q[1] - 4.5).abs() < 0.02,
            "{b}: the servo to 4.5 rad holds q at {}",
            q[1]
        );
    }
}

#[test]
fn initial_turns_survive_resets_and_snapshots() {
    for backend in backends("initial_turns_survive_resets_and_snapshots") {
        let b = name(&backend);
        let mut scene = two_wheels(None, speed_servo(0), speed_servo(1));
        // Wheel 0 starts one and a bit turns forwards, wheel 1 a turn and a quarter back.
        scene
            .set_initial_joint_positions(&[7.0, -1.25 * TAU])
            .unwrap();
        let mut sim = sim_of(scene, StepParams::default(), 2, &backend);
        let q = read_q(&mut sim);
        for w in 0..2 {
            assert!(
                (q[2 * w] - 7.0).abs() < 1e-4 && (q[2 * w + 1] + 1.25 * TAU).abs() < 1e-4,
                "{b}: world {w} starts at q {:?}, not [7, −2.5π]",
                &q[2 * w..2 * w + 2]
            );
        }
        // World 0 turns wheel 0 two more turns forwards; world 1 stands still.
        sim.set_controls(&[TAU, 0.0, 0.0, 0.0]).unwrap();
        sim.step_n((2.2 / sim.params().dt).round() as usize)
            .unwrap();
        let spun = read_q(&mut sim)[0];
        assert!(spun > 7.0 + 1.8 * TAU, "{b}: wheel 0 only reached {spun}");
        // World 0's state, turns included, copied into world 1.
        let saved = sim.save_world(0).unwrap();
        sim.restore_world(1, &saved).unwrap();
        let q = read_q(&mut sim);
        assert!(
            (q[2] - spun).abs() < 1e-4,
            "{b}: restored, world 1 reads {} instead of {spun}",
            q[2]
        );
        // A reset puts world 0 back at its initial turns.
        sim.reset(&[0]).unwrap();
        let q = read_q(&mut sim);
        assert!(
            (q[0] - 7.0).abs() < 1e-4,
            "{b}: after a reset world 0 reads {} instead of 7",
            q[0]
        );
    }
}
