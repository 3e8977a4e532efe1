// The rows of a compound joint (compound_rows.rs; core compound_joint.rs): a body's several
// hinges and slides to one parent, members j0, j0 + 1, ... of the scene's joints. The first
// member (the leader) tracks every member's q by one Gauss–Newton step on the pose error,
// holds the structural rows (an orthonormal basis of the relative twists no axis spans) and
// hands each member its dual row d_k = S (SᵀS)⁻¹ e_k, along which its drive acts alone.
// Frames here have their origins at the bodies' centres of mass. One lane per compound.
//!include joint_scratch.wgsl

const MAX_AXES: u32 = 6u;

struct CompoundJacobian {
    // Each axis' relative twist per unit q̇ (linear velocity at the reference point, angular
    // velocity), then the pose error, in the parent's frame.
    columns: array<array<f32, 6>, 6>,
    error: array<f32, 6>,
}

fn compound_count(j0: u32) -> u32 {
    return world_scenes[scene_world].joints[j0].compound.x;
}

fn is_compound_member(j: u32) -> bool {
    return (world_scenes[scene_world].joints[j].ids.w & JOINT_COMPOUND) != 0u;
}

fn is_compound_leader(j: u32) -> bool {
    return compound_count(j) > 0u;
}

fn six(linear: vec3f, angular: vec3f) -> array<f32, 6> {
    return array<f32, 6>(linear.x, linear.y, linear.z, angular.x, angular.y, angular.z);
}

// (Arrays passed by value are copied into variables before dynamic indexing: naga's SPIR-V
// output cannot index a value array by a loop variable.)
fn dot6(a: array<f32, 6>, b: array<f32, 6>) -> f32 {
    var x = a;
    var y = b;
    var s = 0.0;
    for (var i = 0u; i < 6u; i++) {
        s += x[i] * y[i];
    }
    return s;
}

// Member m's axis in the child's frame.
fn member_direction(m: u32) -> vec3f {
    return quat_rotate(world_scenes[scene_world].joints[m].frame_b, vec3f(1.0, 0.0, 0.0));
}

// G_k(q): member m's motion by q in the child's frame (core `CompoundAxis::motion`).
fn member_motion(m: u32, q: f32) -> Pose {
    let t = world_scenes[scene_world].joints[m];
    let d = member_direction(m);
    if t.ids.z == JOINT_PRISMATIC {
        return Pose(d * q, vec4f(0.0, 0.0, 0.0, 1.0));
    }
    let turn = vec4f(d * sin(0.5 * q), cos(0.5 * q));
    let anchor = t.anchor_b.xyz;
    return Pose(anchor - quat_rotate(turn, anchor), turn);
}

fn compose_normalized(parent: Pose, child: Pose) -> Pose {
    let p = pose_compose(parent, child);
    return Pose(p.position, normalize(p.orientation));
}

// The child's frame in the parent's, now.
fn compound_relative(j0: u32) -> Pose {
    let ids = world_scenes[scene_world].joints[j0].ids;
    let qa = body_orientation[ids.x];
    let inverse = quat_conjugate(qa);
    return Pose(
        quat_rotate(inverse, body_center[ids.y] - body_center[ids.x]),
        normalize(quat_mul(inverse, body_orientation[ids.y])),
    );
}

// The axes' twists and the pose error at q, for the child at `relative`
// (core `CompoundJoint::jacobian`).
fn compound_jacobian(j0: u32, relative: Pose, q_in: array<f32, 6>) -> CompoundJacobian {
    var q = q_in;
    var out: CompoundJacobian;
    let t0 = world_scenes[scene_world].joints[j0];
    let n = t0.compound.x;
    let reference = t0.anchor_b.xyz;
    let point = pose_transform_point(relative, reference);
    var carried = Pose(t0.rest[0].xyz, t0.rest[1]);
    for (var k = 0u; k < n; k++) {
        let m = j0 + k;
        let direction = quat_rotate(carried.orientation, member_direction(m));
        var linear = direction;
        var angular = vec3f(0.0);
        if world_scenes[scene_world].joints[m].ids.z == JOINT_REVOLUTE {
            let anchor = pose_transform_point(carried, world_scenes[scene_world].joints[m].anchor_b.xyz);
            linear = cross(direction, point - anchor);
            angular = direction;
        }
        out.columns[k] = six(linear, angular);
        carried = compose_normalized(carried, member_motion(m, q[k]));
    }
    var turn = quat_mul(relative.orientation, quat_conjugate(carried.orientation));
    if turn.w < 0.0 {
        turn = -turn;
    }
    out.error = six(point - pose_transform_point(carried, reference), 2.0 * turn.xyz);
    return out;
}

