//! The views of the runs: readouts, network, feedback matrices, alignment,
//! learning curves and the task. Each is shown when the settings ask for it.

use std::cell::RefCell;
use std::rc::Rc;

use bioprop::experiment::Snapshot;
use bioprop::rule::{FeedbackPath, RuleKind};
use bioprop::task::TaskKind;
use plotters::style::RGBColor;
use yew::prelude::*;

use super::controls::Action;
use super::delta::{has_hidden_layer, is_delta_view};
use super::delta_view::{DeltaExplanation, DeltaView};
use super::digits::network::{DigitsNetwork, Picture as DigitsPicture};
use super::digits::views::{evaluation_note, DigitsPanel};
use super::digits::{is_digits, PredictRequest};
use super::inspect::Inspect;
use super::inspect_view::InspectorPanel;
use super::network_view::NetworkView;
use super::runs::{rule_colour, run_colour, Run, Runs};
use super::settings::{FeedbackView, Settings, View, SPEED_MAX};
use super::worker::{log_interval, Picture, TaskData};
use crate::shell::throttle::use_throttled_apart;
use crate::widgets::chart::{Dash, LineChart, Series};
use crate::widgets::heatmap::{DecisionBoundary, FeedbackMatrices};

/// The runs, shared with the page; `frame` changes with every update so that
/// components re-render exactly when there is something new.
#[derive(Clone)]
pub struct Shared {
    pub runs: Rc<RefCell<Runs>>,
    pub frame: u64,
}

impl PartialEq for Shared {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.runs, &other.runs) && self.frame == other.frame
    }
}

fn degrees(value: Option<f32>) -> String {
    value.map_or("–".into(), |v| format!("{v:.1}°"))
}

fn number(value: Option<f32>) -> String {
    match value {
        Some(v) if v.is_finite() => crate::widgets::chart::format_number(v),
        Some(v) => v.to_string(),
        None => "–".into(),
    }
}

#[derive(Properties, PartialEq)]
pub struct ReadoutsProps {
    pub shared: Shared,
}

/// The current numbers of every run, with stable test hooks.
#[component]
pub fn Readouts(props: &ReadoutsProps) -> Html {
    let runs = props.shared.runs.borrow();
    html! {
        <section class="readouts" aria-label="Current values">
            { for runs.runs.iter().map(readout) }
        </section>
    }
}

/// The weight angle's tooltip; for a rule that does not use `B`, what it is for.
fn weight_angle_title(rule: bioprop::RuleKind) -> String {
    let what = "∠(B, Wᵀ) per hidden layer, first layer first";
    match super::runs::control_note(rule) {
        Some(note) => format!(
            "{what} ({note}: {} does not send its error through B)",
            rule.name()
        ),
        None => what.to_owned(),
    }
}

