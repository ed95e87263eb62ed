//! Every rule has an entry in every view, read from its facts in core
//! (`bioprop::rule::RuleFacts`): a rule added to core without one fails here.
//! Driven natively: the views' text and geometry are built without a browser.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::HashSet;

use bioprop::rule::FeedbackPath;
use bioprop::{Experiment, ExperimentConfig, RuleKind, TaskKind};
use bioprop_web::pages::rules::network_view::{
    band_title, carries_error, pathway_note, scene, FeedbackView,
};
use bioprop_web::pages::rules::runs::rule_colour;
use bioprop_web::pages::rules::views::RuleEntry;
use bioprop_web::widgets::heatmap::{feedback_name, feedback_note, subscript};

/// A real snapshot of `rule` on XOR: two hidden layers where the rule allows them,
/// the task's input and output only where it trains a single layer (delta).
fn snapshot(rule: RuleKind) -> bioprop::Snapshot {
    let base = ExperimentConfig::for_task(TaskKind::Xor);
    let (inputs, outputs) = (base.layers[0], *base.layers.last().unwrap());
    let deep = ExperimentConfig {
        rule,
        layers: vec![inputs, 5, 4, outputs],
        ..base.clone()
    };
    let config = if deep.validate().is_ok() {
        deep
    } else {
        ExperimentConfig {
            rule,
            layers: vec![inputs, outputs],
            ..base
        }
    };
    Experiment::new(&config).unwrap().snapshot()
}

#[test]
fn every_rule_has_its_own_colour_from_its_facts() {
    let mut seen = HashSet::new();
    for rule in RuleKind::ALL {
        let colour = rule_colour(rule);
        assert_eq!(
            [colour.0, colour.1, colour.2],
            rule.facts().colour,
            "{rule:?}"
        );
        assert!(
            seen.insert([colour.0, colour.1, colour.2]),
            "{rule:?} shares a colour"
        );
    }
}

#[test]
fn every_rule_names_its_feedback_matrix_for_each_hidden_layer() {
    for rule in RuleKind::ALL {
        let path = rule.facts().feedback;
        for k in 1..=3 {
            let name = feedback_name(rule, k);
            let expected = match path {
                FeedbackPath::Direct => format!("D{}", subscript(k)),
                FeedbackPath::Nothing
                | FeedbackPath::Transpose
                | FeedbackPath::FixedRandom
                | FeedbackPath::Learned
                | FeedbackPath::Sign
                | FeedbackPath::SignRandomMagnitude => format!("B{}", subscript(k + 1)),
            };
            assert_eq!(name, expected, "{rule:?}, layer {k}");
        }
        // Rules that do not send the error through the reported matrix say so.
        assert_eq!(
            feedback_note(rule).is_some(),
            !path.uses_reported_matrix() || path == FeedbackPath::Direct,
            "{rule:?}"
        );
    }
}

#[test]
fn every_rule_says_where_its_error_travels_in_the_network_view() {
    for rule in RuleKind::ALL {
        let facts = rule.facts();
        let carrying: Vec<FeedbackView> = FeedbackView::ALL
            .into_iter()
            .filter(|&v| carries_error(rule, v))
            .collect();
        // The reference: the rule's pathway is drawn by exactly one view (B for the
        // matrices the snapshot reports, Wᵀ for backprop), by none when no error
        // reaches a hidden layer.
        let expected: &[FeedbackView] = match facts.feedback {
            FeedbackPath::Nothing => &[],
            FeedbackPath::Transpose => &[FeedbackView::Transpose],
            FeedbackPath::FixedRandom
            | FeedbackPath::Learned
            | FeedbackPath::Sign
            | FeedbackPath::SignRandomMagnitude
            | FeedbackPath::Direct => &[FeedbackView::B],
        };
        assert_eq!(carrying, expected, "{rule:?}");

        let snapshot = snapshot(rule);
        let hidden = snapshot.layers.len() - 2;
        assert_eq!(hidden > 0, rule != RuleKind::Delta, "{rule:?}");
        for view in FeedbackView::ALL {
            let title = band_title(rule, view);
            let shown = if carries_error(rule, view) && view == FeedbackView::B {
                facts.feedback.reported_matrix().to_string()
            } else {
                view.label().to_string()
            };
            assert!(title.contains(&shown), "{rule:?} {view:?}: {title}");
            if !carries_error(rule, view) && facts.feedback != FeedbackPath::Nothing {
                assert!(
                    title.contains(facts.feedback.carries()),
                    "{rule:?} {view:?}: the band names what the rule uses: {title}"
                );
            }
            assert!(!title.contains("W^T"), "{title}");
            let note = pathway_note(rule, view);
            assert_eq!(
                note.is_some(),
                !carries_error(rule, view),
                "{rule:?} {view:?}"
            );

            let drawn = scene(&snapshot, view);
            let labels: Vec<&str> = drawn.labels.iter().map(|l| l.text.as_str()).collect();
            assert!(
                labels.contains(&title.as_str()),
                "{rule:?} {view:?}: {labels:?}"
            );
            if hidden > 0 {
                match note {
                    Some(note) => {
                        assert!(drawn.notes.contains(&note), "{rule:?} {view:?}");
                        assert!(drawn.dots.is_empty(), "{rule:?} {view:?}: no error dots");
                    }
                    None => assert!(!drawn.dots.is_empty(), "{rule:?} {view:?}: error dots"),
                }
            }
        }
    }
    assert_eq!(
        band_title(RuleKind::Backprop, FeedbackView::B),
        "feedback pathway: edges show B; backprop sends δ back through Wᵀ"
    );
    assert_eq!(
        band_title(RuleKind::FeedbackAlignment, FeedbackView::B),
        "feedback pathway: error δ sent back through B"
    );
    assert_eq!(
        band_title(RuleKind::DirectFeedbackAlignment, FeedbackView::B),
        "feedback pathway: error e sent back through D"
    );
    assert_eq!(
        pathway_note(RuleKind::Backprop, FeedbackView::B).unwrap(),
        "backprop sends δ through Wᵀ, not B: no error travels along these edges"
    );
}

#[test]
fn every_rule_has_an_explanation_entry_built_from_its_facts() {
    for rule in RuleKind::ALL {
        let facts = rule.facts();
        let entry = RuleEntry::of(rule);
        let text = entry.text();
        assert!(text.contains(facts.title), "{rule:?}: {text}");
        assert!(text.contains(facts.summary), "{rule:?}: {text}");
        if facts.feedback != FeedbackPath::Nothing {
            assert!(text.contains(facts.feedback.carries()), "{rule:?}: {text}");
        }
        assert_eq!(entry.reads.len(), facts.reads.len(), "{rule:?}");
        for (shown, fact) in entry.reads.iter().zip(facts.reads) {
            assert!(text.contains(fact.quantity), "{rule:?}: {text}");
            assert_eq!(shown.local, fact.origin.is_local(), "{rule:?}");
            assert_eq!(
                text.contains(&format!(
                    "{} ({}, not local)",
                    fact.quantity,
                    fact.origin.describe()
                )),
                !fact.origin.is_local(),
                "{rule:?}: {text}"
            );
        }
    }
    let bp = RuleEntry::of(RuleKind::Backprop).text();
    assert!(
        bp.contains("W_{k+1}[:, i] (the weights of other synapses, not local)"),
        "{bp}"
    );
}
