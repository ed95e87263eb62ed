//! The microcircuit page's digits task (`task=digits`): the steady-state circuit of
//! core's digits experiment ([`bioprop::microcircuit::digits`], the CLI's
//! `--preset sacramento-2018-mnist`) made small enough to learn live, on the digits
//! the worker downloads itself ([`crate::widgets::fetch::DIGITS_FILE`]). Pure: no Yew
//! or web-sys (the clock is passed in, the file's bytes are handed over), so it is
//! tested natively.
//!
//! ```text
//! build ─▶ Loading { received, total } ─deliver(bytes)─▶ Ready(DigitsRun) | Failed(why)
//! advance(sim_ms, budget):  a test pass due? ─▶ classify EVAL_CHUNK held-out digits
//!                           else            ─▶ Microcircuit::run_until(one minibatch)
//! ```
//!
//! The circuit is core's preset with [`HIDDEN`] hidden cells in one layer instead of
//! 500-500 (784-100-10): logistic rates, the self-predicting start, minibatches of 10,
//! rate targets {0.1, 0.8}; its rates are the preset's ([`LR`]: with 100 hidden rates
//! rather than 500 the delta rules' stability limit, core's `digits` module docs, is
//! five times further off). It trains on every training image of the file (the
//! first 12,000 of MNIST's) and learns no metrics rows of its own (a row would
//! evaluate all 22,000 images).
//!
//! Test accuracy is measured on a fixed subset, the first [`EVAL_TEST`] held-out
//! digits, every [`EVAL_EVERY`] patterns: training stops while the pass runs,
//! [`EVAL_CHUNK`] digits at a time until the frame's budget is spent, so each point of
//! the curve is one set of weights, and no frame stalls.

use bioprop::experiment::classify::{Confusion, ConfusionSweep};
use bioprop::microcircuit::export::{self, SavedRun};
use bioprop::microcircuit::{digits, Mode};
use bioprop::task::mnist::{self, CLASSES, PIXELS};
use bioprop::task::{pack, Dataset};
use bioprop::{Microcircuit, MicrocircuitConfig, TaskConfig};
use ndarray::s;
use serde::{Deserialize, Serialize};

use super::sim::{clocked, Checkpoint, Chunk};

/// Hidden cells: one layer, small enough for a smooth page.
pub const HIDDEN: usize = 100;
/// Every plastic rate, per ms: four times the preset's, still a fifth of the delta
/// rules' limit with 100 hidden rates.
pub const LR: f32 = 4.0 * digits::LR;
/// Held-out digits a test pass classifies (the first ones, the same every pass).
pub const EVAL_TEST: usize = 1_000;
/// Patterns between test passes.
pub const EVAL_EVERY: u64 = 1_000;
/// Held-out digits classified between checks of the frame's budget.
pub const EVAL_CHUNK: usize = 50;
/// Hidden cells whose receptive fields the page draws (the first ones).
pub const FIELDS_SHOWN: usize = 24;

/// The page's digits circuit, for `train` and `test` images and `seed`.
pub fn config(seed: u64, train: usize, test: usize) -> MicrocircuitConfig {
    let paper = digits::paper_config();
    MicrocircuitConfig {
        task: TaskConfig {
            train_size: train,
            test_size: test,
            ..paper.task
        },
        layers: vec![PIXELS, HIDDEN, CLASSES],
        mode: Mode::SteadyState,
        lr_output: LR,
        lr_forward: LR,
        lr_interneuron: LR,
        seed,
        // No rows: the page measures its own subset.
        log_every: u64::MAX,
        trace_capacity: 0,
        ..paper
    }
}

/// The digits of a [`DIGITS_FILE`](crate::widgets::fetch::DIGITS_FILE), every image,
/// with the circuit's rate targets, and their hash (`mnist::digits_hash`, which a saved
/// run names them by); or a message naming the file and the problem.
pub fn read_file(bytes: Vec<u8>) -> Result<(Dataset, u64), String> {
    let (train, test) = pack::read(pack::FILE_NAME, bytes).map_err(|e| e.to_string())?;
    let dataset = digits::dataset(&train, &test, train.len(), test.len())
        .map_err(|e| format!("{}: {e}", pack::FILE_NAME))?;
    Ok((dataset, mnist::digits_hash(&train, &test)))
}

/// Where getting the digits stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum DataStatus {
    /// Downloading: bytes so far, and the total when the server says.
    Loading { received: f64, total: Option<f64> },
    /// The download or the file failed.
    Failed(String),
    /// In the circuit: training and held-out images.
    Loaded { train: usize, test: usize },
}

