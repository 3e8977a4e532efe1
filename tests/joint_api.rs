//! The joint and actuator API: bad input is a named error, controls are checked, joint
//! positions read back what was set, motors report (and apply) their clamped control, and a
//! world's bits do not depend on the batch size.

mod common;
use common::*;
use manyworlds::scenes::builtin;
use manyworlds::{
    Actuator, BatchError, BodyDesc, ColliderDesc, JointDesc, Pose, Quat, Scene, SceneBuilder,
    SceneError, Shape, SimError, StepParams, Vec3,
};

fn block(name: &str) -> BodyDesc {
    BodyDesc::dynamic(name).collider(ColliderDesc::new(Shape::cuboid(Vec3::splat(0.1))))
}

/// A 1 m × 0.1 m × 0.1 m beam of 10 kg whose body origin is at one end, the beam along +x.
fn beam() -> BodyDesc {
    BodyDesc::dynamic("beam").collider(
        ColliderDesc::new(Shape::cuboid(Vec3::new(0.5, 0.05, 0.05)))
            .at(Pose::from_position(Vec3::new(0.5, 0.0, 0.0)))
            .density(1000.0),
    )
}

/// Builds, expecting a refusal.
fn refused(builder: SceneBuilder) -> SceneError {
    builder.build().expect_err("the scene must be refused")
}

#[test]
fn bad_joints_and_actuators_are_named_errors() {
    // A joint to a missing child body names the joint and the index.
    let mut builder = SceneBuilder::new();
    let base = builder.add_body(block("base"));
    builder.add_joint(Some(base), 7, JointDesc::revolute("elbow", Vec3::Y));
    let err = refused(builder);
    assert_eq!(
        err,
        SceneError::MissingReference {
            element: "joint 0 \"elbow\"".to_owned(),
            what: "body",
            index: 7,
            count: 1,
        },
        "got {err}"
    );
    let message = err.to_string();
    assert!(
        message.contains("\"elbow\"") && message.contains("body 7"),
        "message: {message}"
    );

    // And a missing parent body.
    let mut builder = SceneBuilder::new();
    let arm = builder.add_body(block("arm"));
    builder.add_joint(None, arm, JointDesc::revolute("shoulder", Vec3::Z));
    builder.add_joint(Some(12), arm, JointDesc::spherical("wrist"));
    let err = refused(builder);
    assert!(
        matches!(&err, SceneError::MissingReference { element, what: "body", index: 12, count: 1 }
            if element == "joint 1 \"wrist\""),
        "got {err:?}"
    );

    // Limits with lower > upper.
    let mut builder = SceneBuilder::new();
    builder.add_link(
        None,
        Pose::IDENTITY,
        block("link"),
        JointDesc::revolute("knee", Vec3::Y).limits(1.0, -1.0),
    );
    let err = refused(builder);
    assert!(
        matches!(&err, SceneError::Invalid { element, problem }
            if element == "joint 0 \"knee\"" && problem.contains("lower limit 1 is above upper limit -1")),
        "got {err:?}"
    );

    // An actuator on a spherical joint.
    let mut builder = SceneBuilder::new();
    let ball = builder.add_link(
        None,
        Pose::IDENTITY,
        block("link"),
        JointDesc::spherical("hip"),
    );
    builder.add_actuator(Actuator::motor("twist", ball.joint, 1.0));
    let err = refused(builder);
    assert!(
        matches!(&err, SceneError::Invalid { element, problem }
            if element == "actuator 0 \"twist\"" && problem.contains("spherical")
                && problem.contains("\"hip\"")),
        "got {err:?}"
    );

    // An actuator on a joint that does not exist.
    let mut builder = SceneBuilder::new();
    builder.add_link(
        None,
        Pose::IDENTITY,
        block("link"),
        JointDesc::revolute("hinge", Vec3::Y),
    );
    builder.add_actuator(Actuator::velocity("spin", 3, 1.0));
    let err = refused(builder);
    assert!(
        matches!(&err, SceneError::MissingReference { element, what: "joint", index: 3, count: 1 }
            if element == "actuator 0 \"spin\""),
        "got {err:?}"
    );

    // A second servo on one joint; a motor next to a servo is fine.
    let servo_pair = |second: Actuator| {
        let mut builder = SceneBuilder::new();
        let link = builder.add_link(
            None,
            Pose::IDENTITY,
            block("link"),
            JointDesc::revolute("hinge", Vec3::Y),
        );
        builder.add_actuator(Actuator::position("hold", link.joint, 10.0, 1.0));
        builder.add_actuator(Actuator {
            joint: link.joint,
            ..second
        });
        builder.build()
    };
    let err = servo_pair(Actuator::velocity("second", 0, 2.0)).expect_err("two servos");
    assert!(
        matches!(&err, SceneError::Invalid { element, problem }
            if element == "actuator 1 \"second\"" && problem.contains("already has servo actuator 0")),
        "got {err:?}"
    );
    servo_pair(Actuator::motor("push", 0, 1.0)).expect("a motor and a servo on one joint");

    // Armature on a spherical joint.
    let mut builder = SceneBuilder::new();
    builder.add_link(
        None,
        Pose::IDENTITY,
        block("link"),
        JointDesc::spherical("shoulder").armature(0.1),
    );
    let err = refused(builder);
    assert!(
        matches!(&err, SceneError::Invalid { element, problem }
            if element == "joint 0 \"shoulder\"" && problem.contains("armature")
                && problem.contains("spherical")),
        "got {err:?}"
    );
}

