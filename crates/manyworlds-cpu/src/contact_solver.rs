//! The soft contact constraint of the TGS-soft step (Catto, Solver2D / Box2D v3, in 3D):
//! non-penetration as a soft constraint with speculative distance, friction as two tangent
//! impulses clamped jointly to the disk |λt| ≤ μ λn, and a restitution pass after the substeps.
//!
//! Lever arms are fixed at the start of the step (the Jacobians do not change across
//! substeps); the separation is re-evaluated every substep from how far the bodies have moved:
//! `s = s0 + n · [(Δx_B + ΔR_B r_B − r_B) − (Δx_A + ΔR_A r_A − r_A)]`.

use glam::Vec3;
use manyworlds_core::Material;

use crate::contact_cache::{CachedManifold, CachedPoint};
use crate::narrowphase::{Manifold, MAX_POINTS};
use crate::softness::Softness;
use crate::solver_body::SolverBody;

#[derive(Clone, Copy, Debug, Default)]
pub struct ConstraintPoint {
    /// Lever arms from each centre of mass to the contact point at the start of the step.
    anchor_a: Vec3,
    anchor_b: Vec3,
    /// The same lever arms in each body's start orientation, to rotate them along.
    local_anchor_a: Vec3,
    local_anchor_b: Vec3,
    /// Separation at the start of the step.
    base_separation: f32,
    /// r × n and I⁻¹ (r × n) for each body: the angular part of the normal row.
    arm_normal_a: Vec3,
    arm_normal_b: Vec3,
    inertia_arm_normal_a: Vec3,
    inertia_arm_normal_b: Vec3,
    normal_mass: f32,
    tangent_mass: [f32; 2],
    pub normal_impulse: f32,
    pub tangent_impulse: [f32; 2],
    /// Largest normal impulse of any iteration this step: restitution only acts on points
    /// that actually pushed.
    max_normal_impulse: f32,
    /// Normal velocity at the start of the step (negative: approaching).
    relative_velocity: f32,
    pub feature: u32,
}

#[derive(Clone, Copy, Debug)]
pub struct ContactConstraint {
    pub body_a: u32,
    pub body_b: u32,
    pub key: u32,
    pub normal: Vec3,
    tangents: [Vec3; 2],
    friction: f32,
    restitution: f32,
    softness: Softness,
    pub count: usize,
    pub points: [ConstraintPoint; MAX_POINTS],
}

/// Effective mass 1 / (J M⁻¹ Jᵀ) of a row with linear direction `d` and lever arms `ra`, `rb`.
fn effective_mass(a: &SolverBody, b: &SolverBody, ra: Vec3, rb: Vec3, d: Vec3) -> f32 {
    let (ja, jb) = (ra.cross(d), rb.cross(d));
    let k = a.inverse_mass
        + b.inverse_mass
        + ja.dot(a.inverse_inertia * ja)
        + jb.dot(b.inverse_inertia * jb);
    if k > 0.0 {
        1.0 / k
    } else {
        0.0
    }
}

impl ContactConstraint {
    /// Builds the constraint of `manifold` between bodies `a` and `b` (indices `ia`, `ib`),
    /// warm-starting from the cached impulses of the same features.
    #[allow(clippy::too_many_arguments)]
    pub fn prepare(
        manifold: &Manifold,
        key: u32,
        ia: u32,
        ib: u32,
        a: &SolverBody,
        b: &SolverBody,
        material_a: &Material,
        material_b: &Material,
        softness: Softness,
        cached: Option<&CachedManifold>,
    ) -> Self {
        let normal = manifold.normal;
        let (t1, t2) = normal.any_orthonormal_pair();
        let mut constraint = ContactConstraint {
            body_a: ia,
            body_b: ib,
            key,
            normal,
            tangents: [t1, t2],
            friction: Material::combined_friction(material_a.friction, material_b.friction),
            restitution: Material::combined_restitution(
                material_a.restitution,
                material_b.restitution,
            ),
            softness,
            count: manifold.count,
            points: [ConstraintPoint::default(); MAX_POINTS],
        };
        let (inv_qa, inv_qb) = (a.orientation.conjugate(), b.orientation.conjugate());
        for (point, contact) in constraint.points.iter_mut().zip(manifold.points()) {
            let ra = contact.position - a.center;
            let rb = contact.position - b.center;
            let (arm_a, arm_b) = (ra.cross(normal), rb.cross(normal));
            let relative = b.point_velocity(rb) - a.point_velocity(ra);
            let local_anchor_a = inv_qa * ra;
            let warm = cached
                .and_then(|m| m.find(contact.feature, local_anchor_a))
                .copied()
                .unwrap_or_default();
            *point = ConstraintPoint {
                anchor_a: ra,
                anchor_b: rb,
                local_anchor_a,
                local_anchor_b: inv_qb * rb,
                base_separation: contact.separation,
                arm_normal_a: arm_a,
                arm_normal_b: arm_b,
                inertia_arm_normal_a: a.inverse_inertia * arm_a,
                inertia_arm_normal_b: b.inverse_inertia * arm_b,
                normal_mass: effective_mass(a, b, ra, rb, normal),
                tangent_mass: [
                    effective_mass(a, b, ra, rb, t1),
                    effective_mass(a, b, ra, rb, t2),
                ],
                normal_impulse: warm.normal_impulse,
                tangent_impulse: [warm.tangent_impulse.dot(t1), warm.tangent_impulse.dot(t2)],
                max_normal_impulse: 0.0,
                relative_velocity: relative.dot(normal),
                feature: contact.feature,
            };
        }
        constraint
    }

