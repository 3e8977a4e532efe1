//! Collision mesh files: STL (binary and ASCII) and OBJ vertices with the file's scale, found
//! through URDF `<mesh filename scale>` (relative paths, `package://`) and MJCF
//! `<compiler meshdir>` + `<asset><mesh file scale>`; missing and garbled files are errors
//! naming the file; the mesh is refused for want of hulls only once it was read.

use std::path::PathBuf;

use glam::Vec3;
use manyworlds_core::{HullId, Scene, Shape};
use manyworlds_import::mesh::{read_vertices, MeshFormat};
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
    assert_eq!(binary.len(), 1, "an STL file is one object");
    assert_eq!(binary[0].len(), 8, "a box's corners, each once");
    assert_eq!(ascii, binary);
    assert_eq!(extent(&binary[0]), Vec3::new(1.0, 2.0, 3.0));
}

#[test]
fn obj_gives_each_objects_vertices() {
    let objects = read_vertices(OBJ.as_bytes(), MeshFormat::Obj).unwrap();
    assert_eq!(objects.len(), 2);
    assert_eq!(objects[0].len(), 8);
    assert_eq!(extent(&objects[0]), Vec3::new(1.0, 2.0, 3.0));
    assert_eq!(objects[1].len(), 4);
    assert_eq!(extent(&objects[1]), Vec3::ONE);
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

/// The extent of each hull collider's hull, in collider order.
fn hull_extents(scene: &Scene) -> Vec<Vec3> {
    scene
        .colliders()
        .iter()
        .filter_map(|c| match c.shape {
            Shape::Hull { hull, scale } => {
                let vertices = scene.hulls()[hull.0 as usize].vertices();
                Some(extent(
                    &vertices.iter().map(|&v| v * scale).collect::<Vec<_>>(),
                ))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn urdf_meshes_become_hulls_with_their_scale() {
    let dir = Scratch::new("urdf-scale");
    let triangles = box_triangles(Vec3::ZERO, Vec3::new(1.0, 2.0, 3.0));
    dir.write("robot/meshes/box.stl", binary_stl(&triangles));
    dir.write("robot/meshes/box_ascii.stl", ascii_stl(&triangles));
    dir.write("robot/meshes/parts.obj", OBJ);
    for (mesh, sizes) in [
        (
            r#"<mesh filename="meshes/box.stl" scale="0.001 0.001 0.001"/>"#,
            vec![Vec3::new(0.001, 0.002, 0.003)],
        ),
        (
            r#"<mesh filename="meshes/box_ascii.stl" scale="2 1 -1"/>"#,
            vec![Vec3::new(2.0, 2.0, 3.0)],
        ),
        // Each object of an OBJ file (a V-HACD piece) is a hull of its own.
        (
            r#"<mesh filename="meshes/parts.obj"/>"#,
            vec![Vec3::new(1.0, 2.0, 3.0), Vec3::ONE],
        ),
    ] {
        let path = dir.write("robot/robot.urdf", urdf_with_mesh(mesh));
        let imported = urdf::load(&path, ImportOptions::default()).expect("loads strictly");
        let scene = &imported.scene;
        let extents = hull_extents(scene);
        assert_eq!(extents.len(), sizes.len(), "{mesh}");
        for (got, want) in extents.iter().zip(&sizes) {
            assert!(
                got.abs_diff_eq(*want, 1e-6 * want.length()),
                "{mesh}: {got}"
            );
        }
        assert_eq!(scene.hulls().len(), sizes.len());
        assert!(scene.hulls().iter().all(|h| h.vertices().len() <= 8));
        // The link keeps its <inertial>.
        assert_eq!(scene.bodies()[0].mass.mass, 1.0);
        assert!(
            !imported.warnings.mentions("convex"),
            "{}",
            imported.warnings
        );
    }
}

#[test]
fn a_mesh_used_by_several_links_is_one_hull_and_one_warning() {
    let dir = Scratch::new("urdf-shared");
    // A box's corners and a point at its centre, on a face of the file: not convex.
    let concave = OBJ.split("o tip").next().unwrap().to_string() + "v 0.5 1 1.5\nf 1 2 9\n";
    dir.write("robot/dent.obj", concave);
    let link = |name: &str, scale: &str| {
        format!(
            r#"<link name="{name}"><inertial><mass value="1"/><inertia ixx="0.1" iyy="0.1" izz="0.1"/></inertial>
  <collision><geometry><mesh filename="dent.obj" scale="{scale}"/></geometry></collision></link>"#
        )
    };
    let joint = |child: &str| {
        format!(
            r#"<joint name="{child}_joint" type="revolute"><parent link="a"/><child link="{child}"/><axis xyz="0 0 1"/><limit lower="-1" upper="1"/></joint>"#
        )
    };
    let text = format!(
        "<robot name=\"r\">\n{}\n{}\n{}\n{}\n{}\n</robot>\n",
        link("a", "1 1 1"),
        link("b", "1 1 1"),
        link("c", "2 2 2"),
        joint("b"),
        joint("c"),
    );
    let path = dir.write("robot/robot.urdf", text);
    let imported = urdf::load(&path, ImportOptions::default()).expect("loads");
    let scene = &imported.scene;
    let hulls: Vec<HullId> = scene
        .colliders()
        .iter()
        .map(|c| match c.shape {
            Shape::Hull { hull, scale } => {
                assert_eq!(scale, Vec3::ONE, "the file's scale is in the hull's points");
                hull
            }
            other => panic!("{other:?}"),
        })
        .collect();
    // One hull per (file, scale): a and b share the first, c has its own.
    assert_eq!(hulls, [HullId(0), HullId(0), HullId(1)]);
    assert_eq!(scene.hulls()[0].vertices().len(), 8, "the centre is inside");
    let warnings: Vec<(&str, usize)> = imported
        .warnings
        .iter()
        .filter(|(m, _)| m.contains("dent.obj is not convex"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", imported.warnings);
    assert!(
        warnings[0].0.contains("1 of its 9 vertices"),
        "{warnings:?}"
    );
    assert!(warnings[0].0.contains("collides as its convex hull"));
    // Once per (file, scale) built: the two scales count twice.
    assert_eq!(warnings[0].1, 2, "{}", imported.warnings);
}

#[test]
fn a_hull_held_to_64_vertices_is_reported() {
    let dir = Scratch::new("urdf-reduced");
    // 400 points on a unit sphere (a Fibonacci lattice).
    let mut obj = String::new();
    let n = 400;
    for k in 0..n {
        let z = 1.0 - 2.0 * (k as f32 + 0.5) / n as f32;
        let r = (1.0 - z * z).sqrt();
        let phi = k as f32 * 2.399_963;
        obj.push_str(&format!("v {} {} {z}\n", r * phi.cos(), r * phi.sin()));
    }
    obj.push_str("f 1 2 3\n");
    for k in (4..=n).step_by(3) {
        obj.push_str(&format!("f {k} {} {}\n", (k % n) + 1, ((k + 1) % n) + 1));
    }
    dir.write("robot/ball.obj", obj);
    let path = dir.write(
        "robot/robot.urdf",
        urdf_with_mesh(r#"<mesh filename="ball.obj"/>"#),
    );
    let imported = urdf::load(&path, ImportOptions::default()).expect("loads");
    assert_eq!(imported.scene.hulls()[0].vertices().len(), 64);
    let (warning, _) = imported
        .warnings
        .iter()
        .find(|(m, _)| m.contains("reduced to 64 vertices"))
        .unwrap_or_else(|| panic!("{}", imported.warnings));
    assert!(warning.contains("ball.obj"), "{warning}");
    assert!(
        !imported.warnings.mentions("not convex"),
        "{}",
        imported.warnings
    );
}

#[test]
fn a_mesh_without_volume_is_an_error_naming_it() {
    let dir = Scratch::new("urdf-flat");
    let flat = "v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nf 1 2 3 4\n";
    dir.write("robot/meshes/flat.obj", flat);
    dir.write(
        "robot/meshes/tri.stl",
        ascii_stl(&[[Vec3::ZERO, Vec3::X, Vec3::Y]]),
    );
    for (file, why) in [("flat.obj", "no volume"), ("tri.stl", "at least 4 points")] {
        let path = dir.write(
            "robot/robot.urdf",
            urdf_with_mesh(&format!(r#"<mesh filename="meshes/{file}"/>"#)),
        );
        let error = urdf::load(&path, ImportOptions::default()).unwrap_err();
        assert!(
            matches!(error.problem(), Some(Problem::MeshCollider(m)) if m.contains(file) && m.contains(why)),
            "{error}"
        );
        assert_eq!(error.location().unwrap().line, 5, "{error}");
        // Leniently, dropped with a warning saying why.
        let options = ImportOptions {
            lenient: true,
            ..ImportOptions::default()
        };
        let imported = urdf::load(&path, options).expect("dropped");
        assert!(imported.scene.colliders().is_empty());
        assert!(imported.warnings.mentions("dropped a mesh collision shape"));
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
    // A collision mesh (named after its file) collides as its hull and, by default, has
    // the matter of its hull at density 1000, its centre of mass at the hull's centroid.
    let sphere = 1000.0 * 4.0 / 3.0 * std::f32::consts::PI * 0.001;
    let path = dir.write("model/m.xml", model(r#"<geom type="mesh" mesh="box"/>"#));
    let imported = mjcf::load(&path, ImportOptions::default()).expect("loads");
    let scene = &imported.scene;
    assert_eq!(hull_extents(scene), [Vec3::new(0.5, 1.0, 1.5)]);
    let body = &scene.bodies()[scene.body_index("b").unwrap()];
    let hull_mass = 1000.0 * 0.5 * 1.0 * 1.5;
    assert!(((body.mass.mass - sphere - hull_mass) / hull_mass).abs() < 1e-5);
    let centre = Vec3::new(0.25, 0.5, 0.75) * hull_mass / (hull_mass + sphere);
    assert!(
        body.mass.center_of_mass.abs_diff_eq(centre, 1e-4),
        "{}",
        body.mass.center_of_mass
    );
    // A geom's `mass` is spread over its hull's volume.
    let path = dir.write(
        "model/m.xml",
        model(r#"<geom type="mesh" mesh="box" mass="2"/>"#),
    );
    let imported = mjcf::load(&path, ImportOptions::default()).expect("loads");
    let b = &imported.scene.bodies()[imported.scene.body_index("b").unwrap()];
    assert!((b.mass.mass - sphere - 2.0).abs() < 1e-4, "{}", b.mass.mass);
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
    let imported = mjcf::parse(text, "tet.xml", ImportOptions::default()).expect("loads");
    assert_eq!(hull_extents(&imported.scene), [Vec3::splat(2.0)]);
    let scene = &imported.scene;
    let mass = scene.bodies()[scene.body_index("b").unwrap()].mass.mass;
    assert!((mass - 1000.0 * 8.0 / 6.0).abs() < 1e-2, "{mass}");
    // The scale of the mesh's default class, unless it gives its own.
    let classed = text
        .replace(r#" scale="2 2 2""#, r#" class="big""#)
        .replace(
            "<asset>",
            r#"<default><default class="big"><mesh scale="3 1 1"/></default></default><asset>"#,
        );
    let imported = mjcf::parse(&classed, "tet.xml", ImportOptions::default()).expect("loads");
    assert_eq!(hull_extents(&imported.scene), [Vec3::new(3.0, 1.0, 1.0)]);
    // Four points on a plane have no hull: an error at the geom, naming the mesh.
    let flat = text.replace("0 0 1\" scale", "1 1 0\" scale");
    let error = mjcf::parse(&flat, "tet.xml", ImportOptions::default()).unwrap_err();
    assert!(
        matches!(error.problem(), Some(Problem::MeshCollider(m)) if m.contains("<mesh name=\"tet\">") && m.contains("no volume")),
        "{error}"
    );
    assert_eq!(error.location().unwrap().line, 4, "{error}");
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
