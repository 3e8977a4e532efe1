//! MJCF tendons. A fixed tendon is a length L = Σ cᵢ qᵢ over joints; it exerts force only
//! through its stiffness, damping, friction loss or limits (MuJoCo's defaults: none of them).
//! One without any, as gymnasium's humanoid's hip-knee tendons, changes nothing and is
//! accepted once its joints are checked. One that acts, and spatial tendons, are not simulated
//! yet: an error, or dropped with a warning when lenient.

use std::collections::HashMap;

use crate::attributes::Attributes;
use crate::document::Element;
use crate::error::{ImportError, Problem};
use crate::{ImportOptions, Warnings};

use super::defaults::{Defaults, MAIN};

/// Checks the tendons of one `<tendon>` block.
pub fn check_tendons(
    block: &Element,
    defaults: &Defaults,
    joint_names: &HashMap<String, (usize, f32)>,
    options: &ImportOptions,
    warnings: &mut Warnings,
) -> Result<(), ImportError> {
    for tendon in &block.children {
        let name = tendon.attribute("name").unwrap_or("unnamed").to_string();
        let what = match tendon.name.as_str() {
            "fixed" => {
                check_joints(tendon, joint_names)?;
                match forces_of(tendon, defaults)? {
                    Some(force) => format!("fixed tendon \"{name}\" with {force}"),
                    None => continue,
                }
            }
            "spatial" => format!("spatial tendon \"{name}\""),
            other => format!("<{other}> in <tendon>"),
        };
        let problem = Problem::Unsupported(format!(
            "{what} is not simulated yet (the `lenient` option drops it with a warning)"
        ));
        if !options.lenient {
            return Err(tendon.error(problem));
        }
        warnings.add(format!("{what} dropped: not simulated yet"));
    }
    Ok(())
}

/// Every `<joint joint="…" coef="…">` of a fixed tendon names a joint of the model.
fn check_joints(
    tendon: &Element,
    joint_names: &HashMap<String, (usize, f32)>,
) -> Result<(), ImportError> {
    for entry in tendon.children_named("joint") {
        let a = Attributes::new(entry, &[]);
        let joint = a.required("joint")?;
        a.number_or("coef", 1.0)?;
        if !joint_names.contains_key(joint) {
            return Err(entry.error(Problem::MissingReference {
                what: "joint",
                name: joint.into(),
            }));
        }
    }
    Ok(())
}

/// What makes the tendon exert a force, if anything.
fn forces_of(tendon: &Element, defaults: &Defaults) -> Result<Option<&'static str>, ImportError> {
    let class = defaults.class_of(tendon, MAIN)?;
    let a = Attributes::new(tendon, defaults.values(class, "tendon"));
    let limited = a.tristate("limited")?;
    let range = a
        .array::<2>("range")?
        .filter(|[lo, hi]| lo != hi || *lo != 0.0);
    Ok(if a.non_negative("stiffness", 0.0)? > 0.0 {
        Some("stiffness")
    } else if a.non_negative("damping", 0.0)? > 0.0 {
        Some("damping")
    } else if a.non_negative("frictionloss", 0.0)? > 0.0 {
        Some("friction loss")
    } else if limited == Some(true) || (limited.is_none() && range.is_some()) {
        Some("a length range")
    } else {
        None
    })
}
