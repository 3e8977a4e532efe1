//! MJCF, MuJoCo's model format: the subset the gymnasium MuJoCo environments use and more.
//!
//! Read: `compiler` (angle, eulerseq, inertiafromgeom, autolimits, settotalmass), `option`
//! (timestep, gravity), nested `default` classes with `class` and `childclass`,
//! `include`, `worldbody` and `body` frames (pos, quat, axisangle, euler, xyaxes, zaxis),
//! `inertial`, `geom` (plane, sphere, capsule with size or fromto, box, cylinder, and mesh
//! as its convex hull), `joint` (hinge, slide, ball, free), `freejoint`, `actuator` (motor,
//! position, velocity, general where it is one of those), `contact/exclude`. Elements that do not affect physics are skipped, and
//! options and attributes we do not model are listed once, in the returned warnings.

mod actuators;
mod bodies;
mod collision_classes;
mod defaults;
mod flags;
mod geoms;
mod inertial;
mod joints;
mod meshes;
mod orientation;
mod tendons;

use std::path::Path;

use glam::Vec3;
use manyworlds_core::params::{MAX_DT, MIN_DT};
use manyworlds_core::{CollisionFilter, SceneBuilder, StepParams};

use flags::Flags;

use crate::attributes::Attributes;
use crate::document::{self, Element};
use crate::error::{ImportError, Problem};
use crate::file_access::FileAccess;
use crate::mass_repair::repaired;
use crate::mesh::MeshFiles;
use crate::scene_error::located;
use crate::step_range;
use crate::{ImportOptions, Imported, Warnings};
use actuators::{read_actuators, ActuatorContext};
use bodies::{finish_bodies, InertiaSource, TreeReader};
use defaults::Defaults;
use joints::JointSettings;
use meshes::MeshAssets;
use orientation::AngleConvention;
use tendons::check_tendons;

/// Top-level sections that do not affect physics.
const SKIPPED: [&str; 8] = [
    "asset",
    "visual",
    "statistic",
    "size",
    "sensor",
    "custom",
    "keyframe",
    "extension",
];

/// Loads an MJCF file (includes relative to its directory).
pub fn load(path: impl AsRef<Path>, options: ImportOptions) -> Result<Imported, ImportError> {
    let path = path.as_ref();
    let mut access = FileAccess::new(document::folder_of(path), &options.search_paths);
    let root = document::read_file(path, &mut access)?;
    from_root(&root, path, &options, &mut access)
}

/// Loads MJCF from a string; `file` names it in errors, includes are relative to `file`'s
/// directory.
pub fn parse(
    text: &str,
    file: impl AsRef<Path>,
    options: ImportOptions,
) -> Result<Imported, ImportError> {
    let file = file.as_ref();
    let mut access = FileAccess::new(document::folder_of(file), &options.search_paths);
    let root = document::read_str(text, file, &mut access)?;
    from_root(&root, file, &options, &mut access)
}

struct Compiler {
    angles: AngleConvention,
    inertia: InertiaSource,
    autolimits: bool,
    total_mass: Option<f32>,
    /// `meshdir`, else `assetdir`.
    mesh_dir: Option<String>,
}

