//! Pendulums and chains on joints: a physical pendulum's small-oscillation period, the energy
//! of an undamped double pendulum, and a ball-jointed chain that must not come apart.

mod common;
use common::*;
use manyworlds::joint_space::joint_frames;
use manyworlds::scenes::builtin;
use manyworlds::{Quat, Scene, Sim, Vec3, WorldBodies};

/// A copy of every world's body states, `[worlds × bodies]`.
struct States {
    positions: Vec<Vec3>,
    orientations: Vec<Quat>,
    linear_velocities: Vec<Vec3>,
    angular_velocities: Vec<Vec3>,
    /// One world's: no world has its own.
    centers_of_mass: Vec<Vec3>,
    stride: usize,
}

impl States {
    fn read(sim: &mut Sim) -> States {
        States {
            positions: sim.positions().expect("readback").to_vec(),
            orientations: sim.orientations().expect("readback").to_vec(),
            linear_velocities: sim.linear_velocities().expect("readback").to_vec(),
            angular_velocities: sim.angular_velocities().expect("readback").to_vec(),
            centers_of_mass: sim.scene().centers_of_mass(),
            stride: sim.stride(),
        }
    }

    fn world(&self, w: usize) -> WorldBodies<'_> {
        let range = w * self.stride..(w + 1) * self.stride;
        WorldBodies {
            positions: &self.positions[range.clone()],
            orientations: &self.orientations[range.clone()],
            linear_velocities: &self.linear_velocities[range.clone()],
            angular_velocities: &self.angular_velocities[range],
            centers_of_mass: &self.centers_of_mass,
            joint_angles: &[],
        }
    }
}

/// Total mechanical energy of one world: translational and rotational kinetic energy of every
/// dynamic body plus its potential energy in `gravity`, from the body states and the scene's
/// mass properties (f64 sums).
fn energy(scene: &Scene, bodies: &WorldBodies, gravity: Vec3) -> f64 {
    let mut total = 0.0f64;
    for (i, body) in scene.bodies().iter().enumerate() {
        if !body.is_dynamic() {
            continue;
        }
        let m = body.mass.mass as f64;
        let rotation = manyworlds::Mat3::from_quat(bodies.orientations[i]);
        let com = bodies.positions[i] + bodies.orientations[i] * body.mass.center_of_mass;
        let inertia_world = rotation * body.mass.inertia * rotation.transpose();
        let (v, w) = (bodies.linear_velocities[i], bodies.angular_velocities[i]);
        let kinetic = 0.5 * m * v.length_squared() as f64 + 0.5 * w.dot(inertia_world * w) as f64;
        let potential = -m * gravity.dot(com) as f64;
        total += kinetic + potential;
    }
    total
}

/// Energy of the scene's initial configuration (bodies at rest there).
fn scene_energy(scene: &Scene, gravity: Vec3) -> f64 {
    let positions: Vec<Vec3> = scene.bodies().iter().map(|b| b.pose.position).collect();
    let orientations: Vec<Quat> = scene.bodies().iter().map(|b| b.pose.orientation).collect();
    let linear: Vec<Vec3> = scene.bodies().iter().map(|b| b.linear_velocity).collect();
    let angular: Vec<Vec3> = scene.bodies().iter().map(|b| b.angular_velocity).collect();
    let centers = scene.centers_of_mass();
    let bodies = WorldBodies {
        positions: &positions,
        orientations: &orientations,
        linear_velocities: &linear,
        angular_velocities: &angular,
        centers_of_mass: &centers,
        joint_angles: &[],
    };
    energy(scene, &bodies, gravity)
}

/// The largest anchor separation over the joints of world `w`, with the joint's index.
fn worst_separation(scene: &Scene, bodies: &WorldBodies) -> (f32, usize) {
    scene
        .joints()
        .iter()
        .enumerate()
        .map(|(k, joint)| {
            let (parent, child) = joint_frames(joint, bodies);
            ((child.position - parent.position).length(), k)
        })
        .fold((0.0, 0), |best, x| if x.0 > best.0 { x } else { best })
}

