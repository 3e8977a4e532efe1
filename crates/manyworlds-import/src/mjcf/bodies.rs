//! MJCF's `<worldbody>` tree turned into manyworlds bodies and joints.
//!
//! - A body without joints is welded to its parent: its geoms and matter join the parent's
//!   (a body welded to the world is static).
//! - A body with several joints (a planar root's slide, slide, hinge; a hip's three hinges)
//!   keeps them all, in order, between it and its parent: core makes them one compound joint
//!   (MuJoCo applies a body's joints in order, each moving the ones after it).
//! - Contacts between a body and its MJCF parent are excluded, as MuJoCo does (unless the
//!   parent is the world).

use std::collections::{HashMap, HashSet};

use manyworlds_core::compound_joint::MAX_COMPOUND_AXES;
use manyworlds_core::{BodyDesc, ColliderDesc, JointDesc, MassProperties, Pose};

use super::defaults::Defaults;
use super::geoms::read_geom;
use super::inertial::read_inertial;
use super::joints::{read_free_joint, read_joint, JointSettings};
use super::meshes::MeshAssets;
use super::orientation::AngleConvention;
use crate::attributes::Attributes;
use crate::body_assembly::assembled_body;
use crate::document::Element;
use crate::error::{ImportError, Problem};
use crate::{ImportOptions, Warnings};

/// Elements inside a body that do not affect physics.
const VISUAL: [&str; 4] = ["site", "camera", "light", "plugin"];

/// How a body's mass is found (`<compiler inertiafromgeom>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InertiaSource {
    Geoms,
    Inertial,
    /// `<inertial>` where given, else the geoms.
    Auto,
}

/// A manyworlds body being assembled.
pub struct PendingBody {
    pub name: String,
    pub pose: Pose,
    pub is_static: bool,
    pub colliders: Vec<(ColliderDesc, (u32, u32))>,
    /// Matter of every MJCF body merged into this one, in its frame.
    pub mass: MassProperties,
    /// Its joints to its parent (None: the world), in order: none for the world, several
    /// for a compound joint.
    pub joints: Vec<(Option<usize>, JointDesc)>,
}

/// The result of the walk.
pub struct Tree {
    pub bodies: Vec<PendingBody>,
    /// MJCF body name → the manyworlds body that holds it.
    pub body_names: HashMap<String, usize>,
    /// MJCF joint name → (manyworlds joint index, its `ref`).
    pub joint_names: HashMap<String, (usize, f32)>,
    pub joint_count: usize,
    /// Each joint's element (location, tag), by joint index.
    pub joint_elements: Vec<(crate::document::Location, String)>,
    pub exclusions: Vec<(usize, usize)>,
}

/// An MJCF body (or the worldbody) whose children are being read.
struct OpenBody<'e> {
    element: &'e Element,
    /// The manyworlds body its matter goes to.
    target: usize,
    /// Its frame, in the world.
    frame: Pose,
    /// The default class its children take.
    class: &'e str,
    is_world: bool,
    /// Its frame in the target body's frame.
    in_target: Pose,
    geom_mass: MassProperties,
    inertial: Option<MassProperties>,
    /// The next child to read.
    next: usize,
}

pub struct TreeReader<'a> {
    pub defaults: &'a Defaults,
    pub angles: &'a AngleConvention,
    pub joints: &'a JointSettings,
    pub inertia: InertiaSource,
    pub options: &'a ImportOptions,
    pub warnings: &'a mut Warnings,
    pub meshes: MeshAssets<'a>,
    pub tree: Tree,
    /// Names bodies give themselves, which no made-up name may take.
    reserved_names: HashSet<String>,
}

/// Index of the static world body.
pub const WORLD: usize = 0;

impl<'a> TreeReader<'a> {
    pub fn new(
        defaults: &'a Defaults,
        angles: &'a AngleConvention,
        joints: &'a JointSettings,
        inertia: InertiaSource,
        options: &'a ImportOptions,
        warnings: &'a mut Warnings,
        meshes: MeshAssets<'a>,
    ) -> Self {
        let world = PendingBody {
            name: "world".into(),
            pose: Pose::IDENTITY,
            is_static: true,
            colliders: Vec::new(),
            mass: MassProperties::ZERO,
            joints: Vec::new(),
        };
        let mut body_names = HashMap::new();
        body_names.insert("world".to_string(), WORLD);
        Self {
            defaults,
            angles,
            joints,
            inertia,
            options,
            warnings,
            meshes,
            tree: Tree {
                bodies: vec![world],
                body_names,
                joint_names: HashMap::new(),
                joint_count: 0,
                joint_elements: Vec::new(),
                exclusions: Vec::new(),
            },
            reserved_names: HashSet::new(),
        }
    }

