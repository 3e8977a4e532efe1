//! Embedding manyworlds: build a scene, step 256 worlds of it, read the state back.
//!
//! `cargo run --release --example embed`

use manyworlds::{BodyDesc, ColliderDesc, CpuBatch, Quat, SceneBuilder, Shape, StepParams, Vec3};

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

    let worlds = 256;
    let mut batch = CpuBatch::new(scene, StepParams::default(), worlds)?;

    // Give every world's ball its own sideways push: state is plain flat slices,
    // world w, body i at index w * stride + i.
    let stride = batch.stride();
    for (w, v) in batch.linear_velocities_mut().chunks_mut(stride).enumerate() {
        v[2] = Vec3::new(w as f32 / worlds as f32, 0.0, 0.0);
    }

    batch.step_n(200); // 2 s at dt = 0.01
    let ball_x: Vec<f32> = batch.positions().chunks(stride).map(|p| p[2].x).collect();
    println!(
        "after 2 s the ball lies between x = {:.3} m and x = {:.3} m across {worlds} worlds",
        ball_x.iter().cloned().fold(f32::INFINITY, f32::min),
        ball_x.iter().cloned().fold(f32::NEG_INFINITY, f32::max),
    );
    println!(
        "contact points in the last step: {}",
        batch.stats().contact_points
    );
    Ok(())
}
