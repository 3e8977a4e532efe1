//! A body's several joints to one parent, as one joint: a hip's three hinges, a universal
//! joint's two, the planar root of slides and a hinge. MuJoCo applies a body's joints in
//! order, each carried by the ones before it, so the child's pose relative to the parent is
//!
//! ```text
//! C(q) = C₀ · G₁(q₁) · G₂(q₂) ⋯ Gₙ(qₙ)
//! ```
//!
//! with C₀ the child's rest pose in the parent's frame and G_k axis k's motion in the child's
//! frame (a turn about its anchor, or a slide along it). The solvers constrain the 6 − n
//! directions of relative motion that no axis spans and drive each axis on its own; q is
//! tracked from the bodies by Gauss–Newton on the pose error (one iteration a substep, the
//! last q as the start: exact for the small motion of a substep).

use glam::{Quat, Vec3};

use crate::joint::{Joint, JointKind};
use crate::pose::Pose;

/// At most this many joints between the same two bodies (all six degrees of freedom).
pub const MAX_COMPOUND_AXES: usize = 6;

/// One axis of a compound joint, in the child's frame at q = 0.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CompoundAxis {
    /// A slide (prismatic joint), else a hinge (revolute joint).
    pub slide: bool,
    pub anchor: Vec3,
    pub direction: Vec3,
}

impl CompoundAxis {
    /// Axis k's motion by `q`, in the child's frame: G_k(q).
    #[inline]
    pub fn motion(&self, q: f32) -> Pose {
        if self.slide {
            Pose::from_position(self.direction * q)
        } else {
            let turn = Quat::from_axis_angle(self.direction, q);
            Pose::new(self.anchor - turn * self.anchor, turn)
        }
    }
}

/// The joints between the same two bodies, seen as one.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CompoundJoint {
    /// Scene joint indices, in order, one after another (the first leads: it stands for the
    /// compound in the solvers); `count` of them.
    pub joints: [usize; MAX_COMPOUND_AXES],
    pub axes: [CompoundAxis; MAX_COMPOUND_AXES],
    pub count: usize,
    /// C₀: the child's frame in the parent's at q = 0.
    pub rest: Pose,
    /// Where the relative motion is measured: the first axis' anchor, in the child's frame.
    pub reference_point: Vec3,
}

/// The relative twist per unit q̇ of each axis (linear velocity at the reference point, then
/// angular velocity), and the pose error (the child's reference point and orientation less
/// where C(q) puts them), all in the parent's frame.
#[derive(Clone, Copy, Debug, Default)]
pub struct CompoundJacobian {
    pub columns: [[f32; 6]; MAX_COMPOUND_AXES],
    pub count: usize,
    pub error: [f32; 6],
}

impl CompoundJoint {
    /// The compound of `joints` (scene indices, in order, all single-axis between the same
    /// two bodies).
    pub fn of(scene_joints: &[Joint], joints: &[usize]) -> Self {
        let first = &scene_joints[joints[0]];
        let mut compound = CompoundJoint {
            count: joints.len().min(MAX_COMPOUND_AXES),
            rest: first
                .frame_in_parent
                .compose(&first.frame_in_child.inverse()),
            reference_point: first.frame_in_child.position,
            ..CompoundJoint::default()
        };
        for (k, &j) in joints.iter().take(MAX_COMPOUND_AXES).enumerate() {
            let joint = &scene_joints[j];
            compound.joints[k] = j;
            compound.axes[k] = CompoundAxis {
                slide: joint.kind == JointKind::Prismatic,
                anchor: joint.frame_in_child.position,
                direction: joint.frame_in_child.orientation * Vec3::X,
            };
        }
        compound
    }

    /// The member joints' indices, in order.
    pub fn members(&self) -> &[usize] {
        &self.joints[..self.count]
    }

    fn axes(&self) -> &[CompoundAxis] {
        &self.axes[..self.count]
    }

