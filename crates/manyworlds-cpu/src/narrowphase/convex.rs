//! Contact between two convex solids known by their support functions (capsule, box,
//! cylinder, convex hull): the pairs with a cylinder or a hull that have no closed form.
//!
//! The normal: the signed distance of two convex sets is the largest gap over all directions,
//! `max_n n·d − h_A(n) − h_B(n)` (d from A's centre to B's, h each solid's support function
//! about its centre; Ericson, "Real-Time Collision Detection", 2005, §5.2.1 and §9.3.1), so
//! every direction's gap bounds it from below. The gap is taken over candidate directions
//! (face normals, axes, axis × axis, the centres' offset and its parts across each round
//! axis), then the best is refined by a bounded pattern search on the sphere of directions.
//! With a hull the candidates are the separating-axis test's (`hull.rs`), refined by the
//! search only against a round solid.
//!
//! The points: each solid's supporting feature along the normal (a box face, edge or vertex;
//! a cylinder's cap as an octagon inscribed in it, its side line or a rim point; a capsule's
//! segment or end) is projected on the contact plane and the overlap of the two is built as
//! in Jolt's `ManifoldBetweenTwoFaces` (Rouwe, 2021): the vertices of each feature inside the
//! other and the crossings of their edges, each with its depth read from both features, then
//! reduced to four.

use glam::{Mat3, Vec3};
use manyworlds_core::convex_hull::ConvexHull;

use super::capsule::box_feature_code;
use super::hull::{hull_direction, hull_feature, hull_support_vertex};
use super::manifold::{Manifold, MAX_POINTS};
use super::plane::reduce_to_four;
use super::segment::closest_points_segments;

/// Sine of the angle within which a direction counts as along a face normal or across an
/// axis: the feature is then a face or a line rather than a point (as [`super::capsule`]).
pub(super) const FLAT_SIN: f32 = 0.05;

/// Vertices of a cylinder's cap polygon: an octagon inscribed in the rim.
const CAP_SIDES: usize = 8;

/// The most vertices a feature keeps: a hull face with more is represented by this many of
/// its vertices, evenly picked (an inscribed polygon, as the cylinder's octagon).
pub(crate) const FEATURE_VERTICES: usize = 16;

/// Ridges the pattern search follows at one direction: a box's axes, a round axis, or the
/// edges at a hull's supporting vertex (more are dropped).
const MAX_RIDGES: usize = 16;

/// The pattern search stops once its step is below this angle (rad), or after this many trials.
const SEARCH_MIN_STEP: f32 = 1e-4;
const SEARCH_TRIALS: usize = 48;

/// A solid in world coordinates; all but the hull are symmetric about their centre.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Solid<'a> {
    /// The points within `radius` of the segment `centre ± axis · half_length`.
    Capsule {
        centre: Vec3,
        axis: Vec3,
        half_length: f32,
        radius: f32,
    },
    /// A box with unit `axes` and half extents `half`.
    Cuboid {
        centre: Vec3,
        axes: [Vec3; 3],
        half: Vec3,
    },
    /// A circular cylinder about `axes[2]`; `axes[0]`, `axes[1]` place its cap octagon.
    Cylinder {
        centre: Vec3,
        axes: [Vec3; 3],
        half_length: f32,
        radius: f32,
    },
    /// A scene's hull scaled by `scale` in its local axes, placed at `position`, turned by
    /// `rotation`; `centre` is its centroid in world coordinates.
    Hull {
        hull: &'a ConvexHull,
        position: Vec3,
        rotation: Mat3,
        scale: Vec3,
        centre: Vec3,
    },
}

/// A supporting feature: up to 16 vertices in cyclic order (1 a point, 2 a segment), and a
/// code naming the feature for warm starting.
#[derive(Clone, Copy, Debug)]
pub(super) struct Feature {
    vertices: [Vec3; FEATURE_VERTICES],
    count: usize,
    code: u32,
}

impl Feature {
    pub(super) fn new(code: u32, points: &[Vec3]) -> Self {
        let mut vertices = [Vec3::ZERO; FEATURE_VERTICES];
        vertices[..points.len()].copy_from_slice(points);
        Feature {
            vertices,
            count: points.len(),
            code,
        }
    }

