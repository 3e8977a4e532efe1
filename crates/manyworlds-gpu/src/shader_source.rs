//! The WGSL sources, built into the library, and the one preprocessing step they get: WGSL has
//! no includes, so a file names what it needs on lines of the form
//!
//! ```text
//! //!include common.wgsl
//! ```
//!
//! (a plain comment to any other WGSL tool) and [`assemble`] pastes each needed file in once,
//! dependencies first.

use crate::error::GpuError;

/// Every WGSL file of `shaders/`, by name.
pub const SHADER_FILES: &[(&str, &str)] = &[
    ("common.wgsl", include_str!("../../../shaders/common.wgsl")),
    (
        "narrowphase_segment.wgsl",
        include_str!("../../../shaders/narrowphase_segment.wgsl"),
    ),
    (
        "narrowphase_sphere.wgsl",
        include_str!("../../../shaders/narrowphase_sphere.wgsl"),
    ),
    (
        "narrowphase_capsule.wgsl",
        include_str!("../../../shaders/narrowphase_capsule.wgsl"),
    ),
    (
        "narrowphase_plane.wgsl",
        include_str!("../../../shaders/narrowphase_plane.wgsl"),
    ),
    (
        "narrowphase_box_box.wgsl",
        include_str!("../../../shaders/narrowphase_box_box.wgsl"),
    ),
    (
        "narrowphase_convex.wgsl",
        include_str!("../../../shaders/narrowphase_convex.wgsl"),
    ),
    (
        "narrowphase_cylinder.wgsl",
        include_str!("../../../shaders/narrowphase_cylinder.wgsl"),
    ),
    (
        "narrowphase_hull.wgsl",
        include_str!("../../../shaders/narrowphase_hull.wgsl"),
    ),
    (
        "narrowphase.wgsl",
        include_str!("../../../shaders/narrowphase.wgsl"),
    ),
    (
        "step_bindings.wgsl",
        include_str!("../../../shaders/step_bindings.wgsl"),
    ),
    (
        "contact_solver.wgsl",
        include_str!("../../../shaders/contact_solver.wgsl"),
    ),
    (
        "joint_rows.wgsl",
        include_str!("../../../shaders/joint_rows.wgsl"),
    ),
    (
        "small_matrix.wgsl",
        include_str!("../../../shaders/small_matrix.wgsl"),
    ),
    (
        "joint_scratch.wgsl",
        include_str!("../../../shaders/joint_scratch.wgsl"),
    ),
    (
        "joint_drive.wgsl",
        include_str!("../../../shaders/joint_drive.wgsl"),
    ),
    (
        "compound_rows.wgsl",
        include_str!("../../../shaders/compound_rows.wgsl"),
    ),
    (
        "joint_solver.wgsl",
        include_str!("../../../shaders/joint_solver.wgsl"),
    ),
    (
        "articulation_solver.wgsl",
        include_str!("../../../shaders/articulation_solver.wgsl"),
    ),
    (
        "gyroscopic.wgsl",
        include_str!("../../../shaders/gyroscopic.wgsl"),
    ),
    ("step.wgsl", include_str!("../../../shaders/step.wgsl")),
];

/// What the step kernel is specialised for: the sizes of its arrays (workgroup memory and the
/// scene's buffers), which shape kinds it has (a bit per `SHAPE_*`: pair functions of absent
/// kinds are compiled out), whether it has joints and restitution (without, their code is left
/// out). The counts themselves reach the kernel in its uniforms, so every scene whose sizes
/// round up to the same [`KernelSizes::bucketed`] sizes shares one compiled kernel (and the
/// driver's shader cache): a new robot of a familiar size starts without a compile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KernelSizes {
    pub max_bodies: usize,
    pub max_colliders: usize,
    pub joints: usize,
    pub actuators: usize,
    /// Nodes of the joint trees (bodies, joints and rotors).
    pub tree_nodes: usize,
    pub workgroup_size: u32,
    pub shape_kinds: u32,
    /// Whether any collider has restitution: without, the restitution pass is left out.
    pub restitution: bool,
}

/// `n` rounded up to a bucket: a power of two from 8 to 64 (small arrays cost little, and
/// most robots share a bucket), then a multiple of an eighth of the next power of two (less
/// than a quarter more than `n`).
fn bucket(n: usize) -> usize {
    if n <= 64 {
        return n.next_power_of_two().max(8);
    }
    let granularity = n.next_power_of_two() / 8;
    n.div_ceil(granularity) * granularity
}

impl KernelSizes {
    /// Constants for every shape kind: what the shader checks validate.
    pub const ALL_SHAPES: u32 = 0b11_1111;

    /// The same kernel for a bucket of scenes: every size rounded up with [`bucket`] (the
    /// bodies with the world's slot, which the kernel adds).
    pub fn bucketed(&self) -> KernelSizes {
        let round = |n: usize| if n == 0 { 0 } else { bucket(n) };
        KernelSizes {
            max_bodies: bucket(self.max_bodies + 1) - 1,
            max_colliders: round(self.max_colliders),
            joints: round(self.joints),
            actuators: round(self.actuators),
            tree_nodes: round(self.tree_nodes),
            ..*self
        }
    }

    /// vec4u of the excluded-pair bitset: a bit per (lower, higher) body pair.
    pub fn exclusion_vec4s(&self) -> usize {
        (self.max_bodies * self.max_bodies).div_ceil(128).max(1)
    }

