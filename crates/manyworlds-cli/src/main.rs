//! `manyworlds`: run the built-in scenes of the manyworlds engine from the command line.
//!
//! This file holds the command-line grammar (clap) and dispatch; each command lives in its own
//! module.

mod backend;
mod bench;
mod controls;
mod convert;
mod devices;
mod error;
mod inspect;
mod linear_policy;
mod model_file;
mod model_options;
mod pool;
mod record;
mod run;
mod scenes;
mod summary;
mod trajectory;

use std::process::ExitCode;

use clap::builder::RangedU64ValueParser;
use clap::{Parser, Subcommand};
use manyworlds::MAX_WORLDS;

use crate::backend::BackendChoice;

#[derive(Debug, Parser)]
#[command(
    name = "manyworlds",
    version,
    about = "Step thousands of independent rigid-body worlds at once",
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Step a built-in scene or a model file in many worlds and print a summary of speed and
    /// plausibility.
    Run(RunArgs),
    /// Load a model file (MJCF, URDF, scene file) and print its bodies, joints, actuators and
    /// shapes, and what the loader skipped or approximated.
    Inspect(InspectArgs),
    /// Write a built-in scene or a model file as a manyworlds scene file (JSON), which `run`
    /// and `inspect` read back exactly.
    Convert(ConvertArgs),
    /// Measure world-steps/s of scenes × backends × world counts against Rapier and MuJoCo,
    /// with cold start, memory and plausibility; writes a table, JSON and plots.
    Bench(BenchArgs),
    /// Record rollouts of a task's environments (with domain randomization) as a LeRobot
    /// v3.0 dataset.
    Record(RecordArgs),
    /// List the built-in scenes.
    Scenes,
    /// List the GPU adapters the GPU backend can use.
    Devices,
}

/// Arguments of `manyworlds run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Built-in scene to run (see `manyworlds scenes`), or a model file (MJCF `.xml`, URDF
    /// `.urdf`, scene file `.json`).
    #[arg(value_name = "SCENE")]
    pub scene: String,

    #[command(flatten)]
    pub model: model_options::ModelOptions,

    /// Number of independent worlds stepped together.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 1024,
        value_parser = RangedU64ValueParser::<usize>::new().range(1..=MAX_WORLDS as u64)
    )]
    pub worlds: usize,

    /// Steps to take [default: the scene's own episode length].
    #[arg(
        long,
        value_name = "S",
        value_parser = RangedU64ValueParser::<u32>::new().range(1..=u64::from(u32::MAX))
    )]
    pub steps: Option<u32>,

    /// Size of the worker thread pool, 1 to 1024 [default: one thread per core].
    #[arg(long, value_name = "T", value_parser = parse_threads)]
    pub threads: Option<usize>,

    /// Backend that steps the worlds; `auto` takes a hardware GPU if there is one, else the
    /// CPU. `gpu` honours MANYWORLDS_ADAPTER (see `manyworlds devices`).
    #[arg(long, value_enum, default_value_t = BackendChoice::Auto)]
    pub backend: BackendChoice,

    /// Print the summary as one JSON object on stdout (and nothing else there).
    #[arg(long)]
    pub json: bool,

    /// Exit with success even when worlds went non-finite (the summary still says so).
    #[arg(long)]
    pub keep_going: bool,

    /// Seed of the random controls of scenes with actuators (uniform in each actuator's
    /// range, fresh every step).
    #[arg(long, value_name = "SEED", default_value_t = 0)]
    pub seed: u64,

    /// Write the trajectories of --fields into DIR: one `.npy` file per field (float32,
    /// `[frames, worlds, …]`) and `manifest.json`; a run stopped at any moment leaves the
    /// frames recorded so far, readable.
    #[arg(long, value_name = "DIR")]
    pub out: Option<std::path::PathBuf>,

    /// Fields written by --out, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [trajectory::Field::Positions, trajectory::Field::Orientations])]
    pub fields: Vec<trajectory::Field>,

    /// Steps per frame written by --out (frame 0 is the start).
    #[arg(long, value_name = "K", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub every: u32,
}

