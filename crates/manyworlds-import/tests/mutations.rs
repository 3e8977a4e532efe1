//! A brief deterministic fuzz: thousands of mutated copies of real models (bytes replaced,
//! deleted, duplicated; numbers swapped for extreme ones) are loaded; every one must come
//! back as a model or an error, never a panic, and a loaded model has only finite values.

use manyworlds_core::rng::splitmix64;
use manyworlds_core::scenes::builtin;
use manyworlds_import::{mjcf, scene_file, urdf, ImportOptions, Imported};

/// Counter-based draws (manyworlds' own SplitMix64).
struct Draws(u64);

impl Draws {
    fn next(&mut self) -> u64 {
        self.0 += 1;
        splitmix64(self.0)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const REPLACEMENTS: [&str; 10] = [
    "-1",
    "0",
    "1e38",
    "-1e38",
    "nan",
    "inf",
    "\"",
    "<",
    "/>",
    "1 2 3 4 5 6 7",
];

fn mutate(text: &str, draws: &mut Draws) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..1 + draws.below(4) {
        let at = draws.below(bytes.len());
        match draws.below(4) {
            0 => {
                let len = draws.below(16).min(bytes.len() - at);
                bytes.drain(at..at + len);
            }
            1 => {
                let len = draws.below(32).min(bytes.len() - at);
                let copy = bytes[at..at + len].to_vec();
                let to = draws.below(bytes.len());
                bytes.splice(to..to, copy);
            }
            2 => bytes[at] = b" <>/=\"'0-9ez."[draws.below(13)],
            _ => {
                let r = REPLACEMENTS[draws.below(REPLACEMENTS.len())].as_bytes();
                let len = draws.below(6).min(bytes.len() - at);
                bytes.splice(at..at + len, r.iter().copied());
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn check_finite(model: &Imported) {
    for body in model.scene.bodies() {
        assert!(
            body.pose.is_finite() && body.mass.mass.is_finite(),
            "{}",
            body.name
        );
    }
    assert!(model.params.dt.is_finite() && model.params.gravity.is_finite());
}

fn fuzz(file: &str, load: fn(&str) -> Option<Imported>, runs: u64) {
    let path = format!("{}/../../tests/assets/{file}", env!("CARGO_MANIFEST_DIR"));
    fuzz_text(&std::fs::read_to_string(path).unwrap(), load, runs);
}

fn fuzz_text(text: &str, load: fn(&str) -> Option<Imported>, runs: u64) {
    let mut draws = Draws(0x5EED);
    for _ in 0..runs {
        if let Some(model) = load(&mutate(text, &mut draws)) {
            check_finite(&model);
        }
    }
}

#[test]
fn mutated_mjcf_models_never_panic() {
    let load = |t: &str| mjcf::parse(t, "mutant.xml", ImportOptions::default()).ok();
    fuzz("gymnasium/ant.xml", load, 10_000);
    fuzz("gymnasium/humanoid.xml", load, 5_000);
}

#[test]
fn mutated_urdf_models_never_panic() {
    let load = |t: &str| urdf::parse(t, "mutant.urdf", ImportOptions::default()).ok();
    fuzz("urdf/rover.urdf", load, 10_000);
}

#[test]
fn mutated_scene_files_never_panic() {
    // What loads saves again: the checks on load leave nothing a file cannot hold.
    let load = |t: &str| {
        let model = scene_file::parse(t, "mutant.json").ok()?;
        scene_file::to_string(&model.scene, &model.params).expect("a loaded scene saves");
        Some(model)
    };
    let ant = builtin("ant").unwrap();
    let text = scene_file::to_string(&ant.scene, &ant.params).unwrap();
    fuzz_text(&text, load, 10_000);
}
