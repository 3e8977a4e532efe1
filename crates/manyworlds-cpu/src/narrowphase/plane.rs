//! Plane (the half-space z ≤ 0 of its frame) against sphere, capsule, box and cylinder. The
//! normal is always the plane's outward normal: it points from the plane (A) into the other
//! shape (B).

use glam::Vec3;
use manyworlds_core::Pose;

use super::capsule::FLAT_SIN;
use super::manifold::{Manifold, MAX_POINTS};

/// The plane's outward unit normal and a point on its surface.
pub(crate) fn plane_frame(plane: &Pose) -> (Vec3, Vec3) {
    (plane.orientation * Vec3::Z, plane.position)
}

pub fn plane_sphere(plane: &Pose, sphere: &Pose, radius: f32, margin: f32) -> Manifold {
    let (n, origin) = plane_frame(plane);
    let height = n.dot(sphere.position - origin);
    let separation = height - radius;
    if separation > margin || !separation.is_finite() {
        return Manifold::EMPTY;
    }
    let mut m = Manifold::with_normal(n);
    // Midway between the sphere's lowest point and its foot on the plane.
    m.push(
        sphere.position - n * (0.5 * (height + radius)),
        separation,
        0,
    );
    m
}

pub fn plane_capsule(
    plane: &Pose,
    capsule: &Pose,
    half_length: f32,
    radius: f32,
    margin: f32,
) -> Manifold {
    let (n, origin) = plane_frame(plane);
    let axis = capsule.orientation * Vec3::Z;
    let slope = axis.dot(n);
    let mut m = Manifold::with_normal(n);
    for (feature, sign) in [-1.0f32, 1.0].into_iter().enumerate() {
        // Each end of the segment is a sphere. Both count when the capsule lies flat; else
        // only the lower one (the −z end if the axis points up), as does a zero length.
        let keep = if half_length > 0.0 {
            slope.abs() < FLAT_SIN || (feature == 0) == (slope >= 0.0)
        } else {
            feature == 0
        };
        if !keep {
            continue;
        }
        let end = capsule.position + axis * (sign * half_length);
        let height = n.dot(end - origin);
        let separation = height - radius;
        if separation <= margin {
            m.push(
                end - n * (0.5 * (height + radius)),
                separation,
                feature as u32,
            );
        }
    }
    m
}

/// The cylinder's rim points deepest below the plane: the lowest rim point of the lower cap
/// (of both caps when it lies on its side; feature 8 + cap, kept from lying to tilted).
/// Standing on a face (tilted by less than `FLAT_SIN`), four rim points of that cap at fixed
/// angles instead (features 4·cap + k): symmetric, they hold it flat; each is at most
/// r (1 − cos 45°) sin(tilt) above the lowest rim point.
pub fn plane_cylinder(
    plane: &Pose,
    cylinder: &Pose,
    half_length: f32,
    radius: f32,
    margin: f32,
) -> Manifold {
    let (n, origin) = plane_frame(plane);
    let axes = glam::Mat3::from_quat(cylinder.orientation);
    let c = axes.z_axis.dot(n);
    // The rim's lowest direction in the cap plane: against the normal's part across the axis.
    let across = n - axes.z_axis * c;
    let tilt = across.length();
    let lower = usize::from(c < 0.0);
    let cap_centre =
        |cap: usize| cylinder.position + axes.z_axis * (half_length * [-1.0, 1.0][cap]);
    let mut points = [(Vec3::ZERO, 0.0f32, 0u32); 4];
    let mut k = 0;
    let mut consider = |p: Vec3, feature: u32| {
        let depth = n.dot(p - origin);
        if depth <= margin && depth.is_finite() {
            points[k] = (p, depth, feature);
            k += 1;
        }
    };
    if tilt >= FLAT_SIN {
        let down = -across / tilt * radius;
        for cap in 0..2 {
            // Both caps lying flat on the side, else the lower one only.
            if cap == lower || c.abs() < FLAT_SIN {
                consider(cap_centre(cap) + down, 8 + cap as u32);
            }
        }
    }
    if tilt < FLAT_SIN {
        let rim = [axes.x_axis, axes.y_axis, -axes.x_axis, -axes.y_axis];
        for (j, e) in rim.into_iter().enumerate() {
            consider(cap_centre(lower) + e * radius, 4 * lower as u32 + j as u32);
        }
    }
    let mut m = Manifold::with_normal(n);
    for &(p, depth, feature) in &points[..k] {
        m.push(p - n * (0.5 * depth), depth, feature);
    }
    m
}

