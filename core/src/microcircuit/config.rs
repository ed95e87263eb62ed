//! The settings of a dendritic error microcircuit, their defaults and their checks.
//!
//! The dynamics' defaults are the *starting points* of docs/science.md §4 (two
//! reimplementations of Sacramento et al. 2018 agree on them; they were not seen in the
//! paper itself); the learning rates are tuned from there (see below):
//!
//! | field | default | meaning |
//! |---|---:|---|
//! | `dt` | 0.1 ms | Euler step of the full model |
//! | `g_lk`, `g_b`, `g_a` | 0.1, 1.0, 0.8 | leak, basal→soma and apical→soma conductances |
//! | `g_d` | 1.0 | interneuron dendrite→soma conductance |
//! | `g_som` | 0.8 | nudging conductance of the interneurons towards their partners |
//! | `g_target` | 0.8 | nudging conductance of the output towards the target (see below) |
//! | `pattern_ms` | 100 ms | how long each input pattern is shown |
//! | `input_tau_ms` | 3 ms | low-pass filter of the input rates |
//! | `plasticity_tau_ms` | 30 ms | low-pass filter of every weight change |
//! | `noise` | 0.1 | `σ` of the somatic noise `σξ` |
//!
//! # Learning rates
//!
//! Rates are per millisecond in both modes: the steady-state approximation applies
//! one pattern's worth, `η · pattern_ms`, per pattern, so one config means the same
//! thing whichever mode runs it.
//!
//! the starting points of docs/science.md §4.4, `η_PP` 0.0011875, `η_PI` 0.0005, `η_IP` 0.0002375,
//! belong to the paper's soft-rectified rates, `0.1·log(1 + e^{u-3})`, which stay
//! around 0.01–0.5. Here the hidden rates are the task's own activation (tanh, ±1) and
//! the output rate is its potential (the target's scale, a standard deviation of
//! about 2 on the nonlinear teacher), so every update `η T post preᵀ` is one to two
//! orders of magnitude larger for the same `η`. Measured on the nonlinear teacher
//! (seed 1, steady state): with those rates for every layer the circuit diverges
//! within 1000 patterns; with the defaults below its test NSE is 0.055 after 20 000
//! patterns and 0.0025 after 100 000 (a shallow learner: 0.22; FA: 0.0002); with
//! [`Config::weak_target`], 0.028 after 20 000. The defaults keep the paper's structure:
//!
//! - **per-layer forward rates**: the hidden layers learn faster (`lr_forward`) than
//!   the output (`lr_output`), whose updates must stay well inside the stability limit
//!   of a delta rule on 50 saturating tanh inputs;
//! - **interneurons locked to the layer above**: in the self-predicting state a
//!   change `ΔW^PP_{L,L-1}` is matched by `ΔW^IP = η_IP/η_PP · g_som/(g_lk+g_D+g_som) ·
//!   ΔW^PP_{L,L-1}`, so `lr_interneuron = lr_output · (g_lk+g_D+g_som)/g_som` keeps
//!   `W^IP` equal to the closed form while the output learns (the starting point of
//!   docs/science.md §4.4, 0.0002375, is this ratio, 2.375, times 0.0001);
//! - **one apical rate for the whole run**: `η_PI` is the same whether or not the
//!   output is nudged, so pre-training (no target) and learning (target on) differ
//!   only in the nudge (docs/science.md §4.4). 1e-4 lets the self-predicting state
//!   emerge from random weights (steady state, seed 3: `‖v_A‖²` from 1.5 to 0.0075 in
//!   20 000 patterns; at 5e-6 only to 0.34, at 1e-6 to 2.3), and the steady-state
//!   model learns about as well with it as with 5e-6 (test NSE 0.069 against 0.064
//!   after 20 000 patterns, falling throughout).
//!
//! | field | nonlinear teacher | meaning |
//! |---|---:|---|
//! | `lr_forward` | 0.002 /ms | `η_PP` of the hidden layers' forward weights |
//! | `lr_output` | 0.00025 /ms | `η_PP` of the output layer's forward weights |
//! | `lr_interneuron` | 0.00059375 /ms | `η_IP`, pyramidal→interneuron (= 2.375 · `lr_output`) |
//! | `lr_apical` | 0.0001 /ms | `η_PI`, interneuron→apical, with or without a target |
//! | `lr_top_down` | 0 | top-down weights stay fixed and random unless this is set |
//!
//! Other tasks scale them all by their backprop learning rate over the nonlinear
//! teacher's, at most ×5 ([`MAX_LR_SCALE`]): ×5 for the 2-D tasks, ×2.5 for sine,
//! ×0.25 for the linear teacher. In the steady state (seed 1) the circuit then reaches
//! 0.94–0.99 test accuracy on xor, circles and moons within 30 000 patterns, with the
//! accuracy of single runs fluctuating by several points from row to row (one
//! pattern per update); spirals stays near chance.
//!
//! # The target conductance
//!
//! With the target as strong as the interneurons' nudge (the defaults) the full model
//! drifts while a target is on: on the nonlinear teacher (seed 3) its test NSE goes
//! 0.29 after 1000 patterns → 0.36 after 3000. The interneuron→apical rule learns from
//! the error, which reaches it through the hidden layer's own change returning via the
//! target-shunted output and through the interneurons' nudge; both are of higher order
//! in the target's weight `λ = g_target/(g_lk+g_b+g_target)` than the error signal
//! itself. [`Config::weak_target`] nudges the output with 0.1, scales the forward rates
//! to keep `η λ` (hidden × 5.05, output × 2.5 so that the interneurons' own step stays
//! stable) and the noise with the error it competes with (0.1 → 0.02). Its full model
//! no longer drifts upward (seeds 1–3: 0.17, 0.13, 0.15 after 94 000 patterns) but
//! plateaus far above its steady-state model (0.011–0.012 after 30 000), and from
//! random interneurons its larger forward rates diverge during pre-training (steady
//! state, 100 samples: after 775 patterns), so it is not the default. See
//! docs/science.md §4.4 and `scripts/microcircuit-drift/`.
//!
//! # The rate function and the task mapping
//!
//! `φ(u) = scale · f(u - threshold)` with `f` one of the core's activations, so the
//! paper's regression rate `0.1·log(1 + e^{u-3})` is `{softplus, scale 0.1, threshold 3}`
//! ([`RateFunction::SACRAMENTO`]). [`Config::for_task`] starts from the
//! task's own activation instead (tanh for the nonlinear teacher and the 2-D tasks),
//! so the circuit is compared with BP, FA and shallow networks of the same kind.
//!
//! The target nudges the output *potential*: `u_trgt = y`. The output layer's rate
//! function defaults to the identity, as the core's networks have a linear output, so
//! the potential is also the rate: regression targets are read as they are, and the
//! one-hot targets of a classification task become rate targets of 1 for the right
//! class and 0 for the others, learned by squared error (no softmax).

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::activation::Activation;
use crate::experiment::{MAX_LAYERS, MAX_PARAMETERS, MAX_UNITS};
use crate::limits;
use crate::named::named;
use crate::task::{InitSpec, TaskConfig, TaskError, TaskKind};
use crate::Named;

