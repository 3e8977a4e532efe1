//! The CPU backend of manyworlds: the reference TGS-soft rigid-body and contact solver,
//! stepping many independent worlds in parallel with rayon. It is both a real CPU baseline
//! and the oracle the GPU kernels are checked against.

mod articulation_solver;
mod batch;
mod broadphase;
mod coloring;
mod compound_rows;
mod contact_cache;
mod contact_solver;
pub mod gyroscopic;
mod joint_drive;
mod joint_rows;
mod joint_solver;
pub mod narrowphase;
mod small_matrix;
mod solver_body;
mod substep_solver;
mod world_snapshot;
mod world_step;

pub use batch::{CpuBatch, StepStats};
pub use manyworlds_core::{BatchError, MAX_WORLDS};
pub use world_snapshot::CpuWorldSnapshot;
