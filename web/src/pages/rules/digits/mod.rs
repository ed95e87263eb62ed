//! The rules page on the handwritten digits (`task=digits`): getting the digits into
//! the worker, and the views only this task has.
//!
//! ```text
//! task=digits, nothing loaded ─▶ download DIGITS_FILE (progress) ─▶ LoadDigits(Pack)
//! file picker ─▶ read the files ─▶ LoadDigits(Idx)
//! worker ─▶ DigitsLoaded ─▶ Configure (new runs on these digits)
//!        ─▶ Rejected   ─▶ a notice; a failed download returns to the task before
//! the pad ─▶ drawing::preprocess ─▶ Predict { pixels, label } ─▶ Predictions
//! frames ─▶ RunFrame::digits ─▶ receptive fields, confusion matrix, misclassified strip
//! ```
//!
//! The record of it all ([`DigitsRecord`]) lives in [`super::runs::Runs`] beside the
//! runs, outside Yew's state: its images are never cloned per frame.

pub mod load;
pub mod network;
pub mod views;

use std::rc::Rc;

use bioprop::network::OutputLayer;
use bioprop::task::{OutputKind, TaskKind};

use super::settings::Settings;
use super::worker::DigitPrediction;

/// What the digit views ask the page to send: a drawing (preprocessed, 784 values;
/// `None` when the pad was cleared) and the true label chosen for it.
#[derive(Clone, Debug, PartialEq)]
pub struct PredictRequest {
    pub pixels: Option<Rc<Vec<f32>>>,
    pub label: Option<u8>,
}

/// While training, how often the drawing is shown to the runs again, in ms.
pub const REPREDICT_MS: f64 = 400.0;

/// Whether the settings train on the handwritten digits.
pub fn is_digits(settings: &Settings) -> bool {
    is_digits_task(settings.task)
}

/// Whether `task` is the handwritten digits.
pub fn is_digits_task(task: TaskKind) -> bool {
    task == TaskKind::Digits
}

/// Where getting the digits stands.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Status {
    /// Nothing asked for yet.
    #[default]
    Idle,
    /// Downloading the compact file: bytes so far, and the total when known.
    Downloading { received: f64, total: Option<f64> },
    /// Reading the chosen files.
    Reading,
    /// The worker is reading `source`.
    Checking { source: String },
    /// In the worker, ready to train on.
    Loaded(Loaded),
}

/// The digits the worker holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    pub train: usize,
    pub test: usize,
    /// Where from, in words (`digits.bin`, or the chosen files' names).
    pub source: String,
}

/// Which `LoadDigits` the worker is reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pending {
    /// The compact file, downloaded because the page asked for the task: if it is
    /// refused the page goes back to the task it was on.
    Pack,
    /// Files the user chose: if refused, the runs and the digits stay as they were.
    Files,
}

/// The page's side of the digits.
#[derive(Clone, Debug, Default)]
pub struct DigitsRecord {
    pub status: Status,
    /// What the worker holds (kept while a new load is under way).
    pub loaded: Option<Loaded>,
    /// Loads completed: each asks for new runs on the new digits.
    pub loads: u64,
    /// Downloads that failed or were refused: each takes the page back to its last task.
    pub failures: u64,
    pub pending: Option<Pending>,
    /// What the pad shows, preprocessed (784 values), and the true label chosen.
    pub drawn: Option<Rc<Vec<f32>>>,
    pub label: Option<u8>,
    /// Every run's answer to the drawing, in the order of the runs.
    pub predictions: Option<Rc<Vec<DigitPrediction>>>,
    /// A `Predict` is on its way: the next waits for its answer.
    pub predicting: bool,
    /// When the last `Predict` was sent (ms, the page's clock).
    pub predicted_at: f64,
    /// The drawing or its label changed while a `Predict` was on its way: send again.
    pub unsent: bool,
    /// Counts the drawings and labels the views asked about, so the page's effect that
    /// sends them runs for each, paused or not.
    pub requests: u64,
}

impl DigitsRecord {
    /// The worker holds new digits.
    pub fn loaded(&mut self, train: usize, test: usize, source: String) {
        let loaded = Loaded {
            train,
            test,
            source,
        };
        self.status = Status::Loaded(loaded.clone());
        self.loaded = Some(loaded);
        self.pending = None;
        self.loads += 1;
    }

    /// The worker refused a command; if a load was pending, it was the load.
    pub fn refused(&mut self) {
        self.predicting = false;
        match self.pending.take() {
            Some(Pending::Pack) => self.failed(),
            Some(Pending::Files) => self.settle(),
            None => {}
        }
    }

