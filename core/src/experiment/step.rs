//! One training step on a minibatch of `b` samples (docs/science.md §0–1): load the next
//! minibatch, run the forward pass, send the output error back along the rule's path,
//! turn the deltas into gradients and apply them.
//!
//! ```text
//! forward     z_k = W_k a_{k-1} + b_k,  a_k = f(z_k)          (a_L linear, softmax or logistic)
//! output      δ_L = e = a_L - y, or e ∘ a_L ∘ (1 - a_L) for logistic units
//! hidden      δ_k = (P_k s_k) ∘ f'(z_k)                          the rule's path, see `rule`
//! update      ΔW_k = -η (1/b) Σ_i δ_k a_{k-1}ᵀ  (+ momentum, weight decay, KP decay)
//! ```

use ndarray::{s, Array2, ArrayView2, Zip};

use super::{Experiment, StepError};
use crate::linalg;
use crate::metrics;
use crate::network::OutputLayer;
use crate::network::{ForwardBuffers, Network};
use crate::rule::{Backprop, Feedback, Rule};
use crate::streams::shuffle;

/// Writes the hidden deltas `δ_k`, `k = L-1 .. 1`, of `rule` for the leading `rows`
/// samples of a forward pass whose output error is `output_error`.
#[allow(clippy::too_many_arguments)]
pub(super) fn hidden_deltas(
    rule: &dyn Rule,
    network: &Network,
    feedback: &Feedback,
    no_derivative: bool,
    forward: &ForwardBuffers,
    output_error: ArrayView2<'_, f32>,
    rows: usize,
    deltas: &mut [Array2<f32>],
) {
    let depth = network.depth();
    let f = network.activation();
    for k in (1..depth).rev() {
        let (below, above) = deltas.split_at_mut(k);
        let source = if rule.uses_output_error() || k == depth - 1 {
            output_error.view()
        } else {
            above[0].slice(s![..rows, ..])
        };
        let mut g = below[k - 1].slice_mut(s![..rows, ..]);
        linalg::matmul(
            source,
            rule.path_t(k, network.weights(), feedback),
            g.view_mut(),
        );
        if !no_derivative {
            Zip::from(g)
                .and(forward.pre_activation[k - 1].slice(s![..rows, ..]))
                .and(forward.activation[k].slice(s![..rows, ..]))
                .for_each(|g, &z, &a| *g *= f.derivative_at(z, a));
        }
    }
}

impl Experiment {
    pub(super) fn load_sample(&mut self, row: usize, index: usize) {
        self.forward.activation[0]
            .row_mut(row)
            .assign(&self.dataset.train_inputs.row(index));
        self.targets
            .row_mut(row)
            .assign(&self.dataset.train_targets.row(index));
    }

    /// Copies the next `batch` training samples into the minibatch buffers, reshuffling
    /// at the end of every epoch.
    pub(super) fn next_batch(&mut self) {
        for r in 0..self.config.batch {
            if self.cursor == self.order.len() {
                shuffle(&mut self.order, &mut self.order_rng);
                self.cursor = 0;
            }
            let idx = self.order[self.cursor];
            self.cursor += 1;
            self.load_sample(r, idx);
        }
    }

    /// The mean loss of the minibatch of the latest forward pass, from its outputs
    /// (which stay in the buffers until the next step's pass).
    pub(super) fn minibatch_loss(&self) -> f32 {
        let rows = self.config.batch;
        let loss_sum = match self.network.output_layer() {
            OutputLayer::Linear | OutputLayer::Logistic => {
                0.5 * metrics::squared_error_sum(self.forward.output(rows), self.targets.view())
            }
            OutputLayer::Softmax => metrics::cross_entropy_sum(
                self.forward
                    .pre_activation
                    .last()
                    .expect("output layer")
                    .view(),
                self.targets.view(),
            ),
        };
        (loss_sum / rows as f64) as f32
    }

    /// Whether the latest minibatch's loss is finite, without its exponentials and
    /// logarithm when it surely is: with every output logit `z_L` and every output
    /// error finite, each term of the squared error (`a - y` is the linear unit's
    /// error, and finite with the logistic unit's) and of the cross-entropy (from
    /// finite logits, one-hot targets) is a finite `f64`. Otherwise the loss decides.
    fn minibatch_loss_is_finite(&self) -> bool {
        let rows = self.config.batch;
        let logits = self.forward.pre_activation.last().expect("output layer");
        let finite = |m: ArrayView2<'_, f32>| m.iter().all(|v| v.is_finite());
        (finite(logits.slice(s![..rows, ..])) && finite(self.output_error.view()))
            || self.minibatch_loss().is_finite()
    }