    /// Keeps the names the bodies under `worldbody` give themselves from the names made up
    /// for unnamed bodies. Call for every `<worldbody>` before reading any.
    pub fn reserve_names(&mut self, worldbody: &Element) {
        let mut pending = vec![worldbody];
        while let Some(element) = pending.pop() {
            for child in element.children_named("body") {
                if let Some(name) = child.attribute("name") {
                    self.reserved_names.insert(name.to_string());
                }
                pending.push(child);
            }
        }
    }

    /// Reads `<worldbody>`: a depth-first walk with a stack of the bodies being read (no
    /// recursion, however deep bodies nest), in document order.
    pub fn read_world(&mut self, worldbody: &Element) -> Result<(), ImportError> {
        let class = worldbody
            .attribute("childclass")
            .unwrap_or(super::defaults::MAIN);
        let mut open = vec![self.open(worldbody, WORLD, Pose::IDENTITY, class, true)];
        while let Some(body) = open.last_mut() {
            let Some(child) = body.element.children.get(body.next) else {
                let done = open.pop().expect("a body is open");
                self.close(done)?;
                continue;
            };
            body.next += 1;
            match child.name.as_str() {
                "geom" => {
                    let class = self.defaults.class_of(child, body.class)?;
                    let a = Attributes::new(child, self.defaults.values(class, "geom"));
                    let Some(geom) = read_geom(
                        &a,
                        self.angles,
                        self.options,
                        &mut self.meshes,
                        self.warnings,
                    )?
                    else {
                        continue;
                    };
                    if let Some(m) = geom.mass {
                        body.geom_mass = body.geom_mass.combined(&m);
                    }
                    let mut collider = geom.collider;
                    collider.pose = body.in_target.compose(&collider.pose);
                    self.tree.bodies[body.target]
                        .colliders
                        .push((collider, geom.contact_bits));
                }
                "inertial" if !body.is_world => {
                    body.inertial = Some(read_inertial(child, self.angles)?)
                }
                "body" => {
                    let (target, frame, class) = (body.target, body.frame, body.class);
                    let inner = self.enter_body(child, target, frame, class)?;
                    open.push(inner);
                }
                "joint" | "freejoint" => {} // read with the body, before its contents
                name if VISUAL.contains(&name) => self
                    .warnings
                    .add(format!("<{name}> skipped: does not affect physics")),
                "frame" | "composite" | "flexcomp" | "replicate" | "attach" => {
                    return Err(child.error(Problem::Unsupported(format!(
                        "<{}> is not supported yet",
                        child.name
                    ))))
                }
                other => self
                    .warnings
                    .add(format!("<{other}> inside a body skipped: unknown")),
            }
        }
        Ok(())
    }

