//! Stacks stand: a tower of 10 boxes and a pyramid of 15 hold for 10 s.

mod common;
use common::*;
use manyworlds::{scenes, CpuBatch, Vec3};

/// Runs a built-in stacking scene for 1 s to let the contacts settle, then 9 s more, and
/// returns each box's largest displacement over those 9 s, horizontally and vertically.
fn settle_and_watch(name: &str) -> (CpuBatch, Vec<(f32, f32)>) {
    let builtin = scenes::builtin(name).unwrap();
    let mut batch = CpuBatch::from_builtin(&builtin, 1).unwrap();
    run_for(&mut batch, 1.0);
    let settled: Vec<Vec3> = batch.positions().to_vec();
    let mut drift = vec![(0.0f32, 0.0f32); settled.len()];
    for _ in 0..900 {
        batch.step();
        for (d, (now, then)) in drift.iter_mut().zip(batch.positions().iter().zip(&settled)) {
            let delta = *now - *then;
            d.0 = d.0.max(delta.truncate().length());
            d.1 = d.1.max(delta.z.abs());
        }
    }
    (batch, drift)
}

#[test]
fn tower_of_ten_boxes_stands_ten_seconds() {
    let (batch, drift) = settle_and_watch("tower");
    assert_eq!(batch.scene().dynamic_body_count(), 10);
    let top = batch.scene().body_count() - 1;
    let (horizontal, vertical) = drift[top];
    assert!(
        horizontal < 0.01 && vertical < 0.01,
        "top box drifted {horizontal} m sideways, {vertical} m up/down"
    );
    // Soft contacts are implicit springs k = m_eff ω² (ω = 2π·contact_hertz), so the tower
    // sags by the weight each contact carries over its stiffness: the ground contact (static:
    // twice the frequency, m_eff = m) carries 10 boxes, the box–box contact under the k top
    // boxes (m_eff = m/2) carries k: sag = 10 g/ω_s² + Σ_{k=1..9} 2k g/ω².
    let params = batch.params();
    let omega = 2.0 * std::f32::consts::PI * params.contact_hertz;
    let g = params.gravity.length();
    let predicted_sag = 10.0 * g / (2.0 * omega).powi(2) + 90.0 * g / omega.powi(2);
    let sag = 4.75 - pose(&batch, 0, top).position.z;
    assert!(
        (sag - predicted_sag).abs() < 0.1 * predicted_sag,
        "top box sagged {sag} m, the soft-contact model predicts {predicted_sag} m"
    );
    for body in 1..=top {
        assert!(velocity(&batch, 0, body).length() < 0.01);
        let tilt = pose(&batch, 0, body)
            .orientation
            .angle_between(manyworlds::Quat::IDENTITY);
        assert!(tilt < 0.01, "box {body} tilted {tilt} rad");
    }
}

#[test]
fn pyramid_of_fifteen_boxes_stands_ten_seconds() {
    let (batch, drift) = settle_and_watch("pyramid");
    assert_eq!(batch.scene().dynamic_body_count(), 15);
    for (body, &(horizontal, vertical)) in drift.iter().enumerate().skip(1) {
        assert!(
            horizontal < 0.01 && vertical < 0.01,
            "box {body} drifted {horizontal} m sideways, {vertical} m up/down"
        );
        assert!(velocity(&batch, 0, body).length() < 0.01);
    }
    let apex = batch.scene().body_count() - 1;
    let z = pose(&batch, 0, apex).position.z;
    assert!(
        (z - 2.25).abs() < 0.02,
        "apex centre at {z} m, rigid pyramid: 2.25 m"
    );
}
