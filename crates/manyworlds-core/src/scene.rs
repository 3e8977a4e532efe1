//! A validated scene: the template every world of a batch is a copy of.

use crate::actuator::Actuator;
use crate::articulation::{excluded_pairs, resolve_joints, validate_actuators, JointEntry};
use crate::body::{BodyDesc, BodyKind, ColliderDesc, MassSpec};
use crate::compound_joint::{compound_joints, CompoundJoint};
use crate::convex_hull::{ConvexHull, HullId};
use crate::error::SceneError;
use crate::filter::CollisionFilter;
use crate::joint::{Joint, JointDesc, JointKind};
use crate::joint_space::forward_kinematics;
use crate::mass::MassProperties;
use crate::material::Material;
use crate::pose::Pose;
use crate::shape::Shape;
use crate::validate::{finite_vec, in_range, positive, validate_pose};
use glam::{Mat3, Vec3};
use std::sync::Arc;

/// Colliders per scene are numbered with 16 bits in contact keys.
pub const MAX_COLLIDERS: usize = u16::MAX as usize;

/// A body of a validated scene, with its mass properties resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    pub name: String,
    pub kind: BodyKind,
    /// Initial pose of the body frame.
    pub pose: Pose,
    pub linear_velocity: Vec3,
    pub angular_velocity: Vec3,
    /// Zero for static bodies.
    pub mass: MassProperties,
    /// 1/m; zero for static bodies.
    pub inverse_mass: f32,
    /// Inverse inertia about the centre of mass, body axes; zero for static bodies.
    pub inverse_inertia: Mat3,
    /// Indices of this body's colliders in [`Scene::colliders`].
    pub colliders: std::ops::Range<usize>,
}

impl Body {
    pub fn is_dynamic(&self) -> bool {
        self.kind == BodyKind::Dynamic
    }
}

/// A collider of a validated scene.
#[derive(Clone, Debug, PartialEq)]
pub struct Collider {
    /// Index of the body it is attached to.
    pub body: usize,
    pub shape: Shape,
    /// Pose in the body frame.
    pub pose: Pose,
    pub material: Material,
    pub filter: CollisionFilter,
}

/// One world's template: bodies, colliders, joints and actuators, validated. Immutable once
/// built.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scene {
    bodies: Vec<Body>,
    colliders: Vec<Collider>,
    joints: Vec<Joint>,
    actuators: Vec<Actuator>,
    /// Body pairs that never collide, sorted, (lower, higher).
    excluded_pairs: Vec<(u32, u32)>,
    /// Each joint's initial accumulated angle (a revolute joint's initial q, turns counted;
    /// zero for the other kinds and until set by `set_initial_joint_positions`).
    initial_joint_angles: Vec<f32>,
    /// Convex hulls the colliders' [`Shape::Hull`]s refer to: one copy, shared by every
    /// clone of the scene (every world).
    hulls: Arc<[ConvexHull]>,
    /// The joints between the same two bodies, each set as one joint (compound_joint.rs),
    /// and for each joint the compound it belongs to.
    compounds: Vec<CompoundJoint>,
    compound_of: Vec<Option<usize>>,
}

impl Scene {
    pub fn bodies(&self) -> &[Body] {
        &self.bodies
    }

    pub fn colliders(&self) -> &[Collider] {
        &self.colliders
    }

    /// The convex hulls [`Shape::Hull`] colliders refer to by [`HullId`].
    pub fn hulls(&self) -> &[ConvexHull] {
        &self.hulls
    }

    pub fn body_count(&self) -> usize {
        self.bodies.len()
    }

    /// Every body's centre of mass in its own frame.
    pub fn centers_of_mass(&self) -> Vec<Vec3> {
        self.bodies.iter().map(|b| b.mass.center_of_mass).collect()
    }

    pub fn dynamic_body_count(&self) -> usize {
        self.bodies.iter().filter(|b| b.is_dynamic()).count()
    }

