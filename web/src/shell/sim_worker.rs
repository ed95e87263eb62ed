//! A simulation run off the page's thread: the protocol a page that simulates
//! (the cerebellum, the microcircuit) speaks with the worker, the worker's side of
//! it ([`Host`], pure and tested natively) and the worker's loop ([`serve`]).
//!
//! ```text
//! page ─▶ Command::Configure(job) ─▶ Host builds the Model (a new generation)
//!      ─▶ Play / Pause / Step(n) / SetSpeed(n) / Change(live change)
//! worker: while playing, every FRAME_MS: Model::advance(speed · TICK_FRAMES, budget)
//!      ─▶ Update::Frame { generation, playing, view, diverged } ─▶ page draws the view
//! page ─▶ Command::Export(kind) ─▶ Model::export ─▶ Update::Exported { kind, text }
//!      ─▶ the page saves the file (metrics CSV, weights JSON, configuration JSON)
//! page ─▶ Command::Import { name, text } ─▶ Model::import ─▶ Update::Imported { name,
//!      query } (the link that gives the file's settings) ─▶ the page applies it and
//!      configures a new model; or Update::Rejected, and nothing changes
//! ```
//!
//! Frames carry their generation so the page drops frames of a model it has
//! already replaced. A model is built from the page's settings as they are (a few
//! plain fields, so the worker's bincode carries them; the worker derives the core
//! configuration from them).
//!
//! The shell imports no page: [`Model`] is what a page's simulation implements,
//! and a page's worker module says which.

use std::cell::Cell;
use std::time::Duration;

use futures::{FutureExt, SinkExt, StreamExt};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::platform::time::sleep;
use yew_agent::reactor::ReactorScope;

/// Wall-clock milliseconds between frames while playing (about 30 a second).
pub const FRAME_MS: f64 = 33.0;
/// Wall-clock milliseconds a frame may spend simulating: most of [`FRAME_MS`], so a
/// model that cannot keep up with its speed uses nearly all of the worker's time.
pub const FRAME_BUDGET_MS: f64 = 28.0;
/// A page's `speed` is per animation frame at 60 frames a second; a worker frame
/// comes every [`FRAME_MS`], so it carries this many of them.
pub const TICK_FRAMES: u32 = 2;

/// What a page's simulation gives the worker.
pub trait Model: Sized {
    /// What builds a model (sent with [`Command::Configure`]).
    type Job;
    /// A change applied to the running model without rebuilding it.
    type Change;
    /// What the page draws: small, and built fresh for every frame.
    type View;

    /// A new model; `job` comes from validated settings.
    fn build(job: &Self::Job) -> Self;
    /// Advances by `amount` (in the page's speed unit), stopping early once `now()`
    /// passes `deadline`; `Err` carries the message of a divergence.
    fn advance(&mut self, amount: u32, deadline: f64, now: &dyn Fn() -> f64) -> Result<(), String>;
    /// Applies a live change; `Err` says why it could not be.
    fn change(&mut self, change: Self::Change) -> Result<(), String>;
    fn view(&self) -> Self::View;
    /// The file of `kind` (README, "Keep and reproduce a run"); `Err` says why there is
    /// none.
    fn export(&self, kind: ExportKind) -> Result<String, String>;
    /// Reads an imported configuration file (one [`Self::export`] of
    /// [`ExportKind::Config`] wrote, or the command line): the link (query) that gives
    /// its settings on the page. Needs no model: the file is checked on its own.
    ///
    /// # Errors
    ///
    /// What is wrong with the file, or what in it the page cannot set.
    fn import(text: &str) -> Result<String, String>;
    /// Takes in what came from outside the commands since the last call (data a model
    /// downloads for itself); called before every frame.
    fn poll(&mut self) {}
    /// Whether the model waits for something from outside ([`Model::poll`]): frames
    /// keep coming while paused, so the page sees it arrive.
    fn waiting(&self) -> bool {
        false
    }
}

/// What a simulation page saves besides its charts and diagrams.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportKind {
    /// The metrics history in the command line's columns.
    Metrics,
    /// The model's weights, whole.
    Weights,
    /// The configuration `bioprop run --config` reads.
    Config,
}

