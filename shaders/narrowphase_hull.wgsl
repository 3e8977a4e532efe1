//!include common.wgsl
//!include narrowphase_segment.wgsl
//!include narrowphase_convex.wgsl

// Narrow phase: every shape against a convex hull (the hull second), the twin of
// crates/manyworlds-cpu/src/narrowphase/hull.rs: a plane takes
// the hull's vertices below it; a sphere its centre's closest point on the hull; a capsule,
// box, cylinder or hull the separating-axis search (face normals, edge pairs pruned on the
// Gauss map, refined against a round solid) and the feature overlap of
// narrowphase_convex.wgsl. SHAPE_HULL, SHAPE_KIND_MASK and SHAPE_KIND_BITS come from the
// host's prelude.

// The scene's hulls, uploaded once (scene_upload.rs `scene_hulls`), floats by their bits: per
// hull three vec4 of header (vertex, face, edge and loop offsets and counts; the unscaled
// centroid), then each hull's vertices (xyz), faces (normal, offset; first, count), edges
// (v0, v1, f0, f1) and face loops (four vertex indices to a vec4).
@group(0) @binding(2) var<storage, read> hull_data: array<vec4u>;

fn hull_floats(i: u32) -> vec4f {
    return bitcast<vec4f>(hull_data[i]);
}

struct HullInfo {
    vertices: u32,
    vertex_count: u32,
    faces: u32,
    face_count: u32,
    edges: u32,
    edge_count: u32,
    loops: u32,
    centroid: vec3f,
}

fn hull_info(h: u32) -> HullInfo {
    let a = hull_data[3u * h];
    let b = hull_data[3u * h + 1u];
    return HullInfo(a.x, a.y, a.z, a.w, b.x, b.y, b.z, hull_floats(3u * h + 2u).xyz);
}

fn hull_local_vertex(info: HullInfo, i: u32) -> vec3f {
    return hull_floats(info.vertices + i).xyz;
}

fn hull_face_first_count(info: HullInfo, f: u32) -> vec2u {
    return hull_data[info.faces + 2u * f + 1u].xy;
}

fn hull_face_local_normal(info: HullInfo, f: u32) -> vec3f {
    return hull_floats(info.faces + 2u * f).xyz;
}

fn hull_edge(info: HullInfo, e: u32) -> vec4u {
    return hull_data[info.edges + e];
}

// Vertex index k of a face's loop (`first` into the hull's loop list).
fn hull_loop_vertex(info: HullInfo, first: u32, k: u32) -> u32 {
    let i = first + k;
    return hull_data[info.loops + i / 4u][i % 4u];
}

// A hull's world vertex i.
fn hull_vertex(s: ConvexSolid, info: HullInfo, i: u32) -> vec3f {
    return s.origin + s.axes * (s.size * hull_local_vertex(info, i));
}

// The hull solid of collider shape `shape` (its index above SHAPE_KIND_BITS) at `pose`.
fn hull_solid(shape: ShapeDesc, pose: Pose) -> ConvexSolid {
    let h = shape.kind >> SHAPE_KIND_BITS;
    let info = hull_info(h);
    let r = quat_to_mat3(pose.orientation);
    let centre = pose.position + quat_rotate(pose.orientation, shape.size * info.centroid);
    return ConvexSolid(centre, SHAPE_HULL, r, shape.size, pose.position, h);
}

// The vertex farthest along `local` (already times the scale); ties to the lower index.
fn hull_support_vertex(info: HullInfo, local: vec3f) -> u32 {
    var best = 0u;
    var best_h = CONVEX_NONE;
    for (var i = 0u; i < info.vertex_count; i++) {
        let h = dot(hull_local_vertex(info, i), local);
        if h > best_h {
            best = i;
            best_h = h;
        }
    }
    return best;
}

// A face's outward unit normal in world coordinates: R (n / s).
fn hull_face_normal(s: ConvexSolid, info: HullInfo, f: u32) -> vec3f {
    return convex_normalize_or(s.axes * (hull_face_local_normal(info, f) / s.size), vec3f(0.0));
}

