//! Exact mass properties of a closed polyhedron by the divergence theorem: the solid is the
//! signed sum of tetrahedra from a reference point to each triangle of its surface (faces as
//! fans), whose volume, first and second moments have closed forms (Tonon, "Explicit exact
//! formulas for the 3-D tetrahedron inertia tensor", 2004; Blow & Binstock, "How to find the
//! inertia tensor of a 3D solid body represented by a triangle mesh", 2004):
//! for the tetrahedron (0, a, b, c) with D = a · (b × c),
//! V = D/6, ∫x dV = D/24 (a + b + c), ∫x xᵀ dV = D/120 (a aᵀ + b bᵀ + c cᵀ + s sᵀ), s = a + b + c.

use glam::{DMat3, DVec3, Mat3, Vec3};

use crate::convex_hull::HullFace;

fn outer(a: DVec3, b: DVec3) -> DMat3 {
    DMat3::from_cols(a * b.x, a * b.y, a * b.z)
}

/// Volume, first moment ∫x dV and second moment ∫x xᵀ dV about the origin of the polyhedron
/// bounded by `faces` (loops counter-clockwise seen from outside), in f64 about its first
/// vertex and then moved to the origin.
pub(crate) fn polyhedron_moments(
    vertices: &[Vec3],
    faces: &[HullFace],
    face_vertices: &[u32],
) -> (f32, Vec3, Mat3) {
    let r = vertices.first().copied().unwrap_or(Vec3::ZERO).as_dvec3();
    let at = |i: u32| vertices[i as usize].as_dvec3() - r;
    let (mut volume, mut first, mut second) = (0.0f64, DVec3::ZERO, DMat3::ZERO);
    for face in faces {
        let l = &face_vertices[face.first as usize..(face.first + face.count) as usize];
        for k in 1..l.len().saturating_sub(1) {
            let (a, b, c) = (at(l[0]), at(l[k]), at(l[k + 1]));
            let d = a.dot(b.cross(c));
            let s = a + b + c;
            volume += d / 6.0;
            first += s * (d / 24.0);
            second += (outer(a, a) + outer(b, b) + outer(c, c) + outer(s, s)) * (d / 120.0);
        }
    }
    // x = r + y: ∫x = ∫y + V r, ∫x xᵀ = ∫y yᵀ + r (∫y)ᵀ + (∫y) rᵀ + V r rᵀ.
    let second = second + outer(r, first) + outer(first, r) + outer(r, r) * volume;
    let first = first + r * volume;
    (volume as f32, first.as_vec3(), second.as_mat3())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::convex_hull::ConvexHull;
    use crate::mass::MassProperties;
    use crate::shape::Shape;

    /// `n` points spread evenly on the sphere of `radius` (a Fibonacci lattice).
    pub(crate) fn sphere_points(n: usize, radius: f32) -> Vec<Vec3> {
        let golden = std::f32::consts::PI * (3.0 - 5f32.sqrt());
        (0..n)
            .map(|i| {
                let z = 1.0 - 2.0 * (i as f32 + 0.5) / n as f32;
                let rho = (1.0 - z * z).sqrt();
                let phi = golden * i as f32;
                Vec3::new(rho * phi.cos(), rho * phi.sin(), z) * radius
            })
            .collect()
    }

    fn close(a: f32, b: f32, rel: f32) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-6)
    }

    #[test]
    fn a_hull_of_a_boxs_corners_has_the_boxs_mass_properties() {
        let h = Vec3::new(0.3, 0.2, 0.1);
        let offset = Vec3::new(1.0, -2.0, 0.5);
        let corners: Vec<Vec3> = (0..8)
            .map(|i| {
                offset
                    + Vec3::new(
                        if i & 1 == 0 { -h.x } else { h.x },
                        if i & 2 == 0 { -h.y } else { h.y },
                        if i & 4 == 0 { -h.z } else { h.z },
                    )
            })
            .collect();
        let (hull, _) = ConvexHull::from_points(&corners, 64).unwrap();
        let scale = Vec3::new(2.0, 1.0, 0.5);
        let hulls = [hull];
        let shape = Shape::hull(crate::HullId(0), scale);
        let m = MassProperties::of_shape_in(&shape, 700.0, &hulls).unwrap();
        let b = MassProperties::of_shape(&Shape::cuboid(h * scale), 700.0).unwrap();
        assert!(close(m.mass, b.mass, 1e-5), "{m:?} {b:?}");
        assert!((m.center_of_mass - offset * scale).length() < 1e-5);
        for i in 0..3 {
            for j in 0..3 {
                let (x, y) = (m.inertia.col(i)[j], b.inertia.col(i)[j]);
                assert!((x - y).abs() < 1e-4 * b.inertia.col(0).x, "{m:?} {b:?}");
            }
        }
        assert!(close(
            shape.volume_in(&hulls),
            8.0 * (h * scale).element_product(),
            1e-5
        ));
    }

    #[test]
    fn a_hull_of_sphere_points_approaches_the_sphere() {
        let r = 0.5;
        let s = MassProperties::of_shape(&Shape::sphere(r), 1.0).unwrap();
        // An inscribed polyhedron of n evenly spread vertices falls short of the sphere by
        // a fraction that shrinks as 1/n (its faces' sagitta over the radius).
        let shortfall = |n: usize| {
            let (hull, warning) = ConvexHull::from_points(&sphere_points(n, r), 64).unwrap();
            assert!(warning.is_none());
            let hulls = [hull];
            let m =
                MassProperties::of_shape_in(&Shape::hull(crate::HullId(0), Vec3::ONE), 1.0, &hulls)
                    .unwrap();
            assert!(m.center_of_mass.length() < 2e-3 * r, "{m:?}");
            for k in 0..3 {
                let ratio = m.inertia.col(k)[k] / s.inertia.col(k)[k];
                assert!(ratio < 1.0 && ratio > 0.4, "{ratio}");
                assert!((m.inertia.col(k)[(k + 1) % 3]).abs() < 0.02 * m.inertia.col(k)[k]);
            }
            1.0 - m.mass / s.mass
        };
        let (coarse, fine) = (shortfall(16), shortfall(64));
        assert!(fine > 0.0 && fine < 0.1, "{fine}");
        assert!(
            coarse / fine > 3.0 && coarse / fine < 5.0,
            "{coarse} {fine}"
        );
        // Capped from many points, the hull is about as close as 64 even ones.
        let (capped, _) = ConvexHull::from_points(&sphere_points(2000, r), 64).unwrap();
        let capped_shortfall = 1.0 - capped.volume(Vec3::ONE) / s.mass;
        assert!(
            capped_shortfall > 0.0 && capped_shortfall < 1.5 * fine,
            "{capped_shortfall}"
        );
    }

    #[test]
    fn a_tetrahedron_matches_its_closed_form() {
        // The corner tetrahedron (0, x, y, z) of unit legs: V = 1/6, centroid 1/4, and
        // ∫x² dV = 1/60, ∫x y dV = 1/120.
        let pts = [Vec3::ZERO, Vec3::X, Vec3::Y, Vec3::Z];
        let (hull, _) = ConvexHull::from_points(&pts, 64).unwrap();
        assert!(close(hull.volume(Vec3::ONE), 1.0 / 6.0, 1e-6));
        assert!((hull.centroid(Vec3::ONE) - Vec3::splat(0.25)).length() < 1e-6);
        let c = hull.second_moment(Vec3::ONE);
        assert!(close(c.x_axis.x, 1.0 / 60.0, 1e-5));
        assert!(close(c.x_axis.y, 1.0 / 120.0, 1e-5));
    }
}
