//! Rust twins of the structs the host shares with the WGSL kernels: `#[repr(C)]`, `Pod`, sizes
//! asserted here and member offsets checked against what naga reports for the WGSL struct of
//! the same name (tests/shader_layout.rs). Padding is spelled out as `_pad` members.

use bytemuck::{Pod, Zeroable};
use glam::{Quat, Vec3};
use manyworlds_core::{Pose, Shape};

/// WGSL `Pose`: vec3f position (padded to 16 bytes), vec4f orientation (x, y, z, w).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct GpuPose {
    pub position: [f32; 3],
    pub _pad: f32,
    pub orientation: [f32; 4],
}

impl From<&Pose> for GpuPose {
    fn from(p: &Pose) -> Self {
        GpuPose {
            position: p.position.to_array(),
            _pad: 0.0,
            orientation: p.orientation.to_array(),
        }
    }
}

impl GpuPose {
    pub fn to_pose(&self) -> Pose {
        Pose::new(
            Vec3::from_array(self.position),
            Quat::from_array(self.orientation),
        )
    }
}

/// WGSL `ShapeDesc`: the shape's sizes and its kind (`SHAPE_*` of common.wgsl): a sphere's
/// radius in `size.x`; a capsule's or cylinder's half-length and radius in `size.x`,
/// `size.y`; a box's half extents; a hull's scale, with its index in the scene's hulls in
/// the kind's bits above [`SHAPE_KIND_BITS`].
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct GpuShape {
    pub size: [f32; 3],
    pub kind: u32,
}

impl From<&Shape> for GpuShape {
    fn from(shape: &Shape) -> Self {
        let (kind, size) = match *shape {
            Shape::Plane => (0, [0.0; 3]),
            Shape::Sphere { radius } => (1, [radius, 0.0, 0.0]),
            Shape::Capsule {
                half_length,
                radius,
            } => (2, [half_length, radius, 0.0]),
            Shape::Cuboid { half_extents } => (3, half_extents.to_array()),
            Shape::Cylinder {
                half_length,
                radius,
            } => (4, [half_length, radius, 0.0]),
            Shape::Hull { hull, scale } => {
                (SHAPE_HULL | hull.0 << SHAPE_KIND_BITS, scale.to_array())
            }
        };
        GpuShape { size, kind }
    }
}

/// `GpuShape::kind` of a convex hull (common.wgsl `SHAPE_HULL`).
pub const SHAPE_HULL: u32 = 5;
/// `GpuShape::kind`'s low bits are the `SHAPE_*` kind, the bits above a hull's index.
pub const SHAPE_KIND_BITS: u32 = 8;

impl GpuShape {
    /// The `SHAPE_*` kind, without a hull's index.
    pub fn kind_code(&self) -> u32 {
        self.kind & ((1 << SHAPE_KIND_BITS) - 1)
    }
}

/// WGSL `ContactPoint`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct GpuContactPoint {
    pub position: [f32; 3],
    pub separation: f32,
    pub feature: u32,
    pub _pad: [u32; 3],
}

/// WGSL `Manifold`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct GpuManifold {
    pub normal: [f32; 3],
    pub count: u32,
    pub points: [GpuContactPoint; 4],
    pub radius_a: f32,
    pub radius_b: f32,
    pub _pad: [u32; 2],
}

/// WGSL `StepUniforms`: the step parameters, the same for every world (gravity is in each
/// world's `WorldScene`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct GpuStepUniforms {
    pub dt: f32,
    pub h: f32,
    pub inv_h: f32,
    pub max_push_out_speed: f32,
    pub restitution_threshold: f32,
    pub speculative_distance: f32,
    /// 1 when every world has its own `WorldScene`, 0 when all share the first.
    pub scene_stride: u32,
    pub substeps: u32,
    pub body_count: u32,
    pub collider_count: u32,
    pub capacity: u32,
    pub target_steps: u32,
    pub workgroups_x: u32,
    pub state_stride: u32,
    pub joint_bias_rate: f32,
    pub joint_mass_scale: f32,
    pub joint_impulse_scale: f32,
    pub joint_impulse_offset: u32,
    pub control_offset: u32,
    pub actuator_force_offset: u32,
    pub loop_check_trips: u32,
    pub contact_hertz: f32,
    pub contact_damping_ratio: f32,
    pub max_contact_hertz: f32,
    /// The scene's joints, actuators and joint-tree nodes: the kernel's loops run to these
    /// (its arrays are sized for a bucket of scenes, `KernelSizes`).
    pub joint_count: u32,
    pub actuator_count: u32,
    pub tree_node_count: u32,
}

