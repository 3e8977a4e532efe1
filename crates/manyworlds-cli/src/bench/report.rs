//! The bench's outputs other than the plots: the ratios to the best peer, the table on
//! stdout and `bench.json`.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use super::cell::{
    Cell, Status, MAX_PLAUSIBLE_JOINT_SEPARATION, MAX_PLAUSIBLE_PENETRATION, MAX_PLAUSIBLE_SPEED,
};
use super::matrix::SceneResult;
use super::settings::{Recorded, Settings};
use crate::error::CliError;

/// Fills every manyworlds cell's ratio to the fastest measured, plausible peer of its scene
/// and world count.
pub fn fill_ratios(scene: &mut SceneResult) {
    let peers: Vec<(usize, f64, String)> = scene
        .cells
        .iter()
        .filter(|c| c.is_peer() && c.status == Status::Ok && c.plausible != Some(false))
        .filter_map(|c| Some((c.worlds, c.world_steps_per_second?, c.label())))
        .collect();
    for cell in scene.cells.iter_mut().filter(|c| !c.is_peer()) {
        let best = peers
            .iter()
            .filter(|(n, _, _)| *n == cell.worlds)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let (Some(rate), Some((_, peer, label))) = (cell.world_steps_per_second, best) {
            cell.ratio_to_best_peer = Some(rate / peer);
            cell.best_peer = Some(label.clone());
        }
    }
}

/// The plausibility limits, as recorded in the JSON file.
#[derive(Serialize)]
struct Limits {
    max_penetration_m: f32,
    max_speed_m_per_s: f32,
    max_joint_separation_m: f32,
}

#[derive(Serialize)]
struct Machine {
    os: &'static str,
    cpu: Option<String>,
    logical_cpus: usize,
    gpu_adapters: Vec<String>,
}

/// `bench.json`.
#[derive(Serialize)]
struct Report<'a> {
    manyworlds_version: &'static str,
    command: Vec<String>,
    date_utc: String,
    machine: Machine,
    rapier_version: &'static str,
    mujoco_version: Option<&'a str>,
    settings: &'a Recorded,
    limits: Limits,
    notes: &'a [String],
    scenes: &'a [SceneResult],
}

fn cpu_model() -> Option<String> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    let line = cpuinfo.lines().find(|l| l.starts_with("model name"))?;
    Some(line.split(':').nth(1)?.trim().to_string())
}

