//! Real robots from their own files (`tests/assets/pybullet_data`), colliding as the convex
//! hulls of their collision meshes, under PD position servos on every joint
//! (`ImportOptions::drives`), on both backends: the Panda and the KUKA iiwa on a fixed base
//! hold a pose against gravity; the A1 and Laikago stand on a ground plane.

mod common;

use common::{backends, name, sim_of};
use manyworlds::import::{urdf, Drives, ImportOptions};
use manyworlds::{Backend, JointKind, Pose, Quat, Scene, Shape, Sim, StepParams, Vec3};

fn asset(file: &str) -> String {
    format!(
        "{}/tests/assets/pybullet_data/{file}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// `file` loaded strictly with position servos of gains `kp`, `kv` on every joint.
fn driven(file: &str, fixed_base: bool, kp: f32, kv: f32) -> (Scene, StepParams) {
    let options = ImportOptions {
        fixed_base,
        drives: Some(Drives::position(kp, kv)),
        ..ImportOptions::default()
    };
    let imported = urdf::load(asset(file), options).unwrap_or_else(|e| panic!("{file}: {e}"));
    (imported.scene, imported.params)
}

/// Joint positions q: each single-axis joint whose name ends with one of `angles`' suffixes
/// at that angle, the others at 0; a free base at `base`.
fn pose_q(scene: &Scene, base: Pose, angles: &[(&str, f32)]) -> Vec<f32> {
    let mut q = vec![0.0; scene.joint_position_count()];
    for joint in scene.joints() {
        let at = joint.position_offset;
        if joint.kind == JointKind::Free {
            let (p, r) = (base.position, base.orientation);
            q[at..at + 7].copy_from_slice(&[p.x, p.y, p.z, r.w, r.x, r.y, r.z]);
        } else if let Some((_, angle)) = angles.iter().find(|(s, _)| joint.name.ends_with(s)) {
            q[at] = *angle;
        }
    }
    q
}

/// Each servo's target: its joint's entry of `q`, for `worlds` worlds.
fn hold(scene: &Scene, q: &[f32], worlds: usize) -> Vec<f32> {
    let targets: Vec<f32> = scene
        .actuators()
        .iter()
        .map(|a| q[scene.joints()[a.joint].position_offset])
        .collect();
    targets.repeat(worlds)
}

/// The lowest point of every collider of `scene` at its initial poses.
fn lowest_point(scene: &Scene) -> f32 {
    let mut lowest = f32::INFINITY;
    for body in scene.bodies() {
        for collider in &scene.colliders()[body.colliders.clone()] {
            let pose = body.pose.compose(&collider.pose);
            let local_down = pose.orientation.conjugate() * Vec3::NEG_Z;
            // The shape's support point along −z, in its frame.
            let support = match collider.shape {
                Shape::Hull { hull, scale } => scene.hulls()[hull.0 as usize]
                    .vertices()
                    .iter()
                    .map(|&v| v * scale)
                    .max_by(|a, b| a.dot(local_down).total_cmp(&b.dot(local_down)))
                    .unwrap(),
                Shape::Sphere { radius } => local_down * radius,
                Shape::Cuboid { half_extents } => half_extents * local_down.signum(),
                Shape::Capsule {
                    half_length,
                    radius,
                } => Vec3::Z * half_length * local_down.z.signum() + local_down * radius,
                Shape::Cylinder {
                    half_length,
                    radius,
                } => {
                    let radial = Vec3::new(local_down.x, local_down.y, 0.0).normalize_or_zero();
                    Vec3::Z * half_length * local_down.z.signum() + radial * radius
                }
                Shape::Plane => continue,
            };
            lowest = lowest.min(pose.transform_point(support).z);
        }
    }
    lowest
}

/// A static ground plane through the origin added to `scene`.
fn with_ground(scene: &Scene) -> Scene {
    let mut data = scene.to_data();
    let ground = common::build(vec![common::ground(1.0, 0.0)]).to_data();
    data.bodies.extend(ground.bodies);
    Scene::from_data(data).expect("the scene with a ground is valid")
}

/// World position of `local` on `body` of world 0.
fn point_on(sim: &mut Sim, body: usize, local: Vec3) -> Vec3 {
    common::pose(sim, 0, body).transform_point(local)
}

/// A fixed-base arm started at `angles` and held there by its servos for `seconds` (its
/// links colliding with each other or not): how far
/// the point `tip` (on body `last`) moved from where it started, at most over the run, and
/// at most between 1 s and the end (after the servos took the arm's weight).
#[allow(clippy::too_many_arguments)]
fn arm_hold(
    file: &str,
    angles: &[(&str, f32)],
    last: &str,
    tip: Vec3,
    gains: (f32, f32),
    self_collision: bool,
    backend: &Backend,
    seconds: f32,
) -> (f32, f32) {
    let (mut scene, params) = driven(file, true, gains.0, gains.1);
    assert!(
        scene
            .colliders()
            .iter()
            .all(|c| matches!(c.shape, Shape::Hull { .. })),
        "{file} collides through its meshes"
    );
    if !self_collision {
        scene = without_self_collision(&scene);
    }
    let q = pose_q(&scene, Pose::IDENTITY, angles);
    scene.set_initial_joint_positions(&q).unwrap();
    let last = scene.body_index(last).unwrap();
    let controls = hold(&scene, &q, 1);
    let mut sim = sim_of(scene, params, 1, backend);
    sim.set_controls(&controls).unwrap();
    let start = point_on(&mut sim, last, tip);
    let mut settled = None;
    let (mut worst, mut drift) = (0.0f32, 0.0f32);
    let chunk = 0.25;
    for k in 1..=(seconds / chunk).round() as usize {
        common::run_for(&mut sim, chunk);
        let now = point_on(&mut sim, last, tip);
        worst = worst.max(now.distance(start));
        if k as f32 * chunk >= 1.0 {
            let at = *settled.get_or_insert(now);
            drift = drift.max(now.distance(at));
        }
    }
    assert!(
        sim.max_joint_separation().unwrap() < 1e-3,
        "{file}: joints parted"
    );
    (worst, drift)
}

/// Whether `backend` is the GPU: there lavapipe, the software GPU the tests meet most, takes
/// minutes to compile each scene's shaders, so one robot of each test runs there, briefly.
fn on_gpu(backend: &Backend) -> bool {
    matches!(backend, Backend::Gpu(_))
}

#[test]
fn panda_and_kuka_hold_their_pose_under_pd_servos() {
    // Panda's "ready" pose; KUKA bent so gravity loads every joint.
    let panda = [
        ("joint2", -0.785),
        ("joint4", -2.356),
        ("joint6", 1.571),
        ("joint7", 0.785),
        ("finger_joint1", 0.02),
        ("finger_joint2", 0.02),
    ];
    let kuka = [("joint_2", 0.6), ("joint_4", -1.2), ("joint_6", 0.8)];
    for backend in backends("panda_and_kuka_hold_their_pose_under_pd_servos") {
        let b = name(&backend);
        let seconds = if on_gpu(&backend) { 2.0 } else { 10.0 };
        // On the GPU without self-collision: two 64-vertex hulls of neighbouring links
        // within the contact margin exceed llvmpipe's loop limit (README, convex hulls).
        let self_collision = !on_gpu(&backend);
        for (file, angles, last, tip, gpu) in [
            (
                "franka_panda/panda.urdf",
                &panda[..],
                "panda_link7",
                Vec3::new(0.0, 0.0, 0.2),
                true,
            ),
            (
                "kuka_iiwa/model.urdf",
                &kuka[..],
                "lbr_iiwa_link_7",
                Vec3::new(0.0, 0.0, 0.1),
                false,
            ),
        ] {
            if on_gpu(&backend) && !gpu {
                continue;
            }
            let (worst, drift) = arm_hold(
                file,
                angles,
                last,
                tip,
                (4000.0, 100.0),
                self_collision,
                &backend,
                seconds,
            );
            println!("{b} {file}: sagged {worst:.6} m, drift after 1 s {drift:.6} m");
            // The servos' static error under the arm's weight, then no drift at all.
            assert!(worst < 0.02, "{b} {file}: the tip moved {worst} m");
            assert!(drift < 1e-3, "{b} {file}: the tip drifted {drift} m");
        }
    }
}

/// A legged robot on a free base, turned by `up` (its file's frame to the world's), its legs
/// at `angles`, its feet 5 mm above a ground plane, its servos holding the pose: the base's
/// height after `settle` seconds, its lowest and highest over the `seconds` after, how
/// far its up axis tilted at most, and the bodies touching the ground at the end. Its links
/// do not collide with each other (pybullet's default for a URDF; Laikago's 48 V-HACD
/// chassis pieces against its legs would cost some 2000 hull pairs a substep).
#[allow(clippy::too_many_arguments)]
fn stand(
    file: &str,
    up: Quat,
    angles: &[(&str, f32)],
    gains: (f32, f32),
    backend: &Backend,
    settle: f32,
    seconds: f32,
) -> Standing {
    let (scene, params) = driven(file, false, gains.0, gains.1);
    let mut scene = without_self_collision(&with_ground(&scene));
    let q = pose_q(&scene, Pose::new(Vec3::ZERO, up), angles);
    scene.set_initial_joint_positions(&q).unwrap();
    let lift = 0.005 - lowest_point(&scene);
    let q = pose_q(&scene, Pose::new(Vec3::new(0.0, 0.0, lift), up), angles);
    scene.set_initial_joint_positions(&q).unwrap();
    let base = scene.root_body().unwrap();
    let controls = hold(&scene, &q, 1);
    let mut sim = sim_of(scene, params, 1, backend);
    sim.set_controls(&controls).unwrap();
    common::run_for(&mut sim, settle);
    let start = common::pose(&mut sim, 0, base).position.z;
    let (mut low, mut high, mut tilt) = (start, start, 0.0f32);
    let chunk = 0.1;
    for _ in 0..(seconds / chunk).round() as usize {
        common::run_for(&mut sim, chunk);
        let pose = common::pose(&mut sim, 0, base);
        low = low.min(pose.position.z);
        high = high.max(pose.position.z);
        tilt = tilt.max((pose.orientation * up.conjugate() * Vec3::Z).angle_between(Vec3::Z));
    }
    let ground = sim.scene().body_index("ground").unwrap();
    let mut feet: Vec<String> = Vec::new();
    for contact in sim.contacts(0).unwrap() {
        if contact.body_a == ground {
            feet.push(sim.scene().bodies()[contact.body_b].name.clone());
        }
    }
    feet.sort();
    feet.dedup();
    Standing {
        start,
        low,
        high,
        tilt,
        feet,
    }
}

/// What [`stand`] measured.
#[derive(Debug)]
struct Standing {
    start: f32,
    low: f32,
    high: f32,
    tilt: f32,
    feet: Vec<String>,
}

/// `scene` with no two of its dynamic bodies colliding (pybullet's default for a URDF).
fn without_self_collision(scene: &Scene) -> Scene {
    let mut data = scene.to_data();
    let robot: Vec<usize> = (0..scene.body_count())
        .filter(|&b| scene.bodies()[b].is_dynamic())
        .collect();
    for (k, &a) in robot.iter().enumerate() {
        data.collision_exclusions
            .extend(robot[k + 1..].iter().map(|&b| (a, b)));
    }
    Scene::from_data(data).expect("valid")
}

#[test]
fn a1_aliengo_and_laikago_stand_on_their_feet_under_pd_servos() {
    // A1 and Aliengo crouched as their controllers stand them (thigh 0.9, calf −1.8 rad:
    // their calves' ranges exclude 0; their feet are spheres); Laikago's file has y up, its
    // legs (hull feet) at pybullet's standing offsets (upper −0.7, lower 0.7 rad).
    let a1 = [("upper_joint", 0.9), ("lower_joint", -1.8)];
    let laikago = [
        ("upper_leg_2_hip_motor_joint", -0.7),
        ("lower_leg_2_upper_leg_joint", 0.7),
    ];
    let y_up = Quat::from_rotation_x(std::f32::consts::FRAC_PI_2);
    for backend in backends("a1_aliengo_and_laikago_stand_on_their_feet_under_pd_servos") {
        let b = name(&backend);
        let (settle, seconds) = if on_gpu(&backend) {
            (1.0, 1.0)
        } else {
            (2.0, 8.0)
        };
        for (file, up, angles, feet, least, gpu) in [
            ("a1/a1.urdf", Quat::IDENTITY, &a1[..], "_lower", 0.2, false),
            (
                "aliengo/aliengo.urdf",
                Quat::IDENTITY,
                &a1[..],
                "_lower",
                0.25,
                false,
            ),
            (
                "laikago/laikago.urdf",
                y_up,
                &laikago[..],
                "_lower_leg",
                0.4,
                true,
            ),
        ] {
            if on_gpu(&backend) && !gpu {
                continue;
            }
            let s = stand(file, up, angles, (300.0, 5.0), &backend, settle, seconds);
            println!("{b} {file}: {s:?}");
            assert!(
                s.start > least,
                "{b} {file}: the base sank to {} m",
                s.start
            );
            assert!(
                s.high - s.low < 0.01,
                "{b} {file}: the base moved between {} and {} m",
                s.low,
                s.high
            );
            assert!(s.tilt < 0.05, "{b} {file}: tilted {} rad", s.tilt);
            // On its four feet, and on nothing else.
            assert_eq!(s.feet.len(), 4, "{b} {file}: touching with {:?}", s.feet);
            assert!(
                s.feet.iter().all(|f| f.ends_with(feet)),
                "{b} {file}: {:?}",
                s.feet
            );
        }
    }
}
