//! A task's observations, rewards and terminations computed on the device after a step
//! (shaders/task_readout.wgsl with the task's own WGSL appended), so that a training loop
//! reads back only those: `observation_size + 2` floats per world instead of every body's
//! state. q and q̇ are derived as the host's joint-space readout does, with each world's own
//! centres of mass, and stay on the device.

use manyworlds_core::Pose;
use wgpu::util::DeviceExt;

use crate::error::GpuError;
use crate::gpu_batch::GpuBatch;
use crate::layout::{GpuPose, GpuReadoutJoint, GpuReadoutUniforms};
use crate::readback::Readback;
use crate::scene_upload::joint_kind;
use crate::shader_source::{assemble, validate};

const READOUT_WGSL: &str = include_str!("../../../shaders/task_readout.wgsl");
/// Lanes per workgroup of `read_task`, and workgroups per row of its grid.
const WORKGROUP: usize = 64;
const MAX_WORKGROUPS_X: usize = 65_535;

/// A task's device code: WGSL defining `task_observe(w)` and `task_outcome(w) -> vec2f`
/// (see shaders/task_readout.wgsl for what they may call), and the values its
/// `task_parameter(k)` returns.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskProgram {
    /// The program's name, for errors.
    pub name: String,
    pub source: String,
    pub parameters: Vec<f32>,
    pub observation_size: usize,
}

impl TaskProgram {
    /// The whole readout kernel with this program, validated as wgpu will (no GPU needed).
    pub fn kernel_source(&self) -> Result<String, GpuError> {
        let mut source = assemble("", &["common.wgsl"])?;
        source.push_str(READOUT_WGSL);
        source.push_str(&format!("\n// ---- task {} ----\n", self.name));
        source.push_str(&self.source);
        validate(&format!("task_readout.wgsl + {}", self.name), &source)?;
        Ok(source)
    }
}

/// What a readout computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadoutMode {
    /// q, q̇ and the observation (after resets or state writes); reward and terminated are
    /// left as they were.
    Observe = 0,
    /// Also q before (the last readout's q), the reward and terminated (after a step).
    Step = 1,
}

/// The readout kernel of one task for one batch, with its buffers.
pub struct TaskReadout {
    pipeline: wgpu::ComputePipeline,
    uniforms: GpuReadoutUniforms,
    uniform_buffer: wgpu::Buffer,
    output: wgpu::Buffer,
    bind_group: wgpu::BindGroup,
    /// The batch buffers the bind group holds: a readout runs only with them.
    bound: [wgpu::Buffer; 3],
    readback: Readback,
}

