//! The worker's side of the `digits` task (docs/science.md §3, "Digits"): the loaded
//! digits, the runs built on them, what the digit views draw ([`DigitsView`]) and the
//! answer to a drawn digit ([`DigitPrediction`]).
//!
//! Cost, at the default 784-100-10 (a forward pass of one image is about 1/100 of a
//! training step at batch 32):
//!
//! - a logged metric row evaluates the first [`EVAL_TRAIN`] training and [`EVAL_TEST`]
//!   held-out images (a fixed subset, the same at every row), about 32 training steps'
//!   worth at batch 32 ([`row_cost_in_steps`]), and comes every [`FRAMES_PER_ROW`]
//!   frames, not every frame; at the speed `max`, also no oftener than every
//!   [`COST_SHARE`] times its cost in steps ([`max_speed_row_interval`]);
//! - the confusion matrix and the misclassified strip cover the whole held-out set,
//!   swept up to [`SWEEP_ROWS`] images per frame while playing (10,000 images in about
//!   40 frames, so the weights move a little during a pass; at the speed `max`, as
//!   many as cost a [`SWEEP_SHARE`]th of the frame's training, [`sweep_rows`]) and all
//!   at once after a command (step, pause, reset);
//! - the receptive fields ([`RECEPTIVE_FIELDS_SHOWN`] units × 784 weights) go out every
//!   [`DIGITS_VIEW_EVERY`] frames while playing; no frame carries the whole first
//!   layer (the snapshot leaves out matrices above `SNAPSHOT_MAX_ENTRIES`).

use std::sync::Arc;

use bioprop::experiment::classify::{self, Confusion, ConfusionSweep};
use bioprop::session::DataIdentity;
use bioprop::task::{mnist, pack, Dataset};
use bioprop::{Experiment, ExperimentConfig};
use ndarray::Array1;

use super::{
    DigitPrediction, DigitsSource, DigitsView, Misclassified, ReceptiveFields, DIGITS_VIEW_EVERY,
    MISCLASSIFIED_SHOWN, RECEPTIVE_FIELDS_SHOWN,
};

/// Training images a logged row evaluates (the first ones).
pub const EVAL_TRAIN: usize = 1_000;
/// Held-out images a logged row evaluates (the first ones); the confusion matrix
/// covers them all.
pub const EVAL_TEST: usize = 1_000;
/// Frames per logged row on the digits (other tasks log about two rows a frame).
pub const FRAMES_PER_ROW: u64 = 4;
/// Held-out images the confusion sweep classifies per run per frame while playing, at
/// most.
pub const SWEEP_ROWS: usize = 256;
/// At the speed `max`, the metric rows take about a `COST_SHARE`th of the worker's
/// training time at most (a sixteenth at batch 32, as a power of two), and the
/// confusion sweep a [`SWEEP_SHARE`]th, so that an epoch of the digits trains at close
/// to the core's own speed.
pub const COST_SHARE: u64 = 10;
/// See [`COST_SHARE`]: a whole pass of the 10,000 held-out digits every 5 s or so at
/// 784-256-10.
pub const SWEEP_SHARE: u64 = 20;
/// Images the confusion sweep classifies per frame at the least, however few steps
/// the frame trained.
pub const MIN_SWEEP_ROWS: usize = 32;

/// What a logged row costs in training steps of `batch` images, about: it runs
/// [`EVAL_TRAIN`] + [`EVAL_TEST`] images forward, and a step runs `batch` images
/// forward and back: measured at 784-256-10, an image forward costs about half what
/// an image trained does (the activation function's share is in the forward pass).
pub fn row_cost_in_steps(batch: usize) -> u64 {
    ((EVAL_TRAIN + EVAL_TEST) as u64).div_ceil(FORWARDS_PER_TRAINED * batch.max(1) as u64)
}

/// About how many images go forward for the cost of one trained (see
/// [`row_cost_in_steps`]).
const FORWARDS_PER_TRAINED: u64 = 2;

/// Steps between logged rows at the speed `max` when a frame trains `steps`: one row
/// every [`FRAMES_PER_ROW`] frames (see `max_speed_log_interval`), but no oftener
/// than every [`COST_SHARE`] × [`row_cost_in_steps`], both powers of two.
pub fn max_speed_row_interval(steps: u64, batch: usize) -> u64 {
    let by_frames = super::max_speed_log_interval(steps.saturating_mul(FRAMES_PER_ROW));
    let by_cost = (COST_SHARE * row_cost_in_steps(batch)).next_power_of_two();
    by_frames.max(by_cost)
}

