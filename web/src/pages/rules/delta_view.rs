//! The delta rule's own view (`rule=delta`): the one layer drawn as SVG with a chosen
//! synapse, that synapse's latest update written out with the numbers core used, the
//! two tasks that make the lecture's point, and the way on to a hidden layer. The
//! logic (settings, formatting) is in [`super::delta`].
//!
//! ```text
//! ┌ Delta rule ─────────────────────────────────────────────────────────────┐
//! │ u (inputs) ──w_ij──▶ v (outputs)  │ Δw_ij = −η (v_i − y_i) u_j           │
//! │ (click an edge, or choose i and j) │ = −0.005 × (−0.44) × 0.99 = 0.0022   │
//! │                                    │ w_ij: 0.0045 → 0.0067                │
//! │                                    │ tasks: linear teacher | xor          │
//! │ Add a hidden layer: why the chain rule is needed  [backprop vs FA]        │
//! └──────────────────────────────────────────────────────────────────────────┘
//! ```

use std::rc::Rc;

use bioprop::rule::RuleKind;
use bioprop::task::TaskKind;
use bioprop::{Matrix, Snapshot};
use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::controls::Action;
use super::delta::{
    add_hidden_layer, choose_delta, chosen, factor, is_delta_view, on_key, pick_synapse,
    switch_task, Readout, Synapse, LESSON_TASKS,
};
use super::inspect_view::InspectorPanel;
use super::runs::Run;
use super::settings::Settings;
use super::views::{loss_series, Shared, TaskView, NETWORK_REDRAW_INTERVAL_MS};
use crate::shell::throttle::use_throttled;
use crate::widgets::chart::LineChart;
use crate::widgets::colour::{diverging, hex};
use crate::widgets::heatmap::max_abs;

/// The labels' font size in viewBox units: 14 px or more wherever the diagram is
/// drawn at 0.7 of its viewBox or more (checked in the browser at 1280×720).
pub const LABEL_SIZE: f32 = 20.0;
/// ViewBox width; the height follows from the wider layer.
const WIDTH: f32 = 420.0;
/// The input and output columns.
const COLUMN_X: [f32; 2] = [100.0, 320.0];
/// Space above the nodes for the column titles.
const TOP: f32 = 44.0;
/// Height of the tallest column of nodes, at most, and the largest gap between nodes.
const BAND: f32 = 400.0;
const MAX_GAP: f32 = 72.0;
/// Columns of at most this many units make a short diagram: the hidden-layer note
/// goes under it rather than beside.
const SHORT_COLUMN: usize = 10;

#[derive(Properties, PartialEq)]
pub struct DeltaChoiceProps {
    pub settings: Settings,
    pub on_action: Callback<Action>,
}

/// The control panel's way to the delta rule (pressed while it is shown; pressing it
/// again goes back to the default comparison).
#[component]
pub fn DeltaChoice(props: &DeltaChoiceProps) -> Html {
    let on = is_delta_view(&props.settings);
    let settings = props.settings.clone();
    let onclick = props.on_action.reform(move |_| {
        Action::Change(if on {
            add_hidden_layer(&settings)
        } else {
            choose_delta(&settings)
        })
    });
    html! {
        <button data-testid="delta-mode" aria-pressed={on.to_string()} {onclick}
            class={classes!("delta-choice", on.then_some("on"))}
            title="The lecture's first equation: one layer of weights learning by the delta rule">
            {"Delta rule (one layer)"}
        </button>
    }
}

#[derive(Properties, PartialEq)]
pub struct DeltaViewProps {
    pub shared: Shared,
    pub settings: Settings,
    pub on_action: Callback<Action>,
    /// Presentation mode and embeds: the hidden-layer text shortened to its button.
    #[prop_or_default]
    pub compact: bool,
}

