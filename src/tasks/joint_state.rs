//! Puts one world of a `Sim` in a joint-space state (q, q̇) through the public field setters:
//! the bodies are placed by forward kinematics from the scene's initial poses and given the
//! velocities the joints' q̇ imply (about the world's own centres of mass); the other worlds
//! are written back as they were.

use manyworlds_core::initial_state::{velocities_from_joints, BodyStates};
use manyworlds_core::joint_space::forward_kinematics;
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
    };
    velocities_from_joints(scene, qd, &mut state);
    let at = world * sim.stride();
    let positions = patched(sim.positions()?, at, &state.positions);
    sim.set_positions(&positions)?;
    let orientations = patched(sim.orientations()?, at, &state.orientations);
    sim.set_orientations(&orientations)?;
    let linear = patched(sim.linear_velocities()?, at, &state.linear_velocities);
    sim.set_linear_velocities(&linear)?;
    let angular = patched(sim.angular_velocities()?, at, &state.angular_velocities);
    sim.set_angular_velocities(&angular)
}

/// A copy of `field` with `values` from index `at` on.
fn patched<T: Copy>(field: &[T], at: usize, values: &[T]) -> Vec<T> {
    let mut out = field.to_vec();
    out[at..at + values.len()].copy_from_slice(values);
    out
}
