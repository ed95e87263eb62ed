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
//! "Reproducibility"). They learn only while the circuit's target is on, one sample per
//! pattern the circuit is shown with its target, so the curves share an x axis: patterns
//! presented to the circuit.

use bioprop::microcircuit::Mode;
use bioprop::{Experiment, ExperimentConfig, Microcircuit, MicrocircuitConfig, RuleKind};

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

pub struct Sim {
    pub circuit: Microcircuit,
    /// (simulated seconds, ‖v_A‖² of hidden layer 1 now).
    pub energy: History,
    /// The highest ‖v_A‖² of any sample, kept apart from the history: what the meter
    /// must still draw however long the run.
    pub energy_peak: f32,
    /// (patterns, test loss) from the circuit's metrics rows.
    pub loss: History,
    pub comparisons: Vec<Comparison>,
    /// Patterns shown with the target on: the comparison runs' step count.
    pub taught: u64,
    /// Simulated seconds at which the target was switched on or off: (seconds, on).
    pub switches: Vec<(f32, bool)>,
    rows_seen: usize,
}

/// `‖v‖² = Σ vᵢ²`, as core defines the apical energy.
pub fn energy(values: impl IntoIterator<Item = f32>) -> f32 {
    values.into_iter().map(|v| v * v).sum()
}

impl Sim {
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
        let comparisons = [
            ("BP", RuleKind::Backprop),
            ("FA", RuleKind::FeedbackAlignment),
            ("shallow", RuleKind::Shallow),
        ]
        .into_iter()
        .filter_map(|(label, rule)| {
            let mut exp = ExperimentConfig::for_task(config.task.kind);
            exp.task = config.task;
            exp.rule = rule;
            exp.batch = 1;
            exp.seed = config.seed;
            exp.log_every = config.log_every;
            let experiment = Experiment::new(&exp).ok()?;
            Some(Comparison {
                label,
                experiment,
                loss: History::new(HISTORY_LEN),
            })
        })
        .collect();
        let mut sim = Sim {
            circuit,
            energy: History::new(HISTORY_LEN),
            energy_peak: 0.0,
            loss: History::new(HISTORY_LEN),
            comparisons,
            taught: 0,
            switches: Vec::new(),
            rows_seen: 0,
        };
        sim.record();
        sim
    }

    /// ‖v_A‖² of hidden layer 1 now.
    pub fn apical_energy(&self) -> f32 {
        self.circuit
            .state()
            .apical
            .first()
            .map_or(0.0, |a| energy(a.iter().copied()))
    }

    /// Turns the target on or off, marking the switch on the meter.
    pub fn set_target(&mut self, on: bool) {
        if self.circuit.target_on() != on {
            self.circuit.set_target(on);
            self.switches
                .push(((self.circuit.time_ms() / 1000.0) as f32, on));
        }
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
        let mut left = sim_ms;
        while left > 0.0 {
            let ms = left.min(chunk);
            let before = self.circuit.patterns();
            let result = self.circuit.run_for(ms);
            if self.circuit.target_on() {
                self.taught += self.circuit.patterns() - before;
            }
            self.record();
            result.map_err(|e| e.to_string())?;
            left -= ms;
            if now() > deadline {
                break;
            }
        }
        self.catch_up();
        Ok(())
    }

    /// Samples the meter and takes any new metrics rows.
    fn record(&mut self) {
        let t = (self.circuit.time_ms() / 1000.0) as f32;
        let e = self.apical_energy();
        self.energy.push((t, e));
        self.energy_peak = self.energy_peak.max(e);
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
        for c in &mut self.comparisons {
            let due = self.taught.saturating_sub(c.experiment.steps());
            if due == 0 || c.experiment.diverged().is_some() {
                continue;
            }
            // The untrained row goes where the comparison starts learning, not at 0, so
            // pre-training shows as a gap rather than a slope.
            let rows = if c.experiment.steps() == 0 {
                0
            } else {
                c.experiment.history().len()
            };
            let _ = c.experiment.step(due);
            for m in &c.experiment.history()[rows..] {
                c.loss.push((m.step as f32 + untaught, m.test.loss));
            }
        }
    }
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
        assert!(
            (switch..switch + 20.0).contains(&peak.0),
            "{peak:?}, switch at {switch}"
        );
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
    fn the_deadline_stops_a_frame_early() {
        let mut sim = Sim::new(&steady(Start::SelfPredicting), true);
        sim.advance(100.0 * 50.0, 0.0, || 1.0).unwrap();
        assert_eq!(sim.circuit.patterns(), 1);
    }
}
