//! What the `VecEnv` layer costs on top of the physics: `AntForward` at N = 4096 envs.
//!
//! * `raw_step`: `Sim::step_n(frame_skip)` (5 scene steps) on an `AntForward`'s own `Sim`,
//!   with fixed random controls in [−1, 1) set once by `set_controls`;
//! * `env_step`: `VecEnv::step` with the same actions on another `AntForward`: the actions
//!   checked and clamped, the same 5 scene steps, q and q̇ read back, observations, rewards
//!   and flags for every env, and the envs that finished reset (one `Sim::reset`);
//! * `reset_10pct`: `Sim::reset` of every tenth world (410 of 4096) on the first env's `Sim`:
//!   new draws of the start noise and the new initial states written.
//!
//! The CPU backend always; the GPU backend when there is an adapter, at N = 4096 on a hardware
//! one and at N = 64 on a software one such as lavapipe (where 4096 ants take about 40 s per
//! env step), with a printed notice. Each benchmark times 10 samples (criterion's minimum) of
//! one iteration or more after a 1 s warm-up; at the end every benchmark's mean time per
//! iteration (warm-up included) and the ratios to `raw_step` are printed:
//! `cargo bench --bench vec_env`.

use std::time::{Duration, Instant};

use criterion::{BenchmarkGroup, Criterion, SamplingMode};
use manyworlds::rng::{splitmix64, unit_f64};
use manyworlds::tasks::{AntForward, AntSpec, EnvOptions};
use manyworlds::{AdapterChoice, Backend, SimOptions, StepOutput, VecEnv};

/// Envs on the CPU and on a hardware GPU.
const ENVS: usize = 4096;
/// Envs on a software GPU adapter.
const SOFTWARE_GPU_ENVS: usize = 64;
const WARM_UP: Duration = Duration::from_secs(1);
const MEASUREMENT: Duration = Duration::from_secs(3);

/// Total time and iterations a benchmark ran, criterion's warm-up included.
#[derive(Default)]
struct Timed {
    time: Duration,
    iterations: u64,
}

impl Timed {
    fn mean(&self) -> Duration {
        self.time / self.iterations.max(1) as u32
    }
}

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

/// Times `iteration` as criterion asks, adding to `timed`.
fn bench(
    group: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    timed: &mut Timed,
    mut iteration: impl FnMut(),
) {
    group.bench_function(name, |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                iteration();
            }
            let elapsed = start.elapsed();
            timed.time += elapsed;
            timed.iterations += iters;
            elapsed
        })
    });
}

/// The three benchmarks on one backend; their timings in order.
fn measure(c: &mut Criterion, label: &str, backend: &Backend, envs: usize) -> [Timed; 3] {
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
    let mut timed: [Timed; 3] = Default::default();

    let sim = raw.sim_mut();
    sim.set_controls(&actions).expect("controls");
    bench(&mut group, "raw_step", &mut timed[0], || {
        sim.step_n(frame_skip).expect("step")
    });

    let mut out = StepOutput::new(&stepped);
    stepped.reset(0, &mut out.obs).expect("reset");
    bench(&mut group, "env_step", &mut timed[1], || {
        stepped.step(&actions, &mut out).expect("env step")
    });

    let tenth: Vec<usize> = (0..envs).step_by(10).collect();
    let sim = raw.sim_mut();
    bench(&mut group, "reset_10pct", &mut timed[2], || {
        sim.reset(&tenth).expect("reset")
    });
    group.finish();
    timed
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
    for (label, envs, [raw, step, reset]) in &runs {
        let ratio = |t: &Timed| t.mean().as_secs_f64() / raw.mean().as_secs_f64();
        eprintln!(
            "vec_env {label}, {envs} envs: raw_step {:.2?}, env_step {:.2?} ({:.3} × raw), \
             reset_10pct {:.2?} ({:.3} × raw), mean per iteration",
            raw.mean(),
            step.mean(),
            ratio(step),
            reset.mean(),
            ratio(reset),
        );
    }
}
