//! The cerebellum page's views: readouts, live traces, the gain over time, bar charts
//! of the weights and correlations, and the explanation tying it to the lecture.

use std::rc::Rc;

use bioprop::cerebellum::{CerebellumTask, Snapshot, Trace};
use plotters::style::RGBColor;
use yew::prelude::*;

use crate::widgets::chart::okabe_ito::{BLUE, GREEN, ORANGE, RED};
use crate::widgets::chart::{format_number, Dash, LineChart, Series};
use crate::widgets::number::{compact, nice_ceiling, scientific, signed};

#[derive(Properties, PartialEq)]
pub struct ReadoutsProps {
    pub snapshot: Rc<Snapshot>,
}

/// The numbers the tests and a lecturer read: gain, target, error RMS, time.
#[component]
pub fn Readouts(props: &ReadoutsProps) -> Html {
    let s = &*props.snapshot;
    let vor = s.task == CerebellumTask::Vor;
    let gain = readout(s.gain, 3);
    let rms = readout(s.error_rms, 4);
    html! {
        <div class="readouts">
            <div class={classes!("readout", s.diverged.then_some("diverged"))} data-css="border-left-color: #1f77b4">
                <span class="rule-name">{ if vor { "VOR" } else { "Forward model" } }</span>
                <span>{ if vor { "gain " } else { "prediction gain " } }<b data-testid="metric-gain">{gain}</b></span>
                <span>{ if vor { "target M " } else { "target " } }<b data-testid="metric-target">{format!("{}", s.target_gain)}</b></span>
                <span>{ if vor { "slip RMS " } else { "error RMS " } }<b data-testid="metric-error-rms">{rms}</b></span>
                <span>{"t "}<b data-testid="metric-time">{format!("{:.1}", s.time)}</b>{" s"}</span>
                if s.diverged { <span class="cb-diverged">{"diverged"}</span> }
            </div>
        </div>
    }
}

/// A readout's number: `decimals` places, compact once a diverged run makes it huge
/// (`2.1e6`, not `2131338.740`), `—` before there is one.
pub fn readout(value: Option<f64>, decimals: usize) -> String {
    value.map_or("—".to_owned(), |v| compact(v, decimals))
}

fn series(label: &str, colour: RGBColor, time: &[f64], values: &[f32]) -> Series {
    Series {
        label: AttrValue::from(label.to_owned()),
        colour,
        dash: Dash::Solid,
        points: Rc::new(
            time.iter()
                .zip(values)
                .map(|(&t, &v)| (t as f32, v))
                .collect(),
        ),
    }
}

#[derive(Properties, PartialEq)]
pub struct TracesProps {
    pub trace: Rc<Trace>,
    pub task: CerebellumTask,
}

