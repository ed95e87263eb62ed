//! The rules page's training, run in the worker ([`crate::pages::worker`]) off the
//! page's thread; the worker
//! streams small [`Frame`]s (snapshots and the new metric rows) back so the
//! page keeps animating while it trains at full speed.
//!
//! Protocol: the page sends [`Command`]s; every `Configure` starts a new
//! *generation* of runs (one per rule in compare mode, all from one config, so
//! they share initial weights, `B` and data order). Frames carry their
//! generation so the page can drop frames of runs it has already replaced.
//!
//! `Configure` carries a typed, versioned [`RunsConfig`] (core's, so an export or
//! the CLI reads the same type): the page parses its URL once ([`runs_config`]),
//! and the worker only validates what it receives, refusing a version or a config
//! it cannot run.

pub mod digits;
pub mod matrices;

use std::time::Duration;

use bioprop::experiment::{ConfigError, Experiment, ExperimentConfig, Snapshot, SynapseUpdate};
use bioprop::metrics::Metrics;
use bioprop::rule::{RuleKind, RunRule};
use bioprop::session::{DataIdentity, RunsConfig};
use bioprop::task::{Dataset, OutputKind, TaskKind};
use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::export::{read_config, ConfigRead};
use super::settings::{Settings, MAX_SPEED, SPEED_MAX};
use crate::widgets::config_import::refusal;
use crate::widgets::heatmap::{grid_inputs, Extent};

/// Time between frames while playing (about 30 frames per second).
pub const FRAME_INTERVAL: Duration = Duration::from_millis(33);
/// Side of the grid on which a 2-D task's decision boundary is sampled.
pub const BOUNDARY_RESOLUTION: usize = 48;
/// Points on which a 1-D regression's fitted curve is sampled.
pub const CURVE_POINTS: usize = 101;
/// Metric rows per frame the page aims for; see [`log_interval`].
const ROWS_PER_FRAME: u64 = 2;
/// Wall-clock milliseconds a frame trains at the speed `max` ([`SPEED_MAX`]) at most:
/// [`FRAME_INTERVAL`] less what building the previous frame took and
/// [`MAX_SPEED_MARGIN_MS`] for sending it ([`Trainer::tick_with`]), within these bounds.
pub const MAX_SPEED_BUDGET_MS: f64 = 31.0;
/// The least a frame trains at the speed `max`, however long frames take to build.
pub const MIN_SPEED_BUDGET_MS: f64 = 16.0;
/// Milliseconds of a frame at the speed `max` left for sending it to the page (the
/// worker's encoding and `postMessage`, which the trainer does not see).
pub const MAX_SPEED_MARGIN_MS: f64 = 1.5;
/// Frames per logged row at the speed `max` (on the digits, [`digits::FRAMES_PER_ROW`]):
/// a row evaluates the whole training and test sets, which with four runs on xor cost
/// a sixth of the worker's time at one row a frame.
pub const MAX_SPEED_FRAMES_PER_ROW: u64 = 2;
/// Most steps a frame trains at the speed `max`, whatever the clock says.
pub const MAX_FRAME_STEPS: u64 = 100_000;
/// Frames between pictures (decision boundary, fitted curve) at the speed `max`: each
/// costs a forward pass over a 48 × 48 grid per run, and at 10 a second the view still
/// moves smoothly.
pub const MAX_SPEED_PICTURE_EVERY: u64 = 3;

