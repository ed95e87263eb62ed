//! The entry point of the cerebellum as an adaptive filter (`?page=cerebellum`), built as
//! `cerebellum.js` + `cerebellum_bg.wasm`; `static/index.html` loads it.

fn main() {
    bioprop_web::shell::panic::install();
    bioprop_web::start::<bioprop_web::pages::cerebellum::CerebellumPage>(());
}
