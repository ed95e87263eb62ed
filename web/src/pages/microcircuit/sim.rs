//! The running circuit and what the page remembers of it: the apical energy over
//! time, and the circuit's loss beside BP, FA and shallow trained on the same data.
//! Pure: no Yew or web-sys (the clock is passed in), so it is tested natively.
//!
//! ```text
//! advance(sim_ms, budget) ─▶ Microcircuit::run_for(chunk) … until sim_ms or the budget is spent
//!                         ─▶ ‖v_A‖² sample, new metrics rows, comparison runs caught up
//! ```
//!
//! The comparison runs are [`Experiment`]s with batch 1 and the circuit's seed, so they
//! see the same data in the same order (core's `microcircuit` module docs,
//! "Reproducibility"). On the paper's task ([`Sim::paper`]) the circuit and the
//! comparisons are those of the CLI's `--preset sacramento-2018` and
//! `make reproduce-microcircuit`: core's preset, its teacher data and its reference
//! networks. They learn only while the circuit's target is on, one sample per
//! pattern the circuit is shown with its target, so the curves share an x axis: patterns
//! presented to the circuit.
//!
//! What the curves cost is kept small, since at the top speed it was most of a frame:
//! the comparisons log no history rows of their own (a row evaluates the whole
//! training set and every layer's alignment, none of which the page draws) and are
//! evaluated on the held-out set only, at the circuit's row cadence; and that cadence
//! follows the patterns a frame simulates ([`Sim::log_interval`]), so a fast circuit
//! logs about a row a frame rather than one every 100 patterns.
//!
//! The run is kept for `bioprop run --config` ([`SavedRun`]): the configuration the
//! circuit was built with and every switch of the target or the model, at its
//! simulated time; and [`Checkpoint`], the weights hash at the end of the latest
//! pattern, which the command prints after replaying as many patterns. A frame's
//! clock stops at the end of each pattern on its way, so the full model's hash is
//! taken there; the steady state's weights change only at a pattern's end, so its
//! hash is taken once a frame.

use bioprop::microcircuit::export::SavedRun;
use bioprop::microcircuit::{preset, Mode};
use bioprop::{Dataset, Experiment, ExperimentConfig, Microcircuit, MicrocircuitConfig, RuleKind};
use serde::{Deserialize, Serialize};

use super::settings::{CircuitTask, MicrocircuitSettings};
use crate::widgets::config_import::{check_page, held_to, settings_of};

use crate::widgets::history::History;

/// Buckets kept per history (each drawn as its lowest and highest point); when full,
/// neighbours merge, so the whole run keeps its shape.
const HISTORY_LEN: usize = 1000;

/// One comparison run.
pub struct Comparison {
    pub label: &'static str,
    pub experiment: Experiment,
    /// (circuit patterns, test loss).
    pub loss: History,
}

/// The weights hash at the end of pattern `patterns`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Checkpoint {
    pub patterns: u64,
    pub weights_hash: u64,
}

pub struct Sim {
    pub circuit: Microcircuit,
    /// The run as `bioprop run --config` replays it.
    pub saved: SavedRun,
    /// The weights hash at the end of the latest pattern.
    pub checkpoint: Checkpoint,
    /// (simulated seconds, ‖v_A‖² of hidden layer 1 now).
    pub energy: History,
    /// The highest ‖v_A‖² of any sample from the target's first switch on (0 before
    /// it), kept apart from the history: the jump the meter must still draw however
    /// long the run. (The rise from a random start can top it; the meter's story
    /// tells that part as the start.)
    pub energy_peak: f32,
    /// (patterns, test loss) from the circuit's metrics rows.
    pub loss: History,
    pub comparisons: Vec<Comparison>,
    /// Patterns shown with the target on: the comparison runs' step count.
    pub taught: u64,
    /// Simulated seconds at which the target was switched on or off: (seconds, on),
    /// by the page or by the end of scheduled pre-training.
    pub switches: Vec<(f32, bool)>,
    /// The target the page last asked for: a change of anything else leaves the
    /// circuit's own schedule alone.
    requested_target: bool,
    rows_seen: usize,
    /// The circuit's row cadence as configured (patterns): the least it logs at.
    base_log_every: u64,
}

