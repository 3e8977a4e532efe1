// Shared by every kernel: the structs the host also knows (their Rust twins are #[repr(C)] in
// crates/manyworlds-gpu/src/layout.rs and a test compares the member offsets naga reports),
// the narrow phase's manifold, and quaternion and matrix helpers.
//
// Quaternions are vec4f (x, y, z, w), as glam stores them.

const MAX_POINTS: u32 = 4u;

// Shape kinds, in the narrow phase's rank order (the lower rank goes first in a pair).
const SHAPE_PLANE: u32 = 0u;
const SHAPE_SPHERE: u32 = 1u;
const SHAPE_CAPSULE: u32 = 2u;
const SHAPE_BOX: u32 = 3u;
// No narrow-phase pairs yet: the host refuses a cylinder that can touch anything.
const SHAPE_CYLINDER: u32 = 4u;

struct Pose {
    position: vec3f,
    orientation: vec4f,
}

// One contact point: world position midway between the surfaces, signed separation along the
// manifold normal (negative: overlap) and the feature id warm starting matches on.
struct ContactPoint {
    position: vec3f,
    separation: f32,
    feature: u32,
}

// Contact between shapes A and B: normal from A towards B, up to four points, and each
// surface's radius of curvature at the contact (0 for flat ones).
struct Manifold {
    normal: vec3f,
    count: u32,
    points: array<ContactPoint, 4>,
    radius_a: f32,
    radius_b: f32,
}

fn manifold_with_normal(normal: vec3f) -> Manifold {
    var m: Manifold;
    m.normal = normal;
    m.count = 0u;
    return m;
}

fn manifold_push(m: ptr<function, Manifold>, position: vec3f, separation: f32, feature: u32) {
    let i = (*m).count;
    if i < MAX_POINTS {
        (*m).points[i] = ContactPoint(position, separation, feature);
        (*m).count = i + 1u;
    }
}

// The same contact seen from B.
fn manifold_flipped(m: Manifold) -> Manifold {
    var f = m;
    f.normal = -m.normal;
    f.radius_a = m.radius_b;
    f.radius_b = m.radius_a;
    return f;
}

