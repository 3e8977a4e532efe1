//! Same input ⇒ same bits: run to run, whatever the batch size, whatever the thread count.

use manyworlds::{scenes, CpuBatch};

const STEPS: usize = 150;

/// The bit patterns of world `world`'s full state after every step.
fn trajectory(worlds: usize, world: usize, threads: usize) -> Vec<u32> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        let boxes = scenes::builtin("boxes").unwrap();
        let mut batch = CpuBatch::from_builtin(&boxes, worlds).unwrap();
        let stride = batch.stride();
        let mut bits = Vec::new();
        for _ in 0..STEPS {
            batch.step();
            let range = world * stride..(world + 1) * stride;
            for k in range {
                let p = batch.positions()[k];
                let q = batch.orientations()[k];
                let v = batch.linear_velocities()[k];
                let w = batch.angular_velocities()[k];
                for x in [
                    p.x, p.y, p.z, q.x, q.y, q.z, q.w, v.x, v.y, v.z, w.x, w.y, w.z,
                ] {
                    bits.push(x.to_bits());
                }
            }
        }
        bits
    })
}

#[test]
fn the_same_run_twice_gives_identical_bits() {
    assert_eq!(trajectory(7, 3, 2), trajectory(7, 3, 2));
}

#[test]
fn a_world_does_not_depend_on_batch_size_or_threads() {
    let alone = trajectory(1, 0, 1);
    assert_eq!(alone, trajectory(7, 0, 2));
    assert_eq!(alone, trajectory(1024, 0, 2));
    let sixth = trajectory(7, 6, 1);
    assert_eq!(sixth, trajectory(1024, 6, 2));
    assert_eq!(sixth, trajectory(7, 6, 2));
    // And worlds do differ from each other.
    assert_ne!(alone, sixth);
}
