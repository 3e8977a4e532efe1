//! MJCF joint limits as MuJoCo has them: ranges anywhere on the real line, shifted by `ref`,
//! and soft as `solreflimit` and `solimplimit` say (the reference spring at full impedance and
//! the impedance curve).

use manyworlds_core::Impedance;
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

fn soft_limit(attributes: &str, timestep: f32) -> ((f32, f32), Impedance) {
    let imported = hinge(attributes, timestep).unwrap();
    let joint = &imported.scene.joints()[0];
    (
        joint.limit_softness.expect("limits are soft"),
        joint.limit_impedance,
    )
}

fn close(a: (f32, f32), b: (f32, f32)) -> bool {
    (a.0 - b.0).abs() < 1e-4 * b.0 && (a.1 - b.1).abs() < 1e-5
}

#[test]
fn solreflimit_and_solimplimit_map_onto_the_reference_spring_and_impedance() {
    // At full impedance MuJoCo's reference is a spring–damper of ω = 1 / (τ ζ) and damping
    // ratio ζ. The defaults (0.02 s, 1; 0.9 0.95 0.001 0.5 2): ω = 50 rad/s.
    let (default, impedance) = soft_limit(r#"range="-30 30""#, 0.002);
    assert!(close(default, (50.0 / TAU, 1.0)), "{default:?}");
    assert_eq!(impedance, Impedance::default());
    // τ = 0.05 s, ζ = 0.5: ω = 40 rad/s; three impedance numbers, the rest MuJoCo's defaults.
    let (given, impedance) = soft_limit(
        r#"range="-30 30" solreflimit="0.05 0.5" solimplimit="0.4 0.5 0.01""#,
        0.002,
    );
    assert!(close(given, (40.0 / TAU, 0.5)), "{given:?}");
    assert_eq!(
        impedance,
        Impedance {
            min: 0.4,
            max: 0.5,
            width: 0.01,
            ..Impedance::default()
        }
    );
    // Direct stiffness and damping: k = 1600, b = 40: ω = 40 rad/s, damping ratio
    // b / (2ω) = 0.5; all five impedance numbers, clamped to MuJoCo's bounds.
    let (direct, impedance) = soft_limit(
        r#"range="-30 30" solreflimit="-1600 -40" solimplimit="0.7 1 0.002 0.3 3""#,
        0.002,
    );
    assert!(close(direct, (40.0 / TAU, 0.5)), "{direct:?}");
    assert_eq!(
        impedance,
        Impedance {
            min: 0.7,
            max: Impedance::HIGHEST,
            width: 0.002,
            midpoint: 0.3,
            power: 3.0,
        }
    );
    // A time constant below twice the step is raised to it (MuJoCo's refsafe).
    let (safe, _) = soft_limit(r#"range="-30 30" solreflimit="0.01 1""#, 0.02);
    assert!(close(safe, (25.0 / TAU, 1.0)), "{safe:?}");
    // solimplimit takes three to five numbers, and a power of at least 1.
    let error = hinge(r#"range="-30 30" solimplimit="0.9 0.95""#, 0.002).unwrap_err();
    assert!(error.to_string().contains("solimplimit"), "{error}");
    let error = hinge(
        r#"range="-30 30" solimplimit="0.9 0.95 0.001 0.5 0.5""#,
        0.002,
    )
    .unwrap_err();
    assert!(error.to_string().contains("power"), "{error}");
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
