//! Model files are untrusted input: a model reads only regular files below its own folder
//! (and the caller's search paths), within a budget; it cannot overflow the stack or take
//! time out of proportion to its size; errors never echo a refused file's content; URDF
//! loops and MJCF's made-up body names lose nothing silently.

use std::path::{Path, PathBuf};
use std::time::Instant;

use manyworlds_import::{
    mjcf, urdf, Budget, Exceeded, FileProblem, ImportError, ImportOptions, Problem,
};

/// A fresh folder of this test's own under the system's temporary folder, removed when
/// dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("manyworlds-hostile-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Scratch(path)
    }

    /// Writes `text` to `relative` (folders made as needed); returns its path.
    fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
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

const BALL: &str =
    r#"<body name="ball" pos="0 0 1"><freejoint/><geom type="sphere" size="0.1"/></body>"#;

/// A model whose worldbody holds `inside`.
fn model(inside: &str) -> String {
    format!("<mujoco>\n  <worldbody>\n    {inside}\n  </worldbody>\n</mujoco>\n")
}

fn load(path: &Path) -> Result<manyworlds_import::Imported, ImportError> {
    mjcf::load(path, ImportOptions::default())
}

/// The include's error: its element, the path as written, and why.
fn refused_include(error: &ImportError) -> (&str, &Problem) {
    match error {
        ImportError::Element {
            element, problem, ..
        } => (element.as_str(), problem),
        other => panic!("not an element's error: {other}"),
    }
}

fn assert_refused(error: &ImportError, written: &str, why: FileProblem) {
    let (element, problem) = refused_include(error);
    assert_eq!(element, "include", "{error}");
    assert_eq!(
        problem,
        &Problem::File {
            path: written.into(),
            problem: why
        },
        "{error}"
    );
    let message = error.to_string();
    assert!(message.contains("<include>"), "{message}");
    assert!(message.contains(&format!("\"{written}\"")), "{message}");
}

