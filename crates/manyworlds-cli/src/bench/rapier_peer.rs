//! Rapier 3D as a peer: one fully independent Rapier world per manyworlds world (its own
//! pipeline, island manager, broad and narrow phase, body, collider and joint sets), built
//! from the manyworlds scene itself, stepped in lockstep with rayon over the worlds.
//!
//! Every body keeps its pose, velocities and mass properties (mass, centre of mass, inertia
//! matrix given to Rapier as is; the colliders carry no density), every collider its shape,
//! local pose, friction and restitution (Rapier's default combine rules). Bodies never sleep,
//! CCD is off. `IntegrationParameters::default()` but the scene's dt; the scene's gravity.
//! A convex hull becomes Rapier's convex hull of the same (scaled) vertices. Scenes with
//! joints or actuators are not represented ([`RapierBatch::new`] says why), nor are
//! collision filters (none of the scenes it runs has one).

use std::f32::consts::FRAC_PI_2;

use manyworlds::glam::{Quat, Vec3};
use manyworlds::scenes::WorldPoseFn;
use manyworlds::{Plausibility, Pose, Scene, Shape, StepParams};
use rapier3d::math::{Pose as RapierPose, Rotation, Vector};
use rapier3d::prelude::{
    CCDSolver, ColliderBuilder, ColliderSet, DefaultBroadPhase, ImpulseJointSet,
    IntegrationParameters, IslandManager, MassProperties, MultibodyJointSet, NarrowPhase,
    PhysicsPipeline, RigidBodyBuilder, RigidBodyHandle, RigidBodySet, SharedShape, SoftBodySet,
};
use rayon::prelude::*;

fn vector(v: Vec3) -> Vector {
    Vector::new(v.x, v.y, v.z)
}

fn rapier_pose(pose: &Pose) -> RapierPose {
    let q = pose.orientation;
    RapierPose::from_parts(
        vector(pose.position),
        Rotation::from_xyzw(q.x, q.y, q.z, q.w),
    )
}

/// Why Rapier cannot run `scene`, if it cannot.
pub fn unsupported(scene: &Scene) -> Option<String> {
    if !scene.joints().is_empty() {
        return Some("n/a: the scene has joints".to_string());
    }
    if !scene.actuators().is_empty() {
        return Some("n/a: the scene has actuators".to_string());
    }
    let hull_fails = scene.colliders().iter().position(|c| match c.shape {
        Shape::Hull { .. } => hull_shape(scene, &c.shape).is_none(),
        _ => false,
    });
    if let Some(c) = hull_fails {
        return Some(format!(
            "n/a: Rapier cannot build collider {c}'s convex hull"
        ));
    }
    None
}

/// Rapier's convex hull of a `Shape::Hull`'s vertices, scaled as the collider scales them.
fn hull_shape(scene: &Scene, shape: &Shape) -> Option<SharedShape> {
    let Shape::Hull { hull, scale } = *shape else {
        return None;
    };
    let points: Vec<Vector> = scene
        .hulls()
        .get(hull.0 as usize)?
        .vertices()
        .iter()
        .map(|&v| vector(v * scale))
        .collect();
    SharedShape::convex_hull(&points)
}

/// One Rapier world, with all of its own state.
struct World {
    gravity: Vector,
    params: IntegrationParameters,
    pipeline: PhysicsPipeline,
    islands: IslandManager,
    broad_phase: DefaultBroadPhase,
    narrow_phase: NarrowPhase,
    bodies: RigidBodySet,
    colliders: ColliderSet,
    impulse_joints: ImpulseJointSet,
    multibody_joints: MultibodyJointSet,
    soft_bodies: SoftBodySet,
    ccd_solver: CCDSolver,
    /// The Rapier body of each manyworlds body, in scene order.
    handles: Vec<RigidBodyHandle>,
}

