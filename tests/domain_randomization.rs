//! Domain randomization: every world draws its own physical parameters and initial state, and
//! behaves as physics says a world with those values must. Draws are keyed by (seed, world,
//! episode), so they do not depend on the batch size or the backend.

mod common;
use common::*;
use manyworlds::{
    Axis, Backend, BodyDesc, ColliderDesc, Distribution, JointDesc, MassProperties, MassSpec, Mat3,
    Mode, Pushes, Quat, Randomization, Rule, Shape, Sim, SimOptions, StepParams, Target, Vec3,
};

const G: f32 = 9.81;

fn randomized(
    bodies: Vec<BodyDesc>,
    params: StepParams,
    worlds: usize,
    backend: &Backend,
    randomization: Randomization,
) -> Sim {
    let options = SimOptions {
        randomization,
        seed: 7,
        ..options(backend)
    };
    Sim::new(build(bodies), params, worlds, &options).expect("valid randomized simulation")
}

fn uniform(low: f32, high: f32) -> Distribution {
    Distribution::Uniform { low, high }
}

fn rules(rules: Vec<Rule>) -> Randomization {
    Randomization {
        rules,
        pushes: None,
    }
}

#[test]
fn each_world_slides_or_holds_on_an_incline_as_its_own_friction_says() {
    // tan θ = 0.5. The ground's μ is 1, so a contact's μ = sqrt(μ_box · 1) (geometric mean):
    // μ_box drawn in [0.09, 0.49] gives μ in [0.3, 0.7] around the threshold 0.5.
    for backend in backends("each_world_slides_or_holds_on_an_incline_as_its_own_friction_says") {
        let b = name(&backend);
        let theta = 0.5f32.atan();
        let tilt = Quat::from_rotation_x(theta);
        let down = -(tilt * Vec3::Y);
        let cube = BodyDesc::dynamic("cube")
            .at(tilt * Vec3::Z * 0.2)
            .oriented(tilt)
            .collider(ColliderDesc::new(Shape::cuboid(Vec3::splat(0.2))));
        let worlds = 24;
        let rule = Rule::new(Target::Friction, uniform(0.09, 0.49), Mode::Absolute).named("cube");
        let mut sim = randomized(
            vec![incline(theta, 1.0), cube],
            StepParams::default(),
            worlds,
            &backend,
            rules(vec![rule]),
        );
        run_for(&mut sim, 0.2);
        let start: Vec<(Vec3, f32)> = (0..worlds)
            .map(|w| {
                (
                    pose(&mut sim, w, 1).position,
                    velocity(&mut sim, w, 1).dot(down),
                )
            })
            .collect();
        run_for(&mut sim, 1.0);
        let (mut held, mut slid) = (0, 0);
        for (w, &(p0, v0)) in start.iter().enumerate() {
            let mu = sim.world_parameters(w).unwrap().colliders[1]
                .material
                .friction
                .sqrt();
            let moved = (pose(&mut sim, w, 1).position - p0).dot(down);
            let dv = velocity(&mut sim, w, 1).dot(down) - v0;
            if mu > 0.52 {
                held += 1;
                assert!(
                    moved.abs() < 1e-3,
                    "{b}: world {w}, μ = {mu}: slid {moved} m"
                );
            } else if mu < 0.48 {
                slid += 1;
                let expected = G * (theta.sin() - mu * theta.cos());
                assert!(
                    (dv - expected).abs() <= 0.05 * expected + 0.01,
                    "{b}: world {w}, μ = {mu}: a = {dv}, Coulomb predicts {expected}"
                );
            }
        }
        assert!(
            held >= 3 && slid >= 3,
            "{b}: draws too one-sided: {held} held, {slid} slid"
        );
    }
}

