//! Domain randomization: rules that draw a world's physical parameters and initial state anew
//! at its creation and at every reset. Every value is a pure function of (seed, world, episode,
//! rule, element), drawn with the counter-based [`crate::rng`], so a world's parameters do not
//! depend on the batch size, the thread count or the backend.

use glam::Vec3;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::actuator::ActuatorKind;
use crate::joint::JointKind;
use crate::rng::{splitmix64, unit_f64};
use crate::scene::Scene;
use crate::shape::Shape;
use crate::world_parameters::{mass_after_resize, mean_density, WorldParameters};

/// A coordinate axis of the world (or of a body's frame, for a centre of mass).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Axis {
    X,
    Y,
    Z,
}

impl Axis {
    fn index(self) -> usize {
        self as usize
    }
}

/// What a rule draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Target {
    /// A body's mass (its inertia follows, the distribution of matter kept).
    Mass,
    /// One coordinate of a body's centre of mass, body frame, m.
    CenterOfMass {
        axis: Axis,
    },
    /// A body's inertia tensor, as a whole.
    Inertia,
    /// The friction coefficient of a body's colliders.
    Friction,
    /// The restitution of a body's colliders.
    Restitution,
    /// The size of a body's colliders (every dimension by the same factor; mass and inertia
    /// follow at the body's mean density).
    Size,
    JointDamping,
    JointArmature,
    JointStiffness,
    ActuatorGear,
    /// A position servo's kp.
    ActuatorKp,
    /// A servo's kv.
    ActuatorKv,
    /// One component of gravity, m/s².
    Gravity {
        axis: Axis,
    },
    /// The root's initial position along an axis, m (the body of the first free joint, else
    /// the first dynamic body).
    RootPosition {
        axis: Axis,
    },
    /// The root's initial heading: a turn about the world's z axis, rad.
    RootYaw,
    /// One component, along a world axis, of a rotation vector (rad) that turns the root's
    /// initial orientation (before the yaw): small tilts in any direction.
    RootRotation {
        axis: Axis,
    },
    /// The root origin's initial velocity along a world axis, m/s.
    RootVelocity {
        axis: Axis,
    },
    /// The root's initial angular velocity about an axis of its own frame, rad/s (a free
    /// joint's q̇[3..6]).
    RootAngularVelocity {
        axis: Axis,
    },
    /// A revolute or prismatic joint's initial q.
    JointPosition,
    /// A revolute or prismatic joint's initial q̇.
    JointVelocity,
}

impl Target {
    /// Whether it draws the initial state rather than a parameter.
    pub fn is_initial_state(self) -> bool {
        self.moves_root() || matches!(self, Target::JointPosition | Target::JointVelocity)
    }

    /// Whether it draws the root's initial pose or velocity.
    fn moves_root(self) -> bool {
        matches!(
            self,
            Target::RootPosition { .. }
                | Target::RootYaw
                | Target::RootRotation { .. }
                | Target::RootVelocity { .. }
                | Target::RootAngularVelocity { .. }
        )
    }

    /// A short name: "friction", "gravity.z", …
    pub fn label(self) -> String {
        let axis = |name: &str, axis: Axis| format!("{name}.{}", ["x", "y", "z"][axis.index()]);
        match self {
            Target::Mass => "mass".into(),
            Target::CenterOfMass { axis: a } => axis("center_of_mass", a),
            Target::Inertia => "inertia".into(),
            Target::Friction => "friction".into(),
            Target::Restitution => "restitution".into(),
            Target::Size => "size".into(),
            Target::JointDamping => "damping".into(),
            Target::JointArmature => "armature".into(),
            Target::JointStiffness => "stiffness".into(),
            Target::ActuatorGear => "gear".into(),
            Target::ActuatorKp => "kp".into(),
            Target::ActuatorKv => "kv".into(),
            Target::Gravity { axis: a } => axis("gravity", a),
            Target::RootPosition { axis: a } => axis("root_position", a),
            Target::RootYaw => "root_yaw".into(),
            Target::RootRotation { axis: a } => axis("root_rotation", a),
            Target::RootVelocity { axis: a } => axis("root_velocity", a),
            Target::RootAngularVelocity { axis: a } => axis("root_angular_velocity", a),
            Target::JointPosition => "q".into(),
            Target::JointVelocity => "q_dot".into(),
        }
    }

