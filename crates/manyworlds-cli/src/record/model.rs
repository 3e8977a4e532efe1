//! A model file as a task: its actuators driven by the policy, observation q and q̇ (every
//! joint in order), reward 0, never terminated (except by a physics failure, which the env
//! reports), truncated after `--episode-steps` steps of the file's dt.

use manyworlds::scenes::BuiltinScene;
use manyworlds::tasks::{Task, TaskLayout, Transition};
use manyworlds::{Rule, Scene, SceneError, StepParams};

#[derive(Clone, Debug)]
pub struct ModelTask {
    /// The file as given on the command line, and its name without folder and extension.
    pub file: String,
    pub name: String,
    pub scene: Scene,
    pub params: StepParams,
    pub episode_steps: u32,
}

impl ModelTask {
    /// `observation.state`'s names: each joint's q entries, then its q̇ entries, named after
    /// the joint (`NAME[k]` where it has several).
    pub fn state_names(&self) -> Vec<String> {
        let names = |count: fn(&manyworlds::Joint) -> usize, suffix: &str| {
            self.scene
                .joints()
                .iter()
                .flat_map(move |j| {
                    let n = count(j);
                    (0..n).map(move |k| match n {
                        1 => format!("{}{suffix}", j.name),
                        _ => format!("{}{suffix}[{k}]", j.name),
                    })
                })
                .collect::<Vec<_>>()
        };
        let mut all = names(|j| j.kind.position_count(), "");
        all.extend(names(|j| j.kind.velocity_count(), "_dot"));
        all
    }
}

impl Task for ModelTask {
    fn name(&self) -> &'static str {
        "ModelFile"
    }

    fn scene(&self) -> Result<BuiltinScene, SceneError> {
        Ok(BuiltinScene {
            name: "model",
            description: "a model file",
            scene: self.scene.clone(),
            params: self.params,
            steps: self.episode_steps,
            world_pose: None,
        })
    }

    fn layout(&self) -> TaskLayout {
        TaskLayout {
            joint_positions: self.scene.joint_position_count(),
            joint_velocities: self.scene.joint_velocity_count(),
            actuators: self.scene.actuators().len(),
        }
    }

    fn observation_size(&self) -> usize {
        self.scene.joint_position_count() + self.scene.joint_velocity_count()
    }

    fn frame_skip(&self) -> usize {
        1
    }

    fn max_episode_steps(&self) -> u32 {
        self.episode_steps
    }

    /// None of its own: the file's randomization and `--randomize` are the env's rules.
    fn start_noise(&self) -> Vec<Rule> {
        Vec::new()
    }

    fn observe(&self, q: &[f32], qd: &[f32], obs: &mut [f32]) {
        obs[..q.len()].copy_from_slice(q);
        obs[q.len()..].copy_from_slice(qd);
    }

    fn outcome(&self, _: &Transition) -> (f32, bool) {
        (0.0, false)
    }
}
