//! Every shape against a convex hull (the hull always second). A plane takes the hull's
//! vertices below it, as it does a box's; a sphere its centre's closest point on the hull
//! (exact); a capsule, box, cylinder or hull goes through [`super::convex`]'s feature overlap
//! with the hull's supporting features and separating-axis search below (Gottschalk 2000;
//! Gregorius, "The separating axis test between convex polyhedra", GDC 2013): both solids'
//! face normals and the cross products of edge directions, hull edge pairs pruned to those
//! whose arcs cross on the Gauss map (the pairs that make a face of the Minkowski
//! difference), refined by the support search against a round solid.

use glam::{Mat3, Vec3};
use manyworlds_core::{ConvexHull, Pose};

use super::convex::{gap, refine, solid_solid, Feature, Solid, FEATURE_VERTICES, FLAT_SIN};
use super::cylinder::cylinder_solid;
use super::manifold::{Manifold, MAX_POINTS};
use super::plane::{plane_frame, reduce_to_four};
use super::segment::closest_point_segment;
use manyworlds_core::MAX_HULL_VERTICES;

/// Edges of a hull of at most [`MAX_HULL_VERTICES`] vertices: E ≤ 3V − 6 (Euler).
const MAX_HULL_EDGES: usize = 3 * MAX_HULL_VERTICES - 6;

/// The hull vertex farthest along `local` (a direction in the hull's unscaled frame, already
/// multiplied by the scale); ties to the lower index.
pub(super) fn hull_support_vertex(hull: &ConvexHull, local: Vec3) -> usize {
    let mut best = (0, f32::NEG_INFINITY);
    for (i, v) in hull.vertices().iter().enumerate() {
        let h = v.dot(local);
        if h > best.1 {
            best = (i, h);
        }
    }
    best.0
}

/// A hull face's outward unit normal in world coordinates: normals map by the inverse
/// transpose, R (n / s).
pub(super) fn hull_face_normal(hull: &ConvexHull, rotation: Mat3, scale: Vec3, f: usize) -> Vec3 {
    (rotation * (hull.faces()[f].normal / scale)).normalize_or_zero()
}

/// The hull's supporting feature along `n`: the face whose normal is within `FLAT_SIN` of
/// it, else an edge at the supporting vertex nearly across it, else that vertex. Codes:
/// 1 + face, 1 + F + edge, 1 + F + E + vertex.
pub(super) fn hull_feature(
    hull: &ConvexHull,
    position: Vec3,
    rotation: Mat3,
    scale: Vec3,
    n: Vec3,
) -> Feature {
    let world = |i: u32| position + rotation * (scale * hull.vertices()[i as usize]);
    let (faces, edges) = (hull.faces().len() as u32, hull.edges().len() as u32);
    let mut best = (0, f32::NEG_INFINITY);
    for f in 0..hull.faces().len() {
        let c = hull_face_normal(hull, rotation, scale, f).dot(n);
        if c > best.1 {
            best = (f, c);
        }
    }
    if 1.0 - best.1 < 0.5 * FLAT_SIN * FLAT_SIN {
        let l = hull.face_loop(best.0);
        let count = l.len().min(FEATURE_VERTICES);
        let mut points = [Vec3::ZERO; FEATURE_VERTICES];
        for (k, p) in points[..count].iter_mut().enumerate() {
            *p = world(l[k * l.len() / count]);
        }
        return Feature::new(1 + best.0 as u32, &points[..count]);
    }
    let top = hull_support_vertex(hull, scale * (rotation.transpose() * n)) as u32;
    let mut edge = (u32::MAX, FLAT_SIN);
    for (e, h) in hull.edges().iter().enumerate() {
        if h.vertices.contains(&top) {
            let d = world(h.vertices[1]) - world(h.vertices[0]);
            let across = n.dot(d).abs() / d.length().max(1e-30);
            if across < edge.1 {
                edge = (e as u32, across);
            }
        }
    }
    if edge.0 != u32::MAX {
        let h = hull.edges()[edge.0 as usize];
        return Feature::new(
            1 + faces + edge.0,
            &[world(h.vertices[0]), world(h.vertices[1])],
        );
    }
    Feature::new(1 + faces + edges + top, &[world(top)])
}

