//! Objects from their own files dropped into a tray: five of pybullet's `random_urdfs`
//! (each a compound of the convex hulls of its OBJ's pieces) fall into `traybox.urdf` (a
//! massless base, so fixed to the world, of five boxes) and come to rest on its floor without
//! sinking into it, on the CPU; the GPU half is ignored while lavapipe stops it.

mod common;

use common::{backends, deepest_overlap, name, sim_of, snapshot};
use manyworlds::import::{urdf, ImportOptions};
use manyworlds::{Backend, MassProperties, Pose, Quat, Scene, SceneData, Shape, StepParams, Vec3};

fn load(file: &str) -> Scene {
    let path = format!(
        "{}/tests/assets/pybullet_data/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let imported = urdf::load(&path, ImportOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    imported.scene
}

/// One scene holding every body, joint and hull of `parts`, renumbered.
fn merged(parts: &[Scene]) -> Scene {
    let mut all: Option<SceneData> = None;
    for part in parts {
        let mut data = part.to_data();
        assert!(data.actuators.is_empty(), "no actuators to renumber");
        let Some(all) = all.as_mut() else {
            all = Some(data);
            continue;
        };
        let (bodies, hulls) = (all.bodies.len(), all.hulls.len() as u32);
        for body in &mut data.bodies {
            for collider in &mut body.colliders {
                if let Shape::Hull { hull, .. } = &mut collider.shape {
                    hull.0 += hulls;
                }
            }
        }
        for joint in &mut data.joints {
            joint.parent = joint.parent.map(|p| p + bodies);
            joint.child += bodies;
        }
        all.bodies.extend(data.bodies);
        all.joints.extend(data.joints);
        all.hulls.extend(data.hulls);
        all.collision_exclusions.extend(
            data.collision_exclusions
                .iter()
                .map(|&(a, b)| (a + bodies, b + bodies)),
        );
        all.initial_joint_angles.clear();
    }
    Scene::from_data(all.expect("some parts")).expect("the merged scene is valid")
}

/// `scene`, a single free body, started at `pose`, its inertia that of its colliders at its
/// mass: pybullet's default (these files give 1 kg·m² for a 0.1 kg object of 10 cm, and
/// pybullet loads them without `URDF_USE_INERTIA_FROM_FILE`).
fn placed(scene: Scene, pose: Pose) -> Scene {
    assert_eq!(scene.body_count(), 1);
    let mut data = scene.to_data();
    let body = &mut data.bodies[0];
    let mass = body.mass.expect("a dynamic body");
    let solid = body
        .colliders
        .iter()
        .map(|c| {
            MassProperties::of_shape_in(&c.shape, 1.0, &data.hulls)
                .expect("a solid")
                .transformed(&c.pose)
        })
        .fold(MassProperties::ZERO, |all, part| all.combined(&part));
    let k = mass.mass / solid.mass;
    body.mass = Some(MassProperties {
        mass: mass.mass,
        center_of_mass: solid.center_of_mass,
        inertia: solid.inertia * k,
    });
    let mut scene = Scene::from_data(data).expect("valid");
    let (p, r) = (pose.position, pose.orientation);
    scene
        .set_initial_joint_positions(&[p.x, p.y, p.z, r.w, r.x, r.y, r.z])
        .unwrap();
    scene
}

/// Drops the first `count` objects into the tray on `backend` and checks they rest in it.
fn drop_in_tray(backend: &Backend, count: usize) {
    let b = name(backend);
    let tray = load("tray/traybox.urdf");
    assert!(!tray.bodies()[0].is_dynamic(), "a massless base is fixed");
    // The tray's floor: a 0.6 × 0.6 × 0.02 m box whose top is at z = 0.015.
    let floor = 0.015;
    let spots = [
        Vec3::new(0.0, 0.0, 0.08),
        Vec3::new(0.12, 0.12, 0.1),
        Vec3::new(-0.12, 0.12, 0.12),
        Vec3::new(-0.12, -0.12, 0.1),
        Vec3::new(0.12, -0.12, 0.08),
    ];
    let objects = ["000", "001", "003", "005", "007"];
    let mut parts = vec![tray];
    for (k, (object, spot)) in objects.iter().zip(spots).take(count).enumerate() {
        let scene = load(&format!("random_urdfs/{object}/{object}.urdf"));
        assert!(scene.hulls().len() > 1, "{object}: a compound of hulls");
        let turn = Quat::from_euler(glam::EulerRot::XYZ, 0.3 * k as f32, 0.5, 0.2 * k as f32);
        parts.push(placed(scene, Pose::new(spot, turn)));
    }
    let scene = merged(&parts);
    let mut sim = sim_of(scene.clone(), StepParams::default(), 1, backend);
    common::run_for(&mut sim, 3.0);
    let state = snapshot(&mut sim);
    for body in 1..scene.body_count() {
        let speed = state.linear_velocities[body].length();
        let spin = state.angular_velocities[body].length();
        assert!(
            speed < 0.02 && spin < 0.2,
            "{b}: object {body} still moves ({speed} m/s, {spin} rad/s)"
        );
        let p = state.positions[body];
        assert!(
            p.z > floor && p.x.abs() < 0.25 && p.y.abs() < 0.25,
            "{b}: object {body} at {p}, not in the tray"
        );
    }
    let overlap = deepest_overlap(&mut sim);
    assert!(overlap < 0.002, "{b}: overlap {overlap} m");
}

#[test]
fn random_objects_dropped_in_the_tray_come_to_rest_on_its_floor() {
    drop_in_tray(&Backend::Cpu, 5);
}

/// Fails on lavapipe (2026-12-07): one object's hulls against the tray's boxes stop the
/// world at its first contacts with `LoopLimit` (README, convex hulls), after some 10 minutes
/// of shader compilation; a hardware GPU has no such limit.
#[test]
#[ignore = "lavapipe: LoopLimit for hulls against the tray's boxes (README, convex hulls)"]
fn an_object_dropped_in_the_tray_comes_to_rest_on_the_gpu() {
    for backend in backends("an_object_dropped_in_the_tray_comes_to_rest_on_the_gpu") {
        if matches!(backend, Backend::Gpu(_)) {
            drop_in_tray(&backend, 1);
        }
    }
}
