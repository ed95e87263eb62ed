//! The paper's digits experiment (Sacramento et al. 2018, MNIST; docs/science.md §4.6):
//! a 784-500-500-10 circuit of logistic rates, run by the steady-state model in
//! minibatches of 10 from the self-predicting state, with rate targets 0.8 for the
//! right class and 0.1 for the others, trained on the first 55,000 training images
//! (the last 5,000 are the paper's validation set) and tested on the 10,000 test
//! images.
//!
//! ```text
//! y_c = 0.1 + 0.7 · [c = label]          targets, nudging the output potentials
//! η_PP,output = a,   η_PP,hidden = a · 2.375/1.375,   η_IP = 2.375 a,   η_PI = 0
//! ```
//!
//! # The rates
//!
//! The rates are bioprop's, not the paper's (its values are not in docs/science.md),
//! chosen from two constraints worked out in docs/science.md §4.6:
//!
//! - **the output's delta rule is stable**: logistic rates average ½, so the output's
//!   input has `‖r_2‖² ≈ 125` along its mean, and the change `η T λ s_L ‖r_2‖²` of a
//!   pattern's own prediction (`λ = g_som/(g_lk+g_B+g_som)`, `s_L = g_B/(g_lk+g_B)`)
//!   must stay well below 2: `η T` far below 0.04. The nonlinear teacher's rates
//!   scaled as [`super::Config::for_task`] scales them for the digits (×5, `η T` =
//!   0.125 at the output and 1.0 in the hidden layers) break it, and the circuit
//!   stays at chance;
//! - **one interneuron rate keeps both layers' interneurons locked** to the closed
//!   form of the self-predicting state: interneurons whose partners are the output
//!   follow at `η_IP = η_out · (g_lk+g_D+g_som)/g_som` (2.375), those whose partners
//!   are hidden cells at `η_IP = η_hidden · (g_lk+g_D+g_som)/g_som · c` with
//!   `c = g_B/(g_lk+g_B+g_A) · (g_lk+g_D)/g_D` (1.375 η_hidden), so
//!   `η_hidden = η_out · 2.375/1.375`. With the interneurons locked, the apical rule
//!   has nothing to correct and is off (`η_PI = 0`), as the self-predicting start
//!   allows.

use super::config::{Config, Mode, RateFunction, Start};
use crate::task::mnist::{self, Digits, MnistError};
use crate::task::{Dataset, InitSpec, TaskConfig, TaskKind};
use crate::Activation;

/// The preset's name on the command line.
pub const PRESET: &str = "sacramento-2018-mnist";
/// Training images: the first 55,000 of the 60,000.
pub const TRAIN: usize = 55_000;
/// The paper's validation images, the last 5,000 of the training file (not used:
/// every run trains for a fixed number of epochs).
pub const VALIDATION: usize = 5_000;
/// The output's target for the wrong classes and the right one.
pub const TARGET_OFF: f32 = 0.1;
pub const TARGET_ON: f32 = 0.8;
/// Patterns per minibatch.
pub const BATCH: usize = 10;
/// The output's forward rate `a` per ms (see the module docs).
pub const LR_OUTPUT: f32 = 1.0e-4;

/// The paper's digits circuit, with the data sizes of the paper's split.
pub fn paper_config() -> Config {
    let logistic = RateFunction::plain(Activation::Sigmoid);
    Config {
        task: TaskConfig {
            train_size: TRAIN,
            test_size: mnist::TEST_COUNT,
            noise: 0.0,
            ..TaskConfig::recommended(TaskKind::Digits)
        },
        layers: vec![mnist::PIXELS, 500, 500, mnist::CLASSES],
        rate: logistic,
        output_rate: RateFunction::plain(Activation::Linear),
        mode: Mode::SteadyState,
        start: Start::SelfPredicting,
        batch: BATCH,
        lr_output: LR_OUTPUT,
        lr_forward: LR_OUTPUT * 2.375 / 1.375,
        lr_interneuron: LR_OUTPUT * 2.375,
        lr_apical: 0.0,
        lr_top_down: 0.0,
        weight_init: InitSpec::Xavier,
        top_down_init: InitSpec::Xavier,
        interneuron_init: InitSpec::Xavier,
        log_every: TRAIN as u64,
        ..Config::for_task(TaskKind::Digits)
    }
}

/// Turns one-hot targets into the paper's rate targets, `0.1 + 0.7 y`.
pub fn rate_targets(dataset: &mut Dataset) {
    for targets in [&mut dataset.train_targets, &mut dataset.test_targets] {
        targets.mapv_inplace(|y| TARGET_OFF + (TARGET_ON - TARGET_OFF) * y);
    }
}

/// The first `train_size` training and `test_size` test digits with rate targets.
pub fn dataset(
    train: &Digits,
    test: &Digits,
    train_size: usize,
    test_size: usize,
) -> Result<Dataset, MnistError> {
    let mut dataset = mnist::dataset(train, test, train_size, test_size)?;
    rate_targets(&mut dataset);
    Ok(dataset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preset_is_valid_and_locks_both_layers_interneurons() {
        let config = paper_config();
        config.validate().unwrap();
        assert_eq!(config.layers, [784, 500, 500, 10]);
        // ΔW^IP = η_IP λ_I post must equal c ΔW for the partner layer's ΔW = η post.
        let lambda = config.g_som / (config.g_lk + config.g_d + config.g_som);
        let hidden_gain = config.g_b / (config.g_lk + config.g_b + config.g_a)
            * (config.g_lk + config.g_d)
            / config.g_d;
        let output_gain = config.g_b / (config.g_lk + config.g_b) * (config.g_lk + config.g_d)
            / config.g_d;
        let close = |a: f32, b: f32| (a - b).abs() <= 1e-6 * b;
        assert!(close(config.lr_interneuron * lambda, hidden_gain * config.lr_forward));
        assert!(close(config.lr_interneuron * lambda, output_gain * config.lr_output));
    }

    #[test]
    fn rate_targets_are_a_tenth_and_eight_tenths() {
        let mut dataset = Dataset::from_arrays(
            crate::OutputKind::Classification { classes: 3 },
            ndarray::array![[0.0], [1.0]],
            ndarray::array![[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]],
            ndarray::array![[0.5]],
            ndarray::array![[0.0, 0.0, 1.0]],
        )
        .unwrap();
        rate_targets(&mut dataset);
        assert_eq!(
            dataset.train_targets,
            ndarray::array![[0.1, 0.8, 0.1], [0.8, 0.1, 0.1]]
        );
        assert_eq!(dataset.test_targets, ndarray::array![[0.1, 0.1, 0.8]]);
    }
}
