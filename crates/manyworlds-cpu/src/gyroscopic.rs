//! Gyroscopic motion. A body free of torque keeps its world angular momentum L = R I ω_b,
//! where I is its inertia in its own axes and ω_b its angular velocity in them; ω_b then
//! follows Euler's equations I ω̇_b = −ω_b × I ω_b, so ω turns in the world (a spun disc
//! wobbles, a body spun about its intermediate axis flips over and back).
//!
//! Each substep's velocity update takes this term implicitly, in body axes at the current
//! orientation, by the implicit midpoint rule
//!
//! ```text
//! I (ω₁ − ω₀) = −h ω̄ × I ω̄,    ω̄ = (ω₀ + ω₁) / 2,
//! ```
//!
//! a symplectic Runge–Kutta method, which keeps Euler's two quadratic invariants, |I ω|² (the
//! size of L) and ωᵀ I ω (twice the kinetic energy), when solved exactly. One Newton iteration
//! from ω₀ solves it to O((hω)³) for the rates a substep carries (a second kept the
//! torque-free tests within the same bounds and cost 4 % of the ant's step). (Catto, GDC 2015
//! "Numerical Methods", takes one Newton step of implicit Euler, which damps the wobble.)
//! Whatever the rate, a step never adds energy: ω₁ is scaled down if ω₁ᵀ I ω₁ > ω₀ᵀ I ω₀.
//! A body whose inertia is a multiple of the identity has no gyroscopic torque and is skipped.
//! The same algorithm is `shaders/gyroscopic.wgsl`.

use glam::{Mat3, Mat3A, Vec3A};

/// Newton iterations on the implicit midpoint equation.
const NEWTON_ITERATIONS: usize = 1;

/// Whether a body with this inverse inertia (body axes) feels a gyroscopic torque: not when
/// the inertia is a multiple of the identity (a sphere, a cube), nor when it is zero (static).
pub fn has_gyroscopic_torque(inverse_inertia: &Mat3) -> bool {
    let m = inverse_inertia;
    let off_diagonal = [
        m.x_axis.y, m.x_axis.z, m.y_axis.x, m.y_axis.z, m.z_axis.x, m.z_axis.y,
    ];
    off_diagonal.iter().any(|&x| x != 0.0) || m.x_axis.x != m.y_axis.y || m.x_axis.x != m.z_axis.z
}

/// The matrix of `a × ·`.
fn cross_matrix(a: Vec3A) -> Mat3A {
    Mat3A::from_cols(a.cross(Vec3A::X), a.cross(Vec3A::Y), a.cross(Vec3A::Z))
}

/// The body-axes angular velocity after a substep `h` of torque-free motion from `omega`, for
/// body-axes inertia `inertia` (module docs).
pub fn torque_free_step(inertia: &Mat3A, omega: Vec3A, h: f32) -> Vec3A {
    let mut next = omega;
    for _ in 0..NEWTON_ITERATIONS {
        let mid = 0.5 * (omega + next);
        let momentum = *inertia * mid;
        let residual = *inertia * (next - omega) + h * mid.cross(momentum);
        // d/dω₁ of the residual: I + h/2 (ω̄× I − (I ω̄)×).
        let jacobian =
            *inertia + (0.5 * h) * (cross_matrix(mid) * *inertia - cross_matrix(momentum));
        next -= jacobian.inverse() * residual;
    }
    if !next.is_finite() {
        return omega;
    }
    let energy_before = omega.dot(*inertia * omega);
    let energy_after = next.dot(*inertia * next);
    if energy_after > energy_before {
        next *= (energy_before / energy_after).sqrt();
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invariants_are_kept_and_energy_never_grows() {
        let inertia = Mat3A::from_diagonal(glam::Vec3::new(0.2, 0.5, 0.9));
        let mut omega = Vec3A::new(0.3, 20.0, 0.1);
        let energy = omega.dot(inertia * omega);
        let momentum = (inertia * omega).length();
        for _ in 0..4000 {
            let next = torque_free_step(&inertia, omega, 0.0025);
            // No gain beyond the rounding of the energy's own evaluation.
            let (before, after) = (omega.dot(inertia * omega), next.dot(inertia * next));
            assert!(
                after <= before * (1.0 + 4.0 * f32::EPSILON),
                "{before} → {after}"
            );
            omega = next;
        }
        // 10 s of a body spun fast about its intermediate axis (hω = 0.05 a step): the one Newton
        // iteration leaves a residual that the energy clamp turns into a little damping.
        let (e, l) = (omega.dot(inertia * omega), (inertia * omega).length());
        assert!((e - energy).abs() < 1e-2 * energy, "energy {energy} → {e}");
        assert!(
            (l - momentum).abs() < 1e-2 * momentum,
            "|L| {momentum} → {l}"
        );
    }

    #[test]
    fn isotropic_bodies_are_skipped() {
        assert!(!has_gyroscopic_torque(&Mat3::from_diagonal(
            glam::Vec3::splat(2.0)
        )));
        assert!(!has_gyroscopic_torque(&Mat3::ZERO));
        assert!(has_gyroscopic_torque(&Mat3::from_diagonal(
            glam::Vec3::new(2.0, 2.0, 1.0)
        )));
    }
}
