//! Small checks of user input shared by the scene's validation: each names the element and
//! the field at fault.

use glam::{Quat, Vec3};

use crate::error::SceneError;
use crate::pose::Pose;

pub fn finite_vec(v: Vec3, element: &str, field: &'static str) -> Result<(), SceneError> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(SceneError::NonFinite {
            element: element.to_owned(),
            field,
        })
    }
}

pub fn positive(value: f32, element: &str, field: &'static str) -> Result<(), SceneError> {
    if !value.is_finite() {
        return Err(SceneError::NonFinite {
            element: element.to_owned(),
            field,
        });
    }
    if value <= 0.0 {
        return Err(SceneError::NonPositive {
            element: element.to_owned(),
            field,
            value,
        });
    }
    Ok(())
}

pub fn in_range(
    value: f32,
    min: f32,
    max: f32,
    element: &str,
    field: &'static str,
) -> Result<(), SceneError> {
    if !value.is_finite() {
        return Err(SceneError::NonFinite {
            element: element.to_owned(),
            field,
        });
    }
    if value < min || value > max {
        return Err(SceneError::OutOfRange {
            element: element.to_owned(),
            field,
            value,
            min,
            max,
        });
    }
    Ok(())
}

pub fn validate_pose(pose: &Pose, element: &str) -> Result<(), SceneError> {
    finite_vec(pose.position, element, "position")?;
    if !pose.orientation.is_finite() {
        return Err(SceneError::NonFinite {
            element: element.to_owned(),
            field: "orientation",
        });
    }
    if pose.orientation.length_squared() < 1e-12 {
        return Err(SceneError::ZeroQuaternion {
            element: element.to_owned(),
        });
    }
    Ok(())
}

/// How far from 1 the length of a quaternion used as it is may be: a normalised quaternion
/// is within 1e-6, √½ typed as 0.7071 is 1e-5 short.
pub const UNIT_QUATERNION_TOLERANCE: f32 = 1e-4;

pub fn unit_quaternion(q: Quat, element: &str, field: &'static str) -> Result<(), SceneError> {
    let length = q.length();
    if (length - 1.0).abs() <= UNIT_QUATERNION_TOLERANCE {
        Ok(())
    } else {
        Err(SceneError::NotUnitQuaternion {
            element: element.to_owned(),
            field,
            length,
        })
    }
}

/// A pose that is used as it is: finite, and its orientation a unit quaternion.
pub fn validate_unit_pose(pose: &Pose, element: &str) -> Result<(), SceneError> {
    validate_pose(pose, element)?;
    unit_quaternion(pose.orientation, element, "orientation")
}
