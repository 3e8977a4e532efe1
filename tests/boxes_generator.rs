//! The `boxes` scene's pose generator is a bit-exact port of the engine-independent definition:
//! its output is checked against the poses the reference Python generator wrote for world 0.

use manyworlds::narrowphase::box_box;
use manyworlds::scenes::boxes;
use manyworlds::Vec3;

fn load_reference() -> serde_json::Value {
    let text = include_str!("data/boxes_world0.json");
    serde_json::from_str(text).expect("reference file parses")
}

#[test]
fn world0_poses_match_the_reference_generator() {
    let reference = load_reference();
    let expected = reference["boxes"].as_array().unwrap();
    assert_eq!(expected.len(), boxes::BOX_COUNT);
    for (b, expected) in expected.iter().enumerate() {
        let (p, q) = boxes::box_pose_f64(0, b);
        for k in 0..3 {
            let want = expected["pos"][k].as_f64().unwrap();
            assert!(
                (p[k] - want).abs() <= 4.0 * f64::EPSILON * want.abs().max(1.0),
                "box {b} pos[{k}]: {} vs {want}",
                p[k]
            );
        }
        for k in 0..4 {
            let want = expected["quat_wxyz"][k].as_f64().unwrap();
            assert!(
                (q[k] - want).abs() <= 4.0 * f64::EPSILON,
                "box {b} quat[{k}]: {} vs {want}",
                q[k]
            );
        }
    }
}

#[test]
fn uniform_draws_match_the_reference_bit_for_bit() {
    let reference = load_reference();
    let checks = &reference["check_u01"];
    for (key, (w, b, k)) in [
        ("(0,0,0)", (0, 0, 0)),
        ("(1,2,3)", (1, 2, 3)),
        ("(4095,31,5)", (4095, 31, 5)),
    ] {
        let want = checks[key].as_f64().unwrap();
        assert_eq!(boxes::uniform(w, b, k).to_bits(), want.to_bits(), "U{key}");
    }
}

#[test]
fn mass_and_inertia_match_the_definition() {
    let reference = load_reference();
    let scene = boxes::scene().scene;
    let cube = &scene.bodies()[1];
    let mass = reference["mass"].as_f64().unwrap() as f32;
    let inertia = reference["inertia_diag"].as_f64().unwrap() as f32;
    assert!((cube.mass.mass - mass).abs() < 1e-3);
    assert!((cube.mass.inertia.x_axis.x - inertia).abs() < 1e-4);
    assert_eq!(scene.dynamic_body_count(), 32);
}

#[test]
fn every_world_starts_differently_and_without_overlap() {
    let half = Vec3::splat(boxes::HALF_EXTENT);
    for w in [0u64, 1, 77, 4095] {
        let poses: Vec<_> = (0..boxes::BOX_COUNT)
            .map(|b| boxes::box_pose(w, b))
            .collect();
        for i in 0..poses.len() {
            // Nothing starts in the ground either.
            assert!(
                poses[i].position.z > 0.9,
                "world {w}: box {i} starts too low"
            );
            for j in i + 1..poses.len() {
                // Separated along some axis by at least 5 cm: no manifold within that margin.
                let m = box_box(&poses[i], half, &poses[j], half, 0.05);
                assert!(
                    m.is_empty(),
                    "world {w}: boxes {i} and {j} start {:?} apart",
                    m.points()[0].separation
                );
            }
        }
    }
    assert_ne!(boxes::box_pose(0, 0), boxes::box_pose(1, 0));
}