fn readout(run: &Run) -> Html {
    let rule = AttrValue::from(run.run.to_string());
    let metrics = run.snapshot.metrics.as_ref();
    let first = metrics.and_then(|m| m.layers.first());
    let deeper = metrics.map_or(&[][..], |m| m.layers.get(1..).unwrap_or(&[]));
    let colour = run_colour(run.run);
    let style = format!(
        "border-color: rgb({}, {}, {})",
        colour.0, colour.1, colour.2
    );
    let loss = metrics.map(|m| m.train.loss);
    html! {
        <div class={classes!("readout", run.diverged.is_some().then_some("diverged"))} data-rule={rule.clone()} data-css={style}>
            <strong class="rule-name" title={format!("{}: {}", run.run.title(), run.rule.description())}>{run.run.label()}</strong>
            <span title="The learning rate this run trains at">{"η "}<b data-testid="metric-lr" data-rule={rule.clone()}>{run.lr}</b></span>
            <span>{"step "}<b data-testid="metric-step" data-rule={rule.clone()}>{run.snapshot.step}</b></span>
            <span>{"loss "}<b data-testid="metric-loss" data-rule={rule.clone()}>{number(loss)}</b></span>
            if let Some(nse) = metrics.and_then(|m| m.test.nse) {
                <span>{"test NSE "}<b data-testid="metric-nse" data-rule={rule.clone()}>{number(Some(nse))}</b></span>
            }
            if let Some(acc) = metrics.and_then(|m| m.test.accuracy) {
                <span>{"test acc. "}<b data-testid="metric-accuracy" data-rule={rule.clone()}>{format!("{:.1}%", acc * 100.0)}</b></span>
            }
            // A network without a hidden layer has no angles (the delta rule's).
            if first.is_some() {
            <span title="∠(δ_rule, δ_BP) per hidden layer, first layer first">{"update ∠ "}
                <b data-testid="metric-update-angle" data-rule={rule.clone()}>{degrees(first.and_then(|l| l.update_angle_deg))}</b>
                { for deeper.iter().map(|l| html! {
                    <>{" · "}<b data-testid={format!("metric-update-angle-{}", l.layer)} data-rule={rule.clone()}>
                        {degrees(l.update_angle_deg)}</b></>
                }) }
            </span>
            <span title={weight_angle_title(run.rule)}>{"weight ∠ "}
                <b data-testid="metric-weight-angle" data-rule={rule.clone()}>{degrees(first.and_then(|l| l.weight_angle_deg))}</b>
                { for deeper.iter().map(|l| html! {
                    <>{" · "}<b data-testid={format!("metric-weight-angle-{}", l.layer)} data-rule={rule.clone()}>
                        {degrees(l.weight_angle_deg)}</b></>
                }) }
            </span>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ViewsProps {
    pub shared: Shared,
    pub settings: Settings,
    pub on_action: Callback<Action>,
    /// The digits' file picker and drawing pad ([`super::digits`]).
    #[prop_or_default]
    pub on_files: Callback<Vec<web_sys::File>>,
    #[prop_or_default]
    pub on_predict: Callback<PredictRequest>,
}

#[component]
pub fn Views(props: &ViewsProps) -> Html {
    let settings = &props.settings;
    let runs = props.shared.runs.borrow();
    let feedback_view = settings.feedback_view;
    let angle_range = Some((0.0, 180.0));
    // Without a hidden layer there are no angles and no feedback to show.
    let hidden = has_hidden_layer(settings);
    let delta = is_delta_view(settings);
    let digits = is_digits(settings);
    // Choosing a synapse puts it in the URL (`inspect`), so a link opens it.
    let on_inspect = {
        let settings = settings.clone();
        props.on_action.reform(move |inspect: Option<Inspect>| {
            Action::Change(Settings {
                inspect,
                ..settings.clone()
            })
        })
    };
    html! {
        <>
            if digits && settings.shows(View::Task) {
                <DigitsPanel shared={props.shared.clone()} settings={settings.clone()}
                    on_files={props.on_files.clone()} on_predict={props.on_predict.clone()} />
            }
            if settings.shows(View::Network) && digits {
                <section class="panel wide digits-section" data-view="network">
                    <h2>{"Network: the forward pass and the error travelling back (784 inputs drawn as the image, the first hidden units of each layer)"}</h2>
                    <div class="runs-row">
                        { for runs.runs.iter().enumerate().map(|(i, run)| html! {
                            <figure class="run-figure" data-rule={run.run.to_string()}>
                                <figcaption>{run.run.label()}{" — "}{run.rule.description()}</figcaption>
                                <DigitsNetwork rule={run.rule} picture={digits_picture(&runs, i).map(Rc::new)} />
                            </figure>
                        }) }
                    </div>
                </section>
            } else if settings.shows(View::Network) && delta {
                // An embed, like presentation mode, keeps the hidden-layer note to its button.
                <DeltaView shared={props.shared.clone()} settings={settings.clone()}
                    on_action={props.on_action.clone()} compact={settings.embed} />
            } else if settings.shows(View::Network) {
                <section class="panel wide" data-view="network">
                    <h2>{"Network: the forward pass (top) and the feedback pathway carrying δ back (bottom, dashed)"}</h2>
                    <div class="runs-row">
                        { for runs.runs.iter().map(|run| html! {
                            <figure class="run-figure" data-rule={run.run.to_string()}>
                                <figcaption>{run.run.label()}{" — "}{run.rule.description()}</figcaption>
                                <ThrottledNetworkView snapshot={run.snapshot.clone()} {feedback_view}
                                    compact={settings.embed} inspect={settings.inspect}
                                    on_inspect={on_inspect.clone()} />
                            </figure>
                        }) }
                    </div>
                    if let Some(inspect) = settings.inspect.filter(|i| {
                        runs.runs.first().is_some_and(|r| i.fits(&r.snapshot.layers))
                    }) {
                        <InspectorPanel {inspect}
                            snapshots={runs.runs.iter().map(|r| r.snapshot.clone()).collect::<Vec<_>>()}
                            activation={settings.experiment_configs().ok().and_then(|c| c.first().map(|c| c.activation)).unwrap_or_default()}
                            on_close={on_inspect.reform(|()| None)} />
                    }
                </section>
            }
            if settings.shows(View::Alignment) && hidden {
                <section class="panel" data-view="alignment">
                    <LineChart title="Update angle ∠(δ_rule, δ_BP)" x_label="step" y_label="degrees"
                        series={Rc::new(runs.layer_series(|l| l.update_angle_deg))}
                        y_range={angle_range} reference={Some(90.0)} testid="chart-update-angle" />
                </section>
                <section class="panel" data-view="alignment">
                    <LineChart title="Weight angle ∠(B, Wᵀ)" x_label="step" y_label="degrees"
                        series={Rc::new(runs.weight_angle_series())}
                        y_range={angle_range} reference={Some(90.0)} testid="chart-weight-angle" />
                </section>
            }
            if settings.shows(View::Curves) {
                <section class="panel" data-view="curves">
                    <LineChart title="Loss (solid: training set, light: held-out)" x_label="step" y_label="loss"
                        series={Rc::new(loss_series(&runs))} log_y={settings.log_loss} testid="chart-loss" />
                    if !settings.embed {
                        <p class="view-note" data-testid="loss-note">{
                            if digits { evaluation_note() } else { loss_note(settings.speed) }
                        }</p>
                    }
                </section>
                if runs.runs.iter().any(|r| r.snapshot.metrics.as_ref().is_some_and(|m| m.test.accuracy.is_some())) {
                    <section class="panel" data-view="curves">
                        <LineChart title="Accuracy on held-out data" x_label="step" y_label="fraction correct"
                            series={Rc::new(runs.series(|m| m.test.accuracy))} y_range={Some((0.0, 1.0))}
                            testid="chart-accuracy" />
                    </section>
                }
            }
            if settings.shows(View::Task) && !digits {
                <TaskView shared={props.shared.clone()} task={settings.task} />
            }
            if settings.shows(View::Feedback) && hidden {
                <section class="panel wide" data-view="feedback">
                    <h2>{"Feedback matrices: Wᵀ, B and B − Wᵀ for each hidden layer"}</h2>
                    <div class="runs-row">
                        { for runs.runs.iter().map(|run| html! {
                            <figure class="run-figure" data-rule={run.run.to_string()}>
                                <figcaption>{run.run.label()}</figcaption>
                                <FeedbackMatrices snapshot={run.snapshot.clone()} />
                            </figure>
                        }) }
                    </div>
                </section>
            }
            if !settings.embed {
                <Explanation {delta} />
            }
        </>
    }
}

/// The network's SVG is the most expensive view to update (about a thousand
/// elements): it follows the frames at most this often, in milliseconds.
pub const NETWORK_REDRAW_INTERVAL_MS: f64 = 150.0;

#[derive(Properties, PartialEq)]
pub struct ThrottledNetworkViewProps {
    pub snapshot: Rc<Snapshot>,
    pub feedback_view: FeedbackView,
    /// Presentation mode's shorter diagram.
    #[prop_or_default]
    pub compact: bool,
    /// Shorter still: bands of at most this height.
    #[prop_or_default]
    pub max_band: Option<f32>,
    #[prop_or_default]
    pub inspect: Option<Inspect>,
    #[prop_or_default]
    pub on_inspect: Option<Callback<Option<Inspect>>>,
}

/// The network view, following the frames at most every
/// [`NETWORK_REDRAW_INTERVAL_MS`], and never in the same frame as another run's
/// diagram (compare mode draws one per run).
#[component]
pub fn ThrottledNetworkView(props: &ThrottledNetworkViewProps) -> Html {
    let snapshot = use_throttled_apart(props.snapshot.clone(), NETWORK_REDRAW_INTERVAL_MS);
    html! {
        <NetworkView {snapshot} feedback_view={props.feedback_view} compact={props.compact}
            max_band={props.max_band} inspect={props.inspect} on_inspect={props.on_inspect.clone()} />
    }
}

/// What a point of the learning curves is, at `speed`.
pub fn loss_note(speed: u32) -> String {
    let every = if speed == SPEED_MAX {
        "every 2ⁿ steps, about one point a frame (n follows the training speed)".to_owned()
    } else {
        match log_interval(speed) {
            1 => "after every step".to_owned(),
            n => format!("every {n} steps"),
        }
    };
    format!("Each point: the loss over the whole training set and the held-out set, {every}.")
}

pub fn loss_series(runs: &Runs) -> Vec<Series> {
    let mut all = runs.series(|m| Some(m.train.loss));
    for (mut test, train) in runs
        .series(|m| Some(m.test.loss))
        .into_iter()
        .zip(&all.clone())
    {
        test.label = format!("{} held-out", train.label).into();
        let RGBColor(r, g, b) = train.colour;
        let soften = |v: u8| v + (255 - v) / 2;
        test.colour = RGBColor(soften(r), soften(g), soften(b));
        all.push(test);
    }
    all
}

#[derive(Properties, PartialEq)]
pub struct TaskViewProps {
    pub shared: Shared,
    pub task: TaskKind,
}

/// What the task's data and the runs' fit look like (or the held-out NSE).
#[component]
pub fn TaskView(props: &TaskViewProps) -> Html {
    let runs = props.shared.runs.borrow();
    match &*runs.data {
        TaskData::Points(points) => {
            let points = Rc::new(
                points
                    .iter()
                    .map(|&(x, y, c)| (x, y, c as usize))
                    .collect::<Vec<_>>(),
            );
            html! {
                <section class="panel wide" data-view="task">
                    <h2>{"Decision boundary (colour: the network's class-1 probability; dots: training data)"}</h2>
                    <div class="runs-row">
                        { for runs.runs.iter().map(|run| match run.picture.as_deref() {
                            Some(Picture::Boundary { resolution, values }) => html! {
                                <figure class="run-figure" data-rule={run.run.to_string()}>
                                    <figcaption>{runs.label(run)}</figcaption>
                                    <DecisionBoundary predictions={Rc::new(values.clone())}
                                        resolution={*resolution} points={points.clone()}
                                        testid={format!("boundary-{}", run.run)} />
                                </figure>
                            },
                            _ => html! {},
                        }) }
                    </div>
                </section>
            }
        }
        TaskData::Samples(samples) => {
            let mut series = vec![Series {
                label: "data".into(),
                colour: RGBColor(170, 170, 170),
                dash: Dash::Solid,
                points: Rc::new({
                    let mut s = samples.clone();
                    s.sort_by(|a, b| a.0.total_cmp(&b.0));
                    s
                }),
            }];
            for run in &runs.runs {
                if let Some(Picture::Curve(curve)) = run.picture.as_deref() {
                    series.push(Series {
                        label: runs.label(run).into(),
                        colour: run_colour(run.run),
                        dash: Dash::Solid,
                        points: Rc::new(curve.clone()),
                    });
                }
            }
            html! {
                <section class="panel" data-view="task">
                    <LineChart title="Fitted curve over the data" x_label="x" y_label="y"
                        series={Rc::new(series)} testid="chart-fit" />
                </section>
            }
        }
        TaskData::None => {
            // The autoencoder is scored by the patterns it reconstructs, not by an NSE.
            let encoder = props.task == TaskKind::Autoencoder;
            let (title, y_label, testid) = if encoder {
                (
                    "autoencoder: held-out patterns reconstructed".to_owned(),
                    "accuracy",
                    "chart-reconstruction",
                )
            } else {
                (
                    format!(
                        "{}: held-out NSE (1 = predicting the mean)",
                        props.task.name()
                    ),
                    "NSE",
                    "chart-nse",
                )
            };
            let series = runs.series(|m| if encoder { m.test.accuracy } else { m.test.nse });
            html! {
                <section class="panel" data-view="task">
                    if encoder {
                        <p class="view-note" data-testid="autoencoder-note">
                            {"No external teacher: the target is the input itself (8 one-hot patterns through 3 hidden units)."}
                        </p>
                    }
                    <LineChart {title} x_label="step" {y_label} series={Rc::new(series)}
                        log_y={!encoder} {testid} />
                </section>
            }
        }
    }
}

/// One rule's entry in the explanation panel, read from its facts
/// ([`bioprop::rule::RuleFacts`]).
#[derive(Clone, Debug, PartialEq)]
pub struct RuleEntry {
    pub rule: RuleKind,
    /// The rule's title and one-line summary.
    pub title: &'static str,
    pub summary: &'static str,
    /// What the feedback pathway carries to a hidden layer.
    pub feedback: String,
    /// Whose update the reads are: a hidden synapse's, or an output synapse's for
    /// the rules whose hidden layers do not learn.
    pub synapse: &'static str,
    /// What that update reads and where from.
    pub reads: Vec<ReadEntry>,
}

/// One quantity an update reads, as the panel shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadEntry {
    pub quantity: &'static str,
    pub origin: &'static str,
    /// Whether the synapse could know it without help from elsewhere.
    pub local: bool,
}

impl RuleEntry {
    pub fn of(rule: RuleKind) -> Self {
        let facts = rule.facts();
        let source = if facts.uses_output_error {
            "the output error e"
        } else {
            "δ of the layer above"
        };
        let feedback = match facts.feedback {
            FeedbackPath::Nothing => "no error reaches a hidden layer".to_string(),
            FeedbackPath::Transpose
            | FeedbackPath::FixedRandom
            | FeedbackPath::Learned
            | FeedbackPath::Sign
            | FeedbackPath::SignRandomMagnitude
            | FeedbackPath::Direct => format!("{source} through {}", facts.feedback.carries()),
        };
        RuleEntry {
            rule,
            title: facts.title,
            summary: facts.summary,
            feedback,
            synapse: if facts.trains_hidden {
                "a hidden synapse"
            } else {
                "an output synapse"
            },
            reads: facts
                .reads
                .iter()
                .map(|r| ReadEntry {
                    quantity: r.quantity,
                    origin: r.origin.describe(),
                    local: r.origin.is_local(),
                })
                .collect(),
        }
    }

    /// The entry as plain text, as the panel reads aloud.
    pub fn text(&self) -> String {
        let reads: Vec<String> = self
            .reads
            .iter()
            .map(|r| {
                let mark = if r.local { "" } else { ", not local" };
                format!("{} ({}{mark})", r.quantity, r.origin)
            })
            .collect();
        format!(
            "{} — {}. Feedback: {}. The update of {} reads {}.",
            self.title,
            self.summary,
            self.feedback,
            self.synapse,
            reads.join(", ")
        )
    }
}

fn rule_entry(entry: RuleEntry) -> Html {
    let name = entry.rule.name();
    let colour = rule_colour(entry.rule);
    let style = format!(
        "border-left-color: rgb({}, {}, {})",
        colour.0, colour.1, colour.2
    );
    let last = entry.reads.len().saturating_sub(1);
    html! {
        <li data-rule={name} data-css={style}>
            <b>{name}</b>{" — "}{entry.title}{": "}{entry.summary}{". "}
            {"Feedback: "}{entry.feedback.clone()}{". The update of "}{entry.synapse}{" reads "}
            { for entry.reads.iter().enumerate().map(|(i, r)| html! {
                <>
                    <span class={classes!("read", (!r.local).then_some("non-local"))}
                        title={if r.local { "local to the synapse" } else { "not local: it must come from elsewhere" }}>
                        <code>{r.quantity}</code>{" ("}{r.origin}
                        if !r.local { <b>{", not local"}</b> }
                        {")"}
                    </span>
                    {if i < last { ", " } else { "." }}
                </>
            }) }
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct ExplanationProps {
    /// The delta rule's view is shown: its entry leads.
    delta: bool,
}

#[component]
fn Explanation(props: &ExplanationProps) -> Html {
    html! {
        <section class="panel wide explanation" data-view="explanation">
            <h2>{"What you are seeing"}</h2>
            if props.delta {
                <DeltaExplanation />
            }
            <p>{"Every rule shares the forward pass z = W a + b, a = f(z) and the output error e = a − y. \
                They differ only in how a hidden layer gets its error signal δ, after which every rule \
                changes the weights by gradient descent, ΔW = −η δ aᵀ (the minus sign is descent; \
                lecture slides often leave it out). Quantities marked \"not local\" are ones a synapse \
                could not know by itself: the weights of other synapses (the weight transport problem) \
                or an error delivered by a feedback pathway."}</p>
            <ul>
                { for RuleKind::ALL.into_iter().map(|rule| rule_entry(RuleEntry::of(rule))) }
            </ul>
            <p>{"Under feedback alignment the forward weights learn to agree with B: watch ∠(B, Wᵀ) and the \
                update angle fall below 90°. For backprop the weight angle is measured for a B that was drawn \
                but never used: it stays near 90°, the control showing that alignment under feedback alignment \
                is learned. \"Without f′\" replaces the derivative of the activation by 1 in the hidden error \
                signal."}</p>
        </section>
    }
}

/// What run `i`'s digits diagram shows: the digit on the pad with the run's answer to
/// it, or else the snapshot's probe digit.
pub fn digits_picture(runs: &Runs, i: usize) -> Option<DigitsPicture> {
    let run = runs.runs.get(i)?;
    let answer = runs.digits.predictions.as_ref().and_then(|p| p.get(i));
    match (runs.digits.drawn.as_deref(), answer) {
        (Some(drawn), Some(answer)) => {
            Some(DigitsPicture::of_drawing(drawn, answer, &run.snapshot))
        }
        _ => DigitsPicture::of_probe(&run.snapshot),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loss_note_says_how_often_the_whole_sets_are_evaluated() {
        assert_eq!(
            loss_note(1),
            "Each point: the loss over the whole training set and the held-out set, after every step."
        );
        assert!(
            loss_note(2000).ends_with("every 1000 steps."),
            "{}",
            loss_note(2000)
        );
        assert!(loss_note(SPEED_MAX).contains("about one point a frame"));
    }
}