/// Where the run stands: learning with the target, or without it (pre-training,
/// scheduled to end after `until` patterns or not).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    PreTraining { until: Option<u64> },
    Learning,
}

/// The three reference rules, as the curves name them.
const COMPARISONS: [(&str, RuleKind); 3] = [
    ("BP", RuleKind::Backprop),
    ("FA", RuleKind::FeedbackAlignment),
    ("shallow", RuleKind::Shallow),
];

/// `‖v‖² = Σ vᵢ²`, as core defines the apical energy.
pub fn energy(values: impl IntoIterator<Item = f32>) -> f32 {
    values.into_iter().map(|v| v * v).sum()
}

impl Sim {
    /// The circuit and comparison runs `settings` describe. The digits are not a
    /// `Sim`'s (the worker runs them as [`super::digits::DigitsSim`]): asked for them, it
    /// runs the default task.
    pub fn build(settings: &MicrocircuitSettings) -> Self {
        match settings.task {
            CircuitTask::Generated(_) => Sim::new(&settings.config(), settings.target),
            CircuitTask::Paper => Sim::paper(&settings.config(), settings.target),
            CircuitTask::Digits => {
                Sim::new(&MicrocircuitSettings::default().config(), settings.target)
            }
        }
    }

    /// The paper's regression task: the preset's circuit on its teacher data, with its
    /// own pre-training schedule (`target` off keeps the target off after it), beside
    /// the preset's reference networks on the same data. `config` is the preset's
    /// ([`MicrocircuitSettings::config`]); a failure falls back to the preset as is.
    pub fn paper(config: &MicrocircuitConfig, target: bool) -> Self {
        let data = preset::dataset(config.seed);
        let mut circuit = Microcircuit::with_dataset(config, data.clone()).unwrap_or_else(|_| {
            Microcircuit::with_dataset(&preset::config(config.seed), data.clone())
                .expect("the preset is valid")
        });
        let mut saved = SavedRun::new(circuit.config().clone());
        saved.data = Some(preset::NAME.to_owned());
        if !target {
            circuit.set_target(false);
            saved.record_target(0.0, false);
        }
        let comparisons = COMPARISONS
            .into_iter()
            .filter_map(|(label, rule)| {
                let exp = ExperimentConfig {
                    log_every: u64::MAX,
                    ..preset::network_config(rule, config.seed)
                };
                Some(Comparison {
                    label,
                    experiment: Experiment::with_dataset(&exp, data.clone()).ok()?,
                    loss: History::new(HISTORY_LEN),
                })
            })
            .collect();
        Sim::from_parts(circuit, saved, comparisons, target, config.log_every)
    }

    /// A new circuit and comparison runs; `config` comes from validated settings, so a
    /// failure falls back to the task's defaults.
    pub fn new(config: &MicrocircuitConfig, target: bool) -> Self {
        // A circuit scheduled to pre-train starts settled with its target off, so the
        // first frame already shows the untaught state; `set_target` then drops the
        // schedule.
        let config = &MicrocircuitConfig {
            pretrain_patterns: u64::from(!target),
            ..config.clone()
        };
        let mut circuit = Microcircuit::new(config).unwrap_or_else(|_| {
            Microcircuit::new(&MicrocircuitConfig::for_task(config.task.kind))
                .expect("the task's defaults are valid")
        });
        circuit.set_target(target);
        let mut saved = SavedRun::new(circuit.config().clone());
        saved.record_target(0.0, target);
        let comparisons = COMPARISONS
            .into_iter()
            .filter_map(|(label, rule)| {
                let mut exp = ExperimentConfig::for_task(config.task.kind);
                exp.task = config.task;
                exp.rule = rule;
                exp.batch = 1;
                exp.seed = config.seed;
                // No rows: `catch_up` evaluates the held-out set itself.
                exp.log_every = u64::MAX;
                let experiment = Experiment::new(&exp).ok()?;
                Some(Comparison {
                    label,
                    experiment,
                    loss: History::new(HISTORY_LEN),
                })
            })
            .collect();
        Sim::from_parts(circuit, saved, comparisons, target, config.log_every)
    }

