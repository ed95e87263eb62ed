//! The page's side of a simulation run in a worker ([`super::sim_worker`]): the
//! latest frame, the play state, and the notices a divergence, a refusal or a
//! stopped worker bring. The cerebellum and microcircuit pages drive their
//! workers through it; the rules page's worker has its own.
//!
//! ```text
//! first render ─▶ Configure(job), SetSpeed(speed), Play if autoplay
//! worker ─▶ Update::Frame ─▶ SimRecord::apply ─▶ redraw (older generations dropped)
//!   a divergence pauses and pushes "message + advice"; a newer generation (reset,
//!   new settings, play) takes that notice away
//! ```
//!
//! The frames live in a `RefCell` owned by the page, never in Yew state.

use std::cell::{Ref, RefCell};
use std::rc::Rc;

use yew::prelude::*;
use yew_agent::reactor::{Reactor, ReactorScoped};

use super::worker_bridge::{use_reactor_bridge, ReactorEvent, UseReactorBridgeHandle};

use super::embed::{Embedding, Player};
use super::keys::Shortcut;
use super::route::PageKind;
use super::sim_worker::{Command, ExportKind, SimFrame, Update};
use super::watchdog::{use_watchdog, Watchdog};
use super::worker_guard;
use super::{NoticeAction, Notices};

/// What the page says when its simulation worker has stopped.
pub const WORKER_STOPPED: &str = "The simulation worker stopped (the browser console has the \
     error). Reload the page to start again: your settings are kept in the address bar.";

/// What applying an update means for the page's notices.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Redraw; nothing to say.
    Redraw,
    /// A frame of a replaced model: ignore it.
    Stale,
    /// Show this notice (a divergence with its advice, or a refusal).
    Notice(String),
    /// Take this notice away (the diverged model was replaced), then redraw.
    Withdraw(String),
}

/// The page's record of the worker's frames: pure, so it is tested natively.
#[derive(Clone, Debug)]
pub struct SimRecord<V> {
    pub frame: Option<SimFrame<V>>,
    /// Frames applied so far (the embedding API reads the metrics when it changes).
    pub frames: u64,
    /// What a divergence's message is followed by on the page.
    advice: &'static str,
    /// The divergence notice shown for the current generation.
    shown: Option<String>,
    /// A file the worker exported that the page has not saved yet.
    pub exported: Option<(ExportKind, String)>,
    /// An imported file's name and the link that gives its settings, which the page
    /// has not applied yet.
    pub imported: Option<(String, String)>,
}

impl<V> SimRecord<V> {
    pub fn new(advice: &'static str) -> Self {
        SimRecord {
            frame: None,
            frames: 0,
            advice,
            shown: None,
            exported: None,
            imported: None,
        }
    }

    pub fn generation(&self) -> u64 {
        self.frame.as_ref().map_or(0, |f| f.generation)
    }

    pub fn apply(&mut self, update: Update<V>) -> Vec<Effect> {
        let frame = match update {
            Update::Rejected { message } => return vec![Effect::Notice(message)],
            Update::Exported { kind, text } => {
                self.exported = Some((kind, text));
                return vec![Effect::Redraw];
            }
            Update::Imported { name, query } => {
                self.imported = Some((name, query));
                return vec![Effect::Redraw];
            }
            Update::Frame(frame) => *frame,
        };
        if frame.generation < self.generation() {
            return vec![Effect::Stale];
        }
        self.frames += 1;
        let mut effects = Vec::new();
        if frame.generation > self.generation() {
            if let Some(text) = self.shown.take() {
                effects.push(Effect::Withdraw(text));
            }
        }
        if let (Some(message), None) = (&frame.diverged, &self.shown) {
            let text = format!("{message}{}", self.advice);
            self.shown = Some(text.clone());
            effects.push(Effect::Notice(text));
        }
        self.frame = Some(frame);
        if effects.is_empty() {
            effects.push(Effect::Redraw);
        }
        effects
    }
}

/// A page's simulation worker; cheap to clone into callbacks.
pub struct SimDriver<R: Reactor + 'static, J, X, V> {
    record: Rc<RefCell<SimRecord<V>>>,
    bridge: UseReactorBridgeHandle<R>,
    watchdog: Rc<RefCell<Watchdog>>,
    /// Before the first frame: whether the page opened playing.
    autoplay: bool,
    _command: std::marker::PhantomData<fn(J, X)>,
}

impl<R: Reactor + 'static, J, X, V> Clone for SimDriver<R, J, X, V> {
    fn clone(&self) -> Self {
        SimDriver {
            record: self.record.clone(),
            bridge: self.bridge.clone(),
            watchdog: self.watchdog.clone(),
            autoplay: self.autoplay,
            _command: std::marker::PhantomData,
        }
    }
}

