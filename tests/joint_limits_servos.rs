//! Joint limits under load and a PD position servo's step response.

mod common;
use common::*;
use manyworlds::joint_space::joint_frames;
use manyworlds::{
    Actuator, BodyDesc, ColliderDesc, Impedance, JointDesc, MassSpec, Pose, Scene, SceneBuilder,
    Shape, Sim, StepParams, Vec3, WorldBodies,
};

/// A 1 m × 0.1 m × 0.1 m beam of 10 kg whose body origin is at one end, the beam along +x.
fn beam() -> BodyDesc {
    BodyDesc::dynamic("beam").collider(
        ColliderDesc::new(Shape::cuboid(Vec3::new(0.5, 0.05, 0.05)))
            .at(Pose::from_position(Vec3::new(0.5, 0.0, 0.0)))
            .density(1000.0),
    )
}

/// The inertia of `scene`'s body `body` about `joint`'s axis through its anchor (parallel-axis
/// theorem), from the body's resolved mass properties.
fn inertia_about_joint(scene: &Scene, joint: usize) -> f32 {
    let joint = &scene.joints()[joint];
    let body = &scene.bodies()[joint.child];
    let axis = joint.frame_in_child.orientation * Vec3::X;
    let d = body.mass.center_of_mass - joint.frame_in_child.position;
    let lever_sq = d.length_squared() - d.dot(axis).powi(2);
    axis.dot(body.mass.inertia * axis) + body.mass.mass * lever_sq
}

/// One world's anchor separation of `joint`.
fn separation(sim: &mut Sim, joint: usize) -> f32 {
    let positions = sim.positions().expect("readback").to_vec();
    let orientations = sim.orientations().expect("readback").to_vec();
    let linear = sim.linear_velocities().expect("readback").to_vec();
    let angular = sim.angular_velocities().expect("readback").to_vec();
    let centers = sim.scene().centers_of_mass();
    let bodies = WorldBodies {
        positions: &positions[..sim.stride()],
        orientations: &orientations[..sim.stride()],
        linear_velocities: &linear[..sim.stride()],
        angular_velocities: &angular[..sim.stride()],
        centers_of_mass: &centers,
        joint_angles: &[],
    };
    let (parent, child) = joint_frames(&sim.scene().joints()[joint], &bodies);
    (child.position - parent.position).length()
}

/// What a loaded beam on a limited hinge did over 2 s.
struct LimitRun {
    /// Deepest q (the limit is at 0) and when, s.
    lowest: f32,
    lowest_at: f32,
    /// Highest q after the first step.
    highest: f32,
    /// The most negative q̇ before reaching the limit (the impact speed).
    impact_speed: f32,
    /// q and q̇ after 2 s.
    settled: f32,
    settled_speed: f32,
    /// Largest |q̇| over the last 0.5 s.
    late_speed: f32,
    /// Largest anchor separation of the weld that carries the load.
    weld_worst: f32,
}

