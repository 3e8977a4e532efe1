// A drive's impulse across carriers (drive_chain.rs; core joint_tree.rs `DriveChain`): each
// side's share goes to the real body at that end of the chain, and the carriers between move
// rigidly with it, their momentum included (a carrier is light, not massless).
//!include joint_scratch.wgsl

// The angular part of `row` for side B (or A) with the arm measured from body `end`'s centre
// instead of `near`'s (the joint's own body on that side): a slide's row has a moment arm.
fn chain_angular(row: JointRow, b_side: bool, near: u32, end: u32) -> vec3f {
    let shift = cross(body_center[near] - body_center[end], row.linear);
    if b_side {
        return row.angular_b + shift;
    }
    return row.angular_a - shift;
}

// Applies λ along `row` of joint j (−λ to side A, +λ to side B) through its chain.
fn push_through_chain(j: u32, row: JointRow, lambda: f32) {
    let t = world_scenes[scene_world].joints[j];
    var first = 0u;
    for (var side = 0u; side < 2u; side++) {
        let b_side = side == 1u;
        let end = t.chain[side];
        let near = select(t.ids.x, t.ids.y, b_side);
        let count = t.chain[2u + side];
        if body_inverse_mass[end] == 0.0 {
            first += count;
            continue;
        }
        let dw = body_inverse_inertia[end] * chain_angular(row, b_side, near, end) * lambda;
        // The end and its carriers turn by dw about the end's centre and share one
        // translation, chosen so their momentum changes by the impulse's linear part.
        var mass = 1.0 / body_inverse_mass[end];
        var moment = vec3f(0.0);
        for (var k = 0u; k < count; k++) {
            let slot = first + k;
            let c = t.carriers[slot / 4u][slot % 4u];
            let m = 1.0 / body_inverse_mass[c];
            mass += m;
            moment += (body_center[c] - body_center[end]) * m;
        }
        let impulse = row.linear * select(-lambda, lambda, b_side);
        let dv = (impulse - cross(dw, moment)) / mass;
        for (var k = 0u; k <= count; k++) {
            var c = end;
            if k < count {
                let slot = first + k;
                c = t.carriers[slot / 4u][slot % 4u];
            }
            body_linear_velocity[c] += dv + cross(dw, body_center[c] - body_center[end]);
            body_angular_velocity[c] += dw;
        }
        first += count;
    }
}
