//! The app: the shell (header, main area, footer), the connection to the
//! training worker, and the page's settings kept in the URL.

use std::rc::Rc;

use gloo::timers::callback::Interval;
use yew::prelude::*;
use yew_agent::reactor::{use_reactor_bridge, ReactorEvent, ReactorProvider};

use crate::cerebellum_page::CerebellumPage;
use crate::controls::{Action, Controls};
use crate::keys::use_shortcuts;
use crate::microcircuit_page::MicrocircuitPage;
use crate::route::{page_from_query, without_page, PageKind};
use crate::runs::{Event, Runs, Watchdog};
use crate::settings::{Notice, Settings};
use crate::views::{Readouts, Shared, Views};
use crate::worker::{Command, TrainingWorker};

/// Where the footer's "source" link points: the source archive that
/// `scripts/build-web.sh` puts beside the app.
pub const SOURCE_ARCHIVE: &str = "bioprop-source.tar.gz";
/// The worker script, relative to the page so the app works from any folder.
pub const WORKER_PATH: &str = "worker.js";

/// Picks the page from the `page` query parameter (see [`crate::route`]); only the
/// rules page needs the training worker.
#[component]
pub fn App() -> Html {
    let route = use_memo((), |_| page_from_query(&current_query()));
    match route.0 {
        PageKind::Cerebellum => html! { <CerebellumPage /> },
        PageKind::Microcircuit => html! { <MicrocircuitPage /> },
        PageKind::Rules => html! {
            <ReactorProvider<TrainingWorker> path={WORKER_PATH}>
                <Page page_notice={route.1.clone()} />
            </ReactorProvider<TrainingWorker>>
        },
    }
}

/// The settings that, when changed, need new runs (everything but the live
/// ones: learning rate, speed, and what the page shows).
pub fn run_key(settings: &Settings) -> String {
    let defaults = Settings::default();
    let mut key = settings.clone();
    key.lr = defaults.lr;
    key.speed = defaults.speed;
    key.feedback_view = defaults.feedback_view;
    key.log_loss = defaults.log_loss;
    key.autoplay = defaults.autoplay;
    key.embed = defaults.embed;
    key.views = defaults.views;
    key.to_query()
}

pub(crate) fn current_query() -> String {
    gloo::utils::window()
        .location()
        .search()
        .unwrap_or_default()
}

/// Keeps the address bar equal to the settings, without adding history entries.
pub(crate) fn write_query(query: &str) {
    let window = gloo::utils::window();
    let path = window.location().pathname().unwrap_or_default();
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}{query}")),
        );
    }
}

fn notice_text(notice: &Notice) -> String {
    format!("{}: {}", notice.param, notice.message)
}

/// The notices shown above the views: bad input, divergence, a stopped worker.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Notices(pub Vec<String>);

pub enum NoticeAction {
    /// Adds a notice, unless the same one is already shown.
    Push(String),
    Clear,
}

impl Reducible for Notices {
    type Action = NoticeAction;

    fn reduce(self: Rc<Self>, action: NoticeAction) -> Rc<Self> {
        match action {
            NoticeAction::Push(text) if self.0.contains(&text) => self,
            NoticeAction::Push(text) => {
                let mut list = self.0.clone();
                list.push(text);
                Rc::new(Notices(list))
            }
            NoticeAction::Clear => Rc::new(Notices::default()),
        }
    }
}

/// What the page says when the worker has stopped answering.
pub const WORKER_STOPPED: &str =
    "The training worker stopped answering (the browser console has the \
    error). Reload the page to start again: your settings are kept in the address bar.";

#[derive(Properties, PartialEq)]
struct PageProps {
    /// Set when `page` named no page (this one is shown instead).
    #[prop_or_default]
    page_notice: Option<String>,
}

