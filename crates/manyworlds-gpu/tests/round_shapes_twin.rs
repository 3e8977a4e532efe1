//! Kernel twins of the round-shape narrow phase: sphere_sphere, sphere_capsule, sphere_box,
//! sphere_cylinder, capsule_capsule, capsule_box, cylinder_capsule, cylinder_box and
//! cylinder_cylinder in WGSL (shaders/narrowphase_{segment,sphere,capsule,convex,cylinder}.wgsl)
//! against the Rust functions of manyworlds-cpu, on random and special configurations.
//!
//! A case passes when both give the same point count, normal, positions and separations
//! (within 1e-5 times the case's size; 1e-3 for the cylinder pairs whose normal is found by a
//! search over directions: the gap is flat at its maximum, so round-off-sized differences in
//! it move the best direction by up to ~7e-4 rad, while the separations, stationary there,
//! agree to ~1e-7) and identical feature ids, in the same order or, where candidates of equal
//! depth sorted differently, in another. A case that differs counts
//! as a tie, and is skipped, only when the Rust function alone shows it cannot be compared
//! that closely: nudging the input by ~1e-6 changes the Rust manifold's point count, feature
//! ids or normal (a decision boundary), or nudging it by 1e-7 already moves the Rust manifold
//! by more than the tolerance (ill-conditioned). Ties must stay under 2% of the cases.

mod support;

use std::f32::consts::{FRAC_PI_2, PI};

use glam::{Quat, Vec3};
use manyworlds_core::{Pose, Shape};
use manyworlds_cpu::narrowphase::{
    capsule_box, capsule_capsule, cylinder_box, cylinder_capsule, cylinder_cylinder, sphere_box,
    sphere_capsule, sphere_cylinder, sphere_sphere, Manifold,
};
use manyworlds_gpu::layout::{GpuContactPoint, GpuManifold};
use manyworlds_gpu::testing::gpu_or_skip;
use support::{run_collide, same_manifold, same_points_in_any_order, CollideCase, SplitMix64};

const CASES: usize = 500;

/// The case generator: SplitMix64 with helpers for shapes and poses.
struct Rng(SplitMix64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f32 {
        self.0.unit()
    }
    fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.unit()
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
    /// Uniform in the cube [-s, s]³.
    fn vec(&mut self, s: f32) -> Vec3 {
        Vec3::new(self.range(-s, s), self.range(-s, s), self.range(-s, s))
    }
    fn direction(&mut self) -> Vec3 {
        loop {
            let v = self.vec(1.0);
            if v.length_squared() > 1e-3 && v.length_squared() <= 1.0 {
                return v.normalize();
            }
        }
    }
    /// A random rotation; one time in eight an axis-aligned one (flat and edge-on cases).
    fn quat(&mut self) -> Quat {
        if self.below(8) == 0 {
            return Quat::from_rotation_x(FRAC_PI_2 * self.below(4) as f32)
                * Quat::from_rotation_y(FRAC_PI_2 * self.below(4) as f32);
        }
        loop {
            let q = Quat::from_xyzw(
                self.range(-1.0, 1.0),
                self.range(-1.0, 1.0),
                self.range(-1.0, 1.0),
                self.range(-1.0, 1.0),
            );
            if q.length_squared() > 1e-2 {
                return q.normalize();
            }
        }
    }
    fn half_extents(&mut self) -> Vec3 {
        Vec3::new(
            self.range(0.05, 0.8),
            self.range(0.05, 0.8),
            self.range(0.05, 0.8),
        )
    }
}

/// The pair functions under test.
#[derive(Clone, Copy, Debug)]
enum Pair {
    SphereSphere,
    SphereCapsule,
    SphereBox,
    SphereCylinder,
    CapsuleCapsule,
    CapsuleBox,
    CylinderCapsule,
    CylinderBox,
    CylinderCylinder,
}

impl Pair {
    /// The agreement asked for, relative to the case's size.
    fn tolerance(self) -> f32 {
        match self {
            Pair::CylinderCapsule | Pair::CylinderBox | Pair::CylinderCylinder => 1e-3,
            _ => 1e-5,
        }
    }

