//! One cell of the matrix, as the table, the JSON file and the plots see it: an engine (and
//! its backend or mode) at one scene and world count, with its speed, cold start, memory and
//! the plausibility of its final state, or why it has none.

use serde::Serialize;

/// Deepest penetration below a ground plane (MuJoCo: deepest contact) that still counts as
/// plausible, m.
pub const MAX_PLAUSIBLE_PENETRATION: f32 = 0.05;
/// Fastest body at the end that still counts as plausible, m/s (nothing in these scenes is
/// driven near it).
pub const MAX_PLAUSIBLE_SPEED: f32 = 50.0;
/// Largest joint anchor separation that still counts as plausible, m.
pub const MAX_PLAUSIBLE_JOINT_SEPARATION: f32 = 0.05;

/// What became of a cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Measured.
    Ok,
    /// The engine cannot run this scene, or is not there (the note says why).
    NotApplicable,
    /// Estimated to take longer than `--max-cell-seconds` (the note gives the estimate).
    Skipped,
    /// The engine returned an error (the note gives it).
    Failed,
}

/// The final state's figures, those an engine can give (`None`: not measured).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Plausibility {
    /// Deepest point of a dynamic collider below a ground plane (MuJoCo: the deepest contact,
    /// self-contacts included), m.
    pub max_penetration_m: Option<f32>,
    /// Fastest dynamic body at the end (MuJoCo: body frame origins), m/s.
    pub max_speed_m_per_s: Option<f32>,
    /// Worlds whose state is not finite.
    pub non_finite_worlds: usize,
    /// Largest joint anchor separation in any world (manyworlds, scenes with joints), m.
    pub max_joint_separation_m: Option<f32>,
}

impl Plausibility {
    /// Why the state is implausible, if it is.
    pub fn problem(&self) -> Option<String> {
        if self.non_finite_worlds > 0 {
            return Some(format!("{} non-finite worlds", self.non_finite_worlds));
        }
        let over = |x: Option<f32>, limit: f32| x.is_some_and(|x| x.is_nan() || x > limit);
        if over(self.max_penetration_m, MAX_PLAUSIBLE_PENETRATION) {
            return Some(format!(
                "penetration {:?} m over {MAX_PLAUSIBLE_PENETRATION} m",
                self.max_penetration_m.unwrap_or(f32::NAN)
            ));
        }
        if over(self.max_speed_m_per_s, MAX_PLAUSIBLE_SPEED) {
            return Some(format!(
                "speed {:?} m/s over {MAX_PLAUSIBLE_SPEED} m/s",
                self.max_speed_m_per_s.unwrap_or(f32::NAN)
            ));
        }
        if over(self.max_joint_separation_m, MAX_PLAUSIBLE_JOINT_SEPARATION) {
            return Some(format!(
                "joint separation {:?} m over {MAX_PLAUSIBLE_JOINT_SEPARATION} m",
                self.max_joint_separation_m.unwrap_or(f32::NAN)
            ));
        }
        None
    }
}

/// One engine at one scene and world count.
#[derive(Clone, Debug, Serialize)]
pub struct Cell {
    /// "manyworlds", "rapier" or "mujoco".
    pub engine: String,
    /// manyworlds: "cpu" or "gpu"; Rapier: "cpu"; MuJoCo: "lockstep" or "rollout".
    pub backend: String,
    pub worlds: usize,
    pub status: Status,
    /// Why a cell is not measured, or what to know about it.
    pub note: Option<String>,
    /// Median over the repetitions of world-steps per second.
    pub world_steps_per_second: Option<f64>,
    /// Each repetition's world-steps per second, in order.
    pub runs: Vec<f64>,
    /// Median world-steps/s over that of the fastest peer (Rapier or MuJoCo, any mode) in the
    /// same scene and world count; manyworlds cells only.
    pub ratio_to_best_peer: Option<f64>,
    /// The best peer of `ratio_to_best_peer`, as "engine backend".
    pub best_peer: Option<String>,
    /// Creating the worlds and taking the first step, state available, s.
    pub cold_start_s: Option<f64>,
    /// Peak resident memory of the process (VmHWM) while creating and warming up this
    /// engine, reset (clear_refs) just before; the engines of a cell created earlier count.
    pub peak_rss_bytes: Option<u64>,
    /// That peak minus the resident memory just before creating the engine.
    pub rss_growth_bytes: Option<u64>,
    /// Memory per world: see `memory_per_world_source`.
    pub memory_per_world_bytes: Option<u64>,
    pub memory_per_world_source: Option<String>,
    pub plausibility: Option<Plausibility>,
    /// Whether the final state passes the limits (`bench.json`'s `limits`).
    pub plausible: Option<bool>,
}

impl Cell {
    /// A cell with nothing measured.
    pub fn unmeasured(
        engine: &str,
        backend: &str,
        worlds: usize,
        status: Status,
        note: String,
    ) -> Self {
        Cell {
            engine: engine.to_string(),
            backend: backend.to_string(),
            worlds,
            status,
            note: Some(note),
            world_steps_per_second: None,
            runs: Vec::new(),
            ratio_to_best_peer: None,
            best_peer: None,
            cold_start_s: None,
            peak_rss_bytes: None,
            rss_growth_bytes: None,
            memory_per_world_bytes: None,
            memory_per_world_source: None,
            plausibility: None,
            plausible: None,
        }
    }

    /// "engine backend", the name of a line in the plots and a row in the table.
    pub fn label(&self) -> String {
        format!("{} {}", self.engine, self.backend)
    }

    pub fn is_peer(&self) -> bool {
        self.engine != "manyworlds"
    }
}

/// The median of `runs` (the mean of the middle two for an even count); None when empty.
pub fn median(runs: &[f64]) -> Option<f64> {
    let mut sorted: Vec<f64> = runs.iter().copied().filter(|x| !x.is_nan()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let m = sorted.len() / 2;
    Some(if sorted.len() % 2 == 1 {
        sorted[m]
    } else {
        (sorted[m - 1] + sorted[m]) / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }

    #[test]
    fn implausible_states_are_named() {
        let fine = Plausibility {
            max_penetration_m: Some(0.001),
            max_speed_m_per_s: Some(1.0),
            non_finite_worlds: 0,
            max_joint_separation_m: None,
        };
        assert_eq!(fine.problem(), None);
        let nan = Plausibility {
            max_speed_m_per_s: Some(f32::NAN),
            ..fine.clone()
        };
        assert!(nan.problem().is_some_and(|p| p.contains("speed")));
        let broken = Plausibility {
            non_finite_worlds: 2,
            ..fine
        };
        assert_eq!(broken.problem().as_deref(), Some("2 non-finite worlds"));
    }
}
