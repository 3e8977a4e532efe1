//! Convex hulls of point clouds: a box given as its eight corners rests on a table as still
//! as the box itself, and a pile of random hulls (and a box) comes to rest without sinking into each
//! other or the ground, a hull resized per world by domain randomization rests at its own
//! height; on both backends, and the GPU follows the CPU over a short horizon.

mod common;
use common::*;
use manyworlds::rng::unit_f64;
use manyworlds::{
    Backend, BodyDesc, ColliderDesc, ConvexHull, Quat, SceneBuilder, Shape, Sim, StepParams, Vec3,
};

fn corners(half: Vec3) -> Vec<Vec3> {
    (0..8)
        .map(|i| {
            Vec3::new(
                if i & 1 == 0 { -half.x } else { half.x },
                if i & 2 == 0 { -half.y } else { half.y },
                if i & 4 == 0 { -half.z } else { half.z },
            )
        })
        .collect()
}

#[test]
fn a_box_hull_rests_on_a_table_as_still_as_the_box() {
    for backend in backends("a_box_hull_rests_on_a_table_as_still_as_the_box") {
        a_box_hull_rests_as_still_as_the_box_on(&backend);
    }
}

/// How a body settled: drift and turn over the last 2 s, final speed and spin, height.
fn settle(sim: &mut Sim, body: usize) -> (f32, f32, f32, f32, f32) {
    run_for(sim, 1.0);
    let settled = pose(sim, 0, body);
    run_for(sim, 2.0);
    let end = pose(sim, 0, body);
    (
        (end.position - settled.position).length(),
        end.orientation.angle_between(settled.orientation),
        velocity(sim, 0, body).length(),
        angular_velocity(sim, 0, body).length(),
        end.position.z,
    )
}

fn a_box_hull_rests_as_still_as_the_box_on(backend: &Backend) {
    let b = name(backend);
    let half = Vec3::new(0.3, 0.2, 0.1);
    let turn = Quat::from_rotation_z(0.4);
    let (hull, _) = ConvexHull::from_points(&corners(Vec3::ONE), 64).expect("a box");
    let scene = |shape: Shape, hull: Option<ConvexHull>| {
        let mut builder = SceneBuilder::new();
        if let Some(h) = hull {
            builder.add_hull(h);
        }
        builder.add_body(ground(0.6, 0.0));
        // A static table whose top is the plane z = 0: the crate rests on a box's face
        // (the separating-axis path, not the plane's).
        builder.add_body(
            BodyDesc::fixed("table")
                .at(Vec3::new(0.0, 0.0, -0.5))
                .collider(ColliderDesc::new(Shape::cuboid(Vec3::new(1.5, 1.5, 0.5))).friction(0.6)),
        );
        builder.add_body(
            BodyDesc::dynamic("crate")
                .at(Vec3::new(0.5, -0.2, half.z + 0.01))
                .oriented(turn)
                .collider(ColliderDesc::new(shape).friction(0.6)),
        );
        builder.build().expect("valid scene")
    };
    let boxed = scene(Shape::cuboid(half), None);
    let hulled = scene(Shape::hull(manyworlds::HullId(0), half), Some(hull));
    assert!(
        (boxed.bodies()[2].mass.mass - hulled.bodies()[2].mass.mass).abs() < 1e-3,
        "{b}: masses differ"
    );
    let params = StepParams::default();
    let reference = settle(&mut sim_of(boxed, params, 1, backend), 2);
    let got = settle(&mut sim_of(hulled, params, 1, backend), 2);
    let (drift, turned, speed, spin, height) = got;
    // The box's own bounds (tests/resting_contact.rs), and no worse than the box by more
    // than rounding.
    assert!(
        drift < 1e-4 && drift <= 2.0 * reference.0 + 1e-6,
        "{b}: drift {got:?} {reference:?}"
    );
    assert!(
        turned < 1e-3 && turned <= 2.0 * reference.1 + 1e-5,
        "{b}: turn {got:?} {reference:?}"
    );
    assert!(speed < 1e-3 && spin < 1e-3, "{b}: moving {got:?}");
    assert!(
        (height - reference.4).abs() < 1e-4,
        "{b}: height {got:?} {reference:?}"
    );
}