// (SᵀS)⁻¹ rhs for the first n columns, slightly regularised (core `gram_solve`; Cholesky, a
// pivot that is not positive leaves its unknown at zero).
fn gram_solve(columns: ptr<function, array<array<f32, 6>, 6>>, n: u32, rhs: array<f32, 6>) -> array<f32, 6> {
    var a: array<array<f32, 6>, 6>;
    for (var i = 0u; i < n; i++) {
        for (var j = 0u; j < n; j++) {
            a[i][j] = dot6((*columns)[i], (*columns)[j]);
        }
        a[i][i] *= 1.0 + 1e-6;
    }
    for (var j = 0u; j < n; j++) {
        var d = a[j][j];
        for (var k = 0u; k < j; k++) {
            d -= a[j][k] * a[j][k];
        }
        d = select(0.0, sqrt(max(d, 0.0)), d > 0.0);
        a[j][j] = d;
        for (var i = j + 1u; i < n; i++) {
            var s = a[i][j];
            for (var k = 0u; k < j; k++) {
                s -= a[i][k] * a[j][k];
            }
            a[i][j] = select(0.0, s / d, d > 0.0);
        }
    }
    var x = rhs;
    for (var i = 0u; i < n; i++) {
        var s = x[i];
        for (var k = 0u; k < i; k++) {
            s -= a[i][k] * x[k];
        }
        x[i] = select(0.0, s / a[i][i], a[i][i] > 0.0);
    }
    for (var ii = n; ii > 0u; ii--) {
        let i = ii - 1u;
        var s = x[i];
        for (var k = i + 1u; k < n; k++) {
            s -= a[k][i] * x[k];
        }
        x[i] = select(0.0, s / a[i][i], a[i][i] > 0.0);
    }
    return x;
}

// A functional (linear part at the point with arms ra, rb, then angular part) as a row.
fn functional_row(f: array<f32, 6>, ra: vec3f, rb: vec3f) -> JointRow {
    let l = vec3f(f[0], f[1], f[2]);
    let w = vec3f(f[3], f[4], f[5]);
    return JointRow(l, -cross(ra, l) - w, cross(rb, l) + w, 0.0, true);
}

// A row's functional back (rb: the arm it was made with).
fn row_functional(row: JointRow, rb: vec3f) -> array<f32, 6> {
    return six(row.linear, row.angular_b - cross(rb, row.linear));
}

fn rotate6(q: vec4f, v: array<f32, 6>) -> array<f32, 6> {
    return six(quat_rotate(q, vec3f(v[0], v[1], v[2])), quat_rotate(q, vec3f(v[3], v[4], v[5])));
}

// v less its parts along the first `count` (orthonormal) vectors of `basis`.
fn orthogonalised(v: array<f32, 6>, basis: ptr<function, array<array<f32, 6>, 6>>, count: u32) -> array<f32, 6> {
    var out = v;
    for (var b = 0u; b < count; b++) {
        let along = dot6(out, (*basis)[b]);
        for (var i = 0u; i < 6u; i++) {
            out[i] -= along * (*basis)[b][i];
        }
    }
    return out;
}

