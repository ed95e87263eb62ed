//! The cerebellum page (`?page=cerebellum`, docs/science.md §5): an adaptive filter learning
//! the VOR gain or a forward model, simulated in the worker ([`worker`], the shell's
//! simulation protocol) off the page's thread.
//!
//! ```text
//! settings ─▶ Command::Configure(settings) / Change(settings) (retune, live) ─▶ worker: Sim
//! worker ─▶ Frame(CerebellumView) ─▶ views read the snapshot, trace and gain history
//! ```
//!
//! The page keeps only the latest frame (in a `RefCell`); the settings, the play flag
//! and the notices are Yew state.

mod controls;
mod diagram;
pub mod embed;
pub mod settings;
pub mod sim;
pub mod teacher;
mod teacher_view;
mod views;
pub mod worker;

use std::rc::Rc;

use crate::shell::worker_bridge::ReactorProvider;
use yew::prelude::*;

use super::worker::{CerebellumWorker, CEREBELLUM_WORKER};
use crate::shell::embed::use_embed_api;
use crate::shell::keys::{use_shortcuts, Shortcut};
use crate::shell::route::PageKind;
use crate::shell::sim_page::use_sim_worker;
use crate::shell::sim_worker::Command;
use crate::shell::{use_url_settings, NoticeAction, PageFrame, UrlState};
use crate::widgets::download::save_text;
use crate::widgets::figure_export::FigureExport;
use crate::widgets::reproduce::{Reproduce, RunHash};
use settings::CerebellumSettings;
use worker::CerebellumView;

pub use controls::{Action, CerebellumControls};
pub use diagram::CircuitDiagram;
pub use sim::Sim;
pub use teacher_view::{TeacherExplanation, TeacherViews};
pub use views::{Bars, Explanation, GainChart, Readouts, Traces};

/// What the page adds to a divergence's message: where the limit comes from and how
/// to go on.
pub const DIVERGENCE_ADVICE: &str =
    ". Paused. With an error delay, learning fails above about 1/(4·delay) Hz (Porrill & \
     Dean 2007); a matching eligibility delay repairs it here: change the sliders, then \
     press play or reset to start again from naive weights.";

/// The page's keyboard map, which the embed bar's buttons use too.
fn shortcut_action(shortcut: Shortcut) -> Option<Action> {
    match shortcut {
        Shortcut::TogglePlay => Some(Action::TogglePlay),
        Shortcut::Step => Some(Action::Step),
        Shortcut::Reset => Some(Action::Reset),
        Shortcut::ToggleTarget
        | Shortcut::TogglePresent
        | Shortcut::NewProblem
        | Shortcut::Hint
        | Shortcut::Next
        | Shortcut::Previous => None,
    }
}

/// The cerebellum page with its worker.
#[component]
pub fn CerebellumPage() -> Html {
    html! {
        <ReactorProvider<CerebellumWorker> path={CEREBELLUM_WORKER}>
            <Page />
        </ReactorProvider<CerebellumWorker>>
    }
}