/// Held-out images the sweep classifies in a frame that trained `steps` steps of
/// `batch` images at the speed `max`: a [`SWEEP_SHARE`]th of that training's work
/// (see [`row_cost_in_steps`]), between [`MIN_SWEEP_ROWS`] and [`SWEEP_ROWS`].
pub fn sweep_rows(steps: u64, batch: usize) -> usize {
    let rows =
        steps.saturating_mul(FORWARDS_PER_TRAINED.saturating_mul(batch as u64)) / SWEEP_SHARE;
    (rows.min(SWEEP_ROWS as u64) as usize).max(MIN_SWEEP_ROWS)
}

/// Digits loaded into the worker, shared by every run built on them.
pub struct Loaded {
    pub dataset: Arc<Dataset>,
    /// Where they came from, in words (`identity.name`), and their hash, for an
    /// exported configuration.
    pub identity: DataIdentity,
}

/// The digits of `source`, or a message naming the file and the problem.
pub fn load(source: DigitsSource) -> Result<Loaded, String> {
    let (name, (train, test)) = match source {
        DigitsSource::Pack(bytes) => (
            pack::FILE_NAME.to_owned(),
            pack::read(pack::FILE_NAME, bytes).map_err(|e| e.to_string())?,
        ),
        DigitsSource::Idx { files } => {
            let names: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
            let files = files.into_iter().map(|f| (f.name, f.bytes)).collect();
            (
                names.join(", "),
                mnist::from_files(files).map_err(|e| e.to_string())?,
            )
        }
    };
    let dataset = mnist::dataset(&train, &test, train.len(), test.len())
        .map_err(|e| format!("{name}: {e}"))?;
    Ok(Loaded {
        dataset: Arc::new(dataset),
        identity: DataIdentity::of_digits(name, &train, &test),
    })
}

/// The runs of `configs` on the loaded digits (all of them: the config's sizes give
/// way to the digits'), or why not.
pub fn build_runs(
    configs: &mut [ExperimentConfig],
    loaded: Option<&Loaded>,
) -> Result<Vec<Experiment>, String> {
    let Some(loaded) = loaded else {
        return Err(
            "task digits: the digits are not loaded yet; load digits.bin or choose the four \
             MNIST files first"
                .to_owned(),
        );
    };
    configs
        .iter_mut()
        .map(|config| {
            config.task.train_size = loaded.dataset.train_size();
            config.task.test_size = loaded.dataset.test_size();
            Experiment::with_shared_dataset(
                config,
                Arc::clone(&loaded.dataset),
                (EVAL_TRAIN, EVAL_TEST),
            )
            .map_err(|e| e.to_string())
        })
        .collect()
}

/// Per run: the confusion sweep and the latest whole pass.
#[derive(Default)]
pub struct Views {
    sweeps: Vec<ConfusionSweep>,
    latest: Vec<Option<Confusion>>,
}

impl Views {
    /// Fresh sweeps for `runs` (none if they are not on the digits).
    pub fn reset(&mut self, runs: &[Experiment]) {
        self.sweeps = runs
            .iter()
            .map(|run| {
                ConfusionSweep::new(
                    mnist::CLASSES,
                    run.dataset().test_size(),
                    MISCLASSIFIED_SHOWN,
                )
            })
            .collect();
        self.latest = vec![None; runs.len()];
    }

    /// Every run's view: with `whole`, a confusion pass over the whole held-out set
    /// now; else the sweep advanced by `rows` images, and a view only every
    /// [`DIGITS_VIEW_EVERY`] `tick` (or when a pass completes). `None` per run when no
    /// view is due.
    pub fn frame(
        &mut self,
        runs: &mut [Experiment],
        whole: bool,
        rows: usize,
        tick: u64,
    ) -> Vec<Option<DigitsView>> {
        if self.sweeps.len() != runs.len() {
            self.reset(runs);
        }
        let due = whole || tick % DIGITS_VIEW_EVERY == 0;
        runs.iter_mut()
            .zip(self.sweeps.iter_mut().zip(&mut self.latest))
            .map(|(run, (sweep, latest))| {
                let completed = if whole {
                    Some(sweep.complete(run))
                } else {
                    sweep.advance(run, rows)
                };
                let fresh = completed.is_some();
                if let Some(done) = completed {
                    *latest = Some(done);
                }
                // Before the first pass completes (playing from a reset), the first
                // frame's pass stands.
                if latest.is_none() {
                    *latest = Some(sweep.clone().complete(run));
                }
                (due || fresh).then(|| view(run, latest.as_ref().expect("a pass")))
            })
            .collect()
    }
}

