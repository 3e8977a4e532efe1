//! Building a convex hull: incremental quickhull (Barber, Dobkin & Huhdanpaa 1996) in f64,
//! stopped at a vertex cap, then coplanar triangles merged into polygons and the result put
//! in canonical order.
//!
//! Each point outside the hull is kept with the face it lies farthest above; each round adds
//! the point farthest outside any face (ties broken by the point's coordinates, so the order
//! of the input does not matter), removes the faces it sees (found by walking from its face
//! across edges), and closes the horizon with a cone of new triangles to it. Points within a
//! tolerance of the hull count as on it.

use std::collections::{BTreeMap, HashMap};

use glam::{DVec3, Vec3};

use crate::convex_hull::{HullEdge, HullError, HullFace};

/// Relative tolerance (to the cloud's size) within which a point counts as on a plane.
const RELATIVE_TOLERANCE: f64 = 1e-5;

/// Adjacent triangles whose unit normals differ by less than this (|n₁ − n₂|² / 2) are one
/// face.
const COPLANAR: f64 = 1e-5;

pub(crate) struct BuiltHull {
    pub vertices: Vec<Vec3>,
    pub faces: Vec<HullFace>,
    pub face_vertices: Vec<u32>,
    pub edges: Vec<HullEdge>,
    /// How far the farthest point left outside lies, if the cap stopped the hull.
    pub largest_gap: Option<f32>,
}

#[derive(Clone, Copy)]
struct Triangle {
    v: [usize; 3],
    normal: DVec3,
    offset: f64,
    alive: bool,
}

impl Triangle {
    fn new(p: &[DVec3], v: [usize; 3]) -> Triangle {
        let normal = (p[v[1]] - p[v[0]])
            .cross(p[v[2]] - p[v[0]])
            .normalize_or_zero();
        Triangle {
            v,
            normal,
            offset: normal.dot(p[v[0]]),
            alive: true,
        }
    }

    fn height(&self, x: DVec3) -> f64 {
        self.normal.dot(x) - self.offset
    }

    fn edges(&self) -> [(usize, usize); 3] {
        [
            (self.v[0], self.v[1]),
            (self.v[1], self.v[2]),
            (self.v[2], self.v[0]),
        ]
    }
}

/// Total order on points by their coordinates: breaks ties independently of input order.
fn lexicographic(a: DVec3, b: DVec3) -> std::cmp::Ordering {
    a.x.total_cmp(&b.x)
        .then(a.y.total_cmp(&b.y))
        .then(a.z.total_cmp(&b.z))
}

/// The index of the point with the largest `key`, ties to the lexicographically largest.
fn farthest(p: &[DVec3], key: impl Fn(DVec3) -> f64) -> (usize, f64) {
    let mut best = (0, f64::NEG_INFINITY);
    for (i, &x) in p.iter().enumerate() {
        let k = key(x);
        if k > best.1 || (k == best.1 && lexicographic(x, p[best.0]).is_gt()) {
            best = (i, k);
        }
    }
    best
}