#[test]
fn an_absolute_include_outside_the_model_folder_is_refused() {
    let dir = Scratch::new("absolute");
    let file = dir.write("robot.xml", &model(r#"<include file="/etc/passwd"/>"#));
    let error = load(&file).unwrap_err();
    assert_refused(&error, "/etc/passwd", FileProblem::Outside);
    assert!(!error.to_string().contains("root:"), "{error}");
    // Refused from the name alone: a path that does not exist is "outside", not "missing".
    let file = dir.write(
        "ghost.xml",
        &model(r#"<include file="/no/such/dir/x.xml"/>"#),
    );
    assert_refused(
        &load(&file).unwrap_err(),
        "/no/such/dir/x.xml",
        FileProblem::Outside,
    );
}

#[test]
fn dot_dot_cannot_climb_out_of_the_model_folder() {
    let dir = Scratch::new("dotdot");
    dir.write("secret.xml", &format!("<mujoco>{BALL}</mujoco>"));
    dir.write("robot/parts/ball.xml", &format!("<mujoco>{BALL}</mujoco>"));
    for written in ["../secret.xml", "parts/../../secret.xml", "./../secret.xml"] {
        let file = dir.write(
            "robot/model.xml",
            &model(&format!(r#"<include file="{written}"/>"#)),
        );
        assert_refused(&load(&file).unwrap_err(), written, FileProblem::Outside);
    }
    // Going up and down again inside the folder is fine.
    let file = dir.write(
        "robot/model.xml",
        &model(r#"<include file="parts/../parts/ball.xml"/>"#),
    );
    assert_eq!(load(&file).unwrap().scene.body_count(), 2);
    // So is reading from a search path the caller gives.
    let file = dir.write("robot/model.xml", &model(r#"<include file="secret.xml"/>"#));
    let options = ImportOptions {
        search_paths: vec![dir.0.clone()],
        ..ImportOptions::default()
    };
    assert_eq!(
        mjcf::load(&file, options.clone())
            .unwrap()
            .scene
            .body_count(),
        2
    );
    let absolute = dir.path("secret.xml").display().to_string();
    let file = dir.write(
        "robot/model.xml",
        &model(&format!(r#"<include file="{absolute}"/>"#)),
    );
    assert_eq!(mjcf::load(&file, options).unwrap().scene.body_count(), 2);
    assert_refused(&load(&file).unwrap_err(), &absolute, FileProblem::Outside);
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_out_of_the_model_folder_is_refused() {
    let dir = Scratch::new("symlink");
    let outside = dir.write("outside/ball.xml", &format!("<mujoco>{BALL}</mujoco>"));
    std::fs::create_dir_all(dir.path("robot")).unwrap();
    std::os::unix::fs::symlink(&outside, dir.path("robot/ball.xml")).unwrap();
    std::os::unix::fs::symlink(dir.path("outside"), dir.path("robot/parts")).unwrap();
    for written in ["ball.xml", "parts/ball.xml"] {
        let file = dir.write(
            "robot/model.xml",
            &model(&format!(r#"<include file="{written}"/>"#)),
        );
        assert_refused(
            &load(&file).unwrap_err(),
            written,
            FileProblem::LinksOutside,
        );
    }
    // A link that stays inside is followed.
    std::fs::copy(&outside, dir.path("robot/real.xml")).unwrap();
    std::os::unix::fs::symlink(dir.path("robot/real.xml"), dir.path("robot/alias.xml")).unwrap();
    let file = dir.write("robot/model.xml", &model(r#"<include file="alias.xml"/>"#));
    assert_eq!(load(&file).unwrap().scene.body_count(), 2);
}

#[cfg(unix)]
#[test]
fn devices_and_directories_are_refused_unopened() {
    let dir = Scratch::new("devices");
    let file = dir.write("robot.xml", &model(r#"<include file="/dev/zero"/>"#));
    assert_refused(&load(&file).unwrap_err(), "/dev/zero", FileProblem::Outside);
    // Even where the caller allows its folder, a device is not a file to read.
    let options = ImportOptions {
        search_paths: vec![PathBuf::from("/dev")],
        ..ImportOptions::default()
    };
    assert_refused(
        &mjcf::load(&file, options).unwrap_err(),
        "/dev/zero",
        FileProblem::NotRegularFile("a device"),
    );
    std::fs::create_dir_all(dir.path("parts")).unwrap();
    let file = dir.write("robot.xml", &model(r#"<include file="parts"/>"#));
    assert_refused(
        &load(&file).unwrap_err(),
        "parts",
        FileProblem::NotRegularFile("a directory"),
    );
    // The model file itself.
    let error = load(Path::new("/dev/zero")).unwrap_err();
    assert_eq!(
        error.file_problem(),
        Some(&FileProblem::NotRegularFile("a device")),
        "{error}"
    );
    let error = urdf::load(dir.path("parts"), ImportOptions::default()).unwrap_err();
    assert_eq!(
        error.file_problem(),
        Some(&FileProblem::NotRegularFile("a directory")),
        "{error}"
    );
}

#[cfg(unix)]
#[test]
fn a_named_pipe_is_refused_unopened() {
    let dir = Scratch::new("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(dir.path("pipe.xml"))
        .status();
    if !matches!(made, Ok(status) if status.success()) {
        eprintln!("note: mkfifo is not available here; the named pipe case is skipped");
        return;
    }
    // Opening the pipe to read would block this test forever.
    let file = dir.write("robot.xml", &model(r#"<include file="pipe.xml"/>"#));
    assert_refused(
        &load(&file).unwrap_err(),
        "pipe.xml",
        FileProblem::NotRegularFile("a named pipe"),
    );
    let error = load(&dir.path("pipe.xml")).unwrap_err();
    assert_eq!(
        error.file_problem(),
        Some(&FileProblem::NotRegularFile("a named pipe")),
        "{error}"
    );
}

#[test]
fn an_include_that_is_not_xml_is_named_not_quoted() {
    let dir = Scratch::new("not-xml");
    dir.write("notes.xml", "SECRET-CONTENT: <hunter2 a=1>\n");
    dir.write("tags.xml", "<mujoco><SECRET-TAG></OTHER-SECRET></mujoco>");
    dir.write("binary.xml", "\u{0}\u{1}SECRET");
    for (written, line) in [("notes.xml", 1), ("tags.xml", 1), ("binary.xml", 1)] {
        let file = dir.write(
            "robot.xml",
            &model(&format!(r#"<include file="{written}"/>"#)),
        );
        let error = load(&file).unwrap_err();
        let (_, problem) = refused_include(&error);
        assert!(
            matches!(problem, Problem::File { path, problem: FileProblem::NotXml { line: l, .. } } if path == written && *l == line),
            "{error}"
        );
        let message = format!("{error} {error:?}");
        assert!(!message.contains("SECRET"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }
    let invalid_utf8 = dir.path("latin1.xml");
    std::fs::write(&invalid_utf8, b"<mujoco>\xe9\xff</mujoco>").unwrap();
    let file = dir.write("robot.xml", &model(r#"<include file="latin1.xml"/>"#));
    let error = load(&file).unwrap_err();
    assert_refused(&error, "latin1.xml", FileProblem::NotText);
    // A missing include says so, with the path as written.
    let file = dir.write("robot.xml", &model(r#"<include file="missing.xml"/>"#));
    let error = load(&file).unwrap_err();
    assert!(
        matches!(error.file_problem(), Some(FileProblem::Unreadable(_))),
        "{error}"
    );
    assert!(error.to_string().contains("\"missing.xml\""), "{error}");
}

#[test]
fn include_bombs_run_out_of_budget() {
    let dir = Scratch::new("bomb");
    // Each level includes the next twice: 2^12 reads of a few small files.
    for level in 0..12 {
        let next = format!(r#"<include file="level{}.xml"/>"#, level + 1);
        dir.write(
            &format!("level{level}.xml"),
            &format!("<mujoco>{next}{next}</mujoco>"),
        );
    }
    dir.write("level12.xml", "<mujoco/>");
    let file = dir.write("robot.xml", &model(r#"<include file="level0.xml"/>"#));
    let error = load(&file).unwrap_err();
    assert_eq!(
        error.exceeded(),
        Some(Exceeded::Files(Budget::DEFAULT.files)),
        "{error}"
    );
    // A file including itself.
    let file = dir.write(
        "self.xml",
        "<mujoco><worldbody><include file=\"self.xml\"/></worldbody></mujoco>",
    );
    let error = load(&file).unwrap_err();
    assert_eq!(
        error.exceeded(),
        Some(Exceeded::IncludeDepth(Budget::DEFAULT.include_depth)),
        "{error}"
    );
    // Few files, many bytes: a 1 MiB file included 80 times.
    let filler = format!("<mujoco><!-- {} --></mujoco>", "x".repeat(1 << 20));
    dir.write("big.xml", &filler);
    let file = dir.write(
        "robot.xml",
        &model(&r#"<include file="big.xml"/>"#.repeat(80)),
    );
    let error = load(&file).unwrap_err();
    assert_eq!(
        error.exceeded(),
        Some(Exceeded::Bytes(Budget::DEFAULT.total_bytes)),
        "{error}"
    );
    assert!(error.to_string().contains("<include>"), "{error}");
    // A model file bigger than the budget is refused before it is read (a sparse file).
    let huge = std::fs::File::create(dir.path("huge.xml")).unwrap();
    huge.set_len(Budget::DEFAULT.total_bytes + 1).unwrap();
    let error = load(&dir.path("huge.xml")).unwrap_err();
    assert!(
        matches!(
            error,
            ImportError::OverBudget {
                exceeded: Exceeded::Bytes(_),
                ..
            }
        ),
        "{error}"
    );
}

/// `depth` nested unnamed bodies.
fn nested_bodies(depth: usize) -> String {
    let mut text = String::with_capacity(depth * 64);
    text.push_str("<mujoco><worldbody>");
    for _ in 0..depth {
        text.push_str(
            r#"<body pos="0 0 0.1"><joint type="hinge" axis="1 0 0"/><geom size="0.05"/>"#,
        );
    }
    text.push_str(&"</body>".repeat(depth));
    text.push_str("</worldbody></mujoco>");
    text
}

#[test]
fn deeply_nested_elements_are_an_error_not_a_stack_overflow() {
    let limit = Budget::DEFAULT.element_depth;
    for depth in [7_000, 100_000] {
        let error =
            mjcf::parse(&nested_bodies(depth), "deep.xml", ImportOptions::default()).unwrap_err();
        assert_eq!(
            error.exceeded(),
            Some(Exceeded::ElementDepth(limit)),
            "{error}"
        );
        assert!(error.to_string().starts_with("deep.xml:1:"), "{error}");
    }
    // Plain nested elements, outside any body.
    let text = format!(
        "<robot>{}{}</robot>",
        "<a>".repeat(100_000),
        "</a>".repeat(100_000)
    );
    let error = urdf::parse(&text, "deep.urdf", ImportOptions::default()).unwrap_err();
    assert_eq!(error.exceeded(), Some(Exceeded::ElementDepth(limit)));
}

#[test]
fn a_chain_nested_almost_to_the_limit_loads() {
    // mujoco, worldbody, then each body and, in the last, its joint and geom.
    let depth = Budget::DEFAULT.element_depth - 4;
    let model = mjcf::parse(&nested_bodies(depth), "chain.xml", ImportOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(model.scene.joints().len(), depth);
}

/// A worldbody of `n` free spheres side by side.
fn flat_bodies(n: usize) -> String {
    let mut text = String::from("<mujoco>\n  <worldbody>\n");
    for k in 0..n {
        text.push_str(&format!(
            "    <body pos=\"{k} 0 1\"><freejoint/><geom type=\"sphere\" size=\"0.1\"/></body>\n"
        ));
    }
    text.push_str("  </worldbody>\n</mujoco>\n");
    text
}

#[test]
fn ten_thousand_bodies_load_quickly() {
    let text = flat_bodies(10_000);
    let start = Instant::now();
    let model = mjcf::parse(&text, "many.xml", ImportOptions::default()).unwrap();
    let took = start.elapsed();
    eprintln!(
        "10,000 bodies ({} KiB) loaded in {took:?}",
        text.len() >> 10
    );
    assert_eq!(model.scene.body_count(), 10_001);
    // Unnamed bodies get distinct names.
    let names: std::collections::HashSet<&str> = model
        .scene
        .bodies()
        .iter()
        .map(|b| b.name.as_str())
        .collect();
    assert_eq!(names.len(), 10_001);
    // An error's place at the end of a long file is still exact.
    let broken = text.replace(
        r#"<body pos="9999 0 1"><freejoint/><geom type="sphere""#,
        r#"<body pos="9999 0 1"><freejoint/><geom type="spheroid""#,
    );
    let error = mjcf::parse(&broken, "many.xml", ImportOptions::default()).unwrap_err();
    let location = error.location().unwrap();
    let line = broken.lines().nth(10_001).unwrap();
    let column = line.find("<geom").unwrap() as u32 + 1;
    assert_eq!(
        (location.line, location.column),
        (10_002, column),
        "{error}"
    );
}

#[test]
fn three_hundred_thousand_elements_load_in_bounded_time() {
    let mut text =
        String::from("<mujoco><worldbody><body name=\"b\"><freejoint/><geom size=\"0.1\"/>");
    for _ in 0..300_000 {
        text.push_str("<site/>");
    }
    text.push_str("</body></worldbody></mujoco>");
    let start = Instant::now();
    let model = mjcf::parse(&text, "sites.xml", ImportOptions::default()).unwrap();
    eprintln!(
        "300,000 elements on one line loaded in {:?}",
        start.elapsed()
    );
    let sites = model.warnings.iter().find(|(w, _)| w.contains("<site>"));
    assert_eq!(sites.map(|s| s.1), Some(300_000));
}

#[test]
fn too_many_elements_are_an_error() {
    let n = Budget::DEFAULT.elements;
    let text = format!("<mujoco><custom>{}</custom></mujoco>", "<a/>".repeat(n));
    let error = mjcf::parse(&text, "wide.xml", ImportOptions::default()).unwrap_err();
    assert_eq!(error.exceeded(), Some(Exceeded::Elements(n)), "{error}");
}

const TWO_LINKS: &str = r#"<robot name="r">
  <link name="base"/>
  <link name="arm"><inertial><mass value="1"/><inertia ixx="0.1" iyy="0.1" izz="0.1"/></inertial></link>
  <joint name="shoulder" type="continuous"><parent link="base"/><child link="arm"/></joint>
"#;

fn urdf_error(extra: &str) -> ImportError {
    let text = format!("{TWO_LINKS}{extra}</robot>");
    urdf::parse(&text, "loop.urdf", ImportOptions::default()).unwrap_err()
}

#[test]
fn a_link_that_is_its_own_parent_is_named() {
    let error = urdf_error(
        r#"  <link name="hand"/>
  <joint name="wrist" type="fixed"><parent link="hand"/><child link="hand"/></joint>
"#,
    );
    let message = error.to_string();
    assert!(message.starts_with("loop.urdf:6:"), "{message}");
    assert!(
        message.contains("<joint>") && message.contains("\"hand\""),
        "{message}"
    );
    assert!(
        message.contains("\"wrist\"") && message.contains("its own parent"),
        "{message}"
    );
}

#[test]
fn a_loop_away_from_the_root_is_named() {
    let error = urdf_error(
        r#"  <link name="a"/>
  <link name="b"/>
  <joint name="ab" type="fixed"><parent link="a"/><child link="b"/></joint>
  <joint name="ba" type="fixed"><parent link="b"/><child link="a"/></joint>
"#,
    );
    let message = error.to_string();
    assert!(message.starts_with("loop.urdf:7:"), "{message}");
    for name in ["\"a\"", "\"b\"", "\"ab\"", "\"ba\"", "loop", "\"base\""] {
        assert!(message.contains(name), "{name}: {message}");
    }
    // With no root at all, the loop is named too.
    let text = r#"<robot name="r">
  <link name="a"/><link name="b"/>
  <joint name="ab" type="fixed"><parent link="a"/><child link="b"/></joint>
  <joint name="ba" type="fixed"><parent link="b"/><child link="a"/></joint>
</robot>"#;
    let message = urdf::parse(text, "loop.urdf", ImportOptions::default())
        .unwrap_err()
        .to_string();
    for name in ["\"a\"", "\"b\"", "\"ab\"", "\"ba\"", "loop"] {
        assert!(message.contains(name), "{name}: {message}");
    }
}

#[test]
fn unnamed_nested_bodies_get_distinct_names() {
    // The outer body is welded to the world, so before the inner one is read no body was
    // added: both would have been "body1".
    let text = model(
        r#"<body pos="0 0 1"><geom size="0.1"/>
      <body><joint type="hinge"/><geom size="0.1"/></body>
    </body>
    <body name="body1_2" pos="1 0 1"><freejoint/><geom size="0.1"/></body>"#,
    );
    let model = mjcf::parse(&text, "unnamed.xml", ImportOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = model
        .scene
        .bodies()
        .iter()
        .map(|b| b.name.as_str())
        .collect();
    assert_eq!(names.len(), 3);
    let distinct: std::collections::HashSet<&&str> = names.iter().collect();
    assert_eq!(distinct.len(), 3, "{names:?}");
    assert!(names.contains(&"body1_2"), "{names:?}");
}
