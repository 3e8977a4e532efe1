//! Kernel twin of gyroscopic.wgsl: a body's angular velocity after a half substep of its
//! gyroscopic torque, against gyroscopic.rs, on random inertias, orientations and spins
//! (isotropic bodies included, which both must leave alone).

use bytemuck::{Pod, Zeroable};
use glam::{Mat3, Mat3A, Quat, Vec3, Vec3A};
use manyworlds_cpu::gyroscopic::{has_gyroscopic_torque, torque_free_step};
use manyworlds_gpu::shader_source::assemble;
use manyworlds_gpu::testing::{gpu_or_skip, run_kernel};

mod support;
use support::SplitMix64;

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct Input {
    inverse_inertia: [[f32; 4]; 3],
    orientation: [f32; 4],
    angular: [f32; 4],
}

const KERNEL: &str = r#"
struct Input { inverse_inertia: mat3x3f, orientation: vec4f, angular: vec4f }
@group(0) @binding(0) var<storage, read> inputs: array<Input>;
@group(0) @binding(1) var<storage, read_write> outputs: array<vec4f>;
@compute @workgroup_size(64)
fn gyro(@builtin(global_invocation_id) id: vec3u) {
    if id.x >= arrayLength(&inputs) { return; }
    let i = inputs[id.x];
    outputs[id.x] = vec4f(gyroscopic_velocity(i.inverse_inertia, i.orientation, i.angular.xyz, i.angular.w), 0.0);
}
"#;

/// The CPU's answer (solver_body.rs `apply_gyroscopic`).
fn cpu(inverse_inertia: &Mat3, q: Quat, angular: Vec3, h: f32) -> Vec3 {
    if !has_gyroscopic_torque(inverse_inertia) {
        return angular;
    }
    let local = Vec3A::from(q.conjugate() * angular);
    let turned = torque_free_step(&Mat3A::from(inverse_inertia.inverse()), local, h);
    angular + q * Vec3::from(turned - local)
}

#[test]
fn gyroscopic_step_matches_the_cpu() {
    let Some(gpu) = gpu_or_skip("gyroscopic_step_matches_the_cpu") else {
        return;
    };
    let mut random = SplitMix64(11);
    let mut next = move || random.unit() * 2.0 - 1.0;
    let mut cases = Vec::new();
    for k in 0..400 {
        // Principal moments from 0.01 to 2 turned by a random rotation; every 10th isotropic.
        let moments = if k % 10 == 0 {
            Vec3::splat(0.5)
        } else {
            Vec3::new(next(), next(), next()).abs() * 2.0 + Vec3::splat(0.01)
        };
        let axes = Mat3::from_quat(Quat::from_xyzw(next(), next(), next(), next()).normalize());
        let inverse_inertia = axes * Mat3::from_diagonal(moments.recip()) * axes.transpose();
        let q = Quat::from_xyzw(next(), next(), next(), next()).normalize();
        let angular = Vec3::new(next(), next(), next()) * 30.0;
        cases.push((inverse_inertia, q, angular, 0.00125));
    }
    let inputs: Vec<Input> = cases
        .iter()
        .map(|(m, q, w, h)| Input {
            inverse_inertia: [0, 1, 2].map(|c| m.col(c).extend(0.0).to_array()),
            orientation: q.to_array(),
            angular: w.extend(*h).to_array(),
        })
        .collect();
    let source = assemble("", &["gyroscopic.wgsl"]).unwrap() + KERNEL;
    let outputs: Vec<[f32; 4]> = run_kernel(&gpu, &source, "gyro", &inputs);
    for ((m, q, w, h), out) in cases.iter().zip(&outputs) {
        let expected = cpu(m, *q, *w, *h);
        let got = Vec3::new(out[0], out[1], out[2]);
        assert!(
            (got - expected).length() <= 1e-4 * (1.0 + expected.length()),
            "inverse inertia {m}, q {q}, ω {w}: GPU {got}, CPU {expected}"
        );
    }
}
