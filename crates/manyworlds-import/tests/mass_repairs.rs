//! Mass properties as files give them: massless links welded or on a fixed base load as
//! they are, a moving link without mass gets a small one, and inertias that are not
//! positive definite (or break the triangle inequality) are repaired close to the input;
//! every repair is listed.

use glam::{Mat3, Quat, Vec3};
use manyworlds_import::mass_repair::{repaired_inertia, BOUND_MASS, MOMENT_FLOOR};
use manyworlds_import::{mjcf, urdf, ImportOptions};

/// The eigenvalues of a symmetric matrix are positive iff its leading minors are.
fn positive_definite(m: Mat3) -> bool {
    let m2 = m.x_axis.x * m.y_axis.y - m.x_axis.y * m.y_axis.x;
    m.x_axis.x > 0.0 && m2 > 0.0 && m.determinant() > 0.0 && m == m.transpose()
}

fn largest_difference(a: Mat3, b: Mat3) -> f32 {
    (a - b)
        .to_cols_array()
        .iter()
        .fold(0.0, |m, x| m.max(x.abs()))
}

#[test]
fn round_off_inertias_become_positive_definite_and_stay_close() {
    let r = Mat3::from_quat(Quat::from_euler(glam::EulerRot::XYZ, 0.4, 0.2, -0.9));
    // Principal moments (0.3, 0.3, -1e-7): a thin rod whose axial moment came out negative
    // by round-off, rotated, with a slightly asymmetric product of inertia.
    let mut given = r * Mat3::from_diagonal(Vec3::new(0.3, 0.3, -1e-7)) * r.transpose();
    given.x_axis.y += 2e-7;
    assert!(!positive_definite(given));
    let (fixed, before, after) = repaired_inertia(given).expect("repaired");
    assert!(positive_definite(fixed), "{fixed}");
    assert!(before[0] < 0.0);
    assert!(after[0] >= MOMENT_FLOOR * 0.3 * (1.0 - 1e-6), "{after:?}");
    assert!(after[2] <= after[0] + after[1] + 1e-9, "{after:?}");
    // Close to the input: within the floor (and the triangle fix it implies).
    assert!(
        largest_difference(fixed, given) < 1e-3,
        "{fixed} vs {given}"
    );
    // A flat plate whose largest moment exceeds the sum by round-off.
    let given = r * Mat3::from_diagonal(Vec3::new(0.2, 0.3, 0.5 + 1e-5)) * r.transpose();
    let given = (given + given.transpose()) * 0.5;
    let (fixed, _, after) = repaired_inertia(given).expect("repaired");
    assert!(after[2] <= after[0] + after[1] + 1e-9, "{after:?}");
    assert!(
        largest_difference(fixed, given) < 1e-5,
        "{fixed} vs {given}"
    );
    // A tensor that is fine already is left alone.
    let good = r * Mat3::from_diagonal(Vec3::new(0.2, 0.3, 0.4)) * r.transpose();
    assert!(repaired_inertia((good + good.transpose()) * 0.5).is_none());
}

#[test]
fn the_triangle_inequality_is_enforced() {
    // Moments (0.1, 0.1, 0.5): no rigid body has them.
    let given = Mat3::from_diagonal(Vec3::new(0.1, 0.1, 0.5));
    let (fixed, _, after) = repaired_inertia(given).expect("repaired");
    assert!(
        (after[0] - 0.25).abs() < 1e-6 && (after[1] - 0.25).abs() < 1e-6,
        "{after:?}"
    );
    assert!(
        (fixed.z_axis.z - 0.5).abs() < 1e-6,
        "the largest moment is kept: {fixed}"
    );
    assert!(positive_definite(fixed));
}

const ARM: &str = r#"<robot name="arm">
  <link name="base"/>
  <link name="sensor"/>
  <link name="upper">
    <inertial><mass value="1"/><inertia ixx="0.01" iyy="0.01" izz="0.001"/></inertial>
  </link>
  <link name="tool"/>
  <link name="tip"/>
  <joint name="weld" type="fixed"><parent link="base"/><child link="sensor"/></joint>
  <joint name="shoulder" type="revolute">
    <parent link="base"/><child link="upper"/><axis xyz="0 1 0"/>
    <limit lower="-1" upper="1" effort="10" velocity="2"/>
  </joint>
  <joint name="flange" type="fixed"><parent link="upper"/><child link="tool"/></joint>
  <joint name="wrist" type="continuous"><parent link="upper"/><child link="tip"/></joint>
</robot>
"#;

#[test]
fn massless_links_load_as_the_file_has_them() {
    let fixed = ImportOptions {
        fixed_base: true,
        ..ImportOptions::default()
    };
    let imported = urdf::parse(ARM, "arm.urdf", fixed).expect("loads");
    let scene = &imported.scene;
    // base + sensor static; upper with its welded tool; tip moves without mass.
    assert_eq!(scene.body_count(), 3);
    let repairs: Vec<&str> = imported.warnings.repairs().collect();
    assert_eq!(repairs.len(), 1, "{repairs:?}");
    assert!(
        repairs[0].contains("\"tip\"") && repairs[0].contains("no mass"),
        "{repairs:?}"
    );
    let tip = scene.bodies().iter().find(|b| b.name == "tip").unwrap();
    assert_eq!(tip.mass.mass, BOUND_MASS);
    assert!(positive_definite(tip.mass.inertia));
    let upper = scene.bodies().iter().find(|b| b.name == "upper").unwrap();
    assert_eq!(upper.mass.mass, 1.0, "untouched");
    assert_eq!(
        upper.mass.inertia,
        Mat3::from_diagonal(Vec3::new(0.01, 0.01, 0.001))
    );

    // Floating, the massless base (with its massless sensor) is fixed to the world.
    let imported = urdf::parse(ARM, "arm.urdf", ImportOptions::default()).expect("loads");
    assert!(imported
        .warnings
        .mentions("root link \"base\" has no mass: fixed to the world"));
    assert_eq!(imported.scene.joints().len(), 2);
}

#[test]
fn unparseable_masses_still_fail_at_their_line() {
    let text = ARM.replace(r#"<mass value="1"/>"#, r#"<mass value="${m}"/>"#);
    let error = urdf::parse(&text, "arm.urdf", ImportOptions::default()).unwrap_err();
    assert_eq!(error.location().unwrap().line, 5, "{error}");
    assert!(error.to_string().contains("unexpanded xacro"), "{error}");
    let text = ARM.replace(r#"ixx="0.01""#, r#"ixx="0.0l""#);
    let error = urdf::parse(&text, "arm.urdf", ImportOptions::default()).unwrap_err();
    assert_eq!(error.location().unwrap().line, 5, "{error}");
    assert!(!error.to_string().contains("xacro"), "{error}");
}

#[test]
fn mjcf_inertials_are_repaired_too() {
    let text = r#"<mujoco>
  <worldbody>
    <body name="plate" pos="0 0 1">
      <freejoint/>
      <inertial pos="0 0 0" mass="2" fullinertia="0.1 0.1 0.5 0 0 0"/>
    </body>
  </worldbody>
</mujoco>"#;
    let imported = mjcf::parse(text, "plate.xml", ImportOptions::default()).expect("loads");
    let repairs: Vec<&str> = imported.warnings.repairs().collect();
    assert_eq!(repairs.len(), 1, "{repairs:?}");
    assert!(repairs[0].contains("\"plate\""), "{repairs:?}");
    let plate = &imported.scene.bodies()[1];
    assert!((plate.mass.inertia.x_axis.x - 0.25).abs() < 1e-6);
}
