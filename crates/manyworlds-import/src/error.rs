//! Why a file was refused: always with the file, and where possible the line, column and
//! element at fault.

use std::path::PathBuf;

use manyworlds_core::{ParamsError, SceneError};
use thiserror::Error;

use crate::document::Location;

#[derive(Debug, Error, Clone, PartialEq)]
pub enum ImportError {
    #[error("{file}: cannot read: {message}")]
    Read { file: PathBuf, message: String },
    #[error("{location}: malformed XML: {message}")]
    Xml { location: Location, message: String },
    #[error("{location}: <{element}>: {problem}")]
    Element {
        location: Location,
        element: String,
        problem: Problem,
    },
    /// A scene file that is not JSON, or whose JSON does not fit the format (a wrong type, a
    /// missing or unknown field, an unknown kind of shape or joint).
    #[error("{location}: {message}")]
    Json { location: Location, message: String },
    /// Not a scene file of this format, or of a version this build does not read.
    #[error("{file}: {problem}")]
    Format { file: PathBuf, problem: String },
    /// The file's step parameters cannot be used.
    #[error("{file}: {source}")]
    Params {
        file: PathBuf,
        #[source]
        source: ParamsError,
    },
    /// The file's randomization does not fit its scene.
    #[error("{file}: {source}")]
    Randomization {
        file: PathBuf,
        #[source]
        source: manyworlds_core::RandomizationError,
    },
    /// The file was understood but the scene it describes is not valid.
    #[error("{file}: {source}")]
    Scene {
        file: PathBuf,
        #[source]
        source: SceneError,
    },
}

impl ImportError {
    /// The problem with an element, when the error is about one.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            ImportError::Element { problem, .. } => Some(problem),
            _ => None,
        }
    }

    /// Where the error is, when it is about a place in a file.
    pub fn location(&self) -> Option<&Location> {
        match self {
            ImportError::Xml { location, .. }
            | ImportError::Element { location, .. }
            | ImportError::Json { location, .. } => Some(location),
            _ => None,
        }
    }
}

/// What is wrong with an element.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum Problem {
    #[error("missing attribute `{0}`")]
    MissingAttribute(&'static str),
    #[error("attribute `{attribute}`: expected {expected}, got \"{value}\"")]
    BadValue {
        attribute: String,
        value: String,
        expected: String,
    },
    #[error("attribute `{attribute}` must not be negative, got {value}")]
    Negative { attribute: String, value: f64 },
    #[error("no {what} named \"{name}\"")]
    MissingReference { what: &'static str, name: String },
    #[error("{0} is not supported (the `lenient` option drops it with a warning)")]
    UnsupportedShape(String),
    #[error("{0}")]
    Unsupported(String),
    #[error("{0}")]
    Invalid(String),
}
