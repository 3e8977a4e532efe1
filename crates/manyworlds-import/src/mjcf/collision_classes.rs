//! MJCF's contact bits as manyworlds collision filters.
//!
//! MuJoCo lets two geoms touch when `(contype₁ & conaffinity₂) | (contype₂ & conaffinity₁)`
//! is non-zero; manyworlds when each one's memberships meet the other's filter. Any
//! symmetric rule over at most 32 kinds of geom fits the second form: each distinct
//! (contype, conaffinity) pair becomes a group of its own, whose filter holds the groups it
//! may touch.

use std::collections::HashMap;

use manyworlds_core::CollisionFilter;

use super::bodies::Tree;
use crate::document::Element;
use crate::error::{ImportError, Problem};

pub fn filters(
    tree: &Tree,
    root: &Element,
) -> Result<HashMap<(u32, u32), CollisionFilter>, ImportError> {
    let mut kinds: Vec<(u32, u32)> = Vec::new();
    for body in &tree.bodies {
        for (_, bits) in &body.colliders {
            if !kinds.contains(bits) {
                kinds.push(*bits);
            }
        }
    }
    if kinds.len() > 32 {
        return Err(root.error(Problem::Unsupported(format!(
            "{} distinct (contype, conaffinity) pairs; at most 32 are supported",
            kinds.len()
        ))));
    }
    let touches = |a: (u32, u32), b: (u32, u32)| (a.0 & b.1) != 0 || (b.0 & a.1) != 0;
    Ok(kinds
        .iter()
        .enumerate()
        .map(|(i, &kind)| {
            let filter = kinds
                .iter()
                .enumerate()
                .filter(|(_, &other)| touches(kind, other))
                .fold(0u32, |f, (j, _)| f | (1 << j));
            (kind, CollisionFilter::new(1 << i, filter))
        })
        .collect())
}
