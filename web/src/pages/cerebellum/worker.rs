//! The cerebellum in the worker: the page's settings build the simulation, new ones
//! retune it live, and each frame brings back a [`CerebellumView`]. The worker's
//! loop and the play/step/speed commands are the shell's
//! ([`crate::shell::sim_worker`]); the simulation is [`Sim`], pure and tested natively.
//!
//! ```text
//! page ─▶ Configure(settings) ─▶ Sim::new(config);  Change(settings) ─▶ retune(config)
//! worker ─▶ Frame(CerebellumView): snapshot, recent signals, the gain history
//! ```

use bioprop::cerebellum::{export, Snapshot, Trace};
use serde::{Deserialize, Serialize};

use super::settings::CerebellumSettings;
use super::sim::Sim;
use crate::shell::sim_worker::{self, ExportKind, Model};

/// What the page draws of the cerebellum after a frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CerebellumView {
    pub snapshot: Snapshot,
    /// The last few seconds of the signals.
    pub trace: Trace,
    /// τ of the leaky basis signals `p_1 .. p_n`, seconds.
    pub taus: Vec<f64>,
    /// (simulated s, windowed gain) from the start of the run.
    pub gain_history: Vec<(f32, f32)>,
    /// The brainstem's gain `B` (VOR).
    pub brainstem_gain: f64,
}

pub type Command = sim_worker::Command<CerebellumSettings, CerebellumSettings>;
pub type Update = sim_worker::Update<CerebellumView>;

impl Model for Sim {
    type Job = CerebellumSettings;
    type Change = CerebellumSettings;
    type View = CerebellumView;

    fn build(settings: &CerebellumSettings) -> Self {
        Sim::new(&settings.config())
    }

    /// `steps` 1 ms steps: about 150 ns each, far below any frame's budget, so the
    /// deadline is not consulted.
    fn advance(
        &mut self,
        steps: u32,
        _deadline: f64,
        _now: &dyn Fn() -> f64,
    ) -> Result<(), String> {
        Sim::advance(self, u64::from(steps))
    }

    fn change(&mut self, settings: CerebellumSettings) -> Result<(), String> {
        self.cerebellum
            .retune(&settings.config())
            .map_err(|error| format!("settings: {error}; not changed"))
    }

    fn view(&self) -> CerebellumView {
        let cerebellum = &self.cerebellum;
        CerebellumView {
            snapshot: cerebellum.snapshot(),
            trace: cerebellum.trace(),
            taus: cerebellum.basis_time_constants().to_vec(),
            gain_history: self.gain_history.clone(),
            brainstem_gain: cerebellum.config().vor.brainstem_gain,
        }
    }

    fn export(&self, kind: ExportKind) -> Result<String, String> {
        let cerebellum = &self.cerebellum;
        Ok(match kind {
            ExportKind::Metrics => self.metrics_csv(),
            ExportKind::Config => export::config_json(cerebellum.config()),
            ExportKind::Weights => serde_json::to_string_pretty(&serde_json::json!({
                "model": export::MODEL,
                "task": cerebellum.config().task.name(),
                "step": cerebellum.steps(),
                "time": cerebellum.time(),
                "weights": cerebellum.weights(),
                "basis_time_constants": cerebellum.basis_time_constants(),
                "weights_hash": format!("{:016x}", cerebellum.weights_hash()),
            }))
            .map_err(|e| e.to_string())?,
        })
    }
}
