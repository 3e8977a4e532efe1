//! `manyworlds devices`: the GPU adapters compute shaders can run on.

use manyworlds::{list_adapters, ADAPTER_ENV};

pub fn list() {
    let adapters = list_adapters();
    if adapters.is_empty() {
        println!("no GPU adapter (the CPU backend still runs; for a software GPU on Linux install Mesa's lavapipe: mesa-vulkan-drivers)");
        return;
    }
    for a in &adapters {
        let kind = if a.is_hardware {
            "hardware"
        } else {
            "software"
        };
        println!("{a} [{kind}]");
    }
    let auto = adapters
        .iter()
        .find(|a| a.is_hardware)
        .map(|a| format!("adapter {} ({})", a.index, a.name))
        .unwrap_or_else(|| "the CPU backend (no hardware GPU)".to_string());
    println!("--backend auto would use {auto}; --backend gpu takes {ADAPTER_ENV}=INDEX|NAME, else the first adapter above");
}
