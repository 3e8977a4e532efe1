//! `manyworlds scenes`: the built-in scenes and what they run with.

use manyworlds::scenes::{builtin, BUILTIN_NAMES};

/// Prints a table of the built-in scenes: bodies, step, episode length and description.
pub fn list() {
    println!(
        "{:<8} {:>6} {:>7} {:>7} {:>6} {:>8}  description",
        "scene", "bodies", "dynamic", "dt (s)", "steps", "time (s)"
    );
    for name in BUILTIN_NAMES {
        // Every listed name resolves; skip rather than panic if one ever does not.
        let Some(b) = builtin(name) else { continue };
        let dt = f64::from(b.params.dt);
        println!(
            "{:<8} {:>6} {:>7} {:>7.4} {:>6} {:>8.2}  {}",
            b.name,
            b.scene.body_count(),
            b.scene.dynamic_body_count(),
            dt,
            b.steps,
            dt * f64::from(b.steps),
            b.description
        );
    }
}
