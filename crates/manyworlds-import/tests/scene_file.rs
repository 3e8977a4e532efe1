//! Scene files give back the scene they were written from, exactly: every built-in scene,
//! every model of tests/assets, and awkward numbers, each f32 with its bits; the text written
//! again is the same text. Bad files are refused with the line and column, or the element, at
//! fault.

use std::path::{Path, PathBuf};

use manyworlds_core::rng::splitmix64;
use manyworlds_core::scenes::{builtin, BUILTIN_NAMES};
use manyworlds_core::{
    Actuator, BodyDesc, ColliderDesc, JointDesc, Pose, Quat, Scene, SceneBuilder, SceneError,
    Shape, StepParams, Vec3,
};
use manyworlds_import::scene_file::{self, SaveError};
use manyworlds_import::{mjcf, urdf, ImportError, ImportOptions};

fn assets(dir: &str, extension: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/assets")
        .join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .collect();
    files.sort();
    files
}

/// Writes, reads and writes again; asserts the scene and parameters came back with every bit
/// and the second text is the first. Returns the text.
fn assert_round_trip(scene: &Scene, params: &StepParams, what: &str) -> String {
    let text = scene_file::to_string(scene, params).unwrap_or_else(|e| panic!("{what}: {e}"));
    let loaded = scene_file::parse(&text, format!("{what}.json"))
        .unwrap_or_else(|e| panic!("{what}: {e}\n{text}"));
    assert_eq!(&loaded.scene, scene, "{what}: the scene differs");
    assert_eq!(&loaded.params, params, "{what}: the parameters differ");
    // Debug prints every f32 by its shortest round-trip decimal: equal text, equal bits
    // (including the sign of zero, which == ignores).
    assert_eq!(
        format!("{:?}", loaded.scene),
        format!("{scene:?}"),
        "{what}: a number changed its bits"
    );
    assert_eq!(
        format!("{:?}", loaded.params),
        format!("{params:?}"),
        "{what}"
    );
    let again = scene_file::to_string(&loaded.scene, &loaded.params).unwrap();
    assert!(again == text, "{what}: the text written again differs");
    assert!(loaded.warnings.is_empty());
    text
}

#[test]
fn every_builtin_scene_round_trips() {
    for name in BUILTIN_NAMES {
        let scene = builtin(name).unwrap();
        assert_round_trip(&scene.scene, &scene.params, name);
    }
}

