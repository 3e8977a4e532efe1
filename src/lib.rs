//! manyworlds: thousands of independent rigid-body worlds stepped at once, on the CPU or on
//! any GPU.
//!
//! Build one world's [`Scene`], then step N copies of it in a [`Sim`], on the backend of your
//! choice ([`Backend::Auto`]: a hardware GPU when there is one, else the CPU). State comes back
//! as flat `[worlds × bodies]` slices: world `w`, body `i` at `w * sim.stride() + i`.
//! (This is the README's embedding example.)
//!
//! ```
//! use manyworlds::{BodyDesc, ColliderDesc, SceneBuilder, Shape, Sim, SimOptions, StepParams, Vec3};
//!
//! let scene = SceneBuilder::new()
//!     .body(BodyDesc::fixed("ground").collider(ColliderDesc::new(Shape::Plane)))
//!     .body(
//!         BodyDesc::dynamic("crate")
//!             .at(Vec3::new(0.0, 0.0, 1.0))
//!             .collider(ColliderDesc::new(Shape::cuboid(Vec3::splat(0.25))).friction(0.8)),
//!     )
//!     .build()?; // a typed error naming the body or collider at fault
//! let mut sim = Sim::new(scene, StepParams::default(), 4096, &SimOptions::default())?;
//! println!("{} on {} ({})", sim.backend(), sim.device(), sim.choice());
//! sim.step_n(100)?; // one submit on a GPU
//! let stride = sim.stride();
//! let crate_height = sim.positions()?[7 * stride + 1].z; // read back (GPU) once per step
//! assert!((crate_height - 0.25).abs() < 0.005, "the crate rests on the ground");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A robot is built link by link in local frames; actuators take a `[worlds × actuators]`
//! control array and joint-space state comes back in caller-owned slices (the README's robot
//! example):
//!
//! ```
//! use manyworlds::{Actuator, BodyDesc, ColliderDesc, JointDesc, Pose, SceneBuilder, Sim, SimOptions, StepParams, Vec3};
//!
//! let mut robot = SceneBuilder::new();
//! let upper = robot.add_link(
//!     None, // hung from the world
//!     Pose::from_position(Vec3::new(0.0, 0.0, 2.0)),
//!     BodyDesc::dynamic("upper")
//!         .collider(ColliderDesc::capsule_from_to(Vec3::ZERO, Vec3::new(0.0, 0.0, -0.5), 0.03)),
//!     JointDesc::revolute("shoulder", Vec3::Y).limits(-1.5, 1.5).damping(0.1),
//! );
//! let lower = robot.add_link(
//!     Some(upper.body),
//!     Pose::from_position(Vec3::new(0.0, 0.0, -0.5)), // relative to the parent's frame
//!     BodyDesc::dynamic("lower")
//!         .collider(ColliderDesc::capsule_from_to(Vec3::ZERO, Vec3::new(0.0, 0.0, -0.5), 0.03)),
//!     JointDesc::revolute("elbow", Vec3::Y).armature(0.01),
//! );
//! robot.add_actuator(Actuator::position("elbow_servo", lower.joint, 20.0, 2.0).force_limit(5.0));
//! let worlds = 64;
//! let mut sim = Sim::new(robot.build()?, StepParams::default(), worlds, &SimOptions::default())?;
//! sim.set_controls(&vec![0.5; worlds])?; // elbow to 0.5 rad in every world
//! sim.step_n(100)?;
//! let mut q = vec![0.0; worlds * sim.scene().joint_position_count()];
//! sim.joint_positions(&mut q)?; // [worlds × q]: shoulder, elbow of world 0, then world 1, …
//! // The servo has bent the elbow most of the way (gravity on the forearm holds it back).
//! assert!(q[1] > 0.3 && q[1] < 0.55, "elbow at {} rad", q[1]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Built-in scenes come with their own step parameters and per-world initial poses. The
//! backends can also be used directly ([`CpuBatch`], [`GpuBatch`]):
//!
//! ```
//! use manyworlds::{scenes, CpuBatch};
//! let boxes = scenes::builtin("boxes").unwrap();
//! let mut batch = CpuBatch::from_builtin(&boxes, 8).unwrap();
//! batch.step_n(10);
//! assert_eq!(batch.positions().len(), 8 * boxes.scene.body_count());
//! ```

mod backend;
mod data_stream;
mod readout;
mod sim;
mod snapshot;
pub mod tasks;
mod vec_env;

pub use backend::{BackendKind, SimStats, WorldBatch};
pub use data_stream::{Chunk, Chunks, DataStream, Episode, StreamOptions};
pub use manyworlds_core::*;
pub use manyworlds_cpu::*;
pub use manyworlds_gpu::{
    list_adapters, AdapterChoice, AdapterSummary, GpuBatch, GpuBatchOptions, GpuError, ReadoutMode,
    TaskProgram, TaskReadout, ADAPTER_ENV,
};
/// Loaders of third-party model files (MJCF).
pub use manyworlds_import as import;
pub use readout::{ROOT_POSE_SIZE, ROOT_VELOCITY_SIZE};
pub use sim::{Backend, Fault, Sim, SimError, SimOptions};
pub use snapshot::{BackendWorld, WorldSnapshot};
pub use vec_env::{EnvError, NonFiniteActions, StepOutput, VecEnv};