    fn what(self) -> &'static str {
        match self {
            Target::Mass
            | Target::CenterOfMass { .. }
            | Target::Inertia
            | Target::Friction
            | Target::Restitution
            | Target::Size => "body",
            Target::JointDamping
            | Target::JointArmature
            | Target::JointStiffness
            | Target::JointPosition
            | Target::JointVelocity => "joint",
            Target::ActuatorGear | Target::ActuatorKp | Target::ActuatorKv => "actuator",
            Target::Gravity { .. }
            | Target::RootPosition { .. }
            | Target::RootYaw
            | Target::RootRotation { .. }
            | Target::RootVelocity { .. }
            | Target::RootAngularVelocity { .. } => "world",
        }
    }

    /// The values the target may take, open (false) or closed (true) at the lower end.
    fn legal_range(self) -> Option<(f32, bool, f32)> {
        match self {
            Target::Mass | Target::Inertia | Target::Size => Some((0.0, false, f32::MAX)),
            Target::Friction
            | Target::JointDamping
            | Target::JointArmature
            | Target::JointStiffness
            | Target::ActuatorKp
            | Target::ActuatorKv => Some((0.0, true, f32::MAX)),
            Target::Restitution => Some((0.0, true, 1.0)),
            _ => None,
        }
    }
}

/// How a drawn number x sets the value v.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// v = x · nominal.
    #[default]
    Scale,
    /// v = x.
    Absolute,
    /// v = nominal + x.
    Offset,
}

/// A distribution of the drawn number.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Distribution {
    Uniform {
        low: f32,
        high: f32,
    },
    /// ln x uniform in [ln low, ln high] (0 < low).
    LogUniform {
        low: f32,
        high: f32,
    },
    /// Normal, redrawn values outside [low, high] clipped to it.
    Normal {
        mean: f32,
        std: f32,
        low: f32,
        high: f32,
    },
    /// One of the values, each as likely.
    Choice {
        values: Vec<f32>,
    },
}

impl Distribution {
    /// The smallest and largest number it can give, or why it is not a distribution.
    fn bounds(&self) -> Result<(f32, f32), String> {
        let finite = |v: &[f32]| v.iter().all(|x| x.is_finite());
        match *self {
            Distribution::Uniform { low, high } if finite(&[low, high]) && low <= high => {
                Ok((low, high))
            }
            Distribution::LogUniform { low, high }
                if finite(&[low, high]) && 0.0 < low && low <= high =>
            {
                Ok((low, high))
            }
            Distribution::Normal {
                mean,
                std,
                low,
                high,
            } if finite(&[mean, std, low, high]) && std >= 0.0 && low <= high => Ok((low, high)),
            Distribution::Choice { ref values } if !values.is_empty() && finite(values) => Ok((
                values.iter().copied().fold(f32::MAX, f32::min),
                values.iter().copied().fold(f32::MIN, f32::max),
            )),
            Distribution::Uniform { .. } => Err("uniform needs finite low ≤ high".into()),
            Distribution::LogUniform { .. } => {
                Err("log-uniform needs finite 0 < low ≤ high".into())
            }
            Distribution::Normal { .. } => {
                Err("normal needs finite mean, std ≥ 0 and clip bounds low ≤ high".into())
            }
            Distribution::Choice { .. } => Err("choice needs at least one finite value".into()),
        }
    }

