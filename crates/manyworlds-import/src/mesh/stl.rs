//! STL files, binary or ASCII, through the `stl_io` crate: the distinct vertices of the
//! triangles.

use std::io::Cursor;

use glam::Vec3;

pub fn vertices(bytes: &[u8]) -> Result<Vec<Vec3>, String> {
    let mut reader = Cursor::new(bytes);
    let mesh = stl_io::read_stl(&mut reader).map_err(|e| format!("not a valid STL file: {e}"))?;
    Ok(mesh
        .vertices
        .iter()
        .map(|v| Vec3::new(v[0], v[1], v[2]))
        .collect())
}
