// The structural rows of all joints that form trees, solved together and exactly in every
// pass (articulation_solver.rs; Baraff, "Linear-Time Dynamics using Lagrange Multipliers",
// SIGGRAPH 1996). Bodies, joints and armature rotors are the nodes of the sparse symmetric
// system
//
//   [ M   −Jᵀ ] [Δv]   [     0      ]
//   [ −J   0  ] [Δλ] = [ J v + bias ]
//
// whose graph is a forest: eliminated leaves first (the node list has parents before
// children) it factors with no fill-in into one small dense block per node. Bodies' pivots
// stay positive definite (articulated inertias), joints' negative definite.
//
// Every node is a 6×6 block (small_matrix.wgsl): a body's 6 degrees of freedom, a joint's rows
// padded with −1 on the unused diagonal. An armature rotor, a leaf under its joint on the
// CPU, is folded into the joint's pivot here: eliminating it adds −rᵀ r / armature, r the
// rows' rotor coefficients. One lane runs it, without loops over the blocks' entries.
//!include joint_scratch.wgsl
//!include joint_drive.wgsl
//!include joint_solver.wgsl

fn is_leaf_body(ids: vec4u) -> bool {
    return ids.x == NODE_BODY && ids.w == 0u;
}

// The block H between node i and its parent: −Jᵀ for a body under a joint, −J for a joint
// under a body (J the joint's Jacobian block for that body).
fn coupling_block(ids: vec4u, parent: vec4u) -> Block6 {
    if ids.x == NODE_BODY {
        let j = parent.y;
        let side_b = world_scenes[scene_world].joints[j].ids.y == ids.y;
        return block_scale(block_transpose(jacobian_block(j, side_b)), -1.0);
    }
    let j = ids.y;
    let side_b = world_scenes[scene_world].joints[j].ids.y == parent.y;
    return block_scale(jacobian_block(j, side_b), -1.0);
}

// Node i's own block before eliminations: a body's mass (m, and its world inertia), zero for a
// joint's rows (its padding −1) less its rotor's share.
fn initial_pivot(ids: vec4u) -> Block6 {
    if ids.x == NODE_BODY {
        let zero = mat3x3f();
        let b = ids.y;
        return Block6(mat3_diagonal(vec3f(1.0 / body_inverse_mass[b])), zero, zero, mat3_inverse(body_inverse_inertia[b]));
    }
    let j = ids.y;
    var d = row_padding(j, -1.0);
    let armature = world_scenes[scene_world].joints[j].range_damping.w;
    if armature > 0.0 {
        d = block_sub(d, block_scale(block_outer(rotor_column(j)), 1.0 / armature));
    }
    return d;
}

// D⁻¹ h for node i: its factor, or a leaf body's plain inverse mass.
fn pivot_solve_block(i: u32, ids: vec4u, h: Block6) -> Block6 {
    if is_leaf_body(ids) {
        let b = ids.y;
        return block_mul(inverse_mass_block(body_inverse_mass[b], body_inverse_inertia[b]), h);
    }
    let sign = select(1.0, -1.0, ids.x == NODE_JOINT);
    return factor_solve_block(joint_scratch[joint_world].nodes[i].factor, sign, h);
}

fn pivot_solve(i: u32, ids: vec4u, x: Vec6) -> Vec6 {
    if is_leaf_body(ids) {
        let b = ids.y;
        return Vec6(x.top * body_inverse_mass[b], body_inverse_inertia[b] * x.bottom);
    }
    let sign = select(1.0, -1.0, ids.x == NODE_JOINT);
    return factor_solve(joint_scratch[joint_world].nodes[i].factor, sign, x);
}

// How body b (`on_b`: joint j's B) moves per unit q̇ of joint j's axis: its centre of mass's
// linear velocity and its angular velocity, where the rows were last refreshed.
fn axis_motion(j: u32, on_b: bool) -> Vec6 {
    let t = world_scenes[scene_world].joints[j];
    let w = &joint_scratch[joint_world].joints[j];
    let axis = (*w).current_axis;
    let arm = select((*w).current_arm_a, (*w).current_arm_b, on_b);
    if (t.ids.w & JOINT_COMPOUND) != 0u {
        // The axis' twist at the reference point, carried to the body's centre.
        return Vec6((*w).twist_linear - cross(axis, arm), axis);
    }
    if t.ids.z == JOINT_REVOLUTE {
        return Vec6(cross(arm, axis), axis);
    }
    return Vec6(axis, vec3f(0.0));
}