const PILE: usize = 6;

fn uniform(body: usize, k: u64) -> f32 {
    unit_f64((body as u64) * 64 + k) as f32
}

/// A pile: hulls of 6–14 random points in a 0.1–0.16 m ball and one box, in a loose column
/// over the ground, randomly turned. (Round shapes against hulls take the support search,
/// whose loops llvmpipe's per-invocation limit bounds: their twins are in
/// crates/manyworlds-gpu/tests/hull_twin.rs, their physics in the CPU's unit tests.)
fn pile_scene() -> manyworlds::Scene {
    let mut builder = SceneBuilder::new();
    builder.add_body(ground(0.6, 0.0));
    for i in 0..PILE {
        let u = |k| uniform(i, k);
        let shape = if i == 2 {
            Shape::cuboid(Vec3::new(0.12, 0.08, 0.06))
        } else {
            let n = 6 + (8.0 * u(0)) as usize;
            let r = 0.1 + 0.06 * u(1);
            let points: Vec<Vec3> = (0..n)
                .map(|k| {
                    let k = 8 + 3 * k as u64;
                    Vec3::new(u(k) - 0.5, u(k + 1) - 0.5, u(k + 2) - 0.5) * (2.0 * r)
                })
                .collect();
            let (hull, _) = ConvexHull::from_points(&points, 64).expect("random cloud");
            Shape::hull(builder.add_hull(hull), Vec3::new(1.0, 1.0, 0.8))
        };
        let axis = Vec3::new(u(2) - 0.5, u(3) - 0.5, u(4) - 0.5).normalize_or(Vec3::Z);
        builder.add_body(
            BodyDesc::dynamic(format!("b{i}"))
                .at(Vec3::new(
                    0.2 * (u(5) - 0.5),
                    0.2 * (u(6) - 0.5),
                    0.25 + 0.3 * i as f32,
                ))
                .oriented(Quat::from_axis_angle(axis, 6.0 * u(7)))
                .collider(ColliderDesc::new(shape).friction(0.7)),
        );
    }
    builder.build().expect("valid pile")
}

#[test]
fn a_pile_of_random_hulls_comes_to_rest_without_sinking() {
    for backend in backends("a_pile_of_random_hulls_comes_to_rest_without_sinking") {
        let b = name(&backend);
        let mut sim = sim_of(pile_scene(), StepParams::default(), 1, &backend);
        run_for(&mut sim, 3.0);
        let state = snapshot(&mut sim);
        assert!(
            state.positions.iter().all(|p| p.is_finite()),
            "{b}: non-finite"
        );
        for (i, v) in state.linear_velocities.iter().enumerate().skip(1) {
            let speed = v.length();
            assert!(speed < 0.05, "{b}: body {i} still moves at {speed} m/s");
        }
        let overlap = deepest_overlap(&mut sim);
        assert!(overlap < 0.002, "{b}: bodies overlap by {overlap} m");
        let p = sim.plausibility().expect("readback");
        assert!(p.max_penetration < 0.002, "{b}: {p:?}");
        let lowest = state.positions[1..]
            .iter()
            .map(|p| p.z)
            .fold(f32::INFINITY, f32::min);
        assert!(
            lowest > 0.0,
            "{b}: a body fell through the ground ({lowest})"
        );
    }
}

