//! The fixed cerebellar runs whose hashes the native (`tests/cerebellum.rs`) and the
//! wasm (`tests/wasm_determinism.rs`) tests both check. Included by `#[path]`.
//!
//! If a deliberate change alters the arithmetic, run
//! `cargo test -p bioprop --test cerebellum -- --nocapture same_config` (it prints
//! the new values) and update `EXPECTED` here.

use bioprop::cerebellum::{BasisKind, SignalKind};
use bioprop::{Cerebellum, CerebellumConfig, CerebellumTask};

/// Each case: a name, its config and how many steps to run. Between them they cover
/// both tasks, every basis kind, both signals and both delay lines.
pub fn cases() -> Vec<(&'static str, CerebellumConfig, u64)> {
    let mut noisy_vor = CerebellumConfig::for_task(CerebellumTask::Vor);
    noisy_vor.signal.kind = SignalKind::Noise;
    noisy_vor.seed = 7;
    noisy_vor.filter.error_delay = 0.1;
    noisy_vor.filter.eligibility_delay = 0.1;
    let mut alpha_vor = CerebellumConfig::for_task(CerebellumTask::Vor);
    alpha_vor.filter.basis = BasisKind::Alpha;
    alpha_vor.signal.freq_hz = 3.0;
    alpha_vor.vor.spectacles = 0.5;
    alpha_vor.filter.error_delay = 0.05;
    let mut delay_forward = CerebellumConfig::for_task(CerebellumTask::ForwardModel);
    delay_forward.filter.basis = BasisKind::Delay;
    delay_forward.filter.beta = 5.0;
    delay_forward.seed = 3;
    vec![
        ("noisy vor, matched delays", noisy_vor, 20_000),
        ("alpha vor at 3 Hz", alpha_vor, 10_000),
        (
            "forward model",
            CerebellumConfig::for_task(CerebellumTask::ForwardModel),
            20_000,
        ),
        ("delay-line forward model", delay_forward, 10_000),
    ]
}

/// `weights_hash` after each case.
pub const EXPECTED: [u64; 4] = [
    0x564211e70b4a91ca,
    0x8aea6c425393a19c,
    0x149631044815ac8a,
    0x7d933981b51e7878,
];

/// Runs every case and returns its name and hash.
pub fn run_cases() -> Vec<(&'static str, u64)> {
    crate::fixed_runs::hash_cases(cases(), |config, steps| {
        let mut cerebellum = Cerebellum::new(config).expect("a valid case");
        cerebellum.step(steps).expect("no divergence");
        cerebellum.weights_hash()
    })
}
