//! What a loader skipped or approximated, each kind said once.

use std::collections::BTreeMap;
use std::fmt;

/// Warnings keyed by what they are about; repeats are counted, not repeated. Repairs (values
/// of the file changed so it can be simulated, such as an inertia made positive definite)
/// are kept apart, each listed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Warnings {
    /// Message → how many times it arose, in the order first seen.
    entries: Vec<(String, usize)>,
    index: BTreeMap<String, usize>,
    repairs: Vec<String>,
}

impl Warnings {
    pub fn add(&mut self, message: impl Into<String>) {
        let message = message.into();
        match self.index.get(&message) {
            Some(&i) => self.entries[i].1 += 1,
            None => {
                self.index.insert(message.clone(), self.entries.len());
                self.entries.push((message, 1));
            }
        }
    }

    /// Records a value of the file that was changed so the model can be simulated.
    pub fn add_repair(&mut self, message: impl Into<String>) {
        self.repairs.push(message.into());
    }

    /// Each repair, in the order made.
    pub fn repairs(&self) -> impl Iterator<Item = &str> {
        self.repairs.iter().map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.repairs.is_empty()
    }

    /// Distinct warnings, repairs not counted.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Each distinct warning with its count.
    pub fn iter(&self) -> impl Iterator<Item = (&str, usize)> {
        self.entries.iter().map(|(m, n)| (m.as_str(), *n))
    }

    /// Whether any warning or repair contains `text`.
    pub fn mentions(&self, text: &str) -> bool {
        self.entries.iter().any(|(m, _)| m.contains(text))
            || self.repairs.iter().any(|m| m.contains(text))
    }
}

impl fmt::Display for Warnings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for repair in &self.repairs {
            writeln!(f, "repaired: {repair}")?;
        }
        for (message, count) in self.iter() {
            if count > 1 {
                writeln!(f, "{message} (x{count})")?;
            } else {
                writeln!(f, "{message}")?;
            }
        }
        Ok(())
    }
}
