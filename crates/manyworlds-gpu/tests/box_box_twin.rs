//! Kernel twin of the box–box narrow phase: `box_box` of shaders/narrowphase_box_box.wgsl
//! against `manyworlds_cpu::narrowphase::box_box` on random configurations (resting stacks,
//! nearly aligned cubes, edge–edge crossings, general poses), a few named ones, and separated
//! pairs. Point count, normal, positions, separations and feature ids must agree; a case whose
//! input sits on one of the Rust function's own decision boundaries (it changes its points
//! under a 1e-6 perturbation) is counted as a tie and skipped, and ties must stay rare.

mod support;

use std::f32::consts::{FRAC_PI_4, PI};

use glam::{Mat3, Quat, Vec3};
use manyworlds_core::{Pose, Shape};
use manyworlds_cpu::narrowphase::{box_box, Manifold};
use manyworlds_gpu::layout::GpuManifold;
use manyworlds_gpu::testing::gpu_or_skip;
use manyworlds_gpu::GpuContext;
use support::{run_collide, same_manifold, CollideCase, SplitMix64};

const FILES: &[&str] = &["narrowphase_box_box.wgsl"];
const CALL: &str = "box_box(c.pose_a, c.shape_a.size, c.pose_b, c.shape_b.size, c.margin)";
const EDGE_FLAG: u32 = 1 << 31;
const REF_B_FLAG: u32 = 1 << 14;

#[derive(Clone, Copy, Debug)]
struct Case {
    kind: &'static str,
    pose_a: Pose,
    half_a: Vec3,
    pose_b: Pose,
    half_b: Vec3,
    margin: f32,
}

impl Case {
    fn rust(&self) -> Manifold {
        box_box(
            &self.pose_a,
            self.half_a,
            &self.pose_b,
            self.half_b,
            self.margin,
        )
    }

    fn gpu_input(&self) -> CollideCase {
        CollideCase::new(
            &Shape::cuboid(self.half_a),
            &self.pose_a,
            &Shape::cuboid(self.half_b),
            &self.pose_b,
            self.margin,
        )
    }

    /// 1e-5 relative to the scene's size: the largest half extent or coordinate, at least 1 m.
    fn tolerance(&self) -> f32 {
        let size = [
            self.half_a.max_element(),
            self.half_b.max_element(),
            self.pose_a.position.abs().max_element(),
            self.pose_b.position.abs().max_element(),
        ]
        .into_iter()
        .fold(1.0f32, f32::max);
        1e-5 * size
    }

    /// Whether the input sits on a decision boundary of the Rust function itself: moving B by
    /// 1e-6 m, turning either box by 1e-6 rad or changing the margin by 1e-6 m changes its
    /// point count or feature ids.
    fn is_rust_tie(&self) -> bool {
        let reference = features(&self.rust());
        let mut nudged = Vec::new();
        for axis in [Vec3::X, Vec3::Y, Vec3::Z] {
            for sign in [-1.0f32, 1.0] {
                let mut c = *self;
                c.pose_b.position += axis * (sign * 1e-6);
                nudged.push(c);
                let mut c = *self;
                c.pose_b.orientation =
                    (Quat::from_axis_angle(axis, sign * 1e-6) * c.pose_b.orientation).normalize();
                nudged.push(c);
                let mut c = *self;
                c.pose_a.orientation =
                    (Quat::from_axis_angle(axis, sign * 1e-6) * c.pose_a.orientation).normalize();
                nudged.push(c);
            }
        }
        for sign in [-1.0f32, 1.0] {
            let mut c = *self;
            c.margin = (c.margin + sign * 1e-6).max(0.0);
            nudged.push(c);
        }
        nudged.iter().any(|c| features(&c.rust()) != reference)
    }
}

/// Point count and feature ids, in order.
fn features(m: &Manifold) -> Vec<u32> {
    m.points().iter().map(|p| p.feature).collect()
}

fn run_gpu(gpu: &GpuContext, cases: &[Case]) -> Vec<GpuManifold> {
    let inputs: Vec<CollideCase> = cases.iter().map(Case::gpu_input).collect();
    run_collide(gpu, FILES, CALL, &inputs)
}

