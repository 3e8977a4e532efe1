//! Cylinder against capsule, box and cylinder: no closed form, so all three go through the
//! support-function search and feature overlap of [`super::convex`].

use glam::{Mat3, Vec3};
use manyworlds_core::Pose;

use super::convex::{solid_solid, Solid};
use super::manifold::Manifold;

/// The cylinder of `half_length` and `radius` about the local z axis of `pose`.
pub(crate) fn cylinder_solid(pose: &Pose, half_length: f32, radius: f32) -> Solid<'static> {
    let r = Mat3::from_quat(pose.orientation);
    Solid::Cylinder {
        centre: pose.position,
        axes: [r.x_axis, r.y_axis, r.z_axis],
        half_length,
        radius,
    }
}

pub fn cylinder_capsule(
    a: &Pose,
    la: f32,
    ra: f32,
    b: &Pose,
    lb: f32,
    rb: f32,
    margin: f32,
) -> Manifold {
    let capsule = Solid::Capsule {
        centre: b.position,
        axis: b.orientation * Vec3::Z,
        half_length: lb,
        radius: rb,
    };
    solid_solid(&cylinder_solid(a, la, ra), &capsule, margin)
}

pub fn cylinder_box(a: &Pose, la: f32, ra: f32, b: &Pose, half: Vec3, margin: f32) -> Manifold {
    let r = Mat3::from_quat(b.orientation);
    let cuboid = Solid::Cuboid {
        centre: b.position,
        axes: [r.x_axis, r.y_axis, r.z_axis],
        half,
    };
    solid_solid(&cylinder_solid(a, la, ra), &cuboid, margin)
}

pub fn cylinder_cylinder(
    a: &Pose,
    la: f32,
    ra: f32,
    b: &Pose,
    lb: f32,
    rb: f32,
    margin: f32,
) -> Manifold {
    solid_solid(
        &cylinder_solid(a, la, ra),
        &cylinder_solid(b, lb, rb),
        margin,
    )
}

#[cfg(test)]
mod tests {
    use super::super::plane::plane_cylinder;
    use super::super::sphere::sphere_cylinder;
    use super::super::testutil::*;
    use super::*;
    use glam::Quat;
    use std::f32::consts::FRAC_PI_2;

    const EPS: f32 = 1e-5;

    #[test]
    fn standing_on_a_plane_four_rim_points() {
        let c = Pose::new(Vec3::new(1.0, 2.0, 0.3 - 0.002), Quat::from_rotation_z(0.3));
        let m = plane_cylinder(&Pose::IDENTITY, &c, 0.3, 0.2, 0.01);
        assert_eq!(m.count, 4);
        let mut ids: Vec<u32> = m.points().iter().map(|p| p.feature).collect();
        ids.sort_unstable();
        assert_eq!(ids, [0, 1, 2, 3]);
        for p in m.points() {
            assert!((p.separation + 0.002).abs() < EPS);
            let l = c.inverse_transform_point(p.position);
            assert!((l.truncate().length() - 0.2).abs() < EPS);
        }
        // Upside down: the other cap's points.
        let c = Pose::new(c.position, Quat::from_rotation_x(std::f32::consts::PI));
        let m = plane_cylinder(&Pose::IDENTITY, &c, 0.3, 0.2, 0.01);
        assert!(m.points().iter().all(|p| (4..8).contains(&p.feature)));
        // Tilted past the flat range: one point, the exact lowest rim point.
        let tilt = Quat::from_rotation_x(0.3);
        let low = 0.3 * 0.3f32.cos() + 0.2 * 0.3f32.sin();
        let c = Pose::new(Vec3::new(0.0, 0.0, low - 0.001), tilt);
        let m = plane_cylinder(&Pose::IDENTITY, &c, 0.3, 0.2, 0.01);
        assert_eq!(m.count, 1);
        assert_eq!(m.points[0].feature, 8);
        assert!((m.points[0].separation + 0.001).abs() < EPS);
    }

