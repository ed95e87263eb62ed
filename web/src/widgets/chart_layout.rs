//! Where a line chart puts its title, legend, axes and plot, worked out before
//! plotters draws anything.
//!
//! ```text
//! ┌──────────────── canvas ────────────────┐
//! │        title (wrapped to the width)    │  title_lines × title line height
//! │ ── bp · layer 1   - - bp · layer 2 …   │  legend rows (outside the plot)
//! │ y  ┌──────────────────────────────┐    │
//! │ t  │            plot              │ ←  right margin: half the widest x tick
//! │ i  │                              │    │
//! │ t  └──────────────────────────────┘    │
//! │ l   ticks            x axis title      │
//! └────────────────────────────────────────┘
//! ```
//!
//! Text widths come from a `measure(text, px)` function: the canvas's own
//! `measureText` in the browser, an average glyph width in the native tests.
//! Nothing here shrinks text: the sizes stay those of [`super::chart`].

use super::chart::{format_number, AXIS_TITLE_PX, LEGEND_PX, TICK_PX, TITLE_PX};

/// Blank space around the whole chart, in CSS pixels.
pub const MARGIN_PX: u32 = 8;
/// A legend entry: a line sample this long, a gap, then its label.
pub const SWATCH_PX: u32 = 26;
const SWATCH_GAP_PX: u32 = 6;
/// Space between two legend entries on one row.
const ENTRY_GAP_PX: u32 = 16;
/// Room plotters gives a tick mark and the gap between tick labels and the axis title.
const TICK_MARK_PX: u32 = 8;
const AXIS_TITLE_GAP_PX: u32 = 8;

/// Line heights: the text and some air.
pub const fn line_height(px: u32) -> u32 {
    px + px / 3
}

/// A rectangle in canvas pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

impl Rect {
    pub fn intersects(&self, other: &Rect) -> bool {
        self.x < other.x + other.width
            && other.x < self.x + self.width
            && self.y < other.y + other.height
            && other.y < self.y + self.height
    }
}

/// One legend entry placed on the canvas: the swatch starts at `x`, the text's
/// vertical centre is `y`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LegendEntry {
    pub series: usize,
    pub x: u32,
    pub y: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChartLayout {
    /// The title broken into lines that each fit the canvas width.
    pub title_lines: Vec<String>,
    /// The legend entries in series order, row by row, all above the plot.
    pub legend: Vec<LegendEntry>,
    /// The box the legend entries occupy (empty when there is no legend).
    pub legend_box: Rect,
    /// Height of the title and legend band above the chart's drawing area.
    pub header_px: u32,
    /// Width left of the plot for the y tick labels and the rotated y axis title.
    pub y_label_area_px: u32,
    /// Height below the plot for the x tick labels and the x axis title.
    pub x_label_area_px: u32,
    /// Blank space right of the plot: the last x tick label is centred on the
    /// plot's right edge, so half of it lies beyond.
    pub right_margin_px: u32,
    /// The plot area itself.
    pub plot: Rect,
}

/// What a chart needs laid out: its text and the ranges its ticks come from.
pub struct ChartText<'a> {
    pub title: &'a str,
    /// One label per series; a single series has no legend.
    pub labels: &'a [&'a str],
    pub x_range: (f32, f32),
    /// The tick labels the y axis may show (already formatted).
    pub y_ticks: &'a [String],
}

