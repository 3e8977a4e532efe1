//! A world's initial state moved by its draw: joint positions and velocities offset, the root
//! shifted and turned, and the bodies placed where the joints then put them.

use glam::{Quat, Vec3};

use crate::batch_error::BatchError;
use crate::body_states::WorldBodies;
use crate::compound_joint::CompoundJoint;
use crate::joint::JointKind;
use crate::joint_space::{
    compound_state, forward_kinematics, joint_frames, joint_positions, joint_velocities,
};
use crate::pose::Pose;
use crate::randomization::WorldDraw;
use crate::scene::{joint_angles_of, Scene};

/// One world's body states, owned.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BodyStates {
    pub positions: Vec<Vec3>,
    pub orientations: Vec<Quat>,
    pub linear_velocities: Vec<Vec3>,
    pub angular_velocities: Vec<Vec3>,
    /// Each joint's accumulated angle ([`WorldBodies::joint_angles`]); empty when unknown
    /// (revolute joints then read q in (−π, π] from the bodies).
    pub joint_angles: Vec<f32>,
}

impl BodyStates {
    /// Every field has one entry per body of a world of `bodies` bodies.
    pub fn check_length(&self, bodies: usize) -> Result<(), BatchError> {
        let lengths = [
            ("positions", self.positions.len()),
            ("orientations", self.orientations.len()),
            ("linear_velocities", self.linear_velocities.len()),
            ("angular_velocities", self.angular_velocities.len()),
        ];
        match lengths.into_iter().find(|&(_, n)| n != bodies) {
            Some((field, got)) => Err(BatchError::SliceLength {
                field,
                layout: "bodies of one world",
                expected: bodies,
                got,
            }),
            None => Ok(()),
        }
    }

    /// `joint_angles` is empty or has one entry per joint, each finite.
    pub fn check_joint_angles(&self, joints: usize) -> Result<(), BatchError> {
        let n = self.joint_angles.len();
        if n != 0 && n != joints {
            return Err(BatchError::SliceLength {
                field: "joint_angles",
                layout: "joints of one world (or none)",
                expected: joints,
                got: n,
            });
        }
        match self.joint_angles.iter().position(|a| !a.is_finite()) {
            Some(index) => Err(BatchError::NonFinite {
                field: "joint_angles",
                index,
            }),
            None => Ok(()),
        }
    }

    /// A copy of a world's states.
    pub fn copy_of(bodies: &WorldBodies) -> Self {
        BodyStates {
            positions: bodies.positions.to_vec(),
            orientations: bodies.orientations.to_vec(),
            linear_velocities: bodies.linear_velocities.to_vec(),
            angular_velocities: bodies.angular_velocities.to_vec(),
            joint_angles: bodies.joint_angles.to_vec(),
        }
    }

    /// The states as a view, the bodies' centres of mass at `centers_of_mass` (body frame).
    pub fn view<'a>(&'a self, centers_of_mass: &'a [Vec3]) -> WorldBodies<'a> {
        WorldBodies {
            positions: &self.positions,
            orientations: &self.orientations,
            linear_velocities: &self.linear_velocities,
            angular_velocities: &self.angular_velocities,
            centers_of_mass,
            joint_angles: &self.joint_angles,
        }
    }
}

