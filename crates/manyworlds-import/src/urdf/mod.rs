//! URDF, the robot format of ROS and pybullet: links (inertial, collision box, sphere,
//! capsule, cylinder and mesh), joints (revolute, continuous, prismatic, fixed, floating)
//! with limits and damping. Links joined by a fixed joint become one body. The root link
//! floats on a free joint unless [`ImportOptions::fixed_base`] (or it is named `world`)
//! makes it static. Mass properties are taken as files give them (`crate::mass_repair`).
//! URDF has no actuators: [`ImportOptions::drives`] adds one per movable joint.
//! Transmissions, `mimic`, visuals and Gazebo extensions are reported as ignored.

mod drives;
mod geometry;
mod joints;

pub use drives::{DriveKind, Drives};

use std::collections::HashMap;
use std::path::Path;

use manyworlds_core::{ColliderDesc, JointDesc, MassProperties, Pose, SceneBuilder, StepParams};

use crate::body_assembly::assembled_body;
use crate::document::{self, Element};
use crate::error::{ImportError, Problem};
use crate::file_access::FileAccess;
use crate::mass_repair::repaired;
use crate::mesh::{MeshFiles, MeshHulls};
use crate::scene_error::located;
use crate::step_range;
use crate::{ImportOptions, Imported, Warnings};
use geometry::{read_collisions, read_inertial};
use joints::read_joint;

/// Loads a URDF file.
pub fn load(path: impl AsRef<Path>, options: ImportOptions) -> Result<Imported, ImportError> {
    let path = path.as_ref();
    let mut access = FileAccess::new(document::folder_of(path), &options.search_paths);
    let root = document::read_file(path, &mut access)?;
    from_root(&root, path, &options, &mut access)
}

/// Loads URDF from a string; `file` names it in errors.
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

/// A manyworlds body being assembled from one link and the links welded to it.
struct Pending {
    name: String,
    pose: Pose,
    is_static: bool,
    colliders: Vec<ColliderDesc>,
    mass: MassProperties,
    joint: Option<(Option<usize>, JointDesc)>,
    /// The URDF joint (index in the file's joints) that moves it.
    urdf_joint: Option<usize>,
    /// The body its joint hangs from, static or not.
    hangs_from: Option<usize>,
}