/// The delta rule's panel: diagram, the chosen synapse's update, tasks, hidden layer.
#[component]
pub fn DeltaView(props: &DeltaViewProps) -> Html {
    let runs = props.shared.runs.borrow();
    let settings = &props.settings;
    // Until the worker's new runs arrive, the old ones (of another rule) are shown nowhere.
    let run = runs
        .runs
        .first()
        .filter(|r| r.rule == RuleKind::Delta && r.snapshot.layers.len() == 2);
    let choose = {
        let settings = settings.clone();
        props.on_action.reform(move |synapse: Synapse| {
            Action::Change(Settings {
                synapse: Some(synapse),
                ..settings.clone()
            })
        })
    };
    // A click on an edge, or Enter on the focused diagram, also opens the locality
    // inspector on the synapse (issue 14), with the network diagram's keys.
    let pick = {
        let settings = settings.clone();
        props
            .on_action
            .reform(move |synapse: Synapse| Action::Change(pick_synapse(&settings, synapse)))
    };
    let onkeydown = {
        let (settings, emit) = (settings.clone(), props.on_action.clone());
        Callback::from(move |event: KeyboardEvent| {
            if event.ctrl_key() || event.alt_key() || event.meta_key() {
                return;
            }
            if let Some(next) = on_key(&settings, &event.key(), event.shift_key()) {
                event.prevent_default();
                emit.emit(Action::Change(next));
            }
        })
    };
    let close = {
        let settings = settings.clone();
        props.on_action.reform(move |()| {
            Action::Change(Settings {
                inspect: None,
                ..settings.clone()
            })
        })
    };
    let inspected = settings
        .inspect
        .filter(|i| run.is_some_and(|r| i.fits(&r.snapshot.layers)));
    let synapse = chosen(settings);
    let layers = run.map(|r| r.snapshot.layers.clone()).unwrap_or_default();
    // The note goes in whichever column has room at 1280×720.
    let short = layers.iter().all(|&n| n <= SHORT_COLUMN);
    let note = hidden_layer_note(settings, &props.on_action, props.compact);
    html! {
        <section class="panel wide delta-view" data-view="delta" data-rule="delta">
            <h2>{"Delta rule: one layer of weights learning from its own error"}</h2>
            <div class="dv-grid">
                <div class="dv-main">
                    if let Some(run) = run {
                        <div class="nv-choosable" tabindex="0" role="group" {onkeydown}
                            aria-label="synapses: click one, or arrow keys and Enter, to see what it reads"
                            data-testid="delta-synapses">
                            <DeltaDiagram snapshot={run.snapshot.clone()} {synapse} on_pick={pick} />
                        </div>
                    }
                    if short { { note.clone() } }
                </div>
                <div class="dv-side">
                    <SynapseChooser {layers} {synapse} on_pick={choose} />
                    { update_readout(run, synapse) }
                    { task_choice(settings, &props.on_action) }
                    if !short { { note } }
                </div>
            </div>
            if let (Some(inspect), Some(run)) = (inspected, run) {
                <InspectorPanel {inspect} snapshots={vec![run.snapshot.clone()]}
                    activation={settings.experiment_configs().ok().and_then(|c| c.first().map(|c| c.activation)).unwrap_or_default()}
                    on_close={close} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct DeltaDiagramProps {
    snapshot: Rc<Snapshot>,
    synapse: Synapse,
    on_pick: Callback<Synapse>,
}

/// Where the diagram puts unit `index` of a column of `n` units, for a diagram whose
/// tallest column has `tallest` units.
fn node_y(index: usize, n: usize, tallest: usize) -> f32 {
    let gap = (BAND / tallest.max(1) as f32).min(MAX_GAP);
    let offset = (tallest - n) as f32 * gap / 2.0;
    TOP + offset + (index as f32 + 0.5) * gap
}

/// The one layer: inputs `u` on the left, outputs `v` on the right, every synapse an
/// edge coloured by its weight; the chosen one thick and named. An edge is clicked to
/// choose it (the selects beside do the same from the keyboard).
#[component]
fn DeltaDiagram(props: &DeltaDiagramProps) -> Html {
    let snapshot = use_throttled(props.snapshot.clone(), NETWORK_REDRAW_INTERVAL_MS);
    let Some(Some(weights)) = snapshot.weights.last() else {
        return html! { <p class="view-note">{"The layer is too large to draw."}</p> };
    };
    let Matrix { rows, cols, data } = weights;
    let (outputs, inputs) = (*rows, *cols);
    let tallest = inputs.max(outputs);
    let height = node_y(tallest - 1, tallest, tallest) + 24.0;
    let scale = max_abs(data);
    let (ci, cj) = props.synapse.index();
    let radius = ((BAND / tallest.max(1) as f32).min(MAX_GAP) * 0.32).min(9.0);
    let edge = |i: usize, j: usize| {
        (
            COLUMN_X[0],
            node_y(j, inputs, tallest),
            COLUMN_X[1],
            node_y(i, outputs, tallest),
        )
    };
    let mut edges = Vec::with_capacity(inputs * outputs);
    let mut hits = Vec::with_capacity(inputs * outputs);
    for i in 0..outputs {
        for j in 0..inputs {
            let w = data[i * cols + j];
            let (x1, y1, x2, y2) = edge(i, j);
            let width = 0.8 + 2.2 * if scale > 0.0 { w.abs() / scale } else { 0.0 };
            edges.push(html! {
                <line class="dv-edge" x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()}
                    y2={y2.to_string()} stroke={hex(diverging(w, scale))} stroke-width={width.to_string()} />
            });
            let synapse = Synapse {
                output: i + 1,
                input: j + 1,
            };
            let onclick = props.on_pick.reform(move |_| synapse);
            hits.push(html! {
                <line class="dv-hit" data-synapse={synapse.to_string()} x1={x1.to_string()}
                    y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} {onclick}>
                    <title>{format!("w{} = {}", sub(i + 1, j + 1), crate::widgets::heatmap::format_value(w))}</title>
                </line>
            });
        }
    }
    let nodes = |n: usize, x: f32| -> Html {
        (0..n)
            .map(|k| {
                let y = node_y(k, n, tallest);
                html! { <circle class="dv-node" cx={x.to_string()} cy={y.to_string()} r={radius.to_string()} /> }
            })
            .collect()
    };
    let chosen = (ci < outputs && cj < inputs).then(|| {
        let (x1, y1, x2, y2) = edge(ci, cj);
        let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0 - 8.0);
        let w = data[ci * cols + cj];
        html! {
            <g class="dv-chosen" data-testid="delta-chosen-edge">
                <line class="dv-chosen-halo" x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} />
                <line class="dv-chosen-edge" x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()}
                    stroke={hex(diverging(w, scale))} />
                <circle class="dv-node dv-node-chosen" cx={x1.to_string()} cy={y1.to_string()} r={(radius + 2.0).to_string()} />
                <circle class="dv-node dv-node-chosen" cx={x2.to_string()} cy={y2.to_string()} r={(radius + 2.0).to_string()} />
                <text class="dv-label" x={(x1 - radius - 8.0).to_string()} y={(y1 + LABEL_SIZE * 0.35).to_string()}
                    text-anchor="end" font-size={LABEL_SIZE.to_string()}>{format!("u{}", subscript(cj + 1))}</text>
                <text class="dv-label" x={(x2 + radius + 8.0).to_string()} y={(y2 + LABEL_SIZE * 0.35).to_string()}
                    font-size={LABEL_SIZE.to_string()}>{format!("v{}", subscript(ci + 1))}</text>
                <text class="dv-label dv-weight-label" x={mx.to_string()} y={my.to_string()} text-anchor="middle"
                    font-size={LABEL_SIZE.to_string()}>{format!("w{}", sub(ci + 1, cj + 1))}</text>
            </g>
        }
    });
    let label = format!(
        "One layer of weights from {inputs} inputs u to {outputs} outputs v, each synapse an \
         edge coloured by its weight (red positive, blue negative); the chosen synapse w{} \
         is drawn thick. Click an edge to choose it.",
        sub(ci + 1, cj + 1)
    );
    html! {
        <figure class="dv-figure">
            <svg class="dv-svg" viewBox={format!("0 0 {WIDTH} {height}")} role="img" aria-label={label}
                data-testid="delta-diagram">
                <text class="dv-column" x={COLUMN_X[0].to_string()} y="24" text-anchor="middle"
                    font-size={LABEL_SIZE.to_string()}>{format!("u: {inputs} inputs")}</text>
                <text class="dv-column" x={COLUMN_X[1].to_string()} y="24" text-anchor="middle"
                    font-size={LABEL_SIZE.to_string()}>{format!("v: {outputs} outputs")}</text>
                <g>{ for edges }</g>
                { nodes(inputs, COLUMN_X[0]) }
                { nodes(outputs, COLUMN_X[1]) }
                <g>{ for hits }</g>
                { chosen.unwrap_or_default() }
            </svg>
            <figcaption class="view-note">{"Edges: red +, blue −, width ∝ |w|. Click an edge (or Tab to the diagram, arrows, Enter) to see what its update reads."}</figcaption>
        </figure>
    }
}