// Whether x is neither infinite nor NaN.
fn is_finite_f32(x: f32) -> bool {
    return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

fn is_finite_vec3(v: vec3f) -> bool {
    return is_finite_f32(v.x) && is_finite_f32(v.y) && is_finite_f32(v.z);
}

fn is_finite_vec4(v: vec4f) -> bool {
    return is_finite_vec3(v.xyz) && is_finite_f32(v.w);
}

fn quat_rotate(q: vec4f, v: vec3f) -> vec3f {
    // v + 2w (u × v) + 2 u × (u × v), u the vector part.
    let u = q.xyz;
    let t = 2.0 * cross(u, v);
    return v + q.w * t + cross(u, t);
}

fn quat_conjugate(q: vec4f) -> vec4f {
    return vec4f(-q.xyz, q.w);
}

// Hamilton product a ⊗ b.
fn quat_mul(a: vec4f, b: vec4f) -> vec4f {
    return vec4f(
        a.w * b.xyz + b.w * a.xyz + cross(a.xyz, b.xyz),
        a.w * b.w - dot(a.xyz, b.xyz),
    );
}

// The rotation matrix of unit quaternion q (columns are the rotated axes).
fn quat_to_mat3(q: vec4f) -> mat3x3f {
    let x2 = q.x + q.x;
    let y2 = q.y + q.y;
    let z2 = q.z + q.z;
    let xx = q.x * x2;
    let xy = q.x * y2;
    let xz = q.x * z2;
    let yy = q.y * y2;
    let yz = q.y * z2;
    let zz = q.z * z2;
    let wx = q.w * x2;
    let wy = q.w * y2;
    let wz = q.w * z2;
    return mat3x3f(
        vec3f(1.0 - (yy + zz), xy + wz, xz - wy),
        vec3f(xy - wz, 1.0 - (xx + zz), yz + wx),
        vec3f(xz + wy, yz - wx, 1.0 - (xx + yy)),
    );
}

fn pose_transform_point(p: Pose, v: vec3f) -> vec3f {
    return p.position + quat_rotate(p.orientation, v);
}

// Maps a world point into the frame of `p`.
fn pose_inverse_transform_point(p: Pose, v: vec3f) -> vec3f {
    return quat_rotate(quat_conjugate(p.orientation), v - p.position);
}

// The pose of a child frame given relative to `parent`.
fn pose_compose(parent: Pose, child: Pose) -> Pose {
    return Pose(
        pose_transform_point(parent, child.position),
        quat_mul(parent.orientation, child.orientation),
    );
}

// Two unit vectors orthogonal to unit `n` and to each other, continuous in n except at
// n.z = 0 sign changes (Duff et al. 2017, "Building an orthonormal basis, revisited"), the
// construction glam's `any_orthonormal_pair` uses, so both backends pick the same tangents.
fn orthonormal_pair(n: vec3f) -> array<vec3f, 2> {
    // The sign of z, −1 for −0 as well (f32::signum).
    let s = select(1.0, -1.0, (bitcast<u32>(n.z) & 0x80000000u) != 0u);
    let a = -1.0 / (s + n.z);
    let b = n.x * n.y * a;
    return array<vec3f, 2>(
        vec3f(1.0 + s * n.x * n.x * a, s * b, -s * n.x),
        vec3f(b, s + n.y * n.y * a, -n.y),
    );
}

// A collision shape's sizes and kind (SHAPE_*): a sphere's radius in size.x; a capsule's or
// cylinder's half-length and radius in size.x, size.y (its axis is local z); a box's half
// extents.
struct ShapeDesc {
    size: vec3f,
    kind: u32,
}

// Sine of the angle under which a capsule axis lies flat on a plane or a box face: both ends
// then make contact points, else only the lower one.
const FLAT_SIN: f32 = 0.05;

// ---- Shared with the host (layout.rs) ----

// Step parameters, the same for every world (StepParams on the host, softness precomputed).
struct StepUniforms {
    dt: f32,
    h: f32,
    inv_h: f32,
    max_push_out_speed: f32,
    restitution_threshold: f32,
    speculative_distance: f32,
    // 1 when every world has a WorldScene of its own (domain randomization), 0 when all
    // worlds share the first.
    scene_stride: u32,
    substeps: u32,
    body_count: u32,
    collider_count: u32,
    // Constraint slots per world (pairs found by the broad phase).
    capacity: u32,
    // A world steps while its step count is below this (see WorldStatus).
    target_steps: u32,
    // Workgroups per row of the 2-D dispatch grid.
    workgroups_x: u32,
    // world_count * body_count: the length of one field's region of the body state.
    state_stride: u32,
    // Joint softness (joint_hertz, joint_damping_ratio): the drift correction's coefficients.
    joint_bias_rate: f32,
    joint_mass_scale: f32,
    joint_impulse_scale: f32,
    // Where the joint regions of the state start (vec4f index): warm-start impulses
    // (JOINT_IMPULSE_VEC4S per joint), controls and actuator forces (four to a vec4f).
    joint_impulse_offset: u32,
    control_offset: u32,
    actuator_force_offset: u32,
    // The trip count of the kernel's loop-limit check (LOOP_CHECK_TRIPS on the host).
    loop_check_trips: u32,
    // Contact stiffness (world_step.rs): the frequency between dynamic bodies (twice that
    // against static ones), raised with a contact's load up to the largest.
    contact_hertz: f32,
    contact_damping_ratio: f32,
    max_contact_hertz: f32,
    // The scene's joints, actuators and joint-tree nodes: loops run to these; the arrays are
    // sized (MAX_*, from the prelude) for a bucket of scenes, so that scenes of similar size
    // share one compiled kernel.
    joint_count: u32,
    actuator_count: u32,
    tree_node_count: u32,
}

// Which worlds one dispatch steps: constraint slots are scratch shared by the worlds of one
// dispatch, so a large batch is stepped in several dispatches of `world_end - world_offset`.
struct DispatchRange {
    world_offset: u32,
    world_end: u32,
}

// A body of the scene template: inverse inertia in the body frame, centre of mass in the body
// frame, inverse mass (0: static).
struct SceneBody {
    inverse_inertia: mat3x3f,
    center_of_mass: vec3f,
    inverse_mass: f32,
}

// A collider of the scene template: pose relative to its body, shape, material and filter.
struct SceneCollider {
    pose: Pose,
    shape: ShapeDesc,
    body: u32,
    memberships: u32,
    collides_with: u32,
    friction: f32,
    restitution: f32,
    // Radius of a ball around the collider's origin holding the shape (0 for a plane).
    bounding_radius: f32,
}

// Joint kinds (JointKind).
const JOINT_FIXED: u32 = 0u;
const JOINT_REVOLUTE: u32 = 1u;
const JOINT_PRISMATIC: u32 = 2u;
const JOINT_SPHERICAL: u32 = 3u;
const JOINT_FREE: u32 = 4u;

// SceneJoint.ids.w flags.
// The joint is a node of a joint tree (solved exactly with it), else it is solved on its own.
const JOINT_IN_TREE: u32 = 1u;
const JOINT_LIMITED: u32 = 2u;
const JOINT_COMPOUND: u32 = 4u;

// A joint of the scene template. The world, for a joint without parent, is the static body
// slot after the scene's bodies (index `params.body_count`).
struct SceneJoint {
    // The joint frame's orientation in the parent's body frame (the world's when there is no
    // parent) and in the child's; a single-axis joint's axis is the frame's x axis.
    frame_a: vec4f,
    frame_b: vec4f,
    // The anchor relative to each body's centre of mass, in the body's frame (xyz).
    anchor_a: vec4f,
    anchor_b: vec4f,
    // Parent body (A), child body (B), JOINT_* kind, JOINT_IN_TREE | JOINT_LIMITED |
    // JOINT_COMPOUND (a member of a compound joint, compound_rows.wgsl).
    ids: vec4u,
    // Lower and upper limit, damping (revolute, prismatic, spherical), armature (single-axis
    // joints; 0 otherwise).
    range_damping: vec4f,
    // Spring stiffness and the q where it is relaxed (xy); the limits' own softness: natural
    // frequency, Hz (0: none), and damping ratio (zw).
    spring: vec4f,
    // A compound joint's first member: how many members (x; 0 for any other joint), and the
    // child's rest frame in the parent's, both with origins at the centres of mass (position
    // xyz, orientation).
    compound: vec4u,
    rest: array<vec4f, 2>,
    // The soft limits' impedance curve (limit_impedance.rs): min, max, width, midpoint (0);
    // power (1.x).
    limit_impedance: array<vec4f, 2>,
}

// Actuator kinds (ActuatorKind).
const ACTUATOR_MOTOR: u32 = 0u;
const ACTUATOR_POSITION: u32 = 1u;
const ACTUATOR_VELOCITY: u32 = 2u;

// An actuator of the scene template.
struct SceneActuator {
    // Joint driven, ACTUATOR_* kind (xy).
    ids: vec4u,
    // Gear, kp, kv, the largest joint force (force limit × |gear|; f32 max without one).
    gains: vec4f,
    // The control range (xy; ± f32 max without one).
    control_range: vec4f,
}

// Tree node kinds (joint_tree.rs; the host leaves armature rotors out, folded into their
// joints).
const NODE_BODY: u32 = 0u;
const NODE_JOINT: u32 = 1u;
const NO_PARENT: u32 = 0xffffffffu;

// A node of the joint trees, parents before children: NODE_* kind, its body or joint,
// parent node (NO_PARENT for a root), whether it has children.
struct TreeNode {
    ids: vec4u,
}

// The vec4f a joint's warm-start impulses take in the state (joint_solver.wgsl).
const JOINT_IMPULSE_VEC4S: u32 = 3u;

// Body state is stored field by field (so a readback copies only the fields asked for): four
// regions of `state_stride` vec4f each, body b of world w at w * body_count + b.
const STATE_POSITION: u32 = 0u;
const STATE_ORIENTATION: u32 = 1u;
const STATE_LINEAR_VELOCITY: u32 = 2u;
const STATE_ANGULAR_VELOCITY: u32 = 3u;

// Warm-start memory of one contact point (contact_cache.rs).
struct CachedPoint {
    // The point relative to A's centre of mass, in A's frame.
    local_anchor: vec3f,
    feature: u32,
    // Friction impulse as a world vector.
    tangent_impulse: vec3f,
    normal_impulse: f32,
}

// The cached points of one collider pair, `first << 16 | second`; a world's are sorted by key.
struct CachedManifold {
    key: u32,
    count: u32,
    // Unit normal from body A to body B, for the contact readout.
    normal: vec3f,
    points: array<CachedPoint, 4>,
}

// WorldStatus.flags
const WORLD_STALLED: u32 = 1u;
const WORLD_NON_FINITE: u32 = 2u;
const WORLD_LOOP_LIMIT: u32 = 4u;

// What a world reports, and its step count.
struct WorldStatus {
    steps_done: u32,
    // WORLD_STALLED: the broad phase found more pairs than there are constraint slots; the
    // world was not advanced and waits for the host to grow the capacity.
    // WORLD_NON_FINITE: a step produced a non-finite state; the world keeps its last finite
    // state and is not stepped until reset.
    // WORLD_LOOP_LIMIT: the implementation cut the kernel's loops short (see step.wgsl); the
    // world keeps its last state and is not stepped until reset.
    flags: u32,
    contact_points: u32,
    // Valid entries of the world's contact cache.
    cache_count: u32,
    // Pairs the broad phase found in the last attempted step.
    pairs_needed: u32,
    max_colors: u32,
    // With WORLD_NON_FINITE: the lowest index of a body whose state turned non-finite.
    fault_body: u32,
    _pad: u32,
}
const NO_FAULT_BODY: u32 = 0xffffffffu;

// What the task readout (task_readout.wgsl) knows of the batch and of the task.
struct ReadoutUniforms {
    worlds: u32,
    body_count: u32,
    // worlds × bodies: the length of one field's region of the body state.
    state_stride: u32,
    // Where the controls start in the state (vec4f index), and vec4f per world of them.
    control_offset: u32,
    actuator_vec4s: u32,
    joint_count: u32,
    q_count: u32,
    qd_count: u32,
    observation_size: u32,
    // READOUT_OBSERVE or READOUT_STEP.
    mode: u32,
    // The env step's duration, s.
    dt: f32,
    // Workgroups per row of the 2-D dispatch grid.
    workgroups_x: u32,
    // Where the joints' memory starts in the state (vec4f index; JOINT_IMPULSE_VEC4S per
    // joint, the last float the accumulated angle).
    joint_memory_offset: u32,
    // To 64 bytes, as the host's struct.
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

// A joint as the readout derives its q and q̇ (joint_space.rs), from the scene template.
struct ReadoutJoint {
    // JOINT_* kind, parent body (NO_PARENT: the world), child body, offset of its q.
    ids: vec4u,
    // Offset of its q̇ (x).
    offsets: vec4u,
    frame_in_parent: Pose,
    frame_in_child: Pose,
}
