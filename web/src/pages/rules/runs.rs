//! The page's record of the runs the worker trains: the latest snapshot of
//! each, its metric history and what the task view draws. Frames from the
//! worker are applied here; the charts' series are derived from it.
//!
//! It lives outside Yew's state (in a `use_mut_ref`) because the histories
//! grow every frame and must never be cloned per frame.

use std::rc::Rc;

use bioprop::experiment::{Snapshot, SynapseUpdate};
use bioprop::metrics::Metrics;
use bioprop::rule::{RuleKind, RunRule};
use bioprop::session::DataIdentity;
use plotters::style::RGBColor;

use super::digits::DigitsRecord;
use super::export::ConfigRead;
use super::worker::{DigitsView, Frame, Picture, TaskData, Update};
use crate::widgets::chart::{Dash, Series};

/// The most points a chart series gets; longer histories are thinned evenly.
pub const MAX_SERIES_POINTS: usize = 1200;

/// One run: a rule learning the task.
#[derive(Clone, Debug)]
pub struct Run {
    /// Its rule as the comparison lists it, with or without `f′` of its own: the
    /// run's name and colour.
    pub run: RunRule,
    /// The rule it trains (its facts draw the views).
    pub rule: RuleKind,
    /// The learning rate it trains at now.
    pub lr: f32,
    pub snapshot: Rc<Snapshot>,
    pub history: Vec<Metrics>,
    pub picture: Option<Rc<Picture>>,
    pub diverged: Option<String>,
    /// The run's training stalled and the page has said so, in these words
    /// ([`super::stall`]).
    pub stalled: Option<String>,
    /// A delta-rule run's watched synapse, as of its latest update ([`super::delta`]).
    pub synapse: Option<Rc<SynapseUpdate>>,
    /// On the digits, what the digit views draw, as of the latest frame that had it.
    pub digits: Option<Rc<DigitsView>>,
    /// Core's hash of its weights, biases and feedback at step `hashed_step` (what
    /// `bioprop run --config` prints at the same step): the latest frame's, or at the
    /// speed `max` the latest frame that carried one.
    pub weights_hash: u64,
    pub hashed_step: u64,
}

/// What applying an update means for the page beyond redrawing.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// Nothing beyond a redraw.
    Redraw,
    /// A frame of an older generation: ignore it.
    Stale,
    /// A run diverged in this frame (it was not diverged before): the message.
    Diverged(String),
    /// The worker refused a command.
    Rejected(String),
    /// A run stopped learning in this frame: the notice ([`super::stall`]).
    Stalled(String),
    /// New runs replaced old ones that had diverged or stalled: their notices, which
    /// no longer describe what is on screen.
    Replaced(Vec<String>),
    /// The runs' matrices as JSON ([`Update::Matrices`]), to be saved.
    Matrices(Rc<String>),
}

#[derive(Clone, Debug, Default)]
pub struct Runs {
    pub generation: u64,
    pub data: Rc<TaskData>,
    pub runs: Vec<Run>,
    pub playing: bool,
    /// Counts the updates applied, so views know when to redraw.
    pub frames: u64,
    /// The digits the worker holds, by name and hash (for an exported configuration).
    pub digits_identity: Option<DataIdentity>,
    /// A live change (a learning rate, a new `B`) reached runs that had already
    /// trained: the configuration, which sets them from the start, no longer
    /// reproduces these runs. Cleared by new runs.
    pub changed_mid_run: bool,
    /// The latest imported file the worker read (its name and what it gives), for the
    /// page to apply; taken when applied.
    pub imported: Option<(String, ConfigRead)>,
    /// Imported files read: each asks the page to apply [`Runs::imported`].
    pub imports: u64,
    /// The digits: what the worker holds, the drawing and the runs' answers to it.
    pub digits: DigitsRecord,
}

impl Runs {
    pub fn apply(&mut self, update: Update) -> Event {
        self.frames += 1;
        match update {
            Update::Configured { generation, data } => {
                self.generation = generation;
                self.data = Rc::new(data);
                let stale: Vec<String> = (self.runs.drain(..))
                    .flat_map(|run| run.diverged.into_iter().chain(run.stalled))
                    .collect();
                self.playing = false;
                self.changed_mid_run = false;
                // The answers were the old runs'.
                self.digits.predictions = None;
                self.digits.predicting = false;
                if stale.is_empty() {
                    Event::Redraw
                } else {
                    Event::Replaced(stale)
                }
            }
            Update::Rejected { message } => {
                self.digits.refused();
                Event::Rejected(message)
            }
            Update::Frame(frame) => self.apply_frame(*frame),
            Update::DigitsLoaded {
                train,
                test,
                source,
                identity,
            } => {
                self.digits.loaded(train, test, source);
                self.digits_identity = Some(identity);
                Event::Redraw
            }
            Update::Matrices { generation, json } if generation == self.generation => {
                Event::Matrices(Rc::new(json))
            }
            Update::Matrices { .. } => Event::Stale,
            Update::ConfigRead { name, read } => {
                self.imported = Some((name, read));
                self.imports += 1;
                Event::Redraw
            }
            Update::Predictions { runs } => {
                self.digits.predicting = false;
                self.digits.predictions = Some(Rc::new(runs));
                Event::Redraw
            }
        }
    }