    /// C(q): the child's frame in the parent's.
    pub fn relative_pose(&self, q: &[f32]) -> Pose {
        self.axes()
            .iter()
            .zip(q)
            .fold(self.rest, |pose, (axis, &qk)| {
                pose.compose(&axis.motion(qk))
            })
    }

    /// The axes' twists and the pose error at `q`, for the child at `relative` (its frame in
    /// the parent's).
    pub fn jacobian(&self, relative: &Pose, q: &[f32]) -> CompoundJacobian {
        let mut out = CompoundJacobian {
            count: self.count,
            ..CompoundJacobian::default()
        };
        let point = relative.transform_point(self.reference_point);
        // W_k: the frame axis k is carried by (the axes before it applied).
        let mut carried = self.rest;
        for (k, (axis, &qk)) in self.axes().iter().zip(q).enumerate() {
            let direction = carried.orientation * axis.direction;
            let (linear, angular) = if axis.slide {
                (direction, Vec3::ZERO)
            } else {
                let anchor = carried.transform_point(axis.anchor);
                (direction.cross(point - anchor), direction)
            };
            out.columns[k] = six(linear, angular);
            carried = carried.compose(&axis.motion(qk));
        }
        out.error = self.error_against(relative, &carried);
        out
    }

    /// The pose error alone (as in [`CompoundJoint::jacobian`]), for the child at
    /// `relative`.
    pub fn error(&self, relative: &Pose, q: &[f32]) -> [f32; 6] {
        self.error_against(relative, &self.relative_pose(q))
    }

    /// The child's reference point and orientation at `relative` less where `expected`
    /// (C(q)) puts them.
    fn error_against(&self, relative: &Pose, expected: &Pose) -> [f32; 6] {
        let point = relative.transform_point(self.reference_point);
        let linear = point - expected.transform_point(self.reference_point);
        let mut turn = relative.orientation * expected.orientation.conjugate();
        if turn.w < 0.0 {
            turn = -turn;
        }
        six(linear, 2.0 * Vec3::new(turn.x, turn.y, turn.z))
    }

    /// Whether no axis' motion is a combination of the others' at rest (a least-squares q
    /// exists and the complement has 6 − n directions).
    pub fn axes_independent(&self) -> bool {
        let q = [0.0; MAX_COMPOUND_AXES];
        let jacobian = self.jacobian(&self.rest, &q[..self.count]);
        let mut basis: Vec<[f32; 6]> = Vec::new();
        for column in &jacobian.columns[..jacobian.count] {
            let mut v = *column;
            let norm = dot6(&v, &v).sqrt();
            for b in &basis {
                let along = dot6(&v, b);
                v.iter_mut().zip(b).for_each(|(x, y)| *x -= along * y);
            }
            let residual = dot6(&v, &v).sqrt();
            if residual <= 1e-3 * norm.max(1e-6) {
                return false;
            }
            basis.push(v.map(|x| x / residual));
        }
        true
    }

    /// One Gauss–Newton step of q towards the child at `relative`: q += (SᵀS)⁻¹ Sᵀ e.
    pub fn track(&self, relative: &Pose, q: &mut [f32]) {
        let jacobian = self.jacobian(relative, q);
        let step = jacobian.least_squares(&jacobian.error);
        for (qk, dk) in q.iter_mut().zip(step) {
            *qk += dk;
        }
    }

    /// q for the child at `relative`, from `start`: Gauss–Newton to convergence (a reading
    /// without a tracked q; hinges then read near `start`).
    pub fn solve(&self, relative: &Pose, start: &[f32]) -> Vec<f32> {
        let mut q = start.to_vec();
        for _ in 0..32 {
            let before = q.clone();
            self.track(relative, &mut q);
            let moved = q.iter().zip(&before).map(|(a, b)| (a - b).abs());
            if moved.fold(0.0, f32::max) < 1e-7 {
                break;
            }
        }
        q
    }
}

