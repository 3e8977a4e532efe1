// The soft contact constraint of the TGS-soft step (contact_solver.rs, contact_cache.rs):
// non-penetration as a soft constraint with speculative distance, friction as two tangent
// impulses clamped jointly to the disk |λt| ≤ μ λn, restitution at the approach speed at impact
// (touching points collide before a substep's warm start, arriving ones bounce after the
// substeps), and the warm-start memory matched by feature id.
//
// A constraint lives in its slot of `constraints` (storage) and is worked on by one lane at a
// time; the bodies' velocities are in workgroup memory. Lever arms are fixed for the step;
// separation is re-evaluated each substep from how far the bodies' centres of curvature moved.
//
// Unlike the CPU, which stores each row's I⁻¹ (r × d) and effective mass, a row is rebuilt
// from the two bodies' inverse inertia whenever it is used, with the same formula (so the same
// values): on a SIMD CPU implementation every load at a lane-varying address is a gather, and
// the arithmetic is cheaper than the loads it replaces; it also keeps a slot small.
//!include common.wgsl
//!include step_bindings.wgsl

// How close (m, on body A) a new point must be to a cached one to inherit its impulses when
// their feature ids differ.
const MATCH_DISTANCE: f32 = 0.01;
// Soft-constraint coefficients (bias rate, mass scale, impulse scale) of an implicit spring of
// `hertz` and damping ratio `zeta` stepped with substep h (softness.rs `Softness::new`).
fn softness(hertz: f32, zeta: f32, h: f32) -> vec4f {
    if hertz <= 0.0 {
        return vec4f(0.0, 1.0, 0.0, 0.0);
    }
    let omega = 2.0 * 3.14159265 * hertz;
    let a1 = 2.0 * zeta + h * omega;
    let a2 = h * omega * a1;
    let a3 = 1.0 / (1.0 + a2);
    return vec4f(omega / a1, a2 * a3, a3, 0.0);
}

// A contact's frequency under `load` (N) between bodies of inverse masses summing to
// `inverse_mass_sum` (softness.rs `loaded_contact_hertz`).
fn loaded_contact_hertz(hertz: f32, load: f32, inverse_mass_sum: f32, gravity: f32, max_hertz: f32) -> f32 {
    let weight = gravity / inverse_mass_sum;
    if load > weight && weight > 0.0 {
        return min(hertz * sqrt(load / weight), max(max_hertz, hertz));
    }
    return hertz;
}

// Iterations of an impact between several points of one pair.
const IMPACT_ITERATIONS: u32 = 4u;
// How close (m) a point must be to count as touching in the impact pass.
const TOUCHING_GAP: f32 = 1e-5;

// Members are packed four to a vec4: every load at a lane-varying address costs a loop over
// the lanes on a SIMD CPU implementation, so one vec4 load beats a vec3 and a scalar.
struct ConstraintPoint {
    // Lever arm from A's centre of mass to the contact point at the start of the step (xyz);
    // separation then (w).
    anchor_a: vec4f,
    // The same from B (xyz); accumulated normal impulse (w).
    anchor_b: vec4f,
    // From A's centre of mass to its surface's centre of curvature at the contact (xyz);
    // largest normal impulse increment of the step (w): restitution acts only where it pushed.
    curvature_a: vec4f,
    // The same for B (xyz); the approach speed at which the point reaches its surface this step
    // (w; zero once it has collided in an impact pass).
    curvature_b: vec4f,
    // The point relative to A's centre of mass in A's frame (xyz) and its feature id (w, bits),
    // for warm-start matching.
    local_anchor_a: vec4f,
    // Accumulated friction impulses along the two tangents (xy).
    tangent_impulse: vec4f,
}

