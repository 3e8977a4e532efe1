//! THE place a collision mesh becomes a collider: the one function to change when convex
//! hulls arrive.

use glam::Vec3;
use manyworlds_core::Shape;

/// Why a mesh cannot be a collider yet.
pub const NO_HULLS: &str = "mesh collision shapes need convex hulls: not yet supported";

/// The collision shape of a mesh's `points` (metres, in the geom's frame), read from the
/// file shown as `file`. Called only once the file was found and read, so a missing or
/// garbled mesh is reported as such first.
pub fn mesh_collider(points: &[Vec3], file: &std::path::Path) -> Result<Shape, String> {
    // The convex hull of `points` goes here.
    let (low, high) = points.iter().fold(
        (Vec3::splat(f32::INFINITY), Vec3::splat(f32::NEG_INFINITY)),
        |(low, high), &p| (low.min(p), high.max(p)),
    );
    let size = high - low;
    Err(format!(
        "{NO_HULLS} ({}: {} vertices read, {:.4} x {:.4} x {:.4} m)",
        file.display(),
        points.len(),
        size.x,
        size.y,
        size.z
    ))
}
