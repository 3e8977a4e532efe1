//! The per-frame columns of a recorded dataset: LeRobot's `features` (dtype, shape, names)
//! and the matching Arrow schema of the data files.

use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema};
use serde_json::{json, Map, Value};

/// The storage type of a feature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dtype {
    Float32,
    Int64,
    Bool,
}

impl Dtype {
    fn name(self) -> &'static str {
        match self {
            Dtype::Float32 => "float32",
            Dtype::Int64 => "int64",
            Dtype::Bool => "bool",
        }
    }

    fn arrow(self) -> DataType {
        match self {
            Dtype::Float32 => DataType::Float32,
            Dtype::Int64 => DataType::Int64,
            Dtype::Bool => DataType::Boolean,
        }
    }
}

/// One column: `width` values per frame (shape `[width]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Feature {
    pub key: &'static str,
    pub dtype: Dtype,
    pub width: usize,
    /// One name per value, or none.
    pub names: Option<Vec<String>>,
}

impl Feature {
    fn scalar(key: &'static str, dtype: Dtype) -> Feature {
        Feature {
            key,
            dtype,
            width: 1,
            names: None,
        }
    }

    /// Its Arrow field: shape `[1]` is a plain column, wider ones fixed-size lists (as
    /// LeRobot's `datasets` features map them).
    pub fn field(&self) -> Field {
        let data_type = if self.width == 1 {
            self.dtype.arrow()
        } else {
            DataType::FixedSizeList(
                Arc::new(Field::new_list_field(self.dtype.arrow(), true)),
                self.width as i32,
            )
        };
        Field::new(self.key, data_type, true)
    }
}

/// The frame columns in the order they are stored.
pub fn frame_features(state_names: Vec<String>, action_names: Vec<String>) -> Vec<Feature> {
    let vector = |key, names: Vec<String>| Feature {
        key,
        dtype: Dtype::Float32,
        width: names.len(),
        names: Some(names),
    };
    vec![
        vector("observation.state", state_names),
        vector("action", action_names),
        Feature::scalar("next.reward", Dtype::Float32),
        Feature::scalar("next.done", Dtype::Bool),
        Feature::scalar("timestamp", Dtype::Float32),
        Feature::scalar("frame_index", Dtype::Int64),
        Feature::scalar("episode_index", Dtype::Int64),
        Feature::scalar("index", Dtype::Int64),
        Feature::scalar("task_index", Dtype::Int64),
    ]
}

/// The Arrow schema of the data files.
pub fn data_schema(features: &[Feature]) -> Arc<Schema> {
    Arc::new(Schema::new(
        features.iter().map(Feature::field).collect::<Vec<_>>(),
    ))
}

/// `info.json`'s `features` object.
pub fn features_json(features: &[Feature]) -> Value {
    let mut map = Map::new();
    for f in features {
        map.insert(
            f.key.to_string(),
            json!({ "dtype": f.dtype.name(), "shape": [f.width], "names": f.names }),
        );
    }
    Value::Object(map)
}
