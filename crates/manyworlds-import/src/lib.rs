//! Loading third-party robot and scene descriptions into a [`manyworlds_core::Scene`].
//!
//! [`mjcf`] reads MuJoCo's MJCF (gymnasium, dm_control, MuJoCo Menagerie models), [`urdf`]
//! the URDF of ROS and pybullet, [`scene_file`] manyworlds' own JSON scene files (which it
//! also writes). Every
//! loader says what it did not understand: errors name the file, line, column and element;
//! what was skipped or approximated comes back as [`Warnings`].
//!
//! Model files are treated as untrusted input: a load reads only regular files below the
//! model's folder and [`ImportOptions::search_paths`] (a URDF `package://` mesh below its
//! package's root), within a [`Budget`] of bytes, files, include depth, XML elements and
//! element depth; errors never quote a refused file's content. See the `file_access` module
//! for the rules.
//!
//! Files are taken as they are: [`mesh`] reads collision meshes (STL, OBJ), and
//! [`mass_repair`] makes missing or round-off mass properties simulable, listing each
//! repair in the [`Warnings`].

mod attributes;
mod body_assembly;
mod document;
mod error;
mod file_access;
pub mod mass_repair;
pub mod mesh;
pub mod mjcf;
mod package_path;
mod scene_error;
pub mod scene_file;
mod step_range;
pub mod urdf;
mod warnings;

pub use document::Location;
pub use error::{Exceeded, FileProblem, ImportError, Problem};
pub use file_access::Budget;
pub use urdf::{DriveKind, Drives};
pub use warnings::Warnings;

use std::path::PathBuf;

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

/// How strict a loader is, and where it may read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportOptions {
    /// Drop shapes that cannot be simulated (meshes, ellipsoids, height fields)
    /// with a warning instead of refusing the file.
    pub lenient: bool,
    /// URDF: attach the root link to the world. Without it the root floats on a free joint
    /// (a link named `world` is the world either way).
    pub fixed_base: bool,
    /// Folders besides the model's own that files the model names (MJCF includes) may be
    /// read from; a relative name not found below the model's folder is looked for below
    /// each of these, in order. Nothing outside the model's folder and these is read.
    pub search_paths: Vec<PathBuf>,
    /// URDF: folders holding packages, for `package://NAME/…` references not found beside
    /// the URDF (like `ROS_PACKAGE_PATH`): a path named NAME, or a folder NAME in it, is
    /// that package's root, and only files below it are read.
    pub package_paths: Vec<PathBuf>,
    /// URDF: an actuator on every revolute and prismatic joint (URDF has none of its own).
    pub drives: Option<Drives>,
}
