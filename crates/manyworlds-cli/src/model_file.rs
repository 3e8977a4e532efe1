//! Model files by extension: `.json` is a manyworlds scene file, `.urdf` URDF, anything else
//! MJCF.

use std::path::Path;

use manyworlds::import::{mjcf, scene_file, urdf, ImportError, ImportOptions, Imported};

/// Whether a SCENE argument names a model file rather than a built-in scene.
pub fn is_model_file(name: &str) -> bool {
    [".xml", ".urdf", ".mjcf", ".json"]
        .iter()
        .any(|extension| name.ends_with(extension))
}

/// Loads a model file; a scene file has nothing for `options` to change.
pub fn load_model(path: &Path, options: ImportOptions) -> Result<Imported, ImportError> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("json") => scene_file::load(path),
        Some("urdf") => urdf::load(path, options),
        _ => mjcf::load(path, options),
    }
}
