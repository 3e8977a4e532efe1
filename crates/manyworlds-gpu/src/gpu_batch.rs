//! A batch of N worlds of one scene on the GPU: the state lives in device buffers, k steps go
//! in one submit, and fields come back to the host only when asked for.
//!
//! Per-world buffers have fixed strides: body state `bodies` apart (one region per field),
//! contact memory `capacity` apart. Constraint slots are scratch, shared by the worlds of one
//! dispatch; a large batch is stepped in several dispatches ("chunks") of worlds.
//!
//! Contact capacity: when a world's broad phase finds more pairs than it has slots, the kernel
//! leaves it unstepped and flags it; after the submit the host grows the capacity and steps
//! the worlds that fell behind until every world has taken every step. No contact is dropped
//! and a world's trajectory does not depend on when the capacity grew.

use std::sync::Arc;

use bytemuck::Zeroable;
use glam::{Quat, Vec3};
use manyworlds_core::contact_report::{contact_from_impulses, contact_pair_bodies, Contact};
use manyworlds_core::initial_state::BodyStates;
use manyworlds_core::joint_space::joint_angles_now;
use manyworlds_core::joint_tree::JointTree;
use manyworlds_core::scenes::{BuiltinScene, WorldPoseFn};
use manyworlds_core::{
    check_controls, BatchBodies, BatchError, Plausibility, Scene, StepParams, WorldParameters,
    MAX_WORLDS,
};
use wgpu::util::DeviceExt;

use crate::context::{AdapterChoice, AdapterSummary, GpuContext};
use crate::error::GpuError;
use crate::layout::{
    GpuCachedManifold, GpuDispatchRange, GpuStepUniforms, GpuWorldStatus, JOINT_IMPULSE_VEC4S,
    STATE_FIELDS, WORLD_LOOP_LIMIT, WORLD_NON_FINITE, WORLD_STALLED,
};
use crate::readback::{PendingRead, Readback};
use crate::scene_upload::{
    excluded_pair_bits, scene_hulls, step_uniforms, tree_nodes, world_scene_bytes, StateLayout,
};
use crate::step_kernel::StepKernel;
use crate::world_snapshot::GpuWorldSnapshot;

/// Bytes of constraint scratch, shared by the worlds of one dispatch: on a GPU enough worlds
/// to fill it (thousands of lanes per dispatch), on a CPU implementation (two to a few dozen
/// threads) a few hundred worlds, which keeps memory per world low.
const HARDWARE_SCRATCH_BYTES: u64 = 256 << 20;
const SOFTWARE_SCRATCH_BYTES: u64 = 16 << 20;

/// Growth of the contact capacity when a world outgrows it.
const CAPACITY_GROWTH: f32 = 1.5;

/// A state field, as stored on the device (`STATE_*` of common.wgsl).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateField {
    Positions = 0,
    Orientations = 1,
    LinearVelocities = 2,
    AngularVelocities = 3,
}

impl StateField {
    pub const ALL: [StateField; 4] = [
        StateField::Positions,
        StateField::Orientations,
        StateField::LinearVelocities,
        StateField::AngularVelocities,
    ];
}

/// How to set a GPU batch up.
#[derive(Clone, Debug, Default)]
pub struct GpuBatchOptions {
    pub adapter: AdapterChoice,
    /// Constraint slots per world to start with (default: twice the colliders, at least 16);
    /// grown when a world needs more.
    pub initial_capacity: Option<usize>,
    /// Worlds one dispatch steps (default: as many as a scratch budget allows). Past 65,535
    /// the dispatch grid is 2-D.
    pub worlds_per_dispatch: Option<usize>,
    /// Compile the restitution pass even when no collider bounces: worlds may be given
    /// restitution of their own later ([`GpuBatch::set_world_parameters`]).
    pub restitution_pass: bool,
}

/// Counters of the last `step_n`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GpuStepStats {
    /// Contact points solved in the last step, over all worlds.
    pub contact_points: u64,
    /// Worlds frozen because their state stopped being finite.
    pub non_finite_worlds: usize,
    /// Constraint slots per world now.
    pub contact_capacity: usize,
    /// Times the capacity grew since the batch was made.
    pub capacity_growths: u32,
    /// World-steps that had to wait for a larger capacity and were stepped again.
    pub deferred_world_steps: u64,
}

struct DeviceBuffers {
    uniforms: wgpu::Buffer,
    dispatch: wgpu::Buffer,
    /// One `WorldScene` shared by every world, or one per world.
    world_scenes: wgpu::Buffer,
    state: wgpu::Buffer,
    cache: wgpu::Buffer,
    constraints: wgpu::Buffer,
    order: wgpu::Buffer,
    status: wgpu::Buffer,
    articulation: wgpu::Buffer,
    /// The scene's convex hulls, once for every world (`scene_upload::scene_hulls`).
    hulls: wgpu::Buffer,
    joint_scratch: wgpu::Buffer,
    /// Every body's centre of mass (body frame) in every world, `[worlds × bodies]` vec4f:
    /// not stepped with, read by task readouts (the velocities are of these points).
    centers_of_mass: wgpu::Buffer,
}

/// The host's copy of the state, as of the last readback of each field.
#[derive(Default)]
struct HostState {
    positions: Vec<Vec3>,
    orientations: Vec<Quat>,
    linear_velocities: Vec<Vec3>,
    angular_velocities: Vec<Vec3>,
    /// `[worlds × actuators]`.
    actuator_forces: Vec<f32>,
    /// `[worlds × joints]` (`WorldBodies::joint_angles`), read with the bodies.
    joint_angles: Vec<f32>,
}

pub struct GpuBatch {
    context: Arc<GpuContext>,
    kernel: StepKernel,
    scene: Scene,
    tree: JointTree,
    /// Each world's parameters, once some world has its own (else empty).
    world_parameters: Vec<WorldParameters>,
    /// The host's copy of `DeviceBuffers::centers_of_mass`, `[worlds × bodies]`.
    centers_of_mass: Vec<Vec3>,
    params: StepParams,
    worlds: usize,
    stride: usize,
    uniforms: GpuStepUniforms,
    state_layout: StateLayout,
    buffers: DeviceBuffers,
    bind_group: wgpu::BindGroup,
    capacity: usize,
    chunk_worlds: usize,
    worlds_per_dispatch: Option<usize>,
    dispatch_alignment: u64,
    /// Steps every world has taken.
    steps: u32,
    world_pose: Option<WorldPoseFn>,
    host: HostState,
    status: Vec<GpuWorldStatus>,
    readback: Readback,
    stats: GpuStepStats,
}

