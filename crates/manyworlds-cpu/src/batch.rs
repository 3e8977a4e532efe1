//! A batch of N worlds of one scene on the CPU, in flat per-world arrays: world `w`, body `i`
//! lives at `w * stride + i`. Worlds are stepped in parallel with rayon; each world's result
//! depends only on its own state, so bits do not change with batch size or thread count.

use std::cell::RefCell;

use glam::{Quat, Vec3};
use manyworlds_core::initial_state::BodyStates;
use manyworlds_core::scenes::{BuiltinScene, WorldPoseFn};
use manyworlds_core::{
    check_controls, BatchBodies, BatchError, Plausibility, Scene, StepParams, WorldParameters,
    MAX_WORLDS,
};
use rayon::prelude::*;

use crate::contact_cache::{CachedManifold, ContactCache};
use crate::joint_solver::JointImpulses;
use crate::world_snapshot::CpuWorldSnapshot;
use crate::world_step::{step_world, Scratch, WorldState};
use manyworlds_core::contact_report::{contact_from_impulses, contact_pair_bodies, Contact};
use manyworlds_core::joint_space::joint_angles_now;
use manyworlds_core::joint_tree::JointTree;

/// Counters of the last step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StepStats {
    /// Contact points solved in the last step, over all worlds.
    pub contact_points: u64,
    /// Worlds whose state stopped being finite (they are frozen; see
    /// [`CpuBatch::non_finite_worlds`]).
    pub non_finite_worlds: usize,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// N worlds of one scene, stepped on the CPU.
pub struct CpuBatch {
    scene: Scene,
    /// How the scene's joints form trees (solved exactly each pass).
    tree: JointTree,
    params: StepParams,
    worlds: usize,
    stride: usize,
    positions: Vec<Vec3>,
    orientations: Vec<Quat>,
    linear_velocities: Vec<Vec3>,
    angular_velocities: Vec<Vec3>,
    caches: Vec<ContactCache>,
    /// `[worlds × joints]` warm-start impulses, `[worlds × actuators]` controls and forces.
    /// Each is padded to one entry per world when the scene has none, so worlds can be
    /// split into chunks; accessors hide the padding.
    joint_impulses: Vec<JointImpulses>,
    /// `[worlds × joints]` accumulated joint angles (`WorldBodies::joint_angles`), padded as
    /// the impulses.
    joint_angles: Vec<f32>,
    controls: Vec<f32>,
    actuator_forces: Vec<f32>,
    /// Worlds whose state became non-finite. They are no longer stepped.
    /// With the lowest index of a body that turned non-finite.
    faulted: Vec<Option<u32>>,
    world_pose: Option<WorldPoseFn>,
    /// Each world's own copy of the scene and step parameters, once some world has parameters
    /// of its own (domain randomization); empty while every world is the template.
    world_scenes: Vec<Scene>,
    world_params: Vec<StepParams>,
    /// Every body's centre of mass (body frame) in every world, `[worlds × bodies]`: what the
    /// velocities are of, for readouts.
    centers_of_mass: Vec<Vec3>,
    stats: StepStats,
}

