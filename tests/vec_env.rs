//! The vectorized environments: episode logic, autoreset, rewards against quantities read
//! back independently, refused inputs, independence of the number of envs, CPU–GPU agreement.

mod common;
use common::*;
use manyworlds::joint_space::joint_frames;
use manyworlds::rng::{splitmix64, unit_f64};
use manyworlds::scenes::cartpole::{
    CART_MASS, FORCE_GEAR, POLE_HALF_LENGTH, POLE_INERTIA, POLE_MASS,
};
use manyworlds::tasks::{
    AntForward, AntSpec, CartPoleBalance, CartPoleSpec, EnvOptions, Task, Transition,
    CART_POLE_THETA_LIMIT, CART_POLE_X_LIMIT,
};
use manyworlds::{
    glam::EulerRot, Axis, Backend, Distribution, EnvError, Mode, NonFiniteActions, Quat, Rule,
    SimOptions, StepOutput, Target, Vec3, VecEnv, WorldBodies, ROOT_POSE_SIZE, ROOT_VELOCITY_SIZE,
};

fn options(backend: Backend) -> EnvOptions {
    EnvOptions {
        sim: SimOptions {
            backend,
            ..SimOptions::default()
        },
        ..EnvOptions::default()
    }
}

fn cpu() -> EnvOptions {
    options(Backend::Cpu)
}

fn cartpole(envs: usize, spec: CartPoleSpec, options: &EnvOptions) -> CartPoleBalance {
    CartPoleBalance::new(spec, envs, options).expect("cart-pole env")
}

fn ant(envs: usize, options: &EnvOptions) -> AntForward {
    AntForward::new(AntSpec::default(), envs, options).expect("ant env")
}

/// Uniform actions in [lower, upper], a pure function of (seed, step, env, index).
fn random_actions(seed: u64, step: u64, envs: usize, size: usize, range: (f32, f32)) -> Vec<f32> {
    (0..envs * size)
        .map(|k| {
            let key = splitmix64(splitmix64(seed ^ step) ^ (k / size) as u64) ^ (k % size) as u64;
            range.0 + (range.1 - range.0) * unit_f64(key) as f32
        })
        .collect()
}

/// Full-state feedback that holds the pole up and the cart near the centre, as controls
/// (force / 10 N) from each env's observation (x, ẋ, θ, θ̇).
fn balance(obs: &[f32], actions: &mut [f32]) {
    for (o, a) in obs.chunks_exact(4).zip(actions.iter_mut()) {
        let force = 1.0 * o[0] + 2.0 * o[1] + 30.0 * o[2] + 6.0 * o[3];
        *a = (force / FORCE_GEAR).clamp(-1.0, 1.0);
    }
}

/// The cart-pole's equations of motion (Lagrange, θ from upright towards +x), unforced,
/// integrated with RK4: (x, θ, ẋ, θ̇) after `seconds`.
fn cartpole_ode(y: [f64; 4], seconds: f64) -> [f64; 4] {
    let (big_m, m, l, inertia, g) = (
        CART_MASS as f64,
        POLE_MASS as f64,
        POLE_HALF_LENGTH as f64,
        POLE_INERTIA as f64,
        9.81,
    );
    let f = |y: [f64; 4]| {
        let (s, c) = y[1].sin_cos();
        let (a11, a12, a22) = (big_m + m, m * l * c, inertia + m * l * l);
        let (b1, b2) = (m * l * s * y[3] * y[3], m * g * l * s);
        let det = a11 * a22 - a12 * a12;
        [
            y[2],
            y[3],
            (b1 * a22 - a12 * b2) / det,
            (a11 * b2 - a12 * b1) / det,
        ]
    };
    let add = |a: [f64; 4], b: [f64; 4], k: f64| std::array::from_fn(|i| a[i] + k * b[i]);
    let h = 1e-4;
    let mut y = y;
    for _ in 0..(seconds / h).round() as usize {
        let k1 = f(y);
        let k2 = f(add(y, k1, h / 2.0));
        let k3 = f(add(y, k2, h / 2.0));
        let k4 = f(add(y, k3, h));
        y = std::array::from_fn(|i| y[i] + h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]));
    }
    y
}

