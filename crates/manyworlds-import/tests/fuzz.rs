//! Structure-aware fuzzing of the three loaders (issue 21 item 6). Valid models (gymnasium
//! MJCF, URDFs, scene files of the built-in scenes) are mutated where their structure is:
//! numbers swapped for extremes, attributes and elements deleted, duplicated or nested
//! deeper, tags renamed, quotes removed, text truncated, odd characters inserted. Every case
//! must load as a scene with finite values (MJCF and URDF: that one CPU step keeps finite),
//! or be refused with an error naming the file (and,
//! for XML, a line when the fault has one); a panic or a slow case fails the test, naming the
//! case and its mutations, and writes the input under the target folder for the corpus.
//!
//! Deterministic: case `n` of a loader is the same every run. `MANYWORLDS_FUZZ_CASES` sets
//! the cases per loader (default [`DEFAULT_CASES`]), `MANYWORLDS_FUZZ_START` the first case
//! (to reproduce one: `MANYWORLDS_FUZZ_START=n MANYWORLDS_FUZZ_CASES=1`). Inputs that once
//! failed live in `tests/fuzz_seeds/` (`.xml` MJCF, `.urdf`, `.json` scene files) and are
//! replayed before the generated cases.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use manyworlds_core::rng::splitmix64;
use manyworlds_core::scenes::{builtin, BUILTIN_NAMES};
use manyworlds_core::{Pose, Shape};
use manyworlds_cpu::CpuBatch;
use manyworlds_import::{mjcf, scene_file, urdf, ImportError, ImportOptions, Imported};

/// Cases per loader in CI: the three loaders' 15 000 cases, stepping included, took 6.5 s
/// in all (the tests run in parallel) in the dev profile on the 2-core development machine.
const DEFAULT_CASES: u64 = 5000;

/// One case may take this long before it counts as a hang.
const SLOW: Duration = Duration::from_secs(2);

/// Counter-based draws (manyworlds' own SplitMix64), one stream per case.
struct Draws {
    key: u64,
    counter: u64,
}

impl Draws {
    fn new(loader: u64, case: u64) -> Self {
        Draws {
            key: splitmix64(loader ^ splitmix64(case)),
            counter: 0,
        }
    }

    fn next(&mut self) -> u64 {
        self.counter += 1;
        splitmix64(self.key ^ self.counter)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        (!items.is_empty()).then(|| &items[self.below(items.len())])
    }
}

/// Numbers that break naive arithmetic: zero and negative zero, the smallest f32 subnormal,
/// past f32's range, not-a-number, infinities, integers past u64, nothing.
const EXTREMES: [&str; 14] = [
    "0",
    "-0",
    "1e-45",
    "1e39",
    "-1e39",
    "1e400",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "18446744073709551616",
    "-9223372036854775809",
    "",
    "0x10",
];

/// Tag names the loaders know, to rename one element into another.
const TAGS: [&str; 20] = [
    "body",
    "geom",
    "joint",
    "freejoint",
    "inertial",
    "site",
    "worldbody",
    "default",
    "include",
    "option",
    "motor",
    "link",
    "collision",
    "visual",
    "geometry",
    "origin",
    "mass",
    "robot",
    "mujoco",
    "x",
];

/// Inserted as-is at a character boundary: markup, entities, controls, multi-byte text.
const INSERTS: [&str; 16] = [
    "<",
    ">",
    "\"",
    "'",
    "&",
    "&#0;",
    "&lt;",
    "\0",
    "\u{FEFF}",
    "é",
    "💥",
    "<!--",
    "]]>",
    "<!DOCTYPE x [<!ENTITY a \"aaaaaaaa\">]>",
    "\n\n\n",
    "=",
];

/// A span of the text: `start..end`.
type Span = (usize, usize);

/// Numbers: runs of `[0-9+-.eE]` not preceded by a name character, holding a digit.
fn numbers(text: &str) -> Vec<Span> {
    let b = text.as_bytes();
    let number_byte = |c: u8| c.is_ascii_digit() || b"+-.eE".contains(&c);
    let mut spans = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts = number_byte(b[i])
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'));
        if !starts {
            i += 1;
            continue;
        }
        let mut end = i;
        while end < b.len() && number_byte(b[end]) {
            end += 1;
        }
        if b[i..end].iter().any(u8::is_ascii_digit) {
            spans.push((i, end));
        }
        i = end;
    }
    spans
}

