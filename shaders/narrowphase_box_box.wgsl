//!include common.wgsl

// Narrow phase: box against box, the twin of crates/manyworlds-cpu/src/narrowphase/box_box.rs
// (that file explains the algorithm and the feature id layout). Separating-axis test over the
// 15 axes, then a face contact (incident face clipped by the reference face's side planes,
// reduced to 4 points by spread) or one edge–edge point. The operations, tolerances,
// comparisons and tie breaks follow the Rust ones step by step, so that both backends round
// alike and choose alike.
//
// Written for SIMD CPU backends (lavapipe runs 8 invocations as one vector, executes both
// sides of every branch under a mask, and runs a loop until its last lane is done) as much as
// for GPUs: no index into an array or a matrix varies per lane or with a loop counter (either
// goes through memory one lane at a time). A lane-varying axis picks its column by select();
// loops over polygon vertices and contact slots take element 0 and rotate the array; the
// clipped polygon is built by writing each output vertex to every slot under a compare.
// Clipping keeps at most 13 vertices for the last plane: a vertex emits at most two, and one
// that emits two is followed by one that emits at most one, so 4 vertices clip to at most 6,
// 6 to 9 and 9 to 13 (and 13 to 19, of which Rust keeps BOX_CLIP_CAP).

const BOX_PARALLEL_EPS: f32 = 1e-5;
const BOX_FACE_B_ABS_TOL: f32 = 5e-4;
const BOX_FACE_B_REL_TOL: f32 = 0.02;
const BOX_EDGE_ABS_TOL: f32 = 1e-3;
const BOX_EDGE_REL_TOL: f32 = 0.05;
const BOX_EDGE_END_TOL: f32 = 1e-3;
const BOX_CLIP_CAP: u32 = 16u;
const BOX_EDGE_FLAG: u32 = 0x80000000u;
const BOX_REF_B_FLAG: u32 = 0x4000u;
// Stands in for the Rust f32::NEG_INFINITY starting values (WGSL has no infinity literal):
// every finite separation beats it just the same.
const BOX_NO_SEP: f32 = -3.4028235e38;
// No index chosen yet (Rust's usize::MAX in reduce's argmax).
const BOX_NONE: u32 = 0xffffffffu;

// Rust Obb: centre, unit axes (columns), half extents (made non-negative).
struct BoxObb {
    center: vec3f,
    axes: mat3x3f,
    half: vec3f,
}

// Rust FaceQuery: separation, axis, and the sign making the outward normal face the other box.
struct BoxFaceQuery {
    sep: f32,
    axis: u32,
    sign: f32,
}

// Rust EdgeQuery: separation, A's edge axis i, B's edge axis j, unit normal A→B.
struct BoxEdgeQuery {
    sep: f32,
    i: u32,
    j: u32,
    normal: vec3f,
}

// The edge–edge point of Rust edge_contact and whether the edges really cross.
struct BoxEdgePoint {
    pos: vec3f,
    feature: u32,
    crossing: bool,
}

// The reference points of Rust reduce's scores (see box_score).
struct BoxReduceRefs {
    centroid: vec3f,
    p0: vec3f,
    p1: vec3f,
    t1: vec3f,
    t2: vec3f,
    n: vec3f,
}

fn box_empty() -> Manifold {
    return manifold_with_normal(vec3f(0.0, 0.0, 1.0));
}

fn box_obb(center: vec3f, orientation: vec4f, half: vec3f) -> BoxObb {
    return BoxObb(center, quat_to_mat3(orientation), abs(half));
}

// FaceQuery::new.
fn box_face_query(sep: f32, axis: u32, dist: f32) -> BoxFaceQuery {
    return BoxFaceQuery(sep, axis, select(1.0, -1.0, dist < 0.0));
}

// (i + 1) % 3 for i in 0..=2.
fn box_next(i: u32) -> u32 {
    return select(i + 1u, 0u, i == 2u);
}

// Column i of m and component i of v, by select (a lane-varying index into a matrix would go
// through memory).
fn box_col(m: mat3x3f, i: u32) -> vec3f {
    return select(select(m[0], m[1], i == 1u), m[2], i == 2u);
}

fn box_comp(v: vec3f, i: u32) -> f32 {
    return select(select(v.x, v.y, i == 1u), v.z, i == 2u);
}