    /// The constants the WGSL files take from the host. Bodies have one more slot than the
    /// scene has bodies: the world's static stand-in, at index `params.body_count`.
    pub fn prelude(&self) -> String {
        format!(
            "const MAX_BODIES: u32 = {}u;\n\
             const MAX_COLLIDERS: u32 = {}u;\n\
             const WORKGROUP_SIZE: u32 = {}u;\nconst SCENE_SHAPES: u32 = {}u;\n\
             const SCENE_HAS_RESTITUTION: bool = {};\n\
             const SCENE_HAS_JOINTS: bool = {};\nconst MAX_JOINTS: u32 = {}u;\n\
             const MAX_ACTUATORS: u32 = {}u;\nconst MAX_TREE_NODES: u32 = {}u;\n\
             const EXCLUSION_VEC4S: u32 = {}u;\n{}",
            self.max_bodies + 1,
            self.max_colliders.max(1),
            self.workgroup_size,
            self.shape_kinds,
            self.restitution,
            self.joints > 0,
            self.joints.max(1),
            self.actuators.max(1),
            self.tree_nodes.max(1),
            self.exclusion_vec4s(),
            hull_prelude(),
        )
    }
}

/// The hull constants the WGSL takes from the host (layout.rs): the kind code, and the
/// bits of `ShapeDesc::kind` below a hull's index.
pub fn hull_prelude() -> String {
    format!(
        "const SHAPE_HULL: u32 = {}u;\nconst SHAPE_KIND_BITS: u32 = {}u;\n\
         const SHAPE_KIND_MASK: u32 = {}u;\n",
        crate::layout::SHAPE_HULL,
        crate::layout::SHAPE_KIND_BITS,
        (1u32 << crate::layout::SHAPE_KIND_BITS) - 1,
    )
}

const INCLUDE: &str = "//!include ";

/// The text of shader file `name`.
pub fn shader_file(name: &str) -> Result<&'static str, GpuError> {
    SHADER_FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
        .ok_or_else(|| GpuError::Shader {
            file: name.to_string(),
            message: "no such shader file".to_string(),
        })
}

/// The files `text` includes, in order.
fn includes(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter_map(|line| line.trim().strip_prefix(INCLUDE))
        .map(str::trim)
}

/// `prelude`, then every file `roots` need (each once, included files before the files that
/// include them), then the roots themselves.
pub fn assemble(prelude: &str, roots: &[&str]) -> Result<String, GpuError> {
    fn visit(
        name: &str,
        done: &mut Vec<String>,
        stack: &mut Vec<String>,
        out: &mut String,
    ) -> Result<(), GpuError> {
        if done.iter().any(|d| d == name) {
            return Ok(());
        }
        if stack.iter().any(|s| s == name) {
            return Err(GpuError::Shader {
                file: name.to_string(),
                message: format!("include cycle: {} -> {name}", stack.join(" -> ")),
            });
        }
        let text = shader_file(name)?;
        stack.push(name.to_string());
        for dependency in includes(text) {
            visit(dependency, done, stack, out)?;
        }
        stack.pop();
        out.push_str(&format!("// ---- {name} ----\n"));
        out.push_str(text);
        out.push('\n');
        done.push(name.to_string());
        Ok(())
    }
    let mut out = String::from(prelude);
    let (mut done, mut stack) = (Vec::new(), Vec::new());
    for root in roots {
        visit(root, &mut done, &mut stack, &mut out)?;
    }
    Ok(out)
}

/// Parses and validates WGSL with naga, as wgpu will: the error names `file` and carries
/// naga's report (line and column within the assembled text).
pub fn validate(file: &str, source: &str) -> Result<naga::Module, GpuError> {
    let module = naga::front::wgsl::parse_str(source).map_err(|e| GpuError::Shader {
        file: file.to_string(),
        message: e.emit_to_string(source),
    })?;
    naga::valid::Validator::new(
        naga::valid::ValidationFlags::all(),
        naga::valid::Capabilities::default(),
    )
    .validate(&module)
    .map_err(|e| GpuError::Shader {
        file: file.to_string(),
        message: e.emit_to_string(source),
    })?;
    Ok(module)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_round_up_by_less_than_a_quarter_past_64() {
        let expected = [
            (1, 8),
            (8, 8),
            (9, 16),
            (33, 64),
            (64, 64),
            (65, 80),
            (129, 160),
        ];
        for (n, b) in expected {
            assert_eq!(bucket(n), b, "bucket({n})");
        }
        for n in 65..5000 {
            assert!(bucket(n) >= n && bucket(n) - n < n / 4 + 1, "bucket({n})");
        }
    }

    #[test]
    fn the_bucket_leaves_out_absent_joints_and_counts_the_world_slot() {
        let sizes = KernelSizes {
            max_bodies: 7,
            max_colliders: 0,
            joints: 0,
            actuators: 3,
            tree_nodes: 0,
            workgroup_size: 64,
            shape_kinds: 1,
            restitution: false,
        };
        let bucketed = sizes.bucketed();
        // 7 bodies and the world's slot: 8.
        assert_eq!(bucketed.max_bodies + 1, 8);
        assert_eq!((bucketed.joints, bucketed.max_colliders), (0, 0));
        assert_eq!(bucketed.actuators, 8);
        assert!(bucketed
            .prelude()
            .contains("SCENE_HAS_JOINTS: bool = false"));
    }
}
