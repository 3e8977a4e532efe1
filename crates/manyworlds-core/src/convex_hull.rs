//! Convex hulls of point clouds (a mesh's vertices): the data a [`crate::Shape::Hull`] refers
//! to, held once per scene ([`crate::Scene::hulls`]) and shared by every world.
//!
//! A hull keeps its vertices, its faces as convex polygons (coplanar triangles merged, so a
//! box's hull has six quadrilaterals) with outward unit normals, and its edges with the two
//! faces beside each (for the Gauss-map pruning of edge pairs in the narrow phase). It is
//! canonical: vertices sorted, each face's loop starting at its lowest vertex, faces and
//! edges sorted, so the same set of points gives the same hull bit for bit whatever their
//! order. A scene file stores a hull as its vertices only and rebuilds the rest.

use glam::{Mat3, Vec3};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::hull_construction::build_hull;
use crate::hull_mass::polyhedron_moments;

/// The most vertices a hull may keep (MuJoCo's `maxhullvert` default is unlimited, its
/// practical meshes are capped like this; the GPU narrow phase loops over them).
pub const MAX_HULL_VERTICES: usize = 64;

/// Index of a hull in its scene's [`crate::Scene::hulls`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct HullId(pub u32);

/// A face: a convex polygon, counter-clockwise seen from outside, in
/// [`ConvexHull::face_vertices`]`[first..first + count]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HullFace {
    /// Outward unit normal.
    pub normal: Vec3,
    /// The plane is `normal · x = offset`.
    pub offset: f32,
    pub first: u32,
    pub count: u32,
}

/// An edge between vertices `vertices[0]` and `vertices[1]`; it runs from the first to the
/// second in the loop of `faces[0]` and the other way in that of `faces[1]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HullEdge {
    pub vertices: [u32; 2],
    pub faces: [u32; 2],
}

/// Why a point cloud has no hull.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum HullError {
    #[error("a convex hull needs at least 4 points, got {0}")]
    TooFewPoints(usize),
    #[error("point {index} is not finite: {point}")]
    NonFinite { index: usize, point: Vec3 },
    #[error("the points have no volume: they are {0}")]
    Degenerate(&'static str),
    #[error("max_vertices must be at least 4, got {0}")]
    TooFewVertices(usize),
    #[error("the hull could not be built consistently (points too close to coplanar): {0}")]
    Inconsistent(&'static str),
}

/// The hull was built with fewer vertices than the point cloud's own hull has.
#[derive(Clone, Debug, PartialEq)]
pub struct HullReduced {
    /// The cap the hull was held to.
    pub vertices: usize,
    /// How far the farthest point left out lies outside the reduced hull (m).
    pub largest_gap: f32,
}

impl std::fmt::Display for HullReduced {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "convex hull reduced to {} vertices: points lie up to {:.3e} m outside it",
            self.vertices, self.largest_gap
        )
    }
}

/// A convex polyhedron with its mass properties at unit density.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "HullPoints", into = "HullPoints")]
pub struct ConvexHull {
    vertices: Vec<Vec3>,
    faces: Vec<HullFace>,
    face_vertices: Vec<u32>,
    edges: Vec<HullEdge>,
    /// Volume, first moment ∫x dV and second moment ∫x xᵀ dV about the local origin.
    volume: f32,
    first_moment: Vec3,
    second_moment: Mat3,
}

/// The stored form of a hull: its vertices.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct HullPoints {
    points: Vec<Vec3>,
}

impl From<ConvexHull> for HullPoints {
    fn from(hull: ConvexHull) -> Self {
        HullPoints {
            points: hull.vertices,
        }
    }
}

impl TryFrom<HullPoints> for ConvexHull {
    type Error = HullError;
    fn try_from(p: HullPoints) -> Result<Self, HullError> {
        // A stored hull is already within the cap: taken whole, or refused.
        match ConvexHull::from_points(&p.points, MAX_HULL_VERTICES)? {
            (hull, None) => Ok(hull),
            (_, Some(_)) => Err(HullError::Inconsistent("stored vertices are not convex")),
        }
    }
}