impl CpuBatch {
    /// `worlds` copies of `scene`, all at the scene's initial poses.
    pub fn new(scene: Scene, params: StepParams, worlds: usize) -> Result<Self, BatchError> {
        if worlds == 0 || worlds > MAX_WORLDS {
            return Err(BatchError::WorldCount {
                got: worlds,
                max: MAX_WORLDS,
            });
        }
        params.validate()?;
        let stride = scene.body_count();
        if stride == 0 {
            return Err(BatchError::EmptyScene);
        }
        let out_of_memory = || BatchError::OutOfMemory {
            worlds,
            bodies: stride,
            bytes: worlds
                .saturating_mul(stride)
                .saturating_mul(std::mem::size_of::<(Vec3, Quat, Vec3, Vec3)>()),
        };
        let items = worlds.checked_mul(stride).ok_or_else(out_of_memory)?;
        let joint_items = worlds
            .checked_mul(scene.joints().len().max(1))
            .ok_or_else(out_of_memory)?;
        let actuator_items = worlds
            .checked_mul(scene.actuators().len().max(1))
            .ok_or_else(out_of_memory)?;
        let mut batch = CpuBatch {
            joint_impulses: filled(joint_items, JointImpulses::default())
                .ok_or_else(out_of_memory)?,
            joint_angles: filled(joint_items, 0.0).ok_or_else(out_of_memory)?,
            controls: filled(actuator_items, 0.0).ok_or_else(out_of_memory)?,
            actuator_forces: filled(actuator_items, 0.0).ok_or_else(out_of_memory)?,
            positions: filled(items, Vec3::ZERO).ok_or_else(out_of_memory)?,
            orientations: filled(items, Quat::IDENTITY).ok_or_else(out_of_memory)?,
            linear_velocities: filled(items, Vec3::ZERO).ok_or_else(out_of_memory)?,
            angular_velocities: filled(items, Vec3::ZERO).ok_or_else(out_of_memory)?,
            centers_of_mass: tiled(&scene.centers_of_mass(), worlds).ok_or_else(out_of_memory)?,
            caches: filled(worlds, ContactCache::default()).ok_or_else(out_of_memory)?,
            faulted: filled(worlds, None).ok_or_else(out_of_memory)?,
            tree: JointTree::new(&scene),
            scene,
            params,
            worlds,
            stride,
            world_pose: None,
            world_scenes: Vec::new(),
            world_params: Vec::new(),
            stats: StepStats::default(),
        };
        for w in 0..worlds {
            batch.reset_world_state(w);
        }
        Ok(batch)
    }

    /// A batch of a built-in scene with its own step parameters and per-world poses.
    pub fn from_builtin(builtin: &BuiltinScene, worlds: usize) -> Result<Self, BatchError> {
        let mut batch = Self::new(builtin.scene.clone(), builtin.params, worlds)?;
        if let Some(f) = builtin.world_pose {
            batch.set_world_poses(f);
        }
        Ok(batch)
    }

    /// Places every world's bodies with `f(world, body, template pose)`, now and at every
    /// reset; velocities and contact memory start from rest.
    pub fn set_world_poses(&mut self, f: WorldPoseFn) {
        self.world_pose = Some(f);
        for w in 0..self.worlds {
            self.reset_world_state(w);
        }
    }

    fn reset_world_state(&mut self, world: usize) {
        let base = world * self.stride;
        for (i, body) in self.scene.bodies().iter().enumerate() {
            let pose = match self.world_pose {
                Some(f) => f(world as u64, i, &body.pose),
                None => body.pose,
            };
            self.positions[base + i] = pose.position;
            self.orientations[base + i] = pose.orientation;
            self.linear_velocities[base + i] = body.linear_velocity;
            self.angular_velocities[base + i] = body.angular_velocity;
        }
        self.caches[world].clear();
        let joints = self.joint_stride();
        self.joint_impulses[world * joints..(world + 1) * joints].fill(JointImpulses::default());
        let angles = self.scene.initial_joint_angles();
        self.joint_angles[world * joints..][..angles.len()].copy_from_slice(angles);
        let actuators = self.actuator_stride();
        self.actuator_forces[world * actuators..(world + 1) * actuators].fill(0.0);
        self.faulted[world] = None;
    }

    fn joint_stride(&self) -> usize {
        self.scene.joints().len().max(1)
    }

    fn actuator_stride(&self) -> usize {
        self.scene.actuators().len().max(1)
    }

    /// Puts `world` back in its initial state (and clears a fault).
    pub fn reset_world(&mut self, world: usize) -> Result<(), BatchError> {
        if world >= self.worlds {
            return Err(BatchError::WorldOutOfRange {
                world,
                worlds: self.worlds,
            });
        }
        self.reset_world_state(world);
        Ok(())
    }

