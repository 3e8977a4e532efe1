//! Descriptions of bodies and their colliders, as a user writes them before validation.

use crate::filter::CollisionFilter;
use crate::mass::MassProperties;
use crate::material::Material;
use crate::pose::Pose;
use crate::shape::Shape;
use glam::{Quat, Vec3};
use serde::{Deserialize, Serialize};

/// Whether a body moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    /// Never moves; infinite mass. Planes may only sit on static bodies.
    Static,
    /// Moved by gravity and contacts.
    Dynamic,
}

/// Where a dynamic body's mass comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MassSpec {
    /// Each collider's volume times its density, combined (offsets by the parallel-axis theorem).
    FromColliders,
    /// The colliders' distribution of matter, scaled so the total is this many kilograms.
    Total(f32),
    /// Given outright (centre of mass in the body frame, inertia about it).
    Explicit(MassProperties),
}

/// One shape attached to a body.
#[derive(Clone, Debug, PartialEq)]
pub struct ColliderDesc {
    pub shape: Shape,
    /// Pose of the shape in the body frame.
    pub pose: Pose,
    pub material: Material,
    /// kg/m³, used by [`MassSpec::FromColliders`] and [`MassSpec::Total`].
    pub density: f32,
    pub filter: CollisionFilter,
}

impl ColliderDesc {
    pub fn new(shape: Shape) -> Self {
        Self {
            shape,
            pose: Pose::IDENTITY,
            material: Material::default(),
            density: 1000.0,
            filter: CollisionFilter::default(),
        }
    }

    /// A capsule of `radius` whose segment runs from `from` to `to` (body frame), as MJCF's
    /// `fromto`. A zero-length segment gives a sphere-shaped capsule.
    pub fn capsule_from_to(from: Vec3, to: Vec3, radius: f32) -> Self {
        let (half_length, pose) = axis_from_to(from, to);
        Self::new(Shape::capsule(half_length, radius)).at(pose)
    }

    /// A cylinder of `radius` whose axis runs from `from` to `to` (body frame), as MJCF's
    /// `fromto`. A zero-length axis gives a flat disc, which the scene refuses.
    pub fn cylinder_from_to(from: Vec3, to: Vec3, radius: f32) -> Self {
        let (half_length, pose) = axis_from_to(from, to);
        Self::new(Shape::cylinder(half_length, radius)).at(pose)
    }

    pub fn at(mut self, pose: Pose) -> Self {
        self.pose = pose;
        self
    }

    pub fn material(mut self, material: Material) -> Self {
        self.material = material;
        self
    }

    pub fn friction(mut self, friction: f32) -> Self {
        self.material.friction = friction;
        self
    }

    pub fn restitution(mut self, restitution: f32) -> Self {
        self.material.restitution = restitution;
        self
    }

    pub fn density(mut self, density: f32) -> Self {
        self.density = density;
        self
    }

    pub fn filter(mut self, filter: CollisionFilter) -> Self {
        self.filter = filter;
        self
    }
}

/// A body as written by the user; [`crate::SceneBuilder::build`] validates it.
#[derive(Clone, Debug, PartialEq)]
pub struct BodyDesc {
    pub name: String,
    pub kind: BodyKind,
    /// Initial pose of the body frame in the world.
    pub pose: Pose,
    /// Initial velocity of the centre of mass, m/s.
    pub linear_velocity: Vec3,
    /// Initial angular velocity, rad/s, world frame.
    pub angular_velocity: Vec3,
    pub mass: MassSpec,
    pub colliders: Vec<ColliderDesc>,
}

impl BodyDesc {
    pub fn new(name: impl Into<String>, kind: BodyKind) -> Self {
        Self {
            name: name.into(),
            kind,
            pose: Pose::IDENTITY,
            linear_velocity: Vec3::ZERO,
            angular_velocity: Vec3::ZERO,
            mass: MassSpec::FromColliders,
            colliders: Vec::new(),
        }
    }

    pub fn dynamic(name: impl Into<String>) -> Self {
        Self::new(name, BodyKind::Dynamic)
    }

    pub fn fixed(name: impl Into<String>) -> Self {
        Self::new(name, BodyKind::Static)
    }

    pub fn at(mut self, position: Vec3) -> Self {
        self.pose.position = position;
        self
    }

    pub fn oriented(mut self, orientation: Quat) -> Self {
        self.pose.orientation = orientation;
        self
    }

    pub fn velocity(mut self, linear: Vec3, angular: Vec3) -> Self {
        self.linear_velocity = linear;
        self.angular_velocity = angular;
        self
    }

    pub fn mass(mut self, mass: MassSpec) -> Self {
        self.mass = mass;
        self
    }

    pub fn collider(mut self, collider: ColliderDesc) -> Self {
        self.colliders.push(collider);
        self
    }
}

/// The half-length of the segment `from`–`to` and the pose that puts a shape's local z axis
/// along it, centred on its midpoint.
fn axis_from_to(from: Vec3, to: Vec3) -> (f32, Pose) {
    let axis = to - from;
    let length = axis.length();
    let orientation = if length > 0.0 {
        Quat::from_rotation_arc(Vec3::Z, axis / length)
    } else {
        Quat::IDENTITY
    };
    (0.5 * length, Pose::new(0.5 * (from + to), orientation))
}
