//! Which files a model may read, and how much.
//!
//! One load reads its model file and what the model names (MJCF includes, collision meshes)
//! under these rules:
//!
//! - A named file must lie below the model's own folder or one of the caller's search
//!   paths ([`crate::ImportOptions::search_paths`]). An absolute path elsewhere, or `..`
//!   climbing out, is refused from its name alone, before the file system is asked
//!   anything; a symbolic link leading out is refused once the path is resolved
//!   ([`std::fs::canonicalize`]), before the file is opened. A URDF `package://` mesh is
//!   read below its package's root folder alone, under the same rules
//!   ([`FileAccess::read_below`]; `crate::package_path` finds the root).
//! - Only regular files are read: a directory, a device, a named pipe or a socket is refused
//!   from its metadata, without being opened.
//! - Reads stop at the [`Budget`]: the bytes of the model and its includes together, the
//!   number of files it names, how deep includes nest, and (counted by the XML front end) how
//!   many elements the model has and how deep they nest. A file is read through a cap one
//!   byte over what is left of the budget, so a file whose metadata understates its size
//!   cannot exhaust memory either.
//! - Errors say what the model wrote and why it was refused, never what a refused file holds.

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use crate::error::{Exceeded, FileProblem, ImportError, Problem};

/// The limits one load works within.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Bytes read in all: the model file and every file it names.
    pub total_bytes: u64,
    /// Files the model names (each include counts each time it is read).
    pub files: usize,
    /// How deep includes may nest.
    pub include_depth: usize,
    /// XML elements in all, includes spliced in.
    pub elements: usize,
    /// How deep XML elements may nest, includes spliced in.
    pub element_depth: usize,
}

impl Budget {
    /// 64 MiB, 256 files, includes 16 deep, 1,000,000 elements nested at most 1,000 deep.
    pub const DEFAULT: Budget = Budget {
        total_bytes: 64 << 20,
        files: 256,
        include_depth: 16,
        elements: 1_000_000,
        element_depth: 1_000,
    };
}

impl Default for Budget {
    fn default() -> Self {
        Budget::DEFAULT
    }
}

/// A folder files may be read from, as the caller named it (made absolute) and resolved.
#[derive(Debug)]
struct Root {
    given: PathBuf,
    canonical: Option<PathBuf>,
}

impl Root {
    fn new(folder: &Path) -> Self {
        let given = lexically_normal(&absolute(folder));
        let canonical = std::fs::canonicalize(folder).ok();
        Root { given, canonical }
    }

    /// Whether `path` (absolute, lexically normal) lies below this folder as named or as
    /// resolved.
    fn holds(&self, path: &Path) -> bool {
        path.starts_with(&self.given)
            || self.canonical.as_ref().is_some_and(|c| path.starts_with(c))
    }

    /// Whether a canonical path lies below this folder as resolved.
    fn holds_resolved(&self, resolved: &Path) -> bool {
        self.canonical
            .as_ref()
            .is_some_and(|c| resolved.starts_with(c))
    }
}

/// A file named by a model, found and allowed.
pub struct NamedFile {
    /// The path errors about the file's content show: the folder it was found in joined
    /// with the name as written.
    pub shown: PathBuf,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// What one load may read, and what it has read so far.
#[derive(Debug)]
pub struct FileAccess {
    /// The model's folder first, then the search paths.
    roots: Vec<Root>,
    budget: Budget,
    bytes_read: u64,
    files_read: usize,
    elements: usize,
}

impl FileAccess {
    /// The access of a model whose folder is `model_folder` (relative paths it names are
    /// relative to that folder), also allowed to read below `search_paths`.
    pub fn new(model_folder: &Path, search_paths: &[PathBuf]) -> Self {
        Self::with_budget(model_folder, search_paths, Budget::DEFAULT)
    }

    pub fn with_budget(model_folder: &Path, search_paths: &[PathBuf], budget: Budget) -> Self {
        let mut roots = vec![Root::new(model_folder)];
        roots.extend(search_paths.iter().map(|p| Root::new(p)));
        FileAccess {
            roots,
            budget,
            bytes_read: 0,
            files_read: 0,
            elements: 0,
        }
    }

    pub fn budget(&self) -> &Budget {
        &self.budget
    }

