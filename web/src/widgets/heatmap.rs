//! Heatmaps: one matrix, the feedback-versus-transpose comparison of every hidden
//! layer, and a 2-D decision function under its data points.
//!
//! Every heatmap is a canvas with one pixel per entry, filled from RGBA bytes built here
//! and drawn with a single `putImageData`, then scaled up by CSS
//! (`image-rendering: pixelated`), as TensorFlow Playground does.
//!
//! # Orientation (see [`Snapshot`])
//!
//! ```text
//! weights[i]     W_{i+1}                  (n_{i+1}, n_i)
//! feedback[k-1]  B_{k+1}                  (n_k, n_{k+1})    hidden layer k = 1 .. L-1
//!                D_k under DFA            (n_k, n_L)
//! compared with  W_{k+1}ᵀ = weights[k]ᵀ   (n_k, n_{k+1})
//! ```
//!
//! `B_{k+1}` takes the place of `W_{k+1}ᵀ` in `δ_k = (W_{k+1}ᵀ δ_{k+1}) ∘ f'(z_k)`
//! (Lillicrap et al. 2016, eq. 1–2), so entry `(i, j)` of both is the path from unit
//! `j` of layer `k+1` back to unit `i` of layer `k`, and `B − Wᵀ` is their entrywise
//! difference. DFA's `D_k` carries the output error `e` straight to layer `k`; its
//! shape matches `W_{k+1}ᵀ` only for the last hidden layer.

use std::rc::Rc;

use bioprop::experiment::SNAPSHOT_MAX_ENTRIES;
use bioprop::rule::FeedbackPath;
use bioprop::{Matrix, RuleKind, Snapshot};
use wasm_bindgen::{Clamped, JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};
use yew::prelude::*;

use crate::widgets::chart::format_number;
use crate::widgets::colour::{categorical, diverging, diverging_gradient_css, hex};

/// The longer side of a matrix heatmap on screen, in CSS pixels.
const HEATMAP_SIDE_PX: f32 = 160.0;
/// Largest on-screen size of one matrix entry, in CSS pixels.
const MAX_CELL_PX: f32 = 16.0;
/// Side of the decision boundary's point layer, in canvas pixels.
const POINT_CANVAS_PX: u32 = 480;
/// Most data points drawn over a decision boundary (a larger set is thinned evenly).
pub const MAX_POINTS: usize = 2000;
/// How far the decision boundary's colours are lifted towards white, so the class
/// colours of the points stand out against them.
const BOUNDARY_SOFTEN: f32 = 0.3;

/// `(r, g, b, 255)` per entry in row-major order: the bytes of an `ImageData` that is
/// `cols` wide and `rows` high, coloured by [`diverging`] with `scale`.
pub fn rgba_for_matrix(m: &Matrix, scale: f32) -> Vec<u8> {
    let mut rgba = Vec::with_capacity(m.data.len() * 4);
    for &v in &m.data {
        let [r, g, b] = diverging(v, scale);
        rgba.extend_from_slice(&[r, g, b, 255]);
    }
    rgba
}

/// `mᵀ`: entry `(j, i)` of the result is entry `(i, j)` of `m`.
pub fn transpose(m: &Matrix) -> Matrix {
    let mut data = Vec::with_capacity(m.data.len());
    for j in 0..m.cols {
        data.extend((0..m.rows).map(|i| m.data[i * m.cols + j]));
    }
    Matrix {
        rows: m.cols,
        cols: m.rows,
        data,
    }
}

/// `a − b` entrywise, or `None` when the shapes differ.
pub fn difference(a: &Matrix, b: &Matrix) -> Option<Matrix> {
    (a.rows == b.rows && a.cols == b.cols).then(|| Matrix {
        rows: a.rows,
        cols: a.cols,
        data: a.data.iter().zip(&b.data).map(|(x, y)| x - y).collect(),
    })
}

/// The largest `|v|` over the finite values, 0 if there is none.
pub fn max_abs(values: &[f32]) -> f32 {
    values
        .iter()
        .filter(|v| v.is_finite())
        .fold(0.0, |m, v| m.max(v.abs()))
}

/// One colour scale for matrices drawn side by side: the largest `|entry|` over all
/// of them, or 1 when they are all zero (so zero stays neutral).
pub fn shared_scale<'a>(matrices: impl IntoIterator<Item = &'a Matrix>) -> f32 {
    let scale = matrices
        .into_iter()
        .map(|m| max_abs(&m.data))
        .fold(0.0, f32::max);
    if scale > 0.0 {
        scale
    } else {
        1.0
    }
}

