//! The play/step/reset driver of a page that simulates on its own thread (the
//! cerebellum and the microcircuit; the rules page's worker has its own).
//!
//! ```text
//! Interval (owned while playing; dropping it pauses) ─▶ Simulation::run_frame(speed) ─▶ redraw
//!   a divergence pauses and pushes "message + advice" to the page's notices;
//!   replacing the diverged simulation (reset, new settings, play) takes that notice away
//! ```
//!
//! The simulation lives in a `RefCell` owned by the page, never in Yew state, so a
//! frame does not clone its arrays.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Interval;
use yew::prelude::*;

use super::{NoticeAction, Notices};

/// Milliseconds between animation frames (about 60 a second).
pub const FRAME_MS: u32 = 16;

/// What the driver needs of a simulation.
pub trait Simulation: 'static {
    /// Advances one frame's worth, `speed` in the page's own unit; `Err` carries the
    /// message of a divergence.
    fn run_frame(&mut self, speed: u32) -> Result<(), String>;
    /// Whether the simulation has diverged (play then starts a fresh one).
    fn diverged(&self) -> bool;
}

/// A page's running simulation and its play state; cheap to clone into callbacks.
pub struct Driver<S> {
    pub sim: Rc<RefCell<S>>,
    playing: UseStateHandle<bool>,
    notices: UseReducerDispatcher<Notices>,
    redraw: UseForceUpdateHandle,
    advice: &'static str,
    /// The divergence notice this driver showed, until its simulation is replaced.
    divergence: Rc<RefCell<Option<String>>>,
}

impl<S> Clone for Driver<S> {
    fn clone(&self) -> Self {
        Driver {
            sim: self.sim.clone(),
            playing: self.playing.clone(),
            notices: self.notices.clone(),
            redraw: self.redraw.clone(),
            advice: self.advice,
            divergence: self.divergence.clone(),
        }
    }
}

impl<S: Simulation> Driver<S> {
    pub fn playing(&self) -> bool {
        *self.playing
    }

    /// Plays or pauses; playing a diverged simulation first replaces it by `fresh()`.
    pub fn toggle_play(&self, fresh: impl FnOnce() -> S) {
        if !*self.playing && self.sim.borrow().diverged() {
            *self.sim.borrow_mut() = fresh();
            self.clear_divergence();
        }
        self.playing.set(!*self.playing);
    }

    /// One frame's worth of simulation, then a redraw.
    pub fn step(&self, speed: u32) {
        let result = self.sim.borrow_mut().run_frame(speed);
        if let Err(message) = result {
            self.report(&message);
        }
        self.redraw.force_update();
    }

    /// Replaces the simulation (reset, or settings that need a new one) and redraws.
    pub fn replace(&self, sim: S) {
        *self.sim.borrow_mut() = sim;
        self.clear_divergence();
        self.redraw.force_update();
    }

    pub fn redraw(&self) {
        self.redraw.force_update();
    }

    fn report(&self, message: &str) {
        let text = format!("{message}{}", self.advice);
        *self.divergence.borrow_mut() = Some(text.clone());
        self.notices.dispatch(NoticeAction::Push(text));
    }

    /// The diverged simulation is gone, and with it the cause of its notice.
    fn clear_divergence(&self) {
        if let Some(text) = self.divergence.borrow_mut().take() {
            self.notices.dispatch(NoticeAction::Remove(text));
        }
    }
}

/// The page's driver: `init` builds the first simulation, `autoplay` starts it
/// playing, and while playing it runs a frame of `speed` every [`FRAME_MS`]. A
/// divergence pauses and pushes the simulation's message followed by `advice`.
#[hook]
pub fn use_driver<S, F>(
    init: F,
    autoplay: bool,
    speed: u32,
    notices: UseReducerDispatcher<Notices>,
    advice: &'static str,
) -> Driver<S>
where
    S: Simulation,
    F: FnOnce() -> S,
{
    let sim = use_mut_ref(init);
    let playing = use_state(|| autoplay);
    let redraw = use_force_update();
    let divergence = use_mut_ref(|| None);
    let driver = Driver {
        sim,
        playing,
        notices,
        redraw,
        advice,
        divergence,
    };
    {
        let driver = driver.clone();
        use_effect_with((*driver.playing, speed), move |&(playing, speed)| {
            let interval = playing.then(|| {
                Interval::new(FRAME_MS, move || {
                    let result = driver.sim.borrow_mut().run_frame(speed);
                    if let Err(message) = result {
                        driver.playing.set(false);
                        driver.report(&message);
                    }
                    driver.redraw.force_update();
                })
            });
            move || drop(interval)
        });
    }
    driver
}
