//! One step of one world: the TGS-soft step of DESIGN.md.
//!
//! 1. broad phase over grown boxes;
//! 2. narrow phase once per step, with a speculative margin;
//! 3. warm start matched by feature id;
//! 4. substeps: integrate velocities → warm start → solve with bias → integrate positions →
//!    relax;
//! 5. restitution, store impulses.
//!
//! Everything a world needs is in its own slices, so a world evolves the same bits whatever
//! else is in the batch and whichever thread runs it.

use glam::{Quat, Vec3, Vec3A};
use manyworlds_core::{Pose, Scene, Shape, StepParams};

use crate::broadphase::{find_pairs, Aabb};
use crate::coloring::Coloring;
use crate::coloring::MAX_COLORS;
use crate::contact_cache::{pair_key, ContactCache};
use crate::contact_solver::{BodyPair, ContactConstraint, SolvePass};
use crate::narrowphase::collide;
use crate::softness::Softness;
use crate::solver_body::{SolverBody, Velocity};

/// The state of one world, body by body: body-frame positions and orientations, centre-of-mass
/// velocities.
pub struct WorldState<'a> {
    pub positions: &'a mut [Vec3],
    pub orientations: &'a mut [Quat],
    pub linear_velocities: &'a mut [Vec3],
    pub angular_velocities: &'a mut [Vec3],
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
    coloring: Coloring,
}

/// What one step of one world reports.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct WorldStepReport {
    /// False when some body's state stopped being finite: the world was not written back.
    pub finite: bool,
    pub contact_points: u32,
}

fn collider_box(shape: &Shape, pose: &Pose, grow: f32) -> Aabb {
    let half = match *shape {
        Shape::Plane => return Aabb::EVERYTHING,
        Shape::Sphere { radius } => Vec3::splat(radius),
        Shape::Capsule {
            half_length,
            radius,
        } => (pose.orientation * Vec3::new(0.0, 0.0, half_length)).abs() + radius,
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

    // Bodies, at their centres of mass.
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
                + collider.shape.bounding_radius();
            (velocity.linear.length() + gravity_travel + velocity.angular.length() * arm) * dt
        } else {
            0.0
        };
        scratch.boxes.push(collider_box(
            &collider.shape,
            &pose,
            reach + 0.5 * params.speculative_distance,
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
        },
        &mut scratch.sweep_order,
        &mut scratch.pairs,
    );

    // Narrow phase and constraint preparation, warm-started from the cache.
    let contact_hertz = params.contact_hertz.min(0.25 * inv_h);
    let soft = Softness::new(contact_hertz, params.contact_damping_ratio, h);
    let static_soft = Softness::new(2.0 * contact_hertz, params.contact_damping_ratio, h);
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
        let softness = if a.is_dynamic() { soft } else { static_soft };
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
            &ca.material,
            &cb.material,
            softness,
            cache.find(key),
        );
        constraint_count += 1;
    }
    let constraints = &mut scratch.constraints[..constraint_count];

    let solver_bodies = &mut scratch.bodies;
    let velocities = &mut scratch.velocities;
    for c in constraints.iter() {
        solver_bodies[c.body_a as usize].in_contact = true;
        solver_bodies[c.body_b as usize].in_contact = true;
    }

    // Solve order: by graph colour.
    scratch.coloring.compute(
        constraints.len(),
        solver_bodies.len(),
        |k| {
            let c = &constraints[k];
            (c.body_a as usize, c.body_b as usize)
        },
        |b| solver_bodies[b].is_dynamic(),
    );
    let order = &scratch.coloring.order;
    let color_starts = &scratch.coloring.color_starts;

    let biased = SolvePass {
        inv_h,
        max_push_out_speed: params.max_push_out_speed,
        use_bias: true,
    };
    let relax = SolvePass {
        use_bias: false,
        ..biased
    };
    for _ in 0..params.substeps {
        for (body, v) in solver_bodies.iter().zip(velocities.iter_mut()) {
            if body.is_dynamic() {
                v.accelerate(params.gravity, h);
            }
        }
        for_each_in_order(order, constraints, solver_bodies, velocities, |c, pair| {
            c.warm_start(pair)
        });
        solve_in_order(
            order,
            color_starts,
            constraints,
            solver_bodies,
            velocities,
            biased,
        );
        for (body, v) in solver_bodies.iter_mut().zip(velocities.iter_mut()) {
            if body.is_dynamic() {
                body.integrate_position(v, h, params.gravity);
            }
        }
        solve_in_order(
            order,
            color_starts,
            constraints,
            solver_bodies,
            velocities,
            relax,
        );
    }
    for_each_in_order(order, constraints, solver_bodies, velocities, |c, pair| {
        c.apply_restitution(pair, params.restitution_threshold)
    });

    let finite = solver_bodies.iter().all(SolverBody::is_finite)
        && velocities.iter().all(Velocity::is_finite);
    let contact_points = constraints.iter().map(|c| c.count as u32).sum();
    if finite {
        cache.manifolds.clear();
        cache
            .manifolds
            .extend(constraints.iter().map(ContactConstraint::cached));
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
        finite,
        contact_points,
    }
}

