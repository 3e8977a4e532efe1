//! The model options of `run` and `inspect` for real URDF robots: `--drive` with gains,
//! `--package-path`, and the repairs `inspect` lists.

use std::process::{Command, Output};

fn manyworlds(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_manyworlds"))
        .args(args)
        .output()
        .expect("the manyworlds binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

fn asset(file: &str) -> String {
    format!(
        "{}/../../tests/assets/pybullet_data/{file}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn inspect_lists_drives_with_effort_limits_and_every_repair() {
    let out = manyworlds(&[
        "inspect",
        &asset("laikago/laikago.urdf"),
        "--lenient",
        "--drive",
        "position",
        "--kp",
        "80",
        "--kv",
        "4",
    ]);
    let report = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(report.contains("actuators (12):"), "{report}");
    let servos = report
        .lines()
        .filter(|l| {
            l.contains(" position on ")
                && l.contains("kp 80 kv 4")
                && l.ends_with("force limit 100")
        })
        .count();
    assert_eq!(servos, 12, "{report}");
    assert!(report.contains("repairs (13):"), "{report}");
    assert!(
        report.contains("body \"chassis\": an inertia of zeros"),
        "{report}"
    );
}

#[test]
fn a_position_drive_needs_its_gains() {
    let out = manyworlds(&[
        "inspect",
        &asset("kuka_iiwa/model.urdf"),
        "--drive",
        "position",
    ]);
    assert!(!out.status.success());
    let error = text(&out.stderr);
    assert!(error.contains("--kp") && error.contains("--kv"), "{error}");
}

#[test]
fn run_steps_a_driven_kuka() {
    let out = manyworlds(&[
        "run",
        &asset("kuka_iiwa/model.urdf"),
        "--lenient",
        "--drive",
        "position",
        "--kp",
        "300",
        "--kv",
        "30",
        "--worlds",
        "2",
        "--steps",
        "20",
        "--json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(summary["non_finite_worlds"], 0, "{summary}");
}

#[test]
fn package_path_finds_a_package_elsewhere() {
    let dir = std::env::temp_dir().join(format!("manyworlds-cli-packages-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("shelf/arm_description/meshes")).unwrap();
    std::fs::create_dir_all(dir.join("robot")).unwrap();
    std::fs::write(
        dir.join("shelf/arm_description/meshes/base.stl"),
        "solid t\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nvertex 0 1 0\nendloop\nendfacet\nendsolid t\n",
    )
    .unwrap();
    let urdf = dir.join("robot/robot.urdf");
    std::fs::write(
        &urdf,
        r#"<robot name="r"><link name="base">
  <inertial><mass value="1"/><inertia ixx="0.1" iyy="0.1" izz="0.1"/></inertial>
  <collision><geometry><mesh filename="package://arm_description/meshes/base.stl"/></geometry></collision>
</link></robot>"#,
    )
    .unwrap();
    let urdf = urdf.to_str().unwrap();
    let out = manyworlds(&["inspect", urdf, "--lenient"]);
    assert!(!out.status.success());
    let error = text(&out.stderr);
    assert!(
        error.contains("package \"arm_description\" not found"),
        "{error}"
    );
    let shelf = dir.join("shelf");
    let out = manyworlds(&[
        "inspect",
        urdf,
        "--lenient",
        "--package-path",
        shelf.to_str().unwrap(),
    ]);
    let report = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(report.contains("3 vertices read"), "{report}");
    let _ = std::fs::remove_dir_all(&dir);
}
