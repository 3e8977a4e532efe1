//! Throughput of the articulated scenes `cartpole` and `ant` in lockstep, with fresh random
//! controls every step: manyworlds' CPU and GPU backends against Rapier, in the same run, for
//! N = 64 and 1024 worlds.
//!
//! # What is measured
//!
//! The built-in scenes (`manyworlds::scenes::builtin`, the benchmark scenes of the same
//! names; see the README), both with dt = 0.01 s, gravity (0, 0, −9.81) and 1000-step episodes:
//!
//! * `cartpole`: a 1 kg cart on an unlimited x slider, a 0.1 kg, 1 m pole on an unlimited y
//!   hinge through the cart's origin, no contacts; one actuator, a force 10 u N on the cart.
//! * `ant`: gymnasium's Ant: a torso sphere (r 0.25 at z 0.75) with four capsules, four legs of
//!   a hip body and an ankle body (capsules r 0.08), 8 limited hinges with damping 1 and
//!   armature 1, 8 torque motors of gear 150, density 5, friction 1, on a floor; the legs
//!   touch only the floor. Every world starts at qpos0 (no reset noise), so worlds differ only
//!   by their controls.
//!
//! The worlds advance in lockstep: every world takes step k before any takes step k + 1. Each
//! lockstep step first draws fresh controls u uniform in [−1, 1) for every world and actuator,
//! from SplitMix64 keyed by (world, step within the episode, actuator) (`control`), so every
//! engine drives world w with the same controls. Drawing and handing over the controls is
//! **inside** the timed region, for every engine, since a training loop pays for it too.
//!
//! One measured iteration is one lockstep step of all N worlds, so with `Throughput::Elements(N)`
//! criterion's `thrpt` is world-steps per second. The iterations follow the episodes: when the
//! worlds reach step 1000 they are put back to step 0 outside the timed region, so every engine
//! times the same episode, steps 0..1000, of the same worlds with the same controls. A step's
//! cost changes along the episode (the ant falls and lands first), so every benchmark times at
//! least one whole episode's worth of consecutive steps: the measurement time is the larger of
//! 3 s and 1000 × the mean step time of a replay of criterion's warm-up (1 s), so criterion
//! times about 1000 steps (10 samples of ≈ 100) when a step is slower than 3 ms and several
//! episodes otherwise. Worlds are built once per (engine, N), untimed.
//!
//! * `*_lockstep/manyworlds_cpu/N`: `CpuBatch::from_builtin(&scene, N)` with the scene's own
//!   step parameters (the cart-pole 1 substep, the ant 4); a step is the controls
//!   drawn into one `[worlds × actuators]` buffer (rayon over the worlds),
//!   `set_controls(&controls)`, `step_n(1)` (rayon over the worlds inside; both through the
//!   `WorldBatch` trait, as `Sim` drives them); a reset
//!   is `reset_world(w)` for every world.
//! * `*_lockstep/manyworlds_gpu/N`: `GpuBatch::from_builtin(&scene, N)` on the default adapter,
//!   driven the same way (`set_controls` uploads the controls, `step` submits the step and
//!   reads the worlds' status back, so every step waits for the device). Without an adapter the
//!   benchmark prints `SKIPPED <group>/manyworlds_gpu (<reason>)` and goes on; on a software
//!   adapter (lavapipe) it skips the ant at N = 1024, whose episode would take about an hour
//!   there.
//! * `*_lockstep/rapier_impulse/N` and `*_lockstep/rapier_multibody/N`: Rapier 0.36 (default
//!   features: f32, no internal parallelism), one fully independent Rapier world per
//!   manyworlds world (its own `PhysicsPipeline`, `IslandManager`, broad phase, `NarrowPhase`,
//!   body, collider, joint and soft-body sets and `CCDSolver`), ported from the manyworlds
//!   scene itself (`rapier::World::new`) so that both run the same model:
//!   `IntegrationParameters::default()` except dt = 0.01 (4 solver iterations, 1 internal PGS
//!   and 1 stabilisation iteration, default joint and contact softness); every dynamic body
//!   `can_sleep(false)`, CCD off; the joints with manyworlds' own joint frames as
//!   `local_frame1`/`local_frame2` (so q = 0 at the start and angles and limits have the same
//!   sign), either in an `ImpulseJointSet` (`rapier_impulse`: maximal coordinates, the README's
//!   `cartpole_ij`) or in a `MultibodyJointSet` (`rapier_multibody`: reduced coordinates, the
//!   README's `cartpole_mb`); joints whose parent is the world hang from one fixed root body.
//!   Each step, inside the world's rayon task, the world draws its controls, calls
//!   `reset_forces` and `reset_torques` on the driven bodies, applies the actuators with
//!   `add_force`/`add_torque`, and steps; a lockstep step is
//!   `worlds.par_iter_mut().for_each(..)` on rayon's global pool; a reset rebuilds every world
//!   from scratch.
//!   * cartpole: fixed root → prismatic joint along x → cart → revolute joint about y → pole;
//!     no colliders, so the scene's mass properties are set explicitly
//!     (`additional_mass_properties`): cart 1 kg, COM at its origin, inertia diag(0.0041667,
//!     0.0141667, 0.0166667); pole 0.1 kg, COM 0.5 m above the hinge, inertia about the COM
//!     diag(0.0083333, 0.0083333, 1e-5). The actuator is `add_force(10 u x̂)` on the cart (the
//!     reaction on the fixed root is void), after `reset_forces`. Multibody links take external
//!     forces the same way (`Multibody` reads each link's `forces.force`), so no other call is
//!     needed.
//!   * ant: a fixed floor body with a `halfspace(+z)` collider; the torso a free dynamic body
//!     (the multibody's floating root in `rapier_multibody`) with a ball of 0.25 and four
//!     `capsule_z` colliders, each hip and ankle body one capsule of radius 0.08, at
//!     manyworlds' collider poses; colliders of density 5 (Rapier computes the masses: total
//!     0.911 kg, as manyworlds, printed below), friction 1 (combined by Rapier's average,
//!     manyworlds' geometric mean: both give 1), restitution 0, collision groups copied from
//!     the scene (legs and torso: member of group 1, filter group 2; floor: the reverse), so
//!     the body touches only the floor; revolute joints with the scene's limits (hips ±30°,
//!     ankles 30°..70° or −70°..−30°).
//!
//!   Where Rapier differs from the model, on purpose:
//!   * **No armature**: Rapier has no joint armature (rotor inertia added to the joint's
//!     degree of freedom), so the ant's armature 1 kg·m² is left out. It dominates the legs'
//!     own inertia about their hinges (≈ 0.03 kg·m² for a whole leg about its hip, ≈ 0.007
//!     for an ankle), so the same torque accelerates a Rapier leg 30 to 150 times more than a
//!     MuJoCo or manyworlds one.
//!   * **Motors as torque pairs**: a hinge motor is the external torque 150 u about the joint
//!     axis (taken in the parent's frame) on the child and its opposite on the parent, with
//!     `add_torque`, after `reset_torques`; Rapier's own joint motors are velocity/position
//!     servos, not torque sources.
//!   * **Damping as a motor**: the hinges' damping 1 N·m·s/rad is a force-based velocity motor
//!     towards 0 with damping 1 on the joint's free axis (an implicit −1 · q̇ torque).
//!
//! With Rapier's default solver settings the impulse-joint ant does not hold its ankle limits
//! even without any torque: with all controls 0 its ankles end up to ≈ 50° outside their
//! ranges and the torso on the floor (with 16 solver iterations instead of 4 they hold). With
//! the 150 N·m torques and no armature both Rapier ants are thrown around: at the time of
//! writing, after one episode of 64 worlds, the impulse ant's torsos are up to ≈ 5 m high, its
//! joints pulled up to ≈ 30 cm apart and its limits passed by up to ≈ 130°; the multibody ant
//! (joints exact by construction) has torsos up to ≈ 4 m high and limits passed by ≈ 17°; a
//! third of the worlds of each have the torso above 2 m. manyworlds' torsos stay below 1 m.
//! The plausibility lines say so on every run (`IMPLAUSIBLE (…)`): the Rapier ant timings are
//! those of this motion, not of an ant walking as in MuJoCo.
//!
//! After the benchmarks come one line per benchmark run with the world-steps per second it
//! measured (every timed step, criterion's warm-up included) and its ratio to manyworlds_cpu
//! at the same scene and N, then, per scene and engine, the plausibility of N = 64 worlds after
//! one whole 1000-step episode with the benchmark's controls, computed by the same code for
//! every engine from the body states laid out as manyworlds lays them out: worlds with a
//! non-finite state, the highest torso (ant), the largest joint anchor separation (the distance
//! between a joint's frame carried by its parent and by its child, `joint_space::joint_frames`,
//! across the axis only for the slider: `joint_space::joint_separation`), the largest limit
//! violation (`joint_space::joint_positions` against the limits), the fastest body and the
//! total mass. A line ends `IMPLAUSIBLE (…)` when a world is non-finite, a torso is above 2 m (gymnasium
//! counts the ant healthy up to 1 m), a joint is more than 5 cm apart or a limit is passed by
//! more than 10°.
//!
//! # Running
//!
//! ```text
//! cargo bench --bench articulated                    # everything: about 6 min on 2 busy cores
//! cargo bench --bench articulated -- 'ant_lockstep/.*/1024$'   # criterion's usual filters
//! cargo bench --bench articulated -- --quick
//! ```
//!
//! A filtered run still builds and calibrates every (engine, N) before criterion skips it (about
//! 30 s), since the measurement time has to be set before criterion applies its filter. The group
//! sets sample size (10, flat sampling), warm-up and measurement times itself, so criterion's
//! `--sample-size`, `--warm-up-time` and `--measurement-time` do not apply here.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use manyworlds::joint_space::{joint_positions, joint_separation};
use manyworlds::rng::unit_f64;
use manyworlds::scenes::BuiltinScene;
use manyworlds::{CpuBatch, GpuBatch, GpuBatchOptions, Scene, WorldBatch, WorldBodies};
use rayon::prelude::*;