#[test]
fn an_unforced_tilted_pole_falls_when_its_equations_say() {
    let spec = CartPoleSpec {
        reset_noise_scale: 0.0,
        ..CartPoleSpec::default()
    };
    let mut env = cartpole(1, spec, &cpu());
    let dt = env.dt() as f64;
    assert!((dt - 0.02).abs() < 1e-9, "env dt {dt}");
    let theta0 = 0.1f64;
    let mut obs = vec![0.0; 4];
    env.reset(0, &mut obs).expect("reset");
    assert_eq!(
        obs, [0.0; 4],
        "without noise the pole starts upright at rest"
    );
    env.set_joint_state(0, &[0.0, theta0 as f32], &[0.0, 0.0], &mut obs)
        .expect("tilted start");
    let set = [0.0, 0.0, theta0 as f32, 0.0];
    assert!(
        obs.iter().zip(set).all(|(a, b)| (a - b).abs() < 1e-6),
        "{obs:?}"
    );

    // The reference: the first env step whose end state is past 12°.
    let limit = CART_POLE_THETA_LIMIT as f64;
    let mut y: [f64; 4] = [0.0, theta0, 0.0, 0.0];
    let mut reference = Vec::new();
    while y[1].abs() <= limit {
        y = cartpole_ode(y, dt);
        reference.push(y);
    }
    let expected_step = reference.len();
    // Small angles: θ = θ0 cosh(λt), λ² = m g l (M + m) / ((M + m)(I + m l²) − m² l²).
    let (big_m, m, l, i): (f64, f64, f64, f64) = (1.0, 0.1, 0.5, 0.1 / 12.0);
    let lambda =
        (m * 9.81 * l * (big_m + m) / ((big_m + m) * (i + m * l * l) - m * m * l * l)).sqrt();
    let small_angle_time = (limit / theta0).acosh() / lambda;
    assert!(
        (expected_step as f64 * dt - small_angle_time).abs() < 2.0 * dt,
        "the RK4 reference (step {expected_step}) and the small-angle estimate \
         ({small_angle_time:.3} s) disagree"
    );

    let mut out = StepOutput::new(&env);
    let mut fell_at = None;
    for step in 1..=3 * expected_step {
        env.step(&[0.0], &mut out).expect("step");
        assert_eq!(out.reward[0], 1.0);
        assert!(!out.truncated[0]);
        if out.terminated[0] {
            fell_at = Some(step);
            break;
        }
        let r = reference[step - 1];
        let (x, theta) = (out.obs[0] as f64, out.obs[2] as f64);
        assert!(
            (theta - r[1]).abs() < 0.02 * limit && (x - r[0]).abs() < 2e-3,
            "step {step}: x {x}, θ {theta}, reference x {}, θ {}",
            r[0],
            r[1]
        );
    }
    let fell_at = fell_at.expect("the pole falls");
    assert!(
        fell_at.abs_diff(expected_step) <= 1,
        "terminated at env step {fell_at}, the equations of motion say {expected_step}"
    );
    assert!(out.final_obs[2].abs() > CART_POLE_THETA_LIMIT);
    assert_eq!(out.obs, [0.0; 4], "the next episode starts upright again");
}

#[test]
fn a_balanced_pole_is_truncated_at_exactly_500_steps() {
    let envs = 4;
    let mut env = cartpole(envs, CartPoleSpec::default(), &cpu());
    let mut out = StepOutput::new(&env);
    env.reset(7, &mut out.obs).expect("reset");
    let first = out.obs.clone();
    assert!(first.iter().all(|v| v.abs() <= 0.05) && first.iter().any(|v| v.abs() > 0.01));
    let mut actions = vec![0.0; envs];
    for step in 1..=500 {
        balance(&out.obs, &mut actions);
        env.step(&actions, &mut out).expect("step");
        assert!(
            !out.terminated.iter().any(|&t| t),
            "step {step}: a balanced env terminated"
        );
        assert_eq!(
            out.truncated,
            vec![step == 500; envs],
            "step {step}: truncated"
        );
        assert_eq!(out.reward, vec![1.0; envs]);
    }
    for w in 0..envs {
        let end = &out.final_obs[4 * w..][..4];
        assert!(
            end[0].abs() < 0.5 && end[2].abs() < 0.02,
            "env {w} balanced at the end: {end:?}"
        );
    }
    assert_eq!(env.episode_steps(), vec![0; envs]);
    assert!(
        out.obs.iter().all(|v| v.abs() <= 0.05),
        "new episodes start near upright"
    );
    assert_ne!(out.obs, first, "episode 1 starts elsewhere than episode 0");
}

