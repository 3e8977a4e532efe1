//! Robustness: piles of spheres, capsules, boxes and cylinders of random sizes, dropped from
//! up to 15 m at random orientations so that every pair of shapes meets, on both backends.
//! With no restitution and no rolling resistance, physics says: energy never grows, boxes come to rest, spheres that end
//! up rolling on the ground roll without slipping.

mod common;
use common::*;
use manyworlds::rng::unit_f64;
use manyworlds::scenes::BuiltinScene;
use manyworlds::{BodyDesc, ColliderDesc, Pose, Quat, SceneBuilder, Shape, Sim, StepParams, Vec3};

const BODIES: usize = 24;

fn uniform(world: u64, body: usize, k: u64) -> f32 {
    unit_f64((world * 4096 + body as u64) * 16 + k) as f32
}

/// Body i's shape among the first `kinds` of: spheres, capsules, boxes, cylinders in turn,
/// sizes drawn per body.
fn shape(i: usize, kinds: usize) -> Shape {
    let u = |k| uniform(0, i, k);
    match i % kinds {
        0 => Shape::sphere(0.08 + 0.12 * u(0)),
        1 => Shape::capsule(0.05 + 0.2 * u(0), 0.05 + 0.08 * u(1)),
        2 => Shape::cuboid(Vec3::new(
            0.05 + 0.15 * u(0),
            0.05 + 0.15 * u(1),
            0.05 + 0.15 * u(2),
        )),
        _ => Shape::cylinder(0.05 + 0.15 * u(0), 0.05 + 0.1 * u(1)),
    }
}

/// A loose column of bodies 0.6 m apart vertically, jittered sideways, randomly turned;
/// different in every world.
fn world_pose(world: u64, body: usize, template: &Pose) -> Pose {
    if body == 0 {
        return *template;
    }
    let u = |k| uniform(world + 1, body, k);
    let position = Vec3::new(
        0.3 * (u(0) - 0.5),
        0.3 * (u(1) - 0.5),
        0.3 + 0.6 * body as f32,
    );
    let axis = Vec3::new(u(2) - 0.5, u(3) - 0.5, u(4) - 0.5).normalize_or(Vec3::Z);
    Pose::new(position, Quat::from_axis_angle(axis, 6.0 * u(5)))
}

/// Potential plus kinetic (translational and rotational) energy of world `w`.
fn energy(sim: &Sim, state: &Snapshot, w: usize) -> f64 {
    let stride = sim.stride();
    let g = -sim.params().gravity;
    let mut total = 0.0f64;
    for (i, body) in sim.scene().bodies().iter().enumerate().skip(1) {
        let k = w * stride + i;
        let (p, q) = (state.positions[k], state.orientations[k]);
        let (v, omega) = (state.linear_velocities[k], state.angular_velocities[k]);
        let m = body.mass.mass;
        let local_omega = q.conjugate() * omega;
        let rotational = 0.5 * local_omega.dot(body.mass.inertia * local_omega);
        total += f64::from(m * g.dot(p) + 0.5 * m * v.length_squared() + rotational);
    }
    total
}

#[test]
fn random_piles_dissipate_settle_and_roll() {
    let piles = piles(3);
    for backend in backends("random_piles_dissipate_settle_and_roll") {
        random_piles_on(&piles, 3, &backend);
    }
}

#[test]
fn random_piles_with_cylinders_dissipate_settle_and_roll() {
    let piles = piles(4);
    for backend in backends("random_piles_with_cylinders_dissipate_settle_and_roll") {
        random_piles_on(&piles, 4, &backend);
    }
}

/// The pile scene of the first `kinds` shapes.
fn piles(kinds: usize) -> BuiltinScene {
    let mut builder = SceneBuilder::new()
        .body(BodyDesc::fixed("ground").collider(ColliderDesc::new(Shape::Plane).friction(0.7)));
    for i in 0..BODIES {
        builder.add_body(
            BodyDesc::dynamic(format!("body{i}")).collider(
                ColliderDesc::new(shape(i, kinds))
                    .density(500.0 + 1000.0 * uniform(0, i, 7))
                    .friction(0.7),
            ),
        );
    }
    BuiltinScene {
        name: "random_piles",
        description: "random piles of spheres, capsules, boxes and cylinders",
        scene: builder.build().unwrap(),
        params: StepParams::default(),
        steps: 800,
        world_pose: Some(world_pose),
    }
}

fn random_piles_on(piles: &BuiltinScene, kinds: usize, backend: &manyworlds::Backend) {
    let b = name(backend);
    let worlds = 16;
    let mut sim = builtin_sim(piles, worlds, backend);
    let start = snapshot(&mut sim);
    let initial: Vec<f64> = (0..worlds).map(|w| energy(&sim, &start, w)).collect();
    for _ in 0..piles.steps {
        sim.step().expect("stepping works");
        let now = snapshot(&mut sim);
        for (w, e0) in initial.iter().enumerate() {
            // Contacts only take energy out (push-out may add a little: allow 0.5 %).
            let e = energy(&sim, &now, w);
            assert!(
                e <= e0 + 0.005 * e0.abs(),
                "{b}: world {w}: energy rose from {e0} J to {e} J"
            );
        }
    }
    let p = sim.plausibility().expect("readback");
    assert_eq!(p.non_finite_worlds, 0, "{b}: non-finite worlds");
    assert_eq!(p.bodies_below_ground, 0, "{b}: bodies below the ground");

    let end = snapshot(&mut sim);
    let stride = sim.stride();
    let (mut boxes, mut rolling) = (0, 0);
    for w in 0..worlds {
        for body in 1..stride {
            let k = w * stride + body;
            let (position, v, omega) = (
                end.positions[k],
                end.linear_velocities[k],
                end.angular_velocities[k],
            );
            match shape(body - 1, kinds) {
                Shape::Cuboid { half_extents } => {
                    // Boxes cannot roll: after 8 s they rest, on the ground or on the pile,
                    // unless something still moving (a cylinder rolling on its rim wanders
                    // like a coin) has just struck one: then that body is next to it.
                    boxes += 1;
                    let struck = (1..stride).any(|other| {
                        let j = w * stride + other;
                        other != body
                            && end.linear_velocities[j].length() > 0.1
                            && end.positions[j].distance(position) < 1.0
                    });
                    assert!(
                        v.length() < 0.01 || struck,
                        "{b}: world {w} box {body} still moves at {v}, nothing moving near it"
                    );
                    let up = end.orientations[k].conjugate() * Vec3::Z;
                    let depth = (up.abs() * half_extents).element_sum() - position.z;
                    assert!(depth < 0.005, "{b}: world {w} box {body} sunk {depth} m");
                }
                Shape::Sphere { radius }
                    if (position.z - radius).abs() < 0.002 && v.length() > 0.5 =>
                {
                    // A sphere rolling on the ground: its contact point is at rest.
                    rolling += 1;
                    let slip = v + omega.cross(Vec3::new(0.0, 0.0, -radius));
                    assert!(
                        slip.length() < 0.02,
                        "{b}: world {w} sphere {body} slips at {slip} (v {v})"
                    );
                }
                _ => {}
            }
        }
    }
    let per_world = (0..BODIES).filter(|&i| i % kinds == 2).count();
    assert_eq!(boxes, worlds * per_world, "{b}: boxes checked");
    assert!(
        rolling > 0,
        "{b}: no sphere ended up rolling: the roll check checked nothing"
    );
}
