//! bioprop: backprop and its biologically plausible rivals.
//!
//! The models, learning rules, tasks and metrics live here, free of any web
//! dependency, so they are tested natively and compiled unchanged to wasm32.

pub mod task;
