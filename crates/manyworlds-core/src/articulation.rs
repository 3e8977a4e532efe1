//! Validation of a scene's joints, actuators and collision exclusions, once its bodies are
//! resolved: every reference checked, joint frames placed so that q = 0 in the initial
//! configuration, and the joint-space layout (offsets into q and q̇) assigned.

use glam::{Quat, Vec3};

use crate::actuator::{Actuator, ActuatorKind};
use crate::compound_joint::{compound_joints, MAX_COMPOUND_AXES};
use crate::error::SceneError;
use crate::joint::{Joint, JointDesc, JointKind};
use crate::pose::Pose;
use crate::scene::Body;
use crate::validate::{finite_vec, in_range, positive};

/// A joint as added to the builder: parent (None = world), child, description.
pub(crate) type JointEntry = (Option<usize>, usize, JointDesc);

fn invalid(element: &str, problem: impl Into<String>) -> SceneError {
    SceneError::Invalid {
        element: element.to_owned(),
        problem: problem.into(),
    }
}

fn body_exists(index: usize, bodies: &[Body], element: &str) -> Result<(), SceneError> {
    if index < bodies.len() {
        Ok(())
    } else {
        Err(SceneError::MissingReference {
            element: element.to_owned(),
            what: "body",
            index,
            count: bodies.len(),
        })
    }
}

fn non_negative(value: f32, element: &str, field: &'static str) -> Result<(), SceneError> {
    in_range(value, 0.0, f32::MAX, element, field)
}

/// Resolves every joint; `bodies` are the scene's validated bodies.
pub(crate) fn resolve_joints(
    entries: Vec<JointEntry>,
    bodies: &[Body],
) -> Result<Vec<Joint>, SceneError> {
    let mut joints: Vec<Joint> = Vec::with_capacity(entries.len());
    for (index, (parent, child, desc)) in entries.into_iter().enumerate() {
        let element = format!("joint {index} \"{}\"", desc.name);
        let joint = resolve_joint(parent, child, desc, bodies, &joints, &element)?;
        joints.push(joint);
    }
    assign_joint_offsets(&mut joints);
    check_compounds(&joints)?;
    Ok(joints)
}

/// Checks that each compound joint's axes move its bodies independently.
pub(crate) fn check_compounds(joints: &[Joint]) -> Result<(), SceneError> {
    for compound in compound_joints(joints) {
        if !compound.axes_independent() {
            let names: Vec<&str> = compound
                .members()
                .iter()
                .map(|&j| joints[j].name.as_str())
                .collect();
            return Err(invalid(
                &format!("joint {} \"{}\"", compound.joints[0], names[0]),
                format!(
                    "joints {names:?} between the same two bodies move them the same way (parallel axes through one line, or parallel slides)"
                ),
            ));
        }
    }
    Ok(())
}

/// Lays the joints' entries out in a world's q and q̇, in joint order.
pub(crate) fn assign_joint_offsets(joints: &mut [Joint]) {
    let (mut position_offset, mut velocity_offset) = (0, 0);
    for joint in joints {
        joint.position_offset = position_offset;
        joint.velocity_offset = velocity_offset;
        position_offset += joint.kind.position_count();
        velocity_offset += joint.kind.velocity_count();
    }
}

fn resolve_joint(
    parent: Option<usize>,
    child: usize,
    desc: JointDesc,
    bodies: &[Body],
    earlier: &[Joint],
    element: &str,
) -> Result<Joint, SceneError> {
    check_joint_bodies(parent, child, desc.kind, bodies, earlier, element)?;
    finite_vec(desc.anchor, element, "anchor")?;
    let axis = if desc.kind.is_single_axis() {
        finite_vec(desc.axis, element, "axis")?;
        if desc.axis.length_squared() < 1e-12 {
            return Err(invalid(element, "axis has zero length"));
        }
        desc.axis.normalize()
    } else {
        Vec3::X
    };
    // The joint frame: at the anchor, x along the axis, fixed in the child; the parent's copy
    // is where the child's is now.
    let frame_in_child = Pose::new(desc.anchor, Quat::from_rotation_arc(Vec3::X, axis));
    let world_frame = bodies[child].pose.compose(&frame_in_child);
    let frame_in_parent = match parent {
        Some(p) => bodies[p].pose.inverse().compose(&world_frame),
        None => world_frame,
    };
    let joint = Joint {
        name: desc.name,
        kind: desc.kind,
        parent,
        child,
        frame_in_parent,
        frame_in_child,
        limits: desc.limits,
        limit_softness: desc.limit_softness,
        limit_impedance: desc.limit_impedance,
        damping: desc.damping,
        armature: desc.armature,
        stiffness: desc.stiffness,
        spring_reference: desc.spring_reference,
        collide_connected: desc.collide_connected,
        position_offset: 0,
        velocity_offset: 0,
    };
    check_joint_parameters(&joint, element)?;
    Ok(joint)
}

