//! A body as the solver sees it during one step: centre-of-mass state, inverse mass in world
//! axes, and how far it has moved since the step began (contacts re-evaluate their
//! separation from these deltas every substep instead of re-running the narrow phase).

use glam::{Mat3, Quat, Vec3};

/// The largest rotation a body may make in one substep. Limits the damage of a wild angular
/// velocity: the quaternion update below is only accurate for small angles anyway.
const MAX_ROTATION_PER_SUBSTEP: f32 = 0.25 * std::f32::consts::PI;

#[derive(Clone, Copy, Debug)]
pub struct SolverBody {
    /// Centre of mass, world.
    pub center: Vec3,
    pub orientation: Quat,
    pub linear_velocity: Vec3,
    pub angular_velocity: Vec3,
    /// Zero for static bodies.
    pub inverse_mass: f32,
    /// R I⁻¹ Rᵀ at the start of the step; kept for the whole step, like the contact Jacobians.
    pub inverse_inertia: Mat3,
    /// Centre-of-mass displacement since the start of the step.
    pub delta_position: Vec3,
    /// Whether any contact (speculative ones included) touches the body this step.
    pub in_contact: bool,
}

impl SolverBody {
    pub fn new(
        center: Vec3,
        orientation: Quat,
        linear_velocity: Vec3,
        angular_velocity: Vec3,
        inverse_mass: f32,
        inverse_inertia_local: &Mat3,
    ) -> Self {
        let r = Mat3::from_quat(orientation);
        Self {
            center,
            orientation,
            linear_velocity,
            angular_velocity,
            inverse_mass,
            inverse_inertia: r * *inverse_inertia_local * r.transpose(),
            delta_position: Vec3::ZERO,
            in_contact: false,
        }
    }

    pub fn is_dynamic(&self) -> bool {
        self.inverse_mass > 0.0
    }

    /// Applies the impulse `p` at the lever arm `r` from the centre of mass.
    #[inline(always)]
    pub fn apply_impulse(&mut self, p: Vec3, r: Vec3) {
        self.linear_velocity += p * self.inverse_mass;
        self.angular_velocity += self.inverse_inertia * r.cross(p);
    }

    /// Velocity of the material point at lever arm `r`.
    #[inline(always)]
    pub fn point_velocity(&self, r: Vec3) -> Vec3 {
        self.linear_velocity + self.angular_velocity.cross(r)
    }

    /// Position update over `h`, after the velocity update `v += h g`: symplectic Euler,
    /// x += h v and q += h/2 (ω, 0) ⊗ q renormalised, for a body in contact, so position and
    /// the constraint-solved velocity agree. A body in free flight takes x += h v − h²g/2,
    /// which is exact for constant gravity (symplectic Euler would fall h·g·t/2 too far).
    pub fn integrate_position(&mut self, h: f32, gravity: Vec3) {
        let mut dx = self.linear_velocity * h;
        if !self.in_contact {
            dx -= gravity * (0.5 * h * h);
        }
        self.center += dx;
        self.delta_position += dx;
        let angle = self.angular_velocity.length() * h;
        if angle > MAX_ROTATION_PER_SUBSTEP {
            self.angular_velocity *= MAX_ROTATION_PER_SUBSTEP / angle;
        }
        let w = self.angular_velocity * (0.5 * h);
        let spin = Quat::from_xyzw(w.x, w.y, w.z, 0.0) * self.orientation;
        self.orientation = (self.orientation + spin).normalize();
    }

    /// Where the lever arm `r`, fixed to the body at the start of the step, points now.
    #[inline(always)]
    pub fn rotated_since_start(&self, local_anchor: Vec3) -> Vec3 {
        self.orientation * local_anchor
    }

    pub fn is_finite(&self) -> bool {
        self.center.is_finite()
            && self.orientation.is_finite()
            && self.linear_velocity.is_finite()
            && self.angular_velocity.is_finite()
    }
}
