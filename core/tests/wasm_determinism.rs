//! The wasm half of the determinism check: the same fixed runs as
//! `tests/determinism.rs` must give the same weight hashes as natively.
//!
//! `cargo test -p bioprop --target wasm32-unknown-unknown --test wasm_determinism`
//! (needs `wasm-bindgen-test-runner` and a browser driver).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

mod common;
#[path = "common/fixed_runs.rs"]
mod fixed_runs;

/// `.cargo/config.toml` turns 128-bit SIMD on for every wasm32 build, this test's
/// included, so the hashes below come from the vector kernels of `src/linalg.rs`.
#[wasm_bindgen_test]
// Constant by design: the value is the build's configuration, which is what is tested.
#[allow(clippy::assertions_on_constants)]
fn the_wasm_build_uses_simd128() {
    assert!(cfg!(target_feature = "simd128"));
}

#[wasm_bindgen_test]
fn weights_hash_matches_the_native_value() {
    assert_eq!(fixed_runs::hashes(&common::run_cases()), common::EXPECTED);
}

#[wasm_bindgen_test]
fn digit_sized_weights_hash_matches_the_native_value() {
    assert_eq!(
        fixed_runs::hashes(&common::run_digit_cases()),
        common::EXPECTED_DIGITS
    );
}

#[path = "common/cerebellum.rs"]
mod cerebellum_cases;

#[wasm_bindgen_test]
fn cerebellum_hash_matches_the_native_value() {
    assert_eq!(
        fixed_runs::hashes(&cerebellum_cases::run_cases()),
        cerebellum_cases::EXPECTED
    );
}

#[path = "common/microcircuit.rs"]
mod microcircuit_cases;

#[wasm_bindgen_test]
fn microcircuit_hash_matches_the_native_value() {
    assert_eq!(
        fixed_runs::hashes(&microcircuit_cases::run_cases()),
        microcircuit_cases::EXPECTED
    );
}
