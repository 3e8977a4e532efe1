//! The step kernel of one scene: its WGSL (sized for the scene's bodies and colliders), its
//! pipeline and bind-group layout, created once per batch.

use manyworlds_core::joint_tree::JointTree;
use manyworlds_core::Scene;

use crate::context::GpuContext;
use crate::error::GpuError;
use crate::layout::GpuShape;
use crate::scene_upload::tree_nodes;
use crate::shader_source::{assemble, validate, KernelSizes};

/// Bytes of workgroup memory per body and per collider (step_bindings.wgsl, step.wgsl), to
/// refuse scenes that cannot fit before the driver does.
const WORKGROUP_BYTES_PER_BODY: usize = 16 * 6 + 48 * 2 + 4 * 3;
const WORKGROUP_BYTES_PER_COLLIDER: usize = 32 + 16 * 2 + 4 * 2;

#[derive(Clone)]
pub struct StepKernel {
    pub pipeline: wgpu::ComputePipeline,
    pub layout: wgpu::BindGroupLayout,
    /// Size of one constraint slot (WGSL `Constraint`), as naga lays it out.
    pub constraint_size: u64,
    /// Size of one world's joint scratch (WGSL `WorldJoints`).
    pub joint_scratch_size: u64,
    /// The WGSL `Articulation` uniform: its size and where its tree nodes and excluded-pair
    /// bits start.
    pub articulation_size: u64,
    pub articulation_offsets: [u64; 2],
    /// One WGSL `WorldScene`: its size and where its bodies, colliders, joints, actuators and
    /// gravity start.
    pub world_scene_size: u64,
    pub world_scene_offsets: [u64; 5],
    /// Whether the restitution pass is compiled in.
    pub restitution: bool,
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

/// Set (to anything) to log every step-kernel compile on stderr with its sizes: which
/// scenes need kernels of their own (each a long LLVM compile on a software GPU).
pub const LOG_KERNELS_ENV: &str = "MANYWORLDS_LOG_KERNELS";

impl StepKernel {
    /// The kernel for `scene` on `context`'s device (compiled once per specialisation and
    /// device, then taken from the device's cache).
    pub fn new(
        context: &GpuContext,
        scene: &Scene,
        tree: &JointTree,
        restitution_pass: bool,
    ) -> Result<Self, GpuError> {
        let (device, limits) = (&context.device, &context.limits);
        let workgroup_size = context.workgroup_size;
        let (bodies, colliders) = (scene.body_count(), scene.colliders().len());
        let exact = KernelSizes {
            max_bodies: bodies,
            max_colliders: colliders,
            joints: scene.joints().len(),
            actuators: scene.actuators().len(),
            tree_nodes: tree_nodes(tree).len(),
            workgroup_size,
            shape_kinds: scene.colliders().iter().fold(0, |kinds, c| {
                kinds | 1 << GpuShape::from(&c.shape).kind_code()
            }),
            restitution: restitution_pass
                || scene
                    .colliders()
                    .iter()
                    .any(|c| c.material.restitution > 0.0),
        };
        let workgroup_limit = limits.max_compute_workgroup_storage_size as usize;
        let uniform_limit = limits.max_uniform_buffer_binding_size;
        // The bucket's kernel where its larger arrays fit the adapter, else one for this
        // scene alone.
        let bucketed = exact.bucketed();
        let sizes = if workgroup_bytes(&bucketed) <= workgroup_limit
            && articulation_bytes(&bucketed) <= uniform_limit
        {
            bucketed
        } else {
            exact
        };
        let needed = workgroup_bytes(&sizes);
        if needed > workgroup_limit {
            return Err(GpuError::SceneTooLarge(format!(
                "{bodies} bodies and {colliders} colliders need about {needed} bytes of \
                 workgroup memory; this adapter has {workgroup_limit}"
            )));
        }
        let prelude = sizes.prelude();
        let mut kernels = context
            .kernels
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(kernel) = kernels.get(&prelude) {
            return Ok(kernel.clone());
        }
        if std::env::var_os(LOG_KERNELS_ENV).is_some() {
            eprintln!("manyworlds: compiling a step kernel for {sizes:?}");
        }
        let source = assemble(&prelude, &["step.wgsl"])?;
        let module = validate("step.wgsl", &source)?;
        let layouter = layouter(&module)?;
        let constraint_size = struct_layout(&module, &layouter, "Constraint")?.0;
        let joint_scratch_size = struct_layout(&module, &layouter, "WorldJoints")?.0;
        let (articulation_size, members) = struct_layout(&module, &layouter, "Articulation")?;
        let articulation_offsets: [u64; 2] =
            members.try_into().map_err(|m: Vec<u64>| GpuError::Shader {
                file: "step.wgsl".to_string(),
                message: format!("Articulation has {} members, not 2", m.len()),
            })?;
        let (world_scene_size, members) = struct_layout(&module, &layouter, "WorldScene")?;
        let world_scene_offsets: [u64; 5] =
            members.try_into().map_err(|m: Vec<u64>| GpuError::Shader {
                file: "step.wgsl".to_string(),
                message: format!("WorldScene has {} members, not 5", m.len()),
            })?;
        if articulation_size > uniform_limit {
            return Err(GpuError::SceneTooLarge(format!(
                "{bodies} bodies and {} joint-tree nodes need {articulation_size} bytes of \
                 uniforms; this adapter binds {uniform_limit}",
                tree_nodes(tree).len()
            )));
        }
        let shader = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("step.wgsl"),
            source: wgpu::ShaderSource::Wgsl(source.into()),
        });
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("step bindings"),
            entries: &[
                uniform(0, false),
                // The worlds' scenes; the scene's convex hulls.
                storage(1, true, false),
                storage(2, true, false),
                storage(3, false, false),
                // The contact memory of the dispatch's worlds, at a dynamic offset.
                storage(4, false, true),
                storage(5, false, false),
                storage(6, false, false),
                storage(7, false, false),
                uniform(8, true),
                // The scene's joint trees and excluded pairs; the joints' scratch.
                uniform(9, false),
                storage(10, false, false),
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
        let kernel = StepKernel {
            pipeline,
            layout,
            constraint_size,
            joint_scratch_size,
            articulation_size,
            articulation_offsets,
            world_scene_size,
            world_scene_offsets,
            restitution: sizes.restitution,
        };
        kernels.insert(prelude, kernel.clone());
        Ok(kernel)
    }
}