fn from_root(
    root: &Element,
    file: &Path,
    options: &ImportOptions,
    access: &mut FileAccess,
) -> Result<Imported, ImportError> {
    if root.name != "robot" {
        return Err(root.error(Problem::Invalid("the root element must be <robot>".into())));
    }
    refuse_xacro(root)?;
    let mut warnings = Warnings::default();
    let mut links: HashMap<&str, &Element> = HashMap::new();
    let mut joints = Vec::new();
    for element in &root.children {
        match element.name.as_str() {
            "link" => {
                let name = element
                    .attribute("name")
                    .ok_or_else(|| element.error(Problem::MissingAttribute("name")))?;
                if links.insert(name, element).is_some() {
                    return Err(
                        element.error(Problem::Invalid(format!("a second link named \"{name}\"")))
                    );
                }
            }
            "joint" => joints.push((
                element,
                read_joint(element, options.drives.is_some(), &mut warnings)?,
            )),
            "transmission" => warnings
                .add("<transmission> ignored: add actuators with SceneBuilder::add_actuator"),
            other => warnings.add(format!("<{other}> skipped: does not affect physics")),
        }
    }
    // Each link's joint from its parent, and each link's joints to its children.
    let mut parent_joint: HashMap<&str, usize> = HashMap::new();
    let mut child_joints: HashMap<&str, Vec<usize>> = HashMap::new();
    for (k, (element, joint)) in joints.iter().enumerate() {
        for link in [joint.parent, joint.child] {
            if !links.contains_key(link) {
                return Err(element.error(Problem::MissingReference {
                    what: "link",
                    name: link.into(),
                }));
            }
        }
        if joint.parent == joint.child {
            return Err(element.error(Problem::Invalid(format!(
                "joint \"{}\" makes link \"{}\" its own parent",
                element.attribute("name").unwrap_or_default(),
                joint.child
            ))));
        }
        if parent_joint.insert(joint.child, k).is_some() {
            return Err(element.error(Problem::Invalid(format!(
                "link \"{}\" is the child of a second joint",
                joint.child
            ))));
        }
        child_joints.entry(joint.parent).or_default().push(k);
    }
    let link_order: Vec<&str> = root
        .children_named("link")
        .filter_map(|l| l.attribute("name"))
        .collect();
    let roots: Vec<&str> = link_order
        .iter()
        .copied()
        .filter(|name| !parent_joint.contains_key(name))
        .collect();
    let root_link = match roots.as_slice() {
        [one] => *one,
        [] if link_order.is_empty() => {
            return Err(root.error(Problem::Invalid("the robot has no links".into())))
        }
        [] => {
            let cycle = joint_loop(link_order[0], &parent_joint, &joints);
            return Err(loop_error(&cycle, &joints, "no link is the root".into()));
        }
        many => {
            return Err(root.error(Problem::Invalid(format!(
                "several root links ({}): a URDF robot is one tree",
                many.join(", ")
            ))))
        }
    };

    // Breadth first from the root: each link's world pose and the body holding it.
    let root_static = options.fixed_base || root_link == "world";
    let mut bodies = vec![Pending {
        name: root_link.to_string(),
        pose: Pose::IDENTITY,
        is_static: root_static,
        colliders: Vec::new(),
        mass: MassProperties::ZERO,
        joint: (!root_static).then(|| (None, JointDesc::free("floating_base"))),
        urdf_joint: None,
        hangs_from: None,
    }];
    let mut meshes = MeshFiles::new(access);
    let mut hulls = MeshHulls::default();
    let mut placed: Vec<(&str, Pose, usize)> = vec![(root_link, Pose::IDENTITY, 0)];
    let mut next = 0;
    while next < placed.len() {
        let (link, pose, target) = placed[next];
        next += 1;
        let element = links[link];
        let in_target = bodies[target].pose.inverse().compose(&pose);
        for collider in read_collisions(element, options, &mut meshes, &mut hulls, &mut warnings)? {
            let pose = in_target.compose(&collider.pose);
            bodies[target].colliders.push(collider.at(pose));
        }
        let matter = read_inertial(element)?.transformed(&in_target);
        bodies[target].mass = bodies[target].mass.combined(&matter);
        let children = child_joints.get(link).map_or(&[][..], Vec::as_slice);
        for (k, joint) in children.iter().map(|&k| (k, &joints[k].1)) {
            let child_pose = pose.compose(&joint.origin);
            let child_target = match &joint.desc {
                None => target,
                Some(desc) => {
                    if desc.kind == manyworlds_core::JointKind::Free && !bodies[target].is_static {
                        let element = joints
                            .iter()
                            .find(|(_, j)| j.child == joint.child)
                            .map(|(e, _)| *e);
                        return Err(element.unwrap_or(root).error(Problem::Invalid(
                            "a floating joint must hang from the world or a fixed base".into(),
                        )));
                    }
                    bodies.push(Pending {
                        name: joint.child.to_string(),
                        pose: child_pose,
                        is_static: false,
                        colliders: Vec::new(),
                        mass: MassProperties::ZERO,
                        // A joint to a static body is a joint to the world.
                        joint: Some(((!bodies[target].is_static).then_some(target), desc.clone())),
                        urdf_joint: Some(k),
                        hangs_from: Some(target),
                    });
                    bodies.len() - 1
                }
            };
            placed.push((joint.child, child_pose, child_target));
        }
    }
    // A link the walk from the root did not reach hangs from a loop of joints.
    if placed.len() < links.len() {
        let reached: std::collections::HashSet<&str> = placed.iter().map(|p| p.0).collect();
        let lost = link_order
            .iter()
            .find(|l| !reached.contains(*l))
            .expect("an unreached link");
        let cycle = joint_loop(lost, &parent_joint, &joints);
        return Err(loop_error(
            &cycle,
            &joints,
            format!("not connected to the root link \"{root_link}\""),
        ));
    }

    // A floating root without mass is fixed to the world, as pybullet takes a base of mass
    // zero (KUKA's iiwa); its children then hang from the world.
    if !bodies[0].is_static && bodies[0].mass.mass <= 0.0 {
        bodies[0].is_static = true;
        bodies[0].joint = None;
        for pending in &mut bodies {
            if let Some((parent @ Some(0), _)) = &mut pending.joint {
                *parent = None;
            }
        }
        warnings.add(format!(
            "root link \"{root_link}\" has no mass: fixed to the world (give it a mass to let it float)"
        ));
    }
    for pending in bodies.iter_mut().filter(|b| !b.is_static) {
        pending.mass = repaired(pending.mass, &pending.name, &mut warnings);
    }

    let mut builder = SceneBuilder::new();
    hulls.add_to(&mut builder);
    for pending in &bodies {
        let body = assembled_body(
            &pending.name,
            pending.pose,
            pending.is_static,
            pending.colliders.iter().cloned(),
            pending.mass,
        );
        builder.add_body(body);
    }
    // Scene joint index → the URDF joint element, for errors and drives.
    let mut joint_elements: Vec<Option<usize>> = Vec::new();
    for (index, pending) in bodies.iter().enumerate() {
        if let Some((parent, desc)) = &pending.joint {
            builder.add_joint(*parent, index, desc.clone());
            // A joint to a static body is one to the world: the two stay apart all the same
            // (a floating joint holds nothing together).
            if let (None, Some(base)) = (parent, pending.hangs_from) {
                if desc.kind != manyworlds_core::JointKind::Free {
                    builder.exclude_collision(base, index);
                }
            }
            joint_elements.push(pending.urdf_joint);
            if let (Some(drives), Some(k)) = (&options.drives, pending.urdf_joint) {
                let index = joint_elements.len() - 1;
                let limits = &joints[k].1.limits;
                if let Some(actuator) =
                    drives::drive(drives, index, &desc.name, desc.kind, limits, &mut warnings)
                {
                    builder.add_actuator(actuator);
                }
            }
        }
    }
    let scene = builder
        .build()
        .and_then(|scene| step_range::check(&scene).map(|()| scene))
        .map_err(|source| {
            located(source, file, |joint| {
                let element = joints[joint_elements.get(joint).copied().flatten()?].0;
                Some((element.location.clone(), element.name.clone()))
            })
        })?;
    Ok(Imported {
        scene,
        params: StepParams::default(),
        randomization: Default::default(),
        warnings,
    })
}