/// World counts measured.
const WORLD_COUNTS: [usize; 2] = [64, 1024];
/// World count of the plausibility check.
const PLAUSIBILITY_WORLDS: usize = 64;
/// Shortest measurement per benchmark; longer ones are stretched to about one episode.
const MIN_MEASUREMENT: Duration = Duration::from_secs(3);
/// Criterion's warm-up per benchmark.
const WARM_UP: Duration = Duration::from_secs(1);
/// The ant's collider density, kg/m³ (`ant.xml`; the built-in scene does not export it).
const ANT_DENSITY: f32 = 5.0;

/// The control of `actuator` in `world` at step `step` of the episode: uniform in [−1, 1),
/// from SplitMix64 keyed by (world, step, actuator), so every engine drives world w with the
/// same controls whatever N, thread count or order of evaluation.
fn control(world: usize, step: u32, actuator: usize) -> f32 {
    debug_assert!(world < 1 << 32 && step < 1 << 24 && actuator < 1 << 8);
    let key = ((world as u64) << 32) | (u64::from(step) << 8) | actuator as u64;
    (2.0 * unit_f64(key) - 1.0) as f32
}

/// What the benchmark needs of an engine: N worlds stepped in lockstep and put back to step 0.
trait Lockstep {
    /// Draws every world's controls for step `step` of the episode, hands them to the engine
    /// and advances every world by one step.
    fn step(&mut self, step: u32);
    fn reset(&mut self);
}

