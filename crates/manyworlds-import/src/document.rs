//! An XML file read into an owned element tree that remembers where each element came from
//! (file, line, column), with MJCF's `<include file=…/>` spliced in.
//!
//! The walk is iterative (a stack of open elements), so no input nests the program's own
//! stack; what one load may read and hold is checked against its [`FileAccess`] budget as
//! the tree grows. Line and column come from a line index built once per file, so the
//! whole walk is linear in the input.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Exceeded, FileProblem, ImportError, Problem};
use crate::file_access::FileAccess;

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

/// Reads the model file at `path`; includes are resolved relative to its folder (which
/// `access` was made for).
pub fn read_file(path: &Path, access: &mut FileAccess) -> Result<Element, ImportError> {
    let bytes = access.read_model(path)?;
    let text = String::from_utf8(bytes).map_err(|_| ImportError::File {
        file: path.to_path_buf(),
        problem: FileProblem::NotText,
    })?;
    read_str(&text, path, access)
}

/// Parses `text` as if read from `file`.
pub fn read_str(text: &str, file: &Path, access: &mut FileAccess) -> Result<Element, ImportError> {
    let file = Arc::new(file.to_path_buf());
    let document = parse_xml(text, access).map_err(|e| match e {
        roxmltree::Error::NodesLimitReached => ImportError::OverBudget {
            file: file.to_path_buf(),
            exceeded: Exceeded::Elements(access.budget().elements),
        },
        e => {
            let position = e.pos();
            ImportError::Xml {
                location: Location {
                    file: file.clone(),
                    line: position.row,
                    column: position.col,
                },
                message: e.to_string(),
            }
        }
    })?;
    Walk { access }.convert(&document, &file, 0, 0)
}

/// The folder a model file's relative includes are relative to.
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Parses XML without a DTD (so no entity expansion), with at most a few nodes per element
/// the budget has left (text and comments between elements are nodes too).
fn parse_xml<'a>(
    text: &'a str,
    access: &FileAccess,
) -> Result<roxmltree::Document<'a>, roxmltree::Error> {
    let nodes = access.elements_left().saturating_mul(3).saturating_add(64);
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: u32::try_from(nodes).unwrap_or(u32::MAX),
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(text, options)
}

/// Line and column of byte offsets into one text: line starts found once, columns counted
/// from the last position asked for when it is on the same line before the new one (the
/// walk asks in document order), so every position costs its own stretch of text only.
struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of each line's first character.
    starts: Vec<usize>,
    /// The last answer: offset, line, column.
    last: (usize, u32, u32),
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(
                text.bytes()
                    .enumerate()
                    .filter(|(_, b)| *b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        LineIndex {
            text,
            starts,
            last: (0, 1, 1),
        }
    }

    /// Line and column (1-based; the column counts characters) of byte `offset`, as
    /// roxmltree counts them.
    fn position(&mut self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset);
        let line_start = self.starts[line - 1];
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        let (last_offset, last_line, last_column) = self.last;
        let (from, column) = if last_line == line && last_offset <= offset {
            (last_offset, last_column)
        } else {
            (line_start, 1)
        };
        let counted = self.text.get(from..offset).map_or(0, |s| s.chars().count());
        let column = column.saturating_add(u32::try_from(counted).unwrap_or(u32::MAX));
        self.last = (offset, line, column);
        (line, column)
    }
}

/// Turns parsed XML into [`Element`]s, splicing includes in.
struct Walk<'a> {
    access: &'a mut FileAccess,
}

