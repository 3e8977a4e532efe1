//! Joint-space and root readout of a whole batch, computed on the host from the bodies'
//! maximal coordinates with the same functions for every backend.

use manyworlds_core::{joint_positions, joint_velocities, BatchBodies, BatchError, Scene};

/// Values per world of the root pose (x, y, z, qw, qx, qy, qz) and root velocity (origin's
/// linear velocity and angular velocity, both world frame).
pub const ROOT_POSE_SIZE: usize = 7;
pub const ROOT_VELOCITY_SIZE: usize = 6;

fn check_length(
    field: &'static str,
    layout: &'static str,
    out: &[f32],
    expected: usize,
) -> Result<(), BatchError> {
    if out.len() == expected {
        Ok(())
    } else {
        Err(BatchError::SliceLength {
            field,
            layout,
            expected,
            got: out.len(),
        })
    }
}

/// `[worlds × q]` into `out`.
pub fn read_joint_positions(
    scene: &Scene,
    bodies: &BatchBodies,
    out: &mut [f32],
) -> Result<(), BatchError> {
    let per_world = scene.joint_position_count();
    check_length(
        "joint positions",
        "worlds × joint positions",
        out,
        bodies.world_count() * per_world,
    )?;
    if per_world > 0 {
        for (w, q) in out.chunks_exact_mut(per_world).enumerate() {
            joint_positions(scene, &bodies.world(w), q);
        }
    }
    Ok(())
}

/// `[worlds × q̇]` into `out`.
pub fn read_joint_velocities(
    scene: &Scene,
    bodies: &BatchBodies,
    out: &mut [f32],
) -> Result<(), BatchError> {
    let per_world = scene.joint_velocity_count();
    check_length(
        "joint velocities",
        "worlds × joint velocities",
        out,
        bodies.world_count() * per_world,
    )?;
    if per_world > 0 {
        for (w, qd) in out.chunks_exact_mut(per_world).enumerate() {
            joint_velocities(scene, &bodies.world(w), qd);
        }
    }
    Ok(())
}

/// `[worlds × 7]` root poses into `out` (zeros when the scene has no dynamic body).
pub fn read_root_poses(
    scene: &Scene,
    bodies: &BatchBodies,
    out: &mut [f32],
) -> Result<(), BatchError> {
    check_length(
        "root poses",
        "worlds × 7",
        out,
        bodies.world_count() * ROOT_POSE_SIZE,
    )?;
    let Some(root) = scene.root_body() else {
        out.fill(0.0);
        return Ok(());
    };
    for (w, pose) in out.chunks_exact_mut(ROOT_POSE_SIZE).enumerate() {
        let (p, q) = (
            bodies.positions[w * bodies.stride + root],
            bodies.orientations[w * bodies.stride + root],
        );
        pose.copy_from_slice(&[p.x, p.y, p.z, q.w, q.x, q.y, q.z]);
    }
    Ok(())
}

/// `[worlds × 6]` root velocities into `out`: the velocity of the root body's origin and its
/// angular velocity, world frame.
pub fn read_root_velocities(
    scene: &Scene,
    bodies: &BatchBodies,
    out: &mut [f32],
) -> Result<(), BatchError> {
    check_length(
        "root velocities",
        "worlds × 6",
        out,
        bodies.world_count() * ROOT_VELOCITY_SIZE,
    )?;
    let Some(root) = scene.root_body() else {
        out.fill(0.0);
        return Ok(());
    };
    for (w, velocity) in out.chunks_exact_mut(ROOT_VELOCITY_SIZE).enumerate() {
        let world = bodies.world(w);
        let v = world.point_velocity(Some(root), world.positions[root]);
        let omega = world.angular_velocities[root];
        velocity.copy_from_slice(&[v.x, v.y, v.z, omega.x, omega.y, omega.z]);
    }
    Ok(())
}