/// A manyworlds batch (either backend) with the controls buffer it is driven with.
struct Manyworlds {
    batch: Box<dyn WorldBatch>,
    /// `[worlds × actuators]`, rewritten every step.
    controls: Vec<f32>,
}

impl Manyworlds {
    fn cpu(builtin: &BuiltinScene, n: usize) -> Self {
        Self::new(Box::new(
            CpuBatch::from_builtin(builtin, n).expect("a valid batch"),
        ))
    }

    fn gpu(builtin: &BuiltinScene, n: usize) -> Self {
        Self::new(Box::new(
            GpuBatch::from_builtin(builtin, n, &GpuBatchOptions::default())
                .expect("the GPU backend builds the scene"),
        ))
    }

    /// Takes one step and resets, so that what a first step costs once (a GPU driver may
    /// compile the kernel at its first dispatch) is part of the untimed build.
    fn new(batch: Box<dyn WorldBatch>) -> Self {
        let actuators = batch.scene().actuators().len();
        assert!(actuators > 0, "the scene has actuators to drive");
        let controls = vec![0.0; batch.world_count() * actuators];
        let mut engine = Manyworlds { batch, controls };
        engine.step(0);
        engine.reset();
        engine
    }
}

impl Lockstep for Manyworlds {
    fn step(&mut self, step: u32) {
        let actuators = self.batch.scene().actuators().len();
        self.controls
            .par_chunks_mut(actuators)
            .enumerate()
            .for_each(|(w, controls)| {
                for (a, u) in controls.iter_mut().enumerate() {
                    *u = control(w, step, a);
                }
            });
        self.batch
            .set_controls(&self.controls)
            .expect("one finite control per world and actuator");
        self.batch.step_n(1).expect("the batch steps");
    }

    fn reset(&mut self) {
        for w in 0..self.batch.world_count() {
            self.batch.reset_world(w).expect("world index is in range");
        }
    }
}

impl Lockstep for rapier::Batch {
    fn step(&mut self, step: u32) {
        rapier::Batch::step(self, step);
    }

    fn reset(&mut self) {
        rapier::Batch::reset(self);
    }
}

/// A batch and the step its worlds are at within the episode.
struct Episode<E> {
    engine: E,
    /// Episode length, steps.
    steps: u32,
    step: u32,
    /// Lockstep steps timed so far and the time they took (criterion's warm-up included).
    timed_steps: u64,
    timed: Duration,
}

impl<E: Lockstep> Episode<E> {
    fn new(engine: E, steps: u32) -> Self {
        Episode {
            engine,
            steps,
            step: 0,
            timed_steps: 0,
            timed: Duration::ZERO,
        }
    }

    /// Takes `iters` lockstep steps and returns the time spent stepping (controls included);
    /// reaching the end of the episode resets the worlds to step 0 outside the timed region.
    fn run_timed(&mut self, iters: u64) -> Duration {
        let mut timed = Duration::ZERO;
        for _ in 0..iters {
            if self.step >= self.steps {
                self.engine.reset();
                self.step = 0;
            }
            let start = Instant::now();
            black_box(&mut self.engine).step(self.step);
            timed += start.elapsed();
            self.step += 1;
        }
        self.timed_steps += iters;
        self.timed += timed;
        timed
    }

    /// Replays criterion's warm-up on these worlds (1, 2, 4, … steps until `warm_up` has passed)
    /// and returns its mean time per step, then puts the worlds back to step 0. Criterion's own
    /// warm-up then takes the same steps, finds about the same mean and derives its iteration
    /// count from it, so a measurement time of `steps` × this mean makes it time ≈ one episode.
    fn calibrate(&mut self, warm_up: Duration) -> Duration {
        let start = Instant::now();
        let (mut iters, mut total) = (1u64, 0u64);
        loop {
            self.run_timed(iters);
            total += iters;
            if start.elapsed() > warm_up {
                break;
            }
            iters *= 2;
        }
        let mean = start.elapsed() / u32::try_from(total).unwrap_or(u32::MAX);
        self.engine.reset();
        self.step = 0;
        (self.timed_steps, self.timed) = (0, Duration::ZERO);
        mean
    }
}

/// World-steps per second of one benchmark, from every step criterion timed in this run.
struct Measured {
    id: String,
    n: usize,
    lockstep_steps: u64,
    time: Duration,
}