impl CompoundJacobian {
    /// x minimising |S x − v| (the axes' rates for relative twist `v`): (SᵀS)⁻¹ Sᵀ v.
    pub fn least_squares(&self, v: &[f32; 6]) -> [f32; MAX_COMPOUND_AXES] {
        let mut rhs = [0.0f32; MAX_COMPOUND_AXES];
        for (r, column) in rhs.iter_mut().zip(&self.columns[..self.count]) {
            *r = dot6(column, v);
        }
        self.gram_solve(&rhs)
    }

    /// (SᵀS)⁻¹ `rhs`, with a tiny regularisation so that a singular configuration does not
    /// divide by zero.
    pub fn gram_solve(&self, rhs: &[f32; MAX_COMPOUND_AXES]) -> [f32; MAX_COMPOUND_AXES] {
        let factor = self.gram_factor();
        let mut x = *rhs;
        substitute_definite(&factor, &mut x, self.count);
        x
    }

    /// (SᵀS)⁻¹ itself (its leading `count` × `count`), from one factorisation.
    pub fn gram_inverse(&self) -> [[f32; MAX_COMPOUND_AXES]; MAX_COMPOUND_AXES] {
        let factor = self.gram_factor();
        let mut inverse = [[0.0f32; MAX_COMPOUND_AXES]; MAX_COMPOUND_AXES];
        for (k, column) in inverse.iter_mut().enumerate().take(self.count) {
            column[k] = 1.0;
            substitute_definite(&factor, column, self.count);
        }
        // Symmetric: the columns are the rows.
        inverse
    }

    /// The Cholesky factor of SᵀS (regularised as in `gram_solve`).
    #[allow(clippy::needless_range_loop)]
    fn gram_factor(&self) -> [[f32; MAX_COMPOUND_AXES]; MAX_COMPOUND_AXES] {
        let n = self.count;
        let mut gram = [[0.0f32; MAX_COMPOUND_AXES]; MAX_COMPOUND_AXES];
        for i in 0..n {
            for j in 0..=i {
                let entry = dot6(&self.columns[i], &self.columns[j]);
                gram[i][j] = entry;
                gram[j][i] = entry;
            }
            gram[i][i] *= 1.0 + 1e-6;
        }
        factor_definite(&mut gram, n);
        gram
    }
}

#[inline]
fn six(linear: Vec3, angular: Vec3) -> [f32; 6] {
    [
        linear.x, linear.y, linear.z, angular.x, angular.y, angular.z,
    ]
}

#[inline]
pub fn dot6(a: &[f32; 6], b: &[f32; 6]) -> f32 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3] + a[4] * b[4] + a[5] * b[5]
}

/// Factors the symmetric positive definite n × n `a` in place into its Cholesky factor L
/// (lower triangle). A pivot that is not positive is left zero, and its unknown stays zero
/// in [`substitute_definite`]. (Index loops: the textbook recurrences read best so.)
#[allow(clippy::needless_range_loop)]
fn factor_definite(a: &mut [[f32; MAX_COMPOUND_AXES]; MAX_COMPOUND_AXES], n: usize) {
    for j in 0..n {
        let mut d = a[j][j];
        for k in 0..j {
            d -= a[j][k] * a[j][k];
        }
        let d = if d > 0.0 { d.sqrt() } else { 0.0 };
        a[j][j] = d;
        for i in j + 1..n {
            let mut s = a[i][j];
            for k in 0..j {
                s -= a[i][k] * a[j][k];
            }
            a[i][j] = if d > 0.0 { s / d } else { 0.0 };
        }
    }
}

/// `rhs` ← (L Lᵀ)⁻¹ `rhs`, with L from [`factor_definite`].
#[allow(clippy::needless_range_loop)]
fn substitute_definite(
    l: &[[f32; MAX_COMPOUND_AXES]; MAX_COMPOUND_AXES],
    rhs: &mut [f32; MAX_COMPOUND_AXES],
    n: usize,
) {
    for i in 0..n {
        let mut s = rhs[i];
        for k in 0..i {
            s -= l[i][k] * rhs[k];
        }
        rhs[i] = if l[i][i] > 0.0 { s / l[i][i] } else { 0.0 };
    }
    for i in (0..n).rev() {
        let mut s = rhs[i];
        for k in i + 1..n {
            s -= l[k][i] * rhs[k];
        }
        rhs[i] = if l[i][i] > 0.0 { s / l[i][i] } else { 0.0 };
    }
}

