//! Wavefront OBJ files through the `tobj` crate: the positions of each object's faces
//! (materials are not read), object by object, as V-HACD writes a convex decomposition.

use std::io::Cursor;

use glam::Vec3;

pub fn vertices(bytes: &[u8]) -> Result<Vec<Vec<Vec3>>, String> {
    let mut reader = Cursor::new(bytes);
    let options = tobj::LoadOptions {
        ignore_points: true,
        ignore_lines: true,
        ..tobj::LoadOptions::default()
    };
    // Material libraries are never opened: the loader answers every one as missing.
    let (models, _) = tobj::load_obj_buf(&mut reader, &options, |_| {
        Err(tobj::LoadError::OpenFileFailed)
    })
    .map_err(|e| format!("not a valid OBJ file: {e}"))?;
    Ok(models
        .iter()
        .map(|m| {
            m.mesh
                .positions
                .chunks_exact(3)
                .map(|p| Vec3::new(p[0], p[1], p[2]))
                .collect()
        })
        .collect())
}
