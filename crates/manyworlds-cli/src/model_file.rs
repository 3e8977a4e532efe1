//! Model files by extension: `.urdf` is URDF, anything else MJCF.

use std::path::Path;

use manyworlds::import::{mjcf, urdf, ImportError, ImportOptions, Imported};

/// Whether a SCENE argument names a model file rather than a built-in scene.
pub fn is_model_file(name: &str) -> bool {
    name.ends_with(".xml") || name.ends_with(".urdf") || name.ends_with(".mjcf")
}

pub fn load_model(path: &Path, options: ImportOptions) -> Result<Imported, ImportError> {
    if path.extension().is_some_and(|e| e == "urdf") {
        urdf::load(path, options)
    } else {
        mjcf::load(path, options)
    }
}