/// A horizontal 10 kg beam hinged at one end about −y: q > 0 lifts its free end (+x towards
/// +z), so its weight pushes q below 0, where the limit [0, 1] rad stops it. A 100 kg tip
/// welded to its free end (a `fixed` joint) loads it with ten times its own weight. Released
/// from rest at q = `release`, run for 2 s.
fn loaded_beam_on_a_limit(backend: &manyworlds::Backend, release: f32) -> LimitRun {
    let b = name(backend);
    let mut builder = SceneBuilder::new();
    let hinge = builder.add_link(
        None,
        Pose::from_position(Vec3::new(0.0, 0.0, 1.0)),
        beam(),
        JointDesc::revolute("hinge", -Vec3::Y).limits(0.0, 1.0),
    );
    let beam_mass = 10.0;
    let tip = builder.add_link(
        Some(hinge.body),
        Pose::from_position(Vec3::new(1.0, 0.0, 0.0)),
        BodyDesc::dynamic("tip")
            .collider(ColliderDesc::new(Shape::sphere(0.1)).density(1.0))
            .mass(MassSpec::Total(10.0 * beam_mass)),
        JointDesc::fixed("weld"),
    );
    let mut scene = builder.build().expect("valid scene");
    let masses = (
        scene.bodies()[hinge.body].mass.mass,
        scene.bodies()[tip.body].mass.mass,
    );
    assert!(
        (masses.0 - beam_mass).abs() < 1e-3 && (masses.1 - 10.0 * masses.0).abs() < 1e-2,
        "{b}: beam {} kg, tip {} kg",
        masses.0,
        masses.1
    );
    scene
        .set_initial_joint_positions(&[release])
        .expect("one hinge angle");
    let params = StepParams::default();
    let mut sim = sim_of(scene, params, 1, backend);
    let mut q = [0.0f32];
    sim.joint_positions(&mut q).expect("joint positions");
    assert!((q[0] - release).abs() < 1e-5, "{b}: starts at {}", q[0]);

    let steps = (2.0 / params.dt).round() as usize;
    let late = steps - (0.5 / params.dt).round() as usize;
    let mut qd = [0.0f32];
    let mut run = LimitRun {
        lowest: f32::INFINITY,
        lowest_at: 0.0,
        highest: f32::NEG_INFINITY,
        impact_speed: 0.0,
        settled: 0.0,
        settled_speed: 0.0,
        late_speed: 0.0,
        weld_worst: 0.0,
    };
    let mut reached = false;
    for k in 1..=steps {
        sim.step().expect("step");
        sim.joint_positions(&mut q).expect("joint positions");
        sim.joint_velocities(&mut qd).expect("joint velocities");
        if !reached {
            run.impact_speed = run.impact_speed.min(qd[0]);
            reached = q[0] < 0.01;
        }
        if q[0] < run.lowest {
            (run.lowest, run.lowest_at) = (q[0], k as f32 * params.dt);
        }
        run.highest = run.highest.max(q[0]);
        if k > late {
            run.late_speed = run.late_speed.max(qd[0].abs());
        }
        run.weld_worst = run.weld_worst.max(separation(&mut sim, tip.joint));
    }
    assert!(sim.non_finite_worlds().is_empty(), "{b}: non-finite state");
    (run.settled, run.settled_speed) = (q[0], qd[0]);
    eprintln!(
        "{b}: loaded beam released at {release} rad onto the limit at 0: impact at {:.3} rad/s; \
         deepest q {:.5} rad at t = {:.2} s; highest q {:.4}; after 2 s q = {:.5} rad, q̇ = \
         {:.3e} rad/s; largest |q̇| over the last 0.5 s {:.3e} rad/s; weld separation max \
         {:.2e} m",
        run.impact_speed,
        run.lowest,
        run.lowest_at,
        run.highest,
        run.settled,
        run.settled_speed,
        run.late_speed,
        run.weld_worst
    );
    assert!(
        run.weld_worst < 1e-3,
        "{b}: the weld carrying the load came {:.2e} m apart (limit 1 mm)",
        run.weld_worst
    );
    run
}

#[test]
fn revolute_limit_holds_a_beam_loaded_with_ten_times_its_weight() {
    for backend in backends("revolute_limit_holds_a_beam_loaded_with_ten_times_its_weight") {
        let b = name(&backend);
        // Starts at rest on the limit: a static load.
        let run = loaded_beam_on_a_limit(&backend, 0.0);
        assert!(
            run.lowest > -0.01,
            "{b}: under the static load q reached {:.5} rad at t = {:.2} s: the limit is \
             violated by {:.5} rad (limit 0.01)",
            run.lowest,
            run.lowest_at,
            -run.lowest
        );
        assert!(
            run.settled > -0.01 && run.settled < 0.01,
            "{b}: after 2 s q = {:.5} rad: off the limit at 0 by more than 0.01 rad",
            run.settled
        );
        // A static load on a limit is static: after 1.5 s the beam rests on it.
        assert!(
            run.late_speed < 1e-2,
            "{b}: resting on the limit, the beam still moves at up to {:.3e} rad/s over the \
             last 0.5 s (q between {:.5} and {:.5} rad over the run)",
            run.late_speed,
            run.lowest,
            run.highest
        );
    }
}

#[test]
fn revolute_limit_stops_a_loaded_beam_swinging_onto_it() {
    for backend in backends("revolute_limit_stops_a_loaded_beam_swinging_onto_it") {
        let b = name(&backend);
        let release = 0.8;
        let run = loaded_beam_on_a_limit(&backend, release);
        assert!(
            run.impact_speed < -1.0,
            "{b}: the beam hit the limit at only {} rad/s: no real impact tested",
            run.impact_speed
        );
        assert!(
            run.lowest > -0.01,
            "{b}: swinging onto the limit q reached {:.5} rad at t = {:.2} s: violated by \
             {:.5} rad (limit 0.01)",
            run.lowest,
            run.lowest_at,
            -run.lowest
        );
        assert!(
            run.settled > -0.01 && run.settled < 0.01 && run.late_speed < 1e-2,
            "{b}: 2 s after the release the beam has not settled on the limit: q = {:.5} rad, \
             |q̇| up to {:.3e} rad/s over the last 0.5 s",
            run.settled,
            run.late_speed
        );
        assert!(
            run.highest <= release + 1e-3,
            "{b}: q rose to {} from a release at {release}: the limit put energy in",
            run.highest
        );
    }
}

