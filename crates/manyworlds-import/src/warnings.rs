//! What a loader skipped or approximated, each kind said once.

use std::collections::BTreeMap;
use std::fmt;

/// Warnings keyed by what they are about; repeats are counted, not repeated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Warnings {
    /// Message → how many times it arose, in the order first seen.
    entries: Vec<(String, usize)>,
    index: BTreeMap<String, usize>,
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

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Each distinct warning with its count.
    pub fn iter(&self) -> impl Iterator<Item = (&str, usize)> {
        self.entries.iter().map(|(m, n)| (m.as_str(), *n))
    }

    /// Whether any warning contains `text`.
    pub fn mentions(&self, text: &str) -> bool {
        self.entries.iter().any(|(m, _)| m.contains(text))
    }
}

impl fmt::Display for Warnings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
