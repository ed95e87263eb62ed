//! The network drawn as SVG: the forward pass above, the feedback pathway below.
//!
//! ```text
//! forward band    x ──W₁──▶ h₁ ──W₂──▶ … ──W_L──▶ ŷ      nodes: a_k of the probe sample
//! feedback band        δ₁ ◀╌╌F₂╌╌ δ₂ ◀╌╌ … ◀╌╌ δ_L = e    nodes: δ_k, dashed edges: F
//! ```
//!
//! `F` for hidden layer `k` is what the [`FeedbackView`] asks for: the rule's feedback
//! matrix (`B_{k+1}`, or DFA's `D_k` from the output straight to layer `k`, drawn
//! curved below the band), backprop's `W_{k+1}ᵀ`, or `B − Wᵀ`; backprop's own band
//! always draws `Wᵀ`, the only path its error takes ([`shown_view`]). Entry `(i, j)` of `F`
//! is the edge from unit `j` of the source layer back to unit `i` of layer `k`; the
//! orientations are those of [`crate::widgets::heatmap`].
//!
//! The picture stays cheap to animate: at most [`MAX_SHOWN_UNITS`] units per layer
//! (the first and last halves, with a "⋮" between), at most [`FORWARD_EDGE_BUDGET`]
//! forward and [`FEEDBACK_EDGE_BUDGET`] feedback edges in all (the strongest of each
//! layer pair, shared out fairly), and a few dots that run back along the strongest
//! error paths when a new snapshot arrives: about 1,800 SVG elements at most. The
//! geometry is a plain [`Scene`] built without Yew, so it is tested natively.

use std::cell::RefCell;
use std::rc::Rc;

use bioprop::rule::FeedbackPath;
use bioprop::{Matrix, Snapshot};
use web_sys::Element;
use yew::prelude::*;

use super::inspect::{self, Highlight, Inspect, KeyAction};

mod pathway;
pub use pathway::{band_title, carries_error, edge_name, pathway_note, shown_view};

use crate::shell::play::prefers_reduced_motion;
use crate::widgets::colour::{diverging, diverging_gradient_css, hex};
use crate::widgets::heatmap::{
    difference, feedback_name, format_value, max_abs, subscript, transpose, transpose_name,
};
use crate::widgets::number::Fixed;

/// Most units drawn per layer; wider layers show their first and last halves.
pub const MAX_SHOWN_UNITS: usize = 24;
/// Most edges drawn between one pair of layers.
pub const MAX_EDGES_PER_PAIR: usize = 600;
/// Most forward edges drawn in all.
pub const FORWARD_EDGE_BUDGET: usize = 640;
/// Most feedback edges drawn in all.
pub const FEEDBACK_EDGE_BUDGET: usize = 400;
/// Error dots per feedback layer pair.
pub const DOTS_PER_PAIR: usize = 6;
/// The travelling error markers' radius, in viewBox units: at least 10 px across
/// wherever the diagram is drawn at 0.63 of its viewBox or more (the default page
/// and presentation mode at 1280×720), so a projector shows them.
pub const DOT_RADIUS: f32 = 8.0;
/// The markers' fill, a yellow no edge, node or chart uses (the diverging scale
/// runs through white, not yellow), outlined in near-black so it stands out on the
/// red and blue edges it passes over.
pub const DOT_FILL: [u8; 3] = [255, 214, 0];
pub const DOT_OUTLINE: [u8; 3] = [17, 17, 17];
/// The labels' font size in viewBox units: 14 px or more wherever the diagram is
/// drawn at 0.64 of its viewBox or more (checked in the browser at 1280×720).
pub const LABEL_SIZE: f32 = 22.0;

/// ViewBox width; the height follows from the widest layer.
const WIDTH: f32 = 640.0;
const MARGIN_X: f32 = 44.0;
/// Vertical distance between node centres, at most.
const MAX_SPACING: f32 = 18.0;
/// Height of a band's nodes, at most; [`COMPACT_BAND`] in presentation mode, where
/// the diagram shares the screen with the charts and the feedback matrices.
const MAX_BAND: f32 = 320.0;
pub const COMPACT_BAND: f32 = 140.0;
const MIN_BAND: f32 = 48.0;
/// Space above a band for its title and column labels (two lines of labels).
const BAND_HEADER: f32 = 2.0 * LABEL_SIZE + 12.0;
/// Seconds for one error dot to cross one layer pair, and the most all hops may take.
const HOP_SECONDS: f32 = 0.5;
const MAX_TRAVEL_SECONDS: f32 = 1.5;

/// Which matrix the feedback edges carry: the page's setting.
pub use super::settings::FeedbackView;

/// The units of one layer that are drawn, in order, and where the "⋮" goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShownUnits {
    /// Unit indices, ascending.
    pub units: Vec<usize>,
    /// The slot of the ellipsis marker (between the halves), if any were left out.
    pub ellipsis: Option<usize>,
}

impl ShownUnits {
    /// Slots a column takes: the units plus the ellipsis.
    pub fn slots(&self) -> usize {
        self.units.len() + usize::from(self.ellipsis.is_some())
    }

    /// The slot of the `position`-th shown unit.
    fn slot(&self, position: usize) -> usize {
        match self.ellipsis {
            Some(e) if position >= e => position + 1,
            _ => position,
        }
    }
}

/// All `n` units if `n ≤ cap`, else the first `⌈cap/2⌉` and the last `⌊cap/2⌋`.
pub fn shown_units(n: usize, cap: usize) -> ShownUnits {
    if n <= cap {
        return ShownUnits {
            units: (0..n).collect(),
            ellipsis: None,
        };
    }
    let head = cap.div_ceil(2);
    let tail = cap / 2;
    ShownUnits {
        units: (0..head).chain(n - tail..n).collect(),
        ellipsis: Some(head),
    }
}