    fn from_parts(
        circuit: Microcircuit,
        saved: SavedRun,
        comparisons: Vec<Comparison>,
        requested_target: bool,
        log_every: u64,
    ) -> Self {
        let checkpoint = Checkpoint {
            patterns: 0,
            weights_hash: circuit.weights_hash(),
        };
        let mut sim = Sim {
            circuit,
            saved,
            checkpoint,
            energy: History::new(HISTORY_LEN),
            energy_peak: 0.0,
            loss: History::new(HISTORY_LEN),
            comparisons,
            taught: 0,
            switches: Vec::new(),
            requested_target,
            rows_seen: 0,
            base_log_every: log_every,
        };
        sim.record();
        sim
    }

    /// The data the circuit learns.
    pub fn dataset(&self) -> &Dataset {
        self.circuit.dataset()
    }

    /// Learning, or pre-training (and until when).
    pub fn phase(&self) -> Phase {
        if self.circuit.target_on() {
            Phase::Learning
        } else {
            Phase::PreTraining {
                until: self.circuit.target_on_at(),
            }
        }
    }

    /// ‖v_A‖² of hidden layer 1 now.
    pub fn apical_energy(&self) -> f32 {
        self.circuit
            .state()
            .apical
            .first()
            .map_or(0.0, |a| energy(a.iter().copied()))
    }

    /// Turns the target on or off, marking the switch on the meter; this ends any
    /// pre-training still scheduled.
    pub fn set_target(&mut self, on: bool) {
        self.requested_target = on;
        if self.circuit.target_on() != on {
            self.circuit.set_target(on);
            self.mark_switch();
            self.saved.record_target(self.circuit.time_ms(), on);
        }
    }

    /// The page's target setting, applied only when it changed: a change of another
    /// setting carries the same request and leaves scheduled pre-training alone.
    pub fn request_target(&mut self, on: bool) {
        if on != self.requested_target {
            self.set_target(on);
        }
    }

    /// Marks a switch of the target on the meter (by the page or by the end of
    /// scheduled pre-training, which a replay makes by itself).
    fn mark_switch(&mut self) {
        let t = (self.circuit.time_ms() / 1000.0) as f32;
        self.switches.push((t, self.circuit.target_on()));
    }

    /// Switches between the full model and the steady state.
    pub fn set_mode(&mut self, mode: Mode) {
        if self.circuit.mode() != mode {
            self.circuit.set_mode(mode);
            self.saved.record_mode(self.circuit.time_ms(), mode);
        }
    }

    /// Takes the weights hash, at the end of a pattern.
    fn take_checkpoint(&mut self) {
        self.checkpoint = Checkpoint {
            patterns: self.circuit.patterns(),
            weights_hash: self.circuit.weights_hash(),
        };
    }

    /// Advances the clock by up to `sim_ms`, in chunks, stopping early once `now()`
    /// passes `deadline`. Returns the divergence's message if the circuit stopped.
    pub fn advance(
        &mut self,
        sim_ms: f64,
        deadline: f64,
        now: impl Fn() -> f64,
    ) -> Result<(), String> {
        let chunk = match self.circuit.mode() {
            // A few chunks a frame: enough samples for the meter.
            Mode::Full => 5.0,
            Mode::SteadyState => f64::from(self.circuit.config().pattern_ms),
        };
        let start = self.circuit.patterns();
        // The steady state's hash, owed since the end of a pattern (its weights do
        // not change until the next one ends).
        let mut owed = false;
        clocked(sim_ms, deadline, &now, |left| {
            if left <= 0.0 {
                return Ok(None);
            }
            let ms = left.min(chunk);
            let (before, clock) = (self.circuit.patterns(), self.circuit.time_ms());
            let was_on = self.circuit.target_on();
            // Up to the end of the pattern under way, at most.
            let result = self.circuit.run_until(clock + ms, before + 1);
            let ended = self.circuit.patterns() > before;
            if self.circuit.target_on() {
                self.taught += self.circuit.patterns() - before;
            }
            if self.circuit.target_on() != was_on {
                // Scheduled pre-training ended within this chunk.
                self.mark_switch();
            }
            if ended && self.circuit.mode() == Mode::Full {
                self.take_checkpoint();
            }
            owed |= ended && self.circuit.mode() == Mode::SteadyState;
            self.record();
            result.map_err(|e| e.to_string())?;
            Ok(Some(Chunk::Ran(self.circuit.time_ms() - clock)))
        })?;
        if owed {
            self.take_checkpoint();
        }
        self.catch_up();
        self.set_log_every(Self::log_interval(
            self.base_log_every,
            self.circuit.patterns() - start,
        ));
        Ok(())
    }

