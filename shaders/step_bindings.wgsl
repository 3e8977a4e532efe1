// What the step kernel binds, and each world's state in workgroup memory. MAX_BODIES,
// MAX_COLLIDERS and WORKGROUP_SIZE come from the prelude the host writes for the scene.
//!include common.wgsl

@group(0) @binding(0) var<uniform> params: StepUniforms;
@group(0) @binding(1) var<storage, read> scene_bodies: array<SceneBody>;
@group(0) @binding(2) var<storage, read> scene_colliders: array<SceneCollider>;
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

// The world's bodies as the solver sees them (solver_body.rs), kept here across substeps.
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