/// One entry of a matrix chosen for drawing: `row` and `col` are positions in the
/// lists of shown rows and columns passed to [`strongest_edges`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Edge {
    pub row: usize,
    pub col: usize,
    pub value: f32,
}

/// The entries `(rows[r], cols[c])` of `m` with the largest `|value|`, at most `cap`
/// of them, weakest first (so the strongest are drawn on top). Non-finite entries
/// count as zero.
pub fn strongest_edges(m: &Matrix, rows: &[usize], cols: &[usize], cap: usize) -> Vec<Edge> {
    let mut edges: Vec<Edge> = rows
        .iter()
        .enumerate()
        .filter(|(_, &i)| i < m.rows)
        .flat_map(|(r, &i)| {
            cols.iter()
                .enumerate()
                .filter(|(_, &j)| j < m.cols)
                .map(move |(c, &j)| Edge {
                    row: r,
                    col: c,
                    value: m.data[i * m.cols + j],
                })
        })
        .collect();
    let strength = |e: &Edge| {
        if e.value.is_finite() {
            e.value.abs()
        } else {
            0.0
        }
    };
    if edges.len() > cap {
        if cap == 0 {
            return Vec::new();
        }
        edges.select_nth_unstable_by(cap - 1, |a, b| strength(b).total_cmp(&strength(a)));
        edges.truncate(cap);
    }
    edges.sort_by(|a, b| strength(a).total_cmp(&strength(b)));
    edges
}

/// Shares `budget` edges among layer pairs that have `sizes[p]` candidates each: no
/// pair gets more than `cap` or than it has, and what a small pair leaves over goes
/// to the others (water-filling, smallest first).
pub fn allocate(sizes: &[usize], budget: usize, cap: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|&p| sizes[p]);
    let mut left = budget;
    let mut shares = vec![0; sizes.len()];
    for (done, &p) in order.iter().enumerate() {
        let share = left / (sizes.len() - done);
        shares[p] = sizes[p].min(cap).min(share);
        left -= shares[p];
    }
    shares
}

/// A node circle.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeShape {
    pub layer: usize,
    pub unit: usize,
    pub x: f32,
    pub y: f32,
    pub r: f32,
    pub value: f32,
    pub fill: [u8; 3],
    /// The hover readout.
    pub info: String,
}

/// An edge path, drawn from its source to its target.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeShape {
    pub value: f32,
    pub stroke: [u8; 3],
    pub width: f32,
    /// The matrix (`W₂`, `B₂`, `(B₂ − W₂ᵀ)`) and the entry `[i, j]` it draws, for the
    /// hover readout ([`EdgeShape::info`]), written only when asked: a diagram has
    /// a thousand edges and redraws several times a second.
    pub matrix: Rc<str>,
    pub i: usize,
    pub j: usize,
    /// Where it starts and ends, and a long DFA edge's control point, in viewBox
    /// units: what is drawn ([`EdgeShape::write_path`]) and what the pointer is matched
    /// against ([`edge_at`]).
    pub from: (f32, f32),
    pub to: (f32, f32),
    pub control: Option<(f32, f32)>,
}

/// Edges that look the same drawn as one SVG path: the page would otherwise keep a
/// thousand elements, whose redraw several times a second was most of a frame's
/// work at the speed `max`. Their colour and width come from the value's step on
/// the scale ([`EDGE_SHADES`] a side), so edges of one step share a path.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeGroup {
    /// The edges' path data, one after another.
    pub d: String,
    pub stroke: [u8; 3],
    pub width: f32,
}

/// Steps of an edge's shade on each side of zero.
pub const EDGE_SHADES: f32 = 16.0;

/// `value` moved to the nearest of [`EDGE_SHADES`] steps between 0 and `±norm`, so
/// that edges of one step share a colour and a width (NaN stays NaN).
fn shade(value: f32, norm: f32) -> f32 {
    if norm > 0.0 && value.is_finite() {
        (value / norm * EDGE_SHADES)
            .round()
            .clamp(-EDGE_SHADES, EDGE_SHADES)
            / EDGE_SHADES
            * norm
    } else {
        value
    }
}

/// An edge's colour and width for `value` on a band whose largest `|value|` is
/// `norm`: those of the value's [`shade`].
fn edge_look(value: f32, norm: f32) -> ([u8; 3], f32) {
    let shaded = shade(value, norm);
    (diverging(shaded, norm), edge_width(shaded, norm))
}

/// `edges` gathered by look, thinnest first so the strongest are drawn on top.
pub fn edge_groups(edges: &[EdgeShape]) -> Vec<EdgeGroup> {
    let mut groups: Vec<EdgeGroup> = Vec::new();
    for e in edges {
        let at = match groups
            .iter()
            .position(|g| g.stroke == e.stroke && g.width == e.width)
        {
            Some(at) => at,
            None => {
                groups.push(EdgeGroup {
                    d: String::new(),
                    stroke: e.stroke,
                    width: e.width,
                });
                groups.len() - 1
            }
        };
        e.write_path(&mut groups[at].d);
    }
    groups.sort_by(|a, b| a.width.total_cmp(&b.width));
    groups
}

