//! A sphere with restitution e dropped from height h rebounds to e²·h.

mod common;
use common::*;
use manyworlds::{BodyDesc, ColliderDesc, Shape, StepParams, Vec3};

#[test]
fn sphere_rebounds_to_e_squared_h() {
    for backend in backends("sphere_rebounds_to_e_squared_h") {
        let b = name(&backend);
        let radius = 0.1;
        let drop = 1.0;
        for e in [0.3, 0.5, 0.8] {
            let ball = BodyDesc::dynamic("ball")
                .at(Vec3::new(0.0, 0.0, radius + drop))
                .collider(ColliderDesc::new(Shape::sphere(radius)).restitution(e));
            let mut sim = sim(
                vec![ground(0.5, e), ball],
                StepParams::default(),
                1,
                &backend,
            );
            // Fall (≈0.45 s), bounce, and record the apex of the first rebound.
            let mut bounced = false;
            let mut apex = f32::NEG_INFINITY;
            for _ in 0..150 {
                sim.step().expect("stepping works");
                let vz = velocity(&mut sim, 0, 1).z;
                let z = pose(&mut sim, 0, 1).position.z - radius;
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
            assert!(bounced, "{b}: e = {e}: no rebound");
            let expected = e * e * drop;
            assert!(
                (apex - expected).abs() <= 0.1 * expected,
                "{b}: e = {e}: rebound to {apex} m, e²h = {expected} m"
            );
        }
    }
}
