//! The rows of a compound joint (core `compound_joint`: a body's several hinges and slides
//! to one parent), where the bodies are now.
//!
//! With S the 6 × n matrix of the axes' relative twists (at a reference point, world axes),
//! the structural rows are an orthonormal basis of the directions no axis spans, the
//! complement of S's columns (Gram–Schmidt in R⁶, largest residual first), so the rows hold
//! exactly what the joints do not allow. Axis k's drive acts along the dual row
//! d_k = S (SᵀS)⁻¹ e_k: d_k · V reads q̇_k from the relative twist V, and an impulse along d_k
//! is a generalised force on axis k alone (d_kᵀ S_j = δ_kj). q is tracked by one Gauss–Newton
//! step per refresh (core `CompoundJoint::track`).

use glam::{Vec3, Vec3A};
use manyworlds_core::compound_joint::{dot6, CompoundJacobian, CompoundJoint, MAX_COMPOUND_AXES};
use manyworlds_core::Pose;

use crate::contact_solver::BodyPair;
use crate::joint_rows::{JointRow, MAX_ROWS};
use crate::joint_solver::JointConstraint;
use crate::solver_body::{SolverBody, Velocity};

/// A compound joint's geometry and tracked q, held by its first member's constraint.
#[derive(Clone, Copy, Debug, Default)]
pub struct CompoundRows {
    pub joint: CompoundJoint,
    /// The bodies' centres of mass in their frames (A: the parent's).
    com_a: Vec3,
    com_b: Vec3,
    /// q of each axis, tracked.
    pub q: [f32; MAX_COMPOUND_AXES],
    /// Each axis' dual row, where the rows were last refreshed.
    pub axis_rows: [JointRow; MAX_COMPOUND_AXES],
    /// Each axis' relative twist (world, at the reference point) and the reference point's
    /// arms, where last refreshed: how the child moves per unit q̇_k.
    pub axis_twists: [[f32; 6]; MAX_COMPOUND_AXES],
    arms: (Vec3A, Vec3A),
    /// The structural rows as functionals on the relative twist (world, reference point).
    complement: [[f32; 6]; MAX_ROWS],
    pub complement_count: usize,
}

/// A functional (linear part at the point with arms `ra`, `rb`, then angular part) as a row.
fn row_of(functional: &[f32; 6], ra: Vec3A, rb: Vec3A) -> JointRow {
    let l = Vec3A::new(functional[0], functional[1], functional[2]);
    let w = Vec3A::new(functional[3], functional[4], functional[5]);
    let mut row = JointRow::point(l, ra, rb);
    row.angular_a -= w;
    row.angular_b += w;
    row
}

fn rotate6(rotation: glam::Quat, v: &[f32; 6]) -> [f32; 6] {
    let l = rotation * Vec3::new(v[0], v[1], v[2]);
    let w = rotation * Vec3::new(v[3], v[4], v[5]);
    [l.x, l.y, l.z, w.x, w.y, w.z]
}

impl CompoundRows {
    /// `compound` at `q` (its members' tracked values), between bodies whose centres of mass
    /// are `com_a`, `com_b` in their frames.
    pub fn new(compound: &CompoundJoint, com_a: Vec3, com_b: Vec3, q: &[f32]) -> Self {
        let mut rows = CompoundRows {
            joint: *compound,
            com_a,
            com_b,
            ..CompoundRows::default()
        };
        rows.q[..compound.count].copy_from_slice(&q[..compound.count]);
        rows
    }

    /// The parent's frame (world) and the child's frame in it, now.
    fn frames(&self, a: &SolverBody, b: &SolverBody) -> (Pose, Pose) {
        let frame = |body: &SolverBody, com: Vec3| {
            Pose::new(
                Vec3::from(body.center) - body.orientation * com,
                body.orientation,
            )
        };
        let parent = frame(a, self.com_a);
        (parent, parent.inverse().compose(&frame(b, self.com_b)))
    }

