//!include common.wgsl
//!include narrowphase_segment.wgsl
//!include narrowphase_sphere.wgsl

// Narrow phase: capsule against capsule and box. Mirrors
// crates/manyworlds-cpu/src/narrowphase/capsule.rs (FLAT_SIN is in common.wgsl).

// Sine of the angle under which two capsule axes count as parallel (about 1.7°): side by side
// they then get two points, one at each end of their common stretch.
const CAPSULE_PARALLEL_SIN: f32 = 0.03;

// A segment whose direction has at least this component along a box edge lies along that
// edge and is clipped to it (two points) instead of one point.
const CAPSULE_ALONG_EDGE: f32 = 0.9995;

fn capsule_empty() -> Manifold {
    return manifold_with_normal(vec3f(0.0, 0.0, 1.0));
}

// glam's Vec3::normalize: v times the reciprocal of its length.
fn capsule_normalize(v: vec3f) -> vec3f {
    return v * (1.0 / length(v));
}

fn capsule_capsule(pa: Pose, la: f32, ra: f32, pb: Pose, lb: f32, rb: f32, margin: f32) -> Manifold {
    let ua = quat_rotate(pa.orientation, vec3f(0.0, 0.0, 1.0));
    let ub = quat_rotate(pb.orientation, vec3f(0.0, 0.0, 1.0));
    let a0 = pa.position - ua * la;
    let a1 = pa.position + ua * la;
    let b0 = pb.position - ub * lb;
    let b1 = pb.position + ub * lb;
    let closest = closest_points_segments(a0, a1, b0, b1);
    let delta = closest.q - closest.p;
    let dist = length(delta);
    if dist - ra - rb > margin || !sphere_is_finite(dist) {
        return capsule_empty();
    }
    let axes_cross = cross(ua, ub);
    let cross2 = dot(axes_cross, axes_cross);
    var normal: vec3f;
    if dist > 1e-6 {
        normal = delta / dist;
    } else if cross2 > 1e-6 {
        // Axes intersect: leave along their common perpendicular, towards B's centre.
        let n = capsule_normalize(axes_cross);
        normal = select(n, -n, dot(n, pb.position - pa.position) < 0.0);
    } else {
        // Axes overlap: any direction across A's axis, preferably towards B's centre.
        let w = pb.position - pa.position;
        let across = w - ua * dot(ua, w);
        if dot(across, across) > 1e-8 {
            normal = capsule_normalize(across);
        } else {
            // glam's any_orthonormal_vector is the second vector of this pair.
            normal = orthonormal_pair(ua)[1];
        }
    }

    // Features: 0/1 = A's ends, 2/3 = B's ends, 4 = the interiors crossing.
    if la > 1e-5 && lb > 1e-5 && cross2 < CAPSULE_PARALLEL_SIN * CAPSULE_PARALLEL_SIN {
        // Side by side: the stretch of A's axis (a coordinate along `ua` from A's centre)
        // that B's projection covers; its two ends carry the contact.
        let sb0 = dot(ua, b0 - pa.position);
        let sb1 = dot(ua, b1 - pa.position);
        let b_swapped = !(sb0 <= sb1);
        let blo = select(sb0, sb1, b_swapped);
        let bhi = select(sb1, sb0, b_swapped);
        var xs = vec2f(blo, bhi);
        var features = vec2u(select(2u, 3u, b_swapped), select(3u, 2u, b_swapped));
        if -la >= blo {
            xs.x = -la;
            features.x = 0u;
        }
        if la <= bhi {
            xs.y = la;
            features.y = 1u;
        }
        if xs.y - xs.x > 1e-4 {
            var m = manifold_with_normal(normal);
            for (var k = 0; k < 2; k++) {
                let p = pa.position + ua * xs[k];
                let q = closest_point_segment(b0, b1, p).p;
                let sep = dot(normal, q - p) - ra - rb;
                if sep <= margin {
                    manifold_push(&m, 0.5 * ((p + normal * ra) + (q - normal * rb)), sep, features[k]);
                }
            }
            if m.count > 0u {
                return m;
            }
        }
    }
    var feature = 4u;
    if closest.s <= 0.0 {
        feature = 0u;
    } else if closest.s >= 1.0 {
        feature = 1u;
    } else if closest.t <= 0.0 {
        feature = 2u;
    } else if closest.t >= 1.0 {
        feature = 3u;
    }
    return ball_ball(closest.p, ra, closest.q, rb, margin, feature, normal);
}

