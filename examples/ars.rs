//! Augmented Random Search (ARS V2-t, Mania, Guy & Recht 2018) training a linear policy on
//! `CartPoleBalance` or `AntForward` through the `VecEnv` API, with domain randomization.
//!
//! `cargo run --release --example ars -- --task cartpole --iterations 30 --out ars-out`
//!
//! Each iteration draws N random directions δ and runs M + νδ and M − νδ, each on its own env
//! of one 2N-env batch stepped in lockstep; the b best directions by max(r+, r−) move M by
//! α / (b σ_R) Σ (r+ − r−) δ. Observations are normalized by running statistics (Welford).
//! Writes DIR/policy.json (the matrix, μ, σ, the task and its sizes), DIR/curve.csv
//! (iteration, env steps, wall seconds, mean training return, evaluation return) and
//! DIR/curve.png. The same seed gives the same policy, bit for bit, on the same backend.

#[path = "ars/algorithm.rs"]
mod algorithm;

use std::path::{Path, PathBuf};
use std::time::Instant;

use algorithm::{evaluate, evaluation_seed, training_randomization, Ars, Config, Policy};
use clap::{Parser, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use manyworlds::tasks::{AntForward, AntSpec, CartPoleBalance, CartPoleSpec, EnvOptions};
use manyworlds::{AdapterChoice, Backend, Randomization, SimOptions, VecEnv};

#[derive(Clone, Copy, Debug, ValueEnum)]
enum TaskName {
    Cartpole,
    Ant,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum BackendName {
    Cpu,
    Gpu,
}

/// Trains a linear policy with Augmented Random Search (V2-t).
#[derive(Parser, Debug)]
struct Args {
    #[arg(long, value_enum, default_value = "cartpole")]
    task: TaskName,
    #[arg(long, value_enum, default_value = "cpu")]
    backend: BackendName,
    /// Training iterations.
    #[arg(long, default_value_t = 30)]
    iterations: u64,
    /// N: directions per iteration, 2N envs (default: cartpole 8, ant 60 as in the paper).
    #[arg(long)]
    directions: Option<usize>,
    /// b: best directions used in the update (default: cartpole N / 2, ant N / 3).
    #[arg(long)]
    top: Option<usize>,
    /// α (default: cartpole 0.1, ant 0.015 as in the paper).
    #[arg(long)]
    step_size: Option<f64>,
    /// ν: the exploration noise (default: cartpole 0.1, ant 0.025 as in the paper).
    #[arg(long)]
    noise: Option<f64>,
    /// Env steps per rollout at most (default: the task's episode length).
    #[arg(long)]
    horizon: Option<usize>,
    /// Subtracted from each training reward (e.g. 1 for the ant's alive bonus).
    #[arg(long, default_value_t = 0.0)]
    reward_shift: f64,
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Evaluation envs (one episode each, fresh seeds, randomization as in training).
    #[arg(long, default_value_t = 16)]
    eval_envs: usize,
    /// Evaluate every K iterations (and after the last).
    #[arg(long, default_value_t = 1)]
    eval_every: u64,
    /// Turn domain randomization off (on by default, in training and evaluation).
    #[arg(long)]
    no_randomization: bool,
    /// Stop when an evaluation reaches this mean return.
    #[arg(long)]
    target: Option<f64>,
    /// Stop training after this many wall seconds (then evaluate and save).
    #[arg(long)]
    max_seconds: Option<f64>,
    #[arg(long, default_value = "ars-out")]
    out: PathBuf,
}

fn main() {
    let args = Args::parse();
    if let Err(e) = run(&args) {
        eprintln!("ars: {e}");
        std::process::exit(1);
    }
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let options = EnvOptions {
        sim: SimOptions {
            backend: match args.backend {
                BackendName::Cpu => Backend::Cpu,
                BackendName::Gpu => Backend::Gpu(AdapterChoice::Auto),
            },
            randomization: if args.no_randomization {
                Randomization::default()
            } else {
                training_randomization(matches!(args.task, TaskName::Ant))
            },
            seed: args.seed,
            ..SimOptions::default()
        },
        ..EnvOptions::default()
    };
    let n = directions(args).max(1);
    match args.task {
        TaskName::Cartpole => {
            let spec = CartPoleSpec::default();
            let episode = spec.max_episode_steps as usize;
            let train = CartPoleBalance::new(spec.clone(), 2 * n, &options)?;
            let eval = CartPoleBalance::new(spec, args.eval_envs.max(1), &options)?;
            train_and_save(args, "CartPoleBalance", episode, train, eval)
        }
        TaskName::Ant => {
            let spec = AntSpec::default();
            let episode = spec.max_episode_steps as usize;
            let train = AntForward::new(spec.clone(), 2 * n, &options)?;
            let eval = AntForward::new(spec, args.eval_envs.max(1), &options)?;
            train_and_save(args, "AntForward", episode, train, eval)
        }
    }
}

fn directions(args: &Args) -> usize {
    args.directions.unwrap_or(match args.task {
        TaskName::Cartpole => 8,
        TaskName::Ant => 60,
    })
}

struct Row {
    iteration: u64,
    env_steps: u64,
    seconds: f64,
    train_return: f64,
    eval_return: Option<f64>,
}

fn train_and_save<E: VecEnv>(
    args: &Args,
    task: &str,
    episode: usize,
    mut train: E,
    mut eval: E,
) -> Result<(), Box<dyn std::error::Error>> {
    let n = directions(args);
    if n == 0 {
        return Err("--directions: at least 1".into());
    }
    let ant = matches!(args.task, TaskName::Ant);
    if args.eval_envs == 0 || args.eval_every == 0 {
        return Err("--eval-envs and --eval-every: at least 1".into());
    }
    let config = Config {
        directions: n,
        top: args.top.unwrap_or(if ant { n / 3 } else { n / 2 }.max(1)),
        step_size: args.step_size.unwrap_or(if ant { 0.015 } else { 0.1 }),
        noise: args.noise.unwrap_or(if ant { 0.025 } else { 0.1 }),
        horizon: args.horizon.unwrap_or(episode),
        reward_shift: args.reward_shift,
        seed: args.seed,
    };
    let eval_horizon = episode;
    let mut ars = Ars::new(config, train.observation_size(), train.action_size())?;
    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;

    let start = Instant::now();
    let initial = evaluate(
        &mut eval,
        &ars.policy,
        evaluation_seed(args.seed, 0),
        eval_horizon,
    )?;
    let mut rows = vec![Row {
        iteration: 0,
        env_steps: 0,
        seconds: start.elapsed().as_secs_f64(),
        train_return: f64::NAN,
        eval_return: Some(initial),
    }];
    println!(
        "{task}: ARS V2-t, {} directions (top {}), α {}, ν {}, {} training envs, randomization {}",
        ars.config.directions,
        ars.config.top,
        ars.config.step_size,
        ars.config.noise,
        train.num_envs(),
        if args.no_randomization { "off" } else { "on" }
    );
    let bar = ProgressBar::new(args.iterations);
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} {msg}")?
            .progress_chars("=> "),
    );
    bar.set_message(format!("eval {initial:.1}"));
    let (mut env_steps, mut train_seconds) = (0u64, 0.0f64);
    for k in 1..=args.iterations {
        let t = Instant::now();
        let it = ars.step(&mut train)?;
        train_seconds += t.elapsed().as_secs_f64();
        env_steps += it.env_steps;
        let out_of_time = args
            .max_seconds
            .is_some_and(|limit| start.elapsed().as_secs_f64() >= limit);
        let eval_return = if k % args.eval_every == 0 || k == args.iterations || out_of_time {
            Some(evaluate(
                &mut eval,
                &ars.policy,
                evaluation_seed(args.seed, k),
                eval_horizon,
            )?)
        } else {
            None
        };
        rows.push(Row {
            iteration: k,
            env_steps,
            seconds: start.elapsed().as_secs_f64(),
            train_return: it.mean_return,
            eval_return,
        });
        bar.set_message(format!(
            "train {:.1} eval {}",
            it.mean_return,
            eval_return.map_or("-".into(), |r| format!("{r:.1}"))
        ));
        bar.inc(1);
        if out_of_time {
            break;
        }
        if let (Some(target), Some(r)) = (args.target, eval_return) {
            if r >= target {
                break;
            }
        }
    }
    bar.finish();
    let last = rows.last().expect("the initial row");
    let final_eval = rows
        .iter()
        .rev()
        .find_map(|r| r.eval_return)
        .unwrap_or(f64::NAN);
    println!(
        "{} iterations, {} env steps, {:.1} s wall ({:.0} env steps/s in training rollouts): \
         evaluation return {:.1} (initial {:.1})",
        last.iteration,
        env_steps,
        last.seconds,
        env_steps as f64 / train_seconds.max(1e-9),
        final_eval,
        initial
    );
    let policy_path = args.out.join("policy.json");
    write_policy(&policy_path, task, &ars.policy)?;
    let csv = args.out.join("curve.csv");
    write_csv(&csv, &rows)?;
    let png = args.out.join("curve.png");
    plot::write(&png, task, &rows)?;
    println!(
        "wrote {}, {}, {}",
        policy_path.display(),
        csv.display(),
        png.display()
    );
    Ok(())
}