    /// The download failed: back to what the worker holds, and to the last task.
    pub fn failed(&mut self) {
        self.pending = None;
        self.settle();
        self.failures += 1;
    }

    /// The status is what the worker holds.
    pub fn settle(&mut self) {
        self.status = match &self.loaded {
            Some(loaded) => Status::Loaded(loaded.clone()),
            None => Status::Idle,
        };
    }

    /// Whether a `Predict` is due now (`now` in ms): the drawing changed while the
    /// last was on its way, or training has moved the runs on since the last answer
    /// (at most every [`REPREDICT_MS`]).
    pub fn predict_due(&self, now: f64, playing: bool) -> bool {
        self.drawn.is_some()
            && !self.predicting
            && (self.unsent || (playing && now - self.predicted_at >= REPREDICT_MS))
    }

    /// Whether a download or a load is under way.
    pub fn busy(&self) -> bool {
        matches!(
            self.status,
            Status::Downloading { .. } | Status::Reading | Status::Checking { .. }
        )
    }
}

/// Which output units and loss the runs of `settings` train with, in words.
pub fn output_statement(settings: &Settings) -> String {
    let output = settings
        .experiment_configs()
        .ok()
        .and_then(|configs| configs.into_iter().next())
        .and_then(|config| config.output_layer)
        .unwrap_or(OutputLayer::natural(OutputKind::Classification {
            classes: 10,
        }));
    let normalised = match output {
        OutputLayer::Softmax => "the probabilities shown are the softmax itself",
        OutputLayer::Logistic | OutputLayer::Linear => {
            "the probabilities shown are the outputs made non-negative and divided by their sum"
        }
    };
    format!(
        "Output and loss: {}; 10 units, one per digit ({normalised}).",
        output.description()
    )
}

pub use crate::widgets::number::thousands;

/// The side of the smallest square holding `values`, and the values padded with 0
/// to fill it (a sample of hidden units drawn as a square).
pub fn square(values: &[f32]) -> (usize, Vec<f32>) {
    let side = (values.len() as f64).sqrt().ceil() as usize;
    let mut padded = values.to_vec();
    padded.resize(side * side, 0.0);
    (side, padded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_download_goes_back_and_refused_files_keep_the_digits() {
        let mut record = DigitsRecord {
            pending: Some(Pending::Pack),
            status: Status::Checking {
                source: "digits.bin".into(),
            },
            ..DigitsRecord::default()
        };
        record.refused();
        assert_eq!(record.failures, 1, "the page returns to its last task");
        assert_eq!(record.status, Status::Idle);

        record.loaded(12_000, 10_000, "digits.bin".into());
        assert_eq!(record.loads, 1);
        record.pending = Some(Pending::Files);
        record.status = Status::Checking {
            source: "x.gz".into(),
        };
        record.refused();
        assert_eq!(record.failures, 1, "a bad file does not leave the task");
        assert_eq!(record.loaded.as_ref().map(|l| l.train), Some(12_000));
        assert!(matches!(record.status, Status::Loaded(_)));

        record.predicting = true;
        record.refused();
        assert!(!record.predicting, "a refused prediction frees the next");
        assert_eq!(record.failures, 1, "no load was pending");
    }

    #[test]
    fn a_drawing_is_sent_again_when_it_changed_or_the_runs_trained() {
        let mut record = DigitsRecord::default();
        assert!(!record.predict_due(1000.0, true), "nothing drawn");
        record.drawn = Some(Rc::new(vec![0.0; 784]));
        record.predicting = true;
        record.unsent = true;
        assert!(!record.predict_due(1000.0, true), "one at a time");
        record.predicting = false;
        assert!(
            record.predict_due(0.0, false),
            "the drawing changed meanwhile"
        );
        record.unsent = false;
        record.predicted_at = 1000.0;
        assert!(!record.predict_due(1000.0 + REPREDICT_MS - 1.0, true));
        assert!(record.predict_due(1000.0 + REPREDICT_MS, true));
        assert!(
            !record.predict_due(5000.0, false),
            "paused: the answer stands"
        );
    }

    #[test]
    fn the_page_names_the_digits_output_and_loss() {
        let settings = Settings {
            task: TaskKind::Digits,
            ..Settings::default()
        };
        assert_eq!(
            output_statement(&settings),
            "Output and loss: softmax, cross-entropy (classification's default); 10 units, one \
             per digit (the probabilities shown are the softmax itself)."
        );
    }

    #[test]
    fn counts_and_squares_read_as_shown() {
        let (side, padded) = square(&[1.0; 30]);
        assert_eq!((side, padded.len()), (6, 36));
        assert_eq!(padded[30..], [0.0; 6]);
    }
}
