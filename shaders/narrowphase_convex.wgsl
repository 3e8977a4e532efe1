//!include common.wgsl
//!include narrowphase_segment.wgsl
//!include narrowphase_capsule.wgsl
//!include narrowphase_plane.wgsl

// Contact between two centrally symmetric convex solids known by their support functions
// (capsule, box, cylinder): the twin of crates/manyworlds-cpu/src/narrowphase/convex.rs,
// which explains the method (the normal of largest gap over candidate directions, refined by
// a pattern search; then the overlap of the two supporting features, reduced to four points).
// llvmpipe counts every loop trip of a kernel invocation against one limit (the step's loop
// check), so the search's tries on the ridges are unrolled: only its trials and their eight
// neighbours loop.

const CONVEX_CAP_SIDES: u32 = 8u;
// Vertices a feature keeps (convex.rs FEATURE_VERTICES): names an edge crossing i·16 + j.
const CONVEX_FEATURE_VERTICES: u32 = 16u;
const CONVEX_SEARCH_MIN_STEP: f32 = 1e-4;
const CONVEX_SEARCH_TRIALS: u32 = 48u;
const CONVEX_CANDIDATES: u32 = 64u;
// Stands in for Rust's f32::NEG_INFINITY as "no direction yet".
const CONVEX_NONE: f32 = -3.40282347e38;

// A solid in world coordinates. kind SHAPE_CAPSULE: size (half length, radius), its axis
// axes[2]; SHAPE_BOX: half extents along the axes; SHAPE_CYLINDER: size (half length, radius)
// about axes[2], with axes[0] and axes[1] placing its cap octagon; SHAPE_HULL
// (narrowphase_hull.wgsl): the scene's hull `hull` scaled by size, turned by axes, placed at
// origin, centre its centroid.
struct ConvexSolid {
    centre: vec3f,
    kind: u32,
    axes: mat3x3f,
    size: vec3f,
    origin: vec3f,
    hull: u32,
}

// A supporting feature: up to 16 vertices in cyclic order (1 a point, 2 a segment), and a
// code naming it for warm starting.
struct ConvexFeature {
    vertices: array<vec3f, 16>,
    count: u32,
    code: u32,
}

// The candidate contacts: on A's feature (xyz) with the depth to B's (w), and feature ids.
struct ConvexCandidates {
    points: array<vec4f, 64>,
    ids: array<u32, 64>,
    count: u32,
}