impl ConvexHull {
    /// The convex hull of `points`, with at most `max_vertices` vertices (clamped to
    /// [`MAX_HULL_VERTICES`]). Past the cap, the hull is grown greedily from the farthest
    /// points (quickhull's order) and stopped: the warning says how much was cut off.
    /// Fewer than four points, non-finite ones, or points on a plane, a line or one spot are
    /// refused.
    pub fn from_points(
        points: &[Vec3],
        max_vertices: usize,
    ) -> Result<(ConvexHull, Option<HullReduced>), HullError> {
        if max_vertices < 4 {
            return Err(HullError::TooFewVertices(max_vertices));
        }
        if points.len() < 4 {
            return Err(HullError::TooFewPoints(points.len()));
        }
        if let Some(index) = points.iter().position(|p| !p.is_finite()) {
            return Err(HullError::NonFinite {
                index,
                point: points[index],
            });
        }
        let cap = max_vertices.min(MAX_HULL_VERTICES);
        let built = build_hull(points, cap)?;
        let (volume, first_moment, second_moment) =
            polyhedron_moments(&built.vertices, &built.faces, &built.face_vertices);
        if volume <= 0.0 || !volume.is_finite() {
            return Err(HullError::Degenerate("too thin to have a volume"));
        }
        let reduced = built.largest_gap.map(|gap| HullReduced {
            vertices: built.vertices.len(),
            largest_gap: gap,
        });
        Ok((
            ConvexHull {
                vertices: built.vertices,
                faces: built.faces,
                face_vertices: built.face_vertices,
                edges: built.edges,
                volume,
                first_moment,
                second_moment,
            },
            reduced,
        ))
    }

    pub fn vertices(&self) -> &[Vec3] {
        &self.vertices
    }

    pub fn faces(&self) -> &[HullFace] {
        &self.faces
    }

    /// Every face's vertex loop, one after another (see [`HullFace::first`]).
    pub fn face_vertices(&self) -> &[u32] {
        &self.face_vertices
    }

    /// The vertex indices of face `f`, counter-clockwise seen from outside.
    pub fn face_loop(&self, f: usize) -> &[u32] {
        let face = &self.faces[f];
        &self.face_vertices[face.first as usize..(face.first + face.count) as usize]
    }

    pub fn edges(&self) -> &[HullEdge] {
        &self.edges
    }

    /// Volume of the hull scaled by `scale` along its local axes.
    pub fn volume(&self, scale: Vec3) -> f32 {
        self.volume * scale.x * scale.y * scale.z
    }

    /// Centroid of the scaled hull.
    pub fn centroid(&self, scale: Vec3) -> Vec3 {
        scale * self.first_moment / self.volume
    }

    /// Second moment ∫x xᵀ dV of the scaled hull about its local origin: for x = S y,
    /// ∫ x xᵀ dV = det S · S (∫ y yᵀ dV) S.
    pub fn second_moment(&self, scale: Vec3) -> Mat3 {
        let s = Mat3::from_diagonal(scale);
        s * self.second_moment * s * (scale.x * scale.y * scale.z)
    }

    /// The farthest any vertex of the scaled hull lies from the local origin.
    pub fn bounding_radius(&self, scale: Vec3) -> f32 {
        self.vertices
            .iter()
            .map(|v| (*v * scale).length())
            .fold(0.0, f32::max)
    }

