//! Asynchronous readback: a read begun after step k returns the state of step k even when more
//! steps are submitted before it is collected, and two reads can be in flight at once.

use glam::Vec3;
use manyworlds_core::scenes::builtin;
use manyworlds_gpu::testing::gpu_or_skip;
use manyworlds_gpu::{GpuBatch, StateField};
use std::sync::Arc;

#[test]
fn a_read_begun_at_step_k_returns_step_k_while_the_gpu_steps_on() {
    let Some(gpu) = gpu_or_skip("a_read_begun_at_step_k_returns_step_k_while_the_gpu_steps_on")
    else {
        return;
    };
    let scene = builtin("boxes").unwrap();
    let context = Arc::new(gpu);
    let make = || {
        let mut b = GpuBatch::with_context(
            context.clone(),
            scene.scene.clone(),
            scene.params,
            16,
            &Default::default(),
        )
        .unwrap();
        b.set_world_poses(scene.world_pose.unwrap());
        b
    };
    // The reference: positions read synchronously after 50 and after 60 steps.
    let mut reference = make();
    reference.step_n(50).unwrap();
    let at_50: Vec<Vec3> = reference.positions().unwrap().to_vec();
    reference.step_n(10).unwrap();
    let at_60: Vec<Vec3> = reference.positions().unwrap().to_vec();
    assert_ne!(at_50, at_60, "the boxes moved");

    let mut batch = make();
    batch.step_n(50).unwrap();
    let first = batch.begin_read(&[StateField::Positions]);
    batch.step_n(10).unwrap();
    let second = batch.begin_read(&[StateField::Positions, StateField::Orientations]);
    batch.step_n(10).unwrap();
    batch.finish_read(first).unwrap();
    assert_eq!(
        batch.positions().unwrap(),
        &at_50[..],
        "the first read holds step 50"
    );
    batch.finish_read(second).unwrap();
    assert_eq!(
        batch.positions().unwrap(),
        &at_60[..],
        "the second read holds step 60"
    );
}
