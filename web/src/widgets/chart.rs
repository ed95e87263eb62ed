//! Line charts drawn by plotters onto a `<canvas>`.
//!
//! A chart is redrawn whenever its props change; the series are shared
//! (`Rc`) so passing them down does not copy the points.

use std::rc::Rc;

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use super::chart_text::summary;
use crate::shell::throttle::use_throttled;

/// One curve.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub label: AttrValue,
    pub colour: RGBColor,
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
/// Room for the x ticks and the axis title below the plot, and for the y ticks
/// (up to six characters) and the rotated axis title beside it.
const X_LABEL_AREA_PX: u32 = 2 * TICK_PX + AXIS_TITLE_PX;
const Y_LABEL_AREA_PX: u32 = 4 * TICK_PX + AXIS_TITLE_PX;

/// Charts redraw at most this often (milliseconds); the last state is
/// always drawn.
pub const REDRAW_INTERVAL_MS: f64 = 100.0;

#[component]
pub fn LineChart(props: &LineChartProps) -> Html {
    let canvas = use_node_ref();
    let shown = use_throttled(props.clone(), REDRAW_INTERVAL_MS);
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
    let backend = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or_else(|| "no 2-D context".to_string())?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let ((x0, x1), (y0, y1)) = bounds(props);
    let mut chart = ChartBuilder::on(&root)
        .caption(props.title.as_str(), ("sans-serif", TITLE_PX))
        .margin(8)
        .x_label_area_size(X_LABEL_AREA_PX)
        .y_label_area_size(Y_LABEL_AREA_PX)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(|e| e.to_string())?;
    let log_y = props.log_y;
    chart
        .configure_mesh()
        .x_desc(props.x_label.as_str())
        .y_desc(props.y_label.as_str())
        .label_style(("sans-serif", TICK_PX))
        .axis_desc_style(("sans-serif", AXIS_TITLE_PX))
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&|v| format_number(*v))
        .y_label_formatter(&|v| {
            if log_y {
                format_number(10f32.powf(*v))
            } else {
                format_number(*v)
            }
        })
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
        let colour = series.colour;
        let points = series
            .points
            .iter()
            .filter_map(|&(x, y)| transformed(props, y).map(|y| (x, y)));
        chart
            .draw_series(LineSeries::new(points, colour.stroke_width(2)))
            .map_err(|e| e.to_string())?
            .label(series.label.as_str())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], colour.stroke_width(2)));
    }
    if props.series.len() > 1 {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font(("sans-serif", LEGEND_PX))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(200, 200, 200))
            .draw()
            .map_err(|e| e.to_string())?;
    }
    root.present().map_err(|e| e.to_string())
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
    use super::format_number;

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
