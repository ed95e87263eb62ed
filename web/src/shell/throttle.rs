//! Rate limits for views that are expensive to redraw. Frames arrive about 30
//! times a second; a chart or the network's SVG need not follow every one. A
//! throttled value follows its source at most once per interval, and always
//! ends on the newest value.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

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
    use_throttled_by(value, interval_ms, Pace::Own)
}

/// Whose redraws a throttled view waits for.
#[derive(Clone, Copy)]
enum Pace {
    /// Only its own: `interval_ms` after its last redraw.
    Own,
    /// Its own and [`APART_MS`] after any other view paced `Apart`.
    Apart,
}

#[hook]
fn use_throttled_by<T>(value: T, interval_ms: f64, pace: Pace) -> T
where
    T: Clone + PartialEq + 'static,
{
    let shown = use_state_eq(|| value.clone());
    let last_shown = use_mut_ref(|| f64::NEG_INFINITY);
    let pending = use_mut_ref(|| None::<Timeout>);
    {
        let shown = shown.clone();
        use_effect_with(value, move |value| {
            show_when_free(
                value.clone(),
                shown.setter(),
                last_shown,
                pending,
                interval_ms,
                pace,
            );
        });
    }
    (*shown).clone()
}

/// Milliseconds between the redraws of any two views throttled with
/// [`use_throttled_apart`]: more than an animation frame, so that each expensive
/// redraw has a frame to itself and frames between them have none (at most 40
/// such redraws a second, shared by the views on the page).
pub const APART_MS: f64 = 25.0;

thread_local! {
    /// When a view throttled with [`use_throttled_apart`] last redrew.
    static LAST_APART: Cell<f64> = const { Cell::new(f64::NEG_INFINITY) };
}

/// How long a view must still wait, in milliseconds, at `now`: `interval_ms` after
/// its own last redraw (`own`) and [`APART_MS`] after any such view's (`any`).
pub fn apart_wait(now: f64, own: f64, interval_ms: f64, any: f64) -> f64 {
    (own + interval_ms - now).max(any + APART_MS - now)
}

/// [`use_throttled`] for views expensive enough that two should not redraw in one
/// frame (the line charts, the rules page's network diagrams): `value` changes at most
/// once every `interval_ms`, and never within [`APART_MS`] of another view throttled
/// this way; it always ends on the newest value.
#[hook]
pub fn use_throttled_apart<T>(value: T, interval_ms: f64) -> T
where
    T: Clone + PartialEq + 'static,
{
    use_throttled_by(value, interval_ms, Pace::Apart)
}

fn show_when_free<T: 'static>(
    value: T,
    shown: UseStateSetter<T>,
    last_shown: Rc<RefCell<f64>>,
    pending: Rc<RefCell<Option<Timeout>>>,
    interval_ms: f64,
    pace: Pace,
) {
    let now = js_sys::Date::now();
    let own = *last_shown.borrow();
    let wait = match pace {
        Pace::Own => own + interval_ms - now,
        Pace::Apart => apart_wait(now, own, interval_ms, LAST_APART.with(Cell::get)),
    };
    if wait <= 0.0 {
        pending.borrow_mut().take();
        *last_shown.borrow_mut() = now;
        if let Pace::Apart = pace {
            LAST_APART.with(|last| last.set(now));
        }
        shown.set(value);
    } else {
        let retry = pending.clone();
        // Replacing the pending timeout cancels it; when it fires, another view may
        // have taken the slot, so it asks again.
        *retry.borrow_mut() = Some(Timeout::new(wait.ceil() as u32, move || {
            show_when_free(value, shown, last_shown, pending, interval_ms, pace)
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_waits_for_its_interval_and_for_the_others() {
        // Never drawn, nothing else drawn: now.
        assert!(apart_wait(1000.0, f64::NEG_INFINITY, 150.0, f64::NEG_INFINITY) <= 0.0);
        // Its own interval.
        assert_eq!(apart_wait(1000.0, 900.0, 150.0, 0.0), 50.0);
        // Another view redrew 10 ms ago.
        assert_eq!(apart_wait(1000.0, 0.0, 150.0, 990.0), APART_MS - 10.0);
        // Whichever is later.
        assert_eq!(apart_wait(1000.0, 950.0, 150.0, 990.0), 100.0);
    }
}
