//! MJCF mesh assets: `<asset><mesh name file scale>`, their files found in
//! `<compiler meshdir>` (else `assetdir`, else the model's folder) and read when a collision
//! geom uses them, or `<mesh name vertex scale>` given in the model; a mesh takes its
//! class's `<default><mesh scale>`. A mesh is one object, as in MuJoCo: the objects of an
//! OBJ file are taken together, and the geom collides as the convex hull of them all.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use glam::Vec3;

use super::defaults::{Defaults, MAIN};
use crate::attributes::Attributes;
use crate::document::Element;
use crate::error::{ImportError, Problem};
use crate::mesh::{scaled, MeshFiles, MeshHulls, MeshSource};

/// Where a declared mesh's vertices are.
enum Points {
    File(String),
    /// Given in the model (`vertex`), unscaled.
    Inline(Vec<Vec3>),
}

/// A declared mesh: its `<mesh>` element (for errors), vertices and scale.
struct MeshAsset {
    element: Element,
    points: Points,
    scale: Vec3,
}

/// The meshes a model declares, read on demand.
pub struct MeshAssets<'a> {
    files: MeshFiles<'a>,
    /// The folder relative mesh files are in (absolute).
    folder: PathBuf,
    assets: HashMap<String, MeshAsset>,
    /// The hulls of the meshes collision geoms use.
    pub hulls: MeshHulls,
}

impl<'a> MeshAssets<'a> {
    /// The meshes declared in `root`'s `<asset>` sections; `mesh_dir` is the compiler's
    /// `meshdir` (or `assetdir`), relative to the model's folder.
    pub fn new(
        root: &Element,
        defaults: &Defaults,
        mesh_dir: Option<&str>,
        files: MeshFiles<'a>,
    ) -> Result<Self, ImportError> {
        let folder = match mesh_dir {
            Some(dir) => files.model_folder().join(dir),
            None => files.model_folder().to_path_buf(),
        };
        let mut assets = HashMap::new();
        for mesh in root
            .children_named("asset")
            .flat_map(|a| a.children_named("mesh"))
        {
            // `<default><mesh scale>` applies, by the mesh's class.
            let class = defaults.class_of(mesh, MAIN)?;
            let a = Attributes::new(mesh, defaults.values(class, "mesh"));
            let points = match (a.get("file"), a.numbers("vertex")?) {
                (Some(file), None) => Points::File(file.to_string()),
                (None, Some(v)) if !v.is_empty() && v.len() % 3 == 0 => Points::Inline(
                    v.chunks_exact(3)
                        .map(|p| Vec3::new(p[0] as f32, p[1] as f32, p[2] as f32))
                        .collect(),
                ),
                (None, Some(_)) => {
                    return Err(mesh.error(Problem::BadValue {
                        attribute: "vertex".into(),
                        value: a.get("vertex").unwrap_or("").into(),
                        expected: "x y z triples".into(),
                    }))
                }
                _ => {
                    return Err(mesh.error(Problem::Invalid(
                        "a mesh needs either `file` or `vertex`".into(),
                    )))
                }
            };
            let name = match (a.get("name"), &points) {
                (Some(name), _) => name.to_string(),
                (None, Points::File(file)) => Path::new(file)
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or(file)
                    .to_string(),
                (None, Points::Inline(_)) => {
                    return Err(mesh.error(Problem::MissingAttribute("name")))
                }
            };
            let scale = a.vec3("scale")?.unwrap_or(Vec3::ONE);
            if scale.cmpeq(Vec3::ZERO).any() {
                return Err(mesh.error(Problem::BadValue {
                    attribute: "scale".into(),
                    value: a.get("scale").unwrap_or("").into(),
                    expected: "three non-zero factors".into(),
                }));
            }
            let asset = MeshAsset {
                element: mesh.clone(),
                points,
                scale,
            };
            if assets.insert(name.clone(), asset).is_some() {
                return Err(mesh.error(Problem::Invalid(format!("a second mesh named \"{name}\""))));
            }
        }
        Ok(MeshAssets {
            files,
            folder,
            assets,
            hulls: MeshHulls::default(),
        })
    }

    /// The vertices (metres, scaled) of mesh `name`, the path its file was found at and its
    /// scale; a missing asset is an error at `geom`, an unreadable file at the asset.
    pub fn vertices(
        &mut self,
        name: &str,
        geom: &Element,
    ) -> Result<(PathBuf, Vec3, Vec<Vec3>), ImportError> {
        let asset = self.assets.get(name).ok_or_else(|| {
            geom.error(Problem::MissingReference {
                what: "mesh",
                name: name.into(),
            })
        })?;
        let file = match &asset.points {
            Points::File(file) => file,
            Points::Inline(points) => {
                let scaled = scaled(points, asset.scale).map_err(|message| {
                    asset.element.error(Problem::Mesh {
                        path: name.into(),
                        message,
                    })
                })?;
                let shown = PathBuf::from(format!("<mesh name=\"{name}\">"));
                return Ok((shown, asset.scale, scaled));
            }
        };
        let source = MeshSource::Path {
            written: file,
            folder: &self.folder,
        };
        let (shown, objects) = self
            .files
            .vertices(&source, asset.scale)
            .map_err(|problem| asset.element.error(problem))?;
        Ok((shown, asset.scale, objects.concat()))
    }
}
