//! Actions in, controls out: checked first, then clamped into each actuator's range, so a
//! refused batch of actions leaves everything as it was.

use crate::vec_env::{EnvError, NonFiniteActions};

/// Writes `actions` (`[envs × bounds.len()]`), clamped to `bounds`, into `controls` (of the
/// same length), or refuses them and writes nothing.
pub fn clamp_actions(
    actions: &[f32],
    bounds: &[(f32, f32)],
    policy: NonFiniteActions,
    controls: &mut [f32],
) -> Result<(), EnvError> {
    if actions.len() != controls.len() {
        return Err(EnvError::ActionLength {
            expected: controls.len(),
            got: actions.len(),
        });
    }
    if bounds.is_empty() {
        return Ok(());
    }
    if policy == NonFiniteActions::Refuse {
        if let Some(k) = actions.iter().position(|a| !a.is_finite()) {
            return Err(EnvError::NonFiniteAction {
                env: k / bounds.len(),
                index: k % bounds.len(),
                value: actions[k],
            });
        }
    }
    for (row, out) in actions
        .chunks_exact(bounds.len())
        .zip(controls.chunks_exact_mut(bounds.len()))
    {
        for ((&a, &(lower, upper)), c) in row.iter().zip(bounds).zip(out) {
            let a = if a.is_nan() { 0.0 } else { a };
            *c = a.max(lower).min(upper);
        }
    }
    Ok(())
}
