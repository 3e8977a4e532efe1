//! Closest points on segments: the geometry under capsules (a capsule is a segment with a
//! radius).

use glam::Vec3;

/// The parameter `t ∈ [0, 1]` and the point of segment `p0 + t (p1 − p0)` closest to `q`.
pub(crate) fn closest_point_segment(p0: Vec3, p1: Vec3, q: Vec3) -> (f32, Vec3) {
    let d = p1 - p0;
    let dd = d.length_squared();
    let t = if dd > 1e-12 {
        ((q - p0).dot(d) / dd).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (t, p0 + d * t)
}

/// Closest points of segments `p0p1` and `q0q1`: `(s, t, p, q)` with `p = p0 + s (p1 − p0)`
/// and `q = q0 + t (q1 − q0)`, `s, t ∈ [0, 1]`. Handles points (zero-length segments) and
/// parallel segments (then `s` is chosen at an end of the common stretch).
pub(crate) fn closest_points_segments(
    p0: Vec3,
    p1: Vec3,
    q0: Vec3,
    q1: Vec3,
) -> (f32, f32, Vec3, Vec3) {
    let d1 = p1 - p0;
    let d2 = q1 - q0;
    let r = p0 - q0;
    let a = d1.length_squared();
    let e = d2.length_squared();
    let f = d2.dot(r);
    const TINY: f32 = 1e-12;
    let (s, t) = if a <= TINY && e <= TINY {
        (0.0, 0.0)
    } else if a <= TINY {
        (0.0, (f / e).clamp(0.0, 1.0))
    } else {
        let c = d1.dot(r);
        if e <= TINY {
            ((-c / a).clamp(0.0, 1.0), 0.0)
        } else {
            // Minimise |p(s) − q(t)|² on the unit square: the unconstrained s for the
            // infinite lines, then t from s, re-clamping s when t leaves [0, 1].
            let b = d1.dot(d2);
            let denom = a * e - b * b;
            let s = if denom > 1e-7 * a * e {
                ((b * f - c * e) / denom).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let t = (b * s + f) / e;
            if t < 0.0 {
                ((-c / a).clamp(0.0, 1.0), 0.0)
            } else if t > 1.0 {
                (((b - c) / a).clamp(0.0, 1.0), 1.0)
            } else {
                (s, t)
            }
        }
    };
    (s, t, p0 + d1 * s, q0 + d2 * t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_helpers() {
        let (t, p) = closest_point_segment(Vec3::ZERO, Vec3::X, Vec3::new(0.3, 1.0, 0.0));
        assert!((t - 0.3).abs() < 1e-6 && p.abs_diff_eq(Vec3::new(0.3, 0.0, 0.0), 1e-6));
        let (t, _) = closest_point_segment(Vec3::ONE, Vec3::ONE, Vec3::ZERO);
        assert_eq!(t, 0.0);
        // Crossing skew segments.
        let (s, t, p, q) = closest_points_segments(
            Vec3::new(-1.0, 0.0, 0.0),
            Vec3::new(1.0, 0.0, 0.0),
            Vec3::new(0.5, -1.0, 1.0),
            Vec3::new(0.5, 1.0, 1.0),
        );
        assert!((s - 0.75).abs() < 1e-6 && (t - 0.5).abs() < 1e-6);
        assert!(p.abs_diff_eq(Vec3::new(0.5, 0.0, 0.0), 1e-6));
        assert!(q.abs_diff_eq(Vec3::new(0.5, 0.0, 1.0), 1e-6));
        // Parallel, overlapping: distance is the offset.
        let (_, _, p, q) = closest_points_segments(
            Vec3::ZERO,
            Vec3::X * 2.0,
            Vec3::new(1.0, 0.5, 0.0),
            Vec3::new(3.0, 0.5, 0.0),
        );
        assert!(((q - p).length() - 0.5).abs() < 1e-6);
        // Degenerate: both points.
        let (_, _, p, q) = closest_points_segments(Vec3::X, Vec3::X, Vec3::Y, Vec3::Y);
        assert_eq!((p, q), (Vec3::X, Vec3::Y));
    }
}
