//! The cerebellum page (`?page=cerebellum`, docs/science.md §5): an adaptive filter learning
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
pub mod settings;
mod views;

use std::rc::Rc;

use bioprop::cerebellum::{Cerebellum, CerebellumConfig};
use yew::prelude::*;

use crate::shell::driver::{use_driver, Simulation};
use crate::shell::keys::{use_shortcuts, Shortcut};
use crate::shell::route::PageKind;
use crate::shell::{use_url_settings, NoticeAction, PageFrame, UrlState};
use settings::CerebellumSettings;

pub use controls::{Action, CerebellumControls};
pub use diagram::CircuitDiagram;
pub use views::{Bars, Explanation, GainChart, Readouts, Traces};

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

impl Simulation for Sim {
    fn run_frame(&mut self, speed: u32) -> Result<(), String> {
        self.advance(u64::from(speed))
    }

    fn diverged(&self) -> bool {
        self.cerebellum.diverged().is_some()
    }
}

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
        Shortcut::ToggleTarget | Shortcut::TogglePresent | Shortcut::Next | Shortcut::Previous => {
            None
        }
    }
}

#[component]
pub fn CerebellumPage() -> Html {
    let UrlState {
        initial,
        settings,
        notices,
    } = use_url_settings::<CerebellumSettings>(None);
    let driver = use_driver(
        || Sim::new(&initial.config()),
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
            Action::TogglePlay => driver.toggle_play(|| Sim::new(&settings.config())),
            Action::Step => driver.step(settings.speed),
            Action::Reset => driver.replace(Sim::new(&settings.config())),
            Action::DismissNotices => notices.dispatch(NoticeAction::Clear),
            Action::Change(next) => {
                if settings.needs_rebuild(&next) {
                    driver.replace(Sim::new(&next.config()));
                } else if let Err(error) = driver.sim.borrow_mut().cerebellum.retune(&next.config())
                {
                    notices.dispatch(NoticeAction::Push(format!(
                        "settings: {error}; not changed"
                    )));
                    return;
                }
                settings.set(next);
                driver.redraw();
            }
        })
    };
    let on_bar = use_shortcuts(shortcut_action, on_action.clone());

    let sim_ref = driver.sim.borrow();
    let snapshot = Rc::new(sim_ref.cerebellum.snapshot());
    let trace = Rc::new(sim_ref.cerebellum.trace());
    let taus = Rc::new(sim_ref.cerebellum.basis_time_constants().to_vec());
    let gain_history = Rc::new(sim_ref.gain_history.clone());
    let config = sim_ref.cerebellum.config().clone();
    drop(sim_ref);
    let embed = settings.embed;
    html! {
        <PageFrame page={PageKind::Cerebellum} {embed} notices={notices.0.clone()}
            on_dismiss={on_action.reform(|()| Action::DismissNotices)}
            playing={driver.playing()}
            {on_bar}
            controls={html! {
                <CerebellumControls settings={(*settings).clone()} playing={driver.playing()}
                    on_action={on_action.clone()} />
            }}>
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
        </PageFrame>
    }
}
