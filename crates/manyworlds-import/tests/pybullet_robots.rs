//! Real robot files from pybullet_data (`tests/assets/pybullet_data`), loaded as they are:
//! every collision mesh is found and read before the mesh-hull refusal, massless and
//! inertia-less links are handled and listed as repairs, drives take the effort limits, and
//! joint ranges pass through unchanged.

use std::path::PathBuf;

use manyworlds_import::mesh::NO_HULLS;
use manyworlds_import::{urdf, Drives, ImportOptions, Imported, Problem};

fn asset(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../tests/assets/pybullet_data/{file}"))
}

/// The collision mesh files a URDF names, in order (a plain scan of its text).
fn collision_meshes(file: &str) -> Vec<String> {
    let text = std::fs::read_to_string(asset(file)).unwrap();
    let mut meshes = Vec::new();
    for block in text.split("<collision").skip(1) {
        let block = &block[..block.find("</collision>").unwrap()];
        if let Some(at) = block.find("filename=\"") {
            let rest = &block[at + 10..];
            meshes.push(rest[..rest.find('"').unwrap()].to_string());
        }
    }
    meshes
}

fn lenient() -> ImportOptions {
    ImportOptions {
        lenient: true,
        ..ImportOptions::default()
    }
}

/// Loads `file` leniently (joint ranges as the file has them, beyond ±π included).
fn load_lenient(file: &str, options: ImportOptions) -> Imported {
    urdf::load(asset(file), options).unwrap_or_else(|error| panic!("{file}: {error}"))
}

/// Strictly, the first collision mesh is found, read and then refused for want of hulls;
/// leniently every collision mesh is read (vertex counts in the warnings) and dropped.
fn every_collision_mesh_is_read(file: &str, mesh_count: usize) {
    let error = urdf::load(asset(file), ImportOptions::default()).expect_err("meshes refused");
    assert!(
        matches!(error.problem(), Some(Problem::MeshCollider(m)) if m.contains(NO_HULLS)),
        "{error}"
    );
    assert!(error.location().unwrap().line > 0);
    let meshes = collision_meshes(file);
    let first = meshes[0].rsplit('/').next().unwrap();
    assert!(error.to_string().contains(first), "{error}");

    let imported = load_lenient(file, lenient());
    let dropped: Vec<(&str, usize)> = imported
        .warnings
        .iter()
        .filter(|(m, _)| m.starts_with("dropped a mesh collision shape"))
        .collect();
    assert_eq!(meshes.len(), mesh_count);
    let total: usize = dropped.iter().map(|(_, n)| n).sum();
    assert_eq!(total, mesh_count, "{}", imported.warnings);
    for mesh in &meshes {
        let name = mesh.rsplit('/').next().unwrap();
        let line = dropped
            .iter()
            .find(|(m, _)| m.contains(&format!("/{name}:")))
            .map(|(m, _)| m)
            .unwrap_or_else(|| panic!("{name} not read: {}", imported.warnings));
        let read = line.rsplit(": ").next().unwrap();
        let count: usize = read.split(' ').next().unwrap().parse().unwrap();
        assert!(count >= 4, "{line}");
    }
}

#[test]
fn franka_panda_reads_its_package_meshes() {
    // `package://meshes/collision/…` beside the URDF, pybullet's layout.
    every_collision_mesh_is_read("franka_panda/panda.urdf", 11);
}

#[test]
fn kuka_iiwa_reads_its_binary_stls_and_fixes_its_massless_base() {
    every_collision_mesh_is_read("kuka_iiwa/model.urdf", 8);
    let imported = load_lenient("kuka_iiwa/model.urdf", lenient());
    let scene = &imported.scene;
    // The base link has mass 0: fixed to the world as pybullet does, no free joint.
    assert_eq!(scene.joints().len(), 7);
    assert!(imported
        .warnings
        .mentions("has no mass: fixed to the world"));
    assert_eq!(
        imported.warnings.repairs().count(),
        0,
        "{}",
        imported.warnings
    );
}

#[test]
fn xarm6_reads_its_vhacd_meshes_from_a_package_folder() {
    // `package://xarm_description/…`: a folder of that name beside the URDF.
    every_collision_mesh_is_read("xarm/xarm6_robot.urdf", 7);
}

#[test]
fn laikago_zero_inertias_are_repaired_and_listed() {
    every_collision_mesh_is_read("laikago/laikago.urdf", 13);
    let imported = load_lenient("laikago/laikago.urdf", lenient());
    let repairs: Vec<&str> = imported.warnings.repairs().collect();
    // The chassis and twelve leg links all give an inertia of zeros.
    assert_eq!(repairs.len(), 13, "{repairs:?}");
    assert!(repairs
        .iter()
        .any(|r| r.contains("\"chassis\"") && r.contains("13.715 kg")));
    let chassis = imported
        .scene
        .bodies()
        .iter()
        .find(|b| b.name == "chassis")
        .unwrap();
    assert!((chassis.mass.mass - 13.715).abs() < 1e-4);
    let d = chassis.mass.inertia;
    assert!(
        d.x_axis.x > 0.05 && d.y_axis.y == d.x_axis.x && d.z_axis.z == d.x_axis.x,
        "{d}"
    );
}

#[test]
fn a1_loads_without_reading_its_visual_meshes() {
    // A1's visual meshes are not in the copy at all: they must never be opened.
    let imported = load_lenient("a1/a1.urdf", ImportOptions::default());
    let scene = &imported.scene;
    assert_eq!(
        scene.joints().len(),
        13,
        "a free base and twelve leg joints"
    );
    let total: f32 = scene.bodies().iter().map(|b| b.mass.mass).sum();
    assert!(total > 10.0 && total < 14.0, "{total} kg");
}

#[test]
fn revolute_ranges_pass_through_unchanged() {
    // xArm's joint1 turns ±2π: it loads with the range the file writes.
    let imported = load_lenient("xarm/xarm6_robot.urdf", lenient());
    let joint = imported
        .scene
        .joints()
        .iter()
        .find(|j| j.name == "joint1")
        .unwrap();
    let written: f32 = "6.28318530718".parse().unwrap();
    assert_eq!(joint.limits, Some((-written, written)));
}

#[test]
fn drives_take_each_joints_effort_limit() {
    let options = ImportOptions {
        drives: Some(Drives::position(200.0, 20.0)),
        ..lenient()
    };
    let imported = load_lenient("kuka_iiwa/model.urdf", options);
    let scene = &imported.scene;
    let movable = scene
        .joints()
        .iter()
        .filter(|j| j.kind.is_single_axis())
        .count();
    assert_eq!(scene.actuators().len(), movable);
    assert_eq!(movable, 7);
    for actuator in scene.actuators() {
        let joint = &scene.joints()[actuator.joint];
        assert_eq!(actuator.name, format!("{}_servo", joint.name));
        assert_eq!(
            actuator.kind,
            manyworlds_core::ActuatorKind::Position {
                kp: 200.0,
                kv: 20.0
            }
        );
        assert_eq!(actuator.force_limit, Some(300.0), "iiwa's effort");
        assert_eq!(actuator.control_range, joint.limits);
    }
    assert!(!imported
        .warnings
        .mentions("effort and velocity limits ignored"));
}