/// Checks what a joint joins: bodies that exist, not a body to itself nor two static ones,
/// and a free joint only as a dynamic body's one joint, to the world. `earlier` are the
/// scene's joints before this one.
pub(crate) fn check_joint_bodies(
    parent: Option<usize>,
    child: usize,
    kind: JointKind,
    bodies: &[Body],
    earlier: &[Joint],
    element: &str,
) -> Result<(), SceneError> {
    body_exists(child, bodies, element)?;
    if let Some(p) = parent {
        body_exists(p, bodies, element)?;
        if p == child {
            return Err(invalid(element, format!("joins body {child} to itself")));
        }
    }
    let child_dynamic = bodies[child].is_dynamic();
    let parent_dynamic = parent.is_some_and(|p| bodies[p].is_dynamic());
    if !child_dynamic && !parent_dynamic {
        return Err(invalid(
            element,
            "joins two static bodies (or a static body to the world)",
        ));
    }
    if kind == JointKind::Free {
        if parent.is_some() {
            return Err(invalid(element, "a free joint has no parent body"));
        }
        if !child_dynamic {
            return Err(invalid(element, "a free joint's body must be dynamic"));
        }
    }
    // A floating root is free of every other joint.
    for other in earlier.iter().filter(|o| o.child == child) {
        if kind == JointKind::Free || other.kind == JointKind::Free {
            return Err(invalid(
                element,
                format!(
                    "body {child} already has joint \"{}\"; a free joint must be its body's only parent joint",
                    other.name
                ),
            ));
        }
    }
    // Joints between the same two bodies form one compound joint (compound_joint.rs).
    let siblings: Vec<&Joint> = earlier
        .iter()
        .filter(|o| o.child == child && o.parent == parent)
        .collect();
    if let Some(other) = siblings.first() {
        if !kind.is_single_axis() || !other.kind.is_single_axis() {
            return Err(invalid(
                element,
                format!(
                    "joins the same bodies as joint \"{}\": several joints between two bodies must all be revolute or prismatic (a {} and a {} joint here)",
                    other.name,
                    other.kind.name(),
                    kind.name()
                ),
            ));
        }
        let follows = earlier
            .last()
            .is_some_and(|o| o.child == child && o.parent == parent);
        if !follows {
            return Err(invalid(
                element,
                format!(
                    "joins the same bodies as joint \"{}\" but does not follow it: add a body's joints to one parent one after another",
                    other.name
                ),
            ));
        }
        if siblings.len() >= MAX_COMPOUND_AXES {
            return Err(invalid(
                element,
                format!("more than {MAX_COMPOUND_AXES} joints between the same two bodies"),
            ));
        }
    }
    Ok(())
}

/// Checks a joint's limits, damping, armature and spring against its kind.
pub(crate) fn check_joint_parameters(joint: &Joint, element: &str) -> Result<(), SceneError> {
    let kind = joint.kind;
    let single_axis = kind.is_single_axis();
    if let Some((lower, upper)) = joint.limits {
        if !single_axis {
            return Err(invalid(
                element,
                format!("a {} joint cannot have limits", kind.name()),
            ));
        }
        // Anywhere on the real line: a revolute joint's q counts turns.
        in_range(lower, -f32::MAX, f32::MAX, element, "lower limit")?;
        in_range(upper, -f32::MAX, f32::MAX, element, "upper limit")?;
        if lower > upper {
            return Err(invalid(
                element,
                format!("lower limit {lower} is above upper limit {upper}"),
            ));
        }
    }
    if let Some((hertz, damping_ratio)) = joint.limit_softness {
        positive(hertz, element, "limit softness frequency")?;
        non_negative(damping_ratio, element, "limit softness damping ratio")?;
        if let Some(problem) = joint.limit_impedance.problem() {
            return Err(invalid(element, format!("limit {problem}")));
        }
    }
    non_negative(joint.damping, element, "damping")?;
    non_negative(joint.armature, element, "armature")?;
    non_negative(joint.stiffness, element, "stiffness")?;
    in_range(
        joint.spring_reference,
        -f32::MAX,
        f32::MAX,
        element,
        "spring_reference",
    )?;
    let unsupported = |field: &str, value: f32, kinds: &str| {
        if value != 0.0 {
            Err(invalid(
                element,
                format!(
                    "{field} is only supported on {kinds} joints, not {}",
                    kind.name()
                ),
            ))
        } else {
            Ok(())
        }
    };
    if !single_axis {
        unsupported("armature", joint.armature, "revolute and prismatic")?;
        unsupported("stiffness", joint.stiffness, "revolute and prismatic")?;
    }
    if matches!(kind, JointKind::Fixed | JointKind::Free) {
        unsupported(
            "damping",
            joint.damping,
            "revolute, prismatic and spherical",
        )?;
    }
    Ok(())
}