// A contact between two bodies; a static body is always A.
struct Constraint {
    // Unit normal from A to B (xyz), combined friction (w).
    normal: vec4f,
    // Tangent basis (xyz), combined restitution in tangent1.w, in tangent2.w how fast gravity
    // closes the pair along the normal (n·g against a static A, else zero).
    tangent1: vec4f,
    tangent2: vec4f,
    // Soft-contact coefficients: bias rate, mass scale, impulse scale.
    softness: vec4f,
    // Body A, body B, points (0: the pair's shapes are apart; the slot is skipped), whether A
    // moves (0: static).
    bodies: vec4u,
    // Collider pair key (first << 16 | second), colour.
    key: u32,
    color: u32,
    points: array<ConstraintPoint, 4>,
}

// Scratch: per world of the dispatch, `capacity` slots apart.
@group(0) @binding(5) var<storage, read_write> constraints: array<Constraint>;

// What a constraint's iteration needs of its two bodies, read once per constraint.
struct BodyPair {
    inverse_mass_a: f32,
    inverse_mass_b: f32,
    inverse_inertia_a: mat3x3f,
    inverse_inertia_b: mat3x3f,
    linear_a: vec3f,
    angular_a: vec3f,
    linear_b: vec3f,
    angular_b: vec3f,
}

// A static A is not read: it neither moves nor responds (zero inverse mass and inertia, and a
// static body's velocity is zero), and skipping its loads matters where every load is a gather.
fn load_pair(a: u32, b: u32, a_moves: bool) -> BodyPair {
    var v = BodyPair(
        0.0,
        body_inverse_mass[b],
        mat3x3f(),
        body_inverse_inertia[b],
        vec3f(0.0),
        vec3f(0.0),
        body_linear_velocity[b],
        body_angular_velocity[b],
    );
    if a_moves {
        v.inverse_mass_a = body_inverse_mass[a];
        v.inverse_inertia_a = body_inverse_inertia[a];
        v.linear_a = body_linear_velocity[a];
        v.angular_a = body_angular_velocity[a];
    }
    return v;
}

// Writes the velocities back; a static A's are left alone (several lanes may share it).
fn store_pair(a: u32, b: u32, a_moves: bool, v: BodyPair) {
    if a_moves {
        body_linear_velocity[a] = v.linear_a;
        body_angular_velocity[a] = v.angular_a;
    }
    body_linear_velocity[b] = v.linear_b;
    body_angular_velocity[b] = v.angular_b;
}

// A row along unit direction d at lever arms ra, rb: the angular Jacobian parts r × d, their
// I⁻¹ images, and the effective mass 1 / (J M⁻¹ Jᵀ) (contact_solver.rs `ImpulseRow`).
struct ImpulseRow {
    arm_a: vec3f,
    arm_b: vec3f,
    inertia_arm_a: vec3f,
    inertia_arm_b: vec3f,
    mass: f32,
}

fn impulse_row(v: BodyPair, ra: vec3f, rb: vec3f, d: vec3f) -> ImpulseRow {
    let arm_a = cross(ra, d);
    let arm_b = cross(rb, d);
    let inertia_arm_a = v.inverse_inertia_a * arm_a;
    let inertia_arm_b = v.inverse_inertia_b * arm_b;
    let k = v.inverse_mass_a + v.inverse_mass_b + dot(arm_a, inertia_arm_a)
        + dot(arm_b, inertia_arm_b);
    return ImpulseRow(arm_a, arm_b, inertia_arm_a, inertia_arm_b, select(0.0, 1.0 / k, k > 0.0));
}

// −λ along the row to A, +λ to B.
fn apply_impulse(v: ptr<function, BodyPair>, a_moves: bool, d: vec3f, row: ImpulseRow, lambda: f32) {
    if a_moves {
        (*v).linear_a -= d * (lambda * (*v).inverse_mass_a);
        (*v).angular_a -= row.inertia_arm_a * lambda;
    }
    (*v).linear_b += d * (lambda * (*v).inverse_mass_b);
    (*v).angular_b += row.inertia_arm_b * lambda;
}

