//! MJCF `<option><flag>`: which parts of the physics a model switches off. Honoured: `gravity`,
//! `contact`, `limit`, `constraint` (contacts and limits; the equality constraints and joint
//! friction it also covers are not simulated here), `passive` (joint springs and dampers),
//! `clampctrl` and `filterparent`. Refused by name: `actuation="disable"` (actuators here
//! always act). The rest change nothing manyworlds simulates and are listed in the warnings.

use crate::attributes::Attributes;
use crate::document::Element;
use crate::error::{ImportError, Problem};
use crate::Warnings;

/// What a model leaves switched on (all of it unless a `<flag>` says otherwise).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flags {
    pub gravity: bool,
    pub contact: bool,
    pub limit: bool,
    /// Joint springs and dampers.
    pub passive: bool,
    /// Controls clamped to their actuator's `ctrlrange`.
    pub clamp_controls: bool,
    /// A body never collides with its parent body.
    pub filter_parent: bool,
}

impl Default for Flags {
    fn default() -> Self {
        Flags {
            gravity: true,
            contact: true,
            limit: true,
            passive: true,
            clamp_controls: true,
            filter_parent: true,
        }
    }
}

/// Flags (MuJoCo's `disable` flags, on by default) that only tune its own solver or
/// features not simulated here: switching them off changes nothing.
const NO_EFFECT_HERE: [&str; 9] = [
    "equality",
    "frictionloss",
    "warmstart",
    "refsafe",
    "sensor",
    "midphase",
    "eulerdamp",
    "autoreset",
    "nativeccd",
];

/// MuJoCo's `enable` flags (off by default): none has a counterpart here.
const ENABLE_FLAGS: [&str; 7] = [
    "override",
    "energy",
    "fwdinv",
    "invdiscrete",
    "multiccd",
    "island",
    "sleep",
];

/// Reads `flag` (a child of `<option>`) into `flags`.
pub fn read_flags(
    flag: &Element,
    flags: &mut Flags,
    warnings: &mut Warnings,
) -> Result<(), ImportError> {
    let a = Attributes::new(flag, &[]);
    for (key, _) in &flag.attributes {
        let enabled = a.keyword(key, &["enable", "disable"], "enable")? == "enable";
        match key.as_str() {
            "gravity" => flags.gravity = enabled,
            "contact" => flags.contact = enabled,
            "limit" => flags.limit = enabled,
            "passive" => flags.passive = enabled,
            "clampctrl" => flags.clamp_controls = enabled,
            "filterparent" => flags.filter_parent = enabled,
            "constraint" => {
                flags.contact &= enabled;
                flags.limit &= enabled;
            }
            "actuation" if !enabled => {
                return Err(flag.error(Problem::Invalid(
                    "`actuation=\"disable\"` is not supported: actuators always act here \
                     (remove the <actuator> elements instead)"
                        .into(),
                )))
            }
            "actuation" => {}
            name if NO_EFFECT_HERE.contains(&name) => {
                if !enabled {
                    warnings.add(format!(
                        "<flag {name}=\"disable\"> changes nothing: not simulated here"
                    ));
                }
            }
            name if ENABLE_FLAGS.contains(&name) => {
                if enabled {
                    warnings.add(format!(
                        "<flag {name}=\"enable\"> ignored: no counterpart in manyworlds"
                    ));
                }
            }
            other => warnings.add(format!("<flag {other}> ignored: unknown flag")),
        }
    }
    Ok(())
}
