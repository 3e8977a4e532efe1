//! A random policy on `AntForward`: N ants stepped together through the `VecEnv` API, with
//! same-step autoreset. Prints the env steps per second and the mean return of the episodes
//! that finished.
//!
//! `cargo run --release --example vec_env -- [--envs N] [--steps K] [--backend cpu|gpu]
//! [--seed S]` (defaults: 16 envs, 1200 steps, so that every env finishes a 1000-step
//! episode, on the CPU; a software GPU such as lavapipe steps the ant about 100× slower than
//! the CPU backend, so give it a few dozen steps, and the first GPU run of the ant on a
//! machine compiles its kernel, tens of seconds, inside the first step).

use std::time::Instant;

use manyworlds::rng::{splitmix64, unit_f64};
use manyworlds::tasks::{AntForward, AntSpec, EnvOptions};
use manyworlds::{AdapterChoice, Backend, SimOptions, StepOutput, VecEnv};

struct Args {
    envs: usize,
    steps: u64,
    backend: Backend,
    seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        envs: 16,
        steps: 1200,
        backend: Backend::Cpu,
        seed: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag}: a value is missing"))?;
        let number = |v: &str| v.parse::<u64>().map_err(|e| format!("{flag} {v}: {e}"));
        match flag.as_str() {
            "--envs" => args.envs = number(&value)? as usize,
            "--steps" => args.steps = number(&value)?,
            "--seed" => args.seed = number(&value)?,
            "--backend" => {
                args.backend = match value.as_str() {
                    "cpu" => Backend::Cpu,
                    "gpu" => Backend::Gpu(AdapterChoice::Auto),
                    other => return Err(format!("--backend: expected cpu or gpu, got {other}")),
                }
            }
            other => {
                return Err(format!(
                    "unknown argument {other} (expected --envs, --steps, --backend, --seed)"
                ))
            }
        }
    }
    Ok(args)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args()?;
    let options = EnvOptions {
        sim: SimOptions {
            backend: args.backend,
            ..SimOptions::default()
        },
        ..EnvOptions::default()
    };
    let mut env = AntForward::new(AntSpec::default(), args.envs, &options)?;
    println!(
        "AntForward: {} envs on {} ({}), env step {} s",
        env.num_envs(),
        env.sim().backend(),
        env.sim().device(),
        env.dt()
    );
    let mut out = StepOutput::new(&env);
    env.reset(args.seed, &mut out.obs)?;
    let (n, size) = (env.num_envs(), env.action_size());
    let bounds = env.action_bounds().to_vec();
    let mut actions = vec![0.0f32; n * size];
    let mut returns = vec![0.0f64; n];
    let (mut finished, mut terminated, mut total_return) = (0u64, 0u64, 0.0f64);

    let start = Instant::now();
    for step in 0..args.steps {
        // Uniform in each action's range, a pure function of (seed, step, env, index).
        let step_key = splitmix64(splitmix64(args.seed) ^ step);
        for (k, a) in actions.iter_mut().enumerate() {
            let (lower, upper) = bounds[k % size];
            let u = unit_f64(splitmix64(step_key ^ (k / size) as u64) ^ (k % size) as u64);
            *a = lower + (upper - lower) * u as f32;
        }
        env.step(&actions, &mut out)?;
        for (w, r) in returns.iter_mut().enumerate() {
            *r += out.reward[w] as f64;
            if out.done(w) {
                finished += 1;
                terminated += out.terminated[w] as u64;
                total_return += *r;
                *r = 0.0;
            }
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    let env_steps = args.steps as f64 * n as f64;
    println!(
        "{} steps × {n} envs in {seconds:.2} s: {:.0} env steps/s ({:.0} world-steps/s)",
        args.steps,
        env_steps / seconds,
        env_steps * env.task().frame_skip as f64 / seconds,
    );
    if finished > 0 {
        println!(
            "{finished} episodes finished ({terminated} terminated, {} truncated): mean return {:.1}",
            finished - terminated,
            total_return / finished as f64
        );
    } else {
        println!("no episode finished yet (episodes are truncated at 1000 steps)");
    }
    Ok(())
}