#[test]
fn autoreset_returns_the_next_episodes_first_obs_and_the_old_ones_final_obs() {
    let envs = 3;
    let mut env = cartpole(envs, CartPoleSpec::default(), &cpu());
    let mut out = StepOutput::new(&env);
    env.reset(11, &mut out.obs).expect("reset");
    let starts = out.obs.clone();
    let mut seen_done = vec![false; envs];
    for step in 1..=400 {
        let before = out.obs.clone();
        env.step(&vec![0.0; envs], &mut out).expect("step");
        for w in 0..envs {
            let (obs, last) = (&out.obs[4 * w..][..4], &out.final_obs[4 * w..][..4]);
            if out.done(w) {
                assert!(out.terminated[w] && !out.truncated[w]);
                assert_eq!(out.reward[w], 1.0, "the last step is rewarded");
                assert!(
                    last[0].abs() > CART_POLE_X_LIMIT || last[2].abs() > CART_POLE_THETA_LIMIT,
                    "env {w}, step {step}: final obs {last:?} is not a fallen state"
                );
                assert!(
                    obs.iter().all(|v| v.abs() <= 0.05),
                    "env {w}: first obs {obs:?}"
                );
                if !seen_done[w] {
                    assert_ne!(obs, &starts[4 * w..][..4], "episode 1 ≠ episode 0");
                }
                seen_done[w] = true;
                assert_eq!(env.episode_steps()[w], 0);
            } else {
                assert_eq!(obs, last, "env {w}: final_obs of an env that goes on");
                // Continuity: an env that goes on moves a little from where it was (also just
                // after a reset: from its new first obs).
                let prev = &before[4 * w..][..4];
                assert!(
                    (obs[2] - prev[2]).abs() < 0.05,
                    "env {w}, step {step}: θ jumped from {} to {}",
                    prev[2],
                    obs[2]
                );
            }
        }
    }
    assert_eq!(seen_done, vec![true; envs], "every unforced pole fell");
}

