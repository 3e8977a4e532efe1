//! Box–box narrow phase: separating-axis test over the 15 candidate axes, then either a
//! clipped face contact (up to four points) or a single edge–edge point.
//!
//! Cf. D. Gregorius, "The Separating Axis Test between Convex Polyhedra" (GDC 2013) and
//! "Robust Contact Creation for Physics Simulations" (GDC 2015).
//!
//! Feature ids (`ContactPoint::feature`), stable while the same features touch:
//!
//! * face contact (bit 31 clear):
//!   - bits 0..=7: the two "lines" whose crossing made the point, as a mask with two bits
//!     set. Bits 0..=3 are the four edges of the incident face (edge `m` runs from its
//!     vertex `m` to vertex `m + 1`), bits 4..=7 the four side planes of the reference face
//!     (`+u, -u, +v, -v`). An unclipped incident vertex `m` is edges `m - 1` and `m`; a point
//!     made by clipping is an incident edge and a side plane; a reference-face corner reached
//!     by clipping is two side planes.
//!   - bits 8..=10: incident face index, bits 11..=13: reference face index
//!     (face index = `2 * axis + (1 if the outward normal is -axis)`).
//!   - bit 14: the reference face belongs to box B.
//! * edge–edge contact: bit 31 set, bits 0..=3 the edge of A, bits 4..=7 the edge of B
//!   (edge index = `4 * axis + (1 if on the -u side) + (2 if on the -v side)`, where `u`, `v`
//!   are the two other axes in cyclic order).

use glam::{Mat3, Quat, Vec3};
use manyworlds_core::Pose;

use super::manifold::{Manifold, MAX_POINTS};

/// Cross products of edge directions with `|a × b|²` below this are skipped: the axis would
/// be noise, and the face axes already cover (nearly) parallel edges.
const PARALLEL_EPS: f32 = 1e-5;
/// A face of B is the reference only if it separates more than A's best face by this
/// absolute (m) plus relative (fraction of |separation|) tolerance.
const FACE_B_ABS_TOL: f32 = 5e-4;
const FACE_B_REL_TOL: f32 = 0.02;
/// An edge axis wins only if it separates more than the chosen face by this much.
const EDGE_ABS_TOL: f32 = 1e-3;
const EDGE_REL_TOL: f32 = 0.05;
/// Edge–edge closest points may lie this far (m) beyond a segment's end and still count as
/// a crossing.
const EDGE_END_TOL: f32 = 1e-3;
/// Clipping a quad by four half-planes leaves at most 8 vertices; room to spare.
const CLIP_CAP: usize = 16;

const EDGE_FLAG: u32 = 1 << 31;
const REF_B_FLAG: u32 = 1 << 14;

