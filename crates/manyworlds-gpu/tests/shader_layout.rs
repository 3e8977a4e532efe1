//! Shader checks that need no GPU: every WGSL file parses and validates with naga (with the
//! files it includes), and every struct shared with Rust has, member by member, the offsets
//! and the size naga computes for the WGSL twin.

use manyworlds_gpu::layout::shared_layouts;
use manyworlds_gpu::shader_source::{assemble, validate, KernelSizes, SHADER_FILES};

#[test]
fn every_shader_file_validates_with_its_includes() {
    for (name, _) in SHADER_FILES {
        // The step kernel's array sizes come from a prelude the host writes per scene.
        let sizes = KernelSizes {
            max_bodies: 8,
            max_colliders: 8,
            joints: 4,
            actuators: 3,
            tree_nodes: 9,
            workgroup_size: 64,
            shape_kinds: KernelSizes::ALL_SHAPES,
            restitution: true,
        };
        let source = assemble(&sizes.prelude(), &[name]).unwrap();
        if let Err(e) = validate(name, &source) {
            panic!("{e}");
        }
    }
}

#[test]
fn shared_structs_have_the_same_layout_in_rust_and_wgsl() {
    let source = assemble("", &["common.wgsl"]).unwrap();
    let module = validate("common.wgsl", &source).unwrap();
    let mut layouter = naga::proc::Layouter::default();
    layouter.update(module.to_ctx()).unwrap();
    for rust in shared_layouts() {
        let (handle, ty) = module
            .types
            .iter()
            .find(|(_, t)| t.name.as_deref() == Some(rust.name))
            .unwrap_or_else(|| panic!("no WGSL struct {}", rust.name));
        let naga::TypeInner::Struct { members, span } = &ty.inner else {
            panic!("{} is not a struct in WGSL", rust.name);
        };
        let wgsl_size = layouter[handle].size.max(*span) as usize;
        assert_eq!(wgsl_size, rust.size, "size of {}", rust.name);
        let wgsl: Vec<_> = members
            .iter()
            .map(|m| (m.name.clone().unwrap_or_default(), m.offset as usize))
            .filter(|(name, _)| !name.starts_with('_'))
            .collect();
        let rust_members: Vec<_> = rust
            .members
            .iter()
            .map(|(n, o)| (n.to_string(), *o))
            .collect();
        assert_eq!(wgsl, rust_members, "members of {}", rust.name);
    }
}
