//! Bad MJCF is refused with the file, line, column and element at fault; what is not
//! simulated is reported once.

use manyworlds_import::mjcf::parse;
use manyworlds_import::{ImportError, ImportOptions, Problem};

fn load(text: &str) -> Result<manyworlds_import::Imported, ImportError> {
    parse(text, "model.xml", ImportOptions::default())
}

/// The error's line and its problem.
fn refused(text: &str) -> (u32, Problem) {
    let error = load(text).expect_err("the model is refused");
    let location = error.location().expect("the error has a place").clone();
    assert!(
        error
            .to_string()
            .starts_with(&format!("model.xml:{}:", location.line)),
        "{error}"
    );
    (
        location.line,
        error
            .problem()
            .cloned()
            .unwrap_or(Problem::Invalid(error.to_string())),
    )
}

const ARM: &str = r#"<mujoco>
  <worldbody>
    <body name="arm" pos="0 0 1">
      <joint name="shoulder" type="hinge" axis="0 1 0"/>
      <geom type="capsule" fromto="0 0 0 0 0 -0.5" size="0.05"/>
    </body>
  </worldbody>
  <actuator><motor joint="shoulder" gear="10" ctrlrange="-1 1"/></actuator>
</mujoco>"#;

#[test]
fn a_valid_model_loads() {
    let model = load(ARM).unwrap();
    assert_eq!(model.scene.joints().len(), 1);
    assert_eq!(model.scene.actuators()[0].gear, 10.0);
    assert!(model.warnings.is_empty(), "{}", model.warnings);
}

#[test]
fn malformed_xml_names_the_line_and_column() {
    let error = load("<mujoco>\n  <worldbody>\n    <body name=\"a\">\n  </worldbody>\n</mujoco>")
        .unwrap_err();
    let ImportError::Xml { location, .. } = &error else {
        panic!("{error}")
    };
    assert_eq!(location.line, 4, "{error}");
}