// Edge axis e_i × R_j (in A's frame; i, j literal at the call sites): makes it the best edge
// query if it separates more; returns whether it separates beyond the margin.
fn box_edge_axis(
    q: ptr<function, BoxEdgeQuery>,
    i: u32,
    j: u32,
    rc: mat3x3f,
    ac: mat3x3f,
    t: vec3f,
    ha: vec3f,
    hb: vec3f,
    margin: f32,
) -> bool {
    let identity = mat3x3f(1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0);
    let u = box_next(i);
    let v = box_next(u);
    let j1 = box_next(j);
    let j2 = box_next(j1);
    let axis = cross(box_col(identity, i), box_col(rc, j));
    let len2 = dot(axis, axis);
    if len2 < BOX_PARALLEL_EPS {
        return false;
    }
    let inv_len = 1.0 / sqrt(len2);
    let dist = dot(t, axis);
    let acj = box_col(ac, j);
    let ra = box_comp(ha, u) * box_comp(acj, v) + box_comp(ha, v) * box_comp(acj, u);
    let rb = box_comp(hb, j1) * box_comp(box_col(ac, j2), i) + box_comp(hb, j2) * box_comp(box_col(ac, j1), i);
    let sep = (abs(dist) - ra - rb) * inv_len;
    if sep > (*q).sep {
        *q = BoxEdgeQuery(sep, i, j, axis * select(inv_len, -inv_len, dist < 0.0));
    }
    return sep > margin;
}

