//! Kernel twin of narrowphase_plane.wgsl: plane_sphere, plane_capsule, plane_box and
//! plane_cylinder on the GPU against the Rust narrow phase, 500 random configurations each
//! (tilted planes, random sizes and orientations, mostly touching, and the special cases where
//! the manifold changes shape: boxes flat, thin, on an edge, capsules and cylinders lying flat
//! or tilted near FLAT_SIN, cylinders standing on a cap near FLAT_SIN).
//!
//! A case that sits on a decision boundary (equal depths, a slope at FLAT_SIN, a separation at
//! the margin) may legitimately come out differently on the two backends. Such a case counts as
//! a tie, and is skipped, only if the backends chose different points (count or feature ids)
//! and the Rust function itself changes its choice when the input moves by ~1e-6; ties must
//! stay under 2% of the cases. Every other difference fails the test.

mod support;

use std::f32::consts::{FRAC_PI_2, PI};

use glam::{Quat, Vec3};
use manyworlds_core::{Pose, Shape};
use manyworlds_cpu::narrowphase::{
    plane_box, plane_capsule, plane_cylinder, plane_sphere, Manifold,
};
use manyworlds_gpu::layout::GpuManifold;
use manyworlds_gpu::testing::gpu_or_skip;
use support::{run_collide, same_manifold, CollideCase, SplitMix64};

const CASES: usize = 500;
/// The Rust capsule::FLAT_SIN (crate-private there), FLAT_SIN in common.wgsl.
const FLAT_SIN: f32 = 0.05;

/// The case generator: SplitMix64 with helpers for shapes and poses.
struct Rng(SplitMix64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f32 {
        self.0.unit()
    }
    fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.unit()
    }
    fn below(&mut self, n: u32) -> u32 {
        (self.next_u64() % u64::from(n)) as u32
    }
    fn vec(&mut self, s: f32) -> Vec3 {
        Vec3::new(self.range(-s, s), self.range(-s, s), self.range(-s, s))
    }
    fn quat(&mut self) -> Quat {
        loop {
            let q = Quat::from_xyzw(
                self.range(-1.0, 1.0),
                self.range(-1.0, 1.0),
                self.range(-1.0, 1.0),
                self.range(-1.0, 1.0),
            );
            if q.length_squared() > 1e-2 {
                return q.normalize();
            }
        }
    }
}

/// One plane-versus-shape configuration.
#[derive(Clone, Copy, Debug)]
struct Case {
    plane: Pose,
    pose: Pose,
    shape: Shape,
    margin: f32,
}

/// The Rust result for a case.
fn oracle(c: &Case) -> Manifold {
    match c.shape {
        Shape::Sphere { radius } => plane_sphere(&c.plane, &c.pose, radius, c.margin),
        Shape::Capsule {
            half_length,
            radius,
        } => plane_capsule(&c.plane, &c.pose, half_length, radius, c.margin),
        Shape::Cuboid { half_extents } => plane_box(&c.plane, &c.pose, half_extents, c.margin),
        Shape::Plane | Shape::Hull { .. } => unreachable!("not drawn here"),
        Shape::Cylinder {
            half_length,
            radius,
        } => plane_cylinder(&c.plane, &c.pose, half_length, radius, c.margin),
    }
}

fn normal(plane: &Pose) -> Vec3 {
    plane.orientation * Vec3::Z
}

/// The ground, a shifted axis-aligned plane or a tilted one.
fn random_plane(rng: &mut Rng) -> Pose {
    match rng.below(4) {
        0 => Pose::IDENTITY,
        1 => Pose::new(rng.vec(2.0), Quat::IDENTITY),
        _ => Pose::new(rng.vec(2.0), rng.quat()),
    }
}

/// A point of the plane's surface near its origin.
fn on_plane(rng: &mut Rng, plane: &Pose) -> Vec3 {
    plane.transform_point(Vec3::new(rng.range(-1.0, 1.0), rng.range(-1.0, 1.0), 0.0))
}

