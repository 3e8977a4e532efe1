//! A joint as the TGS-soft solver sees it during one step (maximal coordinates: the joint is
//! a set of constraint rows between its two bodies).
//!
//! Two kinds of rows:
//! - structural rows ([`JointRow`]): equalities that hold the joint together. Velocities are
//!   constrained rigidly; the drift of positions is corrected in the biased pass only. The
//!   joints of a tree are solved together, exactly (articulation_solver.rs); a joint that
//!   closes a loop is solved on its own, block-wise, with Box2D v3's soft correction.
//! - the axial drive of a revolute or prismatic joint (joint_drive.rs): spring and damper,
//!   servo, limits, motor. Inequalities and clamped forces, solved one row at a time before the
//!   structural rows.
//!
//! Armature (MuJoCo's rotor inertia on a degree of freedom) is a rotor of that inertia whose
//! speed is tied rigidly to q̇ by a structural coupling row; the drive rows push bodies and
//! rotor together, as one degree of freedom of mass m + armature.
//!
//! Arms and axes follow the bodies through the substeps (rotated by each body's rotation
//! since the step began); inverse inertias are those of the step's start, as for contacts.

use glam::{Quat, Vec3, Vec3A};
use manyworlds_core::{Joint, JointKind, Softness};

use crate::compound_rows::CompoundRows;
use crate::contact_solver::BodyPair;
use crate::joint_drive::AxialDrive;
use crate::joint_rows::{JointRow, MAX_ROWS};
use crate::small_matrix::SmallMatrix;

/// A joint's per-row values.
pub type RowValues = [f32; MAX_ROWS];

/// The impulses a joint ended the last substep with, kept from step to step to warm-start
/// the next one (world frame, so a changed basis does not matter).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct JointImpulses {
    /// Point block, or a slide's two perpendicular rows.
    pub linear: Vec3,
    /// Angular lock, a hinge's two perpendicular rows, or a ball joint's damper.
    pub angular: Vec3,
    pub coupling: f32,
    pub spring: f32,
    pub servo: f32,
    pub lower: f32,
    pub upper: f32,
}

/// The parameters of one pass over the joints.
#[derive(Clone, Copy, Debug)]
pub struct JointPass {
    pub h: f32,
    pub inv_h: f32,
    /// Correct drift (solve) or only constrain velocities (relax).
    pub use_bias: bool,
    pub softness: Softness,
    /// How long the explicit joint springs push in this pass (joint_drive.rs): the step's
    /// springs kick, drift, kick, as the gyroscopic torque (h/2 in the first substep's
    /// biased pass, h in the later ones', h/2 in the last substep's relax pass, else 0).
    pub spring_kick: f32,
}

impl JointPass {
    /// (bias rate, mass scale, impulse scale) of a row in this pass: soft drift correction
    /// for soft rows when solving, rigid velocities otherwise.
    #[inline(always)]
    pub fn coefficients(&self, soft: bool) -> (f32, f32, f32) {
        if self.use_bias && soft {
            let s = &self.softness;
            (s.bias_rate, s.mass_scale, s.impulse_scale)
        } else {
            (0.0, 1.0, 0.0)
        }
    }
}

