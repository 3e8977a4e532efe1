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
    /// The model file itself may not be read (a device, a named pipe, a directory); what a
    /// model names (an include) is refused as an [`ImportError::Element`] with
    /// [`Problem::File`] instead.
    #[error("{file}: {problem}")]
    File { file: PathBuf, problem: FileProblem },
    /// The model file itself is larger than one load may read; a budget exceeded by what
    /// the model includes or holds is an [`ImportError::Element`] with
    /// [`Problem::OverBudget`] instead.
    #[error("{file}: {exceeded}")]
    OverBudget { file: PathBuf, exceeded: Exceeded },
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

    /// Why a file was not read, when the error is about one: the model file itself or one
    /// it names (an include).
    pub fn file_problem(&self) -> Option<&FileProblem> {
        match self {
            ImportError::File { problem, .. }
            | ImportError::Element {
                problem: Problem::File { problem, .. },
                ..
            } => Some(problem),
            _ => None,
        }
    }

    /// Which budget of the load was exceeded, when that is the error.
    pub fn exceeded(&self) -> Option<Exceeded> {
        match self {
            ImportError::OverBudget { exceeded, .. }
            | ImportError::Element {
                problem: Problem::OverBudget(exceeded),
                ..
            } => Some(*exceeded),
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
    /// A file the element names (an include) may not or cannot be read. `path` is the path
    /// as the model wrote it.
    #[error("file \"{path}\": {problem}")]
    File { path: String, problem: FileProblem },
    /// A mesh file the element names was read but cannot be used (an unknown format, not
    /// a valid STL or OBJ file, no vertices); `path` is the path as the model wrote it.
    #[error("mesh \"{path}\": {message}")]
    Mesh { path: String, message: String },
    /// A collision mesh was read but has no convex hull to collide as (fewer than four
    /// points, or all on a plane).
    #[error("{0} (the `lenient` option drops it with a warning)")]
    MeshCollider(String),
    /// A URDF `package://` reference whose package was not found.
    #[error("{0}")]
    PackageNotFound(String),
    /// Reading on at this element would exceed a budget of the load.
    #[error("{0}")]
    OverBudget(Exceeded),
}

/// Why a file was not read. Never quotes the file's content.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum FileProblem {
    /// Outside the model's folder and the search paths (written as an absolute path
    /// elsewhere, or with `..` climbing out).
    #[error("outside the model's folder and the search paths")]
    Outside,
    /// Inside by its name, but a symbolic link along the way leads outside.
    #[error("leads outside the model's folder and the search paths through a symbolic link")]
    LinksOutside,
    /// Not a regular file: what it is ("a directory", "a device", "a named pipe", …).
    #[error("not a regular file ({0})")]
    NotRegularFile(&'static str),
    /// Not found, or the system refused to read it.
    #[error("cannot read: {0}")]
    Unreadable(String),
    /// Not UTF-8 text.
    #[error("not UTF-8 text")]
    NotText,
    /// Not well-formed XML; where, but not what.
    #[error("not well-formed XML (line {line}, column {column})")]
    NotXml { line: u32, column: u32 },
}

/// A budget of one load that a model exceeds (each limit is in [`crate::Budget`]).
#[derive(Debug, Error, Clone, Copy, PartialEq, Eq)]
pub enum Exceeded {
    #[error("the model and its includes hold more than {0} bytes")]
    Bytes(u64),
    #[error("the model includes more than {0} files")]
    Files(usize),
    #[error("includes nest deeper than {0} (does a file include itself?)")]
    IncludeDepth(usize),
    #[error("more than {0} XML elements")]
    Elements(usize),
    #[error("XML elements nest deeper than {0}")]
    ElementDepth(usize),
}