/// How far the shape's lowest point sits above the plane: mostly penetrating or within the
/// margin, sometimes exactly touching, one time in eight beyond the margin.
fn random_gap(rng: &mut Rng, margin: f32) -> f32 {
    match rng.below(16) {
        0 | 1 => rng.range(margin, margin + 0.3),
        2 => 0.0,
        _ => rng.range(-0.15, margin),
    }
}

fn sphere_case(rng: &mut Rng) -> Case {
    let plane = random_plane(rng);
    let margin = rng.range(0.0, 0.05);
    let radius = rng.range(0.05, 1.0);
    let gap = random_gap(rng, margin);
    let position = on_plane(rng, &plane) + normal(&plane) * (radius + gap);
    Case {
        plane,
        pose: Pose::new(position, rng.quat()),
        shape: Shape::sphere(radius),
        margin,
    }
}

fn capsule_case(rng: &mut Rng) -> Case {
    let plane = random_plane(rng);
    let n = normal(&plane);
    let margin = rng.range(0.0, 0.05);
    let half_length = if rng.below(10) == 0 {
        0.0
    } else {
        rng.range(0.05, 0.8)
    };
    let radius = rng.range(0.02, 0.5);
    // A capsule lying along the plane's x turned by `spin` about the normal, then tilted out
    // of the plane by `tilt` (the axis's slope is −sin(tilt)).
    let along = |spin: f32, tilt: f32| {
        plane.orientation * Quat::from_rotation_z(spin) * Quat::from_rotation_y(FRAC_PI_2 + tilt)
    };
    let spin = rng.range(-PI, PI);
    let orientation = match rng.below(5) {
        0 | 1 => rng.quat(),
        2 => along(spin, 0.0),
        // Slope within a few per cent of FLAT_SIN, on either side and either way up.
        3 => {
            let tilt = FLAT_SIN.asin() * rng.range(0.97, 1.03);
            along(spin, if rng.below(2) == 0 { tilt } else { -tilt })
        }
        // Standing on either end, slightly off vertical.
        _ => {
            let flip = Quat::from_rotation_x(PI * rng.below(2) as f32);
            plane.orientation * flip * Quat::from_scaled_axis(rng.vec(0.3))
        }
    };
    // Put the lower end's sphere `gap` above the plane.
    let slope = (orientation * Vec3::Z).dot(n);
    let height = radius + half_length * slope.abs() + random_gap(rng, margin);
    Case {
        plane,
        pose: Pose::new(on_plane(rng, &plane) + n * height, orientation),
        shape: Shape::capsule(half_length, radius),
        margin,
    }
}

fn cylinder_case(rng: &mut Rng) -> Case {
    let plane = random_plane(rng);
    let n = normal(&plane);
    let margin = rng.range(0.0, 0.05);
    let (half_length, radius) = (rng.range(0.02, 0.8), rng.range(0.02, 0.5));
    // Lying along the plane's x turned by `spin` about the normal, then tilted by `tilt`; or
    // standing on a cap (either way up) tilted by `tilt`.
    let spin = rng.range(-PI, PI);
    let lying = |tilt: f32| {
        plane.orientation * Quat::from_rotation_z(spin) * Quat::from_rotation_y(FRAC_PI_2 + tilt)
    };
    let standing = |tilt: f32, flip: u32| {
        plane.orientation
            * Quat::from_rotation_z(spin)
            * Quat::from_rotation_x(PI * flip as f32 + tilt)
    };
    let near_flat = |rng: &mut Rng| {
        let tilt = FLAT_SIN.asin() * rng.range(0.97, 1.03);
        if rng.below(2) == 0 {
            tilt
        } else {
            -tilt
        }
    };
    let orientation = match rng.below(6) {
        0 | 1 => rng.quat(),
        2 => lying(0.0),
        3 => lying(near_flat(rng)),
        4 => standing(rng.range(-0.3, 0.3), rng.below(2)),
        _ => standing(near_flat(rng), rng.below(2)),
    };
    // Put the lowest rim point `gap` above the plane.
    let c = (orientation * Vec3::Z).dot(n);
    let reach = half_length * c.abs() + radius * (1.0 - c * c).max(0.0).sqrt();
    Case {
        plane,
        pose: Pose::new(
            on_plane(rng, &plane) + n * (reach + random_gap(rng, margin)),
            orientation,
        ),
        shape: Shape::cylinder(half_length, radius),
        margin,
    }
}