/// Unicode subscript digits: 12 → "₁₂".
pub fn subscript(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|c| char::from_u32(0x2080 + c.to_digit(10).unwrap_or(0)).unwrap_or(c))
        .collect()
}

/// Readout text for one value: four significant decimals, or scientific notation
/// when very small or large.
pub fn format_value(v: f32) -> String {
    let a = v.abs();
    if a == 0.0 || !a.is_finite() || (1e-3..1e4).contains(&a) {
        format!("{v:.4}")
    } else {
        format!("{v:.3e}")
    }
}

/// The name of the matrix the snapshot reports as hidden layer `k`'s feedback, from
/// the rule's facts: `D_k` on the direct path (DFA), else `B_{k+1}`.
pub fn feedback_name(rule: RuleKind, k: usize) -> String {
    let path = rule.facts().feedback;
    format!(
        "{}{}",
        path.reported_matrix(),
        subscript(path.reported_index(k))
    )
}

/// The note above a rule's feedback matrices, from what its feedback pathway
/// carries: whether the reported matrix is used at all, and DFA's direct path.
pub fn feedback_note(rule: RuleKind) -> Option<&'static str> {
    match rule.facts().feedback {
        FeedbackPath::Nothing | FeedbackPath::Transpose => Some(
            "This rule does not use B: it is drawn from the seed as a control, and stays \
             unaligned with Wᵀ.",
        ),
        FeedbackPath::Direct => {
            Some("DFA sends the output error straight to each hidden layer through Dₖ.")
        }
        FeedbackPath::FixedRandom
        | FeedbackPath::Learned
        | FeedbackPath::Sign
        | FeedbackPath::SignRandomMagnitude => None,
    }
}

/// The title over a rule's feedback matrix: its name, and "unused" for a rule whose
/// error does not go through it (backprop, shallow), where it is only a control.
pub fn feedback_title(rule: RuleKind, k: usize) -> String {
    let name = feedback_name(rule, k);
    if rule.facts().feedback.uses_reported_matrix() {
        name
    } else {
        format!("{name} (unused: control)")
    }
}

/// `W_{k+1}ᵀ`'s name.
pub fn transpose_name(k: usize) -> String {
    format!("W{}ᵀ", subscript(k + 1))
}

/// What hidden layer `k` feeds back, next to what backprop would.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerComparison {
    /// Hidden layer `k`, 1-based.
    pub layer: usize,
    /// `W_{k+1}ᵀ`, `(n_k, n_{k+1})`; `None` when `W_{k+1}` was too big to send.
    pub transpose: Option<Matrix>,
    /// `B_{k+1}` `(n_k, n_{k+1})` or `D_k` `(n_k, n_L)`; `None` when too big to send.
    pub feedback: Option<Matrix>,
    /// `B − Wᵀ`, or why it cannot be shown.
    pub difference: Result<Matrix, String>,
    /// The largest `|entry|` over the three: one colour scale for all of them.
    pub scale: f32,
}

/// Builds the comparison for hidden layer `k` (`1 ..= L-1`) of `snapshot`.
pub fn compare_layer(snapshot: &Snapshot, k: usize) -> LayerComparison {
    let too_big = |name: String| {
        format!("{name} has more than {SNAPSHOT_MAX_ENTRIES} entries and was not sent")
    };
    let transpose = snapshot
        .weights
        .get(k)
        .and_then(Option::as_ref)
        .map(transpose);
    let feedback = snapshot.feedback.get(k - 1).and_then(Option::clone);
    let b_name = feedback_name(snapshot.rule, k);
    let wt_name = transpose_name(k);
    let diff = match (&feedback, &transpose) {
        (None, _) => Err(too_big(b_name)),
        (_, None) => Err(too_big(format!("W{}", subscript(k + 1)))),
        (Some(b), Some(wt)) => difference(b, wt).ok_or_else(|| {
            format!(
                "{b_name} is {}×{} but {wt_name} is {}×{}: {b_name} − {wt_name} does not apply",
                b.rows, b.cols, wt.rows, wt.cols
            )
        }),
    };
    let scale = shared_scale(transpose.iter().chain(feedback.iter()).chain(diff.iter()));
    LayerComparison {
        layer: k,
        transpose,
        feedback,
        difference: diff,
        scale,
    }
}