#[test]
fn each_world_falls_with_its_own_gravity() {
    for backend in backends("each_world_falls_with_its_own_gravity") {
        let b = name(&backend);
        let ball = BodyDesc::dynamic("ball")
            .at(Vec3::new(0.0, 0.0, 10.0))
            .collider(ColliderDesc::new(Shape::sphere(0.1)));
        let rule = Rule::new(
            Target::Gravity { axis: Axis::Z },
            uniform(-12.0, -6.0),
            Mode::Absolute,
        );
        let worlds = 16;
        let mut sim = randomized(
            vec![ball],
            StepParams::default(),
            worlds,
            &backend,
            rules(vec![rule]),
        );
        run_for(&mut sim, 1.0);
        let mut gravities = Vec::new();
        for w in 0..worlds {
            let g = sim.world_draw(w).unwrap().parameters.gravity.z;
            let z = pose(&mut sim, w, 0).position.z;
            let expected = 10.0 + 0.5 * g;
            assert!(
                (z - expected).abs() < 2e-3,
                "{b}: world {w}, g = {g}: z = {z}, expected {expected}"
            );
            gravities.push(g);
        }
        let spread = gravities.iter().fold(f32::MIN, |a, &g| a.max(g))
            - gravities.iter().fold(f32::MAX, |a, &g| a.min(g));
        assert!(spread > 3.0, "{b}: gravities barely differ: {gravities:?}");
    }
}

#[test]
fn a_scaled_box_rests_at_its_own_height_with_the_mass_of_its_size() {
    for backend in backends("a_scaled_box_rests_at_its_own_height_with_the_mass_of_its_size") {
        let b = name(&backend);
        let half = 0.2;
        let cube = BodyDesc::dynamic("cube")
            .at(Vec3::new(0.0, 0.0, 0.5))
            .collider(ColliderDesc::new(Shape::cuboid(Vec3::splat(half))).density(1000.0));
        let rule = Rule::new(Target::Size, uniform(0.5, 1.5), Mode::Scale).named("cube");
        let worlds = 8;
        let mut sim = randomized(
            vec![ground(0.6, 0.0), cube],
            StepParams::default(),
            worlds,
            &backend,
            rules(vec![rule]),
        );
        run_for(&mut sim, 1.5);
        for w in 0..worlds {
            let s = sim.world_draw(w).unwrap().values[0];
            let p = sim.world_parameters(w).unwrap();
            let mass = p.bodies[1].mass;
            let expected_mass = 1000.0 * (2.0 * half * s).powi(3);
            assert!(
                (mass - expected_mass).abs() < 1e-3 * expected_mass,
                "{b}: world {w}, scale {s}: mass {mass}, expected {expected_mass}"
            );
            let z = pose(&mut sim, w, 1).position.z;
            assert!(
                (z - half * s).abs() < 5e-3,
                "{b}: world {w}, scale {s}: rests at {z}, expected {}",
                half * s
            );
        }
        // Penetration is measured with each world's own size: a nominal cube where a small
        // one rests would sit up to half its size deep.
        let penetration = sim.plausibility().unwrap().max_penetration;
        assert!(penetration < 5e-3, "{b}: penetration {penetration} m");
    }
}

#[test]
fn a_push_changes_velocity_by_impulse_over_the_drawn_mass() {
    for backend in backends("a_push_changes_velocity_by_impulse_over_the_drawn_mass") {
        let b = name(&backend);
        let puck = BodyDesc::dynamic("puck").collider(ColliderDesc::new(Shape::sphere(0.1)));
        let randomization = Randomization {
            rules: vec![Rule::new(Target::Mass, uniform(0.5, 2.0), Mode::Scale)],
            pushes: Some(Pushes {
                body: None,
                interval: 5,
                impulse: Distribution::Choice { values: vec![0.3] },
            }),
        };
        let params = StepParams {
            gravity: Vec3::ZERO,
            ..StepParams::default()
        };
        let worlds = 6;
        let mut sim = randomized(vec![puck], params, worlds, &backend, randomization);
        sim.step_n(4).unwrap();
        for w in 0..worlds {
            assert_eq!(
                velocity(&mut sim, w, 0),
                Vec3::ZERO,
                "{b}: pushed too early"
            );
        }
        sim.step().unwrap();
        for w in 0..worlds {
            let m = sim.world_parameters(w).unwrap().bodies[0].mass;
            let v = velocity(&mut sim, w, 0);
            let expected = 0.3 / m;
            assert!(
                (v.x - expected).abs() < 1e-5 && (v.y - expected).abs() < 1e-5 && v.z == 0.0,
                "{b}: world {w}, m = {m}: v = {v}, expected {expected} in x and y"
            );
        }
    }
}

