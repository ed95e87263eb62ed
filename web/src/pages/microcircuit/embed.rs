//! What the microcircuit page tells a page embedding it (`shell::messages`): the
//! readouts of the latest frame as `bioprop:metrics`.

use serde_json::{json, Value};

use super::worker::{CircuitView, MicrocircuitView};

/// The latest frame's readouts; on the digits `{ step, epochs, accuracy, playing }`
/// (`accuracy` the latest test pass's, a fraction), else [`circuit_metrics`].
pub fn metrics(view: &CircuitView, playing: bool) -> Value {
    match view {
        CircuitView::Circuit(view) => circuit_metrics(view, playing),
        CircuitView::Digits(view) => json!({
            "step": view.patterns,
            "epochs": view.epochs,
            "accuracy": view.curve.last().map(|p| p.1 / 100.0),
            "playing": playing,
        }),
    }
}

/// `{ step, time_ms, target_on, loss, apical_energy, curves, playing }`: `step` counts
/// the patterns shown, `loss` is the circuit's latest test loss, `apical_energy`
/// ‖v_A‖² of hidden layer 1, and `curves` each learning curve's latest
/// `{label, time_s, loss}` (the circuit first, then BP, FA and shallow).
pub fn circuit_metrics(view: &MicrocircuitView, playing: bool) -> Value {
    let s = &view.snapshot;
    let curves: Vec<Value> = view
        .curves
        .iter()
        .map(|curve| {
            let last = curve.points.last();
            json!({
                "label": curve.label,
                "time_s": last.map(|p| p.0),
                "loss": last.map(|p| p.1),
            })
        })
        .collect();
    json!({
        "step": s.patterns,
        "time_ms": s.time_ms,
        "target_on": s.target_on,
        "loss": view.loss,
        "apical_energy": view.apical_energy,
        "curves": curves,
        "playing": playing,
    })
}
