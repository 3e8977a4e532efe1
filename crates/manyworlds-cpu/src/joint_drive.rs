//! The drive of a revolute or prismatic joint's degree of freedom: spring and damper, servo,
//! limits and motor, and its armature. Each is one row on q̇, solved Gauss–Seidel before the
//! joint's structural rows, with the effective mass of what it turns: the subtree of the
//! articulation on one side (Featherstone's Sᵀ Iᴬ S, from the factorisation), the other
//! body's own response, and the armature rotor, which moves with the bodies as one degree of
//! freedom.

use std::f32::consts::TAU;

use manyworlds_core::joint_space::{continue_angle, revolute_angle};
use manyworlds_core::limit_impedance::SoftLimit;
use manyworlds_core::{Impedance, Joint, JointKind, Softness};

use crate::contact_solver::BodyPair;
use crate::joint_rows::JointRow;
use crate::joint_solver::{JointConstraint, JointPass};

/// A servo on a joint's axis, in joint space (gains already multiplied by gear²).
#[derive(Clone, Copy, Debug, Default)]
pub struct Servo {
    pub stiffness: f32,
    pub damping: f32,
    pub target_position: f32,
    pub target_velocity: f32,
    /// Largest |joint force|.
    pub max_force: f32,
}

/// What acts on a single-axis joint's degree of freedom this step.
#[derive(Clone, Copy, Debug, Default)]
pub struct AxialDrive {
    pub stiffness: f32,
    pub damping: f32,
    pub spring_reference: f32,
    pub limits: Option<(f32, f32)>,
    /// (natural frequency Hz, damping ratio) of soft limits; None: the pass's joint softness.
    pub limit_softness: Option<(f32, f32)>,
    /// The soft limits' impedance curve.
    pub limit_impedance: Impedance,
    pub servo: Option<Servo>,
    /// A motor's joint force (gear × control), applied as a fixed impulse every substep.
    pub motor_force: f32,
}

impl AxialDrive {
    /// The passive parts of `joint`; actuators add theirs.
    pub fn of(joint: &Joint) -> Self {
        AxialDrive {
            stiffness: joint.stiffness,
            damping: joint.damping,
            spring_reference: joint.spring_reference,
            limits: joint.limits,
            limit_softness: joint.limit_softness,
            limit_impedance: joint.limit_impedance,
            servo: None,
            motor_force: 0.0,
        }
    }

    pub(crate) fn needs_position(&self) -> bool {
        self.stiffness > 0.0
            || self.limits.is_some()
            || self.servo.is_some_and(|s| s.stiffness > 0.0)
    }

    pub(crate) fn is_idle(&self) -> bool {
        self.stiffness == 0.0
            && self.damping == 0.0
            && self.limits.is_none()
            && self.servo.is_none()
            && self.motor_force == 0.0
    }
}

/// Whether a joint spring of `stiffness` on a degree of freedom of `mass` is slow enough
/// against substep `h` (h ω < 1) to act explicitly.
#[inline(always)]
pub(crate) fn explicit_spring(stiffness: f32, mass: f32, h: f32) -> bool {
    stiffness * h * h < mass
}

impl JointConstraint {
    /// q of a single-axis joint, now: a revolute joint's counted on from where it was last
    /// found (`current_position`).
    pub(crate) fn position(&self, pair: &BodyPair) -> f32 {
        if self.in_compound() {
            return self.current_position;
        }
        match self.kind {
            Some(JointKind::Revolute) => continue_angle(
                self.current_position,
                revolute_angle(
                    pair.a.orientation * self.frame_a,
                    pair.b.orientation * self.frame_b,
                ),
            ),
            _ => {
                let (ra, rb) = self.arms(pair);
                (pair.a.delta_rotation * self.axis_a).dot(self.anchor_offset(pair, ra, rb))
            }
        }
    }