/// The case generator: SplitMix64 with helpers for boxes and poses.
struct Rng(SplitMix64);

impl Rng {
    /// Uniform in [0, 1).
    fn next(&mut self) -> f32 {
        self.0.unit()
    }

    fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.next()
    }

    fn vec(&mut self, lo: f32, hi: f32) -> Vec3 {
        Vec3::new(self.range(lo, hi), self.range(lo, hi), self.range(lo, hi))
    }

    fn index(&mut self, n: usize) -> usize {
        ((self.next() * n as f32) as usize).min(n - 1)
    }

    /// Uniform rotation (rejection sampling in the unit 4-ball).
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
            let v = self.vec(-1.0, 1.0);
            let l = v.length();
            if l > 0.1 && l <= 1.0 {
                return v / l;
            }
        }
    }

    /// Half extents from 0.05 to 1 m: generic, very flat (a plate) or long (a beam).
    fn half_extents(&mut self) -> Vec3 {
        let style = self.index(4);
        let axis = self.index(3);
        let mut h = self.vec(0.05, 1.0);
        match style {
            0 => {
                h = self.vec(0.4, 1.0);
                h[axis] = self.range(0.05, 0.07);
            }
            1 => {
                h = self.vec(0.05, 0.12);
                h[axis] = self.range(0.6, 1.0);
            }
            _ => {}
        }
        h
    }
}

fn corners(p: &Pose, h: Vec3) -> [Vec3; 8] {
    std::array::from_fn(|k| {
        let s = Vec3::new(
            if k & 1 == 0 { -1.0 } else { 1.0 },
            if k & 2 == 0 { -1.0 } else { 1.0 },
            if k & 4 == 0 { -1.0 } else { 1.0 },
        );
        p.transform_point(s * h)
    })
}

/// Brute-force SAT: the largest separation over the 15 axes, projecting all corners.
fn sat_max_sep(pa: &Pose, ha: Vec3, pb: &Pose, hb: Vec3) -> f32 {
    let (ca, cb) = (corners(pa, ha), corners(pb, hb));
    let ma = Mat3::from_quat(pa.orientation);
    let mb = Mat3::from_quat(pb.orientation);
    let (aa, ab) = (
        [ma.x_axis, ma.y_axis, ma.z_axis],
        [mb.x_axis, mb.y_axis, mb.z_axis],
    );
    let mut axes: Vec<Vec3> = aa.iter().chain(&ab).copied().collect();
    for x in aa {
        for y in ab {
            let c = x.cross(y);
            if c.length_squared() > 1e-5 {
                axes.push(c.normalize());
            }
        }
    }
    let project = |cs: &[Vec3; 8], ax: Vec3| {
        cs.iter().fold((f32::MAX, f32::MIN), |(lo, hi), c| {
            (lo.min(c.dot(ax)), hi.max(c.dot(ax)))
        })
    };
    axes.iter()
        .map(|&ax| {
            let (amin, amax) = project(&ca, ax);
            let (bmin, bmax) = project(&cb, ax);
            (bmin - amax).max(amin - bmax)
        })
        .fold(f32::NEG_INFINITY, f32::max)
}

/// Midpoint of the box's highest (`top`) or lowest edge along `frame`'s z, in `frame`'s axes
/// relative to the box's centre (the box is rolled so that this edge is unique).
fn edge_midpoint(pose: &Pose, h: Vec3, frame: Quat, top: bool) -> Vec3 {
    let mut cs = corners(pose, h).map(|c| frame.inverse() * (c - pose.position));
    cs.sort_by(|a, b| a.z.total_cmp(&b.z));
    if top {
        (cs[6] + cs[7]) * 0.5
    } else {
        (cs[0] + cs[1]) * 0.5
    }
}

