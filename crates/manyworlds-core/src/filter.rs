//! Which colliders may touch which.

use serde::{Deserialize, Serialize};

/// Collision groups: two colliders can touch only when each one's `memberships` share a bit
/// with the other one's `filter`. The default is member of group 0 and colliding with all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollisionFilter {
    pub memberships: u32,
    pub filter: u32,
}

impl Default for CollisionFilter {
    fn default() -> Self {
        Self {
            memberships: 1,
            filter: u32::MAX,
        }
    }
}

impl CollisionFilter {
    pub fn new(memberships: u32, filter: u32) -> Self {
        Self {
            memberships,
            filter,
        }
    }

    pub fn can_touch(&self, other: &CollisionFilter) -> bool {
        (self.memberships & other.filter) != 0 && (other.memberships & self.filter) != 0
    }
}
