//! Soft constraints (Catto, "Solver2D" 2024; Box2D v3 `b2MakeSoft`): an implicit spring of
//! natural frequency ω = 2π·hertz and damping ratio ζ, stepped with substep h, expressed as
//! three coefficients of the velocity-level impulse
//!
//! `Δλ = −m_eff · mass_scale · (v + bias_rate · C) − impulse_scale · λ`.

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
}