/// Arguments of `manyworlds bench`.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Scenes, comma-separated: built-in names and model files (MJCF `.xml`, URDF `.urdf`,
    /// scene file `.json`) [default: boxes, pyramid, cartpole, ant,
    /// tests/assets/gymnasium/humanoid.xml].
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub scenes: Vec<String>,

    /// World counts, comma-separated [default: 1,64,1024,4096,16384; --quick: 1,16].
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        value_parser = RangedU64ValueParser::<usize>::new().range(1..=MAX_WORLDS as u64)
    )]
    pub worlds: Vec<usize>,

    /// manyworlds backends, comma-separated (`gpu` is skipped with a note without an adapter).
    #[arg(long, value_enum, value_name = "LIST", value_delimiter = ',', default_values_t = [bench::BenchBackend::Cpu, bench::BenchBackend::Gpu])]
    pub backends: Vec<bench::BenchBackend>,

    /// Peers run in the same cells, comma-separated, or `none`.
    #[arg(long, value_enum, value_name = "LIST", value_delimiter = ',', default_values_t = [bench::Peer::Rapier, bench::Peer::Mujoco])]
    pub peers: Vec<bench::Peer>,

    /// Timed steps per repetition [default: 100; --quick: 20].
    #[arg(
        long,
        value_name = "S",
        value_parser = RangedU64ValueParser::<u32>::new().range(1..=1_000_000)
    )]
    pub steps: Option<u32>,

    /// Repetitions (the engines alternate within each); the figure is their median
    /// [default: 5; --quick: 1].
    #[arg(
        long,
        value_name = "R",
        value_parser = RangedU64ValueParser::<u32>::new().range(1..=1000)
    )]
    pub reps: Option<u32>,

    /// Untimed steps of every engine before the first repetition [default: 10; --quick: 2].
    #[arg(
        long,
        value_name = "W",
        value_parser = RangedU64ValueParser::<u32>::new().range(0..=1_000_000)
    )]
    pub warmup: Option<u32>,

    /// Skip an engine's cell when its warm-up and repetitions are estimated (from a probe) to
    /// take longer than this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0, value_parser = parse_seconds)]
    pub max_cell_seconds: f64,

    /// A smoke test: small world counts, few steps; checks that every cell runs and is
    /// plausible (exits with an error when one is not), not a speed.
    #[arg(long)]
    pub quick: bool,

    /// Folder for `bench.json`, and `bench-SCENE.png` / `.svg` per scene (created if absent).
    #[arg(long, value_name = "DIR", default_value = "bench-results")]
    pub out: std::path::PathBuf,

    /// Size of the worker thread pool of the CPU backend and Rapier, and MuJoCo's threads
    /// [default: one per core].
    #[arg(long, value_name = "T", value_parser = parse_threads)]
    pub threads: Option<usize>,

    /// The Python interpreter that runs MuJoCo.
    #[arg(long, value_name = "PATH", default_value = "python3")]
    pub python: std::path::PathBuf,
}

/// `--max-cell-seconds`: a positive, finite number of seconds.
fn parse_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        Ok(_) => Err("must be a positive number of seconds".to_string()),
        Err(e) => Err(format!("not a number of seconds: {e}")),
    }
}

/// Arguments of `manyworlds inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// The model file (MJCF `.xml`, URDF `.urdf`, scene file `.json`).
    #[arg(value_name = "FILE")]
    pub file: std::path::PathBuf,

    #[command(flatten)]
    pub model: model_options::ModelOptions,
}

/// Arguments of `manyworlds convert`.
#[derive(Debug, clap::Args)]
pub struct ConvertArgs {
    /// Built-in scene (see `manyworlds scenes`) or model file (MJCF `.xml`, URDF `.urdf`,
    /// scene file `.json`).
    #[arg(value_name = "SOURCE")]
    pub source: String,

    /// The scene file to write (`.json`).
    #[arg(short, long, value_name = "OUT.json")]
    pub output: std::path::PathBuf,

    #[command(flatten)]
    pub model: model_options::ModelOptions,
}

/// Arguments of `manyworlds record`.
#[derive(Debug, clap::Args)]
pub struct RecordArgs {
    /// The task: `cartpole` (CartPoleBalance), `ant` (AntForward), or a model file (MJCF
    /// `.xml`, URDF `.urdf`, scene file `.json`) whose actuators the policy drives.
    #[arg(value_name = "TASK|FILE")]
    pub task: String,