    /// Tracks q to where the bodies are, then rebuilds the structural rows (into `rows`,
    /// returning how many) and the axes' dual rows.
    pub fn refresh(&mut self, pair: &BodyPair, rows: &mut [JointRow; MAX_ROWS]) -> usize {
        let joint = self.joint;
        let (parent, relative) = self.frames(pair.a, pair.b);
        let n = joint.count;
        joint.track(&relative, &mut self.q[..n]);
        let jacobian = joint.jacobian(&relative, &self.q[..n]);
        let point = parent.transform_point(relative.transform_point(joint.reference_point));
        let point = Vec3A::from(point);
        let ra = point - pair.a.center;
        let rb = point - pair.b.center;
        self.arms = (ra, rb);
        let mut twists = CompoundJacobian {
            count: n,
            ..jacobian
        };
        for k in 0..n {
            twists.columns[k] = rotate6(parent.orientation, &jacobian.columns[k]);
            self.axis_twists[k] = twists.columns[k];
        }
        // Dual rows: column k of S (SᵀS)⁻¹.
        let gram_inverse = twists.gram_inverse();
        for (k, g) in gram_inverse.iter().enumerate().take(n) {
            let mut dual = [0.0f32; 6];
            for (j, column) in twists.columns[..n].iter().enumerate() {
                dual.iter_mut()
                    .zip(column)
                    .for_each(|(d, c)| *d += c * g[j]);
            }
            self.axis_rows[k] = row_of(&dual, ra, rb);
        }
        self.complement_count = complement(&twists.columns[..n], &mut self.complement);
        for (row, functional) in rows
            .iter_mut()
            .zip(&self.complement[..self.complement_count])
        {
            *row = row_of(functional, ra, rb);
        }
        self.complement_count
    }

    /// The structural rows' position errors, where the bodies are now (q as last tracked).
    pub fn errors(&self, a: &SolverBody, b: &SolverBody) -> [f32; MAX_ROWS] {
        let (parent, relative) = self.frames(a, b);
        let error = self.joint.error(&relative, &self.q[..self.joint.count]);
        let error = rotate6(parent.orientation, &error);
        let mut out = [0.0; MAX_ROWS];
        for (e, functional) in out
            .iter_mut()
            .zip(&self.complement[..self.complement_count])
        {
            *e = dot6(functional, &error);
        }
        out
    }

    /// How body `b_side`'s centre of mass moves per unit q̇_k (linear, angular), where last
    /// refreshed.
    pub fn axis_motion(&self, k: usize, b_side: bool) -> [f32; 6] {
        let t = &self.axis_twists[k];
        let (linear, angular) = (Vec3A::new(t[0], t[1], t[2]), Vec3A::new(t[3], t[4], t[5]));
        let arm = if b_side { self.arms.1 } else { self.arms.0 };
        // The twist is the child's at the reference point; its centre is −arm from there.
        let at_center = linear - angular.cross(arm);
        [
            at_center.x,
            at_center.y,
            at_center.z,
            angular.x,
            angular.y,
            angular.z,
        ]
    }

    /// How body `b_side`'s centre of mass moves per unit q̇ of each member, for the drives'
    /// effective masses.
    pub fn motions(&self, b_side: bool) -> [[f32; 6]; MAX_COMPOUND_AXES] {
        std::array::from_fn(|k| {
            if k < self.joint.count {
                self.axis_motion(k, b_side)
            } else {
                [0.0; 6]
            }
        })
    }

    /// Structural impulses, given per row, as one world wrench (force, torque at the
    /// reference point): the rows are orthonormal, so the next step's rows take it back by
    /// projection.
    pub fn wrench_of(&self, lambdas: &[f32]) -> (Vec3, Vec3) {
        let mut wrench = [0.0f32; 6];
        for (functional, &lambda) in self.complement[..self.complement_count].iter().zip(lambdas) {
            wrench
                .iter_mut()
                .zip(functional)
                .for_each(|(w, f)| *w += f * lambda);
        }
        (
            Vec3::new(wrench[0], wrench[1], wrench[2]),
            Vec3::new(wrench[3], wrench[4], wrench[5]),
        )
    }