/// A hull's world vertex `i`.
fn hull_vertex(s: &Solid, i: u32) -> Vec3 {
    match *s {
        Solid::Hull {
            hull,
            position,
            rotation,
            scale,
            ..
        } => position + rotation * (scale * hull.vertices()[i as usize]),
        _ => Vec3::ZERO,
    }
}

/// A solid's edge directions for the separating-axis test: a hull's edges (with the outward
/// normals of the two faces beside each, for Gauss-map pruning), else its axes (a box's
/// three, a round solid's one) with no faces. Returns how many.
fn edge_directions(s: &Solid, out: &mut [(Vec3, Vec3, Vec3)]) -> usize {
    match *s {
        Solid::Hull {
            hull,
            rotation,
            scale,
            ..
        } => {
            let k = hull.edges().len().min(out.len());
            for (slot, e) in out.iter_mut().zip(hull.edges()) {
                let d = hull_vertex(s, e.vertices[1]) - hull_vertex(s, e.vertices[0]);
                *slot = (
                    d,
                    hull_face_normal(hull, rotation, scale, e.faces[0] as usize),
                    hull_face_normal(hull, rotation, scale, e.faces[1] as usize),
                );
            }
            k
        }
        _ => {
            let (k, axes) = s.axes();
            for (slot, &axis) in out.iter_mut().zip(&axes[..k]) {
                *slot = (axis, Vec3::ZERO, Vec3::ZERO);
            }
            k
        }
    }
}

/// Whether edge arcs (a, b) of A and (c, d) of B, their face normals with B's negated, cross
/// on the Gauss map: the edges then make a face of the Minkowski difference (Gregorius 2013).
fn arcs_cross(a: Vec3, b: Vec3, c: Vec3, d: Vec3) -> bool {
    let bxa = b.cross(a);
    let dxc = d.cross(c);
    let (cba, dba) = (c.dot(bxa), d.dot(bxa));
    let (adc, bdc) = (a.dot(dxc), b.dot(dxc));
    cba * dba < 0.0 && adc * bdc < 0.0 && cba * bdc > 0.0
}

/// Tolerances by which B's faces must beat A's, and edge pairs the faces, to be taken: as
/// the box–box test's, so that a face resting on a face keeps its reference face.
const FACE_B_ABS_TOL: f32 = 5e-4;
const FACE_B_REL_TOL: f32 = 0.02;
const EDGE_ABS_TOL: f32 = 1e-3;
const EDGE_REL_TOL: f32 = 0.05;

