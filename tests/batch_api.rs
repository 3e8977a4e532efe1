//! The batch's contract with its user: bad arguments are typed errors that name the problem,
//! and a world that goes non-finite is caught on the step it happens and kept from the others.

use manyworlds::{scenes, BatchError, CpuBatch, StepParams, Vec3};

#[test]
fn bad_arguments_are_named_errors() {
    let tower = scenes::builtin("tower").unwrap();
    assert!(matches!(
        CpuBatch::from_builtin(&tower, 0),
        Err(BatchError::WorldCount { got: 0, .. })
    ));
    let params = StepParams {
        dt: -0.01,
        ..StepParams::default()
    };
    let err = CpuBatch::new(tower.scene.clone(), params, 4).err().unwrap();
    assert_eq!(
        err.to_string(),
        "step parameter `dt` must be a positive finite number, got -0.01"
    );
    assert_eq!(
        CpuBatch::new(
            manyworlds::SceneBuilder::new().build().unwrap(),
            StepParams::default(),
            4
        )
        .err(),
        Some(BatchError::EmptyScene)
    );
    let mut batch = CpuBatch::from_builtin(&tower, 4).unwrap();
    let err = batch.set_positions(&[Vec3::ZERO; 3]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "positions: expected a slice of 44 elements (worlds × bodies), got 3"
    );
    assert!(matches!(
        batch.reset_world(4),
        Err(BatchError::WorldOutOfRange {
            world: 4,
            worlds: 4
        })
    ));
}

#[test]
fn a_non_finite_world_is_reported_frozen_and_kept_from_the_others() {
    let boxes = scenes::builtin("boxes").unwrap();
    let mut reference = CpuBatch::from_builtin(&boxes, 3).unwrap();
    let mut batch = CpuBatch::from_builtin(&boxes, 3).unwrap();
    reference.step_n(20);
    batch.step_n(20);
    let stride = batch.stride();
    let before: Vec<Vec3> = batch.positions()[stride..2 * stride].to_vec();
    batch.linear_velocities_mut()[stride + 5] = Vec3::new(f32::NAN, 0.0, 0.0);
    reference.step_n(10);
    batch.step_n(10);
    assert_eq!(batch.non_finite_worlds(), vec![1]);
    assert_eq!(batch.stats().non_finite_worlds, 1);
    assert_eq!(batch.plausibility().non_finite_worlds, 1);
    // World 1 kept its last finite state; worlds 0 and 2 went on exactly as without the fault.
    assert_eq!(&batch.positions()[stride..2 * stride], &before[..]);
    assert_eq!(
        &batch.positions()[..stride],
        &reference.positions()[..stride]
    );
    assert_eq!(
        &batch.positions()[2 * stride..],
        &reference.positions()[2 * stride..]
    );
    // A reset brings it back.
    batch.reset_world(1).unwrap();
    batch.step();
    assert!(batch.non_finite_worlds().is_empty());
    assert!(batch.positions().iter().all(|p| p.is_finite()));
}
