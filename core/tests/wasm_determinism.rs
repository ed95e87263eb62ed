//! The wasm half of the determinism check: the same fixed runs as
//! `tests/determinism.rs` must give the same weight hashes as natively.
//!
//! `cargo test -p bioprop --target wasm32-unknown-unknown --test wasm_determinism`
//! (needs `wasm-bindgen-test-runner` and a browser driver).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

mod common;

#[wasm_bindgen_test]
fn weights_hash_matches_the_native_value() {
    let hashes: Vec<u64> = common::run_cases().iter().map(|&(_, hash)| hash).collect();
    assert_eq!(hashes, common::EXPECTED);
}

#[path = "common/cerebellum.rs"]
mod cerebellum_cases;

#[wasm_bindgen_test]
fn cerebellum_hash_matches_the_native_value() {
    let hashes: Vec<u64> = cerebellum_cases::run_cases()
        .iter()
        .map(|&(_, hash)| hash)
        .collect();
    assert_eq!(hashes, cerebellum_cases::EXPECTED);
}

#[path = "common/microcircuit.rs"]
mod microcircuit_cases;

#[wasm_bindgen_test]
fn microcircuit_hash_matches_the_native_value() {
    let hashes: Vec<u64> = microcircuit_cases::run_cases()
        .iter()
        .map(|&(_, hash)| hash)
        .collect();
    assert_eq!(hashes, microcircuit_cases::EXPECTED);
}
