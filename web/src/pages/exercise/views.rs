//! The exercise's question side: the question in words, the answer form and its
//! verdict, the hint ladder, the solution factor by factor, and the score.

use std::rc::Rc;

use bioprop::exercise::{tolerance, QuestionKind};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::controls::Action;
use super::model::{asked, formula, significant, step_factor, Score, Session, Shown, LAST_HINT};

/// The rule the answer is checked by, in words (core's `tolerance`).
pub const TOLERANCE_RULE: &str =
    "Checked against the exact value: within 2 % of it, and never stricter than ±0.001.";

#[derive(Properties, PartialEq)]
pub struct QuestionPanelProps {
    pub session: Rc<Session>,
    pub on_action: Callback<Action>,
    /// Changes with the problem, so the answer field is emptied for a new one.
    pub problem_key: (u64, bool),
}

#[component]
pub fn QuestionPanel(props: &QuestionPanelProps) -> Html {
    let session = &*props.session;
    let problem = &session.problem;
    let field = use_node_ref();
    {
        let field = field.clone();
        use_effect_with(props.problem_key, move |_| {
            if let Some(input) = field.cast::<HtmlInputElement>() {
                input.set_value("");
            }
        });
    }
    let onsubmit = {
        let field = field.clone();
        props.on_action.reform(move |event: SubmitEvent| {
            event.prevent_default();
            let text = field
                .cast::<HtmlInputElement>()
                .map(|input| input.value())
                .unwrap_or_default();
            Action::Check(text)
        })
    };
    let (n_u, n_h, n_v) = problem.shape();
    let fa = problem.kind == QuestionKind::FaUpdate;
    let lhs = asked(problem);
    html! {
        <section class="panel ex-question" aria-labelledby="ex-question-title">
            <h2 id="ex-question-title">{format!("Problem {}", problem.seed)}</h2>
            <p class="ex-ask" data-testid="exercise-question">{problem.question()}</p>
            <p class="ex-setting">
                {format!("A {n_u}-{n_h}-{n_v} network without biases; E = ½ Σᵢ (vᵢ − targetᵢ)². ")}
                if fa {
                    {"Feedback alignment sends the output error back through B, not W²ᵀ; the update \
                      carries descent's −η."}
                } else {
                    {"The gradient itself, not the update −η ∂E/∂w."}
                }
            </p>
            <form class="ex-answer" {onsubmit}>
                <label for="ex-answer-field">{format!("{lhs} =")}</label>
                <input id="ex-answer-field" ref={field} type="text" inputmode="decimal" autocomplete="off"
                    spellcheck="false" data-testid="exercise-answer" placeholder="e.g. −0.042" />
                <button type="submit" class="primary" data-testid="exercise-check">{"Check"}</button>
            </form>
            <p class="ex-rule">{TOLERANCE_RULE}</p>
            <Verdict shown={session.attempt.verdict.clone()} lhs={lhs.clone()} />
            <ScoreLine score={session.score} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct VerdictProps {
    shown: Option<Shown>,
    lhs: String,
}

/// The verdict on the last answer, announced to screen readers.
#[component]
fn Verdict(props: &VerdictProps) -> Html {
    let (class, text) = match &props.shown {
        None => ("", String::new()),
        Some(Shown::Unreadable(message)) => ("wrong", message.clone()),
        Some(Shown::Correct {
            answer,
            exact,
            tolerance,
            scored,
        }) => (
            "correct",
            format!(
                "Correct: {} = {} (you gave {}, within ±{} of it).{}",
                props.lhs,
                significant(*exact),
                significant(*answer),
                short(*tolerance),
                if *scored {
                    ""
                } else {
                    " Not scored: the solution was shown or the problem was already solved."
                }
            ),
        ),
        Some(Shown::Wrong { answer, hint }) => (
            "wrong",
            format!(
                "Not yet: {} is more than the tolerance from the exact value. {hint} Try again.",
                significant(*answer)
            ),
        ),
    };
    html! {
        <p class={classes!("ex-verdict", class)} data-testid="exercise-verdict" role="status" aria-live="polite"
            data-verdict={class}>
            {text}
        </p>
    }
}

#[derive(Properties, PartialEq)]
struct ScoreLineProps {
    score: Score,
}

#[component]
fn ScoreLine(props: &ScoreLineProps) -> Html {
    let s = props.score;
    html! {
        <p class="ex-score">
            {"Score this session: "}
            <b data-testid="exercise-score">{format!("{}/{}", s.solved, s.attempted)}</b>
            {format!(
                " solved · {} at the first try · {} {} checked",
                s.first_try,
                s.checked,
                if s.checked == 1 { "answer" } else { "answers" }
            )}
        </p>
    }
}

#[derive(Properties, PartialEq)]
pub struct HelpPanelProps {
    pub session: Rc<Session>,
    pub on_action: Callback<Action>,
}

/// The hint ladder and the solution, factor by factor.
#[component]
pub fn HelpPanel(props: &HelpPanelProps) -> Html {
    let session = &*props.session;
    let problem = &session.problem;
    let terms = &session.terms;
    let level = session.attempt.hint_level;
    let step = session.attempt.step;
    let hint = props.on_action.reform(|_| Action::Hint);
    let next = props.on_action.reform(|_| Action::Step);
    let back = props.on_action.reform(|_| Action::Back);
    let new_problem = props.on_action.reform(|_| Action::NewProblem);

    // Each factor once (a hidden weight's terms share u and f′), with its meaning.
    let mut named: Vec<(&str, &str)> = Vec::new();
    for factor in terms.iter().flat_map(|t| &t.factors) {
        if !named.iter().any(|(s, _)| *s == factor.symbol) {
            named.push((&factor.symbol, &factor.meaning));
        }
    }
    let hint_label = match level {
        0 => "Hint: which factors? (h)",
        1 => "Hint: their values (h)",
        _ => "All hints shown",
    };

    let several = terms.len() > 1;
    let mut items = Vec::new();
    for k in 1..=step.min(session.steps() - 1) {
        let Some((term, factor)) = step_factor(terms, k) else {
            continue;
        };
        let first_of_term = step_factor(terms, k - 1).is_none_or(|(t, _)| t != term);
        if several && first_of_term {
            items.push(html! {
                <li class="ex-term-head">{format!("Path through output v{}:", subscript(term + 1))}</li>
            });
        }
        let current = k == step;
        items.push(html! {
            <li class={classes!("ex-factor", current.then_some("current"))} data-testid="exercise-factor"
                value={k.to_string()}
                data-place={super::diagram::place_name(factor.place)}>
                <b>{format!("{} = {}", factor.symbol, significant(factor.value))}</b>
                {format!(" — {}", factor.meaning)}
            </li>
        });
    }
    let complete = session.solution_complete();
    let products = terms
        .iter()
        .map(|t| significant(t.value()))
        .collect::<Vec<_>>()
        .join(" + ");
    let step_label = if step == 0 {
        "Show the solution (s)"
    } else if complete {
        "Solution complete"
    } else {
        "Next factor (s)"
    };
    let exact = session.exact();
    html! {
        <section class="panel ex-help" aria-labelledby="ex-help-title">
            <h2 id="ex-help-title">{"Hints and solution"}</h2>
            <div class="buttons">
                <button data-testid="exercise-hint" onclick={hint} disabled={level >= LAST_HINT}>{hint_label}</button>
                <button data-testid="exercise-step" onclick={next} disabled={complete}>{step_label}</button>
                if step > 0 {
                    <button data-testid="exercise-back" onclick={back}>{"Previous factor"}</button>
                }
            </div>
            if level >= 1 {
                <div class="ex-hint" data-testid="exercise-hint-1">
                    <p>{"The chain rule multiplies, along each path from E back to the weight:"}</p>
                    <p class="ex-formula">{formula(problem, terms, false)}</p>
                    <ul>
                        { for named.iter().map(|(symbol, meaning)| html! {
                            <li><b>{*symbol}</b>{format!(": {meaning}")}</li>
                        }) }
                    </ul>
                </div>
            }
            if level >= 2 {
                <div class="ex-hint" data-testid="exercise-hint-2">
                    <p>{"With their values:"}</p>
                    <p class="ex-formula">{formula(problem, terms, true)}</p>
                </div>
            }
            if step > 0 {
                <ol class="ex-solution" data-testid="exercise-solution" aria-live="polite">
                    { for items }
                    if complete {
                        <li class="ex-sum current" data-testid="exercise-sum">
                            <b>{format!("{} = {} = {}", asked(problem), products, significant(exact))}</b>
                            {format!(" (accepted within ±{})", short(tolerance(exact)))}
                        </li>
                    }
                </ol>
                if complete {
                    <button data-testid="exercise-next-problem" onclick={new_problem}>{"New problem (n)"}</button>
                }
            }
        </section>
    }
}

/// A tolerance without trailing zeros (`0.001`, not `0.001000`).
fn short(value: f32) -> String {
    let text = significant(value);
    if text.contains('.') && !text.contains('e') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

fn subscript(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|c| char::from_u32('₀' as u32 + c.to_digit(10).unwrap_or(0)).unwrap_or(c))
        .collect()
}
