//! The locality inspector on the rules page's network diagram: every rule has an
//! entry for every synapse it can show, derived from core's facts
//! (`bioprop::rule::RuleFacts::synapse_reads`), with the classes the lecture gives
//! (docs/science.md §1.6); the marks on the diagram follow the reads; a click picks
//! the synapse under it; the chosen synapse round-trips through the URL.
#![cfg(not(target_arch = "wasm32"))]

use bioprop::rule::{Locality, Origin};
use bioprop::{Experiment, ExperimentConfig, RuleKind, TaskKind};
use bioprop_web::pages::rules::inspect::{marks, numbers, pick, Highlight, Inspect};
use bioprop_web::pages::rules::network_view::{scene, FeedbackView};
use bioprop_web::pages::rules::settings::Settings;
use bioprop_web::shell::UrlSettings;
use bioprop_web::widgets::locality::{of_synapse, sources};

/// A real snapshot of `rule` on XOR with two hidden layers (one layer for delta).
fn snapshot(rule: RuleKind) -> bioprop::Snapshot {
    let base = ExperimentConfig::for_task(TaskKind::Xor);
    let layers = if rule == RuleKind::Delta {
        vec![2, 2]
    } else {
        vec![2, 5, 4, 2]
    };
    let config = ExperimentConfig {
        rule,
        layers,
        ..base
    };
    let mut run = Experiment::new(&config).unwrap();
    run.step(3).unwrap();
    run.snapshot()
}

/// The classes an update reads from, each once, from local to not.
fn classes(rule: RuleKind, layer: usize, depth: usize) -> Vec<Locality> {
    let mut classes: Vec<Locality> = of_synapse(rule, layer, depth)
        .sources
        .iter()
        .map(|s| s.locality())
        .collect();
    classes.dedup();
    classes
}

#[test]
fn every_rule_has_an_entry_for_every_synapse_from_cores_facts() {
    for rule in RuleKind::ALL {
        let facts = rule.facts();
        let depth = if rule == RuleKind::Delta { 1 } else { 3 };
        for layer in 1..=depth {
            let entry = of_synapse(rule, layer, depth);
            assert_eq!(entry.name, facts.name);
            match facts.synapse_reads(layer, depth) {
                Some(reads) => {
                    assert!(!reads.is_empty(), "{rule:?} W{layer}: no reads declared");
                    assert_eq!(entry.sources, sources(reads), "{rule:?} W{layer}");
                    let listed: usize = entry.sources.iter().map(|s| s.quantities.len()).sum();
                    assert_eq!(listed, reads.len(), "{rule:?} W{layer}");
                }
                None => {
                    assert!(!facts.trains_hidden && layer < depth, "{rule:?} W{layer}");
                    assert!(entry.sources.is_empty() && entry.title.contains("does not learn"));
                }
            }
        }
        // Every rule's output synapse learns and reads something at the synapse.
        assert!(
            classes(rule, depth, depth).contains(&Locality::AtSynapse),
            "{rule:?}"
        );
    }
}