fn storage_buffer(device: &wgpu::Device, label: &str, size: u64) -> wgpu::Buffer {
    device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size: size.max(16),
        usage: wgpu::BufferUsages::STORAGE
            | wgpu::BufferUsages::COPY_DST
            | wgpu::BufferUsages::COPY_SRC,
        mapped_at_creation: false,
    })
}

fn to_vec4(v: Vec3) -> [f32; 4] {
    [v.x, v.y, v.z, 0.0]
}

impl GpuBatch {
    /// `worlds` copies of `scene` on the adapter `options` asks for (its device opened once per
    /// process and shared, see [`GpuContext::shared`]).
    pub fn new(
        scene: Scene,
        params: StepParams,
        worlds: usize,
        options: &GpuBatchOptions,
    ) -> Result<Self, GpuError> {
        let context = GpuContext::shared(&options.adapter)?;
        Self::with_context(context, scene, params, worlds, options)
    }

    /// A batch of a built-in scene with its own step parameters and per-world poses.
    pub fn from_builtin(
        builtin: &BuiltinScene,
        worlds: usize,
        options: &GpuBatchOptions,
    ) -> Result<Self, GpuError> {
        let mut batch = Self::new(builtin.scene.clone(), builtin.params, worlds, options)?;
        if let Some(f) = builtin.world_pose {
            batch.set_world_poses(f);
        }
        Ok(batch)
    }