/// Benchmarks one engine at one world count: builds the worlds, sizes the measurement so that it
/// times about one episode of steps (at least `MIN_MEASUREMENT`), then times lockstep steps.
/// Without `calibrate` (when not benchmarking) the worlds are built on first use, if any.
/// Returns what was timed, if criterion ran the benchmark.
fn bench_engine<E: Lockstep>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    id: (&str, &str, usize),
    steps: u32,
    calibrate: bool,
    build: impl FnOnce() -> E,
) -> Option<Measured> {
    let (group_name, name, n) = id;
    let mut build = Some(build);
    let mut episode = None;
    let mut measurement = MIN_MEASUREMENT;
    if calibrate {
        let e = episode.insert(Episode::new(
            (build.take().expect("not built yet"))(),
            steps,
        ));
        measurement = measurement.max(e.calibrate(WARM_UP) * steps);
    }
    group.measurement_time(measurement);
    group.bench_function(BenchmarkId::new(name, n), |b| {
        let e = episode
            .get_or_insert_with(|| Episode::new((build.take().expect("not built yet"))(), steps));
        b.iter_custom(|iters| e.run_timed(iters));
    });
    episode.filter(|e| e.timed_steps > 0).map(|e| Measured {
        id: format!("{group_name}/{name}/{n}"),
        n,
        lockstep_steps: e.timed_steps,
        time: e.timed,
    })
}

/// Why manyworlds' GPU backend is not measured on `scene` at `n` worlds, if it is not.
fn gpu_skip_reason(scene: &str, n: usize) -> Option<String> {
    let adapters = manyworlds::list_adapters();
    if adapters.is_empty() {
        return Some("no GPU adapter".to_owned());
    }
    let software = adapters.iter().all(|a| !a.is_hardware);
    (software && scene == "ant" && n > PLAUSIBILITY_WORLDS).then(|| {
        "a software adapter: an episode of 1024 ants takes about an hour on lavapipe".to_owned()
    })
}

/// The Rapier ports measured on a scene, by benchmark name, best-suited first.
fn rapier_ports(scene: &str) -> [(&'static str, rapier::Joints); 2] {
    use rapier::Joints::{Impulse, Multibody};
    match scene {
        "cartpole" => [("rapier_multibody", Multibody), ("rapier_impulse", Impulse)],
        _ => [("rapier_impulse", Impulse), ("rapier_multibody", Multibody)],
    }
}

/// The density Rapier gives the scene's colliders (manyworlds' scene keeps masses, not
/// densities): the ant's; the cart-pole has no colliders.
fn density(scene: &str) -> f32 {
    match scene {
        "ant" => ANT_DENSITY,
        _ => 0.0,
    }
}

fn lockstep(c: &mut Criterion, scene: &str, calibrate: bool, measured: &mut Vec<Measured>) {
    let builtin = manyworlds::scenes::builtin(scene).expect("a built-in scene");
    let steps = builtin.steps;
    let group_name = format!("{scene}_lockstep");
    let mut group = c.benchmark_group(&group_name);
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(WARM_UP);
    for n in WORLD_COUNTS {
        group.throughput(Throughput::Elements(n as u64));
        // The engines back to back at each N, so a change of machine load hits them alike.
        let id = (group_name.as_str(), "manyworlds_cpu", n);
        measured.extend(bench_engine(&mut group, id, steps, calibrate, || {
            Manyworlds::cpu(&builtin, n)
        }));
        match gpu_skip_reason(scene, n) {
            Some(why) => eprintln!("SKIPPED {group_name}/manyworlds_gpu/{n} ({why})"),
            None => {
                let id = (group_name.as_str(), "manyworlds_gpu", n);
                measured.extend(bench_engine(&mut group, id, steps, calibrate, || {
                    Manyworlds::gpu(&builtin, n)
                }));
            }
        }
        for (name, joints) in rapier_ports(scene) {
            let id = (group_name.as_str(), name, n);
            measured.extend(bench_engine(&mut group, id, steps, calibrate, || {
                rapier::Batch::new(&builtin, joints, density(scene), n)
            }));
        }
    }
    group.finish();
}

/// Plausibility figures of a batch's state, computed the same way for every engine from the
/// bodies laid out as manyworlds lays them out.
struct Figures {
    non_finite_worlds: usize,
    /// Highest torso origin, m, over the finite worlds (None: the scene has no torso).
    max_torso_height: Option<f32>,
    /// Finite worlds whose torso is higher than `THROWN_HEIGHT`.
    thrown_worlds: usize,
    /// Largest distance of a joint's anchor on the child from where the joint allows it (the
    /// parent's anchor; a slider's line), m, over the finite worlds and every joint: the
    /// distance between the joint frames `joint_space::joint_frames` gives, as
    /// `joint_space::joint_separation` measures it.
    max_joint_separation: f32,
    /// Farthest a limited joint is outside its range, rad or m, over the finite worlds.
    max_limit_violation: f32,
    /// Fastest centre of mass, m/s, over the finite worlds.
    max_speed: f32,
}

/// A torso above this height has been thrown: the ant starts at 0.75 m and gymnasium's
/// Ant-v5 counts it healthy up to 1.0 m.
const THROWN_HEIGHT: f32 = 2.0;
/// A joint whose two frames are this far apart has been pulled apart.
const TORN_SEPARATION: f32 = 0.05;
/// A limit passed by this much (rad) does not hold.
const BROKEN_LIMIT: f32 = 10.0 * std::f32::consts::PI / 180.0;

impl Figures {
    /// `faulted(w)`: the engine gave up on world w (manyworlds freezes a non-finite world).
    fn measure(
        scene: &Scene,
        bodies: &manyworlds::BatchBodies,
        faulted: impl Fn(usize) -> bool,
    ) -> Self {
        let torso = scene.body_index("torso");
        let mut figures = Figures {
            non_finite_worlds: 0,
            max_torso_height: torso.map(|_| f32::NEG_INFINITY),
            thrown_worlds: 0,
            max_joint_separation: 0.0,
            max_limit_violation: 0.0,
            max_speed: 0.0,
        };
        let mut q = vec![0.0; scene.joint_position_count()];
        for w in 0..bodies.world_count() {
            let world: WorldBodies = bodies.world(w);
            let finite = world.positions.iter().all(|v| v.is_finite())
                && world.orientations.iter().all(|q| q.is_finite())
                && world.linear_velocities.iter().all(|v| v.is_finite())
                && world.angular_velocities.iter().all(|v| v.is_finite());
            if faulted(w) || !finite {
                figures.non_finite_worlds += 1;
                continue;
            }
            if let (Some(t), Some(h)) = (torso, figures.max_torso_height.as_mut()) {
                let z = world.positions[t].z;
                *h = h.max(z);
                figures.thrown_worlds += usize::from(z > THROWN_HEIGHT);
            }
            for j in 0..scene.joints().len() {
                let d = joint_separation(scene, j, &world);
                figures.max_joint_separation = figures.max_joint_separation.max(d);
            }
            joint_positions(scene, &world, &mut q);
            for joint in scene.joints() {
                if let Some((lower, upper)) = joint.limits {
                    let q = q[joint.position_offset];
                    let excess = (lower - q).max(q - upper);
                    figures.max_limit_violation = figures.max_limit_violation.max(excess);
                }
            }
            for v in world.linear_velocities {
                figures.max_speed = figures.max_speed.max(v.length());
            }
        }
        figures
    }

    /// What is wrong, if anything.
    fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.non_finite_worlds > 0 {
            problems.push(format!("{} worlds non-finite", self.non_finite_worlds));
        }
        if self.thrown_worlds > 0 {
            problems.push(format!(
                "torso thrown above {THROWN_HEIGHT} m in {} worlds",
                self.thrown_worlds
            ));
        }
        if self.max_joint_separation > TORN_SEPARATION {
            problems.push(format!(
                "joints pulled more than {} cm apart",
                TORN_SEPARATION * 100.0
            ));
        }
        if self.max_limit_violation > BROKEN_LIMIT {
            problems.push(format!(
                "joint limits passed by more than {:.0}°",
                BROKEN_LIMIT.to_degrees()
            ));
        }
        problems
    }

    fn report(&self, scene: &str, steps: u32, engine: &str, extra: &str) {
        let torso = self
            .max_torso_height
            .map_or(String::new(), |h| format!("max torso height {h:.2} m, "));
        let problems = self.problems();
        let verdict = if problems.is_empty() {
            "plausible".to_owned()
        } else {
            format!("IMPLAUSIBLE ({})", problems.join(", "))
        };
        eprintln!(
            "plausibility {scene}, {PLAUSIBILITY_WORLDS} worlds after {steps} steps, {engine:>16}: \
             non-finite worlds {}, {torso}max joint anchor separation {:.1} mm, \
             max limit violation {:.1}°, max speed {:.2} m/s{extra}: {verdict}",
            self.non_finite_worlds,
            self.max_joint_separation * 1000.0,
            self.max_limit_violation.to_degrees(),
            self.max_speed,
        );
    }
}

