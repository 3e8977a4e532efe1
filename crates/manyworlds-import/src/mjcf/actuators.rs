//! MJCF `<actuator>`: `motor`, `position`, `velocity`, and `general` where it is one of them
//! (fixed gain, no dynamics, no bias or a PD bias). Each acts on one hinge or slide.

use std::collections::HashMap;

use manyworlds_core::{Actuator, JointKind};

use super::defaults::{Defaults, MAIN};
use crate::attributes::Attributes;
use crate::document::Element;
use crate::error::{ImportError, Problem};
use crate::{ImportOptions, Warnings};

pub struct ActuatorContext<'a> {
    pub defaults: &'a Defaults,
    /// MJCF joint name → (joint index, its `ref`).
    pub joint_names: &'a HashMap<String, (usize, f32)>,
    pub joint_kinds: &'a [JointKind],
    pub autolimits: bool,
    /// `<flag clampctrl>`: controls are clamped to `ctrlrange`.
    pub clamp_controls: bool,
    pub options: &'a ImportOptions,
}

/// A range attribute with its `…limited` flag (auto: limited when the range is given).
fn limited_range(
    a: &Attributes,
    range: &str,
    flag: &str,
    autolimits: bool,
) -> Result<Option<(f32, f32)>, ImportError> {
    let values = a.array::<2>(range)?;
    let limited = a.tristate(flag)?.unwrap_or(values.is_some() && autolimits);
    if !limited {
        return Ok(None);
    }
    let [lower, upper] = values.ok_or_else(|| {
        a.element.error(Problem::Invalid(format!(
            "{flag}=\"true\" needs a `{range}`"
        )))
    })?;
    if lower > upper {
        return Err(a.element.error(Problem::Invalid(format!(
            "`{range}` lower bound {lower} is above the upper {upper}"
        ))));
    }
    Ok(Some((lower as f32, upper as f32)))
}

/// What a `general` actuator amounts to.
enum General {
    Motor { gain: f32 },
    Position { kp: f32, kv: f32 },
    Velocity { kv: f32 },
}

fn classify_general(a: &Attributes) -> Result<General, ImportError> {
    let unsupported = |what: String| a.element.error(Problem::Unsupported(what));
    if a.keyword(
        "dyntype",
        &[
            "none",
            "integrator",
            "filter",
            "filterexact",
            "muscle",
            "user",
        ],
        "none",
    )? != "none"
    {
        return Err(unsupported(
            "a general actuator with activation dynamics".into(),
        ));
    }
    if a.keyword("gaintype", &["fixed", "affine", "muscle", "user"], "fixed")? != "fixed" {
        return Err(unsupported(
            "a general actuator whose gain is not fixed".into(),
        ));
    }
    let gain = a.numbers("gainprm")?.unwrap_or_else(|| vec![1.0]);
    let bias = a.numbers("biasprm")?.unwrap_or_default();
    let g = gain.first().copied().unwrap_or(1.0) as f32;
    let b = |i: usize| bias.get(i).copied().unwrap_or(0.0) as f32;
    match a.keyword("biastype", &["none", "affine", "muscle", "user"], "none")? {
        "none" => Ok(General::Motor { gain: g }),
        "affine" if b(0) == 0.0 && b(1) == -g && g > 0.0 => {
            Ok(General::Position { kp: g, kv: -b(2) })
        }
        "affine" if b(0) == 0.0 && b(1) == 0.0 && b(2) == -g && g > 0.0 => {
            Ok(General::Velocity { kv: g })
        }
        _ => Err(unsupported(
            "a general actuator whose bias is not that of a position or velocity servo".into(),
        )),
    }
}