fn box_box(pose_a: Pose, half_a: vec3f, pose_b: Pose, half_b: vec3f, margin_in: f32) -> Manifold {
    let margin = max(margin_in, 0.0);
    // Relative to A's centre, as in Rust.
    let origin = pose_a.position;
    let a = box_obb(vec3f(0.0), pose_a.orientation, half_a);
    let b = box_obb(pose_b.position - origin, pose_b.orientation, half_b);
    let d = b.center;
    let ha = a.half;
    let hb = b.half;

    // In A's frame: t = B's centre; rc[j] = column j of R = Aᵀ B (B's axis j), so the Rust
    // r[i][j] is rc[j][i]; ac = |rc|.
    let t = vec3f(dot(d, a.axes[0]), dot(d, a.axes[1]), dot(d, a.axes[2]));
    let rc0 = vec3f(dot(a.axes[0], b.axes[0]), dot(a.axes[1], b.axes[0]), dot(a.axes[2], b.axes[0]));
    let rc1 = vec3f(dot(a.axes[0], b.axes[1]), dot(a.axes[1], b.axes[1]), dot(a.axes[2], b.axes[1]));
    let rc2 = vec3f(dot(a.axes[0], b.axes[2]), dot(a.axes[1], b.axes[2]), dot(a.axes[2], b.axes[2]));
    let rc = mat3x3f(rc0, rc1, rc2);
    let ac0 = abs(rc0);
    let ac1 = abs(rc1);
    let ac2 = abs(rc2);
    let ac = mat3x3f(ac0, ac1, ac2);

    // Face axes of A (component i: axis i). Rust returns as soon as an axis separates beyond
    // the margin; the answer is the same empty manifold whichever axis it is, so here every
    // axis is tested and `separated` decides once.
    let rb_a = hb.x * ac0 + hb.y * ac1 + hb.z * ac2;
    let sep_a = abs(t) - ha - rb_a;
    var face_a = BoxFaceQuery(BOX_NO_SEP, 0u, 1.0);
    if sep_a.x > face_a.sep {
        face_a = box_face_query(sep_a.x, 0u, t.x);
    }
    if sep_a.y > face_a.sep {
        face_a = box_face_query(sep_a.y, 1u, t.y);
    }
    if sep_a.z > face_a.sep {
        face_a = box_face_query(sep_a.z, 2u, t.z);
    }
    // Face axes of B (outward normal towards A, along -d).
    let dist_b = vec3f(
        -(t.x * rc0.x + t.y * rc0.y + t.z * rc0.z),
        -(t.x * rc1.x + t.y * rc1.y + t.z * rc1.z),
        -(t.x * rc2.x + t.y * rc2.y + t.z * rc2.z),
    );
    let ra_b = vec3f(
        ha.x * ac0.x + ha.y * ac0.y + ha.z * ac0.z,
        ha.x * ac1.x + ha.y * ac1.y + ha.z * ac1.z,
        ha.x * ac2.x + ha.y * ac2.y + ha.z * ac2.z,
    );
    let sep_b = abs(dist_b) - hb - ra_b;
    var face_b = BoxFaceQuery(BOX_NO_SEP, 0u, 1.0);
    if sep_b.x > face_b.sep {
        face_b = box_face_query(sep_b.x, 0u, dist_b.x);
    }
    if sep_b.y > face_b.sep {
        face_b = box_face_query(sep_b.y, 1u, dist_b.y);
    }
    if sep_b.z > face_b.sep {
        face_b = box_face_query(sep_b.z, 2u, dist_b.z);
    }
    var separated = any(sep_a > vec3f(margin)) || any(sep_b > vec3f(margin));
    // Edge axes e_i × R_j, in Rust's order (i outer, j inner).
    var edge = BoxEdgeQuery(BOX_NO_SEP, 0u, 0u, vec3f(0.0, 0.0, 1.0));
    separated = separated | box_edge_axis(&edge, 0u, 0u, rc, ac, t, ha, hb, margin);
    separated = separated | box_edge_axis(&edge, 0u, 1u, rc, ac, t, ha, hb, margin);
    separated = separated | box_edge_axis(&edge, 0u, 2u, rc, ac, t, ha, hb, margin);
    separated = separated | box_edge_axis(&edge, 1u, 0u, rc, ac, t, ha, hb, margin);
    separated = separated | box_edge_axis(&edge, 1u, 1u, rc, ac, t, ha, hb, margin);
    separated = separated | box_edge_axis(&edge, 1u, 2u, rc, ac, t, ha, hb, margin);
    separated = separated | box_edge_axis(&edge, 2u, 0u, rc, ac, t, ha, hb, margin);
    separated = separated | box_edge_axis(&edge, 2u, 1u, rc, ac, t, ha, hb, margin);
    separated = separated | box_edge_axis(&edge, 2u, 2u, rc, ac, t, ha, hb, margin);
    if separated {
        return box_empty();
    }
    // Rust: edge.sep.is_finite() (an edge axis replaced the starting value).
    let edge_found = edge.sep > BOX_NO_SEP;
    // The winning edge normal, from A's frame to the world.
    let en = edge.normal;
    edge.normal = a.axes[0] * en.x + a.axes[1] * en.y + a.axes[2] * en.z;

    // Hysteresis: A's faces before B's, faces before edges, unless clearly worse.
    let b_first = face_b.sep > face_a.sep + BOX_FACE_B_ABS_TOL + BOX_FACE_B_REL_TOL * abs(face_a.sep);
    let best_face = select(face_a.sep, face_b.sep, b_first);
    let edge_first = edge_found
        && edge.sep > best_face + BOX_EDGE_ABS_TOL + BOX_EDGE_REL_TOL * abs(best_face);

    // Rust calls edge_contact at most once per query (first, or as the last resort), and it
    // has no side effects: compute it once here so that the kernel holds one copy of it.
    var ep = BoxEdgePoint(vec3f(0.0), 0u, false);
    if edge_found {
        ep = box_edge_contact(a, b, edge);
    }

    var m = box_empty();
    var edge_rejected = false;
    if edge_first {
        if ep.crossing || edge.sep < 0.0 {
            m = manifold_with_normal(edge.normal);
            m.points[0] = ContactPoint(ep.pos, edge.sep, ep.feature);
            m.count = 1u;
        } else {
            edge_rejected = true;
        }
    }
    // The preferred face first, the other as a fallback (one call site, to keep the kernel lean).
    for (var k = 0u; k < 2u; k++) {
        if m.count != 0u {
            break;
        }
        let ref_is_b = (k == 0u) == b_first;
        var ref_box = a;
        var inc_box = b;
        var face = face_a;
        var flags = 0u;
        if ref_is_b {
            ref_box = b;
            inc_box = a;
            face = face_b;
            flags = BOX_REF_B_FLAG;
        }
        m = box_face_contact(ref_box, inc_box, face, margin, flags);
        if ref_is_b {
            m.normal = -m.normal;
        }
    }
    // Last resort: a crossing edge pair.
    if m.count == 0u && !edge_rejected && edge_found && ep.crossing {
        m = manifold_with_normal(edge.normal);
        m.points[0] = ContactPoint(ep.pos, edge.sep, ep.feature);
        m.count = 1u;
    }
    if 0u < m.count {
        m.points[0].position += origin;
    }
    if 1u < m.count {
        m.points[1].position += origin;
    }
    if 2u < m.count {
        m.points[2].position += origin;
    }
    if 3u < m.count {
        m.points[3].position += origin;
    }
    return m;
}

