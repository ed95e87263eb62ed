//! The microcircuit in the worker: what the page sends to build and change the
//! circuit, and the [`MicrocircuitView`] each frame brings back. The worker's loop
//! and the play/step/speed commands are the shell's ([`crate::shell::sim_worker`]);
//! the circuit and its histories are [`Sim`], pure and tested natively.
//!
//! ```text
//! page ─▶ Configure(MicrocircuitSettings) ─▶ Sim::new(settings.config(), target)
//!      ─▶ Change(Retune { mode, target, probe }) ─▶ the running circuit, no reset
//! worker ─▶ Frame(MicrocircuitView): readouts, the hidden layer, the recent trace,
//!           the meter's history and the learning curves
//! ```

use bioprop::microcircuit::{Mode, Probe, Snapshot, TracePoint};
use serde::{Deserialize, Serialize};

use super::settings::MicrocircuitSettings;
use super::sim::{Checkpoint, Phase, Sim};
use super::views;
use crate::shell::sim_worker::{self, ExportKind, Model};

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
    /// The highest ‖v_A‖² of the run.
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

pub type Command = sim_worker::Command<MicrocircuitSettings, Retune>;
pub type Update = sim_worker::Update<MicrocircuitView>;

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
            ExportKind::Weights => {
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
