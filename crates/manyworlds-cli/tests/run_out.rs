//! `manyworlds run --out DIR`: the `.npy` trajectories hold the states the library steps to,
//! frame for frame, and a run killed midway leaves files that read back whole.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use manyworlds::scenes::builtin;
use manyworlds::{Backend, Sim, SimOptions};
use serde_json::Value;

fn manyworlds() -> Command {
    Command::new(env!("CARGO_BIN_EXE_manyworlds"))
}

fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("manyworlds-run-out-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A `.npy` file as numpy reads it: its shape and its float32 values (only as many as the
/// shape counts; bytes past them are ignored, as `np.load` ignores them).
fn read_npy(path: &Path) -> (Vec<usize>, Vec<f32>) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        &bytes[..8],
        b"\x93NUMPY\x01\x00",
        "{}: magic",
        path.display()
    );
    let length = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    assert_eq!((10 + length) % 64, 0, "the data is 64-byte aligned");
    let header = std::str::from_utf8(&bytes[10..10 + length]).unwrap();
    assert!(header.contains("'descr': '<f4'") && header.contains("'fortran_order': False"));
    let shape_text = header
        .split("'shape': (")
        .nth(1)
        .unwrap()
        .split(')')
        .next()
        .unwrap();
    let shape: Vec<usize> = shape_text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    let count: usize = shape.iter().product();
    let data = &bytes[10 + length..];
    assert!(
        data.len() >= 4 * count,
        "{}: {} bytes for {shape:?}",
        path.display(),
        data.len()
    );
    let values = data[..4 * count]
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    (shape, values)
}

fn manifest(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

#[test]
fn trajectories_are_the_states_the_library_steps_to() {
    let dir = scratch("double-pendulum");
    let (worlds, steps, every) = (3usize, 40usize, 4usize);
    let output = manyworlds()
        .args([
            "run",
            "double_pendulum",
            "--backend",
            "cpu",
            "--fields",
            "positions,q",
        ])
        .args([
            "--worlds",
            &worlds.to_string(),
            "--steps",
            &steps.to_string(),
        ])
        .args([
            "--every",
            &every.to_string(),
            "--out",
            dir.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let m = manifest(&dir);
    assert_eq!(m["frames"], steps / every + 1);
    assert_eq!(m["complete"], true);

    let scene = builtin("double_pendulum").unwrap();
    let options = SimOptions {
        backend: Backend::Cpu,
        ..SimOptions::default()
    };
    let mut sim = Sim::from_builtin(&scene, worlds, &options).unwrap();
    let bodies = sim.stride();
    let nq = sim.scene().joint_position_count();
    let (shape, positions) = read_npy(&dir.join("positions.npy"));
    assert_eq!(shape, [steps / every + 1, worlds, bodies, 3]);
    let (shape, q) = read_npy(&dir.join("q.npy"));
    assert_eq!(shape, [steps / every + 1, worlds, nq]);
    let mut expected_q = vec![0.0; worlds * nq];
    for frame in 0..=steps / every {
        if frame > 0 {
            sim.step_n(every).unwrap();
        }
        let expected: Vec<f32> = sim
            .positions()
            .unwrap()
            .iter()
            .flat_map(|p| p.to_array())
            .collect();
        let size = worlds * bodies * 3;
        assert_eq!(
            &positions[frame * size..][..size],
            &expected[..],
            "frame {frame}"
        );
        sim.joint_positions(&mut expected_q).unwrap();
        assert_eq!(
            &q[frame * worlds * nq..][..worlds * nq],
            &expected_q[..],
            "q, frame {frame}"
        );
    }
    // The pendulums swing: the file is not the start repeated.
    assert_ne!(&q[..worlds * nq], &q[q.len() - worlds * nq..]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_killed_run_leaves_readable_trajectories() {
    let dir = scratch("killed");
    let mut child = manyworlds()
        .args([
            "run",
            "chain10",
            "--backend",
            "cpu",
            "--worlds",
            "16",
            "--steps",
            "100000000",
        ])
        .args([
            "--fields",
            "positions,linear-velocities",
            "--out",
            dir.to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait for a few flushes, then kill without warning.
    let began = Instant::now();
    loop {
        let frames = std::fs::read_to_string(dir.join("manifest.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .and_then(|m| m["frames"].as_u64())
            .unwrap_or(0);
        if frames >= 40 {
            break;
        }
        assert!(
            began.elapsed() < Duration::from_secs(120),
            "no frames written"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let m = manifest(&dir);
    assert_eq!(m["complete"], false);
    let listed = m["frames"].as_u64().unwrap() as usize;
    let (shape, positions) = read_npy(&dir.join("positions.npy"));
    let (velocity_shape, velocities) = read_npy(&dir.join("linear_velocities.npy"));
    assert_eq!(shape[1..], [16, 10, 3]);
    assert_eq!(shape[0], velocity_shape[0]);
    assert!(
        shape[0] >= listed,
        "the files hold {} frames, the manifest {listed}",
        shape[0]
    );
    assert!(positions.iter().chain(&velocities).all(|v| v.is_finite()));
    let size = 16 * 10 * 3;
    let last = &positions[(shape[0] - 1) * size..][..size];
    assert_ne!(&positions[..size], last, "the chain moved");
    std::fs::remove_dir_all(&dir).unwrap();
}
