//! Puts one world of a `Sim` in a joint-space state (q, q̇): the bodies are placed by forward
//! kinematics from the scene's initial poses and given the velocities the joints' q̇ imply
//! (about the world's own centres of mass); revolute joints keep q's turns.

use manyworlds_core::initial_state::{velocities_from_joints, BodyStates};
use manyworlds_core::joint_space::forward_kinematics;
use manyworlds_core::scene::joint_angles_of;
use manyworlds_core::Pose;

use crate::sim::{Sim, SimError};

/// Sets world `world` to (q, q̇) (lengths and finiteness checked by the caller).
pub fn write_joint_state(
    sim: &mut Sim,
    world: usize,
    q: &[f32],
    qd: &[f32],
) -> Result<(), SimError> {
    let scene = &sim.world_scene(world)?;
    let mut poses: Vec<Pose> = scene.bodies().iter().map(|b| b.pose).collect();
    forward_kinematics(scene, q, &mut poses);
    let mut state = BodyStates {
        positions: poses.iter().map(|p| p.position).collect(),
        orientations: poses.iter().map(|p| p.orientation).collect(),
        linear_velocities: scene.bodies().iter().map(|b| b.linear_velocity).collect(),
        angular_velocities: scene.bodies().iter().map(|b| b.angular_velocity).collect(),
        joint_angles: joint_angles_of(scene, q),
    };
    velocities_from_joints(scene, qd, &mut state);
    sim.set_world_state(world, &state)
}
