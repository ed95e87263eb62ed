//! What can be seen of an experiment without changing it: evaluation over a whole set,
//! the alignment metrics of a logged step, the weights hash that checks two runs are
//! bit-identical, predictions, and the [`Snapshot`] the UI draws.

use ndarray::{s, Array2, ArrayView1, ArrayView2, Zip};
use serde::{Deserialize, Serialize};

use super::step::hidden_deltas;
use super::{Experiment, EVAL_CHUNK, SNAPSHOT_MAX_ENTRIES};
use crate::hash::Fnv1a;
use crate::linalg;
use crate::metrics::{self, Evaluation, LayerMetrics, Metrics};
use crate::network::ForwardBuffers;
use crate::rule::RuleKind;
use crate::task::OutputKind;

/// One input's pass through the network ([`Experiment::probe`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Probe {
    /// `a_0 .. a_L` (`a_0` the input, `a_L` the output).
    pub activations: Vec<Vec<f32>>,
    /// With a target: `δ_1 .. δ_L` under the rule, `δ_L` the output error (as in
    /// [`Snapshot::deltas`]).
    pub deltas: Option<Vec<Vec<f32>>>,
}

/// A matrix for display, entries in row-major order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Matrix {
    pub rows: usize,
    pub cols: usize,
    /// `rows × cols` entries, row after row.
    pub data: Vec<f32>,
}

impl Matrix {
    /// Copies a view in its logical (row-major) order, whatever its strides.
    pub fn from_view(view: ArrayView2<'_, f32>) -> Self {
        Matrix {
            rows: view.nrows(),
            cols: view.ncols(),
            data: view.iter().copied().collect(),
        }
    }
}

/// What the UI draws after a batch of steps: small, and cheap to make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Updates applied so far.
    pub step: u64,
    pub rule: RuleKind,
    /// Layer widths `n_0 .. n_L`.
    pub layers: Vec<usize>,
    /// Whether the experiment has diverged and stopped.
    pub diverged: bool,
    /// The probe input `x` (the first held-out sample).
    pub probe_input: Vec<f32>,
    /// Its target `y`.
    pub probe_target: Vec<f32>,
    /// `a_0 .. a_L` for the probe (`a_0 = x`, `a_L` the prediction).
    pub activations: Vec<Vec<f32>>,
    /// `δ_1 .. δ_L` for the probe under the rule (`δ_L = e = a_L - y`, times
    /// `a_L (1 - a_L)` for logistic output units; hidden deltas
    /// are zero when hidden layers do not learn).
    pub deltas: Vec<Vec<f32>>,
    /// `W_1 .. W_L`, `(n_k, n_{k-1})`; `None` above the size limit.
    pub weights: Vec<Option<Matrix>>,
    /// `b_1 .. b_L`.
    pub biases: Vec<Vec<f32>>,
    /// Per hidden layer `k = 1 .. L-1`, the rule's feedback matrix in the papers'
    /// orientation: `B_{k+1}` `(n_k, n_{k+1})`, or `D_k` `(n_k, n_L)` for DFA, or the
    /// sign-concordant matrix for uSF/frSF; for backprop and shallow the drawn but
    /// unused `B`. `None` above the size limit.
    pub feedback: Vec<Option<Matrix>>,
    /// The latest history row.
    pub metrics: Option<Metrics>,
}

impl Experiment {
    /// Loss, accuracy and NSE over the training set (`test = false`) or the held-out set
    /// (or the first samples of each: [`Experiment::set_evaluation_sizes`]).
    pub fn evaluate(&mut self, test: bool) -> Evaluation {
        let (network, eval) = (&self.network, &mut self.eval);
        let chunk = eval.capacity();
        let (train_limit, test_limit) = self.evaluation_sizes;
        metrics::evaluate_set(
            &self.dataset,
            self.nse_denominators,
            test,
            chunk,
            if test { test_limit } else { train_limit },
            |inputs, targets, sums| {
                let rows = inputs.nrows();
                eval.input_mut(rows).assign(&inputs);
                network.forward(eval, rows);
                let output = eval.output(rows);
                if network.output_layer().squared_error() {
                    let sum = metrics::squared_error_sum(output, targets);
                    sums.squared += sum;
                    sums.loss += 0.5 * sum;
                } else {
                    let logits = eval.pre_activation.last().expect("output layer");
                    sums.loss += metrics::cross_entropy_sum(logits.slice(s![..rows, ..]), targets);
                }
                if let OutputKind::Classification { .. } = network.output() {
                    sums.correct += metrics::correct_count(output, targets);
                }
            },
        )
    }

    /// Alignment of every hidden layer against the current weights.
    pub(super) fn layer_metrics(&mut self) -> Vec<LayerMetrics> {
        let depth = self.network.depth();
        let weights = &self.network.weights;
        if self.rule.uses_output_error() {
            for k in (1..depth).rev() {
                let (below, above) = self.path_products.split_at_mut(k);
                if k == depth - 1 {
                    below[k - 1].assign(&weights[depth - 1]);
                } else {
                    linalg::matmul(above[0].view(), weights[k].view(), below[k - 1].view_mut());
                }
            }
        }
        (1..depth)
            .map(|k| {
                let f = self.rule.feedback_t(k, &self.feedback);
                let r = if self.rule.uses_output_error() {
                    self.path_products[k - 1].view()
                } else {
                    weights[k].view()
                };
                LayerMetrics {
                    layer: k,
                    update_angle_deg: self.update_angles[k - 1],
                    weight_angle_deg: metrics::angle_deg(f, r),
                    norm_ratio: metrics::norm_ratio(f, r),
                    sign_concordance: metrics::sign_concordance(f, r),
                }
            })
            .collect()
    }

