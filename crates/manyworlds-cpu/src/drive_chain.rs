//! A drive's impulse across carriers (core `joint_tree::DriveChain`): each side's share goes
//! to the real body at that end of the chain, and the carriers between move rigidly with it,
//! their momentum included (a carrier is light, not massless).

use glam::Vec3A;
use manyworlds_core::joint_tree::DriveChain;

use crate::contact_solver::BodyPair;
use crate::joint_rows::JointRow;
use crate::solver_body::{SolverBody, Velocity};

/// The angular part of `row` for side `b_side` with the arm measured from `end`'s centre
/// instead of `near`'s (the joint's own body on that side): a slide's row has a moment arm.
#[inline]
pub fn angular_from(row: &JointRow, b_side: bool, near: &SolverBody, end: &SolverBody) -> Vec3A {
    let shift = (near.center - end.center).cross(row.linear);
    if b_side {
        row.angular_b + shift
    } else {
        row.angular_a - shift
    }
}

/// Where a joint's axial impulses go: its two bodies, or the ends of its drive chain.
pub struct AxialPush<'a> {
    pub chain: Option<&'a DriveChain>,
    pub bodies: &'a [SolverBody],
    pub velocities: &'a mut [Velocity],
    /// The joint's two bodies (the pair's).
    pub a: usize,
    pub b: usize,
}

impl AxialPush<'_> {
    /// Applies λ along `row` (−λ to side A, +λ to side B); the pair's velocities stay current.
    #[inline(always)]
    pub fn push(&mut self, pair: &mut BodyPair, row: &JointRow, lambda: f32) {
        let Some(chain) = self.chain else {
            row.apply(pair.a, pair.b, &mut pair.va, &mut pair.vb, lambda);
            return;
        };
        self.velocities[self.a] = pair.va;
        self.velocities[self.b] = pair.vb;
        for (side, near) in [pair.a, pair.b].into_iter().enumerate() {
            let Some(e) = chain.ends[side] else { continue };
            let end = &self.bodies[e];
            if end.inverse_mass == 0.0 {
                continue;
            }
            let b_side = side == 1;
            let carriers = &chain.carriers[side];
            let dw = end.inverse_inertia * angular_from(row, b_side, near, end) * lambda;
            // The end and its carriers turn by dw about the end's centre and share one
            // translation, chosen so their momentum changes by the impulse's linear part.
            let (mut mass, mut moment) = (1.0 / end.inverse_mass, Vec3A::ZERO);
            for &c in carriers {
                let m = 1.0 / self.bodies[c].inverse_mass;
                mass += m;
                moment += (self.bodies[c].center - end.center) * m;
            }
            let impulse = row.linear * if b_side { lambda } else { -lambda };
            let dv = (impulse - dw.cross(moment)) / mass;
            for &c in carriers.iter().chain([&e]) {
                let v = &mut self.velocities[c];
                v.linear += dv + dw.cross(self.bodies[c].center - end.center);
                v.angular += dw;
            }
        }
        pair.va = self.velocities[self.a];
        pair.vb = self.velocities[self.b];
    }
}