    fn apply_frame(&mut self, frame: Frame) -> Event {
        if frame.generation != self.generation {
            return Event::Stale;
        }
        self.playing = frame.playing;
        if self.runs.len() != frame.runs.len() {
            self.runs = frame
                .runs
                .iter()
                .map(|f| Run {
                    run: f.run,
                    rule: f.snapshot.rule,
                    lr: f.lr,
                    snapshot: Rc::new(f.snapshot.clone()),
                    history: Vec::new(),
                    picture: None,
                    diverged: None,
                    stalled: None,
                    synapse: None,
                    digits: None,
                    weights_hash: f.weights_hash.unwrap_or_default(),
                    hashed_step: f.snapshot.step,
                })
                .collect();
        }
        let mut event = Event::Redraw;
        for (run, f) in self.runs.iter_mut().zip(frame.runs) {
            if run.diverged.is_none() {
                if let Some(message) = &f.diverged {
                    event = Event::Diverged(message.clone());
                }
            }
            run.run = f.run;
            run.rule = f.snapshot.rule;
            run.lr = f.lr;
            if let Some(hash) = f.weights_hash {
                run.weights_hash = hash;
                run.hashed_step = f.snapshot.step;
            }
            run.snapshot = Rc::new(f.snapshot);
            run.history.extend(f.new_metrics);
            // A frame without a picture (the worker sends fewer at the speed `max`)
            // keeps the last one.
            if let Some(picture) = f.picture {
                run.picture = Some(Rc::new(picture));
            }
            run.synapse = f.synapse.map(Rc::new);
            // Digit views come every few frames; the last stays between.
            if let Some(digits) = f.digits {
                run.digits = Some(Rc::new(digits));
            }
            // The first message stays: the worker words it with the run's rate now, which
            // an edit of η after the divergence changes, and the page's notice (removed
            // by this text when the run is replaced) says the rate it diverged at.
            if run.diverged.is_none() {
                run.diverged = f.diverged;
            }
            if run.stalled.is_none() && run.diverged.is_none() && event == Event::Redraw {
                if let Some(message) = super::stall::stall_notice(run.rule, run.lr, &run.history) {
                    run.stalled = Some(message.clone());
                    event = Event::Stalled(message);
                }
            }
        }
        event
    }

    /// A learning rate or the feedback draw changes in the running runs: if they have
    /// trained, their configuration no longer reproduces them ([`Runs::changed_mid_run`]).
    pub fn note_live_change(&mut self) {
        if self.runs.iter().any(|run| run.snapshot.step > 0) {
            self.changed_mid_run = true;
        }
    }

    /// Hidden layers of the runs (the same for every run of a generation).
    pub fn hidden_layers(&self) -> usize {
        self.runs
            .first()
            .map(|r| r.snapshot.layers.len().saturating_sub(2))
            .unwrap_or(0)
    }
}

impl Runs {
    /// One series per run (and per hidden layer where `layer` is `None` and
    /// there is more than one), of the value `pick` reads from a history row.
    /// A run's name in legends: its rule (`bp no f′` without `f′` of its own), and
    /// its learning rate when the runs do not all train at the same one (`bp η 0.08`).
    pub fn label(&self, run: &Run) -> String {
        if self.runs.iter().all(|other| other.lr == run.lr) {
            run.run.label()
        } else {
            format!("{} η {}", run.run.label(), run.lr)
        }
    }

    pub fn series(&self, pick: impl Fn(&Metrics) -> Option<f32>) -> Vec<Series> {
        self.runs
            .iter()
            .map(|run| Series {
                label: self.label(run).into(),
                colour: run_colour(run.run),
                dash: Dash::Solid,
                points: Rc::new(thin(&run.history, |m| pick(m).map(|v| (m.step as f32, v)))),
            })
            .collect()
    }

