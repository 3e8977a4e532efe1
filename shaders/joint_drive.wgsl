// The drive of a revolute or prismatic joint's degree of freedom (joint_drive.rs): spring and
// damper, servo, limits and motor, with its armature. Each is one row on q̇, solved before the
// joint's structural rows, with the effective mass of what it turns: the subtree of the
// articulation on one side (Featherstone's Sᵀ Iᴬ S, from the factorisation), the other body's
// own response, and the armature rotor, which moves with the bodies as one degree of freedom.
//!include joint_scratch.wgsl

fn drive_needs_position(j: u32) -> bool {
    let t = world_scenes[scene_world].joints[j];
    let w = &joint_scratch[joint_world].joints[j];
    return t.spring.x > 0.0 || (t.ids.w & JOINT_LIMITED) != 0u
        || ((*w).has_servo != 0u && (*w).servo.x > 0.0);
}

// Whether joint j's drive needs an effective mass (a motor alone on a joint without armature
// does not).
fn drive_needs_mass(j: u32) -> bool {
    let t = world_scenes[scene_world].joints[j];
    let w = &joint_scratch[joint_world].joints[j];
    return (*w).drive_active != 0u
        && (drive_needs_position(j) || t.range_damping.z > 0.0 || (*w).has_servo != 0u
            || t.range_damping.w > 0.0);
}

// The hinge angle between two joint frames (joint_space.rs `revolute_angle`), in (−π, π].
fn revolute_angle(parent_frame: vec4f, child_frame: vec4f) -> f32 {
    var e = quat_mul(quat_conjugate(parent_frame), child_frame);
    if e.w < 0.0 {
        e = -e;
    }
    return 2.0 * atan2(e.x, e.w);
}

// `angle` wrapped into [−π, π] (joint_space.rs `wrap_angle`).
fn wrap_angle(angle: f32) -> f32 {
    let tau = 6.2831855;
    return angle - tau * round(angle / tau);
}

// The angle equal to `angle` modulo 2π nearest to `reference` (joint_space.rs
// `continue_angle`): a revolute joint's q counts turns.
fn continue_angle(reference: f32, angle: f32) -> f32 {
    return reference + wrap_angle(angle - reference);
}

// q of single-axis joint j, now: a revolute joint's counted on from where the rows were last
// refreshed.
fn joint_position(j: u32) -> f32 {
    let t = world_scenes[scene_world].joints[j];
    if (t.ids.w & JOINT_COMPOUND) != 0u {
        return joint_scratch[joint_world].joints[j].angle;
    }
    if t.ids.z == JOINT_REVOLUTE {
        return continue_angle(
            joint_scratch[joint_world].joints[j].angle,
            revolute_angle(
                quat_mul(body_orientation[t.ids.x], t.frame_a),
                quat_mul(body_orientation[t.ids.y], t.frame_b),
            ),
        );
    }
    let ra = joint_arm_a(j);
    let rb = joint_arm_b(j);
    let axis = body_delta_rotation[t.ids.x] * joint_scratch[joint_world].joints[j].axis_a;
    return dot(axis, joint_anchor_offset(j, ra, rb));
}

// Applies an axial impulse to bodies and rotor together: the degree of freedom, of mass
// m + armature, changes speed by λ / (m + armature).
fn apply_axial(j: u32, v: ptr<function, BodyPair>, row: JointRow, body_mass: f32, lambda: f32) {
    let armature = world_scenes[scene_world].joints[j].range_damping.w;
    var share = 1.0;
    if armature > 0.0 {
        let total = body_mass + armature;
        let w = &joint_scratch[joint_world].joints[j];
        (*w).rotor_velocity += lambda / total;
        share = body_mass / total;
    }
    joint_row_apply(row, v, lambda * share);
}

// How fast q̇ answers an axial impulse: the articulated response of the subtree on one side
// plus the free response of the body it pushes against on the other, or the two bodies' free
// responses when the joint is not in a tree.
fn drive_response(j: u32, row: JointRow, v: BodyPair) -> f32 {
    let w = &joint_scratch[joint_world].joints[j];
    let subtree_mass = (*w).subtree_mass;
    if subtree_mass <= 0.0 {
        return joint_row_response(row, row, v, 0.0);
    }
    return (*w).counterpart_response + 1.0 / subtree_mass;
}