/// An error at the first xacro element (`<xacro:macro>`, `<xacro:include>` …) of the file:
/// such a file must be run through xacro first.
fn refuse_xacro(root: &Element) -> Result<(), ImportError> {
    let mut pending = vec![root];
    while let Some(element) = pending.pop() {
        if element.name.starts_with("xacro:") {
            return Err(element.error(Problem::Invalid(
                "unexpanded xacro: run xacro on the file first".into(),
            )));
        }
        pending.extend(element.children.iter().rev());
    }
    Ok(())
}

/// The joints (indices) of the loop that following parents up from `start` runs into.
fn joint_loop(
    start: &str,
    parent_joint: &HashMap<&str, usize>,
    joints: &[(&Element, joints::ReadJoint)],
) -> Vec<usize> {
    // Link → its place in the walk.
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut walked = Vec::new();
    let mut link = start;
    loop {
        if let Some(&at) = seen.get(link) {
            return walked.split_off(at);
        }
        seen.insert(link, walked.len());
        // Only called where no root is above `start`: every link on the way has a parent.
        let Some(&k) = parent_joint.get(link) else {
            return walked;
        };
        walked.push(k);
        link = joints[k].1.parent;
    }
}

/// The error for a loop of joints (`cycle`, child to parent), at its first joint in the
/// file, naming its links and joints.
fn loop_error(
    cycle: &[usize],
    joints: &[(&Element, joints::ReadJoint)],
    consequence: String,
) -> ImportError {
    let quoted = |names: Vec<&str>| {
        names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let links = quoted(cycle.iter().map(|&k| joints[k].1.child).collect());
    let names = quoted(
        cycle
            .iter()
            .map(|&k| joints[k].0.attribute("name").unwrap_or("?"))
            .collect(),
    );
    let first = cycle.iter().min().map_or(0, |&k| k);
    joints[first].0.error(Problem::Invalid(format!(
        "the joints {names} form a loop through the links {links}: {consequence}"
    )))
}
