//! Throughput of the `boxes` scene in lockstep: manyworlds' GPU and CPU backends against
//! Rapier, in the same run, for N = 1, 64, 1024, 4096 and 16384 worlds.
//!
//! # What is measured
//!
//! The `boxes` scene (`manyworlds::scenes::boxes`): per world a ground plane z = 0 and 32 cubes
//! (half extent 0.25 m, density 1000 → 125 kg, friction 0.8, restitution 0) dropped from the
//! scene's per-world poses `box_pose(w, b)`, all velocities zero, dt = 0.01 s, 500-step episodes.
//! The worlds advance in lockstep: every world takes step k before any takes step k + 1.
//!
//! One measured iteration is one lockstep step of all N worlds, so with `Throughput::Elements(N)`
//! criterion's `thrpt` is world-steps per second. The iterations follow the episodes: when the
//! worlds reach step 500 they are put back to step 0 outside the timed region, so both engines
//! time the same episode, steps 0..500, of the same worlds. A step's cost changes a lot along
//! the episode (free fall first, then many contacts), so every benchmark times at least one whole
//! episode's worth of consecutive steps: the measurement time is the larger of 3 s and 500 × the
//! mean step time of a replay of criterion's warm-up (1 s), which makes criterion time about 500
//! steps (10 samples of ≈ 50) at N = 1024 and 4096 and several episodes at N = 1 and 64.
//! Worlds are built once per (engine, N), untimed.
//!
//! * `boxes_lockstep/manyworlds_gpu/N`: `GpuBatch::from_builtin(&boxes, N, …)` on the adapter
//!   `MANYWORLDS_ADAPTER` names, else the first one (lavapipe on a machine without a GPU); the
//!   timed steps go to the GPU `k` at a time in one submit (`step_n(k)`, k up to the end of the
//!   episode), each submit waited for; a reset rewrites every world's state. Skipped, with a
//!   notice, when there is no adapter.
//! * `boxes_lockstep/manyworlds_cpu/N`: `CpuBatch::from_builtin(&boxes, N)`, timed `batch.step()`
//!   (rayon over the worlds inside); a reset is `reset_world(w)` for every world.
//! * `boxes_lockstep/rapier/N`: Rapier 0.36 (default features: f32, no internal parallelism), one
//!   fully independent Rapier world per manyworlds world (its own `PhysicsPipeline`,
//!   `IslandManager`, broad phase, `NarrowPhase`, body, collider, joint and soft-body sets and
//!   `CCDSolver`); `IntegrationParameters::default()` except `dt = 0.01` (so 4 solver iterations,
//!   1 internal PGS and 1 stabilisation iteration, Rapier's default contact softness); gravity
//!   (0, 0, −9.81); the ground a fixed body with a `SharedShape::halfspace(+z)` collider; each cube
//!   a dynamic body with `can_sleep(false)` and CCD off at the same f32 pose as manyworlds, with a
//!   `cuboid(0.25, 0.25, 0.25)` collider of density 1000, friction 0.8, restitution 0 (default
//!   combine rules; the ground collider also has friction 0.8, as in the manyworlds scene, so every
//!   contact has friction 0.8). A lockstep step is `worlds.par_iter_mut().for_each(|w| w.step())`
//!   on rayon's global pool; a reset rebuilds every world from scratch.
//!
//! After the benchmarks, one line per engine gives the plausibility of N = 64 worlds after a full
//! 500-step episode (deepest penetration of a cube corner below z = 0, fastest box, share of boxes
//! slower than 0.01 m/s, box centres below z = 0, non-finite worlds), computed for every engine
//! by `manyworlds::Plausibility::measure`, and the memory per world of both manyworlds backends
//! at the end of an episode (the GPU's peak: its buffers only ever grow) for each N.
//!
//! # Running
//!
//! ```text
//! cargo bench --bench boxes                          # everything: about an hour on 2 cores
//! cargo bench --bench boxes -- '/(1024|4096)$'       # criterion's usual filters and flags
//! cargo bench --bench boxes -- --quick
//! ```
//!
//! A filtered run still builds and calibrates every (engine, N) before criterion skips it (about
//! 15 s), since the measurement time has to be set before criterion applies its filter. The group
//! sets sample size (10, flat sampling), warm-up and measurement times itself, so criterion's
//! `--sample-size`, `--warm-up-time` and `--measurement-time` do not apply here.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use manyworlds::scenes::boxes::STEPS;
use manyworlds::{CpuBatch, GpuBatch, GpuBatchOptions, Plausibility};

