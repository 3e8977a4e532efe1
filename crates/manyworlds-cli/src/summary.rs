//! The outcome of a run: how fast it went and how plausible the final state is, printed for a
//! human or as one JSON object.

use std::fmt;

use serde::Serialize;

use crate::backend::BackendChoice;

/// Everything `manyworlds run` reports. Field names carry their units; serialised as is, but
/// for measured figures that are not finite (an overflowing speed), which JSON cannot hold as
/// numbers: they are written as the strings "inf", "-inf" or "NaN", not as null.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub scene: String,
    /// The backend that stepped the worlds: "cpu" or "gpu".
    pub backend: String,
    /// CPU threads, or the GPU adapter's name.
    pub device: String,
    /// The backend asked for with `--backend`.
    pub backend_requested: BackendChoice,
    /// Why `backend` was chosen.
    pub backend_reason: String,
    /// Worker threads of the pool that stepped the worlds.
    pub threads: usize,
    pub worlds: usize,
    pub steps: u32,
    pub dt_s: f32,
    /// Simulated time of every world: steps × dt.
    pub simulated_time_s: f32,
    /// Creating the simulation (not included in `wall_time_s`).
    pub setup_time_s: f64,
    /// Creating the simulation and taking its first step (state back on the host).
    pub cold_start_s: f64,
    /// Steps timed by `wall_time_s`: all but the first (which is in the cold start).
    pub timed_steps: u32,
    /// Wall-clock time of the timed steps, state back on the host at the end.
    pub wall_time_s: f64,
    #[serde(serialize_with = "number_or_text")]
    pub world_steps_per_second: f64,
    pub dynamic_bodies_per_world: usize,
    /// World-steps per second × dynamic bodies per world.
    #[serde(serialize_with = "number_or_text")]
    pub body_steps_per_second: f64,
    /// Backend memory per world (state, contact memory, shares of scratch).
    pub memory_per_world_bytes: usize,
    /// Deepest point of any dynamic collider below a static plane, at the end.
    #[serde(serialize_with = "number_or_text")]
    pub max_penetration_m: f32,
    /// Fastest dynamic body at the end.
    #[serde(serialize_with = "number_or_text")]
    pub max_speed_m_per_s: f32,
    /// Share (0 to 1) of dynamic bodies slower than `rest_speed_m_per_s` at the end.
    pub resting_fraction: f32,
    pub rest_speed_m_per_s: f32,
    /// Dynamic bodies whose origin is below a static plane at the end.
    pub bodies_below_ground: usize,
    /// Worlds whose state stopped being finite (the batch freezes them); the figures above
    /// are over the other worlds.
    pub non_finite_worlds: usize,
    /// The first world that went non-finite and the body that did first.
    pub first_non_finite: Option<NonFiniteWorld>,
    /// Contact points solved in the last step, over all worlds.
    pub contact_points_last_step: u64,
    /// GPU: constraint slots per world, and how often they had to grow during the run.
    pub contact_capacity_per_world: Option<usize>,
    pub capacity_growths: u32,
    pub joints_per_world: usize,
    /// Largest anchor separation of any joint in any world at the end (scenes with joints).
    #[serde(serialize_with = "optional_number_or_text")]
    pub max_joint_separation_m: Option<f32>,
    pub actuators_per_world: usize,
    /// Seed of the random controls (scenes with actuators).
    pub control_seed: Option<u64>,
}

/// A figure that JSON can hold as a number when finite.
trait Figure: Copy + fmt::Display {
    fn is_finite(self) -> bool;
    fn serialize<S: serde::Serializer>(self, serializer: S) -> Result<S::Ok, S::Error>;
}

impl Figure for f32 {
    fn is_finite(self) -> bool {
        f32::is_finite(self)
    }
    fn serialize<S: serde::Serializer>(self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f32(self)
    }
}

impl Figure for f64 {
    fn is_finite(self) -> bool {
        f64::is_finite(self)
    }
    fn serialize<S: serde::Serializer>(self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self)
    }
}

/// A finite `x` as a JSON number, else as "inf", "-inf" or "NaN".
fn number_or_text<S: serde::Serializer, T: Figure>(
    x: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    if x.is_finite() {
        x.serialize(serializer)
    } else {
        serializer.serialize_str(&format!("{x}"))
    }
}

fn optional_number_or_text<S: serde::Serializer>(
    x: &Option<f32>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match x {
        Some(x) => number_or_text(x, serializer),
        None => serializer.serialize_none(),
    }
}

/// Where a run went non-finite.
#[derive(Clone, Debug, Serialize)]
pub struct NonFiniteWorld {
    pub world: usize,
    pub body: Option<usize>,
    pub body_name: Option<String>,
}

impl fmt::Display for NonFiniteWorld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "world {}", self.world)?;
        match (self.body, &self.body_name) {
            (Some(body), Some(name)) => write!(f, ", body {body} \"{name}\""),
            (Some(body), None) => write!(f, ", body {body}"),
            _ => Ok(()),
        }
    }
}

/// `x` with three significant digits and an SI prefix: 1234567 → "1.23 M".
fn si(x: f64) -> String {
    const PREFIXES: [(f64, &str); 4] = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")];
    if !x.is_finite() {
        return format!("{x}");
    }
    for (scale, prefix) in PREFIXES {
        if x.abs() >= scale {
            return format!("{} {prefix}", three_digits(x / scale));
        }
    }
    three_digits(x)
}

