//! Feature statistics as LeRobot keeps them: min, max, mean, standard deviation (of the
//! population), count and the quantiles q01, q10, q50, q90, q99 per value of a feature, per
//! episode and over the dataset. The dataset's are aggregated from the episodes' as LeRobot's
//! `aggregate_stats` does: weighted means, the parallel variance formula, and for quantiles
//! the envelope (the least of the episodes' for q ≤ 50, the greatest above). An episode's
//! quantiles are exact (linear interpolation between order statistics) where LeRobot's are
//! estimated from a histogram.

use serde_json::{json, Value};

use crate::features::Dtype;

#[derive(Clone, Debug, PartialEq)]
pub struct FeatureStats {
    pub min: Vec<f64>,
    pub max: Vec<f64>,
    pub mean: Vec<f64>,
    pub std: Vec<f64>,
    pub count: u64,
    /// One per [`QUANTILES`], each per value.
    pub quantiles: Vec<Vec<f64>>,
}

/// The quantiles LeRobot keeps, and their keys.
pub const QUANTILES: [(f64, &str); 5] = [
    (0.01, "q01"),
    (0.10, "q10"),
    (0.50, "q50"),
    (0.90, "q90"),
    (0.99, "q99"),
];

impl FeatureStats {
    /// Of `values` (`[rows × width]`, at least one row).
    pub fn of(values: &[f64], width: usize) -> FeatureStats {
        let rows = values.len() / width;
        let n = rows as f64;
        let mut stats = FeatureStats {
            min: vec![f64::INFINITY; width],
            max: vec![f64::NEG_INFINITY; width],
            mean: vec![0.0; width],
            std: vec![0.0; width],
            count: rows as u64,
            quantiles: Vec::new(),
        };
        for row in values.chunks_exact(width) {
            for (j, &x) in row.iter().enumerate() {
                stats.min[j] = stats.min[j].min(x);
                stats.max[j] = stats.max[j].max(x);
                stats.mean[j] += x;
            }
        }
        stats.mean.iter_mut().for_each(|m| *m /= n);
        for row in values.chunks_exact(width) {
            for (j, &x) in row.iter().enumerate() {
                stats.std[j] += (x - stats.mean[j]).powi(2);
            }
        }
        stats.std.iter_mut().for_each(|s| *s = (*s / n).sqrt());
        let columns: Vec<Vec<f64>> = (0..width)
            .map(|j| {
                let mut column: Vec<f64> = values.iter().skip(j).step_by(width).copied().collect();
                column.sort_by(f64::total_cmp);
                column
            })
            .collect();
        stats.quantiles = QUANTILES
            .iter()
            .map(|&(q, _)| columns.iter().map(|c| quantile(c, q)).collect())
            .collect();
        stats
    }

    /// Over all of `parts` (of one width); `None` when there are none.
    pub fn aggregate(parts: &[&FeatureStats]) -> Option<FeatureStats> {
        let first = parts.first()?;
        let width = first.mean.len();
        let total: u64 = parts.iter().map(|p| p.count).sum();
        let n = total as f64;
        let mut out = FeatureStats {
            min: first.min.clone(),
            max: first.max.clone(),
            mean: vec![0.0; width],
            std: vec![0.0; width],
            count: total,
            quantiles: first.quantiles.clone(),
        };
        for p in parts {
            for j in 0..width {
                out.min[j] = out.min[j].min(p.min[j]);
                out.max[j] = out.max[j].max(p.max[j]);
                out.mean[j] += p.mean[j] * p.count as f64;
            }
        }
        out.mean.iter_mut().for_each(|m| *m /= n);
        for p in parts {
            for j in 0..width {
                let delta = p.mean[j] - out.mean[j];
                out.std[j] += (p.std[j].powi(2) + delta * delta) * p.count as f64;
            }
        }
        out.std.iter_mut().for_each(|s| *s = (*s / n).sqrt());
        for (k, &(q, _)) in QUANTILES.iter().enumerate() {
            for p in parts {
                for (o, &v) in out.quantiles[k].iter_mut().zip(&p.quantiles[k]) {
                    *o = if q <= 0.5 { o.min(v) } else { o.max(v) };
                }
            }
        }
        Some(out)
    }

    /// The aggregate of `self` and `other`.
    pub fn merge(&self, other: &FeatureStats) -> FeatureStats {
        FeatureStats::aggregate(&[self, other]).unwrap_or_else(|| other.clone())
    }

    /// As `stats.json` holds it: min and max in the feature's own type.
    pub fn to_json(&self, dtype: Dtype) -> Value {
        let mut out = json!({
            "min": typed(&self.min, dtype),
            "max": typed(&self.max, dtype),
            "mean": self.mean,
            "std": self.std,
            "count": [self.count],
        });
        for (values, (_, key)) in self.quantiles.iter().zip(QUANTILES) {
            out[key] = json!(values);
        }
        out
    }
}

/// The `q` quantile of `sorted` (non-empty), interpolated linearly between order statistics.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let at = q * (sorted.len() - 1) as f64;
    let (low, high) = (at.floor() as usize, at.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (at - low as f64)
}

/// Extremes in the feature's type (integers and booleans are held exactly in f64).
pub fn typed(values: &[f64], dtype: Dtype) -> Value {
    match dtype {
        Dtype::Float32 => json!(values),
        Dtype::Int64 => json!(values.iter().map(|&v| v as i64).collect::<Vec<_>>()),
        Dtype::Bool => json!(values.iter().map(|&v| v != 0.0).collect::<Vec<_>>()),
    }
}
