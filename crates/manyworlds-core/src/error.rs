//! Why a scene was refused. Every variant names the element at fault.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq)]
pub enum SceneError {
    #[error("{element}: {field} is not a finite number")]
    NonFinite {
        element: String,
        field: &'static str,
    },
    #[error("{element}: {field} must be positive, got {value}")]
    NonPositive {
        element: String,
        field: &'static str,
        value: f32,
    },
    #[error("{element}: {field} must lie in [{min}, {max}], got {value}")]
    OutOfRange {
        element: String,
        field: &'static str,
        value: f32,
        min: f32,
        max: f32,
    },
    #[error("{element}: a plane may only be attached to a static body")]
    PlaneOnDynamicBody { element: String },
    #[error("{element}: a dynamic body needs a positive mass (give colliders with a density, or a mass)")]
    NoMass { element: String },
    #[error("{element}: a mass of {mass} kg is too small to simulate: its inverse overflows")]
    MassTooSmall { element: String, mass: f32 },
    #[error("{element}: the inertia tensor is not symmetric positive definite")]
    BadInertia { element: String },
    #[error("{element}: orientation quaternion has zero length")]
    ZeroQuaternion { element: String },
    #[error("{element}: {field} must be a unit quaternion, its length is {length}")]
    NotUnitQuaternion {
        element: String,
        field: &'static str,
        length: f32,
    },
    #[error("{element}: {what} {index} does not exist (the scene has {count})")]
    MissingReference {
        element: String,
        what: &'static str,
        index: usize,
        count: usize,
    },
    #[error("{element}: {problem}")]
    Invalid { element: String, problem: String },
    #[error("the scene has more than {max} colliders ({count})")]
    TooManyColliders { count: usize, max: usize },
}