    /// Envs stepped together (one world each).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 64,
        value_parser = RangedU64ValueParser::<usize>::new().range(1..=MAX_WORLDS as u64)
    )]
    pub worlds: usize,

    /// Episodes the dataset holds when done (with --resume, counting those already there).
    #[arg(
        long,
        value_name = "E",
        value_parser = RangedU64ValueParser::<usize>::new().range(1..=u64::from(u32::MAX))
    )]
    pub episodes: usize,

    /// What chooses the actions: `random` (uniform in each actuator's range, fresh every
    /// step), `scripted` (the task's scripted controller: state feedback for the cart-pole, an
    /// open-loop trot for the ant), or a policy file (JSON, as the `ars` example writes it:
    /// a = clip(matrix · (obs − obs_mean) / obs_std)).
    #[arg(long, value_name = "random|scripted|FILE", default_value = "random", value_parser = parse_policy)]
    pub policy: PolicyChoice,

    /// Domain randomization rules, JSON (a scene file's `"randomization"` object:
    /// `{"rules": [...], "pushes": ...}`), drawn per world and episode after the task's start
    /// noise.
    #[arg(long, value_name = "FILE")]
    pub randomize: Option<std::path::PathBuf>,

    /// Seed of the start states, the randomization and the random policy.
    #[arg(long, value_name = "SEED", default_value_t = 0)]
    pub seed: u64,

    /// Keep only the episodes that meet the task's success condition.
    #[arg(long)]
    pub only_success: bool,

    /// The dataset's folder (absent or empty, unless --resume).
    #[arg(long, value_name = "DIR")]
    pub out: std::path::PathBuf,

    /// Continue the dataset in --out (after a stop or kill) up to --episodes.
    #[arg(long)]
    pub resume: bool,

    /// Flush the dataset to disk every K kept episodes [default: every 5 seconds].
    #[arg(
        long,
        value_name = "K",
        value_parser = RangedU64ValueParser::<usize>::new().range(1..)
    )]
    pub flush_every: Option<usize>,

    /// Start a new data file once one would pass this size (MB, uncompressed).
    #[arg(
        long,
        value_name = "MB",
        default_value_t = 100,
        value_parser = RangedU64ValueParser::<u32>::new().range(1..=100_000)
    )]
    pub data_file_size_mb: u32,

    /// Size of the worker thread pool, 1 to 1024 [default: one thread per core].
    #[arg(long, value_name = "T", value_parser = parse_threads)]
    pub threads: Option<usize>,

    /// Backend that steps the worlds (see `run --backend`).
    #[arg(long, value_enum, default_value_t = BackendChoice::Auto)]
    pub backend: BackendChoice,

    #[command(flatten)]
    pub model: model_options::ModelOptions,

    /// A model file's episode length, in steps of its dt.
    #[arg(
        long,
        value_name = "S",
        default_value_t = 1000,
        value_parser = RangedU64ValueParser::<u32>::new().range(1..=u64::from(u32::MAX))
    )]
    pub episode_steps: u32,
}

/// `record --policy`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyChoice {
    /// Uniform random controls in each actuator's range, fresh every step.
    Random,
    /// The task's scripted controller: state feedback for the cart-pole, an open-loop trot
    /// for the ant.
    Scripted,
    /// A linear policy file (`linear_policy.rs`).
    File(std::path::PathBuf),
}

impl PolicyChoice {
    /// As the dataset's metadata and the summary name it.
    pub fn name(&self) -> String {
        match self {
            PolicyChoice::Random => "random".to_string(),
            PolicyChoice::Scripted => "scripted".to_string(),
            PolicyChoice::File(path) => path.display().to_string(),
        }
    }
}

/// `--policy`: `random`, `scripted`, or a file.
fn parse_policy(s: &str) -> Result<PolicyChoice, String> {
    match s {
        "random" => Ok(PolicyChoice::Random),
        "scripted" => Ok(PolicyChoice::Scripted),
        "" => Err("expected random, scripted or a policy file".to_string()),
        path => Ok(PolicyChoice::File(path.into())),
    }
}

/// The largest `--threads`: far more threads than cores only makes rayon's idle workers spin
/// against each other (20 000 threads on 2 cores take minutes to step two worlds twice).
const MAX_THREADS: usize = 1024;

/// `--threads`: a thread count in 1..=MAX_THREADS.
fn parse_threads(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("the pool needs at least one thread".to_string()),
        Ok(t) if t > MAX_THREADS => Err(format!("at most {MAX_THREADS} threads")),
        Ok(t) => Ok(t),
        Err(e) => Err(format!("not a thread count: {e}")),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Bench(args) => bench::bench(&args),
        Command::Inspect(args) => inspect::inspect(&args),
        Command::Convert(args) => convert::convert(&args),
        Command::Record(args) => record::record(&args),
        Command::Scenes => {
            scenes::list();
            Ok(())
        }
        Command::Devices => {
            devices::list();
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
