//! The tour's components: the step's text with its prediction, the live demonstration's
//! frame, the locality inspector, the concept check, the list of steps and the
//! previous/next bar. Each draws what the page hands it and reports choices through
//! its callbacks; the page keeps the state.

use yew::prelude::*;

use super::locality::{self, Inspected, ReadsTable};
use super::model::{demo_src, Answer, Prediction};
use super::steps::{Question, Step, STEPS};

#[derive(Properties, PartialEq)]
pub struct StepTextProps {
    pub step: &'static Step,
}

/// The step's title, text and equation. The prediction, and then what happens and why,
/// stand beside the demonstration ([`DemoFrame`]): the text keeps to its column at
/// 1280×720 whatever the explanation's length.
#[component]
pub fn StepText(props: &StepTextProps) -> Html {
    let step = props.step;
    let point = step.point.map(|p| {
        html! {
            <p class="tour-point" data-testid="tour-point">
                {format!("Problem {} of 6: {}", p as u8, p.name())}
            </p>
        }
    });
    html! {
        // Focusable: on a small screen it scrolls, and the keyboard must reach it.
        <article class="tour-text" aria-labelledby="tour-title" tabindex="0">
            {point}
            <h2 id="tour-title" data-testid="tour-title">{step.title}</h2>
            { for step.text.iter().map(|paragraph| html! { <p>{*paragraph}</p> }) }
            if let Some(equation) = step.equation {
                <p class="tour-equation" data-testid="tour-equation">{equation}</p>
            }
        </article>
    }
}

#[derive(Properties, PartialEq)]
struct PredictProps {
    question: Question,
    prediction: Option<Prediction>,
    on_predict: Callback<Prediction>,
}

/// The question and its choices; once chosen (or skipped), in their place which was
/// right (the verdict names both answers, so the question gives way to it) and, a
/// click away, why.
#[component]
fn Predict(props: &PredictProps) -> Html {
    let question = &props.question;
    let right = question.choices[question.answer];
    let body = match props.prediction {
        None => html! {
            <div class="tour-choices" role="group" aria-label="Your prediction">
                { for question.choices.iter().enumerate().map(|(index, choice)| html! {
                    <button data-testid="predict-choice" data-index={index.to_string()}
                        onclick={props.on_predict.reform(move |_| Prediction::Chose(index))}>
                        {*choice}
                    </button>
                }) }
                <button class="skip" data-testid="predict-skip"
                    onclick={props.on_predict.reform(|_| Prediction::Skipped)}>{"Skip"}</button>
            </div>
        },
        Some(prediction) => {
            let verdict = match prediction {
                Prediction::Chose(c) if c == question.answer => {
                    format!("You predicted “{right}”: right.")
                }
                Prediction::Chose(c) => format!(
                    "You predicted “{}”; what happens: “{right}”.",
                    question.choices[c]
                ),
                Prediction::Skipped => format!("What happens: “{right}”."),
            };
            let class = match prediction.right(question) {
                Some(true) => "right",
                Some(false) => "wrong",
                None => "skipped",
            };
            html! {
                <div class={classes!("tour-outcome", class)} data-testid="predict-verdict"
                    data-right={class}>
                    <p class="tour-verdict">{verdict}</p>
                    // Observe first, then ask why: folded, so the frame keeps its room.
                    <details class="tour-why" data-testid="predict-why">
                        <summary>{"Why?"}</summary>
                        <p class="tour-explanation">{question.explanation}</p>
                    </details>
                </div>
            }
        }
    };
    html! {
        <section class="tour-predict" data-testid="tour-predict" aria-label="Predict, then observe">
            if props.prediction.is_none() {
                <p class="tour-ask"><b>{"Predict: "}</b>{question.ask}</p>
            }
            {body}
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct DemoFrameProps {
    pub step: &'static Step,
    /// Whether the demonstration runs (autoplay); paused until a prediction is made.
    pub run: bool,
    pub prediction: Option<Prediction>,
    pub on_predict: Callback<Prediction>,
}

/// The live demonstration: the step's "predict, then observe" question above it (then
/// its outcome), what to look at, and the app itself in a frame, embedded, with the
/// step's settings.
#[component]
pub fn DemoFrame(props: &DemoFrameProps) -> Html {
    let Some(demo) = &props.step.demo else {
        return Html::default();
    };
    let src = demo_src(demo, props.run);
    let title = format!("Live demonstration: {}", props.step.title);
    html! {
        <figure class="tour-demo" data-testid="tour-demo">
            if let Some(question) = &props.step.predict {
                <Predict question={*question} prediction={props.prediction}
                    on_predict={props.on_predict.clone()} />
            }
            <figcaption class="tour-look" data-testid="tour-look">
                <b>{"Look at: "}</b>{demo.look_at}
                if !props.run {
                    <span class="tour-waiting">{" — it starts once you have predicted."}</span>
                }
            </figcaption>
            <iframe key={src.clone()} {src} {title} data-testid="tour-frame"
                data-running={props.run.to_string()}></iframe>
        </figure>
    }
}

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    /// The network rules to list, by name.
    pub rules: &'static [&'static str],
}

