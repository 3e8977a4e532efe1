//! A task that rewards on contact, through the env readout: a box dropped 0.5 m reports no
//! contact force while it falls, touches down after √(2h/g), and then reads its own weight, on
//! both backends.

mod common;
use common::*;
use manyworlds::scenes::BuiltinScene;
use manyworlds::tasks::{EnvOptions, Task, TaskEnv, TaskLayout, Transition};
use manyworlds::{
    Backend, BodyDesc, ColliderDesc, Rule, SceneError, Shape, SimOptions, StepOutput, StepParams,
    Vec3, VecEnv,
};

const DROP: f32 = 0.5;
const HALF: f32 = 0.1;

/// Reward: the box's net contact force over its weight; never terminates.
struct Landing {
    weight: f32,
}

impl Task for Landing {
    fn name(&self) -> &'static str {
        "landing"
    }
    fn scene(&self) -> Result<BuiltinScene, SceneError> {
        let crate_box = BodyDesc::dynamic("box")
            .at(Vec3::new(0.0, 0.0, HALF + DROP))
            .collider(ColliderDesc::new(Shape::cuboid(Vec3::splat(HALF))));
        Ok(BuiltinScene {
            name: "landing",
            description: "a box dropped on the ground",
            scene: build(vec![ground(0.5, 0.0), crate_box]),
            params: StepParams::default(),
            steps: 200,
            world_pose: None,
        })
    }
    fn layout(&self) -> TaskLayout {
        TaskLayout {
            joint_positions: 0,
            joint_velocities: 0,
            actuators: 0,
        }
    }
    fn observation_size(&self) -> usize {
        1
    }
    fn frame_skip(&self) -> usize {
        1
    }
    fn max_episode_steps(&self) -> u32 {
        1000
    }
    fn start_noise(&self) -> Vec<Rule> {
        Vec::new()
    }
    fn observe(&self, _q: &[f32], _qd: &[f32], obs: &mut [f32]) {
        obs[0] = 0.0;
    }
    fn outcome(&self, step: &Transition) -> (f32, bool) {
        (step.contact_forces[0].z / self.weight, false)
    }
    fn contact_bodies(&self) -> Vec<usize> {
        vec![1]
    }
}

#[test]
fn a_task_reads_the_contact_force_of_a_landing_box() {
    for backend in backends("a_task_reads_the_contact_force_of_a_landing_box") {
        let b = name(&backend);
        let mass =
            build(vec![BodyDesc::dynamic("box").collider(ColliderDesc::new(
                Shape::cuboid(Vec3::splat(HALF)),
            ))])
            .bodies()[0]
                .mass
                .mass;
        let task = Landing {
            weight: mass * 9.81,
        };
        let envs = 2;
        let options = EnvOptions {
            sim: SimOptions {
                backend: backend.clone(),
                ..SimOptions::default()
            },
            ..EnvOptions::default()
        };
        let mut env = TaskEnv::new(task, envs, &options).expect("the env builds");
        let mut out = StepOutput::new(&env);
        let mut touchdown = None;
        for step in 1..=100 {
            env.step(&[], &mut out).expect("steps");
            if touchdown.is_none() && out.reward[0] > 0.0 {
                touchdown = Some(step);
            }
        }
        let dt = StepParams::default().dt;
        let fall = (2.0 * DROP / 9.81).sqrt() / dt;
        let touchdown = touchdown.unwrap_or_else(|| panic!("{b}: the box never touched down"));
        assert!(
            (touchdown as f32 - fall).abs() <= 1.5,
            "{b}: contact first felt at step {touchdown}, the fall takes {fall} steps"
        );
        for w in 0..envs {
            assert!(
                (out.reward[w] - 1.0).abs() < 0.01,
                "{b}: env {w}: resting, the box reads {} of its weight",
                out.reward[w]
            );
        }
    }
}

#[test]
fn a_contact_body_outside_the_scene_is_refused() {
    struct Wrong;
    impl Task for Wrong {
        fn name(&self) -> &'static str {
            "wrong"
        }
        fn scene(&self) -> Result<BuiltinScene, SceneError> {
            Landing { weight: 1.0 }.scene()
        }
        fn layout(&self) -> TaskLayout {
            Landing { weight: 1.0 }.layout()
        }
        fn observation_size(&self) -> usize {
            1
        }
        fn frame_skip(&self) -> usize {
            1
        }
        fn max_episode_steps(&self) -> u32 {
            10
        }
        fn start_noise(&self) -> Vec<Rule> {
            Vec::new()
        }
        fn observe(&self, _q: &[f32], _qd: &[f32], obs: &mut [f32]) {
            obs[0] = 0.0;
        }
        fn outcome(&self, _step: &Transition) -> (f32, bool) {
            (0.0, false)
        }
        fn contact_bodies(&self) -> Vec<usize> {
            vec![7]
        }
    }
    let options = EnvOptions {
        sim: SimOptions {
            backend: Backend::Cpu,
            ..SimOptions::default()
        },
        ..EnvOptions::default()
    };
    let error = TaskEnv::new(Wrong, 1, &options).err().expect("refused");
    let text = error.to_string();
    assert!(
        text.contains("contact body 7") && text.contains("2 bodies"),
        "{text}"
    );
}
