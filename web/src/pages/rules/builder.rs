//! The rule builder (issue 15; `docs/science.md` §1.5): a student composes a hidden
//! layer's error signal from parts — what carries it back, whether `f′` multiplies
//! it, whether the feedback learns and with what decay (`kpdecay`) — sees it named when it equals a known rule or
//! explained when it cannot train a layer, and adds it to the comparison.
//!
//! ```text
//! carrier × f′ × learns ──Composition::resolve (core)──▶ rule ± f′ ──add──▶ Settings::compare
//! ```
//!
//! The composition resolves, in core, to the rule it equals, so the added run is that
//! rule's run (with or without `f′`): the views draw it from the same facts as any
//! rule. [`verdict`] is the panel's reading of a composition, kept apart from the
//! markup and tested natively.

use bioprop::experiment::DEFAULT_KP_DECAY;
use bioprop::rule::{Carrier, Composition, RunRule};
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::controls::Action;
use super::settings::Settings;
use crate::widgets::field::TextField;

/// What the panel says about a composition.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// It is `run`: "This is feedback alignment".
    Known { run: RunRule, text: String },
    /// It cannot train a layer, or makes no sense: core's reason.
    Refused(String),
}

/// The panel's reading of `composition`.
pub fn verdict(composition: Composition) -> Verdict {
    match (composition.resolve(), composition.describe()) {
        (Ok(resolved), Ok(title)) => {
            let run = RunRule::new(resolved.rule, resolved.no_derivative);
            Verdict::Known {
                run,
                text: format!("This is {title} ({composition}, runs as {run})."),
            }
        }
        (Err(error), _) | (_, Err(error)) => Verdict::Refused(format!("This cannot run: {error}.")),
    }
}

/// The composition the panel starts from: feedback alignment's parts.
const START: Composition = Composition {
    carrier: Carrier::Random,
    derivative: true,
    learns: false,
};

#[derive(Properties, PartialEq)]
pub struct RuleBuilderProps {
    pub settings: Settings,
    pub on_action: Callback<Action>,
}

fn checked(event: &Event) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .is_some_and(|input| input.checked())
}

