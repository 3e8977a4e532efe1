// The narrow phase for any two shapes (narrowphase/mod.rs): the pair function takes the
// lower-ranked shape first (plane < sphere < cylinder < capsule < box < hull, as on the CPU),
// and the
// result is flipped back when the pair came the other way round. Each surface's radius of
// curvature is recorded.
//!include common.wgsl
//!include narrowphase_plane.wgsl
//!include narrowphase_sphere.wgsl
//!include narrowphase_capsule.wgsl
//!include narrowphase_box_box.wgsl
//!include narrowphase_cylinder.wgsl
//!include narrowphase_hull.wgsl

// Radius of curvature of a shape's surface at pose where it touches along `normal`: a
// sphere's or capsule's radius, a cylinder's on its side (the normal across its axis), none
// on a cap, a rim or a flat shape.
fn shape_rounding(s: ShapeDesc, pose: Pose, normal: vec3f) -> f32 {
    if s.kind == SHAPE_SPHERE {
        return s.size.x;
    }
    if s.kind == SHAPE_CAPSULE {
        return s.size.y;
    }
    if s.kind == SHAPE_CYLINDER {
        let along = abs(dot(quat_rotate(pose.orientation, vec3f(0.0, 0.0, 1.0)), normal));
        return select(0.0, s.size.y, along < FLAT_SIN);
    }
    return 0.0;
}

// The order of shapes within a pair (narrowphase/mod.rs's `rank`); a hull's index (the
// kind's high bits) does not count.
fn shape_rank(kind_bits: u32) -> u32 {
    let kind = kind_bits & SHAPE_KIND_MASK;
    if kind == SHAPE_CYLINDER {
        return 2u;
    }
    return select(kind, kind + 1u, kind >= SHAPE_CAPSULE);
}

// Whether the scene has shapes of both kinds: SCENE_SHAPES (a bit per kind) comes from the
// host's prelude, and with constant kinds this folds to a constant, so the pair functions a
// scene cannot need are compiled out of its kernel (they are most of its size).
fn scene_has_pair(ka: u32, kb: u32) -> bool {
    return (SCENE_SHAPES & (1u << ka)) != 0u && (SCENE_SHAPES & (1u << kb)) != 0u;
}

fn is_pair(a: ShapeDesc, b: ShapeDesc, ka: u32, kb: u32) -> bool {
    return scene_has_pair(ka, kb) && a.kind == ka && b.kind == kb;
}

// Shape a (rank ≤ rank of b) at pa against shape b at pb.
fn collide_ordered(a: ShapeDesc, pa: Pose, b: ShapeDesc, pb: Pose, margin: f32) -> Manifold {
    if (SCENE_SHAPES & (1u << SHAPE_HULL)) != 0u && (b.kind & SHAPE_KIND_MASK) == SHAPE_HULL {
        return collide_hull(a, pa, b, pb, margin);
    }
    if is_pair(a, b, SHAPE_PLANE, SHAPE_SPHERE) {
        return plane_sphere(pa, pb, b.size.x, margin);
    }
    if is_pair(a, b, SHAPE_PLANE, SHAPE_CAPSULE) {
        return plane_capsule(pa, pb, b.size.x, b.size.y, margin);
    }
    if is_pair(a, b, SHAPE_PLANE, SHAPE_BOX) {
        return plane_box(pa, pb, b.size, margin);
    }
    if is_pair(a, b, SHAPE_SPHERE, SHAPE_SPHERE) {
        return sphere_sphere(pa, a.size.x, pb, b.size.x, margin);
    }
    if is_pair(a, b, SHAPE_SPHERE, SHAPE_CAPSULE) {
        return sphere_capsule(pa, a.size.x, pb, b.size.x, b.size.y, margin);
    }
    if is_pair(a, b, SHAPE_SPHERE, SHAPE_BOX) {
        return sphere_box(pa, a.size.x, pb, b.size, margin);
    }
    if is_pair(a, b, SHAPE_CAPSULE, SHAPE_CAPSULE) {
        return capsule_capsule(pa, a.size.x, a.size.y, pb, b.size.x, b.size.y, margin);
    }
    if is_pair(a, b, SHAPE_CAPSULE, SHAPE_BOX) {
        return capsule_box(pa, a.size.x, a.size.y, pb, b.size, margin);
    }
    if is_pair(a, b, SHAPE_BOX, SHAPE_BOX) {
        return box_box(pa, a.size, pb, b.size, margin);
    }
    if is_pair(a, b, SHAPE_PLANE, SHAPE_CYLINDER) {
        return plane_cylinder(pa, pb, b.size.x, b.size.y, margin);
    }
    if is_pair(a, b, SHAPE_SPHERE, SHAPE_CYLINDER) {
        return sphere_cylinder(pa, a.size.x, pb, b.size.x, b.size.y, margin);
    }
    if is_pair(a, b, SHAPE_CYLINDER, SHAPE_CAPSULE) {
        return cylinder_capsule(pa, a.size.x, a.size.y, pb, b.size.x, b.size.y, margin);
    }
    if is_pair(a, b, SHAPE_CYLINDER, SHAPE_BOX) {
        return cylinder_box(pa, a.size.x, a.size.y, pb, b.size, margin);
    }
    if is_pair(a, b, SHAPE_CYLINDER, SHAPE_CYLINDER) {
        return cylinder_cylinder(pa, a.size.x, a.size.y, pb, b.size.x, b.size.y, margin);
    }
    // Two planes never touch.
    return manifold_with_normal(vec3f(0.0, 0.0, 1.0));
}

// The manifold of shape a at pa against shape b at pb, normal from a to b, with points down
// to `margin` of separation.
fn collide(a: ShapeDesc, pa: Pose, b: ShapeDesc, pb: Pose, margin: f32) -> Manifold {
    var m: Manifold;
    if shape_rank(a.kind) > shape_rank(b.kind) {
        m = manifold_flipped(collide_ordered(b, pb, a, pa, margin));
    } else {
        m = collide_ordered(a, pa, b, pb, margin);
    }
    m.radius_a = shape_rounding(a, pa, m.normal);
    m.radius_b = shape_rounding(b, pb, m.normal);
    return m;
}