    fn vertices(&self) -> &[Vec3] {
        &self.vertices[..self.count]
    }

    /// The feature's edges: none for a point, one for a segment, a closed loop for a polygon.
    fn edge(&self, i: usize) -> (Vec3, Vec3) {
        (self.vertices[i], self.vertices[(i + 1) % self.count])
    }

    fn edge_count(&self) -> usize {
        match self.count {
            0 | 1 => 0,
            2 => 1,
            n => n,
        }
    }
}

/// The unit vector across `axis` nearest `n` (any one if `n` is along the axis).
fn across(n: Vec3, axis: Vec3) -> Vec3 {
    (n - axis * axis.dot(n))
        .try_normalize()
        .unwrap_or_else(|| axis.any_orthonormal_vector())
}

impl Solid<'_> {
    pub(super) fn centre(&self) -> Vec3 {
        match *self {
            Solid::Capsule { centre, .. }
            | Solid::Cuboid { centre, .. }
            | Solid::Cylinder { centre, .. }
            | Solid::Hull { centre, .. } => centre,
        }
    }

    pub(super) fn is_hull(&self) -> bool {
        matches!(self, Solid::Hull { .. })
    }

    /// The support function about the centre: `max n·(x − centre)` over the solid (n unit).
    fn reach(&self, n: Vec3) -> f32 {
        match *self {
            Solid::Capsule {
                axis,
                half_length,
                radius,
                ..
            } => n.dot(axis).abs() * half_length + radius,
            Solid::Cuboid { axes, half, .. } => {
                n.dot(axes[0]).abs() * half.x
                    + n.dot(axes[1]).abs() * half.y
                    + n.dot(axes[2]).abs() * half.z
            }
            Solid::Cylinder {
                axes,
                half_length,
                radius,
                ..
            } => {
                let c = n.dot(axes[2]);
                c.abs() * half_length + radius * (1.0 - c * c).max(0.0).sqrt()
            }
            Solid::Hull {
                hull,
                position,
                rotation,
                scale,
                centre,
            } => {
                // n · (p + R(s∘v) − c) = (s∘Rᵀn) · v + n · (p − c).
                hull.support(scale, rotation.transpose() * n) + n.dot(position - centre)
            }
        }
    }

    /// Candidate normals this solid offers: its face normals or its axis.
    pub(super) fn axes(&self) -> (usize, [Vec3; 3]) {
        match *self {
            Solid::Capsule { axis, .. } => (1, [axis; 3]),
            Solid::Cuboid { axes, .. } => (3, axes),
            Solid::Cylinder { axes, .. } => (1, [axes[2]; 3]),
            Solid::Hull { .. } => (0, [Vec3::ZERO; 3]),
        }
    }

    /// The round axis, if any: directions across it are candidates for side contact.
    pub(super) fn round_axis(&self) -> Option<Vec3> {
        match *self {
            Solid::Capsule { axis, .. } => Some(axis),
            Solid::Cylinder { axes, .. } => Some(axes[2]),
            Solid::Cuboid { .. } | Solid::Hull { .. } => None,
        }
    }

    /// Directions `w` across which (n · w = 0) the support function kinks near `n`: a box's
    /// axes, a round axis, a hull's edges at its supporting vertex. Returns how many.
    fn ridges(&self, n: Vec3, out: &mut [Vec3]) -> usize {
        match *self {
            Solid::Hull {
                hull,
                rotation,
                scale,
                ..
            } => {
                let local = scale * (rotation.transpose() * n);
                let top = hull_support_vertex(hull, local);
                let mut k = 0;
                for e in hull.edges() {
                    if k < out.len() && e.vertices.contains(&(top as u32)) {
                        let [a, b] = e.vertices.map(|v| hull.vertices()[v as usize]);
                        out[k] = (rotation * (scale * (b - a))).normalize_or_zero();
                        k += 1;
                    }
                }
                k
            }
            _ => {
                let (k, axes) = self.axes();
                let k = k.min(out.len());
                out[..k].copy_from_slice(&axes[..k]);
                k
            }
        }
    }

    /// The part of the solid's surface farthest along `n`.
    fn feature(&self, n: Vec3) -> Feature {
        match *self {
            Solid::Capsule {
                centre,
                axis,
                half_length,
                radius,
            } => {
                let c = n.dot(axis);
                let lift = n * radius;
                let ends = [centre - axis * half_length, centre + axis * half_length];
                if c.abs() < FLAT_SIN {
                    Feature::new(0, &[ends[0] + lift, ends[1] + lift])
                } else {
                    let end = usize::from(c > 0.0);
                    Feature::new(1 + end as u32, &[ends[end] + lift])
                }
            }
            Solid::Cuboid { centre, axes, half } => {
                // Each axis whose component is not negligible fixes its sign; the free ones
                // (at most two: a unit vector has a component of 1/√3 or more) span the face
                // or edge.
                let mut fixed = [0i8; 3];
                let mut base = centre;
                let mut free = [0usize; 2];
                let mut free_count = 0;
                for j in 0..3 {
                    let c = n.dot(axes[j]);
                    if c.abs() < FLAT_SIN && free_count < 2 {
                        free[free_count] = j;
                        free_count += 1;
                    } else {
                        fixed[j] = if c > 0.0 { 1 } else { -1 };
                        base += axes[j] * (f32::from(fixed[j]) * half[j]);
                    }
                }
                let code = 1 + box_feature_code(fixed);
                let e = |k: usize| axes[free[k]] * half[free[k]];
                match free_count {
                    0 => Feature::new(code, &[base]),
                    1 => Feature::new(code, &[base - e(0), base + e(0)]),
                    _ => Feature::new(
                        code,
                        &[
                            base - e(0) - e(1),
                            base + e(0) - e(1),
                            base + e(0) + e(1),
                            base - e(0) + e(1),
                        ],
                    ),
                }
            }
            Solid::Cylinder {
                centre,
                axes,
                half_length,
                radius,
            } => {
                let c = n.dot(axes[2]);
                let tilt = (1.0 - c * c).max(0.0).sqrt();
                let cap = usize::from(c > 0.0);
                let ends = [
                    centre - axes[2] * half_length,
                    centre + axes[2] * half_length,
                ];
                if tilt < FLAT_SIN {
                    let mut octagon = [Vec3::ZERO; CAP_SIDES];
                    for (k, v) in octagon.iter_mut().enumerate() {
                        let angle = std::f32::consts::TAU * k as f32 / CAP_SIDES as f32;
                        let (s, co) = angle.sin_cos();
                        *v = ends[cap] + (axes[0] * co + axes[1] * s) * radius;
                    }
                    Feature::new(3 + cap as u32, &octagon)
                } else {
                    let out = across(n, axes[2]) * radius;
                    if c.abs() < FLAT_SIN {
                        Feature::new(0, &[ends[0] + out, ends[1] + out])
                    } else {
                        Feature::new(1 + cap as u32, &[ends[cap] + out])
                    }
                }
            }
            Solid::Hull {
                hull,
                position,
                rotation,
                scale,
                ..
            } => hull_feature(hull, position, rotation, scale, n),
        }
    }
}