/// XML attributes with the whitespace before them: ` name="value"`.
fn attributes(text: &str) -> Vec<Span> {
    let b = text.as_bytes();
    let mut spans = Vec::new();
    for (eq, _) in text.match_indices("=\"") {
        let mut start = eq;
        while start > 0 && (b[start - 1].is_ascii_alphanumeric() || b"_:-".contains(&b[start - 1]))
        {
            start -= 1;
        }
        if start == eq || start == 0 || !b[start - 1].is_ascii_whitespace() {
            continue;
        }
        if let Some(close) = text[eq + 2..].find('"') {
            spans.push((start - 1, eq + 2 + close + 1));
        }
    }
    spans
}

/// An XML element: its whole span, and where its name is in the start tag and end tag
/// (none when self-closing).
struct Element {
    span: Span,
    name: Span,
    end_name: Option<Span>,
}

/// Elements found by matching start and end tags of the same name (nesting counted).
fn elements(text: &str) -> Vec<Element> {
    let b = text.as_bytes();
    let name_byte = |c: u8| c.is_ascii_alphanumeric() || b"_:-.".contains(&c);
    let mut found = Vec::new();
    for (lt, _) in text.match_indices('<') {
        let start = lt + 1;
        if start >= b.len() || !b[start].is_ascii_alphabetic() {
            continue;
        }
        let mut end = start;
        while end < b.len() && name_byte(b[end]) {
            end += 1;
        }
        let name = &text[start..end];
        let Some(gt) = text[end..].find('>').map(|g| end + g) else {
            continue;
        };
        if b[gt - 1] == b'/' {
            found.push(Element {
                span: (lt, gt + 1),
                name: (start, end),
                end_name: None,
            });
            continue;
        }
        // Find the matching `</name>`, counting nested `<name` of the same name.
        let (open, close) = (format!("<{name}"), format!("</{name}>"));
        let (mut depth, mut at) = (1usize, gt + 1);
        while depth > 0 {
            let next_open = text[at..].find(&open).map(|o| at + o).filter(|&o| {
                let after = o + open.len();
                after < b.len() && !name_byte(b[after])
            });
            let Some(next_close) = text[at..].find(&close).map(|c| at + c) else {
                break;
            };
            match next_open {
                Some(o) if o < next_close => {
                    depth += 1;
                    at = o + open.len();
                }
                _ => {
                    depth -= 1;
                    at = next_close + close.len();
                }
            }
        }
        if depth == 0 {
            let close_start = at - close.len() + 2;
            found.push(Element {
                span: (lt, at),
                name: (start, end),
                end_name: Some((close_start, close_start + name.len())),
            });
        }
    }
    found
}

