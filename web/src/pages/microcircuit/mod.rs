//! The dendritic microcircuit page (`?page=microcircuit`, docs/science.md §4): the circuit
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
pub mod settings;
pub mod sim;
mod views;

use std::rc::Rc;

use bioprop::microcircuit::Mode;
use yew::prelude::*;

use crate::shell::driver::{use_driver, Simulation};
use crate::shell::keys::{use_shortcuts, Shortcut};
use crate::shell::route::PageKind;
use crate::shell::{use_url_settings, NoticeAction, PageFrame, UrlState};
use settings::MicrocircuitSettings;

pub use controls::{Action, MicrocircuitControls};
pub use diagram::CircuitDiagram;
pub use sim::Sim;
pub use views::{ApicalMeter, Explanation, LearningCurves, Readouts, Traces};

/// Wall-clock milliseconds a frame may spend simulating.
pub const FRAME_BUDGET_MS: f64 = 8.0;

/// What the page adds to a divergence's message.
pub const DIVERGENCE_ADVICE: &str =
    ". Paused: press reset (or play) to start again from the initial weights.";

fn new_sim(settings: &MicrocircuitSettings) -> Sim {
    Sim::new(&settings.config(), settings.target)
}

impl Simulation for Sim {
    fn run_frame(&mut self, speed: u32) -> Result<(), String> {
        let start = js_sys::Date::now();
        self.advance(f64::from(speed), start + FRAME_BUDGET_MS, js_sys::Date::now)
    }

    fn diverged(&self) -> bool {
        self.circuit.diverged().is_some()
    }
}

/// The page's keyboard map, which the embed bar's buttons use too.
fn shortcut_action(shortcut: Shortcut) -> Option<Action> {
    match shortcut {
        Shortcut::TogglePlay => Some(Action::TogglePlay),
        Shortcut::Step => Some(Action::Step),
        Shortcut::Reset => Some(Action::Reset),
        Shortcut::ToggleTarget => Some(Action::ToggleTarget),
        Shortcut::TogglePresent | Shortcut::Next | Shortcut::Previous => None,
    }
}

#[component]
pub fn MicrocircuitPage() -> Html {
    let UrlState {
        initial,
        settings,
        notices,
    } = use_url_settings::<MicrocircuitSettings>(None);
    let driver = use_driver(
        || new_sim(&initial),
        initial.autoplay,
        settings.speed,
        notices.dispatcher(),
        DIVERGENCE_ADVICE,
    );

    let on_action = {
        let settings = settings.clone();
        let driver = driver.clone();
        let notices = notices.dispatcher();
        Callback::from(move |action: Action| match action {
            Action::TogglePlay => driver.toggle_play(|| new_sim(&settings)),
            Action::Step => driver.step(settings.speed),
            Action::Reset => driver.replace(new_sim(&settings)),
            Action::ToggleTarget => {
                let mut next = (*settings).clone();
                next.target = !next.target;
                driver.sim.borrow_mut().set_target(next.target);
                settings.set(next);
            }
            Action::DismissNotices => notices.dispatch(NoticeAction::Clear),
            Action::Change(next) => {
                if let Some(notice) = next.checked_neuron() {
                    notices.dispatch(NoticeAction::Push(notice.to_string()));
                    return;
                }
                if settings.needs_rebuild(&next) {
                    driver.replace(new_sim(&next));
                } else {
                    let mut sim = driver.sim.borrow_mut();
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
                driver.redraw();
            }
        })
    };
    let on_bar = use_shortcuts(shortcut_action, on_action.clone());

    let sim_ref = driver.sim.borrow();
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
    let energy = Rc::new(sim_ref.energy.points());
    let switches = Rc::new(sim_ref.switches.clone());
    let peak = sim_ref.energy_peak;
    let curves = Rc::new(views::curves(&sim_ref));
    let apical_energy = sim_ref.apical_energy();
    let loss = circuit.latest().map(|m| m.test.loss);
    let patterns = circuit.patterns();
    let time_ms = circuit.time_ms();
    drop(sim_ref);
    let embed = settings.embed;
    html! {
        <PageFrame page={PageKind::Microcircuit} {embed} notices={notices.0.clone()}
            on_dismiss={on_action.reform(|()| Action::DismissNotices)}
            playing={driver.playing()}
            {on_bar}
            controls={html! {
                <MicrocircuitControls settings={(*settings).clone()} playing={driver.playing()}
                    on_action={on_action.clone()} />
            }}>
            <Readouts {patterns} {time_ms} {loss} {apical_energy} target={settings.target} />
            <section class="panel wide">
                <h2>{"One hidden layer of the circuit"}</h2>
                <CircuitDiagram snapshot={snapshot.clone()} />
            </section>
            <Traces trace={trace} neuron={settings.neuron} />
            <ApicalMeter {energy} {switches} {peak} />
            <LearningCurves {curves} />
            if !embed {
                <Explanation />
            }
        </PageFrame>
    }
}