    fn wgsl(self) -> (&'static str, &'static str) {
        match self {
            Pair::SphereSphere => (
                "narrowphase_sphere.wgsl",
                "sphere_sphere(c.pose_a, c.shape_a.size.x, c.pose_b, c.shape_b.size.x, c.margin)",
            ),
            Pair::SphereCapsule => (
                "narrowphase_sphere.wgsl",
                "sphere_capsule(c.pose_a, c.shape_a.size.x, c.pose_b, c.shape_b.size.x, \
                 c.shape_b.size.y, c.margin)",
            ),
            Pair::SphereBox => (
                "narrowphase_sphere.wgsl",
                "sphere_box(c.pose_a, c.shape_a.size.x, c.pose_b, c.shape_b.size, c.margin)",
            ),
            Pair::SphereCylinder => (
                "narrowphase_sphere.wgsl",
                "sphere_cylinder(c.pose_a, c.shape_a.size.x, c.pose_b, c.shape_b.size.x, \
                 c.shape_b.size.y, c.margin)",
            ),
            Pair::CylinderCapsule => (
                "narrowphase_cylinder.wgsl",
                "cylinder_capsule(c.pose_a, c.shape_a.size.x, c.shape_a.size.y, c.pose_b, \
                 c.shape_b.size.x, c.shape_b.size.y, c.margin)",
            ),
            Pair::CylinderBox => (
                "narrowphase_cylinder.wgsl",
                "cylinder_box(c.pose_a, c.shape_a.size.x, c.shape_a.size.y, c.pose_b, \
                 c.shape_b.size, c.margin)",
            ),
            Pair::CylinderCylinder => (
                "narrowphase_cylinder.wgsl",
                "cylinder_cylinder(c.pose_a, c.shape_a.size.x, c.shape_a.size.y, c.pose_b, \
                 c.shape_b.size.x, c.shape_b.size.y, c.margin)",
            ),
            Pair::CapsuleCapsule => (
                "narrowphase_capsule.wgsl",
                "capsule_capsule(c.pose_a, c.shape_a.size.x, c.shape_a.size.y, c.pose_b, \
                 c.shape_b.size.x, c.shape_b.size.y, c.margin)",
            ),
            Pair::CapsuleBox => (
                "narrowphase_capsule.wgsl",
                "capsule_box(c.pose_a, c.shape_a.size.x, c.shape_a.size.y, c.pose_b, \
                 c.shape_b.size, c.margin)",
            ),
        }
    }
}

/// One configuration, as the Rust side sees it.
#[derive(Clone, Copy, Debug)]
struct Case {
    a: Shape,
    pose_a: Pose,
    b: Shape,
    pose_b: Pose,
    margin: f32,
}

