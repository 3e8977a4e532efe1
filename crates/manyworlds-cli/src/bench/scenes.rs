//! The scenes of a bench: built-in scenes and model files, each with the MJCF file MuJoCo
//! runs for it (the file itself, or for the built-in `ant` gymnasium's Ant it is modelled on)
//! and whether Rapier can represent it.

use std::path::{Path, PathBuf};

use manyworlds::scenes::{builtin, BuiltinScene};
use manyworlds::{Scene, Sim, SimError, SimOptions};

use crate::error::CliError;
use crate::model_file::{is_model_file, load_model};

/// The default scene list.
pub const DEFAULT_SCENES: [&str; 5] = [
    "boxes",
    "pyramid",
    "cartpole",
    "ant",
    "tests/assets/gymnasium/humanoid.xml",
];

/// Gymnasium's Ant, MuJoCo's model for the built-in `ant` (13 bodies with the world and the
/// feet; the built-in has 9, with the same masses, joints and motors).
const GYMNASIUM_ANT: &str = "tests/assets/gymnasium/ant.xml";

/// A file of this repository: as given when it exists from the working directory, else from
/// the repository the binary was built in.
pub fn repository_file(relative: &str) -> PathBuf {
    let here = PathBuf::from(relative);
    if here.exists() {
        return here;
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(relative)
}

enum Source {
    Builtin(Box<BuiltinScene>),
    File(Box<manyworlds::import::Imported>),
}

/// One scene of the matrix.
pub struct BenchScene {
    /// As given in `--scenes`.
    pub name: String,
    source: Source,
    /// The MJCF file MuJoCo runs, when there is one.
    pub mujoco_model: Option<PathBuf>,
    /// How MuJoCo's model relates to this scene, or why there is none.
    pub mujoco_note: String,
}

impl BenchScene {
    /// Resolves a `--scenes` entry: a built-in name or a model file (loaded here).
    pub fn resolve(name: &str) -> Result<Self, CliError> {
        if let Some(scene) = builtin(name) {
            let (mujoco_model, mujoco_note) = if name == "ant" {
                let path = repository_file(GYMNASIUM_ANT);
                if path.exists() {
                    (
                        Some(path),
                        format!(
                            "MuJoCo runs {GYMNASIUM_ANT} (gymnasium's Ant, 13 bodies; the built-in ant has 9 with the same masses, joints and motors)"
                        ),
                    )
                } else {
                    (None, format!("n/a: {GYMNASIUM_ANT} not found"))
                }
            } else {
                (
                    None,
                    "n/a: no MJCF file for this built-in scene".to_string(),
                )
            };
            return Ok(BenchScene {
                name: name.to_string(),
                source: Source::Builtin(Box::new(scene)),
                mujoco_model,
                mujoco_note,
            });
        }
        let path = if DEFAULT_SCENES.contains(&name) {
            repository_file(name)
        } else {
            PathBuf::from(name)
        };
        if !is_model_file(name) {
            return Err(CliError::Bench(format!(
                "--scenes: unknown scene '{name}'; valid scenes are: {}, or a model file (.xml MJCF, .urdf URDF, .json scene file)",
                manyworlds::scenes::BUILTIN_NAMES.join(", ")
            )));
        }
        if !path.exists() {
            return Err(CliError::Bench(format!(
                "--scenes: no file {}",
                path.display()
            )));
        }
        let imported = load_model(&path, Default::default())
            .map_err(|e| CliError::Bench(format!("--scenes: {name}: {e}")))?;
        let is_mjcf = !name.ends_with(".json") && !name.ends_with(".urdf");
        let (mujoco_model, mujoco_note) = if is_mjcf {
            (Some(path), "MuJoCo runs the same file".to_string())
        } else {
            (None, "n/a: not an MJCF file".to_string())
        };
        Ok(BenchScene {
            name: name.to_string(),
            source: Source::File(Box::new(imported)),
            mujoco_model,
            mujoco_note,
        })
    }

    pub fn scene(&self) -> &Scene {
        match &self.source {
            Source::Builtin(s) => &s.scene,
            Source::File(imported) => &imported.scene,
        }
    }

    pub fn params(&self) -> manyworlds::StepParams {
        match &self.source {
            Source::Builtin(s) => s.params,
            Source::File(imported) => imported.params,
        }
    }

    /// The per-world initial poses of a built-in scene that starts worlds differently.
    pub fn world_pose(&self) -> Option<manyworlds::scenes::WorldPoseFn> {
        match &self.source {
            Source::Builtin(s) => s.world_pose,
            Source::File(_) => None,
        }
    }

    /// A simulation of `worlds` worlds of this scene (a file's own randomization drawn).
    pub fn create(&self, worlds: usize, options: &SimOptions) -> Result<Sim, SimError> {
        match &self.source {
            Source::Builtin(s) => Sim::from_builtin(s, worlds, options),
            Source::File(imported) => {
                let options = SimOptions {
                    randomization: imported.randomization.clone(),
                    ..options.clone()
                };
                Sim::new(imported.scene.clone(), imported.params, worlds, &options)
            }
        }
    }

    /// A short name for files: the built-in name or the file's stem.
    pub fn file_stem(&self) -> String {
        let stem = Path::new(&self.name)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("scene");
        stem.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    }
}
