//! Capsule against capsule and box.

use glam::Vec3;
use manyworlds_core::Pose;

use super::manifold::Manifold;
use super::segment::{closest_point_segment, closest_points_segments};
use super::sphere::ball_ball;

/// Sine of the angle under which two capsule axes count as parallel (about 1.7°): side by
/// side they then get two points, one at each end of their common stretch.
const PARALLEL_SIN: f32 = 0.03;

/// Sine of the angle under which a capsule axis lies flat on a plane or box face: then both
/// ends of the segment (clipped to the face) make contact points, else only the lower one.
/// A flat capsule rocking by a few degrees keeps its two points.
pub(crate) const FLAT_SIN: f32 = 0.05;

/// Cosine-like threshold: a segment whose direction has at least this component along a
/// box edge lies along that edge and is clipped to it (two points) instead of one point.
const ALONG_EDGE: f32 = 0.9995;

pub fn capsule_capsule(
    a: &Pose,
    la: f32,
    ra: f32,
    b: &Pose,
    lb: f32,
    rb: f32,
    margin: f32,
) -> Manifold {
    let ua = a.orientation * Vec3::Z;
    let ub = b.orientation * Vec3::Z;
    let (a0, a1) = (a.position - ua * la, a.position + ua * la);
    let (b0, b1) = (b.position - ub * lb, b.position + ub * lb);
    let (s, t, pa, pb) = closest_points_segments(a0, a1, b0, b1);
    let delta = pb - pa;
    let dist = delta.length();
    if dist - ra - rb > margin || !dist.is_finite() {
        return Manifold::EMPTY;
    }
    let cross = ua.cross(ub);
    let normal = if dist > 1e-6 {
        delta / dist
    } else if cross.length_squared() > 1e-6 {
        // Axes intersect: leave along their common perpendicular, towards B's centre.
        let n = cross.normalize();
        if n.dot(b.position - a.position) < 0.0 {
            -n
        } else {
            n
        }
    } else {
        // Axes overlap: any direction across A's axis, preferably towards B's centre.
        let w = b.position - a.position;
        let across = w - ua * ua.dot(w);
        if across.length_squared() > 1e-8 {
            across.normalize()
        } else {
            ua.any_orthonormal_vector()
        }
    };

    // Features: 0/1 = A's ends, 2/3 = B's ends, 4 = the interiors crossing.
    if la > 1e-5 && lb > 1e-5 && cross.length_squared() < PARALLEL_SIN * PARALLEL_SIN {
        // Side by side: the stretch of A's axis (as a coordinate along `ua` from A's
        // centre) that B's projection covers; its two ends carry the contact.
        let sb0 = ua.dot(b0 - a.position);
        let sb1 = ua.dot(b1 - a.position);
        let (blo, flo, bhi, fhi) = if sb0 <= sb1 {
            (sb0, 2, sb1, 3)
        } else {
            (sb1, 3, sb0, 2)
        };
        let (lo, flo) = if -la >= blo { (-la, 0) } else { (blo, flo) };
        let (hi, fhi) = if la <= bhi { (la, 1) } else { (bhi, fhi) };
        if hi - lo > 1e-4 {
            let mut m = Manifold::with_normal(normal);
            for (x, feature) in [(lo, flo), (hi, fhi)] {
                let p = a.position + ua * x;
                let (_, q) = closest_point_segment(b0, b1, p);
                let sep = normal.dot(q - p) - ra - rb;
                if sep <= margin {
                    m.push(0.5 * ((p + normal * ra) + (q - normal * rb)), sep, feature);
                }
            }
            if !m.is_empty() {
                return m;
            }
        }
    }
    let feature = if s <= 0.0 {
        0
    } else if s >= 1.0 {
        1
    } else if t <= 0.0 {
        2
    } else if t >= 1.0 {
        3
    } else {
        4
    };
    ball_ball(pa, ra, pb, rb, margin, feature, normal)
}

/// Feature code of a box feature named by the sign of each coordinate that is fixed on it
/// (±1 on a face's axis, on an edge's two axes, on all three at a vertex; 0 where free):
/// base-3 digits, 0 free, 1 at +half, 2 at −half. Unique for each of the 26 features.
pub(crate) fn box_feature_code(fixed: [i8; 3]) -> u32 {
    let digit = |s: i8| match s {
        0 => 0,
        1 => 1,
        _ => 2,
    };
    digit(fixed[0]) + 3 * digit(fixed[1]) + 9 * digit(fixed[2])
}

