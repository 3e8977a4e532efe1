//! Episodes streamed to a trainer while they are generated: a [`DataStream`] runs a
//! [`VecEnv`] under a policy on a background thread and hands over each episode as it ends,
//! through a bounded buffer. When the buffer is full the producer waits (memory stays flat,
//! whatever the consumer's pace); dropping the stream stops the producer and joins it.
//!
//! ```
//! use manyworlds::tasks::{CartPoleBalance, CartPoleSpec, EnvOptions};
//! use manyworlds::{DataStream, StreamOptions};
//!
//! let make_env = || CartPoleBalance::new(CartPoleSpec::default(), 8, &EnvOptions::default());
//! // A policy sees every env's observation and writes every env's action.
//! let policy = |obs: &[f32], actions: &mut [f32]| {
//!     for (o, a) in obs.chunks(4).zip(actions.iter_mut()) {
//!         *a = (0.1 * o[0] + 0.2 * o[1] + 3.0 * o[2] + 0.6 * o[3]).clamp(-1.0, 1.0);
//!     }
//! };
//! let mut stream = DataStream::spawn(make_env, policy, StreamOptions::default())?;
//! let episode = stream.next().expect("the producer runs")?;
//! assert_eq!(episode.observations.len(), episode.len() * stream.observation_size());
//! // Or fixed-length pieces of the episodes, in order, for sequence models:
//! let chunk = stream.chunks(16).next().expect("the producer runs")?;
//! assert_eq!(chunk.actions.len(), 16 * stream.action_size());
//! # Ok::<(), manyworlds::EnvError>(())
//! ```

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;

use crate::vec_env::{EnvError, StepOutput, VecEnv};

/// How a [`DataStream`] generates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamOptions {
    /// The env's reset seed: the same seed, env and policy give the same episodes.
    pub seed: u64,
    /// Finished episodes held for the consumer before the producer waits (at least 1).
    pub capacity: usize,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            seed: 0,
            capacity: 64,
        }
    }
}

/// One finished episode of one env: frame t is the observation the policy saw, the action
/// it took and the reward that followed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Episode {
    /// Which env of the batch ran it, and the how-manyth episode it is among those finished
    /// by the whole batch (from 0).
    pub env: usize,
    pub index: u64,
    /// `[len × observation_size]`, `[len × action_size]`, `[len]`.
    pub observations: Vec<f32>,
    pub actions: Vec<f32>,
    pub rewards: Vec<f32>,
    /// The observation the last step ended in (`StepOutput::final_obs`).
    pub final_observation: Vec<f32>,
    /// Whether it ended by termination (else by truncation).
    pub terminated: bool,
}

impl Episode {
    /// Frames in the episode.
    pub fn len(&self) -> usize {
        self.rewards.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rewards.is_empty()
    }

    /// The sum of its rewards.
    pub fn total_reward(&self) -> f32 {
        self.rewards.iter().sum()
    }
}

/// `length` consecutive frames of one episode (see [`DataStream::chunks`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Chunk {
    /// The episode's [`Episode::index`], and the chunk's first frame within it.
    pub episode: u64,
    pub start: usize,
    pub observations: Vec<f32>,
    pub actions: Vec<f32>,
    pub rewards: Vec<f32>,
}

/// What the producer sends: an episode, or the error that stopped it.
type Message = Result<Episode, EnvError>;

/// Episodes generated on a background thread (see the module's documentation).
pub struct DataStream {
    episodes: Option<Receiver<Message>>,
    stop: Arc<AtomicBool>,
    produced: Arc<AtomicU64>,
    producer: Option<JoinHandle<()>>,
    observation_size: usize,
    action_size: usize,
    num_envs: usize,
}

impl DataStream {
    /// Starts generating: `make_env` builds the env on the producer's thread (so the env
    /// need not be `Send`); `policy(obs, actions)` fills `[envs × action_size]` actions from
    /// `[envs × observation_size]` observations every step. An error building or resetting
    /// the env is returned here; a later step's error ends the stream as its last item.
    pub fn spawn<E, F, P>(
        make_env: F,
        policy: P,
        options: StreamOptions,
    ) -> Result<DataStream, EnvError>
    where
        E: VecEnv,
        F: FnOnce() -> Result<E, EnvError> + Send + 'static,
        P: FnMut(&[f32], &mut [f32]) + Send + 'static,
    {
        let (sender, episodes) = sync_channel(options.capacity.max(1));
        let (started, start) = sync_channel(1);
        let stop = Arc::new(AtomicBool::new(false));
        let produced = Arc::new(AtomicU64::new(0));
        let producer = {
            let (stop, produced) = (stop.clone(), produced.clone());
            std::thread::spawn(move || {
                let env = make_env().and_then(|mut env| {
                    let mut out = StepOutput::new(&env);
                    env.reset(options.seed, &mut out.obs)?;
                    Ok((env, out))
                });
                let (env, out) = match env {
                    Ok((env, out)) => {
                        let sizes = (env.num_envs(), env.observation_size(), env.action_size());
                        // The consumer waits for this; it cannot have gone.
                        let _ = started.send(Ok(sizes));
                        (env, out)
                    }
                    Err(error) => {
                        let _ = started.send(Err(error));
                        return;
                    }
                };
                let mut generator = Generator {
                    env,
                    out,
                    policy,
                    sender,
                    stop,
                    produced,
                };
                generator.run();
            })
        };
        let sizes = start.recv().unwrap_or_else(|_| {
            Err(EnvError::Producer(
                "the producer thread ended before starting".to_string(),
            ))
        });
        let mut stream = DataStream {
            episodes: Some(episodes),
            stop,
            produced,
            producer: Some(producer),
            observation_size: 0,
            action_size: 0,
            num_envs: 0,
        };
        // On an error, dropping `stream` joins the producer, which has returned.
        let (num_envs, observation_size, action_size) = sizes?;
        stream.num_envs = num_envs;
        stream.observation_size = observation_size;
        stream.action_size = action_size;
        Ok(stream)
    }

