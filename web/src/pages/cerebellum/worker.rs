//! The cerebellum in the worker: the page's settings build the simulation, new ones
//! retune it live, and each frame brings back a [`CerebellumView`]. The worker's
//! loop and the play/step/speed commands are the shell's
//! ([`crate::shell::sim_worker`]); the simulations are [`Sim`] (the adaptive filter)
//! and [`TeacherSim`] (`task=distal-teacher`), pure and tested natively.
//!
//! ```text
//! page ─▶ Configure(settings) ─▶ Sim::new(config) | TeacherSim::new(teacher_config)
//!         Change(settings) ─▶ retune(config) (the filter; the teacher is rebuilt instead)
//! worker ─▶ Frame(CerebellumView): snapshot, recent signals, the gain history, and for
//!           the distal teacher its stages' errors
//! ```

use bioprop::cerebellum::{export, Snapshot, Trace};
use serde::{Deserialize, Serialize};

use super::settings::CerebellumSettings;
use super::sim::Sim;
use super::teacher::{TeacherSim, TeacherView};
use crate::shell::sim_worker::{self, ExportKind, Model};

/// What the page draws of the cerebellum after a frame. For the distal teacher the
/// filter's fields describe its forward model (stage 1's task, frozen after it).
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
    /// `task=distal-teacher`: both stages.
    pub teacher: Option<TeacherView>,
    /// The weights hash now, which `bioprop run --config` prints after as many steps
    /// (the adaptive filter; 0 for the distal teacher, which saves no configuration).
    pub weights_hash: u64,
}

/// The command that replays the saved run (the page's "Configuration (JSON)") to
/// `step`, where it prints the same weights hash.
pub fn cli_command(step: u64) -> String {
    let (file, _) = ExportKind::Config.file(crate::shell::route::PageKind::Cerebellum.name());
    format!("bioprop run --config {file} --steps {step}")
}

/// The page's simulation: the adaptive filter on one task, or the distal teacher.
pub enum CerebellumModel {
    Filter(Box<Sim>),
    Teacher(Box<TeacherSim>),
}

pub type Command = sim_worker::Command<CerebellumSettings, CerebellumSettings>;
pub type Update = sim_worker::Update<CerebellumView>;

impl Model for CerebellumModel {
    type Job = CerebellumSettings;
    type Change = CerebellumSettings;
    type View = CerebellumView;

    fn build(settings: &CerebellumSettings) -> Self {
        if settings.teacher {
            CerebellumModel::Teacher(Box::new(TeacherSim::new(&settings.teacher_config())))
        } else {
            CerebellumModel::Filter(Box::new(Sim::new(&settings.config())))
        }
    }

    /// `steps` 1 ms steps: about 150 ns each (the teacher's stage 2 a few times that),
    /// far below any frame's budget, so the deadline is not consulted.
    fn advance(
        &mut self,
        steps: u32,
        _deadline: f64,
        _now: &dyn Fn() -> f64,
    ) -> Result<(), String> {
        match self {
            CerebellumModel::Filter(sim) => sim.advance(u64::from(steps)),
            CerebellumModel::Teacher(sim) => sim.advance(u64::from(steps)),
        }
    }

    fn change(&mut self, settings: CerebellumSettings) -> Result<(), String> {
        match self {
            CerebellumModel::Filter(sim) => sim.retune(&settings.config()),
            CerebellumModel::Teacher(_) => Err(
                "settings: the distal teacher starts again for a new setting; not changed".into(),
            ),
        }
    }

    fn view(&self) -> CerebellumView {
        let (cerebellum, gain_history, teacher, weights_hash) = match self {
            CerebellumModel::Filter(sim) => (
                &sim.cerebellum,
                sim.gain_history.clone(),
                None,
                sim.cerebellum.weights_hash(),
            ),
            CerebellumModel::Teacher(sim) => {
                (sim.teacher.forward_model(), Vec::new(), Some(sim.view()), 0)
            }
        };
        CerebellumView {
            snapshot: cerebellum.snapshot(),
            trace: cerebellum.trace(),
            taus: cerebellum.basis_time_constants().to_vec(),
            gain_history,
            brainstem_gain: cerebellum.config().vor.brainstem_gain,
            teacher,
            weights_hash,
        }
    }

    fn import(text: &str) -> Result<String, String> {
        super::sim::import_query(text)
    }

    fn export(&self, kind: ExportKind) -> Result<String, String> {
        let sim = match self {
            CerebellumModel::Filter(sim) => sim,
            CerebellumModel::Teacher(_) => {
                return Err(
                    "the distal teacher saves its charts and diagrams (PNG, SVG); \
                            metrics, weights and configuration are saved on the other tasks"
                        .into(),
                )
            }
        };
        let cerebellum = &sim.cerebellum;
        Ok(match kind {
            ExportKind::Metrics => sim.metrics_csv(),
            ExportKind::Config => sim.config_json(),
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