/// `ᵢ,ⱼ` as subscript digits: `₃,₇`.
fn sub(i: usize, j: usize) -> String {
    format!("{},{}", subscript(i), subscript(j))
}

fn subscript(n: usize) -> String {
    crate::widgets::heatmap::subscript(n)
}

#[derive(Properties, PartialEq)]
struct SynapseChooserProps {
    layers: Vec<usize>,
    synapse: Synapse,
    on_pick: Callback<Synapse>,
}

/// The chosen synapse from the keyboard: output `i` and input `j`.
#[component]
fn SynapseChooser(props: &SynapseChooserProps) -> Html {
    let (Some(&inputs), Some(&outputs)) = (props.layers.first(), props.layers.last()) else {
        return html! {};
    };
    let synapse = props.synapse;
    let select =
        |testid: &'static str, n: usize, current: usize, make: fn(Synapse, usize) -> Synapse| {
            let onchange = props.on_pick.reform(move |event: Event| {
                let value = event
                    .target()
                    .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
                    .and_then(|s| s.value().parse().ok())
                    .unwrap_or(1);
                make(synapse, value)
            });
            html! {
                <select data-testid={testid} {onchange}>
                    { for (1..=n).map(|k| html! {
                        <option value={k.to_string()} selected={k == current}>{k}</option>
                    }) }
                </select>
            }
        };
    html! {
        <div class="dv-chooser">
            <span>{"Synapse w"}<sub>{"ij"}</sub>{":"}</span>
            <label>{"output i"}
                { select("synapse-output", outputs, synapse.output, |s, output| Synapse { output, ..s }) }
            </label>
            <label>{"input j"}
                { select("synapse-input", inputs, synapse.input, |s, input| Synapse { input, ..s }) }
            </label>
        </div>
    }
}