/// The entry under a pointer at `(x, y)` CSS pixels inside an element of `width ×
/// height` CSS pixels that shows a `rows × cols` grid.
pub fn cell_at(
    (x, y): (i32, i32),
    (width, height): (i32, i32),
    rows: usize,
    cols: usize,
) -> Option<(usize, usize)> {
    if width <= 0 || height <= 0 || x < 0 || y < 0 || rows == 0 || cols == 0 {
        return None;
    }
    let col = (x as usize * cols / width as usize).min(cols - 1);
    let row = (y as usize * rows / height as usize).min(rows - 1);
    Some((row, col))
}

/// Puts `rgba` (`width × height` pixels) at the canvas's origin in one call.
pub fn put_rgba(canvas: &HtmlCanvasElement, rgba: &[u8], width: usize, height: usize) {
    if width == 0 || height == 0 || rgba.len() != width * height * 4 {
        return;
    }
    let drawn = context_2d(canvas).and_then(|context| {
        let image = ImageData::new_with_u8_clamped_array_and_sh(
            Clamped(rgba),
            width as u32,
            height as u32,
        )?;
        context.put_image_data(&image, 0.0, 0.0)
    });
    if let Err(error) = drawn {
        gloo::console::warn!("heatmap not drawn:", error);
    }
}

