//! The plots: per scene, world-steps/s against the number of worlds on log-log axes, one line
//! per engine and backend (measured cells only), as `bench-SCENE.png` and `bench-SCENE.svg`.
//! Text is drawn with DejaVu Sans, compiled in (no system fonts needed).

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::cell::Status;
use super::matrix::SceneResult;

const FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
const SIZE: (u32, u32) = (900, 600);

/// The lines of a scene's plot: label and (N, world-steps/s) points.
type Lines = Vec<(String, Vec<(f64, f64)>)>;

fn lines(scene: &SceneResult) -> Lines {
    let mut lines: Lines = Vec::new();
    for cell in scene.cells.iter().filter(|c| c.status == Status::Ok) {
        let Some(rate) = cell.world_steps_per_second.filter(|r| *r > 0.0) else {
            continue;
        };
        let label = cell.label();
        let point = (cell.worlds as f64, rate);
        match lines.iter_mut().find(|(l, _)| *l == label) {
            Some((_, points)) => points.push(point),
            None => lines.push((label, vec![point])),
        }
    }
    lines
}

/// Each engine and backend's colour, the same in every plot.
fn color_of(label: &str) -> RGBColor {
    match label {
        "manyworlds cpu" => RGBColor(214, 39, 40),
        "manyworlds gpu" => RGBColor(255, 127, 14),
        "rapier cpu" => RGBColor(44, 160, 44),
        "mujoco lockstep" => RGBColor(31, 119, 180),
        "mujoco rollout" => RGBColor(148, 103, 189),
        _ => RGBColor(127, 127, 127),
    }
}

/// A tick label: 20000 → "20 k".
fn si(x: f64) -> String {
    let (scaled, prefix) = if x >= 1e6 {
        (x / 1e6, " M")
    } else if x >= 1e3 {
        (x / 1e3, " k")
    } else {
        (x, "")
    };
    let digits = if scaled >= 10.0 || scaled.fract() == 0.0 {
        0
    } else {
        1
    };
    format!("{scaled:.digits$}{prefix}")
}

/// A log axis' range around `values`: from the power of ten below the least to the one above
/// the greatest (1 to 10 when there are none).
fn log_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !lo.is_finite() || hi <= 0.0 {
        return (1.0, 10.0);
    }
    let lo = 10f64.powf(lo.log10().floor());
    let hi = 10f64.powf(hi.log10().ceil());
    if hi > lo {
        (lo, hi)
    } else {
        (lo, lo * 10.0)
    }
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    scene: &SceneResult,
    subtitle: &str,
) -> Result<(), String> {
    let error = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(error)?;
    let lines = lines(scene);
    let x = log_range(lines.iter().flat_map(|(_, p)| p.iter().map(|p| p.0)));
    let x = (x.0, x.1.max(x.0 * 10.0));
    let y = log_range(lines.iter().flat_map(|(_, p)| p.iter().map(|p| p.1)));
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("{}: world-steps/s ({subtitle})", scene.scene),
            ("sans-serif", 20),
        )
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d((x.0..x.1).log_scale(), (y.0..y.1).log_scale())
        .map_err(error)?;
    chart
        .configure_mesh()
        .x_desc("worlds N")
        .y_desc("world-steps/s")
        .label_style(("sans-serif", 14))
        .x_label_formatter(&|n| format!("{n:.0}"))
        .y_label_formatter(&|r| si(*r))
        .draw()
        .map_err(error)?;
    for (label, points) in &lines {
        let color = color_of(label);
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                color.stroke_width(2),
            ))
            .map_err(error)?
            .label(label.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
        chart
            .draw_series(points.iter().map(|&p| Circle::new(p, 4, color.filled())))
            .map_err(error)?;
    }
    if !lines.is_empty() {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .label_font(("sans-serif", 14))
            .draw()
            .map_err(error)?;
    }
    root.present().map_err(error)
}

/// Writes a scene's PNG and SVG into `dir` as `bench-STEM.png` and `.svg`; returns their paths.
pub fn write(
    dir: &Path,
    stem: &str,
    scene: &SceneResult,
    subtitle: &str,
) -> Result<[PathBuf; 2], String> {
    plotters::style::register_font("sans-serif", FontStyle::Normal, FONT)
        .map_err(|_| "the bundled font does not load".to_string())?;
    let png = dir.join(format!("bench-{stem}.png"));
    let svg = dir.join(format!("bench-{stem}.svg"));
    draw(
        BitMapBackend::new(&png, SIZE).into_drawing_area(),
        scene,
        subtitle,
    )
    .map_err(|e| format!("{}: {e}", png.display()))?;
    draw(
        SVGBackend::new(&svg, SIZE).into_drawing_area(),
        scene,
        subtitle,
    )
    .map_err(|e| format!("{}: {e}", svg.display()))?;
    Ok([png, svg])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels() {
        assert_eq!(si(20_000.0), "20 k");
        assert_eq!(si(2_500.0), "2.5 k");
        assert_eq!(si(3_000_000.0), "3 M");
        assert_eq!(si(50.0), "50");
    }

    #[test]
    fn log_ranges_cover_the_values() {
        assert_eq!(log_range([64.0, 1024.0].into_iter()), (10.0, 10000.0));
        assert_eq!(log_range(std::iter::empty()), (1.0, 10.0));
        assert_eq!(log_range([1.0].into_iter()), (1.0, 10.0));
    }
}