    /// The index of the body called `name`, if any.
    pub fn body_index(&self, name: &str) -> Option<usize> {
        self.bodies.iter().position(|b| b.name == name)
    }

    pub fn joints(&self) -> &[Joint] {
        &self.joints
    }

    /// The index of the joint called `name`, if any.
    pub fn joint_index(&self, name: &str) -> Option<usize> {
        self.joints.iter().position(|j| j.name == name)
    }

    pub fn actuators(&self) -> &[Actuator] {
        &self.actuators
    }

    /// The scene's compound joints: the sets of two or more joints between the same two
    /// bodies (a hip's hinges, a planar root), in joint order.
    pub fn compounds(&self) -> &[CompoundJoint] {
        &self.compounds
    }

    /// The compound joint `joint` belongs to, if any.
    pub fn compound_of(&self, joint: usize) -> Option<&CompoundJoint> {
        self.compound_of
            .get(joint)
            .copied()
            .flatten()
            .map(|c| &self.compounds[c])
    }

    /// Finds the compounds among the joints (after the joints change).
    fn find_compounds(&mut self) {
        self.compounds = compound_joints(&self.joints);
        self.compound_of = vec![None; self.joints.len()];
        for (c, compound) in self.compounds.iter().enumerate() {
            for &j in compound.members() {
                self.compound_of[j] = Some(c);
            }
        }
    }

    /// Entries of one world's joint positions q (all joints, in order).
    pub fn joint_position_count(&self) -> usize {
        self.joints.iter().map(|j| j.kind.position_count()).sum()
    }

    /// Entries of one world's joint velocities q̇.
    pub fn joint_velocity_count(&self) -> usize {
        self.joints.iter().map(|j| j.kind.velocity_count()).sum()
    }

    /// The body whose pose and velocity are reported as the root: the first free joint's
    /// body, else the first dynamic body.
    pub fn root_body(&self) -> Option<usize> {
        self.joints
            .iter()
            .find(|j| j.kind == JointKind::Free)
            .map(|j| j.child)
            .or_else(|| self.bodies.iter().position(Body::is_dynamic))
    }

    /// Body pairs that never collide (joined by a joint, or excluded), sorted, each as
    /// (lower index, higher index).
    pub fn excluded_pairs(&self) -> &[(u32, u32)] {
        &self.excluded_pairs
    }

    /// Starts every body where the joint positions `q` put it (forward kinematics from the
    /// reference configuration, which stays q = 0). `q` has
    /// [`Scene::joint_position_count`] entries; velocities are left as they are.
    pub fn set_initial_joint_positions(&mut self, q: &[f32]) -> Result<(), SceneError> {
        let expected = self.joint_position_count();
        if q.len() != expected {
            return Err(SceneError::Invalid {
                element: "initial joint positions".to_owned(),
                problem: format!("expected {expected} values, got {}", q.len()),
            });
        }
        if let Some(k) = q.iter().position(|v| !v.is_finite()) {
            return Err(SceneError::Invalid {
                element: "initial joint positions".to_owned(),
                problem: format!("entry {k} is not a finite number"),
            });
        }
        let mut poses: Vec<Pose> = self.bodies.iter().map(|b| b.pose).collect();
        forward_kinematics(self, q, &mut poses);
        for (body, pose) in self.bodies.iter_mut().zip(poses) {
            body.pose = pose;
        }
        self.initial_joint_angles = joint_angles_of(self, q);
        Ok(())
    }

    /// Sets the initial accumulated angles (one per joint, checked by the caller).
    pub(crate) fn set_initial_joint_angles(&mut self, angles: Vec<f32>) {
        self.initial_joint_angles = angles;
    }

    /// Each joint's accumulated angle in the initial state (see
    /// [`crate::WorldBodies::joint_angles`]).
    pub fn initial_joint_angles(&self) -> &[f32] {
        &self.initial_joint_angles
    }

