//! The page's handle on the workers it starts, so that a stopped one can be ended.
//! The worker library creates its `Worker` objects itself and keeps them to itself;
//! a worker caught in a loop would go on using a core until the page closed. So the
//! page's `Worker` constructor is wrapped once (a `Proxy` whose `construct` trap
//! records each new worker; no code is evaluated, so a strict Content-Security-Policy
//! is content) and [`terminate_all`] ends every worker recorded.

use std::cell::{Cell, RefCell};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    static INSTALLED: Cell<bool> = const { Cell::new(false) };
    static WORKERS: RefCell<Vec<web_sys::Worker>> = const { RefCell::new(Vec::new()) };
}

/// Wraps the global `Worker` constructor (once): call it before the first worker
/// starts.
pub fn install() {
    if INSTALLED.with(|i| i.replace(true)) {
        return;
    }
    let global = js_sys::global();
    let Ok(native) = js_sys::Reflect::get(&global, &"Worker".into()) else {
        return;
    };
    let Ok(native_fn) = native.clone().dyn_into::<js_sys::Function>() else {
        return;
    };
    let construct =
        Closure::<dyn Fn(JsValue, js_sys::Array, JsValue) -> Result<JsValue, JsValue>>::new(
            move |_target: JsValue, args: js_sys::Array, new_target: JsValue| {
                let new_target = new_target.dyn_into::<js_sys::Function>()?;
                let worker =
                    js_sys::Reflect::construct_with_new_target(&native_fn, &args, &new_target)?;
                if let Some(w) = worker.dyn_ref::<web_sys::Worker>() {
                    WORKERS.with(|all| all.borrow_mut().push(w.clone()));
                }
                Ok(worker)
            },
        );
    let handler = js_sys::Object::new();
    if js_sys::Reflect::set(&handler, &"construct".into(), construct.as_ref()).is_err() {
        return;
    }
    // The trap lives as long as the page.
    construct.forget();
    let proxy = js_sys::Proxy::new(&native, &handler);
    let _ = js_sys::Reflect::set(&global, &"Worker".into(), &proxy);
}

/// Ends every worker the page has started (the page has one at a time).
pub fn terminate_all() {
    for worker in WORKERS.with(|all| std::mem::take(&mut *all.borrow_mut())) {
        worker.terminate();
    }
}
