//! The page's entry point: the panic hook first, then the Yew app.

fn main() {
    bioprop_web::panic::install();
    bioprop_web::start();
}
