//! What the cerebellum page tells a page embedding it (`shell::messages`): the
//! readouts of the latest frame as `bioprop:metrics`.

use serde_json::{json, Value};

use super::worker::CerebellumView;

/// `{ step, time, gain, target_gain, error, error_rms, weights, playing }`: core's
/// cerebellum `Snapshot` (integration steps, simulated seconds, the windowed gain and
/// its target, the latest climbing-fibre error and its RMS, the Purkinje weights).
/// For the distal teacher: `{ task, stage, time, prediction_error, tracking_error,
/// model_weights, controller_weights, playing }`, the errors relative to the outcome and
/// the goal (core's `TeacherSnapshot`).
pub fn metrics(view: &CerebellumView, playing: bool) -> Value {
    if let Some(teacher) = &view.teacher {
        let s = &teacher.snapshot;
        return json!({
            "task": "distal-teacher",
            "stage": s.stage.number(),
            "time": s.time,
            "prediction_error": s.relative_prediction_error,
            "tracking_error": s.relative_tracking_error,
            "model_weights": s.model_weights,
            "controller_weights": s.controller_weights,
            "playing": playing,
        });
    }
    let s = &view.snapshot;
    json!({
        "task": s.task,
        "step": s.step,
        "time": s.time,
        "gain": s.gain,
        "target_gain": s.target_gain,
        "error": s.error,
        "error_rms": s.error_rms,
        "weights": s.weights,
        "playing": playing,
    })
}
