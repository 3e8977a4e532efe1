//! The structural rows of all joints that form trees (robots), solved together and exactly in
//! every pass, in time linear in the number of joints (Baraff, "Linear-Time Dynamics using
//! Lagrange Multipliers", SIGGRAPH 1996).
//!
//! Gauss–Seidel passes one joint at a time cannot carry large loads along a chain of light
//! links (an ant's 0.05 kg legs pushing a 150 N·m motor torque into the ground): the chain
//! drifts apart by centimetres. Here the joints' rows and the bodies form the sparse
//! symmetric system
//!
//! ```text
//! [ M   −Jᵀ ] [Δv]   [     0      ]
//! [ −J   0  ] [Δλ] = [ J v + bias ]
//! ```
//!
//! whose graph, bodies and joints as nodes, is a forest: eliminated leaves first it factors
//! with no fill-in, into one small dense block per node. Joints that close a loop, and all but
//! one joint to the static world per tree, are left out and solved one by one.

use glam::{Mat3A, Vec3A};
use manyworlds_core::compound_joint::MAX_COMPOUND_AXES;
use manyworlds_core::joint_tree::{JointTree, NodeKind};

use crate::contact_solver::BodyPair;
use crate::joint_rows::{jacobian_of, MAX_ROWS};
use crate::joint_solver::{JointConstraint, RowValues};
use crate::small_matrix::{DefiniteFactor, SmallMatrix, SmallVector, MAX_DIM};
use crate::solver_body::{SolverBody, Velocity};

/// A node's pivot: a factored block, or the plain mass of a body at a leaf of its tree,
/// inverted directly.
#[derive(Clone, Copy, Debug)]
enum Pivot {
    Factor(DefiniteFactor),
    Mass {
        inverse_mass: f32,
        inverse_inertia: Mat3A,
    },
}

impl Default for Pivot {
    fn default() -> Self {
        Pivot::Factor(DefiniteFactor::default())
    }
}

impl Pivot {
    /// `x ← D⁻¹ x`.
    #[inline]
    fn solve(&self, x: &mut SmallVector) {
        match self {
            Pivot::Factor(f) => f.solve(x),
            Pivot::Mass {
                inverse_mass,
                inverse_inertia,
            } => {
                let w = *inverse_inertia * Vec3A::new(x[3], x[4], x[5]);
                *x = [
                    x[0] * inverse_mass,
                    x[1] * inverse_mass,
                    x[2] * inverse_mass,
                    w.x,
                    w.y,
                    w.z,
                ];
            }
        }
    }

    /// `out = D⁻¹ h`.
    #[inline]
    fn solve_block(&self, h: &SmallMatrix, out: &mut SmallMatrix) {
        match self {
            Pivot::Factor(f) => f.solve_block(h, out),
            Pivot::Mass {
                inverse_mass,
                inverse_inertia,
            } => {
                for r in 0..3 {
                    for c in 0..MAX_DIM {
                        out.m[r][c] = h.m[r][c] * inverse_mass;
                    }
                }
                for c in 0..MAX_DIM {
                    let w = *inverse_inertia * Vec3A::new(h.m[3][c], h.m[4][c], h.m[5][c]);
                    out.m[3][c] = w.x;
                    out.m[4][c] = w.y;
                    out.m[5][c] = w.z;
                }
            }
        }
    }
}

/// One world's factorisation of its tree system, reused by every pass of a substep.
#[derive(Default)]
pub struct TreeFactor {
    /// Each node's pivot block D while it is being eliminated, then its factor.
    pivot_blocks: Vec<SmallMatrix>,
    pivots: Vec<Pivot>,
    /// H between each node and its parent, and L = D⁻¹ H.
    coupling: Vec<SmallMatrix>,
    link: Vec<SmallMatrix>,
    work: Vec<SmallVector>,
}

/// A body's side of a joint: is it B (the child)?
fn side_b(joint: &JointConstraint, body: usize) -> bool {
    joint.body_b as usize == body
}