/// Largest conductance accepted.
pub const MAX_CONDUCTANCE: f32 = 100.0;
/// Largest Euler step, in ms.
pub const MAX_DT: f32 = 1.0;
/// Longest pattern, in ms.
pub const MAX_PATTERN_MS: f32 = 10_000.0;
/// Most Euler steps one pattern may take.
pub const MAX_STEPS_PER_PATTERN: f32 = 1.0e6;
/// Longest filter time constant, in ms.
pub const MAX_TAU_MS: f32 = 10_000.0;
/// Largest learning rate, per ms.
pub const MAX_LR: f32 = 1.0;
/// Largest somatic noise `σ`.
pub const MAX_NOISE: f32 = 10.0;
/// Largest factor by which [`Config::for_task`] scales the nonlinear
/// teacher's learning rates (spirals' backprop rate is 15 times the teacher's; at 15
/// times its rates the circuit diverges within 3000 patterns).
pub const MAX_LR_SCALE: f32 = 5.0;
/// Most points the trace keeps.
pub const MAX_TRACE_CAPACITY: usize = 1_000_000;
/// Largest minibatch of the steady-state model.
pub const MAX_BATCH: usize = 4096;

/// Which model moves the potentials.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Euler integration of every compartment, plasticity always on
    /// (see [`super::dynamics`]).
    #[default]
    Full,
    /// Each compartment jumps to its fixed point once per pattern (paper §3.4; see
    /// [`super::steady_state`]). Its name is `steady`, as in the web page's links;
    /// `steady-state` is still read.
    #[serde(rename = "steady", alias = "steady-state")]
    SteadyState,
}

