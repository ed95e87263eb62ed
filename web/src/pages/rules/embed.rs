//! What the rules page tells a page embedding it (`shell::messages`): each run's
//! latest metric row as `bioprop:metrics`, and the first divergence.

use serde_json::{json, Value};

use super::runs::Runs;

/// `{ step, playing, runs: [{ rule, lr, step, diverged, metrics }] }`: `step` is the
/// furthest run's updates so far, and each run's `metrics` its latest logged row (core's
/// `Metrics`: `step`, `batch_loss`, `train` and `test` `{loss, accuracy, nse}`, and per
/// hidden layer `update_angle_deg`, `weight_angle_deg`, `norm_ratio`,
/// `sign_concordance`), or `null` before the first. `None` before any run exists.
pub fn metrics(runs: &Runs) -> Option<Value> {
    if runs.runs.is_empty() {
        return None;
    }
    let each: Vec<Value> = runs
        .runs
        .iter()
        .map(|run| {
            json!({
                "rule": run.rule.name(),
                "lr": run.lr,
                "step": run.snapshot.step,
                "diverged": run.diverged,
                "metrics": run.history.last(),
            })
        })
        .collect();
    let step = runs.runs.iter().map(|run| run.snapshot.step).max();
    Some(json!({ "step": step, "playing": runs.playing, "runs": each }))
}

/// The first run's divergence message, if one has diverged.
pub fn diverged(runs: &Runs) -> Option<String> {
    runs.runs.iter().find_map(|run| run.diverged.clone())
}