// Rust support_edge: the edge of `obb` parallel to axis `axis` that is extreme along `dir`,
// as its midpoint (xyz) and index (returned through `index`).
fn box_support_edge(obb: BoxObb, axis: u32, dir: vec3f, index: ptr<function, u32>) -> vec3f {
    let u = box_next(axis);
    let v = box_next(u);
    let au = box_col(obb.axes, u);
    let av = box_col(obb.axes, v);
    let nu = dot(au, dir) < 0.0;
    let nv = dot(av, dir) < 0.0;
    let su = select(1.0, -1.0, nu);
    let sv = select(1.0, -1.0, nv);
    *index = 4u * axis + select(0u, 1u, nu) + select(0u, 2u, nv);
    return obb.center + au * (su * box_comp(obb.half, u)) + av * (sv * box_comp(obb.half, v));
}

// Rust edge_contact: the point midway between the closest points of A's and B's supporting
// edges, its feature id, and whether the infinite lines' closest points lie within both
// segments (give or take BOX_EDGE_END_TOL).
fn box_edge_contact(a: BoxObb, b: BoxObb, q: BoxEdgeQuery) -> BoxEdgePoint {
    let n = q.normal;
    var ea = 0u;
    var eb = 0u;
    let ca = box_support_edge(a, q.i, n, &ea);
    let cb = box_support_edge(b, q.j, -n, &eb);
    let da = box_col(a.axes, q.i);
    let db = box_col(b.axes, q.j);
    let ha = box_comp(a.half, q.i);
    let hb = box_comp(b.half, q.j);
    // Closest points ca + s·da and cb + t·db of the two lines (unit, non-parallel directions).
    let r = ca - cb;
    let c = dot(da, db);
    let ar = dot(da, r);
    let br = dot(db, r);
    let dadb = cross(da, db);
    let denom = max(dot(dadb, dadb), BOX_PARALLEL_EPS);
    let s_line = (c * br - ar) / denom;
    let t_line = br + c * s_line;
    let crossing = abs(s_line) <= ha + BOX_EDGE_END_TOL && abs(t_line) <= hb + BOX_EDGE_END_TOL;
    // Segment closest points: clamp, re-solve the other parameter, clamp again.
    let t = clamp(br + c * clamp(s_line, -ha, ha), -hb, hb);
    let s = clamp(c * t - ar, -ha, ha);
    let pa = ca + da * s;
    let pb = cb + db * t;
    return BoxEdgePoint((pa + pb) * 0.5, BOX_EDGE_FLAG | ea | (eb << 4u), crossing);
}

// Clip polygons are array<vec4f, 16>: a vertex's position in xyz and, in w, its tag (exact
// as an f32) = the Rust ClipVert mask (bits 0..=7, the two lines meeting at the vertex) |
// line << 8 (the line of the polygon edge from this vertex to the next).

// Where edge cur→next crosses the plane (dc, dn: their strictly opposite-signed distances).
fn box_crossing(cur: vec3f, next: vec3f, dc: f32, dn: f32) -> vec3f {
    return cur + (next - cur) * (dc / (dc - dn));
}

// Puts v in slot `at` of dst (nowhere if `at` is BOX_NONE); slots above `lim` (a constant
// where inlined) are known not to be `at` and are left alone.
fn box_put(dst: ptr<function, array<vec4f, 16>>, at: u32, v: vec4f, lim: u32) {
    (*dst)[0] = select((*dst)[0], v, at == 0u);
    if lim >= 1u { (*dst)[1] = select((*dst)[1], v, at == 1u); }
    if lim >= 2u { (*dst)[2] = select((*dst)[2], v, at == 2u); }
    if lim >= 3u { (*dst)[3] = select((*dst)[3], v, at == 3u); }
    if lim >= 4u { (*dst)[4] = select((*dst)[4], v, at == 4u); }
    if lim >= 5u { (*dst)[5] = select((*dst)[5], v, at == 5u); }
    if lim >= 6u { (*dst)[6] = select((*dst)[6], v, at == 6u); }
    if lim >= 7u { (*dst)[7] = select((*dst)[7], v, at == 7u); }
    if lim >= 8u { (*dst)[8] = select((*dst)[8], v, at == 8u); }
    if lim >= 9u { (*dst)[9] = select((*dst)[9], v, at == 9u); }
    if lim >= 10u { (*dst)[10] = select((*dst)[10], v, at == 10u); }
    if lim >= 11u { (*dst)[11] = select((*dst)[11], v, at == 11u); }
    if lim >= 12u { (*dst)[12] = select((*dst)[12], v, at == 12u); }
    if lim >= 13u { (*dst)[13] = select((*dst)[13], v, at == 13u); }
    if lim >= 14u { (*dst)[14] = select((*dst)[14], v, at == 14u); }
    if lim >= 15u { (*dst)[15] = select((*dst)[15], v, at == 15u); }
}

