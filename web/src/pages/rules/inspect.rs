//! The locality inspector on the network diagram (`inspect=L-i-j`): the synapse
//! `W_L[i, j]` chosen by a click, a tap or the keyboard, what its update reads under
//! each run's rule ([`crate::widgets::locality::of_synapse`], from core's facts), the
//! current numbers of the probe sample, and where on the diagram each quantity comes
//! from. Pure Rust with no Yew import, tested natively; the drawing is
//! `network_view.rs` and the panel `inspect_view.rs` (docs/science.md §1.6).
//!
//! ```text
//! W_L[i, j]  reads  h_{L−1, j}  (presynaptic unit j of layer L−1: at the synapse)
//!                   f′(z_{L,i}), a_{L,i}  (its own cell: inside it)
//!                   δ through B_{L+1}[i, :] or D_L[i, :]  (a feedback pathway)
//!                   W_{L+1}[:, i], sign(W_{L+1}[:, i])  (other synapses' weights)
//! ```
//!
//! The URL numbers everything from 1 as the lecture writes it: `inspect=2-3-5` is
//! `W₂[3, 5]`, the synapse from unit 5 of layer 1 onto unit 3 of layer 2.
//!
//! # Keyboard
//!
//! The diagram is one Tab stop. There the arrow keys move a cursor over the synapses
//! (← → the weight layer, ↑ ↓ the presynaptic unit j, Shift+↑ ↓ the postsynaptic unit
//! i), Enter inspects the synapse under the cursor, and Escape closes the inspector;
//! while it is open the cursor moves the inspected synapse itself.

use std::fmt;

use bioprop::rule::{FeedbackPath, Origin, Reads};
use bioprop::{Activation, RuleKind, Snapshot};

use super::network_view::{NodeShape, Scene};
use super::settings::{Notice, Settings};
use crate::shell::query::{shown, Problem};
use crate::widgets::heatmap::{format_value, subscript};

/// A synapse `W_layer[post, pre]` of the network, numbered from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Inspect {
    /// The weight layer, 1 to `L` (`W₁` joins the inputs to the first hidden layer).
    pub layer: usize,
    /// `i`: the postsynaptic unit in layer `layer`, from 1.
    pub post: usize,
    /// `j`: the presynaptic unit in layer `layer − 1`, from 1.
    pub pre: usize,
}

impl Inspect {
    /// `W₁[1, 1]`: where the keyboard's cursor starts.
    pub const FIRST: Inspect = Inspect {
        layer: 1,
        post: 1,
        pre: 1,
    };

    /// The 0-based `(i, j)` of core's matrices.
    pub fn index(self) -> (usize, usize) {
        (self.post - 1, self.pre - 1)
    }

    /// `W₂[3, 5]`.
    pub fn name(self) -> String {
        format!("W{}[{}, {}]", subscript(self.layer), self.post, self.pre)
    }

    /// Whether a network of `layers` widths has this synapse.
    pub fn fits(self, layers: &[usize]) -> bool {
        self.layer >= 1
            && self.layer < layers.len()
            && (1..=layers[self.layer]).contains(&self.post)
            && (1..=layers[self.layer - 1]).contains(&self.pre)
    }
}

/// As the URL writes it: `L-i-j`.
impl fmt::Display for Inspect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{}", self.layer, self.post, self.pre)
    }
}

/// Reads `L-i-j` (three whole numbers from 1); whether the network has that synapse
/// is [`check_inspect`]'s business.
pub fn parse_inspect(value: &str) -> Result<Inspect, Problem> {
    let allowed = "layer-post-pre, three whole numbers from 1, e.g. 2-3-5 for W₂[3, 5]";
    let bad = || Problem::new(format!("'{}' is not a synapse", shown(value)), allowed);
    let parts: Vec<Option<usize>> = value
        .trim()
        .split('-')
        .map(|t| t.trim().parse::<usize>().ok().filter(|&n| n >= 1))
        .collect();
    match parts[..] {
        [Some(layer), Some(post), Some(pre)] => Ok(Inspect { layer, post, pre }),
        _ => Err(bad()),
    }
}

/// Drops an inspected synapse the runs of `settings` do not have, with a notice
/// that says which ones they have.
pub fn check_inspect(settings: &mut Settings) -> Option<Notice> {
    let inspect = settings.inspect?;
    let layers = super::delta::layers(settings);
    if inspect.fits(&layers) {
        return None;
    }
    settings.inspect = None;
    let depth = layers.len().saturating_sub(1);
    Some(Notice::new(
        "inspect",
        format!(
            "the network has no synapse {inspect} (allowed: layer 1 to {depth}, then a unit \
             of it and one of the layer below); ignored"
        ),
    ))
}

