//! The bioprop browser app: a Yew client-side app, one module per page. Each page has
//! an entry point of its own (`src/bin/<page>.rs`, built as `<page>.js` +
//! `<page>_bg.wasm`), and `static/index.html` loads the one its `?page=` asks for, so
//! a page downloads its own code only (README, "Bundle size"). Every page's model runs
//! in a Web Worker of its own ([`pages::worker`]) that streams small frames to the
//! page: the rules page's training ([`pages::rules::worker`]), the cerebellum's and
//! the microcircuit's simulations ([`shell::sim_worker`]).
//!
//! ```text
//! index.html (?page=…) ─▶ bin/<page> ─▶ pages/<page> ─▶ shell (header, notices, URL, keys)
//!                                                   └▶ widgets (charts, heatmaps, colours)
//! ```
//!
//! `web/README.md` walks through the layout.

pub mod pages;
pub mod shell;
pub mod widgets;

use yew::BaseComponent;

/// Mounts the page `C` into `<main id="app">` (or the body when it is missing) and
/// removes the loading notice.
pub fn start<C: BaseComponent>(props: C::Properties) {
    let document = gloo::utils::document();
    if let Some(boot) = document.get_element_by_id("boot") {
        boot.remove();
    }
    match document.get_element_by_id("app") {
        Some(root) => yew::Renderer::<C>::with_root_and_props(root, props).render(),
        None => yew::Renderer::<C>::with_props(props).render(),
    };
}
