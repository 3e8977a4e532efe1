//! The substep loop over one world: its bodies, their velocities, its contact constraints in
//! graph-colour order, then its joints. Each pass visits the contacts' colours one after
//! another (within a colour no two constraints share a dynamic body, so their order there does
//! not change the bits), then the joints' drives, then their structural rows: the trees'
//! exactly, the other joints one by one. Joints go last so that what holds a robot together is
//! what each pass ends on.

use glam::Vec3;

use crate::articulation_solver::TreeFactor;
use crate::coloring::MAX_COLORS;
use crate::compound_rows::hand_out_axes;
use crate::contact_solver::{BodyPair, ContactConstraint, SolvePass};
use crate::joint_solver::{JointConstraint, JointPass};
use crate::solver_body::{SolverBody, Velocity};
use manyworlds_core::joint_tree::JointTree;

/// The most sweeps of one impact pass.
pub const MAX_IMPACT_SWEEPS: usize = 8;

pub struct SubstepSolver<'a> {
    /// Constraint indices sorted by colour; colour c is
    /// `order[color_starts[c]..color_starts[c + 1]]`.
    pub order: &'a [u32],
    pub color_starts: &'a [u32],
    pub constraints: &'a mut [ContactConstraint],
    pub joints: &'a mut [JointConstraint],
    pub tree: &'a JointTree,
    pub factor: &'a mut TreeFactor,
    /// Whether this substep's factorisation succeeded (else every joint goes one by one).
    pub tree_factored: bool,

    pub bodies: &'a mut [SolverBody],
    pub velocities: &'a mut [Velocity],
    /// Whether any contact has restitution (else there are no impacts to look for).
    pub bounces: bool,
}

impl SubstepSolver<'_> {
    /// Gravity for one substep `h` and `gyroscopic_time` of gyroscopic torque, on dynamic
    /// bodies (see `integrate_positions`).
    pub fn integrate_velocities(&mut self, gravity: Vec3, h: f32, gyroscopic_time: f32) {
        for (body, v) in self.bodies.iter().zip(self.velocities.iter_mut()) {
            if body.is_dynamic() {
                v.accelerate(gravity, h);
                body.apply_gyroscopic(&mut v.angular, gyroscopic_time);
            }
        }
    }

    /// Moves dynamic bodies by their velocities over one substep, then gives them
    /// `gyroscopic_time` of gyroscopic torque at their new orientation. The step's torque is
    /// given as kick, drift, kick: h/2 before the first substep's solve, h between substeps
    /// (the halves of two neighbouring substeps, at the same orientation, in one), h/2 after
    /// the last position update. So split the step is symmetric, and a free body's world
    /// angular momentum drifts at O(h²) instead of O(h) (gyroscopic.rs).
    pub fn integrate_positions(&mut self, gravity: Vec3, h: f32, gyroscopic_time: f32) {
        for (body, v) in self.bodies.iter_mut().zip(self.velocities.iter_mut()) {
            if body.is_dynamic() {
                body.integrate_position(v, h, gravity);
                if gyroscopic_time > 0.0 {
                    body.apply_gyroscopic(&mut v.angular, gyroscopic_time);
                }
            }
        }
    }

    /// Soft limits' q and q̇ where the substep starts, before any force acts.
    pub fn record_limit_starts(&mut self) {
        for_each_joint(self.joints, self.bodies, self.velocities, |j, pair| {
            j.record_limit_start(pair)
        });
    }

    /// Re-applies every constraint's accumulated impulses, and motors' impulses for this
    /// substep `h`.
    pub fn warm_start(&mut self, h: f32) {
        self.for_each(|c, pair| c.warm_start(pair));
        for_each_joint(self.joints, self.bodies, self.velocities, |j, pair| {
            j.warm_start(pair, h)
        });
    }

    /// Rebuilds the joints' rows where the bodies are now and factors the trees' system.
    pub fn prepare_joints(&mut self) {
        if self.joints.is_empty() {
            return;
        }
        for_each_joint(self.joints, self.bodies, self.velocities, |j, pair| {
            j.refresh_rows(pair)
        });
        hand_out_axes(self.joints, None);
        self.tree_factored = self.factor.factor(self.tree, self.joints, self.bodies);
        if self.tree_factored {
            self.factor
                .subtree_masses(self.tree, self.joints, self.bodies);
        } else {
            // No subtree is known this substep: the drives take their free responses.
            for joint in self.joints.iter_mut() {
                joint.subtree_mass = 0.0;
            }
        }
    }

    /// The joints' part of a pass: drives, then the structural rows (a tree's exactly, with
    /// Baumgarte drift correction at the joint softness' rate in the biased pass; other
    /// joints soft, one by one).
    pub fn solve_joints(&mut self, pass: &JointPass) {
        if self.joints.is_empty() {
            return;
        }
        for_each_joint(self.joints, self.bodies, self.velocities, |j, pair| {
            j.solve_drive(pair, pass);
            j.solve_ball_damping(pair, pass.h);
        });
        let (bodies, velocities) = (&*self.bodies, &mut *self.velocities);
        let one_by_one: [&[usize]; 2] = if self.tree_factored {
            [&self.tree.loose_joints, &[]]
        } else {
            [&self.tree.tree_joints, &self.tree.loose_joints]
        };
        for &k in one_by_one.into_iter().flatten() {
            let j = &mut self.joints[k];
            let (ia, ib) = (j.body_a as usize, j.body_b as usize);
            let mut pair = BodyPair::new(&bodies[ia], &bodies[ib], velocities[ia], velocities[ib]);
            j.solve_rows(&mut pair, pass);
            velocities[ia] = pair.va;
            velocities[ib] = pair.vb;
        }
        if self.tree_factored {
            let rate = if pass.use_bias {
                pass.softness.bias_rate
            } else {
                0.0
            };
            self.factor
                .solve_velocities(self.tree, self.joints, bodies, velocities, rate);
        }
    }

    /// The restitution pass after the substeps.
    pub fn apply_restitution(&mut self, threshold: f32) {
        self.for_each(|c, pair| c.apply_restitution(pair, threshold));
    }

    /// The impact pass (contact_solver.rs), before a substep's warm start: sweeps over the contacts in solve order until one collides nothing, at most
    /// `MAX_IMPACT_SWEEPS` (a struck row of n touching bodies needs about n / 2, colours
    /// alternating along it). Nothing to do without restitution in the world.
    pub fn collide_impacts(&mut self, threshold: f32) {
        if !self.bounces {
            return;
        }
        for _ in 0..MAX_IMPACT_SWEEPS {
            let mut collided = false;
            self.for_each(|c, pair| collided |= c.collide_impacts(pair, threshold));
            if !collided {
                break;
            }
        }
    }

    /// One solve (or relax) pass. Within a colour, constraints go two at a time so their
    /// dependency chains overlap; the last, overflow colour, whose members may share bodies,
    /// goes one by one.
    pub fn solve(&mut self, pass: SolvePass) {
        if self.constraints.is_empty() {
            return;
        }
        let (bodies, velocities) = (&*self.bodies, &mut *self.velocities);
        for color in 0..=MAX_COLORS {
            let members = &self.order
                [self.color_starts[color] as usize..self.color_starts[color + 1] as usize];
            let (twos, rest) = if color == MAX_COLORS {
                (&[][..], members)
            } else {
                members.split_at(members.len() & !1)
            };
            for two in twos.chunks_exact(2) {
                let (c1, c2) = two_constraints(self.constraints, two[0] as usize, two[1] as usize);
                let (a1, b1) = (c1.body_a as usize, c1.body_b as usize);
                let (a2, b2) = (c2.body_a as usize, c2.body_b as usize);
                let mut p1 =
                    BodyPair::new(&bodies[a1], &bodies[b1], velocities[a1], velocities[b1]);
                let mut p2 =
                    BodyPair::new(&bodies[a2], &bodies[b2], velocities[a2], velocities[b2]);
                ContactConstraint::solve_two((c1, &mut p1), (c2, &mut p2), pass);
                // A body two constraints of a colour share is static: written back unchanged.
                velocities[a1] = p1.va;
                velocities[b1] = p1.vb;
                velocities[a2] = p2.va;
                velocities[b2] = p2.vb;
            }
            for_each_of(rest, self.constraints, bodies, velocities, |c, pair| {
                c.solve(pair, pass)
            });
        }
    }

    /// Runs `f` on every constraint in solve order.
    fn for_each(&mut self, f: impl FnMut(&mut ContactConstraint, &mut BodyPair)) {
        for_each_of(
            self.order,
            self.constraints,
            self.bodies,
            self.velocities,
            f,
        );
    }
}