// Rust clip (Sutherland–Hodgman, keeping plane_n · p ≤ offset) of the polygon of `count`
// vertices in src into dst; returns the output count (Rust's push drops vertices past
// BOX_CLIP_CAP). The loop takes vertex 0 and then rotates the polygon, so that no index
// depends on the loop counter.
fn box_clip(
    src: ptr<function, array<vec4f, 16>>,
    count: u32,
    dst: ptr<function, array<vec4f, 16>>,
    plane_n: vec3f,
    offset: f32,
    plane_line: u32,
) -> u32 {
    var at = 0u;
    var s = *src;
    let f = s[0];
    for (var m = 0u; m < count; m++) {
        let cur = s[0];
        let next = select(s[1], f, m + 1u == count);
        let dc = dot(plane_n, cur.xyz) - offset;
        let dn = dot(plane_n, next.xyz) - offset;
        let cur_tag = u32(cur.w);
        let cur_line = cur_tag >> 8u;
        let cross_mask = (1u << cur_line) | (1u << plane_line);
        let p = box_crossing(cur.xyz, next.xyz, dc, dn);
        // dc <= 0: the vertex (a vertex on the plane followed by an outside one starts an
        // edge along the plane), then, if the edge leaves, its crossing; else, if the edge
        // enters, its crossing.
        let inside = dc <= 0.0;
        let line = select(cur_line, plane_line, dc >= 0.0 && dn > 0.0);
        let v1 = select(
            vec4f(p, f32(cross_mask | (cur_line << 8u))),
            vec4f(cur.xyz, f32((cur_tag & 0xffu) | (line << 8u))),
            inside,
        );
        let e1 = inside || dn < 0.0;
        let e2 = dc < 0.0 && dn > 0.0;
        let v2 = vec4f(p, f32(cross_mask | (plane_line << 8u)));
        box_put(dst, select(BOX_NONE, at, e1), v1, 15u);
        box_put(dst, select(BOX_NONE, at + 1u, e2), v2, 15u);
        at += select(0u, 1u, e1) + select(0u, 1u, e2);
        // At most 13 vertices come in (see the top).
        s[0] = s[1];
        s[1] = s[2];
        s[2] = s[3];
        s[3] = s[4];
        s[4] = s[5];
        s[5] = s[6];
        s[6] = s[7];
        s[7] = s[8];
        s[8] = s[9];
        s[9] = s[10];
        s[10] = s[11];
        s[11] = s[12];
    }
    return min(at, BOX_CLIP_CAP);
}

// A polygon vertex kept as a contact point: moved midway between the incident point and its
// projection on the reference plane (xyz), and its separation (w).
fn box_moved(cv: vec4f, plane_point: vec3f, n: vec3f) -> vec4f {
    let s = dot(cv.xyz - plane_point, n);
    return vec4f(cv.xyz - n * (0.5 * s), s);
}

// Bit k set: slot k is a vertex (k < count) within the margin.
fn box_keep_mask(kv: ptr<function, array<vec4f, 16>>, count: u32, margin: f32) -> u32 {
    var mask = 0u;
    mask |= select(0u, 1u << 0u, 0u < count && (*kv)[0].w <= margin);
    mask |= select(0u, 1u << 1u, 1u < count && (*kv)[1].w <= margin);
    mask |= select(0u, 1u << 2u, 2u < count && (*kv)[2].w <= margin);
    mask |= select(0u, 1u << 3u, 3u < count && (*kv)[3].w <= margin);
    mask |= select(0u, 1u << 4u, 4u < count && (*kv)[4].w <= margin);
    mask |= select(0u, 1u << 5u, 5u < count && (*kv)[5].w <= margin);
    mask |= select(0u, 1u << 6u, 6u < count && (*kv)[6].w <= margin);
    mask |= select(0u, 1u << 7u, 7u < count && (*kv)[7].w <= margin);
    mask |= select(0u, 1u << 8u, 8u < count && (*kv)[8].w <= margin);
    mask |= select(0u, 1u << 9u, 9u < count && (*kv)[9].w <= margin);
    mask |= select(0u, 1u << 10u, 10u < count && (*kv)[10].w <= margin);
    mask |= select(0u, 1u << 11u, 11u < count && (*kv)[11].w <= margin);
    mask |= select(0u, 1u << 12u, 12u < count && (*kv)[12].w <= margin);
    mask |= select(0u, 1u << 13u, 13u < count && (*kv)[13].w <= margin);
    mask |= select(0u, 1u << 14u, 14u < count && (*kv)[14].w <= margin);
    mask |= select(0u, 1u << 15u, 15u < count && (*kv)[15].w <= margin);
    return mask;
}

