//! `DataStream`: episodes generated on a background thread reach the consumer frame for frame
//! as the env made them, a policy cloned from its chunks balances as its teacher does, the
//! bounded buffer holds the producer back, and dropping the stream stops it.

#[path = "../examples/stream_bc/cloning.rs"]
mod cloning;

use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

use cloning::{evaluate, teacher, LinearFit, TEACHER_GAINS};
use manyworlds::tasks::{CartPoleBalance, CartPoleSpec, EnvOptions};
use manyworlds::{DataStream, EnvError, Episode, StepOutput, StreamOptions, VecEnv};

fn cart_poles(envs: usize) -> impl FnOnce() -> Result<CartPoleBalance, EnvError> + Send {
    move || CartPoleBalance::new(CartPoleSpec::default(), envs, &EnvOptions::default())
}

/// Full force to +x: the pole falls within a second, so episodes are short.
fn push(_obs: &[f32], actions: &mut [f32]) {
    actions.fill(1.0);
}

#[test]
fn streamed_episodes_are_the_frames_the_env_makes() {
    let seed = 11;
    let options = StreamOptions { seed, capacity: 4 };
    let streamed: Vec<Episode> = DataStream::spawn(cart_poles(1), teacher, options)
        .expect("starts")
        .take(3)
        .collect::<Result<_, _>>()
        .expect("episodes");

    // The same env and policy stepped here.
    let mut env = cart_poles(1)().expect("env");
    let mut out = StepOutput::new(&env);
    env.reset(seed, &mut out.obs).expect("reset");
    let mut action = [0.0f32];
    for (k, episode) in streamed.iter().enumerate() {
        assert_eq!(episode.index, k as u64);
        let mut frames = 0;
        loop {
            teacher(&out.obs, &mut action);
            assert_eq!(
                &episode.observations[4 * frames..][..4],
                &out.obs[..],
                "frame {frames}"
            );
            assert_eq!(
                episode.actions[frames], action[0],
                "episode {k}, frame {frames}"
            );
            env.step(&action, &mut out).expect("step");
            assert_eq!(episode.rewards[frames], out.reward[0]);
            frames += 1;
            if out.done(0) {
                break;
            }
        }
        assert_eq!(episode.len(), frames, "episode {k}'s length");
        assert_eq!(episode.terminated, out.terminated[0]);
        assert_eq!(episode.final_observation, out.final_obs);
    }
    // The teacher balances: every episode runs to gymnasium's 500-step truncation.
    assert!(streamed.iter().all(|e| e.len() == 500 && !e.terminated));
}

#[test]
fn a_policy_cloned_from_streamed_chunks_balances_like_its_teacher() {
    let options = StreamOptions {
        seed: 5,
        capacity: 8,
    };
    let mut stream = DataStream::spawn(cart_poles(16), teacher, options).expect("starts");
    let mut fit = LinearFit::new(stream.observation_size());
    for chunk in stream.chunks(50).take(200) {
        let chunk = chunk.expect("chunk");
        assert_eq!(chunk.observations.len(), 50 * 4);
        fit.add(&chunk);
    }
    drop(stream);
    let (gains, bias) = fit.solve().expect("a determined fit");
    // Observations and actions of the same frame: the fit recovers the teacher's gains (a
    // frame off, it would fit the next state's law instead).
    for (g, t) in gains.iter().zip(TEACHER_GAINS) {
        assert!(
            (g - t).abs() < 1e-3 * t.abs().max(0.1),
            "gains {gains:?} against {TEACHER_GAINS:?}"
        );
    }
    assert!(bias.abs() < 1e-4, "bias {bias}");
    let returns = evaluate(&gains, bias, 77, 8).expect("evaluates");
    assert!(returns.iter().all(|&r| r == 500.0), "returns {returns:?}");
}

#[test]
fn the_buffer_holds_the_producer_back_and_dropping_the_stream_stops_it() {
    let capacity = 3;
    let options = StreamOptions { seed: 2, capacity };
    let mut stream = DataStream::spawn(cart_poles(4), push, options).expect("starts");
    let wait_for = |stream: &DataStream, at_least: u64| {
        let began = Instant::now();
        while stream.produced() < at_least {
            assert!(
                began.elapsed() < Duration::from_secs(60),
                "the producer stalled"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    };
    // Nothing consumed: the producer fills the buffer, hands one more to the channel's
    // sender and waits there.
    wait_for(&stream, capacity as u64);
    std::thread::sleep(Duration::from_millis(300));
    let full = stream.produced();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        stream.produced(),
        full,
        "the producer went on with a full buffer"
    );
    assert!(
        full <= capacity as u64 + 1,
        "{full} episodes ahead of a buffer of {capacity}"
    );
    // Consuming makes room again.
    let taken: Vec<Episode> = stream
        .by_ref()
        .take(2)
        .map(|e| e.expect("episode"))
        .collect();
    assert!(taken.iter().all(|e| e.terminated && e.len() < 200));
    wait_for(&stream, full + 2);

    let (done, stopped) = channel();
    std::thread::spawn(move || {
        drop(stream);
        let _ = done.send(());
    });
    stopped
        .recv_timeout(Duration::from_secs(30))
        .expect("dropping the stream stops and joins its producer");
}

#[test]
fn an_env_that_cannot_be_built_is_an_error_at_spawn() {
    let broken = || {
        let spec = CartPoleSpec {
            frame_skip: 0,
            ..CartPoleSpec::default()
        };
        CartPoleBalance::new(spec, 2, &EnvOptions::default())
    };
    let error = DataStream::spawn(broken, push, StreamOptions::default())
        .err()
        .expect("refused");
    assert!(matches!(error, EnvError::ZeroFrameSkip { .. }), "{error}");
}
