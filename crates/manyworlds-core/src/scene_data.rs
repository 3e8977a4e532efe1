//! A scene as plain data, the form a scene file holds: every field of a validated [`Scene`]
//! that is not derived from others. What the builder derives (inverse masses and inertias,
//! which colliders belong to which body, the joints' offsets in q and q̇, the body pairs a
//! joint keeps apart) is left out and recomputed by [`Scene::from_data`] with the builder's
//! own code, so `Scene → SceneData → Scene` gives back the same scene, bit for bit. Poses are
//! taken as they are (a builder would normalise them, which can move the last bit), and
//! checked instead: data from anywhere, a hand-edited file included, gives a valid scene or an
//! error naming the element at fault.

use glam::{Mat3, Vec3};
use serde::{Deserialize, Serialize};

use crate::actuator::Actuator;
use crate::articulation::{
    assign_joint_offsets, check_compounds, check_joint_bodies, check_joint_parameters,
    excluded_pairs, joint_pairs, validate_actuators,
};
use crate::body::BodyKind;
use crate::convex_hull::ConvexHull;
use crate::error::SceneError;
use crate::filter::CollisionFilter;
use crate::joint::{Joint, JointKind};
use crate::limit_impedance::Impedance;
use crate::mass::MassProperties;
use crate::material::Material;
use crate::pose::Pose;
use crate::scene::{
    inverse_mass_properties, validate_explicit_mass, validate_shape_and_material, Body, Collider,
    Scene, MAX_COLLIDERS,
};
use crate::shape::Shape;
use crate::validate::{finite_vec, in_range, validate_unit_pose};

/// A scene's primary data. Bodies, joints and actuators refer to each other by index.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SceneData {
    pub bodies: Vec<BodyData>,
    pub joints: Vec<JointData>,
    pub actuators: Vec<Actuator>,
    /// Body pairs kept from colliding besides those joined by a joint, each (lower, higher),
    /// sorted.
    pub collision_exclusions: Vec<(usize, usize)>,
    /// Convex hulls, each stored as its vertices, for colliders' [`Shape::Hull`]s.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hulls: Vec<ConvexHull>,
    /// Each joint's initial accumulated angle (`Scene::initial_joint_angles`), turns
    /// counted; left out when all are zero.
    #[serde(default, skip_serializing_if = "all_zero")]
    pub initial_joint_angles: Vec<f32>,
}

fn is_default_impedance(impedance: &Impedance) -> bool {
    *impedance == Impedance::default()
}

fn all_zero(values: &[f32]) -> bool {
    values.iter().all(|&v| v == 0.0)
}

/// A body and its colliders.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BodyData {
    pub name: String,
    pub kind: BodyKind,
    pub pose: Pose,
    pub linear_velocity: Vec3,
    pub angular_velocity: Vec3,
    /// Dynamic bodies only: a static body has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mass: Option<MassProperties>,
    pub colliders: Vec<ColliderData>,
}

/// A collider, in its body's frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColliderData {
    pub shape: Shape,
    pub pose: Pose,
    pub material: Material,
    pub filter: CollisionFilter,
}

/// A joint with its frames resolved (see [`Joint`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JointData {
    pub name: String,
    pub kind: JointKind,
    /// None: the world.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<usize>,
    pub child: usize,
    pub frame_in_parent: Pose,
    pub frame_in_child: Pose,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<(f32, f32)>,
    /// (natural frequency Hz, damping ratio) of soft limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_softness: Option<(f32, f32)>,
    /// The soft limits' impedance curve; absent: MuJoCo's default.
    #[serde(default, skip_serializing_if = "is_default_impedance")]
    pub limit_impedance: Impedance,
    pub damping: f32,
    pub armature: f32,
    pub stiffness: f32,
    pub spring_reference: f32,
    pub collide_connected: bool,
}

impl Scene {
    /// The scene's primary data, from which [`Scene::from_data`] rebuilds it exactly.
    pub fn to_data(&self) -> SceneData {
        let bodies = self
            .bodies()
            .iter()
            .map(|body| BodyData {
                name: body.name.clone(),
                kind: body.kind,
                pose: body.pose,
                linear_velocity: body.linear_velocity,
                angular_velocity: body.angular_velocity,
                mass: body.is_dynamic().then_some(body.mass),
                colliders: self.colliders()[body.colliders.clone()]
                    .iter()
                    .map(|c| ColliderData {
                        shape: c.shape,
                        pose: c.pose,
                        material: c.material,
                        filter: c.filter,
                    })
                    .collect(),
            })
            .collect();
        let joints = self
            .joints()
            .iter()
            .map(|j| JointData {
                name: j.name.clone(),
                kind: j.kind,
                parent: j.parent,
                child: j.child,
                frame_in_parent: j.frame_in_parent,
                frame_in_child: j.frame_in_child,
                limits: j.limits,
                limit_softness: j.limit_softness,
                limit_impedance: j.limit_impedance,
                damping: j.damping,
                armature: j.armature,
                stiffness: j.stiffness,
                spring_reference: j.spring_reference,
                collide_connected: j.collide_connected,
            })
            .collect();
        let implied = joint_pairs(self.joints());
        let collision_exclusions = self
            .excluded_pairs()
            .iter()
            .filter(|pair| implied.binary_search(pair).is_err())
            .map(|&(a, b)| (a as usize, b as usize))
            .collect();
        SceneData {
            bodies,
            joints,
            actuators: self.actuators().to_vec(),
            collision_exclusions,
            initial_joint_angles: self.initial_joint_angles().to_vec(),
            hulls: self.hulls().to_vec(),
        }
    }

