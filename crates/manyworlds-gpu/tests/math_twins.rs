//! Kernel twins of common.wgsl's helpers: quaternion rotation, composition and matrices, and
//! the tangent basis, against glam on random inputs.

use bytemuck::{Pod, Zeroable};
use glam::{Mat3, Quat, Vec3};
use manyworlds_gpu::shader_source::assemble;
use manyworlds_gpu::testing::{gpu_or_skip, run_kernel};

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct Input {
    a: [f32; 4],
    b: [f32; 4],
    v: [f32; 4],
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable, Debug)]
struct Output {
    rotated: [f32; 4],
    product: [f32; 4],
    matrix: [[f32; 4]; 3],
    tangents: [[f32; 4]; 2],
}

const KERNEL: &str = r#"
struct Input { a: vec4f, b: vec4f, v: vec4f }
struct Output { rotated: vec3f, product: vec4f, matrix: mat3x3f, tangents: array<vec3f, 2> }
@group(0) @binding(0) var<storage, read> inputs: array<Input>;
@group(0) @binding(1) var<storage, read_write> outputs: array<Output>;
@compute @workgroup_size(64)
fn math(@builtin(global_invocation_id) id: vec3u) {
    if id.x >= arrayLength(&inputs) { return; }
    let i = inputs[id.x];
    outputs[id.x] = Output(
        quat_rotate(i.a, i.v.xyz),
        quat_mul(i.a, i.b),
        quat_to_mat3(i.a),
        orthonormal_pair(normalize(i.v.xyz)),
    );
}
"#;

fn random_quat(next: &mut impl FnMut() -> f32) -> Quat {
    Quat::from_xyzw(next(), next(), next(), next()).normalize()
}

#[test]
fn quaternion_and_basis_helpers_match_glam() {
    let Some(gpu) = gpu_or_skip("quaternion_and_basis_helpers_match_glam") else {
        return;
    };
    let mut state = 7u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    };
    let mut cases = Vec::new();
    for k in 0..500 {
        let a = random_quat(&mut next);
        let b = random_quat(&mut next);
        // Some normals with z exactly ±0 or ±1, where the basis switches branch.
        let v = match k % 50 {
            0 => Vec3::new(0.6, 0.8, 0.0),
            1 => Vec3::new(0.6, 0.8, -0.0),
            2 => Vec3::Z,
            3 => Vec3::NEG_Z,
            _ => Vec3::new(next(), next(), next()) * 3.0,
        };
        cases.push((a, b, v));
    }
    let inputs: Vec<Input> = cases
        .iter()
        .map(|(a, b, v)| Input {
            a: a.to_array(),
            b: b.to_array(),
            v: v.extend(0.0).to_array(),
        })
        .collect();
    let source = assemble("", &["common.wgsl"]).unwrap() + KERNEL;
    let outputs: Vec<Output> = run_kernel(&gpu, &source, "math", &inputs);
    let close = |x: &[f32], y: &[f32]| {
        x.iter()
            .zip(y)
            .all(|(p, q)| (p - q).abs() < 2e-6 * (1.0 + q.abs()))
    };
    for ((a, b, v), out) in cases.iter().zip(&outputs) {
        let rotated = *a * *v;
        assert!(
            close(&out.rotated[..3], &rotated.to_array()),
            "{a} * {v}: {:?} vs {rotated}",
            out.rotated
        );
        assert!(close(&out.product, &(*a * *b).to_array()), "{a} * {b}");
        let m = Mat3::from_quat(*a);
        for c in 0..3 {
            assert!(
                close(&out.matrix[c][..3], &m.col(c).to_array()),
                "matrix of {a}"
            );
        }
        let (t1, t2) = v.normalize().any_orthonormal_pair();
        assert!(
            close(&out.tangents[0][..3], &t1.to_array()),
            "tangent 1 of {v}"
        );
        assert!(
            close(&out.tangents[1][..3], &t2.to_array()),
            "tangent 2 of {v}"
        );
    }
}
