//! MJCF `<joint>` and `<freejoint>`. manyworlds measures q from the pose the file gives the
//! bodies, MuJoCo from the joint's `ref`: limits and spring references are shifted by `ref`.

use glam::Vec3;
use manyworlds_core::{Impedance, JointDesc, JointKind};

use super::orientation::AngleConvention;
use crate::attributes::Attributes;
use crate::error::{ImportError, Problem};
use crate::Warnings;

/// Joint attributes that tune MuJoCo's solver, with no counterpart here.
const SOLVER_TUNING: [&str; 4] = [
    "solreffriction",
    "solimpfriction",
    "margin",
    "actuatorfrcrange",
];

pub struct JointSettings {
    pub autolimits: bool,
    /// `<flag limit>`: joint limits act (else every range is dropped).
    pub limits: bool,
    /// `<flag passive>`: joint springs and dampers act.
    pub passive: bool,
    /// The model's time step, s (MuJoCo keeps a limit's time constant at least twice it).
    pub timestep: f32,
}

/// A joint read from the file; anchor and axis in the body frame.
pub struct ReadJoint {
    pub desc: JointDesc,
    /// MuJoCo's `ref`: q in MuJoCo = q here + reference.
    pub reference: f32,
}

pub fn read_free_joint(a: &Attributes, fallback_name: String) -> ReadJoint {
    let name = a.get("name").map_or(fallback_name, str::to_string);
    ReadJoint {
        desc: JointDesc::free(name),
        reference: 0.0,
    }
}

pub fn read_joint(
    a: &Attributes,
    angles: &AngleConvention,
    settings: &JointSettings,
    fallback_name: String,
    warnings: &mut Warnings,
) -> Result<ReadJoint, ImportError> {
    let name = a.get("name").map_or(fallback_name, str::to_string);
    let kind = match a.keyword("type", &["hinge", "slide", "ball", "free"], "hinge")? {
        "hinge" => JointKind::Revolute,
        "slide" => JointKind::Prismatic,
        "ball" => JointKind::Spherical,
        _ => JointKind::Free,
    };
    if kind == JointKind::Free {
        return Ok(read_free_joint(a, name));
    }
    // A hinge's angles are in the compiler's unit; lengths always in metres.
    let value = |v: f64| {
        if kind == JointKind::Revolute {
            angles.angle(v)
        } else {
            v as f32
        }
    };
    let axis = a.vec3("axis")?.unwrap_or(Vec3::Z);
    if kind.is_single_axis() && axis.length() == 0.0 {
        return Err(a
            .element
            .error(Problem::Invalid("`axis` has zero length".into())));
    }
    let reference = value(a.number_or("ref", 0.0)?);
    let passive = if settings.passive { 1.0 } else { 0.0 };
    let mut desc = JointDesc::new(name.clone(), kind)
        .at(a.vec3("pos")?.unwrap_or(Vec3::ZERO))
        .axis(axis)
        .damping(a.non_negative("damping", 0.0)? as f32 * passive)
        .armature(a.non_negative("armature", 0.0)? as f32);
    let stiffness = a.non_negative("stiffness", 0.0)? as f32 * passive;
    if stiffness > 0.0 {
        let spring_reference = value(a.number_or("springref", 0.0)?);
        desc = desc.spring(stiffness, spring_reference - reference);
    }
    let range = a.array::<2>("range")?;
    let limited = match a.tristate("limited")? {
        Some(limited) => limited,
        None => range.is_some() && settings.autolimits,
    };
    if limited && settings.limits {
        let [lower, upper] = range.ok_or_else(|| {
            a.element
                .error(Problem::Invalid("limited=\"true\" needs a `range`".into()))
        })?;
        if lower > upper {
            return Err(a.element.error(Problem::Invalid(format!(
                "`range` lower limit {lower} is above the upper {upper}"
            ))));
        }
        if kind == JointKind::Spherical {
            warnings.add("ball joint range (a cone limit) ignored: not simulated yet");
        } else {
            let ((hertz, ratio), impedance) = soft_limit(a, settings.timestep)?;
            desc = desc
                .limits(value(lower) - reference, value(upper) - reference)
                .soft_limits(hertz, ratio)
                .limit_impedance(impedance);
        }
    }
    if a.number_or("frictionloss", 0.0)? != 0.0 {
        warnings.add("joint `frictionloss` ignored: dry joint friction is not simulated yet");
    }
    for attribute in SOLVER_TUNING {
        if a.element.attribute(attribute).is_some() {
            warnings.add(format!("joint `{attribute}` ignored: MuJoCo solver tuning"));
        }
    }
    if !kind.is_single_axis() && (desc.armature > 0.0 || stiffness > 0.0) {
        warnings.add(format!(
            "{} joint armature and stiffness ignored (single-axis joints only)",
            kind.name()
        ));
    }
    Ok(ReadJoint { desc, reference })
}

