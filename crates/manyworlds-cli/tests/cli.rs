//! Runs the real `manyworlds` binary.

use std::process::{Command, Output};

fn manyworlds(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_manyworlds"))
        .args(args)
        .output()
        .expect("the manyworlds binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8")
}

#[test]
fn tower_json_summary_stands() {
    let out = manyworlds(&["run", "tower", "--worlds", "4", "--steps", "200", "--json"]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    // Exactly one JSON value on stdout, nothing else.
    let summary: serde_json::Value = serde_json::from_str(&text).expect("stdout is one JSON value");
    assert!(summary.is_object(), "{text}");
    assert_eq!(text.trim().lines().count(), 1, "{text}");

    let num = |key: &str| {
        summary[key]
            .as_f64()
            .unwrap_or_else(|| panic!("{key} is a number in {text}"))
    };
    assert_eq!(summary["scene"], "tower");
    assert_eq!(summary["backend"], "cpu");
    assert_eq!(summary["worlds"], 4);
    assert_eq!(summary["steps"], 200);
    assert_eq!(summary["non_finite_worlds"], 0);
    assert_eq!(summary["bodies_below_ground"], 0);
    assert!(num("max_penetration_m") < 0.005, "{text}");
    assert!(num("world_steps_per_second") > 0.0, "{text}");
    assert!(
        num("body_steps_per_second") > num("world_steps_per_second"),
        "{text}"
    );
    assert!((num("simulated_time_s") - 2.0).abs() < 1e-6, "{text}");
    // Ten cubes placed exactly on each other and left alone for 2 s: physically every one of
    // them is at rest (the engine gets max speeds near 1.5 mm/s here, well below the 1 cm/s
    // threshold).
    assert_eq!(
        num("resting_fraction"),
        1.0,
        "the tower is not at rest after 2 s: {text}"
    );
    assert!(
        num("max_speed_m_per_s") < num("rest_speed_m_per_s"),
        "{text}"
    );
    // Every cube touches its neighbour or the ground: at least 4 points per face pair.
    assert!(
        num("contact_points_last_step") >= 4.0 * 10.0 * 4.0,
        "{text}"
    );
}

#[test]
fn human_summary_with_one_thread() {
    let out = manyworlds(&[
        "run",
        "boxes",
        "--worlds",
        "2",
        "--steps",
        "3",
        "--threads",
        "1",
    ]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    for needle in [
        "boxes",
        "cpu",
        "world-steps/s",
        "max penetration",
        "resting",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    assert!(text.contains("threads           1"), "{text}");
}

#[test]
fn unknown_scene_is_refused_with_the_valid_names() {
    let out = manyworlds(&["run", "domino"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("domino"), "{err}");
    for name in [
        "boxes",
        "tower",
        "pyramid",
        "pendulum",
        "double_pendulum",
        "chain10",
        "cartpole",
        "ant",
    ] {
        assert!(err.contains(name), "{err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    assert!(stdout(&out).is_empty());
}

/// Runs `args`, which must fail with a message naming `flag` and without a panic.
fn assert_refused_naming(args: &[&str], flag: &str) {
    let out = manyworlds(args);
    assert!(!out.status.success(), "{args:?} was accepted");
    let err = stderr(&out);
    assert!(err.contains(flag), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
}

#[test]
fn bad_counts_are_refused_naming_the_flag() {
    assert_refused_naming(&["run", "tower", "--worlds", "0"], "--worlds");
    assert_refused_naming(&["run", "tower", "--worlds", "100000000000"], "--worlds");
    assert_refused_naming(&["run", "tower", "--threads", "0"], "--threads");
    assert_refused_naming(&["run", "tower", "--steps", "0"], "--steps");
}

#[test]
fn scenes_lists_the_builtin_scenes() {
    let out = manyworlds(&["scenes"]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    for name in [
        "boxes",
        "tower",
        "pyramid",
        "pendulum",
        "double_pendulum",
        "chain10",
        "cartpole",
        "ant",
    ] {
        assert!(
            text.lines().any(|l| l.starts_with(name)),
            "no line for {name} in:\n{text}"
        );
    }
}

/// `run` on a scene with actuators drives them with random controls and reports how well the
/// joints held.
#[test]
fn robots_run_with_random_controls() {
    for (scene, joints, actuators) in [("cartpole", 2, 1), ("ant", 9, 8)] {
        let out = manyworlds(&[
            "run",
            scene,
            "--worlds",
            "16",
            "--steps",
            "300",
            "--backend",
            "cpu",
            "--seed",
            "7",
            "--json",
        ]);
        assert!(out.status.success(), "{scene}: {}", stderr(&out));
        let text = stdout(&out);
        let summary: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(summary["joints_per_world"], joints, "{text}");
        assert_eq!(summary["actuators_per_world"], actuators, "{text}");
        assert_eq!(summary["control_seed"], 7, "{text}");
        assert_eq!(summary["non_finite_worlds"], 0, "{text}");
        let separation = summary["max_joint_separation_m"]
            .as_f64()
            .unwrap_or_else(|| panic!("a separation in {text}"));
        assert!(separation < 0.01, "{scene}: joints apart by {separation} m");
    }
    // Without actuators there is no seed to report.
    let out = manyworlds(&["run", "chain10", "--worlds", "2", "--steps", "10", "--json"]);
    let summary: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert!(summary["control_seed"].is_null(), "{}", stdout(&out));
}

/// Whether the GPU half of a test can run: a loud skip without an adapter, a failure when
/// MANYWORLDS_REQUIRE_GPU=1.
fn gpu_present(test: &str) -> bool {
    let out = manyworlds(&["devices"]);
    assert!(out.status.success(), "devices fails: {}", stderr(&out));
    let listed = !stdout(&out).starts_with("no GPU adapter");
    if !listed {
        if std::env::var("MANYWORLDS_REQUIRE_GPU").is_ok_and(|v| v.trim() == "1") {
            panic!("{test}: MANYWORLDS_REQUIRE_GPU=1 but `manyworlds devices` lists no adapter");
        }
        eprintln!("SKIPPED {test}: no GPU adapter");
    }
    listed
}

#[test]
fn tower_on_the_gpu_backend_stands_and_reports_its_adapter() {
    if !gpu_present("tower_on_the_gpu_backend_stands_and_reports_its_adapter") {
        return;
    }
    let out = manyworlds(&[
        "run",
        "tower",
        "--worlds",
        "4",
        "--steps",
        "200",
        "--backend",
        "gpu",
        "--json",
    ]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    let summary: serde_json::Value = serde_json::from_str(&text).expect("stdout is one JSON value");
    let num = |key: &str| {
        summary[key]
            .as_f64()
            .unwrap_or_else(|| panic!("{key} is a number in {text}"))
    };
    assert_eq!(summary["backend"], "gpu");
    assert_eq!(summary["backend_requested"], "gpu");
    let device = summary["device"].as_str().expect("device is a string");
    let devices = stdout(&manyworlds(&["devices"]));
    assert!(
        devices.contains(device),
        "the adapter {device:?} is one `devices` lists:\n{devices}"
    );
    assert!(num("cold_start_s") >= num("setup_time_s"), "{text}");
    assert!(num("memory_per_world_bytes") > 0.0, "{text}");
    assert!(num("contact_capacity_per_world") > 0.0, "{text}");
    assert_eq!(summary["non_finite_worlds"], 0);
    assert_eq!(summary["bodies_below_ground"], 0);
    assert!(num("max_penetration_m") < 0.005, "{text}");
    assert_eq!(
        num("resting_fraction"),
        1.0,
        "the tower is not at rest: {text}"
    );
}

#[test]
fn auto_without_a_hardware_gpu_says_why_it_took_the_cpu() {
    let devices = stdout(&manyworlds(&["devices"]));
    if devices.contains("[hardware]") {
        eprintln!("SKIPPED auto_without_a_hardware_gpu_says_why_it_took_the_cpu: a hardware GPU is present");
        return;
    }
    let out = manyworlds(&["run", "tower", "--worlds", "2", "--steps", "5", "--json"]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let summary: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(summary["backend"], "cpu");
    let reason = summary["backend_reason"].as_str().expect("a reason");
    assert!(reason.contains("no hardware GPU"), "{reason}");
}

/// A path in the temporary directory, unique to this test process.
fn temp_path(name: &str) -> String {
    let path = std::env::temp_dir().join(format!("manyworlds-cli-{}-{name}", std::process::id()));
    path.to_str().expect("a UTF-8 temporary path").to_owned()
}

#[test]
fn convert_writes_a_scene_file_that_run_and_inspect_read() {
    let hopper = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/assets/gymnasium/hopper.xml"
    );
    let file = temp_path("hopper.json");
    let out = manyworlds(&["convert", hopper, "-o", &file]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert!(
        stdout(&out).starts_with(&format!("wrote {file}: ")),
        "{}",
        stdout(&out)
    );

    let inspected = manyworlds(&["inspect", &file]);
    let original = manyworlds(&["inspect", hopper]);
    assert!(inspected.status.success(), "stderr: {}", stderr(&inspected));
    // The same report but for the file name (the scene file keeps no loader warnings).
    let body = |out: &Output| {
        let text = stdout(out);
        let start = text.find("\nbodies").expect("a bodies section");
        let end = text.find("\nwarnings").expect("a warnings section");
        text[start..end].to_owned()
    };
    assert_eq!(body(&inspected), body(&original));

    let run = manyworlds(&[
        "run",
        &file,
        "--worlds",
        "2",
        "--steps",
        "20",
        "--backend",
        "cpu",
        "--json",
    ]);
    std::fs::remove_file(&file).expect("the file was written");
    assert!(run.status.success(), "stderr: {}", stderr(&run));
    let summary: serde_json::Value = serde_json::from_str(&stdout(&run)).expect("one JSON value");
    assert_eq!(summary["scene"], file.as_str());
    assert_eq!(summary["non_finite_worlds"], 0);
    assert_eq!(summary["actuators_per_world"], 3);
}

#[test]
fn convert_says_what_a_builtin_scene_file_leaves_out_and_wants_json() {
    let file = temp_path("boxes.json");
    let out = manyworlds(&["convert", "boxes", "--output", &file]);
    std::fs::remove_file(&file).expect("the file was written");
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert!(
        stderr(&out).contains("per-world randomization"),
        "{}",
        stderr(&out)
    );

    let out = manyworlds(&["convert", "pendulum", "-o", &temp_path("pendulum.xml")]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--output"), "{}", stderr(&out));
    let out = manyworlds(&["convert", "no_such_scene", "-o", &temp_path("x.json")]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("unknown scene"), "{}", stderr(&out));
}

#[test]
fn one_step_is_one_step() {
    // The boxes start in free fall: after exactly one step of dt the fastest moves at g·dt
    // (after two it would be twice that).
    let out = manyworlds(&[
        "run",
        "boxes",
        "--worlds",
        "1",
        "--steps",
        "1",
        "--backend",
        "cpu",
        "--json",
    ]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let summary: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let speed = summary["max_speed_m_per_s"].as_f64().expect("max speed");
    let one_step = 9.81 * 0.01;
    assert!(
        (speed - one_step).abs() < 0.01 * one_step,
        "fastest box at {speed} m/s after --steps 1, g·dt = {one_step}"
    );
}

/// A scene file of one ball over a plane, launched at `velocity` (JSON numbers).
fn launched_ball(name: &str, velocity: &str) -> std::path::PathBuf {
    let dir = std::path::PathBuf::from(temp_path(name));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let model = dir.join("ball.xml");
    std::fs::write(
        &model,
        r#"<mujoco><worldbody><geom type="plane" size="5 5 0.1"/>
           <body name="ball" pos="0 0 0.2"><freejoint/><geom type="sphere" size="0.1" mass="1"/></body>
           </worldbody></mujoco>"#,
    )
    .expect("model written");
    let scene = dir.join("ball.json");
    let out = manyworlds(&[
        "convert",
        model.to_str().unwrap(),
        "-o",
        scene.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let text = std::fs::read_to_string(&scene).expect("scene file");
    let at = text.find("\"ball\"").expect("the ball");
    let start = at
        + text[at..]
            .find("\"linear_velocity\"")
            .expect("its velocity");
    let end = start + text[start..].find(']').expect("the array's end");
    let patched = format!(
        "{}\"linear_velocity\": [{velocity}{}",
        &text[..start],
        &text[end..]
    );
    std::fs::write(&scene, patched).expect("scene patched");
    scene
}

#[test]
fn worlds_that_go_non_finite_fail_the_run_and_are_named() {
    // Launched near f32's largest value, the ball's state overflows in the first step.
    let scene = launched_ball("nan", "3e38, 3e38, -3e38");
    let path = scene.to_str().unwrap();
    let args = [
        "run",
        path,
        "--worlds",
        "2",
        "--steps",
        "5",
        "--backend",
        "cpu",
    ];
    let out = manyworlds(&args);
    assert!(
        !out.status.success(),
        "a non-finite run exited with success"
    );
    let err = stderr(&out);
    assert!(
        err.contains("2 of 2 worlds went non-finite") && err.contains("\"ball\""),
        "{err}"
    );
    let text = stdout(&out);
    assert!(text.contains("no finite world to measure"), "{text}");
    assert!(
        !text.contains("resting"),
        "figures of NaN worlds printed: {text}"
    );
    let kept = manyworlds(&[&args[..], &["--keep-going"]].concat());
    assert!(kept.status.success(), "stderr: {}", stderr(&kept));
}