/// Lays out a chart of `width` × `height` canvas pixels.
pub fn layout(
    width: u32,
    height: u32,
    text: &ChartText,
    measure: &dyn Fn(&str, u32) -> u32,
) -> ChartLayout {
    let inner = width.saturating_sub(2 * MARGIN_PX).max(1);
    let title_lines = wrap(text.title, inner, &|t| measure(t, TITLE_PX));
    let mut y = MARGIN_PX + line_height(TITLE_PX) * title_lines.len() as u32;

    let y_widest = text
        .y_ticks
        .iter()
        .map(|t| measure(t, TICK_PX))
        .max()
        .unwrap_or(0);
    let y_label_area_px = AXIS_TITLE_PX + AXIS_TITLE_GAP_PX + y_widest + TICK_MARK_PX;
    let x_widest = [text.x_range.0, text.x_range.1]
        .iter()
        .map(|&v| measure(&format_number(v), TICK_PX))
        .max()
        .unwrap_or(0);
    let right_margin_px = (x_widest / 2 + 4).max(MARGIN_PX);

    let mut legend = Vec::new();
    let mut legend_box = Rect {
        x: MARGIN_PX,
        y,
        width: 0,
        height: 0,
    };
    if text.labels.len() > 1 {
        let row = line_height(LEGEND_PX);
        let mut x = MARGIN_PX;
        let mut rows = 1;
        let mut widest_row = 0;
        for (series, label) in text.labels.iter().enumerate() {
            let entry = SWATCH_PX + SWATCH_GAP_PX + measure(label, LEGEND_PX);
            if x > MARGIN_PX && x + entry > MARGIN_PX + inner {
                x = MARGIN_PX;
                rows += 1;
            }
            legend.push(LegendEntry {
                series,
                x,
                y: y + row * (rows - 1) + row / 2,
            });
            x += entry;
            widest_row = widest_row.max(x - MARGIN_PX);
            x += ENTRY_GAP_PX;
        }
        legend_box.width = widest_row;
        legend_box.height = row * rows;
        y += legend_box.height + 4;
    }
    let header_px = y;
    let x_label_area_px = line_height(TICK_PX) + TICK_MARK_PX + line_height(AXIS_TITLE_PX);
    let plot = Rect {
        x: MARGIN_PX + y_label_area_px,
        y: header_px + MARGIN_PX,
        width: width.saturating_sub(MARGIN_PX + y_label_area_px + right_margin_px),
        height: height.saturating_sub(header_px + 2 * MARGIN_PX + x_label_area_px),
    };
    ChartLayout {
        title_lines,
        legend,
        legend_box,
        header_px,
        y_label_area_px,
        x_label_area_px,
        right_margin_px,
        plot,
    }
}

