//! An experiment: one network learning one task under one rule, driven by the UI's
//! worker and by the CLI.
//!
//! ```text
//! ExperimentConfig ──validate──▶ Experiment::new ──▶ step(n) … ──▶ history(), snapshot()
//! ```
//!
//! One training step on a minibatch of `b` samples (SCIENCE.md §0–1):
//!
//! ```text
//! forward     z_k = W_k a_{k-1} + b_k,  a_k = f(z_k)          (a_L linear or softmax)
//! output      e = δ_L = a_L - y
//! hidden      δ_k = (P_k s_k) ∘ f'(z_k)                          the rule's path, see `rule`
//! update      ΔW_k = -η (1/b) Σ_i δ_k a_{k-1}ᵀ  (+ momentum, weight decay, KP decay)
//! ```
//!
//! # Reproducibility
//!
//! The seed feeds four independent ChaCha8 streams: data (0), forward weights (1),
//! feedback `B`, `D`, `M` (2) and minibatch order (3). No stream depends on the rule,
//! so experiments built from one config with different rules start from the same
//! weights and feedback and see the same minibatches. All arithmetic runs in a fixed
//! order with portable functions (see `linalg` and `activation`), so a run gives the
//! same bits natively and in wasm: compare [`Experiment::weights_hash`].
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

use ndarray::{s, Array1, Array2, ArrayView2, Zip};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::activation::Activation;
use crate::linalg;
use crate::metrics::{self, Evaluation, LayerMetrics, Metrics};
use crate::network::{ForwardBuffers, Network};
use crate::optimizer::Sgd;
use crate::rule::{Backprop, Feedback, Rule, RuleKind};
use crate::task::{self, Dataset, InitSpec, OutputKind, TaskConfig, TaskError, TaskKind};

/// Most layer widths `layers` may list (input and output included).
pub const MAX_LAYERS: usize = 12;
/// Most units in one layer.
pub const MAX_UNITS: usize = 4096;
/// Most weights in the whole network.
pub const MAX_PARAMETERS: usize = 4_000_000;
/// Largest minibatch.
pub const MAX_BATCH: usize = 4096;
/// Largest learning rate.
pub const MAX_LEARNING_RATE: f32 = 1000.0;
/// Largest `feedback_scale` and uniform init scale.
pub const MAX_SCALE: f32 = 1000.0;
/// Samples per forward pass when evaluating a whole set.
pub const EVAL_CHUNK: usize = 256;
/// Matrices with more entries than this are left out of [`Experiment::snapshot`].
pub const SNAPSHOT_MAX_ENTRIES: usize = 16_384;
/// Default Kolen–Pollack decay `λ`. `W - Bᵀ` shrinks as `λ^t`: on the linear teacher
/// ∠(B, Wᵀ) is below 5° after 2000 steps and below 2° after 4000, at a final NSE near
/// 10⁻³ (λ = 0.9999 keeps the NSE near 10⁻⁵ but needs ~15000 steps for 3°).
pub const DEFAULT_KP_DECAY: f32 = 0.9995;

pub(crate) const DATA_STREAM: u64 = 0;
pub(crate) const WEIGHT_STREAM: u64 = 1;
pub(crate) const FEEDBACK_STREAM: u64 = 2;
pub(crate) const ORDER_STREAM: u64 = 3;

/// Everything that defines an experiment. Missing fields take the [`Default`] values
/// when deserialised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExperimentConfig {
    /// The data.
    pub task: TaskConfig,
    /// The learning rule.
    pub rule: RuleKind,
    /// Layer widths `n_0 .. n_L`, input and output included; must match the task.
    pub layers: Vec<usize>,
    /// Hidden-layer non-linearity (the output is linear or softmax, by task).
    pub activation: Activation,
    /// Learning rate `η`, in (0, 1000]: high enough to show a divergence in class.
    pub lr: f32,
    /// Minibatch size, 1 ..= the training set (gradients are averaged over it).
    pub batch: usize,
    /// Momentum `μ`, in [0, 1).
    pub momentum: f32,
    /// L2 weight decay `ω` added to the weight gradient, in [0, 1].
    pub weight_decay: f32,
    /// Kolen–Pollack decay `λ` of `W` and `B` per step, in (0, 1]; other rules ignore it.
    pub kp_decay: f32,
    /// Seeds every random draw.
    pub seed: u64,
    /// Replace `f'(z_k)` by 1 in the hidden error signal ("without f′").
    pub no_derivative: bool,
    /// Multiplies the feedback init's scale (of `B`, `D` and `M`), in [0, 1000].
    pub feedback_scale: f32,
    /// Forward weight init; `None` takes the task's default.
    pub weight_init: Option<InitSpec>,
    /// Feedback init; `None` takes the task's default.
    pub feedback_init: Option<InitSpec>,
    /// Record a [`Metrics`] row every this many steps (≥ 1).
    pub log_every: u64,
}

