//! The side-by-side benchmark's wasm entry (`make bench-compare`): a bare module, no
//! imports and no bindings, that `bench/page.js` drives in Chromium.
//!
//! `bench_alloc(len)` returns a buffer for a configuration string (`LAYERS:BATCH:RULE`,
//! see `bench_compare/mod.rs`), `bench_setup(ptr, len)` builds that experiment (1 if it
//! could, 0 if not) and `bench_steps(n)` trains it `n` steps (1 unless it diverged).

mod bench_compare;

use std::cell::RefCell;

thread_local! {
    static EXPERIMENT: RefCell<Option<bioprop::Experiment>> = const { RefCell::new(None) };
    static SPEC: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

#[no_mangle]
pub extern "C" fn bench_alloc(len: usize) -> *mut u8 {
    SPEC.with_borrow_mut(|spec| {
        spec.clear();
        spec.resize(len, 0);
        spec.as_mut_ptr()
    })
}

#[no_mangle]
pub extern "C" fn bench_setup() -> u32 {
    let spec = SPEC.with_borrow(|spec| String::from_utf8(spec.clone()));
    let experiment = spec.ok().and_then(|s| bench_compare::experiment(&s).ok());
    let built = experiment.is_some();
    EXPERIMENT.with_borrow_mut(|e| *e = experiment);
    u32::from(built)
}

#[no_mangle]
pub extern "C" fn bench_steps(n: u32) -> u32 {
    EXPERIMENT.with_borrow_mut(|e| {
        e.as_mut()
            .is_some_and(|e| e.step(u64::from(n)).is_ok())
            .into()
    })
}

// An example needs a `main`; the cdylib build never calls it.
#[allow(dead_code)]
fn main() {}
