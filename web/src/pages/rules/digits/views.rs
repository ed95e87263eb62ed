//! The digit views: the data's status and file picker, test accuracy, the drawing pad
//! with every run's answer, the first layer's receptive fields, the confusion matrices
//! and the misclassified held-out digits. They read the shared runs by reference.

use std::rc::Rc;

use bioprop::task::drawing;
use bioprop::task::mnist::{PIXELS, SIDE};
use web_sys::File;
use yew::prelude::*;

use super::{output_statement, square, thousands, PredictRequest, Status};
use crate::pages::rules::runs::{rule_colour, Run, Runs};
use crate::pages::rules::settings::Settings;
use crate::pages::rules::views::Shared;
use crate::pages::rules::worker::{
    DigitPrediction, Misclassified, DIGITS_EVAL_TEST, DIGITS_EVAL_TRAIN,
};
use crate::widgets::confusion::ConfusionMatrix;
use crate::widgets::draw_pad::{DrawPad, PAD_PX};
use crate::widgets::fetch::{megabytes, DIGITS_FILE};
use crate::widgets::field::take_chosen_files;
use crate::widgets::heatmap::{max_abs, ColourLegend};
use crate::widgets::image_grid::{ImageGrid, ImageScale};

/// Receptive fields per row of a run's grid.
pub const FIELD_COLUMNS: usize = 6;

#[derive(Properties, PartialEq)]
pub struct DigitsPanelProps {
    pub shared: Shared,
    pub settings: Settings,
    /// Files the user chose to train on.
    pub on_files: Callback<Vec<File>>,
    pub on_predict: Callback<PredictRequest>,
}

/// Every digit view, each in its own panel.
#[component]
pub fn DigitsPanel(props: &DigitsPanelProps) -> Html {
    // A held-out digit put on the pad (its pixels in [0, 1]).
    let shown = use_state_eq(|| None::<Rc<Vec<f32>>>);
    let runs = props.shared.runs.borrow();
    let record = &runs.digits;
    let on_show = {
        let (shown, on_predict, runs) = (
            shown.clone(),
            props.on_predict.clone(),
            props.shared.runs.clone(),
        );
        Callback::from(move |pixels: Rc<Vec<f32>>| {
            shown.set(Some(pixels.clone()));
            let label = runs.borrow().digits.label;
            on_predict.emit(PredictRequest {
                pixels: Some(pixels),
                label,
            });
        })
    };
    let on_draw = {
        let (on_predict, runs) = (props.on_predict.clone(), props.shared.runs.clone());
        Callback::from(move |ink: Option<Rc<Vec<f32>>>| {
            let pixels = ink
                .and_then(|ink| drawing::preprocess(&ink, PAD_PX, PAD_PX))
                .map(Rc::new);
            let label = runs.borrow().digits.label;
            on_predict.emit(PredictRequest { pixels, label });
        })
    };
    let on_label = {
        let (on_predict, runs) = (props.on_predict.clone(), props.shared.runs.clone());
        Callback::from(move |label: Option<u8>| {
            let pixels = runs.borrow().digits.drawn.clone();
            on_predict.emit(PredictRequest { pixels, label });
        })
    };
    let loaded = record.loaded.is_some() && !runs.runs.is_empty();
    html! {
        <>
            <section class="panel wide digits-section digits-data" data-view="task" aria-labelledby="digits-title">
                <h2 id="digits-title">{"Handwritten digits (MNIST)"}</h2>
                <DataStatus status={record.status.clone()} on_files={props.on_files.clone()} />
                <p class="view-note" data-testid="digits-output">{output_statement(&props.settings)}</p>
                <p class="view-note" data-testid="digits-evaluation">{evaluation_note()}</p>
                if loaded {
                    <TestAccuracy shared={props.shared.clone()} />
                }
            </section>
            if loaded {
                <ReceptiveFieldsPanel shared={props.shared.clone()} />
                <section class="panel wide digits-section digits-draw" data-view="task" aria-labelledby="digits-draw-title">
                    <h2 id="digits-draw-title">{"Draw a digit"}</h2>
                    <p class="view-note">{"Draw with the mouse, a finger or a pen: it is scaled into a 20×20 box and centred by its mass in 28×28, as MNIST's digits were. \
                        Choose its true label to see the output error and the error signals each rule sends back. \
                        Or put a misclassified held-out digit (below) on the pad."}</p>
                    <div class="digits-draw-row">
                        <div class="digits-pad-column">
                            <DrawPad on_change={on_draw} shown={(*shown).clone()}
                                label="Drawing pad: draw a digit with the mouse, a finger or a pen"
                                testid="digit-pad" />
                            if let Some(drawn) = record.drawn.clone() {
                                <figure class="digits-seen">
                                    <ImageGrid images={drawn} count={1} side={SIDE} columns={1}
                                        scale={ImageScale::Ink} tile_px={56.0}
                                        label="What the networks see: the drawing preprocessed to 28×28"
                                        testid="digit-preprocessed" />
                                    <figcaption>{"as the networks see it"}</figcaption>
                                </figure>
                            }
                        </div>
                        <div class="digits-answers">
                            <LabelChooser label={record.label} on_label={on_label} />
                            <div class="runs-row">
                                { for runs.runs.iter().enumerate().map(|(i, run)| html! {
                                    <Answer rule={run.rule} name={runs.label(run)}
                                        prediction={record.predictions.as_ref().and_then(|p| p.get(i).cloned())}
                                        label={record.label} drawn={record.drawn.is_some()} />
                                }) }
                            </div>
                        </div>
                    </div>
                </section>
                <section class="panel wide digits-section" data-view="task" aria-labelledby="digits-confusion-title">
                    <h2 id="digits-confusion-title">{"Confusion matrices on the held-out digits"}</h2>
                    <div class="runs-row">
                        { for runs.runs.iter().map(|run| confusion(&runs, run)) }
                    </div>
                </section>
                <section class="panel wide digits-section" data-view="task" aria-labelledby="digits-wrong-title">
                    <h2 id="digits-wrong-title">{"Held-out digits each run gets wrong"}</h2>
                    <div class="runs-row">
                        { for runs.runs.iter().map(|run| html! {
                            <MisclassifiedStrip name={runs.label(run)} rule={run.rule.name()}
                                digits={run.digits.as_ref().map(|d| Rc::new(d.misclassified.clone()))}
                                on_show={on_show.clone()} />
                        }) }
                    </div>
                </section>
            }
        </>
    }
}

