//! The scene model of manyworlds: what one world contains (bodies, their shapes, materials and
//! mass properties, joints and actuators), the step parameters, and the counter-based random numbers that make every
//! world reproducible on its own. No GPU and no threads here: the backends build on this crate.

pub mod actuator;
mod articulation;
pub mod batch_error;
pub mod body;
pub mod body_states;
pub mod compound_joint;
pub mod contact_report;
pub mod convex_hull;
pub mod error;
pub mod filter;
mod hull_construction;
mod hull_mass;
pub mod initial_state;
pub mod joint;
pub mod joint_space;
pub mod joint_tree;
pub mod limit_impedance;
pub mod mass;
pub mod material;
pub mod params;
pub mod plausibility;
pub mod pose;
pub mod randomization;
pub mod rng;
pub mod scene;
pub mod scene_data;
pub mod scenes;
pub mod shape;
pub mod softness;
mod validate;
pub mod world_parameters;

pub use actuator::{Actuator, ActuatorKind};
pub use batch_error::{check_controls, BatchError, MAX_WORLDS};
pub use body::{BodyDesc, BodyKind, ColliderDesc, MassSpec};
pub use body_states::{BatchBodies, WorldBodies};
pub use contact_report::{body_contact_forces, BodyContactForce, Contact};
pub use convex_hull::{ConvexHull, HullError, HullId, HullReduced, MAX_HULL_VERTICES};
pub use error::SceneError;
pub use filter::CollisionFilter;
pub use glam;
pub use glam::{Mat3, Quat, Vec3};
pub use joint::{Joint, JointDesc, JointKind};
pub use joint_space::{joint_positions, joint_velocities};
pub use limit_impedance::Impedance;
pub use mass::MassProperties;
pub use material::Material;
pub use params::{ParamsError, StepParams};
pub use plausibility::Plausibility;
pub use pose::Pose;
pub use randomization::{
    Axis, Distribution, Mode, Pushes, Randomization, RandomizationError, Randomizer, Rule, Target,
    WorldDraw,
};
pub use scene::{Body, Collider, Link, Scene, SceneBuilder};
pub use scene_data::{BodyData, ColliderData, JointData, SceneData};
pub use shape::Shape;
pub use softness::{loaded_contact_hertz, Softness};
pub use world_parameters::{
    ActuatorParameters, ColliderParameters, JointParameters, WorldParameters,
};
