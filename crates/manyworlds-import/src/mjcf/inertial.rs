//! MJCF `<inertial>`: a body's mass, centre of mass and inertia given explicitly.

use glam::{Mat3, Vec3};
use manyworlds_core::MassProperties;

use super::orientation::AngleConvention;
use crate::attributes::Attributes;
use crate::document::Element;
use crate::error::{ImportError, Problem};

/// The matter an `<inertial>` describes, in its body's frame.
pub fn read_inertial(
    element: &Element,
    angles: &AngleConvention,
) -> Result<MassProperties, ImportError> {
    let a = Attributes::new(element, &[]);
    let mass = a
        .number("mass")?
        .ok_or_else(|| element.error(Problem::MissingAttribute("mass")))?;
    if mass < 0.0 {
        return Err(element.error(Problem::Negative {
            attribute: "mass".into(),
            value: mass,
        }));
    }
    let pose = angles.pose(&a)?;
    let inertia = match (a.array::<3>("diaginertia")?, a.array::<6>("fullinertia")?) {
        (Some(d), None) => {
            if d.iter().any(|&v| v < 0.0) {
                return Err(element.error(Problem::Negative {
                    attribute: "diaginertia".into(),
                    value: d.iter().copied().fold(f64::INFINITY, f64::min),
                }));
            }
            Mat3::from_diagonal(Vec3::new(d[0] as f32, d[1] as f32, d[2] as f32))
        }
        (None, Some(f)) => {
            let [xx, yy, zz, xy, xz, yz] = f.map(|v| v as f32);
            Mat3::from_cols(
                Vec3::new(xx, xy, xz),
                Vec3::new(xy, yy, yz),
                Vec3::new(xz, yz, zz),
            )
        }
        (None, None) => {
            return Err(element.error(Problem::MissingAttribute("diaginertia")));
        }
        (Some(_), Some(_)) => {
            return Err(element.error(Problem::Invalid(
                "both `diaginertia` and `fullinertia` given".into(),
            )))
        }
    };
    let local = MassProperties {
        mass: mass as f32,
        center_of_mass: Vec3::ZERO,
        inertia,
    };
    Ok(local.transformed(&pose))
}