    /// Series of a per-layer metric: one per run and hidden layer.
    pub fn layer_series(
        &self,
        pick: impl Fn(&bioprop::metrics::LayerMetrics) -> Option<f32>,
    ) -> Vec<Series> {
        let layers = self.hidden_layers();
        let mut all = Vec::new();
        for run in &self.runs {
            for k in 0..layers {
                let label = if layers > 1 {
                    format!("{} · layer {}", self.label(run), k + 1)
                } else {
                    self.label(run)
                };
                let mut colour = run_colour(run.run);
                if k > 0 {
                    colour = lighten(colour, 0.35 * k as f32 / layers as f32);
                }
                all.push(Series {
                    label: label.into(),
                    colour,
                    dash: Dash::of_layer(k),
                    points: Rc::new(thin(&run.history, |m| {
                        m.layers.get(k).and_then(&pick).map(|v| (m.step as f32, v))
                    })),
                });
            }
        }
        all
    }

    /// The weight angle ∠(B, Wᵀ) per run and hidden layer; a rule that does not use
    /// its `B` (backprop, shallow) is labelled as the control it is.
    pub fn weight_angle_series(&self) -> Vec<Series> {
        let layers = self.hidden_layers().max(1);
        let mut all = self.layer_series(|l| l.weight_angle_deg);
        for (i, series) in all.iter_mut().enumerate() {
            if let Some(note) = self.runs.get(i / layers).and_then(|r| control_note(r.rule)) {
                series.label = format!("{} ({note})", series.label).into();
            }
        }
        all
    }
}

/// What a weight-angle series adds to its rule's name when the rule's error does not
/// travel through `B`: its `B` is drawn from the seed only as a control.
pub fn control_note(rule: RuleKind) -> Option<&'static str> {
    (!rule.facts().feedback.uses_reported_matrix()).then_some("unused B: control")
}

/// The points `point` gives for `rows`, at most [`MAX_SERIES_POINTS`] of
/// them, evenly spread and always including the newest.
pub fn thin<T>(rows: &[T], point: impl Fn(&T) -> Option<(f32, f32)>) -> Vec<(f32, f32)> {
    let stride = rows.len().div_ceil(MAX_SERIES_POINTS).max(1);
    let mut points: Vec<(f32, f32)> = rows.iter().step_by(stride).filter_map(&point).collect();
    if stride > 1 && (rows.len() - 1) % stride != 0 {
        if let Some(last) = rows.last().and_then(&point) {
            points.push(last);
        }
    }
    points
}

/// Every rule keeps its colour across views and runs: the one declared in its
/// facts ([`bioprop::rule::RuleFacts::colour`]).
pub fn rule_colour(rule: RuleKind) -> RGBColor {
    let [r, g, b] = rule.facts().colour;
    RGBColor(r, g, b)
}

/// A run's colour: its rule's, darker for a run without `f′` of its own
/// ([`RunRule::colour`]).
pub fn run_colour(run: RunRule) -> RGBColor {
    let [r, g, b] = run.colour();
    RGBColor(r, g, b)
}

fn lighten(c: RGBColor, amount: f32) -> RGBColor {
    let mix = |v: u8| (v as f32 + (255.0 - v as f32) * amount).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinning_keeps_short_histories_whole_and_caps_long_ones() {
        let short: Vec<u32> = (0..10).collect();
        assert_eq!(thin(&short, |&v| Some((v as f32, 0.0))).len(), 10);
        let long: Vec<u32> = (0..10_001).collect();
        let points = thin(&long, |&v| Some((v as f32, 0.0)));
        assert!(points.len() <= MAX_SERIES_POINTS + 1, "{}", points.len());
        assert_eq!(points.first().unwrap().0, 0.0);
        assert_eq!(points.last().unwrap().0, 10_000.0, "the newest row is kept");
        let xs: Vec<f32> = points.iter().map(|p| p.0).collect();
        assert!(xs.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn only_rules_that_ignore_b_call_their_weight_angle_a_control() {
        for rule in RuleKind::ALL {
            let uses_b = rule.facts().feedback.uses_reported_matrix();
            assert_eq!(control_note(rule).is_none(), uses_b, "{rule:?}");
        }
        assert_eq!(control_note(RuleKind::Backprop), Some("unused B: control"));
        assert_eq!(control_note(RuleKind::FeedbackAlignment), None);
    }

    #[test]
    fn every_rule_has_its_own_colour() {
        let colours: Vec<_> = RuleKind::ALL.iter().map(|&r| rule_colour(r)).collect();
        for (i, a) in colours.iter().enumerate() {
            for b in &colours[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
