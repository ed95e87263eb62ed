//! The locality inspector, shared by every page that has one (the tour's locality
//! step, the rules page's network diagram, the microcircuit page): what an update
//! reads, derived from core's declarations and never typed again here
//! (`docs/science.md` §1.6) — under each learning rule
//! ([`bioprop::rule::RuleFacts::reads`], [`bioprop::rule::RuleFacts::synapse_reads`])
//! and under each of the microcircuit's four plasticity rules
//! ([`bioprop::microcircuit::facts::PLASTICITY`]) — grouped by where each quantity
//! comes from ([`Origin`]) and ordered from local to non-local ([`Locality`]).
//!
//! The lists are pure and tested natively; [`ReadsTable`] draws them side by side.

use bioprop::microcircuit::facts::{PlasticityFacts, PLASTICITY};
use bioprop::rule::{Locality, Origin, Reads};
use bioprop::RuleKind;
use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The quantities an update reads that come from one origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub origin: Origin,
    pub quantities: Vec<&'static str>,
}

impl Source {
    pub fn locality(&self) -> Locality {
        self.origin.locality()
    }

    pub fn is_local(&self) -> bool {
        self.origin.is_local()
    }
}

/// `reads` grouped by origin, in the order of [`Locality::ALL`] (the origin's first
/// appearance breaks ties), each origin once.
pub fn sources(reads: &[Reads]) -> Vec<Source> {
    let mut grouped: Vec<Source> = Vec::new();
    for read in reads {
        match grouped.iter_mut().find(|s| s.origin == read.origin) {
            Some(source) => source.quantities.push(read.quantity),
            None => grouped.push(Source {
                origin: read.origin,
                quantities: vec![read.quantity],
            }),
        }
    }
    // A stable sort keeps the declaration's order within a class.
    grouped.sort_by_key(Source::locality);
    grouped
}

/// One entry of the inspector: a learning rule of the networks, or a plasticity rule of
/// the microcircuit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspected {
    /// A short name for its tab (`bp`, `W^IP_k`).
    pub name: &'static str,
    /// What it is, in a line.
    pub title: String,
    /// Its update, where core states one.
    pub formula: Option<&'static str>,
    pub sources: Vec<Source>,
}

impl Inspected {
    /// Whether every quantity it reads is local.
    pub fn is_local(&self) -> bool {
        self.sources.iter().all(Source::is_local)
    }

    /// Whether every quantity it reads is local but for the target: a synapse onto an
    /// output cell, taught from outside the network (the lecture's point 6, not a
    /// question of locality, point 5).
    pub fn is_local_but_target(&self) -> bool {
        self.sources
            .iter()
            .all(|s| s.is_local() || s.locality() == Locality::Target)
    }

    /// The column's verdict: `all local`, `local, plus the target` or `not local`.
    pub fn verdict(&self) -> &'static str {
        if self.is_local() {
            "all local"
        } else if self.is_local_but_target() {
            "local, plus the target"
        } else {
            "not local"
        }
    }
}

/// A network rule's hidden synapse (the output synapse for a rule whose hidden layers do
/// not learn); `None` if `name` is no rule.
pub fn of_rule(name: &str) -> Option<Inspected> {
    let rule: RuleKind = name.parse().ok()?;
    let facts = rule.facts();
    Some(Inspected {
        name: facts.name,
        title: format!("{} ({})", facts.title, facts.citation),
        formula: None,
        sources: sources(facts.reads),
    })
}

/// The synapse `W_layer[i, j]` of a network of `depth` weight layers under `rule`:
/// a hidden synapse reads the rule's declared reads, an output synapse the output
/// layer's ([`bioprop::rule::RuleFacts::synapse_reads`]); no sources when the synapse
/// does not learn under the rule (a hidden synapse of `shallow`).
pub fn of_synapse(rule: RuleKind, layer: usize, depth: usize) -> Inspected {
    let facts = rule.facts();
    let reads = facts.synapse_reads(layer, depth);
    let title = match reads {
        Some(_) => format!("{} ({})", facts.title, facts.citation),
        None => format!("{}: this synapse does not learn", facts.title),
    };
    Inspected {
        name: facts.name,
        title,
        formula: None,
        sources: reads.map(sources).unwrap_or_default(),
    }
}

/// One of the microcircuit's plasticity rules.
pub fn of_plasticity(rule: &PlasticityFacts) -> Inspected {
    Inspected {
        name: rule.weights,
        title: rule.connects.to_string(),
        formula: Some(rule.formula),
        sources: sources(rule.reads),
    }
}

