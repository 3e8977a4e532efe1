//! The built-in cart-pole against its equations of motion, integrated with RK4 in the test.

mod common;
use common::*;
use manyworlds::scenes::builtin;
use manyworlds::scenes::cartpole::{
    CART_MASS, FORCE_GEAR, POLE_HALF_LENGTH, POLE_INERTIA, POLE_MASS,
};
use manyworlds::Vec3;

/// The cart-pole's parameters: cart mass, pole mass, hinge to the pole's centre of mass, the
/// pole's inertia about its centre of mass (about the hinge axis), gravity, force on the cart.
#[derive(Clone, Copy, Debug)]
struct CartPole {
    cart_mass: f64,
    pole_mass: f64,
    length: f64,
    inertia: f64,
    g: f64,
    force: f64,
}

impl CartPole {
    /// (ẍ, θ̈) at state (x, θ, ẋ, θ̇). Coordinates: the cart at x on the slider (+x), the
    /// pole's angle θ from upright, positive turning it from +z towards +x (the hinge is about
    /// +y), so its centre of mass is at (x + l sin θ, l cos θ). Lagrange's equations:
    ///   (M + m) ẍ + m l cos θ θ̈ − m l sin θ θ̇² = F
    ///   m l cos θ ẍ + (I_c + m l²) θ̈ − m g l sin θ = 0
    fn accelerations(&self, theta: f64, theta_dot: f64) -> (f64, f64) {
        let (m, l) = (self.pole_mass, self.length);
        let (s, c) = theta.sin_cos();
        let a11 = self.cart_mass + m;
        let a12 = m * l * c;
        let a22 = self.inertia + m * l * l;
        let b1 = self.force + m * l * s * theta_dot * theta_dot;
        let b2 = m * self.g * l * s;
        let det = a11 * a22 - a12 * a12;
        ((b1 * a22 - a12 * b2) / det, (a11 * b2 - a12 * b1) / det)
    }

    fn derivative(&self, y: [f64; 4]) -> [f64; 4] {
        let (xdd, thetadd) = self.accelerations(y[1], y[3]);
        [y[2], y[3], xdd, thetadd]
    }

    /// One classical Runge–Kutta step of `h` from `y` = (x, θ, ẋ, θ̇).
    fn rk4(&self, y: [f64; 4], h: f64) -> [f64; 4] {
        let add = |a: [f64; 4], b: [f64; 4], k: f64| std::array::from_fn(|i| a[i] + k * b[i]);
        let k1 = self.derivative(y);
        let k2 = self.derivative(add(y, k1, h / 2.0));
        let k3 = self.derivative(add(y, k2, h / 2.0));
        let k4 = self.derivative(add(y, k3, h));
        std::array::from_fn(|i| y[i] + h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]))
    }
}

/// Largest |measured − reference| and the tolerance it is held to: 2 % of the reference's
/// scale over the run. A pointwise relative error would be meaningless where the reference
/// crosses zero (θ does), so the scale is the reference's range over the run, floored by its
/// largest magnitude so that a signal that changes little is not held to a vanishing
/// tolerance.
fn error_and_tolerance(measured: &[f64], reference: &[f64]) -> (f64, f64, usize) {
    let (mut worst, mut at) = (0.0, 0);
    for (k, (a, b)) in measured.iter().zip(reference).enumerate() {
        if (a - b).abs() > worst {
            (worst, at) = ((a - b).abs(), k);
        }
    }
    let max = reference.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let min = reference.iter().cloned().fold(f64::INFINITY, f64::min);
    let magnitude = reference.iter().map(|v| v.abs()).fold(0.0, f64::max);
    (worst, 0.02 * (max - min).max(magnitude), at)
}