    /// The number drawn with the keys `key` (and `key + 1` for a normal).
    fn draw(&self, key: u64) -> f32 {
        let u = unit_f64(key);
        match *self {
            Distribution::Uniform { low, high } => (low as f64 + u * (high - low) as f64) as f32,
            Distribution::LogUniform { low, high } => {
                let (a, b) = ((low as f64).ln(), (high as f64).ln());
                (a + u * (b - a)).exp() as f32
            }
            Distribution::Normal {
                mean,
                std,
                low,
                high,
            } => {
                // Box–Muller: z = sqrt(−2 ln u₁) cos(2π u₂), u₁ in (0, 1].
                let u1 = 1.0 - u;
                let u2 = unit_f64(key.wrapping_add(1));
                let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
                ((mean as f64 + std as f64 * z) as f32).clamp(low, high)
            }
            Distribution::Choice { ref values } => {
                values[((u * values.len() as f64) as usize).min(values.len() - 1)]
            }
        }
    }
}

/// One randomized quantity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub target: Target,
    /// The body, joint or actuator it applies to (by name); every one when absent. Each gets
    /// its own draw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub distribution: Distribution,
    #[serde(default)]
    pub mode: Mode,
}

impl Rule {
    pub fn new(target: Target, distribution: Distribution, mode: Mode) -> Self {
        Rule {
            target,
            name: None,
            distribution,
            mode,
        }
    }

    /// Only the body, joint or actuator called `name`.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

/// Pushes: every `interval` steps, a horizontal impulse (N·s, x and y drawn independently)
/// on a body, its velocity changed by impulse / mass.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pushes {
    /// The body pushed (by name); the root when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    pub interval: u32,
    pub impulse: Distribution,
}

/// A scene's randomization: rules applied in order at creation and every reset, and pushes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Randomization {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pushes: Option<Pushes>,
}

/// Why a randomization does not fit its scene.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum RandomizationError {
    #[error("randomization rule {rule} ({target:?}): {problem}")]
    Rule {
        rule: usize,
        target: Target,
        problem: String,
    },
    #[error("pushes: {0}")]
    Pushes(String),
}

/// A randomization checked against a scene: each rule's elements by index.
#[derive(Clone, Debug, PartialEq)]
pub struct Randomizer {
    rules: Vec<(Rule, Vec<usize>)>,
    pushes: Option<(Pushes, usize)>,
}

/// What one world drew for one episode.
#[derive(Clone, Debug, PartialEq)]
pub struct WorldDraw {
    pub parameters: WorldParameters,
    /// Offsets to the initial joint positions (`joint_position_count`), joint velocities
    /// (`joint_velocity_count`), root position, and the root's yaw.
    pub joint_position_offsets: Vec<f32>,
    pub joint_velocity_offsets: Vec<f32>,
    pub root_offset: Vec3,
    pub root_yaw: f32,
    /// The rotation vector (world frame, rad) that turns the root's initial orientation.
    pub root_rotation: Vec3,
    /// Added to the root origin's initial velocity (world frame) and to its angular velocity
    /// (the root's frame).
    pub root_velocity: Vec3,
    pub root_angular_velocity: Vec3,
    /// Every drawn number, rule by rule and element by element (see [`Randomizer::labels`]).
    pub values: Vec<f32>,
}

impl WorldDraw {
    /// Whether the initial state differs from the scene's (or the world's built-in poses).
    pub fn moves_initial_state(&self) -> bool {
        self.root_offset != Vec3::ZERO
            || self.root_yaw != 0.0
            || self.root_rotation != Vec3::ZERO
            || self.root_velocity != Vec3::ZERO
            || self.root_angular_velocity != Vec3::ZERO
            || self.joint_position_offsets.iter().any(|&x| x != 0.0)
            || self.joint_velocity_offsets.iter().any(|&x| x != 0.0)
    }
}

/// Key of a draw: the hash chain of its coordinates.
fn draw_key(parts: [u64; 6]) -> u64 {
    parts
        .iter()
        .fold(0x6D61_6E79_776F_726C, |h, &p| splitmix64(h ^ p))
}

const PUSH_RULE: u64 = u64::MAX;