/// The gap between A and B along unit `n`: positive when a plane across `n` separates them.
pub(super) fn gap(a: &Solid, b: &Solid, d: Vec3, n: Vec3) -> f32 {
    n.dot(d) - a.reach(n) - b.reach(-n)
}

/// The direction of largest gap found and that gap, oriented from A towards B.
fn best_direction(a: &Solid, b: &Solid, margin: f32) -> (Vec3, f32) {
    if a.is_hull() || b.is_hull() {
        return hull_direction(a, b, margin);
    }
    let d = b.centre() - a.centre();
    let mut best = (Vec3::Z, f32::NEG_INFINITY);
    let mut consider = |n: Vec3| {
        if let Some(n) = n.try_normalize() {
            let n = if n.dot(d) < 0.0 { -n } else { n };
            let g = gap(a, b, d, n);
            if g > best.1 {
                best = (n, g);
            }
        }
    };
    let (ka, axes_a) = a.axes();
    let (kb, axes_b) = b.axes();
    for &u in &axes_a[..ka] {
        consider(u);
        for &v in &axes_b[..kb] {
            consider(u.cross(v));
        }
    }
    for &v in &axes_b[..kb] {
        consider(v);
    }
    consider(d);
    for axis in [a.round_axis(), b.round_axis()].into_iter().flatten() {
        consider(d - axis * axis.dot(d));
    }
    refine(a, b, d, best)
}