/// What the page asks of the worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Command {
    /// Builds fresh runs, one per rule of the config; also what "reset" sends.
    /// Answered with [`Update::Configured`] and a frame, or [`Update::Rejected`]
    /// when the config cannot run.
    Configure(#[serde(with = "json_text")] Box<RunsConfig>),
    Play,
    Pause,
    /// Trains `n` steps (of every run) and sends one frame.
    Step(u64),
    /// Steps per frame while playing.
    SetSpeed(u32),
    /// Each run's learning rate, in the order of the runs, without a reset (compare
    /// mode may give each rule its own). Refused, changing none, when a rate is out
    /// of range or the count is not the number of runs.
    SetLearningRates(Vec<f32>),
    /// Draws new feedback matrices for every run (same draw for all).
    ResampleFeedback,
    /// Which output synapse `w_ij` the delta-rule view writes out (0-based `i`, `j`):
    /// from now on every frame carries its latest update ([`RunFrame::synapse`]).
    /// Kept across `Configure`; answered with a frame.
    Watch {
        output: usize,
        input: usize,
    },
    /// Loads the handwritten digits the `digits` task trains on. Answered with
    /// [`Update::DigitsLoaded`], or [`Update::Rejected`] naming the file and the
    /// problem, in which case the runs and the digits loaded before are untouched.
    /// The runs are not rebuilt: the page follows with a `Configure`.
    LoadDigits(DigitsSource),
    /// One forward pass of every run on a drawn digit (784 values in [0, 1],
    /// preprocessed like MNIST); with the true `label`, also the output error and the
    /// error signals it sends back under each run's rule. Answered at once with
    /// [`Update::Predictions`], or [`Update::Rejected`] for a wrong size or no runs
    /// on the digits.
    Predict {
        pixels: Vec<f32>,
        label: Option<u8>,
    },
    /// Every run's weights, biases and feedback matrices as they are now, whole (no
    /// size limit), for "Export → Weights (JSON)". Answered with [`Update::Matrices`].
    ExportMatrices,
    /// Reads a configuration file the user imported, called `name`, and checks it
    /// (`super::export::read_config`). Answered with [`Update::ConfigRead`], or
    /// [`Update::Rejected`] naming the file and the problem; the runs are untouched.
    ReadConfig {
        name: String,
        text: String,
    },
}

/// Where the digits come from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum DigitsSource {
    /// The compact digits file `make dist` builds (`digits.bin`; see
    /// `bioprop::task::pack`).
    Pack(#[serde(with = "serde_bytes")] Vec<u8>),
    /// The four standard MNIST IDX files (each plain or gzipped), in any order:
    /// recognised by their magic numbers and counts (and names).
    Idx { files: Vec<IdxFile> },
}

/// One file the user chose: its name (for messages) and its bytes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IdxFile {
    pub name: String,
    #[serde(with = "serde_bytes")]
    pub bytes: Vec<u8>,
}

impl Command {
    /// Whether the worker answers it (with a frame or a refusal); live
    /// setting changes are applied silently.
    pub fn expects_reply(&self) -> bool {
        !matches!(self, Command::SetSpeed(_) | Command::SetLearningRates(_))
    }
}

/// What the worker tells the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Update {
    /// New runs exist; `data` is the task's training data for drawing.
    Configured {
        generation: u64,
        data: TaskData,
    },
    Frame(Box<Frame>),
    /// The digits of a [`Command::LoadDigits`] are in: `train` and `test` images,
    /// from `source` (in words, e.g. "digits.bin" or the chosen files' names).
    DigitsLoaded {
        train: usize,
        test: usize,
        source: String,
        /// The digits' name and hash, which an exported configuration carries.
        identity: DataIdentity,
    },
    /// The answer to [`Command::ReadConfig`]: the file `name`, read and valid.
    ConfigRead {
        name: String,
        read: ConfigRead,
    },
    /// The answer to [`Command::ExportMatrices`]: the runs of `generation` as JSON
    /// ([`matrices::RunMatrices`], one per run, in the order of the runs).
    Matrices {
        generation: u64,
        json: String,
    },
    /// Every run's answer to a [`Command::Predict`], in the order of the runs.
    Predictions {
        runs: Vec<DigitPrediction>,
    },
    /// A command could not be carried out; training is unaffected.
    Rejected {
        message: String,
    },
}

/// A task's data as the page draws it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum TaskData {
    /// 2-D classification: (x₁, x₂, class) of every training sample.
    Points(Vec<(f32, f32, u8)>),
    /// 1-D regression: (x, y) of every training sample.
    Samples(Vec<(f32, f32)>),
    /// Anything else (e.g. the teachers): nothing to draw but the error.
    #[default]
    None,
}