impl Randomizer {
    /// Checks `randomization` against `scene`: names exist, targets fit their elements, and
    /// every value a rule can produce is legal (a mass stays positive, a restitution in
    /// [0, 1], …).
    pub fn new(randomization: &Randomization, scene: &Scene) -> Result<Self, RandomizationError> {
        let mut rules = Vec::new();
        for (r, rule) in randomization.rules.iter().enumerate() {
            let fail = |problem: String| RandomizationError::Rule {
                rule: r,
                target: rule.target,
                problem,
            };
            let bounds = rule.distribution.bounds().map_err(fail)?;
            let elements = elements_of(rule, scene).map_err(fail)?;
            check_values(rule, scene, &elements, bounds).map_err(fail)?;
            rules.push((rule.clone(), elements));
        }
        let pushes = match &randomization.pushes {
            None => None,
            Some(p) => {
                p.impulse.bounds().map_err(RandomizationError::Pushes)?;
                if p.interval == 0 {
                    return Err(RandomizationError::Pushes(
                        "interval must be at least 1".into(),
                    ));
                }
                let body = match &p.body {
                    Some(name) => scene.body_index(name).ok_or_else(|| {
                        RandomizationError::Pushes(format!("no body named \"{name}\""))
                    })?,
                    None => scene.root_body().ok_or_else(|| {
                        RandomizationError::Pushes("the scene has no dynamic body".into())
                    })?,
                };
                if !scene.bodies()[body].is_dynamic() {
                    return Err(RandomizationError::Pushes(format!(
                        "body \"{}\" is static",
                        scene.bodies()[body].name
                    )));
                }
                Some((p.clone(), body))
            }
        };
        Ok(Randomizer { rules, pushes })
    }

    /// Whether any rule moves the initial state.
    pub fn moves_initial_state(&self) -> bool {
        self.rules
            .iter()
            .any(|(rule, _)| rule.target.is_initial_state())
    }

    /// Whether any rule changes a physical parameter.
    pub fn changes_parameters(&self) -> bool {
        self.rules
            .iter()
            .any(|(rule, _)| !rule.target.is_initial_state())
    }

    /// Whether the randomization pushes bodies.
    pub fn pushes(&self) -> bool {
        self.pushes.is_some()
    }

    /// A name per drawn number, in the order of [`WorldDraw::values`]: "friction[box]",
    /// "gravity.z[world]", …
    pub fn labels(&self, scene: &Scene) -> Vec<String> {
        let mut labels = Vec::new();
        for (rule, elements) in &self.rules {
            for &e in elements {
                let element = match rule.target.what() {
                    "body" => scene.bodies()[e].name.clone(),
                    "joint" => scene.joints()[e].name.clone(),
                    "actuator" => scene.actuators()[e].name.clone(),
                    _ => "world".to_owned(),
                };
                labels.push(format!("{}[{element}]", rule.target.label()));
            }
        }
        labels
    }

    /// The push on `world` after its `step`-th step of `episode`, if one is due: the body and
    /// its velocity change.
    pub fn push(
        &self,
        scene_of_world: &Scene,
        seed: u64,
        world: u64,
        episode: u64,
        step: u64,
    ) -> Option<(usize, Vec3)> {
        let (p, body) = self.pushes.as_ref()?;
        if step == 0 || step % u64::from(p.interval) != 0 {
            return None;
        }
        let key = |axis: u64| draw_key([seed, world, episode, PUSH_RULE, step, axis * 2]);
        let impulse = Vec3::new(p.impulse.draw(key(0)), p.impulse.draw(key(1)), 0.0);
        Some((*body, impulse * scene_of_world.bodies()[*body].inverse_mass))
    }

    /// What `world` draws for `episode`, starting from the scene's parameters and `gravity`.
    pub fn draw(
        &self,
        scene: &Scene,
        gravity: Vec3,
        seed: u64,
        world: u64,
        episode: u64,
    ) -> WorldDraw {
        let mut d = WorldDraw {
            parameters: scene.parameters(gravity),
            joint_position_offsets: vec![0.0; scene.joint_position_count()],
            joint_velocity_offsets: vec![0.0; scene.joint_velocity_count()],
            root_offset: Vec3::ZERO,
            root_yaw: 0.0,
            root_rotation: Vec3::ZERO,
            root_velocity: Vec3::ZERO,
            root_angular_velocity: Vec3::ZERO,
            values: Vec::new(),
        };
        for (r, (rule, elements)) in self.rules.iter().enumerate() {
            for &e in elements {
                let x = rule
                    .distribution
                    .draw(draw_key([seed, world, episode, r as u64, e as u64, 0]));
                d.values.push(x);
                apply(rule.target, rule.mode, x, e, scene, &mut d);
            }
        }
        d
    }
}