/// Pattern search from `start` on the unit sphere: try the eight neighbours at the current
/// step along a tangent basis, move to the best improvement, else halve the step. The gap
/// has ridges where the normal crosses an axis of either solid (a box's faces, a round
/// side's line, a hull's edge: the support function kinks there); a neighbour within a step
/// of one is also tried on it, and on a ridge the basis follows it, so the search slides
/// along it.
pub(super) fn refine(a: &Solid, b: &Solid, d: Vec3, start: (Vec3, f32)) -> (Vec3, f32) {
    let (mut n, mut g) = start;
    let mut step = 0.1f32;
    let mut buffer = [Vec3::ZERO; 2 * MAX_RIDGES];
    for _ in 0..SEARCH_TRIALS {
        if step < SEARCH_MIN_STEP {
            break;
        }
        let ka = a.ridges(n, &mut buffer[..MAX_RIDGES]);
        let kb = b.ridges(-n, &mut buffer[ka..ka + MAX_RIDGES]);
        let ridges = &buffer[..ka + kb];
        let on_ridge = ridges.iter().find(|w| n.dot(**w).abs() < 1e-5);
        let (t1, t2) = match on_ridge {
            Some(&w) => (w.cross(n).normalize_or(w.any_orthonormal_vector()), w),
            None => n.any_orthonormal_pair(),
        };
        let mut candidate = (n, g);
        let mut try_direction = |trial: Vec3| {
            let tg = gap(a, b, d, trial);
            if tg > candidate.1 {
                candidate = (trial, tg);
            }
        };
        for (x, y) in [
            (1.0, 0.0),
            (-1.0, 0.0),
            (0.0, 1.0),
            (0.0, -1.0),
            (0.7, 0.7),
            (-0.7, 0.7),
            (0.7, -0.7),
            (-0.7, -0.7),
        ] {
            let trial = (n + (t1 * x + t2 * y) * step).normalize();
            try_direction(trial);
            for &w in ridges {
                if trial.dot(w).abs() < 2.0 * step {
                    if let Some(on) = (trial - w * w.dot(trial)).try_normalize() {
                        try_direction(on);
                    }
                }
            }
        }
        if candidate.1 > g {
            (n, g) = candidate;
        } else {
            step *= 0.5;
        }
    }
    (n, g)
}

/// One candidate contact: the point on A's feature, its depth along the normal to B's
/// feature, and its feature id.
#[derive(Clone, Copy, Default)]
struct Candidate {
    on_a: Vec3,
    separation: f32,
    feature: u32,
}

/// Two convex polygons of up to 16 vertices have at most 16 + 16 vertices inside each other
/// and 32 edge crossings, so this many are kept.
const CANDIDATES: usize = 64;

/// Where the line through `x` along `n` meets the plane of polygon `f` (≥ 3 vertices): the
/// signed distance along `n` from `x`. None if the plane is edge-on to `n`.
fn height_over(f: &Feature, x: Vec3, n: Vec3) -> Option<f32> {
    let v = f.vertices();
    let normal = (v[1] - v[0]).cross(v[2] - v[0]);
    let along = normal.dot(n);
    if along.abs() <= 1e-6 * normal.length() {
        return None;
    }
    Some(normal.dot(v[0] - x) / along)
}

/// Whether the projection of `x` on the plane across `n` lies inside polygon `f`'s (with a
/// relative tolerance), the polygon convex and in cyclic order.
fn inside(f: &Feature, x: Vec3, n: Vec3) -> bool {
    let v = f.vertices();
    let mut sign = 0.0f32;
    for i in 0..v.len() {
        let (p, q) = f.edge(i);
        let s = n.dot((q - p).cross(x - p));
        let tol = 1e-6 * (q - p).length_squared();
        if s.abs() <= tol {
            continue;
        }
        if sign == 0.0 {
            sign = s.signum();
        } else if s.signum() != sign {
            return false;
        }
    }
    true
}