/// About how much workgroup memory a kernel of `sizes` takes (one body slot more: the world's
/// stand-in).
fn workgroup_bytes(sizes: &KernelSizes) -> usize {
    (sizes.max_bodies + 1) * WORKGROUP_BYTES_PER_BODY
        + sizes.max_colliders * WORKGROUP_BYTES_PER_COLLIDER
        + 1024
}

/// The bytes of WGSL `Articulation` (the joint trees' nodes and the excluded-pair bits) for
/// `sizes`.
fn articulation_bytes(sizes: &KernelSizes) -> u64 {
    16 * (sizes.tree_nodes.max(1) + sizes.exclusion_vec4s()) as u64
}

fn layouter(module: &naga::Module) -> Result<naga::proc::Layouter, GpuError> {
    let mut layouter = naga::proc::Layouter::default();
    layouter
        .update(module.to_ctx())
        .map_err(|e| GpuError::Shader {
            file: "step.wgsl".to_string(),
            message: e.to_string(),
        })?;
    Ok(layouter)
}

/// The size naga gives WGSL struct `name`, and its members' offsets.
fn struct_layout(
    module: &naga::Module,
    layouter: &naga::proc::Layouter,
    name: &str,
) -> Result<(u64, Vec<u64>), GpuError> {
    let (handle, ty) = module
        .types
        .iter()
        .find(|(_, t)| t.name.as_deref() == Some(name))
        .ok_or_else(|| GpuError::Shader {
            file: "step.wgsl".to_string(),
            message: format!("no struct {name}"),
        })?;
    let offsets = match &ty.inner {
        naga::TypeInner::Struct { members, .. } => {
            members.iter().map(|m| u64::from(m.offset)).collect()
        }
        _ => Vec::new(),
    };
    Ok((u64::from(layouter[handle].size), offsets))
}