    /// Patterns between logged rows after a frame that simulated `patterns`: the
    /// configured `base`, or when a frame simulates more, `base` times the power of two
    /// that brings it to at least a frame's patterns — about one row a frame at any
    /// speed (a steady-state row evaluates the training and held-out sets, as many
    /// settlings as 1,200 patterns on 30-50-10), and rows stay on a grid of `base` that
    /// changes only when the speed does by a factor of two.
    pub fn log_interval(base: u64, patterns: u64) -> u64 {
        let base = base.max(1);
        base * patterns.div_ceil(base).max(1).next_power_of_two()
    }

    /// Logs a circuit row every `every` patterns from now on.
    fn set_log_every(&mut self, every: u64) {
        if self.circuit.config().log_every != every {
            let config = MicrocircuitConfig {
                log_every: every,
                ..self.circuit.config().clone()
            };
            // Cannot fail: only the cadence changes, and it is at least 1.
            let _ = self.circuit.set_parameters(&config);
        }
    }

    /// Samples the meter and takes any new metrics rows.
    fn record(&mut self) {
        let t = (self.circuit.time_ms() / 1000.0) as f32;
        let e = self.apical_energy();
        self.energy.push((t, e));
        if self.switches.iter().any(|&(on_at, on)| on && t >= on_at) {
            self.energy_peak = self.energy_peak.max(e);
        }
        let rows = self.circuit.history();
        for row in &rows[self.rows_seen.min(rows.len())..] {
            self.loss.push((row.patterns as f32, row.test.loss));
        }
        self.rows_seen = rows.len();
    }

    /// Trains the comparison runs up to the patterns the circuit was taught.
    fn catch_up(&mut self) {
        // Patterns shown without the target come before the comparisons' samples (exact
        // when the target was off only at the start, as in pre-training).
        let untaught = self.circuit.patterns().saturating_sub(self.taught) as f32;
        let every = self.circuit.config().log_every.max(1);
        for c in &mut self.comparisons {
            let run = &mut c.experiment;
            if self.taught <= run.steps() || run.diverged().is_some() {
                continue;
            }
            // The untrained point goes where the comparison starts learning, not at 0,
            // so pre-training shows as a gap rather than a slope.
            if run.steps() == 0 {
                c.loss.push((untaught, run.evaluate(true).loss));
            }
            // A point at every multiple of the cadence on the way, as a row would be.
            while run.steps() < self.taught && run.diverged().is_none() {
                let next = (run.steps() / every + 1) * every;
                let target = next.min(self.taught);
                if run.step(target - run.steps()).is_err() {
                    break;
                }
                if target == next {
                    c.loss
                        .push((target as f32 + untaught, run.evaluate(true).loss));
                }
            }
        }
    }
}

