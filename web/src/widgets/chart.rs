//! Line charts drawn by plotters onto a `<canvas>`.
//!
//! A chart is redrawn whenever its props change; the series are shared
//! (`Rc`) so passing them down does not copy the points.

use std::rc::Rc;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use super::canvas_text::MeasuredCanvas;
use super::chart_layout::{
    layout, line_height, nice_ticks, ChartLayout, ChartText, Rect, MARGIN_PX, SWATCH_PX,
};
use super::chart_text::summary;
use crate::shell::throttle::use_throttled_apart;

/// Okabe & Ito's colour-blind-safe hues (as the rule colours, core/src/rule/facts.rs),
/// for the series of the simulation pages' charts.
pub mod okabe_ito {
    use plotters::style::RGBColor;

    pub const BLUE: RGBColor = RGBColor(0, 114, 178);
    pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
    pub const GREEN: RGBColor = RGBColor(0, 158, 115);
    pub const RED: RGBColor = RGBColor(213, 94, 0);
    pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
}

/// How a curve's line is drawn: the colour tells the runs apart, the dash the
/// hidden layers of one run (shades alone are lost on a projector).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dash {
    #[default]
    Solid,
    /// Dashes `on` pixels long with `off` pixel gaps.
    Dashed { on: u32, off: u32 },
}

/// One dash pattern per hidden layer, cycling after six.
const LAYER_DASHES: [Dash; 6] = [
    Dash::Solid,
    Dash::Dashed { on: 10, off: 5 },
    Dash::Dashed { on: 3, off: 4 },
    Dash::Dashed { on: 18, off: 6 },
    Dash::Dashed { on: 6, off: 3 },
    Dash::Dashed { on: 2, off: 8 },
];

impl Dash {
    /// The pattern of hidden layer `k` (0-based): solid for the first.
    pub fn of_layer(k: usize) -> Self {
        LAYER_DASHES[k % LAYER_DASHES.len()]
    }
}

/// One curve.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub label: AttrValue,
    pub colour: RGBColor,
    pub dash: Dash,
    /// (x, y) points in drawing order.
    pub points: Rc<Vec<(f32, f32)>>,
}

#[derive(Properties, Clone, PartialEq)]
pub struct LineChartProps {
    pub title: AttrValue,
    pub x_label: AttrValue,
    pub y_label: AttrValue,
    pub series: Rc<Vec<Series>>,
    /// Fixed y range; fitted to the data when `None`.
    #[prop_or_default]
    pub y_range: Option<(f32, f32)>,
    /// Plot log10(y); non-positive values are left out.
    #[prop_or_default]
    pub log_y: bool,
    /// A dashed horizontal reference line (e.g. 90° for the angles).
    #[prop_or_default]
    pub reference: Option<f32>,
    #[prop_or_default]
    pub testid: AttrValue,
}

/// Font sizes in CSS pixels (the canvas has one pixel per CSS pixel, see
/// [`fit_to_layout`]): nothing smaller than 14 px, legible from the back of a
/// lecture hall.
pub const TITLE_PX: u32 = 18;
pub const TICK_PX: u32 = 14;
pub const AXIS_TITLE_PX: u32 = 14;
pub const LEGEND_PX: u32 = 14;
/// The most tick labels on an axis.
const TICKS: usize = 6;

/// Charts redraw at most this often (milliseconds), and never in the same frame as
/// another chart or a network diagram; the last state is always drawn.
pub const REDRAW_INTERVAL_MS: f64 = 100.0;

#[component]
pub fn LineChart(props: &LineChartProps) -> Html {
    let canvas = use_node_ref();
    let shown = use_throttled_apart(props.clone(), REDRAW_INTERVAL_MS);
    let label = summary(&shown);
    {
        let canvas = canvas.clone();
        use_effect_with(shown, move |props| {
            if let Some(element) = canvas.cast::<HtmlCanvasElement>() {
                fit_to_layout(&element);
                if let Err(message) = draw(&element, props) {
                    gloo::console::warn!(format!("chart '{}' not drawn: {message}", props.title));
                }
            }
        });
    }
    html! {
        <canvas ref={canvas} class="chart" data-testid={props.testid.clone()}
            role="img" aria-label={label} />
    }
}

/// Gives the canvas as many pixels as it has layout space, so text stays sharp
/// when the layout reflows (projector, phone).
fn fit_to_layout(canvas: &HtmlCanvasElement) {
    let width = canvas.client_width().max(200) as u32;
    let height = canvas.client_height().max(150) as u32;
    if canvas.width() != width || canvas.height() != height {
        canvas.set_width(width);
        canvas.set_height(height);
    }
}

