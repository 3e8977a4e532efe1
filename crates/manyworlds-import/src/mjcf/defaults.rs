//! MJCF default classes: nested `<default class=…>` blocks whose attribute values an element
//! takes unless it sets its own. A class inherits its parent class's values; the top-level
//! `<default>` is the class `main`. An element's class is its `class` attribute, else the
//! `childclass` of the nearest enclosing body that has one, else `main`.

use std::collections::HashMap;
use std::rc::Rc;

use crate::document::Element;
use crate::error::{ImportError, Problem};

pub const MAIN: &str = "main";

/// All of MuJoCo's actuator shortcuts share one set of defaults.
const ACTUATORS: [&str; 4] = ["motor", "position", "velocity", "general"];

/// Attribute values by element kind (`geom`, `joint`, `actuator`, …).
type ClassValues = HashMap<String, Vec<(String, String)>>;

#[derive(Debug, Default)]
pub struct Defaults {
    classes: HashMap<String, ClassValues>,
}

/// The key under which an element kind's defaults are kept.
fn kind_key(kind: &str) -> &str {
    if ACTUATORS.contains(&kind) {
        "actuator"
    } else {
        kind
    }
}

impl Defaults {
    /// Reads every `<default>` block under the model's root: depth first, in document
    /// order, with a stack of blocks still to read (no recursion, however deep classes nest).
    pub fn parse(root: &Element) -> Result<Self, ImportError> {
        let mut defaults = Defaults::default();
        defaults
            .classes
            .insert(MAIN.to_string(), ClassValues::new());
        let none = Rc::new(ClassValues::new());
        for block in root.children_named("default") {
            // A top-level block is `main` unless it names itself.
            let name = block.attribute("class").unwrap_or(MAIN);
            // Blocks to read, each with its class name and its parent class's values; the
            // next one to read is last.
            let mut pending = vec![(block, Some(name), none.clone())];
            while let Some((block, name, inherited)) = pending.pop() {
                // A nested block must name its class (said when its turn comes).
                let name = match name {
                    Some(name) => name,
                    None => block
                        .attribute("class")
                        .ok_or_else(|| block.error(Problem::MissingAttribute("class")))?,
                };
                let values = Rc::new(defaults.read_class(block, name, &inherited));
                for nested in block
                    .children_named("default")
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                {
                    pending.push((nested, None, values.clone()));
                }
            }
        }
        Ok(defaults)
    }

    /// Reads one block's own values into class `name` (over `inherited` and what the class
    /// already had); returns the class's values.
    fn read_class(&mut self, block: &Element, name: &str, inherited: &ClassValues) -> ClassValues {
        let mut values = inherited.clone();
        if let Some(existing) = self.classes.get(name) {
            for (kind, attributes) in existing {
                merge(values.entry(kind.clone()).or_default(), attributes);
            }
        }
        for child in block.children.iter().filter(|c| c.name != "default") {
            merge(
                values.entry(kind_key(&child.name).to_string()).or_default(),
                &child.attributes,
            );
        }
        self.classes.insert(name.to_string(), values.clone());
        values
    }

    /// Whether a class of that name exists.
    pub fn has_class(&self, name: &str) -> bool {
        self.classes.contains_key(name)
    }

    /// The class `element` takes: its own `class`, else `inherited` (the enclosing
    /// `childclass`). A class that does not exist is an error naming the element.
    pub fn class_of<'a>(
        &self,
        element: &'a Element,
        inherited: &'a str,
    ) -> Result<&'a str, ImportError> {
        let name = element.attribute("class").unwrap_or(inherited);
        if !self.has_class(name) {
            return Err(element.error(Problem::MissingReference {
                what: "default class",
                name: name.to_string(),
            }));
        }
        Ok(name)
    }

    /// The default attribute values of class `class` for elements of kind `kind`.
    pub fn values(&self, class: &str, kind: &str) -> &[(String, String)] {
        self.classes
            .get(class)
            .and_then(|c| c.get(kind_key(kind)))
            .map_or(&[], Vec::as_slice)
    }
}

/// Sets each of `attributes` in `into`, replacing a value already there.
fn merge(into: &mut Vec<(String, String)>, attributes: &[(String, String)]) {
    for (key, value) in attributes {
        if key == "class" {
            continue;
        }
        match into.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value.clone(),
            None => into.push((key.clone(), value.clone())),
        }
    }
}