// convex.rs `reach`, with the hull's: n · (p + R(s∘v) − c) = (s∘Rᵀn) · v + n · (p − c).
fn hull_reach(s: ConvexSolid, n: vec3f) -> f32 {
    if s.kind != SHAPE_HULL {
        return convex_reach(s, n);
    }
    let info = hull_info(s.hull);
    let local = (transpose(s.axes) * n) * s.size;
    var best = CONVEX_NONE;
    for (var i = 0u; i < info.vertex_count; i++) {
        best = max(best, dot(hull_local_vertex(info, i), local));
    }
    return best + dot(n, s.origin - s.centre);
}

fn hull_gap(a: ConvexSolid, b: ConvexSolid, d: vec3f, n: vec3f) -> f32 {
    return dot(n, d) - hull_reach(a, n) - hull_reach(b, -n);
}

// The hull's supporting feature along n (hull.rs `hull_feature`): codes 1 + face,
// 1 + F + edge, 1 + F + E + vertex.
fn hull_feature(s: ConvexSolid, n: vec3f) -> ConvexFeature {
    var f: ConvexFeature;
    let info = hull_info(s.hull);
    var best = 0u;
    var best_c = CONVEX_NONE;
    for (var i = 0u; i < info.face_count; i++) {
        let c = dot(hull_face_normal(s, info, i), n);
        if c > best_c {
            best = i;
            best_c = c;
        }
    }
    if 1.0 - best_c < 0.5 * FLAT_SIN * FLAT_SIN {
        let fc = hull_face_first_count(info, best);
        let count = min(fc.y, CONVEX_FEATURE_VERTICES);
        for (var k = 0u; k < count; k++) {
            f.vertices[k] = hull_vertex(s, info, hull_loop_vertex(info, fc.x, k * fc.y / count));
        }
        f.count = count;
        f.code = 1u + best;
        return f;
    }
    let top = hull_support_vertex(info, s.size * (transpose(s.axes) * n));
    var edge = 0xffffffffu;
    var edge_across = FLAT_SIN;
    for (var e = 0u; e < info.edge_count; e++) {
        let h = hull_edge(info, e);
        if h.x == top || h.y == top {
            let d = hull_vertex(s, info, h.y) - hull_vertex(s, info, h.x);
            let across = abs(dot(n, d)) / max(length(d), 1e-30);
            if across < edge_across {
                edge = e;
                edge_across = across;
            }
        }
    }
    if edge != 0xffffffffu {
        let h = hull_edge(info, edge);
        f.vertices[0] = hull_vertex(s, info, h.x);
        f.vertices[1] = hull_vertex(s, info, h.y);
        f.count = 2u;
        f.code = 1u + info.face_count + edge;
        return f;
    }
    f.vertices[0] = hull_vertex(s, info, top);
    f.count = 1u;
    f.code = 1u + info.face_count + info.edge_count + top;
    return f;
}

fn hull_any_feature(s: ConvexSolid, n: vec3f) -> ConvexFeature {
    if s.kind == SHAPE_HULL {
        return hull_feature(s, n);
    }
    return convex_feature(s, n);
}

// Keeps unit-normalised u as `best` (direction, gap) if its gap is larger.
fn hull_consider(a: ConvexSolid, b: ConvexSolid, d: vec3f, u: vec3f, best: ptr<function, vec4f>) {
    let n = convex_normalize_or(u, vec3f(0.0));
    if all(n == vec3f(0.0)) {
        return;
    }
    let g = hull_gap(a, b, d, n);
    if g > (*best).w {
        *best = vec4f(n, g);
    }
}

// A solid's face candidates: a hull's outward normals (times sign), else ± each axis.
fn hull_face_candidates(a: ConvexSolid, b: ConvexSolid, d: vec3f, s: ConvexSolid, sign: f32) -> vec4f {
    var best = vec4f(0.0, 0.0, 1.0, CONVEX_NONE);
    if s.kind == SHAPE_HULL {
        let info = hull_info(s.hull);
        for (var f = 0u; f < info.face_count; f++) {
            hull_consider(a, b, d, hull_face_normal(s, info, f) * sign, &best);
        }
    } else {
        for (var i = 0u; i < convex_axis_count(s); i++) {
            let u = convex_axis(s, i);
            hull_consider(a, b, d, u, &best);
            hull_consider(a, b, d, -u, &best);
        }
    }
    return best;
}

