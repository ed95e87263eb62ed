//! A text field that keeps what the user is typing. A page redraws its controls
//! with every frame of a running simulation; a field whose `value` were simply the
//! page's setting would be reset to it on each redraw, so nothing could be typed
//! while training runs. This field shows the user's draft from the first keystroke
//! until it is committed (Enter, or leaving the field) and the page's value
//! otherwise; a value the page refuses therefore springs back to the one it kept.
//! Also: the files a file input chose ([`take_chosen_files`]).

use wasm_bindgen::JsCast;
use web_sys::{File, HtmlInputElement};
use yew::prelude::*;

/// The files a file input's `change` event chose, in the order chosen (`None` when
/// the event is not from a file input), taken out of the input: it is cleared, so that
/// choosing the same files again is a new choice. The input's list is live, so the
/// files are collected before the clearing empties it.
pub fn take_chosen_files(event: &Event) -> Option<Vec<File>> {
    let input = event.target()?.dyn_into::<HtmlInputElement>().ok()?;
    let files =
        (input.files()).map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect());
    input.set_value("");
    files
}

#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    /// The value in use, shown whenever the user is not editing.
    pub value: AttrValue,
    /// The `change` event: the user committed a draft.
    pub onchange: Callback<Event>,
    #[prop_or_default]
    pub testid: Option<AttrValue>,
    /// `text` unless given (e.g. `number`).
    #[prop_or(AttrValue::Static("text"))]
    pub input_type: AttrValue,
    #[prop_or_default]
    pub inputmode: Option<AttrValue>,
    #[prop_or_default]
    pub min: Option<AttrValue>,
    #[prop_or_default]
    pub max: Option<AttrValue>,
    /// A number box's step (`any` takes every value).
    #[prop_or_default]
    pub step: Option<AttrValue>,
    #[prop_or_default]
    pub spellcheck: Option<AttrValue>,
    #[prop_or_default]
    pub aria_label: Option<AttrValue>,
}

#[component]
pub fn TextField(props: &TextFieldProps) -> Html {
    // What the user has typed since the last commit, if anything.
    let draft = use_state(|| None::<String>);
    let oninput = {
        let draft = draft.clone();
        Callback::from(move |event: InputEvent| {
            draft.set(Some(
                event.target_unchecked_into::<HtmlInputElement>().value(),
            ));
        })
    };
    let onchange = {
        let draft = draft.clone();
        let commit = props.onchange.clone();
        Callback::from(move |event: Event| {
            draft.set(None);
            commit.emit(event);
        })
    };
    // Leaving the field without a change (typed, then typed back) drops the draft,
    // so later changes of the value show.
    let onblur = {
        let draft = draft.clone();
        Callback::from(move |_: FocusEvent| draft.set(None))
    };
    let value = (*draft)
        .clone()
        .map_or_else(|| props.value.clone(), AttrValue::from);
    html! {
        <input type={props.input_type.clone()} data-testid={props.testid.clone()} {value}
            inputmode={props.inputmode.clone()} min={props.min.clone()} max={props.max.clone()}
            step={props.step.clone()} spellcheck={props.spellcheck.clone()} aria-label={props.aria_label.clone()}
            {oninput} {onchange} {onblur} />
    }
}