    /// Advances every world by one step of `params().dt`.
    pub fn step(&mut self) {
        let scene = &self.scene;
        let (world_scenes, world_params) = (&self.world_scenes, &self.world_params);
        let tree = &self.tree;
        let params = &self.params;
        let stride = self.stride;
        let (joint_stride, actuator_stride) = (self.joint_stride(), self.actuator_stride());
        let (joint_count, actuator_count) = (scene.joints().len(), scene.actuators().len());
        let (contact_points, faulted) = (
            (
                self.positions.par_chunks_mut(stride),
                self.orientations.par_chunks_mut(stride),
                self.linear_velocities.par_chunks_mut(stride),
                self.angular_velocities.par_chunks_mut(stride),
            ),
            (
                (
                    self.joint_impulses.par_chunks_mut(joint_stride),
                    self.joint_angles.par_chunks_mut(joint_stride),
                ),
                self.controls.par_chunks(actuator_stride),
                self.actuator_forces.par_chunks_mut(actuator_stride),
            ),
            self.caches.par_iter_mut(),
            self.faulted.par_iter_mut(),
            0..self.worlds,
        )
            .into_par_iter()
            .map(
                |(
                    (positions, orientations, linear, angular),
                    ((joint_impulses, joint_angles), controls, actuator_forces),
                    cache,
                    faulted,
                    world,
                )| {
                    if faulted.is_some() {
                        return (0u64, 1usize);
                    }
                    let state = WorldState {
                        positions,
                        orientations,
                        linear_velocities: linear,
                        angular_velocities: angular,
                        joint_impulses: &mut joint_impulses[..joint_count],
                        joint_angles: &mut joint_angles[..joint_count],
                        controls: &controls[..actuator_count],
                        actuator_forces: &mut actuator_forces[..actuator_count],
                    };
                    let (scene, params) = match world_scenes.get(world) {
                        Some(own) => (own, &world_params[world]),
                        None => (scene, params),
                    };
                    let report = SCRATCH.with(|s| {
                        step_world(scene, tree, params, state, cache, &mut s.borrow_mut())
                    });
                    *faulted = report.non_finite_body;
                    (report.contact_points as u64, usize::from(faulted.is_some()))
                },
            )
            .reduce(|| (0, 0), |x, y| (x.0 + y.0, x.1 + y.1));
        self.stats = StepStats {
            contact_points,
            non_finite_worlds: faulted,
        };
    }

    fn check_world(&self, world: usize) -> Result<(), BatchError> {
        if world < self.worlds {
            Ok(())
        } else {
            Err(BatchError::WorldOutOfRange {
                world,
                worlds: self.worlds,
            })
        }
    }

    /// Gives `world` physical parameters of its own (from its next step on); checked as a
    /// scene is, nothing changes on an error.
    pub fn set_world_parameters(
        &mut self,
        world: usize,
        parameters: &WorldParameters,
    ) -> Result<(), BatchError> {
        self.check_world(world)?;
        let mut scene = self.world_scenes.get(world).unwrap_or(&self.scene).clone();
        scene
            .set_parameters(parameters)
            .map_err(|e| BatchError::WorldParameters {
                world,
                problem: e.to_string(),
            })?;
        if self.world_scenes.is_empty() {
            self.world_scenes = vec![self.scene.clone(); self.worlds];
            self.world_params = vec![self.params; self.worlds];
        }
        self.centers_of_mass[world * self.stride..(world + 1) * self.stride]
            .copy_from_slice(&scene.centers_of_mass());
        self.world_scenes[world] = scene;
        self.world_params[world].gravity = parameters.gravity;
        Ok(())
    }

    /// The physical parameters `world` steps with.
    pub fn world_parameters(&self, world: usize) -> Result<WorldParameters, BatchError> {
        self.check_world(world)?;
        Ok(match self.world_scenes.get(world) {
            Some(scene) => scene.parameters(self.world_params[world].gravity),
            None => self.scene.parameters(self.params.gravity),
        })
    }

