//! The rules page (the default, `?` or `?page=rules`): backprop and its rivals
//! trained in the [`worker`], side by side, with the page's settings kept in the URL.
//!
//! ```text
//! URL ─▶ Settings ─▶ Command::Configure ─▶ worker: one Experiment per rule
//! worker ─▶ Update::Frame ─▶ Runs (runs.rs) ─▶ Readouts and Views (views.rs)
//! ```

pub mod builder;
pub mod controls;
pub mod defaults;
pub mod delta;
pub mod delta_view;
pub mod digits;
pub mod embed;

pub mod export;
pub mod export_view;
pub mod inspect;
pub mod inspect_view;
pub mod network_view;
pub mod presentation;
pub mod runs;
pub mod settings;
pub mod stall;
pub mod views;
pub mod worker;

use std::rc::Rc;

use crate::shell::worker_bridge::{use_reactor_bridge, ReactorEvent, ReactorProvider};
use bioprop::session::MAX_FEEDBACK_DRAW;
use yew::prelude::*;

use super::worker::{RulesWorker, RULES_WORKER};
use crate::shell::embed::{use_embed_api, Embedding, Player};
use crate::shell::keys::{use_shortcuts, Shortcut};
use crate::shell::route::PageKind;
use crate::shell::watchdog::{use_watchdog, Watchdog};
use crate::shell::worker_guard;
use crate::shell::{use_url_settings, NoticeAction, PageFrame, UrlSettings, UrlState};
use crate::widgets::fetch::{self, Download, DIGITS_FILE};
use controls::{Action, Controls};
use delta_view::DeltaPresentation;
use digits::load;
use digits::{is_digits, Pending, PredictRequest, Status};
use export_view::ExportPanel;
use presentation::{PresentBar, Presentation};
use runs::{Event, Runs};
use settings::Settings;
use views::{Readouts, Shared, Views};
use worker::{runs_config, Command, DigitsSource};

#[derive(Properties, PartialEq)]
pub struct RulesPageProps {
    /// Set when `page` named no page (this one is shown instead).
    #[prop_or_default]
    pub page_notice: Option<String>,
}

/// The page's keyboard map, which the embed bar's buttons use too.
fn shortcut_action(shortcut: Shortcut) -> Option<Action> {
    match shortcut {
        Shortcut::TogglePlay => Some(Action::TogglePlay),
        Shortcut::Step => Some(Action::Step),
        Shortcut::Reset => Some(Action::Reset),
        Shortcut::TogglePresent => Some(Action::TogglePresent),
        Shortcut::ToggleTarget
        | Shortcut::NewProblem
        | Shortcut::Hint
        | Shortcut::Next
        | Shortcut::Previous => None,
    }
}

/// The rules page with its training worker.
#[component]
pub fn RulesPage(props: &RulesPageProps) -> Html {
    html! {
        // Each bridge has its own worker, so a restart (shell::watchdog) is a new one.
        <ReactorProvider<RulesWorker> path={RULES_WORKER}>
            <Page page_notice={props.page_notice.clone()} />
        </ReactorProvider<RulesWorker>>
    }
}

/// The settings that, when changed, need new runs (everything but the live
/// ones: learning rates, speed, and what the page shows).
pub fn run_key(settings: &Settings) -> String {
    let defaults = Settings::default();
    let mut key = settings.clone();
    key.lr = defaults.lr;
    key.learning_rates = defaults.learning_rates;
    // Resampling draws the next B into the running runs; the count is for the link.
    key.draw = defaults.draw;
    key.speed = defaults.speed;
    key.feedback_view = defaults.feedback_view;
    key.log_loss = defaults.log_loss;
    key.autoplay = defaults.autoplay;
    key.embed = defaults.embed;
    key.views = defaults.views;
    key.present = defaults.present;
    key.synapse = defaults.synapse;
    key.inspect = defaults.inspect;
    key.to_query()
}

/// What the page says when the worker has stopped answering.
pub const WORKER_STOPPED: &str =
    "The training worker stopped answering (the browser console has the \
    error). Reload the page to start again: your settings are kept in the address bar.";

