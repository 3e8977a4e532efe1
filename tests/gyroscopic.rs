//! Torque-free rigid bodies against the closed-form solutions of Euler's equations
//! (Landau & Lifshitz, Mechanics §§33, 37), on both backends: a spun disc precesses about its
//! fixed angular momentum at |L|/I₁, a box spun about its intermediate axis flips over with the
//! elliptic-function period, a box spun about its largest axis does not, and a thin fast rod's
//! energy never grows. World-frame angular momentum and kinetic energy are conserved.

mod common;
use common::*;
use manyworlds::{BodyDesc, ColliderDesc, Mat3, Quat, Shape, Sim, StepParams, Vec3};

fn zero_g() -> StepParams {
    StepParams {
        gravity: Vec3::ZERO,
        ..StepParams::default()
    }
}

/// One free body of `shape` spinning at `omega` (world = body axes at the start).
fn spinning(shape: Shape, omega: Vec3, backend: &manyworlds::Backend) -> Sim {
    let body = BodyDesc::dynamic("spinner")
        .velocity(Vec3::ZERO, omega)
        .collider(ColliderDesc::new(shape));
    sim(vec![body], zero_g(), 1, backend)
}

/// The body's inertia about its centre of mass, in its own axes (f64).
fn inertia(sim: &Sim) -> [[f64; 3]; 3] {
    let i: Mat3 = sim.scene().bodies()[0].mass.inertia;
    let c = i.to_cols_array_2d();
    c.map(|col| col.map(f64::from))
}

fn mul(m: &[[f64; 3]; 3], v: [f64; 3]) -> [f64; 3] {
    // Column-major: m[c][r].
    std::array::from_fn(|r| (0..3).map(|c| m[c][r] * v[c]).sum())
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    (0..3).map(|k| a[k] * b[k]).sum()
}

fn f64s(v: Vec3) -> [f64; 3] {
    [v.x, v.y, v.z].map(f64::from)
}

/// The state that matters here: orientation and angular velocity in body axes.
struct Spin {
    orientation: Quat,
    body_omega: [f64; 3],
}

fn spin(sim: &mut Sim) -> Spin {
    let q = sim.orientations().expect("readback")[0];
    let w = sim.angular_velocities().expect("readback")[0];
    Spin {
        orientation: q,
        body_omega: f64s(q.conjugate() * w),
    }
}

/// World angular momentum R I ω_b and twice the kinetic energy ω_bᵀ I ω_b.
fn momentum_and_energy(spin: &Spin, inertia: &[[f64; 3]; 3]) -> ([f64; 3], f64) {
    let l_body = mul(inertia, spin.body_omega);
    (
        rotate(spin.orientation, l_body),
        dot(spin.body_omega, l_body),
    )
}

fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

/// `v` turned by `q`, in f64: v + 2w (u × v) + 2 u × (u × v), u the vector part.
fn rotate(q: Quat, v: [f64; 3]) -> [f64; 3] {
    let u = [q.x, q.y, q.z].map(f64::from);
    let t = cross(u, v).map(|x| 2.0 * x);
    let ut = cross(u, t);
    std::array::from_fn(|k| v[k] + f64::from(q.w) * t[k] + ut[k])
}

fn angle_between(a: [f64; 3], b: [f64; 3]) -> f64 {
    let c = dot(a, b) / (dot(a, a) * dot(b, b)).sqrt();
    c.clamp(-1.0, 1.0).acos()
}

/// Asserts that L (world) and the energy stay within the given bounds of their start values.
fn assert_invariants(
    what: &str,
    start: &([f64; 3], f64),
    now: &([f64; 3], f64),
    direction_tolerance: f64,
    relative_tolerance: f64,
) {
    let (l0, e0) = start;
    let (l, e) = now;
    let turned = angle_between(*l0, *l);
    assert!(
        turned < direction_tolerance,
        "{what}: angular momentum turned by {turned} rad ({l0:?} → {l:?})"
    );
    let (size0, size) = (dot(*l0, *l0).sqrt(), dot(*l, *l).sqrt());
    assert!(
        (size - size0).abs() < relative_tolerance * size0,
        "{what}: |L| {size0} → {size}"
    );
    assert!(
        (e - e0).abs() < relative_tolerance * e0,
        "{what}: kinetic energy ×2 {e0} → {e}"
    );
}