/// What the update of `inspect` reads under `rule` in a network of `depth` weight
/// layers (`None`: it does not learn), from core's facts.
pub fn reads(rule: RuleKind, inspect: Inspect, depth: usize) -> Option<&'static [Reads]> {
    rule.facts().synapse_reads(inspect.layer, depth)
}

/// Where on the diagram the quantities a synapse's update reads come from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Highlight {
    /// The synapse itself: `(layer, i, j)`, 0-based units.
    pub synapse: (usize, usize, usize),
    /// The presynaptic unit `(layer − 1, j)`: at the synapse.
    pub pre: (usize, usize),
    /// The postsynaptic unit `(layer, i)`: at the synapse, or inside its cell.
    pub post: (usize, usize),
    /// The feedback band's entries that bring the error to unit `i` of hidden layer
    /// `layer`: `(layer, i)`.
    pub feedback: Option<(usize, usize)>,
    /// The forward weights of other synapses the update reads: those of
    /// `W_{layer+1}` leaving unit `i`, `(layer + 1, i)`.
    pub other_synapses: Option<(usize, usize)>,
    /// Whether the target is read (an output synapse).
    pub target: bool,
}

impl Highlight {
    /// The highlight of `inspect` under `rule` in a network of `depth` weight layers,
    /// derived from the origins of its reads.
    pub fn of(rule: RuleKind, inspect: Inspect, depth: usize) -> Highlight {
        let (i, j) = inspect.index();
        let l = inspect.layer;
        let origins: Vec<Origin> = reads(rule, inspect, depth)
            .unwrap_or_default()
            .iter()
            .map(|r| r.origin)
            .collect();
        let reads_from = |o: Origin| origins.contains(&o);
        Highlight {
            synapse: (l, i, j),
            pre: (l - 1, j),
            post: (l, i),
            feedback: (reads_from(Origin::FeedbackPathway) && l < depth).then_some((l, i)),
            other_synapses: (reads_from(Origin::OtherSynapses) && l < depth).then_some((l + 1, i)),
            target: reads_from(Origin::Target),
        }
    }
}

/// One mark the diagram draws over itself for the inspector: a line (`d`, SVG path
/// data) or a ring around a node (`ring`: centre and radius).
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub class: &'static str,
    pub d: Option<String>,
    pub ring: Option<(f32, f32, f32)>,
}

fn line(class: &'static str, a: &NodeShape, b: &NodeShape) -> Mark {
    Mark {
        class,
        d: Some(format!("M{:.1} {:.1}L{:.1} {:.1}", a.x, a.y, b.x, b.y)),
        ring: None,
    }
}

fn ring(class: &'static str, n: &NodeShape) -> Mark {
    Mark {
        class,
        d: None,
        ring: Some((n.x, n.y, n.r + 4.0)),
    }
}

/// The marks of `highlight` on `scene`: lines between the drawn nodes (the synapse,
/// the other synapses' weights, the feedback entries) and rings around its pre- and
/// postsynaptic units. Units the diagram leaves out get no mark. `feedback_source`
/// is the layer the error comes from (`layer + 1`, or the output for DFA).
pub fn marks(scene: &Scene, highlight: &Highlight, feedback_source: usize) -> Vec<Mark> {
    let node = |layer: usize, unit: usize| {
        scene
            .nodes
            .iter()
            .find(|n| n.layer == layer && n.unit == unit)
    };
    let delta = |layer: usize, unit: usize| {
        scene
            .delta_nodes
            .iter()
            .find(|n| n.layer == layer && n.unit == unit)
    };
    let mut marks = Vec::new();
    if let Some((layer, i)) = highlight.other_synapses {
        if let Some(from) = node(layer - 1, i) {
            for to in scene.nodes.iter().filter(|n| n.layer == layer) {
                marks.push(line("nv-mark-weights", from, to));
            }
        }
    }
    if let Some((layer, i)) = highlight.feedback {
        if let Some(to) = delta(layer, i) {
            for from in scene
                .delta_nodes
                .iter()
                .filter(|n| n.layer == feedback_source)
            {
                marks.push(line("nv-mark-feedback", from, to));
            }
            marks.push(ring("nv-mark-feedback", to));
        }
    }
    let (l, i, j) = highlight.synapse;
    if let (Some(a), Some(b)) = (node(l - 1, j), node(l, i)) {
        marks.push(line("nv-mark-synapse", a, b));
        marks.push(ring("nv-mark-local", a));
        marks.push(ring("nv-mark-local", b));
    }
    marks
}