#[test]
fn a_missing_attribute_is_named() {
    let text = ARM.replace(r#"<motor joint="shoulder""#, "<motor");
    assert_eq!(refused(&text), (8, Problem::MissingAttribute("joint")));
}

#[test]
fn an_unknown_joint_type_is_named() {
    let (line, problem) = refused(&ARM.replace("type=\"hinge\"", "type=\"hing\""));
    assert_eq!(line, 4);
    assert!(
        matches!(problem, Problem::BadValue { ref attribute, .. } if attribute == "type"),
        "{problem}"
    );
}

#[test]
fn references_to_missing_classes_bodies_and_joints_are_named() {
    let (line, problem) = refused(&ARM.replace("<geom ", "<geom class=\"thin\" "));
    assert_eq!(line, 5);
    assert_eq!(
        problem,
        Problem::MissingReference {
            what: "default class",
            name: "thin".into()
        }
    );

    let exclude = ARM.replace(
        "</mujoco>",
        "  <contact><exclude body1=\"arm\" body2=\"leg\"/></contact>\n</mujoco>",
    );
    let (line, problem) = refused(&exclude);
    assert_eq!(line, 9);
    assert_eq!(
        problem,
        Problem::MissingReference {
            what: "body",
            name: "leg".into()
        }
    );

    let (_, problem) = refused(&ARM.replace("joint=\"shoulder\"", "joint=\"elbow\""));
    assert_eq!(
        problem,
        Problem::MissingReference {
            what: "joint",
            name: "elbow".into()
        }
    );
}

#[test]
fn negative_masses_are_refused() {
    let (line, problem) = refused(&ARM.replace("size=\"0.05\"", "size=\"0.05\" mass=\"-1\""));
    assert_eq!(line, 5);
    assert_eq!(
        problem,
        Problem::Negative {
            attribute: "mass".into(),
            value: -1.0
        }
    );
}

#[test]
fn defaults_classes_and_childclass_apply() {
    let text = r#"<mujoco>
  <default>
    <joint damping="2"/>
    <default class="stiff"><joint stiffness="30" damping="3"/></default>
  </default>
  <worldbody>
    <body name="a" pos="0 0 1" childclass="stiff">
      <joint name="j1" axis="1 0 0"/>
      <geom size="0.1"/>
      <body name="b" pos="0 0 -0.3">
        <joint name="j2" class="main" axis="1 0 0"/>
        <geom size="0.1"/>
      </body>
    </body>
  </worldbody>
</mujoco>"#;
    let model = load(text).unwrap();
    let joints = model.scene.joints();
    assert_eq!((joints[0].damping, joints[0].stiffness), (3.0, 30.0));
    assert_eq!((joints[1].damping, joints[1].stiffness), (2.0, 0.0));
}

#[test]
fn what_is_not_simulated_is_reported_once() {
    let text = ARM
        .replace("<worldbody>", "<option integrator=\"RK4\"/><worldbody>")
        .replace("<geom ", "<site name=\"s1\"/><site name=\"s2\"/><geom ");
    let model = load(&text).unwrap();
    assert!(model.warnings.mentions("integrator"), "{}", model.warnings);
    let sites: Vec<_> = model
        .warnings
        .iter()
        .filter(|(w, _)| w.contains("<site>"))
        .collect();
    assert_eq!(sites.len(), 1);
    assert_eq!(sites[0].1, 2);
}

#[test]
fn no_input_panics() {
    // Every prefix of a valid model is either loaded or refused with an error, never a panic.
    for end in 0..ARM.len() {
        if ARM.is_char_boundary(end) {
            let _ = load(&ARM[..end]);
        }
    }
}

mod urdf_errors {
    use manyworlds_import::urdf::parse;
    use manyworlds_import::{ImportOptions, Problem};

    const ARM: &str = r#"<robot name="arm">
  <link name="base"/>
  <link name="upper">
    <inertial><mass value="1"/><inertia ixx="0.01" iyy="0.01" izz="0.01"/></inertial>
    <collision><geometry><box size="0.1 0.1 0.5"/></geometry></collision>
  </link>
  <joint name="shoulder" type="revolute">
    <parent link="base"/><child link="upper"/>
    <axis xyz="0 1 0"/><limit lower="-1" upper="1"/>
  </joint>
</robot>"#;

    fn refused(text: &str) -> (u32, Problem) {
        let options = ImportOptions {
            fixed_base: true,
            ..ImportOptions::default()
        };
        let error = parse(text, "arm.urdf", options).expect_err("refused");
        let line = error.location().expect("a place").line;
        (line, error.problem().cloned().expect("an element problem"))
    }

    #[test]
    fn a_valid_arm_loads() {
        let options = ImportOptions {
            fixed_base: true,
            ..ImportOptions::default()
        };
        let model = parse(ARM, "arm.urdf", options).unwrap();
        assert_eq!(model.scene.joints()[0].limits, Some((-1.0, 1.0)));
    }

    #[test]
    fn bad_urdf_names_the_element() {
        let (line, problem) =
            refused(&ARM.replace("<child link=\"upper\"/>", "<child link=\"lower\"/>"));
        assert_eq!(
            (line, problem),
            (
                7,
                Problem::MissingReference {
                    what: "link",
                    name: "lower".into()
                }
            )
        );
        let (line, problem) = refused(&ARM.replace("mass value=\"1\"", "mass value=\"-2\""));
        assert_eq!(line, 4);
        assert_eq!(
            problem,
            Problem::Negative {
                attribute: "value".into(),
                value: -2.0
            }
        );
        let (line, problem) = refused(&ARM.replace("type=\"revolute\"", "type=\"hinge\""));
        assert_eq!(line, 7);
        assert!(matches!(problem, Problem::BadValue { .. }), "{problem}");
        let (_, problem) = refused(&ARM.replace(
            "<box size=\"0.1 0.1 0.5\"/>",
            "<mesh filename=\"arm.stl\"/>",
        ));
        // The mesh is looked for before it is refused: a missing file says so, by name.
        assert!(
            matches!(problem, Problem::File { ref path, .. } if path == "arm.stl"),
            "{problem}"
        );
        let (_, problem) = refused(&ARM.replace("<limit lower=\"-1\" upper=\"1\"/>", ""));
        assert!(matches!(problem, Problem::Invalid(_)), "{problem}");
    }

    #[test]
    fn no_input_panics() {
        for end in 0..ARM.len() {
            let _ = parse(&ARM[..end], "arm.urdf", ImportOptions::default());
        }
    }
}

#[test]
fn an_absurd_timestep_is_refused() {
    for dt in ["1e39", "5", "0", "-0.01", "1e-9"] {
        let text = ARM.replace(
            "<mujoco>",
            &format!("<mujoco>\n  <option timestep=\"{dt}\"/>"),
        );
        let (line, problem) = refused(&text);
        assert_eq!(line, 2, "{dt}");
        assert!(
            matches!(problem, Problem::BadValue { ref attribute, .. } if attribute == "timestep"),
            "{dt}: {problem}"
        );
    }
    let text = ARM.replace("<mujoco>", "<mujoco>\n  <option timestep=\"0.005\"/>");
    assert_eq!(load(&text).unwrap().params.dt, 0.005);
}

#[test]
fn unexpanded_xacro_is_named() {
    let text = r#"<robot name="arm" xmlns:xacro="http://www.ros.org/wiki/xacro">
  <xacro:property name="m" value="1"/>
  <link name="base"/>
</robot>"#;
    let options = ImportOptions::default();
    let error = manyworlds_import::urdf::parse(text, "arm.urdf", options.clone()).unwrap_err();
    assert_eq!(error.location().unwrap().line, 2, "{error}");
    assert!(error.to_string().contains("unexpanded xacro"), "{error}");
    let text = r#"<robot name="arm">
  <link name="base">
    <inertial><mass value="$(arg m)"/></inertial>
  </link>
</robot>"#;
    let error = manyworlds_import::urdf::parse(text, "arm.urdf", options).unwrap_err();
    assert_eq!(error.location().unwrap().line, 3, "{error}");
    assert!(error.to_string().contains("unexpanded xacro"), "{error}");
}

#[test]
fn wide_hinge_ranges_pass_through() {
    let text = ARM.replace(r#"axis="0 1 0"/>"#, r#"axis="0 1 0" range="-200 200"/>"#);
    let radians = 200f64.to_radians() as f32;
    // Unchanged: no clamping, no wrapping.
    let imported = load(&text).unwrap();
    assert_eq!(imported.scene.joints()[0].limits, Some((-radians, radians)));
}
