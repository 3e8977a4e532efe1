//! Robustness: piles of spheres, capsules and boxes of random sizes, dropped from up to 15 m
//! at random orientations so that every pair of shapes meets. With no restitution and no
//! rolling resistance, physics says: energy never grows, boxes come to rest, spheres that end
//! up rolling on the ground roll without slipping.

use manyworlds::rng::unit_f64;
use manyworlds::{
    BodyDesc, ColliderDesc, CpuBatch, Pose, Quat, SceneBuilder, Shape, StepParams, Vec3,
};

const BODIES: usize = 24;

fn uniform(world: u64, body: usize, k: u64) -> f32 {
    unit_f64((world * 4096 + body as u64) * 16 + k) as f32
}

/// Body i's shape: spheres, capsules and boxes in turn, sizes drawn per body.
fn shape(i: usize) -> Shape {
    let u = |k| uniform(0, i, k);
    match i % 3 {
        0 => Shape::sphere(0.08 + 0.12 * u(0)),
        1 => Shape::capsule(0.05 + 0.2 * u(0), 0.05 + 0.08 * u(1)),
        _ => Shape::cuboid(Vec3::new(
            0.05 + 0.15 * u(0),
            0.05 + 0.15 * u(1),
            0.05 + 0.15 * u(2),
        )),
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
fn energy(batch: &CpuBatch, w: usize) -> f64 {
    let stride = batch.stride();
    let g = -batch.params().gravity;
    let mut total = 0.0f64;
    for (i, body) in batch.scene().bodies().iter().enumerate().skip(1) {
        let k = w * stride + i;
        let (p, q) = (batch.positions()[k], batch.orientations()[k]);
        let (v, omega) = (batch.linear_velocities()[k], batch.angular_velocities()[k]);
        let m = body.mass.mass;
        let local_omega = q.conjugate() * omega;
        let rotational = 0.5 * local_omega.dot(body.mass.inertia * local_omega);
        total += f64::from(m * g.dot(p) + 0.5 * m * v.length_squared() + rotational);
    }
    total
}

#[test]
fn random_piles_dissipate_settle_and_roll() {
    let mut builder = SceneBuilder::new()
        .body(BodyDesc::fixed("ground").collider(ColliderDesc::new(Shape::Plane).friction(0.7)));
    for i in 0..BODIES {
        builder.add_body(
            BodyDesc::dynamic(format!("body{i}")).collider(
                ColliderDesc::new(shape(i))
                    .density(500.0 + 1000.0 * uniform(0, i, 7))
                    .friction(0.7),
            ),
        );
    }
    let scene = builder.build().unwrap();
    let worlds = 16;
    let mut batch = CpuBatch::new(scene, StepParams::default(), worlds).unwrap();
    batch.set_world_poses(world_pose);
    let initial: Vec<f64> = (0..worlds).map(|w| energy(&batch, w)).collect();
    for _ in 0..800 {
        batch.step();
        for (w, e0) in initial.iter().enumerate() {
            // Contacts only take energy out (push-out may add a little: allow 0.5 %).
            let e = energy(&batch, w);
            assert!(
                e <= e0 + 0.005 * e0.abs(),
                "world {w}: energy rose from {e0} J to {e} J"
            );
        }
    }
    let p = batch.plausibility();
    assert_eq!(p.non_finite_worlds, 0);
    assert_eq!(p.bodies_below_ground, 0);

    let stride = batch.stride();
    let (mut boxes, mut rolling) = (0, 0);
    for w in 0..worlds {
        for b in 1..stride {
            let k = w * stride + b;
            let (position, v, omega) = (
                batch.positions()[k],
                batch.linear_velocities()[k],
                batch.angular_velocities()[k],
            );
            match shape(b - 1) {
                Shape::Cuboid { half_extents } => {
                    // Boxes cannot roll: after 8 s they rest, on the ground or on the pile.
                    boxes += 1;
                    assert!(v.length() < 0.01, "world {w} box {b} still moves at {v}");
                    let up = batch.orientations()[k].conjugate() * Vec3::Z;
                    let depth = (up.abs() * half_extents).element_sum() - position.z;
                    assert!(depth < 0.005, "world {w} box {b} sunk {depth} m");
                }
                Shape::Sphere { radius }
                    if (position.z - radius).abs() < 0.002 && v.length() > 0.5 =>
                {
                    // A sphere rolling on the ground: its contact point is at rest.
                    rolling += 1;
                    let slip = v + omega.cross(Vec3::new(0.0, 0.0, -radius));
                    assert!(
                        slip.length() < 0.02,
                        "world {w} sphere {b} slips at {slip} (v {v})"
                    );
                }
                _ => {}
            }
        }
    }
    assert_eq!(boxes, worlds * BODIES / 3);
    assert!(
        rolling > 0,
        "no sphere ended up rolling: the roll check checked nothing"
    );
}