#[test]
fn initial_joint_noise_reads_back_and_keeps_the_joints_together() {
    for backend in backends("initial_joint_noise_reads_back_and_keeps_the_joints_together") {
        let b = name(&backend);
        let ant = manyworlds::scenes::builtin("ant").unwrap();
        let randomization = rules(vec![
            Rule::new(Target::JointPosition, uniform(-0.1, 0.1), Mode::Offset),
            Rule::new(Target::JointVelocity, uniform(-0.5, 0.5), Mode::Offset),
            Rule::new(
                Target::RootPosition { axis: Axis::X },
                uniform(-1.0, 1.0),
                Mode::Offset,
            ),
            Rule::new(Target::RootYaw, uniform(-3.0, 3.0), Mode::Offset),
        ]);
        let worlds = 4;
        let options = SimOptions {
            randomization,
            seed: 3,
            ..options(&backend)
        };
        let mut sim = Sim::new(ant.scene.clone(), ant.params, worlds, &options).unwrap();
        let (nq, nv) = (
            sim.scene().joint_position_count(),
            sim.scene().joint_velocity_count(),
        );
        let mut q = vec![0.0; worlds * nq];
        let mut qd = vec![0.0; worlds * nv];
        sim.joint_positions(&mut q).unwrap();
        sim.joint_velocities(&mut qd).unwrap();
        let nominal = &ant.scene;
        let mut q0 = vec![0.0; nq];
        let start = manyworlds::initial_state::BodyStates {
            positions: nominal.bodies().iter().map(|b| b.pose.position).collect(),
            orientations: nominal
                .bodies()
                .iter()
                .map(|b| b.pose.orientation)
                .collect(),
            linear_velocities: vec![Vec3::ZERO; nominal.body_count()],
            angular_velocities: vec![Vec3::ZERO; nominal.body_count()],
            joint_angles: Vec::new(),
        };
        manyworlds::joint_positions(nominal, &start.view(&nominal.centers_of_mass()), &mut q0);
        for w in 0..worlds {
            let draw = sim.world_draw(w).unwrap().clone();
            for (k, joint) in nominal.joints().iter().enumerate() {
                if joint.kind.is_single_axis() {
                    let (at, vt) = (joint.position_offset, joint.velocity_offset);
                    let dq = q[w * nq + at] - q0[at];
                    assert!(
                        (dq - draw.joint_position_offsets[at]).abs() < 1e-4,
                        "{b}: world {w}, joint {k}: q moved {dq}, drawn {}",
                        draw.joint_position_offsets[at]
                    );
                    assert!(
                        (qd[w * nv + vt] - draw.joint_velocity_offsets[vt]).abs() < 1e-4,
                        "{b}: world {w}, joint {k}: q̇ {}, drawn {}",
                        qd[w * nv + vt],
                        draw.joint_velocity_offsets[vt]
                    );
                }
            }
            let root_x = q[w * nq];
            assert!(
                (root_x - q0[0] - draw.root_offset.x).abs() < 1e-5,
                "{b}: root x {root_x}"
            );
        }
        assert!(
            sim.max_joint_separation().unwrap() < 1e-5,
            "{b}: joints apart at the start"
        );
        sim.step_n(20).unwrap();
        assert!(sim.non_finite_worlds().is_empty(), "{b}");
    }
}

