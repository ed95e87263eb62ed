//! What a microcircuit shows: its evaluation on whole sets, metrics rows for the
//! history, the trace of one probed pyramidal cell and interneuron, the state hash and
//! a compact snapshot of one hidden layer.
//!
//! Per hidden layer `k` (docs/science.md §2 and §4):
//!
//! ```text
//! apical energy       ‖v_A,k‖² = Σ_i v_A,k,i²         the self-prediction error; 0 in the self-predicting state
//! update angle        ∠(ΔW_k circuit, ΔW_k backprop)   same state and pattern, degrees (super::update_angle)
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

use ndarray::{Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::config::{Mode, Probe};
use super::minibatch;
use super::state::{self, Shares};
use super::{CircuitWeights, Microcircuit};
use crate::experiment::classify::Classifier;
use crate::experiment::{Matrix, EVAL_CHUNK, SNAPSHOT_MAX_ENTRIES};
use crate::hash::Fnv1a;
use crate::metrics::{self, Evaluation, LayerMetrics, Metrics};

/// One hidden layer of a metrics row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CircuitLayerMetrics {
    /// Hidden layer `k`, 1-based.
    pub layer: usize,
    /// `‖v_A,k‖²`, averaged over the patterns since the previous row.
    pub apical_energy: f32,
    /// The angle in degrees between the circuit's change of `W^PP_{k,k-1}` and the
    /// change backprop would make from the same state and pattern, averaged over the
    /// patterns since the previous row that had a target ([`super::update_angle`]).
    #[serde(default)]
    pub update_angle_deg: Option<f32>,
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
    /// top-down weights in the feedback's place), so learning curves
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
                    update_angle_deg: l.update_angle_deg,
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

/// Scratch for bottom-up passes: one pattern, and chunks of up to `chunk` patterns
/// for whole sets (in matrix form, which gives the same bits, see
/// [`super::minibatch`]).
#[derive(Debug, Clone)]
pub(super) struct EvalBuffers {
    basal: Vec<Array1<f32>>,
    soma: Vec<Array1<f32>>,
    rate: Vec<Array1<f32>>,
    chunk_basal: Vec<Array2<f32>>,
    chunk_soma: Vec<Array2<f32>>,
    chunk_rate: Vec<Array2<f32>>,
}

impl EvalBuffers {
    pub(super) fn new(sizes: &[usize], chunk: usize) -> Self {
        let layers = || sizes[1..].iter().map(|&n| Array1::zeros(n)).collect();
        let chunks = || {
            sizes[1..]
                .iter()
                .map(|&n| Array2::zeros((chunk, n)))
                .collect()
        };
        EvalBuffers {
            basal: layers(),
            soma: layers(),
            rate: layers(),
            chunk_basal: chunks(),
            chunk_soma: chunks(),
            chunk_rate: chunks(),
        }
    }

    /// The bottom-up prediction `ŷ` for `x`, left in `soma.last()`.
    pub(super) fn predict(
        &mut self,
        weights: &CircuitWeights,
        shares: &Shares,
        x: ndarray::ArrayView1<'_, f32>,
    ) {
        state::bottom_up(
            weights,
            shares,
            x,
            &mut self.basal,
            &mut self.soma,
            &mut self.rate,
        );
    }

    pub(super) fn output(&self) -> &Array1<f32> {
        self.soma.last().expect("an output layer")
    }

    /// The bottom-up predictions for the rows of `inputs` (at most `chunk` of them),
    /// one row each.
    pub(super) fn predict_rows(
        &mut self,
        weights: &CircuitWeights,
        shares: &Shares,
        inputs: ArrayView2<'_, f32>,
    ) -> ArrayView2<'_, f32> {
        minibatch::bottom_up_rows(
            weights,
            shares,
            inputs,
            &mut self.chunk_basal,
            &mut self.chunk_soma,
            &mut self.chunk_rate,
        );
        let output = self.chunk_soma.last().expect("an output layer");
        output.slice(ndarray::s![..inputs.nrows(), ..])
    }
}

