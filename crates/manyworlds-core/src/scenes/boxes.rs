//! The `boxes` benchmark scene: per world a ground plane and 32 cubes (edge 0.5 m, 125 kg,
//! friction 0.8, no restitution) dropped from a 4×4×2 grid. Every world's poses are drawn from
//! SplitMix64 keyed by (world, box) exactly as the engine-independent definition prescribes, so
//! any engine can place them bit-for-bit; dt = 0.01 s, 500 steps.

use super::BuiltinScene;
use crate::body::{BodyDesc, ColliderDesc};
use crate::params::StepParams;
use crate::pose::Pose;
use crate::rng::unit_f64;
use crate::scene::SceneBuilder;
use crate::shape::Shape;
use glam::{Quat, Vec3};

pub const BOX_COUNT: usize = 32;
pub const HALF_EXTENT: f32 = 0.25;
pub const DENSITY: f32 = 1000.0;
pub const FRICTION: f32 = 0.8;
pub const STEPS: u32 = 500;
const GRID_SPACING: f64 = 1.0;

/// The uniform number k (0..8) of box `b` in world `w`: `U(w, b, k)` of the definition.
pub fn uniform(world: u64, box_index: u64, k: u64) -> f64 {
    unit_f64(
        world
            .wrapping_mul(1024)
            .wrapping_add(box_index)
            .wrapping_mul(8)
            .wrapping_add(k),
    )
}

/// Initial pose of box `b` (0..32) in world `w`, computed in f64 as the definition does.
/// Returns (position, orientation as (w, x, y, z)).
pub fn box_pose_f64(world: u64, b: usize) -> ([f64; 3], [f64; 4]) {
    let (layer, j) = (b / 16, b % 16);
    let (row, col) = (j / 4, j % 4);
    let u = |k| uniform(world, b as u64, k);
    let x = (col as f64 - 1.5) * GRID_SPACING + 0.2 * (u(0) - 0.5);
    let y = (row as f64 - 1.5) * GRID_SPACING + 0.2 * (u(1) - 0.5);
    let z = 1.0 + 3.0 * layer as f64 + u(2);
    let yaw = 0.4 * (u(3) - 0.5);
    let pitch = 0.2 * (u(4) - 0.5);
    let roll = 0.2 * (u(5) - 0.5);
    // q = Rz(yaw) Ry(pitch) Rx(roll), composed from the three half-angle rotations.
    let (sy, cy) = (yaw / 2.0).sin_cos();
    let (sp, cp) = (pitch / 2.0).sin_cos();
    let (sr, cr) = (roll / 2.0).sin_cos();
    let q = [
        cr * cp * cy + sr * sp * sy,
        sr * cp * cy - cr * sp * sy,
        cr * sp * cy + sr * cp * sy,
        cr * cp * sy - sr * sp * cy,
    ];
    ([x, y, z], q)
}

/// Initial pose of box `b` in world `w`, rounded to f32.
pub fn box_pose(world: u64, b: usize) -> Pose {
    let (p, q) = box_pose_f64(world, b);
    Pose::new(
        Vec3::new(p[0] as f32, p[1] as f32, p[2] as f32),
        Quat::from_xyzw(q[1] as f32, q[2] as f32, q[3] as f32, q[0] as f32).normalize(),
    )
}

/// Body 0 is the ground; body 1 + b is box b (the `hulls` scene places its objects so too).
pub fn world_pose(world: u64, body: usize, template: &Pose) -> Pose {
    if body == 0 {
        *template
    } else {
        box_pose(world, body - 1)
    }
}

pub fn scene() -> BuiltinScene {
    let mut builder = SceneBuilder::new();
    builder.add_body(
        BodyDesc::fixed("ground").collider(ColliderDesc::new(Shape::Plane).friction(FRICTION)),
    );
    for b in 0..BOX_COUNT {
        let pose = box_pose(0, b);
        builder.add_body(
            BodyDesc::dynamic(format!("box{b}"))
                .at(pose.position)
                .oriented(pose.orientation)
                .collider(
                    ColliderDesc::new(Shape::cuboid(Vec3::splat(HALF_EXTENT)))
                        .density(DENSITY)
                        .friction(FRICTION),
                ),
        );
    }
    BuiltinScene {
        name: "boxes",
        description:
            "32 cubes of 125 kg dropped on a plane from a 4x4x2 grid, poses drawn per world",
        scene: builder.build().expect("the boxes scene is valid"),
        params: StepParams::default(),
        steps: STEPS,
        world_pose: Some(world_pose),
    }
}