    /// The numeric parts a world's parameters overwrite (see `world_parameters.rs`).
    pub(crate) fn parts_mut(
        &mut self,
    ) -> (&mut [Body], &mut [Collider], &mut [Joint], &mut [Actuator]) {
        (
            &mut self.bodies,
            &mut self.colliders,
            &mut self.joints,
            &mut self.actuators,
        )
    }

    /// Whether bodies `a` and `b` are kept from colliding with each other.
    pub fn collision_excluded(&self, a: usize, b: usize) -> bool {
        let pair = (a.min(b) as u32, a.max(b) as u32);
        self.excluded_pairs.binary_search(&pair).is_ok()
    }

    /// A scene from parts that are validated and resolved already.
    pub(crate) fn from_parts(
        bodies: Vec<Body>,
        colliders: Vec<Collider>,
        joints: Vec<Joint>,
        actuators: Vec<Actuator>,
        excluded_pairs: Vec<(u32, u32)>,
        hulls: Vec<ConvexHull>,
    ) -> Scene {
        let initial_joint_angles = vec![0.0; joints.len()];
        let mut scene = Scene {
            bodies,
            colliders,
            joints,
            actuators,
            excluded_pairs,
            initial_joint_angles,
            hulls: hulls.into(),
            ..Scene::default()
        };
        scene.find_compounds();
        scene
    }
}

/// Each joint's accumulated angle at joint positions `q`: a revolute joint's q, and every
/// compound member's (a compound's q is tracked, slides' too); zero for the other kinds.
pub fn joint_angles_of(scene: &Scene, q: &[f32]) -> Vec<f32> {
    scene
        .joints()
        .iter()
        .enumerate()
        .map(|(k, j)| match j.kind {
            JointKind::Revolute => q[j.position_offset],
            JointKind::Prismatic if scene.compound_of(k).is_some() => q[j.position_offset],
            _ => 0.0,
        })
        .collect()
}

/// A body and the joint that attaches it, as returned by [`SceneBuilder::add_link`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    pub body: usize,
    pub joint: usize,
}

/// Collects bodies, joints and actuators, then validates them all at once in
/// [`SceneBuilder::build`].
#[derive(Clone, Debug, Default)]
pub struct SceneBuilder {
    bodies: Vec<BodyDesc>,
    joints: Vec<JointEntry>,
    actuators: Vec<Actuator>,
    exclusions: Vec<(usize, usize)>,
    hulls: Vec<ConvexHull>,
}

