//! Runs the matrix: for each scene and world count, every engine is created and takes its
//! first step (cold start, memory), is checked against the time limit with a probe (its
//! second step, or its rate at the previous world count), warmed up, then stepped in
//! repetitions in which the engines alternate (MuJoCo, out of process, last in each), and
//! finally measured for plausibility.

use std::time::{Duration, Instant};

use manyworlds::{AdapterChoice, Backend, SimOptions};
use serde::Serialize;

use super::cell::{median, Cell, Plausibility, Status};
use super::engines::Engine;
use super::memory;
use super::mujoco_peer::{MujocoCell, MujocoRun};
use super::rapier_peer;
use super::scenes::BenchScene;
use super::settings::Settings;

/// Everything measured of one scene.
#[derive(Debug, Serialize)]
pub struct SceneResult {
    pub scene: String,
    pub bodies_per_world: usize,
    pub dynamic_bodies_per_world: usize,
    pub joints_per_world: usize,
    pub actuators_per_world: usize,
    pub dt_s: f32,
    /// The MJCF file MuJoCo ran, if any.
    pub mujoco_model: Option<String>,
    pub mujoco_note: String,
    pub rapier_note: String,
    pub cells: Vec<Cell>,
}

/// An engine's column across the world counts of a scene.
struct Slot {
    engine: &'static str,
    backend: &'static str,
    kind: SlotKind,
    /// Why it cannot run this scene.
    not_applicable: Option<String>,
    /// Median world-steps/s at the last world count measured.
    last_rate: Option<(usize, f64)>,
    /// Set once a world count was skipped: larger ones are too.
    skipped_from: Option<usize>,
}

enum SlotKind {
    Manyworlds(Backend),
    Rapier,
}

/// An engine of the current cell, created and warmed up.
struct Live {
    slot: usize,
    engine: Engine,
    cold_start: Duration,
    peak_rss: Option<u64>,
    rss_growth: Option<u64>,
    runs: Vec<f64>,
    error: Option<String>,
}

/// MuJoCo's two modes at the current cell.
struct MujocoLive {
    lockstep: Vec<f64>,
    rollout: Vec<f64>,
    first: Option<MujocoRun>,
    plausibility: Option<Plausibility>,
    peak_rss: Option<u64>,
    error: Option<String>,
}

fn rate(worlds: usize, steps: u32, elapsed: Duration) -> f64 {
    worlds as f64 * f64::from(steps) / elapsed.max(Duration::from_nanos(1)).as_secs_f64()
}

/// Runs every scene of `settings`.
pub fn run(settings: &Settings) -> Vec<SceneResult> {
    settings
        .scenes
        .iter()
        .map(|scene| run_scene(settings, scene))
        .collect()
}

