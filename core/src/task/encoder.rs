//! The autoencoder: the network's target is its own input, so no teacher outside the
//! network says what the output should be (docs/science.md §3, point 6 of the
//! lecture's list of implausibilities, §1.6).
//!
//! ```text
//! x = e_p + σ z      p = n mod PATTERNS, e_p the p-th one-hot vector, z ~ N(0, I)
//! y = e_p            the clean input: the target is the pattern the input shows
//! ```
//!
//! The default is the classic 8-3-8 encoder (Ackley, Hinton & Sejnowski 1985;
//! Rumelhart, Hinton & Williams 1986): eight one-hot patterns squeezed through three
//! hidden units and reconstructed, which forces the hidden layer to find a compact
//! code (three units, eight patterns: about a binary code). It is scored as a
//! classification over the eight patterns: a reconstruction is right when its largest
//! output is the input's one. With the default noise of 0 the targets equal the
//! inputs exactly; a noise above 0 jitters the inputs only, which makes it a
//! denoising autoencoder (the target stays the clean pattern).
//!
//! Shapes: inputs and targets `(n, PATTERNS)`; sample `n` shows pattern `n mod
//! PATTERNS`, so every prefix of a set holds every pattern to within one sample.

use ndarray::Array2;
use rand_chacha::ChaCha8Rng;

use super::{standard_normal, Dataset, OutputKind};

/// How many one-hot patterns the encoder reconstructs: its input and output width.
pub const PATTERNS: usize = 8;
/// The bottleneck of the classic encoder: `log₂ PATTERNS` hidden units.
pub const CODE_UNITS: usize = 3;

/// The training set, then the test set; per sample, the `PATTERNS` input noise draws.
pub(super) fn generate(noise: f32, sizes: (usize, usize), rng: &mut ChaCha8Rng) -> Dataset {
    let output = OutputKind::Classification { classes: PATTERNS };
    Dataset::drawn(output, sizes, rng, |n, rng| sample(noise, n, rng))
}

fn sample(noise: f32, n: usize, rng: &mut ChaCha8Rng) -> (Array2<f32>, Array2<f32>) {
    let targets = Array2::from_shape_fn((n, PATTERNS), |(row, col)| {
        f32::from(u8::from(row % PATTERNS == col))
    });
    let mut inputs = targets.clone();
    // Drawn at every noise level, so two levels jitter the same clean patterns.
    for x in inputs.iter_mut() {
        *x += noise * standard_normal(rng);
    }
    (inputs, targets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn without_noise_the_targets_are_the_inputs() {
        let data = generate(0.0, (20, 8), &mut ChaCha8Rng::seed_from_u64(3));
        assert_eq!(data.train_inputs, data.train_targets);
        assert_eq!(data.test_inputs, data.test_targets);
        assert_eq!(data.output, OutputKind::Classification { classes: 8 });
        // Sample n is the one-hot pattern n mod 8: the test set is the whole code book.
        for (n, row) in data.test_targets.rows().into_iter().enumerate() {
            let hot: Vec<usize> = (0..PATTERNS).filter(|&c| row[c] == 1.0).collect();
            assert_eq!(hot, vec![n], "row {n}: {row}");
            assert_eq!(row.sum(), 1.0);
        }
        assert_eq!(data.train_inputs.row(9), data.train_inputs.row(1));
    }

    /// The reference: backprop learns the 8-3-8 encoder, every pattern reconstructed
    /// (Rumelhart, Hinton & Williams 1986 report the same of their 8-3-8 network); the
    /// task's defaults reach it within 75 steps (docs/science.md §3), checked here
    /// after 500.
    #[test]
    fn backprop_learns_the_8_3_8_encoder() {
        use crate::experiment::{Experiment, ExperimentConfig};
        use crate::{RuleKind, TaskKind};
        for seed in 1..=3 {
            let config = ExperimentConfig {
                rule: RuleKind::Backprop,
                seed,
                ..ExperimentConfig::for_task(TaskKind::Autoencoder)
            };
            assert_eq!(config.layers, vec![PATTERNS, CODE_UNITS, PATTERNS]);
            let mut run = Experiment::new(&config).expect("valid defaults");
            let before = run.evaluate(true).accuracy.expect("scored as classes");
            run.step(500).expect("no divergence");
            let after = run.evaluate(true).accuracy.unwrap();
            assert!(before < 0.5, "seed {seed}: {before} before training");
            assert_eq!(after, 1.0, "seed {seed}: test accuracy {after}");
        }
    }

    #[test]
    fn noise_jitters_the_inputs_and_leaves_the_targets_clean() {
        let data = generate(0.1, (400, 8), &mut ChaCha8Rng::seed_from_u64(3));
        let clean = generate(0.0, (400, 8), &mut ChaCha8Rng::seed_from_u64(3));
        assert_eq!(data.train_targets, clean.train_targets);
        let offsets: Vec<f32> = (&data.train_inputs - &clean.train_inputs)
            .iter()
            .copied()
            .collect();
        // 3200 draws of N(0, 0.1²): the sample std is within ~0.0013 (1σ) of 0.1.
        let n = offsets.len() as f32;
        let std = (offsets.iter().map(|d| d * d).sum::<f32>() / n).sqrt();
        assert!((std - 0.1).abs() < 0.006, "{std}");
    }
}
