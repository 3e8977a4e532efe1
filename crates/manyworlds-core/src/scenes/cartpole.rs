//! The cart-pole of the benchmark scenes (`cartpole.xml`): a 1 kg cart on an x slider, a
//! 0.1 kg, 1 m pole hinged about y on it, a ±10 N force on the cart. No contacts, no limits,
//! no damping; upright and at rest at the start.
//!
//! One substep per step: with no contacts and its two joints solved exactly in every pass,
//! substeps only refine the time integration, by less than 1 % of the cart's travel over a
//! second (tests/joint_cartpole.rs checks the scene as built against the equations of
//! motion).

use super::BuiltinScene;
use crate::actuator::Actuator;
use crate::body::{BodyDesc, MassSpec};
use crate::error::SceneError;
use crate::joint::JointDesc;
use crate::mass::MassProperties;
use crate::params::StepParams;
use crate::pose::Pose;
use crate::scene::SceneBuilder;
use glam::{Mat3, Vec3};

pub const CART_MASS: f32 = 1.0;
pub const POLE_MASS: f32 = 0.1;
/// Hinge to the pole's centre of mass.
pub const POLE_HALF_LENGTH: f32 = 0.5;
/// The pole's inertia about its centre of mass, perpendicular to it (a thin 1 m rod).
pub const POLE_INERTIA: f32 = 0.008_333_333;
/// Newtons per unit of control.
pub const FORCE_GEAR: f32 = 10.0;

pub fn cartpole() -> Result<BuiltinScene, SceneError> {
    let mut builder = SceneBuilder::new();
    let cart = builder.add_link(
        None,
        Pose::IDENTITY,
        BodyDesc::dynamic("cart").mass(MassSpec::Explicit(MassProperties {
            mass: CART_MASS,
            center_of_mass: Vec3::ZERO,
            inertia: Mat3::from_diagonal(Vec3::new(0.004_166_667, 0.014_166_667, 0.016_666_667)),
        })),
        JointDesc::prismatic("slider", Vec3::X),
    );
    builder.add_link(
        Some(cart.body),
        Pose::IDENTITY,
        BodyDesc::dynamic("pole").mass(MassSpec::Explicit(MassProperties {
            mass: POLE_MASS,
            center_of_mass: Vec3::new(0.0, 0.0, POLE_HALF_LENGTH),
            inertia: Mat3::from_diagonal(Vec3::new(POLE_INERTIA, POLE_INERTIA, 1e-5)),
        })),
        JointDesc::revolute("hinge", Vec3::Y),
    );
    builder.add_actuator(Actuator::motor("force", cart.joint, FORCE_GEAR).control_range(-1.0, 1.0));
    Ok(BuiltinScene {
        name: "cartpole",
        description: "a cart on a slider with a pole on a hinge, ±10 N on the cart",
        scene: builder.build()?,
        params: StepParams {
            substeps: 1,
            ..StepParams::default()
        },
        steps: 1000,
        world_pose: None,
    })
}