    /// The farthest extent of the scaled hull along `direction` (in the hull's frame):
    /// max over vertices of `direction · (scale ∘ v)`.
    pub fn support(&self, scale: Vec3, direction: Vec3) -> f32 {
        let d = direction * scale;
        self.vertices
            .iter()
            .map(|v| v.dot(d))
            .fold(f32::NEG_INFINITY, f32::max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn box_corners(h: Vec3) -> Vec<Vec3> {
        let mut v = Vec::new();
        for i in 0..8 {
            v.push(Vec3::new(
                if i & 1 == 0 { -h.x } else { h.x },
                if i & 2 == 0 { -h.y } else { h.y },
                if i & 4 == 0 { -h.z } else { h.z },
            ));
        }
        v
    }

    #[test]
    fn a_box_has_six_quadrilaterals_and_twelve_edges() {
        let (hull, warning) = ConvexHull::from_points(&box_corners(Vec3::ONE), 64).unwrap();
        assert!(warning.is_none());
        assert_eq!(hull.vertices().len(), 8);
        assert_eq!(hull.faces().len(), 6);
        assert!(hull.faces().iter().all(|f| f.count == 4));
        assert_eq!(hull.edges().len(), 12);
        for f in 0..6 {
            let face = hull.faces()[f];
            for &v in hull.face_loop(f) {
                let d = face.normal.dot(hull.vertices()[v as usize]) - face.offset;
                assert!(d.abs() < 1e-6);
            }
        }
        // Each edge's faces hold it in opposite directions.
        for e in hull.edges() {
            for (k, &f) in e.faces.iter().enumerate() {
                let l = hull.face_loop(f as usize);
                let (a, b) = if k == 0 {
                    (e.vertices[0], e.vertices[1])
                } else {
                    (e.vertices[1], e.vertices[0])
                };
                let found = (0..l.len()).any(|i| l[i] == a && l[(i + 1) % l.len()] == b);
                assert!(found, "{e:?}");
            }
        }
    }

    #[test]
    fn point_order_and_interior_points_do_not_change_the_hull() {
        let mut points = box_corners(Vec3::new(0.3, 0.2, 0.1));
        points.push(Vec3::ZERO);
        points.push(Vec3::new(0.1, 0.05, 0.0));
        let (a, _) = ConvexHull::from_points(&points, 64).unwrap();
        points.reverse();
        points.rotate_left(3);
        let (b, _) = ConvexHull::from_points(&points, 64).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn degenerate_clouds_are_refused() {
        let flat = [
            Vec3::ZERO,
            Vec3::X,
            Vec3::Y,
            Vec3::new(1.0, 1.0, 0.0),
            Vec3::new(0.5, 0.2, 0.0),
        ];
        assert!(matches!(
            ConvexHull::from_points(&flat, 64),
            Err(HullError::Degenerate(_))
        ));
        let line = [Vec3::ZERO, Vec3::X, Vec3::X * 2.0, Vec3::X * 3.0];
        assert!(matches!(
            ConvexHull::from_points(&line, 64),
            Err(HullError::Degenerate(_))
        ));
        let spot = [Vec3::ONE; 5];
        assert!(matches!(
            ConvexHull::from_points(&spot, 64),
            Err(HullError::Degenerate(_))
        ));
        assert!(matches!(
            ConvexHull::from_points(&flat[..3], 64),
            Err(HullError::TooFewPoints(3))
        ));
        let mut bad = box_corners(Vec3::ONE);
        bad[5].y = f32::NAN;
        assert!(matches!(
            ConvexHull::from_points(&bad, 64),
            Err(HullError::NonFinite { index: 5, .. })
        ));
    }

    #[test]
    fn many_points_are_capped_with_a_warning() {
        let points = crate::hull_mass::tests::sphere_points(500, 1.0);
        let (hull, warning) = ConvexHull::from_points(&points, 200).unwrap();
        assert_eq!(hull.vertices().len(), MAX_HULL_VERTICES);
        let w = warning.expect("reduced");
        assert_eq!(w.vertices, MAX_HULL_VERTICES);
        assert!(w.largest_gap > 0.0 && w.largest_gap < 0.2, "{w}");
        let (small, warning) = ConvexHull::from_points(&points, 12).unwrap();
        assert_eq!(small.vertices().len(), 12);
        assert!(warning.is_some());
        // Euler: V − E + F = 2.
        let (v, e, f) = (
            hull.vertices().len(),
            hull.edges().len(),
            hull.faces().len(),
        );
        assert_eq!(v + f, e + 2);
    }

    #[test]
    fn serde_keeps_the_hull() {
        let (hull, _) = ConvexHull::from_points(&box_corners(Vec3::ONE), 64).unwrap();
        let json = serde_json_like(&hull);
        assert_eq!(json, hull);
    }

    /// Round trip through the stored form, without a JSON crate here.
    fn serde_json_like(hull: &ConvexHull) -> ConvexHull {
        ConvexHull::try_from(HullPoints::from(hull.clone())).unwrap()
    }

    /// Awkward clouds (grids with many coplanar and collinear points, duplicates, a thin
    /// slab, random clouds) give a closed hull (V − E + F = 2, every vertex on or inside
    /// every face plane) or an error, never a panic.
    #[test]
    fn awkward_clouds_give_closed_hulls_or_errors() {
        let mut clouds: Vec<Vec<Vec3>> = Vec::new();
        let grid = |n: i32, z: f32| -> Vec<Vec3> {
            let mut g = Vec::new();
            for i in 0..n {
                for j in 0..n {
                    for k in 0..n {
                        g.push(Vec3::new(i as f32, j as f32, k as f32 * z));
                    }
                }
            }
            g
        };
        clouds.push(grid(4, 1.0));
        clouds.push(grid(5, 1e-3));
        let mut dup = box_corners(Vec3::ONE);
        dup.extend(box_corners(Vec3::ONE));
        clouds.push(dup);
        let mut state = 12345u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 40) as f32 / (1u64 << 24) as f32) - 0.5
        };
        for n in [4, 5, 8, 20, 100, 300] {
            for _ in 0..10 {
                clouds.push((0..n).map(|_| Vec3::new(next(), next(), next())).collect());
            }
        }
        for (c, cloud) in clouds.iter().enumerate() {
            let Ok((hull, _)) = ConvexHull::from_points(cloud, 64) else {
                continue;
            };
            let (v, e, f) = (
                hull.vertices().len(),
                hull.edges().len(),
                hull.faces().len(),
            );
            assert_eq!(v + f, e + 2, "cloud {c}");
            for face in hull.faces() {
                for p in hull.vertices() {
                    assert!(face.normal.dot(*p) - face.offset < 1e-4, "cloud {c}");
                }
            }
            assert!(hull.volume(Vec3::ONE) > 0.0, "cloud {c}");
        }
    }
}