// An implicit spring k and damper c on a degree of freedom of mass m, stepped with substep h
// (softness.rs `Softness::spring`): (bias rate, mass scale, impulse scale).
fn spring_softness(stiffness: f32, damping: f32, mass: f32, h: f32) -> vec3f {
    let gain = damping + h * stiffness;
    if gain <= 0.0 {
        return vec3f(0.0, 0.0, 1.0);
    }
    let a = h * gain;
    let mass_scale = a / (mass + a);
    return vec3f(stiffness / gain, mass_scale, 1.0 - mass_scale);
}

// A rigid limit row's (bias, mass scale, impulse scale) at distance c inside the range
// (negative: past it): speculative inside, as stiff as the structural rows past it.
fn limit_coefficients(use_bias: bool, c: f32) -> vec3f {
    if c > 0.0 {
        return vec3f(c * params.inv_h, 1.0, 0.0);
    }
    let soft = joint_coefficients(use_bias, true);
    return vec3f(soft.x * c, soft.y, soft.z);
}

// MuJoCo's impedance d at a violation of `depth` (limit_impedance.rs `Impedance::at`).
fn limit_impedance_at(t: SceneJoint, depth: f32) -> f32 {
    let curve = t.limit_impedance[0];
    let power = t.limit_impedance[1].x;
    var x = 1.0;
    if curve.z > 0.0 {
        x = min(abs(depth) / curve.z, 1.0);
    }
    let mid = curve.w;
    var rise = 1.0;
    if x >= 1.0 {
        rise = 1.0;
    } else if x <= mid && mid > 0.0 {
        rise = mid * pow(x / mid, power);
    } else {
        rise = 1.0 - (1.0 - mid) * pow((1.0 - x) / (1.0 - mid), power);
    }
    return curve.x + rise * (curve.y - curve.x);
}

// One substep of a violated soft limit (limit_impedance.rs `SoftLimit::impulse`): the
// limit's total impulse (≥ 0, along r) for the substep to end at the speed MuJoCo's law gives.
fn soft_limit_impulse(t: SceneJoint, mass: f32, violation: f32, start_speed: f32, free_speed: f32) -> f32 {
    let h = params.h;
    let omega = 6.2831855 * t.spring.z;
    let d = limit_impedance_at(t, violation);
    let s = d / t.limit_impedance[0].y;
    let b = s * 2.0 * t.spring.w * omega;
    let k = s * s * omega * omega;
    let end_speed = (d * start_speed + (1.0 - d) * free_speed - h * k * violation)
        / (1.0 + h * b + h * h * k);
    return max(mass * (end_speed - free_speed), 0.0);
}

// Records q and q̇ of a soft-limited joint j where the substep starts, before gravity or any
// other force acts (joint_drive.rs `record_limit_start`).
fn record_limit_start(j: u32) {
    let t = world_scenes[scene_world].joints[j];
    let w = &joint_scratch[joint_world].joints[j];
    if (*w).drive_active == 0u || (t.ids.w & JOINT_LIMITED) == 0u || t.spring.z <= 0.0 {
        return;
    }
    let row = joint_axial_row(j);
    let v = load_joint_pair(j);
    let response = drive_response(j, row, v);
    if response > 0.0 {
        let body_mass = 1.0 / response;
        let mass = body_mass + t.range_damping.w;
        (*w).limit_start = vec2f(joint_position(j), drive_velocity(j, row, v, body_mass, mass));
    }
}

// Whether a joint spring is slow enough against substep h (h ω < 1) to act explicitly
// (joint_drive.rs `explicit_spring`).
fn explicit_spring(stiffness: f32, mass: f32, h: f32) -> bool {
    return stiffness * h * h < mass;
}

// The speed of the degree of freedom: of bodies and rotor together, weighted by their inertia
// (they differ only by what other rows did since the coupling).
fn drive_velocity(j: u32, row: JointRow, v: BodyPair, body_mass: f32, mass: f32) -> f32 {
    let armature = world_scenes[scene_world].joints[j].range_damping.w;
    let rotor = joint_scratch[joint_world].joints[j].rotor_velocity;
    return (body_mass * joint_row_velocity(row, v, 0.0) + armature * rotor) / mass;
}

