//! Shared by the kernel-twin tests: runs a narrow-phase WGSL function on many shape pairs and
//! compares its manifolds with the Rust function's.
#![allow(dead_code)]

use bytemuck::{Pod, Zeroable};
use manyworlds_core::{Pose, Shape};
use manyworlds_cpu::narrowphase::Manifold;
use manyworlds_gpu::layout::{GpuManifold, GpuPose, GpuShape};
use manyworlds_gpu::shader_source::assemble;
use manyworlds_gpu::testing::run_kernel;
use manyworlds_gpu::GpuContext;

/// One pair to collide. WGSL twin in [`collide_kernel`].
#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
pub struct CollideCase {
    pub pose_a: GpuPose,
    pub pose_b: GpuPose,
    pub shape_a: GpuShape,
    pub shape_b: GpuShape,
    pub margin: f32,
    pub _pad: [f32; 3],
}

impl CollideCase {
    pub fn new(a: &Shape, pose_a: &Pose, b: &Shape, pose_b: &Pose, margin: f32) -> Self {
        CollideCase {
            pose_a: pose_a.into(),
            pose_b: pose_b.into(),
            shape_a: a.into(),
            shape_b: b.into(),
            margin,
            _pad: [0.0; 3],
        }
    }
}

/// A kernel that evaluates the WGSL expression `call` (of `c: CollideCase`, giving a
/// `Manifold`) for every case, with the shader files `files` (and their includes).
pub fn collide_kernel(files: &[&str], call: &str) -> String {
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
    let mut source = assemble("", files).expect("shader files");
    source.push_str(&body);
    source
}

/// Runs `call` (see [`collide_kernel`]) on every case.
pub fn run_collide(
    context: &GpuContext,
    files: &[&str],
    call: &str,
    cases: &[CollideCase],
) -> Vec<GpuManifold> {
    run_kernel(context, &collide_kernel(files, call), "collide_case", cases)
}

/// Whether the GPU manifold has the same normal, and the same points (position, separation,
/// feature, in the same order) as the Rust one, within `tolerance`. Err describes the first
/// difference.
pub fn same_manifold(rust: &Manifold, gpu: &GpuManifold, tolerance: f32) -> Result<(), String> {
    if rust.count != gpu.count as usize {
        return Err(format!(
            "{} points on the CPU, {} on the GPU",
            rust.count, gpu.count
        ));
    }
    let close = |a: [f32; 3], b: [f32; 3]| (0..3).all(|k| (a[k] - b[k]).abs() <= tolerance);
    if rust.count > 0 && !close(rust.normal.to_array(), gpu.normal) {
        return Err(format!(
            "normal {:?} on the CPU, {:?} on the GPU",
            rust.normal, gpu.normal
        ));
    }
    for (i, (r, g)) in rust.points().iter().zip(&gpu.points).enumerate() {
        if !close(r.position.to_array(), g.position)
            || (r.separation - g.separation).abs() > tolerance
            || r.feature != g.feature
        {
            return Err(format!("point {i}: CPU {r:?}, GPU {g:?}"));
        }
    }
    Ok(())
}

/// Whether the GPU manifold has the same normal and the same points as the Rust one in some
/// order: each Rust point matched by a GPU point of the same feature id within `tolerance`.
/// Candidates of equal depth (symmetric features) sort in either order after round-off, and
/// the solver matches points by feature id, not by place.
pub fn same_points_in_any_order(rust: &Manifold, gpu: &GpuManifold, tolerance: f32) -> bool {
    let close = |a: [f32; 3], b: [f32; 3]| (0..3).all(|k| (a[k] - b[k]).abs() <= tolerance);
    let gpu_points = &gpu.points[..(gpu.count as usize).min(gpu.points.len())];
    rust.count == gpu_points.len()
        && (rust.count == 0 || close(rust.normal.to_array(), gpu.normal))
        && rust.points().iter().all(|r| {
            gpu_points.iter().any(|g| {
                g.feature == r.feature
                    && close(r.position.to_array(), g.position)
                    && (r.separation - g.separation).abs() <= tolerance
            })
        })
}

/// SplitMix64: the kernel-twin tests draw their random cases from it.
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1), 24 random bits.
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }
}
