//! An experiment: one network learning one task under one rule, driven by the UI's
//! worker and by the CLI.
//!
//! ```text
//! ExperimentConfig ──validate──▶ Experiment::new ──▶ step(n) … ──▶ history(), snapshot()
//! ```
//!
//! One training step on a minibatch of `b` samples (docs/science.md §0–1):
//!
//! ```text
//! forward     z_k = W_k a_{k-1} + b_k,  a_k = f(z_k)          (a_L linear, softmax or logistic)
//! output      δ_L = e = a_L - y, or e ∘ a_L ∘ (1 - a_L) for logistic units
//! hidden      δ_k = (P_k s_k) ∘ f'(z_k)                          the rule's path, see `rule`
//! update      ΔW_k = -η (1/b) Σ_i δ_k a_{k-1}ᵀ  (+ momentum, weight decay, KP decay)
//! ```
//!
//! # Reproducibility
//!
//! The seed feeds four independent ChaCha8 streams (see [`crate::streams`]): data,
//! forward weights, feedback `B`, `D`, `M` and minibatch order. No stream depends on the rule,
//! so experiments built from one config with different rules start from the same
//! weights and feedback and see the same minibatches. All arithmetic runs in a fixed
//! order with portable functions (see `linalg` and `activation`), so a run gives the
//! same bits natively and in wasm: compare [`Experiment::weights_hash`].
//!
//! # Files
//!
//! | file | concept |
//! |---|---|
//! | [`config`] | [`ExperimentConfig`], its limits and validation, [`ConfigError`], [`StepError`] |
//! | `step` | one training step: minibatch, forward, the rule's deltas, the update |
//! | [`synapse`] | an output synapse's latest update and its numbers ([`SynapseUpdate`]) |
//! | [`observe`] | evaluation, alignment metrics, the weights hash, [`Snapshot`], [`observe::Probe`] |
//! | [`classify`] | confusion matrix, misclassified samples, class probabilities |
//! | `tests` | unit tests against finite differences and identities between rules |
//!
//! # Allocation
//!
//! Every buffer a step needs is allocated in [`Experiment::new`]. A step that does not
//! log allocates nothing (`tests/no_alloc.rs` checks it with a counting allocator); a
//! logged step (every `log_every` steps) pushes one [`Metrics`] row onto the history.
//!
//! # Snapshot
//!
//! [`Experiment::snapshot`] is what the UI draws: activations and deltas for one fixed
//! probe input (the first held-out sample), the weight and feedback matrices (each
//! left out above [`SNAPSHOT_MAX_ENTRIES`] entries), and the latest metrics.

pub mod classify;
mod config;
pub mod observe;
mod step;
pub mod synapse;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use ndarray::{Array1, Array2};
use rand_chacha::ChaCha8Rng;

pub use config::{
    layers_string, ConfigError, ExperimentConfig, StepError, DEFAULT_KP_DECAY, EVAL_CHUNK,
    MAX_BATCH, MAX_LAYERS, MAX_LEARNING_RATE, MAX_PARAMETERS, MAX_SCALE, MAX_UNITS,
    SNAPSHOT_MAX_ENTRIES,
};
pub use observe::{Matrix, Probe, Snapshot};
pub use synapse::{SynapseSample, SynapseUpdate, MAX_LISTED_SAMPLES};

use crate::limits;
use crate::metrics::{Metrics, NseDenominators};
use crate::network::{ForwardBuffers, Network};
use crate::optimizer::Sgd;
use crate::rule::{Feedback, Rule, RuleKind};
use crate::streams::{self, shuffle, stream};
use crate::task::{self, Dataset, InitSpec, OutputKind, TaskError};

/// A network learning a task under a rule; see the module docs. A clone carries the
/// generators along, so it continues exactly as the original would.
#[derive(Clone)]
pub struct Experiment {
    config: ExperimentConfig,
    feedback_init: InitSpec,
    /// Shared by the runs of one comparison: the digits are tens of megabytes.
    dataset: Arc<Dataset>,
    /// How many training and held-out samples a logged row evaluates (the first ones).
    evaluation_sizes: (usize, usize),
    network: Network,
    rule: &'static dyn Rule,
    feedback: Feedback,
    optimizer: Sgd,
    /// `λ` for `W` (and `B`): `kp_decay` under Kolen–Pollack, else 1.
    decay: f32,

