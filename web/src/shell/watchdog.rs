//! Keeping a page's worker alive. A panic in the worker ends it without a word, and a
//! worker caught in a loop is silent too; the page notices the silence, ends the
//! worker and starts a new one with the settings on screen (which the URL holds, so
//! nothing the user chose is lost), saying so. A worker that fails again at once is
//! restarted at most [`MAX_RESTARTS`] times in a row; then the page says it has given
//! up rather than loop.
//!
//! ```text
//! page ─▶ command owing a reply ─▶ Watchdog::sent        worker ─▶ anything ─▶ heard
//! every CHECK_MS: Watchdog::check(now, playing)
//!     ─▶ Fine
//!     ─▶ Restart(n): worker_guard::terminate_all, bridge.reset() (a new worker),
//!        the page's `epoch` + 1 ─▶ the page sends its settings (and play) again
//!     ─▶ GiveUp: one notice, nothing more
//! ```
//!
//! [`Watchdog`] is pure (times are passed in) and tested natively; [`use_watchdog`]
//! is the thin shell every page with a worker calls.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Interval;
use yew::prelude::*;
use yew_agent::reactor::Reactor;

use super::worker_bridge::UseReactorBridgeHandle;
use super::{worker_guard, NoticeAction, Notices};

/// How long the worker may stay silent, in milliseconds, while a reply or a frame is
/// due, before the page counts it as stopped. Generous: a frame of the largest
/// networks at full speed takes well under a second, and loading the digits a few.
pub const WORKER_SILENCE_MS: f64 = 8000.0;
/// Restarts in a row before the page gives up.
pub const MAX_RESTARTS: u32 = 3;
/// A restarted worker that has answered for this long is well again: a later failure
/// starts the count afresh.
pub const RECOVERED_MS: f64 = 60_000.0;
/// How often the page looks, in milliseconds.
pub const CHECK_MS: u32 = 1000;

/// What the page should do about its worker now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Fine,
    /// Start a new worker: the `n`th restart in a row (1 to [`MAX_RESTARTS`]).
    Restart(u32),
    /// Stopped again after [`MAX_RESTARTS`] restarts: say so once and stop trying.
    GiveUp,
}

/// Watches a worker's silence. Times are in milliseconds from any fixed origin.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Watchdog {
    /// When the oldest unanswered command was sent.
    waiting_since: Option<f64>,
    last_heard: f64,
    /// Restarts in a row, and when the last was.
    restarts: u32,
    restarted_at: f64,
    gave_up: bool,
}

impl Watchdog {
    /// A command that the worker answers was sent.
    pub fn sent(&mut self, now: f64) {
        self.waiting_since.get_or_insert(now);
    }

    /// Anything arrived from the worker.
    pub fn heard(&mut self, now: f64) {
        self.waiting_since = None;
        self.last_heard = now;
        if self.restarts > 0 && now - self.restarted_at > RECOVERED_MS {
            self.restarts = 0;
        }
    }

    /// Whether the worker owes a reply, or frames while `playing`, and has been silent
    /// longer than [`WORKER_SILENCE_MS`]; if so, restart it or give up.
    pub fn check(&mut self, now: f64, playing: bool) -> Verdict {
        let owed_since = match (self.waiting_since, playing) {
            (Some(since), _) => Some(since),
            (None, true) => Some(self.last_heard),
            (None, false) => None,
        };
        let silent = owed_since.is_some_and(|since| now - since > WORKER_SILENCE_MS);
        if !silent || self.gave_up {
            return Verdict::Fine;
        }
        if self.restarts >= MAX_RESTARTS {
            self.gave_up = true;
            return Verdict::GiveUp;
        }
        self.restarts += 1;
        self.restarted_at = now;
        // The new worker starts owing nothing; what the page sends it starts the clock.
        self.waiting_since = None;
        self.last_heard = now;
        Verdict::Restart(self.restarts)
    }
}

/// The notice of the `n`th restart of `worker` ("training", "simulation").
pub fn restart_notice(worker: &str, n: u32) -> String {
    format!(
        "The {worker} worker stopped answering (the browser console may have the error); \
         it was restarted with the settings on screen (restart {n} of {MAX_RESTARTS}), so \
         the runs start again from step 0."
    )
}

/// The notice when the page gives up on `worker`.
pub fn give_up_notice(worker: &str) -> String {
    format!(
        "The {worker} worker stopped answering again after {MAX_RESTARTS} restarts (the \
         browser console may have the error). Reload the page to try once more: your \
         settings are kept in the address bar."
    )
}

