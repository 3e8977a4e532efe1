//!include common.wgsl
//!include narrowphase_segment.wgsl

// Narrow phase: sphere against sphere, capsule, box and cylinder. Mirrors
// crates/manyworlds-cpu/src/narrowphase/sphere.rs.

// Below this distance (m) two centres count as coincident and a fallback normal is used.
const SPHERE_COINCIDENT: f32 = 1e-6;

// Largest finite f32: stands in for Rust's f32::INFINITY as a "nothing yet" bound.
const SPHERE_BIG: f32 = 3.40282347e38;

// f32::is_finite (false for ±inf and NaN).
fn sphere_is_finite(x: f32) -> bool {
    return abs(x) <= SPHERE_BIG;
}

// Mirrors sphere::ball_ball: one contact between the ball (ca, ra) and the ball (cb, rb);
// `fallback` (unit) is the A→B normal when the centres coincide.
fn ball_ball(
    ca: vec3f,
    ra: f32,
    cb: vec3f,
    rb: f32,
    margin: f32,
    feature: u32,
    fallback: vec3f,
) -> Manifold {
    let delta = cb - ca;
    let dist = length(delta);
    let separation = dist - ra - rb;
    if separation > margin || !sphere_is_finite(separation) {
        return manifold_with_normal(vec3f(0.0, 0.0, 1.0));
    }
    var normal = fallback;
    if dist > SPHERE_COINCIDENT {
        normal = delta / dist;
    }
    // Midway between A's surface point (ca + n ra) and B's (cb − n rb).
    var m = manifold_with_normal(normal);
    manifold_push(&m, 0.5 * ((ca + normal * ra) + (cb - normal * rb)), separation, feature);
    return m;
}

fn sphere_sphere(a: Pose, ra: f32, b: Pose, rb: f32, margin: f32) -> Manifold {
    return ball_ball(a.position, ra, b.position, rb, margin, 0u, vec3f(0.0, 0.0, 1.0));
}

fn sphere_capsule(a: Pose, radius: f32, b: Pose, half_length: f32, rb: f32, margin: f32) -> Manifold {
    let axis = quat_rotate(b.orientation, vec3f(0.0, 0.0, 1.0));
    let p0 = b.position - axis * half_length;
    let p1 = b.position + axis * half_length;
    let q = closest_point_segment(p0, p1, a.position).p;
    // A centre on the axis leaves sideways, perpendicular to the axis.
    let fallback = quat_rotate(b.orientation, vec3f(1.0, 0.0, 0.0));
    return ball_ball(a.position, radius, q, rb, margin, 0u, fallback);
}

fn sphere_box(a: Pose, radius: f32, b: Pose, half: vec3f, margin: f32) -> Manifold {
    // Box frame: the box is [-half, half].
    let c = pose_inverse_transform_point(b, a.position);
    let q = clamp(c, -half, half);
    let d = c - q;
    let dist = length(d);
    // `out`: unit normal leaving the box towards the sphere centre (box frame); `on_box`: the
    // box surface point; `separation` along `out`.
    var out: vec3f;
    var on_box: vec3f;
    var separation: f32;
    if dist > SPHERE_COINCIDENT {
        out = d / dist;
        on_box = q;
        separation = dist - radius;
    } else {
        // Centre inside (or on) the box: leave through the face of least penetration, the
        // first one found on ties (x before y before z, + before −).
        var axis = 2;
        var sign = 1.0;
        var depth = SPHERE_BIG;
        for (var i = 0; i < 3; i++) {
            let up = half[i] - c[i];
            let down = half[i] + c[i];
            if up < depth {
                depth = up;
                axis = i;
                sign = 1.0;
            }
            if down < depth {
                depth = down;
                axis = i;
                sign = -1.0;
            }
        }
        out = vec3f(0.0);
        out[axis] = sign;
        on_box = c;
        on_box[axis] = sign * half[axis];
        separation = -depth - radius;
    }
    if separation > margin || !sphere_is_finite(separation) {
        return manifold_with_normal(vec3f(0.0, 0.0, 1.0));
    }
    let on_sphere = c - out * radius;
    // The sphere is on the `out` side of the box: A→B (sphere→box) is −out.
    var m = manifold_with_normal(quat_rotate(b.orientation, -out));
    manifold_push(&m, pose_transform_point(b, 0.5 * (on_box + on_sphere)), separation, 0u);
    return m;
}

// Mirrors sphere::sphere_cylinder: sphere against the solid cylinder of `half_length` and
// `radius` about b's local z. The closest point of the cylinder to the centre (radial and
// axial coordinates clamped); a centre inside leaves through the nearest of the side and
// the two caps.
fn sphere_cylinder(a: Pose, ra: f32, b: Pose, half_length: f32, radius: f32, margin: f32) -> Manifold {
    let c = pose_inverse_transform_point(b, a.position);
    let rho = length(c.xy);
    // The unit radial direction of the centre (local x on the axis).
    var radial = vec3f(1.0, 0.0, 0.0);
    if rho > SPHERE_COINCIDENT {
        radial = vec3f(c.xy / rho, 0.0);
    }
    let q = radial * min(rho, radius) + vec3f(0.0, 0.0, clamp(c.z, -half_length, half_length));
    let d = c - q;
    let dist = length(d);
    // `out` leaves the cylinder towards the centre; `on_cylinder` is its surface point.
    var out: vec3f;
    var on_cylinder: vec3f;
    var separation: f32;
    if dist > SPHERE_COINCIDENT {
        out = d / dist;
        on_cylinder = q;
        separation = dist - ra;
    } else {
        let side = radius - rho;
        let cap = half_length - abs(c.z);
        if side < cap {
            out = radial;
            on_cylinder = radial * radius + vec3f(0.0, 0.0, c.z);
            separation = -side - ra;
        } else {
            out = vec3f(0.0, 0.0, select(-1.0, 1.0, c.z >= 0.0));
            on_cylinder = vec3f(c.xy, 0.0) + out * half_length;
            separation = -cap - ra;
        }
    }
    if separation > margin || !sphere_is_finite(separation) {
        return manifold_with_normal(vec3f(0.0, 0.0, 1.0));
    }
    let on_sphere = c - out * ra;
    var m = manifold_with_normal(quat_rotate(b.orientation, -out));
    manifold_push(&m, pose_transform_point(b, 0.5 * (on_cylinder + on_sphere)), separation, 0u);
    return m;
}