    pub fn observation_size(&self) -> usize {
        self.observation_size
    }

    pub fn action_size(&self) -> usize {
        self.action_size
    }

    /// The envs stepped together by the producer.
    pub fn num_envs(&self) -> usize {
        self.num_envs
    }

    /// Episodes the producer has finished so far, handed over or waiting in the buffer or
    /// being handed over (at most `capacity` + 1 ahead of the consumer).
    pub fn produced(&self) -> u64 {
        self.produced.load(Ordering::Relaxed)
    }

    /// The episodes cut into pieces of `length` frames, in order (an episode's last frames
    /// that do not fill a piece are left out; shorter episodes give none).
    pub fn chunks(&mut self, length: usize) -> Chunks<'_> {
        Chunks {
            stream: self,
            length: length.max(1),
            current: None,
            next_start: 0,
        }
    }
}

impl Iterator for DataStream {
    type Item = Result<Episode, EnvError>;

    /// The next finished episode, waiting for it; `None` once the producer has stopped (after
    /// an error, which came as the last item).
    fn next(&mut self) -> Option<Self::Item> {
        self.episodes.as_ref()?.recv().ok()
    }
}

impl Drop for DataStream {
    /// Stops the producer: the flag ends its loop, and dropping the receiver wakes it if it
    /// waits on a full buffer.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.episodes = None;
        if let Some(producer) = self.producer.take() {
            let _ = producer.join();
        }
    }
}

/// Fixed-length pieces of a stream's episodes ([`DataStream::chunks`]).
pub struct Chunks<'a> {
    stream: &'a mut DataStream,
    length: usize,
    current: Option<Episode>,
    next_start: usize,
}

impl Iterator for Chunks<'_> {
    type Item = Result<Chunk, EnvError>;

    fn next(&mut self) -> Option<Self::Item> {
        let (no, na, n) = (
            self.stream.observation_size,
            self.stream.action_size,
            self.length,
        );
        loop {
            if let Some(episode) = &self.current {
                let start = self.next_start;
                if start + n <= episode.len() {
                    self.next_start += n;
                    return Some(Ok(Chunk {
                        episode: episode.index,
                        start,
                        observations: episode.observations[start * no..(start + n) * no].to_vec(),
                        actions: episode.actions[start * na..(start + n) * na].to_vec(),
                        rewards: episode.rewards[start..start + n].to_vec(),
                    }));
                }
            }
            match self.stream.next()? {
                Ok(episode) => {
                    self.current = Some(episode);
                    self.next_start = 0;
                }
                Err(error) => return Some(Err(error)),
            }
        }
    }
}

/// The producer's side: steps the env, keeps each env's frames until its episode ends.
struct Generator<E, P> {
    env: E,
    out: StepOutput,
    policy: P,
    sender: SyncSender<Message>,
    stop: Arc<AtomicBool>,
    produced: Arc<AtomicU64>,
}

impl<E: VecEnv, P: FnMut(&[f32], &mut [f32])> Generator<E, P> {
    fn run(&mut self) {
        let (n, no, na) = (
            self.env.num_envs(),
            self.env.observation_size(),
            self.env.action_size(),
        );
        let mut actions = vec![0.0; n * na];
        let mut running = vec![Episode::default(); n];
        let mut index = 0u64;
        while !self.stop.load(Ordering::Relaxed) {
            (self.policy)(&self.out.obs, &mut actions);
            for (w, episode) in running.iter_mut().enumerate() {
                episode
                    .observations
                    .extend_from_slice(&self.out.obs[w * no..][..no]);
                episode.actions.extend_from_slice(&actions[w * na..][..na]);
            }
            if let Err(error) = self.env.step(&actions, &mut self.out) {
                let _ = self.sender.send(Err(error));
                return;
            }
            // Envs in order, so the episode indices depend on the seed only.
            for (w, episode) in running.iter_mut().enumerate() {
                episode.rewards.push(self.out.reward[w]);
                if !self.out.done(w) {
                    continue;
                }
                let mut finished = std::mem::take(episode);
                finished.env = w;
                finished.index = index;
                finished.terminated = self.out.terminated[w];
                finished.final_observation = self.out.final_obs[w * no..][..no].to_vec();
                index += 1;
                self.produced.fetch_add(1, Ordering::Relaxed);
                // Waits while the buffer is full; fails once the consumer is gone.
                if self.sender.send(Ok(finished)).is_err() {
                    return;
                }
            }
        }
    }
}