/// The hull of `points` (finite, at least four) with at most `cap` vertices.
pub(crate) fn build_hull(points: &[Vec3], cap: usize) -> Result<BuiltHull, HullError> {
    let p: Vec<DVec3> = points.iter().map(|v| v.as_dvec3()).collect();
    let (lo, hi) = p.iter().fold(
        (DVec3::splat(f64::INFINITY), DVec3::splat(f64::NEG_INFINITY)),
        |(lo, hi), &x| (lo.min(x), hi.max(x)),
    );
    let tol = RELATIVE_TOLERANCE * (hi - lo).length();

    // The starting tetrahedron: extreme in x, farthest from it, from their line, from
    // their plane.
    let (i0, _) = farthest(&p, |x| -x.x);
    let (i1, d1) = farthest(&p, |x| (x - p[i0]).length());
    if d1 <= tol {
        return Err(HullError::Degenerate("all at one point"));
    }
    let axis = (p[i1] - p[i0]).normalize();
    let (i2, d2) = farthest(&p, |x| (x - p[i0]).reject_from_normalized(axis).length());
    if d2 <= tol {
        return Err(HullError::Degenerate("on a line"));
    }
    let plane = axis.cross(p[i2] - p[i0]).normalize();
    let (i3, d3) = farthest(&p, |x| plane.dot(x - p[i0]).abs());
    if d3 <= tol {
        return Err(HullError::Degenerate("on a plane"));
    }
    let mut faces = Vec::with_capacity(4 * cap);
    let tetra = [i0, i1, i2, i3];
    for (k, &opposite) in tetra.iter().enumerate() {
        let mut v = [0; 3];
        let mut n = 0;
        for (j, &t) in tetra.iter().enumerate() {
            if j != k {
                v[n] = t;
                n += 1;
            }
        }
        let mut t = Triangle::new(&p, v);
        if t.height(p[opposite]) > 0.0 {
            t = Triangle::new(&p, [v[0], v[2], v[1]]);
        }
        faces.push(t);
    }
    let mut vertex_count = 4;

    // Outside sets: each point's face and its height above it.
    let mut outside: Vec<Option<(usize, f64)>> = vec![None; p.len()];
    for (i, &x) in p.iter().enumerate() {
        if !tetra.contains(&i) {
            outside[i] = highest_face(&faces, 0..faces.len(), x, tol);
        }
    }

    let mut largest_gap = None;
    loop {
        let mut pick: Option<(usize, f64)> = None;
        for (i, o) in outside.iter().enumerate() {
            if let Some((_, h)) = *o {
                let better = match pick {
                    None => true,
                    Some((j, hj)) => h > hj || (h == hj && lexicographic(p[i], p[j]).is_gt()),
                };
                if better {
                    pick = Some((i, h));
                }
            }
        }
        let Some((apex, height)) = pick else { break };
        if vertex_count >= cap {
            largest_gap = Some(height as f32);
            break;
        }
        let first_new = faces.len();
        add_point(&p, &mut faces, apex, outside[apex].map_or(0, |o| o.0), tol)?;
        vertex_count += 1;
        outside[apex] = None;
        for (i, o) in outside.iter_mut().enumerate() {
            if let Some((f, _)) = *o {
                if !faces[f].alive {
                    *o = highest_face(&faces, first_new..faces.len(), p[i], tol);
                }
            }
        }
    }
    let alive: Vec<Triangle> = faces.into_iter().filter(|t| t.alive).collect();
    let mut built = merge_and_order(points, &alive)?;
    built.largest_gap = largest_gap;
    Ok(built)
}

/// The face among `range` that `x` lies highest above, if above by more than `tol`.
fn highest_face(
    faces: &[Triangle],
    range: std::ops::Range<usize>,
    x: DVec3,
    tol: f64,
) -> Option<(usize, f64)> {
    let mut best: Option<(usize, f64)> = None;
    for f in range {
        if faces[f].alive {
            let h = faces[f].height(x);
            if h > tol && best.is_none_or(|(_, bh)| h > bh) {
                best = Some((f, h));
            }
        }
    }
    best
}

/// Directed edge → the live triangle holding it. Only looked up, never walked, so a hash
/// map: it is rebuilt for every point added, most of a hull's cost.
fn edge_map(faces: &[Triangle]) -> HashMap<(usize, usize), usize> {
    let mut map = HashMap::with_capacity(3 * faces.len());
    for (f, t) in faces.iter().enumerate() {
        if t.alive {
            for e in t.edges() {
                map.insert(e, f);
            }
        }
    }
    map
}

/// Adds point `apex`, which lies above face `start`: the faces it sees (connected to
/// `start`) are removed and the horizon joined to it.
fn add_point(
    p: &[DVec3],
    faces: &mut Vec<Triangle>,
    apex: usize,
    start: usize,
    tol: f64,
) -> Result<(), HullError> {
    let edges = edge_map(faces);
    let x = p[apex];
    let mut visible = vec![false; faces.len()];
    let mut stack = vec![start];
    visible[start] = true;
    while let Some(f) = stack.pop() {
        for (a, b) in faces[f].edges() {
            let g = *edges
                .get(&(b, a))
                .ok_or(HullError::Inconsistent("open surface"))?;
            if !visible[g] && faces[g].height(x) > tol {
                visible[g] = true;
                stack.push(g);
            }
        }
    }
    let mut horizon = Vec::new();
    for (f, &seen) in visible.iter().enumerate() {
        if seen {
            for (a, b) in faces[f].edges() {
                if !visible[edges[&(b, a)]] {
                    horizon.push((a, b));
                }
            }
        }
    }
    for (f, &seen) in visible.iter().enumerate() {
        if seen {
            faces[f].alive = false;
        }
    }
    for (a, b) in horizon {
        faces.push(Triangle::new(p, [a, b, apex]));
    }
    Ok(())
}

