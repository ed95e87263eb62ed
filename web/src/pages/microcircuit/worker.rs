//! The microcircuit in the worker: what the page sends to build and change the
//! circuit, and the [`CircuitView`] each frame brings back. The worker's loop
//! and the play/step/speed commands are the shell's ([`crate::shell::sim_worker`]);
//! the worker runs a [`Circuit`]: the circuit and its histories ([`Sim`]), or the
//! digits task ([`DigitsSim`]), both pure and tested natively.
//!
//! ```text
//! page ─▶ Configure(MicrocircuitSettings) ─▶ Sim::new(settings.config(), target)
//!                                           or, task=digits, DigitsSim (downloads digits.bin)
//!      ─▶ Change(Retune { mode, target, probe }) ─▶ the running circuit, no reset
//! worker ─▶ Frame(CircuitView::Circuit(MicrocircuitView)): readouts, the hidden layer,
//!           the recent trace, the meter's history and the learning curves
//!        ─▶ Frame(CircuitView::Digits(DigitsView)): the download, the accuracy curve,
//!           the receptive fields and the confusion matrix
//! ```
//!
//! The digits task's worker fetches [`DIGITS_FILE`] itself (the page never holds the
//! images) and keeps the digits it read for the worker's life, so reset, a new seed
//! or a return to the task does not download them again.

use bioprop::microcircuit::{Mode, Probe, Snapshot, TracePoint};
use bioprop::Microcircuit;
use serde::{Deserialize, Serialize};

use super::digits::{DigitsSim, DigitsView};
use super::settings::{CircuitTask, MicrocircuitSettings};
use super::sim::{Checkpoint, Phase, Sim};
use super::views;
use crate::shell::sim_worker::{self, ExportKind, Model};
#[cfg(doc)]
use crate::widgets::fetch::DIGITS_FILE;

/// The settings that change the running circuit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Retune {
    pub mode: Mode,
    pub target: bool,
    pub probe: Probe,
}

impl Retune {
    pub fn of(settings: &MicrocircuitSettings) -> Self {
        Retune {
            mode: settings.mode,
            target: settings.target,
            probe: settings.config().probe,
        }
    }
}

/// One learning curve: (patterns shown to the circuit, test loss).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Curve {
    pub label: String,
    pub points: Vec<(f32, f32)>,
}

/// What the page draws of the circuit after a frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MicrocircuitView {
    pub snapshot: Snapshot,
    /// The traced cells over the recent window ([`trace_window_ms`]).
    pub trace: Vec<TracePoint>,
    /// (simulated s, ‖v_A‖² of hidden layer 1), the whole run as the meter draws it.
    pub energy: Vec<(f32, f32)>,
    /// (simulated s, on) at each switch of the target.
    pub switches: Vec<(f32, bool)>,
    /// The highest ‖v_A‖² from the target's first switch on.
    pub peak: f32,
    pub apical_energy: f32,
    /// ‖v_A‖² of hidden layer 1 averaged over the patterns of the latest metrics row
    /// (core's `apical_energy` column): steadier than the value now.
    pub row_energy: Option<f32>,
    /// Learning, or pre-training and until when.
    pub phase: Phase,
    /// The latest test loss.
    pub loss: Option<f32>,
    /// The circuit's curve first, then BP, FA and shallow's.
    pub curves: Vec<Curve>,
    /// The weights hash at the end of the latest pattern: what `bioprop run --config`
    /// prints after as many patterns.
    pub checkpoint: Checkpoint,
}

/// What the page draws after a frame, of the task the worker runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CircuitView {
    Circuit(Box<MicrocircuitView>),
    Digits(Box<DigitsView>),
}

impl CircuitView {
    /// The weights hash `bioprop run --config` prints after as many patterns, once
    /// there is a circuit.
    pub fn checkpoint(&self) -> Option<Checkpoint> {
        match self {
            CircuitView::Circuit(view) => Some(view.checkpoint),
            CircuitView::Digits(view) => (view.data_loaded()).then_some(view.checkpoint),
        }
    }
}

pub type Command = sim_worker::Command<MicrocircuitSettings, Retune>;
pub type Update = sim_worker::Update<CircuitView>;

/// The command that replays the saved run (the page's "Configuration (JSON)") to
/// `checkpoint`, where it prints the same weights hash.
pub fn cli_command(checkpoint: &Checkpoint) -> String {
    let (file, _) = ExportKind::Config.file(crate::shell::route::PageKind::Microcircuit.name());
    format!(
        "bioprop run --config {file} --steps {}",
        checkpoint.patterns
    )
}

/// Simulated milliseconds of trace the page draws: the full model's last 2 s (20
/// patterns); the steady state has one point per pattern, so its last 60 patterns.
pub fn trace_window_ms(mode: Mode, pattern_ms: f32) -> f64 {
    match mode {
        Mode::Full => 2000.0,
        Mode::SteadyState => 60.0 * f64::from(pattern_ms),
    }
}

impl Model for Sim {
    type Job = MicrocircuitSettings;
    type Change = Retune;
    type View = MicrocircuitView;

