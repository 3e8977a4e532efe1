//! A body as the solver sees it during one step: centre-of-mass state, inverse mass in world
//! axes, and how far it has moved since the step began (contacts re-evaluate their
//! separation from these deltas every substep instead of re-running the narrow phase).
//! The velocity, the one thing the constraint iterations change, is kept apart in 32 bytes
//! ([`Velocity`]) that a constraint copies in and writes back.
//!
//! The solver keeps vectors in glam's 16-byte SIMD types (`Vec3A`, `Mat3A`): with 12-byte
//! vectors the compiler spills and reloads them as full SSE registers whose fourth lane holds
//! stack garbage, and arithmetic on garbage subnormals runs at microcode speed (measured: the
//! whole step twice as slow).

use glam::{Mat3, Mat3A, Quat, Vec3, Vec3A};

use crate::gyroscopic;

/// The largest rotation a body may make in one substep. Limits the damage of a wild angular
/// velocity: the quaternion update below is only accurate for small angles anyway.
const MAX_ROTATION_PER_SUBSTEP: f32 = 0.25 * std::f32::consts::PI;

/// Centre-of-mass velocity and angular velocity (world frame) of a body.
#[derive(Clone, Copy, Debug, Default)]
pub struct Velocity {
    pub linear: Vec3A,
    pub angular: Vec3A,
}

impl Velocity {
    /// Velocity of the material point at lever arm `r`.
    #[inline(always)]
    pub fn at(&self, r: Vec3A) -> Vec3A {
        self.linear + self.angular.cross(r)
    }

    pub fn is_finite(&self) -> bool {
        self.linear.is_finite() && self.angular.is_finite()
    }

    /// Applies gravity for one substep `h`.
    pub fn accelerate(&mut self, gravity: Vec3, h: f32) {
        self.linear += Vec3A::from(gravity) * h;
    }
}

#[derive(Clone, Copy, Debug)]
pub struct SolverBody {
    /// Centre of mass, world.
    pub center: Vec3A,
    pub orientation: Quat,
    /// Zero for static bodies.
    pub inverse_mass: f32,
    /// R I⁻¹ Rᵀ at the start of the step; kept for the whole step, like the contact Jacobians.
    pub inverse_inertia: Mat3A,
    /// Centre-of-mass displacement since the start of the step.
    pub delta_position: Vec3A,
    /// Orientation at the start of the step.
    pub start_orientation: Quat,
    /// Rotation since the start of the step, updated once per substep, so contacts can carry
    /// their lever arms along with one matrix product.
    pub delta_rotation: Mat3A,
    /// Whether any contact (speculative ones included) touches the body this step.
    pub in_contact: bool,
    /// Whether the body feels a gyroscopic torque (dynamic, inertia not a multiple of the
    /// identity), and its inertia in its own axes for it.
    pub gyroscopic: bool,
    pub inertia_local: Mat3A,
}

impl SolverBody {
    pub fn new(
        center: Vec3,
        orientation: Quat,
        inverse_mass: f32,
        inverse_inertia_local: &Mat3,
    ) -> Self {
        let r = Mat3::from_quat(orientation);
        let gyroscopic =
            inverse_mass > 0.0 && gyroscopic::has_gyroscopic_torque(inverse_inertia_local);
        Self {
            center: center.into(),
            orientation,
            inverse_mass,
            inverse_inertia: (r * *inverse_inertia_local * r.transpose()).into(),
            delta_position: Vec3A::ZERO,
            start_orientation: orientation,
            delta_rotation: Mat3A::IDENTITY,
            in_contact: false,
            gyroscopic,
            inertia_local: if gyroscopic {
                inverse_inertia_local.inverse().into()
            } else {
                Mat3A::ZERO
            },
        }
    }

    /// Turns `angular` (world) by the gyroscopic torque over `h`, in the body's axes at its
    /// current orientation (gyroscopic.rs). Only the change is rotated back: a round trip of ω
    /// itself through a quaternion whose length is 1 within rounding would scale it by |q|⁴ and
    /// feed the body energy every substep.
    pub fn apply_gyroscopic(&self, angular: &mut Vec3A, h: f32) {
        if self.gyroscopic {
            let local = self.orientation.conjugate() * *angular;
            let turned = gyroscopic::torque_free_step(&self.inertia_local, local, h);
            *angular += self.orientation * (turned - local);
        }
    }

    pub fn is_dynamic(&self) -> bool {
        self.inverse_mass > 0.0
    }

    /// Position update over `h`, after the velocity update `v += h g`: symplectic Euler,
    /// x += h v and q += h/2 (ω, 0) ⊗ q renormalised, for a body in contact, so position and
    /// the constraint-solved velocity agree. A body in free flight takes x += h v − h²g/2,
    /// which is exact for constant gravity (symplectic Euler would fall h·g·t/2 too far).
    pub fn integrate_position(&mut self, velocity: &mut Velocity, h: f32, gravity: Vec3) {
        let mut dx = velocity.linear * h;
        if !self.in_contact {
            dx -= Vec3A::from(gravity) * (0.5 * h * h);
        }
        self.center += dx;
        self.delta_position += dx;
        let angle_sq = velocity.angular.length_squared() * (h * h);
        if angle_sq > MAX_ROTATION_PER_SUBSTEP * MAX_ROTATION_PER_SUBSTEP {
            velocity.angular *= MAX_ROTATION_PER_SUBSTEP / angle_sq.sqrt();
        }
        let w = velocity.angular * (0.5 * h);
        let spin = Quat::from_xyzw(w.x, w.y, w.z, 0.0) * self.orientation;
        self.orientation = (self.orientation + spin).normalize();
        if self.in_contact {
            // Only contacts read it.
            self.delta_rotation =
                Mat3A::from_quat(self.orientation * self.start_orientation.conjugate());
        }
    }

    /// How far the material point at lever arm `r` (taken at the start of the step) has moved
    /// since then.
    #[inline(always)]
    pub fn displacement_of(&self, r: Vec3A) -> Vec3A {
        self.delta_position + self.delta_rotation * r - r
    }

    pub fn is_finite(&self) -> bool {
        self.center.is_finite() && self.orientation.is_finite()
    }
}
