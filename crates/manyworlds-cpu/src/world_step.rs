//! One step of one world: the TGS-soft step of DESIGN.md.
//!
//! 1. broad phase over grown boxes;
//! 2. narrow phase once per step, with a speculative margin; joints prepared, actuators'
//!    controls turned into drives;
//! 3. warm start matched by feature id (joints: their impulses of the last step);
//! 4. substeps: integrate velocities (gravity, half the gyroscopic torque) → impacts → warm
//!    start → solve with bias → integrate positions (and the other half) → relax;
//! 5. restitution, store impulses, actuator forces.
//!
//! Everything a world needs is in its own slices, so a world evolves the same bits whatever
//! else is in the batch and whichever thread runs it.

use glam::{Quat, Vec3, Vec3A};
use manyworlds_core::{ActuatorKind, ConvexHull, Pose, Scene, Shape, StepParams};

use crate::articulation_solver::TreeFactor;
use crate::broadphase::{find_pairs, Aabb};
use crate::coloring::Coloring;
use crate::compound_rows::{hand_out_axes, CompoundRows};
use crate::contact_cache::{pair_key, ContactCache};
use crate::contact_solver::{BodyPair, ContactConstraint, SolvePass};
use crate::joint_drive::{AxialDrive, Servo};
use crate::joint_solver::{JointConstraint, JointImpulses, JointPass};
use crate::narrowphase::collide;
use crate::solver_body::{SolverBody, Velocity};
use crate::substep_solver::SubstepSolver;
use manyworlds_core::joint_tree::JointTree;
use manyworlds_core::{loaded_contact_hertz, Softness};

/// The state of one world, body by body: body-frame positions and orientations, centre-of-mass
/// velocities; its joints' warm-start impulses and accumulated angles (a revolute joint's q,
/// turns counted); its controls (in) and actuator forces (out).
pub struct WorldState<'a> {
    pub positions: &'a mut [Vec3],
    pub orientations: &'a mut [Quat],
    pub linear_velocities: &'a mut [Vec3],
    pub angular_velocities: &'a mut [Vec3],
    pub joint_impulses: &'a mut [JointImpulses],
    pub joint_angles: &'a mut [f32],
    pub controls: &'a [f32],
    pub actuator_forces: &'a mut [f32],
}

/// Buffers reused from step to step (one per thread), so stepping allocates nothing once warm.
#[derive(Default)]
pub struct Scratch {
    bodies: Vec<SolverBody>,
    velocities: Vec<Velocity>,
    collider_poses: Vec<Pose>,
    /// How far each collider's surface can travel in one step.
    collider_reach: Vec<f32>,
    boxes: Vec<Aabb>,
    sweep_order: Vec<u32>,
    pairs: Vec<(u32, u32)>,
    /// Constraint slots, reused from step to step; this step's are the first
    /// `constraint_count`.
    constraints: Vec<ContactConstraint>,
    joints: Vec<JointConstraint>,
    drives: Vec<Option<AxialDrive>>,
    tree_factor: TreeFactor,
    coloring: Coloring,
}

/// What one step of one world reports.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct WorldStepReport {
    /// The lowest index of a body whose state stopped being finite: the world was not
    /// written back.
    pub non_finite_body: Option<u32>,
    pub contact_points: u32,
}

fn collider_box(shape: &Shape, pose: &Pose, grow: f32, hulls: &[ConvexHull]) -> Aabb {
    let half = match *shape {
        Shape::Plane => return Aabb::EVERYTHING,
        // Its bounding sphere about the collider's origin (as the GPU's step.wgsl).
        Shape::Hull { .. } => Vec3::splat(shape.bounding_radius_in(hulls)),
        Shape::Sphere { radius } => Vec3::splat(radius),
        Shape::Capsule {
            half_length,
            radius,
        } => (pose.orientation * Vec3::new(0.0, 0.0, half_length)).abs() + radius,
        Shape::Cylinder {
            half_length,
            radius,
        } => {
            // Per world axis: the axis' reach plus the rim's, r·√(1 − u_i²).
            let u = pose.orientation * Vec3::Z;
            u.abs() * half_length + (Vec3::ONE - u * u).max(Vec3::ZERO).powf(0.5) * radius
        }
        Shape::Cuboid { half_extents } => {
            let r = glam::Mat3::from_quat(pose.orientation);
            r.x_axis.abs() * half_extents.x
                + r.y_axis.abs() * half_extents.y
                + r.z_axis.abs() * half_extents.z
        }
    } + grow;
    Aabb {
        min: pose.position - half,
        max: pose.position + half,
    }
}