    fn build(settings: &MicrocircuitSettings) -> Self {
        Sim::build(settings)
    }

    fn advance(&mut self, amount: u32, deadline: f64, now: &dyn Fn() -> f64) -> Result<(), String> {
        Sim::advance(self, f64::from(amount), deadline, now)
    }

    fn change(&mut self, retune: Retune) -> Result<(), String> {
        if retune.probe != self.circuit.config().probe {
            self.circuit
                .set_probe(retune.probe)
                .map_err(|error| format!("neuron: {error}"))?;
        }
        self.set_mode(retune.mode);
        self.request_target(retune.target);
        Ok(())
    }

    /// The circuit's metric rows as `bioprop run --rule microcircuit` prints them, its
    /// weights, and the run as `bioprop run --config` replays it (core's
    /// `microcircuit::export`: the configuration it was built with and every switch of
    /// the target or the model).
    fn export(&self, kind: ExportKind) -> Result<String, String> {
        let circuit = &self.circuit;
        match kind {
            ExportKind::Metrics => {
                let mut csv = format!("{}\n", bioprop::metrics_csv::HEADER);
                for row in circuit.history() {
                    bioprop::metrics_csv::write_rows(
                        &mut csv,
                        bioprop::microcircuit::NAME,
                        &row.to_metrics(),
                        &row.apical_energies(),
                        false,
                    )
                    .map_err(|e| e.to_string())?;
                }
                Ok(csv)
            }
            ExportKind::Weights => weights_json(circuit),
            ExportKind::Config => Ok(self.saved.to_json()),
        }
    }

    fn import(text: &str) -> Result<String, String> {
        super::sim::import_query(text)
    }

    fn view(&self) -> MicrocircuitView {
        let circuit = &self.circuit;
        let all: Vec<TracePoint> = circuit.trace().iter().copied().collect();
        let window = trace_window_ms(circuit.mode(), circuit.config().pattern_ms);
        let curves = std::iter::once(Curve {
            label: "microcircuit".into(),
            points: self.loss.points(),
        })
        .chain(self.comparisons.iter().map(|c| Curve {
            label: c.label.into(),
            points: c.loss.points(),
        }))
        .collect();
        MicrocircuitView {
            snapshot: circuit.snapshot(),
            trace: views::recent(&all, window).to_vec(),
            energy: self.energy.points(),
            switches: self.switches.clone(),
            peak: self.energy_peak,
            apical_energy: self.apical_energy(),
            row_energy: circuit
                .latest()
                .and_then(|row| row.layers.first())
                .map(|layer| layer.apical_energy),
            phase: self.phase(),
            loss: circuit.latest().map(|m| m.test.loss),
            curves,
            checkpoint: self.checkpoint,
        }
    }
}

/// The circuit's weights as JSON, whole.
fn weights_json(circuit: &Microcircuit) -> Result<String, String> {
    let matrices = |list: &[ndarray::Array2<f32>]| -> Vec<Vec<Vec<f32>>> {
        list.iter()
            .map(|m| m.outer_iter().map(|row| row.to_vec()).collect())
            .collect()
    };
    let vectors = |list: &[ndarray::Array1<f32>]| -> Vec<Vec<f32>> {
        list.iter().map(|v| v.to_vec()).collect()
    };
    let w = circuit.weights();
    serde_json::to_string_pretty(&serde_json::json!({
        "model": bioprop::microcircuit::NAME,
        "patterns": circuit.patterns(),
        "time_ms": circuit.time_ms(),
        "forward": matrices(&w.forward),
        "forward_bias": vectors(&w.forward_bias),
        "top_down": matrices(&w.top_down),
        "pyramidal_to_interneuron": matrices(&w.pyramidal_to_interneuron),
        "interneuron_bias": vectors(&w.interneuron_bias),
        "interneuron_to_apical": matrices(&w.interneuron_to_apical),
    }))
    .map_err(|e| e.to_string())
}

/// What the worker runs: the circuit on a task core generates (or the paper's), or
/// the digits task with the download it waits for.
pub enum Circuit {
    Sim(Box<Sim>),
    Digits(Box<DigitsTask>),
}

/// The digits task in the worker: the pure [`DigitsSim`] and the download feeding it.
pub struct DigitsTask {
    pub sim: DigitsSim,
    #[cfg(target_arch = "wasm32")]
    fetch: Option<fetch::Fetch>,
}

impl DigitsTask {
    /// The task on `seed`: at once on the digits the worker already read, else with a
    /// download under way (natively, where nothing downloads: waiting).
    pub fn start(seed: u64) -> Self {
        #[cfg(target_arch = "wasm32")]
        {
            if let Some(bytes) = fetch::cached() {
                let mut sim = DigitsSim::loading(seed);
                sim.deliver(Ok(bytes));
                return DigitsTask { sim, fetch: None };
            }
            DigitsTask {
                sim: DigitsSim::loading(seed),
                fetch: Some(fetch::Fetch::start()),
            }
        }
        #[cfg(not(target_arch = "wasm32"))]
        DigitsTask {
            sim: DigitsSim::loading(seed),
        }
    }
}

