//! Soft constraints (Catto, "Solver2D" 2024; Box2D v3 `b2MakeSoft`): an implicit spring of
//! natural frequency ω = 2π·hertz and damping ratio ζ, stepped with substep h, expressed as
//! three coefficients of the velocity-level impulse
//!
//! `Δλ = −m_eff · mass_scale · (v + bias_rate · C) − impulse_scale · λ`.
//!
//! The same coefficients describe a spring of stiffness k and damper c acting on a degree of
//! freedom of effective mass m (ω² = k/m, 2ζω = c/m; Catto, "Soft Constraints", GDC 2011),
//! which is how joint springs and servos with physical gains are stepped.

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Softness {
    pub bias_rate: f32,
    pub mass_scale: f32,
    pub impulse_scale: f32,
}

impl Softness {
    pub fn new(hertz: f32, damping_ratio: f32, h: f32) -> Self {
        if hertz <= 0.0 {
            return Softness {
                bias_rate: 0.0,
                mass_scale: 1.0,
                impulse_scale: 0.0,
            };
        }
        let omega = 2.0 * std::f32::consts::PI * hertz;
        let a1 = 2.0 * damping_ratio + h * omega;
        let a2 = h * omega * a1;
        let a3 = 1.0 / (1.0 + a2);
        Softness {
            bias_rate: omega / a1,
            mass_scale: a2 * a3,
            impulse_scale: a3,
        }
    }

    /// An implicit spring `stiffness` (k) and damper `damping` (c) on a degree of freedom of
    /// effective mass `mass`, stepped with substep h: bias_rate = k / (c + h k),
    /// mass_scale = h (c + h k) / (m + h (c + h k)), impulse_scale = 1 − mass_scale.
    pub fn spring(stiffness: f32, damping: f32, mass: f32, h: f32) -> Self {
        let gain = damping + h * stiffness;
        if gain <= 0.0 {
            return Softness {
                bias_rate: 0.0,
                mass_scale: 0.0,
                impulse_scale: 1.0,
            };
        }
        let a = h * gain;
        let mass_scale = a / (mass + a);
        Softness {
            bias_rate: stiffness / gain,
            mass_scale,
            impulse_scale: 1.0 - mass_scale,
        }
    }
}

/// The contact frequency for a contact carrying `load` (N, the warm-started normal force) between
/// bodies of inverse masses summing to `inverse_mass_sum`, under gravity of magnitude `gravity`:
/// `hertz` while the load is at most the pair's own weight m_eff g, raised by √(load / m_eff g)
/// above it, at most `max_hertz`.
///
/// A soft contact is a spring k = m_eff ω²: under its own weight it sinks g/ω², under a load F
/// it sinks F / (m_eff ω²). Raising ω² with the load keeps every contact's sink at g/ω² (until
/// `max_hertz`), so a column of n boxes sags by about n g/ω² instead of n² g/ω², and a light
/// box under a heavy one is not crushed into the one below.
pub fn loaded_contact_hertz(
    hertz: f32,
    load: f32,
    inverse_mass_sum: f32,
    gravity: f32,
    max_hertz: f32,
) -> f32 {
    let weight = gravity / inverse_mass_sum;
    if load > weight && weight > 0.0 {
        (hertz * (load / weight).sqrt()).min(max_hertz.max(hertz))
    } else {
        hertz
    }
}