fn set(mode: Mode, nominal: f32, x: f32) -> f32 {
    match mode {
        Mode::Scale => nominal * x,
        Mode::Absolute => x,
        Mode::Offset => nominal + x,
    }
}

/// Sets one component of `v` by a drawn number.
fn set_axis(v: &mut Vec3, axis: Axis, mode: Mode, x: f32) {
    let c = &mut v[axis.index()];
    *c = set(mode, *c, x);
}

/// Applies one drawn number `x` to element `e`.
fn apply(target: Target, mode: Mode, x: f32, e: usize, scene: &Scene, d: &mut WorldDraw) {
    let p = &mut d.parameters;
    match target {
        Target::Mass => {
            let m = p.bodies[e];
            p.bodies[e] = m.scaled_to(set(mode, m.mass, x));
        }
        Target::CenterOfMass { axis } => {
            let c = &mut p.bodies[e].center_of_mass[axis.index()];
            *c = set(mode, *c, x);
        }
        Target::Inertia => {
            let i = p.bodies[e].inertia;
            // A scale of the whole tensor; absolute and offset act on its trace.
            let trace = i.x_axis.x + i.y_axis.y + i.z_axis.z;
            p.bodies[e].inertia = i * (set(mode, trace, x) / trace);
        }
        Target::Friction => {
            for c in scene.bodies()[e].colliders.clone() {
                let f = &mut p.colliders[c].material.friction;
                *f = set(mode, *f, x);
            }
        }
        Target::Restitution => {
            for c in scene.bodies()[e].colliders.clone() {
                let r = &mut p.colliders[c].material.restitution;
                *r = set(mode, *r, x);
            }
        }
        Target::Size => {
            let colliders = scene.bodies()[e].colliders.clone();
            for c in colliders.clone() {
                // The body's matter as drawn so far, spread evenly over its colliders.
                let density = mean_density(
                    p.colliders[colliders.clone()].iter().map(|k| &k.shape),
                    p.bodies[e].mass,
                    scene.hulls(),
                );
                let old = p.colliders[c].shape;
                let new = resized(&old, |v| set(mode, v, x));
                p.colliders[c].shape = new;
                if let (true, Some(density)) = (scene.bodies()[e].is_dynamic(), density) {
                    let pose = &scene.colliders()[c].pose;
                    p.bodies[e] =
                        mass_after_resize(&p.bodies[e], pose, &old, &new, density, scene.hulls());
                }
            }
        }
        Target::JointDamping => p.joints[e].damping = set(mode, p.joints[e].damping, x),
        Target::JointArmature => p.joints[e].armature = set(mode, p.joints[e].armature, x),
        Target::JointStiffness => p.joints[e].stiffness = set(mode, p.joints[e].stiffness, x),
        Target::ActuatorGear => p.actuators[e].gear = set(mode, p.actuators[e].gear, x),
        Target::ActuatorKp => {
            if let ActuatorKind::Position { kp, .. } = &mut p.actuators[e].kind {
                *kp = set(mode, *kp, x);
            }
        }
        Target::ActuatorKv => match &mut p.actuators[e].kind {
            ActuatorKind::Position { kv, .. } | ActuatorKind::Velocity { kv } => {
                *kv = set(mode, *kv, x)
            }
            ActuatorKind::Motor => {}
        },
        Target::Gravity { axis } => set_axis(&mut p.gravity, axis, mode, x),
        Target::RootPosition { axis } => set_axis(&mut d.root_offset, axis, mode, x),
        Target::RootYaw => d.root_yaw = set(mode, d.root_yaw, x),
        Target::RootRotation { axis } => set_axis(&mut d.root_rotation, axis, mode, x),
        Target::RootVelocity { axis } => set_axis(&mut d.root_velocity, axis, mode, x),
        Target::RootAngularVelocity { axis } => {
            set_axis(&mut d.root_angular_velocity, axis, mode, x)
        }
        Target::JointPosition => {
            let o = &mut d.joint_position_offsets[scene.joints()[e].position_offset];
            *o = set(mode, *o, x);
        }
        Target::JointVelocity => {
            let o = &mut d.joint_velocity_offsets[scene.joints()[e].velocity_offset];
            *o = set(mode, *o, x);
        }
    }
}