impl Default for ExperimentConfig {
    /// The linear teacher 30-20-10 of Lillicrap 2016 under feedback alignment.
    fn default() -> Self {
        ExperimentConfig::for_task(TaskKind::LinearTeacher)
    }
}

impl ExperimentConfig {
    /// The task's recommended data, network and learning rate, under feedback alignment.
    pub fn for_task(kind: TaskKind) -> Self {
        let defaults = kind.defaults();
        ExperimentConfig {
            task: TaskConfig::recommended(kind),
            rule: RuleKind::FeedbackAlignment,
            layers: defaults.layers,
            activation: defaults.activation_name.parse().unwrap_or_default(),
            lr: defaults.learning_rate,
            batch: defaults.batch,
            momentum: 0.0,
            weight_decay: 0.0,
            kp_decay: DEFAULT_KP_DECAY,
            seed: 1,
            no_derivative: false,
            feedback_scale: 1.0,
            weight_init: None,
            feedback_init: None,
            log_every: 100,
        }
    }

    /// The forward init in force: the override or the task's default.
    pub fn resolved_weight_init(&self) -> InitSpec {
        self.weight_init
            .unwrap_or_else(|| self.task.kind.defaults().weight_init)
    }

    /// The feedback init in force: the override or the task's default.
    pub fn resolved_feedback_init(&self) -> InitSpec {
        self.feedback_init
            .unwrap_or_else(|| self.task.kind.defaults().feedback_init)
    }

    /// Checks every field against its allowed range, and the layer sizes against the
    /// task's input and output (for `arrays`, [`Experiment::with_dataset`] checks them
    /// against the supplied data).
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.task.validate()?;
        self.validate_layers()?;
        if let Some(output) = self.task.kind.output() {
            let task_layers = self.task.kind.defaults().layers;
            let io = (task_layers[0], *task_layers.last().unwrap_or(&0));
            self.validate_io(self.task.kind, io.0, io.1, output)?;
            self.validate_batch(self.task.train_size)?;
        }
        check_range("lr", self.lr, "in (0, 1000]", |v| {
            v > 0.0 && v <= MAX_LEARNING_RATE
        })?;
        check_range("momentum", self.momentum, "in [0, 1)", |v| {
            (0.0..1.0).contains(&v)
        })?;
        check_range("weight_decay", self.weight_decay, "in [0, 1]", |v| {
            (0.0..=1.0).contains(&v)
        })?;
        check_range("kp_decay", self.kp_decay, "in (0, 1]", |v| {
            v > 0.0 && v <= 1.0
        })?;
        check_range("feedback_scale", self.feedback_scale, "in [0, 1000]", |v| {
            (0.0..=MAX_SCALE).contains(&v)
        })?;
        for (field, init) in [
            ("weight_init.scale", self.weight_init),
            ("feedback_init.scale", self.feedback_init),
        ] {
            if let Some(InitSpec::Uniform { scale }) = init {
                check_range(field, scale, "in [0, 1000]", |v| {
                    (0.0..=MAX_SCALE).contains(&v)
                })?;
            }
        }
        if self.log_every == 0 {
            return Err(ConfigError::OutOfRange {
                field: "log_every",
                allowed: "at least 1",
                got: 0.0,
            });
        }
        Ok(())
    }

    fn validate_layers(&self) -> Result<(), ConfigError> {
        let layers = &self.layers;
        if !(2..=MAX_LAYERS).contains(&layers.len()) {
            return Err(ConfigError::LayerCount { got: layers.len() });
        }
        if let Some((index, &got)) = layers
            .iter()
            .enumerate()
            .find(|(_, &n)| !(1..=MAX_UNITS).contains(&n))
        {
            return Err(ConfigError::LayerWidth { index, got });
        }
        let parameters: usize = layers.windows(2).map(|p| p[0] * p[1]).sum();
        if parameters > MAX_PARAMETERS {
            return Err(ConfigError::TooManyParameters {
                layers: layers_string(layers),
                got: parameters,
            });
        }
        if self.rule == RuleKind::Delta && layers.len() != 2 {
            return Err(ConfigError::DeltaNeedsOneLayer {
                layers: layers_string(layers),
            });
        }
        Ok(())
    }

    fn validate_io(
        &self,
        task: TaskKind,
        inputs: usize,
        outputs: usize,
        output: OutputKind,
    ) -> Result<(), ConfigError> {
        let first = self.layers[0];
        let last = *self.layers.last().unwrap_or(&0);
        if first != inputs {
            return Err(ConfigError::InputSize {
                task,
                expected: inputs,
                got: first,
            });
        }
        if last != outputs {
            return Err(ConfigError::OutputSize {
                task,
                expected: outputs,
                got: last,
            });
        }
        if let OutputKind::Classification { classes } = output {
            if classes != outputs {
                return Err(ConfigError::OutputSize {
                    task,
                    expected: classes,
                    got: last,
                });
            }
        }
        Ok(())
    }

    fn validate_batch(&self, train_size: usize) -> Result<(), ConfigError> {
        let max = train_size.min(MAX_BATCH);
        if !(1..=max).contains(&self.batch) {
            return Err(ConfigError::Batch {
                got: self.batch,
                max,
                train_size,
            });
        }
        Ok(())
    }
}