pub fn plane_box(plane: &Pose, cuboid: &Pose, half: Vec3, margin: f32) -> Manifold {
    let (n, origin) = plane_frame(plane);
    // Vertices within the margin, kept sorted deepest first. Vertex i has local coordinates
    // (±x, ±y, ±z) with bit 0, 1, 2 of i set for +.
    let mut vertex = [Vec3::ZERO; 8];
    let mut depth = [0.0f32; 8];
    let mut id = [0u32; 8];
    let mut k = 0;
    // A vertex's height is the centre's plus ± each half-axis projected on the normal, so
    // the box axes are projected once and the eight heights are sums.
    let axes = glam::Mat3::from_quat(cuboid.orientation);
    let half_axes = [
        axes.x_axis * half.x,
        axes.y_axis * half.y,
        axes.z_axis * half.z,
    ];
    let reach = half_axes.map(|a| n.dot(a));
    let center_height = n.dot(cuboid.position - origin);
    for i in 0..8u32 {
        let sign = |bit: u32| if i & bit != 0 { 1.0 } else { -1.0 };
        let (sx, sy, sz) = (sign(1), sign(2), sign(4));
        let d = center_height + sx * reach[0] + sy * reach[1] + sz * reach[2];
        if d > margin || !d.is_finite() {
            continue;
        }
        let v = cuboid.position + sx * half_axes[0] + sy * half_axes[1] + sz * half_axes[2];
        let mut j = k;
        while j > 0 && depth[j - 1] > d {
            vertex[j] = vertex[j - 1];
            depth[j] = depth[j - 1];
            id[j] = id[j - 1];
            j -= 1;
        }
        (vertex[j], depth[j], id[j]) = (v, d, i);
        k += 1;
    }

    let mut m = Manifold::with_normal(n);
    let mut keep = [0usize; MAX_POINTS];
    let kept = if k <= MAX_POINTS {
        for (slot, index) in keep.iter_mut().zip(0..k) {
            *slot = index;
        }
        k
    } else {
        reduce_to_four(&vertex[..k], n, &mut keep)
    };
    for &i in &keep[..kept] {
        // Midway between the vertex and its foot on the plane.
        m.push(vertex[i] - n * (0.5 * depth[i]), depth[i], id[i]);
    }
    m
}

