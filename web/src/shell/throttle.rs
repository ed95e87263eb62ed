//! Rate limits for views that are expensive to redraw. Frames arrive about 30
//! times a second; a chart or the network's SVG need not follow every one. A
//! throttled value follows its source at most once per interval, and always
//! ends on the newest value.

use gloo::timers::callback::Timeout;
use yew::prelude::*;

/// `value`, but changing at most once every `interval_ms` milliseconds; a
/// change that comes too soon is shown when its turn comes (a newer one
/// replaces it).
#[hook]
pub fn use_throttled<T>(value: T, interval_ms: f64) -> T
where
    T: Clone + PartialEq + 'static,
{
    let shown = use_state_eq(|| value.clone());
    let last_shown = use_mut_ref(|| f64::NEG_INFINITY);
    let pending = use_mut_ref(|| None::<Timeout>);
    {
        let shown = shown.clone();
        use_effect_with(value, move |value| {
            let now = js_sys::Date::now();
            let wait = *last_shown.borrow() + interval_ms - now;
            if wait <= 0.0 {
                pending.borrow_mut().take();
                *last_shown.borrow_mut() = now;
                shown.set(value.clone());
            } else {
                let value = value.clone();
                let last_shown = last_shown.clone();
                // Replacing the pending timeout cancels it.
                *pending.borrow_mut() = Some(Timeout::new(wait.ceil() as u32, move || {
                    *last_shown.borrow_mut() = js_sys::Date::now();
                    shown.set(value);
                }));
            }
        });
    }
    (*shown).clone()
}
