//! Joints between two bodies (or a body and the world), as the user writes them and as a
//! validated scene holds them. A joint's position q is zero in the scene's initial
//! configuration: the parent's joint frame is placed where the child's is at build time.

use glam::Vec3;
use serde::{Deserialize, Serialize};

use crate::limit_impedance::Impedance;
use crate::pose::Pose;

/// What a joint lets the child do relative to its parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JointKind {
    /// No relative motion (a weld).
    Fixed,
    /// Rotation about one axis (a hinge). q in radians, counting turns (a wheel after ten
    /// turns reads 20π, as MuJoCo's hinge qpos); limits anywhere on the real line.
    Revolute,
    /// Translation along one axis (a slide). q in metres.
    Prismatic,
    /// Any rotation about the anchor (a ball). q is the child frame's orientation relative to
    /// the parent's (w, x, y, z); q̇ the relative angular velocity in the child's frame.
    Spherical,
    /// No constraint: marks a floating root. q is the body origin and orientation (x, y, z,
    /// w, x, y, z); q̇ the origin's velocity (world) and the angular velocity (body frame),
    /// as MuJoCo's free joint.
    Free,
}

impl JointKind {
    /// Entries of q.
    pub fn position_count(self) -> usize {
        match self {
            JointKind::Fixed => 0,
            JointKind::Revolute | JointKind::Prismatic => 1,
            JointKind::Spherical => 4,
            JointKind::Free => 7,
        }
    }

    /// Entries of q̇ (degrees of freedom).
    pub fn velocity_count(self) -> usize {
        match self {
            JointKind::Fixed => 0,
            JointKind::Revolute | JointKind::Prismatic => 1,
            JointKind::Spherical => 3,
            JointKind::Free => 6,
        }
    }

    /// Revolute and prismatic joints: one degree of freedom, which limits, springs,
    /// armature and actuators act on.
    pub fn is_single_axis(self) -> bool {
        matches!(self, JointKind::Revolute | JointKind::Prismatic)
    }

    pub fn name(self) -> &'static str {
        match self {
            JointKind::Fixed => "fixed",
            JointKind::Revolute => "revolute",
            JointKind::Prismatic => "prismatic",
            JointKind::Spherical => "spherical",
            JointKind::Free => "free",
        }
    }
}

/// A joint as written by the user. Parent and child are set by
/// [`crate::SceneBuilder::add_joint`] or [`crate::SceneBuilder::add_link`].
#[derive(Clone, Debug, PartialEq)]
pub struct JointDesc {
    pub name: String,
    pub kind: JointKind,
    /// The joint's anchor point in the child's body frame.
    pub anchor: Vec3,
    /// The axis of a revolute or prismatic joint in the child's body frame (normalised on
    /// build); ignored by the other kinds.
    pub axis: Vec3,
    /// Lower and upper limit of q (revolute: rad, prismatic: m).
    pub limits: Option<(f32, f32)>,
    /// How a limit gives when pushed past, as MuJoCo's soft limits (limit_impedance.rs): the
    /// reference spring's natural frequency (Hz) and damping ratio at full impedance, whatever
    /// the degree of freedom's inertia (MuJoCo's `solreflimit`). None: as stiff as the
    /// joint's structural rows (`StepParams::joint_hertz`).
    pub limit_softness: Option<(f32, f32)>,
    /// How much of the other forces a soft limit cancels, by how far it is violated
    /// (MuJoCo's `solimplimit`); unused without `limit_softness`.
    pub limit_impedance: Impedance,
    /// Viscous damping, N·m·s/rad or N·s/m (any kind but fixed and free).
    pub damping: f32,
    /// Inertia added to the degree of freedom, kg·m² or kg, as MuJoCo's `armature`
    /// (revolute and prismatic).
    pub armature: f32,
    /// Spring stiffness towards `spring_reference`, N·m/rad or N/m (revolute and prismatic).
    pub stiffness: f32,
    /// The q at which the spring is relaxed.
    pub spring_reference: f32,
    /// Whether the two bodies still collide with each other. Default false.
    pub collide_connected: bool,
}

