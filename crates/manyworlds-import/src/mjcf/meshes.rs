//! MJCF mesh assets: `<asset><mesh name file scale>`, their files found in
//! `<compiler meshdir>` (else `assetdir`, else the model's folder) and read when a collision
//! geom uses them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use glam::Vec3;

use crate::attributes::Attributes;
use crate::document::Element;
use crate::error::{ImportError, Problem};
use crate::mesh::{MeshFiles, MeshSource};

/// A declared mesh: its `<mesh>` element (for errors), file and scale.
struct MeshAsset {
    element: Element,
    file: String,
    scale: Vec3,
}

/// The meshes a model declares, read on demand.
pub struct MeshAssets<'a> {
    files: MeshFiles<'a>,
    /// The folder relative mesh files are in (absolute).
    folder: PathBuf,
    assets: HashMap<String, MeshAsset>,
}

impl<'a> MeshAssets<'a> {
    /// The meshes declared in `root`'s `<asset>` sections; `mesh_dir` is the compiler's
    /// `meshdir` (or `assetdir`), relative to the model's folder.
    pub fn new(
        root: &Element,
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
            let a = Attributes::new(mesh, &[]);
            let Some(file) = a.get("file") else {
                continue; // a mesh given by its vertices in the file: not read yet
            };
            let name = match a.get("name") {
                Some(name) => name.to_string(),
                None => Path::new(file)
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or(file)
                    .to_string(),
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
                file: file.to_string(),
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
        })
    }

    /// The vertices (metres, scaled) of mesh `name` and the path its file was found at; a
    /// missing asset is an error at `geom`, an unreadable file at the asset.
    pub fn vertices(
        &mut self,
        name: &str,
        geom: &Element,
    ) -> Result<(PathBuf, Vec<Vec3>), ImportError> {
        let asset = self.assets.get(name).ok_or_else(|| {
            geom.error(Problem::MissingReference {
                what: "mesh",
                name: name.into(),
            })
        })?;
        let source = MeshSource::Path {
            written: &asset.file,
            folder: &self.folder,
        };
        self.files
            .vertices(&source, asset.scale)
            .map_err(|problem| asset.element.error(problem))
    }
}
