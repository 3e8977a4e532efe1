//! `run --out DIR`: trajectories of chosen fields as `.npy` files (numpy's format 1.0,
//! little-endian f32, C order, shape `[frames, worlds, …]`) and a JSON manifest.
//!
//! Each file's header gives the frame count with a fixed width, and is rewritten after the
//! frames it counts are written: a run stopped at any moment (Ctrl-C, SIGKILL) leaves files
//! numpy loads, holding the frames finished by then (a frame being written past them is
//! ignored by `np.load`). `manifest.json` is written whole and renamed into place, last; its
//! `frames` never exceeds the files', and `complete` says whether the run ended.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use manyworlds::{Sim, SimError};
use serde_json::{json, Value};

use crate::error::CliError;

/// A field of the state that `--fields` can record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Field {
    /// Body frames' positions, `[worlds, bodies, 3]`.
    Positions,
    /// Body orientations as quaternions (x, y, z, w), `[worlds, bodies, 4]`.
    Orientations,
    /// Centre-of-mass velocities, `[worlds, bodies, 3]`.
    LinearVelocities,
    /// `[worlds, bodies, 3]`.
    AngularVelocities,
    /// Joint positions (a hinge's angle counts turns), `[worlds, q]`.
    Q,
    /// Joint velocities, `[worlds, q̇]`.
    Qd,
    /// The controls of the step just taken (zero before the first), `[worlds, actuators]`.
    Controls,
}

impl Field {
    pub fn name(self) -> &'static str {
        match self {
            Field::Positions => "positions",
            Field::Orientations => "orientations",
            Field::LinearVelocities => "linear_velocities",
            Field::AngularVelocities => "angular_velocities",
            Field::Q => "q",
            Field::Qd => "qd",
            Field::Controls => "controls",
        }
    }

    /// One frame's shape: worlds first.
    fn frame_shape(self, sim: &Sim) -> Vec<usize> {
        let (worlds, scene) = (sim.world_count(), sim.scene());
        let bodies = sim.stride();
        match self {
            Field::Positions | Field::LinearVelocities | Field::AngularVelocities => {
                vec![worlds, bodies, 3]
            }
            Field::Orientations => vec![worlds, bodies, 4],
            Field::Q => vec![worlds, scene.joint_position_count()],
            Field::Qd => vec![worlds, scene.joint_velocity_count()],
            Field::Controls => vec![worlds, scene.actuators().len()],
        }
    }
}

/// Width of the frame count in a header: room for any u64.
const FRAME_DIGITS: usize = 20;

/// numpy's header for `frames` × `frame_shape` f32, padded so the data starts on a multiple
/// of 64 bytes; its length does not depend on `frames`.
fn npy_header(frames: u64, frame_shape: &[usize]) -> Vec<u8> {
    let rest: String = frame_shape.iter().map(|d| format!(", {d}")).collect();
    let dict = format!(
        "{{'descr': '<f4', 'fortran_order': False, 'shape': ({frames:>FRAME_DIGITS$}{rest}), }}"
    );
    // Magic (6), version (2), header length (2), the dict, spaces, a newline.
    let unpadded = 10 + dict.len() + 1;
    let length = unpadded.div_ceil(64) * 64;
    let mut header = b"\x93NUMPY\x01\x00".to_vec();
    header.extend_from_slice(&((length - 10) as u16).to_le_bytes());
    header.extend_from_slice(dict.as_bytes());
    header.resize(length - 1, b' ');
    header.push(b'\n');
    header
}

struct FieldFile {
    field: Field,
    path: PathBuf,
    file: BufWriter<File>,
    frame_shape: Vec<usize>,
}

/// The files of one `run --out`.
pub struct TrajectoryWriter {
    dir: PathBuf,
    files: Vec<FieldFile>,
    frames: u64,
    manifest: Value,
    /// Reused readback buffers.
    vectors: Vec<f32>,
    bytes: Vec<u8>,
}

fn io_error(path: &Path, error: std::io::Error) -> CliError {
    CliError::Trajectory {
        path: path.to_path_buf(),
        message: error.to_string(),
    }
}

