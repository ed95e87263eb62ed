//! The microcircuit page's sidebar: play/step/reset, the target switch, the model
//! (full or steady state), the start, the task, the speed and the traced neuron.

use bioprop::microcircuit::{preset, Mode, Start};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::settings::{tasks, CircuitTask, MicrocircuitSettings};
use crate::shell::play::PlayButton;
use crate::widgets::field::TextField;

/// What the controls and the keyboard ask of the page.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    TogglePlay,
    /// One frame's worth (`speed` simulated ms).
    Step,
    /// The initial weights again, same settings.
    Reset,
    /// Output nudging on/off (off = pre-training without target).
    ToggleTarget,
    DismissNotices,
    Change(MicrocircuitSettings),
}

/// Speeds offered, simulated milliseconds per frame.
const SPEEDS: [u32; 7] = [5, 20, 50, 200, 1000, 10_000, 100_000];

#[derive(Properties, PartialEq)]
pub struct MicrocircuitControlsProps {
    pub settings: MicrocircuitSettings,
    pub playing: bool,
    pub on_action: Callback<Action>,
}

#[component]
pub fn MicrocircuitControls(props: &MicrocircuitControlsProps) -> Html {
    let s = &props.settings;
    let select = |update: fn(&mut MicrocircuitSettings, &str)| {
        let settings = s.clone();
        props.on_action.reform(move |event: Event| {
            let value = event.target_unchecked_into::<HtmlSelectElement>().value();
            let mut next = settings.clone();
            update(&mut next, &value);
            Action::Change(next)
        })
    };
    let on_neuron = {
        let settings = s.clone();
        props.on_action.reform(move |event: Event| {
            let value = event.target_unchecked_into::<HtmlInputElement>().value();
            let mut next = settings.clone();
            // Out-of-range values get a notice from the page; non-numbers keep 0.
            next.neuron = value.trim().parse().unwrap_or(0);
            Action::Change(next)
        })
    };
    let mut speeds = SPEEDS.to_vec();
    if !speeds.contains(&s.speed) {
        speeds.push(s.speed);
        speeds.sort_unstable();
    }
    let play = props.on_action.reform(|_| Action::TogglePlay);
    let step = props.on_action.reform(|_| Action::Step);
    let reset = props.on_action.reform(|_| Action::Reset);
    let target = props.on_action.reform(|_| Action::ToggleTarget);
    let preset = s.task.is_preset();
    // The digits run the steady state from the self-predicting start, target on.
    let digits = s.task == CircuitTask::Digits;
    // The paper's task brings its own start.
    let start = if preset { s.config().start } else { s.start };
    html! {
        <aside class="controls" aria-label="Microcircuit controls">
            <div class="buttons">
                <PlayButton playing={props.playing} onclick={play} />
                <button data-testid="step" onclick={step} title="Advance one frame (speed ms)">{"Step"}</button>
                <button data-testid="reset" onclick={reset} title="The initial weights again">{"Reset"}</button>
            </div>
            <button class={classes!("target-toggle", s.target.then_some("on"))} data-testid="target-toggle"
                disabled={digits}
                aria-pressed={if s.target { "true" } else { "false" }} onclick={target}
                title="Nudge the output towards the target (key t)">
                { match (s.target, s.task == CircuitTask::Paper) {
                    (true, false) => "Target on: learning",
                    (true, true) => "Target on after pre-training",
                    (false, _) => "Target off: pre-training",
                } }
            </button>
            <label>{"Model"}
                <select data-testid="mode" disabled={digits} onchange={select(|n, v| n.mode = if v == "steady" { Mode::SteadyState } else { Mode::Full })}>
                    <option value="full" selected={s.mode == Mode::Full}>{"full (Euler, dt 0.1 ms)"}</option>
                    <option value="steady" selected={s.mode == Mode::SteadyState}>{"steady state (fast)"}</option>
                </select>
            </label>
            <label>{"Start (restarts)"}
                <select data-testid="init" disabled={preset}
                    title={match (digits, preset) {
                        (true, _) => "The digits start from the self-predicting state",
                        (false, true) => "The paper's task starts from random weights",
                        (false, false) => "",
                    }}
                    onchange={select(|n, v| n.start = if v == "random" { Start::Random } else { Start::SelfPredicting })}>
                    { for [Start::SelfPredicting, Start::Random].into_iter().map(|st| html! {
                        <option value={st.name()} selected={st == start}>{st.name()}</option>
                    }) }
                </select>
            </label>
            <label>{"Task (restarts)"}
                <select data-testid="task" onchange={select(|n, v| n.task = CircuitTask::from_name(v).unwrap_or(n.task))}>
                    { for tasks().map(|t| html! {
                        <option value={t.name()} selected={t == s.task}>{t.label()}</option>
                    }) }
                </select>
            </label>
            <label>{"Speed (simulated ms per frame)"}
                <select data-testid="speed" onchange={select(|n, v| n.speed = v.parse().unwrap_or(n.speed))}>
                    { for speeds.into_iter().map(|v| html! {
                        <option value={v.to_string()} selected={v == s.speed}>{v}</option>
                    }) }
                </select>
            </label>
            if !digits {
                <label>{format!("Traced neuron (0–{})", s.hidden_size() - 1)}
                    <TextField input_type="number" testid="neuron" min="0" max={(s.hidden_size() - 1).to_string()}
                        value={s.neuron.to_string()} onchange={on_neuron} />
                </label>
            }
            if s.task == CircuitTask::Paper {
                <p class="view-note" data-testid="task-note">{format!(
                    "{} It pre-trains for {} patterns, then the target comes on (switching the target \
                     off keeps it off). BP, FA and shallow: 30-50-10 networks with softplus hidden units, \
                     rate {}, on the same data, as make reproduce-microcircuit runs them. Fig. 2 is not \
                     reproduced yet: with the preset's untuned rates the circuit barely learns (README, \
                     \"The paper's regression task\").",
                    preset::DESCRIPTION, preset::PRETRAIN_PATTERNS, preset::NETWORK_LR
                )}</p>
            }
            if digits {
                <p class="view-note" data-testid="task-note">{format!(
                    "The handwritten digits: a 784-{}-10 circuit in the steady state, minibatches of 10, \
                     from the self-predicting state with the target on; the worker downloads the digits \
                     first. The model, start, target and traced neuron are fixed on this task.",
                    super::digits::HIDDEN
                )}</p>
            }
            <p class="view-note">{format!(
                "Model: {}. The model and the target change the running circuit; the start and the task build a new one. Keys: space play/pause, s step, r reset, t target.",
                s.mode.name()
            )}</p>
        </aside>
    }
}
