//! `manyworlds record`: rollouts of a task's envs, with domain randomization, written as a
//! LeRobot v3.0 dataset (see the README's "Recording datasets").

mod model;
mod recorder;
mod task;

pub use task::TASK_NAMES;

use std::io::IsTerminal;
use std::path::Path;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use manyworlds::rng::splitmix64;
use manyworlds::tasks::{EnvOptions, Task, TaskEnv};
use manyworlds::{Randomization, SimOptions, VecEnv};
use manyworlds_dataset::{DatasetSpec, DatasetWriter};
use serde_json::{json, Map, Value};

use crate::controls::RandomControls;
use crate::error::CliError;
use crate::linear_policy::LinearPolicy;
use crate::model_file::{is_model_file, load_model};
use crate::{PolicyChoice, RecordArgs};
use model::ModelTask;
use recorder::{record_env, Outcome, Policy, Target};
use task::RecordTask;

/// Runs `manyworlds record` with `args`: a progress bar on stderr, a summary on stdout.
pub fn record(args: &RecordArgs) -> Result<(), CliError> {
    let mut randomization = match &args.randomize {
        Some(path) => load_randomization(path)?,
        None => Randomization::default(),
    };
    let task = match RecordTask::parse(&args.task) {
        Some(task) => task,
        None if is_model_file(&args.task) => {
            let imported = load_model(args.task.as_ref(), args.model.import_options())?;
            for (warning, _) in imported.warnings.iter() {
                eprintln!("warning: {warning}");
            }
            if imported.scene.actuators().is_empty() {
                return Err(CliError::Unrecordable(format!(
                    "TASK: {} has no actuators for a policy to drive",
                    args.task
                )));
            }
            // The file's own randomization first, then --randomize's.
            let mut rules = imported.randomization.rules;
            rules.append(&mut randomization.rules);
            randomization.rules = rules;
            randomization.pushes = randomization.pushes.or(imported.randomization.pushes);
            RecordTask::Model(Box::new(ModelTask {
                file: args.task.clone(),
                name: Path::new(&args.task)
                    .file_stem()
                    .map_or_else(|| args.task.clone(), |s| s.to_string_lossy().into_owned()),
                scene: imported.scene,
                params: imported.params,
                episode_steps: args.episode_steps,
            }))
        }
        None => return Err(CliError::UnknownTask(args.task.clone())),
    };
    if args.policy == PolicyChoice::Scripted && !task.has_scripted_policy() {
        return Err(CliError::Unrecordable(format!(
            "--policy scripted: there is no scripted policy for {}; use --policy random",
            args.task
        )));
    }
    let options = EnvOptions {
        sim: SimOptions {
            backend: args.backend.to_backend(),
            seed: args.seed,
            randomization: randomization.clone(),
            ..SimOptions::default()
        },
        ..EnvOptions::default()
    };
    let pool = crate::pool::thread_pool(args.threads)?;
    pool.install(|| {
        let worlds = args.worlds;
        match &task {
            RecordTask::CartPole(spec) => run(
                TaskEnv::new(spec.clone(), worlds, &options),
                &task,
                args,
                &randomization,
            ),
            RecordTask::Ant(spec) => run(
                TaskEnv::new(spec.clone(), worlds, &options),
                &task,
                args,
                &randomization,
            ),
            RecordTask::Model(model) => run(
                TaskEnv::new((**model).clone(), worlds, &options),
                &task,
                args,
                &randomization,
            ),
        }
    })
}

