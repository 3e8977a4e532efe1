//!include common.wgsl

// Narrow phase: box against box, the twin of crates/manyworlds-cpu/src/narrowphase/box_box.rs
// (that file explains the algorithm and the feature id layout). Separating-axis test over the
// 15 axes, then a face contact (incident face clipped by the reference face's side planes,
// reduced to 4 points by spread) or one edge–edge point. The operations, tolerances,
// comparisons and tie breaks follow the Rust ones step by step, so that both backends round
// alike and choose alike.

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

// Rust ClipVert, packed: tag = mask (bits 0..=7, the two lines meeting at the vertex) |
// line << 8 (the line of the polygon edge from this vertex to the next).
struct BoxClipVert {
    pos: vec3f,
    tag: u32,
}

// The edge–edge point of Rust edge_contact and whether the edges really cross.
struct BoxEdgePoint {
    pos: vec3f,
    feature: u32,
    crossing: bool,
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
    var rc: mat3x3f;
    var ac: mat3x3f;
    for (var j = 0u; j < 3u; j++) {
        let col = vec3f(dot(a.axes[0], b.axes[j]), dot(a.axes[1], b.axes[j]), dot(a.axes[2], b.axes[j]));
        rc[j] = col;
        ac[j] = abs(col);
    }

    // Face axes of A.
    var face_a = BoxFaceQuery(BOX_NO_SEP, 0u, 1.0);
    for (var i = 0u; i < 3u; i++) {
        let dist = t[i];
        let rb = hb.x * ac[0][i] + hb.y * ac[1][i] + hb.z * ac[2][i];
        let sep = abs(dist) - ha[i] - rb;
        if sep > margin {
            return box_empty();
        }
        if sep > face_a.sep {
            face_a = box_face_query(sep, i, dist);
        }
    }
    // Face axes of B (outward normal towards A, along -d).
    var face_b = BoxFaceQuery(BOX_NO_SEP, 0u, 1.0);
    for (var j = 0u; j < 3u; j++) {
        let col = rc[j];
        let dist = -(t.x * col.x + t.y * col.y + t.z * col.z);
        let ra = ha.x * ac[j].x + ha.y * ac[j].y + ha.z * ac[j].z;
        let sep = abs(dist) - hb[j] - ra;
        if sep > margin {
            return box_empty();
        }
        if sep > face_b.sep {
            face_b = box_face_query(sep, j, dist);
        }
    }
    // Edge axes e_i × R_j in A's frame; (i, u, v) and (j, j1, j2) cyclic.
    var edge = BoxEdgeQuery(BOX_NO_SEP, 0u, 0u, vec3f(0.0, 0.0, 1.0));
    var edge_found = false; // Rust: edge.sep.is_finite()
    let identity = mat3x3f(1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0);
    for (var i = 0u; i < 3u; i++) {
        let u = (i + 1u) % 3u;
        let v = (i + 2u) % 3u;
        for (var j = 0u; j < 3u; j++) {
            let j1 = (j + 1u) % 3u;
            let j2 = (j + 2u) % 3u;
            let axis = cross(identity[i], rc[j]);
            let len2 = dot(axis, axis);
            if len2 < BOX_PARALLEL_EPS {
                continue;
            }
            let inv_len = 1.0 / sqrt(len2);
            let dist = dot(t, axis);
            let ra = ha[u] * ac[j][v] + ha[v] * ac[j][u];
            let rb = hb[j1] * ac[j2][i] + hb[j2] * ac[j1][i];
            let sep = (abs(dist) - ra - rb) * inv_len;
            if sep > margin {
                return box_empty();
            }
            if sep > edge.sep {
                edge = BoxEdgeQuery(sep, i, j, axis * select(inv_len, -inv_len, dist < 0.0));
                edge_found = true;
            }
        }
    }
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
            manifold_push(&m, ep.pos, edge.sep, ep.feature);
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
        manifold_push(&m, ep.pos, edge.sep, ep.feature);
    }
    for (var k = 0u; k < m.count; k++) {
        m.points[k].position += origin;
    }
    return m;
}