/// What a hidden synapse's update reads under each rule and where each quantity comes
/// from, and the same for the microcircuit's four plasticity rules: all from core's
/// declarations ([`locality`]).
#[component]
pub fn LocalityInspector(props: &InspectorProps) -> Html {
    let rules: Vec<Inspected> = props
        .rules
        .iter()
        .filter_map(|name| locality::of_rule(name))
        .collect();
    let circuit = locality::microcircuit();
    html! {
        <section class="tour-side tour-inspector" data-testid="locality-inspector"
            aria-labelledby="inspector-title" tabindex="0">
            <h3 id="inspector-title">{"What a hidden synapse's update reads"}</h3>
            <ReadsTable entries={rules} caption="Learning rules of the networks: the hidden synapse W_k[i, j]" />
            <ReadsTable entries={circuit}
                caption="The dendritic microcircuit's four plasticity rules (Sacramento et al. 2018)" />
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ConceptCheckProps {
    pub step: &'static Step,
    /// Per question, the answer given.
    pub answers: Vec<Option<Answer>>,
    /// Question and choice indices.
    pub on_answer: Callback<(usize, usize)>,
}

/// The concept check: its questions with their choices, feedback per answer and a score.
#[component]
pub fn ConceptCheck(props: &ConceptCheckProps) -> Html {
    let quiz = props.step.quiz;
    let given: Vec<Answer> = props.answers.iter().flatten().copied().collect();
    let right = given.iter().filter(|a| a.correct).count();
    let score = if given.is_empty() {
        format!("{} questions: choose an answer for each.", quiz.len())
    } else {
        format!(
            "Score: {right} of {} right ({} of {} answered)",
            given.len(),
            given.len(),
            quiz.len()
        )
    };
    let question = |(q, asked): (usize, &'static Question)| {
        let answer = props.answers.get(q).copied().flatten();
        let choices = asked.choices.iter().enumerate().map(|(c, choice)| {
            let class = answer.map(|a| {
                if c == asked.answer {
                    "right"
                } else if c == a.choice {
                    "wrong"
                } else {
                    "other"
                }
            });
            html! {
                <button class={classes!(class)} data-testid="quiz-choice" data-index={c.to_string()}
                    disabled={answer.is_some()} aria-pressed={answer.map(|a| (a.choice == c).to_string())}
                    onclick={props.on_answer.reform(move |_| (q, c))}>
                    {*choice}
                </button>
            }
        });
        let feedback = answer.map(|a| {
            let verdict = if a.correct {
                "Right. ".to_string()
            } else {
                format!("Not quite: “{}”. ", asked.choices[asked.answer])
            };
            html! {
                <p class={classes!("tour-feedback", if a.correct { "right" } else { "wrong" })}
                    data-testid="quiz-feedback">
                    <b>{verdict}</b>{asked.explanation}
                </p>
            }
        });
        html! {
            <li data-testid="quiz-question" data-index={q.to_string()}>
                <p class="tour-ask">{asked.ask}</p>
                <div class="tour-choices" role="group" aria-label={asked.ask}>{ for choices }</div>
                {feedback}
            </li>
        }
    };
    html! {
        <section class="tour-side tour-quiz" data-testid="tour-quiz" aria-labelledby="quiz-title"
            tabindex="0">
            <h3 id="quiz-title">{"Questions"}</h3>
            <p class="tour-score" data-testid="quiz-score" aria-live="polite">{score}</p>
            <ol>{ for quiz.iter().enumerate().map(question) }</ol>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct StepListProps {
    pub current: usize,
    pub on_go: Callback<usize>,
}

/// Every step as a numbered button, the current one marked: the tour's progress.
#[component]
pub fn StepList(props: &StepListProps) -> Html {
    let item = |(index, step): (usize, &'static Step)| {
        let current = index == props.current;
        let class = classes!(
            current.then_some("current"),
            (index < props.current).then_some("done")
        );
        html! {
            <li>
                <button {class} data-testid="tour-go" data-step={step.id}
                    aria-current={current.then_some("step")}
                    aria-label={format!("Step {}: {}", index + 1, step.title)}
                    title={step.title}
                    onclick={props.on_go.reform(move |_| index)}>
                    {index + 1}
                </button>
            </li>
        }
    };
    html! {
        <nav class="tour-steps" aria-label="Steps of the lecture">
            <ol>{ for STEPS.iter().enumerate().map(item) }</ol>
        </nav>
    }
}

#[derive(Properties, PartialEq)]
pub struct TourBarProps {
    /// "3 / 17".
    pub position: String,
    pub first: bool,
    pub last: bool,
    pub on_previous: Callback<()>,
    pub on_next: Callback<()>,
}

/// Previous, the step's number and next.
#[component]
pub fn TourBar(props: &TourBarProps) -> Html {
    html! {
        <div class="tour-bar">
            <button data-testid="tour-prev" disabled={props.first}
                title="Previous step (← or PageUp)"
                onclick={props.on_previous.reform(|_| ())}>{"← Previous"}</button>
            <span class="tour-position" data-testid="tour-step" aria-live="polite"
                aria-label={format!("Step {}", props.position)}>{props.position.clone()}</span>
            <button class="primary" data-testid="tour-next" disabled={props.last}
                title="Next step (→, PageDown or space)"
                onclick={props.on_next.reform(|_| ())}>{"Next →"}</button>
        </div>
    }
}