impl Microcircuit {
    pub(super) fn push_trace_point(&mut self) {
        if self.config.trace_capacity == 0 {
            return;
        }
        if self.trace.len() == self.config.trace_capacity {
            self.trace.pop_front();
        }
        let Probe {
            layer: k,
            neuron: i,
            interneuron: j,
        } = self.config.probe;
        let s = &self.state;
        self.trace.push_back(TracePoint {
            time_ms: self.time_ms(),
            soma: s.soma[k - 1][i],
            basal: s.basal[k - 1][i],
            apical: s.apical[k - 1][i],
            interneuron: s.interneuron_soma[k - 1][j],
            interneuron_target: s.soma[k][j],
        });
    }

    /// Loss, accuracy and NSE of the bottom-up prediction over the training set
    /// (`test = false`) or the held-out set. The loss is `½‖ŷ - y‖²` for classification
    /// too: the targets are rates.
    pub fn evaluate(&mut self, test: bool) -> Evaluation {
        let (weights, shares, eval) = (&self.weights, &self.shares, &mut self.eval);
        metrics::evaluate_set(
            &self.dataset,
            self.nse_denominators,
            test,
            EVAL_CHUNK,
            usize::MAX,
            |inputs, targets, sums| {
                let outputs = eval.predict_rows(weights, shares, inputs);
                for (output, y) in outputs.rows().into_iter().zip(targets.rows()) {
                    let squared = output
                        .iter()
                        .zip(&y)
                        .map(|(&u, &t)| f64::from(u - t).powi(2))
                        .sum::<f64>();
                    sums.squared += squared;
                    // Halving is exact, so this sums to exactly `½ Σ‖e‖²`.
                    sums.loss += 0.5 * squared;
                    if metrics::argmax(output) == metrics::argmax(y) {
                        sums.correct += 1;
                    }
                }
            },
        )
    }

    pub(super) fn record_metrics(&mut self) {
        let train = self.evaluate(false);
        let test = self.evaluate(true);
        let count = self.since_log.patterns.max(1) as f64;
        let layers = (1..=self.weights.hidden_layers())
            .map(|k| {
                let top_down = self.weights.top_down[k - 1].t();
                let forward = self.weights.forward[k].view();
                CircuitLayerMetrics {
                    layer: k,
                    apical_energy: (self.since_log.apical_energy[k - 1] / count) as f32,
                    update_angle_deg: self.since_log.update_angle[k - 1].mean(),
                    weight_angle_deg: self.weights.top_down_angle_deg(k),
                    norm_ratio: metrics::norm_ratio(top_down, forward),
                    sign_concordance: metrics::sign_concordance(top_down, forward),
                    interneuron_angle_deg: self.weights.interneuron_angle_deg(k),
                    apical_angle_deg: self.weights.apical_angle_deg(k),
                }
            })
            .collect();
        self.history.push(CircuitMetrics {
            patterns: self.patterns,
            time_ms: self.time_ms(),
            mode: self.config.mode,
            target_on: self.target_on,
            batch_loss: (self.since_log.loss / count) as f32,
            train,
            test,
            layers,
        });
        self.since_log.apical_energy.fill(0.0);
        self.since_log.update_angle.fill(Default::default());
        self.since_log.loss = 0.0;
        self.since_log.patterns = 0;
    }

    /// The bottom-up predictions `ŷ` for `inputs`, samples in rows (e.g. a grid of
    /// points for a decision-boundary heatmap). Allocates.
    ///
    /// # Panics
    ///
    /// If `inputs` does not have `n_0` columns.
    pub fn predict(&self, inputs: ArrayView2<'_, f32>) -> Array2<f32> {
        let sizes = &self.config.layers;
        assert_eq!(
            inputs.ncols(),
            sizes[0],
            "predict: inputs need {} columns, got {}",
            sizes[0],
            inputs.ncols()
        );
        let mut buffers = EvalBuffers::new(sizes, 0);
        let mut result = Array2::zeros((inputs.nrows(), sizes[sizes.len() - 1]));
        for (x, mut row) in inputs.rows().into_iter().zip(result.rows_mut()) {
            buffers.predict(&self.weights, &self.shares, x);
            row.assign(buffers.output());
        }
        result
    }

