//! A URDF link's matter (`<inertial>`) and collision shapes (`<collision>`), in the link
//! frame. Frames are `<origin xyz rpy>`: rpy turns about the fixed x, then y, then z axes.

use glam::{Mat3, Quat, Vec3};
use manyworlds_core::{ColliderDesc, MassProperties, Pose, Shape};

use crate::attributes::Attributes;
use crate::document::Element;
use crate::error::{ImportError, Problem};
use crate::mesh::{MeshFiles, MeshHulls, MeshSource};
use crate::package_path::{find_package, parse_reference, FileReference};
use crate::{ImportOptions, Warnings};

/// The pose an element's `<origin>` child gives (identity without one).
pub fn origin_of(element: &Element) -> Result<Pose, ImportError> {
    let Some(origin) = element.children_named("origin").next() else {
        return Ok(Pose::IDENTITY);
    };
    let a = Attributes::new(origin, &[]);
    let xyz = a.vec3("xyz")?.unwrap_or(Vec3::ZERO);
    let rpy = a.vec3("rpy")?.unwrap_or(Vec3::ZERO);
    Ok(Pose::new(
        xyz,
        Quat::from_euler(glam::EulerRot::ZYX, rpy.z, rpy.y, rpy.x),
    ))
}

/// A positive number attribute (a size).
fn size(a: &Attributes, name: &'static str) -> Result<f32, ImportError> {
    let text = a.required(name)?;
    match a.number(name)? {
        Some(v) if v > 0.0 => Ok(v as f32),
        _ => Err(a.element.error(Problem::BadValue {
            attribute: name.into(),
            value: text.into(),
            expected: "a positive size".into(),
        })),
    }
}

/// A link's `<inertial>`, in the link frame; zero matter without one.
pub fn read_inertial(link: &Element) -> Result<MassProperties, ImportError> {
    let Some(inertial) = link.children_named("inertial").next() else {
        return Ok(MassProperties::ZERO);
    };
    let pose = origin_of(inertial)?;
    let mass_element = inertial
        .children_named("mass")
        .next()
        .ok_or_else(|| inertial.error(Problem::Invalid("no <mass>".into())))?;
    let mass = Attributes::new(mass_element, &[])
        .number("value")?
        .ok_or_else(|| mass_element.error(Problem::MissingAttribute("value")))?;
    if mass < 0.0 {
        return Err(mass_element.error(Problem::Negative {
            attribute: "value".into(),
            value: mass,
        }));
    }
    let inertia = match inertial.children_named("inertia").next() {
        None => Mat3::ZERO,
        Some(element) => {
            let a = Attributes::new(element, &[]);
            let get = |name: &str| a.number_or(name, 0.0).map(|v| v as f32);
            let (xx, yy, zz) = (get("ixx")?, get("iyy")?, get("izz")?);
            let (xy, xz, yz) = (get("ixy")?, get("ixz")?, get("iyz")?);
            if xx < 0.0 || yy < 0.0 || zz < 0.0 {
                return Err(element.error(Problem::Negative {
                    attribute: "ixx/iyy/izz".into(),
                    value: f64::from(xx.min(yy).min(zz)),
                }));
            }
            Mat3::from_cols(
                Vec3::new(xx, xy, xz),
                Vec3::new(xy, yy, yz),
                Vec3::new(xz, yz, zz),
            )
        }
    };
    let local = MassProperties {
        mass: mass as f32,
        center_of_mass: Vec3::ZERO,
        inertia,
    };
    Ok(local.transformed(&pose))
}