    /// Applies the impulses accumulated so far (from the last step, then from earlier
    /// substeps) so the iterations only have to find the change.
    pub fn warm_start(&self, a: &mut SolverBody, b: &mut SolverBody) {
        for p in &self.points[..self.count] {
            let impulse = self.normal * p.normal_impulse
                + self.tangents[0] * p.tangent_impulse[0]
                + self.tangents[1] * p.tangent_impulse[1];
            a.apply_impulse(-impulse, p.anchor_a);
            b.apply_impulse(impulse, p.anchor_b);
        }
    }

    /// One iteration over the points: non-penetration first, then friction with the normal
    /// impulses just found. `use_bias` pushes overlaps apart (solve); without it the
    /// velocity error alone is removed (relax), so push-out does not turn into bounce.
    pub fn solve(
        &mut self,
        a: &mut SolverBody,
        b: &mut SolverBody,
        inv_h: f32,
        max_push_out_speed: f32,
        use_bias: bool,
    ) {
        let n = self.normal;
        let moved = b.delta_position - a.delta_position;
        for p in &mut self.points[..self.count] {
            let drift_a = a.rotated_since_start(p.local_anchor_a) - p.anchor_a;
            let drift_b = b.rotated_since_start(p.local_anchor_b) - p.anchor_b;
            let s = p.base_separation + n.dot(moved + drift_b - drift_a);
            let (bias, mass_scale, impulse_scale) = if s > 0.0 {
                // Speculative: allow closing exactly the gap in this substep.
                (s * inv_h, 1.0, 0.0)
            } else if use_bias {
                let soft = &self.softness;
                (
                    (soft.bias_rate * s).max(-max_push_out_speed),
                    soft.mass_scale,
                    soft.impulse_scale,
                )
            } else {
                (0.0, 1.0, 0.0)
            };
            let vn = n.dot(b.linear_velocity - a.linear_velocity)
                + b.angular_velocity.dot(p.arm_normal_b)
                - a.angular_velocity.dot(p.arm_normal_a);
            let impulse =
                -p.normal_mass * mass_scale * (vn + bias) - impulse_scale * p.normal_impulse;
            let total = (p.normal_impulse + impulse).max(0.0);
            let delta = total - p.normal_impulse;
            p.normal_impulse = total;
            p.max_normal_impulse = p.max_normal_impulse.max(delta);
            a.linear_velocity -= n * (delta * a.inverse_mass);
            a.angular_velocity -= p.inertia_arm_normal_a * delta;
            b.linear_velocity += n * (delta * b.inverse_mass);
            b.angular_velocity += p.inertia_arm_normal_b * delta;
        }
        for p in &mut self.points[..self.count] {
            let dv = b.point_velocity(p.anchor_b) - a.point_velocity(p.anchor_a);
            let [t1, t2] = self.tangents;
            let mut total = [
                p.tangent_impulse[0] - p.tangent_mass[0] * dv.dot(t1),
                p.tangent_impulse[1] - p.tangent_mass[1] * dv.dot(t2),
            ];
            let limit = self.friction * p.normal_impulse;
            let length_sq = total[0] * total[0] + total[1] * total[1];
            if length_sq > limit * limit {
                let scale = limit / length_sq.sqrt();
                total = [total[0] * scale, total[1] * scale];
            }
            let delta = [
                total[0] - p.tangent_impulse[0],
                total[1] - p.tangent_impulse[1],
            ];
            p.tangent_impulse = total;
            let impulse = t1 * delta[0] + t2 * delta[1];
            a.apply_impulse(-impulse, p.anchor_a);
            b.apply_impulse(impulse, p.anchor_b);
        }
    }

    /// After the substeps: points that were approaching faster than `threshold` and pushed
    /// leave with e times their approach speed.
    pub fn apply_restitution(&mut self, a: &mut SolverBody, b: &mut SolverBody, threshold: f32) {
        if self.restitution == 0.0 {
            return;
        }
        let n = self.normal;
        for p in &mut self.points[..self.count] {
            if p.relative_velocity > -threshold || p.max_normal_impulse == 0.0 {
                continue;
            }
            let vn = n.dot(b.linear_velocity - a.linear_velocity)
                + b.angular_velocity.dot(p.arm_normal_b)
                - a.angular_velocity.dot(p.arm_normal_a);
            let impulse = -p.normal_mass * (vn + self.restitution * p.relative_velocity);
            let total = (p.normal_impulse + impulse).max(0.0);
            let delta = total - p.normal_impulse;
            p.normal_impulse = total;
            a.linear_velocity -= n * (delta * a.inverse_mass);
            a.angular_velocity -= p.inertia_arm_normal_a * delta;
            b.linear_velocity += n * (delta * b.inverse_mass);
            b.angular_velocity += p.inertia_arm_normal_b * delta;
        }
    }

    /// The impulses to remember for next step's warm start.
    pub fn cached(&self) -> CachedManifold {
        let mut cached = CachedManifold {
            key: self.key,
            count: self.count,
            ..CachedManifold::default()
        };
        for (c, p) in cached.points.iter_mut().zip(&self.points[..self.count]) {
            *c = CachedPoint {
                feature: p.feature,
                local_anchor: p.local_anchor_a,
                normal_impulse: p.normal_impulse,
                tangent_impulse: self.tangents[0] * p.tangent_impulse[0]
                    + self.tangents[1] * p.tangent_impulse[1],
            };
        }
        cached
    }
}