/// Three significant digits for 0 ≤ |x| < 1000, without exponent.
fn three_digits(x: f64) -> String {
    let a = x.abs();
    if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

/// A fraction in percent, to 0.1, except that only the whole reads 100.0.
fn percent(fraction: f32) -> f64 {
    let p = (f64::from(fraction) * 1000.0).round() / 10.0;
    if p >= 100.0 && fraction < 1.0 {
        99.9
    } else {
        p
    }
}

/// A speed in m/s, in mm/s below 1 m/s.
fn speed(v: f32) -> String {
    if v >= 1.0 {
        format!("{v:.3} m/s")
    } else {
        format!("{:.3} mm/s", v * 1e3)
    }
}

/// A duration in seconds, in the unit that reads best.
fn seconds(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.3} s")
    } else if s >= 1e-3 {
        format!("{:.3} ms", s * 1e3)
    } else {
        format!("{:.3} µs", s * 1e6)
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let per_world = self.contact_points_last_step as f64 / self.worlds.max(1) as f64;
        writeln!(f, "scene             {}", self.scene)?;
        writeln!(
            f,
            "backend           {} on {} ({})",
            self.backend, self.device, self.backend_reason
        )?;
        writeln!(f, "threads           {}", self.threads)?;
        writeln!(f, "worlds            {}", self.worlds)?;
        writeln!(f, "steps             {} × {} s", self.steps, self.dt_s)?;
        writeln!(
            f,
            "simulated time    {:.3} s per world",
            self.simulated_time_s
        )?;
        writeln!(f, "setup time        {}", seconds(self.setup_time_s))?;
        writeln!(
            f,
            "cold start        {} (setup and the first step)",
            seconds(self.cold_start_s)
        )?;
        writeln!(
            f,
            "wall time         {} for the other {} steps",
            seconds(self.wall_time_s),
            self.timed_steps
        )?;
        writeln!(f, "world-steps/s     {}", si(self.world_steps_per_second))?;
        writeln!(
            f,
            "body-steps/s      {} ({} dynamic bodies per world)",
            si(self.body_steps_per_second),
            self.dynamic_bodies_per_world
        )?;
        writeln!(
            f,
            "memory            {:.1} KiB per world",
            self.memory_per_world_bytes as f64 / 1024.0
        )?;
        if self.non_finite_worlds == self.worlds {
            writeln!(f, "state             no finite world to measure")?;
        } else {
            writeln!(
                f,
                "max penetration   {:.3} mm",
                self.max_penetration_m * 1e3
            )?;
            writeln!(
                f,
                "max speed         {} at the end",
                speed(self.max_speed_m_per_s)
            )?;
            writeln!(
                f,
                "resting           {:.1} % of dynamic bodies (slower than {} m/s)",
                percent(self.resting_fraction),
                self.rest_speed_m_per_s
            )?;
            writeln!(f, "below ground      {} bodies", self.bodies_below_ground)?;
        }
        match &self.first_non_finite {
            Some(first) => writeln!(
                f,
                "non-finite        {} worlds (first: {first}); figures over the others",
                self.non_finite_worlds
            )?,
            None => writeln!(f, "non-finite        0 worlds")?,
        }
        write!(
            f,
            "contact points    {} in the last step ({per_world:.1} per world)",
            self.contact_points_last_step
        )?;
        if let Some(capacity) = self.contact_capacity_per_world {
            write!(
                f,
                "\ncontact slots     {capacity} per world (grown {} times)",
                self.capacity_growths
            )?;
        }
        if let Some(separation) = self.max_joint_separation_m {
            write!(
                f,
                "\njoints            {} per world, largest anchor separation {:.3} mm",
                self.joints_per_world,
                separation * 1e3
            )?;
        }
        if let Some(seed) = self.control_seed {
            write!(
                f,
                "\ncontrols          {} actuators, uniform random in range every step (seed {seed})",
                self.actuators_per_world
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_figures_are_text_in_json() {
        let json = |x: f32| {
            let mut out = Vec::new();
            number_or_text(&x, &mut serde_json::Serializer::new(&mut out)).unwrap();
            String::from_utf8(out).unwrap()
        };
        assert_eq!(json(f32::INFINITY), "\"inf\"");
        assert_eq!(json(f32::NEG_INFINITY), "\"-inf\"");
        assert_eq!(json(f32::NAN), "\"NaN\"");
        assert_eq!(json(0.5), "0.5");
    }

    #[test]
    fn si_prefixes() {
        assert_eq!(si(1_234_567.0), "1.23 M");
        assert_eq!(si(999.0), "999");
        assert_eq!(si(12_345.0), "12.3 k");
        assert_eq!(si(0.5), "0.50");
    }

    #[test]
    fn only_the_whole_is_a_hundred_percent() {
        assert_eq!(percent(1.0), 100.0);
        assert_eq!(percent(0.9996), 99.9);
        assert_eq!(percent(0.7), 70.0);
    }

    #[test]
    fn speeds() {
        assert_eq!(speed(2.5), "2.500 m/s");
        assert_eq!(speed(0.0014), "1.400 mm/s");
    }

    #[test]
    fn durations() {
        assert_eq!(seconds(2.0), "2.000 s");
        assert_eq!(seconds(0.0125), "12.500 ms");
        assert_eq!(seconds(25e-6), "25.000 µs");
    }
}
