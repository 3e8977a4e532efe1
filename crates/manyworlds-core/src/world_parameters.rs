//! The physical parameters a world may hold of its own (domain randomization): every body's
//! mass properties, every collider's shape and material, every joint's damping, armature and
//! stiffness, every actuator's gear and gains, and gravity. The scene's topology (which bodies,
//! colliders, joints and actuators there are, and how they connect) is shared by all worlds.

use glam::Vec3;
use serde::{Deserialize, Serialize};

use crate::actuator::ActuatorKind;
use crate::body::BodyKind;
use crate::convex_hull::ConvexHull;
use crate::error::SceneError;
use crate::mass::MassProperties;
use crate::material::Material;
use crate::scene::Scene;
use crate::scene::{inverse_mass_properties, validate_explicit_mass, validate_shape_and_material};
use crate::shape::Shape;
use crate::validate::{finite_vec, in_range};

/// A collider's shape (sizes) and material.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColliderParameters {
    pub shape: Shape,
    pub material: Material,
}

/// A joint's passive dynamics.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JointParameters {
    pub damping: f32,
    pub armature: f32,
    pub stiffness: f32,
}

/// An actuator's gear and gains (the kind of actuator stays the scene's).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActuatorParameters {
    pub gear: f32,
    pub kind: ActuatorKind,
}

/// One world's physical parameters, one entry per body, collider, joint and actuator of the
/// scene, in the scene's order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldParameters {
    /// Mass, centre of mass and inertia per body (zero for static bodies).
    pub bodies: Vec<MassProperties>,
    pub colliders: Vec<ColliderParameters>,
    pub joints: Vec<JointParameters>,
    pub actuators: Vec<ActuatorParameters>,
    pub gravity: Vec3,
}

impl Scene {
    /// The scene's own parameters, with `gravity`.
    pub fn parameters(&self, gravity: Vec3) -> WorldParameters {
        WorldParameters {
            bodies: self.bodies().iter().map(|b| b.mass).collect(),
            colliders: self
                .colliders()
                .iter()
                .map(|c| ColliderParameters {
                    shape: c.shape,
                    material: c.material,
                })
                .collect(),
            joints: self
                .joints()
                .iter()
                .map(|j| JointParameters {
                    damping: j.damping,
                    armature: j.armature,
                    stiffness: j.stiffness,
                })
                .collect(),
            actuators: self
                .actuators()
                .iter()
                .map(|a| ActuatorParameters {
                    gear: a.gear,
                    kind: a.kind,
                })
                .collect(),
            gravity,
        }
    }

    /// Takes `p` as this scene's parameters (gravity is not part of a scene: it stays in
    /// `p`). Checked as the builder checks a scene; on an error nothing changes.
    pub fn set_parameters(&mut self, p: &WorldParameters) -> Result<(), SceneError> {
        self.check_parameters(p)?;
        let mut inverses = Vec::with_capacity(p.bodies.len());
        for (i, (body, mass)) in self.bodies().iter().zip(&p.bodies).enumerate() {
            inverses.push(if body.is_dynamic() {
                let element = format!("body {i} \"{}\"", body.name);
                inverse_mass_properties(mass, &element)?
            } else {
                (0.0, glam::Mat3::ZERO)
            });
        }
        let (bodies, colliders, joints, actuators) = self.parts_mut();
        for ((body, mass), (inverse_mass, inverse_inertia)) in
            bodies.iter_mut().zip(&p.bodies).zip(inverses)
        {
            if body.is_dynamic() {
                body.mass = *mass;
                body.inverse_mass = inverse_mass;
                body.inverse_inertia = inverse_inertia;
            }
        }
        for (collider, c) in colliders.iter_mut().zip(&p.colliders) {
            collider.shape = c.shape;
            collider.material = c.material;
        }
        for (joint, j) in joints.iter_mut().zip(&p.joints) {
            joint.damping = j.damping;
            joint.armature = j.armature;
            joint.stiffness = j.stiffness;
        }
        for (actuator, a) in actuators.iter_mut().zip(&p.actuators) {
            actuator.gear = a.gear;
            actuator.kind = a.kind;
        }
        Ok(())
    }