/// A beam on a vertical hinge (no gravity torque) with a motor of gear 2 and control range
/// [−1, 1].
fn motor_beam() -> (Scene, f32) {
    let mut builder = SceneBuilder::new();
    let link = builder.add_link(
        None,
        Pose::from_position(Vec3::new(0.0, 0.0, 1.0)),
        beam(),
        JointDesc::revolute("hinge", Vec3::Z),
    );
    builder.add_actuator(Actuator::motor("torque", link.joint, 2.0).control_range(-1.0, 1.0));
    let scene = builder.build().expect("valid scene");
    // The beam's inertia about the hinge: about its centre of mass plus m d².
    let body = &scene.bodies()[link.body];
    let d = body.mass.center_of_mass;
    let inertia = body.mass.inertia.z_axis.z + body.mass.mass * (d.x * d.x + d.y * d.y);
    (scene, inertia)
}

#[test]
fn bad_controls_are_refused_and_change_nothing() {
    for backend in backends("bad_controls_are_refused_and_change_nothing") {
        let b = name(&backend);
        let (scene, _) = motor_beam();
        let params = StepParams::default();
        let mut checked = sim_of(scene.clone(), params, 3, &backend);
        let mut reference = sim_of(scene, params, 3, &backend);
        let good = [0.25, -0.5, 0.75];
        for sim in [&mut checked, &mut reference] {
            sim.set_controls(&good).expect("valid controls");
            sim.step_n(5).expect("step");
        }
        let err = checked
            .set_controls(&[1.0, 1.0])
            .expect_err("a wrong length is refused");
        assert_eq!(
            err,
            SimError::Batch(BatchError::SliceLength {
                field: "controls",
                layout: "worlds × actuators",
                expected: 3,
                got: 2,
            }),
            "{b}: got {err}"
        );
        let err = checked
            .set_controls(&[0.9, f32::NAN, 0.9])
            .expect_err("a NaN is refused");
        assert!(
            matches!(
                err,
                SimError::Batch(BatchError::NonFiniteControl { world: 1, actuator: 0, value })
                    if value.is_nan()
            ),
            "{b}: got {err}"
        );
        checked
            .set_controls(&[0.9, 0.9, f32::INFINITY])
            .expect_err("an infinity is refused");
        for sim in [&mut checked, &mut reference] {
            sim.step_n(5).expect("step");
        }
        assert_eq!(
            checked.actuator_forces().expect("forces"),
            &good[..],
            "{b}: the refused controls were used"
        );
        let (a, r) = (snapshot(&mut checked), snapshot(&mut reference));
        for w in 0..3 {
            assert!(
                a.world_bits(w, checked.stride()) == r.world_bits(w, reference.stride()),
                "{b}: world {w} differs from a batch that never saw the refused controls"
            );
        }
    }
}

