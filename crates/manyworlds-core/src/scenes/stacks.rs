//! Stacking scenes: a tower and a pyramid of cubes resting on a plane, the classic tests of a
//! solver's stiffness and friction.

use super::BuiltinScene;
use crate::body::{BodyDesc, ColliderDesc};
use crate::error::SceneError;
use crate::params::StepParams;
use crate::scene::SceneBuilder;
use crate::shape::Shape;
use glam::Vec3;

const HALF: f32 = 0.25;
const FRICTION: f32 = 0.8;

fn cube(name: String, position: Vec3) -> BodyDesc {
    BodyDesc::dynamic(name).at(position).collider(
        ColliderDesc::new(Shape::cuboid(Vec3::splat(HALF)))
            .density(1000.0)
            .friction(FRICTION),
    )
}

fn ground() -> BodyDesc {
    BodyDesc::fixed("ground").collider(ColliderDesc::new(Shape::Plane).friction(FRICTION))
}

/// `height` cubes of edge 0.5 m, each resting exactly on the one below. An error when the
/// tower has more cubes than a scene can hold.
pub fn tower(height: usize) -> Result<BuiltinScene, SceneError> {
    let mut builder = SceneBuilder::new().body(ground());
    for i in 0..height {
        builder.add_body(cube(
            format!("cube{i}"),
            Vec3::new(0.0, 0.0, HALF + 2.0 * HALF * i as f32),
        ));
    }
    Ok(BuiltinScene {
        name: "tower",
        description: "a tower of cubes (edge 0.5 m) resting on each other",
        scene: builder.build()?,
        params: StepParams::default(),
        steps: 1000,
        world_pose: None,
    })
}

/// A pyramid with `base` cubes in its bottom row (base·(base+1)/2 cubes in all), in the
/// x–z plane, with 2 cm gaps between neighbours in a row. An error when the pyramid has more
/// cubes than a scene can hold.
pub fn pyramid(base: usize) -> Result<BuiltinScene, SceneError> {
    let mut builder = SceneBuilder::new().body(ground());
    let pitch = 2.0 * HALF + 0.02;
    for row in 0..base {
        let count = base - row;
        for i in 0..count {
            let x = (i as f32 - (count - 1) as f32 / 2.0) * pitch;
            builder.add_body(cube(
                format!("cube{row}_{i}"),
                Vec3::new(x, 0.0, HALF + 2.0 * HALF * row as f32),
            ));
        }
    }
    Ok(BuiltinScene {
        name: "pyramid",
        description: "a pyramid of cubes (edge 0.5 m) standing on a plane",
        scene: builder.build()?,
        params: StepParams::default(),
        steps: 1000,
        world_pose: None,
    })
}
