//! Joint-space readout: each joint's position q and velocity q̇, derived from the bodies'
//! maximal coordinates, with the conventions of [`JointKind`]. Both backends read joints
//! through these functions, so q and q̇ mean the same everywhere.

use glam::{Quat, Vec3};

use crate::body_states::WorldBodies;
use crate::compound_joint::CompoundJoint;
use crate::joint::{Joint, JointKind};
use crate::pose::Pose;
use crate::scene::Scene;

/// The joint's frame, in the world, as carried by its parent and by its child.
pub fn joint_frames(joint: &Joint, bodies: &WorldBodies) -> (Pose, Pose) {
    (
        bodies.pose(joint.parent).compose(&joint.frame_in_parent),
        bodies
            .pose(Some(joint.child))
            .compose(&joint.frame_in_child),
    )
}

/// How far joint `j`'s child anchor is from where the joint allows it (zero when the joint
/// holds): from the parent's anchor, or for a prismatic joint from the parent's slide line,
/// or for a compound joint from where its q puts it. Always zero for a free joint.
pub fn joint_separation(scene: &Scene, j: usize, bodies: &WorldBodies) -> f32 {
    let joint = &scene.joints()[j];
    if let Some(compound) = scene.compound_of(j) {
        let (relative, q) = compound_state(compound, scene, bodies);
        let e = compound.jacobian(&relative, &q).error;
        return Vec3::new(e[0], e[1], e[2]).length();
    }
    let (parent, child) = joint_frames(joint, bodies);
    let offset = child.position - parent.position;
    match joint.kind {
        JointKind::Free => 0.0,
        JointKind::Prismatic => {
            let axis = parent.orientation * Vec3::X;
            (offset - axis * offset.dot(axis)).length()
        }
        _ => offset.length(),
    }
}

/// The motion a joint at position `q` (its entries of a world's q) puts between its parent's
/// frame and its child's.
fn joint_motion(kind: JointKind, q: &[f32]) -> Pose {
    match kind {
        JointKind::Fixed | JointKind::Free => Pose::IDENTITY,
        JointKind::Revolute => Pose::new(Vec3::ZERO, Quat::from_rotation_x(q[0])),
        JointKind::Prismatic => Pose::from_position(Vec3::new(q[0], 0.0, 0.0)),
        JointKind::Spherical => Pose::new(
            Vec3::ZERO,
            Quat::from_xyzw(q[1], q[2], q[3], q[0]).normalize(),
        ),
    }
}

/// Body poses of the configuration `q` (one world's joint positions), by forward kinematics
/// through the joints in order, starting from `poses` (usually the scene's initial poses).
/// Each body is placed by the first joint that has it as child (a compound joint's members all
/// together); a joint whose parent is placed by a later joint sees that parent where `poses`
/// has it.
pub fn forward_kinematics(scene: &Scene, q: &[f32], poses: &mut [Pose]) {
    let mut placed = vec![false; poses.len()];
    for (index, joint) in scene.joints().iter().enumerate() {
        if std::mem::replace(&mut placed[joint.child], true) {
            continue;
        }
        let parent = joint.parent.map_or(Pose::IDENTITY, |p| poses[p]);
        if let Some(compound) = scene.compound_of(index) {
            let members: Vec<f32> = compound
                .members()
                .iter()
                .map(|&m| q[scene.joints()[m].position_offset])
                .collect();
            poses[joint.child] = parent.compose(&compound.relative_pose(&members));
            continue;
        }
        let q = &q[joint.position_offset..][..joint.kind.position_count()];
        poses[joint.child] = if joint.kind == JointKind::Free {
            Pose::new(
                Vec3::new(q[0], q[1], q[2]),
                Quat::from_xyzw(q[4], q[5], q[6], q[3]).normalize(),
            )
        } else {
            parent
                .compose(&joint.frame_in_parent)
                .compose(&joint_motion(joint.kind, q))
                .compose(&joint.frame_in_child.inverse())
        };
    }
}

/// `angle` wrapped into [−π, π].
pub fn wrap_angle(angle: f32) -> f32 {
    use std::f32::consts::TAU;
    angle - TAU * (angle / TAU).round()
}

/// The angle equal to `angle` modulo 2π nearest to `reference`: how a revolute joint's q
/// counts turns (as MuJoCo's hinge qpos), from where it last stood. Exact while the joint
/// turns less than π between two readings (a substep).
pub fn continue_angle(reference: f32, angle: f32) -> f32 {
    reference + wrap_angle(angle - reference)
}

/// The rotation angle about x of the child's joint frame relative to the parent's (the twist
/// of a swing–twist split), in (−π, π].
pub fn revolute_angle(parent_frame: Quat, child_frame: Quat) -> f32 {
    let mut e = parent_frame.conjugate() * child_frame;
    if e.w < 0.0 {
        e = -e;
    }
    2.0 * e.x.atan2(e.w)
}

/// The child's displacement from the parent along the parent's joint axis.
pub fn prismatic_displacement(parent_frame: &Pose, child_frame: &Pose) -> f32 {
    (child_frame.position - parent_frame.position).dot(parent_frame.orientation * Vec3::X)
}

/// A compound joint's child frame in its parent's, and its q: tracked on from
/// `bodies.joint_angles` when known, else found from zero.
pub fn compound_state(
    compound: &CompoundJoint,
    scene: &Scene,
    bodies: &WorldBodies,
) -> (Pose, Vec<f32>) {
    let first = &scene.joints()[compound.joints[0]];
    let relative = bodies
        .pose(first.parent)
        .inverse()
        .compose(&bodies.pose(Some(first.child)));
    let start: Vec<f32> = compound
        .joints
        .iter()
        .map(|&j| bodies.joint_angles.get(j).copied().unwrap_or(0.0))
        .collect();
    let q = compound.solve(&relative, &start);
    (relative, q)
}