fn hull_edge_count(s: ConvexSolid) -> u32 {
    if s.kind == SHAPE_HULL {
        return hull_info(s.hull).edge_count;
    }
    return convex_axis_count(s);
}

// Edge i's direction and its two faces' outward normals (a non-hull: its axis, no faces).
fn hull_edge_direction(s: ConvexSolid, i: u32) -> mat3x3f {
    if s.kind != SHAPE_HULL {
        return mat3x3f(convex_axis(s, i), vec3f(0.0), vec3f(0.0));
    }
    let info = hull_info(s.hull);
    let e = hull_edge(info, i);
    return mat3x3f(
        hull_vertex(s, info, e.y) - hull_vertex(s, info, e.x),
        hull_face_normal(s, info, e.z),
        hull_face_normal(s, info, e.w),
    );
}

// Whether arcs (a, b) and (c, d) cross on the Gauss map (hull.rs `arcs_cross`).
fn hull_arcs_cross(a: vec3f, b: vec3f, c: vec3f, d: vec3f) -> bool {
    let bxa = cross(b, a);
    let dxc = cross(d, c);
    let cba = dot(c, bxa);
    let dba = dot(d, bxa);
    let adc = dot(a, dxc);
    let bdc = dot(b, dxc);
    return cba * dba < 0.0 && adc * bdc < 0.0 && cba * bdc > 0.0;
}

fn hull_is_round(s: ConvexSolid) -> bool {
    return s.kind == SHAPE_CAPSULE || s.kind == SHAPE_CYLINDER;
}

// hull.rs `hull_direction`: the separating-axis search with a hull on either side; a face
// farther apart than `margin` already proves no contact.
fn hull_direction(a: ConvexSolid, b: ConvexSolid, margin: f32) -> vec4f {
    let d = b.centre - a.centre;
    let face_a = hull_face_candidates(a, b, d, a, 1.0);
    let face_b = hull_face_candidates(a, b, d, b, -1.0);
    var face = face_a;
    if face_b.w > face_a.w + 5e-4 + 0.02 * abs(face_a.w) {
        face = face_b;
    }
    if max(face_a.w, face_b.w) > margin {
        return select(face_b, face_a, face_a.w > face_b.w);
    }
    var edge = vec4f(0.0, 0.0, 1.0, CONVEX_NONE);
    let both_hulls = a.kind == SHAPE_HULL && b.kind == SHAPE_HULL;
    let na = hull_edge_count(a);
    let nb = hull_edge_count(b);
    for (var i = 0u; i < na; i++) {
        let ea = hull_edge_direction(a, i);
        for (var j = 0u; j < nb; j++) {
            let eb = hull_edge_direction(b, j);
            if both_hulls && !hull_arcs_cross(ea[1], ea[2], -eb[1], -eb[2]) {
                continue;
            }
            let n = cross(ea[0], eb[0]);
            if dot(n, n) > 1e-8 * dot(ea[0], ea[0]) * dot(eb[0], eb[0]) {
                hull_consider(a, b, d, n, &edge);
                hull_consider(a, b, d, -n, &edge);
            }
        }
    }
    hull_consider(a, b, d, d, &edge);
    if hull_is_round(a) {
        hull_consider(a, b, d, d - a.axes[2] * dot(a.axes[2], d), &edge);
    }
    if hull_is_round(b) {
        hull_consider(a, b, d, d - b.axes[2] * dot(b.axes[2], d), &edge);
    }
    if hull_is_round(a) || hull_is_round(b) {
        var best = face_a;
        if face_b.w > best.w {
            best = face_b;
        }
        if edge.w > best.w {
            best = edge;
        }
        return hull_refine(a, b, d, best);
    }
    if edge.w > face.w + 1e-3 + 0.05 * abs(face.w) {
        return edge;
    }
    return face;
}

// One try of the pattern search (convex.wgsl `convex_try` with the hull's gap).
fn hull_try(a: ConvexSolid, b: ConvexSolid, d: vec3f, trial: vec3f, candidate: ptr<function, vec4f>) {
    let g = hull_gap(a, b, d, trial);
    if g > (*candidate).w {
        *candidate = vec4f(trial, g);
    }
}

// At most this many ridges per solid (convex.rs MAX_RIDGES).
const HULL_MAX_RIDGES: u32 = 16u;