#[test]
fn the_classes_are_the_lectures() {
    // Backprop: Wᵀ, the weights of other synapses.
    let bp = of_synapse(RuleKind::Backprop, 1, 2);
    let other = bp
        .sources
        .iter()
        .find(|s| s.origin == Origin::OtherSynapses)
        .expect("bp reads other synapses' weights");
    assert!(
        other.quantities.iter().any(|q| q.starts_with("W_{k+1}")),
        "{other:?}"
    );
    // Feedback alignment: B, a dedicated feedback pathway, and no other weights.
    let fa = of_synapse(RuleKind::FeedbackAlignment, 1, 2);
    assert!(fa
        .sources
        .iter()
        .any(|s| s.origin == Origin::FeedbackPathway
            && s.quantities.iter().any(|q| q.starts_with("B_{k+1}"))));
    assert!(!classes(RuleKind::FeedbackAlignment, 1, 2).contains(&Locality::OtherSynapses));
    // Sign symmetry: sign(W)ᵀ, other synapses' signs.
    let usf = of_synapse(RuleKind::SignSymmetry, 1, 2);
    assert!(usf.sources.iter().any(|s| s.origin == Origin::OtherSynapses
        && s.quantities.iter().any(|q| q.starts_with("sign(W"))));
    // DFA: D, a dedicated pathway straight from the output.
    let dfa = of_synapse(RuleKind::DirectFeedbackAlignment, 1, 2);
    assert!(dfa
        .sources
        .iter()
        .any(|s| s.origin == Origin::FeedbackPathway
            && s.quantities.iter().any(|q| q.starts_with("D_k"))));
    assert!(!classes(RuleKind::DirectFeedbackAlignment, 1, 2).contains(&Locality::OtherSynapses));
    // The delta rule's one (output) layer: nothing from a feedback pathway or from
    // other synapses; what it reads is at the synapse, plus the target it is taught.
    let delta = classes(RuleKind::Delta, 1, 1);
    assert_eq!(delta, vec![Locality::AtSynapse, Locality::Target]);
    let verdict = |rule, layer, depth| of_synapse(rule, layer, depth).verdict();
    assert_eq!(verdict(RuleKind::Delta, 1, 1), "local, plus the target");
    assert_eq!(verdict(RuleKind::Backprop, 1, 2), "not local");
    assert_eq!(verdict(RuleKind::FeedbackAlignment, 1, 2), "not local");
    // Every rule's output synapse reads the same local quantities and the target.
    for rule in RuleKind::ALL {
        let depth = if rule == RuleKind::Delta { 1 } else { 2 };
        assert_eq!(classes(rule, depth, depth), delta, "{rule:?}");
    }
}

#[test]
fn the_marks_show_where_the_reads_come_from() {
    let w1 = Inspect::FIRST;
    for rule in [RuleKind::Backprop, RuleKind::FeedbackAlignment] {
        let snap = snapshot(rule);
        let drawn = scene(&snap, FeedbackView::B);
        let highlight = Highlight::of(rule, w1, 3);
        let classes: Vec<&str> = marks(&drawn, &highlight, 2)
            .iter()
            .map(|m| m.class)
            .collect();
        assert!(classes.contains(&"nv-mark-synapse"), "{rule:?}");
        assert_eq!(classes.iter().filter(|c| **c == "nv-mark-local").count(), 2);
        assert!(
            classes.contains(&"nv-mark-feedback"),
            "{rule:?}: δ₂ arrives by the band"
        );
        // bp reads W₂'s column 1: one line to each of layer 2's 4 units; fa none.
        let weights = classes.iter().filter(|c| **c == "nv-mark-weights").count();
        assert_eq!(
            weights,
            if rule == RuleKind::Backprop { 4 } else { 0 },
            "{rule:?}"
        );
    }
}

#[test]
fn a_click_on_a_synapses_line_picks_it_and_the_numbers_are_the_snapshots() {
    let snap = snapshot(RuleKind::Backprop);
    let drawn = scene(&snap, FeedbackView::B);
    let unit = |layer: usize, unit: usize| {
        drawn
            .nodes
            .iter()
            .find(|n| n.layer == layer && n.unit == unit)
            .unwrap()
    };
    // Nine tenths of the way along the line from unit 2 of h₁ to unit 3 of h₂. (Lines
    // cross: with units on one grid, two lines cross at nine tenths only if their
    // presynaptic units are 9 or more apart, and h₁ has 5.)
    let (a, b) = (unit(1, 1), unit(2, 2));
    let at = (a.x + 0.9 * (b.x - a.x), a.y + 0.9 * (b.y - a.y));
    let picked = pick(&drawn, at.0, at.1, 6.0).expect("on a line");
    assert_eq!(
        picked,
        Inspect {
            layer: 2,
            post: 3,
            pre: 2
        }
    );
    assert_eq!(pick(&drawn, -50.0, -50.0, 6.0), None, "far from every line");
    // The presynaptic number is h₁[2] of the probe sample.
    let shown = numbers(&snap, picked, bioprop::Activation::Tanh);
    let pre = shown
        .iter()
        .find(|(o, _)| *o == Origin::Presynaptic)
        .unwrap();
    assert!(pre.1.starts_with("h₁[2] = "), "{pre:?}");
    let other = shown
        .iter()
        .find(|(o, _)| *o == Origin::OtherSynapses)
        .unwrap();
    assert!(other.1.starts_with("W₃[:, 3] = ["), "{other:?}");
}

