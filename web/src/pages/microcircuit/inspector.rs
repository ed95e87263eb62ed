//! The locality inspector for the circuit's four plasticity rules (`inspect=1` … `4`,
//! in the order of `docs/science.md` §4.2 and core's
//! [`bioprop::microcircuit::facts::PLASTICITY`]): a button per synapse class, and for
//! the chosen one what its update reads, in the same table as the networks' rules
//! ([`crate::widgets::locality`]). Every quantity is at the synapse or inside its own
//! cell, unlike backprop's `Wᵀ`.

use bioprop::microcircuit::facts::PLASTICITY;
use yew::prelude::*;

use crate::widgets::locality::{of_plasticity, use_escape, ReadsTable};

/// The URL's numbering of the four rules, from 1.
pub fn parse_rule_number(value: &str) -> Option<usize> {
    value
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=PLASTICITY.len()).contains(n))
}

#[derive(Properties, PartialEq)]
pub struct CircuitInspectorProps {
    /// The chosen rule, from 1 (`None`: closed).
    pub chosen: Option<usize>,
    pub on_choose: Callback<Option<usize>>,
}

/// The four synapse classes as buttons, and the chosen one's reads.
#[component]
pub fn CircuitInspector(props: &CircuitInspectorProps) -> Html {
    use_escape(props.chosen.is_some(), props.on_choose.reform(|()| None));
    let buttons = PLASTICITY.iter().enumerate().map(|(n, rule)| {
        let number = n + 1;
        let pressed = props.chosen == Some(number);
        let onclick = props
            .on_choose
            .reform(move |_: MouseEvent| (!pressed).then_some(number));
        html! {
            <button class="mc-synapse-class" aria-pressed={pressed.to_string()}
                data-testid="inspect-plasticity" data-rule={number.to_string()} {onclick}
                title={rule.connects}>{rule.weights}</button>
        }
    });
    let panel = props
        .chosen
        .and_then(|n| PLASTICITY.get(n - 1))
        .map(|rule| {
            let entry = of_plasticity(rule);
            let onclick = props.on_choose.reform(|_: MouseEvent| None);
            html! {
                <div class="inspector-panel" data-testid="locality-inspector"
                    aria-labelledby="circuit-inspector-heading">
                    <div class="inspector-head">
                        <h3 id="circuit-inspector-heading">{format!("What an update of {} reads", rule.weights)}</h3>
                        <button class="inspector-close" data-testid="inspector-close" {onclick}
                            aria-label="Close the locality inspector (Escape)">{"✕"}</button>
                    </div>
                    <p>{rule.connects}{": "}<code>{rule.formula}</code></p>
                    <ReadsTable entries={vec![entry]} caption={format!("{}: {}", rule.weights, rule.connects)} />
                </div>
            }
        });
    html! {
        <section class="panel wide" data-view="inspector">
            <h2>{"Locality inspector: what a synapse sees"}</h2>
            <div class="mc-synapse-classes" role="group" aria-label="the circuit's four plasticity rules">
                { for buttons }
            </div>
            { for panel }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_rules_are_numbered_from_one() {
        assert_eq!(parse_rule_number("1"), Some(1));
        assert_eq!(parse_rule_number("4"), Some(4));
        for bad in ["0", "5", "x", "", "-1"] {
            assert_eq!(parse_rule_number(bad), None, "{bad}");
        }
    }
}
