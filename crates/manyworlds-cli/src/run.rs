//! `manyworlds run`: step a built-in scene or a model file in many worlds, timed, then
//! measure the result.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use manyworlds::plausibility::REST_SPEED;
use manyworlds::scenes::builtin;
use manyworlds::{Sim, SimError, SimOptions};

use crate::controls::RandomControls;
use crate::error::CliError;
use crate::model_file::{is_model_file, load_model};
use crate::summary::{NonFiniteWorld, Summary};
use crate::trajectory::{Field, TrajectoryWriter};
use crate::RunArgs;

/// Runs `manyworlds run` with `args`, printing the summary on stdout.
pub fn run(args: &RunArgs) -> Result<(), CliError> {
    let target = RunTarget::resolve(args)?;
    let pool = crate::pool::thread_pool(args.threads)?;
    let summary = pool.install(|| run_in_pool(args, &target))?;
    if args.json {
        let json = serde_json::to_string(&summary).map_err(CliError::Json)?;
        println!("{json}");
    } else {
        println!("{summary}");
    }
    match summary.first_non_finite {
        Some(first) if !args.keep_going => Err(CliError::NonFinite {
            worlds: summary.non_finite_worlds,
            of: summary.worlds,
            first,
        }),
        _ => Ok(()),
    }
}

/// What `manyworlds run` steps: a built-in scene or a loaded file.
enum RunTarget {
    Builtin(manyworlds::scenes::BuiltinScene),
    File {
        name: String,
        imported: manyworlds::import::Imported,
    },
}

/// Episode length of a model file's run unless `--steps` says otherwise.
const FILE_STEPS: u32 = 1000;

impl RunTarget {
    fn resolve(args: &RunArgs) -> Result<Self, CliError> {
        if let Some(scene) = builtin(&args.scene) {
            return Ok(RunTarget::Builtin(scene));
        }
        if !is_model_file(&args.scene) {
            return Err(CliError::UnknownScene(args.scene.clone()));
        }
        let options = args.model.import_options();
        let imported = load_model(args.scene.as_ref(), options)?;
        if !args.json {
            for repair in imported.warnings.repairs() {
                eprintln!("repaired: {repair}");
            }
            for (warning, _) in imported.warnings.iter() {
                eprintln!("warning: {warning}");
            }
        }
        Ok(RunTarget::File {
            name: args.scene.clone(),
            imported,
        })
    }

    fn name(&self) -> &str {
        match self {
            RunTarget::Builtin(s) => s.name,
            RunTarget::File { name, .. } => name,
        }
    }

    fn default_steps(&self) -> u32 {
        match self {
            RunTarget::Builtin(s) => s.steps,
            RunTarget::File { .. } => FILE_STEPS,
        }
    }

    fn create(&self, worlds: usize, options: &SimOptions) -> Result<Sim, SimError> {
        match self {
            RunTarget::Builtin(s) => Sim::from_builtin(s, worlds, options),
            RunTarget::File { imported, .. } => {
                let options = SimOptions {
                    randomization: imported.randomization.clone(),
                    ..options.clone()
                };
                Sim::new(imported.scene.clone(), imported.params, worlds, &options)
            }
        }
    }
}

/// Steps per submit after the first step: the progress bar moves between them.
const STEPS_PER_CHUNK: u32 = 25;

/// `--out`: frames written between two flushes (a stopped run keeps those flushed).
const FRAMES_PER_FLUSH: u32 = 16;

