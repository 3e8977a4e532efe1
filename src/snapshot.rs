//! Snapshots of single worlds: everything a world carries from step to step (body states,
//! contact and joint warm-start memory, controls, its own parameters) and where it is in its
//! episodes, so that a restored world continues bit for bit.

use manyworlds_core::WorldDraw;
use manyworlds_cpu::CpuWorldSnapshot;
use manyworlds_gpu::GpuWorldSnapshot;

use crate::backend::BackendKind;

/// What a backend saved of one world.
#[derive(Clone, Debug, PartialEq)]
pub enum BackendWorld {
    Cpu(CpuWorldSnapshot),
    Gpu(GpuWorldSnapshot),
}

impl BackendWorld {
    pub fn backend(&self) -> BackendKind {
        match self {
            BackendWorld::Cpu(_) => BackendKind::Cpu,
            BackendWorld::Gpu(_) => BackendKind::Gpu,
        }
    }
}

/// One world of a [`crate::Sim`], saved by [`crate::Sim::save_world`].
#[derive(Clone, Debug, PartialEq)]
pub struct WorldSnapshot {
    pub(crate) world: BackendWorld,
    /// The episode it was in, the steps taken in it, and what it drew for it.
    pub(crate) episode: u64,
    pub(crate) steps: u64,
    pub(crate) draw: WorldDraw,
}

impl WorldSnapshot {
    /// The backend it was saved on (it restores only there).
    pub fn backend(&self) -> BackendKind {
        self.world.backend()
    }

    /// The episode and the steps taken in it when it was saved.
    pub fn episode(&self) -> (u64, u64) {
        (self.episode, self.steps)
    }

    /// The world's draw for that episode.
    pub fn draw(&self) -> &WorldDraw {
        &self.draw
    }
}