/// The root's origin velocity (a free joint's q̇[0..3]) of every world, and the root origins.
fn root_origins_and_velocities(sim: &mut Sim) -> (Vec<Vec3>, Vec<Vec3>, Vec<Vec3>) {
    let worlds = sim.world_count();
    let nv = sim.scene().joint_velocity_count();
    let (mut poses, mut velocities) = (vec![0.0; worlds * 7], vec![0.0; worlds * 6]);
    let mut qd = vec![0.0; worlds * nv];
    sim.root_poses(&mut poses).unwrap();
    sim.root_velocities(&mut velocities).unwrap();
    sim.joint_velocities(&mut qd).unwrap();
    let origins = poses
        .chunks(7)
        .map(|p| Vec3::new(p[0], p[1], p[2]))
        .collect();
    let root = velocities
        .chunks(6)
        .map(|v| Vec3::new(v[0], v[1], v[2]))
        .collect();
    let free = qd.chunks(nv).map(|v| Vec3::new(v[0], v[1], v[2])).collect();
    (origins, root, free)
}

#[test]
fn root_velocities_are_of_the_origin_whatever_the_drawn_centre_of_mass() {
    // A body on a free joint, without gravity or colliders, spinning about its z axis (a
    // principal axis: the spin stays), its centre of mass drawn 8–12 cm off in x and y. The origin's
    // velocity read back is the drawn one at the start and the central difference of the
    // origin's circling path after; about the nominal centre it would be off by
    // |ω × Δc| ≥ 2 · 0.08 √2 ≈ 0.23 m/s.
    let mut builder = manyworlds::SceneBuilder::new();
    let body = builder.add_body(BodyDesc::dynamic("body").at(Vec3::new(0.0, 0.0, 1.0)).mass(
        MassSpec::Explicit(MassProperties {
            mass: 2.0,
            center_of_mass: Vec3::ZERO,
            inertia: Mat3::from_diagonal(Vec3::new(0.1, 0.2, 0.3)),
        }),
    ));
    builder.add_joint(None, body, JointDesc::free("root"));
    let scene = builder.build().unwrap();
    let offset = |axis| {
        Rule::new(
            Target::CenterOfMass { axis },
            uniform(0.08, 0.12),
            Mode::Offset,
        )
    };
    let randomization = rules(vec![
        offset(Axis::X),
        offset(Axis::Y),
        Rule::new(
            Target::RootAngularVelocity { axis: Axis::Z },
            uniform(2.0, 3.0),
            Mode::Offset,
        ),
        Rule::new(
            Target::RootVelocity { axis: Axis::X },
            uniform(-0.5, 0.5),
            Mode::Offset,
        ),
    ]);
    let params = StepParams {
        gravity: Vec3::ZERO,
        ..StepParams::default()
    };
    let worlds = 4;
    for backend in backends("root_velocities_are_of_the_origin_whatever_the_drawn_centre_of_mass") {
        let b = name(&backend);
        let options = SimOptions {
            randomization: randomization.clone(),
            seed: 5,
            ..options(&backend)
        };
        let mut sim = Sim::new(scene.clone(), params, worlds, &options).unwrap();
        for w in 0..worlds {
            let moved = sim.world_parameters(w).unwrap().bodies[body].center_of_mass;
            assert!(
                moved.x >= 0.08 && moved.y >= 0.08,
                "{b}: world {w}: moved {moved}"
            );
        }
        let (_, root, free) = root_origins_and_velocities(&mut sim);
        for w in 0..worlds {
            let drawn = sim.world_draw(w).unwrap().root_velocity;
            for (what, v) in [("root velocity", root[w]), ("free joint q̇", free[w])] {
                assert!(
                    (v - drawn).length() < 1e-5,
                    "{b}: world {w}: {what} {v} at the start, drawn {drawn}"
                );
            }
        }
        let (mut before, _, _) = root_origins_and_velocities(&mut sim);
        sim.step().unwrap();
        for step in 1..20 {
            let (now, root, free) = root_origins_and_velocities(&mut sim);
            sim.step().unwrap();
            let (after, _, _) = root_origins_and_velocities(&mut sim);
            for w in 0..worlds {
                let path = (after[w] - before[w]) / (2.0 * params.dt);
                for (what, v) in [("root velocity", root[w]), ("free joint q̇", free[w])] {
                    assert!(
                        (v - path).length() < 1e-3,
                        "{b}: step {step}, world {w}: {what} {v}, the origin moves at {path}"
                    );
                }
            }
            before = now;
        }
    }
}