/// A random character boundary of `text`.
fn boundary(text: &str, draws: &mut Draws) -> usize {
    let mut at = draws.below(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Applies one mutation to XML `text`; says what it did.
fn mutate_xml(text: &mut String, draws: &mut Draws) -> String {
    match draws.below(10) {
        0 | 1 => {
            let Some(&(s, e)) = draws.pick(&numbers(text)) else {
                return "no number".into();
            };
            let with = EXTREMES[draws.below(EXTREMES.len())];
            let what = format!("number {:?} at {s} -> {with:?}", &text[s..e]);
            text.replace_range(s..e, with);
            what
        }
        2 => {
            let Some(&(s, e)) = draws.pick(&attributes(text)) else {
                return "no attribute".into();
            };
            let what = format!("delete attribute {:?} at {s}", text[s..e].trim());
            text.replace_range(s..e, "");
            what
        }
        3 => {
            let Some(&(s, e)) = draws.pick(&attributes(text)) else {
                return "no attribute".into();
            };
            let copy = text[s..e].to_string();
            text.insert_str(e, &copy);
            format!("duplicate attribute {:?} at {s}", copy.trim())
        }
        4 | 5 => {
            let all = elements(text);
            let Some(element) = draws.pick(&all) else {
                return "no element".into();
            };
            let (s, e) = element.span;
            let name = text[element.name.0..element.name.1].to_string();
            match draws.below(3) {
                0 => {
                    let copy = text[s..e].to_string();
                    text.insert_str(e, &copy);
                    format!("duplicate <{name}> at {s}")
                }
                1 => {
                    text.replace_range(s..e, "");
                    format!("delete <{name}> at {s}")
                }
                _ => {
                    // Wrapped in an element of its own name, `levels` deep.
                    let levels = 1 + draws.below(40);
                    let inner = text[s..e].to_string();
                    let wrapped = format!(
                        "{}{inner}{}",
                        format!("<{name}>").repeat(levels),
                        format!("</{name}>").repeat(levels)
                    );
                    text.replace_range(s..e, &wrapped);
                    format!("nest <{name}> at {s} {levels} deeper")
                }
            }
        }
        6 => {
            let all = elements(text);
            let Some(element) = draws.pick(&all) else {
                return "no element".into();
            };
            let to = TAGS[draws.below(TAGS.len())];
            let old = text[element.name.0..element.name.1].to_string();
            // Both tags, or only the start tag (then the XML is malformed).
            if let Some((cs, ce)) = element.end_name.filter(|_| draws.below(4) != 0) {
                text.replace_range(cs..ce, to);
            }
            text.replace_range(element.name.0..element.name.1, to);
            format!("rename <{old}> at {} to <{to}>", element.span.0)
        }
        7 => {
            let quotes: Vec<usize> = text.match_indices('"').map(|(i, _)| i).collect();
            let Some(&at) = draws.pick(&quotes) else {
                return "no quote".into();
            };
            text.remove(at);
            format!("remove quote at {at}")
        }
        8 => {
            let at = boundary(text, draws);
            text.truncate(at);
            format!("truncate at {at}")
        }
        _ => {
            let at = boundary(text, draws);
            let what = INSERTS[draws.below(INSERTS.len())];
            text.insert_str(at, what);
            format!("insert {what:?} at {at}")
        }
    }
}

/// Applies one mutation to a scene file: a JSON value changed in place, else as XML text.
fn mutate_json(text: &mut String, draws: &mut Draws) -> String {
    if draws.below(2) == 0 {
        if let Ok(mut value) = serde_json::from_str::<serde_json::Value>(text) {
            let what = mutate_value(&mut value, draws);
            *text = serde_json::to_string_pretty(&value).unwrap();
            return what;
        }
    }
    mutate_xml(text, draws)
}

/// Walks to a random value and deletes, duplicates, wraps, retypes or renames something.
fn mutate_value(root: &mut serde_json::Value, draws: &mut Draws) -> String {
    use serde_json::Value;
    // Descend a random depth (read-only), then change the value at that JSON pointer.
    let mut path = String::new();
    let mut at: &Value = root;
    while draws.below(6) != 0 {
        let next = match at {
            Value::Array(items) if !items.is_empty() => {
                let i = draws.below(items.len());
                path += &format!("/{i}");
                &items[i]
            }
            Value::Object(map) if !map.is_empty() => {
                let key = map.keys().nth(draws.below(map.len())).unwrap();
                path += &format!("/{}", key.replace('~', "~0").replace('/', "~1"));
                &map[key]
            }
            _ => break,
        };
        at = next;
    }
    let value = root.pointer_mut(&path).unwrap();
    match (draws.below(6), &mut *value) {
        (0, Value::Object(map)) if !map.is_empty() => {
            let key = map.keys().nth(draws.below(map.len())).unwrap().clone();
            map.remove(&key);
            format!("delete {path}/{key}")
        }
        (1, Value::Object(map)) if !map.is_empty() => {
            let key = map.keys().nth(draws.below(map.len())).unwrap().clone();
            let moved = map.remove(&key).unwrap();
            map.insert(format!("{key}_"), moved);
            format!("rename {path}/{key}")
        }
        (0 | 1, Value::Array(items)) if !items.is_empty() => {
            let i = draws.below(items.len());
            if draws.below(2) == 0 {
                items.remove(i);
                format!("delete {path}/{i}")
            } else {
                let copy = items[i].clone();
                items.insert(i, copy);
                format!("duplicate {path}/{i}")
            }
        }
        (2, v) => {
            let levels = 1 + draws.below(40);
            for _ in 0..levels {
                *v = Value::Array(vec![v.take()]);
            }
            format!("nest {path} {levels} deeper")
        }
        (3, v) => {
            let with = match draws.below(6) {
                0 => Value::Null,
                1 => Value::Bool(true),
                2 => Value::String("NaN".into()),
                3 => Value::Array(vec![]),
                4 => serde_json::json!({}),
                _ => serde_json::json!(u64::MAX),
            };
            let what = format!("retype {path} -> {with}");
            *v = with;
            what
        }
        (_, v) => {
            let with = [0.0, -0.0, 1e-45, 1e39, -1e39, f64::MAX, f64::MIN_POSITIVE][draws.below(7)];
            let what = format!("number {path} -> {with:e}");
            *v = serde_json::json!(with);
            what
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Loader {
    Mjcf,
    Urdf,
    Scene,
}

impl Loader {
    fn name(self) -> &'static str {
        match self {
            Loader::Mjcf => "mjcf",
            Loader::Urdf => "urdf",
            Loader::Scene => "scene",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Loader::Mjcf => "xml",
            Loader::Urdf => "urdf",
            Loader::Scene => "json",
        }
    }

    /// Loads `text` as if it were the file `file`; bit 0 of `flags` makes it lenient, bit 1
    /// fixed-base.
    fn load(self, text: &str, file: &Path, flags: u64) -> Result<Imported, ImportError> {
        let options = ImportOptions {
            lenient: flags & 1 != 0,
            fixed_base: flags & 2 != 0,
            ..ImportOptions::default()
        };
        match self {
            Loader::Mjcf => mjcf::parse(text, file, options),
            Loader::Urdf => urdf::parse(text, file, options),
            Loader::Scene => scene_file::parse(text, file),
        }
    }
}

fn finite_pose(pose: &Pose) -> bool {
    pose.is_finite()
}

fn not_nan(pair: Option<(f32, f32)>) -> bool {
    pair.is_none_or(|(a, b)| !a.is_nan() && !b.is_nan())
}

/// What is wrong with a loaded model: a value that would make the step non-finite.
fn unfinite(model: &Imported) -> Option<String> {
    let scene = &model.scene;
    for body in scene.bodies() {
        let m = &body.mass;
        let ok = finite_pose(&body.pose)
            && body.linear_velocity.is_finite()
            && body.angular_velocity.is_finite()
            && m.mass.is_finite()
            && m.center_of_mass.is_finite()
            && m.inertia.is_finite()
            && body.inverse_mass.is_finite()
            && body.inverse_inertia.is_finite();
        if !ok {
            return Some(format!("body {:?}: {body:?}", body.name));
        }
    }
    for joint in scene.joints() {
        let ok = finite_pose(&joint.frame_in_parent)
            && finite_pose(&joint.frame_in_child)
            && not_nan(joint.limits)
            && not_nan(joint.limit_softness)
            && joint.damping.is_finite()
            && joint.armature.is_finite()
            && joint.stiffness.is_finite()
            && joint.spring_reference.is_finite();
        if !ok {
            return Some(format!("joint {:?}: {joint:?}", joint.name));
        }
    }
    for (i, collider) in scene.colliders().iter().enumerate() {
        let size_ok = match collider.shape {
            Shape::Plane => true,
            Shape::Sphere { radius } => radius.is_finite(),
            Shape::Capsule {
                half_length,
                radius,
            }
            | Shape::Cylinder {
                half_length,
                radius,
            } => half_length.is_finite() && radius.is_finite(),
            Shape::Cuboid { half_extents } => half_extents.is_finite(),
            Shape::Hull { scale, .. } => scale.is_finite(),
        };
        let ok = size_ok
            && finite_pose(&collider.pose)
            && collider.material.friction.is_finite()
            && collider.material.restitution.is_finite();
        if !ok {
            return Some(format!("collider {i}: {collider:?}"));
        }
    }
    for actuator in scene.actuators() {
        let gains = match actuator.kind {
            manyworlds_core::ActuatorKind::Motor => true,
            manyworlds_core::ActuatorKind::Position { kp, kv } => kp.is_finite() && kv.is_finite(),
            manyworlds_core::ActuatorKind::Velocity { kv } => kv.is_finite(),
        };
        let ok = gains
            && actuator.gear.is_finite()
            && not_nan(actuator.control_range)
            && !actuator.force_limit.is_some_and(f32::is_nan);
        if !ok {
            return Some(format!("actuator {:?}: {actuator:?}", actuator.name));
        }
    }
    let p = &model.params;
    (!(p.dt.is_finite() && p.gravity.is_finite())).then(|| format!("params: {p:?}"))
}

/// What is wrong with the outcome of one load, if anything.
fn judge(
    loader: Loader,
    file: &Path,
    outcome: std::thread::Result<Result<Imported, ImportError>>,
) -> Option<String> {
    match outcome {
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("?");
            Some(format!("panicked: {message}"))
        }
        Ok(Err(error)) => {
            let message = error.to_string();
            let name = file.file_name().unwrap().to_string_lossy();
            if !message.contains(&*name) {
                return Some(format!("error does not name the file: {message}"));
            }
            // XML: a fault in the text has a line; a scene, step parameters or a budget that
            // fail as a whole name the file only.
            let whole = matches!(
                error,
                ImportError::Scene { .. }
                    | ImportError::Params { .. }
                    | ImportError::OverBudget { .. }
                    | ImportError::Randomization { .. }
            );
            if loader != Loader::Scene && !whole && error.location().is_none_or(|l| l.line == 0) {
                return Some(format!("XML error without a line: {message}"));
            }
            None
        }
        Ok(Ok(model)) => {
            if let Some(what) = unfinite(&model) {
                return Some(format!("loaded a non-finite value: {what}"));
            }
            // One step on the CPU backend stays finite (a scene without bodies has none). Not
            // for scene files: they hold any scene core's builder accepts, bit for bit (see
            // `awkward_numbers_keep_their_bits`), so how far a step reaches is core's to check.
            let stepped = catch_unwind(AssertUnwindSafe(|| {
                if model.scene.body_count() == 0 || loader == Loader::Scene {
                    return Ok(());
                }
                let mut batch = CpuBatch::new(model.scene.clone(), model.params, 1)
                    .map_err(|e| format!("the CPU backend refuses it: {e}"))?;
                batch.step();
                match batch.non_finite_worlds().is_empty() {
                    true => Ok(()),
                    false => Err("one step went non-finite".to_string()),
                }
            }));
            match stepped {
                Ok(Ok(())) => {}
                Ok(Err(what)) => return Some(format!("loaded, but {what}")),
                Err(_) => return Some("loaded, but the step panicked".into()),
            }
            if loader == Loader::Scene {
                // What loads saves again.
                if let Err(error) = scene_file::to_string(&model.scene, &model.params) {
                    return Some(format!("loaded but does not save: {error}"));
                }
            }
            None
        }
    }
}

/// Runs one input; a problem comes back described, with the input written out.
fn run_case(
    loader: Loader,
    text: &str,
    file: &Path,
    label: &str,
    flags: u64,
    loaded: &mut u64,
) -> Option<String> {
    let started = Instant::now();
    let outcome = catch_unwind(AssertUnwindSafe(|| loader.load(text, file, flags)));
    let took = started.elapsed();
    *loaded += matches!(outcome, Ok(Ok(_))) as u64;
    let problem =
        judge(loader, file, outcome).or_else(|| (took > SLOW).then(|| format!("took {took:?}")))?;
    let folder = failures_folder();
    std::fs::create_dir_all(&folder).unwrap();
    let saved = folder.join(format!("{}-{label}.{}", loader.name(), loader.extension()));
    std::fs::write(&saved, text).unwrap();
    Some(format!(
        "{label}: {problem}\n  input: {} (copy into tests/fuzz_seeds/ once fixed)",
        saved.display()
    ))
}

fn failures_folder() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
        .join("fuzz-failures")
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name}={v:?} is not a count"))
        })
        .unwrap_or(default)
}

