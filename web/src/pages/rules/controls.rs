//! The control panel: play, step, reset and every setting. Each change is
//! handed up as a whole new [`Settings`]; the page checks it and either
//! applies it or keeps the old one and says what was wrong.

use bioprop::activation::Activation;
use bioprop::rule::RuleKind;
use bioprop::task::TaskKind;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use bioprop::experiment::layers_string;

use super::builder::RuleBuilder;
use super::delta::{choose_delta, has_hidden_layer};
use super::delta_view::DeltaChoice;
use super::settings::{parse_layers_text, speed_name, FeedbackView, Settings, SPEED_MAX};
use crate::shell::play::PlayButton;
use crate::widgets::field::TextField;

/// What the user asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    TogglePlay,
    Step,
    Reset,
    TogglePresent,
    ResampleFeedback,
    Change(Settings),
    Notice(String),
    DismissNotices,
}

/// The speeds offered, in training steps per frame, then `max` (as many steps as a
/// frame's time allows).
pub const SPEEDS: [u32; 12] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, SPEED_MAX];

#[derive(Properties, PartialEq)]
pub struct RunButtonsProps {
    pub playing: bool,
    pub on_action: Callback<Action>,
}

/// Play/pause, step and reset, as the controls and the presentation bar show them.
#[component]
pub fn RunButtons(props: &RunButtonsProps) -> Html {
    let emit = &props.on_action;
    html! {
        <>
            <PlayButton playing={props.playing} onclick={emit.reform(|_| Action::TogglePlay)} />
            <button data-testid="step" title="One training step (s)"
                onclick={emit.reform(|_| Action::Step)}>{"Step"}</button>
            <button data-testid="reset" title="Start again from the same initial weights (r)"
                onclick={emit.reform(|_| Action::Reset)}>{"Reset"}</button>
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub settings: Settings,
    pub playing: bool,
    pub on_action: Callback<Action>,
}

fn input_value(event: &Event) -> String {
    event
        .target()
        .and_then(|t| {
            t.clone()
                .dyn_into::<HtmlInputElement>()
                .map(|i| i.value())
                .ok()
                .or_else(|| t.dyn_into::<HtmlSelectElement>().map(|s| s.value()).ok())
        })
        .unwrap_or_default()
}

fn checked(event: &Event) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .map(|i| i.checked())
        .unwrap_or(false)
}