// Ridge i of solid s near direction n (convex.rs `ridges`): a non-hull's axes, a hull's
// edges at its supporting vertex; w = 0 past the last.
fn hull_ridge_count(s: ConvexSolid, n: vec3f) -> u32 {
    if s.kind != SHAPE_HULL {
        return convex_axis_count(s);
    }
    let info = hull_info(s.hull);
    let top = hull_support_vertex(info, s.size * (transpose(s.axes) * n));
    var k = 0u;
    for (var e = 0u; e < info.edge_count; e++) {
        let h = hull_edge(info, e);
        if (h.x == top || h.y == top) && k < HULL_MAX_RIDGES {
            k += 1u;
        }
    }
    return k;
}

fn hull_ridge(s: ConvexSolid, n: vec3f, i: u32) -> vec3f {
    if s.kind != SHAPE_HULL {
        return convex_axis(s, i);
    }
    let info = hull_info(s.hull);
    let top = hull_support_vertex(info, s.size * (transpose(s.axes) * n));
    var k = 0u;
    for (var e = 0u; e < info.edge_count; e++) {
        let h = hull_edge(info, e);
        if h.x == top || h.y == top {
            if k == i {
                let a = hull_local_vertex(info, h.x);
                let b = hull_local_vertex(info, h.y);
                return convex_normalize_or(s.axes * (s.size * (b - a)), vec3f(0.0));
            }
            k += 1u;
        }
    }
    return vec3f(0.0);
}

