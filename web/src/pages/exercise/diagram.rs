//! The exercise's network as SVG with every number on it: inputs `u`, the weights
//! `W¹` and `W²` on their edges, each hidden unit's `z¹` and `h`, each output's `z²`,
//! `v` and target, and `E`; for the FA question also `B`, as dashed feedback edges
//! with their values, and `η`. The asked weight is drawn thick, in orange, with its
//! name; a solution step's factor is ringed in yellow with a callout giving its
//! symbol and value.
//!
//! Layout (viewBox units; text is 22 units or more, drawn at 14 px or more when the
//! diagram is 600 px wide, its size beside the question at 1280×720):
//!
//! ```text
//!   f = … (hidden) · g = … (output)                              η = 0.5 (FA)
//!                           z¹₁ = …
//!                           h₁ = …
//!   0.3 (u₁) ──0.4──────▶ (h₁) ──0.7──▶ (v₁)  z²₁ = …
//!                                              v₁ = …
//!   …                       (h₂)                target₁ = …
//!                           z¹₂ = …, h₂ = …
//!   ── W (forward)  ━ W¹₂₁, the asked weight                  E = …
//! ```
//!
//! Each unit's numbers sit where no edge runs: an input's to its left, an output's to
//! its right, the upper hidden unit's above it and the lower one's below. A
//! callout goes on a unit's other side, or over an edge's own label.
//! Labels of `W¹` sit 30 % along their edge from the input and those of `W²` 30 %
//! from the hidden unit, so crossing edges keep their labels apart; `B`'s curves bow
//! upwards away from `W²`'s straight edges and carry their labels 30 % from the output.

use std::rc::Rc;

use bioprop::exercise::{Place, Problem, QuestionKind, Weight};
use bioprop::Activation;
use yew::prelude::*;

use super::model::{fixed, significant};

const WIDTH: f64 = 900.0;
const HEIGHT: f64 = 545.0;
const INPUT_X: f64 = 150.0;
const HIDDEN_X: f64 = 450.0;
const OUTPUT_X: f64 = 680.0;
const TOP: f64 = 80.0;
const BOTTOM: f64 = 470.0;
const RADIUS: f64 = 30.0;
/// How far along an edge (from its source) its value is written.
const LABEL_AT: f64 = 0.3;
/// How far `B`'s curves bow above the straight edge.
const BOW: f64 = 60.0;
/// Text size of the labels (viewBox units): see the module docs.
const TEXT: f64 = 23.0;

/// The `y` of unit `index` of a column of `count`.
fn row(index: usize, count: usize) -> f64 {
    TOP + (BOTTOM - TOP) * (index as f64 + 0.5) / count.max(1) as f64
}

/// Whether hidden unit `j` of `count` has its numbers above it (the upper half).
fn hidden_above(j: usize, count: usize) -> bool {
    2 * j + 1 < count
}

/// `n` as subscript digits (1-based indices are passed in).
fn sub(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|c| char::from_u32('₀' as u32 + c.to_digit(10).unwrap_or(0)).unwrap_or(c))
        .collect()
}

/// A place as an attribute value: `input-1`, `hidden-2`, `output-1`, `w1-2-1`
/// (W¹₂₁), `w2-1-2`, `b-2-1` (B₂₁), `rate`; 1-based like the symbols.
pub fn place_name(place: Place) -> String {
    match place {
        Place::Input(k) => format!("input-{}", k + 1),
        Place::Hidden(j) => format!("hidden-{}", j + 1),
        Place::Output(i) => format!("output-{}", i + 1),
        Place::Weight(Weight::Hidden { j, k }) => format!("w1-{}-{}", j + 1, k + 1),
        Place::Weight(Weight::Output { i, j }) => format!("w2-{}-{}", i + 1, j + 1),
        Place::Feedback { j, i } => format!("b-{}-{}", j + 1, i + 1),
        Place::Rate => "rate".to_owned(),
    }
}

fn activation_name(activation: Activation) -> &'static str {
    match activation {
        Activation::Sigmoid => "sigmoid σ",
        other => other.name(),
    }
}

/// The quadratic curve of `B_ji` from output `i` back to hidden unit `j`: its
/// control point, and its point at `t` (from the output).
fn feedback_curve(from: (f64, f64), to: (f64, f64), t: f64) -> ((f64, f64), (f64, f64)) {
    let control = ((from.0 + to.0) / 2.0, (from.1 + to.1) / 2.0 - BOW);
    let s = 1.0 - t;
    let point = (
        s * s * from.0 + 2.0 * s * t * control.0 + t * t * to.0,
        s * s * from.1 + 2.0 * s * t * control.1 + t * t * to.1,
    );
    (control, point)
}

