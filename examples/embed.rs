//! Embedding manyworlds: build a scene, step 256 worlds of it, read the state back.
//!
//! `cargo run --release --example embed [auto|cpu|gpu]` (default auto: a hardware GPU if there
//! is one, else the CPU; `gpu` takes any adapter, lavapipe included).

use manyworlds::{
    AdapterChoice, Backend, BodyDesc, ColliderDesc, Quat, SceneBuilder, Shape, Sim, SimOptions,
    StepParams, Vec3,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // One world: a ground plane, a box and a ball dropped onto it.
    let scene = SceneBuilder::new()
        .body(BodyDesc::fixed("ground").collider(ColliderDesc::new(Shape::Plane).friction(0.8)))
        .body(
            BodyDesc::dynamic("crate")
                .at(Vec3::new(0.0, 0.0, 1.0))
                .oriented(Quat::from_rotation_x(0.3))
                .collider(
                    ColliderDesc::new(Shape::cuboid(Vec3::new(0.3, 0.2, 0.1))).density(500.0),
                ),
        )
        .body(
            BodyDesc::dynamic("ball")
                .at(Vec3::new(0.05, 0.0, 2.0))
                .collider(ColliderDesc::new(Shape::sphere(0.1)).restitution(0.5)),
        )
        .build()?;

    let backend = match std::env::args().nth(1).as_deref() {
        None | Some("auto") => Backend::Auto,
        Some("cpu") => Backend::Cpu,
        Some("gpu") => Backend::Gpu(AdapterChoice::Auto),
        Some(other) => {
            return Err(format!("backend: expected auto, cpu or gpu, got {other}").into())
        }
    };
    let worlds = 256;
    let options = SimOptions {
        backend,
        ..SimOptions::default()
    };
    let mut sim = Sim::new(scene, StepParams::default(), worlds, &options)?;
    println!(
        "stepping on {} ({}): {}",
        sim.backend(),
        sim.device(),
        sim.choice()
    );

    // Give every world's ball its own sideways push: state is plain flat slices,
    // world w, body i at index w * stride + i.
    let stride = sim.stride();
    let mut velocities = sim.linear_velocities()?.to_vec();
    for (w, v) in velocities.chunks_mut(stride).enumerate() {
        v[2] = Vec3::new(w as f32 / worlds as f32, 0.0, 0.0);
    }
    sim.set_linear_velocities(&velocities)?;

    sim.step_n(200)?; // 2 s at dt = 0.01
    let ball_x: Vec<f32> = sim.positions()?.chunks(stride).map(|p| p[2].x).collect();
    println!(
        "after 2 s the ball lies between x = {:.3} m and x = {:.3} m across {worlds} worlds",
        ball_x.iter().cloned().fold(f32::INFINITY, f32::min),
        ball_x.iter().cloned().fold(f32::NEG_INFINITY, f32::max),
    );
    println!(
        "contact points in the last step: {}",
        sim.stats().contact_points
    );
    Ok(())
}