#[test]
fn pendulum_small_oscillation_period_matches_the_physical_pendulum() {
    for backend in backends("pendulum_small_oscillation_period_matches_the_physical_pendulum") {
        let b = name(&backend);
        let pendulum = builtin("pendulum").expect("built-in pendulum");
        let amplitude = 0.04f32;
        let mut scene = pendulum.scene.clone();
        scene
            .set_initial_joint_positions(&[amplitude])
            .expect("one hinge angle");
        let params = pendulum.params;

        // The analytic period from the rod's real mass properties: the inertia about the hinge
        // axis through the pivot (parallel-axis theorem) and the centre of mass' distance from
        // that axis, both in the rod's body frame.
        let joint = &scene.joints()[0];
        let body = &scene.bodies()[joint.child];
        let anchor = joint.frame_in_child.position;
        let axis = joint.frame_in_child.orientation * Vec3::X;
        let m = body.mass.mass;
        let d = body.mass.center_of_mass - anchor;
        let lever_sq = d.length_squared() - d.dot(axis).powi(2);
        let i_pivot = axis.dot(body.mass.inertia * axis) + m * lever_sq;
        let g = params.gravity.length();
        let t_small =
            2.0 * std::f64::consts::PI * (i_pivot as f64 / (m * g * lever_sq.sqrt()) as f64).sqrt();
        // The finite-amplitude correction 1 + θ0²/16 (1e-4 here).
        let t_analytic = t_small * (1.0 + (amplitude as f64).powi(2) / 16.0);

        let mut sim = sim_of(scene.clone(), params, 1, &backend);
        let dt = params.dt as f64;
        let steps = (10.0 / dt).round() as usize;
        let mut q = [0.0f32];
        sim.joint_positions(&mut q).expect("joint positions");
        assert!(
            (q[0] - amplitude).abs() < 1e-5,
            "{b}: starts at q = {}, expected {amplitude}",
            q[0]
        );
        let mut previous = q[0] as f64;
        let mut crossings = Vec::new();
        let mut peak = 0.0f64;
        for k in 1..=steps {
            sim.step().expect("step");
            sim.joint_positions(&mut q).expect("joint positions");
            let now = q[0] as f64;
            peak = peak.max(now.abs());
            if (previous > 0.0) != (now > 0.0) {
                // Linear interpolation between the two samples.
                let t = (k - 1) as f64 * dt + dt * previous / (previous - now);
                crossings.push(t);
            }
            previous = now;
        }
        assert!(
            crossings.len() >= 11,
            "{b}: only {} zero crossings in 10 s (need 5 periods); analytic period {t_analytic:.4} s",
            crossings.len()
        );
        let n = crossings.len();
        let measured = 2.0 * (crossings[n - 1] - crossings[0]) / (n - 1) as f64;
        let error = (measured - t_analytic) / t_analytic;
        eprintln!(
            "{b}: pendulum period {measured:.5} s over {:.1} periods, analytic {t_analytic:.5} s \
             (I_pivot {i_pivot:.5} kg m², m {m:.4} kg, d {:.4} m): error {:+.4} %; \
             largest |q| {peak:.4} rad",
            (n - 1) as f64 / 2.0,
            lever_sq.sqrt(),
            100.0 * error
        );
        assert!(
            error.abs() < 0.01,
            "{b}: period {measured:.5} s vs analytic {t_analytic:.5} s: error {:+.3} % (limit 1 %)",
            100.0 * error
        );
        // The oscillation neither dies out nor grows (no crossings from noise).
        assert!(
            peak <= 1.05 * amplitude as f64,
            "{b}: |q| reached {peak:.4} rad from a release at {amplitude}"
        );
    }
}

