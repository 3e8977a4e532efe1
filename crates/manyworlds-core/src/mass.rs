//! Mass, centre of mass and inertia tensor of shapes and of compound bodies.

use crate::convex_hull::ConvexHull;
use crate::pose::Pose;
use crate::shape::Shape;
use glam::{Mat3, Vec3};
use serde::{Deserialize, Serialize};

/// Mass properties of a rigid body in its own frame: the inertia tensor is taken about the
/// centre of mass, with axes parallel to the body frame.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MassProperties {
    pub mass: f32,
    pub center_of_mass: Vec3,
    pub inertia: Mat3,
}

impl MassProperties {
    pub const ZERO: MassProperties = MassProperties {
        mass: 0.0,
        center_of_mass: Vec3::ZERO,
        inertia: Mat3::ZERO,
    };

    /// Mass properties of a solid shape of uniform `density`, in the shape's frame. None for
    /// the half-space, which has no finite mass, and for a hull, whose data is its scene's
    /// (see [`MassProperties::of_shape_in`]).
    pub fn of_shape(shape: &Shape, density: f32) -> Option<MassProperties> {
        Self::of_shape_in(shape, density, &[])
    }

    /// As [`MassProperties::of_shape`], a hull's read from `hulls` (None if not there).
    pub fn of_shape_in(
        shape: &Shape,
        density: f32,
        hulls: &[ConvexHull],
    ) -> Option<MassProperties> {
        use std::f32::consts::PI;
        let diagonal = match *shape {
            Shape::Plane => return None,
            Shape::Hull { hull, scale } => {
                return hulls
                    .get(hull.0 as usize)
                    .map(|h| Self::of_hull(h, scale, density))
            }
            Shape::Sphere { radius } => {
                let m = density * shape.volume();
                return Some(Self::at_origin(m, Vec3::splat(0.4 * m * radius * radius)));
            }
            Shape::Capsule {
                half_length,
                radius,
            } => {
                // A cylinder of height H plus two hemispherical caps whose centroids sit 3r/8
                // beyond the cylinder's ends: the caps' axial-perpendicular inertia is
                // m_s (2r²/5 + H²/4 + 3Hr/8).
                let h = 2.0 * half_length;
                let r2 = radius * radius;
                let m_cyl = density * PI * r2 * h;
                let m_caps = density * 4.0 / 3.0 * PI * r2 * radius;
                let axial = m_cyl * r2 / 2.0 + m_caps * 0.4 * r2;
                let transverse = m_cyl * (h * h / 12.0 + r2 / 4.0)
                    + m_caps * (0.4 * r2 + h * h / 4.0 + 3.0 * h * radius / 8.0);
                (m_cyl + m_caps, Vec3::new(transverse, transverse, axial))
            }
            Shape::Cuboid { half_extents } => {
                let m = density * shape.volume();
                let e2 = (2.0 * half_extents) * (2.0 * half_extents);
                (
                    m,
                    Vec3::new(e2.y + e2.z, e2.x + e2.z, e2.x + e2.y) * (m / 12.0),
                )
            }
            Shape::Cylinder {
                half_length,
                radius,
            } => {
                // Solid cylinder of height h: I_zz = m r²/2, I_xx = I_yy = m (3r² + h²)/12.
                let m = density * shape.volume();
                let (r2, h) = (radius * radius, 2.0 * half_length);
                let transverse = m * (3.0 * r2 + h * h) / 12.0;
                (m, Vec3::new(transverse, transverse, 0.5 * m * r2))
            }
        };
        Some(Self::at_origin(diagonal.0, diagonal.1))
    }

    /// A solid hull scaled by `scale`: from its moments (`hull_mass.rs`), the inertia about
    /// the centroid c is I = tr(C) E − C with C = ρ (∫x xᵀ dV − V c cᵀ).
    fn of_hull(hull: &ConvexHull, scale: Vec3, density: f32) -> MassProperties {
        let volume = hull.volume(scale);
        let c = hull.centroid(scale);
        let outer = Mat3::from_cols(c * c.x, c * c.y, c * c.z);
        let covariance = (hull.second_moment(scale) - outer * volume) * density;
        let trace = covariance.x_axis.x + covariance.y_axis.y + covariance.z_axis.z;
        MassProperties {
            mass: density * volume,
            center_of_mass: c,
            inertia: Mat3::IDENTITY * trace - covariance,
        }
    }

    fn at_origin(mass: f32, principal: Vec3) -> MassProperties {
        MassProperties {
            mass,
            center_of_mass: Vec3::ZERO,
            inertia: Mat3::from_diagonal(principal),
        }
    }

