//! The microcircuit page's views: readouts, the traced cell's compartments, the
//! self-prediction meter, the learning curves against BP/FA/shallow and the
//! explanation.

use std::rc::Rc;

use bioprop::microcircuit::TracePoint;
use plotters::style::RGBColor;
use yew::prelude::*;

use super::sim::Phase;
use super::worker::Curve;
use crate::widgets::chart::okabe_ito::{BLUE, GREEN, ORANGE, PURPLE, RED};
use crate::widgets::chart::{format_number, Dash, LineChart, Series};

/// The shallow learner's neutral grey.
const GREY: RGBColor = RGBColor(127, 127, 127);

#[derive(Properties, PartialEq)]
pub struct ReadoutsProps {
    pub patterns: u64,
    pub time_ms: f64,
    pub loss: Option<f32>,
    pub apical_energy: f32,
    /// ‖v_A‖² averaged over the latest row's patterns.
    pub row_energy: Option<f32>,
    /// The latest row's angle between the circuit's update of the probed hidden layer
    /// and backprop's from the same state (none before the first taught pattern).
    pub update_angle: Option<f32>,
    pub target: bool,
    pub phase: Phase,
}

/// The phase in words, and its name for tests (`data-phase`).
pub fn phase_text(phase: Phase, patterns: u64) -> (&'static str, String) {
    match phase {
        Phase::Learning => ("learning", "learning (target on)".to_owned()),
        Phase::PreTraining { until: Some(until) } => (
            "pre-training",
            format!(
                "pre-training (no target): {} of {} patterns",
                patterns.min(until),
                until
            ),
        ),
        Phase::PreTraining { until: None } => ("pre-training", "pre-training (no target)".into()),
    }
}

/// The numbers the tests and a lecturer read.
#[component]
pub fn Readouts(props: &ReadoutsProps) -> Html {
    let (phase, phase_words) = phase_text(props.phase, props.patterns);
    html! {
        <div class="readouts">
            <div class="readout" data-css="border-left-color: #7048e8">
                <span class="rule-name">{"Microcircuit"}</span>
                <span>{"patterns "}<b data-testid="metric-step">{props.patterns}</b></span>
                <span>{"t "}<b data-testid="metric-time">{format!("{:.2}", props.time_ms / 1000.0)}</b>{" s"}</span>
                <span>{"test loss "}<b data-testid="metric-loss">{props.loss.map_or("—".to_owned(), format_number)}</b></span>
                <span>{"‖v_A‖² "}<b data-testid="metric-apical-energy">{format!("{:.6}", props.apical_energy)}</b></span>
                <span title="‖v_A‖² of hidden layer 1 averaged over the patterns since the previous metrics row">
                    {"mean ‖v_A‖² "}<b data-testid="metric-apical-energy-mean">{props.row_energy.map_or("—".to_owned(), |e| format!("{e:.6}"))}</b>
                </span>
                <span title="angle between the circuit's change of this layer's forward weights and the change backprop would make from the same state and pattern (0° is backprop)">
                    {"update ∠ to BP "}<b data-testid="metric-update-angle">{props.update_angle.map_or("—".to_owned(), |a| format!("{a:.1}°"))}</b>
                </span>
                <span>{"target "}<b data-testid="metric-target">{ if props.target { "on" } else { "off (pre-training)" } }</b></span>
                <span>{"phase "}<b data-testid="metric-phase" data-phase={phase}>{phase_words}</b></span>
            </div>
        </div>
    }
}

fn series(
    label: &str,
    colour: RGBColor,
    trace: &[TracePoint],
    pick: fn(&TracePoint) -> f32,
) -> Series {
    Series {
        label: AttrValue::from(label.to_owned()),
        colour,
        dash: Dash::Solid,
        points: Rc::new(
            trace
                .iter()
                .map(|p| ((p.time_ms / 1000.0) as f32, pick(p)))
                .collect(),
        ),
    }
}

/// The trace points of the last `window_ms` of simulated time.
pub fn recent(trace: &[TracePoint], window_ms: f64) -> &[TracePoint] {
    let Some(last) = trace.last() else {
        return trace;
    };
    let from = trace.partition_point(|p| p.time_ms < last.time_ms - window_ms);
    &trace[from..]
}

#[derive(Properties, PartialEq)]
pub struct TracesProps {
    pub trace: Rc<Vec<TracePoint>>,
    pub neuron: usize,
}

