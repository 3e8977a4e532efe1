//!include common.wgsl

// Narrow phase: plane (the half-space z ≤ 0 of its frame) against sphere, capsule, box and
// cylinder, the twin of crates/manyworlds-cpu/src/narrowphase/plane.rs. The normal is always
// the plane's outward normal: it points from the plane (A) into the other shape (B). The
// operations follow the Rust ones step by step so that both backends round alike and break
// ties alike.

// `q * Vec3::Z` computed as glam does (its SSE2 `Quat::mul_vec3` specialised to z:
// v (w² − |u|²) + 2 u (u·v) + 2w (u × v)) rather than with quat_rotate: the result is then
// bit-identical to the CPU's, and so are the depth ties of a box lying flat on a tilted plane.
fn plane_rotate_z(q: vec4f) -> vec3f {
    let s = q.w * q.w - ((q.x * q.x + q.y * q.y) + q.z * q.z);
    let z2 = q.z * 2.0;
    let w2 = q.w * 2.0;
    return vec3f(q.x * z2 + q.y * w2, q.y * z2 - q.x * w2, s + q.z * z2);
}

// f32::is_finite: WGSL has no isnan/isinf, and a compiler may assume NaN never occurs, so
// test the exponent bits.
fn plane_is_finite(x: f32) -> bool {
    return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

// The empty manifold (Rust's Manifold::EMPTY).
fn plane_empty() -> Manifold {
    return manifold_with_normal(vec3f(0.0, 0.0, 1.0));
}

// The Rust plane_frame's outward unit normal; its point on the surface is plane.position.
fn plane_normal(plane: Pose) -> vec3f {
    return plane_rotate_z(plane.orientation);
}

fn plane_sphere(plane: Pose, sphere: Pose, radius: f32, margin: f32) -> Manifold {
    let n = plane_normal(plane);
    let height = dot(n, sphere.position - plane.position);
    let separation = height - radius;
    if separation > margin || !plane_is_finite(separation) {
        return plane_empty();
    }
    var m = manifold_with_normal(n);
    // Midway between the sphere's lowest point and its foot on the plane.
    manifold_push(&m, sphere.position - n * (0.5 * (height + radius)), separation, 0u);
    return m;
}

fn plane_capsule(plane: Pose, capsule: Pose, half_length: f32, radius: f32, margin: f32) -> Manifold {
    let n = plane_normal(plane);
    let axis = plane_rotate_z(capsule.orientation);
    let slope = dot(axis, n);
    var m = manifold_with_normal(n);
    for (var feature = 0u; feature < 2u; feature++) {
        // Each end of the segment is a sphere (feature 0 the −z end). Both count when the
        // capsule lies flat; else only the lower one, as does a zero length.
        var keep = feature == 0u;
        if half_length > 0.0 {
            keep = abs(slope) < FLAT_SIN || ((feature == 0u) == (slope >= 0.0));
        }
        if !keep {
            continue;
        }
        let sign = select(-1.0, 1.0, feature == 1u);
        let end = capsule.position + axis * (sign * half_length);
        let height = dot(n, end - plane.position);
        let separation = height - radius;
        if separation <= margin {
            manifold_push(&m, end - n * (0.5 * (height + radius)), separation, feature);
        }
    }
    return m;
}

// Mirrors plane::plane_cylinder: the cylinder's rim points deepest below the plane, the
// lowest rim point of the lower cap (of both caps when it lies on its side; feature
// 8 + cap). Standing on a face (tilted by less than FLAT_SIN), four rim points of that cap at
// fixed angles instead (features 4·cap + k): symmetric, they hold it flat.
fn plane_cylinder(plane: Pose, cylinder: Pose, half_length: f32, radius: f32, margin: f32) -> Manifold {
    let n = plane_normal(plane);
    let axes = quat_to_mat3(cylinder.orientation);
    let c = dot(axes[2], n);
    // The rim's lowest direction in the cap plane: against the normal's part across the axis.
    let across = n - axes[2] * c;
    let tilt = length(across);
    let lower = select(0u, 1u, c < 0.0);
    let cap_sign = array<f32, 2>(-1.0, 1.0);
    var m = manifold_with_normal(n);
    if tilt >= FLAT_SIN {
        let down = -across / tilt * radius;
        for (var cap = 0u; cap < 2u; cap++) {
            // Both caps lying flat on the side, else the lower one only.
            if cap == lower || abs(c) < FLAT_SIN {
                let p = cylinder.position + axes[2] * (half_length * cap_sign[cap]) + down;
                plane_cylinder_point(&m, p, n, plane.position, margin, 8u + cap);
            }
        }
    } else {
        let centre = cylinder.position + axes[2] * (half_length * cap_sign[lower]);
        let rim = array<vec3f, 4>(axes[0], axes[1], -axes[0], -axes[1]);
        for (var j = 0u; j < 4u; j++) {
            plane_cylinder_point(&m, centre + rim[j] * radius, n, plane.position, margin, 4u * lower + j);
        }
    }
    return m;
}

// A rim point p of plane_cylinder within the margin: its contact midway to its foot.
fn plane_cylinder_point(m: ptr<function, Manifold>, p: vec3f, n: vec3f, origin: vec3f, margin: f32, feature: u32) {
    let depth = dot(n, p - origin);
    if depth <= margin && plane_is_finite(depth) {
        manifold_push(m, p - n * (0.5 * depth), depth, feature);
    }
}

// Box vertex i: local coordinates (±x, ±y, ±z) with bit 0, 1, 2 of i set for +, summed in
// the Rust order. Recomputed when needed rather than stored, to keep the kernel's arrays small.
fn plane_box_vertex(center: vec3f, half_axes: mat3x3f, i: u32) -> vec3f {
    let sx = select(-1.0, 1.0, (i & 1u) != 0u);
    let sy = select(-1.0, 1.0, (i & 2u) != 0u);
    let sz = select(-1.0, 1.0, (i & 4u) != 0u);
    return center + sx * half_axes[0] + sy * half_axes[1] + sz * half_axes[2];
}

fn plane_box(plane: Pose, cuboid: Pose, half: vec3f, margin: f32) -> Manifold {
    let n = plane_normal(plane);
    // A vertex's height is the centre's plus ± each half-axis projected on the normal, so
    // the box axes are projected once and the eight heights are sums.
    let axes = quat_to_mat3(cuboid.orientation);
    let half_axes = mat3x3f(axes[0] * half.x, axes[1] * half.y, axes[2] * half.z);
    let reach = vec3f(dot(n, half_axes[0]), dot(n, half_axes[1]), dot(n, half_axes[2]));
    let center_height = dot(n, cuboid.position - plane.position);
    // Vertices within the margin, by id, kept sorted deepest first (insertion sort, stable:
    // equal depths stay in id order).
    var depth: array<f32, 8>;
    var id: array<u32, 8>;
    var k = 0u;
    for (var i = 0u; i < 8u; i++) {
        let sx = select(-1.0, 1.0, (i & 1u) != 0u);
        let sy = select(-1.0, 1.0, (i & 2u) != 0u);
        let sz = select(-1.0, 1.0, (i & 4u) != 0u);
        let d = center_height + sx * reach.x + sy * reach.y + sz * reach.z;
        if d > margin || !plane_is_finite(d) {
            continue;
        }
        var j = k;
        while j > 0u && depth[j - 1u] > d {
            depth[j] = depth[j - 1u];
            id[j] = id[j - 1u];
            j -= 1u;
        }
        depth[j] = d;
        id[j] = i;
        k += 1u;
    }

    // Indices into the sorted list of the points to keep.
    var keep = array<u32, 4>(0u, 1u, 2u, 3u);
    var kept = k;
    if k > MAX_POINTS {
        kept = plane_reduce_to_four(cuboid.position, half_axes, &id, k, n, &keep);
    }
    var m = manifold_with_normal(n);
    for (var s = 0u; s < kept; s++) {
        let i = keep[s];
        // Midway between the vertex and its foot on the plane.
        let v = plane_box_vertex(cuboid.position, half_axes, id[i]);
        manifold_push(&m, v - n * (0.5 * depth[i]), depth[i], id[i]);
    }
    return m;
}

// Twice the signed area of triangle (u, v, w) seen from +n.
fn plane_area(n: vec3f, u: vec3f, v: vec3f, w: vec3f) -> f32 {
    return dot(n, cross(v - u, w - u));
}

// Picks up to four well-spread points of the k box vertices `ids` (sorted deepest first) as
// seen along n: the deepest, the farthest from it, the one making the largest triangle with
// those two, and the one adding the most area outside that triangle. Writes their indices
// into `keep` and returns how many it kept. Each pick is an argmax in which a score must
// beat the best by a relative 1e-3 (and 1e-12), so near-ties go to the earlier (deeper)
// point: a thin box's stacked vertices project onto each other and the lower one must win.
fn plane_reduce_to_four(
    center: vec3f,
    half_axes: mat3x3f,
    ids: ptr<function, array<u32, 8>>,
    k: u32,
    n: vec3f,
    keep: ptr<function, array<u32, 4>>,
) -> u32 {
    let a = plane_box_vertex(center, half_axes, (*ids)[0]);
    (*keep)[0] = 0u;
    var b = a;
    var c = a;
    // Pick 1: farthest from a; pick 2: largest triangle with a, b; pick 3: most area added.
    for (var pick = 1u; pick < 4u; pick++) {
        var best = 0.0;
        var found = false;
        for (var i = 0u; i < k; i++) {
            let score = reduce_score(pick, n, a, b, c, plane_box_vertex(center, half_axes, (*ids)[i]));
            if score > best * 1.001 + 1e-12 {
                best = score;
                (*keep)[pick] = i;
                found = true;
            }
        }
        if !found {
            return pick;
        }
        reduce_picked(pick, n, a, &b, &c, plane_box_vertex(center, half_axes, (*ids)[(*keep)[pick]]));
    }
    return 4u;
}

// Point p's score at pick 1, 2 or 3 of a reduction to four points seen along n, a, b and c
// the points picked so far.
fn reduce_score(pick: u32, n: vec3f, a: vec3f, b: vec3f, c: vec3f, p: vec3f) -> f32 {
    if pick == 1u {
        // Squared distance from a, projected on the plane.
        let d = p - a;
        let flat = d - n * dot(n, d);
        return dot(flat, flat);
    }
    if pick == 2u {
        return abs(plane_area(n, a, b, p));
    }
    // Triangle (a, b, c) is counter-clockwise about n: a point outside an edge adds the
    // triangle it makes with that edge.
    return max(-plane_area(n, a, b, p), 0.0) + max(-plane_area(n, b, c, p), 0.0)
        + max(-plane_area(n, c, a, p), 0.0);
}

// Records q, the point of `pick`: the second point, or the third with the triangle (a, b, c)
// oriented counter-clockwise about n.
fn reduce_picked(pick: u32, n: vec3f, a: vec3f, b: ptr<function, vec3f>, c: ptr<function, vec3f>, q: vec3f) {
    if pick == 1u {
        *b = q;
    } else if pick == 2u {
        if plane_area(n, a, *b, q) >= 0.0 {
            *c = q;
        } else {
            *c = *b;
            *b = q;
        }
    }
}
