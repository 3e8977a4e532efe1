// The soft contact constraint of the TGS-soft step (contact_solver.rs, contact_cache.rs):
// non-penetration as a soft constraint with speculative distance, friction as two tangent
// impulses clamped jointly to the disk |λt| ≤ μ λn, restitution after the substeps, and the
// warm-start memory matched by feature id.
//
// A constraint lives in its slot of `constraints` (storage) and is worked on by one lane at a
// time; the bodies' velocities are in workgroup memory. Lever arms are fixed for the step;
// separation is re-evaluated each substep from how far the bodies' centres of curvature moved.
//!include common.wgsl
//!include step_bindings.wgsl

// How close (m, on body A) a new point must be to a cached one to inherit its impulses when
// their feature ids differ.
const MATCH_DISTANCE: f32 = 0.01;

struct ConstraintPoint {
    // Lever arms from each centre of mass to the contact point at the start of the step.
    anchor_a: vec3f,
    base_separation: f32,
    anchor_b: vec3f,
    normal_impulse: f32,
    // From each centre of mass to its surface's centre of curvature at the contact.
    curvature_anchor_a: vec3f,
    // Largest normal impulse increment of the step: restitution acts only where it pushed.
    max_normal_impulse: f32,
    curvature_anchor_b: vec3f,
    // Normal velocity at the start of the step (negative: approaching).
    relative_velocity: f32,
    // Normal row: angular Jacobian parts r × n, their I⁻¹ images and the effective mass.
    normal_arm_a: vec3f,
    normal_mass: f32,
    normal_arm_b: vec3f,
    feature: u32,
    normal_inertia_arm_a: vec3f,
    tangent_mass_1: f32,
    normal_inertia_arm_b: vec3f,
    tangent_mass_2: f32,
    tangent_inertia_arm_a1: vec3f,
    tangent_impulse_1: f32,
    tangent_inertia_arm_b1: vec3f,
    tangent_impulse_2: f32,
    tangent_inertia_arm_a2: vec3f,
    tangent_inertia_arm_b2: vec3f,
    // The point relative to A's centre of mass in A's frame, for warm-start matching.
    local_anchor_a: vec3f,
}

// A contact between two bodies; a static body is always A (a_moves = 0).
struct Constraint {
    normal: vec3f,
    friction: f32,
    tangent1: vec3f,
    restitution: f32,
    tangent2: vec3f,
    // 0: the pair's shapes are apart; the slot is skipped.
    count: u32,
    body_a: u32,
    body_b: u32,
    a_moves: u32,
    key: u32,
    bias_rate: f32,
    mass_scale: f32,
    impulse_scale: f32,
    color: u32,
    points: array<ConstraintPoint, 4>,
}

// Scratch: per world of the dispatch, `capacity` slots apart.
@group(0) @binding(5) var<storage, read_write> constraints: array<Constraint>;

// Velocities of a constraint's two bodies, copied in from workgroup memory and written back.
struct PairVelocity {
    linear_a: vec3f,
    angular_a: vec3f,
    linear_b: vec3f,
    angular_b: vec3f,
}

// A row's response to an impulse along `d`: I⁻¹ (r × d) of each body and the effective mass.
struct ImpulseRow {
    arm_a: vec3f,
    arm_b: vec3f,
    inertia_arm_a: vec3f,
    inertia_arm_b: vec3f,
    mass: f32,
}

fn impulse_row(a: u32, b: u32, ra: vec3f, rb: vec3f, d: vec3f) -> ImpulseRow {
    let arm_a = cross(ra, d);
    let arm_b = cross(rb, d);
    let inertia_arm_a = body_inverse_inertia[a] * arm_a;
    let inertia_arm_b = body_inverse_inertia[b] * arm_b;
    let k = body_inverse_mass[a] + body_inverse_mass[b] + dot(arm_a, inertia_arm_a)
        + dot(arm_b, inertia_arm_b);
    return ImpulseRow(arm_a, arm_b, inertia_arm_a, inertia_arm_b, select(0.0, 1.0 / k, k > 0.0));
}