/// The unit of `scene` (an activity or a δ) whose disc holds `(x, y)` (viewBox units),
/// widened by `tolerance`; the nearest centre if discs overlap.
pub fn node_at(scene: &Scene, x: f32, y: f32, tolerance: f32) -> Option<&NodeShape> {
    scene
        .nodes
        .iter()
        .chain(&scene.delta_nodes)
        .map(|n| ((x - n.x).hypot(y - n.y), n))
        .filter(|(d, n)| *d <= n.r + tolerance)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| n)
}

/// The edge of `scene` nearest `(x, y)` (viewBox units) within `tolerance`, feedback
/// edges and forward alike; a curved edge is followed in eight straight pieces.
pub fn edge_at(scene: &Scene, x: f32, y: f32, tolerance: f32) -> Option<&EdgeShape> {
    let mut best: Option<(f32, &EdgeShape)> = None;
    for e in scene.forward_edges.iter().chain(&scene.feedback_edges) {
        let d = match e.control {
            None => inspect::distance_to_segment((x, y), e.from, e.to),
            Some(c) => {
                let at = |t: f32| {
                    let u = 1.0 - t;
                    (
                        u * u * e.from.0 + 2.0 * u * t * c.0 + t * t * e.to.0,
                        u * u * e.from.1 + 2.0 * u * t * c.1 + t * t * e.to.1,
                    )
                };
                (0..8)
                    .map(|k| {
                        inspect::distance_to_segment(
                            (x, y),
                            at(k as f32 / 8.0),
                            at((k + 1) as f32 / 8.0),
                        )
                    })
                    .fold(f32::INFINITY, f32::min)
            }
        };
        if d <= tolerance && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, e));
        }
    }
    best.map(|(_, e)| e)
}

impl EdgeShape {
    /// Appends its SVG path data to `out`: a line, or a long DFA edge's quadratic
    /// curve, to a tenth of a viewBox unit.
    pub fn write_path(&self, out: &mut String) {
        use std::fmt::Write;
        let ((x0, y0), (x1, y1)) = (self.from, self.to);
        // Writing to a String cannot fail.
        let _ = match self.control {
            None => write!(
                out,
                "M{} {}L{} {}",
                Fixed(x0, 1),
                Fixed(y0, 1),
                Fixed(x1, 1),
                Fixed(y1, 1)
            ),
            Some((cx, cy)) => write!(
                out,
                "M{} {}Q{} {} {} {}",
                Fixed(x0, 1),
                Fixed(y0, 1),
                Fixed(cx, 1),
                Fixed(cy, 1),
                Fixed(x1, 1),
                Fixed(y1, 1)
            ),
        };
    }

    /// Its SVG path data ([`EdgeShape::write_path`]).
    pub fn path(&self) -> String {
        let mut out = String::new();
        self.write_path(&mut out);
        out
    }

    /// The hover readout: `W₂[3, 1] = 0.1234`.
    pub fn info(&self) -> String {
        format!(
            "{}[{}, {}] = {}",
            self.matrix,
            self.i,
            self.j,
            format_value(self.value)
        )
    }
}

/// An error dot: starts at `(x, y)` and moves by `mid` then `end` (offsets from the
/// start, `mid` at half time) after `delay` seconds.
#[derive(Clone, Debug, PartialEq)]
pub struct Dot {
    pub x: f32,
    pub y: f32,
    pub mid: (f32, f32),
    pub end: (f32, f32),
    pub delay: f32,
    /// Seconds from start to arrival.
    pub duration: f32,
}

/// A text label.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub x: f32,
    pub y: f32,
    pub text: String,
    /// `start`, `middle` or `end`.
    pub anchor: &'static str,
    pub class: &'static str,
}

/// Everything the SVG shows, in viewBox units.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scene {
    pub width: f32,
    pub height: f32,
    pub labels: Vec<Label>,
    /// Forward band: activities `a_0 .. a_L`.
    pub nodes: Vec<NodeShape>,
    /// Feedback band: `δ_1 .. δ_L`.
    pub delta_nodes: Vec<NodeShape>,
    pub forward_edges: Vec<EdgeShape>,
    pub feedback_edges: Vec<EdgeShape>,
    pub dots: Vec<Dot>,
    /// Seconds from the first dot's start to the last dot's arrival.
    pub travel_seconds: f32,
    /// What is left out or does not apply.
    pub notes: Vec<String>,
}

fn layer_name(layer: usize, depth: usize) -> String {
    if layer == 0 {
        "x".into()
    } else if layer == depth {
        "ŷ".into()
    } else {
        format!("h{}", subscript(layer))
    }
}

/// The scale of a layer's node colours: 1 (so a saturating unit looks saturated),
/// or the layer's largest `|value|` when that is bigger.
fn activity_scale(values: &[f32]) -> f32 {
    max_abs(values).max(1.0)
}

/// The scale of a layer's δ colours: its largest `|δ|`; δ shrinks layer by layer, so a
/// shared scale would hide the hidden ones.
fn delta_scale(values: &[f32]) -> f32 {
    let m = max_abs(values);
    if m > 0.0 {
        m
    } else {
        1.0
    }
}

/// What one hidden layer's feedback edges carry.
struct Pathway {
    /// `F`, `(n_k, n_source)`.
    matrix: Matrix,
    /// The layer the error comes from: `k + 1`, or `L` for DFA's `D_k`.
    source: usize,
    /// `B₂`, `W₂ᵀ`, `(B₂ − W₂ᵀ)`.
    name: String,
    /// Edge colours and widths use at least this scale: for `B − Wᵀ` the larger of
    /// `|B|` and `|Wᵀ|`, so a small difference looks small.
    min_scale: f32,
}

