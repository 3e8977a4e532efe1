//! The `boxes` benchmark scene ends a 500-step episode the way real boxes would: at rest on
//! the ground, not sunk into it, nothing non-finite.

use manyworlds::{scenes, CpuBatch};

#[test]
fn boxes_come_to_rest_after_an_episode() {
    let boxes = scenes::builtin("boxes").unwrap();
    let mut batch = CpuBatch::from_builtin(&boxes, 16).unwrap();
    batch.step_n(boxes.steps as usize);
    let p = batch.plausibility();
    assert_eq!(p.non_finite_worlds, 0);
    assert_eq!(p.bodies_below_ground, 0);
    assert!(
        p.max_penetration < 0.005,
        "penetration {} m",
        p.max_penetration
    );
    assert!(
        p.resting_fraction >= 0.99,
        "only {} of the boxes at rest",
        p.resting_fraction
    );
    assert!(batch.stats().contact_points > 0);
}