fn transformed(props: &LineChartProps, y: f32) -> Option<f32> {
    if !y.is_finite() {
        None
    } else if props.log_y {
        (y > 0.0).then(|| y.log10())
    } else {
        Some(y)
    }
}

/// The x and y ranges that hold every point (and the reference line).
fn bounds(props: &LineChartProps) -> ((f32, f32), (f32, f32)) {
    let mut x = (f32::INFINITY, f32::NEG_INFINITY);
    let mut y = (f32::INFINITY, f32::NEG_INFINITY);
    for series in props.series.iter() {
        for &(px, py) in series.points.iter() {
            if let Some(py) = transformed(props, py) {
                x = (x.0.min(px), x.1.max(px));
                y = (y.0.min(py), y.1.max(py));
            }
        }
    }
    if let Some(r) = props.reference.and_then(|r| transformed(props, r)) {
        y = (y.0.min(r), y.1.max(r));
    }
    if let Some((lo, hi)) = props.y_range {
        if let (Some(lo), Some(hi)) = (transformed(props, lo), transformed(props, hi)) {
            y = (lo, hi);
        }
    }
    if !x.0.is_finite() {
        x = (0.0, 1.0);
    }
    if !y.0.is_finite() {
        y = (0.0, 1.0);
    }
    if x.1 <= x.0 {
        x.1 = x.0 + 1.0;
    }
    if y.1 - y.0 < 1e-6 {
        y = (y.0 - 0.5, y.1 + 0.5);
    }
    (x, y)
}

fn draw(canvas: &HtmlCanvasElement, props: &LineChartProps) -> Result<(), String> {
    let backend =
        MeasuredCanvas::new(canvas.clone()).ok_or_else(|| "no 2-D context".to_string())?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let ((x0, x1), (y0, y1)) = bounds(props);
    let log_y = props.log_y;
    // A tick at zero computed as -5.6e-17 is zero.
    let y_span = y1 - y0;
    let y_tick = move |v: f32| {
        let v = if v.abs() < 1e-6 * y_span { 0.0 } else { v };
        if log_y {
            format_number(10f32.powf(v))
        } else {
            format_number(v)
        }
    };
    let y_ticks: Vec<String> = nice_ticks((y0, y1), TICKS)
        .into_iter()
        .map(y_tick)
        .collect();
    let labels: Vec<&str> = props.series.iter().map(|s| s.label.as_str()).collect();
    let measure = |text: &str, px: u32| {
        root.estimate_text_size(text, &TextStyle::from(("sans-serif", px).into_font()))
            .map(|(w, _)| w)
            .unwrap_or((text.chars().count() as u32 * px * 3).div_ceil(5))
    };
    let (width, height) = root.dim_in_pixel();
    let layout = layout(
        width,
        height,
        &ChartText {
            title: props.title.as_str(),
            labels: &labels,
            x_range: (x0, x1),
            y_ticks: &y_ticks,
        },
        &measure,
    );
    publish_layout(canvas, &layout);

    let centre = TextStyle::from(("sans-serif", TITLE_PX).into_font())
        .pos(Pos::new(HPos::Center, VPos::Top));
    for (i, line) in layout.title_lines.iter().enumerate() {
        let y = MARGIN_PX + i as u32 * line_height(TITLE_PX);
        root.draw_text(line, &centre, ((width / 2) as i32, y as i32))
            .map_err(|e| e.to_string())?;
    }
    let legend_text = TextStyle::from(("sans-serif", LEGEND_PX).into_font())
        .pos(Pos::new(HPos::Left, VPos::Center));
    for entry in &layout.legend {
        let series = &props.series[entry.series];
        let (x, y) = (entry.x as i32, entry.y as i32);
        let swatch = [(x, y), (x + SWATCH_PX as i32, y)];
        let style = series.colour.stroke_width(3);
        match series.dash {
            Dash::Solid => root.draw(&PathElement::new(swatch, style)),
            Dash::Dashed { on, off } => dashes(swatch[0].0, swatch[1].0, on, off)
                .try_for_each(|(a, b)| root.draw(&PathElement::new([(a, y), (b, y)], style))),
        }
        .map_err(|e| e.to_string())?;
        root.draw_text(&series.label, &legend_text, (x + SWATCH_PX as i32 + 6, y))
            .map_err(|e| e.to_string())?;
    }

    let (_, area) = root.split_vertically(layout.header_px);
    let mut chart = ChartBuilder::on(&area)
        .margin_top(MARGIN_PX)
        .margin_bottom(MARGIN_PX)
        .margin_left(MARGIN_PX)
        .margin_right(layout.right_margin_px)
        .x_label_area_size(layout.x_label_area_px)
        .y_label_area_size(layout.y_label_area_px)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc(props.x_label.as_str())
        .y_desc(props.y_label.as_str())
        .label_style(("sans-serif", TICK_PX))
        .axis_desc_style(("sans-serif", AXIS_TITLE_PX))
        .x_labels(TICKS)
        .y_labels(TICKS)
        .x_label_formatter(&|v| format_number(*v))
        .y_label_formatter(&|v| y_tick(*v))
        .light_line_style(RGBColor(236, 236, 236))
        .draw()
        .map_err(|e| e.to_string())?;
    if let Some(r) = props.reference.and_then(|r| transformed(props, r)) {
        chart
            .draw_series(DashedLineSeries::new(
                [(x0, r), (x1, r)],
                6,
                4,
                RGBColor(120, 120, 120).stroke_width(1),
            ))
            .map_err(|e| e.to_string())?;
    }
    for series in props.series.iter() {
        let style = series.colour.stroke_width(2);
        let points = series
            .points
            .iter()
            .filter_map(|&(x, y)| transformed(props, y).map(|y| (x, y)));
        match series.dash {
            Dash::Solid => chart
                .draw_series(LineSeries::new(points, style))
                .map(|_| ()),
            Dash::Dashed { on, off } => chart
                .draw_series(DashedLineSeries::new(points, on, off, style))
                .map(|_| ()),
        }
        .map_err(|e| e.to_string())?;
    }
    root.present().map_err(|e| e.to_string())
}