    /// The impulse on each structural row of `wrench` (see `wrench_of`).
    pub fn lambdas_of(&self, wrench: (Vec3, Vec3)) -> [f32; MAX_ROWS] {
        let (f, t) = wrench;
        let w = [f.x, f.y, f.z, t.x, t.y, t.z];
        let mut out = [0.0; MAX_ROWS];
        for (o, functional) in out
            .iter_mut()
            .zip(&self.complement[..self.complement_count])
        {
            *o = dot6(functional, &w);
        }
        out
    }
}

/// An orthonormal basis of the directions of R⁶ orthogonal to `columns`, into `out`; returns
/// how many (6 − rank). Gram–Schmidt against the columns' basis, taking at each turn the unit
/// vector e_i with the largest residual: with an orthonormal basis so far, its squared
/// residual is 1 − Σ_b b_i², kept up to date as the basis grows.
fn complement(columns: &[[f32; 6]], out: &mut [[f32; 6]; MAX_ROWS]) -> usize {
    let mut basis = [[0.0f32; 6]; 6];
    let mut count = 0;
    let orthogonalise = |v: &mut [f32; 6], basis: &[[f32; 6]]| {
        for b in basis {
            let along = dot6(v, b);
            v.iter_mut().zip(b).for_each(|(x, y)| *x -= along * y);
        }
    };
    for column in columns {
        let mut v = *column;
        orthogonalise(&mut v, &basis[..count]);
        let norm = dot6(&v, &v).sqrt();
        if norm > 1e-6 {
            basis[count] = v.map(|x| x / norm);
            count += 1;
        }
    }
    let spanned = count;
    let mut residual = [1.0f32; 6];
    for b in &basis[..count] {
        residual.iter_mut().zip(b).for_each(|(r, x)| *r -= x * x);
    }
    while count < 6 {
        let mut best = 0;
        for i in 1..6 {
            if residual[i] > residual[best] {
                best = i;
            }
        }
        let mut v = [0.0f32; 6];
        v[best] = 1.0;
        orthogonalise(&mut v, &basis[..count]);
        let norm = dot6(&v, &v).sqrt();
        basis[count] = v.map(|x| x / norm);
        residual
            .iter_mut()
            .zip(&basis[count])
            .for_each(|(r, x)| *r -= x * x);
        count += 1;
    }
    let rows = (6 - spanned).min(MAX_ROWS);
    out[..rows].copy_from_slice(&basis[spanned..spanned + rows]);
    rows
}

/// Hands each compound's later members their axis' row and q from the first member, where
/// its rows were last refreshed; at the start of a step (`starting`: the bodies and their
/// velocities) also their rotors' speeds.
pub fn hand_out_axes(
    joints: &mut [JointConstraint],
    starting: Option<(&[SolverBody], &[Velocity])>,
) {
    for leader in 0..joints.len() {
        let Some(count) = joints[leader].compound.as_ref().map(|c| c.joint.count) else {
            continue;
        };
        let (a, b) = (
            joints[leader].body_a as usize,
            joints[leader].body_b as usize,
        );
        let pair = starting.map(|(bodies, velocities)| {
            BodyPair::new(&bodies[a], &bodies[b], velocities[a], velocities[b])
        });
        for k in 1..count {
            // One axis at a time: the compound's rows are large to copy.
            let Some(compound) = &joints[leader].compound else {
                continue;
            };
            let (member, row, q) = (
                compound.joint.joints[k],
                compound.axis_rows[k],
                compound.q[k],
            );
            joints[member].take_axis(row, q, pair.as_ref());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_complement_is_orthonormal_and_orthogonal_to_the_axes() {
        // A slide along x and two hinges' twists, not orthogonal to each other.
        let columns = [
            [1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            [0.0, 0.3, -0.2, 0.0, 0.0, 1.0],
            [0.5, 0.0, 0.1, 0.0, 0.8, 0.6],
        ];
        let mut rows = [[0.0; 6]; MAX_ROWS];
        assert_eq!(complement(&columns, &mut rows), 3);
        for (i, row) in rows[..3].iter().enumerate() {
            for column in &columns {
                assert!(dot6(row, column).abs() < 1e-5);
            }
            for (j, other) in rows[..3].iter().enumerate() {
                let expected = if i == j { 1.0 } else { 0.0 };
                assert!((dot6(row, other) - expected).abs() < 1e-5);
            }
        }
    }
}