/// Now as "YYYY-MM-DDTHH:MM:SSZ" (the civil calendar from the days since 1970).
pub fn now_utc() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rest) = ((secs / 86_400) as i64, secs % 86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Writes `bench.json` into `dir` and returns its path.
pub fn write_json(
    dir: &Path,
    settings: &Settings,
    scenes: &[SceneResult],
) -> Result<std::path::PathBuf, CliError> {
    let report = Report {
        manyworlds_version: env!("CARGO_PKG_VERSION"),
        command: std::env::args().collect(),
        date_utc: now_utc(),
        machine: Machine {
            os: std::env::consts::OS,
            cpu: cpu_model(),
            logical_cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            gpu_adapters: manyworlds::list_adapters()
                .iter()
                .map(|a| a.name.clone())
                .collect(),
        },
        rapier_version: "0.36",
        mujoco_version: settings.mujoco.as_ref().map(|m| m.version.as_str()),
        settings: &settings.recorded,
        limits: Limits {
            max_penetration_m: MAX_PLAUSIBLE_PENETRATION,
            max_speed_m_per_s: MAX_PLAUSIBLE_SPEED,
            max_joint_separation_m: MAX_PLAUSIBLE_JOINT_SEPARATION,
        },
        notes: &settings.notes,
        scenes,
    };
    let path = dir.join("bench.json");
    let json = serde_json::to_string_pretty(&report).map_err(CliError::Json)?;
    std::fs::write(&path, json + "\n")
        .map_err(|e| CliError::Bench(format!("--out: cannot write {}: {e}", path.display())))?;
    Ok(path)
}

/// A rate with an SI prefix, three significant digits.
fn rate(x: f64) -> String {
    if x >= 1e6 {
        format!("{:.3} M", x / 1e6)
    } else if x >= 1e3 {
        format!("{:.3} k", x / 1e3)
    } else {
        format!("{x:.1}")
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
}

fn kib(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / 1024.0)
}

fn or_dash(x: Option<String>) -> String {
    x.unwrap_or_else(|| "-".to_string())
}

fn row(cell: &Cell) -> [String; 13] {
    let p = cell.plausibility.as_ref();
    let status = match cell.status {
        Status::Ok => String::new(),
        Status::NotApplicable => "n/a".to_string(),
        Status::Skipped => "skipped".to_string(),
        Status::Failed => "FAILED".to_string(),
    };
    [
        cell.worlds.to_string(),
        cell.label(),
        cell.world_steps_per_second.map(rate).unwrap_or(status),
        or_dash(cell.ratio_to_best_peer.map(|r| format!("{r:.2}×"))),
        or_dash(cell.cold_start_s.map(|s| format!("{:.1}", s * 1e3))),
        or_dash(cell.peak_rss_bytes.map(mib)),
        or_dash(cell.rss_growth_bytes.map(mib)),
        or_dash(cell.memory_per_world_bytes.map(kib)),
        or_dash(
            p.and_then(|p| p.max_penetration_m)
                .map(|x| format!("{:.2}", x * 1e3)),
        ),
        or_dash(
            p.and_then(|p| p.max_speed_m_per_s)
                .map(|x| format!("{x:.3}")),
        ),
        or_dash(p.map(|p| p.non_finite_worlds.to_string())),
        or_dash(
            p.and_then(|p| p.max_joint_separation_m)
                .map(|x| format!("{:.2}", x * 1e3)),
        ),
        cell.note.clone().unwrap_or_default(),
    ]
}

const HEADER: [&str; 13] = [
    "N",
    "engine",
    "world-steps/s",
    "× best peer",
    "cold ms",
    "peak MiB",
    "+RSS MiB",
    "KiB/world",
    "pen mm",
    "speed m/s",
    "non-finite",
    "joint mm",
    "note",
];

/// The table of every scene, as printed on stdout.
pub fn table(scenes: &[SceneResult]) -> String {
    let mut out = String::new();
    for scene in scenes {
        let _ = writeln!(
            out,
            "{} ({} bodies, {} dynamic, {} joints, {} actuators, dt {} s)",
            scene.scene,
            scene.bodies_per_world,
            scene.dynamic_bodies_per_world,
            scene.joints_per_world,
            scene.actuators_per_world,
            scene.dt_s
        );
        let rows: Vec<[String; 13]> = scene.cells.iter().map(row).collect();
        let mut widths = HEADER.map(|h| h.chars().count());
        for r in &rows {
            for (w, cell) in widths.iter_mut().zip(r) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let header = HEADER.map(String::from);
        for r in std::iter::once(&header).chain(&rows) {
            let mut line = String::from(" ");
            for (i, (cell, &w)) in r.iter().zip(&widths).enumerate() {
                let pad = w.saturating_sub(cell.chars().count());
                // Names and notes left-aligned, figures right-aligned.
                if i == 1 || i == 12 {
                    let _ = write!(line, " {cell}{}", " ".repeat(pad));
                } else {
                    let _ = write!(line, " {}{cell}", " ".repeat(pad));
                }
            }
            let _ = writeln!(out, "{}", line.trim_end());
        }
        let _ = writeln!(out, "  rapier: {}", scene.rapier_note);
        let _ = writeln!(out, "  mujoco: {}", scene.mujoco_note);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil() {
        let date = now_utc();
        assert_eq!(date.len(), 20, "{date}");
        assert!(date.starts_with("20"), "{date}");
        assert!(date.ends_with('Z'), "{date}");
    }

    #[test]
    fn rates_read_well() {
        assert_eq!(rate(35_123.0), "35.123 k");
        assert_eq!(rate(2_500_000.0), "2.500 M");
        assert_eq!(rate(12.34), "12.3");
    }
}