/// The synapse whose drawn line passes nearest to `(x, y)` (viewBox units) in the
/// forward band, if one passes within `tolerance`: every pair of drawn units counts,
/// drawn edge or not, so a weak synapse can be clicked too.
pub fn pick(scene: &Scene, x: f32, y: f32, tolerance: f32) -> Option<Inspect> {
    let mut best: Option<(f32, Inspect)> = None;
    for post in scene.nodes.iter().filter(|n| n.layer > 0) {
        for pre in scene.nodes.iter().filter(|n| n.layer + 1 == post.layer) {
            if x < pre.x || x > post.x {
                continue;
            }
            let d = distance_to_segment((x, y), (pre.x, pre.y), (post.x, post.y));
            if d <= tolerance && best.is_none_or(|(b, _)| d < b) {
                best = Some((
                    d,
                    Inspect {
                        layer: post.layer,
                        post: post.unit + 1,
                        pre: pre.unit + 1,
                    },
                ));
            }
        }
    }
    best.map(|(_, inspect)| inspect)
}

/// The distance from `p` to the segment from `a` to `b`.
pub fn distance_to_segment(p: (f32, f32), a: (f32, f32), b: (f32, f32)) -> f32 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let length2 = dx * dx + dy * dy;
    let t = if length2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / length2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (cx, cy) = (a.0 + t * dx, a.1 + t * dy);
    ((p.0 - cx).powi(2) + (p.1 - cy).powi(2)).sqrt()
}

/// A point of the page (`client`, CSS pixels) in viewBox units, for an SVG drawn in
/// `rect` (left, top, width, height) with the default `preserveAspectRatio`
/// (`xMidYMid meet`: scaled to fit, centred).
pub fn to_viewbox(
    client: (f32, f32),
    rect: (f32, f32, f32, f32),
    viewbox: (f32, f32),
) -> (f32, f32) {
    let (left, top, width, height) = rect;
    let scale = (width / viewbox.0).min(height / viewbox.1);
    if !(scale.is_finite() && scale > 0.0) {
        return (f32::NAN, f32::NAN);
    }
    let (ox, oy) = (
        left + (width - viewbox.0 * scale) / 2.0,
        top + (height - viewbox.1 * scale) / 2.0,
    );
    ((client.0 - ox) / scale, (client.1 - oy) / scale)
}

/// A key on the focused diagram: what it asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyAction {
    /// Move the cursor to this synapse.
    Move(Inspect),
    /// Inspect the synapse under the cursor.
    Open,
    /// Close the inspector.
    Close,
}

/// The diagram's keyboard map (module docs): `key` as `KeyboardEvent.key` names it,
/// `cursor` where the cursor is, `layers` the network's widths. `None` for a key the
/// diagram leaves to the page.
pub fn key_action(key: &str, shift: bool, cursor: Inspect, layers: &[usize]) -> Option<KeyAction> {
    let depth = layers.len().checked_sub(1).filter(|&d| d > 0)?;
    let cursor = if cursor.fits(layers) {
        cursor
    } else {
        Inspect::FIRST
    };
    let clamp = |layer: usize, post: usize, pre: usize| Inspect {
        layer,
        post: post.clamp(1, layers[layer]),
        pre: pre.clamp(1, layers[layer - 1]),
    };
    let Inspect { layer, post, pre } = cursor;
    let moved = match key {
        "Enter" => return Some(KeyAction::Open),
        "Escape" => return Some(KeyAction::Close),
        "ArrowLeft" => clamp(layer.saturating_sub(1).max(1), post, pre),
        "ArrowRight" => clamp((layer + 1).min(depth), post, pre),
        "ArrowUp" if shift => clamp(layer, post.saturating_sub(1), pre),
        "ArrowDown" if shift => clamp(layer, post + 1, pre),
        "ArrowUp" => clamp(layer, post, pre.saturating_sub(1)),
        "ArrowDown" => clamp(layer, post, pre + 1),
        _ => return None,
    };
    Some(KeyAction::Move(moved))
}

/// `f′` at a unit from its activity `a = f(z)` alone (what the snapshot has).
fn derivative_from_activity(activation: Activation, a: f32) -> f32 {
    match activation {
        Activation::Relu => f32::from(u8::from(a > 0.0)),
        // a = ln(1 + e^z), so f′(z) = σ(z) = 1 − e^{−a}.
        Activation::Softplus => 1.0 - (-a).exp(),
        other => other.derivative_at(0.0, a),
    }
}