/// Picks up to four well-spread points of `points` (sorted deepest first) as seen along
/// `n`: the deepest, the farthest from it, the one making the largest triangle with those
/// two, and the one adding the most area outside that triangle. Returns how many it kept.
/// Near-ties go to the earlier (deeper) point: a thin box's stacked vertices project onto
/// each other and the lower one must win.
pub(crate) fn reduce_to_four(points: &[Vec3], n: Vec3, keep: &mut [usize; MAX_POINTS]) -> usize {
    let flat = |v: Vec3| v - n * n.dot(v);
    let better = |score: f32, best: f32| score > best * (1.0 + 1e-3) + 1e-12;
    let argmax = |score: &dyn Fn(Vec3) -> f32| {
        let mut best = (0.0f32, None);
        for (i, &p) in points.iter().enumerate() {
            let s = score(p);
            if better(s, best.0) {
                best = (s, Some(i));
            }
        }
        best.1
    };
    let a = points[0];
    keep[0] = 0;
    let Some(ib) = argmax(&|p| flat(p - a).length_squared()) else {
        return 1;
    };
    let b = points[ib];
    keep[1] = ib;
    // Twice the signed area of triangle (u, v, w) seen from +n.
    let area = |u: Vec3, v: Vec3, w: Vec3| n.dot((v - u).cross(w - u));
    let Some(ic) = argmax(&|p| area(a, b, p).abs()) else {
        return 2;
    };
    keep[2] = ic;
    // Orient the triangle counter-clockwise about n, then a point outside an edge adds
    // the triangle it makes with that edge.
    let (b, c) = if area(a, b, points[ic]) >= 0.0 {
        (b, points[ic])
    } else {
        (points[ic], b)
    };
    let added =
        |p: Vec3| (-area(a, b, p)).max(0.0) + (-area(b, c, p)).max(0.0) + (-area(c, a, p)).max(0.0);
    let Some(id) = argmax(&added) else {
        return 3;
    };
    keep[3] = id;
    4
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use glam::Quat;
    use std::f32::consts::{FRAC_PI_2, FRAC_PI_4};

    const EPS: f32 = 1e-5;

    fn tilted_plane() -> Pose {
        Pose::new(
            Vec3::new(1.0, -2.0, 0.5),
            Quat::from_axis_angle(Vec3::new(1.0, 2.0, 0.5).normalize(), 0.6),
        )
    }

    #[test]
    fn sphere_above_ground() {
        let ground = Pose::IDENTITY;
        let s = Pose::from_position(Vec3::new(3.0, 4.0, 0.6));
        assert!(plane_sphere(&ground, &s, 0.5, 0.05).is_empty());
        let m = plane_sphere(&ground, &s, 0.5, 0.2);
        assert_eq!(m.count, 1);
        assert_eq!(m.normal, Vec3::Z);
        assert!((m.points[0].separation - 0.1).abs() < EPS);
        assert!(m.points[0]
            .position
            .abs_diff_eq(Vec3::new(3.0, 4.0, 0.05), EPS));
        // Sunk 0.02.
        let s = Pose::from_position(Vec3::new(0.0, 0.0, 0.48));
        let m = plane_sphere(&ground, &s, 0.5, 0.0);
        assert!((m.points[0].separation + 0.02).abs() < EPS);
        assert!(m.points[0]
            .position
            .abs_diff_eq(Vec3::new(0.0, 0.0, -0.01), EPS));
        // Centre below the surface: deep but finite and still along the normal.
        let s = Pose::from_position(Vec3::new(0.0, 0.0, -1.0));
        let m = plane_sphere(&ground, &s, 0.5, 0.0);
        assert!((m.points[0].separation + 1.5).abs() < EPS);
    }

    #[test]
    fn sphere_on_tilted_plane() {
        let plane = tilted_plane();
        let n = plane.orientation * Vec3::Z;
        let foot = plane.transform_point(Vec3::new(0.7, -0.3, 0.0));
        let s = Pose::from_position(foot + n * 0.6);
        let m = plane_sphere(&plane, &s, 0.5, 0.2);
        assert_eq!(m.count, 1);
        assert!(m.normal.abs_diff_eq(n, EPS));
        assert!((m.points[0].separation - 0.1).abs() < EPS);
        assert!(m.points[0].position.abs_diff_eq(foot + n * 0.05, EPS));
    }

    #[test]
    fn capsule_lying_and_standing() {
        let plane = tilted_plane();
        let n = plane.orientation * Vec3::Z;
        // Lying flat (axis along the plane's x), 1 mm into it: two points at the ends.
        let lying = plane.orientation * Quat::from_rotation_y(FRAC_PI_2);
        let c = Pose::new(plane.transform_point(Vec3::new(0.0, 0.0, 0.199)), lying);
        let m = plane_capsule(&plane, &c, 0.5, 0.2, 0.01);
        assert_eq!(m.count, 2);
        assert!(m.normal.abs_diff_eq(n, EPS));
        for p in m.points() {
            assert!((p.separation + 0.001).abs() < EPS);
        }
        let ends = [
            plane.transform_point(Vec3::new(-0.5, 0.0, -0.0005)),
            plane.transform_point(Vec3::new(0.5, 0.0, -0.0005)),
        ];
        assert!(m.points[0].position.abs_diff_eq(ends[0], EPS));
        assert!(m.points[1].position.abs_diff_eq(ends[1], EPS));
        assert_eq!((m.points[0].feature, m.points[1].feature), (0, 1));
        // Standing on its -z end: one point, feature 0.
        let c = Pose::new(
            plane.transform_point(Vec3::new(0.0, 0.0, 0.7)),
            plane.orientation,
        );
        let m = plane_capsule(&plane, &c, 0.5, 0.2, 0.01);
        assert_eq!(m.count, 1);
        assert_eq!(m.points[0].feature, 0);
        assert!(m.points[0].separation.abs() < EPS);
        // Upside down: the +z end, feature 1.
        let flipped = plane.orientation * Quat::from_rotation_x(std::f32::consts::PI);
        let c = Pose::new(c.position, flipped);
        let m = plane_capsule(&plane, &c, 0.5, 0.2, 0.01);
        assert_eq!(m.count, 1);
        assert_eq!(m.points[0].feature, 1);
        // Too high.
        let c = Pose::new(plane.transform_point(Vec3::new(0.0, 0.0, 0.75)), lying);
        assert!(plane_capsule(&plane, &c, 0.5, 0.2, 0.01).is_empty());
        // Zero length: a single point.
        let c = Pose::new(plane.transform_point(Vec3::new(0.0, 0.0, 0.1)), lying);
        let m = plane_capsule(&plane, &c, 0.0, 0.2, 0.0);
        assert_eq!(m.count, 1);
        assert!((m.points[0].separation + 0.1).abs() < EPS);
    }

    #[test]
    fn box_resting_flat_four_corners() {
        let ground = Pose::IDENTITY;
        let half = Vec3::new(0.5, 0.3, 0.2);
        let rot = Quat::from_rotation_z(0.4);
        let b = Pose::new(Vec3::new(1.0, 2.0, 0.2 - 0.002), rot);
        let m = plane_box(&ground, &b, half, 0.01);
        assert_eq!(m.count, 4);
        assert_eq!(m.normal, Vec3::Z);
        let mut seen = [false; 4];
        for p in m.points() {
            assert!((p.separation + 0.002).abs() < EPS);
            assert!(p.feature < 4, "bottom vertices have bit 2 clear");
            seen[p.feature as usize] = true;
            let local = b.inverse_transform_point(p.position);
            assert!((local.x.abs() - 0.5).abs() < EPS && (local.y.abs() - 0.3).abs() < EPS);
            assert!((p.position.z + 0.001).abs() < EPS);
        }
        assert!(seen.iter().all(|&s| s));
        // Lifted beyond the margin: empty.
        let b = Pose::new(Vec3::new(1.0, 2.0, 0.215), rot);
        assert!(plane_box(&ground, &b, half, 0.01).is_empty());
        // Lifted within the margin: 4 speculative points.
        let b = Pose::new(Vec3::new(1.0, 2.0, 0.205), rot);
        let m = plane_box(&ground, &b, half, 0.01);
        assert_eq!(m.count, 4);
        assert!(m
            .points()
            .iter()
            .all(|p| (p.separation - 0.005).abs() < EPS));
    }

    #[test]
    fn box_balanced_on_edge_and_corner() {
        let ground = Pose::IDENTITY;
        let half = Vec3::new(0.5, 0.5, 0.5);
        // Rotated 45° about x: the edge along x at the bottom, 1 mm in.
        let h = 0.5 * std::f32::consts::SQRT_2;
        let b = Pose::new(
            Vec3::new(0.0, 0.0, h - 0.001),
            Quat::from_rotation_x(FRAC_PI_4),
        );
        let m = plane_box(&ground, &b, half, 0.01);
        assert_eq!(m.count, 2);
        for p in m.points() {
            assert!((p.separation + 0.001).abs() < EPS);
            assert!((p.position.x.abs() - 0.5).abs() < EPS && p.position.y.abs() < EPS);
        }
        // On a corner: the vertex diagonal vertical.
        let rot = Quat::from_rotation_arc(-Vec3::ONE.normalize(), -Vec3::Z);
        let b = Pose::new(Vec3::new(0.0, 0.0, 0.75f32.sqrt()), rot);
        let m = plane_box(&ground, &b, half, 0.01);
        assert_eq!(m.count, 1);
        assert_eq!(m.points[0].feature, 0, "vertex (-,-,-)");
        assert!(m.points[0].separation.abs() < 1e-4);
    }

    #[test]
    fn thin_box_keeps_four_spread_bottom_points() {
        let plane = tilted_plane();
        let half = Vec3::new(0.4, 0.3, 0.001);
        // All 8 vertices within the margin; the four bottom ones must be kept.
        let b = Pose::new(
            plane.transform_point(Vec3::new(0.2, 0.1, 0.0005)),
            plane.orientation,
        );
        let m = plane_box(&plane, &b, half, 0.01);
        assert_eq!(m.count, 4);
        let mut ids: Vec<u32> = m.points().iter().map(|p| p.feature).collect();
        ids.sort_unstable();
        assert_eq!(ids, [0, 1, 2, 3]);
        assert!(m
            .points()
            .iter()
            .all(|p| (p.separation + 0.0005).abs() < EPS));
        // Slightly tilted thin box: still four distinct, spread points (a quad, not a line).
        let tilt = plane.orientation * Quat::from_rotation_x(0.003) * Quat::from_rotation_y(0.002);
        let b = Pose::new(b.position, tilt);
        let m = plane_box(&plane, &b, half, 0.01);
        assert_eq!(m.count, 4);
        let local: Vec<Vec3> = m
            .points()
            .iter()
            .map(|p| b.inverse_transform_point(p.position))
            .collect();
        for p in &local {
            assert!((p.x.abs() - 0.4).abs() < 1e-3 && (p.y.abs() - 0.3).abs() < 1e-3);
        }
        for i in 0..4 {
            for j in 0..i {
                let d = local[i] - local[j];
                assert!(
                    d.x.abs() > 0.1 || d.y.abs() > 0.1,
                    "two kept points coincide"
                );
            }
        }
    }

    #[test]
    fn degenerate_boxes() {
        // A zero-size box is one point.
        let b = Pose::from_position(Vec3::new(0.0, 0.0, -0.1));
        let m = plane_box(&Pose::IDENTITY, &b, Vec3::ZERO, 0.0);
        assert_eq!(m.count, 1);
        assert!((m.points[0].separation + 0.1).abs() < EPS);
        // A flat square (zero height) lying on the plane: its 4 corners.
        let b = Pose::from_position(Vec3::ZERO);
        let m = plane_box(&Pose::IDENTITY, &b, Vec3::new(1.0, 1.0, 0.0), 0.0);
        assert_eq!(m.count, 4);
        // A zero-width line: 2 points.
        let m = plane_box(&Pose::IDENTITY, &b, Vec3::new(1.0, 0.0, 0.0), 0.0);
        assert_eq!(m.count, 2);
    }

    #[test]
    fn random_plane_pairs_are_consistent() {
        let mut rng = Rng(7);
        let mut hits = 0;
        for i in 0..600 {
            let plane = Pose::new(rng.vec(2.0), rng.quat());
            let n = plane.orientation * Vec3::Z;
            let margin = rng.range(0.0, 0.05);
            let pose = Pose::new(
                plane.position + rng.vec(1.0) + n * rng.range(-0.3, 1.0),
                rng.quat(),
            );
            let sdf_a = |p| sdf_plane(&plane, p);
            let m = match i % 3 {
                0 => {
                    let r = rng.range(0.05, 0.6);
                    let m = plane_sphere(&plane, &pose, r, margin);
                    check_manifold(&m, margin, &sdf_a, &|p| sdf_sphere(&pose, r, p));
                    m
                }
                1 => {
                    let (hl, r) = (rng.range(0.0, 0.7), rng.range(0.02, 0.4));
                    let m = plane_capsule(&plane, &pose, hl, r, margin);
                    check_manifold(&m, margin, &sdf_a, &|p| sdf_capsule(&pose, hl, r, p));
                    m
                }
                _ => {
                    let half = Vec3::new(
                        rng.range(0.0, 0.6),
                        rng.range(0.0, 0.6),
                        rng.range(0.0, 0.6),
                    );
                    let m = plane_box(&plane, &pose, half, margin);
                    check_manifold(&m, margin, &sdf_a, &|p| sdf_box(&pose, half, p));
                    m
                }
            };
            if !m.is_empty() {
                hits += 1;
                assert!(m.normal.abs_diff_eq(n, 1e-6));
            }
        }
        assert!(hits > 150, "too few contacts exercised: {hits}");
    }
}
