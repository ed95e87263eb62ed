//! What defines an experiment: [`ExperimentConfig`], the limits it is checked against,
//! and the errors of a configuration ([`ConfigError`]) and of a step ([`StepError`]).

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::activation::Activation;
use crate::limits;
use crate::network::OutputLayer;
use crate::rule::RuleKind;
use crate::task::{InitSpec, OutputKind, TaskConfig, TaskError, TaskKind};

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
    /// Hidden-layer non-linearity.
    pub activation: Activation,
    /// The output units and their loss; `None` takes the data's natural one (linear
    /// for regression, softmax for classes). Absent from older configurations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_layer: Option<OutputLayer>,
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
            output_layer: None,
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
        limits::check(
            "lr",
            self.lr,
            || "in (0, 1000]",
            |v| v > 0.0 && v <= MAX_LEARNING_RATE,
        )?;
        limits::check(
            "momentum",
            self.momentum,
            || "in [0, 1)",
            |v| (0.0..1.0).contains(&v),
        )?;
        limits::check(
            "weight_decay",
            self.weight_decay,
            || "in [0, 1]",
            |v| (0.0..=1.0).contains(&v),
        )?;
        limits::check(
            "kp_decay",
            self.kp_decay,
            || "in (0, 1]",
            |v| v > 0.0 && v <= 1.0,
        )?;
        limits::check(
            "feedback_scale",
            self.feedback_scale,
            || "in [0, 1000]",
            |v| (0.0..=MAX_SCALE).contains(&v),
        )?;
        limits::check_init_scales([
            ("weight_init.scale", self.weight_init),
            ("feedback_init.scale", self.feedback_init),
        ])?;
        limits::check_at_least_one("log_every", self.log_every)?;
        Ok(())
    }

    pub(super) fn validate_layers(&self) -> Result<(), ConfigError> {
        let layers = &self.layers;
        limits::check_widths(layers, 2).map_err(|m| ConfigError::layers(m, self.task.kind))?;
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

    /// The output layer in force for targets of kind `output`: the override or the
    /// natural one.
    pub fn resolved_output_layer(&self, output: OutputKind) -> OutputLayer {
        self.output_layer
            .unwrap_or_else(|| OutputLayer::natural(output))
    }

    pub(super) fn validate_io(
        &self,
        task: TaskKind,
        inputs: usize,
        outputs: usize,
        output: OutputKind,
    ) -> Result<(), ConfigError> {
        limits::check_io(&self.layers, inputs, outputs)
            .map_err(|m| ConfigError::layers(m, task))?;
        let layer = self.resolved_output_layer(output);
        if !layer.fits(output) {
            return Err(ConfigError::OutputLayer { layer, task });
        }
        let last = self.layers[self.layers.len() - 1];
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

    pub(super) fn validate_batch(&self, train_size: usize) -> Result<(), ConfigError> {
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
        "`output_layer` {layer} needs one-hot class targets, but task `{task}` is a regression; \
         use linear"
    )]
    OutputLayer { layer: OutputLayer, task: TaskKind },
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

limits::config_error_from!(ConfigError, layers);

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
