//! Which joints form trees (robots), and the order in which the backends' articulation
//! solvers eliminate them (Baraff, "Linear-Time Dynamics using Lagrange Multipliers", 1996).
//! Bodies and joints are the nodes; a tree's root is a joint to the static world when it has
//! one (else a body), and every node's parent comes before it. A joint's armature rotor is not
//! a node: it would be a leaf under its joint, so the solvers eliminate it in place, into the
//! joint's pivot. Joints that
//! close a loop, and all but one joint to the world per tree, are left out as "loose" joints,
//! solved one by one. Depends on the scene only: built once per batch.

use crate::joint::JointKind;
use crate::scene::Scene;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    Body(usize),
    Joint(usize),
}

#[derive(Clone, Copy, Debug)]
pub struct Node {
    pub kind: NodeKind,
    pub parent: Option<usize>,
}

/// Which joints form trees, and the order to eliminate their nodes in.
#[derive(Clone, Debug, Default)]
pub struct JointTree {
    /// Parents before children; elimination runs backwards.
    pub nodes: Vec<Node>,
    /// Whether each node has children (a body without any keeps its plain mass as pivot).
    pub has_children: Vec<bool>,
    /// For each tree joint (by joint index): the body node below it.
    pub body_below: Vec<Option<usize>>,
    /// Joints with rows that are not in a tree, solved one by one.
    pub loose_joints: Vec<usize>,
    /// The joints in the tree, in node order.
    pub tree_joints: Vec<usize>,
    /// For each tree joint (by joint index) next to a carrier: which bodies its drive pushes.
    pub drive_chains: Vec<Option<DriveChain>>,
}

/// How a drive on a joint next to carriers (the light bodies that chain an MJCF body's
/// several joints at one point) reaches real bodies. A carrier's inertia is negligible: an
/// impulse on it would move it alone, far too fast, until the tree solve spreads the motion;
/// a drive next to it would read that motion and answer it a thousand times too hard. So the
/// drive's impulse on each side goes to the first real body there, and the carriers between
/// move rigidly with it, as the joints between them would make them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DriveChain {
    /// Per side of the joint (A, B): the body that takes the impulse (None: the static
    /// world) and the carriers that move with it.
    pub ends: [Option<usize>; 2],
    pub carriers: [Vec<usize>; 2],
}

/// A body lighter than this fraction of the bodies below it is a carrier.
const CARRIER_MASS_RATIO: f32 = 0.01;

/// At most this many carriers move with a drive (an MJCF body with up to nine joints); more
/// are treated as bodies.
pub const MAX_CARRIERS: usize = 8;

/// Whether joint `j` has structural rows, and which of its bodies are dynamic.
fn joint_bodies(scene: &Scene, j: usize) -> Option<(Option<usize>, Option<usize>)> {
    let joint = &scene.joints()[j];
    if joint.kind == JointKind::Free {
        return None;
    }
    let dynamic = |b: usize| scene.bodies()[b].is_dynamic().then_some(b);
    Some((joint.parent.and_then(dynamic), dynamic(joint.child)))
}

impl JointTree {
    pub fn new(scene: &Scene) -> Self {
        let body_count = scene.body_count();
        let joint_count = scene.joints().len();
        let mut adjacent: Vec<Vec<usize>> = vec![Vec::new(); body_count];
        for j in 0..joint_count {
            if let Some((a, b)) = joint_bodies(scene, j) {
                for body in [a, b].into_iter().flatten() {
                    adjacent[body].push(j);
                }
            }
        }
        let mut tree = JointTree::default();
        let mut visited = vec![false; body_count];
        let mut used = vec![false; joint_count];
        // Roots: a joint to the static world first (it cannot be a leaf: with one dynamic
        // body its block would be singular), else a body.
        for j in 0..joint_count {
            let Some((a, b)) = joint_bodies(scene, j) else {
                continue;
            };
            let ((Some(body), None) | (None, Some(body))) = (a, b) else {
                continue;
            };
            if visited[body] {
                continue;
            }
            used[j] = true;
            let joint_node = tree.add_joint(j, None);
            tree.grow(
                scene,
                body,
                Some(joint_node),
                &adjacent,
                &mut visited,
                &mut used,
            );
        }
        for body in 0..body_count {
            if !visited[body] && !adjacent[body].is_empty() {
                tree.grow(scene, body, None, &adjacent, &mut visited, &mut used);
            }
        }
        tree.has_children = vec![false; tree.nodes.len()];
        tree.body_below = vec![None; joint_count];
        for (i, node) in tree.nodes.iter().enumerate() {
            if let Some(p) = node.parent {
                tree.has_children[p] = true;
                if let (NodeKind::Body(_), NodeKind::Joint(j)) = (node.kind, tree.nodes[p].kind) {
                    tree.body_below[j] = Some(i);
                }
            }
        }
        // The mass of the bodies below each node (its own included for a body).
        let mut mass_below = vec![0.0; tree.nodes.len()];
        for i in (0..tree.nodes.len()).rev() {
            if let NodeKind::Body(b) = tree.nodes[i].kind {
                mass_below[i] += scene.bodies()[b].mass.mass;
            }
            if let Some(p) = tree.nodes[i].parent {
                mass_below[p] += mass_below[i];
            }
        }
        tree.drive_chains = (0..joint_count)
            .map(|j| tree.find_drive_chain(scene, j, &mass_below))
            .collect();
        tree.loose_joints = (0..joint_count)
            .filter(|&j| !used[j] && joint_bodies(scene, j).is_some())
            .collect();
        tree
    }