/// The separating-axis search with a hull on either side (see the module notes). A face
/// farther apart than `margin` already proves no contact: the edge pairs are then skipped.
pub(super) fn hull_direction(a: &Solid, b: &Solid, margin: f32) -> (Vec3, f32) {
    let d = b.centre() - a.centre();
    let consider = |best: &mut (Vec3, f32), n: Vec3| {
        if let Some(n) = n.try_normalize() {
            let g = gap(a, b, d, n);
            if g > best.1 {
                *best = (n, g);
            }
        }
    };
    // Face normals: a hull's outward ones (B's reversed), else both ways along an axis.
    let mut faces = [(Vec3::Z, f32::NEG_INFINITY); 2];
    for (best, (s, sign)) in faces.iter_mut().zip([(a, 1.0f32), (b, -1.0)]) {
        match *s {
            Solid::Hull {
                hull,
                rotation,
                scale,
                ..
            } => {
                for f in 0..hull.faces().len() {
                    consider(best, hull_face_normal(hull, rotation, scale, f) * sign);
                }
            }
            _ => {
                let (k, axes) = s.axes();
                for &u in &axes[..k] {
                    consider(best, u);
                    consider(best, -u);
                }
            }
        }
    }
    let [face_a, face_b] = faces;
    let face = if face_b.1 > face_a.1 + FACE_B_ABS_TOL + FACE_B_REL_TOL * face_a.1.abs() {
        face_b
    } else {
        face_a
    };
    if face_a.1.max(face_b.1) > margin {
        return if face_a.1 > face_b.1 { face_a } else { face_b };
    }
    let mut edge = (Vec3::Z, f32::NEG_INFINITY);
    let mut ea = [(Vec3::ZERO, Vec3::ZERO, Vec3::ZERO); MAX_HULL_EDGES];
    let mut eb = [(Vec3::ZERO, Vec3::ZERO, Vec3::ZERO); MAX_HULL_EDGES];
    let na = edge_directions(a, &mut ea);
    let nb = edge_directions(b, &mut eb);
    let both_hulls = a.is_hull() && b.is_hull();
    for &(u, fa0, fa1) in &ea[..na] {
        for &(v, fb0, fb1) in &eb[..nb] {
            if both_hulls && !arcs_cross(fa0, fa1, -fb0, -fb1) {
                continue;
            }
            // Nearly parallel edges give no direction of their own.
            let n = u.cross(v);
            if n.length_squared() > 1e-8 * u.length_squared() * v.length_squared() {
                consider(&mut edge, n);
                consider(&mut edge, -n);
            }
        }
    }
    consider(&mut edge, d);
    for axis in [a.round_axis(), b.round_axis()].into_iter().flatten() {
        consider(&mut edge, d - axis * axis.dot(d));
    }
    if a.round_axis().is_some() || b.round_axis().is_some() {
        // A round solid's best direction is found by the search, from the best candidate.
        let best = [face_a, face_b, edge]
            .into_iter()
            .fold(face_a, |x, y| if y.1 > x.1 { y } else { x });
        return refine(a, b, d, best);
    }
    if edge.1 > face.1 + EDGE_ABS_TOL + EDGE_REL_TOL * face.1.abs() {
        edge
    } else {
        face
    }
}

/// The box of half extents `half` at `pose`, as a [`Solid`].
fn box_solid(pose: &Pose, half: Vec3) -> Solid<'static> {
    let r = Mat3::from_quat(pose.orientation);
    Solid::Cuboid {
        centre: pose.position,
        axes: [r.x_axis, r.y_axis, r.z_axis],
        half,
    }
}

/// The hull at `pose` scaled by `scale`, as a [`Solid`].
pub(crate) fn hull_solid<'a>(hull: &'a ConvexHull, pose: &Pose, scale: Vec3) -> Solid<'a> {
    Solid::Hull {
        hull,
        position: pose.position,
        rotation: Mat3::from_quat(pose.orientation),
        scale,
        centre: pose.transform_point(hull.centroid(scale)),
    }
}

/// The hull's vertices within `margin` of the plane: as [`super::plane_box`], deepest first,
/// reduced to four, each named by its vertex index.
pub fn plane_hull(
    plane: &Pose,
    pb: &Pose,
    hull: &ConvexHull,
    scale: Vec3,
    margin: f32,
) -> Manifold {
    let (n, origin) = plane_frame(plane);
    let rotation = Mat3::from_quat(pb.orientation);
    let mut vertex = [Vec3::ZERO; MAX_HULL_VERTICES];
    let mut depth = [0.0f32; MAX_HULL_VERTICES];
    let mut id = [0u32; MAX_HULL_VERTICES];
    let mut k = 0;
    for (i, v) in hull.vertices().iter().enumerate().take(MAX_HULL_VERTICES) {
        let v = pb.position + rotation * (scale * *v);
        let d = n.dot(v - origin);
        if d > margin || !d.is_finite() {
            continue;
        }
        // Insertion keeps them deepest first, earlier vertices first among equals.
        let mut j = k;
        while j > 0 && depth[j - 1] > d {
            vertex[j] = vertex[j - 1];
            depth[j] = depth[j - 1];
            id[j] = id[j - 1];
            j -= 1;
        }
        (vertex[j], depth[j], id[j]) = (v, d, i as u32);
        k += 1;
    }
    let mut keep = [0usize; MAX_POINTS];
    let kept = if k <= MAX_POINTS {
        for (slot, index) in keep.iter_mut().zip(0..k) {
            *slot = index;
        }
        k
    } else {
        reduce_to_four(&vertex[..k], n, &mut keep)
    };
    let mut m = Manifold::with_normal(n);
    for &i in &keep[..kept] {
        m.push(vertex[i] - n * (0.5 * depth[i]), depth[i], id[i]);
    }
    m
}

