//! Contact forces read out after a step, on both backends: a box resting on the ground is held
//! by its weight, spread over the four corners of its face, with no net torque; a box pressed
//! into a wall by a sideways pull feels the wall push back with exactly that pull and the
//! ground with its weight.

mod common;
use common::*;
use manyworlds::{BodyDesc, ColliderDesc, Quat, Shape, StepParams, Vec3};

const HALF: f32 = 0.2;

fn crate_at(position: Vec3) -> BodyDesc {
    BodyDesc::dynamic("crate")
        .at(position)
        .collider(ColliderDesc::new(Shape::cuboid(Vec3::splat(HALF))).friction(0.0))
}

#[test]
fn a_resting_box_is_held_by_its_weight() {
    for backend in backends("a_resting_box_is_held_by_its_weight") {
        let b = name(&backend);
        let mut sim = sim(
            vec![ground(0.5, 0.0), crate_at(Vec3::new(0.0, 0.0, HALF))],
            StepParams::default(),
            2,
            &backend,
        );
        run_for(&mut sim, 1.0);
        let weight = sim.scene().bodies()[1].mass.mass * 9.81;
        let contacts = sim.contacts(1).expect("contacts");
        assert_eq!(contacts.len(), 4, "{b}: {contacts:?}");
        let mut total = 0.0;
        for c in &contacts {
            assert_eq!((c.body_a, c.body_b), (0, 1), "{b}: the ground is A");
            assert!(
                (c.normal - Vec3::Z).length() < 1e-5,
                "{b}: normal {}",
                c.normal
            );
            assert!(
                c.position.z.abs() < 2e-3 && (c.position.x.abs() - HALF).abs() < 1e-3,
                "{b}: a point off the bottom corners: {}",
                c.position
            );
            total += c.normal_force;
        }
        assert!(
            (total - weight).abs() < 0.01 * weight,
            "{b}: the ground holds {total} N, the box weighs {weight} N"
        );
        let net = sim.body_contact_forces(1).expect("forces");
        assert!(
            (net[1].force - Vec3::Z * weight).length() < 0.01 * weight,
            "{b}: net contact force on the box {}",
            net[1].force
        );
        assert!(
            net[1].torque.length() < 0.01 * weight * HALF,
            "{b}: net contact torque on the box {}",
            net[1].torque
        );
        assert!(
            (net[0].force + net[1].force).length() < 1e-3 * weight,
            "{b}: the ground takes the opposite force"
        );
    }
}

#[test]
fn a_box_pulled_into_a_wall_feels_the_wall_push_back() {
    // Gravity tilted 3 m/s² towards −x presses the box into a wall facing +x at x = 0; with
    // no friction anywhere the wall carries the whole sideways pull, the ground the weight.
    for backend in backends("a_box_pulled_into_a_wall_feels_the_wall_push_back") {
        let b = name(&backend);
        let wall = BodyDesc::fixed("wall")
            .oriented(Quat::from_rotation_y(std::f32::consts::FRAC_PI_2))
            .collider(ColliderDesc::new(Shape::Plane).friction(0.0));
        let params = StepParams {
            gravity: Vec3::new(-3.0, 0.0, -9.81),
            ..StepParams::default()
        };
        let mut sim = sim(
            vec![
                ground(0.0, 0.0),
                wall,
                crate_at(Vec3::new(HALF + 0.01, 0.0, HALF)),
            ],
            params,
            1,
            &backend,
        );
        run_for(&mut sim, 1.0);
        let mass = sim.scene().bodies()[2].mass.mass;
        let contacts = sim.contacts(0).expect("contacts");
        let on = |body: usize| -> f32 {
            contacts
                .iter()
                .filter(|c| c.body_a == body && c.body_b == 2)
                .map(|c| c.normal_force)
                .sum()
        };
        let (ground_force, wall_force) = (on(0), on(1));
        assert!(
            (wall_force - 3.0 * mass).abs() < 0.01 * 3.0 * mass,
            "{b}: the wall pushes {wall_force} N, the pull is {} N",
            3.0 * mass
        );
        assert!(
            (ground_force - 9.81 * mass).abs() < 0.01 * 9.81 * mass,
            "{b}: the ground pushes {ground_force} N, the weight is {} N",
            9.81 * mass
        );
        let net = sim.body_contact_forces(0).expect("forces")[2].force;
        let expected = Vec3::new(3.0, 0.0, 9.81) * mass;
        assert!(
            (net - expected).length() < 0.01 * expected.length(),
            "{b}: net contact force {net}, expected {expected}"
        );
    }
}
