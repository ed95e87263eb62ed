//! The entry point of the lecture as a guided tour (`?page=tour`), built as
//! `tour.js` + `tour_bg.wasm`; `static/index.html` loads it.

fn main() {
    bioprop_web::shell::panic::install();
    bioprop_web::start::<bioprop_web::pages::tour::TourPage>(());
}
