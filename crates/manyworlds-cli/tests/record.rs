//! `manyworlds record`: the LeRobot v3.0 layout read back with the parquet crate, the numbers
//! against the env stepped here, determinism across thread counts, `--only-success`, file
//! rollover, and a recording killed midway then resumed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Float64Type, Int64Type, UInt64Type};
use arrow_array::{Array, RecordBatch};
use manyworlds::rng::{splitmix64, unit_f64};
use manyworlds::tasks::{CartPoleBalance, CartPoleSpec, EnvOptions};
use manyworlds::{Backend, SimOptions, StepOutput, VecEnv};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::Value;

fn manyworlds(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_manyworlds"))
        .args(args)
        .output()
        .expect("the manyworlds binary runs")
}

fn record(out: &Path, args: &[&str]) -> Output {
    let mut all = vec!["record"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--backend", "cpu", "--out", out.to_str().unwrap()]);
    let output = manyworlds(&all);
    assert!(
        output.status.success(),
        "record {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A fresh folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("manyworlds-record-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    dir
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

fn read(path: &Path) -> RecordBatch {
    let file = fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let schema = builder.schema().clone();
    let batches: Vec<RecordBatch> = builder.build().unwrap().map(Result::unwrap).collect();
    arrow_select::concat::concat_batches(&schema, &batches).unwrap()
}

/// The `chunk-*/file-*.parquet` files under `folder`, in order.
fn parquet_files(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for chunk in fs::read_dir(folder).unwrap() {
        for file in fs::read_dir(chunk.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            if path.extension().is_some_and(|e| e == "parquet") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Every file's rows, in order.
fn rows(folder: &Path) -> RecordBatch {
    let batches: Vec<RecordBatch> = parquet_files(folder).iter().map(|p| read(p)).collect();
    arrow_select::concat::concat_batches(&batches[0].schema(), &batches).unwrap()
}

fn ints(batch: &RecordBatch, name: &str) -> Vec<i64> {
    let column = batch
        .column_by_name(name)
        .unwrap_or_else(|| panic!("column {name}"));
    column.as_primitive::<Int64Type>().values().to_vec()
}

fn floats(batch: &RecordBatch, name: &str) -> Vec<f32> {
    let column = batch
        .column_by_name(name)
        .unwrap_or_else(|| panic!("column {name}"));
    match column.as_fixed_size_list_opt() {
        Some(list) => list
            .values()
            .as_primitive::<Float32Type>()
            .values()
            .to_vec(),
        None => column.as_primitive::<Float32Type>().values().to_vec(),
    }
}

fn bools(batch: &RecordBatch, name: &str) -> Vec<bool> {
    let column = batch
        .column_by_name(name)
        .unwrap_or_else(|| panic!("column {name}"));
    column.as_boolean().iter().map(Option::unwrap).collect()
}

/// Row `row` of list column `name` as f64.
fn list(batch: &RecordBatch, name: &str, row: usize) -> Vec<f64> {
    let values = batch
        .column_by_name(name)
        .unwrap()
        .as_list::<i32>()
        .value(row);
    match values.as_primitive_opt::<Float64Type>() {
        Some(v) => v.values().to_vec(),
        None => values
            .as_primitive::<Int64Type>()
            .values()
            .iter()
            .map(|&v| v as f64)
            .collect(),
    }
}

/// A dataset as `info.json` declares it: the episodes it counts and their frames.
struct Dataset {
    info: Value,
    episodes: RecordBatch,
    frames: RecordBatch,
}

/// Reads the dataset in `dir` and checks that it is consistent: the episodes and frames that
/// `info.json` counts are there, contiguous and in order (rows past them, which a killed run
/// may leave at the end, are not counted).
fn check(dir: &Path) -> Dataset {
    let info = json(&dir.join("meta/info.json"));
    assert_eq!(info["codebase_version"], "v3.0");
    assert_eq!(
        info["data_path"],
        "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet"
    );
    assert_eq!(info["video_path"], Value::Null);
    assert_eq!(info["total_tasks"], 1);
    assert_eq!(info["chunks_size"], 1000);
    let total_episodes = info["total_episodes"].as_u64().unwrap() as usize;
    let total_frames = info["total_frames"].as_u64().unwrap() as usize;
    assert_eq!(info["splits"]["train"], format!("0:{total_episodes}"));
    let episodes = rows(&dir.join("meta/episodes"));
    let episodes = episodes.slice(0, total_episodes);
    let frames = rows(&dir.join("data"));
    assert!(frames.num_rows() >= total_frames);
    let frames = frames.slice(0, total_frames);

    assert_eq!(
        ints(&episodes, "episode_index"),
        (0..total_episodes as i64).collect::<Vec<_>>()
    );
    let lengths = ints(&episodes, "length");
    assert_eq!(
        lengths.iter().sum::<i64>() as usize,
        total_frames,
        "frames = sum of lengths"
    );
    let (from, to) = (
        ints(&episodes, "dataset_from_index"),
        ints(&episodes, "dataset_to_index"),
    );
    let mut next = 0;
    for e in 0..total_episodes {
        assert_eq!((from[e], to[e]), (next, next + lengths[e]), "episode {e}");
        next = to[e];
    }
    assert_eq!(
        ints(&frames, "index"),
        (0..total_frames as i64).collect::<Vec<_>>()
    );
    let (episode_index, frame_index) =
        (ints(&frames, "episode_index"), ints(&frames, "frame_index"));
    let (timestamp, done) = (floats(&frames, "timestamp"), bools(&frames, "next.done"));
    let fps = info["fps"].as_f64().unwrap() as f32;
    for e in 0..total_episodes {
        for i in from[e] as usize..to[e] as usize {
            let frame = i as i64 - from[e];
            assert_eq!((episode_index[i], frame_index[i]), (e as i64, frame));
            assert_eq!(timestamp[i], frame as f32 / fps);
            assert_eq!(
                done[i],
                i + 1 == to[e] as usize,
                "next.done only on the last frame"
            );
        }
    }
    assert!(ints(&frames, "task_index").iter().all(|&t| t == 0));
    let tasks = read(&dir.join("meta/tasks.parquet"));
    assert_eq!(ints(&tasks, "task_index"), [0]);
    assert_eq!(
        tasks
            .column_by_name("task")
            .unwrap()
            .as_string::<i32>()
            .len(),
        1
    );
    Dataset {
        info,
        episodes,
        frames,
    }
}

/// Statistics of `values` (`[rows × width]`): min, max, mean, std per value.
fn stats_of(values: &[f32], width: usize) -> [Vec<f64>; 4] {
    let n = (values.len() / width) as f64;
    let column = |j: usize| values.iter().skip(j).step_by(width).map(|&v| f64::from(v));
    let mut out: [Vec<f64>; 4] = Default::default();
    for j in 0..width {
        let mean = column(j).sum::<f64>() / n;
        out[0].push(column(j).fold(f64::INFINITY, f64::min));
        out[1].push(column(j).fold(f64::NEG_INFINITY, f64::max));
        out[2].push(mean);
        out[3].push((column(j).map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt());
    }
    out
}

fn assert_close(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g - w).abs() <= 1e-9 * (1.0 + w.abs()),
            "{what}: {got:?} against {want:?}"
        );
    }
}

/// The stats of float feature `key` (width `width`), per episode and over the dataset,
/// against the frames.
fn check_stats(dir: &Path, d: &Dataset, key: &str, width: usize) {
    let values = floats(&d.frames, key);
    let stats = json(&dir.join("meta/stats.json"));
    let all = stats_of(&values, width);
    for (k, name) in ["min", "max", "mean", "std"].iter().enumerate() {
        let got: Vec<f64> = stats[key][name]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_close(&got, &all[k], &format!("stats.json {key} {name}"));
    }
    assert_eq!(
        stats[key]["count"][0].as_u64().unwrap() as usize,
        values.len() / width
    );
    let (from, to) = (
        ints(&d.episodes, "dataset_from_index"),
        ints(&d.episodes, "dataset_to_index"),
    );
    for e in 0..d.episodes.num_rows() {
        let part = stats_of(
            &values[from[e] as usize * width..to[e] as usize * width],
            width,
        );
        for (k, name) in ["min", "max", "mean", "std"].iter().enumerate() {
            let got = list(&d.episodes, &format!("stats/{key}/{name}"), e);
            assert_close(&got, &part[k], &format!("episode {e} {key} {name}"));
        }
        let count = list(&d.episodes, &format!("stats/{key}/count"), e);
        assert_eq!(count, [(to[e] - from[e]) as f64]);
    }
    // Quantiles: exact per episode (numpy's linear interpolation); over the dataset the
    // envelope LeRobot's aggregation gives (least of the episodes' up to q50, greatest above).
    for (q, name) in [
        (0.01, "q01"),
        (0.10, "q10"),
        (0.50, "q50"),
        (0.90, "q90"),
        (0.99, "q99"),
    ] {
        let mut envelope = vec![
            if q <= 0.5 {
                f64::INFINITY
            } else {
                f64::NEG_INFINITY
            };
            width
        ];
        for e in 0..d.episodes.num_rows() {
            let part = &values[from[e] as usize * width..to[e] as usize * width];
            let want: Vec<f64> = (0..width)
                .map(|j| {
                    let mut c: Vec<f64> = part
                        .iter()
                        .skip(j)
                        .step_by(width)
                        .map(|&v| f64::from(v))
                        .collect();
                    c.sort_by(f64::total_cmp);
                    let at = q * (c.len() - 1) as f64;
                    let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
                    c[lo] + (c[hi] - c[lo]) * (at - lo as f64)
                })
                .collect();
            let got = list(&d.episodes, &format!("stats/{key}/{name}"), e);
            assert_close(&got, &want, &format!("episode {e} {key} {name}"));
            for (o, &g) in envelope.iter_mut().zip(&got) {
                *o = if q <= 0.5 { o.min(g) } else { o.max(g) };
            }
        }
        let got: Vec<f64> = stats[key][name]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(got, envelope, "stats.json {key} {name}");
    }
}

/// The CLI's random policy: uniform in [-1, 1], keyed by (seed, world, step, actuator).
fn random_action(seed: u64, world: usize, step: u64) -> f32 {
    let world_key = splitmix64(splitmix64(seed) ^ world as u64);
    let u = unit_f64(splitmix64(world_key ^ step)) as f32;
    -1.0 + 2.0 * u
}

#[test]
fn cartpole_dataset_has_the_lerobot_layout_and_the_envs_numbers() {
    let dir = scratch("cartpole");
    let (worlds, episodes, seed) = (3, 7, 11);
    let out = record(
        &dir,
        &[
            "cartpole",
            "--worlds",
            "3",
            "--episodes",
            "7",
            "--seed",
            "11",
        ],
    );
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("recorded 7 episodes"), "{summary}");
    let d = check(&dir);
    assert_eq!(d.info["total_episodes"], episodes);
    assert_eq!(d.info["fps"], 50);
    assert_eq!(d.info["robot_type"], "cartpole");
    assert_eq!(
        d.info["features"]["observation.state"]["shape"],
        serde_json::json!([4])
    );
    assert_eq!(d.info["features"]["observation.state"]["names"][2], "theta");
    assert_eq!(d.info["features"]["action"]["dtype"], "float32");
    assert_eq!(d.info["features"]["next.done"]["dtype"], "bool");
    assert_eq!(d.info["features"]["index"]["dtype"], "int64");
    assert_eq!(
        parquet_files(&dir.join("data")),
        [dir.join("data/chunk-000/file-000.parquet")]
    );
    assert!(dir
        .join("meta/episodes/chunk-000/file-000.parquet")
        .exists());

    // The env stepped here with the same seed and policy: each world's first episodes (3, 2
    // and 2 of them), in (step, world) order.
    let mut share = [3, 2, 2];
    let options = EnvOptions {
        sim: SimOptions {
            backend: Backend::Cpu,
            seed,
            ..SimOptions::default()
        },
        ..EnvOptions::default()
    };
    let mut env = CartPoleBalance::new(CartPoleSpec::default(), worlds, &options).unwrap();
    let mut out = StepOutput::new(&env);
    env.reset(seed, &mut out.obs).unwrap();
    let mut running: Vec<(Vec<f32>, Vec<f32>, Vec<f32>)> = vec![Default::default(); worlds];
    let mut finished = Vec::new();
    let mut step = 0;
    while finished.len() < episodes {
        let actions: Vec<f32> = (0..worlds).map(|w| random_action(seed, w, step)).collect();
        for w in 0..worlds {
            running[w].0.extend_from_slice(&out.obs[w * 4..][..4]);
            running[w].1.push(actions[w]);
        }
        env.step(&actions, &mut out).unwrap();
        step += 1;
        for (w, episode) in running.iter_mut().enumerate() {
            episode.2.push(out.reward[w]);
            if out.done(w) {
                let episode = std::mem::take(episode);
                if share[w] > 0 && finished.len() < episodes {
                    share[w] -= 1;
                    finished.push((w, episode));
                }
            }
        }
    }
    let (state, action, reward) = (
        floats(&d.frames, "observation.state"),
        floats(&d.frames, "action"),
        floats(&d.frames, "next.reward"),
    );
    let from = ints(&d.episodes, "dataset_from_index");
    let world = ints(&d.episodes, "manyworlds/world");
    let success = bools(&d.episodes, "manyworlds/success");
    let seeds = d
        .episodes
        .column_by_name("manyworlds/seed")
        .unwrap()
        .as_primitive::<UInt64Type>();
    for (e, (w, (s, a, r))) in finished.iter().take(episodes).enumerate() {
        let (start, len) = (from[e] as usize, r.len());
        assert_eq!(world[e], *w as i64, "episode {e}'s world");
        assert_eq!(seeds.value(e), seed);
        assert_eq!(
            &state[start * 4..(start + len) * 4],
            &s[..],
            "episode {e}'s states"
        );
        assert_eq!(&action[start..start + len], &a[..], "episode {e}'s actions");
        assert_eq!(&reward[start..start + len], &r[..], "episode {e}'s rewards");
        assert_eq!(success[e], len == 500, "episode {e} of {len} steps");
    }
    check_stats(&dir, &d, "observation.state", 4);
    check_stats(&dir, &d, "next.reward", 1);
    let stats = json(&dir.join("meta/stats.json"));
    assert_eq!(stats["index"]["max"][0], d.frames.num_rows() - 1);
    assert_eq!(stats["next.done"]["max"][0], true);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_same_seed_gives_the_same_bytes_whatever_the_thread_count() {
    let randomize = scratch("friction.json");
    fs::write(
        &randomize,
        r#"{"rules": [{"target": "friction", "distribution": {"uniform": {"low": 0.5, "high": 1.5}}, "mode": "scale"}]}"#,
    )
    .unwrap();
    let run = |threads: &str| {
        let dir = scratch(&format!("ant-{threads}"));
        let args = [
            "ant",
            "--worlds",
            "3",
            "--episodes",
            "5",
            "--seed",
            "4",
            "--threads",
            threads,
            "--randomize",
            randomize.to_str().unwrap(),
        ];
        record(&dir, &args);
        dir
    };
    let (one, two) = (run("1"), run("2"));
    let d = check(&one);
    assert_eq!(d.info["fps"], 20);
    assert_eq!(
        d.info["features"]["observation.state"]["shape"],
        serde_json::json!([27])
    );
    assert_eq!(
        d.info["features"]["action"]["shape"],
        serde_json::json!([8])
    );
    check_stats(&one, &d, "observation.state", 27);
    check_stats(&one, &d, "action", 8);
    for file in [
        "meta/info.json",
        "meta/stats.json",
        "meta/tasks.parquet",
        "meta/manyworlds.json",
        "meta/episodes/chunk-000/file-000.parquet",
        "data/chunk-000/file-000.parquet",
    ] {
        assert_eq!(
            fs::read(one.join(file)).unwrap(),
            fs::read(two.join(file)).unwrap(),
            "{file}"
        );
    }
    // Every episode's drawn values: the friction of each collider, scaled from U(0.5, 1.5).
    let recording = json(&one.join("meta/manyworlds.json"));
    let labels = recording["randomization_labels"].as_array().unwrap();
    let frictions: Vec<usize> = (0..labels.len())
        .filter(|&k| labels[k].as_str().unwrap().starts_with("friction"))
        .collect();
    assert!(!frictions.is_empty(), "{labels:?}");
    for e in 0..5 {
        let values = d
            .episodes
            .column_by_name("manyworlds/randomization")
            .unwrap()
            .as_list::<i32>()
            .value(e);
        let values = values.as_primitive::<Float32Type>();
        assert_eq!(values.len(), labels.len());
        for &k in &frictions {
            assert!(
                (0.5..=1.5).contains(&values.value(k)),
                "episode {e}: {:?}",
                values
            );
        }
    }
    for dir in [one, two, randomize] {
        let _ = fs::remove_dir_all(&dir);
        let _ = fs::remove_file(&dir);
    }
}

#[test]
fn only_success_keeps_the_episodes_that_held_the_pole_up() {
    let dir = scratch("success");
    record(
        &dir,
        &[
            "cartpole",
            "--worlds",
            "2",
            "--episodes",
            "3",
            "--policy",
            "scripted",
            "--only-success",
        ],
    );
    let d = check(&dir);
    assert_eq!(ints(&d.episodes, "length"), [500, 500, 500]);
    assert_eq!(bools(&d.episodes, "manyworlds/success"), [true, true, true]);
    assert_eq!(
        json(&dir.join("meta/manyworlds.json"))["only_success"],
        true
    );
    fs::remove_dir_all(&dir).unwrap();
}

/// `--policy FILE` replays a linear policy on normalised observations (the `ars` example's
/// `policy.json`): here the scripted controller's PD law written as one, with a mean and
/// spread the file must undo. Every recorded action is the file's law applied to the frame's
/// observation, and the pole stays up; a file that does not fit the task is refused by name.
#[test]
fn a_policy_file_drives_the_recording() {
    let dir = scratch("policy-file");
    fs::create_dir_all(&dir).unwrap();
    // a = (x + 2ẋ + 30θ + 6θ̇) / 10 = Σ m_i (o_i − μ_i) / σ_i with m_i = g_i σ_i, Σ g_i μ_i = 0.
    let (gains, mean, std) = (
        [0.1f64, 0.2, 3.0, 0.6],
        [0.6f64, -0.3, 0.0, 0.0],
        [0.5f64, 2.0, 0.1, 0.25],
    );
    let matrix: Vec<f64> = gains.iter().zip(&std).map(|(g, s)| g * s).collect();
    let policy = dir.join("policy.json");
    let text = serde_json::json!({
        "task": "CartPoleBalance",
        "observation_size": 4,
        "action_size": 1,
        "matrix": [matrix],
        "obs_mean": mean,
        "obs_std": std,
    });
    fs::write(&policy, text.to_string()).unwrap();
    let out = dir.join("ds");
    let p = policy.to_str().unwrap();
    record(
        &out,
        &[
            "cartpole",
            "--worlds",
            "2",
            "--episodes",
            "2",
            "--policy",
            p,
        ],
    );
    let d = check(&out);
    assert_eq!(ints(&d.episodes, "length"), [500, 500]);
    assert_eq!(bools(&d.episodes, "manyworlds/success"), [true, true]);
    let (state, action) = (
        floats(&d.frames, "observation.state"),
        floats(&d.frames, "action"),
    );
    for (o, &a) in state.chunks(4).zip(&action) {
        let law: f64 = (0..4)
            .map(|i| matrix[i] * (o[i] as f64 - mean[i]) / std[i])
            .sum();
        let expected = (law as f32).clamp(-1.0, 1.0);
        assert!(
            (a - expected).abs() < 1e-5,
            "action {a} for {o:?}: the file says {expected}"
        );
    }
    assert_eq!(
        json(&out.join("meta/manyworlds.json"))["policy"],
        policy.display().to_string()
    );

    // The ant's observations are not the cart-pole's.
    let refused = manyworlds(&[
        "record",
        "ant",
        "--worlds",
        "1",
        "--episodes",
        "1",
        "--policy",
        p,
        "--out",
        dir.join("ant").to_str().unwrap(),
    ]);
    let error = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(
        error.contains(p) && error.contains("trained on CartPoleBalance"),
        "{error}"
    );
    assert!(
        !dir.join("ant").exists(),
        "nothing written for a refused policy"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_model_file_is_recorded_with_random_controls() {
    let dir = scratch("hopper");
    let hopper = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/assets/gymnasium/hopper.xml"
    );
    record(
        &dir,
        &[
            hopper,
            "--worlds",
            "3",
            "--episodes",
            "4",
            "--episode-steps",
            "50",
        ],
    );
    let d = check(&dir);
    assert_eq!(d.info["fps"], 500, "MuJoCo's hopper steps 0.002 s");
    assert_eq!(d.info["robot_type"], "hopper");
    let state = &d.info["features"]["observation.state"];
    assert_eq!(
        state["shape"],
        serde_json::json!([12]),
        "q and q̇ of 6 joints"
    );
    assert_eq!(state["names"][3], "thigh_joint");
    assert_eq!(state["names"][9], "thigh_joint_dot");
    assert_eq!(
        d.info["features"]["action"]["shape"],
        serde_json::json!([3])
    );
    assert_eq!(ints(&d.episodes, "length"), [50, 50, 50, 50]);
    assert_eq!(
        bools(&d.episodes, "manyworlds/success"),
        [true; 4],
        "the physics held"
    );
    assert!(floats(&d.frames, "next.reward").iter().all(|&r| r == 0.0));
    let actions = floats(&d.frames, "action");
    assert!(actions.iter().all(|a| (-1.0..=1.0).contains(a)) && actions.iter().any(|&a| a != 0.0));
    check_stats(&dir, &d, "observation.state", 12);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn data_files_roll_over_at_the_size_limit() {
    let dir = scratch("rollover");
    // 61 bytes a cart-pole frame: 1 MiB holds 34 episodes of 500 frames.
    record(
        &dir,
        &[
            "cartpole",
            "--worlds",
            "4",
            "--episodes",
            "36",
            "--policy",
            "scripted",
            "--data-file-size-mb",
            "1",
        ],
    );
    let d = check(&dir);
    assert_eq!(d.info["data_files_size_in_mb"], 1);
    assert_eq!(
        parquet_files(&dir.join("data")),
        [
            dir.join("data/chunk-000/file-000.parquet"),
            dir.join("data/chunk-000/file-001.parquet")
        ]
    );
    let files = ints(&d.episodes, "data/file_index");
    assert_eq!(files.iter().filter(|&&f| f == 0).count(), 34, "{files:?}");
    assert_eq!(
        read(&dir.join("data/chunk-000/file-001.parquet")).num_rows(),
        1000
    );
    // The episodes file closes with its data file.
    assert_eq!(ints(&d.episodes, "meta/episodes/file_index"), files);
    let second = read(&dir.join("meta/episodes/chunk-000/file-001.parquet"));
    assert_eq!(second.num_rows(), 2);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_killed_recording_leaves_a_valid_dataset_and_resumes_without_gaps() {
    let dir = scratch("killed");
    let args = [
        "record",
        "cartpole",
        "--worlds",
        "4",
        "--episodes",
        "100000",
        "--flush-every",
        "3",
        "--backend",
        "cpu",
        "--out",
        dir.to_str().unwrap(),
    ];
    let mut child = Command::new(env!("CARGO_BIN_EXE_manyworlds"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let info = dir.join("meta/info.json");
    while !fs::read_to_string(&info).is_ok_and(|t| {
        serde_json::from_str::<Value>(&t).is_ok_and(|v| v["total_episodes"].as_u64() >= Some(9))
    }) {
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("no flush of 9 episodes in 2 minutes");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let killed = check(&dir);
    let before = killed.info["total_episodes"].as_u64().unwrap();
    assert!((9..100_000).contains(&before));

    let target = (before + 5).to_string();
    let out = record(
        &dir,
        &[
            "cartpole",
            "--worlds",
            "4",
            "--episodes",
            &target,
            "--resume",
        ],
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&format!("resumed after {before} episodes"))
    );
    let resumed = check(&dir);
    assert_eq!(resumed.info["total_episodes"].as_u64().unwrap(), before + 5);
    // The killed run's episodes are kept as they were, and the new ones come from another seed.
    assert_eq!(
        floats(&resumed.frames, "observation.state")
            [..floats(&killed.frames, "observation.state").len()],
        floats(&killed.frames, "observation.state")[..]
    );
    let segments = json(&dir.join("meta/manyworlds.json"))["segments"].clone();
    assert_eq!(segments.as_array().unwrap().len(), 2, "{segments}");
    assert_eq!(segments[1]["first_episode"], before);
    let seeds = resumed
        .episodes
        .column_by_name("manyworlds/seed")
        .unwrap()
        .as_primitive::<UInt64Type>();
    assert_eq!(seeds.value(0), 0);
    assert_eq!(
        seeds.value(before as usize),
        segments[1]["seed"].as_u64().unwrap()
    );
    check_stats(&dir, &resumed, "observation.state", 4);
    // Nothing half-written is left.
    for folder in ["data", "meta/episodes"] {
        for chunk in fs::read_dir(dir.join(folder)).unwrap() {
            for file in fs::read_dir(chunk.unwrap().path()).unwrap() {
                let name = file.unwrap().file_name();
                assert!(name.to_string_lossy().ends_with(".parquet"), "{name:?}");
            }
        }
    }
    // Done already: nothing more to record.
    let again = record(&dir, &["cartpole", "--episodes", &target, "--resume"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing to record"));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_recording_killed_before_its_first_flush_resumes_from_nothing() {
    let dir = scratch("early");
    let mut child = Command::new(env!("CARGO_BIN_EXE_manyworlds"))
        .args([
            "record",
            "cartpole",
            "--worlds",
            "2",
            "--episodes",
            "100000",
            "--flush-every",
            "100000",
            "--backend",
            "cpu",
            "--out",
            dir.to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!dir.join("meta/info.json").exists());
    record(
        &dir,
        &["cartpole", "--worlds", "2", "--episodes", "3", "--resume"],
    );
    let d = check(&dir);
    assert_eq!(d.info["total_episodes"], 3);
    let segments = json(&dir.join("meta/manyworlds.json"))["segments"].clone();
    assert_eq!(
        segments,
        serde_json::json!([{ "seed": 0, "first_episode": 0 }])
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_arguments_are_refused_naming_them() {
    let dir = scratch("refused");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("other.txt"), "x").unwrap();
    let out_arg = dir.to_str().unwrap();
    let stderr = |args: &[&str]| {
        let out = manyworlds(args);
        assert!(!out.status.success(), "{args:?} succeeded");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let e = stderr(&[
        "record",
        "cartpole",
        "--episodes",
        "1",
        "--backend",
        "cpu",
        "--out",
        out_arg,
    ]);
    assert!(e.contains(out_arg) && e.contains("not empty"), "{e}");
    let e = stderr(&[
        "record",
        "cartpole",
        "--episodes",
        "1",
        "--backend",
        "cpu",
        "--out",
        out_arg,
        "--resume",
    ]);
    assert!(e.contains("other.txt"), "{e}");
    let e = stderr(&["record", "hopper", "--episodes", "1", "--out", out_arg]);
    assert!(e.contains("TASK") && e.contains("cartpole"), "{e}");
    let bad = dir.join("bad.json");
    fs::write(&bad, "{\"rules\": [{\"target\": \"nonsense\"}]}").unwrap();
    let e = stderr(&[
        "record",
        "cartpole",
        "--episodes",
        "1",
        "--backend",
        "cpu",
        "--randomize",
        bad.to_str().unwrap(),
        "--out",
        dir.join("new").to_str().unwrap(),
    ]);
    assert!(e.contains("--randomize") && e.contains("bad.json"), "{e}");
    let hopper = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/assets/gymnasium/hopper.xml"
    );
    let e = stderr(&[
        "record",
        hopper,
        "--episodes",
        "1",
        "--policy",
        "scripted",
        "--out",
        out_arg,
    ]);
    assert!(
        e.contains("--policy scripted") && e.contains("hopper.xml"),
        "{e}"
    );
    let e = stderr(&["record", "cartpole", "--episodes", "0", "--out", out_arg]);
    assert!(e.contains("--episodes"), "{e}");
    fs::remove_dir_all(&dir).unwrap();
}