/// WGSL `DispatchRange`: the worlds one dispatch steps.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Pod, Zeroable)]
pub struct GpuDispatchRange {
    pub world_offset: u32,
    pub world_end: u32,
}

/// WGSL `SceneBody`: a body of the scene template.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct GpuSceneBody {
    /// Columns, each padded to 16 bytes (WGSL mat3x3f).
    pub inverse_inertia: [[f32; 4]; 3],
    pub center_of_mass: [f32; 3],
    pub inverse_mass: f32,
}

/// WGSL `SceneCollider`: a collider of the scene template.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct GpuSceneCollider {
    pub pose: GpuPose,
    pub shape: GpuShape,
    pub body: u32,
    pub memberships: u32,
    pub collides_with: u32,
    pub friction: f32,
    pub restitution: f32,
    pub bounding_radius: f32,
    pub _pad: [u32; 2],
}

/// WGSL `SceneJoint`: a joint of the scene template (see common.wgsl for the packing).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct GpuSceneJoint {
    /// The joint frame's orientation in the parent's (or the world's) frame and the child's.
    pub frame_a: [f32; 4],
    pub frame_b: [f32; 4],
    /// The anchor relative to each body's centre of mass, body frame (xyz).
    pub anchor_a: [f32; 4],
    pub anchor_b: [f32; 4],
    /// Parent body (the world's slot when none), child body, `JOINT_*` kind, flags.
    pub ids: [u32; 4],
    /// Lower and upper limit, damping, armature.
    pub range_damping: [f32; 4],
    /// Spring stiffness and reference; the limits' own softness (natural frequency, Hz,
    /// 0 for none; damping ratio).
    pub spring: [f32; 4],
    /// A compound joint's first member: how many members (x; 0 for any other joint).
    pub compound: [u32; 4],
    /// With `compound`: the child's rest frame in the parent's, origins at the centres of
    /// mass (position xyz, orientation).
    pub rest: [[f32; 4]; 2],
    /// The soft limits' impedance curve (limit_impedance.rs): min, max, width, midpoint;
    /// power.
    pub limit_impedance: [[f32; 4]; 2],
}

/// WGSL `SceneActuator`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct GpuSceneActuator {
    /// Joint driven, `ACTUATOR_*` kind.
    pub ids: [u32; 4],
    /// Gear, kp, kv, the largest joint force.
    pub gains: [f32; 4],
    /// Control range (xy).
    pub control_range: [f32; 4],
}

/// WGSL `TreeNode`: kind, body or joint, parent node, has children.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Pod, Zeroable)]
pub struct GpuTreeNode {
    pub ids: [u32; 4],
}

/// `GpuSceneJoint::ids[3]`: the joint is solved with its tree.
pub const JOINT_IN_TREE: u32 = 1;
/// `GpuSceneJoint::ids[3]`: the joint has limits.
pub const JOINT_LIMITED: u32 = 2;
/// `GpuSceneJoint::ids[3]`: the joint is a member of a compound joint (compound_rows.wgsl).
pub const JOINT_COMPOUND: u32 = 4;
/// `GpuTreeNode::ids[0]`: a body node, a joint node.
pub const NODE_BODY: u32 = 0;
pub const NODE_JOINT: u32 = 1;
/// `GpuTreeNode::ids[2]` of a root.
pub const NO_PARENT: u32 = u32::MAX;
/// vec4f of warm-start impulses per joint in the state (`JOINT_IMPULSE_VEC4S`).
pub const JOINT_IMPULSE_VEC4S: usize = 3;