/// Box-frame contact of the segment `p0p1` (capsule radius `r`) against the box feature
/// `fixed` (see [`box_feature_code`]) with `out` the unit normal leaving the box towards the
/// capsule: the segment is clipped to the feature's extent along its free axes and the ends
/// of the clipped piece within the margin become points (features `2·code + end`).
#[allow(clippy::too_many_arguments)]
fn clip_to_feature(
    p0: Vec3,
    p1: Vec3,
    half: Vec3,
    fixed: [i8; 3],
    out: Vec3,
    r: f32,
    margin: f32,
    code: u32,
) -> Manifold {
    let d = p1 - p0;
    let (mut lo, mut hi) = (0.0f32, 1.0f32);
    for j in 0..3 {
        if fixed[j] != 0 {
            continue;
        }
        if d[j].abs() < 1e-9 {
            if p0[j].abs() > half[j] {
                return Manifold::EMPTY;
            }
        } else {
            let ta = (-half[j] - p0[j]) / d[j];
            let tb = (half[j] - p0[j]) / d[j];
            lo = lo.max(ta.min(tb));
            hi = hi.min(ta.max(tb));
        }
    }
    if lo > hi {
        return Manifold::EMPTY;
    }
    let mut ends = [(Vec3::ZERO, Vec3::ZERO, 0.0f32); 2];
    for (end, t) in [lo, hi].into_iter().enumerate() {
        let c = p0 + d * t;
        let mut on_box = c.clamp(-half, half);
        for j in 0..3 {
            if fixed[j] != 0 {
                on_box[j] = f32::from(fixed[j]) * half[j];
            }
        }
        ends[end] = (c, on_box, out.dot(c - on_box) - r);
    }
    let mut m = Manifold::with_normal(-out);
    // Both ends only when the segment lies along the feature and the clipped piece is not a
    // single spot; otherwise the deeper end alone.
    let along = out.dot(d).abs() < FLAT_SIN * d.length();
    let both = along && (ends[0].1 - ends[1].1).length_squared() > 1e-8;
    let deeper = usize::from(ends[1].2 < ends[0].2);
    for (end, &(c, on_box, sep)) in ends.iter().enumerate() {
        if sep <= margin && (both || end == deeper) {
            m.push(0.5 * (on_box + c - out * r), sep, 2 * code + end as u32);
        }
    }
    m
}

/// The parameter `t` and the point `p` of segment `p0p1` nearest the box `[-half, half]`,
/// the box point `q` nearest `p`, and their distance (0 where the segment enters the box).
fn segment_box_closest(p0: Vec3, p1: Vec3, half: Vec3) -> (f32, Vec3, Vec3, f32) {
    // The squared distance to the box is convex and piecewise quadratic in t, with pieces
    // split where the segment crosses a face plane: minimise each piece exactly.
    let d = p1 - p0;
    let mut ts = [0.0f32; 8];
    ts[1] = 1.0;
    let mut n = 2;
    for j in 0..3 {
        if d[j].abs() > 1e-12 {
            for side in [-half[j], half[j]] {
                let t = (side - p0[j]) / d[j];
                if t > 0.0 && t < 1.0 {
                    ts[n] = t;
                    n += 1;
                }
            }
        }
    }
    ts[..n].sort_unstable_by(f32::total_cmp);
    let (mut best_t, mut best_d2) = (0.0f32, f32::INFINITY);
    for w in 0..n - 1 {
        let (ta, tb) = (ts[w], ts[w + 1]);
        let tm = 0.5 * (ta + tb);
        let mid = p0 + d * tm;
        // On this piece, axis j contributes (p_j(t) − bound_j)² when p_j is outside.
        let (mut num, mut den) = (0.0f32, 0.0f32);
        for j in 0..3 {
            let bound = if mid[j] > half[j] {
                half[j]
            } else if mid[j] < -half[j] {
                -half[j]
            } else {
                continue;
            };
            num += d[j] * (bound - p0[j]);
            den += d[j] * d[j];
        }
        let t = if den > 1e-12 {
            (num / den).clamp(ta, tb)
        } else {
            tm
        };
        let p = p0 + d * t;
        let d2 = (p - p.clamp(-half, half)).length_squared();
        if d2 < best_d2 {
            best_d2 = d2;
            best_t = t;
        }
    }
    let p = p0 + d * best_t;
    let q = p.clamp(-half, half);
    (best_t, p, q, best_d2.sqrt())
}

