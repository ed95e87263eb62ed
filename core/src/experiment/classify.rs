//! What a classifier gets right and wrong on the held-out set (docs/science.md §3,
//! "Digits"): the confusion matrix and the misclassified samples, and the class
//! probabilities shown for one input.
//!
//! ```text
//! predicted(x) = argmax_c a_L(x)_c          truth(x) = argmax_c y_c (one-hot)
//! confusion[t, p] = #{held-out x : truth(x) = t, predicted(x) = p}
//! ```
//!
//! # Shapes
//!
//! `confusion` is `classes × classes`, row-major: row = true class, column = predicted,
//! so the diagonal counts the correct answers and `Σ diagonal / evaluated` is the
//! accuracy.
//!
//! On a large held-out set (the digits' 10,000 images cost as much as a few hundred
//! training steps at 784-100-10) a [`ConfusionSweep`] classifies it a slice at a
//! time, so the app spreads one pass over several frames; the network may change
//! between slices, so a swept matrix mixes the weights of those frames. Any
//! [`Classifier`] can be swept: an [`Experiment`]'s network, or the dendritic
//! microcircuit (`microcircuit::Microcircuit`).

use std::ops::Range;

use ndarray::s;

use super::Experiment;
use crate::metrics::argmax;
use crate::network::OutputLayer;
use crate::task::Dataset;

/// A model that answers held-out samples with a class, as [`ConfusionSweep`] asks:
/// an [`Experiment`]'s network, or the dendritic microcircuit.
pub trait Classifier {
    /// The data whose held-out set it answers.
    fn dataset(&self) -> &Dataset;
    /// Appends the predicted class (index of the largest output) of each held-out
    /// sample in `range` (clipped to the held-out set) to `out`.
    fn classify_test(&mut self, range: Range<usize>, out: &mut Vec<u8>);
    /// Held-out samples there are.
    fn test_size(&self) -> usize {
        self.dataset().test_size()
    }
    /// The true class of held-out sample `index` (its one-hot target's 1).
    fn test_class(&self, index: usize) -> u8 {
        argmax(self.dataset().test_targets.row(index)) as u8
    }
}

impl Classifier for Experiment {
    fn dataset(&self) -> &Dataset {
        &self.dataset
    }

    /// Uses the evaluation buffers, so it allocates nothing but `out`'s growth.
    fn classify_test(&mut self, range: Range<usize>, out: &mut Vec<u8>) {
        let n = self.dataset.test_size();
        let range = range.start.min(n)..range.end.min(n);
        let chunk = self.eval.capacity();
        for start in range.clone().step_by(chunk.max(1)) {
            let rows = chunk.min(range.end - start);
            self.eval
                .input_mut(rows)
                .assign(&self.dataset.test_inputs.slice(s![start..start + rows, ..]));
            self.network.forward(&mut self.eval, rows);
            out.extend(
                self.eval
                    .output(rows)
                    .rows()
                    .into_iter()
                    .map(|row| argmax(row) as u8),
            );
        }
    }
}

/// A confusion matrix over the first `evaluated` held-out samples, and the first
/// misclassified ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confusion {
    pub classes: usize,
    /// `classes × classes`, row = true class, column = predicted.
    pub counts: Vec<u32>,
    pub evaluated: usize,
    /// `(index, predicted, truth)` of misclassified samples, in set order, at most the
    /// sweep's `max_wrong`.
    pub wrong: Vec<(usize, u8, u8)>,
}

impl Confusion {
    fn empty(classes: usize) -> Self {
        Confusion {
            classes,
            counts: vec![0; classes * classes],
            evaluated: 0,
            wrong: Vec::new(),
        }
    }

    /// Fraction on the diagonal; `None` before any sample.
    pub fn accuracy(&self) -> Option<f32> {
        let correct: u32 = (0..self.classes)
            .map(|c| self.counts[c * self.classes + c])
            .sum();
        (self.evaluated > 0).then(|| correct as f32 / self.evaluated as f32)
    }
}

/// One pass of a confusion matrix over the first `limit` held-out samples, a slice at
/// a time ([`ConfusionSweep::advance`]), starting over when done.
#[derive(Debug, Clone)]
pub struct ConfusionSweep {
    limit: usize,
    max_wrong: usize,
    next: usize,
    partial: Confusion,
    predicted: Vec<u8>,
}

impl ConfusionSweep {
    /// A sweep over the first `limit` held-out samples of `classes` classes, keeping up
    /// to `max_wrong` misclassified ones.
    pub fn new(classes: usize, limit: usize, max_wrong: usize) -> Self {
        ConfusionSweep {
            limit: limit.max(1),
            max_wrong,
            next: 0,
            partial: Confusion::empty(classes),
            predicted: Vec::new(),
        }
    }

    /// Starts over, from the first sample, on the first `limit` samples.
    pub fn restart(&mut self, limit: usize) {
        self.limit = limit.max(1);
        self.next = 0;
        self.partial = Confusion::empty(self.partial.classes);
    }

    /// Whether a pass is under way: some of its samples classified, the rest not yet.
    pub fn under_way(&self) -> bool {
        self.next > 0
    }