/// WGSL `CachedPoint`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct GpuCachedPoint {
    pub local_anchor: [f32; 3],
    pub feature: u32,
    pub tangent_impulse: [f32; 3],
    pub normal_impulse: f32,
}

/// WGSL `CachedManifold`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct GpuCachedManifold {
    pub key: u32,
    pub count: u32,
    pub _pad: [u32; 2],
    /// Unit normal from body A to body B, for the contact readout.
    pub normal: [f32; 3],
    pub _pad_normal: u32,
    pub points: [GpuCachedPoint; 4],
}

/// WGSL `WorldStatus`: a world's step count, flags and counters.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Pod, Zeroable)]
pub struct GpuWorldStatus {
    pub steps_done: u32,
    pub flags: u32,
    pub contact_points: u32,
    pub cache_count: u32,
    pub pairs_needed: u32,
    pub max_colors: u32,
    /// With `WORLD_NON_FINITE`: the lowest index of a body whose state turned non-finite.
    pub fault_body: u32,
    pub _pad: u32,
}

/// WGSL `ReadoutUniforms`: the batch's and the task's sizes for the task readout.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct GpuReadoutUniforms {
    pub worlds: u32,
    pub body_count: u32,
    pub state_stride: u32,
    pub control_offset: u32,
    pub actuator_vec4s: u32,
    pub joint_count: u32,
    pub q_count: u32,
    pub qd_count: u32,
    pub observation_size: u32,
    pub mode: u32,
    pub dt: f32,
    pub workgroups_x: u32,
    /// Where the joints' memory starts in the state (vec4f index; `JOINT_IMPULSE_VEC4S` per
    /// joint, the last float the accumulated angle).
    pub joint_memory_offset: u32,
    pub _pad: [u32; 3],
}

/// WGSL `ReadoutJoint`: a joint as the task readout derives its q and q̇.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct GpuReadoutJoint {
    /// `JOINT_*` kind, parent body (`NO_PARENT`: the world), child body, offset of its q.
    pub ids: [u32; 4],
    /// Offset of its q̇ (x).
    pub offsets: [u32; 4],
    pub frame_in_parent: GpuPose,
    pub frame_in_child: GpuPose,
}

/// The four regions of the body-state buffer (STATE_* in common.wgsl), in order.
pub const STATE_FIELDS: usize = 4;

/// `GpuWorldStatus::flags`: more pairs than constraint slots; the world waits for more.
pub const WORLD_STALLED: u32 = 1;
/// `GpuWorldStatus::flags`: the state went non-finite; the world is frozen until reset.
pub const WORLD_NON_FINITE: u32 = 2;
/// `GpuWorldStatus::flags`: the implementation cut the kernel's loops short (step.wgsl).
pub const WORLD_LOOP_LIMIT: u32 = 4;
/// Trips of the kernel's loop-limit check: any loop cut short runs once.
pub const LOOP_CHECK_TRIPS: u32 = 2;

const _: () = {
    assert!(std::mem::size_of::<GpuStepUniforms>() == 108);
    assert!(std::mem::size_of::<GpuSceneJoint>() == 192);
    assert!(std::mem::size_of::<GpuSceneActuator>() == 48);
    assert!(std::mem::size_of::<GpuTreeNode>() == 16);
    assert!(std::mem::size_of::<GpuSceneBody>() == 64);
    assert!(std::mem::size_of::<GpuDispatchRange>() == 8);
    assert!(std::mem::size_of::<GpuSceneCollider>() == 80);
    assert!(std::mem::size_of::<GpuCachedPoint>() == 32);
    assert!(std::mem::size_of::<GpuCachedManifold>() == 160);
    assert!(std::mem::size_of::<GpuWorldStatus>() == 32);
    assert!(std::mem::size_of::<GpuPose>() == 32);
    assert!(std::mem::size_of::<GpuShape>() == 16);
    assert!(std::mem::size_of::<GpuReadoutUniforms>() == 64);
    assert!(std::mem::size_of::<GpuReadoutJoint>() == 96);
    assert!(std::mem::size_of::<GpuContactPoint>() == 32);
    assert!(std::mem::size_of::<GpuManifold>() == 160);
};