fn w_ij(i: usize, j: usize) -> Html {
    html! { <>{"w"}<sub>{format!("{i},{j}")}</sub></> }
}

fn indexed(letter: &str, k: usize) -> Html {
    html! { <>{letter.to_owned()}<sub>{k}</sub></> }
}

/// The chosen synapse's latest update, term by term, or what to do to get one.
fn update_readout(run: Option<&Run>, synapse: Synapse) -> Html {
    let (i, j) = (synapse.output, synapse.input);
    let law = html! {
        <p class="dv-law" data-testid="delta-law">
            {"Δ"}{w_ij(i, j)}{" = −η ("}{indexed("v", i)}{" − "}{indexed("y", i)}{") "}{indexed("u", j)}
        </p>
    };
    let update = run
        .and_then(|r| r.synapse.as_deref())
        .filter(|u| (u.output + 1, u.input + 1) == (i, j));
    let Some(update) = update else {
        let weight = run.and_then(|r| current_weight(&r.snapshot, synapse));
        // Trained already: the worker's answer for a newly chosen synapse is on its way.
        let trained = run.is_some_and(|r| r.snapshot.step > 0);
        return html! {
            <div class="dv-readout" data-testid="delta-readout">
                { law }
                if trained {
                    <p class="dv-waiting">{"Reading this synapse's latest update…"}</p>
                } else {
                    <p class="dv-waiting" data-testid="delta-waiting">
                        {"No update yet: press Step (s) or Play (space) to see this synapse learn."}
                        if let Some(w) = weight {
                            {" Now "}{w_ij(i, j)}{" = "}<b data-testid="delta-w-after">{super::delta::significant(w)}</b>{"."}
                        }
                    </p>
                }
            </div>
        };
    };
    let r = Readout::of(update);
    html! {
        <div class="dv-readout" data-testid="delta-readout">
            { law }
            <p class="dv-context">{"At step "}<b data-testid="delta-step">{r.step}</b>
                {", with η = "}<b data-testid="delta-eta">{r.eta.clone()}</b>
                if r.batch > 1 {
                    {format!(", averaged over a minibatch of {} samples:", r.batch)}
                } else {
                    {", for the sample just trained on:"}
                }
            </p>
            if r.batch == 1 {
                { single_sample(&r, i, j) }
            } else {
                { minibatch(&r, i, j) }
            }
            <p class="dv-weight">{w_ij(i, j)}{" ← "}{w_ij(i, j)}{" + Δ"}{w_ij(i, j)}{": "}
                <span data-testid="delta-w-before">{r.w_before.clone()}</span>{" → "}
                <b data-testid="delta-w-after">{r.w_after.clone()}</b>
            </p>
        </div>
    }
}