/// Reads an imported configuration file (the page's "Configuration (JSON)", or the
/// command line's): the link that gives its settings on the page. The run those
/// settings start ([`Sim::build`]) must save the file's configuration and its changes
/// at the start (the target, off or on), exactly.
///
/// # Errors
///
/// Another page's file; what core's reader refuses (not JSON, a field that does not
/// belong, a value out of range); switches made while the circuit ran, which only the
/// command line replays; a value the page has no control for (the first field where
/// the page's configuration of these settings differs from the file's).
pub fn import_query(text: &str) -> Result<String, String> {
    check_page(text, "microcircuit")?;
    let saved = bioprop::microcircuit::export::read(text)?;
    if let Some(change) = saved.changes.iter().find(|change| change.at_ms > 0.0) {
        return Err(format!(
            "changes: the run switches the target or the model while it runs (at {} ms); the \
             page starts a run from its configuration, so replay it with `bioprop run --config`",
            change.at_ms
        ));
    }
    let config = &saved.config;
    if saved.data.as_deref() == Some(bioprop::microcircuit::export::DIGITS) {
        // The digits run: its sizes are those of the file the page loaded.
        let query = format!("?task=digits&seed={}", config.seed);
        settings_of::<MicrocircuitSettings>(&query)?;
        let task = &config.task;
        let expected = super::digits::config(config.seed, task.train_size, task.test_size);
        held_to(&compact(config), &compact(&expected))?;
        return Ok(query);
    }
    let paper = saved.data.is_some();
    let task = if paper {
        preset::NAME
    } else {
        config.task.kind.name()
    };
    let target = saved
        .changes
        .iter()
        .rev()
        .find_map(|change| change.target)
        .unwrap_or(true);
    let mut keys = vec![
        ("task", task.to_owned()),
        ("mode", config.mode.name().to_owned()),
        ("target", u8::from(target).to_string()),
        ("neuron", config.probe.neuron.to_string()),
        ("seed", config.seed.to_string()),
    ];
    if !paper {
        keys.push(("init", config.start.name().to_owned()));
    }
    let pairs: Vec<String> = keys.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let query = format!("?{}", pairs.join("&"));
    let settings: MicrocircuitSettings = settings_of(&query)?;
    let expected = Sim::build(&settings).saved;
    held_to(&compact(&saved.config), &compact(&expected.config))?;
    if saved.changes != expected.changes {
        return Err(format!(
            "changes: {} in the file, where the page's run starts with {}; run it with \
             `bioprop run --config`",
            compact(&saved.changes),
            compact(&expected.changes)
        ));
    }
    Ok(query)
}

/// `value` as compact JSON, the form [`held_to`] compares.
fn compact<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// What one piece of a frame's work did ([`clocked`]).
pub(super) enum Chunk {
    /// Simulated this many milliseconds (none: less than a step of `dt` was left).
    Ran(f64),
    /// Work that takes no simulated time (a slice of a test pass).
    Evaluated,
}