/// The shape with every size mapped by `f`.
fn resized(shape: &Shape, f: impl Fn(f32) -> f32) -> Shape {
    match *shape {
        Shape::Plane => Shape::Plane,
        Shape::Sphere { radius } => Shape::Sphere { radius: f(radius) },
        Shape::Capsule {
            half_length,
            radius,
        } => Shape::Capsule {
            half_length: f(half_length),
            radius: f(radius),
        },
        Shape::Cuboid { half_extents } => Shape::Cuboid {
            half_extents: Vec3::new(f(half_extents.x), f(half_extents.y), f(half_extents.z)),
        },
        Shape::Cylinder {
            half_length,
            radius,
        } => Shape::Cylinder {
            half_length: f(half_length),
            radius: f(radius),
        },
        // A hull's size is its scale along each local axis.
        Shape::Hull { hull, scale } => Shape::Hull {
            hull,
            scale: Vec3::new(f(scale.x), f(scale.y), f(scale.z)),
        },
    }
}

/// The elements a rule applies to, by index.
fn elements_of(rule: &Rule, scene: &Scene) -> Result<Vec<usize>, String> {
    let what = rule.target.what();
    let names: Vec<&str> = match what {
        "body" => scene.bodies().iter().map(|b| b.name.as_str()).collect(),
        "joint" => scene.joints().iter().map(|j| j.name.as_str()).collect(),
        "actuator" => scene.actuators().iter().map(|a| a.name.as_str()).collect(),
        _ => {
            if let Some(name) = &rule.name {
                return Err(format!("applies to the world, not to \"{name}\""));
            }
            if rule.target.moves_root() && scene.root_body().is_none() {
                return Err("the scene has no dynamic body to move".into());
            }
            return Ok(vec![0]);
        }
    };
    let fits = |e: usize| -> bool {
        match rule.target {
            Target::Mass | Target::CenterOfMass { .. } | Target::Inertia => {
                scene.bodies()[e].is_dynamic()
            }
            Target::Friction | Target::Restitution | Target::Size => {
                !scene.bodies()[e].colliders.is_empty()
            }
            Target::JointArmature
            | Target::JointStiffness
            | Target::JointPosition
            | Target::JointVelocity => scene.joints()[e].kind.is_single_axis(),
            Target::JointDamping => {
                !matches!(scene.joints()[e].kind, JointKind::Fixed | JointKind::Free)
            }
            Target::ActuatorKp => {
                matches!(scene.actuators()[e].kind, ActuatorKind::Position { .. })
            }
            Target::ActuatorKv => !matches!(scene.actuators()[e].kind, ActuatorKind::Motor),
            _ => true,
        }
    };
    match &rule.name {
        Some(name) => {
            let e = names
                .iter()
                .position(|n| n == name)
                .ok_or_else(|| format!("no {what} named \"{name}\""))?;
            if !fits(e) {
                return Err(format!("does not apply to {what} \"{name}\""));
            }
            Ok(vec![e])
        }
        None => {
            let all: Vec<usize> = (0..names.len()).filter(|&e| fits(e)).collect();
            if all.is_empty() {
                return Err(format!("no {what} of the scene it applies to"));
            }
            Ok(all)
        }
    }
}