fn box_case(rng: &mut Rng) -> Case {
    let plane = random_plane(rng);
    let n = normal(&plane);
    let mut margin = rng.range(0.0, 0.05);
    let mut half = Vec3::new(
        rng.range(0.02, 0.8),
        rng.range(0.02, 0.8),
        rng.range(0.02, 0.8),
    );
    // A box turned by `spin` about the normal, with one of its six faces down.
    let faces = [
        Quat::IDENTITY,
        Quat::from_rotation_x(PI),
        Quat::from_rotation_x(FRAC_PI_2),
        Quat::from_rotation_x(-FRAC_PI_2),
        Quat::from_rotation_y(FRAC_PI_2),
        Quat::from_rotation_y(-FRAC_PI_2),
    ];
    let face = faces[rng.below(6) as usize];
    // Axis aligned with the plane's frame now and then: exactly equal corner depths.
    let spin = if rng.below(3) == 0 {
        0.0
    } else {
        rng.range(-PI, PI)
    };
    let flat = plane.orientation * Quat::from_rotation_z(spin) * face;
    let orientation = match rng.below(7) {
        0 | 1 => rng.quat(),
        // Resting flat: four corners at the same depth.
        2 => flat,
        // Thin and flat within a wide margin: often all eight vertices count and
        // reduce_to_four picks four of the stacked pairs, the lower of each.
        3 => {
            half.z = rng.range(0.0005, 0.02);
            margin = rng.range(0.03, 0.06);
            let wobble = if rng.below(2) == 0 {
                Quat::IDENTITY
            } else {
                Quat::from_scaled_axis(rng.vec(0.004))
            };
            plane.orientation * Quat::from_rotation_z(spin) * wobble
        }
        // On an edge (rotated about a face axis) or nearly flat.
        4 => flat * Quat::from_rotation_x(rng.range(0.2, 1.3)),
        5 => flat * Quat::from_scaled_axis(rng.vec(0.002)),
        // Degenerate: a flat rectangle or a segment (a zero half extent), lying in the plane.
        _ => {
            half.z = 0.0;
            if rng.below(2) == 0 {
                half.y = 0.0;
            }
            margin = rng.range(0.0, 0.05);
            flat
        }
    };
    // Put the lowest vertex `gap` above the plane.
    let reach: f32 = (0..3)
        .map(|i| ((orientation * Vec3::AXES[i]) * half[i]).dot(n).abs())
        .sum();
    let height = reach + random_gap(rng, margin);
    Case {
        plane,
        pose: Pose::new(on_plane(rng, &plane) + n * height, orientation),
        shape: Shape::cuboid(half),
        margin,
    }
}

/// The case moved by ~1e-6: both poses shifted and turned, the margin nudged.
fn perturbed(c: &Case, rng: &mut Rng) -> Case {
    const EPS: f32 = 1e-6;
    let nudge = |p: &Pose, rng: &mut Rng| {
        Pose::new(
            p.position + rng.vec(EPS),
            (Quat::from_scaled_axis(rng.vec(EPS)) * p.orientation).normalize(),
        )
    };
    Case {
        plane: nudge(&c.plane, rng),
        pose: nudge(&c.pose, rng),
        shape: c.shape,
        margin: c.margin + rng.range(-EPS, EPS),
    }
}

fn features(m: &Manifold) -> Vec<u32> {
    m.points().iter().map(|p| p.feature).collect()
}

/// Whether a mismatch is a tie: the two backends chose different points (count or feature
/// ids; a difference in positions or separations alone never is one) and the Rust result
/// itself changes its choice when the input moves by ~1e-6, so the case sits on a decision
/// boundary.
fn is_tie(c: &Case, rust: &Manifold, gpu: &GpuManifold, rng: &mut Rng) -> bool {
    let chosen = features(rust);
    let gpu_chosen: Vec<u32> = gpu.points[..(gpu.count as usize).min(4)]
        .iter()
        .map(|p| p.feature)
        .collect();
    gpu_chosen != chosen && (0..16).any(|_| features(&oracle(&perturbed(c, rng))) != chosen)
}