    // Minibatch buffers, `batch` rows each.
    forward: ForwardBuffers,
    targets: Array2<f32>,
    /// `e = δ_L`, `(b, n_L)`.
    output_error: Array2<f32>,
    /// `δ_k` under the rule for hidden `k`, at `k - 1`, `(b, n_k)`.
    deltas: Vec<Array2<f32>>,
    /// `δ_k` under backprop for the same forward pass (logged steps only).
    shadow: Vec<Array2<f32>>,
    /// Summed gradients, then increments, per weight layer.
    grad_w: Vec<Array2<f32>>,
    grad_b: Vec<Array1<f32>>,
    /// Update angles of the current logged step, per hidden layer.
    update_angles: Vec<Option<f32>>,
    /// `W_L ⋯ W_{k+1}`, `(n_L, n_k)`, per hidden layer: DFA's weight-angle reference.
    path_products: Vec<Array2<f32>>,
    /// Chunk buffers for evaluating whole sets.
    eval: ForwardBuffers,

    order: Vec<usize>,
    cursor: usize,
    order_rng: ChaCha8Rng,
    feedback_rng: ChaCha8Rng,

    steps: u64,
    /// `η` of the latest step ([`Experiment::output_synapse`] reports it).
    step_learning_rate: f32,
    history: Vec<Metrics>,
    diverged: Option<StepError>,
    /// `Σ‖y - ȳ‖²` of the training and test targets (regression only).
    nse_denominators: NseDenominators,
}

impl Experiment {
    /// Validates `config`, generates its task's data and builds the experiment.
    pub fn new(config: &ExperimentConfig) -> Result<Self, ConfigError> {
        config.validate()?;
        let dataset = task::generate(&config.task, &mut stream(config.seed, streams::DATA))?;
        Experiment::with_dataset(config, dataset)
    }

    /// Builds the experiment on supplied data (the `arrays` task, digits), checking the
    /// layer sizes and batch against it. `config.task` is kept for the record.
    pub fn with_dataset(config: &ExperimentConfig, dataset: Dataset) -> Result<Self, ConfigError> {
        Experiment::with_shared_dataset(config, Arc::new(dataset), (usize::MAX, usize::MAX))
    }

    /// As [`Experiment::with_dataset`], on data shared with other experiments (compare
    /// mode on the digits: one copy for all runs), each logged row (the first one too)
    /// evaluating the first `evaluation_sizes` training and held-out samples (see
    /// [`Experiment::set_evaluation_sizes`]).
    pub fn with_shared_dataset(
        config: &ExperimentConfig,
        dataset: Arc<Dataset>,
        evaluation_sizes: (usize, usize),
    ) -> Result<Self, ConfigError> {
        config.validate()?;
        let outputs = match dataset.output {
            OutputKind::Classification { classes } => classes,
            OutputKind::Regression => dataset.output_size(),
        };
        config.validate_io(
            config.task.kind,
            dataset.input_size(),
            outputs,
            dataset.output,
        )?;
        config.validate_batch(dataset.train_size())?;
        if dataset.test_size() == 0 {
            return Err(ConfigError::Task(TaskError::Empty {
                array: "test_inputs",
                rows: dataset.test_size(),
                cols: dataset.input_size(),
            }));
        }

        let sizes = config.layers.clone();
        let depth = sizes.len() - 1;
        let batch = config.batch;
        let network = Network::new(
            &sizes,
            config.activation,
            dataset.output,
            config.resolved_weight_init(),
            &mut stream(config.seed, streams::WEIGHTS),
        )
        .with_output_layer(config.resolved_output_layer(dataset.output));
        let feedback_init = config.resolved_feedback_init();
        let mut feedback_rng = stream(config.seed, streams::FEEDBACK);
        let mut feedback = Feedback::draw(
            &sizes,
            feedback_init,
            config.feedback_scale,
            &mut feedback_rng,
        );
        let rule = config.rule.rule();
        rule.sync(network.weights(), &mut feedback);

        let mut order_rng = stream(config.seed, streams::ORDER);
        let mut order: Vec<usize> = (0..dataset.train_size()).collect();
        shuffle(&mut order, &mut order_rng);

        let hidden = |n: usize| -> Vec<Array2<f32>> {
            sizes[1..depth]
                .iter()
                .map(|&width| Array2::zeros((n, width)))
                .collect()
        };
        let n_out = sizes[depth];
        let eval_rows = EVAL_CHUNK.min(dataset.train_size().max(dataset.test_size()));
        let nse_denominators = NseDenominators::of(&dataset);

        let mut experiment = Experiment {
            optimizer: Sgd::new(&network, config.lr, config.momentum, config.weight_decay),
            decay: if rule.learns_feedback() {
                config.kp_decay
            } else {
                1.0
            },
            forward: ForwardBuffers::new(&network, batch),
            targets: Array2::zeros((batch, n_out)),
            output_error: Array2::zeros((batch, n_out)),
            deltas: hidden(batch),
            shadow: hidden(batch),
            grad_w: network.zeros_like_weights(),
            grad_b: network.zeros_like_biases(),
            update_angles: vec![None; depth - 1],
            path_products: hidden(n_out),
            eval: ForwardBuffers::new(&network, eval_rows),
            order,
            cursor: 0,
            order_rng,
            feedback_rng,
            steps: 0,
            step_learning_rate: config.lr,
            history: Vec::new(),
            diverged: None,
            nse_denominators,
            config: config.clone(),
            feedback_init,
            dataset,
            evaluation_sizes: (evaluation_sizes.0.max(1), evaluation_sizes.1.max(1)),
            network,
            rule,
            feedback,
        };
        // Row 0: the untrained network, with the update angle of the first minibatch
        // (read without advancing the order, so step 1 trains on the same samples).
        for r in 0..batch {
            let idx = experiment.order[r];
            experiment.load_sample(r, idx);
        }
        experiment.forward_backward(true);
        experiment.record_metrics();
        Ok(experiment)
    }
}

