//! Whole-step parity of the joints: the GPU backend against the CPU backend (the oracle) on
//! every built-in robot, which between them have every joint kind but the prismatic's
//! (cartpole: a slider; fixed: a welded test scene below), limits, armature, damping, springs,
//! motors and servos.
//!
//! As for `boxes` (step_parity.rs), both backends take every step from the same body state
//! (the CPU's) with the same random controls and must land close together; each keeps its own
//! warm-start memory (contacts and joint impulses), which stays close as the states do.
//!
//! And determinism: the same worlds, run freely, give the same bits whatever the batch size.

use std::sync::Arc;

use glam::{Quat, Vec3};
use manyworlds_core::rng::unit_f64;
use manyworlds_core::scenes::builtin;
use manyworlds_core::{
    Actuator, BodyDesc, ColliderDesc, JointDesc, Pose, Scene, SceneBuilder, Shape, StepParams,
};
use manyworlds_cpu::CpuBatch;
use manyworlds_gpu::testing::gpu_or_skip;
use manyworlds_gpu::{GpuBatch, GpuContext};

/// A control in [−1, 1] for (world, actuator, step).
fn control(world: usize, actuator: usize, step: usize) -> f32 {
    let key = ((step as u64) << 32) ^ ((world as u64) << 12) ^ actuator as u64;
    (2.0 * unit_f64(key) - 1.0) as f32
}

struct Worst {
    position: f32,
    angle: f32,
    force: f32,
}

/// Steps `scene` `steps` times on both backends from the CPU's state with random controls
/// scaled by `control_scale`; panics past `position_tolerance` (m) or `angle_tolerance`
/// (rad), or where actuator forces differ by more than `force_tolerance` relative to the
/// largest force of the step.
#[allow(clippy::too_many_arguments)]
fn compare(
    gpu: &Arc<GpuContext>,
    name: &str,
    scene: Scene,
    params: StepParams,
    steps: usize,
    control_scale: f32,
    position_tolerance: f32,
    angle_tolerance: f32,
    force_tolerance: f32,
) -> Worst {
    let worlds = 4;
    let mut cpu = CpuBatch::new(scene.clone(), params, worlds).unwrap();
    let mut gpu = GpuBatch::with_context(
        gpu.clone(),
        scene.clone(),
        params,
        worlds,
        &Default::default(),
    )
    .unwrap();
    let actuators = scene.actuators().len();
    let stride = scene.body_count();
    let mut worst = Worst {
        position: 0.0,
        angle: 0.0,
        force: 0.0,
    };
    for step in 0..steps {
        gpu.set_positions(cpu.positions()).unwrap();
        gpu.set_orientations(cpu.orientations()).unwrap();
        gpu.set_linear_velocities(cpu.linear_velocities()).unwrap();
        gpu.set_angular_velocities(cpu.angular_velocities())
            .unwrap();
        let controls: Vec<f32> = (0..worlds * actuators)
            .map(|k| control_scale * control(k / actuators.max(1), k % actuators.max(1), step))
            .collect();
        cpu.set_controls(&controls).unwrap();
        gpu.set_controls(&controls).unwrap();
        cpu.step();
        gpu.step().unwrap();
        let positions: Vec<Vec3> = gpu.positions().unwrap().to_vec();
        let orientations: Vec<Quat> = gpu.orientations().unwrap().to_vec();
        for i in 0..positions.len() {
            let d = cpu.positions()[i].distance(positions[i]);
            // 2 |vector part of q_cpu⁻¹ q_gpu|: the angle between them, accurate near zero.
            let angle = 2.0
                * (cpu.orientations()[i].conjugate() * orientations[i])
                    .xyz()
                    .length();
            worst.position = worst.position.max(d);
            worst.angle = worst.angle.max(angle);
            assert!(
                d < position_tolerance && angle < angle_tolerance,
                "{name}, step {step}, world {} body {}: CPU {} {}, GPU {} {} ({d:e} m, {angle:e} rad apart)",
                i / stride,
                i % stride,
                cpu.positions()[i],
                cpu.orientations()[i],
                positions[i],
                orientations[i],
            );
        }
        let forces = gpu.actuator_forces().unwrap().to_vec();
        let scale = cpu
            .actuator_forces()
            .iter()
            .fold(1e-6f32, |m, f| m.max(f.abs()));
        for (k, (a, b)) in cpu.actuator_forces().iter().zip(&forces).enumerate() {
            let relative = (a - b).abs() / scale;
            worst.force = worst.force.max(relative);
            assert!(
                relative < force_tolerance,
                "{name}, step {step}, world {} actuator {}: force CPU {a}, GPU {b}",
                k / actuators,
                k % actuators
            );
        }
    }
    eprintln!(
        "{name}: {steps} steps from the CPU's state: worst position {:e} m, orientation {:e} rad, \
         actuator force {:e} (relative)",
        worst.position, worst.angle, worst.force
    );
    worst
}

fn builtin_robot(
    gpu: &Arc<GpuContext>,
    name: &str,
    steps: usize,
    control_scale: f32,
    tolerances: (f32, f32, f32),
) {
    let robot = builtin(name).unwrap();
    let (p, a, f) = tolerances;
    compare(
        gpu,
        name,
        robot.scene,
        robot.params,
        steps,
        control_scale,
        p,
        a,
        f,
    );
}