pub fn capsule_box(
    a: &Pose,
    half_length: f32,
    radius: f32,
    b: &Pose,
    half: Vec3,
    margin: f32,
) -> Manifold {
    // Everything in the box frame, where the box is [-half, half].
    let inv = b.orientation.conjugate();
    let axis = inv * (a.orientation * Vec3::Z);
    let centre = b.inverse_transform_point(a.position);
    let (p0, p1) = (centre - axis * half_length, centre + axis * half_length);
    let r = radius;
    let (_, p, q, dist) = segment_box_closest(p0, p1, half);
    if dist - r > margin || !dist.is_finite() {
        return Manifold::EMPTY;
    }
    let scale = 1.0 + half.max_element().max(centre.abs().max_element());
    let local = if dist > 1e-5 * scale {
        separated_segment(p0, p1, p, q, axis, half, r, margin, 2.5e-6 * scale)
    } else {
        None
    };
    let local = local.unwrap_or_else(|| penetrating_segment(p0, p1, p, axis, half, r, margin));
    if local.is_empty() {
        return Manifold::EMPTY;
    }
    let mut m = local;
    m.normal = (b.orientation * m.normal).normalize_or(Vec3::Z);
    for point in &mut m.points[..m.count] {
        point.position = b.transform_point(point.position);
    }
    m
}

/// Box-frame contact when the segment stays outside the box: `p` on the segment and `q` on
/// the box are the closest points. The box feature holding `q` (face, edge or vertex) is
/// read from the axes on which `p` lies outside; faces, and edges the segment runs along,
/// are clipped for two points. `None` if the feature cannot be told (then use SAT).
#[allow(clippy::too_many_arguments)]
fn separated_segment(
    p0: Vec3,
    p1: Vec3,
    p: Vec3,
    q: Vec3,
    axis: Vec3,
    half: Vec3,
    r: f32,
    margin: f32,
    tol: f32,
) -> Option<Manifold> {
    let mut fixed = [0i8; 3];
    let mut out = Vec3::ZERO;
    let mut n_fixed = 0;
    for j in 0..3 {
        if p[j] > half[j] + tol {
            fixed[j] = 1;
        } else if p[j] < -half[j] - tol {
            fixed[j] = -1;
        } else {
            continue;
        }
        out[j] = p[j] - q[j];
        n_fixed += 1;
    }
    let out = out.try_normalize()?;
    if n_fixed >= 2 {
        // Edge or vertex, but the segment lies flat over the adjacent face nearest the normal
        // (say a resting capsule overhanging the edge, its far end dipping): clip to that
        // face instead, for the two points that hold it flat.
        let i = (0..3).filter(|&j| fixed[j] != 0).fold(0, |best, j| {
            if fixed[best] == 0 || out[j].abs() > out[best].abs() {
                j
            } else {
                best
            }
        });
        // Only when the normal is within FLAT_SIN of the face's: the face-normal
        // separation then overstates the true one by under d·FLAT_SIN²/2.
        if out[i].abs() >= 1.0 - 0.5 * FLAT_SIN * FLAT_SIN && axis[i].abs() < FLAT_SIN {
            let mut face = [0i8; 3];
            face[i] = fixed[i];
            let face_out = Vec3::AXES[i] * f32::from(fixed[i]);
            let m = clip_to_feature(
                p0,
                p1,
                half,
                face,
                face_out,
                r,
                margin,
                box_feature_code(face),
            );
            if !m.is_empty() {
                return Some(m);
            }
        }
    }
    let code = box_feature_code(fixed);
    let clip = match n_fixed {
        1 => true,
        2 => {
            let free = fixed.iter().position(|&s| s == 0).unwrap_or(0);
            axis[free].abs() >= ALONG_EDGE
        }
        _ => false,
    };
    if clip {
        let m = clip_to_feature(p0, p1, half, fixed, out, r, margin, code);
        if !m.is_empty() {
            return Some(m);
        }
    }
    let sep = out.dot(p - q) - r;
    let mut m = Manifold::with_normal(-out);
    if sep <= margin {
        m.push(0.5 * (q + p - out * r), sep, 2 * code);
    }
    Some(m)
}