impl ExportKind {
    /// The saved file's name on `page` (`bioprop-cerebellum-metrics.csv`) and its type.
    pub fn file(self, page: &str) -> (String, &'static str) {
        match self {
            ExportKind::Metrics => (format!("bioprop-{page}-metrics.csv"), "text/csv"),
            ExportKind::Weights => (format!("bioprop-{page}-weights.json"), "application/json"),
            ExportKind::Config => (format!("bioprop-{page}-config.json"), "application/json"),
        }
    }
}

/// What the page asks of the worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Command<J, X> {
    /// Builds a new model (also what reset sends); the play state is kept.
    /// Answered with a frame of the new generation.
    Configure(Box<J>),
    /// Plays (a diverged model is first rebuilt from its job); answered with a frame.
    Play,
    Pause,
    /// Advances `n` (the page's speed unit) and sends one frame.
    Step(u32),
    /// The page's speed while playing; no reply.
    SetSpeed(u32),
    /// A live change; answered with a frame, or [`Update::Rejected`].
    Change(X),
    /// A file of the model now; answered with [`Update::Exported`] or
    /// [`Update::Rejected`].
    Export(ExportKind),
    /// An imported configuration file (its name and text) to read; answered with
    /// [`Update::Imported`] or [`Update::Rejected`]. The model is not touched.
    Import {
        name: String,
        text: String,
    },
}

impl<J, X> Command<J, X> {
    /// Whether the worker answers it.
    pub fn expects_reply(&self) -> bool {
        !matches!(self, Command::SetSpeed(_))
    }
}

/// What the worker tells the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Update<V> {
    Frame(Box<SimFrame<V>>),
    /// The file [`Command::Export`] asked for.
    Exported {
        kind: ExportKind,
        text: String,
    },
    /// The settings an imported file gives, as the link (query) that gives them.
    Imported {
        name: String,
        query: String,
    },
    /// A command could not be carried out; the model is unaffected.
    Rejected {
        message: String,
    },
}

/// The model's state after a command or a frame's worth of simulation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimFrame<V> {
    pub generation: u64,
    pub playing: bool,
    pub view: V,
    /// Why the model stopped, when it diverged.
    pub diverged: Option<String>,
}

/// The worker's state: the model and how to drive it. Free of any browser API (the
/// clock is passed in), so the protocol is tested natively.
pub struct Host<M: Model> {
    generation: u64,
    model: Option<(M, Box<M::Job>)>,
    playing: bool,
    speed: u32,
    diverged: Option<String>,
}

impl<M: Model> Default for Host<M> {
    fn default() -> Self {
        Host {
            generation: 0,
            model: None,
            playing: false,
            speed: 1,
            diverged: None,
        }
    }
}

impl<M: Model> Host<M> {
    /// Whether frames are due without a command.
    pub fn playing(&self) -> bool {
        self.playing && self.model.is_some()
    }

    /// Whether the model waits for something from outside ([`Model::waiting`]).
    pub fn waiting(&self) -> bool {
        self.model().is_some_and(Model::waiting)
    }

    pub fn speed(&self) -> u32 {
        self.speed
    }

    /// The running model, if one was configured.
    pub fn model(&self) -> Option<&M> {
        self.model.as_ref().map(|(model, _)| model)
    }

    fn build(&mut self, job: Box<M::Job>) {
        self.model = Some((M::build(&job), job));
        self.generation += 1;
        self.diverged = None;
    }

    fn advance(&mut self, amount: u32, now: &dyn Fn() -> f64) {
        let deadline = now() + FRAME_BUDGET_MS;
        if self.diverged.is_some() {
            return;
        }
        if let Some((model, _)) = &mut self.model {
            if let Err(message) = model.advance(amount, deadline, now) {
                self.diverged = Some(message);
                self.playing = false;
            }
        }
    }

