//! The dendritic microcircuit page (`?page=microcircuit`, docs/science.md §4): the circuit
//! of Sacramento et al. (2018) learning live, with its compartments, its apical
//! "self-prediction error" and its loss beside BP, FA and shallow on the same data.
//!
//! The circuit runs in the worker ([`worker`], the shell's simulation protocol), off
//! the page's thread: each worker frame (about 30 a second) advances it by two
//! animation frames' worth of `speed` simulated milliseconds, stopping at the frame's
//! time budget, so the full model uses nearly all of the worker's time while the page
//! stays smooth.
//!
//! ```text
//! settings ─▶ Command::Configure(settings) / Change(Retune) ─▶ worker: Sim, or DigitsSim
//! worker ─▶ Frame(CircuitView) ─▶ views; controls ─▶ live changes or a new Sim
//! ```
//!
//! On the digits (`task=digits`, [`digits`]) the worker downloads the digits itself and
//! the page draws [`digits_view`]: the download, the accuracy curve, the receptive
//! fields and the confusion matrix.
//!
//! ```text
//! ```

mod controls;
mod diagram;
pub mod digits;
mod digits_view;
pub mod embed;
pub mod inspector;
pub mod settings;
pub mod sim;
mod views;
pub mod worker;

use std::rc::Rc;

use crate::shell::worker_bridge::ReactorProvider;
use yew::prelude::*;

use super::worker::{MicrocircuitWorker, MICROCIRCUIT_WORKER};
use crate::shell::embed::use_embed_api;
use crate::shell::keys::{use_shortcuts, Shortcut};
use crate::shell::route::PageKind;
use crate::shell::sim_page::use_sim_worker;
use crate::shell::sim_worker::Command;
use crate::shell::{use_url_settings, NoticeAction, PageFrame, UrlState};
use crate::widgets::download::save_text;
use crate::widgets::figure_export::FigureExport;
use crate::widgets::reproduce::{Reproduce, RunHash};
use digits_view::DigitsPanel;
use inspector::CircuitInspector;
use settings::{CircuitTask, MicrocircuitSettings};
use worker::{CircuitView, Retune};

pub use controls::{Action, MicrocircuitControls};
pub use diagram::CircuitDiagram;
pub use sim::Sim;
pub use views::{ApicalMeter, Explanation, LearningCurves, Readouts, Traces};

/// What the page adds to a divergence's message.
pub const DIVERGENCE_ADVICE: &str =
    ". Paused: press reset (or play) to start again from the initial weights.";

/// The page's keyboard map, which the embed bar's buttons use too.
fn shortcut_action(shortcut: Shortcut) -> Option<Action> {
    match shortcut {
        Shortcut::TogglePlay => Some(Action::TogglePlay),
        Shortcut::Step => Some(Action::Step),
        Shortcut::Reset => Some(Action::Reset),
        Shortcut::ToggleTarget => Some(Action::ToggleTarget),
        Shortcut::TogglePresent
        | Shortcut::NewProblem
        | Shortcut::Hint
        | Shortcut::Next
        | Shortcut::Previous => None,
    }
}

/// The microcircuit page with its worker.
#[component]
pub fn MicrocircuitPage() -> Html {
    html! {
        <ReactorProvider<MicrocircuitWorker> path={MICROCIRCUIT_WORKER}>
            <Page />
        </ReactorProvider<MicrocircuitWorker>>
    }
}