/// The microcircuit's four rules, in core's order.
pub fn microcircuit() -> Vec<Inspected> {
    PLASTICITY.iter().map(of_plasticity).collect()
}

/// A row of the inspector's table: one origin, and for each inspected rule the
/// quantities it reads from there (empty when it reads none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub origin: Origin,
    pub cells: Vec<Vec<&'static str>>,
}

/// The table of `entries` side by side: a row per origin any of them reads, from local
/// to non-local (in [`Origin`]'s declaration order within a class).
pub fn table(entries: &[Inspected]) -> Vec<Row> {
    let mut origins: Vec<Origin> = entries
        .iter()
        .flat_map(|e| e.sources.iter().map(|s| s.origin))
        .collect();
    origins.sort_by_key(|o| (o.locality(), *o as u8));
    origins.dedup();
    origins
        .into_iter()
        .map(|origin| Row {
            origin,
            cells: entries
                .iter()
                .map(|e| {
                    e.sources
                        .iter()
                        .find(|s| s.origin == origin)
                        .map(|s| s.quantities.clone())
                        .unwrap_or_default()
                })
                .collect(),
        })
        .collect()
}

/// A number to show in a cell of the table: under `origin`, in column `column`.
#[derive(Clone, Debug, PartialEq)]
pub struct Number {
    pub column: usize,
    pub origin: Origin,
    pub text: String,
}

#[derive(Properties, PartialEq)]
pub struct ReadsTableProps {
    pub entries: Vec<Inspected>,
    pub caption: AttrValue,
    /// Current values, shown under the quantities they belong to.
    #[prop_or_default]
    pub numbers: Vec<Number>,
}

/// One column per rule, one row per origin, local rows first.
#[component]
pub fn ReadsTable(props: &ReadsTableProps) -> Html {
    let rows = table(&props.entries);
    let head = props.entries.iter().map(|entry| {
        let local = entry.is_local_but_target();
        html! {
            <th scope="col" data-rule={entry.name} title={entry.title.clone()}>
                <span class="tour-rule-name">{entry.name}</span>
                <span class={classes!("tour-rule-local", local.then_some("local"))}
                    data-testid="locality-verdict">{entry.verdict()}</span>
            </th>
        }
    });
    let body = rows.iter().map(|row| {
        let locality = row.origin.locality();
        let local = row.origin.is_local();
        let target = locality == Locality::Target;
        let cells = row.cells.iter().zip(&props.entries).enumerate().map(|(column, (cell, entry))| {
            let numbers = props
                .numbers
                .iter()
                .filter(|n| n.column == column && n.origin == row.origin && !cell.is_empty());
            html! {
                <td data-rule={entry.name}>
                    { for cell.iter().map(|q| html! { <span class="tour-quantity">{*q}</span> }) }
                    { for numbers.map(|n| html! { <span class="loc-number">{n.text.clone()}</span> }) }
                </td>
            }
        });
        html! {
            <tr class={if local { "local" } else if target { "target" } else { "non-local" }} data-locality={locality.name()}>
                <th scope="row">
                    <span class="tour-mark" aria-hidden="true">{if local { "✓" } else if target { "→" } else { "✗" }}</span>
                    <span class="tour-origin">{row.origin.describe()}</span>
                    <span class="tour-class">{format!("{}: {}", locality.name(), locality.verdict())}</span>
                </th>
                { for cells }
            </tr>
        }
    });
    html! {
        <div class="tour-table" tabindex="0" role="group" aria-label={props.caption.clone()}>
        <table class="tour-reads">
            <caption>{props.caption.to_string()}</caption>
            <thead><tr><th scope="col">{"where it comes from"}</th>{ for head }</tr></thead>
            <tbody>{ for body }</tbody>
        </table>
        </div>
    }
}

/// Calls `on_escape` when Escape is pressed anywhere on the page while `active`: how
/// an inspector panel closes. The newest callback is used, so it never acts on stale
/// page state.
#[hook]
pub fn use_escape(active: bool, on_escape: Callback<()>) {
    let handler = use_mut_ref(|| on_escape.clone());
    *handler.borrow_mut() = on_escape;
    use_effect_with(active, move |&active| {
        let listener = active.then(|| {
            EventListener::new(&gloo::utils::document(), "keydown", move |event| {
                let escape = event
                    .dyn_ref::<web_sys::KeyboardEvent>()
                    .is_some_and(|e| e.key() == "Escape");
                if escape {
                    handler.borrow().emit(());
                }
            })
        });
        move || drop(listener)
    });
}
