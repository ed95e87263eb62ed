//! The microcircuit page's worker (built as `microcircuit-worker.js` + `microcircuit-worker_bg.wasm`):
//! [`bioprop_web::pages::worker::MicrocircuitWorker`] and nothing of the other pages.

use yew_agent::Registrable;

fn main() {
    bioprop_web::shell::panic::install_in_worker();
    bioprop_web::pages::worker::MicrocircuitWorker::registrar().register();
}