// The cached manifold of `key` in the world's sorted cache, or `count` if there is none.
fn find_cached(cache_base: u32, count: u32, key: u32) -> u32 {
    var low = 0u;
    var high = count;
    while low < high {
        let mid = (low + high) / 2u;
        let k = contact_cache[cache_base + mid].key;
        if k == key {
            return mid;
        }
        if k < key {
            low = mid + 1u;
        } else {
            high = mid;
        }
    }
    return count;
}

// The cached point of manifold `entry` with the same feature, else the nearest within
// MATCH_DISTANCE of `local_anchor` (the first of equals), else a point with no impulse.
fn find_cached_point(entry: u32, feature: u32, local_anchor: vec3f) -> CachedPoint {
    let n = contact_cache[entry].count;
    for (var i = 0u; i < n; i++) {
        if contact_cache[entry].points[i].feature == feature {
            return contact_cache[entry].points[i];
        }
    }
    var best = n;
    var best_distance = MATCH_DISTANCE * MATCH_DISTANCE;
    for (var i = 0u; i < n; i++) {
        let offset = contact_cache[entry].points[i].local_anchor - local_anchor;
        let d = dot(offset, offset);
        if d <= best_distance && (best == n || d < best_distance) {
            best = i;
            best_distance = d;
        }
    }
    if best < n {
        return contact_cache[entry].points[best];
    }
    return CachedPoint(vec3f(0.0), 0u, vec3f(0.0), 0.0);
}

// Makes slot `slot` the constraint of manifold `m` between bodies a and b (a static body, if
// any, is a), warm-started from cache entry `cached` (none when it is `no_cache`).
fn prepare_constraint(
    slot: u32,
    m: Manifold,
    key: u32,
    a: u32,
    b: u32,
    friction: f32,
    restitution: f32,
    cached: u32,
    no_cache: u32,
) {
    let n = m.normal;
    let tangents = orthonormal_pair(n);
    let a_moves = body_inverse_mass[a] > 0.0;
    let c = &constraints[slot];
    (*c).normal = n;
    (*c).tangent1 = tangents[0];
    (*c).tangent2 = tangents[1];
    (*c).friction = friction;
    (*c).restitution = restitution;
    (*c).count = m.count;
    (*c).body_a = a;
    (*c).body_b = b;
    (*c).a_moves = select(0u, 1u, a_moves);
    (*c).key = key;
    if a_moves {
        (*c).bias_rate = params.soft_bias_rate;
        (*c).mass_scale = params.soft_mass_scale;
        (*c).impulse_scale = params.soft_impulse_scale;
    } else {
        (*c).bias_rate = params.static_bias_rate;
        (*c).mass_scale = params.static_mass_scale;
        (*c).impulse_scale = params.static_impulse_scale;
    }
    let inverse_orientation_a = quat_conjugate(body_orientation[a]);
    for (var i = 0u; i < m.count; i++) {
        let contact = m.points[i];
        let ra = contact.position - body_center[a];
        let rb = contact.position - body_center[b];
        // Surfaces at position ∓ n s/2; centres of curvature a radius further in.
        let half_gap = 0.5 * contact.separation;
        let curvature_a = contact.position - n * (half_gap + m.radius_a);
        let curvature_b = contact.position + n * (half_gap + m.radius_b);
        let relative = (body_linear_velocity[b] + cross(body_angular_velocity[b], rb))
            - (body_linear_velocity[a] + cross(body_angular_velocity[a], ra));
        let local_anchor_a = quat_rotate(inverse_orientation_a, ra);
        var warm = CachedPoint(vec3f(0.0), 0u, vec3f(0.0), 0.0);
        if cached != no_cache {
            warm = find_cached_point(cached, contact.feature, local_anchor_a);
        }
        let normal_row = impulse_row(a, b, ra, rb, n);
        let row1 = impulse_row(a, b, ra, rb, tangents[0]);
        let row2 = impulse_row(a, b, ra, rb, tangents[1]);
        (*c).points[i] = ConstraintPoint(
            ra,
            contact.separation,
            rb,
            warm.normal_impulse,
            curvature_a - body_center[a],
            0.0,
            curvature_b - body_center[b],
            dot(relative, n),
            normal_row.arm_a,
            normal_row.mass,
            normal_row.arm_b,
            contact.feature,
            normal_row.inertia_arm_a,
            row1.mass,
            normal_row.inertia_arm_b,
            row2.mass,
            row1.inertia_arm_a,
            dot(warm.tangent_impulse, tangents[0]),
            row1.inertia_arm_b,
            dot(warm.tangent_impulse, tangents[1]),
            row2.inertia_arm_a,
            row2.inertia_arm_b,
            local_anchor_a,
        );
    }
}