/// One solve pass in colour order. Within a colour, constraints go two at a time (they share
/// no dynamic body) so their dependency chains overlap; the last, overflow colour, whose
/// members may share bodies, goes one by one.
fn solve_in_order(
    order: &[u32],
    color_starts: &[u32],
    constraints: &mut [ContactConstraint],
    bodies: &[SolverBody],
    velocities: &mut [Velocity],
    pass: SolvePass,
) {
    for color in 0..=MAX_COLORS {
        let members = &order[color_starts[color] as usize..color_starts[color + 1] as usize];
        if color == MAX_COLORS {
            for_each_in_order(members, constraints, bodies, velocities, |c, pair| {
                c.solve(pair, pass)
            });
            continue;
        }
        let mut pairs = members.chunks_exact(2);
        for two in &mut pairs {
            let (k1, k2) = (two[0] as usize, two[1] as usize);
            let (c1, c2) = two_constraints(constraints, k1, k2);
            let (a1, b1) = (c1.body_a as usize, c1.body_b as usize);
            let (a2, b2) = (c2.body_a as usize, c2.body_b as usize);
            let mut p1 = BodyPair::new(&bodies[a1], &bodies[b1], velocities[a1], velocities[b1]);
            let mut p2 = BodyPair::new(&bodies[a2], &bodies[b2], velocities[a2], velocities[b2]);
            ContactConstraint::solve_two((c1, &mut p1), (c2, &mut p2), pass);
            // A shared body of a colour is static: written back unchanged, in any order.
            velocities[a1] = p1.va;
            velocities[b1] = p1.vb;
            velocities[a2] = p2.va;
            velocities[b2] = p2.vb;
        }
        for_each_in_order(
            pairs.remainder(),
            constraints,
            bodies,
            velocities,
            |c, pair| c.solve(pair, pass),
        );
    }
}

/// Mutable references to two distinct constraints.
fn two_constraints(
    constraints: &mut [ContactConstraint],
    i: usize,
    j: usize,
) -> (&mut ContactConstraint, &mut ContactConstraint) {
    debug_assert_ne!(i, j);
    if i < j {
        let (low, high) = constraints.split_at_mut(j);
        (&mut low[i], &mut high[0])
    } else {
        let (low, high) = constraints.split_at_mut(i);
        (&mut high[0], &mut low[j])
    }
}

/// Runs `f` on each constraint in solve order with its two bodies: their velocities are
/// copied in and written back (a static body's comes back unchanged).
#[inline(always)]
fn for_each_in_order(
    order: &[u32],
    constraints: &mut [ContactConstraint],
    bodies: &[SolverBody],
    velocities: &mut [Velocity],
    mut f: impl FnMut(&mut ContactConstraint, &mut BodyPair),
) {
    for &k in order {
        let c = &mut constraints[k as usize];
        let (ia, ib) = (c.body_a as usize, c.body_b as usize);
        let mut pair = BodyPair::new(&bodies[ia], &bodies[ib], velocities[ia], velocities[ib]);
        f(c, &mut pair);
        velocities[ia] = pair.va;
        velocities[ib] = pair.vb;
    }
}