/// Contact manifold of box A (half extents `half_a`, at `pose_a`) against box B; normal from A to B.
pub fn box_box(pose_a: &Pose, half_a: Vec3, pose_b: &Pose, half_b: Vec3, margin: f32) -> Manifold {
    let margin = margin.max(0.0);
    // Work relative to A's centre so far-from-origin scenes keep their precision.
    let origin = pose_a.position;
    let a = Obb::new(Vec3::ZERO, pose_a.orientation, half_a);
    let b = Obb::new(pose_b.position - origin, pose_b.orientation, half_b);
    let d = b.center;

    // Everything in A's frame: R = Aᵀ B (column j is B's axis j), t = B's centre. The
    // projection radius of either box on any of the 15 axes is then a sum of |R| entries.
    let t = Vec3::new(d.dot(a.axes[0]), d.dot(a.axes[1]), d.dot(a.axes[2]));
    let r = [0, 1, 2].map(|i| [0, 1, 2].map(|j| a.axes[i].dot(b.axes[j])));
    let abs_r = r.map(|row| row.map(f32::abs));
    let (ha, hb) = (a.half, b.half);

    // Face axes of A.
    let mut face_a = FaceQuery::NONE;
    for i in 0..3 {
        let dist = t[i];
        let rb = hb[0] * abs_r[i][0] + hb[1] * abs_r[i][1] + hb[2] * abs_r[i][2];
        let sep = dist.abs() - ha[i] - rb;
        if sep > margin {
            return Manifold::EMPTY;
        }
        if sep > face_a.sep {
            face_a = FaceQuery::new(sep, i, dist);
        }
    }
    // Face axes of B (outward normal of B's face points towards A, i.e. along -d).
    let mut face_b = FaceQuery::NONE;
    for j in 0..3 {
        let dist = -(t.x * r[0][j] + t.y * r[1][j] + t.z * r[2][j]);
        let ra = ha[0] * abs_r[0][j] + ha[1] * abs_r[1][j] + ha[2] * abs_r[2][j];
        let sep = dist.abs() - hb[j] - ra;
        if sep > margin {
            return Manifold::EMPTY;
        }
        if sep > face_b.sep {
            face_b = FaceQuery::new(sep, j, dist);
        }
    }
    // Edge axes L = a_i × b_j (in A's frame e_i × R_j), oriented from A to B. With (i, u, v)
    // and (j, j1, j2) cyclic, A's radius on L is ha_u |R_vj| + ha_v |R_uj| and B's is
    // hb_j1 |R_i,j2| + hb_j2 |R_i,j1|.
    let mut edge = EdgeQuery::NONE;
    for i in 0..3 {
        let (u, v) = ((i + 1) % 3, (i + 2) % 3);
        for j in 0..3 {
            let (j1, j2) = ((j + 1) % 3, (j + 2) % 3);
            let column = Vec3::new(r[0][j], r[1][j], r[2][j]);
            let axis = Vec3::AXES[i].cross(column);
            let len2 = axis.length_squared();
            if len2 < PARALLEL_EPS {
                continue;
            }
            let inv_len = len2.sqrt().recip();
            let dist = t.dot(axis);
            let ra = ha[u] * abs_r[v][j] + ha[v] * abs_r[u][j];
            let rb = hb[j1] * abs_r[i][j2] + hb[j2] * abs_r[i][j1];
            let sep = (dist.abs() - ra - rb) * inv_len;
            if sep > margin {
                return Manifold::EMPTY;
            }
            if sep > edge.sep {
                let sign = if dist < 0.0 { -inv_len } else { inv_len };
                edge = EdgeQuery {
                    sep,
                    i,
                    j,
                    normal: axis * sign,
                };
            }
        }
    }
    // The winning edge normal, from A's frame to the world.
    edge.normal = a.axes[0] * edge.normal.x + a.axes[1] * edge.normal.y + a.axes[2] * edge.normal.z;

    // Hysteresis: A's faces before B's, faces before edges, unless clearly worse.
    let b_first = face_b.sep > face_a.sep + FACE_B_ABS_TOL + FACE_B_REL_TOL * face_a.sep.abs();
    let best_face = if b_first { face_b.sep } else { face_a.sep };
    let edge_first = edge.sep > best_face + EDGE_ABS_TOL + EDGE_REL_TOL * best_face.abs();

    // An edge contact is only trusted when the edges really cross, or when the boxes
    // overlap along the edge axis (a point is then better than none).
    let mut m = Manifold::EMPTY;
    let mut edge_rejected = false;
    if edge_first {
        let (edge_m, crossing) = edge_contact(&a, &b, &edge);
        if crossing || edge.sep < 0.0 {
            m = edge_m;
        } else {
            edge_rejected = true;
        }
    }
    // Normally the first face gives points; the rest are fallbacks for grazing configurations
    // where the chosen face's clipped region comes out empty or beyond the margin.
    let faces = if b_first {
        [(true, face_b), (false, face_a)]
    } else {
        [(false, face_a), (true, face_b)]
    };
    for (ref_is_b, face) in faces {
        if !m.is_empty() {
            break;
        }
        m = if ref_is_b {
            let mut m = face_contact(&b, &a, &face, margin, REF_B_FLAG);
            m.normal = -m.normal;
            m
        } else {
            face_contact(&a, &b, &face, margin, 0)
        };
    }
    // Last resort: a crossing edge pair, if any non-parallel pair exists at all.
    if m.is_empty() && !edge_rejected && edge.sep.is_finite() {
        let (edge_m, crossing) = edge_contact(&a, &b, &edge);
        if crossing {
            m = edge_m;
        }
    }
    for p in &mut m.points[..m.count] {
        p.position += origin;
    }
    m
}

/// An oriented box: centre, unit axes (columns of its rotation) and half extents.
struct Obb {
    center: Vec3,
    axes: [Vec3; 3],
    half: [f32; 3],
}

impl Obb {
    fn new(center: Vec3, orientation: Quat, half: Vec3) -> Self {
        let m = Mat3::from_quat(orientation);
        Obb {
            center,
            axes: [m.x_axis, m.y_axis, m.z_axis],
            half: half.abs().to_array(),
        }
    }
}

/// Best face axis of one box: separation, axis index and the sign making the face's
/// outward normal point towards the other box.
#[derive(Clone, Copy)]
struct FaceQuery {
    sep: f32,
    axis: usize,
    sign: f32,
}

impl FaceQuery {
    const NONE: FaceQuery = FaceQuery {
        sep: f32::NEG_INFINITY,
        axis: 0,
        sign: 1.0,
    };