// Relative normal velocity of B with respect to A along a row.
fn row_velocity(v: BodyPair, a_moves: bool, n: vec3f, row: ImpulseRow) -> f32 {
    let vb = dot(n, v.linear_b) + dot(row.arm_b, v.angular_b);
    if a_moves {
        return vb - dot(n, v.linear_a) - dot(row.arm_a, v.angular_a);
    }
    return vb;
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
    (*c).normal = vec4f(n, friction);
    (*c).tangent1 = vec4f(tangents[0], restitution);
    (*c).tangent2 = vec4f(tangents[1], select(-dot(n, world_scenes[scene_world].gravity.xyz), 0.0, a_moves));
    (*c).bodies = vec4u(a, b, m.count, select(0u, 1u, a_moves));
    (*c).key = key;
    // Stiffness raised with the load the pair carried last step (softness.rs).
    var load = 0.0;
    if cached != no_cache {
        for (var i = 0u; i < contact_cache[cached].count; i++) {
            load += contact_cache[cached].points[i].normal_impulse;
        }
    }
    let hertz = loaded_contact_hertz(
        select(2.0 * params.contact_hertz, params.contact_hertz, a_moves),
        load * params.inv_h,
        body_inverse_mass[a] + body_inverse_mass[b],
        length(world_scenes[scene_world].gravity.xyz),
        params.max_contact_hertz,
    );
    (*c).softness = softness(hertz, params.contact_damping_ratio, params.h);
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
        (*c).points[i] = ConstraintPoint(
            vec4f(ra, contact.separation),
            vec4f(rb, warm.normal_impulse),
            vec4f(curvature_a - body_center[a], 0.0),
            vec4f(curvature_b - body_center[b], impact_speed(-dot(relative, n), contact.separation, (*c).tangent2.w)),
            vec4f(local_anchor_a, bitcast<f32>(contact.feature)),
            vec4f(
                dot(warm.tangent_impulse, tangents[0]),
                dot(warm.tangent_impulse, tangents[1]),
                0.0,
                0.0,
            ),
        );
    }
}

// How a body has moved since the start of the step: displacement of its centre and rotation.
struct BodyMotion {
    delta_position: vec3f,
    delta_rotation: mat3x3f,
}

fn body_motion(body: u32) -> BodyMotion {
    return BodyMotion(body_delta_position[body], body_delta_rotation[body]);
}

// How far the material point at lever arm r (taken at the start of the step) has moved.
fn displacement_of(motion: BodyMotion, r: vec3f) -> vec3f {
    return motion.delta_position + motion.delta_rotation * r - r;
}

// Re-applies the accumulated impulses of slot `slot`.
fn warm_start_constraint(slot: u32) {
    let c = &constraints[slot];
    let ids = (*c).bodies;
    let a_moves = ids.w != 0u;
    let n = (*c).normal.xyz;
    let t1 = (*c).tangent1.xyz;
    let t2 = (*c).tangent2.xyz;
    var v = load_pair(ids.x, ids.y, a_moves);
    for (var i = 0u; i < ids.z; i++) {
        let p = &(*c).points[i];
        let anchor_b = (*p).anchor_b;
        let ra = (*p).anchor_a.xyz;
        let rb = anchor_b.xyz;
        let tangent_impulse = (*p).tangent_impulse;
        apply_impulse(&v, a_moves, n, impulse_row(v, ra, rb, n), anchor_b.w);
        apply_impulse(&v, a_moves, t1, impulse_row(v, ra, rb, t1), tangent_impulse.x);
        apply_impulse(&v, a_moves, t2, impulse_row(v, ra, rb, t2), tangent_impulse.y);
    }
    store_pair(ids.x, ids.y, a_moves, v);
}

