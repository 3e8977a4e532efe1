//! The substep loop over one world: its bodies, their velocities and its contact constraints
//! in graph-colour order. Each pass visits the colours one after another; within a colour no
//! two constraints share a dynamic body, so their order there does not change the bits.

use glam::Vec3;

use crate::coloring::MAX_COLORS;
use crate::contact_solver::{BodyPair, ContactConstraint, SolvePass};
use crate::solver_body::{SolverBody, Velocity};

pub struct SubstepSolver<'a> {
    /// Constraint indices sorted by colour; colour c is
    /// `order[color_starts[c]..color_starts[c + 1]]`.
    pub order: &'a [u32],
    pub color_starts: &'a [u32],
    pub constraints: &'a mut [ContactConstraint],
    pub bodies: &'a mut [SolverBody],
    pub velocities: &'a mut [Velocity],
}

impl SubstepSolver<'_> {
    /// Gravity for one substep, on dynamic bodies.
    pub fn integrate_velocities(&mut self, gravity: Vec3, h: f32) {
        for (body, v) in self.bodies.iter().zip(self.velocities.iter_mut()) {
            if body.is_dynamic() {
                v.accelerate(gravity, h);
            }
        }
    }

    /// Moves dynamic bodies by their velocities over one substep.
    pub fn integrate_positions(&mut self, gravity: Vec3, h: f32) {
        for (body, v) in self.bodies.iter_mut().zip(self.velocities.iter_mut()) {
            if body.is_dynamic() {
                body.integrate_position(v, h, gravity);
            }
        }
    }

    /// Re-applies every constraint's accumulated impulses.
    pub fn warm_start(&mut self) {
        self.for_each(|c, pair| c.warm_start(pair));
    }

    /// The restitution pass after the substeps.
    pub fn apply_restitution(&mut self, threshold: f32) {
        self.for_each(|c, pair| c.apply_restitution(pair, threshold));
    }

    /// One solve (or relax) pass. Within a colour, constraints go two at a time so their
    /// dependency chains overlap; the last, overflow colour, whose members may share bodies,
    /// goes one by one.
    pub fn solve(&mut self, pass: SolvePass) {
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