    pub(super) fn record_metrics(&mut self) {
        let batch_loss = self.minibatch_loss();
        let train = self.evaluate(false);
        let test = self.evaluate(true);
        let layers = self.layer_metrics();
        self.history.push(Metrics {
            step: self.steps,
            batch_loss,
            train,
            test,
            layers,
        });
    }

    /// A 64-bit FNV-1a hash of the bits of every weight, bias and feedback matrix, to
    /// check that two runs (native and wasm) are bit-identical.
    pub fn weights_hash(&self) -> u64 {
        let mut hash = Fnv1a::new();
        let mut eat = |values: &mut dyn Iterator<Item = &f32>| {
            for &v in values {
                hash.f32(v);
            }
        };
        for (w, b) in self.network.weights().iter().zip(self.network.biases()) {
            eat(&mut w.iter());
            eat(&mut b.iter());
        }
        for m in self
            .feedback
            .b_t
            .iter()
            .chain(&self.feedback.d_t)
            .chain(&self.feedback.magnitude_t)
        {
            eat(&mut m.iter());
        }
        hash.finish()
    }

    /// The network's outputs (linear, or softmax probabilities) for `inputs`, samples in
    /// rows, e.g. a grid of points for a decision-boundary heatmap. Allocates.
    ///
    /// # Panics
    ///
    /// If `inputs` does not have `n_0` columns.
    pub fn predict(&self, inputs: ArrayView2<'_, f32>) -> Array2<f32> {
        let n_in = self.network.sizes()[0];
        assert_eq!(
            inputs.ncols(),
            n_in,
            "predict: inputs need {n_in} columns, got {}",
            inputs.ncols()
        );
        let n = inputs.nrows();
        let n_out = *self.network.sizes().last().unwrap_or(&0);
        let mut result = Array2::zeros((n, n_out));
        let chunk = EVAL_CHUNK.min(n.max(1));
        let mut buffers = ForwardBuffers::new(&self.network, chunk);
        for start in (0..n).step_by(chunk) {
            let rows = chunk.min(n - start);
            let range = s![start..start + rows, ..];
            buffers.input_mut(rows).assign(&inputs.slice(range));
            self.network.forward(&mut buffers, rows);
            result.slice_mut(range).assign(&buffers.output(rows));
        }
        result
    }

    /// [`Experiment::snapshot_with`] at [`SNAPSHOT_MAX_ENTRIES`].
    pub fn snapshot(&self) -> Snapshot {
        self.snapshot_with(SNAPSHOT_MAX_ENTRIES)
    }

    /// One forward pass of `input` (`n_0` values) and, with a `target` (`n_L` values),
    /// the error signals it sends back under the rule: what the network diagram shows
    /// for the probe, and the digits page for a drawn digit. Allocates.
    ///
    /// # Panics
    ///
    /// If `input` does not have `n_0` values or `target` does not have `n_L`.
    pub fn probe(&self, input: ArrayView1<'_, f32>, target: Option<ArrayView1<'_, f32>>) -> Probe {
        let net = &self.network;
        let depth = net.depth();
        let mut forward = ForwardBuffers::new(net, 1);
        forward.input_mut(1).row_mut(0).assign(&input);
        net.forward(&mut forward, 1);
        let activations = forward
            .activation
            .iter()
            .map(|a| a.iter().copied().collect())
            .collect();
        let deltas = target.map(|y| {
            let output_layer = net.output_layer();
            let mut output_error = forward.output(1).to_owned();
            Zip::from(output_error.row_mut(0))
                .and(&y)
                .for_each(|a, &y| *a = output_layer.delta(*a, y));
            let mut deltas: Vec<Array2<f32>> = net.sizes()[1..depth]
                .iter()
                .map(|&n| Array2::zeros((1, n)))
                .collect();
            if self.rule.trains_hidden() {
                hidden_deltas(
                    self.rule,
                    net,
                    &self.feedback,
                    self.config.no_derivative,
                    &forward,
                    output_error.view(),
                    1,
                    &mut deltas,
                );
            }
            deltas
                .iter()
                .chain(std::iter::once(&output_error))
                .map(|d| d.iter().copied().collect())
                .collect()
        });
        Probe {
            activations,
            deltas,
        }
    }

    /// The state for display: probe activations and deltas, matrices with at most
    /// `max_entries` entries, the latest metrics. Allocates.
    pub fn snapshot_with(&self, max_entries: usize) -> Snapshot {
        let net = &self.network;
        let depth = net.depth();
        let x = self.dataset.test_inputs.row(0);
        let y = self.dataset.test_targets.row(0);
        let probe = self.probe(x, Some(y));
        let matrix = |view: ArrayView2<'_, f32>| {
            (view.len() <= max_entries).then(|| Matrix::from_view(view))
        };
        Snapshot {
            step: self.steps,
            rule: self.rule.kind(),
            layers: net.sizes().to_vec(),
            diverged: self.diverged.is_some(),
            probe_input: x.to_vec(),
            probe_target: y.to_vec(),
            activations: probe.activations,
            deltas: probe.deltas.unwrap_or_default(),
            weights: net.weights().iter().map(|w| matrix(w.view())).collect(),
            biases: net.biases().iter().map(|b| b.to_vec()).collect(),
            feedback: (1..depth)
                .map(|k| matrix(self.rule.feedback_t(k, &self.feedback).t()))
                .collect(),
            metrics: self.latest().cloned(),
        }
    }
}
