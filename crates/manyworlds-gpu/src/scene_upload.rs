//! The scene template and the step parameters in the form the kernels read them.

use glam::Vec3;
use manyworlds_core::joint_tree::{JointTree, NodeKind};
use manyworlds_core::{ActuatorKind, ConvexHull, JointKind, Scene, Shape, Softness, StepParams};

use crate::layout::{
    GpuSceneActuator, GpuSceneBody, GpuSceneCollider, GpuSceneJoint, GpuShape, GpuStepUniforms,
    GpuTreeNode, JOINT_COMPOUND, JOINT_IMPULSE_VEC4S, JOINT_IN_TREE, JOINT_LIMITED,
    LOOP_CHECK_TRIPS, NODE_BODY, NODE_JOINT, NO_PARENT,
};

/// The scene's convex hulls as `narrowphase_hull.wgsl` reads them, as u32 (floats by their
/// bits): three vec4 of header per hull (vertex, face, edge and loop offsets and counts; the
/// unscaled centroid), then every hull's vertices, faces (normal and offset; first loop
/// entry and count), edges (two vertices, two faces) and face loops, four indices to a vec4.
/// At least one vec4.
pub fn scene_hulls(hulls: &[ConvexHull]) -> Vec<[u32; 4]> {
    let floats = |v: glam::Vec4| v.to_array().map(f32::to_bits);
    let mut data = vec![[0u32; 4]; (3 * hulls.len()).max(1)];
    for (h, hull) in hulls.iter().enumerate() {
        let vertices = data.len() as u32;
        data.extend(hull.vertices().iter().map(|v| floats(v.extend(0.0))));
        let faces = data.len() as u32;
        for f in hull.faces() {
            data.push(floats(f.normal.extend(f.offset)));
            data.push([f.first, f.count, 0, 0]);
        }
        let edges = data.len() as u32;
        data.extend(
            hull.edges()
                .iter()
                .map(|e| [e.vertices[0], e.vertices[1], e.faces[0], e.faces[1]]),
        );
        let loops = data.len() as u32;
        for chunk in hull.face_vertices().chunks(4) {
            let mut v = [0u32; 4];
            v[..chunk.len()].copy_from_slice(chunk);
            data.push(v);
        }
        data[3 * h] = [
            vertices,
            hull.vertices().len() as u32,
            faces,
            hull.faces().len() as u32,
        ];
        data[3 * h + 1] = [edges, hull.edges().len() as u32, loops, 0];
        data[3 * h + 2] = floats(hull.centroid(Vec3::ONE).extend(0.0));
    }
    data
}

pub fn scene_bodies(scene: &Scene) -> Vec<GpuSceneBody> {
    scene
        .bodies()
        .iter()
        .map(|body| {
            let m = body.inverse_inertia;
            let column = |c: glam::Vec3| [c.x, c.y, c.z, 0.0];
            GpuSceneBody {
                inverse_inertia: [column(m.x_axis), column(m.y_axis), column(m.z_axis)],
                center_of_mass: body.mass.center_of_mass.to_array(),
                inverse_mass: body.inverse_mass,
            }
        })
        .collect()
}

pub fn scene_colliders(scene: &Scene) -> Vec<GpuSceneCollider> {
    scene
        .colliders()
        .iter()
        .map(|c| GpuSceneCollider {
            pose: (&c.pose).into(),
            shape: GpuShape::from(&c.shape),
            body: c.body as u32,
            memberships: c.filter.memberships,
            collides_with: c.filter.filter,
            friction: c.material.friction,
            restitution: c.material.restitution,
            bounding_radius: match c.shape {
                Shape::Plane => 0.0,
                shape => shape.bounding_radius_in(scene.hulls()),
            },
            _pad: [0; 2],
        })
        .collect()
}

pub(crate) fn joint_kind(kind: JointKind) -> u32 {
    match kind {
        JointKind::Fixed => 0,
        JointKind::Revolute => 1,
        JointKind::Prismatic => 2,
        JointKind::Spherical => 3,
        JointKind::Free => 4,
    }
}