/// The 2 % settling time of `response` sampled every `dt` from t = 0: the first time after
/// which it stays within `band` of `target`, interpolated between samples.
fn settling_time(samples: &[f64], dt: f64, target: f64, band: f64) -> Option<f64> {
    let outside = |x: f64| (x - target).abs() > band;
    let last_out = samples.iter().rposition(|&x| outside(x))?;
    if last_out + 1 == samples.len() {
        return None;
    }
    let (a, b) = (
        (samples[last_out] - target).abs(),
        (samples[last_out + 1] - target).abs(),
    );
    Some((last_out as f64 + (a - band) / (a - b)) * dt)
}

#[test]
fn position_servo_step_response_settles_as_the_analytic_pd_system() {
    for backend in backends("position_servo_step_response_settles_as_the_analytic_pd_system") {
        let b = name(&backend);
        // (armature, gear): the brief's plain servo, and one with a rotor inertia and a gear.
        for (armature, gear) in [(0.0f32, 1.0f32), (0.5, 2.0)] {
            let case = format!("armature {armature}, gear {gear}");
            // A beam on a hinge whose axis is vertical: gravity exerts no torque about it.
            let mut builder = SceneBuilder::new();
            let link = builder.add_link(
                None,
                Pose::from_position(Vec3::new(0.0, 0.0, 1.0)),
                beam(),
                JointDesc::revolute("hinge", Vec3::Z).armature(armature),
            );
            // Critically damped at ω = 2 rad/s on the inertia about the hinge plus armature:
            // the joint sees stiffness gear² kp and damping gear² kv.
            let without_servo = builder.clone().build().expect("valid scene");
            let inertia = (inertia_about_joint(&without_servo, link.joint) + armature) as f64;
            let omega = 2.0f64;
            let kp = (inertia * omega * omega) / (gear as f64).powi(2);
            let kv = 2.0 * inertia * omega / (gear as f64).powi(2);
            builder.add_actuator(
                Actuator::position("servo", link.joint, kp as f32, kv as f32).gear(gear),
            );
            let scene = builder.build().expect("valid scene");
            let params = StepParams::default();
            let mut sim = sim_of(scene, params, 1, &backend);

            let target = 0.5f64;
            let control = (target * gear as f64) as f32;
            sim.set_controls(&[control]).expect("one control");
            let dt = params.dt as f64;
            let steps = (8.0 / dt).round() as usize;
            let mut samples = vec![0.0f64];
            let mut q = [0.0f32];
            let mut qd = [0.0f32];
            let mut first_force = 0.0f32;
            for k in 1..=steps {
                sim.step().expect("step");
                sim.joint_positions(&mut q).expect("joint positions");
                samples.push(q[0] as f64);
                if k == 1 {
                    first_force = sim.actuator_forces().expect("forces")[0];
                }
            }
            sim.joint_velocities(&mut qd).expect("joint velocities");
            let final_force = sim.actuator_forces().expect("forces")[0];

            // I q̈ = K (q* − q) − C q̇, critically damped: q = q* (1 − (1 + ωt) e^(−ωt)).
            // Its settling time is found by sampling the closed form every 10 µs.
            let analytic = |t: f64| target * (1.0 - (1.0 + omega * t) * (-omega * t).exp());
            let fine = 1e-5;
            let reference: Vec<f64> = (0..=(8.0 / fine) as usize)
                .map(|k| analytic(k as f64 * fine))
                .collect();
            let band = 0.02 * target;
            let t_analytic = settling_time(&reference, fine, target, band).expect("settles");
            let t_measured = settling_time(&samples, dt, target, band);
            let trajectory_error = samples
                .iter()
                .enumerate()
                .map(|(k, &x)| (x - analytic(k as f64 * dt)).abs())
                .fold(0.0, f64::max);
            // Actuator space: f = kp (ctrl − gear q) − kv gear q̇, at t = 0 kp · ctrl.
            let step_force = kp * control as f64;
            eprintln!(
                "{b} ({case}): I = {inertia:.4} kg m², kp {kp:.4}, kv {kv:.4}: 2 % settling \
                 {t_measured:?} s vs analytic {t_analytic:.4} s; largest deviation from the \
                 closed form {trajectory_error:.2e} rad; final q {:.6} (error {:.2e}), q̇ {:.2e}; \
                 actuator force first step {first_force:.4} (kp·ctrl = {step_force:.4}), at \
                 rest {final_force:.2e}",
                q[0],
                target - q[0] as f64,
                qd[0]
            );
            let t_measured = t_measured.unwrap_or_else(|| {
                panic!(
                    "{b} ({case}): the servo did not settle in 8 s (q = {})",
                    q[0]
                )
            });
            let relative = (t_measured - t_analytic) / t_analytic;
            assert!(
                relative.abs() < 0.10,
                "{b} ({case}): settling time {t_measured:.4} s vs analytic {t_analytic:.4} s: \
                 {:+.2} % (limit ±10 %)",
                100.0 * relative
            );
            let steady_error = (target - q[0] as f64).abs();
            assert!(
                steady_error < 1e-3,
                "{b} ({case}): steady-state error {steady_error:.2e} rad (limit 1e-3)"
            );
            assert!(
                ((first_force as f64 - step_force) / step_force).abs() < 0.05,
                "{b} ({case}): first-step actuator force {first_force} vs kp·ctrl = \
                 {step_force:.4} (limit 5 %)"
            );
            assert!(
                (final_force as f64).abs() < 0.01 * step_force,
                "{b} ({case}): actuator force at rest {final_force} (more than 1 % of the \
                 step's {step_force:.4})"
            );
        }
    }
}