    #[test]
    fn lying_on_a_plane_two_line_ends() {
        let c = Pose::new(Vec3::new(0.0, 0.0, 0.2), Quat::from_rotation_y(FRAC_PI_2));
        let m = plane_cylinder(&Pose::IDENTITY, &c, 0.5, 0.2, 0.01);
        assert_eq!(m.count, 2);
        for p in m.points() {
            assert!(p.separation.abs() < EPS && p.position.z.abs() < EPS);
            assert!((p.position.x.abs() - 0.5).abs() < EPS);
        }
    }

    #[test]
    fn sphere_on_cap_side_and_inside() {
        let c = Pose::new(Vec3::new(0.0, 0.0, 1.0), Quat::IDENTITY);
        // On the top face, 1 mm in.
        let s = Pose::from_position(Vec3::new(0.1, 0.05, 1.5 + 0.1 - 0.001));
        let m = sphere_cylinder(&s, 0.1, &c, 0.5, 0.3, 0.0);
        assert_eq!(m.count, 1);
        assert!(m.normal.abs_diff_eq(-Vec3::Z, EPS));
        assert!((m.points[0].separation + 0.001).abs() < EPS);
        // Beside the side, 0.02 away.
        let s = Pose::from_position(Vec3::new(0.0, 0.3 + 0.1 + 0.02, 1.2));
        let m = sphere_cylinder(&s, 0.1, &c, 0.5, 0.3, 0.05);
        assert!(m.normal.abs_diff_eq(-Vec3::Y, EPS));
        assert!((m.points[0].separation - 0.02).abs() < EPS);
        // Beyond the rim: the normal points at the rim circle.
        let rim = Vec3::new(0.3, 0.0, 1.5);
        let e = Vec3::new(1.0, 0.0, 1.0).normalize();
        let s = Pose::from_position(rim + e * 0.15);
        let m = sphere_cylinder(&s, 0.1, &c, 0.5, 0.3, 0.1);
        assert!(m.normal.abs_diff_eq(-e, EPS));
        assert!((m.points[0].separation - 0.05).abs() < EPS);
        // Centre inside near the side: leaves sideways.
        let s = Pose::from_position(Vec3::new(-0.25, 0.0, 1.0));
        let m = sphere_cylinder(&s, 0.1, &c, 0.5, 0.3, 0.0);
        assert!(m.normal.abs_diff_eq(Vec3::X, EPS));
        assert!((m.points[0].separation + 0.15).abs() < EPS);
    }

    #[test]
    fn box_on_a_cap_and_cap_on_a_box() {
        // A small box resting on the top face: its four bottom corners.
        let c = Pose::IDENTITY;
        let b = Pose::new(
            Vec3::new(0.05, 0.0, 0.5 + 0.1 - 0.001),
            Quat::from_rotation_z(0.4),
        );
        let m = cylinder_box(&c, 0.5, 0.4, &b, Vec3::splat(0.1), 0.01);
        assert_eq!(m.count, 4);
        assert!(m.normal.abs_diff_eq(Vec3::Z, 1e-4), "{m:?}");
        for p in m.points() {
            assert!((p.separation + 0.001).abs() < 1e-4, "{m:?}");
        }
        // The cylinder standing on a big box: four of its octagon's rim points.
        let b = Pose::new(Vec3::new(0.0, 0.0, -0.5 - 1.0 + 0.002), Quat::IDENTITY);
        let m = cylinder_box(&c, 0.5, 0.4, &b, Vec3::splat(1.0), 0.01);
        assert_eq!(m.count, 4);
        assert!(m.normal.abs_diff_eq(-Vec3::Z, 1e-4), "{m:?}");
        for p in m.points() {
            assert!((p.separation + 0.002).abs() < 1e-4, "{m:?}");
            assert!((p.position.truncate().length() - 0.4).abs() < 1e-4);
        }
    }

