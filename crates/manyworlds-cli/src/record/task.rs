//! The tasks `record` runs, with what a dataset needs beyond the `VecEnv`: column names,
//! the task's sentence, a scripted policy and when an episode counts as a success.

use std::f32::consts::PI;

use manyworlds::tasks::{AntSpec, CartPoleSpec};
use manyworlds::Scene;

use super::model::ModelTask;

/// Forward distance (torso x, m) an ant episode must cover to count as a success.
pub const ANT_SUCCESS_DISTANCE: f64 = 1.0;

/// Names `record` accepts for each task, the first being the one it writes.
pub const TASK_NAMES: [(&str, &[&str]); 2] = [
    (
        "cartpole",
        &["cartpole", "cartpole_balance", "CartPoleBalance"],
    ),
    ("ant", &["ant", "ant_forward", "AntForward"]),
];

#[derive(Clone, Debug)]
pub enum RecordTask {
    CartPole(CartPoleSpec),
    Ant(AntSpec),
    Model(Box<ModelTask>),
}

/// What an episode did, gathered step by step.
#[derive(Clone, Copy, Debug, Default)]
pub struct EpisodeProgress {
    /// Torso x travelled (the ant), m.
    pub forward: f64,
    /// Whether the last step terminated the episode (as opposed to a truncation only).
    pub terminated: bool,
}

impl RecordTask {
    /// The task named `name` (see [`TASK_NAMES`]), with its default settings.
    pub fn parse(name: &str) -> Option<RecordTask> {
        let (key, _) = TASK_NAMES.iter().find(|(_, names)| names.contains(&name))?;
        Some(match *key {
            "cartpole" => RecordTask::CartPole(CartPoleSpec::default()),
            _ => RecordTask::Ant(AntSpec::default()),
        })
    }

    /// The name written in the dataset (`robot_type` and `meta/manyworlds.json`).
    pub fn key(&self) -> String {
        match self {
            RecordTask::CartPole(_) => "cartpole".into(),
            RecordTask::Ant(_) => "ant".into(),
            RecordTask::Model(model) => model.name.clone(),
        }
    }

    /// The sentence of `meta/tasks.parquet`.
    pub fn sentence(&self) -> String {
        match self {
            RecordTask::CartPole(_) => "Balance the pole upright by pushing the cart.".into(),
            RecordTask::Ant(_) => "Walk forward along +x with the four-legged ant.".into(),
            RecordTask::Model(model) => format!("Drive {} with the policy's controls.", model.name),
        }
    }

    /// When `--only-success` keeps an episode.
    pub fn success_condition(&self) -> String {
        match self {
            RecordTask::CartPole(spec) => format!(
                "the pole stayed up and the cart on the track for all {} steps (the episode was truncated, not terminated)",
                spec.max_episode_steps
            ),
            RecordTask::Ant(_) => format!(
                "the torso moved at least {ANT_SUCCESS_DISTANCE} m along +x over the episode"
            ),
            RecordTask::Model(model) => format!(
                "the physics stayed finite for all {} steps",
                model.episode_steps
            ),
        }
    }

    /// The names of `observation.state`'s values.
    pub fn state_names(&self, scene: &Scene) -> Vec<String> {
        let strings = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        match self {
            RecordTask::CartPole(_) => strings(&["x", "x_dot", "theta", "theta_dot"]),
            RecordTask::Ant(_) => {
                // The hinges, in q order after the torso's free joint.
                let hinges: Vec<&str> = scene.joints()[1..].iter().map(|j| &*j.name).collect();
                let mut names =
                    strings(&["torso_z", "torso_qw", "torso_qx", "torso_qy", "torso_qz"]);
                names.extend(hinges.iter().map(|h| h.to_string()));
                names.extend(strings(&["torso_vx", "torso_vy", "torso_vz"]));
                names.extend(strings(&["torso_wx", "torso_wy", "torso_wz"]));
                names.extend(hinges.iter().map(|h| format!("{h}_dot")));
                names
            }
            RecordTask::Model(model) => model.state_names(),
        }
    }

    /// The names of `action`'s values: the actuators'.
    pub fn action_names(scene: &Scene) -> Vec<String> {
        scene.actuators().iter().map(|a| a.name.clone()).collect()
    }