impl Mode {
    /// Every mode, in the order a menu lists them.
    pub const ALL: [Mode; 2] = [Mode::Full, Mode::SteadyState];

    /// The name used by serde and the URL (`mode=`).
    pub fn name(self) -> &'static str {
        match self {
            Mode::Full => "full",
            Mode::SteadyState => "steady",
        }
    }

    /// The mode called `name` (case-insensitive; `steady-state` is read as `steady`).
    pub fn from_name(name: &str) -> Option<Mode> {
        if name.eq_ignore_ascii_case("steady-state") {
            return Some(Mode::SteadyState);
        }
        <Mode as Named>::from_name(name)
    }
}

// No `FromStr`: it would not know `steady-state`; `from_name` does.
named!(Mode, "mode", no FromStr);

/// Where the weights start.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Start {
    /// Random forward and top-down weights, and interneuron weights set by the closed
    /// form of the self-predicting state (docs/science.md §4), so `v_A = 0` with no target.
    #[default]
    SelfPredicting,
    /// Every weight random; the self-predicting state has to be learned (pre-train
    /// without a target, see [`Config::pretrain_patterns`]).
    Random,
}

impl Start {
    /// Every start, in the order a menu lists them.
    pub const ALL: [Start; 2] = [Start::SelfPredicting, Start::Random];

    /// The name used by serde and the URL (`init=`).
    pub fn name(self) -> &'static str {
        match self {
            Start::SelfPredicting => "self-predicting",
            Start::Random => "random",
        }
    }

    /// The start called `name` (case-insensitive).
    pub fn from_name(name: &str) -> Option<Start> {
        <Start as Named>::from_name(name)
    }
}

named!(Start, "start");

/// A rate function `φ(u) = scale · f(u - threshold)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RateFunction {
    pub activation: Activation,
    /// In (0, 100].
    pub scale: f32,
    /// In [-100, 100].
    pub threshold: f32,
}

impl Default for RateFunction {
    fn default() -> Self {
        RateFunction::plain(Activation::Linear)
    }
}

impl RateFunction {
    /// The soft rectifier of the paper's regression task, `0.1·log(1 + e^{u-3})`.
    pub const SACRAMENTO: RateFunction = RateFunction {
        activation: Activation::Softplus,
        scale: 0.1,
        threshold: 3.0,
    };

    /// `φ = f`: scale 1, threshold 0.
    pub const fn plain(activation: Activation) -> Self {
        RateFunction {
            activation,
            scale: 1.0,
            threshold: 0.0,
        }
    }

    /// `φ(u)`.
    #[inline]
    pub fn apply(&self, u: f32) -> f32 {
        self.scale * self.activation.apply(u - self.threshold)
    }

    /// `φ'(u)`.
    #[inline]
    pub fn derivative(&self, u: f32) -> f32 {
        self.scale * self.activation.derivative(u - self.threshold)
    }

    fn validate(&self, field: [&'static str; 2]) -> Result<(), ConfigError> {
        limits::check(
            field[0],
            self.scale,
            || "in (0, 100]",
            |v| v > 0.0 && v <= 100.0,
        )?;
        limits::check(
            field[1],
            self.threshold,
            || "in [-100, 100]",
            |v| v.abs() <= 100.0,
        )?;
        Ok(())
    }
}

/// Which cells the trace follows and the snapshot shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Probe {
    /// Hidden layer `k`, `1 ..= L-1`.
    pub layer: usize,
    /// Pyramidal cell of layer `k`, `0 .. n_k`.
    pub neuron: usize,
    /// Interneuron of layer `k`, `0 .. n_{k+1}`: the partner of cell `interneuron` of
    /// layer `k+1`.
    pub interneuron: usize,
}

impl Default for Probe {
    fn default() -> Self {
        Probe {
            layer: 1,
            neuron: 0,
            interneuron: 0,
        }
    }
}

