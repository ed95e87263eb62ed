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

use std::rc::Rc;

use yew::prelude::*;

use super::controls::Action;
use super::settings::Settings;
use super::views::{Readouts, Shared, ThrottledNetworkView};
use crate::shell::play::PlayButton;
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
    html! {
        <div class="present-bar" aria-label="Controls" role="toolbar">
            <div class="buttons">
                <PlayButton playing={props.playing} onclick={emit.reform(|_| Action::TogglePlay)} />
                <button data-testid="step" title="One training step (s)"
                    onclick={emit.reform(|_| Action::Step)}>{"Step"}</button>
                <button data-testid="reset" title="Start again from the same initial weights (r)"
                    onclick={emit.reform(|_| Action::Reset)}>{"Reset"}</button>
                <button data-testid="present" title="Back to every control and view (p)"
                    onclick={emit.reform(|_| Action::TogglePresent)}>{"Leave presentation"}</button>
            </div>
            <Readouts shared={props.shared.clone()} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct PresentationProps {
    pub shared: Shared,
    pub settings: Settings,
}

/// Each run's network above its feedback matrices, and the two angle charts beside.
#[component]
pub fn Presentation(props: &PresentationProps) -> Html {
    let runs = props.shared.runs.borrow();
    let feedback_view = props.settings.feedback_view;
    let angle_range = Some((0.0, 180.0));
    let columns = format!(
        "grid-template-columns: repeat({}, minmax(0, 1fr)) minmax(18rem, 0.75fr)",
        runs.runs.len().max(1)
    );
    html! {
        <div class="presentation" data-testid="presentation" style={columns}>
            { for runs.runs.iter().map(|run| html! {
                <section class="panel present-run" data-rule={run.rule.name()}>
                    <h2 title={run.rule.description()}>{run.rule.name()}{" — "}{run.rule.description()}</h2>
                    <div data-view="network" data-rule={run.rule.name()}>
                        <ThrottledNetworkView snapshot={run.snapshot.clone()} {feedback_view} compact=true />
                    </div>
                    <div data-view="feedback" data-rule={run.rule.name()}>
                        <FeedbackMatrices snapshot={run.snapshot.clone()} />
                    </div>
                </section>
            }) }
            <section class="panel present-charts" data-view="alignment">
                <LineChart title="Update angle ∠(δ_rule, δ_BP)" x_label="step" y_label="degrees"
                    series={Rc::new(runs.layer_series(|l| l.update_angle_deg))}
                    y_range={angle_range} reference={Some(90.0)} testid="chart-update-angle" />
                <LineChart title="Weight angle ∠(B, Wᵀ)" x_label="step" y_label="degrees"
                    series={Rc::new(runs.layer_series(|l| l.weight_angle_deg))}
                    y_range={angle_range} reference={Some(90.0)} testid="chart-weight-angle" />
            </section>
        </div>
    }
}
