//! Keyboard shortcuts shared by every page: a plain key press (no modifier,
//! not typed into a field) that a page maps to one of its actions.

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Listens on the document for key presses for as long as the calling
/// component lives. `map` turns a key name (`" "`, `"s"`, …) into an action;
/// a mapped key's default (e.g. space scrolling the page) is prevented.
#[hook]
pub fn use_shortcuts<A: 'static>(map: fn(&str) -> Option<A>, on_action: Callback<A>) {
    // The newest callback, so the listener never acts on stale page state.
    let handler = use_mut_ref(|| on_action.clone());
    *handler.borrow_mut() = on_action;
    use_effect_with((), move |_| {
        // Not passive: a mapped key's default must be preventable.
        let options = EventListenerOptions::enable_prevent_default();
        let document = gloo::utils::document();
        let listener =
            EventListener::new_with_options(&document, "keydown", options, move |event| {
                let Some(event) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
                    return;
                };
                if event.ctrl_key() || event.meta_key() || event.alt_key() || typing(event) {
                    return;
                }
                if let Some(action) = map(&event.key()) {
                    event.prevent_default();
                    handler.borrow().emit(action);
                }
            });
        move || drop(listener)
    });
}

/// Whether the key press goes into a form field rather than to the page.
fn typing(event: &web_sys::KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|e| matches!(e.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"))
        .unwrap_or(false)
}