/// How many of a box's vertices are within the margin (more than 4: reduce_to_four runs).
fn box_vertices_within_margin(c: &Case) -> usize {
    let Shape::Cuboid { half_extents } = c.shape else {
        return 0;
    };
    let n = normal(&c.plane);
    (0..8)
        .filter(|i| {
            let corner = Vec3::select(
                glam::BVec3::new(i & 1 != 0, i & 2 != 0, i & 4 != 0),
                half_extents,
                -half_extents,
            );
            n.dot(c.pose.transform_point(corner) - c.plane.position) <= c.margin
        })
        .count()
}

/// Runs `call` on the GPU for every case and compares with the Rust function.
fn check(test: &str, call: &str, make: fn(&mut Rng) -> Case, seed: u64) {
    let Some(gpu) = gpu_or_skip(test) else {
        return;
    };
    let mut rng = Rng(SplitMix64(seed));
    let cases: Vec<Case> = (0..CASES).map(|_| make(&mut rng)).collect();
    let inputs: Vec<CollideCase> = cases
        .iter()
        .map(|c| CollideCase::new(&Shape::Plane, &c.plane, &c.shape, &c.pose, c.margin))
        .collect();
    let outputs = run_collide(&gpu, &["narrowphase_plane.wgsl"], call, &inputs);
    assert_eq!(outputs.len(), cases.len());

    let mut by_count = [0usize; 5];
    let mut reduced = 0;
    let mut ties = 0;
    let mut failures = Vec::new();
    for (i, (c, gpu_m)) in cases.iter().zip(&outputs).enumerate() {
        let rust = oracle(c);
        by_count[rust.count] += 1;
        reduced += usize::from(box_vertices_within_margin(c) > 4);
        assert_eq!(
            (gpu_m.radius_a, gpu_m.radius_b),
            (0.0, 0.0),
            "case {i}: flat contact"
        );
        // Absolute tolerance scaled by the size of the coordinates involved.
        let scale = [
            c.plane.position.abs().max_element(),
            c.pose.position.abs().max_element(),
        ]
        .into_iter()
        .fold(1.0f32, f32::max);
        if let Err(e) = same_manifold(&rust, gpu_m, 1e-5 * scale) {
            if is_tie(c, &rust, gpu_m, &mut rng) {
                ties += 1;
            } else {
                failures.push(format!("case {i}: {e}\n  {c:?}"));
            }
        }
    }
    let reduced = if reduced > 0 {
        format!(" ({reduced} with more than 4 vertices within the margin)")
    } else {
        String::new()
    };
    println!(
        "{test}: {CASES} cases, by Rust point count {by_count:?}{reduced}, {ties} ties skipped, \
         {} mismatches",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {CASES} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(ties * 50 < CASES, "{ties} of {CASES} cases are ties (≥ 2%)");
    assert!(
        by_count[0] * 4 < CASES,
        "too few contacts exercised: {by_count:?}"
    );
}

#[test]
fn plane_sphere_matches_rust() {
    check(
        "plane_sphere_matches_rust",
        "plane_sphere(c.pose_a, c.pose_b, c.shape_b.size.x, c.margin)",
        sphere_case,
        1,
    );
}

#[test]
fn plane_capsule_matches_rust() {
    check(
        "plane_capsule_matches_rust",
        "plane_capsule(c.pose_a, c.pose_b, c.shape_b.size.x, c.shape_b.size.y, c.margin)",
        capsule_case,
        2,
    );
}

#[test]
fn plane_box_matches_rust() {
    check(
        "plane_box_matches_rust",
        "plane_box(c.pose_a, c.pose_b, c.shape_b.size, c.margin)",
        box_case,
        3,
    );
}

#[test]
fn plane_cylinder_matches_rust() {
    check(
        "plane_cylinder_matches_rust",
        "plane_cylinder(c.pose_a, c.pose_b, c.shape_b.size.x, c.shape_b.size.y, c.margin)",
        cylinder_case,
        4,
    );
}
