//! The `boxes` benchmark scene ends a 500-step episode the way real boxes would: at rest on
//! the ground, not sunk into it, nothing non-finite.

mod common;
use common::*;
use manyworlds::scenes;

#[test]
fn boxes_come_to_rest_after_an_episode() {
    for backend in backends("boxes_come_to_rest_after_an_episode") {
        let b = name(&backend);
        let boxes = scenes::builtin("boxes").unwrap();
        let mut sim = builtin_sim(&boxes, 16, &backend);
        sim.step_n(boxes.steps as usize).expect("stepping works");
        let p = sim.plausibility().expect("readback");
        assert_eq!(p.non_finite_worlds, 0, "{b}: non-finite worlds");
        assert_eq!(p.bodies_below_ground, 0, "{b}: bodies below the ground");
        assert!(
            p.max_penetration < 0.005,
            "{b}: penetration {} m",
            p.max_penetration
        );
        assert!(
            p.resting_fraction >= 0.99,
            "{b}: only {} of the boxes at rest",
            p.resting_fraction
        );
        let contacts = sim.stats().contact_points;
        assert!(contacts > 0, "{b}: {contacts} contact points");
    }
}