impl JointDesc {
    pub fn new(name: impl Into<String>, kind: JointKind) -> Self {
        Self {
            name: name.into(),
            kind,
            anchor: Vec3::ZERO,
            axis: Vec3::X,
            limits: None,
            limit_softness: None,
            limit_impedance: Impedance::default(),
            damping: 0.0,
            armature: 0.0,
            stiffness: 0.0,
            spring_reference: 0.0,
            collide_connected: false,
        }
    }

    pub fn fixed(name: impl Into<String>) -> Self {
        Self::new(name, JointKind::Fixed)
    }

    /// A hinge about `axis` (child frame).
    pub fn revolute(name: impl Into<String>, axis: Vec3) -> Self {
        Self::new(name, JointKind::Revolute).axis(axis)
    }

    /// A slide along `axis` (child frame).
    pub fn prismatic(name: impl Into<String>, axis: Vec3) -> Self {
        Self::new(name, JointKind::Prismatic).axis(axis)
    }

    pub fn spherical(name: impl Into<String>) -> Self {
        Self::new(name, JointKind::Spherical)
    }

    pub fn free(name: impl Into<String>) -> Self {
        Self::new(name, JointKind::Free)
    }

    /// The anchor point in the child's body frame.
    pub fn at(mut self, anchor: Vec3) -> Self {
        self.anchor = anchor;
        self
    }

    pub fn axis(mut self, axis: Vec3) -> Self {
        self.axis = axis;
        self
    }

    pub fn limits(mut self, lower: f32, upper: f32) -> Self {
        self.limits = Some((lower, upper));
        self
    }

    /// Limits that give like a spring of natural frequency `hertz` and `damping_ratio` when
    /// pushed past (see [`JointDesc::limit_softness`]).
    pub fn soft_limits(mut self, hertz: f32, damping_ratio: f32) -> Self {
        self.limit_softness = Some((hertz, damping_ratio));
        self
    }

    /// The impedance curve of soft limits (see [`JointDesc::limit_impedance`]).
    pub fn limit_impedance(mut self, impedance: Impedance) -> Self {
        self.limit_impedance = impedance;
        self
    }

    pub fn damping(mut self, damping: f32) -> Self {
        self.damping = damping;
        self
    }

    pub fn armature(mut self, armature: f32) -> Self {
        self.armature = armature;
        self
    }

    /// A spring of `stiffness` relaxed at q = `reference`.
    pub fn spring(mut self, stiffness: f32, reference: f32) -> Self {
        self.stiffness = stiffness;
        self.spring_reference = reference;
        self
    }

    pub fn collide_connected(mut self, collide: bool) -> Self {
        self.collide_connected = collide;
        self
    }
}

/// A joint of a validated scene.
#[derive(Clone, Debug, PartialEq)]
pub struct Joint {
    pub name: String,
    pub kind: JointKind,
    /// None: the world.
    pub parent: Option<usize>,
    pub child: usize,
    /// The joint frame in the parent's body frame (in the world when there is no parent) and
    /// in the child's; they coincide in the initial configuration. A single-axis joint's axis
    /// is the frames' x axis.
    pub frame_in_parent: Pose,
    pub frame_in_child: Pose,
    pub limits: Option<(f32, f32)>,
    /// (natural frequency Hz, damping ratio) of the limits; see [`JointDesc::limit_softness`].
    pub limit_softness: Option<(f32, f32)>,
    /// See [`JointDesc::limit_impedance`].
    pub limit_impedance: Impedance,
    pub damping: f32,
    pub armature: f32,
    pub stiffness: f32,
    pub spring_reference: f32,
    pub collide_connected: bool,
    /// Where this joint's entries start in a world's q and q̇.
    pub position_offset: usize,
    pub velocity_offset: usize,
}