/// Greedy word wrap: as many words on each line as fit `width`; a word wider
/// than the line gets a line to itself (never cut). A blank text has no lines
/// (a chart whose panel heading names it gives the room to the plot).
pub fn wrap(text: &str, width: u32, measure: &dyn Fn(&str) -> u32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && measure(&candidate) > width {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The tick values plotters chooses for `range` with at most `count` labels:
/// multiples of 1, 2 or 5 × 10ⁿ (enough to size the labels; plotters' own
/// choice is one of these steps).
pub fn nice_ticks((lo, hi): (f32, f32), count: usize) -> Vec<f32> {
    let span = (hi - lo).abs().max(f32::MIN_POSITIVE);
    let raw = span / count.max(1) as f32;
    let magnitude = 10f32.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * magnitude);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|i| i as f32 * step).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An average sans-serif glyph is about 0.6 em wide; wide enough for the tests.
    fn measure(text: &str, px: u32) -> u32 {
        (text.chars().count() as f32 * 0.6 * px as f32).ceil() as u32
    }

    fn ticks(range: (f32, f32)) -> Vec<String> {
        nice_ticks(range, 6)
            .into_iter()
            .map(format_number)
            .collect()
    }

    #[test]
    fn four_rules_by_two_layers_keep_their_legend_off_the_plot() {
        let labels: Vec<String> = ["bp", "fa", "dfa", "kp"]
            .iter()
            .flat_map(|r| (1..=2).map(move |k| format!("{r} · layer {k}")))
            .collect();
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        let y_ticks = ticks((0.0, 180.0));
        for width in [360, 600, 1000] {
            let l = layout(
                width,
                250,
                &ChartText {
                    title: "Update angle ∠(δ_rule, δ_BP)",
                    labels: &labels,
                    x_range: (0.0, 2500.0),
                    y_ticks: &y_ticks,
                },
                &measure,
            );
            assert_eq!(l.legend.len(), 8);
            assert!(!l.legend_box.intersects(&l.plot), "width {width}: {l:?}");
            assert!(l.legend_box.x + l.legend_box.width <= width - MARGIN_PX);
            // Every entry lies inside the legend box, none overlaps the next on its row.
            for pair in l.legend.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                if a.y == b.y {
                    let a_end = a.x + SWATCH_PX + 6 + measure(labels[a.series], LEGEND_PX);
                    assert!(a_end < b.x, "width {width}: {a:?} runs into {b:?}");
                }
            }
            assert!(l.plot.height >= 60, "width {width}: plot {:?}", l.plot);
        }
    }

    #[test]
    fn six_hidden_layers_keep_the_legend_off_the_axis() {
        let labels: Vec<String> = (1..=6).map(|k| format!("fa · layer {k}")).collect();
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        let l = layout(
            500,
            300,
            &ChartText {
                title: "Weight angle ∠(B, Wᵀ)",
                labels: &labels,
                x_range: (0.0, 500.0),
                y_ticks: &ticks((0.0, 180.0)),
            },
            &measure,
        );
        // The y axis is the plot's left edge; the x axis its bottom edge.
        assert!(l.legend_box.y + l.legend_box.height <= l.plot.y);
        assert!(l.legend.iter().all(|e| e.y < l.plot.y));
    }

    #[test]
    fn the_last_x_tick_label_fits_inside_the_canvas() {
        // "2500" is centred on the plot's right edge: half of it must fit in the margin.
        let l = layout(
            400,
            250,
            &ChartText {
                title: "Loss",
                labels: &["bp"],
                x_range: (0.0, 2500.0),
                y_ticks: &ticks((0.0, 1.0)),
            },
            &measure,
        );
        let half = measure("2500", TICK_PX).div_ceil(2);
        assert!(l.plot.x + l.plot.width + half <= 400, "{l:?}");
        assert!(l.legend.is_empty(), "one series needs no legend");
    }

    #[test]
    fn the_y_axis_title_clears_the_widest_tick_label() {
        let y_ticks = ticks((-0.0125, 0.0125));
        let widest = y_ticks.iter().map(|t| measure(t, TICK_PX)).max().unwrap();
        let l = layout(
            600,
            250,
            &ChartText {
                title: "Loss",
                labels: &[],
                x_range: (0.0, 10.0),
                y_ticks: &y_ticks,
            },
            &measure,
        );
        // The rotated title is AXIS_TITLE_PX wide, at the area's left; the ticks are
        // right-aligned against the axis after the tick mark.
        assert!(AXIS_TITLE_PX + widest + TICK_MARK_PX < l.y_label_area_px);
        assert_eq!(y_ticks.first().map(String::as_str), Some("-0.01"));
    }

    #[test]
    fn a_long_title_wraps_on_a_phone_and_no_line_is_wider_than_the_canvas() {
        let title = "Loss (solid: training set, light: held-out)";
        let width = 330;
        let l = layout(
            width,
            250,
            &ChartText {
                title,
                labels: &[],
                x_range: (0.0, 10.0),
                y_ticks: &ticks((0.0, 1.0)),
            },
            &measure,
        );
        assert!(l.title_lines.len() >= 2, "{:?}", l.title_lines);
        assert_eq!(l.title_lines.join(" "), title, "no word lost");
        for line in &l.title_lines {
            assert!(measure(line, TITLE_PX) <= width - 2 * MARGIN_PX, "{line}");
        }
        assert!(wrap("  ", 100, &|t| t.len() as u32).is_empty());
        assert_eq!(
            wrap("one", 1, &|t| t.len() as u32),
            vec!["one"],
            "a word wider than the line is kept whole"
        );
    }

    #[test]
    fn nice_ticks_are_round_steps_inside_the_range() {
        assert_eq!(ticks((0.0, 180.0)), ["0", "50", "100", "150"]);
        assert_eq!(ticks((0.0, 1.0)), ["0", "0.2", "0.4", "0.6", "0.8", "1"]);
    }
}
