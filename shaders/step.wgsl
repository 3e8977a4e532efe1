// One step of every world, one workgroup per world (world_step.rs): load the bodies into
// workgroup memory, broad phase, narrow phase and constraint preparation with warm start,
// graph colouring, joints and drives prepared, the substeps (integrate velocities → warm start
// → impacts → warm start → solve with bias → integrate positions → relax), restitution, and
// the write-back of state,
// joint impulses, actuator forces and contact memory.
//
// Lanes take bodies, colliders, pair rows, constraints or joints; the constraints of one
// colour are solved side by side and colours are separated by barriers, so the result does
// not depend on how lanes are scheduled. The joints of a world are solved by one lane, in
// order (their drives Gauss–Seidel, their trees exactly), after the contacts of each pass, as
// on the CPU (substep_solver.rs). No floating-point atomics.
//!include common.wgsl
//!include narrowphase.wgsl
//!include step_bindings.wgsl
//!include contact_solver.wgsl
//!include articulation_solver.wgsl
//!include gyroscopic.wgsl

// Colours tracked per body; constraints finding all taken go to one last overflow colour,
// solved one by one (coloring.rs).
const MAX_COLORS: u32 = 32u;
// The largest rotation a body may make in one substep (solver_body.rs).
const MAX_ROTATION_PER_SUBSTEP: f32 = 0.78539816;
// The most sweeps of one impact pass (substep_solver.rs).
const MAX_IMPACT_SWEEPS: u32 = 8u;
// `faults` bits.
const NON_FINITE_FOUND: u32 = 1u;
const LOOPS_CUT_FOUND: u32 = 2u;

var<workgroup> collider_pose: array<Pose, MAX_COLLIDERS>;
var<workgroup> collider_reach: array<f32, MAX_COLLIDERS>;
var<workgroup> collider_min: array<vec3f, MAX_COLLIDERS>;
var<workgroup> collider_max: array<vec3f, MAX_COLLIDERS>;
// Broad-phase pairs (i, j > i) of collider i start at pair_row_start[i].
var<workgroup> pair_row_start: array<u32, MAX_COLLIDERS>;
// Colour c is solve_order[color_start[c] .. color_start[c + 1]].
var<workgroup> color_start: array<u32, 34>;
var<workgroup> color_masks: array<u32, MAX_BODIES>;
// A value lane 0 computed for all (read with workgroupUniformLoad).
var<workgroup> shared_value: u32;
// Whether a sweep of the impact pass collided anything.
var<workgroup> impacts_found: atomic<u32>;
// What the write-back check found: NON_FINITE_FOUND, LOOPS_CUT_FOUND.
var<workgroup> faults: atomic<u32>;
// The lowest body index whose state turned non-finite this step.
var<workgroup> fault_body: atomic<u32>;
// Whether the joint trees' factorisation of this substep succeeded (lane 0's, which solves
// the joints).
var<private> tree_factored: bool;

fn is_dynamic(body: u32) -> bool {
    return body_inverse_mass[body] > 0.0;
}

// Whether colliders i and j may touch: different bodies, at least one dynamic, not excluded
// (joined by a joint), filters agreeing, boxes overlapping (a plane's box is everything).
fn may_touch(i: u32, j: u32) -> bool {
    let a = world_scenes[scene_world].colliders[i];
    let b = world_scenes[scene_world].colliders[j];
    if a.body == b.body || !(is_dynamic(a.body) || is_dynamic(b.body))
        || collision_excluded(a.body, b.body) {
        return false;
    }
    if (a.memberships & b.collides_with) == 0u || (b.memberships & a.collides_with) == 0u {
        return false;
    }
    if a.shape.kind == SHAPE_PLANE || b.shape.kind == SHAPE_PLANE {
        return true;
    }
    return all(collider_min[i] <= collider_max[j]) && all(collider_min[j] <= collider_max[i]);
}

// Box half-size of a shape at `pose` (world_step.rs `collider_box`).
fn shape_half_size(s: ShapeDesc, pose: Pose) -> vec3f {
    if s.kind == SHAPE_SPHERE {
        return vec3f(s.size.x);
    }
    if s.kind == SHAPE_CAPSULE {
        return abs(quat_rotate(pose.orientation, vec3f(0.0, 0.0, s.size.x))) + s.size.y;
    }
    if s.kind == SHAPE_CYLINDER {
        let u = quat_rotate(pose.orientation, vec3f(0.0, 0.0, 1.0));
        return abs(u) * s.size.x + sqrt(max(vec3f(1.0) - u * u, vec3f(0.0))) * s.size.y;
    }
    let r = quat_to_mat3(pose.orientation);
    return abs(r[0]) * s.size.x + abs(r[1]) * s.size.y + abs(r[2]) * s.size.z;
}

