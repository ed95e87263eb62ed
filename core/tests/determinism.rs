//! Same config and seed, same bits: twice in one process, and against the constants
//! the wasm build checks too (`tests/wasm_determinism.rs`).

mod common;
#[path = "common/fixed_runs.rs"]
mod fixed_runs;

#[test]
fn same_seed_gives_the_same_weights_hash() {
    fixed_runs::assert_repeatable(common::run_cases, &common::EXPECTED, "tests/common/mod.rs");
}

#[test]
fn digit_sized_runs_give_the_recorded_weights_hash() {
    fixed_runs::assert_repeatable(
        common::run_digit_cases,
        &common::EXPECTED_DIGITS,
        "tests/common/mod.rs (EXPECTED_DIGITS)",
    );
}

#[test]
fn a_different_seed_gives_different_weights() {
    let (_, config, _) = common::cases().remove(0);
    let mut a = bioprop::Experiment::new(&config).unwrap();
    let mut b = bioprop::Experiment::new(&bioprop::ExperimentConfig {
        seed: config.seed + 1,
        ..config
    })
    .unwrap();
    assert_ne!(a.weights_hash(), b.weights_hash());
    a.step(5).unwrap();
    b.step(5).unwrap();
    assert_ne!(a.weights_hash(), b.weights_hash());
}

#[test]
fn a_clone_continues_exactly_as_the_original() {
    let (_, config, _) = common::cases().remove(1);
    let mut original = bioprop::Experiment::new(&config).unwrap();
    original.step(30).unwrap();
    let mut clone = original.clone();
    original.step(70).unwrap();
    clone.step(70).unwrap();
    assert_eq!(original.weights_hash(), clone.weights_hash());
    assert_eq!(original.history(), clone.history());
}