/// The block of H between node `i` and its parent `p` (rows: i's dimension), into `h`.
fn coupling_block(
    kind: NodeKind,
    parent: NodeKind,
    joints: &[JointConstraint],
    h: &mut SmallMatrix,
) {
    match (kind, parent) {
        (NodeKind::Body(b), NodeKind::Joint(j)) => {
            let joint = &joints[j];
            h.set_padded(MAX_DIM, 0.0);
            for r in 0..joint.row_count {
                let jac = jacobian_of(&joint.rows[r], side_b(joint, b));
                for (k, &v) in jac.iter().enumerate() {
                    h.m[k][r] = -v;
                }
            }
        }
        (NodeKind::Joint(j), NodeKind::Body(b)) => {
            let joint = &joints[j];
            h.set_padded(MAX_DIM, 0.0);
            for r in 0..joint.row_count {
                let jac = jacobian_of(&joint.rows[r], side_b(joint, b));
                for (k, &v) in jac.iter().enumerate() {
                    h.m[r][k] = -v;
                }
            }
        }
        _ => unreachable!("the tree alternates bodies and joints"),
    }
}

/// A body's mass block, into `d`: m on the linear part, its world inertia on the angular
/// part.
fn mass_block(body: &SolverBody, d: &mut SmallMatrix) {
    d.set_padded(MAX_DIM, 0.0);
    let mass = 1.0 / body.inverse_mass;
    for k in 0..3 {
        d.m[k][k] = mass;
    }
    let inertia = body.inverse_inertia.inverse();
    for (c, column) in [inertia.x_axis, inertia.y_axis, inertia.z_axis]
        .iter()
        .enumerate()
    {
        for (r, v) in column.to_array().iter().enumerate() {
            d.m[3 + r][3 + c] = *v;
        }
    }
}

/// A joint's own block, into `d`: zero on its rows (−1 on the padding), less its armature
/// rotor's share. The rotor (inertia a, rows' coefficients c) is a leaf under its joint;
/// eliminating it first subtracts c cᵀ / a.
fn joint_block(joint: &JointConstraint, d: &mut SmallMatrix) {
    d.set_padded(joint.row_count, -1.0);
    if joint.armature > 0.0 {
        let rotor: SmallVector = std::array::from_fn(|r| joint.rows[r].rotor);
        let inverse_armature = 1.0 / joint.armature;
        for r in 0..MAX_DIM {
            if rotor[r] != 0.0 {
                for c in 0..MAX_DIM {
                    d.m[r][c] -= rotor[r] * rotor[c] * inverse_armature;
                }
            }
        }
    }
}

impl TreeFactor {
    /// Factors the system for the joints' current rows. Returns false when a block is
    /// singular (the tree's joints then fall back to one-by-one solves this substep).
    pub fn factor(
        &mut self,
        tree: &JointTree,
        joints: &[JointConstraint],
        bodies: &[SolverBody],
    ) -> bool {
        let n = tree.nodes.len();
        self.pivot_blocks.resize(n, SmallMatrix::default());
        self.pivots.resize(n, Pivot::default());
        self.coupling.resize(n, SmallMatrix::default());
        self.link.resize(n, SmallMatrix::default());
        let blocks = self.pivot_blocks.iter_mut().zip(&tree.has_children);
        for (node, (block, &has_children)) in tree.nodes.iter().zip(blocks) {
            match node.kind {
                NodeKind::Body(b) if has_children => mass_block(&bodies[b], block),
                NodeKind::Body(_) => {}
                NodeKind::Joint(j) => joint_block(&joints[j], block),
            }
        }
        // Children before parents: each node's pivot has all its children's eliminations.
        // Bodies' pivots stay positive definite (articulated inertias), joints' negative
        // definite.
        for i in (0..n).rev() {
            let node = tree.nodes[i];
            let (positive, dim) = match node.kind {
                NodeKind::Body(_) => (true, 6),
                NodeKind::Joint(j) => (false, joints[j].row_count),
            };
            match node.kind {
                NodeKind::Body(b) if !tree.has_children[i] => {
                    self.pivots[i] = Pivot::Mass {
                        inverse_mass: bodies[b].inverse_mass,
                        inverse_inertia: bodies[b].inverse_inertia,
                    }
                }
                _ => {
                    // Factored in place (the blocks are large to move).
                    if !matches!(self.pivots[i], Pivot::Factor(_)) {
                        self.pivots[i] = Pivot::default();
                    }
                    let Pivot::Factor(f) = &mut self.pivots[i] else {
                        unreachable!("set just above");
                    };
                    if !f.factor(&self.pivot_blocks[i], dim, positive) {
                        return false;
                    }
                }
            }
            if let Some(p) = node.parent {
                coupling_block(node.kind, tree.nodes[p].kind, joints, &mut self.coupling[i]);
                self.pivots[i].solve_block(&self.coupling[i], &mut self.link[i]);
                self.pivot_blocks[p].sub_transpose_mul(&self.coupling[i], &self.link[i]);
            }
        }
        true
    }

