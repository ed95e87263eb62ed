//! The pages' workers: one registrar per page that trains or simulates, each built
//! into a bundle of its own (`web/src/bin/<page>-worker.rs` → `<page>-worker.js` +
//! `<page>-worker_bg.wasm`), so a page downloads only the engine it runs (README,
//! "Bundle size"): the rules page's [`Trainer`], or a [`Host`] running the
//! microcircuit's or the cerebellum's simulation. The exercise and the tour start
//! none.
//!
//! ```text
//! page ─▶ its Command ─▶ its worker's engine.handle ─▶ its Update ─▶ the page's bridge
//! ```
//!
//! A bridge speaks its page's own messages, so a page's module links only its own
//! protocol, never another page's engine.

use yew_agent::prelude::*;

use super::cerebellum::worker as cb;
use super::microcircuit::worker as mc;
use super::rules::worker::{self as rules, Trainer};
use crate::shell::sim_worker::{serve, Engine, Host, Model, FRAME_MS};

/// The rules page's worker script, relative to the page so the app works from any
/// folder.
pub const RULES_WORKER: &str = "rules-worker.js";
/// The microcircuit page's worker script.
pub const MICROCIRCUIT_WORKER: &str = "microcircuit-worker.js";
/// The cerebellum page's worker script.
pub const CEREBELLUM_WORKER: &str = "cerebellum-worker.js";

fn wall_clock() -> f64 {
    js_sys::Date::now()
}

impl Engine for Trainer {
    type Input = rules::Command;
    type Output = rules::Update;

    fn handle(&mut self, command: rules::Command) -> Vec<rules::Update> {
        Trainer::handle(self, command)
    }

    fn pace(&self) -> Option<f64> {
        self.pace_ms()
    }

    fn tick(&mut self) -> Vec<rules::Update> {
        vec![self.tick_with(&wall_clock)]
    }
}

impl<M: Model> Engine for Host<M> {
    type Input = crate::shell::sim_worker::Command<M::Job, M::Change>;
    type Output = crate::shell::sim_worker::Update<M::View>;

    fn handle(&mut self, command: Self::Input) -> Vec<Self::Output> {
        Host::handle(self, command, &wall_clock)
    }

    fn pace(&self) -> Option<f64> {
        (self.playing() || self.waiting()).then_some(FRAME_MS)
    }

    fn tick(&mut self) -> Vec<Self::Output> {
        if self.playing() {
            Host::tick(self, &wall_clock)
        } else {
            self.waiting_frame()
        }
    }
}

/// The rules page's training worker.
#[reactor]
pub async fn RulesWorker(scope: ReactorScope<rules::Command, rules::Update>) {
    serve(scope, Trainer::new()).await;
}

/// The microcircuit page's simulation worker.
#[reactor]
pub async fn MicrocircuitWorker(scope: ReactorScope<mc::Command, mc::Update>) {
    serve(scope, Host::<mc::Circuit>::default()).await;
}

/// The cerebellum page's simulation worker.
#[reactor]
pub async fn CerebellumWorker(scope: ReactorScope<cb::Command, cb::Update>) {
    serve(scope, Host::<cb::CerebellumModel>::default()).await;
}
