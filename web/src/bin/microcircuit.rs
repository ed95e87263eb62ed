//! The entry point of the dendritic error microcircuit (`?page=microcircuit`), built as
//! `microcircuit.js` + `microcircuit_bg.wasm`; `static/index.html` loads it.

fn main() {
    bioprop_web::shell::panic::install();
    bioprop_web::start::<bioprop_web::pages::microcircuit::MicrocircuitPage>(());
}
