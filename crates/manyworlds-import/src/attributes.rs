//! Typed reading of XML attributes (MJCF, URDF), each failure naming the attribute and the
//! element. An MJCF element also sees its default class's values.

use glam::Vec3;

use crate::document::Element;
use crate::error::{ImportError, Problem};

/// An element's attributes as seen through its default class: the element's own value,
/// else the class's.
pub struct Attributes<'a> {
    pub element: &'a Element,
    pub defaults: &'a [(String, String)],
}

impl<'a> Attributes<'a> {
    pub fn new(element: &'a Element, defaults: &'a [(String, String)]) -> Self {
        Self { element, defaults }
    }

    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.element.attribute(name).or_else(|| {
            self.defaults
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        })
    }

    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn bad(&self, attribute: &str, value: &str, expected: &str) -> ImportError {
        if is_unexpanded_xacro(value) {
            return self.element.error(Problem::BadValue {
                attribute: attribute.to_string(),
                value: value.to_string(),
                expected: format!("{expected}, not unexpanded xacro (run xacro on the file first)"),
            });
        }
        self.element.error(Problem::BadValue {
            attribute: attribute.to_string(),
            value: value.to_string(),
            expected: expected.to_string(),
        })
    }

    /// All numbers of a list attribute. Each must be finite as an f32 too (the scene holds
    /// f32): 1e39 would become infinity there.
    pub fn numbers(&self, name: &str) -> Result<Option<Vec<f64>>, ImportError> {
        let Some(text) = self.get(name) else {
            return Ok(None);
        };
        text.split_whitespace()
            .map(|t| {
                t.parse::<f64>()
                    .ok()
                    .filter(|&v| (v as f32).is_finite())
                    .ok_or_else(|| self.bad(name, text, "finite numbers (within f32's range)"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// A list of exactly `N` numbers.
    pub fn array<const N: usize>(&self, name: &str) -> Result<Option<[f64; N]>, ImportError> {
        let Some(values) = self.numbers(name)? else {
            return Ok(None);
        };
        let text = self.get(name).unwrap_or_default();
        <[f64; N]>::try_from(values.as_slice())
            .map(Some)
            .map_err(|_| self.bad(name, text, &format!("{N} numbers")))
    }

    /// The first `N` numbers of a list that may hold more (MJCF's `friction`, `gear`).
    pub fn leading<const N: usize>(&self, name: &str) -> Result<Option<[f64; N]>, ImportError> {
        let Some(values) = self.numbers(name)? else {
            return Ok(None);
        };
        let text = self.get(name).unwrap_or_default();
        values
            .get(..N)
            .and_then(|v| <[f64; N]>::try_from(v).ok())
            .map(Some)
            .ok_or_else(|| self.bad(name, text, &format!("at least {N} numbers")))
    }

    pub fn number(&self, name: &str) -> Result<Option<f64>, ImportError> {
        Ok(self.array::<1>(name)?.map(|[v]| v))
    }

    pub fn number_or(&self, name: &str, default: f64) -> Result<f64, ImportError> {
        Ok(self.number(name)?.unwrap_or(default))
    }

    /// A number that must not be negative.
    pub fn non_negative(&self, name: &str, default: f64) -> Result<f64, ImportError> {
        let value = self.number_or(name, default)?;
        if value < 0.0 {
            return Err(self.element.error(Problem::Negative {
                attribute: name.to_string(),
                value,
            }));
        }
        Ok(value)
    }

    pub fn vec3(&self, name: &str) -> Result<Option<Vec3>, ImportError> {
        Ok(self.array::<3>(name)?.map(to_vec3))
    }

    pub fn integer(&self, name: &str, default: i64) -> Result<i64, ImportError> {
        let Some(text) = self.get(name) else {
            return Ok(default);
        };
        text.trim()
            .parse()
            .map_err(|_| self.bad(name, text, "an integer"))
    }

    /// One of `choices`, or `default`.
    pub fn keyword(
        &self,
        name: &str,
        choices: &[&'a str],
        default: &'a str,
    ) -> Result<&'a str, ImportError> {
        let Some(text) = self.get(name) else {
            return Ok(default);
        };
        choices
            .iter()
            .find(|c| **c == text)
            .copied()
            .ok_or_else(|| self.bad(name, text, &format!("one of {}", choices.join(", "))))
    }

    /// MJCF's three-valued flags: `true`, `false` or `auto` (None).
    pub fn tristate(&self, name: &str) -> Result<Option<bool>, ImportError> {
        Ok(
            match self.keyword(name, &["true", "false", "auto"], "auto")? {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
        )
    }

    pub fn required(&self, name: &'static str) -> Result<&'a str, ImportError> {
        self.get(name)
            .ok_or_else(|| self.element.error(Problem::MissingAttribute(name)))
    }
}

/// Whether `text` holds a xacro substitution (`${…}`, `$(…)`) that was never expanded.
pub fn is_unexpanded_xacro(text: &str) -> bool {
    text.contains("${") || text.contains("$(")
}

pub fn to_vec3(v: [f64; 3]) -> Vec3 {
    Vec3::new(v[0] as f32, v[1] as f32, v[2] as f32)
}