impl<R, J, X, V> SimDriver<R, J, X, V>
where
    R: Reactor + 'static,
    <R::Scope as ReactorScoped>::Input: From<Command<J, X>>,
{
    pub fn send(&self, command: Command<J, X>) {
        if command.expects_reply() {
            self.watchdog.borrow_mut().sent(js_sys::Date::now());
        }
        self.bridge.send(command.into());
    }

    /// The latest frame, if one has arrived.
    pub fn frame(&self) -> Ref<'_, Option<SimFrame<V>>> {
        Ref::map(self.record.borrow(), |r| &r.frame)
    }

    /// Asks the worker for a file of `kind` (answered with [`Update::Exported`]).
    pub fn export_callback(&self) -> Option<Callback<ExportKind>>
    where
        J: 'static,
        X: 'static,
        V: 'static,
    {
        let driver = self.clone();
        Some(Callback::from(move |kind| {
            driver.send(Command::Export(kind))
        }))
    }

    /// Sends an imported file (its name and text) to the worker to read.
    pub fn import_callback(&self) -> Callback<(String, String)>
    where
        J: 'static,
        X: 'static,
        V: 'static,
    {
        let driver = self.clone();
        Callback::from(move |(name, text)| driver.send(Command::Import { name, text }))
    }

    /// The settings the worker last read from an imported file (its name and the link
    /// that gives them), once: the page applies them.
    pub fn take_import(&self) -> Option<(String, String)> {
        self.record.borrow_mut().imported.take()
    }

    /// Applies the settings the worker last read from an imported file, once: they
    /// replace `settings` (the URL follows) and a new run starts from them; what
    /// `imported` refuses (`settings`' reading of the file's link) is a notice.
    pub fn apply_import(
        &self,
        settings: &UseStateHandle<J>,
        notices: &UseReducerDispatcher<Notices>,
        imported: impl Fn(&J, &str) -> Result<J, String>,
    ) where
        J: Clone,
    {
        if let Some((name, query)) = self.take_import() {
            match imported(settings, &query) {
                Ok(next) => {
                    self.configure(next.clone());
                    settings.set(next);
                }
                Err(why) => notices.dispatch(NoticeAction::Push(
                    crate::widgets::config_import::refusal(&name, &why),
                )),
            }
        }
    }

    /// The file the worker last exported, once: the page saves it.
    pub fn take_export(&self) -> Option<(ExportKind, String)> {
        self.record.borrow_mut().exported.take()
    }

    /// Frames received so far.
    pub fn frames(&self) -> u64 {
        self.record.borrow().frames
    }

    pub fn playing(&self) -> bool {
        self.record
            .borrow()
            .frame
            .as_ref()
            .map_or(self.autoplay, |f| f.playing)
    }

    /// Plays or pauses; playing a diverged model first replaces it by `fresh()` (the
    /// settings now, which may have been retuned since it was built).
    pub fn toggle_play(&self, fresh: impl FnOnce() -> J) {
        if self.playing() {
            self.send(Command::Pause);
            return;
        }
        let diverged = self
            .record
            .borrow()
            .frame
            .as_ref()
            .is_some_and(|f| f.diverged.is_some());
        if diverged {
            self.configure(fresh());
        }
        self.send(Command::Play);
    }

    /// Builds a new model from `job` (reset, or settings that need one).
    pub fn configure(&self, job: J) {
        self.send(Command::Configure(Box::new(job)));
    }

    /// What the embedding API ([`super::embed`]) reads from a simulation page: its
    /// play state and keys, the frames, the latest view's readouts (`metrics`) and
    /// the divergence.
    pub fn embedding<S>(
        &self,
        page: PageKind,
        settings: S,
        on_settings: Callback<S>,
        on_bar: Callback<Shortcut>,
        metrics: fn(&V, bool) -> serde_json::Value,
    ) -> Embedding<S>
    where
        J: 'static,
        X: 'static,
        V: 'static,
    {
        let driver = self.clone();
        Embedding {
            page,
            settings,
            on_settings,
            player: Some(Player {
                playing: self.playing(),
                on_bar,
            }),
            frames: self.frames(),
            metrics: Rc::new(move || {
                let frame = driver.frame();
                frame.as_ref().map(|f| metrics(&f.view, f.playing))
            }),
            diverged: self.frame().as_ref().and_then(|f| f.diverged.clone()),
            ready: None,
        }
    }
}

