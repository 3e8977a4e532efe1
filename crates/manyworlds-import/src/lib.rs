//! Loading third-party robot and scene descriptions into a [`manyworlds_core::Scene`].
//!
//! [`mjcf`] reads MuJoCo's MJCF (gymnasium, dm_control, MuJoCo Menagerie models), [`urdf`]
//! the URDF of ROS and pybullet, [`scene_file`] manyworlds' own JSON scene files (which it
//! also writes). Every
//! loader says what it did not understand: errors name the file, line, column and element;
//! what was skipped or approximated comes back as [`Warnings`].

mod attributes;
mod body_assembly;
mod document;
mod error;
pub mod mjcf;
pub mod scene_file;
pub mod urdf;
mod warnings;

pub use document::Location;
pub use error::{ImportError, Problem};
pub use warnings::Warnings;

use manyworlds_core::{Scene, StepParams};

/// What a loader produced: the scene, the step parameters the file asks for (time step and
/// gravity; the rest are manyworlds' defaults), and what was skipped or approximated.
#[derive(Clone, Debug)]
pub struct Imported {
    pub scene: Scene,
    pub params: StepParams,
    /// Domain randomization (scene files only; none from MJCF and URDF).
    pub randomization: manyworlds_core::Randomization,
    pub warnings: Warnings,
}

/// How strict a loader is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Drop shapes that cannot be simulated (meshes, ellipsoids, height fields)
    /// with a warning instead of refusing the file.
    pub lenient: bool,
    /// URDF: attach the root link to the world. Without it the root floats on a free joint
    /// (a link named `world` is the world either way).
    pub fixed_base: bool,
}