/// `base` (the world's unrandomized initial state) with the draw's offsets applied.
pub fn randomized_initial_state(scene: &Scene, base: &BodyStates, draw: &WorldDraw) -> BodyStates {
    if !draw.moves_initial_state() {
        return base.clone();
    }
    let centers = scene.centers_of_mass();
    let mut q = vec![0.0; scene.joint_position_count()];
    joint_positions(scene, &base.view(&centers), &mut q);
    let mut qd = vec![0.0; scene.joint_velocity_count()];
    joint_velocities(scene, &base.view(&centers), &mut qd);
    for (q, offset) in q.iter_mut().zip(&draw.joint_position_offsets) {
        *q += offset;
    }
    for (qd, offset) in qd.iter_mut().zip(&draw.joint_velocity_offsets) {
        *qd += offset;
    }
    let mut poses: Vec<Pose> = base
        .positions
        .iter()
        .zip(&base.orientations)
        .map(|(&p, &o)| Pose::new(p, o))
        .collect();
    let turn = Quat::from_rotation_z(draw.root_yaw) * Quat::from_scaled_axis(draw.root_rotation);
    let root = scene.root_body();
    let free = scene
        .joints()
        .iter()
        .find(|j| j.kind == JointKind::Free && Some(j.child) == root);
    match (root, free) {
        // The free joint's q places the root: x, y, z, qw, qx, qy, qz; its q̇ moves it: the
        // origin's velocity (world), the angular velocity (body frame).
        (_, Some(joint)) => {
            let q = &mut q[joint.position_offset..][..7];
            let p = Vec3::new(q[0], q[1], q[2]) + draw.root_offset;
            let o = turn * Quat::from_xyzw(q[4], q[5], q[6], q[3]);
            q.copy_from_slice(&[p.x, p.y, p.z, o.w, o.x, o.y, o.z]);
            let qd = &mut qd[joint.velocity_offset..][..6];
            for (v, dv) in qd.iter_mut().zip(
                draw.root_velocity
                    .to_array()
                    .into_iter()
                    .chain(draw.root_angular_velocity.to_array()),
            ) {
                *v += dv;
            }
        }
        (Some(root), None) => {
            let pose = &mut poses[root];
            *pose = Pose::new(pose.position + draw.root_offset, turn * pose.orientation);
        }
        (None, None) => {}
    }
    forward_kinematics(scene, &q, &mut poses);
    let mut state = BodyStates {
        positions: poses.iter().map(|p| p.position).collect(),
        orientations: poses.iter().map(|p| p.orientation).collect(),
        linear_velocities: base.linear_velocities.clone(),
        angular_velocities: base.angular_velocities.clone(),
        joint_angles: joint_angles_of(scene, &q),
    };
    if let (Some(root), None) = (root, free) {
        add_root_velocity(scene, root, draw, &mut state);
    }
    velocities_from_joints(scene, &qd, &mut state);
    state
}

/// Adds the draw's root velocities to a root that no joint moves: `root_velocity` to its
/// origin's velocity, `root_angular_velocity` (its own frame) to its angular velocity.
fn add_root_velocity(scene: &Scene, root: usize, draw: &WorldDraw, state: &mut BodyStates) {
    let orientation = state.orientations[root];
    let spin = orientation * draw.root_angular_velocity;
    let arm = orientation * scene.bodies()[root].mass.center_of_mass;
    state.angular_velocities[root] += spin;
    state.linear_velocities[root] += draw.root_velocity + spin.cross(arm);
}

/// Sets the velocities of every body a joint moves from the joint velocities `qd`, through the
/// joints in order from the parents (the inverse of [`joint_velocities`] on a tree).
pub fn velocities_from_joints(scene: &Scene, qd: &[f32], state: &mut BodyStates) {
    let mut placed = vec![false; scene.body_count()];
    let centers = scene.centers_of_mass();
    for (index, joint) in scene.joints().iter().enumerate() {
        if std::mem::replace(&mut placed[joint.child], true) {
            continue;
        }
        if let Some(compound) = scene.compound_of(index) {
            let (linear, angular) = compound_velocity(scene, compound, qd, &state.view(&centers));
            state.linear_velocities[joint.child] = linear;
            state.angular_velocities[joint.child] = angular;
            continue;
        }
        let qd = &qd[joint.velocity_offset..][..joint.kind.velocity_count()];
        let bodies = state.view(&centers);
        let (parent_frame, child_frame) = joint_frames(joint, &bodies);
        let child_center = bodies.center(Some(joint.child));
        let parent_spin = bodies.angular_velocity(joint.parent);
        let carried = |point: Vec3| bodies.point_velocity(joint.parent, point);
        let axis = parent_frame.orientation * Vec3::X;
        let about_anchor = |spin: Vec3| spin.cross(child_center - parent_frame.position);
        let (linear, angular) = match joint.kind {
            JointKind::Fixed => (carried(child_center), parent_spin),
            JointKind::Revolute => (
                carried(child_center) + about_anchor(axis * qd[0]),
                parent_spin + axis * qd[0],
            ),
            JointKind::Prismatic => (carried(child_center) + axis * qd[0], parent_spin),
            JointKind::Spherical => {
                let spin = child_frame.orientation * Vec3::new(qd[0], qd[1], qd[2]);
                (
                    carried(child_center) + about_anchor(spin),
                    parent_spin + spin,
                )
            }
            JointKind::Free => {
                let b = joint.child;
                let spin = bodies.orientations[b] * Vec3::new(qd[3], qd[4], qd[5]);
                let origin_velocity = Vec3::new(qd[0], qd[1], qd[2]);
                (
                    origin_velocity + spin.cross(child_center - bodies.positions[b]),
                    spin,
                )
            }
        };
        state.linear_velocities[joint.child] = linear;
        state.angular_velocities[joint.child] = angular;
    }
}

