//! URDF drives (`ImportOptions::drives`): one actuator per revolute and prismatic joint,
//! its force limited by the joint's `<limit effort>` unless the caller gives a limit.

use manyworlds_core::ActuatorKind;
use manyworlds_import::{urdf, DriveKind, Drives, ImportOptions};

const ROBOT: &str = r#"<robot name="r">
  <link name="base"><inertial><mass value="5"/><inertia ixx="1" iyy="1" izz="1"/></inertial></link>
  <link name="a"><inertial><mass value="1"/><inertia ixx="0.1" iyy="0.1" izz="0.1"/></inertial></link>
  <link name="b"><inertial><mass value="1"/><inertia ixx="0.1" iyy="0.1" izz="0.1"/></inertial></link>
  <link name="c"><inertial><mass value="1"/><inertia ixx="0.1" iyy="0.1" izz="0.1"/></inertial></link>
  <link name="camera"/>
  <joint name="hinge" type="revolute"><parent link="base"/><child link="a"/>
    <limit lower="-3" upper="3" effort="12" velocity="3"/></joint>
  <joint name="wheel" type="continuous"><parent link="a"/><child link="b"/></joint>
  <joint name="slide" type="prismatic"><parent link="b"/><child link="c"/>
    <limit lower="0" upper="0.2" effort="0" velocity="0.5"/></joint>
  <joint name="mount" type="fixed"><parent link="c"/><child link="camera"/></joint>
</robot>
"#;

fn load(drives: Drives) -> manyworlds_import::Imported {
    let options = ImportOptions {
        drives: Some(drives),
        ..ImportOptions::default()
    };
    urdf::parse(ROBOT, "r.urdf", options).expect("loads")
}

#[test]
fn position_servos_on_every_movable_joint_with_the_effort_limit() {
    let imported = load(Drives::position(50.0, 5.0));
    let scene = &imported.scene;
    let names: Vec<&str> = scene.actuators().iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        ["hinge_servo", "wheel_servo", "slide_servo"],
        "not on the free base or the weld"
    );
    let by_name = |n: &str| scene.actuators().iter().find(|a| a.name == n).unwrap();
    let hinge = by_name("hinge_servo");
    assert_eq!(scene.joints()[hinge.joint].name, "hinge");
    assert_eq!(hinge.kind, ActuatorKind::Position { kp: 50.0, kv: 5.0 });
    assert_eq!(hinge.force_limit, Some(12.0));
    assert_eq!(hinge.control_range, Some((-3.0, 3.0)), "the joint's range");
    // No effort (or effort 0): unlimited, and said so.
    assert_eq!(by_name("wheel_servo").force_limit, None);
    assert_eq!(by_name("wheel_servo").control_range, None);
    assert_eq!(by_name("slide_servo").force_limit, None);
    assert!(imported
        .warnings
        .mentions("joint \"wheel\" has no effort limit"));
    assert!(imported
        .warnings
        .mentions("joint \"slide\" has no effort limit"));
    assert!(!imported
        .warnings
        .mentions("effort and velocity limits ignored"));
}

#[test]
fn velocity_servos_and_motors() {
    let imported = load(Drives::velocity(2.0));
    let a = &imported.scene.actuators()[0];
    assert_eq!(a.kind, ActuatorKind::Velocity { kv: 2.0 });
    assert_eq!(a.control_range, Some((-3.0, 3.0)), "±<limit velocity>");
    assert_eq!(a.force_limit, Some(12.0));
    let slide = &imported.scene.actuators()[2];
    assert_eq!(slide.control_range, Some((-0.5, 0.5)));

    let imported = load(Drives::motor());
    let a = &imported.scene.actuators()[0];
    assert_eq!(a.kind, ActuatorKind::Motor);
    assert_eq!(
        a.control_range,
        Some((-12.0, 12.0)),
        "a motor's force is its control"
    );

    let imported = load(Drives {
        kind: DriveKind::Motor,
        force_limit: Some(7.0),
    });
    for a in imported.scene.actuators() {
        assert_eq!(a.control_range, Some((-7.0, 7.0)), "{}", a.name);
    }
}

#[test]
fn without_drives_urdf_has_no_actuators() {
    let imported = urdf::parse(ROBOT, "r.urdf", ImportOptions::default()).unwrap();
    assert!(imported.scene.actuators().is_empty());
    assert!(imported
        .warnings
        .mentions("effort and velocity limits ignored"));
}