fn read_compiler(root: &Element, warnings: &mut Warnings) -> Result<Compiler, ImportError> {
    let mut compiler = Compiler {
        angles: AngleConvention::default(),
        inertia: InertiaSource::Auto,
        autolimits: true,
        total_mass: None,
        mesh_dir: None,
    };
    for element in root.children_named("compiler") {
        let a = Attributes::new(element, &[]);
        if element.attribute("angle").is_some() {
            compiler.angles.radians_per_unit =
                match a.keyword("angle", &["degree", "radian"], "degree")? {
                    "radian" => 1.0,
                    _ => std::f64::consts::PI / 180.0,
                };
        }
        if let Some(sequence) = element.attribute("eulerseq") {
            let bytes = sequence.as_bytes();
            if bytes.len() != 3 || !bytes.iter().all(|b| b"xyzXYZ".contains(b)) {
                return Err(element.error(Problem::BadValue {
                    attribute: "eulerseq".into(),
                    value: sequence.into(),
                    expected: "three of x, y, z, X, Y, Z".into(),
                }));
            }
            compiler.angles.euler_sequence = [bytes[0], bytes[1], bytes[2]];
        }
        if a.keyword("coordinate", &["local", "global"], "local")? == "global" {
            return Err(element.error(Problem::Unsupported(
                "coordinate=\"global\" (removed from MuJoCo; use local frames)".into(),
            )));
        }
        if element.attribute("inertiafromgeom").is_some() {
            compiler.inertia = match a.tristate("inertiafromgeom")? {
                Some(true) => InertiaSource::Geoms,
                Some(false) => InertiaSource::Inertial,
                None => InertiaSource::Auto,
            };
        }
        if element.attribute("autolimits").is_some() {
            compiler.autolimits = a.keyword("autolimits", &["true", "false"], "true")? == "true";
        }
        if let Some(mass) = a.number("settotalmass")? {
            if mass > 0.0 {
                compiler.total_mass = Some(mass as f32);
            }
        }
        if let Some(dir) = a.get("meshdir").or(a.get("assetdir")) {
            compiler.mesh_dir = Some(dir.to_string());
        }
        for ignored in ["texturedir", "balanceinertia", "boundmass", "boundinertia"] {
            if element.attribute(ignored).is_some() {
                warnings.add(format!("compiler `{ignored}` ignored"));
            }
        }
    }
    Ok(compiler)
}

fn read_option(
    root: &Element,
    params: &mut StepParams,
    flags: &mut Flags,
    warnings: &mut Warnings,
) -> Result<(), ImportError> {
    for element in root.children_named("option") {
        let a = Attributes::new(element, &[]);
        if let Some(dt) = a.number("timestep")? {
            if !(f64::from(MIN_DT)..=f64::from(MAX_DT)).contains(&dt) {
                return Err(element.error(Problem::BadValue {
                    attribute: "timestep".into(),
                    value: dt.to_string(),
                    expected: "a time step between 1e-6 and 1 s".into(),
                }));
            }
            params.dt = dt as f32;
        }
        if let Some(g) = a.vec3("gravity")? {
            params.gravity = g;
        }
        for (key, _) in &element.attributes {
            match key.as_str() {
                "timestep" | "gravity" => {}
                "viscosity" | "density" | "wind" => {
                    if a.numbers(key)?.is_some_and(|v| v.iter().any(|&x| x != 0.0)) {
                        warnings.add(format!(
                            "option `{key}` ignored: fluid forces are not simulated"
                        ));
                    }
                }
                other => warnings.add(format!(
                    "option `{other}` ignored: manyworlds steps with its own TGS-soft solver"
                )),
            }
        }
        for child in &element.children {
            if child.name == "flag" {
                flags::read_flags(child, flags, warnings)?;
            } else {
                warnings.add(format!("option <{}> ignored", child.name));
            }
        }
    }
    if !flags.gravity {
        params.gravity = Vec3::ZERO;
    }
    Ok(())
}