/// What the page draws of the digits task after a frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DigitsView {
    pub data: DataStatus,
    pub patterns: u64,
    /// Passes over the training images.
    pub epochs: f32,
    /// (patterns, test accuracy in %) at each test pass.
    pub curve: Vec<(f32, f32)>,
    /// The latest pass: its confusion matrix (row the true digit, column the answer).
    pub confusion: Option<Vec<u32>>,
    /// Held-out digits a pass classifies.
    pub evaluated: usize,
    /// The first [`FIELDS_SHOWN`] hidden cells' input weights, 784 each.
    pub fields: Vec<f32>,
    /// Training patterns per wall-clock second while playing, when measured.
    pub patterns_per_s: Option<f32>,
    pub checkpoint: Checkpoint,
}

impl DigitsView {
    /// Whether the circuit is training on the digits.
    pub fn data_loaded(&self) -> bool {
        matches!(self.data, DataStatus::Loaded { .. })
    }
}

/// The digits task: waiting for its data, or training.
pub struct DigitsSim {
    pub seed: u64,
    pub data: DataStatus,
    pub run: Option<DigitsRun>,
}

impl DigitsSim {
    /// Waiting for the digits.
    pub fn loading(seed: u64) -> Self {
        DigitsSim {
            seed,
            data: DataStatus::Loading {
                received: 0.0,
                total: None,
            },
            run: None,
        }
    }

    /// Training on `dataset` at once (a saved run names it without a hash).
    pub fn with_dataset(seed: u64, dataset: Dataset) -> Self {
        let mut sim = DigitsSim::loading(seed);
        sim.start(Ok((dataset, None)));
        sim
    }

    /// How much of the file has come.
    pub fn progress(&mut self, received: f64, total: Option<f64>) {
        if matches!(self.data, DataStatus::Loading { .. }) {
            self.data = DataStatus::Loading { received, total };
        }
    }

    /// The file's bytes have come (or why not): the circuit starts on them.
    pub fn deliver(&mut self, bytes: Result<Vec<u8>, String>) {
        self.start(
            bytes
                .and_then(read_file)
                .map(|(dataset, hash)| (dataset, Some(hash))),
        );
    }

    /// The circuit on `dataset` (with its digits' hash, when known), or the failure,
    /// in words.
    pub fn start(&mut self, dataset: Result<(Dataset, Option<u64>), String>) {
        let built = dataset.and_then(|(dataset, hash)| {
            let (train, test) = (dataset.train_size(), dataset.test_size());
            DigitsRun::new(config(self.seed, train, test), dataset, hash)
                .map(|run| (run, train, test))
        });
        match built {
            Ok((run, train, test)) => {
                self.run = Some(run);
                self.data = DataStatus::Loaded { train, test };
            }
            Err(why) => {
                self.run = None;
                self.data = DataStatus::Failed(format!("digits: {why}"));
            }
        }
    }

    /// Whether the digits are still on their way.
    pub fn waiting(&self) -> bool {
        matches!(self.data, DataStatus::Loading { .. })
    }

    /// See [`DigitsRun::advance`]; nothing while there are no digits.
    pub fn advance(
        &mut self,
        sim_ms: f64,
        deadline: f64,
        now: &dyn Fn() -> f64,
    ) -> Result<(), String> {
        match &mut self.run {
            Some(run) => run.advance(sim_ms, deadline, now),
            None => Ok(()),
        }
    }

    pub fn view(&self) -> DigitsView {
        let mut view = match &self.run {
            Some(run) => run.view(),
            None => DigitsView {
                data: self.data.clone(),
                patterns: 0,
                epochs: 0.0,
                curve: Vec::new(),
                confusion: None,
                evaluated: 0,
                fields: Vec::new(),
                patterns_per_s: None,
                checkpoint: Checkpoint::default(),
            },
        };
        view.data = self.data.clone();
        view
    }
}

/// The circuit training on the digits, and what the page remembers of it.
pub struct DigitsRun {
    pub circuit: Microcircuit,
    /// The run as `bioprop run --config` replays it (`"data": "digits"`).
    pub saved: SavedRun,
    pub checkpoint: Checkpoint,
    /// (patterns, test accuracy in %).
    pub curve: Vec<(f32, f32)>,
    /// The latest complete pass.
    pub confusion: Option<Confusion>,
    /// The test pass, [`EVAL_CHUNK`] digits at a time.
    sweep: ConfusionSweep,
    /// Patterns at which the next pass starts.
    next_pass: u64,
    /// (wall ms, patterns) at the end of recent frames, for the training speed.
    pace: Vec<(f64, u64)>,
}

/// Frames the training speed is averaged over; a gap longer than [`PACE_GAP_MS`]
/// (a pause) starts it again.
const PACE_FRAMES: usize = 60;
const PACE_GAP_MS: f64 = 250.0;

impl DigitsRun {
    /// The circuit of `config` on `dataset`, whose digits hash to `hash` (named so in
    /// the saved run).
    pub fn new(
        config: MicrocircuitConfig,
        dataset: Dataset,
        hash: Option<u64>,
    ) -> Result<Self, String> {
        let circuit = Microcircuit::with_dataset(&config, dataset).map_err(|e| e.to_string())?;
        let mut saved = SavedRun::new(circuit.config().clone());
        saved.data = Some(export::DIGITS.to_owned());
        saved.data_hash = hash.map(|hash| format!("{hash:016x}"));
        Ok(DigitsRun {
            checkpoint: Checkpoint {
                patterns: 0,
                weights_hash: circuit.weights_hash(),
            },
            circuit,
            saved,
            curve: Vec::new(),
            confusion: None,
            sweep: ConfusionSweep::new(CLASSES, EVAL_TEST, 0),
            next_pass: 0,
            pace: Vec::new(),
        })
    }

