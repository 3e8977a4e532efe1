//! MJCF joint limits as MuJoCo has them: ranges anywhere on the real line, shifted by `ref`,
//! and soft as `solreflimit` and `solimplimit` say (mapped onto a natural frequency and damping
//! ratio).

use manyworlds_import::mjcf::parse;
use manyworlds_import::{ImportError, ImportOptions, Imported};
use std::f32::consts::TAU;

/// One hinge with `attributes`, in a model of time step `timestep`.
fn hinge(attributes: &str, timestep: f32) -> Result<Imported, ImportError> {
    let text = format!(
        r#"<mujoco>
  <option timestep="{timestep}"/>
  <worldbody>
    <body name="arm">
      <joint name="hinge" axis="0 1 0" limited="true" {attributes}/>
      <geom type="capsule" fromto="0 0 0 0.5 0 0" size="0.05"/>
    </body>
  </worldbody>
</mujoco>"#
    );
    parse(&text, "model.xml", ImportOptions::default())
}

fn softness(attributes: &str, timestep: f32) -> (f32, f32) {
    hinge(attributes, timestep).unwrap().scene.joints()[0]
        .limit_softness
        .expect("limits are soft")
}

fn close(a: (f32, f32), b: (f32, f32)) -> bool {
    (a.0 - b.0).abs() < 1e-4 * b.0 && (a.1 - b.1).abs() < 1e-5
}

#[test]
fn solreflimit_maps_onto_a_frequency_and_damping_ratio() {
    // At impedance d a violated limit is a spring–damper of d/(1 − d) times MuJoCo's k and b:
    // ω = 1 / (τ ζ √(1 − d)), damping ratio ζ / √(1 − d); MuJoCo's default d is 0.95.
    let s = |d: f32| (1.0 - d).sqrt();
    // The defaults (0.02 s, 1; d = 0.95): ω = 50 / √0.05 rad/s.
    let default = softness(r#"range="-30 30""#, 0.002);
    assert!(
        close(default, (50.0 / s(0.95) / TAU, 1.0 / s(0.95))),
        "{default:?}"
    );
    // τ = 0.05 s, ζ = 0.5, d = 0.5: ω = 40 / √0.5 rad/s, damping ratio 0.5 / √0.5.
    let given = softness(
        r#"range="-30 30" solreflimit="0.05 0.5" solimplimit="0.4 0.5 0.01""#,
        0.002,
    );
    assert!(
        close(given, (40.0 / s(0.5) / TAU, 0.5 / s(0.5))),
        "{given:?}"
    );
    // Direct stiffness and damping: k = 400, b = 10, d = 0.75: ω = √(k / 0.25) = 40 rad/s,
    // damping ratio b / (2 √(k · 0.25)) = 0.5.
    let direct = softness(
        r#"range="-30 30" solreflimit="-400 -10" solimplimit="0.7 0.75 0.001 0.5 2""#,
        0.002,
    );
    assert!(close(direct, (40.0 / TAU, 0.5)), "{direct:?}");
    // A time constant below twice the step is raised to it (MuJoCo's refsafe).
    let safe = softness(r#"range="-30 30" solreflimit="0.01 1""#, 0.02);
    assert!(
        close(safe, (25.0 / s(0.95) / TAU, 1.0 / s(0.95))),
        "{safe:?}"
    );
    // solimplimit takes three to five numbers.
    let error = hinge(r#"range="-30 30" solimplimit="0.9 0.95""#, 0.002).unwrap_err();
    assert!(error.to_string().contains("solimplimit"), "{error}");
}

#[test]
fn a_bad_solreflimit_is_refused_with_its_line() {
    let error = hinge(r#"range="-30 30" solreflimit="0.02 -1""#, 0.002).unwrap_err();
    let text = error.to_string();
    assert!(
        text.starts_with("model.xml:5:") && text.contains("solreflimit"),
        "{text}"
    );
}

#[test]
fn ranges_beyond_half_a_turn_pass_through_shifted_by_ref() {
    // ±200° about ref 90°: [−290°, 110°] from the pose the file gives.
    let imported = hinge(r#"range="-200 200" ref="90""#, 0.002).unwrap();
    let (lower, upper) = imported.scene.joints()[0].limits.unwrap();
    let degree = TAU / 360.0;
    assert!(
        (lower + 290.0 * degree).abs() < 1e-4 && (upper - 110.0 * degree).abs() < 1e-4,
        "[{lower}, {upper}]"
    );
}
