//! The locality inspector's panel under the network diagrams: what the chosen
//! synapse's update reads under each run's rule, side by side in compare mode, with
//! the probe sample's current numbers and a key to the marks on the diagrams. The
//! lists are the shared widget's ([`crate::widgets::locality`]), from core's facts;
//! the synapse and the numbers are [`super::inspect`]'s.

use std::rc::Rc;

use bioprop::{Activation, Snapshot};
use yew::prelude::*;

use super::inspect::{numbers, Inspect};
use crate::widgets::locality::{of_synapse, use_escape, Inspected, Number, ReadsTable};

#[derive(Properties, PartialEq)]
pub struct InspectorPanelProps {
    pub inspect: Inspect,
    /// Every run's latest snapshot, in the order of the runs.
    pub snapshots: Vec<Rc<Snapshot>>,
    /// The hidden units' activation, for `f′`.
    pub activation: Activation,
    pub on_close: Callback<()>,
}

/// The panel (`data-testid="locality-inspector"`); Escape anywhere on the page or its
/// close button closes it.
#[component]
pub fn InspectorPanel(props: &InspectorPanelProps) -> Html {
    use_escape(true, props.on_close.clone());
    let inspect = props.inspect;
    let entries: Vec<Inspected> = props
        .snapshots
        .iter()
        .map(|s| of_synapse(s.rule, inspect.layer, s.layers.len().saturating_sub(1)))
        .collect();
    let numbers: Vec<Number> = props
        .snapshots
        .iter()
        .enumerate()
        .flat_map(|(column, s)| {
            numbers(s, inspect, props.activation)
                .into_iter()
                .map(move |(origin, text)| Number {
                    column,
                    origin,
                    text,
                })
        })
        .collect();
    let silent: Vec<String> = entries
        .iter()
        .filter(|e| e.sources.is_empty())
        .map(|e| e.title.clone())
        .collect();
    let step = props.snapshots.first().map_or(0, |s| s.step);
    let onclick = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <section class="inspector-panel" data-testid="locality-inspector" data-synapse={inspect.to_string()}
            aria-labelledby="inspector-heading">
            <div class="inspector-head">
                <h3 id="inspector-heading">{format!("What the update of {} reads", inspect.name())}</h3>
                <button class="inspector-close" data-testid="inspector-close" {onclick}
                    aria-label="Close the locality inspector (Escape)">{"✕"}</button>
            </div>
            <ReadsTable {entries} {numbers}
                caption={format!("{}: from unit {} of layer {} onto unit {} of layer {}",
                    inspect.name(), inspect.pre, inspect.layer - 1, inspect.post, inspect.layer)} />
            { for silent.into_iter().map(|title| html! { <p class="view-note">{title}</p> }) }
            <p class="view-note">
                {format!("Numbers: the probe sample at step {step}. Marks: ")}
                <span class="inspector-key inspector-key-local">{"green, the synapse and its cells"}</span>{"; "}
                <span class="inspector-key inspector-key-feedback">{"orange, the feedback pathway"}</span>{"; "}
                <span class="inspector-key inspector-key-weights">{"purple, other synapses' weights"}</span>
            </p>
        </section>
    }
}
