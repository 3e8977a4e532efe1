// The joints' working memory for one step: each joint as the solver prepared it
// (joint_solver.rs `JointConstraint`) and each joint-tree node's blocks of the factorisation
// (articulation_solver.rs `TreeFactor`), scratch per world of a dispatch; and what the joint
// solvers read of a prepared joint: its bodies, its rows, its arms and axis now.
//!include common.wgsl
//!include step_bindings.wgsl
//!include contact_solver.wgsl
//!include joint_rows.wgsl
//!include small_matrix.wgsl

// A structural row as stored (a bool cannot be).
struct StoredRow {
    linear: vec3f,
    rotor: f32,
    angular_a: vec3f,
    // 1: soft (drift corrected in the biased pass).
    soft: u32,
    angular_b: vec3f,
}

struct JointWork {
    // From each centre of mass to the anchor, world, at the start of the step.
    arm_a: vec3f,
    // The armature rotor's speed (tracks q̇).
    rotor_velocity: f32,
    arm_b: vec3f,
    // For a joint of a tree: the articulated inertia about the joint's axis of the subtree on
    // one side of it (B's when `subtree_is_b`), from the factorisation; 0 when unknown.
    // Drives take their effective mass from it.
    subtree_mass: f32,
    // B's anchor minus A's at the start of the step (zero when the joint holds).
    base_offset: vec3f,
    subtree_is_b: u32,
    // The joint axis carried by A and by B, world, at the start of the step.
    axis_a: vec3f,
    // 1 when the axial drive acts this step (it is not idle).
    drive_active: u32,
    axis_b: vec3f,
    row_count: u32,
    // Two directions perpendicular to A's axis, at the start of the step.
    perpendicular1: vec3f,
    // The motors' joint force this step (Σ gear × control).
    motor_force: f32,
    perpendicular2: vec3f,
    has_servo: u32,
    // Arms and axis where the rows were last refreshed.
    current_arm_a: vec3f,
    // The servo's largest joint force.
    servo_max_force: f32,
    current_arm_b: vec3f,
    current_axis: vec3f,
    // The servo in joint space (gains × gear²): stiffness, damping, target position, target
    // velocity.
    servo: vec4f,
    // Accumulated impulses (joint_solver.rs `JointImpulses`): the point block or a slide's
    // rows (world vector), the coupling row, the angular rows or a ball joint's damper, the
    // spring, the servo, the two limits.
    impulse_linear: vec3f,
    impulse_coupling: f32,
    impulse_angular: vec3f,
    impulse_spring: f32,
    impulse_servo: f32,
    impulse_lower: f32,
    impulse_upper: f32,
    // The structural rows where the bodies were when last refreshed, and their impulses
    // accumulated this step.
    rows: array<StoredRow, 6>,
    row_impulses: array<f32, 6>,
    // Each structural row's position error, where the biased pass found it.
    row_errors: array<f32, 6>,
    // With a subtree mass: how fast the other side answers the axial row, the free response of
    // the body a drive pushes against there (zero for the static world).
    counterpart_response: f32,
    // A revolute joint's q where the rows were last refreshed, turns counted (joint_solver.rs
    // `current_position`); a compound member's tracked q.
    angle: f32,
    // A compound member's axis: its dual row, and the linear part of its relative twist at
    // the reference point (the angular part is `current_axis`), where last refreshed.
    axial: StoredRow,
    twist_linear: vec3f,
    // A soft limit's q and q̇ where the substep started, before any force acted (the limit
    // law's r₀ and v₀; joint_drive.rs `limit_start`).
    limit_start: vec2f,
}

// One node of the joint trees' factorisation (a body's 6 degrees of freedom, or a joint's
// rows padded to 6).
struct NodeWork {
    // The pivot block D while the node is being eliminated (its children's eliminations
    // accumulate in it), and its factor.
    pivot: Block6,
    factor: BlockFactor,
    // L = D⁻¹ H, with H the block between the node and its parent.
    link: Block6,
    // The node's part of the right-hand side, then of the solution.
    work: Vec6,
}

struct WorldJoints {
    joints: array<JointWork, MAX_JOINTS>,
    nodes: array<NodeWork, MAX_TREE_NODES>,
}