#[test]
fn every_gymnasium_model_round_trips() {
    let files = assets("gymnasium", "xml");
    assert!(files.len() >= 9, "{files:?}");
    for file in files {
        let imported =
            mjcf::load(&file, ImportOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_round_trip(
            &imported.scene,
            &imported.params,
            &file.display().to_string(),
        );
    }
}

#[test]
fn every_urdf_model_round_trips() {
    let files = assets("urdf", "urdf");
    assert!(files.len() >= 2, "{files:?}");
    for file in files {
        // A floating base needs mass: not every model loads both ways.
        let mut loaded = 0;
        for fixed_base in [false, true] {
            let options = ImportOptions {
                fixed_base,
                ..ImportOptions::default()
            };
            let Ok(imported) = urdf::load(&file, options) else {
                continue;
            };
            let what = format!("{} (fixed base {fixed_base})", file.display());
            assert_round_trip(&imported.scene, &imported.params, &what);
            loaded += 1;
        }
        assert!(loaded > 0, "{} loads neither way", file.display());
    }
}

/// Uniform in [-1, 1) from a counter.
fn unit(key: u64) -> f32 {
    (splitmix64(key) >> 40) as f32 / (1u64 << 23) as f32 - 1.0
}

#[test]
fn a_robot_away_from_its_reference_configuration_round_trips() {
    // Joint frames no longer coincide: q is not 0 in the file.
    let mut ant = builtin("ant").unwrap();
    let q: Vec<f32> = (0..ant.scene.joint_position_count() as u64)
        .map(|k| 0.5 * unit(k))
        .collect();
    ant.scene.set_initial_joint_positions(&q).unwrap();
    assert_round_trip(&ant.scene, &ant.params, "moved ant");
}

/// A finite f32 of random bits (any exponent, subnormals included).
fn random_finite(key: u64) -> f32 {
    (0..)
        .map(|k| f32::from_bits(splitmix64(key * 16 + k) as u32))
        .find(|x| x.is_finite())
        .unwrap()
}

#[test]
fn awkward_numbers_keep_their_bits() {
    let mut builder = SceneBuilder::new();
    // Thousands of random bit patterns as positions and velocities.
    for i in 0..2000u64 {
        let v = |k: u64| {
            Vec3::new(
                random_finite(6 * i + k),
                random_finite(6 * i + k + 1),
                random_finite(6 * i + k + 2),
            )
        };
        builder.add_body(
            BodyDesc::dynamic(format!("speck {i}"))
                .at(v(0))
                .velocity(v(3), -v(0))
                .collider(ColliderDesc::new(Shape::sphere(0.1))),
        );
    }
    let slider = builder.add_body(
        BodyDesc::dynamic("slider \"quoted\" \\ ünïcode")
            .at(Vec3::new(-0.0, 0.1, 1.0 / 3.0))
            .velocity(Vec3::new(1e-45, f32::MIN_POSITIVE, -f32::MAX), Vec3::ZERO)
            .oriented(Quat::from_xyzw(0.1, 0.2, 0.3, 0.4))
            .collider(
                ColliderDesc::new(Shape::cuboid(Vec3::new(0.1, 0.2, 0.3)))
                    .friction(f32::MAX)
                    .restitution(1.0),
            )
            .collider(
                ColliderDesc::new(Shape::cylinder(1.0 / 3.0, f32::MIN_POSITIVE))
                    .at(Pose::from_position(Vec3::new(0.1, -0.2, 0.3))),
            ),
    );
    let rail = builder.add_joint(
        None,
        slider,
        JointDesc::prismatic("rail", Vec3::new(1.0, 2.0, 3.0))
            .limits(-f32::MAX, f32::MAX)
            .spring(1e-30, -1e30),
    );
    builder.add_actuator(
        Actuator::velocity("drive", rail, 1e-3)
            .control_range(-f32::MAX, f32::MIN_POSITIVE)
            .force_limit(f32::MAX),
    );
    builder.exclude_collision(0, 1999);
    let scene = builder.build().unwrap();
    let params = StepParams {
        dt: 1.0 / 240.0,
        gravity: Vec3::new(0.1, -0.0, -9.80665),
        ..StepParams::default()
    };
    let text = assert_round_trip(&scene, &params, "awkward");
    assert!(
        text.contains("\"collision_exclusions\": [[0, 1999]]"),
        "{text}"
    );
}

#[test]
fn no_range_is_left_out_and_infinity_is_refused() {
    let pendulum = builtin("pendulum").unwrap();
    assert_eq!(pendulum.scene.joints()[0].limits, None);
    let text = assert_round_trip(&pendulum.scene, &pendulum.params, "pendulum");
    assert!(!text.contains("\"limits\""), "{text}");
    // JSON has no infinity, and a number beyond f32 does not read as one: each is refused
    // where it stands.
    for infinite in ["1e39", "\"inf\"", "null", "Infinity"] {
        let text = text.replacen(
            "\"damping\": ",
            &format!("\"limits\": [-1, {infinite}],\n      \"damping\": "),
            1,
        );
        let error = scene_file::parse(&text, "inf.json").unwrap_err();
        assert_eq!(
            error.location().map(|l| l.line),
            Some(line_of(&text, "\"limits\"")),
            "{infinite}: {error}"
        );
    }
}

#[test]
fn a_scene_with_an_infinite_number_is_not_saved() {
    // Far apart bodies: the joint frame in the parent lies beyond f32.
    let mut builder = SceneBuilder::new();
    let ball = || ColliderDesc::new(Shape::sphere(0.1));
    let a = builder.add_body(
        BodyDesc::dynamic("a")
            .at(Vec3::new(-3e38, 0.0, 0.0))
            .collider(ball()),
    );
    let b = builder.add_body(
        BodyDesc::dynamic("b")
            .at(Vec3::new(3e38, 0.0, 0.0))
            .collider(ball()),
    );
    builder.add_joint(Some(a), b, JointDesc::spherical("far"));
    let scene = builder.build().unwrap();
    let error = scene_file::to_string(&scene, &StepParams::default()).unwrap_err();
    assert_eq!(
        error,
        SaveError::Scene(SceneError::NonFinite {
            element: "frame_in_parent of joint 0 \"far\"".into(),
            field: "position"
        })
    );
    let bad_params = StepParams {
        dt: f32::NAN,
        ..StepParams::default()
    };
    let pendulum = builtin("pendulum").unwrap().scene;
    assert!(matches!(
        scene_file::to_string(&pendulum, &bad_params),
        Err(SaveError::Params(_))
    ));
}

#[test]
fn save_and_load_go_through_a_file() {
    let cartpole = builtin("cartpole").unwrap();
    let path =
        std::env::temp_dir().join(format!("manyworlds-{}-cartpole.json", std::process::id()));
    scene_file::save(&path, &cartpole.scene, &cartpole.params).unwrap();
    let loaded = scene_file::load(&path);
    std::fs::remove_file(&path).unwrap();
    let loaded = loaded.unwrap();
    assert_eq!(loaded.scene, cartpole.scene);
    assert_eq!(loaded.params, cartpole.params);
    let missing = scene_file::load("no/such/scene.json").unwrap_err();
    assert!(matches!(missing, ImportError::Read { .. }), "{missing}");
}

/// The pendulum's file, with `edit` applied to its JSON value.
fn edited(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let pendulum = builtin("pendulum").unwrap();
    let text = scene_file::to_string(&pendulum.scene, &pendulum.params).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    edit(&mut value);
    serde_json::to_string_pretty(&value).unwrap()
}

fn refused(text: &str) -> ImportError {
    scene_file::parse(text, "bad.json").expect_err("the file is refused")
}

/// The 1-based line of the first occurrence of `needle`.
fn line_of(text: &str, needle: &str) -> u32 {
    let at = text.find(needle).expect("the text holds the needle");
    text[..at].lines().count() as u32 + u32::from(text[..at].ends_with('\n'))
}

#[test]
fn malformed_json_names_the_line_and_column() {
    let pendulum = builtin("pendulum").unwrap();
    let text = scene_file::to_string(&pendulum.scene, &pendulum.params).unwrap();
    let broken = text.replacen("\"version\": 1,", "\"version\": 1", 1);
    let error = refused(&broken);
    let ImportError::Json { location, message } = &error else {
        panic!("{error}")
    };
    assert_eq!((location.line, location.column), (4, 3), "{error}");
    assert!(error.to_string().starts_with("bad.json:4:3: "), "{error}");
    assert!(message.contains("expected `,` or `}`"), "{error}");
    let truncated = refused(&text[..text.len() / 2]);
    assert!(matches!(truncated, ImportError::Json { .. }), "{truncated}");
}

#[test]
fn an_unknown_shape_kind_or_field_names_the_line() {
    let pendulum = builtin("pendulum").unwrap();
    let text = scene_file::to_string(&pendulum.scene, &pendulum.params).unwrap();
    let cone = text.replacen("\"capsule\"", "\"cone\"", 1);
    let error = refused(&cone);
    let location = error.location().expect("a place in the file");
    assert_eq!(location.line, line_of(&cone, "\"cone\""), "{error}");
    assert!(
        error.to_string().contains("unknown variant `cone`"),
        "{error}"
    );
    let typo = text.replacen("\"damping\"", "\"dampnig\"", 1);
    let error = refused(&typo);
    assert_eq!(
        error.location().map(|l| l.line),
        Some(line_of(&typo, "dampnig")),
        "{error}"
    );
    assert!(
        error.to_string().contains("unknown field `dampnig`"),
        "{error}"
    );
}

#[test]
fn other_formats_and_versions_are_refused() {
    let error = refused(&edited(|v| v["format"] = "mjcf".into()));
    assert!(matches!(error, ImportError::Format { .. }), "{error}");
    let error = refused(&edited(|v| v["version"] = 2.into()));
    assert_eq!(
        error.to_string(),
        "bad.json: scene file version 2 is not supported (this build reads versions 1 to 1)"
    );
    let error = refused("{\"bodies\": []}");
    assert!(
        error.to_string().contains("not a manyworlds scene file"),
        "{error}"
    );
}

fn scene_error(text: &str) -> SceneError {
    match refused(text) {
        ImportError::Scene { file, source } => {
            assert_eq!(file, Path::new("bad.json"));
            source
        }
        other => panic!("not a scene error: {other}"),
    }
}

#[test]
fn invalid_contents_name_the_element() {
    let error = scene_error(&edited(|v| {
        v["scene"]["bodies"][0]["mass"]["mass"] = (-1.0).into()
    }));
    assert_eq!(
        error.to_string(),
        "body 0 \"link0\": mass must be positive, got -1"
    );
    let error = scene_error(&edited(|v| v["scene"]["actuators"][0]["joint"] = 7.into()));
    assert_eq!(
        error.to_string(),
        "actuator 0 \"torque\": joint 7 does not exist (the scene has 1)"
    );
    let error = scene_error(&edited(|v| v["scene"]["joints"][0]["child"] = 3.into()));
    assert!(
        matches!(&error, SceneError::MissingReference { element, what: "body", index: 3, .. } if element == "joint 0 \"hinge0\""),
        "{error}"
    );
    let error = scene_error(&edited(|v| {
        v["scene"]["bodies"][0]["pose"]["orientation"] = serde_json::json!([0.0, 0.0, 0.5, 0.5]);
    }));
    assert!(
        matches!(&error, SceneError::NotUnitQuaternion { element, field: "orientation", .. } if element == "body 0 \"link0\""),
        "{error}"
    );
    let error = scene_error(&edited(|v| {
        v["scene"]["joints"][0]["frame_in_child"]["orientation"] =
            serde_json::json!([0.0, 0.0, 0.0, 2.0]);
    }));
    assert_eq!(
        error.to_string(),
        "frame_in_child of joint 0 \"hinge0\": orientation must be a unit quaternion, its length is 2"
    );
    let error = scene_error(&edited(|v| {
        v["scene"]["bodies"][0]["colliders"][0]["shape"]["capsule"]["radius"] = 0.into();
    }));
    assert_eq!(
        error.to_string(),
        "collider 0 of body 0 \"link0\": radius must be positive, got 0"
    );
    let error = scene_error(&edited(|v| {
        v["scene"]["bodies"][0]["kind"] = "static".into()
    }));
    assert!(
        error.to_string().contains("a static body has no mass"),
        "{error}"
    );
    let error = scene_error(&edited(|v| {
        v["scene"]["bodies"][0]["mass"] = serde_json::Value::Null;
    }));
    assert!(matches!(error, SceneError::NoMass { .. }), "{error}");
    let error = scene_error(&edited(|v| {
        v["scene"]["collision_exclusions"] = serde_json::json!([[0, 5]]);
    }));
    assert_eq!(
        error.to_string(),
        "collision exclusion 0: body 5 does not exist (the scene has 1)"
    );
    let error = refused(&edited(|v| v["params"]["dt"] = (-0.01).into()));
    assert!(
        matches!(error, ImportError::Params { ref source, .. } if source.name == "dt"),
        "{error}"
    );
}

#[test]
fn a_hand_written_file_loads() {
    let text = r#"{
  "format": "manyworlds-scene",
  "version": 1,
  "params": { "dt": 0.005 },
  "scene": {
    "bodies": [
      {
        "name": "ground", "kind": "static",
        "pose": { "position": [0, 0, 0], "orientation": [0, 0, 0, 1] },
        "linear_velocity": [0, 0, 0], "angular_velocity": [0, 0, 0],
        "colliders": [
          {
            "shape": "plane",
            "pose": { "position": [0, 0, 0], "orientation": [0, 0, 0, 1] },
            "material": { "friction": 0.8, "restitution": 0 },
            "filter": { "memberships": 1, "filter": 4294967295 }
          }
        ]
      },
      {
        "name": "crate", "kind": "dynamic",
        "pose": { "position": [0, 0, 1], "orientation": [0, 0, 0.7071, 0.7071] },
        "linear_velocity": [0, 0, 0], "angular_velocity": [0, 0, 0],
        "mass": { "mass": 2, "center_of_mass": [0, 0, 0], "inertia": [0.1, 0, 0, 0, 0.1, 0, 0, 0, 0.1] },
        "colliders": [
          {
            "shape": { "cuboid": { "half_extents": [0.25, 0.25, 0.25] } },
            "pose": { "position": [0, 0, 0], "orientation": [0, 0, 0, 1] },
            "material": { "friction": 0.8, "restitution": 0 },
            "filter": { "memberships": 1, "filter": 4294967295 }
          }
        ]
      }
    ],
    "joints": [],
    "actuators": [],
    "collision_exclusions": []
  }
}"#;
    let loaded = scene_file::parse(text, "crate.json").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded.params.dt, 0.005);
    assert_eq!(loaded.params.substeps, StepParams::default().substeps);
    let body = &loaded.scene.bodies()[1];
    assert_eq!(body.inverse_mass, 0.5);
    assert_eq!(body.inverse_inertia.x_axis.x, 10.0);
    assert_eq!(loaded.scene.colliders()[1].body, 1);
    assert_eq!(Pose::IDENTITY, loaded.scene.colliders()[1].pose);
}

