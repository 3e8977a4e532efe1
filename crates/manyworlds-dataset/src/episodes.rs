//! The rows of `meta/episodes/…parquet`: LeRobot's columns (index, tasks, length, where the
//! frames are, per-feature `stats/…`) and manyworlds' own (`manyworlds/…`: seed, world,
//! the world's episode number, success, the drawn randomization values).

use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Float32Builder, Float64Builder, Int64Builder, ListBuilder, StringBuilder,
};
use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{Array, ArrayRef, BooleanArray, Int64Array, RecordBatch, UInt64Array};
use arrow_schema::{ArrowError, DataType};

use crate::features::{Dtype, Feature};
use crate::files::DatasetError;
use crate::layout::FileId;
use crate::stats::{FeatureStats, QUANTILES};

/// How an episode came about.
#[derive(Clone, Debug, PartialEq)]
pub struct EpisodeOrigin {
    /// The seed of the env it ran in: with `world` and `world_episode` it reproduces it.
    pub seed: u64,
    pub world: u64,
    /// The world's episode number (0 for its first).
    pub world_episode: u64,
    pub success: bool,
    /// The drawn randomization values (named in `meta/manyworlds.json`).
    pub randomization: Vec<f32>,
}

#[derive(Clone, Debug)]
pub struct EpisodeRecord {
    pub index: i64,
    pub length: i64,
    pub data: FileId,
    /// The episodes file holding this row.
    pub meta: FileId,
    pub from: i64,
    pub stats: Vec<FeatureStats>,
    pub origin: EpisodeOrigin,
}

/// The episodes file of `records`, all of `task`.
pub fn to_batch(
    records: &[EpisodeRecord],
    features: &[Feature],
    task: &str,
) -> Result<RecordBatch, ArrowError> {
    let ints = |f: &dyn Fn(&EpisodeRecord) -> i64| -> ArrayRef {
        Arc::new(Int64Array::from_iter_values(records.iter().map(f)))
    };
    let mut tasks = ListBuilder::new(StringBuilder::new());
    for _ in records {
        tasks.values().append_value(task);
        tasks.append(true);
    }
    let mut columns: Vec<(String, ArrayRef)> = vec![
        ("episode_index".into(), ints(&|r| r.index)),
        ("tasks".into(), Arc::new(tasks.finish())),
        ("length".into(), ints(&|r| r.length)),
        ("data/chunk_index".into(), ints(&|r| r.data.chunk.into())),
        ("data/file_index".into(), ints(&|r| r.data.file.into())),
        ("dataset_from_index".into(), ints(&|r| r.from)),
        ("dataset_to_index".into(), ints(&|r| r.from + r.length)),
        (
            "meta/episodes/chunk_index".into(),
            ints(&|r| r.meta.chunk.into()),
        ),
        (
            "meta/episodes/file_index".into(),
            ints(&|r| r.meta.file.into()),
        ),
    ];
    for (k, feature) in features.iter().enumerate() {
        let stat = |name: &str, dtype: Dtype, pick: &dyn Fn(&FeatureStats) -> Vec<f64>| {
            (
                format!("stats/{}/{name}", feature.key),
                list_column(records.iter().map(|r| pick(&r.stats[k])), dtype),
            )
        };
        columns.push(stat("min", feature.dtype, &|s| s.min.clone()));
        columns.push(stat("max", feature.dtype, &|s| s.max.clone()));
        columns.push(stat("mean", Dtype::Float32, &|s| s.mean.clone()));
        columns.push(stat("std", Dtype::Float32, &|s| s.std.clone()));
        columns.push(stat("count", Dtype::Int64, &|s| vec![s.count as f64]));
        for (q, (_, name)) in QUANTILES.iter().enumerate() {
            columns.push(stat(name, Dtype::Float32, &|s| s.quantiles[q].clone()));
        }
    }
    let origin = |f: &dyn Fn(&EpisodeOrigin) -> u64| -> ArrayRef {
        Arc::new(Int64Array::from_iter_values(
            records.iter().map(|r| f(&r.origin) as i64),
        ))
    };
    let mut randomization = ListBuilder::new(Float32Builder::new());
    for r in records {
        randomization.values().append_slice(&r.origin.randomization);
        randomization.append(true);
    }
    columns.extend([
        (
            "manyworlds/seed".into(),
            Arc::new(UInt64Array::from_iter_values(
                records.iter().map(|r| r.origin.seed),
            )) as ArrayRef,
        ),
        ("manyworlds/world".into(), origin(&|o| o.world)),
        (
            "manyworlds/world_episode".into(),
            origin(&|o| o.world_episode),
        ),
        (
            "manyworlds/success".into(),
            Arc::new(BooleanArray::from_iter(
                records.iter().map(|r| Some(r.origin.success)),
            )),
        ),
        (
            "manyworlds/randomization".into(),
            Arc::new(randomization.finish()),
        ),
    ]);
    RecordBatch::try_from_iter(columns)
}

