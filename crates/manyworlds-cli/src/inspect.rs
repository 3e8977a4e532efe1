//! `manyworlds inspect FILE`: what a model file becomes in manyworlds.

use std::fmt::Write as _;

use manyworlds::import::Imported;
use manyworlds::{ActuatorKind, BodyKind, Scene, Shape};

use crate::error::CliError;
use crate::model_file::load_model;
use crate::InspectArgs;

pub fn inspect(args: &InspectArgs) -> Result<(), CliError> {
    let options = args.model.import_options();
    let imported = load_model(&args.file, options)?;
    print!("{}", describe(&args.file.display().to_string(), &imported));
    Ok(())
}

fn shape(shape: &Shape) -> String {
    match *shape {
        Shape::Plane => "plane".into(),
        Shape::Sphere { radius } => format!("sphere r {radius:.4}"),
        Shape::Capsule {
            half_length,
            radius,
        } => format!("capsule r {radius:.4} length {:.4}", 2.0 * half_length),
        Shape::Cuboid { half_extents: h } => {
            format!("box {:.4} x {:.4} x {:.4}", 2.0 * h.x, 2.0 * h.y, 2.0 * h.z)
        }
        Shape::Cylinder {
            half_length,
            radius,
        } => format!("cylinder r {radius:.4} length {:.4}", 2.0 * half_length),
        Shape::Hull { hull, scale } => format!(
            "hull {} scaled {:.4} x {:.4} x {:.4}",
            hull.0, scale.x, scale.y, scale.z
        ),
    }
}

fn body_name(scene: &Scene, body: Option<usize>) -> &str {
    body.map_or("world", |b| scene.bodies()[b].name.as_str())
}

/// The report, as printed.
fn describe(file: &str, imported: &Imported) -> String {
    let scene = &imported.scene;
    let params = &imported.params;
    let mut out = String::new();
    let _ = writeln!(out, "{file}");
    let _ = writeln!(
        out,
        "step: dt {} s, {} substeps, gravity ({}, {}, {})",
        params.dt, params.substeps, params.gravity.x, params.gravity.y, params.gravity.z
    );
    let _ = writeln!(out, "\nbodies ({}):", scene.body_count());
    for body in scene.bodies() {
        let kind = match body.kind {
            BodyKind::Static => "static".to_string(),
            BodyKind::Dynamic => format!("{:.4} kg", body.mass.mass),
        };
        let p = body.pose.position;
        let _ = writeln!(
            out,
            "  {:<24} {kind:<12} at ({:.3}, {:.3}, {:.3})",
            body.name, p.x, p.y, p.z
        );
        for collider in &scene.colliders()[body.colliders.clone()] {
            let _ = writeln!(
                out,
                "      {} friction {}",
                shape(&collider.shape),
                collider.material.friction
            );
        }
    }
    let _ = writeln!(out, "\njoints ({}):", scene.joints().len());
    for joint in scene.joints() {
        let limits = joint
            .limits
            .map(|(lo, hi)| format!(" limits [{lo:.4}, {hi:.4}]"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {:<24} {:<10} {} -> {}{limits} damping {} armature {} stiffness {}",
            joint.name,
            joint.kind.name(),
            body_name(scene, joint.parent),
            body_name(scene, Some(joint.child)),
            joint.damping,
            joint.armature,
            joint.stiffness
        );
    }
    let _ = writeln!(out, "\nactuators ({}):", scene.actuators().len());
    for actuator in scene.actuators() {
        let gains = match actuator.kind {
            ActuatorKind::Motor => String::new(),
            ActuatorKind::Position { kp, kv } => format!(" kp {kp} kv {kv}"),
            ActuatorKind::Velocity { kv } => format!(" kv {kv}"),
        };
        let range = actuator
            .control_range
            .map(|(lo, hi)| format!(" control [{lo}, {hi}]"))
            .unwrap_or_default();
        let limit = actuator
            .force_limit
            .map(|f| format!(" force limit {f}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {:<24} {:<8} on {} gear {}{gains}{range}{limit}",
            actuator.name,
            actuator.kind.name(),
            scene.joints()[actuator.joint].name,
            actuator.gear
        );
    }
    let repairs: Vec<&str> = imported.warnings.repairs().collect();
    let _ = writeln!(out, "\nrepairs ({}):", repairs.len());
    for repair in repairs {
        let _ = writeln!(out, "  {repair}");
    }
    let _ = writeln!(out, "\nwarnings ({}):", imported.warnings.len());
    for (warning, count) in imported.warnings.iter() {
        let times = if count > 1 {
            format!(" (x{count})")
        } else {
            String::new()
        };
        let _ = writeln!(out, "  {warning}{times}");
    }
    out
}