/// One joint, prepared for a step.
#[derive(Clone, Copy, Debug, Default)]
pub struct JointConstraint {
    pub body_a: u32,
    pub body_b: u32,
    pub(crate) kind: Option<JointKind>,
    /// From each centre of mass to the anchor, world, at the start of the step.
    arm_a: Vec3A,
    arm_b: Vec3A,
    /// B's anchor minus A's at the start of the step (zero when the joint holds).
    base_offset: Vec3A,
    /// The joint frame's orientation in each body's frame.
    pub(crate) frame_a: Quat,
    pub(crate) frame_b: Quat,
    /// The joint axis carried by A and by B, world, at the start of the step.
    pub(crate) axis_a: Vec3A,
    axis_b: Vec3A,
    /// Two directions perpendicular to A's axis, at the start of the step.
    perpendicular: [Vec3A; 2],
    /// Rotor inertia; zero without armature.
    pub armature: f32,
    /// A ball joint's damper, N·m·s/rad.
    ball_damping: f32,
    pub(crate) drive: Option<AxialDrive>,
    /// The armature rotor's speed (tracks q̇).
    pub rotor_velocity: f32,
    /// For a joint of a tree: the articulated inertia about the joint's axis of the bodies
    /// on one side of it (which side: `subtree_is_b`), from the factorisation; zero when
    /// unknown. Drives take their effective mass from it.
    pub subtree_mass: f32,
    pub subtree_is_b: bool,
    /// With a subtree mass: how fast the other side answers the axial row, the free response
    /// of the body a drive pushes against there (zero for the static world).
    pub counterpart_response: f32,
    /// Arms and axis where `refresh_rows` last found them, with the axial row and q of a
    /// driven joint (the bodies do not move again before the passes that use them).
    current_arms: (Vec3A, Vec3A),
    current_axis: Vec3A,
    pub(crate) current_axial: Option<JointRow>,
    /// q of a single-axis joint where `refresh_rows` last found it: a revolute joint's always
    /// (it counts turns from the angle the step started with, so it is followed every
    /// substep), a slide's when its drive needs it.
    pub(crate) current_position: f32,
    /// A soft limit's q and q̇ where the substep started, before any force acted (the limit
    /// law's r₀ and v₀; limit_impedance.rs).
    pub(crate) limit_start: (f32, f32),
    /// Structural rows where the bodies were when last refreshed, and their accumulated
    /// impulses this step.
    pub rows: [JointRow; MAX_ROWS],
    pub row_count: usize,
    pub row_impulses: RowValues,
    pub impulses: JointImpulses,
    /// The first member of a compound joint holds its geometry, tracked q and structural
    /// rows (compound_rows.rs); the other members only drive their axes, along the rows the
    /// first one hands them.
    pub(crate) compound: Option<CompoundRows>,
    pub(crate) compound_member: bool,
}

impl JointConstraint {
    /// Makes this the constraint of `joint` between bodies `ia` (its parent, or the world's
    /// stand-in) and `ib`, for a step that starts with the bodies in `pair`. `com_a`, `com_b`
    /// are the bodies' centres of mass in their frames.
    #[allow(clippy::too_many_arguments)]
    pub fn prepare(
        &mut self,
        joint: &Joint,
        ia: u32,
        ib: u32,
        pair: &BodyPair,
        com_a: Vec3,
        com_b: Vec3,
        drive: Option<AxialDrive>,
        impulses: JointImpulses,
        angle: f32,
    ) {
        let (qa, qb) = (pair.a.orientation, pair.b.orientation);
        let arm_a = Vec3A::from(qa * (joint.frame_in_parent.position - com_a));
        let arm_b = Vec3A::from(qb * (joint.frame_in_child.position - com_b));
        let frame_a = joint.frame_in_parent.orientation;
        let frame_b = joint.frame_in_child.orientation;
        let axis_a = Vec3A::from(qa * frame_a * Vec3::X);
        let (t1, t2) = axis_a.any_orthonormal_pair();
        *self = JointConstraint {
            body_a: ia,
            body_b: ib,
            kind: Some(joint.kind),
            arm_a,
            arm_b,
            base_offset: (pair.b.center + arm_b) - (pair.a.center + arm_a),
            frame_a,
            frame_b,
            axis_a,
            axis_b: Vec3A::from(qb * frame_b * Vec3::X),
            perpendicular: [t1, t2],
            armature: if joint.kind.is_single_axis() {
                joint.armature
            } else {
                0.0
            },
            ball_damping: if joint.kind == JointKind::Spherical {
                joint.damping
            } else {
                0.0
            },
            drive: drive.filter(|d| !d.is_idle()),
            rotor_velocity: 0.0,
            subtree_mass: 0.0,
            subtree_is_b: true,
            counterpart_response: 0.0,
            current_arms: (arm_a, arm_b),
            current_axis: axis_a,
            current_axial: None,
            current_position: angle,
            limit_start: (angle, 0.0),
            rows: [JointRow::default(); MAX_ROWS],
            row_count: 0,
            row_impulses: [0.0; MAX_ROWS],
            impulses,
            compound: None,
            compound_member: false,
        };
        if let Some(row) = self.axial_row(pair) {
            self.rotor_velocity = row.velocity(&pair.va, &pair.vb, 0.0);
        }
        self.refresh_rows(pair);
        self.row_impulses = self.rows_from_world(&impulses);
    }