/// The page's simulation worker: on the first render it configures `job` (the
/// settings on screen), then keeps the worker's speed equal to `speed` and plays when
/// `autoplay`. A divergence pushes the worker's message followed by `advice`. A
/// worker that stops answering is replaced ([`super::watchdog`]): the new one is
/// configured with `job` as it is then, and plays if the old one was playing.
#[hook]
pub fn use_sim_worker<R, J, X, V>(
    job: J,
    autoplay: bool,
    speed: u32,
    notices: UseReducerDispatcher<Notices>,
    advice: &'static str,
) -> SimDriver<R, J, X, V>
where
    R: Reactor + 'static,
    <R::Scope as ReactorScoped>::Input: From<Command<J, X>>,
    <R::Scope as ReactorScoped>::Output: TryInto<Update<V>>,
    J: Clone + 'static,
    X: 'static,
    V: 'static,
{
    let record = use_mut_ref(|| SimRecord::new(advice));
    let redraw = use_force_update();
    let watchdog = use_mut_ref(Watchdog::default);
    worker_guard::install();
    let bridge = {
        let record = record.clone();
        let watchdog = watchdog.clone();
        let notices = notices.clone();
        use_reactor_bridge::<R, _>(move |event| {
            let ReactorEvent::Output(output) = event else {
                notices.dispatch(NoticeAction::Push(WORKER_STOPPED.into()));
                return;
            };
            watchdog.borrow_mut().heard(js_sys::Date::now());
            let Ok(update) = output.try_into() else {
                return;
            };
            let effects = record.borrow_mut().apply(update);
            for effect in effects {
                match effect {
                    Effect::Stale => return,
                    Effect::Redraw => {}
                    Effect::Notice(text) => notices.dispatch(NoticeAction::Push(text)),
                    Effect::Withdraw(text) => notices.dispatch(NoticeAction::Remove(text)),
                }
            }
            redraw.force_update();
        })
    };
    let epoch = {
        let record = record.clone();
        let playing =
            Rc::new(move || (record.borrow().frame.as_ref()).map_or(autoplay, |f| f.playing));
        use_watchdog(watchdog.clone(), &bridge, playing, notices, "simulation")
    };
    let driver = SimDriver {
        record,
        bridge,
        watchdog,
        autoplay,
        _command: std::marker::PhantomData,
    };
    // At the start, and in each new worker after a restart.
    {
        let driver = driver.clone();
        use_effect_with(epoch, move |&epoch| {
            let play = if epoch == 0 {
                autoplay
            } else {
                let playing = driver.playing();
                // The new worker counts its generations from the start again.
                driver.record.borrow_mut().frame = None;
                driver.send(Command::SetSpeed(speed));
                playing
            };
            driver.configure(job);
            if play {
                driver.send(Command::Play);
            }
        });
    }
    {
        let driver = driver.clone();
        use_effect_with(speed, move |&speed| driver.send(Command::SetSpeed(speed)));
    }
    driver
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(generation: u64, diverged: Option<&str>) -> Update<u32> {
        Update::Frame(Box::new(SimFrame {
            generation,
            playing: false,
            view: 7,
            diverged: diverged.map(str::to_owned),
        }))
    }

    #[test]
    fn a_divergence_is_said_once_and_withdrawn_with_its_model() {
        let mut record = SimRecord::new(". Press reset.");
        assert_eq!(record.apply(frame(1, None)), vec![Effect::Redraw]);
        let said = "weights not finite. Press reset.".to_owned();
        assert_eq!(
            record.apply(frame(1, Some("weights not finite"))),
            vec![Effect::Notice(said.clone())]
        );
        assert_eq!(
            record.apply(frame(1, Some("weights not finite"))),
            vec![Effect::Redraw],
            "said once"
        );
        assert_eq!(record.apply(frame(2, None)), vec![Effect::Withdraw(said)]);
        assert_eq!(record.apply(frame(1, None)), vec![Effect::Stale]);
        assert_eq!(record.generation(), 2);
        assert_eq!(
            record.apply(Update::Rejected {
                message: "neuron: 0 to 49".into()
            }),
            vec![Effect::Notice("neuron: 0 to 49".into())]
        );
    }

    #[test]
    fn an_exported_file_is_kept_until_the_page_takes_it() {
        let mut record = SimRecord::<u32>::new("");
        record.apply(frame(1, None));
        let file = Update::Exported {
            kind: ExportKind::Config,
            text: "{}".into(),
        };
        assert_eq!(record.apply(file), vec![Effect::Redraw]);
        assert_eq!(
            record.exported.take(),
            Some((ExportKind::Config, "{}".into()))
        );
        assert_eq!(record.generation(), 1, "a file is not a frame");
    }
}
