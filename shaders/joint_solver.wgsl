// A joint as the TGS-soft solver sees it during one step (joint_solver.rs): a set of
// constraint rows between its two bodies (maximal coordinates). Structural rows hold the
// joint together (velocities constrained rigidly, drift corrected in the biased pass); a
// single-axis joint's drive (joint_drive.wgsl) acts on its degree of freedom; armature is a
// rotor tied to q̇ by a coupling row. The joints of a tree are solved together and exactly
// (articulation_solver.wgsl); a joint outside the trees is solved on its own, block-wise.
//
// Arms and axes follow the bodies through the substeps (rotated by each body's rotation since
// the step began); inverse inertias are those of the step's start, as for contacts. One lane
// works on a joint at a time.
//!include common.wgsl
//!include step_bindings.wgsl
//!include joint_scratch.wgsl
//!include joint_drive.wgsl
//!include compound_rows.wgsl

// The drive of single-axis joint j this step, from the joint and what the actuators make of
// this step's controls: a motor adds gear × control, a servo is a spring–damper with gear²
// gains (world_step.rs `prepare_drives`).
fn prepare_joint_drive(world: u32, j: u32) {
    let t = world_scenes[scene_world].joints[j];
    let w = &joint_scratch[joint_world].joints[j];
    var motor = 0.0;
    var has_servo = false;
    var servo = vec4f(0.0);
    var max_force = 0.0;
    if is_single_axis(t.ids.z) {
        for (var a = 0u; a < params.actuator_count; a++) {
            let actuator = world_scenes[scene_world].actuators[a];
            if actuator.ids.x != j {
                continue;
            }
            let stored = body_state[actuator_index(params.control_offset, world, a)][a % 4u];
            let u = clamp(stored, actuator.control_range.x, actuator.control_range.y);
            let gear = actuator.gains.x;
            if actuator.ids.y == ACTUATOR_MOTOR {
                motor += gear * u;
            } else if actuator.ids.y == ACTUATOR_POSITION {
                has_servo = true;
                servo = vec4f(gear * gear * actuator.gains.y, gear * gear * actuator.gains.z, u / gear, 0.0);
                max_force = actuator.gains.w;
            } else {
                has_servo = true;
                servo = vec4f(0.0, gear * gear * actuator.gains.z, 0.0, u / gear);
                max_force = actuator.gains.w;
            }
        }
    }
    let idle = t.spring.x == 0.0 && t.range_damping.z == 0.0 && (t.ids.w & JOINT_LIMITED) == 0u
        && !has_servo && motor == 0.0;
    (*w).drive_active = select(0u, 1u, is_single_axis(t.ids.z) && !idle);
    (*w).motor_force = motor;
    (*w).has_servo = select(0u, 1u, has_servo);
    (*w).servo = servo;
    (*w).servo_max_force = max_force;
}

// Makes joint j's scratch the constraint for a step that starts where the bodies are,
// warm-started from the impulses the world's state keeps (joint_solver.rs `prepare`).
fn prepare_joint(world: u32, j: u32) {
    let t = world_scenes[scene_world].joints[j];
    let a = t.ids.x;
    let b = t.ids.y;
    let qa = body_orientation[a];
    let qb = body_orientation[b];
    let arm_a = quat_rotate(qa, t.anchor_a.xyz);
    let arm_b = quat_rotate(qb, t.anchor_b.xyz);
    let axis_a = quat_rotate(quat_mul(qa, t.frame_a), vec3f(1.0, 0.0, 0.0));
    let tangents = orthonormal_pair(axis_a);
    prepare_joint_drive(world, j);
    let w = &joint_scratch[joint_world].joints[j];
    (*w).arm_a = arm_a;
    (*w).arm_b = arm_b;
    (*w).base_offset = (body_center[b] + arm_b) - (body_center[a] + arm_a);
    (*w).axis_a = axis_a;
    (*w).axis_b = quat_rotate(quat_mul(qb, t.frame_b), vec3f(1.0, 0.0, 0.0));
    (*w).perpendicular1 = tangents[0];
    (*w).perpendicular2 = tangents[1];
    (*w).rotor_velocity = 0.0;
    (*w).subtree_mass = 0.0;
    (*w).subtree_is_b = 1u;
    let linear = body_state[joint_impulse_index(world, j, 0u)];
    let angular = body_state[joint_impulse_index(world, j, 1u)];
    let drive = body_state[joint_impulse_index(world, j, 2u)];
    (*w).impulse_linear = linear.xyz;
    (*w).impulse_coupling = linear.w;
    (*w).impulse_angular = angular.xyz;
    (*w).impulse_spring = angular.w;
    (*w).impulse_servo = drive.x;
    (*w).impulse_lower = drive.y;
    (*w).impulse_upper = drive.z;
    (*w).angle = drive.w;
    if is_single_axis(t.ids.z) && (t.ids.w & JOINT_COMPOUND) == 0u {
        (*w).rotor_velocity = joint_row_velocity(joint_axial_row(j), load_joint_pair(j), 0.0);
    }
}