/// Runs `f` on every joint in order, each with its two bodies (velocities copied in and
/// written back).
fn for_each_joint(
    joints: &mut [JointConstraint],
    bodies: &[SolverBody],
    velocities: &mut [Velocity],
    mut f: impl FnMut(&mut JointConstraint, &mut BodyPair),
) {
    for j in joints {
        let (ia, ib) = (j.body_a as usize, j.body_b as usize);
        let mut pair = BodyPair::new(&bodies[ia], &bodies[ib], velocities[ia], velocities[ib]);
        f(j, &mut pair);
        velocities[ia] = pair.va;
        velocities[ib] = pair.vb;
    }
}

/// Runs `f` on the constraints `members`, in that order, each with its two bodies: their
/// velocities are copied in and written back (a static body's comes back unchanged).
fn for_each_of(
    members: &[u32],
    constraints: &mut [ContactConstraint],
    bodies: &[SolverBody],
    velocities: &mut [Velocity],
    mut f: impl FnMut(&mut ContactConstraint, &mut BodyPair),
) {
    for &k in members {
        let c = &mut constraints[k as usize];
        let (ia, ib) = (c.body_a as usize, c.body_b as usize);
        let mut pair = BodyPair::new(&bodies[ia], &bodies[ib], velocities[ia], velocities[ib]);
        f(c, &mut pair);
        velocities[ia] = pair.va;
        velocities[ib] = pair.vb;
    }
}

/// Mutable references to two distinct constraints.
fn two_constraints(
    constraints: &mut [ContactConstraint],
    i: usize,
    j: usize,
) -> (&mut ContactConstraint, &mut ContactConstraint) {
    debug_assert_ne!(i, j);
    if i < j {
        let (low, high) = constraints.split_at_mut(j);
        (&mut low[i], &mut high[0])
    } else {
        let (low, high) = constraints.split_at_mut(i);
        (&mut high[0], &mut low[j])
    }
}
