//! A panic must never leave a frozen page. The hook logs the panic to the
//! console (with its Rust location) and puts a visible error box on the page,
//! telling the user what happened and how to recover.

use wasm_bindgen::JsCast;

/// The box's element id; tests look for it.
pub const CRASH_BOX_ID: &str = "bioprop-crash";

/// Installs the hook. Call once, first thing in `main`. It goes through Yew, whose
/// renderer otherwise replaces any hook set before it with a console-only one
/// (`tests/e2e/panic.test.mjs` panics the shipped page to check the box appears).
pub fn install() {
    yew::set_custom_panic_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_crash_box(&info.to_string());
    }));
}

/// Installs the console-only hook in the worker, which has no page to draw on (the
/// page notices the silence and starts a new worker: `super::watchdog`), and the
/// listener for the faults that test it (`super::sim_worker::Fault`).
pub fn install_in_worker() {
    std::panic::set_hook(Box::new(console_error_panic_hook::hook));
    super::sim_worker::listen_for_faults();
}

/// Shows (or replaces) the error box with `detail`. Works without Yew, since
/// after a panic the app's components can no longer be trusted to render.
pub fn show_crash_box(detail: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else {
        return;
    };
    if let Some(old) = document.get_element_by_id(CRASH_BOX_ID) {
        old.remove();
    }
    let Ok(panel) = document.create_element("div") else {
        return;
    };
    panel.set_id(CRASH_BOX_ID);
    panel.set_class_name("crash");
    let _ = panel.set_attribute("role", "alert");
    let _ = panel.set_attribute("data-testid", "crash");
    let heading = document.create_element("strong").ok();
    if let Some(h) = &heading {
        h.set_text_content(Some("bioprop stopped because of an internal error."));
        let _ = panel.append_child(h);
    }
    if let Ok(p) = document.create_element("p") {
        p.set_text_content(Some(
            "Reload the page to start again; your settings are kept in the address bar. \
             The details below help the developers find the cause.",
        ));
        let _ = panel.append_child(&p);
    }
    if let Ok(pre) = document.create_element("pre") {
        pre.set_text_content(Some(detail));
        let _ = panel.append_child(&pre);
    }
    if let Ok(button) = document.create_element("button") {
        button.set_text_content(Some("Reload"));
        let _ = button.set_attribute("onclick", "location.reload()");
        if let Ok(button) = button.dyn_into::<web_sys::HtmlElement>() {
            let _ = panel.append_child(&button);
        }
    }
    let _ = body.append_child(&panel);
}
