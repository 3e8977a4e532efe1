//! manyworlds' own scene file: JSON holding a format tag and version, the step parameters and
//! the scene, which it gives back exactly (every number with its bits).
//!
//! ```json
//! {
//!   "format": "manyworlds-scene",
//!   "version": 1,
//!   "params": { "dt": 0.01, "substeps": 4, "gravity": [0.0, 0.0, -9.81], … },
//!   "scene": { "bodies": […], "joints": […], "actuators": […], "collision_exclusions": [] }
//! }
//! ```
//!
//! The scene is [`SceneData`]: the resolved scene (joint frames, mass properties), not builder
//! descriptions; on load it is checked as the builder checks a scene, and every quaternion must
//! be of unit length. Vectors are `[x, y, z]`, quaternions `[x, y, z, w]`, inertia tensors nine
//! numbers column by column. An optional field left out means none: no limits, no control
//! range, no mass (static bodies), no parent (the world). A step parameter left out takes its
//! default. Unknown fields are refused, so a misspelt one is reported, not ignored. An optional
//! `"randomization"` section holds the domain randomization
//! ([`manyworlds_core::Randomization`]: rules and pushes), checked against the scene on load.

mod one_line_arrays;
mod save_error;

pub use save_error::SaveError;

use std::path::Path;
use std::sync::Arc;

use manyworlds_core::{Randomization, Randomizer, Scene, SceneData, StepParams};
use serde::{Deserialize, Serialize};

use crate::document::Location;
use crate::error::ImportError;
use crate::{Imported, Warnings};
use one_line_arrays::OneLineArrays;

/// The value of a scene file's `format` field.
pub const FORMAT: &str = "manyworlds-scene";
/// The version this build writes, and the newest it reads.
pub const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SceneFile {
    format: String,
    version: u32,
    params: StepParams,
    scene: SceneData,
    #[serde(default, skip_serializing_if = "is_none")]
    randomization: Randomization,
}

fn is_none(r: &Randomization) -> bool {
    *r == Randomization::default()
}

/// What is read first, to refuse other files and other versions before their contents.
#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u32>,
}

/// Loads a scene file.
pub fn load(path: impl AsRef<Path>) -> Result<Imported, ImportError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| ImportError::Read {
        file: path.to_path_buf(),
        message: e.to_string(),
    })?;
    parse(&text, path)
}

/// Loads a scene file from a string; `file` names it in errors.
pub fn parse(text: &str, file: impl AsRef<Path>) -> Result<Imported, ImportError> {
    let file = file.as_ref();
    let header: Header = serde_json::from_str(text).map_err(|e| json_error(&e, file))?;
    check_header(&header).map_err(|problem| ImportError::Format {
        file: file.to_path_buf(),
        problem,
    })?;
    let contents: SceneFile = serde_json::from_str(text).map_err(|e| json_error(&e, file))?;
    contents
        .params
        .validate()
        .map_err(|source| ImportError::Params {
            file: file.to_path_buf(),
            source,
        })?;
    let scene = Scene::from_data(contents.scene).map_err(|source| ImportError::Scene {
        file: file.to_path_buf(),
        source,
    })?;
    Randomizer::new(&contents.randomization, &scene).map_err(|source| {
        ImportError::Randomization {
            file: file.to_path_buf(),
            source,
        }
    })?;
    Ok(Imported {
        scene,
        params: contents.params,
        randomization: contents.randomization,
        warnings: Warnings::default(),
    })
}

fn check_header(header: &Header) -> Result<(), String> {
    match header.format.as_deref() {
        Some(FORMAT) => {}
        Some(other) => {
            return Err(format!(
                "not a manyworlds scene file: \"format\" is \"{other}\", expected \"{FORMAT}\""
            ))
        }
        None => {
            return Err(format!(
                "not a manyworlds scene file: no \"format\": \"{FORMAT}\""
            ))
        }
    }
    match header.version {
        Some(v) if (1..=VERSION).contains(&v) => Ok(()),
        Some(v) => Err(format!(
            "scene file version {v} is not supported (this build reads versions 1 to {VERSION})"
        )),
        None => Err("the scene file has no \"version\"".to_owned()),
    }
}

/// A serde_json error at its line and column.
fn json_error(error: &serde_json::Error, file: &Path) -> ImportError {
    let message = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = message.strip_suffix(&suffix).unwrap_or(&message).to_owned();
    ImportError::Json {
        location: Location {
            file: Arc::new(file.to_path_buf()),
            line: u32::try_from(error.line()).unwrap_or(u32::MAX),
            column: u32::try_from(error.column()).unwrap_or(u32::MAX),
        },
        message,
    }
}

/// The scene file of `scene` and `params`, ending in a newline. The same scene and parameters
/// always give the same text. Refuses what [`parse`] would refuse (non-finite numbers, which
/// JSON cannot hold, or unusable parameters).
pub fn to_string(scene: &Scene, params: &StepParams) -> Result<String, SaveError> {
    to_string_randomized(scene, params, &Randomization::default())
}

/// [`to_string`] with a randomization section (refused when it does not fit the scene).
pub fn to_string_randomized(
    scene: &Scene,
    params: &StepParams,
    randomization: &Randomization,
) -> Result<String, SaveError> {
    params.validate()?;
    let data = scene.to_data();
    Scene::from_data(data.clone())?;
    Randomizer::new(randomization, scene)?;
    let contents = SceneFile {
        format: FORMAT.to_owned(),
        version: VERSION,
        params: *params,
        scene: data,
        randomization: randomization.clone(),
    };
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, OneLineArrays::default());
    contents
        .serialize(&mut serializer)
        .map_err(|e| SaveError::Encode(e.to_string()))?;
    out.push(b'\n');
    // serde_json writes UTF-8.
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Writes the scene file of `scene` and `params` to `path`.
pub fn save(path: impl AsRef<Path>, scene: &Scene, params: &StepParams) -> Result<(), SaveError> {
    let path = path.as_ref();
    let text = to_string(scene, params)?;
    write_atomically(path, text.as_bytes())
}

/// Writes `bytes` to a temporary file beside `path`, flushed to disk, then renames it onto
/// `path`: a write that fails or is killed leaves the file that was there (or none), never a
/// truncated one.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    use std::io::Write;
    let failed = |e: std::io::Error| SaveError::Write {
        file: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!(".partial-{}", std::process::id()));
    let temporary = std::path::PathBuf::from(temporary);
    let written = std::fs::File::create(&temporary).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    match written.and_then(|()| std::fs::rename(&temporary, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            // Best effort: the error reported is the write's.
            let _ = std::fs::remove_file(&temporary);
            Err(failed(e))
        }
    }
}