// One iteration over slot `slot`'s points: non-penetration (soft while overlapping, with bias
// when `use_bias`; hard and speculative while apart), then friction on the disk.
fn solve_constraint(slot: u32, use_bias: bool) {
    let c = &constraints[slot];
    let ids = (*c).bodies;
    let a = ids.x;
    let b = ids.y;
    let count = ids.z;
    let a_moves = ids.w != 0u;
    let normal = (*c).normal;
    let n = normal.xyz;
    let softness = (*c).softness;
    var v = load_pair(a, b, a_moves);
    var motion_a = BodyMotion(vec3f(0.0), mat3x3f());
    if a_moves {
        motion_a = body_motion(a);
    }
    let motion_b = body_motion(b);
    for (var i = 0u; i < count; i++) {
        let p = &(*c).points[i];
        let anchor_a = (*p).anchor_a;
        let anchor_b = (*p).anchor_b;
        let curvature_a = (*p).curvature_a;
        var moved = displacement_of(motion_b, (*p).curvature_b.xyz);
        if a_moves {
            moved -= displacement_of(motion_a, curvature_a.xyz);
        }
        let s = anchor_a.w + dot(n, moved);
        if s > 0.0 && !use_bias && (*c).tangent1.w > 0.0 {
            // A bouncing point still apart is not braked ahead of its arrival (contact_solver.rs).
            continue;
        }
        var bias = 0.0;
        var mass_scale = 1.0;
        var impulse_scale = 0.0;
        if s > 0.0 {
            // Speculative: allow closing exactly the gap in this substep.
            bias = s * params.inv_h;
        } else if use_bias {
            bias = max(softness.x * s, -params.max_push_out_speed);
            mass_scale = softness.y;
            impulse_scale = softness.z;
        }
        let row = impulse_row(v, anchor_a.xyz, anchor_b.xyz, n);
        let vn = row_velocity(v, a_moves, n, row);
        let old = anchor_b.w;
        let impulse = -row.mass * mass_scale * (vn + bias) - impulse_scale * old;
        let total = max(old + impulse, 0.0);
        let delta = total - old;
        (*p).anchor_b.w = total;
        (*p).curvature_a.w = max(curvature_a.w, delta);
        apply_impulse(&v, a_moves, n, row, delta);
    }
    let t1 = (*c).tangent1.xyz;
    let t2 = (*c).tangent2.xyz;
    let friction = normal.w;
    for (var i = 0u; i < count; i++) {
        let p = &(*c).points[i];
        let ra = (*p).anchor_a.xyz;
        let anchor_b = (*p).anchor_b;
        let rb = anchor_b.xyz;
        let old = (*p).tangent_impulse;
        let row1 = impulse_row(v, ra, rb, t1);
        let row2 = impulse_row(v, ra, rb, t2);
        var dv = v.linear_b + cross(v.angular_b, rb);
        if a_moves {
            dv -= v.linear_a + cross(v.angular_a, ra);
        }
        var total1 = old.x - row1.mass * dot(dv, t1);
        var total2 = old.y - row2.mass * dot(dv, t2);
        let limit = friction * anchor_b.w;
        let length_sq = total1 * total1 + total2 * total2;
        if length_sq > limit * limit {
            let scale = limit / sqrt(length_sq);
            total1 *= scale;
            total2 *= scale;
        }
        apply_impulse(&v, a_moves, t1, row1, total1 - old.x);
        apply_impulse(&v, a_moves, t2, row2, total2 - old.y);
        (*p).tangent_impulse = vec4f(total1, total2, 0.0, 0.0);
    }
    store_pair(a, b, a_moves, v);
}

// The approach speed at which a point `gap` apart, approaching at `approach`, reaches its
// surface under the closing acceleration `acceleration`: √(u² + 2as); `approach` when touching.
fn impact_speed(approach: f32, gap: f32, acceleration: f32) -> f32 {
    if gap <= 0.0 {
        return max(approach, 0.0);
    }
    return sqrt(max(approach * approach + 2.0 * acceleration * gap, 0.0));
}