// The warm-start impulses of joint j, world vectors in the state, projected on this step's
// first rows.
fn project_warm_start(world: u32, j: u32) {
    let w = &joint_scratch[joint_world].joints[j];
    let linear = body_state[joint_impulse_index(world, j, 0u)];
    let angular = body_state[joint_impulse_index(world, j, 1u)].xyz;
    for (var k = 0u; k < (*w).row_count; k++) {
        let row = stored_row(j, k);
        var lambda = dot(row.angular_b, angular);
        if row.rotor != 0.0 {
            lambda = linear.w;
        } else if any(row.linear != vec3f(0.0)) {
            lambda = dot(row.linear, linear.xyz);
        }
        (*w).row_impulses[k] = lambda;
    }
}

// Rebuilds joint j's structural rows where the bodies are now.
fn refresh_joint_rows(j: u32) {
    let t = world_scenes[scene_world].joints[j];
    let kind = t.ids.z;
    let w = &joint_scratch[joint_world].joints[j];
    let rotation_a = body_delta_rotation[t.ids.x];
    let ra = joint_arm_a(j);
    let rb = joint_arm_b(j);
    (*w).current_arm_a = ra;
    (*w).current_arm_b = rb;
    (*w).current_axis = rotation_a * (*w).axis_a;
    if kind == JOINT_REVOLUTE {
        (*w).angle = joint_position(j);
    }
    let t1 = rotation_a * (*w).perpendicular1;
    let t2 = rotation_a * (*w).perpendicular2;
    var n = 0u;
    if t.range_damping.w > 0.0 && is_single_axis(kind) {
        store_row(j, n, coupling_row(joint_axial_row(j)));
        n++;
    }
    if kind == JOINT_FIXED || kind == JOINT_PRISMATIC {
        store_row(j, n, angular_row(vec3f(1.0, 0.0, 0.0)));
        store_row(j, n + 1u, angular_row(vec3f(0.0, 1.0, 0.0)));
        store_row(j, n + 2u, angular_row(vec3f(0.0, 0.0, 1.0)));
        n += 3u;
    } else if kind == JOINT_REVOLUTE {
        store_row(j, n, angular_row(t1));
        store_row(j, n + 1u, angular_row(t2));
        n += 2u;
    }
    if kind == JOINT_FIXED || kind == JOINT_REVOLUTE || kind == JOINT_SPHERICAL {
        store_row(j, n, point_row(vec3f(1.0, 0.0, 0.0), ra, rb));
        store_row(j, n + 1u, point_row(vec3f(0.0, 1.0, 0.0), ra, rb));
        store_row(j, n + 2u, point_row(vec3f(0.0, 0.0, 1.0), ra, rb));
        n += 3u;
    } else if kind == JOINT_PRISMATIC {
        let offset = joint_anchor_offset(j, ra, rb);
        store_row(j, n, point_row(t1, ra + offset, rb));
        store_row(j, n + 1u, point_row(t2, ra + offset, rb));
        n += 2u;
    }
    (*w).row_count = n;
}