/// A soft limit is MuJoCo's (its reference spring's natural frequency ω and damping ratio,
/// `solreflimit`; its impedance d, `solimplimit`): past the range it cancels d of the other
/// forces and springs back at ω. A horizontal beam released onto one sags to the static
/// deflection (1 − d) m g L / (I ω²), I the inertia it stops, critically damped so without
/// overshooting it by more than a few per cent.
#[test]
fn a_soft_limit_sags_as_mujocos_impedance_law_says() {
    for backend in backends("a_soft_limit_sags_as_mujocos_impedance_law_says") {
        let b = name(&backend);
        let hertz = 2.0f32;
        let impedance = 0.8f32;
        let mut builder = SceneBuilder::new();
        let hinge = builder.add_link(
            None,
            Pose::from_position(Vec3::new(0.0, 0.0, 1.0)),
            beam(),
            JointDesc::revolute("hinge", -Vec3::Y)
                .limits(0.0, 1.0)
                .soft_limits(hertz, 1.0)
                .limit_impedance(Impedance {
                    min: impedance,
                    max: impedance,
                    ..Impedance::default()
                }),
        );
        // The same two-link structure as the loaded-beam test (one kernel), with a weld to a
        // light tip.
        builder.add_link(
            Some(hinge.body),
            Pose::from_position(Vec3::new(1.0, 0.0, 0.0)),
            BodyDesc::dynamic("tip")
                .collider(ColliderDesc::new(Shape::sphere(0.1)).density(1.0))
                .mass(MassSpec::Total(1e-3)),
            JointDesc::fixed("weld"),
        );
        let scene = builder.build().expect("valid scene");
        let inertia = inertia_about_joint(&scene, 0);
        let beam = &scene.bodies()[hinge.body];
        let torque = beam.mass.mass * 9.81 * beam.mass.center_of_mass.x;
        let omega = std::f32::consts::TAU * hertz;
        let sag = (1.0 - impedance) * torque / (inertia * omega * omega);
        let params = StepParams::default();
        let mut sim = sim_of(scene, params, 1, &backend);
        let mut q = [0.0f32];
        let mut lowest = 0.0f32;
        for _ in 0..(3.0 / params.dt).round() as usize {
            sim.step().unwrap();
            sim.joint_positions(&mut q).unwrap();
            lowest = lowest.min(q[0]);
        }
        assert!(
            (q[0] + sag).abs() < 0.03 * sag,
            "{b}: settled {:.4} rad past the limit, MuJoCo's law sags {sag:.4}",
            -q[0]
        );
        assert!(
            -lowest < 1.05 * sag,
            "{b}: overshot to {:.4} rad past the limit (static sag {sag:.4})",
            -lowest
        );
    }
}
