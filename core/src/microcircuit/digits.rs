//! The paper's digits experiment (Sacramento et al. 2018, MNIST; docs/science.md §4.6):
//! a 784-500-500-10 circuit of logistic rates, run by the steady-state model in
//! minibatches of 10 from the self-predicting state, with rate targets 0.8 for the
//! right class and 0.1 for the others, trained on the first 55,000 training images
//! (the last 5,000 are the paper's validation set) and tested on the 10,000 test
//! images.
//!
//! ```text
//! y_c = 0.1 + 0.7 · [c = label]          targets, nudging the output potentials
//! W^PP_{k,k-1} ~ U[-0.2, 0.2]            forward weights (top-down: Xavier, as FA's B)
//! η_PP = η_IP = 3e-4 /ms (every layer),  η_PI = 0
//! ```
//!
//! # Why the defaults stay at chance, and these rates
//!
//! The rates and the initial weights are bioprop's, not the paper's (its values are
//! not in docs/science.md); docs/science.md §4.6 gives the measurements. In short:
//!
//! - **logistic rates carry a large common mode.** They average ½, so a layer of 500
//!   sends `‖r‖² ≈ 125` along the mean rate, and a delta rule on it (the output's and
//!   the interneurons') changes its own prediction by `η T λ s ‖r‖²` per update
//!   (`λ = g_som/(g_lk+g_B+g_som)` or `/(g_lk+g_D+g_som)`, `s` the dendritic share),
//!   which must stay below 2: `η T ≲ 0.04`. Minibatches average the change, so they
//!   do not raise that limit, and each pattern teaches a tenth of what it would alone.
//!   The nonlinear teacher's rates scaled as [`super::Config::for_task`] scales them
//!   for the digits (`η T` 0.125 at the output, 1.0 in the hidden layers) break the
//!   limit; the interneurons, locked to the output at 2.375 times its rate, break it
//!   first (their weights diverge within a few thousand patterns at `η_out` 2e-4);
//! - **Xavier weights leave the input-dependent part of the rates tiny**: the basal
//!   share `g_B/(g_lk+g_B+g_A)` ≈ 0.53 and the logistic slope ¼ shrink it about eight
//!   times per layer, so the output sees features that hardly vary with the digit
//!   and learns only the class frequencies (test error 90 % after two epochs of
//!   5,000 images). Forward weights of U[-0.2, 0.2] keep the rates varying.
//!
//! So every rate is `3e-4` per ms (`η T` = 0.03, inside both limits; the interneurons
//! then follow the output at the same rate rather than locked to it, and their own
//! rule keeps the self-prediction, with `‖v_A‖²` small), and the apical rule is off, as
//! the self-predicting start allows.

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
/// Every forward and pyramidal→interneuron rate, per ms (see the module docs).
pub const LR: f32 = 3.0e-4;
/// The forward weights' initial scale, `U[-0.2, 0.2]`.
pub const WEIGHT_SCALE: f32 = 0.2;

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
        lr_output: LR,
        lr_forward: LR,
        lr_interneuron: LR,
        lr_apical: 0.0,
        lr_top_down: 0.0,
        weight_init: InitSpec::Uniform {
            scale: WEIGHT_SCALE,
        },
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

/// The digits a saved run (`"data": "digits"`) learnt from, out of the sets `train`
/// and `test` (the MNIST files): the first `train_size` and `test_size` of each, held
/// to the run's `data_hash` when it has one.
///
/// # Errors
///
/// Fewer digits than the run needs (naming the size), or digits whose hash is not the
/// run's.
pub fn replay_dataset(
    saved: &super::export::SavedRun,
    train: &Digits,
    test: &Digits,
) -> Result<Dataset, String> {
    let task = &saved.config.task;
    let dataset = dataset(train, test, task.train_size, task.test_size)
        .map_err(|error| format!("config.task.{error}"))?;
    if let Some(expected) = &saved.data_hash {
        let hash = mnist::digits_hash(&train.prefix(task.train_size), &test.prefix(task.test_size));
        let found = format!("{hash:016x}");
        if &found != expected {
            return Err(format!(
                "data_hash: {expected} in the file, but the digits given hash to {found}: \
                 they are not the digits the run learnt from"
            ));
        }
    }
    Ok(dataset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preset_is_valid_and_inside_the_delta_rules_stability_limit() {
        let config = paper_config();
        config.validate().unwrap();
        assert_eq!(config.layers, [784, 500, 500, 10]);
        assert_eq!((config.mode, config.batch), (Mode::SteadyState, 10));
        // A delta rule on 500 rates of mean ½ (‖r‖² ≈ 125) moves its own prediction by
        // η T λ s ‖r‖² per update; the output and the interneurons must stay below 2.
        let norm = 500.0 * 0.25;
        let t = config.pattern_ms;
        let output = config.lr_output * t * config.g_som
            / (config.g_lk + config.g_b + config.g_som)
            * config.g_b
            / (config.g_lk + config.g_b)
            * norm;
        let interneuron = config.lr_interneuron * t * config.g_som
            / (config.g_lk + config.g_d + config.g_som)
            * config.g_d
            / (config.g_lk + config.g_d)
            * norm;
        assert!(output < 2.0 && interneuron < 2.0, "{output} {interneuron}");
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