#[component]
fn Page() -> Html {
    let UrlState {
        initial,
        settings,
        notices,
    } = use_url_settings::<CerebellumSettings>(None);
    let autoplay = initial.autoplay;
    let driver =
        use_sim_worker::<CerebellumWorker, CerebellumSettings, CerebellumSettings, CerebellumView>(
            (*settings).clone(),
            autoplay,
            settings.speed,
            notices.dispatcher(),
            DIVERGENCE_ADVICE,
        );

    let on_action = {
        let settings = settings.clone();
        let driver = driver.clone();
        let notices = notices.dispatcher();
        Callback::from(move |action: Action| match action {
            Action::TogglePlay => driver.toggle_play(|| (*settings).clone()),
            Action::Step => driver.send(Command::Step(settings.speed)),
            Action::Reset => driver.configure((*settings).clone()),
            Action::DismissNotices => notices.dispatch(NoticeAction::Clear),
            Action::Change(next) => {
                if settings.needs_rebuild(&next) {
                    driver.configure(next.clone());
                } else {
                    // Checked here too, so a refusal keeps the controls as they were.
                    let config = next.config();
                    if let Err(error) = config.validate_retune(&settings.config()) {
                        notices.dispatch(NoticeAction::Push(format!(
                            "settings: {error}; not changed"
                        )));
                        return;
                    }
                    if config != settings.config() {
                        driver.send(Command::Change(next.clone()));
                    }
                }
                settings.set(next);
            }
        })
    };
    let on_bar = use_shortcuts(shortcut_action, on_action.clone());
    // A file the worker exported (Export → metrics, weights, configuration): saved once.
    {
        let driver = driver.clone();
        let notices = notices.dispatcher();
        use_effect(move || {
            if let Some((kind, text)) = driver.take_export() {
                let (name, mime) = kind.file(PageKind::Cerebellum.name());
                if let Err(why) = save_text(&name, mime, &text) {
                    notices.dispatch(NoticeAction::Push(format!("export: {why}")));
                }
            }
        });
    }
    // An imported configuration the worker read: its settings replace these (the URL
    // follows) and a new run starts from them; a refusal is the worker's notice.
    {
        let driver = driver.clone();
        let settings = settings.clone();
        let notices = notices.dispatcher();
        use_effect(move || {
            driver.apply_import(&settings, &notices, CerebellumSettings::with_imported)
        });
    }
    let _ = use_embed_api(
        driver.embedding(
            PageKind::Cerebellum,
            (*settings).clone(),
            on_action.reform(Action::Change),
            on_bar.clone(),
            embed::metrics,
        ),
        &notices,
    );

    let frame = driver.frame();
    // The adaptive filter's step and weights hash (the distal teacher saves no
    // configuration).
    let reproduce = frame
        .as_ref()
        .filter(|f| f.view.teacher.is_none())
        .map(|f| (f.view.snapshot.step, f.view.weights_hash));
    let body = match frame.as_ref().map(|f| &f.view) {
        Some(CerebellumView {
            teacher: Some(teacher),
            ..
        }) => html! { <TeacherViews view={Rc::new(teacher.clone())} /> },
        Some(view) => {
            let snapshot = Rc::new(view.snapshot.clone());
            let taus = Rc::new(view.taus.clone());
            let task = view.snapshot.task;
            html! {
                <>
                    <Readouts snapshot={snapshot.clone()} />
                    <section class="panel wide">
                        <h2>{"The circuit"}</h2>
                        <CircuitDiagram snapshot={snapshot.clone()} taus={taus.clone()}
                            brainstem_gain={view.brainstem_gain} />
                    </section>
                    <Traces trace={Rc::new(view.trace.clone())} {task} />
                    <GainChart history={Rc::new(view.gain_history.clone())} snapshot={snapshot.clone()} />
                    <Bars title="Purkinje weights w_i" testid="weights" values={Rc::new(snapshot.weights.clone())}
                        taus={taus.clone()} fixed_range={false} />
                    <Bars title="Error–basis correlations c_i (→ 0 as learning converges)" testid="correlations"
                        values={Rc::new(snapshot.correlations.clone())} {taus} fixed_range={true} />
                </>
            }
        }
        None => html! {
            <section class="panel wide" data-testid="starting">
                <p>{"Starting the simulation…"}</p>
            </section>
        },
    };
    drop(frame);
    let embed = settings.embed;
    let on_notice = {
        let notices = notices.dispatcher();
        Callback::from(move |message: String| notices.dispatch(NoticeAction::Push(message)))
    };
    html! {
        <PageFrame page={PageKind::Cerebellum} {embed} notices={notices.0.clone()}
            on_dismiss={on_action.reform(|()| Action::DismissNotices)}
            playing={driver.playing()}
            {on_bar}
            controls={html! {
                <CerebellumControls settings={(*settings).clone()} playing={driver.playing()}
                    on_action={on_action.clone()} />
            }}>
            {body}
            if !embed {
                <FigureExport on_notice={on_notice.clone()} on_data={driver.export_callback()}
                    on_import={driver.import_callback()}>
                    if let Some((step, hash)) = reproduce {
                        <Reproduce command={worker::cli_command(step)} {on_notice}
                            hashes={vec![RunHash {
                                name: bioprop::cerebellum::RULE_NAME.to_owned(),
                                label: format!("step {step}"),
                                step,
                                hash,
                            }]} />
                    }
                </FigureExport>
                if settings.teacher {
                    <TeacherExplanation />
                } else {
                    <Explanation task={settings.task} />
                }
            }
        </PageFrame>
    }
}
