//! Tall stacks (contact stiffness grows with the load, softness.rs): a column of 20 boxes
//! stands a minute with its top still, also columns whose neighbours' masses differ 30-fold; a
//! column of 10 sags less than 5 mm.

mod common;
use common::*;
use manyworlds::{
    scenes, BodyDesc, ColliderDesc, Scene, SceneBuilder, Shape, Sim, StepParams, Vec3,
};

const HALF: f32 = 0.25;

/// Steps `seconds` and returns the top box's largest horizontal and vertical displacement from
/// where it was after the first second.
fn top_drift(sim: &mut Sim, top: usize, seconds: f32) -> (f32, f32) {
    run_for(sim, 1.0);
    let settled = pose(sim, 0, top).position;
    let (mut sideways, mut vertical) = (0.0f32, 0.0f32);
    let steps = ((seconds - 1.0) / sim.params().dt).round() as usize;
    for _ in 0..steps / 10 {
        sim.step_n(10).expect("steps");
        let now = pose(sim, 0, top).position - settled;
        sideways = sideways.max(now.truncate().length());
        vertical = vertical.max(now.z.abs());
    }
    (sideways, vertical)
}

/// A column of cubes (edge 0.5 m) whose densities follow `densities` from the bottom up.
fn column(densities: &[f32]) -> Scene {
    let mut builder = SceneBuilder::new().body(ground(0.8, 0.0));
    for (i, &density) in densities.iter().enumerate() {
        builder.add_body(
            BodyDesc::dynamic(format!("cube{i}"))
                .at(Vec3::new(0.0, 0.0, HALF + 2.0 * HALF * i as f32))
                .collider(
                    ColliderDesc::new(Shape::cuboid(Vec3::splat(HALF)))
                        .density(density)
                        .friction(0.8),
                ),
        );
    }
    builder.build().expect("a valid column")
}

fn assert_stands(b: &str, what: &str, (sideways, vertical): (f32, f32)) {
    assert!(
        sideways < 0.01 && vertical < 0.01,
        "{b}: {what}: the top moved {sideways} m sideways and {vertical} m up or down"
    );
}

#[test]
fn a_column_of_twenty_boxes_stands_a_minute() {
    for backend in backends("a_column_of_twenty_boxes_stands_a_minute") {
        let b = name(&backend);
        let tower = scenes::stacks::tower(20).expect("a 20-cube tower");
        let mut sim = builtin_sim(&tower, 1, &backend);
        let top = sim.scene().body_count() - 1;
        assert_stands(b, "20 boxes", top_drift(&mut sim, top, 60.0));
    }
}

#[test]
fn columns_of_boxes_thirty_times_heavier_or_lighter_than_their_neighbours_stand() {
    for backend in backends("columns_of_boxes_thirty_times_heavier_or_lighter_stand") {
        let b = name(&backend);
        for (what, light_first) in [("light under heavy", true), ("heavy under light", false)] {
            let densities: Vec<f32> = (0..10)
                .map(|i| {
                    if (i % 2 == 0) == light_first {
                        1000.0 / 30.0
                    } else {
                        1000.0
                    }
                })
                .collect();
            let mut sim = sim_of(column(&densities), StepParams::default(), 1, &backend);
            assert_stands(b, what, top_drift(&mut sim, 10, 60.0));
        }
    }
}

#[test]
fn a_column_of_ten_boxes_sags_less_than_five_millimetres() {
    for backend in backends("a_column_of_ten_boxes_sags_less_than_five_millimetres") {
        let b = name(&backend);
        let mut sim = sim_of(column(&[1000.0; 10]), StepParams::default(), 1, &backend);
        run_for(&mut sim, 2.0);
        let sag = 4.75 - pose(&mut sim, 0, 10).position.z;
        assert!(
            (0.0..0.005).contains(&sag),
            "{b}: the top box sagged {sag} m"
        );
    }
}