/// Lists of doubles, or of the feature's own type for extremes and counts (as LeRobot's
/// `tolist()` of its numpy statistics gives them).
fn list_column(rows: impl Iterator<Item = Vec<f64>>, dtype: Dtype) -> ArrayRef {
    match dtype {
        Dtype::Float32 => {
            let mut b = ListBuilder::new(Float64Builder::new());
            for row in rows {
                b.values().append_slice(&row);
                b.append(true);
            }
            Arc::new(b.finish())
        }
        Dtype::Int64 => {
            let mut b = ListBuilder::new(Int64Builder::new());
            for row in rows {
                row.iter().for_each(|&v| b.values().append_value(v as i64));
                b.append(true);
            }
            Arc::new(b.finish())
        }
        Dtype::Bool => {
            let mut b = ListBuilder::new(BooleanBuilder::new());
            for row in rows {
                row.iter().for_each(|&v| b.values().append_value(v != 0.0));
                b.append(true);
            }
            Arc::new(b.finish())
        }
    }
}

/// An int64 column of an episodes or data file.
pub fn int_column<'a>(
    batch: &'a RecordBatch,
    name: &str,
    path: &Path,
) -> Result<&'a Int64Array, DatasetError> {
    batch
        .column_by_name(name)
        .and_then(|c| c.as_primitive_opt::<Int64Type>())
        .ok_or_else(|| DatasetError::new(path, format!("no int64 column \"{name}\"")))
}

/// Row `row`'s list in column `name`, as f64.
fn list_values(
    batch: &RecordBatch,
    name: &str,
    row: usize,
    path: &Path,
) -> Result<Vec<f64>, DatasetError> {
    let missing = || DatasetError::new(path, format!("no list column \"{name}\""));
    let values = batch
        .column_by_name(name)
        .and_then(|c| c.as_list_opt::<i32>())
        .ok_or_else(missing)?
        .value(row);
    Ok(match values.data_type() {
        DataType::Float64 => values.as_primitive::<Float64Type>().values().to_vec(),
        DataType::Int64 => values
            .as_primitive::<Int64Type>()
            .values()
            .iter()
            .map(|&v| v as f64)
            .collect(),
        DataType::Boolean => values
            .as_boolean()
            .iter()
            .map(|v| f64::from(u8::from(v.unwrap_or(false))))
            .collect(),
        _ => return Err(missing()),
    })
}

/// The statistics of row `row` of an episodes file, per feature.
pub fn read_stats(
    batch: &RecordBatch,
    row: usize,
    features: &[Feature],
    path: &Path,
) -> Result<Vec<FeatureStats>, DatasetError> {
    features
        .iter()
        .map(|feature| {
            let get = |stat: &str| {
                list_values(batch, &format!("stats/{}/{stat}", feature.key), row, path)
            };
            Ok(FeatureStats {
                min: get("min")?,
                max: get("max")?,
                mean: get("mean")?,
                std: get("std")?,
                count: get("count")?.first().copied().unwrap_or(0.0) as u64,
                quantiles: QUANTILES
                    .iter()
                    .map(|(_, name)| get(name))
                    .collect::<Result<_, _>>()?,
            })
        })
        .collect()
}