    /// A batch on a device already open (several batches may share one); `options.adapter`
    /// is not used.
    pub fn with_context(
        context: Arc<GpuContext>,
        scene: Scene,
        params: StepParams,
        worlds: usize,
        options: &GpuBatchOptions,
    ) -> Result<Self, GpuError> {
        let initial_capacity = options.initial_capacity;
        if worlds == 0 || worlds > MAX_WORLDS {
            return Err(BatchError::WorldCount {
                got: worlds,
                max: MAX_WORLDS,
            }
            .into());
        }
        params.validate().map_err(BatchError::from)?;
        let stride = scene.body_count();
        if stride == 0 {
            return Err(BatchError::EmptyScene.into());
        }
        let device = &context.device;
        let tree = JointTree::new(&scene);
        let kernel = StepKernel::new(&context, &scene, &tree, options.restitution_pass)?;
        let capacity = initial_capacity
            .unwrap_or(2 * scene.colliders().len())
            .max(if initial_capacity.is_some() { 1 } else { 16 });
        let dispatch_alignment = context.limits.min_uniform_buffer_offset_alignment as u64;
        let uniforms = step_uniforms(&params, &scene, &tree, worlds);
        let state_layout = StateLayout::new(&scene, worlds);
        let state_bytes = (state_layout.total * 16) as u64;
        let largest = context
            .limits
            .max_storage_buffer_binding_size
            .min(context.limits.max_buffer_size);
        if state_bytes > largest {
            return Err(GpuError::Batch(BatchError::OutOfMemory {
                worlds,
                bodies: stride,
                bytes: state_bytes as usize,
            }));
        }
        let centers = scene.centers_of_mass();
        let buffers = DeviceBuffers {
            uniforms: device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("step uniforms"),
                size: std::mem::size_of::<GpuStepUniforms>() as u64,
                usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            }),
            dispatch: device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("dispatch ranges"),
                size: dispatch_alignment,
                usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            }),
            world_scenes: device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some("world scenes"),
                contents: &world_scene_bytes(
                    &scene,
                    &tree,
                    params.gravity,
                    params.dt,
                    kernel.world_scene_size,
                    &kernel.world_scene_offsets,
                ),
                usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST,
            }),
            state: storage_buffer(device, "body state", state_bytes),
            cache: storage_buffer(device, "contact cache", 16),
            constraints: storage_buffer(device, "constraint slots", 16),
            order: storage_buffer(device, "solve order", 16),
            status: storage_buffer(
                device,
                "world status",
                (worlds * std::mem::size_of::<GpuWorldStatus>()) as u64,
            ),
            articulation: device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some("articulation"),
                contents: &articulation_bytes(&scene, &tree, &kernel),
                usage: wgpu::BufferUsages::UNIFORM,
            }),
            hulls: device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some("convex hulls"),
                contents: bytemuck::cast_slice(&scene_hulls(scene.hulls())),
                usage: wgpu::BufferUsages::STORAGE,
            }),
            joint_scratch: storage_buffer(device, "joint scratch", kernel.joint_scratch_size),
            centers_of_mass: device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some("centres of mass"),
                contents: &center_bytes(&centers).repeat(worlds),
                usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST,
            }),
        };
        let bind_group = Self::make_bind_group(device, &kernel, &buffers, 16);
        let mut batch = GpuBatch {
            kernel,
            scene,
            centers_of_mass: centers.repeat(worlds),
            tree,
            world_parameters: Vec::new(),
            params,
            worlds,
            stride,
            uniforms,
            state_layout,
            buffers,
            bind_group,
            capacity: 0,
            chunk_worlds: 0,
            worlds_per_dispatch: options.worlds_per_dispatch,
            dispatch_alignment,
            steps: 0,
            world_pose: None,
            host: HostState::default(),
            status: vec![GpuWorldStatus::zeroed(); worlds],
            readback: Readback::default(),
            stats: GpuStepStats::default(),
            context,
        };
        batch.resize_contacts(capacity, false)?;
        batch.write_initial_states(0..worlds);
        batch.stats.contact_capacity = batch.capacity;
        Ok(batch)
    }

    fn make_bind_group(
        device: &wgpu::Device,
        kernel: &StepKernel,
        b: &DeviceBuffers,
        cache_binding_size: u64,
    ) -> wgpu::BindGroup {
        fn whole(binding: u32, buffer: &wgpu::Buffer) -> wgpu::BindGroupEntry<'_> {
            wgpu::BindGroupEntry {
                binding,
                resource: buffer.as_entire_binding(),
            }
        }
        device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("step"),
            layout: &kernel.layout,
            entries: &[
                whole(0, &b.uniforms),
                whole(1, &b.world_scenes),
                whole(2, &b.hulls),
                whole(3, &b.state),
                wgpu::BindGroupEntry {
                    binding: 4,
                    resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                        buffer: &b.cache,
                        offset: 0,
                        size: wgpu::BufferSize::new(cache_binding_size),
                    }),
                },
                whole(5, &b.constraints),
                whole(6, &b.order),
                whole(7, &b.status),
                wgpu::BindGroupEntry {
                    binding: 8,
                    resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                        buffer: &b.dispatch,
                        offset: 0,
                        size: wgpu::BufferSize::new(std::mem::size_of::<GpuDispatchRange>() as u64),
                    }),
                },
                whole(9, &b.articulation),
                whole(10, &b.joint_scratch),
            ],
        })
    }

    /// Sets the constraint capacity: reallocates the contact buffers, keeping every world's
    /// contact memory when `keep_cache`, and re-plans the dispatch chunks.
    fn resize_contacts(&mut self, capacity: usize, keep_cache: bool) -> Result<(), GpuError> {
        let limits = &self.context.limits;
        let largest = limits
            .max_storage_buffer_binding_size
            .min(limits.max_buffer_size);
        let cache_entry = std::mem::size_of::<GpuCachedManifold>() as u64;
        let per_world_cache = capacity as u64 * cache_entry;
        let per_world_constraints = capacity as u64 * self.kernel.constraint_size;
        let per_world_joints = self.kernel.joint_scratch_size;
        let per_world_scratch = per_world_constraints + per_world_joints;
        // What one binding can hold bounds the worlds of a dispatch.
        let widest = per_world_constraints
            .max(per_world_cache)
            .max(per_world_joints);
        let fitting = (largest / widest.max(1)) as usize;
        // A dispatch's contact memory is bound at a dynamic offset, which must be aligned:
        // dispatches hold a multiple of `step` worlds.
        let alignment = u64::from(limits.min_storage_buffer_offset_alignment);
        let step = (alignment / gcd(alignment, per_world_cache)) as usize;
        let out_of_memory = || {
            GpuError::Batch(BatchError::OutOfMemory {
                worlds: self.worlds,
                bodies: self.stride,
                bytes: (self.worlds as u64 * per_world_cache) as usize,
            })
        };
        if fitting < step {
            return Err(out_of_memory());
        }
        let budget = if self.context.adapter.is_hardware {
            HARDWARE_SCRATCH_BYTES
        } else {
            SOFTWARE_SCRATCH_BYTES
        };
        let mut chunk_worlds = self.worlds.min(fitting).min(
            self.worlds_per_dispatch
                .unwrap_or((budget / per_world_scratch.max(1)) as usize)
                .max(1),
        );
        if chunk_worlds < self.worlds {
            chunk_worlds = (chunk_worlds / step).max(1) * step;
        }
        let chunks = self.worlds.div_ceil(chunk_worlds);
        // Padded to whole dispatches, so the last one's binding fits in the buffer.
        let cache_bytes = (chunks * chunk_worlds) as u64 * per_world_cache;
        if cache_bytes > limits.max_buffer_size {
            return Err(out_of_memory());
        }
        let device = &self.context.device;
        let old_cache = if keep_cache && self.capacity > 0 {
            Some(self.read_buffer(
                &self.buffers.cache,
                cache_entry * (self.worlds * self.capacity) as u64,
            )?)
        } else {
            None
        };
        let cache = storage_buffer(device, "contact cache", cache_bytes);
        if let Some(old) = old_cache {
            let old: Vec<GpuCachedManifold> = bytemuck::pod_collect_to_vec(&old);
            let mut relaid = vec![GpuCachedManifold::zeroed(); self.worlds * capacity];
            for w in 0..self.worlds {
                let kept = self.capacity.min(capacity);
                relaid[w * capacity..w * capacity + kept]
                    .copy_from_slice(&old[w * self.capacity..w * self.capacity + kept]);
            }
            self.context
                .queue
                .write_buffer(&cache, 0, bytemuck::cast_slice(&relaid));
        }
        self.buffers.cache = cache;
        self.buffers.constraints = storage_buffer(
            device,
            "constraint slots",
            chunk_worlds as u64 * per_world_constraints,
        );
        self.buffers.joint_scratch = storage_buffer(
            device,
            "joint scratch",
            chunk_worlds as u64 * per_world_joints,
        );
        self.buffers.order =
            storage_buffer(device, "solve order", (chunk_worlds * capacity * 4) as u64);
        let mut ranges = vec![0u8; chunks * self.dispatch_alignment as usize];
        for c in 0..chunks {
            let range = GpuDispatchRange {
                world_offset: (c * chunk_worlds) as u32,
                world_end: ((c + 1) * chunk_worlds).min(self.worlds) as u32,
            };
            let at = c * self.dispatch_alignment as usize;
            ranges[at..at + 8].copy_from_slice(bytemuck::bytes_of(&range));
        }
        self.buffers.dispatch = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("dispatch ranges"),
            contents: &ranges,
            usage: wgpu::BufferUsages::UNIFORM,
        });
        self.capacity = capacity;
        self.chunk_worlds = chunk_worlds;
        self.uniforms.capacity = capacity as u32;
        let x = chunk_worlds.min(self.context.limits.max_compute_workgroups_per_dimension as usize);
        self.uniforms.workgroups_x = x as u32;
        self.bind_group = Self::make_bind_group(
            device,
            &self.kernel,
            &self.buffers,
            chunk_worlds as u64 * per_world_cache,
        );
        Ok(())
    }

    fn upload_status(&self) {
        self.context.queue.write_buffer(
            &self.buffers.status,
            0,
            bytemuck::cast_slice(&self.status),
        );
    }

    /// Template poses (through the world-pose function) and velocities of `worlds`
    /// (consecutive), written in one upload per field.
    fn write_initial_states(&mut self, worlds: std::ops::Range<usize>) {
        let n = self.stride;
        let count = worlds.len() * n;
        let mut fields = vec![[0f32; 4]; STATE_FIELDS * count];
        for (k, w) in worlds.clone().enumerate() {
            for (i, body) in self.scene.bodies().iter().enumerate() {
                let pose = match self.world_pose {
                    Some(f) => f(w as u64, i, &body.pose),
                    None => body.pose,
                };
                let at = k * n + i;
                fields[at] = to_vec4(pose.position);
                fields[count + at] = pose.orientation.to_array();
                fields[2 * count + at] = to_vec4(body.linear_velocity);
                fields[3 * count + at] = to_vec4(body.angular_velocity);
            }
        }
        for f in 0..STATE_FIELDS {
            self.context.queue.write_buffer(
                &self.buffers.state,
                self.field_offset(f) + (worlds.start * n * 16) as u64,
                bytemuck::cast_slice(&fields[f * count..(f + 1) * count]),
            );
        }
        // Joints start without warm-start impulses, at their initial angles; actuators
        // without force; controls stay.
        let layout = self.state_layout;
        let per_world_impulses = self.scene.joints().len() * JOINT_IMPULSE_VEC4S;
        let mut joint_memory = vec![[0f32; 4]; worlds.len() * per_world_impulses];
        for (k, memory) in joint_memory
            .chunks_exact_mut(JOINT_IMPULSE_VEC4S)
            .enumerate()
        {
            let angles = self.scene.initial_joint_angles();
            memory[JOINT_IMPULSE_VEC4S - 1][3] = angles[k % angles.len()];
        }
        let zero_forces = vec![[0f32; 4]; worlds.len() * layout.actuator_vec4s];
        for (start, per_world, values) in [
            (layout.joint_impulses, per_world_impulses, &joint_memory),
            (layout.actuator_forces, layout.actuator_vec4s, &zero_forces),
        ] {
            if per_world > 0 {
                self.context.queue.write_buffer(
                    &self.buffers.state,
                    ((start + worlds.start * per_world) * 16) as u64,
                    bytemuck::cast_slice(values),
                );
            }
        }
        for w in worlds.clone() {
            self.status[w] = GpuWorldStatus {
                steps_done: self.steps,
                ..GpuWorldStatus::zeroed()
            };
        }
        let size = std::mem::size_of::<GpuWorldStatus>();
        self.context.queue.write_buffer(
            &self.buffers.status,
            (worlds.start * size) as u64,
            bytemuck::cast_slice(&self.status[worlds]),
        );
        self.host = HostState::default();
    }

    fn field_offset(&self, field: usize) -> u64 {
        (field * self.worlds * self.stride * 16) as u64
    }

    /// Places every world's bodies with `f(world, body, template pose)`, now and at every
    /// reset; velocities and contact memory start from rest.
    pub fn set_world_poses(&mut self, f: WorldPoseFn) {
        self.world_pose = Some(f);
        self.write_initial_states(0..self.worlds);
    }

    /// Puts `world` back in its initial state (and clears a fault).
    pub fn reset_world(&mut self, world: usize) -> Result<(), GpuError> {
        if world >= self.worlds {
            return Err(BatchError::WorldOutOfRange {
                world,
                worlds: self.worlds,
            }
            .into());
        }
        self.write_initial_states(world..world + 1);
        Ok(())
    }

    fn check_world(&self, world: usize) -> Result<(), GpuError> {
        if world < self.worlds {
            Ok(())
        } else {
            Err(BatchError::WorldOutOfRange {
                world,
                worlds: self.worlds,
            }
            .into())
        }
    }

    /// Gives `world` physical parameters of its own (from its next step on); checked as a
    /// scene is, nothing changes on an error. The first call gives every world its own copy
    /// of the scene on the device.
    pub fn set_world_parameters(
        &mut self,
        world: usize,
        parameters: &WorldParameters,
    ) -> Result<(), GpuError> {
        self.check_world(world)?;
        let refuse =
            |problem: String| GpuError::Batch(BatchError::WorldParameters { world, problem });
        let mut scene = self.scene.clone();
        scene
            .set_parameters(parameters)
            .map_err(|e| refuse(e.to_string()))?;
        if !self.kernel.restitution
            && parameters
                .colliders
                .iter()
                .any(|c| c.material.restitution > 0.0)
        {
            return Err(refuse(
                "restitution in a scene made without any: create the batch with \
                 `restitution_pass`"
                    .into(),
            ));
        }
        let size = self.kernel.world_scene_size;
        if self.world_parameters.is_empty() {
            let total = size * self.worlds as u64;
            let limits = &self.context.limits;
            let largest = limits
                .max_storage_buffer_binding_size
                .min(limits.max_buffer_size);
            if total > largest {
                return Err(refuse(format!(
                    "{} worlds with parameters of their own need {total} bytes of scenes; \
                     this adapter binds {largest}",
                    self.worlds
                )));
            }
            let template = world_scene_bytes(
                &self.scene,
                &self.tree,
                self.params.gravity,
                self.params.dt,
                size,
                &self.kernel.world_scene_offsets,
            );
            let buffer = storage_buffer(&self.context.device, "world scenes", total);
            self.context
                .queue
                .write_buffer(&buffer, 0, &template.repeat(self.worlds));
            self.buffers.world_scenes = buffer;
            self.world_parameters = vec![self.scene.parameters(self.params.gravity); self.worlds];
            self.uniforms.scene_stride = 1;
            self.bind_group = Self::make_bind_group(
                &self.context.device,
                &self.kernel,
                &self.buffers,
                (self.chunk_worlds * self.capacity) as u64
                    * std::mem::size_of::<GpuCachedManifold>() as u64,
            );
        }
        let bytes = world_scene_bytes(
            &scene,
            &self.tree,
            parameters.gravity,
            self.params.dt,
            size,
            &self.kernel.world_scene_offsets,
        );
        self.context
            .queue
            .write_buffer(&self.buffers.world_scenes, world as u64 * size, &bytes);
        let centers = scene.centers_of_mass();
        self.context.queue.write_buffer(
            &self.buffers.centers_of_mass,
            (world * self.stride * 16) as u64,
            &center_bytes(&centers),
        );
        self.centers_of_mass[world * self.stride..(world + 1) * self.stride]
            .copy_from_slice(&centers);
        self.world_parameters[world] = parameters.clone();
        Ok(())
    }

    /// The physical parameters `world` steps with.
    pub fn world_parameters(&self, world: usize) -> Result<WorldParameters, GpuError> {
        self.check_world(world)?;
        Ok(match self.world_parameters.get(world) {
            Some(p) => p.clone(),
            None => self.scene.parameters(self.params.gravity),
        })
    }

    /// The body states of one world (reads the state back).
    pub fn world_state(&mut self, world: usize) -> Result<BodyStates, GpuError> {
        self.check_world(world)?;
        let (_, bodies) = self.bodies()?;
        Ok(BodyStates::copy_of(&bodies.world(world)))
    }

    /// Overwrites one world's body states (from its next step on); nothing changes when a
    /// field has the wrong length.
    pub fn set_world_state(&mut self, world: usize, state: &BodyStates) -> Result<(), GpuError> {
        self.check_world(world)?;
        state.check_length(self.stride).map_err(GpuError::Batch)?;
        let joints = self.scene.joints().len();
        state.check_joint_angles(joints).map_err(GpuError::Batch)?;
        let angles = if state.joint_angles.is_empty() {
            let centers = &self.centers_of_mass[world * self.stride..(world + 1) * self.stride];
            joint_angles_now(&self.scene, &state.view(centers))
        } else {
            state.joint_angles.clone()
        };
        // Each angle is the last float of its joint's memory (the rest stays).
        for (j, &angle) in angles.iter().enumerate() {
            let memory =
                self.state_layout.joint_impulses + (world * joints + j) * JOINT_IMPULSE_VEC4S;
            self.context.queue.write_buffer(
                &self.buffers.state,
                ((memory + JOINT_IMPULSE_VEC4S - 1) * 16 + 12) as u64,
                bytemuck::bytes_of(&angle),
            );
        }
        let fields: [Vec<[f32; 4]>; STATE_FIELDS] = [
            state.positions.iter().map(|&v| to_vec4(v)).collect(),
            state.orientations.iter().map(|q| q.to_array()).collect(),
            state
                .linear_velocities
                .iter()
                .map(|&v| to_vec4(v))
                .collect(),
            state
                .angular_velocities
                .iter()
                .map(|&v| to_vec4(v))
                .collect(),
        ];
        for (f, values) in fields.iter().enumerate() {
            self.context.queue.write_buffer(
                &self.buffers.state,
                self.field_offset(f) + (world * self.stride * 16) as u64,
                bytemuck::cast_slice(values),
            );
        }
        self.host = HostState::default();
        Ok(())
    }

    /// Where `world`'s regions of the state buffer are (offset and length in vec4f): the four
    /// body fields, joint impulses, controls, actuator forces.
    fn world_regions(&self, world: usize) -> [(usize, usize); STATE_FIELDS + 3] {
        let n = self.stride;
        let layout = self.state_layout;
        let impulses = self.scene.joints().len() * JOINT_IMPULSE_VEC4S;
        let actuators = layout.actuator_vec4s;
        let field = |f: usize| (f * self.worlds * n + world * n, n);
        [
            field(0),
            field(1),
            field(2),
            field(3),
            (layout.joint_impulses + world * impulses, impulses),
            (layout.controls + world * actuators, actuators),
            (layout.actuator_forces + world * actuators, actuators),
        ]
    }

    /// `world`'s contact memory, as its last step left it (reads back only that).
    fn read_world_cache(&self, world: usize) -> Result<Vec<GpuCachedManifold>, GpuError> {
        let entry = std::mem::size_of::<GpuCachedManifold>();
        let count = self.status[world].cache_count as usize;
        if count == 0 {
            return Ok(Vec::new());
        }
        let bytes = read_range(
            &self.context,
            &self.buffers.cache,
            (world * self.capacity * entry) as u64,
            (count * entry) as u64,
        )?;
        Ok(bytemuck::pod_collect_to_vec(&bytes))
    }

    /// The pushing contact points of `world` after its last step (contact_report.rs): reads
    /// back its contact memory and its bodies' poses, nothing of the other worlds' contacts.
    pub fn contacts(&mut self, world: usize) -> Result<Vec<Contact>, GpuError> {
        self.check_world(world)?;
        let cache = self.read_world_cache(world)?;
        let h = self.params.substep_dt();
        let (scene, bodies) = self.bodies()?;
        let bodies = bodies.world(world);
        let mut contacts = Vec::new();
        for manifold in &cache {
            let pair = contact_pair_bodies(scene, manifold.key);
            let a = pair.0;
            let (center, q) = (bodies.center(Some(a)), bodies.orientations[a]);
            let points = &manifold.points[..(manifold.count as usize).min(4)];
            contacts.extend(points.iter().filter_map(|p| {
                contact_from_impulses(
                    pair,
                    center,
                    q,
                    Vec3::from(p.local_anchor),
                    Vec3::from(manifold.normal),
                    p.normal_impulse,
                    Vec3::from(p.tangent_impulse),
                    h,
                )
            }));
        }
        Ok(contacts)
    }

    /// Saves everything `world` carries from step to step (reads it back).
    pub fn save_world(&mut self, world: usize) -> Result<GpuWorldSnapshot, GpuError> {
        self.check_world(world)?;
        let mut state = Vec::new();
        for (at, len) in self.world_regions(world) {
            if len > 0 {
                let bytes = self.read_region((at * 16) as u64, (len * 16) as u64)?;
                state.extend(bytemuck::pod_collect_to_vec::<u8, [f32; 4]>(&bytes));
            }
        }
        let status = self.status[world];
        let cache = self.read_world_cache(world)?;
        Ok(GpuWorldSnapshot {
            state,
            cache,
            status,
            parameters: self.world_parameters.get(world).cloned(),
        })
    }

    /// Puts a saved world (of this batch or of one of the same scene) into `world`: from its
    /// next step on it continues exactly as the saved one did. Nothing changes on an error.
    pub fn restore_world(
        &mut self,
        world: usize,
        snapshot: &GpuWorldSnapshot,
    ) -> Result<(), GpuError> {
        self.check_world(world)?;
        let regions = self.world_regions(world);
        let expected: usize = regions.iter().map(|r| r.1).sum();
        if snapshot.state.len() != expected {
            return Err(GpuError::Batch(BatchError::WorldParameters {
                world,
                problem: "the snapshot is of another scene".to_owned(),
            }));
        }
        match &snapshot.parameters {
            Some(p) => self.set_world_parameters(world, p)?,
            None if !self.world_parameters.is_empty() => {
                let nominal = self.scene.parameters(self.params.gravity);
                self.set_world_parameters(world, &nominal)?;
            }
            None => {}
        }
        if snapshot.cache.len() > self.capacity {
            self.resize_contacts(snapshot.cache.len(), true)?;
        }
        let mut from = 0;
        for (at, len) in regions {
            if len > 0 {
                self.context.queue.write_buffer(
                    &self.buffers.state,
                    (at * 16) as u64,
                    bytemuck::cast_slice(&snapshot.state[from..from + len]),
                );
            }
            from += len;
        }
        if !snapshot.cache.is_empty() {
            let entry = std::mem::size_of::<GpuCachedManifold>();
            self.context.queue.write_buffer(
                &self.buffers.cache,
                (world * self.capacity * entry) as u64,
                bytemuck::cast_slice(&snapshot.cache),
            );
        }
        self.status[world] = GpuWorldStatus {
            steps_done: self.steps,
            ..snapshot.status
        };
        let size = std::mem::size_of::<GpuWorldStatus>();
        self.context.queue.write_buffer(
            &self.buffers.status,
            (world * size) as u64,
            bytemuck::bytes_of(&self.status[world]),
        );
        self.host = HostState::default();
        Ok(())
    }

    /// Advances every world by one step.
    pub fn step(&mut self) -> Result<(), GpuError> {
        self.step_n(1)
    }

    /// Advances every world by `k` steps, all in one submit, then reads the worlds' status
    /// back (a few bytes per world) to grow the contact capacity if some world needed it.
    pub fn step_n(&mut self, k: usize) -> Result<(), GpuError> {
        if k == 0 {
            return Ok(());
        }
        let target = self.steps + k as u32;
        self.dispatch_steps(target, k)?;
        self.read_status()?;
        let mut deferred = 0u64;
        loop {
            let behind: Vec<usize> = (0..self.worlds)
                .filter(|&w| self.status[w].flags & WORLD_STALLED != 0)
                .collect();
            if behind.is_empty() {
                break;
            }
            let needed = behind
                .iter()
                .map(|&w| self.status[w].pairs_needed as usize)
                .max()
                .unwrap_or(0);
            let lag = behind
                .iter()
                .map(|&w| target - self.status[w].steps_done)
                .max()
                .unwrap_or(0);
            deferred += behind
                .iter()
                .map(|&w| (target - self.status[w].steps_done) as u64)
                .sum::<u64>();
            let grown = ((needed as f32 * CAPACITY_GROWTH).ceil() as usize).max(self.capacity + 1);
            self.resize_contacts(grown, true)?;
            self.stats.capacity_growths += 1;
            for &w in &behind {
                self.status[w].flags &= !WORLD_STALLED;
            }
            self.upload_status();
            self.dispatch_steps(target, lag as usize)?;
            self.read_status()?;
        }
        self.steps = target;
        self.host.positions.clear();
        self.host.orientations.clear();
        self.host.linear_velocities.clear();
        self.host.angular_velocities.clear();
        self.host.actuator_forces.clear();
        self.host.joint_angles.clear();
        self.stats = GpuStepStats {
            contact_points: self.status.iter().map(|s| s.contact_points as u64).sum(),
            non_finite_worlds: self
                .status
                .iter()
                .filter(|s| s.flags & WORLD_NON_FINITE != 0)
                .count(),
            contact_capacity: self.capacity,
            capacity_growths: self.stats.capacity_growths,
            deferred_world_steps: self.stats.deferred_world_steps + deferred,
        };
        let cut_short = self
            .status
            .iter()
            .filter(|s| s.flags & WORLD_LOOP_LIMIT != 0)
            .count();
        if cut_short > 0 {
            return Err(GpuError::LoopLimit {
                worlds: cut_short,
                adapter: self.context.adapter.name.clone(),
            });
        }
        Ok(())
    }

    /// Submits `rounds` dispatch rounds; a world steps in a round while it is below `target`.
    fn dispatch_steps(&mut self, target: u32, rounds: usize) -> Result<(), GpuError> {
        self.uniforms.target_steps = target;
        let queue = &self.context.queue;
        queue.write_buffer(
            &self.buffers.uniforms,
            0,
            bytemuck::bytes_of(&self.uniforms),
        );
        let mut encoder =
            self.context
                .device
                .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                    label: Some("step"),
                });
        {
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("step_worlds"),
                timestamp_writes: None,
            });
            pass.set_pipeline(&self.kernel.pipeline);
            let chunks = self.worlds.div_ceil(self.chunk_worlds);
            let x = self.uniforms.workgroups_x as usize;
            for _ in 0..rounds {
                for c in 0..chunks {
                    let worlds =
                        ((c + 1) * self.chunk_worlds).min(self.worlds) - c * self.chunk_worlds;
                    let range_offset = (c as u64 * self.dispatch_alignment) as u32;
                    let cache_offset = (c * self.chunk_worlds * self.capacity) as u64
                        * std::mem::size_of::<GpuCachedManifold>() as u64;
                    // Dynamic offsets in binding order: the contact memory (4), the range (8).
                    pass.set_bind_group(0, &self.bind_group, &[cache_offset as u32, range_offset]);
                    pass.dispatch_workgroups(x.min(worlds) as u32, worlds.div_ceil(x) as u32, 1);
                }
            }
        }
        queue.submit([encoder.finish()]);
        Ok(())
    }

    fn read_buffer(&self, buffer: &wgpu::Buffer, size: u64) -> Result<Vec<u8>, GpuError> {
        read_range(&self.context, buffer, 0, size)
    }

    /// `size` bytes of the state buffer from `offset`.
    fn read_region(&self, offset: u64, size: u64) -> Result<Vec<u8>, GpuError> {
        read_range(&self.context, &self.buffers.state, offset, size)
    }

    fn read_status(&mut self) -> Result<(), GpuError> {
        let bytes = self.read_buffer(
            &self.buffers.status,
            (self.worlds * std::mem::size_of::<GpuWorldStatus>()) as u64,
        )?;
        self.status = bytemuck::pod_collect_to_vec(&bytes);
        Ok(())
    }

    /// Starts copying `fields` of every world back to the host; the GPU may go on stepping
    /// (call `step_n` meanwhile) and [`GpuBatch::finish_read`] collects them into the host
    /// copy that `positions()` etc. return: the state as of the step the read began. Two
    /// readbacks can be in flight: they use two staging buffers in turn.
    pub fn begin_read(&mut self, fields: &[StateField]) -> StateRead {
        let device = &self.context.device;
        let region = (self.worlds * self.stride * 16) as u64;
        let ranges: Vec<(u64, u64)> = fields
            .iter()
            .map(|&f| (self.field_offset(f as usize), region))
            .collect();
        let mut encoder = device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("readback"),
        });
        let copy = self
            .readback
            .copy(device, &mut encoder, &self.buffers.state, &ranges);
        self.context.queue.submit([encoder.finish()]);
        StateRead {
            fields: fields.to_vec(),
            pending: self.readback.map(copy),
        }
    }

    /// Waits for `read` and stores its fields in the host copy.
    pub fn finish_read(&mut self, read: StateRead) -> Result<(), GpuError> {
        let n = self.worlds * self.stride;
        let mut values: Vec<[f32; 4]> = Vec::new();
        self.readback
            .finish(&self.context.device, read.pending, |bytes| {
                values = bytemuck::pod_collect_to_vec(bytes)
            })?;
        for (k, field) in read.fields.iter().enumerate() {
            let part = &values[k * n..(k + 1) * n];
            let vec3 = |v: &[f32; 4]| Vec3::new(v[0], v[1], v[2]);
            match field {
                StateField::Positions => self.host.positions = part.iter().map(vec3).collect(),
                StateField::Orientations => {
                    self.host.orientations = part.iter().map(|v| Quat::from_array(*v)).collect()
                }
                StateField::LinearVelocities => {
                    self.host.linear_velocities = part.iter().map(vec3).collect()
                }
                StateField::AngularVelocities => {
                    self.host.angular_velocities = part.iter().map(vec3).collect()
                }
            }
        }
        Ok(())
    }

    /// Reads `fields` back now.
    pub fn read(&mut self, fields: &[StateField]) -> Result<(), GpuError> {
        let read = self.begin_read(fields);
        self.finish_read(read)
    }

    /// Body-frame origins, `[worlds × bodies]`, read back if not read since the last step.
    pub fn positions(&mut self) -> Result<&[Vec3], GpuError> {
        if self.host.positions.is_empty() {
            self.read(&[StateField::Positions])?;
        }
        Ok(&self.host.positions)
    }

    pub fn orientations(&mut self) -> Result<&[Quat], GpuError> {
        if self.host.orientations.is_empty() {
            self.read(&[StateField::Orientations])?;
        }
        Ok(&self.host.orientations)
    }

    pub fn linear_velocities(&mut self) -> Result<&[Vec3], GpuError> {
        if self.host.linear_velocities.is_empty() {
            self.read(&[StateField::LinearVelocities])?;
        }
        Ok(&self.host.linear_velocities)
    }

    pub fn angular_velocities(&mut self) -> Result<&[Vec3], GpuError> {
        if self.host.angular_velocities.is_empty() {
            self.read(&[StateField::AngularVelocities])?;
        }
        Ok(&self.host.angular_velocities)
    }

    /// The scene and all four fields at once (one readback of those not read since the last
    /// step).
    pub fn bodies(&mut self) -> Result<(&Scene, BatchBodies<'_>), GpuError> {
        let missing: Vec<StateField> = [
            (StateField::Positions, self.host.positions.is_empty()),
            (StateField::Orientations, self.host.orientations.is_empty()),
            (
                StateField::LinearVelocities,
                self.host.linear_velocities.is_empty(),
            ),
            (
                StateField::AngularVelocities,
                self.host.angular_velocities.is_empty(),
            ),
        ]
        .into_iter()
        .filter_map(|(field, missing)| missing.then_some(field))
        .collect();
        if !missing.is_empty() {
            self.read(&missing)?;
        }
        self.read_joint_angles()?;
        let bodies = BatchBodies {
            stride: self.stride,
            positions: &self.host.positions,
            orientations: &self.host.orientations,
            linear_velocities: &self.host.linear_velocities,
            angular_velocities: &self.host.angular_velocities,
            centers_of_mass: &self.centers_of_mass,
            joint_angles: &self.host.joint_angles,
        };
        Ok((&self.scene, bodies))
    }

    /// Overwrites a whole field (`[worlds × bodies]`); takes effect at the next step.
    pub fn write_field(&mut self, field: StateField, values: &[[f32; 4]]) -> Result<(), GpuError> {
        let expected = self.worlds * self.stride;
        if values.len() != expected {
            return Err(BatchError::SliceLength {
                layout: "worlds × bodies",
                field: match field {
                    StateField::Positions => "positions",
                    StateField::Orientations => "orientations",
                    StateField::LinearVelocities => "linear_velocities",
                    StateField::AngularVelocities => "angular_velocities",
                },
                expected,
                got: values.len(),
            }
            .into());
        }
        self.context.queue.write_buffer(
            &self.buffers.state,
            self.field_offset(field as usize),
            bytemuck::cast_slice(values),
        );
        match field {
            StateField::Positions => self.host.positions.clear(),
            StateField::Orientations => self.host.orientations.clear(),
            StateField::LinearVelocities => self.host.linear_velocities.clear(),
            StateField::AngularVelocities => self.host.angular_velocities.clear(),
        }
        Ok(())
    }

    pub fn set_positions(&mut self, values: &[Vec3]) -> Result<(), GpuError> {
        let v: Vec<[f32; 4]> = values.iter().map(|p| to_vec4(*p)).collect();
        self.write_field(StateField::Positions, &v)
    }

    pub fn set_orientations(&mut self, values: &[Quat]) -> Result<(), GpuError> {
        let v: Vec<[f32; 4]> = values.iter().map(|q| q.to_array()).collect();
        self.write_field(StateField::Orientations, &v)
    }

    pub fn set_linear_velocities(&mut self, values: &[Vec3]) -> Result<(), GpuError> {
        let v: Vec<[f32; 4]> = values.iter().map(|p| to_vec4(*p)).collect();
        self.write_field(StateField::LinearVelocities, &v)
    }

    pub fn set_angular_velocities(&mut self, values: &[Vec3]) -> Result<(), GpuError> {
        let v: Vec<[f32; 4]> = values.iter().map(|p| to_vec4(*p)).collect();
        self.write_field(StateField::AngularVelocities, &v)
    }

    /// Every world's controls, `[worlds × actuators]`: used from the next step on, held over
    /// its substeps, clamped to each actuator's range. Refused (nothing changed) when the
    /// length is wrong or a value is not finite.
    pub fn set_controls(&mut self, controls: &[f32]) -> Result<(), GpuError> {
        let actuators = self.scene.actuators().len();
        check_controls(controls, self.worlds, actuators)?;
        if actuators == 0 {
            return Ok(());
        }
        let per_world = self.state_layout.actuator_vec4s;
        let mut packed = vec![[0f32; 4]; self.worlds * per_world];
        for (world, values) in controls.chunks_exact(actuators).enumerate() {
            for (a, &u) in values.iter().enumerate() {
                packed[world * per_world + a / 4][a % 4] = u;
            }
        }
        self.context.queue.write_buffer(
            &self.buffers.state,
            (self.state_layout.controls * 16) as u64,
            bytemuck::cast_slice(&packed),
        );
        Ok(())
    }

    /// Each actuator's force in the last step (actuator space, as MuJoCo's
    /// `actuator_force`: the joint receives gear × force), `[worlds × actuators]`, read back
    /// if not read since the last step.
    /// Reads back every joint's accumulated angle if not read since the last step: the last
    /// entry of each joint's warm-start memory in the state (joint_solver.wgsl).
    fn read_joint_angles(&mut self) -> Result<(), GpuError> {
        let joints = self.scene.joints().len();
        if !self.host.joint_angles.is_empty() || joints == 0 {
            return Ok(());
        }
        let bytes = self.read_region(
            (self.state_layout.joint_impulses * 16) as u64,
            (self.worlds * joints * JOINT_IMPULSE_VEC4S * 16) as u64,
        )?;
        let packed: Vec<[f32; 4]> = bytemuck::pod_collect_to_vec(&bytes);
        self.host.joint_angles = packed
            .chunks_exact(JOINT_IMPULSE_VEC4S)
            .map(|memory| memory[JOINT_IMPULSE_VEC4S - 1][3])
            .collect();
        Ok(())
    }

    pub fn actuator_forces(&mut self) -> Result<&[f32], GpuError> {
        let actuators = self.scene.actuators().len();
        if self.host.actuator_forces.is_empty() && actuators > 0 {
            let per_world = self.state_layout.actuator_vec4s;
            let bytes = self.read_region(
                (self.state_layout.actuator_forces * 16) as u64,
                (self.worlds * per_world * 16) as u64,
            )?;
            let packed: Vec<[f32; 4]> = bytemuck::pod_collect_to_vec(&bytes);
            self.host.actuator_forces = (0..self.worlds * actuators)
                .map(|k| {
                    let (world, a) = (k / actuators, k % actuators);
                    packed[world * per_world + a / 4][a % 4]
                })
                .collect();
        }
        Ok(&self.host.actuator_forces)
    }

    /// The plausibility figures of the current state (reads every field back).
    pub fn plausibility(&mut self) -> Result<Plausibility, GpuError> {
        self.read(&StateField::ALL)?;
        let h = &self.host;
        let shape = |w: usize, c: usize| match self.world_parameters.get(w) {
            Some(parameters) => parameters.colliders[c].shape,
            None => self.scene.colliders()[c].shape,
        };
        let mut p = Plausibility::measure_with_shapes(
            &self.scene,
            &shape,
            &h.positions,
            &h.orientations,
            &h.linear_velocities,
            &h.angular_velocities,
        );
        // A faulted world keeps its last state; when that state is finite (the step that
        // failed was not written back) it still counts as non-finite.
        let stride = self.stride;
        let state_finite = |w: usize| {
            let range = w * stride..(w + 1) * stride;
            h.positions[range.clone()].iter().all(|v| v.is_finite())
                && h.orientations[range.clone()].iter().all(|q| q.is_finite())
                && h.linear_velocities[range.clone()]
                    .iter()
                    .all(|v| v.is_finite())
                && h.angular_velocities[range].iter().all(|v| v.is_finite())
        };
        p.non_finite_worlds += (0..self.worlds)
            .filter(|&w| self.status[w].flags & WORLD_NON_FINITE != 0 && state_finite(w))
            .count();
        Ok(p)
    }

    pub fn stats(&self) -> GpuStepStats {
        self.stats
    }

    /// Every world's status after the last `step_n`: steps taken, flags, contact points, pairs
    /// found, colours used.
    pub fn world_status(&self) -> &[GpuWorldStatus] {
        &self.status
    }

    /// Sets the trip count of the kernel's loop-limit check (`LOOP_CHECK_TRIPS` by default).
    /// Only for testing the check: a count past the implementation's bound makes every world
    /// report its loops cut short.
    #[doc(hidden)]
    pub fn set_loop_check_trips(&mut self, trips: u32) {
        self.uniforms.loop_check_trips = trips;
    }

    /// Worlds whose state stopped being finite; frozen until reset.
    pub fn non_finite_worlds(&self) -> Vec<usize> {
        (0..self.worlds)
            .filter(|&w| self.status[w].flags & WORLD_NON_FINITE != 0)
            .collect()
    }

    /// The lowest index of a body whose state turned non-finite in `world` (while the world is
    /// frozen for it).
    pub fn non_finite_body(&self, world: usize) -> Option<usize> {
        let status = self.status.get(world)?;
        (status.flags & WORLD_NON_FINITE != 0 && status.fault_body != u32::MAX)
            .then_some(status.fault_body as usize)
    }

    pub fn scene(&self) -> &Scene {
        &self.scene
    }

    pub fn params(&self) -> &StepParams {
        &self.params
    }

    pub fn world_count(&self) -> usize {
        self.worlds
    }

    /// Bodies per world.
    pub fn stride(&self) -> usize {
        self.stride
    }

    pub fn adapter(&self) -> &AdapterSummary {
        &self.context.adapter
    }

    pub fn context(&self) -> &Arc<GpuContext> {
        &self.context
    }

    /// The state, status and centre-of-mass buffers, which a task readout binds (never
    /// reallocated).
    pub(crate) fn readout_buffers(&self) -> [&wgpu::Buffer; 3] {
        [
            &self.buffers.state,
            &self.buffers.status,
            &self.buffers.centers_of_mass,
        ]
    }

    /// Where the controls start in the state (vec4f index) and vec4f of them per world; bodies
    /// per world.
    /// Where the joints' memory starts in the state (vec4f index).
    pub(crate) fn joint_memory_offset(&self) -> usize {
        self.state_layout.joint_impulses
    }

    pub(crate) fn readout_inputs(&self) -> ((usize, usize), usize) {
        (
            (self.state_layout.controls, self.state_layout.actuator_vec4s),
            self.stride,
        )
    }

    /// Device memory of the batch divided by its worlds: state, contact memory and status
    /// per world, plus its share of the constraint scratch and the scene.
    pub fn memory_per_world(&self) -> usize {
        let b = &self.buffers;
        let total: u64 = [
            &b.state,
            &b.cache,
            &b.constraints,
            &b.order,
            &b.status,
            &b.world_scenes,
            &b.articulation,
            &b.joint_scratch,
            &b.centers_of_mass,
        ]
        .iter()
        .map(|buffer| buffer.size())
        .sum();
        (total as usize).div_ceil(self.worlds)
    }
}

