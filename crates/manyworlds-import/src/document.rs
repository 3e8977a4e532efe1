//! An XML file read into an owned element tree that remembers where each element came from
//! (file, line, column), with MJCF's `<include file=…/>` spliced in.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{ImportError, Problem};

/// Where an element starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: Arc<PathBuf>,
    pub line: u32,
    pub column: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

#[derive(Clone, Debug)]
pub struct Element {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub children: Vec<Element>,
    pub location: Location,
}

/// Includes nest at most this deep (which also stops a file including itself).
const MAX_INCLUDE_DEPTH: usize = 16;

impl Element {
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// An error about this element.
    pub fn error(&self, problem: Problem) -> ImportError {
        ImportError::Element {
            location: self.location.clone(),
            element: self.name.clone(),
            problem,
        }
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.name == name)
    }
}

/// Reads the file at `path`; includes are resolved relative to its directory.
pub fn read_file(path: &Path) -> Result<Element, ImportError> {
    read_nested(path, directory_of(path), 0)
}

fn directory_of(path: &Path) -> &Path {
    path.parent().unwrap_or(Path::new("."))
}

fn read_nested(path: &Path, include_dir: &Path, depth: usize) -> Result<Element, ImportError> {
    let text = std::fs::read_to_string(path).map_err(|e| ImportError::Read {
        file: path.to_path_buf(),
        message: e.to_string(),
    })?;
    parse(&text, path, include_dir, depth)
}

/// Parses `text` as if read from `file`.
pub fn read_str(text: &str, file: &Path) -> Result<Element, ImportError> {
    parse(text, file, directory_of(file), 0)
}

fn parse(
    text: &str,
    file: &Path,
    include_dir: &Path,
    depth: usize,
) -> Result<Element, ImportError> {
    let file = Arc::new(file.to_path_buf());
    let document = roxmltree::Document::parse(text).map_err(|e| {
        let position = e.pos();
        ImportError::Xml {
            location: Location {
                file: file.clone(),
                line: position.row,
                column: position.col,
            },
            message: e.to_string(),
        }
    })?;
    let root = convert(&document, document.root_element(), &file);
    splice_includes(root, include_dir, depth)
}

fn convert(document: &roxmltree::Document, node: roxmltree::Node, file: &Arc<PathBuf>) -> Element {
    let position = document.text_pos_at(node.range().start);
    Element {
        name: node.tag_name().name().to_string(),
        attributes: node
            .attributes()
            .map(|a| (a.name().to_string(), a.value().to_string()))
            .collect(),
        children: node
            .children()
            .filter(|c| c.is_element())
            .map(|c| convert(document, c, file))
            .collect(),
        location: Location {
            file: file.clone(),
            line: position.row,
            column: position.col,
        },
    }
}

/// Replaces every `<include file=…/>` by the children of the included file's root.
fn splice_includes(
    mut element: Element,
    include_dir: &Path,
    depth: usize,
) -> Result<Element, ImportError> {
    let mut children = Vec::with_capacity(element.children.len());
    for child in std::mem::take(&mut element.children) {
        if child.name != "include" {
            children.push(splice_includes(child, include_dir, depth)?);
            continue;
        }
        let name = child
            .attribute("file")
            .ok_or_else(|| child.error(Problem::MissingAttribute("file")))?;
        if depth >= MAX_INCLUDE_DEPTH {
            return Err(child.error(Problem::Invalid(format!(
                "includes nest deeper than {MAX_INCLUDE_DEPTH} (does a file include itself?)"
            ))));
        }
        let included = read_nested(&include_dir.join(name), include_dir, depth + 1)?;
        children.extend(included.children);
    }
    element.children = children;
    Ok(element)
}