#[test]
fn cartpole_follows_its_equations_of_motion_for_one_second() {
    for backend in backends("cartpole_follows_its_equations_of_motion_for_one_second") {
        let b = name(&backend);
        let cartpole = builtin("cartpole").expect("built-in cart-pole");
        let theta0 = 0.1f32;
        let mut scene = cartpole.scene.clone();
        scene
            .set_initial_joint_positions(&[0.0, theta0])
            .expect("slider and hinge");

        // The parameters, from the scene's resolved bodies and joints.
        let slider = &scene.joints()[0];
        let hinge = &scene.joints()[1];
        let cart = &scene.bodies()[slider.child];
        let pole = &scene.bodies()[hinge.child];
        assert_eq!(
            hinge.parent,
            Some(slider.child),
            "{b}: the pole rides the cart"
        );
        let slide_axis = cart.pose.orientation * slider.frame_in_child.orientation * Vec3::X;
        let hinge_axis = pole.pose.orientation * hinge.frame_in_child.orientation * Vec3::X;
        assert!(
            slide_axis.dot(Vec3::X) > 0.9999 && hinge_axis.dot(Vec3::Y) > 0.9999,
            "{b}: slider along {slide_axis}, hinge about {hinge_axis}"
        );
        let axis_in_pole = hinge.frame_in_child.orientation * Vec3::X;
        let com_offset = pole.mass.center_of_mass - hinge.frame_in_child.position;
        let model = CartPole {
            cart_mass: cart.mass.mass as f64,
            pole_mass: pole.mass.mass as f64,
            length: com_offset.length() as f64,
            inertia: axis_in_pole.dot(pole.mass.inertia * axis_in_pole) as f64,
            g: -cartpole.params.gravity.z as f64,
            force: 0.0,
        };
        let close = |a: f64, b: f32| (a - b as f64).abs() < 1e-5;
        assert!(
            close(model.cart_mass, CART_MASS)
                && close(model.pole_mass, POLE_MASS)
                && close(model.length, POLE_HALF_LENGTH)
                && close(model.inertia, POLE_INERTIA),
            "{b}: the scene's cart-pole {model:?} differs from its documented constants"
        );
        // The sign convention: θ > 0 puts the pole's centre of mass at +x of the hinge.
        let com = pole.pose.transform_point(pole.mass.center_of_mass);
        assert!(
            (com.x as f64 - model.length * (theta0 as f64).sin()).abs() < 1e-5
                && (com.z as f64 - model.length * (theta0 as f64).cos()).abs() < 1e-5,
            "{b}: at θ = {theta0} the pole's centre of mass is at {com}"
        );

        let control = 0.5f32;
        let model = CartPole {
            force: (FORCE_GEAR * control) as f64,
            ..model
        };
        let mut sim = sim_of(scene, cartpole.params, 1, &backend);
        sim.set_controls(&[control]).expect("one control");
        let dt = cartpole.params.dt as f64;
        let steps = (1.0 / dt).round() as usize;
        let fine = 1e-4;
        let per_step = (dt / fine).round() as usize;
        let mut y = [0.0, theta0 as f64, 0.0, 0.0];
        let mut q = [0.0f32; 2];
        let (mut xs, mut thetas) = (Vec::new(), Vec::new());
        let (mut x_ref, mut theta_ref) = (Vec::new(), Vec::new());
        for _ in 0..steps {
            sim.step().expect("step");
            for _ in 0..per_step {
                y = model.rk4(y, fine);
            }
            sim.joint_positions(&mut q).expect("joint positions");
            xs.push(q[0] as f64);
            // q of a hinge is reported in (−π, π]; the pole swings past upside down, so the
            // angle is unwrapped to a continuous one (steps are far shorter than half a turn).
            let previous = thetas.last().copied().unwrap_or(theta0 as f64);
            let turns = ((previous - q[1] as f64) / std::f64::consts::TAU).round();
            thetas.push(q[1] as f64 + turns * std::f64::consts::TAU);
            x_ref.push(y[0]);
            theta_ref.push(y[1]);
        }
        let forces = sim.actuator_forces().expect("forces").to_vec();
        assert_eq!(
            forces,
            vec![control],
            "{b}: the motor's force is its control"
        );
        let (x_error, x_tolerance, x_at) = error_and_tolerance(&xs, &x_ref);
        let (theta_error, theta_tolerance, theta_at) = error_and_tolerance(&thetas, &theta_ref);
        eprintln!(
            "{b}: cart-pole after 1 s: x {:.5} m (reference {:.5}), θ {:.5} rad (reference \
             {:.5}); max |Δx| {x_error:.3e} m at t = {:.2} s (tolerance {x_tolerance:.3e}), max \
             |Δθ| {theta_error:.3e} rad at t = {:.2} s (tolerance {theta_tolerance:.3e})",
            xs[steps - 1],
            x_ref[steps - 1],
            thetas[steps - 1],
            theta_ref[steps - 1],
            (x_at + 1) as f64 * dt,
            (theta_at + 1) as f64 * dt,
        );
        assert!(
            x_error <= x_tolerance,
            "{b}: the cart's x is {x_error:.3e} m off the reference at t = {:.2} s ({:.5} vs \
             {:.5}); tolerance {x_tolerance:.3e}",
            (x_at + 1) as f64 * dt,
            xs[x_at],
            x_ref[x_at]
        );
        assert!(
            theta_error <= theta_tolerance,
            "{b}: the pole's θ is {theta_error:.3e} rad off the reference at t = {:.2} s \
             ({:.5} vs {:.5}); tolerance {theta_tolerance:.3e}",
            (theta_at + 1) as f64 * dt,
            thetas[theta_at],
            theta_ref[theta_at]
        );
    }
}