#[component]
pub fn Controls(props: &ControlsProps) -> Html {
    let settings = &props.settings;
    let emit = props.on_action.clone();
    // A callback that edits a copy of the settings with `edit`, which gets the
    // changed control's value and may refuse it with a message.
    let change = |edit: fn(&mut Settings, &Event) -> Result<(), String>| {
        let settings = settings.clone();
        let emit = emit.clone();
        Callback::from(move |event: Event| {
            let mut next = settings.clone();
            match edit(&mut next, &event) {
                Ok(()) => emit.emit(Action::Change(next)),
                Err(message) => emit.emit(Action::Notice(message)),
            }
        })
    };
    let defaults = settings
        .experiment_configs()
        .ok()
        .and_then(|c| c.into_iter().next());
    let shown_layers = settings
        .layers
        .clone()
        .or_else(|| defaults.as_ref().map(|c| c.layers.clone()))
        .unwrap_or_default();
    let shown_lr = settings.shared_learning_rate();
    let shown_batch = settings
        .batch
        .or(defaults.as_ref().map(|c| c.batch))
        .unwrap_or(1);
    let shown_act = settings
        .activation
        .or(defaults.as_ref().map(|c| c.activation))
        .unwrap_or(Activation::Tanh);
    let shown_noise = settings
        .noise
        .or(defaults.as_ref().map(|c| c.task.noise))
        .unwrap_or(0.0);
    let compare = settings.is_compare();
    let rules = settings.rules();
    // Controls of a hidden layer are left out when there is none (the delta rule's).
    let hidden = has_hidden_layer(settings);

    html! {
        <aside class="controls" aria-label="Controls">
            <div class="buttons">
                <RunButtons playing={props.playing} on_action={emit.clone()} />
            </div>
            <button data-testid="present" onclick={emit.reform(|_| Action::TogglePresent)}
                title="The network, the angle charts and the feedback matrices on one screen (p)">
                {"Presentation mode"}
            </button>
            <DeltaChoice settings={settings.clone()} on_action={emit.clone()} />

            // Open on wide screens; on a phone the views come first.
            <details class="settings" open={!narrow_screen()}>
            <summary>{"Settings"}</summary>
            <label>{"Speed (steps per frame)"}
                <select data-testid="speed" onchange={change(|s, e| {
                    let value = input_value(e);
                    s.speed = if value == "max" {
                        SPEED_MAX
                    } else {
                        value.parse().map_err(|_| "speed: not a number".to_string())?
                    };
                    Ok(())
                })}>
                    { for SPEEDS.iter().map(|&v| html! {
                        <option value={speed_name(v)} selected={v == settings.speed}>{speed_name(v)}</option>
                    }) }
                    if !SPEEDS.contains(&settings.speed) {
                        <option value={speed_name(settings.speed)} selected=true>{speed_name(settings.speed)}</option>
                    }
                </select>
            </label>

            <label>{"Task"}
                <select data-testid="task" onchange={change(|s, e| {
                    let task = input_value(e).parse().map_err(|e: bioprop::task::TaskError| e.to_string())?;
                    *s = s.with_task(task);
                    Ok(())
                })}>
                    { for TaskKind::ALL.iter().filter(|t| **t != TaskKind::Arrays).map(|&t| html! {
                        <option value={t.name()} selected={t == settings.task} title={t.description()}>{t.name()}</option>
                    }) }
                </select>
            </label>

            <fieldset class="rules">
                <legend>{"Learning rule"}</legend>
                <label class="inline">
                    <input type="checkbox" data-testid="compare-mode" checked={compare}
                        onchange={change(|s, e| {
                            if checked(e) {
                                let other = if s.rule == RuleKind::Backprop { RuleKind::FeedbackAlignment } else { RuleKind::Backprop };
                                s.compare = vec![RuleKind::Backprop.into(), RuleKind::FeedbackAlignment.into()];
                                if !s.compare.contains(&s.rule.into()) { s.compare = vec![other.into(), s.rule.into()]; }
                                s.rule = s.compare[0].rule;
                            } else {
                                s.compare.clear();
                                s.fold_single_run_rate();
                            }
                            Ok(())
                        })} />
                    {"compare rules (2–4)"}
                </label>
                { for RuleKind::ALL.iter().filter(|r| **r != RuleKind::Delta || !compare).map(|&r| {
                    let on = rules.contains(&r.into());
                    let settings = settings.clone();
                    let emit = emit.clone();
                    let onchange = Callback::from(move |e: Event| {
                        let mut next = settings.clone();
                        if next.is_compare() {
                            if checked(&e) { next.compare.push(r.into()); } else { next.compare.retain(|&x| x != r); }
                            if next.compare.len() < 2 || next.compare.len() > 4 {
                                emit.emit(Action::Notice("compare: choose between 2 and 4 rules".into()));
                                return;
                            }
                            next.rule = next.compare[0].rule;
                        } else if r == RuleKind::Delta {
                            next = choose_delta(&next);
                        } else {
                            next.rule = r;
                        }
                        emit.emit(Action::Change(next));
                    });
                    html! {
                        <label class="inline" title={format!("{}: {}", r.facts().title, r.facts().summary)}>
                            <input type={if compare { "checkbox" } else { "radio" }} name="rule"
                                data-testid={format!("rule-{}", r.name())} checked={on} {onchange}
                                aria-label={format!("{} ({})", r.facts().title, r.name())} />
                            {r.name()}
                        </label>
                    }
                }) }
                // Runs without f′ of their own (added with the rule builder): unticking
                // one takes it out of the comparison.
                { for rules.iter().filter(|run| compare && run.no_derivative).map(|&run| {
                    let settings = settings.clone();
                    let emit = emit.clone();
                    let onchange = Callback::from(move |_: Event| {
                        let mut next = settings.clone();
                        next.compare.retain(|&x| x != run);
                        if next.compare.len() < 2 {
                            emit.emit(Action::Notice("compare: choose between 2 and 4 rules".into()));
                            return;
                        }
                        next.rule = next.compare[0].rule;
                        emit.emit(Action::Change(next));
                    });
                    html! {
                        <label class="inline" title={run.title()}>
                            <input type="checkbox" checked=true data-testid={format!("rule-{run}")}
                                aria-label={run.title()} {onchange} />
                            {run.label()}
                        </label>
                    }
                }) }
            </fieldset>
            if hidden {
                <RuleBuilder settings={settings.clone()} on_action={emit.clone()} />
            }

            <label>{"Layers (input-hidden…-output)"}
                <TextField testid="layers" value={layers_string(&shown_layers)} spellcheck="false"
                    onchange={change(|s, e| {
                        let text = input_value(e);
                        s.layers = Some(parse_layers_text(&text).map_err(|e| format!("layers: {e}"))?);
                        Ok(())
                    })} />
            </label>
            if hidden {
            <label>{"Activation (hidden)"}
                <select data-testid="act" onchange={change(|s, e| {
                    s.activation = Some(input_value(e).parse().map_err(|_| "act: unknown activation".to_string())?);
                    Ok(())
                })}>
                    { for Activation::ALL.iter().map(|&a| html! {
                        <option value={a.name()} selected={a == shown_act}>{a.name()}</option>
                    }) }
                </select>
            </label>
            }
            <label>{ if compare { "Learning rate η (every run)" } else { "Learning rate η" } }
                <TextField testid="lr" value={shown_lr.to_string()} inputmode="decimal"
                    onchange={change(|s, e| {
                        let text = input_value(e);
                        s.lr = Some(text.trim().parse().map_err(|_| format!("lr: '{text}' is not a number"))?);
                        Ok(())
                    })} />
            </label>
            if compare {
                <RunRates settings={settings.clone()} on_action={emit.clone()} />
            }
            <label>{"Batch size"}
                <TextField testid="batch" value={shown_batch.to_string()} inputmode="numeric"
                    onchange={change(|s, e| {
                        let text = input_value(e);
                        s.batch = Some(text.trim().parse().map_err(|_| format!("batch: '{text}' is not a whole number"))?);
                        Ok(())
                    })} />
            </label>
            <label>{"Noise"}
                <TextField testid="noise" value={shown_noise.to_string()} inputmode="decimal"
                    onchange={change(|s, e| {
                        let text = input_value(e);
                        s.noise = Some(text.trim().parse().map_err(|_| format!("noise: '{text}' is not a number"))?);
                        Ok(())
                    })} />
            </label>
            <label>{"Seed"}
                <TextField testid="seed" value={settings.seed.to_string()} inputmode="numeric"
                    onchange={change(|s, e| {
                        let text = input_value(e);
                        s.seed = text.trim().parse().map_err(|_| format!("seed: '{text}' is not a whole number ≥ 0"))?;
                        Ok(())
                    })} />
            </label>
            if hidden {
            <label class="inline" title="Replace f′(z) by 1 in the hidden error signal">
                <input type="checkbox" data-testid="noderiv" checked={settings.no_derivative}
                    onchange={change(|s, e| { s.no_derivative = checked(e); Ok(()) })} />
                {"without f′"}
            </label>

            <fieldset>
                <legend>{"Feedback"}</legend>
                <label>{"B scale"}
                    <TextField testid="fbscale" value={settings.feedback_scale.to_string()} inputmode="decimal"
                        onchange={change(|s, e| {
                            let text = input_value(e);
                            s.feedback_scale = text.trim().parse().map_err(|_| format!("fbscale: '{text}' is not a number"))?;
                            Ok(())
                        })} />
                </label>
                <label>{"Show feedback edges as"}
                    <select data-testid="fb" onchange={change(|s, e| {
                        s.feedback_view = match input_value(e).as_str() {
                            "wt" => FeedbackView::Transpose,
                            "diff" => FeedbackView::Difference,
                            _ => FeedbackView::B,
                        };
                        Ok(())
                    })}>
                        <option value="b" selected={settings.feedback_view == FeedbackView::B}>{"B"}</option>
                        <option value="wt" selected={settings.feedback_view == FeedbackView::Transpose}>{"Wᵀ"}</option>
                        <option value="diff" selected={settings.feedback_view == FeedbackView::Difference}>{"B − Wᵀ"}</option>
                    </select>
                </label>
                <button data-testid="resample" title="Draw new random feedback matrices"
                    onclick={emit.reform(|_| Action::ResampleFeedback)}>{"Resample B"}</button>
            </fieldset>
            }

            <label class="inline">
                <input type="checkbox" data-testid="logloss" checked={settings.log_loss}
                    onchange={change(|s, e| { s.log_loss = checked(e); Ok(()) })} />
                {"log-scale loss"}
            </label>
            </details>
            <CopyLink />
        </aside>
    }
}