/// One episode of `PLAUSIBILITY_WORLDS` worlds with the benchmark's controls on every engine,
/// then one line of figures per engine.
fn plausibility(scene: &str) {
    let builtin = manyworlds::scenes::builtin(scene).expect("a built-in scene");
    let steps = builtin.steps;
    let mass: f32 = builtin.scene.bodies().iter().map(|b| b.mass.mass).sum();
    let mut engines = vec![(
        "manyworlds_cpu",
        Manyworlds::cpu(&builtin, PLAUSIBILITY_WORLDS),
    )];
    match gpu_skip_reason(scene, PLAUSIBILITY_WORLDS) {
        Some(why) => eprintln!("plausibility {scene}, manyworlds_gpu: SKIPPED ({why})"),
        None => engines.push((
            "manyworlds_gpu",
            Manyworlds::gpu(&builtin, PLAUSIBILITY_WORLDS),
        )),
    }
    for (name, mut engine) in engines {
        for step in 0..steps {
            engine.step(step);
        }
        let faulted = engine.batch.non_finite_worlds();
        let (_, bodies) = engine.batch.bodies().expect("the state reads back");
        Figures::measure(&builtin.scene, &bodies, |w| faulted.contains(&w)).report(
            scene,
            steps,
            name,
            &format!(", total mass {mass:.3} kg"),
        );
    }
    for (name, joints) in rapier_ports(scene) {
        let mut batch = rapier::Batch::new(&builtin, joints, density(scene), PLAUSIBILITY_WORLDS);
        for step in 0..steps {
            batch.step(step);
        }
        let state = batch.state();
        Figures::measure(&builtin.scene, &state.bodies(), |_| false).report(
            scene,
            steps,
            name,
            &format!(", total mass {:.3} kg", batch.total_mass()),
        );
    }
}

/// Whether criterion will benchmark, as `configure_from_args` decides: `cargo bench` passes
/// `--bench`; `--test` (or `cargo test --benches`), `--list` and `--profile-time` do not measure.
/// Only a benchmarking run sizes its measurements and checks plausibility.
fn benchmarking() -> bool {
    let args: Vec<String> = std::env::args().collect();
    let has = |flag: &str| {
        args.iter()
            .any(|a| a == flag || a.starts_with(&format!("{flag}=")))
    };
    has("--bench") && !has("--test") && !has("--list") && !has("--profile-time")
}