/// Centres of mass as the device holds them: a vec4f each.
fn center_bytes(centers: &[Vec3]) -> Vec<u8> {
    let padded: Vec<[f32; 4]> = centers.iter().map(|c| c.extend(0.0).to_array()).collect();
    bytemuck::cast_slice(&padded).to_vec()
}

/// A readback started by [`GpuBatch::begin_read`].
pub struct StateRead {
    fields: Vec<StateField>,
    pending: PendingRead,
}

/// Copies `size` bytes of `buffer` from `offset` back to the host, waiting for them.
fn read_range(
    context: &GpuContext,
    buffer: &wgpu::Buffer,
    offset: u64,
    size: u64,
) -> Result<Vec<u8>, GpuError> {
    let mut readback = Readback::default();
    let device = &context.device;
    let mut encoder = device.create_command_encoder(&Default::default());
    let copy = readback.copy(device, &mut encoder, buffer, &[(offset, size)]);
    context.queue.submit([encoder.finish()]);
    let pending = readback.map(copy);
    let mut out = Vec::new();
    readback.finish(device, pending, |bytes| out.extend_from_slice(bytes))?;
    Ok(out)
}

/// The `Articulation` uniform: tree nodes and excluded pairs at the offsets
/// naga gives them, zeros where a scene has none (the arrays have at least one entry).
fn articulation_bytes(scene: &Scene, tree: &JointTree, kernel: &StepKernel) -> Vec<u8> {
    let mut bytes = vec![0u8; kernel.articulation_size as usize];
    let parts: [Vec<u8>; 2] = [
        bytemuck::cast_slice(&tree_nodes(tree)).to_vec(),
        bytemuck::cast_slice(&excluded_pair_bits(scene)).to_vec(),
    ];
    for (part, &offset) in parts.iter().zip(&kernel.articulation_offsets) {
        let at = offset as usize;
        bytes[at..at + part.len()].copy_from_slice(part);
    }
    bytes
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}