#[derive(Properties, PartialEq)]
struct RunRatesProps {
    settings: Settings,
    on_action: Callback<Action>,
}

/// One learning rate per run (`lrs`), for rules that need different ones: each field
/// shows the rate its run trains at; a number gives the run its own, and an empty
/// field puts it back on the shared η.
#[component]
fn RunRates(props: &RunRatesProps) -> Html {
    let settings = &props.settings;
    html! {
        <fieldset class="run-rates" data-testid="run-rates">
            <legend>{"η of each run"}</legend>
            { for settings.rules().into_iter().map(|rule| {
                let settings = settings.clone();
                let emit = props.on_action.clone();
                let shown = settings.learning_rate(rule).to_string();
                let own = settings.own_learning_rate(rule).is_some();
                let onchange = Callback::from(move |event: Event| {
                    let text = input_value(&event);
                    let lr = match text.trim() {
                        "" => None,
                        typed => match typed.parse::<f32>() {
                            Ok(lr) => Some(lr),
                            Err(_) => {
                                emit.emit(Action::Notice(format!(
                                    "lrs: '{text}' is not a number; {rule} keeps η = {}",
                                    settings.learning_rate(rule)
                                )));
                                return;
                            }
                        },
                    };
                    let mut next = settings.clone();
                    next.set_learning_rate(rule, lr);
                    emit.emit(Action::Change(next));
                });
                html! {
                    <label class="inline" title={if own { "Its own rate (empty the field for the shared η)" } else { "The shared η" }}>
                        <span class="run-rate-rule">{rule.label()}</span>
                        <TextField testid={format!("lr-{rule}")} value={shown} inputmode="decimal"
                            aria_label={format!("Learning rate of the {} run", rule.label())} {onchange} />
                    </label>
                }
            }) }
        </fieldset>
    }
}

/// Whether the page is phone-width (the layout's single-column breakpoint).
fn narrow_screen() -> bool {
    gloo::utils::window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w < 760.0)
}

/// Copies the page's address (which holds every setting) to the clipboard.
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
        <button data-testid="copy-link" {onclick} title="Copy a link to exactly this set-up">
            { match *copied {
                None => "Copy link",
                Some(true) => "Link copied",
                // The address bar holds the same link.
                Some(false) => "Copy refused: copy the address bar",
            } }
        </button>
    }
}
