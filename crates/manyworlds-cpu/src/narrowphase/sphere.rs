//! Sphere against sphere, capsule and box.

use glam::Vec3;
use manyworlds_core::Pose;

use super::manifold::Manifold;
use super::segment::closest_point_segment;

/// Below this distance (m) two centres count as coincident and a fallback normal is used.
const COINCIDENT: f32 = 1e-6;

/// One contact between the ball of radius `ra` about `ca` and the ball of radius `rb` about
/// `cb`: the core of every pair whose features reduce to two points (sphere–sphere, the
/// closest points of sphere–capsule and capsule–capsule). `fallback` is the A→B normal used
/// when the centres coincide; it must be a unit vector.
pub(crate) fn ball_ball(
    ca: Vec3,
    ra: f32,
    cb: Vec3,
    rb: f32,
    margin: f32,
    feature: u32,
    fallback: Vec3,
) -> Manifold {
    let delta = cb - ca;
    let dist = delta.length();
    let separation = dist - ra - rb;
    if separation > margin || !separation.is_finite() {
        return Manifold::EMPTY;
    }
    let normal = if dist > COINCIDENT {
        delta / dist
    } else {
        fallback
    };
    // Midway between A's surface point (ca + n·ra) and B's (cb − n·rb).
    let position = 0.5 * ((ca + normal * ra) + (cb - normal * rb));
    let mut m = Manifold::with_normal(normal);
    m.push(position, separation, feature);
    m
}

pub fn sphere_sphere(a: &Pose, ra: f32, b: &Pose, rb: f32, margin: f32) -> Manifold {
    ball_ball(a.position, ra, b.position, rb, margin, 0, Vec3::Z)
}

pub fn sphere_capsule(
    a: &Pose,
    ra: f32,
    b: &Pose,
    half_length: f32,
    rb: f32,
    margin: f32,
) -> Manifold {
    let axis = b.orientation * Vec3::Z;
    let p0 = b.position - axis * half_length;
    let p1 = b.position + axis * half_length;
    let (_, q) = closest_point_segment(p0, p1, a.position);
    // A centre on the axis: leave sideways, perpendicular to the axis.
    let fallback = b.orientation * Vec3::X;
    ball_ball(a.position, ra, q, rb, margin, 0, fallback)
}

pub fn sphere_box(a: &Pose, radius: f32, b: &Pose, half: Vec3, margin: f32) -> Manifold {
    // Box frame: the box is [-half, half].
    let c = b.inverse_transform_point(a.position);
    let q = c.clamp(-half, half);
    let d = c - q;
    let dist = d.length();
    // `out`: unit normal leaving the box towards the sphere centre (box frame);
    // `on_box`: the box surface point; `separation` along `out`.
    let (out, on_box, separation) = if dist > COINCIDENT {
        (d / dist, q, dist - radius)
    } else {
        // Centre inside (or on) the box: leave through the face of least penetration.
        let mut axis = 2;
        let mut sign = 1.0;
        let mut depth = f32::INFINITY;
        for i in 0..3 {
            let up = half[i] - c[i];
            let down = half[i] + c[i];
            if up < depth {
                depth = up;
                axis = i;
                sign = 1.0;
            }
            if down < depth {
                depth = down;
                axis = i;
                sign = -1.0;
            }
        }
        let mut out = Vec3::ZERO;
        out[axis] = sign;
        let mut on_box = c;
        on_box[axis] = sign * half[axis];
        (out, on_box, -depth - radius)
    };
    if separation > margin || !separation.is_finite() {
        return Manifold::EMPTY;
    }
    let on_sphere = c - out * radius;
    // The sphere is on the `out` side of the box: A→B (sphere→box) is −out.
    let mut m = Manifold::with_normal(b.orientation * -out);
    m.push(b.transform_point(0.5 * (on_box + on_sphere)), separation, 0);
    m
}