/// Every value the rule can produce on its elements is legal.
fn check_values(
    rule: &Rule,
    scene: &Scene,
    elements: &[usize],
    (low, high): (f32, f32),
) -> Result<(), String> {
    if rule.target == Target::ActuatorGear {
        for &e in elements {
            let g = scene.actuators()[e].gear;
            let (a, b) = (set(rule.mode, g, low), set(rule.mode, g, high));
            if a.signum() != b.signum() || a == 0.0 || b == 0.0 {
                return Err(format!(
                    "the gear of \"{}\" could reach zero ({a} to {b})",
                    scene.actuators()[e].name
                ));
            }
        }
        return Ok(());
    }
    let Some((min, closed, max)) = rule.target.legal_range() else {
        return Ok(());
    };
    let nominal = |e: usize| -> Vec<f32> {
        match rule.target {
            Target::Mass => vec![scene.bodies()[e].mass.mass],
            Target::Inertia => {
                let i = scene.bodies()[e].mass.inertia;
                vec![i.x_axis.x + i.y_axis.y + i.z_axis.z]
            }
            Target::Friction | Target::Restitution | Target::Size => scene.bodies()[e]
                .colliders
                .clone()
                .flat_map(|c| {
                    let c = &scene.colliders()[c];
                    match rule.target {
                        Target::Friction => vec![c.material.friction],
                        Target::Restitution => vec![c.material.restitution],
                        _ => sizes(&c.shape),
                    }
                })
                .collect(),
            Target::JointDamping => vec![scene.joints()[e].damping],
            Target::JointArmature => vec![scene.joints()[e].armature],
            Target::JointStiffness => vec![scene.joints()[e].stiffness],
            Target::ActuatorKp | Target::ActuatorKv => match scene.actuators()[e].kind {
                ActuatorKind::Position { kp, kv } => {
                    vec![if rule.target == Target::ActuatorKp {
                        kp
                    } else {
                        kv
                    }]
                }
                ActuatorKind::Velocity { kv } => vec![kv],
                ActuatorKind::Motor => vec![],
            },
            _ => vec![],
        }
    };
    for &e in elements {
        for v in nominal(e) {
            for x in [low, high] {
                let value = set(rule.mode, v, x);
                let legal = value <= max && if closed { value >= min } else { value > min };
                if !legal {
                    return Err(format!(
                        "a draw of {x} would make {value}, outside the legal {}{min}, {max}]",
                        if closed { "[" } else { "(" }
                    ));
                }
            }
        }
    }
    Ok(())
}

