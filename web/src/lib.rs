//! The bioprop browser app: a Yew client-side app whose training runs in a
//! Web Worker (see [`worker`]), streaming small snapshots to the page.

pub mod app;
pub mod cerebellum_page;
pub mod cerebellum_settings;
pub mod chart;
pub mod colour;
pub mod controls;
pub mod heatmap;
pub mod keys;
pub mod microcircuit_page;
pub mod microcircuit_settings;
pub mod network_view;
pub mod panic;
pub mod route;
pub mod runs;
pub mod settings;
pub mod throttle;
pub mod views;
pub mod worker;

/// Mounts the app into `<main id="app">` (or the body when it is missing) and
/// removes the loading notice.
pub fn start() {
    let document = gloo::utils::document();
    if let Some(boot) = document.get_element_by_id("boot") {
        boot.remove();
    }
    match document.get_element_by_id("app") {
        Some(root) => yew::Renderer::<app::App>::with_root(root).render(),
        None => yew::Renderer::<app::App>::new().render(),
    };
}
