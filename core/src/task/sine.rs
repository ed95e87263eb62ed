//! 1-D regression: `y = sin(π x) + σ z`, `x ~ U[-1, 1]`, `z ~ N(0, 1)`,
//! `σ` = [`TaskConfig::noise`](super::TaskConfig::noise).
//!
//! One full period over the input range: a tanh hidden layer needs a few units to bend
//! the fit twice. The sine is evaluated in `f64` and rounded once (see
//! [`crate::task`], "Reproducibility").

use std::f64::consts::PI;

use ndarray::Array2;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{standard_normal, Dataset, OutputKind};

/// The clean target for input `x`.
pub fn target(x: f32) -> f32 {
    (PI * f64::from(x)).sin() as f32
}

/// The training set, then the test set; per sample: `x`, then `z`.
pub(super) fn generate(noise: f32, sizes: (usize, usize), rng: &mut ChaCha8Rng) -> Dataset {
    Dataset::drawn(OutputKind::Regression, sizes, rng, |n, rng| {
        sample(noise, n, rng)
    })
}

fn sample(noise: f32, n: usize, rng: &mut ChaCha8Rng) -> (Array2<f32>, Array2<f32>) {
    let mut inputs = Array2::zeros((n, 1));
    let mut targets = Array2::zeros((n, 1));
    for (x, y) in inputs.iter_mut().zip(targets.iter_mut()) {
        *x = rng.random_range(-1.0..=1.0);
        *y = target(*x) + noise * standard_normal(rng);
    }
    (inputs, targets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn data(noise: f32, n: usize) -> Dataset {
        generate(noise, (n, 10), &mut ChaCha8Rng::seed_from_u64(21))
    }

    #[test]
    fn clean_targets_are_the_sine_of_pi_x() {
        let data = data(0.0, 500);
        for (&x, &y) in data.train_inputs.iter().zip(&data.train_targets) {
            assert!((-1.0..=1.0).contains(&x));
            assert!((f64::from(y) - (PI * f64::from(x)).sin()).abs() < 1e-6);
        }
        // Hand values: sin(π/2) = 1, sin(-π/6) = -½, sin(π) = 0 up to rounding.
        assert_eq!(target(0.5), 1.0);
        assert!((target(-1.0 / 6.0) + 0.5).abs() < 1e-6);
        assert!(target(1.0).abs() < 1e-6);
        // The inputs cover both halves of the period.
        assert!(data.train_inputs.iter().any(|&x| x < -0.9));
        assert!(data.train_inputs.iter().any(|&x| x > 0.9));
    }

    #[test]
    fn target_noise_has_the_requested_standard_deviation() {
        // 4000 residuals of N(0, 0.1²): the sample std is within ~0.0011 (1σ) of 0.1.
        let data = data(0.1, 4000);
        let n = data.train_inputs.len() as f64;
        let residuals: Vec<f64> = data
            .train_inputs
            .iter()
            .zip(&data.train_targets)
            .map(|(&x, &y)| f64::from(y - target(x)))
            .collect();
        let mean = residuals.iter().sum::<f64>() / n;
        let std = (residuals.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / n).sqrt();
        assert!(mean.abs() < 0.006, "{mean}");
        assert!((std - 0.1).abs() < 0.005, "{std}");
    }
}
