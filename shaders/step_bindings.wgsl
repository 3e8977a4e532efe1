// What the step kernel binds, and each world's state in workgroup memory. MAX_BODIES,
// MAX_COLLIDERS and WORKGROUP_SIZE come from the prelude the host writes for the scene.
//!include common.wgsl

@group(0) @binding(0) var<uniform> params: StepUniforms;
// The numbers of the scene a world steps with: its bodies' mass properties, its colliders, its
// joints and actuators, its gravity. One per world with domain randomization, else one shared
// by all (`params.scene_stride`). Binding 2 is free.
struct WorldScene {
    bodies: array<SceneBody, MAX_BODIES>,
    colliders: array<SceneCollider, MAX_COLLIDERS>,
    joints: array<SceneJoint, MAX_JOINTS>,
    actuators: array<SceneActuator, MAX_ACTUATORS>,
    // xyz: gravity; w: |g| dt, how far gravity alone can move a body's speed in one step.
    gravity: vec4f,
}
@group(0) @binding(1) var<storage, read> world_scenes: array<WorldScene>;
// This invocation's world's entry of world_scenes (set by step_worlds).
var<private> scene_world: u32;
// Positions, orientations, linear and angular velocities (STATE_*), each region
// `state_stride` long, each world `body_count` apart within it.
@group(0) @binding(3) var<storage, read_write> body_state: array<vec4f>;
// Per world of the dispatch, `capacity` apart: bound at the dispatch's first world, since
// all worlds' contact memory may exceed what one binding can hold.
@group(0) @binding(4) var<storage, read_write> contact_cache: array<CachedManifold>;
// Binding 5, the constraint slots, is declared with the constraint (contact_solver.wgsl).
// Constraint slots in solve order (by colour), per world of the dispatch `capacity` apart.
@group(0) @binding(6) var<storage, read_write> solve_order: array<u32>;
@group(0) @binding(7) var<storage, read_write> world_status: array<WorldStatus>;
@group(0) @binding(8) var<uniform> dispatch_range: DispatchRange;
// Binding 10, the joints' scratch, is declared in joint_scratch.wgsl.

// The scene's joint trees, and the body pairs that never collide (joined by a joint, or
// excluded). MAX_* (the counts rounded up to the kernel's bucket, at least 1) and
// EXCLUSION_VEC4S come from the prelude; the counts themselves are in `params`.
struct Articulation {
    nodes: array<TreeNode, MAX_TREE_NODES>,
    // Bit lower · body_count + higher of each excluded pair (lower < higher), 128 to a vec4u.
    excluded: array<vec4u, EXCLUSION_VEC4S>,
}
@group(0) @binding(9) var<uniform> articulation: Articulation;

// The world's bodies as the solver sees them (solver_body.rs), kept here across substeps;
// slot `params.body_count`, after the scene's bodies, is a static stand-in for the world (the
// parent of joints that have none).
var<workgroup> body_center: array<vec3f, MAX_BODIES>;
var<workgroup> body_orientation: array<vec4f, MAX_BODIES>;
var<workgroup> body_start_orientation: array<vec4f, MAX_BODIES>;
var<workgroup> body_inverse_mass: array<f32, MAX_BODIES>;
// R I⁻¹ Rᵀ at the start of the step.
var<workgroup> body_inverse_inertia: array<mat3x3f, MAX_BODIES>;
var<workgroup> body_delta_position: array<vec3f, MAX_BODIES>;
var<workgroup> body_delta_rotation: array<mat3x3f, MAX_BODIES>;
var<workgroup> body_in_contact: array<u32, MAX_BODIES>;
var<workgroup> body_linear_velocity: array<vec3f, MAX_BODIES>;
var<workgroup> body_angular_velocity: array<vec3f, MAX_BODIES>;

fn state_index(field: u32, body: u32) -> u32 {
    return field * params.state_stride + body;
}

// Controls and actuator forces are packed four to a vec4f per world.
fn actuator_vec4s() -> u32 {
    return (params.actuator_count + 3u) / 4u;
}

// The state index of world `world`'s joint `j`'s warm-start impulses, part `k`.
fn joint_impulse_index(world: u32, j: u32, k: u32) -> u32 {
    return params.joint_impulse_offset + (world * params.joint_count + j) * JOINT_IMPULSE_VEC4S + k;
}

// The state index of the vec4f holding world `world`'s actuator `a` in the region at `offset`.
fn actuator_index(offset: u32, world: u32, a: u32) -> u32 {
    return offset + world * actuator_vec4s() + a / 4u;
}

// Whether bodies a and b never collide.
fn collision_excluded(a: u32, b: u32) -> bool {
    let bit = min(a, b) * params.body_count + max(a, b);
    return (articulation.excluded[bit / 128u][(bit / 32u) % 4u] & (1u << (bit % 32u))) != 0u;
}