    /// The chain of tree joint `j`'s drive, when a carrier is next to it: on the side towards
    /// the root, past carriers upwards; on the other, past carriers downwards.
    fn find_drive_chain(&self, scene: &Scene, j: usize, mass_below: &[f32]) -> Option<DriveChain> {
        let joint_node = self
            .nodes
            .iter()
            .position(|n| n.kind == NodeKind::Joint(j))?;
        let mut up = Vec::new();
        let mut above = self.nodes[joint_node].parent;
        let mut upper_end = None;
        while let Some(body_node) = above {
            match self.carrier_joint_above(scene, body_node, mass_below) {
                Some(joint_above) if up.len() < MAX_CARRIERS => {
                    up.push(body_node);
                    above = self.nodes[joint_above].parent;
                }
                _ => {
                    upper_end = Some(body_node);
                    break;
                }
            }
        }
        let mut down = Vec::new();
        let mut below = self.body_below[j];
        while let Some(body_node) = below {
            if down.len() + up.len() == MAX_CARRIERS
                || self
                    .carrier_joint_above(scene, body_node, mass_below)
                    .is_none()
            {
                break;
            }
            down.push(body_node);
            let joint_below = self.nodes.iter().position(|n| n.parent == Some(body_node));
            below = joint_below.and_then(|n| self.nodes.iter().position(|c| c.parent == Some(n)));
        }
        if up.is_empty() && down.is_empty() {
            return None;
        }
        let body = |node: usize| match self.nodes[node].kind {
            NodeKind::Body(b) => b,
            NodeKind::Joint(_) => unreachable!("a joint's neighbours in the tree are bodies"),
        };
        let lower_end = below.map(body);
        let (upper, lower) = (
            (upper_end.map(body), up.into_iter().map(body).collect()),
            (lower_end, down.into_iter().map(body).collect()),
        );
        // Which side of the joint is the root's.
        let b_is_below = self.body_below[j].map(body) == Some(scene.joints()[j].child);
        let ((end_a, carriers_a), (end_b, carriers_b)) = if b_is_below {
            (upper, lower)
        } else {
            (lower, upper)
        };
        Some(DriveChain {
            ends: [end_a, end_b],
            carriers: [carriers_a, carriers_b],
        })
    }

    /// Whether body node `body_node` is a carrier, and if so the joint node above it. A
    /// carrier only passes motion from one joint to the next (an MJCF body's chain of joints
    /// becomes one through such bodies): it has no colliders, one joint above and one below,
    /// and a mass below [`CARRIER_MASS_RATIO`] of the bodies below. Its inertia is negligible,
    /// so what a drive pushes against is the body beyond it.
    fn carrier_joint_above(
        &self,
        scene: &Scene,
        body_node: usize,
        mass_below: &[f32],
    ) -> Option<usize> {
        let NodeKind::Body(body) = self.nodes[body_node].kind else {
            return None;
        };
        let joint_above = self.nodes[body_node].parent?;
        let mut below = self
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.parent == Some(body_node));
        let (Some((joint_below, _)), None) = (below.next(), below.next()) else {
            return None;
        };
        let carrier = &scene.bodies()[body];
        let is_carrier = carrier.colliders.is_empty()
            && carrier.mass.mass <= CARRIER_MASS_RATIO * mass_below[joint_below];
        is_carrier.then_some(joint_above)
    }

    fn add_joint(&mut self, j: usize, parent: Option<usize>) -> usize {
        self.nodes.push(Node {
            kind: NodeKind::Joint(j),
            parent,
        });
        self.tree_joints.push(j);
        self.nodes.len() - 1
    }

    /// Adds `root` (under `parent`) and everything reachable from it, breadth first.
    fn grow(
        &mut self,
        scene: &Scene,
        root: usize,
        parent: Option<usize>,
        adjacent: &[Vec<usize>],
        visited: &mut [bool],
        used: &mut [bool],
    ) {
        visited[root] = true;
        self.nodes.push(Node {
            kind: NodeKind::Body(root),
            parent,
        });
        let mut next = self.nodes.len() - 1;
        while next < self.nodes.len() {
            let NodeKind::Body(body) = self.nodes[next].kind else {
                next += 1;
                continue;
            };
            let body_node = next;
            next += 1;
            for &j in &adjacent[body] {
                if used[j] {
                    continue;
                }
                let (a, b) = joint_bodies(scene, j).expect("adjacent joints have rows");
                let other = if a == Some(body) { b } else { a };
                match other {
                    // A loop, or a second joint to the world: solved on its own.
                    Some(o) if visited[o] => continue,
                    None => continue,
                    Some(o) => {
                        used[j] = true;
                        visited[o] = true;
                        let joint_node = self.add_joint(j, Some(body_node));
                        self.nodes.push(Node {
                            kind: NodeKind::Body(o),
                            parent: Some(joint_node),
                        });
                    }
                }
            }
        }
    }
}