/// The pathway hidden layer `k` receives its feedback through under `view`, or why
/// there is none.
fn feedback_for(snapshot: &Snapshot, k: usize, view: FeedbackView) -> Result<Pathway, String> {
    let sizes = &snapshot.layers;
    let depth = sizes.len() - 1;
    let b_name = feedback_name(snapshot.rule, k);
    let wt_name = transpose_name(k);
    let not_sent = |name: &str| format!("{name} is too big to send");
    let b = || {
        snapshot
            .feedback
            .get(k - 1)
            .and_then(Option::as_ref)
            .ok_or_else(|| not_sent(&b_name))
    };
    let wt = || {
        snapshot
            .weights
            .get(k)
            .and_then(Option::as_ref)
            .map(transpose)
            .ok_or_else(|| not_sent(&format!("W{}", subscript(k + 1))))
    };
    match view {
        FeedbackView::B => {
            let b = b()?;
            let source = if b.cols == sizes[k + 1] {
                k + 1
            } else if b.cols == sizes[depth] {
                depth
            } else {
                return Err(format!(
                    "{b_name} has an unexpected shape {}×{}",
                    b.rows, b.cols
                ));
            };
            Ok(Pathway {
                matrix: b.clone(),
                source,
                name: b_name,
                min_scale: 0.0,
            })
        }
        FeedbackView::Transpose => Ok(Pathway {
            matrix: wt()?,
            source: k + 1,
            name: wt_name,
            min_scale: 0.0,
        }),
        FeedbackView::Difference => {
            let (b, wt) = (b()?, wt()?);
            let matrix = difference(b, &wt)
                .ok_or_else(|| format!("{b_name} − {wt_name} does not apply: the shapes differ"))?;
            Ok(Pathway {
                matrix,
                source: k + 1,
                name: format!("({b_name} − {wt_name})"),
                min_scale: max_abs(&b.data).max(max_abs(&wt.data)),
            })
        }
    }
}

/// Lays out `snapshot` with the feedback edges carrying `view`.
pub fn scene(snapshot: &Snapshot, view: FeedbackView) -> Scene {
    scene_in(snapshot, view, MAX_BAND)
}