    /// Each tree joint's (and compound member's) subtree mass: the articulated inertia about
    /// the joint's axis of the bodies below it in the tree (Featherstone's Sᵀ Iᴬ S, with Iᴬ
    /// the body's pivot once its subtree is eliminated), and the response of the body it
    /// pushes against on the other side, for the drives' effective mass.
    pub fn subtree_masses(
        &self,
        tree: &JointTree,
        joints: &mut [JointConstraint],
        bodies: &[SolverBody],
    ) {
        for &j in &tree.tree_joints {
            joints[j].subtree_mass = 0.0;
            let Some(i) = tree.body_below[j] else {
                continue;
            };
            let NodeKind::Body(b) = tree.nodes[i].kind else {
                continue;
            };
            // A compound's members turn the same subtree, each along its own axis, while the
            // others are free: axis k's effective mass is 1 / (H⁻¹)ₖₖ, H = Sᵀ Iᴬ S over the
            // members' motions S (a single axis: Sᵀ Iᴬ S itself).
            let on_b = joints[j].body_b as usize == b;
            let (members, count, motions) = match &joints[j].compound {
                Some(c) => (c.joint.joints, c.joint.count, c.motions(on_b)),
                None => {
                    let Some(motion) = joints[j].axial_motion(b) else {
                        continue;
                    };
                    let mut motions = [[0.0; 6]; MAX_COMPOUND_AXES];
                    motions[0] = motion;
                    let mut members = [0; MAX_COMPOUND_AXES];
                    members[0] = j;
                    (members, 1, motions)
                }
            };
            let members = &members[..count];
            for &m in members {
                joints[m].subtree_mass = 0.0;
            }
            if !members.iter().any(|&m| joints[m].drive_needs_mass()) {
                continue;
            }
            let mut inertia = SmallMatrix::padded(count, 1.0);
            for r in 0..count {
                for c in 0..count {
                    inertia.m[r][c] =
                        self.articulated_product(tree, i, b, &motions[r], &motions[c], bodies);
                }
            }
            let Some(inverse) = inertia.inverse(count) else {
                continue;
            };
            for (k, &m) in members.iter().enumerate() {
                let joint = &mut joints[m];
                if !joint.drive_needs_mass() || inverse.m[k][k] <= 0.0 {
                    continue;
                }
                joint.subtree_is_b = on_b;
                joint.subtree_mass = 1.0 / inverse.m[k][k];
                // The other side: the free response of the body the drive pushes against.
                let Some(row) = joint.current_axial else {
                    continue;
                };
                let other = &bodies[if on_b { joint.body_a } else { joint.body_b } as usize];
                let angular = if on_b { row.angular_a } else { row.angular_b };
                joint.counterpart_response = other.inverse_mass * row.linear.length_squared()
                    + angular.dot(other.inverse_inertia * angular);
            }
        }
    }

    /// xᵀ Iᴬ y, with Iᴬ the inertia of body node `i` (body `b`) with its subtree eliminated,
    /// and x, y motions of it (linear velocity of its centre of mass, angular velocity):
    /// Featherstone's Sᵀ Iᴬ S for x = y = S.
    fn articulated_product(
        &self,
        tree: &JointTree,
        i: usize,
        b: usize,
        x: &[f32; 6],
        y: &[f32; 6],
        bodies: &[SolverBody],
    ) -> f32 {
        if tree.has_children[i] {
            let dy = self.pivot_blocks[i].mul_vec(y);
            return x.iter().zip(dy).map(|(a, b)| a * b).sum::<f32>();
        }
        let body = &bodies[b];
        let (x_linear, x_angular) = (Vec3A::new(x[0], x[1], x[2]), Vec3A::new(x[3], x[4], x[5]));
        let (y_linear, y_angular) = (Vec3A::new(y[0], y[1], y[2]), Vec3A::new(y[3], y[4], y[5]));
        x_linear.dot(y_linear) / body.inverse_mass
            + x_angular.dot(body.inverse_inertia.inverse() * y_angular)
    }