pub fn context_2d(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, JsValue> {
    canvas
        .get_context("2d")?
        .ok_or_else(|| JsValue::from_str("no 2-D context"))?
        .dyn_into()
        .map_err(JsValue::from)
}

#[derive(Properties, Clone, PartialEq)]
pub struct MatrixHeatmapProps {
    pub matrix: Rc<Matrix>,
    /// Entries with `|value| ≥ scale` get the full colour; give matrices that are
    /// compared the same scale.
    pub scale: f32,
    pub title: AttrValue,
    #[prop_or_default]
    pub testid: AttrValue,
}

/// One matrix, one canvas pixel per entry, with a readout of the entry under the
/// pointer.
#[component]
pub fn MatrixHeatmap(props: &MatrixHeatmapProps) -> Html {
    let canvas = use_node_ref();
    let hover = use_state_eq(|| None::<(usize, usize)>);
    {
        let canvas = canvas.clone();
        use_effect_with(
            (props.matrix.clone(), props.scale),
            move |(matrix, scale)| {
                if let Some(element) = canvas.cast::<HtmlCanvasElement>() {
                    put_rgba(
                        &element,
                        &rgba_for_matrix(matrix, *scale),
                        matrix.cols,
                        matrix.rows,
                    );
                }
            },
        );
    }
    let m = &props.matrix;
    let (rows, cols) = (m.rows, m.cols);
    let onmousemove = {
        let (hover, canvas) = (hover.clone(), canvas.clone());
        Callback::from(move |event: MouseEvent| {
            if let Some(element) = canvas.cast::<HtmlCanvasElement>() {
                hover.set(cell_at(
                    (event.offset_x(), event.offset_y()),
                    (element.client_width(), element.client_height()),
                    rows,
                    cols,
                ));
            }
        })
    };
    let onmouseleave = {
        let hover = hover.clone();
        Callback::from(move |_: MouseEvent| hover.set(None))
    };
    let readout = match *hover {
        Some((r, c)) if r < rows && c < cols => format!(
            "{}[{r}, {c}] = {}",
            props.title,
            format_value(m.data[r * cols + c])
        ),
        _ => format!("{rows}×{cols}, hover for values"),
    };
    let cell = (HEATMAP_SIDE_PX / rows.max(cols).max(1) as f32).min(MAX_CELL_PX);
    let width = (cols as f32 * cell).max(2.0);
    html! {
        <figure class="heatmap" data-testid={props.testid.clone()}>
            <figcaption class="heatmap-title">{props.title.clone()}</figcaption>
            <canvas ref={canvas} class="heatmap-canvas"
                width={cols.to_string()} height={rows.to_string()}
                data-css={format!("width: {width:.1}px")}
                role="img" aria-label={format!("{}, {rows}×{cols}", props.title)}
                {onmousemove} {onmouseleave} />
            <div class="heatmap-readout">{readout}</div>
        </figure>
    }
}

#[derive(Properties, Clone, PartialEq)]
pub struct ColourLegendProps {
    /// The value drawn at full colour (the bar runs from `-scale` to `+scale`).
    pub scale: f32,
    #[prop_or_default]
    pub label: AttrValue,
    #[prop_or_default]
    pub testid: AttrValue,
}

/// A gradient bar of the diverging scale with its numeric ends.
#[component]
pub fn ColourLegend(props: &ColourLegendProps) -> Html {
    html! {
        <div class="colour-legend" data-testid={props.testid.clone()}>
            if !props.label.is_empty() {
                <span class="colour-legend-label">{props.label.clone()}</span>
            }
            <span class="colour-legend-end">{format_number(-props.scale)}</span>
            <span class="colour-legend-bar"
                data-css={format!("background: {}", diverging_gradient_css())} />
            <span class="colour-legend-end">{format_number(props.scale)}</span>
        </div>
    }
}

#[derive(Properties, Clone, PartialEq)]
pub struct FeedbackMatricesProps {
    pub snapshot: Rc<Snapshot>,
    #[prop_or_default]
    pub testid: AttrValue,
    /// Only this hidden layer (1-based), e.g. the one presentation mode's selector
    /// picked; every hidden layer when `None`.
    #[prop_or_default]
    pub layer: Option<usize>,
}

/// For each hidden layer `k`: `W_{k+1}ᵀ`, the rule's feedback matrix and their
/// difference, side by side on one colour scale.
#[component]
pub fn FeedbackMatrices(props: &FeedbackMatricesProps) -> Html {
    let snapshot = &props.snapshot;
    let hidden = snapshot.layers.len().saturating_sub(2);
    let note = feedback_note(snapshot.rule);
    html! {
        <div class="feedback-matrices" data-testid={props.testid.clone()}>
            if hidden == 0 {
                <p class="view-note">{"This network has no hidden layer: nothing is fed back."}</p>
            }
            if let Some(note) = note.filter(|_| hidden > 0) {
                <p class="view-note">{note}</p>
            }
            { for (1..=hidden)
                .filter(|&k| props.layer.is_none_or(|layer| layer == k))
                .map(|k| layer_comparison(snapshot, k)) }
        </div>
    }
}

fn layer_comparison(snapshot: &Snapshot, k: usize) -> Html {
    let comparison = compare_layer(snapshot, k);
    let scale = comparison.scale;
    let b_name = feedback_name(snapshot.rule, k);
    let wt_name = transpose_name(k);
    let slot = |matrix: Option<Matrix>, title: String, testid: String, why: String| match matrix {
        Some(matrix) => html! {
            <MatrixHeatmap matrix={Rc::new(matrix)} {scale} title={title} testid={testid} />
        },
        None => html! {
            <figure class="heatmap heatmap-missing" data-testid={testid}>
                <figcaption class="heatmap-title">{title}</figcaption>
                <p class="view-note">{why}</p>
            </figure>
        },
    };
    let width = |i: usize| snapshot.layers.get(i).copied().unwrap_or(0);
    let missing = |name: &str| {
        format!("{name} has more than {SNAPSHOT_MAX_ENTRIES} entries and was not sent")
    };
    let (difference, why_not) = match comparison.difference {
        Ok(matrix) => (Some(matrix), String::new()),
        Err(why) => (None, why),
    };
    html! {
        <section class="feedback-layer" data-testid={format!("feedback-layer-{k}")}>
            <h3 class="feedback-layer-title">
                {format!("Hidden layer {k} ({} units)", width(k))}
            </h3>
            <div class="heatmap-row">
                { slot(comparison.transpose, wt_name.clone(), format!("heatmap-{k}-wt"),
                       missing(&format!("W{}", subscript(k + 1)))) }
                { slot(comparison.feedback, feedback_title(snapshot.rule, k), format!("heatmap-{k}-b"), missing(&b_name)) }
                { slot(difference, format!("{b_name} − {wt_name}"), format!("heatmap-{k}-diff"), why_not) }
            </div>
            <ColourLegend scale={scale} label={"shared scale"} testid={format!("legend-{k}")} />
        </section>
    }
}

/// The square of input space a decision boundary covers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Extent {
    /// `(min, max)` of the first input, left to right.
    pub x: (f32, f32),
    /// `(min, max)` of the second input, bottom to top.
    pub y: (f32, f32),
}

impl Extent {
    /// `[-1.5, 1.5]²`, a margin around the 2-D tasks' `[-1, 1]²`.
    pub const DEFAULT: Extent = Extent {
        x: (-1.5, 1.5),
        y: (-1.5, 1.5),
    };
}

impl Default for Extent {
    fn default() -> Self {
        Extent::DEFAULT
    }
}

/// What the grid of a decision boundary holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GridValues {
    /// The probability of class 1: 0.5 is neutral, 0 full blue (class 0), 1 full red.
    #[default]
    Probability,
    /// A regression output: 0 is neutral, the largest `|value|` full colour.
    Regression,
}

