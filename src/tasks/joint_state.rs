//! Puts chosen worlds of a `Sim` in a joint-space state (q, q̇) through the public field
//! setters: the bodies are placed by forward kinematics from the scene's initial poses and
//! given the velocities the joints' q̇ imply, and whole fields are read, patched and written.

use glam::{Quat, Vec3};
use manyworlds_core::joint_space::forward_kinematics;
use manyworlds_core::{JointKind, Pose, Scene};

use crate::sim::{Sim, SimError};

/// Scratch for writing joint states, allocated once.
pub struct JointStateWriter {
    poses: Vec<Pose>,
    linear: Vec<Vec3>,
    angular: Vec<Vec3>,
    placed: Vec<bool>,
    positions: Vec<Vec3>,
    orientations: Vec<Quat>,
    linear_velocities: Vec<Vec3>,
    angular_velocities: Vec<Vec3>,
}

impl JointStateWriter {
    pub fn new(sim: &Sim) -> JointStateWriter {
        let (bodies, all) = (sim.stride(), sim.stride() * sim.world_count());
        JointStateWriter {
            poses: Vec::with_capacity(bodies),
            linear: vec![Vec3::ZERO; bodies],
            angular: vec![Vec3::ZERO; bodies],
            placed: vec![false; bodies],
            positions: Vec::with_capacity(all),
            orientations: Vec::with_capacity(all),
            linear_velocities: Vec::with_capacity(all),
            angular_velocities: Vec::with_capacity(all),
        }
    }

    /// Sets each `(world, q, q̇)` of `states`; the other worlds keep their state bit for bit.
    pub fn write<'a>(
        &mut self,
        sim: &mut Sim,
        states: impl IntoIterator<Item = (usize, &'a [f32], &'a [f32])>,
    ) -> Result<(), SimError> {
        copy_into(&mut self.positions, sim.positions()?);
        copy_into(&mut self.orientations, sim.orientations()?);
        copy_into(&mut self.linear_velocities, sim.linear_velocities()?);
        copy_into(&mut self.angular_velocities, sim.angular_velocities()?);
        let stride = sim.stride();
        for (world, q, qd) in states {
            self.place(sim.scene(), q, qd);
            let rows = world * stride..(world + 1) * stride;
            for (i, k) in rows.enumerate() {
                self.positions[k] = self.poses[i].position;
                self.orientations[k] = self.poses[i].orientation;
                self.linear_velocities[k] = self.linear[i];
                self.angular_velocities[k] = self.angular[i];
            }
        }
        sim.set_positions(&self.positions)?;
        sim.set_orientations(&self.orientations)?;
        sim.set_linear_velocities(&self.linear_velocities)?;
        sim.set_angular_velocities(&self.angular_velocities)
    }

    /// One world's body poses and (centre-of-mass, angular) velocities for (q, q̇), joints in
    /// scene order, each body moved by the first joint that has it as child (as
    /// [`forward_kinematics`] places it).
    fn place(&mut self, scene: &Scene, q: &[f32], qd: &[f32]) {
        self.poses.clear();
        self.poses.extend(scene.bodies().iter().map(|b| b.pose));
        forward_kinematics(scene, q, &mut self.poses);
        for (i, body) in scene.bodies().iter().enumerate() {
            self.linear[i] = body.linear_velocity;
            self.angular[i] = body.angular_velocity;
        }
        self.placed.fill(false);
        let bodies = scene.bodies();
        let center =
            |poses: &[Pose], b: usize| poses[b].transform_point(bodies[b].mass.center_of_mass);
        for joint in scene.joints() {
            let c = joint.child;
            if std::mem::replace(&mut self.placed[c], true) {
                continue;
            }
            let qd = &qd[joint.velocity_offset..][..joint.kind.velocity_count()];
            let center_c = center(&self.poses, c);
            if joint.kind == JointKind::Free {
                // q̇: the origin's velocity (world) and the angular velocity (body frame).
                let omega = self.poses[c].orientation * Vec3::new(qd[3], qd[4], qd[5]);
                let origin_velocity = Vec3::new(qd[0], qd[1], qd[2]);
                self.angular[c] = omega;
                self.linear[c] = origin_velocity + omega.cross(center_c - self.poses[c].position);
                continue;
            }
            let (v_p, omega_p, center_p) = match joint.parent {
                Some(p) => (self.linear[p], self.angular[p], center(&self.poses, p)),
                None => (Vec3::ZERO, Vec3::ZERO, Vec3::ZERO),
            };
            let frame = self.poses[c].compose(&joint.frame_in_child);
            let axis = frame.orientation * Vec3::X;
            // The parent's velocity at the child's anchor, plus the joint's own motion.
            let mut v_anchor = v_p + omega_p.cross(frame.position - center_p);
            let mut omega = omega_p;
            match joint.kind {
                JointKind::Revolute => omega += axis * qd[0],
                JointKind::Prismatic => v_anchor += axis * qd[0],
                JointKind::Spherical => {
                    omega += frame.orientation * Vec3::new(qd[0], qd[1], qd[2]);
                }
                JointKind::Fixed | JointKind::Free => {}
            }
            self.angular[c] = omega;
            self.linear[c] = v_anchor + omega.cross(center_c - frame.position);
        }
    }
}

fn copy_into<T: Copy>(dst: &mut Vec<T>, src: &[T]) {
    dst.clear();
    dst.extend_from_slice(src);
}
