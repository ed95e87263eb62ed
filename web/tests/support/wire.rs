//! The workers' protocols as the native tests drive them: a message after its trip
//! through the worker boundary, the one frame a rules-worker command answers with, and
//! a clock for the speed `max`.
// Each test file uses a part of this.
#![allow(dead_code)]

use bioprop_web::pages::rules::worker::{Frame, Update};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// `message` after a trip through the workers' message encoding (gloo-worker's
/// bincode), as the other side receives it.
pub fn over_the_wire<T: Serialize + DeserializeOwned>(message: &T) -> T {
    bincode::deserialize(&bincode::serialize(message).unwrap()).unwrap()
}

/// The frame of `updates`, which must be exactly one frame.
pub fn only_frame(updates: Vec<Update>) -> Frame {
    match <[Update; 1]>::try_from(updates) {
        Ok([Update::Frame(frame)]) => *frame,
        Ok([other]) => panic!("expected a frame, got {other:?}"),
        Err(updates) => panic!("expected one update, got {}", updates.len()),
    }
}

/// A clock that moves 5 ms each time it is read: as if each chunk of training took
/// 5 ms, so a frame's 28 ms budget at the speed `max` holds a handful of chunks.
pub fn ticking_clock() -> impl Fn() -> f64 {
    let now = std::cell::Cell::new(0.0);
    move || {
        now.set(now.get() + 5.0);
        now.get()
    }
}
