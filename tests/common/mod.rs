//! Helpers shared by the physics validation tests. Every test runs on each backend of
//! [`backends`]: the CPU always, the GPU when there is an adapter (a loud skip otherwise,
//! a failure when MANYWORLDS_REQUIRE_GPU=1).
#![allow(dead_code)]

use std::sync::OnceLock;

use manyworlds::scenes::BuiltinScene;
use manyworlds::{
    AdapterChoice, Backend, BodyDesc, ColliderDesc, Pose, Quat, Scene, SceneBuilder, Shape, Sim,
    SimOptions, StepParams, Vec3,
};

/// A static ground plane through the origin, normal +z.
pub fn ground(friction: f32, restitution: f32) -> BodyDesc {
    BodyDesc::fixed("ground").collider(
        ColliderDesc::new(Shape::Plane)
            .friction(friction)
            .restitution(restitution),
    )
}

/// A static plane through the origin whose normal is +z turned by `angle` about x: an incline
/// that descends towards −y.
pub fn incline(angle: f32, friction: f32) -> BodyDesc {
    BodyDesc::fixed("incline")
        .oriented(Quat::from_rotation_x(angle))
        .collider(ColliderDesc::new(Shape::Plane).friction(friction))
}

pub fn build(bodies: Vec<BodyDesc>) -> Scene {
    let mut builder = SceneBuilder::new();
    for b in bodies {
        builder.add_body(b);
    }
    builder.build().expect("test scene is valid")
}

fn gpu_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| !manyworlds::list_adapters().is_empty())
}

/// The backends a test runs on: the CPU, and the GPU when there is an adapter. Without one the
/// GPU half is skipped with a notice, or fails when MANYWORLDS_REQUIRE_GPU=1.
pub fn backends(test: &str) -> Vec<Backend> {
    let mut list = vec![Backend::Cpu];
    if gpu_available() {
        list.push(Backend::Gpu(AdapterChoice::Auto));
    } else if std::env::var("MANYWORLDS_REQUIRE_GPU").is_ok_and(|v| v.trim() == "1") {
        panic!("{test}: MANYWORLDS_REQUIRE_GPU=1 but there is no GPU adapter");
    } else {
        eprintln!("SKIPPED the GPU half of {test}: no GPU adapter");
    }
    list
}

/// A short name for assertion messages.
pub fn name(backend: &Backend) -> &'static str {
    match backend {
        Backend::Cpu => "cpu",
        Backend::Gpu(_) => "gpu",
        Backend::Auto => "auto",
    }
}

/// Options that run on `backend`, the rest at their defaults.
pub fn options(backend: &Backend) -> SimOptions {
    SimOptions {
        backend: backend.clone(),
        ..SimOptions::default()
    }
}

pub fn sim_of(scene: Scene, params: StepParams, worlds: usize, backend: &Backend) -> Sim {
    Sim::new(scene, params, worlds, &options(backend)).expect("test simulation is valid")
}

/// `worlds` worlds of a built-in scene (its own step parameters and per-world poses).
pub fn builtin_sim(builtin: &BuiltinScene, worlds: usize, backend: &Backend) -> Sim {
    Sim::from_builtin(builtin, worlds, &options(backend)).expect("test simulation is valid")
}

pub fn sim(bodies: Vec<BodyDesc>, params: StepParams, worlds: usize, backend: &Backend) -> Sim {
    sim_of(build(bodies), params, worlds, backend)
}

/// Steps for `seconds` of simulated time.
pub fn run_for(sim: &mut Sim, seconds: f32) {
    let steps = (seconds / sim.params().dt).round() as usize;
    sim.step_n(steps).expect("stepping works");
}

pub fn pose(sim: &mut Sim, world: usize, body: usize) -> Pose {
    let k = world * sim.stride() + body;
    let position = sim.positions().expect("readback")[k];
    Pose::new(position, sim.orientations().expect("readback")[k])
}

pub fn velocity(sim: &mut Sim, world: usize, body: usize) -> Vec3 {
    let k = world * sim.stride() + body;
    sim.linear_velocities().expect("readback")[k]
}

pub fn angular_velocity(sim: &mut Sim, world: usize, body: usize) -> Vec3 {
    let k = world * sim.stride() + body;
    sim.angular_velocities().expect("readback")[k]
}