/// The scenes measured, in order.
const SCENES: [&str; 2] = ["cartpole", "ant"];

fn main() {
    let benchmarking = benchmarking();
    let mut c = Criterion::default().configure_from_args();
    let mut measured = Vec::new();
    for scene in SCENES {
        lockstep(&mut c, scene, benchmarking, &mut measured);
    }
    c.final_summary();
    if benchmarking {
        summary(&measured);
        for scene in SCENES {
            plausibility(scene);
        }
    }
}

/// One line per benchmark run: world-steps per second over every step criterion timed (its
/// warm-up included), and the ratio to manyworlds_cpu at the same scene and N.
fn summary(measured: &[Measured]) {
    let rate = |m: &Measured| (m.lockstep_steps * m.n as u64) as f64 / m.time.as_secs_f64();
    for m in measured {
        let (group, rest) = m.id.split_once('/').expect("group/engine/N");
        let cpu = measured
            .iter()
            .find(|o| o.id == format!("{group}/manyworlds_cpu/{}", m.n))
            .map_or(String::new(), |o| {
                format!(", {:.2} × manyworlds_cpu", rate(m) / rate(o))
            });
        eprintln!(
            "throughput {group}/{rest:<22} {:>9.0} world-steps/s ({} lockstep steps of {} worlds \
             in {:.2} s{cpu})",
            rate(m),
            m.lockstep_steps,
            m.n,
            m.time.as_secs_f64(),
        );
    }
}

/// The peers: a manyworlds scene ported to Rapier, one independent Rapier world per manyworlds
/// world, with its joints either as impulse joints or as a multibody.
mod rapier {
    use manyworlds::glam::{Quat, Vec3};
    use manyworlds::scenes::BuiltinScene;
    use manyworlds::{Actuator, BatchBodies, BodyKind, JointKind, Scene, Shape, StepParams};
    use rapier3d::math::{Matrix, Pose, Rotation, Vector};
    use rapier3d::prelude::{
        CCDSolver, ColliderBuilder, ColliderSet, DefaultBroadPhase, GenericJointBuilder, Group,
        ImpulseJointSet, IntegrationParameters, InteractionGroups, InteractionTestMode,
        IslandManager, JointAxesMask, JointAxis, MassProperties, MotorModel, MultibodyJointSet,
        NarrowPhase, PhysicsPipeline, RigidBodyBuilder, RigidBodyHandle, RigidBodySet, SharedShape,
        SoftBodySet,
    };
    use rayon::prelude::*;

    use super::control;

    /// How the scene's joints are modelled in Rapier.
    #[derive(Clone, Copy, Debug)]
    pub enum Joints {
        /// `ImpulseJointSet`: maximal coordinates, the joints as velocity constraints.
        Impulse,
        /// `MultibodyJointSet`: reduced coordinates (Featherstone), like MuJoCo.
        Multibody,
    }

    fn vector(v: Vec3) -> Vector {
        Vector::new(v.x, v.y, v.z)
    }

    fn pose(p: &manyworlds::Pose) -> Pose {
        let q = p.orientation;
        Pose::from_parts(vector(p.position), Rotation::from_xyzw(q.x, q.y, q.z, q.w))
    }

    /// An actuator as Rapier sees it: an effort gear × control along or about the joint's
    /// axis, applied to the child and, reversed, to the parent.
    struct Motor {
        actuator: Actuator,
        /// None: the joint's parent is the world.
        parent: Option<RigidBodyHandle>,
        child: RigidBodyHandle,
        /// The joint's axis in the parent's body frame (the world's when there is none).
        axis: Vector,
        /// A force along the axis (prismatic joint), else a torque about it (revolute).
        force: bool,
    }

    /// One Rapier world of a scene, with all of its own state.
    pub struct World {
        gravity: Vector,
        params: IntegrationParameters,
        pipeline: PhysicsPipeline,
        islands: IslandManager,
        broad_phase: DefaultBroadPhase,
        narrow_phase: NarrowPhase,
        bodies: RigidBodySet,
        colliders: ColliderSet,
        impulse_joints: ImpulseJointSet,
        multibody_joints: MultibodyJointSet,
        soft_bodies: SoftBodySet,
        ccd_solver: CCDSolver,
        /// The Rapier body of each scene body, in scene order.
        handles: Vec<RigidBodyHandle>,
        /// In the scene's actuator order.
        motors: Vec<Motor>,
        /// The bodies the motors push, each once.
        driven: Vec<RigidBodyHandle>,
    }