fn run_scene(settings: &Settings, scene: &BenchScene) -> SceneResult {
    let rapier_note = rapier_peer::unsupported(scene.scene())
        .unwrap_or_else(|| "Rapier runs the same scene, built from it".to_string());
    let mut slots = Vec::new();
    let mut slot = |engine, backend, kind, not_applicable| {
        slots.push(Slot {
            engine,
            backend,
            kind,
            not_applicable,
            last_rate: None,
            skipped_from: None,
        })
    };
    if settings.cpu {
        slot(
            "manyworlds",
            "cpu",
            SlotKind::Manyworlds(Backend::Cpu),
            None,
        );
    }
    if settings.gpu {
        let gpu = Backend::Gpu(AdapterChoice::Auto);
        slot("manyworlds", "gpu", SlotKind::Manyworlds(gpu), None);
    }
    if settings.rapier {
        let unsupported = rapier_peer::unsupported(scene.scene());
        slot("rapier", "cpu", SlotKind::Rapier, unsupported);
    }
    let mut mujoco_last_rate: Option<(usize, f64)> = None;
    let mut mujoco_skipped_from: Option<usize> = None;
    let mut cells = Vec::new();
    for &n in &settings.recorded.worlds {
        let mut live = Vec::new();
        for (i, slot) in slots.iter_mut().enumerate() {
            match prepare(settings, scene, slot, n) {
                Ok(engine) => live.push(Live { slot: i, ..engine }),
                Err(cell) => cells.push(*cell),
            }
        }
        let mut mujoco = prepare_mujoco(settings, scene, n, mujoco_last_rate, mujoco_skipped_from);
        if let Err(cells_out) = &mujoco {
            if cells_out
                .first()
                .is_some_and(|c| c.status == Status::Skipped)
            {
                mujoco_skipped_from.get_or_insert(n);
            }
        }
        let steps = settings.recorded.steps_per_rep;
        for rep in 0..settings.recorded.reps {
            for engine in live.iter_mut().filter(|e| e.error.is_none()) {
                let start = Instant::now();
                match engine.engine.step(steps) {
                    Ok(()) => engine.runs.push(rate(n, steps, start.elapsed())),
                    Err(e) => engine.error = Some(e),
                }
            }
            if let (Ok(state), Some(peer), Some(model)) =
                (&mut mujoco, &settings.mujoco, &scene.mujoco_model)
            {
                if state.error.is_none() {
                    let cell = MujocoCell {
                        model,
                        worlds: n,
                        steps,
                        warmup: settings.recorded.warmup_steps,
                        measure: rep + 1 == settings.recorded.reps,
                    };
                    match peer.run(&cell) {
                        Ok(run) => {
                            state.lockstep.push(run.lockstep_world_steps_per_second);
                            state.rollout.push(run.rollout_world_steps_per_second);
                            state.peak_rss = state.peak_rss.max(run.peak_rss_bytes);
                            if let Some(p) = &run.plausibility {
                                state.plausibility = Some(p.into());
                            }
                            state.first.get_or_insert(run);
                        }
                        Err(e) => state.error = Some(e),
                    }
                }
            }
        }
        for engine in live {
            let slot = &mut slots[engine.slot];
            let cell = finish(scene, slot, engine, n);
            cells.push(cell);
        }
        match mujoco {
            Ok(state) => {
                let [lockstep, rollout] = finish_mujoco(state, n);
                if let Some(rate) = lockstep.world_steps_per_second {
                    mujoco_last_rate = Some((n, rate));
                }
                cells.push(lockstep);
                cells.push(rollout);
            }
            Err(unmeasured) => cells.extend(unmeasured),
        }
    }
    // In the slots' order at each world count: manyworlds, Rapier, MuJoCo.
    cells.sort_by_key(|c| (c.worlds, rank(c)));
    let s = scene.scene();
    SceneResult {
        scene: scene.name.clone(),
        bodies_per_world: s.body_count(),
        dynamic_bodies_per_world: s.dynamic_body_count(),
        joints_per_world: s.joints().len(),
        actuators_per_world: s.actuators().len(),
        dt_s: scene.params().dt,
        mujoco_model: scene.mujoco_model.as_ref().map(|p| p.display().to_string()),
        mujoco_note: match (&settings.mujoco, mujoco_missing(settings)) {
            (Some(_), _) => scene.mujoco_note.clone(),
            (None, true) => "n/a: MuJoCo not installed".to_string(),
            (None, false) => "not asked for (--peers)".to_string(),
        },
        rapier_note,
        cells,
    }
}

/// A cell's place among the engines of its world count.
fn rank(cell: &Cell) -> usize {
    let order = [
        ("manyworlds", "cpu"),
        ("manyworlds", "gpu"),
        ("rapier", "cpu"),
        ("mujoco", "lockstep"),
        ("mujoco", "rollout"),
    ];
    order
        .iter()
        .position(|&(e, b)| cell.engine == e && cell.backend == b)
        .unwrap_or(order.len())
}

/// The estimate of a cell's time from a rate measured at a smaller world count, assuming the
/// cost grows with the worlds.
fn estimate_from(settings: &Settings, last: (usize, f64), n: usize) -> f64 {
    let (_, rate) = last;
    settings.cell_steps() as f64 * n as f64 / rate.max(f64::MIN_POSITIVE)
}

fn skipped_note(estimate: f64, how: &str, settings: &Settings) -> String {
    format!(
        "skipped: estimated {estimate:.0} s ({how}) > --max-cell-seconds {}",
        settings.recorded.max_cell_seconds
    )
}

