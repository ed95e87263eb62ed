//! Dendritic error microcircuits (Sacramento, Ponte Costa, Bengio & Senn, NeurIPS
//! 2018; docs/science.md §4): one-phase, local learning that approximates backprop.
//!
//! Each hidden layer has pyramidal cells with a soma, a basal and an apical
//! compartment, and one interneuron per cell of the layer above. Bottom-up input
//! arrives on the basal dendrites; top-down input from the layer above arrives on the
//! apical dendrites, where the interneurons — which learn to mimic the layer above —
//! cancel it. With no target the apical dendrites are then silent (the
//! *self-predicting state*). When the output is nudged towards a target, the part of
//! the top-down input the interneurons did not predict is the error: it stays on the
//! apical dendrite, moves the soma away from its basal prediction, and the forward
//! weights learn to follow — all at once, with local rules and no separate phase.
//!
//! ```text
//! hidden soma   du_k/dt = -g_lk u_k + g_B (v_B - u_k) + g_A (v_A - u_k) + σξ
//! basal         v_B = W^PP_{k,k-1} r_{k-1} + b_k        apical  v_A = W^PP_{k,k+1} r_{k+1} + W^PI_k r^I_k
//! interneuron   du^I/dt = -g_lk u^I + g_D (v^I - u^I) + g_som (u_{k+1} - u^I) + σξ,   v^I = W^IP_k r_k + b^I_k
//! output        du_L/dt = -g_lk u_L + g_B (v_B - u_L) + g_trgt (u_trgt - u_L) + σξ
//! plasticity    dW/dt = η (φ(soma) - φ(dendritic prediction)) preᵀ  for W^PP and W^IP;  dW^PI/dt = -η_PI v_A r^Iᵀ
//! ```
//!
//! | module | concept |
//! |---|---|
//! | [`config`] | the validated [`Config`] and its starting-point defaults |
//! | [`digits`] | the paper's MNIST experiment: its circuit, rates and rate targets |
//! | [`weights`] | the four weight groups, random and self-predicting initialisation |
//! | [`state`] | the compartment potentials and the bottom-up prediction |
//! | [`dynamics`] | the full model: Euler steps of every soma, noise, filters |
//! | [`steady_state`] | the steady-state approximation (paper §3.4) |
//! | [`minibatch`] | the steady-state model over a minibatch, in matrix form |
//! | [`plasticity`] | the four rules, filtered (full) or per pattern (steady state) |
//! | [`preset`] | the paper's regression task and conditions (`sacramento-2018`) |
//! | [`export`] | the saved run `bioprop run --config` replays: its configuration and changes |
//! | `run` | the clock: presenting patterns, ticks, divergence checks |
//! | [`observe`] | evaluation, metrics rows, traces, the state hash and snapshots |
//! | [`update_angle`] | the angle between the circuit's hidden update and backprop's |
//! | `tests` | the circuit's behaviour against the paper's fixed points and results |
//!
//! # Driving a circuit
//!
//! ```text
//! Config ──validate──▶ Microcircuit::new ──▶ step(patterns) / run_for(ms) … ──▶ history(), snapshot(), trace()
//! ```
//!
//! Patterns are the task's training samples, each shown for `pattern_ms`, in a
//! shuffled order reshuffled every epoch. [`Microcircuit::step`] presents whole
//! patterns; [`Microcircuit::run_for`] advances the simulated clock (the steady-state
//! model presents a pattern whenever the clock passes the end of one). With
//! [`Config::batch`] above 1 the steady-state model takes its patterns in minibatches
//! ([`minibatch`]): a step presents whole minibatches, and each lasts `batch` patterns'
//! time. The two models
//! share the weights and the state: [`Microcircuit::set_mode`] switches between them at
//! any time, and [`Microcircuit::set_target`] turns the output nudging on and off
//! (pre-training without a target is [`Config::pretrain_patterns`] patterns
//! with it off). A new circuit starts at the settled potentials of its first pattern.
//!
//! # Reproducibility
//!
//! The seed feeds independent ChaCha8 streams (see [`crate::streams`]): data, forward
//! weights, top-down weights, pattern order, random interneuron weights and noise. The
//! first four are the streams an [`crate::Experiment`] uses, so from one seed the
//! circuit sees the same data in the same order as a batch-1 BP/FA/shallow run, starts
//! from the same forward weights and has FA's `B` as its top-down weights. All maths is
//! fixed-order `f32` with `libm` transcendental functions, so a run is bit-identical
//! natively and in wasm ([`Microcircuit::state_hash`]).
//!
//! # Allocation
//!
//! Every buffer is allocated in [`Microcircuit::new`]; a step that neither logs nor
//! grows the trace past its capacity allocates nothing.