/// B at `pa.position + start + dir · s`, with `s` bisected so that the SAT separation reaches
/// `target` (it grows monotonically with the distance along `dir` once past the overlap).
fn place_by_sat(
    pa: &Pose,
    ha: Vec3,
    qb: Quat,
    hb: Vec3,
    start: Vec3,
    dir: Vec3,
    target: f32,
) -> Pose {
    let (mut lo, mut hi) = (0.0f32, 5.0f32);
    for _ in 0..40 {
        let mid = 0.5 * (lo + hi);
        let pb = Pose::new(pa.position + start + dir * mid, qb);
        if sat_max_sep(pa, ha, &pb, hb) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Pose::new(pa.position + start + dir * hi, qb)
}

fn random_case(rng: &mut Rng, k: usize) -> Case {
    let margin = match k % 9 {
        0 => 0.0,
        1 => 0.01,
        _ => 0.02,
    };
    let position_a = rng.vec(-1.0, 1.0);
    match k % 5 {
        // Face–face resting stack: B on A's top face, yawed about A's normal.
        0 => {
            let qa = if rng.next() < 0.4 {
                Quat::IDENTITY
            } else {
                rng.quat()
            };
            let (ha, hb) = (rng.half_extents(), rng.half_extents());
            let yaw = if rng.next() < 0.5 {
                rng.range(-0.3, 0.3)
            } else {
                rng.range(-PI, PI)
            };
            let qb = qa * Quat::from_rotation_z(yaw);
            let gap = rng.range(-0.02, 0.03);
            let offset = Vec3::new(
                rng.range(-0.8, 0.8) * ha.x,
                rng.range(-0.8, 0.8) * ha.y,
                ha.z + hb.z + gap,
            );
            Case {
                kind: "stack",
                pose_a: Pose::new(position_a, qa),
                half_a: ha,
                pose_b: Pose::new(position_a + qa * offset, qb),
                half_b: hb,
                margin,
            }
        }
        // Equal cubes stacked with a small yaw and a small slide.
        1 => {
            let qa = if rng.next() < 0.5 {
                Quat::IDENTITY
            } else {
                rng.quat()
            };
            let h = Vec3::splat(rng.range(0.05, 1.0));
            let qb = qa * Quat::from_rotation_z(rng.range(-0.05, 0.05));
            let gap = rng.range(-0.01, 0.015);
            let offset = Vec3::new(
                rng.range(-0.1, 0.1) * h.x,
                rng.range(-0.1, 0.1) * h.y,
                2.0 * h.z + gap,
            );
            Case {
                kind: "aligned cubes",
                pose_a: Pose::new(position_a, qa),
                half_a: h,
                pose_b: Pose::new(position_a + qa * offset, qb),
                half_b: h,
                margin,
            }
        }
        // Edge–edge crossing: A rolled about x shows an x edge on top, B rolled about y and
        // yawed shows a crossing edge underneath; B is slid sideways so that the edges cross
        // (seen from above) at chosen points.
        2 => {
            let frame = if rng.next() < 0.3 {
                Quat::IDENTITY
            } else {
                rng.quat()
            };
            let qa = frame * Quat::from_rotation_x(rng.range(0.3, 1.27));
            let qb = frame
                * Quat::from_rotation_z(rng.range(-1.3, 1.3))
                * Quat::from_rotation_y(rng.range(0.3, 1.27));
            let ha = rng.vec(0.1, 1.0);
            let hb = rng.vec(0.1, 1.0);
            let pose_a = Pose::new(position_a, qa);
            // A third cross just beside or within the end of A's edge, a little apart: there
            // the crossing test (EDGE_END_TOL) decides between the edge point and a face contact.
            let near_end = rng.next() < 0.33;
            let (s, target) = if near_end {
                let end = ha.x + rng.range(-2e-3, 2e-3);
                (
                    if rng.next() < 0.5 { -end } else { end },
                    rng.range(0.002, 0.015),
                )
            } else {
                (rng.range(-0.7, 0.7) * ha.x, rng.range(-0.02, 0.025))
            };
            let t = rng.range(-0.6, 0.6) * hb.y;
            let margin = if near_end { 0.02 } else { margin };
            // Edge midpoints and B's edge direction in the frame, relative to each box's centre.
            let mid_a = edge_midpoint(&pose_a, ha, frame, true);
            let mid_b = edge_midpoint(&Pose::new(Vec3::ZERO, qb), hb, frame, false);
            let dir_b = frame.inverse() * (qb * Vec3::Y);
            let lateral = mid_a + Vec3::X * s - mid_b - dir_b * t;
            let lateral = frame * Vec3::new(lateral.x, lateral.y, 0.0);
            let pose_b = place_by_sat(&pose_a, ha, qb, hb, lateral, frame * Vec3::Z, target);
            Case {
                kind: "edge-edge",
                pose_a,
                half_a: ha,
                pose_b,
                half_b: hb,
                margin,
            }
        }
        // General poses, a third sharing (or nearly sharing) A's orientation.
        _ => {
            let qa = rng.quat();
            let qb = match k % 3 {
                0 => qa,
                1 => qa * Quat::from_rotation_z(rng.range(-0.5, 0.5)),
                _ => rng.quat(),
            };
            let (ha, hb) = (rng.half_extents(), rng.half_extents());
            let target = if k % 10 == 3 {
                rng.range(-0.3, -0.05)
            } else {
                rng.range(-0.04, 1.5 * margin.max(0.01))
            };
            let pose_a = Pose::new(position_a, qa);
            let dir = rng.unit();
            let pose_b = place_by_sat(&pose_a, ha, qb, hb, Vec3::ZERO, dir, target);
            Case {
                kind: "general",
                pose_a,
                half_a: ha,
                pose_b,
                half_b: hb,
                margin,
            }
        }
    }
}

/// Largest difference between the Rust and GPU manifolds' normals, positions and separations
/// (0 unless they have the same points).
fn deviation(rust: &Manifold, gpu: &GpuManifold) -> f32 {
    if rust.count != gpu.count as usize {
        return 0.0;
    }
    let mut d = (rust.normal - Vec3::from_array(gpu.normal))
        .abs()
        .max_element();
    for (r, g) in rust.points().iter().zip(&gpu.points) {
        d = d
            .max(
                (r.position - Vec3::from_array(g.position))
                    .abs()
                    .max_element(),
            )
            .max((r.separation - g.separation).abs());
    }
    d
}

/// Compares every case and panics on a mismatch, except, when `allow_ties`, in a case that
/// sits on a Rust decision boundary; returns the number of those skipped and the largest
/// deviation seen.
fn compare(gpu: &GpuContext, cases: &[Case], allow_ties: bool) -> (usize, f32) {
    let outputs = run_gpu(gpu, cases);
    let mut ties = 0;
    let mut max_dev = 0.0f32;
    let mut failures = Vec::new();
    for (k, (case, out)) in cases.iter().zip(&outputs).enumerate() {
        let rust = case.rust();
        match same_manifold(&rust, out, case.tolerance()) {
            Ok(()) => max_dev = max_dev.max(deviation(&rust, out)),
            Err(e) if allow_ties && case.is_rust_tie() => {
                ties += 1;
                eprintln!(
                    "case {k} ({}) sits on a decision boundary, skipped: {e}",
                    case.kind
                );
            }
            Err(e) => failures.push(format!(
                "case {k}: {case:?}\n  {e}\n  rust {rust:?}\n  gpu {out:?}"
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    (ties, max_dev)
}

#[test]
fn box_box_matches_rust_on_random_configurations() {
    let Some(gpu) = gpu_or_skip("box_box_matches_rust_on_random_configurations") else {
        return;
    };
    let mut rng = Rng(SplitMix64(0x0B0C_B0C5));
    let cases: Vec<Case> = (0..500).map(|k| random_case(&mut rng, k)).collect();
    let (ties, max_dev) = compare(&gpu, &cases, true);

    // What the sample exercised, by the Rust results.
    let mut counts = [0usize; 5];
    let (mut edge, mut ref_b) = (0, 0);
    for case in &cases {
        let m = case.rust();
        counts[m.count] += 1;
        if let Some(p) = m.points().first() {
            edge += (p.feature & EDGE_FLAG != 0) as usize;
            ref_b += (p.feature & (EDGE_FLAG | REF_B_FLAG) == REF_B_FLAG) as usize;
        }
    }
    println!(
        "{} cases, {ties} ties skipped, largest deviation {max_dev:e}; point counts 0..=4: \
         {counts:?}; edge contacts {edge}, reference face on B {ref_b}",
        cases.len()
    );
    assert!(
        ties * 50 < cases.len(),
        "{ties} ties: 2% or more of the cases"
    );
    assert!(
        counts[0] >= 10 && counts[1] >= 20 && counts[4] >= 150 && edge >= 20 && ref_b >= 20,
        "the sample misses a kind of contact: {counts:?}, edge {edge}, ref B {ref_b}"
    );
}

#[test]
fn box_box_matches_rust_on_named_configurations() {
    let Some(gpu) = gpu_or_skip("box_box_matches_rust_on_named_configurations") else {
        return;
    };
    let pose = Pose::new;
    let cube = Vec3::splat(0.5);
    let big = Vec3::new(2.0, 2.0, 0.5);
    let small = Vec3::splat(0.25);
    let top = 0.5 * std::f32::consts::SQRT_2;
    let far = Vec3::new(5000.0, -3000.0, 200.0);
    let case = |kind, pose_a, half_a, pose_b, half_b, margin| Case {
        kind,
        pose_a,
        half_a,
        pose_b,
        half_b,
        margin,
    };
    let resting = pose(Vec3::new(0.3, -0.2, 0.749), Quat::IDENTITY);
    let edge_a = pose(Vec3::ZERO, Quat::from_rotation_x(FRAC_PI_4));
    let edge_b = pose(
        Vec3::new(0.0, 0.0, 2.0 * top - 0.01),
        Quat::from_rotation_y(FRAC_PI_4),
    );
    let cases = [
        case("cube on box", Pose::IDENTITY, big, resting, small, 0.01),
        case("box under cube", resting, small, Pose::IDENTITY, big, 0.01),
        case(
            "far from origin",
            pose(far, Quat::IDENTITY),
            cube,
            pose(far + Vec3::new(0.1, 0.0, 0.998), Quat::IDENTITY),
            cube,
            0.01,
        ),
        case(
            "yawed octagon",
            Pose::IDENTITY,
            cube,
            pose(Vec3::new(0.0, 0.0, 0.999), Quat::from_rotation_z(FRAC_PI_4)),
            cube,
            0.01,
        ),
        case("edge crossing", edge_a, cube, edge_b, cube, 0.01),
        case("edge crossing swapped", edge_b, cube, edge_a, cube, 0.01),
        case(
            "speculative gap",
            Pose::IDENTITY,
            cube,
            pose(Vec3::new(0.2, 0.1, 1.01), Quat::IDENTITY),
            cube,
            0.02,
        ),
        case(
            "tilted plate on beam",
            pose(Vec3::ZERO, Quat::from_rotation_y(0.2)),
            Vec3::new(1.0, 0.06, 0.06),
            pose(Vec3::new(0.1, 0.0, 0.1), Quat::from_rotation_x(0.1)),
            Vec3::new(0.5, 0.5, 0.05),
            0.02,
        ),
    ];
    compare(&gpu, &cases, false);
}

/// Exactly degenerate inputs, common as initial conditions (aligned stacks of equal boxes,
/// coincident boxes): every clip and SAT decision is a tie here, decided by exact zeros that
/// both backends must compute alike.
#[test]
fn box_box_matches_rust_on_exact_degeneracies() {
    let Some(gpu) = gpu_or_skip("box_box_matches_rust_on_exact_degeneracies") else {
        return;
    };
    let pose = Pose::new;
    let cube = Vec3::splat(0.5);
    let flat = Vec3::new(0.5, 0.5, 0.0);
    let configurations = [
        (
            Pose::IDENTITY,
            cube,
            pose(Vec3::new(0.0, 0.0, 0.999), Quat::IDENTITY),
            cube,
        ),
        (
            Pose::IDENTITY,
            cube,
            pose(Vec3::new(0.0, 0.0, 1.0), Quat::IDENTITY),
            cube,
        ),
        (
            Pose::IDENTITY,
            cube,
            pose(Vec3::new(0.25, 0.0, 0.999), Quat::IDENTITY),
            cube,
        ),
        (
            Pose::IDENTITY,
            cube,
            pose(Vec3::new(1.0, 1.0, 0.0), Quat::IDENTITY),
            cube,
        ),
        // Incident edges lying on the reference face's side planes, crossed by others.
        (
            Pose::IDENTITY,
            cube,
            pose(Vec3::new(0.0, 0.0, 0.999), Quat::IDENTITY),
            Vec3::new(0.5, 0.8, 0.5),
        ),
        (
            Pose::IDENTITY,
            cube,
            pose(Vec3::new(0.25, 0.1, 0.999), Quat::IDENTITY),
            Vec3::new(0.25, 0.8, 0.5),
        ),
        (Pose::IDENTITY, cube, Pose::IDENTITY, cube),
        (
            Pose::IDENTITY,
            cube,
            pose(Vec3::ZERO, Quat::from_rotation_z(FRAC_PI_4)),
            cube,
        ),
        (
            pose(Vec3::ZERO, Quat::from_rotation_x(0.7)),
            cube,
            pose(Vec3::new(0.0, 0.3, 0.4), Quat::from_rotation_x(0.7)),
            cube,
        ),
        (
            Pose::IDENTITY,
            flat,
            pose(Vec3::ZERO, Quat::from_rotation_z(0.2)),
            flat,
        ),
    ];
    let mut cases = Vec::new();
    for (pose_a, half_a, pose_b, half_b) in configurations {
        for margin in [0.0, 0.01] {
            cases.push(Case {
                kind: "degenerate",
                pose_a,
                half_a,
                pose_b,
                half_b,
                margin,
            });
        }
    }
    // The tie detector of the random test sees these as ties (a 1e-6 slide makes clip points).
    assert!(cases[0].is_rust_tie(), "tie detector misses {:?}", cases[0]);
    compare(&gpu, &cases, false);
}

#[test]
fn separated_boxes_give_no_points() {
    let Some(gpu) = gpu_or_skip("separated_boxes_give_no_points") else {
        return;
    };
    let mut rng = Rng(SplitMix64(0x5EBA_4A7E));
    let margin = 0.02;
    let mut cases = Vec::new();
    for k in 0..60 {
        let (ha, hb) = (rng.half_extents(), rng.half_extents());
        let qa = rng.quat();
        let pose_a = Pose::new(rng.vec(-1.0, 1.0), qa);
        let gap = rng.range(margin + 0.005, 0.3);
        let pose_b = match k % 3 {
            // Stacked with a gap along A's face normal.
            0 => {
                let qb = qa * Quat::from_rotation_z(rng.range(-PI, PI));
                Pose::new(
                    pose_a.position + qa * Vec3::new(0.0, 0.0, ha.z + hb.z + gap),
                    qb,
                )
            }
            // Crossing edges held apart.
            1 => {
                let qa2 = qa * Quat::from_rotation_x(FRAC_PI_4);
                let qb = qa * Quat::from_rotation_z(0.7) * Quat::from_rotation_y(FRAC_PI_4);
                let pa = Pose::new(pose_a.position, qa2);
                let pb = place_by_sat(&pa, ha, qb, hb, Vec3::ZERO, qa * Vec3::Z, gap);
                cases.push(Case {
                    kind: "separated edges",
                    pose_a: pa,
                    half_a: ha,
                    pose_b: pb,
                    half_b: hb,
                    margin,
                });
                continue;
            }
            // Anything, along a random direction.
            _ => {
                let qb = rng.quat();
                let dir = rng.unit();
                place_by_sat(&pose_a, ha, qb, hb, Vec3::ZERO, dir, gap)
            }
        };
        cases.push(Case {
            kind: "separated",
            pose_a,
            half_a: ha,
            pose_b,
            half_b: hb,
            margin,
        });
    }
    let outputs = run_gpu(&gpu, &cases);
    for (case, out) in cases.iter().zip(&outputs) {
        assert!(case.rust().is_empty(), "CPU: points for {case:?}");
        assert_eq!(out.count, 0, "GPU: points for {case:?}: {out:?}");
    }
}