    #[test]
    fn parallel_cylinders_side_by_side_two_points() {
        let lying = Quat::from_rotation_y(FRAC_PI_2);
        let a = Pose::new(Vec3::ZERO, lying);
        let b = Pose::new(Vec3::new(0.2, 0.0, 0.5 - 0.003), lying);
        let m = cylinder_cylinder(&a, 0.5, 0.25, &b, 0.4, 0.25, 0.01);
        assert_eq!(m.count, 2, "{m:?}");
        assert!(m.normal.abs_diff_eq(Vec3::Z, 1e-3), "{m:?}");
        for p in m.points() {
            assert!((p.separation + 0.003).abs() < 1e-4, "{m:?}");
        }
        let mut xs: Vec<f32> = m.points().iter().map(|p| p.position.x).collect();
        xs.sort_by(f32::total_cmp);
        assert!(
            (xs[0] + 0.2).abs() < 1e-3 && (xs[1] - 0.5).abs() < 1e-3,
            "{xs:?}"
        );
        // A capsule lying across the top face: one point... along it: two.
        let cap = Pose::new(Vec3::new(0.0, 0.0, 0.5 + 0.05 - 0.001), lying);
        let m = cylinder_capsule(&Pose::IDENTITY, 0.5, 0.3, &cap, 0.1, 0.05, 0.01);
        assert_eq!(m.count, 2, "{m:?}");
        for p in m.points() {
            assert!((p.separation + 0.001).abs() < 1e-4, "{m:?}");
        }
    }

    #[test]
    fn random_cylinder_pairs_are_consistent() {
        type Sdf = Box<dyn Fn(Vec3) -> f32>;
        let mut rng = Rng(0xc711);
        let mut hits = 0;
        for i in 0..1500 {
            let (la, ra) = (rng.range(0.05, 0.6), rng.range(0.05, 0.5));
            let a = Pose::new(rng.vec(1.0), rng.quat());
            let b = Pose::new(a.position + rng.vec(0.9), rng.quat());
            let margin = rng.range(0.0, 0.05);
            let cyl: Sdf = Box::new(move |p| sdf_cylinder(&a, la, ra, p));
            // (manifold, SDF of its first shape, of its second).
            let (m, first, second): (Manifold, Sdf, Sdf) = match i % 5 {
                0 => {
                    let m = plane_cylinder(&b, &a, la, ra, margin);
                    (m, Box::new(move |p| sdf_plane(&b, p)), cyl)
                }
                1 => {
                    let r = rng.range(0.05, 0.5);
                    let m = sphere_cylinder(&b, r, &a, la, ra, margin);
                    (m, Box::new(move |p| sdf_sphere(&b, r, p)), cyl)
                }
                2 => {
                    let (l, r) = (rng.range(0.0, 0.6), rng.range(0.02, 0.4));
                    let m = cylinder_capsule(&a, la, ra, &b, l, r, margin);
                    (m, cyl, Box::new(move |p| sdf_capsule(&b, l, r, p)))
                }
                3 => {
                    let h = Vec3::new(
                        rng.range(0.05, 0.6),
                        rng.range(0.05, 0.6),
                        rng.range(0.05, 0.6),
                    );
                    let m = cylinder_box(&a, la, ra, &b, h, margin);
                    (m, cyl, Box::new(move |p| sdf_box(&b, h, p)))
                }
                _ => {
                    let (l, r) = (rng.range(0.05, 0.6), rng.range(0.05, 0.5));
                    let m = cylinder_cylinder(&a, la, ra, &b, l, r, margin);
                    (m, cyl, Box::new(move |p| sdf_cylinder(&b, l, r, p)))
                }
            };
            hits += check_manifold(&m, margin, &*first, &*second);
        }
        assert!(hits > 300, "too few contacts exercised: {hits}");
    }
}