impl Case {
    fn rust(&self, pair: Pair) -> Manifold {
        let (pa, pb, m) = (&self.pose_a, &self.pose_b, self.margin);
        match (pair, self.a, self.b) {
            (Pair::SphereSphere, Shape::Sphere { radius: ra }, Shape::Sphere { radius: rb }) => {
                sphere_sphere(pa, ra, pb, rb, m)
            }
            (
                Pair::SphereCapsule,
                Shape::Sphere { radius },
                Shape::Capsule {
                    half_length,
                    radius: rb,
                },
            ) => sphere_capsule(pa, radius, pb, half_length, rb, m),
            (Pair::SphereBox, Shape::Sphere { radius }, Shape::Cuboid { half_extents }) => {
                sphere_box(pa, radius, pb, half_extents, m)
            }
            (
                Pair::CapsuleCapsule,
                Shape::Capsule {
                    half_length: la,
                    radius: ra,
                },
                Shape::Capsule {
                    half_length: lb,
                    radius: rb,
                },
            ) => capsule_capsule(pa, la, ra, pb, lb, rb, m),
            (
                Pair::CapsuleBox,
                Shape::Capsule {
                    half_length,
                    radius,
                },
                Shape::Cuboid { half_extents },
            ) => capsule_box(pa, half_length, radius, pb, half_extents, m),
            (
                Pair::SphereCylinder,
                Shape::Sphere { radius },
                Shape::Cylinder {
                    half_length,
                    radius: rb,
                },
            ) => sphere_cylinder(pa, radius, pb, half_length, rb, m),
            (
                Pair::CylinderCapsule,
                Shape::Cylinder {
                    half_length: la,
                    radius: ra,
                },
                Shape::Capsule {
                    half_length: lb,
                    radius: rb,
                },
            ) => cylinder_capsule(pa, la, ra, pb, lb, rb, m),
            (
                Pair::CylinderBox,
                Shape::Cylinder {
                    half_length,
                    radius,
                },
                Shape::Cuboid { half_extents },
            ) => cylinder_box(pa, half_length, radius, pb, half_extents, m),
            (
                Pair::CylinderCylinder,
                Shape::Cylinder {
                    half_length: la,
                    radius: ra,
                },
                Shape::Cylinder {
                    half_length: lb,
                    radius: rb,
                },
            ) => cylinder_cylinder(pa, la, ra, pb, lb, rb, m),
            _ => unreachable!("shapes do not fit {pair:?}"),
        }
    }

    /// The case's size: its largest shape dimension or coordinate, at least 1.
    fn scale(&self) -> f32 {
        let size = |s: &Shape| match *s {
            Shape::Sphere { radius } => radius,
            Shape::Capsule {
                half_length,
                radius,
            } => half_length + radius,
            Shape::Cuboid { half_extents } => half_extents.max_element(),
            Shape::Cylinder {
                half_length,
                radius,
            } => half_length.max(radius),
            Shape::Plane | Shape::Hull { .. } => 0.0,
        };
        let reach = |p: &Pose| p.position.abs().max_element();
        1f32.max(size(&self.a))
            .max(size(&self.b))
            .max(reach(&self.pose_a))
            .max(reach(&self.pose_b))
    }

    /// The same case nudged: both poses moved by up to `eps` (times the size) and turned by
    /// up to `eps` radians.
    fn nudged(&self, rng: &mut Rng, eps: f32) -> Case {
        let scale = self.scale();
        let mut nudge = |p: &Pose| {
            Pose::new(
                p.position + rng.vec(eps * scale),
                (Quat::from_scaled_axis(rng.vec(eps)) * p.orientation).normalize(),
            )
        };
        Case {
            pose_a: nudge(&self.pose_a),
            pose_b: nudge(&self.pose_b),
            ..*self
        }
    }
}

