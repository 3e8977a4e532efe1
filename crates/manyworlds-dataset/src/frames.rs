//! Frames in memory: one episode as it is stepped, and the rows of the data file being
//! filled, column by column.

use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, FixedSizeListArray, Float32Array, Int64Array, RecordBatch,
};
use arrow_schema::{ArrowError, DataType, Field, Schema};

use crate::features::Feature;

/// One episode's frames, column by column.
#[derive(Clone, Debug, Default)]
pub struct EpisodeFrames {
    /// `[frames × state]`, `[frames × action]`: the observation a frame's action was chosen
    /// from, and the action.
    pub state: Vec<f32>,
    pub action: Vec<f32>,
    pub reward: Vec<f32>,
    pub done: Vec<bool>,
}

impl EpisodeFrames {
    pub fn len(&self) -> usize {
        self.reward.len()
    }

    pub fn is_empty(&self) -> bool {
        self.reward.is_empty()
    }

    pub fn clear(&mut self) {
        self.state.clear();
        self.action.clear();
        self.reward.clear();
        self.done.clear();
    }
}

/// Where a committed episode's frames go: its index, the dataset index of its first frame,
/// its task and the frame rate of its timestamps.
#[derive(Clone, Copy, Debug)]
pub struct Placement {
    pub episode_index: i64,
    pub first_index: i64,
    pub task_index: i64,
    pub fps: u32,
}

/// The rows of one data file, in the column order of [`crate::frame_features`].
#[derive(Clone, Debug, Default)]
pub struct FileRows {
    state: Vec<f32>,
    action: Vec<f32>,
    reward: Vec<f32>,
    done: Vec<bool>,
    timestamp: Vec<f32>,
    frame_index: Vec<i64>,
    episode_index: Vec<i64>,
    index: Vec<i64>,
    task_index: Vec<i64>,
}

impl FileRows {
    pub fn len(&self) -> usize {
        self.reward.len()
    }

    pub fn is_empty(&self) -> bool {
        self.reward.is_empty()
    }

    /// Appends `episode`'s frames; returns the rows they occupy.
    pub fn append(&mut self, episode: &EpisodeFrames, at: Placement) -> std::ops::Range<usize> {
        let start = self.len();
        self.state.extend_from_slice(&episode.state);
        self.action.extend_from_slice(&episode.action);
        self.reward.extend_from_slice(&episode.reward);
        self.done.extend_from_slice(&episode.done);
        for frame in 0..episode.len() as i64 {
            self.timestamp.push(frame as f32 / at.fps as f32);
            self.frame_index.push(frame);
            self.episode_index.push(at.episode_index);
            self.index.push(at.first_index + frame);
            self.task_index.push(at.task_index);
        }
        start..self.len()
    }

    /// Feature `k`'s values in `rows`, row-major, as f64 (booleans as 0 and 1).
    pub fn values(&self, k: usize, width: usize, rows: std::ops::Range<usize>) -> Vec<f64> {
        let floats = |v: &[f32]| v.iter().map(|&x| f64::from(x)).collect();
        let ints = |v: &[i64]| v.iter().map(|&x| x as f64).collect();
        let wide = rows.start * width..rows.end * width;
        match k {
            0 => floats(&self.state[wide]),
            1 => floats(&self.action[wide]),
            2 => floats(&self.reward[rows]),
            3 => self.done[rows]
                .iter()
                .map(|&d| f64::from(u8::from(d)))
                .collect(),
            4 => floats(&self.timestamp[rows]),
            5 => ints(&self.frame_index[rows]),
            6 => ints(&self.episode_index[rows]),
            7 => ints(&self.index[rows]),
            _ => ints(&self.task_index[rows]),
        }
    }

    /// The rows as one Arrow batch of `schema` (from the same features).
    pub fn to_batch(
        &self,
        features: &[Feature],
        schema: &Arc<Schema>,
    ) -> Result<RecordBatch, ArrowError> {
        let vector = |values: &[f32], feature: &Feature| -> Result<ArrayRef, ArrowError> {
            let flat = Arc::new(Float32Array::from(values.to_vec()));
            if feature.width == 1 {
                return Ok(flat);
            }
            Ok(Arc::new(FixedSizeListArray::try_new(
                Arc::new(Field::new_list_field(DataType::Float32, true)),
                feature.width as i32,
                flat,
                None,
            )?))
        };
        let ints = |v: &[i64]| -> ArrayRef { Arc::new(Int64Array::from(v.to_vec())) };
        let columns: Vec<ArrayRef> = vec![
            vector(&self.state, &features[0])?,
            vector(&self.action, &features[1])?,
            Arc::new(Float32Array::from(self.reward.clone())),
            Arc::new(BooleanArray::from(self.done.clone())),
            Arc::new(Float32Array::from(self.timestamp.clone())),
            ints(&self.frame_index),
            ints(&self.episode_index),
            ints(&self.index),
            ints(&self.task_index),
        ];
        RecordBatch::try_new(schema.clone(), columns)
    }
}