#[component]
fn Page() -> Html {
    let UrlState {
        initial,
        settings,
        notices,
    } = use_url_settings::<MicrocircuitSettings>(None);
    let autoplay = initial.autoplay;
    let driver = use_sim_worker::<MicrocircuitWorker, MicrocircuitSettings, Retune, CircuitView>(
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
            Action::ToggleTarget => {
                let mut next = (*settings).clone();
                next.target = !next.target;
                driver.send(Command::Change(Retune::of(&next)));
                settings.set(next);
            }
            Action::DismissNotices => notices.dispatch(NoticeAction::Clear),
            Action::Change(mut next) => {
                if next.task != settings.task
                    && [next.task, settings.task].contains(&CircuitTask::Digits)
                {
                    // Into or out of the digits: that task's model and speed.
                    next.mode = next.task.default_mode();
                    next.speed = next.task.default_speed();
                    if next.task == CircuitTask::Digits {
                        next.digits_only();
                    }
                }
                if let Some(notice) = next.checked_neuron() {
                    notices.dispatch(NoticeAction::Push(notice.to_string()));
                    return;
                }
                if settings.needs_rebuild(&next) {
                    driver.configure(next.clone());
                } else if Retune::of(&next) != Retune::of(&settings) {
                    driver.send(Command::Change(Retune::of(&next)));
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
                let (name, mime) = kind.file(PageKind::Microcircuit.name());
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
            driver.apply_import(&settings, &notices, MicrocircuitSettings::with_imported)
        });
    }
    let _ = use_embed_api(
        driver.embedding(
            PageKind::Microcircuit,
            (*settings).clone(),
            on_action.reform(Action::Change),
            on_bar.clone(),
            embed::metrics,
        ),
        &notices,
    );
    let on_inspect = {
        let settings = settings.clone();
        on_action.reform(move |inspect: Option<usize>| {
            Action::Change(MicrocircuitSettings {
                inspect,
                ..(*settings).clone()
            })
        })
    };

    let frame = driver.frame();
    let checkpoint = frame.as_ref().and_then(|f| f.view.checkpoint());
    let body = match frame.as_ref().map(|f| &f.view) {
        Some(CircuitView::Digits(view)) => html! {
            <DigitsPanel view={Rc::new((**view).clone())} />
        },
        Some(CircuitView::Circuit(view)) => html! {
            <>
                <Readouts patterns={view.snapshot.patterns} time_ms={view.snapshot.time_ms}
                    loss={view.loss} apical_energy={view.apical_energy} row_energy={view.row_energy}
                    update_angle={update_angle(&view.snapshot)} target={view.snapshot.target_on}
                    phase={view.phase} />
                <section class="panel wide">
                    <h2>{"One hidden layer of the circuit"}</h2>
                    <CircuitDiagram snapshot={Rc::new(view.snapshot.clone())} />
                </section>
                <Traces trace={Rc::new(view.trace.clone())} neuron={settings.neuron} />
                <ApicalMeter energy={Rc::new(view.energy.clone())}
                    switches={Rc::new(view.switches.clone())} peak={view.peak} />
                <LearningCurves curves={Rc::new(views::curves(&view.curves))} />
            </>
        },
        None => html! {
            <section class="panel wide" data-testid="starting">
                <p>{"Starting the circuit…"}</p>
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
        <PageFrame page={PageKind::Microcircuit} {embed} notices={notices.0.clone()}
            on_dismiss={on_action.reform(|()| Action::DismissNotices)}
            playing={driver.playing()}
            {on_bar}
            controls={html! {
                <MicrocircuitControls settings={(*settings).clone()} playing={driver.playing()}
                    on_action={on_action.clone()} />
            }}>
            {body}
            if !embed {
                <FigureExport on_notice={on_notice.clone()} on_data={driver.export_callback()}
                    on_import={driver.import_callback()}>
                    if let Some(checkpoint) = checkpoint {
                        <Reproduce command={worker::cli_command(&checkpoint)} {on_notice}
                            hashes={vec![RunHash {
                                name: bioprop::microcircuit::NAME.to_owned(),
                                label: format!("{} patterns", checkpoint.patterns),
                                step: checkpoint.patterns,
                                hash: checkpoint.weights_hash,
                            }]} />
                    }
                </FigureExport>
                <CircuitInspector chosen={settings.inspect} on_choose={on_inspect} />
                <Explanation />
            }
        </PageFrame>
    }
}

/// The latest row's update angle of the probed hidden layer.
fn update_angle(snapshot: &bioprop::microcircuit::Snapshot) -> Option<f32> {
    let row = snapshot.metrics.as_ref()?;
    row.layers
        .iter()
        .find(|l| l.layer == snapshot.probe.layer)?
        .update_angle_deg
}
