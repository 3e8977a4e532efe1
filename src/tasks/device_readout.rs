//! A task's observations and outcomes computed on the GPU: when the `Sim` runs there and the
//! task has a device program, one readout kernel after each step turns the bodies' state
//! into every env's observation, reward and termination, and only those come back.

use manyworlds_gpu::{GpuError, ReadoutMode, TaskReadout};

use super::task::Task;
use crate::sim::{Sim, SimError};
use crate::vec_env::EnvError;

pub struct DeviceReadout {
    readout: TaskReadout,
    observation_size: usize,
    /// `[envs × (observation, reward, terminated)]` of the last run.
    rows: Vec<f32>,
}

impl DeviceReadout {
    /// The readout of `task` on `sim`, whose env step lasts `dt`; `None` on the CPU, for a
    /// task without a device program, and for a scene with compound joints (the kernel
    /// derives q from the bodies' poses, one joint at a time; a compound's q is read on the
    /// host, core `joint_space`).
    pub fn new(sim: &Sim, task: &impl Task, dt: f32) -> Result<Option<Self>, EnvError> {
        let (Some(batch), Some(program)) = (sim.gpu_batch(), task.device_program()) else {
            return Ok(None);
        };
        if !sim.scene().compounds().is_empty() {
            return Ok(None);
        }
        let readout = TaskReadout::new(batch, &program, dt).map_err(SimError::from)?;
        let rows = vec![0.0; sim.world_count() * readout.row_size()];
        Ok(Some(DeviceReadout {
            readout,
            observation_size: program.observation_size,
            rows,
        }))
    }

    /// Reads every env's state: after a step (`ReadoutMode::Step`: with rewards and
    /// terminations) or after resets and writes (`Observe`).
    pub fn run(&mut self, sim: &Sim, mode: ReadoutMode) -> Result<(), EnvError> {
        let Some(batch) = sim.gpu_batch() else {
            let e = GpuError::Runtime("a task readout runs only on a GPU sim".to_string());
            return Err(SimError::from(e).into());
        };
        self.readout
            .run(batch, mode, &mut self.rows)
            .map_err(SimError::from)?;
        Ok(())
    }

    fn row(&self, env: usize) -> &[f32] {
        let size = self.readout.row_size();
        &self.rows[env * size..][..size]
    }

    /// Env `env`'s observation of the last run.
    pub fn observation(&self, env: usize) -> &[f32] {
        &self.row(env)[..self.observation_size]
    }

    /// Env `env`'s reward and termination of the last `Step` run.
    pub fn outcome(&self, env: usize) -> (f32, bool) {
        let row = self.row(env);
        (
            row[self.observation_size],
            row[self.observation_size + 1] != 0.0,
        )
    }
}