    /// Starts reading the contents of an MJCF body whose frame is at `frame` (world) and
    /// whose matter goes to `target`.
    fn open<'e>(
        &self,
        element: &'e Element,
        target: usize,
        frame: Pose,
        class: &'e str,
        is_world: bool,
    ) -> OpenBody<'e> {
        OpenBody {
            element,
            target,
            frame,
            class,
            is_world,
            // Where this MJCF body's frame sits in the target body's frame.
            in_target: self.tree.bodies[target].pose.inverse().compose(&frame),
            geom_mass: MassProperties::ZERO,
            inertial: None,
            next: 0,
        }
    }

    /// Ends reading an MJCF body: its matter joins its target's.
    fn close(&mut self, body: OpenBody) -> Result<(), ImportError> {
        if body.is_world {
            return Ok(());
        }
        let matter = match (self.inertia, body.inertial) {
            (InertiaSource::Geoms, _) | (InertiaSource::Auto, None) => body.geom_mass,
            (_, Some(m)) => m,
            (InertiaSource::Inertial, None) => {
                return Err(body.element.error(Problem::Invalid(
                    "inertiafromgeom=\"false\" but the body has no <inertial>".into(),
                )))
            }
        };
        let target = &mut self.tree.bodies[body.target];
        target.mass = target.mass.combined(&matter.transformed(&body.in_target));
        Ok(())
    }

    /// Adds an MJCF body's joints (and the manyworlds body they move) and name; its
    /// contents are read next.
    fn enter_body<'e>(
        &mut self,
        element: &'e Element,
        parent_target: usize,
        parent_frame: Pose,
        parent_class: &'e str,
    ) -> Result<OpenBody<'e>, ImportError> {
        let class = self.defaults.class_of(element, parent_class)?;
        let own = Attributes::new(element, &[]);
        let frame = parent_frame.compose(&self.angles.pose(&own)?);
        let name = match element.attribute("name") {
            Some(name) => name.to_string(),
            None => self.made_up_name(),
        };
        let child_class = match element.attribute("childclass") {
            Some(c) => {
                if !self.defaults.has_class(c) {
                    return Err(element.error(Problem::MissingReference {
                        what: "default class",
                        name: c.into(),
                    }));
                }
                c
            }
            None => class,
        };
        let joints: Vec<&Element> = element
            .children
            .iter()
            .filter(|c| c.name == "joint" || c.name == "freejoint")
            .collect();
        let target = if joints.is_empty() {
            parent_target
        } else {
            self.add_jointed_body(&name, &joints, parent_target, frame, child_class)?
        };
        if self.tree.body_names.insert(name.clone(), target).is_some() {
            return Err(element.error(Problem::Invalid(format!("a second body named \"{name}\""))));
        }
        if target != parent_target && parent_target != WORLD {
            let joined = self.tree.bodies[target].joints.first().and_then(|j| j.0);
            if joined != Some(parent_target) {
                self.tree.exclusions.push((parent_target, target));
            }
        }
        Ok(self.open(element, target, frame, child_class, false))
    }

    /// A name for an unnamed body: `body<index of the next manyworlds body>`, with a suffix
    /// where a body already has that name or one of the file gives itself that name.
    fn made_up_name(&self) -> String {
        let base = format!("body{}", self.tree.bodies.len());
        let taken =
            |n: &str| self.tree.body_names.contains_key(n) || self.reserved_names.contains(n);
        if !taken(&base) {
            return base;
        }
        (2..)
            .map(|k| format!("{base}_{k}"))
            .find(|n| !taken(n))
            .expect("some suffix is free")
    }

    /// Adds the body with its joints to `parent_target`; returns the body's index.
    fn add_jointed_body(
        &mut self,
        name: &str,
        joints: &[&Element],
        parent_target: usize,
        frame: Pose,
        class: &str,
    ) -> Result<usize, ImportError> {
        let body_index = self.tree.bodies.len();
        let parent = (parent_target != WORLD).then_some(parent_target);
        let mut descs = Vec::with_capacity(joints.len());
        for (k, joint) in joints.iter().enumerate() {
            let joint_class = self.defaults.class_of(joint, class)?;
            let a = Attributes::new(joint, self.defaults.values(joint_class, "joint"));
            let fallback = format!("{name}_joint{k}");
            let read = if joint.name == "freejoint" {
                read_free_joint(&a, fallback)
            } else {
                read_joint(&a, self.angles, self.joints, fallback, self.warnings)?
            };
            if read.desc.kind == manyworlds_core::JointKind::Free
                && (joints.len() > 1 || parent_target != WORLD)
            {
                return Err(joint.error(Problem::Invalid(
                    "a free joint must be the only joint of a body of the worldbody".into(),
                )));
            }
            if joints.len() > 1 && read.desc.kind == manyworlds_core::JointKind::Spherical {
                return Err(joint.error(Problem::Invalid(
                    "a ball joint must be its body's only joint (manyworlds combines hinges and slides only)".into(),
                )));
            }
            let joint_name = read.desc.name.clone();
            if self
                .tree
                .joint_names
                .insert(joint_name.clone(), (self.tree.joint_count, read.reference))
                .is_some()
            {
                return Err(joint.error(Problem::Invalid(format!(
                    "a second joint named \"{joint_name}\""
                ))));
            }
            self.tree.joint_count += 1;
            self.tree
                .joint_elements
                .push((joint.location.clone(), joint.name.clone()));
            descs.push((parent, read.desc));
        }
        if joints.len() > MAX_COMPOUND_AXES {
            return Err(joints[0].error(Problem::Invalid(format!(
                "body \"{name}\" has {} joints; manyworlds combines at most {MAX_COMPOUND_AXES}",
                joints.len()
            ))));
        }
        self.tree.bodies.push(PendingBody {
            name: name.to_string(),
            pose: frame,
            is_static: false,
            colliders: Vec::new(),
            mass: MassProperties::ZERO,
            joints: descs,
        });
        Ok(body_index)
    }
}

/// The manyworlds body descriptions: colliders with their collision filters from `filters`.
pub fn finish_bodies(
    tree: &Tree,
    filters: &HashMap<(u32, u32), manyworlds_core::CollisionFilter>,
) -> Vec<BodyDesc> {
    tree.bodies
        .iter()
        .map(|pending| {
            let colliders = pending.colliders.iter().map(|(collider, bits)| {
                let mut collider = collider.clone();
                collider.filter = filters[bits];
                collider
            });
            assembled_body(
                &pending.name,
                pending.pose,
                pending.is_static,
                colliders,
                pending.mass,
            )
        })
        .collect()
}
