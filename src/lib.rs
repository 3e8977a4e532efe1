//! manyworlds: thousands of independent rigid-body worlds stepped at once.
//!
//! ```
//! use manyworlds::{scenes, CpuBatch};
//! let boxes = scenes::builtin("boxes").unwrap();
//! let mut batch = CpuBatch::from_builtin(&boxes, 8).unwrap();
//! batch.step_n(10);
//! assert_eq!(batch.positions().len(), 8 * boxes.scene.body_count());
//! ```

pub use manyworlds_core::*;
pub use manyworlds_cpu::*;
