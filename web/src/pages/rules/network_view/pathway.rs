//! What each rule's feedback band draws and says, read from the rule's facts in core
//! (`RuleKind::facts()`): whether its error travels along the drawn edges, the band's
//! title, the legend's edge name and the note under a network whose edges carry no
//! error.

use bioprop::rule::FeedbackPath;
use bioprop::RuleKind;

use super::FeedbackView;

/// Whether the rule's error actually travels along the edges of `view`: through
/// `Wᵀ` under weight transport, through the reported `B` or `D` on the other
/// pathways, nowhere when no error reaches a hidden layer.
pub fn carries_error(rule: RuleKind, view: FeedbackView) -> bool {
    match rule.facts().feedback {
        FeedbackPath::Nothing => false,
        FeedbackPath::Transpose => view == FeedbackView::Transpose,
        FeedbackPath::FixedRandom
        | FeedbackPath::Learned
        | FeedbackPath::Sign
        | FeedbackPath::SignRandomMagnitude
        | FeedbackPath::Direct => view == FeedbackView::B,
    }
}

/// What a rule's feedback band draws under the page's `view`: backprop's error can
/// only travel through `Wᵀ`, so its band always draws `Wᵀ` (its `B` is a control for
/// the weight angle, shown beside the other matrices, never as its pathway); every
/// other rule draws what `view` asks for.
pub fn shown_view(rule: RuleKind, view: FeedbackView) -> FeedbackView {
    match rule.facts().feedback {
        FeedbackPath::Transpose => FeedbackView::Transpose,
        FeedbackPath::Nothing
        | FeedbackPath::FixedRandom
        | FeedbackPath::Learned
        | FeedbackPath::Sign
        | FeedbackPath::SignRandomMagnitude
        | FeedbackPath::Direct => view,
    }
}

/// The legend's name for what the feedback edges carry: `Wᵀ`, `B`, DFA's `D`, `B − Wᵀ`.
pub fn edge_name(rule: RuleKind, view: FeedbackView) -> String {
    match view {
        FeedbackView::B => rule.facts().feedback.reported_matrix().to_string(),
        FeedbackView::Transpose | FeedbackView::Difference => view.label().to_string(),
    }
}

/// The feedback band's title: what the edges show and, when the rule's error
/// does not travel along them, what it really goes through (backprop's `Wᵀ`).
pub fn band_title(rule: RuleKind, view: FeedbackView) -> String {
    let facts = rule.facts();
    if carries_error(rule, view) {
        // The B view draws the matrix the snapshot reports: DFA's is D.
        let shown = match view {
            FeedbackView::B => facts.feedback.reported_matrix().to_string(),
            FeedbackView::Transpose | FeedbackView::Difference => view.label().to_string(),
        };
        format!(
            "feedback pathway: error {} sent back through {shown}",
            error_symbol(rule)
        )
    } else if facts.feedback == FeedbackPath::Nothing {
        format!(
            "feedback pathway: edges show {}; {} sends no error back",
            view.label(),
            facts.title
        )
    } else {
        format!(
            "feedback pathway: edges show {}; {} sends {} back through {}",
            view.label(),
            facts.title,
            error_symbol(rule),
            facts.feedback.carries()
        )
    }
}

/// The error a rule sends back: the output error `e` itself (DFA) or `δ`.
fn error_symbol(rule: RuleKind) -> &'static str {
    if rule.facts().uses_output_error {
        "e"
    } else {
        "δ"
    }
}

/// The note under a network whose hidden layers get no error along the edges of
/// `view`, or `None` when the error does travel along them.
pub fn pathway_note(rule: RuleKind, view: FeedbackView) -> Option<String> {
    if carries_error(rule, view) {
        return None;
    }
    let facts = rule.facts();
    Some(match facts.feedback {
        FeedbackPath::Nothing => format!("{}: no error reaches the hidden layers", facts.name),
        FeedbackPath::Transpose
        | FeedbackPath::FixedRandom
        | FeedbackPath::Learned
        | FeedbackPath::Sign
        | FeedbackPath::SignRandomMagnitude
        | FeedbackPath::Direct => format!(
            "{} sends {} through {}, not {}: no error travels along these edges",
            facts.title,
            error_symbol(rule),
            facts.feedback.carries(),
            view.label()
        ),
    })
}