/// Checks every actuator against the joints it drives.
pub(crate) fn validate_actuators(
    actuators: &[Actuator],
    joints: &[Joint],
) -> Result<(), SceneError> {
    let mut servo_of_joint: Vec<Option<usize>> = vec![None; joints.len()];
    for (index, a) in actuators.iter().enumerate() {
        let element = format!("actuator {index} \"{}\"", a.name);
        let element = element.as_str();
        let joint = joints
            .get(a.joint)
            .ok_or_else(|| SceneError::MissingReference {
                element: element.to_owned(),
                what: "joint",
                index: a.joint,
                count: joints.len(),
            })?;
        if !joint.kind.is_single_axis() {
            return Err(invalid(
                element,
                format!(
                    "drives joint \"{}\", a {} joint; actuators drive revolute and prismatic joints",
                    joint.name,
                    joint.kind.name()
                ),
            ));
        }
        in_range(a.gear, -f32::MAX, f32::MAX, element, "gear")?;
        if a.gear == 0.0 {
            return Err(invalid(element, "gear is zero"));
        }
        if let Some((lower, upper)) = a.control_range {
            in_range(lower, -f32::MAX, f32::MAX, element, "control range lower")?;
            in_range(upper, -f32::MAX, f32::MAX, element, "control range upper")?;
            if lower > upper {
                return Err(invalid(
                    element,
                    format!("control range [{lower}, {upper}] is empty"),
                ));
            }
        }
        if let Some(limit) = a.force_limit {
            positive(limit, element, "force_limit")?;
        }
        if a.kind != ActuatorKind::Motor {
            if let Some(other) = servo_of_joint[a.joint] {
                return Err(invalid(
                    element,
                    format!(
                        "joint \"{}\" already has servo actuator {other}; a joint takes one servo",
                        joint.name
                    ),
                ));
            }
            servo_of_joint[a.joint] = Some(index);
        }
        match a.kind {
            ActuatorKind::Motor => {}
            ActuatorKind::Position { kp, kv } => {
                positive(kp, element, "kp")?;
                non_negative(kv, element, "kv")?;
            }
            ActuatorKind::Velocity { kv } => positive(kv, element, "kv")?,
        }
    }
    Ok(())
}

/// The body pairs that never collide: user exclusions and bodies joined by a joint (unless
/// it says otherwise). Sorted, each pair (lower, higher).
pub(crate) fn excluded_pairs(
    exclusions: &[(usize, usize)],
    joints: &[Joint],
    bodies: &[Body],
) -> Result<Vec<(u32, u32)>, SceneError> {
    let mut pairs = Vec::new();
    for (k, &(a, b)) in exclusions.iter().enumerate() {
        let element = format!("collision exclusion {k}");
        body_exists(a, bodies, &element)?;
        body_exists(b, bodies, &element)?;
        pairs.push((a.min(b) as u32, a.max(b) as u32));
    }
    pairs.extend(joint_pairs(joints));
    pairs.sort_unstable();
    pairs.dedup();
    Ok(pairs)
}

/// The body pairs the joints keep from colliding (all but those that collide connected),
/// each (lower, higher), sorted.
pub(crate) fn joint_pairs(joints: &[Joint]) -> Vec<(u32, u32)> {
    let mut pairs: Vec<(u32, u32)> = joints
        .iter()
        .filter(|j| !j.collide_connected)
        .filter_map(|j| {
            j.parent
                .map(|p| (p.min(j.child) as u32, p.max(j.child) as u32))
        })
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}