/// Creates and warms up a slot's engine at `n` worlds, or says why it is not measured.
fn prepare(
    settings: &Settings,
    scene: &BenchScene,
    slot: &mut Slot,
    n: usize,
) -> Result<Live, Box<Cell>> {
    let unmeasured = |status, note: String| {
        Err(Box::new(Cell::unmeasured(
            slot.engine,
            slot.backend,
            n,
            status,
            note,
        )))
    };
    if let Some(note) = &slot.not_applicable {
        return unmeasured(Status::NotApplicable, note.clone());
    }
    if let Some(from) = slot.skipped_from {
        return unmeasured(
            Status::Skipped,
            format!("skipped: already too long at {from} worlds"),
        );
    }
    if let Some(last) = slot.last_rate {
        let estimate = estimate_from(settings, last, n);
        if estimate > settings.recorded.max_cell_seconds {
            slot.skipped_from = Some(n);
            let how = format!("from {} worlds' rate", last.0);
            return unmeasured(Status::Skipped, skipped_note(estimate, &how, settings));
        }
    }
    eprintln!(
        "bench {} × {n} worlds: {} {}",
        scene.name, slot.engine, slot.backend
    );
    memory::reset_peak();
    let rss_before = memory::rss();
    let start = Instant::now();
    let created = match &slot.kind {
        SlotKind::Manyworlds(backend) => {
            let options = SimOptions {
                backend: backend.clone(),
                ..SimOptions::default()
            };
            Engine::manyworlds(scene, n, &options)
        }
        SlotKind::Rapier => Ok(Engine::rapier(scene, n)),
    };
    let mut engine = match created {
        Ok(engine) => engine,
        Err(e) => return unmeasured(Status::Failed, format!("cannot create: {e}")),
    };
    if let Err(e) = engine.step(1) {
        return unmeasured(Status::Failed, format!("first step: {e}"));
    }
    let cold_start = start.elapsed();
    // The probe: the second step (a GPU may compile its kernel lazily in the first).
    let probe_start = Instant::now();
    if let Err(e) = engine.step(1) {
        return unmeasured(Status::Failed, format!("second step: {e}"));
    }
    let probe = probe_start.elapsed();
    if slot.last_rate.is_none() {
        let estimate = probe.as_secs_f64() * settings.cell_steps() as f64;
        if estimate > settings.recorded.max_cell_seconds {
            slot.skipped_from = Some(n);
            return unmeasured(
                Status::Skipped,
                skipped_note(estimate, "from the second step", settings),
            );
        }
    }
    if settings.recorded.warmup_steps > 0 {
        if let Err(e) = engine.step(settings.recorded.warmup_steps) {
            return unmeasured(Status::Failed, format!("warm-up: {e}"));
        }
    }
    let peak_rss = memory::peak_rss();
    let rss_growth = match (peak_rss, rss_before) {
        (Some(peak), Some(before)) => Some(peak.saturating_sub(before)),
        _ => None,
    };
    Ok(Live {
        slot: 0,
        engine,
        cold_start,
        peak_rss,
        rss_growth,
        runs: Vec::new(),
        error: None,
    })
}

/// The cell of an engine after its repetitions, with its plausibility.
fn finish(scene: &BenchScene, slot: &mut Slot, mut live: Live, n: usize) -> Cell {
    let mut cell = Cell::unmeasured(slot.engine, slot.backend, n, Status::Ok, String::new());
    cell.note = live.engine.device().map(|d| format!("on {d}"));
    cell.cold_start_s = Some(live.cold_start.as_secs_f64());
    cell.peak_rss_bytes = live.peak_rss;
    cell.rss_growth_bytes = live.rss_growth;
    match live.engine.memory_per_world() {
        Some(bytes) => {
            cell.memory_per_world_bytes = Some(bytes);
            cell.memory_per_world_source = Some(
                "the backend's buffers (Sim::memory_per_world; GPU: device buffers)".to_string(),
            );
        }
        None => {
            cell.memory_per_world_bytes = live.rss_growth.map(|g| g / n as u64);
            cell.memory_per_world_source =
                Some("process RSS growth at creation and warm-up / N".to_string());
        }
    }
    if let Some(e) = live.error.take() {
        cell.status = Status::Failed;
        cell.note = Some(e);
        cell.runs = live.runs;
        return cell;
    }
    cell.world_steps_per_second = median(&live.runs);
    cell.runs = live.runs;
    if let Some(rate) = cell.world_steps_per_second {
        slot.last_rate = Some((n, rate));
    }
    match live.engine.plausibility(scene) {
        Ok(p) => {
            cell.plausible = Some(p.problem().is_none());
            if let Some(problem) = p.problem() {
                cell.note = Some(format!("implausible: {problem}"));
            }
            cell.plausibility = Some(p);
        }
        Err(e) => {
            cell.status = Status::Failed;
            cell.note = Some(format!("plausibility: {e}"));
        }
    }
    cell
}