// Tracks the compound led by j0 to where its bodies are and rebuilds every member's rows:
// the leader's structural rows (after its coupling row), each member's dual row, q and
// coupling row; at the step's start also the rotors' speeds and the warm-start impulses.
fn refresh_compound(world: u32, j0: u32, step_start: bool) {
    let t0 = world_scenes[scene_world].joints[j0];
    let n = t0.compound.x;
    let a = t0.ids.x;
    let b = t0.ids.y;
    var q: array<f32, 6>;
    for (var k = 0u; k < n; k++) {
        q[k] = joint_scratch[joint_world].joints[j0 + k].angle;
    }
    let relative = compound_relative(j0);
    var jacobian = compound_jacobian(j0, relative, q);
    var rhs: array<f32, 6>;
    for (var k = 0u; k < n; k++) {
        rhs[k] = dot6(jacobian.columns[k], jacobian.error);
    }
    // (A pointer to a struct member as an argument trips naga's SPIR-V output: copy first.)
    var tracked_columns = jacobian.columns;
    var step = gram_solve(&tracked_columns, n, rhs);
    for (var k = 0u; k < n; k++) {
        q[k] += step[k];
    }
    jacobian = compound_jacobian(j0, relative, q);
    var columns: array<array<f32, 6>, 6>;
    for (var k = 0u; k < n; k++) {
        columns[k] = rotate6(body_orientation[a], jacobian.columns[k]);
    }
    let point = body_center[b] + quat_rotate(body_orientation[b], t0.anchor_b.xyz);
    let ra = point - body_center[a];
    let rb = point - body_center[b];
    let v = load_pair(a, b, true);
    // Each member's dual row, q and coupling row.
    for (var k = 0u; k < n; k++) {
        var unit: array<f32, 6>;
        unit[k] = 1.0;
        var g = gram_solve(&columns, n, unit);
        var dual: array<f32, 6>;
        for (var c = 0u; c < n; c++) {
            for (var i = 0u; i < 6u; i++) {
                dual[i] += columns[c][i] * g[c];
            }
        }
        let m = j0 + k;
        let row = functional_row(dual, ra, rb);
        let w = &joint_scratch[joint_world].joints[m];
        (*w).axial = StoredRow(row.linear, 0.0, row.angular_a, 1u, row.angular_b);
        (*w).angle = q[k];
        (*w).current_arm_a = ra;
        (*w).current_arm_b = rb;
        (*w).current_axis = vec3f(columns[k][3], columns[k][4], columns[k][5]);
        (*w).twist_linear = vec3f(columns[k][0], columns[k][1], columns[k][2]);
        if step_start {
            (*w).rotor_velocity = joint_row_velocity(row, v, 0.0);
        }
        var count = 0u;
        if world_scenes[scene_world].joints[m].range_damping.w > 0.0 {
            store_row(m, 0u, coupling_row(row));
            count = 1u;
            if step_start {
                (*w).row_impulses[0] = body_state[joint_impulse_index(world, m, 0u)].w;
            }
        }
        (*w).row_count = count;
    }
    // The leader's structural rows: the complement of the columns.
    var basis: array<array<f32, 6>, 6>;
    var spanned = 0u;
    for (var k = 0u; k < n; k++) {
        let r = orthogonalised(columns[k], &basis, spanned);
        let norm = sqrt(dot6(r, r));
        if norm > 1e-6 {
            for (var i = 0u; i < 6u; i++) {
                basis[spanned][i] = r[i] / norm;
            }
            spanned++;
        }
    }
    let w0 = &joint_scratch[joint_world].joints[j0];
    var row_count = (*w0).row_count;
    let first = row_count;
    for (var found = spanned; found < 6u; found++) {
        var best: array<f32, 6>;
        var best_norm = 0.0;
        for (var i = 0u; i < 6u; i++) {
            var e: array<f32, 6>;
            e[i] = 1.0;
            let r = orthogonalised(e, &basis, found);
            let norm = sqrt(dot6(r, r));
            if norm > best_norm {
                best = r;
                best_norm = norm;
            }
        }
        for (var i = 0u; i < 6u; i++) {
            basis[found][i] = best[i] / best_norm;
        }
        if row_count < MAX_ROWS {
            store_row(j0, row_count, functional_row(basis[found], ra, rb));
            row_count++;
        }
    }
    (*w0).row_count = row_count;
    if step_start {
        // The last step's structural wrench, projected on this step's orthonormal rows.
        let force = body_state[joint_impulse_index(world, j0, 0u)].xyz;
        let torque = body_state[joint_impulse_index(world, j0, 1u)].xyz;
        let wrench = six(force, torque);
        for (var r = first; r < row_count; r++) {
            (*w0).row_impulses[r] = dot6(row_functional(stored_row(j0, r), rb), wrench);
        }
    }
}

// The leader's structural rows' position errors, now (q as last tracked), into `row_errors`.
fn compute_compound_errors(j0: u32) {
    let n = compound_count(j0);
    var q: array<f32, 6>;
    for (var k = 0u; k < n; k++) {
        q[k] = joint_scratch[joint_world].joints[j0 + k].angle;
    }
    let a = world_scenes[scene_world].joints[j0].ids.x;
    let error = rotate6(body_orientation[a], compound_jacobian(j0, compound_relative(j0), q).error);
    let w = &joint_scratch[joint_world].joints[j0];
    let rb = (*w).current_arm_b;
    for (var r = 0u; r < (*w).row_count; r++) {
        let row = stored_row(j0, r);
        (*w).row_errors[r] = select(dot6(row_functional(row, rb), error), 0.0, row.rotor != 0.0);
    }
}

// The leader's structural impulses as one world wrench (force, torque at the reference
// point), for the next step.
fn compound_wrench(j0: u32) -> array<vec3f, 2> {
    let w = &joint_scratch[joint_world].joints[j0];
    let rb = (*w).current_arm_b;
    var force = vec3f(0.0);
    var torque = vec3f(0.0);
    for (var r = 0u; r < (*w).row_count; r++) {
        let row = stored_row(j0, r);
        if row.rotor == 0.0 {
            let f = row_functional(row, rb);
            force += vec3f(f[0], f[1], f[2]) * (*w).row_impulses[r];
            torque += vec3f(f[3], f[4], f[5]) * (*w).row_impulses[r];
        }
    }
    return array<vec3f, 2>(force, torque);
}
