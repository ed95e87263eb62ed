//! The bioprop browser app: a Yew client-side app. Every page's model runs in a Web
//! Worker (one bundle, one registrar: [`pages::worker`]) that streams small frames to
//! the page: the rules page's training ([`pages::rules::worker`]), the cerebellum's
//! and the microcircuit's simulations ([`shell::sim_worker`]).
//!
//! ```text
//! router ─▶ pages/{rules,cerebellum,microcircuit} ─▶ shell (header, notices, URL, keys)
//!                                                 └▶ widgets (charts, heatmaps, colours)
//! ```
//!
//! `web/README.md` walks through the layout.

pub mod pages;
pub mod router;
pub mod shell;
pub mod widgets;

/// Mounts the app into `<main id="app">` (or the body when it is missing) and
/// removes the loading notice.
pub fn start() {
    let document = gloo::utils::document();
    if let Some(boot) = document.get_element_by_id("boot") {
        boot.remove();
    }
    match document.get_element_by_id("app") {
        Some(root) => yew::Renderer::<router::App>::with_root(root).render(),
        None => yew::Renderer::<router::App>::new().render(),
    };
}