impl SceneBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a convex hull (see [`ConvexHull::from_points`]) for colliders to use as
    /// [`Shape::Hull`]; it is stored once, whatever the number of colliders and worlds.
    pub fn add_hull(&mut self, hull: ConvexHull) -> HullId {
        self.hulls.push(hull);
        HullId(self.hulls.len() as u32 - 1)
    }

    /// Adds a body and returns the index it will have in the scene.
    pub fn add_body(&mut self, body: BodyDesc) -> usize {
        self.bodies.push(body);
        self.bodies.len() - 1
    }

    pub fn body(mut self, body: BodyDesc) -> Self {
        self.add_body(body);
        self
    }

    /// Joins `child` to `parent` (None: the world) with `joint`, whose anchor and axis are in
    /// the child's frame. The bodies' initial poses define q = 0. Returns the joint's index.
    pub fn add_joint(&mut self, parent: Option<usize>, child: usize, joint: JointDesc) -> usize {
        self.joints.push((parent, child, joint));
        self.joints.len() - 1
    }

    /// Adds `body` as a link of a robot: placed at `offset` relative to its parent's frame
    /// (the world's when `parent` is None; the body's own pose is ignored) and attached to
    /// it by `joint` (anchor and axis in the new body's frame).
    pub fn add_link(
        &mut self,
        parent: Option<usize>,
        offset: Pose,
        mut body: BodyDesc,
        joint: JointDesc,
    ) -> Link {
        let parent_pose = match parent {
            Some(p) => self.bodies.get(p).map(|b| b.pose),
            None => Some(Pose::IDENTITY),
        };
        // A missing parent is reported by build(); the pose is then irrelevant.
        body.pose = parent_pose.unwrap_or(Pose::IDENTITY).compose(&offset);
        let body_index = self.add_body(body);
        Link {
            body: body_index,
            joint: self.add_joint(parent, body_index, joint),
        }
    }

    /// Adds an actuator; returns its index (its column in the control array).
    pub fn add_actuator(&mut self, actuator: Actuator) -> usize {
        self.actuators.push(actuator);
        self.actuators.len() - 1
    }

    /// Keeps bodies `a` and `b` from colliding with each other.
    pub fn exclude_collision(&mut self, a: usize, b: usize) {
        self.exclusions.push((a, b));
    }

    /// Validates every body, collider, joint and actuator, resolves mass properties and joint
    /// frames. The first problem found is returned, naming the element (index and name) at
    /// fault.
    pub fn build(self) -> Result<Scene, SceneError> {
        let collider_count: usize = self.bodies.iter().map(|b| b.colliders.len()).sum();
        if collider_count > MAX_COLLIDERS {
            return Err(SceneError::TooManyColliders {
                count: collider_count,
                max: MAX_COLLIDERS,
            });
        }
        let mut scene = Scene {
            hulls: self.hulls.into(),
            ..Scene::default()
        };
        for (index, desc) in self.bodies.into_iter().enumerate() {
            let element = format!("body {index} \"{}\"", desc.name);
            let first = scene.colliders.len();
            for (k, collider) in desc.colliders.iter().enumerate() {
                let element = format!("collider {k} of {element}");
                validate_collider(collider, desc.kind, scene.hulls.len(), &element)?;
                scene.colliders.push(Collider {
                    body: index,
                    shape: collider.shape,
                    pose: Pose::new(
                        collider.pose.position,
                        collider.pose.orientation.normalize(),
                    ),
                    material: collider.material,
                    filter: collider.filter,
                });
            }
            let body = resolve_body(desc, &element, first..scene.colliders.len(), &scene.hulls)?;
            scene.bodies.push(body);
        }
        scene.joints = resolve_joints(self.joints, &scene.bodies)?;
        scene.find_compounds();
        scene.initial_joint_angles = vec![0.0; scene.joints.len()];
        validate_actuators(&self.actuators, &scene.joints)?;
        scene.actuators = self.actuators;
        scene.excluded_pairs = excluded_pairs(&self.exclusions, &scene.joints, &scene.bodies)?;
        Ok(scene)
    }
}

fn validate_collider(
    c: &ColliderDesc,
    kind: BodyKind,
    hull_count: usize,
    element: &str,
) -> Result<(), SceneError> {
    validate_pose(&c.pose, element)?;
    validate_shape_and_material(&c.shape, &c.material, kind, hull_count, element)?;
    if kind == BodyKind::Dynamic {
        positive(c.density, element, "density")?;
    }
    Ok(())
}

/// Checks a collider's shape (its sizes, a hull among the scene's `hull_count`, and a plane
/// only on a static body) and material.
pub(crate) fn validate_shape_and_material(
    shape: &Shape,
    material: &Material,
    kind: BodyKind,
    hull_count: usize,
    element: &str,
) -> Result<(), SceneError> {
    match *shape {
        Shape::Hull { hull, scale } => {
            if hull.0 as usize >= hull_count {
                return Err(SceneError::MissingReference {
                    element: element.to_owned(),
                    what: "hull",
                    index: hull.0 as usize,
                    count: hull_count,
                });
            }
            positive(scale.x, element, "scale.x")?;
            positive(scale.y, element, "scale.y")?;
            positive(scale.z, element, "scale.z")?;
        }
        Shape::Plane => {
            if kind == BodyKind::Dynamic {
                return Err(SceneError::PlaneOnDynamicBody {
                    element: element.to_owned(),
                });
            }
        }
        Shape::Sphere { radius } => positive(radius, element, "radius")?,
        Shape::Capsule {
            half_length,
            radius,
        } => {
            positive(radius, element, "radius")?;
            // A capsule of zero length is a sphere: allowed.
            in_range(half_length, 0.0, f32::MAX, element, "half_length")?;
        }
        Shape::Cuboid { half_extents } => {
            positive(half_extents.x, element, "half_extents.x")?;
            positive(half_extents.y, element, "half_extents.y")?;
            positive(half_extents.z, element, "half_extents.z")?;
        }
        Shape::Cylinder {
            half_length,
            radius,
        } => {
            positive(half_length, element, "half_length")?;
            positive(radius, element, "radius")?;
        }
    }
    in_range(material.friction, 0.0, f32::MAX, element, "friction")?;
    in_range(material.restitution, 0.0, 1.0, element, "restitution")?;
    Ok(())
}

