//! Collision meshes: the vertices of STL (binary and ASCII) and Wavefront OBJ files, in
//! metres with the model's scale applied. Only the points a collider needs are read (no
//! normals, faces, materials or textures); visual meshes are never read.
//!
//! `MeshFiles` reads each file once per load through the load's file access (confined,
//! within budget); [`MeshHulls`] turns the points into convex hulls, each built once.

mod collider;
mod files;
mod obj;
mod stl;

pub use collider::MeshHulls;
pub(crate) use files::{MeshFiles, MeshSource};

use glam::Vec3;

/// A mesh file's format, from its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MeshFormat {
    Stl,
    Obj,
}

impl MeshFormat {
    /// The format of a file named `written` (extension, any case), or why it is not read.
    pub fn of(written: &str) -> Result<Self, String> {
        let extension = std::path::Path::new(written)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("stl") => Ok(MeshFormat::Stl),
            Some("obj") => Ok(MeshFormat::Obj),
            Some(other) => Err(format!(
                "a .{other} mesh cannot be read (collision meshes may be .stl or .obj)"
            )),
            None => Err("no file extension (collision meshes may be .stl or .obj)".into()),
        }
    }
}

/// The vertices of a mesh file's bytes, as written (before scaling), one list per object
/// (an STL file is one object; an OBJ file has one per `o` or `g`, as V-HACD writes the
/// convex pieces of a decomposition). Objects without vertices are left out; the rest are
/// non-empty and finite.
pub fn read_vertices(bytes: &[u8], format: MeshFormat) -> Result<Vec<Vec<Vec3>>, String> {
    let mut objects = match format {
        MeshFormat::Stl => vec![stl::vertices(bytes)?],
        MeshFormat::Obj => obj::vertices(bytes)?,
    };
    objects.retain(|points| !points.is_empty());
    if objects.is_empty() {
        return Err("the mesh has no vertices".into());
    }
    if let Some(p) = objects.iter().flatten().find(|p| !p.is_finite()) {
        return Err(format!("a vertex is not finite ({p})"));
    }
    Ok(objects)
}

/// `points` scaled by `scale` (per axis; negative mirrors), refused when a point overflows.
pub fn scaled(points: &[Vec3], scale: Vec3) -> Result<Vec<Vec3>, String> {
    let out: Vec<Vec3> = points.iter().map(|&p| p * scale).collect();
    if out.iter().any(|p| !p.is_finite()) {
        return Err(format!("scale {scale} makes a vertex overflow"));
    }
    Ok(out)
}
