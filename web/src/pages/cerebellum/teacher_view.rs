//! The distal teacher's views (`task=distal-teacher`): which stage runs, each stage's
//! error over the run, the goal against the outcome, and what it shows in the
//! lecture's terms (docs/science.md §5.6).

use std::rc::Rc;

use bioprop::cerebellum::Stage;
use plotters::style::RGBColor;
use yew::prelude::*;

use super::teacher::TeacherView;
use super::views::readout;
use crate::widgets::chart::okabe_ito::{BLUE, GREEN, ORANGE, PURPLE};
use crate::widgets::chart::{Dash, LineChart, Series};

#[derive(Properties, PartialEq)]
pub struct TeacherViewsProps {
    pub view: Rc<TeacherView>,
}

fn series(label: &str, colour: RGBColor, points: Vec<(f32, f32)>) -> Series {
    Series {
        label: AttrValue::from(label.to_owned()),
        colour,
        dash: Dash::Solid,
        points: Rc::new(points),
    }
}

/// Both stages: readouts, one error chart per stage, the recent signals.
#[component]
pub fn TeacherViews(props: &TeacherViewsProps) -> Html {
    let v = &*props.view;
    let s = &v.snapshot;
    let stage = match s.stage {
        Stage::Babbling => "babbling: the forward model learns the plant",
        Stage::Reaching => "reaching: the controller learns through the model",
    };
    let percent = |x: Option<f64>| readout(x.map(|x| 100.0 * x), 2) + " %";
    let model = Rc::new(vec![series(
        "forward model",
        BLUE,
        v.prediction_history.clone(),
    )]);
    let controller = Rc::new(vec![series(
        "controller",
        GREEN,
        v.tracking_history.clone(),
    )]);
    let recent = Rc::new(vec![
        series(
            "outcome y",
            GREEN,
            v.recent.iter().map(|p| (p.0, p.2)).collect(),
        ),
        series(
            "prediction ŷ",
            ORANGE,
            v.recent.iter().map(|p| (p.0, p.3)).collect(),
        ),
        // Dashed and drawn last: once reached, the goal lies on the outcome.
        Series {
            dash: Dash::Dashed { on: 8, off: 6 },
            ..series(
                "goal r",
                PURPLE,
                v.recent.iter().map(|p| (p.0, p.1)).collect(),
            )
        },
    ]);
    let switch = format!("{:.0}", s.switch_time);
    html! {
        <>
            <div class="readouts" data-testid="teacher-readouts">
                <div class={classes!("readout", s.diverged.then_some("diverged"))} data-css="border-left-color: #0072b2">
                    <span class="rule-name">{"Stage "}<b data-testid="metric-stage">{s.stage.number()}</b></span>
                    <span>{stage}</span>
                    <span>{"model error "}<b data-testid="metric-prediction-error">{percent(s.relative_prediction_error)}</b></span>
                    <span>{"reach error "}<b data-testid="metric-tracking-error">{percent(s.relative_tracking_error)}</b></span>
                    <span>{"t "}<b data-testid="metric-time">{format!("{:.1}", s.time)}</b>{" s"}</span>
                    if s.diverged { <span class="cb-diverged">{"diverged"}</span> }
                </div>
            </div>
            <section class="panel" data-testid="teacher-stage-1">
                <h2>{format!("Stage 1 (0–{switch} s): the model's error")}</h2>
                <LineChart title="" x_label="time (s)" y_label="rms(y − ŷ) / rms(y)"
                    series={model} log_y={true} testid="chart-stage-1" />
            </section>
            <section class="panel" data-testid="teacher-stage-2">
                <h2>{format!("Stage 2 (from {switch} s): the reach error")}</h2>
                <LineChart title="" x_label="time (s)" y_label="rms(y − r) / rms(r)"
                    series={controller} log_y={true} testid="chart-stage-2" />
            </section>
            <section class="panel wide">
                <h2>{"Goal, outcome and the model's prediction, last 4 s"}</h2>
                <LineChart title="" x_label="time (s)" y_label="position"
                    series={recent} testid="chart-teacher-signals" />
            </section>
        </>
    }
}

/// What the two stages show, in the lecture's terms.
#[component]
pub fn TeacherExplanation() -> Html {
    html! {
        <section class="panel wide explanation" data-testid="teacher-explanation">
            <h2>{"The cerebellum as a teacher"}</h2>
            <ul>
                <li><b>{"A distal error. "}</b>
                    {"A controller turns a goal r into a motor command u; a plant (the 2 Hz damped \
                      system of the forward-model task) turns u into an outcome y. The error e = y − r \
                      is measured on the outcome, so it says how wrong the movement was, not how to \
                      change the command: the plant stands between them."}</li>
                <li><b>{"Stage 1: babbling. "}</b>
                    {"Random commands drive the plant and the cerebellum learns to predict the outcome, \
                      ŷ = Σ wᵢ pᵢ, by the delta rule: dwᵢ/dt = −β (ŷ − y) pᵢ. This is the forward-model \
                      task, run for the stage's first seconds."}</li>
                <li><b>{"Stage 2: the model teaches. "}</b>
                    {"The model is frozen and the controller, u = Σ vⱼ qⱼ on a granular layer of the \
                      goal, learns dvⱼ/dt = −η e sⱼ, where sⱼ is qⱼ passed through the learned model. \
                      Backprop would need the plant's own sensitivity; the controller never gets it: the \
                      error reaches it only through the model (Jordan & Rumelhart 1992, the distal \
                      teacher)."}</li>
                <li><b>{"The model need only point the right way. "}</b>
                    {"On the 1 Hz goal the model's own error stays near 35 % of the outcome, yet the \
                      reach error falls below 0.1 %: learning stops only where e = 0, so an inexact \
                      model changes the path, not the end. A model of the wrong sign would teach the \
                      controller to climb (the core tests check both)."}</li>
            </ul>
            <p class="view-note">{"Measured with the defaults (1 ms steps, 20 s of babbling on noise with a 1 Hz corner, a unit 1 Hz goal, β = 20, η = 2): the learned controller equals the plant's inverse at 1 Hz within 1 % (docs/science.md §5.6). Any slider starts both stages again."}</p>
        </section>
    }
}