fn assets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/assets")
}

fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_seeds")
}

/// Replays the corpus's seeds for `loader`, then fuzzes from each base (path, text).
fn fuzz(loader: Loader, bases: &[(PathBuf, String)]) {
    let mut failures = Vec::new();
    let mut corpus: Vec<PathBuf> = std::fs::read_dir(seeds())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == loader.extension()))
        .collect();
    corpus.sort();
    for seed in &corpus {
        let text = std::fs::read_to_string(seed).unwrap();
        let label = format!("seed {}", seed.file_name().unwrap().to_string_lossy());
        // Each seed is loaded with every combination of options.
        for flags in 0..4 {
            failures.extend(run_case(loader, &text, seed, &label, flags, &mut 0));
        }
    }
    let salt = loader as u64 + 1;
    let start = env_u64("MANYWORLDS_FUZZ_START", 0);
    let cases = env_u64("MANYWORLDS_FUZZ_CASES", DEFAULT_CASES);
    let started = Instant::now();
    let mut loaded = 0;
    for case in start..start + cases {
        let mut draws = Draws::new(salt, case);
        let (path, base) = &bases[draws.below(bases.len())];
        let mut text = base.clone();
        let mut what = Vec::new();
        for _ in 0..1 + draws.below(3) {
            what.push(match loader {
                Loader::Scene => mutate_json(&mut text, &mut draws),
                _ => mutate_xml(&mut text, &mut draws),
            });
        }
        let label = format!("case-{case}");
        if let Some(problem) = run_case(loader, &text, path, &label, draws.next(), &mut loaded) {
            failures.push(format!(
                "{problem}\n  base {}, mutations: {}",
                path.file_name().unwrap().to_string_lossy(),
                what.join("; ")
            ));
        }
    }
    eprintln!(
        "{}: {} seeds, {cases} cases ({loaded} loaded) in {:?}",
        loader.name(),
        corpus.len(),
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "{} failing {} inputs (MANYWORLDS_FUZZ_START=n MANYWORLDS_FUZZ_CASES=1 reruns case n):\n{}",
        failures.len(),
        loader.name(),
        failures.join("\n")
    );
}