    /// Forward pass, output error and the rule's hidden deltas on the loaded minibatch;
    /// with `shadow`, also backprop's deltas and the update angles. The minibatch's
    /// loss is computed when asked for ([`Experiment::minibatch_loss`]), not here: at one
    /// sample per step its exponentials and logarithm were a tenth of a step.
    pub(super) fn forward_backward(&mut self, shadow: bool) {
        let rows = self.config.batch;
        self.network.forward(&mut self.forward, rows);
        let output_layer = self.network.output_layer();
        Zip::from(&mut self.output_error)
            .and(self.forward.output(rows))
            .and(&self.targets)
            .for_each(|e, &a, &y| *e = output_layer.delta(a, y));
        if self.rule.trains_hidden() {
            hidden_deltas(
                self.rule,
                &self.network,
                &self.feedback,
                self.config.no_derivative,
                &self.forward,
                self.output_error.view(),
                rows,
                &mut self.deltas,
            );
        }
        if shadow {
            hidden_deltas(
                &Backprop,
                &self.network,
                &self.feedback,
                false,
                &self.forward,
                self.output_error.view(),
                rows,
                &mut self.shadow,
            );
            for (angle, (rule, bp)) in self
                .update_angles
                .iter_mut()
                .zip(self.deltas.iter().zip(&self.shadow))
            {
                *angle = metrics::mean_row_angle_deg(rule.view(), bp.view());
            }
        }
    }

    /// The first weight layer that learns: 1, or `L` when hidden layers do not.
    pub(super) fn first_learning_layer(&self) -> usize {
        if self.rule.trains_hidden() {
            1
        } else {
            self.network.depth()
        }
    }

    /// Fills `grad_w` and `grad_b` with the loss gradients summed over the minibatch,
    /// `Σ_i δ_k a_{k-1}ᵀ` and `Σ_i δ_k`, for every layer that learns.
    pub(super) fn compute_gradients(&mut self) {
        let depth = self.network.depth();
        for k in self.first_learning_layer()..=depth {
            let delta = if k == depth {
                self.output_error.view()
            } else {
                self.deltas[k - 1].view()
            };
            linalg::matmul_tn(
                delta,
                self.forward.activation[k - 1].view(),
                self.grad_w[k - 1].view_mut(),
            );
            let grad_b = &mut self.grad_b[k - 1];
            grad_b.fill(0.0);
            for row in delta.rows() {
                *grad_b += &row;
            }
        }
    }

    /// Turns the summed gradients into increments and applies them (with the
    /// Kolen–Pollack decay and feedback update where the rule asks for it). Returns the
    /// first parameter that is no longer finite, as (quantity, layer).
    pub(super) fn apply_gradients(&mut self) -> Option<(&'static str, usize)> {
        let batch = self.config.batch;
        let mut non_finite = None;
        for k in self.first_learning_layer()..=self.network.depth() {
            let weights_finite = self.optimizer.step_weights(
                k,
                &mut self.grad_w[k - 1],
                &mut self.network.weights[k - 1],
                batch,
                self.decay,
            );
            let biases_finite = self.optimizer.step_biases(
                k,
                &mut self.grad_b[k - 1],
                &mut self.network.biases[k - 1],
                batch,
            );
            self.rule
                .after_update(k, self.grad_w[k - 1].view(), self.decay, &mut self.feedback);
            if non_finite.is_none() {
                if !weights_finite {
                    non_finite = Some(("weights", k));
                } else if !biases_finite {
                    non_finite = Some(("biases", k));
                }
            }
        }
        self.rule.sync(self.network.weights(), &mut self.feedback);
        if non_finite.is_none() && self.rule.learns_feedback() {
            non_finite = self
                .feedback
                .b_t
                .iter()
                .position(|b| !b.iter().all(|v| v.is_finite()))
                .map(|h| ("feedback", h + 1));
        }
        non_finite
    }

    pub(super) fn diverge(&mut self, quantity: &'static str, layer: Option<usize>) -> StepError {
        let error = StepError::Diverged {
            step: self.steps + 1,
            quantity,
            layer,
            lr: self.config.lr,
        };
        self.diverged = Some(error.clone());
        error
    }

    pub(super) fn step_once(&mut self) -> Result<(), StepError> {
        if let Some(error) = &self.diverged {
            return Err(error.clone());
        }
        let logging = (self.steps + 1) % self.config.log_every == 0;
        self.next_batch();
        self.forward_backward(logging);
        if !self.minibatch_loss_is_finite() {
            return Err(self.diverge("loss", None));
        }
        self.compute_gradients();
        self.step_learning_rate = self.optimizer.learning_rate;
        if let Some((quantity, layer)) = self.apply_gradients() {
            return Err(self.diverge(quantity, Some(layer)));
        }
        self.steps += 1;
        if logging {
            self.record_metrics();
        }
        Ok(())
    }

    /// Runs `n` training steps. Stops at the first divergence, which is then returned
    /// by every later call.
    pub fn step(&mut self, n: u64) -> Result<(), StepError> {
        for _ in 0..n {
            self.step_once()?;
        }
        Ok(())
    }
}