    fn check_parameters(&self, p: &WorldParameters) -> Result<(), SceneError> {
        let counts = [
            ("bodies", p.bodies.len(), self.bodies().len()),
            ("colliders", p.colliders.len(), self.colliders().len()),
            ("joints", p.joints.len(), self.joints().len()),
            ("actuators", p.actuators.len(), self.actuators().len()),
        ];
        for (what, got, expected) in counts {
            if got != expected {
                return Err(SceneError::Invalid {
                    element: "world parameters".to_owned(),
                    problem: format!("{got} {what} given, the scene has {expected}"),
                });
            }
        }
        finite_vec(p.gravity, "world parameters", "gravity")?;
        for (i, (body, mass)) in self.bodies().iter().zip(&p.bodies).enumerate() {
            if body.is_dynamic() {
                validate_explicit_mass(mass, &format!("body {i} \"{}\"", body.name))?;
            }
        }
        for (k, (collider, c)) in self.colliders().iter().zip(&p.colliders).enumerate() {
            let body = &self.bodies()[collider.body];
            let element = format!("collider {k} of body \"{}\"", body.name);
            if std::mem::discriminant(&c.shape) != std::mem::discriminant(&collider.shape) {
                return Err(SceneError::Invalid {
                    element,
                    problem: format!(
                        "a {} cannot become a {}",
                        collider.shape.kind_name(),
                        c.shape.kind_name()
                    ),
                });
            }
            if let (Shape::Hull { hull: a, .. }, Shape::Hull { hull: b, .. }) =
                (collider.shape, c.shape)
            {
                if a != b {
                    return Err(SceneError::Invalid {
                        element,
                        problem: format!("hull {} cannot become hull {}", a.0, b.0),
                    });
                }
            }
            let kind = if body.is_dynamic() {
                BodyKind::Dynamic
            } else {
                BodyKind::Static
            };
            validate_shape_and_material(&c.shape, &c.material, kind, self.hulls().len(), &element)?;
        }
        for (joint, j) in self.joints().iter().zip(&p.joints) {
            let element = format!("joint \"{}\"", joint.name);
            in_range(j.damping, 0.0, f32::MAX, &element, "damping")?;
            in_range(j.armature, 0.0, f32::MAX, &element, "armature")?;
            in_range(j.stiffness, 0.0, f32::MAX, &element, "stiffness")?;
        }
        for (actuator, a) in self.actuators().iter().zip(&p.actuators) {
            let element = format!("actuator \"{}\"", actuator.name);
            if std::mem::discriminant(&a.kind) != std::mem::discriminant(&actuator.kind) {
                return Err(SceneError::Invalid {
                    element,
                    problem: format!(
                        "a {} actuator cannot become a {} one",
                        actuator.kind.name(),
                        a.kind.name()
                    ),
                });
            }
            if !a.gear.is_finite() || a.gear == 0.0 {
                return Err(SceneError::Invalid {
                    element,
                    problem: format!("gear must be a finite non-zero number, got {}", a.gear),
                });
            }
            let (kp, kv) = match a.kind {
                ActuatorKind::Motor => (0.0, 0.0),
                ActuatorKind::Position { kp, kv } => (kp, kv),
                ActuatorKind::Velocity { kv } => (0.0, kv),
            };
            in_range(kp, 0.0, f32::MAX, &element, "kp")?;
            in_range(kv, 0.0, f32::MAX, &element, "kv")?;
        }
        Ok(())
    }
}

/// A body's mass properties after one of its colliders changed from `old` to `new` (a size
/// change): the collider's matter, at the body's mean density over its colliders, is taken out
/// and put back at its new size, so mass and inertia follow the shape. `hulls`: the scene's.
pub fn mass_after_resize(
    mass: &MassProperties,
    collider_pose: &crate::pose::Pose,
    old: &Shape,
    new: &Shape,
    density: f32,
    hulls: &[ConvexHull],
) -> MassProperties {
    let (Some(before), Some(after)) = (
        MassProperties::of_shape_in(old, density, hulls),
        MassProperties::of_shape_in(new, density, hulls),
    ) else {
        return *mass;
    };
    let before = before.transformed(collider_pose);
    let removed = MassProperties {
        mass: -before.mass,
        center_of_mass: before.center_of_mass,
        inertia: -before.inertia,
    };
    mass.combined(&after.transformed(collider_pose))
        .combined(&removed)
}

/// The mean density of matter of `mass` filling `shapes` (None without volume); `hulls`:
/// the scene's.
pub fn mean_density<'a>(
    shapes: impl IntoIterator<Item = &'a Shape>,
    mass: f32,
    hulls: &[ConvexHull],
) -> Option<f32> {
    let volume: f32 = shapes
        .into_iter()
        .map(|shape| match shape {
            Shape::Plane => 0.0,
            shape => shape.volume_in(hulls),
        })
        .sum();
    (volume > 0.0).then(|| mass / volume)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BodyDesc, ColliderDesc, SceneBuilder};

    fn one_box() -> Scene {
        SceneBuilder::new()
            .body(
                BodyDesc::dynamic("box")
                    .collider(ColliderDesc::new(Shape::cuboid(Vec3::splat(0.5))).density(2.0)),
            )
            .build()
            .unwrap()
    }

    #[test]
    fn a_resized_box_has_the_mass_and_inertia_of_the_bigger_box() {
        let scene = one_box();
        let old = scene.colliders()[0].shape;
        let new = Shape::cuboid(Vec3::splat(1.0));
        let density = mean_density([&old], scene.bodies()[0].mass.mass, &[]).unwrap();
        let m = mass_after_resize(
            &scene.bodies()[0].mass,
            &scene.colliders()[0].pose,
            &old,
            &new,
            density,
            &[],
        );
        let expected = MassProperties::of_shape(&new, 2.0).unwrap();
        assert!((m.mass - expected.mass).abs() < 1e-4, "{m:?}");
        assert!((m.inertia.x_axis.x - expected.inertia.x_axis.x).abs() < 1e-3);
        assert!(m.center_of_mass.length() < 1e-6);
    }

    #[test]
    fn parameters_round_trip_and_bad_ones_change_nothing() {
        let mut scene = one_box();
        let mut p = scene.parameters(Vec3::new(0.0, 0.0, -9.81));
        p.bodies[0] = p.bodies[0].scaled_to(7.0);
        p.colliders[0].material.friction = 0.1;
        scene.set_parameters(&p).unwrap();
        assert_eq!(scene.bodies()[0].mass.mass, 7.0);
        assert!((scene.bodies()[0].inverse_mass - 1.0 / 7.0).abs() < 1e-7);
        assert_eq!(scene.parameters(p.gravity), p);

        let before = scene.clone();
        let mut bad = p.clone();
        bad.bodies[0].mass = -1.0;
        assert!(scene.set_parameters(&bad).is_err());
        let mut bad = p.clone();
        bad.colliders[0].shape = Shape::sphere(1.0);
        let e = scene.set_parameters(&bad).unwrap_err().to_string();
        assert!(e.contains("box") && e.contains("sphere"), "{e}");
        let mut bad = p;
        bad.colliders.clear();
        assert!(scene.set_parameters(&bad).is_err());
        assert_eq!(scene, before);
    }
}
