//! A few iterations of ARS (the `ars` example's algorithm) on `CartPoleBalance`, CPU backend,
//! with domain randomization: the trained policy's mean evaluation return on fresh seeds must
//! clearly beat the initial policy's, and the same seed must give the same policy bits.

#[path = "../examples/ars/algorithm.rs"]
mod algorithm;

use algorithm::{evaluate, evaluation_seed, training_randomization, Ars, Config};
use manyworlds::tasks::{CartPoleBalance, CartPoleSpec, EnvOptions};
use manyworlds::{SimOptions, VecEnv};

fn options() -> EnvOptions {
    EnvOptions {
        sim: SimOptions {
            randomization: training_randomization(false),
            ..SimOptions::default()
        },
        ..EnvOptions::default()
    }
}

const SEED: u64 = 3;
const ITERATIONS: u64 = 8;

fn train() -> (Vec<f64>, f64, f64) {
    let config = Config {
        directions: 8,
        top: 4,
        step_size: 0.1,
        noise: 0.1,
        horizon: 500,
        reward_shift: 0.0,
        seed: SEED,
    };
    let mut train = CartPoleBalance::new(CartPoleSpec::default(), 16, &options()).unwrap();
    let mut eval = CartPoleBalance::new(CartPoleSpec::default(), 16, &options()).unwrap();
    let mut ars = Ars::new(config, train.observation_size(), train.action_size()).unwrap();
    let seed = evaluation_seed(SEED, 1000);
    let before = evaluate(&mut eval, &ars.policy, seed, 500).unwrap();
    for _ in 0..ITERATIONS {
        let it = ars.step(&mut train).unwrap();
        // Every env runs at least one step and at most one 500-step episode.
        assert!((16..=16 * 500).contains(&it.env_steps), "{}", it.env_steps);
        assert!(
            (0.0..=500.0).contains(&it.mean_return),
            "{}",
            it.mean_return
        );
    }
    let after = evaluate(&mut eval, &ars.policy, seed, 500).unwrap();
    (ars.policy.matrix, before, after)
}

#[test]
fn a_few_ars_iterations_raise_the_cartpole_return() {
    let (matrix, before, after) = train();
    eprintln!(
        "mean evaluation return: {before:.1} before, {after:.1} after {ITERATIONS} iterations"
    );
    assert!(
        after >= before + 200.0 && after >= 3.0 * before,
        "ARS did not learn: mean evaluation return {before:.1} before, {after:.1} after"
    );
    let (again, _, _) = train();
    assert_eq!(
        matrix.iter().map(|m| m.to_bits()).collect::<Vec<_>>(),
        again.iter().map(|m| m.to_bits()).collect::<Vec<_>>(),
        "the same seed gave another policy"
    );
}

#[test]
fn bad_hyperparameters_are_refused() {
    let good = Config {
        directions: 4,
        top: 2,
        step_size: 0.02,
        noise: 0.03,
        horizon: 10,
        reward_shift: 0.0,
        seed: 0,
    };
    assert!(Ars::new(good.clone(), 4, 1).is_ok());
    for bad in [
        Config {
            top: 5,
            ..good.clone()
        },
        Config {
            top: 0,
            ..good.clone()
        },
        Config {
            directions: 0,
            ..good.clone()
        },
        Config {
            step_size: f64::NAN,
            ..good.clone()
        },
        Config {
            noise: -1.0,
            ..good.clone()
        },
        Config {
            horizon: 0,
            ..good.clone()
        },
    ] {
        assert!(Ars::new(bad, 4, 1).is_err());
    }
}