    /// The body states of one world.
    pub fn world_state(&self, world: usize) -> Result<BodyStates, BatchError> {
        self.check_world(world)?;
        Ok(BodyStates::copy_of(&self.bodies().world(world)))
    }

    /// Overwrites one world's body states (from its next step on), and its joints' angles
    /// (read from the bodies in (−π, π] when the state has none); nothing changes when a
    /// field has the wrong length.
    pub fn set_world_state(&mut self, world: usize, state: &BodyStates) -> Result<(), BatchError> {
        self.check_world(world)?;
        state.check_length(self.stride)?;
        let joints = self.scene.joints().len();
        state.check_joint_angles(joints)?;
        let angles = if state.joint_angles.is_empty() {
            let centers = &self.centers_of_mass[world * self.stride..(world + 1) * self.stride];
            joint_angles_now(&self.scene, &state.view(centers))
        } else {
            state.joint_angles.clone()
        };
        let at = world * self.joint_stride();
        self.joint_angles[at..at + joints].copy_from_slice(&angles);
        let range = world * self.stride..(world + 1) * self.stride;
        self.positions[range.clone()].copy_from_slice(&state.positions);
        self.orientations[range.clone()].copy_from_slice(&state.orientations);
        self.linear_velocities[range.clone()].copy_from_slice(&state.linear_velocities);
        self.angular_velocities[range].copy_from_slice(&state.angular_velocities);
        Ok(())
    }

    /// The pushing contact points of `world` after its last step (contact_report.rs).
    pub fn contacts(&self, world: usize) -> Result<Vec<Contact>, BatchError> {
        self.check_world(world)?;
        let scene = self.world_scenes.get(world).unwrap_or(&self.scene);
        let h = self.params.substep_dt();
        let bodies = self.bodies().world(world);
        let mut contacts = Vec::new();
        for manifold in &self.caches[world].manifolds {
            let pair = contact_pair_bodies(scene, manifold.key);
            let a = pair.0;
            let (center, q) = (bodies.center(Some(a)), bodies.orientations[a]);
            contacts.extend(manifold.points[..manifold.count].iter().filter_map(|p| {
                contact_from_impulses(
                    pair,
                    center,
                    q,
                    p.local_anchor,
                    manifold.normal,
                    p.normal_impulse,
                    p.tangent_impulse,
                    h,
                )
            }));
        }
        Ok(contacts)
    }

    /// Saves everything `world` carries from step to step.
    pub fn save_world(&self, world: usize) -> Result<CpuWorldSnapshot, BatchError> {
        let joints = self.joint_stride();
        let actuators = self.actuator_stride();
        Ok(CpuWorldSnapshot {
            bodies: self.world_state(world)?,
            cache: self.caches[world].clone(),
            joint_impulses: self.joint_impulses[world * joints..(world + 1) * joints].to_vec(),
            controls: self.controls[world * actuators..(world + 1) * actuators].to_vec(),
            actuator_forces: self.actuator_forces[world * actuators..(world + 1) * actuators]
                .to_vec(),
            faulted: self.faulted[world],
            parameters: (!self.world_scenes.is_empty())
                .then(|| self.world_scenes[world].parameters(self.world_params[world].gravity)),
        })
    }

    /// Puts a saved world (of this batch or of one of the same scene) into `world`: from its
    /// next step on it continues exactly as the saved one did. Nothing changes on an error.
    pub fn restore_world(
        &mut self,
        world: usize,
        snapshot: &CpuWorldSnapshot,
    ) -> Result<(), BatchError> {
        self.check_world(world)?;
        snapshot.bodies.check_length(self.stride)?;
        let (joints, actuators) = (self.joint_stride(), self.actuator_stride());
        if snapshot.joint_impulses.len() != joints || snapshot.controls.len() != actuators {
            return Err(BatchError::WorldParameters {
                world,
                problem: "the snapshot is of another scene".to_owned(),
            });
        }
        match &snapshot.parameters {
            Some(p) => self.set_world_parameters(world, p)?,
            None if !self.world_scenes.is_empty() => {
                let nominal = self.scene.parameters(self.params.gravity);
                self.set_world_parameters(world, &nominal)?;
            }
            None => {}
        }
        self.set_world_state(world, &snapshot.bodies)?;
        self.caches[world] = snapshot.cache.clone();
        self.joint_impulses[world * joints..(world + 1) * joints]
            .copy_from_slice(&snapshot.joint_impulses);
        self.controls[world * actuators..(world + 1) * actuators]
            .copy_from_slice(&snapshot.controls);
        self.actuator_forces[world * actuators..(world + 1) * actuators]
            .copy_from_slice(&snapshot.actuator_forces);
        self.faulted[world] = snapshot.faulted;
        Ok(())
    }