    /// The model's folder, absolute.
    pub fn model_folder(&self) -> &Path {
        &self.roots[0].given
    }

    /// Counts one more XML element; an error when there are too many.
    pub fn count_element(&mut self) -> Result<(), Exceeded> {
        self.elements += 1;
        if self.elements > self.budget.elements {
            return Err(Exceeded::Elements(self.budget.elements));
        }
        Ok(())
    }

    /// How many more elements the budget allows.
    pub fn elements_left(&self) -> usize {
        self.budget.elements.saturating_sub(self.elements)
    }

    /// Reads the model file itself (which defines the model's folder, so only its kind and
    /// size are checked).
    pub fn read_model(&mut self, path: &Path) -> Result<Vec<u8>, ImportError> {
        let read_error = |message: String| ImportError::Read {
            file: path.to_path_buf(),
            message,
        };
        let metadata = std::fs::metadata(path).map_err(|e| read_error(e.to_string()))?;
        if let Err(kind) = regular(&metadata) {
            return Err(ImportError::File {
                file: path.to_path_buf(),
                problem: FileProblem::NotRegularFile(kind),
            });
        }
        self.read_capped(path, &metadata)
            .map_err(|problem| match problem {
                Problem::OverBudget(exceeded) => ImportError::OverBudget {
                    file: path.to_path_buf(),
                    exceeded,
                },
                Problem::File {
                    problem: FileProblem::Unreadable(message),
                    ..
                } => read_error(message),
                Problem::File { problem, .. } => ImportError::File {
                    file: path.to_path_buf(),
                    problem,
                },
                other => read_error(other.to_string()),
            })
    }

    /// Reads a file a model names as `written`: an absolute path, or one relative to
    /// `folder` (else to a search path, tried in order). The error is the problem of the
    /// element that names the file.
    pub fn read_named(&mut self, written: &str, folder: &Path) -> Result<NamedFile, Problem> {
        let refuse = |problem: FileProblem| Problem::File {
            path: written.to_string(),
            problem,
        };
        if written.trim().is_empty() {
            return Err(refuse(FileProblem::Unreadable("an empty path".into())));
        }
        let name = Path::new(written);
        let candidates: Vec<PathBuf> = if name.is_absolute() {
            vec![name.to_path_buf()]
        } else {
            std::iter::once(absolute(folder))
                .chain(self.roots[1..].iter().map(|r| r.given.clone()))
                .map(|f| f.join(name))
                .collect()
        };
        // From the name alone: the first candidate (the path as written, or relative to the
        // model's folder) must be inside; a search path's candidate only counts when it is.
        let mut first_error = None;
        let mut found = None;
        for (k, candidate) in candidates.iter().enumerate() {
            let normal = lexically_normal(candidate);
            if !self.roots.iter().any(|r| r.holds(&normal)) {
                if k == 0 {
                    return Err(refuse(FileProblem::Outside));
                }
                continue;
            }
            match std::fs::canonicalize(candidate) {
                Ok(resolved) => {
                    found = Some((candidate, resolved));
                    break;
                }
                Err(e) => {
                    first_error.get_or_insert(e.to_string());
                }
            }
        }
        let Some((candidate, resolved)) = found else {
            let message = first_error.unwrap_or_else(|| "not found".into());
            return Err(refuse(FileProblem::Unreadable(message)));
        };
        let inside = self.roots.iter().any(|r| r.holds_resolved(&resolved));
        if !inside {
            return Err(refuse(FileProblem::LinksOutside));
        }
        self.read_found(candidate, &resolved, written)
    }

    /// Reads `rest` (relative, as written after a URDF `package://NAME/`) below `package`,
    /// a package's root folder the caller found: neither `..` nor a symbolic link may lead
    /// out of it. `written` is the reference as the model wrote it, for errors.
    pub fn read_below(
        &mut self,
        package: &Path,
        rest: &str,
        written: &str,
    ) -> Result<NamedFile, Problem> {
        let refuse = |problem: FileProblem| Problem::File {
            path: written.to_string(),
            problem,
        };
        let root = Root::new(package);
        let relative = Path::new(rest);
        if rest.trim().is_empty() || relative.is_absolute() {
            return Err(refuse(FileProblem::Outside));
        }
        let candidate = root.given.join(relative);
        if !root.holds(&lexically_normal(&candidate)) {
            return Err(refuse(FileProblem::Outside));
        }
        let resolved = std::fs::canonicalize(&candidate)
            .map_err(|e| refuse(FileProblem::Unreadable(e.to_string())))?;
        if !root.holds_resolved(&resolved) {
            return Err(refuse(FileProblem::LinksOutside));
        }
        self.read_found(&candidate, &resolved, written)
    }

