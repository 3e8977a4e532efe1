// Task readout: after a step, each world's joint-space state (q and q̇, derived from the
// bodies as joint_space.rs does), then the task's observation, reward and termination, all on
// the device, so that only those come back to the host. One invocation per world.
//
// The host appends the task's program (Task::device_program), which defines
//   fn task_observe(w: u32)           writes observation k with write_observation(w, k, v)
//   fn task_outcome(w: u32) -> vec2f  (reward, 1.0 when the episode terminated else 0.0)
// from joint_q, joint_q_before, joint_qd, control, task_parameter and readout.dt.
// task_outcome is called only for a world whose state is finite; a failed one gets (0, 1).
//!include common.wgsl

@group(0) @binding(0) var<uniform> readout: ReadoutUniforms;
@group(0) @binding(1) var<storage, read> body_state: array<vec4f>;
@group(0) @binding(2) var<storage, read> world_status: array<WorldStatus>;
// Each body's centre of mass in its own frame (xyz), per world as the bodies' state.
@group(0) @binding(3) var<storage, read> centers_of_mass: array<vec4f>;
@group(0) @binding(4) var<storage, read> readout_joints: array<ReadoutJoint>;
@group(0) @binding(5) var<storage, read> task_parameters: array<f32>;
// Per world: q, q before the last step, q̇. Stays on the device.
@group(0) @binding(6) var<storage, read_write> joint_state: array<f32>;
// Per world: the observation, the reward, terminated.
@group(0) @binding(7) var<storage, read_write> task_output: array<f32>;

// ReadoutUniforms.mode: only q, q̇ and the observation (after resets and state writes); or
// also q before and the outcome (after a step).
const READOUT_OBSERVE: u32 = 0u;
const READOUT_STEP: u32 = 1u;
const READOUT_WORKGROUP: u32 = 64u;

fn joint_state_row(w: u32) -> u32 {
    return w * (2u * readout.q_count + readout.qd_count);
}

fn joint_q(w: u32, i: u32) -> f32 {
    return joint_state[joint_state_row(w) + i];
}

fn joint_q_before(w: u32, i: u32) -> f32 {
    return joint_state[joint_state_row(w) + readout.q_count + i];
}

fn joint_qd(w: u32, i: u32) -> f32 {
    return joint_state[joint_state_row(w) + 2u * readout.q_count + i];
}

// Actuator a's control in world w, as applied in the last step.
fn control(w: u32, a: u32) -> f32 {
    return body_state[readout.control_offset + w * readout.actuator_vec4s + a / 4u][a % 4u];
}

fn task_parameter(k: u32) -> f32 {
    return task_parameters[k];
}

fn output_row(w: u32) -> u32 {
    return w * (readout.observation_size + 2u);
}

fn write_observation(w: u32, k: u32, value: f32) {
    if k < readout.observation_size {
        task_output[output_row(w) + k] = value;
    }
}