    /// Advances every world by `k` steps.
    pub fn step_n(&mut self, k: usize) {
        for _ in 0..k {
            self.step();
        }
    }

    pub fn scene(&self) -> &Scene {
        &self.scene
    }

    pub fn params(&self) -> &StepParams {
        &self.params
    }

    pub fn world_count(&self) -> usize {
        self.worlds
    }

    /// Bodies per world: the distance between two worlds in every state slice.
    pub fn stride(&self) -> usize {
        self.stride
    }

    /// Bytes of memory per world: its state and its contact memory (averaged over worlds).
    pub fn memory_per_world(&self) -> usize {
        let state = self.stride * (3 * std::mem::size_of::<Vec3>() + std::mem::size_of::<Quat>());
        let cache: usize = self
            .caches
            .iter()
            .map(|c| c.manifolds.capacity() * std::mem::size_of::<CachedManifold>())
            .sum();
        state + std::mem::size_of::<ContactCache>() + 1 + cache / self.worlds
    }

    pub fn stats(&self) -> StepStats {
        self.stats
    }

    /// Indices of the worlds whose state stopped being finite; they keep their last finite
    /// state and are not stepped until reset.
    pub fn non_finite_worlds(&self) -> Vec<usize> {
        (0..self.worlds)
            .filter(|&w| self.faulted[w].is_some())
            .collect()
    }

    /// The lowest index of a body whose state turned non-finite in `world` (while the world is
    /// frozen for it).
    pub fn non_finite_body(&self, world: usize) -> Option<usize> {
        self.faulted
            .get(world)
            .copied()
            .flatten()
            .map(|b| b as usize)
    }

    /// The plausibility figures of the current state (penetration, speeds, rest, non-finite
    /// worlds). A world that went non-finite is frozen at its last finite state but still
    /// counts as non-finite here.
    pub fn plausibility(&self) -> Plausibility {
        let shape = |w: usize, c: usize| {
            self.world_scenes.get(w).unwrap_or(&self.scene).colliders()[c].shape
        };
        let mut p = Plausibility::measure_with_shapes(
            &self.scene,
            &shape,
            &self.positions,
            &self.orientations,
            &self.linear_velocities,
            &self.angular_velocities,
        );
        let stride = self.stride;
        let state_finite = |w: usize| {
            let range = w * stride..(w + 1) * stride;
            self.positions[range.clone()].iter().all(|v| v.is_finite())
                && self.orientations[range.clone()]
                    .iter()
                    .all(|q| q.is_finite())
                && self.linear_velocities[range.clone()]
                    .iter()
                    .all(|v| v.is_finite())
                && self.angular_velocities[range].iter().all(|v| v.is_finite())
        };
        p.non_finite_worlds += (0..self.worlds)
            .filter(|&w| self.faulted[w].is_some() && state_finite(w))
            .count();
        p
    }