/// `--randomize FILE`: randomization rules as JSON (the scene file's `"randomization"`).
fn load_randomization(path: &Path) -> Result<Randomization, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| CliError::Randomize {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    serde_json::from_str(&text).map_err(|e| CliError::Randomize {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// The seed of the `segment`-th run on a dataset: `--seed` for the first, then one derived
/// from it, so a resumed run records new episodes.
fn segment_seed(seed: u64, segment: usize) -> u64 {
    if segment == 0 {
        seed
    } else {
        splitmix64(seed ^ splitmix64(segment as u64))
    }
}

fn run<T: Task>(
    env: Result<TaskEnv<T>, manyworlds::EnvError>,
    task: &RecordTask,
    args: &RecordArgs,
    randomization: &Randomization,
) -> Result<(), CliError> {
    let mut env = env.map_err(CliError::Env)?;
    // A policy file is checked against the env before anything is written.
    let mut linear = match &args.policy {
        PolicyChoice::File(path) => {
            let policy = LinearPolicy::load(path)?;
            policy.check_fits(env.task().name(), env.observation_size(), env.action_size())?;
            Some(policy)
        }
        _ => None,
    };
    let scene = env.sim().scene().clone();
    let fps = (1.0 / env.dt()).round() as u32;
    if fps == 0 || (fps as f32 * env.dt() - 1.0).abs() > 1e-4 {
        return Err(CliError::Unrecordable(format!(
            "TASK: an env step of {} s is not 1/fps for a whole fps, which LeRobot's timestamps need",
            env.dt()
        )));
    }
    let labels = env.sim().draw_labels();
    let mut recording = Map::new();
    recording.insert("format".into(), json!("manyworlds-record"));
    recording.insert("version".into(), json!(1));
    recording.insert("task".into(), json!(task.key()));
    if let RecordTask::Model(model) = task {
        recording.insert("file".into(), json!(model.file));
    }
    recording.insert("policy".into(), json!(args.policy.name()));
    recording.insert("dt".into(), json!(env.dt()));
    recording.insert("only_success".into(), json!(args.only_success));
    recording.insert("success_condition".into(), json!(task.success_condition()));
    recording.insert(
        "randomization".into(),
        serde_json::to_value(randomization).unwrap_or(Value::Null),
    );
    recording.insert("randomization_labels".into(), json!(labels));
    let spec = DatasetSpec {
        state_names: task.state_names(&scene),
        action_names: RecordTask::action_names(&scene),
        fps,
        robot_type: task.key(),
        task: task.sentence(),
        data_file_size_in_mb: args.data_file_size_mb,
        recording,
    };
    let mut writer = if args.resume {
        DatasetWriter::resume(&args.out, spec)
    } else {
        DatasetWriter::create(&args.out, spec)
    }
    .map_err(CliError::Dataset)?;
    let before = writer.total_episodes();
    if before >= args.episodes {
        println!(
            "{} already holds {before} episodes (--episodes {}): nothing to record",
            args.out.display(),
            args.episodes
        );
        return Ok(());
    }
    let seed = segment_seed(args.seed, writer.segment_count());
    writer.begin_segment(seed);
    let policy = match &args.policy {
        PolicyChoice::Random => Policy::Random(RandomControls::new(&scene, env.num_envs(), seed)),
        PolicyChoice::Scripted => Policy::Scripted,
        PolicyChoice::File(_) => Policy::Linear(linear.take().expect("loaded above")),
    };
    let bar = progress_bar(args.episodes, before);
    let started = Instant::now();
    let target = Target {
        episodes: args.episodes,
        only_success: args.only_success,
        flush_every: args.flush_every,
    };
    let outcome = record_env(&mut env, task, seed, policy, target, &mut writer, &bar)?;
    bar.finish_and_clear();
    print_summary(
        args,
        task,
        &writer,
        &outcome,
        before,
        seed,
        started.elapsed().as_secs_f64(),
    );
    Ok(())
}

/// On a terminal: episodes against the target, with episodes/s and frames/s.
fn progress_bar(episodes: usize, done: usize) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(episodes as u64);
    bar.set_position(done as u64);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} episodes, {elapsed} ({msg})")
    {
        bar.set_style(style);
    }
    bar
}

fn print_summary(
    args: &RecordArgs,
    task: &RecordTask,
    writer: &DatasetWriter,
    outcome: &Outcome,
    before: usize,
    seed: u64,
    seconds: f64,
) {
    let seconds = seconds.max(1e-9);
    println!(
        "recorded {} episodes ({} frames) of {} in {seconds:.1} s: {:.1} episodes/s, {:.0} frames/s ({} env steps/s)",
        outcome.kept,
        outcome.frames,
        task.key(),
        outcome.kept as f64 / seconds,
        outcome.frames as f64 / seconds,
        (outcome.env_steps as f64 / seconds).round()
    );
    println!(
        "  {} worlds, {} policy, seed {seed}; {} episodes ended, {} met the success condition ({})",
        args.worlds,
        args.policy.name(),
        outcome.finished,
        outcome.successes,
        task.success_condition()
    );
    if before > 0 {
        println!("  resumed after {before} episodes");
    }
    println!(
        "  {}: {} episodes, {} frames (LeRobot v3.0)",
        args.out.display(),
        writer.total_episodes(),
        writer.total_frames()
    );
}