#[test]
fn the_gpu_follows_the_cpu_for_hulls() {
    let backends = backends("the_gpu_follows_the_cpu_for_hulls");
    let Some(gpu) = backends.iter().find(|b| matches!(b, Backend::Gpu(_))) else {
        return;
    };
    // The pile's first bodies, over the first impacts (0.4 s: the lowest lands at 0.2 s).
    let mut cpu = sim_of(pile_scene(), StepParams::default(), 2, &Backend::Cpu);
    let mut gpu = sim_of(pile_scene(), StepParams::default(), 2, gpu);
    run_for(&mut cpu, 0.4);
    run_for(&mut gpu, 0.4);
    let (a, b) = (snapshot(&mut cpu), snapshot(&mut gpu));
    let stride = cpu.stride();
    for w in 0..2 {
        for i in 1..4 {
            let k = w * stride + i;
            let apart = (a.positions[k] - b.positions[k]).length();
            let turned = a.orientations[k].angle_between(b.orientations[k]);
            assert!(
                apart < 2e-3 && turned < 1e-2,
                "world {w} body {i}: {apart} m, {turned} rad"
            );
        }
    }
}

/// A size rule gives each world its own hull scale: each rests with its lowest vertex on
/// the ground (its own height), with the mass of its size, on both backends.
#[test]
fn a_resized_hull_rests_at_its_own_height() {
    use manyworlds::{Distribution, Mode, Randomization, Rule, SimOptions, Target};
    for backend in backends("a_resized_hull_rests_at_its_own_height") {
        let b = name(&backend);
        // A wedge: a triangle of side 0.4 extruded by 0.3, resting on its flat bottom.
        let points = [
            Vec3::new(-0.2, -0.15, -0.15),
            Vec3::new(0.2, -0.15, -0.15),
            Vec3::new(0.0, -0.15, 0.15),
            Vec3::new(-0.2, 0.15, -0.15),
            Vec3::new(0.2, 0.15, -0.15),
            Vec3::new(0.0, 0.15, 0.15),
        ];
        let (hull, _) = ConvexHull::from_points(&points, 64).expect("a wedge");
        let mut builder = SceneBuilder::new();
        let id = builder.add_hull(hull);
        builder.add_body(ground(0.6, 0.0));
        // The table of the box test (the same kernel on the GPU), its top at z = 0.
        builder.add_body(
            BodyDesc::fixed("table")
                .at(Vec3::new(0.0, 0.0, -0.5))
                .collider(ColliderDesc::new(Shape::cuboid(Vec3::new(1.5, 1.5, 0.5))).friction(0.6)),
        );
        builder.add_body(
            BodyDesc::dynamic("wedge")
                .at(Vec3::new(0.0, 0.0, 0.25))
                .collider(ColliderDesc::new(Shape::hull(id, Vec3::ONE)).density(1000.0)),
        );
        let rule = Rule::new(
            Target::Size,
            Distribution::Uniform {
                low: 0.5,
                high: 1.5,
            },
            Mode::Scale,
        )
        .named("wedge");
        let options = SimOptions {
            randomization: Randomization {
                rules: vec![rule],
                pushes: None,
            },
            seed: 3,
            ..options(&backend)
        };
        let worlds = 4;
        let mut sim = Sim::new(
            builder.build().unwrap(),
            StepParams::default(),
            worlds,
            &options,
        )
        .expect("valid randomized simulation");
        run_for(&mut sim, 1.5);
        for w in 0..worlds {
            let s = sim.world_draw(w).unwrap().values[0];
            let mass = sim.world_parameters(w).unwrap().bodies[2].mass;
            let expected = 1000.0 * 0.5 * 0.4 * 0.3 * 0.3 * s * s * s;
            assert!(
                (mass - expected).abs() < 1e-3 * expected,
                "{b}: world {w}: {mass} {expected}"
            );
            // Its origin 0.15 m over its bottom face, scaled.
            let z = pose(&mut sim, w, 2).position.z;
            assert!(
                (z - 0.15 * s).abs() < 5e-3,
                "{b}: world {w}, scale {s}: rests at {z}"
            );
            let speed = velocity(&mut sim, w, 2).length();
            assert!(speed < 1e-3, "{b}: world {w} moves at {speed}");
        }
        let penetration = sim.plausibility().unwrap().max_penetration;
        assert!(penetration < 5e-3, "{b}: penetration {penetration} m");
    }
}
