//! The scene model of manyworlds: what one world contains (bodies, their shapes, materials and
//! mass properties), the step parameters, and the counter-based random numbers that make every
//! world reproducible on its own. No GPU and no threads here: the backends build on this crate.

pub mod batch_error;
pub mod body;
pub mod error;
pub mod filter;
pub mod mass;
pub mod material;
pub mod params;
pub mod plausibility;
pub mod pose;
pub mod rng;
pub mod scene;
pub mod scenes;
pub mod shape;
pub mod softness;

pub use batch_error::{BatchError, MAX_WORLDS};
pub use body::{BodyDesc, BodyKind, ColliderDesc, MassSpec};
pub use error::SceneError;
pub use filter::CollisionFilter;
pub use glam;
pub use glam::{Mat3, Quat, Vec3};
pub use mass::MassProperties;
pub use material::Material;
pub use params::{ParamsError, StepParams};
pub use plausibility::Plausibility;
pub use pose::Pose;
pub use scene::{Body, Collider, Scene, SceneBuilder};
pub use shape::Shape;
pub use softness::Softness;