fn check_range(
    field: &'static str,
    value: f32,
    allowed: &'static str,
    ok: impl Fn(f32) -> bool,
) -> Result<(), ConfigError> {
    if value.is_finite() && ok(value) {
        Ok(())
    } else {
        Err(ConfigError::OutOfRange {
            field,
            allowed,
            got: f64::from(value),
        })
    }
}

/// Layer widths as written in URLs, the CLI and messages: `30-20-10`.
pub fn layers_string(layers: &[usize]) -> String {
    layers
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join("-")
}

/// A configuration that cannot run; the message names the field and what is allowed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ConfigError {
    #[error("`{field}` must be {allowed}, got {got}")]
    OutOfRange {
        field: &'static str,
        allowed: &'static str,
        got: f64,
    },
    #[error("`layers` must list 2 to {MAX_LAYERS} widths (input and output included), got {got}")]
    LayerCount { got: usize },
    #[error("`layers[{index}]` must be between 1 and {MAX_UNITS} units, got {got}")]
    LayerWidth { index: usize, got: usize },
    #[error("`layers` {layers} has {got} weights; at most {MAX_PARAMETERS} are allowed")]
    TooManyParameters { layers: String, got: usize },
    #[error("`layers` must start with the input size of task `{task}`, {expected}, got {got}")]
    InputSize {
        task: TaskKind,
        expected: usize,
        got: usize,
    },
    #[error("`layers` must end with the output size of task `{task}`, {expected}, got {got}")]
    OutputSize {
        task: TaskKind,
        expected: usize,
        got: usize,
    },
    #[error(
        "`rule` delta trains a single layer: `layers` must be [inputs, outputs], got {layers}"
    )]
    DeltaNeedsOneLayer { layers: String },
    #[error("`batch` must be between 1 and {max} (the training set has {train_size} samples), got {got}")]
    Batch {
        got: usize,
        max: usize,
        train_size: usize,
    },
    #[error("`task`: {0}")]
    Task(#[from] TaskError),
}

/// Why a step did not happen.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum StepError {
    /// A loss or a parameter stopped being finite. The experiment stays stopped: every
    /// later `step` returns this error again.
    #[error("training diverged at step {step}: {} is no longer finite (NaN or infinite); try a smaller learning rate than {lr}", describe(.quantity, *.layer))]
    Diverged {
        /// The step that produced the non-finite value (1-based: the update number).
        step: u64,
        /// "loss", "weights", "biases" or "feedback".
        quantity: &'static str,
        /// The layer `k` of the offending parameter, if any.
        layer: Option<usize>,
        /// The learning rate in force.
        lr: f32,
    },
}

