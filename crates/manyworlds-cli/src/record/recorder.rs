//! The recording loop: N envs of a task stepped in lockstep by a policy; each world's frames
//! are kept until its episode ends (the env resets it in the same step and it starts the
//! next), then handed to the dataset in (step, world) order, so the episode indices depend
//! on the seed only, not on the thread count. Without `--only-success` each world records a
//! fixed share of the episodes (its first ones, whatever their lengths: stopping at the first
//! E episodes to end would favour short ones); with it, the first successes to end are kept.

use std::time::{Duration, Instant};

use indicatif::ProgressBar;
use manyworlds::tasks::{Task, TaskEnv};
use manyworlds::{EnvError, StepOutput, VecEnv};
use manyworlds_dataset::{DatasetWriter, EpisodeFrames, EpisodeOrigin};

use super::task::{EpisodeProgress, RecordTask};
use crate::controls::RandomControls;
use crate::error::CliError;
use crate::linear_policy::LinearPolicy;

/// Without `--flush-every`, the dataset is flushed this often.
const FLUSH_INTERVAL: Duration = Duration::from_secs(5);

/// What chooses the actions.
pub enum Policy {
    /// Uniform in each actuator's range, keyed by (seed, world, step).
    Random(RandomControls),
    /// [`RecordTask::scripted`].
    Scripted,
    /// A policy file's linear policy on the observations.
    Linear(LinearPolicy),
}

/// How a recording run went.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// Episodes that ended, kept or not, and those that met the success condition.
    pub finished: u64,
    pub successes: u64,
    /// Episodes and frames added to the dataset by this run.
    pub kept: u64,
    pub frames: u64,
    pub env_steps: u64,
}

/// What a run is to add to the dataset.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    /// Episodes the dataset holds when done.
    pub episodes: usize,
    pub only_success: bool,
    /// Flush every this many kept episodes; `None`: every [`FLUSH_INTERVAL`].
    pub flush_every: Option<usize>,
}

/// Runs `env` (seeded with `seed`) under `policy` until the dataset holds `target.episodes`
/// episodes; flushes as `target` says and at the end.
pub fn record_env<T: Task>(
    env: &mut TaskEnv<T>,
    task: &RecordTask,
    seed: u64,
    mut policy: Policy,
    target: Target,
    writer: &mut DatasetWriter,
    bar: &ProgressBar,
) -> Result<Outcome, CliError> {
    let Target {
        episodes,
        only_success,
        flush_every,
    } = target;
    let (n, no, na) = (env.num_envs(), env.observation_size(), env.action_size());
    let dt = env.dt();
    let mut out = StepOutput::new(env);
    env.reset(seed, &mut out.obs).map_err(CliError::Env)?;
    let mut actions = vec![0.0; n * na];
    let mut frames = vec![EpisodeFrames::default(); n];
    let mut progress = vec![EpisodeProgress::default(); n];
    let mut origins = (0..n)
        .map(|w| origin(env, seed, w))
        .collect::<Result<Vec<_>, _>>()
        .map_err(CliError::Env)?;
    // Episodes each world may still add (without --only-success).
    let remaining = episodes.saturating_sub(writer.total_episodes());
    let mut share: Vec<usize> = (0..n)
        .map(|w| {
            if only_success {
                usize::MAX
            } else {
                remaining / n + usize::from(w < remaining % n)
            }
        })
        .collect();
    let mut outcome = Outcome::default();
    let started = Instant::now();
    let mut flushed = Instant::now();
    let mut step = 0u64;
    while writer.total_episodes() < episodes {
        match &mut policy {
            Policy::Random(controls) => {
                controls.draw(step);
                actions.copy_from_slice(&controls.values);
            }
            Policy::Linear(linear) => linear.act(&out.obs, env.action_bounds(), &mut actions),
            Policy::Scripted => {
                for w in 0..n {
                    let time = frames[w].len() as f32 * dt;
                    task.scripted(&out.obs[w * no..][..no], time, &mut actions[w * na..][..na]);
                }
            }
        }
        for (w, f) in frames.iter_mut().enumerate() {
            f.state.extend_from_slice(&out.obs[w * no..][..no]);
            f.action.extend_from_slice(&actions[w * na..][..na]);
        }
        env.step(&actions, &mut out).map_err(CliError::Env)?;
        step += 1;
        outcome.env_steps += n as u64;
        for w in 0..n {
            let done = out.done(w);
            frames[w].reward.push(out.reward[w]);
            frames[w].done.push(done);
            let action = &actions[w * na..][..na];
            task.track(
                &mut progress[w],
                out.reward[w],
                action,
                out.terminated[w],
                dt,
            );
            if !done {
                continue;
            }
            let success = task.success(&progress[w]);
            outcome.finished += 1;
            outcome.successes += u64::from(success);
            if writer.total_episodes() < episodes && share[w] > 0 && (success || !only_success) {
                share[w] -= 1;
                let mut finished = origin(env, seed, w).map_err(CliError::Env)?;
                std::mem::swap(&mut finished, &mut origins[w]);
                finished.success = success;
                writer
                    .add(&frames[w], finished)
                    .map_err(CliError::Dataset)?;
                outcome.kept += 1;
                outcome.frames += frames[w].len() as u64;
                bar.inc(1);
            } else {
                origins[w] = origin(env, seed, w).map_err(CliError::Env)?;
            }
            frames[w].clear();
            progress[w] = EpisodeProgress::default();
        }
        let due = match flush_every {
            Some(k) => writer.pending() >= k,
            None => flushed.elapsed() >= FLUSH_INTERVAL,
        };
        if due {
            writer.flush().map_err(CliError::Dataset)?;
            flushed = Instant::now();
        }
        let seconds = started.elapsed().as_secs_f64().max(1e-9);
        bar.set_message(format!(
            "{:.1} episodes/s, {:.0} frames/s",
            outcome.kept as f64 / seconds,
            outcome.frames as f64 / seconds
        ));
    }
    writer.flush().map_err(CliError::Dataset)?;
    Ok(outcome)
}

/// World `w`'s current episode: its number and draw.
fn origin<T: Task>(env: &TaskEnv<T>, seed: u64, w: usize) -> Result<EpisodeOrigin, EnvError> {
    let (world_episode, _) = env.sim().episode(w)?;
    Ok(EpisodeOrigin {
        seed,
        world: w as u64,
        world_episode,
        success: false,
        randomization: env.sim().world_draw(w)?.values.clone(),
    })
}