    /// The frame the page is sent now; none before the first model.
    fn frame(&self) -> Vec<Update<M::View>> {
        self.model
            .as_ref()
            .map(|(model, _)| {
                Update::Frame(Box::new(SimFrame {
                    generation: self.generation,
                    playing: self.playing,
                    view: model.view(),
                    diverged: self.diverged.clone(),
                }))
            })
            .into_iter()
            .collect()
    }

    /// One frame's worth of simulation while playing (what came from outside first).
    pub fn tick(&mut self, now: &dyn Fn() -> f64) -> Vec<Update<M::View>> {
        self.poll();
        self.advance(self.speed.saturating_mul(TICK_FRAMES), now);
        self.frame()
    }

    /// A frame while paused and the model waits ([`Model::waiting`]): what came from
    /// outside, and no simulation.
    pub fn waiting_frame(&mut self) -> Vec<Update<M::View>> {
        self.poll();
        self.frame()
    }

    fn poll(&mut self) {
        if let Some((model, _)) = &mut self.model {
            model.poll();
        }
    }

    /// Carries out a command; returns what to tell the page.
    pub fn handle(
        &mut self,
        command: Command<M::Job, M::Change>,
        now: &dyn Fn() -> f64,
    ) -> Vec<Update<M::View>> {
        match command {
            Command::Configure(job) => {
                self.build(job);
                self.frame()
            }
            Command::Play => {
                if self.diverged.is_some() {
                    if let Some((_, job)) = self.model.take() {
                        self.build(job);
                    }
                }
                self.playing = true;
                self.frame()
            }
            Command::Pause => {
                self.playing = false;
                self.frame()
            }
            Command::Step(n) => {
                self.advance(n, now);
                self.frame()
            }
            Command::SetSpeed(speed) => {
                self.speed = speed.max(1);
                Vec::new()
            }
            Command::Change(change) => match &mut self.model {
                Some((model, _)) => match model.change(change) {
                    Ok(()) => self.frame(),
                    Err(message) => vec![Update::Rejected { message }],
                },
                None => vec![Update::Rejected {
                    message: "nothing to change: the simulation has not started".into(),
                }],
            },
            Command::Export(kind) => vec![match self.model() {
                Some(model) => match model.export(kind) {
                    Ok(text) => Update::Exported { kind, text },
                    Err(message) => Update::Rejected {
                        message: format!("export: {message}"),
                    },
                },
                None => Update::Rejected {
                    message: "export: the simulation has not started".into(),
                },
            }],
            Command::Import { name, text } => vec![match M::import(&text) {
                Ok(query) => Update::Imported { name, query },
                Err(why) => Update::Rejected {
                    message: crate::widgets::config_import::refusal(&name, &why),
                },
            }],
        }
    }
}

/// A failure a page's own scripts can ask of its worker, to test that the page replaces
/// a worker that panics or stops answering ([`super::watchdog`],
/// `tests/e2e/worker-restart.test.mjs`): the string [`FAULT_PANIC`] or [`FAULT_HANG`]
/// posted to the `Worker`. It is no part of the protocol: the page never sends it, and
/// a host page cannot reach the worker. The worker's loop meets it at its next command
/// or frame, where a bug in a model would strike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// A panic in the loop (the worker's wasm traps; the loop never runs again).
    Panic,
    /// A loop that never ends (the worker answers nothing more).
    Hang,
}

pub const FAULT_PANIC: &str = "bioprop:fault:panic";
pub const FAULT_HANG: &str = "bioprop:fault:hang";

thread_local! {
    static FAULT: Cell<Option<Fault>> = const { Cell::new(None) };
}

impl Fault {
    /// The fault a posted string asks for, if it is one.
    pub fn of(text: &str) -> Option<Fault> {
        match text {
            FAULT_PANIC => Some(Fault::Panic),
            FAULT_HANG => Some(Fault::Hang),
            _ => None,
        }
    }

    fn strike(self) -> ! {
        match self {
            Fault::Panic => panic!("a panic the page's scripts asked for ({FAULT_PANIC})"),
            Fault::Hang => loop {
                std::hint::spin_loop();
            },
        }
    }
}