/// The page's side: checks `watchdog` (which the page's bridge and sender keep told)
/// every [`CHECK_MS`] while the page is open; on a restart ends the worker, opens a
/// new bridge (a new worker: each bridge has its own) and raises the
/// returned epoch, on which the page sends its settings again. `playing` reads
/// whether frames are due.
#[hook]
pub fn use_watchdog<R: Reactor + 'static>(
    watchdog: Rc<RefCell<Watchdog>>,
    bridge: &UseReactorBridgeHandle<R>,
    playing: Rc<dyn Fn() -> bool>,
    notices: UseReducerDispatcher<Notices>,
    worker: &'static str,
) -> u32 {
    let epoch = use_state_eq(|| 0_u32);
    {
        let bridge = bridge.clone();
        let epoch = epoch.setter();
        let restarts = use_mut_ref(|| 0_u32);
        use_effect_with((), move |()| {
            let mut shown: Option<String> = None;
            let interval = Interval::new(CHECK_MS, move || {
                let verdict = watchdog.borrow_mut().check(js_sys::Date::now(), playing());
                let notice = match verdict {
                    Verdict::Fine => return,
                    Verdict::Restart(n) => {
                        worker_guard::terminate_all();
                        bridge.reset();
                        *restarts.borrow_mut() += 1;
                        epoch.set(*restarts.borrow());
                        restart_notice(worker, n)
                    }
                    Verdict::GiveUp => {
                        worker_guard::terminate_all();
                        give_up_notice(worker)
                    }
                };
                if let Some(old) = shown.replace(notice.clone()) {
                    notices.dispatch(NoticeAction::Remove(old));
                }
                notices.dispatch(NoticeAction::Push(notice));
            });
            move || drop(interval)
        });
    }
    *epoch
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_silent_worker_is_restarted_only_when_it_owes_something() {
        let mut dog = Watchdog::default();
        dog.heard(0.0);
        assert_eq!(
            dog.check(60_000.0, false),
            Verdict::Fine,
            "paused, owing nothing"
        );
        dog.sent(1000.0);
        dog.sent(5000.0);
        assert_eq!(dog.check(1000.0 + WORKER_SILENCE_MS, false), Verdict::Fine);
        assert_eq!(
            dog.check(1001.0 + WORKER_SILENCE_MS, false),
            Verdict::Restart(1),
            "counted from the first unanswered command"
        );
        // The new worker owes nothing until the page sends it something.
        assert_eq!(dog.check(30_000.0, false), Verdict::Fine);
        dog.heard(20_000.0);
        assert_eq!(dog.check(20_000.0 + WORKER_SILENCE_MS, true), Verdict::Fine);
        assert_eq!(
            dog.check(20_001.0 + WORKER_SILENCE_MS, true),
            Verdict::Restart(2),
            "frames are due while playing"
        );
    }

    #[test]
    fn a_worker_that_fails_at_once_is_restarted_a_few_times_then_given_up() {
        let mut dog = Watchdog::default();
        let mut now = 0.0;
        let mut verdicts = Vec::new();
        for _ in 0..6 {
            // The page sends the settings; the worker never answers.
            dog.sent(now);
            now += WORKER_SILENCE_MS + 1.0;
            verdicts.push(dog.check(now, true));
        }
        assert_eq!(
            verdicts,
            [
                Verdict::Restart(1),
                Verdict::Restart(2),
                Verdict::Restart(3),
                Verdict::GiveUp,
                Verdict::Fine,
                Verdict::Fine
            ]
        );
    }

    #[test]
    fn a_worker_well_for_a_minute_after_a_restart_starts_the_count_afresh() {
        let mut dog = Watchdog::default();
        dog.sent(0.0);
        assert_eq!(
            dog.check(WORKER_SILENCE_MS + 1.0, false),
            Verdict::Restart(1)
        );
        let restarted = WORKER_SILENCE_MS + 1.0;
        dog.sent(restarted);
        dog.heard(restarted + 100.0);
        // Not yet recovered: the next failure is the second in a row.
        dog.sent(restarted + 200.0);
        let now = restarted + 201.0 + WORKER_SILENCE_MS;
        assert_eq!(dog.check(now, false), Verdict::Restart(2));
        // Answering for longer than RECOVERED_MS: the next failure is a first again.
        dog.heard(now + RECOVERED_MS + 1.0);
        dog.sent(now + RECOVERED_MS + 2.0);
        assert_eq!(
            dog.check(now + RECOVERED_MS + 3.0 + WORKER_SILENCE_MS, false),
            Verdict::Restart(1)
        );
    }

    #[test]
    fn the_notices_name_the_worker_and_the_count() {
        assert!(restart_notice("training", 2).contains("training worker"));
        assert!(restart_notice("training", 2).contains("restart 2 of 3"));
        assert!(give_up_notice("simulation").contains("after 3 restarts"));
        assert!(give_up_notice("simulation").contains("address bar"));
    }
}
