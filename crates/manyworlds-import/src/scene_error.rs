//! A scene's refusal (core's validation, which names elements by index) placed back at the
//! element of the file it is about, so the error carries its file:line.

use std::path::Path;

use manyworlds_core::SceneError;

use crate::document::Location;
use crate::error::{ImportError, Problem};

/// `source` at the file element of the joint it names (`joint_at` finds the element's
/// location and tag from the scene's joint index), else at the file.
pub fn located(
    source: SceneError,
    file: &Path,
    joint_at: impl Fn(usize) -> Option<(Location, String)>,
) -> ImportError {
    let element = match &source {
        SceneError::NonFinite { element, .. }
        | SceneError::NonPositive { element, .. }
        | SceneError::OutOfRange { element, .. }
        | SceneError::Invalid { element, .. } => Some(element.as_str()),
        _ => None,
    };
    // Core names a joint "joint INDEX \"NAME\"".
    let index = element
        .and_then(|e| e.strip_prefix("joint "))
        .and_then(|e| e.split_whitespace().next())
        .and_then(|i| i.parse::<usize>().ok());
    match index.and_then(joint_at) {
        Some((location, element)) => ImportError::Element {
            location,
            element,
            problem: Problem::Invalid(source.to_string()),
        },
        None => ImportError::Scene {
            file: file.to_path_buf(),
            source,
        },
    }
}