#[test]
fn every_robot_step_matches_the_cpu_backend_from_the_same_state() {
    let Some(gpu) = gpu_or_skip("every_robot_step_matches_the_cpu_backend_from_the_same_state")
    else {
        return;
    };
    let gpu = Arc::new(gpu);
    builtin_robot(&gpu, "pendulum", 200, 1.0, (1e-5, 1e-4, 1e-3));
    builtin_robot(&gpu, "double_pendulum", 200, 1.0, (1e-5, 1e-4, 1e-3));
    builtin_robot(&gpu, "chain10", 200, 1.0, (1e-5, 1e-4, 1e-3));
    builtin_robot(&gpu, "cartpole", 200, 10.0, (1e-5, 1e-4, 1e-3));
    builtin_robot(&gpu, "ant", 200, 1.0, (1e-4, 1e-3, 1e-2));
}

/// A beam welded to a slider, on a spring and a velocity servo, and a ball-jointed pendulum
/// with damping hung from it: the joint kinds and drives the built-in robots lack.
fn slider_weld_ball() -> Scene {
    let mut b = SceneBuilder::new();
    let beam = || {
        BodyDesc::dynamic("beam")
            .collider(ColliderDesc::new(Shape::cuboid(Vec3::new(0.3, 0.05, 0.05))).density(500.0))
    };
    let slider = b.add_link(
        None,
        Pose::from_position(Vec3::new(0.0, 0.0, 2.0)),
        beam(),
        JointDesc::prismatic("slide", Vec3::X)
            .limits(-0.2, 0.3)
            .spring(40.0, 0.1)
            .damping(0.5),
    );
    let welded = b.add_link(
        Some(slider.body),
        Pose::from_position(Vec3::new(0.4, 0.0, 0.0)),
        beam(),
        JointDesc::fixed("weld").at(Vec3::new(-0.3, 0.0, 0.0)),
    );
    b.add_link(
        Some(welded.body),
        Pose::new(
            Vec3::new(0.3, 0.0, -0.3),
            Quat::from_rotation_y(0.4) * Quat::from_rotation_x(0.3),
        ),
        beam(),
        JointDesc::spherical("ball")
            .at(Vec3::new(0.0, 0.0, 0.3))
            .damping(0.05),
    );
    b.add_actuator(
        Actuator::velocity("slide_speed", slider.joint, 30.0)
            .gear(2.0)
            .force_limit(20.0),
    );
    b.build().unwrap()
}

#[test]
fn slider_weld_and_ball_joint_steps_match_the_cpu_backend() {
    let Some(gpu) = gpu_or_skip("slider_weld_and_ball_joint_steps_match_the_cpu_backend") else {
        return;
    };
    compare(
        &Arc::new(gpu),
        "slider, weld and ball",
        slider_weld_ball(),
        StepParams::default(),
        300,
        1.0,
        1e-5,
        1e-4,
        1e-3,
    );
}

/// Every world's state and actuator forces as bits, after `steps` free-running steps of
/// `worlds` worlds with per-world random controls.
fn free_run_bits(
    gpu: &Arc<GpuContext>,
    scene: &Scene,
    worlds: usize,
    steps: usize,
) -> Vec<Vec<u32>> {
    let mut batch = GpuBatch::with_context(
        gpu.clone(),
        scene.clone(),
        StepParams::default(),
        worlds,
        &Default::default(),
    )
    .unwrap();
    let actuators = scene.actuators().len();
    for step in 0..steps {
        let controls: Vec<f32> = (0..worlds * actuators)
            .map(|k| control(k / actuators, k % actuators, step))
            .collect();
        batch.set_controls(&controls).unwrap();
        batch.step().unwrap();
    }
    let bodies = scene.body_count();
    let positions = batch.positions().unwrap().to_vec();
    let orientations = batch.orientations().unwrap().to_vec();
    let linear = batch.linear_velocities().unwrap().to_vec();
    let angular = batch.angular_velocities().unwrap().to_vec();
    let forces = batch.actuator_forces().unwrap().to_vec();
    (0..worlds)
        .map(|w| {
            let mut bits = Vec::new();
            for i in w * bodies..(w + 1) * bodies {
                let values = [
                    positions[i].to_array(),
                    linear[i].to_array(),
                    angular[i].to_array(),
                ];
                bits.extend(values.iter().flatten().map(|v| v.to_bits()));
                bits.extend(orientations[i].to_array().map(f32::to_bits));
            }
            bits.extend(
                forces[w * actuators..(w + 1) * actuators]
                    .iter()
                    .map(|f| f.to_bits()),
            );
            bits
        })
        .collect()
}

#[test]
fn slider_weld_and_ball_worlds_evolve_the_same_bits_in_any_batch() {
    let Some(gpu) = gpu_or_skip("slider_weld_and_ball_worlds_evolve_the_same_bits_in_any_batch")
    else {
        return;
    };
    let gpu = Arc::new(gpu);
    let scene = slider_weld_ball();
    let steps = 120;
    let small = free_run_bits(&gpu, &scene, 3, steps);
    let again = free_run_bits(&gpu, &scene, 3, steps);
    let large = free_run_bits(&gpu, &scene, 40, steps);
    assert_ne!(
        small[0], small[1],
        "worlds with different controls evolved alike"
    );
    assert_eq!(small, again, "the same run twice gave different bits");
    assert_eq!(
        &small[..],
        &large[..3],
        "a batch of 40 differs from one of 3"
    );
}
