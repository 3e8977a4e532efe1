//! The rows a joint is made of. A row measures one relative velocity between the joint's two
//! bodies (and its armature rotor): `linear · (v_B − v_A) + angular_a · ω_A + angular_b · ω_B
//! + rotor · ω_rotor`, and takes an impulse λ along the same direction (−λ to A, +λ to B).
//!
//! A joint's structural rows (Box2D v3's joints, in 3D) are, by kind:
//! - a point block (3 rows): the two anchors together;
//! - an angular lock (3 rows): the two joint frames aligned;
//! - two angular rows keeping a hinge's axes parallel;
//! - two linear rows keeping a slide's anchor on its line;
//! - the armature coupling: the rotor turns at q̇.

use glam::Vec3A;

use crate::solver_body::{SolverBody, Velocity};

/// A joint has at most six structural rows (a weld's, or a hinge's five plus its rotor's).
pub const MAX_ROWS: usize = 6;

#[derive(Clone, Copy, Debug, Default)]
pub struct JointRow {
    pub linear: Vec3A,
    pub angular_a: Vec3A,
    pub angular_b: Vec3A,
    /// −1 on the armature coupling row, 0 elsewhere.
    pub rotor: f32,
    /// Drift corrected softly in the biased pass (structural rows); the coupling row has no
    /// position error and stays rigid.
    pub soft: bool,
}

impl JointRow {
    /// A row along the anchor-to-anchor direction `d`, with arms `ra`, `rb` from the centres
    /// of mass (a slide's perpendicular rows use A's arm to B's anchor).
    pub fn point(d: Vec3A, ra: Vec3A, rb: Vec3A) -> Self {
        JointRow {
            linear: d,
            angular_a: -ra.cross(d),
            angular_b: rb.cross(d),
            rotor: 0.0,
            soft: true,
        }
    }

    /// A row on the relative spin about `axis`.
    pub fn angular(axis: Vec3A) -> Self {
        JointRow {
            linear: Vec3A::ZERO,
            angular_a: -axis,
            angular_b: axis,
            rotor: 0.0,
            soft: true,
        }
    }

    /// The armature coupling: q̇ − ω_rotor about `axis` (a hinge; a slide passes its own row).
    pub fn coupling(axial: JointRow) -> Self {
        JointRow {
            rotor: -1.0,
            soft: false,
            ..axial
        }
    }

    #[inline(always)]
    pub fn velocity(&self, va: &Velocity, vb: &Velocity, rotor_velocity: f32) -> f32 {
        self.linear.dot(vb.linear - va.linear)
            + self.angular_a.dot(va.angular)
            + self.angular_b.dot(vb.angular)
            + self.rotor * rotor_velocity
    }

    /// Applies λ along the row to the bodies (the rotor's share is the caller's).
    #[inline(always)]
    pub fn apply(
        &self,
        a: &SolverBody,
        b: &SolverBody,
        va: &mut Velocity,
        vb: &mut Velocity,
        lambda: f32,
    ) {
        va.linear -= self.linear * (lambda * a.inverse_mass);
        vb.linear += self.linear * (lambda * b.inverse_mass);
        va.angular += a.inverse_inertia * self.angular_a * lambda;
        vb.angular += b.inverse_inertia * self.angular_b * lambda;
    }

    /// J M⁻¹ Jᵀ between this row and `other` (the rotor's part included).
    pub fn response(&self, other: &JointRow, a: &SolverBody, b: &SolverBody, armature: f32) -> f32 {
        let rotor = if armature > 0.0 {
            self.rotor * other.rotor / armature
        } else {
            0.0
        };
        (a.inverse_mass + b.inverse_mass) * self.linear.dot(other.linear)
            + self.angular_a.dot(a.inverse_inertia * other.angular_a)
            + self.angular_b.dot(b.inverse_inertia * other.angular_b)
            + rotor
    }
}

/// One side of a row as a 6-vector (linear, angular) for body A or B: the row's Jacobian
/// block for that body.
pub fn jacobian_of(row: &JointRow, side_b: bool) -> [f32; 6] {
    let (l, w) = if side_b {
        (row.linear, row.angular_b)
    } else {
        (-row.linear, row.angular_a)
    };
    [l.x, l.y, l.z, w.x, w.y, w.z]
}