#[test]
fn draws_do_not_depend_on_the_batch_size_or_the_backend() {
    let ant = manyworlds::scenes::builtin("ant").unwrap();
    let randomization = rules(vec![
        Rule::new(
            Target::Mass,
            Distribution::LogUniform {
                low: 0.5,
                high: 2.0,
            },
            Mode::Scale,
        ),
        Rule::new(
            Target::JointDamping,
            Distribution::Normal {
                mean: 1.0,
                std: 0.3,
                low: 0.2,
                high: 2.0,
            },
            Mode::Scale,
        ),
        Rule::new(Target::ActuatorGear, uniform(0.8, 1.2), Mode::Scale),
        Rule::new(Target::JointPosition, uniform(-0.1, 0.1), Mode::Offset),
    ]);
    let make = |worlds: usize, backend: &Backend| {
        let options = SimOptions {
            randomization: randomization.clone(),
            seed: 11,
            ..options(backend)
        };
        Sim::new(ant.scene.clone(), ant.params, worlds, &options).unwrap()
    };
    let mut small = make(3, &Backend::Cpu);
    let mut large = make(9, &Backend::Cpu);
    for w in 0..3 {
        assert_eq!(small.world_draw(w).unwrap(), large.world_draw(w).unwrap());
    }
    assert_ne!(small.world_draw(0).unwrap(), small.world_draw(1).unwrap());
    let controls = |worlds: usize| -> Vec<f32> {
        (0..worlds * 8)
            .map(|k| ((k % 8) as f32 * 0.7).sin())
            .collect()
    };
    small.set_controls(&controls(3)).unwrap();
    large.set_controls(&controls(9)).unwrap();
    small.step_n(50).unwrap();
    large.step_n(50).unwrap();
    let stride = small.stride();
    let (a, b) = (snapshot(&mut small), snapshot(&mut large));
    for w in 0..3 {
        assert_eq!(
            a.world_bits(w, stride),
            b.world_bits(w, stride),
            "world {w}"
        );
    }
    for backend in backends("draws_do_not_depend_on_the_batch_size_or_the_backend") {
        if matches!(backend, Backend::Gpu(_)) {
            let gpu = make(3, &backend);
            for w in 0..3 {
                assert_eq!(
                    gpu.world_parameters(w).unwrap(),
                    small.world_parameters(w).unwrap(),
                    "world {w}: the GPU steps other parameters than the CPU"
                );
            }
        }
    }
}

#[test]
fn a_reset_draws_a_new_episode_and_leaves_the_other_worlds_alone() {
    for backend in backends("a_reset_draws_a_new_episode_and_leaves_the_other_worlds_alone") {
        let b = name(&backend);
        let ant = manyworlds::scenes::builtin("ant").unwrap();
        let randomization = rules(vec![
            Rule::new(Target::Mass, uniform(0.8, 1.2), Mode::Scale),
            Rule::new(Target::JointPosition, uniform(-0.2, 0.2), Mode::Offset),
        ]);
        let options = SimOptions {
            randomization,
            ..options(&backend)
        };
        let worlds = 4;
        let mut reference = Sim::new(ant.scene.clone(), ant.params, worlds, &options).unwrap();
        let mut sim = Sim::new(ant.scene.clone(), ant.params, worlds, &options).unwrap();
        reference.step_n(30).unwrap();
        sim.step_n(10).unwrap();
        let first = sim.world_draw(2).unwrap().clone();
        sim.reset(&[2]).unwrap();
        assert_eq!(sim.episode(2).unwrap(), (1, 0), "{b}");
        assert_eq!(sim.episode(1).unwrap(), (0, 10), "{b}");
        assert_ne!(
            sim.world_draw(2).unwrap(),
            &first,
            "{b}: the new episode drew the same"
        );
        sim.step_n(20).unwrap();
        let stride = sim.stride();
        let (a, r) = (snapshot(&mut sim), snapshot(&mut reference));
        for w in [0, 1, 3] {
            assert_eq!(
                a.world_bits(w, stride),
                r.world_bits(w, stride),
                "{b}: world {w} disturbed"
            );
        }
        assert_ne!(
            a.world_bits(2, stride),
            r.world_bits(2, stride),
            "{b}: world 2 not reset"
        );
        assert!(sim.reset(&[0, 4]).is_err(), "{b}: world 4 of 4 accepted");
        assert_eq!(
            sim.episode(0).unwrap(),
            (0, 30),
            "{b}: a refused reset changed world 0"
        );
    }
}