/// The scene's joints as the kernel reads them: anchors relative to the bodies' centres of
/// mass, the world's stand-in (slot `body_count`) as the parent of joints without one.
pub fn scene_joints(scene: &Scene, tree: &JointTree) -> Vec<GpuSceneJoint> {
    let com =
        |body: Option<usize>| body.map_or(Vec3::ZERO, |b| scene.bodies()[b].mass.center_of_mass);
    let world_body = scene.body_count() as u32;
    scene
        .joints()
        .iter()
        .enumerate()
        .map(|(j, joint)| {
            let anchor_a = joint.frame_in_parent.position - com(joint.parent);
            let anchor_b = joint.frame_in_child.position - com(Some(joint.child));
            let mut flags = 0;
            if tree.tree_joints.contains(&j) {
                flags |= JOINT_IN_TREE;
            }
            if joint.limits.is_some() {
                flags |= JOINT_LIMITED;
            }
            let compound = scene.compound_of(j);
            if compound.is_some() {
                flags |= JOINT_COMPOUND;
            }
            let (count, rest) = match compound {
                Some(c) if c.joints[0] == j => {
                    // The rest frame between the centres of mass: T(−com_A) · C₀ · T(com_B).
                    let position =
                        c.rest.transform_point(com(Some(joint.child))) - com(joint.parent);
                    (
                        c.count as u32,
                        [
                            position.extend(0.0).to_array(),
                            c.rest.orientation.to_array(),
                        ],
                    )
                }
                _ => (0, [[0.0; 4]; 2]),
            };
            let (lower, upper) = joint.limits.unwrap_or((0.0, 0.0));
            let armature = if joint.kind.is_single_axis() {
                joint.armature
            } else {
                0.0
            };
            GpuSceneJoint {
                frame_a: joint.frame_in_parent.orientation.to_array(),
                frame_b: joint.frame_in_child.orientation.to_array(),
                anchor_a: anchor_a.extend(0.0).to_array(),
                anchor_b: anchor_b.extend(0.0).to_array(),
                ids: [
                    joint.parent.map_or(world_body, |p| p as u32),
                    joint.child as u32,
                    joint_kind(joint.kind),
                    flags,
                ],
                range_damping: [lower, upper, joint.damping, armature],
                spring: [
                    joint.stiffness,
                    joint.spring_reference,
                    joint.limit_softness.map_or(0.0, |s| s.0),
                    joint.limit_softness.map_or(0.0, |s| s.1),
                ],
                compound: [count, 0, 0, 0],
                rest,
                limit_impedance: {
                    let d = joint.limit_impedance;
                    [
                        [d.min, d.max, d.width, d.midpoint],
                        [d.power, 0.0, 0.0, 0.0],
                    ]
                },
            }
        })
        .collect()
}

/// The scene's actuators: a servo's force limit as the largest joint force (× |gear|), and
/// f32::MAX where there is no limit or range.
pub fn scene_actuators(scene: &Scene) -> Vec<GpuSceneActuator> {
    scene
        .actuators()
        .iter()
        .map(|a| {
            let (kind, kp, kv) = match a.kind {
                ActuatorKind::Motor => (0, 0.0, 0.0),
                ActuatorKind::Position { kp, kv } => (1, kp, kv),
                ActuatorKind::Velocity { kv } => (2, 0.0, kv),
            };
            let max_force = a.force_limit.map_or(f32::MAX, |f| f * a.gear.abs());
            let (lower, upper) = a.control_range.unwrap_or((-f32::MAX, f32::MAX));
            GpuSceneActuator {
                ids: [a.joint as u32, kind, 0, 0],
                gains: [a.gear, kp, kv, max_force],
                control_range: [lower, upper, 0.0, 0.0],
            }
        })
        .collect()
}

/// The joint trees' bodies and joints in elimination order (parents first). The kernel folds
/// each joint's armature rotor into its pivot (joint_tree.rs).
pub fn tree_nodes(tree: &JointTree) -> Vec<GpuTreeNode> {
    tree.nodes
        .iter()
        .zip(&tree.has_children)
        .map(|(node, &has_children)| {
            let (kind, index) = match node.kind {
                NodeKind::Body(b) => (NODE_BODY, b),
                NodeKind::Joint(j) => (NODE_JOINT, j),
            };
            GpuTreeNode {
                ids: [
                    kind,
                    index as u32,
                    node.parent.map_or(NO_PARENT, |p| p as u32),
                    u32::from(has_children),
                ],
            }
        })
        .collect()
}