/// The panel: a disclosure, closed by default, in the controls.
#[component]
pub fn RuleBuilder(props: &RuleBuilderProps) -> Html {
    let composition = use_state(|| START);
    let current = *composition;
    let set = |edit: fn(&mut Composition, bool)| {
        let composition = composition.clone();
        Callback::from(move |event: Event| {
            let mut next = *composition;
            edit(&mut next, checked(&event));
            composition.set(next);
        })
    };
    // The decay is the page's (`kpdecay`), shared by every run that learns its
    // feedback; the page checks its range like any setting.
    let decay = {
        let settings = props.settings.clone();
        let emit = props.on_action.clone();
        Callback::from(move |event: Event| {
            let text = event.target_unchecked_into::<HtmlInputElement>().value();
            match text.trim().parse() {
                Ok(kp_decay) => emit.emit(Action::Change(Settings {
                    kp_decay,
                    ..settings.clone()
                })),
                Err(_) => emit.emit(Action::Notice(format!("kpdecay: '{text}' is not a number"))),
            }
        })
    };
    let verdict = verdict(current);
    let add = match &verdict {
        Verdict::Known { run, .. } => {
            let run = *run;
            let settings = props.settings.clone();
            let emit = props.on_action.clone();
            Some(Callback::from(move |_: MouseEvent| {
                let mut next = settings.clone();
                match next.add_run(run) {
                    Ok(()) => emit.emit(Action::Change(next)),
                    Err(message) => emit.emit(Action::Notice(format!("rule builder: {message}"))),
                }
            }))
        }
        Verdict::Refused(_) => None,
    };
    html! {
        <details class="rule-builder" data-testid="rule-builder">
            <summary>{"Build a rule…"}</summary>
            <fieldset role="radiogroup" aria-label="What carries the error back">
                <legend>{"What carries the error back"}</legend>
                { for Carrier::ALL.into_iter().map(|carrier| {
                    let composition = composition.clone();
                    let onchange = Callback::from(move |_: Event| {
                        composition.set(Composition { carrier, ..*composition });
                    });
                    html! {
                        <label class="inline">
                            <input type="radio" name="builder-carrier" value={carrier.name()}
                                data-testid={format!("builder-carrier-{}", carrier.name())}
                                checked={carrier == current.carrier} {onchange} />
                            {carrier.label()}
                        </label>
                    }
                }) }
            </fieldset>
            <fieldset>
                <legend>{"The hidden error"}</legend>
                <label class="inline">
                    <input type="checkbox" data-testid="builder-fprime" checked={current.derivative}
                        onchange={set(|c, on| c.derivative = on)} />
                    {"multiplied by f′(z)"}
                </label>
                <label class="inline">
                    <input type="checkbox" data-testid="builder-learn" checked={current.learns}
                        onchange={set(|c, on| c.learns = on)} />
                    {"the feedback learns (Kolen–Pollack: B ← λB + ΔWᵀ)"}
                </label>
                if current.learns {
                    <label class="builder-note" data-testid="builder-decay"
                        title={format!("λ in (0, 1]; Kolen–Pollack's default is {DEFAULT_KP_DECAY}, as the CLI's --kp-decay")}>
                        {"W and B decay each step by λ ="}
                        <TextField testid="builder-kpdecay" value={props.settings.kp_decay.to_string()}
                            inputmode="decimal" onchange={decay} />
                    </label>
                }
            </fieldset>
            { match &verdict {
                Verdict::Known { text, .. } => html! {
                    <p class="builder-verdict" data-testid="builder-verdict" role="status">{text.clone()}</p>
                },
                Verdict::Refused(text) => html! {
                    <p class="builder-verdict refused" data-testid="builder-verdict" role="status">{text.clone()}</p>
                },
            } }
            <button data-testid="builder-add" disabled={add.is_none()} onclick={add.unwrap_or_default()}
                title="Train this rule beside the others, from the same start">
                {"Add to the comparison"}
            </button>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bioprop::RuleKind;

    fn composed(text: &str) -> Composition {
        text.parse().unwrap()
    }

    #[test]
    fn a_known_composition_is_named_and_runs_as_its_rule() {
        let Verdict::Known { run, text } = verdict(START) else {
            panic!("feedback alignment's parts are refused");
        };
        assert_eq!(run, RunRule::from(RuleKind::FeedbackAlignment));
        assert!(text.starts_with("This is feedback alignment"), "{text}");
        let Verdict::Known { run, text } = verdict(composed("custom:wt.no-fprime")) else {
            panic!("backprop without f′ is refused");
        };
        assert_eq!(run, RunRule::new(RuleKind::Backprop, true));
        assert!(text.contains("backprop without f′"), "{text}");
    }

    #[test]
    fn an_impossible_composition_gives_core_s_reason() {
        let Verdict::Refused(text) = verdict(composed("custom:sign.learn")) else {
            panic!("sign(W)ᵀ that learns is accepted");
        };
        let reason = composed("custom:sign.learn").resolve().unwrap_err();
        assert!(text.contains(&reason.to_string()), "{text}");
    }

    #[test]
    fn adding_puts_the_run_beside_the_others_once() {
        let mut settings = Settings {
            compare: Vec::new(),
            ..Settings::default()
        };
        settings
            .add_run(RunRule::new(RuleKind::Backprop, true))
            .unwrap();
        assert_eq!(
            settings.rules(),
            [
                RunRule::from(RuleKind::Backprop),
                RunRule::new(RuleKind::Backprop, true)
            ]
        );
        let again = settings.add_run(RunRule::new(RuleKind::Backprop, true));
        assert!(again.unwrap_err().contains("already"));
        settings
            .add_run(RuleKind::FeedbackAlignment.into())
            .unwrap();
        settings.add_run(RuleKind::KolenPollack.into()).unwrap();
        let full = settings.add_run(RuleKind::SignSymmetry.into());
        assert!(full.unwrap_err().contains("4 runs at most"));
    }
}