/// Everything that defines a microcircuit run. Missing fields take the [`Default`]
/// values when deserialised; see the module docs for the defaults' sources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// The data: the same generator, seed stream and sizes as an
    /// [`crate::Experiment`], so the circuit learns exactly what BP/FA/shallow learn.
    pub task: TaskConfig,
    /// Layer widths `n_0 .. n_L`: input, at least one hidden layer, output.
    pub layers: Vec<usize>,
    /// `φ` of the hidden pyramidal cells.
    pub rate: RateFunction,
    /// `φ` of the output cells (the rate they send down). Identity by default.
    pub output_rate: RateFunction,
    pub mode: Mode,
    pub start: Start,
    /// Seeds the data, the weights, the pattern order and the noise.
    pub seed: u64,
    /// Euler step in ms, in (0, 1], with `dt · (largest total conductance) ≤ 1`.
    pub dt: f32,
    /// How long each pattern is shown, in ms, from `dt` to 10 000.
    pub pattern_ms: f32,
    /// Leak conductance `g_lk`, in [0, 100].
    pub g_lk: f32,
    /// Basal→soma conductance `g_B`, in (0, 100].
    pub g_b: f32,
    /// Apical→soma conductance `g_A`, in [0, 100].
    pub g_a: f32,
    /// Interneuron dendrite→soma conductance `g_D`, in (0, 100].
    pub g_d: f32,
    /// Nudging conductance `g_som` of the interneurons towards their partners, in
    /// [0, 100].
    pub g_som: f32,
    /// Nudging conductance of the output towards the target, in [0, 100]: weaker than
    /// the interneurons' `g_som`, so the target's shunt does not turn the
    /// interneuron→apical rule against the error (docs/science.md §4.4).
    pub g_target: f32,
    /// Time constant of the input low-pass filter in ms, in [0, 10 000] (0: none).
    pub input_tau_ms: f32,
    /// Time constant of the weight-change low-pass filter in ms, in [0, 10 000] (0: none).
    pub plasticity_tau_ms: f32,
    /// `σ` of the somatic noise, in [0, 10]; the full model only.
    pub noise: f32,
    /// `η_PP` per ms, in [0, 1]: forward (basal) weights and biases of the hidden layers.
    pub lr_forward: f32,
    /// `η_PP` per ms, in [0, 1], of the output layer's forward weights and biases.
    pub lr_output: f32,
    /// `η_PI` per ms, in [0, 1]: interneuron→apical weights, the same whether or not
    /// the output is nudged towards a target.
    pub lr_apical: f32,
    /// `η_IP` per ms, in [0, 1]: pyramidal→interneuron weights and biases.
    pub lr_interneuron: f32,
    /// Top-down weights' rate per ms, in [0, 1]; 0 keeps them fixed and random.
    pub lr_top_down: f32,
    /// Forward weights `W^PP_{k,k-1}` (drawn exactly as an Experiment's `W_k`).
    pub weight_init: InitSpec,
    /// Top-down weights `W^PP_{k,k+1}` (drawn exactly as an Experiment's `B_{k+1}`).
    pub top_down_init: InitSpec,
    /// `W^IP` and `W^PI` when `start` is random.
    pub interneuron_init: InitSpec,
    /// Patterns shown with no target before the output is nudged (pre-training, in
    /// which the self-predicting state is learned).
    pub pretrain_patterns: u64,
    /// Patterns the steady-state model settles and learns from at once, 1 to
    /// [`MAX_BATCH`] (see [`super::minibatch`]): each rule's change is averaged over
    /// them and applied once. 1, the default, is one pattern at a time. The full model
    /// always presents one pattern at a time.
    pub batch: usize,
    /// Record a metrics row every this many patterns (≥ 1).
    pub log_every: u64,
    /// The cells the trace and the snapshot follow.
    pub probe: Probe,
    /// Trace one point every this many ms of the full model (0: every step). The
    /// steady-state model adds one point per pattern (per minibatch, see `batch`).
    pub trace_every_ms: f32,
    /// Most trace points kept; older ones are dropped. At most 1 000 000.
    pub trace_capacity: usize,
}

impl Default for Config {
    /// The nonlinear teacher of Sacramento et al. 2018 (30-50-10 student).
    fn default() -> Self {
        Config::for_task(TaskKind::NonlinearTeacher)
    }
}