// Slot i of v (a lane-varying i, by selects).
fn box_at(v: ptr<function, array<vec4f, 16>>, i: u32) -> vec4f {
    var r = (*v)[0];
    r = select(r, (*v)[1], i == 1u);
    r = select(r, (*v)[2], i == 2u);
    r = select(r, (*v)[3], i == 3u);
    r = select(r, (*v)[4], i == 4u);
    r = select(r, (*v)[5], i == 5u);
    r = select(r, (*v)[6], i == 6u);
    r = select(r, (*v)[7], i == 7u);
    r = select(r, (*v)[8], i == 8u);
    r = select(r, (*v)[9], i == 9u);
    r = select(r, (*v)[10], i == 10u);
    r = select(r, (*v)[11], i == 11u);
    r = select(r, (*v)[12], i == 12u);
    r = select(r, (*v)[13], i == 13u);
    r = select(r, (*v)[14], i == 14u);
    r = select(r, (*v)[15], i == 15u);
    return r;
}

// Sum of the positions of the slots in `mask`, in slot order (Rust sums the kept points in
// order from zero).
fn box_sum(kv: ptr<function, array<vec4f, 16>>, mask: u32) -> vec3f {
    var s = vec3f(0.0);
    s = select(s, s + (*kv)[0].xyz, (mask & (1u << 0u)) != 0u);
    s = select(s, s + (*kv)[1].xyz, (mask & (1u << 1u)) != 0u);
    s = select(s, s + (*kv)[2].xyz, (mask & (1u << 2u)) != 0u);
    s = select(s, s + (*kv)[3].xyz, (mask & (1u << 3u)) != 0u);
    s = select(s, s + (*kv)[4].xyz, (mask & (1u << 4u)) != 0u);
    s = select(s, s + (*kv)[5].xyz, (mask & (1u << 5u)) != 0u);
    s = select(s, s + (*kv)[6].xyz, (mask & (1u << 6u)) != 0u);
    s = select(s, s + (*kv)[7].xyz, (mask & (1u << 7u)) != 0u);
    s = select(s, s + (*kv)[8].xyz, (mask & (1u << 8u)) != 0u);
    s = select(s, s + (*kv)[9].xyz, (mask & (1u << 9u)) != 0u);
    s = select(s, s + (*kv)[10].xyz, (mask & (1u << 10u)) != 0u);
    s = select(s, s + (*kv)[11].xyz, (mask & (1u << 11u)) != 0u);
    s = select(s, s + (*kv)[12].xyz, (mask & (1u << 12u)) != 0u);
    s = select(s, s + (*kv)[13].xyz, (mask & (1u << 13u)) != 0u);
    s = select(s, s + (*kv)[14].xyz, (mask & (1u << 14u)) != 0u);
    s = select(s, s + (*kv)[15].xyz, (mask & (1u << 15u)) != 0u);
    return s;
}

// Rust reduce's score of p in argmax stage `stage` (literal where inlined): distance² from the
// centroid, distance² from p0, |side| of the line p0 p1, area gained by the triangle
// (p0, t1, t2).
fn box_score(stage: u32, p: vec3f, r: BoxReduceRefs) -> f32 {
    if stage == 0u {
        let e = p - r.centroid;
        return dot(e, e);
    }
    if stage == 1u {
        let e = p - r.p0;
        return dot(e, e);
    }
    if stage == 2u {
        return abs(dot(cross(r.p1 - r.p0, p - r.p0), r.n));
    }
    let g0 = -dot(cross(r.t1 - r.p0, p - r.p0), r.n);
    let g1 = -dot(cross(r.t2 - r.t1, p - r.t1), r.n);
    let g2 = -dot(cross(r.p0 - r.t2, p - r.t2), r.n);
    return max(max(g0, g1), g2);
}

