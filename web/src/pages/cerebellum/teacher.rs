//! The cerebellum as a teacher (`task=distal-teacher`): core's two-stage run
//! ([`bioprop::cerebellum::DistalTeacher`], docs/science.md §5.6) and what the page
//! remembers of it: each stage's error over the whole run and the last seconds of the
//! goal and the outcome. Pure: no Yew or web-sys, so it is tested natively; it runs in
//! the worker ([`super::worker`]).

use bioprop::cerebellum::{DistalTeacher, Stage, TeacherConfig, TeacherSnapshot};
use serde::{Deserialize, Serialize};

/// Most points kept in each error history; when full, every other point goes and the
/// sampling interval doubles, so the whole run stays on the chart.
const HISTORY_LEN: usize = 1000;
/// Steps between points of the recent signals (10 ms), and how many are kept (4 s).
const RECENT_EVERY: u64 = 10;
const RECENT_LEN: usize = 400;

/// The running two-stage simulation.
pub struct TeacherSim {
    pub teacher: DistalTeacher,
    /// (simulated s, prediction error / outcome RMS), stage 1.
    pub prediction_history: Vec<(f32, f32)>,
    /// (simulated s, distal error / goal RMS), stage 2.
    pub tracking_history: Vec<(f32, f32)>,
    /// (simulated s, goal, outcome, prediction), the last few seconds, oldest first.
    pub recent: Vec<(f32, f32, f32, f32)>,
    sample_every: u64,
}

/// What the page draws of the teacher after a frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeacherView {
    pub snapshot: TeacherSnapshot,
    pub prediction_history: Vec<(f32, f32)>,
    pub tracking_history: Vec<(f32, f32)>,
    pub recent: Vec<(f32, f32, f32, f32)>,
}

impl TeacherSim {
    /// A naive run; `config` comes from validated settings, so a failure falls back to
    /// the defaults.
    pub fn new(config: &TeacherConfig) -> Self {
        let teacher = DistalTeacher::new(config).unwrap_or_else(|_| {
            DistalTeacher::new(&TeacherConfig::default()).expect("the defaults are valid")
        });
        TeacherSim {
            teacher,
            prediction_history: Vec::with_capacity(HISTORY_LEN),
            tracking_history: Vec::with_capacity(HISTORY_LEN),
            recent: Vec::with_capacity(RECENT_LEN + 1),
            sample_every: 50,
        }
    }

    /// Runs `n` steps, recording as it goes; stops at a divergence.
    pub fn advance(&mut self, n: u64) -> Result<(), String> {
        let mut left = n;
        while left > 0 {
            let steps = self.teacher.steps();
            let to_recent = RECENT_EVERY - steps % RECENT_EVERY;
            let chunk = left.min(to_recent);
            self.teacher.step(chunk).map_err(|e| e.to_string())?;
            left -= chunk;
            let steps = self.teacher.steps();
            let time = self.teacher.time() as f32;
            if steps % RECENT_EVERY == 0 {
                let s = self.teacher.snapshot();
                if self.recent.len() == RECENT_LEN {
                    self.recent.remove(0);
                }
                self.recent
                    .push((time, s.goal as f32, s.outcome as f32, s.prediction as f32));
            }
            if steps % self.sample_every == 0 {
                // Stage 1's chart: the model learning the plant (afterwards it is frozen,
                // and its error on the controller's commands is only a readout).
                if self.teacher.stage() == Stage::Babbling {
                    if let Some(e) = self.teacher.relative_prediction_error() {
                        self.prediction_history.push((time, e as f32));
                    }
                }
                if let Some(e) = self.teacher.relative_tracking_error() {
                    self.tracking_history.push((time, e as f32));
                }
                if self.prediction_history.len() >= HISTORY_LEN
                    || self.tracking_history.len() >= HISTORY_LEN
                {
                    for history in [&mut self.prediction_history, &mut self.tracking_history] {
                        let mut keep = false;
                        history.retain(|_| {
                            keep = !keep;
                            keep
                        });
                    }
                    self.sample_every *= 2;
                }
            }
        }
        Ok(())
    }

    pub fn view(&self) -> TeacherView {
        TeacherView {
            snapshot: self.teacher.snapshot(),
            prediction_history: self.prediction_history.clone(),
            tracking_history: self.tracking_history.clone(),
            recent: self.recent.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_stage_has_its_history_and_both_errors_fall() {
        let config = TeacherConfig::default();
        let mut sim = TeacherSim::new(&config);
        sim.advance(10_000).unwrap();
        assert!(sim.tracking_history.is_empty(), "no controller in stage 1");
        sim.advance(30_000).unwrap();
        let view = sim.view();
        assert_eq!(view.snapshot.stage, Stage::Reaching);
        let switch = view.snapshot.switch_time as f32;
        assert!(view.tracking_history.iter().all(|p| p.0 > switch));
        assert!(view
            .prediction_history
            .iter()
            .all(|p| p.0 > 0.0 && p.0 <= switch));
        let first = |h: &[(f32, f32)]| h.first().unwrap().1;
        let last_before = |h: &[(f32, f32)], t: f32| h.iter().rev().find(|p| p.0 <= t).unwrap().1;
        // Stage 1: the model's error, relative to the outcome, from near 1 to a tenth.
        assert!(first(&view.prediction_history) > 0.5);
        assert!(last_before(&view.prediction_history, switch) < 0.15);
        // Stage 2: the distal error, relative to the goal, from 1 to under 1%.
        assert!(first(&view.tracking_history) > 0.9);
        assert!(view.tracking_history.last().unwrap().1 < 0.01);
        assert_eq!(view.recent.len(), RECENT_LEN);
        assert!(view.recent.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn the_histories_stay_bounded_over_a_long_run() {
        let mut sim = TeacherSim::new(&TeacherConfig::default());
        sim.advance(200_000).unwrap();
        assert!(sim.prediction_history.len() < HISTORY_LEN);
        assert!(sim.tracking_history.len() < HISTORY_LEN);
        let last = sim.tracking_history.last().unwrap().0;
        assert!((last - 200.0).abs() < 1.0, "{last}");
    }
}