/// MuJoCo's default `solreflimit`: a 20 ms time constant, critically damped.
const DEFAULT_SOLREF: [f64; 2] = [0.02, 1.0];

/// MuJoCo's soft limit from `solreflimit` and `solimplimit` (core's limit_impedance.rs has
/// the law): the reference spring's natural frequency (Hz) and damping ratio at full
/// impedance, and the impedance curve. MuJoCo's reference acceleration is
/// a_ref = −b v − k d(r) r, with b = 2/(d_max τ) and k = 1/(d_max² τ² ζ²) for a positive
/// time constant τ (at least twice the time step, `refsafe`) and damping ratio ζ, or
/// b = −solref[1]/d_max and k = −solref[0]/d_max² for negative values. Weighted by d(r), at
/// d = d_max that is a spring–damper of ω = 1/(τ ζ) and damping ratio ζ, or ω = √(−solref[0])
/// and ζ = −solref[1] / (2ω). The impedances are clamped to MuJoCo's bounds as MuJoCo does.
fn soft_limit(a: &Attributes, timestep: f32) -> Result<((f32, f32), Impedance), ImportError> {
    let [first, second] = a.array::<2>("solreflimit")?.unwrap_or(DEFAULT_SOLREF);
    let bad = |expected: &str| a.bad("solreflimit", &format!("{first} {second}"), expected);
    let impedance = match a.numbers("solimplimit")? {
        None => Impedance::default(),
        Some(values) if (3..=5).contains(&values.len()) => {
            let bound = |d: f64| (d as f32).clamp(Impedance::LOWEST, Impedance::HIGHEST);
            let default = Impedance::default();
            let impedance = Impedance {
                min: bound(values[0]),
                max: bound(values[1]),
                width: values[2] as f32,
                midpoint: values.get(3).map_or(default.midpoint, |&v| v as f32),
                power: values.get(4).map_or(default.power, |&v| v as f32),
            };
            if let Some(problem) = impedance.problem() {
                return Err(a.bad("solimplimit", &format!("{values:?}"), &problem));
            }
            impedance
        }
        Some(values) => {
            return Err(a.bad(
                "solimplimit",
                &format!("{values:?}"),
                "three to five numbers (dmin dmax width [midpoint power])",
            ))
        }
    };
    let (omega, zeta) = if first > 0.0 && second > 0.0 {
        let time_constant = first.max(2.0 * f64::from(timestep));
        (1.0 / (time_constant * second), second)
    } else if first < 0.0 && second <= 0.0 {
        let omega = (-first).sqrt();
        (omega, -second / (2.0 * omega))
    } else {
        return Err(bad(
            "a positive time constant and damping ratio, or a negative stiffness and a \
             non-positive damping",
        ));
    };
    let hertz = omega / std::f64::consts::TAU;
    if !(hertz.is_finite() && hertz > 0.0 && zeta.is_finite()) || hertz as f32 == 0.0 {
        return Err(bad("values that give a finite stiffness"));
    }
    Ok(((hertz as f32, zeta as f32), impedance))
}
