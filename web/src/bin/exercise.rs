//! The entry point of the gradient exercise (`?page=exercise`), built as
//! `exercise.js` + `exercise_bg.wasm`; `static/index.html` loads it.

fn main() {
    bioprop_web::shell::panic::install();
    bioprop_web::start::<bioprop_web::pages::exercise::ExercisePage>(());
}
