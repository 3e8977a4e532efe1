//!include common.wgsl

// Narrow phase: closest points on segments, the geometry under capsules (a capsule is a
// segment with a radius). Mirrors crates/manyworlds-cpu/src/narrowphase/segment.rs.

// closest_point_segment's answer: the parameter t ∈ [0, 1] and the point p0 + t (p1 − p0).
struct SegmentPoint {
    t: f32,
    p: vec3f,
}

// closest_points_segments's answer: p = p0 + s (p1 − p0) and q = q0 + t (q1 − q0).
struct SegmentPair {
    s: f32,
    t: f32,
    p: vec3f,
    q: vec3f,
}

// Mirrors segment::closest_point_segment: the point of segment p0p1 closest to q.
fn closest_point_segment(p0: vec3f, p1: vec3f, q: vec3f) -> SegmentPoint {
    let d = p1 - p0;
    let dd = dot(d, d);
    var t = 0.0;
    if dd > 1e-12 {
        t = clamp(dot(q - p0, d) / dd, 0.0, 1.0);
    }
    return SegmentPoint(t, p0 + d * t);
}

// Mirrors segment::closest_points_segments: closest points of segments p0p1 and q0q1,
// handling points (zero-length segments) and parallel segments (s at an end of the common
// stretch).
fn closest_points_segments(p0: vec3f, p1: vec3f, q0: vec3f, q1: vec3f) -> SegmentPair {
    let d1 = p1 - p0;
    let d2 = q1 - q0;
    let r = p0 - q0;
    let a = dot(d1, d1);
    let e = dot(d2, d2);
    let f = dot(d2, r);
    let tiny = 1e-12;
    var s = 0.0;
    var t = 0.0;
    if a <= tiny && e <= tiny {
        // Both points: s = t = 0.
    } else if a <= tiny {
        t = clamp(f / e, 0.0, 1.0);
    } else {
        let c = dot(d1, r);
        if e <= tiny {
            s = clamp(-c / a, 0.0, 1.0);
        } else {
            // The unconstrained s of the infinite lines, then t from s, re-clamping s when t
            // leaves [0, 1].
            let b = dot(d1, d2);
            let denom = a * e - b * b;
            if denom > 1e-7 * a * e {
                s = clamp((b * f - c * e) / denom, 0.0, 1.0);
            }
            t = (b * s + f) / e;
            if t < 0.0 {
                s = clamp(-c / a, 0.0, 1.0);
                t = 0.0;
            } else if t > 1.0 {
                s = clamp((b - c) / a, 0.0, 1.0);
                t = 1.0;
            }
        }
    }
    return SegmentPair(s, t, p0 + d1 * s, q0 + d2 * t);
}