    fn new(sep: f32, axis: usize, dist: f32) -> Self {
        FaceQuery {
            sep,
            axis,
            sign: if dist < 0.0 { -1.0 } else { 1.0 },
        }
    }
}

/// Best edge axis: separation, edge directions (A's axis `i`, B's axis `j`), unit normal A→B
/// (in A's frame while the axes are searched, then in the world).
struct EdgeQuery {
    sep: f32,
    i: usize,
    j: usize,
    normal: Vec3,
}

impl EdgeQuery {
    const NONE: EdgeQuery = EdgeQuery {
        sep: f32::NEG_INFINITY,
        i: 0,
        j: 0,
        normal: Vec3::Z,
    };
}

/// The edge of `obb` parallel to `axis` that is extreme along `dir`: its midpoint and index.
fn support_edge(obb: &Obb, axis: usize, dir: Vec3) -> (Vec3, u32) {
    let u = (axis + 1) % 3;
    let v = (axis + 2) % 3;
    let nu = obb.axes[u].dot(dir) < 0.0;
    let nv = obb.axes[v].dot(dir) < 0.0;
    let su = if nu { -1.0 } else { 1.0 };
    let sv = if nv { -1.0 } else { 1.0 };
    let mid = obb.center + obb.axes[u] * (su * obb.half[u]) + obb.axes[v] * (sv * obb.half[v]);
    (mid, 4 * axis as u32 + nu as u32 + 2 * nv as u32)
}

/// One point midway between the closest points of A's and B's supporting edges, and whether
/// the two edges really cross (closest points of the infinite lines within both segments,
/// give or take [`EDGE_END_TOL`]); if not, the closest features are not these two edges.
fn edge_contact(a: &Obb, b: &Obb, q: &EdgeQuery) -> (Manifold, bool) {
    let n = q.normal;
    let (ca, ea) = support_edge(a, q.i, n);
    let (cb, eb) = support_edge(b, q.j, -n);
    let (da, db) = (a.axes[q.i], b.axes[q.j]);
    let (ha, hb) = (a.half[q.i], b.half[q.j]);
    // Closest points ca + s·da and cb + t·db (unit directions, not parallel:
    // |da × db|² ≥ PARALLEL_EPS was checked when the axis was made).
    let r = ca - cb;
    let c = da.dot(db);
    let (ar, br) = (da.dot(r), db.dot(r));
    let denom = da.cross(db).length_squared().max(PARALLEL_EPS);
    let s_line = (c * br - ar) / denom;
    let t_line = br + c * s_line;
    let crossing = s_line.abs() <= ha + EDGE_END_TOL && t_line.abs() <= hb + EDGE_END_TOL;
    // Segment closest points: clamp, re-solve the other parameter, clamp again.
    let t = (br + c * s_line.clamp(-ha, ha)).clamp(-hb, hb);
    let s = (c * t - ar).clamp(-ha, ha);
    let pa = ca + da * s;
    let pb = cb + db * t;
    let mut m = Manifold::with_normal(n);
    m.push((pa + pb) * 0.5, q.sep, EDGE_FLAG | ea | (eb << 4));
    (m, crossing)
}

#[derive(Clone, Copy, Default)]
struct ClipVert {
    pos: Vec3,
    /// Feature mask: the two lines meeting at this vertex (see the module comment).
    mask: u8,
    /// Line id (0..=7) of the polygon edge from this vertex to the next.
    line: u8,
}

struct Polygon {
    v: [ClipVert; CLIP_CAP],
    n: usize,
}

impl Polygon {
    const EMPTY: Polygon = Polygon {
        v: [ClipVert {
            pos: Vec3::ZERO,
            mask: 0,
            line: 0,
        }; CLIP_CAP],
        n: 0,
    };

    fn push(&mut self, v: ClipVert) {
        if self.n < CLIP_CAP {
            self.v[self.n] = v;
            self.n += 1;
        }
    }
}

/// Sutherland–Hodgman: keeps the part of `input` with `plane_n · p ≤ offset`. Crossing
/// points are made only where the two ends lie strictly on opposite sides, so a vertex lying
/// on the plane is never duplicated.
fn clip(input: &Polygon, out: &mut Polygon, plane_n: Vec3, offset: f32, plane_line: u8) {
    out.n = 0;
    for m in 0..input.n {
        let cur = input.v[m];
        let next = input.v[(m + 1) % input.n];
        let dc = plane_n.dot(cur.pos) - offset;
        let dn = plane_n.dot(next.pos) - offset;
        let crossing = |line: u8| ClipVert {
            // dc and dn have strictly opposite signs here, so dc - dn ≠ 0.
            pos: cur.pos + (next.pos - cur.pos) * (dc / (dc - dn)),
            mask: (1 << cur.line) | (1 << plane_line),
            line,
        };
        if dc <= 0.0 {
            // A vertex on the plane followed by an outside one starts an edge along the plane.
            let line = if dc >= 0.0 && dn > 0.0 {
                plane_line
            } else {
                cur.line
            };
            out.push(ClipVert { line, ..cur });
            if dc < 0.0 && dn > 0.0 {
                out.push(crossing(plane_line));
            }
        } else if dn < 0.0 {
            out.push(crossing(cur.line));
        }
    }
}