// Joint j's drive: spring and damper, servo, limits (like a contact: speculative inside the
// range, soft past it).
fn solve_drive(j: u32, use_bias: bool, spring_kick: f32) {
    let w = &joint_scratch[joint_world].joints[j];
    if (*w).drive_active == 0u {
        return;
    }
    let t = world_scenes[scene_world].joints[j];
    let row = joint_axial_row(j);
    var v = load_joint_pair(j);
    let response = drive_response(j, row, v);
    if response <= 0.0 {
        return;
    }
    let body_mass = 1.0 / response;
    let mass = body_mass + t.range_damping.w;
    var q = 0.0;
    if drive_needs_position(j) {
        q = joint_position(j);
    }
    let h = params.h;
    let stiffness = t.spring.x;
    let damping = t.range_damping.z;
    if stiffness > 0.0 || damping > 0.0 {
        // A spring slow against the substep (h ω < 1) acts explicitly, kick–drift–kick over
        // the step (joint_drive.rs): a symplectic leapfrog keeps its energy and phase.
        let c = q - t.spring.y;
        let is_explicit = explicit_spring(stiffness, mass, h);
        if is_explicit && spring_kick > 0.0 {
            apply_axial(j, &v, row, body_mass, -spring_kick * stiffness * c);
        }
        var implicit_stiffness = stiffness;
        if is_explicit {
            implicit_stiffness = 0.0;
        }
        let soft = spring_softness(implicit_stiffness, damping, mass, h);
        let impulse = -mass * soft.y * (drive_velocity(j, row, v, body_mass, mass) + soft.x * c)
            - soft.z * (*w).impulse_spring;
        (*w).impulse_spring += impulse;
        apply_axial(j, &v, row, body_mass, impulse);
    }
    if (*w).has_servo != 0u {
        let servo = (*w).servo;
        let soft = spring_softness(servo.x, servo.y, mass, h);
        let velocity = drive_velocity(j, row, v, body_mass, mass) - servo.w;
        let c = q - servo.z;
        let old = (*w).impulse_servo;
        let impulse = -mass * soft.y * (velocity + soft.x * c) - soft.z * old;
        let limit = (*w).servo_max_force * h;
        let total = clamp(old + impulse, -limit, limit);
        (*w).impulse_servo = total;
        apply_axial(j, &v, row, body_mass, total - old);
    }
    if (t.ids.w & JOINT_LIMITED) != 0u && t.spring.z > 0.0 {
        // MuJoCo's soft limit, in both passes from where the substep started; released
        // while the substep starts inside the range (joint_drive.rs).
        let start = (*w).limit_start;
        var old = (*w).impulse_lower;
        var total = 0.0;
        if start.x < t.range_damping.x {
            let free = drive_velocity(j, row, v, body_mass, mass) - old / mass;
            total = soft_limit_impulse(t, mass, start.x - t.range_damping.x, start.y, free);
        }
        (*w).impulse_lower = total;
        apply_axial(j, &v, row, body_mass, total - old);

        old = (*w).impulse_upper;
        total = 0.0;
        if start.x > t.range_damping.y {
            let free = -drive_velocity(j, row, v, body_mass, mass) - old / mass;
            total = soft_limit_impulse(t, mass, t.range_damping.y - start.x, -start.y, free);
        }
        (*w).impulse_upper = total;
        apply_axial(j, &v, row, body_mass, old - total);
    } else if (t.ids.w & JOINT_LIMITED) != 0u {
        // Like a contact: speculative inside the range, soft past it, as stiff as the
        // structural rows.
        var old = (*w).impulse_lower;
        var c = limit_coefficients(use_bias, q - t.range_damping.x);
        var impulse = -mass * c.y * (drive_velocity(j, row, v, body_mass, mass) + c.x)
            - c.z * old;
        var total = max(old + impulse, 0.0);
        (*w).impulse_lower = total;
        apply_axial(j, &v, row, body_mass, total - old);

        old = (*w).impulse_upper;
        c = limit_coefficients(use_bias, t.range_damping.y - q);
        impulse = -mass * c.y * (-drive_velocity(j, row, v, body_mass, mass) + c.x)
            - c.z * old;
        total = max(old + impulse, 0.0);
        (*w).impulse_upper = total;
        apply_axial(j, &v, row, body_mass, old - total);
    }
    store_joint_pair(j, v);
}