/// What the digit views draw for `run` with its latest confusion pass.
fn view(run: &Experiment, confusion: &Confusion) -> DigitsView {
    let test = &run.dataset().test_inputs;
    DigitsView {
        confusion: confusion.counts.clone(),
        evaluated: confusion.evaluated,
        misclassified: confusion
            .wrong
            .iter()
            .map(|&(index, predicted, truth)| Misclassified {
                index,
                // x = pixel / 255 exactly, so this gives back MNIST's byte.
                pixels: test
                    .row(index)
                    .iter()
                    .map(|&x| (x * 255.0).round().clamp(0.0, 255.0) as u8)
                    .collect(),
                predicted,
                truth,
            })
            .collect(),
        fields: receptive_fields(run),
    }
}

/// The first hidden layer's incoming weights of its first [`RECEPTIVE_FIELDS_SHOWN`]
/// units; `None` for a network without a hidden layer.
pub fn receptive_fields(run: &Experiment) -> Option<ReceptiveFields> {
    let network = run.network();
    if network.depth() < 2 {
        return None;
    }
    let w = &network.weights()[0];
    let units: Vec<usize> = (0..w.nrows().min(RECEPTIVE_FIELDS_SHOWN)).collect();
    let weights = units
        .iter()
        .flat_map(|&unit| w.row(unit).to_vec())
        .collect();
    Some(ReceptiveFields { units, weights })
}

/// Every run's answer to a drawn digit, or why there is none.
pub fn predict(
    runs: &[Experiment],
    pixels: &[f32],
    label: Option<u8>,
) -> Result<Vec<DigitPrediction>, String> {
    if runs.is_empty() {
        return Err("draw a digit: there are no runs yet".to_owned());
    }
    if runs
        .iter()
        .any(|run| run.config().task.kind != bioprop::TaskKind::Digits)
    {
        return Err("draw a digit: the runs are not on the digits task".to_owned());
    }
    if pixels.len() != mnist::PIXELS {
        return Err(format!(
            "draw a digit: {} pixels, expected {} (28×28)",
            pixels.len(),
            mnist::PIXELS
        ));
    }
    if let Some(bad) = pixels.iter().find(|p| !(0.0..=1.0).contains(*p)) {
        return Err(format!("draw a digit: pixel value {bad}, expected 0 to 1"));
    }
    if let Some(label) = label.filter(|&l| usize::from(l) >= mnist::CLASSES) {
        return Err(format!(
            "draw a digit: label {label}, expected a digit 0 to 9"
        ));
    }
    let input = Array1::from(pixels.to_vec());
    let target = label
        .map(|label| Array1::from_shape_fn(mnist::CLASSES, |c| f32::from(c == usize::from(label))));
    Ok(runs
        .iter()
        .map(|run| {
            let probe = run.probe(input.view(), target.as_ref().map(|t| t.view()));
            let output = probe.activations.last().cloned().unwrap_or_default();
            DigitPrediction {
                probabilities: classify::probabilities(run.network().output_layer(), &output),
                activations: probe.activations.into_iter().skip(1).collect(),
                deltas: probe.deltas,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_the_speed_max_rows_and_the_sweep_cost_a_share_of_the_training() {
        // 2,000 images forward, at two per trained image, is 32 steps of 32.
        assert_eq!(row_cost_in_steps(32), 32);
        assert_eq!(row_cost_in_steps(1), 1_000);
        assert_eq!(row_cost_in_steps(0), 1_000, "no batch reads as one");
        // Few steps a frame (digit sizes): the cost decides, 10 × 32 → 512 steps.
        assert_eq!(max_speed_row_interval(20, 32), 512);
        // Many (a small network): a row every four frames, 4 × 300 → 1,024.
        assert_eq!(max_speed_row_interval(300, 32), 1_024);
        assert_eq!(max_speed_row_interval(u64::MAX, 32), 1 << 63);
        // 20 steps of 32 images: 1,280 forwards' worth of training, a twentieth swept.
        assert_eq!(sweep_rows(20, 32), 64);
        assert_eq!(sweep_rows(0, 32), MIN_SWEEP_ROWS);
        assert_eq!(sweep_rows(10_000, 32), SWEEP_ROWS);
        assert_eq!(sweep_rows(u64::MAX, usize::MAX), SWEEP_ROWS);
    }
}
