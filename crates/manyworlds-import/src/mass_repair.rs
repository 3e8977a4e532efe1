//! Mass properties as files give them, made simulable: a moving body without mass gets a
//! small one, and an inertia that is not symmetric positive definite, or whose principal
//! moments break the triangle inequality (round-off in exported CAD figures; all zeros in
//! pybullet's laikago), is repaired. Each repair is recorded ([`Warnings::repairs`]).
//!
//! The defaults follow MuJoCo's `boundmass`/`boundinertia` idea:
//!
//! - a moving body of zero mass gets [`BOUND_MASS`] with the inertia of a solid sphere of
//!   water ([`WATER_DENSITY`]) of that mass, about its centre of mass;
//! - an inertia of zeros with a positive mass becomes that of a water sphere of that mass;
//! - otherwise the tensor is symmetrised, its principal moments raised to at least
//!   [`MOMENT_FLOOR`] times the largest, and the two smaller raised equally until they sum
//!   to the largest; the principal axes are kept.

use glam::Mat3;
use manyworlds_core::MassProperties;

use crate::Warnings;

/// The mass a moving body without one is given, kg.
pub const BOUND_MASS: f32 = 0.01;

/// The density of the sphere whose inertia stands in for a missing one, kg/m³.
pub const WATER_DENSITY: f32 = 1000.0;

/// The smallest principal moment kept, relative to the largest.
pub const MOMENT_FLOOR: f64 = 1e-3;

/// The inertia about its centre of a solid sphere of water of `mass`.
fn sphere_inertia(mass: f32) -> Mat3 {
    let mass = f64::from(mass);
    let radius = (3.0 * mass / (4.0 * std::f64::consts::PI * f64::from(WATER_DENSITY))).cbrt();
    Mat3::from_diagonal(glam::Vec3::splat((0.4 * mass * radius * radius) as f32))
}

/// `mass` (of the moving body `body`) made simulable; repairs are recorded in `warnings`.
pub fn repaired(mass: MassProperties, body: &str, warnings: &mut Warnings) -> MassProperties {
    if mass.mass <= 0.0 {
        warnings.add_repair(format!(
            "body \"{body}\" moves but has no mass: given {BOUND_MASS} kg with a water sphere's inertia"
        ));
        return MassProperties {
            mass: BOUND_MASS,
            center_of_mass: mass.center_of_mass,
            inertia: sphere_inertia(BOUND_MASS),
        };
    }
    if mass.inertia.to_cols_array().iter().all(|&x| x == 0.0) {
        warnings.add_repair(format!(
            "body \"{body}\": an inertia of zeros with a mass of {} kg replaced by a water sphere's",
            mass.mass
        ));
        return MassProperties {
            inertia: sphere_inertia(mass.mass),
            ..mass
        };
    }
    match repaired_inertia(mass.inertia) {
        None => mass,
        Some((inertia, before, after)) => {
            warnings.add_repair(format!(
                "body \"{body}\": inertia repaired: principal moments ({:.4e}, {:.4e}, {:.4e}) -> ({:.4e}, {:.4e}, {:.4e}) kg·m²",
                before[0], before[1], before[2], after[0], after[1], after[2]
            ));
            MassProperties { inertia, ..mass }
        }
    }
}

/// A 3×3 matrix in f64, `[column][row]` as glam's arrays.
type M3 = [[f64; 3]; 3];