/// Box-frame contact when the segment enters the box: separating-axis test over the three
/// face normals and the segment × edge directions; the axis of least penetration gives the
/// normal (faces win near-ties), then a face clips the segment and an edge gives the
/// closest points of the segment and that edge. `p` is a segment point inside the box.
fn penetrating_segment(
    p0: Vec3,
    p1: Vec3,
    p: Vec3,
    axis: Vec3,
    half: Vec3,
    r: f32,
    margin: f32,
) -> Manifold {
    // Depth to push the capsule out along +a or −a; returns (depth, outward normal).
    let test = |a: Vec3| {
        let reach = half.dot(a.abs());
        let (s0, s1) = (a.dot(p0), a.dot(p1));
        let up = reach - (s0.min(s1) - r);
        let down = s0.max(s1) + r + reach;
        if up <= down {
            (up, a)
        } else {
            (down, -a)
        }
    };
    let mut best_depth = f32::INFINITY;
    let mut best_out = Vec3::Z;
    let mut best_face = true;
    let mut best_axis = 2;
    for i in 0..3 {
        let (depth, out) = test(Vec3::AXES[i]);
        if depth < best_depth {
            (best_depth, best_out, best_axis) = (depth, out, i);
        }
    }
    if p0 != p1 {
        for i in 0..3 {
            let c = axis.cross(Vec3::AXES[i]);
            if c.length_squared() < 1e-6 {
                continue;
            }
            let (depth, out) = test(c.normalize());
            // An edge axis must beat the best face clearly, so resting contact stays on faces.
            if depth < 0.95 * best_depth - 1e-4 {
                (best_depth, best_out, best_axis, best_face) = (depth, out, i, false);
            }
        }
    }

    let mut fixed = [0i8; 3];
    if best_face {
        let sign = best_out[best_axis].signum();
        let out = Vec3::AXES[best_axis] * sign;
        fixed[best_axis] = sign as i8;
        let code = box_feature_code(fixed);
        let m = clip_to_feature(p0, p1, half, fixed, out, r, margin, code);
        if !m.is_empty() {
            return m;
        }
        // Clipping found nothing (round-off at the face border): use the inside point.
        let mut on_box = p;
        on_box[best_axis] = sign * half[best_axis];
        let sep = out.dot(p - on_box) - r;
        let mut m = Manifold::with_normal(-out);
        if sep <= margin {
            m.push(0.5 * (on_box + p - out * r), sep, 2 * code);
        }
        return m;
    }
    // The box edge along axis `best_axis` that lies farthest along `out`.
    let out = best_out;
    let mut e0 = Vec3::ZERO;
    for j in 0..3 {
        if j != best_axis {
            let sign = if out[j] >= 0.0 { 1 } else { -1 };
            fixed[j] = sign;
            e0[j] = f32::from(sign) * half[j];
        }
    }
    let mut e1 = e0;
    e0[best_axis] = -half[best_axis];
    e1[best_axis] = half[best_axis];
    let (_, _, ps, qe) = closest_points_segments(p0, p1, e0, e1);
    let sep = out.dot(ps - qe) - r;
    let mut m = Manifold::with_normal(-out);
    if sep <= margin {
        m.push(0.5 * (qe + ps - out * r), sep, 2 * box_feature_code(fixed));
    }
    m
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use glam::Quat;
    use std::f32::consts::FRAC_PI_2;

    const EPS: f32 = 1e-4;

    fn lying_x(position: Vec3) -> Pose {
        Pose::new(position, Quat::from_rotation_y(FRAC_PI_2))
    }

    #[test]
    fn crossing_capsules_one_point() {
        // A along x at z = 0, B along y at z = 0.35: radii 0.2 + 0.2 → overlap 0.05.
        let a = lying_x(Vec3::ZERO);
        let b = Pose::new(Vec3::new(0.2, 0.0, 0.35), Quat::from_rotation_x(FRAC_PI_2));
        let m = capsule_capsule(&a, 1.0, 0.2, &b, 1.0, 0.2, 0.0);
        assert_eq!(m.count, 1);
        assert!(m.normal.abs_diff_eq(Vec3::Z, EPS));
        assert!((m.points[0].separation + 0.05).abs() < EPS);
        assert!(m.points[0]
            .position
            .abs_diff_eq(Vec3::new(0.2, 0.0, 0.175), EPS));
        assert_eq!(m.points[0].feature, 4);
        // Swapped: same point and depth, reversed normal.
        let w = capsule_capsule(&b, 1.0, 0.2, &a, 1.0, 0.2, 0.0);
        assert_eq!(w.count, 1);
        assert!(w.normal.abs_diff_eq(-Vec3::Z, EPS));
        assert!((w.points[0].separation + 0.05).abs() < EPS);
        assert!(w.points[0].position.abs_diff_eq(m.points[0].position, EPS));
        // Raised to 0.45: 0.05 apart, empty without margin, speculative with one.
        let b = Pose::new(Vec3::new(0.2, 0.0, 0.45), b.orientation);
        assert!(capsule_capsule(&a, 1.0, 0.2, &b, 1.0, 0.2, 0.04).is_empty());
        let m = capsule_capsule(&a, 1.0, 0.2, &b, 1.0, 0.2, 0.06);
        assert_eq!(m.count, 1);
        assert!((m.points[0].separation - 0.05).abs() < EPS);
    }

    #[test]
    fn parallel_capsules_two_points() {
        // Side by side along x, B shifted by 0.5 along the axis: common stretch [-0.5, 1].
        let a = lying_x(Vec3::ZERO);
        let b = lying_x(Vec3::new(0.5, 0.39, 0.0));
        let m = capsule_capsule(&a, 1.0, 0.2, &b, 1.0, 0.2, 0.0);
        assert_eq!(m.count, 2, "{m:?}");
        assert!(m.normal.abs_diff_eq(Vec3::Y, EPS));
        let mut xs = [m.points[0].position.x, m.points[1].position.x];
        xs.sort_by(f32::total_cmp);
        assert!(
            (xs[0] + 0.5).abs() < EPS && (xs[1] - 1.0).abs() < EPS,
            "{xs:?}"
        );
        for c in m.points() {
            assert!((c.separation + 0.01).abs() < EPS);
            assert!((c.position.y - 0.195).abs() < EPS);
        }
        assert_ne!(m.points[0].feature, m.points[1].feature);
        // Slightly skewed (1°) still two points.
        let b = Pose::new(b.position, Quat::from_rotation_z(0.017) * b.orientation);
        let m = capsule_capsule(&a, 1.0, 0.2, &b, 1.0, 0.2, 0.01);
        assert_eq!(m.count, 2, "{m:?}");
        // Coaxial, overlapping: finite normal across the axis.
        let b = lying_x(Vec3::new(0.5, 0.0, 0.0));
        let m = capsule_capsule(&a, 1.0, 0.2, &b, 1.0, 0.2, 0.0);
        assert_eq!(m.count, 2);
        assert!(m.normal.dot(Vec3::X).abs() < EPS);
        assert!((m.normal.length() - 1.0).abs() < EPS);
        // End to end on one line, caps touching (overlap 0.01): one point on the axis.
        let b = lying_x(Vec3::new(2.39, 0.0, 0.0));
        let m = capsule_capsule(&a, 1.0, 0.2, &b, 1.0, 0.2, 0.0);
        assert_eq!(m.count, 1);
        assert!(m.normal.abs_diff_eq(Vec3::X, EPS));
        assert!((m.points[0].separation + 0.01).abs() < EPS);
        assert_eq!(m.points[0].feature, 1);
    }

    #[test]
    fn degenerate_capsules() {
        let a = Pose::IDENTITY;
        // Zero-length capsules are spheres; coincident ones still give a unit normal.
        let m = capsule_capsule(&a, 0.0, 0.3, &a, 0.0, 0.3, 0.0);
        assert_eq!(m.count, 1);
        assert!((m.normal.length() - 1.0).abs() < EPS);
        assert!((m.points[0].separation + 0.6).abs() < EPS);
        // Identical capsules.
        let m = capsule_capsule(&a, 1.0, 0.3, &a, 1.0, 0.3, 0.0);
        assert!(m.count >= 1 && m.normal.is_finite());
        assert!(m.normal.dot(Vec3::Z).abs() < EPS);
        // Crossing axes through each other.
        let b = Pose::new(Vec3::ZERO, Quat::from_rotation_x(FRAC_PI_2));
        let m = capsule_capsule(&a, 1.0, 0.3, &b, 1.0, 0.3, 0.0);
        assert_eq!(m.count, 1);
        assert!(m.normal.abs_diff_eq(Vec3::X, EPS) || m.normal.abs_diff_eq(-Vec3::X, EPS));
        // Zero-length capsule in a box, at its centre.
        let m = capsule_box(&a, 0.0, 0.1, &a, Vec3::splat(0.5), 0.0);
        assert_eq!(m.count, 1);
        assert!((m.normal.length() - 1.0).abs() < EPS);
        assert!((m.points[0].separation + 0.6).abs() < EPS);
    }

    const HALF: Vec3 = Vec3::new(1.0, 0.6, 0.4);

    fn rotated_box() -> Pose {
        Pose::new(Vec3::new(0.5, -1.0, 2.0), Quat::from_rotation_z(0.5))
    }

    #[test]
    fn capsule_lying_on_box_face_two_points() {
        let b = rotated_box();
        // Along the box's x axis on top, overlap 2 mm, hanging 0.3 past the +x face.
        let a = Pose::new(
            b.transform_point(Vec3::new(0.8, 0.1, 0.4 + 0.1 - 0.002)),
            b.orientation * Quat::from_rotation_y(FRAC_PI_2),
        );
        let m = capsule_box(&a, 0.5, 0.1, &b, HALF, 0.01);
        assert_eq!(m.count, 2, "{m:?}");
        assert!(m.normal.abs_diff_eq(b.orientation * -Vec3::Z, EPS));
        let mut xs = [0.0; 2];
        for (i, c) in m.points().iter().enumerate() {
            assert!((c.separation + 0.002).abs() < EPS);
            let l = b.inverse_transform_point(c.position);
            assert!((l.z - 0.399).abs() < EPS && (l.y - 0.1).abs() < EPS);
            xs[i] = l.x;
        }
        xs.sort_by(f32::total_cmp);
        // Clipped to the face: from the capsule's end at 0.3 to the face border at 1.0.
        assert!(
            (xs[0] - 0.3).abs() < EPS && (xs[1] - 1.0).abs() < EPS,
            "{xs:?}"
        );
        // Speculative: 5 mm above, margin 1 cm → 2 points with +5 mm; margin 4 mm → none.
        let a = Pose::new(b.transform_point(Vec3::new(0.0, 0.0, 0.505)), a.orientation);
        let m = capsule_box(&a, 0.5, 0.1, &b, HALF, 0.01);
        assert_eq!(m.count, 2);
        assert!(m
            .points()
            .iter()
            .all(|c| (c.separation - 0.005).abs() < EPS));
        assert!(capsule_box(&a, 0.5, 0.1, &b, HALF, 0.004).is_empty());
        // Segment itself sunk into the box (centre inside): still the top face, 2 points.
        let a = Pose::new(b.transform_point(Vec3::new(0.0, 0.0, 0.35)), a.orientation);
        let m = capsule_box(&a, 0.5, 0.1, &b, HALF, 0.0);
        assert_eq!(m.count, 2, "{m:?}");
        assert!(m.normal.abs_diff_eq(b.orientation * -Vec3::Z, EPS));
        assert!(m.points().iter().all(|c| (c.separation + 0.15).abs() < EPS));
    }

    #[test]
    fn capsule_standing_on_box_one_point() {
        let b = rotated_box();
        let a = Pose::new(
            b.transform_point(Vec3::new(0.2, -0.3, 0.4 + 0.5 + 0.1 - 0.001)),
            b.orientation,
        );
        let m = capsule_box(&a, 0.5, 0.1, &b, HALF, 0.02);
        assert_eq!(m.count, 1, "{m:?}");
        assert!(m.normal.abs_diff_eq(b.orientation * -Vec3::Z, EPS));
        assert!((m.points[0].separation + 0.001).abs() < EPS);
        let expect = b.transform_point(Vec3::new(0.2, -0.3, 0.3995));
        assert!(m.points[0].position.abs_diff_eq(expect, EPS));
        // Upside down under the box: normal up (capsule → box).
        let a = Pose::new(
            b.transform_point(Vec3::new(0.2, -0.3, -0.999)),
            b.orientation,
        );
        let m = capsule_box(&a, 0.5, 0.1, &b, HALF, 0.02);
        assert_eq!(m.count, 1);
        assert!(m.normal.abs_diff_eq(b.orientation * Vec3::Z, EPS));
        assert!((m.points[0].separation + 0.001).abs() < EPS);
    }

    #[test]
    fn capsule_end_on_box_edge_and_vertex() {
        let b = Pose::IDENTITY;
        // Capsule pointing away from the (+x, +z) edge along the diagonal, cap 0.01 into it.
        let e = Vec3::new(1.0, 0.0, 1.0).normalize();
        let edge = Vec3::new(1.0, 0.2, 0.4);
        let axis_rot = Quat::from_rotation_arc(Vec3::Z, e);
        let a = Pose::new(edge + e * (0.5 + 0.1 - 0.01), axis_rot);
        let m = capsule_box(&a, 0.5, 0.1, &b, HALF, 0.0);
        assert_eq!(m.count, 1, "{m:?}");
        assert!(m.normal.abs_diff_eq(-e, EPS));
        assert!((m.points[0].separation + 0.01).abs() < EPS);
        assert!(m.points[0].position.abs_diff_eq(edge - e * 0.005, EPS));
        // Same at the (+,+,+) vertex.
        let d = Vec3::ONE.normalize();
        let corner = HALF;
        let a = Pose::new(
            corner + d * (0.5 + 0.1 + 0.003),
            Quat::from_rotation_arc(Vec3::Z, d),
        );
        let m = capsule_box(&a, 0.5, 0.1, &b, HALF, 0.005);
        assert_eq!(m.count, 1, "{m:?}");
        assert!(m.normal.abs_diff_eq(-d, EPS));
        assert!((m.points[0].separation - 0.003).abs() < EPS);
        assert!(capsule_box(&a, 0.5, 0.1, &b, HALF, 0.002).is_empty());
    }

    #[test]
    fn capsule_across_box_edge() {
        let b = Pose::IDENTITY;
        // Segment along (1, 0, -1) (a roof over the (+x, +z) edge), passing 0.09 from it.
        let e = Vec3::new(1.0, 0.0, 1.0).normalize();
        let dir = Vec3::new(1.0, 0.0, -1.0).normalize();
        let edge = Vec3::new(1.0, -0.1, 0.4);
        let a = Pose::new(edge + e * 0.09, Quat::from_rotation_arc(Vec3::Z, dir));
        let m = capsule_box(&a, 0.6, 0.1, &b, HALF, 0.0);
        assert_eq!(m.count, 1, "{m:?}");
        assert!(m.normal.abs_diff_eq(-e, EPS), "{m:?}");
        assert!((m.points[0].separation + 0.01).abs() < EPS);
        assert!(m.points[0].position.abs_diff_eq(edge - e * 0.005, EPS));
        // The segment itself 0.02 inside the edge: edge axis from SAT, same normal.
        let a = Pose::new(edge - e * 0.02, a.orientation);
        let m = capsule_box(&a, 0.6, 0.1, &b, HALF, 0.0);
        assert_eq!(m.count, 1, "{m:?}");
        assert!(m.normal.abs_diff_eq(-e, EPS), "{m:?}");
        assert!((m.points[0].separation + 0.12).abs() < EPS);
    }

    #[test]
    fn capsule_along_box_edge_two_points() {
        let b = Pose::IDENTITY;
        // Lying along y beside the (+x, +z) edge, 45° out, overlap 3 mm.
        let e = Vec3::new(1.0, 0.0, 1.0).normalize();
        let a = Pose::new(
            Vec3::new(1.0, 0.0, 0.4) + e * 0.097,
            Quat::from_rotation_x(FRAC_PI_2),
        );
        let m = capsule_box(&a, 1.0, 0.1, &b, HALF, 0.0);
        assert_eq!(m.count, 2, "{m:?}");
        assert!(m.normal.abs_diff_eq(-e, EPS));
        let mut ys = [m.points[0].position.y, m.points[1].position.y];
        ys.sort_by(f32::total_cmp);
        assert!(
            (ys[0] + 0.6).abs() < EPS && (ys[1] - 0.6).abs() < EPS,
            "{ys:?}"
        );
        assert!(m
            .points()
            .iter()
            .all(|c| (c.separation + 0.003).abs() < EPS));
    }

    #[test]
    fn capsule_through_box() {
        let b = Pose::IDENTITY;
        // Vertical through the whole box, off centre towards +x: leaves through +x.
        let a = Pose::from_position(Vec3::new(0.9, 0.0, 0.0));
        let m = capsule_box(&a, 2.0, 0.05, &b, HALF, 0.0);
        assert!(m.count >= 1);
        assert!(m.normal.abs_diff_eq(-Vec3::X, EPS), "{m:?}");
        assert!(m.points().iter().all(|c| (c.separation + 0.15).abs() < EPS));
        // Diagonal through the centre: some sane, finite answer.
        let a = Pose::new(
            Vec3::ZERO,
            Quat::from_rotation_arc(Vec3::Z, Vec3::ONE.normalize()),
        );
        let m = capsule_box(&a, 1.5, 0.05, &b, HALF, 0.0);
        assert!(m.count >= 1);
        assert!((m.normal.length() - 1.0).abs() < EPS);
        assert!(m
            .points()
            .iter()
            .all(|c| c.separation < 0.0 && c.position.is_finite()));
    }

    #[test]
    fn random_capsule_pairs_are_consistent() {
        let mut rng = Rng(0xc0ff_ee00);
        let mut hits = [0; 2];
        for i in 0..800 {
            let (la, ra) = (rng.range(0.0, 0.8), rng.range(0.02, 0.4));
            let a = Pose::new(rng.vec(1.0), rng.quat());
            let margin = rng.range(0.0, 0.05);
            let b = Pose::new(a.position + rng.vec(1.0), rng.quat());
            let sdf_a = |p| sdf_capsule(&a, la, ra, p);
            if i % 2 == 0 {
                let (lb, rb) = (rng.range(0.0, 0.8), rng.range(0.02, 0.4));
                let m = capsule_capsule(&a, la, ra, &b, lb, rb, margin);
                hits[0] += check_manifold(&m, margin, &sdf_a, &|p| sdf_capsule(&b, lb, rb, p));
                let w = capsule_capsule(&b, lb, rb, &a, la, ra, margin);
                assert_eq!(w.is_empty(), m.is_empty());
            } else {
                let half = Vec3::new(
                    rng.range(0.05, 0.7),
                    rng.range(0.05, 0.7),
                    rng.range(0.05, 0.7),
                );
                let m = capsule_box(&a, la, ra, &b, half, margin);
                hits[1] += check_manifold(&m, margin, &sdf_a, &|p| sdf_box(&b, half, p));
            }
        }
        assert!(
            hits[0] > 60 && hits[1] > 60,
            "too few contacts exercised: {hits:?}"
        );
    }

    #[test]
    fn separations_match_brute_force() {
        // Reference: the least distance over 4000 samples of A's segment (the distance to a
        // convex set is smooth outside it, so sampling is accurate near the minimum).
        let mut rng = Rng(99);
        let mut checked = 0;
        for i in 0..1000 {
            let (la, ra) = (rng.range(0.0, 0.8), rng.range(0.02, 0.3));
            let a = Pose::new(rng.vec(1.0), rng.quat());
            let b = Pose::new(a.position + rng.vec(1.2), rng.quat());
            let margin = 0.03;
            let ua = a.orientation * Vec3::Z;
            let (a0, a1) = (a.position - ua * la, a.position + ua * la);
            let (m, dist, rb) = if i % 2 == 0 {
                let (lb, rb) = (rng.range(0.0, 0.8), rng.range(0.02, 0.3));
                let ub = b.orientation * Vec3::Z;
                let (b0, b1) = (b.position - ub * lb, b.position + ub * lb);
                let dist = (0..=4000)
                    .map(|k| {
                        let p = a0.lerp(a1, k as f32 / 4000.0);
                        (closest_point_segment(b0, b1, p).1 - p).length()
                    })
                    .fold(f32::INFINITY, f32::min);
                (capsule_capsule(&a, la, ra, &b, lb, rb, margin), dist, rb)
            } else {
                let half = Vec3::new(
                    rng.range(0.05, 0.7),
                    rng.range(0.05, 0.7),
                    rng.range(0.05, 0.7),
                );
                let dist = (0..=4000)
                    .map(|k| sdf_box(&b, half, a0.lerp(a1, k as f32 / 4000.0)).max(0.0))
                    .fold(f32::INFINITY, f32::min);
                (capsule_box(&a, la, ra, &b, half, margin), dist, 0.0)
            };
            let sep = dist - ra - rb;
            if dist < 1e-3 {
                assert!(!m.is_empty(), "segments overlap but no contact");
                continue;
            }
            if sep > margin + 1e-4 {
                assert!(m.is_empty(), "sep {sep} beyond margin {m:?}");
            } else if sep < margin - 1e-4 {
                assert!(!m.is_empty(), "sep {sep} within margin but empty");
                let least = m
                    .points()
                    .iter()
                    .map(|c| c.separation)
                    .fold(f32::INFINITY, f32::min);
                assert!(
                    (least - sep).abs() < 1e-3,
                    "least {least} vs true {sep} {m:?}"
                );
                checked += 1;
            }
        }
        assert!(checked > 100, "too few contacts checked: {checked}");
    }

    #[test]
    fn random_capsules_resting_on_boxes() {
        // Capsules placed nearly flat just on a box face: always contact, shallow, usually 2.
        let mut rng = Rng(42);
        let mut two = 0;
        for _ in 0..300 {
            let half = Vec3::new(
                rng.range(0.3, 1.0),
                rng.range(0.3, 1.0),
                rng.range(0.1, 0.5),
            );
            let b = Pose::new(rng.vec(2.0), rng.quat());
            let (hl, r) = (rng.range(0.1, 0.5), rng.range(0.05, 0.2));
            let yaw = rng.range(0.0, 6.3);
            let tilt = rng.range(-0.002, 0.002);
            let local = Quat::from_rotation_z(yaw) * Quat::from_rotation_y(FRAC_PI_2 + tilt);
            let depth = rng.range(-0.005, 0.005);
            let centre = Vec3::new(
                rng.range(-half.x, half.x) * 0.5,
                rng.range(-half.y, half.y) * 0.5,
                half.z + r + depth,
            );
            let a = Pose::new(b.transform_point(centre), b.orientation * local);
            let margin = 0.02;
            let m = capsule_box(&a, hl, r, &b, half, margin);
            check_manifold(&m, margin, &|p| sdf_capsule(&a, hl, r, p), &|p| {
                sdf_box(&b, half, p)
            });
            assert!(m.count >= 1, "{m:?}");
            assert!(
                m.normal.abs_diff_eq(b.orientation * -Vec3::Z, 1e-3),
                "{m:?}"
            );
            two += usize::from(m.count == 2);
        }
        assert!(two > 250, "only {two} of 300 resting capsules got 2 points");
    }
}
