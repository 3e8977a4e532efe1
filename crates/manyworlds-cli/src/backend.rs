//! The `--backend` argument.

use clap::ValueEnum;
use manyworlds::{AdapterChoice, Backend};
use serde::Serialize;

/// The backend asked for on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BackendChoice {
    /// A hardware GPU when there is one, else the CPU backend.
    Auto,
    /// The reference CPU solver, parallel over worlds with rayon.
    Cpu,
    /// The WGSL backend on a GPU adapter (MANYWORLDS_ADAPTER picks one; software ones such as
    /// lavapipe count).
    Gpu,
}

impl BackendChoice {
    pub fn to_backend(self) -> Backend {
        match self {
            BackendChoice::Auto => Backend::Auto,
            BackendChoice::Cpu => Backend::Cpu,
            BackendChoice::Gpu => Backend::Gpu(AdapterChoice::Auto),
        }
    }
}