pub mod config;
pub mod digits;
pub mod dynamics;
pub mod export;
pub mod facts;
pub mod minibatch;
pub mod observe;
pub mod plasticity;
pub mod preset;
mod run;
pub mod state;
pub mod steady_state;
#[cfg(test)]
mod tests;
pub mod update_angle;
pub mod weights;

use std::collections::VecDeque;

use ndarray::Array1;
use rand_chacha::ChaCha8Rng;

pub use config::{Config, ConfigError, Mode, Probe, RateFunction, Start, StepError};
pub use observe::{CircuitLayerMetrics, CircuitMetrics, Snapshot, TracePoint};
pub use state::CircuitState;
pub use weights::CircuitWeights;

use crate::experiment::EVAL_CHUNK;
use crate::metrics::NseDenominators;
use crate::streams::{self, shuffle, stream};
use crate::task::{self, Dataset, OutputKind, TaskError};
use minibatch::Minibatch;
use observe::EvalBuffers;
use plasticity::Plasticity;
use state::Shares;
use update_angle::{AngleSum, UpdateAngle};

/// The rule's name on the command line.
pub const NAME: &str = "microcircuit";
/// One line for `bioprop list`.
pub const DESCRIPTION: &str = "dendritic error microcircuit: apical error, interneurons, \
    local always-on plasticity (Sacramento et al. 2018); --steady-state for the fast variant";

/// Running sums since the last metrics row.
#[derive(Debug, Clone)]
struct SinceLog {
    apical_energy: Vec<f64>,
    /// Per hidden layer, the angles between the circuit's update and backprop's.
    update_angle: Vec<AngleSum>,
    loss: f64,
    patterns: u64,
}

/// A dendritic error microcircuit learning a task; see the module docs. A clone
/// carries its generators along, so it continues exactly as the original would.
#[derive(Debug, Clone)]
pub struct Microcircuit {
    config: Config,
    shares: Shares,
    dataset: Dataset,
    weights: CircuitWeights,
    state: CircuitState,
    plasticity: Plasticity,
    /// The steady-state model's minibatch (`batch` rows; used when `batch > 1`).
    minibatch: Minibatch,
    /// Whether `run_for` stopped inside a minibatch's time: the next
    /// `tick_in_pattern` steps belong to it, and no single pattern is under way.
    minibatch_under_way: bool,
    /// Backprop's update from the same state, for the update angle.
    update_angle: UpdateAngle,
    eval: EvalBuffers,
    /// The current pattern's input and target (the last of a minibatch).
    x: Array1<f32>,
    y: Array1<f32>,
    /// The target as the full model's output sees it: `y` through the same low-pass
    /// filter as the input rates (`input_tau_ms`), so that at a change of pattern the
    /// nudge does not jump ahead of the input it belongs to (docs/science.md §4.4).
    target_rate: Array1<f32>,
    /// Its loss `½‖ŷ - y‖²` before it was learned, once known.
    pattern_loss: Option<f64>,

    order: Vec<usize>,
    cursor: usize,
    order_rng: ChaCha8Rng,
    noise_rng: ChaCha8Rng,

    steps_per_pattern: u64,
    steps_per_trace_point: u64,
    /// Euler steps of simulated time so far (`ticks · dt` ms).
    ticks: u64,
    /// `dt` as the decimal the config shows (0.1, not 0.100000001), so that simulated
    /// times read as round numbers.
    dt_ms: f64,
    /// Steps into the current pattern; 0 between patterns.
    tick_in_pattern: u64,
    patterns: u64,

    target_on: bool,
    /// The pattern count at which pre-training ends and the target goes on.
    target_on_at: Option<u64>,
    plastic: bool,

    since_log: SinceLog,
    history: Vec<CircuitMetrics>,
    trace: VecDeque<TracePoint>,
    diverged: Option<StepError>,
    /// `Σ‖y - ȳ‖²` of the training and test targets (regression only).
    nse_denominators: NseDenominators,
}

impl Microcircuit {
    /// Validates `config`, generates its task's data (the same data an
    /// [`crate::Experiment`] with this seed gets) and builds the circuit.
    pub fn new(config: &Config) -> Result<Self, ConfigError> {
        config.validate()?;
        let dataset = task::generate(&config.task, &mut stream(config.seed, streams::DATA))?;
        Microcircuit::with_dataset(config, dataset)
    }

