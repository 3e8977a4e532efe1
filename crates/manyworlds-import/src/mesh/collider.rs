//! THE place collision meshes become colliders: each object of a mesh file, at one scale,
//! becomes a convex hull, built once per load and shared by every geom that names it. A
//! mesh that is not convex collides as its hull, as in MuJoCo.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use glam::Vec3;
use manyworlds_core::{ConvexHull, HullId, SceneBuilder, MAX_HULL_VERTICES};

use crate::Warnings;

/// How far inside its hull a vertex must lie, relative to the mesh's size, for the mesh to
/// count as not convex: a convex mesh's vertices sit on its hull's faces up to round-off.
const INSIDE_TOLERANCE: f32 = 1e-4;

/// The hulls one load has built, in the order the scene will hold them.
#[derive(Default)]
pub struct MeshHulls {
    hulls: Vec<ConvexHull>,
    /// (file, scale's bits) → the hull of each of its objects.
    built: HashMap<(PathBuf, [u32; 3]), Vec<HullId>>,
}

impl MeshHulls {
    /// The hulls built so far, indexed by [`HullId`].
    pub fn hulls(&self) -> &[ConvexHull] {
        &self.hulls
    }

    /// The hull of each of `objects`: the vertices (metres, in the geom's frame) of the
    /// objects of the mesh at `file` scaled by `scale`; built on first use, the same ids
    /// after. Warns, naming the file, when the mesh is not convex and when a hull is held to
    /// [`MAX_HULL_VERTICES`]. An object without a hull (fewer than four points, or all on a
    /// plane) is the error, naming the file and the mesh's size.
    pub fn of(
        &mut self,
        file: &Path,
        scale: Vec3,
        objects: &[Vec<Vec3>],
        warnings: &mut Warnings,
    ) -> Result<Vec<HullId>, String> {
        let key = (file.to_path_buf(), scale.to_array().map(f32::to_bits));
        if let Some(ids) = self.built.get(&key) {
            return Ok(ids.clone());
        }
        let mut built = Vec::with_capacity(objects.len());
        let mut inside = 0;
        let mut reduced = Vec::new();
        for (k, points) in objects.iter().enumerate() {
            let (hull, cut) =
                ConvexHull::from_points(points, MAX_HULL_VERTICES).map_err(|error| {
                    let object = match objects.len() {
                        1 => String::new(),
                        n => format!(" (object {} of {n})", k + 1),
                    };
                    format!(
                        "{}{object}: {}: no convex hull: {error}",
                        file.display(),
                        summary(points)
                    )
                })?;
            inside += vertices_inside(&hull, points);
            reduced.extend(cut);
            built.push(hull);
        }
        let vertices: usize = objects.iter().map(Vec::len).sum();
        if inside > 0 {
            warnings.add(format!(
                "collision mesh {} is not convex ({inside} of its {vertices} vertices lie inside its hull): it collides as its convex hull",
                file.display()
            ));
        }
        if let Some(gap) = reduced.iter().map(|r| r.largest_gap).reduce(f32::max) {
            warnings.add(format!(
                "collision mesh {}: {} of {} convex hulls reduced to {MAX_HULL_VERTICES} vertices: points lie up to {gap:.3e} m outside them",
                file.display(),
                reduced.len(),
                objects.len()
            ));
        }
        let first = self.hulls.len() as u32;
        let ids: Vec<HullId> = (first..first + built.len() as u32).map(HullId).collect();
        self.hulls.extend(built);
        self.built.insert(key, ids.clone());
        Ok(ids)
    }

    /// Moves the hulls into `builder`, which must hold none yet, so every id stays right.
    pub fn add_to(self, builder: &mut SceneBuilder) {
        for (k, hull) in self.hulls.into_iter().enumerate() {
            let id = builder.add_hull(hull);
            assert_eq!(id, HullId(k as u32), "the builder held hulls already");
        }
    }
}

/// How many of `points` lie strictly inside `hull` (deeper than the tolerance below every
/// face).
fn vertices_inside(hull: &ConvexHull, points: &[Vec3]) -> usize {
    let (low, high) = bounds(points);
    let tolerance = INSIDE_TOLERANCE * (high - low).length();
    points
        .iter()
        .filter(|&&p| {
            hull.faces()
                .iter()
                .all(|f| f.normal.dot(p) - f.offset < -tolerance)
        })
        .count()
}

fn bounds(points: &[Vec3]) -> (Vec3, Vec3) {
    points.iter().fold(
        (Vec3::splat(f32::INFINITY), Vec3::splat(f32::NEG_INFINITY)),
        |(low, high), &p| (low.min(p), high.max(p)),
    )
}

/// "N vertices read, X x Y x Z m": what was read of a mesh, for errors.
fn summary(points: &[Vec3]) -> String {
    let (low, high) = bounds(points);
    let size = (high - low).max(Vec3::ZERO);
    format!(
        "{} vertices read, {:.4} x {:.4} x {:.4} m",
        points.len(),
        size.x,
        size.y,
        size.z
    )
}