fn read_bases(folder: &Path, extension: &str) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let mut stack = vec![folder.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == extension) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect()
}

#[test]
fn mjcf_loader_survives_structured_mutations() {
    fuzz(
        Loader::Mjcf,
        &read_bases(&assets().join("gymnasium"), "xml"),
    );
}

#[test]
fn urdf_loader_survives_structured_mutations() {
    let mut bases = read_bases(&assets().join("urdf"), "urdf");
    bases.extend(read_bases(&assets().join("pybullet_data"), "urdf"));
    fuzz(Loader::Urdf, &bases);
}

#[test]
fn scene_file_loader_survives_structured_mutations() {
    let bases: Vec<_> = BUILTIN_NAMES
        .iter()
        .map(|name| {
            let built = builtin(name).unwrap();
            let text = scene_file::to_string(&built.scene, &built.params).unwrap();
            (PathBuf::from(format!("{name}.json")), text)
        })
        .collect();
    fuzz(Loader::Scene, &bases);
}

#[test]
fn a_number_past_f32_range_is_refused_with_its_line() {
    // Found by the fuzzer: gravity="1e39 0 -9.81" loaded as an infinite gravity.
    let path = seeds().join("mjcf-gravity-past-f32.xml");
    let text = std::fs::read_to_string(&path).unwrap();
    let error = mjcf::parse(&text, &path, ImportOptions::default()).unwrap_err();
    assert_eq!(error.location().map(|l| l.line), Some(2), "{error}");
    assert!(
        matches!(error.problem(), Some(manyworlds_import::Problem::BadValue { attribute, .. }) if attribute == "gravity"),
        "{error}"
    );
}

#[test]
fn lengths_a_step_cannot_hold_are_refused() {
    // Found by the fuzzer: these loaded, and one step went non-finite.
    for (seed, what) in [
        ("mjcf-body-beyond-reach.xml", "position"),
        ("mjcf-capsule-subnormal-radius.xml", "radius"),
        ("urdf-origin-beyond-reach.urdf", "position"),
        ("mjcf-slide-ref-beyond-reach.xml", "limits"),
    ] {
        let path = seeds().join(seed);
        let text = std::fs::read_to_string(&path).unwrap();
        let error = match seed.ends_with(".xml") {
            true => mjcf::parse(&text, &path, ImportOptions::default()),
            false => urdf::parse(&text, &path, ImportOptions::default()),
        }
        .unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains(seed) && message.contains(what),
            "{message}"
        );
    }
}
