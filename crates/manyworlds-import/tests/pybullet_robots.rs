//! Real robot files from pybullet_data (`tests/assets/pybullet_data`), loaded as they are:
//! every collision mesh is found, read and made into convex hulls (one per object of its
//! file: V-HACD pieces make a link a compound of hulls), massless and inertia-less links are
//! handled and listed as repairs, drives take the effort limits, and joint ranges pass
//! through unchanged.

use std::collections::HashMap;
use std::path::PathBuf;

use glam::Vec3;
use manyworlds_core::Shape;
use manyworlds_import::mesh::{read_vertices, MeshFormat};
use manyworlds_import::{urdf, Drives, ImportOptions, Imported};

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

/// Loads `file` strictly (joint ranges as the file has them, beyond ±π included).
fn load(file: &str, options: ImportOptions) -> Imported {
    urdf::load(asset(file), options).unwrap_or_else(|error| panic!("{file}: {error}"))
}

/// The objects of a mesh file the URDF `file` names as `written` (`package://` paths lead
/// to a folder beside the URDF in these robots).
fn objects_of(file: &str, written: &str) -> Vec<Vec<Vec3>> {
    let folder = asset(file).parent().unwrap().to_path_buf();
    let path = folder.join(written.trim_start_matches("package://"));
    let format = MeshFormat::of(written).unwrap();
    read_vertices(&std::fs::read(&path).unwrap(), format).unwrap()
}

/// Strictly, every collision mesh of `file` becomes hulls: one collider per object of its
/// file, one hull per object of each distinct file (built once, however many links use it),
/// each of at most 64 of the object's own vertices, and every collider a hull.
fn every_collision_mesh_becomes_hulls(file: &str, mesh_count: usize) -> Imported {
    let imported = load(file, ImportOptions::default());
    let scene = &imported.scene;
    let meshes = collision_meshes(file);
    assert_eq!(meshes.len(), mesh_count);
    let mut distinct: HashMap<&str, Vec<Vec<Vec3>>> = HashMap::new();
    let mut colliders = 0;
    for mesh in &meshes {
        let objects = distinct
            .entry(mesh)
            .or_insert_with(|| objects_of(file, mesh));
        colliders += objects.len();
    }
    assert_eq!(scene.colliders().len(), colliders, "{}", imported.warnings);
    let objects: Vec<&Vec<Vec3>> = distinct.values().flatten().collect();
    assert_eq!(scene.hulls().len(), objects.len());
    for (k, hull) in scene.hulls().iter().enumerate() {
        assert!(hull.vertices().len() <= 64 && hull.volume(Vec3::ONE) > 0.0);
        // Its vertices are all points of one object of the files (scale 1 in these files).
        let own = objects.iter().any(|points| {
            hull.vertices()
                .iter()
                .all(|v| points.iter().any(|p| p.distance(*v) < 1e-6))
        });
        assert!(own, "{file}: hull {k} is not made of one object's points");
    }
    for collider in scene.colliders() {
        assert!(
            matches!(collider.shape, Shape::Hull { scale, .. } if scale == Vec3::ONE),
            "{:?}",
            collider.shape
        );
    }
    assert!(
        !imported.warnings.mentions("dropped"),
        "{}",
        imported.warnings
    );
    imported
}

#[test]
fn franka_panda_reads_its_package_meshes() {
    // `package://meshes/collision/…` beside the URDF, pybullet's layout.
    every_collision_mesh_becomes_hulls("franka_panda/panda.urdf", 11);
}

#[test]
fn kuka_iiwa_reads_its_binary_stls_and_fixes_its_massless_base() {
    let imported = every_collision_mesh_becomes_hulls("kuka_iiwa/model.urdf", 8);
    let scene = &imported.scene;
    // The base link has mass 0: fixed to the world as pybullet does, no free joint.
    assert_eq!(scene.joints().len(), 7);
    // Its first link hangs from the world now, and still does not collide with the base.
    let base = scene.body_index("lbr_iiwa_link_0").unwrap();
    let link1 = scene.body_index("lbr_iiwa_link_1").unwrap();
    assert!(scene.collision_excluded(base, link1));
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
    let imported = every_collision_mesh_becomes_hulls("xarm/xarm6_robot.urdf", 7);
    // Its V-HACD files hold several convex pieces: a link is a compound of hulls.
    let base = imported.scene.body_index("world").unwrap();
    let pieces = imported.scene.bodies()[base].colliders.len();
    assert_eq!(
        pieces,
        objects_of(
            "xarm/xarm6_robot.urdf",
            "package://xarm_description/meshes/xarm6/collision/base_vhacd.obj"
        )
        .len()
    );
    assert!(pieces > 1);
}

#[test]
fn laikago_zero_inertias_are_repaired_and_listed() {
    let imported = every_collision_mesh_becomes_hulls("laikago/laikago.urdf", 13);
    // The four lower legs share one mesh: one hull, one warning that it is not convex.
    let lower_leg = imported
        .warnings
        .iter()
        .find(|(m, _)| m.contains("lower_leg_3_collision.stl is not convex"))
        .unwrap_or_else(|| panic!("{}", imported.warnings));
    assert_eq!(lower_leg.1, 1, "{}", imported.warnings);
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
    let imported = load("a1/a1.urdf", ImportOptions::default());
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
    let imported = load("xarm/xarm6_robot.urdf", ImportOptions::default());
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
        ..ImportOptions::default()
    };
    let imported = load("kuka_iiwa/model.urdf", options);
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