#[test]
fn motor_force_is_its_clamped_control_and_turns_the_joint() {
    for backend in backends("motor_force_is_its_clamped_control_and_turns_the_joint") {
        let b = name(&backend);
        let (scene, inertia) = motor_beam();
        let params = StepParams::default();
        let mut sim = sim_of(scene, params, 4, &backend);
        let controls = [0.5f32, 3.0, -7.0, -0.25];
        let clamped = [0.5f32, 1.0, -1.0, -0.25];
        sim.set_controls(&controls).expect("controls");
        let steps = 10;
        sim.step_n(steps).expect("step");
        assert_eq!(
            sim.actuator_forces().expect("forces"),
            &clamped[..],
            "{b}: a motor's force is its control clamped to [−1, 1]"
        );
        // The joint torque is gear × force: from rest q̇ = gear u t / I about the hinge.
        let mut qd = [0.0f32; 4];
        sim.joint_velocities(&mut qd).expect("joint velocities");
        let t = steps as f32 * params.dt;
        eprintln!(
            "{b}: motor of gear 2 on a beam of {inertia:.4} kg m² about its hinge: q̇ after \
             {t} s {qd:?}, expected {:?}",
            clamped.map(|u| 2.0 * u * t / inertia)
        );
        for w in 0..4 {
            let expected = 2.0 * clamped[w] * t / inertia;
            assert!(
                (qd[w] - expected).abs() <= 0.01 * expected.abs(),
                "{b}: world {w}: q̇ = {} rad/s after {t} s of control {} (clamped {}), \
                 expected gear·u·t/I = {expected}",
                qd[w],
                controls[w],
                clamped[w]
            );
        }
    }
}

#[test]
fn joint_positions_read_back_the_initial_configuration() {
    for backend in backends("joint_positions_read_back_the_initial_configuration") {
        let b = name(&backend);
        // A floating base; an arm on an oblique hinge; a slide along an oblique axis; a ball
        // joint; a welded block. Anchors off the body origins.
        let mut builder = SceneBuilder::new();
        let base = builder.add_link(
            None,
            Pose::from_position(Vec3::new(0.0, 0.0, 2.0)),
            block("base"),
            JointDesc::free("root"),
        );
        let arm = builder.add_link(
            Some(base.body),
            Pose::new(Vec3::new(0.3, 0.0, 0.0), Quat::from_rotation_z(0.4)),
            block("arm"),
            JointDesc::revolute("elbow", Vec3::new(1.0, 1.0, 0.0)).at(Vec3::new(-0.1, 0.0, 0.0)),
        );
        let slide = builder.add_link(
            Some(arm.body),
            Pose::from_position(Vec3::new(0.3, 0.1, 0.0)),
            block("slide"),
            JointDesc::prismatic("rail", Vec3::new(0.0, 1.0, 1.0)).at(Vec3::new(0.0, 0.0, 0.05)),
        );
        let ball = builder.add_link(
            Some(slide.body),
            Pose::from_position(Vec3::new(0.0, 0.0, -0.3)),
            block("ball"),
            JointDesc::spherical("socket").at(Vec3::new(0.0, 0.0, 0.1)),
        );
        builder.add_link(
            Some(ball.body),
            Pose::from_position(Vec3::new(0.2, 0.0, 0.0)),
            block("welded"),
            JointDesc::fixed("weld"),
        );
        let mut scene = builder.build().expect("valid scene");
        assert_eq!(scene.joint_position_count(), 7 + 1 + 1 + 4, "{b}");
        assert_eq!(scene.joint_velocity_count(), 6 + 1 + 1 + 3, "{b}");

        let root = Quat::from_axis_angle(Vec3::new(1.0, 2.0, -1.0).normalize(), 0.6);
        let socket = Quat::from_euler(manyworlds::glam::EulerRot::XYZ, 0.3, -0.5, 0.8);
        let q: Vec<f32> = [
            &[1.0, -2.0, 3.0, root.w, root.x, root.y, root.z][..],
            &[0.7],
            &[0.3],
            &[socket.w, socket.x, socket.y, socket.z],
        ]
        .concat();
        assert!(root.w > 0.0 && socket.w > 0.0);
        let err = scene
            .set_initial_joint_positions(&q[..12])
            .expect_err("a wrong length is refused");
        assert!(
            err.to_string().contains("expected 13 values, got 12"),
            "{b}: {err}"
        );
        let mut with_nan = q.clone();
        with_nan[7] = f32::NAN;
        scene
            .set_initial_joint_positions(&with_nan)
            .expect_err("a NaN is refused");
        scene
            .set_initial_joint_positions(&q)
            .expect("a valid configuration");

        let worlds = 2;
        let mut sim = sim_of(scene, StepParams::default(), worlds, &backend);
        let mut read = vec![0.0f32; worlds * q.len()];
        sim.joint_positions(&mut read).expect("joint positions");
        for w in 0..worlds {
            for (k, (&got, &want)) in read[w * q.len()..].iter().zip(&q).enumerate() {
                assert!(
                    (got - want).abs() <= 1e-5,
                    "{b}: world {w}, q[{k}] reads {got}, set {want} (all: {:?})",
                    &read[w * q.len()..(w + 1) * q.len()]
                );
            }
        }
        let mut poses = vec![0.0f32; worlds * 7];
        sim.root_poses(&mut poses).expect("root poses");
        for w in 0..worlds {
            let pose = &poses[w * 7..(w + 1) * 7];
            assert!(
                pose.iter().zip(&q[..7]).all(|(a, b)| (a - b).abs() <= 1e-6),
                "{b}: world {w}: the root pose {pose:?} is not the free joint's q {:?}",
                &q[..7]
            );
        }
        let mut qd = vec![1.0f32; worlds * 11];
        sim.joint_velocities(&mut qd).expect("joint velocities");
        assert!(
            qd.iter().all(|v| v.abs() < 1e-6),
            "{b}: at rest, q̇ = {qd:?}"
        );
    }
}