// xᵀ Iᴬ y, with Iᴬ the inertia of body node i with its subtree eliminated (its pivot, read
// before it is factored), and x, y motions of it: Featherstone's Sᵀ Iᴬ S for x = y = S.
fn articulated_product(i: u32, ids: vec4u, x: Vec6, y: Vec6) -> f32 {
    if is_leaf_body(ids) {
        let b = ids.y;
        return dot(x.top, y.top) / body_inverse_mass[b]
            + dot(x.bottom, mat3_inverse(body_inverse_inertia[b]) * y.bottom);
    }
    return vec6_dot(x, block_mul_vec(joint_scratch[joint_world].nodes[i].pivot, y));
}

// The drives of joint j (and of the other members of a compound it leads) take their
// effective masses from the subtree under it, body node i (articulation_solver.rs
// `subtree_masses`): with H = Sᵀ Iᴬ S over the members' axis motions S, axis k's mass is
// 1 / (H⁻¹)ₖₖ (the others free); a single axis' is Sᵀ Iᴬ S itself.
fn record_subtree_mass(i: u32, ids: vec4u, j: u32) {
    let t = world_scenes[scene_world].joints[j];
    let compound = (t.ids.w & JOINT_COMPOUND) != 0u;
    let n = max(compound_count(j), 1u);
    var needed = false;
    for (var k = 0u; k < n; k++) {
        needed = needed || drive_needs_mass(j + k);
    }
    if !needed || !is_single_axis(t.ids.z)
        || (!compound && joint_scratch[joint_world].joints[j].row_count == 0u) {
        return;
    }
    let on_b = t.ids.y == ids.y;
    var motions: array<Vec6, 6>;
    for (var k = 0u; k < n; k++) {
        motions[k] = axis_motion(j + k, on_b);
    }
    // H and its inverse by Gauss–Jordan elimination with partial pivoting (n ≤ 6).
    var a: array<array<f32, 6>, 6>;
    var inverse: array<array<f32, 6>, 6>;
    // (The CPU's 6×6 is padded with ones on its unused diagonal: the same threshold.)
    var scale = select(0.0, 1.0, n < 6u);
    for (var r = 0u; r < n; r++) {
        for (var c = 0u; c < n; c++) {
            a[r][c] = articulated_product(i, ids, motions[r], motions[c]);
        }
        inverse[r][r] = 1.0;
        scale = max(scale, abs(a[r][r]));
    }
    for (var c = 0u; c < n; c++) {
        var pivot = c;
        for (var r = c + 1u; r < n; r++) {
            if abs(a[r][c]) > abs(a[pivot][c]) {
                pivot = r;
            }
        }
        if !(abs(a[pivot][c]) > 1e-12 * scale) {
            return;
        }
        let row_a = a[c];
        a[c] = a[pivot];
        a[pivot] = row_a;
        let row_inverse = inverse[c];
        inverse[c] = inverse[pivot];
        inverse[pivot] = row_inverse;
        let p = 1.0 / a[c][c];
        for (var k = 0u; k < n; k++) {
            a[c][k] *= p;
            inverse[c][k] *= p;
        }
        for (var r = 0u; r < n; r++) {
            if r != c {
                let f = a[r][c];
                for (var k = 0u; k < n; k++) {
                    a[r][k] -= f * a[c][k];
                    inverse[r][k] -= f * inverse[c][k];
                }
            }
        }
    }
    for (var k = 0u; k < n; k++) {
        let m = j + k;
        let w = &joint_scratch[joint_world].joints[m];
        if !drive_needs_mass(m) || inverse[k][k] <= 0.0 {
            continue;
        }
        (*w).subtree_is_b = select(0u, 1u, on_b);
        (*w).subtree_mass = 1.0 / inverse[k][k];
        // The other side: the free response of the body the drive pushes against.
        let row = joint_axial_row(m);
        let other = select(t.ids.y, t.ids.x, on_b);
        let angular = select(row.angular_b, row.angular_a, on_b);
        (*w).counterpart_response = body_inverse_mass[other] * dot(row.linear, row.linear)
            + dot(angular, body_inverse_inertia[other] * angular);
    }
}

