//! The training worker's entry point (built as `worker.js` + `worker_bg.wasm`).

use yew_agent::Registrable;

fn main() {
    bioprop_web::shell::panic::install_in_worker();
    bioprop_web::pages::rules::worker::TrainingWorker::registrar().register();
}