/// Reads every actuator of an `<actuator>` block.
pub fn read_actuators(
    block: &Element,
    context: &ActuatorContext,
    warnings: &mut Warnings,
    out: &mut Vec<Actuator>,
) -> Result<(), ImportError> {
    for element in &block.children {
        match read_actuator(element, out.len(), context, warnings) {
            Ok(actuator) => out.push(actuator),
            Err(e)
                if context.options.lenient
                    && matches!(e.problem(), Some(Problem::Unsupported(_))) =>
            {
                warnings.add(format!("dropped an actuator: {e}"));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn read_actuator(
    element: &Element,
    index: usize,
    context: &ActuatorContext,
    warnings: &mut Warnings,
) -> Result<Actuator, ImportError> {
    let kind = element.name.as_str();
    if !["motor", "position", "velocity", "general"].contains(&kind) {
        return Err(element.error(Problem::Unsupported(format!(
            "<{kind}> actuators are not supported yet"
        ))));
    }
    let class = context.defaults.class_of(element, MAIN)?;
    let a = Attributes::new(element, context.defaults.values(class, kind));
    let name = a
        .get("name")
        .map_or_else(|| format!("actuator{index}"), str::to_string);
    let Some(joint_name) = a.get("joint") else {
        let target = ["tendon", "site", "body", "jointinparent"]
            .into_iter()
            .find(|t| a.has(t));
        return Err(match target {
            Some(t) => element.error(Problem::Unsupported(format!(
                "an actuator on a {t} (only joints are supported)"
            ))),
            None => element.error(Problem::MissingAttribute("joint")),
        });
    };
    let &(joint, reference) = context.joint_names.get(joint_name).ok_or_else(|| {
        element.error(Problem::MissingReference {
            what: "joint",
            name: joint_name.into(),
        })
    })?;
    if !context.joint_kinds[joint].is_single_axis() {
        return Err(element.error(Problem::Unsupported(format!(
            "an actuator on the {} joint \"{joint_name}\" (hinges and slides only)",
            context.joint_kinds[joint].name()
        ))));
    }
    let gear = a.leading::<1>("gear")?.map_or(1.0, |[g]| g as f32);
    let control_range = limited_range(&a, "ctrlrange", "ctrllimited", context.autolimits)?
        .filter(|_| context.clamp_controls);
    let force_range = limited_range(&a, "forcerange", "forcelimited", context.autolimits)?;
    let shape = match kind {
        "motor" => General::Motor { gain: 1.0 },
        "position" => General::Position {
            kp: a.non_negative("kp", 1.0)? as f32,
            kv: a.non_negative("kv", 0.0)? as f32,
        },
        "velocity" => General::Velocity {
            kv: a.non_negative("kv", 1.0)? as f32,
        },
        _ => classify_general(&a)?,
    };
    let mut actuator = match shape {
        General::Motor { gain } => {
            // The force is gain × control: a force range narrows the control range.
            let mut range = control_range;
            if let Some((lo, hi)) = force_range {
                let (flo, fhi) = if gain > 0.0 {
                    (lo / gain, hi / gain)
                } else {
                    (hi / gain, lo / gain)
                };
                let (clo, chi) = range.unwrap_or((f32::NEG_INFINITY, f32::INFINITY));
                range = Some((clo.max(flo), chi.min(fhi)));
            }
            let mut m = Actuator::motor(name, joint, gear * gain);
            if let Some((lo, hi)) = range {
                m = m.control_range(lo, hi);
            }
            return Ok(m);
        }
        General::Position { kp, kv } => {
            if reference != 0.0 {
                warnings.add(format!(
                    "position actuator \"{name}\": its joint has a `ref`; targets are measured from the file's pose"
                ));
            }
            Actuator::position(name, joint, kp, kv).gear(gear)
        }
        General::Velocity { kv } => Actuator::velocity(name, joint, kv).gear(gear),
    };
    if let Some((lo, hi)) = control_range {
        actuator = actuator.control_range(lo, hi);
    }
    if let Some((lo, hi)) = force_range {
        if lo != -hi {
            warnings
                .add("asymmetric actuator forcerange: the larger magnitude bounds both directions");
        }
        actuator = actuator.force_limit(lo.abs().max(hi.abs()));
    }
    Ok(actuator)
}