/// The traced pyramidal cell's three compartments, and its interneuron partner against
/// the layer-above cell it learns to predict.
#[component]
pub fn Traces(props: &TracesProps) -> Html {
    let t = &props.trace;
    let cell = vec![
        series("soma u", BLUE, t, |p| p.soma),
        series("basal v_B", GREEN, t, |p| p.basal),
        series("apical v_A", RED, t, |p| p.apical),
    ];
    let inter = vec![
        series("interneuron u^I", ORANGE, t, |p| p.interneuron),
        series("layer-above u_{k+1} (predicted)", PURPLE, t, |p| {
            p.interneuron_target
        }),
    ];
    html! {
        <>
            <section class="panel">
                <h2>{format!("Pyramidal cell #{}: compartments", props.neuron)}</h2>
                <LineChart title="" x_label="time (s)" y_label="potential" series={Rc::new(cell)} testid="chart-traces" />
            </section>
            <section class="panel">
                <h2>{"Its interneuron partner vs the top-down input it predicts"}</h2>
                <LineChart title="" x_label="time (s)" y_label="potential" series={Rc::new(inter)} testid="chart-interneuron" />
            </section>
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct ApicalMeterProps {
    /// (simulated s, ‖v_A‖²), as drawn.
    pub energy: Rc<Vec<(f32, f32)>>,
    /// (simulated s, target on) at each switch.
    pub switches: Rc<Vec<(f32, bool)>>,
    /// The highest ‖v_A‖² from the target's first switch on, drawn or not.
    pub peak: f32,
}

/// The meter's story in numbers, read from the points drawn: where it started, how
/// low it fell before the target first came on, and its highest point since.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MeterStory {
    pub start: f32,
    /// The lowest point before the first switch on (the whole run if none).
    pub low: f32,
    /// (simulated s, ‖v_A‖²) of the highest point from the first switch on.
    pub peak: Option<(f32, f32)>,
}

pub fn meter_story(points: &[(f32, f32)], switches: &[(f32, bool)]) -> Option<MeterStory> {
    let start = points.first()?.1;
    let on = switches.iter().find(|s| s.1).map(|s| s.0);
    let split = points.partition_point(|p| on.is_none_or(|t| p.0 < t));
    let (before, after) = points.split_at(split);
    let low = before.iter().map(|p| p.1).fold(start, f32::min);
    let peak = after
        .iter()
        .copied()
        .reduce(|a, p| if p.1 > a.1 { p } else { a });
    Some(MeterStory { start, low, peak })
}

/// The story as a sentence, for the page and screen readers.
pub fn meter_text(story: &MeterStory) -> String {
    let mut text = format!(
        "‖v_A‖² started at {}, fell to {}",
        format_number(story.start),
        format_number(story.low)
    );
    match story.peak {
        Some((t, e)) => {
            text += &format!(
                " before the target came on, and peaked at {} at {t:.1} s.",
                format_number(e)
            )
        }
        None => text += ".",
    }
    text
}

/// ‖v_A‖² of hidden layer 1 over the whole run: the error the interneurons do not
/// predict.
#[component]
pub fn ApicalMeter(props: &ApicalMeterProps) -> Html {
    let list = vec![Series {
        label: "‖v_A‖² (layer 1)".into(),
        colour: RED,
        dash: Dash::Solid,
        points: props.energy.clone(),
    }];
    let switches = props
        .switches
        .iter()
        .map(|&(t, on)| {
            format!(
                "{} at {t:.1} s",
                if on { "target on" } else { "target off" }
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    html! {
        <section class="panel">
            <h2>{"Self-prediction error ‖v_A‖²"}</h2>
            <LineChart title="" x_label="simulated time (s)" y_label="‖v_A‖²" series={Rc::new(list)} testid="chart-apical-energy" />
            if let Some(story) = meter_story(&props.energy, &props.switches) {
                <p class="view-note" data-testid="meter-story"
                    data-start={story.start.to_string()} data-low={story.low.to_string()}
                    data-peak={story.peak.map_or(String::new(), |p| p.1.to_string())}
                    data-true-peak={props.peak.to_string()}>{meter_text(&story)}</p>
            }
            <p class="view-note" data-testid="switches">{
                if switches.is_empty() { "Falls towards 0 as the interneurons learn to cancel the top-down input; jumps when the target comes on.".to_owned() } else { switches }
            }</p>
        </section>
    }
}

/// The loss curves as the charts draw them: the circuit's, then BP, FA and shallow's.
pub fn curves(curves: &[Curve]) -> Vec<Series> {
    let colours = [RED, BLUE, GREEN, GREY];
    curves
        .iter()
        .zip(colours)
        .map(|(c, colour)| Series {
            label: c.label.clone().into(),
            colour,
            dash: Dash::Solid,
            points: Rc::new(c.points.clone()),
        })
        .collect()
}

#[derive(Properties, PartialEq)]
pub struct LearningCurvesProps {
    pub curves: Rc<Vec<Series>>,
}

#[component]
pub fn LearningCurves(props: &LearningCurvesProps) -> Html {
    html! {
        <section class="panel">
            <h2>{"Test loss vs BP, FA, shallow (same data, same order)"}</h2>
            <LineChart title="" x_label="patterns shown to the circuit" y_label="test loss (log)"
                series={props.curves.clone()} log_y={true} testid="chart-loss" />
            <p class="view-note">{"BP, FA and shallow learn one sample per pattern the circuit sees with its target on (batch 1, the circuit's seed)."}</p>
        </section>
    }
}

/// What the page shows, in the lecture's terms (points 3, 4 and 5).
#[component]
pub fn Explanation() -> Html {
    html! {
        <section class="panel wide explanation" data-testid="explanation">
            <h2>{"What you are watching"}</h2>
            <ul>
                <li><b>{"Point 3 — no two phases. "}</b>
                    {"Backprop needs a forward pass, then a separate backward pass. Here the four \
                      plasticity rules run all the time: switch the target on and off (the button, or key t) \
                      and nothing else changes. With the target off the circuit is pre-training: only the \
                      interneurons learn to cancel the top-down input, and ‖v_A‖² falls. Switch it on and \
                      the output is nudged, the meter jumps, and the error is learnt away while the meter \
                      returns towards 0."}</li>
                <li><b>{"Point 4 — no separate error network. "}</b>
                    {"The error is not carried by other neurons: it is the apical potential v_A of the same \
                      pyramidal cells (red in the traces, the top box of each cell in the diagram). The \
                      interneurons (circles) learn, through W^IP, to mimic the layer above, and through W^PI \
                      cancel its top-down input; what they fail to predict is exactly the error the output \
                      nudging sends down."}</li>
                <li><b>{"Point 5 — local rules. "}</b>
                    {"Each synapse changes using what is at hand: the forward weights by φ(u) − φ(v̂_B) \
                      (the soma's rate against the basal dendrite's prediction of it) times the input rate; \
                      W^IP by the interneuron's rate against its dendrite's prediction; W^PI by −v_A. No \
                      weight transport: the top-down weights stay random, like FA's B."}</li>
            </ul>
            <p class="view-note">{"Sacramento, Ponte Costa, Bengio & Senn (NeurIPS 2018). The full model integrates every compartment in 0.1 ms Euler steps; the steady-state model jumps to each pattern's fixed point (paper §3.4) and is hundreds of times faster."}</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(time_ms: f64) -> TracePoint {
        TracePoint {
            time_ms,
            soma: 0.0,
            basal: 0.0,
            apical: 0.0,
            interneuron: 0.0,
            interneuron_target: 0.0,
        }
    }

    #[test]
    fn the_meter_story_reads_the_start_the_low_and_the_jump() {
        let points = [(0.0, 1.1), (1.0, 0.4), (2.0, 0.01), (3.0, 0.9), (4.0, 0.2)];
        let story = meter_story(&points, &[(2.5, true)]).unwrap();
        assert_eq!(
            story,
            MeterStory {
                start: 1.1,
                low: 0.01,
                peak: Some((3.0, 0.9))
            }
        );
        assert_eq!(
            meter_text(&story),
            "‖v_A‖² started at 1.1, fell to 0.01 before the target came on, and peaked at 0.9 at 3.0 s."
        );
        let untaught = meter_story(&points, &[]).unwrap();
        assert_eq!((untaught.low, untaught.peak), (0.01, None));
        assert_eq!(meter_story(&[], &[]), None);
    }

    #[test]
    fn recent_keeps_the_last_window() {
        let trace: Vec<TracePoint> = (0..10).map(|i| at(f64::from(i) * 100.0)).collect();
        let times: Vec<f64> = recent(&trace, 250.0).iter().map(|p| p.time_ms).collect();
        assert_eq!(times, vec![700.0, 800.0, 900.0]);
        assert_eq!(recent(&trace, 1e9).len(), 10);
        assert!(recent(&[], 5.0).is_empty());
    }
}