    /// Builds the circuit on supplied data (the `arrays` task, digits), checking the
    /// layer sizes against it. `config.task` is kept for the record.
    pub fn with_dataset(config: &Config, dataset: Dataset) -> Result<Self, ConfigError> {
        config.validate()?;
        let outputs = match dataset.output {
            OutputKind::Classification { classes } => classes,
            OutputKind::Regression => dataset.output_size(),
        };
        config.validate_io(config.task.kind, dataset.input_size(), outputs)?;
        if dataset.train_size() == 0 || dataset.test_size() == 0 {
            return Err(ConfigError::Task(TaskError::Empty {
                array: if dataset.train_size() == 0 {
                    "train_inputs"
                } else {
                    "test_inputs"
                },
                rows: 0,
                cols: dataset.input_size(),
            }));
        }
        let sizes = &config.layers;
        let weights = CircuitWeights::draw(
            config,
            &mut stream(config.seed, streams::WEIGHTS),
            &mut stream(config.seed, streams::FEEDBACK),
            &mut stream(config.seed, streams::INTERNEURONS),
        );
        let mut order_rng = stream(config.seed, streams::ORDER);
        let mut order: Vec<usize> = (0..dataset.train_size()).collect();
        shuffle(&mut order, &mut order_rng);
        let hidden = sizes.len() - 2;
        let mut circuit = Microcircuit {
            shares: Shares::new(config),
            state: CircuitState::at_rest(sizes),
            plasticity: Plasticity::new(&weights),
            minibatch: Minibatch::new(sizes, config.batch),
            minibatch_under_way: false,
            update_angle: UpdateAngle::new(sizes, config.batch),
            eval: EvalBuffers::new(
                sizes,
                EVAL_CHUNK.min(dataset.train_size().max(dataset.test_size())),
            ),
            x: Array1::zeros(sizes[0]),
            y: Array1::zeros(sizes[hidden + 1]),
            target_rate: Array1::zeros(sizes[hidden + 1]),
            pattern_loss: None,
            order,
            cursor: 0,
            order_rng,
            noise_rng: stream(config.seed, streams::NOISE),
            steps_per_pattern: config.steps_per_pattern(),
            steps_per_trace_point: config.steps_per_trace_point(),
            ticks: 0,
            dt_ms: decimal(config.dt),
            tick_in_pattern: 0,
            patterns: 0,
            target_on: config.pretrain_patterns == 0,
            target_on_at: (config.pretrain_patterns > 0).then_some(config.pretrain_patterns),
            plastic: true,
            since_log: SinceLog {
                apical_energy: vec![0.0; hidden],
                update_angle: vec![AngleSum::default(); hidden],
                loss: 0.0,
                patterns: 0,
            },
            history: Vec::new(),
            trace: VecDeque::with_capacity(config.trace_capacity),
            diverged: None,
            nse_denominators: NseDenominators::of(&dataset),
            config: config.clone(),
            dataset,
            weights,
        };
        // Start at the settled potentials of the first pattern (without consuming it
        // or learning), and log them as row 0.
        let first = circuit.order[0];
        circuit.x.assign(&circuit.dataset.train_inputs.row(first));
        circuit.y.assign(&circuit.dataset.train_targets.row(first));
        let loss = circuit.settle_current();
        circuit.push_trace_point();
        circuit.accumulate(loss);
        circuit.record_metrics();
        Ok(circuit)
    }
}

impl Microcircuit {
    /// Switches between the full model and the steady-state approximation; the
    /// weights and potentials carry over. The full model starts its filtered weight
    /// changes afresh (the steady-state model does not filter), and the time already
    /// spent on a minibatch that has not been presented yet passes with no pattern.
    pub fn set_mode(&mut self, mode: Mode) {
        if mode == Mode::Full && self.config.mode != Mode::Full {
            self.plasticity.reset_filters();
            dynamics::refresh_rates(&self.shares, &mut self.state);
            if self.minibatch_under_way {
                self.minibatch_under_way = false;
                self.tick_in_pattern = 0;
            }
        }
        self.config.mode = mode;
    }

    /// The model in use.
    pub fn mode(&self) -> Mode {
        self.config.mode
    }

    /// Turns the output nudging towards the target on or off, from the next step on.
    /// This ends any pre-training still scheduled.
    pub fn set_target(&mut self, on: bool) {
        self.target_on = on;
        self.target_on_at = None;
    }

    /// Whether the output is nudged towards the target.
    pub fn target_on(&self) -> bool {
        self.target_on
    }

    /// The pattern count at which scheduled pre-training ends and the target comes
    /// on ([`Config::pretrain_patterns`]); `None` once it has, or when
    /// [`Self::set_target`] took over.
    pub fn target_on_at(&self) -> Option<u64> {
        self.target_on_at
    }

    /// Freezes (`false`) or resumes (`true`) every weight.
    pub fn set_plasticity(&mut self, on: bool) {
        self.plastic = on;
    }

    /// Whether the weights learn.
    pub fn plastic(&self) -> bool {
        self.plastic
    }