impl TaskReadout {
    /// The readout of `program` for `batch`, whose env step lasts `dt` seconds.
    pub fn new(batch: &GpuBatch, program: &TaskProgram, dt: f32) -> Result<Self, GpuError> {
        let source = program.kernel_source()?;
        let context = batch.context();
        let device = &context.device;
        let scene = batch.scene();
        let worlds = batch.world_count();
        let (q_count, qd_count) = (scene.joint_position_count(), scene.joint_velocity_count());
        let mut joints: Vec<GpuReadoutJoint> = scene
            .joints()
            .iter()
            .map(|j| GpuReadoutJoint {
                ids: [
                    joint_kind(j.kind),
                    j.parent.map_or(u32::MAX, |p| p as u32),
                    j.child as u32,
                    j.position_offset as u32,
                ],
                offsets: [j.velocity_offset as u32, 0, 0, 0],
                frame_in_parent: GpuPose::from(&j.frame_in_parent),
                frame_in_child: GpuPose::from(&j.frame_in_child),
            })
            .collect();
        let joint_count = joints.len() as u32;
        if joints.is_empty() {
            joints.push(GpuReadoutJoint {
                frame_in_parent: GpuPose::from(&Pose::IDENTITY),
                frame_in_child: GpuPose::from(&Pose::IDENTITY),
                ..GpuReadoutJoint::default()
            });
        }
        let groups = worlds.div_ceil(WORKGROUP);
        let (layout, stride) = batch.readout_inputs();
        let uniforms = GpuReadoutUniforms {
            worlds: worlds as u32,
            body_count: stride as u32,
            state_stride: (worlds * stride) as u32,
            control_offset: layout.0 as u32,
            actuator_vec4s: layout.1 as u32,
            joint_count,
            q_count: q_count as u32,
            qd_count: qd_count as u32,
            observation_size: program.observation_size as u32,
            mode: ReadoutMode::Observe as u32,
            dt,
            workgroups_x: groups.min(MAX_WORKGROUPS_X) as u32,
            joint_memory_offset: batch.joint_memory_offset() as u32,
            _pad: [0; 3],
        };
        let storage = |label: &str, size: usize| {
            device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(label),
                size: (size.max(1) * 4) as u64,
                usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
                mapped_at_creation: false,
            })
        };
        let init = |label: &str, contents: &[u8], usage: wgpu::BufferUsages| {
            device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some(label),
                contents,
                usage,
            })
        };
        let uniform_buffer = init(
            "readout uniforms",
            bytemuck::bytes_of(&uniforms),
            wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
        );
        let joint_buffer = init(
            "readout joints",
            bytemuck::cast_slice(&joints),
            wgpu::BufferUsages::STORAGE,
        );
        let mut parameters = program.parameters.clone();
        parameters.push(0.0);
        let parameter_buffer = init(
            "task parameters",
            bytemuck::cast_slice(&parameters),
            wgpu::BufferUsages::STORAGE,
        );
        let joint_state = storage("joint state", worlds * (2 * q_count + qd_count));
        let output = storage("task output", worlds * (program.observation_size + 2));
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("task_readout.wgsl"),
            source: wgpu::ShaderSource::Wgsl(source.into()),
        });
        let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some("read_task"),
            layout: None,
            module: &module,
            entry_point: Some("read_task"),
            compilation_options: Default::default(),
            cache: None,
        });
        let [state, status, centers] = batch.readout_buffers();
        let entries = [
            &uniform_buffer,
            state,
            status,
            centers,
            &joint_buffer,
            &parameter_buffer,
            &joint_state,
            &output,
        ];
        let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("task readout"),
            layout: &pipeline.get_bind_group_layout(0),
            entries: &entries
                .iter()
                .enumerate()
                .map(|(binding, buffer)| wgpu::BindGroupEntry {
                    binding: binding as u32,
                    resource: buffer.as_entire_binding(),
                })
                .collect::<Vec<_>>(),
        });
        Ok(TaskReadout {
            pipeline,
            uniforms,
            uniform_buffer,
            output,
            bind_group,
            bound: batch.readout_buffers().map(wgpu::Buffer::clone),
            readback: Readback::default(),
        })
    }

    /// Floats per world of [`TaskReadout::run`]'s output: the observation, the reward,
    /// terminated (1.0 or 0.0).
    pub fn row_size(&self) -> usize {
        self.uniforms.observation_size as usize + 2
    }

    /// Runs the readout on `batch`'s current state and copies every world's row into `out`
    /// (`[worlds × row_size()]`).
    pub fn run(
        &mut self,
        batch: &GpuBatch,
        mode: ReadoutMode,
        out: &mut [f32],
    ) -> Result<(), GpuError> {
        if batch.readout_buffers() != self.bound.each_ref() {
            return Err(GpuError::Runtime(
                "a task readout runs only on the batch it was made for".to_string(),
            ));
        }
        let expected = self.uniforms.worlds as usize * self.row_size();
        if out.len() != expected {
            return Err(GpuError::Runtime(format!(
                "task readout: the output holds {} floats, not worlds × row = {expected}",
                out.len()
            )));
        }
        let context = batch.context();
        let device = &context.device;
        self.uniforms.mode = mode as u32;
        context
            .queue
            .write_buffer(&self.uniform_buffer, 0, bytemuck::bytes_of(&self.uniforms));
        let mut encoder = device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("task readout"),
        });
        {
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("read_task"),
                timestamp_writes: None,
            });
            pass.set_pipeline(&self.pipeline);
            pass.set_bind_group(0, &self.bind_group, &[]);
            let groups = (self.uniforms.worlds as usize).div_ceil(WORKGROUP);
            let x = self.uniforms.workgroups_x as usize;
            pass.dispatch_workgroups(x as u32, groups.div_ceil(x) as u32, 1);
        }
        let copy = self.readback.copy(
            device,
            &mut encoder,
            &self.output,
            &[(0, (expected * 4) as u64)],
        );
        context.queue.submit([encoder.finish()]);
        let pending = self.readback.map(copy);
        self.readback.finish(device, pending, |bytes| {
            out.copy_from_slice(bytemuck::cast_slice(bytes))
        })
    }
}
