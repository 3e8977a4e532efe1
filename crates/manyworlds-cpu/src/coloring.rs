//! Graph colouring of constraints: within one colour no two constraints share a dynamic body,
//! so the constraints of a colour can be solved in any order, or all at once on a GPU, with
//! the same bits. Colours are solved one after another. Static bodies never block a colour.

/// Colours tracked in a per-body bit mask; constraints that find all of them taken go to one
/// last overflow colour, solved one by one (still a fixed order).
pub const MAX_COLORS: usize = 32;

/// A colouring of one world's constraints, with the buffers it reuses from step to step.
#[derive(Clone, Debug, Default)]
pub struct Coloring {
    body_masks: Vec<u32>,
    colors: Vec<u8>,
    /// Constraint indices sorted by colour, constraint order within a colour.
    pub order: Vec<u32>,
    /// Colour c is `order[color_starts[c]..color_starts[c + 1]]`.
    pub color_starts: Vec<u32>,
}

impl Coloring {
    /// Greedy colouring in constraint order: each constraint takes the lowest colour free on
    /// both of its bodies. `bodies(k)` gives the two body indices of constraint k and
    /// `is_dynamic(b)` whether body b takes part.
    pub fn compute(
        &mut self,
        count: usize,
        body_count: usize,
        bodies: impl Fn(usize) -> (usize, usize),
        is_dynamic: impl Fn(usize) -> bool,
    ) {
        let masks = &mut self.body_masks;
        masks.clear();
        masks.resize(body_count, 0);
        self.colors.clear();
        let mut histogram = [0u32; MAX_COLORS + 1];
        for k in 0..count {
            let (a, b) = bodies(k);
            let (dyn_a, dyn_b) = (is_dynamic(a), is_dynamic(b));
            let used = if dyn_a { masks[a] } else { 0 } | if dyn_b { masks[b] } else { 0 };
            let color = ((!used).trailing_zeros() as usize).min(MAX_COLORS);
            if color < MAX_COLORS {
                if dyn_a {
                    masks[a] |= 1 << color;
                }
                if dyn_b {
                    masks[b] |= 1 << color;
                }
            }
            self.colors.push(color as u8);
            histogram[color] += 1;
        }
        self.color_starts.clear();
        let mut start = 0;
        for &h in histogram.iter() {
            self.color_starts.push(start);
            start += h;
        }
        self.color_starts.push(start);
        let mut cursor = [0u32; MAX_COLORS + 1];
        cursor.copy_from_slice(&self.color_starts[..MAX_COLORS + 1]);
        self.order.clear();
        self.order.resize(count, 0);
        for (k, &c) in self.colors.iter().enumerate() {
            self.order[cursor[c as usize] as usize] = k as u32;
            cursor[c as usize] += 1;
        }
    }

    /// The colour given to constraint k.
    #[cfg(test)]
    pub fn color_of(&self, k: usize) -> usize {
        self.colors[k] as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_colour_holds_two_constraints_on_one_dynamic_body() {
        // A chain 1-2-3-4-5 hanging from static body 0, plus a few cross links.
        let links = [
            (0, 1),
            (1, 2),
            (2, 3),
            (3, 4),
            (4, 5),
            (1, 3),
            (0, 5),
            (2, 5),
        ];
        let mut coloring = Coloring::default();
        coloring.compute(links.len(), 6, |k| links[k], |b| b != 0);
        let (order, starts) = (&coloring.order, &coloring.color_starts);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..links.len() as u32).collect::<Vec<_>>());
        for c in 0..MAX_COLORS {
            let members = &order[starts[c] as usize..starts[c + 1] as usize];
            let mut seen = std::collections::HashSet::new();
            for &k in members {
                let (a, b) = links[k as usize];
                for body in [a, b] {
                    if body != 0 {
                        assert!(seen.insert(body), "colour {c} uses body {body} twice");
                    }
                }
            }
        }
        // (0,1) and (2,3) share no body: both in colour 0.
        assert_eq!(coloring.color_of(0), 0);
        assert_eq!(coloring.color_of(2), 0);
    }

    #[test]
    fn static_bodies_do_not_block_a_colour() {
        let links = [(0, 1), (0, 2)];
        let mut coloring = Coloring::default();
        coloring.compute(links.len(), 3, |k| links[k], |b| b != 0);
        assert_eq!((coloring.color_of(0), coloring.color_of(1)), (0, 0));
        coloring.compute(links.len(), 3, |k| links[k], |_| true);
        assert_eq!((coloring.color_of(0), coloring.color_of(1)), (0, 1));
    }
}
