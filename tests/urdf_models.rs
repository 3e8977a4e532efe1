//! URDF robots: a pendulum on a fixed base swings with its analytic period (its explicit
//! inertia, a massless sensor link welded on), a floating rover falls as its centre of mass
//! must, and cylinders rest on their cap and on their side, on both backends.

mod common;

use common::{backends, name, sim_of, swing_period};
use manyworlds::import::{urdf, ImportOptions};
use manyworlds::{Shape, Vec3};

fn asset(file: &str) -> String {
    format!("{}/tests/assets/urdf/{file}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn urdf_pendulum_swings_with_its_analytic_period() {
    let options = ImportOptions {
        fixed_base: true,
        ..ImportOptions::default()
    };
    let imported = urdf::load(asset("pendulum.urdf"), options).expect("loads");
    let scene = &imported.scene;
    // The base is static, the imu welded into the bob: one joint, two bodies.
    assert_eq!(scene.body_count(), 2);
    assert_eq!(scene.joints().len(), 1);
    assert!(
        imported.warnings.mentions("effort"),
        "{}",
        imported.warnings
    );
    // T = 2π √(I / (m g L)), I = I_yy + m L² about the hinge.
    let (m, l, g) = (1.0f64, 1.0f64, 9.81f64);
    let period = 2.0 * std::f64::consts::PI * ((0.001 + m * l * l) / (m * g * l)).sqrt();
    let mut params = imported.params;
    params.dt = 0.001;
    for backend in backends("urdf_pendulum_swings_with_its_analytic_period") {
        let mut scene = imported.scene.clone();
        scene.set_initial_joint_positions(&[0.05]).unwrap();
        let mut sim = sim_of(scene, params, 1, &backend);
        let measured = swing_period(&mut sim, 3, period);
        assert!(
            (measured - period).abs() < 0.01 * period,
            "{}: period {measured} s, analytic {period} s",
            name(&backend)
        );
    }
}

#[test]
fn floating_rover_falls_freely_and_keeps_its_wheels() {
    let imported = urdf::load(asset("rover.urdf"), ImportOptions::default()).expect("loads");
    let scene = &imported.scene;
    assert_eq!(scene.joints().len(), 5, "a free base and four wheels");
    let total: f32 = scene.bodies().iter().map(|b| b.mass.mass).sum();
    assert!((total - 12.0).abs() < 1e-4, "mass {total} kg");
    let params = imported.params;
    let steps = 50;
    let t = params.dt * steps as f32;
    for backend in backends("floating_rover_falls_freely_and_keeps_its_wheels") {
        let mut sim = sim_of(scene.clone(), params, 2, &backend);
        let centre = |sim: &mut manyworlds::Sim| -> f32 {
            let bodies = sim.scene().bodies().to_vec();
            let positions = sim.positions().unwrap().to_vec();
            let orientations = sim.orientations().unwrap().to_vec();
            bodies
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    let com = positions[i] + orientations[i] * b.mass.center_of_mass;
                    com.z * b.mass.mass
                })
                .sum::<f32>()
                / total
        };
        let start = centre(&mut sim);
        sim.step_n(steps).unwrap();
        let drop = start - centre(&mut sim);
        // The internal joints do not change how the centre of mass falls: ½ g t².
        let expected = 0.5 * 9.81 * t * t;
        assert!(
            (drop - expected).abs() < 0.01 * expected,
            "{}: fell {drop} m, expected {expected} m",
            name(&backend)
        );
        let separation = sim.max_joint_separation().unwrap();
        assert!(
            separation < 1e-3,
            "{}: wheels {separation} m off",
            name(&backend)
        );
    }
}

#[test]
fn urdf_cylinders_rest_on_their_cap_and_on_their_side() {
    let imported = urdf::load(asset("cylinders.urdf"), ImportOptions::default()).expect("loads");
    let scene = &imported.scene;
    let cylinder = |link: &str| {
        let body = scene.body_index(link).expect("the link is a body");
        let collider = &scene.colliders()[scene.bodies()[body].colliders.start];
        (body, collider.shape, collider.pose.orientation * Vec3::Z)
    };
    // URDF's length is the whole length: half of it here; the lying one's axis along y.
    let (standing, shape, _) = cylinder("standing");
    assert_eq!(shape, Shape::cylinder(0.15, 0.1));
    let (lying, shape, local_axis) = cylinder("lying");
    assert_eq!(shape, Shape::cylinder(0.2, 0.08));
    assert!(local_axis.abs_diff_eq(-Vec3::Y, 1e-6), "axis {local_axis}");
    for backend in backends("urdf_cylinders_rest_on_their_cap_and_on_their_side") {
        let b = name(&backend);
        let mut sim = sim_of(scene.clone(), imported.params, 1, &backend);
        sim.step_n((1.0 / imported.params.dt).round() as usize)
            .unwrap();
        let positions = sim.positions().unwrap().to_vec();
        let orientations = sim.orientations().unwrap().to_vec();
        // Dropped 5 and 4 cm, they rest on the floor's top (z = 0) at their half-length and
        // their radius, their axes vertical and level.
        let z = positions[standing].z;
        let axis = orientations[standing] * Vec3::Z;
        assert!((z - 0.15).abs() < 2e-3, "{b}: the standing one at {z}");
        assert!(axis.z > 0.999, "{b}: the standing one's axis {axis}");
        let z = positions[lying].z;
        let axis = orientations[lying] * local_axis;
        assert!((z - 0.08).abs() < 2e-3, "{b}: the lying one at {z}");
        assert!(axis.z.abs() < 0.01, "{b}: the lying one's axis {axis}");
    }
}