    /// The speed of the degree of freedom along `row`: of bodies and rotor together, weighted
    /// by their inertia (they differ only by what other rows did since the coupling).
    #[inline(always)]
    fn dof_velocity(&self, row: &JointRow, pair: &BodyPair, body_mass: f32) -> f32 {
        let v = row.velocity(&pair.va, &pair.vb, 0.0);
        (body_mass * v + self.armature * self.rotor_velocity) / (body_mass + self.armature)
    }

    /// Records q and q̇ of a soft-limited degree of freedom where the substep starts, before
    /// gravity or any other force acts (MuJoCo's soft limit acts on what the step began with).
    pub(crate) fn record_limit_start(&mut self, pair: &BodyPair) {
        let soft = self
            .drive
            .is_some_and(|d| d.limits.is_some() && d.limit_softness.is_some());
        let Some(row) = self.current_axial.filter(|_| soft) else {
            return;
        };
        let response = self.drive_response(&row, pair);
        if response > 0.0 {
            let speed = self.dof_velocity(&row, pair, 1.0 / response);
            self.limit_start = (self.current_position, speed);
        }
    }

    /// Whether the drive needs an effective mass (a motor alone on a joint without armature
    /// does not).
    pub fn drive_needs_mass(&self) -> bool {
        self.drive.is_some_and(|d| {
            d.needs_position() || d.damping > 0.0 || d.servo.is_some() || self.armature > 0.0
        })
    }

    /// Applies an axial impulse to bodies and rotor together: the degree of freedom, of mass
    /// m + armature, changes speed by λ / (m + armature).
    #[inline(always)]
    pub(crate) fn apply_axial(
        &mut self,
        pair: &mut BodyPair,
        row: &JointRow,
        body_mass: f32,
        lambda: f32,
    ) {
        let share = if self.armature > 0.0 {
            let total = body_mass + self.armature;
            self.rotor_velocity += lambda / total;
            body_mass / total
        } else {
            1.0
        };
        row.apply(pair.a, pair.b, &mut pair.va, &mut pair.vb, lambda * share);
    }

    /// How fast q̇ answers an axial impulse: the articulated response of the subtree on one
    /// side (a hinge carrying a loaded arm turns the whole arm about its axis, not one link
    /// about its own centre of mass) plus the free response of the body it pushes against on
    /// the other, or the two bodies' free responses when the joint is not in a tree.
    pub(crate) fn drive_response(&self, row: &JointRow, pair: &BodyPair) -> f32 {
        if self.subtree_mass <= 0.0 {
            return row.response(row, pair.a, pair.b, 0.0);
        }
        self.counterpart_response + 1.0 / self.subtree_mass
    }

