//! The check every determinism test makes of its fixed runs (networks, microcircuit,
//! cerebellum; natively and in wasm): same config and seed, same bits, and the bits
//! recorded beside the cases.

// Each test file uses the part it needs.
#![allow(dead_code)]

/// The hashes of `runs`, in order.
pub fn hashes(runs: &[(&'static str, u64)]) -> Vec<u64> {
    runs.iter().map(|&(_, hash)| hash).collect()
}

/// Each case's name and the hash `run(config, steps)` ends with.
pub fn hash_cases<C>(
    cases: Vec<(&'static str, C, u64)>,
    run: impl Fn(&C, u64) -> u64,
) -> Vec<(&'static str, u64)> {
    cases
        .into_iter()
        .map(|(name, config, steps)| (name, run(&config, steps)))
        .collect()
}

/// Runs the cases twice: the two runs must agree, and their hashes must be
/// `expected`, the values recorded in `recorded_in` (which the wasm test checks too).
/// Prints every hash, so that a deliberate change can copy the new values
/// (`-- --nocapture`).
pub fn assert_repeatable(
    run_cases: fn() -> Vec<(&'static str, u64)>,
    expected: &[u64],
    recorded_in: &str,
) {
    let first = run_cases();
    let second = run_cases();
    assert_eq!(first, second);
    for (name, hash) in &first {
        println!("{name}: {hash:#018x}");
    }
    assert_eq!(
        hashes(&first),
        expected,
        "a fixed run changed; if that is deliberate, update {recorded_in} (the wasm test \
         checks the same numbers)"
    );
}