    /// Held-out digits a pass classifies.
    pub fn evaluated(&self) -> usize {
        EVAL_TEST.min(self.circuit.dataset().test_size())
    }

    /// Whether a test pass is under way or due before more training.
    fn pass_due(&self) -> bool {
        self.sweep.under_way() || self.circuit.patterns() >= self.next_pass
    }

    /// Classifies up to [`EVAL_CHUNK`] more held-out digits; at the end of the pass,
    /// adds its point to the curve and keeps its matrix.
    fn sweep(&mut self) {
        let Some(confusion) = self.sweep.advance(&mut self.circuit, EVAL_CHUNK) else {
            return;
        };
        let patterns = self.circuit.patterns();
        let accuracy = confusion.accuracy().unwrap_or(0.0);
        self.curve.push((patterns as f32, 100.0 * accuracy));
        self.confusion = Some(confusion);
        self.next_pass = (patterns / EVAL_EVERY + 1) * EVAL_EVERY;
    }

    /// Advances the clock by up to `sim_ms` (a minibatch of 10 lasts 10 patterns'
    /// worth), stopping early once `now()` passes `deadline`; a test pass that is due
    /// runs first. Returns the divergence's message if the circuit stopped.
    pub fn advance(
        &mut self,
        sim_ms: f64,
        deadline: f64,
        now: &dyn Fn() -> f64,
    ) -> Result<(), String> {
        let config = self.circuit.config();
        let minibatch_ms = config.batch as f64 * f64::from(config.pattern_ms);
        let result = clocked(sim_ms, deadline, now, |left| {
            if self.pass_due() {
                self.sweep();
                return Ok(Some(Chunk::Evaluated));
            }
            if left <= 0.0 {
                return Ok(None);
            }
            let clock = self.circuit.time_ms();
            self.circuit
                .run_until(clock + left.min(minibatch_ms), self.next_pass)
                .map_err(|error| error.to_string())?;
            Ok(Some(Chunk::Ran(self.circuit.time_ms() - clock)))
        });
        // The steady state's weights change only at a minibatch's end.
        self.checkpoint = Checkpoint {
            patterns: self.circuit.patterns(),
            weights_hash: self.circuit.weights_hash(),
        };
        self.record_pace(now());
        result
    }

    fn record_pace(&mut self, at: f64) {
        if self
            .pace
            .last()
            .is_some_and(|&(last, _)| at - last > PACE_GAP_MS)
        {
            self.pace.clear();
        }
        if self.pace.len() == PACE_FRAMES {
            self.pace.remove(0);
        }
        self.pace.push((at, self.circuit.patterns()));
    }

    /// Training patterns per wall-clock second over the recent frames (test passes
    /// included), once they span half a second.
    pub fn patterns_per_s(&self) -> Option<f32> {
        let (&(t0, p0), &(t1, p1)) = (self.pace.first()?, self.pace.last()?);
        (t1 - t0 >= 500.0).then(|| ((p1 - p0) as f64 * 1000.0 / (t1 - t0)) as f32)
    }

    /// The first [`FIELDS_SHOWN`] hidden cells' input weights, cell by cell.
    pub fn fields(&self) -> Vec<f32> {
        let forward = &self.circuit.weights().forward[0];
        let shown = FIELDS_SHOWN.min(forward.nrows());
        forward.slice(s![..shown, ..]).iter().copied().collect()
    }

    pub fn view(&self) -> DigitsView {
        let data = self.circuit.dataset();
        DigitsView {
            data: DataStatus::Loaded {
                train: data.train_size(),
                test: data.test_size(),
            },
            patterns: self.circuit.patterns(),
            epochs: self.circuit.patterns() as f32 / data.train_size().max(1) as f32,
            curve: self.curve.clone(),
            confusion: self.confusion.as_ref().map(|c| c.counts.clone()),
            evaluated: self.evaluated(),
            fields: self.fields(),
            patterns_per_s: self.patterns_per_s(),
            checkpoint: self.checkpoint,
        }
    }

    /// The curve as CSV: `patterns,test_accuracy_pct,test_error_pct,evaluated`.
    pub fn curve_csv(&self) -> String {
        let mut csv = String::from("patterns,test_accuracy_pct,test_error_pct,evaluated\n");
        for &(patterns, accuracy) in &self.curve {
            csv.push_str(&format!(
                "{patterns},{accuracy},{},{}\n",
                100.0 - accuracy,
                self.evaluated()
            ));
        }
        csv
    }
}