// Per world of the dispatch.
@group(0) @binding(10) var<storage, read_write> joint_scratch: array<WorldJoints>;

// This workgroup's entry of `joint_scratch` (set once by the kernel).
var<private> joint_world: u32;

fn is_single_axis(kind: u32) -> bool {
    return kind == JOINT_REVOLUTE || kind == JOINT_PRISMATIC;
}

// Both bodies of joint j (a static one as it is: nothing moves it).
fn load_joint_pair(j: u32) -> BodyPair {
    let ids = world_scenes[scene_world].joints[j].ids;
    return load_pair(ids.x, ids.y, true);
}

fn store_joint_pair(j: u32, v: BodyPair) {
    let ids = world_scenes[scene_world].joints[j].ids;
    store_pair(ids.x, ids.y, true, v);
}

fn stored_row(j: u32, k: u32) -> JointRow {
    let r = joint_scratch[joint_world].joints[j].rows[k];
    return JointRow(r.linear, r.angular_a, r.angular_b, r.rotor, r.soft != 0u);
}

fn store_row(j: u32, k: u32, r: JointRow) {
    joint_scratch[joint_world].joints[j].rows[k] =
        StoredRow(r.linear, r.rotor, r.angular_a, select(0u, 1u, r.soft), r.angular_b);
}

// Joint j's structural rows as one padded 6×6 block of its Jacobian for body B (side_b) or
// A (rows: the joint's, zero beyond its row count; columns: the body's linear then angular
// velocity).
fn jacobian_block(j: u32, side_b: bool) -> Block6 {
    return Block6(
        transpose(mat3x3f(jacobian_linear(j, 0u, side_b), jacobian_linear(j, 1u, side_b), jacobian_linear(j, 2u, side_b))),
        transpose(mat3x3f(jacobian_angular(j, 0u, side_b), jacobian_angular(j, 1u, side_b), jacobian_angular(j, 2u, side_b))),
        transpose(mat3x3f(jacobian_linear(j, 3u, side_b), jacobian_linear(j, 4u, side_b), jacobian_linear(j, 5u, side_b))),
        transpose(mat3x3f(jacobian_angular(j, 3u, side_b), jacobian_angular(j, 4u, side_b), jacobian_angular(j, 5u, side_b))),
    );
}

fn jacobian_linear(j: u32, k: u32, side_b: bool) -> vec3f {
    let w = &joint_scratch[joint_world].joints[j];
    if k >= (*w).row_count {
        return vec3f(0.0);
    }
    let linear = (*w).rows[k].linear;
    return select(-linear, linear, side_b);
}

fn jacobian_angular(j: u32, k: u32, side_b: bool) -> vec3f {
    let w = &joint_scratch[joint_world].joints[j];
    if k >= (*w).row_count {
        return vec3f(0.0);
    }
    return select((*w).rows[k].angular_a, (*w).rows[k].angular_b, side_b);
}

// Each row's rotor coefficient (−1 on the armature coupling row, 0 elsewhere and beyond the
// row count).
fn rotor_column(j: u32) -> Vec6 {
    return Vec6(
        vec3f(rotor_coefficient(j, 0u), rotor_coefficient(j, 1u), rotor_coefficient(j, 2u)),
        vec3f(rotor_coefficient(j, 3u), rotor_coefficient(j, 4u), rotor_coefficient(j, 5u)),
    );
}

fn rotor_coefficient(j: u32, k: u32) -> f32 {
    let w = &joint_scratch[joint_world].joints[j];
    return select(0.0, (*w).rows[k].rotor, k < (*w).row_count);
}

// `value` on the diagonal entries beyond joint j's row count, zero elsewhere: the padding
// that keeps a joint's block definite and its unused rows decoupled.
fn row_padding(j: u32, value: f32) -> Block6 {
    let n = joint_scratch[joint_world].joints[j].row_count;
    let top = select(vec3f(0.0), vec3f(value), vec3u(0u, 1u, 2u) >= vec3u(n));
    let bottom = select(vec3f(0.0), vec3f(value), vec3u(3u, 4u, 5u) >= vec3u(n));
    return block_diagonal(Vec6(top, bottom));
}