/// The scene with each band's nodes at most `max_band` viewBox units tall.
pub fn scene_in(snapshot: &Snapshot, view: FeedbackView, max_band: f32) -> Scene {
    let sizes = &snapshot.layers;
    let mut scene = Scene {
        width: WIDTH,
        ..Scene::default()
    };
    if sizes.is_empty() {
        return scene;
    }
    let depth = sizes.len() - 1;
    let shown: Vec<ShownUnits> = sizes
        .iter()
        .map(|&n| shown_units(n, MAX_SHOWN_UNITS))
        .collect();
    let max_slots = shown
        .iter()
        .map(ShownUnits::slots)
        .max()
        .unwrap_or(1)
        .max(1);
    let spacing = (max_band / max_slots as f32).min(MAX_SPACING);
    let band = (spacing * max_slots as f32).max(MIN_BAND);
    let radius = (spacing * 0.36).clamp(2.0, 6.5);
    let column_gap = (WIDTH - 2.0 * MARGIN_X) / depth.max(1) as f32;
    let x = |layer: usize| MARGIN_X + layer as f32 * column_gap;
    // Offset of each shown unit's centre below its band's top.
    let offsets: Vec<Vec<f32>> = shown
        .iter()
        .map(|s| {
            let middle = (s.slots() as f32 - 1.0) / 2.0;
            (0..s.units.len())
                .map(|p| band / 2.0 + (s.slot(p) as f32 - middle) * spacing)
                .collect()
        })
        .collect();
    let forward_top = BAND_HEADER;
    let feedback_top = forward_top + band + BAND_HEADER + 8.0;
    // DFA's long edges bow below the feedback band, deep enough to pass under the
    // middle of the columns they skip.
    let bow = |span: usize| band * 0.5 + 12.0 + 8.0 * span as f32;
    let longest_span = if snapshot.rule.facts().feedback == FeedbackPath::Direct {
        depth.saturating_sub(2)
    } else {
        0
    };
    // A curve's lowest point is at most halfway between the band's bottom and its
    // control point.
    scene.height = feedback_top
        + band
        + 10.0
        + if longest_span > 0 {
            bow(longest_span) / 2.0
        } else {
            0.0
        };

    // Titles, column labels and ellipses.
    let label = |x: f32, y: f32, text: String, anchor, class| Label {
        x,
        y,
        text,
        anchor,
        class,
    };
    scene.labels.push(label(
        4.0,
        LABEL_SIZE,
        "forward pass: activity a of the probe sample".into(),
        "start",
        "nv-title",
    ));
    scene.labels.push(label(
        4.0,
        feedback_top - BAND_HEADER + LABEL_SIZE,
        band_title(snapshot.rule, view),
        "start",
        "nv-title",
    ));
    for (layer, s) in shown.iter().enumerate() {
        let name = layer_name(layer, depth);
        scene.labels.push(label(
            x(layer),
            forward_top - 6.0,
            format!("{name} ({})", sizes[layer]),
            "middle",
            "nv-column",
        ));
        if layer > 0 {
            let delta = if layer == depth {
                format!("δ{} = e", subscript(layer))
            } else {
                format!("δ{}", subscript(layer))
            };
            scene.labels.push(label(
                x(layer),
                feedback_top - 6.0,
                delta,
                "middle",
                "nv-column",
            ));
        }
        if let Some(e) = s.ellipsis {
            let middle = (s.slots() as f32 - 1.0) / 2.0;
            let y = band / 2.0 + (e as f32 - middle) * spacing + spacing * 0.3;
            let hidden = sizes[layer] - s.units.len();
            scene.labels.push(label(
                x(layer),
                forward_top + y,
                "⋮".into(),
                "middle",
                "nv-ellipsis",
            ));
            if layer > 0 {
                scene.labels.push(label(
                    x(layer),
                    feedback_top + y,
                    "⋮".into(),
                    "middle",
                    "nv-ellipsis",
                ));
            }
            scene.notes.push(format!(
                "{name}: {hidden} of {} units not drawn (the middle ones)",
                sizes[layer]
            ));
        }
    }

    // Nodes.
    for (layer, s) in shown.iter().enumerate() {
        let name = layer_name(layer, depth);
        let activity = snapshot
            .activations
            .get(layer)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let scale = activity_scale(activity);
        for (p, &unit) in s.units.iter().enumerate() {
            let value = activity.get(unit).copied().unwrap_or(f32::NAN);
            scene.nodes.push(NodeShape {
                layer,
                unit,
                x: x(layer),
                y: forward_top + offsets[layer][p],
                r: radius,
                value,
                fill: diverging(value, scale),
                info: format!("{name} unit {unit}: a = {}", format_value(value)),
            });
        }
        if layer == 0 {
            continue;
        }
        let delta = snapshot
            .deltas
            .get(layer - 1)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let scale = delta_scale(delta);
        for (p, &unit) in s.units.iter().enumerate() {
            let value = delta.get(unit).copied().unwrap_or(f32::NAN);
            scene.delta_nodes.push(NodeShape {
                layer,
                unit,
                x: x(layer),
                y: feedback_top + offsets[layer][p],
                r: radius,
                value,
                fill: diverging(value, scale),
                info: format!("{name} unit {unit}: δ = {}", format_value(value)),
            });
        }
    }

    // Forward edges: W_l (n_l, n_{l-1}) joins unit j of layer l-1 to unit i of layer l.
    let forward: Vec<Option<&Matrix>> = (1..=depth)
        .map(|l| snapshot.weights.get(l - 1).and_then(Option::as_ref))
        .collect();
    let sizes_fw: Vec<usize> = (1..=depth)
        .map(|l| match forward[l - 1] {
            Some(_) => shown[l].units.len() * shown[l - 1].units.len(),
            None => 0,
        })
        .collect();
    let caps = allocate(&sizes_fw, FORWARD_EDGE_BUDGET, MAX_EDGES_PER_PAIR);
    for l in 1..=depth {
        let Some(w) = forward[l - 1] else {
            scene.notes.push(format!(
                "W{} is too big to send: its edges are not drawn",
                subscript(l)
            ));
            continue;
        };
        let edges = strongest_edges(w, &shown[l].units, &shown[l - 1].units, caps[l - 1]);
        if edges.len() < sizes_fw[l - 1] {
            scene.notes.push(format!(
                "W{}: the {} strongest of {} drawn edges",
                subscript(l),
                edges.len(),
                sizes_fw[l - 1]
            ));
        }
        let norm =
            edges.iter().map(|e| e.value).fold(
                0.0,
                |m: f32, v| {
                    if v.is_finite() {
                        m.max(v.abs())
                    } else {
                        m
                    }
                },
            );
        let matrix: Rc<str> = format!("W{}", subscript(l)).into();
        for e in edges {
            let (i, j) = (shown[l].units[e.row], shown[l - 1].units[e.col]);
            let (x0, y0) = (x(l - 1) + radius, forward_top + offsets[l - 1][e.col]);
            let (x1, y1) = (x(l) - radius, forward_top + offsets[l][e.row]);
            let (stroke, width) = edge_look(e.value, norm);
            scene.forward_edges.push(EdgeShape {
                value: e.value,
                stroke,
                width,
                matrix: Rc::clone(&matrix),
                i,
                j,
                from: (x0, y0),
                to: (x1, y1),
                control: None,
            });
        }
    }

    // Feedback edges: F (n_k, n_source) sends unit j of the source back to unit i of k.
    let hidden = depth.saturating_sub(1);
    let feedback: Vec<Result<Pathway, String>> = (1..=hidden)
        .map(|k| feedback_for(snapshot, k, view))
        .collect();
    let sizes_fb: Vec<usize> = feedback
        .iter()
        .enumerate()
        .map(|(h, f)| match f {
            Ok(pathway) => shown[h + 1].units.len() * shown[pathway.source].units.len(),
            Err(_) => 0,
        })
        .collect();
    let caps = allocate(&sizes_fb, FEEDBACK_EDGE_BUDGET, MAX_EDGES_PER_PAIR);
    let animate = carries_error(snapshot.rule, view);
    let hop = HOP_SECONDS.min(MAX_TRAVEL_SECONDS / hidden.max(1) as f32);
    for (h, found) in feedback.iter().enumerate() {
        let k = h + 1;
        let Pathway {
            matrix: f,
            source,
            name,
            min_scale,
        } = match found {
            Ok(found) => found,
            Err(why) => {
                scene.notes.push(why.clone());
                continue;
            }
        };
        let source = *source;
        let edges = strongest_edges(f, &shown[k].units, &shown[source].units, caps[h]);
        if edges.len() < sizes_fb[h] {
            scene.notes.push(format!(
                "{name}: the {} strongest of {} drawn edges",
                edges.len(),
                sizes_fb[h]
            ));
        }
        let norm = edges.iter().fold(*min_scale, |m: f32, e| {
            if e.value.is_finite() {
                m.max(e.value.abs())
            } else {
                m
            }
        });
        let delta = snapshot
            .deltas
            .get(source - 1)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut flows: Vec<(f32, Dot)> = Vec::new();
        let matrix: Rc<str> = name.as_str().into();
        for e in &edges {
            let (i, j) = (shown[k].units[e.row], shown[source].units[e.col]);
            let (x0, y0) = (x(source) - radius, feedback_top + offsets[source][e.col]);
            let (x1, y1) = (x(k) + radius, feedback_top + offsets[k][e.row]);
            let span = source - k - 1;
            // A long DFA edge is a quadratic curve bowing below the band; its point at
            // half time is ¼ start + ½ control + ¼ end.
            let (control, mid) = if span == 0 {
                (None, ((x1 - x0) / 2.0, (y1 - y0) / 2.0))
            } else {
                let (cx, cy) = ((x0 + x1) / 2.0, feedback_top + band + bow(span));
                (
                    Some((cx, cy)),
                    (
                        0.25 * x0 + 0.5 * cx + 0.25 * x1 - x0,
                        0.25 * y0 + 0.5 * cy + 0.25 * y1 - y0,
                    ),
                )
            };
            let (stroke, width) = edge_look(e.value, norm);
            scene.feedback_edges.push(EdgeShape {
                value: e.value,
                stroke,
                width,
                matrix: Rc::clone(&matrix),
                i,
                j,
                from: (x0, y0),
                to: (x1, y1),
                control,
            });
            let carried = delta.get(j).copied().unwrap_or(0.0);
            let flow = (e.value * carried).abs();
            if animate && flow.is_finite() && flow > 0.0 {
                flows.push((
                    flow,
                    Dot {
                        x: x0,
                        y: y0,
                        mid,
                        end: (x1 - x0, y1 - y0),
                        // The error leaves the output first and reaches layer 1 last.
                        delay: (depth - source) as f32 * hop,
                        duration: hop,
                    },
                ));
            }
        }
        flows.sort_by(|a, b| b.0.total_cmp(&a.0));
        scene
            .dots
            .extend(flows.into_iter().take(DOTS_PER_PAIR).map(|(_, dot)| dot));
    }
    scene.travel_seconds = scene.dots.iter().map(|d| d.delay + hop).fold(0.0, f32::max);
    if hidden > 0 {
        scene.notes.extend(pathway_note(snapshot.rule, view));
    }
    scene
}

