//! The cerebellum page's worker (built as `cerebellum-worker.js` + `cerebellum-worker_bg.wasm`):
//! [`bioprop_web::pages::worker::CerebellumWorker`] and nothing of the other pages.

use yew_agent::Registrable;

fn main() {
    bioprop_web::shell::panic::install_in_worker();
    bioprop_web::pages::worker::CerebellumWorker::registrar().register();
}