#[test]
fn a_spun_disc_precesses_about_its_fixed_angular_momentum() {
    // A thin disc (symmetry axis z) spun about z with a kick about x: the axis cones about L
    // at the fixed angle θ, cos θ = I₃ω₃/|L|, at the rate |L|/I₁ (Landau & Lifshitz §33).
    for backend in backends("a_spun_disc_precesses_about_its_fixed_angular_momentum") {
        let b = name(&backend);
        let disc = Shape::Cylinder {
            half_length: 0.025,
            radius: 0.5,
        };
        let mut sim = spinning(disc, Vec3::new(3.0, 0.0, 10.0), &backend);
        let inertia = inertia(&sim);
        let first = spin(&mut sim);
        let start = momentum_and_energy(&first, &inertia);
        let l = start.0;
        let l_size = dot(l, l).sqrt();
        let l_hat = l.map(|x| x / l_size);
        let (i1, i3) = (inertia[0][0], inertia[2][2]);
        let cone = (i3 * 10.0 / l_size).acos();
        let rate = l_size / i1;

        // The axis' azimuth about L, unwrapped step by step.
        let u = {
            let any = if l_hat[0].abs() < 0.9 {
                [1.0, 0.0, 0.0]
            } else {
                [0.0, 1.0, 0.0]
            };
            let c = cross(l_hat, any);
            let size = dot(c, c).sqrt();
            c.map(|x| x / size)
        };
        let v = cross(l_hat, u);
        let azimuth = |axis: [f64; 3]| dot(axis, v).atan2(dot(axis, u));
        let mut angle = azimuth([0.0, 0.0, 1.0]);
        let start_angle = angle;
        let steps = 200;
        for _ in 0..steps {
            sim.step().expect("steps");
            let now = spin(&mut sim);
            let axis = f64s(now.orientation * Vec3::Z);
            let tilt = angle_between(axis, l_hat);
            assert!(
                (tilt - cone).abs() < 2e-3,
                "{b}: the axis left its cone: {tilt} rad from L, expected {cone}"
            );
            let a = azimuth(axis);
            let mut turn = a - angle.rem_euclid(std::f64::consts::TAU);
            turn = (turn + std::f64::consts::PI).rem_euclid(std::f64::consts::TAU)
                - std::f64::consts::PI;
            angle += turn;
            assert_invariants(b, &start, &momentum_and_energy(&now, &inertia), 5e-4, 1e-3);
        }
        let t = steps as f64 * f64::from(sim.params().dt);
        let precessed = angle - start_angle;
        let expected = rate * t;
        assert!(
            (precessed - expected).abs() < 5e-3 * expected,
            "{b}: the axis precessed {precessed} rad in {t} s, expected {expected} (|L|/I₁ = {rate})"
        );
    }
}

/// K(k) by the arithmetic–geometric mean: π / (2 AGM(1, √(1 − k²))).
fn complete_elliptic_k(k_squared: f64) -> f64 {
    let (mut a, mut g) = (1.0f64, (1.0 - k_squared).sqrt());
    while (a - g).abs() > 1e-15 * a {
        (a, g) = (0.5 * (a + g), (a * g).sqrt());
    }
    std::f64::consts::PI / (2.0 * a)
}