impl Config {
    /// The task's data, layer sizes, hidden activation and weight inits, with the
    /// circuit's starting-point parameters.
    pub fn for_task(kind: TaskKind) -> Self {
        let defaults = kind.defaults();
        // See "Learning rates" in the module docs.
        let lr_scale = (defaults.learning_rate
            / TaskKind::NonlinearTeacher.defaults().learning_rate)
            .min(MAX_LR_SCALE);
        Config {
            task: TaskConfig::recommended(kind),
            layers: defaults.layers,
            rate: RateFunction::plain(defaults.activation_name.parse().unwrap_or_default()),
            output_rate: RateFunction::plain(Activation::Linear),
            mode: Mode::Full,
            start: Start::SelfPredicting,
            seed: 1,
            dt: 0.1,
            pattern_ms: 100.0,
            g_lk: 0.1,
            g_b: 1.0,
            g_a: 0.8,
            g_d: 1.0,
            g_som: 0.8,
            // As strong as the interneurons' nudge; a weak target stops the full
            // model's drift but is not the default yet (see "The target conductance"
            // in the module docs).
            g_target: 0.8,
            input_tau_ms: 3.0,
            plasticity_tau_ms: 30.0,
            noise: 0.1,
            lr_forward: 0.002 * lr_scale,
            lr_output: 0.000_25 * lr_scale,
            lr_apical: 0.000_1 * lr_scale,
            lr_interneuron: 0.000_25 * 2.375 * lr_scale,
            lr_top_down: 0.0,
            weight_init: defaults.weight_init,
            top_down_init: defaults.feedback_init,
            interneuron_init: defaults.weight_init,
            pretrain_patterns: 0,
            batch: 1,
            log_every: 100,
            probe: Probe::default(),
            trace_every_ms: 1.0,
            trace_capacity: 5000,
        }
    }

    /// [`Config::for_task`] with a target conductance of 0.1 instead of 0.8, the
    /// forward rates scaled to keep `η λ` and the noise with the error (module docs,
    /// "The target conductance"): the full model does not drift, but plateaus, and a
    /// random start diverges while it pre-trains.
    pub fn weak_target(kind: TaskKind) -> Self {
        let strong = Config::for_task(kind);
        Config {
            g_target: 0.1,
            noise: 0.02,
            lr_forward: strong.lr_forward * 5.05,
            lr_output: strong.lr_output * 2.5,
            lr_interneuron: strong.lr_interneuron * 2.5,
            ..strong
        }
    }

    /// Euler steps per pattern, `round(pattern_ms / dt)`.
    pub fn steps_per_pattern(&self) -> u64 {
        (f64::from(self.pattern_ms) / f64::from(self.dt))
            .round()
            .max(1.0) as u64
    }

    /// Euler steps between trace points, `round(trace_every_ms / dt)`, at least 1.
    pub fn steps_per_trace_point(&self) -> u64 {
        (f64::from(self.trace_every_ms) / f64::from(self.dt))
            .round()
            .max(1.0) as u64
    }