// Rust reduce's argmax over the slots in `mask`, in slot order, by the score of `stage`
// (first of equal scores); returns the slot, and its position through `pos`. The loop takes
// slot 0 and then rotates the slots, so that no index depends on the loop counter.
fn box_argmax(
    kv: ptr<function, array<vec4f, 16>>,
    mask: u32,
    stage: u32,
    r: BoxReduceRefs,
    pos: ptr<function, vec3f>,
) -> u32 {
    var best = BOX_NONE;
    var best_s = 0.0;
    var best_p = vec3f(0.0);
    var s = *kv;
    var rest = mask;
    for (var k = 0u; rest != 0u; k++) {
        let p = s[0].xyz;
        let score = box_score(stage, p, r);
        if (rest & 1u) != 0u && (best == BOX_NONE || score > best_s) {
            best = k;
            best_s = score;
            best_p = p;
        }
        rest >>= 1u;
        s[0] = s[1];
        s[1] = s[2];
        s[2] = s[3];
        s[3] = s[4];
        s[4] = s[5];
        s[5] = s[6];
        s[6] = s[7];
        s[7] = s[8];
        s[8] = s[9];
        s[9] = s[10];
        s[10] = s[11];
        s[11] = s[12];
        s[12] = s[13];
        s[13] = s[14];
        s[14] = s[15];
    }
    *pos = best_p;
    return best;
}

// Rust reduce: 4 well-spread points out of the more than 4 kept (slots in `mask`, in order):
// farthest from the centroid, farthest from that, farthest from the line through both, then
// the one adding the most area to the triangle. Returns their slots.
fn box_reduce(kv: ptr<function, array<vec4f, 16>>, mask: u32, kept: u32, n: vec3f) -> vec4u {
    let centroid = box_sum(kv, mask) / f32(kept);
    var r = BoxReduceRefs(centroid, vec3f(0.0), vec3f(0.0), vec3f(0.0), vec3f(0.0), n);
    var p0: vec3f;
    var p1: vec3f;
    var p2: vec3f;
    var p3: vec3f;
    let i0 = box_argmax(kv, mask, 0u, r, &p0);
    r.p0 = p0;
    let mask1 = mask & ~(1u << i0);
    let i1 = box_argmax(kv, mask1, 1u, r, &p1);
    r.p1 = p1;
    let mask2 = mask1 & ~(1u << i1);
    let i2 = box_argmax(kv, mask2, 2u, r, &p2);
    // Triangle counter-clockwise about n.
    let side2 = dot(cross(p1 - p0, p2 - p0), n);
    r.t1 = p1;
    r.t2 = p2;
    if !(side2 >= 0.0) {
        r.t1 = p2;
        r.t2 = p1;
    }
    let i3 = box_argmax(kv, mask2 & ~(1u << i2), 3u, r, &p3);
    return vec4u(i0, i1, i2, i3);
}