/// How the digit views' numbers are measured.
pub fn evaluation_note() -> String {
    format!(
        "Test accuracy and the loss curves: each point measures the first {} training and the \
         first {} held-out images (held-out: never trained on). The confusion matrices and \
         misclassified digits cover the whole held-out set, refreshed as the runs train \
         (every few seconds at the speed max).",
        thousands(DIGITS_EVAL_TRAIN),
        thousands(DIGITS_EVAL_TEST)
    )
}

#[derive(Properties, PartialEq)]
struct DataStatusProps {
    status: Status,
    on_files: Callback<Vec<File>>,
}

/// Where the digits stand, with the picker for the full set.
#[component]
fn DataStatus(props: &DataStatusProps) -> Html {
    let onchange = {
        let on_files = props.on_files.clone();
        Callback::from(move |event: Event| {
            if let Some(files) = take_chosen_files(&event) {
                on_files.emit(files);
            }
        })
    };
    let status = match &props.status {
        Status::Idle => html! { <span>{"No digits loaded yet."}</span> },
        Status::Downloading { received, total } => {
            let text = match total {
                Some(total) => format!(
                    "Loading the digits ({DIGITS_FILE}): {} of {}",
                    megabytes(*received),
                    megabytes(*total)
                ),
                None => format!(
                    "Loading the digits ({DIGITS_FILE}): {}",
                    megabytes(*received)
                ),
            };
            html! {
                <span data-testid="digits-progress" data-received={received.to_string()}
                    data-total={total.map(|t| t.to_string()).unwrap_or_default()}>
                    <progress max={total.unwrap_or(0.0).max(*received).max(1.0).to_string()}
                        value={received.to_string()} aria-label="Digits downloaded" />
                    {" "}{text}
                </span>
            }
        }
        Status::Reading => {
            html! { <span data-testid="digits-progress">{"Reading the chosen files…"}</span> }
        }
        Status::Checking { source } => html! {
            <span data-testid="digits-progress">{format!("Checking {source}…")}</span>
        },
        Status::Loaded(loaded) => html! {
            <span data-testid="digits-loaded" data-train={loaded.train.to_string()} data-test={loaded.test.to_string()}>
                {format!("{} training and {} held-out images, from {}.",
                    thousands(loaded.train), thousands(loaded.test), loaded.source)}
            </span>
        },
    };
    html! {
        <div class="digits-status" role="status">
            {status}
            <label class="digits-picker">
                {"Train on all 60,000: choose the four MNIST IDX files (or their .gz) "}
                <input type="file" multiple=true data-testid="digits-files"
                    accept=".gz,.idx1-ubyte,.idx3-ubyte,application/gzip,application/octet-stream"
                    {onchange} />
            </label>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct TestAccuracyProps {
    shared: Shared,
}

/// Each run's held-out accuracy, large enough for the back of a lecture hall.
#[component]
fn TestAccuracy(props: &TestAccuracyProps) -> Html {
    let runs = props.shared.runs.borrow();
    html! {
        <div class="digits-accuracy" aria-label="Test accuracy per run">
            { for runs.runs.iter().map(|run| {
                let accuracy = run.snapshot.metrics.as_ref().and_then(|m| m.test.accuracy);
                let [r, g, b] = run.rule.facts().colour;
                html! {
                    <span class="digits-accuracy-run" data-css={format!("border-color: rgb({r}, {g}, {b})")}>
                        {runs.label(run)}{" test accuracy "}
                        <b data-testid="metric-test-accuracy" data-rule={run.rule.name()}>
                            {accuracy.map_or("–".to_owned(), |a| format!("{:.1} %", a * 100.0))}
                        </b>
                    </span>
                }
            }) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct LabelChooserProps {
    label: Option<u8>,
    on_label: Callback<Option<u8>>,
}

/// Ten buttons for the true label of the drawing, and one to forget it.
#[component]
fn LabelChooser(props: &LabelChooserProps) -> Html {
    let button = |label: Option<u8>, text: String, title: String| {
        let on_label = props.on_label.clone();
        let pressed = props.label == label;
        html! {
            <button type="button" aria-pressed={pressed.to_string()} {title}
                class={classes!("digit-label", pressed.then_some("chosen"))}
                data-testid={format!("digit-label-{}", label.map_or("none".to_owned(), |l| l.to_string()))}
                onclick={Callback::from(move |_| on_label.emit(label))}>{text}</button>
        }
    };
    html! {
        <div class="digit-labels" data-testid="digit-labels" role="group" aria-label="The drawing's true label">
            <span class="digit-labels-title">{"True label:"}</span>
            { for (0..10u8).map(|d| button(Some(d), d.to_string(), format!("The drawing is a {d}"))) }
            { button(None, "none".into(), "No label: show only the answers".into()) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct AnswerProps {
    rule: bioprop::RuleKind,
    name: String,
    prediction: Option<DigitPrediction>,
    label: Option<u8>,
    drawn: bool,
}

/// One run's class probabilities for the drawing, and with a label the error it
/// sends back.
#[component]
fn Answer(props: &AnswerProps) -> Html {
    let colour = rule_colour(props.rule);
    let style = format!(
        "border-top-color: rgb({}, {}, {})",
        colour.0, colour.1, colour.2
    );
    let Some(prediction) = &props.prediction else {
        return html! {
            <figure class="digit-answer" data-rule={props.rule.name()} data-css={style}>
                <figcaption>{props.name.clone()}</figcaption>
                <p class="view-note" data-testid="digit-probabilities" data-rule={props.rule.name()}>
                    {if props.drawn { "Asking…" } else { "Draw a digit to see its answer." }}
                </p>
            </figure>
        };
    };
    let probabilities = &prediction.probabilities;
    let best = (0..probabilities.len())
        .max_by(|&a, &b| probabilities[a].total_cmp(&probabilities[b]))
        .unwrap_or(0);
    html! {
        <figure class="digit-answer" data-rule={props.rule.name()} data-css={style}>
            <figcaption>{props.name.clone()}{format!(": a {best}?")}</figcaption>
            <ol class="digit-probabilities" data-testid="digit-probabilities" data-rule={props.rule.name()}
                data-best={best.to_string()} aria-label={format!("{}: class probabilities", props.name)}>
                { for probabilities.iter().enumerate().map(|(d, &p)| html! {
                    <li class={classes!((d == best).then_some("best"))} data-class={d.to_string()}
                        data-probability={format!("{p:.4}")}>
                        <span class="digit-probability-class">{d}</span>
                        <span class="digit-probability-bar"><span data-css={format!(
                            "width: {:.1}%; background: rgb({}, {}, {})", p.clamp(0.0, 1.0) * 100.0, colour.0, colour.1, colour.2)} /></span>
                        <span class="digit-probability-value">{format!("{:.0} %", p * 100.0)}</span>
                    </li>
                }) }
            </ol>
            if let (Some(label), Some(deltas)) = (props.label, prediction.deltas.as_ref()) {
                <ErrorSignals {label} deltas={Rc::new(deltas.clone())} rule={props.rule} />
            }
        </figure>
    }
}

#[derive(Properties, PartialEq)]
struct ErrorSignalsProps {
    label: u8,
    /// `δ` of every layer after the input, the output's last.
    deltas: Rc<Vec<Vec<f32>>>,
    rule: bioprop::RuleKind,
}

/// The output error for the chosen label and the error signal each hidden layer gets.
#[component]
fn ErrorSignals(props: &ErrorSignalsProps) -> Html {
    let Some((output, hidden)) = props.deltas.split_last() else {
        return html! {};
    };
    let scale = max_abs(output).max(hidden.iter().map(|d| max_abs(d)).fold(0.0, f32::max));
    let carries = props.rule.facts().feedback.carries();
    html! {
        <div class="digit-errors" data-testid="digit-errors" data-rule={props.rule.name()}>
            <p class="digit-errors-title">{format!("Told it is a {}: δ at the output", props.label)}</p>
            <ol class="digit-output-error">
                { for output.iter().enumerate().map(|(d, &e)| html! {
                    <li data-class={d.to_string()} data-delta={format!("{e:.4}")}
                        title={format!("δ of output {d}: {e:+.3}")} data-css={cell_style(e, scale)}>
                        {d}
                    </li>
                }) }
            </ol>
            { for hidden.iter().enumerate().rev().map(|(k, delta)| {
                let (side, cells) = square(delta);
                html! {
                    <figure class="digit-hidden-error">
                        <ImageGrid images={Rc::new(cells)} count={1} {side} columns={1}
                            scale={ImageScale::Diverging(scale)} tile_px={72.0}
                            label={format!("δ of hidden layer {}, {} units", k + 1, delta.len())} />
                        <figcaption>{format!("δ of hidden layer {} ({} units), sent back through {carries}", k + 1, delta.len())}</figcaption>
                    </figure>
                }
            }) }
            <ColourLegend {scale} label="δ" />
        </div>
    }
}

/// A cell on the diverging scale with text readable on it.
pub fn cell_style(value: f32, scale: f32) -> String {
    let fill = crate::widgets::colour::diverging(value, scale);
    format!(
        "background: {}; color: {}",
        crate::widgets::colour::hex(fill),
        crate::widgets::confusion::text_on(fill)
    )
}

#[derive(Properties, PartialEq)]
pub struct ReceptiveFieldsPanelProps {
    pub shared: Shared,
}

/// Every run's first-layer receptive fields, side by side.
#[component]
pub fn ReceptiveFieldsPanel(props: &ReceptiveFieldsPanelProps) -> Html {
    let runs = props.shared.runs.borrow();
    html! {
        <section class="panel wide digits-section" data-view="task" aria-labelledby="digits-fields-title">
            <h2 id="digits-fields-title">{"Receptive fields: each hidden unit's weights from the 784 pixels, as a 28×28 image"}</h2>
            <p class="view-note">{"Red: a pixel's ink excites the unit; blue: it inhibits it. Each run on its own scale (its legend). \
                The same units of every run start from the same weights."}</p>
            <div class="runs-row">
                { for runs.runs.iter().map(|run| html! {
                    <ReceptiveFields name={runs.label(run)} rule={run.rule.name()}
                        accuracy={run.snapshot.metrics.as_ref().and_then(|m| m.test.accuracy)}
                        fields={run.digits.as_ref().and_then(|d| d.fields.clone()).map(Rc::new)} />
                }) }
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ReceptiveFieldsProps {
    /// The run's name in legends.
    pub name: String,
    pub rule: AttrValue,
    /// The run's held-out accuracy, named beside its fields.
    #[prop_or_default]
    pub accuracy: Option<f32>,
    pub fields: Option<Rc<crate::pages::rules::worker::ReceptiveFields>>,
}

/// One run's receptive fields as a grid of 28×28 images on a diverging scale.
#[component]
pub fn ReceptiveFields(props: &ReceptiveFieldsProps) -> Html {
    let Some(fields) = props
        .fields
        .as_ref()
        .filter(|f| f.weights.len() == f.units.len() * PIXELS)
    else {
        return html! {
            <figure class="run-figure receptive-fields" data-testid="receptive-fields" data-rule={props.rule.clone()} data-count="0">
                <figcaption>{props.name.clone()}</figcaption>
                <p class="view-note">{"Waiting for the first frame…"}</p>
            </figure>
        };
    };
    let count = fields.units.len();
    let scale = max_abs(&fields.weights);
    let first = fields.units.first().map_or(0, |u| u + 1);
    let last = fields.units.last().map_or(0, |u| u + 1);
    html! {
        <figure class="run-figure receptive-fields" data-testid="receptive-fields" data-rule={props.rule.clone()}
            data-count={count.to_string()}>
            <figcaption>
                <b class="receptive-fields-rule">{props.name.clone()}</b>
                if let Some(accuracy) = props.accuracy {
                    {format!(" — test accuracy {:.1} %", accuracy * 100.0)}
                }
                {format!(" — hidden units {first}–{last}")}
            </figcaption>
            <ImageGrid images={Rc::new(fields.weights.clone())} {count} side={SIDE} columns={FIELD_COLUMNS}
                scale={ImageScale::Diverging(scale)} tile_px={72.0}
                label={format!("{}: receptive fields of {count} hidden units", props.name)} />
            <ColourLegend {scale} label="weight" />
        </figure>
    }
}

fn confusion(runs: &Runs, run: &Run) -> Html {
    let name = runs.label(run);
    let (counts, evaluated) = run
        .digits
        .as_ref()
        .map(|d| (Rc::new(d.confusion.clone()), d.evaluated))
        .unwrap_or_default();
    html! {
        <figure class="run-figure confusion-figure">
            <ConfusionMatrix {counts} classes={10} rule={run.rule.name()} testid="confusion-matrix"
                caption={format!("{name}: {} held-out digits, rows the true digit, columns the answer", thousands(evaluated))} />
        </figure>
    }
}

#[derive(Properties, PartialEq)]
pub struct MisclassifiedStripProps {
    pub name: String,
    pub rule: AttrValue,
    pub digits: Option<Rc<Vec<Misclassified>>>,
    /// A digit chosen to go on the pad (pixels in [0, 1]).
    pub on_show: Callback<Rc<Vec<f32>>>,
}

/// A run's misclassified held-out digits, each a button that puts it on the pad.
#[component]
pub fn MisclassifiedStrip(props: &MisclassifiedStripProps) -> Html {
    let digits = props.digits.as_deref().map_or(&[][..], |d| &d[..]);
    html! {
        <figure class="run-figure misclassified" data-testid="misclassified" data-rule={props.rule.clone()}>
            <figcaption>{props.name.clone()}</figcaption>
            if digits.is_empty() {
                <p class="view-note">{"None to show yet."}</p>
            }
            <ul class="misclassified-strip">
                { for digits.iter().map(|m| {
                    let pixels: Rc<Vec<f32>> = Rc::new(m.pixels.iter().map(|&p| f32::from(p) / 255.0).collect());
                    let on_show = props.on_show.clone();
                    let shown = pixels.clone();
                    html! {
                        <li>
                            <button type="button" class="misclassified-digit"
                                title={format!("Held-out digit {}: a {}, answered {}. Put it on the pad.", m.index, m.truth, m.predicted)}
                                onclick={Callback::from(move |_| on_show.emit(shown.clone()))}>
                                <ImageGrid images={pixels} count={1} side={SIDE} columns={1} scale={ImageScale::Ink}
                                    tile_px={48.0} label={format!("held-out digit {}", m.index)} />
                                <span>{format!("{} → {}", m.truth, m.predicted)}</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
            if !digits.is_empty() {
                <p class="view-note">{"true → answered; press one to put it on the pad"}</p>
            }
        </figure>
    }
}
