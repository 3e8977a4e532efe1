//! Kernel twin of the hull narrow phase: `collide_hull` of shaders/narrowphase_hull.wgsl
//! (plane, sphere, capsule, box, cylinder and hull against a hull) against the CPU's
//! `narrowphase::collide` on random configurations of random hulls, their data uploaded as
//! the step kernel gets it (`scene_hulls`, binding 2).
//!
//! A case passes when both give the same point count, normal, points and feature ids (in any
//! order) within 2e-4 m (1e-3 for the round pairs, capsule and cylinder, whose normal the
//! support search finds where the gap is flat, as round_shapes_twin.rs); that search may
//! land a round-off apart at a decision boundary, so up to 3 % of the round cases may
//! differ, and then their deepest separations must still agree within 1 mm.

mod support;

use glam::{Quat, Vec3};
use manyworlds_core::{ConvexHull, HullId, Pose, Shape};
use manyworlds_cpu::narrowphase::collide;
use manyworlds_gpu::layout::GpuManifold;
use manyworlds_gpu::scene_hulls;
use manyworlds_gpu::shader_source::{assemble, hull_prelude};
use manyworlds_gpu::testing::{gpu_or_skip, run_kernel_with_hulls};
use support::{same_points_in_any_order, CollideCase, SplitMix64};

const CASES: usize = 300;

fn unit(rng: &mut SplitMix64) -> f32 {
    rng.unit()
}

fn vec(rng: &mut SplitMix64, s: f32) -> Vec3 {
    Vec3::new(
        (2.0 * unit(rng) - 1.0) * s,
        (2.0 * unit(rng) - 1.0) * s,
        (2.0 * unit(rng) - 1.0) * s,
    )
}

fn quat(rng: &mut SplitMix64) -> Quat {
    if unit(rng) < 0.25 {
        return Quat::from_rotation_z(std::f32::consts::FRAC_PI_2 * (4.0 * unit(rng)).floor());
    }
    let q = Quat::from_xyzw(
        unit(rng) - 0.5,
        unit(rng) - 0.5,
        unit(rng) - 0.5,
        unit(rng) - 0.5,
    );
    if q.length_squared() < 1e-4 {
        Quat::IDENTITY
    } else {
        q.normalize()
    }
}

/// Hull 0 a box's corners, the rest random clouds of 5–40 points.
fn hulls(rng: &mut SplitMix64) -> Vec<ConvexHull> {
    let mut list = Vec::new();
    let corners: Vec<Vec3> = (0..8)
        .map(|i| {
            Vec3::new(
                if i & 1 == 0 { -1.0 } else { 1.0 },
                if i & 2 == 0 { -1.0 } else { 1.0 },
                if i & 4 == 0 { -1.0 } else { 1.0 },
            )
        })
        .collect();
    list.push(ConvexHull::from_points(&corners, 64).expect("box").0);
    while list.len() < 6 {
        let n = 5 + (35.0 * unit(rng)) as usize;
        let points: Vec<Vec3> = (0..n).map(|_| vec(rng, 0.3)).collect();
        if let Ok((h, _)) = ConvexHull::from_points(&points, 64) {
            list.push(h);
        }
    }
    list
}

fn deepest(separations: impl Iterator<Item = f32>) -> f32 {
    separations.fold(f32::INFINITY, f32::min)
}

#[test]
fn collide_hull_matches_rust() {
    let Some(gpu) = gpu_or_skip("collide_hull_matches_rust") else {
        return;
    };
    let mut rng = SplitMix64(19);
    let hull_list = hulls(&mut rng);
    let mut cases = Vec::with_capacity(CASES);
    let mut shapes = Vec::with_capacity(CASES);
    for k in 0..CASES {
        let hull = |rng: &mut SplitMix64| {
            let id = (unit(rng) * hull_list.len() as f32) as u32 % hull_list.len() as u32;
            let scale = if id == 0 {
                Vec3::new(0.1, 0.1, 0.1) + vec(rng, 0.1).abs()
            } else {
                Vec3::ONE + vec(rng, 0.3)
            };
            Shape::hull(HullId(id), scale)
        };
        let a = match k % 6 {
            0 => Shape::Plane,
            1 => Shape::sphere(0.05 + 0.2 * unit(&mut rng)),
            2 => Shape::capsule(0.05 + 0.2 * unit(&mut rng), 0.05 + 0.1 * unit(&mut rng)),
            3 => Shape::cuboid(Vec3::splat(0.05) + vec(&mut rng, 0.2).abs()),
            4 => Shape::cylinder(0.05 + 0.2 * unit(&mut rng), 0.05 + 0.15 * unit(&mut rng)),
            _ => hull(&mut rng),
        };
        let b = hull(&mut rng);
        let pa = if a == Shape::Plane {
            Pose::new(vec(&mut rng, 0.1), quat(&mut rng))
        } else {
            Pose::new(vec(&mut rng, 0.4), quat(&mut rng))
        };
        let pb = Pose::new(vec(&mut rng, 0.4), quat(&mut rng));
        cases.push(CollideCase::new(&a, &pa, &b, &pb, 0.03));
        shapes.push((a, pa, b, pb));
    }
    let call = "collide_hull(c.shape_a, c.pose_a, c.shape_b, c.pose_b, c.margin)";
    let body = format!(
        r#"
struct CollideCase {{
    pose_a: Pose,
    pose_b: Pose,
    shape_a: ShapeDesc,
    shape_b: ShapeDesc,
    margin: f32,
}}
@group(0) @binding(0) var<storage, read> inputs: array<CollideCase>;
@group(0) @binding(1) var<storage, read_write> outputs: array<Manifold>;
@compute @workgroup_size(64)
fn collide_case(@builtin(global_invocation_id) id: vec3u) {{
    if id.x >= arrayLength(&inputs) {{ return; }}
    let c = inputs[id.x];
    outputs[id.x] = {call};
}}
"#
    );
    let mut source = assemble(&hull_prelude(), &["narrowphase_hull.wgsl"]).expect("shaders");
    source.push_str(&body);
    let data = scene_hulls(&hull_list);
    let outputs: Vec<GpuManifold> =
        run_kernel_with_hulls(&gpu, &source, "collide_case", &cases, Some(&data));

    let (mut touching, mut round_misses, mut round_cases) = (0, 0, 0);
    for (k, ((a, pa, b, pb), gpu_m)) in shapes.iter().zip(&outputs).enumerate() {
        let rust = collide(a, pa, b, pb, 0.03, &hull_list);
        touching += usize::from(rust.count > 0);
        let round = matches!(a, Shape::Capsule { .. } | Shape::Cylinder { .. });
        round_cases += usize::from(round);
        let tolerance = if round { 1e-3 } else { 2e-4 };
        if same_points_in_any_order(&rust, gpu_m, tolerance) {
            continue;
        }
        assert!(
            round,
            "case {k}: {a:?} {pa:?} vs {b:?} {pb:?}\nCPU {rust:?}\nGPU {gpu_m:?}"
        );
        round_misses += 1;
        let r = deepest(rust.points().iter().map(|p| p.separation));
        let g = deepest(
            gpu_m.points[..(gpu_m.count as usize).min(4)]
                .iter()
                .map(|p| p.separation),
        );
        assert!(
            (r - g).abs() < 1e-3 || (r.min(g) > 0.0),
            "case {k}: deepest {r} on the CPU, {g} on the GPU"
        );
    }
    assert!(touching > CASES / 4, "only {touching} cases touch");
    assert!(
        round_misses * 100 <= 3 * round_cases,
        "{round_misses} of {round_cases} round cases differ"
    );
}
