//! What the `VecEnv` layer costs on top of the physics: `AntForward` at N = 4096 envs.
//!
//! * `raw_step`: `Sim::step_n(frame_skip)` (5 scene steps) on an `AntForward`'s own `Sim`,
//!   with fixed random controls in [−1, 1) set once by `set_controls`;
//! * `env_step`: `VecEnv::step` with the same actions on another `AntForward`: the actions
//!   checked and clamped, the same 5 scene steps, observations, rewards and flags for every
//!   env (on the CPU from q and q̇ read back; on the GPU computed on the device, only they
//!   read back), and the envs that finished reset (one `Sim::reset`);
//! * `reset_10pct`: `Sim::reset` of every tenth world (410 of 4096) on the first env's `Sim`:
//!   new draws of the start noise and the new initial states written.
//!
//! The CPU backend always; the GPU backend when there is an adapter, at N = 4096 on a hardware
//! one and at N = 64 on a software one such as lavapipe (where 4096 ants take about 40 s per
//! env step), with a printed notice. Each `Sim` takes one untimed step first (a GPU `Sim`
//! compiles its kernel in its first step). Each benchmark times 10 samples (criterion's
//! minimum) of one iteration or more after a 1 s warm-up. Then, since the load of a shared
//! machine drifts over a run, an interleaved pass times 10 rounds of one raw step, one env
//! step and one reset each, and prints the medians and their ratios to `raw_step`:
//! `cargo bench --bench vec_env`.

use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode};
use manyworlds::rng::{splitmix64, unit_f64};
use manyworlds::tasks::{AntForward, AntSpec, EnvOptions};
use manyworlds::{AdapterChoice, Backend, SimOptions, StepOutput, VecEnv};

/// Envs on the CPU and on a hardware GPU.
const ENVS: usize = 4096;
/// Envs on a software GPU adapter.
const SOFTWARE_GPU_ENVS: usize = 64;
const WARM_UP: Duration = Duration::from_secs(1);
const MEASUREMENT: Duration = Duration::from_secs(3);

/// Rounds of the interleaved pass.
const ROUNDS: usize = 10;

/// Median times of the interleaved pass: raw step, env step, reset.
struct Medians([Duration; 3]);

fn env(backend: &Backend, envs: usize) -> AntForward {
    let options = EnvOptions {
        sim: SimOptions {
            backend: backend.clone(),
            ..SimOptions::default()
        },
        ..EnvOptions::default()
    };
    AntForward::new(AntSpec::default(), envs, &options).expect("an AntForward env")
}

/// Uniform actions in [−1, 1), one per (env, motor).
fn random_actions(envs: usize, size: usize) -> Vec<f32> {
    (0..envs * size)
        .map(|k| 2.0 * unit_f64(splitmix64(k as u64)) as f32 - 1.0)
        .collect()
}

/// The three benchmarks on one backend, then the interleaved pass.
fn measure(c: &mut Criterion, label: &str, backend: &Backend, envs: usize) -> Medians {
    let mut group = c.benchmark_group(format!("ant_vec_env_{label}_{envs}"));
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(WARM_UP)
        .measurement_time(MEASUREMENT);
    let mut raw = env(backend, envs);
    let mut stepped = env(backend, envs);
    let actions = random_actions(envs, stepped.action_size());
    let frame_skip = AntSpec::default().frame_skip;
    let tenth: Vec<usize> = (0..envs).step_by(10).collect();
    let mut out = StepOutput::new(&stepped);
    stepped.reset(0, &mut out.obs).expect("reset");
    stepped
        .step(&actions, &mut out)
        .expect("untimed first step");
    let sim = raw.sim_mut();
    sim.set_controls(&actions).expect("controls");
    sim.step_n(frame_skip).expect("untimed first step");

    group.bench_function("raw_step", |b| {
        b.iter(|| sim.step_n(frame_skip).expect("step"))
    });
    group.bench_function("env_step", |b| {
        b.iter(|| stepped.step(&actions, &mut out).expect("env step"))
    });
    group.bench_function("reset_10pct", |b| {
        b.iter(|| sim.reset(&tenth).expect("reset"))
    });
    group.finish();

    let mut times = [const { Vec::new() }; 3];
    for _ in 0..ROUNDS {
        let timed = |f: &mut dyn FnMut()| {
            let start = Instant::now();
            f();
            start.elapsed()
        };
        times[0].push(timed(&mut || sim.step_n(frame_skip).expect("step")));
        times[1].push(timed(&mut || {
            stepped.step(&actions, &mut out).expect("env step")
        }));
        times[2].push(timed(&mut || sim.reset(&tenth).expect("reset")));
    }
    Medians(times.map(|mut t| {
        t.sort();
        t[t.len() / 2]
    }))
}

/// The GPU's env count, or why it is not measured.
fn gpu_envs() -> Result<usize, &'static str> {
    let adapters = manyworlds::list_adapters();
    if adapters.is_empty() {
        Err("no GPU adapter")
    } else if adapters.iter().any(|a| a.is_hardware) {
        Ok(ENVS)
    } else {
        Ok(SOFTWARE_GPU_ENVS)
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let mut runs = vec![("cpu", ENVS, measure(&mut c, "cpu", &Backend::Cpu, ENVS))];
    match gpu_envs() {
        Err(why) => eprintln!("SKIPPED ant_vec_env_gpu ({why})"),
        Ok(envs) => {
            if envs < ENVS {
                eprintln!(
                    "NOTE ant_vec_env_gpu at {envs} envs instead of {ENVS}: a software adapter"
                );
            }
            let gpu = Backend::Gpu(AdapterChoice::Auto);
            runs.push(("gpu", envs, measure(&mut c, "gpu", &gpu, envs)));
        }
    }
    c.final_summary();
    for (label, envs, Medians([raw, step, reset])) in &runs {
        let ratio = |t: &Duration| t.as_secs_f64() / raw.as_secs_f64();
        eprintln!(
            "vec_env {label}, {envs} envs, medians of {ROUNDS} interleaved rounds: raw_step \
             {raw:.2?}, env_step {step:.2?} ({:.3} × raw), reset_10pct {reset:.2?} ({:.4} × raw)",
            ratio(step),
            ratio(reset),
        );
    }
}
