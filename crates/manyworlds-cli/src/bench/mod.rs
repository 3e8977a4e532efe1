//! `manyworlds bench`: scenes × backends × world counts, with Rapier and MuJoCo in the same
//! run; a table on stdout, `bench.json` and a plot per scene in `--out`.
//!
//! `settings.rs` resolves the arguments, `matrix.rs` runs the cells (`engines.rs`,
//! `rapier_peer.rs`, `mujoco_peer.rs` the engines, `memory.rs` the resident memory),
//! `cell.rs` is what a cell records, `report.rs` the table and JSON, `plot.rs` the plots.

mod cell;
mod engines;
mod matrix;
mod memory;
mod mujoco_peer;
mod plot;
mod rapier_peer;
mod report;
mod scenes;
mod settings;

use clap::ValueEnum;

use crate::error::CliError;
use crate::BenchArgs;
use cell::Status;
use settings::Settings;

/// `--backends`: manyworlds' backends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BenchBackend {
    Cpu,
    Gpu,
}

/// `--peers`: the other engines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Peer {
    /// Rapier 3D 0.36, built in (scenes without joints, actuators or hulls).
    Rapier,
    /// MuJoCo through `python3` (`import mujoco`), for scenes with an MJCF file.
    Mujoco,
    /// No peer.
    None,
}

/// Runs `manyworlds bench`.
pub fn bench(args: &BenchArgs) -> Result<(), CliError> {
    let pool = crate::pool::thread_pool(args.threads)?;
    let settings = Settings::resolve(args, pool.current_num_threads())?;
    std::fs::create_dir_all(&settings.out).map_err(|e| {
        CliError::Bench(format!(
            "--out: cannot create {}: {e}",
            settings.out.display()
        ))
    })?;
    for note in &settings.notes {
        eprintln!("note: {note}");
    }
    let mut scenes = pool.install(|| matrix::run(&settings));
    for scene in &mut scenes {
        report::fill_ratios(scene);
    }
    print!("{}", report::table(&scenes));
    for note in &settings.notes {
        println!("note: {note}");
    }
    let json = report::write_json(&settings.out, &settings, &scenes)?;
    println!("wrote {}", json.display());
    let subtitle = format!(
        "{} threads, {} steps × {} reps, {}",
        settings.recorded.threads,
        settings.recorded.steps_per_rep,
        settings.recorded.reps,
        &report::now_utc()[..10]
    );
    let mut stems: Vec<String> = Vec::new();
    for (scene, resolved) in scenes.iter().zip(&settings.scenes) {
        // `ant` and `…/ant.xml` both make `ant`: the second becomes `ant-2`.
        let base = resolved.file_stem();
        let mut stem = base.clone();
        let mut k = 1;
        while stems.contains(&stem) {
            k += 1;
            stem = format!("{base}-{k}");
        }
        stems.push(stem.clone());
        let [png, svg] = plot::write(&settings.out, &stem, scene, &subtitle)
            .map_err(|e| CliError::Bench(format!("--out: cannot draw the plot: {e}")))?;
        println!("wrote {} and {}", png.display(), svg.display());
    }
    // A manyworlds cell that failed or ended implausible makes the bench fail: its speed
    // would mean nothing.
    let bad: Vec<String> = scenes
        .iter()
        .flat_map(|s| s.cells.iter().map(move |c| (s, c)))
        .filter(|(_, c)| !c.is_peer())
        .filter(|(_, c)| c.status == Status::Failed || c.plausible == Some(false))
        .map(|(s, c)| {
            format!(
                "{} × {} worlds, {}: {}",
                s.scene,
                c.worlds,
                c.label(),
                c.note.as_deref().unwrap_or("failed")
            )
        })
        .collect();
    if bad.is_empty() {
        Ok(())
    } else {
        Err(CliError::Bench(format!(
            "{} manyworlds cells failed or are implausible: {}",
            bad.len(),
            bad.join("; ")
        )))
    }
}