// The position error of each structural row of joint j, now (zero for the coupling row), into
// its `row_errors`.
fn compute_row_errors(j: u32) {
    let t = world_scenes[scene_world].joints[j];
    let kind = t.ids.z;
    let w = &joint_scratch[joint_world].joints[j];
    let errors = &(*w).row_errors;
    let n = (*w).row_count;
    for (var k = 0u; k < n; k++) {
        (*errors)[k] = 0.0;
    }
    if (t.ids.w & JOINT_COMPOUND) != 0u {
        if t.compound.x > 0u {
            compute_compound_errors(j);
        }
        return;
    }
    var first = 0u;
    if n > 0u && (*w).rows[0].rotor != 0.0 {
        first = 1u;
    }
    let ra = joint_arm_a(j);
    let rb = joint_arm_b(j);
    let offset = joint_anchor_offset(j, ra, rb);
    var linear_start = first;
    if kind == JOINT_FIXED || kind == JOINT_PRISMATIC {
        // The rotation vector of B's frame relative to A's.
        let fa = quat_mul(body_orientation[t.ids.x], t.frame_a);
        let fb = quat_mul(body_orientation[t.ids.y], t.frame_b);
        var e = quat_mul(fb, quat_conjugate(fa));
        if e.w < 0.0 {
            e = -e;
        }
        (*errors)[first] = 2.0 * e.x;
        (*errors)[first + 1u] = 2.0 * e.y;
        (*errors)[first + 2u] = 2.0 * e.z;
        linear_start = first + 3u;
    } else if kind == JOINT_REVOLUTE {
        let misalignment = cross(
            body_delta_rotation[t.ids.x] * (*w).axis_a,
            body_delta_rotation[t.ids.y] * (*w).axis_b,
        );
        (*errors)[first] = dot((*w).rows[first].angular_b, misalignment);
        (*errors)[first + 1u] = dot((*w).rows[first + 1u].angular_b, misalignment);
        linear_start = first + 2u;
    }
    if kind == JOINT_FIXED || kind == JOINT_REVOLUTE || kind == JOINT_SPHERICAL {
        (*errors)[linear_start] = offset.x;
        (*errors)[linear_start + 1u] = offset.y;
        (*errors)[linear_start + 2u] = offset.z;
    } else if kind == JOINT_PRISMATIC {
        (*errors)[linear_start] = dot((*w).rows[linear_start].linear, offset);
        (*errors)[linear_start + 1u] = dot((*w).rows[linear_start + 1u].linear, offset);
    }
}

// Re-applies joint j's impulses of the last substep, and the motors' impulse for this one.
fn warm_start_joint(j: u32, h: f32) {
    let t = world_scenes[scene_world].joints[j];
    let w = &joint_scratch[joint_world].joints[j];
    var v = load_joint_pair(j);
    for (var k = 0u; k < (*w).row_count; k++) {
        apply_joint_row(j, k, &v, (*w).row_impulses[k]);
    }
    if t.ids.z == JOINT_SPHERICAL && t.range_damping.z > 0.0 {
        let l = (*w).impulse_angular;
        v.angular_a -= v.inverse_inertia_a * l;
        v.angular_b += v.inverse_inertia_b * l;
    }
    if (*w).drive_active != 0u {
        let row = joint_axial_row(j);
        // Split between bodies and rotor as the drive's solve splits it.
        let response = drive_response(j, row, v);
        if response > 0.0 {
            let axial = (*w).impulse_spring + (*w).impulse_servo + (*w).impulse_lower
                - (*w).impulse_upper + (*w).motor_force * h;
            apply_axial(j, &v, row, 1.0 / response, axial);
        }
    }
    store_joint_pair(j, v);
}

// Turns row i's rigid impulse change x into this pass's soft one and accumulates it:
// Δλ = mass_scale · x − impulse_scale · λ.
fn soften_joint_row(j: u32, i: u32, x: f32, use_bias: bool) -> f32 {
    let w = &joint_scratch[joint_world].joints[j];
    let c = joint_coefficients(use_bias, (*w).rows[i].soft != 0u);
    let delta = c.y * x - c.z * (*w).row_impulses[i];
    (*w).row_impulses[i] += delta;
    return delta;
}