/// The worker's download of [`DIGITS_FILE`], and the file's bytes, kept for the
/// worker's life (gzipped, a fifth of the images' size; reading them again takes a
/// fraction of a second).
#[cfg(target_arch = "wasm32")]
mod fetch {
    use std::cell::RefCell;
    use std::rc::Rc;

    use crate::widgets::fetch::{download, Download, DIGITS_FILE};

    thread_local! {
        static DIGITS: RefCell<Option<Vec<u8>>> = const { RefCell::new(None) };
    }

    /// The file's bytes, if they were read before.
    pub fn cached() -> Option<Vec<u8>> {
        DIGITS.with(|d| d.borrow().clone())
    }

    /// Keeps the file's bytes for the next tasks.
    pub fn keep(bytes: &[u8]) {
        DIGITS.with(|d| *d.borrow_mut() = Some(bytes.to_vec()));
    }

    /// Drops the kept bytes.
    pub fn forget() {
        DIGITS.with(|d| *d.borrow_mut() = None);
    }

    /// What the download has said since the last look.
    #[derive(Default)]
    pub struct Inbox {
        pub progress: Option<(f64, Option<f64>)>,
        pub done: Option<Result<Vec<u8>, String>>,
    }

    pub struct Fetch {
        pub inbox: Rc<RefCell<Inbox>>,
        _download: Option<Download>,
    }

    impl Fetch {
        pub fn start() -> Self {
            let inbox = Rc::new(RefCell::new(Inbox::default()));
            let (progress, done) = (Rc::clone(&inbox), Rc::clone(&inbox));
            let started = download(
                DIGITS_FILE,
                move |received, total| progress.borrow_mut().progress = Some((received, total)),
                move |result| done.borrow_mut().done = Some(result),
            );
            let download = match started {
                Ok(download) => Some(download),
                Err(why) => {
                    inbox.borrow_mut().done = Some(Err(why));
                    None
                }
            };
            Fetch {
                inbox,
                _download: download,
            }
        }
    }
}

impl Model for Circuit {
    type Job = MicrocircuitSettings;
    type Change = Retune;
    type View = CircuitView;

    fn build(settings: &MicrocircuitSettings) -> Self {
        match settings.task {
            CircuitTask::Digits => Circuit::Digits(Box::new(DigitsTask::start(settings.seed))),
            _ => Circuit::Sim(Box::new(Sim::build(settings))),
        }
    }

    fn advance(&mut self, amount: u32, deadline: f64, now: &dyn Fn() -> f64) -> Result<(), String> {
        match self {
            Circuit::Sim(sim) => Model::advance(sim.as_mut(), amount, deadline, now),
            Circuit::Digits(task) => task.sim.advance(f64::from(amount), deadline, now),
        }
    }

    /// The digits task has no live changes: its circuit is always the steady state
    /// with its target on.
    fn change(&mut self, retune: Retune) -> Result<(), String> {
        match self {
            Circuit::Sim(sim) => sim.change(retune),
            Circuit::Digits(_) => Ok(()),
        }
    }

    fn import(text: &str) -> Result<String, String> {
        super::sim::import_query(text)
    }

    fn view(&self) -> CircuitView {
        match self {
            Circuit::Sim(sim) => CircuitView::Circuit(Box::new(sim.view())),
            Circuit::Digits(task) => CircuitView::Digits(Box::new(task.sim.view())),
        }
    }

    /// On the digits: the accuracy curve as CSV, the weights, and the run naming its
    /// data (`"data": "digits"`).
    fn export(&self, kind: ExportKind) -> Result<String, String> {
        let task = match self {
            Circuit::Sim(sim) => return sim.export(kind),
            Circuit::Digits(task) => task,
        };
        let Some(run) = &task.sim.run else {
            return Err("the digits are not loaded yet".to_owned());
        };
        match kind {
            ExportKind::Metrics => Ok(run.curve_csv()),
            ExportKind::Weights => weights_json(&run.circuit),
            ExportKind::Config => Ok(run.saved.to_json()),
        }
    }

    #[cfg(target_arch = "wasm32")]
    fn poll(&mut self) {
        let Circuit::Digits(task) = self else { return };
        let Some(fetch) = &task.fetch else { return };
        let (progress, done) = {
            let mut inbox = fetch.inbox.borrow_mut();
            (inbox.progress.take(), inbox.done.take())
        };
        if let Some((received, total)) = progress {
            task.sim.progress(received, total);
        }
        if let Some(result) = done {
            task.fetch = None;
            if let Ok(bytes) = &result {
                fetch::keep(bytes);
            }
            task.sim.deliver(result);
            if task.sim.run.is_none() {
                // A bad file is not kept: the next task downloads it again.
                fetch::forget();
            }
        }
    }

    fn waiting(&self) -> bool {
        matches!(self, Circuit::Digits(task) if task.sim.waiting())
    }
}