fn from_root(
    root: &Element,
    file: &Path,
    options: &ImportOptions,
    access: &mut FileAccess,
) -> Result<Imported, ImportError> {
    if root.name != "mujoco" {
        return Err(root.error(Problem::Invalid("the root element must be <mujoco>".into())));
    }
    let mut warnings = Warnings::default();
    let compiler = read_compiler(root, &mut warnings)?;
    let mut params = StepParams {
        gravity: Vec3::new(0.0, 0.0, -9.81),
        dt: 0.002,
        ..StepParams::default()
    };
    let mut flags = Flags::default();
    read_option(root, &mut params, &mut flags, &mut warnings)?;
    let defaults = Defaults::parse(root)?;
    let joint_settings = JointSettings {
        autolimits: compiler.autolimits,
        limits: flags.limit,
        passive: flags.passive,
        timestep: params.dt,
    };
    let meshes = MeshAssets::new(
        root,
        &defaults,
        compiler.mesh_dir.as_deref(),
        MeshFiles::new(access),
    )?;
    let mut reader = TreeReader::new(
        &defaults,
        &compiler.angles,
        &joint_settings,
        compiler.inertia,
        options,
        &mut warnings,
        meshes,
    );
    for worldbody in root.children_named("worldbody") {
        reader.reserve_names(worldbody);
    }
    for worldbody in root.children_named("worldbody") {
        reader.read_world(worldbody)?;
    }
    let mut tree = reader.tree;
    let hulls = reader.meshes.hulls;
    if let Some(total) = compiler.total_mass {
        let current: f32 = tree
            .bodies
            .iter()
            .filter(|b| !b.is_static)
            .map(|b| b.mass.mass)
            .sum();
        if current > 0.0 {
            let k = total / current;
            for body in tree.bodies.iter_mut().filter(|b| !b.is_static) {
                body.mass.mass *= k;
                body.mass.inertia *= k;
            }
        }
    }

    for body in tree.bodies.iter_mut() {
        if !body.is_static {
            body.mass = repaired(body.mass, &body.name, &mut warnings);
        }
    }
    let mut filters = collision_classes::filters(&tree, root)?;
    if !flags.contact {
        // Nothing collides: no collider belongs to a group another one touches.
        filters
            .values_mut()
            .for_each(|f| *f = CollisionFilter::new(0, 0));
    }
    let bodies = finish_bodies(&tree, &filters);
    let mut builder = SceneBuilder::new();
    hulls.add_to(&mut builder);
    let mut joint_kinds = Vec::new();
    for body in bodies {
        builder.add_body(body);
    }
    for (index, pending) in tree.bodies.iter().enumerate() {
        for (parent, joint) in &pending.joints {
            joint_kinds.push(joint.kind);
            let joint = joint.clone();
            let joint = if flags.filter_parent {
                joint
            } else {
                joint.collide_connected(true)
            };
            builder.add_joint(*parent, index, joint);
        }
    }
    let mut actuators = Vec::new();
    let context = ActuatorContext {
        defaults: &defaults,
        joint_names: &tree.joint_names,
        joint_kinds: &joint_kinds,
        autolimits: compiler.autolimits,
        clamp_controls: flags.clamp_controls,
        options,
    };
    for block in root.children_named("actuator") {
        read_actuators(block, &context, &mut warnings, &mut actuators)?;
    }
    for actuator in actuators {
        builder.add_actuator(actuator);
    }
    for (a, b) in &tree.exclusions {
        builder.exclude_collision(*a, *b);
    }
    for contact in root.children_named("contact") {
        for child in &contact.children {
            if child.name != "exclude" {
                warnings.add(format!(
                    "<contact><{}> ignored: not supported yet",
                    child.name
                ));
                continue;
            }
            let a = Attributes::new(child, &[]);
            let body = |attribute: &'static str| -> Result<usize, ImportError> {
                let name = a.required(attribute)?;
                tree.body_names.get(name).copied().ok_or_else(|| {
                    child.error(Problem::MissingReference {
                        what: "body",
                        name: name.into(),
                    })
                })
            };
            let (b1, b2) = (body("body1")?, body("body2")?);
            if b1 != b2 {
                builder.exclude_collision(b1, b2);
            }
        }
    }
    for element in &root.children {
        match element.name.as_str() {
            "compiler" | "option" | "default" | "worldbody" | "actuator" | "contact" => {}
            "tendon" => check_tendons(
                element,
                &defaults,
                &tree.joint_names,
                options,
                &mut warnings,
            )?,
            "equality" => {
                warnings.add("<equality> ignored: equality constraints are not simulated yet")
            }
            name if SKIPPED.contains(&name) => {
                warnings.add(format!("<{name}> skipped: does not affect physics"))
            }
            other => warnings.add(format!("<{other}> skipped: unknown element")),
        }
    }
    let scene = builder
        .build()
        .and_then(|scene| step_range::check(&scene).map(|()| scene))
        .map_err(|source| located(source, file, |j| tree.joint_elements.get(j).cloned()))?;
    Ok(Imported {
        scene,
        params,
        randomization: Default::default(),
        warnings,
    })
}
