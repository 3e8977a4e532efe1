//! The soft contact constraint of the TGS-soft step (Catto, Solver2D / Box2D v3, in 3D):
//! non-penetration as a soft constraint with speculative distance, friction as two tangent
//! impulses clamped jointly to the disk |λt| ≤ μ λn, and impacts with restitution.
//!
//! Lever arms are fixed at the start of the step (the Jacobians do not change across
//! substeps); the separation is re-evaluated every substep from how far the bodies have moved:
//! `s = s0 + n · (displacement of B's anchor − displacement of A's anchor)`, where an anchor
//! is the contact's centre of curvature on that body (the contact point on a flat face).
//!
//! Restitution uses the approach speed at impact, in two ways:
//! - a point that touches at the start of a substep, has not pushed yet this step, and
//!   approaches at or above the restitution threshold collides there, before the warm start, by an impulse the contact
//!   iterations cannot take back (it is not part of the accumulated normal impulse): a struck
//!   row of touching bodies passes the impulse along, pair after pair;
//! - a point that reaches its surface during the step (the speculative contact stops it there)
//!   leaves after the substeps with e times the speed it hit with: the approach speed u and
//!   gap s at the start of the step, under gravity's closing acceleration a, give the speed
//!   at the surface √(u² + 2as), exact for a body falling onto a static one, so a dropped ball
//!   rebounds to e²h. For this a bouncing point that is still apart is only stopped by the
//!   biased pass of the substep it arrives in, not braked ahead of it by the relax passes.

use glam::{Vec3, Vec3A};
use manyworlds_core::Material;

use crate::contact_cache::{CachedManifold, CachedPoint};
use crate::narrowphase::{Manifold, MAX_POINTS};
use crate::solver_body::{SolverBody, Velocity};
use manyworlds_core::Softness;

/// Iterations of an impact between several points of one pair.
const IMPACT_ITERATIONS: usize = 4;

/// How close, m, a point must be to count as touching in the impact pass (the narrow phase's
/// separation of bodies placed in contact is zero only within rounding).
const TOUCHING_GAP: f32 = 1e-5;

/// The approach speed at which a point `gap` apart, approaching at `approach`, reaches its
/// surface under the closing acceleration `acceleration`: √(u² + 2as) (zero if it never
/// does); `approach` itself when it already touches.
fn impact_speed(approach: f32, gap: f32, acceleration: f32) -> f32 {
    if gap <= 0.0 {
        return approach.max(0.0);
    }
    (approach * approach + 2.0 * acceleration * gap)
        .max(0.0)
        .sqrt()
}

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
    fn apply<const A_MOVES: bool>(&self, d: Vec3A, lambda: f32, pair: &mut BodyPair) {
        if A_MOVES {
            pair.va.linear -= d * (lambda * pair.a.inverse_mass);
            pair.va.angular -= self.inertia_arm_a * lambda;
        }
        pair.vb.linear += d * (lambda * pair.b.inverse_mass);
        pair.vb.angular += self.inertia_arm_b * lambda;
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
    fn velocity<const A_MOVES: bool>(&self, n: Vec3A, pair: &BodyPair) -> f32 {
        let vb = n.dot(pair.vb.linear) + self.arm_b.dot(pair.vb.angular);
        if A_MOVES {
            vb - n.dot(pair.va.linear) - self.arm_a.dot(pair.va.angular)
        } else {
            vb
        }
    }
}

/// The parameters of one pass over the constraints.
#[derive(Clone, Copy, Debug)]
pub struct SolvePass {
    /// 1 / substep.
    pub inv_h: f32,
    pub max_push_out_speed: f32,
    /// Push overlaps apart (solve) or only remove velocity error (relax).
    pub use_bias: bool,
}

/// What a constraint iteration works on: copies of its two bodies' velocities, written back
/// afterwards, and the bodies' read-only data.
pub struct BodyPair<'a> {
    pub a: &'a SolverBody,
    pub b: &'a SolverBody,
    pub va: Velocity,
    pub vb: Velocity,
}