#[component]
fn Page(props: &PageProps) -> Html {
    // `page` is the router's; the rules page's settings never see it.
    let initial = use_memo((), |_| {
        Settings::from_query_checked(&without_page(&current_query()))
    });
    let settings = use_state(|| initial.0.clone());
    let notices = use_reducer(|| {
        Notices(
            props
                .page_notice
                .iter()
                .cloned()
                .chain(initial.1.iter().map(notice_text))
                .collect(),
        )
    });
    let watchdog = use_mut_ref(Watchdog::default);
    let runs = use_mut_ref(Runs::default);
    let redraw = use_force_update();

    let bridge = {
        let runs = runs.clone();
        let notices = notices.dispatcher();
        let redraw = redraw.clone();
        let watchdog = watchdog.clone();
        use_reactor_bridge::<TrainingWorker, _>(move |event| {
            let ReactorEvent::Output(update) = event else {
                notices.dispatch(NoticeAction::Push(WORKER_STOPPED.into()));
                return;
            };
            watchdog.borrow_mut().heard(js_sys::Date::now());
            match runs.borrow_mut().apply(update) {
                Event::Stale => return,
                Event::Redraw => {}
                Event::Diverged(message) | Event::Rejected(message) => {
                    notices.dispatch(NoticeAction::Push(message))
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
    {
        let watchdog = watchdog.clone();
        let runs = runs.clone();
        let notices = notices.dispatcher();
        use_effect_with((), move |_| {
            let interval = Interval::new(1000, move || {
                let playing = runs.borrow().playing;
                if watchdog.borrow_mut().stalled(js_sys::Date::now(), playing) {
                    notices.dispatch(NoticeAction::Push(WORKER_STOPPED.into()));
                }
            });
            move || drop(interval)
        });
    }

    // New runs whenever a setting that needs them changes (and at the start).
    {
        let send = send.clone();
        let settings = (*settings).clone();
        let first = use_mut_ref(|| true);
        use_effect_with(run_key(&settings), move |_| {
            send(Command::Configure {
                query: settings.to_query(),
            });
            send(Command::SetSpeed(settings.speed));
            if std::mem::replace(&mut *first.borrow_mut(), false) && settings.autoplay {
                send(Command::Play);
            }
        });
    }
    // The address bar follows the settings.
    use_effect_with(settings.to_query(), |query| write_query(query));

    let on_action = {
        let send = send.clone();
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
            Action::Reset => send(Command::Configure {
                query: settings.to_query(),
            }),
            Action::ResampleFeedback => send(Command::ResampleFeedback),
            Action::DismissNotices => notices.dispatch(NoticeAction::Clear),
            Action::Notice(message) => notices.dispatch(NoticeAction::Push(message)),
            Action::Change(next) => {
                let (checked, problems) = Settings::from_query_checked(&next.to_query());
                if !problems.is_empty() {
                    // Keep what the user had; say what was wrong.
                    for problem in &problems {
                        notices.dispatch(NoticeAction::Push(notice_text(problem)));
                    }
                    return;
                }
                if checked.lr != settings.lr {
                    if let Some(lr) = checked.lr.or_else(|| {
                        checked
                            .experiment_configs()
                            .ok()
                            .and_then(|c| c.first().map(|c| c.lr))
                    }) {
                        send(Command::SetLearningRate(lr));
                    }
                }
                if checked.speed != settings.speed {
                    send(Command::SetSpeed(checked.speed));
                }
                settings.set(checked);
            }
        })
    };

    // Keyboard: space = play/pause, s = step, r = reset (not while typing).
    use_shortcuts(
        |key| match key {
            " " => Some(Action::TogglePlay),
            "s" | "S" => Some(Action::Step),
            "r" | "R" => Some(Action::Reset),
            _ => None,
        },
        on_action.clone(),
    );

    let shared = Shared {
        frame: runs.borrow().frames,
        runs: runs.clone(),
    };
    let playing = runs.borrow().playing;
    let embed = settings.embed;
    html! {
        <div class={classes!("shell", embed.then_some("embed"))} data-testid="app">
            if !embed {
                <Header active={PageKind::Rules} />
            }
            <NoticeArea notices={notices.0.clone()} on_action={on_action.clone()} />
            <div class="workspace">
                if !embed {
                    <Controls settings={(*settings).clone()} {playing}
                        on_action={on_action.clone()} />
                }
                <main class="main">
                    <Readouts shared={shared.clone()} />
                    <Views {shared} settings={(*settings).clone()} />
                </main>
            </div>
            if !embed {
                <Footer />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct NoticeAreaProps {
    notices: Vec<String>,
    on_action: Callback<Action>,
}

#[component]
fn NoticeArea(props: &NoticeAreaProps) -> Html {
    let dismiss = props.on_action.reform(|_| Action::DismissNotices);
    html! {
        <div class="notices" data-testid="notice" role="status" aria-live="polite">
            if !props.notices.is_empty() {
                <ul>
                    { for props.notices.iter().map(|n| html! { <li>{n}</li> }) }
                </ul>
                <button class="dismiss" onclick={dismiss} aria-label="Dismiss notices">{"×"}</button>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    /// The page shown, marked `aria-current` in the navigation.
    pub active: PageKind,
}

#[component]
pub fn Header(props: &HeaderProps) -> Html {
    let link = |page: PageKind, label: &'static str, testid: &'static str| {
        let current = (page == props.active).then_some("page");
        html! {
            <a href={page.href()} aria-current={current} data-testid={testid}>{label}</a>
        }
    };
    html! {
        <header class="header">
            <h1 class="brand">{"bioprop"}</h1>
            <p class="tagline">{"Backprop and its biologically plausible rivals, trained live in your browser."}</p>
            <nav class="nav" aria-label="Pages">
                { link(PageKind::Rules, "Learning rules", "nav-rules") }
                { link(PageKind::Cerebellum, "Cerebellum", "nav-cerebellum") }
                { link(PageKind::Microcircuit, "Dendritic microcircuit", "nav-microcircuit") }
            </nav>
        </header>
    }
}

#[component]
pub fn Footer() -> Html {
    html! {
        <footer class="footer">
            <span data-testid="version">{format!("bioprop {}", env!("CARGO_PKG_VERSION"))}</span>
            {" · "}
            <a href={SOURCE_ARCHIVE} data-testid="source-link">{"source"}</a>
            {" · "}
            <span>{"MIT or Apache-2.0"}</span>
            {" · keys: space play/pause, s step, r reset, t target (microcircuit)"}
        </footer>
    }
}