    /// Follows other cells in the trace and the snapshot (the trace starts afresh).
    pub fn set_probe(&mut self, probe: Probe) -> Result<(), ConfigError> {
        self.config.validate_probe(probe)?;
        self.config.probe = probe;
        self.trace.clear();
        Ok(())
    }

    /// Changes the run's parameters from the next step on: conductances, `dt`, the
    /// pattern length, filters, noise, learning rates, rate functions, mode, the
    /// minibatch, logging, the probe and the trace. The task, layers, seed, start and inits define the run
    /// and cannot change (build a new circuit); nor can `pretrain_patterns` (use
    /// [`Microcircuit::set_target`]).
    pub fn set_parameters(&mut self, config: &Config) -> Result<(), ConfigError> {
        config.validate()?;
        let old = &self.config;
        let fixed = [
            ("task", config.task == old.task),
            ("layers", config.layers == old.layers),
            ("seed", config.seed == old.seed),
            ("start", config.start == old.start),
            ("weight_init", config.weight_init == old.weight_init),
            ("top_down_init", config.top_down_init == old.top_down_init),
            (
                "interneuron_init",
                config.interneuron_init == old.interneuron_init,
            ),
            (
                "pretrain_patterns",
                config.pretrain_patterns == old.pretrain_patterns,
            ),
        ];
        if let Some((field, _)) = fixed.iter().find(|(_, same)| !same) {
            return Err(ConfigError::Fixed { field });
        }
        let probe_changed = config.probe != old.probe;
        if config.batch != old.batch {
            self.minibatch = Minibatch::new(&config.layers, config.batch);
            self.update_angle = UpdateAngle::new(&config.layers, config.batch);
        }
        let mode = config.mode;
        self.config = Config {
            mode: self.config.mode,
            ..config.clone()
        };
        self.shares = Shares::new(&self.config);
        self.set_mode(mode);
        // Simulated time so far keeps its value; later steps are of the new `dt`.
        let elapsed = self.time_ms();
        self.dt_ms = decimal(self.config.dt);
        self.ticks = (elapsed / self.dt_ms).round() as u64;
        self.steps_per_pattern = self.config.steps_per_pattern();
        self.steps_per_trace_point = self.config.steps_per_trace_point();
        // A shorter pattern (or minibatch) ends at the next step.
        self.tick_in_pattern = self
            .tick_in_pattern
            .min(self.presentation_steps().saturating_sub(1));
        if probe_changed {
            self.trace.clear();
        }
        while self.trace.len() > self.config.trace_capacity {
            self.trace.pop_front();
        }
        Ok(())
    }

    /// Sets the interneuron weights to the closed form of the self-predicting state for
    /// the current forward and top-down weights.
    pub fn make_self_predicting(&mut self) {
        self.weights.make_self_predicting(&self.config);
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The data.
    pub fn dataset(&self) -> &Dataset {
        &self.dataset
    }

    /// The weights.
    pub fn weights(&self) -> &CircuitWeights {
        &self.weights
    }

    /// Every potential and rate.
    pub fn state(&self) -> &CircuitState {
        &self.state
    }

    /// Patterns presented so far.
    pub fn patterns(&self) -> u64 {
        self.patterns
    }

    /// Simulated time, ms.
    pub fn time_ms(&self) -> f64 {
        self.ticks as f64 * self.dt_ms
    }

    /// Steps of `dt` simulated so far (the clock [`Microcircuit::time_ms`] reads).
    pub fn clock_steps(&self) -> u64 {
        self.ticks
    }

    /// The step count at `ms` of simulated time (the nearest whole step of `dt`; 0
    /// for a time that is not a positive number).
    pub fn steps_at(&self, ms: f64) -> u64 {
        let steps = ms / self.dt_ms;
        if steps.is_finite() && steps > 0.0 {
            steps.round() as u64
        } else {
            0
        }
    }

    /// Every logged row, oldest first; row 0 is the settled first pattern before any
    /// learning.
    pub fn history(&self) -> &[CircuitMetrics] {
        &self.history
    }

    /// The latest logged row.
    pub fn latest(&self) -> Option<&CircuitMetrics> {
        self.history.last()
    }

    /// The divergence that stopped this circuit, if any.
    pub fn diverged(&self) -> Option<&StepError> {
        self.diverged.as_ref()
    }

    /// The probed cells over time, oldest first, at most `trace_capacity` points.
    pub fn trace(&self) -> &VecDeque<TracePoint> {
        &self.trace
    }

    /// Takes the trace points recorded since the last call (for streaming to a UI).
    pub fn drain_trace(&mut self) -> Vec<TracePoint> {
        self.trace.drain(..).collect()
    }
}

/// The `f64` nearest the shortest decimal that reads back as `value` (0.1_f32 → 0.1).
fn decimal(value: f32) -> f64 {
    value.to_string().parse().unwrap_or(f64::from(value))
}
