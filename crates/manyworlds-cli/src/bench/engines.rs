//! The engines stepped inside this process, behind one interface: manyworlds on either
//! backend (random controls every step for scenes with actuators, as `manyworlds run` does)
//! and Rapier.

use manyworlds::{Sim, SimOptions};

use super::cell::Plausibility;
use super::rapier_peer::RapierBatch;
use super::scenes::BenchScene;
use crate::controls::RandomControls;

/// An engine holding N worlds of one scene.
pub enum Engine {
    Manyworlds {
        sim: Box<Sim>,
        controls: RandomControls,
        /// Steps taken so far (the controls' counter).
        step: u64,
    },
    Rapier(RapierBatch),
}

/// The seed of the random controls.
const CONTROL_SEED: u64 = 0;

impl Engine {
    pub fn manyworlds(
        scene: &BenchScene,
        worlds: usize,
        options: &SimOptions,
    ) -> Result<Engine, String> {
        let sim = scene.create(worlds, options).map_err(|e| e.to_string())?;
        let controls = RandomControls::new(sim.scene(), worlds, CONTROL_SEED);
        Ok(Engine::Manyworlds {
            sim: Box::new(sim),
            controls,
            step: 0,
        })
    }

    pub fn rapier(scene: &BenchScene, worlds: usize) -> Engine {
        Engine::Rapier(RapierBatch::new(
            scene.scene(),
            &scene.params(),
            scene.world_pose(),
            worlds,
        ))
    }

    /// Takes `k` lockstep steps and waits for the state (a GPU's readback).
    pub fn step(&mut self, k: u32) -> Result<(), String> {
        match self {
            Engine::Manyworlds {
                sim,
                controls,
                step,
            } => {
                let result = if controls.is_empty() {
                    sim.step_n(k as usize)
                } else {
                    (0..k).try_for_each(|i| {
                        controls.draw(*step + u64::from(i));
                        sim.set_controls(&controls.values)?;
                        sim.step()
                    })
                };
                *step += u64::from(k);
                result
                    .and_then(|()| sim.positions().map(|_| ()))
                    .map_err(|e| e.to_string())
            }
            Engine::Rapier(batch) => {
                batch.step_n(k);
                Ok(())
            }
        }
    }

    /// The final state's figures: `manyworlds run`'s for manyworlds, the same measure of
    /// Rapier's states.
    pub fn plausibility(&mut self, scene: &BenchScene) -> Result<Plausibility, String> {
        match self {
            Engine::Manyworlds { sim, .. } => {
                let state = sim.plausibility().map_err(|e| e.to_string())?;
                let max_joint_separation_m = if sim.scene().joints().is_empty() {
                    None
                } else {
                    Some(sim.max_joint_separation().map_err(|e| e.to_string())?)
                };
                Ok(Plausibility {
                    max_penetration_m: Some(state.max_penetration),
                    max_speed_m_per_s: Some(state.max_speed),
                    non_finite_worlds: state.non_finite_worlds,
                    max_joint_separation_m,
                })
            }
            Engine::Rapier(batch) => {
                let state = batch.plausibility(scene.scene());
                Ok(Plausibility {
                    max_penetration_m: Some(state.max_penetration),
                    max_speed_m_per_s: Some(state.max_speed),
                    non_finite_worlds: state.non_finite_worlds,
                    max_joint_separation_m: None,
                })
            }
        }
    }

    /// The backend's own memory per world (manyworlds: state, contact memory and shares of
    /// scratch; on a GPU the device buffers), when the engine knows it.
    pub fn memory_per_world(&self) -> Option<u64> {
        match self {
            Engine::Manyworlds { sim, .. } => Some(sim.memory_per_world() as u64),
            Engine::Rapier(_) => None,
        }
    }

    /// manyworlds' device name (threads or the GPU adapter).
    pub fn device(&self) -> Option<String> {
        match self {
            Engine::Manyworlds { sim, .. } => Some(sim.device()),
            Engine::Rapier(_) => None,
        }
    }
}