/// The control of `actuator` in `world` at `step`: a pure function of the three, uniform in
/// [−1, 1), so every batch size sees the same per-world controls.
fn control(world: usize, actuator: usize, step: usize) -> f32 {
    let key = ((step as u64) << 32) ^ ((world as u64) << 8) ^ actuator as u64;
    let bits = manyworlds::rng::splitmix64(key ^ 0xA5A5_0000_0000_0000);
    ((bits >> 11) as f64 * (2.0 / 9_007_199_254_740_992.0) - 1.0) as f32
}

#[test]
fn ant_worlds_evolve_the_same_bits_in_batches_of_4_and_64() {
    for backend in backends("ant_worlds_evolve_the_same_bits_in_batches_of_4_and_64") {
        let b = name(&backend);
        let ant = builtin("ant").expect("built-in ant");
        let actuators = ant.scene.actuators().len();
        let mut small = builtin_sim(&ant, 4, &backend);
        let mut large = builtin_sim(&ant, 64, &backend);
        for step in 0..50 {
            for sim in [&mut small, &mut large] {
                let worlds = sim.world_count();
                let controls: Vec<f32> = (0..worlds * actuators)
                    .map(|k| control(k / actuators, k % actuators, step))
                    .collect();
                sim.set_controls(&controls).expect("controls");
                sim.step().expect("step");
            }
        }
        let (s, l) = (snapshot(&mut small), snapshot(&mut large));
        let stride = small.stride();
        // The worlds really moved, and differently from one another.
        let moved = (0..stride)
            .any(|i| (s.positions[i] - ant.scene.bodies()[i].pose.position).length() > 1e-3);
        assert!(moved, "{b}: the ants did not move in 50 steps");
        assert_ne!(
            s.world_bits(0, stride),
            s.world_bits(1, stride),
            "{b}: worlds 0 and 1 got different controls but evolved identically"
        );
        for w in 0..4 {
            assert!(
                s.world_bits(w, stride) == l.world_bits(w, stride),
                "{b}: world {w} differs between a batch of 4 and one of 64"
            );
        }
        let (fs, fl) = (
            small.actuator_forces().expect("forces").to_vec(),
            large.actuator_forces().expect("forces").to_vec(),
        );
        assert_eq!(&fs[..], &fl[..4 * actuators], "{b}: actuator forces differ");
    }
}