/// The scene's compounds: each set of two or more joints between the same parent and child,
/// in joint order. Other joints stand alone.
pub fn compound_joints(joints: &[Joint]) -> Vec<CompoundJoint> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (j, joint) in joints.iter().enumerate() {
        let same = |g: &Vec<usize>| {
            let first = &joints[g[0]];
            first.child == joint.child && first.parent == joint.parent
        };
        match groups.iter_mut().find(|g| same(g)) {
            Some(group) => group.push(j),
            None => groups.push(vec![j]),
        }
    }
    groups
        .into_iter()
        .filter(|g| g.len() > 1)
        .map(|g| CompoundJoint::of(joints, &g))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hip() -> CompoundJoint {
        let axis = |direction: Vec3, anchor: Vec3, slide| CompoundAxis {
            slide,
            anchor,
            direction,
        };
        let mut joint = CompoundJoint {
            count: 3,
            rest: Pose::new(Vec3::new(0.3, -0.2, 1.0), Quat::from_rotation_y(0.4)),
            reference_point: Vec3::new(0.0, 0.0, -1.0),
            ..CompoundJoint::default()
        };
        joint.axes[..3].copy_from_slice(&[
            axis(Vec3::X, Vec3::new(0.0, 0.0, -1.0), true),
            axis(Vec3::Z, Vec3::new(0.1, 0.0, 0.2), false),
            axis(Vec3::new(0.0, 0.6, 0.8), Vec3::new(0.1, 0.0, 0.2), false),
        ]);
        joint
    }

    #[test]
    fn gauss_newton_recovers_q_from_the_pose() {
        let joint = hip();
        let q = [0.7, -2.5, 1.2];
        let pose = joint.relative_pose(&q);
        let found = joint.solve(&pose, &[0.5, -2.3, 1.0]);
        for (a, b) in found.iter().zip(q) {
            assert!((a - b).abs() < 1e-4, "{found:?} against {q:?}");
        }
    }

    #[test]
    fn joints_that_move_the_bodies_alike_are_refused() {
        use crate::{BodyDesc, ColliderDesc, JointDesc, SceneBuilder, Shape};
        let build = |second_axis: Vec3| {
            let mut builder = SceneBuilder::new();
            let body = BodyDesc::dynamic("arm").collider(ColliderDesc::new(Shape::sphere(0.1)));
            let arm = builder.add_body(body);
            builder.add_joint(None, arm, JointDesc::revolute("a", Vec3::X));
            builder.add_joint(None, arm, JointDesc::revolute("b", second_axis));
            builder.build()
        };
        let error = build(Vec3::X).unwrap_err().to_string();
        assert!(error.contains("move them the same way"), "{error}");
        let universal = build(Vec3::Y).unwrap();
        assert_eq!(universal.compounds().len(), 1);
        assert_eq!(universal.compounds()[0].members(), &[0, 1]);
    }

    #[test]
    fn columns_are_the_pose_derivatives() {
        let joint = hip();
        let q = [0.2, 0.9, -0.4];
        let at = joint.relative_pose(&q);
        let jacobian = joint.jacobian(&at, &q);
        let eps = 1e-3;
        for k in 0..3 {
            let mut moved = q;
            moved[k] += eps;
            let next = joint.relative_pose(&moved);
            // The pose `next` seen as an error against q's: the column times eps.
            let error = joint.jacobian(&next, &q).error;
            for (e, c) in error.iter().zip(jacobian.columns[k]) {
                assert!((e / eps - c).abs() < 2e-2, "axis {k}: {error:?} vs {c}");
            }
        }
    }
}