// A body's inverse mass block: 1/m on the linear part, its world inverse inertia on the
// angular part.
fn inverse_mass_block(inverse_mass: f32, inverse_inertia: mat3x3f) -> Block6 {
    let zero = mat3x3f();
    return Block6(mat3_diagonal(vec3f(inverse_mass)), zero, zero, inverse_inertia);
}

// Joint j's structural rows' targets as a 6-vector (zero beyond its row count): each row's
// relative velocity, plus the joint bias rate × its position error on soft rows in the biased
// pass (errors of this pass, `compute_row_errors`).
fn row_targets(j: u32, v: BodyPair, use_bias: bool) -> Vec6 {
    return Vec6(
        vec3f(row_target(j, 0u, v, use_bias), row_target(j, 1u, v, use_bias), row_target(j, 2u, v, use_bias)),
        vec3f(row_target(j, 3u, v, use_bias), row_target(j, 4u, v, use_bias), row_target(j, 5u, v, use_bias)),
    );
}

fn row_target(j: u32, k: u32, v: BodyPair, use_bias: bool) -> f32 {
    let w = &joint_scratch[joint_world].joints[j];
    if k >= (*w).row_count {
        return 0.0;
    }
    let rate = joint_coefficients(use_bias, (*w).rows[k].soft != 0u).x;
    return joint_row_velocity_of(j, k, v) + rate * (*w).row_errors[k];
}

// Joint j's arms now: each body's start-of-step arm turned by its rotation since.
fn joint_arm_a(j: u32) -> vec3f {
    return body_delta_rotation[world_scenes[scene_world].joints[j].ids.x] * joint_scratch[joint_world].joints[j].arm_a;
}

fn joint_arm_b(j: u32) -> vec3f {
    return body_delta_rotation[world_scenes[scene_world].joints[j].ids.y] * joint_scratch[joint_world].joints[j].arm_b;
}

// B's anchor minus A's, now.
fn joint_anchor_offset(j: u32, ra: vec3f, rb: vec3f) -> vec3f {
    let ids = world_scenes[scene_world].joints[j].ids;
    let w = &joint_scratch[joint_world].joints[j];
    return (*w).base_offset + (body_delta_position[ids.y] + rb - (*w).arm_b)
        - (body_delta_position[ids.x] + ra - (*w).arm_a);
}

// A single-axis joint's degree of freedom as a row, where the bodies are now (a compound
// member's: its dual row, where the rows were last refreshed).
fn joint_axial_row(j: u32) -> JointRow {
    let ids = world_scenes[scene_world].joints[j].ids;
    if (ids.w & JOINT_COMPOUND) != 0u {
        let r = joint_scratch[joint_world].joints[j].axial;
        return JointRow(r.linear, r.angular_a, r.angular_b, 0.0, true);
    }
    let axis = body_delta_rotation[ids.x] * joint_scratch[joint_world].joints[j].axis_a;
    if ids.z == JOINT_REVOLUTE {
        return angular_row(axis);
    }
    let ra = joint_arm_a(j);
    let rb = joint_arm_b(j);
    return point_row(axis, ra + joint_anchor_offset(j, ra, rb), rb);
}

// Applies λ along structural row k of joint j, rotor included.
fn apply_joint_row(j: u32, k: u32, v: ptr<function, BodyPair>, lambda: f32) {
    let row = stored_row(j, k);
    joint_row_apply(row, v, lambda);
    if row.rotor != 0.0 {
        let w = &joint_scratch[joint_world].joints[j];
        (*w).rotor_velocity += row.rotor * lambda / world_scenes[scene_world].joints[j].range_damping.w;
    }
}

// Relative velocity along structural row k of joint j.
fn joint_row_velocity_of(j: u32, k: u32, v: BodyPair) -> f32 {
    return joint_row_velocity(stored_row(j, k), v, joint_scratch[joint_world].joints[j].rotor_velocity);
}

// (bias rate, mass scale, impulse scale) of a row in a pass: soft drift correction for soft
// rows when solving with bias, rigid velocities otherwise.
fn joint_coefficients(use_bias: bool, soft: bool) -> vec3f {
    if use_bias && soft {
        return vec3f(params.joint_bias_rate, params.joint_mass_scale, params.joint_impulse_scale);
    }
    return vec3f(0.0, 1.0, 0.0);
}