/// World counts measured.
const WORLD_COUNTS: [usize; 5] = [1, 64, 1024, 4096, 16384];
/// World count of the plausibility check.
const PLAUSIBILITY_WORLDS: usize = 64;
/// Shortest measurement per benchmark; longer ones are stretched to about one episode.
const MIN_MEASUREMENT: Duration = Duration::from_secs(3);
/// Criterion's warm-up per benchmark.
const WARM_UP: Duration = Duration::from_secs(1);

/// What the benchmark needs of an engine: N worlds stepped in lockstep and put back to step 0.
trait Lockstep {
    fn step(&mut self);
    fn reset(&mut self);
    /// `k` lockstep steps; an engine that batches its work (the GPU: one submit) overrides it.
    fn step_n(&mut self, k: u64) {
        for _ in 0..k {
            self.step();
        }
    }
}

impl Lockstep for GpuBatch {
    fn step(&mut self) {
        GpuBatch::step(self).expect("the GPU steps");
    }

    fn step_n(&mut self, k: u64) {
        GpuBatch::step_n(self, k as usize).expect("the GPU steps");
    }

    fn reset(&mut self) {
        let builtin = manyworlds::scenes::builtin("boxes").expect("boxes is a built-in scene");
        self.set_world_poses(builtin.world_pose.expect("boxes places every world"));
    }
}

impl Lockstep for CpuBatch {
    fn step(&mut self) {
        CpuBatch::step(self);
    }

    fn reset(&mut self) {
        for w in 0..self.world_count() {
            self.reset_world(w).expect("world index is in range");
        }
    }
}

impl Lockstep for rapier::Batch {
    fn step(&mut self) {
        rapier::Batch::step(self);
    }

    fn reset(&mut self) {
        rapier::Batch::reset(self);
    }
}

/// A batch and the step its worlds are at within the episode.
struct Episode<E> {
    engine: E,
    step: u32,
}

impl<E: Lockstep> Episode<E> {
    fn new(engine: E) -> Self {
        Episode { engine, step: 0 }
    }

    /// Takes `iters` lockstep steps and returns the time spent stepping; reaching step `STEPS`
    /// resets the worlds to step 0 outside the timed region.
    fn run_timed(&mut self, iters: u64) -> Duration {
        let mut timed = Duration::ZERO;
        let mut left = iters;
        while left > 0 {
            if self.step >= STEPS {
                self.engine.reset();
                self.step = 0;
            }
            let k = left.min(u64::from(STEPS - self.step));
            let start = Instant::now();
            black_box(&mut self.engine).step_n(k);
            timed += start.elapsed();
            self.step += u32::try_from(k).expect("k is at most STEPS");
            left -= k;
        }
        timed
    }

    /// Replays criterion's warm-up on these worlds (1, 2, 4, … steps until `warm_up` has passed)
    /// and returns its mean time per step, then puts the worlds back to step 0. Criterion's own
    /// warm-up then takes the same steps, finds about the same mean and derives its iteration
    /// count from it, so a measurement time of `STEPS` × this mean makes it time ≈ `STEPS` steps.
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
        mean
    }
}

/// Benchmarks one engine at one world count: builds the worlds, sizes the measurement so that it
/// times about one episode of steps (at least `MIN_MEASUREMENT`), then times lockstep steps. Without
/// `calibrate` (when not benchmarking) the worlds are built on first use, if any.
fn bench_engine<E: Lockstep>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    n: usize,
    calibrate: bool,
    build: impl FnOnce() -> E,
) {
    let mut build = Some(build);
    let mut episode = None;
    let mut measurement = MIN_MEASUREMENT;
    if calibrate {
        let e = episode.insert(Episode::new((build.take().expect("not built yet"))()));
        measurement = measurement.max(e.calibrate(WARM_UP) * STEPS);
    }
    group.measurement_time(measurement);
    group.bench_function(BenchmarkId::new(name, n), |b| {
        let e =
            episode.get_or_insert_with(|| Episode::new((build.take().expect("not built yet"))()));
        b.iter_custom(|iters| e.run_timed(iters));
    });
}

fn boxes_lockstep(c: &mut Criterion, calibrate: bool) {
    let builtin = manyworlds::scenes::builtin("boxes").expect("boxes is a built-in scene");
    let mut group = c.benchmark_group("boxes_lockstep");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(WARM_UP);
    let gpu = gpu_available();
    for n in WORLD_COUNTS {
        group.throughput(Throughput::Elements(n as u64));
        // The engines back to back at each N, so a change of machine load hits them alike.
        if gpu {
            bench_engine(&mut group, "manyworlds_gpu", n, calibrate, || {
                GpuBatch::from_builtin(&builtin, n, &GpuBatchOptions::default())
                    .expect("a valid GPU batch")
            });
        }
        bench_engine(&mut group, "manyworlds_cpu", n, calibrate, || {
            CpuBatch::from_builtin(&builtin, n).expect("a valid batch")
        });
        bench_engine(&mut group, "rapier", n, calibrate, || rapier::Batch::new(n));
    }
    group.finish();
}