/// Stroke width ∝ `|value|` relative to the largest drawn in the same pair.
fn edge_width(value: f32, norm: f32) -> f32 {
    let relative = if norm > 0.0 && value.is_finite() {
        value.abs() / norm
    } else {
        0.0
    };
    0.3 + 2.4 * relative
}

/// The length a label is squeezed to (SVG `textLength`) when at [`LABEL_SIZE`] it
/// would run past the diagram's edge, or `None` when it fits. Widths are estimated
/// at 0.6 em per character, a little over a sans-serif font's average.
pub fn squeezed_length(label: &Label) -> Option<f32> {
    let room = match label.anchor {
        "middle" => 2.0 * label.x.min(WIDTH - label.x),
        "end" => label.x,
        _ => WIDTH - label.x,
    } - 4.0;
    let estimate = label.text.chars().count() as f32 * 0.6 * LABEL_SIZE;
    (estimate > room).then_some(room.max(LABEL_SIZE))
}

/// Restarts the error dots when a new snapshot arrives, but not before the previous
/// run of dots has arrived, so they still travel when snapshots come at 30 Hz.
#[derive(Debug)]
struct Pulse {
    step: Option<u64>,
    started_ms: f64,
    id: u64,
}

#[derive(Properties, Clone, PartialEq)]
pub struct NetworkViewProps {
    pub snapshot: Rc<Snapshot>,
    pub feedback_view: FeedbackView,
    #[prop_or_default]
    pub testid: AttrValue,
    /// Presentation mode: bands of at most [`COMPACT_BAND`], no hover readout.
    #[prop_or_default]
    pub compact: bool,
    /// Bands of at most this height instead (presentation mode with more runs).
    #[prop_or_default]
    pub max_band: Option<f32>,
    /// The synapse the locality inspector shows, marked on the diagram with where its
    /// update's quantities come from ([`inspect::marks`]).
    #[prop_or_default]
    pub inspect: Option<Inspect>,
    /// Set to make the synapses choosable (click, tap, or the keyboard: see
    /// [`inspect`]); `None` closes the inspector.
    #[prop_or_default]
    pub on_inspect: Option<Callback<Option<Inspect>>>,
}

/// How far from a synapse's line a click still picks it, in viewBox units.
const PICK_TOLERANCE: f32 = 10.0;
/// How far from an edge the pointer still reads it out, in viewBox units.
const HOVER_TOLERANCE: f32 = 4.0;

/// Where `event` points in the viewBox units of the SVG `svg_ref` holds (drawn at
/// `size`), if it is on the page. (Yew delegates events to the root, so the event's
/// current target is not the SVG.)
fn pointer_in_viewbox(
    svg_ref: &NodeRef,
    event: &MouseEvent,
    size: (f32, f32),
) -> Option<(f32, f32)> {
    let r = svg_ref.cast::<Element>()?.get_bounding_client_rect();
    Some(inspect::to_viewbox(
        (event.client_x() as f32, event.client_y() as f32),
        (
            r.left() as f32,
            r.top() as f32,
            r.width() as f32,
            r.height() as f32,
        ),
        size,
    ))
}

