//! Feature statistics as LeRobot keeps them: min, max, mean, standard deviation (of the
//! population) and count per value of a feature, per episode and over the dataset, the
//! dataset's aggregated from the episodes' (weighted means, the parallel variance formula).

use serde_json::{json, Value};

use super::features::Dtype;

#[derive(Clone, Debug, PartialEq)]
pub struct FeatureStats {
    pub min: Vec<f64>,
    pub max: Vec<f64>,
    pub mean: Vec<f64>,
    pub std: Vec<f64>,
    pub count: u64,
}

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
        Some(out)
    }

    /// As `stats.json` holds it: min and max in the feature's own type.
    pub fn to_json(&self, dtype: Dtype) -> Value {
        json!({
            "min": typed(&self.min, dtype),
            "max": typed(&self.max, dtype),
            "mean": self.mean,
            "std": self.std,
            "count": [self.count],
        })
    }
}

/// Extremes in the feature's type (integers and booleans are held exactly in f64).
pub fn typed(values: &[f64], dtype: Dtype) -> Value {
    match dtype {
        Dtype::Float32 => json!(values),
        Dtype::Int64 => json!(values.iter().map(|&v| v as i64).collect::<Vec<_>>()),
        Dtype::Bool => json!(values.iter().map(|&v| v != 0.0).collect::<Vec<_>>()),
    }
}