/// The scene's excluded body pairs as a bitset, bit `lower · bodies + higher`, 128 bits to a
/// vec4u (WGSL `collision_excluded`).
pub fn excluded_pair_bits(scene: &Scene) -> Vec<[u32; 4]> {
    let bodies = scene.body_count();
    let mut bits = vec![[0u32; 4]; (bodies * bodies).div_ceil(128).max(1)];
    for &(a, b) in scene.excluded_pairs() {
        let bit = a as usize * bodies + b as usize;
        bits[bit / 128][(bit / 32) % 4] |= 1 << (bit % 32);
    }
    bits
}

/// Where the regions of the state buffer start, in vec4f: the four body fields
/// (`worlds × bodies` each), then every joint's warm-start impulses, the controls and the
/// actuator forces (four to a vec4f per world).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StateLayout {
    pub joint_impulses: usize,
    pub controls: usize,
    pub actuator_forces: usize,
    /// vec4f of controls (and of forces) per world.
    pub actuator_vec4s: usize,
    pub total: usize,
}

impl StateLayout {
    pub fn new(scene: &Scene, worlds: usize) -> Self {
        let joint_impulses = crate::layout::STATE_FIELDS * worlds * scene.body_count();
        let controls = joint_impulses + worlds * scene.joints().len() * JOINT_IMPULSE_VEC4S;
        let actuator_vec4s = scene.actuators().len().div_ceil(4);
        let actuator_forces = controls + worlds * actuator_vec4s;
        StateLayout {
            joint_impulses,
            controls,
            actuator_forces,
            actuator_vec4s,
            total: actuator_forces + worlds * actuator_vec4s,
        }
    }
}

/// Everything of `StepUniforms` but the per-dispatch fields (`target_steps`, `capacity`),
/// with the contact frequencies and joint coefficients computed as the CPU backend does.
pub fn step_uniforms(
    params: &StepParams,
    scene: &Scene,
    tree: &JointTree,
    worlds: usize,
) -> GpuStepUniforms {
    let h = params.substep_dt();
    let inv_h = 1.0 / h;
    let joint_soft = Softness::new(
        params.joint_hertz.min(0.25 * inv_h),
        params.joint_damping_ratio,
        h,
    );
    let state = StateLayout::new(scene, worlds);
    GpuStepUniforms {
        dt: params.dt,
        h,
        inv_h,
        max_push_out_speed: params.max_push_out_speed,
        restitution_threshold: params.restitution_threshold,
        speculative_distance: params.speculative_distance,
        scene_stride: 0,
        substeps: params.substeps,
        body_count: scene.body_count() as u32,
        collider_count: scene.colliders().len() as u32,
        capacity: 0,
        target_steps: 0,
        workgroups_x: 0,
        state_stride: (worlds * scene.body_count()) as u32,
        joint_bias_rate: joint_soft.bias_rate,
        joint_mass_scale: joint_soft.mass_scale,
        joint_impulse_scale: joint_soft.impulse_scale,
        joint_impulse_offset: state.joint_impulses as u32,
        control_offset: state.controls as u32,
        actuator_force_offset: state.actuator_forces as u32,
        loop_check_trips: LOOP_CHECK_TRIPS,
        contact_hertz: params.contact_hertz.min(0.25 * inv_h),
        contact_damping_ratio: params.contact_damping_ratio,
        max_contact_hertz: 0.25 * inv_h,
        joint_count: scene.joints().len() as u32,
        actuator_count: scene.actuators().len() as u32,
        tree_node_count: tree.nodes.len() as u32,
    }
}

/// One world's `WorldScene` (`size` bytes, members at `offsets`): the scene's bodies, colliders,
/// joints and actuators, and `gravity`.
pub fn world_scene_bytes(
    scene: &Scene,
    tree: &JointTree,
    gravity: Vec3,
    dt: f32,
    size: u64,
    offsets: &[u64; 5],
) -> Vec<u8> {
    let mut bytes = vec![0u8; size as usize];
    let gravity = [gravity.x, gravity.y, gravity.z, gravity.length() * dt];
    let parts: [Vec<u8>; 5] = [
        bytemuck::cast_slice(&scene_bodies(scene)).to_vec(),
        bytemuck::cast_slice(&scene_colliders(scene)).to_vec(),
        bytemuck::cast_slice(&scene_joints(scene, tree)).to_vec(),
        bytemuck::cast_slice(&scene_actuators(scene)).to_vec(),
        bytemuck::cast_slice(&gravity).to_vec(),
    ];
    for (part, &offset) in parts.iter().zip(offsets) {
        let at = offset as usize;
        bytes[at..at + part.len()].copy_from_slice(part);
    }
    bytes
}
