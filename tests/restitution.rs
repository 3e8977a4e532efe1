//! A sphere with restitution e dropped from height h rebounds to e²·h.

mod common;
use common::*;
use manyworlds::{BodyDesc, ColliderDesc, Shape, StepParams, Vec3};

#[test]
fn sphere_rebounds_to_e_squared_h() {
    let radius = 0.1;
    let drop = 1.0;
    for e in [0.3, 0.5, 0.8] {
        let ball = BodyDesc::dynamic("ball")
            .at(Vec3::new(0.0, 0.0, radius + drop))
            .collider(ColliderDesc::new(Shape::sphere(radius)).restitution(e));
        let mut batch = batch(vec![ground(0.5, e), ball], StepParams::default(), 1);
        // Fall (≈0.45 s), bounce, and record the apex of the first rebound.
        let mut bounced = false;
        let mut apex = f32::NEG_INFINITY;
        for _ in 0..150 {
            batch.step();
            let vz = velocity(&batch, 0, 1).z;
            let z = pose(&batch, 0, 1).position.z - radius;
            if vz > 0.0 {
                bounced = true;
            }
            if bounced {
                apex = apex.max(z);
                if vz < 0.0 {
                    break;
                }
            }
        }
        assert!(bounced, "e = {e}: no rebound");
        let expected = e * e * drop;
        assert!(
            (apex - expected).abs() <= 0.1 * expected,
            "e = {e}: rebound to {apex} m, e²h = {expected} m"
        );
    }
}
