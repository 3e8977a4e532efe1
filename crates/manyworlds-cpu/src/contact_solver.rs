//! The soft contact constraint of the TGS-soft step (Catto, Solver2D / Box2D v3, in 3D):
//! non-penetration as a soft constraint with speculative distance, friction as two tangent
//! impulses clamped jointly to the disk |λt| ≤ μ λn, and a restitution pass after the substeps.
//!
//! Lever arms are fixed at the start of the step (the Jacobians do not change across
//! substeps); the separation is re-evaluated every substep from how far the bodies have moved:
//! `s = s0 + n · (displacement of B's anchor − displacement of A's anchor)`.

use glam::{Vec3, Vec3A};
use manyworlds_core::Material;

use crate::contact_cache::{CachedManifold, CachedPoint};
use crate::narrowphase::{Manifold, MAX_POINTS};
use crate::softness::Softness;
use crate::solver_body::SolverBody;

/// What an impulse along a direction `d` at lever arms `r_a`, `r_b` does: each body's angular
/// response I⁻¹ (r × d), and the row's effective mass `1 / (J M⁻¹ Jᵀ)`. Precomputed once per
/// step so an iteration is only multiply-adds.
#[derive(Clone, Copy, Debug, Default)]
struct ImpulseRow {
    inertia_arm_a: Vec3A,
    inertia_arm_b: Vec3A,
    mass: f32,
}

impl ImpulseRow {
    /// The row and its angular Jacobian parts `r_a × d`, `r_b × d`.
    fn new(a: &SolverBody, b: &SolverBody, ra: Vec3A, rb: Vec3A, d: Vec3A) -> (Self, Vec3A, Vec3A) {
        let (arm_a, arm_b) = (ra.cross(d), rb.cross(d));
        let (inertia_arm_a, inertia_arm_b) = (a.inverse_inertia * arm_a, b.inverse_inertia * arm_b);
        let k =
            a.inverse_mass + b.inverse_mass + arm_a.dot(inertia_arm_a) + arm_b.dot(inertia_arm_b);
        let row = ImpulseRow {
            inertia_arm_a,
            inertia_arm_b,
            mass: if k > 0.0 { 1.0 / k } else { 0.0 },
        };
        (row, arm_a, arm_b)
    }

    /// Applies the impulse `lambda` along the row: −λ to A, +λ to B. `A_MOVES = false` skips
    /// A, which is then static.
    #[inline(always)]
    fn apply<const A_MOVES: bool>(
        &self,
        d: Vec3A,
        lambda: f32,
        a: &mut SolverBody,
        b: &mut SolverBody,
    ) {
        if A_MOVES {
            a.linear_velocity -= d * (lambda * a.inverse_mass);
            a.angular_velocity -= self.inertia_arm_a * lambda;
        }
        b.linear_velocity += d * (lambda * b.inverse_mass);
        b.angular_velocity += self.inertia_arm_b * lambda;
    }
}

/// The normal row also keeps its angular Jacobian parts, to measure the normal velocity with
/// two dot products. (Friction measures the point's relative velocity vector instead, once
/// for both tangents.)
#[derive(Clone, Copy, Debug, Default)]
struct NormalRow {
    arm_a: Vec3A,
    arm_b: Vec3A,
    impulse: ImpulseRow,
}

impl NormalRow {
    fn new(a: &SolverBody, b: &SolverBody, ra: Vec3A, rb: Vec3A, n: Vec3A) -> Self {
        let (impulse, arm_a, arm_b) = ImpulseRow::new(a, b, ra, rb, n);
        NormalRow {
            arm_a,
            arm_b,
            impulse,
        }
    }