    /// The joint's accumulated angle where the rows were last refreshed: a revolute joint's
    /// q, turns counted, and a compound member's tracked q; zero for the other kinds.
    pub fn accumulated_angle(&self) -> f32 {
        if self.kind == Some(JointKind::Revolute) || self.in_compound() {
            self.current_position
        } else {
            0.0
        }
    }

    /// Whether the joint is one of a compound's members.
    #[inline(always)]
    pub(crate) fn in_compound(&self) -> bool {
        self.compound.is_some() || self.compound_member
    }

    /// Makes this prepared joint the first member of a compound (`rows` at the members'
    /// tracked q), its structural rows the compound's.
    pub fn lead_compound(&mut self, rows: CompoundRows, pair: &BodyPair) {
        self.compound = Some(rows);
        self.refresh_rows(pair);
        if let Some(row) = self.current_axial {
            self.rotor_velocity = row.velocity(&pair.va, &pair.vb, 0.0);
        }
        let compound = self.compound.as_ref().expect("just set");
        let first = usize::from(self.armature > 0.0);
        let lambdas = compound.lambdas_of((self.impulses.linear, self.impulses.angular));
        self.row_impulses = [0.0; MAX_ROWS];
        if first == 1 {
            self.row_impulses[0] = self.impulses.coupling;
        }
        let n = self.row_count - first;
        self.row_impulses[first..first + n].copy_from_slice(&lambdas[..n]);
    }

    /// Makes this prepared joint a compound's later member: no rows of its own but its
    /// armature's coupling.
    pub fn follow_compound(&mut self) {
        self.compound_member = true;
        self.row_count = 0;
        self.row_impulses = [0.0; MAX_ROWS];
    }

    /// Hands a compound member its axis' row and q (from the first member's refresh); with
    /// `pair`'s velocities at the start of a step, also its rotor's speed.
    pub fn take_axis(&mut self, row: JointRow, q: f32, starting: Option<&BodyPair>) {
        self.current_axial = Some(row);
        self.current_position = q;
        if let Some(pair) = starting {
            self.rotor_velocity = row.velocity(&pair.va, &pair.vb, 0.0);
        }
        if self.armature > 0.0 {
            self.rows[0] = JointRow::coupling(row);
            if self.row_count == 0 {
                self.row_count = 1;
                self.row_impulses[0] = self.impulses.coupling;
            }
        }
    }

    /// Current arms.
    #[inline(always)]
    pub(crate) fn arms(&self, pair: &BodyPair) -> (Vec3A, Vec3A) {
        (
            pair.a.delta_rotation * self.arm_a,
            pair.b.delta_rotation * self.arm_b,
        )
    }

    /// B's anchor minus A's, now.
    #[inline(always)]
    pub(crate) fn anchor_offset(&self, pair: &BodyPair, ra: Vec3A, rb: Vec3A) -> Vec3A {
        self.base_offset + (pair.b.delta_position + rb - self.arm_b)
            - (pair.a.delta_position + ra - self.arm_a)
    }

    /// The joint's degree of freedom as a row, with arms and axis where the bodies are now;
    /// None for joints without one.
    pub(crate) fn axial_row(&self, pair: &BodyPair) -> Option<JointRow> {
        if self.in_compound() {
            return self.current_axial;
        }
        let axis = pair.a.delta_rotation * self.axis_a;
        match self.kind? {
            JointKind::Revolute => Some(JointRow::angular(axis)),
            JointKind::Prismatic => {
                let (ra, rb) = self.arms(pair);
                let offset = self.anchor_offset(pair, ra, rb);
                Some(JointRow::point(axis, ra + offset, rb))
            }
            _ => None,
        }
    }

