//! The bench's settings: the arguments with `--quick`'s or the full run's defaults filled in,
//! the scenes loaded, and which backends and peers are there.

use std::path::PathBuf;

use serde::Serialize;

use super::mujoco_peer::Mujoco;
use super::scenes::{BenchScene, DEFAULT_SCENES};
use super::{BenchBackend, Peer};
use crate::error::CliError;
use crate::BenchArgs;

/// Defaults of a full run.
const WORLDS: [usize; 5] = [1, 64, 1024, 4096, 16384];
const STEPS: u32 = 100;
const REPS: u32 = 5;
const WARMUP: u32 = 10;
/// Defaults of `--quick`.
const QUICK_WORLDS: [usize; 2] = [1, 16];
const QUICK_STEPS: u32 = 20;
const QUICK_REPS: u32 = 1;
const QUICK_WARMUP: u32 = 2;

/// The figures of the settings that go into `bench.json`.
#[derive(Clone, Debug, Serialize)]
pub struct Recorded {
    pub worlds: Vec<usize>,
    pub steps_per_rep: u32,
    pub reps: u32,
    pub warmup_steps: u32,
    pub max_cell_seconds: f64,
    pub quick: bool,
    pub threads: usize,
}

pub struct Settings {
    pub scenes: Vec<BenchScene>,
    /// The manyworlds backends to run (GPU only when there is an adapter).
    pub cpu: bool,
    pub gpu: bool,
    pub rapier: bool,
    pub mujoco: Option<Mujoco>,
    pub recorded: Recorded,
    pub out: PathBuf,
    /// What was left out and why (no adapter, no MuJoCo).
    pub notes: Vec<String>,
}

impl Settings {
    /// Resolves `args` with `threads` worker threads; scenes that do not load are refused
    /// naming `--scenes`.
    pub fn resolve(args: &BenchArgs, threads: usize) -> Result<Settings, CliError> {
        let quick = args.quick;
        let pick = |given: Option<u32>, full: u32, fast: u32| {
            given.unwrap_or(if quick { fast } else { full })
        };
        let mut worlds = if args.worlds.is_empty() {
            if quick {
                QUICK_WORLDS.to_vec()
            } else {
                WORLDS.to_vec()
            }
        } else {
            args.worlds.clone()
        };
        worlds.sort_unstable();
        worlds.dedup();
        let names: Vec<String> = if args.scenes.is_empty() {
            DEFAULT_SCENES.iter().map(|s| s.to_string()).collect()
        } else {
            args.scenes.clone()
        };
        let mut scenes = Vec::with_capacity(names.len());
        for name in &names {
            let name = name.trim();
            if name.is_empty() {
                return Err(CliError::Bench("--scenes: an empty scene name".to_string()));
            }
            scenes.push(BenchScene::resolve(name)?);
        }
        let mut notes = Vec::new();
        let cpu = args.backends.contains(&BenchBackend::Cpu);
        let mut gpu = args.backends.contains(&BenchBackend::Gpu);
        if gpu && manyworlds::list_adapters().is_empty() {
            notes.push(
                "manyworlds gpu skipped: no GPU adapter (see `manyworlds devices`)".to_string(),
            );
            gpu = false;
        }
        let none = args.peers.contains(&Peer::None);
        if none && args.peers.len() > 1 {
            return Err(CliError::Bench(
                "--peers: `none` cannot be combined with peers".to_string(),
            ));
        }
        let rapier = args.peers.contains(&Peer::Rapier);
        let mujoco = if args.peers.contains(&Peer::Mujoco) {
            match Mujoco::detect(&args.python, threads) {
                Ok(mujoco) => Some(mujoco),
                Err(note) => {
                    notes.push(note);
                    None
                }
            }
        } else {
            None
        };
        Ok(Settings {
            scenes,
            cpu,
            gpu,
            rapier,
            mujoco,
            recorded: Recorded {
                worlds,
                steps_per_rep: pick(args.steps, STEPS, QUICK_STEPS),
                reps: pick(args.reps, REPS, QUICK_REPS),
                warmup_steps: pick(args.warmup, WARMUP, QUICK_WARMUP),
                max_cell_seconds: args.max_cell_seconds,
                quick,
                threads,
            },
            out: args.out.clone(),
            notes,
        })
    }

    /// Steps an engine takes in a cell after its first: warm-up and repetitions.
    pub fn cell_steps(&self) -> u64 {
        u64::from(self.recorded.warmup_steps)
            + u64::from(self.recorded.reps) * u64::from(self.recorded.steps_per_rep)
    }
}