fn clear_subtree_masses() {
    for (var j = 0u; j < params.joint_count; j++) {
        joint_scratch[joint_world].joints[j].subtree_mass = 0.0;
    }
}

// Factors the trees' system for the joints' current rows, and records the drives' subtree
// masses. False when a block is singular (every tree joint is then solved on its own this
// substep, and the drives use free responses).
fn factor_tree() -> bool {
    clear_subtree_masses();
    let nodes = &joint_scratch[joint_world].nodes;
    for (var i = 0u; i < params.tree_node_count; i++) {
        let ids = articulation.nodes[i].ids;
        if !is_leaf_body(ids) {
            (*nodes)[i].pivot = initial_pivot(ids);
        }
    }
    // Children before parents: each node's pivot has all its children's eliminations.
    for (var ii = params.tree_node_count; ii > 0u; ii--) {
        let i = ii - 1u;
        let ids = articulation.nodes[i].ids;
        let has_parent = ids.z != NO_PARENT;
        var parent = vec4u(0u);
        if has_parent {
            parent = articulation.nodes[ids.z].ids;
        }
        if ids.x == NODE_BODY && has_parent && parent.x == NODE_JOINT {
            record_subtree_mass(i, ids, parent.y);
        }
        if !is_leaf_body(ids) {
            let factored = factor_block((*nodes)[i].pivot, select(1.0, -1.0, ids.x == NODE_JOINT));
            if !factored.ok {
                clear_subtree_masses();
                return false;
            }
            (*nodes)[i].factor = factored.factor;
        }
        if has_parent {
            // L = D⁻¹ H; the parent's pivot loses Hᵀ L.
            let h = coupling_block(ids, parent);
            let link = pivot_solve_block(i, ids, h);
            (*nodes)[i].link = link;
            (*nodes)[ids.z].pivot = block_sub((*nodes)[ids.z].pivot, block_mul(block_transpose(h), link));
        }
    }
    return true;
}

// Solves the factored system for the nodes' `work` in place: forward (each node's right-hand
// side folded into its parent's), then back from the roots down.
fn substitute_tree() {
    let nodes = &joint_scratch[joint_world].nodes;
    for (var ii = params.tree_node_count; ii > 0u; ii--) {
        let i = ii - 1u;
        let p = articulation.nodes[i].ids.z;
        if p != NO_PARENT {
            (*nodes)[p].work = vec6_sub((*nodes)[p].work, block_transpose_mul_vec((*nodes)[i].link, (*nodes)[i].work));
        }
    }
    for (var i = 0u; i < params.tree_node_count; i++) {
        let ids = articulation.nodes[i].ids;
        var x = pivot_solve(i, ids, (*nodes)[i].work);
        if ids.z != NO_PARENT {
            x = vec6_sub(x, block_mul_vec((*nodes)[i].link, (*nodes)[ids.z].work));
        }
        (*nodes)[i].work = x;
    }
}

// Every tree joint's rows to their target, exactly: zero relative velocity, minus the bias
// rate × the row's position error (Baumgarte) on structural rows in the biased pass; the
// impulses found are accumulated and applied. (Rigid, not softened per row: per-row softening
// breaks the coupled solution where a rotor ties rows together, and feeds energy into the
// rotors.)
fn solve_tree_velocities(use_bias: bool) {
    let nodes = &joint_scratch[joint_world].nodes;
    for (var i = 0u; i < params.tree_node_count; i++) {
        let ids = articulation.nodes[i].ids;
        var targets = Vec6(vec3f(0.0), vec3f(0.0));
        if ids.x == NODE_JOINT {
            targets = row_targets(ids.y, load_joint_pair(ids.y), use_bias);
        }
        (*nodes)[i].work = targets;
    }
    substitute_tree();
    for (var i = 0u; i < params.tree_node_count; i++) {
        let ids = articulation.nodes[i].ids;
        if ids.x != NODE_JOINT {
            continue;
        }
        let j = ids.y;
        let w = &joint_scratch[joint_world].joints[j];
        let lambda = (*nodes)[i].work;
        var v = load_joint_pair(j);
        for (var r = 0u; r < (*w).row_count; r++) {
            let x = vec6_at(lambda, r);
            (*w).row_impulses[r] += x;
            apply_joint_row(j, r, &v, x);
        }
        store_joint_pair(j, v);
    }
}
