//! What a microcircuit shows: metrics rows for the history, the trace of one probed
//! pyramidal cell and interneuron, and a compact snapshot of one hidden layer.
//!
//! Per hidden layer `k` (SCIENCE.md §2 and §4):
//!
//! ```text
//! apical energy       ‖v_A,k‖² = Σ_i v_A,k,i²         the self-prediction error; 0 in the self-predicting state
//! weight angle        ∠(W^PP_{k,k+1}, W^PP_{k+1,k}ᵀ)    top-down against the forward transpose, degrees
//! norm ratio          ‖W^PP_{k,k+1}‖ / ‖W^PP_{k+1,k}‖
//! sign concordance    fraction of entries where sign(W^PP_{k,k+1}) = sign(W^PP_{k+1,k}ᵀ)
//! interneuron angle   ∠(W^IP_k, W^PP_{k+1,k})          0 in the self-predicting state
//! apical angle        ∠(W^PI_k, -W^PP_{k,k+1})         0 in the self-predicting state
//! ```
//!
//! The apical energy of a row is the mean over the patterns since the previous row of
//! `‖v_A‖²` at the end of each pattern (settled, in the full model). Losses score the
//! circuit's bottom-up prediction `ŷ = u_L` (see [`super::state`]) on the whole training
//! and held-out sets, exactly as [`crate::Experiment`] scores a network: `½‖ŷ - y‖²` per
//! sample and the NSE for regression. For classification the loss is also `½‖ŷ - y‖²`
//! against the one-hot target (the circuit learns by squared error, not
//! cross-entropy), so compare accuracies across rules there, not losses.

use serde::{Deserialize, Serialize};

use super::config::{Mode, Probe};
use crate::experiment::Matrix;
use crate::metrics::{Evaluation, LayerMetrics, Metrics};

/// One hidden layer of a metrics row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CircuitLayerMetrics {
    /// Hidden layer `k`, 1-based.
    pub layer: usize,
    /// `‖v_A,k‖²`, averaged over the patterns since the previous row.
    pub apical_energy: f32,
    /// `∠(W^PP_{k,k+1}, W^PP_{k+1,k}ᵀ)` in degrees.
    pub weight_angle_deg: Option<f32>,
    /// `‖W^PP_{k,k+1}‖_F / ‖W^PP_{k+1,k}‖_F`.
    pub norm_ratio: Option<f32>,
    /// Fraction of entries where the top-down weight and the forward transpose agree in sign.
    pub sign_concordance: Option<f32>,
    /// `∠(W^IP_k, W^PP_{k+1,k})` in degrees.
    pub interneuron_angle_deg: Option<f32>,
    /// `∠(W^PI_k, -W^PP_{k,k+1})` in degrees.
    pub apical_angle_deg: Option<f32>,
}

/// One row of a microcircuit's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CircuitMetrics {
    /// Patterns presented so far (0 = before the first).
    pub patterns: u64,
    /// Simulated time, ms.
    pub time_ms: f64,
    /// The model that ran the last pattern.
    pub mode: Mode,
    /// Whether the output was being nudged towards the target.
    pub target_on: bool,
    /// Mean `½‖ŷ - y‖²` of the patterns since the previous row, each scored by the
    /// bottom-up prediction before that pattern's learning.
    pub batch_loss: f32,
    /// On the whole training set.
    pub train: Evaluation,
    /// On the held-out set.
    pub test: Evaluation,
    /// One entry per hidden layer, `k = 1 .. L-1`.
    pub layers: Vec<CircuitLayerMetrics>,
}

impl CircuitMetrics {
    /// The row in the shape an [`crate::Experiment`] logs (`step` = patterns, the
    /// top-down weights in the feedback's place, no update angle), so learning curves
    /// and CSV columns are shared with BP/FA/shallow.
    pub fn to_metrics(&self) -> Metrics {
        Metrics {
            step: self.patterns,
            batch_loss: self.batch_loss,
            train: self.train,
            test: self.test,
            layers: self
                .layers
                .iter()
                .map(|l| LayerMetrics {
                    layer: l.layer,
                    update_angle_deg: None,
                    weight_angle_deg: l.weight_angle_deg,
                    norm_ratio: l.norm_ratio,
                    sign_concordance: l.sign_concordance,
                })
                .collect(),
        }
    }

    /// `‖v_A‖²` per hidden layer.
    pub fn apical_energies(&self) -> Vec<f32> {
        self.layers.iter().map(|l| l.apical_energy).collect()
    }
}

/// The probed cells at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TracePoint {
    /// Simulated time, ms.
    pub time_ms: f64,
    /// Soma `u` of the probed pyramidal cell.
    pub soma: f32,
    /// Its basal potential `v_B`.
    pub basal: f32,
    /// Its apical potential `v_A`.
    pub apical: f32,
    /// Soma `u^I` of the probed interneuron.
    pub interneuron: f32,
    /// What that interneuron is nudged towards and learns to predict: its partner's
    /// soma `u_{k+1,j}` in the layer above.
    pub interneuron_target: f32,
}

/// One hidden layer `k` of the circuit for display: small, and cheap to make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub patterns: u64,
    pub time_ms: f64,
    pub mode: Mode,
    pub target_on: bool,
    /// Whether the run has diverged and stopped.
    pub diverged: bool,
    /// Layer widths `n_0 .. n_L`.
    pub layers: Vec<usize>,
    /// The hidden layer shown and the probed cells.
    pub probe: Probe,
    /// The current pattern's input `x` and target `y`.
    pub input: Vec<f32>,
    pub target: Vec<f32>,
    /// The output somata `u_L` (nudged while the target is on).
    pub output: Vec<f32>,
    /// Somata `u_k`, `(n_k)`.
    pub soma: Vec<f32>,
    /// Basal potentials `v_B,k`.
    pub basal: Vec<f32>,
    /// Apical potentials `v_A,k` = `top_down` + the interneurons' input.
    pub apical: Vec<f32>,
    /// The top-down part of `v_A`, `W^PP_{k,k+1} r_{k+1}`, that the interneurons learn
    /// to cancel.
    pub top_down: Vec<f32>,
    /// Interneuron somata `u^I_k`, `(n_{k+1})`.
    pub interneuron: Vec<f32>,
    /// Their targets: the partner somata `u_{k+1}` in the layer above.
    pub interneuron_target: Vec<f32>,
    /// `W^PP_{k,k-1}` `(n_k, n_{k-1})`; `None` above the size limit (as are the others).
    pub forward_in: Option<Matrix>,
    /// `W^PP_{k+1,k}` `(n_{k+1}, n_k)`.
    pub forward_out: Option<Matrix>,
    /// `W^PP_{k,k+1}` `(n_k, n_{k+1})`.
    pub top_down_weights: Option<Matrix>,
    /// `W^IP_k` `(n_{k+1}, n_k)`.
    pub pyramidal_to_interneuron: Option<Matrix>,
    /// `W^PI_k` `(n_k, n_{k+1})`.
    pub interneuron_to_apical: Option<Matrix>,
    /// The latest history row.
    pub metrics: Option<CircuitMetrics>,
}