// Rust support_edge: the edge of `obb` parallel to axis `axis` that is extreme along `dir`,
// as its midpoint (xyz) and index (returned through `index`).
fn box_support_edge(obb: BoxObb, axis: u32, dir: vec3f, index: ptr<function, u32>) -> vec3f {
    let u = (axis + 1u) % 3u;
    let v = (axis + 2u) % 3u;
    let nu = dot(obb.axes[u], dir) < 0.0;
    let nv = dot(obb.axes[v], dir) < 0.0;
    let su = select(1.0, -1.0, nu);
    let sv = select(1.0, -1.0, nv);
    *index = 4u * axis + select(0u, 1u, nu) + select(0u, 2u, nv);
    return obb.center + obb.axes[u] * (su * obb.half[u]) + obb.axes[v] * (sv * obb.half[v]);
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
    let da = a.axes[q.i];
    let db = b.axes[q.j];
    let ha = a.half[q.i];
    let hb = b.half[q.j];
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

// Rust Polygon::push into the polygon starting at verts[base]; returns the new count.
fn box_clip_push(verts: ptr<function, array<BoxClipVert, 32>>, base: u32, n: u32, v: BoxClipVert) -> u32 {
    if n < BOX_CLIP_CAP {
        (*verts)[base + n] = v;
        return n + 1u;
    }
    return n;
}

// Where edge cur→next crosses the plane (dc, dn: their strictly opposite-signed distances).
fn box_crossing(cur: vec3f, next: vec3f, dc: f32, dn: f32) -> vec3f {
    return cur + (next - cur) * (dc / (dc - dn));
}

// Rust clip (Sutherland–Hodgman, keeping plane_n · p ≤ offset) from the polygon of `count`
// vertices at verts[src] to the one at verts[dst] (the two halves of one array play the two
// Rust polygons); returns the output count.
fn box_clip(
    verts: ptr<function, array<BoxClipVert, 32>>,
    src: u32,
    count: u32,
    dst: u32,
    plane_n: vec3f,
    offset: f32,
    plane_line: u32,
) -> u32 {
    var out = 0u;
    for (var m = 0u; m < count; m++) {
        let cur = (*verts)[src + m];
        let next = (*verts)[src + (m + 1u) % count];
        let dc = dot(plane_n, cur.pos) - offset;
        let dn = dot(plane_n, next.pos) - offset;
        let cur_line = cur.tag >> 8u;
        let cross_mask = (1u << cur_line) | (1u << plane_line);
        if dc <= 0.0 {
            // A vertex on the plane followed by an outside one starts an edge along the plane.
            let line = select(cur_line, plane_line, dc >= 0.0 && dn > 0.0);
            out = box_clip_push(verts, dst, out, BoxClipVert(cur.pos, (cur.tag & 0xffu) | (line << 8u)));
            if dc < 0.0 && dn > 0.0 {
                let p = box_crossing(cur.pos, next.pos, dc, dn);
                out = box_clip_push(verts, dst, out, BoxClipVert(p, cross_mask | (plane_line << 8u)));
            }
        } else if dn < 0.0 {
            let p = box_crossing(cur.pos, next.pos, dc, dn);
            out = box_clip_push(verts, dst, out, BoxClipVert(p, cross_mask | (cur_line << 8u)));
        }
    }
    return out;
}

// Rust face_contact: `ref_box`'s face along face.axis as reference, the most anti-parallel
// face of `inc_box` as incident; the normal is the reference face's outward normal.
fn box_face_contact(ref_box: BoxObb, inc_box: BoxObb, face: BoxFaceQuery, margin: f32, flags: u32) -> Manifold {
    let axis = face.axis;
    let n = ref_box.axes[axis] * face.sign;
    let ref_face = 2u * axis + select(0u, 1u, face.sign < 0.0);
    let plane_point = ref_box.center + n * ref_box.half[axis];

    // Incident face: normal most anti-parallel to n (first of equals).
    var j = 0u;
    var best = BOX_NO_SEP;
    for (var k = 0u; k < 3u; k++) {
        let c = abs(dot(inc_box.axes[k], n));
        if c > best {
            best = c;
            j = k;
        }
    }
    let inc_sign = select(1.0, -1.0, dot(inc_box.axes[j], n) > 0.0);
    let inc_face = 2u * j + select(0u, 1u, inc_sign < 0.0);
    let p = (j + 1u) % 3u;
    let q = (j + 2u) % 3u;
    let fc = inc_box.center + inc_box.axes[j] * (inc_sign * inc_box.half[j]);
    let up = inc_box.axes[p] * inc_box.half[p];
    let uq = inc_box.axes[q] * inc_box.half[q];

    // verts[0..16] and verts[16..32] are the two polygons clipping ping-pongs between; the
    // incident quad's vertex m has mask {edge m-1, edge m} and starts edge m.
    var verts: array<BoxClipVert, 32>;
    verts[0] = BoxClipVert(fc + up + uq, 0x9u);
    verts[1] = BoxClipVert(fc - up + uq, 0x3u | (1u << 8u));
    verts[2] = BoxClipVert(fc - up - uq, 0x6u | (2u << 8u));
    verts[3] = BoxClipVert(fc + up - uq, 0xcu | (3u << 8u));
    var count = 4u;
    // Side planes of the reference face: +u, -u, +v, -v (line ids 4..=7). After the four
    // (an even number of) clips the polygon is back in verts[0..16].
    let u = (axis + 1u) % 3u;
    let v = (axis + 2u) % 3u;
    for (var k = 0u; k < 4u; k++) {
        let side = select(v, u, k < 2u);
        let sign = select(-1.0, 1.0, k % 2u == 0u);
        let plane_n = ref_box.axes[side] * sign;
        let offset = dot(plane_n, ref_box.center) + ref_box.half[side];
        let src = (k % 2u) * BOX_CLIP_CAP;
        count = box_clip(&verts, src, count, BOX_CLIP_CAP - src, plane_n, offset, 4u + k);
        if count == 0u {
            return box_empty();
        }
    }

    // Keep points within the margin, moved midway between the incident point and its
    // projection on the reference plane; compacted in place (tag becomes the bare mask).
    var seps: array<f32, 16>;
    var kept = 0u;
    for (var k = 0u; k < count; k++) {
        let cv = verts[k];
        let s = dot(cv.pos - plane_point, n);
        if s <= margin {
            verts[kept] = BoxClipVert(cv.pos - n * (0.5 * s), cv.tag & 0xffu);
            seps[kept] = s;
            kept++;
        }
    }

    let base = flags | (ref_face << 11u) | (inc_face << 8u);
    var m = manifold_with_normal(n);
    var order = vec4u(0u, 1u, 2u, 3u);
    if kept > MAX_POINTS {
        order = box_reduce(&verts, kept, n);
    }
    for (var k = 0u; k < min(kept, MAX_POINTS); k++) {
        let idx = order[k];
        manifold_push(&m, verts[idx].pos, seps[idx], base | verts[idx].tag);
    }
    return m;
}

// Rust reduce: 4 well-spread points out of count > 4 (verts[0..count].pos): farthest from the
// centroid, farthest from that, farthest from the line through both, then the one adding the
// most area to the triangle. Each argmax takes the first of equal scores.
fn box_reduce(verts: ptr<function, array<BoxClipVert, 32>>, count: u32, n: vec3f) -> vec4u {
    var sum = vec3f(0.0);
    for (var k = 0u; k < count; k++) {
        sum += (*verts)[k].pos;
    }
    let centroid = sum / f32(count);

    var i0 = BOX_NONE;
    var best = 0.0;
    for (var k = 0u; k < count; k++) {
        let e = (*verts)[k].pos - centroid;
        let s = dot(e, e);
        if i0 == BOX_NONE || s > best {
            i0 = k;
            best = s;
        }
    }
    let p0 = (*verts)[i0].pos;

    var i1 = BOX_NONE;
    for (var k = 0u; k < count; k++) {
        if k == i0 {
            continue;
        }
        let e = (*verts)[k].pos - p0;
        let s = dot(e, e);
        if i1 == BOX_NONE || s > best {
            i1 = k;
            best = s;
        }
    }
    let p1 = (*verts)[i1].pos;

    // side(p) = ((p1 - p0) × (p - p0)) · n
    let e01 = p1 - p0;
    var i2 = BOX_NONE;
    var side2 = 0.0;
    for (var k = 0u; k < count; k++) {
        if k == i0 || k == i1 {
            continue;
        }
        let side = dot(cross(e01, (*verts)[k].pos - p0), n);
        let s = abs(side);
        if i2 == BOX_NONE || s > best {
            i2 = k;
            best = s;
            side2 = side;
        }
    }
    let p2 = (*verts)[i2].pos;

    // Triangle counter-clockwise about n; gain(p) = max over its edges of -(edge × (p - e0)) · n.
    var t1 = p1;
    var t2 = p2;
    if !(side2 >= 0.0) {
        t1 = p2;
        t2 = p1;
    }
    var i3 = BOX_NONE;
    for (var k = 0u; k < count; k++) {
        if k == i0 || k == i1 || k == i2 {
            continue;
        }
        let p = (*verts)[k].pos;
        let g0 = -dot(cross(t1 - p0, p - p0), n);
        let g1 = -dot(cross(t2 - t1, p - t1), n);
        let g2 = -dot(cross(p0 - t2, p - t2), n);
        let s = max(max(g0, g1), g2);
        if i3 == BOX_NONE || s > best {
            i3 = k;
            best = s;
        }
    }
    return vec4u(i0, i1, i2, i3);
}