    /// How body `body` (one of the joint's two) moves per unit q̇, as a 6-vector (linear
    /// velocity of its centre of mass, angular velocity), where the bodies are now; None
    /// for joints without a single axis.
    pub fn axial_motion(&self, body: usize) -> Option<[f32; 6]> {
        let kind = self.kind?;
        if !kind.is_single_axis() || self.row_count == 0 {
            return None;
        }
        let on_b = self.body_b as usize == body;
        if let Some(compound) = &self.compound {
            return Some(compound.axis_motion(0, on_b));
        }
        let axis = self.current_axis;
        let arm = if on_b {
            self.current_arms.1
        } else {
            self.current_arms.0
        };
        let (linear, angular) = match kind {
            JointKind::Revolute => (arm.cross(axis), axis),
            _ => (axis, Vec3A::ZERO),
        };
        Some([
            linear.x, linear.y, linear.z, angular.x, angular.y, angular.z,
        ])
    }

    /// Rebuilds the structural rows where the bodies are now.
    pub fn refresh_rows(&mut self, pair: &BodyPair) {
        let Some(kind) = self.kind else { return };
        if self.compound_member {
            return;
        }
        // In place: the compound's rows are large to copy.
        if let Some(compound) = &mut self.compound {
            let mut structural = [JointRow::default(); MAX_ROWS];
            let count = compound.refresh(pair, &mut structural);
            let axial = compound.axis_rows[0];
            self.current_axial = Some(axial);
            self.current_position = compound.q[0];
            let first = usize::from(self.armature > 0.0);
            if first == 1 {
                self.rows[0] = JointRow::coupling(axial);
            }
            let count = count.min(MAX_ROWS - first);
            self.rows[first..first + count].copy_from_slice(&structural[..count]);
            self.row_count = first + count;
            return;
        }
        let (ra, rb) = self.arms(pair);
        self.current_arms = (ra, rb);
        self.current_axis = pair.a.delta_rotation * self.axis_a;
        let [t1, t2] = self.perpendicular.map(|t| pair.a.delta_rotation * t);
        let axial = self.axial_row(pair);
        self.current_axial = axial;
        if kind == JointKind::Revolute || self.drive.is_some_and(|d| d.needs_position()) {
            self.current_position = self.position(pair);
        }
        let mut rows = [JointRow::default(); MAX_ROWS];
        let mut n = 0;
        let mut push = |row: JointRow| {
            rows[n] = row;
            n += 1;
        };
        if self.armature > 0.0 {
            if let Some(axial) = axial {
                push(JointRow::coupling(axial));
            }
        }
        let axes = [Vec3A::X, Vec3A::Y, Vec3A::Z];
        match kind {
            JointKind::Fixed | JointKind::Prismatic => {
                axes.iter().for_each(|&e| push(JointRow::angular(e)))
            }
            JointKind::Revolute => [t1, t2].iter().for_each(|&t| push(JointRow::angular(t))),
            JointKind::Spherical | JointKind::Free => {}
        }
        match kind {
            JointKind::Fixed | JointKind::Revolute | JointKind::Spherical => {
                axes.iter().for_each(|&e| push(JointRow::point(e, ra, rb)))
            }
            JointKind::Prismatic => {
                let offset = self.anchor_offset(pair, ra, rb);
                [t1, t2]
                    .iter()
                    .for_each(|&t| push(JointRow::point(t, ra + offset, rb)));
            }
            JointKind::Free => {}
        }
        self.rows = rows;
        self.row_count = n;
    }

