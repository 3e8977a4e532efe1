//! Same input ⇒ same bits: run to run, whatever the batch size, whatever the thread count.
//! Each backend is checked against itself only: the CPU and the GPU round differently.

mod common;
use common::*;
use manyworlds::{scenes, Backend};

/// Steps recorded on the CPU.
const STEPS: usize = 150;
/// Steps recorded on the GPU (a software adapter is much slower than the CPU).
const GPU_STEPS: usize = 100;
/// Fields recorded per body: position, orientation, linear and angular velocity.
const FIELDS: [&str; 13] = [
    "p.x", "p.y", "p.z", "q.x", "q.y", "q.z", "q.w", "v.x", "v.y", "v.z", "w.x", "w.y", "w.z",
];

/// The bit patterns of the full state of each world in `recorded` after every step of a
/// `boxes` batch of `worlds` worlds: one vector per recorded world.
fn record(backend: &Backend, worlds: usize, recorded: &[usize], steps: usize) -> Vec<Vec<u32>> {
    let boxes = scenes::builtin("boxes").unwrap();
    let mut sim = builtin_sim(&boxes, worlds, backend);
    let stride = sim.stride();
    let mut bits = vec![Vec::new(); recorded.len()];
    for _ in 0..steps {
        sim.step().expect("stepping works");
        let now = snapshot(&mut sim);
        for (out, &w) in bits.iter_mut().zip(recorded) {
            out.extend(now.world_bits(w, stride));
        }
    }
    bits
}

/// World `world`'s trajectory on the CPU with a pool of `threads` threads.
fn trajectory(worlds: usize, world: usize, threads: usize) -> Vec<u32> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| record(&Backend::Cpu, worlds, &[world], STEPS).remove(0))
}

/// Where two trajectories of `boxes` first differ (step, body, field and both values).
fn first_difference(a: &[u32], b: &[u32]) -> Option<String> {
    let stride = scenes::builtin("boxes").unwrap().scene.body_count();
    let per_step = stride * FIELDS.len();
    if a.len() != b.len() {
        return Some(format!("lengths differ: {} vs {}", a.len(), b.len()));
    }
    let i = a.iter().zip(b).position(|(x, y)| x != y)?;
    Some(format!(
        "step {} body {} {}: {} vs {}",
        i / per_step + 1,
        i % per_step / FIELDS.len(),
        FIELDS[i % FIELDS.len()],
        f32::from_bits(a[i]),
        f32::from_bits(b[i])
    ))
}

fn assert_same(a: &[u32], b: &[u32], what: &str) {
    if let Some(difference) = first_difference(a, b) {
        panic!("{what}: the trajectories differ, first at {difference}");
    }
}

#[test]
fn the_same_run_twice_gives_identical_bits() {
    for backend in backends("the_same_run_twice_gives_identical_bits") {
        let b = name(&backend);
        match backend {
            Backend::Cpu => assert_same(
                &trajectory(7, 3, 2),
                &trajectory(7, 3, 2),
                &format!("{b}: world 3 of 7, run twice"),
            ),
            _ => {
                let worlds: Vec<usize> = (0..7).collect();
                let first = record(&backend, 7, &worlds, GPU_STEPS);
                let second = record(&backend, 7, &worlds, GPU_STEPS);
                for w in worlds {
                    assert_same(
                        &first[w],
                        &second[w],
                        &format!("{b}: world {w} of 7, run twice"),
                    );
                }
            }
        }
    }
}

#[test]
fn a_world_does_not_depend_on_batch_size_or_threads() {
    for backend in backends("a_world_does_not_depend_on_batch_size_or_threads") {
        let b = name(&backend);
        match backend {
            Backend::Cpu => {
                let alone = trajectory(1, 0, 1);
                assert_same(
                    &alone,
                    &trajectory(7, 0, 2),
                    &format!("{b}: world 0, 1 vs 7"),
                );
                assert_same(
                    &alone,
                    &trajectory(1024, 0, 2),
                    &format!("{b}: world 0, 1 vs 1024"),
                );
                let sixth = trajectory(7, 6, 1);
                assert_same(
                    &sixth,
                    &trajectory(1024, 6, 2),
                    &format!("{b}: world 6, 7 vs 1024"),
                );
                assert_same(
                    &sixth,
                    &trajectory(7, 6, 2),
                    &format!("{b}: world 6, 1 vs 2 threads"),
                );
                // And worlds do differ from each other.
                assert!(
                    alone != sixth,
                    "{b}: worlds 0 and 6 have the same trajectory"
                );
            }
            _ => {
                let worlds = [0, 1, 2, 3];
                let small = record(&backend, 4, &worlds, GPU_STEPS);
                let large = record(&backend, 1024, &worlds, GPU_STEPS);
                for w in worlds {
                    assert_same(
                        &small[w],
                        &large[w],
                        &format!("{b}: world {w}, batch of 4 vs 1024"),
                    );
                }
                // And worlds do differ from each other.
                assert!(
                    small[0] != small[1],
                    "{b}: worlds 0 and 1 have the same trajectory"
                );
            }
        }
    }
}
