//! Collision mesh files: STL (binary and ASCII) and OBJ vertices with the file's scale, found
//! through URDF `<mesh filename scale>` (relative paths, `package://`) and MJCF
//! `<compiler meshdir>` + `<asset><mesh file scale>`; missing and garbled files are errors
//! naming the file; the mesh is refused for want of hulls only once it was read.

use std::path::PathBuf;

use glam::Vec3;
use manyworlds_import::mesh::{read_vertices, MeshFormat, NO_HULLS};
use manyworlds_import::{mjcf, urdf, Budget, Exceeded, FileProblem, ImportOptions, Problem};

/// A fresh folder of this test's own, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("manyworlds-meshes-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Scratch(path)
    }

    fn write(&self, relative: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The twelve triangles of an axis-aligned box from `low` to `high`.
fn box_triangles(low: Vec3, high: Vec3) -> Vec<[Vec3; 3]> {
    let corner = |i: usize| {
        Vec3::new(
            if i & 1 == 0 { low.x } else { high.x },
            if i & 2 == 0 { low.y } else { high.y },
            if i & 4 == 0 { low.z } else { high.z },
        )
    };
    let quads = [
        [0, 1, 3, 2],
        [4, 6, 7, 5],
        [0, 4, 5, 1],
        [2, 3, 7, 6],
        [0, 2, 6, 4],
        [1, 5, 7, 3],
    ];
    quads
        .iter()
        .flat_map(|q| {
            [
                [corner(q[0]), corner(q[1]), corner(q[2])],
                [corner(q[0]), corner(q[2]), corner(q[3])],
            ]
        })
        .collect()
}

fn binary_stl(triangles: &[[Vec3; 3]]) -> Vec<u8> {
    let mut bytes = vec![0u8; 80];
    bytes.extend((triangles.len() as u32).to_le_bytes());
    for t in triangles {
        bytes.extend([0u8; 12]); // normal
        for v in t {
            for c in v.to_array() {
                bytes.extend(c.to_le_bytes());
            }
        }
        bytes.extend([0u8; 2]);
    }
    bytes
}

fn ascii_stl(triangles: &[[Vec3; 3]]) -> String {
    let mut text = String::from("solid box\n");
    for t in triangles {
        text.push_str("facet normal 0 0 0\nouter loop\n");
        for v in t {
            text.push_str(&format!("vertex {} {} {}\n", v.x, v.y, v.z));
        }
        text.push_str("endloop\nendfacet\n");
    }
    text.push_str("endsolid box\n");
    text
}

/// An OBJ of two objects (as V-HACD writes): a box's eight corners and a tetrahedron.
const OBJ: &str = "\
o box
v 0 0 0
v 1 0 0
v 1 2 0
v 0 2 0
v 0 0 3
v 1 0 3
v 1 2 3
v 0 2 3
f 1 2 3 4
f 5 6 7 8
f 1 2 6 5
f 2 3 7 6
f 3 4 8 7
f 4 1 5 8
o tip
v 5 5 5
v 6 5 5
v 5 6 5
v 5 5 6
f 9 10 11
f 9 10 12
f 9 11 12
f 10 11 12
";

fn extent(points: &[Vec3]) -> Vec3 {
    let low = points.iter().fold(Vec3::INFINITY, |a, &p| a.min(p));
    let high = points.iter().fold(Vec3::NEG_INFINITY, |a, &p| a.max(p));
    high - low
}

#[test]
fn stl_binary_and_ascii_give_the_same_distinct_vertices() {
    let triangles = box_triangles(Vec3::ZERO, Vec3::new(1.0, 2.0, 3.0));
    let binary = read_vertices(&binary_stl(&triangles), MeshFormat::Stl).unwrap();
    let ascii = read_vertices(ascii_stl(&triangles).as_bytes(), MeshFormat::Stl).unwrap();
    assert_eq!(binary.len(), 8, "a box's corners, each once");
    assert_eq!(ascii.len(), 8);
    assert_eq!(extent(&binary), Vec3::new(1.0, 2.0, 3.0));
    assert_eq!(extent(&ascii), Vec3::new(1.0, 2.0, 3.0));
}

#[test]
fn obj_gives_every_objects_vertices() {
    let points = read_vertices(OBJ.as_bytes(), MeshFormat::Obj).unwrap();
    assert_eq!(points.len(), 12);
    assert_eq!(extent(&points), Vec3::new(6.0, 6.0, 6.0));
}

#[test]
fn garbled_and_empty_meshes_are_errors() {
    assert!(read_vertices(
        b"solid x\nfacet normal 0 0 0\nouter loop\nvertex 1 2\n",
        MeshFormat::Stl
    )
    .is_err());
    // A binary header announcing more triangles than the file holds.
    let mut short = binary_stl(&box_triangles(Vec3::ZERO, Vec3::ONE));
    short[80..84].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(read_vertices(&short, MeshFormat::Stl).is_err());
    assert!(read_vertices(b"# nothing\n", MeshFormat::Obj).is_err());
    assert!(read_vertices(b"v 1 2 nan\nv 0 0 0\nv 1 0 0\nf 1 2 3\n", MeshFormat::Obj).is_err());
    assert!(MeshFormat::of("arm.dae").unwrap_err().contains(".dae"));
    assert_eq!(MeshFormat::of("ARM.STL"), Ok(MeshFormat::Stl));
}

fn urdf_with_mesh(mesh: &str) -> String {
    format!(
        r#"<robot name="r">
  <link name="base">
    <inertial><mass value="1"/><inertia ixx="0.1" iyy="0.1" izz="0.1"/></inertial>
    <visual><geometry><mesh filename="never/read.dae"/></geometry></visual>
    <collision><geometry>{mesh}</geometry></collision>
  </link>
</robot>
"#
    )
}

/// The lenient load's "vertices read" warning for the one mesh.
fn read_report(path: &std::path::Path, options: ImportOptions) -> String {
    let options = ImportOptions {
        lenient: true,
        ..options
    };
    let imported = urdf::load(path, options).expect("loads leniently");
    let (warning, _) = imported
        .warnings
        .iter()
        .find(|(m, _)| m.contains(NO_HULLS))
        .unwrap_or_else(|| panic!("{}", imported.warnings));
    warning.to_string()
}

#[test]
fn urdf_meshes_are_read_with_their_scale() {
    let dir = Scratch::new("urdf-scale");
    let triangles = box_triangles(Vec3::ZERO, Vec3::new(1.0, 2.0, 3.0));
    dir.write("robot/meshes/box.stl", binary_stl(&triangles));
    dir.write("robot/meshes/box_ascii.stl", ascii_stl(&triangles));
    dir.write("robot/meshes/parts.obj", OBJ);
    for (mesh, vertices, size) in [
        (
            r#"<mesh filename="meshes/box.stl" scale="0.001 0.001 0.001"/>"#,
            8,
            "0.0010 x 0.0020 x 0.0030 m",
        ),
        (
            r#"<mesh filename="meshes/box_ascii.stl" scale="2 1 -1"/>"#,
            8,
            "2.0000 x 2.0000 x 3.0000 m",
        ),
        (
            r#"<mesh filename="meshes/parts.obj"/>"#,
            12,
            "6.0000 x 6.0000 x 6.0000 m",
        ),
    ] {
        let path = dir.write("robot/robot.urdf", urdf_with_mesh(mesh));
        let report = read_report(&path, ImportOptions::default());
        assert!(
            report.contains(&format!("{vertices} vertices read, {size}")),
            "{report}"
        );
        // Strictly: the refusal, at the mesh element, after the read.
        let error = urdf::load(&path, ImportOptions::default()).unwrap_err();
        assert!(
            matches!(error.problem(), Some(Problem::MeshCollider(_))),
            "{error}"
        );
        assert_eq!(error.location().unwrap().line, 5, "{error}");
    }
}

#[test]
fn missing_and_garbled_mesh_files_are_named() {
    let dir = Scratch::new("urdf-bad");
    dir.write("robot/meshes/garbled.stl", "solid x\nfacet nonsense\n");
    let path = dir.write(
        "robot/robot.urdf",
        urdf_with_mesh(r#"<mesh filename="meshes/missing.stl"/>"#),
    );
    for options in [
        ImportOptions::default(),
        ImportOptions {
            lenient: true,
            ..ImportOptions::default()
        },
    ] {
        let error = urdf::load(&path, options).unwrap_err();
        assert!(
            matches!(error.problem(), Some(Problem::File { path, problem: FileProblem::Unreadable(_) }) if path == "meshes/missing.stl"),
            "{error}"
        );
        assert!(error.to_string().contains("robot.urdf:5:"), "{error}");
    }
    let path = dir.write(
        "robot/robot.urdf",
        urdf_with_mesh(r#"<mesh filename="meshes/garbled.stl"/>"#),
    );
    let error = urdf::load(&path, ImportOptions::default()).unwrap_err();
    assert!(
        matches!(error.problem(), Some(Problem::Mesh { path, .. }) if path == "meshes/garbled.stl"),
        "{error}"
    );
    assert!(error.to_string().contains("garbled.stl"), "{error}");
    let path = dir.write(
        "robot/robot.urdf",
        urdf_with_mesh(r#"<mesh filename="$(find robot)/meshes/box.stl"/>"#),
    );
    let error = urdf::load(&path, ImportOptions::default()).unwrap_err();
    assert!(error.to_string().contains("unexpanded xacro"), "{error}");
    let path = dir.write(
        "robot/robot.urdf",
        urdf_with_mesh(r#"<mesh filename="meshes/box.stl" scale="${s} 1 1"/>"#),
    );
    let error = urdf::load(&path, ImportOptions::default()).unwrap_err();
    assert!(error.to_string().contains("unexpanded xacro"), "{error}");
}

#[test]
fn mjcf_meshes_come_from_meshdir_with_their_scale() {
    let dir = Scratch::new("mjcf");
    dir.write(
        "model/assets/box.stl",
        binary_stl(&box_triangles(Vec3::ZERO, Vec3::new(1.0, 2.0, 3.0))),
    );
    let model = |geoms: &str| {
        format!(
            r#"<mujoco>
  <compiler meshdir="assets"/>
  <asset><mesh file="box.stl" scale="0.5 0.5 0.5"/><mesh name="gone" file="gone.stl"/></asset>
  <worldbody>
    <body name="b" pos="0 0 1"><freejoint/>
      <geom type="sphere" size="0.1"/>
      {geoms}
    </body>
  </worldbody>
</mujoco>"#
        )
    };
    // A collision mesh is read (named after its file), then refused.
    let path = dir.write("model/m.xml", model(r#"<geom type="mesh" mesh="box"/>"#));
    let error = mjcf::load(&path, ImportOptions::default()).unwrap_err();
    assert!(
        matches!(error.problem(), Some(Problem::MeshCollider(m)) if m.contains("8 vertices read, 0.5000 x 1.0000 x 1.5000 m")),
        "{error}"
    );
    // A visual mesh (contype = conaffinity = 0) is never read, even when missing.
    let path = dir.write(
        "model/m.xml",
        model(r#"<geom type="mesh" mesh="gone" contype="0" conaffinity="0"/>"#),
    );
    let imported = mjcf::load(&path, ImportOptions::default()).expect("visual mesh skipped");
    assert!(imported.warnings.mentions("visual mesh"));
    // A missing collision mesh is named at its asset.
    let path = dir.write("model/m.xml", model(r#"<geom type="mesh" mesh="gone"/>"#));
    let error = mjcf::load(
        &path,
        ImportOptions {
            lenient: true,
            ..ImportOptions::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(error.problem(), Some(Problem::File { path, .. }) if path == "gone.stl"),
        "{error}"
    );
    assert_eq!(error.location().unwrap().line, 3, "{error}");
}

#[test]
fn mjcf_meshes_given_by_their_vertices() {
    let text = r#"<mujoco>
  <asset><mesh name="tet" vertex="0 0 0  1 0 0  0 1 0  0 0 1" scale="2 2 2"/></asset>
  <worldbody>
    <body name="b" pos="0 0 1"><freejoint/><geom type="mesh" mesh="tet"/></body>
  </worldbody>
</mujoco>"#;
    let error = mjcf::parse(text, "tet.xml", ImportOptions::default()).unwrap_err();
    assert!(
        matches!(error.problem(), Some(Problem::MeshCollider(m)) if m.contains("4 vertices read, 2.0000 x 2.0000 x 2.0000 m")),
        "{error}"
    );
    // The scale of the mesh's default class, unless it gives its own.
    let classed = text
        .replace(r#" scale="2 2 2""#, r#" class="big""#)
        .replace(
            "<asset>",
            r#"<default><default class="big"><mesh scale="3 1 1"/></default></default><asset>"#,
        );
    let error = mjcf::parse(&classed, "tet.xml", ImportOptions::default()).unwrap_err();
    assert!(
        error.to_string().contains("3.0000 x 1.0000 x 1.0000 m"),
        "{error}"
    );
    let bad = text.replace("0 0 1\"", "0 0\"");
    let error = mjcf::parse(&bad, "tet.xml", ImportOptions::default()).unwrap_err();
    assert_eq!(error.location().unwrap().line, 2, "{error}");
}

#[test]
fn meshes_count_against_the_load_budget() {
    let dir = Scratch::new("budget");
    // Bytes: a mesh larger than the whole budget is refused without being read into memory.
    std::fs::create_dir_all(dir.0.join("robot")).unwrap();
    let huge = std::fs::File::create(dir.0.join("robot/huge.stl")).unwrap();
    huge.set_len(Budget::DEFAULT.total_bytes + 1).unwrap();
    let path = dir.write(
        "robot/robot.urdf",
        urdf_with_mesh(r#"<mesh filename="huge.stl"/>"#),
    );
    let error = urdf::load(&path, ImportOptions::default()).unwrap_err();
    assert_eq!(
        error.exceeded(),
        Some(Exceeded::Bytes(Budget::DEFAULT.total_bytes)),
        "{error}"
    );
    assert_eq!(error.location().unwrap().line, 5, "{error}");

    // Files: one mesh named by many links is read once; as many distinct files are too many.
    let triangle = ascii_stl(&[[Vec3::ZERO, Vec3::X, Vec3::Y]]);
    let links = Budget::DEFAULT.files + 1;
    let mut same = String::from("<robot name=\"r\">\n");
    let mut distinct = same.clone();
    for k in 0..links {
        dir.write(&format!("robot/m{k}.stl"), &triangle);
        let link = |file: &str| {
            format!(
                "<link name=\"l{k}\"><collision><geometry><mesh filename=\"{file}\"/></geometry></collision></link>\n"
            )
        };
        same.push_str(&link("m0.stl"));
        distinct.push_str(&link(&format!("m{k}.stl")));
    }
    for text in [&mut same, &mut distinct] {
        for k in 1..links {
            text.push_str(&format!(
                "<joint name=\"j{k}\" type=\"fixed\"><parent link=\"l0\"/><child link=\"l{k}\"/></joint>\n"
            ));
        }
        text.push_str("</robot>\n");
    }
    let lenient = ImportOptions {
        lenient: true,
        fixed_base: true,
        ..ImportOptions::default()
    };
    let path = dir.write("robot/same.urdf", &same);
    let imported = urdf::load(&path, lenient.clone()).expect("one file, read once");
    assert!(imported.warnings.mentions("3 vertices read"));
    let path = dir.write("robot/distinct.urdf", &distinct);
    let error = urdf::load(&path, lenient).unwrap_err();
    assert_eq!(
        error.exceeded(),
        Some(Exceeded::Files(Budget::DEFAULT.files)),
        "{error}"
    );
}