/// The state of every run after a batch of steps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Frame {
    pub generation: u64,
    pub playing: bool,
    pub runs: Vec<RunFrame>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunFrame {
    /// The run's rule as the configuration listed it, with or without `f′` of its
    /// own: the run's name and colour on the page.
    pub run: RunRule,
    pub snapshot: Snapshot,
    /// The learning rate the run trains at now.
    pub lr: f32,
    /// History rows logged since the previous frame.
    pub new_metrics: Vec<Metrics>,
    /// What the task view draws for this run, if anything.
    pub picture: Option<Picture>,
    /// Why the run stopped, in words for the user.
    pub diverged: Option<String>,
    /// For a delta-rule run, the watched synapse's latest update ([`Command::Watch`];
    /// `None` before the first step or for a synapse the network does not have).
    pub synapse: Option<SynapseUpdate>,
    /// On the `digits` task, what the digit views draw (not in every frame: see
    /// [`DIGITS_VIEW_EVERY`]; the page keeps the last).
    pub digits: Option<DigitsView>,
    /// [`Experiment::weights_hash`] now: what `bioprop run --config` prints at the
    /// same step, for the page's reproduction readout. In every frame but those at the
    /// speed `max` without pictures, where hashing every weight would cost the worker
    /// a few percent of its training (the page keeps the last hash with its step).
    pub weights_hash: Option<u64>,
}

/// What the digit views draw for one run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DigitsView {
    /// 10 × 10 counts, row = true class, column = predicted class, over the
    /// held-out images evaluated ([`DigitsView::evaluated`]).
    pub confusion: Vec<u32>,
    /// Held-out images counted in `confusion`: the whole test set (while playing,
    /// swept over about 40 frames, so the weights move a little during a pass; after
    /// a command, all at once).
    pub evaluated: usize,
    /// Up to [`MISCLASSIFIED_SHOWN`] held-out digits the run gets wrong, first in
    /// test-set order.
    pub misclassified: Vec<Misclassified>,
    /// The first layer's receptive fields (a fixed sample of hidden units).
    pub fields: Option<ReceptiveFields>,
}

/// One held-out digit a run gets wrong.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Misclassified {
    /// Its place in the test set.
    pub index: usize,
    /// 784 grey levels, row by row, 0 (background) to 255 (ink).
    #[serde(with = "serde_bytes")]
    pub pixels: Vec<u8>,
    pub predicted: u8,
    pub truth: u8,
}

/// Incoming first-layer weights of a sample of hidden units.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReceptiveFields {
    /// Which hidden units: the first [`RECEPTIVE_FIELDS_SHOWN`] (or all, if fewer).
    pub units: Vec<usize>,
    /// `units.len() × 784`, row-major: row `k` is unit `units[k]`'s weights from
    /// each pixel, row by row of the image.
    pub weights: Vec<f32>,
}

/// One run's answer to a drawn digit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DigitPrediction {
    /// 10 class probabilities summing to 1: the softmax output itself, or for
    /// logistic and linear outputs the outputs made non-negative and divided by
    /// their sum (see `bioprop::digits::probabilities`).
    pub probabilities: Vec<f32>,
    /// Activity `a_1 .. a_L` of every layer after the input (every unit: hidden,
    /// then the output), as in [`Snapshot::activations`] without `a_0`.
    pub activations: Vec<Vec<f32>>,
    /// With a label: `δ_1 .. δ_L`, the error signal of every layer after the input
    /// as the run's rule sends it back, the output's error `δ_L` last (as in
    /// [`Snapshot::deltas`]; hidden ones are zero when hidden layers do not learn).
    pub deltas: Option<Vec<Vec<f32>>>,
}

/// Hidden units whose receptive fields a [`DigitsView`] carries.
pub const RECEPTIVE_FIELDS_SHOWN: usize = 36;
/// Misclassified held-out digits a [`DigitsView`] carries.
pub const MISCLASSIFIED_SHOWN: usize = 12;
/// Frames between digit views while playing (a view also comes whenever a
/// confusion pass completes, and with every frame that answers a command).
pub const DIGITS_VIEW_EVERY: u64 = 6;
pub use digits::{EVAL_TEST as DIGITS_EVAL_TEST, EVAL_TRAIN as DIGITS_EVAL_TRAIN};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Picture {
    /// Class-1 probability on a `resolution`² grid over [`Extent::DEFAULT`], in
    /// the order of [`grid_inputs`].
    Boundary { resolution: usize, values: Vec<f32> },
    /// The network's output at [`CURVE_POINTS`] inputs evenly spread over [-1, 1].
    Curve(Vec<(f32, f32)>),
}