    /// Rebuilds a scene from its primary data, checking everything [`crate::SceneBuilder`]
    /// checks, and that every pose is finite with a unit quaternion. The first problem found
    /// is returned, naming the element (index and name) at fault.
    pub fn from_data(data: SceneData) -> Result<Scene, SceneError> {
        let collider_count: usize = data.bodies.iter().map(|b| b.colliders.len()).sum();
        if collider_count > MAX_COLLIDERS {
            return Err(SceneError::TooManyColliders {
                count: collider_count,
                max: MAX_COLLIDERS,
            });
        }
        let mut bodies = Vec::with_capacity(data.bodies.len());
        let mut colliders = Vec::with_capacity(collider_count);
        for (index, body) in data.bodies.into_iter().enumerate() {
            let element = format!("body {index} \"{}\"", body.name);
            validate_unit_pose(&body.pose, &element)?;
            finite_vec(body.linear_velocity, &element, "linear_velocity")?;
            finite_vec(body.angular_velocity, &element, "angular_velocity")?;
            let (mass, inverse_mass, inverse_inertia) = mass_properties(&body, &element)?;
            let first = colliders.len();
            for (k, c) in body.colliders.into_iter().enumerate() {
                let element = format!("collider {k} of {element}");
                validate_unit_pose(&c.pose, &element)?;
                validate_shape_and_material(
                    &c.shape,
                    &c.material,
                    body.kind,
                    data.hulls.len(),
                    &element,
                )?;
                colliders.push(Collider {
                    body: index,
                    shape: c.shape,
                    pose: c.pose,
                    material: c.material,
                    filter: c.filter,
                });
            }
            bodies.push(Body {
                name: body.name,
                kind: body.kind,
                pose: body.pose,
                linear_velocity: body.linear_velocity,
                angular_velocity: body.angular_velocity,
                mass,
                inverse_mass,
                inverse_inertia,
                colliders: first..colliders.len(),
            });
        }
        let mut joints: Vec<Joint> = Vec::with_capacity(data.joints.len());
        for (index, j) in data.joints.into_iter().enumerate() {
            let element = format!("joint {index} \"{}\"", j.name);
            check_joint_bodies(j.parent, j.child, j.kind, &bodies, &joints, &element)?;
            validate_unit_pose(&j.frame_in_parent, &format!("frame_in_parent of {element}"))?;
            validate_unit_pose(&j.frame_in_child, &format!("frame_in_child of {element}"))?;
            let joint = Joint {
                name: j.name,
                kind: j.kind,
                parent: j.parent,
                child: j.child,
                frame_in_parent: j.frame_in_parent,
                frame_in_child: j.frame_in_child,
                limits: j.limits,
                limit_softness: j.limit_softness,
                limit_impedance: j.limit_impedance,
                damping: j.damping,
                armature: j.armature,
                stiffness: j.stiffness,
                spring_reference: j.spring_reference,
                collide_connected: j.collide_connected,
                position_offset: 0,
                velocity_offset: 0,
            };
            check_joint_parameters(&joint, &element)?;
            joints.push(joint);
        }
        assign_joint_offsets(&mut joints);
        check_compounds(&joints)?;
        validate_actuators(&data.actuators, &joints)?;
        let excluded = excluded_pairs(&data.collision_exclusions, &joints, &bodies)?;
        let angles = data.initial_joint_angles;
        let element = "initial_joint_angles";
        if !angles.is_empty() && angles.len() != joints.len() {
            return Err(SceneError::Invalid {
                element: element.to_owned(),
                problem: format!("expected {} values, got {}", joints.len(), angles.len()),
            });
        }
        for &angle in &angles {
            in_range(angle, -f32::MAX, f32::MAX, element, "angle")?;
        }
        let mut scene = Scene::from_parts(
            bodies,
            colliders,
            joints,
            data.actuators,
            excluded,
            data.hulls,
        );
        if !angles.is_empty() {
            scene.set_initial_joint_angles(angles);
        }
        Ok(scene)
    }
}

/// A body's mass properties with 1/m and the inverse inertia; zero for a static body, which
/// has neither mass nor motion.
fn mass_properties(
    body: &BodyData,
    element: &str,
) -> Result<(MassProperties, f32, Mat3), SceneError> {
    let invalid = |problem: &str| SceneError::Invalid {
        element: element.to_owned(),
        problem: problem.to_owned(),
    };
    match (body.kind, body.mass) {
        (BodyKind::Static, None) => {
            if body.linear_velocity != Vec3::ZERO || body.angular_velocity != Vec3::ZERO {
                return Err(invalid(
                    "a static body does not move: its velocities must be zero",
                ));
            }
            Ok((MassProperties::ZERO, 0.0, Mat3::ZERO))
        }
        (BodyKind::Static, Some(_)) => Err(invalid("a static body has no mass properties")),
        (BodyKind::Dynamic, None) => Err(SceneError::NoMass {
            element: element.to_owned(),
        }),
        (BodyKind::Dynamic, Some(mass)) => {
            validate_explicit_mass(&mass, element)?;
            let (inverse_mass, inverse_inertia) = inverse_mass_properties(&mass, element)?;
            Ok((mass, inverse_mass, inverse_inertia))
        }
    }
}