    /// A 64-bit FNV-1a hash of the bits of every weight and potential, to check that
    /// two runs (native and wasm) are bit-identical.
    pub fn state_hash(&self) -> u64 {
        let mut hash = Fnv1a::new();
        let mut eat = |v: f32| hash.f32(v);
        self.weights.for_each_value(&mut eat);
        self.state.for_each_value(&mut eat);
        hash.finish()
    }

    /// A 64-bit FNV-1a hash of the bits of every weight and bias (forward, top-down
    /// and interneuron): what the page shows and `bioprop run --config` prints, to
    /// check that a replayed run learned the same weights.
    pub fn weights_hash(&self) -> u64 {
        let mut hash = Fnv1a::new();
        self.weights.for_each_value(&mut |v: f32| hash.f32(v));
        hash.finish()
    }

    /// [`Microcircuit::snapshot_with`] at [`SNAPSHOT_MAX_ENTRIES`].
    pub fn snapshot(&self) -> Snapshot {
        self.snapshot_with(SNAPSHOT_MAX_ENTRIES)
    }

    /// The probed hidden layer for display, with matrices of at most `max_entries`
    /// entries. Allocates.
    pub fn snapshot_with(&self, max_entries: usize) -> Snapshot {
        let probe = self.config.probe;
        let h = probe.layer - 1;
        let (s, w) = (&self.state, &self.weights);
        let matrix = |view: ArrayView2<'_, f32>| {
            (view.len() <= max_entries).then(|| Matrix::from_view(view))
        };
        Snapshot {
            patterns: self.patterns,
            time_ms: self.time_ms(),
            mode: self.config.mode,
            target_on: self.target_on,
            diverged: self.diverged.is_some(),
            layers: self.config.layers.clone(),
            probe,
            input: self.x.to_vec(),
            target: self.y.to_vec(),
            output: s.output().to_vec(),
            soma: s.soma[h].to_vec(),
            basal: s.basal[h].to_vec(),
            apical: s.apical[h].to_vec(),
            top_down: s.top_down[h].to_vec(),
            interneuron: s.interneuron_soma[h].to_vec(),
            interneuron_target: s.soma[h + 1].to_vec(),
            forward_in: matrix(w.forward[h].view()),
            forward_out: matrix(w.forward[h + 1].view()),
            top_down_weights: matrix(w.top_down[h].view()),
            pyramidal_to_interneuron: matrix(w.pyramidal_to_interneuron[h].view()),
            interneuron_to_apical: matrix(w.interneuron_to_apical[h].view()),
            metrics: self.latest().cloned(),
        }
    }
}

/// The circuit's class for a held-out digit is its largest bottom-up prediction
/// ([`Microcircuit::predict`]), so a
/// [`ConfusionSweep`](crate::experiment::classify::ConfusionSweep) sweeps it as it
/// sweeps a network.
impl Classifier for Microcircuit {
    fn dataset(&self) -> &crate::task::Dataset {
        Microcircuit::dataset(self)
    }
    fn classify_test(&mut self, range: std::ops::Range<usize>, out: &mut Vec<u8>) {
        let inputs = &Microcircuit::dataset(self).test_inputs;
        let n = inputs.nrows();
        let predictions =
            self.predict(inputs.slice(ndarray::s![range.start.min(n)..range.end.min(n), ..]));
        out.extend(
            predictions
                .rows()
                .into_iter()
                .map(|row| metrics::argmax(row) as u8),
        );
    }
}
