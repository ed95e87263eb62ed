//! The page's entry point: the panic hook first, then the Yew app.

fn main() {
    bioprop_web::shell::panic::install();
    bioprop_web::start();
}