    /// Checks every field against its allowed range (the layer sizes against the
    /// task's input and output; for `arrays`, [`super::Microcircuit::with_dataset`]
    /// checks them against the data).
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.task.validate()?;
        self.validate_layers()?;
        if let Some(output) = self.task.kind.output() {
            let io = self.task.kind.defaults().layers;
            let outputs = match output {
                crate::OutputKind::Classification { classes } => classes,
                crate::OutputKind::Regression => io[io.len() - 1],
            };
            self.validate_io(self.task.kind, io[0], outputs)?;
        }
        limits::check("dt", self.dt, || "in (0, 1] ms", |v| v > 0.0 && v <= MAX_DT)?;
        for (field, value, positive) in [
            ("g_lk", self.g_lk, false),
            ("g_b", self.g_b, true),
            ("g_a", self.g_a, false),
            ("g_d", self.g_d, true),
            ("g_som", self.g_som, false),
            ("g_target", self.g_target, false),
        ] {
            let allowed = if positive {
                "in (0, 100] (it divides)"
            } else {
                "in [0, 100] (a conductance cannot be negative)"
            };
            limits::check(
                field,
                value,
                || allowed,
                |v| (if positive { v > 0.0 } else { v >= 0.0 }) && v <= MAX_CONDUCTANCE,
            )?;
        }
        // Explicit Euler relaxes a compartment by the factor 1 - dt·g per step: it
        // overshoots and oscillates once dt·g > 1, and diverges above 2.
        let pyramidal = self.g_lk + self.g_b + self.g_a.max(self.g_target);
        let interneuron = self.g_lk + self.g_d + self.g_som;
        let total = pyramidal.max(interneuron);
        if self.dt * total > 1.0 {
            return Err(ConfigError::StiffStep {
                dt: self.dt,
                conductance: total,
            });
        }
        limits::check(
            "pattern_ms",
            self.pattern_ms,
            || "at least `dt` and at most 10000 ms",
            |v| v >= self.dt && v <= MAX_PATTERN_MS,
        )?;
        if self.pattern_ms / self.dt > MAX_STEPS_PER_PATTERN {
            return Err(ConfigError::OutOfRange {
                field: "pattern_ms",
                allowed: "at most 1e6 steps of `dt`",
                got: f64::from(self.pattern_ms),
            });
        }
        for (field, value) in [
            ("input_tau_ms", self.input_tau_ms),
            ("plasticity_tau_ms", self.plasticity_tau_ms),
        ] {
            limits::check(
                field,
                value,
                || "in [0, 10000] ms",
                |v| (0.0..=MAX_TAU_MS).contains(&v),
            )?;
        }
        limits::check(
            "noise",
            self.noise,
            || "in [0, 10]",
            |v| (0.0..=MAX_NOISE).contains(&v),
        )?;
        for (field, value) in [
            ("lr_forward", self.lr_forward),
            ("lr_output", self.lr_output),
            ("lr_apical", self.lr_apical),
            ("lr_interneuron", self.lr_interneuron),
            ("lr_top_down", self.lr_top_down),
        ] {
            limits::check(
                field,
                value,
                || "in [0, 1] per ms",
                |v| (0.0..=MAX_LR).contains(&v),
            )?;
        }
        self.rate.validate(["rate.scale", "rate.threshold"])?;
        self.output_rate
            .validate(["output_rate.scale", "output_rate.threshold"])?;
        limits::check_init_scales([
            ("weight_init.scale", Some(self.weight_init)),
            ("top_down_init.scale", Some(self.top_down_init)),
            ("interneuron_init.scale", Some(self.interneuron_init)),
        ])?;
        if !(1..=MAX_BATCH).contains(&self.batch) {
            return Err(ConfigError::OutOfRange {
                field: "batch",
                allowed: "between 1 and 4096 patterns",
                got: self.batch as f64,
            });
        }
        limits::check_at_least_one("log_every", self.log_every)?;
        limits::check(
            "trace_every_ms",
            self.trace_every_ms,
            || "in [0, 10000] ms",
            |v| (0.0..=MAX_PATTERN_MS).contains(&v),
        )?;
        if self.trace_capacity > MAX_TRACE_CAPACITY {
            return Err(ConfigError::OutOfRange {
                field: "trace_capacity",
                allowed: "at most 1000000",
                got: self.trace_capacity as f64,
            });
        }
        self.validate_probe(self.probe)
    }

    fn validate_layers(&self) -> Result<(), ConfigError> {
        let layers = &self.layers;
        limits::check_widths(layers, 3).map_err(|m| ConfigError::layers(m, self.task.kind))?;
        // Forward, plus top-down, W^IP and W^PI per hidden layer.
        let forward: usize = layers.windows(2).map(|p| p[0] * p[1]).sum();
        let lateral: usize = layers[1..].windows(2).map(|p| 3 * p[0] * p[1]).sum();
        if forward + lateral > MAX_PARAMETERS {
            return Err(ConfigError::TooManyWeights {
                got: forward + lateral,
            });
        }
        Ok(())
    }

    pub(crate) fn validate_io(
        &self,
        task: TaskKind,
        inputs: usize,
        outputs: usize,
    ) -> Result<(), ConfigError> {
        limits::check_io(&self.layers, inputs, outputs).map_err(|m| ConfigError::layers(m, task))
    }

    /// Checks that `probe` names a hidden layer and cells within it.
    pub fn validate_probe(&self, probe: Probe) -> Result<(), ConfigError> {
        let hidden = self.layers.len() - 2;
        if !(1..=hidden).contains(&probe.layer) {
            return Err(ConfigError::Probe {
                field: "probe.layer",
                min: 1,
                max: hidden,
                got: probe.layer,
            });
        }
        let (n, above) = (self.layers[probe.layer], self.layers[probe.layer + 1]);
        if probe.neuron >= n {
            return Err(ConfigError::Probe {
                field: "probe.neuron",
                min: 0,
                max: n - 1,
                got: probe.neuron,
            });
        }
        if probe.interneuron >= above {
            return Err(ConfigError::Probe {
                field: "probe.interneuron",
                min: 0,
                max: above - 1,
                got: probe.interneuron,
            });
        }
        Ok(())
    }
}