/// The crossing of segments `p0p1` (on A) and `q0q1` (on B) seen along `n`: the parameters
/// on both, if they cross within both.
fn crossing(p0: Vec3, p1: Vec3, q0: Vec3, q1: Vec3, n: Vec3) -> Option<(f32, f32)> {
    let (dp, dq, w) = (p1 - p0, q1 - q0, q0 - p0);
    let denom = n.dot(dp.cross(dq));
    if denom.abs() <= 1e-9 * dp.length() * dq.length() {
        return None;
    }
    let s = n.dot(w.cross(dq)) / denom;
    let t = n.dot(w.cross(dp)) / denom;
    ((0.0..=1.0).contains(&s) && (0.0..=1.0).contains(&t)).then_some((s, t))
}

/// The contact manifold of A against B, normal from A to B, points down to `margin`.
pub(crate) fn solid_solid(a: &Solid, b: &Solid, margin: f32) -> Manifold {
    let (n, g) = best_direction(a, b, margin);
    if g > margin || !g.is_finite() {
        return Manifold::EMPTY;
    }
    let fa = a.feature(n);
    let fb = b.feature(-n);
    let mut list = [Candidate::default(); CANDIDATES];
    let mut k = 0;
    let ids = |kind: u32, index: u32| kind << 28 | fa.code << 18 | fb.code << 8 | index;
    let mut add = |c: Candidate| {
        if c.separation <= margin && c.separation.is_finite() && k < CANDIDATES {
            list[k] = c;
            k += 1;
        }
        k
    };
    let mut found = 0;
    {
        // A's vertices over B's polygon, B's over A's.
        if fb.count >= 3 {
            for (i, &x) in fa.vertices().iter().enumerate() {
                if let (true, Some(h)) = (inside(&fb, x, n), height_over(&fb, x, n)) {
                    found = add(Candidate {
                        on_a: x,
                        separation: h,
                        feature: ids(1, i as u32),
                    });
                }
            }
        }
        if fa.count >= 3 {
            for (i, &y) in fb.vertices().iter().enumerate() {
                if let (true, Some(h)) = (inside(&fa, y, n), height_over(&fa, y, n)) {
                    found = add(Candidate {
                        on_a: y + n * h,
                        separation: -h,
                        feature: ids(2, i as u32),
                    });
                }
            }
        }
        if fa.count == 2 && fb.count == 2 && collinear(&fa, &fb, n) {
            overlap_of_lines(&fa, &fb, &mut |x, y, i| {
                found = add(Candidate {
                    on_a: x,
                    separation: n.dot(y - x),
                    feature: ids(3, i),
                })
            });
        } else {
            for i in 0..fa.edge_count() {
                let (p0, p1) = fa.edge(i);
                for j in 0..fb.edge_count() {
                    let (q0, q1) = fb.edge(j);
                    if let Some((s, t)) = crossing(p0, p1, q0, q1, n) {
                        let x = p0.lerp(p1, s);
                        found = add(Candidate {
                            on_a: x,
                            separation: n.dot(q0.lerp(q1, t) - x),
                            feature: ids(4, (i * FEATURE_VERTICES + j) as u32),
                        });
                    }
                }
            }
        }
    }
    if found == 0 {
        // No overlap seen along the normal (features meeting at an end or a corner): the
        // closest points of their edges, a point feature counting as an edge of length 0.
        let (on_a, on_b) = closest_of_features(&fa, &fb);
        let mut n = n;
        let mut separation = n.dot(on_b - on_a);
        // Apart, with a hull, the separating axis need not join the closest features (a
        // vertex against a vertex): their own direction and distance are the true ones.
        if separation > 0.0 && (a.is_hull() || b.is_hull()) {
            if let Some(joining) = (on_b - on_a).try_normalize() {
                (n, separation) = (joining, (on_b - on_a).length());
            }
        }
        found = add(Candidate {
            on_a,
            separation,
            feature: ids(0, 0),
        });
        return build(n, &mut list[..found]);
    }
    build(n, &mut list[..found])
}