impl Experiment {
    /// The configuration this experiment was built from (with any later learning rate).
    pub fn config(&self) -> &ExperimentConfig {
        &self.config
    }

    /// The data.
    pub fn dataset(&self) -> &Dataset {
        &self.dataset
    }

    /// The network's weights and biases.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// The feedback matrices (see `rule` for their orientation).
    pub fn feedback(&self) -> &Feedback {
        &self.feedback
    }

    /// The learning rule.
    pub fn rule(&self) -> RuleKind {
        self.rule.kind()
    }

    /// Updates applied so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Mean loss of the last minibatch, before its update.
    pub fn batch_loss(&self) -> f32 {
        self.minibatch_loss()
    }

    /// Every logged row, oldest first; row 0 is the untrained network.
    pub fn history(&self) -> &[Metrics] {
        &self.history
    }

    /// The latest logged row.
    pub fn latest(&self) -> Option<&Metrics> {
        self.history.last()
    }

    /// The divergence that stopped this experiment, if any.
    pub fn diverged(&self) -> Option<&StepError> {
        self.diverged.as_ref()
    }

    /// Changes `η` from the next step on.
    pub fn set_learning_rate(&mut self, lr: f32) -> Result<(), ConfigError> {
        limits::check(
            "lr",
            lr,
            || "in (0, 1000]",
            |v| v > 0.0 && v <= MAX_LEARNING_RATE,
        )?;
        self.config.lr = lr;
        self.optimizer.learning_rate = lr;
        Ok(())
    }

    /// Logs a history row every `every` steps from now on (the app ties this to
    /// its speed, so that a frame brings a couple of rows whatever the speed).
    pub fn set_log_every(&mut self, every: u64) -> Result<(), ConfigError> {
        if every == 0 {
            return Err(ConfigError::OutOfRange {
                field: "log_every",
                allowed: "at least 1",
                got: 0.0,
            });
        }
        self.config.log_every = every;
        Ok(())
    }

    /// From now on each logged row evaluates only the first `train` training and
    /// `test` held-out samples (a fixed subset, the same at every row; at least 1 of
    /// each), so that on a large set such as the digits a row costs a bounded time.
    /// Both are the whole sets until this is called.
    pub fn set_evaluation_sizes(&mut self, train: usize, test: usize) {
        self.evaluation_sizes = (train.max(1), test.max(1));
    }

    /// How many training and held-out samples a logged row evaluates.
    pub fn evaluation_sizes(&self) -> (usize, usize) {
        (
            self.evaluation_sizes.0.min(self.dataset.train_size()),
            self.evaluation_sizes.1.min(self.dataset.test_size()),
        )
    }

    /// Draws new `B`, `D` and `M` from the continuing feedback stream (so experiments
    /// of one config that resample together still share them). Kolen–Pollack's learned
    /// `B` starts again from random.
    pub fn resample_feedback(&mut self) {
        self.feedback.redraw(
            self.feedback_init,
            self.config.feedback_scale,
            &mut self.feedback_rng,
        );
        self.rule.sync(self.network.weights(), &mut self.feedback);
    }
}

impl std::fmt::Debug for Experiment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Experiment")
            .field("rule", &self.rule.kind())
            .field("layers", &self.network.sizes())
            .field("steps", &self.steps)
            .field("diverged", &self.diverged)
            .finish_non_exhaustive()
    }
}
