//! Pendulums and chains: rods hanging from hinges and ball joints, no contacts. The scenes'
//! reference configuration (q = 0) hangs straight down; they start displaced.

use super::BuiltinScene;
use crate::actuator::Actuator;
use crate::body::{BodyDesc, ColliderDesc};
use crate::error::SceneError;
use crate::joint::JointDesc;
use crate::params::StepParams;
use crate::pose::Pose;
use crate::scene::{Scene, SceneBuilder};
use glam::{Quat, Vec3};

/// Height of the top pivot.
const PIVOT_HEIGHT: f32 = 2.0;
const ROD_RADIUS: f32 = 0.02;

/// A rod of `length` hanging from its body origin along −z (steel-like density so the
/// thin rod is not featherweight).
fn rod(name: String, length: f32) -> BodyDesc {
    BodyDesc::dynamic(name).collider(
        ColliderDesc::capsule_from_to(Vec3::ZERO, Vec3::new(0.0, 0.0, -length), ROD_RADIUS)
            .density(7800.0),
    )
}

/// `links` rods of `length`, each hinged about y (or ball-jointed) to the end of the one
/// above, the first to the world at the pivot.
fn hanging_chain(links: usize, length: f32, ball_joints: bool) -> SceneBuilder {
    let mut builder = SceneBuilder::new();
    let mut parent = None;
    for i in 0..links {
        let offset = if i == 0 {
            Pose::from_position(Vec3::new(0.0, 0.0, PIVOT_HEIGHT))
        } else {
            Pose::from_position(Vec3::new(0.0, 0.0, -length))
        };
        let joint = if ball_joints {
            JointDesc::spherical(format!("ball{i}"))
        } else {
            JointDesc::revolute(format!("hinge{i}"), Vec3::Y)
        };
        let link = builder.add_link(parent, offset, rod(format!("link{i}"), length), joint);
        parent = Some(link.body);
    }
    builder
}

fn started_at(builder: SceneBuilder, q: &[f32]) -> Result<Scene, SceneError> {
    let mut scene = builder.build()?;
    scene.set_initial_joint_positions(q)?;
    Ok(scene)
}

/// A 1 m steel rod on a hinge, released 0.5 rad from the vertical, with a torque motor
/// (±1 N·m) on the hinge.
pub fn pendulum() -> Result<BuiltinScene, SceneError> {
    let mut builder = hanging_chain(1, 1.0, false);
    builder.add_actuator(Actuator::motor("torque", 0, 1.0).control_range(-1.0, 1.0));
    Ok(BuiltinScene {
        name: "pendulum",
        description: "a 1 m rod on a hinge, released at 0.5 rad, torque motor",
        scene: started_at(builder, &[0.5])?,
        params: StepParams::default(),
        steps: 1000,
        world_pose: None,
    })
}

/// Two 0.5 m rods hinged end to end, released at (1.5, 0.5) rad: chaotic, undamped.
pub fn double_pendulum() -> Result<BuiltinScene, SceneError> {
    Ok(BuiltinScene {
        name: "double_pendulum",
        description: "two 0.5 m rods hinged end to end, released at (1.5, 0.5) rad",
        scene: started_at(hanging_chain(2, 0.5, false), &[1.5, 0.5])?,
        params: StepParams::default(),
        steps: 1000,
        world_pose: None,
    })
}

/// `links` rods of 0.2 m on ball joints, hanging from the pivot, released straight at
/// 1 rad from the vertical.
pub fn chain(links: usize) -> Result<BuiltinScene, SceneError> {
    let builder = hanging_chain(links, 0.2, true);
    let tilt = Quat::from_rotation_y(1.0);
    let mut q = [1.0, 0.0, 0.0, 0.0].repeat(links);
    q[..4].copy_from_slice(&[tilt.w, tilt.x, tilt.y, tilt.z]);
    Ok(BuiltinScene {
        name: "chain10",
        description: "10 rods of 0.2 m on ball joints, released at 1 rad from the vertical",
        scene: started_at(builder, &q)?,
        params: StepParams::default(),
        steps: 1000,
        world_pose: None,
    })
}