/// One shared struct's layout as Rust sees it: name, size, and each named member's offset.
pub struct StructLayout {
    pub name: &'static str,
    pub size: usize,
    pub members: Vec<(&'static str, usize)>,
}

macro_rules! layout {
    ($wgsl:literal, $ty:ty, [$($member:ident),* $(,)?]) => {
        StructLayout {
            name: $wgsl,
            size: std::mem::size_of::<$ty>(),
            members: vec![$((stringify!($member), std::mem::offset_of!($ty, $member))),*],
        }
    };
}

/// Every struct shared with WGSL, for the layout test. Padding members are not listed: WGSL
/// has none.
pub fn shared_layouts() -> Vec<StructLayout> {
    vec![
        layout!("Pose", GpuPose, [position, orientation]),
        layout!("ShapeDesc", GpuShape, [size, kind]),
        layout!(
            "ContactPoint",
            GpuContactPoint,
            [position, separation, feature]
        ),
        layout!(
            "Manifold",
            GpuManifold,
            [normal, count, points, radius_a, radius_b]
        ),
        layout!(
            "StepUniforms",
            GpuStepUniforms,
            [
                dt,
                h,
                inv_h,
                max_push_out_speed,
                restitution_threshold,
                speculative_distance,
                scene_stride,
                substeps,
                body_count,
                collider_count,
                capacity,
                target_steps,
                workgroups_x,
                state_stride,
                joint_bias_rate,
                joint_mass_scale,
                joint_impulse_scale,
                joint_impulse_offset,
                control_offset,
                actuator_force_offset,
                loop_check_trips,
                contact_hertz,
                contact_damping_ratio,
                max_contact_hertz,
                joint_count,
                actuator_count,
                tree_node_count,
            ]
        ),
        layout!(
            "SceneJoint",
            GpuSceneJoint,
            [
                frame_a,
                frame_b,
                anchor_a,
                anchor_b,
                ids,
                range_damping,
                spring,
                compound,
                rest,
                limit_impedance
            ]
        ),
        layout!(
            "SceneActuator",
            GpuSceneActuator,
            [ids, gains, control_range]
        ),
        layout!("TreeNode", GpuTreeNode, [ids]),
        layout!("DispatchRange", GpuDispatchRange, [world_offset, world_end]),
        layout!(
            "SceneBody",
            GpuSceneBody,
            [inverse_inertia, center_of_mass, inverse_mass]
        ),
        layout!(
            "SceneCollider",
            GpuSceneCollider,
            [
                pose,
                shape,
                body,
                memberships,
                collides_with,
                friction,
                restitution,
                bounding_radius
            ]
        ),
        layout!(
            "CachedPoint",
            GpuCachedPoint,
            [local_anchor, feature, tangent_impulse, normal_impulse]
        ),
        layout!(
            "CachedManifold",
            GpuCachedManifold,
            [key, count, normal, points]
        ),
        layout!(
            "WorldStatus",
            GpuWorldStatus,
            [
                steps_done,
                flags,
                contact_points,
                cache_count,
                pairs_needed,
                max_colors,
                fault_body
            ]
        ),
        layout!(
            "ReadoutUniforms",
            GpuReadoutUniforms,
            [
                worlds,
                body_count,
                state_stride,
                control_offset,
                actuator_vec4s,
                joint_count,
                q_count,
                qd_count,
                observation_size,
                mode,
                dt,
                workgroups_x,
                joint_memory_offset
            ]
        ),
        layout!(
            "ReadoutJoint",
            GpuReadoutJoint,
            [ids, offsets, frame_in_parent, frame_in_child]
        ),
    ]
}
