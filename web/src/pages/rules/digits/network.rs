//! The network diagram at 784 inputs: the input drawn as the 28×28 image itself, each
//! hidden layer as a square of its first units, the ten outputs by digit; below, the
//! error travelling back: `δ` at the output, then each hidden layer's error signal.
//!
//! ```text
//! forward   [28×28 image] ─▶ [hidden 1: first 36 units] ─▶ … ─▶ [0 1 … 9]
//! backward                    [δ hidden 1]  ◀── … ◀── through B or Wᵀ ── [δ output]
//! ```
//!
//! It shows the drawing on the pad and the runs' answers to it when there is one, and
//! otherwise the snapshot's probe (the first held-out digit), whose error every frame
//! carries.

use std::rc::Rc;

use bioprop::experiment::Snapshot;
use bioprop::task::mnist::{PIXELS, SIDE};
use bioprop::RuleKind;
use yew::prelude::*;

use super::square;
use super::views::cell_style;
use crate::pages::rules::worker::DigitPrediction;
use crate::widgets::heatmap::max_abs;
use crate::widgets::image_grid::{ImageGrid, ImageScale};

/// Hidden units per layer the diagram draws: the first ones, as a 6 × 6 square.
pub const DIAGRAM_HIDDEN_SHOWN: usize = 36;

/// What one diagram draws, whichever its source.
#[derive(Clone, Debug, PartialEq)]
pub struct Picture {
    /// 784 pixels in [0, 1].
    pub input: Vec<f32>,
    /// Activity after the input: hidden layers (sampled), then the 10 outputs.
    pub activations: Vec<Vec<f32>>,
    /// `δ` of the same layers, the output's last, when there is a target.
    pub deltas: Option<Vec<Vec<f32>>>,
    /// The hidden layers' full widths.
    pub widths: Vec<usize>,
    /// Where it comes from, in words.
    pub source: String,
}

/// The first [`DIAGRAM_HIDDEN_SHOWN`] units of each hidden layer, the output whole.
fn sample(layers: &[Vec<f32>]) -> Vec<Vec<f32>> {
    let last = layers.len().saturating_sub(1);
    layers
        .iter()
        .enumerate()
        .map(|(k, layer)| {
            if k == last {
                layer.clone()
            } else {
                layer.iter().copied().take(DIAGRAM_HIDDEN_SHOWN).collect()
            }
        })
        .collect()
}

impl Picture {
    /// The drawing and a run's answer to it.
    pub fn of_drawing(drawn: &[f32], prediction: &DigitPrediction, snapshot: &Snapshot) -> Self {
        Picture {
            input: drawn.to_vec(),
            activations: sample(&prediction.activations),
            deltas: prediction.deltas.as_deref().map(sample),
            widths: hidden_widths(snapshot),
            source: "the drawing on the pad".into(),
        }
    }

    /// The snapshot's probe, the first held-out digit, with its error; `None` when
    /// the snapshot is not of a digit network.
    pub fn of_probe(snapshot: &Snapshot) -> Option<Self> {
        if snapshot.probe_input.len() != PIXELS || snapshot.activations.len() < 2 {
            return None;
        }
        let truth = snapshot
            .probe_target
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map_or(0, |(d, _)| d);
        Some(Picture {
            input: snapshot.probe_input.clone(),
            activations: sample(&snapshot.activations[1..]),
            deltas: (!snapshot.deltas.is_empty()).then(|| sample(&snapshot.deltas)),
            widths: hidden_widths(snapshot),
            source: format!("the first held-out digit (a {truth})"),
        })
    }
}

fn hidden_widths(snapshot: &Snapshot) -> Vec<usize> {
    let n = snapshot.layers.len();
    snapshot
        .layers
        .get(1..n.saturating_sub(1))
        .unwrap_or(&[])
        .to_vec()
}

#[derive(Properties, PartialEq)]
pub struct DigitsNetworkProps {
    pub rule: RuleKind,
    pub picture: Option<Rc<Picture>>,
}

/// One run's diagram.
#[component]
pub fn DigitsNetwork(props: &DigitsNetworkProps) -> Html {
    let Some(picture) = props.picture.as_deref() else {
        return html! { <p class="view-note">{"Waiting for the first frame…"}</p> };
    };
    let Some((output, hidden)) = picture.activations.split_last() else {
        return html! {};
    };
    let activity = max_abs(&picture.activations.concat()).max(1e-6);
    let layer = |k: usize, values: &[f32], scale: f32, what: &str| {
        let (side, cells) = square(values);
        let width = picture.widths.get(k).copied().unwrap_or(values.len());
        html! {
            <figure class="digits-layer">
                <ImageGrid images={Rc::new(cells)} count={1} {side} columns={1}
                    scale={ImageScale::Diverging(scale)} tile_px={120.0}
                    label={format!("{what} of hidden layer {}: its first {} of {width} units", k + 1, values.len())} />
                <figcaption>{format!("hidden {} ({} of {width})", k + 1, values.len())}</figcaption>
            </figure>
        }
    };
    let outputs = |values: &[f32], scale: f32, what: &str| {
        html! {
            <ol class="digits-outputs" aria-label={format!("{what} of the 10 output units")}>
                { for values.iter().enumerate().map(|(d, &v)| html! {
                    <li data-css={cell_style(v, scale)} title={format!("{what} of output {d}: {v:+.3}")}>{d}</li>
                }) }
            </ol>
        }
    };
    let arrow = |text: &str| html! { <span class="digits-arrow" aria-hidden="true">{text.to_owned()}</span> };
    let carries = props.rule.facts().feedback.carries();
    html! {
        <div class="digits-network" data-testid="digits-network" data-rule={props.rule.name()}>
            <p class="digits-network-row-title">{format!("Forward: {}", picture.source)}</p>
            <div class="digits-network-row">
                <figure class="digits-layer">
                    <ImageGrid images={Rc::new(picture.input.clone())} count={1} side={SIDE} columns={1}
                        scale={ImageScale::Ink} tile_px={120.0} label="The input: 784 pixels as the 28×28 image" />
                    <figcaption>{"input (784)"}</figcaption>
                </figure>
                { for hidden.iter().enumerate().map(|(k, values)| html! {
                    <>{arrow("→")}{layer(k, values, activity, "activity")}</>
                }) }
                {arrow("→")}
                { outputs(output, activity, "activity") }
            </div>
            if let Some(deltas) = picture.deltas.as_ref().and_then(|d| d.split_last()) {
                <p class="digits-network-row-title">{format!("Backward: the error δ, sent back through {carries}")}</p>
                <div class="digits-network-row backward">
                    { for deltas.1.iter().enumerate().map(|(k, values)| {
                        let scale = max_abs(&deltas.1.concat()).max(max_abs(deltas.0)).max(1e-9);
                        html! { <>{layer(k, values, scale, "δ")}{arrow("←")}</> }
                    }) }
                    { outputs(deltas.0, max_abs(deltas.0).max(1e-9), "δ") }
                </div>
            }
        </div>
    }
}