// Solves every colour of the world's constraints once: `phase` 0 warm start, 1 solve with
// bias, 2 relax, 3 restitution, 4 impacts (noting in `impacts_found` whether any collided).
fn solve_colors(lane: u32, order_base: u32, constraint_base: u32, color_slots: u32, phase: u32) {
    for (var color = 0u; color < color_slots; color++) {
        let start = color_start[color];
        let end = color_start[color + 1u];
        // The overflow colour's members may share bodies: lane 0 takes them in order.
        var first = start + lane;
        var stride = WORKGROUP_SIZE;
        if color == MAX_COLORS {
            first = select(end, start, lane == 0u);
            stride = 1u;
        }
        for (var m = first; m < end; m += stride) {
            let slot = constraint_base + solve_order[order_base + m];
            if phase == 0u {
                warm_start_constraint(slot);
            } else if phase == 3u {
                restitute_constraint(slot);
            } else if phase == 4u {
                if collide_constraint_impacts(slot, params.restitution_threshold) {
                    atomicStore(&impacts_found, 1u);
                }
            } else {
                solve_constraint(slot, phase == 1u);
            }
        }
        workgroupBarrier();
    }
}

// The impact pass (substep_solver.rs): sweeps over the contacts in solve order until one
// collides nothing, at most MAX_IMPACT_SWEEPS.
fn collide_impacts(lane: u32, order_base: u32, constraint_base: u32, color_slots: u32) {
    for (var sweep = 0u; sweep < MAX_IMPACT_SWEEPS; sweep++) {
        solve_colors(lane, order_base, constraint_base, color_slots, 4u);
        if lane == 0u {
            shared_value = atomicExchange(&impacts_found, 0u);
        }
        if workgroupUniformLoad(&shared_value) == 0u {
            break;
        }
    }
}

// The joints' part of the warm start: their impulses of the last substep, motors' of this one.
fn warm_start_joints(h: f32) {
    for (var j = 0u; j < params.joint_count; j++) {
        warm_start_joint(j, h);
    }
}

// The joints' part of a pass: drives, then the structural rows (the trees' exactly, with
// Baumgarte drift correction in the biased pass; the other joints on their own, first). When
// the trees could not be factored, their joints go one by one too, before the others.
fn solve_joints(use_bias: bool, spring_kick: f32) {
    for (var j = 0u; j < params.joint_count; j++) {
        solve_drive(j, use_bias, spring_kick);
        solve_ball_damping(j, params.h);
        if use_bias {
            compute_row_errors(j);
        }
    }
    // One loop (so one copy of the solver in the kernel) over the tree's joints in node order,
    // then the others.
    for (var k = 0u; k < params.tree_node_count + params.joint_count; k++) {
        var alone = false;
        var j = 0u;
        if k < params.tree_node_count {
            let ids = articulation.nodes[k].ids;
            alone = !tree_factored && ids.x == NODE_JOINT;
            j = ids.y;
        } else {
            j = k - params.tree_node_count;
            alone = (world_scenes[scene_world].joints[j].ids.w & JOINT_IN_TREE) == 0u;
        }
        if alone {
            solve_joint_rows(j, use_bias);
        }
    }
    if tree_factored {
        solve_tree_velocities(use_bias);
    }
}

