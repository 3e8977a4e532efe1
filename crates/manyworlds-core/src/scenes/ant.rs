//! Gymnasium's Ant (v5 `ant.xml`, as in the benchmark scenes): a torso sphere with four
//! legs, each a hip hinge (±30° about z) and an ankle hinge, armature 1 and damping 1 on every
//! hinge, 8 torque motors of gear 150, on a floor. Density 5, friction 1; the body's
//! capsules touch only the floor.
//!
//! The four capsules that MJCF puts in jointless bodies welded to the torso are colliders of
//! the torso here (the same mass distribution). The start is MuJoCo's qpos0, with the ankles
//! at 0, outside their ranges, as in gymnasium: the limits push them in on the first steps.

use super::BuiltinScene;
use crate::actuator::Actuator;
use crate::body::{BodyDesc, ColliderDesc};
use crate::error::SceneError;
use crate::filter::CollisionFilter;
use crate::joint::JointDesc;
use crate::params::StepParams;
use crate::pose::Pose;
use crate::scene::SceneBuilder;
use crate::shape::Shape;
use glam::Vec3;

const DENSITY: f32 = 5.0;
const FRICTION: f32 = 1.0;
const LIMB_RADIUS: f32 = 0.08;
const TORSO_HEIGHT: f32 = 0.75;
const GEAR: f32 = 150.0;
const ARMATURE: f32 = 1.0;
/// The body's colliders are in group 0 and touch only group 1, the floor's.
const BODY_FILTER: CollisionFilter = CollisionFilter {
    memberships: 1,
    filter: 2,
};
const FLOOR_FILTER: CollisionFilter = CollisionFilter {
    memberships: 2,
    filter: 1,
};

fn limb(from: Vec3, to: Vec3) -> ColliderDesc {
    ColliderDesc::capsule_from_to(from, to, LIMB_RADIUS)
        .density(DENSITY)
        .friction(FRICTION)
        .filter(BODY_FILTER)
}

/// One leg: direction (±1, ±1) in the x–y plane, the ankle's axis and range in degrees.
struct Leg {
    name: &'static str,
    direction: (f32, f32),
    ankle_axis: Vec3,
    ankle_range: (f32, f32),
}

const LEGS: [Leg; 4] = [
    Leg {
        name: "1",
        direction: (1.0, 1.0),
        ankle_axis: Vec3::new(-1.0, 1.0, 0.0),
        ankle_range: (30.0, 70.0),
    },
    Leg {
        name: "2",
        direction: (-1.0, 1.0),
        ankle_axis: Vec3::new(1.0, 1.0, 0.0),
        ankle_range: (-70.0, -30.0),
    },
    Leg {
        name: "3",
        direction: (-1.0, -1.0),
        ankle_axis: Vec3::new(-1.0, 1.0, 0.0),
        ankle_range: (-70.0, -30.0),
    },
    Leg {
        name: "4",
        direction: (1.0, -1.0),
        ankle_axis: Vec3::new(1.0, 1.0, 0.0),
        ankle_range: (30.0, 70.0),
    },
];

/// Gymnasium's actuator order: leg 4, then 1, 2, 3, hip before ankle.
const ACTUATED_LEGS: [usize; 4] = [3, 0, 1, 2];

fn hinge(name: String, axis: Vec3, range_degrees: (f32, f32)) -> JointDesc {
    JointDesc::revolute(name, axis)
        .limits(range_degrees.0.to_radians(), range_degrees.1.to_radians())
        .armature(ARMATURE)
        .damping(1.0)
}

pub fn ant() -> Result<BuiltinScene, SceneError> {
    let mut builder = SceneBuilder::new();
    builder.add_body(
        BodyDesc::fixed("floor").collider(
            ColliderDesc::new(Shape::Plane)
                .friction(FRICTION)
                .filter(FLOOR_FILTER),
        ),
    );
    let mut torso = BodyDesc::dynamic("torso").collider(
        ColliderDesc::new(Shape::sphere(0.25))
            .density(DENSITY)
            .friction(FRICTION)
            .filter(BODY_FILTER),
    );
    for leg in &LEGS {
        let (x, y) = leg.direction;
        torso = torso.collider(limb(Vec3::ZERO, Vec3::new(0.2 * x, 0.2 * y, 0.0)));
    }
    let torso = builder.add_link(
        None,
        Pose::from_position(Vec3::new(0.0, 0.0, TORSO_HEIGHT)),
        torso,
        JointDesc::free("root"),
    );
    let mut joints = [(0, 0); 4];
    for (k, leg) in LEGS.iter().enumerate() {
        let (x, y) = leg.direction;
        let step = Vec3::new(0.2 * x, 0.2 * y, 0.0);
        let hip = builder.add_link(
            Some(torso.body),
            Pose::from_position(step),
            BodyDesc::dynamic(format!("aux_{}", leg.name)).collider(limb(Vec3::ZERO, step)),
            hinge(format!("hip_{}", leg.name), Vec3::Z, (-30.0, 30.0)),
        );
        let ankle = builder.add_link(
            Some(hip.body),
            Pose::from_position(step),
            BodyDesc::dynamic(format!("ankle_{}", leg.name)).collider(limb(Vec3::ZERO, 2.0 * step)),
            hinge(
                format!("ankle_{}", leg.name),
                leg.ankle_axis,
                leg.ankle_range,
            ),
        );
        joints[k] = (hip.joint, ankle.joint);
    }
    for leg in ACTUATED_LEGS {
        let (hip, ankle) = joints[leg];
        for (joint, part) in [(hip, "hip"), (ankle, "ankle")] {
            builder.add_actuator(
                Actuator::motor(format!("{part}_{}", LEGS[leg].name), joint, GEAR)
                    .control_range(-1.0, 1.0),
            );
        }
    }
    Ok(BuiltinScene {
        name: "ant",
        description: "gymnasium's Ant: a torso and four two-hinge legs, 8 motors, on a floor",
        scene: builder.build()?,
        params: StepParams::default(),
        steps: 1000,
        world_pose: None,
    })
}
