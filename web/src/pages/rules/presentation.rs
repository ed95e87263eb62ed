//! Presentation mode (`present=1`, key `p`): the lecture's story on one projector
//! screen, without scrolling at 1280×720.
//!
//! ```text
//! ┌ Play Step Reset Leave ─ readouts of every run ────────────────────────┐
//! │ run 1: network (compact)  │ run 2: network (compact)  │ update angle   │
//! │ run 1: Wᵀ | B | B − Wᵀ    │ run 2: Wᵀ | B | B − Wᵀ    │ weight angle   │
//! └────────────────────────────────────────────────────────────────────────┘
//! ```
//!
//! The pieces are the default page's own components; only their arrangement and
//! the network's band height ([`super::network_view::COMPACT_BAND`]) differ.
//!
//! What fits a projector depends on the runs and the depth, since every diagram must
//! be drawn wide enough for 14 px labels (about 410 px of its 640-unit width):
//!
//! - one or two runs: side by side, each network above its `Wᵀ | B | B − Wᵀ`;
//! - three or four runs: a grid two runs wide ([`GRID_COLUMNS`]), each run's network
//!   with shorter bands ([`DENSE_BAND`]) and no matrices (the full page has them);
//! - with more than one hidden layer, the angle charts and the matrices show one
//!   layer at a time, chosen with the layer buttons above the charts (the networks
//!   show every layer), and the bar puts the readouts below its buttons:
//!
//! ```text
//! ┌ Play Step Reset Leave ─ readouts ──────────────────┐
//! │ run 1: network        │ run 2: network │ update ∠  │
//! │ run 3: network        │ run 4: network │ weight ∠  │
//! └────────────────────────────────────────────────────┘
//! ```

use std::rc::Rc;

use yew::prelude::*;

use super::controls::{Action, RunButtons};
use super::digits::is_digits;
use super::digits::network::DigitsNetwork;
use super::settings::Settings;
use super::views::{digits_picture, Readouts, Shared, ThrottledNetworkView};
use crate::widgets::chart::LineChart;
use crate::widgets::heatmap::FeedbackMatrices;

#[derive(Properties, PartialEq)]
pub struct PresentBarProps {
    pub shared: Shared,
    pub playing: bool,
    pub on_action: Callback<Action>,
}

/// Play, step, reset and the way back, beside the readouts of every run.
#[component]
pub fn PresentBar(props: &PresentBarProps) -> Html {
    let emit = &props.on_action;
    // Deeper networks' readouts list an angle per layer: a row of their own each.
    let long = props.shared.runs.borrow().hidden_layers() > 1;
    html! {
        <div class={classes!("present-bar", long.then_some("long"))} aria-label="Controls" role="toolbar">
            <div class="buttons">
                <RunButtons playing={props.playing} on_action={emit.clone()} />
                <button data-testid="present" title="Back to every control and view (p)"
                    onclick={emit.reform(|_| Action::TogglePresent)}>{"Leave presentation"}</button>
            </div>
            <Readouts shared={props.shared.clone()} />
        </div>
    }
}

/// Most runs shown side by side with their feedback matrices; more go on a grid.
pub const SIDE_BY_SIDE: usize = 2;
/// Runs per row of the grid: two networks still get 14 px labels at 1280×720.
pub const GRID_COLUMNS: usize = 2;
/// The networks' band height, in viewBox units, on the grid: two rows of networks
/// and the bar share 720 px.
pub const DENSE_BAND: f32 = 84.0;

#[derive(Properties, PartialEq)]
pub struct PresentationProps {
    pub shared: Shared,
    pub settings: Settings,
}

/// Each run's network (above its feedback matrices when there is room), and the two
/// angle charts beside.
#[component]
pub fn Presentation(props: &PresentationProps) -> Html {
    let runs = props.shared.runs.borrow();
    let feedback_view = props.settings.feedback_view;
    let digits = is_digits(&props.settings);
    let angle_range = Some((0.0, 180.0));
    let hidden = runs.hidden_layers();
    // The hidden layer whose matrices are shown; kept within the network's depth.
    let chosen = use_state(|| 1usize);
    let layer = (*chosen).clamp(1, hidden.max(1));
    let dense = runs.runs.len() > SIDE_BY_SIDE;
    // Three or four runs, or the digits' taller diagrams: the networks alone beside the
    // charts, the matrices left to the full page.
    let networks_only = dense || digits;
    let columns = if dense {
        GRID_COLUMNS
    } else {
        runs.runs.len().max(1)
    };
    let style =
        format!("grid-template-columns: repeat({columns}, minmax(0, 1fr)) minmax(16rem, 0.7fr)");
    // One hidden layer's curves: `layer_series` lists each run's layers in turn.
    let of_layer = |series: Vec<crate::widgets::chart::Series>| -> Rc<Vec<_>> {
        Rc::new(if hidden > 1 {
            series.into_iter().skip(layer - 1).step_by(hidden).collect()
        } else {
            series
        })
    };
    let layer_buttons = (hidden > 1).then(|| {
        html! {
            <div class="present-layers" role="group" aria-label="Hidden layer shown in the charts and matrices">
                <span>{"Hidden layer"}</span>
                { for (1..=hidden).map(|k| {
                    let chosen = chosen.clone();
                    html! {
                        <button data-testid={format!("present-layer-{k}")} aria-pressed={(k == layer).to_string()}
                            class={classes!((k == layer).then_some("on"))}
                            onclick={Callback::from(move |_| chosen.set(k))}>
                            {format!("h{k}")}
                        </button>
                    }
                }) }
            </div>
        }
    });
    html! {
        <div class={classes!("presentation", networks_only.then_some("dense"))} data-testid="presentation" data-css={style}>
            { for runs.runs.iter().enumerate().map(|(i, run)| html! {
                <section class="panel present-run" data-rule={run.run.to_string()}>
                    <h2 title={run.rule.description()}>{run.run.label()}{" — "}{run.rule.description()}</h2>
                    <div data-view="network" data-rule={run.run.to_string()}>
                        // On the digits, their own diagram: the input as the image.
                        if digits {
                            <DigitsNetwork rule={run.rule} picture={digits_picture(&runs, i).map(Rc::new)} />
                        } else {
                            <ThrottledNetworkView snapshot={run.snapshot.clone()} {feedback_view} compact=true
                                max_band={dense.then_some(DENSE_BAND)} />
                        }
                    </div>
                    if !networks_only {
                        <div data-view="feedback" data-rule={run.run.to_string()}>
                            <FeedbackMatrices snapshot={run.snapshot.clone()} layer={Some(layer)} />
                        </div>
                    }
                </section>
            }) }
            <section class="panel present-charts" data-view="alignment">
                { layer_buttons }
                <LineChart title="Update angle ∠(δ_rule, δ_BP)" x_label="step" y_label="degrees"
                    series={of_layer(runs.layer_series(|l| l.update_angle_deg))}
                    y_range={angle_range} reference={Some(90.0)} testid="chart-update-angle" />
                <LineChart title="Weight angle ∠(B, Wᵀ)" x_label="step" y_label="degrees"
                    series={of_layer(runs.layer_series(|l| l.weight_angle_deg))}
                    y_range={angle_range} reference={Some(90.0)} testid="chart-weight-angle" />
                if networks_only {
                    <p class="view-note" data-testid="present-note">
                        {format!("{}: networks only; the matrices are outside presentation mode (p).",
                            if digits { "Digits".to_owned() } else { format!("{} rules", runs.runs.len()) })}
                    </p>
                }
            </section>
        </div>
    }
}
