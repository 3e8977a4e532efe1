//! `record --policy FILE`: a linear policy on normalised observations, as the `ars` example
//! saves it (`policy.json`): a = clip(M (o − μ) / σ) to each action's bounds.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::CliError;

/// A policy file, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct LinearPolicy {
    pub path: PathBuf,
    /// The task it was trained on, when the file says.
    pub task: Option<String>,
    pub observation_size: usize,
    pub action_size: usize,
    /// `[action_size × observation_size]`, row-major.
    matrix: Vec<f64>,
    mean: Vec<f64>,
    std: Vec<f64>,
}

impl LinearPolicy {
    /// Reads and checks `path`: `matrix` (rows of numbers, one per action), `obs_mean` and
    /// `obs_std` (one per observation component, σ > 0), all finite; `observation_size` and
    /// `action_size`, when present, must agree with the matrix.
    pub fn load(path: &Path) -> Result<LinearPolicy, CliError> {
        let fail = |message: String| CliError::Policy {
            path: path.to_path_buf(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
        let json: Value =
            serde_json::from_str(&text).map_err(|e| fail(format!("line {}: {e}", e.line())))?;
        let numbers = |value: &Value, what: &str| -> Result<Vec<f64>, CliError> {
            let items = value
                .as_array()
                .ok_or_else(|| fail(format!("`{what}` must be an array of numbers")))?;
            items
                .iter()
                .enumerate()
                .map(|(i, v)| match v.as_f64() {
                    Some(x) if x.is_finite() => Ok(x),
                    _ => Err(fail(format!(
                        "`{what}`[{i}] must be a finite number, got {v}"
                    ))),
                })
                .collect()
        };
        let rows = json["matrix"]
            .as_array()
            .ok_or_else(|| fail("`matrix` must be an array of rows, one per action".into()))?;
        if rows.is_empty() {
            return Err(fail("`matrix` has no rows (one per action)".into()));
        }
        let mut matrix = Vec::new();
        let mut observation_size = None;
        for (r, row) in rows.iter().enumerate() {
            let row = numbers(row, &format!("matrix[{r}]"))?;
            if *observation_size.get_or_insert(row.len()) != row.len() {
                return Err(fail(format!(
                    "`matrix`[{r}] has {} values, the first row {}",
                    row.len(),
                    observation_size.unwrap_or(0)
                )));
            }
            matrix.extend(row);
        }
        let observation_size = observation_size.unwrap_or(0);
        let action_size = rows.len();
        let mean = numbers(&json["obs_mean"], "obs_mean")?;
        let std = numbers(&json["obs_std"], "obs_std")?;
        for (what, values) in [("obs_mean", &mean), ("obs_std", &std)] {
            if values.len() != observation_size {
                return Err(fail(format!(
                    "`{what}` has {} values, the matrix {observation_size} columns",
                    values.len()
                )));
            }
        }
        if let Some(i) = std.iter().position(|&s| s <= 0.0) {
            return Err(fail(format!(
                "`obs_std`[{i}] must be positive, got {}",
                std[i]
            )));
        }
        for (key, expected) in [
            ("observation_size", observation_size),
            ("action_size", action_size),
        ] {
            if let Some(given) = json.get(key).filter(|v| !v.is_null()) {
                if given.as_u64() != Some(expected as u64) {
                    return Err(fail(format!(
                        "`{key}` is {given}, the matrix says {expected}"
                    )));
                }
            }
        }
        Ok(LinearPolicy {
            path: path.to_path_buf(),
            task: json["task"].as_str().map(str::to_string),
            observation_size,
            action_size,
            matrix,
            mean,
            std,
        })
    }

    /// Whether the policy can drive `task`'s env (sizes, and the task it was trained on when
    /// the file names one); the error names the file.
    pub fn check_fits(
        &self,
        task: &str,
        observation_size: usize,
        action_size: usize,
    ) -> Result<(), CliError> {
        let fail = |message: String| CliError::Policy {
            path: self.path.clone(),
            message,
        };
        if let Some(trained) = self.task.as_deref().filter(|t| *t != task) {
            return Err(fail(format!("trained on {trained}, not {task}")));
        }
        if (self.observation_size, self.action_size) != (observation_size, action_size) {
            return Err(fail(format!(
                "maps {} observations to {} actions; {task} has {observation_size} and \
                 {action_size}",
                self.observation_size, self.action_size
            )));
        }
        Ok(())
    }

    /// Every env's actions (`[envs × action_size]`) from its observations
    /// (`[envs × observation_size]`), clipped to `bounds`.
    pub fn act(&self, observations: &[f32], bounds: &[(f32, f32)], actions: &mut [f32]) {
        let (no, na) = (self.observation_size, self.action_size);
        for (obs, act) in observations.chunks(no).zip(actions.chunks_mut(na)) {
            for (k, (a, row)) in act.iter_mut().zip(self.matrix.chunks(no)).enumerate() {
                let value: f64 = row
                    .iter()
                    .zip(obs)
                    .zip(self.mean.iter().zip(&self.std))
                    .map(|((m, &o), (mu, sigma))| m * (o as f64 - mu) / sigma)
                    .sum();
                let (lower, upper) = bounds.get(k).copied().unwrap_or((-1.0, 1.0));
                *a = (value as f32).clamp(lower, upper);
            }
        }
    }
}
