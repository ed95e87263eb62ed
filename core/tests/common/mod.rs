//! The fixed runs whose weight hashes the native and the wasm tests both check.
//!
//! If a deliberate change alters the arithmetic or the draw order (and so these
//! numbers), run `cargo test -p bioprop --test determinism -- --nocapture`, which prints
//! the new values, and update `EXPECTED` here: the wasm test reads the same constants.

use bioprop::{Activation, Experiment, ExperimentConfig, RuleKind, TaskKind};

/// Each case: a name, its config and how many steps to run.
pub fn cases() -> Vec<(&'static str, ExperimentConfig, u64)> {
    let fa_spirals = ExperimentConfig {
        rule: RuleKind::FeedbackAlignment,
        seed: 7,
        batch: 8,
        log_every: 50,
        ..ExperimentConfig::for_task(TaskKind::Spirals)
    };
    let kp_teacher = ExperimentConfig {
        rule: RuleKind::KolenPollack,
        seed: 11,
        momentum: 0.5,
        log_every: 50,
        ..ExperimentConfig::for_task(TaskKind::LinearTeacher)
    };
    let frsf_sine = ExperimentConfig {
        rule: RuleKind::SignSymmetryRandomMagnitude,
        activation: Activation::Softplus,
        seed: 3,
        log_every: 50,
        ..ExperimentConfig::for_task(TaskKind::Sine)
    };
    let dfa_teacher = ExperimentConfig {
        rule: RuleKind::DirectFeedbackAlignment,
        activation: Activation::Sigmoid,
        layers: vec![30, 16, 12, 10],
        seed: 5,
        log_every: 50,
        ..ExperimentConfig::for_task(TaskKind::NonlinearTeacher)
    };
    vec![
        ("fa-spirals", fa_spirals, 200),
        ("kp-linear-teacher", kp_teacher, 200),
        ("frsf-sine", frsf_sine, 200),
        ("dfa-nonlinear-teacher", dfa_teacher, 200),
    ]
}

/// `weights_hash()` after each case's steps, recorded natively (x86_64).
pub const EXPECTED: [u64; 4] = [
    0xed8f3fd1e5ee6840,
    0x40a62a42a115189f,
    0x0d42e7734948abd2,
    0x4a0afb9b2940e976,
];

/// Runs every case and returns its name and final `weights_hash()`.
pub fn run_cases() -> Vec<(&'static str, u64)> {
    crate::fixed_runs::hash_cases(cases(), |config, steps| {
        let mut experiment = Experiment::new(config).expect("valid config");
        experiment.step(steps).expect("no divergence");
        experiment.weights_hash()
    })
}

/// Digit-sized runs: 784-256-10 with a minibatch of 32, the size of a handwritten-digit
/// network, where the kernels take their tiled, vectorised paths (`src/linalg.rs`).
/// Backprop with tanh, and feedback alignment with ReLU, whose zero derivatives make
/// whole tiles of zero factors for the kernels to skip.
pub fn digit_cases() -> Vec<(&'static str, ExperimentConfig, u64)> {
    let base = ExperimentConfig {
        task: bioprop::TaskConfig::recommended(TaskKind::Arrays),
        layers: vec![784, 256, 10],
        batch: 32,
        lr: 0.05,
        log_every: u64::MAX,
        ..ExperimentConfig::default()
    };
    vec![
        (
            "bp-tanh-784-256-10",
            ExperimentConfig {
                rule: RuleKind::Backprop,
                activation: Activation::Tanh,
                seed: 1,
                ..base.clone()
            },
            6,
        ),
        (
            "fa-relu-784-256-10",
            ExperimentConfig {
                rule: RuleKind::FeedbackAlignment,
                activation: Activation::Relu,
                seed: 2,
                ..base
            },
            6,
        ),
    ]
}

/// Digit-like data: 100 training and 10 test images of 784 pixels, about three in
/// four exactly 0 (blank background) and the rest in (0, 1), with one of 10 classes.
pub fn digit_dataset() -> bioprop::Dataset {
    use ndarray::Array2;
    use rand::{Rng, SeedableRng};

    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(784);
    let mut images = |rows: usize| {
        Array2::from_shape_simple_fn((rows, 784), || {
            let ink: f32 = rng.random();
            if ink < 0.75 {
                0.0
            } else {
                (ink - 0.75) * 4.0
            }
        })
    };
    let (train, test) = (images(100), images(10));
    let labels = |rows: usize| Array2::from_shape_fn((rows, 10), |(i, j)| f32::from(i % 10 == j));
    bioprop::Dataset::from_arrays(
        bioprop::OutputKind::Classification { classes: 10 },
        train,
        labels(100),
        test,
        labels(10),
    )
    .expect("valid data")
}

/// `weights_hash()` after each digit case's steps, recorded natively (x86_64).
pub const EXPECTED_DIGITS: [u64; 2] = [0x2617606749d04da8, 0x4b72b8433fe14a95];

/// Runs every digit case and returns its name and final `weights_hash()`.
pub fn run_digit_cases() -> Vec<(&'static str, u64)> {
    crate::fixed_runs::hash_cases(digit_cases(), |config, steps| {
        let mut experiment =
            Experiment::with_dataset(config, digit_dataset()).expect("valid config");
        experiment.step(steps).expect("no divergence");
        experiment.weights_hash()
    })
}