fn load_pair(a: u32, b: u32) -> PairVelocity {
    return PairVelocity(
        body_linear_velocity[a],
        body_angular_velocity[a],
        body_linear_velocity[b],
        body_angular_velocity[b],
    );
}

// Writes the velocities back; a static A's are left alone (several lanes may share it).
fn store_pair(a: u32, b: u32, a_moves: bool, v: PairVelocity) {
    if a_moves {
        body_linear_velocity[a] = v.linear_a;
        body_angular_velocity[a] = v.angular_a;
    }
    body_linear_velocity[b] = v.linear_b;
    body_angular_velocity[b] = v.angular_b;
}

// −λ along d to A, +λ to B.
fn apply_impulse(
    v: ptr<function, PairVelocity>,
    a_moves: bool,
    d: vec3f,
    lambda: f32,
    inverse_mass_a: f32,
    inverse_mass_b: f32,
    inertia_arm_a: vec3f,
    inertia_arm_b: vec3f,
) {
    if a_moves {
        (*v).linear_a -= d * (lambda * inverse_mass_a);
        (*v).angular_a -= inertia_arm_a * lambda;
    }
    (*v).linear_b += d * (lambda * inverse_mass_b);
    (*v).angular_b += inertia_arm_b * lambda;
}

// How far the material point at lever arm r (start of step) of body `body` has moved.
fn displacement_of(body: u32, r: vec3f) -> vec3f {
    return body_delta_position[body] + body_delta_rotation[body] * r - r;
}

// Re-applies the accumulated impulses of slot `slot`.
fn warm_start_constraint(slot: u32) {
    let c = &constraints[slot];
    let a = (*c).body_a;
    let b = (*c).body_b;
    let a_moves = (*c).a_moves != 0u;
    let ima = body_inverse_mass[a];
    let imb = body_inverse_mass[b];
    let n = (*c).normal;
    let t1 = (*c).tangent1;
    let t2 = (*c).tangent2;
    var v = load_pair(a, b);
    for (var i = 0u; i < (*c).count; i++) {
        let p = &(*c).points[i];
        apply_impulse(&v, a_moves, n, (*p).normal_impulse, ima, imb,
            (*p).normal_inertia_arm_a, (*p).normal_inertia_arm_b);
        apply_impulse(&v, a_moves, t1, (*p).tangent_impulse_1, ima, imb,
            (*p).tangent_inertia_arm_a1, (*p).tangent_inertia_arm_b1);
        apply_impulse(&v, a_moves, t2, (*p).tangent_impulse_2, ima, imb,
            (*p).tangent_inertia_arm_a2, (*p).tangent_inertia_arm_b2);
    }
    store_pair(a, b, a_moves, v);
}