/// Face contact with `refb`'s face `face` as reference and the most anti-parallel face of
/// `inc` as incident. The normal is the reference face's outward normal.
fn face_contact(refb: &Obb, inc: &Obb, face: &FaceQuery, margin: f32, flags: u32) -> Manifold {
    let axis = face.axis;
    let n = refb.axes[axis] * face.sign;
    let ref_face = 2 * axis as u32 + (face.sign < 0.0) as u32;
    let plane_point = refb.center + n * refb.half[axis];

    // Incident face: normal most anti-parallel to n.
    let mut j = 0;
    let mut best = f32::NEG_INFINITY;
    for k in 0..3 {
        let c = inc.axes[k].dot(n).abs();
        if c > best {
            best = c;
            j = k;
        }
    }
    let inc_sign = if inc.axes[j].dot(n) > 0.0 { -1.0 } else { 1.0 };
    let inc_face = 2 * j as u32 + (inc_sign < 0.0) as u32;
    let (p, q) = ((j + 1) % 3, (j + 2) % 3);
    let fc = inc.center + inc.axes[j] * (inc_sign * inc.half[j]);
    let up = inc.axes[p] * inc.half[p];
    let uq = inc.axes[q] * inc.half[q];
    let corners = [fc + up + uq, fc - up + uq, fc - up - uq, fc + up - uq];

    let mut poly = Polygon::EMPTY;
    for (m, &pos) in corners.iter().enumerate() {
        poly.push(ClipVert {
            pos,
            mask: (1 << ((m + 3) % 4)) | (1 << m),
            line: m as u8,
        });
    }
    // Side planes of the reference face: +u, -u, +v, -v (line ids 4..=7).
    let (u, v) = ((axis + 1) % 3, (axis + 2) % 3);
    let mut spare = Polygon::EMPTY;
    let (mut poly, mut out) = (&mut poly, &mut spare);
    for k in 0..4 {
        let side = if k < 2 { u } else { v };
        let sign = if k % 2 == 0 { 1.0 } else { -1.0 };
        let plane_n = refb.axes[side] * sign;
        let offset = plane_n.dot(refb.center) + refb.half[side];
        clip(poly, out, plane_n, offset, 4 + k as u8);
        // Ping-pong by reference: swapping the polygons themselves copies 0.5 KB.
        std::mem::swap(&mut poly, &mut out);
        if poly.n == 0 {
            return Manifold::EMPTY;
        }
    }

    // Keep points within the margin; position midway between the incident point and its
    // projection on the reference plane.
    let mut pos = [Vec3::ZERO; CLIP_CAP];
    let mut sep = [0.0f32; CLIP_CAP];
    let mut feat = [0u32; CLIP_CAP];
    let mut count = 0;
    let base = flags | (ref_face << 11) | (inc_face << 8);
    for cv in &poly.v[..poly.n] {
        let s = (cv.pos - plane_point).dot(n);
        if s <= margin {
            pos[count] = cv.pos - n * (0.5 * s);
            sep[count] = s;
            feat[count] = base | cv.mask as u32;
            count += 1;
        }
    }

    let mut m = Manifold::with_normal(n);
    if count <= MAX_POINTS {
        for k in 0..count {
            m.push(pos[k], sep[k], feat[k]);
        }
    } else {
        for k in reduce(&pos[..count], n) {
            m.push(pos[k], sep[k], feat[k]);
        }
    }
    m
}