/// A sphere (A) against a hull (B). Inside the hull the normal is the face least deep; outside,
/// the closest point is on a face the centre sees: in it (the face's plane) or on its rim.
/// Feature: 1 + face, or 1 + F + the nearer vertex of the rim edge.
pub fn sphere_hull(
    pa: &Pose,
    radius: f32,
    pb: &Pose,
    hull: &ConvexHull,
    scale: Vec3,
    margin: f32,
) -> Manifold {
    let c = pa.position;
    let rotation = Mat3::from_quat(pb.orientation);
    let world = |i: u32| pb.position + rotation * (scale * hull.vertices()[i as usize]);
    let faces = hull.faces().len() as u32;
    // (distance from the centre to the hull, closest point, feature); negative inside.
    let mut outside: Option<(f32, Vec3, u32)> = None;
    let mut inside = (f32::NEG_INFINITY, Vec3::ZERO, 0u32);
    for f in 0..hull.faces().len() {
        let normal = hull_face_normal(hull, rotation, scale, f);
        let l = hull.face_loop(f);
        let h = normal.dot(c - world(l[0]));
        if h <= 0.0 {
            if h > inside.0 {
                inside = (h, c - normal * h, 1 + f as u32);
            }
            continue;
        }
        // Seen from the centre: in the polygon, or nearest its rim.
        let mut in_face = true;
        let mut rim = (f32::INFINITY, Vec3::ZERO, 0u32);
        for k in 0..l.len() {
            let (p, q) = (world(l[k]), world(l[(k + 1) % l.len()]));
            if normal.dot((q - p).cross(c - p)) < 0.0 {
                in_face = false;
            }
            let (t, x) = closest_point_segment(p, q, c);
            let d2 = (c - x).length_squared();
            if d2 < rim.0 {
                let v = if t < 0.5 { l[k] } else { l[(k + 1) % l.len()] };
                rim = (d2, x, 1 + faces + v);
            }
        }
        let candidate = if in_face {
            (h, c - normal * h, 1 + f as u32)
        } else {
            (rim.0.sqrt(), rim.1, rim.2)
        };
        if outside.is_none_or(|o| candidate.0 < o.0) {
            outside = Some(candidate);
        }
    }
    let (distance, on_hull, feature, normal) = match outside {
        Some((d, x, feature)) => match (x - c).try_normalize() {
            Some(n) => (d, x, feature, n),
            None => return Manifold::EMPTY,
        },
        None => {
            let (h, x, feature) = inside;
            let n = hull_face_normal(hull, rotation, scale, feature as usize - 1);
            (h, x, feature, -n)
        }
    };
    let separation = distance - radius;
    if separation > margin || !separation.is_finite() {
        return Manifold::EMPTY;
    }
    let mut m = Manifold::with_normal(normal);
    m.push(on_hull - normal * (0.5 * separation), separation, feature);
    m
}

pub fn capsule_hull(
    pa: &Pose,
    half_length: f32,
    radius: f32,
    pb: &Pose,
    hull: &ConvexHull,
    scale: Vec3,
    margin: f32,
) -> Manifold {
    let capsule = Solid::Capsule {
        centre: pa.position,
        axis: pa.orientation * Vec3::Z,
        half_length,
        radius,
    };
    solid_solid(&capsule, &hull_solid(hull, pb, scale), margin)
}