#[component]
fn Page(props: &RulesPageProps) -> Html {
    // `page` is the loader's; the rules page's settings never see it.
    let UrlState {
        settings, notices, ..
    } = use_url_settings::<Settings>(props.page_notice.clone());
    let watchdog = use_mut_ref(Watchdog::default);
    let runs = use_mut_ref(Runs::default);
    let redraw = use_force_update();
    worker_guard::install();

    let bridge = {
        let runs = runs.clone();
        let notices = notices.dispatcher();
        let redraw = redraw.clone();
        let watchdog = watchdog.clone();
        use_reactor_bridge::<RulesWorker, _>(move |event| {
            let ReactorEvent::Output(update) = event else {
                notices.dispatch(NoticeAction::Push(WORKER_STOPPED.into()));
                return;
            };
            watchdog.borrow_mut().heard(js_sys::Date::now());
            match runs.borrow_mut().apply(update) {
                Event::Stale => return,
                Event::Redraw => {}
                Event::Replaced(stale) => {
                    for message in stale {
                        notices.dispatch(NoticeAction::Remove(message));
                    }
                }
                Event::Diverged(message) | Event::Rejected(message) | Event::Stalled(message) => {
                    notices.dispatch(NoticeAction::Push(message))
                }
                Event::Matrices(json) => {
                    let saved = crate::widgets::download::save_text(
                        export::MATRICES_FILE,
                        "application/json",
                        &json,
                    );
                    if let Err(why) = saved {
                        notices.dispatch(NoticeAction::Push(format!("export: {why}")));
                    }
                }
            }
            redraw.force_update();
        })
    };
    // Every command goes through here, so the watchdog knows what is owed.
    let send = {
        let bridge = bridge.clone();
        let watchdog = watchdog.clone();
        Rc::new(move |command: Command| {
            if command.expects_reply() {
                watchdog.borrow_mut().sent(js_sys::Date::now());
            }
            bridge.send(command);
        })
    };
    let epoch = {
        let runs = runs.clone();
        use_watchdog(
            watchdog.clone(),
            &bridge,
            Rc::new(move || runs.borrow().playing),
            notices.dispatcher(),
            "training",
        )
    };

    // The page parses its settings once into the runs' typed configuration; the
    // worker only validates it.
    let configure = {
        let send = send.clone();
        let notices = notices.dispatcher();
        Rc::new(move |settings: &Settings| match runs_config(settings) {
            Ok(config) => {
                send(Command::Configure(Box::new(config)));
                // The config carries no `max` speed (see `runs_config`).
                send(Command::SetSpeed(settings.speed));
            }
            Err(error) => notices.dispatch(NoticeAction::Push(format!("settings: {error}"))),
        })
    };
    // The digits come from the server the first time the task is chosen: the runs
    // are configured once the worker has them (below).
    let download = use_mut_ref(|| None::<Download>);
    let start_download = {
        let runs = runs.clone();
        let redraw = redraw.clone();
        let send = send.clone();
        let notices = notices.dispatcher();
        Rc::new(move || {
            if runs.borrow().digits.busy() {
                return;
            }
            runs.borrow_mut().digits.status = Status::Downloading {
                received: 0.0,
                total: None,
            };
            let progress = {
                let (runs, redraw) = (runs.clone(), redraw.clone());
                move |received, total| {
                    runs.borrow_mut().digits.status = Status::Downloading { received, total };
                    redraw.force_update();
                }
            };
            let fail = {
                let (runs, redraw, notices) = (runs.clone(), redraw.clone(), notices.clone());
                move |why: String| {
                    notices.dispatch(NoticeAction::Push(format!(
                        "digits: {why}; the page stays on the task it was on"
                    )));
                    runs.borrow_mut().digits.failed();
                    redraw.force_update();
                }
            };
            let done = {
                let (runs, redraw, send, fail) =
                    (runs.clone(), redraw.clone(), send.clone(), fail.clone());
                move |result: Result<Vec<u8>, String>| match result {
                    Ok(bytes) => {
                        {
                            let mut runs = runs.borrow_mut();
                            runs.digits.status = Status::Checking {
                                source: DIGITS_FILE.into(),
                            };
                            runs.digits.pending = Some(Pending::Pack);
                        }
                        send(Command::LoadDigits(DigitsSource::Pack(bytes)));
                        redraw.force_update();
                    }
                    Err(why) => fail(why),
                }
            };
            match fetch::download(DIGITS_FILE, progress, done) {
                Ok(handle) => *download.borrow_mut() = Some(handle),
                Err(why) => fail(why),
            }
        })
    };
    // The settings the runs were last built from, to go back to when the digits fail.
    let last_configured = use_mut_ref(|| None::<Settings>);
    let autoplay_owed = use_mut_ref(|| false);
    // New runs whenever a setting that needs them changes (and at the start).
    {
        let configure = configure.clone();
        let send = send.clone();
        let settings = (*settings).clone();
        let first = use_mut_ref(|| true);
        let runs = runs.clone();
        let start_download = start_download.clone();
        let last_configured = last_configured.clone();
        let autoplay_owed = autoplay_owed.clone();
        use_effect_with(run_key(&settings), move |_| {
            let first = std::mem::replace(&mut *first.borrow_mut(), false);
            // Back from digits that could not be had: the runs in the worker are these.
            let running = last_configured.borrow().as_ref().map(run_key);
            if running.as_deref() == Some(run_key(&settings).as_str()) {
                return;
            }
            if is_digits(&settings) && runs.borrow().digits.loaded.is_none() {
                *autoplay_owed.borrow_mut() = first && settings.autoplay;
                start_download();
                return;
            }
            configure(&settings);
            *last_configured.borrow_mut() = Some(settings.clone());
            if first && settings.autoplay {
                send(Command::Play);
            }
        });
    }
    // A new worker after a restart (shell::watchdog) holds nothing: the settings on
    // screen go to it again (the digits first, when the task needs them), and it plays
    // if the runs were playing.
    {
        let configure = configure.clone();
        let send = send.clone();
        let settings = (*settings).clone();
        let runs = runs.clone();
        let start_download = start_download.clone();
        let last_configured = last_configured.clone();
        let autoplay_owed = autoplay_owed.clone();
        let notices = notices.dispatcher();
        use_effect_with(epoch, move |&epoch| {
            if epoch == 0 {
                return;
            }
            let resume = runs.borrow().playing;
            let had = {
                let mut runs = runs.borrow_mut();
                runs.digits.predicting = false;
                runs.digits.pending = None;
                runs.digits.status = Status::Idle;
                runs.digits.loaded.take()
            };
            if is_digits(&settings) {
                if had.is_some_and(|loaded| loaded.source != DIGITS_FILE) {
                    notices.dispatch(NoticeAction::Push(format!(
                        "digits: the new worker trains on {DIGITS_FILE}; choose your files \
                         again to train on them"
                    )));
                }
                *autoplay_owed.borrow_mut() = resume;
                start_download();
            } else {
                configure(&settings);
                *last_configured.borrow_mut() = Some(settings.clone());
                if resume {
                    send(Command::Play);
                }
            }
            if delta::is_delta_view(&settings) {
                let (output, input) = delta::chosen(&settings).index();
                send(Command::Watch { output, input });
            }
        });
    }
    // New digits in the worker: new runs on them.
    let (loads, failures) = {
        let runs = runs.borrow();
        (runs.digits.loads, runs.digits.failures)
    };
    {
        let configure = configure.clone();
        let send = send.clone();
        let settings = (*settings).clone();
        let last_configured = last_configured.clone();
        use_effect_with(loads, move |&loads| {
            if loads > 0 && is_digits(&settings) {
                configure(&settings);
                *last_configured.borrow_mut() = Some(settings.clone());
                if std::mem::replace(&mut *autoplay_owed.borrow_mut(), false) {
                    send(Command::Play);
                }
            }
        });
    }
    // The digits could not be had: back to the runs on screen (or the default page).
    {
        let settings = settings.clone();
        let last_configured = last_configured.clone();
        use_effect_with(failures, move |&failures| {
            if failures > 0 && is_digits(&settings) {
                let back = last_configured
                    .borrow()
                    .clone()
                    .unwrap_or_else(|| settings.with_task(Settings::default().task));
                settings.set(back);
            }
        });
    }
    // The drawing goes to the runs again when it changed while they were answering,
    // and every so often while they train.
    {
        let runs = runs.clone();
        let send = send.clone();
        let due = {
            let runs = runs.borrow();
            (runs.frames, runs.digits.requests)
        };
        use_effect_with(due, move |_| {
            let mut runs = runs.borrow_mut();
            let playing = runs.playing;
            let now = js_sys::Date::now();
            if !runs.runs.is_empty() && runs.digits.predict_due(now, playing) {
                let digits = &mut runs.digits;
                digits.predicting = true;
                digits.unsent = false;
                digits.predicted_at = now;
                let pixels = digits.drawn.as_deref().cloned().unwrap_or_default();
                let label = digits.label;
                drop(runs);
                send(Command::Predict { pixels, label });
            }
        });
    }
    let on_predict = {
        let runs = runs.clone();
        let redraw = redraw.clone();
        Callback::from(move |request: PredictRequest| {
            {
                let mut runs = runs.borrow_mut();
                let digits = &mut runs.digits;
                if request.pixels.is_none() {
                    digits.predictions = None;
                }
                digits.unsent = request.pixels.is_some();
                digits.drawn = request.pixels;
                digits.label = request.label;
                digits.requests += 1;
            }
            // The effect above sends it.
            redraw.force_update();
        })
    };
    let on_files = {
        let runs = runs.clone();
        let redraw = redraw.clone();
        let send = send.clone();
        let notices = notices.dispatcher();
        Callback::from(move |files: Vec<web_sys::File>| {
            if runs.borrow().digits.busy() {
                notices.dispatch(NoticeAction::Push(
                    "digits: still loading the digits; choose the files again when done".into(),
                ));
                return;
            }
            runs.borrow_mut().digits.status = Status::Reading;
            redraw.force_update();
            let (runs, redraw, send, notices) =
                (runs.clone(), redraw.clone(), send.clone(), notices.clone());
            yew::platform::spawn_local(async move {
                match load::read_files(files).await {
                    Ok(files) => {
                        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
                        {
                            let mut runs = runs.borrow_mut();
                            runs.digits.status = Status::Checking {
                                source: names.join(", "),
                            };
                            runs.digits.pending = Some(Pending::Files);
                        }
                        send(Command::LoadDigits(DigitsSource::Idx { files }));
                    }
                    Err(why) => {
                        notices.dispatch(NoticeAction::Push(format!("digits: {why}")));
                        runs.borrow_mut().digits.settle();
                    }
                }
                redraw.force_update();
            });
        })
    };

    // The delta rule's view follows one synapse: the worker reports its updates.
    {
        let send = send.clone();
        let watched = delta::is_delta_view(&settings).then(|| delta::chosen(&settings).index());
        use_effect_with(watched, move |watched| {
            if let Some((output, input)) = *watched {
                send(Command::Watch { output, input });
            }
        });
    }

    let on_action = {
        let send = send.clone();
        let configure = configure.clone();
        let settings = settings.clone();
        let notices = notices.dispatcher();
        let runs = runs.clone();
        Callback::from(move |action: Action| match action {
            Action::TogglePlay => {
                let playing = runs.borrow().playing;
                send(if playing {
                    Command::Pause
                } else {
                    Command::Play
                });
            }
            Action::Step => send(Command::Step(1)),
            Action::Reset => configure(&settings),
            Action::TogglePresent => settings.set(Settings {
                present: !settings.present,
                ..(*settings).clone()
            }),
            Action::ResampleFeedback => {
                // The draw goes into the link, so Reset and the shared link give this B.
                if settings.draw >= MAX_FEEDBACK_DRAW {
                    notices.dispatch(NoticeAction::Push(format!(
                        "draw: a link holds at most {MAX_FEEDBACK_DRAW} resamples of B; \
                         keeping draw {MAX_FEEDBACK_DRAW}"
                    )));
                    return;
                }
                settings.set(Settings {
                    draw: settings.draw + 1,
                    ..(*settings).clone()
                });
                runs.borrow_mut().note_live_change();
                send(Command::ResampleFeedback);
            }
            Action::DismissNotices => notices.dispatch(NoticeAction::Clear),
            Action::Notice(message) => notices.dispatch(NoticeAction::Push(message)),
            Action::Change(next) => {
                let checked = match settings.edited(&next) {
                    Ok(checked) => checked,
                    Err(problems) => {
                        // Keep what the user had; say what was wrong.
                        for problem in &problems {
                            notices.dispatch(NoticeAction::Push(problem.to_string()));
                        }
                        return;
                    }
                };
                // New runs (a changed key) start at their rates; running ones change live.
                let rates = checked.run_learning_rates();
                if rates != settings.run_learning_rates() && run_key(&checked) == run_key(&settings)
                {
                    runs.borrow_mut().note_live_change();
                    send(Command::SetLearningRates(rates));
                }
                if checked.speed != settings.speed {
                    send(Command::SetSpeed(checked.speed));
                }
                settings.set(checked);
            }
        })
    };

    let on_bar = use_shortcuts(shortcut_action, on_action.clone());
    let _ = use_embed_api(
        Embedding {
            page: PageKind::Rules,
            settings: (*settings).clone(),
            on_settings: on_action.reform(Action::Change),
            player: Some(Player {
                playing: runs.borrow().playing,
                on_bar: on_bar.clone(),
            }),
            frames: runs.borrow().frames,
            metrics: {
                let runs = runs.clone();
                Rc::new(move || embed::metrics(&runs.borrow()))
            },
            diverged: embed::diverged(&runs.borrow()),
            ready: None,
        },
        &notices,
    );

    // An imported file goes to the worker to be read; what it gives replaces these
    // settings (the URL follows) and new runs start, even when they equal the runs on
    // screen.
    let on_import = {
        let send = send.clone();
        Callback::from(move |(name, text): (String, String)| {
            send(Command::ReadConfig { name, text })
        })
    };
    {
        let imports = runs.borrow().imports;
        let runs = runs.clone();
        let settings = settings.clone();
        let configure = configure.clone();
        let notices = notices.dispatcher();
        use_effect_with(imports, move |_| {
            let Some((name, read)) = runs.borrow_mut().imported.take() else {
                return;
            };
            match export::apply_import(&read, &settings) {
                Ok(imported) => {
                    if run_key(&imported) == run_key(&settings) {
                        configure(&imported);
                    }
                    settings.set(imported);
                }
                Err(why) => notices.dispatch(NoticeAction::Push(
                    crate::widgets::config_import::refusal(&name, &why),
                )),
            }
        });
    }
    let on_matrices = {
        let send = send.clone();
        Callback::from(move |()| send(Command::ExportMatrices))
    };
    let on_notice = on_action.reform(Action::Notice);

    let shared = Shared {
        frame: runs.borrow().frames,
        runs: runs.clone(),
    };
    let playing = runs.borrow().playing;
    let embed = settings.embed;
    // Embedding wins: an embedded page shows only its chosen views.
    let present = settings.present && !embed;
    let on_dismiss = on_action.reform(|()| Action::DismissNotices);
    if present {
        return html! {
            <PageFrame page={PageKind::Rules} {embed} {present} notices={notices.0.clone()} {on_dismiss}
                controls={html! {
                    <PresentBar shared={shared.clone()} {playing} on_action={on_action.clone()} />
                }}>
                if delta::is_delta_view(&settings) {
                    <DeltaPresentation {shared} settings={(*settings).clone()} on_action={on_action.clone()} />
                } else {
                    <Presentation {shared} settings={(*settings).clone()} />
                }
            </PageFrame>
        };
    }
    html! {
        <PageFrame page={PageKind::Rules} {embed} notices={notices.0.clone()} {on_dismiss}
            {playing}
            {on_bar}
            controls={html! {
                <Controls settings={(*settings).clone()} {playing}
                    on_action={on_action.clone()} />
            }}>
            <Readouts shared={shared.clone()} />
            <Views shared={shared.clone()} settings={(*settings).clone()} on_action={on_action.clone()}
                {on_files} {on_predict} />
            // Below the views, so that what a lecturer points at stays on the first
            // screen.
            if !embed {
                <ExportPanel {shared} settings={(*settings).clone()}
                    {on_notice} {on_import} {on_matrices} />
            }
        </PageFrame>
    }
}
