//!include common.wgsl
//!include narrowphase_convex.wgsl

// Narrow phase: cylinder against capsule, box and cylinder, the twin of
// crates/manyworlds-cpu/src/narrowphase/cylinder.rs: no closed form, so all three go through
// the support-function search and feature overlap of narrowphase_convex.wgsl. (Plane and
// sphere against a cylinder are exact: narrowphase_plane.wgsl, narrowphase_sphere.wgsl.)

// The solid of a shape of kind SHAPE_CAPSULE, SHAPE_BOX or SHAPE_CYLINDER at `pose`.
fn convex_solid(pose: Pose, kind: u32, size: vec3f) -> ConvexSolid {
    return ConvexSolid(pose.position, kind, quat_to_mat3(pose.orientation), size, pose.position, 0u);
}

fn cylinder_capsule(a: Pose, la: f32, ra: f32, b: Pose, lb: f32, rb: f32, margin: f32) -> Manifold {
    return solid_solid(
        convex_solid(a, SHAPE_CYLINDER, vec3f(la, ra, 0.0)),
        convex_solid(b, SHAPE_CAPSULE, vec3f(lb, rb, 0.0)),
        margin,
    );
}

fn cylinder_box(a: Pose, la: f32, ra: f32, b: Pose, half: vec3f, margin: f32) -> Manifold {
    return solid_solid(
        convex_solid(a, SHAPE_CYLINDER, vec3f(la, ra, 0.0)),
        convex_solid(b, SHAPE_BOX, half),
        margin,
    );
}

fn cylinder_cylinder(a: Pose, la: f32, ra: f32, b: Pose, lb: f32, rb: f32, margin: f32) -> Manifold {
    return solid_solid(
        convex_solid(a, SHAPE_CYLINDER, vec3f(la, ra, 0.0)),
        convex_solid(b, SHAPE_CYLINDER, vec3f(lb, rb, 0.0)),
        margin,
    );
}