fn sizes(shape: &Shape) -> Vec<f32> {
    match *shape {
        Shape::Plane => vec![],
        Shape::Sphere { radius } => vec![radius],
        // A capsule's half-length may be zero: only its radius must stay positive.
        Shape::Capsule { radius, .. } => vec![radius],
        Shape::Cuboid { half_extents } => half_extents.to_array().to_vec(),
        Shape::Cylinder {
            half_length,
            radius,
        } => vec![half_length, radius],
        Shape::Hull { scale, .. } => scale.to_array().to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::{BodyDesc, ColliderDesc};
    use crate::scene::SceneBuilder;
    use crate::scenes::builtin;

    fn uniform(low: f32, high: f32) -> Distribution {
        Distribution::Uniform { low, high }
    }

    fn randomizer(rules: Vec<Rule>, scene: &Scene) -> Result<Randomizer, RandomizationError> {
        let randomization = Randomization {
            rules,
            pushes: None,
        };
        Randomizer::new(&randomization, scene)
    }

    #[test]
    fn root_velocity_targets_draw_per_axis_and_leave_earlier_rules_alone() {
        let ant = builtin("ant").unwrap().scene;
        let hinges = Rule::new(Target::JointPosition, uniform(-0.1, 0.1), Mode::Offset);
        let normal = Distribution::Normal {
            mean: 0.0,
            std: 0.1,
            low: -0.5,
            high: 0.5,
        };
        let rules = vec![
            hinges.clone(),
            Rule::new(
                Target::RootRotation { axis: Axis::X },
                uniform(-0.2, 0.2),
                Mode::Offset,
            ),
            Rule::new(
                Target::RootVelocity { axis: Axis::Y },
                normal.clone(),
                Mode::Offset,
            ),
            Rule::new(
                Target::RootAngularVelocity { axis: Axis::Z },
                normal,
                Mode::Offset,
            ),
        ];
        let full = randomizer(rules, &ant).unwrap();
        let alone = randomizer(vec![hinges], &ant).unwrap();
        assert!(full.moves_initial_state() && !full.changes_parameters());
        let labels = full.labels(&ant);
        assert_eq!(
            &labels[8..],
            [
                "root_rotation.x[world]",
                "root_velocity.y[world]",
                "root_angular_velocity.z[world]"
            ]
        );
        let mut moved = [false; 3];
        for world in 0..50 {
            let d = full.draw(&ant, Vec3::ZERO, 9, world, 0);
            assert_eq!(
                d.joint_position_offsets,
                alone
                    .draw(&ant, Vec3::ZERO, 9, world, 0)
                    .joint_position_offsets,
                "the rules after do not change the hinges' draws"
            );
            let [rx, vy, wz] = [d.values[8], d.values[9], d.values[10]];
            assert_eq!(d.root_rotation, Vec3::new(rx, 0.0, 0.0));
            assert_eq!(d.root_velocity, Vec3::new(0.0, vy, 0.0));
            assert_eq!(d.root_angular_velocity, Vec3::new(0.0, 0.0, wz));
            assert!(rx.abs() <= 0.2 && vy.abs() <= 0.5 && wz.abs() <= 0.5);
            for (m, x) in moved.iter_mut().zip([rx, vy, wz]) {
                *m |= x != 0.0;
            }
        }
        assert_eq!(moved, [true; 3]);
    }

    #[test]
    fn root_targets_need_a_dynamic_body() {
        let ground = SceneBuilder::new()
            .body(BodyDesc::fixed("ground").collider(ColliderDesc::new(Shape::Plane)))
            .build()
            .unwrap();
        for target in [
            Target::RootRotation { axis: Axis::X },
            Target::RootVelocity { axis: Axis::Y },
            Target::RootAngularVelocity { axis: Axis::Z },
        ] {
            let rule = Rule::new(target, uniform(-1.0, 1.0), Mode::Offset);
            assert!(
                matches!(
                    randomizer(vec![rule], &ground),
                    Err(RandomizationError::Rule { rule: 0, .. })
                ),
                "{target:?}"
            );
        }
    }

    /// A size rule scales a hull's scale on every axis, and its mass and inertia follow as
    /// those of the scaled hull (x³ and x⁵ for a uniform scale x).
    #[test]
    fn a_size_rule_scales_a_hull_and_its_mass_follows() {
        let corners: Vec<Vec3> = (0..8)
            .map(|i| {
                Vec3::new(
                    if i & 1 == 0 { -0.2 } else { 0.2 },
                    if i & 2 == 0 { -0.1 } else { 0.1 },
                    if i & 4 == 0 { -0.3 } else { 0.3 },
                )
            })
            .collect();
        let mut builder = SceneBuilder::new();
        let hull = builder.add_hull(crate::ConvexHull::from_points(&corners, 64).unwrap().0);
        builder.add_body(BodyDesc::dynamic("rock").collider(
            ColliderDesc::new(Shape::hull(hull, Vec3::new(1.0, 2.0, 1.0))).density(500.0),
        ));
        let scene = builder.build().unwrap();
        let r = randomizer(
            vec![Rule::new(Target::Size, uniform(0.5, 2.0), Mode::Scale).named("rock")],
            &scene,
        )
        .unwrap();
        let d = r.draw(&scene, Vec3::ZERO, 7, 3, 0);
        let x = d.values[0];
        let Shape::Hull { scale, .. } = d.parameters.colliders[0].shape else {
            panic!("still a hull");
        };
        assert!(
            (scale - Vec3::new(x, 2.0 * x, x)).length() < 1e-6,
            "{scale} {x}"
        );
        let (m0, m) = (scene.bodies()[0].mass, d.parameters.bodies[0]);
        let k = x * x * x;
        assert!(
            (m.mass / m0.mass - k).abs() < 1e-4 * k,
            "{} {}",
            m.mass,
            m0.mass
        );
        let i = m.inertia.x_axis.x / m0.inertia.x_axis.x;
        assert!((i - k * x * x).abs() < 1e-3 * k * x * x, "{i}");
    }
}