impl<'a> BodyPair<'a> {
    #[inline(always)]
    pub fn new(a: &'a SolverBody, b: &'a SolverBody, va: Velocity, vb: Velocity) -> Self {
        BodyPair { a, b, va, vb }
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct ConstraintPoint {
    /// Lever arms from each centre of mass to the contact point at the start of the step.
    anchor_a: Vec3A,
    anchor_b: Vec3A,
    /// From each centre of mass to the centre of curvature of its surface at the contact (the
    /// surface point itself on a flat face). Separation follows these material points: a
    /// rolling sphere's centre stays at its radius above the ground while the material point
    /// that touched it rotates away.
    curvature_anchor_a: Vec3A,
    curvature_anchor_b: Vec3A,
    /// Separation at the start of the step.
    base_separation: f32,
    normal_row: NormalRow,
    tangent_rows: [ImpulseRow; 2],
    normal_impulse: f32,
    tangent_impulse: [f32; 2],
    /// Largest normal impulse of any iteration this step: restitution after the substeps only
    /// acts on points that pushed.
    max_normal_impulse: f32,
    /// The approach speed at which the point reaches its surface this step (from the start of
    /// the step under gravity); zero once it has collided in an impact pass.
    impact_speed: f32,
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
    /// How fast gravity closes the pair along the normal, m/s²: n·g against a static A
    /// (falling onto it), zero between two dynamic bodies (both fall alike).
    approach_acceleration: f32,
    softness: Softness,
    pub count: usize,
    points: [ConstraintPoint; MAX_POINTS],
}

impl ContactConstraint {
    /// Makes this the constraint of `manifold` between bodies `a` and `b` (indices `ia`,
    /// `ib`, velocities `va`, `vb`) under `gravity`, warm-started from the cached impulses of
    /// the same features. Written in place: the world's constraint slots are reused from step
    /// to step.
    #[allow(clippy::too_many_arguments)]
    pub fn prepare(
        &mut self,
        manifold: &Manifold,
        key: u32,
        ia: u32,
        ib: u32,
        a: &SolverBody,
        b: &SolverBody,
        va: &Velocity,
        vb: &Velocity,
        gravity: Vec3,
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
        self.approach_acceleration = if a.is_dynamic() {
            0.0
        } else {
            -normal.dot(gravity.into())
        };
        self.softness = softness;
        self.count = manifold.count;
        let inv_qa = a.orientation.conjugate();
        for (point, contact) in self.points.iter_mut().zip(manifold.points()) {
            let position = Vec3A::from(contact.position);
            let ra = position - a.center;
            let rb = position - b.center;
            // Surfaces at position ∓ n s/2; centres of curvature a radius further in.
            let half_gap = 0.5 * contact.separation;
            let curvature_a = position - normal * (half_gap + manifold.radius_a);
            let curvature_b = position + normal * (half_gap + manifold.radius_b);
            let approach = -(vb.at(rb) - va.at(ra)).dot(normal);
            let local_anchor_a = inv_qa * Vec3::from(ra);
            let warm = cached
                .and_then(|m| m.find(contact.feature, local_anchor_a))
                .copied()
                .unwrap_or_default();
            *point = ConstraintPoint {
                anchor_a: ra,
                anchor_b: rb,
                curvature_anchor_a: curvature_a - a.center,
                curvature_anchor_b: curvature_b - b.center,
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
                impact_speed: impact_speed(
                    approach,
                    contact.separation,
                    self.approach_acceleration,
                ),
                feature: contact.feature,
                local_anchor_a,
            };
        }
    }

    /// Applies the impulses accumulated so far (from the last step, then from earlier
    /// substeps) so the iterations only have to find the change.
    pub fn warm_start(&self, pair: &mut BodyPair) {
        if self.a_moves {
            self.warm_start_impl::<true>(pair)
        } else {
            self.warm_start_impl::<false>(pair)
        }
    }

    #[inline(always)]
    fn warm_start_impl<const A_MOVES: bool>(&self, pair: &mut BodyPair) {
        let [t1, t2] = self.tangents;
        for p in &self.points[..self.count] {
            p.normal_row
                .impulse
                .apply::<A_MOVES>(self.normal, p.normal_impulse, pair);
            p.tangent_rows[0].apply::<A_MOVES>(t1, p.tangent_impulse[0], pair);
            p.tangent_rows[1].apply::<A_MOVES>(t2, p.tangent_impulse[1], pair);
        }
    }

    /// One iteration over the points: non-penetration first, then friction with the normal
    /// impulses just found. `use_bias` pushes overlaps apart (solve); without it the
    /// velocity error alone is removed (relax), so push-out does not turn into bounce.
    pub fn solve(&mut self, pair: &mut BodyPair, pass: SolvePass) {
        if self.a_moves {
            self.solve_impl::<true>(pair, pass)
        } else {
            self.solve_impl::<false>(pair, pass)
        }
    }

    /// Solves `first` and `second`, two constraints of one colour (no dynamic body in common),
    /// with their points interleaved: each one's point chain waits on the velocities its
    /// previous point just wrote, and interleaving lets the CPU run the two chains side by
    /// side. The result is exactly that of solving one after the other.
    pub fn solve_two(
        (c1, p1): (&mut ContactConstraint, &mut BodyPair),
        (c2, p2): (&mut ContactConstraint, &mut BodyPair),
        pass: SolvePass,
    ) {
        match (c1.a_moves, c2.a_moves) {
            (true, true) => Self::solve_two_impl::<true, true>(c1, p1, c2, p2, pass),
            (true, false) => Self::solve_two_impl::<true, false>(c1, p1, c2, p2, pass),
            (false, true) => Self::solve_two_impl::<false, true>(c1, p1, c2, p2, pass),
            (false, false) => Self::solve_two_impl::<false, false>(c1, p1, c2, p2, pass),
        }
    }

    #[inline(always)]
    fn solve_two_impl<const A1: bool, const A2: bool>(
        c1: &mut ContactConstraint,
        p1: &mut BodyPair,
        c2: &mut ContactConstraint,
        p2: &mut BodyPair,
        pass: SolvePass,
    ) {
        for i in 0..MAX_POINTS {
            if i < c1.count {
                c1.solve_normal::<A1>(i, p1, pass);
            }
            if i < c2.count {
                c2.solve_normal::<A2>(i, p2, pass);
            }
        }
        for i in 0..MAX_POINTS {
            if i < c1.count {
                c1.solve_friction::<A1>(i, p1);
            }
            if i < c2.count {
                c2.solve_friction::<A2>(i, p2);
            }
        }
    }

    #[inline(always)]
    fn solve_impl<const A_MOVES: bool>(&mut self, pair: &mut BodyPair, pass: SolvePass) {
        for i in 0..self.count {
            self.solve_normal::<A_MOVES>(i, pair, pass);
        }
        for i in 0..self.count {
            self.solve_friction::<A_MOVES>(i, pair);
        }
    }

    /// Non-penetration at point `i`: a soft constraint while overlapping (with bias when
    /// `use_bias`), a hard speculative one while apart.
    #[inline(always)]
    fn solve_normal<const A_MOVES: bool>(
        &mut self,
        i: usize,
        pair: &mut BodyPair,
        pass: SolvePass,
    ) {
        let n = self.normal;
        let p = &mut self.points[i];
        let moved = if A_MOVES {
            pair.b.displacement_of(p.curvature_anchor_b)
                - pair.a.displacement_of(p.curvature_anchor_a)
        } else {
            pair.b.displacement_of(p.curvature_anchor_b)
        };
        let s = p.base_separation + n.dot(moved);
        if s > 0.0 && !pass.use_bias && self.restitution > 0.0 {
            // A bouncing point still apart is not braked by the relax pass ahead of its
            // arrival (the next biased pass stops it at the surface before anything moves):
            // it arrives at its true speed, which the restitution pass gives back.
            return;
        }
        let (bias, mass_scale, impulse_scale) = if s > 0.0 {
            // Speculative: allow closing exactly the gap in this substep.
            (s * pass.inv_h, 1.0, 0.0)
        } else if pass.use_bias {
            let soft = &self.softness;
            (
                (soft.bias_rate * s).max(-pass.max_push_out_speed),
                soft.mass_scale,
                soft.impulse_scale,
            )
        } else {
            (0.0, 1.0, 0.0)
        };
        let row = &p.normal_row;
        let vn = row.velocity::<A_MOVES>(n, pair);
        let impulse =
            -row.impulse.mass * mass_scale * (vn + bias) - impulse_scale * p.normal_impulse;
        let total = (p.normal_impulse + impulse).max(0.0);
        let delta = total - p.normal_impulse;
        p.normal_impulse = total;
        p.max_normal_impulse = p.max_normal_impulse.max(delta);
        row.impulse.apply::<A_MOVES>(n, delta, pair);
    }

    /// Friction at point `i`, with the normal impulse it has now: both tangent impulses
    /// together, clamped to the disk of radius μ λn.
    #[inline(always)]
    fn solve_friction<const A_MOVES: bool>(&mut self, i: usize, pair: &mut BodyPair) {
        let [t1, t2] = self.tangents;
        let p = &mut self.points[i];
        let [row1, row2] = &p.tangent_rows;
        // One relative velocity vector, projected on both tangents.
        let dv = if A_MOVES {
            pair.vb.at(p.anchor_b) - pair.va.at(p.anchor_a)
        } else {
            pair.vb.at(p.anchor_b)
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
        row1.apply::<A_MOVES>(t1, total[0] - p.tangent_impulse[0], pair);
        row2.apply::<A_MOVES>(t2, total[1] - p.tangent_impulse[1], pair);
        p.tangent_impulse = total;
    }

    /// Whether the pair bounces at all (restitution above zero).
    pub fn bounces(&self) -> bool {
        self.restitution > 0.0
    }

    /// The impact pass (module docs): the points that touch and approach at or above
    /// `threshold` collide, together: their bodies part there at e times that speed. Returns
    /// whether any point collided.
    pub fn collide_impacts(&mut self, pair: &mut BodyPair, threshold: f32) -> bool {
        if self.restitution == 0.0 {
            return false;
        }
        let n = self.normal;
        let mut targets = [None; MAX_POINTS];
        for (target, p) in targets.iter_mut().zip(&mut self.points[..self.count]) {
            let moved = pair.b.displacement_of(p.curvature_anchor_b)
                - pair.a.displacement_of(p.curvature_anchor_a);
            let touching = p.base_separation + n.dot(moved) <= TOUCHING_GAP;
            let approach = -p.normal_row.velocity::<true>(n, pair);
            // A point that pushed this step arrived through the speculative contact, which
            // stopped it at the surface: the restitution pass bounces it, at its true speed.
            let arrived = p.max_normal_impulse > 0.0;
            if touching && !arrived && approach >= threshold && approach > 0.0 {
                *target = Some(self.restitution * approach);
                // It has had its bounce: not again after the substeps.
                p.impact_speed = 0.0;
            }
        }
        let colliding = targets.iter().flatten().count();
        if colliding == 0 {
            return false;
        }
        // One point collides exactly at once; several are iterated together, each impulse
        // kept non-negative, so a face landing flat leaves flat.
        let iterations = if colliding == 1 { 1 } else { IMPACT_ITERATIONS };
        let mut impulses = [0.0f32; MAX_POINTS];
        for _ in 0..iterations {
            for ((p, target), impulse) in self.points.iter().zip(&targets).zip(&mut impulses) {
                let Some(target) = *target else { continue };
                let row = &p.normal_row;
                let vn = row.velocity::<true>(n, pair);
                let total = (*impulse - row.impulse.mass * (vn - target)).max(0.0);
                row.impulse.apply::<true>(n, total - *impulse, pair);
                *impulse = total;
            }
        }
        impulses.iter().any(|&i| i > 0.0)
    }

    /// After the substeps: points that reached their surface this step at or above `threshold`
    /// and pushed leave with e times their speed at impact.
    pub fn apply_restitution(&mut self, pair: &mut BodyPair, threshold: f32) {
        if self.restitution == 0.0 {
            return;
        }
        let n = self.normal;
        for p in &mut self.points[..self.count] {
            if p.impact_speed < threshold || p.impact_speed == 0.0 || p.max_normal_impulse == 0.0 {
                continue;
            }
            // Rare (restitution on, fast impacts only): the general path is fine.
            let row = &p.normal_row;
            let vn = row.velocity::<true>(n, pair);
            let impulse = -row.impulse.mass * (vn - self.restitution * p.impact_speed);
            let total = (p.normal_impulse + impulse).max(0.0);
            row.impulse.apply::<true>(n, total - p.normal_impulse, pair);
            p.normal_impulse = total;
        }
    }

    /// The impulses to remember for next step's warm start.
    pub fn cached(&self) -> CachedManifold {
        let mut cached = CachedManifold {
            key: self.key,
            normal: self.normal.into(),
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