pub fn box_hull(
    pa: &Pose,
    half: Vec3,
    pb: &Pose,
    hull: &ConvexHull,
    scale: Vec3,
    margin: f32,
) -> Manifold {
    solid_solid(&box_solid(pa, half), &hull_solid(hull, pb, scale), margin)
}

pub fn cylinder_hull(
    pa: &Pose,
    half_length: f32,
    radius: f32,
    pb: &Pose,
    hull: &ConvexHull,
    scale: Vec3,
    margin: f32,
) -> Manifold {
    solid_solid(
        &cylinder_solid(pa, half_length, radius),
        &hull_solid(hull, pb, scale),
        margin,
    )
}

#[allow(clippy::too_many_arguments)]
pub fn hull_hull(
    pa: &Pose,
    hull_a: &ConvexHull,
    scale_a: Vec3,
    pb: &Pose,
    hull_b: &ConvexHull,
    scale_b: Vec3,
    margin: f32,
) -> Manifold {
    solid_solid(
        &hull_solid(hull_a, pa, scale_a),
        &hull_solid(hull_b, pb, scale_b),
        margin,
    )
}

#[cfg(test)]
mod tests {
    use super::super::box_box::box_box;
    use super::super::capsule::capsule_box;
    use super::super::cylinder::cylinder_box;
    use super::super::plane::plane_box;
    use super::super::sphere::sphere_box;
    use super::super::testutil::*;
    use super::*;

    /// A unit cube's corners as a hull, scaled to half extents `h` by the shape's scale.
    fn cube() -> ConvexHull {
        let corners: Vec<Vec3> = (0..8)
            .map(|i| {
                Vec3::new(
                    if i & 1 == 0 { -1.0 } else { 1.0 },
                    if i & 2 == 0 { -1.0 } else { 1.0 },
                    if i & 4 == 0 { -1.0 } else { 1.0 },
                )
            })
            .collect();
        ConvexHull::from_points(&corners, 64).unwrap().0
    }

    fn deepest(m: &Manifold) -> f32 {
        m.points()
            .iter()
            .map(|p| p.separation)
            .fold(f32::INFINITY, f32::min)
    }

    /// The hull's signed distance where it is exact: 0 on the surface, negative inside.
    fn sdf_hull(h: &ConvexHull, pose: &Pose, scale: Vec3, p: Vec3) -> f32 {
        let l = pose.inverse_transform_point(p) / scale;
        (0..h.faces().len())
            .map(|f| {
                let face = h.faces()[f];
                let n = face.normal / scale;
                (face.normal.dot(l) - face.offset) / n.length()
            })
            .fold(f32::NEG_INFINITY, f32::max)
    }

