//! Built-in scenes, ready to step: the benchmark scenes `boxes`, `hulls`, `cartpole` and `ant`, the
//! stacking scenes, and pendulums and a chain.

pub mod ant;
pub mod boxes;
pub mod cartpole;
pub mod hulls;
pub mod pendulums;
pub mod stacks;

use crate::params::StepParams;
use crate::pose::Pose;
use crate::scene::Scene;

/// Gives the initial pose of `body` in `world`, from the template's pose. Lets a scene
/// start every world differently while staying a pure function of (world, body).
pub type WorldPoseFn = fn(world: u64, body: usize, template: &Pose) -> Pose;

/// A scene with the step parameters and episode length it is meant to run with.
#[derive(Clone, Debug)]
pub struct BuiltinScene {
    pub name: &'static str,
    pub description: &'static str,
    pub scene: Scene,
    pub params: StepParams,
    pub steps: u32,
    /// None: every world starts at the template's poses.
    pub world_pose: Option<WorldPoseFn>,
}

/// Names accepted by [`builtin`].
pub const BUILTIN_NAMES: [&str; 9] = [
    "boxes",
    "hulls",
    "tower",
    "pyramid",
    "pendulum",
    "double_pendulum",
    "chain10",
    "cartpole",
    "ant",
];

/// The built-in scene called `name`, or None.
pub fn builtin(name: &str) -> Option<BuiltinScene> {
    match name {
        "boxes" => Some(boxes::scene()),
        "hulls" => Some(hulls::scene()),
        "tower" => Some(stacks::tower(10).expect("a 10-cube tower is a valid scene")),
        "pyramid" => Some(stacks::pyramid(5).expect("a 15-cube pyramid is a valid scene")),
        "pendulum" => Some(pendulums::pendulum().expect("the pendulum is a valid scene")),
        "double_pendulum" => {
            Some(pendulums::double_pendulum().expect("the double pendulum is a valid scene"))
        }
        "chain10" => Some(pendulums::chain(10).expect("a 10-link chain is a valid scene")),
        "cartpole" => Some(cartpole::cartpole().expect("the cart-pole is a valid scene")),
        "ant" => Some(ant::ant().expect("the ant is a valid scene")),
        _ => None,
    }
}
