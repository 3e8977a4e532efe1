//! Helpers shared by the physics validation tests.
#![allow(dead_code)]

use manyworlds::{
    BodyDesc, ColliderDesc, CpuBatch, Pose, Quat, Scene, SceneBuilder, Shape, StepParams, Vec3,
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

pub fn batch(bodies: Vec<BodyDesc>, params: StepParams, worlds: usize) -> CpuBatch {
    CpuBatch::new(build(bodies), params, worlds).expect("test batch is valid")
}

/// Steps for `seconds` of simulated time.
pub fn run_for(batch: &mut CpuBatch, seconds: f32) {
    let steps = (seconds / batch.params().dt).round() as usize;
    batch.step_n(steps);
}

pub fn pose(batch: &CpuBatch, world: usize, body: usize) -> Pose {
    let k = world * batch.stride() + body;
    Pose::new(batch.positions()[k], batch.orientations()[k])
}

pub fn velocity(batch: &CpuBatch, world: usize, body: usize) -> Vec3 {
    batch.linear_velocities()[world * batch.stride() + body]
}

/// How far the lowest point of a box with `half` extents at `pose` is below z = 0.
pub fn box_depth_below_ground(pose: &Pose, half: Vec3) -> f32 {
    let local_up = pose.orientation.conjugate() * Vec3::Z;
    (local_up.abs() * half).element_sum() - pose.position.z
}
