//! The bioprop browser app: a Yew client-side app. The rules page trains in a
//! Web Worker (see [`pages::rules::worker`]) that streams small snapshots to the
//! page; the cerebellum and microcircuit pages simulate on the page's thread.
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