impl Walk<'_> {
    /// The tree under `document`'s root element, which sits at element depth `depth` (the
    /// depth of the include it replaces, 0 for the model file) and include depth
    /// `include_depth`.
    fn convert(
        &mut self,
        document: &roxmltree::Document,
        file: &Arc<PathBuf>,
        depth: usize,
        include_depth: usize,
    ) -> Result<Element, ImportError> {
        let mut lines = LineIndex::new(document.input_text());
        let root = document.root_element();
        let element = self.element(root, &mut lines, file, depth)?;
        // The open elements, each with what is left of its children.
        let mut open = vec![(element, root.children())];
        loop {
            let (_, children) = open.last_mut().expect("the root is open until the end");
            match children.find(roxmltree::Node::is_element) {
                Some(node) => {
                    let element = self.element(node, &mut lines, file, depth + open.len())?;
                    if element.name == "include" {
                        let spliced = self.include(&element, depth + open.len(), include_depth)?;
                        let (parent, _) = open.last_mut().expect("an open parent");
                        parent.children.extend(spliced);
                    } else {
                        open.push((element, node.children()));
                    }
                }
                None => {
                    let (done, _) = open.pop().expect("an open element");
                    match open.last_mut() {
                        Some((parent, _)) => parent.children.push(done),
                        None => return Ok(done),
                    }
                }
            }
        }
    }

    /// One element without its children, counted against the budget.
    fn element(
        &mut self,
        node: roxmltree::Node,
        lines: &mut LineIndex,
        file: &Arc<PathBuf>,
        depth: usize,
    ) -> Result<Element, ImportError> {
        let (line, column) = lines.position(node.range().start);
        // Xacro's elements keep their prefix, so a loader can say the file is unexpanded.
        let name = match node.tag_name().namespace() {
            Some(ns) if ns.trim_end_matches('/').ends_with("wiki/xacro") => {
                format!("xacro:{}", node.tag_name().name())
            }
            _ => node.tag_name().name().to_string(),
        };
        let element = Element {
            name,
            attributes: node
                .attributes()
                .map(|a| (a.name().to_string(), a.value().to_string()))
                .collect(),
            children: Vec::new(),
            location: Location {
                file: file.clone(),
                line,
                column,
            },
        };
        let budget = *self.access.budget();
        if depth >= budget.element_depth {
            return Err(element.error(Problem::OverBudget(Exceeded::ElementDepth(
                budget.element_depth,
            ))));
        }
        self.access
            .count_element()
            .map_err(|exceeded| element.error(Problem::OverBudget(exceeded)))?;
        Ok(element)
    }

    /// The children of the root of the file `include` names, which take its place at
    /// element depth `depth`; `include_depth` is the depth of the file holding `include`.
    fn include(
        &mut self,
        include: &Element,
        depth: usize,
        include_depth: usize,
    ) -> Result<Vec<Element>, ImportError> {
        let written = include
            .attribute("file")
            .ok_or_else(|| include.error(Problem::MissingAttribute("file")))?;
        let limit = self.access.budget().include_depth;
        if include_depth >= limit {
            return Err(include.error(Problem::OverBudget(Exceeded::IncludeDepth(limit))));
        }
        let folder = self.access.model_folder().to_path_buf();
        let named = self
            .access
            .read_named(written, &folder)
            .map_err(|problem| include.error(problem))?;
        let refuse = |problem: FileProblem| {
            include.error(Problem::File {
                path: written.to_string(),
                problem,
            })
        };
        let text = String::from_utf8(named.bytes).map_err(|_| refuse(FileProblem::NotText))?;
        // Not a model: say where it stopped being XML, never what it holds.
        let document = parse_xml(&text, self.access).map_err(|e| match e {
            roxmltree::Error::NodesLimitReached => include.error(Problem::OverBudget(
                Exceeded::Elements(self.access.budget().elements),
            )),
            e => refuse(FileProblem::NotXml {
                line: e.pos().row,
                column: e.pos().col,
            }),
        })?;
        let file = Arc::new(named.shown);
        // The included root stands in for the include; only its children are kept.
        let root = self.convert(&document, &file, depth - 1, include_depth + 1)?;
        Ok(root.children)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_index_agrees_with_roxmltree() {
        let text = "<a>\r\n  <b x=\"é\"/><c/>\n\n\t<d>ü<e/></d>\n<f/><g/>\n</a>";
        let document = roxmltree::Document::parse(text).unwrap();
        let mut lines = LineIndex::new(text);
        let mut offsets: Vec<usize> = document.descendants().map(|n| n.range().start).collect();
        // In document order (how the walk asks), then out of order.
        let later: Vec<usize> = offsets.iter().rev().copied().collect();
        offsets.extend(later);
        offsets.extend([0, text.len(), text.len() + 5]);
        for offset in offsets {
            let expected = document.text_pos_at(offset);
            assert_eq!(
                lines.position(offset),
                (expected.row, expected.col),
                "at {offset}"
            );
        }
    }
}