    /// All four state fields, `[worlds × bodies]`.
    pub fn bodies(&self) -> BatchBodies<'_> {
        BatchBodies {
            stride: self.stride,
            positions: &self.positions,
            orientations: &self.orientations,
            linear_velocities: &self.linear_velocities,
            angular_velocities: &self.angular_velocities,
            centers_of_mass: &self.centers_of_mass,
            joint_angles: if self.scene.joints().is_empty() {
                &[]
            } else {
                &self.joint_angles
            },
        }
    }

    /// Body-frame origins, world frame, `[worlds × bodies]`.
    pub fn positions(&self) -> &[Vec3] {
        &self.positions
    }

    /// Body orientations, `[worlds × bodies]`.
    pub fn orientations(&self) -> &[Quat] {
        &self.orientations
    }

    /// Centre-of-mass velocities, m/s, `[worlds × bodies]`.
    pub fn linear_velocities(&self) -> &[Vec3] {
        &self.linear_velocities
    }

    /// Angular velocities, rad/s, world frame, `[worlds × bodies]`.
    pub fn angular_velocities(&self) -> &[Vec3] {
        &self.angular_velocities
    }

    /// Writable state. Values written take effect at the next step; a non-finite value makes
    /// that world fault there. Static bodies ignore what is written to their velocities.
    pub fn positions_mut(&mut self) -> &mut [Vec3] {
        &mut self.positions
    }

    pub fn orientations_mut(&mut self) -> &mut [Quat] {
        &mut self.orientations
    }

    pub fn linear_velocities_mut(&mut self) -> &mut [Vec3] {
        &mut self.linear_velocities
    }

    pub fn angular_velocities_mut(&mut self) -> &mut [Vec3] {
        &mut self.angular_velocities
    }

    /// Every world's controls, `[worlds × actuators]`: used from the next step on, held over
    /// its substeps, clamped to each actuator's range. Refused (nothing changed) when the
    /// length is wrong or a value is not finite.
    pub fn set_controls(&mut self, controls: &[f32]) -> Result<(), BatchError> {
        let actuators = self.scene.actuators().len();
        check_controls(controls, self.worlds, actuators)?;
        self.controls[..controls.len()].copy_from_slice(controls);
        Ok(())
    }

    /// The controls in use, `[worlds × actuators]`.
    pub fn controls(&self) -> &[f32] {
        &self.controls[..self.worlds * self.scene.actuators().len()]
    }

    /// Each actuator's force in the last step (actuator space, as MuJoCo's
    /// `actuator_force`: the joint receives gear × force), `[worlds × actuators]`.
    pub fn actuator_forces(&self) -> &[f32] {
        &self.actuator_forces[..self.worlds * self.scene.actuators().len()]
    }

    /// Copies a whole state field in from `values` (`[worlds × bodies]`), checking its length.
    pub fn set_positions(&mut self, values: &[Vec3]) -> Result<(), BatchError> {
        copy_checked("positions", &mut self.positions, values)
    }

    pub fn set_orientations(&mut self, values: &[Quat]) -> Result<(), BatchError> {
        copy_checked("orientations", &mut self.orientations, values)
    }

    pub fn set_linear_velocities(&mut self, values: &[Vec3]) -> Result<(), BatchError> {
        copy_checked("linear_velocities", &mut self.linear_velocities, values)
    }

    pub fn set_angular_velocities(&mut self, values: &[Vec3]) -> Result<(), BatchError> {
        copy_checked("angular_velocities", &mut self.angular_velocities, values)
    }
}

/// `vec![value; n]`, or None when the memory cannot be had (instead of aborting).
fn filled<T: Clone>(n: usize, value: T) -> Option<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).ok()?;
    v.resize(n, value);
    Some(v)
}

/// `times` copies of `one` end to end, or None when memory is short.
fn tiled<T: Copy>(one: &[T], times: usize) -> Option<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(one.len().checked_mul(times)?).ok()?;
    for _ in 0..times {
        v.extend_from_slice(one);
    }
    Some(v)
}

fn copy_checked<T: Copy>(field: &'static str, dst: &mut [T], src: &[T]) -> Result<(), BatchError> {
    if dst.len() != src.len() {
        return Err(BatchError::SliceLength {
            field,
            layout: "worlds × bodies",
            expected: dst.len(),
            got: src.len(),
        });
    }
    dst.copy_from_slice(src);
    Ok(())
}