/// Whether two segments seen along `n` lie on one line (side by side, parallel).
fn collinear(fa: &Feature, fb: &Feature, n: Vec3) -> bool {
    let (da, db) = (
        fa.vertices[1] - fa.vertices[0],
        fb.vertices[1] - fb.vertices[0],
    );
    n.dot(da.cross(db)).abs() < FLAT_SIN * da.length() * db.length()
}

/// The common stretch of two parallel segments, along A's: calls `emit(on_a, on_b, id)` at each end
/// (id 0/1: A's end, 2/3: B's end).
fn overlap_of_lines(fa: &Feature, fb: &Feature, emit: &mut dyn FnMut(Vec3, Vec3, u32)) {
    let (a0, a1) = (fa.vertices[0], fa.vertices[1]);
    let (b0, b1) = (fb.vertices[0], fb.vertices[1]);
    let dir = a1 - a0;
    let len2 = dir.length_squared();
    if len2 <= 1e-12 {
        return;
    }
    let param = |p: Vec3| (p - a0).dot(dir) / len2;
    let (tb0, tb1) = (param(b0), param(b1));
    let (lo_b, lo_id, hi_b, hi_id) = if tb0 <= tb1 {
        (tb0, 2, tb1, 3)
    } else {
        (tb1, 3, tb0, 2)
    };
    let (lo, lo_id) = if lo_b > 0.0 { (lo_b, lo_id) } else { (0.0, 0) };
    let (hi, hi_id) = if hi_b < 1.0 { (hi_b, hi_id) } else { (1.0, 1) };
    if hi < lo {
        return;
    }
    let on_b = |t: f32| {
        // B's point over A's at parameter t: B's own line at the same projection.
        let db = b1 - b0;
        let s = (a0 + dir * t - b0).dot(db) / db.length_squared().max(1e-12);
        b0 + db * s.clamp(0.0, 1.0)
    };
    emit(a0 + dir * lo, on_b(lo), lo_id);
    if hi - lo > 1e-6 {
        emit(a0 + dir * hi, on_b(hi), hi_id);
    }
}

/// The closest pair of points of the edges of `fa` and `fb`.
fn closest_of_features(fa: &Feature, fb: &Feature) -> (Vec3, Vec3) {
    let edges = |f: &Feature, i: usize| {
        if f.count == 1 {
            (f.vertices[0], f.vertices[0])
        } else {
            f.edge(i)
        }
    };
    let mut best = (f32::INFINITY, fa.vertices[0], fb.vertices[0]);
    for i in 0..fa.edge_count().max(1) {
        let (p0, p1) = edges(fa, i);
        for j in 0..fb.edge_count().max(1) {
            let (q0, q1) = edges(fb, j);
            let (_, _, p, q) = closest_points_segments(p0, p1, q0, q1);
            let d2 = (q - p).length_squared();
            if d2 < best.0 {
                best = (d2, p, q);
            }
        }
    }
    (best.1, best.2)
}

/// Sorts the candidates deepest first, keeps four spread ones, and writes the manifold with
/// each point midway between the surfaces.
fn build(n: Vec3, list: &mut [Candidate]) -> Manifold {
    list.sort_by(|x, y| x.separation.total_cmp(&y.separation));
    let mut keep = [0usize; MAX_POINTS];
    let kept = if list.len() <= MAX_POINTS {
        for (slot, i) in keep.iter_mut().zip(0..list.len()) {
            *slot = i;
        }
        list.len()
    } else {
        let mut points = [Vec3::ZERO; CANDIDATES];
        for (p, c) in points.iter_mut().zip(list.iter()) {
            *p = c.on_a;
        }
        reduce_to_four(&points[..list.len()], n, &mut keep)
    };
    let mut m = Manifold::with_normal(n);
    for &i in &keep[..kept] {
        let c = list[i];
        m.push(c.on_a + n * (0.5 * c.separation), c.separation, c.feature);
    }
    m
}