    impl World {
        /// The scene at its initial state: its bodies at their poses (static ones fixed,
        /// dynamic ones `can_sleep(false)`, CCD off); a dynamic body's mass from its colliders
        /// at `density`, or, without colliders, the scene's mass properties set explicitly;
        /// its colliders with their shapes, poses, friction, restitution and collision groups;
        /// its joints with the scene's joint frames, limits and damping; a fixed root body
        /// for the joints whose parent is the world.
        pub fn new(scene: &Scene, params: &StepParams, joints: Joints, density: f32) -> Self {
            let mut bodies = RigidBodySet::new();
            let mut colliders = ColliderSet::new();
            let handles: Vec<RigidBodyHandle> = scene
                .bodies()
                .iter()
                .map(|body| {
                    let handle = match body.kind {
                        BodyKind::Static => {
                            bodies.insert(RigidBodyBuilder::fixed().pose(pose(&body.pose)))
                        }
                        BodyKind::Dynamic => {
                            let mut builder = RigidBodyBuilder::dynamic()
                                .pose(pose(&body.pose))
                                .can_sleep(false)
                                .ccd_enabled(false);
                            if body.colliders.is_empty() {
                                let m = &body.mass;
                                builder = builder.additional_mass_properties(
                                    MassProperties::with_inertia_matrix(
                                        vector(m.center_of_mass),
                                        m.mass,
                                        Matrix::from_cols_array(&m.inertia.to_cols_array()),
                                    ),
                                );
                            }
                            bodies.insert(builder)
                        }
                    };
                    for c in &scene.colliders()[body.colliders.clone()] {
                        let shape = match c.shape {
                            Shape::Plane => SharedShape::halfspace(Vector::Z),
                            Shape::Sphere { radius } => SharedShape::ball(radius),
                            Shape::Capsule {
                                half_length,
                                radius,
                            } => SharedShape::capsule_z(half_length, radius),
                            Shape::Cuboid { half_extents } => {
                                SharedShape::cuboid(half_extents.x, half_extents.y, half_extents.z)
                            }
                            // Rapier's cylinder stands on y: turned a quarter about x onto z.
                            Shape::Cylinder {
                                half_length,
                                radius,
                            } => SharedShape::compound(vec![(
                                pose(&manyworlds::Pose::new(
                                    manyworlds::Vec3::ZERO,
                                    manyworlds::Quat::from_rotation_x(std::f32::consts::FRAC_PI_2),
                                )),
                                SharedShape::cylinder(half_length, radius),
                            )]),
                            // The benched robots have no hulls.
                            Shape::Hull { .. } => continue,
                        };
                        let groups = InteractionGroups::new(
                            Group::from_bits_retain(c.filter.memberships),
                            Group::from_bits_retain(c.filter.filter),
                            InteractionTestMode::And,
                        );
                        colliders.insert_with_parent(
                            ColliderBuilder::new(shape)
                                .position(pose(&c.pose))
                                .density(if body.is_dynamic() { density } else { 0.0 })
                                .friction(c.material.friction)
                                .restitution(c.material.restitution)
                                .collision_groups(groups),
                            handle,
                            &mut bodies,
                        );
                    }
                    handle
                })
                .collect();
            let root = bodies.insert(RigidBodyBuilder::fixed());
            let mut impulse_joints = ImpulseJointSet::new();
            let mut multibody_joints = MultibodyJointSet::new();
            for joint in scene.joints() {
                let (locked, free) = match joint.kind {
                    // A body without joint is free in Rapier; a multibody's root floats.
                    JointKind::Free => continue,
                    JointKind::Revolute => (JointAxesMask::LOCKED_REVOLUTE_AXES, JointAxis::AngX),
                    JointKind::Prismatic => (JointAxesMask::LOCKED_PRISMATIC_AXES, JointAxis::LinX),
                    // The benchmark scenes have no other kind.
                    kind => panic!(
                        "the bench ports revolute and prismatic joints, not {}",
                        kind.name()
                    ),
                };
                assert!(
                    joint.stiffness == 0.0,
                    "joint springs are not ported ({})",
                    joint.name
                );
                // Armature has no Rapier counterpart: ignored.
                let mut builder = GenericJointBuilder::new(locked)
                    .local_frame1(pose(&joint.frame_in_parent))
                    .local_frame2(pose(&joint.frame_in_child))
                    .contacts_enabled(joint.collide_connected);
                if let Some((lower, upper)) = joint.limits {
                    builder = builder.limits(free, [lower, upper]);
                }
                if joint.damping > 0.0 {
                    // Viscous damping as a velocity motor towards 0 whose damping is the
                    // joint's, force-based: torque (or force) −damping × q̇, solved implicitly.
                    builder = builder
                        .motor_model(free, MotorModel::ForceBased)
                        .motor_velocity(free, 0.0, joint.damping);
                }
                let parent = joint.parent.map_or(root, |p| handles[p]);
                let child = handles[joint.child];
                match joints {
                    Joints::Impulse => {
                        impulse_joints.insert(parent, child, builder, true);
                    }
                    Joints::Multibody => {
                        multibody_joints
                            .insert(parent, child, builder, true)
                            .expect("the scene's joints form trees");
                    }
                }
            }
            let motors: Vec<Motor> = scene
                .actuators()
                .iter()
                .map(|actuator| {
                    let joint = &scene.joints()[actuator.joint];
                    Motor {
                        actuator: actuator.clone(),
                        parent: joint.parent.map(|p| handles[p]),
                        child: handles[joint.child],
                        axis: vector(joint.frame_in_parent.orientation * Vec3::X),
                        force: joint.kind == JointKind::Prismatic,
                    }
                })
                .collect();
            let mut driven: Vec<RigidBodyHandle> = motors
                .iter()
                .flat_map(|m| m.parent.into_iter().chain([m.child]))
                .collect();
            driven.sort_by_key(|h| h.into_raw_parts());
            driven.dedup();
            World {
                gravity: vector(params.gravity),
                params: IntegrationParameters {
                    dt: params.dt,
                    ..IntegrationParameters::default()
                },
                pipeline: PhysicsPipeline::new(),
                islands: IslandManager::new(),
                broad_phase: DefaultBroadPhase::new(),
                narrow_phase: NarrowPhase::new(),
                bodies,
                colliders,
                impulse_joints,
                multibody_joints,
                soft_bodies: SoftBodySet::new(),
                ccd_solver: CCDSolver::new(),
                handles,
                motors,
                driven,
            }
        }