#[test]
fn a_million_random_f32_survive_json() {
    for key in 0..1_000_000 {
        let x = random_finite(key);
        let text = serde_json::to_string(&x).unwrap();
        let back: f32 = serde_json::from_str(&text).unwrap();
        assert_eq!(back.to_bits(), x.to_bits(), "{x:?} written as {text}");
    }
}

#[test]
fn a_randomization_section_round_trips_and_is_checked_against_the_scene() {
    use manyworlds_core::{Axis, Distribution, Mode, Pushes, Randomization, Rule, Target};
    let ant = builtin("ant").unwrap();
    let randomization = Randomization {
        rules: vec![
            Rule::new(
                Target::Mass,
                Distribution::LogUniform {
                    low: 0.8,
                    high: 1.25,
                },
                Mode::Scale,
            )
            .named("torso"),
            Rule::new(
                Target::Gravity { axis: Axis::Z },
                Distribution::Normal {
                    mean: -9.81,
                    std: 0.1,
                    low: -10.5,
                    high: -9.0,
                },
                Mode::Absolute,
            ),
            Rule::new(
                Target::JointPosition,
                Distribution::Choice {
                    values: vec![-0.1, 0.0, 0.1],
                },
                Mode::Offset,
            ),
            Rule::new(
                Target::RootAngularVelocity { axis: Axis::Y },
                Distribution::Uniform {
                    low: -0.5,
                    high: 0.5,
                },
                Mode::Offset,
            ),
        ],
        pushes: Some(Pushes {
            body: None,
            interval: 100,
            impulse: Distribution::Uniform {
                low: -1.0,
                high: 1.0,
            },
        }),
    };
    let text = scene_file::to_string_randomized(&ant.scene, &ant.params, &randomization).unwrap();
    let loaded = scene_file::parse(&text, "ant.json").unwrap();
    assert_eq!(loaded.randomization, randomization);
    assert_eq!(loaded.scene, ant.scene);
    // Without randomization the section is left out, and files without it still load.
    let plain = scene_file::to_string(&ant.scene, &ant.params).unwrap();
    assert!(!plain.contains("randomization"));
    // The rule's "torso" is the file's last one (the randomization section comes last).
    let at = text.rfind("\"torso\"").unwrap();
    let wrong = format!("{}\"tail\"{}", &text[..at], &text[at + "\"torso\"".len()..]);
    let error = scene_file::parse(&wrong, "ant.json")
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("ant.json") && error.contains("no body named \"tail\""),
        "{error}"
    );
    let refused = randomization.rules[0].clone().named("tail");
    let saving = Randomization {
        rules: vec![refused],
        pushes: None,
    };
    assert!(matches!(
        scene_file::to_string_randomized(&ant.scene, &ant.params, &saving),
        Err(SaveError::Randomization(_))
    ));
}

