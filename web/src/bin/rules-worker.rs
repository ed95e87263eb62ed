//! The rules page's worker (built as `rules-worker.js` + `rules-worker_bg.wasm`):
//! [`bioprop_web::pages::worker::RulesWorker`] and nothing of the other pages.

use wasm_bindgen::prelude::*;
use yew_agent::Registrable;

fn main() {
    bioprop_web::shell::panic::install_in_worker();
    bioprop_web::pages::worker::RulesWorker::registrar().register();
}

/// The core's own training speed in this wasm, steps per second per run, for the
/// browser benchmark (`tests/e2e/bench.mjs`), which loads this bundle in a worker of
/// its own and calls it; see [`bioprop_web::pages::rules::worker::core_steps_per_second`].
#[wasm_bindgen]
pub fn core_steps_per_second(task: &str, rules: &str, steps: u32) -> Result<f64, JsError> {
    bioprop_web::pages::rules::worker::core_steps_per_second(
        task,
        rules,
        u64::from(steps),
        &js_sys::Date::now,
    )
    .map_err(|message| JsError::new(&message))
}
