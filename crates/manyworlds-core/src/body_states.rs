//! Views of body states: one world's, and a whole batch's (`[worlds × bodies]` slices).

use glam::{Quat, Vec3};

use crate::pose::Pose;

/// One world's body states, body by body: body-frame origins, orientations, centre-of-mass
/// velocities and angular velocities (world frame), and where each body's centre of mass sits
/// in its own frame in this world (randomization may move it): the velocities are that
/// point's.
#[derive(Clone, Copy, Debug)]
pub struct WorldBodies<'a> {
    pub positions: &'a [Vec3],
    pub orientations: &'a [Quat],
    pub linear_velocities: &'a [Vec3],
    pub angular_velocities: &'a [Vec3],
    pub centers_of_mass: &'a [Vec3],
    /// Each joint's accumulated angle, one per joint: a revolute joint's q where the world
    /// last stood, turns counted (other kinds' entries unused). Empty when unknown: q is then
    /// read in (−π, π].
    pub joint_angles: &'a [f32],
}

impl WorldBodies<'_> {
    pub fn pose(&self, body: Option<usize>) -> Pose {
        body.map_or(Pose::IDENTITY, |b| {
            Pose::new(self.positions[b], self.orientations[b])
        })
    }

    /// Where `body`'s centre of mass is in the world (the origin for the world).
    pub fn center(&self, body: Option<usize>) -> Vec3 {
        body.map_or(Vec3::ZERO, |b| {
            self.positions[b] + self.orientations[b] * self.centers_of_mass[b]
        })
    }

    /// Velocity of the material point at world position `point` of `body` (zero for the
    /// world).
    pub fn point_velocity(&self, body: Option<usize>, point: Vec3) -> Vec3 {
        body.map_or(Vec3::ZERO, |b| {
            self.linear_velocities[b] + self.angular_velocities[b].cross(point - self.center(body))
        })
    }

    pub fn angular_velocity(&self, body: Option<usize>) -> Vec3 {
        body.map_or(Vec3::ZERO, |b| self.angular_velocities[b])
    }
}

/// Every world's body states, `[worlds × bodies]`: world `w`, body `i` at `w * stride + i`.
#[derive(Clone, Copy, Debug)]
pub struct BatchBodies<'a> {
    pub stride: usize,
    pub positions: &'a [Vec3],
    pub orientations: &'a [Quat],
    pub linear_velocities: &'a [Vec3],
    pub angular_velocities: &'a [Vec3],
    /// Body-frame centres of mass, `[worlds × bodies]` as the state.
    pub centers_of_mass: &'a [Vec3],
    /// `[worlds × joints]`: each world's [`WorldBodies::joint_angles`] (empty when unknown).
    pub joint_angles: &'a [f32],
}

impl<'a> BatchBodies<'a> {
    pub fn world_count(&self) -> usize {
        self.positions.len() / self.stride.max(1)
    }

    pub fn world(&self, w: usize) -> WorldBodies<'a> {
        let range = w * self.stride..(w + 1) * self.stride;
        let joints = self.joint_angles.len() / self.world_count().max(1);
        WorldBodies {
            joint_angles: &self.joint_angles[w * joints..(w + 1) * joints],
            positions: &self.positions[range.clone()],
            orientations: &self.orientations[range.clone()],
            linear_velocities: &self.linear_velocities[range.clone()],
            angular_velocities: &self.angular_velocities[range.clone()],
            centers_of_mass: &self.centers_of_mass[range],
        }
    }
}
