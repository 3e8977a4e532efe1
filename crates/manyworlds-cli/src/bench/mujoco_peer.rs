//! MuJoCo as a peer, through Python: `benches/mujoco/bench_peer.py` (compiled into the binary)
//! run with `python3 -c`, once per repetition so that MuJoCo alternates with the other engines,
//! printing one JSON object (both of `mujoco.rollout`'s modes, cold start, memory and, on
//! the last repetition, the plausibility of the final states).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

use super::cell::Plausibility;

const SCRIPT: &str = include_str!("../../../../benches/mujoco/bench_peer.py");

/// A Python interpreter that imports `mujoco`.
pub struct Mujoco {
    python: PathBuf,
    pub version: String,
    threads: usize,
}

/// One repetition, as the script prints it.
#[derive(Debug, Deserialize)]
pub struct MujocoRun {
    pub lockstep_world_steps_per_second: f64,
    pub rollout_world_steps_per_second: f64,
    pub cold_start_s: f64,
    pub peak_rss_bytes: Option<u64>,
    pub rss_growth_bytes: Option<u64>,
    pub plausibility: Option<MujocoPlausibility>,
}

#[derive(Debug, Deserialize)]
pub struct MujocoPlausibility {
    pub non_finite_worlds: usize,
    pub max_speed_m_per_s: f32,
    pub max_penetration_m: f32,
}

impl From<&MujocoPlausibility> for Plausibility {
    fn from(p: &MujocoPlausibility) -> Self {
        Plausibility {
            max_penetration_m: Some(p.max_penetration_m),
            max_speed_m_per_s: Some(p.max_speed_m_per_s),
            non_finite_worlds: p.non_finite_worlds,
            max_joint_separation_m: None,
        }
    }
}

/// What a repetition asks of MuJoCo.
pub struct MujocoCell<'a> {
    pub model: &'a Path,
    pub worlds: usize,
    pub steps: u32,
    pub warmup: u32,
    pub measure: bool,
}

impl Mujoco {
    /// The interpreter `python` with MuJoCo on `threads` threads, or why not (a note).
    pub fn detect(python: &Path, threads: usize) -> Result<Mujoco, String> {
        let output = Command::new(python)
            .args(["-c", "import mujoco, numpy; print(mujoco.__version__)"])
            .output()
            .map_err(|e| format!("MuJoCo skipped: cannot run {}: {e}", python.display()))?;
        if !output.status.success() {
            return Err(format!(
                "MuJoCo skipped: {} cannot import mujoco and numpy (pip install mujoco)",
                python.display()
            ));
        }
        Ok(Mujoco {
            python: python.to_path_buf(),
            version: String::from_utf8_lossy(&output.stdout).trim().to_string(),
            threads,
        })
    }

    /// Runs one repetition.
    pub fn run(&self, cell: &MujocoCell<'_>) -> Result<MujocoRun, String> {
        let mut command = Command::new(&self.python);
        command
            .arg("-c")
            .arg(SCRIPT)
            .arg("--model")
            .arg(cell.model)
            .args(["--worlds", &cell.worlds.to_string()])
            .args(["--steps", &cell.steps.to_string()])
            .args(["--warmup", &cell.warmup.to_string()])
            .args(["--threads", &self.threads.to_string()]);
        if cell.measure {
            command.arg("--measure");
        }
        let output = command
            .output()
            .map_err(|e| format!("cannot run {}: {e}", self.python.display()))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let last = stderr.lines().last().unwrap_or("no message");
            return Err(format!("the MuJoCo script failed: {last}"));
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        let line = stdout.lines().last().unwrap_or("");
        serde_json::from_str(line)
            .map_err(|e| format!("the MuJoCo script printed no result ({e}): {line}"))
    }
}