    /// Solves H x = work in place (forward then back substitution).
    fn substitute(&mut self, tree: &JointTree) {
        let n = tree.nodes.len();
        // Forward: fold each node's right-hand side into its parent's.
        for i in (0..n).rev() {
            if let Some(p) = tree.nodes[i].parent {
                let folded = self.link[i].transpose_mul_vec(&self.work[i]);
                for (w, f) in self.work[p].iter_mut().zip(folded) {
                    *w -= f;
                }
            }
        }
        // Back: from the roots down.
        for i in 0..n {
            let mut x = self.work[i];
            self.pivots[i].solve(&mut x);
            if let Some(p) = tree.nodes[i].parent {
                let from_parent = self.link[i].mul_vec(&self.work[p]);
                for (xi, f) in x.iter_mut().zip(from_parent) {
                    *xi -= f;
                }
            }
            self.work[i] = x;
        }
    }

    /// Right-hand sides of every tree joint's rows from `target(joint, pair, row)`.
    fn load(
        &mut self,
        tree: &JointTree,
        joints: &[JointConstraint],
        bodies: &[SolverBody],
        velocities: &[Velocity],
        target: impl Fn(&JointConstraint, &BodyPair) -> RowValues,
    ) {
        self.work.clear();
        self.work.resize(tree.nodes.len(), [0.0; MAX_DIM]);
        for (i, node) in tree.nodes.iter().enumerate() {
            if let NodeKind::Joint(j) = node.kind {
                let joint = &joints[j];
                let (ia, ib) = (joint.body_a as usize, joint.body_b as usize);
                let pair = BodyPair::new(&bodies[ia], &bodies[ib], velocities[ia], velocities[ib]);
                let values = target(joint, &pair);
                for (w, v) in self.work[i].iter_mut().zip(&values[..joint.row_count]) {
                    *w = *v;
                }
            }
        }
    }

    /// Every tree joint's rows to their target, exactly: zero relative velocity, minus
    /// `rate` × the row's position error (Baumgarte) on structural rows. The impulses found
    /// are accumulated and applied to `velocities`.
    ///
    /// The drift correction is rigid, not soft as elsewhere: Box2D's per-row softening
    /// (scaling and decaying each row's impulse on its own) breaks the coupled solution where
    /// an armature rotor ties rows together, and feeds energy into the rotors.
    pub fn solve_velocities(
        &mut self,
        tree: &JointTree,
        joints: &mut [JointConstraint],
        bodies: &[SolverBody],
        velocities: &mut [Velocity],
        rate: f32,
    ) {
        self.load(tree, joints, bodies, velocities, |joint, pair| {
            let mut v = [0.0; MAX_ROWS];
            for (r, value) in v.iter_mut().enumerate().take(joint.row_count) {
                *value = joint.row_velocity(r, pair);
            }
            if rate > 0.0 {
                let errors = joint.row_errors(pair);
                for (r, value) in v.iter_mut().enumerate().take(joint.row_count) {
                    if joint.rows[r].soft {
                        *value += rate * errors[r];
                    }
                }
            }
            v
        });
        self.substitute(tree);
        for (i, node) in tree.nodes.iter().enumerate() {
            if let NodeKind::Joint(j) = node.kind {
                let joint = &mut joints[j];
                let (ia, ib) = (joint.body_a as usize, joint.body_b as usize);
                let mut pair =
                    BodyPair::new(&bodies[ia], &bodies[ib], velocities[ia], velocities[ib]);
                let mut lambdas = [0.0; MAX_ROWS];
                lambdas[..joint.row_count].copy_from_slice(&self.work[i][..joint.row_count]);
                for (total, lambda) in joint.row_impulses.iter_mut().zip(lambdas) {
                    *total += lambda;
                }
                joint.apply_rows(&mut pair, &lambdas);
                velocities[ia] = pair.va;
                velocities[ib] = pair.vb;
            }
        }
    }
}