const MUJOCO_MODES: [&str; 2] = ["lockstep", "rollout"];

/// Whether MuJoCo was asked for but is not there (the settings' note says why).
fn mujoco_missing(settings: &Settings) -> bool {
    settings.notes.iter().any(|n| n.starts_with("MuJoCo"))
}

/// MuJoCo's state at `n` worlds, or its two unmeasured cells.
fn prepare_mujoco(
    settings: &Settings,
    scene: &BenchScene,
    n: usize,
    last_rate: Option<(usize, f64)>,
    skipped_from: Option<usize>,
) -> Result<MujocoLive, Vec<Cell>> {
    let both = |status: Status, note: String| {
        MUJOCO_MODES
            .iter()
            .map(|mode| Cell::unmeasured("mujoco", mode, n, status, note.clone()))
            .collect::<Vec<_>>()
    };
    if settings.mujoco.is_none() {
        // Either not asked for (no cells) or not installed (the settings' note says so).
        return Err(if mujoco_missing(settings) {
            both(
                Status::NotApplicable,
                "n/a: MuJoCo not installed".to_string(),
            )
        } else {
            Vec::new()
        });
    }
    if scene.mujoco_model.is_none() {
        return Err(both(Status::NotApplicable, scene.mujoco_note.clone()));
    }
    if let Some(from) = skipped_from {
        return Err(both(
            Status::Skipped,
            format!("skipped: already too long at {from} worlds"),
        ));
    }
    if let Some(last) = last_rate {
        let estimate = estimate_from(settings, last, n);
        if estimate > settings.recorded.max_cell_seconds {
            let how = format!("from {} worlds' rate", last.0);
            return Err(both(
                Status::Skipped,
                skipped_note(estimate, &how, settings),
            ));
        }
    }
    eprintln!("bench {} × {n} worlds: mujoco", scene.name);
    Ok(MujocoLive {
        lockstep: Vec::new(),
        rollout: Vec::new(),
        first: None,
        plausibility: None,
        peak_rss: None,
        error: None,
    })
}

/// MuJoCo's lockstep and rollout cells.
fn finish_mujoco(state: MujocoLive, n: usize) -> [Cell; 2] {
    let cell = |mode: &str, runs: Vec<f64>| {
        let mut cell = Cell::unmeasured("mujoco", mode, n, Status::Ok, String::new());
        cell.note = None;
        if let Some(e) = &state.error {
            cell.status = Status::Failed;
            cell.note = Some(e.clone());
        }
        cell.world_steps_per_second = median(&runs);
        cell.runs = runs;
        if let Some(first) = &state.first {
            cell.cold_start_s = Some(first.cold_start_s);
            cell.rss_growth_bytes = first.rss_growth_bytes;
            cell.memory_per_world_bytes = first.rss_growth_bytes.map(|g| g / n as u64);
            cell.memory_per_world_source =
                Some("Python process RSS growth from loading the model to the end / N".to_string());
        }
        cell.peak_rss_bytes = state.peak_rss;
        if let Some(p) = &state.plausibility {
            cell.plausible = Some(p.problem().is_none());
            if let Some(problem) = p.problem() {
                cell.note = Some(format!("implausible: {problem}"));
            }
            cell.plausibility = Some(p.clone());
        }
        cell
    };
    [
        cell("lockstep", state.lockstep.clone()),
        cell("rollout", state.rollout.clone()),
    ]
}
