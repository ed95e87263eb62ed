//! What the microcircuit page shows on the digits ([`super::digits`]): the download,
//! the readouts, the test accuracy curve, the first layer's receptive fields and the
//! confusion matrix, and the conditions beside the paper's.

use std::rc::Rc;

use bioprop::microcircuit::digits as preset;
use bioprop::task::mnist::SIDE;
use yew::prelude::*;

use super::digits::{DataStatus, DigitsView, EVAL_EVERY, EVAL_TEST, HIDDEN, LR};
use crate::widgets::chart::okabe_ito::RED;
use crate::widgets::chart::{Dash, LineChart, Series};
use crate::widgets::confusion::ConfusionMatrix;
use crate::widgets::fetch::{megabytes, DIGITS_FILE};
use crate::widgets::heatmap::{max_abs, ColourLegend};
use crate::widgets::image_grid::{ImageGrid, ImageScale};
use crate::widgets::number::thousands;

/// Receptive fields per row.
const FIELD_COLUMNS: usize = 6;

#[derive(Properties, PartialEq)]
pub struct DigitsPanelProps {
    pub view: Rc<DigitsView>,
}

/// The digits task's views.
#[component]
pub fn DigitsPanel(props: &DigitsPanelProps) -> Html {
    let view = &props.view;
    let (train, test) = match &view.data {
        DataStatus::Loading { received, total } => {
            let so_far = match total {
                Some(total) => format!("{} of {}", megabytes(*received), megabytes(*total)),
                None => megabytes(*received),
            };
            return html! {
                <section class="panel wide" data-testid="digits-status" data-status="loading">
                    <p role="status">{format!("Loading the digits ({DIGITS_FILE}): {so_far}")}</p>
                    if let Some(total) = total.filter(|t| *t > 0.0) {
                        <progress max={total.to_string()} value={view_received(&view.data).to_string()} />
                    }
                </section>
            };
        }
        DataStatus::Failed(why) => {
            return html! {
                <section class="panel wide" data-testid="digits-status" data-status="failed">
                    <p role="alert">{format!("{why}. Reload the page to try again, or choose another task.")}</p>
                </section>
            };
        }
        DataStatus::Loaded { train, test } => (*train, *test),
    };
    let accuracy = view.curve.last().map(|p| p.1);
    html! {
        <>
            <div class="readouts" data-testid="digits-status" data-status="loaded">
                <div class="readout" data-css="border-left-color: #7048e8">
                    <span class="rule-name">{"Microcircuit"}</span>
                    <span>{"patterns "}<b data-testid="metric-step">{view.patterns}</b></span>
                    <span>{"epochs "}<b data-testid="metric-epochs">{format!("{:.2}", view.epochs)}</b></span>
                    <span title={format!("on the first {} held-out digits, at the latest test pass", view.evaluated)}>
                        {"test accuracy "}<b data-testid="metric-accuracy">{accuracy.map_or("—".to_owned(), |a| format!("{a:.1} %"))}</b>
                    </span>
                    <span>{"test error "}<b data-testid="metric-error">{accuracy.map_or("—".to_owned(), |a| format!("{:.1} %", 100.0 - a))}</b></span>
                    <span title="training patterns per second of wall-clock time while playing, test passes included">
                        {"speed "}<b data-testid="metric-rate">{view.patterns_per_s.map_or("—".to_owned(), |r| format!("{r:.0}"))}</b>{" patterns/s"}
                    </span>
                </div>
            </div>
            <section class="panel">
                <h2>{"Test accuracy"}</h2>
                <LineChart title="" x_label="patterns shown to the circuit" y_label="test accuracy (%)"
                    series={Rc::new(vec![Series {
                        label: "microcircuit".into(),
                        colour: RED,
                        dash: Dash::Solid,
                        points: Rc::new(view.curve.clone()),
                    }])}
                    y_range={Some((0.0, 100.0))} reference={Some(10.0)} testid="chart-accuracy" />
                <p class="view-note">{format!(
                    "On the first {} of the {} held-out digits, every {EVAL_EVERY} patterns (training waits \
                     while they are classified). The dashed line is chance, 10 %.",
                    view.evaluated, thousands(test)
                )}</p>
            </section>
            <Fields fields={Rc::new(view.fields.clone())} />
            <section class="panel">
                <h2>{"Confusion matrix"}</h2>
                if let Some(counts) = &view.confusion {
                    <figure class="run-figure confusion-figure">
                        <ConfusionMatrix counts={Rc::new(counts.clone())} classes={10} rule="microcircuit"
                            testid="confusion-matrix"
                            caption={format!("Microcircuit: {} held-out digits at the latest test pass, rows the \
                                true digit, columns the answer", view.evaluated)} />
                    </figure>
                } else {
                    <p class="view-note">{"After the first test pass…"}</p>
                }
            </section>
            <Conditions {train} {test} />
        </>
    }
}