/// The time between sign changes of the intermediate-axis component of ω for a torque-free
/// body with principal moments `moments` (any order) started at body-axes `omega`: half the
/// period 4K/p of Jacobi's sn (Landau & Lifshitz §37).
fn intermediate_axis_half_period(moments: [f64; 3], omega: [f64; 3]) -> f64 {
    let energy2: f64 = (0..3).map(|k| moments[k] * omega[k] * omega[k]).sum();
    let l2: f64 = (0..3).map(|k| (moments[k] * omega[k]).powi(2)).sum();
    let mut sorted = moments;
    sorted.sort_by(f64::total_cmp);
    let [small, middle, large] = sorted;
    // Written for L² > 2E I₂; the other case swaps the smallest and largest moments.
    let (i1, i3) = if l2 > energy2 * middle {
        (small, large)
    } else {
        (large, small)
    };
    let rate = ((i3 - middle) * (l2 - energy2 * i1) / (i1 * middle * i3)).sqrt();
    let k2 = (middle - i1) * (energy2 * i3 - l2) / ((i3 - middle) * (l2 - energy2 * i1));
    2.0 * complete_elliptic_k(k2) / rate
}

#[test]
fn a_box_spun_about_its_intermediate_axis_flips_with_the_elliptic_period() {
    for backend in backends("a_box_spun_about_its_intermediate_axis_flips") {
        let b = name(&backend);
        // Moments about x > y > z: y is the intermediate axis.
        let brick = Shape::cuboid(Vec3::new(0.05, 0.2, 0.4));
        let omega = Vec3::new(0.5, 10.0, 0.5);
        let mut sim = spinning(brick, omega, &backend);
        let inertia = inertia(&sim);
        let moments = [inertia[0][0], inertia[1][1], inertia[2][2]];
        let expected = intermediate_axis_half_period(moments, f64s(omega));
        let start = momentum_and_energy(&spin(&mut sim), &inertia);
        let dt = f64::from(sim.params().dt);
        let mut previous = f64::from(omega.y);
        let mut flips = Vec::new();
        for step in 1..=450 {
            sim.step().expect("steps");
            let now = spin(&mut sim);
            let y = now.body_omega[1];
            if (previous > 0.0) != (y > 0.0) {
                flips.push((step as f64 - 1.0 + previous / (previous - y)) * dt);
            }
            previous = y;
            assert_invariants(b, &start, &momentum_and_energy(&now, &inertia), 1e-3, 2e-3);
        }
        assert!(flips.len() >= 3, "{b}: flipped at {flips:?} only");
        for pair in flips.windows(2) {
            let half_period = pair[1] - pair[0];
            assert!(
                (half_period - expected).abs() < 0.02 * expected,
                "{b}: flips at {flips:?}: {half_period} s apart, expected {expected} s"
            );
        }
    }
}

#[test]
fn a_box_spun_about_its_largest_axis_keeps_spinning_about_it() {
    for backend in backends("a_box_spun_about_its_largest_axis_keeps_spinning_about_it") {
        let b = name(&backend);
        let brick = Shape::cuboid(Vec3::new(0.05, 0.2, 0.4));
        let omega = Vec3::new(10.0, 0.5, 0.5);
        let mut sim = spinning(brick, omega, &backend);
        for _ in 0..300 {
            sim.step().expect("steps");
            let x = spin(&mut sim).body_omega[0];
            assert!(
                x > 9.9,
                "{b}: the spin about the largest axis fell to {x} rad/s"
            );
        }
    }
}

#[test]
fn a_thin_fast_rod_never_gains_energy() {
    // 2 cm thick, 1 m long, spun at 150 rad/s about an axis 0.3 rad off its length: stiff for
    // an explicit gyroscopic step (I_long / I_cross ≈ 1e-4).
    for backend in backends("a_thin_fast_rod_never_gains_energy") {
        let b = name(&backend);
        let rod = Shape::Capsule {
            half_length: 0.5,
            radius: 0.01,
        };
        let axis = Vec3::new(0.3f32.sin(), 0.0, 0.3f32.cos());
        let mut sim = spinning(rod, axis * 150.0, &backend);
        let inertia = inertia(&sim);
        let mut energy = momentum_and_energy(&spin(&mut sim), &inertia).1;
        for _ in 0..200 {
            sim.step().expect("steps");
            let now = momentum_and_energy(&spin(&mut sim), &inertia).1;
            assert!(
                now.is_finite() && now <= energy * (1.0 + 1e-5),
                "{b}: kinetic energy ×2 rose from {energy} to {now}"
            );
            energy = now;
        }
    }
}