#[test]
fn ant_reward_is_forward_speed_plus_healthy_minus_control_cost() {
    let envs = 3;
    let mut env = ant(envs, &cpu());
    assert_eq!((env.observation_size(), env.action_size()), (27, 8));
    let dt = env.dt();
    assert!((dt - 0.05).abs() < 1e-7, "env dt {dt}");
    let mut out = StepOutput::new(&env);
    env.reset(3, &mut out.obs).expect("reset");
    let mut before = vec![0.0; envs * ROOT_POSE_SIZE];
    let mut after = before.clone();
    let mut velocities = vec![0.0; envs * ROOT_VELOCITY_SIZE];
    let mut checked = 0;
    for step in 0..30 {
        // Some actions out of range: the cost is of the action as applied.
        let actions = random_actions(5, step, envs, 8, (-1.3, 1.3));
        env.sim_mut().root_poses(&mut before).expect("root poses");
        env.step(&actions, &mut out).expect("step");
        env.sim_mut().root_poses(&mut after).expect("root poses");
        env.sim_mut()
            .root_velocities(&mut velocities)
            .expect("root velocities");
        for w in 0..envs {
            if out.done(w) {
                continue; // the world was reset: `after` is the next episode's start
            }
            let (p0, p1) = (&before[7 * w..][..7], &after[7 * w..][..7]);
            let cost: f64 = actions[8 * w..][..8]
                .iter()
                .map(|&a| (a.clamp(-1.0, 1.0) as f64).powi(2))
                .sum();
            let healthy = (0.2..=1.0).contains(&p1[2]);
            let expected = (p1[0] as f64 - p0[0] as f64) / dt as f64
                + if healthy { 1.0 } else { 0.0 }
                - 0.5 * cost;
            assert!(
                (out.reward[w] as f64 - expected).abs() < 1e-4 * expected.abs().max(1.0),
                "step {step}, env {w}: reward {} but expected {expected}",
                out.reward[w]
            );
            assert_eq!(out.terminated[w], !healthy);
            // The observation against the root's pose and velocity.
            let obs = &out.obs[27 * w..][..27];
            assert_eq!(&obs[..5], &p1[2..7], "torso z and orientation");
            let v = &velocities[6 * w..][..6];
            let q = Quat::from_xyzw(p1[4], p1[5], p1[6], p1[3]);
            let omega_body = q.conjugate() * Vec3::new(v[3], v[4], v[5]);
            for (k, (a, b)) in obs[13..19]
                .iter()
                .zip(v[..3].iter().chain(&omega_body.to_array()))
                .enumerate()
            {
                assert!(
                    (a - b).abs() < 1e-4 * b.abs().max(1.0),
                    "velocity {k}: {a} vs {b}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 60, "only {checked} steps checked");
}

#[test]
fn ant_start_noise_is_the_sims_draw_with_gymnasiums_spread() {
    let envs = 64;
    let mut env = ant(envs, &cpu());
    let mut obs = vec![0.0; envs * 27];
    env.reset(21, &mut obs).expect("reset");
    let mut poses = vec![0.0; envs * ROOT_POSE_SIZE];
    env.sim_mut().root_poses(&mut poses).expect("root poses");
    // Torso at (0, 0, 0.75) + U(±0.1), tilted by U(±0.2) rad per axis; hinges U(±0.1) from 0;
    // q̇ = 0.1·N(0, 1) clipped at ±5σ. Each value is the one the Sim drew for the env.
    let close = |a: &[f32], b: &[f32], what: &str, w: usize| {
        for (k, (x, y)) in a.iter().zip(b).enumerate() {
            assert!((x - y).abs() < 1e-5, "env {w}, {what} {k}: {x}, drawn {y}");
        }
    };
    let (mut hinge_sq, mut velocity_sq) = (0.0f64, 0.0f64);
    for (w, row) in obs.chunks_exact(27).enumerate() {
        let draw = env.sim().world_draw(w).expect("draw").clone();
        let pose = &poses[7 * w..][..7];
        let offset = draw.root_offset;
        assert!(
            offset.abs().max_element() <= 0.1,
            "env {w}: root offset {offset}"
        );
        close(
            &pose[..3],
            &[offset.x, offset.y, 0.75 + offset.z],
            "torso position",
            w,
        );
        assert!(draw.root_rotation.abs().max_element() <= 0.2);
        let tilt = Quat::from_scaled_axis(draw.root_rotation);
        close(
            &row[1..5],
            &[tilt.w, tilt.x, tilt.y, tilt.z],
            "orientation",
            w,
        );
        close(&row[5..13], &draw.joint_position_offsets[7..], "hinge", w);
        let root_velocity = draw.root_velocity.to_array();
        let root_spin = draw.root_angular_velocity.to_array();
        close(&row[13..16], &root_velocity, "torso velocity", w);
        close(&row[16..19], &root_spin, "torso angular velocity", w);
        close(
            &row[19..],
            &draw.joint_velocity_offsets[6..],
            "hinge velocity",
            w,
        );
        for &a in &row[5..13] {
            assert!(a.abs() <= 0.1, "env {w}: hinge {a}");
            hinge_sq += (a as f64).powi(2);
        }
        for &v in &row[13..] {
            assert!(v.abs() <= 0.5, "env {w}: velocity {v} past the clip");
            velocity_sq += (v as f64).powi(2);
        }
    }
    let hinge_rms = (hinge_sq / (envs * 8) as f64).sqrt();
    let uniform_rms = 0.1 / 3f64.sqrt();
    assert!(
        (hinge_rms - uniform_rms).abs() < 0.006,
        "hinge noise rms {hinge_rms}, U(±0.1) has {uniform_rms}"
    );
    let sigma = (velocity_sq / (envs * 14) as f64).sqrt();
    assert!((sigma - 0.1).abs() < 0.015, "velocity noise σ = {sigma}");

    // Any joint state goes in and comes back (position and velocity kinematics).
    let turn = Quat::from_euler(EulerRot::XYZ, 0.2, -0.1, 0.4);
    let mut q = vec![0.3, -0.2, 0.6, turn.w, turn.x, turn.y, turn.z];
    q.extend([0.2, 0.8, -0.3, -0.9, 0.1, -1.0, -0.25, 0.7]);
    let qd: Vec<f32> = (0..14).map(|i| 0.3 * (i as f32 - 6.5) / 6.5).collect();
    env.set_joint_state(5, &q, &qd, &mut obs)
        .expect("joint state");
    let row = &obs[5 * 27..][..27];
    for (k, (a, b)) in row.iter().zip(q[2..].iter().chain(&qd)).enumerate() {
        assert!((a - b).abs() < 1e-5, "observation {k}: {a}, set {b}");
    }
    // The bodies move rigidly with their joints: each joint's anchor has the same velocity
    // as a point of the parent and as a point of the child.
    let sim = env.sim_mut();
    let range = 5 * sim.stride()..6 * sim.stride();
    let positions = sim.positions().expect("positions")[range.clone()].to_vec();
    let orientations = sim.orientations().expect("orientations")[range.clone()].to_vec();
    let linear = sim.linear_velocities().expect("velocities")[range.clone()].to_vec();
    let angular = sim.angular_velocities().expect("velocities")[range].to_vec();
    let scene = sim.scene();
    let centers = scene.centers_of_mass();
    let world = WorldBodies {
        positions: &positions,
        orientations: &orientations,
        linear_velocities: &linear,
        angular_velocities: &angular,
        centers_of_mass: &centers,
        joint_angles: &[],
    };
    for joint in scene.joints().iter().skip(1) {
        let (_, frame) = joint_frames(joint, &world);
        let on_child = world.point_velocity(Some(joint.child), frame.position);
        let on_parent = world.point_velocity(joint.parent, frame.position);
        assert!(
            (on_child - on_parent).length() < 1e-5,
            "{}: anchor velocity {on_child} on the child, {on_parent} on the parent",
            joint.name
        );
    }
}

#[test]
fn reset_with_a_seed_starts_the_same_episodes_again_under_domain_randomization() {
    // The env's own randomization rules are drawn alongside the start noise.
    let gear = Rule::new(
        Target::ActuatorGear,
        Distribution::Uniform {
            low: 0.5,
            high: 1.5,
        },
        Mode::Scale,
    );
    let mut options = cpu();
    options.sim.randomization.rules.push(gear);
    let envs = 3;
    let mut env = cartpole(envs, CartPoleSpec::default(), &options);
    let gears: Vec<f32> = (0..envs)
        .map(|w| env.sim().world_parameters(w).expect("parameters").actuators[0].gear)
        .collect();
    assert!(
        gears
            .iter()
            .all(|g| (0.5 * FORCE_GEAR..=1.5 * FORCE_GEAR).contains(g))
            && gears[0] != gears[1],
        "gears {gears:?}"
    );
    let mut first = vec![0.0; envs * 4];
    env.reset(5, &mut first).expect("reset");
    let mut out = StepOutput::new(&env);
    for step in 0..40 {
        env.step(&random_actions(1, step, envs, 1, (-1.0, 1.0)), &mut out)
            .expect("step");
    }
    let mut again = vec![0.0; envs * 4];
    env.reset(5, &mut again).expect("reset");
    assert_eq!(first, again, "the same seed, the same starts");
    assert_eq!(env.episode_steps(), vec![0; envs]);
    env.reset(6, &mut again).expect("reset");
    assert_ne!(first, again, "another seed, other starts");
    assert!(again.iter().all(|v| v.abs() <= 0.05), "{again:?}");
}

#[test]
fn refused_inputs_change_nothing() {
    let spec = CartPoleSpec::default();
    let (mut a, mut b) = (cartpole(2, spec.clone(), &cpu()), cartpole(2, spec, &cpu()));
    let (mut out_a, mut out_b) = (StepOutput::new(&a), StepOutput::new(&b));
    a.reset(4, &mut out_a.obs).expect("reset");
    b.reset(4, &mut out_b.obs).expect("reset");
    a.step(&[0.3, -0.2], &mut out_a).expect("step");
    b.step(&[0.3, -0.2], &mut out_b).expect("step");
    let before = a.sim_mut().positions().expect("positions").to_vec();
    let kept = out_a.clone();

    assert_eq!(
        a.step(&[0.1], &mut out_a),
        Err(EnvError::ActionLength {
            expected: 2,
            got: 1
        })
    );
    let nan = a.step(&[0.1, f32::NAN], &mut out_a);
    assert!(
        matches!(nan, Err(EnvError::NonFiniteAction { env: 1, index: 0, value }) if value.is_nan()),
        "{nan:?}"
    );
    assert!(matches!(
        a.step(&[f32::INFINITY, 0.0], &mut out_a),
        Err(EnvError::NonFiniteAction { env: 0, .. })
    ));
    let mut small = StepOutput::new(&cartpole(1, CartPoleSpec::default(), &cpu()));
    assert!(matches!(
        a.step(&[0.1, 0.1], &mut small),
        Err(EnvError::BufferLength { .. })
    ));
    assert_eq!(
        a.set_joint_state(2, &[0.0, 0.0], &[0.0, 0.0], &mut out_a.obs),
        Err(EnvError::EnvOutOfRange { env: 2, envs: 2 })
    );
    assert!(matches!(
        a.set_joint_state(0, &[0.0, f32::NAN], &[0.0, 0.0], &mut out_a.obs),
        Err(EnvError::NonFiniteState { .. })
    ));
    assert!(matches!(
        a.reset(0, &mut [0.0; 3]),
        Err(EnvError::BufferLength { .. })
    ));
    assert_eq!(out_a, kept, "a refused step leaves the output alone");
    assert_eq!(a.sim_mut().positions().expect("positions"), &before[..]);

    // Both envs go on identically: nothing of the refused calls stayed behind.
    for step in 0..120 {
        let actions = random_actions(9, step, 2, 1, (-1.0, 1.0));
        a.step(&actions, &mut out_a).expect("step");
        b.step(&actions, &mut out_b).expect("step");
        assert_eq!(out_a, out_b, "step {step}");
    }
}

#[test]
fn non_finite_actions_can_be_clamped_instead() {
    let clamping = EnvOptions {
        non_finite_actions: NonFiniteActions::Clamp,
        ..cpu()
    };
    let (mut a, mut b) = (ant(2, &clamping), ant(2, &cpu()));
    let (mut out_a, mut out_b) = (StepOutput::new(&a), StepOutput::new(&b));
    a.reset(1, &mut out_a.obs).expect("reset");
    b.reset(1, &mut out_b.obs).expect("reset");
    let mut odd = random_actions(2, 0, 2, 8, (-1.0, 1.0));
    let mut even = odd.clone();
    for (k, value) in [
        (0, f32::NAN),
        (3, f32::INFINITY),
        (12, f32::NEG_INFINITY),
        (15, 7.0),
    ] {
        odd[k] = value;
        even[k] = if value.is_nan() {
            0.0
        } else {
            value.clamp(-1.0, 1.0)
        };
    }
    a.step(&odd, &mut out_a).expect("clamped");
    b.step(&even, &mut out_b).expect("in range");
    assert_eq!(out_a, out_b);
}

#[test]
fn an_env_does_not_depend_on_how_many_there_are() {
    // Cart-poles with random forces: they fall and reset several times in 150 steps.
    let spec = CartPoleSpec::default();
    let (mut one, mut four) = (cartpole(1, spec.clone(), &cpu()), cartpole(4, spec, &cpu()));
    let (mut out1, mut out4) = (StepOutput::new(&one), StepOutput::new(&four));
    one.reset(3, &mut out1.obs).expect("reset");
    four.reset(3, &mut out4.obs).expect("reset");
    let mut resets = 0;
    for step in 0..150 {
        let actions = random_actions(8, step, 4, 1, (-1.0, 1.0));
        one.step(&actions[..1], &mut out1).expect("step");
        four.step(&actions, &mut out4).expect("step");
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&out1.obs), bits(&out4.obs[..4]), "step {step}: obs");
        assert_eq!(bits(&out1.final_obs), bits(&out4.final_obs[..4]));
        assert_eq!(out1.reward[0].to_bits(), out4.reward[0].to_bits());
        assert_eq!(
            (out1.terminated[0], out1.truncated[0]),
            (out4.terminated[0], out4.truncated[0])
        );
        resets += out1.done(0) as usize;
    }
    assert!(resets >= 2, "env 0 reset {resets} times");

    let (mut one, mut three) = (ant(1, &cpu()), ant(3, &cpu()));
    let (mut out1, mut out3) = (StepOutput::new(&one), StepOutput::new(&three));
    one.reset(6, &mut out1.obs).expect("reset");
    three.reset(6, &mut out3.obs).expect("reset");
    for step in 0..15 {
        let actions = random_actions(4, step, 3, 8, (-1.0, 1.0));
        one.step(&actions[..8], &mut out1).expect("step");
        three.step(&actions, &mut out3).expect("step");
        assert_eq!(out1.obs, out3.obs[..27], "ant, step {step}");
        assert_eq!(out1.reward[0].to_bits(), out3.reward[0].to_bits());
    }
}

#[test]
fn a_world_whose_physics_fails_ends_its_episode_alone() {
    let spec = CartPoleSpec::default();
    let (mut one, mut two) = (cartpole(1, spec.clone(), &cpu()), cartpole(2, spec, &cpu()));
    let (mut out1, mut out2) = (StepOutput::new(&one), StepOutput::new(&two));
    one.reset(2, &mut out1.obs).expect("reset");
    two.reset(2, &mut out2.obs).expect("reset");
    let sim = two.sim_mut();
    let mut v = sim.linear_velocities().expect("velocities").to_vec();
    let stride = sim.stride();
    v[stride + 1] = Vec3::NAN; // env 1's pole
    sim.set_linear_velocities(&v).expect("set");
    let mut actions = [0.0; 2];
    for step in 0..50 {
        balance(&out2.obs, &mut actions);
        one.step(&actions[..1], &mut out1).expect("step");
        two.step(&actions, &mut out2).expect("step");
        assert_eq!(out1.obs, out2.obs[..4], "step {step}: env 0 unaffected");
        if step == 0 {
            assert!(out2.terminated[1], "the failed env is terminated");
            assert_eq!(out2.reward[1], 0.0);
            assert!(out2.obs[4..]
                .iter()
                .all(|v| v.is_finite() && v.abs() <= 0.05));
        } else {
            assert!(
                !out2.done(1),
                "step {step}: env 1 runs again after its reset"
            );
        }
    }
    assert!(two.sim().non_finite_worlds().is_empty());
}

#[test]
fn cartpole_on_the_gpu_agrees_with_the_cpu() {
    let Some(gpu) = backends("cartpole_on_the_gpu_agrees_with_the_cpu")
        .into_iter()
        .find(|b| matches!(b, Backend::Gpu(_)))
    else {
        return;
    };
    let envs = 2;
    let mut cpu_env = cartpole(envs, CartPoleSpec::default(), &cpu());
    let mut gpu_env = cartpole(envs, CartPoleSpec::default(), &options(gpu));
    let (mut out_c, mut out_g) = (StepOutput::new(&cpu_env), StepOutput::new(&gpu_env));
    cpu_env.reset(5, &mut out_c.obs).expect("reset");
    gpu_env.reset(5, &mut out_g.obs).expect("reset");
    // The same first state; the GPU reads θ with its own atan2 (WGSL allows it 4096 ulp).
    let first = worst_relative(&out_g.obs, &out_c.obs);
    assert!(first < 1e-5, "first observations differ by {first}");
    let (mut actions_c, mut actions_g) = (vec![0.0; envs], vec![0.0; envs]);
    let (mut worst, mut fell) = (0.0f32, false);
    for step in 0..150 {
        // Each backend balances env 0 from its own observations (a closed loop does not let
        // rounding differences grow); env 1 falls (and resets) under a constant push.
        balance(&out_c.obs, &mut actions_c);
        balance(&out_g.obs, &mut actions_g);
        actions_c[1] = 0.2;
        actions_g[1] = 0.2;
        cpu_env.step(&actions_c, &mut out_c).expect("cpu step");
        gpu_env.step(&actions_g, &mut out_g).expect("gpu step");
        assert_eq!(
            (&out_c.terminated, &out_c.truncated),
            (&out_g.terminated, &out_g.truncated),
            "step {step}: flags"
        );
        for (a, b) in out_c.final_obs.iter().zip(&out_g.final_obs) {
            worst = worst.max((a - b).abs());
        }
        assert!(worst < 1e-5, "step {step}: CPU and GPU differ by {worst}");
        fell |= out_c.terminated[1];
    }
    assert!(fell && !out_c.terminated[0], "env 1 fell, env 0 stayed up");
    eprintln!("cart-pole, CPU vs GPU over 150 env steps: largest difference {worst:e}");
}

#[test]
fn the_tasks_device_programs_are_valid_wgsl() {
    for program in [
        AntSpec::default().device_program(),
        CartPoleSpec::default().device_program(),
    ] {
        let program = program.expect("a device program");
        if let Err(e) = program.kernel_source() {
            panic!("{}: {e}", program.name);
        }
    }
    assert!(
        !ant(1, &cpu()).computes_on_device(),
        "the CPU computes on the host"
    );
}

/// The largest difference between `a` and `b`, relative to max(|b|, 1).
fn worst_relative(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs() / y.abs().max(1.0))
        .fold(0.0, f32::max)
}

#[test]
fn ant_observations_and_rewards_computed_on_the_gpu_are_the_hosts() {
    let test = "ant_observations_and_rewards_computed_on_the_gpu_are_the_hosts";
    let Some(gpu) = backends(test)
        .into_iter()
        .find(|b| matches!(b, Backend::Gpu(_)))
    else {
        return;
    };
    let (envs, spec) = (8, AntSpec::default());
    // Every env's torso carries its centre of mass elsewhere: the device reads velocities
    // about each world's own.
    let mut options = options(gpu);
    options.sim.randomization.rules = [Axis::X, Axis::Y, Axis::Z]
        .map(|axis| {
            Rule::new(
                Target::CenterOfMass { axis },
                Distribution::Uniform {
                    low: -0.1,
                    high: 0.1,
                },
                Mode::Offset,
            )
            .named("torso")
        })
        .to_vec();
    let mut env = ant(envs, &options);
    assert!(env.computes_on_device(), "a GPU env computes on the device");
    let mut out = StepOutput::new(&env);
    env.reset(11, &mut out.obs).expect("reset");
    let (nq, nv, no) = (15, 14, 27);
    let (mut q_before, mut q, mut qd) = (
        vec![0.0; envs * nq],
        vec![0.0; envs * nq],
        vec![0.0; envs * nv],
    );
    let mut host_obs = vec![0.0; envs * no];
    let (mut worst, mut checked, mut resets) = (0.0f32, 0, 0);
    for step in 0..60 {
        let actions = random_actions(7, step, envs, 8, (-1.0, 1.0));
        env.sim_mut().joint_positions(&mut q_before).expect("q");
        if step == 30 {
            // A failed world on the device: terminated with reward 0, the others untouched.
            let sim = env.sim_mut();
            let mut v = sim.angular_velocities().expect("spins").to_vec();
            v[3 * sim.stride() + 2] = Vec3::new(f32::NAN, 0.0, 0.0);
            sim.set_angular_velocities(&v).expect("set");
        }
        env.step(&actions, &mut out).expect("step");
        if step == 30 {
            assert!(
                out.terminated[3] && out.reward[3] == 0.0,
                "the failed env ended"
            );
        }
        // After the step (and the resets in it), the device's observations are the host's.
        env.sim_mut().joint_positions(&mut q).expect("q");
        env.sim_mut().joint_velocities(&mut qd).expect("q̇");
        for w in 0..envs {
            let obs = &mut host_obs[w * no..][..no];
            spec.observe(&q[w * nq..][..nq], &qd[w * nv..][..nv], obs);
        }
        worst = worst.max(worst_relative(&out.obs, &host_obs));
        assert!(worst < 1e-4, "step {step}: observations differ by {worst}");
        for w in 0..envs {
            if out.done(w) {
                resets += 1;
                continue; // q is the next episode's start: the step's q is gone
            }
            let transition = Transition {
                q_before: &q_before[w * nq..][..nq],
                q: &q[w * nq..][..nq],
                qd: &qd[w * nv..][..nv],
                action: &actions[w * 8..][..8],
                dt: env.dt(),
                contact_forces: &[],
            };
            let (reward, terminated) = spec.outcome(&transition);
            let error = worst_relative(&[out.reward[w]], &[reward]);
            assert!(
                error < 1e-4,
                "step {step}, env {w}: reward {} vs {reward}",
                out.reward[w]
            );
            assert_eq!(out.terminated[w], terminated, "step {step}, env {w}");
            checked += 1;
        }
    }
    assert!(
        checked > 300 && resets > 0,
        "{checked} rewards checked, {resets} resets"
    );
    eprintln!(
        "ant on the GPU, device vs host readout over 60 env steps: largest difference {worst:e}"
    );
}

#[test]
fn an_env_without_worlds_or_scene_steps_is_refused() {
    assert!(matches!(
        CartPoleBalance::new(CartPoleSpec::default(), 0, &cpu()),
        Err(EnvError::Sim(_))
    ));
    let spec = AntSpec {
        frame_skip: 0,
        ..AntSpec::default()
    };
    assert!(matches!(
        AntForward::new(spec, 2, &cpu()),
        Err(EnvError::ZeroFrameSkip { task: "AntForward" })
    ));
}
