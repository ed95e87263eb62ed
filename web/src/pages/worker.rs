//! The one worker bundle (`worker.js` + `worker_bg.wasm`) every page trains or
//! simulates in: one registrar, one message enum with a variant per page. Each page
//! opens its own bridge, and each bridge gets its own [`PageWorker`], which becomes
//! the engine of the page that first speaks to it: the rules page's [`Trainer`], or
//! a [`Host`] running the microcircuit's or the cerebellum's simulation.
//!
//! One bundle rather than one per page: the pages share most of core (tasks,
//! experiments, the linear algebra), so one bundle is smaller than three, and a page
//! that never opens leaves the page's own bundle (`app`) free of its simulation code.
//!
//! ```text
//! page ─▶ Input::{Rules, Microcircuit, Cerebellum}(command) ─▶ Hub ─▶ engine.handle
//! engine ─▶ Output::{…}(update) ─▶ the page's bridge (which unwraps its own variant)
//! ```

use serde::{Deserialize, Serialize};
use yew_agent::prelude::*;

use super::cerebellum::{self, worker as cb};
use super::microcircuit::{self, worker as mc};
use super::rules::worker::{self as rules, Trainer};
use crate::shell::sim_worker::{serve, Engine, Host, FRAME_MS};

/// The worker script, relative to the page so the app works from any folder.
pub const WORKER_PATH: &str = "worker.js";

/// What a page sends to its worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Input {
    Rules(rules::Command),
    Microcircuit(mc::Command),
    Cerebellum(cb::Command),
}

/// What the worker sends back: the variant of the page that spoke to it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Output {
    Rules(rules::Update),
    Microcircuit(mc::Update),
    Cerebellum(cb::Update),
}

macro_rules! page_messages {
    ($variant:ident, $command:ty, $update:ty) => {
        impl From<$command> for Input {
            fn from(command: $command) -> Self {
                Input::$variant(command)
            }
        }

        impl TryFrom<Output> for $update {
            type Error = Output;
            fn try_from(output: Output) -> Result<Self, Output> {
                match output {
                    Output::$variant(update) => Ok(update),
                    other => Err(other),
                }
            }
        }
    };
}

page_messages!(Rules, rules::Command, rules::Update);
page_messages!(Microcircuit, mc::Command, mc::Update);
page_messages!(Cerebellum, cb::Command, cb::Update);

/// One bridge's engine: none until its page's first command.
#[derive(Default)]
pub enum Hub {
    #[default]
    Idle,
    Rules(Trainer),
    Microcircuit(Box<Host<microcircuit::Sim>>),
    Cerebellum(Box<Host<cerebellum::Sim>>),
}

impl Hub {
    /// Carries out `input` with `clock` for the simulations' frame budgets; a command
    /// of another page than the engine's replaces the engine.
    pub fn handle_with(&mut self, input: Input, clock: &dyn Fn() -> f64) -> Vec<Output> {
        match input {
            Input::Rules(command) => {
                if !matches!(self, Hub::Rules(_)) {
                    *self = Hub::Rules(Trainer::new());
                }
                let Hub::Rules(trainer) = self else {
                    unreachable!()
                };
                trainer
                    .handle(command)
                    .into_iter()
                    .map(Output::Rules)
                    .collect()
            }
            Input::Microcircuit(command) => {
                if !matches!(self, Hub::Microcircuit(_)) {
                    *self = Hub::Microcircuit(Box::default());
                }
                let Hub::Microcircuit(host) = self else {
                    unreachable!()
                };
                host.handle(command, clock)
                    .into_iter()
                    .map(Output::Microcircuit)
                    .collect()
            }
            Input::Cerebellum(command) => {
                if !matches!(self, Hub::Cerebellum(_)) {
                    *self = Hub::Cerebellum(Box::default());
                }
                let Hub::Cerebellum(host) = self else {
                    unreachable!()
                };
                host.handle(command, clock)
                    .into_iter()
                    .map(Output::Cerebellum)
                    .collect()
            }
        }
    }

    /// One frame while playing, with `clock` for the frame's budget.
    pub fn tick_with(&mut self, clock: &dyn Fn() -> f64) -> Vec<Output> {
        match self {
            Hub::Idle => Vec::new(),
            Hub::Rules(trainer) => vec![Output::Rules(trainer.tick_with(clock))],
            Hub::Microcircuit(host) => host
                .tick(clock)
                .into_iter()
                .map(Output::Microcircuit)
                .collect(),
            Hub::Cerebellum(host) => host
                .tick(clock)
                .into_iter()
                .map(Output::Cerebellum)
                .collect(),
        }
    }

    pub fn pace_ms(&self) -> Option<f64> {
        match self {
            Hub::Idle => None,
            Hub::Rules(trainer) => trainer.pace_ms(),
            Hub::Microcircuit(host) => host.playing().then_some(FRAME_MS),
            Hub::Cerebellum(host) => host.playing().then_some(FRAME_MS),
        }
    }
}

fn wall_clock() -> f64 {
    js_sys::Date::now()
}

impl Engine for Hub {
    type Input = Input;
    type Output = Output;

    fn handle(&mut self, input: Input) -> Vec<Output> {
        self.handle_with(input, &wall_clock)
    }

    fn pace(&self) -> Option<f64> {
        self.pace_ms()
    }

    fn tick(&mut self) -> Vec<Output> {
        self.tick_with(&wall_clock)
    }
}

#[reactor]
pub async fn PageWorker(scope: ReactorScope<Input, Output>) {
    serve(scope, Hub::default()).await;
}