/// Listens for a [`Fault`] in the worker's messages, ahead of the worker library's
/// own listener (which would fail to decode it): call it before the registrar.
pub fn listen_for_faults() {
    let listener = Closure::<dyn Fn(web_sys::MessageEvent)>::new(|event: web_sys::MessageEvent| {
        if let Some(fault) = event.data().as_string().as_deref().and_then(Fault::of) {
            event.stop_immediate_propagation();
            FAULT.with(|f| f.set(Some(fault)));
        }
    });
    let scope: web_sys::EventTarget = js_sys::global().unchecked_into();
    let _ = scope.add_event_listener_with_callback("message", listener.as_ref().unchecked_ref());
    // It listens as long as the worker lives.
    listener.forget();
}

/// What a worker does with its messages: a page's [`Host`], or the rules page's
/// trainer, each behind its own page's registrar (`pages::worker`).
pub trait Engine {
    type Input;
    type Output;
    /// Carries out a command; returns what to tell the page.
    fn handle(&mut self, input: Self::Input) -> Vec<Self::Output>;
    /// Milliseconds from one frame's start to the next while frames are due without a
    /// command; `None` while paused.
    fn pace(&self) -> Option<f64>;
    /// One frame while playing.
    fn tick(&mut self) -> Vec<Self::Output>;
}

/// Below this many milliseconds a wait goes to the worker's next task
/// ([`next_task`]) instead of a timer: browsers hold a timer set from within a chain
/// of timers to at least 4 ms (HTML's nesting clamp), and at the speed `max` a frame
/// leaves about 1.5 ms before the next, so a timer idled the worker about a tenth of
/// its time.
const SHORTEST_TIMER_MS: f64 = 4.0;

/// Resolves in the worker's next task, after any messages already queued, without a
/// timer's clamp: a message to itself through a `MessageChannel`. Resolves at once
/// where there is no channel to be had.
async fn next_task() {
    let Ok(channel) = web_sys::MessageChannel::new() else {
        return;
    };
    let (done, arrived) = futures::channel::oneshot::channel::<()>();
    let mut done = Some(done);
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| {
        if let Some(done) = done.take() {
            let _ = done.send(());
        }
    });
    channel
        .port1()
        .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // Dropped when the message arrived or when a command came first: the port stops
    // listening before its handler goes.
    let _listening = Listening {
        channel: &channel,
        _on_message: on_message,
    };
    if channel.port2().post_message(&JsValue::NULL).is_ok() {
        let _ = arrived.await;
    }
}

/// A [`next_task`] channel's handler, unset and the ports closed on drop.
struct Listening<'a> {
    channel: &'a web_sys::MessageChannel,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl Drop for Listening<'_> {
    fn drop(&mut self) {
        self.channel.port1().set_onmessage(None);
        self.channel.port1().close();
        self.channel.port2().close();
    }
}