/// Writes every joint's q for one world into `q` (`scene.joint_position_count()` entries); a
/// revolute joint's counts turns from `bodies.joint_angles` when known.
pub fn joint_positions(scene: &Scene, bodies: &WorldBodies, q: &mut [f32]) {
    for compound in scene.compounds() {
        let (_, members) = compound_state(compound, scene, bodies);
        for (&j, value) in compound.members().iter().zip(members) {
            q[scene.joints()[j].position_offset] = value;
        }
    }
    for (j, joint) in scene.joints().iter().enumerate() {
        if scene.compound_of(j).is_some() {
            continue;
        }
        let out = &mut q[joint.position_offset..][..joint.kind.position_count()];
        let (parent, child) = joint_frames(joint, bodies);
        match joint.kind {
            JointKind::Fixed => {}
            JointKind::Revolute => {
                let reference = bodies.joint_angles.get(j).copied().unwrap_or(0.0);
                let angle = revolute_angle(parent.orientation, child.orientation);
                out[0] = continue_angle(reference, angle);
            }
            JointKind::Prismatic => out[0] = prismatic_displacement(&parent, &child),
            JointKind::Spherical => {
                let e = parent.orientation.conjugate() * child.orientation;
                out.copy_from_slice(&[e.w, e.x, e.y, e.z]);
            }
            JointKind::Free => {
                let (p, o) = (
                    bodies.positions[joint.child],
                    bodies.orientations[joint.child],
                );
                out.copy_from_slice(&[p.x, p.y, p.z, o.w, o.x, o.y, o.z]);
            }
        }
    }
}

/// Each joint's accumulated angle ([`WorldBodies::joint_angles`]) where `bodies` stand: a
/// revolute joint's q, counting turns from `bodies.joint_angles` when known (else read in
/// (−π, π]); zero for the other kinds.
pub fn joint_angles_now(scene: &Scene, bodies: &WorldBodies) -> Vec<f32> {
    let mut angles: Vec<f32> = scene
        .joints()
        .iter()
        .enumerate()
        .map(|(j, joint)| match joint.kind {
            JointKind::Revolute => {
                let (parent, child) = joint_frames(joint, bodies);
                let reference = bodies.joint_angles.get(j).copied().unwrap_or(0.0);
                continue_angle(
                    reference,
                    revolute_angle(parent.orientation, child.orientation),
                )
            }
            _ => 0.0,
        })
        .collect();
    for compound in scene.compounds() {
        let (_, members) = compound_state(compound, scene, bodies);
        for (&j, value) in compound.members().iter().zip(members) {
            angles[j] = value;
        }
    }
    angles
}

/// The relative twist of joint `joint`'s child (velocity of its material point at world
/// `point`, angular velocity), less its parent's, in the parent's frame.
fn relative_twist(joint: &Joint, bodies: &WorldBodies, point: Vec3) -> [f32; 6] {
    let into_parent = bodies.pose(joint.parent).orientation.conjugate();
    let linear = bodies.point_velocity(Some(joint.child), point)
        - bodies.point_velocity(joint.parent, point);
    let angular =
        bodies.angular_velocity(Some(joint.child)) - bodies.angular_velocity(joint.parent);
    let (l, w) = (into_parent * linear, into_parent * angular);
    [l.x, l.y, l.z, w.x, w.y, w.z]
}

/// Writes every joint's q̇ for one world into `qd` (`scene.joint_velocity_count()` entries).
pub fn joint_velocities(scene: &Scene, bodies: &WorldBodies, qd: &mut [f32]) {
    for compound in scene.compounds() {
        let first = &scene.joints()[compound.joints[0]];
        let (relative, q) = compound_state(compound, scene, bodies);
        let point = bodies
            .pose(first.parent)
            .transform_point(relative.transform_point(compound.reference_point));
        let twist = relative_twist(first, bodies, point);
        let rates = compound.jacobian(&relative, &q).least_squares(&twist);
        for (&j, rate) in compound.members().iter().zip(rates) {
            qd[scene.joints()[j].velocity_offset] = rate;
        }
    }
    for (j, joint) in scene.joints().iter().enumerate() {
        if scene.compound_of(j).is_some() {
            continue;
        }
        let out = &mut qd[joint.velocity_offset..][..joint.kind.velocity_count()];
        let (parent, child) = joint_frames(joint, bodies);
        let relative_spin =
            bodies.angular_velocity(Some(joint.child)) - bodies.angular_velocity(joint.parent);
        match joint.kind {
            JointKind::Fixed => {}
            JointKind::Revolute => out[0] = (parent.orientation * Vec3::X).dot(relative_spin),
            JointKind::Prismatic => {
                // d/dt [(p_child − p_parent) · axis], the axis turning with the parent.
                let axis = parent.orientation * Vec3::X;
                let separation = child.position - parent.position;
                let v_child = bodies.point_velocity(Some(joint.child), child.position);
                let v_parent = bodies.point_velocity(joint.parent, parent.position);
                let axis_rate = bodies.angular_velocity(joint.parent).cross(axis);
                out[0] = axis.dot(v_child - v_parent) + axis_rate.dot(separation);
            }
            JointKind::Spherical => {
                let local = child.orientation.conjugate() * relative_spin;
                out.copy_from_slice(&local.to_array());
            }
            JointKind::Free => {
                let b = joint.child;
                let origin = bodies.positions[b];
                let v = bodies.point_velocity(Some(b), origin);
                let w = bodies.orientations[b].conjugate() * bodies.angular_velocities[b];
                out.copy_from_slice(&[v.x, v.y, v.z, w.x, w.y, w.z]);
            }
        }
    }
}