    /// The box routine's manifold, the hull's, the other shape's distance, the tolerance.
    type Case<'a> = (Manifold, Manifold, &'a dyn Fn(Vec3) -> f32, f32);

    /// Runs `case` on random configurations of a box (as hull and as box) near another
    /// shape, and counts the ones in contact.
    fn random_boxes(seed: u64, count: usize, mut case: impl FnMut(&mut Rng, &Pose, Vec3)) {
        let mut rng = Rng(seed);
        for _ in 0..count {
            let half = Vec3::new(
                rng.range(0.1, 0.5),
                rng.range(0.1, 0.5),
                rng.range(0.1, 0.5),
            );
            let pose = Pose::new(rng.vec(0.6), rng.quat());
            case(&mut rng, &pose, half);
        }
    }

    #[test]
    fn a_box_hull_on_a_plane_is_the_box() {
        let h = cube();
        random_boxes(1, 500, |rng, pose, half| {
            let plane = Pose::new(rng.vec(0.2), rng.quat());
            let a = plane_box(&plane, pose, half, 0.05);
            let b = plane_hull(&plane, pose, &h, half, 0.05);
            assert_eq!(a.count, b.count, "{a:?} {b:?}");
            // The same points, whatever the vertex numbering.
            for p in a.points() {
                assert!(
                    b.points()
                        .iter()
                        .any(|q| (p.position - q.position).length() < 1e-5
                            && (p.separation - q.separation).abs() < 1e-5),
                    "{a:?} {b:?}"
                );
            }
            check_manifold(&b, 0.05, &|p| sdf_plane(&plane, p), &|p| {
                sdf_box(pose, half, p)
            });
        });
    }

    #[test]
    fn a_sphere_on_a_box_hull_is_on_the_box() {
        let h = cube();
        let mut touching = 0;
        random_boxes(2, 1000, |rng, pose, half| {
            let s = Pose::from_position(rng.vec(0.8));
            let r = rng.range(0.05, 0.3);
            let a = sphere_box(&s, r, pose, half, 0.05);
            let b = sphere_hull(&s, r, pose, &h, half, 0.05);
            assert_eq!(a.count, b.count, "{a:?} {b:?}");
            if b.count == 1 {
                assert!((a.normal - b.normal).length() < 1e-3, "{a:?} {b:?}");
                assert!((deepest(&a) - deepest(&b)).abs() < 1e-4, "{a:?} {b:?}");
                touching += check_manifold(&b, 0.05, &|p| sdf_sphere(&s, r, p), &|p| {
                    sdf_box(pose, half, p)
                });
            }
        });
        assert!(touching > 150, "{touching}");
    }

    /// Against a box given as a hull, every pair finds the box's deepest separation (within
    /// the support search's accuracy) and points on both surfaces.
    #[test]
    fn capsules_boxes_cylinders_and_hulls_against_a_box_hull_match_the_box() {
        let h = cube();
        let mut touching = [0; 4];
        random_boxes(3, 1500, |rng, pose, half| {
            let other = Pose::new(rng.vec(0.6), rng.quat());
            let (l, r) = (rng.range(0.05, 0.4), rng.range(0.05, 0.3));
            let hb = Vec3::new(
                rng.range(0.1, 0.4),
                rng.range(0.1, 0.4),
                rng.range(0.1, 0.4),
            );
            let margin = 0.05;
            let sdf_b = |p: Vec3| sdf_box(pose, half, p);
            let cases: [Case; 4] = [
                (
                    capsule_box(&other, l, r, pose, half, margin),
                    capsule_hull(&other, l, r, pose, &h, half, margin),
                    &|p| sdf_capsule(&other, l, r, p),
                    1e-4,
                ),
                (
                    box_box(&other, hb, pose, half, margin),
                    box_hull(&other, hb, pose, &h, half, margin),
                    &|p| sdf_box(&other, hb, p),
                    1e-4,
                ),
                (
                    cylinder_box(&other, l, r, pose, half, margin),
                    cylinder_hull(&other, l, r, pose, &h, half, margin),
                    &|p| sdf_cylinder(&other, l, r, p),
                    2e-3,
                ),
                (
                    box_box(&other, hb, pose, half, margin),
                    hull_hull(&other, &h, hb, pose, &h, half, margin),
                    &|p| sdf_box(&other, hb, p),
                    1e-4,
                ),
            ];
            for (k, (a, b, sdf_a, tol)) in cases.iter().enumerate() {
                if b.is_empty() {
                    // The hull misses only what lies at the margin's edge.
                    assert!(deepest(a) > margin - 2e-3, "{k}: {a:?} {b:?}");
                    continue;
                }
                if a.is_empty() {
                    // What the hull finds that the box test does not is real: on both
                    // surfaces, apart by less than the margin.
                    assert!(deepest(b) > 0.0, "{k}: {a:?} {b:?}");
                    if k == 1 || k == 3 {
                        check_manifold(b, margin, sdf_a, &sdf_b);
                    }
                    continue;
                }
                // Every direction's gap bounds the signed distance from below, so the hull
                // is never much deeper than the box; shallow, where contacts rest, they
                // agree (both prefer a face to an edge pair within 1 mm + 5 %).
                let (da, db) = (deepest(a), deepest(b));
                let slack = *tol + 1e-3 + 0.05 * da.abs();
                if da < -0.1 {
                    continue; // far deeper than a step lets bodies sink
                }
                // Apart, a point's separation along the normal is not the distance: only
                // touching depths compare.
                if da <= 0.0 {
                    assert!(db > da - slack, "{k}: {a:?} {b:?}");
                }
                if da > -0.02 && da <= 0.0 {
                    assert!((da - db).abs() < slack, "{k}: {a:?} {b:?}");
                }
                if da < 0.0 && da > -0.02 {
                    assert!(b.normal.dot(a.normal) > 0.9, "{k}: {a:?} {b:?}");
                }
                // A round solid's line nearly along an edge, or its rim point against a
                // corner, is placed as the support search places it against a box, up to
                // FLAT_SIN off the exact closest points: compared above, not on the
                // surfaces.
                if k == 0 || k == 2 {
                    touching[k] += 1;
                    continue;
                }
                touching[k] += check_manifold(b, margin, sdf_a, &sdf_b);
            }
        });
        assert!(touching.iter().all(|&t| t > 150), "{touching:?}");
    }

    /// Random hulls of random point clouds: every manifold's points lie on both surfaces
    /// and its normal leaves A, and a face resting on a face gives a full manifold.
    #[test]
    fn random_hull_pairs_give_points_on_both_surfaces() {
        let mut rng = Rng(4);
        let mut touching = 0;
        for _ in 0..400 {
            let cloud = |rng: &mut Rng| -> ConvexHull {
                let n = 4 + rng.below(30) as usize;
                let mut pts: Vec<Vec3> = (0..n).map(|_| rng.vec(0.3)).collect();
                pts.extend([Vec3::X, Vec3::Y, Vec3::Z, -Vec3::ONE].map(|v| v * 0.3));
                ConvexHull::from_points(&pts, 64).unwrap().0
            };
            let (ha, hb) = (cloud(&mut rng), cloud(&mut rng));
            let (sa, sb) = (Vec3::ONE, Vec3::new(1.0, 0.7, 1.3));
            let pa = Pose::new(rng.vec(0.5), rng.quat());
            let pb = Pose::new(rng.vec(0.5), rng.quat());
            let m = hull_hull(&pa, &ha, sa, &pb, &hb, sb, 0.05);
            // Apart, the separating axis may not join the closest points (a vertex against
            // a vertex): only touching manifolds are checked on the surfaces.
            if m.points().iter().all(|p| p.separation > 0.0) {
                continue;
            }
            touching += check_manifold(&m, 0.05, &|p| sdf_hull(&ha, &pa, sa, p), &|p| {
                sdf_hull(&hb, &pb, sb, p)
            });
        }
        assert!(touching > 100, "{touching}");
    }

    #[test]
    fn a_face_resting_on_a_face_gives_four_points_with_stable_features() {
        let h = cube();
        let ground = Pose::from_position(Vec3::new(0.0, 0.0, -0.5));
        let ground_half = Vec3::new(2.0, 2.0, 0.5);
        let mut last = None;
        for k in 0..5 {
            // Slight jitter of the resting box: the same four features every time.
            let pose = Pose::new(
                Vec3::new(0.01 * k as f32, 0.0, 0.2 - 0.001 * k as f32),
                glam::Quat::from_rotation_z(0.3 + 0.001 * k as f32),
            );
            let m = hull_hull(&ground, &h, ground_half, &pose, &h, Vec3::splat(0.2), 0.02);
            assert_eq!(m.count, 4, "{m:?}");
            assert!((m.normal - Vec3::Z).length() < 1e-5);
            let mut ids: Vec<u32> = m.points().iter().map(|p| p.feature).collect();
            ids.sort();
            if let Some(prev) = &last {
                assert_eq!(&ids, prev);
            }
            last = Some(ids);
        }
    }
}