// Mirrors capsule::box_feature_code: a box feature named by the sign of each coordinate fixed
// on it (±1, 0 where free), as base-3 digits (0 free, 1 at +half, 2 at −half).
fn capsule_box_feature_code(fixed: vec3i) -> u32 {
    let digit = select(vec3u(0u), select(vec3u(2u), vec3u(1u), fixed == vec3i(1)), fixed != vec3i(0));
    return digit.x + 3u * digit.y + 9u * digit.z;
}

// Mirrors capsule::clip_to_feature: box-frame contact of segment p0p1 (radius r) against box
// feature `fixed`, `out` the unit normal leaving the box. The segment is clipped to the
// feature's extent along its free axes; the clipped ends within the margin become points
// (features 2 code + end): both when the segment lies along the feature, else the deeper.
fn capsule_clip_to_feature(
    p0: vec3f,
    p1: vec3f,
    half: vec3f,
    fixed: vec3i,
    out: vec3f,
    r: f32,
    margin: f32,
    code: u32,
) -> Manifold {
    let d = p1 - p0;
    var lo = 0.0;
    var hi = 1.0;
    for (var j = 0; j < 3; j++) {
        if fixed[j] != 0 {
            continue;
        }
        if abs(d[j]) < 1e-9 {
            if abs(p0[j]) > half[j] {
                return capsule_empty();
            }
        } else {
            let ta = (-half[j] - p0[j]) / d[j];
            let tb = (half[j] - p0[j]) / d[j];
            lo = max(lo, min(ta, tb));
            hi = min(hi, max(ta, tb));
        }
    }
    if lo > hi {
        return capsule_empty();
    }
    let fixed_f = vec3f(fixed);
    let is_fixed = fixed != vec3i(0);
    let c_lo = p0 + d * lo;
    let c_hi = p0 + d * hi;
    let on_lo = select(clamp(c_lo, -half, half), fixed_f * half, is_fixed);
    let on_hi = select(clamp(c_hi, -half, half), fixed_f * half, is_fixed);
    let sep_lo = dot(out, c_lo - on_lo) - r;
    let sep_hi = dot(out, c_hi - on_hi) - r;
    var m = manifold_with_normal(-out);
    let along = abs(dot(out, d)) < FLAT_SIN * length(d);
    let spread = on_lo - on_hi;
    let both = along && dot(spread, spread) > 1e-8;
    let deeper_hi = sep_hi < sep_lo;
    if sep_lo <= margin && (both || !deeper_hi) {
        manifold_push(&m, 0.5 * (on_lo + c_lo - out * r), sep_lo, 2u * code);
    }
    if sep_hi <= margin && (both || deeper_hi) {
        manifold_push(&m, 0.5 * (on_hi + c_hi - out * r), sep_hi, 2u * code + 1u);
    }
    return m;
}

// capsule_segment_box_closest's answer: the segment point p nearest the box, the box point q
// nearest p, and their distance.
struct CapsuleSegmentBox {
    p: vec3f,
    q: vec3f,
    dist: f32,
}