    /// Whether [`RecordTask::scripted`] has a policy for this task (model files have none).
    pub fn has_scripted_policy(&self) -> bool {
        !matches!(self, RecordTask::Model(_))
    }

    /// The scripted policy's action for one env: state feedback that balances the cart-pole,
    /// an open-loop trot (each motor a sine of the episode's time) for the ant; zero controls
    /// for a model file.
    pub fn scripted(&self, obs: &[f32], time: f32, action: &mut [f32]) {
        match self {
            RecordTask::Model(_) => action.fill(0.0),
            RecordTask::CartPole(_) => {
                let force = obs[0] + 2.0 * obs[1] + 30.0 * obs[2] + 6.0 * obs[3];
                action[0] = (force / 10.0).clamp(-1.0, 1.0);
            }
            RecordTask::Ant(_) => {
                for (k, a) in action.iter_mut().enumerate() {
                    // Diagonal legs in phase, ankles a quarter period behind their hips.
                    let phase = PI * (k / 2 % 2) as f32 + 0.5 * PI * (k % 2) as f32;
                    *a = 0.7 * (2.0 * PI * 1.5 * time + phase).sin();
                }
            }
        }
    }

    /// Adds one step to `progress`: the ant's torso x travel is recovered from its reward,
    /// `Δx = dt (r − healthy bonus + ctrl weight Σa²) / forward weight`.
    pub fn track(
        &self,
        progress: &mut EpisodeProgress,
        reward: f32,
        action: &[f32],
        terminated: bool,
        dt: f32,
    ) {
        progress.terminated = terminated;
        if let RecordTask::Ant(spec) = self {
            let healthy = if terminated { 0.0 } else { spec.healthy_reward };
            let control: f32 = action.iter().map(|a| a * a).sum();
            let velocity =
                (reward - healthy + spec.ctrl_cost_weight * control) / spec.forward_reward_weight;
            progress.forward += f64::from(velocity * dt);
        }
    }

    /// Whether a finished episode met [`RecordTask::success_condition`].
    pub fn success(&self, progress: &EpisodeProgress) -> bool {
        match self {
            // A model's episodes end terminated only when the physics failed.
            RecordTask::CartPole(_) | RecordTask::Model(_) => !progress.terminated,
            RecordTask::Ant(_) => progress.forward >= ANT_SUCCESS_DISTANCE,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use manyworlds::tasks::{AntForward, EnvOptions};
    use manyworlds::{Backend, SimOptions, StepOutput, VecEnv};

    /// The torso x travel recovered from the rewards against the torso read back.
    #[test]
    fn ant_forward_travel_from_rewards_matches_the_torso() {
        let task = RecordTask::Ant(AntSpec::default());
        let options = EnvOptions {
            sim: SimOptions {
                backend: Backend::Cpu,
                ..SimOptions::default()
            },
            ..EnvOptions::default()
        };
        let mut env = AntForward::new(AntSpec::default(), 2, &options).unwrap();
        let mut out = StepOutput::new(&env);
        env.reset(0, &mut out.obs).unwrap();
        let torso_x = |env: &mut AntForward| {
            let mut q = vec![0.0; 2 * 15];
            env.sim_mut().joint_positions(&mut q).unwrap();
            [q[0], q[15]]
        };
        let start = torso_x(&mut env);
        let mut progress = [EpisodeProgress::default(); 2];
        let mut actions = vec![0.0; 16];
        for step in 0..40 {
            for (k, a) in actions.iter_mut().enumerate() {
                *a = ((step * 16 + k) as f32 * 0.37).sin();
            }
            env.step(&actions, &mut out).unwrap();
            assert!(!out.done(0) && !out.done(1), "the ant stays up for 2 s");
            for (w, p) in progress.iter_mut().enumerate() {
                let action = &actions[w * 8..][..8];
                task.track(p, out.reward[w], action, out.terminated[w], env.dt());
            }
        }
        let end = torso_x(&mut env);
        for w in 0..2 {
            let moved = f64::from(end[w] - start[w]);
            assert!(
                (progress[w].forward - moved).abs() < 1e-4,
                "{progress:?} against {moved}"
            );
        }
    }
}