/// What the diagram says, for a screen reader: every number on it.
pub fn description(problem: &Problem) -> String {
    let list = |values: &[f32]| {
        values
            .iter()
            .map(|v| fixed(*v, 1))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let rows = |m: &[Vec<f32>]| {
        m.iter()
            .map(|r| format!("({})", list(r)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let fwd = problem.forward();
    let three = |values: &[f32]| {
        values
            .iter()
            .map(|v| fixed(*v, 3))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (n_u, n_h, n_v) = problem.shape();
    let mut text = format!(
        "A {n_u}-{n_h}-{n_v} network, hidden units {}, outputs {}. Inputs u: {}. W¹ by \
         hidden unit: {}. z¹: {}; h: {}. W² by output: {}. z²: {}; v: {}. Targets: {}. E = {}.",
        activation_name(problem.hidden_activation),
        activation_name(problem.output_activation),
        list(&problem.u),
        rows(&problem.w1),
        three(&fwd.z1),
        three(&fwd.h),
        rows(&problem.w2),
        three(&fwd.z2),
        three(&fwd.v),
        list(&problem.target),
        significant(fwd.loss),
    );
    if problem.kind == QuestionKind::FaUpdate {
        text += &format!(
            " Feedback B by hidden unit: {}; η = {}.",
            rows(&problem.b),
            problem.lr
        );
    }
    text += &format!(" The asked weight is {}.", problem.weight.symbol());
    text
}

#[derive(Properties, PartialEq)]
pub struct NetworkDiagramProps {
    pub problem: Rc<Problem>,
    /// The factor a solution step shows: its place and its callout (`symbol = value`).
    #[prop_or_default]
    pub highlight: Option<(Place, String)>,
}

#[component]
pub fn NetworkDiagram(props: &NetworkDiagramProps) -> Html {
    let p = &*props.problem;
    let fwd = p.forward();
    let (n_u, n_h, n_v) = p.shape();
    let fa = p.kind == QuestionKind::FaUpdate;
    let input = |k: usize| (INPUT_X, row(k, n_u));
    let hidden = |j: usize| (HIDDEN_X, row(j, n_h));
    let output = |i: usize| (OUTPUT_X, row(i, n_v));
    let along =
        |a: (f64, f64), b: (f64, f64), t: f64| (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);

    let edge = |weight: Weight, from: (f64, f64), to: (f64, f64), value: f32| {
        let asked = weight == p.weight;
        let (x, y) = along(from, to, LABEL_AT);
        let label = fixed(value, 1);
        let place = place_name(Place::Weight(weight));
        let class = classes!("ex-edge", asked.then_some("asked"));
        // The line and its label apart, so that every label is drawn over every line.
        (
            html! {
                <g class={class.clone()} data-place={place.clone()}>
                    <line x1={from.0.to_string()} y1={from.1.to_string()} x2={to.0.to_string()} y2={to.1.to_string()} />
                </g>
            },
            html! {
                <g {class}>
                    <text class="ex-edge-label" x={x.to_string()} y={(y + 8.0).to_string()} text-anchor="middle"
                        data-testid={format!("ex-{place}")}>{label}</text>
                </g>
            },
        )
    };
    let w1_edges = (0..n_h)
        .flat_map(|j| (0..n_u).map(move |k| (j, k)))
        .map(|(j, k)| edge(Weight::Hidden { j, k }, input(k), hidden(j), p.w1[j][k]));
    let w2_edges = (0..n_v)
        .flat_map(|i| (0..n_h).map(move |j| (i, j)))
        .map(|(i, j)| edge(Weight::Output { i, j }, hidden(j), output(i), p.w2[i][j]));
    let feedback_edges = (0..n_h)
        .flat_map(|j| (0..n_v).map(move |i| (j, i)))
        .filter(|_| fa)
        .map(|(j, i)| {
            let (from, to) = (output(i), hidden(j));
            let (control, label) = feedback_curve(from, to, LABEL_AT);
            let d = format!(
                "M {} {} Q {} {} {} {}",
                from.0, from.1, control.0, control.1, to.0, to.1
            );
            let place = place_name(Place::Feedback { j, i });
            (
                html! {
                    <g class="ex-feedback" data-place={place.clone()}>
                        <path {d} marker-end="url(#ex-arrow-b)" />
                    </g>
                },
                html! {
                    <text class="ex-feedback-label" x={label.0.to_string()} y={(label.1 + 8.0).to_string()}
                        text-anchor="middle" data-testid={format!("ex-{place}")}>{fixed(p.b[j][i], 1)}</text>
                },
            )
        });
    let (lines, labels): (Vec<Html>, Vec<Html>) =
        w1_edges.chain(w2_edges).chain(feedback_edges).unzip();

    let node = |place: Place, (x, y): (f64, f64), name: String| {
        html! {
            <g class="ex-node" data-place={place_name(place)}>
                <circle cx={x.to_string()} cy={y.to_string()} r={RADIUS.to_string()} />
                <text class="ex-node-name" x={x.to_string()} y={(y + 8.0).to_string()} text-anchor="middle">{name}</text>
            </g>
        }
    };
    let line = |x: f64, y: f64, anchor: &'static str, text: String, testid: String| {
        html! {
            <text class="ex-value" x={x.to_string()} y={y.to_string()} text-anchor={anchor} data-testid={testid}>{text}</text>
        }
    };
    let inputs = (0..n_u).map(|k| {
        let (x, y) = input(k);
        html! {
            <>
                { node(Place::Input(k), (x, y), format!("u{}", sub(k + 1))) }
                { line(x - RADIUS - 10.0, y + 8.0, "end", fixed(p.u[k], 1), format!("ex-u-{}", k + 1)) }
            </>
        }
    });
    let hiddens = (0..n_h).map(|j| {
        let (x, y) = hidden(j);
        let n = sub(j + 1);
        // Two lines, above the upper half's units and below the lower half's.
        let first = if hidden_above(j, n_h) { y - RADIUS - 42.0 } else { y + RADIUS + 28.0 };
        html! {
            <>
                { node(Place::Hidden(j), (x, y), format!("h{n}")) }
                { line(x, first, "middle", format!("z¹{n} = {}", fixed(fwd.z1[j], 3)), format!("ex-z1-{}", j + 1)) }
                { line(x, first + 28.0, "middle", format!("h{n} = {}", fixed(fwd.h[j], 3)), format!("ex-h-{}", j + 1)) }
            </>
        }
    });
    let outputs = (0..n_v).map(|i| {
        let (x, y) = output(i);
        let n = sub(i + 1);
        html! {
            <>
                { node(Place::Output(i), (x, y), format!("v{n}")) }
                { line(x + RADIUS + 10.0, y - 20.0, "start", format!("z²{n} = {}", fixed(fwd.z2[i], 3)), format!("ex-z2-{}", i + 1)) }
                { line(x + RADIUS + 10.0, y + 8.0, "start", format!("v{n} = {}", fixed(fwd.v[i], 3)), format!("ex-v-{}", i + 1)) }
                { line(x + RADIUS + 10.0, y + 36.0, "start", format!("target{n} = {}", fixed(p.target[i], 1)), format!("ex-target-{}", i + 1)) }
            </>
        }
    });

    // The highlighted factor: a yellow ring or band under its place, and a callout.
    let mut halo = Html::default();
    let mut callout = Html::default();
    if let Some((place, text)) = &props.highlight {
        let anchor: Option<(f64, f64)> = match *place {
            Place::Input(k) => Some(input(k)),
            Place::Hidden(j) => Some(hidden(j)),
            Place::Output(i) => Some(output(i)),
            Place::Weight(Weight::Hidden { j, k }) => Some(along(input(k), hidden(j), LABEL_AT)),
            Place::Weight(Weight::Output { i, j }) => Some(along(hidden(j), output(i), LABEL_AT)),
            Place::Feedback { j, i } => Some(feedback_curve(output(i), hidden(j), LABEL_AT).1),
            Place::Rate => Some((WIDTH - 80.0, 30.0)),
        };
        halo = match *place {
            Place::Input(_) | Place::Hidden(_) | Place::Output(_) => {
                let (x, y) = anchor.unwrap_or_default();
                html! { <circle class="ex-halo" cx={x.to_string()} cy={y.to_string()} r={(RADIUS + 7.0).to_string()} /> }
            }
            Place::Weight(Weight::Hidden { j, k }) => {
                let (a, b) = (input(k), hidden(j));
                html! { <line class="ex-halo" x1={a.0.to_string()} y1={a.1.to_string()} x2={b.0.to_string()} y2={b.1.to_string()} /> }
            }
            Place::Weight(Weight::Output { i, j }) => {
                let (a, b) = (hidden(j), output(i));
                html! { <line class="ex-halo" x1={a.0.to_string()} y1={a.1.to_string()} x2={b.0.to_string()} y2={b.1.to_string()} /> }
            }
            Place::Feedback { j, i } => {
                let (from, to) = (output(i), hidden(j));
                let (c, _) = feedback_curve(from, to, LABEL_AT);
                let d = format!(
                    "M {} {} Q {} {} {} {}",
                    from.0, from.1, c.0, c.1, to.0, to.1
                );
                html! { <path class="ex-halo" {d} /> }
            }
            Place::Rate => html! {
                <rect class="ex-halo-box" x={(WIDTH - 170.0).to_string()} y="6" width="165" height="36" rx="6" />
            },
        };
        if let Some((x, y)) = anchor {
            // On a unit's side without its numbers (an output's: below it, to the
            // right); over an edge's own label; below η.
            let width = text.chars().count() as f64 * TEXT * 0.58 + 20.0;
            let (cx, cy) = match *place {
                Place::Hidden(j) if hidden_above(j, n_h) => (x, y + RADIUS + 42.0),
                Place::Output(_) => (x - RADIUS + width / 2.0, y + RADIUS + 44.0),
                Place::Input(_) | Place::Hidden(_) => (x, y - RADIUS - 16.0),
                Place::Rate => (x - 40.0, y + 46.0),
                _ => (x, y + 8.0),
            };
            let left = (cx - width / 2.0).clamp(4.0, WIDTH - width - 4.0);
            callout = html! {
                <g class="ex-callout" data-testid="exercise-callout">
                    <rect x={left.to_string()} y={(cy - TEXT - 4.0).to_string()} width={width.to_string()}
                        height={(TEXT + 16.0).to_string()} rx="6" />
                    <text x={(left + width / 2.0).to_string()} y={(cy + 2.0).to_string()} text-anchor="middle">{text.clone()}</text>
                </g>
            };
        }
    }
    let highlight_place = props
        .highlight
        .as_ref()
        .map(|(place, _)| place_name(*place));

    let head = format!(
        "hidden f = {} · output g = {}",
        activation_name(p.hidden_activation),
        activation_name(p.output_activation)
    );
    let view_box = format!("0 0 {WIDTH} {HEIGHT}");
    html! {
        <svg class="ex-diagram" viewBox={view_box} role="img" aria-label={description(p)}
            data-testid="exercise-diagram" data-highlight={highlight_place}>
            <defs>
                <marker id="ex-arrow-b" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7"
                    orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="ex-arrow-b" />
                </marker>
            </defs>
            <text class="ex-head" x="8" y="32" data-testid="ex-activations">{head}</text>
            if fa {
                <text class="ex-head" x={(WIDTH - 12.0).to_string()} y="32" text-anchor="end"
                    data-testid="ex-rate">{format!("η = {}", p.lr)}</text>
            }
            { halo }
            { for lines }
            { for labels }
            { for inputs }
            { for hiddens }
            { for outputs }
            <text class="ex-loss" x={(WIDTH - 12.0).to_string()} y={(HEIGHT - 14.0).to_string()} text-anchor="end"
                data-testid="ex-loss">{format!("E = {}", significant(fwd.loss))}</text>
            <g class="ex-legend">
                <line x1="8" y1={(HEIGHT - 22.0).to_string()} x2="48" y2={(HEIGHT - 22.0).to_string()} class="ex-legend-w" />
                <text x="56" y={(HEIGHT - 14.0).to_string()}>{"W (forward)"}</text>
                <line x1="200" y1={(HEIGHT - 22.0).to_string()} x2="240" y2={(HEIGHT - 22.0).to_string()} class="ex-legend-asked" />
                <text x="248" y={(HEIGHT - 14.0).to_string()} class="ex-legend-asked-text" data-testid="ex-asked">
                    {format!("{}, the asked weight", p.weight.symbol())}</text>
                if fa {
                    <line x1="8" y1={(HEIGHT - 52.0).to_string()} x2="48" y2={(HEIGHT - 52.0).to_string()} class="ex-legend-b" />
                    <text x="56" y={(HEIGHT - 44.0).to_string()}>{"B (feedback)"}</text>
                }
            </g>
            { callout }
        </svg>
    }
}