fn view_received(data: &DataStatus) -> f64 {
    match data {
        DataStatus::Loading { received, .. } => *received,
        _ => 0.0,
    }
}

#[derive(Properties, PartialEq)]
struct FieldsProps {
    fields: Rc<Vec<f32>>,
}

/// The first hidden cells' input weights, each drawn as a 28×28 image.
#[component]
fn Fields(props: &FieldsProps) -> Html {
    let count = props.fields.len() / (SIDE * SIDE);
    let scale = max_abs(&props.fields).max(f32::MIN_POSITIVE);
    html! {
        <section class="panel">
            <h2>{"Receptive fields"}</h2>
            <figure class="run-figure receptive-fields" data-testid="receptive-fields" data-count={count.to_string()}>
                <figcaption>{format!(
                    "Input weights W^PP of hidden cells 1–{count} of {HIDDEN}: red excites, blue inhibits. \
                     They stay close to their random start, as in the command line's preset, whose \
                     hidden updates are nearly orthogonal to backprop's (README): the output learns on \
                     features that hardly change."
                )}</figcaption>
                <ImageGrid images={props.fields.clone()} {count} side={SIDE} columns={FIELD_COLUMNS}
                    scale={ImageScale::Diverging(scale)} tile_px={48.0}
                    label={format!("receptive fields of {count} hidden cells")} />
                <ColourLegend {scale} label="weight" />
            </figure>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ConditionsProps {
    train: usize,
    test: usize,
}

/// The conditions, and how they differ from the paper's.
#[component]
fn Conditions(props: &ConditionsProps) -> Html {
    html! {
        <section class="panel wide" data-testid="digits-conditions">
            <h2>{"Conditions, and the paper's"}</h2>
            <p>{format!(
                "Here: 784-{HIDDEN}-10, logistic rates, the steady-state model (no Euler steps), from the \
                 self-predicting state with the target always on, minibatches of {}, rate targets 0.1 and \
                 0.8, every plastic rate {LR:e} per ms (the interneuron→apical rule off, as the \
                 self-predicting start allows), forward weights U[−{}, {}]; the {} training digits of \
                 {DIGITS_FILE} (the first of MNIST's 60,000), test accuracy on the first {EVAL_TEST} of \
                 the {} test digits. Run it at once from the command line: Export → Configuration, then \
                 the command under \"Reproduce\" (it reads the MNIST files `make mnist-data` fetches).",
                preset::BATCH, preset::WEIGHT_SCALE, preset::WEIGHT_SCALE, thousands(props.train),
                thousands(props.test)
            )}</p>
            <p>{format!(
                "The paper (Sacramento et al. 2018): 784-500-500-10 on 55,000 training digits for many \
                 epochs, 1.96 % test error on all 10,000 (backprop 1.53 %). The command line's \
                 `--preset {}` runs those sizes (README: 26.8 % test error after 3 epochs — far from \
                 the paper). This circuit is smaller, shallower, trained on fewer digits for as long \
                 as you watch, with rates four times the preset's, so its accuracy is not comparable \
                 with the paper's.",
                preset::PRESET
            )}</p>
        </section>
    }
}