/// Places B along `dir` from A at the distance where the two first touch (bisection on the
/// Rust function, margin 0) plus `offset`: negative offsets overlap, positive ones separate.
fn place(
    pair: Pair,
    a: Shape,
    pose_a: Pose,
    b: Shape,
    rot_b: Quat,
    dir: Vec3,
    offset: f32,
) -> Pose {
    let touches = |d: f32| {
        let case = Case {
            a,
            pose_a,
            b,
            pose_b: Pose::new(pose_a.position + dir * d, rot_b),
            margin: 0.0,
        };
        !case.rust(pair).is_empty()
    };
    let (mut lo, mut hi) = (0.0f32, 8.0f32);
    if touches(hi) {
        return Pose::new(pose_a.position + dir * hi, rot_b);
    }
    for _ in 0..40 {
        let mid = 0.5 * (lo + hi);
        if touches(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Pose::new(pose_a.position + dir * (hi + offset).max(0.0), rot_b)
}

/// How far past first touch to put B: mostly near the surface (overlapping by up to
/// `0.2 small` or within the margin), sometimes deep, sometimes separated.
fn random_offset(rng: &mut Rng, margin: f32, small: f32) -> f32 {
    match rng.below(10) {
        0 => -rng.range(0.2 * small, 0.4),
        1 | 2 => margin + rng.range(0.0, 0.3),
        _ => rng.range(-0.2 * small, 1.2 * margin.max(1e-3)),
    }
}

fn random_case(pair: Pair, k: usize, rng: &mut Rng) -> Case {
    let margin = if rng.below(8) == 0 {
        0.0
    } else {
        rng.range(0.0, 0.05)
    };
    let pose_a = Pose::new(rng.vec(1.5), rng.quat());
    let mut rot_b = rng.quat();
    let dir = rng.direction();
    let special = k % 10;
    match pair {
        Pair::SphereSphere => {
            let (a, b) = (
                Shape::sphere(rng.range(0.05, 0.8)),
                Shape::sphere(rng.range(0.05, 0.8)),
            );
            let pose_b = match special {
                // Coincident centres: the fallback normal.
                0 => Pose::new(pose_a.position, rot_b),
                // Centres within COINCIDENT of each other, or just beyond.
                1 => Pose::new(pose_a.position + dir * rng.range(0.0, 3e-6), rot_b),
                _ => place(
                    pair,
                    a,
                    pose_a,
                    b,
                    rot_b,
                    dir,
                    random_offset(rng, margin, 0.05),
                ),
            };
            Case {
                a,
                pose_a,
                b,
                pose_b,
                margin,
            }
        }
        Pair::SphereCapsule => {
            let a = Shape::sphere(rng.range(0.05, 0.8));
            let hl = if special == 2 {
                0.0
            } else {
                rng.range(0.0, 0.8)
            };
            let b = Shape::capsule(hl, rng.range(0.02, 0.5));
            // Capsule B around the sphere: place B relative to A.
            let pose_b = match special {
                // Sphere centre on the capsule's axis: the sideways fallback normal.
                0 | 1 => {
                    let axis = rot_b * Vec3::Z;
                    let along = if special == 0 {
                        0.0
                    } else {
                        rng.range(-hl, hl)
                    };
                    Pose::new(pose_a.position - axis * along, rot_b)
                }
                _ => place(
                    pair,
                    a,
                    pose_a,
                    b,
                    rot_b,
                    dir,
                    random_offset(rng, margin, 0.05),
                ),
            };
            Case {
                a,
                pose_a,
                b,
                pose_b,
                margin,
            }
        }
        Pair::SphereBox => {
            let radius = rng.range(0.05, 0.8);
            let half = rng.half_extents();
            let (a, b) = (Shape::sphere(radius), Shape::cuboid(half));
            let pose_b = match special {
                // Sphere centre inside the box (the face of least penetration).
                0..=2 => {
                    let inside = Vec3::new(
                        rng.range(-0.95, 0.95) * half.x,
                        rng.range(-0.95, 0.95) * half.y,
                        rng.range(-0.95, 0.95) * half.z,
                    );
                    Pose::new(pose_a.position - rot_b * inside, rot_b)
                }
                // Exactly at the box centre.
                3 => Pose::new(pose_a.position, rot_b),
                // Resting on a face, centre above the face's interior.
                4 => {
                    let axis = rng.below(3) as usize;
                    let sign = if rng.below(2) == 0 { 1.0 } else { -1.0 };
                    let mut local = Vec3::new(
                        rng.range(-0.9, 0.9) * half.x,
                        rng.range(-0.9, 0.9) * half.y,
                        rng.range(-0.9, 0.9) * half.z,
                    );
                    local[axis] = sign * (half[axis] + radius + rng.range(-0.005, 0.02));
                    Pose::new(pose_a.position - rot_b * local, rot_b)
                }
                _ => place(
                    pair,
                    a,
                    pose_a,
                    b,
                    rot_b,
                    dir,
                    random_offset(rng, margin, 0.05),
                ),
            };
            Case {
                a,
                pose_a,
                b,
                pose_b,
                margin,
            }
        }
        Pair::SphereCylinder => {
            let radius = rng.range(0.05, 0.8);
            let (hl, rc) = (rng.range(0.02, 0.8), rng.range(0.02, 0.6));
            let (a, b) = (Shape::sphere(radius), Shape::cylinder(hl, rc));
            // B placed so that the sphere's centre is at `local` in the cylinder's frame.
            let at = |local: Vec3| Pose::new(pose_a.position - rot_b * local, rot_b);
            let pose_b =
                match special {
                    // Inside: leaves through the side or a cap.
                    0 | 1 => at(Vec3::new(
                        rng.range(-0.6, 0.6) * rc,
                        rng.range(-0.6, 0.6) * rc,
                        rng.range(-0.95, 0.95) * hl,
                    )),
                    // Over a cap, touching or within the margin.
                    2 => {
                        let sign = if rng.below(2) == 0 { 1.0 } else { -1.0 };
                        at(Vec3::new(
                            rng.range(-0.6, 0.6) * rc,
                            rng.range(-0.6, 0.6) * rc,
                            sign * (hl + radius + rng.range(-0.005, 0.02)),
                        ))
                    }
                    // Beside the side.
                    3 => {
                        let around = rng.range(0.0, 6.3);
                        let out = Vec3::new(around.cos(), around.sin(), 0.0);
                        at(out * (rc + radius + rng.range(-0.005, 0.02))
                            + Vec3::Z * rng.range(-hl, hl))
                    }
                    _ => place(
                        pair,
                        a,
                        pose_a,
                        b,
                        rot_b,
                        dir,
                        random_offset(rng, margin, 0.05),
                    ),
                };
            Case {
                a,
                pose_a,
                b,
                pose_b,
                margin,
            }
        }
        Pair::CylinderCapsule | Pair::CylinderBox | Pair::CylinderCylinder => {
            let (la, ra) = (rng.range(0.05, 0.6), rng.range(0.05, 0.5));
            let a = Shape::cylinder(la, ra);
            let b = match pair {
                Pair::CylinderCapsule => Shape::capsule(rng.range(0.0, 0.6), rng.range(0.02, 0.4)),
                Pair::CylinderBox => Shape::cuboid(rng.half_extents()),
                _ => Shape::cylinder(rng.range(0.05, 0.6), rng.range(0.05, 0.5)),
            };
            // B's half height along its own local z and its radius across it.
            let (b_along, b_across) = match b {
                Shape::Capsule {
                    half_length,
                    radius,
                } => (half_length + radius, radius),
                Shape::Cuboid { half_extents } => (half_extents.z, half_extents.z),
                Shape::Cylinder {
                    half_length,
                    radius,
                } => (half_length, radius),
                _ => unreachable!("B is a capsule, box or cylinder"),
            };
            let ua = pose_a.orientation * Vec3::Z;
            let side = Quat::from_axis_angle(ua, rng.range(0.0, 6.3)) * ua.any_orthonormal_vector();
            let gap = rng.range(-0.005, 1.2 * margin.max(1e-3));
            let cap = if rng.below(2) == 0 { 1.0 } else { -1.0 };
            let pose_b = match special {
                // B standing on A's cap (its local z along A's axis, within ±0.1° or a
                // little past FLAT_SIN), off centre.
                0 | 1 => {
                    let tilt = if special == 0 { 0.002 } else { 0.06 };
                    let turn = Quat::from_scaled_axis(rng.vec(tilt));
                    let off = side * rng.range(0.0, 0.6) * ra;
                    Pose::new(
                        pose_a.position + ua * cap * (la + b_along + gap) + off,
                        pose_a.orientation * turn,
                    )
                }
                // B lying across A's cap (its local z across A's axis).
                2 => Pose::new(
                    pose_a.position
                        + ua * cap * (la + b_across + gap)
                        + side * rng.range(0.0, 0.5) * ra,
                    Quat::from_rotation_arc(Vec3::Z, side.cross(ua))
                        * Quat::from_rotation_z(rng.range(0.0, 6.3)),
                ),
                // B parallel beside A's side.
                3 => Pose::new(
                    pose_a.position + side * (ra + b_across + gap) + ua * rng.range(-0.5, 0.5) * la,
                    pose_a.orientation * Quat::from_scaled_axis(rng.vec(0.002)),
                ),
                _ => place(
                    pair,
                    a,
                    pose_a,
                    b,
                    rot_b,
                    dir,
                    random_offset(rng, margin, 0.02),
                ),
            };
            Case {
                a,
                pose_a,
                b,
                pose_b,
                margin,
            }
        }
        Pair::CapsuleCapsule => {
            let la = if special == 9 {
                0.0
            } else {
                rng.range(0.0, 0.8)
            };
            let (ra, lb, rb) = (
                rng.range(0.02, 0.4),
                rng.range(0.0, 0.8),
                rng.range(0.02, 0.4),
            );
            let (a, b) = (Shape::capsule(la, ra), Shape::capsule(lb, rb));
            let ua = pose_a.orientation * Vec3::Z;
            let pose_b = match special {
                // Parallel or anti-parallel side by side, or nearly (within ~1°, around the
                // PARALLEL_SIN threshold), touching or within the margin.
                0..=2 => {
                    rot_b = match special {
                        0 => pose_a.orientation,
                        1 => pose_a.orientation * Quat::from_rotation_x(PI),
                        _ => {
                            Quat::from_scaled_axis(rng.direction() * rng.range(0.0, 0.04))
                                * pose_a.orientation
                        }
                    };
                    let side = ua.any_orthonormal_vector();
                    let side = Quat::from_axis_angle(ua, rng.range(0.0, 6.3)) * side;
                    let gap = ra + rb + rng.range(-0.3 * ra.min(rb), 1.2 * margin.max(1e-3));
                    Pose::new(
                        pose_a.position + side * gap + ua * rng.range(-1.2, 1.2) * (la + lb),
                        rot_b,
                    )
                }
                // Coaxial, overlapping.
                3 => Pose::new(
                    pose_a.position + ua * rng.range(-0.5, 0.5) * (la + lb),
                    pose_a.orientation,
                ),
                // Axes crossing through a common point (one time in four), or passing each
                // other closely. Crossing exactly, Rust's normal is ±(ua × ub) with the sign
                // of (ua × ub)·(B − A), a round-off-sized number (both centres lie in the
                // plane of the axes), so about one such case in seven is a tie.
                4 => {
                    let ub = rot_b * Vec3::Z;
                    let gap = if k % 40 == 4 {
                        0.0
                    } else {
                        rng.range(-1.0, 1.0) * (ra + rb)
                    };
                    Pose::new(
                        pose_a.position + ua * rng.range(-la, la) - ub * rng.range(-lb, lb)
                            + ua.cross(ub).normalize_or_zero() * gap,
                        rot_b,
                    )
                }
                _ => place(
                    pair,
                    a,
                    pose_a,
                    b,
                    rot_b,
                    dir,
                    random_offset(rng, margin, 0.02),
                ),
            };
            Case {
                a,
                pose_a,
                b,
                pose_b,
                margin,
            }
        }
        Pair::CapsuleBox => {
            let (hl, r) = (rng.range(0.0, 0.7), rng.range(0.02, 0.4));
            let half = rng.half_extents();
            let (a, b) = (Shape::capsule(hl, r), Shape::cuboid(half));
            // Box B placed so that A sits at `local` in B's frame turned by `turn`.
            let at = |local: Vec3, turn: Quat, rot_b: Quat| {
                let rot_a = rot_b * turn;
                (
                    Pose::new(pose_a.position, rot_a),
                    Pose::new(pose_a.position - rot_b * local, rot_b),
                )
            };
            let face_point = |rng: &mut Rng, spread: f32| {
                Vec3::new(
                    rng.range(-spread, spread) * half.x,
                    rng.range(-spread, spread) * half.y,
                    0.0,
                )
            };
            let (pose_a, pose_b) = match special {
                // Lying on the top face, flat (tilted within ±0.1°) or tilted around the
                // FLAT_SIN threshold, the ends possibly overhanging the face's edges (where
                // a dipping end makes an edge contact that the face may take over).
                0..=2 => {
                    let tilt = if special == 0 {
                        rng.range(-0.002, 0.002)
                    } else {
                        rng.range(-0.07, 0.07)
                    };
                    let turn = Quat::from_rotation_z(rng.range(0.0, 6.3))
                        * Quat::from_rotation_y(FRAC_PI_2 + tilt);
                    let mut local = face_point(rng, if special == 1 { 1.3 } else { 0.5 });
                    local.z = half.z + r + rng.range(-0.005, 0.01);
                    at(local, turn, rot_b)
                }
                // Standing on the top face.
                3 => {
                    let mut local = face_point(rng, 0.8);
                    local.z = half.z + hl + r + rng.range(-0.005, 0.01);
                    at(local, Quat::from_rotation_y(rng.range(-0.3, 0.3)), rot_b)
                }
                // Along the (+x, +z) edge, 45° out, turned by up to 3.4° (ALONG_EDGE is
                // about 1.8°).
                4 => {
                    let e = Vec3::new(1.0, 0.0, 1.0).normalize();
                    let local = Vec3::new(half.x, rng.range(-0.5, 0.5) * half.y, half.z)
                        + e * (r + rng.range(-0.005, 0.01));
                    let turn = Quat::from_rotation_z(rng.range(-0.06, 0.06))
                        * Quat::from_rotation_x(FRAC_PI_2);
                    at(local, turn, rot_b)
                }
                // Segment centre inside the box.
                5 => {
                    let local = Vec3::new(
                        rng.range(-0.9, 0.9) * half.x,
                        rng.range(-0.9, 0.9) * half.y,
                        rng.range(-0.9, 0.9) * half.z,
                    );
                    at(local, rng.quat(), rot_b)
                }
                _ => (
                    pose_a,
                    place(
                        pair,
                        a,
                        pose_a,
                        b,
                        rot_b,
                        dir,
                        random_offset(rng, margin, 0.02),
                    ),
                ),
            };
            Case {
                a,
                pose_a,
                b,
                pose_b,
                margin,
            }
        }
    }
}

/// Whether `m` made the same decisions as `base`: point count, feature ids, and about the
/// normal (no jump to another face or side).
fn same_decisions(base: &Manifold, m: &Manifold) -> bool {
    base.count == m.count
        && base
            .points()
            .iter()
            .zip(m.points())
            .all(|(p, q)| p.feature == q.feature)
        && (base.count == 0 || base.normal.abs_diff_eq(m.normal, 1e-3))
}

/// The Rust manifold in the GPU layout, to compare two Rust manifolds with `same_manifold`.
fn as_gpu(m: &Manifold) -> GpuManifold {
    let mut g = GpuManifold {
        normal: m.normal.to_array(),
        count: m.count as u32,
        ..Default::default()
    };
    for (p, q) in m.points().iter().zip(&mut g.points) {
        *q = GpuContactPoint {
            position: p.position.to_array(),
            separation: p.separation,
            feature: p.feature,
            _pad: [0; 3],
        };
    }
    g
}

/// Why a case may differ between two correct implementations.
#[derive(Debug)]
enum Tie {
    /// Nudging the input by ~1e-6 changes the Rust point count, feature ids or normal: the
    /// input sits on a decision boundary (a threshold, a face choice, a sign).
    Boundary,
    /// Nudging the input by 1e-7 (round-off size) already moves the Rust manifold by more
    /// than the tolerance: the answer is that ill-conditioned (say the closest points of
    /// nearly parallel segments), or jumps by less than the decision check sees.
    IllConditioned,
}

/// Whether the case is a tie (see [`Tie`]), judged on the Rust function alone.
fn tie(pair: Pair, case: &Case, base: &Manifold, tolerance: f32, rng: &mut Rng) -> Option<Tie> {
    for i in 0..32 {
        let eps = if i % 2 == 0 { 1e-6 } else { 3e-6 };
        if !same_decisions(base, &case.nudged(rng, eps).rust(pair)) {
            return Some(Tie::Boundary);
        }
    }
    let base = as_gpu(base);
    (0..32)
        .any(|_| same_manifold(&case.nudged(rng, 1e-7).rust(pair), &base, tolerance).is_err())
        .then_some(Tie::IllConditioned)
}

fn check_pair(pair: Pair, seed: u64) {
    let name = format!("{pair:?}");
    let Some(gpu) = gpu_or_skip(&name) else {
        return;
    };
    let mut rng = Rng(SplitMix64(seed));
    let cases: Vec<Case> = (0..CASES).map(|k| random_case(pair, k, &mut rng)).collect();
    let inputs: Vec<CollideCase> = cases
        .iter()
        .map(|c| CollideCase::new(&c.a, &c.pose_a, &c.b, &c.pose_b, c.margin))
        .collect();
    let (file, call) = pair.wgsl();
    let outputs = run_collide(&gpu, &[file], call, &inputs);
    assert_eq!(outputs.len(), cases.len());

    let (mut touching, mut multi) = (0, 0);
    let mut features = std::collections::BTreeSet::new();
    let (mut boundary, mut ill, mut reordered) = (0, 0, 0);
    let mut failures = Vec::new();
    for (k, (case, gpu_m)) in cases.iter().zip(&outputs).enumerate() {
        let rust_m = case.rust(pair);
        touching += usize::from(!rust_m.is_empty());
        multi += usize::from(rust_m.count >= 2);
        features.extend(rust_m.points().iter().map(|p| p.feature));
        let tolerance = pair.tolerance() * case.scale();
        if let Err(e) = same_manifold(&rust_m, gpu_m, tolerance) {
            if same_points_in_any_order(&rust_m, gpu_m, tolerance) {
                reordered += 1;
                continue;
            }
            match tie(pair, case, &rust_m, tolerance, &mut rng) {
                Some(kind) => {
                    eprintln!("{name} case {k}: skipped, {kind:?} ({e})");
                    match kind {
                        Tie::Boundary => boundary += 1,
                        Tie::IllConditioned => ill += 1,
                    }
                }
                None => failures.push(format!("case {k}: {e}\n  {case:?}")),
            }
        }
    }
    let ties = boundary + ill;
    println!(
        "{name}: {CASES} cases, {} agree ({reordered} with their points in another order), \
         {ties} ties skipped ({boundary} on a decision boundary, {ill} ill-conditioned), {} \
         mismatches; {touching} in contact, {multi} with 2+ points, {} distinct feature ids",
        CASES - ties - failures.len(),
        failures.len(),
        features.len()
    );
    assert!(
        failures.is_empty(),
        "{name}: {} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        ties * 50 < CASES,
        "{name}: {ties} ties of {CASES} cases (2% allowed)"
    );
    assert!(
        touching * 2 > CASES,
        "{name}: only {touching} of {CASES} cases in contact"
    );
}

#[test]
fn sphere_sphere_matches_rust() {
    check_pair(Pair::SphereSphere, 0x5eed_0001);
}

#[test]
fn sphere_capsule_matches_rust() {
    check_pair(Pair::SphereCapsule, 0x5eed_0002);
}

#[test]
fn sphere_box_matches_rust() {
    check_pair(Pair::SphereBox, 0x5eed_0003);
}

#[test]
fn capsule_capsule_matches_rust() {
    check_pair(Pair::CapsuleCapsule, 0x5eed_0004);
}

#[test]
fn capsule_box_matches_rust() {
    check_pair(Pair::CapsuleBox, 0x5eed_0005);
}

#[test]
fn sphere_cylinder_matches_rust() {
    check_pair(Pair::SphereCylinder, 0x5eed_0006);
}

#[test]
fn cylinder_capsule_matches_rust() {
    check_pair(Pair::CylinderCapsule, 0x5eed_0007);
}

#[test]
fn cylinder_box_matches_rust() {
    check_pair(Pair::CylinderBox, 0x5eed_0008);
}

#[test]
fn cylinder_cylinder_matches_rust() {
    check_pair(Pair::CylinderCylinder, 0x5eed_0009);
}