/// Advances one world by `params.dt`. On a non-finite result the world's state is left as it
/// was before the step and the report says so.
pub fn step_world(
    scene: &Scene,
    tree: &JointTree,
    params: &StepParams,
    state: WorldState<'_>,
    cache: &mut ContactCache,
    scratch: &mut Scratch,
) -> WorldStepReport {
    let dt = params.dt;
    let h = params.substep_dt();
    let inv_h = 1.0 / h;
    let bodies = scene.bodies();
    let colliders = scene.colliders();

    // Bodies, at their centres of mass, and a static stand-in for the world (the parent of
    // joints that have none) after them.
    scratch.bodies.clear();
    scratch.velocities.clear();
    for (i, body) in bodies.iter().enumerate() {
        let q = state.orientations[i];
        scratch.bodies.push(SolverBody::new(
            state.positions[i] + q * body.mass.center_of_mass,
            q,
            body.inverse_mass,
            &body.inverse_inertia,
        ));
        scratch.velocities.push(Velocity {
            linear: state.linear_velocities[i].into(),
            angular: state.angular_velocities[i].into(),
        });
    }
    // A non-finite value written into the state names its body (the culprit, not the bodies
    // it would spread to) and the world is not stepped.
    if let Some(i) = scratch
        .bodies
        .iter()
        .zip(&scratch.velocities)
        .position(|(b, v)| !(b.is_finite() && v.is_finite()))
    {
        return WorldStepReport {
            non_finite_body: Some(i as u32),
            contact_points: 0,
        };
    }
    let world_body = bodies.len();
    scratch.bodies.push(SolverBody::new(
        Vec3::ZERO,
        Quat::IDENTITY,
        0.0,
        &glam::Mat3::ZERO,
    ));
    scratch.velocities.push(Velocity::default());

    // Broad phase: colliders in the world, boxes grown by what they can travel this step.
    scratch.collider_poses.clear();
    scratch.collider_reach.clear();
    scratch.boxes.clear();
    let gravity_travel = params.gravity.length() * dt;
    for collider in colliders {
        let body = &scratch.bodies[collider.body];
        let velocity = &scratch.velocities[collider.body];
        let body_pose = Pose::new(state.positions[collider.body], body.orientation);
        let pose = body_pose.compose(&collider.pose);
        let reach = if body.is_dynamic() {
            let arm = (Vec3A::from(pose.position) - body.center).length()
                + collider.shape.bounding_radius_in(scene.hulls());
            (velocity.linear.length() + gravity_travel + velocity.angular.length() * arm) * dt
        } else {
            0.0
        };
        scratch.boxes.push(collider_box(
            &collider.shape,
            &pose,
            reach + 0.5 * params.speculative_distance,
            scene.hulls(),
        ));
        scratch.collider_poses.push(pose);
        scratch.collider_reach.push(reach);
    }
    find_pairs(
        &scratch.boxes,
        |i, j| {
            let (a, b) = (&colliders[i], &colliders[j]);
            a.body != b.body
                && (bodies[a.body].is_dynamic() || bodies[b.body].is_dynamic())
                && a.filter.can_touch(&b.filter)
                && !scene.collision_excluded(a.body, b.body)
        },
        &mut scratch.sweep_order,
        &mut scratch.pairs,
    );

    // Joints, with what the actuators make of this step's controls.
    let joint_count = scene.joints().len();
    prepare_drives(scene, state.controls, &mut scratch.drives);
    scratch
        .joints
        .resize(joint_count, JointConstraint::default());
    for (k, joint) in scene.joints().iter().enumerate() {
        let ia = joint.parent.unwrap_or(world_body);
        let ib = joint.child;
        let com = |b: usize| bodies.get(b).map_or(Vec3::ZERO, |b| b.mass.center_of_mass);
        let pair = BodyPair::new(
            &scratch.bodies[ia],
            &scratch.bodies[ib],
            scratch.velocities[ia],
            scratch.velocities[ib],
        );
        scratch.joints[k].prepare(
            joint,
            ia as u32,
            ib as u32,
            &pair,
            com(ia),
            com(ib),
            scratch.drives[k],
            state.joint_impulses[k],
            state.joint_angles[k],
        );
    }
    // Compound joints: the first member takes the rows, the others their axes.
    for compound in scene.compounds() {
        let members = compound.members();
        let q: Vec<f32> = members.iter().map(|&j| state.joint_angles[j]).collect();
        let leader = members[0];
        let (ia, ib) = (
            scratch.joints[leader].body_a as usize,
            scratch.joints[leader].body_b as usize,
        );
        let com = |b: usize| bodies.get(b).map_or(Vec3::ZERO, |b| b.mass.center_of_mass);
        let rows = CompoundRows::new(compound, com(ia), com(ib), &q);
        let pair = BodyPair::new(
            &scratch.bodies[ia],
            &scratch.bodies[ib],
            scratch.velocities[ia],
            scratch.velocities[ib],
        );
        scratch.joints[leader].lead_compound(rows, &pair);
        for &member in &members[1..] {
            scratch.joints[member].follow_compound();
        }
    }
    hand_out_axes(
        &mut scratch.joints[..joint_count],
        Some((&scratch.bodies, &scratch.velocities)),
    );
    // The trees' system, factored where the step starts.
    let tree_factored = joint_count > 0
        && scratch
            .tree_factor
            .factor(tree, &scratch.joints[..joint_count], &scratch.bodies);
    if tree_factored {
        scratch.tree_factor.subtree_masses(
            tree,
            &mut scratch.joints[..joint_count],
            &scratch.bodies,
        );
    }

    // Narrow phase and constraint preparation, warm-started from the cache.
    // Contact stiffness: contact_hertz between dynamic bodies, twice that against static ones,
    // raised with the load a contact carried last step (softness.rs `loaded_contact_hertz`).
    let contact_hertz = params.contact_hertz.min(0.25 * inv_h);
    let max_hertz = 0.25 * inv_h;
    let gravity = params.gravity.length();
    let mut constraint_count = 0;
    for &(i, j) in &scratch.pairs {
        let (ca, cb) = (&colliders[i as usize], &colliders[j as usize]);
        let margin = params.speculative_distance
            + scratch.collider_reach[i as usize]
            + scratch.collider_reach[j as usize];
        let manifold = collide(
            &ca.shape,
            &scratch.collider_poses[i as usize],
            &cb.shape,
            &scratch.collider_poses[j as usize],
            margin,
            scene.hulls(),
        );
        if manifold.is_empty() {
            continue;
        }
        let key = pair_key(i, j);
        // A static body always goes first (see ContactConstraint).
        let (ca, cb, manifold) = if scratch.bodies[cb.body].is_dynamic() {
            (ca, cb, manifold)
        } else {
            (cb, ca, manifold.flipped())
        };
        let (a, b) = (&scratch.bodies[ca.body], &scratch.bodies[cb.body]);
        let (va, vb) = (&scratch.velocities[ca.body], &scratch.velocities[cb.body]);
        let cached = cache.find(key);
        let load = cached.map_or(0.0, |m| {
            m.points[..m.count]
                .iter()
                .map(|p| p.normal_impulse)
                .sum::<f32>()
                * inv_h
        });
        let base_hertz = if a.is_dynamic() {
            contact_hertz
        } else {
            2.0 * contact_hertz
        };
        let hertz = loaded_contact_hertz(
            base_hertz,
            load,
            a.inverse_mass + b.inverse_mass,
            gravity,
            max_hertz,
        );
        let softness = Softness::new(hertz, params.contact_damping_ratio, h);
        if scratch.constraints.len() == constraint_count {
            scratch.constraints.push(ContactConstraint::default());
        }
        scratch.constraints[constraint_count].prepare(
            &manifold,
            key,
            ca.body as u32,
            cb.body as u32,
            a,
            b,
            va,
            vb,
            params.gravity,
            &ca.material,
            &cb.material,
            softness,
            cached,
        );
        constraint_count += 1;
    }
    let constraints = &mut scratch.constraints[..constraint_count];
    let joints = &mut scratch.joints[..joint_count];

    let solver_bodies = &mut scratch.bodies;
    let velocities = &mut scratch.velocities;
    let constrained = constraints
        .iter()
        .map(|c| (c.body_a, c.body_b))
        .chain(joints.iter().map(|j| (j.body_a, j.body_b)));
    for (a, b) in constrained {
        solver_bodies[a as usize].in_contact = true;
        solver_bodies[b as usize].in_contact = true;
    }

    // Contacts' solve order: by graph colour.
    scratch.coloring.compute(
        constraints.len(),
        solver_bodies.len(),
        |k| {
            let c = &constraints[k];
            (c.body_a as usize, c.body_b as usize)
        },
        |b| solver_bodies[b].is_dynamic(),
    );
    let bounces = constraints.iter().any(ContactConstraint::bounces);
    let mut solver = SubstepSolver {
        order: &scratch.coloring.order,
        color_starts: &scratch.coloring.color_starts,
        constraints,
        joints,
        tree,
        factor: &mut scratch.tree_factor,
        tree_factored,
        bodies: solver_bodies,
        velocities,
        bounces,
    };
    let biased = SolvePass {
        inv_h,
        max_push_out_speed: params.max_push_out_speed,
        use_bias: true,
    };
    let relax = SolvePass {
        use_bias: false,
        ..biased
    };
    let joint_biased = JointPass {
        h,
        inv_h,
        use_bias: true,
        softness: Softness::new(
            params.joint_hertz.min(0.25 * inv_h),
            params.joint_damping_ratio,
            h,
        ),
        spring_kick: 0.0,
    };
    let joint_relax = JointPass {
        use_bias: false,
        ..joint_biased
    };
    // Joint rows follow the bodies: rebuilt (and the trees refactored) wherever positions
    // changed, so both passes constrain velocities along the current configuration.
    for substep in 0..params.substeps {
        let (first, last) = (substep == 0, substep + 1 == params.substeps);
        solver.record_limit_starts();
        solver.integrate_velocities(params.gravity, h, if first { 0.5 * h } else { h });
        solver.collide_impacts(params.restitution_threshold);
        solver.warm_start(h);
        solver.solve(biased);
        solver.solve_joints(&JointPass {
            spring_kick: if first { 0.5 * h } else { h },
            ..joint_biased
        });
        solver.integrate_positions(params.gravity, h, if last { 0.5 * h } else { 0.0 });
        solver.prepare_joints();
        solver.solve(relax);
        solver.solve_joints(&JointPass {
            spring_kick: if last { 0.5 * h } else { 0.0 },
            ..joint_relax
        });
    }
    solver.apply_restitution(params.restitution_threshold);

    let non_finite_body = solver_bodies
        .iter()
        .zip(velocities.iter())
        .position(|(b, v)| !(b.is_finite() && v.is_finite()))
        .map(|i| i as u32);
    let finite = non_finite_body.is_none();
    let contact_points = constraints.iter().map(|c| c.count as u32).sum();
    if finite {
        cache.manifolds.clear();
        cache
            .manifolds
            .extend(constraints.iter().map(ContactConstraint::cached));
        for (stored, joint) in state.joint_impulses.iter_mut().zip(joints.iter_mut()) {
            joint.store_impulses();
            *stored = joint.impulses;
        }
        for (angle, joint) in state.joint_angles.iter_mut().zip(joints.iter()) {
            *angle = joint.accumulated_angle();
        }
        write_actuator_forces(scene, state.controls, joints, h, state.actuator_forces);
        for (i, body) in bodies.iter().enumerate() {
            if !body.is_dynamic() {
                continue;
            }
            let (solver, v) = (&solver_bodies[i], &velocities[i]);
            state.positions[i] =
                Vec3::from(solver.center) - solver.orientation * body.mass.center_of_mass;
            state.orientations[i] = solver.orientation;
            state.linear_velocities[i] = v.linear.into();
            state.angular_velocities[i] = v.angular.into();
        }
    }
    WorldStepReport {
        non_finite_body,
        contact_points,
    }
}