impl World {
    fn new(scene: &Scene, params: &StepParams, world_pose: Option<WorldPoseFn>, w: u64) -> Self {
        let mut bodies = RigidBodySet::new();
        let mut colliders = ColliderSet::new();
        let mut handles = Vec::with_capacity(scene.body_count());
        for (i, body) in scene.bodies().iter().enumerate() {
            let pose = match world_pose {
                Some(f) => f(w, i, &body.pose),
                None => body.pose,
            };
            let builder = if body.is_dynamic() {
                let m = &body.mass;
                let inertia = rapier3d::math::Matrix::from_cols_array(&m.inertia.to_cols_array());
                RigidBodyBuilder::dynamic()
                    .linvel(vector(body.linear_velocity))
                    .angvel(vector(body.angular_velocity))
                    .additional_mass_properties(MassProperties::with_inertia_matrix(
                        vector(m.center_of_mass),
                        m.mass,
                        inertia,
                    ))
                    .can_sleep(false)
                    .ccd_enabled(false)
            } else {
                RigidBodyBuilder::fixed()
            };
            let handle = bodies.insert(builder.pose(rapier_pose(&pose)));
            for c in scene.colliders()[body.colliders.clone()].iter() {
                let (shape, pose) = match c.shape {
                    Shape::Plane => (SharedShape::halfspace(Vector::Z), c.pose),
                    Shape::Sphere { radius } => (SharedShape::ball(radius), c.pose),
                    Shape::Capsule {
                        half_length,
                        radius,
                    } => (SharedShape::capsule_z(half_length, radius), c.pose),
                    Shape::Cuboid { half_extents } => (
                        SharedShape::cuboid(half_extents.x, half_extents.y, half_extents.z),
                        c.pose,
                    ),
                    // Rapier's cylinder stands on its y axis, manyworlds' on z.
                    Shape::Cylinder {
                        half_length,
                        radius,
                    } => (
                        SharedShape::cylinder(half_length, radius),
                        c.pose
                            .compose(&Pose::new(Vec3::ZERO, Quat::from_rotation_x(FRAC_PI_2))),
                    ),
                    // `unsupported` checked that Rapier builds it.
                    Shape::Hull { .. } => match hull_shape(scene, &c.shape) {
                        Some(shape) => (shape, c.pose),
                        None => continue,
                    },
                };
                colliders.insert_with_parent(
                    ColliderBuilder::new(shape)
                        .position(rapier_pose(&pose))
                        .density(0.0)
                        .friction(c.material.friction)
                        .restitution(c.material.restitution),
                    handle,
                    &mut bodies,
                );
            }
            handles.push(handle);
        }
        World {
            gravity: vector(params.gravity),
            params: IntegrationParameters {
                dt: params.dt,
                ..IntegrationParameters::default()
            },
            pipeline: PhysicsPipeline::new(),
            islands: IslandManager::new(),
            broad_phase: DefaultBroadPhase::new(),
            narrow_phase: NarrowPhase::new(),
            bodies,
            colliders,
            impulse_joints: ImpulseJointSet::new(),
            multibody_joints: MultibodyJointSet::new(),
            soft_bodies: SoftBodySet::new(),
            ccd_solver: CCDSolver::new(),
            handles,
        }
    }

    fn step(&mut self) {
        self.pipeline.step(
            self.gravity,
            &self.params,
            &mut self.islands,
            &mut self.broad_phase,
            &mut self.narrow_phase,
            &mut self.bodies,
            &mut self.colliders,
            &mut self.impulse_joints,
            &mut self.multibody_joints,
            &mut self.soft_bodies,
            &mut self.ccd_solver,
            &(),
            &(),
        );
    }
}

/// N Rapier worlds of one scene.
pub struct RapierBatch {
    worlds: Vec<World>,
}

impl RapierBatch {
    /// `n` worlds of `scene` at step 0 (the per-world poses of a built-in scene included);
    /// the caller checked [`unsupported`].
    pub fn new(
        scene: &Scene,
        params: &StepParams,
        world_pose: Option<WorldPoseFn>,
        n: usize,
    ) -> Self {
        RapierBatch {
            worlds: (0..n as u64)
                .into_par_iter()
                .map(|w| World::new(scene, params, world_pose, w))
                .collect(),
        }
    }

    /// Advances every world by `k` steps, in lockstep.
    pub fn step_n(&mut self, k: u32) {
        for _ in 0..k {
            self.worlds.par_iter_mut().for_each(World::step);
        }
    }

    /// manyworlds' plausibility figures of the Rapier states, laid out as a manyworlds batch
    /// and measured by the same code (`Plausibility::measure`).
    pub fn plausibility(&self, scene: &Scene) -> Plausibility {
        let stride = scene.body_count();
        let len = self.worlds.len() * stride;
        let mut positions = vec![Vec3::ZERO; len];
        let mut orientations = vec![Quat::IDENTITY; len];
        let mut linear = vec![Vec3::ZERO; len];
        let mut angular = vec![Vec3::ZERO; len];
        for (w, world) in self.worlds.iter().enumerate() {
            for (i, &handle) in world.handles.iter().enumerate() {
                let body = &world.bodies[handle];
                let k = w * stride + i;
                let (p, q) = (body.translation(), body.rotation());
                let (v, omega) = (body.linvel(), body.angvel());
                positions[k] = Vec3::new(p.x, p.y, p.z);
                orientations[k] = Quat::from_xyzw(q.x, q.y, q.z, q.w);
                linear[k] = Vec3::new(v.x, v.y, v.z);
                angular[k] = Vec3::new(omega.x, omega.y, omega.z);
            }
        }
        Plausibility::measure(scene, &positions, &orientations, &linear, &angular)
    }
}