// The impact pass over slot `slot` (contact_solver.rs `collide_impacts`): the points that touch,
// have not pushed yet this step, and approach at or above `threshold` collide together, parting
// at e times that speed, by impulses kept apart from the accumulated ones. Returns whether any
// point collided.
fn collide_constraint_impacts(slot: u32, threshold: f32) -> bool {
    let c = &constraints[slot];
    let e = (*c).tangent1.w;
    if e == 0.0 {
        return false;
    }
    let ids = (*c).bodies;
    let n = (*c).normal.xyz;
    // Rare (restitution on, fast impacts only): A read whatever it is, as on the CPU.
    var v = load_pair(ids.x, ids.y, true);
    let motion_a = body_motion(ids.x);
    let motion_b = body_motion(ids.y);
    // Each colliding point's parting speed; negative: the point does not collide.
    var targets = vec4f(-1.0);
    var colliding = 0u;
    for (var i = 0u; i < ids.z; i++) {
        let p = &(*c).points[i];
        let moved = displacement_of(motion_b, (*p).curvature_b.xyz)
            - displacement_of(motion_a, (*p).curvature_a.xyz);
        let touching = (*p).anchor_a.w + dot(n, moved) <= TOUCHING_GAP;
        let arrived = (*p).curvature_a.w > 0.0;
        let row = impulse_row(v, (*p).anchor_a.xyz, (*p).anchor_b.xyz, n);
        let approach = -row_velocity(v, true, n, row);
        if touching && !arrived && approach >= threshold && approach > 0.0 {
            targets[i] = e * approach;
            colliding++;
            // It has had its bounce: not again after the substeps.
            (*p).curvature_b.w = 0.0;
        }
    }
    if colliding == 0u {
        return false;
    }
    // One point collides exactly at once; several are iterated together.
    let iterations = select(IMPACT_ITERATIONS, 1u, colliding == 1u);
    var impulses = vec4f(0.0);
    for (var k = 0u; k < iterations; k++) {
        for (var i = 0u; i < ids.z; i++) {
            if targets[i] < 0.0 {
                continue;
            }
            let p = &(*c).points[i];
            let row = impulse_row(v, (*p).anchor_a.xyz, (*p).anchor_b.xyz, n);
            let vn = row_velocity(v, true, n, row);
            let total = max(impulses[i] - row.mass * (vn - targets[i]), 0.0);
            apply_impulse(&v, true, n, row, total - impulses[i]);
            impulses[i] = total;
        }
    }
    store_pair(ids.x, ids.y, ids.w != 0u, v);
    return any(impulses > vec4f(0.0));
}

// After the substeps: points that reached their surface this step at or above the threshold and
// pushed leave with e times their speed at impact.
fn restitute_constraint(slot: u32) {
    let c = &constraints[slot];
    let e = (*c).tangent1.w;
    if e == 0.0 {
        return;
    }
    let ids = (*c).bodies;
    let a_moves = ids.w != 0u;
    let n = (*c).normal.xyz;
    // Rare (restitution on, fast impacts only): A read whatever it is, as on the CPU.
    var v = load_pair(ids.x, ids.y, true);
    for (var i = 0u; i < ids.z; i++) {
        let p = &(*c).points[i];
        let speed = (*p).curvature_b.w;
        if speed < params.restitution_threshold || speed == 0.0 || (*p).curvature_a.w == 0.0 {
            continue;
        }
        let anchor_b = (*p).anchor_b;
        let row = impulse_row(v, (*p).anchor_a.xyz, anchor_b.xyz, n);
        let vn = row_velocity(v, true, n, row);
        let old = anchor_b.w;
        let total = max(old - row.mass * (vn - e * speed), 0.0);
        apply_impulse(&v, true, n, row, total - old);
        (*p).anchor_b.w = total;
    }
    store_pair(ids.x, ids.y, a_moves, v);
}

// Slot `slot`'s impulses, as next step's warm-start memory.
fn cached_manifold(slot: u32) -> CachedManifold {
    let c = &constraints[slot];
    var m: CachedManifold;
    m.key = (*c).key;
    m.count = (*c).bodies.z;
    m.normal = (*c).normal.xyz;
    let t1 = (*c).tangent1.xyz;
    let t2 = (*c).tangent2.xyz;
    for (var i = 0u; i < m.count; i++) {
        let p = &(*c).points[i];
        let local = (*p).local_anchor_a;
        let tangent_impulse = (*p).tangent_impulse;
        m.points[i] = CachedPoint(
            local.xyz,
            bitcast<u32>(local.w),
            t1 * tangent_impulse.x + t2 * tangent_impulse.y,
            (*p).anchor_b.w,
        );
    }
    return m;
}