/// Picks 4 well-spread points out of more than 4: the one farthest from their centroid, the
/// farthest from it, the farthest from the line through those two, then the one adding the
/// most area to that triangle (normally on the far side of the line from the third).
///
/// Spread, not depth, decides: over a flat face the separation is an affine function of
/// position, so its extremes lie at the polygon's corners anyway, whereas starting from the
/// deepest point lets a mid-edge clip point displace a corner when the boxes lean slightly,
/// and the box then rocks onto the corner it lost.
fn reduce(pos: &[Vec3], n: Vec3) -> [usize; 4] {
    let centroid = pos.iter().copied().sum::<Vec3>() / pos.len() as f32;
    let argmax = |skip: &[usize], score: &dyn Fn(Vec3) -> f32| -> usize {
        let mut best = usize::MAX;
        let mut best_score = f32::NEG_INFINITY;
        for (k, &p) in pos.iter().enumerate() {
            if skip.contains(&k) {
                continue;
            }
            let s = score(p);
            if best == usize::MAX || s > best_score {
                best = k;
                best_score = s;
            }
        }
        best
    };

    let i0 = argmax(&[], &|p| (p - centroid).length_squared());
    let p0 = pos[i0];
    let i1 = argmax(&[i0], &|p| (p - p0).length_squared());
    let p1 = pos[i1];
    let side = |p: Vec3| (p1 - p0).cross(p - p0).dot(n);
    let i2 = argmax(&[i0, i1], &|p| side(p).abs());
    // Triangle ordered counter-clockwise about n; a point outside edge (e0, e1) has a
    // negative signed area with it, and that area is what it would add to the hull.
    let tri = if side(pos[i2]) >= 0.0 {
        [p0, p1, pos[i2]]
    } else {
        [p0, pos[i2], p1]
    };
    let gain = |p: Vec3| {
        let mut g = f32::NEG_INFINITY;
        for e in 0..3 {
            let (e0, e1) = (tri[e], tri[(e + 1) % 3]);
            g = g.max(-(e1 - e0).cross(p - e0).dot(n));
        }
        g
    };
    let i3 = argmax(&[i0, i1, i2], &gain);
    [i0, i1, i2, i3]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f32::consts::FRAC_PI_4;

    fn pose(p: Vec3, q: Quat) -> Pose {
        Pose::new(p, q)
    }

    fn assert_unique_features(m: &Manifold) {
        for i in 0..m.count {
            for j in i + 1..m.count {
                assert_ne!(m.points[i].feature, m.points[j].feature, "{m:?}");
            }
        }
    }

    fn corners(p: &Pose, h: Vec3) -> [Vec3; 8] {
        let mut out = [Vec3::ZERO; 8];
        for (k, c) in out.iter_mut().enumerate() {
            let s = Vec3::new(
                if k & 1 == 0 { -1.0 } else { 1.0 },
                if k & 2 == 0 { -1.0 } else { 1.0 },
                if k & 4 == 0 { -1.0 } else { 1.0 },
            );
            *c = p.transform_point(s * h);
        }
        out
    }

    /// Brute-force SAT: the largest separation over the 15 axes, by projecting corners.
    fn sat_max_sep(pa: &Pose, ha: Vec3, pb: &Pose, hb: Vec3) -> f32 {
        let ca = corners(pa, ha);
        let cb = corners(pb, hb);
        let ma = Mat3::from_quat(pa.orientation);
        let mb = Mat3::from_quat(pb.orientation);
        let (aa, ab) = (
            [ma.x_axis, ma.y_axis, ma.z_axis],
            [mb.x_axis, mb.y_axis, mb.z_axis],
        );
        let mut axes = [Vec3::ZERO; 15];
        let mut n = 0;
        for k in 0..3 {
            axes[n] = aa[k];
            axes[n + 1] = ab[k];
            n += 2;
        }
        for x in aa {
            for y in ab {
                let c = x.cross(y);
                if c.length_squared() > 1e-5 {
                    axes[n] = c.normalize();
                    n += 1;
                }
            }
        }
        let mut best = f32::NEG_INFINITY;
        for ax in &axes[..n] {
            let (mut amin, mut amax, mut bmin, mut bmax) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
            for c in &ca {
                amin = amin.min(c.dot(*ax));
                amax = amax.max(c.dot(*ax));
            }
            for c in &cb {
                bmin = bmin.min(c.dot(*ax));
                bmax = bmax.max(c.dot(*ax));
            }
            best = best.max((bmin - amax).max(amin - bmax));
        }
        best
    }

    /// Distance from `p` to the surface of the box (zero on the surface).
    fn surface_distance(pose: &Pose, h: Vec3, p: Vec3) -> f32 {
        let q = pose.inverse_transform_point(p).abs() - h;
        let outside = q.max(Vec3::ZERO).length();
        let inside = q.max_element().min(0.0);
        (outside + inside).abs()
    }

    #[test]
    fn cube_resting_on_big_box() {
        let big = Vec3::new(2.0, 2.0, 0.5);
        let small = Vec3::splat(0.25);
        let pa = pose(Vec3::ZERO, Quat::IDENTITY);
        let off = Vec3::new(0.3, -0.2, 0.5 + 0.25 - 0.001);
        let pb = pose(off, Quat::IDENTITY);
        let m = box_box(&pa, big, &pb, small, 0.01);
        assert_eq!(m.count, 4);
        assert!((m.normal - Vec3::Z).length() < 1e-6);
        let check = |m: &Manifold| {
            for c in [(1.0, 1.0), (-1.0, 1.0), (-1.0, -1.0), (1.0, -1.0)] {
                let corner = Vec3::new(off.x + c.0 * 0.25, off.y + c.1 * 0.25, 0.5 - 0.0005);
                let found = m
                    .points()
                    .iter()
                    .any(|p| (p.position - corner).length() < 1e-4);
                assert!(found, "corner {corner} missing in {m:?}");
            }
            for p in m.points() {
                assert!((p.separation + 0.001).abs() < 1e-5, "{p:?}");
            }
            assert_unique_features(m);
        };
        check(&m);
        let s = box_box(&pb, small, &pa, big, 0.01);
        assert_eq!(s.count, 4);
        assert!((s.normal + Vec3::Z).length() < 1e-6);
        check(&s);
    }

    #[test]
    fn far_from_origin_keeps_precision() {
        let h = Vec3::splat(0.5);
        let base = Vec3::new(5000.0, -3000.0, 200.0);
        let pa = pose(base, Quat::IDENTITY);
        let pb = pose(base + Vec3::new(0.1, 0.0, 0.998), Quat::IDENTITY);
        let m = box_box(&pa, h, &pb, h, 0.01);
        assert_eq!(m.count, 4);
        for p in m.points() {
            assert!((p.separation + 0.002).abs() < 1e-4, "{p:?}");
        }
    }

    #[test]
    fn yawed_cube_octagon_reduced_to_four() {
        let h = Vec3::splat(0.5);
        let pa = pose(Vec3::ZERO, Quat::IDENTITY);
        let pb = pose(Vec3::new(0.0, 0.0, 0.999), Quat::from_rotation_z(FRAC_PI_4));
        let m = box_box(&pa, h, &pb, h, 0.01);
        assert_eq!(m.count, 4);
        assert!((m.normal - Vec3::Z).length() < 1e-6);
        assert_unique_features(&m);
        for p in m.points() {
            assert!((p.separation + 0.001).abs() < 1e-5);
            assert!((p.position.z - 0.4995).abs() < 1e-5);
            // Inside A's footprint and B's (rotated) footprint.
            assert!(p.position.x.abs() <= 0.5 + 1e-5 && p.position.y.abs() <= 0.5 + 1e-5);
            let lb = pb.inverse_transform_point(p.position);
            assert!(lb.x.abs() <= 0.5 + 1e-5 && lb.y.abs() <= 0.5 + 1e-5);
        }
        // The four points span a large part of the octagon (area 4·(√2−1)·0.5² ≈ 0.83).
        let ps: Vec<Vec3> = m.points().iter().map(|p| p.position).collect();
        let mut area = 0.0;
        let c = (ps[0] + ps[1] + ps[2] + ps[3]) * 0.25;
        let mut sorted = ps.clone();
        sorted.sort_by(|a, b| {
            let aa = (a.y - c.y).atan2(a.x - c.x);
            let bb = (b.y - c.y).atan2(b.x - c.x);
            aa.partial_cmp(&bb).unwrap()
        });
        for k in 0..4 {
            let (a, b) = (sorted[k], sorted[(k + 1) % 4]);
            area += 0.5 * (a.x * b.y - b.x * a.y);
        }
        assert!(area > 0.5, "area {area}");
    }

    #[test]
    fn speculative_gap_and_separated() {
        let h = Vec3::splat(0.5);
        let margin = 0.02;
        let pa = pose(Vec3::ZERO, Quat::IDENTITY);
        let gap = 0.5 * margin;
        let pb = pose(Vec3::new(0.2, 0.1, 1.0 + gap), Quat::IDENTITY);
        let m = box_box(&pa, h, &pb, h, margin);
        assert_eq!(m.count, 4);
        for p in m.points() {
            assert!((p.separation - gap).abs() < 1e-5, "{p:?}");
            assert!((p.position.z - (0.5 + 0.5 * gap)).abs() < 1e-5);
        }
        let pb = pose(Vec3::new(0.2, 0.1, 1.0 + 2.0 * margin), Quat::IDENTITY);
        assert!(box_box(&pa, h, &pb, h, margin).is_empty());
        // Zero margin: touching-by-gap is empty, overlap is not.
        let pb = pose(Vec3::new(0.0, 0.0, 1.0 + 1e-3), Quat::IDENTITY);
        assert!(box_box(&pa, h, &pb, h, 0.0).is_empty());
        let pb = pose(Vec3::new(0.0, 0.0, 1.0 - 1e-3), Quat::IDENTITY);
        assert_eq!(box_box(&pa, h, &pb, h, 0.0).count, 4);
    }

    #[test]
    fn edge_edge_crossing() {
        let h = Vec3::splat(0.5);
        let overlap = 0.01;
        let top = 0.5 * std::f32::consts::SQRT_2;
        let pa = pose(Vec3::ZERO, Quat::from_rotation_x(FRAC_PI_4));
        let pb = pose(
            Vec3::new(0.0, 0.0, 2.0 * top - overlap),
            Quat::from_rotation_y(FRAC_PI_4),
        );
        let m = box_box(&pa, h, &pb, h, 0.01);
        assert_eq!(m.count, 1, "{m:?}");
        assert!((m.normal - Vec3::Z).length() < 1e-4, "{m:?}");
        let p = m.points[0];
        assert!((p.separation + overlap).abs() < 1e-4, "{p:?}");
        assert!((p.position - Vec3::new(0.0, 0.0, top - 0.5 * overlap)).length() < 1e-4);
        assert!(p.feature & EDGE_FLAG != 0);
        // Swapped: normal reversed, same point.
        let s = box_box(&pb, h, &pa, h, 0.01);
        assert_eq!(s.count, 1);
        assert!((s.normal + Vec3::Z).length() < 1e-4);
        assert!((s.points[0].position - p.position).length() < 1e-4);
        // Slid along A's edge: same features.
        let pb2 = pose(pb.position + Vec3::new(0.001, 0.0, 0.0), pb.orientation);
        let m2 = box_box(&pa, h, &pb2, h, 0.01);
        assert_eq!(m2.count, 1);
        assert_eq!(m2.points[0].feature, p.feature);
    }

    #[test]
    fn features_stable_under_small_slide() {
        let big = Vec3::new(2.0, 2.0, 0.5);
        let small = Vec3::splat(0.25);
        let pa = pose(Vec3::ZERO, Quat::IDENTITY);
        for (q, hb) in [
            (Quat::IDENTITY, small),
            (Quat::from_rotation_z(0.3), small),
            (Quat::from_rotation_z(FRAC_PI_4), big),
        ] {
            let pb = pose(Vec3::new(0.1, 0.05, 0.5 + hb.z - 0.002), q);
            let m1 = box_box(&pa, big, &pb, hb, 0.01);
            let pb2 = pose(pb.position + Vec3::new(0.001, 0.0, 0.0), q);
            let m2 = box_box(&pa, big, &pb2, hb, 0.01);
            assert_eq!(m1.count, 4);
            assert_eq!(m2.count, 4);
            assert_unique_features(&m1);
            let mut f1: Vec<u32> = m1.points().iter().map(|p| p.feature).collect();
            let mut f2: Vec<u32> = m2.points().iter().map(|p| p.feature).collect();
            f1.sort_unstable();
            f2.sort_unstable();
            assert_eq!(f1, f2);
        }
    }

    #[test]
    fn degenerate_inputs_are_finite() {
        let h = Vec3::splat(0.5);
        let cases = [
            (
                pose(Vec3::ZERO, Quat::IDENTITY),
                pose(Vec3::ZERO, Quat::IDENTITY),
            ),
            (
                pose(Vec3::ZERO, Quat::IDENTITY),
                pose(Vec3::ZERO, Quat::from_rotation_z(FRAC_PI_4)),
            ),
            (
                pose(Vec3::ZERO, Quat::from_rotation_x(0.7)),
                pose(Vec3::new(0.0, 0.3, 0.4), Quat::from_rotation_x(0.7)),
            ),
            (
                pose(Vec3::ZERO, Quat::IDENTITY),
                pose(Vec3::new(1.0, 1.0, 0.0), Quat::IDENTITY),
            ),
        ];
        for (pa, pb) in cases {
            for margin in [0.0, 0.01] {
                let m = box_box(&pa, h, &pb, h, margin);
                assert!(m.count >= 1 && m.count <= 4, "{m:?}");
                assert!(m.normal.is_finite() && (m.normal.length() - 1.0).abs() < 1e-4);
                for p in m.points() {
                    assert!(p.position.is_finite() && p.separation.is_finite());
                }
                assert_unique_features(&m);
            }
        }
        // Flat (zero-thickness) boxes.
        let flat = Vec3::new(0.5, 0.5, 0.0);
        let m = box_box(
            &Pose::IDENTITY,
            flat,
            &pose(Vec3::ZERO, Quat::from_rotation_z(0.2)),
            flat,
            0.01,
        );
        assert!(m.count >= 1 && m.count <= 4);
        for p in m.points() {
            assert!(p.position.is_finite() && p.separation.is_finite());
        }
    }

    struct SplitMix(u64);

    impl SplitMix {
        fn next(&mut self) -> f32 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            (z >> 40) as f32 / (1u64 << 24) as f32
        }
        fn range(&mut self, lo: f32, hi: f32) -> f32 {
            lo + (hi - lo) * self.next()
        }
        fn quat(&mut self) -> Quat {
            loop {
                let q = Quat::from_xyzw(
                    self.range(-1.0, 1.0),
                    self.range(-1.0, 1.0),
                    self.range(-1.0, 1.0),
                    self.range(-1.0, 1.0),
                );
                let l = q.length();
                if l > 0.1 && l <= 1.0 {
                    return q / l;
                }
            }
        }
        fn unit(&mut self) -> Vec3 {
            loop {
                let v = Vec3::new(
                    self.range(-1.0, 1.0),
                    self.range(-1.0, 1.0),
                    self.range(-1.0, 1.0),
                );
                let l = v.length();
                if l > 0.1 && l <= 1.0 {
                    return v / l;
                }
            }
        }
    }

    #[test]
    fn random_configurations() {
        let mut rng = SplitMix(0x1234_5678);
        let margin = 0.02;
        let hyst = |pen: f32| {
            FACE_B_ABS_TOL + EDGE_ABS_TOL + (FACE_B_REL_TOL + EDGE_REL_TOL) * pen.abs() + 1e-4
        };
        let mut counts = [0usize; 5];
        for case in 0..2000 {
            let ha = Vec3::new(
                rng.range(0.05, 1.0),
                rng.range(0.05, 1.0),
                rng.range(0.05, 1.0),
            );
            let hb = Vec3::new(
                rng.range(0.05, 1.0),
                rng.range(0.05, 1.0),
                rng.range(0.05, 1.0),
            );
            // A third of the cases axis-aligned or sharing an orientation, to hit parallel faces.
            let qa = rng.quat();
            let qb = match case % 3 {
                0 => qa,
                1 => qa * Quat::from_rotation_z(rng.range(-0.5, 0.5)),
                _ => rng.quat(),
            };
            let pa = pose(
                Vec3::new(
                    rng.range(-5.0, 5.0),
                    rng.range(-5.0, 5.0),
                    rng.range(-5.0, 5.0),
                ),
                qa,
            );
            let deep = case % 10 == 0;
            let target = if deep {
                rng.range(-0.3, -0.05)
            } else {
                rng.range(-0.04, 1.5 * margin)
            };
            // Slide B along a random direction until the SAT separation reaches the target
            // (it grows monotonically with the distance).
            let dir = rng.unit();
            let (mut lo, mut hi) = (0.0f32, 5.0f32);
            for _ in 0..40 {
                let mid = 0.5 * (lo + hi);
                let pb = pose(pa.position + dir * mid, qb);
                if sat_max_sep(&pa, ha, &pb, hb) < target {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let pb = pose(pa.position + dir * hi, qb);
            let sat = sat_max_sep(&pa, ha, &pb, hb);
            let m = box_box(&pa, ha, &pb, hb, margin);
            counts[m.count] += 1;
            assert!(m.count <= 4);
            if sat > margin + 1e-4 {
                assert!(m.is_empty(), "case {case}: sat {sat} {m:?}");
                continue;
            }
            if sat < -1e-3 {
                assert!(!m.is_empty(), "case {case}: sat {sat} empty");
            }
            if m.is_empty() {
                continue;
            }
            assert!(m.normal.is_finite() && (m.normal.length() - 1.0).abs() < 1e-4);
            assert!(
                m.normal.dot(pb.position - pa.position) >= -1e-4,
                "case {case}"
            );
            assert_unique_features(&m);
            for p in m.points() {
                assert!(p.position.is_finite() && p.separation.is_finite());
                assert!(p.separation <= margin + 1e-6);
                assert!(
                    p.separation >= sat - hyst(sat),
                    "case {case}: point {p:?} deeper than SAT {sat}"
                );
                if p.separation.abs() < 0.05 {
                    let sa = p.position - m.normal * (0.5 * p.separation);
                    let sb = p.position + m.normal * (0.5 * p.separation);
                    let da = surface_distance(&pa, ha, sa);
                    let db = surface_distance(&pb, hb, sb);
                    assert!(da < 2e-3 && db < 2e-3, "case {case}: {da} {db} {m:?}");
                }
            }
        }
        // Sanity: the sample exercised single points and full quads.
        assert!(counts[1] > 50 && counts[4] > 200, "{counts:?}");
    }
}
