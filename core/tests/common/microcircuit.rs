//! The fixed microcircuit runs whose hashes the native (`tests/microcircuit.rs`) and
//! the wasm (`tests/wasm_determinism.rs`) tests both check. Included by `#[path]`.
//!
//! If a deliberate change alters the arithmetic or the draw order, run
//! `cargo test -p bioprop --test microcircuit -- --nocapture same_seed` (it prints the
//! new values) and update `EXPECTED` here.

use bioprop::microcircuit::{Mode, RateFunction, Start};
use bioprop::{Microcircuit, MicrocircuitConfig, TaskConfig, TaskKind};

/// Each case: a name, its config and how many patterns to present. Between them they
/// cover both models, noise, both starts, two hidden layers, the paper's rate function,
/// the learned top-down weights and minibatches.
pub fn cases() -> Vec<(&'static str, MicrocircuitConfig, u64)> {
    let small_teacher = TaskConfig {
        train_size: 32,
        test_size: 8,
        ..TaskConfig::recommended(TaskKind::NonlinearTeacher)
    };
    let full_teacher = MicrocircuitConfig {
        task: small_teacher,
        layers: vec![30, 8, 10],
        pattern_ms: 10.0,
        seed: 3,
        ..MicrocircuitConfig::default()
    };
    let steady_teacher = MicrocircuitConfig {
        task: small_teacher,
        mode: Mode::SteadyState,
        start: Start::Random,
        pretrain_patterns: 20,
        lr_top_down: 0.0005,
        seed: 5,
        ..MicrocircuitConfig::default()
    };
    let full_xor = MicrocircuitConfig {
        task: TaskConfig {
            train_size: 16,
            test_size: 8,
            ..TaskConfig::recommended(TaskKind::Xor)
        },
        rate: RateFunction::SACRAMENTO,
        pattern_ms: 10.0,
        seed: 7,
        ..MicrocircuitConfig::for_task(TaskKind::Xor)
    };
    let minibatch_teacher = MicrocircuitConfig {
        batch: 10,
        seed: 9,
        ..steady_teacher.clone()
    };
    vec![
        ("full, nonlinear teacher, noise", full_teacher, 6),
        (
            "steady state, random start, pre-training, learned top-down",
            steady_teacher,
            200,
        ),
        ("full, xor, two hidden layers, paper's rate", full_xor, 6),
        (
            "steady state in minibatches of 10, random start, pre-training, learned top-down",
            minibatch_teacher,
            200,
        ),
    ]
}

/// `state_hash()` after each case, recorded natively (x86_64).
pub const EXPECTED: [u64; 4] = [
    0xa52babaf910a7173,
    0xfe0b27bc9a5a29b5,
    0x07b408a8aedb36cc,
    0x131f29f4f3b98c8c,
];

/// Runs every case and returns its name and final `state_hash()`.
pub fn run_cases() -> Vec<(&'static str, u64)> {
    crate::fixed_runs::hash_cases(cases(), |config, patterns| {
        let mut circuit = Microcircuit::new(config).expect("valid config");
        circuit.step(patterns).expect("no divergence");
        circuit.state_hash()
    })
}