/// A frame's simulation: `work(left)` one piece at a time, with `left` the simulated
/// milliseconds of `sim_ms` not yet run, until it says there is nothing more to do
/// (`None`), it could not advance the clock, or `now()` passes `deadline`. The first
/// error stops it.
pub(super) fn clocked(
    sim_ms: f64,
    deadline: f64,
    now: &dyn Fn() -> f64,
    mut work: impl FnMut(f64) -> Result<Option<Chunk>, String>,
) -> Result<(), String> {
    let mut left = sim_ms;
    loop {
        match work(left)? {
            None => break,
            // Less than a step of `dt` left: nothing more to simulate.
            Some(Chunk::Ran(ms)) if ms <= 0.0 => break,
            Some(Chunk::Ran(ms)) => left -= ms,
            Some(Chunk::Evaluated) => {}
        }
        if now() > deadline {
            break;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use bioprop::microcircuit::Start;

    use super::super::settings::MicrocircuitSettings;
    use super::*;

    fn steady(start: Start) -> MicrocircuitConfig {
        MicrocircuitSettings {
            mode: Mode::SteadyState,
            start,
            ..Default::default()
        }
        .config()
    }

    #[test]
    fn energy_is_the_sum_of_squares() {
        assert_eq!(energy([3.0, -4.0]), 25.0);
    }

    #[test]
    fn the_self_predicting_start_has_a_silent_apical_dendrite() {
        let mut sim = Sim::new(&steady(Start::SelfPredicting), false);
        assert!(sim.apical_energy() < 1e-6, "{}", sim.apical_energy());
        sim.advance(100.0 * 20.0, f64::INFINITY, || 0.0).unwrap();
        assert!(!sim.circuit.target_on());
        assert!(sim.apical_energy() < 1e-6, "{}", sim.apical_energy());
    }

    #[test]
    fn pretraining_lowers_the_energy_and_the_target_raises_it() {
        let mut sim = Sim::new(&steady(Start::Random), false);
        let start = sim.apical_energy();
        // 3000 patterns of 100 ms with no deadline.
        sim.advance(300_000.0, f64::INFINITY, || 0.0).unwrap();
        let pretrained = sim.apical_energy();
        assert!(pretrained < 0.2 * start, "{start} → {pretrained}");
        assert_eq!(sim.taught, 0);
        assert!(sim
            .comparisons
            .iter()
            .all(|c| c.experiment.steps() == 0 && c.loss.is_empty()));
        sim.set_target(true);
        sim.advance(100.0, f64::INFINITY, || 0.0).unwrap();
        assert!(sim.apical_energy() > 5.0 * pretrained);
        assert_eq!(sim.switches.len(), 1);
        sim.advance(100.0 * 100.0, f64::INFINITY, || 0.0).unwrap();
        // The comparisons' curves start where the target came on.
        for c in &sim.comparisons {
            assert_eq!(c.loss.points()[0].0, 3000.0, "{}", c.label);
        }
        let switched = sim.switches[0].0;
        let jump = sim
            .energy
            .points()
            .iter()
            .filter(|p| p.0 >= switched)
            .map(|p| p.1)
            .fold(0.0, f32::max);
        assert!(jump > 5.0 * pretrained);
        // Long after, when the history has merged its buckets many times over, the
        // meter still draws the untaught start, the pre-trained low and the jump.
        sim.advance(100.0 * 3_000.0, f64::INFINITY, || 0.0).unwrap();
        assert!(sim.energy.stride() >= 4, "{}", sim.energy.stride());
        let points = sim.energy.points();
        assert_eq!(points[0], (0.0, start));
        let switch = sim.switches[0].0;
        let low = points
            .iter()
            .filter(|p| p.0 < switch)
            .map(|p| p.1)
            .fold(f32::INFINITY, f32::min);
        assert!(low <= pretrained, "{low} > {pretrained}");
        // The jump: the highest point after the switch, soon after it. (With one
        // apical rate throughout, the run's highest point can come early in
        // pre-training, while the interneurons' input weights grow before their
        // output weights cancel them.)
        let peak = points
            .iter()
            .copied()
            .filter(|p| p.0 >= switch)
            .fold((0.0, 0.0), |a, p| if p.1 > a.1 { p } else { a });
        assert!(peak.1 >= jump, "{peak:?}");
        assert_eq!(peak.1, sim.energy_peak, "the drawn jump is the tracked one");
        assert!(
            (switch..switch + 20.0).contains(&peak.0),
            "{peak:?}, switch at {switch}"
        );
    }

    #[test]
    fn the_papers_task_pretrains_then_learns_and_marks_the_switch() {
        // The preset with a short schedule, steady state so that it is quick.
        let config = MicrocircuitConfig {
            mode: Mode::SteadyState,
            pretrain_patterns: 30,
            log_every: 10,
            ..preset::config(1)
        };
        let mut sim = Sim::paper(&config, true);
        assert_eq!(sim.phase(), Phase::PreTraining { until: Some(30) });
        sim.advance(100.0 * 20.0, f64::INFINITY, || 0.0).unwrap();
        // A live change carrying the page's unchanged target leaves the schedule alone.
        sim.request_target(true);
        assert_eq!(sim.phase(), Phase::PreTraining { until: Some(30) });
        assert_eq!(sim.taught, 0);
        sim.advance(100.0 * 20.0, f64::INFINITY, || 0.0).unwrap();
        assert_eq!(sim.phase(), Phase::Learning);
        assert_eq!(sim.taught, 10);
        // The meter marks the end, at the end of the chunk (a pattern here) in which
        // the target came on.
        let [(at, true)] = sim.switches[..] else {
            panic!("{:?}", sim.switches)
        };
        assert!((3.0..=3.1).contains(&at), "{at}");
        for c in &sim.comparisons {
            assert_eq!(c.experiment.steps(), 10, "{}", c.label);
            assert_eq!(c.loss.points()[0].0, 30.0, "{}", c.label);
        }
        // The page switching the target off ends learning; on again, it resumes.
        sim.request_target(false);
        assert_eq!(sim.phase(), Phase::PreTraining { until: None });
        sim.request_target(true);
        assert_eq!(sim.phase(), Phase::Learning);
        // With the target off from the start it stays off after the schedule.
        let mut off = Sim::paper(&config, false);
        off.advance(100.0 * 40.0, f64::INFINITY, || 0.0).unwrap();
        assert_eq!(off.phase(), Phase::PreTraining { until: None });
        assert_eq!(off.taught, 0);
    }

    #[test]
    fn the_comparisons_learn_one_sample_per_taught_pattern() {
        let mut sim = Sim::new(&steady(Start::SelfPredicting), true);
        sim.advance(100.0 * 250.0, f64::INFINITY, || 0.0).unwrap();
        assert_eq!(sim.taught, 250);
        for c in &sim.comparisons {
            assert_eq!(c.experiment.steps(), 250, "{}", c.label);
            assert!(c.loss.len() >= 3, "{}: {:?}", c.label, c.loss.points());
        }
        assert!(sim.loss.len() >= 3);
    }

    #[test]
    fn the_comparisons_points_are_the_held_out_loss_a_logged_row_would_show() {
        let config = steady(Start::SelfPredicting);
        let mut sim = Sim::new(&config, true);
        sim.advance(100.0 * 250.0, f64::INFINITY, || 0.0).unwrap();
        // The reference: the same run logging its own rows every 100 steps.
        let mut exp = ExperimentConfig::for_task(config.task.kind);
        exp.task = config.task;
        exp.rule = RuleKind::FeedbackAlignment;
        exp.batch = 1;
        exp.seed = config.seed;
        exp.log_every = 100;
        let mut reference = Experiment::new(&exp).unwrap();
        reference.step(250).unwrap();
        let rows: Vec<(f32, f32)> = (reference.history().iter())
            .map(|m| (m.step as f32, m.test.loss))
            .collect();
        assert_eq!(rows.len(), 3);
        let fa = sim.comparisons.iter().find(|c| c.label == "FA").unwrap();
        assert_eq!(fa.loss.points(), rows);
    }

    #[test]
    fn the_row_cadence_follows_the_patterns_a_frame_simulates() {
        assert_eq!(Sim::log_interval(100, 0), 100);
        assert_eq!(Sim::log_interval(100, 100), 100);
        assert_eq!(Sim::log_interval(100, 101), 200);
        assert_eq!(Sim::log_interval(100, 330), 400);
        assert_eq!(Sim::log_interval(5, 3), 5);
        assert_eq!(Sim::log_interval(5, 12), 20);
        // A frame of 1,000 patterns: the next rows come every 1,600, for the circuit
        // and the comparisons alike, on the grid of 100.
        let mut sim = Sim::new(&steady(Start::SelfPredicting), true);
        sim.advance(100.0 * 1000.0, f64::INFINITY, || 0.0).unwrap();
        assert_eq!(sim.circuit.config().log_every, 1600);
        let rows = sim.circuit.history().len();
        sim.advance(100.0 * 2200.0, f64::INFINITY, || 0.0).unwrap();
        let patterns: Vec<u64> = sim.circuit.history()[rows..]
            .iter()
            .map(|m| m.patterns)
            .collect();
        assert_eq!(patterns, [1600, 3200]);
        for c in &sim.comparisons {
            let last: Vec<f32> = c.loss.points().iter().rev().take(2).map(|p| p.0).collect();
            assert_eq!(last, [3200.0, 1600.0], "{}", c.label);
        }
        // Slow again: back to a row every 100.
        sim.advance(100.0 * 10.0, f64::INFINITY, || 0.0).unwrap();
        assert_eq!(sim.circuit.config().log_every, 100);
    }

    #[test]
    fn the_deadline_stops_a_frame_early() {
        let mut sim = Sim::new(&steady(Start::SelfPredicting), true);
        sim.advance(100.0 * 50.0, 0.0, || 1.0).unwrap();
        assert_eq!(sim.circuit.patterns(), 1);
    }
}