/// A microcircuit configuration that cannot run; the message names the field and what
/// is allowed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ConfigError {
    #[error("`{field}` must be {allowed}, got {got}")]
    OutOfRange {
        field: &'static str,
        allowed: &'static str,
        got: f64,
    },
    #[error(
        "`dt` × the largest total conductance must be at most 1 for a stable Euler step: \
         {dt} ms × {conductance} (g_lk + g_b + max(g_a, g_target), or g_lk + g_d + g_som) \
         is too large; make `dt` at most {}",
        1.0 / conductance
    )]
    StiffStep { dt: f32, conductance: f32 },
    #[error(
        "`layers` must list 3 to {MAX_LAYERS} widths (input, at least one hidden layer, \
         output), got {got}"
    )]
    LayerCount { got: usize },
    #[error("`layers[{index}]` must be between 1 and {MAX_UNITS} units, got {got}")]
    LayerWidth { index: usize, got: usize },
    #[error(
        "`layers` give the circuit {got} weights (forward, top-down and interneuron); \
         at most {MAX_PARAMETERS} are allowed"
    )]
    TooManyWeights { got: usize },
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
    #[error("`{field}` must be between {min} and {max}, got {got}")]
    Probe {
        field: &'static str,
        min: usize,
        max: usize,
        got: usize,
    },
    #[error(
        "`{field}` defines the run and cannot change while it runs; build a new \
         microcircuit instead"
    )]
    Fixed { field: &'static str },
    #[error("`task`: {0}")]
    Task(#[from] TaskError),
}

limits::config_error_from!(ConfigError, layers);

/// Why a circuit stopped.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum StepError {
    /// A potential or a weight stopped being finite. The circuit stays stopped: every
    /// later call returns this error again.
    #[error(
        "the microcircuit diverged after {patterns} patterns ({time_ms} ms): the {quantity} \
         of layer {layer} are no longer finite (NaN or infinite); try smaller learning \
         rates, a smaller `dt` or weaker weights"
    )]
    Diverged {
        patterns: u64,
        time_ms: f64,
        /// "forward weights", "apical potentials", ...
        quantity: &'static str,
        /// The layer `k` (1-based) of the offending quantity.
        layer: usize,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_starting_points_and_valid() {
        let config = Config::default();
        assert_eq!(config.layers, vec![30, 50, 10]);
        assert_eq!((config.g_lk, config.g_b, config.g_a), (0.1, 1.0, 0.8));
        assert_eq!((config.g_d, config.g_som, config.dt), (1.0, 0.8, 0.1));
        // The target is as strong as the interneurons' nudge; `weak_target` scales
        // the forward rates to keep ηλ (docs/science.md §4.4).
        assert_eq!(config.g_target, config.g_som);
        let weak = Config::weak_target(TaskKind::NonlinearTeacher);
        let lambda = |c: &Config| c.g_target / (c.g_lk + c.g_b + c.g_target);
        let kept = weak.lr_forward * lambda(&weak) / (config.lr_forward * lambda(&config));
        assert!((kept - 1.0).abs() < 0.01, "{kept}");
        weak.validate().unwrap();
        assert_eq!(config.steps_per_pattern(), 1000);
        assert_eq!(config.steps_per_trace_point(), 10);
        config.validate().unwrap();
        for kind in TaskKind::generated() {
            Config::for_task(kind).validate().unwrap();
        }
    }

    #[test]
    fn bad_parameters_are_refused_naming_the_field() {
        let bad = |edit: &dyn Fn(&mut Config), field: &str| {
            let mut config = Config::default();
            edit(&mut config);
            let message = config.validate().unwrap_err().to_string();
            assert!(message.contains(field), "{field}: {message}");
        };
        bad(&|c| c.dt = 0.0, "`dt` must be in (0, 1] ms, got 0");
        bad(&|c| c.dt = -0.1, "`dt`");
        bad(&|c| c.dt = f32::NAN, "`dt`");
        bad(&|c| c.g_lk = -0.1, "`g_lk` must be in [0, 100]");
        bad(&|c| c.g_a = -1.0, "cannot be negative");
        bad(&|c| c.g_som = f32::NAN, "`g_som`");
        bad(&|c| c.g_b = 0.0, "`g_b` must be in (0, 100]");
        bad(&|c| c.g_d = f32::INFINITY, "`g_d`");
        bad(&|c| c.dt = 0.9, "stable Euler step");
        bad(&|c| c.noise = -0.1, "`noise`");
        bad(&|c| c.lr_forward = f32::NAN, "`lr_forward`");
        bad(&|c| c.lr_apical = -1e-3, "`lr_apical`");
        bad(&|c| c.pattern_ms = 0.01, "`pattern_ms`");
        bad(&|c| c.plasticity_tau_ms = -1.0, "`plasticity_tau_ms`");
        bad(&|c| c.rate.scale = 0.0, "`rate.scale`");
        bad(
            &|c| c.output_rate.threshold = f32::NAN,
            "`output_rate.threshold`",
        );
        bad(&|c| c.layers = vec![30, 10], "at least one hidden layer");
        bad(&|c| c.layers = vec![30, 0, 10], "`layers[1]`");
        bad(&|c| c.layers = vec![30, 4000, 4000, 10], "weights");
        bad(&|c| c.layers = vec![20, 50, 10], "input size");
        bad(&|c| c.log_every = 0, "`log_every`");
        bad(
            &|c| c.batch = 0,
            "`batch` must be between 1 and 4096 patterns, got 0",
        );
        bad(&|c| c.batch = MAX_BATCH + 1, "`batch`");
        bad(
            &|c| c.probe.layer = 2,
            "`probe.layer` must be between 1 and 1, got 2",
        );
        bad(
            &|c| c.probe.neuron = 50,
            "`probe.neuron` must be between 0 and 49",
        );
        bad(&|c| c.probe.interneuron = 10, "`probe.interneuron`");
        bad(&|c| c.task.train_size = 0, "train_size");
        bad(
            &|c| c.weight_init = InitSpec::Uniform { scale: -1.0 },
            "`weight_init.scale`",
        );
        bad(&|c| c.trace_capacity = usize::MAX, "`trace_capacity`");
    }

    #[test]
    fn the_papers_rate_function() {
        let phi = RateFunction::SACRAMENTO;
        // 0.1 ln(1 + e^0) = 0.1 ln 2 at the threshold.
        assert!((phi.apply(3.0) - 0.1 * std::f32::consts::LN_2).abs() < 1e-7);
        // φ'(u) = 0.1 σ(u - 3): 0.05 at the threshold.
        assert!((phi.derivative(3.0) - 0.05).abs() < 1e-7);
        assert_eq!(RateFunction::default().apply(-2.5), -2.5);
    }

    #[test]
    fn serde_names_are_the_url_names() {
        // The web page writes `mode=steady` and `init=self-predicting`; a worker's
        // serde configuration must use the same words.
        for mode in Mode::ALL {
            assert_eq!(
                serde_json::to_string(&mode).unwrap(),
                format!("\"{}\"", mode.name())
            );
            assert_eq!(Mode::from_name(mode.name()), Some(mode));
        }
        for start in Start::ALL {
            assert_eq!(
                serde_json::to_string(&start).unwrap(),
                format!("\"{}\"", start.name())
            );
            assert_eq!(Start::from_name(start.name()), Some(start));
        }
        assert_eq!(Mode::SteadyState.name(), "steady");
        assert_eq!(Mode::from_name("Steady-State"), Some(Mode::SteadyState));
        assert_eq!(Start::from_name("sideways"), None);
    }

    #[test]
    fn serde_fills_missing_fields_with_defaults() {
        let config: Config =
            serde_json::from_str(r#"{"mode": "steady-state", "start": "random"}"#).unwrap();
        assert_eq!(config.mode, Mode::SteadyState);
        assert_eq!(config.start, Start::Random);
        assert_eq!(config.layers, Config::default().layers);
        let json = serde_json::to_string(&config).unwrap();
        assert_eq!(serde_json::from_str::<Config>(&json).unwrap(), config);
    }
}
