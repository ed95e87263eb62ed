//! The exercise page's sidebar: the kind of question, the problem's seed, "New
//! problem", the link to copy and the keys.

use bioprop::exercise::QuestionKind;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::settings::{kind_from_name, kind_name, ExerciseSettings};
use crate::widgets::field::TextField;

/// What the controls, the keys and the answer form ask of the page.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Check(String),
    Hint,
    /// The solution's next factor.
    Step,
    /// The solution's previous factor.
    Back,
    /// A clicker's "next": the next factor, or a new problem once the solution is complete.
    Next,
    NewProblem,
    SetKind(QuestionKind),
    /// The seed field's text, checked by the page.
    SetSeed(String),
    /// Settings a page embedding the exercise set (`bioprop:set`), already checked.
    Open(ExerciseSettings),
    DismissNotices,
}

#[derive(Properties, PartialEq)]
pub struct ExerciseControlsProps {
    pub settings: ExerciseSettings,
    pub on_action: Callback<Action>,
}

#[component]
pub fn ExerciseControls(props: &ExerciseControlsProps) -> Html {
    let s = &props.settings;
    let on_kind = props.on_action.reform(|event: Event| {
        let value = event.target_unchecked_into::<HtmlSelectElement>().value();
        Action::SetKind(kind_from_name(&value).unwrap_or(QuestionKind::Gradient))
    });
    let on_seed = props.on_action.reform(|event: Event| {
        Action::SetSeed(event.target_unchecked_into::<HtmlInputElement>().value())
    });
    let new_problem = props.on_action.reform(|_| Action::NewProblem);
    let kinds = [
        (QuestionKind::Gradient, "The gradient ∂E/∂w"),
        (QuestionKind::FaUpdate, "Feedback alignment's update Δw"),
    ];
    html! {
        <aside class="controls" aria-label="Exercise controls">
            <button class="primary" data-testid="exercise-new" onclick={new_problem}
                title="The next problem (n)">{"New problem"}</button>
            <label>{"Question"}
                <select data-testid="exercise-kind" onchange={on_kind}>
                    { for kinds.iter().map(|(kind, label)| html! {
                        <option value={kind_name(*kind)} selected={*kind == s.kind}>{*label}</option>
                    }) }
                </select>
            </label>
            <label>{"Problem number (seed)"}
                <TextField value={s.seed.to_string()} onchange={on_seed} testid="exercise-seed"
                    inputmode="numeric" aria_label="Problem number (seed)" />
            </label>
            <CopyLink />
            <p class="ex-keys">
                {"Keys: "}<kbd>{"n"}</kbd>{" new problem, "}<kbd>{"h"}</kbd>{" hint, "}
                <kbd>{"s"}</kbd>{" next factor of the solution; a clicker's next key steps through the \
                  solution, then to a new problem. Enter in the answer field checks."}
            </p>
            <p class="ex-keys">
                {"The same number gives everyone the same network: share the link to set a \
                  class one problem."}
            </p>
        </aside>
    }
}

/// Copies the page's address (which names the problem) to the clipboard.
#[component]
fn CopyLink() -> Html {
    // None: not pressed; then whether the browser let the link be copied.
    let copied = use_state(|| None::<bool>);
    let onclick = {
        let copied = copied.clone();
        Callback::from(move |_| {
            let href = gloo::utils::window().location().href().unwrap_or_default();
            let copied = copied.clone();
            crate::widgets::download::copy_text(&href, move |done| copied.set(Some(done.is_ok())));
        })
    };
    html! {
        <button data-testid="copy-link" {onclick} title="Copy a link to this problem">
            { match *copied {
                None => "Copy link",
                Some(true) => "Link copied",
                // The address bar holds the same link.
                Some(false) => "Copy refused: copy the address bar",
            } }
        </button>
    }
}
