//! The step kernel of one scene: its WGSL (sized for the scene's bodies and colliders), its
//! pipeline and bind-group layout, created once per batch.

use manyworlds_core::Scene;

use crate::error::GpuError;
use crate::layout::GpuShape;
use crate::shader_source::{assemble, validate, KernelSizes};

/// Bytes of workgroup memory per body and per collider (step_bindings.wgsl, step.wgsl), to
/// refuse scenes that cannot fit before the driver does.
const WORKGROUP_BYTES_PER_BODY: usize = 16 * 6 + 48 * 2 + 4 * 3;
const WORKGROUP_BYTES_PER_COLLIDER: usize = 32 + 16 * 2 + 4 * 2;

pub struct StepKernel {
    pub pipeline: wgpu::ComputePipeline,
    pub layout: wgpu::BindGroupLayout,
    /// Size of one constraint slot (WGSL `Constraint`), as naga lays it out.
    pub constraint_size: u64,
}

fn storage(binding: u32, read_only: bool, dynamic: bool) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::COMPUTE,
        ty: wgpu::BindingType::Buffer {
            ty: wgpu::BufferBindingType::Storage { read_only },
            has_dynamic_offset: dynamic,
            min_binding_size: None,
        },
        count: None,
    }
}

fn uniform(binding: u32, dynamic: bool) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::COMPUTE,
        ty: wgpu::BindingType::Buffer {
            ty: wgpu::BufferBindingType::Uniform,
            has_dynamic_offset: dynamic,
            min_binding_size: None,
        },
        count: None,
    }
}

impl StepKernel {
    /// The kernel for `scene` with `workgroup_size` lanes per world.
    pub fn new(
        device: &wgpu::Device,
        limits: &wgpu::Limits,
        scene: &Scene,
        workgroup_size: u32,
    ) -> Result<Self, GpuError> {
        let (bodies, colliders) = (scene.body_count(), scene.colliders().len());
        let workgroup_bytes =
            bodies * WORKGROUP_BYTES_PER_BODY + colliders * WORKGROUP_BYTES_PER_COLLIDER + 1024;
        if workgroup_bytes > limits.max_compute_workgroup_storage_size as usize {
            return Err(GpuError::SceneTooLarge(format!(
                "{bodies} bodies and {colliders} colliders need about {workgroup_bytes} bytes of \
                 workgroup memory; this adapter has {}",
                limits.max_compute_workgroup_storage_size
            )));
        }
        let sizes = KernelSizes {
            max_bodies: bodies,
            max_colliders: colliders,
            workgroup_size,
            shape_kinds: scene
                .colliders()
                .iter()
                .fold(0, |kinds, c| kinds | 1 << GpuShape::from(&c.shape).kind),
            restitution: scene
                .colliders()
                .iter()
                .any(|c| c.material.restitution > 0.0),
        };
        let source = assemble(&sizes.prelude(), &["step.wgsl"])?;
        let module = validate("step.wgsl", &source)?;
        let constraint_size = struct_size(&module, "Constraint")?;
        let shader = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("step.wgsl"),
            source: wgpu::ShaderSource::Wgsl(source.into()),
        });
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("step bindings"),
            entries: &[
                uniform(0, false),
                storage(1, true, false),
                storage(2, true, false),
                storage(3, false, false),
                // The contact memory of the dispatch's worlds, at a dynamic offset.
                storage(4, false, true),
                storage(5, false, false),
                storage(6, false, false),
                storage(7, false, false),
                uniform(8, true),
            ],
        });
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("step"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some("step_worlds"),
            layout: Some(&pipeline_layout),
            module: &shader,
            entry_point: Some("step_worlds"),
            compilation_options: Default::default(),
            cache: None,
        });
        Ok(StepKernel {
            pipeline,
            layout,
            constraint_size,
        })
    }
}

/// The size naga gives WGSL struct `name`.
fn struct_size(module: &naga::Module, name: &str) -> Result<u64, GpuError> {
    let mut layouter = naga::proc::Layouter::default();
    layouter
        .update(module.to_ctx())
        .map_err(|e| GpuError::Shader {
            file: "step.wgsl".to_string(),
            message: e.to_string(),
        })?;
    module
        .types
        .iter()
        .find(|(_, t)| t.name.as_deref() == Some(name))
        .map(|(handle, _)| layouter[handle].size as u64)
        .ok_or_else(|| GpuError::Shader {
            file: "step.wgsl".to_string(),
            message: format!("no struct {name}"),
        })
}