    /// The position error of each structural row, now (zero for the coupling row).
    pub fn row_errors(&self, pair: &BodyPair) -> RowValues {
        let mut errors = [0.0; MAX_ROWS];
        let Some(kind) = self.kind else {
            return errors;
        };
        let first = usize::from(self.row_count > 0 && self.rows[0].rotor != 0.0);
        if self.compound_member {
            return errors;
        }
        if let Some(compound) = &self.compound {
            let structural = compound.errors(pair.a, pair.b);
            let n = self.row_count - first;
            errors[first..first + n].copy_from_slice(&structural[..n]);
            return errors;
        }
        let (ra, rb) = self.arms(pair);
        let offset = self.anchor_offset(pair, ra, rb);
        let (angular, angular_count) = match kind {
            JointKind::Fixed | JointKind::Prismatic => {
                // The rotation vector of B's frame relative to A's.
                let fa = pair.a.orientation * self.frame_a;
                let fb = pair.b.orientation * self.frame_b;
                let mut e = fb * fa.conjugate();
                if e.w < 0.0 {
                    e = -e;
                }
                ([2.0 * e.x, 2.0 * e.y, 2.0 * e.z], 3)
            }
            JointKind::Revolute => {
                let misalignment = (pair.a.delta_rotation * self.axis_a)
                    .cross(pair.b.delta_rotation * self.axis_b);
                let along = |k: usize| self.rows[first + k].angular_b.dot(misalignment);
                ([along(0), along(1), 0.0], 2)
            }
            JointKind::Spherical | JointKind::Free => ([0.0; 3], 0),
        };
        let linear_start = first + angular_count;
        let (linear, linear_count) = match kind {
            JointKind::Fixed | JointKind::Revolute | JointKind::Spherical => (offset.to_array(), 3),
            JointKind::Prismatic => {
                let along = |k: usize| self.rows[linear_start + k].linear.dot(offset);
                ([along(0), along(1), 0.0], 2)
            }
            JointKind::Free => ([0.0; 3], 0),
        };
        errors[first..linear_start].copy_from_slice(&angular[..angular_count]);
        errors[linear_start..linear_start + linear_count].copy_from_slice(&linear[..linear_count]);
        errors
    }

    /// The warm-start impulses, world vectors, projected on this step's rows.
    fn rows_from_world(&self, impulses: &JointImpulses) -> RowValues {
        let mut lambda = [0.0; MAX_ROWS];
        let (linear, angular) = (Vec3A::from(impulses.linear), Vec3A::from(impulses.angular));
        for (k, row) in self.rows[..self.row_count].iter().enumerate() {
            lambda[k] = if row.rotor != 0.0 {
                impulses.coupling
            } else if row.linear != Vec3A::ZERO {
                row.linear.dot(linear)
            } else {
                row.angular_b.dot(angular)
            };
        }
        lambda
    }

    /// This step's row impulses back as world vectors, for the next step.
    pub fn store_impulses(&mut self) {
        if let Some(compound) = &self.compound {
            let first = usize::from(self.armature > 0.0);
            if first == 1 {
                self.impulses.coupling = self.row_impulses[0];
            }
            let (force, torque) = compound.wrench_of(&self.row_impulses[first..self.row_count]);
            self.impulses.linear = force;
            self.impulses.angular = torque;
            return;
        }
        if self.compound_member {
            if self.row_count > 0 {
                self.impulses.coupling = self.row_impulses[0];
            }
            return;
        }
        let (mut linear, mut angular) = (Vec3A::ZERO, Vec3A::ZERO);
        let mut coupling = 0.0;
        for (row, &lambda) in self.rows[..self.row_count].iter().zip(&self.row_impulses) {
            if row.rotor != 0.0 {
                coupling = lambda;
            } else if row.linear != Vec3A::ZERO {
                linear += row.linear * lambda;
            } else {
                angular += row.angular_b * lambda;
            }
        }
        self.impulses.linear = linear.into();
        // A ball joint's angular impulse is its damper's, kept as it is.
        if self.kind != Some(JointKind::Spherical) {
            self.impulses.angular = angular.into();
        }
        self.impulses.coupling = coupling;
    }

    /// Applies `lambda` along structural row `k`, rotor included.
    #[inline(always)]
    pub fn apply_row(&mut self, k: usize, pair: &mut BodyPair, lambda: f32) {
        let row = self.rows[k];
        row.apply(pair.a, pair.b, &mut pair.va, &mut pair.vb, lambda);
        if row.rotor != 0.0 {
            self.rotor_velocity += row.rotor * lambda / self.armature;
        }
    }

    /// Applies `lambdas` along all structural rows at once, rotor included: the rows'
    /// impulses summed first, so each body takes one inertia product.
    #[inline(always)]
    pub fn apply_rows(&mut self, pair: &mut BodyPair, lambdas: &RowValues) {
        let (mut linear, mut angular_a, mut angular_b) = (Vec3A::ZERO, Vec3A::ZERO, Vec3A::ZERO);
        for (row, &lambda) in self.rows[..self.row_count].iter().zip(lambdas) {
            linear += row.linear * lambda;
            angular_a += row.angular_a * lambda;
            angular_b += row.angular_b * lambda;
            if row.rotor != 0.0 {
                self.rotor_velocity += row.rotor * lambda / self.armature;
            }
        }
        pair.va.linear -= linear * pair.a.inverse_mass;
        pair.vb.linear += linear * pair.b.inverse_mass;
        pair.va.angular += pair.a.inverse_inertia * angular_a;
        pair.vb.angular += pair.b.inverse_inertia * angular_b;
    }