/// Each joint's passive drive, plus what its actuators make of `controls` (clamped to their
/// ranges; a motor adds gear × control, a servo becomes a spring–damper with gear² gains).
fn prepare_drives(scene: &Scene, controls: &[f32], drives: &mut Vec<Option<AxialDrive>>) {
    drives.clear();
    drives.extend(
        scene
            .joints()
            .iter()
            .map(|j| j.kind.is_single_axis().then(|| AxialDrive::of(j))),
    );
    for (actuator, &control) in scene.actuators().iter().zip(controls) {
        let Some(drive) = drives[actuator.joint].as_mut() else {
            continue;
        };
        let u = actuator.clamp_control(control);
        let gear = actuator.gear;
        let max_force = actuator
            .force_limit
            .map_or(f32::INFINITY, |f| f * gear.abs());
        match actuator.kind {
            ActuatorKind::Motor => drive.motor_force += gear * u,
            ActuatorKind::Position { kp, kv } => {
                drive.servo = Some(Servo {
                    stiffness: gear * gear * kp,
                    damping: gear * gear * kv,
                    target_position: u / gear,
                    target_velocity: 0.0,
                    max_force,
                })
            }
            ActuatorKind::Velocity { kv } => {
                drive.servo = Some(Servo {
                    stiffness: 0.0,
                    damping: gear * gear * kv,
                    target_position: 0.0,
                    target_velocity: u / gear,
                    max_force,
                })
            }
        }
    }
}

/// Actuator forces in actuator space (MuJoCo's `actuator_force`): a motor's is its clamped
/// control, a servo's the joint force of its last substep divided by the gear.
fn write_actuator_forces(
    scene: &Scene,
    controls: &[f32],
    joints: &[JointConstraint],
    h: f32,
    forces: &mut [f32],
) {
    for ((actuator, &control), force) in scene.actuators().iter().zip(controls).zip(forces) {
        *force = match actuator.kind {
            ActuatorKind::Motor => actuator.clamp_control(control),
            _ => joints[actuator.joint].servo_force(h) / actuator.gear,
        };
    }
}
