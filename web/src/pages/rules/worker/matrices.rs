//! "Export → Weights (JSON)": every run's weights, biases and feedback matrices as
//! they are now, whole, as (compact) JSON the page saves as it comes.
//!
//! ```text
//! [ { rule, step, learning_rate, weights_hash, layers: [n_0 … n_L],
//!     weights: [W_1 … W_L],     W_k: { rows: n_k, cols: n_{k-1}, data: row after row }
//!     biases:  [b_1 … b_L],
//!     feedback: [F_1 … F_{L-1}] F_k in the papers' orientation (core's Snapshot::feedback):
//!                               B_{k+1} (n_k, n_{k+1}), or D_k (n_k, n_L) for dfa }, … ]
//! ```
//!
//! `weights_hash` is what the page shows and `bioprop run --config` prints at the same
//! step. The file is made in the worker, which holds the matrices, so the page never
//! keeps a copy of them. It is written by hand (numbers in Rust's shortest
//! round-tripping form, which JSON reads back to the same `f32`) rather than through
//! serde_json's float writer, which the worker has no other use for: the bundle stays
//! smaller. `web/tests/protocol.rs` reads it back with serde into [`RunMatrices`].

use std::fmt::Write;

use bioprop::experiment::Matrix;
use bioprop::Experiment;
use serde::{Deserialize, Serialize};

/// One run's matrices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunMatrices {
    /// The rule's name, as the CSV and the command line write it.
    pub rule: String,
    /// Updates applied so far.
    pub step: u64,
    /// The learning rate it trains at now.
    pub learning_rate: f32,
    /// [`Experiment::weights_hash`], 16 hex digits.
    pub weights_hash: String,
    /// Layer widths `n_0 .. n_L`.
    pub layers: Vec<usize>,
    /// `W_1 .. W_L`.
    pub weights: Vec<Matrix>,
    /// `b_1 .. b_L`.
    pub biases: Vec<Vec<f32>>,
    /// One per hidden layer: the rule's feedback matrix (for backprop and shallow the
    /// drawn but unused `B`).
    pub feedback: Vec<Matrix>,
}

impl RunMatrices {
    /// The matrices of `run`, whole.
    pub fn of(run: &Experiment) -> Self {
        let snapshot = run.snapshot_with(usize::MAX);
        RunMatrices {
            rule: run.rule().name().to_owned(),
            step: run.steps(),
            learning_rate: run.config().lr,
            weights_hash: format!("{:016x}", run.weights_hash()),
            layers: snapshot.layers,
            weights: snapshot.weights.into_iter().flatten().collect(),
            biases: snapshot.biases,
            feedback: snapshot.feedback.into_iter().flatten().collect(),
        }
    }
}

/// Writes `values` as a JSON array.
fn numbers(out: &mut String, values: &[f32]) {
    out.push('[');
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{v}");
    }
    out.push(']');
}

/// Writes `matrices` as a JSON array of `{rows, cols, data}`.
fn matrix_list(out: &mut String, matrices: &[Matrix]) {
    out.push('[');
    for (i, m) in matrices.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{{\"rows\":{},\"cols\":{},\"data\":", m.rows, m.cols);
        numbers(out, &m.data);
        out.push('}');
    }
    out.push(']');
}

/// Writes one run's object.
fn run_json(out: &mut String, m: &RunMatrices) {
    // The rule's name and the hash are plain ASCII words: no escaping needed.
    let _ = write!(
        out,
        "{{\"rule\":\"{}\",\"step\":{},\"learning_rate\":{},\"weights_hash\":\"{}\",\"layers\":[",
        m.rule, m.step, m.learning_rate, m.weights_hash
    );
    for (i, n) in m.layers.iter().enumerate() {
        let _ = write!(out, "{}{n}", if i > 0 { "," } else { "" });
    }
    out.push_str("],\"weights\":");
    matrix_list(out, &m.weights);
    out.push_str(",\"biases\":[");
    for (i, b) in m.biases.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        numbers(out, b);
    }
    out.push_str("],\"feedback\":");
    matrix_list(out, &m.feedback);
    out.push('}');
}

/// Every run's matrices as JSON, or why not (no runs; a value JSON cannot hold,
/// which only a diverged run has, and which the page then names).
pub fn json(runs: &[Experiment]) -> Result<String, String> {
    if runs.is_empty() {
        return Err("export: no runs to export yet".to_owned());
    }
    let matrices: Vec<RunMatrices> = runs.iter().map(RunMatrices::of).collect();
    if matrices.iter().any(|m| {
        m.weights
            .iter()
            .chain(&m.feedback)
            .flat_map(|w| &w.data)
            .chain(m.biases.iter().flatten())
            .any(|v| !v.is_finite())
    }) {
        return Err(
            "export: a run's weights are not finite numbers (it diverged), which JSON \
             cannot hold; press reset and export before it diverges"
                .to_owned(),
        );
    }
    let mut out = String::from("[");
    for (i, m) in matrices.iter().enumerate() {
        out.push_str(if i > 0 { ",\n" } else { "\n" });
        run_json(&mut out, m);
    }
    out.push_str("\n]\n");
    Ok(out)
}
