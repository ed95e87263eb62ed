//! The dendritic microcircuit page (`?page=microcircuit`, SCIENCE.md §4): the circuit
//! of Sacramento et al. (2018) learning live, with its compartments, its apical
//! "self-prediction error" and its loss beside BP, FA and shallow on the same data.
//!
//! The circuit runs on the page's own thread, not in the worker: each animation frame
//! advances it by `speed` simulated milliseconds but stops after [`FRAME_BUDGET_MS`]
//! of wall-clock time, so the page stays responsive even for the full model (Euler
//! steps of 0.1 ms; about 10 simulated seconds per second natively).
//!
//! ```text
//! Interval (owned; dropped on pause) ─▶ Sim::advance(speed, budget) ─▶ redraw
//!   views read the state, trace and histories; controls ─▶ live changes or a new Sim
//! ```

mod controls;
mod diagram;
pub mod sim;
mod views;

use std::rc::Rc;

use bioprop::microcircuit::Mode;
use gloo::timers::callback::Interval;
use yew::prelude::*;

use crate::keys::use_shortcuts;

use crate::app::{current_query, write_query, Footer, Header, NoticeAction, Notices};
use crate::microcircuit_settings::MicrocircuitSettings;
use crate::route::PageKind;

pub use controls::{Action, MicrocircuitControls};
pub use diagram::CircuitDiagram;
pub use sim::Sim;
pub use views::{ApicalMeter, Explanation, LearningCurves, Readouts, Traces};

/// Milliseconds between animation frames (about 60 a second).
pub const FRAME_MS: u32 = 16;
/// Wall-clock milliseconds a frame may spend simulating.
pub const FRAME_BUDGET_MS: f64 = 8.0;

/// What the page adds to a divergence's message.
pub const DIVERGENCE_ADVICE: &str =
    ". Paused: press reset (or play) to start again from the initial weights.";

fn new_sim(settings: &MicrocircuitSettings) -> Sim {
    Sim::new(&settings.config(), settings.target)
}

fn advance(sim: &mut Sim, speed: u32) -> Result<(), String> {
    let start = js_sys::Date::now();
    sim.advance(f64::from(speed), start + FRAME_BUDGET_MS, js_sys::Date::now)
}