    /// Samples the sweep covers.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Classifies up to `rows` more samples with `run`'s current network; when that
    /// completes the pass, returns its matrix and starts the next pass.
    pub fn advance(&mut self, run: &mut impl Classifier, rows: usize) -> Option<Confusion> {
        let end = self.limit.min(run.test_size());
        let stop = (self.next + rows.max(1)).min(end);
        self.predicted.clear();
        run.classify_test(self.next..stop, &mut self.predicted);
        let classes = self.partial.classes;
        for (offset, &predicted) in self.predicted.iter().enumerate() {
            let index = self.next + offset;
            let truth = run.test_class(index);
            let (t, p) = (usize::from(truth), usize::from(predicted));
            if t < classes && p < classes {
                self.partial.counts[t * classes + p] += 1;
            }
            if predicted != truth && self.partial.wrong.len() < self.max_wrong {
                self.partial.wrong.push((index, predicted, truth));
            }
        }
        self.partial.evaluated += stop - self.next;
        self.next = stop;
        (self.next >= end).then(|| {
            self.next = 0;
            std::mem::replace(&mut self.partial, Confusion::empty(classes))
        })
    }

    /// The whole pass at once (as many slices as it takes).
    pub fn complete(&mut self, run: &mut impl Classifier) -> Confusion {
        self.next = 0;
        self.partial = Confusion::empty(self.partial.classes);
        loop {
            if let Some(done) = self.advance(run, usize::MAX / 2) {
                return done;
            }
        }
    }
}

/// Class probabilities from an output layer's activity `a_L`, summing to 1: softmax's
/// own output; logistic units' outputs (each in (0, 1), independent) divided by
/// their sum; linear units' outputs clipped at 0 and divided by their sum (equal
/// shares if none is positive).
pub fn probabilities(layer: OutputLayer, output: &[f32]) -> Vec<f32> {
    let clipped: Vec<f32> = match layer {
        OutputLayer::Softmax => return output.to_vec(),
        OutputLayer::Logistic | OutputLayer::Linear => output.iter().map(|&a| a.max(0.0)).collect(),
    };
    let sum: f32 = clipped.iter().sum();
    if sum > 0.0 && sum.is_finite() {
        clipped.iter().map(|&a| a / sum).collect()
    } else {
        vec![1.0 / output.len().max(1) as f32; output.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::{Dataset, OutputKind};
    use crate::ExperimentConfig;
    use ndarray::Array2;

    /// 3 classes, 2 inputs; 7 held-out samples.
    fn run() -> Experiment {
        let inputs = Array2::from_shape_fn((7, 2), |(i, j)| ((i * 3 + j * 5) % 7) as f32 - 3.0);
        let targets = Array2::from_shape_fn((7, 3), |(i, c)| f32::from(i % 3 == c));
        let dataset = Dataset {
            output: OutputKind::Classification { classes: 3 },
            train_inputs: inputs.clone(),
            train_targets: targets.clone(),
            test_inputs: inputs,
            test_targets: targets,
        };
        let mut config = ExperimentConfig::for_task(crate::TaskKind::Arrays);
        config.layers = vec![2, 4, 3];
        config.batch = 2;
        Experiment::with_dataset(&config, dataset).unwrap()
    }

    #[test]
    fn the_confusion_matrix_counts_what_predict_says() {
        let mut run = run();
        run.step(3).unwrap();
        // Reference: argmax of `predict` on the held-out inputs, against the labels.
        let output = run.predict(run.dataset().test_inputs.view());
        let mut expected = vec![0_u32; 9];
        let mut wrong = Vec::new();
        for i in 0..7 {
            let p = argmax(output.row(i));
            expected[(i % 3) * 3 + p] += 1;
            if p != i % 3 {
                wrong.push((i, p as u8, (i % 3) as u8));
            }
        }
        let mut sweep = ConfusionSweep::new(3, 100, 2);
        let whole = sweep.complete(&mut run);
        assert_eq!(whole.counts, expected);
        assert_eq!(whole.evaluated, 7);
        assert_eq!(
            whole.wrong,
            wrong.iter().copied().take(2).collect::<Vec<_>>()
        );
        let correct = 7 - wrong.len();
        assert_eq!(whole.accuracy(), Some(correct as f32 / 7.0));
        assert_eq!(run.evaluate(true).accuracy, whole.accuracy());

        // In slices of 3: nothing until the pass ends, then the same matrix.
        assert_eq!(sweep.advance(&mut run, 3), None);
        assert_eq!(sweep.advance(&mut run, 3), None);
        assert_eq!(sweep.advance(&mut run, 3), Some(whole.clone()));
        // A sweep over the first 4 samples counts only those.
        sweep.restart(4);
        let first = sweep.advance(&mut run, 10).unwrap();
        assert_eq!(first.evaluated, 4);
        assert_eq!(first.counts.iter().sum::<u32>(), 4);

        // A logged row limited to the first 4 held-out samples scores what the matrix
        // over those 4 says; the training set's limit is separate.
        run.set_evaluation_sizes(5, 4);
        assert_eq!(run.evaluation_sizes(), (5, 4));
        assert_eq!(run.evaluate(true).accuracy, first.accuracy());
        run.set_evaluation_sizes(usize::MAX, usize::MAX);
        assert_eq!(run.evaluation_sizes(), (7, 7));
        assert_eq!(run.evaluate(true).accuracy, whole.accuracy());
    }

    #[test]
    fn probabilities_sum_to_one_for_every_output_layer() {
        assert_eq!(
            probabilities(OutputLayer::Softmax, &[0.25, 0.75]),
            [0.25, 0.75]
        );
        assert_eq!(
            probabilities(OutputLayer::Logistic, &[0.2, 0.6]),
            [0.25, 0.75]
        );
        assert_eq!(
            probabilities(OutputLayer::Linear, &[-1.0, 0.5, 1.5]),
            [0.0, 0.25, 0.75]
        );
        assert_eq!(
            probabilities(OutputLayer::Linear, &[-1.0, -2.0]),
            [0.5, 0.5]
        );
    }
}