impl TrajectoryWriter {
    /// Creates `dir` (and its parents) with an empty file per field; `every`: steps per
    /// frame.
    pub fn create(
        dir: &Path,
        fields: &[Field],
        sim: &Sim,
        scene_name: &str,
        every: u32,
    ) -> Result<TrajectoryWriter, CliError> {
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
        let mut files = Vec::new();
        let mut described = serde_json::Map::new();
        let mut seen = Vec::new();
        for &field in fields {
            if seen.contains(&field) {
                continue;
            }
            seen.push(field);
            let path = dir.join(format!("{}.npy", field.name()));
            let frame_shape = field.frame_shape(sim);
            let mut file = BufWriter::new(File::create(&path).map_err(|e| io_error(&path, e))?);
            file.write_all(&npy_header(0, &frame_shape))
                .map_err(|e| io_error(&path, e))?;
            described.insert(
                field.name().to_string(),
                json!({
                    "file": format!("{}.npy", field.name()),
                    "dtype": "float32",
                    "frame_shape": frame_shape,
                }),
            );
            files.push(FieldFile {
                field,
                path,
                file,
                frame_shape,
            });
        }
        let scene = sim.scene();
        let manifest = json!({
            "format": "manyworlds-trajectory",
            "version": 1,
            "scene": scene_name,
            "backend": sim.backend().to_string(),
            "worlds": sim.world_count(),
            "dt": sim.params().dt,
            "steps_per_frame": every,
            "frame_time": "frame k is the state after k × steps_per_frame steps (frame 0: the start)",
            "bodies": scene.bodies().iter().map(|b| b.name.clone()).collect::<Vec<_>>(),
            "joints": scene.joints().iter().map(|j| j.name.clone()).collect::<Vec<_>>(),
            "actuators": scene.actuators().iter().map(|a| a.name.clone()).collect::<Vec<_>>(),
            "fields": described,
            "frames": 0,
            "complete": false,
        });
        let mut writer = TrajectoryWriter {
            dir: dir.to_path_buf(),
            files,
            frames: 0,
            manifest,
            vectors: Vec::new(),
            bytes: Vec::new(),
        };
        writer.write_manifest(false)?;
        Ok(writer)
    }

    /// Appends one frame of every field: the state now, and `controls` (the last step's).
    pub fn record(&mut self, sim: &mut Sim, controls: &[f32]) -> Result<(), CliError> {
        for i in 0..self.files.len() {
            let field = self.files[i].field;
            let size: usize = self.files[i].frame_shape.iter().product();
            self.vectors.clear();
            match field {
                Field::Positions => extend3(&mut self.vectors, sim.positions()?),
                Field::LinearVelocities => extend3(&mut self.vectors, sim.linear_velocities()?),
                Field::AngularVelocities => extend3(&mut self.vectors, sim.angular_velocities()?),
                Field::Orientations => {
                    for q in sim.orientations()? {
                        self.vectors.extend_from_slice(&q.to_array());
                    }
                }
                Field::Q | Field::Qd => {
                    self.vectors.resize(size, 0.0);
                    let read: Result<(), SimError> = if field == Field::Q {
                        sim.joint_positions(&mut self.vectors)
                    } else {
                        sim.joint_velocities(&mut self.vectors)
                    };
                    read?;
                }
                Field::Controls => {
                    self.vectors.extend_from_slice(controls);
                    self.vectors.resize(size, 0.0);
                }
            }
            self.bytes.clear();
            for v in &self.vectors {
                self.bytes.extend_from_slice(&v.to_le_bytes());
            }
            let file = &mut self.files[i];
            file.file
                .write_all(&self.bytes)
                .map_err(|e| io_error(&file.path, e))?;
        }
        self.frames += 1;
        Ok(())
    }

    /// Makes the frames so far count: the data out, the headers rewritten, then the
    /// manifest.
    pub fn flush(&mut self) -> Result<(), CliError> {
        self.settle()?;
        self.write_manifest(false)
    }

    /// Flushes and marks the trajectory complete.
    pub fn finish(mut self) -> Result<u64, CliError> {
        self.settle()?;
        self.write_manifest(true)?;
        Ok(self.frames)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn settle(&mut self) -> Result<(), CliError> {
        for f in &mut self.files {
            let header = npy_header(self.frames, &f.frame_shape);
            let path = f.path.clone();
            let fail = |e| io_error(&path, e);
            f.file.flush().map_err(fail)?;
            let file = f.file.get_mut();
            file.seek(SeekFrom::Start(0)).map_err(fail)?;
            file.write_all(&header).map_err(fail)?;
            file.seek(SeekFrom::End(0)).map_err(fail)?;
        }
        Ok(())
    }

    fn write_manifest(&mut self, complete: bool) -> Result<(), CliError> {
        self.manifest["frames"] = json!(self.frames);
        self.manifest["complete"] = json!(complete);
        let path = self.dir.join("manifest.json");
        let temporary = self.dir.join(".manifest.json.partial");
        let text = serde_json::to_string_pretty(&self.manifest).map_err(CliError::Json)?;
        std::fs::write(&temporary, text).map_err(|e| io_error(&temporary, e))?;
        std::fs::rename(&temporary, &path).map_err(|e| io_error(&path, e))
    }
}

fn extend3(out: &mut Vec<f32>, values: &[manyworlds::Vec3]) {
    for v in values {
        out.extend_from_slice(&v.to_array());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_keep_their_length_and_align_the_data() {
        let small = npy_header(0, &[4, 13, 3]);
        let large = npy_header(u64::MAX, &[4, 13, 3]);
        assert_eq!(small.len(), large.len());
        assert_eq!(small.len() % 64, 0);
        let text = String::from_utf8_lossy(&large[10..]);
        assert!(
            text.contains(&format!("'shape': ({}, 4, 13, 3)", u64::MAX)),
            "{text}"
        );
        assert!(text.ends_with('\n'));
    }
}
