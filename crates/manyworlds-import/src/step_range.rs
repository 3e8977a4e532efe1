//! Finite is not enough: a body 1e19 m away squares past f32's range in the step, and a
//! collider 1e-45 m across divides by almost nothing. The MJCF and URDF loaders refuse a
//! scene whose positions lie beyond [`MAX_DISTANCE`] or whose colliders are thinner than
//! [`MIN_SIZE`]. (Scene files hold any scene core's builder accepts, bit for bit.)

use manyworlds_core::{Scene, SceneError, Shape};

/// The farthest any body, collider, joint frame or centre of mass may sit, m; also the
/// widest joint limit and spring reference, m or rad.
pub const MAX_DISTANCE: f32 = 1e6;
/// The smallest radius or half extent of a collider (and the largest is [`MAX_DISTANCE`]), m.
pub const MIN_SIZE: f32 = 1e-6;

fn out_of_range(element: String, field: &'static str, value: f32, min: f32) -> SceneError {
    SceneError::OutOfRange {
        element,
        field,
        value,
        min,
        max: MAX_DISTANCE,
    }
}

/// Each coordinate of `v` within ±[`MAX_DISTANCE`].
fn near(
    element: impl Fn() -> String,
    field: &'static str,
    v: glam::Vec3,
) -> Result<(), SceneError> {
    match v.to_array().into_iter().find(|c| c.abs() > MAX_DISTANCE) {
        Some(c) => Err(out_of_range(element(), field, c, -MAX_DISTANCE)),
        None => Ok(()),
    }
}

/// Each of `sizes` within [[`MIN_SIZE`], [`MAX_DISTANCE`]].
fn sized(
    element: impl Fn() -> String,
    field: &'static str,
    sizes: &[f32],
) -> Result<(), SceneError> {
    match sizes
        .iter()
        .find(|s| !(MIN_SIZE..=MAX_DISTANCE).contains(*s))
    {
        Some(&s) => Err(out_of_range(element(), field, s, MIN_SIZE)),
        None => Ok(()),
    }
}

/// The scene's lengths lie where a step stays finite. Elements are named as core names them
/// (`joint INDEX "NAME"`), so a joint's error can be placed at its line.
pub fn check(scene: &Scene) -> Result<(), SceneError> {
    let bodies = scene.bodies();
    for (i, body) in bodies.iter().enumerate() {
        let element = || format!("body {i} \"{}\"", body.name);
        near(element, "position", body.pose.position)?;
        near(element, "centre of mass", body.mass.center_of_mass)?;
    }
    for (i, collider) in scene.colliders().iter().enumerate() {
        let body = bodies.get(collider.body).map_or("", |b| b.name.as_str());
        let element = || format!("collider {i} of body \"{body}\"");
        near(element, "position", collider.pose.position)?;
        match collider.shape {
            Shape::Plane => Ok(()),
            Shape::Sphere { radius } => sized(element, "radius", &[radius]),
            Shape::Capsule {
                half_length,
                radius,
            }
            | Shape::Cylinder {
                half_length,
                radius,
            } => {
                sized(element, "radius", &[radius])?;
                near(element, "half length", glam::Vec3::splat(half_length))
            }
            Shape::Cuboid { half_extents } => {
                sized(element, "half extents", &half_extents.to_array())
            }
            // The hull's own points were checked when it was built.
            Shape::Hull { scale, .. } => sized(element, "scale", &scale.to_array()),
        }?;
    }
    for (i, joint) in scene.joints().iter().enumerate() {
        let element = || format!("joint {i} \"{}\"", joint.name);
        near(element, "frame in parent", joint.frame_in_parent.position)?;
        near(element, "frame in child", joint.frame_in_child.position)?;
        // Limits and the spring's rest in m or rad: 1e19 past q = 0 pushes it out at a
        // speed a step cannot hold.
        let (lower, upper) = joint.limits.unwrap_or_default();
        let rest = joint.spring_reference;
        near(
            element,
            "limits and spring reference",
            glam::Vec3::new(lower, upper, rest),
        )?;
    }
    Ok(())
}
