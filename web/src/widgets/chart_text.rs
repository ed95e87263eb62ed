//! A line chart's text alternative: what it plots and each curve's latest value,
//! for screen readers (the canvas itself says nothing to them).
//!
//! ```text
//! "Weight angle: degrees against step; latest: bp 12.5 at 400; fa 40.1 at 400"
//! ```

use super::chart::{format_number, LineChartProps};

/// The `aria-label` of a chart showing `props`. The chart computes it from the
/// props it last drew, so the words follow the picture.
pub fn summary(props: &LineChartProps) -> String {
    let what = if props.title.is_empty() {
        &props.y_label
    } else {
        &props.title
    };
    let mut text = format!("{what}: {} against {}", props.y_label, props.x_label);
    let latest: Vec<String> = props
        .series
        .iter()
        .filter_map(|series| {
            let &(x, y) = series.points.iter().rev().find(|(_, y)| y.is_finite())?;
            Some(format!(
                "{} {} at {}",
                series.label,
                format_number(y),
                format_number(x)
            ))
        })
        .collect();
    if latest.is_empty() {
        text.push_str("; no data yet");
    } else {
        text.push_str("; latest: ");
        text.push_str(&latest.join("; "));
    }
    text
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use plotters::style::RGBColor;

    use super::summary;
    use crate::widgets::chart::{Dash, LineChartProps, Series};

    fn chart(title: &str, series: Vec<(&str, Vec<(f32, f32)>)>) -> LineChartProps {
        LineChartProps {
            title: title.to_owned().into(),
            x_label: "step".into(),
            y_label: "degrees".into(),
            series: Rc::new(
                series
                    .into_iter()
                    .map(|(label, points)| Series {
                        label: label.to_owned().into(),
                        colour: RGBColor(0, 0, 0),
                        dash: Dash::Solid,
                        points: Rc::new(points),
                    })
                    .collect(),
            ),
            y_range: None,
            log_y: false,
            reference: None,
            testid: "".into(),
        }
    }

    #[test]
    fn names_each_curve_with_its_latest_finite_value() {
        let props = chart(
            "Weight angle",
            vec![
                ("bp", vec![(0.0, 90.0), (400.0, 12.5)]),
                // A diverged run's last point is NaN: the last number drawn is read out.
                ("fa", vec![(0.0, 90.0), (200.0, 40.1), (400.0, f32::NAN)]),
                ("dfa", vec![]),
            ],
        );
        assert_eq!(
            summary(&props),
            "Weight angle: degrees against step; latest: bp 12.5 at 400; fa 40.1 at 200"
        );
    }

    #[test]
    fn an_untitled_empty_chart_is_named_by_its_axis() {
        assert_eq!(
            summary(&chart("", vec![])),
            "degrees: degrees against step; no data yet"
        );
    }
}