    /// Relative velocity along structural row `k`.
    #[inline(always)]
    pub fn row_velocity(&self, k: usize, pair: &BodyPair) -> f32 {
        self.rows[k].velocity(&pair.va, &pair.vb, self.rotor_velocity)
    }

    /// Re-applies the impulses of the last substep, and a motor's impulse for this one (the
    /// bodies where the rows were last refreshed).
    pub fn warm_start(&mut self, pair: &mut BodyPair, h: f32) {
        let impulses = self.row_impulses;
        self.apply_rows(pair, &impulses);
        if self.ball_damping > 0.0 {
            let l = Vec3A::from(self.impulses.angular);
            pair.va.angular -= pair.a.inverse_inertia * l;
            pair.vb.angular += pair.b.inverse_inertia * l;
        }
        if let (Some(drive), Some(row)) = (self.drive, self.current_axial) {
            // Split between bodies and rotor as the drive's solve splits it.
            let response = self.drive_response(&row, pair);
            if response > 0.0 {
                let i = &self.impulses;
                let axial = i.spring + i.servo + i.lower - i.upper + drive.motor_force * h;
                self.apply_axial(pair, &row, 1.0 / response, axial);
            }
        }
    }

    /// The joint's own structural rows solved together (a joint outside the articulation
    /// tree, which closes a loop).
    pub fn solve_rows(&mut self, pair: &mut BodyPair, pass: &JointPass) {
        let n = self.row_count;
        if n == 0 {
            return;
        }
        let mut k = SmallMatrix::padded(n, 1.0);
        for i in 0..n {
            for j in 0..n {
                k.m[i][j] = self.rows[i].response(&self.rows[j], pair.a, pair.b, self.armature);
            }
        }
        let Some(mass) = k.inverse(n) else { return };
        let errors = self.row_errors(pair);
        let mut rhs = [0.0; MAX_ROWS];
        for (i, r) in rhs.iter_mut().enumerate().take(n) {
            let (rate, _, _) = pass.coefficients(self.rows[i].soft);
            *r = -(self.row_velocity(i, pair) + rate * errors[i]);
        }
        let rigid = mass.mul_vec(&rhs);
        for (i, &x) in rigid.iter().enumerate().take(n) {
            let delta = self.soften(i, x, pass);
            self.apply_row(i, pair, delta);
        }
    }

    /// Turns row `i`'s rigid impulse change `x` into the soft one of this pass, and
    /// accumulates it: Δλ = mass_scale · x − impulse_scale · λ.
    #[inline(always)]
    pub fn soften(&mut self, i: usize, x: f32, pass: &JointPass) -> f32 {
        let (_, mass_scale, impulse_scale) = pass.coefficients(self.rows[i].soft);
        let delta = mass_scale * x - impulse_scale * self.row_impulses[i];
        self.row_impulses[i] += delta;
        delta
    }

    /// A ball joint's damper on the relative spin: Δλ = −(K + γ)⁻¹ (ω_rel + γ λ) with
    /// γ = 1 / (h c), the implicit damper in impulse form (Catto, GDC 2011). Both passes: it
    /// is a physical force.
    pub fn solve_ball_damping(&mut self, pair: &mut BodyPair, h: f32) {
        if self.ball_damping <= 0.0 {
            return;
        }
        let gamma = 1.0 / (h * self.ball_damping);
        let k = pair.a.inverse_inertia
            + pair.b.inverse_inertia
            + glam::Mat3A::from_diagonal(Vec3::splat(gamma));
        let spin = pair.vb.angular - pair.va.angular;
        let accumulated = Vec3A::from(self.impulses.angular);
        let impulse = -(k.inverse() * (spin + accumulated * gamma));
        self.impulses.angular = (accumulated + impulse).into();
        pair.va.angular -= pair.a.inverse_inertia * impulse;
        pair.vb.angular += pair.b.inverse_inertia * impulse;
    }
}
