//! Support for tests that run on the GPU: finding one (or skipping loudly) and running one WGSL
//! function over an array of inputs, so a kernel can be compared with its Rust twin.

use bytemuck::Pod;
use wgpu::util::DeviceExt;

use crate::context::{AdapterChoice, GpuContext};

/// Set to 1 (CI does) to make a missing GPU fail tests instead of skipping them.
pub const REQUIRE_GPU_ENV: &str = "MANYWORLDS_REQUIRE_GPU";

/// A device for a GPU test, or `None` after a loud notice when there is none, unless
/// `MANYWORLDS_REQUIRE_GPU=1`, which turns the skip into a failure.
pub fn gpu_or_skip(test: &str) -> Option<GpuContext> {
    match GpuContext::new(&AdapterChoice::Auto) {
        Ok(context) => Some(context),
        Err(e) => {
            if std::env::var(REQUIRE_GPU_ENV).is_ok_and(|v| v.trim() == "1") {
                panic!("{test}: {REQUIRE_GPU_ENV}=1 but there is no GPU: {e}");
            }
            eprintln!(
                "SKIPPED {test}: no GPU adapter ({e}); set {REQUIRE_GPU_ENV}=1 to fail instead"
            );
            None
        }
    }
}

/// Lanes per workgroup of [`run_kernel`].
pub const KERNEL_WORKGROUP: u32 = 64;

/// Runs entry point `entry` of WGSL `source` once per element of `inputs` and returns what it
/// wrote. The source declares
///
/// ```text
/// @group(0) @binding(0) var<storage, read> inputs: array<I>;
/// @group(0) @binding(1) var<storage, read_write> outputs: array<O>;
/// @compute @workgroup_size(64) fn entry(@builtin(global_invocation_id) id: vec3u) { … }
/// ```
///
/// and must skip ids past `arrayLength(&inputs)`.
pub fn run_kernel<I: Pod, O: Pod>(
    context: &GpuContext,
    source: &str,
    entry: &str,
    inputs: &[I],
) -> Vec<O> {
    run_kernel_with_hulls(context, source, entry, inputs, None)
}

/// As [`run_kernel`], with `hulls` (`scene_upload::scene_hulls`) bound as the step kernel
/// binds them, at binding 2 (`narrowphase_hull.wgsl`'s `hull_data`).
pub fn run_kernel_with_hulls<I: Pod, O: Pod>(
    context: &GpuContext,
    source: &str,
    entry: &str,
    inputs: &[I],
    hulls: Option<&[[u32; 4]]>,
) -> Vec<O> {
    let device = &context.device;
    let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some(entry),
        source: wgpu::ShaderSource::Wgsl(source.into()),
    });
    let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
        label: Some(entry),
        layout: None,
        module: &module,
        entry_point: Some(entry),
        compilation_options: Default::default(),
        cache: None,
    });
    let input = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some("kernel inputs"),
        contents: bytemuck::cast_slice(inputs),
        usage: wgpu::BufferUsages::STORAGE,
    });
    let size = (inputs.len() * std::mem::size_of::<O>()) as u64;
    let output = device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("kernel outputs"),
        size,
        usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
        mapped_at_creation: false,
    });
    let staging = device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("kernel readback"),
        size,
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    let hull_buffer = hulls.map(|h| {
        device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("kernel hulls"),
            contents: bytemuck::cast_slice(h),
            usage: wgpu::BufferUsages::STORAGE,
        })
    });
    let mut entries = vec![
        wgpu::BindGroupEntry {
            binding: 0,
            resource: input.as_entire_binding(),
        },
        wgpu::BindGroupEntry {
            binding: 1,
            resource: output.as_entire_binding(),
        },
    ];
    if let Some(buffer) = &hull_buffer {
        entries.push(wgpu::BindGroupEntry {
            binding: 2,
            resource: buffer.as_entire_binding(),
        });
    }
    let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: Some(entry),
        layout: &pipeline.get_bind_group_layout(0),
        entries: &entries,
    });
    let mut encoder = device.create_command_encoder(&Default::default());
    {
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some(entry),
            timestamp_writes: None,
        });
        pass.set_pipeline(&pipeline);
        pass.set_bind_group(0, &bind_group, &[]);
        pass.dispatch_workgroups((inputs.len() as u32).div_ceil(KERNEL_WORKGROUP), 1, 1);
    }
    encoder.copy_buffer_to_buffer(&output, 0, &staging, 0, size);
    context.queue.submit([encoder.finish()]);
    let slice = staging.slice(..);
    slice.map_async(wgpu::MapMode::Read, |r| r.expect("map kernel outputs"));
    device
        .poll(wgpu::PollType::wait_indefinitely())
        .expect("GPU poll");
    let outputs = bytemuck::pod_collect_to_vec(&slice.get_mapped_range().expect("mapped outputs"));
    staging.unmap();
    outputs
}