/// How many steps between logged metric rows for `speed` steps per frame, so
/// that about [`ROWS_PER_FRAME`] rows arrive per frame whatever the speed
/// (each row evaluates the whole training and test sets). At `max` the steps per
/// frame are not known ahead: see [`max_speed_log_interval`].
pub fn log_interval(speed: u32) -> u64 {
    if speed == SPEED_MAX {
        return max_speed_log_interval(u64::from(MAX_SPEED));
    }
    (u64::from(speed) / ROWS_PER_FRAME).max(1)
}

/// The log interval at the speed `max` for `steps` steps between rows (a frame's
/// steps times [`MAX_SPEED_FRAMES_PER_ROW`]): about one row per that many steps (a row
/// evaluates the whole training and test sets, which at this speed would otherwise
/// cost a large share of the frame: on the linear teacher a row costs about as much as
/// 200 training steps), as a power of two so that it changes only when the speed does
/// by a factor of two and the rows stay on a regular grid.
pub fn max_speed_log_interval(steps: u64) -> u64 {
    let steps = steps.max(1);
    1 << (63 - steps.leading_zeros())
}

/// The worker's state: the runs and how to drive them. Free of any browser
/// API, so the whole protocol is tested natively.
pub struct Trainer {
    generation: u64,
    runs: Vec<Experiment>,
    /// Each run's rule as the configuration listed it.
    run_rules: Vec<RunRule>,
    /// Rows of each run's history already sent.
    sent: Vec<usize>,
    playing: bool,
    speed: u32,
    /// The output synapse `(i, j)` the frames report for delta-rule runs.
    watched: (usize, usize),
    /// Frames sent while playing, to space pictures at the speed `max`.
    ticks: u64,
    /// The digits [`Command::LoadDigits`] brought, for runs of the `digits` task.
    digits: Option<digits::Loaded>,
    /// The digit views' state per run (on the `digits` task).
    digit_views: digits::Views,
    /// Milliseconds the previous frame at the speed `max` took to build, by the clock
    /// [`Trainer::tick_with`] was given: the next frame trains that much less.
    frame_ms: f64,
}

impl Default for Trainer {
    fn default() -> Self {
        Self::new()
    }
}

impl Trainer {
    pub fn new() -> Self {
        Trainer {
            generation: 0,
            runs: Vec::new(),
            run_rules: Vec::new(),
            sent: Vec::new(),
            playing: false,
            speed: 1,
            watched: (0, 0),
            ticks: 0,
            digits: None,
            digit_views: digits::Views::default(),
            frame_ms: 0.0,
        }
    }

    /// Whether the runs learn the digits.
    fn on_digits(&self) -> bool {
        self.runs
            .first()
            .is_some_and(|run| run.config().task.kind == TaskKind::Digits)
    }

    /// The log interval for `speed` steps per frame: [`log_interval`], or on the
    /// digits one row every [`digits::FRAMES_PER_ROW`] frames (a row evaluates a
    /// thousand images or two).
    fn log_interval_for(&self, speed: u32) -> u64 {
        if !self.on_digits() {
            return log_interval(speed);
        }
        if speed == SPEED_MAX {
            return max_speed_log_interval(u64::from(MAX_SPEED) * digits::FRAMES_PER_ROW);
        }
        u64::from(speed) * digits::FRAMES_PER_ROW
    }