/// The last few seconds of the signals.
#[component]
pub fn Traces(props: &TracesProps) -> Html {
    let t = &*props.trace;
    let list = if props.task == CerebellumTask::Vor {
        vec![
            series("head H", BLUE, &t.time, &t.input),
            series("eye E", GREEN, &t.time, &t.behaviour),
            series("slip S", RED, &t.time, &t.error),
        ]
    } else {
        vec![
            series("command u", BLUE, &t.time, &t.input),
            series("outcome y", GREEN, &t.time, &t.behaviour),
            series("prediction z", ORANGE, &t.time, &t.output),
        ]
    };
    html! {
        <section class="panel">
            <h2>{"Signals, last 5 s"}</h2>
            <LineChart title="" x_label="time (s)" y_label="velocity" series={Rc::new(list)} testid="chart-traces" />
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct GainChartProps {
    pub history: Rc<Vec<(f32, f32)>>,
    pub snapshot: Rc<Snapshot>,
}

/// The windowed gain since the start, with its target as a dashed line.
#[component]
pub fn GainChart(props: &GainChartProps) -> Html {
    let vor = props.snapshot.task == CerebellumTask::Vor;
    let target = props.snapshot.target_gain as f32;
    let list = vec![Series {
        label: if vor { "VOR gain" } else { "prediction gain" }.into(),
        colour: BLUE,
        dash: Dash::Solid,
        points: props.history.clone(),
    }];
    // Keep the target in view and a divergence from flattening everything else.
    let (lo, hi) = props
        .history
        .iter()
        .fold((target.min(0.0), target.max(1.0)), |(lo, hi), &(_, g)| {
            (lo.min(g), hi.max(g))
        });
    let range = (
        lo.max(-5.0 * target.abs().max(1.0)) - 0.1,
        hi.min(5.0 * target.abs().max(1.0)) + 0.1,
    );
    html! {
        <section class="panel">
            <h2>{ if vor { format!("Gain → M = {target}") } else { "Prediction gain → 1".to_owned() } }</h2>
            <LineChart title="" x_label="time (s)" y_label="gain" series={Rc::new(list)}
                reference={Some(target)} y_range={Some(range)} testid="chart-gain" />
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct BarsProps {
    pub title: AttrValue,
    pub testid: AttrValue,
    pub values: Rc<Vec<f64>>,
    /// τ of `p_1 .. p_n`, for the labels.
    pub taus: Rc<Vec<f64>>,
    /// `[-1, 1]` when true, else fitted to the largest |value|.
    pub fixed_range: bool,
}

/// The axis half-range: 1 when fixed, else the largest finite |value| rounded up to
/// 1, 2 or 5 × 10ⁿ (1 while every value is 0), so the two ends never read alike.
pub fn bar_limit(values: &[f64], fixed_range: bool) -> f64 {
    let largest = values
        .iter()
        .filter(|v| v.is_finite())
        .fold(0.0_f64, |m, v| m.max(v.abs()));
    if fixed_range || largest < 1e-12 {
        1.0
    } else {
        nice_ceiling(largest)
    }
}

/// `value / limit` clamped to the axis, `[-1, 1]`, and whether it was cut there (a NaN
/// has no bar and counts as cut).
pub fn bar_fraction(value: f64, limit: f64) -> (f64, bool) {
    if value.is_nan() {
        return (0.0, true);
    }
    let fraction = value / limit;
    (fraction.clamp(-1.0, 1.0), fraction.abs() > 1.0)
}

/// An axis end: `1e6`, `-1e6`, `0.02`, `5e-9`.
pub fn axis_label(v: f64) -> String {
    if v == 0.0 || (1e-2..1e4).contains(&v.abs()) {
        format_number(v as f32)
    } else {
        format!("{}{}", if v < 0.0 { "-" } else { "" }, scientific(v.abs()))
    }
}

/// A bar's value: as the charts write it, compact once it is large.
pub fn value_label(v: f64) -> String {
    if v.is_finite() && v.abs() < 1e4 {
        format_number(v as f32)
    } else {
        signed(v, 3)
    }
}

/// One bar per basis signal, up for positive and down for negative; a bar cut at the
/// axis ends in a marker.
#[component]
pub fn Bars(props: &BarsProps) -> Html {
    const W: f64 = 400.0;
    const H: f64 = 170.0;
    const MID: f64 = 80.0;
    const HALF: f64 = 70.0;
    let n = props.values.len().max(1);
    let limit = bar_limit(&props.values, props.fixed_range);
    let slot = (W - 50.0) / n as f64;
    let bars = props.values.iter().enumerate().map(|(i, &v)| {
        let (fraction, clipped) = bar_fraction(v, limit);
        let h = HALF * fraction;
        let x = 50.0 + slot * i as f64 + slot * 0.15;
        let (y, height) = if h >= 0.0 { (MID - h, h) } else { (MID, -h) };
        let label = if i == 0 {
            "raw".to_owned()
        } else {
            props.taus.get(i - 1).map(|t| format!("{:.0}ms", t * 1000.0)).unwrap_or_default()
        };
        let fill = if v >= 0.0 { "#b2182b" } else { "#2166ac" };
        let centre = x + slot * 0.35;
        // The marker sits on the axis end the bar was cut at (mid-axis for a NaN).
        let marker_y = if fraction > 0.0 { MID - HALF } else if fraction < 0.0 { MID + HALF } else { MID };
        let note = if clipped { " (beyond the axis)" } else { "" };
        html! {
            <g>
                <rect x={format!("{x:.1}")} y={format!("{y:.1}")} width={format!("{:.1}", slot * 0.7)}
                    height={format!("{:.2}", height.max(0.5))} fill={fill}>
                    <title>{format!("{i}: {}{note}", value_label(v))}</title>
                </rect>
                if clipped {
                    <path class="cb-clipped" data-testid="clipped"
                        d={format!("M {:.1} {marker_y:.1} l -5 {d:.1} h 10 z", centre, d = if fraction < 0.0 { -7.0 } else { 7.0 })} />
                }
                <text class="cb-small" x={format!("{centre:.1}")} y={(H - 4.0).to_string()}
                    text-anchor="middle">{label}</text>
                <text class="cb-tiny" x={format!("{centre:.1}")} y={(H - 18.0).to_string()}
                    text-anchor="middle">{value_label(v)}</text>
            </g>
        }
    });
    html! {
        <section class="panel">
            <h2>{props.title.clone()}</h2>
            <svg class="cb-bars" viewBox={format!("0 0 {W} {H}")} data-testid={props.testid.clone()} role="img"
                aria-label={props.title.clone()}>
                <line class="cb-axis" x1="46" y1={MID.to_string()} x2={W.to_string()} y2={MID.to_string()} />
                <text class="cb-small" x="42" y={(MID - HALF + 4.0).to_string()} text-anchor="end"
                    data-testid="axis-top">{axis_label(limit)}</text>
                <text class="cb-small" x="42" y={(MID + 4.0).to_string()} text-anchor="end">{"0"}</text>
                <text class="cb-small" x="42" y={(MID + HALF + 4.0).to_string()} text-anchor="end"
                    data-testid="axis-bottom">{axis_label(-limit)}</text>
                { for bars }
            </svg>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ExplanationProps {
    pub task: CerebellumTask,
}

/// What the page shows, in the lecture's terms.
#[component]
pub fn Explanation(props: &ExplanationProps) -> Html {
    html! {
        <section class="panel wide explanation" data-testid="explanation">
            <h2>{"What you are watching"}</h2>
            <ul>
                <li><b>{"The delta rule, in continuous time. "}</b>
                    {"The Purkinje cell outputs z = Σ wᵢ pᵢ and each parallel-fibre synapse changes by \
                      dwᵢ/dt = −β e pᵢ, with e = output − desired: the lecture's first equation, \
                      Δw = −η (y − t) x, a step down the gradient of ½e². The minus sign is the descent."}</li>
                <li><b>{"The climbing fibre is the teacher. "}</b>
                    {"In the VOR the error is the retinal slip S: with spectacles of factor M the eye must \
                      turn M times the head, the brainstem alone gives B = 1, and the cerebellum learns the \
                      missing M − B. Slip drives the climbing fibre; it says how wrong the eye was, not \
                      what each synapse should do — the parallel-fibre activity pᵢ supplies that."}</li>
                <li><b>{"Decorrelation. "}</b>
                    {"Learning stops when the error is uncorrelated with every basis signal (⟨e pᵢ⟩ = 0). \
                      The bars show cᵢ = ⟨e pᵢ⟩ / (rms pᵢ · max(rms e, rms desired)): the correlation \
                      scaled by the larger of the error and what the output should be, so cᵢ starts \
                      near ±1 for a naive filter and shrinks to 0 as the error itself vanishes (a plain \
                      correlation would not: a tiny sinusoidal residual is still perfectly correlated)."}</li>
                <li><b>{"Timing matters. "}</b>
                    {"Delay the error by D_e and LMS pairs it with the wrong pᵢ: above about 1/(4·D_e) Hz \
                      (2.5 Hz for 100 ms) the averaged update points uphill and learning fails or diverges \
                      (Porrill & Dean 2007, who restore it with a second site of plasticity in the \
                      brainstem). Here a different remedy repairs it: delaying the basis signals by the \
                      same amount — an eligibility trace at the synapse. Try freq 5, error delay 0.1, \
                      then set the eligibility delay to 0.1."}</li>
                <li><b>{"Forward models. "}</b>
                    {"With the forward-model task the same circuit predicts the sensory outcome y of a \
                      motor command u (an efference copy) through a damped plant; the error is outcome \
                      minus prediction, and the prediction gain ⟨z y⟩/⟨y²⟩ goes to 1."}</li>
            </ul>
            if props.task == CerebellumTask::Vor {
                <p class="view-note">{"Gain is −⟨E H⟩/⟨H²⟩ over the last 2 s (whole periods), the least-squares slope of eye on head velocity."}</p>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_ends_differ_and_read_well_at_every_scale() {
        for &largest in &[0.0, 3e-9, 0.013, 0.9, 1.0, 657.54, 2_131_338.74, 1e30] {
            let limit = bar_limit(&[largest, -largest / 2.0], false);
            let (top, bottom) = (axis_label(limit), axis_label(-limit));
            assert_ne!(top, bottom, "{largest}");
            assert_eq!(bottom, format!("-{top}"), "{largest}");
            assert!(top.chars().count() <= 5, "{largest}: {top}");
            assert!(limit >= largest, "{largest}: {limit}");
        }
        // The diverged weights that printed "657.540" at both ends.
        assert_eq!(axis_label(bar_limit(&[657.54, -12.0], false)), "1000");
        assert_eq!(bar_limit(&[0.0; 7], false), 1.0);
        assert_eq!(bar_limit(&[3.0, f64::NAN, f64::INFINITY], false), 5.0);
        assert_eq!(bar_limit(&[3.0], true), 1.0);
    }

    #[test]
    fn bars_stay_on_the_axis_and_say_when_they_were_cut() {
        assert_eq!(bar_fraction(0.5, 1.0), (0.5, false));
        assert_eq!(bar_fraction(-1.0, 1.0), (-1.0, false));
        // A correlation beyond the fixed range, and a weight gone to -1e6 on a ±1 axis.
        assert_eq!(bar_fraction(1.2, 1.0), (1.0, true));
        assert_eq!(bar_fraction(-1e6, 1.0), (-1.0, true));
        assert_eq!(bar_fraction(f64::NEG_INFINITY, 5.0), (-1.0, true));
        assert_eq!(bar_fraction(f64::NAN, 5.0), (0.0, true));
        for v in [-2_131_338.74, -657.54, 0.0, 3e-9, 1e30] {
            let limit = bar_limit(&[v], false);
            let (fraction, clipped) = bar_fraction(v, limit);
            assert!((-1.0..=1.0).contains(&fraction) && !clipped, "{v}");
        }
    }

    #[test]
    fn readouts_of_a_diverged_run_stay_short() {
        // The diverged VOR's gain that printed "2131338.740" in the readout.
        assert_eq!(readout(Some(2_131_338.74), 3), "2.1e6");
        assert_eq!(readout(Some(-2_131_338.74), 4), "-2.1e6");
        assert_eq!(readout(Some(1.9996), 3), "2.000");
        assert_eq!(readout(Some(0.01234), 4), "0.0123");
        assert_eq!(readout(Some(f64::NAN), 3), "NaN");
        assert_eq!(readout(None, 3), "—");
        for exponent in 4..300 {
            let text = readout(Some(-1.234 * 10f64.powi(exponent)), 4);
            assert!(text.chars().count() <= 8, "{text}");
        }
    }

    #[test]
    fn bar_values_are_compact_once_large() {
        assert_eq!(value_label(0.0123), "0.0123");
        assert_eq!(value_label(-2_131_338.74), "-2.1e6");
        assert_eq!(value_label(f64::NAN), "NaN");
    }
}