fn describe(quantity: &str, layer: Option<usize>) -> String {
    match layer {
        Some(k) => format!("the {quantity} of layer {k}"),
        None => format!("the {quantity}"),
    }
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
    /// `δ_1 .. δ_L` for the probe under the rule (`δ_L = e = a_L - y`; hidden deltas
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

/// A network learning a task under a rule; see the module docs. A clone carries the
/// generators along, so it continues exactly as the original would.
#[derive(Clone)]
pub struct Experiment {
    config: ExperimentConfig,
    feedback_init: InitSpec,
    dataset: Dataset,
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
    batch_loss: f32,
    history: Vec<Metrics>,
    diverged: Option<StepError>,
    /// `Σ‖y - ȳ‖²` of the training and test targets (regression only).
    nse_denominators: (Option<f64>, Option<f64>),
}

pub(crate) fn stream(seed: u64, id: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(id);
    rng
}

/// Fisher–Yates with `u32` draws, so the permutation is the same on 32- and 64-bit
/// targets.
pub(crate) fn shuffle(order: &mut [usize], rng: &mut ChaCha8Rng) {
    for i in (1..order.len()).rev() {
        let j = rng.random_range(0..=i as u32) as usize;
        order.swap(i, j);
    }
}

/// Writes the hidden deltas `δ_k`, `k = L-1 .. 1`, of `rule` for the leading `rows`
/// samples of a forward pass whose output error is `output_error`.
#[allow(clippy::too_many_arguments)]
fn hidden_deltas(
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
    /// Validates `config`, generates its task's data and builds the experiment.
    pub fn new(config: &ExperimentConfig) -> Result<Self, ConfigError> {
        config.validate()?;
        let dataset = task::generate(&config.task, &mut stream(config.seed, DATA_STREAM))?;
        Experiment::with_dataset(config, dataset)
    }

    /// Builds the experiment on supplied data (the `arrays` task, digits), checking the
    /// layer sizes and batch against it. `config.task` is kept for the record.
    pub fn with_dataset(config: &ExperimentConfig, dataset: Dataset) -> Result<Self, ConfigError> {
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
            &mut stream(config.seed, WEIGHT_STREAM),
        );
        let feedback_init = config.resolved_feedback_init();
        let mut feedback_rng = stream(config.seed, FEEDBACK_STREAM);
        let mut feedback = Feedback::draw(
            &sizes,
            feedback_init,
            config.feedback_scale,
            &mut feedback_rng,
        );
        let rule = config.rule.rule();
        rule.sync(network.weights(), &mut feedback);

        let mut order_rng = stream(config.seed, ORDER_STREAM);
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
        let regression = dataset.output == OutputKind::Regression;
        let denominator = |targets: &Array2<f32>| {
            let d = metrics::centred_sum_of_squares(targets.view());
            (regression && d > 0.0).then_some(d)
        };
        let nse_denominators = (
            denominator(&dataset.train_targets),
            denominator(&dataset.test_targets),
        );

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
            grad_w: network
                .weights()
                .iter()
                .map(|w| Array2::zeros(w.dim()))
                .collect(),
            grad_b: network
                .biases()
                .iter()
                .map(|b| Array1::zeros(b.len()))
                .collect(),
            update_angles: vec![None; depth - 1],
            path_products: hidden(n_out),
            eval: ForwardBuffers::new(&network, eval_rows),
            order,
            cursor: 0,
            order_rng,
            feedback_rng,
            steps: 0,
            batch_loss: f32::NAN,
            history: Vec::new(),
            diverged: None,
            nse_denominators,
            config: config.clone(),
            feedback_init,
            dataset,
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
        experiment.batch_loss = experiment.forward_backward(true);
        experiment.record_metrics();
        Ok(experiment)
    }

    fn load_sample(&mut self, row: usize, index: usize) {
        self.forward.activation[0]
            .row_mut(row)
            .assign(&self.dataset.train_inputs.row(index));
        self.targets
            .row_mut(row)
            .assign(&self.dataset.train_targets.row(index));
    }

    /// Copies the next `batch` training samples into the minibatch buffers, reshuffling
    /// at the end of every epoch.
    fn next_batch(&mut self) {
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

    /// Forward pass, output error and the rule's hidden deltas on the loaded minibatch;
    /// with `shadow`, also backprop's deltas and the update angles. Returns the
    /// minibatch's mean loss.
    fn forward_backward(&mut self, shadow: bool) -> f32 {
        let rows = self.config.batch;
        self.network.forward(&mut self.forward, rows);
        Zip::from(&mut self.output_error)
            .and(self.forward.output(rows))
            .and(&self.targets)
            .for_each(|e, &a, &y| *e = a - y);
        let loss_sum = match self.network.output() {
            OutputKind::Regression => {
                0.5 * metrics::squared_error_sum(self.forward.output(rows), self.targets.view())
            }
            OutputKind::Classification { .. } => metrics::cross_entropy_sum(
                self.forward
                    .pre_activation
                    .last()
                    .expect("output layer")
                    .view(),
                self.targets.view(),
            ),
        };
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
        (loss_sum / rows as f64) as f32
    }

    /// The first weight layer that learns: 1, or `L` when hidden layers do not.
    fn first_learning_layer(&self) -> usize {
        if self.rule.trains_hidden() {
            1
        } else {
            self.network.depth()
        }
    }

    /// Fills `grad_w` and `grad_b` with the loss gradients summed over the minibatch,
    /// `Σ_i δ_k a_{k-1}ᵀ` and `Σ_i δ_k`, for every layer that learns.
    fn compute_gradients(&mut self) {
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
    fn apply_gradients(&mut self) -> Option<(&'static str, usize)> {
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

    fn diverge(&mut self, quantity: &'static str, layer: Option<usize>) -> StepError {
        let error = StepError::Diverged {
            step: self.steps + 1,
            quantity,
            layer,
            lr: self.config.lr,
        };
        self.diverged = Some(error.clone());
        error
    }

    fn step_once(&mut self) -> Result<(), StepError> {
        if let Some(error) = &self.diverged {
            return Err(error.clone());
        }
        let logging = (self.steps + 1) % self.config.log_every == 0;
        self.next_batch();
        self.batch_loss = self.forward_backward(logging);
        if !self.batch_loss.is_finite() {
            return Err(self.diverge("loss", None));
        }
        self.compute_gradients();
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

    /// Loss, accuracy and NSE over the training set (`test = false`) or the held-out set.
    pub fn evaluate(&mut self, test: bool) -> Evaluation {
        let (inputs, targets, denominator) = if test {
            (
                &self.dataset.test_inputs,
                &self.dataset.test_targets,
                self.nse_denominators.1,
            )
        } else {
            (
                &self.dataset.train_inputs,
                &self.dataset.train_targets,
                self.nse_denominators.0,
            )
        };
        let n = inputs.nrows();
        let chunk = self.eval.capacity();
        let (mut loss, mut squared, mut correct) = (0.0_f64, 0.0_f64, 0_usize);
        for start in (0..n).step_by(chunk) {
            let rows = chunk.min(n - start);
            let range = s![start..start + rows, ..];
            self.eval.input_mut(rows).assign(&inputs.slice(range));
            self.network.forward(&mut self.eval, rows);
            let y = targets.slice(range);
            let output = self.eval.output(rows);
            match self.network.output() {
                OutputKind::Regression => {
                    let sum = metrics::squared_error_sum(output, y);
                    squared += sum;
                    loss += 0.5 * sum;
                }
                OutputKind::Classification { .. } => {
                    let logits = self.eval.pre_activation.last().expect("output layer");
                    loss += metrics::cross_entropy_sum(logits.slice(s![..rows, ..]), y);
                    correct += metrics::correct_count(output, y);
                }
            }
        }
        let classification = matches!(self.network.output(), OutputKind::Classification { .. });
        Evaluation {
            loss: (loss / n as f64) as f32,
            accuracy: classification.then(|| (correct as f64 / n as f64) as f32),
            nse: denominator.map(|d| (squared / d) as f32),
        }
    }

    /// Alignment of every hidden layer against the current weights.
    fn layer_metrics(&mut self) -> Vec<LayerMetrics> {
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

    fn record_metrics(&mut self) {
        let train = self.evaluate(false);
        let test = self.evaluate(true);
        let layers = self.layer_metrics();
        self.history.push(Metrics {
            step: self.steps,
            batch_loss: self.batch_loss,
            train,
            test,
            layers,
        });
    }

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
        self.batch_loss
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
        check_range("lr", lr, "in (0, 1000]", |v| {
            v > 0.0 && v <= MAX_LEARNING_RATE
        })?;
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

    /// A 64-bit FNV-1a hash of the bits of every weight, bias and feedback matrix, to
    /// check that two runs (native and wasm) are bit-identical.
    pub fn weights_hash(&self) -> u64 {
        const PRIME: u64 = 0x0000_0100_0000_01b3;
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |values: &mut dyn Iterator<Item = &f32>| {
            for v in values {
                for byte in v.to_bits().to_le_bytes() {
                    hash ^= u64::from(byte);
                    hash = hash.wrapping_mul(PRIME);
                }
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
        hash
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

    /// The state for display: probe activations and deltas, matrices with at most
    /// `max_entries` entries, the latest metrics. Allocates.
    pub fn snapshot_with(&self, max_entries: usize) -> Snapshot {
        let net = &self.network;
        let depth = net.depth();
        let x = self.dataset.test_inputs.row(0);
        let y = self.dataset.test_targets.slice(s![0..1, ..]);
        let mut forward = ForwardBuffers::new(net, 1);
        forward.input_mut(1).row_mut(0).assign(&x);
        net.forward(&mut forward, 1);
        let output_error = &forward.output(1) - &y;
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
        let matrix = |view: ArrayView2<'_, f32>| {
            (view.len() <= max_entries).then(|| Matrix::from_view(view))
        };
        Snapshot {
            step: self.steps,
            rule: self.rule.kind(),
            layers: net.sizes().to_vec(),
            diverged: self.diverged.is_some(),
            probe_input: x.to_vec(),
            probe_target: y.iter().copied().collect(),
            activations: forward
                .activation
                .iter()
                .map(|a| a.iter().copied().collect())
                .collect(),
            deltas: deltas
                .iter()
                .chain(std::iter::once(&output_error))
                .map(|d| d.iter().copied().collect())
                .collect(),
            weights: net.weights().iter().map(|w| matrix(w.view())).collect(),
            biases: net.biases().iter().map(|b| b.to_vec()).collect(),
            feedback: (1..depth)
                .map(|k| matrix(self.rule.feedback_t(k, &self.feedback).t()))
                .collect(),
            metrics: self.latest().cloned(),
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array1;

    /// A small deterministic dataset: inputs on a fixed pattern, targets from a smooth
    /// function (regression) or alternating one-hot classes.
    fn tiny_dataset(output: OutputKind, n_in: usize, n_out: usize, rows: usize) -> Dataset {
        let inputs = |offset: f32| {
            Array2::from_shape_fn((rows, n_in), |(i, j)| {
                ((i * 5 + j * 3) % 7) as f32 / 3.5 - 1.0 + offset
            })
        };
        let targets = |offset: f32| match output {
            OutputKind::Regression => Array2::from_shape_fn((rows, n_out), |(i, j)| {
                (((i + 2 * j) % 5) as f32 - 2.0) * 0.4 + offset
            }),
            OutputKind::Classification { .. } => {
                Array2::from_shape_fn((rows, n_out), |(i, j)| f32::from(i % n_out == j))
            }
        };
        Dataset::from_arrays(
            output,
            inputs(0.0),
            targets(0.0),
            inputs(0.1),
            targets(0.05),
        )
        .expect("valid tiny dataset")
    }

    fn arrays_config(
        layers: &[usize],
        activation: Activation,
        rule: RuleKind,
        batch: usize,
    ) -> ExperimentConfig {
        ExperimentConfig {
            task: TaskConfig::recommended(TaskKind::Arrays),
            rule,
            layers: layers.to_vec(),
            activation,
            lr: 0.05,
            batch,
            weight_init: Some(InitSpec::Uniform { scale: 0.8 }),
            feedback_init: Some(InitSpec::Uniform { scale: 0.5 }),
            log_every: 1000,
            ..ExperimentConfig::default()
        }
    }

    fn build(config: &ExperimentConfig, data: &Dataset) -> Experiment {
        Experiment::with_dataset(config, data.clone()).expect("valid config")
    }

    fn f64_activation(act: Activation, z: f64) -> f64 {
        match act {
            Activation::Linear => z,
            Activation::Tanh => z.tanh(),
            Activation::Sigmoid => 1.0 / (1.0 + (-z).exp()),
            Activation::Relu => z.max(0.0),
            Activation::Softplus => z.exp().ln_1p(),
        }
    }

    /// The mean minibatch loss, by the textbook formulas in f64: an implementation
    /// independent of the one under test.
    fn reference_loss(
        weights: &[Array2<f64>],
        biases: &[Array1<f64>],
        act: Activation,
        output: OutputKind,
        inputs: ArrayView2<'_, f32>,
        targets: ArrayView2<'_, f32>,
    ) -> f64 {
        let depth = weights.len();
        let mut total = 0.0;
        for (x, y) in inputs.rows().into_iter().zip(targets.rows()) {
            let mut a: Array1<f64> = x.mapv(f64::from);
            for k in 0..depth {
                let z = weights[k].dot(&a) + &biases[k];
                a = if k + 1 < depth {
                    z.mapv(|v| f64_activation(act, v))
                } else {
                    z
                };
            }
            let y = y.mapv(f64::from);
            total += match output {
                OutputKind::Regression => 0.5 * (&a - &y).mapv(|e| e * e).sum(),
                OutputKind::Classification { .. } => {
                    let max = a.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
                    let log_sum = a.mapv(|v| (v - max).exp()).sum().ln() + max;
                    -(&y * &a.mapv(|v| v - log_sum)).sum()
                }
            };
        }
        total / inputs.nrows() as f64
    }

    #[test]
    fn backprop_gradients_match_finite_differences() {
        let cases = [
            (OutputKind::Regression, vec![3, 5, 4, 2], Activation::Tanh),
            (OutputKind::Regression, vec![3, 6, 2], Activation::Softplus),
            (
                OutputKind::Classification { classes: 3 },
                vec![4, 6, 5, 3],
                Activation::Sigmoid,
            ),
            (
                OutputKind::Classification { classes: 2 },
                vec![2, 7, 2],
                Activation::Relu,
            ),
            (OutputKind::Regression, vec![3, 4, 4, 2], Activation::Linear),
        ];
        for (output, layers, act) in cases {
            let n_out = *layers.last().unwrap();
            let data = tiny_dataset(output, layers[0], n_out, 12);
            let mut exp = build(&arrays_config(&layers, act, RuleKind::Backprop, 6), &data);
            // Move off the zero biases first, so their gradients are tested at a
            // generic point.
            exp.step(3).unwrap();
            exp.next_batch();
            let batch_loss = exp.forward_backward(false);
            exp.compute_gradients();

            let batch = exp.config.batch as f64;
            let inputs = exp.forward.activation[0].clone();
            let targets = exp.targets.clone();
            let mut w: Vec<Array2<f64>> = exp
                .network
                .weights()
                .iter()
                .map(|w| w.mapv(f64::from))
                .collect();
            let mut b: Vec<Array1<f64>> = exp
                .network
                .biases()
                .iter()
                .map(|b| b.mapv(f64::from))
                .collect();
            let loss = |w: &[Array2<f64>], b: &[Array1<f64>]| {
                reference_loss(w, b, act, output, inputs.view(), targets.view())
            };
            // Central differences in f64: truncation ~eps², rounding ~1e-16/eps.
            let eps = 1e-6;
            // The analytic gradient is computed in f32 from terms of size ~1, so it
            // carries rounding errors of order 1e-7 (the largest seen is 6e-8); the
            // bound leaves a margin of ~20 for other seeds and platforms.
            let close = |analytic: f64, numeric: f64| {
                (analytic - numeric).abs() <= 1e-6 + 1e-5 * numeric.abs()
            };
            for k in 0..w.len() {
                for idx in 0..w[k].len() {
                    let (i, j) = (idx / w[k].ncols(), idx % w[k].ncols());
                    let keep = w[k][[i, j]];
                    w[k][[i, j]] = keep + eps;
                    let up = loss(&w, &b);
                    w[k][[i, j]] = keep - eps;
                    let down = loss(&w, &b);
                    w[k][[i, j]] = keep;
                    let numeric = (up - down) / (2.0 * eps);
                    let analytic = f64::from(exp.grad_w[k][[i, j]]) / batch;
                    assert!(
                        close(analytic, numeric),
                        "{act} {layers:?}: dL/dW_{}[{i},{j}] = {analytic}, finite difference {numeric}",
                        k + 1
                    );
                }
                for i in 0..b[k].len() {
                    let keep = b[k][i];
                    b[k][i] = keep + eps;
                    let up = loss(&w, &b);
                    b[k][i] = keep - eps;
                    let down = loss(&w, &b);
                    b[k][i] = keep;
                    let numeric = (up - down) / (2.0 * eps);
                    let analytic = f64::from(exp.grad_b[k][i]) / batch;
                    assert!(
                        close(analytic, numeric),
                        "{act} {layers:?}: dL/db_{}[{i}] = {analytic}, finite difference {numeric}",
                        k + 1
                    );
                }
            }
            // The minibatch loss the step reports is the same quantity.
            let reference = loss(&w, &b);
            assert!((f64::from(batch_loss) - reference).abs() < 1e-5 * (1.0 + reference));
        }
    }

    #[test]
    fn feedback_alignment_with_b_equal_to_w_transpose_is_backprop_bit_for_bit() {
        let layers = [3, 6, 5, 4, 2];
        let data = tiny_dataset(OutputKind::Regression, 3, 2, 12);
        let mut config = arrays_config(&layers, Activation::Tanh, RuleKind::Backprop, 3);
        config.momentum = 0.5;
        config.weight_decay = 0.01;
        let mut bp = build(&config, &data);
        config.rule = RuleKind::FeedbackAlignment;
        let mut fa = build(&config, &data);
        assert_ne!(fa.feedback.b_t[0], fa.network.weights[1]);
        for _ in 0..25 {
            // B_{k+1} := W_{k+1}ᵀ, i.e. the stored Bᵀ := W.
            for k in 1..fa.network.depth() {
                let w = fa.network.weights[k].clone();
                fa.feedback.b_t[k - 1].assign(&w);
            }
            fa.step(1).unwrap();
            bp.step(1).unwrap();
        }
        assert_eq!(fa.network, bp.network);
        assert!(
            fa.network.weights[0] != build(&config, &data).network.weights[0],
            "it learned"
        );
    }

    #[test]
    fn direct_feedback_alignment_with_one_hidden_layer_and_d_equal_to_b_is_feedback_alignment() {
        let data = tiny_dataset(OutputKind::Classification { classes: 3 }, 4, 3, 12);
        let mut config = arrays_config(
            &[4, 7, 3],
            Activation::Sigmoid,
            RuleKind::FeedbackAlignment,
            4,
        );
        config.log_every = 5;
        let mut fa = build(&config, &data);
        config.rule = RuleKind::DirectFeedbackAlignment;
        let mut dfa = build(&config, &data);
        assert_ne!(dfa.feedback.d_t[0], fa.feedback.b_t[0]);
        // D_1 (n_1 × n_L) := B_2 (n_1 × n_2), the same shape because n_2 = n_L.
        let b = fa.feedback.b_t[0].clone();
        dfa.feedback.d_t[0].assign(&b);
        fa.step(30).unwrap();
        dfa.step(30).unwrap();
        assert_eq!(fa.network, dfa.network);
        // The metrics agree too: DFA's reference for its last hidden layer is W_L.
        for (a, b) in fa.history()[1..].iter().zip(&dfa.history()[1..]) {
            assert_eq!(a, b);
        }
    }

    #[test]
    fn rules_share_weights_feedback_data_and_order() {
        let reference = Experiment::new(&ExperimentConfig {
            rule: RuleKind::Backprop,
            ..ExperimentConfig::default()
        })
        .unwrap();
        for rule in RuleKind::ALL {
            if rule == RuleKind::Delta {
                continue;
            }
            let other = Experiment::new(&ExperimentConfig {
                rule,
                ..ExperimentConfig::default()
            })
            .unwrap();
            assert_eq!(other.network, reference.network, "{rule}");
            assert_eq!(other.feedback.b_t, reference.feedback.b_t, "{rule}");
            assert_eq!(other.feedback.d_t, reference.feedback.d_t, "{rule}");
            assert_eq!(
                other.feedback.magnitude_t, reference.feedback.magnitude_t,
                "{rule}"
            );
            assert_eq!(other.dataset, reference.dataset, "{rule}");
            assert_eq!(other.order, reference.order, "{rule}");
            // Same first minibatch, same untrained network: the same loss on it.
            assert_eq!(
                other.history()[0].batch_loss,
                reference.history()[0].batch_loss
            );
        }
    }

    #[test]
    fn backprop_without_f_prime_leaves_the_gradient() {
        let data = tiny_dataset(OutputKind::Regression, 3, 2, 12);
        let mut config = arrays_config(&[3, 6, 2], Activation::Tanh, RuleKind::Backprop, 4);
        config.log_every = 1;
        let mut exact = build(&config, &data);
        exact.step(1).unwrap();
        assert!(exact.latest().unwrap().layers[0].update_angle_deg.unwrap() < 1e-2);
        config.no_derivative = true;
        let mut without = build(&config, &data);
        without.step(1).unwrap();
        let angle = without.latest().unwrap().layers[0]
            .update_angle_deg
            .unwrap();
        assert!(
            angle > 1.0,
            "dropping tanh' must change the direction, got {angle}°"
        );
        // With a linear hidden layer f' = 1, so the switch changes nothing.
        config.activation = Activation::Linear;
        let mut linear = build(&config, &data);
        config.no_derivative = false;
        let mut linear_exact = build(&config, &data);
        linear.step(5).unwrap();
        linear_exact.step(5).unwrap();
        assert_eq!(linear.network, linear_exact.network);
    }

    #[test]
    fn sign_symmetry_is_sign_concordant_and_resampling_is_shared() {
        let mut config = ExperimentConfig::for_task(TaskKind::Xor);
        config.rule = RuleKind::SignSymmetry;
        config.log_every = 10;
        let mut usf = Experiment::new(&config).unwrap();
        usf.step(10).unwrap();
        for layer in &usf.latest().unwrap().layers {
            assert_eq!(layer.sign_concordance, Some(1.0));
            assert!(layer.weight_angle_deg.unwrap() < 60.0);
        }
        config.rule = RuleKind::FeedbackAlignment;
        let mut a = Experiment::new(&config).unwrap();
        let mut b = Experiment::new(&config).unwrap();
        let before = a.feedback.b_t.clone();
        a.resample_feedback();
        b.resample_feedback();
        assert_ne!(a.feedback.b_t, before);
        assert_eq!(a.feedback, b.feedback);
    }

    #[test]
    fn shallow_and_delta_leave_hidden_weights_alone() {
        let mut config = ExperimentConfig::for_task(TaskKind::Sine);
        config.rule = RuleKind::Shallow;
        config.log_every = 20;
        let mut shallow = Experiment::new(&config).unwrap();
        let hidden = shallow.network.weights[0].clone();
        let output = shallow.network.weights[1].clone();
        shallow.step(20).unwrap();
        assert_eq!(shallow.network.weights[0], hidden);
        assert_ne!(shallow.network.weights[1], output);
        let layer = &shallow.latest().unwrap().layers[0];
        assert_eq!(layer.update_angle_deg, None, "no hidden update, no angle");
        assert!(
            layer.weight_angle_deg.is_some(),
            "the unused B is still reported"
        );
    }

    #[test]
    fn dfa_reports_the_angle_to_the_end_to_end_path() {
        let data = tiny_dataset(OutputKind::Regression, 3, 2, 12);
        let mut config = arrays_config(
            &[3, 5, 4, 2],
            Activation::Linear,
            RuleKind::DirectFeedbackAlignment,
            4,
        );
        config.log_every = 1;
        let mut dfa = build(&config, &data);
        dfa.step(1).unwrap();
        // Layer 1's reference is (W_3 W_2)ᵀ; compute it independently.
        let product = dfa.network.weights[2].dot(&dfa.network.weights[1]);
        let expected = metrics::angle_deg(dfa.feedback.d_t[0].view(), product.view());
        let reported = dfa.latest().unwrap().layers[0].weight_angle_deg;
        assert!((reported.unwrap() - expected.unwrap()).abs() < 1e-4);
    }
}