/// Merges coplanar neighbours into polygons, keeps only the vertices faces use, and orders
/// everything canonically.
fn merge_and_order(points: &[Vec3], tris: &[Triangle]) -> Result<BuiltHull, HullError> {
    let edges = edge_map(tris);
    // Union-find over triangles across nearly parallel shared edges.
    let mut parent: Vec<usize> = (0..tris.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (f, t) in tris.iter().enumerate() {
        for (a, b) in t.edges() {
            let g = edges[&(b, a)];
            if 0.5 * (t.normal - tris[g].normal).length_squared() < COPLANAR {
                let (rf, rg) = (root(&mut parent, f), root(&mut parent, g));
                parent[rf.max(rg)] = rf.min(rg);
            }
        }
    }
    // Each group's boundary, as a map from a vertex to the next.
    let mut groups: BTreeMap<usize, BTreeMap<usize, usize>> = BTreeMap::new();
    for (f, t) in tris.iter().enumerate() {
        let r = root(&mut parent, f);
        for (a, b) in t.edges() {
            let g = edges[&(b, a)];
            if root(&mut parent, g) != r {
                let next = groups.entry(r).or_default();
                if next.insert(a, b).is_some() {
                    return Err(HullError::Inconsistent("a face touches itself"));
                }
            }
        }
    }
    let mut loops: Vec<Vec<usize>> = Vec::with_capacity(groups.len());
    for next in groups.values() {
        let (&start, _) = next
            .iter()
            .next()
            .ok_or(HullError::Inconsistent("empty face"))?;
        let mut l = vec![start];
        let mut v = next[&start];
        while v != start {
            if l.len() > next.len() {
                return Err(HullError::Inconsistent("a face boundary does not close"));
            }
            l.push(v);
            v = *next
                .get(&v)
                .ok_or(HullError::Inconsistent("a face boundary is open"))?;
        }
        if l.len() != next.len() || l.len() < 3 {
            return Err(HullError::Inconsistent("a face has two boundaries"));
        }
        loops.push(l);
    }

    // Canonical vertex numbering: the used points, sorted by coordinates.
    let mut used: Vec<usize> = loops.iter().flatten().copied().collect();
    used.sort_by(|&a, &b| lexicographic(points[a].as_dvec3(), points[b].as_dvec3()));
    used.dedup_by(|a, b| points[*a] == points[*b]);
    let index_of = |i: usize| -> u32 {
        used.binary_search_by(|&u| lexicographic(points[u].as_dvec3(), points[i].as_dvec3()))
            .unwrap_or(0) as u32
    };
    let vertices: Vec<Vec3> = used.iter().map(|&i| points[i]).collect();
    let mut loops: Vec<Vec<u32>> = loops
        .into_iter()
        .map(|l| {
            let mut l: Vec<u32> = l.into_iter().map(index_of).collect();
            let m = (0..l.len()).min_by_key(|&k| l[k]).unwrap_or(0);
            l.rotate_left(m);
            l
        })
        .collect();
    loops.sort();

    let mut faces = Vec::with_capacity(loops.len());
    let mut face_vertices = Vec::new();
    let mut edge_faces: BTreeMap<(u32, u32), [Option<u32>; 2]> = BTreeMap::new();
    for (f, l) in loops.iter().enumerate() {
        // The polygon's area-weighted normal (a fan of cross products), then the plane
        // through its farthest vertex.
        let origin = vertices[l[0] as usize].as_dvec3();
        let mut n = DVec3::ZERO;
        for k in 1..l.len() - 1 {
            let a = vertices[l[k] as usize].as_dvec3() - origin;
            let b = vertices[l[k + 1] as usize].as_dvec3() - origin;
            n += a.cross(b);
        }
        let n = n.normalize_or_zero();
        let offset = l
            .iter()
            .map(|&v| n.dot(vertices[v as usize].as_dvec3()))
            .fold(f64::NEG_INFINITY, f64::max);
        faces.push(HullFace {
            normal: n.as_vec3(),
            offset: offset as f32,
            first: face_vertices.len() as u32,
            count: l.len() as u32,
        });
        face_vertices.extend_from_slice(l);
        for k in 0..l.len() {
            let (a, b) = (l[k], l[(k + 1) % l.len()]);
            let slot = &mut edge_faces.entry((a.min(b), a.max(b))).or_default()[usize::from(a > b)];
            if slot.replace(f as u32).is_some() {
                return Err(HullError::Inconsistent("an edge has more than two faces"));
            }
        }
    }
    let mut hull_edges = Vec::with_capacity(edge_faces.len());
    for ((a, b), f) in edge_faces {
        match f {
            [Some(f0), Some(f1)] => hull_edges.push(HullEdge {
                vertices: [a, b],
                faces: [f0, f1],
            }),
            _ => return Err(HullError::Inconsistent("an edge has one face")),
        }
    }
    Ok(BuiltHull {
        vertices,
        faces,
        face_vertices,
        edges: hull_edges,
        largest_gap: None,
    })
}