fn resolve_body(
    desc: BodyDesc,
    element: &str,
    colliders: std::ops::Range<usize>,
    hulls: &[ConvexHull],
) -> Result<Body, SceneError> {
    validate_pose(&desc.pose, element)?;
    finite_vec(desc.linear_velocity, element, "linear_velocity")?;
    finite_vec(desc.angular_velocity, element, "angular_velocity")?;
    let pose = Pose::new(desc.pose.position, desc.pose.orientation.normalize());
    let mut body = Body {
        name: desc.name,
        kind: desc.kind,
        pose,
        linear_velocity: desc.linear_velocity,
        angular_velocity: desc.angular_velocity,
        mass: MassProperties::ZERO,
        inverse_mass: 0.0,
        inverse_inertia: Mat3::ZERO,
        colliders,
    };
    if desc.kind == BodyKind::Static {
        body.linear_velocity = Vec3::ZERO;
        body.angular_velocity = Vec3::ZERO;
        return Ok(body);
    }
    let from_shapes = desc
        .colliders
        .iter()
        .filter_map(|c| {
            MassProperties::of_shape_in(&c.shape, c.density, hulls).map(|m| m.transformed(&c.pose))
        })
        .fold(MassProperties::ZERO, |acc, m| acc.combined(&m));
    let mass = match desc.mass {
        MassSpec::FromColliders => from_shapes,
        MassSpec::Total(total) => {
            positive(total, element, "mass")?;
            if from_shapes.mass <= 0.0 {
                return Err(SceneError::NoMass {
                    element: element.to_owned(),
                });
            }
            from_shapes.scaled_to(total)
        }
        MassSpec::Explicit(m) => {
            validate_explicit_mass(&m, element)?;
            m
        }
    };
    (body.inverse_mass, body.inverse_inertia) = inverse_mass_properties(&mass, element)?;
    body.mass = mass;
    Ok(body)
}

/// Checks mass properties given outright: a positive mass and a finite centre of mass (the
/// inertia is checked by [`inverse_mass_properties`]).
pub(crate) fn validate_explicit_mass(m: &MassProperties, element: &str) -> Result<(), SceneError> {
    positive(m.mass, element, "mass")?;
    finite_vec(m.center_of_mass, element, "center_of_mass")
}

/// A dynamic body's 1/m and inverse inertia, or why its mass properties cannot be used.
pub(crate) fn inverse_mass_properties(
    mass: &MassProperties,
    element: &str,
) -> Result<(f32, Mat3), SceneError> {
    if !(mass.mass.is_finite() && mass.mass > 0.0) {
        return Err(SceneError::NoMass {
            element: element.to_owned(),
        });
    }
    let inverse_mass = 1.0 / mass.mass;
    if !inverse_mass.is_finite() {
        return Err(SceneError::MassTooSmall {
            element: element.to_owned(),
            mass: mass.mass,
        });
    }
    let inverse_inertia = invert_inertia(&mass.inertia).ok_or_else(|| SceneError::BadInertia {
        element: element.to_owned(),
    })?;
    Ok((inverse_mass, inverse_inertia))
}

