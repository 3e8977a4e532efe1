//! The batch's contract with its user: bad arguments are typed errors that name the problem,
//! and a world that goes non-finite is caught on the step it happens and kept from the others.
//! Checked on `CpuBatch` directly (its own slices and `_mut` accessors) and through `Sim` on
//! every backend.

mod common;
use common::*;
use manyworlds::{
    scenes, Backend, BatchError, CpuBatch, Quat, SceneBuilder, Sim, SimError, StepParams, Vec3,
    MAX_WORLDS,
};

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
            SceneBuilder::new().build().unwrap(),
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

    for backend in backends("bad_arguments_are_named_errors") {
        sim_bad_arguments_are_named_errors(&backend);
    }
}

/// The same contract through `Sim`: the same `BatchError`s, as `SimError::Batch`.
fn sim_bad_arguments_are_named_errors(backend: &Backend) {
    let b = name(backend);
    let tower = scenes::builtin("tower").unwrap();
    let opts = options(backend);
    for worlds in [0, MAX_WORLDS + 1] {
        let err = Sim::from_builtin(&tower, worlds, &opts).err();
        assert!(
            matches!(
                &err,
                Some(SimError::Batch(BatchError::WorldCount { got, max: MAX_WORLDS }))
                    if *got == worlds
            ),
            "{b}: {worlds} worlds: {err:?}"
        );
    }
    let params = StepParams {
        dt: -0.01,
        ..StepParams::default()
    };
    let err = Sim::new(tower.scene.clone(), params, 4, &opts).err();
    assert!(
        matches!(&err, Some(SimError::Batch(BatchError::Params(_)))),
        "{b}: negative dt: {err:?}"
    );
    assert_eq!(
        err.map(|e| e.to_string()).as_deref(),
        Some("step parameter `dt` must be a positive finite number, got -0.01"),
        "{b}: negative dt"
    );
    let err = Sim::new(
        SceneBuilder::new().build().unwrap(),
        StepParams::default(),
        4,
        &opts,
    )
    .err();
    assert_eq!(
        err,
        Some(SimError::Batch(BatchError::EmptyScene)),
        "{b}: empty scene"
    );

    let mut sim = builtin_sim(&tower, 4, backend);
    assert_eq!(sim.world_count(), 4, "{b}: world count");
    assert_eq!(sim.stride(), 11, "{b}: stride");
    let slice_length = |field: &'static str, got: usize| {
        SimError::Batch(BatchError::SliceLength {
            field,
            layout: "worlds × bodies",
            expected: 44,
            got,
        })
    };
    let err = sim.set_positions(&[Vec3::ZERO; 3]).unwrap_err();
    assert_eq!(err, slice_length("positions", 3), "{b}: set_positions");
    assert_eq!(
        err.to_string(),
        "positions: expected a slice of 44 elements (worlds × bodies), got 3",
        "{b}: set_positions"
    );
    assert_eq!(
        sim.set_orientations(&[Quat::IDENTITY; 45]),
        Err(slice_length("orientations", 45)),
        "{b}: set_orientations"
    );
    assert_eq!(
        sim.set_linear_velocities(&[]),
        Err(slice_length("linear_velocities", 0)),
        "{b}: set_linear_velocities"
    );
    assert_eq!(
        sim.set_angular_velocities(&[Vec3::ZERO; 43]),
        Err(slice_length("angular_velocities", 43)),
        "{b}: set_angular_velocities"
    );
    assert_eq!(
        sim.reset_world(4),
        Err(SimError::Batch(BatchError::WorldOutOfRange {
            world: 4,
            worlds: 4
        })),
        "{b}: reset_world(4)"
    );
    // The failed calls changed nothing: the state is still the initial one, and slices of
    // the right length are taken.
    let start = snapshot(&mut sim);
    assert_eq!(start.positions.len(), 44, "{b}: positions length");
    let mut initial = builtin_sim(&tower, 4, backend);
    assert_eq!(
        start,
        snapshot(&mut initial),
        "{b}: state after failed calls"
    );
    let lifted: Vec<Vec3> = start.positions.iter().map(|p| *p + Vec3::Z).collect();
    sim.set_positions(&lifted)
        .expect("a slice of the right length");
    assert_eq!(
        sim.positions().expect("readback"),
        &lifted[..],
        "{b}: set_positions then positions"
    );
    sim.reset_world(3).expect("world 3 exists");
    let after_reset = sim.positions().expect("readback").to_vec();
    assert_eq!(
        after_reset[..33],
        lifted[..33],
        "{b}: reset_world(3) moved other worlds"
    );
    assert_eq!(
        after_reset[33..],
        start.positions[33..],
        "{b}: reset_world(3) did not restore world 3"
    );
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

    for backend in backends("a_non_finite_world_is_reported_frozen_and_kept_from_the_others") {
        sim_non_finite_world(&backend);
    }
}

/// The same through `Sim`: the NaN goes in with `set_linear_velocities`.
fn sim_non_finite_world(backend: &Backend) {
    let b = name(backend);
    let boxes = scenes::builtin("boxes").unwrap();
    let mut reference = builtin_sim(&boxes, 3, backend);
    let mut sim = builtin_sim(&boxes, 3, backend);
    reference.step_n(20).expect("stepping works");
    sim.step_n(20).expect("stepping works");
    let stride = sim.stride();
    let before: Vec<Vec3> = sim.positions().expect("readback")[stride..2 * stride].to_vec();
    let mut velocities = sim.linear_velocities().expect("readback").to_vec();
    velocities[stride + 5] = Vec3::new(f32::NAN, 0.0, 0.0);
    sim.set_linear_velocities(&velocities)
        .expect("a slice of the right length");
    reference.step_n(10).expect("stepping works");
    sim.step_n(10).expect("stepping works");
    assert_eq!(sim.non_finite_worlds(), vec![1], "{b}: non-finite worlds");
    assert_eq!(sim.stats().non_finite_worlds, 1, "{b}: stats");
    assert_eq!(
        sim.plausibility().expect("readback").non_finite_worlds,
        1,
        "{b}: plausibility"
    );
    // World 1 kept its last finite state; worlds 0 and 2 went on exactly as without the fault.
    let expected = reference.positions().expect("readback").to_vec();
    let got = sim.positions().expect("readback");
    assert_eq!(&got[stride..2 * stride], &before[..], "{b}: world 1 moved");
    assert_eq!(
        &got[..stride],
        &expected[..stride],
        "{b}: world 0 was disturbed"
    );
    assert_eq!(
        &got[2 * stride..],
        &expected[2 * stride..],
        "{b}: world 2 was disturbed"
    );
    // A reset brings it back.
    sim.reset_world(1).expect("world 1 exists");
    sim.step().expect("stepping works");
    assert!(
        sim.non_finite_worlds().is_empty(),
        "{b}: still non-finite after a reset: {:?}",
        sim.non_finite_worlds()
    );
    assert_eq!(sim.stats().non_finite_worlds, 0, "{b}: stats after a reset");
    assert!(
        sim.positions()
            .expect("readback")
            .iter()
            .all(|p| p.is_finite()),
        "{b}: non-finite positions after a reset"
    );
}