// Rebuilds the joints' rows where the bodies are now (a lane per joint; at the step's start
// they also take their warm-start impulses) and factors the trees' system (lane 0).
fn refresh_joints(lane: u32, world: u32, step_start: bool) {
    for (var j = lane; j < params.joint_count; j += WORKGROUP_SIZE) {
        // A compound's first member rebuilds every member's rows.
        if (world_scenes[scene_world].joints[j].ids.w & JOINT_COMPOUND) != 0u {
            if is_compound_leader(j) {
                refresh_compound(world, j, step_start);
            }
            continue;
        }
        refresh_joint_rows(j);
        if step_start {
            project_warm_start(world, j);
        }
    }
    storageBarrier();
    workgroupBarrier();
    if lane == 0u {
        tree_factored = factor_tree();
    }
    storageBarrier();
    workgroupBarrier();
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn step_worlds(
    @builtin(workgroup_id) group: vec3u,
    @builtin(local_invocation_index) lane: u32,
) {
    let world = dispatch_range.world_offset + group.x + group.y * params.workgroups_x;
    if world >= dispatch_range.world_end {
        return;
    }
    // Index of the world within this dispatch: its constraint scratch.
    let local_world = world - dispatch_range.world_offset;
    let body_count = params.body_count;
    let collider_count = params.collider_count;
    let capacity = params.capacity;
    let body_base = world * body_count;
    let constraint_base = local_world * capacity;
    let dt = params.dt;
    let h = params.h;
    joint_world = local_world;
    scene_world = world * params.scene_stride;
    let gravity = world_scenes[scene_world].gravity.xyz;

    // Does this world step? Not when stalled, faulted, or already at the target.
    if lane == 0u {
        let status = world_status[world];
        let waiting = (status.flags & (WORLD_STALLED | WORLD_NON_FINITE | WORLD_LOOP_LIMIT)) != 0u;
        shared_value = select(1u, 0u, waiting || status.steps_done >= params.target_steps);
        atomicStore(&faults, 0u);
        atomicStore(&fault_body, NO_FAULT_BODY);
    }
    if workgroupUniformLoad(&shared_value) == 0u {
        return;
    }

    // Bodies, at their centres of mass.
    for (var i = lane; i < body_count; i += WORKGROUP_SIZE) {
        let scene_body = world_scenes[scene_world].bodies[i];
        let q = body_state[state_index(STATE_ORIENTATION, body_base + i)];
        let r = quat_to_mat3(q);
        let position = body_state[state_index(STATE_POSITION, body_base + i)].xyz;
        body_center[i] = position + quat_rotate(q, scene_body.center_of_mass);
        body_orientation[i] = q;
        body_start_orientation[i] = q;
        body_inverse_mass[i] = scene_body.inverse_mass;
        body_inverse_inertia[i] = r * scene_body.inverse_inertia * transpose(r);
        body_delta_position[i] = vec3f(0.0);
        body_delta_rotation[i] = mat3x3f(1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0);
        body_in_contact[i] = 0u;
        body_linear_velocity[i] = body_state[state_index(STATE_LINEAR_VELOCITY, body_base + i)].xyz;
        body_angular_velocity[i] = body_state[state_index(STATE_ANGULAR_VELOCITY, body_base + i)].xyz;
        // A non-finite value written into the state names its body: the culprit, not the
        // bodies it would spread to during the step.
        if !(is_finite_vec3(position) && is_finite_vec4(q)
            && is_finite_vec3(body_linear_velocity[i]) && is_finite_vec3(body_angular_velocity[i])) {
            atomicOr(&faults, NON_FINITE_FOUND);
            atomicMin(&fault_body, i);
        }
    }
    if lane == 0u {
        let world_body = params.body_count;
        // The world's stand-in: static, at the origin.
        body_center[world_body] = vec3f(0.0);
        body_orientation[world_body] = vec4f(0.0, 0.0, 0.0, 1.0);
        body_start_orientation[world_body] = vec4f(0.0, 0.0, 0.0, 1.0);
        body_inverse_mass[world_body] = 0.0;
        body_inverse_inertia[world_body] = mat3x3f();
        body_delta_position[world_body] = vec3f(0.0);
        body_delta_rotation[world_body] = mat3x3f(1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0);
        body_in_contact[world_body] = 0u;
        body_linear_velocity[world_body] = vec3f(0.0);
        body_angular_velocity[world_body] = vec3f(0.0);
    }
    workgroupBarrier();

    // Colliders in the world, boxes grown by how far they can travel this step.
    for (var i = lane; i < collider_count; i += WORKGROUP_SIZE) {
        let collider = world_scenes[scene_world].colliders[i];
        let b = collider.body;
        let body_pose = Pose(body_state[state_index(STATE_POSITION, body_base + b)].xyz, body_orientation[b]);
        let pose = pose_compose(body_pose, collider.pose);
        var reach = 0.0;
        if is_dynamic(b) {
            let arm = length(pose.position - body_center[b]) + collider.bounding_radius;
            reach = (length(body_linear_velocity[b]) + world_scenes[scene_world].gravity.w
                + length(body_angular_velocity[b]) * arm) * dt;
        }
        // A hull's box: its bounding sphere about the collider's origin.
        let is_hull = (collider.shape.kind & SHAPE_KIND_MASK) == SHAPE_HULL;
        let shape_half = select(shape_half_size(collider.shape, pose), vec3f(collider.bounding_radius), is_hull);
        let half = shape_half + (reach + 0.5 * params.speculative_distance);
        collider_pose[i] = pose;
        collider_reach[i] = reach;
        collider_min[i] = pose.position - half;
        collider_max[i] = pose.position + half;
    }
    workgroupBarrier();

    // Broad phase: count each row's pairs, lay the rows out in (i, j) order, then list them.
    for (var i = lane; i < collider_count; i += WORKGROUP_SIZE) {
        var count = 0u;
        for (var j = i + 1u; j < collider_count; j++) {
            if may_touch(i, j) {
                count++;
            }
        }
        pair_row_start[i] = count;
    }
    workgroupBarrier();
    if lane == 0u {
        var total = 0u;
        for (var i = 0u; i < collider_count; i++) {
            let count = pair_row_start[i];
            pair_row_start[i] = total;
            total += count;
        }
        shared_value = total;
    }
    let pair_count = workgroupUniformLoad(&shared_value);
    if pair_count > capacity {
        // Too many pairs for the slots: report and leave the world as it was.
        if lane == 0u {
            world_status[world].flags |= WORLD_STALLED;
            world_status[world].pairs_needed = pair_count;
        }
        return;
    }
    for (var i = lane; i < collider_count; i += WORKGROUP_SIZE) {
        var slot = constraint_base + pair_row_start[i];
        for (var j = i + 1u; j < collider_count; j++) {
            if may_touch(i, j) {
                constraints[slot].key = (i << 16u) | j;
                slot++;
            }
        }
    }
    storageBarrier();
    workgroupBarrier();

    // Narrow phase and constraint preparation, warm-started from the contact cache.
    // The binding holds the contact memory of this dispatch's worlds (bound at an offset).
    let cache_base = local_world * capacity;
    let cache_count = world_status[world].cache_count;
    for (var k = lane; k < pair_count; k += WORKGROUP_SIZE) {
        let slot = constraint_base + k;
        let key = constraints[slot].key;
        let i = key >> 16u;
        let j = key & 0xffffu;
        let ci = world_scenes[scene_world].colliders[i];
        let cj = world_scenes[scene_world].colliders[j];
        let margin = params.speculative_distance + collider_reach[i] + collider_reach[j];
        var m = collide(ci.shape, collider_pose[i], cj.shape, collider_pose[j], margin);
        if m.count == 0u {
            constraints[slot].bodies.z = 0u;
            continue;
        }
        var a = ci.body;
        var b = cj.body;
        // A static body always goes first.
        if !is_dynamic(b) {
            a = cj.body;
            b = ci.body;
            m = manifold_flipped(m);
        }
        let cached = find_cached(cache_base, cache_count, key);
        prepare_constraint(
            slot,
            m,
            key,
            a,
            b,
            sqrt(ci.friction * cj.friction),
            max(ci.restitution, cj.restitution),
            select(cache_base + cached, cache_base + cache_count, cached == cache_count),
            cache_base + cache_count,
        );
    }
    storageBarrier();
    workgroupBarrier();

    // Solve order by graph colour, greedy in slot order (coloring.rs); bodies in contact.
    let order_base = local_world * capacity;
    if lane == 0u {
        for (var i = 0u; i < body_count; i++) {
            color_masks[i] = 0u;
        }
        var histogram: array<u32, 33>;
        var contact_points = 0u;
        for (var k = 0u; k < pair_count; k++) {
            let slot = constraint_base + k;
            let ids = constraints[slot].bodies;
            let count = ids.z;
            if count == 0u {
                continue;
            }
            contact_points += count;
            let a = ids.x;
            let b = ids.y;
            body_in_contact[a] = 1u;
            body_in_contact[b] = 1u;
            let dynamic_a = is_dynamic(a);
            let dynamic_b = is_dynamic(b);
            let used = select(0u, color_masks[a], dynamic_a) | select(0u, color_masks[b], dynamic_b);
            let color = min(countTrailingZeros(~used), MAX_COLORS);
            if color < MAX_COLORS {
                if dynamic_a {
                    color_masks[a] |= 1u << color;
                }
                if dynamic_b {
                    color_masks[b] |= 1u << color;
                }
            }
            constraints[slot].color = color;
            histogram[color]++;
        }
        var cursor: array<u32, 33>;
        var start = 0u;
        var slots = 0u;
        for (var c = 0u; c <= MAX_COLORS; c++) {
            color_start[c] = start;
            cursor[c] = start;
            if histogram[c] > 0u {
                slots = c + 1u;
            }
            start += histogram[c];
        }
        color_start[MAX_COLORS + 1u] = start;
        for (var k = 0u; k < pair_count; k++) {
            let slot = constraint_base + k;
            if constraints[slot].bodies.z == 0u {
                continue;
            }
            let color = constraints[slot].color;
            solve_order[order_base + cursor[color]] = k;
            cursor[color]++;
        }
        world_status[world].contact_points = contact_points;
        world_status[world].max_colors = slots;
        shared_value = slots;
    }
    storageBarrier();
    let color_slots = workgroupUniformLoad(&shared_value);

    // Joints, with what the actuators make of this step's controls; their bodies count as in
    // contact (their motion is constrained). Their rows are built in the first pass.
    if SCENE_HAS_JOINTS {
        for (var j = lane; j < params.joint_count; j += WORKGROUP_SIZE) {
            prepare_joint(world, j);
        }
        if lane == 0u {
            for (var j = 0u; j < params.joint_count; j++) {
                let ids = world_scenes[scene_world].joints[j].ids;
                body_in_contact[ids.x] = 1u;
                body_in_contact[ids.y] = 1u;
            }
        }
        storageBarrier();
        workgroupBarrier();
    }

    // The substeps, as one loop over passes so that each solver function appears once in the
    // compiled kernel: per substep, the soft limits' start and the velocity update, the
    // impacts, then pass 0 (warm start) and pass 1 (solve with bias), the position update
    // then pass 2 (relax); at the end one restitution pass (3).
    // (Without restitution in the scene the impacts and the last pass would do nothing: they
    // are left out.)
    let passes = 3u * params.substeps + select(0u, 1u, SCENE_HAS_RESTITUTION);
    for (var p = 0u; p < passes; p++) {
        var phase = p % 3u;
        let substep = p / 3u;
        if p == 3u * params.substeps {
            phase = 3u;
        } else if phase == 2u {
            for (var i = lane; i < body_count; i += WORKGROUP_SIZE) {
                if is_dynamic(i) {
                    integrate_position(i, h, gravity);
                    if substep + 1u == params.substeps {
                        gyroscopic_kick(i, 0.5 * h);
                    }
                }
            }
            workgroupBarrier();
        }
        // The joints' rows follow the bodies: built where the step starts and rebuilt after
        // every position update (one call, so one copy of the factorisation in the kernel).
        if SCENE_HAS_JOINTS && (p == 0u || phase == 2u) {
            refresh_joints(lane, world, p == 0u);
        }
        if phase == 0u {
            // Soft limits act on q and q̇ as the substep found them (joint_drive.wgsl).
            if SCENE_HAS_JOINTS {
                for (var j = lane; j < params.joint_count; j += WORKGROUP_SIZE) {
                    record_limit_start(j);
                }
                storageBarrier();
                workgroupBarrier();
            }
            for (var i = lane; i < body_count; i += WORKGROUP_SIZE) {
                if is_dynamic(i) {
                    body_linear_velocity[i] += gravity * h;
                    // The step's gyroscopic torque as kick, drift, kick (substep_solver.rs).
                    gyroscopic_kick(i, select(h, 0.5 * h, substep == 0u));
                }
            }
            workgroupBarrier();
        }
        if SCENE_HAS_RESTITUTION && phase == 0u {
            collide_impacts(lane, order_base, constraint_base, color_slots);
        }
        solve_colors(lane, order_base, constraint_base, color_slots, phase);
        if SCENE_HAS_JOINTS && phase != 3u {
            if lane == 0u {
                if phase == 0u {
                    warm_start_joints(h);
                } else {
                    // Explicit joint springs kick, drift, kick over the step
                    // (joint_solver.rs `JointPass::spring_kick`).
                    let last = substep + 1u == params.substeps;
                    var spring_kick = select(0.0, 0.5 * h, last);
                    if phase == 1u {
                        spring_kick = select(h, 0.5 * h, substep == 0u);
                    }
                    solve_joints(phase == 1u, spring_kick);
                }
            }
            storageBarrier();
            workgroupBarrier();
        }
    }

    // Write back, unless something turned non-finite or a loop was cut short.
    let faulty_input = atomicLoad(&fault_body) != NO_FAULT_BODY;
    workgroupBarrier();
    for (var i = lane; i < body_count; i += WORKGROUP_SIZE) {
        let finite = is_finite_vec3(body_center[i]) && is_finite_vec4(body_orientation[i])
            && is_finite_vec3(body_linear_velocity[i]) && is_finite_vec3(body_angular_velocity[i]);
        if !finite {
            atomicOr(&faults, NON_FINITE_FOUND);
            if !faulty_input {
                atomicMin(&fault_body, i);
            }
        }
    }
    // An implementation may bound the loop iterations of a whole kernel invocation and, past
    // the bound, end every loop after one trip without a word: llvmpipe (lavapipe) allows
    // 65,535 shared by all loops (gallivm's LP_MAX_TGSI_LOOP_ITERATIONS). A loop of known trip
    // count run last shows whether that happened to this invocation.
    var trips = 0u;
    for (var k = 0u; k < params.loop_check_trips; k++) {
        trips++;
    }
    if trips != params.loop_check_trips {
        atomicOr(&faults, LOOPS_CUT_FOUND);
    }
    workgroupBarrier();
    let found = atomicLoad(&faults);
    if found != 0u {
        if lane == 0u {
            world_status[world].flags |= select(0u, WORLD_NON_FINITE, (found & NON_FINITE_FOUND) != 0u)
                | select(0u, WORLD_LOOP_LIMIT, (found & LOOPS_CUT_FOUND) != 0u);
            world_status[world].fault_body = atomicLoad(&fault_body);
        }
        return;
    }
    for (var i = lane; i < body_count; i += WORKGROUP_SIZE) {
        if is_dynamic(i) {
            let q = body_orientation[i];
            let com = world_scenes[scene_world].bodies[i].center_of_mass;
            let b = body_base + i;
            body_state[state_index(STATE_POSITION, b)] = vec4f(body_center[i] - quat_rotate(q, com), 0.0);
            body_state[state_index(STATE_ORIENTATION, b)] = q;
            body_state[state_index(STATE_LINEAR_VELOCITY, b)] = vec4f(body_linear_velocity[i], 0.0);
            body_state[state_index(STATE_ANGULAR_VELOCITY, b)] = vec4f(body_angular_velocity[i], 0.0);
        }
    }
    for (var k = lane; k < pair_count; k += WORKGROUP_SIZE) {
        contact_cache[cache_base + k] = cached_manifold(constraint_base + k);
    }
    for (var j = lane; j < params.joint_count; j += WORKGROUP_SIZE) {
        store_joint_impulses(world, j);
    }
    for (var g = lane; g < actuator_vec4s(); g += WORKGROUP_SIZE) {
        var forces = vec4f(0.0);
        for (var k = 0u; k < 4u; k++) {
            if 4u * g + k < params.actuator_count {
                forces[k] = actuator_force(world, 4u * g + k);
            }
        }
        body_state[actuator_index(params.actuator_force_offset, world, 4u * g)] = forces;
    }
    if lane == 0u {
        world_status[world].cache_count = pair_count;
        world_status[world].steps_done += 1u;
        world_status[world].pairs_needed = pair_count;
    }
}

// `time` of gyroscopic torque on dynamic body i, at its current orientation.
fn gyroscopic_kick(i: u32, time: f32) {
    body_angular_velocity[i] = gyroscopic_velocity(
        world_scenes[scene_world].bodies[i].inverse_inertia,
        body_orientation[i],
        body_angular_velocity[i],
        time,
    );
}

// Position update of dynamic body i over h after v += h g (solver_body.rs): symplectic Euler
// for a body in contact; x += h v − h² g / 2, exact for gravity, in free flight.
fn integrate_position(i: u32, h: f32, gravity: vec3f) {
    var dx = body_linear_velocity[i] * h;
    if body_in_contact[i] == 0u {
        dx -= gravity * (0.5 * h * h);
    }
    body_center[i] += dx;
    body_delta_position[i] += dx;
    var w = body_angular_velocity[i];
    let angle_sq = dot(w, w) * (h * h);
    if angle_sq > MAX_ROTATION_PER_SUBSTEP * MAX_ROTATION_PER_SUBSTEP {
        w *= MAX_ROTATION_PER_SUBSTEP / sqrt(angle_sq);
        body_angular_velocity[i] = w;
    }
    let half = w * (0.5 * h);
    let q = body_orientation[i];
    let spin = quat_mul(vec4f(half, 0.0), q);
    let updated = normalize(q + spin);
    body_orientation[i] = updated;
    if body_in_contact[i] != 0u {
        body_delta_rotation[i] = quat_to_mat3(quat_mul(updated, quat_conjugate(body_start_orientation[i])));
    }
}
