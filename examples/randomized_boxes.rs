//! Domain randomization on boxes sliding down an incline: each world draws its box's friction,
//! mass and size and its own gravity; prints the spread of the drawn values and of what became
//! of the boxes (those whose friction is below tan θ slide, the others hold).
//!
//! `cargo run --release --example randomized_boxes [worlds] [cpu|gpu]` (default 1024, cpu).

use manyworlds::{
    AdapterChoice, Axis, Backend, BodyDesc, ColliderDesc, Distribution, Mode, Pose, Quat,
    Randomization, Rule, SceneBuilder, Shape, Sim, SimOptions, StepParams, Target, Vec3,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let worlds: usize = match args.next() {
        Some(n) => n
            .parse()
            .map_err(|_| format!("worlds: expected a count, got '{n}'"))?,
        None => 1024,
    };
    let backend = match args.next().as_deref() {
        None | Some("cpu") => Backend::Cpu,
        Some("gpu") => Backend::Gpu(AdapterChoice::Auto),
        Some(other) => return Err(format!("backend: expected cpu or gpu, got '{other}'").into()),
    };

    // A slope of tan θ = 0.5 with friction 1; a contact's μ is sqrt(μ_box · 1).
    let theta = 0.5f32.atan();
    let tilt = Quat::from_rotation_x(theta);
    let down_slope = -(tilt * Vec3::Y);
    let scene = SceneBuilder::new()
        .body(
            BodyDesc::fixed("slope")
                .oriented(tilt)
                .collider(ColliderDesc::new(Shape::Plane).friction(1.0)),
        )
        .body(
            BodyDesc::dynamic("box")
                .at(tilt * Vec3::Z * 0.2)
                .oriented(tilt)
                .collider(ColliderDesc::new(Shape::cuboid(Vec3::splat(0.2))).density(500.0)),
        )
        .build()?;
    let uniform = |low, high| Distribution::Uniform { low, high };
    let randomization = Randomization {
        rules: vec![
            Rule::new(Target::Friction, uniform(0.09, 0.49), Mode::Absolute).named("box"),
            Rule::new(
                Target::Mass,
                Distribution::LogUniform {
                    low: 0.5,
                    high: 2.0,
                },
                Mode::Scale,
            )
            .named("box"),
            Rule::new(Target::Size, uniform(0.8, 1.2), Mode::Scale).named("box"),
            Rule::new(
                Target::Gravity { axis: Axis::Z },
                Distribution::Normal {
                    mean: -9.81,
                    std: 0.3,
                    low: -11.0,
                    high: -8.5,
                },
                Mode::Absolute,
            ),
        ],
        pushes: None,
    };
    let options = SimOptions {
        backend,
        randomization,
        seed: 2026,
        ..SimOptions::default()
    };
    let mut sim = Sim::new(scene, StepParams::default(), worlds, &options)?;
    println!("{worlds} worlds on {} ({})", sim.device(), sim.choice());

    let labels = sim.draw_labels();
    let mut drawn = vec![Vec::with_capacity(worlds); labels.len()];
    for w in 0..worlds {
        for (column, &x) in drawn.iter_mut().zip(&sim.world_draw(w)?.values) {
            column.push(x);
        }
    }
    println!("drawn:");
    for (label, values) in labels.iter().zip(&drawn) {
        println!("  {label:<28} {}", spread(values));
    }

    sim.step_n(20)?; // 0.2 s to land: a box starts where the unscaled one would rest
    let start: Vec<Pose> = poses(&mut sim)?;
    sim.step_n(100)?; // 1 s
    let end = poses(&mut sim)?;
    let stride = sim.stride();
    // Near the threshold a box still sliding from its landing stops only slowly.
    let bands = [
        (0.0, 0.45, "slide"),
        (0.45, 0.55, "near the threshold"),
        (0.55, 1.0, "hold"),
    ];
    let mut moved = vec![Vec::new(); bands.len()];
    for w in 0..worlds {
        let mu = sim.world_parameters(w)?.colliders[1]
            .material
            .friction
            .sqrt();
        let distance =
            (end[w * stride + 1].position - start[w * stride + 1].position).dot(down_slope);
        if let Some(b) = bands.iter().position(|&(lo, hi, _)| lo <= mu && mu < hi) {
            moved[b].push(distance);
        }
    }
    println!("in 1 s from 0.2 s on (tan θ = 0.5), distance down the slope, m:");
    for ((lo, hi, what), distances) in bands.iter().zip(&moved) {
        println!(
            "  μ in [{lo:.2}, {hi:.2}) ({what}): {:>5} boxes  {}",
            distances.len(),
            spread(distances)
        );
    }
    Ok(())
}

fn poses(sim: &mut Sim) -> Result<Vec<Pose>, manyworlds::SimError> {
    let positions = sim.positions()?.to_vec();
    let orientations = sim.orientations()?;
    Ok(positions
        .iter()
        .zip(orientations)
        .map(|(&p, &q)| Pose::new(p, q))
        .collect())
}

/// "min … mean … max" of `values` (metres for distances).
fn spread(values: &[f32]) -> String {
    if values.is_empty() {
        return "none".to_owned();
    }
    let min = values.iter().copied().fold(f32::MAX, f32::min);
    let max = values.iter().copied().fold(f32::MIN, f32::max);
    let mean = values.iter().sum::<f32>() / values.len() as f32;
    format!("min {min:>9.4}  mean {mean:>9.4}  max {max:>9.4}")
}
