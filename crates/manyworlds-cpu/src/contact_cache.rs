//! What a world remembers of its contacts from one step to the next: the accumulated impulses
//! of every contact point, keyed by collider pair and feature id, to warm-start the solver.
//!
//! Feature ids alone are not enough where clipping creates near-coincident candidates (two
//! equal boxes stacked: at each corner an incident vertex and a clip point a millimetre apart,
//! either of which may be kept from one step to the next). A point whose id finds no match
//! therefore takes the impulses of the cached point that sat nearest to it on body A, within
//! [`MATCH_DISTANCE`].

use glam::Vec3;

use crate::narrowphase::MAX_POINTS;

/// How close (m, on body A) a new point must be to a cached one to inherit its impulses when
/// their feature ids differ.
pub const MATCH_DISTANCE: f32 = 0.01;

/// The impulses one contact point ended the step with.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CachedPoint {
    pub feature: u32,
    /// Where the point was, relative to body A's centre of mass, in body A's frame.
    pub local_anchor: Vec3,
    pub normal_impulse: f32,
    /// Friction impulse as a world vector: the tangent basis may differ next step.
    pub tangent_impulse: Vec3,
}

/// The cached points of one collider pair.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CachedManifold {
    /// `first collider << 16 | second collider`.
    pub key: u32,
    /// Unit normal from body A to body B (a static body is A), for the contact readout.
    pub normal: Vec3,
    pub points: [CachedPoint; MAX_POINTS],
    pub count: usize,
}

impl CachedManifold {
    /// The cached point with the same feature id, else the nearest one within
    /// [`MATCH_DISTANCE`] of `local_anchor`.
    pub fn find(&self, feature: u32, local_anchor: Vec3) -> Option<&CachedPoint> {
        let points = &self.points[..self.count];
        points.iter().find(|p| p.feature == feature).or_else(|| {
            points
                .iter()
                .map(|p| (p.local_anchor.distance_squared(local_anchor), p))
                .filter(|(d, _)| *d <= MATCH_DISTANCE * MATCH_DISTANCE)
                .min_by(|x, y| x.0.total_cmp(&y.0))
                .map(|(_, p)| p)
        })
    }
}

pub fn pair_key(first: u32, second: u32) -> u32 {
    (first << 16) | second
}

/// A world's contact memory, sorted by key.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ContactCache {
    pub manifolds: Vec<CachedManifold>,
}

impl ContactCache {
    pub fn find(&self, key: u32) -> Option<&CachedManifold> {
        self.manifolds
            .binary_search_by_key(&key, |m| m.key)
            .ok()
            .map(|i| &self.manifolds[i])
    }

    pub fn clear(&mut self) {
        self.manifolds.clear();
    }
}