    /// These properties seen from a parent frame in which this frame sits at `pose`.
    pub fn transformed(&self, pose: &Pose) -> MassProperties {
        let r = Mat3::from_quat(pose.orientation);
        MassProperties {
            mass: self.mass,
            center_of_mass: pose.transform_point(self.center_of_mass),
            inertia: r * self.inertia * r.transpose(),
        }
    }

    /// The union of two bodies of matter: masses add, centres of mass average, and each
    /// inertia is moved to the new centre by the parallel-axis theorem
    /// `I_c = I_g + m (|d|² E − d dᵀ)`.
    pub fn combined(&self, other: &MassProperties) -> MassProperties {
        let mass = self.mass + other.mass;
        if mass <= 0.0 {
            return MassProperties::ZERO;
        }
        let com = (self.center_of_mass * self.mass + other.center_of_mass * other.mass) / mass;
        let inertia = self.inertia
            + parallel_axis_shift(self.mass, self.center_of_mass - com)
            + other.inertia
            + parallel_axis_shift(other.mass, other.center_of_mass - com);
        MassProperties {
            mass,
            center_of_mass: com,
            inertia,
        }
    }

    /// The same distribution of matter with its total mass set to `mass`.
    pub fn scaled_to(&self, mass: f32) -> MassProperties {
        let k = if self.mass > 0.0 {
            mass / self.mass
        } else {
            0.0
        };
        MassProperties {
            mass,
            center_of_mass: self.center_of_mass,
            inertia: self.inertia * k,
        }
    }
}

/// The inertia a point mass `m` at offset `d` adds about the origin: `m (|d|² E − d dᵀ)`.
fn parallel_axis_shift(m: f32, d: Vec3) -> Mat3 {
    let outer = Mat3::from_cols(d * d.x, d * d.y, d * d.z);
    (Mat3::IDENTITY * d.length_squared() - outer) * m
}

#[cfg(test)]
mod tests {
    use super::*;
    use glam::Quat;

    fn close(a: f32, b: f32) -> bool {
        (a - b).abs() <= 1e-5 * b.abs().max(1.0)
    }

    #[test]
    fn cube_of_the_boxes_scene() {
        let m = MassProperties::of_shape(&Shape::cuboid(Vec3::splat(0.25)), 1000.0).unwrap();
        assert!(close(m.mass, 125.0));
        assert!(close(m.inertia.x_axis.x, 5.208_333));
        assert!(close(m.inertia.z_axis.z, 5.208_333));
    }

    #[test]
    fn two_offset_spheres_follow_the_parallel_axis_theorem() {
        let s = MassProperties::of_shape(&Shape::sphere(0.1), 500.0).unwrap();
        let d = 0.3;
        let left = s.transformed(&Pose::from_position(Vec3::new(-d, 0.0, 0.0)));
        let right = s.transformed(&Pose::from_position(Vec3::new(d, 0.0, 0.0)));
        let both = left.combined(&right);
        assert!(close(both.mass, 2.0 * s.mass));
        assert!(both.center_of_mass.length() < 1e-7);
        let i0 = s.inertia.x_axis.x;
        assert!(close(both.inertia.x_axis.x, 2.0 * i0));
        assert!(close(both.inertia.y_axis.y, 2.0 * (i0 + s.mass * d * d)));
    }

    #[test]
    fn cylinder_of_unit_density() {
        let m = MassProperties::of_shape(&Shape::cylinder(0.5, 0.2), 1000.0).unwrap();
        let mass = 1000.0 * std::f32::consts::PI * 0.04;
        assert!(close(m.mass, mass));
        assert!(close(m.inertia.z_axis.z, mass * 0.04 / 2.0));
        assert!(close(m.inertia.x_axis.x, mass * (3.0 * 0.04 + 1.0) / 12.0));
        assert!(close(m.inertia.y_axis.y, m.inertia.x_axis.x));
    }

    #[test]
    fn capsule_tends_to_a_sphere_and_rotation_permutes_axes() {
        let sphere = MassProperties::of_shape(&Shape::sphere(0.2), 1.0).unwrap();
        let capsule = MassProperties::of_shape(&Shape::capsule(0.0, 0.2), 1.0).unwrap();
        assert!(close(capsule.mass, sphere.mass));
        assert!(close(capsule.inertia.x_axis.x, sphere.inertia.x_axis.x));
        let long = MassProperties::of_shape(&Shape::capsule(0.5, 0.05), 1.0).unwrap();
        let turned = long.transformed(&Pose::new(
            Vec3::ZERO,
            Quat::from_rotation_x(std::f32::consts::FRAC_PI_2),
        ));
        assert!(close(turned.inertia.y_axis.y, long.inertia.z_axis.z));
        assert!(close(turned.inertia.z_axis.z, long.inertia.y_axis.y));
    }
}