        /// Applies the controls of `world` at episode step `step` and takes one step.
        pub fn step(&mut self, world: usize, step: u32) {
            for &h in &self.driven {
                let body = &mut self.bodies[h];
                body.reset_forces(false);
                body.reset_torques(false);
            }
            for (a, m) in self.motors.iter().enumerate() {
                let u = m.actuator.clamp_control(control(world, step, a));
                let parent_rotation = m
                    .parent
                    .map_or(Rotation::IDENTITY, |p| *self.bodies[p].rotation());
                let effort = parent_rotation * m.axis * (m.actuator.gear * u);
                let bodies = &mut self.bodies;
                if m.force {
                    bodies[m.child].add_force(effort, true);
                    if let Some(p) = m.parent {
                        bodies[p].add_force(-effort, true);
                    }
                } else {
                    bodies[m.child].add_torque(effort, true);
                    if let Some(p) = m.parent {
                        bodies[p].add_torque(-effort, true);
                    }
                }
            }
            self.pipeline.step(
                self.gravity,
                &self.params,
                &mut self.islands,
                &mut self.broad_phase,
                &mut self.narrow_phase,
                &mut self.bodies,
                &mut self.colliders,
                &mut self.impulse_joints,
                &mut self.multibody_joints,
                &mut self.soft_bodies,
                &mut self.ccd_solver,
                &(),
                &(),
            );
        }

        /// Mass of the dynamic bodies, kg.
        pub fn total_mass(&self) -> f32 {
            self.handles.iter().map(|&h| self.bodies[h].mass()).sum()
        }
    }

    /// Body states of a Rapier batch in manyworlds' layout: world w, scene body i at
    /// `w * stride + i`; body-frame origins and centre-of-mass velocities, as manyworlds.
    pub struct State {
        stride: usize,
        positions: Vec<Vec3>,
        orientations: Vec<Quat>,
        linear_velocities: Vec<Vec3>,
        angular_velocities: Vec<Vec3>,
        centers_of_mass: Vec<Vec3>,
    }

    impl State {
        pub fn bodies(&self) -> BatchBodies<'_> {
            BatchBodies {
                stride: self.stride,
                positions: &self.positions,
                orientations: &self.orientations,
                linear_velocities: &self.linear_velocities,
                angular_velocities: &self.angular_velocities,
                centers_of_mass: &self.centers_of_mass,
                joint_angles: &[],
            }
        }
    }

    /// N Rapier worlds stepped in lockstep, one rayon task per world.
    pub struct Batch {
        scene: Scene,
        params: StepParams,
        joints: Joints,
        density: f32,
        worlds: Vec<World>,
    }

    impl Batch {
        /// N copies of `builtin` at its dt and gravity.
        pub fn new(builtin: &BuiltinScene, joints: Joints, density: f32, n: usize) -> Self {
            let (scene, params) = (&builtin.scene, &builtin.params);
            Batch {
                worlds: (0..n)
                    .into_par_iter()
                    .map(|_| World::new(scene, params, joints, density))
                    .collect(),
                scene: scene.clone(),
                params: *params,
                joints,
                density,
            }
        }

        /// Draws every world's controls for episode step `step` (inside the world's task) and
        /// advances every world by one step.
        pub fn step(&mut self, step: u32) {
            self.worlds
                .par_iter_mut()
                .enumerate()
                .for_each(|(w, world)| world.step(w, step));
        }

        /// Puts every world back at step 0 by rebuilding it from scratch (no contact,
        /// broad-phase or warm-start memory survives), as manyworlds' reset also clears its
        /// contact cache and joint impulses.
        pub fn reset(&mut self) {
            let n = self.worlds.len();
            self.worlds = (0..n)
                .into_par_iter()
                .map(|_| World::new(&self.scene, &self.params, self.joints, self.density))
                .collect();
        }

        /// Mass of one world's dynamic bodies, kg.
        pub fn total_mass(&self) -> f32 {
            self.worlds.first().map_or(0.0, World::total_mass)
        }

        pub fn state(&self) -> State {
            let stride = self.scene.body_count();
            let mut state = State {
                stride,
                positions: Vec::with_capacity(self.worlds.len() * stride),
                orientations: Vec::with_capacity(self.worlds.len() * stride),
                linear_velocities: Vec::with_capacity(self.worlds.len() * stride),
                angular_velocities: Vec::with_capacity(self.worlds.len() * stride),
                centers_of_mass: self.scene.centers_of_mass().repeat(self.worlds.len()),
            };
            for world in &self.worlds {
                for &h in &world.handles {
                    let body = &world.bodies[h];
                    let (p, q) = (body.translation(), body.rotation());
                    let (v, omega) = (body.linvel(), body.angvel());
                    state.positions.push(Vec3::new(p.x, p.y, p.z));
                    state.orientations.push(Quat::from_xyzw(q.x, q.y, q.z, q.w));
                    state.linear_velocities.push(Vec3::new(v.x, v.y, v.z));
                    state
                        .angular_velocities
                        .push(Vec3::new(omega.x, omega.y, omega.z));
                }
            }
            state
        }
    }
}