/// The network with its activities, weights, feedback pathway and error signals.
#[component]
pub fn NetworkView(props: &NetworkViewProps) -> Html {
    let readout = use_node_ref();
    let cursor = use_state(|| None::<Inspect>);
    let svg_ref = use_node_ref();
    let pulse: Rc<RefCell<Pulse>> = use_mut_ref(|| Pulse {
        step: None,
        started_ms: f64::NEG_INFINITY,
        id: 0,
    });
    let max_band = props.max_band.unwrap_or(if props.compact {
        COMPACT_BAND
    } else {
        MAX_BAND
    });
    let view = shown_view(props.snapshot.rule, props.feedback_view);
    let scene = Rc::new(scene_in(&props.snapshot, view, max_band));
    let pulse_id = {
        let mut pulse = pulse.borrow_mut();
        if pulse.step != Some(props.snapshot.step) {
            let now = js_sys::Date::now();
            if now - pulse.started_ms >= f64::from(scene.travel_seconds) * 1000.0 {
                pulse.id += 1;
                pulse.started_ms = now;
            }
            pulse.step = Some(props.snapshot.step);
        }
        pulse.id
    };
    // The readout of the unit or edge under the pointer, found by where it points:
    // edges are drawn in groups, and a readout kept on every unit would be rewritten
    // with every snapshot.
    let onmousemove = {
        let readout = readout.clone();
        let (scene, svg_ref) = (Rc::clone(&scene), svg_ref.clone());
        Callback::from(move |event: MouseEvent| {
            let Some(out) = readout.cast::<Element>() else {
                return;
            };
            let info = pointer_in_viewbox(&svg_ref, &event, (scene.width, scene.height)).and_then(
                |(x, y)| {
                    node_at(&scene, x, y, HOVER_TOLERANCE)
                        .map(|n| n.info.clone())
                        .or_else(|| edge_at(&scene, x, y, HOVER_TOLERANCE).map(EdgeShape::info))
                },
            );
            out.set_text_content(info.as_deref());
        })
    };
    let onmouseleave = {
        let readout = readout.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(out) = readout.cast::<Element>() {
                out.set_text_content(None);
            }
        })
    };
    // The elements take their class from their group (`.nv-forward > path`): a class
    // of their own would cost a set of classes per element per redraw.
    let edges = |groups: Vec<EdgeGroup>| {
        groups.into_iter().map(|g| {
            html! {
                <path d={g.d} stroke={hex(g.stroke)} stroke-width={Fixed(g.width, 2).to_string()} />
            }
        })
    };
    let node = |n: &NodeShape| {
        html! {
            <circle cx={Fixed(n.x, 1).to_string()} cy={Fixed(n.y, 1).to_string()}
                r={Fixed(n.r, 1).to_string()} fill={hex(n.fill)} />
        }
    };
    // The inspector's marks: where the inspected synapse's reads come from, or the
    // keyboard's cursor.
    let depth = props.snapshot.layers.len().saturating_sub(1);
    let feedback_source = |layer: usize| {
        if props.snapshot.rule.facts().feedback == FeedbackPath::Direct {
            depth
        } else {
            layer + 1
        }
    };
    let marks = match (props.inspect, *cursor) {
        (Some(chosen), _) if chosen.fits(&props.snapshot.layers) => {
            let highlight = Highlight::of(props.snapshot.rule, chosen, depth);
            inspect::marks(&scene, &highlight, feedback_source(chosen.layer))
        }
        (_, Some(at)) if at.fits(&props.snapshot.layers) => {
            let highlight = Highlight {
                synapse: (at.layer, at.post - 1, at.pre - 1),
                pre: (at.layer - 1, at.pre - 1),
                post: (at.layer, at.post - 1),
                ..Highlight::default()
            };
            inspect::marks(&scene, &highlight, at.layer + 1)
                .into_iter()
                .map(|m| inspect::Mark {
                    class: "nv-mark-cursor",
                    ..m
                })
                .collect()
        }
        _ => Vec::new(),
    };
    let choosable = props.on_inspect.clone();
    let onclick = choosable.clone().map(|on_inspect| {
        let (nodes, size) = (scene.clone(), (scene.width, scene.height));
        let (cursor, svg_ref) = (cursor.clone(), svg_ref.clone());
        Callback::from(move |event: MouseEvent| {
            let Some((x, y)) = pointer_in_viewbox(&svg_ref, &event, size) else {
                return;
            };
            if let Some(picked) = inspect::pick(&nodes, x, y, PICK_TOLERANCE) {
                cursor.set(Some(picked));
                on_inspect.emit(Some(picked));
            }
        })
    });
    let onkeydown = choosable.clone().map(|on_inspect| {
        let cursor = cursor.clone();
        let (layers, open) = (props.snapshot.layers.clone(), props.inspect);
        Callback::from(move |event: KeyboardEvent| {
            if event.ctrl_key() || event.alt_key() || event.meta_key() {
                return;
            }
            let at = open.or(*cursor).unwrap_or(Inspect::FIRST);
            let Some(action) = inspect::key_action(&event.key(), event.shift_key(), at, &layers)
            else {
                return;
            };
            event.prevent_default();
            match action {
                KeyAction::Move(to) => {
                    cursor.set(Some(to));
                    if open.is_some() {
                        on_inspect.emit(Some(to));
                    }
                }
                KeyAction::Open => {
                    cursor.set(Some(at));
                    on_inspect.emit(Some(at));
                }
                KeyAction::Close => on_inspect.emit(None),
            }
        })
    });
    let onfocus = choosable.as_ref().map(|_| {
        let cursor = cursor.clone();
        let open = props.inspect;
        Callback::from(move |_: FocusEvent| {
            if cursor.is_none() {
                cursor.set(Some(open.unwrap_or(Inspect::FIRST)));
            }
        })
    });
    let cursor_text = match (props.inspect, *cursor) {
        (Some(open), _) => format!("Inspecting {}: arrows move, Escape closes", open.name()),
        (None, Some(at)) => format!("Synapse {}: Enter inspects it", at.name()),
        (None, None) => String::new(),
    };
    let mark = |m: &inspect::Mark| match (&m.d, m.ring) {
        (Some(d), _) => html! { <path class={classes!("nv-mark", m.class)} d={d.clone()} /> },
        (None, Some((cx, cy, r))) => html! {
            <circle class={classes!("nv-mark", m.class)} cx={format!("{cx:.1}")} cy={format!("{cy:.1}")}
                r={format!("{r:.1}")} />
        },
        (None, None) => html! {},
    };
    // With reduced motion asked for, the error's path is still drawn (the feedback
    // edges) but nothing travels along it.
    let shown_dots = if prefers_reduced_motion() {
        &[][..]
    } else {
        &scene.dots[..]
    };
    let dots = shown_dots.iter().enumerate().map(|(n, d)| {
        let style = format!(
            "--mx:{}px;--my:{}px;--dx:{}px;--dy:{}px;animation-delay:{}s;animation-duration:{}s",
            Fixed(d.mid.0, 1),
            Fixed(d.mid.1, 1),
            Fixed(d.end.0, 1),
            Fixed(d.end.1, 1),
            Fixed(d.delay, 2),
            Fixed(d.duration, 2)
        );
        html! {
            <circle key={format!("{pulse_id}-{n}")} class="nv-dot"
                cx={Fixed(d.x, 1).to_string()} cy={Fixed(d.y, 1).to_string()} r={DOT_RADIUS.to_string()}
                fill={hex(DOT_FILL)} stroke={hex(DOT_OUTLINE)} data-css={style} />
        }
    });
    let viewbox = format!("0 0 {:.0} {:.0}", scene.width, scene.height);
    html! {
        <div class="network-view" data-testid={props.testid.clone()}>
            <div class="nv-readout" ref={readout} aria-live="polite" />
            if choosable.is_some() {
                <div class="nv-cursor" aria-live="polite" data-testid="synapse-cursor">{cursor_text}</div>
            }
            <div class={classes!("nv-choose", choosable.is_some().then_some("nv-choosable"))}
                tabindex={choosable.is_some().then_some("0")}
                role={choosable.is_some().then_some("group")}
                aria-label={choosable.is_some().then_some(
                    "synapses: click one, or arrow keys and Enter, to see what it reads")}
                data-testid={choosable.is_some().then_some("network-synapses")}
                {onkeydown} {onfocus}>
            // Three layers of one viewBox, each composited apart: the edges, which
            // change only when a weight's shade does; the units, labels and marks, which
            // change with every snapshot and are cheap to repaint; the error dots, which
            // move every frame. One layer would repaint the thousand edges for each of
            // the others' changes. The export puts the layers back together
            // (`widgets::download::standalone_svg`).
            <svg class="nv-layer nv-edges" viewBox={viewbox.clone()} aria-hidden="true" data-layer-below="">
                <g class="nv-forward">{ for edges(edge_groups(&scene.forward_edges)) }</g>
                <g class="nv-feedback">{ for edges(edge_groups(&scene.feedback_edges)) }</g>
            </svg>
            <svg class="nv-svg" viewBox={viewbox.clone()}
                role="img" aria-label="network diagram" ref={svg_ref} {onmousemove} {onmouseleave} {onclick}>
                <g class="nv-labels">
                    { for scene.labels.iter().map(|l| html! {
                        <text class={l.class} x={format!("{:.1}", l.x)} y={format!("{:.1}", l.y)}
                            font-size={LABEL_SIZE.to_string()} text-anchor={l.anchor}
                            textLength={squeezed_length(l).map(|w| format!("{w:.0}"))}
                            lengthAdjust={squeezed_length(l).map(|_| "spacingAndGlyphs")}>
                            {l.text.clone()}</text>
                    }) }
                </g>
                <g class="nv-nodes">{ for scene.nodes.iter().map(node) }</g>
                <g class="nv-deltas">{ for scene.delta_nodes.iter().map(node) }</g>
                <g class="nv-marks">{ for marks.iter().map(mark) }</g>
            </svg>
            <svg class="nv-layer nv-overlay" viewBox={viewbox} aria-hidden="true">
                <g class="nv-dots">{ for dots }</g>
            </svg>
            </div>
            <div class="nv-legend">
                <span class="nv-key">
                    <span class="nv-gradient" data-css={format!("background: {}", diverging_gradient_css())} />
                    {"node: a or δ, − … +"}
                </span>
                <span class="nv-key"><span class="nv-swatch nv-swatch-forward" />{"weight (red +, blue −, width ∝ |w|)"}</span>
                <span class="nv-key"><span class="nv-swatch nv-swatch-feedback" />{format!("feedback: {}", edge_name(props.snapshot.rule, view))}</span>
                <span class="nv-key"><span class="nv-swatch nv-swatch-dot"
                    data-css={format!("background: {}; border-color: {}", hex(DOT_FILL), hex(DOT_OUTLINE))} />
                    {"δ travelling back, once per update"}</span>
            </div>
            if !scene.notes.is_empty() {
                <ul class="nv-notes">
                    { for scene.notes.iter().map(|n| html! { <li>{n.clone()}</li> }) }
                </ul>
            }
        </div>
    }
}

#[cfg(test)]
mod tests;