/// The inputs at which to evaluate a `resolution × resolution` grid, in the order
/// [`DecisionBoundary`] expects its predictions: row `r` (top = largest `y`) after row,
/// cell centres `x = x₀ + (c + ½)·Δx`, `y = y₁ − (r + ½)·Δy`, `Δ = extent / resolution`.
pub fn grid_inputs(resolution: usize, extent: Extent) -> Vec<(f32, f32)> {
    let n = resolution as f32;
    let dx = (extent.x.1 - extent.x.0) / n;
    let dy = (extent.y.1 - extent.y.0) / n;
    (0..resolution)
        .flat_map(|r| {
            (0..resolution).map(move |c| {
                (
                    extent.x.0 + (c as f32 + 0.5) * dx,
                    extent.y.1 - (r as f32 + 0.5) * dy,
                )
            })
        })
        .collect()
}

/// The colour of one grid value, lifted towards white so the points stand out.
fn boundary_colour(value: f32, values: GridValues, scale: f32) -> [u8; 3] {
    let rgb = match values {
        GridValues::Probability => diverging(value - 0.5, 0.5),
        GridValues::Regression => diverging(value, scale),
    };
    rgb.map(|c| (f32::from(c) + BOUNDARY_SOFTEN * (255.0 - f32::from(c))).round() as u8)
}

/// RGBA bytes of a decision boundary grid, one pixel per prediction, in the order of
/// [`grid_inputs`].
pub fn grid_rgba(predictions: &[f32], values: GridValues) -> Vec<u8> {
    let scale = match values {
        GridValues::Probability => 0.5,
        GridValues::Regression => max_abs(predictions),
    };
    let mut rgba = Vec::with_capacity(predictions.len() * 4);
    for &v in predictions {
        let [r, g, b] = boundary_colour(v, values, scale);
        rgba.extend_from_slice(&[r, g, b, 255]);
    }
    rgba
}

/// Points `(x, y, class)` in point-canvas pixels, thinned evenly to at most
/// [`MAX_POINTS`], grouped by class (ascending).
fn point_pixels(points: &[(f32, f32, usize)], extent: Extent) -> Vec<(usize, Vec<(f64, f64)>)> {
    let side = f64::from(POINT_CANVAS_PX);
    let stride = points.len().div_ceil(MAX_POINTS).max(1);
    let (x0, x1) = (f64::from(extent.x.0), f64::from(extent.x.1));
    let (y0, y1) = (f64::from(extent.y.0), f64::from(extent.y.1));
    let mut groups: Vec<(usize, Vec<(f64, f64)>)> = Vec::new();
    for &(x, y, class) in points.iter().step_by(stride) {
        let px = (f64::from(x) - x0) / (x1 - x0) * side;
        let py = (y1 - f64::from(y)) / (y1 - y0) * side;
        match groups.iter_mut().find(|(c, _)| *c == class) {
            Some((_, group)) => group.push((px, py)),
            None => groups.push((class, vec![(px, py)])),
        }
    }
    groups.sort_by_key(|(class, _)| *class);
    groups
}

/// Draws the points: one path per class, filled once and outlined once.
fn draw_points(canvas: &HtmlCanvasElement, points: &[(f32, f32, usize)], extent: Extent) {
    let drawn = context_2d(canvas).map(|context| {
        let side = f64::from(POINT_CANVAS_PX);
        context.clear_rect(0.0, 0.0, side, side);
        let radius = 4.5;
        context.set_line_width(1.2);
        context.set_stroke_style_str("#ffffff");
        for (class, group) in point_pixels(points, extent) {
            context.begin_path();
            for (x, y) in group {
                context.move_to(x + radius, y);
                let _ = context.arc(x, y, radius, 0.0, std::f64::consts::TAU);
            }
            context.set_fill_style_str(&hex(categorical(class)));
            context.fill();
            context.stroke();
        }
    });
    if let Err(error) = drawn {
        gloo::console::warn!("data points not drawn:", error);
    }
}

#[derive(Properties, Clone, PartialEq)]
pub struct DecisionBoundaryProps {
    /// `resolution²` values in the order of [`grid_inputs`].
    pub predictions: Rc<Vec<f32>>,
    /// Cells per side of the grid.
    pub resolution: usize,
    /// Data points `(x, y, class)`.
    pub points: Rc<Vec<(f32, f32, usize)>>,
    #[prop_or_default]
    pub extent: Extent,
    #[prop_or_default]
    pub values: GridValues,
    #[prop_or_default]
    pub title: AttrValue,
    #[prop_or_default]
    pub testid: AttrValue,
}