    /// Reads a file found and allowed (`resolved` is its canonical path), if it is a
    /// regular file and the budget allows.
    fn read_found(
        &mut self,
        candidate: &Path,
        resolved: &Path,
        written: &str,
    ) -> Result<NamedFile, Problem> {
        let refuse = |problem: FileProblem| Problem::File {
            path: written.to_string(),
            problem,
        };
        let metadata = std::fs::metadata(resolved)
            .map_err(|e| refuse(FileProblem::Unreadable(e.to_string())))?;
        regular(&metadata).map_err(|kind| refuse(FileProblem::NotRegularFile(kind)))?;
        if self.files_read >= self.budget.files {
            return Err(Problem::OverBudget(Exceeded::Files(self.budget.files)));
        }
        let bytes = self.read_capped(resolved, &metadata).map_err(|p| match p {
            Problem::File { problem, .. } => refuse(problem),
            other => other,
        })?;
        self.files_read += 1;
        Ok(NamedFile {
            shown: candidate.to_path_buf(),
            bytes,
        })
    }

    /// Reads a regular file, at most what is left of the byte budget.
    fn read_capped(&mut self, path: &Path, metadata: &Metadata) -> Result<Vec<u8>, Problem> {
        let left = self.budget.total_bytes.saturating_sub(self.bytes_read);
        let over = Problem::OverBudget(Exceeded::Bytes(self.budget.total_bytes));
        if metadata.len() > left {
            return Err(over);
        }
        let unreadable = |e: std::io::Error| Problem::File {
            path: String::new(),
            problem: FileProblem::Unreadable(e.to_string()),
        };
        let file = File::open(path).map_err(unreadable)?;
        // What was opened may not be what was looked at (the path changed in between).
        let opened = file.metadata().map_err(unreadable)?;
        if let Err(kind) = regular(&opened) {
            return Err(Problem::File {
                path: String::new(),
                problem: FileProblem::NotRegularFile(kind),
            });
        }
        let mut bytes = Vec::with_capacity(opened.len().min(left) as usize);
        file.take(left + 1)
            .read_to_end(&mut bytes)
            .map_err(unreadable)?;
        if bytes.len() as u64 > left {
            return Err(over);
        }
        self.bytes_read += bytes.len() as u64;
        Ok(bytes)
    }
}

/// Ok for a regular file, else what it is.
fn regular(metadata: &Metadata) -> Result<(), &'static str> {
    let kind = metadata.file_type();
    if kind.is_file() {
        return Ok(());
    }
    if kind.is_dir() {
        return Err("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_char_device() || kind.is_block_device() {
            return Err("a device");
        }
        if kind.is_fifo() {
            return Err("a named pipe");
        }
        if kind.is_socket() {
            return Err("a socket");
        }
    }
    Err("not a file")
}

/// `path` made absolute against the working directory, without touching the file system
/// otherwise.
fn absolute(path: &Path) -> PathBuf {
    let path = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// `path` with `.` dropped and each `..` taking away the component before it, from the
/// name alone (`..` at the root stays at the root).
fn lexically_normal(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                normal.pop();
            }
            other => normal.push(other.as_os_str()),
        }
    }
    normal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_normalisation_climbs_out_of_folders() {
        assert_eq!(
            lexically_normal(Path::new("/a/b/../c/./d")),
            PathBuf::from("/a/c/d")
        );
        assert_eq!(
            lexically_normal(Path::new("/a/../../etc")),
            PathBuf::from("/etc")
        );
        let root = Root {
            given: PathBuf::from("/models/robot"),
            canonical: None,
        };
        assert!(root.holds(&lexically_normal(Path::new("/models/robot/parts/x.xml"))));
        assert!(!root.holds(&lexically_normal(Path::new("/models/robot/../x.xml"))));
        assert!(!root.holds(&lexically_normal(Path::new("/models/robotics/x.xml"))));
    }
}
