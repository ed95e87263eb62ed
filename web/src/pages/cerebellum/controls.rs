//! The cerebellum page's sidebar: play/step/reset, the task and basis (which build a
//! new simulation), and sliders that retune the running one.

use bioprop::cerebellum::{BasisKind, CerebellumTask};

use super::settings::TASKS;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::settings::{CerebellumSettings, MAX_SPEED};
use crate::shell::play::PlayButton;
use crate::widgets::field::TextField;

/// What the controls and the keyboard ask of the page.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    TogglePlay,
    /// One frame's worth of steps (`speed` ms).
    Step,
    /// Naive weights, same settings.
    Reset,
    DismissNotices,
    Change(CerebellumSettings),
}

#[derive(Properties, PartialEq)]
pub struct CerebellumControlsProps {
    pub settings: CerebellumSettings,
    pub playing: bool,
    pub on_action: Callback<Action>,
}

#[component]
pub fn CerebellumControls(props: &CerebellumControlsProps) -> Html {
    let s = &props.settings;
    let change = |update: fn(&mut CerebellumSettings, f64)| {
        let settings = s.clone();
        props.on_action.reform(move |value: f64| {
            let mut next = settings.clone();
            update(&mut next, value);
            Action::Change(next)
        })
    };
    let on_task = {
        let settings = s.clone();
        props.on_action.reform(move |event: Event| {
            let value = event.target_unchecked_into::<HtmlSelectElement>().value();
            Action::Change(
                settings
                    .with_task(&value)
                    .unwrap_or_else(|| settings.clone()),
            )
        })
    };
    let on_basis = {
        let settings = s.clone();
        props.on_action.reform(move |event: Event| {
            let value = event.target_unchecked_into::<HtmlSelectElement>().value();
            let mut next = settings.clone();
            next.basis = value.parse().unwrap_or_default();
            Action::Change(next)
        })
    };
    let vor = s.task == CerebellumTask::Vor && !s.teacher;
    let teacher = s.teacher;
    let play = props.on_action.reform(|_| Action::TogglePlay);
    let step = props.on_action.reform(|_| Action::Step);
    let reset = props.on_action.reform(|_| Action::Reset);
    html! {
        <aside class="controls" aria-label="Cerebellum controls">
            <div class="buttons">
                <PlayButton playing={props.playing} onclick={play} />
                <button data-testid="step" onclick={step} title="Advance one frame (speed ms)">{"Step"}</button>
                <button data-testid="reset" onclick={reset} title="Naive weights, same settings">{"Reset"}</button>
            </div>
            <label>{"Task"}
                <select data-testid="task" onchange={on_task}>
                    { for TASKS.iter().map(|&(name, label)| html! {
                        <option value={name} selected={name == s.task_name()}>{label}</option>
                    }) }
                </select>
            </label>
            if vor {
                <Slider label="Spectacles M (gain needed)" testid="spectacles" value={s.spectacles}
                    min={-1.0} max={4.0} step={0.05} lo={-10.0} hi={10.0}
                    on_change={change(|s, v| s.spectacles = v)} />
            }
            <Slider label={if vor { "Head-rotation frequency (Hz)" } else if teacher { "Goal frequency (Hz)" } else { "Command corner frequency (Hz)" }}
                testid="freq" value={s.freq} min={0.1} max={10.0} step={0.1} lo={0.01} hi={50.0}
                on_change={change(|s, v| s.freq = v)} />
            if !teacher {
                <Slider label="Error delay D_e (s)" testid="edelay" value={s.error_delay}
                    min={0.0} max={0.3} step={0.01} lo={0.0} hi={1.0}
                    on_change={change(|s, v| s.error_delay = v)} />
                <Slider label="Eligibility delay D_p (s)" testid="eldelay" value={s.eligibility_delay}
                    min={0.0} max={0.3} step={0.01} lo={0.0} hi={1.0}
                    on_change={change(|s, v| s.eligibility_delay = v)} />
            }
            <Slider label={if teacher { "Forward model's learning rate β" } else { "Learning rate β" }} testid="beta" value={s.beta_or_default()}
                min={0.0} max={50.0} step={0.5} lo={0.0} hi={1000.0}
                on_change={change(|s, v| s.beta = Some(v))} />
            <Slider label="Speed (simulated ms per frame)" testid="speed" value={f64::from(s.speed)}
                min={1.0} max={500.0} step={1.0} lo={1.0} hi={f64::from(MAX_SPEED)}
                on_change={change(|s, v| s.speed = v.round() as u32)} />
            <label>{"Granular basis (restarts)"}
                <select data-testid="basis" onchange={on_basis}>
                    { for BasisKind::ALL.iter().map(|b| html! {
                        <option value={b.name()} selected={*b == s.basis} title={b.description()}>{b.name()}</option>
                    }) }
                </select>
            </label>
            <p class="view-note">{"Sliders retune the running simulation; the task and basis start a new one. Keys: space play/pause, s step, r reset."}</p>
        </aside>
    }
}

#[derive(Properties, PartialEq)]
pub struct SliderProps {
    pub label: AttrValue,
    pub testid: AttrValue,
    pub value: f64,
    /// The range slider's span (a comfortable range).
    pub min: f64,
    pub max: f64,
    pub step: f64,
    /// What the number box accepts (core's range).
    pub lo: f64,
    pub hi: f64,
    pub on_change: Callback<f64>,
}

/// A range slider with a number box beside it for values beyond the slider's span.
/// The box is a [`TextField`]: what the user types stays while the page redraws, and a
/// value out of range or not a number springs back to the setting.
#[component]
pub fn Slider(props: &SliderProps) -> Html {
    let commit = {
        let on_change = props.on_change.clone();
        let (current, lo, hi) = (props.value, props.lo, props.hi);
        Callback::from(move |event: Event| {
            let value = event
                .target_unchecked_into::<HtmlInputElement>()
                .value_as_number();
            if value.is_finite() && (lo..=hi).contains(&value) && value != current {
                on_change.emit(value);
            }
        })
    };
    let live = {
        let on_change = props.on_change.clone();
        let (lo, hi) = (props.min, props.max);
        Callback::from(move |event: InputEvent| {
            let value = event
                .target_unchecked_into::<HtmlInputElement>()
                .value_as_number();
            if value.is_finite() && (lo..=hi).contains(&value) {
                on_change.emit(value);
            }
        })
    };
    let value = AttrValue::from(props.value.to_string());
    html! {
        <label class="slider">{props.label.clone()}
            <span class="slider-row">
                <input type="range" data-testid={format!("{}-range", props.testid)}
                    aria-label={format!("{} (slider)", props.label)}
                    min={props.min.to_string()} max={props.max.to_string()} step={props.step.to_string()}
                    value={value.clone()} oninput={live} />
                <TextField input_type="number" testid={props.testid.clone()} aria_label={props.label.clone()}
                    min={AttrValue::from(props.lo.to_string())} max={AttrValue::from(props.hi.to_string())}
                    step={AttrValue::Static("any")} {value} onchange={commit} />
            </span>
        </label>
    }
}
