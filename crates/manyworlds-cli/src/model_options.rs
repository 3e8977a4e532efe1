//! The options every command that loads a model file takes: how strictly, where URDF
//! packages are, and drives for URDF robots.

use std::path::PathBuf;

use clap::ValueEnum;
use manyworlds::import::{Drives, ImportOptions};

/// What `--drive` puts on every movable URDF joint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DriveChoice {
    /// A PD servo to a joint position (needs --kp and --kv).
    Position,
    /// A servo to a joint velocity (needs --kv).
    Velocity,
    /// A torque or force motor.
    Motor,
}

#[derive(Debug, Clone, clap::Args)]
pub struct ModelOptions {
    /// Drop shapes of a file that cannot be simulated (meshes, ellipsoids…) with a warning
    /// instead of refusing the file.
    #[arg(long)]
    pub lenient: bool,

    /// URDF: attach the root link to the world instead of letting it float.
    #[arg(long)]
    pub fixed_base: bool,

    /// URDF: a folder holding packages for `package://NAME/…` meshes (NAME itself, or a
    /// folder NAME in it); repeat for several, searched in order, like ROS_PACKAGE_PATH.
    #[arg(long = "package-path", value_name = "DIR")]
    pub package_paths: Vec<PathBuf>,

    /// URDF: put an actuator on every revolute and prismatic joint, its force limited by the
    /// joint's `<limit effort>` (or --drive-force-limit).
    #[arg(long, value_enum, value_name = "KIND")]
    pub drive: Option<DriveChoice>,

    /// Stiffness of `--drive position` servos (N·m/rad or N/m).
    #[arg(long, value_name = "KP", required_if_eq("drive", "position"))]
    pub kp: Option<f32>,

    /// Damping of `--drive position` and `--drive velocity` servos (N·m·s/rad or N·s/m).
    #[arg(
        long,
        value_name = "KV",
        required_if_eq_any([("drive", "position"), ("drive", "velocity")])
    )]
    pub kv: Option<f32>,

    /// The force limit of every drive, instead of each joint's `<limit effort>`.
    #[arg(long, value_name = "F", requires = "drive")]
    pub drive_force_limit: Option<f32>,
}

impl ModelOptions {
    pub fn import_options(&self) -> ImportOptions {
        let drives = self.drive.map(|choice| {
            let mut drives = match choice {
                DriveChoice::Position => {
                    Drives::position(self.kp.unwrap_or(0.0), self.kv.unwrap_or(0.0))
                }
                DriveChoice::Velocity => Drives::velocity(self.kv.unwrap_or(0.0)),
                DriveChoice::Motor => Drives::motor(),
            };
            drives.force_limit = self.drive_force_limit;
            drives
        });
        ImportOptions {
            lenient: self.lenient,
            fixed_base: self.fixed_base,
            package_paths: self.package_paths.clone(),
            drives,
            ..ImportOptions::default()
        }
    }
}