#[test]
fn a_world_that_turns_non_finite_is_reset_without_touching_the_others() {
    for backend in backends("a_world_that_turns_non_finite_is_reset_without_touching_the_others") {
        let b = name(&backend);
        let ant = manyworlds::scenes::builtin("ant").unwrap();
        let options = SimOptions {
            reset_non_finite: true,
            ..options(&backend)
        };
        let worlds = 3;
        let mut reference = Sim::new(ant.scene.clone(), ant.params, worlds, &options).unwrap();
        let mut sim = Sim::new(ant.scene.clone(), ant.params, worlds, &options).unwrap();
        reference.step_n(5).unwrap();
        sim.step_n(5).unwrap();
        let mut v = sim.linear_velocities().unwrap().to_vec();
        v[sim.stride() + 2] = Vec3::new(f32::NAN, 0.0, 0.0);
        sim.set_linear_velocities(&v).unwrap();
        reference.step().unwrap();
        sim.step().unwrap();
        let fault = manyworlds::Fault {
            world: 1,
            body: Some(2),
        };
        assert_eq!(sim.last_faults(), &[fault], "{b}: which world, which body");
        assert_eq!(sim.episode(1).unwrap(), (1, 0), "{b}");
        let stride = sim.stride();
        let (a, r) = (snapshot(&mut sim), snapshot(&mut reference));
        for w in [0, 2] {
            assert_eq!(
                a.world_bits(w, stride),
                r.world_bits(w, stride),
                "{b}: world {w} disturbed"
            );
        }
        let fresh = Sim::new(ant.scene.clone(), ant.params, worlds, &options)
            .map(|mut s| snapshot(&mut s))
            .unwrap();
        assert_eq!(
            a.world_bits(1, stride),
            fresh.world_bits(1, stride),
            "{b}: world 1 not reset"
        );
        sim.step_n(5).unwrap();
        assert!(
            sim.non_finite_worlds().is_empty() && sim.last_faults().is_empty(),
            "{b}"
        );
    }
}

#[test]
fn randomizations_that_do_not_fit_the_scene_are_refused_with_what_is_wrong() {
    let ant = manyworlds::scenes::builtin("ant").unwrap();
    let refuse = |rule: Rule| -> String {
        let options = SimOptions {
            randomization: rules(vec![rule]),
            backend: Backend::Cpu,
            ..SimOptions::default()
        };
        match Sim::new(ant.scene.clone(), ant.params, 2, &options) {
            Ok(_) => panic!("accepted"),
            Err(e) => e.to_string(),
        }
    };
    let e = refuse(Rule::new(Target::Mass, uniform(0.5, 2.0), Mode::Scale).named("tail"));
    assert!(e.contains("no body named \"tail\""), "{e}");
    let e = refuse(Rule::new(Target::Mass, uniform(-0.5, 2.0), Mode::Scale));
    assert!(e.contains("-0.5") && e.contains("legal"), "{e}");
    let e = refuse(Rule::new(
        Target::ActuatorKp,
        uniform(1.0, 2.0),
        Mode::Scale,
    ));
    assert!(e.contains("actuator"), "{e}");
    let e = refuse(Rule::new(
        Target::ActuatorGear,
        uniform(-1.0, 1.0),
        Mode::Scale,
    ));
    assert!(e.contains("gear") && e.contains("zero"), "{e}");
    let e = refuse(Rule::new(
        Target::Friction,
        uniform(2.0, 1.0),
        Mode::Absolute,
    ));
    assert!(e.contains("low ≤ high"), "{e}");
}
