//! MJCF frames: `pos` and one of `quat`, `axisangle`, `euler`, `xyaxes`, `zaxis`, read with
//! the `<compiler>`'s angle unit and Euler sequence.

use glam::{Mat3, Quat, Vec3};
use manyworlds_core::Pose;

use crate::attributes::{to_vec3, Attributes};
use crate::error::{ImportError, Problem};

/// The `<compiler>` settings that change how numbers are read.
#[derive(Clone, Debug)]
pub struct AngleConvention {
    /// Radians per unit of the file's angles (π/180 for `angle="degree"`, MJCF's default).
    pub radians_per_unit: f64,
    /// Three of `xyzXYZ`: lowercase axes turn with the frame (intrinsic), uppercase stay
    /// fixed (extrinsic).
    pub euler_sequence: [u8; 3],
}

impl Default for AngleConvention {
    fn default() -> Self {
        Self {
            radians_per_unit: std::f64::consts::PI / 180.0,
            euler_sequence: *b"xyz",
        }
    }
}

const ORIENTATIONS: [&str; 5] = ["quat", "axisangle", "euler", "xyaxes", "zaxis"];

impl AngleConvention {
    pub fn angle(&self, value: f64) -> f32 {
        (value * self.radians_per_unit) as f32
    }

    /// The frame an element sets with `pos` and its orientation attributes (identity and
    /// origin where absent).
    pub fn pose(&self, a: &Attributes) -> Result<Pose, ImportError> {
        let position = a.vec3("pos")?.unwrap_or(Vec3::ZERO);
        Ok(Pose::new(position, self.orientation(a)?))
    }

    pub fn orientation(&self, a: &Attributes) -> Result<Quat, ImportError> {
        // Only the element's own attributes count here: defaults carry no frames.
        let given: Vec<&str> = ORIENTATIONS
            .iter()
            .copied()
            .filter(|name| a.element.attribute(name).is_some())
            .collect();
        if given.len() > 1 {
            return Err(a.element.error(Problem::Invalid(format!(
                "more than one orientation given ({})",
                given.join(", ")
            ))));
        }
        let degenerate = |what: &str| {
            a.element
                .error(Problem::Invalid(format!("`{what}` has zero length")))
        };
        let q = match given.first().copied() {
            None => Quat::IDENTITY,
            Some("quat") => {
                let [w, x, y, z] = a.array::<4>("quat")?.unwrap_or([1.0, 0.0, 0.0, 0.0]);
                let q = Quat::from_xyzw(x as f32, y as f32, z as f32, w as f32);
                if q.length() == 0.0 {
                    return Err(degenerate("quat"));
                }
                q.normalize()
            }
            Some("axisangle") => {
                let [x, y, z, angle] = a.array::<4>("axisangle")?.unwrap_or_default();
                let axis = to_vec3([x, y, z]);
                if axis.length() == 0.0 {
                    return Err(degenerate("axisangle"));
                }
                Quat::from_axis_angle(axis.normalize(), self.angle(angle))
            }
            Some("euler") => {
                let angles = a.array::<3>("euler")?.unwrap_or_default();
                let mut q = Quat::IDENTITY;
                for (&axis, angle) in self.euler_sequence.iter().zip(angles) {
                    let unit = match axis.to_ascii_lowercase() {
                        b'x' => Vec3::X,
                        b'y' => Vec3::Y,
                        _ => Vec3::Z,
                    };
                    let turn = Quat::from_axis_angle(unit, self.angle(angle));
                    q = if axis.is_ascii_lowercase() {
                        q * turn
                    } else {
                        turn * q
                    };
                }
                q
            }
            Some("xyaxes") => {
                let v = a.array::<6>("xyaxes")?.unwrap_or_default();
                let x = to_vec3([v[0], v[1], v[2]]);
                let y = to_vec3([v[3], v[4], v[5]]);
                let x = x.try_normalize().ok_or_else(|| degenerate("xyaxes"))?;
                // Gram–Schmidt: y made perpendicular to x.
                let y = (y - x * x.dot(y))
                    .try_normalize()
                    .ok_or_else(|| degenerate("xyaxes"))?;
                Quat::from_mat3(&Mat3::from_cols(x, y, x.cross(y)))
            }
            Some(_) => {
                let z = a.vec3("zaxis")?.unwrap_or(Vec3::Z);
                let z = z.try_normalize().ok_or_else(|| degenerate("zaxis"))?;
                Quat::from_rotation_arc(Vec3::Z, z)
            }
        };
        Ok(q)
    }
}