/// The inverse of a symmetric positive definite inertia tensor, or None when it is not one
/// (checked by Sylvester's criterion on the leading minors).
fn invert_inertia(i: &Mat3) -> Option<Mat3> {
    let cols = i.to_cols_array_2d();
    if cols.iter().flatten().any(|x| !x.is_finite()) {
        return None;
    }
    let symmetric_tolerance = 1e-4 * (i.x_axis.x + i.y_axis.y + i.z_axis.z).abs();
    let asymmetry = (*i - i.transpose()).to_cols_array();
    if asymmetry.iter().any(|x| x.abs() > symmetric_tolerance) {
        return None;
    }
    let m1 = i.x_axis.x;
    let m2 = i.x_axis.x * i.y_axis.y - i.x_axis.y * i.y_axis.x;
    let m3 = i.determinant();
    if m1 > 0.0 && m2 > 0.0 && m3 > 0.0 {
        let inv = i.inverse();
        inv.is_finite().then_some(inv)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::ColliderDesc;

    fn unit_box() -> ColliderDesc {
        ColliderDesc::new(Shape::cuboid(Vec3::splat(0.5)))
    }

    #[test]
    fn errors_name_the_element() {
        let err = SceneBuilder::new()
            .body(BodyDesc::fixed("ground").collider(ColliderDesc::new(Shape::Plane)))
            .body(BodyDesc::dynamic("crate").collider(ColliderDesc::new(Shape::sphere(-1.0))))
            .build()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "collider 0 of body 1 \"crate\": radius must be positive, got -1"
        );
        let err = SceneBuilder::new()
            .body(BodyDesc::dynamic("lid").collider(ColliderDesc::new(Shape::Plane)))
            .build()
            .unwrap_err();
        assert!(matches!(err, SceneError::PlaneOnDynamicBody { .. }));
        let err = SceneBuilder::new()
            .body(
                BodyDesc::dynamic("ghost")
                    .at(Vec3::new(0.0, f32::NAN, 0.0))
                    .collider(unit_box()),
            )
            .build()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "body 0 \"ghost\": position is not a finite number"
        );
        let err = SceneBuilder::new()
            .body(BodyDesc::dynamic("empty"))
            .build()
            .unwrap_err();
        assert!(matches!(err, SceneError::NoMass { .. }));
        let err = SceneBuilder::new()
            .body(
                BodyDesc::dynamic("heavy")
                    .mass(MassSpec::Total(0.0))
                    .collider(unit_box()),
            )
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("mass must be positive"));
        // A subnormal mass whose inverse overflows (every world would go non-finite at the
        // first contact).
        let speck = MassProperties {
            mass: 1e-45,
            center_of_mass: Vec3::ZERO,
            inertia: Mat3::from_diagonal(Vec3::splat(1e-3)),
        };
        let err = SceneBuilder::new()
            .body(BodyDesc::dynamic("speck").mass(MassSpec::Explicit(speck)))
            .build()
            .unwrap_err();
        assert!(matches!(err, SceneError::MassTooSmall { .. }), "{err}");
    }

    #[test]
    fn compound_body_mass_is_resolved() {
        let scene = SceneBuilder::new()
            .body(
                BodyDesc::dynamic("dumbbell")
                    .collider(
                        ColliderDesc::new(Shape::sphere(0.1)).at(Pose::from_position(Vec3::X)),
                    )
                    .collider(
                        ColliderDesc::new(Shape::sphere(0.1)).at(Pose::from_position(-Vec3::X)),
                    )
                    .mass(MassSpec::Total(2.0)),
            )
            .build()
            .unwrap();
        let body = &scene.bodies()[0];
        assert!((body.inverse_mass - 0.5).abs() < 1e-6);
        // Two 1 kg spheres 1 m from the axis: I_yy ≈ 2·(0.4·0.01 + 1) = 2.008.
        assert!((body.mass.inertia.y_axis.y - 2.008).abs() < 1e-4);
        assert_eq!(body.colliders, 0..2);
    }
}
