//! The GPU a simulation runs on: adapter selection and the device.
//!
//! An adapter is chosen, in this order, by an explicit [`AdapterChoice`], by the
//! `MANYWORLDS_ADAPTER` environment variable (an index from `manyworlds devices` or part of an
//! adapter's name, case-insensitive), or else the first hardware GPU, then any adapter
//! (software ones such as Mesa's lavapipe included).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use crate::error::GpuError;
use crate::step_kernel::StepKernel;

/// The environment variable that picks an adapter by index or by part of its name.
pub const ADAPTER_ENV: &str = "MANYWORLDS_ADAPTER";

/// What a user may ask for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum AdapterChoice {
    /// `MANYWORLDS_ADAPTER` if set, else the best adapter there is.
    #[default]
    Auto,
    /// Only a hardware GPU (integrated, discrete or virtual); software rasterisers do not count.
    HardwareOnly,
    /// The adapter at this index of [`list_adapters`].
    Index(usize),
    /// The first adapter whose name contains this text, case-insensitive.
    NameContains(String),
}

/// What `manyworlds devices` prints of one adapter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdapterSummary {
    pub index: usize,
    pub name: String,
    pub backend: String,
    pub device_type: String,
    pub driver: String,
    /// False for CPU implementations such as lavapipe.
    pub is_hardware: bool,
}

impl fmt::Display for AdapterSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} ({}, {}, {})",
            self.index, self.name, self.backend, self.device_type, self.driver
        )
    }
}

fn instance() -> wgpu::Instance {
    wgpu::Instance::new(wgpu::InstanceDescriptor {
        backends: wgpu::Backends::PRIMARY,
        ..wgpu::InstanceDescriptor::new_without_display_handle()
    })
}

fn is_hardware(info: &wgpu::AdapterInfo) -> bool {
    !matches!(
        info.device_type,
        wgpu::DeviceType::Cpu | wgpu::DeviceType::Other
    )
}

fn summary(index: usize, info: &wgpu::AdapterInfo) -> AdapterSummary {
    AdapterSummary {
        index,
        name: info.name.clone(),
        backend: format!("{:?}", info.backend),
        device_type: format!("{:?}", info.device_type),
        driver: format!("{} {}", info.driver, info.driver_info)
            .trim()
            .to_string(),
        is_hardware: is_hardware(info),
    }
}

/// Adapters compute shaders can run on, in the order wgpu reports them.
fn compute_adapters(instance: &wgpu::Instance) -> Vec<wgpu::Adapter> {
    pollster::block_on(instance.enumerate_adapters(wgpu::Backends::PRIMARY))
        .into_iter()
        .filter(|a| {
            a.get_downlevel_capabilities()
                .flags
                .contains(wgpu::DownlevelFlags::COMPUTE_SHADERS)
        })
        .collect()
}

/// Every adapter compute shaders can run on.
pub fn list_adapters() -> Vec<AdapterSummary> {
    compute_adapters(&instance())
        .iter()
        .enumerate()
        .map(|(i, a)| summary(i, &a.get_info()))
        .collect()
}

/// A device and its queue, with what was chosen.
pub struct GpuContext {
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    pub adapter: AdapterSummary,
    pub limits: wgpu::Limits,
    /// Lanes per world for the step kernel: 64 on a GPU; on a CPU implementation (lavapipe)
    /// one SIMD vector, because there every barrier switches between the vectors of a
    /// workgroup, and the lanes of one vector do the same work in fewer switches.
    pub workgroup_size: u32,
    /// Step kernels compiled on this device, by the prelude that specialises them: a scene
    /// like one seen before gets its pipeline without compiling it again.
    pub(crate) kernels: Mutex<HashMap<String, StepKernel>>,
}

/// Devices opened by [`GpuContext::shared`], by the choice that opened them.
static SHARED: Mutex<Vec<(AdapterChoice, Arc<GpuContext>)>> = Mutex::new(Vec::new());

impl GpuContext {
    /// The device `choice` names, opened once per process and shared by every batch that
    /// asks for it (with its compiled kernels).
    pub fn shared(choice: &AdapterChoice) -> Result<Arc<GpuContext>, GpuError> {
        let mut shared = SHARED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((_, context)) = shared.iter().find(|(c, _)| c == choice) {
            return Ok(context.clone());
        }
        let context = Arc::new(GpuContext::new(choice)?);
        shared.push((choice.clone(), context.clone()));
        Ok(context)
    }

    /// Opens the adapter `choice` names (see the module notes for `Auto`).
    pub fn new(choice: &AdapterChoice) -> Result<Self, GpuError> {
        let instance = instance();
        let adapters = compute_adapters(&instance);
        let choice = match choice {
            AdapterChoice::Auto => match std::env::var(ADAPTER_ENV) {
                Ok(value) if !value.trim().is_empty() => match value.trim().parse::<usize>() {
                    Ok(index) => AdapterChoice::Index(index),
                    Err(_) => AdapterChoice::NameContains(value.trim().to_string()),
                },
                _ => AdapterChoice::Auto,
            },
            other => other.clone(),
        };
        let infos: Vec<_> = adapters.iter().map(|a| a.get_info()).collect();
        let index = match &choice {
            AdapterChoice::Auto => {
                infos
                    .iter()
                    .position(is_hardware)
                    .or(if infos.is_empty() { None } else { Some(0) })
            }
            AdapterChoice::HardwareOnly => infos.iter().position(is_hardware),
            AdapterChoice::Index(i) => (*i < infos.len()).then_some(*i),
            AdapterChoice::NameContains(text) => {
                let text = text.to_lowercase();
                infos
                    .iter()
                    .position(|info| info.name.to_lowercase().contains(&text))
            }
        };
        let Some(index) = index else {
            return Err(GpuError::NoAdapter {
                asked: describe(&choice),
                available: infos
                    .iter()
                    .enumerate()
                    .map(|(i, info)| summary(i, info).to_string())
                    .collect(),
            });
        };
        let adapter = &adapters[index];
        // Take what the adapter offers: workgroup memory and storage buffers per stage are
        // what bound the world size.
        let limits = adapter.limits();
        let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
            label: Some("manyworlds"),
            required_features: wgpu::Features::empty(),
            required_limits: limits.clone(),
            ..Default::default()
        }))
        .map_err(|e| GpuError::Device(e.to_string()))?;
        let info = &infos[index];
        let workgroup_size = if is_hardware(info) {
            64
        } else {
            info.subgroup_max_size.clamp(4, 64)
        };
        Ok(GpuContext {
            device,
            queue,
            adapter: summary(index, info),
            limits,
            workgroup_size,
            kernels: Mutex::new(HashMap::new()),
        })
    }
}

fn describe(choice: &AdapterChoice) -> String {
    match choice {
        AdapterChoice::Auto => "any adapter".to_string(),
        AdapterChoice::HardwareOnly => "a hardware GPU".to_string(),
        AdapterChoice::Index(i) => format!("adapter {i}"),
        AdapterChoice::NameContains(text) => format!("an adapter named like {text:?}"),
    }
}