/// A 2-D task's decision function as a heatmap, with the data points on top.
#[component]
pub fn DecisionBoundary(props: &DecisionBoundaryProps) -> Html {
    let grid = use_node_ref();
    let overlay = use_node_ref();
    let hover = use_state_eq(|| None::<(usize, usize)>);
    let n = props.resolution;
    let complete = n > 0 && props.predictions.len() == n * n;
    {
        let grid = grid.clone();
        use_effect_with(
            (props.predictions.clone(), n, props.values),
            move |(predictions, n, values)| {
                if let Some(element) = grid.cast::<HtmlCanvasElement>() {
                    put_rgba(&element, &grid_rgba(predictions, *values), *n, *n);
                }
            },
        );
    }
    {
        let overlay = overlay.clone();
        use_effect_with(
            (props.points.clone(), props.extent),
            move |(points, extent)| {
                if let Some(element) = overlay.cast::<HtmlCanvasElement>() {
                    draw_points(&element, points, *extent);
                }
            },
        );
    }
    let onmousemove = {
        let (hover, overlay) = (hover.clone(), overlay.clone());
        Callback::from(move |event: MouseEvent| {
            if let Some(element) = overlay.cast::<HtmlCanvasElement>() {
                hover.set(cell_at(
                    (event.offset_x(), event.offset_y()),
                    (element.client_width(), element.client_height()),
                    n,
                    n,
                ));
            }
        })
    };
    let onmouseleave = {
        let hover = hover.clone();
        Callback::from(move |_: MouseEvent| hover.set(None))
    };
    let readout = match *hover {
        Some((r, c)) if complete => {
            let e = props.extent;
            let x = e.x.0 + (c as f32 + 0.5) * (e.x.1 - e.x.0) / n as f32;
            let y = e.y.1 - (r as f32 + 0.5) * (e.y.1 - e.y.0) / n as f32;
            let what = match props.values {
                GridValues::Probability => "P(class 1)",
                GridValues::Regression => "output",
            };
            format!(
                "x₁ = {x:.2}, x₂ = {y:.2}: {what} = {}",
                format_value(props.predictions[r * n + c])
            )
        }
        _ => "hover for the prediction".to_string(),
    };
    html! {
        <figure class="boundary" data-testid={props.testid.clone()}>
            if !props.title.is_empty() {
                <figcaption class="heatmap-title">{props.title.clone()}</figcaption>
            }
            if !complete {
                <p class="view-note">
                    {format!("The grid has {} values; a {n}×{n} grid needs {}.",
                             props.predictions.len(), n * n)}
                </p>
            }
            <div class="boundary-stack">
                <canvas ref={grid} class="boundary-grid"
                    width={n.to_string()} height={n.to_string()}
                    role="img" aria-label="decision function" />
                <canvas ref={overlay} class="boundary-points"
                    width={POINT_CANVAS_PX.to_string()} height={POINT_CANVAS_PX.to_string()}
                    role="img" aria-label="data points"
                    {onmousemove} {onmouseleave} />
            </div>
            <div class="heatmap-readout">{readout}</div>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(rows: usize, cols: usize, data: &[f32]) -> Matrix {
        assert_eq!(data.len(), rows * cols);
        Matrix {
            rows,
            cols,
            data: data.to_vec(),
        }
    }

    #[test]
    fn rgba_has_four_bytes_per_entry_in_row_major_order() {
        let m = matrix(2, 3, &[0.0, 1.0, -1.0, 0.5, -2.0, f32::NAN]);
        let rgba = rgba_for_matrix(&m, 1.0);
        assert_eq!(rgba.len(), 2 * 3 * 4);
        // Pixel (row 0, col 1) is bytes 4..8: value 1 at scale 1, RdBu's dark red end.
        assert_eq!(&rgba[4..8], &[103, 0, 31, 255]);
        // Pixel (row 1, col 1), value -2 clamped to the blue end.
        assert_eq!(&rgba[16..20], &[5, 48, 97, 255]);
        assert_eq!(&rgba[0..4], &[247, 247, 247, 255]);
        assert_eq!(&rgba[20..24], &[128, 128, 128, 255], "NaN is grey");
        assert!(rgba.chunks(4).all(|p| p[3] == 255));
    }

    #[test]
    fn transpose_swaps_rows_and_columns() {
        let m = matrix(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let t = transpose(&m);
        assert_eq!((t.rows, t.cols), (3, 2));
        assert_eq!(t.data, vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
        assert_eq!(transpose(&t), m);
    }

    #[test]
    fn difference_needs_equal_shapes() {
        let a = matrix(1, 2, &[3.0, 1.0]);
        let b = matrix(1, 2, &[1.0, 1.5]);
        assert_eq!(difference(&a, &b).unwrap().data, vec![2.0, -0.5]);
        assert!(difference(&a, &matrix(2, 1, &[0.0, 0.0])).is_none());
    }

    #[test]
    fn shared_scale_is_the_largest_finite_magnitude() {
        let a = matrix(1, 2, &[0.5, -3.0]);
        let b = matrix(1, 2, &[f32::NAN, 2.0]);
        assert_eq!(shared_scale([&a, &b]), 3.0);
        assert_eq!(shared_scale([&matrix(1, 1, &[0.0])]), 1.0);
    }

    /// A 2-3-2 network (L = 2, one hidden layer of 3) with entries that name their
    /// position: `W_{l}[i][j] = 10 l + i + j / 10` and `B_2[i][j] = -(i + j / 10)`.
    fn snapshot(rule: RuleKind, feedback: Matrix) -> Snapshot {
        let w = |l: usize, rows: usize, cols: usize| {
            let data = (0..rows * cols)
                .map(|e| 10.0 * l as f32 + (e / cols) as f32 + (e % cols) as f32 / 10.0)
                .collect::<Vec<_>>();
            Some(matrix(rows, cols, &data))
        };
        Snapshot {
            step: 3,
            rule,
            layers: vec![2, 3, 2],
            diverged: false,
            probe_input: vec![0.1, 0.2],
            probe_target: vec![1.0, 0.0],
            activations: vec![vec![0.1, 0.2], vec![0.3, -0.4, 0.5], vec![0.6, 0.4]],
            deltas: vec![vec![0.01, -0.02, 0.03], vec![-0.4, 0.4]],
            weights: vec![w(1, 3, 2), w(2, 2, 3)],
            biases: vec![vec![0.0; 3], vec![0.0; 2]],
            feedback: vec![Some(feedback)],
            metrics: None,
        }
    }

    fn b2() -> Matrix {
        let data: Vec<f32> = (0..6)
            .map(|e| -((e / 2) as f32 + (e % 2) as f32 / 10.0))
            .collect();
        matrix(3, 2, &data)
    }

    #[test]
    fn comparison_puts_w_transpose_in_the_orientation_of_b() {
        let s = snapshot(RuleKind::FeedbackAlignment, b2());
        let c = compare_layer(&s, 1);
        let wt = c.transpose.as_ref().unwrap();
        // W₂ is weights[1], (n₂, n₁) = (2, 3); W₂ᵀ is (3, 2) like B₂.
        assert_eq!((wt.rows, wt.cols), (3, 2));
        // W₂ᵀ[i][j] = W₂[j][i] = 20 + j + i/10: entry (2, 1) is 21.2.
        assert!((wt.data[2 * 2 + 1] - 21.2).abs() < 1e-5);
        let b = c.feedback.as_ref().unwrap();
        let d = c.difference.as_ref().unwrap();
        // B₂[2][1] = -(2 + 1/10) = -2.1, so (B₂ − W₂ᵀ)[2][1] = -2.1 - 21.2.
        assert!((b.data[2 * 2 + 1] + 2.1).abs() < 1e-5);
        assert!((d.data[2 * 2 + 1] - (-2.1 - 21.2)).abs() < 1e-4);
        // The shared scale covers all three: the largest |entry| is |B − Wᵀ| at (2, 1).
        assert!((c.scale - 23.3).abs() < 1e-4, "{}", c.scale);
    }

    #[test]
    fn comparison_explains_a_shape_mismatch_and_missing_matrices() {
        // DFA's D₁ for a 2-3-4-2 network would be (3, 2) while W₂ᵀ is (3, 4).
        let mut s = snapshot(RuleKind::DirectFeedbackAlignment, b2());
        s.layers = vec![2, 3, 4, 2];
        s.weights[1] = Some(matrix(4, 3, &[0.5; 12]));
        let c = compare_layer(&s, 1);
        assert!(c.feedback.is_some());
        let why = c.difference.unwrap_err();
        assert!(why.contains("D₁ is 3×2 but W₂ᵀ is 3×4"), "{why}");
        assert!(why.contains("does not apply"), "{why}");

        let mut s = snapshot(RuleKind::FeedbackAlignment, b2());
        s.feedback[0] = None;
        let c = compare_layer(&s, 1);
        assert!(c.difference.unwrap_err().contains("B₂ has more than"));
        let mut s = snapshot(RuleKind::FeedbackAlignment, b2());
        s.weights[1] = None;
        let c = compare_layer(&s, 1);
        assert!(c.transpose.is_none());
        assert!(c.difference.unwrap_err().contains("W₂ has more than"));
    }

    #[test]
    fn names_and_subscripts() {
        assert_eq!(subscript(12), "₁₂");
        assert_eq!(feedback_name(RuleKind::FeedbackAlignment, 1), "B₂");
        assert_eq!(feedback_name(RuleKind::DirectFeedbackAlignment, 1), "D₁");
        assert_eq!(transpose_name(2), "W₃ᵀ");
        assert_eq!(feedback_title(RuleKind::FeedbackAlignment, 1), "B₂");
        assert_eq!(
            feedback_title(RuleKind::Backprop, 1),
            "B₂ (unused: control)"
        );
        assert_eq!(format_value(0.5), "0.5000");
        assert_eq!(format_value(1.5e-5), "1.500e-5");
    }

    #[test]
    fn pointer_positions_map_to_cells() {
        // A 2×4 grid shown 80×20 px: each cell is 20×10 px.
        assert_eq!(cell_at((0, 0), (80, 20), 2, 4), Some((0, 0)));
        assert_eq!(cell_at((39, 9), (80, 20), 2, 4), Some((0, 1)));
        assert_eq!(cell_at((40, 10), (80, 20), 2, 4), Some((1, 2)));
        assert_eq!(
            cell_at((80, 20), (80, 20), 2, 4),
            Some((1, 3)),
            "edge clamps"
        );
        assert_eq!(cell_at((-1, 5), (80, 20), 2, 4), None);
        assert_eq!(cell_at((5, 5), (0, 20), 2, 4), None);
    }

    #[test]
    fn grid_inputs_run_row_by_row_from_the_top_left() {
        let extent = Extent {
            x: (-1.0, 1.0),
            y: (0.0, 4.0),
        };
        let inputs = grid_inputs(2, extent);
        assert_eq!(
            inputs,
            vec![(-0.5, 3.0), (0.5, 3.0), (-0.5, 1.0), (0.5, 1.0)]
        );
    }

    #[test]
    fn grid_colours_centre_probabilities_on_one_half() {
        let rgba = grid_rgba(&[0.5, 1.0, 0.0], GridValues::Probability);
        // 0.5 is neutral 247 lifted 30 % towards 255: 247 + 0.3·8 = 249.4 → 249.
        assert_eq!(&rgba[0..4], &[249, 249, 249, 255]);
        // 1 is red (103, 0, 31) lifted: 103 + 0.3·152 = 148.6, 0 + 0.3·255 = 76.5,
        // 31 + 0.3·224 = 98.2, rounded.
        assert_eq!(&rgba[4..8], &[149, 77, 98, 255]);
        assert!(rgba[10] > rgba[8], "0 is blue");
        let rgba = grid_rgba(&[-2.0, 1.0], GridValues::Regression);
        assert!(rgba[2] > rgba[0], "the most negative is full blue");
        // (5, 48, 97) lifted: 5 + 0.3·250 = 80, 48 + 0.3·207 = 110.1, 97 + 0.3·158 = 144.4.
        assert_eq!(&rgba[0..3], &[80, 110, 144]);
    }

    #[test]
    fn points_are_thinned_and_grouped_by_class() {
        let points: Vec<(f32, f32, usize)> = (0..5000).map(|i| (0.0, 0.0, i % 4)).collect();
        let groups = point_pixels(&points, Extent::DEFAULT);
        let total: usize = groups.iter().map(|(_, g)| g.len()).sum();
        assert!(total <= MAX_POINTS, "{total}");
        assert_eq!(
            groups.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
            vec![0, 1, 2, 3]
        );
        // The origin is the centre of the point canvas.
        let centre = f64::from(POINT_CANVAS_PX) / 2.0;
        assert_eq!(groups[0].1[0], (centre, centre));
        let corner = point_pixels(&[(-1.5, 1.5, 0)], Extent::DEFAULT);
        assert_eq!(corner[0].1[0], (0.0, 0.0), "top-left is (x min, y max)");
    }
}
