//! Mesh files read through one load's [`FileAccess`]: found, confined, within budget, each
//! read once however many geoms name it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use glam::Vec3;

use super::{read_vertices, scaled, MeshFormat};
use crate::error::Problem;
use crate::file_access::FileAccess;

/// Where a mesh file is, as the model names it.
pub enum MeshSource<'a> {
    /// A path relative to `folder` (else to a search path), or absolute.
    Path { written: &'a str, folder: &'a Path },
    /// `rest` below a package's root folder (a URDF `package://` reference, `written`).
    Package {
        written: &'a str,
        root: PathBuf,
        rest: &'a str,
    },
}

/// The mesh files one load has read.
pub struct MeshFiles<'a> {
    access: &'a mut FileAccess,
    /// Unscaled vertices of each object, by the path the file was found at.
    read: HashMap<PathBuf, Rc<Vec<Vec<Vec3>>>>,
}

impl<'a> MeshFiles<'a> {
    pub fn new(access: &'a mut FileAccess) -> Self {
        MeshFiles {
            access,
            read: HashMap::new(),
        }
    }

    /// The model's folder, absolute.
    pub fn model_folder(&self) -> &Path {
        self.access.model_folder()
    }

    /// The vertices of each object of the mesh at `source`, scaled, and the path it was
    /// found at; the problem names the file as the model wrote it.
    pub fn vertices(
        &mut self,
        source: &MeshSource,
        scale: Vec3,
    ) -> Result<(PathBuf, Vec<Vec<Vec3>>), Problem> {
        let written = match source {
            MeshSource::Path { written, .. } | MeshSource::Package { written, .. } => *written,
        };
        let garbled = |shown: &Path, message: String| Problem::Mesh {
            path: written.to_string(),
            message: format!("{}: {message}", shown.display()),
        };
        let format = MeshFormat::of(written).map_err(|message| Problem::Mesh {
            path: written.to_string(),
            message,
        })?;
        let shown = match source {
            MeshSource::Path { written, folder } => folder.join(written),
            MeshSource::Package { root, rest, .. } => root.join(rest),
        };
        let points = match self.read.get(&shown) {
            Some(points) => points.clone(),
            None => {
                let file = match source {
                    MeshSource::Path { written, folder } => {
                        self.access.read_named(written, folder)?
                    }
                    MeshSource::Package {
                        written,
                        root,
                        rest,
                    } => self.access.read_below(root, rest, written)?,
                };
                let points = Rc::new(
                    read_vertices(&file.bytes, format).map_err(|m| garbled(&file.shown, m))?,
                );
                self.read.insert(shown.clone(), points.clone());
                points
            }
        };
        let points = points
            .iter()
            .map(|object| scaled(object, scale))
            .collect::<Result<_, _>>()
            .map_err(|m| garbled(&shown, m))?;
        Ok((shown, points))
    }
}
