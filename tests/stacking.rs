//! Stacks stand: a tower of 10 boxes and a pyramid of 15 hold for 10 s.

mod common;
use common::*;
use manyworlds::{scenes, Backend, Sim, Vec3};

/// Runs a built-in stacking scene for 1 s to let the contacts settle, then 9 s more, and
/// returns each box's largest displacement over those 9 s, horizontally and vertically.
fn settle_and_watch(scene: &str, backend: &Backend) -> (Sim, Vec<(f32, f32)>) {
    let builtin = scenes::builtin(scene).unwrap();
    let mut sim = builtin_sim(&builtin, 1, backend);
    run_for(&mut sim, 1.0);
    let settled: Vec<Vec3> = sim.positions().expect("readback").to_vec();
    let mut drift = vec![(0.0f32, 0.0f32); settled.len()];
    for _ in 0..900 {
        sim.step().expect("stepping works");
        let now = sim.positions().expect("readback");
        for (d, (now, then)) in drift.iter_mut().zip(now.iter().zip(&settled)) {
            let delta = *now - *then;
            d.0 = d.0.max(delta.truncate().length());
            d.1 = d.1.max(delta.z.abs());
        }
    }
    (sim, drift)
}

#[test]
fn tower_of_ten_boxes_stands_ten_seconds() {
    for backend in backends("tower_of_ten_boxes_stands_ten_seconds") {
        let b = name(&backend);
        let (mut sim, drift) = settle_and_watch("tower", &backend);
        assert_eq!(sim.scene().dynamic_body_count(), 10, "{b}");
        let top = sim.scene().body_count() - 1;
        let (horizontal, vertical) = drift[top];
        assert!(
            horizontal < 0.01 && vertical < 0.01,
            "{b}: top box drifted {horizontal} m sideways, {vertical} m up/down"
        );
        // Soft contacts are implicit springs k = m_eff ω², their frequency raised with the load
        // F they carry to ω √(F / m_eff g), at most ω_max = 2π·0.25/h (softness.rs
        // `loaded_contact_hertz`), so a contact sinks F / (m_eff ω'²). The ground contact
        // (static: twice the frequency, m_eff = m) carries 10 boxes, the box–box contact under
        // the k top boxes (m_eff = m/2) carries k.
        let params = *sim.params();
        let omega = 2.0 * std::f32::consts::PI * params.contact_hertz;
        let omega_max = 2.0 * std::f32::consts::PI * 0.25 / params.substep_dt();
        let g = params.gravity.length();
        let loaded = |omega: f32, ratio: f32| (omega * ratio.max(1.0).sqrt()).min(omega_max);
        let ground_sink = 10.0 * g / loaded(2.0 * omega, 10.0).powi(2);
        let box_sinks: f32 = (1..10)
            .map(|k| 2.0 * k as f32 * g / loaded(omega, 2.0 * k as f32).powi(2))
            .sum();
        let predicted_sag = ground_sink + box_sinks;
        let sag = 4.75 - pose(&mut sim, 0, top).position.z;
        assert!(
            (sag - predicted_sag).abs() < 0.1 * predicted_sag,
            "{b}: top box sagged {sag} m, the soft-contact model predicts {predicted_sag} m"
        );
        for body in 1..=top {
            let v = velocity(&mut sim, 0, body);
            assert!(v.length() < 0.01, "{b}: box {body} still moves at {v}");
            let tilt = pose(&mut sim, 0, body)
                .orientation
                .angle_between(manyworlds::Quat::IDENTITY);
            assert!(tilt < 0.01, "{b}: box {body} tilted {tilt} rad");
        }
    }
}

#[test]
fn pyramid_of_fifteen_boxes_stands_ten_seconds() {
    for backend in backends("pyramid_of_fifteen_boxes_stands_ten_seconds") {
        let b = name(&backend);
        let (mut sim, drift) = settle_and_watch("pyramid", &backend);
        assert_eq!(sim.scene().dynamic_body_count(), 15, "{b}");
        for (body, &(horizontal, vertical)) in drift.iter().enumerate().skip(1) {
            assert!(
                horizontal < 0.01 && vertical < 0.01,
                "{b}: box {body} drifted {horizontal} m sideways, {vertical} m up/down"
            );
            let v = velocity(&mut sim, 0, body);
            assert!(v.length() < 0.01, "{b}: box {body} still moves at {v}");
        }
        let apex = sim.scene().body_count() - 1;
        let z = pose(&mut sim, 0, apex).position.z;
        assert!(
            (z - 2.25).abs() < 0.02,
            "{b}: apex centre at {z} m, rigid pyramid: 2.25 m"
        );
    }
}
