// Gyroscopic motion (gyroscopic.rs): each substep's velocity update turns a body's angular
// velocity by Euler's equations I ω̇_b = −ω_b × I ω_b, in body axes at its current orientation,
// with the implicit midpoint rule I (ω₁ − ω₀) = −h ω̄ × I ω̄ solved by one Newton iteration,
// and ω₁ scaled down if it would carry more energy than ω₀. Bodies whose inertia is a multiple
// of the identity are skipped.
//!include common.wgsl
//!include small_matrix.wgsl

// Whether a body with this inverse inertia (body axes) feels a gyroscopic torque.
fn has_gyroscopic_torque(m: mat3x3f) -> bool {
    let off_diagonal = m[0].y != 0.0 || m[0].z != 0.0 || m[1].x != 0.0 || m[1].z != 0.0
        || m[2].x != 0.0 || m[2].y != 0.0;
    return off_diagonal || m[0].x != m[1].y || m[0].x != m[2].z;
}

// The matrix of `a × ·`.
fn cross_matrix(a: vec3f) -> mat3x3f {
    return mat3x3f(cross(a, vec3f(1.0, 0.0, 0.0)), cross(a, vec3f(0.0, 1.0, 0.0)), cross(a, vec3f(0.0, 0.0, 1.0)));
}

// One Newton iteration on the implicit midpoint equation, from the estimate `next`.
fn torque_free_newton(inertia: mat3x3f, omega: vec3f, next: vec3f, h: f32) -> vec3f {
    let mid = 0.5 * (omega + next);
    let momentum = inertia * mid;
    let residual = inertia * (next - omega) + h * cross(mid, momentum);
    let jacobian = inertia + (0.5 * h) * (cross_matrix(mid) * inertia - cross_matrix(momentum));
    return next - mat3_inverse(jacobian) * residual;
}

// The body-axes angular velocity after a substep `h` of torque-free motion from `omega`.
fn torque_free_step(inertia: mat3x3f, omega: vec3f, h: f32) -> vec3f {
    var next = torque_free_newton(inertia, omega, omega, h);
    if !is_finite_vec3(next) {
        return omega;
    }
    let energy_before = dot(omega, inertia * omega);
    let energy_after = dot(next, inertia * next);
    if energy_after > energy_before {
        next *= sqrt(energy_before / energy_after);
    }
    return next;
}

// `angular` (world) after the gyroscopic torque over h, for a body at `orientation` with
// inverse inertia `inverse_inertia` in its own axes. Only the change is rotated back (a round
// trip of ω through a quaternion of length 1 within rounding scales it by |q|⁴).
fn gyroscopic_velocity(inverse_inertia: mat3x3f, orientation: vec4f, angular: vec3f, h: f32) -> vec3f {
    if !has_gyroscopic_torque(inverse_inertia) {
        return angular;
    }
    let local = quat_rotate(quat_conjugate(orientation), angular);
    let turned = torque_free_step(mat3_inverse(inverse_inertia), local, h);
    return angular + quat_rotate(orientation, turned - local);
}
