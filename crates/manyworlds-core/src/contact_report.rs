//! Contact forces as the solver left them after a step, for tasks that reward or terminate on
//! contact (a foot touching, a gripper squeezing) and for checking a simulation: each pushing
//! contact point of a world, and each body's net contact force and torque.
//!
//! A point's force is its accumulated impulse of the step's last substep divided by the
//! substep: the force the contact carried at the end of the step (a body resting on the
//! ground reports its weight).

use glam::{Quat, Vec3};

use crate::Scene;

/// One pushing contact point of a world after a step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Contact {
    /// The two bodies in contact; a static body, if any, is `body_a`.
    pub body_a: usize,
    pub body_b: usize,
    /// The point on A's surface, world frame.
    pub position: Vec3,
    /// Unit normal from A to B.
    pub normal: Vec3,
    /// Force along the normal, N (≥ 0): B is pushed along `normal`, A the other way.
    pub normal_force: f32,
    /// Friction force on B, N, perpendicular to the normal (A takes its opposite).
    pub friction_force: Vec3,
}

impl Contact {
    /// The whole force on B (A takes its opposite).
    pub fn force_on_b(&self) -> Vec3 {
        self.normal * self.normal_force + self.friction_force
    }
}

/// The net contact force and torque on one body (torque about its centre of mass), world
/// frame.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BodyContactForce {
    pub force: Vec3,
    pub torque: Vec3,
}

/// The bodies of the colliders of a cache key `first << 16 | second`, in the solver's order:
/// a static body first.
pub fn contact_pair_bodies(scene: &Scene, key: u32) -> (usize, usize) {
    let colliders = scene.colliders();
    let first = colliders[(key >> 16) as usize].body;
    let second = colliders[(key & 0xffff) as usize].body;
    if scene.bodies()[second].is_dynamic() {
        (first, second)
    } else {
        (second, first)
    }
}

/// A contact point from the solver's memory of it: where it sits relative to A's centre of
/// mass in A's frame, its normal and its impulses of the last substep `h`. `None` when it
/// does not push.
#[allow(clippy::too_many_arguments)]
pub fn contact_from_impulses(
    (body_a, body_b): (usize, usize),
    center_a: Vec3,
    orientation_a: Quat,
    local_anchor: Vec3,
    normal: Vec3,
    normal_impulse: f32,
    tangent_impulse: Vec3,
    h: f32,
) -> Option<Contact> {
    (normal_impulse > 0.0).then(|| Contact {
        body_a,
        body_b,
        position: center_a + orientation_a * local_anchor,
        normal,
        normal_force: normal_impulse / h,
        friction_force: tangent_impulse / h,
    })
}

/// Each body's net contact force and torque from a world's `contacts`, given the bodies'
/// centres of mass (world).
pub fn body_contact_forces(contacts: &[Contact], centers: &[Vec3]) -> Vec<BodyContactForce> {
    let mut out = vec![BodyContactForce::default(); centers.len()];
    for c in contacts {
        let f = c.force_on_b();
        for (body, force) in [(c.body_a, -f), (c.body_b, f)] {
            let total = &mut out[body];
            total.force += force;
            total.torque += (c.position - centers[body]).cross(force);
        }
    }
    out
}