    /// The degree of freedom's drive: spring and damper, servo, limits (with the bodies where
    /// the rows were last refreshed).
    pub fn solve_drive(&mut self, pair: &mut BodyPair, pass: &JointPass) {
        let Some(drive) = self.drive else { return };
        let Some(row) = self.current_axial else {
            return;
        };
        let response = self.drive_response(&row, pair);
        if response <= 0.0 {
            return;
        }
        let body_mass = 1.0 / response;
        let mass = body_mass + self.armature;
        let velocity = |j: &Self, pair: &BodyPair| j.dof_velocity(&row, pair, body_mass);
        let q = self.current_position;
        let h = pass.h;
        if drive.stiffness > 0.0 || drive.damping > 0.0 {
            // A spring slow against the substep (h ω < 1) acts explicitly, from where the
            // bodies are, kick–drift–kick over the step (`JointPass::spring_kick`): a
            // symplectic leapfrog keeps its energy and its phase to O(h²), where the implicit
            // spring damps it at about h ω / 2. A stiffer one stays implicit, for stability.
            let c = q - drive.spring_reference;
            let explicit = explicit_spring(drive.stiffness, mass, h);
            if explicit && pass.spring_kick > 0.0 {
                let impulse = -pass.spring_kick * drive.stiffness * c;
                self.apply_axial(pair, &row, body_mass, impulse);
            }
            let implicit_stiffness = if explicit { 0.0 } else { drive.stiffness };
            let soft = Softness::spring(implicit_stiffness, drive.damping, mass, h);
            let impulse = -mass * soft.mass_scale * (velocity(self, pair) + soft.bias_rate * c)
                - soft.impulse_scale * self.impulses.spring;
            self.impulses.spring += impulse;
            self.apply_axial(pair, &row, body_mass, impulse);
        }
        if let Some(servo) = drive.servo {
            let soft = Softness::spring(servo.stiffness, servo.damping, mass, h);
            let v = velocity(self, pair) - servo.target_velocity;
            let c = q - servo.target_position;
            let old = self.impulses.servo;
            let impulse =
                -mass * soft.mass_scale * (v + soft.bias_rate * c) - soft.impulse_scale * old;
            let limit = servo.max_force * h;
            let total = (old + impulse).clamp(-limit, limit);
            self.impulses.servo = total;
            self.apply_axial(pair, &row, body_mass, total - old);
        }
        let Some((lower, upper)) = drive.limits else {
            return;
        };
        if drive.limit_softness.is_some() {
            self.solve_soft_limits(pair, h, &row, body_mass);
            return;
        }
        // Like a contact: speculative while inside the range, soft when past it, as stiff as
        // the structural rows (rigid in the relax pass).
        let coefficients = |c: f32| {
            if c > 0.0 {
                (c * pass.inv_h, 1.0, 0.0)
            } else {
                let (rate, ms, is) = pass.coefficients(true);
                (rate * c, ms, is)
            }
        };
        let (bias, ms, is) = coefficients(q - lower);
        let old = self.impulses.lower;
        let impulse = -mass * ms * (velocity(self, pair) + bias) - is * old;
        let total = (old + impulse).max(0.0);
        self.impulses.lower = total;
        self.apply_axial(pair, &row, body_mass, total - old);

        let (bias, ms, is) = coefficients(upper - q);
        let old = self.impulses.upper;
        let impulse = -mass * ms * (-velocity(self, pair) + bias) - is * old;
        let total = (old + impulse).max(0.0);
        self.impulses.upper = total;
        self.apply_axial(pair, &row, body_mass, old - total);
    }

    /// MuJoCo's soft limits (limit_impedance.rs) along the axial `row` of the bodies' mass
    /// `body_mass`, in both passes from where the substep started; released while the
    /// substep starts inside the range. Nothing without them.
    fn solve_soft_limits(&mut self, pair: &mut BodyPair, h: f32, row: &JointRow, body_mass: f32) {
        let Some(drive) = self.drive else { return };
        let (Some((lower, upper)), Some((hertz, ratio))) = (drive.limits, drive.limit_softness)
        else {
            return;
        };
        let mass = body_mass + self.armature;
        let (q0, v0) = self.limit_start;
        let limit = SoftLimit {
            omega: TAU * hertz,
            damping_ratio: ratio,
            impedance: drive.limit_impedance,
        };
        let old = self.impulses.lower;
        let total = if q0 < lower {
            let free = self.dof_velocity(row, pair, body_mass) - old / mass;
            limit.impulse(mass, h, q0 - lower, v0, free)
        } else {
            0.0
        };
        self.impulses.lower = total;
        self.apply_axial(pair, row, body_mass, total - old);

        let old = self.impulses.upper;
        let total = if q0 > upper {
            let free = -self.dof_velocity(row, pair, body_mass) - old / mass;
            limit.impulse(mass, h, upper - q0, -v0, free)
        } else {
            0.0
        };
        self.impulses.upper = total;
        self.apply_axial(pair, row, body_mass, old - total);
    }

    /// The joint force of the servo in the last substep.
    pub fn servo_force(&self, h: f32) -> f32 {
        self.impulses.servo / h
    }
}