/// A few entries of a vector: at most four, then how many more.
fn entries(values: impl ExactSizeIterator<Item = f32>) -> String {
    let n = values.len();
    let shown: Vec<String> = values.take(4).map(format_value).collect();
    if n > 4 {
        format!("[{}, … {} more]", shown.join(", "), n - 4)
    } else {
        format!("[{}]", shown.join(", "))
    }
}

/// The current numbers of the probe sample for the quantities `inspect`'s update
/// reads under the snapshot's rule, by origin; what the snapshot does not carry
/// (a matrix above the size limit) is left out. `hidden_activation` is the network's
/// hidden units' `f` (the output layer's `f′` is not read: see core's
/// `RuleFacts::synapse_reads`).
pub fn numbers(
    snapshot: &Snapshot,
    inspect: Inspect,
    hidden_activation: Activation,
) -> Vec<(Origin, String)> {
    let Some(reads) = reads(
        snapshot.rule,
        inspect,
        snapshot.layers.len().saturating_sub(1),
    ) else {
        return Vec::new();
    };
    let (i, j) = inspect.index();
    let l = inspect.layer;
    let depth = snapshot.layers.len() - 1;
    let activity = |layer: usize, unit: usize| {
        snapshot
            .activations
            .get(layer)
            .and_then(|a| a.get(unit))
            .copied()
    };
    let unit_name = |layer: usize| {
        if layer == 0 {
            "x".to_owned()
        } else if layer == depth {
            "v".to_owned()
        } else {
            format!("h{}", subscript(layer))
        }
    };
    let mut out = Vec::new();
    let mut push = |origin: Origin, text: String| {
        if reads.iter().any(|r| r.origin == origin) {
            out.push((origin, text));
        }
    };
    if let Some(a) = activity(l - 1, j) {
        push(
            Origin::Presynaptic,
            format!("{}[{}] = {}", unit_name(l - 1), j + 1, format_value(a)),
        );
    }
    if let Some(a) = activity(l, i) {
        push(
            Origin::Postsynaptic,
            format!("{}[{}] = {}", unit_name(l), i + 1, format_value(a)),
        );
        if l < depth {
            push(
                Origin::CellDerivative,
                format!(
                    "f′ = {}",
                    format_value(derivative_from_activity(hidden_activation, a))
                ),
            );
        }
    }
    if let Some(&y) = snapshot.probe_target.get(i).filter(|_| l == depth) {
        push(
            Origin::Target,
            format!("y[{}] = {}", i + 1, format_value(y)),
        );
    }
    if l < depth {
        // The error that reaches the cell, and what carries it.
        if let Some(&d) = snapshot.deltas.get(l - 1).and_then(|d| d.get(i)) {
            push(
                Origin::FeedbackPathway,
                format!("δ{}[{}] = {}", subscript(l), i + 1, format_value(d)),
            );
        }
        let feedback = snapshot.feedback.get(l - 1).and_then(Option::as_ref);
        let facts = snapshot.rule.facts();
        if facts.feedback.uses_reported_matrix() {
            if let Some(f) = feedback.filter(|f| i < f.rows) {
                let name = format!(
                    "{}{}[{}, :]",
                    facts.feedback.reported_matrix(),
                    subscript(facts.feedback.reported_index(l)),
                    i + 1
                );
                let row = &f.data[i * f.cols..(i + 1) * f.cols];
                push(
                    Origin::FeedbackPathway,
                    format!("{name} = {}", entries(row.iter().copied())),
                );
            }
        }
        if let Some(w) = snapshot
            .weights
            .get(l)
            .and_then(Option::as_ref)
            .filter(|w| i < w.cols)
        {
            let column = (0..w.rows).map(|r| w.data[r * w.cols + i]);
            let name = format!("W{}[:, {}]", subscript(l + 1), i + 1);
            if matches!(
                facts.feedback,
                FeedbackPath::Sign | FeedbackPath::SignRandomMagnitude
            ) {
                push(
                    Origin::OtherSynapses,
                    format!("sign({name}) = {}", entries(column.map(f32::signum))),
                );
            } else {
                push(
                    Origin::OtherSynapses,
                    format!("{name} = {}", entries(column)),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_form_round_trips_and_bad_values_are_refused() {
        let s = Inspect {
            layer: 2,
            post: 3,
            pre: 5,
        };
        assert_eq!(s.to_string(), "2-3-5");
        assert_eq!(parse_inspect("2-3-5"), Ok(s));
        assert_eq!(s.name(), "W₂[3, 5]");
        for bad in ["", "2-3", "0-1-1", "1-1-1-1", "a-b-c", "1--1", "-1-1-1"] {
            assert!(parse_inspect(bad).is_err(), "{bad}");
        }
        assert!(s.fits(&[4, 8, 5, 2]));
        assert!(!s.fits(&[4, 8, 2]), "no W₂[3, ·] onto 2 outputs");
        assert!(!s.fits(&[4, 2, 5]), "no presynaptic unit 5 in a layer of 2");
    }

    #[test]
    fn viewbox_points_follow_a_scaled_and_centred_svg() {
        // A 640×320 viewBox drawn in a 1280×1000 box: scale 2, 180 px above and below.
        let p = to_viewbox(
            (10.0 + 640.0, 20.0 + 180.0 + 320.0),
            (10.0, 20.0, 1280.0, 1000.0),
            (640.0, 320.0),
        );
        assert!(
            (p.0 - 320.0).abs() < 1e-4 && (p.1 - 160.0).abs() < 1e-4,
            "{p:?}"
        );
        assert!(to_viewbox((0.0, 0.0), (0.0, 0.0, 0.0, 0.0), (640.0, 320.0))
            .0
            .is_nan());
    }

    #[test]
    fn the_keyboard_moves_within_the_network() {
        let layers = [2, 3, 4];
        let at = |layer, post, pre| Inspect { layer, post, pre };
        let go = |key, shift, from| key_action(key, shift, from, &layers);
        assert_eq!(
            go("ArrowDown", false, at(1, 1, 1)),
            Some(KeyAction::Move(at(1, 1, 2)))
        );
        assert_eq!(
            go("ArrowDown", false, at(1, 1, 2)),
            Some(KeyAction::Move(at(1, 1, 2))),
            "last input"
        );
        assert_eq!(
            go("ArrowDown", true, at(1, 1, 2)),
            Some(KeyAction::Move(at(1, 2, 2)))
        );
        assert_eq!(
            go("ArrowUp", true, at(1, 1, 2)),
            Some(KeyAction::Move(at(1, 1, 2)))
        );
        // Into W₂: the presynaptic unit stays, the postsynaptic one is clamped to 4.
        assert_eq!(
            go("ArrowRight", false, at(1, 3, 2)),
            Some(KeyAction::Move(at(2, 3, 2)))
        );
        assert_eq!(
            go("ArrowRight", false, at(2, 3, 2)),
            Some(KeyAction::Move(at(2, 3, 2)))
        );
        assert_eq!(
            go("ArrowLeft", false, at(2, 4, 3)),
            Some(KeyAction::Move(at(1, 3, 2)))
        );
        assert_eq!(go("Enter", false, at(1, 1, 1)), Some(KeyAction::Open));
        assert_eq!(go("Escape", false, at(1, 1, 1)), Some(KeyAction::Close));
        assert_eq!(go(" ", false, at(1, 1, 1)), None, "space stays play/pause");
        assert_eq!(go("s", false, at(1, 1, 1)), None);
        // A cursor left over from another network starts again at W₁[1, 1].
        assert_eq!(
            go("ArrowDown", false, at(5, 9, 9)),
            Some(KeyAction::Move(at(1, 1, 2)))
        );
    }

    #[test]
    fn highlights_follow_the_rules_reads() {
        let w1 = Inspect::FIRST;
        let bp = Highlight::of(RuleKind::Backprop, w1, 2);
        assert_eq!(bp.other_synapses, Some((2, 0)), "bp reads W₂[:, 1]");
        assert_eq!(bp.feedback, Some((1, 0)), "and δ₂ arrives through the band");
        let fa = Highlight::of(RuleKind::FeedbackAlignment, w1, 2);
        assert_eq!(fa.other_synapses, None, "fa reads no forward weights");
        assert_eq!(fa.feedback, Some((1, 0)));
        let out = Highlight::of(
            RuleKind::Backprop,
            Inspect {
                layer: 2,
                post: 2,
                pre: 1,
            },
            2,
        );
        assert_eq!(
            (out.feedback, out.other_synapses, out.target),
            (None, None, true)
        );
        assert_eq!((out.pre, out.post), ((1, 0), (2, 1)));
        let shallow = Highlight::of(RuleKind::Shallow, w1, 2);
        assert_eq!((shallow.feedback, shallow.other_synapses), (None, None));
    }
}