    fn configure(&mut self, config: &RunsConfig) -> Result<TaskData, String> {
        let mut configs = config.experiment_configs().map_err(|e| e.to_string())?;
        let on_digits = config.experiment.task.kind == TaskKind::Digits;
        // The page follows with its speed (`SetSpeed`), which may be `max`.
        for experiment in &mut configs {
            experiment.log_every = if on_digits {
                u64::from(config.steps_per_frame) * digits::FRAMES_PER_ROW
            } else {
                log_interval(config.steps_per_frame)
            };
        }
        let mut runs = if on_digits {
            digits::build_runs(&mut configs, self.digits.as_ref())?
        } else {
            configs
                .iter()
                .map(Experiment::new)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| e.to_string())?
        };
        config.redraw_feedback(&mut runs);
        self.generation += 1;
        self.sent = vec![0; runs.len()];
        self.speed = config.steps_per_frame;
        self.ticks = 0;
        self.playing = false;
        let data = runs
            .first()
            .map(|run| task_data(run.dataset()))
            .unwrap_or(TaskData::None);
        self.runs = runs;
        self.run_rules = config.rules.clone();
        self.digit_views.reset(&self.runs);
        Ok(data)
    }

    /// Trains every run `n` steps; a run that diverges stops (and pauses all,
    /// so compare mode stays in lockstep).
    fn train(&mut self, n: u64) {
        for run in &mut self.runs {
            if run.step(n).is_err() {
                self.playing = false;
            }
        }
    }

    /// Whether frames are due without a command.
    pub fn playing(&self) -> bool {
        self.playing
    }

    /// Milliseconds from one frame's start to the next while playing (counted from
    /// the start, so the time a frame trains is not added to the wait); `None` while
    /// paused.
    pub fn pace_ms(&self) -> Option<f64> {
        self.playing.then(|| FRAME_INTERVAL.as_secs_f64() * 1000.0)
    }

    /// One frame's worth of training while playing, with a clock that does not move
    /// (at `max`, [`MAX_FRAME_STEPS`] steps).
    pub fn tick(&mut self) -> Update {
        self.tick_with(&|| 0.0)
    }

    /// One frame's worth of training while playing: `speed` steps, or at `max` as many
    /// as fit in the frame by `clock` (milliseconds): [`FRAME_INTERVAL`] less the time
    /// the previous frame took to build and [`MAX_SPEED_MARGIN_MS`], between
    /// [`MIN_SPEED_BUDGET_MS`] and [`MAX_SPEED_BUDGET_MS`]. The worker's loop counts
    /// frames from their start, so the worker trains nearly all of the time.
    pub fn tick_with(&mut self, clock: &dyn Fn() -> f64) -> Update {
        self.ticks += 1;
        if self.speed == SPEED_MAX {
            let budget =
                (FRAME_INTERVAL.as_secs_f64() * 1000.0 - self.frame_ms - MAX_SPEED_MARGIN_MS)
                    .clamp(MIN_SPEED_BUDGET_MS, MAX_SPEED_BUDGET_MS);
            let steps = self.train_for(budget, clock);
            let batch = self.runs.first().map_or(1, |run| run.config().batch);
            if steps > 0 {
                self.set_log_interval(if self.on_digits() {
                    digits::max_speed_row_interval(steps, batch)
                } else {
                    max_speed_log_interval(steps * MAX_SPEED_FRAMES_PER_ROW)
                });
            }
            let pictured = self.ticks % MAX_SPEED_PICTURE_EVERY == 0 || !self.playing;
            let start = clock();
            let frame = self.frame_with(pictured, !self.playing, digits::sweep_rows(steps, batch));
            self.frame_ms = clock() - start;
            return Update::Frame(Box::new(frame));
        }
        self.train(u64::from(self.speed));
        Update::Frame(Box::new(self.frame_with(
            true,
            !self.playing,
            digits::SWEEP_ROWS,
        )))
    }

    /// Trains every run until `clock` passes `budget_ms` from now, in chunks sized
    /// from the time the steps so far took (about a quarter of what is left, so the
    /// clock is read a few dozen times a frame, not every step); returns the steps.
    fn train_for(&mut self, budget_ms: f64, clock: &dyn Fn() -> f64) -> u64 {
        let start = clock();
        let deadline = start + budget_ms;
        let mut done = 0;
        let mut chunk = 1;
        while self.playing && done < MAX_FRAME_STEPS {
            let n = chunk.min(MAX_FRAME_STEPS - done);
            self.train(n);
            done += n;
            let now = clock();
            if now >= deadline {
                break;
            }
            let per_step = (now - start) / done as f64;
            chunk = if per_step > 0.0 {
                ((deadline - now) / 4.0 / per_step).max(1.0) as u64
            } else {
                // The clock has not moved yet: try more.
                chunk.saturating_mul(2)
            };
        }
        done
    }

    fn set_log_interval(&mut self, every: u64) {
        for run in &mut self.runs {
            // Cannot fail: the interval is at least 1.
            let _ = run.set_log_every(every);
        }
    }

    /// The frame that answers a command: with pictures, and on the digits a view
    /// from a confusion pass over the whole held-out set.
    fn frame(&mut self) -> Frame {
        self.frame_with(true, true, digits::SWEEP_ROWS)
    }

    /// The frame; `pictured` false leaves out the pictures (the page keeps the last);
    /// `whole` makes the digit views' confusion pass now rather than a slice of it,
    /// which is otherwise `sweep` held-out images.
    fn frame_with(&mut self, pictured: bool, whole: bool, sweep: usize) -> Frame {
        let (output, input) = self.watched;
        let digit_views = if self.on_digits() {
            self.digit_views
                .frame(&mut self.runs, whole, sweep, self.ticks)
        } else {
            vec![None; self.runs.len()]
        };
        let runs = self
            .runs
            .iter()
            .zip(&mut self.sent)
            .zip(digit_views)
            .zip(&self.run_rules)
            .map(|(((run, sent), digits), &run_rule)| {
                let history = run.history();
                let new_metrics = history[(*sent).min(history.len())..].to_vec();
                *sent = history.len();
                RunFrame {
                    run: run_rule,
                    snapshot: run.snapshot(),
                    lr: run.config().lr,
                    new_metrics,
                    picture: if pictured { picture(run) } else { None },
                    diverged: run
                        .diverged()
                        .map(|error| explain_divergence(run_rule, run.config().lr, error)),
                    synapse: (run.rule() == RuleKind::Delta)
                        .then(|| run.output_synapse(output, input))
                        .flatten(),
                    digits,
                    weights_hash: pictured.then(|| run.weights_hash()),
                }
            })
            .collect();
        Frame {
            generation: self.generation,
            playing: self.playing,
            runs,
        }
    }

    /// Gives each run its rate, or (on a rate out of range, or a count that is not
    /// the number of runs) changes none and says why.
    fn set_learning_rates(&mut self, rates: &[f32]) -> Result<(), String> {
        if rates.len() != self.runs.len() {
            return Err(format!(
                "lr: {} learning rates for {} runs",
                rates.len(),
                self.runs.len()
            ));
        }
        let before: Vec<f32> = self.runs.iter().map(|run| run.config().lr).collect();
        for (i, (run, &lr)) in self.runs.iter_mut().zip(rates).enumerate() {
            if let Err(error) = run.set_learning_rate(lr) {
                // Cannot fail: these rates were in use.
                for (run, &old) in self.runs.iter_mut().zip(&before).take(i) {
                    let _ = run.set_learning_rate(old);
                }
                return Err(error.to_string());
            }
        }
        Ok(())
    }

    /// Carries out a command; returns what to tell the page.
    pub fn handle(&mut self, command: Command) -> Vec<Update> {
        let trainer = self;
        match command {
            Command::Configure(config) => match trainer.configure(&config) {
                Ok(data) => vec![
                    Update::Configured {
                        generation: trainer.generation,
                        data,
                    },
                    Update::Frame(Box::new(trainer.frame())),
                ],
                Err(message) => vec![Update::Rejected { message }],
            },
            Command::Play => {
                trainer.playing = trainer.runs.iter().all(|run| run.diverged().is_none());
                vec![Update::Frame(Box::new(trainer.frame()))]
            }
            Command::Pause => {
                trainer.playing = false;
                vec![Update::Frame(Box::new(trainer.frame()))]
            }
            Command::Step(n) => {
                trainer.train(n);
                vec![Update::Frame(Box::new(trainer.frame()))]
            }
            Command::SetSpeed(speed) => {
                trainer.speed = speed.max(1);
                trainer.set_log_interval(trainer.log_interval_for(trainer.speed));
                Vec::new()
            }
            Command::SetLearningRates(rates) => match trainer.set_learning_rates(&rates) {
                Ok(()) => Vec::new(),
                Err(message) => vec![Update::Rejected { message }],
            },
            Command::ResampleFeedback => {
                for run in &mut trainer.runs {
                    run.resample_feedback();
                }
                vec![Update::Frame(Box::new(trainer.frame()))]
            }
            Command::Watch { output, input } => {
                trainer.watched = (output, input);
                vec![Update::Frame(Box::new(trainer.frame()))]
            }
            Command::LoadDigits(source) => match digits::load(source) {
                Ok(loaded) => {
                    let update = Update::DigitsLoaded {
                        train: loaded.dataset.train_size(),
                        test: loaded.dataset.test_size(),
                        source: loaded.identity.name.clone(),
                        identity: loaded.identity.clone(),
                    };
                    trainer.digits = Some(loaded);
                    vec![update]
                }
                Err(message) => vec![Update::Rejected { message }],
            },
            Command::Predict { pixels, label } => {
                match digits::predict(&trainer.runs, &pixels, label) {
                    Ok(runs) => vec![Update::Predictions { runs }],
                    Err(message) => vec![Update::Rejected { message }],
                }
            }
            Command::ReadConfig { name, text } => match read_config(&text) {
                Ok(read) => vec![Update::ConfigRead { name, read }],
                Err(why) => vec![Update::Rejected {
                    message: refusal(&name, &why),
                }],
            },
            Command::ExportMatrices => match matrices::json(&trainer.runs) {
                Ok(json) => vec![Update::Matrices {
                    generation: trainer.generation,
                    json,
                }],
                Err(message) => vec![Update::Rejected { message }],
            },
        }
    }
}