#[test]
fn the_inspected_synapse_round_trips_through_the_url() {
    let (s, notices) = Settings::from_query("?task=xor&layers=2-5-4-2&inspect=2-3-5");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(
        s.inspect,
        Some(Inspect {
            layer: 2,
            post: 3,
            pre: 5
        })
    );
    let query = s.to_query();
    assert!(query.contains("inspect=2-3-5"), "{query}");
    assert_eq!(Settings::from_query(&query).0, s);
    // A synapse the network lacks, or no synapse at all: a notice, the inspector closed.
    for bad in ["inspect=4-1-1", "inspect=2-5-1", "inspect=w"] {
        let (s, notices) = Settings::from_query(&format!("?task=xor&layers=2-5-4-2&{bad}"));
        assert_eq!(s.inspect, None, "{bad}");
        assert_eq!(notices.len(), 1, "{bad}: {notices:?}");
        assert_eq!(notices[0].param, "inspect");
    }
    // A new network without the synapse closes the inspector instead of refusing the change.
    let narrower = Settings {
        layers: Some(vec![2, 2, 2]),
        ..s.clone()
    };
    let edited = s.edited(&narrower).expect("the change is kept");
    assert_eq!(edited.inspect, None);
    assert_eq!(edited.layers, Some(vec![2, 2, 2]));
}

#[test]
fn the_delta_rule_s_view_inspects_its_synapses_by_click_and_keys() {
    use bioprop_web::pages::rules::delta::{on_key, pick_synapse, Synapse};
    let (page, notices) = Settings::from_query("?task=xor&rule=delta&synapse=2-1");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(page.inspect, None);
    // A click on w₁₂'s edge writes it out and opens the inspector on W₁[1, 2].
    let clicked = pick_synapse(
        &page,
        Synapse {
            output: 1,
            input: 2,
        },
    );
    let w12 = Inspect {
        layer: 1,
        post: 1,
        pre: 2,
    };
    assert_eq!(clicked.inspect, Some(w12));
    assert_eq!(
        clicked.synapse,
        Some(Synapse {
            output: 1,
            input: 2
        })
    );
    // Its entry is the delta rule's, from core: local, plus the target.
    let entry = of_synapse(RuleKind::Delta, w12.layer, 1);
    assert_eq!(entry.verdict(), "local, plus the target");
    assert_eq!(
        entry.sources,
        sources(RuleKind::Delta.facts().synapse_reads(1, 1).unwrap())
    );
    let shown = numbers(&snapshot(RuleKind::Delta), w12, bioprop::Activation::Tanh);
    assert!(!shown.is_empty());
    // `inspect=` round-trips through the URL beside `synapse=`.
    let query = clicked.to_query();
    assert!(
        query.contains("inspect=1-1-2") && query.contains("synapse=1-2"),
        "{query}"
    );
    assert_eq!(Settings::from_query(&query).0, clicked);
    // Keys: with the inspector closed the arrows move the chosen synapse only; Enter
    // opens it there; then the arrows move both; Escape closes; other keys pass.
    let moved = on_key(&page, "ArrowDown", false).unwrap();
    assert_eq!(
        moved.synapse,
        Some(Synapse {
            output: 2,
            input: 2
        })
    );
    assert_eq!(moved.inspect, None);
    let down = on_key(&page, "ArrowDown", true).unwrap();
    assert_eq!(
        down.synapse,
        Some(Synapse {
            output: 2,
            input: 1
        }),
        "clamped"
    );
    let up = on_key(&page, "ArrowUp", true).unwrap();
    assert_eq!(
        up.synapse,
        Some(Synapse {
            output: 1,
            input: 1
        })
    );
    let opened = on_key(&page, "Enter", false).unwrap();
    let w21 = Inspect {
        layer: 1,
        post: 2,
        pre: 1,
    };
    assert_eq!(opened.inspect, Some(w21));
    let followed = on_key(&opened, "ArrowDown", false).unwrap();
    assert_eq!(
        followed.synapse,
        Some(Synapse {
            output: 2,
            input: 2
        })
    );
    assert_eq!(followed.inspect, Some(Inspect { pre: 2, ..w21 }));
    assert_eq!(on_key(&followed, "Escape", false).unwrap().inspect, None);
    assert_eq!(on_key(&page, "a", false), None);
    // Leaving the delta view closes the inspector rather than keep a synapse of one layer.
    let hidden = bioprop_web::pages::rules::delta::add_hidden_layer(&clicked);
    assert_eq!(hidden.inspect, None);
}
