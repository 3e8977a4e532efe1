//! Broad phase: which collider pairs of one world may touch this step. Boxes around each
//! collider are grown by how far it can travel in a step plus the speculative distance.
//! All pairs are tested below [`SWEEP_THRESHOLD`] colliders; beyond it, sort and sweep on x.
//! Pairs come out sorted by (first, second) collider index, whichever path ran, so the
//! solve order never depends on the algorithm.

use glam::Vec3;

/// Below this many colliders the all-pairs loop beats sorting.
pub const SWEEP_THRESHOLD: usize = 64;

#[derive(Clone, Copy, Debug)]
pub struct Aabb {
    pub min: Vec3,
    pub max: Vec3,
}

impl Aabb {
    /// Covers everything: used for planes, which are tested against every other collider.
    pub const EVERYTHING: Aabb = Aabb {
        min: Vec3::splat(f32::NEG_INFINITY),
        max: Vec3::splat(f32::INFINITY),
    };

    pub fn overlaps(&self, other: &Aabb) -> bool {
        self.min.cmple(other.max).all() && other.min.cmple(self.max).all()
    }
}

/// Appends to `pairs` every (i, j), i < j, whose boxes overlap and that `may_touch(i, j)`.
pub fn find_pairs(
    boxes: &[Aabb],
    may_touch: impl Fn(usize, usize) -> bool,
    order: &mut Vec<u32>,
    pairs: &mut Vec<(u32, u32)>,
) {
    pairs.clear();
    let n = boxes.len();
    if n < SWEEP_THRESHOLD {
        for i in 0..n {
            for j in i + 1..n {
                if boxes[i].overlaps(&boxes[j]) && may_touch(i, j) {
                    pairs.push((i as u32, j as u32));
                }
            }
        }
        return;
    }
    order.clear();
    order.extend(0..n as u32);
    // Ties broken by index: the sweep is a pure function of the boxes.
    order.sort_unstable_by(|&a, &b| {
        boxes[a as usize]
            .min
            .x
            .total_cmp(&boxes[b as usize].min.x)
            .then(a.cmp(&b))
    });
    for (k, &a) in order.iter().enumerate() {
        let box_a = &boxes[a as usize];
        for &b in &order[k + 1..] {
            let box_b = &boxes[b as usize];
            if box_b.min.x > box_a.max.x {
                break;
            }
            let (i, j) = (a.min(b), a.max(b));
            if box_a.overlaps(box_b) && may_touch(i as usize, j as usize) {
                pairs.push((i, j));
            }
        }
    }
    pairs.sort_unstable();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit_box_at(x: f32, y: f32) -> Aabb {
        let c = Vec3::new(x, y, 0.0);
        Aabb {
            min: c - 0.5,
            max: c + 0.5,
        }
    }

    #[test]
    fn sweep_and_all_pairs_agree() {
        // A 12×12 grid of unit boxes 0.9 apart: each overlaps its 8 neighbours.
        let boxes: Vec<Aabb> = (0..144)
            .map(|k| unit_box_at((k % 12) as f32 * 0.9, (k / 12) as f32 * 0.9))
            .collect();
        let (mut order, mut swept) = (Vec::new(), Vec::new());
        find_pairs(&boxes, |_, _| true, &mut order, &mut swept);
        let mut brute = Vec::new();
        for i in 0..boxes.len() {
            for j in i + 1..boxes.len() {
                if boxes[i].overlaps(&boxes[j]) {
                    brute.push((i as u32, j as u32));
                }
            }
        }
        assert_eq!(swept, brute);
        // Interior boxes have 8 neighbours: 2·(11·12) edge pairs + 2·11·11 diagonal pairs.
        assert_eq!(swept.len(), 2 * 11 * 12 + 2 * 11 * 11);
    }

    #[test]
    fn filtered_pairs_are_skipped() {
        let boxes = [
            unit_box_at(0.0, 0.0),
            unit_box_at(0.5, 0.0),
            Aabb::EVERYTHING,
        ];
        let (mut order, mut pairs) = (Vec::new(), Vec::new());
        find_pairs(&boxes, |i, j| (i, j) != (0, 2), &mut order, &mut pairs);
        assert_eq!(pairs, vec![(0, 1), (1, 2)]);
    }
}