/// The repaired tensor with the principal moments before and after (ascending), or None
/// when `inertia` is fine as it is.
pub fn repaired_inertia(inertia: Mat3) -> Option<(Mat3, [f64; 3], [f64; 3])> {
    let given: M3 = inertia.to_cols_array_2d().map(|c| c.map(f64::from));
    if given.iter().flatten().any(|x| !x.is_finite()) {
        return None; // left for the scene's validation to name
    }
    let mut symmetric = given;
    let mut asymmetry: f64 = 0.0;
    for i in 0..3 {
        for j in 0..3 {
            symmetric[i][j] = 0.5 * (given[i][j] + given[j][i]);
            asymmetry = asymmetry.max((given[i][j] - symmetric[i][j]).abs());
        }
    }
    let (axes, moments) = eigen_symmetric(symmetric);
    let mut sorted = moments;
    sorted.sort_by(f64::total_cmp);
    let largest = sorted[2];
    if largest <= 0.0 || largest.is_nan() {
        return None; // nothing positive to keep: left for the scene's validation
    }
    let fine = asymmetry <= 1e-6 * largest
        && sorted[0] >= MOMENT_FLOOR * largest
        && sorted[2] <= (sorted[0] + sorted[1]) * (1.0 + 1e-6);
    if fine {
        return None;
    }
    let floor = MOMENT_FLOOR * largest;
    let mut fixed = moments.map(|m| m.max(floor));
    // The triangle inequality: the largest moment at most the sum of the other two.
    let mut order = [0, 1, 2];
    order.sort_by(|&a, &b| fixed[a].total_cmp(&fixed[b]));
    let excess = fixed[order[2]] - fixed[order[0]] - fixed[order[1]];
    if excess > 0.0 {
        fixed[order[0]] += 0.5 * excess;
        fixed[order[1]] += 0.5 * excess;
    }
    // axes · diag(fixed) · axesᵀ, symmetric by construction.
    let mut out = [[0.0f32; 3]; 3];
    for i in 0..3 {
        for j in i..3 {
            let v: f64 = (0..3).map(|k| axes[k][i] * fixed[k] * axes[k][j]).sum();
            out[i][j] = v as f32;
            out[j][i] = v as f32;
        }
    }
    let mut after = fixed;
    after.sort_by(f64::total_cmp);
    Some((Mat3::from_cols_array_2d(&out), sorted, after))
}

/// The eigenvectors (`axes[k]` belongs to `moments[k]`) and eigenvalues of a symmetric
/// matrix, by cyclic Jacobi rotations.
fn eigen_symmetric(m: M3) -> (M3, [f64; 3]) {
    let mut a = m;
    // Rows of `v` are the eigenvectors once `a` is diagonal.
    let mut v: M3 = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
    for _sweep in 0..50 {
        let off = a[0][1].powi(2) + a[0][2].powi(2) + a[1][2].powi(2);
        let diagonal = a[0][0].powi(2) + a[1][1].powi(2) + a[2][2].powi(2);
        if off == 0.0 || off <= 1e-30 * diagonal {
            break;
        }
        for (p, q) in [(0, 1), (0, 2), (1, 2)] {
            if a[p][q] == 0.0 {
                continue;
            }
            let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
            let t = if theta == 0.0 {
                1.0
            } else {
                theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt())
            };
            let c = 1.0 / (t * t + 1.0).sqrt();
            let s = t * c;
            // a ← Jᵀ a J and v ← Jᵀ v, J the rotation in the (p, q) plane.
            for row in a.iter_mut() {
                let (rp, rq) = (row[p], row[q]);
                row[p] = c * rp - s * rq;
                row[q] = s * rp + c * rq;
            }
            let (ap, aq) = (a[p], a[q]);
            a[p] = [0, 1, 2].map(|k| c * ap[k] - s * aq[k]);
            a[q] = [0, 1, 2].map(|k| s * ap[k] + c * aq[k]);
            let (vp, vq) = (v[p], v[q]);
            v[p] = [0, 1, 2].map(|k| c * vp[k] - s * vq[k]);
            v[q] = [0, 1, 2].map(|k| s * vp[k] + c * vq[k]);
        }
    }
    (v, [a[0][0], a[1][1], a[2][2]])
}

#[cfg(test)]
mod tests {
    use super::*;
    use glam::{Quat, Vec3};

    #[test]
    fn jacobi_diagonalises_a_rotated_tensor() {
        let r = Mat3::from_quat(Quat::from_euler(glam::EulerRot::XYZ, 0.3, -1.1, 0.7));
        let m = r * Mat3::from_diagonal(Vec3::new(1.0, 2.0, 3.5)) * r.transpose();
        let (axes, moments) = eigen_symmetric(m.to_cols_array_2d().map(|c| c.map(f64::from)));
        let mut sorted = moments;
        sorted.sort_by(f64::total_cmp);
        for (got, want) in sorted.iter().zip([1.0, 2.0, 3.5]) {
            assert!((got - want).abs() < 1e-5, "{sorted:?}");
        }
        // Each axis is an eigenvector: m · axis = moment · axis.
        let m64 = m.to_cols_array_2d().map(|c| c.map(f64::from));
        for k in 0..3 {
            for i in 0..3 {
                let mv: f64 = (0..3).map(|j| m64[j][i] * axes[k][j]).sum();
                assert!((mv - moments[k] * axes[k][i]).abs() < 1e-5);
            }
        }
    }

    #[test]
    fn a_good_tensor_is_left_alone() {
        let i = Mat3::from_diagonal(Vec3::new(0.1, 0.2, 0.25));
        assert!(repaired_inertia(i).is_none());
    }
}
