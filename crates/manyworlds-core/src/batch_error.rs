//! Errors of a batch of worlds, shared by both backends: bad sizes, bad indices, bad slices.

use thiserror::Error;

use crate::params::ParamsError;

/// The largest batch accepted (about a million worlds: `boxes` then holds ~2 GB of state and
/// contact memory); beyond it, split the work over several batches.
pub const MAX_WORLDS: usize = 1 << 20;

#[derive(Debug, Error, Clone, PartialEq)]
pub enum BatchError {
    #[error("world count must be between 1 and {max}, got {got}")]
    WorldCount { got: usize, max: usize },
    #[error("the scene has no bodies: there is nothing to step")]
    EmptyScene,
    #[error(transparent)]
    Params(#[from] ParamsError),
    #[error("world {world} is out of range: the batch holds {worlds} worlds")]
    WorldOutOfRange { world: usize, worlds: usize },
    #[error("not enough memory for {worlds} worlds of {bodies} bodies ({bytes} bytes of state)")]
    OutOfMemory {
        worlds: usize,
        bodies: usize,
        bytes: usize,
    },
    #[error("{field}: expected a slice of {expected} elements ({layout}), got {got}")]
    SliceLength {
        field: &'static str,
        /// What the elements are, e.g. "worlds × bodies".
        layout: &'static str,
        expected: usize,
        got: usize,
    },
    #[error("parameters of world {world}: {problem}")]
    WorldParameters { world: usize, problem: String },
    #[error("control of actuator {actuator} in world {world} is not a finite number ({value})")]
    NonFiniteControl {
        world: usize,
        actuator: usize,
        value: f32,
    },
    #[error("{field}: entry {index} is not a finite number")]
    NonFinite { field: &'static str, index: usize },
}

/// Checks a `[worlds × actuators]` controls slice: its length, and that every value is finite.
pub fn check_controls(controls: &[f32], worlds: usize, actuators: usize) -> Result<(), BatchError> {
    let expected = worlds * actuators;
    if controls.len() != expected {
        return Err(BatchError::SliceLength {
            field: "controls",
            layout: "worlds × actuators",
            expected,
            got: controls.len(),
        });
    }
    match controls.iter().position(|c| !c.is_finite()) {
        Some(k) => Err(BatchError::NonFiniteControl {
            world: k / actuators,
            actuator: k % actuators,
            value: controls[k],
        }),
        None => Ok(()),
    }
}
