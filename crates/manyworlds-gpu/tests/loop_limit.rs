//! No silent truncation: llvmpipe (lavapipe) bounds the loop iterations of one kernel
//! invocation and, past the bound, ends every loop after one trip without a word. The step
//! kernel checks for it last; a world cut short is not written back, and the step says so.

use std::sync::Arc;

use manyworlds_core::scenes::builtin;
use manyworlds_gpu::testing::gpu_or_skip;
use manyworlds_gpu::{GpuBatch, GpuError};

/// More trips than llvmpipe allows one invocation (65,535 over all its loops).
const PAST_LLVMPIPE_BOUND: u32 = 70_000;

#[test]
fn loops_cut_short_stop_the_world_with_an_error() {
    let Some(gpu) = gpu_or_skip("loops_cut_short_stop_the_world_with_an_error") else {
        return;
    };
    let on_llvmpipe = !gpu.adapter.is_hardware;
    let robot = builtin("pendulum").unwrap();
    let mut batch = GpuBatch::with_context(
        Arc::new(gpu),
        robot.scene,
        robot.params,
        3,
        &Default::default(),
    )
    .unwrap();
    batch.step_n(5).unwrap();
    let before = batch.positions().unwrap().to_vec();

    batch.set_loop_check_trips(PAST_LLVMPIPE_BOUND);
    let result = batch.step();
    if !on_llvmpipe {
        // Hardware has no such bound: the check's long loop runs to the end.
        result.unwrap();
        eprintln!("NOTE: a hardware adapter has no loop bound to test against");
        return;
    }
    match result {
        Err(GpuError::LoopLimit { worlds: 3, .. }) => {}
        other => panic!("expected every world's loops reported cut short, got {other:?}"),
    }
    // The worlds kept the state of the last whole step, and stay put until reset.
    assert_eq!(batch.positions().unwrap(), &before[..]);
    batch.set_loop_check_trips(2);
    assert!(matches!(batch.step(), Err(GpuError::LoopLimit { .. })));
    assert_eq!(batch.positions().unwrap(), &before[..]);
    batch.reset_world(1).unwrap();
    assert!(matches!(
        batch.step(),
        Err(GpuError::LoopLimit { worlds: 2, .. })
    ));
    let status = batch.world_status();
    // The reset world stepped; the others stay at the step they stopped at.
    assert!(status[1].steps_done > status[0].steps_done);
    assert_eq!(status[0].steps_done, 5);
}