// One iteration over slot `slot`'s points: non-penetration (soft while overlapping, with bias
// when `use_bias`; hard and speculative while apart), then friction on the disk.
fn solve_constraint(slot: u32, use_bias: bool) {
    let c = &constraints[slot];
    let a = (*c).body_a;
    let b = (*c).body_b;
    let a_moves = (*c).a_moves != 0u;
    let ima = body_inverse_mass[a];
    let imb = body_inverse_mass[b];
    let n = (*c).normal;
    let count = (*c).count;
    var v = load_pair(a, b);
    for (var i = 0u; i < count; i++) {
        let p = &(*c).points[i];
        var moved = displacement_of(b, (*p).curvature_anchor_b);
        if a_moves {
            moved -= displacement_of(a, (*p).curvature_anchor_a);
        }
        let s = (*p).base_separation + dot(n, moved);
        var bias = 0.0;
        var mass_scale = 1.0;
        var impulse_scale = 0.0;
        if s > 0.0 {
            // Speculative: allow closing exactly the gap in this substep.
            bias = s * params.inv_h;
        } else if use_bias {
            bias = max((*c).bias_rate * s, -params.max_push_out_speed);
            mass_scale = (*c).mass_scale;
            impulse_scale = (*c).impulse_scale;
        }
        var vn = dot(n, v.linear_b) + dot((*p).normal_arm_b, v.angular_b);
        if a_moves {
            vn = vn - dot(n, v.linear_a) - dot((*p).normal_arm_a, v.angular_a);
        }
        let old = (*p).normal_impulse;
        let impulse = -(*p).normal_mass * mass_scale * (vn + bias) - impulse_scale * old;
        let total = max(old + impulse, 0.0);
        let delta = total - old;
        (*p).normal_impulse = total;
        (*p).max_normal_impulse = max((*p).max_normal_impulse, delta);
        apply_impulse(&v, a_moves, n, delta, ima, imb,
            (*p).normal_inertia_arm_a, (*p).normal_inertia_arm_b);
    }
    let t1 = (*c).tangent1;
    let t2 = (*c).tangent2;
    let friction = (*c).friction;
    for (var i = 0u; i < count; i++) {
        let p = &(*c).points[i];
        var dv = v.linear_b + cross(v.angular_b, (*p).anchor_b);
        if a_moves {
            dv -= v.linear_a + cross(v.angular_a, (*p).anchor_a);
        }
        let old1 = (*p).tangent_impulse_1;
        let old2 = (*p).tangent_impulse_2;
        var total1 = old1 - (*p).tangent_mass_1 * dot(dv, t1);
        var total2 = old2 - (*p).tangent_mass_2 * dot(dv, t2);
        let limit = friction * (*p).normal_impulse;
        let length_sq = total1 * total1 + total2 * total2;
        if length_sq > limit * limit {
            let scale = limit / sqrt(length_sq);
            total1 *= scale;
            total2 *= scale;
        }
        apply_impulse(&v, a_moves, t1, total1 - old1, ima, imb,
            (*p).tangent_inertia_arm_a1, (*p).tangent_inertia_arm_b1);
        apply_impulse(&v, a_moves, t2, total2 - old2, ima, imb,
            (*p).tangent_inertia_arm_a2, (*p).tangent_inertia_arm_b2);
        (*p).tangent_impulse_1 = total1;
        (*p).tangent_impulse_2 = total2;
    }
    store_pair(a, b, a_moves, v);
}

// After the substeps: points that approached faster than the threshold and pushed leave with
// e times their approach speed.
fn restitute_constraint(slot: u32) {
    let c = &constraints[slot];
    let e = (*c).restitution;
    if e == 0.0 {
        return;
    }
    let a = (*c).body_a;
    let b = (*c).body_b;
    let a_moves = (*c).a_moves != 0u;
    let ima = body_inverse_mass[a];
    let imb = body_inverse_mass[b];
    let n = (*c).normal;
    var v = load_pair(a, b);
    for (var i = 0u; i < (*c).count; i++) {
        let p = &(*c).points[i];
        if (*p).relative_velocity > -params.restitution_threshold
            || (*p).max_normal_impulse == 0.0 {
            continue;
        }
        let vn = dot(n, v.linear_b) + dot((*p).normal_arm_b, v.angular_b) - dot(n, v.linear_a)
            - dot((*p).normal_arm_a, v.angular_a);
        let old = (*p).normal_impulse;
        let impulse = -(*p).normal_mass * (vn + e * (*p).relative_velocity);
        let total = max(old + impulse, 0.0);
        apply_impulse(&v, true, n, total - old, ima, imb,
            (*p).normal_inertia_arm_a, (*p).normal_inertia_arm_b);
        (*p).normal_impulse = total;
    }
    store_pair(a, b, a_moves, v);
}

// Slot `slot`'s impulses, as next step's warm-start memory.
fn cached_manifold(slot: u32) -> CachedManifold {
    let c = &constraints[slot];
    var m: CachedManifold;
    m.key = (*c).key;
    m.count = (*c).count;
    for (var i = 0u; i < (*c).count; i++) {
        let p = &(*c).points[i];
        m.points[i] = CachedPoint(
            (*p).local_anchor_a,
            (*p).feature,
            (*c).tangent1 * (*p).tangent_impulse_1 + (*c).tangent2 * (*p).tangent_impulse_2,
            (*p).normal_impulse,
        );
    }
    return m;
}