// Rust face_contact: `ref_box`'s face along face.axis as reference, the most anti-parallel
// face of `inc_box` as incident; the normal is the reference face's outward normal.
fn box_face_contact(ref_box: BoxObb, inc_box: BoxObb, face: BoxFaceQuery, margin: f32, flags: u32) -> Manifold {
    let axis = face.axis;
    let n = box_col(ref_box.axes, axis) * face.sign;
    let ref_face = 2u * axis + select(0u, 1u, face.sign < 0.0);
    let plane_point = ref_box.center + n * box_comp(ref_box.half, axis);

    // Incident face: normal most anti-parallel to n (first of equals).
    var j = 0u;
    var best = BOX_NO_SEP;
    let c0 = abs(dot(inc_box.axes[0], n));
    let c1 = abs(dot(inc_box.axes[1], n));
    let c2 = abs(dot(inc_box.axes[2], n));
    if c0 > best {
        best = c0;
        j = 0u;
    }
    if c1 > best {
        best = c1;
        j = 1u;
    }
    if c2 > best {
        best = c2;
        j = 2u;
    }
    let aj = box_col(inc_box.axes, j);
    let inc_sign = select(1.0, -1.0, dot(aj, n) > 0.0);
    let inc_face = 2u * j + select(0u, 1u, inc_sign < 0.0);
    let p = box_next(j);
    let q = box_next(p);
    let fc = inc_box.center + aj * (inc_sign * box_comp(inc_box.half, j));
    let up = box_col(inc_box.axes, p) * box_comp(inc_box.half, p);
    let uq = box_col(inc_box.axes, q) * box_comp(inc_box.half, q);

    // The incident quad; its vertex m has mask {edge m-1, edge m} and starts edge m. Each clip
    // goes from pa to pb, copied back to pa.
    var pa: array<vec4f, 16>;
    var pb: array<vec4f, 16>;
    pa[0] = vec4f(fc + up + uq, f32(0x9u));
    pa[1] = vec4f(fc - up + uq, f32(0x3u | (1u << 8u)));
    pa[2] = vec4f(fc - up - uq, f32(0x6u | (2u << 8u)));
    pa[3] = vec4f(fc + up - uq, f32(0xcu | (3u << 8u)));
    // Side planes of the reference face: +u, -u, +v, -v (line ids 4..=7).
    let u = box_next(axis);
    let v = box_next(u);
    let au = box_col(ref_box.axes, u);
    let av = box_col(ref_box.axes, v);
    let hu = box_comp(ref_box.half, u);
    let hv = box_comp(ref_box.half, v);
    var count = 4u;
    for (var k = 0u; k < 4u; k++) {
        let plane_n = select(av, au, k < 2u) * select(-1.0, 1.0, k % 2u == 0u);
        let offset = dot(plane_n, ref_box.center) + select(hv, hu, k < 2u);
        count = box_clip(&pa, count, &pb, plane_n, offset, 4u + k);
        if count == 0u {
            return box_empty();
        }
        pa = pb;
    }

    // Keep points within the margin (slots in kmask), moved midway to the reference plane.
    var kv: array<vec4f, 16>;
    kv[0] = box_moved(pa[0], plane_point, n);
    kv[1] = box_moved(pa[1], plane_point, n);
    kv[2] = box_moved(pa[2], plane_point, n);
    kv[3] = box_moved(pa[3], plane_point, n);
    kv[4] = box_moved(pa[4], plane_point, n);
    kv[5] = box_moved(pa[5], plane_point, n);
    kv[6] = box_moved(pa[6], plane_point, n);
    kv[7] = box_moved(pa[7], plane_point, n);
    kv[8] = box_moved(pa[8], plane_point, n);
    kv[9] = box_moved(pa[9], plane_point, n);
    kv[10] = box_moved(pa[10], plane_point, n);
    kv[11] = box_moved(pa[11], plane_point, n);
    kv[12] = box_moved(pa[12], plane_point, n);
    kv[13] = box_moved(pa[13], plane_point, n);
    kv[14] = box_moved(pa[14], plane_point, n);
    kv[15] = box_moved(pa[15], plane_point, n);
    let kmask = box_keep_mask(&kv, count, margin);
    let kept = countOneBits(kmask);

    // The kept slots in order (up to 4), or the 4 that reduce picks.
    var rest = kmask;
    let f0 = firstTrailingBit(rest);
    rest &= rest - 1u;
    let f1 = firstTrailingBit(rest);
    rest &= rest - 1u;
    let f2 = firstTrailingBit(rest);
    rest &= rest - 1u;
    let f3 = firstTrailingBit(rest);
    var idx = vec4u(f0, f1, f2, f3);
    if kept > MAX_POINTS {
        idx = box_reduce(&kv, kmask, kept, n);
    }

    let base = flags | (ref_face << 11u) | (inc_face << 8u);
    var m = manifold_with_normal(n);
    let points = min(kept, MAX_POINTS);
    if 0u < points {
        let cv = box_at(&pa, idx.x);
        let g = box_moved(cv, plane_point, n);
        m.points[0] = ContactPoint(g.xyz, g.w, base | (u32(cv.w) & 0xffu));
    }
    if 1u < points {
        let cv = box_at(&pa, idx.y);
        let g = box_moved(cv, plane_point, n);
        m.points[1] = ContactPoint(g.xyz, g.w, base | (u32(cv.w) & 0xffu));
    }
    if 2u < points {
        let cv = box_at(&pa, idx.z);
        let g = box_moved(cv, plane_point, n);
        m.points[2] = ContactPoint(g.xyz, g.w, base | (u32(cv.w) & 0xffu));
    }
    if 3u < points {
        let cv = box_at(&pa, idx.w);
        let g = box_moved(cv, plane_point, n);
        m.points[3] = ContactPoint(g.xyz, g.w, base | (u32(cv.w) & 0xffu));
    }
    m.count = points;
    return m;
}