#[component]
pub fn MicrocircuitPage() -> Html {
    let initial = use_memo((), |_| MicrocircuitSettings::from_query(&current_query()));
    let settings = use_state(|| initial.0.clone());
    let notices = use_reducer(|| Notices(initial.1.iter().map(|n| n.to_string()).collect()));
    let sim = use_mut_ref(|| new_sim(&initial.0));
    let playing = use_state(|| initial.0.autoplay);
    let redraw = use_force_update();

    {
        let sim = sim.clone();
        let playing_handle = playing.clone();
        let notices = notices.dispatcher();
        let redraw = redraw.clone();
        use_effect_with((*playing, settings.speed), move |&(playing, speed)| {
            let interval = playing.then(|| {
                Interval::new(FRAME_MS, move || {
                    let result = advance(&mut sim.borrow_mut(), speed);
                    if let Err(message) = result {
                        playing_handle.set(false);
                        notices
                            .dispatch(NoticeAction::Push(format!("{message}{DIVERGENCE_ADVICE}")));
                    }
                    redraw.force_update();
                })
            });
            move || drop(interval)
        });
    }
    use_effect_with(settings.to_query(), |query| write_query(query));

    let on_action = {
        let settings = settings.clone();
        let sim = sim.clone();
        let playing = playing.clone();
        let notices = notices.dispatcher();
        let redraw = redraw.clone();
        Callback::from(move |action: Action| match action {
            Action::TogglePlay => {
                if !*playing && sim.borrow().circuit.diverged().is_some() {
                    *sim.borrow_mut() = new_sim(&settings);
                }
                playing.set(!*playing);
            }
            Action::Step => {
                if let Err(message) = advance(&mut sim.borrow_mut(), settings.speed) {
                    notices.dispatch(NoticeAction::Push(format!("{message}{DIVERGENCE_ADVICE}")));
                }
                redraw.force_update();
            }
            Action::Reset => {
                *sim.borrow_mut() = new_sim(&settings);
                redraw.force_update();
            }
            Action::ToggleTarget => {
                let mut next = (*settings).clone();
                next.target = !next.target;
                sim.borrow_mut().set_target(next.target);
                settings.set(next);
            }
            Action::DismissNotices => notices.dispatch(NoticeAction::Clear),
            Action::Change(next) => {
                if let Some(notice) = next.checked_neuron() {
                    notices.dispatch(NoticeAction::Push(notice.to_string()));
                    return;
                }
                if settings.needs_rebuild(&next) {
                    *sim.borrow_mut() = new_sim(&next);
                } else {
                    let mut sim = sim.borrow_mut();
                    sim.circuit.set_mode(next.mode);
                    sim.set_target(next.target);
                    let probe = next.config().probe;
                    if probe != sim.circuit.config().probe {
                        if let Err(error) = sim.circuit.set_probe(probe) {
                            notices.dispatch(NoticeAction::Push(format!("neuron: {error}")));
                            return;
                        }
                    }
                }
                settings.set(next);
                redraw.force_update();
            }
        })
    };
    // Space = play/pause, s = step (one frame's worth), r = reset, t = target.
    use_shortcuts(
        |key| match key {
            " " => Some(Action::TogglePlay),
            "s" | "S" => Some(Action::Step),
            "r" | "R" => Some(Action::Reset),
            "t" | "T" => Some(Action::ToggleTarget),
            _ => None,
        },
        on_action.clone(),
    );

    let sim_ref = sim.borrow();
    let circuit = &sim_ref.circuit;
    let snapshot = Rc::new(circuit.snapshot());
    let all: Vec<_> = circuit.trace().iter().copied().collect();
    // The full model's last 2 s (20 patterns); the steady state has one point per
    // pattern, so the last 60 patterns.
    let window_ms = match circuit.mode() {
        Mode::Full => 2000.0,
        Mode::SteadyState => 60.0 * f64::from(circuit.config().pattern_ms),
    };
    let trace = Rc::new(views::recent(&all, window_ms).to_vec());
    let energy = Rc::new(sim_ref.energy.clone());
    let switches = Rc::new(sim_ref.switches.clone());
    let curves = Rc::new(views::curves(&sim_ref));
    let apical_energy = sim_ref.apical_energy();
    let loss = circuit.latest().map(|m| m.test.loss);
    let patterns = circuit.patterns();
    let time_ms = circuit.time_ms();
    drop(sim_ref);
    let embed = settings.embed;
    let dismiss = on_action.reform(|_| Action::DismissNotices);
    html! {
        <div class={classes!("shell", "microcircuit", embed.then_some("embed"))} data-testid="app">
            if !embed {
                <Header active={PageKind::Microcircuit} />
            }
            <div class="notices" data-testid="notice" role="status" aria-live="polite">
                if !notices.0.is_empty() {
                    <ul>{ for notices.0.iter().map(|n| html! { <li>{n}</li> }) }</ul>
                    <button class="dismiss" onclick={dismiss} aria-label="Dismiss notices">{"×"}</button>
                }
            </div>
            <div class="workspace">
                if !embed {
                    <MicrocircuitControls settings={(*settings).clone()} playing={*playing}
                        on_action={on_action.clone()} />
                }
                <main class="main">
                    <Readouts {patterns} {time_ms} {loss} {apical_energy} target={settings.target} />
                    <section class="panel wide">
                        <h2>{"One hidden layer of the circuit"}</h2>
                        <CircuitDiagram snapshot={snapshot.clone()} />
                    </section>
                    <Traces trace={trace} neuron={settings.neuron} />
                    <ApicalMeter {energy} {switches} />
                    <LearningCurves {curves} />
                    if !embed {
                        <Explanation />
                    }
                </main>
            </div>
            if !embed {
                <Footer />
            }
        </div>
    }
}