#[test]
fn double_pendulum_conserves_energy_for_ten_seconds() {
    for backend in backends("double_pendulum_conserves_energy_for_ten_seconds") {
        let b = name(&backend);
        let double = builtin("double_pendulum").expect("built-in double pendulum");
        let gravity = double.params.gravity;
        let mut resting = double.scene.clone();
        resting
            .set_initial_joint_positions(&[0.0, 0.0])
            .expect("two hinge angles");
        let rest_energy = scene_energy(&resting, gravity);
        let mut sim = builtin_sim(&double, 1, &backend);
        let scene = sim.scene().clone();
        let initial = energy(&scene, &States::read(&mut sim).world(0), gravity);
        let above_rest = initial - rest_energy;
        assert!(
            above_rest > 1.0,
            "{b}: the double pendulum starts only {above_rest} J above rest"
        );
        let steps = (10.0 / double.params.dt).round() as usize;
        let (mut worst, mut worst_at) = (0.0f64, 0);
        let mut last = initial;
        for k in 1..=steps {
            sim.step().expect("step");
            last = energy(&scene, &States::read(&mut sim).world(0), gravity);
            let deviation = (last - initial).abs();
            if deviation > worst {
                (worst, worst_at) = (deviation, k);
            }
        }
        assert!(sim.non_finite_worlds().is_empty(), "{b}: non-finite state");
        let relative = worst / above_rest;
        eprintln!(
            "{b}: double pendulum energy {initial:.4} J ({above_rest:.4} J above rest): max \
             deviation {worst:.5} J = {:.3} % at t = {:.2} s; after 10 s {:+.3} %",
            100.0 * relative,
            worst_at as f32 * double.params.dt,
            100.0 * (last - initial) / above_rest
        );
        assert!(
            relative < 0.02,
            "{b}: energy deviated by {worst:.5} J = {:.3} % of the {above_rest:.4} J above rest \
             (at t = {:.2} s; limit 2 %)",
            100.0 * relative,
            worst_at as f32 * double.params.dt
        );
    }
}

#[test]
fn hanging_chain_holds_together_for_ten_seconds() {
    for backend in backends("hanging_chain_holds_together_for_ten_seconds") {
        let b = name(&backend);
        let chain = builtin("chain10").expect("built-in chain");
        let mut sim = builtin_sim(&chain, 1, &backend);
        let scene = sim.scene().clone();
        assert_eq!(scene.joints().len(), 10, "{b}: ten ball joints");
        let steps = (10.0 / chain.params.dt).round() as usize;
        let (mut worst, mut worst_joint, mut worst_step) = (0.0f32, 0, 0);
        let mut last = (0.0, 0);
        let mut lowest_tip = f32::INFINITY;
        for k in 1..=steps {
            sim.step().expect("step");
            let states = States::read(&mut sim);
            last = worst_separation(&scene, &states.world(0));
            if last.0 > worst {
                (worst, worst_joint, worst_step) = (last.0, last.1, k);
            }
            lowest_tip = lowest_tip.min(states.positions[9].z);
        }
        assert!(sim.non_finite_worlds().is_empty(), "{b}: non-finite state");
        eprintln!(
            "{b}: chain10 anchor separation after 10 s {:.3e} m (joint {}); max over the run \
             {worst:.3e} m (joint {worst_joint}, t = {:.2} s); lowest link origin z {lowest_tip:.3}",
            last.0,
            last.1,
            worst_step as f32 * chain.params.dt
        );
        assert!(
            last.0 < 1e-3,
            "{b}: after 10 s joint {} is {:.3e} m apart (limit 1 mm)",
            last.1,
            last.0
        );
        assert!(
            worst < 1e-3,
            "{b}: joint {worst_joint} came {worst:.3e} m apart at t = {:.2} s (limit 1 mm)",
            worst_step as f32 * chain.params.dt
        );
        // The chain hangs from a pivot at z = 2 m: ten 0.2 m links reach z = 0 at most, so
        // the last link's origin (its top end) can never be below 0.2 m while joined.
        assert!(
            lowest_tip > 0.2 - 1e-2,
            "{b}: the last link's top reached z = {lowest_tip}, below what the chain allows"
        );
    }
}
