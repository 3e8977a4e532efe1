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
}

/// Whether joint `j` has structural rows, and which of its bodies are dynamic.
/// A compound joint's rows are its first member's: the others have none.
fn joint_bodies(scene: &Scene, j: usize) -> Option<(Option<usize>, Option<usize>)> {
    let joint = &scene.joints()[j];
    let leads = scene.compound_of(j).is_none_or(|c| c.joints[0] == j);
    if joint.kind == JointKind::Free || !leads {
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
        // A compound's later member has a row only for its armature's rotor.
        let rotor_only = |j: usize| {
            scene.compound_of(j).is_some_and(|c| c.joints[0] != j)
                && scene.joints()[j].armature > 0.0
        };
        tree.loose_joints = (0..joint_count)
            .filter(|&j| !used[j] && (joint_bodies(scene, j).is_some() || rotor_only(j)))
            .collect();
        tree
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
