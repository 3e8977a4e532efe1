//! Where a URDF's `package://NAME/rest` reference points, as ROS resolves it by package
//! name, and pybullet by stripping the scheme.
//!
//! NAME's root folder is the first of:
//!
//! 1. the URDF's own folder when it is named NAME;
//! 2. the nearest folder above it named NAME that holds a `package.xml` (a ROS package;
//!    without that mark a folder above the model is never read);
//! 3. a folder NAME inside the URDF's folder (pybullet's layout:
//!    `franka_panda/panda.urdf` names `package://meshes/collision/link0.obj`);
//! 4. for each package path in order ([`crate::ImportOptions::package_paths`], like
//!    `ROS_PACKAGE_PATH`), the path itself when it is named NAME, else a folder NAME in it.
//!
//! `rest` is then read below that root alone ([`crate::file_access::FileAccess::read_below`]).

use std::path::{Component, Path, PathBuf};

use crate::error::Problem;

/// How a URDF names a file.
#[derive(Debug, PartialEq, Eq)]
pub enum FileReference<'a> {
    /// `package://NAME/rest`.
    Package { name: &'a str, rest: &'a str },
    /// A path, relative to the URDF's folder or absolute (`file://` stripped).
    Path(&'a str),
}

/// Splits a URDF `filename` into its kind; unexpanded xacro is refused.
pub fn parse_reference(written: &str) -> Result<FileReference<'_>, Problem> {
    if crate::attributes::is_unexpanded_xacro(written) {
        return Err(Problem::Invalid(format!(
            "\"{written}\" is unexpanded xacro: run xacro on the file first"
        )));
    }
    if let Some(after) = written.strip_prefix("package://") {
        let (name, rest) = after.split_once('/').unwrap_or((after, ""));
        let plain = matches!(
            Path::new(name).components().collect::<Vec<_>>().as_slice(),
            [Component::Normal(_)]
        );
        if !plain || name.contains('\\') {
            return Err(Problem::Invalid(format!(
                "\"{written}\": \"{name}\" is not a package name"
            )));
        }
        return Ok(FileReference::Package { name, rest });
    }
    Ok(FileReference::Path(
        written.strip_prefix("file://").unwrap_or(written),
    ))
}

/// The root folder of package `name` for a URDF in `model_folder` (absolute), or an error
/// naming the package and every folder looked in.
pub fn find_package(
    name: &str,
    model_folder: &Path,
    package_paths: &[PathBuf],
) -> Result<PathBuf, Problem> {
    let mut looked = Vec::new();
    if model_folder.file_name().is_some_and(|n| n == name) {
        return Ok(model_folder.to_path_buf());
    }
    looked.push(format!("{} (the URDF's folder)", model_folder.display()));
    for ancestor in model_folder.ancestors().skip(1) {
        if ancestor.file_name().is_some_and(|n| n == name) {
            if ancestor.join("package.xml").is_file() {
                return Ok(ancestor.to_path_buf());
            }
            looked.push(format!(
                "{} (above the URDF, but holds no package.xml)",
                ancestor.display()
            ));
        }
    }
    looked.push("the folders above the URDF's (none named so with a package.xml)".into());
    let inside = model_folder.join(name);
    if inside.is_dir() {
        return Ok(inside);
    }
    looked.push(inside.display().to_string());
    for path in package_paths {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
        if path.file_name().is_some_and(|n| n == name) && path.is_dir() {
            return Ok(path);
        }
        let inside = path.join(name);
        if inside.is_dir() {
            return Ok(inside);
        }
        looked.push(inside.display().to_string());
    }
    if package_paths.is_empty() {
        looked.push("no package paths given (--package-path DIR)".into());
    }
    Err(Problem::PackageNotFound(format!(
        "package \"{name}\" not found; looked in: {}",
        looked.join("; ")
    )))
}