// Joint j's structural rows solved together, on their own (a joint outside the trees, or every
// joint when a tree could not be factored): K Δλ = −(J v + rate · C), K = J M⁻¹ Jᵀ (with the
// rotor's share) padded to 6×6; nothing is applied when K is singular. (The CPU inverts K;
// the same solution.)
fn solve_joint_rows(j: u32, use_bias: bool) {
    let w = &joint_scratch[joint_world].joints[j];
    let n = (*w).row_count;
    if n == 0u {
        return;
    }
    var v = load_joint_pair(j);
    let ja = jacobian_block(j, false);
    let jb = jacobian_block(j, true);
    let ka = block_mul(block_mul(ja, inverse_mass_block(v.inverse_mass_a, v.inverse_inertia_a)), block_transpose(ja));
    let kb = block_mul(block_mul(jb, inverse_mass_block(v.inverse_mass_b, v.inverse_inertia_b)), block_transpose(jb));
    var k = block_add(block_add(ka, kb), row_padding(j, 1.0));
    let armature = world_scenes[scene_world].joints[j].range_damping.w;
    if armature > 0.0 {
        k = block_add(k, block_scale(block_outer(rotor_column(j)), 1.0 / armature));
    }
    let factored = factor_block(k, 1.0);
    if !factored.ok {
        return;
    }
    let targets = row_targets(j, v, use_bias);
    let x = factor_solve(factored.factor, 1.0, Vec6(-targets.top, -targets.bottom));
    for (var r = 0u; r < n; r++) {
        apply_joint_row(j, r, &v, soften_joint_row(j, r, vec6_at(x, r), use_bias));
    }
    store_joint_pair(j, v);
}

// A ball joint's damper on the relative spin: Δλ = −(K + γ)⁻¹ (ω_rel + γ λ) with γ = 1/(h c),
// the implicit damper in impulse form (Catto, GDC 2011). Both passes: it is a physical force.
fn solve_ball_damping(j: u32, h: f32) {
    let t = world_scenes[scene_world].joints[j];
    if t.ids.z != JOINT_SPHERICAL || t.range_damping.z <= 0.0 {
        return;
    }
    let w = &joint_scratch[joint_world].joints[j];
    var v = load_joint_pair(j);
    let gamma = 1.0 / (h * t.range_damping.z);
    let k = v.inverse_inertia_a + v.inverse_inertia_b
        + mat3x3f(gamma, 0.0, 0.0, 0.0, gamma, 0.0, 0.0, 0.0, gamma);
    let spin = v.angular_b - v.angular_a;
    let accumulated = (*w).impulse_angular;
    let impulse = -(mat3_inverse(k) * (spin + accumulated * gamma));
    (*w).impulse_angular = accumulated + impulse;
    v.angular_a -= v.inverse_inertia_a * impulse;
    v.angular_b += v.inverse_inertia_b * impulse;
    store_joint_pair(j, v);
}

// Joint j's impulses of this step back into the world's state as world vectors, to warm-start
// the next step.
fn store_joint_impulses(world: u32, j: u32) {
    let w = &joint_scratch[joint_world].joints[j];
    var linear = vec3f(0.0);
    var angular = vec3f(0.0);
    var coupling = 0.0;
    for (var k = 0u; k < (*w).row_count; k++) {
        let row = stored_row(j, k);
        let lambda = (*w).row_impulses[k];
        if row.rotor != 0.0 {
            coupling = lambda;
        } else if any(row.linear != vec3f(0.0)) {
            linear += row.linear * lambda;
        } else {
            angular += row.angular_b * lambda;
        }
    }
    // A ball joint's angular impulse is its damper's, kept as it is; a compound's is the
    // wrench of its structural rows.
    if world_scenes[scene_world].joints[j].ids.z == JOINT_SPHERICAL {
        angular = (*w).impulse_angular;
    }
    if world_scenes[scene_world].joints[j].compound.x > 0u {
        let wrench = compound_wrench(j);
        linear = wrench[0];
        angular = wrench[1];
    }
    body_state[joint_impulse_index(world, j, 0u)] = vec4f(linear, coupling);
    body_state[joint_impulse_index(world, j, 1u)] = vec4f(angular, (*w).impulse_spring);
    body_state[joint_impulse_index(world, j, 2u)] =
        vec4f((*w).impulse_servo, (*w).impulse_lower, (*w).impulse_upper, (*w).angle);
}

// Actuator a's force in the last step, in actuator space: a motor's is its clamped control, a
// servo's its joint's servo force divided by the gear.
fn actuator_force(world: u32, a: u32) -> f32 {
    let actuator = world_scenes[scene_world].actuators[a];
    if actuator.ids.y == ACTUATOR_MOTOR {
        let stored = body_state[actuator_index(params.control_offset, world, a)][a % 4u];
        return clamp(stored, actuator.control_range.x, actuator.control_range.y);
    }
    let servo_impulse = joint_scratch[joint_world].joints[actuator.ids.x].impulse_servo;
    return servo_impulse / params.h / actuator.gains.x;
}