/// Creates the simulation, steps it with a progress bar and measures it; runs inside the pool.
fn run_in_pool(args: &RunArgs, target: &RunTarget) -> Result<Summary, CliError> {
    let steps = args.steps.unwrap_or(target.default_steps());
    let threads = rayon::current_num_threads();
    let options = SimOptions {
        backend: args.backend.to_backend(),
        ..SimOptions::default()
    };

    // Cold start: creating the simulation (GPU: device, pipeline compilation, upload) and
    // its first step.
    let setup_start = Instant::now();
    let mut sim = target.create(args.worlds, &options)?;
    let setup_time = setup_start.elapsed();
    if !args.json {
        eprintln!(
            "running {}: {} worlds × {steps} steps on {} [{}] ({}), {threads} threads",
            target.name(),
            args.worlds,
            sim.backend(),
            sim.device(),
            sim.choice(),
        );
    }
    let mut controls = RandomControls::new(sim.scene(), args.worlds, args.seed);
    let mut trajectory = match &args.out {
        Some(dir) => {
            let mut writer =
                TrajectoryWriter::create(dir, &args.fields, &sim, target.name(), args.every)?;
            // Frame 0: the start, before any control.
            writer.record(&mut sim, &[])?;
            writer.flush()?;
            Some(writer)
        }
        None => None,
    };
    let first_step_start = Instant::now();
    advance(&mut sim, &mut controls, 0, 1)?;
    // Wait for the first step's state, as a user would before acting on it.
    sim.positions()?;
    let first_step_time = first_step_start.elapsed();
    let cold_start = setup_start.elapsed();

    let bar = progress_bar(steps, args.json);
    bar.inc(1);
    let mut frames_since_flush = 0;
    let mut record = |sim: &mut Sim, controls: &RandomControls, done: u32| {
        let Some(writer) = trajectory.as_mut() else {
            return Ok::<(), CliError>(());
        };
        if done % args.every == 0 {
            writer.record(sim, &controls.values)?;
            frames_since_flush += 1;
            if frames_since_flush == FRAMES_PER_FLUSH {
                writer.flush()?;
                frames_since_flush = 0;
            }
        }
        Ok(())
    };
    record(&mut sim, &controls, 1)?;
    // The steps after the first are timed (with --out, the recording too); a run of one step
    // times that one (exactly `steps` steps are taken).
    let (timed_steps, wall_time) = if steps == 1 {
        (1, first_step_time)
    } else {
        let start = Instant::now();
        let mut done = 1;
        while done < steps {
            let mut k = (steps - done).min(STEPS_PER_CHUNK);
            if args.out.is_some() {
                k = k.min(args.every - done % args.every);
            }
            advance(&mut sim, &mut controls, done, k)?;
            bar.inc(u64::from(k));
            done += k;
            record(&mut sim, &controls, done)?;
        }
        sim.positions()?;
        (steps - 1, start.elapsed())
    };
    bar.finish_and_clear();
    if let Some(writer) = trajectory {
        let dir = writer.dir().to_path_buf();
        let frames = writer.finish()?;
        if !args.json {
            eprintln!(
                "wrote {frames} frames of {} into {}",
                field_names(&args.fields),
                dir.display()
            );
        }
    }

    let stats = sim.stats();
    let state = sim.plausibility()?;
    let joints = sim.scene().joints().len();
    let max_joint_separation_m = if joints > 0 {
        Some(sim.max_joint_separation()?)
    } else {
        None
    };
    let actuators = sim.scene().actuators().len();
    let non_finite_worlds = state.non_finite_worlds;
    let first_non_finite = sim.non_finite_worlds().first().map(|&world| {
        let body = sim.non_finite_body(world);
        NonFiniteWorld {
            world,
            body,
            body_name: body.and_then(|b| sim.scene().bodies().get(b).map(|b| b.name.clone())),
        }
    });

    let worlds = sim.world_count();
    let dynamic = sim.scene().dynamic_body_count();
    let dt = sim.params().dt;
    // Instant has at best nanosecond resolution; never divide by zero.
    let wall_s = wall_time.max(Duration::from_nanos(1)).as_secs_f64();
    let world_steps_per_second = worlds as f64 * f64::from(timed_steps) / wall_s;
    Ok(Summary {
        scene: target.name().to_string(),
        backend: sim.backend().to_string(),
        device: sim.device(),
        backend_requested: args.backend,
        backend_reason: sim.choice().to_string(),
        threads,
        worlds,
        steps,
        dt_s: dt,
        // In f32 like dt itself, so 200 × 0.01 reads 2 and not 1.9999999552965164.
        simulated_time_s: dt * steps as f32,
        setup_time_s: setup_time.as_secs_f64(),
        cold_start_s: cold_start.as_secs_f64(),
        timed_steps,
        wall_time_s: wall_time.as_secs_f64(),
        world_steps_per_second,
        dynamic_bodies_per_world: dynamic,
        body_steps_per_second: world_steps_per_second * dynamic as f64,
        memory_per_world_bytes: sim.memory_per_world(),
        max_penetration_m: state.max_penetration,
        max_speed_m_per_s: state.max_speed,
        resting_fraction: state.resting_fraction,
        rest_speed_m_per_s: REST_SPEED,
        bodies_below_ground: state.bodies_below_ground,
        non_finite_worlds,
        first_non_finite,
        contact_points_last_step: stats.contact_points,
        contact_capacity_per_world: stats.contact_capacity,
        joints_per_world: joints,
        max_joint_separation_m,
        actuators_per_world: actuators,
        control_seed: (actuators > 0).then_some(args.seed),
        capacity_growths: stats.capacity_growths,
    })
}

/// Scenes with actuators take fresh random controls every step (one step per call); the
/// others go in chunks of `k` (one submit each on a GPU). `index`: the first step's.
fn advance(
    sim: &mut Sim,
    controls: &mut RandomControls,
    index: u32,
    k: u32,
) -> Result<(), CliError> {
    if controls.is_empty() {
        sim.step_n(k as usize)?;
    } else {
        for i in 0..k {
            controls.draw(u64::from(index + i));
            sim.set_controls(&controls.values)?;
            sim.step()?;
        }
    }
    Ok(())
}

fn field_names(fields: &[Field]) -> String {
    fields
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A bar over `steps` on stderr, or a hidden one with `--json` or when stderr is not a terminal.
fn progress_bar(steps: u32, json: bool) -> ProgressBar {
    if json || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let style =
        ProgressStyle::with_template("{elapsed_precise} [{wide_bar}] {pos}/{len} steps, eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
    ProgressBar::new(u64::from(steps)).with_style(style)
}
