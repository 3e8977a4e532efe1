//! MJCF `<geom>`: a collision shape, its pose in the body frame, its matter (mass or density,
//! for the body's inertia) and its contact bits.

use glam::Vec3;
use manyworlds_core::{ColliderDesc, MassProperties, Shape};

use super::meshes::MeshAssets;
use super::orientation::AngleConvention;
use crate::attributes::{to_vec3, Attributes};
use crate::error::{ImportError, Problem};
use crate::{ImportOptions, Warnings};

/// MuJoCo's default geom density, kg/m³.
const DEFAULT_DENSITY: f64 = 1000.0;

/// Builds a round shape's collider along a segment, as MJCF's `fromto`.
type FromTo = fn(Vec3, Vec3, f32) -> ColliderDesc;

/// A geom read from the file, in its body's frame.
pub struct Geom {
    pub collider: ColliderDesc,
    /// Its matter, in the body frame (None for a plane).
    pub mass: Option<MassProperties>,
    /// MJCF's `contype`, `conaffinity`.
    pub contact_bits: (u32, u32),
}

/// Contact attributes that tune MuJoCo's soft contacts; manyworlds uses its own.
const CONTACT_TUNING: [&str; 6] = ["solref", "solimp", "solmix", "margin", "gap", "priority"];

/// Reads a geom; Ok(None) when it is dropped (a shape we cannot simulate, in lenient mode;
/// a visual mesh, never read).
pub fn read_geom(
    a: &Attributes,
    angles: &AngleConvention,
    options: &ImportOptions,
    meshes: &mut MeshAssets,
    warnings: &mut Warnings,
) -> Result<Option<Geom>, ImportError> {
    let name = a.get("name").unwrap_or("(unnamed)");
    let kind = a.get("type").unwrap_or("sphere");
    let size = a.numbers("size")?.unwrap_or_default();
    let size_at = |i: usize| -> Result<f32, ImportError> {
        match size.get(i) {
            Some(&v) if v > 0.0 => Ok(v as f32),
            Some(&v) => Err(a.element.error(Problem::BadValue {
                attribute: "size".into(),
                value: v.to_string(),
                expected: "positive sizes".into(),
            })),
            None => Err(a.element.error(Problem::BadValue {
                attribute: "size".into(),
                value: a.get("size").unwrap_or("").into(),
                expected: format!("at least {} numbers for a {kind}", i + 1),
            })),
        }
    };
    let contype = a.integer("contype", 1)?;
    let conaffinity = a.integer("conaffinity", 1)?;
    let bits = |attribute: &str, v: i64| {
        u32::try_from(v).map_err(|_| {
            a.element.error(Problem::BadValue {
                attribute: attribute.into(),
                value: v.to_string(),
                expected: "a 32-bit mask".into(),
            })
        })
    };
    let contact_bits = (bits("contype", contype)?, bits("conaffinity", conaffinity)?);
    let fromto = a.array::<6>("fromto")?;
    let pose = angles.pose(a)?;
    let collider = match kind {
        "plane" => ColliderDesc::new(Shape::Plane).at(pose),
        "sphere" => ColliderDesc::new(Shape::sphere(size_at(0)?)).at(pose),
        // `size` is the radius and the half-length; `fromto` sets the axis instead.
        "capsule" | "cylinder" => {
            let (from_to, shape): (FromTo, fn(f32, f32) -> Shape) = if kind == "capsule" {
                (ColliderDesc::capsule_from_to, Shape::capsule)
            } else {
                (ColliderDesc::cylinder_from_to, Shape::cylinder)
            };
            match fromto {
                Some(v) => from_to(
                    to_vec3([v[0], v[1], v[2]]),
                    to_vec3([v[3], v[4], v[5]]),
                    size_at(0)?,
                ),
                None => ColliderDesc::new(shape(size_at(1)?, size_at(0)?)).at(pose),
            }
        }
        "box" => {
            if fromto.is_some() {
                return Err(a
                    .element
                    .error(Problem::Unsupported("`fromto` on a box".into())));
            }
            let half = Vec3::new(size_at(0)?, size_at(1)?, size_at(2)?);
            ColliderDesc::new(Shape::cuboid(half)).at(pose)
        }
        "mesh" if contact_bits == (0, 0) => {
            warnings
                .add("visual mesh geoms (contype and conaffinity 0) skipped: not read, no mass");
            return Ok(None);
        }
        "mesh" => {
            let (file, scale, points) = meshes.vertices(a.required("mesh")?, a.element)?;
            let what = format!("geom \"{name}\" of type mesh");
            match meshes.hulls.of(&file, scale, &[points], warnings) {
                Ok(ids) => ColliderDesc::new(Shape::hull(ids[0], Vec3::ONE)).at(pose),
                Err(reason) if options.lenient => {
                    warnings.add(format!("dropped {what}: {reason}"));
                    return Ok(None);
                }
                Err(reason) => {
                    return Err(a
                        .element
                        .error(Problem::MeshCollider(format!("{what}: {reason}"))))
                }
            }
        }
        "ellipsoid" | "hfield" | "sdf" => {
            let what = format!("geom \"{name}\" of type {kind}");
            if options.lenient {
                warnings.add(format!("dropped {what}: no such shape in manyworlds yet"));
                return Ok(None);
            }
            return Err(a.element.error(Problem::UnsupportedShape(what)));
        }
        other => {
            return Err(a.element.error(Problem::BadValue {
                attribute: "type".into(),
                value: other.into(),
                expected: "plane, sphere, capsule, box, cylinder, ellipsoid, mesh, hfield".into(),
            }))
        }
    };
    let friction = a.leading::<1>("friction")?.map_or(1.0, |[f]| f);
    if friction < 0.0 {
        return Err(a.element.error(Problem::Negative {
            attribute: "friction".into(),
            value: friction,
        }));
    }
    let condim = a.integer("condim", 3)?;
    if condim != 3 {
        warnings.add(format!(
            "condim {condim} treated as 3 (sliding friction only; manyworlds has no torsional or rolling friction, and a pair's friction is the geometric mean)"
        ));
    }
    for attribute in CONTACT_TUNING {
        if a.element.attribute(attribute).is_some() {
            warnings.add(format!(
                "geom `{attribute}` ignored: manyworlds' contacts use their own softness (StepParams)"
            ));
        }
    }
    let mass = if collider.shape == Shape::Plane {
        None
    } else {
        let density = match a.number("mass")? {
            Some(m) if m < 0.0 => {
                return Err(a.element.error(Problem::Negative {
                    attribute: "mass".into(),
                    value: m,
                }))
            }
            Some(m) => m / f64::from(collider.shape.volume_in(meshes.hulls.hulls())),
            None => a.non_negative("density", DEFAULT_DENSITY)?,
        };
        MassProperties::of_shape_in(&collider.shape, density as f32, meshes.hulls.hulls())
            .map(|m| m.transformed(&collider.pose))
    };
    Ok(Some(Geom {
        collider: collider.friction(friction as f32),
        mass,
        contact_bits,
    }))
}
