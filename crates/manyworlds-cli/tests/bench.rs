//! `manyworlds bench` on tiny matrices: the table, `bench.json`'s structure and the plots.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn manyworlds(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_manyworlds"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .output()
        .expect("the manyworlds binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// A fresh folder for one test's outputs.
fn out_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn cells(json: &Value, scene: usize) -> &Vec<Value> {
    json["scenes"][scene]["cells"]
        .as_array()
        .expect("cells is a list")
}

fn cell<'a>(json: &'a Value, scene: usize, engine: &str, backend: &str) -> &'a Value {
    cells(json, scene)
        .iter()
        .find(|c| c["engine"] == engine && c["backend"] == backend)
        .unwrap_or_else(|| panic!("no {engine} {backend} cell in {json}"))
}

#[test]
fn tiny_bench_writes_table_json_and_plots() {
    let dir = out_dir("bench-tiny");
    let dir_arg = dir.to_str().expect("a UTF-8 path");
    let out = manyworlds(&[
        "bench",
        "--scenes",
        "boxes,cartpole",
        "--worlds",
        "4",
        "--steps",
        "10",
        "--reps",
        "2",
        "--warmup",
        "1",
        "--backends",
        "cpu",
        "--peers",
        "rapier",
        "--out",
        dir_arg,
    ]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    for expected in ["world-steps/s", "manyworlds cpu", "rapier cpu", "n/a"] {
        assert!(stdout.contains(expected), "no {expected:?} in\n{stdout}");
    }

    let json: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("bench.json")).expect("bench.json is written"),
    )
    .expect("bench.json is JSON");
    assert_eq!(json["settings"]["worlds"], serde_json::json!([4]));
    assert_eq!(json["settings"]["reps"], 2);
    assert!(json["date_utc"].is_string() && json["command"].is_array());
    assert!(json["limits"]["max_penetration_m"].is_number());
    assert_eq!(json["scenes"][0]["scene"], "boxes");
    assert_eq!(json["scenes"][1]["scene"], "cartpole");

    let ours = cell(&json, 0, "manyworlds", "cpu");
    assert_eq!(ours["status"], "ok", "{ours}");
    assert_eq!(ours["worlds"], 4);
    assert_eq!(ours["runs"].as_array().map(Vec::len), Some(2), "{ours}");
    assert!(
        ours["world_steps_per_second"].as_f64() > Some(0.0),
        "{ours}"
    );
    assert!(ours["cold_start_s"].as_f64() > Some(0.0), "{ours}");
    assert!(ours["memory_per_world_bytes"].as_u64() > Some(0), "{ours}");
    assert_eq!(ours["plausible"], true, "{ours}");
    assert_eq!(ours["plausibility"]["non_finite_worlds"], 0, "{ours}");
    assert!(
        ours["plausibility"]["max_speed_m_per_s"].is_number(),
        "{ours}"
    );
    assert_eq!(ours["best_peer"], "rapier cpu", "{ours}");
    assert!(ours["ratio_to_best_peer"].as_f64() > Some(0.0), "{ours}");

    let rapier = cell(&json, 0, "rapier", "cpu");
    assert_eq!(rapier["status"], "ok", "{rapier}");
    assert_eq!(rapier["plausible"], true, "{rapier}");
    assert_eq!(rapier["plausibility"]["non_finite_worlds"], 0, "{rapier}");

    // The cart-pole has joints: Rapier says n/a; manyworlds measures its joints.
    assert_eq!(cell(&json, 1, "rapier", "cpu")["status"], "not_applicable");
    let cartpole = cell(&json, 1, "manyworlds", "cpu");
    assert!(
        cartpole["plausibility"]["max_joint_separation_m"].is_number(),
        "{cartpole}"
    );

    for stem in ["boxes", "cartpole"] {
        let png = std::fs::read(dir.join(format!("bench-{stem}.png"))).expect("the PNG exists");
        assert!(png.starts_with(b"\x89PNG"), "bench-{stem}.png is not a PNG");
        let svg =
            std::fs::read_to_string(dir.join(format!("bench-{stem}.svg"))).expect("the SVG exists");
        assert!(
            svg.contains("<svg") && svg.contains("manyworlds cpu"),
            "bench-{stem}.svg"
        );
    }
}

#[test]
fn mujoco_runs_the_same_file_or_says_why_not() {
    let dir = out_dir("bench-mujoco");
    let out = manyworlds(&[
        "bench",
        "--scenes",
        "tests/assets/gymnasium/hopper.xml",
        "--worlds",
        "2",
        "--steps",
        "5",
        "--reps",
        "1",
        "--warmup",
        "0",
        "--backends",
        "cpu",
        "--peers",
        "mujoco",
        "--out",
        dir.to_str().expect("a UTF-8 path"),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("bench.json")).expect("bench.json is written"),
    )
    .expect("bench.json is JSON");
    for mode in ["lockstep", "rollout"] {
        let mujoco = cell(&json, 0, "mujoco", mode);
        if json["mujoco_version"].is_string() {
            assert_eq!(mujoco["status"], "ok", "{mujoco}");
            assert!(
                mujoco["world_steps_per_second"].as_f64() > Some(0.0),
                "{mujoco}"
            );
            assert_eq!(mujoco["plausibility"]["non_finite_worlds"], 0, "{mujoco}");
        } else {
            assert_eq!(mujoco["status"], "not_applicable", "{mujoco}");
        }
    }
}

#[test]
fn bad_arguments_are_named() {
    let dir = out_dir("bench-bad");
    let dir_arg = dir.to_str().expect("a UTF-8 path");
    for (args, named) in [
        (vec!["--scenes", "nosuch"], "--scenes"),
        (vec!["--scenes", "missing.xml"], "--scenes"),
        (vec!["--worlds", "0"], "--worlds"),
        (vec!["--peers", "none,rapier"], "--peers"),
        (vec!["--max-cell-seconds=0"], "--max-cell-seconds"),
    ] {
        let mut all = vec!["bench", "--out", dir_arg];
        all.extend(args.iter().copied());
        let out = manyworlds(&all);
        assert!(!out.status.success(), "{args:?} accepted");
        let stderr = text(&out.stderr);
        assert!(stderr.contains(named), "{args:?}: {stderr}");
    }
}

#[test]
fn cells_estimated_too_long_are_skipped_and_say_so() {
    let dir = out_dir("bench-skip");
    let out = manyworlds(&[
        "bench",
        "--scenes",
        "boxes",
        "--worlds",
        "1,2",
        "--steps",
        "5",
        "--reps",
        "1",
        "--backends",
        "cpu",
        "--peers",
        "none",
        "--max-cell-seconds",
        "0.000000001",
        "--out",
        dir.to_str().expect("a UTF-8 path"),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("bench.json")).expect("bench.json is written"),
    )
    .expect("bench.json is JSON");
    let ours: Vec<&Value> = cells(&json, 0).iter().collect();
    assert_eq!(ours.len(), 2, "{json}");
    for cell in ours {
        assert_eq!(cell["status"], "skipped", "{cell}");
        assert!(
            cell["note"]
                .as_str()
                .is_some_and(|n| n.starts_with("skipped")),
            "{cell}"
        );
        assert!(cell["world_steps_per_second"].is_null(), "{cell}");
    }
    assert!(text(&out.stdout).contains("skipped"));
}