/// One line of plausibility figures.
fn report(engine: &str, p: &Plausibility) {
    eprintln!(
        "plausibility boxes, {PLAUSIBILITY_WORLDS} worlds after {STEPS} steps, {engine:>14}: \
         max penetration {:.2} mm, max speed {:.1e} m/s, at rest (< {} m/s) {:.1} %, \
         box centres below z = 0: {}, non-finite worlds: {}",
        p.max_penetration * 1000.0,
        p.max_speed,
        manyworlds::plausibility::REST_SPEED,
        p.resting_fraction * 100.0,
        p.bodies_below_ground,
        p.non_finite_worlds,
    );
}

/// Whether there is a GPU adapter; says so loudly when there is none.
fn gpu_available() -> bool {
    let available = !manyworlds::list_adapters().is_empty();
    if !available {
        eprintln!("no GPU adapter: the manyworlds_gpu benchmarks are skipped");
    }
    available
}

fn plausibility() {
    let builtin = manyworlds::scenes::builtin("boxes").expect("boxes is a built-in scene");
    if gpu_available() {
        let mut gpu = GpuBatch::from_builtin(&builtin, PLAUSIBILITY_WORLDS, &Default::default())
            .expect("a valid GPU batch");
        gpu.step_n(STEPS as usize).expect("the GPU steps");
        report("manyworlds_gpu", &gpu.plausibility().expect("GPU readback"));
    }
    let mut batch = CpuBatch::from_builtin(&builtin, PLAUSIBILITY_WORLDS).expect("a valid batch");
    batch.step_n(STEPS as usize);
    report("manyworlds_cpu", &batch.plausibility());
    let mut worlds = rapier::Batch::new(PLAUSIBILITY_WORLDS);
    for _ in 0..STEPS {
        worlds.step();
    }
    report("rapier", &worlds.plausibility(batch.scene()));
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

fn main() {
    let benchmarking = benchmarking();
    let mut c = Criterion::default().configure_from_args();
    boxes_lockstep(&mut c, benchmarking);
    c.final_summary();
    if benchmarking {
        plausibility();
        memory_per_world();
    }
}

/// Memory per world of both backends: after one episode of 1024 worlds (the CPU's is the same
/// at any N), and on the GPU at every N with the contact capacity that episode needed (the
/// GPU's buffers only grow, so that is its peak; its constraint scratch is shared by the
/// worlds of a dispatch, so the figure depends on N).
fn memory_per_world() {
    let builtin = manyworlds::scenes::builtin("boxes").expect("boxes is a built-in scene");
    let episode_worlds = 1024;
    let mut cpu = CpuBatch::from_builtin(&builtin, episode_worlds).expect("a valid batch");
    cpu.step_n(STEPS as usize);
    eprintln!(
        "memory per world, boxes, after {STEPS} steps of {episode_worlds} worlds: cpu {:.1} KiB",
        cpu.memory_per_world() as f64 / 1024.0
    );
    if !gpu_available() {
        return;
    }
    let mut episode = GpuBatch::from_builtin(&builtin, episode_worlds, &Default::default())
        .expect("a valid GPU batch");
    episode.step_n(STEPS as usize).expect("the GPU steps");
    let capacity = episode.stats().contact_capacity;
    for n in WORLD_COUNTS {
        let options = GpuBatchOptions {
            initial_capacity: Some(capacity),
            ..GpuBatchOptions::default()
        };
        let batch = GpuBatch::from_builtin(&builtin, n, &options).expect("a valid GPU batch");
        eprintln!(
            "memory per world, boxes, N = {n:>5}: gpu {:.1} KiB ({capacity} contact slots per world)",
            batch.memory_per_world() as f64 / 1024.0
        );
    }
}

/// The peer: the same scene in Rapier, one independent Rapier world per manyworlds world.
mod rapier {
    use manyworlds::glam::{Quat, Vec3};
    use manyworlds::scenes::boxes::{box_pose, BOX_COUNT, DENSITY, FRICTION, HALF_EXTENT};
    use manyworlds::{Plausibility, Scene};
    use rapier3d::math::{Pose, Rotation, Vector};
    use rapier3d::prelude::{
        CCDSolver, ColliderBuilder, ColliderSet, DefaultBroadPhase, ImpulseJointSet,
        IntegrationParameters, IslandManager, MultibodyJointSet, NarrowPhase, PhysicsPipeline,
        RigidBodyBuilder, RigidBodyHandle, RigidBodySet, SharedShape, SoftBodySet,
    };
    use rayon::prelude::*;

    /// One Rapier world of the `boxes` scene, with all of its own state.
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
        /// Box b's body, in scene order.
        boxes: Vec<RigidBodyHandle>,
    }

    impl World {
        /// World `world` of the scene at step 0: the poses manyworlds uses, bit for bit.
        pub fn new(world: u64) -> Self {
            let mut bodies = RigidBodySet::new();
            let mut colliders = ColliderSet::new();
            let ground = bodies.insert(RigidBodyBuilder::fixed());
            // The ground plane z = 0 with the scene's friction (manyworlds gives the ground
            // collider friction 0.8 too; Rapier's default of 0.5 would average to 0.65).
            colliders.insert_with_parent(
                ColliderBuilder::new(SharedShape::halfspace(Vector::Z))
                    .friction(FRICTION)
                    .restitution(0.0),
                ground,
                &mut bodies,
            );
            let boxes = (0..BOX_COUNT)
                .map(|b| {
                    let pose = box_pose(world, b);
                    let (p, q) = (pose.position, pose.orientation);
                    let body = RigidBodyBuilder::dynamic()
                        .pose(Pose::from_parts(
                            Vector::new(p.x, p.y, p.z),
                            Rotation::from_xyzw(q.x, q.y, q.z, q.w),
                        ))
                        .can_sleep(false)
                        .ccd_enabled(false);
                    let handle = bodies.insert(body);
                    colliders.insert_with_parent(
                        ColliderBuilder::cuboid(HALF_EXTENT, HALF_EXTENT, HALF_EXTENT)
                            .density(DENSITY)
                            .friction(FRICTION)
                            .restitution(0.0),
                        handle,
                        &mut bodies,
                    );
                    handle
                })
                .collect();
            World {
                gravity: Vector::new(0.0, 0.0, -9.81),
                params: IntegrationParameters {
                    dt: 0.01,
                    ..IntegrationParameters::default()
                },
                pipeline: PhysicsPipeline::new(),
                islands: IslandManager::new(),
                broad_phase: DefaultBroadPhase::new(),
                narrow_phase: NarrowPhase::new(),
                bodies,
                colliders,
                impulse_joints: ImpulseJointSet::new(),
                multibody_joints: MultibodyJointSet::new(),
                soft_bodies: SoftBodySet::new(),
                ccd_solver: CCDSolver::new(),
                boxes,
            }
        }

        pub fn step(&mut self) {
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
    }

    /// N Rapier worlds stepped in lockstep, one rayon task per world.
    pub struct Batch {
        worlds: Vec<World>,
    }

    impl Batch {
        pub fn new(n: usize) -> Self {
            Batch {
                worlds: (0..n as u64).into_par_iter().map(World::new).collect(),
            }
        }

        /// Advances every world by one step.
        pub fn step(&mut self) {
            self.worlds.par_iter_mut().for_each(World::step);
        }

        /// Puts every world back at step 0 by rebuilding it from scratch (no contact or
        /// broad-phase memory survives), as manyworlds' reset also clears its contact cache.
        pub fn reset(&mut self) {
            let n = self.worlds.len();
            *self = Batch::new(n);
        }

        /// The plausibility figures of manyworlds, computed from Rapier's body states laid out
        /// like a manyworlds batch (ground = body 0, box b = body 1 + b) and measured by the same
        /// code: penetration is the depth of the lowest of a cube's 8 corners below z = 0.
        pub fn plausibility(&self, scene: &Scene) -> Plausibility {
            let stride = 1 + BOX_COUNT;
            let len = self.worlds.len() * stride;
            let mut positions = vec![Vec3::ZERO; len];
            let mut orientations = vec![Quat::IDENTITY; len];
            let mut linear = vec![Vec3::ZERO; len];
            let mut angular = vec![Vec3::ZERO; len];
            for (w, world) in self.worlds.iter().enumerate() {
                for (b, &handle) in world.boxes.iter().enumerate() {
                    let body = &world.bodies[handle];
                    let k = w * stride + 1 + b;
                    let (p, q) = (body.translation(), body.rotation());
                    let (v, omega) = (body.linvel(), body.angvel());
                    positions[k] = Vec3::new(p.x, p.y, p.z);
                    orientations[k] = Quat::from_xyzw(q.x, q.y, q.z, q.w);
                    linear[k] = Vec3::new(v.x, v.y, v.z);
                    angular[k] = Vec3::new(omega.x, omega.y, omega.z);
                }
            }
            Plausibility::measure(scene, &positions, &orientations, &linear, &angular)
        }
    }
}