#[test]
fn save_replaces_a_file_whole_or_not_at_all() {
    let dir = std::env::temp_dir().join(format!("manyworlds-{}-atomic", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let partials = |dir: &Path| {
        std::fs::read_dir(dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .contains(".partial")
            })
            .count()
    };
    let (cartpole, pendulum) = (builtin("cartpole").unwrap(), builtin("pendulum").unwrap());
    let path = dir.join("scene.json");
    scene_file::save(&path, &cartpole.scene, &cartpole.params).unwrap();
    scene_file::save(&path, &pendulum.scene, &pendulum.params).unwrap();
    assert_eq!(scene_file::load(&path).unwrap().scene, pendulum.scene);
    // A rename onto a folder fails: the folder stays, and no partial file is left behind.
    let folder = dir.join("folder.json");
    std::fs::create_dir_all(&folder).unwrap();
    let refused = scene_file::save(&folder, &cartpole.scene, &cartpole.params);
    assert!(
        matches!(refused, Err(SaveError::Write { .. })),
        "{refused:?}"
    );
    assert!(folder.is_dir());
    assert_eq!(partials(&dir), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A scene with a convex hull: the hull is written once, as its points, and comes back bit
/// for bit with the collider's scale; a collider naming a missing hull, or a hull whose
/// points have no volume, is refused with the element at fault.
#[test]
fn a_scene_with_a_hull_round_trips_and_bad_hulls_are_refused() {
    use manyworlds_core::ConvexHull;
    let points = [
        Vec3::new(0.0, 0.0, 0.0),
        Vec3::new(0.5, 0.0, 0.0),
        Vec3::new(0.0, 0.25, 0.0),
        Vec3::new(0.0, 0.0, 0.125),
        Vec3::new(0.3, 0.2, 0.1),
    ];
    let mut builder = SceneBuilder::new();
    let hull = builder.add_hull(ConvexHull::from_points(&points, 64).unwrap().0);
    builder.add_body(BodyDesc::fixed("ground").collider(ColliderDesc::new(Shape::Plane)));
    builder.add_body(
        BodyDesc::dynamic("rock")
            .at(Vec3::new(0.0, 0.0, 1.0))
            .collider(ColliderDesc::new(Shape::hull(
                hull,
                Vec3::new(1.0, 2.0, 0.5),
            ))),
    );
    let scene = builder.build().unwrap();
    let text = assert_round_trip(&scene, &StepParams::default(), "hull");
    assert_eq!(text.matches("\"points\"").count(), 1, "{text}");

    let missing = text.replacen("\"hull\": 0", "\"hull\": 3", 1);
    assert_ne!(missing, text, "{text}");
    let e = scene_file::parse(&missing, "missing.json")
        .unwrap_err()
        .to_string();
    assert!(e.contains("hull 3") && e.contains("rock"), "{e}");

    // Every point onto the plane x = 0: no volume left.
    let stored =
        "[[0.0, 0.0, 0.0], [0.0, 0.0, 0.125], [0.0, 0.25, 0.0], [0.3, 0.2, 0.1], [0.5, 0.0, 0.0]]";
    let flat = text.replacen(
        stored,
        "[[0.0, 0.0, 0.0], [0.0, 0.0, 0.125], [0.0, 0.25, 0.0], [0.0, 0.2, 0.1], [0.0, 0.5, 0.0]]",
        1,
    );
    assert_ne!(flat, text, "{text}");
    let e = scene_file::parse(&flat, "flat.json")
        .unwrap_err()
        .to_string();
    assert!(e.contains("no volume") || e.contains("convex"), "{e}");
}
