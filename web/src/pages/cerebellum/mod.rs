//! The cerebellum page (`?page=cerebellum`, SCIENCE.md §5): an adaptive filter learning
//! the VOR gain or a forward model, simulated on the page's own thread — one 1 ms step
//! costs about 150 ns, so a frame's worth is far below a frame's budget.
//!
//! ```text
//! Interval (owned; dropped on pause) ─▶ Cerebellum::step(speed) ─▶ redraw
//!   views read snapshot() and trace(); sliders ─▶ retune (live) or a new Cerebellum
//! ```
//!
//! The simulation and its gain history live in a `RefCell` owned by the page; only the
//! settings, the play flag and the notices are Yew state.

mod controls;
mod diagram;
mod views;

use std::cell::RefCell;
use std::rc::Rc;

use bioprop::cerebellum::{Cerebellum, CerebellumConfig};
use gloo::timers::callback::Interval;
use yew::prelude::*;

use crate::keys::use_shortcuts;

use crate::app::{current_query, write_query, Footer, Header, NoticeAction, Notices};
use crate::cerebellum_settings::CerebellumSettings;
use crate::route::PageKind;

pub use controls::{Action, CerebellumControls};
pub use diagram::CircuitDiagram;
pub use views::{Bars, Explanation, GainChart, Readouts, Traces};

/// Milliseconds between animation frames (about 60 a second).
pub const FRAME_MS: u32 = 16;
/// Most points kept in the gain history; when full, every other point goes and the
/// sampling interval doubles, so the whole run stays on the chart.
const GAIN_HISTORY_LEN: usize = 2000;

/// The running simulation and what the page remembers of it.
pub struct Sim {
    pub cerebellum: Cerebellum,
    /// (simulated seconds, windowed gain) from the start of the run.
    pub gain_history: Vec<(f32, f32)>,
    /// Steps between gain-history points.
    sample_every: u64,
}

impl Sim {
    /// A naive simulation; `config` comes from validated settings, so a failure falls
    /// back to the task's defaults.
    pub fn new(config: &CerebellumConfig) -> Self {
        let cerebellum = Cerebellum::new(config).unwrap_or_else(|_| {
            Cerebellum::new(&CerebellumConfig::for_task(config.task))
                .expect("the task's defaults are valid")
        });
        Sim {
            cerebellum,
            gain_history: Vec::with_capacity(GAIN_HISTORY_LEN),
            sample_every: 50,
        }
    }

    /// Runs `n` steps, recording the gain as it goes; stops at a divergence.
    pub fn advance(&mut self, n: u64) -> Result<(), String> {
        let mut left = n;
        while left > 0 {
            let to_sample = self.sample_every - self.cerebellum.steps() % self.sample_every;
            let chunk = left.min(to_sample);
            self.cerebellum.step(chunk).map_err(|e| e.to_string())?;
            left -= chunk;
            if self.cerebellum.steps() % self.sample_every == 0 {
                if let Some(gain) = self.cerebellum.gain() {
                    self.gain_history
                        .push((self.cerebellum.time() as f32, gain as f32));
                }
                if self.gain_history.len() >= GAIN_HISTORY_LEN {
                    let mut keep = false;
                    self.gain_history.retain(|_| {
                        keep = !keep;
                        keep
                    });
                    self.sample_every *= 2;
                }
            }
        }
        Ok(())
    }
}

/// What the page adds to a divergence's message: where the limit comes from and how
/// to go on.
pub const DIVERGENCE_ADVICE: &str =
    ". Paused. The limit is about 1/(4·delay) Hz for an error delay without a matching \
     eligibility delay (Porrill & Dean 2007): change the sliders, then press play or reset \
     to start again from naive weights.";

