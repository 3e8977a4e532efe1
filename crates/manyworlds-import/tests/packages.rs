//! URDF `package://NAME/rest` meshes: found as a ROS package among the URDF's ancestors, in
//! or as the URDF's own folder, or through the package paths; a missing package names the
//! folders looked in; `..` and symbolic links cannot leave the package.

use std::path::{Path, PathBuf};

use manyworlds_import::{urdf, FileProblem, ImportError, ImportOptions, Problem};

/// A fresh folder of this test's own, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("manyworlds-packages-{}-{name}", std::process::id()));
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

    fn path(&self, relative: &str) -> PathBuf {
        self.0.join(relative)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A one-triangle ASCII STL.
const TRIANGLE: &str =
    "solid t\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nvertex 0 1 0\nendloop\nendfacet\nendsolid t\n";

fn robot(filename: &str) -> String {
    format!(
        r#"<robot name="r">
  <link name="base">
    <inertial><mass value="1"/><inertia ixx="0.1" iyy="0.1" izz="0.1"/></inertial>
    <collision><geometry><mesh filename="{filename}"/></geometry></collision>
  </link>
</robot>
"#
    )
}

fn load(
    path: &Path,
    package_paths: Vec<PathBuf>,
) -> Result<manyworlds_import::Imported, ImportError> {
    let options = ImportOptions {
        lenient: true,
        package_paths,
        ..ImportOptions::default()
    };
    urdf::load(path, options)
}

/// The file the lenient load read for the one mesh.
fn read_from(result: Result<manyworlds_import::Imported, ImportError>) -> String {
    let imported = result.unwrap_or_else(|e| panic!("{e}"));
    let (warning, _) = imported
        .warnings
        .iter()
        .find(|(m, _)| m.contains("3 vertices read"))
        .unwrap_or_else(|| panic!("{}", imported.warnings));
    warning.to_string()
}

#[test]
fn a_ros_package_above_the_urdf_is_found() {
    let dir = Scratch::new("ancestor");
    dir.write(
        "ws/my_robot/package.xml",
        "<package><name>my_robot</name></package>",
    );
    dir.write("ws/my_robot/meshes/base.stl", TRIANGLE);
    let path = dir.write(
        "ws/my_robot/urdf/robot.urdf",
        robot("package://my_robot/meshes/base.stl"),
    );
    let read = read_from(load(&path, vec![]));
    assert!(read.contains("my_robot/meshes/base.stl"), "{read}");
}

#[test]
fn a_folder_above_without_package_xml_is_not_read() {
    let dir = Scratch::new("no-package-xml");
    dir.write("ws/my_robot/meshes/base.stl", TRIANGLE);
    let path = dir.write(
        "ws/my_robot/urdf/robot.urdf",
        robot("package://my_robot/meshes/base.stl"),
    );
    let error = load(&path, vec![]).unwrap_err();
    let Some(Problem::PackageNotFound(message)) = error.problem() else {
        panic!("{error}");
    };
    assert!(
        message.contains("package \"my_robot\" not found"),
        "{message}"
    );
    assert!(message.contains("holds no package.xml"), "{message}");
    assert!(
        message.contains(&dir.path("ws/my_robot/urdf/my_robot").display().to_string()),
        "{message}"
    );
    assert!(error.to_string().contains("robot.urdf:4:"), "{error}");
    // The package path finds it.
    let read = read_from(load(&path, vec![dir.path("ws")]));
    assert!(read.contains("ws/my_robot/meshes/base.stl"), "{read}");
}

#[test]
fn the_urdfs_own_folder_or_a_folder_in_it_is_the_package() {
    let dir = Scratch::new("own");
    dir.write("desc/meshes/base.stl", TRIANGLE);
    // The URDF's folder is named after the package.
    let path = dir.write("desc/robot.urdf", robot("package://desc/meshes/base.stl"));
    assert!(read_from(load(&path, vec![])).contains("desc/meshes/base.stl"));
    // pybullet's layout: the package is a folder beside the URDF.
    let path = dir.write("robot.urdf", robot("package://desc/meshes/base.stl"));
    assert!(read_from(load(&path, vec![])).contains("desc/meshes/base.stl"));
}

#[test]
fn package_paths_are_searched_in_order() {
    let dir = Scratch::new("search");
    dir.write("one/other_pkg/meshes/base.stl", TRIANGLE);
    dir.write("two/arm_description/meshes/base.stl", TRIANGLE);
    let path = dir.write(
        "robot/robot.urdf",
        robot("package://arm_description/meshes/base.stl"),
    );
    let error = load(&path, vec![dir.path("one")]).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("\"arm_description\""), "{message}");
    assert!(
        message.contains(&dir.path("one/arm_description").display().to_string()),
        "{message}"
    );
    assert!(
        message.contains(&dir.path("robot/arm_description").display().to_string()),
        "{message}"
    );
    // A folder containing the package, or the package's own folder, both work.
    let read = read_from(load(&path, vec![dir.path("one"), dir.path("two")]));
    assert!(
        read.contains("two/arm_description/meshes/base.stl"),
        "{read}"
    );
    let read = read_from(load(&path, vec![dir.path("two/arm_description")]));
    assert!(
        read.contains("two/arm_description/meshes/base.stl"),
        "{read}"
    );
    // Without any package paths the error says how to add one.
    let error = load(&path, vec![]).unwrap_err();
    assert!(error.to_string().contains("--package-path"), "{error}");
}

#[test]
fn nothing_outside_the_package_is_read() {
    let dir = Scratch::new("escape");
    dir.write("secret/base.stl", TRIANGLE);
    dir.write("robot/desc/meshes/base.stl", TRIANGLE);
    for written in [
        "package://desc/../../secret/base.stl",
        "package://desc/meshes/../../../secret/base.stl",
    ] {
        let path = dir.write("robot/robot.urdf", robot(written));
        let error = load(&path, vec![]).unwrap_err();
        assert_eq!(
            error.file_problem(),
            Some(&FileProblem::Outside),
            "{written}: {error}"
        );
    }
    for written in [
        "package://../secret/base.stl",
        "package://./x.stl",
        "package://",
    ] {
        let path = dir.write("robot/robot.urdf", robot(written));
        let error = load(&path, vec![]).unwrap_err();
        assert!(
            error.to_string().contains("is not a package name"),
            "{written}: {error}"
        );
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            dir.path("secret/base.stl"),
            dir.path("robot/desc/meshes/alias.stl"),
        )
        .unwrap();
        let path = dir.write("robot/robot.urdf", robot("package://desc/meshes/alias.stl"));
        let error = load(&path, vec![]).unwrap_err();
        assert_eq!(
            error.file_problem(),
            Some(&FileProblem::LinksOutside),
            "{error}"
        );
    }
}