// convex.rs `refine` with hull ridges: the pattern search on the sphere of directions.
fn hull_refine(a: ConvexSolid, b: ConvexSolid, d: vec3f, start: vec4f) -> vec4f {
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
    var ridges: array<vec3f, 32>;
    for (var trial_index = 0u; trial_index < CONVEX_SEARCH_TRIALS; trial_index++) {
        if step < CONVEX_SEARCH_MIN_STEP {
            break;
        }
        let n = best.xyz;
        let ka = hull_ridge_count(a, n);
        let kb = hull_ridge_count(b, -n);
        for (var i = 0u; i < ka; i++) {
            ridges[i] = hull_ridge(a, n, i);
        }
        for (var i = 0u; i < kb; i++) {
            ridges[ka + i] = hull_ridge(b, -n, i);
        }
        var on_ridge = false;
        var w = vec3f(0.0);
        for (var i = 0u; i < ka + kb; i++) {
            if abs(dot(n, ridges[i])) < 1e-5 {
                on_ridge = true;
                w = ridges[i];
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
            hull_try(a, b, d, trial, &candidate);
            for (var i = 0u; i < ka + kb; i++) {
                let r = ridges[i];
                if abs(dot(trial, r)) < 2.0 * step {
                    let on = convex_normalize_or(trial - r * dot(r, trial), vec3f(0.0));
                    if any(on != vec3f(0.0)) {
                        hull_try(a, b, d, on, &candidate);
                    }
                }
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

// The contact manifold of solid A against hull B (or hull against hull), normal A to B.
fn hull_solid_solid(a: ConvexSolid, b: ConvexSolid, margin: f32) -> Manifold {
    let best = hull_direction(a, b, margin);
    let n = best.xyz;
    let g = best.w;
    if g > margin || !convex_is_finite(g) || g == CONVEX_NONE {
        return manifold_with_normal(vec3f(0.0, 0.0, 1.0));
    }
    var fa = hull_any_feature(a, n);
    var fb = hull_any_feature(b, -n);
    return convex_contact(&fa, &fb, n, margin, true);
}

// The hull's vertices within `margin` of the plane, deepest first, reduced to four, each
// named by its vertex index (hull.rs `plane_hull`).
fn plane_hull(plane: Pose, pb: Pose, shape: ShapeDesc, margin: f32) -> Manifold {
    let n = quat_rotate(plane.orientation, vec3f(0.0, 0.0, 1.0));
    let s = hull_solid(shape, pb);
    let info = hull_info(s.hull);
    var list: ConvexCandidates;
    list.count = 0u;
    for (var i = 0u; i < info.vertex_count; i++) {
        let v = hull_vertex(s, info, i);
        let depth = dot(n, v - plane.position);
        // On the plane below the vertex, so the point lands midway (convex_build).
        convex_add(&list, v - n * depth, depth, i, margin);
    }
    return convex_build(n, &list);
}

// A sphere (A) against a hull (B): hull.rs `sphere_hull`.
fn sphere_hull(pa: Pose, radius: f32, pb: Pose, shape: ShapeDesc, margin: f32) -> Manifold {
    let c = pa.position;
    let s = hull_solid(shape, pb);
    let info = hull_info(s.hull);
    // (distance, feature) and the closest point, outside and inside.
    var has_outside = false;
    var out_d = 0.0;
    var out_x = vec3f(0.0);
    var out_feature = 0u;
    var in_h = CONVEX_NONE;
    var in_x = vec3f(0.0);
    var in_feature = 0u;
    for (var f = 0u; f < info.face_count; f++) {
        let normal = hull_face_normal(s, info, f);
        let fc = hull_face_first_count(info, f);
        let h = dot(normal, c - hull_vertex(s, info, hull_loop_vertex(info, fc.x, 0u)));
        if h <= 0.0 {
            if h > in_h {
                in_h = h;
                in_x = c - normal * h;
                in_feature = 1u + f;
            }
            continue;
        }
        var in_face = true;
        var rim_d2 = 3.40282347e38;
        var rim_x = vec3f(0.0);
        var rim_feature = 0u;
        for (var k = 0u; k < fc.y; k++) {
            let vk = hull_loop_vertex(info, fc.x, k);
            let vn = hull_loop_vertex(info, fc.x, select(k + 1u, 0u, k + 1u == fc.y));
            let p = hull_vertex(s, info, vk);
            let q = hull_vertex(s, info, vn);
            if dot(normal, cross(q - p, c - p)) < 0.0 {
                in_face = false;
            }
            let closest = closest_point_segment(p, q, c);
            let gap = c - closest.p;
            let d2 = dot(gap, gap);
            if d2 < rim_d2 {
                rim_d2 = d2;
                rim_x = closest.p;
                rim_feature = 1u + info.face_count + select(vn, vk, closest.t < 0.5);
            }
        }
        var cand_d = sqrt(rim_d2);
        var cand_x = rim_x;
        var cand_feature = rim_feature;
        if in_face {
            cand_d = h;
            cand_x = c - normal * h;
            cand_feature = 1u + f;
        }
        if !has_outside || cand_d < out_d {
            has_outside = true;
            out_d = cand_d;
            out_x = cand_x;
            out_feature = cand_feature;
        }
    }
    var distance: f32;
    var on_hull: vec3f;
    var feature: u32;
    var normal: vec3f;
    if has_outside {
        normal = convex_normalize_or(out_x - c, vec3f(0.0));
        if all(normal == vec3f(0.0)) {
            return manifold_with_normal(vec3f(0.0, 0.0, 1.0));
        }
        distance = out_d;
        on_hull = out_x;
        feature = out_feature;
    } else {
        distance = in_h;
        on_hull = in_x;
        feature = in_feature;
        normal = -hull_face_normal(s, info, in_feature - 1u);
    }
    let separation = distance - radius;
    var m = manifold_with_normal(normal);
    if separation > margin || !convex_is_finite(separation) {
        return manifold_with_normal(vec3f(0.0, 0.0, 1.0));
    }
    manifold_push(&m, on_hull - normal * (0.5 * separation), separation, feature);
    return m;
}

// Shape a at pa (any kind) against hull shape b at pb: hull.rs's functions by a's kind.
fn collide_hull(a: ShapeDesc, pa: Pose, b: ShapeDesc, pb: Pose, margin: f32) -> Manifold {
    let ka = a.kind & SHAPE_KIND_MASK;
    if ka == SHAPE_PLANE {
        return plane_hull(pa, pb, b, margin);
    }
    if ka == SHAPE_SPHERE {
        return sphere_hull(pa, a.size.x, pb, b, margin);
    }
    var sa: ConvexSolid;
    if ka == SHAPE_HULL {
        sa = hull_solid(a, pa);
    } else {
        sa = ConvexSolid(pa.position, ka, quat_to_mat3(pa.orientation), a.size, pa.position, 0u);
    }
    return hull_solid_solid(sa, hull_solid(b, pb), margin);
}