/// A compound joint's child velocities (centre of mass, angular) for joint velocities `qd`:
/// the parent's, plus each axis' twist times its rate.
fn compound_velocity(
    scene: &Scene,
    compound: &CompoundJoint,
    qd: &[f32],
    bodies: &WorldBodies,
) -> (Vec3, Vec3) {
    let first = &scene.joints()[compound.joints[0]];
    let (relative, q) = compound_state(compound, scene, bodies);
    let jacobian = compound.jacobian(&relative, &q);
    let parent = bodies.pose(first.parent);
    let point = parent.transform_point(relative.transform_point(compound.reference_point));
    let (mut linear, mut angular) = (
        bodies.point_velocity(first.parent, point),
        bodies.angular_velocity(first.parent),
    );
    for (column, &j) in jacobian.columns.iter().zip(compound.members()) {
        let rate = qd[scene.joints()[j].velocity_offset];
        linear += parent.orientation * Vec3::new(column[0], column[1], column[2]) * rate;
        angular += parent.orientation * Vec3::new(column[3], column[4], column[5]) * rate;
    }
    let center = bodies.center(Some(first.child));
    (linear + angular.cross(center - point), angular)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::{BodyDesc, ColliderDesc};
    use crate::joint_space::joint_separation;
    use crate::randomization::{Axis, Distribution, Mode, Randomization, Randomizer, Rule, Target};
    use crate::scene::SceneBuilder;
    use crate::scenes::builtin;
    use crate::shape::Shape;

    fn at_rest(scene: &Scene) -> BodyStates {
        BodyStates {
            positions: scene.bodies().iter().map(|b| b.pose.position).collect(),
            orientations: scene.bodies().iter().map(|b| b.pose.orientation).collect(),
            linear_velocities: vec![Vec3::ZERO; scene.body_count()],
            angular_velocities: vec![Vec3::ZERO; scene.body_count()],
            joint_angles: scene.initial_joint_angles().to_vec(),
        }
    }

    /// The draw of rules that set each root target's component to the given value exactly.
    fn root_draw(scene: &Scene, rotation: Vec3, velocity: Vec3, spin: Vec3) -> WorldDraw {
        let mut rules = Vec::new();
        for (axis, k) in [(Axis::X, 0), (Axis::Y, 1), (Axis::Z, 2)] {
            for (target, v) in [
                (Target::RootRotation { axis }, rotation),
                (Target::RootVelocity { axis }, velocity),
                (Target::RootAngularVelocity { axis }, spin),
            ] {
                let exactly = Distribution::Uniform {
                    low: v[k],
                    high: v[k],
                };
                rules.push(Rule::new(target, exactly, Mode::Offset));
            }
        }
        let randomization = Randomization {
            rules,
            pushes: None,
        };
        let randomizer = Randomizer::new(&randomization, scene).unwrap();
        randomizer.draw(scene, Vec3::ZERO, 1, 2, 3)
    }

    #[test]
    fn root_rotation_and_velocities_go_into_a_free_joint() {
        let ant = builtin("ant").unwrap().scene;
        let (rotation, velocity, spin) = (
            Vec3::new(0.1, -0.05, 0.2),
            Vec3::new(0.3, -0.2, 0.1),
            Vec3::new(0.4, 0.5, -0.6),
        );
        let draw = root_draw(&ant, rotation, velocity, spin);
        assert!(draw.moves_initial_state());
        let state = randomized_initial_state(&ant, &at_rest(&ant), &draw);
        let centers = ant.centers_of_mass();
        let mut q = vec![0.0; ant.joint_position_count()];
        let mut qd = vec![0.0; ant.joint_velocity_count()];
        joint_positions(&ant, &state.view(&centers), &mut q);
        joint_velocities(&ant, &state.view(&centers), &mut qd);
        let turn = Quat::from_scaled_axis(rotation);
        let expected_q = [turn.w, turn.x, turn.y, turn.z];
        for (k, (a, b)) in q[3..7].iter().zip(expected_q).enumerate() {
            assert!((a - b).abs() < 1e-6, "quaternion {k}: {a}, expected {b}");
        }
        assert!(
            q[7..].iter().all(|a| a.abs() < 1e-6),
            "hinges {:?}",
            &q[7..]
        );
        let expected_qd = velocity.to_array().into_iter().chain(spin.to_array());
        for (k, (a, b)) in qd[..6].iter().zip(expected_qd).enumerate() {
            assert!((a - b).abs() < 1e-5, "root q̇[{k}]: {a}, expected {b}");
        }
        assert!(
            qd[6..].iter().all(|a| a.abs() < 1e-5),
            "hinges {:?}",
            &qd[6..]
        );
        for (j, joint) in ant.joints().iter().enumerate() {
            assert!(
                joint_separation(&ant, j, &state.view(&centers)) < 1e-5,
                "{}",
                joint.name
            );
        }
    }

    #[test]
    fn a_root_without_joint_gets_its_origin_and_body_frame_angular_velocity() {
        // A box whose collider, and so its centre of mass, is off its origin.
        let scene = SceneBuilder::new()
            .body(
                BodyDesc::dynamic("box").collider(
                    ColliderDesc::new(Shape::cuboid(Vec3::splat(0.1)))
                        .at(Pose::from_position(Vec3::new(0.3, 0.0, 0.0))),
                ),
            )
            .build()
            .unwrap();
        let (rotation, velocity, spin) = (
            Vec3::new(0.0, 0.0, 1.0),
            Vec3::new(1.0, 2.0, 3.0),
            Vec3::new(0.0, 0.5, 0.0),
        );
        assert!(scene.bodies()[0].mass.center_of_mass.x > 0.2);
        let draw = root_draw(&scene, rotation, velocity, spin);
        let state = randomized_initial_state(&scene, &at_rest(&scene), &draw);
        let orientation = Quat::from_scaled_axis(rotation);
        assert!(state.orientations[0].abs_diff_eq(orientation, 1e-6));
        let omega = state.angular_velocities[0];
        assert!(omega.abs_diff_eq(orientation * spin, 1e-6), "ω {omega}");
        let centers = scene.centers_of_mass();
        let bodies = state.view(&centers);
        let origin_velocity = bodies.point_velocity(Some(0), bodies.positions[0]);
        assert!(
            origin_velocity.abs_diff_eq(velocity, 1e-6),
            "origin velocity {origin_velocity}"
        );
    }

    #[test]
    fn joint_velocities_read_back_what_was_set() {
        let ant = builtin("ant").unwrap().scene;
        let base = BodyStates {
            positions: ant.bodies().iter().map(|b| b.pose.position).collect(),
            orientations: ant.bodies().iter().map(|b| b.pose.orientation).collect(),
            linear_velocities: vec![Vec3::ZERO; ant.body_count()],
            angular_velocities: vec![Vec3::ZERO; ant.body_count()],
            joint_angles: Vec::new(),
        };
        let qd: Vec<f32> = (0..ant.joint_velocity_count())
            .map(|k| 0.3 * (k as f32 + 1.0).sin())
            .collect();
        let mut state = base.clone();
        velocities_from_joints(&ant, &qd, &mut state);
        let mut back = vec![0.0; qd.len()];
        joint_velocities(&ant, &state.view(&ant.centers_of_mass()), &mut back);
        for (k, (a, b)) in qd.iter().zip(&back).enumerate() {
            assert!((a - b).abs() < 1e-5, "q̇[{k}]: set {a}, read {b}");
        }
    }
}
