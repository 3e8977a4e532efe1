//! Which backend steps the worlds, and why it was chosen.

use clap::ValueEnum;
use serde::Serialize;

/// The backend asked for on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BackendChoice {
    /// The best backend available in this build.
    Auto,
    /// The reference CPU solver, parallel over worlds with rayon.
    Cpu,
}

/// A backend that can actually step a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    Cpu,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Cpu => "cpu",
        }
    }
}

/// The backend chosen for a run, with the reason, to be shown to the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selection {
    pub backend: Backend,
    pub reason: &'static str,
}

impl BackendChoice {
    pub fn name(self) -> &'static str {
        match self {
            BackendChoice::Auto => "auto",
            BackendChoice::Cpu => "cpu",
        }
    }

    /// Resolves the choice to a backend of this build.
    pub fn select(self) -> Selection {
        match self {
            BackendChoice::Auto => Selection {
                backend: Backend::Cpu,
                reason: "auto: the CPU is the only backend in this build (no GPU backend yet)",
            },
            BackendChoice::Cpu => Selection {
                backend: Backend::Cpu,
                reason: "requested with --backend cpu",
            },
        }
    }
}