// Mirrors capsule::segment_box_closest for segment p0p1 and box [-half, half]. The squared
// distance to the box is convex and piecewise quadratic in t, split where the segment crosses
// a face plane: each piece is minimised exactly.
fn capsule_segment_box_closest(p0: vec3f, p1: vec3f, half: vec3f) -> CapsuleSegmentBox {
    let d = p1 - p0;
    var ts = array<f32, 8>(0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    var n = 2;
    for (var j = 0; j < 3; j++) {
        if abs(d[j]) > 1e-12 {
            for (var k = 0; k < 2; k++) {
                let side = select(half[j], -half[j], k == 0);
                let t = (side - p0[j]) / d[j];
                if t > 0.0 && t < 1.0 {
                    ts[n] = t;
                    n++;
                }
            }
        }
    }
    // Insertion sort, ascending.
    for (var i = 1; i < n; i++) {
        let v = ts[i];
        var k = i;
        while k > 0 && ts[k - 1] > v {
            ts[k] = ts[k - 1];
            k--;
        }
        ts[k] = v;
    }
    var best_t = 0.0;
    var best_d2 = SPHERE_BIG;
    for (var w = 0; w < n - 1; w++) {
        let ta = ts[w];
        let tb = ts[w + 1];
        let tm = 0.5 * (ta + tb);
        let mid = p0 + d * tm;
        // On this piece, axis j contributes (p_j(t) − bound_j)² when p_j is outside.
        var num = 0.0;
        var den = 0.0;
        for (var j = 0; j < 3; j++) {
            var bound: f32;
            if mid[j] > half[j] {
                bound = half[j];
            } else if mid[j] < -half[j] {
                bound = -half[j];
            } else {
                continue;
            }
            num += d[j] * (bound - p0[j]);
            den += d[j] * d[j];
        }
        var t = tm;
        if den > 1e-12 {
            t = clamp(num / den, ta, tb);
        }
        let p = p0 + d * t;
        let off = p - clamp(p, -half, half);
        let d2 = dot(off, off);
        if d2 < best_d2 {
            best_d2 = d2;
            best_t = t;
        }
    }
    let p = p0 + d * best_t;
    return CapsuleSegmentBox(p, clamp(p, -half, half), sqrt(best_d2));
}

fn capsule_box(pa: Pose, half_length: f32, radius: f32, pb: Pose, half: vec3f, margin: f32) -> Manifold {
    // Everything in the box frame, where the box is [-half, half].
    let axis = quat_rotate(quat_conjugate(pb.orientation), quat_rotate(pa.orientation, vec3f(0.0, 0.0, 1.0)));
    let centre = pose_inverse_transform_point(pb, pa.position);
    let p0 = centre - axis * half_length;
    let p1 = centre + axis * half_length;
    let r = radius;
    let closest = capsule_segment_box_closest(p0, p1, half);
    if closest.dist - r > margin || !sphere_is_finite(closest.dist) {
        return capsule_empty();
    }
    let ac = abs(centre);
    let scale = 1.0 + max(max(max(half.x, half.y), half.z), max(max(ac.x, ac.y), ac.z));
    var local: CapsuleLocal;
    local.found = false;
    if closest.dist > 1e-5 * scale {
        local = capsule_separated_segment(p0, p1, closest.p, closest.q, axis, half, r, margin, 2.5e-6 * scale);
    }
    var m: Manifold;
    if local.found {
        m = local.m;
    } else {
        m = capsule_penetrating_segment(p0, p1, closest.p, axis, half, r, margin);
    }
    if m.count == 0u {
        return capsule_empty();
    }
    // Back to the world frame (glam's normalize_or(Z)).
    let n = quat_rotate(pb.orientation, m.normal);
    let rcp = 1.0 / length(n);
    m.normal = select(vec3f(0.0, 0.0, 1.0), n * rcp, sphere_is_finite(rcp) && rcp > 0.0);
    for (var i = 0u; i < m.count; i++) {
        m.points[i].position = pose_transform_point(pb, m.points[i].position);
    }
    return m;
}

// capsule_separated_segment's answer; `found` false stands for Rust's None.
struct CapsuleLocal {
    found: bool,
    m: Manifold,
}

// Mirrors capsule::separated_segment: box-frame contact when the segment stays outside the
// box, `p` on the segment and `q` on the box the closest points. The box feature holding q is
// read from the axes on which p lies outside (beyond `tol`); faces, and edges the segment
// runs along, are clipped for two points. found = false if the feature cannot be told.
fn capsule_separated_segment(
    p0: vec3f,
    p1: vec3f,
    p: vec3f,
    q: vec3f,
    axis: vec3f,
    half: vec3f,
    r: f32,
    margin: f32,
    tol: f32,
) -> CapsuleLocal {
    var result: CapsuleLocal;
    result.found = false;
    var fixed = vec3i(0);
    var out_raw = vec3f(0.0);
    var n_fixed = 0;
    for (var j = 0; j < 3; j++) {
        if p[j] > half[j] + tol {
            fixed[j] = 1;
        } else if p[j] < -half[j] - tol {
            fixed[j] = -1;
        } else {
            continue;
        }
        out_raw[j] = p[j] - q[j];
        n_fixed++;
    }
    // glam's try_normalize.
    let rcp = 1.0 / length(out_raw);
    if !(sphere_is_finite(rcp) && rcp > 0.0) {
        return result;
    }
    let out = out_raw * rcp;
    result.found = true;
    if n_fixed >= 2 {
        // Edge or vertex, but the segment lies flat over the adjacent face nearest the normal
        // (a resting capsule overhanging the edge, its far end dipping): clip to that face
        // instead, for the two points that hold it flat.
        var i = 0;
        for (var j = 0; j < 3; j++) {
            if fixed[j] != 0 && (fixed[i] == 0 || abs(out[j]) > abs(out[i])) {
                i = j;
            }
        }
        // Only when the normal is within FLAT_SIN of the face's.
        if abs(out[i]) >= 1.0 - 0.5 * FLAT_SIN * FLAT_SIN && abs(axis[i]) < FLAT_SIN {
            var face = vec3i(0);
            face[i] = fixed[i];
            var face_out = vec3f(0.0);
            face_out[i] = f32(fixed[i]);
            result.m = capsule_clip_to_feature(p0, p1, half, face, face_out, r, margin, capsule_box_feature_code(face));
            if result.m.count > 0u {
                return result;
            }
        }
    }
    let code = capsule_box_feature_code(fixed);
    var clip = n_fixed == 1;
    if n_fixed == 2 {
        // The free axis (the first unfixed one) is the edge's direction.
        let free = select(select(2, 1, fixed.y == 0), 0, fixed.x == 0);
        clip = abs(axis[free]) >= CAPSULE_ALONG_EDGE;
    }
    if clip {
        result.m = capsule_clip_to_feature(p0, p1, half, fixed, out, r, margin, code);
        if result.m.count > 0u {
            return result;
        }
    }
    let sep = dot(out, p - q) - r;
    var m = manifold_with_normal(-out);
    if sep <= margin {
        manifold_push(&m, 0.5 * (q + p - out * r), sep, 2u * code);
    }
    result.m = m;
    return result;
}

// Mirrors the `test` closure of capsule::penetrating_segment: the depth to push the segment
// (radius r) out of the box along +a or −a, whichever is less, as (depth, outward normal).
fn capsule_sat_axis(a: vec3f, p0: vec3f, p1: vec3f, half: vec3f, r: f32) -> vec4f {
    let reach = dot(half, abs(a));
    let s0 = dot(a, p0);
    let s1 = dot(a, p1);
    let up = reach - (min(s0, s1) - r);
    let down = max(s0, s1) + r + reach;
    if up <= down {
        return vec4f(up, a);
    }
    return vec4f(down, -a);
}

// Mirrors capsule::penetrating_segment: box-frame contact when the segment enters the box.
// Separating-axis test over the three face normals and the segment × edge directions; the
// axis of least penetration gives the normal (faces win near-ties), then a face clips the
// segment and an edge gives the closest points of the segment and that edge. `p` is a
// segment point inside the box.
fn capsule_penetrating_segment(
    p0: vec3f,
    p1: vec3f,
    p: vec3f,
    axis: vec3f,
    half: vec3f,
    r: f32,
    margin: f32,
) -> Manifold {
    var best_depth = SPHERE_BIG;
    var best_out = vec3f(0.0, 0.0, 1.0);
    var best_face = true;
    var best_axis = 2;
    for (var i = 0; i < 3; i++) {
        var e = vec3f(0.0);
        e[i] = 1.0;
        let test = capsule_sat_axis(e, p0, p1, half, r);
        if test.x < best_depth {
            best_depth = test.x;
            best_out = test.yzw;
            best_axis = i;
        }
    }
    if any(p0 != p1) {
        for (var i = 0; i < 3; i++) {
            var e = vec3f(0.0);
            e[i] = 1.0;
            let c = cross(axis, e);
            if dot(c, c) < 1e-6 {
                continue;
            }
            let test = capsule_sat_axis(capsule_normalize(c), p0, p1, half, r);
            // An edge axis must beat the best face clearly, so resting contact stays on faces.
            if test.x < 0.95 * best_depth - 1e-4 {
                best_depth = test.x;
                best_out = test.yzw;
                best_axis = i;
                best_face = false;
            }
        }
    }

    var fixed = vec3i(0);
    if best_face {
        let sign = select(1.0, -1.0, best_out[best_axis] < 0.0);
        var out = vec3f(0.0);
        out[best_axis] = sign;
        fixed[best_axis] = i32(sign);
        let code = capsule_box_feature_code(fixed);
        let clipped = capsule_clip_to_feature(p0, p1, half, fixed, out, r, margin, code);
        if clipped.count > 0u {
            return clipped;
        }
        // Clipping found nothing (round-off at the face border): use the inside point.
        var on_box = p;
        on_box[best_axis] = sign * half[best_axis];
        let sep = dot(out, p - on_box) - r;
        var m = manifold_with_normal(-out);
        if sep <= margin {
            manifold_push(&m, 0.5 * (on_box + p - out * r), sep, 2u * code);
        }
        return m;
    }
    // The box edge along axis `best_axis` that lies farthest along `out`.
    let out = best_out;
    var e0 = vec3f(0.0);
    for (var j = 0; j < 3; j++) {
        if j != best_axis {
            let sign = select(-1, 1, out[j] >= 0.0);
            fixed[j] = sign;
            e0[j] = f32(sign) * half[j];
        }
    }
    var e1 = e0;
    e0[best_axis] = -half[best_axis];
    e1[best_axis] = half[best_axis];
    let closest = closest_points_segments(p0, p1, e0, e1);
    let sep = dot(out, closest.p - closest.q) - r;
    var m = manifold_with_normal(-out);
    if sep <= margin {
        manifold_push(&m, 0.5 * (closest.q + closest.p - out * r), sep, 2u * capsule_box_feature_code(fixed));
    }
    return m;
}