/// The worker's loop: commands as they come, and a frame every [`Engine::pace`]
/// milliseconds (counted from the previous frame's start) while playing; a wait
/// shorter than [`SHORTEST_TIMER_MS`] only lets queued commands in.
pub async fn serve<E>(mut scope: ReactorScope<E::Input, E::Output>, mut engine: E)
where
    E: Engine,
    E::Input: Serialize + DeserializeOwned + 'static,
    E::Output: Serialize + DeserializeOwned + 'static,
{
    let mut last_tick = js_sys::Date::now();
    loop {
        let command = match engine.pace() {
            Some(pace) => {
                let wait = (last_tick + pace - js_sys::Date::now()).clamp(0.0, pace);
                let timer = async {
                    if wait < SHORTEST_TIMER_MS {
                        next_task().await;
                    } else {
                        sleep(Duration::from_secs_f64(wait / 1000.0)).await;
                    }
                };
                futures::select! {
                    command = scope.next() => match command {
                        Some(command) => Some(command),
                        None => break,
                    },
                    _ = timer.fuse() => None,
                }
            }
            None => match scope.next().await {
                Some(command) => Some(command),
                None => break,
            },
        };
        if let Some(fault) = FAULT.with(Cell::take) {
            fault.strike();
        }
        let reply = match command {
            None => {
                last_tick = js_sys::Date::now();
                engine.tick()
            }
            Some(command) => engine.handle(command),
        };
        for update in reply {
            if scope.send(update).await.is_err() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A counter that diverges past a limit: enough to drive every command.
    struct Counter {
        count: u32,
        limit: u32,
    }

    impl Model for Counter {
        type Job = u32;
        type Change = u32;
        type View = u32;

        fn build(limit: &u32) -> Self {
            Counter {
                count: 0,
                limit: *limit,
            }
        }

        fn advance(
            &mut self,
            amount: u32,
            deadline: f64,
            now: &dyn Fn() -> f64,
        ) -> Result<(), String> {
            for _ in 0..amount {
                self.count += 1;
                if self.count > self.limit {
                    return Err(format!("past {}", self.limit));
                }
                if now() > deadline {
                    break;
                }
            }
            Ok(())
        }

        fn change(&mut self, limit: u32) -> Result<(), String> {
            if limit < self.count {
                return Err(format!("limit {limit} is below the count {}", self.count));
            }
            self.limit = limit;
            Ok(())
        }

        fn view(&self) -> u32 {
            self.count
        }

        fn export(&self, kind: ExportKind) -> Result<String, String> {
            match kind {
                ExportKind::Metrics => Ok(format!("count\n{}\n", self.count)),
                ExportKind::Weights | ExportKind::Config => Err(format!("no {kind:?} here")),
            }
        }

        fn import(text: &str) -> Result<String, String> {
            let limit: u32 = text
                .parse()
                .map_err(|_| format!("'{text}' is not a limit"))?;
            Ok(format!("?limit={limit}"))
        }
    }

    #[test]
    fn an_import_answers_with_the_settings_or_a_reason_and_leaves_the_model_alone() {
        let mut host = Host::<Counter>::default();
        host.handle(Command::Configure(Box::new(10)), NEVER);
        host.handle(Command::Step(3), NEVER);
        let read = Command::Import {
            name: "a.json".into(),
            text: "20".into(),
        };
        assert_eq!(
            host.handle(read, NEVER),
            vec![Update::Imported {
                name: "a.json".into(),
                query: "?limit=20".into()
            }]
        );
        let bad = Command::Import {
            name: "b.json".into(),
            text: "x".into(),
        };
        assert_eq!(
            host.handle(bad, NEVER),
            vec![Update::Rejected {
                message: "import b.json: 'x' is not a limit; the run on screen and its \
                          settings are unchanged"
                    .into()
            }]
        );
        assert_eq!(frame(host.handle(Command::Step(0), NEVER)).view, 3);
        assert_eq!(frame(host.handle(Command::Step(0), NEVER)).generation, 1);
    }

    #[test]
    fn an_export_answers_with_the_file_or_a_reason() {
        let mut host = Host::<Counter>::default();
        let before = host.handle(Command::Export(ExportKind::Metrics), NEVER);
        assert_eq!(
            before,
            vec![Update::Rejected {
                message: "export: the simulation has not started".into()
            }]
        );
        host.handle(Command::Configure(Box::new(10)), NEVER);
        host.handle(Command::Step(3), NEVER);
        assert_eq!(
            host.handle(Command::Export(ExportKind::Metrics), NEVER),
            vec![Update::Exported {
                kind: ExportKind::Metrics,
                text: "count\n3\n".into()
            }]
        );
        assert_eq!(
            host.handle(Command::Export(ExportKind::Weights), NEVER),
            vec![Update::Rejected {
                message: "export: no Weights here".into()
            }]
        );
        assert_eq!(
            ExportKind::Config.file("cerebellum"),
            (
                "bioprop-cerebellum-config.json".to_owned(),
                "application/json"
            )
        );
    }

    fn frame(updates: Vec<Update<u32>>) -> SimFrame<u32> {
        match <[Update<u32>; 1]>::try_from(updates) {
            Ok([Update::Frame(frame)]) => *frame,
            other => panic!("expected one frame, got {other:?}"),
        }
    }

    const NEVER: &dyn Fn() -> f64 = &|| 0.0;

    #[test]
    fn only_the_two_fault_strings_are_faults() {
        assert_eq!(Fault::of("bioprop:fault:panic"), Some(Fault::Panic));
        assert_eq!(Fault::of("bioprop:fault:hang"), Some(Fault::Hang));
        for other in [
            "",
            "bioprop:fault",
            "bioprop:fault:PANIC",
            "bioprop:play",
            " bioprop:fault:hang",
        ] {
            assert_eq!(Fault::of(other), None, "{other:?}");
        }
    }

    #[test]
    fn steps_ticks_and_a_divergence_that_play_repairs() {
        let mut host = Host::<Counter>::default();
        assert!(host.handle(Command::Play, NEVER).is_empty(), "no model yet");
        assert!(host.tick(NEVER).is_empty());
        let first = frame(host.handle(Command::Configure(Box::new(10)), NEVER));
        assert_eq!((first.generation, first.view, first.playing), (1, 0, true));
        assert!(host.handle(Command::SetSpeed(2), NEVER).is_empty());
        // A tick is TICK_FRAMES frames' worth of speed.
        assert_eq!(frame(host.tick(NEVER)).view, 2 * TICK_FRAMES);
        host.handle(Command::Pause, NEVER);
        assert!(!host.playing());
        assert_eq!(frame(host.handle(Command::Step(3), NEVER)).view, 7);
        let diverged = frame(host.handle(Command::Step(10), NEVER));
        assert_eq!(diverged.diverged.as_deref(), Some("past 10"));
        assert!(!diverged.playing);
        // Stepping a diverged model changes nothing; play starts a fresh generation.
        assert_eq!(frame(host.handle(Command::Step(1), NEVER)).view, 11);
        let fresh = frame(host.handle(Command::Play, NEVER));
        assert_eq!((fresh.generation, fresh.view, fresh.diverged), (2, 0, None));
        assert!(fresh.playing);
    }

    #[test]
    fn a_frame_stops_at_its_budget() {
        let mut host = Host::<Counter>::default();
        host.handle(Command::Configure(Box::new(1000)), NEVER);
        host.handle(Command::SetSpeed(500), NEVER);
        // The clock passes the deadline after its first reading.
        let calls = std::cell::Cell::new(0.0);
        let clock = || {
            calls.set(calls.get() + 1.0);
            if calls.get() > 1.0 {
                FRAME_BUDGET_MS + 1.0
            } else {
                0.0
            }
        };
        assert_eq!(frame(host.tick(&clock)).view, 1);
    }

    #[test]
    fn a_refused_change_leaves_the_model_alone() {
        let mut host = Host::<Counter>::default();
        host.handle(Command::Configure(Box::new(10)), NEVER);
        host.handle(Command::Step(5), NEVER);
        let refused = host.handle(Command::Change(3), NEVER);
        assert_eq!(
            refused,
            vec![Update::Rejected {
                message: "limit 3 is below the count 5".into()
            }]
        );
        assert_eq!(frame(host.handle(Command::Change(100), NEVER)).view, 5);
        assert_eq!(frame(host.handle(Command::Step(50), NEVER)).diverged, None);
    }

    #[test]
    fn configure_keeps_the_play_state_and_replaces_a_diverged_model() {
        let mut host = Host::<Counter>::default();
        host.handle(Command::Configure(Box::new(1)), NEVER);
        host.handle(Command::Play, NEVER);
        host.handle(Command::SetSpeed(1), NEVER);
        assert!(frame(host.tick(NEVER)).diverged.is_some());
        let next = frame(host.handle(Command::Configure(Box::new(50)), NEVER));
        assert_eq!((next.generation, next.diverged, next.view), (2, None, 0));
        assert!(!next.playing, "a divergence paused it");
        host.handle(Command::Play, NEVER);
        let again = frame(host.handle(Command::Configure(Box::new(50)), NEVER));
        assert!(again.playing, "a reset while playing goes on playing");
    }
}