/// What the page sends to configure the worker for `settings`: the URL parsed
/// once, on the page, into the runs' typed configuration.
///
/// # Errors
///
/// Core's [`ConfigError`] when the settings cannot run; settings read with
/// [`Settings::from_query`] always can.
pub fn runs_config(settings: &Settings) -> Result<RunsConfig, ConfigError> {
    // One config per rule, identical but for the rule: the first stands for all
    // (with no rule at all, the worker refuses the config). Its rate is the shared
    // one; runs with their own rate are listed beside it.
    let mut experiment = settings
        .experiment_configs()?
        .into_iter()
        .next()
        .unwrap_or_else(|| ExperimentConfig::for_task(settings.task));
    experiment.lr = settings.shared_learning_rate();
    // The config has no `max`: it goes as the top speed, and the page then sends
    // `SetSpeed(SPEED_MAX)`.
    let rules = settings.rules();
    let learning_rates = (settings.learning_rates.iter().copied())
        .filter(|(rule, _)| rules.contains(rule))
        .collect();
    Ok(RunsConfig {
        feedback_draw: settings.draw,
        learning_rates,
        ..RunsConfig::new(rules, experiment, settings.speed.min(MAX_SPEED))
    })
}

/// The core's own training speed, for the browser benchmark to compare the worker
/// with (`tests/e2e/bench.mjs`): one run per rule of `rules` on `task` with core's
/// task defaults (the rules page's defaults for every task but `spirals`), trained
/// `steps` steps each in chunks of 100 in turn as the worker does, with no metric
/// rows and no frames. Returns training steps per second per run, by `clock` (ms).
///
/// # Errors
///
/// A task or rule name core does not know, or a config it refuses.
pub fn core_steps_per_second(
    task: &str,
    rules: &str,
    steps: u64,
    clock: &dyn Fn() -> f64,
) -> Result<f64, String> {
    let task: bioprop::TaskKind = task
        .parse()
        .map_err(|e: bioprop::task::TaskError| e.to_string())?;
    let rules = rules
        .split(',')
        .map(|name| {
            <bioprop::rule::RuleKind as bioprop::Named>::from_name(name)
                .ok_or_else(|| format!("unknown rule '{name}'"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let config = RunsConfig::new(rules, ExperimentConfig::for_task(task), MAX_SPEED);
    let mut runs = config
        .experiment_configs()
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|mut experiment| {
            experiment.log_every = u64::MAX;
            Experiment::new(&experiment).map_err(|e| e.to_string())
        })
        .collect::<Result<Vec<_>, _>>()?;
    steps_per_second(&mut runs, steps, clock)
}

/// How fast `runs` train as the worker trains them, `steps` steps each in chunks of
/// 100 in turn: training steps per second per run, by `clock` (ms). Rows come as the
/// runs' own `log_every` says (none for the core's own speed).
///
/// # Errors
///
/// A run that diverged.
pub fn steps_per_second(
    runs: &mut [Experiment],
    steps: u64,
    clock: &dyn Fn() -> f64,
) -> Result<f64, String> {
    let start = clock();
    let mut done = 0;
    while done < steps {
        let n = (steps - done).min(100);
        for run in runs.iter_mut() {
            run.step(n).map_err(|e| e.to_string())?;
        }
        done += n;
    }
    let seconds = (clock() - start) / 1000.0;
    Ok(steps as f64 / seconds.max(1e-9))
}

/// The worker's messages are bincode, which cannot read the internally tagged
/// `InitSpec` (`{"kind": "xavier"}`) an experiment may carry; a [`RunsConfig`]
/// therefore travels as its JSON text inside the message, read back into the
/// same type on the other side. Only commands pass through here, so the cost is
/// one small string per reset. JSON has no NaN or infinity, which no valid config
/// holds: the page sends only configs that passed core's validation.
mod json_text {
    use bioprop::session::RunsConfig;
    use serde::de::Error as _;
    use serde::ser::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(config: &RunsConfig, out: S) -> Result<S::Ok, S::Error> {
        out.serialize_str(&serde_json::to_string(config).map_err(S::Error::custom)?)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(input: D) -> Result<Box<RunsConfig>, D::Error> {
        let text = String::deserialize(input)?;
        serde_json::from_str(&text).map_err(D::Error::custom)
    }
}

/// A divergence in words a student can act on, naming the run and its rate.
pub fn explain_divergence(
    rule: RunRule,
    lr: f32,
    error: &bioprop::experiment::StepError,
) -> String {
    format!(
        "{rule} (η = {lr}): training stopped: {error}. The weights grew without bound — \
         the learning rate is probably too high for this network. Lower it and press reset."
    )
}

fn task_data(dataset: &Dataset) -> TaskData {
    let inputs = &dataset.train_inputs;
    let targets = &dataset.train_targets;
    match (dataset.output, inputs.ncols()) {
        (OutputKind::Classification { .. }, 2) => TaskData::Points(
            inputs
                .rows()
                .into_iter()
                .zip(targets.rows())
                .map(|(x, y)| {
                    let class = y.iter().enumerate().fold(
                        0,
                        |best, (i, &v)| {
                            if v > y[best] {
                                i
                            } else {
                                best
                            }
                        },
                    );
                    (x[0], x[1], class as u8)
                })
                .collect(),
        ),
        (OutputKind::Regression, 1) if targets.ncols() == 1 => TaskData::Samples(
            inputs
                .iter()
                .zip(targets.iter())
                .map(|(&x, &y)| (x, y))
                .collect(),
        ),
        _ => TaskData::None,
    }
}

fn picture(run: &Experiment) -> Option<Picture> {
    let dataset = run.dataset();
    match (dataset.output, dataset.input_size()) {
        (OutputKind::Classification { .. }, 2) => {
            let n = BOUNDARY_RESOLUTION;
            let cells = grid_inputs(n, Extent::DEFAULT);
            let grid = Array2::from_shape_fn((cells.len(), 2), |(i, j)| {
                if j == 0 {
                    cells[i].0
                } else {
                    cells[i].1
                }
            });
            let output = run.predict(grid.view());
            let class_one = output.ncols().saturating_sub(1);
            Some(Picture::Boundary {
                resolution: n,
                values: output.column(class_one).to_vec(),
            })
        }
        (OutputKind::Regression, 1) if dataset.output_size() == 1 => {
            let xs = Array2::from_shape_fn((CURVE_POINTS, 1), |(i, _)| {
                2.0 * i as f32 / (CURVE_POINTS - 1) as f32 - 1.0
            });
            let ys = run.predict(xs.view());
            Some(Picture::Curve(
                xs.iter().zip(ys.iter()).map(|(&x, &y)| (x, y)).collect(),
            ))
        }
        _ => None,
    }
}