fn convex_is_finite(x: f32) -> bool {
    return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

// glam's normalize_or: v scaled by its reciprocal length when that is finite and positive.
fn convex_normalize_or(v: vec3f, fallback: vec3f) -> vec3f {
    let rcp = 1.0 / length(v);
    if convex_is_finite(rcp) && rcp > 0.0 {
        return v * rcp;
    }
    return fallback;
}

// The unit vector across `axis` nearest n (glam's any_orthonormal_vector if n is along it).
fn convex_across(n: vec3f, axis: vec3f) -> vec3f {
    return convex_normalize_or(n - axis * dot(axis, n), orthonormal_pair(axis)[1]);
}

// The support function about the centre: max n·(x − centre) over the solid (n unit).
fn convex_reach(s: ConvexSolid, n: vec3f) -> f32 {
    if s.kind == SHAPE_CAPSULE {
        return abs(dot(n, s.axes[2])) * s.size.x + s.size.y;
    }
    if s.kind == SHAPE_BOX {
        return abs(dot(n, s.axes[0])) * s.size.x + abs(dot(n, s.axes[1])) * s.size.y
            + abs(dot(n, s.axes[2])) * s.size.z;
    }
    let c = dot(n, s.axes[2]);
    return abs(c) * s.size.x + s.size.y * sqrt(max(1.0 - c * c, 0.0));
}

// Candidate normals a solid offers: a box its three face normals, a round solid its axis.
fn convex_axis_count(s: ConvexSolid) -> u32 {
    return select(1u, 3u, s.kind == SHAPE_BOX);
}

fn convex_axis(s: ConvexSolid, i: u32) -> vec3f {
    if s.kind != SHAPE_BOX || i == 2u {
        return s.axes[2];
    }
    return select(s.axes[1], s.axes[0], i == 0u);
}

// The gap between A and B along unit n: positive when a plane across n separates them.
fn convex_gap(a: ConvexSolid, b: ConvexSolid, d: vec3f, n: vec3f) -> f32 {
    return dot(n, d) - convex_reach(a, n) - convex_reach(b, n);
}

// The part of the solid's surface farthest along n.
fn convex_feature(s: ConvexSolid, n: vec3f) -> ConvexFeature {
    var f: ConvexFeature;
    if s.kind == SHAPE_CAPSULE {
        return convex_side_feature(s, dot(n, s.axes[2]), n * s.size.y);
    }
    if s.kind == SHAPE_BOX {
        // Each axis whose component is not negligible fixes its sign; the free ones (at most
        // two) span the face or edge.
        var fixed = vec3i(0);
        var base = s.centre;
        var free = vec2u(0u);
        var free_count = 0u;
        for (var j = 0u; j < 3u; j++) {
            let c = dot(n, s.axes[j]);
            if abs(c) < FLAT_SIN && free_count < 2u {
                free[free_count] = j;
                free_count += 1u;
            } else {
                fixed[j] = select(-1, 1, c > 0.0);
                base += s.axes[j] * (f32(fixed[j]) * s.size[j]);
            }
        }
        f.code = 1u + capsule_box_feature_code(fixed);
        let e0 = s.axes[free.x] * s.size[free.x];
        let e1 = s.axes[free.y] * s.size[free.y];
        if free_count == 0u {
            f.vertices[0] = base;
            f.count = 1u;
        } else if free_count == 1u {
            f.vertices[0] = base - e0;
            f.vertices[1] = base + e0;
            f.count = 2u;
        } else {
            f.vertices[0] = base - e0 - e1;
            f.vertices[1] = base + e0 - e1;
            f.vertices[2] = base + e0 + e1;
            f.vertices[3] = base - e0 + e1;
            f.count = 4u;
        }
        return f;
    }
    let axis = s.axes[2];
    let c = dot(n, axis);
    let tilt = sqrt(max(1.0 - c * c, 0.0));
    if tilt < FLAT_SIN {
        let cap = select(0u, 1u, c > 0.0);
        let end = s.centre + axis * (s.size.x * select(-1.0, 1.0, c > 0.0));
        // The cap as the octagon inscribed in its rim, vertex k at k · 45°.
        let h = 0.70710677;
        let cosines = array<f32, 8>(1.0, h, 0.0, -h, -1.0, -h, 0.0, h);
        let sines = array<f32, 8>(0.0, h, 1.0, h, 0.0, -h, -1.0, -h);
        for (var k = 0u; k < CONVEX_CAP_SIDES; k++) {
            f.vertices[k] = end + (s.axes[0] * cosines[k] + s.axes[1] * sines[k]) * s.size.y;
        }
        f.count = CONVEX_CAP_SIDES;
        f.code = 3u + cap;
        return f;
    }
    return convex_side_feature(s, c, convex_across(n, axis) * s.size.y);
}

// A round solid's feature off its caps: its axis segment moved by `lift` onto the surface
// (code 0) when c = n·axis is within FLAT_SIN of 0, else the end towards n (code 1 + end).
fn convex_side_feature(s: ConvexSolid, c: f32, lift: vec3f) -> ConvexFeature {
    var f: ConvexFeature;
    let end0 = s.centre - s.axes[2] * s.size.x;
    let end1 = s.centre + s.axes[2] * s.size.x;
    if abs(c) < FLAT_SIN {
        f.vertices[0] = end0 + lift;
        f.vertices[1] = end1 + lift;
        f.count = 2u;
        f.code = 0u;
    } else {
        f.vertices[0] = select(end0, end1, c > 0.0) + lift;
        f.count = 1u;
        f.code = select(1u, 2u, c > 0.0);
    }
    return f;
}

// Keeps u, oriented from A towards B, as `best` (direction, gap) if its gap is larger.
fn convex_consider(a: ConvexSolid, b: ConvexSolid, d: vec3f, u: vec3f, best: ptr<function, vec4f>) {
    var n = convex_normalize_or(u, vec3f(0.0));
    if all(n == vec3f(0.0)) {
        return;
    }
    if dot(n, d) < 0.0 {
        n = -n;
    }
    let g = convex_gap(a, b, d, n);
    if g > (*best).w {
        *best = vec4f(n, g);
    }
}

// The direction of largest gap found, and that gap (w), oriented from A towards B.
fn convex_best_direction(a: ConvexSolid, b: ConvexSolid) -> vec4f {
    let d = b.centre - a.centre;
    var best = vec4f(0.0, 0.0, 1.0, CONVEX_NONE);
    let ka = convex_axis_count(a);
    let kb = convex_axis_count(b);
    for (var i = 0u; i < ka; i++) {
        let u = convex_axis(a, i);
        convex_consider(a, b, d, u, &best);
        for (var j = 0u; j < kb; j++) {
            convex_consider(a, b, d, cross(u, convex_axis(b, j)), &best);
        }
    }
    for (var j = 0u; j < kb; j++) {
        convex_consider(a, b, d, convex_axis(b, j), &best);
    }
    convex_consider(a, b, d, d, &best);
    if a.kind != SHAPE_BOX {
        convex_consider(a, b, d, d - a.axes[2] * dot(a.axes[2], d), &best);
    }
    if b.kind != SHAPE_BOX {
        convex_consider(a, b, d, d - b.axes[2] * dot(b.axes[2], d), &best);
    }
    return convex_refine(a, b, d, best);
}

// One try of the pattern search: `trial` (unit) replaces `candidate` if its gap is larger.
fn convex_try(a: ConvexSolid, b: ConvexSolid, d: vec3f, trial: vec3f, candidate: ptr<function, vec4f>) {
    let g = convex_gap(a, b, d, trial);
    if g > (*candidate).w {
        *candidate = vec4f(trial, g);
    }
}

// A trial within two steps of ridge w (unit) is also tried on the ridge itself.
fn convex_try_ridge(
    a: ConvexSolid,
    b: ConvexSolid,
    d: vec3f,
    trial: vec3f,
    w: vec3f,
    step: f32,
    candidate: ptr<function, vec4f>,
) {
    if abs(dot(trial, w)) < 2.0 * step {
        let on = convex_normalize_or(trial - w * dot(w, trial), vec3f(0.0));
        if any(on != vec3f(0.0)) {
            convex_try(a, b, d, on, candidate);
        }
    }
}

// Ridge i of the search: A's axes, then B's.
fn convex_ridge(a: ConvexSolid, b: ConvexSolid, i: u32) -> vec3f {
    let ka = convex_axis_count(a);
    if i < ka {
        return convex_axis(a, i);
    }
    return convex_axis(b, i - ka);
}

// The pattern search of convex.rs's `refine` from `start` on the unit sphere of directions.
fn convex_refine(a: ConvexSolid, b: ConvexSolid, d: vec3f, start: vec4f) -> vec4f {
    let ridges = convex_axis_count(a) + convex_axis_count(b);
    let box_a = a.kind == SHAPE_BOX;
    let box_b = b.kind == SHAPE_BOX;
    let offsets = array<vec2f, 8>(
        vec2f(1.0, 0.0),
        vec2f(-1.0, 0.0),
        vec2f(0.0, 1.0),
        vec2f(0.0, -1.0),
        vec2f(0.7, 0.7),
        vec2f(-0.7, 0.7),
        vec2f(0.7, -0.7),
        vec2f(-0.7, -0.7),
    );
    var best = start;
    var step = 0.1;
    for (var trial_index = 0u; trial_index < CONVEX_SEARCH_TRIALS; trial_index++) {
        if step < CONVEX_SEARCH_MIN_STEP {
            break;
        }
        let n = best.xyz;
        var on_ridge = false;
        var w = vec3f(0.0);
        for (var i = 0u; i < ridges; i++) {
            let r = convex_ridge(a, b, i);
            if abs(dot(n, r)) < 1e-5 {
                on_ridge = true;
                w = r;
                break;
            }
        }
        var t1: vec3f;
        var t2: vec3f;
        if on_ridge {
            t1 = convex_normalize_or(cross(w, n), orthonormal_pair(w)[1]);
            t2 = w;
        } else {
            let pair = orthonormal_pair(n);
            t1 = pair[0];
            t2 = pair[1];
        }
        var candidate = best;
        for (var k = 0u; k < 8u; k++) {
            let v = n + (t1 * offsets[k].x + t2 * offsets[k].y) * step;
            let trial = v * (1.0 / length(v));
            convex_try(a, b, d, trial, &candidate);
            // The ridges, unrolled: A's axes, then B's.
            convex_try_ridge(a, b, d, trial, convex_axis(a, 0u), step, &candidate);
            if box_a {
                convex_try_ridge(a, b, d, trial, a.axes[1], step, &candidate);
                convex_try_ridge(a, b, d, trial, a.axes[2], step, &candidate);
            }
            convex_try_ridge(a, b, d, trial, convex_axis(b, 0u), step, &candidate);
            if box_b {
                convex_try_ridge(a, b, d, trial, b.axes[1], step, &candidate);
                convex_try_ridge(a, b, d, trial, b.axes[2], step, &candidate);
            }
        }
        if candidate.w > best.w {
            best = candidate;
        } else {
            step *= 0.5;
        }
    }
    return best;
}

fn convex_edge_count(f: ptr<function, ConvexFeature>) -> u32 {
    let count = (*f).count;
    if count <= 1u {
        return 0u;
    }
    return select(count, 1u, count == 2u);
}

// The index of the vertex after i (the end of edge i).
fn convex_next(f: ptr<function, ConvexFeature>, i: u32) -> u32 {
    return select(i + 1u, 0u, i + 1u >= (*f).count);
}

// Where the line through x along n meets the plane of polygon f (≥ 3 vertices): the signed
// distance along n from x (w = 1), or w = 0 if the plane is edge-on to n.
fn convex_height_over(f: ptr<function, ConvexFeature>, x: vec3f, n: vec3f) -> vec2f {
    let v0 = (*f).vertices[0];
    let normal = cross((*f).vertices[1] - v0, (*f).vertices[2] - v0);
    let along = dot(normal, n);
    if abs(along) <= 1e-6 * length(normal) {
        return vec2f(0.0, 0.0);
    }
    return vec2f(dot(normal, v0 - x) / along, 1.0);
}

// Whether x seen along n lies inside convex polygon f (with a relative tolerance).
fn convex_inside(f: ptr<function, ConvexFeature>, x: vec3f, n: vec3f) -> bool {
    // The side of the edges x is on so far: 0 none yet, else ±1.
    var side = 0.0;
    for (var i = 0u; i < (*f).count; i++) {
        let p = (*f).vertices[i];
        let q = (*f).vertices[convex_next(f, i)];
        let s = dot(n, cross(q - p, x - p));
        let e = q - p;
        if abs(s) <= 1e-6 * dot(e, e) {
            continue;
        }
        if side == 0.0 {
            side = sign(s);
        } else if sign(s) != side {
            return false;
        }
    }
    return true;
}

// The crossing of segments p0p1 (on A) and q0q1 (on B) seen along n: the parameters on both
// (xy), z = 1 if they cross within both.
fn convex_crossing(p0: vec3f, p1: vec3f, q0: vec3f, q1: vec3f, n: vec3f) -> vec3f {
    let dp = p1 - p0;
    let dq = q1 - q0;
    let w = q0 - p0;
    let denom = dot(n, cross(dp, dq));
    if abs(denom) <= 1e-9 * length(dp) * length(dq) {
        return vec3f(0.0);
    }
    let s = dot(n, cross(w, dq)) / denom;
    let t = dot(n, cross(w, dp)) / denom;
    let within = s >= 0.0 && s <= 1.0 && t >= 0.0 && t <= 1.0;
    return vec3f(s, t, select(0.0, 1.0, within));
}

// Adds a candidate if it is within the margin, finite, and there is room.
fn convex_add(list: ptr<function, ConvexCandidates>, on_a: vec3f, separation: f32, id: u32, margin: f32) {
    let k = (*list).count;
    if separation <= margin && convex_is_finite(separation) && k < CONVEX_CANDIDATES {
        (*list).points[k] = vec4f(on_a, separation);
        (*list).ids[k] = id;
        (*list).count = k + 1u;
    }
}

// Whether two segments seen along n lie on one line (side by side, parallel).
fn convex_collinear(fa: ptr<function, ConvexFeature>, fb: ptr<function, ConvexFeature>, n: vec3f) -> bool {
    let da = (*fa).vertices[1] - (*fa).vertices[0];
    let db = (*fb).vertices[1] - (*fb).vertices[0];
    return abs(dot(n, cross(da, db))) < FLAT_SIN * length(da) * length(db);
}

// B's point over A's line at parameter t: B's own line at the same projection.
fn convex_on_b(a0: vec3f, dir: vec3f, b0: vec3f, b1: vec3f, t: f32) -> vec3f {
    let db = b1 - b0;
    let s = dot(a0 + dir * t - b0, db) / max(dot(db, db), 1e-12);
    return b0 + db * clamp(s, 0.0, 1.0);
}

// The common stretch of two parallel segments, along A's: a candidate at each end (ids
// 0/1: A's end, 2/3: B's end, under `base`).
fn convex_overlap_of_lines(
    fa: ptr<function, ConvexFeature>,
    fb: ptr<function, ConvexFeature>,
    n: vec3f,
    base: u32,
    margin: f32,
    list: ptr<function, ConvexCandidates>,
) {
    let a0 = (*fa).vertices[0];
    let b0 = (*fb).vertices[0];
    let b1 = (*fb).vertices[1];
    let dir = (*fa).vertices[1] - a0;
    let len2 = dot(dir, dir);
    if len2 <= 1e-12 {
        return;
    }
    let tb0 = dot(b0 - a0, dir) / len2;
    let tb1 = dot(b1 - a0, dir) / len2;
    var lo_b = tb1;
    var lo_id = 3u;
    var hi_b = tb0;
    var hi_id = 2u;
    if tb0 <= tb1 {
        lo_b = tb0;
        lo_id = 2u;
        hi_b = tb1;
        hi_id = 3u;
    }
    var lo = 0.0;
    if lo_b > 0.0 {
        lo = lo_b;
    } else {
        lo_id = 0u;
    }
    var hi = 1.0;
    if hi_b < 1.0 {
        hi = hi_b;
    } else {
        hi_id = 1u;
    }
    if hi < lo {
        return;
    }
    let x_lo = a0 + dir * lo;
    convex_add(list, x_lo, dot(n, convex_on_b(a0, dir, b0, b1, lo) - x_lo), base | lo_id, margin);
    if hi - lo > 1e-6 {
        let x_hi = a0 + dir * hi;
        convex_add(list, x_hi, dot(n, convex_on_b(a0, dir, b0, b1, hi) - x_hi), base | hi_id, margin);
    }
}

// Edge i of f, a point counting as an edge of length 0.
fn convex_edge_start(f: ptr<function, ConvexFeature>, i: u32) -> vec3f {
    return (*f).vertices[select(i, 0u, (*f).count == 1u)];
}

fn convex_edge_end(f: ptr<function, ConvexFeature>, i: u32) -> vec3f {
    if (*f).count == 1u {
        return (*f).vertices[0];
    }
    return (*f).vertices[convex_next(f, i)];
}

// The closest pair of points of the edges of fa and fb (on A, on B).
fn convex_closest_of_features(fa: ptr<function, ConvexFeature>, fb: ptr<function, ConvexFeature>) -> array<vec3f, 2> {
    var best_d2 = 3.40282347e38;
    var best = array<vec3f, 2>((*fa).vertices[0], (*fb).vertices[0]);
    let ea = max(convex_edge_count(fa), 1u);
    let eb = max(convex_edge_count(fb), 1u);
    for (var i = 0u; i < ea; i++) {
        let p0 = convex_edge_start(fa, i);
        let p1 = convex_edge_end(fa, i);
        for (var j = 0u; j < eb; j++) {
            let pair = closest_points_segments(p0, p1, convex_edge_start(fb, j), convex_edge_end(fb, j));
            let gap = pair.q - pair.p;
            let d2 = dot(gap, gap);
            if d2 < best_d2 {
                best_d2 = d2;
                best = array<vec3f, 2>(pair.p, pair.q);
            }
        }
    }
    return best;
}

// The contact manifold of A against B, normal from A to B, points down to `margin`.
fn solid_solid(a: ConvexSolid, b: ConvexSolid, margin: f32) -> Manifold {
    let best = convex_best_direction(a, b);
    let n = best.xyz;
    let g = best.w;
    if g > margin || !convex_is_finite(g) || g == CONVEX_NONE {
        return manifold_with_normal(vec3f(0.0, 0.0, 1.0));
    }
    var fa = convex_feature(a, n);
    var fb = convex_feature(b, -n);
    return convex_contact(&fa, &fb, n, margin, false);
}

// The overlap of features fa (A's along n) and fb (B's along −n), as solid_solid builds it;
// `joining`: with a hull, features apart and not overlapping along n take the direction and
// distance of their closest points (convex.rs).
fn convex_contact(
    fa: ptr<function, ConvexFeature>,
    fb: ptr<function, ConvexFeature>,
    n: vec3f,
    margin: f32,
    joining: bool,
) -> Manifold {
    let codes = ((*fa).code << 18u) | ((*fb).code << 8u);
    var list: ConvexCandidates;
    list.count = 0u;
    // A's vertices over B's polygon, B's over A's.
    if (*fb).count >= 3u {
        for (var i = 0u; i < (*fa).count; i++) {
            let x = (*fa).vertices[i];
            if convex_inside(fb, x, n) {
                let h = convex_height_over(fb, x, n);
                if h.y != 0.0 {
                    convex_add(&list, x, h.x, (1u << 28u) | codes | i, margin);
                }
            }
        }
    }
    if (*fa).count >= 3u {
        for (var i = 0u; i < (*fb).count; i++) {
            let y = (*fb).vertices[i];
            if convex_inside(fa, y, n) {
                let h = convex_height_over(fa, y, n);
                if h.y != 0.0 {
                    convex_add(&list, y + n * h.x, -h.x, (2u << 28u) | codes | i, margin);
                }
            }
        }
    }
    if (*fa).count == 2u && (*fb).count == 2u && convex_collinear(fa, fb, n) {
        convex_overlap_of_lines(fa, fb, n, (3u << 28u) | codes, margin, &list);
    } else {
        let ea = convex_edge_count(fa);
        let eb = convex_edge_count(fb);
        for (var i = 0u; i < ea; i++) {
            let p0 = (*fa).vertices[i];
            let p1 = (*fa).vertices[convex_next(fa, i)];
            for (var j = 0u; j < eb; j++) {
                let q0 = (*fb).vertices[j];
                let q1 = (*fb).vertices[convex_next(fb, j)];
                let st = convex_crossing(p0, p1, q0, q1, n);
                if st.z != 0.0 {
                    let x = mix(p0, p1, st.x);
                    let id = (4u << 28u) | codes | (i * CONVEX_FEATURE_VERTICES + j);
                    convex_add(&list, x, dot(n, mix(q0, q1, st.y) - x), id, margin);
                }
            }
        }
    }
    if list.count == 0u {
        // No overlap seen along the normal (features meeting at an end or a corner): the
        // closest points of their edges.
        let closest = convex_closest_of_features(fa, fb);
        var normal = n;
        var separation = dot(n, closest[1] - closest[0]);
        let apart = closest[1] - closest[0];
        let joined = convex_normalize_or(apart, vec3f(0.0));
        if joining && separation > 0.0 && any(joined != vec3f(0.0)) {
            normal = joined;
            separation = length(apart);
        }
        convex_add(&list, closest[0], separation, codes, margin);
        return convex_build(normal, &list);
    }
    return convex_build(n, &list);
}

// Sorts the candidates deepest first (stably), keeps four spread ones, and writes the
// manifold with each point midway between the surfaces.
fn convex_build(n: vec3f, list: ptr<function, ConvexCandidates>) -> Manifold {
    let k = (*list).count;
    for (var i = 1u; i < k; i++) {
        let p = (*list).points[i];
        let id = (*list).ids[i];
        var j = i;
        while j > 0u && (*list).points[j - 1u].w > p.w {
            (*list).points[j] = (*list).points[j - 1u];
            (*list).ids[j] = (*list).ids[j - 1u];
            j -= 1u;
        }
        (*list).points[j] = p;
        (*list).ids[j] = id;
    }
    var keep = array<u32, 4>(0u, 1u, 2u, 3u);
    var kept = k;
    if k > MAX_POINTS {
        kept = convex_reduce_to_four(list, n, &keep);
    }
    var m = manifold_with_normal(n);
    for (var s = 0u; s < kept; s++) {
        let c = (*list).points[keep[s]];
        manifold_push(&m, c.xyz + n * (0.5 * c.w), c.w, (*list).ids[keep[s]]);
    }
    return m;
}

// The twin of plane.rs's reduce_to_four over the sorted candidates: the deepest, the
// farthest from it, the largest triangle with those two, the most area added outside it;
// a score must beat the best by a relative 1e-3 (and 1e-12), so near-ties go to the deeper.
fn convex_reduce_to_four(list: ptr<function, ConvexCandidates>, n: vec3f, keep: ptr<function, array<u32, 4>>) -> u32 {
    let k = (*list).count;
    let a = (*list).points[0].xyz;
    (*keep)[0] = 0u;
    var b = a;
    var c = a;
    for (var pick = 1u; pick < 4u; pick++) {
        var best = 0.0;
        var found = false;
        for (var i = 0u; i < k; i++) {
            let score = reduce_score(pick, n, a, b, c, (*list).points[i].xyz);
            if score > best * 1.001 + 1e-12 {
                best = score;
                (*keep)[pick] = i;
                found = true;
            }
        }
        if !found {
            return pick;
        }
        reduce_picked(pick, n, a, &b, &c, (*list).points[(*keep)[pick]].xyz);
    }
    return 4u;
}
