//! Deterministic random numbers, signed distance functions and a manifold checker shared by
//! the narrow-phase tests.

use super::manifold::{Manifold, MAX_POINTS};
use glam::{Quat, Vec3};
use manyworlds_core::Pose;

/// SplitMix64.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }
    pub fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.unit()
    }
    pub fn below(&mut self, n: u32) -> u32 {
        (self.next_u64() % u64::from(n)) as u32
    }
    /// Uniform in the cube [-s, s]³.
    pub fn vec(&mut self, s: f32) -> Vec3 {
        Vec3::new(self.range(-s, s), self.range(-s, s), self.range(-s, s))
    }
    /// A random rotation; one time in four an axis-aligned one (flat, edge-on cases).
    pub fn quat(&mut self) -> Quat {
        if self.below(4) == 0 {
            let quarter = std::f32::consts::FRAC_PI_2;
            return Quat::from_rotation_x(quarter * self.below(4) as f32)
                * Quat::from_rotation_y(quarter * self.below(4) as f32);
        }
        let q = Quat::from_xyzw(
            self.range(-1.0, 1.0),
            self.range(-1.0, 1.0),
            self.range(-1.0, 1.0),
            self.range(-1.0, 1.0),
        );
        if q.length_squared() < 1e-4 {
            Quat::IDENTITY
        } else {
            q.normalize()
        }
    }
}

pub fn sdf_plane(plane: &Pose, p: Vec3) -> f32 {
    (plane.orientation * Vec3::Z).dot(p - plane.position)
}

pub fn sdf_sphere(s: &Pose, r: f32, p: Vec3) -> f32 {
    (p - s.position).length() - r
}

pub fn sdf_capsule(c: &Pose, half_length: f32, r: f32, p: Vec3) -> f32 {
    let l = c.inverse_transform_point(p);
    let z = l.z.clamp(-half_length, half_length);
    (l - Vec3::new(0.0, 0.0, z)).length() - r
}

pub fn sdf_box(b: &Pose, half: Vec3, p: Vec3) -> f32 {
    let l = b.inverse_transform_point(p);
    let q = l.abs() - half;
    q.max(Vec3::ZERO).length() + q.max_element().min(0.0)
}

/// Checks the invariants of any manifold and, for shallow points, that the two surface
/// points (position ∓ normal·separation/2) lie on A's and B's surfaces and that the
/// normal leaves A and enters B. Returns 1 if the manifold has points.
pub fn check_manifold(
    m: &Manifold,
    margin: f32,
    sdf_a: &dyn Fn(Vec3) -> f32,
    sdf_b: &dyn Fn(Vec3) -> f32,
) -> usize {
    assert!(m.count <= MAX_POINTS);
    assert!(m.normal.is_finite(), "{m:?}");
    assert!((m.normal.length() - 1.0).abs() < 1e-4, "{m:?}");
    for (i, c) in m.points().iter().enumerate() {
        assert!(c.position.is_finite() && c.separation.is_finite(), "{m:?}");
        assert!(c.separation <= margin + 1e-6, "{m:?}");
        for other in &m.points()[..i] {
            assert_ne!(other.feature, c.feature, "duplicate feature {m:?}");
        }
        if c.separation > -0.02 {
            let on_a = c.position - m.normal * (0.5 * c.separation);
            let on_b = c.position + m.normal * (0.5 * c.separation);
            assert!(sdf_a(on_a).abs() < 1e-3, "A surface {} {m:?}", sdf_a(on_a));
            assert!(sdf_b(on_b).abs() < 1e-3, "B surface {} {m:?}", sdf_b(on_b));
            // The normal leaves A and enters B at the deepest point (a shallower one
            // may be a speculative vertex or end beyond a thin shape).
            let deepest = m.points().iter().all(|o| o.separation >= c.separation);
            let h = 1e-3;
            if deepest {
                assert!(
                    sdf_a(on_a + m.normal * h) >= sdf_a(on_a - m.normal * h) - 1e-5,
                    "normal does not leave A {m:?}"
                );
                assert!(
                    sdf_b(on_b + m.normal * h) <= sdf_b(on_b - m.normal * h) + 1e-5,
                    "normal does not enter B {m:?}"
                );
            }
        }
    }
    usize::from(!m.is_empty())
}

pub fn sdf_cylinder(c: &Pose, half_length: f32, r: f32, p: Vec3) -> f32 {
    let l = c.inverse_transform_point(p);
    let q = glam::Vec2::new(l.truncate().length() - r, l.z.abs() - half_length);
    q.max(glam::Vec2::ZERO).length() + q.max_element().min(0.0)
}
