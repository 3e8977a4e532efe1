//! `manyworlds scenes`: the built-in scenes and what they run with.

use manyworlds::scenes::{builtin, BUILTIN_NAMES};

/// Prints a table of the built-in scenes: bodies, joints, actuators, step, episode length and
/// description.
pub fn list() {
    let width = BUILTIN_NAMES.iter().map(|n| n.len()).max().unwrap_or(5);
    println!(
        "{:<width$} {:>6} {:>7} {:>6} {:>9} {:>7} {:>6} {:>8}  description",
        "scene", "bodies", "dynamic", "joints", "actuators", "dt (s)", "steps", "time (s)"
    );
    for name in BUILTIN_NAMES {
        // Every listed name resolves; skip rather than panic if one ever does not.
        let Some(b) = builtin(name) else { continue };
        let dt = f64::from(b.params.dt);
        println!(
            "{:<width$} {:>6} {:>7} {:>6} {:>9} {:>7.4} {:>6} {:>8.2}  {}",
            b.name,
            b.scene.body_count(),
            b.scene.dynamic_body_count(),
            b.scene.joints().len(),
            b.scene.actuators().len(),
            dt,
            b.steps,
            dt * f64::from(b.steps),
            b.description
        );
    }
}