/// A link's collision shapes, in the link frame (shapes we cannot simulate are an error, or
/// dropped with a warning when lenient). A collision mesh is read from `meshes` and
/// collides as the convex hulls of its objects (one per V-HACD piece), from `hulls`.
pub fn read_collisions(
    link: &Element,
    options: &ImportOptions,
    meshes: &mut MeshFiles,
    hulls: &mut MeshHulls,
    warnings: &mut Warnings,
) -> Result<Vec<ColliderDesc>, ImportError> {
    let mut colliders = Vec::new();
    for collision in link.children_named("collision") {
        let pose = origin_of(collision)?;
        let geometry = collision
            .children_named("geometry")
            .next()
            .ok_or_else(|| collision.error(Problem::Invalid("no <geometry>".into())))?;
        let shape = geometry
            .children
            .first()
            .ok_or_else(|| geometry.error(Problem::Invalid("an empty <geometry>".into())))?;
        let a = Attributes::new(shape, &[]);
        let collider = match shape.name.as_str() {
            "box" => {
                let v = a
                    .vec3("size")?
                    .ok_or_else(|| shape.error(Problem::MissingAttribute("size")))?;
                if v.min_element() <= 0.0 {
                    return Err(shape.error(Problem::BadValue {
                        attribute: "size".into(),
                        value: a.get("size").unwrap_or("").into(),
                        expected: "three positive sizes".into(),
                    }));
                }
                ColliderDesc::new(Shape::cuboid(0.5 * v))
            }
            "sphere" => ColliderDesc::new(Shape::sphere(size(&a, "radius")?)),
            "capsule" => ColliderDesc::new(Shape::capsule(
                0.5 * size(&a, "length")?,
                size(&a, "radius")?,
            )),
            // URDF's length is the full length along the link's z.
            "cylinder" => ColliderDesc::new(Shape::cylinder(
                0.5 * size(&a, "length")?,
                size(&a, "radius")?,
            )),
            "mesh" => {
                let what = format!(
                    "a mesh collision shape of link \"{}\"",
                    link.attribute("name").unwrap_or("?")
                );
                let (file, scale, objects) = read_mesh(shape, options, meshes)?;
                match hulls.of(&file, scale, &objects, warnings) {
                    Ok(ids) => {
                        colliders.extend(
                            ids.into_iter()
                                .map(|id| ColliderDesc::new(Shape::hull(id, Vec3::ONE)).at(pose)),
                        );
                        continue;
                    }
                    Err(reason) if options.lenient => {
                        warnings.add(format!("dropped {what}: {reason}"));
                        continue;
                    }
                    Err(reason) => {
                        return Err(shape.error(Problem::MeshCollider(format!("{what}: {reason}"))))
                    }
                }
            }
            other => {
                return Err(shape.error(Problem::BadValue {
                    attribute: "geometry".into(),
                    value: other.into(),
                    expected: "box, sphere, cylinder, capsule or mesh".into(),
                }))
            }
        };
        colliders.push(collider.at(pose));
    }
    Ok(colliders)
}

/// The vertices (metres, scaled) of each object of the file a `<mesh filename scale>`
/// names, the path it was found at, and the scale.
fn read_mesh(
    mesh: &Element,
    options: &ImportOptions,
    meshes: &mut MeshFiles,
) -> Result<(std::path::PathBuf, Vec3, Vec<Vec<Vec3>>), ImportError> {
    let a = Attributes::new(mesh, &[]);
    let written = a.required("filename")?;
    let scale = a.vec3("scale")?.unwrap_or(Vec3::ONE);
    if scale.cmpeq(Vec3::ZERO).any() {
        return Err(mesh.error(Problem::BadValue {
            attribute: "scale".into(),
            value: a.get("scale").unwrap_or("").into(),
            expected: "three non-zero factors".into(),
        }));
    }
    let folder = meshes.model_folder().to_path_buf();
    let source = match parse_reference(written).map_err(|p| mesh.error(p))? {
        FileReference::Package { name, rest } => MeshSource::Package {
            written,
            root: find_package(name, &folder, &options.package_paths).map_err(|p| mesh.error(p))?,
            rest,
        },
        FileReference::Path(path) => MeshSource::Path {
            written: path,
            folder: &folder,
        },
    };
    let (file, objects) = meshes
        .vertices(&source, scale)
        .map_err(|problem| mesh.error(problem))?;
    Ok((file, scale, objects))
}