fn readout_finite(x: f32) -> bool {
    return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

fn body_field(field: u32, w: u32, b: u32) -> vec4f {
    return body_state[field * readout.state_stride + w * readout.body_count + b];
}

// Body b's pose in world w; the world's frame for NO_PARENT.
fn body_pose(w: u32, b: u32) -> Pose {
    if b == NO_PARENT {
        return Pose(vec3f(0.0), vec4f(0.0, 0.0, 0.0, 1.0));
    }
    return Pose(body_field(STATE_POSITION, w, b).xyz, body_field(STATE_ORIENTATION, w, b));
}

fn body_spin(w: u32, b: u32) -> vec3f {
    if b == NO_PARENT {
        return vec3f(0.0);
    }
    return body_field(STATE_ANGULAR_VELOCITY, w, b).xyz;
}

// The velocity of body b's material point at world position `point`.
fn point_velocity(w: u32, b: u32, point: vec3f) -> vec3f {
    if b == NO_PARENT {
        return vec3f(0.0);
    }
    let center = centers_of_mass[w * readout.body_count + b].xyz;
    let world_center = pose_transform_point(body_pose(w, b), center);
    return body_field(STATE_LINEAR_VELOCITY, w, b).xyz
        + cross(body_spin(w, b), point - world_center);
}

fn frame_in_world(body: Pose, frame: Pose) -> Pose {
    let f = pose_compose(body, frame);
    return Pose(f.position, normalize(f.orientation));
}

// Joint j's q and q̇ in world w into its row of joint_state (joint_space.rs).
fn read_joint(w: u32, j: u32) {
    let joint = readout_joints[j];
    let kind = joint.ids.x;
    let parent = joint.ids.y;
    let child = joint.ids.z;
    let row = joint_state_row(w);
    let q = row + joint.ids.w;
    let qd = row + 2u * readout.q_count + joint.offsets.x;
    let pf = frame_in_world(body_pose(w, parent), joint.frame_in_parent);
    let cf = frame_in_world(body_pose(w, child), joint.frame_in_child);
    let relative_spin = body_spin(w, child) - body_spin(w, parent);
    let axis = quat_rotate(pf.orientation, vec3f(1.0, 0.0, 0.0));
    switch kind {
        case JOINT_REVOLUTE: {
            // The twist about x of the child's frame relative to the parent's.
            var e = quat_mul(quat_conjugate(pf.orientation), cf.orientation);
            if e.w < 0.0 {
                e = -e;
            }
            // Turns counted from the angle the step left in the joint's memory
            // (joint_space.rs `continue_angle`).
            let memory = readout.joint_memory_offset
                + (w * readout.joint_count + j + 1u) * JOINT_IMPULSE_VEC4S - 1u;
            let reference = body_state[memory].w;
            let tau = 6.2831855;
            let turn = 2.0 * atan2(e.x, e.w) - reference;
            joint_state[q] = reference + turn - tau * round(turn / tau);
            joint_state[qd] = dot(axis, relative_spin);
        }
        case JOINT_PRISMATIC: {
            // d/dt [(p_child − p_parent) · axis], the axis turning with the parent.
            let separation = cf.position - pf.position;
            let v_child = point_velocity(w, child, cf.position);
            let v_parent = point_velocity(w, parent, pf.position);
            joint_state[q] = dot(separation, axis);
            joint_state[qd] = dot(axis, v_child - v_parent)
                + dot(cross(body_spin(w, parent), axis), separation);
        }
        case JOINT_SPHERICAL: {
            let e = quat_mul(quat_conjugate(pf.orientation), cf.orientation);
            let local = quat_rotate(quat_conjugate(cf.orientation), relative_spin);
            joint_state[q] = e.w;
            joint_state[q + 1u] = e.x;
            joint_state[q + 2u] = e.y;
            joint_state[q + 3u] = e.z;
            joint_state[qd] = local.x;
            joint_state[qd + 1u] = local.y;
            joint_state[qd + 2u] = local.z;
        }
        case JOINT_FREE: {
            // The child's origin and orientation; its origin's velocity and its body-frame
            // angular velocity.
            let pose = body_pose(w, child);
            let o = pose.orientation;
            let v = point_velocity(w, child, pose.position);
            let spin = quat_rotate(quat_conjugate(o), body_spin(w, child));
            joint_state[q] = pose.position.x;
            joint_state[q + 1u] = pose.position.y;
            joint_state[q + 2u] = pose.position.z;
            joint_state[q + 3u] = o.w;
            joint_state[q + 4u] = o.x;
            joint_state[q + 5u] = o.y;
            joint_state[q + 6u] = o.z;
            joint_state[qd] = v.x;
            joint_state[qd + 1u] = v.y;
            joint_state[qd + 2u] = v.z;
            joint_state[qd + 3u] = spin.x;
            joint_state[qd + 4u] = spin.y;
            joint_state[qd + 5u] = spin.z;
        }
        default: {}
    }
}

@compute @workgroup_size(64)
fn read_task(@builtin(global_invocation_id) id: vec3u) {
    let w = id.x + id.y * readout.workgroups_x * READOUT_WORKGROUP;
    if w >= readout.worlds {
        return;
    }
    let row = joint_state_row(w);
    let step = readout.mode == READOUT_STEP;
    if step {
        for (var i = 0u; i < readout.q_count; i++) {
            joint_state[row + readout.q_count + i] = joint_state[row + i];
        }
    }
    for (var j = 0u; j < readout.joint_count; j++) {
        read_joint(w, j);
    }
    var finite = (world_status[w].flags & WORLD_NON_FINITE) == 0u;
    for (var i = 0u; i < readout.q_count; i++) {
        finite = finite && readout_finite(joint_state[row + i]);
    }
    for (var i = 0u; i < readout.qd_count; i++) {
        finite = finite && readout_finite(joint_state[row + 2u * readout.q_count + i]);
    }
    task_observe(w);
    if step {
        var outcome = vec2f(0.0, 1.0);
        if finite {
            outcome = task_outcome(w);
        }
        task_output[output_row(w) + readout.observation_size] = outcome.x;
        task_output[output_row(w) + readout.observation_size + 1u] = outcome.y;
    }
}
