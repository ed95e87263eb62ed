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