/// The dashes of a horizontal legend sample from `x0` to `x1`.
fn dashes(x0: i32, x1: i32, on: u32, off: u32) -> impl Iterator<Item = (i32, i32)> {
    (x0..x1)
        .step_by((on + off).max(1) as usize)
        .map(move |a| (a, (a + on as i32).min(x1)))
}

/// The plot and legend boxes as `data-plot` / `data-legend` ("x y width height")
/// and the title's lines as `data-title-lines`, so the browser tests can check
/// the legend stays off the plot and every title line fits.
fn publish_layout(canvas: &HtmlCanvasElement, layout: &ChartLayout) {
    let text = |r: Rect| format!("{} {} {} {}", r.x, r.y, r.width, r.height);
    let _ = canvas.set_attribute("data-plot", &text(layout.plot));
    let _ = canvas.set_attribute("data-legend", &text(layout.legend_box));
    let _ = canvas.set_attribute("data-title-lines", &layout.title_lines.join("\n"));
}

/// Short tick labels with up to three significant digits: 0.001 → "1e-3",
/// 12000 → "1.2e4", 0.25 → "0.25", 0.995 → "0.995".
pub fn format_number(v: f32) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if !(1e-2..1e4).contains(&a) {
        let exponent = a.log10().floor();
        let mantissa = v / 10f32.powf(exponent);
        if (mantissa.abs() - 1.0).abs() < 0.05 {
            format!("{}1e{exponent}", if v < 0.0 { "-" } else { "" })
        } else {
            format!("{mantissa:.1}e{exponent}")
        }
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else {
        let decimals = if a >= 10.0 {
            1
        } else if a >= 0.1 {
            3
        } else {
            4
        };
        let text = format!("{v:.decimals$}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::{format_number, Dash};

    #[test]
    fn each_of_six_hidden_layers_has_its_own_line_pattern() {
        assert_eq!(
            Dash::of_layer(0),
            Dash::Solid,
            "the first layer stays solid"
        );
        let patterns: Vec<Dash> = (0..6).map(Dash::of_layer).collect();
        for (i, a) in patterns.iter().enumerate() {
            assert!(
                patterns[i + 1..].iter().all(|b| b != a),
                "layer {} repeats",
                i + 1
            );
        }
        assert_eq!(Dash::of_layer(6), Dash::of_layer(0));
    }

    #[test]
    fn tick_labels_are_short_and_exact() {
        assert_eq!(format_number(0.0), "0");
        assert_eq!(format_number(0.25), "0.25");
        assert_eq!(format_number(90.0), "90");
        assert_eq!(format_number(2500.0), "2500");
        assert_eq!(format_number(0.001), "1e-3");
        assert_eq!(format_number(12000.0), "1.2e4");
        assert_eq!(format_number(-0.5), "-0.5");
        assert_eq!(format_number(0.995), "0.995");
        assert_eq!(format_number(54.61), "54.6");
        assert_eq!(format_number(0.0123), "0.0123");
    }
}