#[component]
pub fn CerebellumPage() -> Html {
    let initial = use_memo((), |_| CerebellumSettings::from_query(&current_query()));
    let settings = use_state(|| initial.0.clone());
    let notices = use_reducer(|| Notices(initial.1.iter().map(|n| n.to_string()).collect()));
    let sim = use_mut_ref(|| Sim::new(&initial.0.config()));
    let playing = use_state(|| initial.0.autoplay);
    let redraw = use_force_update();

    // The animation loop: exists only while playing, so dropping it pauses.
    {
        let sim = sim.clone();
        let playing_handle = playing.clone();
        let notices = notices.dispatcher();
        let redraw = redraw.clone();
        use_effect_with((*playing, settings.speed), move |&(playing, speed)| {
            let interval = playing.then(|| {
                Interval::new(FRAME_MS, move || {
                    let result = sim.borrow_mut().advance(u64::from(speed));
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
                if !*playing && sim.borrow().cerebellum.diverged().is_some() {
                    *sim.borrow_mut() = Sim::new(&settings.config());
                }
                playing.set(!*playing);
            }
            Action::Step => {
                let result = step_frame(&sim, settings.speed);
                if let Err(message) = result {
                    notices.dispatch(NoticeAction::Push(format!("{message}{DIVERGENCE_ADVICE}")));
                }
                redraw.force_update();
            }
            Action::Reset => {
                *sim.borrow_mut() = Sim::new(&settings.config());
                redraw.force_update();
            }
            Action::DismissNotices => notices.dispatch(NoticeAction::Clear),
            Action::Change(next) => {
                if settings.needs_rebuild(&next) {
                    *sim.borrow_mut() = Sim::new(&next.config());
                } else if let Err(error) = sim.borrow_mut().cerebellum.retune(&next.config()) {
                    notices.dispatch(NoticeAction::Push(format!(
                        "settings: {error}; not changed"
                    )));
                    return;
                }
                settings.set(next);
                redraw.force_update();
            }
        })
    };
    use_shortcuts(
        |key| match key {
            " " => Some(Action::TogglePlay),
            "s" | "S" => Some(Action::Step),
            "r" | "R" => Some(Action::Reset),
            _ => None,
        },
        on_action.clone(),
    );

    let sim_ref = sim.borrow();
    let snapshot = Rc::new(sim_ref.cerebellum.snapshot());
    let trace = Rc::new(sim_ref.cerebellum.trace());
    let taus = Rc::new(sim_ref.cerebellum.basis_time_constants().to_vec());
    let gain_history = Rc::new(sim_ref.gain_history.clone());
    let config = sim_ref.cerebellum.config().clone();
    drop(sim_ref);
    let embed = settings.embed;
    let dismiss = on_action.reform(|_| Action::DismissNotices);
    html! {
        <div class={classes!("shell", "cerebellum", embed.then_some("embed"))} data-testid="app">
            if !embed {
                <Header active={PageKind::Cerebellum} />
            }
            <div class="notices" data-testid="notice" role="status" aria-live="polite">
                if !notices.0.is_empty() {
                    <ul>{ for notices.0.iter().map(|n| html! { <li>{n}</li> }) }</ul>
                    <button class="dismiss" onclick={dismiss} aria-label="Dismiss notices">{"×"}</button>
                }
            </div>
            <div class="workspace">
                if !embed {
                    <CerebellumControls settings={(*settings).clone()} playing={*playing}
                        on_action={on_action.clone()} />
                }
                <main class="main">
                    <Readouts snapshot={snapshot.clone()} />
                    <section class="panel wide">
                        <h2>{"The circuit"}</h2>
                        <CircuitDiagram snapshot={snapshot.clone()} taus={taus.clone()}
                            brainstem_gain={config.vor.brainstem_gain} />
                    </section>
                    <Traces trace={trace} task={config.task} />
                    <GainChart history={gain_history} snapshot={snapshot.clone()} />
                    <Bars title="Purkinje weights w_i" testid="weights" values={Rc::new(snapshot.weights.clone())}
                        taus={taus.clone()} fixed_range={false} />
                    <Bars title="Error–basis correlations c_i (→ 0 as learning converges)" testid="correlations"
                        values={Rc::new(snapshot.correlations.clone())} taus={taus} fixed_range={true} />
                    if !embed {
                        <Explanation task={config.task} />
                    }
                </main>
            </div>
            if !embed {
                <Footer />
            }
        </div>
    }
}

fn step_frame(sim: &Rc<RefCell<Sim>>, speed: u32) -> Result<(), String> {
    sim.borrow_mut().advance(u64::from(speed))
}