/// A copy of the whole state, `[worlds × bodies]` each.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub positions: Vec<Vec3>,
    pub orientations: Vec<Quat>,
    pub linear_velocities: Vec<Vec3>,
    pub angular_velocities: Vec<Vec3>,
}

pub fn snapshot(sim: &mut Sim) -> Snapshot {
    Snapshot {
        positions: sim.positions().expect("readback").to_vec(),
        orientations: sim.orientations().expect("readback").to_vec(),
        linear_velocities: sim.linear_velocities().expect("readback").to_vec(),
        angular_velocities: sim.angular_velocities().expect("readback").to_vec(),
    }
}

impl Snapshot {
    /// The bit patterns of `world`'s state (`stride` bodies): p, q, v, ω of each body in turn.
    pub fn world_bits(&self, world: usize, stride: usize) -> Vec<u32> {
        let mut bits = Vec::with_capacity(13 * stride);
        for k in world * stride..(world + 1) * stride {
            let (p, q) = (self.positions[k], self.orientations[k]);
            let (v, w) = (self.linear_velocities[k], self.angular_velocities[k]);
            for x in [
                p.x, p.y, p.z, q.x, q.y, q.z, q.w, v.x, v.y, v.z, w.x, w.y, w.z,
            ] {
                bits.push(x.to_bits());
            }
        }
        bits
    }
}

/// How far the lowest point of a box with `half` extents at `pose` is below z = 0.
pub fn box_depth_below_ground(pose: &Pose, half: Vec3) -> f32 {
    let local_up = pose.orientation.conjugate() * Vec3::Z;
    (local_up.abs() * half).element_sum() - pose.position.z
}

/// Whether the GPU the tests run on is a CPU implementation (lavapipe): no adapter is hardware.
pub fn gpu_is_software() -> bool {
    manyworlds::list_adapters().iter().all(|a| !a.is_hardware)
}

/// The period of a one-joint pendulum's swing in `sim` (one world): the mean time between
/// upward zero crossings of q, sub-step interpolated, over `swings` swings.
pub fn swing_period(sim: &mut Sim, swings: usize, expected_period: f64) -> f64 {
    let dt = f64::from(sim.params().dt);
    let mut q = vec![0.0f32; sim.scene().joint_position_count()];
    sim.joint_positions(&mut q).expect("readout");
    let mut previous = q[0];
    let mut crossings = Vec::new();
    for step in 1..=(((swings as f64 + 0.5) * expected_period / dt) as usize) {
        sim.step().expect("steps");
        sim.joint_positions(&mut q).expect("readout");
        if previous < 0.0 && q[0] >= 0.0 {
            let fraction = f64::from(previous / (previous - q[0]));
            crossings.push((step as f64 - 1.0 + fraction) * dt);
        }
        previous = q[0];
    }
    assert!(crossings.len() >= 2, "too few swings: {crossings:?}");
    (crossings[crossings.len() - 1] - crossings[0]) / (crossings.len() - 1) as f64
}

/// The deepest overlap between any two colliders of world 0 that may collide (of two
/// bodies, one of them moving, not kept apart), measured with the CPU's narrow phase.
pub fn deepest_overlap(sim: &mut Sim) -> f32 {
    let scene = sim.scene().clone();
    let poses: Vec<Pose> = (0..scene.body_count()).map(|i| pose(sim, 0, i)).collect();
    let collider_pose = |c: usize| {
        let collider = &scene.colliders()[c];
        poses[collider.body].compose(&collider.pose)
    };
    let mut deepest = 0.0f32;
    for i in 0..scene.colliders().len() {
        for j in i + 1..scene.colliders().len() {
            let (a, b) = (&scene.colliders()[i], &scene.colliders()[j]);
            let moving = |c: &manyworlds::Collider| scene.bodies()[c.body].is_dynamic();
            if a.body == b.body
                || scene.collision_excluded(a.body, b.body)
                || !(moving(a) || moving(b))
            {
                continue;
            }
            let m = manyworlds::narrowphase::collide(
                &a.shape,
                &collider_pose(i),
                &b.shape,
                &collider_pose(j),
                0.0,
                scene.hulls(),
            );
            for p in m.points() {
                deepest = deepest.max(-p.separation);
            }
        }
    }
    deepest
}
