//! Restitution at the moment of impact, on both backends: a sphere with restitution e dropped
//! from height h rebounds to e²h, then to e⁴h, within 1 % at the default step; an impact at or
//! above the restitution threshold bounces and a slower one does not; a struck row of touching
//! spheres passes the impulse along (Newton's cradle).

mod common;
use common::*;
use manyworlds::{BodyDesc, ColliderDesc, Shape, Sim, StepParams, Vec3};

const RADIUS: f32 = 0.1;

/// A ball of restitution `e` dropped from `drop` metres above a ground of the same
/// restitution.
fn dropped_ball(e: f32, drop: f32, backend: &manyworlds::Backend) -> Sim {
    let ball = BodyDesc::dynamic("ball")
        .at(Vec3::new(0.0, 0.0, RADIUS + drop))
        .collider(ColliderDesc::new(Shape::sphere(RADIUS)).restitution(e));
    sim(
        vec![ground(0.5, e), ball],
        StepParams::default(),
        1,
        backend,
    )
}

/// The heights of the ball's bottom at the apexes of its first `count` rebounds, or fewer if
/// it stops bouncing within `steps`. The apex between two steps is found from the last step
/// still rising, in free flight: z + v²/2g.
fn rebound_apexes(sim: &mut Sim, count: usize, steps: usize) -> Vec<f32> {
    let g = -sim.params().gravity.z;
    let mut apexes = Vec::new();
    let mut rising = false;
    let mut apex = f32::NEG_INFINITY;
    for _ in 0..steps {
        sim.step().expect("stepping works");
        let vz = velocity(sim, 0, 1).z;
        let z = pose(sim, 0, 1).position.z - RADIUS;
        if vz > 0.0 {
            rising = true;
            apex = z + vz * vz / (2.0 * g);
        }
        if rising {
            apex = apex.max(z);
            if vz < 0.0 {
                apexes.push(apex);
                if apexes.len() == count {
                    break;
                }
                rising = false;
                apex = f32::NEG_INFINITY;
            }
        }
    }
    apexes
}

#[test]
fn a_dropped_ball_rebounds_to_e_squared_h_then_e_to_the_fourth_h() {
    for backend in backends("a_dropped_ball_rebounds_to_e_squared_h") {
        let b = name(&backend);
        let drop = 1.0;
        for e in [0.3, 0.5, 0.8] {
            let mut sim = dropped_ball(e, drop, &backend);
            // Fall (0.45 s), rebound, fall again, rebound.
            let apexes = rebound_apexes(&mut sim, 2, 300);
            assert!(!apexes.is_empty(), "{b}: e = {e}: no rebound");
            let expected = e * e * drop;
            assert!(
                (apexes[0] - expected).abs() <= 0.01 * expected,
                "{b}: e = {e}: rebound to {} m, e²h = {expected} m",
                apexes[0]
            );
            // The second impact is at e times the first speed, still above the threshold
            // for these two.
            if e >= 0.5 {
                assert_eq!(apexes.len(), 2, "{b}: e = {e}: one rebound only");
                let expected = expected * e * e;
                assert!(
                    (apexes[1] - expected).abs() <= 0.01 * expected,
                    "{b}: e = {e}: second rebound to {} m, e⁴h = {expected} m",
                    apexes[1]
                );
            }
        }
    }
}

#[test]
fn impacts_bounce_from_the_restitution_threshold_up() {
    // The default threshold is 1 m/s: hitting at 1.3 m/s bounces, at 0.7 m/s does not.
    for backend in backends("impacts_bounce_from_the_restitution_threshold_up") {
        let b = name(&backend);
        let threshold = StepParams::default().restitution_threshold;
        let e = 0.8;
        for (speed, bounces) in [(1.3 * threshold, true), (0.7 * threshold, false)] {
            let drop = speed * speed / (2.0 * 9.81);
            let mut sim = dropped_ball(e, drop, &backend);
            let apexes = rebound_apexes(&mut sim, 1, 100);
            let height = apexes.first().copied().unwrap_or(0.0);
            if bounces {
                let expected = e * e * drop;
                assert!(
                    (height - expected).abs() <= 0.05 * expected,
                    "{b}: an impact at {speed} m/s rebounded to {height} m, e²h = {expected}"
                );
            } else {
                assert!(
                    height < 1e-3,
                    "{b}: an impact at {speed} m/s, below the threshold, rebounded to {height} m"
                );
            }
        }
    }
}

/// A row of `count` touching spheres along x without gravity, the first `gap` away from the
/// second and moving at `speed` towards it.
fn cradle(count: usize, gap: f32, speed: f32, backend: &manyworlds::Backend) -> Sim {
    let params = StepParams {
        gravity: Vec3::ZERO,
        ..StepParams::default()
    };
    let bodies = (0..count)
        .map(|k| {
            let x = k as f32 * 2.0 * RADIUS + if k == 0 { -gap } else { 0.0 };
            let v = if k == 0 { speed } else { 0.0 };
            BodyDesc::dynamic(format!("ball{k}"))
                .at(Vec3::new(x, 0.0, 0.0))
                .velocity(Vec3::new(v, 0.0, 0.0), Vec3::ZERO)
                .collider(
                    ColliderDesc::new(Shape::sphere(RADIUS))
                        .restitution(1.0)
                        .friction(0.0),
                )
        })
        .collect();
    sim(bodies, params, 1, backend)
}

#[test]
fn a_struck_row_of_touching_spheres_passes_the_impulse_along() {
    // Newton's cradle with e = 1, struck while touching: the striker stops, the last sphere
    // leaves with its speed, the ones between stay. Struck from a gap (the striker arrives
    // within a step), the impulse still travels to the end of the row, where the last two
    // spheres share it.
    for backend in backends("a_struck_row_of_touching_spheres_passes_the_impulse_along") {
        let b = name(&backend);
        let (count, speed) = (5, 2.0);
        for (gap, moving) in [(0.0, 1), (0.05, 2)] {
            let mut sim = cradle(count, gap, speed, &backend);
            run_for(&mut sim, 0.3);
            let v: Vec<f32> = (0..count).map(|k| velocity(&mut sim, 0, k).x).collect();
            if moving == 1 {
                let last = v[count - 1];
                assert!(
                    (last - speed).abs() <= 0.02 * speed,
                    "{b}: the last sphere left at {last} m/s, struck at {speed}: {v:?}"
                );
            }
            for (k, &vk) in v[..count - moving].iter().enumerate() {
                assert!(
                    vk.abs() <= 0.02 * speed,
                    "{b}: gap {gap}: sphere {k} moves at {vk} m/s: {v:?}"
                );
            }
            let momentum: f32 = v.iter().sum();
            let energy: f32 = v.iter().map(|x| x * x).sum();
            assert!(
                (momentum - speed).abs() < 1e-3 * speed,
                "{b}: momentum {momentum} (per unit mass), struck at {speed}"
            );
            assert!(
                energy <= speed * speed * (1.0 + 1e-4),
                "{b}: kinetic energy grew: {energy} against {}",
                speed * speed
            );
        }
    }
}