fn single_sample(r: &Readout, i: usize, j: usize) -> Html {
    let row = &r.rows[0];
    html! {
        <>
            <table class="dv-terms">
                <tr><th scope="row">{indexed("v", i)}</th><td data-testid="delta-v">{row.v.clone()}</td><td>{"the output"}</td></tr>
                <tr><th scope="row">{indexed("y", i)}</th><td data-testid="delta-y">{row.y.clone()}</td><td>{"its target"}</td></tr>
                <tr><th scope="row">{indexed("v", i)}{" − "}{indexed("y", i)}</th><td data-testid="delta-error">{row.error.clone()}</td><td>{"the error"}</td></tr>
                <tr><th scope="row">{indexed("u", j)}</th><td data-testid="delta-u">{row.u.clone()}</td><td>{"the input"}</td></tr>
            </table>
            <p class="dv-result">{"Δ"}{w_ij(i, j)}{format!(" = −{} × {} × {} = ", r.eta, factor(&row.error), factor(&row.u))}
                <b data-testid="delta-dw">{r.delta_w.clone()}</b></p>
        </>
    }
}

fn minibatch(r: &Readout, i: usize, j: usize) -> Html {
    html! {
        <>
            <table class="dv-samples">
                <thead><tr>
                    <th scope="col">{"sample"}</th><th scope="col">{indexed("u", j)}</th>
                    <th scope="col">{indexed("v", i)}</th><th scope="col">{indexed("y", i)}</th>
                    <th scope="col">{indexed("v", i)}{" − "}{indexed("y", i)}</th>
                    <th scope="col">{"("}{indexed("v", i)}{" − "}{indexed("y", i)}{") "}{indexed("u", j)}</th>
                </tr></thead>
                <tbody>
                    { for r.rows.iter().enumerate().map(|(s, row)| html! {
                        <tr data-testid="delta-sample">
                            <td>{s + 1}</td><td class="dv-u">{row.u.clone()}</td><td class="dv-v">{row.v.clone()}</td>
                            <td class="dv-y">{row.y.clone()}</td><td class="dv-e">{row.error.clone()}</td>
                            <td class="dv-p">{row.product.clone()}</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            if r.unlisted > 0 {
                <p class="view-note">{format!("… and {} more samples.", r.unlisted)}</p>
            }
            <p class="dv-result">{"mean of ("}{indexed("v", i)}{" − "}{indexed("y", i)}{") "}{indexed("u", j)}
                {format!(" over the {} samples = ", r.batch)}
                <b data-testid="delta-mean">{r.mean_product.clone()}</b></p>
            <p class="dv-result">{"Δ"}{w_ij(i, j)}{format!(" = −{} × {} = ", r.eta, factor(&r.mean_product))}
                <b data-testid="delta-dw">{r.delta_w.clone()}</b></p>
        </>
    }
}

/// `w_ij` as the snapshot has it (before any update, when the readout has none).
fn current_weight(snapshot: &Snapshot, synapse: Synapse) -> Option<f32> {
    let weights = snapshot.weights.last()?.as_ref()?;
    let (i, j) = synapse.index();
    (i < weights.rows && j < weights.cols).then(|| weights.data[i * weights.cols + j])
}

/// The two tasks of the lesson, side by side, and what this one shows.
fn task_choice(settings: &Settings, on_action: &Callback<Action>) -> Html {
    html! {
        <div class="dv-tasks" role="group" aria-label="Task for the delta rule">
            <span>{"Task: "}</span>
            { for LESSON_TASKS.iter().map(|&(task, title)| {
                let next = switch_task(settings, task);
                let on = settings.task == task;
                html! {
                    <button data-testid={format!("delta-task-{}", task.name())} aria-pressed={on.to_string()}
                        class={classes!(on.then_some("on"))} {title}
                        onclick={on_action.reform(move |_| Action::Change(next.clone()))}>
                        {task.name()}
                    </button>
                }
            }) }
            <p class="view-note dv-lesson" data-testid="delta-lesson">{lesson(settings.task)}</p>
        </div>
    }
}

/// What the task shows about one layer, with the conditions it was measured under
/// (CLI `bioprop run --rule delta`, the task's defaults; docs/science.md §1.2).
pub fn lesson(task: TaskKind) -> &'static str {
    match task {
        TaskKind::LinearTeacher => {
            "The teacher is itself one linear layer, so the delta rule finds it: held-out NSE \
             about 0.01 after 500 steps and 10⁻⁴ after 1000 (seed 1)."
        }
        TaskKind::Xor => {
            "One layer draws a single straight boundary, and no straight line separates xor: \
             held-out accuracy stays near chance (45–64 % after 5000 steps, seeds 1–3)."
        }
        _ => "One layer can only fit what a linear map (a straight boundary) can.",
    }
}

/// Why the chain rule is needed once there is a hidden layer, and the way there.
fn hidden_layer_note(settings: &Settings, on_action: &Callback<Action>, compact: bool) -> Html {
    let next = add_hidden_layer(settings);
    let button = html! {
        <button data-testid="add-hidden-layer" title="Backprop against feedback alignment, with the task's hidden layers"
            onclick={on_action.reform(move |_| Action::Change(next.clone()))}>
            {format!("Add a hidden layer: backprop vs FA on {}", settings.task.name())}
        </button>
    };
    if compact {
        return html! { <div class="dv-next">{ button }</div> };
    }
    html! {
        <div class="dv-next" data-testid="delta-hidden-layer">
            <h3>{"Add a hidden layer: why the chain rule is needed"}</h3>
            <p>{"A hidden unit has no target, so there is no v − y to form there. Its error must be \
                computed from the output error by the chain rule, δ"}<sub>{"h"}</sub>{" = f′(z"}<sub>{"h"}</sub>{") ∘ W"}<sub>{"2"}</sub>
                {"ᵀ δ"}<sub>{"out"}</sub>{" with δ"}<sub>{"out"}</sub>{" = v − y: that is backprop. \
                It sends the error back through W"}<sub>{"2"}</sub>{"ᵀ, the forward weights of other \
                synapses, which a neuron cannot know (weight transport); the rules compared next \
                replace it, e.g. by a fixed random B (feedback alignment). The output layer still \
                learns by this delta rule, with the hidden activity in place of u."}</p>
            { button }
        </div>
    }
}

/// The delta rule's entry at the head of the explanation panel.
#[component]
pub fn DeltaExplanation() -> Html {
    html! {
        <p data-testid="delta-explanation">
            <b>{"The delta rule"}</b>{" (Widrow & Hoff 1960) trains a single layer: v = W u + b (a \
            softmax of it for a classification task), and each synapse changes by Δw"}<sub>{"ij"}</sub>
            {" = −η (v"}<sub>{"i"}</sub>{" − y"}<sub>{"i"}</sub>{") u"}<sub>{"j"}</sub>{", averaged \
            over the minibatch. This is gradient descent on ½‖v − y‖² (for a softmax output, on the \
            cross-entropy, whose derivative is the same v − y, so no f′ appears). The synapse needs \
            its own input u"}<sub>{"j"}</sub>{", its cell's output v"}<sub>{"i"}</sub>{" and the \
            target y"}<sub>{"i"}</sub>{" — which is given only at the output."}
        </p>
    }
}

#[derive(Properties, PartialEq)]
pub struct DeltaPresentationProps {
    pub shared: Shared,
    pub settings: Settings,
    pub on_action: Callback<Action>,
}

/// Presentation mode for the delta rule: its view beside the loss and the task.
#[component]
pub fn DeltaPresentation(props: &DeltaPresentationProps) -> Html {
    let runs = props.shared.runs.borrow();
    html! {
        <div class="presentation delta-presentation" data-testid="presentation">
            <DeltaView shared={props.shared.clone()} settings={props.settings.clone()}
                on_action={props.on_action.clone()} compact=true />
            <div class="present-charts" data-view="curves">
                <section class="panel">
                    <LineChart title="Loss (solid: training set, light: held-out)" x_label="step" y_label="loss"
                        series={Rc::new(loss_series(&runs))} log_y={props.settings.log_loss} testid="chart-loss" />
                </section>
                <TaskView shared={props.shared.clone()} task={props.settings.task} />
            </div>
        </div>
    }
}
