// The rows a joint is made of (joint_rows.rs). A row measures one relative velocity between
// the joint's two bodies (and its armature rotor),
// `linear · (v_B − v_A) + angular_a · ω_A + angular_b · ω_B + rotor · ω_rotor`,
// and takes an impulse λ along the same direction (−λ to A, +λ to B).
//
// A joint's structural rows, by kind: a point block (3 rows, the anchors together), an angular
// lock (3 rows, the frames aligned), two angular rows keeping a hinge's axes parallel, two
// linear rows keeping a slide's anchor on its line, and the armature coupling (the rotor turns
// at q̇).
//!include common.wgsl
//!include contact_solver.wgsl

// A weld's six rows, or a hinge's five and its rotor's.
const MAX_ROWS: u32 = 6u;

struct JointRow {
    linear: vec3f,
    angular_a: vec3f,
    angular_b: vec3f,
    // −1 on the armature coupling row, 0 elsewhere.
    rotor: f32,
    // Drift corrected softly in the biased pass; the coupling row has no position error.
    soft: bool,
}

// A row along the anchor-to-anchor direction d with arms ra, rb from the centres of mass.
fn point_row(d: vec3f, ra: vec3f, rb: vec3f) -> JointRow {
    return JointRow(d, -cross(ra, d), cross(rb, d), 0.0, true);
}

// A row on the relative spin about `axis`.
fn angular_row(axis: vec3f) -> JointRow {
    return JointRow(vec3f(0.0), -axis, axis, 0.0, true);
}

// The armature coupling: q̇ − ω_rotor along the joint's axial row.
fn coupling_row(axial: JointRow) -> JointRow {
    return JointRow(axial.linear, axial.angular_a, axial.angular_b, -1.0, false);
}

fn joint_row_velocity(row: JointRow, v: BodyPair, rotor_velocity: f32) -> f32 {
    return dot(row.linear, v.linear_b - v.linear_a) + dot(row.angular_a, v.angular_a)
        + dot(row.angular_b, v.angular_b) + row.rotor * rotor_velocity;
}

// Applies λ along the row to the bodies (the rotor's share is the caller's).
fn joint_row_apply(row: JointRow, v: ptr<function, BodyPair>, lambda: f32) {
    (*v).linear_a -= row.linear * (lambda * (*v).inverse_mass_a);
    (*v).linear_b += row.linear * (lambda * (*v).inverse_mass_b);
    (*v).angular_a += (*v).inverse_inertia_a * row.angular_a * lambda;
    (*v).angular_b += (*v).inverse_inertia_b * row.angular_b * lambda;
}

// J M⁻¹ Jᵀ between two rows (the rotor's part included when there is armature).
fn joint_row_response(row: JointRow, other: JointRow, v: BodyPair, armature: f32) -> f32 {
    var rotor = 0.0;
    if armature > 0.0 {
        rotor = row.rotor * other.rotor / armature;
    }
    return (v.inverse_mass_a + v.inverse_mass_b) * dot(row.linear, other.linear)
        + dot(row.angular_a, v.inverse_inertia_a * other.angular_a)
        + dot(row.angular_b, v.inverse_inertia_b * other.angular_b) + rotor;
}
