//! No silent overflow: a world that finds more contact pairs than it has slots is reported,
//! the capacity grows, and the world catches up; no contact is lost, so the trajectory is
//! bit-for-bit the one of a batch that had room from the start.

use std::sync::Arc;

use manyworlds_core::scenes::builtin;
use manyworlds_gpu::testing::gpu_or_skip;
use manyworlds_gpu::{GpuBatch, GpuBatchOptions, GpuContext};

fn boxes(context: &Arc<GpuContext>, worlds: usize, capacity: usize) -> GpuBatch {
    let scene = builtin("boxes").unwrap();
    let options = GpuBatchOptions {
        initial_capacity: Some(capacity),
        ..GpuBatchOptions::default()
    };
    let mut batch =
        GpuBatch::with_context(context.clone(), scene.scene, scene.params, worlds, &options)
            .unwrap();
    batch.set_world_poses(scene.world_pose.unwrap());
    batch
}

#[test]
fn a_world_outgrowing_its_contact_slots_loses_no_contact() {
    let Some(gpu) = gpu_or_skip("a_world_outgrowing_its_contact_slots_loses_no_contact") else {
        return;
    };
    let context = Arc::new(gpu);
    // 8 slots: the 32 boxes find more pairs with the ground as soon as they come near it.
    let mut small = boxes(&context, 4, 8);
    let mut roomy = boxes(&context, 4, 256);
    // Steps in groups, so that some worlds overflow in the middle of a submit and others do
    // not, and catch up afterwards.
    for k in [30, 10, 25, 35] {
        small.step_n(k).unwrap();
        roomy.step_n(k).unwrap();
    }
    let stats = small.stats();
    assert!(
        stats.capacity_growths >= 1,
        "the capacity never grew: {stats:?}"
    );
    assert!(
        stats.contact_capacity > 8 && stats.deferred_world_steps > 0,
        "{stats:?}"
    );
    assert_eq!(roomy.stats().capacity_growths, 0);
    assert_eq!(
        stats.contact_points,
        roomy.stats().contact_points,
        "contact points in the last step"
    );
    assert!(stats.contact_points > 0);
    assert_eq!(small.positions().unwrap(), roomy.positions().unwrap());
    assert_eq!(small.orientations().unwrap(), roomy.orientations().unwrap());
    assert_eq!(
        small.linear_velocities().unwrap(),
        roomy.linear_velocities().unwrap()
    );
}

#[test]
fn more_than_65535_worlds_in_one_dispatch_use_a_2d_grid() {
    let Some(gpu) = gpu_or_skip("more_than_65535_worlds_in_one_dispatch_use_a_2d_grid") else {
        return;
    };
    // One falling sphere per world, all 65 600 worlds in one dispatch (a 65 535 × 2 grid):
    // each must take its step exactly once (free flight: z = z0 − g dt² / 2).
    let scene = manyworlds_core::SceneBuilder::new()
        .body(
            manyworlds_core::BodyDesc::dynamic("ball")
                .at(glam::Vec3::new(0.0, 0.0, 5.0))
                .collider(manyworlds_core::ColliderDesc::new(
                    manyworlds_core::Shape::sphere(0.1),
                )),
        )
        .build()
        .unwrap();
    let params = manyworlds_core::StepParams::default();
    let worlds = 65_600;
    let options = GpuBatchOptions {
        initial_capacity: Some(1),
        worlds_per_dispatch: Some(worlds),
        ..GpuBatchOptions::default()
    };
    let mut batch = GpuBatch::with_context(Arc::new(gpu), scene, params, worlds, &options).unwrap();
    batch.step().unwrap();
    let t = params.dt;
    let expected = 5.0 + 0.5 * params.gravity.z * t * t;
    let positions = batch.positions().unwrap();
    for (w, p) in positions.iter().enumerate() {
        assert!(
            (p.z - expected).abs() < 1e-5,
            "world {w}: z = {}, expected {expected}",
            p.z
        );
    }
}

#[test]
fn a_scene_too_large_for_workgroup_memory_is_a_named_error() {
    let Some(gpu) = gpu_or_skip("a_scene_too_large_for_workgroup_memory_is_a_named_error") else {
        return;
    };
    // Every body of a world lives in its workgroup's memory: 1000 spheres do not fit any
    // adapter's (lavapipe has 32 KiB, most GPUs 32-64 KiB).
    let mut builder = manyworlds_core::SceneBuilder::new();
    for i in 0..1000 {
        builder.add_body(
            manyworlds_core::BodyDesc::dynamic(format!("ball {i}"))
                .at(glam::Vec3::new(i as f32, 0.0, 1.0))
                .collider(manyworlds_core::ColliderDesc::new(
                    manyworlds_core::Shape::sphere(0.1),
                )),
        );
    }
    let scene = builder.build().unwrap();
    let error = GpuBatch::with_context(
        Arc::new(gpu),
        scene,
        manyworlds_core::StepParams::default(),
        4,
        &GpuBatchOptions::default(),
    )
    .err()
    .expect("the batch is refused");
    let message = error.to_string();
    assert!(
        matches!(error, manyworlds_gpu::GpuError::SceneTooLarge(_))
            && message.contains("1000 bodies")
            && message.contains("workgroup memory"),
        "{message}"
    );
}
