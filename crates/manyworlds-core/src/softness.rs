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
