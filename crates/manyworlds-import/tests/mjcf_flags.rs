//! MJCF `<option><flag>`: each flag the engine can honour switches its part of the physics
//! off in the loaded scene; `actuation="disable"` is refused by name; flags without a
//! counterpart are reported.

use manyworlds_import::mjcf::parse;
use manyworlds_import::{ImportError, ImportOptions, Imported};

/// A floor, and an arm on a limited, sprung, damped hinge with a position servo whose control
/// is limited; `flags` goes inside `<option>`.
fn model(flags: &str) -> String {
    format!(
        r#"<mujoco>
  <option gravity="0 0 -9.81">{flags}</option>
  <worldbody>
    <geom name="floor" type="plane" size="5 5 0.1"/>
    <body name="base" pos="0 0 1">
      <joint name="slide" type="slide" axis="0 0 1" range="-0.2 0.2" limited="true"/>
      <geom type="box" size="0.1 0.1 0.1"/>
      <body name="arm">
        <joint name="hinge" axis="0 1 0" range="-60 60" limited="true" stiffness="5" damping="0.5"/>
        <geom type="capsule" fromto="0 0 0 0.5 0 0" size="0.05"/>
      </body>
    </body>
  </worldbody>
  <actuator>
    <position joint="hinge" kp="10" ctrlrange="-1 1" ctrllimited="true"/>
  </actuator>
</mujoco>"#
    )
}

fn load(flags: &str) -> Result<Imported, ImportError> {
    parse(&model(flags), "model.xml", ImportOptions::default())
}

/// Whether any two colliders of the scene may touch.
fn anything_collides(imported: &Imported) -> bool {
    let colliders = imported.scene.colliders();
    colliders.iter().enumerate().any(|(i, a)| {
        colliders[i + 1..]
            .iter()
            .any(|b| a.body != b.body && a.filter.can_touch(&b.filter))
    })
}

#[test]
fn without_flags_everything_acts() {
    let imported = load("").unwrap();
    let joints = imported.scene.joints();
    assert_eq!(imported.params.gravity.z, -9.81);
    assert!(anything_collides(&imported));
    assert!(joints.iter().all(|j| j.limits.is_some()));
    assert_eq!((joints[1].stiffness, joints[1].damping), (5.0, 0.5));
    assert!(imported.scene.actuators()[0].control_range.is_some());
    assert!(joints.iter().all(|j| !j.collide_connected));
}

#[test]
fn each_disable_flag_switches_its_part_off() {
    let imported = load(r#"<flag gravity="disable"/>"#).unwrap();
    assert_eq!(imported.params.gravity.length(), 0.0);

    let imported = load(r#"<flag contact="disable"/>"#).unwrap();
    assert!(!anything_collides(&imported));
    assert!(imported.scene.joints().iter().all(|j| j.limits.is_some()));

    let imported = load(r#"<flag limit="disable"/>"#).unwrap();
    assert!(imported.scene.joints().iter().all(|j| j.limits.is_none()));
    assert!(anything_collides(&imported));

    // constraint: contacts and limits together.
    let imported = load(r#"<flag constraint="disable"/>"#).unwrap();
    assert!(!anything_collides(&imported));
    assert!(imported.scene.joints().iter().all(|j| j.limits.is_none()));

    let imported = load(r#"<flag passive="disable"/>"#).unwrap();
    let hinge = &imported.scene.joints()[1];
    assert_eq!((hinge.stiffness, hinge.damping), (0.0, 0.0));

    let imported = load(r#"<flag clampctrl="disable"/>"#).unwrap();
    assert!(imported.scene.actuators()[0].control_range.is_none());

    let imported = load(r#"<flag filterparent="disable"/>"#).unwrap();
    assert!(imported
        .scene
        .joints()
        .iter()
        .filter(|j| j.parent.is_some())
        .all(|j| j.collide_connected));
}

#[test]
fn disabling_actuation_is_refused_by_name() {
    let error = load(r#"<flag actuation="disable"/>"#).unwrap_err();
    let text = error.to_string();
    assert!(
        text.starts_with("model.xml:2:") && text.contains("actuation"),
        "{text}"
    );
}

#[test]
fn a_bad_flag_value_names_the_attribute() {
    let error = load(r#"<flag gravity="off"/>"#).unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("gravity") && text.contains("off") && text.contains("disable"),
        "{text}"
    );
}

#[test]
fn flags_without_a_counterpart_are_reported() {
    let imported = load(r#"<flag warmstart="disable" energy="enable" spin="disable"/>"#).unwrap();
    let warnings = imported.warnings.to_string();
    for flag in ["warmstart", "energy", "spin"] {
        assert!(warnings.contains(flag), "{flag} not reported: {warnings}");
    }
    // Enabled (default) or disabled flags the engine honours are not warnings.
    let imported = load(r#"<flag gravity="enable" contact="disable"/>"#).unwrap();
    assert!(
        !imported.warnings.to_string().contains("flag"),
        "{}",
        imported.warnings
    );
}
