//! URDF `<joint>`: its kind, frame (the child link's frame, in the parent link's), axis,
//! limits and damping.

use glam::Vec3;
use manyworlds_core::{JointDesc, JointKind, Pose};

use super::drives::JointLimits;
use super::geometry::origin_of;
use crate::attributes::Attributes;
use crate::document::Element;
use crate::error::{ImportError, Problem};
use crate::Warnings;

pub struct ReadJoint<'a> {
    pub parent: &'a str,
    pub child: &'a str,
    /// The child link's frame in the parent link's.
    pub origin: Pose,
    /// None for a fixed joint (the child is welded to its parent).
    pub desc: Option<JointDesc>,
    /// Position, effort and velocity limits, for drives.
    pub limits: JointLimits,
}

fn link_of<'a>(joint: &'a Element, role: &'static str) -> Result<&'a str, ImportError> {
    let element = joint
        .children_named(role)
        .next()
        .ok_or_else(|| joint.error(Problem::Invalid(format!("no <{role}>"))))?;
    element
        .attribute("link")
        .ok_or_else(|| element.error(Problem::MissingAttribute("link")))
}

/// Reads a `<joint>`; `driven` when drives will use its effort limit (no warning then).
pub fn read_joint<'a>(
    joint: &'a Element,
    driven: bool,
    warnings: &mut Warnings,
) -> Result<ReadJoint<'a>, ImportError> {
    let a = Attributes::new(joint, &[]);
    let name = a.required("name")?;
    let kind = a.required("type")?;
    let parent = link_of(joint, "parent")?;
    let child = link_of(joint, "child")?;
    let origin = origin_of(joint)?;
    let axis = match joint.children_named("axis").next() {
        Some(e) => Attributes::new(e, &[]).vec3("xyz")?.unwrap_or(Vec3::X),
        None => Vec3::X,
    };
    let limit = joint.children_named("limit").next();
    let limits = |required: bool| -> Result<Option<(f32, f32)>, ImportError> {
        let Some(limit) = limit else {
            return if required {
                Err(joint.error(Problem::Invalid(format!("a {kind} joint needs a <limit>"))))
            } else {
                Ok(None)
            };
        };
        let l = Attributes::new(limit, &[]);
        let (lower, upper) = (l.number_or("lower", 0.0)?, l.number_or("upper", 0.0)?);
        if lower > upper {
            return Err(limit.error(Problem::Invalid(format!(
                "lower limit {lower} is above the upper {upper}"
            ))));
        }
        Ok(Some((lower as f32, upper as f32)))
    };
    let desc = match kind {
        "fixed" => None,
        "revolute" | "continuous" | "prismatic" => {
            if axis.length() == 0.0 {
                return Err(joint.error(Problem::Invalid("the <axis> has zero length".into())));
            }
            let joint_kind = if kind == "prismatic" {
                JointKind::Prismatic
            } else {
                JointKind::Revolute
            };
            let mut desc = JointDesc::new(name, joint_kind).axis(axis);
            if kind != "continuous" {
                if let Some((lo, hi)) = limits(true)? {
                    desc = desc.limits(lo, hi);
                }
            }
            Some(desc)
        }
        "floating" => Some(JointDesc::free(name)),
        "planar" => {
            return Err(joint.error(Problem::Unsupported(
                "planar joints are not supported yet".into(),
            )))
        }
        other => {
            return Err(joint.error(Problem::BadValue {
                attribute: "type".into(),
                value: other.into(),
                expected: "revolute, continuous, prismatic, fixed, floating or planar".into(),
            }))
        }
    };
    let desc = match (desc, joint.children_named("dynamics").next()) {
        (Some(d), Some(dynamics)) => {
            let da = Attributes::new(dynamics, &[]);
            if da.number_or("friction", 0.0)? != 0.0 {
                warnings.add(
                    "joint dynamics `friction` ignored: dry joint friction is not simulated yet",
                );
            }
            Some(d.damping(da.non_negative("damping", 0.0)? as f32))
        }
        (d, _) => d,
    };
    for ignored in ["mimic", "calibration", "safety_controller"] {
        if joint.children_named(ignored).next().is_some() {
            warnings.add(format!("joint <{ignored}> ignored"));
        }
    }
    let mut drive_limits = JointLimits {
        position: desc.as_ref().and_then(|d| d.limits),
        ..JointLimits::default()
    };
    if let Some(limit) = limit {
        let l = Attributes::new(limit, &[]);
        let positive = |v: f64| (v > 0.0).then_some(v as f32);
        drive_limits.effort = l.number("effort")?.and_then(positive);
        drive_limits.velocity = l.number("velocity")?.and_then(positive);
        if !driven && limit.attribute("effort").is_some() {
            warnings.add("joint effort and velocity limits ignored: URDF has no actuators (add drives with ImportOptions::drives or --drive)");
        }
    }
    Ok(ReadJoint {
        parent,
        child,
        origin,
        desc,
        limits: drive_limits,
    })
}