fn write_policy(path: &Path, task: &str, policy: &Policy) -> Result<(), String> {
    let rows: Vec<&[f64]> = policy.matrix.chunks(policy.observation_size).collect();
    let json = serde_json::json!({
        "algorithm": "ARS V2-t",
        "task": task,
        "observation_size": policy.observation_size,
        "action_size": policy.action_size,
        "matrix": rows,
        "obs_mean": policy.stats.mean,
        "obs_std": policy.stats.std(),
        "obs_count": policy.stats.count,
        "action": "clip(matrix · (obs − obs_mean) / obs_std) to the action bounds",
    });
    let text = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn write_csv(path: &Path, rows: &[Row]) -> Result<(), String> {
    let mut text = String::from("iteration,env_steps,wall_seconds,mean_train_return,eval_return\n");
    for r in rows {
        let train = if r.train_return.is_nan() {
            String::new()
        } else {
            format!("{:.3}", r.train_return)
        };
        let eval = r.eval_return.map_or(String::new(), |e| format!("{e:.3}"));
        text.push_str(&format!(
            "{},{},{:.3},{train},{eval}\n",
            r.iteration, r.env_steps, r.seconds
        ));
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

mod plot {
    //! The learning curve as a PNG: mean returns against env steps (text in the bundled
    //! DejaVu Sans, as `manyworlds bench` draws it).
    use std::path::Path;

    use plotters::prelude::*;
    use plotters::style::FontStyle;

    use super::Row;

    const FONT: &[u8] = include_bytes!("../crates/manyworlds-cli/assets/DejaVuSans.ttf");

    pub fn write(path: &Path, task: &str, rows: &[Row]) -> Result<(), String> {
        plotters::style::register_font("sans-serif", FontStyle::Normal, FONT)
            .map_err(|_| "the bundled font does not load".to_string())?;
        draw(path, task, rows).map_err(|e| format!("{}: {e}", path.display()))
    }

    fn draw(path: &Path, task: &str, rows: &[Row]) -> Result<(), Box<dyn std::error::Error>> {
        let root = BitMapBackend::new(path, (900, 560)).into_drawing_area();
        root.fill(&WHITE)?;
        let x_max = rows.iter().map(|r| r.env_steps).max().unwrap_or(1).max(1) as f64;
        let values = rows
            .iter()
            .flat_map(|r| [Some(r.train_return), r.eval_return])
            .flatten()
            .filter(|v| v.is_finite());
        let (lo, hi) = values.fold((0.0f64, 1.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let seconds = rows.last().map_or(0.0, |r| r.seconds);
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!("ARS on {task}: mean return ({seconds:.1} s wall)"),
                ("sans-serif", 22),
            )
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(0.0..x_max, lo..hi * 1.05)?;
        chart
            .configure_mesh()
            .x_desc("env steps")
            .y_desc("mean return")
            .label_style(("sans-serif", 14))
            .draw()?;
        let train: Vec<(f64, f64)> = rows
            .iter()
            .filter(|r| r.train_return.is_finite())
            .map(|r| (r.env_steps as f64, r.train_return))
            .collect();
        let eval: Vec<(f64, f64)> = rows
            .iter()
            .filter_map(|r| r.eval_return.map(|e| (r.env_steps as f64, e)))
            .collect();
        chart
            .draw_series(LineSeries::new(train, BLUE.stroke_width(2)))?
            .label("training (perturbed policies)")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLUE.stroke_width(2)));
        chart
            .draw_series(LineSeries::new(eval.clone(), RED.stroke_width(2)))?
            .label("evaluation (fresh seeds)")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], RED.stroke_width(2)));
        chart.draw_series(eval.into_iter().map(|p| Circle::new(p, 3, RED.filled())))?;
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .label_font(("sans-serif", 14))
            .draw()?;
        root.present()?;
        Ok(())
    }
}