/// Sphere against the solid cylinder of `half_length` and `radius` about `b`'s local z: the
/// closest point of the cylinder to the centre (radial and axial coordinates clamped); a
/// centre inside leaves through the nearest of the side and the two caps.
pub fn sphere_cylinder(
    a: &Pose,
    ra: f32,
    b: &Pose,
    half_length: f32,
    radius: f32,
    margin: f32,
) -> Manifold {
    let c = b.inverse_transform_point(a.position);
    let rho = c.truncate().length();
    // The unit radial direction of the centre (local x on the axis).
    let radial = if rho > COINCIDENT {
        (c.truncate() / rho).extend(0.0)
    } else {
        Vec3::X
    };
    let q = radial * rho.min(radius) + Vec3::Z * c.z.clamp(-half_length, half_length);
    let d = c - q;
    let dist = d.length();
    // `out` leaves the cylinder towards the centre; `on_cylinder` is its surface point.
    let (out, on_cylinder, separation) = if dist > COINCIDENT {
        (d / dist, q, dist - ra)
    } else {
        let side = radius - rho;
        let cap = half_length - c.z.abs();
        if side < cap {
            (radial, radial * radius + Vec3::Z * c.z, -side - ra)
        } else {
            let up = if c.z >= 0.0 { Vec3::Z } else { -Vec3::Z };
            (up, c.truncate().extend(0.0) + up * half_length, -cap - ra)
        }
    };
    if separation > margin || !separation.is_finite() {
        return Manifold::EMPTY;
    }
    let on_sphere = c - out * ra;
    let mut m = Manifold::with_normal(b.orientation * -out);
    m.push(
        b.transform_point(0.5 * (on_cylinder + on_sphere)),
        separation,
        0,
    );
    m
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use glam::Quat;

    const EPS: f32 = 1e-5;

    #[test]
    fn spheres_apart_touching_and_overlapping() {
        let a = Pose::from_position(Vec3::ZERO);
        let b = Pose::from_position(Vec3::new(1.1, 0.0, 0.0));
        // 0.1 apart, margin 0.05: nothing.
        assert!(sphere_sphere(&a, 0.5, &b, 0.5, 0.05).is_empty());
        // Within margin: one speculative point, positive separation.
        let m = sphere_sphere(&a, 0.5, &b, 0.5, 0.2);
        assert_eq!(m.count, 1);
        assert!((m.points[0].separation - 0.1).abs() < EPS);
        assert!(m.normal.abs_diff_eq(Vec3::X, EPS));
        assert!(m.points[0]
            .position
            .abs_diff_eq(Vec3::new(0.55, 0.0, 0.0), EPS));
        // Overlap of 0.02 with different radii.
        let b = Pose::from_position(Vec3::new(0.0, 0.0, -0.78));
        let m = sphere_sphere(&a, 0.5, &b, 0.3, 0.0);
        assert_eq!(m.count, 1);
        assert!((m.points[0].separation + 0.02).abs() < EPS);
        assert!(m.normal.abs_diff_eq(-Vec3::Z, EPS));
        assert!(m.points[0]
            .position
            .abs_diff_eq(Vec3::new(0.0, 0.0, -0.49), EPS));
    }

    #[test]
    fn spheres_swapped_flip_normal() {
        let a = Pose::from_position(Vec3::new(0.3, -0.2, 0.1));
        let b = Pose::from_position(Vec3::new(0.9, 0.4, -0.3));
        let m1 = sphere_sphere(&a, 0.4, &b, 0.6, 0.01);
        let m2 = sphere_sphere(&b, 0.6, &a, 0.4, 0.01);
        assert_eq!(m1.count, 1);
        assert_eq!(m2.count, 1);
        assert!(m1.normal.abs_diff_eq(-m2.normal, EPS));
        assert!((m1.points[0].separation - m2.points[0].separation).abs() < EPS);
        assert!(m1.points[0]
            .position
            .abs_diff_eq(m2.points[0].position, EPS));
        // Normal from A towards B.
        assert!(m1.normal.dot(b.position - a.position) > 0.0);
    }

    #[test]
    fn coincident_spheres_use_fallback() {
        let a = Pose::from_position(Vec3::splat(2.0));
        let m = sphere_sphere(&a, 0.5, &a, 0.25, 0.0);
        assert_eq!(m.count, 1);
        assert_eq!(m.normal, Vec3::Z);
        assert!((m.points[0].separation + 0.75).abs() < EPS);
        assert!(m.points[0].position.is_finite());
        // Zero radii, same centre: still finite.
        let m = sphere_sphere(&a, 0.0, &a, 0.0, 0.0);
        assert!(m.points[0].position.is_finite() && m.normal.is_finite());
    }

    #[test]
    fn sphere_against_capsule_side_and_cap() {
        // Capsule along world x (local z rotated), half length 1, radius 0.2.
        let cap = Pose::new(
            Vec3::new(0.0, 0.0, 1.0),
            Quat::from_rotation_y(std::f32::consts::FRAC_PI_2),
        );
        // Sphere above the side, overlapping 0.01.
        let s = Pose::from_position(Vec3::new(0.5, 0.0, 1.0 + 0.2 + 0.3 - 0.01));
        let m = sphere_capsule(&s, 0.3, &cap, 1.0, 0.2, 0.0);
        assert_eq!(m.count, 1);
        assert!(m.normal.abs_diff_eq(-Vec3::Z, EPS), "{:?}", m.normal);
        assert!((m.points[0].separation + 0.01).abs() < EPS);
        assert!(m.points[0]
            .position
            .abs_diff_eq(Vec3::new(0.5, 0.0, 1.195), EPS));
        // Sphere beyond the +x cap, 0.05 away, within margin 0.1.
        let s = Pose::from_position(Vec3::new(1.0 + 0.2 + 0.3 + 0.05, 0.0, 1.0));
        let m = sphere_capsule(&s, 0.3, &cap, 1.0, 0.2, 0.1);
        assert_eq!(m.count, 1);
        assert!(m.normal.abs_diff_eq(-Vec3::X, EPS));
        assert!((m.points[0].separation - 0.05).abs() < EPS);
        assert!(sphere_capsule(&s, 0.3, &cap, 1.0, 0.2, 0.04).is_empty());
        // Centre on the axis: normal perpendicular to the axis, finite.
        let s = Pose::from_position(Vec3::new(0.3, 0.0, 1.0));
        let m = sphere_capsule(&s, 0.3, &cap, 1.0, 0.2, 0.0);
        assert_eq!(m.count, 1);
        assert!(m.normal.dot(cap.orientation * Vec3::Z).abs() < EPS);
        assert!((m.points[0].separation + 0.5).abs() < EPS);
        // Zero-length capsule is a sphere.
        let m = sphere_capsule(&s, 0.3, &cap, 0.0, 0.2, 0.0);
        assert_eq!(m.count, 1);
        assert!(m.normal.abs_diff_eq(-Vec3::X, EPS));
        assert!((m.points[0].separation - (0.3 - 0.5)).abs() < EPS);
    }

    #[test]
    fn sphere_on_box_face_edge_corner() {
        let rot = Quat::from_rotation_z(0.7);
        let b = Pose::new(Vec3::new(1.0, 2.0, 3.0), rot);
        let half = Vec3::new(0.5, 0.4, 0.3);
        // Resting on top with 2 mm overlap.
        let s = Pose::from_position(b.transform_point(Vec3::new(0.1, 0.1, 0.3 + 0.25 - 0.002)));
        let m = sphere_box(&s, 0.25, &b, half, 0.0);
        assert_eq!(m.count, 1);
        assert!(m.normal.abs_diff_eq(-Vec3::Z, EPS), "sphere→box is down");
        assert!((m.points[0].separation + 0.002).abs() < EPS);
        let expect = b.transform_point(Vec3::new(0.1, 0.1, 0.299));
        assert!(m.points[0].position.abs_diff_eq(expect, EPS));
        // Near the (+x,+y,+z) corner along the diagonal, 0.01 away.
        let corner = Vec3::new(0.5, 0.4, 0.3);
        let diag = Vec3::ONE.normalize();
        let s = Pose::from_position(b.transform_point(corner + diag * 0.26));
        let m = sphere_box(&s, 0.25, &b, half, 0.02);
        assert_eq!(m.count, 1);
        assert!(m.normal.abs_diff_eq(rot * -diag, EPS), "{:?}", m.normal);
        assert!((m.points[0].separation - 0.01).abs() < EPS);
        assert!(sphere_box(&s, 0.25, &b, half, 0.005).is_empty());
        // Beside the (+x, -z) edge, in the xz plane at 45°.
        let e = Vec3::new(1.0, 0.0, -1.0).normalize();
        let s = Pose::from_position(b.transform_point(Vec3::new(0.5, 0.2, -0.3) + e * 0.2));
        let m = sphere_box(&s, 0.25, &b, half, 0.0);
        assert!(m.normal.abs_diff_eq(rot * -e, EPS));
        assert!((m.points[0].separation + 0.05).abs() < EPS);
    }

    #[test]
    fn sphere_centre_inside_box() {
        let b = Pose::IDENTITY;
        let half = Vec3::new(1.0, 2.0, 3.0);
        // Nearest face is -x (0.1 away).
        let s = Pose::from_position(Vec3::new(-0.9, 0.5, 0.5));
        let m = sphere_box(&s, 0.2, &b, half, 0.0);
        assert_eq!(m.count, 1);
        // The sphere sits on the -x side: sphere→box is +x.
        assert!(m.normal.abs_diff_eq(Vec3::X, EPS));
        assert!((m.points[0].separation + 0.3).abs() < EPS);
        // Exactly at the centre: some face, finite.
        let m = sphere_box(&Pose::IDENTITY, 0.2, &b, half, 0.0);
        assert_eq!(m.count, 1);
        assert!(m.normal.is_finite() && (m.normal.length() - 1.0).abs() < EPS);
        assert!((m.points[0].separation + 1.2).abs() < EPS);
    }

    #[test]
    fn random_sphere_pairs_are_consistent() {
        let mut rng = Rng(0x5eed_1234);
        let mut hits = 0;
        for _ in 0..600 {
            let ra = rng.range(0.05, 0.6);
            let a = Pose::new(rng.vec(1.0), rng.quat());
            let margin = rng.range(0.0, 0.05);
            let kind = rng.below(3);
            let b = Pose::new(a.position + rng.vec(0.9), rng.quat());
            let (m, sdf_b): (Manifold, Box<dyn Fn(Vec3) -> f32>) = match kind {
                0 => {
                    let rb = rng.range(0.05, 0.6);
                    (
                        sphere_sphere(&a, ra, &b, rb, margin),
                        Box::new(move |p| sdf_sphere(&b, rb, p)),
                    )
                }
                1 => {
                    let (hl, rb) = (rng.range(0.0, 0.8), rng.range(0.02, 0.4));
                    (
                        sphere_capsule(&a, ra, &b, hl, rb, margin),
                        Box::new(move |p| sdf_capsule(&b, hl, rb, p)),
                    )
                }
                _ => {
                    let half = Vec3::new(
                        rng.range(0.05, 0.7),
                        rng.range(0.05, 0.7),
                        rng.range(0.05, 0.7),
                    );
                    (
                        sphere_box(&a, ra, &b, half, margin),
                        Box::new(move |p| sdf_box(&b, half, p)),
                    )
                }
            };
            hits += check_manifold(&m, margin, &|p| sdf_sphere(&a, ra, p), &*sdf_b);
        }
        assert!(hits > 100, "too few contacts exercised: {hits}");
    }
}