    /// Relative normal velocity of B with respect to A.
    #[inline(always)]
    fn velocity<const A_MOVES: bool>(&self, n: Vec3A, a: &SolverBody, b: &SolverBody) -> f32 {
        let vb = n.dot(b.linear_velocity) + self.arm_b.dot(b.angular_velocity);
        if A_MOVES {
            vb - n.dot(a.linear_velocity) - self.arm_a.dot(a.angular_velocity)
        } else {
            vb
        }
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct ConstraintPoint {
    /// Lever arms from each centre of mass to the contact point at the start of the step.
    anchor_a: Vec3A,
    anchor_b: Vec3A,
    /// Separation at the start of the step.
    base_separation: f32,
    normal_row: NormalRow,
    tangent_rows: [ImpulseRow; 2],
    normal_impulse: f32,
    tangent_impulse: [f32; 2],
    /// Largest normal impulse of any iteration this step: restitution only acts on points
    /// that actually pushed.
    max_normal_impulse: f32,
    /// Normal velocity at the start of the step (negative: approaching).
    relative_velocity: f32,
    feature: u32,
    /// The contact point relative to A's centre of mass in A's frame, for warm-start matching.
    local_anchor_a: Vec3,
}

/// A contact between two bodies. When one of them is static it is always body A (the
/// narrow phase's pair is swapped and its normal flipped), so the solver can skip A's half of
/// the arithmetic for the common case of a body resting on static ground.
#[derive(Clone, Copy, Debug, Default)]
pub struct ContactConstraint {
    pub body_a: u32,
    pub body_b: u32,
    a_moves: bool,
    key: u32,
    normal: Vec3A,
    tangents: [Vec3A; 2],
    friction: f32,
    restitution: f32,
    softness: Softness,
    pub count: usize,
    points: [ConstraintPoint; MAX_POINTS],
}

impl ContactConstraint {
    /// Makes this the constraint of `manifold` between bodies `a` and `b` (indices `ia`,
    /// `ib`), warm-started from the cached impulses of the same features. Written in place:
    /// the world's constraint slots are reused from step to step.
    #[allow(clippy::too_many_arguments)]
    pub fn prepare(
        &mut self,
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
    ) {
        let normal = Vec3A::from(manifold.normal);
        let (t1, t2) = normal.any_orthonormal_pair();
        self.body_a = ia;
        self.body_b = ib;
        self.a_moves = a.is_dynamic();
        self.key = key;
        self.normal = normal;
        self.tangents = [t1, t2];
        self.friction = Material::combined_friction(material_a.friction, material_b.friction);
        self.restitution =
            Material::combined_restitution(material_a.restitution, material_b.restitution);
        self.softness = softness;
        self.count = manifold.count;
        let inv_qa = a.orientation.conjugate();
        for (point, contact) in self.points.iter_mut().zip(manifold.points()) {
            let position = Vec3A::from(contact.position);
            let ra = position - a.center;
            let rb = position - b.center;
            let relative = b.point_velocity(rb) - a.point_velocity(ra);
            let local_anchor_a = inv_qa * Vec3::from(ra);
            let warm = cached
                .and_then(|m| m.find(contact.feature, local_anchor_a))
                .copied()
                .unwrap_or_default();
            *point = ConstraintPoint {
                anchor_a: ra,
                anchor_b: rb,
                base_separation: contact.separation,
                normal_row: NormalRow::new(a, b, ra, rb, normal),
                tangent_rows: [
                    ImpulseRow::new(a, b, ra, rb, t1).0,
                    ImpulseRow::new(a, b, ra, rb, t2).0,
                ],
                normal_impulse: warm.normal_impulse,
                tangent_impulse: [
                    Vec3A::from(warm.tangent_impulse).dot(t1),
                    Vec3A::from(warm.tangent_impulse).dot(t2),
                ],
                max_normal_impulse: 0.0,
                relative_velocity: relative.dot(normal),
                feature: contact.feature,
                local_anchor_a,
            };
        }
    }

    /// Applies the impulses accumulated so far (from the last step, then from earlier
    /// substeps) so the iterations only have to find the change.
    pub fn warm_start(&self, a: &mut SolverBody, b: &mut SolverBody) {
        if self.a_moves {
            self.warm_start_impl::<true>(a, b)
        } else {
            self.warm_start_impl::<false>(a, b)
        }
    }

    #[inline(always)]
    fn warm_start_impl<const A_MOVES: bool>(&self, a: &mut SolverBody, b: &mut SolverBody) {
        let [t1, t2] = self.tangents;
        for p in &self.points[..self.count] {
            p.normal_row
                .impulse
                .apply::<A_MOVES>(self.normal, p.normal_impulse, a, b);
            p.tangent_rows[0].apply::<A_MOVES>(t1, p.tangent_impulse[0], a, b);
            p.tangent_rows[1].apply::<A_MOVES>(t2, p.tangent_impulse[1], a, b);
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
        if self.a_moves {
            self.solve_impl::<true>(a, b, inv_h, max_push_out_speed, use_bias)
        } else {
            self.solve_impl::<false>(a, b, inv_h, max_push_out_speed, use_bias)
        }
    }

    #[inline(always)]
    fn solve_impl<const A_MOVES: bool>(
        &mut self,
        a: &mut SolverBody,
        b: &mut SolverBody,
        inv_h: f32,
        max_push_out_speed: f32,
        use_bias: bool,
    ) {
        let n = self.normal;
        for p in &mut self.points[..self.count] {
            let moved = if A_MOVES {
                b.displacement_of(p.anchor_b) - a.displacement_of(p.anchor_a)
            } else {
                b.displacement_of(p.anchor_b)
            };
            let s = p.base_separation + n.dot(moved);
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
            let row = &p.normal_row;
            let vn = row.velocity::<A_MOVES>(n, a, b);
            let impulse =
                -row.impulse.mass * mass_scale * (vn + bias) - impulse_scale * p.normal_impulse;
            let total = (p.normal_impulse + impulse).max(0.0);
            let delta = total - p.normal_impulse;
            p.normal_impulse = total;
            p.max_normal_impulse = p.max_normal_impulse.max(delta);
            row.impulse.apply::<A_MOVES>(n, delta, a, b);
        }
        let [t1, t2] = self.tangents;
        for p in &mut self.points[..self.count] {
            let [row1, row2] = &p.tangent_rows;
            // One relative velocity vector, projected on both tangents.
            let dv = if A_MOVES {
                b.point_velocity(p.anchor_b) - a.point_velocity(p.anchor_a)
            } else {
                b.point_velocity(p.anchor_b)
            };
            let mut total = [
                p.tangent_impulse[0] - row1.mass * dv.dot(t1),
                p.tangent_impulse[1] - row2.mass * dv.dot(t2),
            ];
            let limit = self.friction * p.normal_impulse;
            let length_sq = total[0] * total[0] + total[1] * total[1];
            if length_sq > limit * limit {
                let scale = limit / length_sq.sqrt();
                total = [total[0] * scale, total[1] * scale];
            }
            row1.apply::<A_MOVES>(t1, total[0] - p.tangent_impulse[0], a, b);
            row2.apply::<A_MOVES>(t2, total[1] - p.tangent_impulse[1], a, b);
            p.tangent_impulse = total;
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
            // Rare (restitution on, fast impacts only): the general path is fine.
            let row = &p.normal_row;
            let vn = row.velocity::<true>(n, a, b);
            let impulse = -row.impulse.mass * (vn + self.restitution * p.relative_velocity);
            let total = (p.normal_impulse + impulse).max(0.0);
            row.impulse.apply::<true>(n, total - p.normal_impulse, a, b);
            p.normal_impulse = total;
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
                tangent_impulse: (self.tangents[0] * p.tangent_impulse[0]
                    + self.tangents[1] * p.tangent_impulse[1])
                    .into(),
            };
        }
        cached
    }
}
