//! Reading a simulation worker's answers (`shell::sim_worker`) in the native tests:
//! a clock that never moves, and the one frame or exported file a command answers with.
// Each test file uses a part of this.
#![allow(dead_code)]

use bioprop_web::shell::sim_worker::{ExportKind, SimFrame, Update};

/// A clock that never moves: no frame runs out of budget.
pub const STILL: &dyn Fn() -> f64 = &|| 0.0;

/// The one frame `updates` holds.
pub fn frame<V: std::fmt::Debug>(updates: Vec<Update<V>>) -> SimFrame<V> {
    match <[Update<V>; 1]>::try_from(updates) {
        Ok([Update::Frame(frame)]) => *frame,
        other => panic!("expected one frame, got {other:?}"),
    }
}

/// The one exported configuration `updates` holds.
pub fn exported<V: std::fmt::Debug>(updates: Vec<Update<V>>) -> String {
    match <[Update<V>; 1]>::try_from(updates) {
        Ok(
            [Update::Exported {
                kind: ExportKind::Config,
                text,
            }],
        ) => text,
        other => panic!("expected the configuration, got {other:?}"),
    }
}
