//! The delta rule as a view of its own (`rule=delta`): one layer of weights, the
//! update of one chosen synapse written out with its numbers, and the way on to a
//! hidden layer. Pure Rust with no Yew import, tested natively; the drawing is
//! `delta_view.rs`.
//!
//! ```text
//! v = W u + b          (softmax(W u + b) for a classification task)
//! Δw_ij = −η (v_i − y_i) u_j        averaged over the minibatch when b > 1
//! ```
//!
//! `DeltaRule` in `core/src/rule.rs` computes exactly this (docs/science.md §0, §1.2):
//! `e = v − y` is the derivative of the loss by the output's pre-activation for both
//! a linear output with squared error and a softmax with cross-entropy, so no `f′`
//! appears. The numbers come from core's [`SynapseUpdate`], which the worker sends
//! for the synapse the page watches ([`super::worker::Command::Watch`]).
//!
//! The chosen synapse is in the URL as `synapse=i-j` (1-based: output `i`, input
//! `j`, the lecture's `w_ij`); without it the view shows `w_11`.

use std::fmt;

use bioprop::experiment::SynapseUpdate;
use bioprop::rule::RuleKind;
use bioprop::task::TaskKind;

use super::inspect::{key_action, Inspect, KeyAction};
use super::settings::{Notice, Settings};
use crate::shell::query::{shown, Problem};

/// A synapse `w_ij` of the one layer, numbered from 1 as the lecture writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Synapse {
    /// `i`: the output unit, 1-based.
    pub output: usize,
    /// `j`: the input unit, 1-based.
    pub input: usize,
}

impl Synapse {
    /// `w_11`, the synapse shown when the link names none.
    pub const FIRST: Synapse = Synapse {
        output: 1,
        input: 1,
    };

    /// The 0-based `(i, j)` the worker and core use.
    pub fn index(self) -> (usize, usize) {
        (self.output - 1, self.input - 1)
    }
}

/// As the URL writes it: `i-j`.
impl fmt::Display for Synapse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.output, self.input)
    }
}

/// Reads `i-j` (two whole numbers from 1); whether the layer has that synapse is
/// checked against the layer sizes by [`check_synapse`].
pub fn parse_synapse(value: &str) -> Result<Synapse, Problem> {
    let allowed = "output-input, two whole numbers from 1, e.g. 3-7 for w₃,₇";
    let bad = || Problem::new(format!("'{}' is not a synapse", shown(value)), allowed);
    let (i, j) = value.trim().split_once('-').ok_or_else(bad)?;
    let number = |text: &str| text.trim().parse::<usize>().ok().filter(|&n| n >= 1);
    match (number(i), number(j)) {
        (Some(output), Some(input)) => Ok(Synapse { output, input }),
        _ => Err(bad()),
    }
}

/// Whether `settings` shows the delta rule's own view: a single run of `delta`.
pub fn is_delta_view(settings: &Settings) -> bool {
    !settings.is_compare() && settings.rule == RuleKind::Delta
}

/// The layer widths the runs of `settings` use (empty if they cannot run).
pub fn layers(settings: &Settings) -> Vec<usize> {
    settings
        .experiment_configs()
        .ok()
        .and_then(|configs| configs.into_iter().next())
        .map(|config| config.layers)
        .unwrap_or_default()
}

/// Whether the runs of `settings` have a hidden layer: without one there are no
/// angles to chart, no feedback matrices, no hidden activation and no `f′` to drop.
pub fn has_hidden_layer(settings: &Settings) -> bool {
    layers(settings).len() > 2
}

/// The synapse the delta view shows: the link's, or `w_11`.
pub fn chosen(settings: &Settings) -> Synapse {
    settings.synapse.unwrap_or(Synapse::FIRST)
}

/// What a `synapse` outside the delta view is told (it is ignored, as a bad value is).
pub const ONLY_IN_DELTA_VIEW: &str =
    "only the delta rule's view (rule=delta) shows a chosen synapse; ignored";

/// After the other keys are read and checked against core: a `synapse` the layer
/// does not have is dropped with a notice, as a bad value of any key is.
pub fn check_synapse(settings: &mut Settings) -> Option<Notice> {
    let synapse = settings.synapse?;
    let layers = layers(settings);
    let (&inputs, &outputs) = (layers.first()?, layers.last()?);
    if synapse.output <= outputs && synapse.input <= inputs {
        return None;
    }
    settings.synapse = None;
    Some(Notice::new(
        "synapse",
        format!(
            "the {inputs}-{outputs} layer has no synapse {synapse} (allowed: output 1 to \
             {outputs}, input 1 to {inputs}); using 1-1"
        ),
    ))
}

/// The settings after choosing "Delta rule (one layer)": a single run of `delta` on
/// the same task, with the task's input and output layers and the first synapse.
pub fn choose_delta(settings: &Settings) -> Settings {
    Settings {
        rule: RuleKind::Delta,
        compare: Vec::new(),
        layers: None,
        activation: None,
        no_derivative: false,
        synapse: None,
        inspect: None,
        ..settings.clone()
    }
}

/// The settings after "add a hidden layer": backprop against feedback alignment on
/// the same task, with the task's hidden layers (the default page's comparison).
pub fn add_hidden_layer(settings: &Settings) -> Settings {
    let default = Settings::default();
    Settings {
        rule: default.rule,
        compare: default.compare,
        layers: None,
        activation: None,
        synapse: None,
        inspect: None,
        ..settings.clone()
    }
}

/// The one layer's synapse as the locality inspector names it: `W₁[i, j]`.
pub fn as_inspect(synapse: Synapse) -> Inspect {
    Inspect {
        layer: 1,
        post: synapse.output,
        pre: synapse.input,
    }
}

/// The settings after a click on `synapse`'s edge: it is the one written out, and the
/// locality inspector opens on it, as a click on the network diagram opens it.
pub fn pick_synapse(settings: &Settings, synapse: Synapse) -> Settings {
    Settings {
        synapse: Some(synapse),
        inspect: Some(as_inspect(synapse)),
        ..settings.clone()
    }
}

/// The settings after `key` on the focused diagram, with the network diagram's map
/// ([`key_action`]): the arrows move the chosen synapse (Shift: the output unit), the
/// inspector following it when open; Enter inspects it; Escape closes. `None` for a
/// key the diagram leaves to the page.
pub fn on_key(settings: &Settings, key: &str, shift: bool) -> Option<Settings> {
    let at = chosen(settings);
    let open = settings.inspect.is_some();
    Some(
        match key_action(key, shift, as_inspect(at), &layers(settings))? {
            KeyAction::Move(to) => {
                let synapse = Synapse {
                    output: to.post,
                    input: to.pre,
                };
                Settings {
                    synapse: Some(synapse),
                    inspect: open.then(|| as_inspect(synapse)),
                    ..settings.clone()
                }
            }
            KeyAction::Open => pick_synapse(settings, at),
            KeyAction::Close => Settings {
                inspect: None,
                ..settings.clone()
            },
        },
    )
}

/// The settings on `task`, as the Task control changes it: the new task's own sizes,
/// activation, learning rate, batch and noise, and the first synapse.
pub fn switch_task(settings: &Settings, task: TaskKind) -> Settings {
    settings.with_task(task)
}

/// The tasks the delta view offers beside each other: one a single layer learns, one
/// it cannot (docs/science.md §1.2).
pub const LESSON_TASKS: [(TaskKind, &str); 2] = [
    (
        TaskKind::LinearTeacher,
        "linear teacher: a linear map, which one layer can learn",
    ),
    (
        TaskKind::Xor,
        "xor: not linearly separable, which one layer cannot learn",
    ),
];

/// One row of the readout's table: a sample's `u_j`, `v_i`, `y_i`, `v_i − y_i` and
/// their product, as shown.
#[derive(Clone, Debug, PartialEq)]
pub struct SampleRow {
    pub u: String,
    pub v: String,
    pub y: String,
    pub error: String,
    pub product: String,
}

/// The readout of the chosen synapse's latest update, every number formatted as the
/// view shows it (4 significant digits; `w` with enough decimals to show `Δw`).
#[derive(Clone, Debug, PartialEq)]
pub struct Readout {
    pub step: u64,
    pub eta: String,
    pub batch: usize,
    /// The first samples, one row each.
    pub rows: Vec<SampleRow>,
    /// How many samples of the minibatch are not listed.
    pub unlisted: usize,
    /// `(1/b) Σ (v_i − y_i) u_j`; for one sample its single product.
    pub mean_product: String,
    pub delta_w: String,
    /// `w_ij` before and after the update.
    pub w_before: String,
    pub w_after: String,
}

impl Readout {
    /// The readout of `update`: every number is core's, except `w` before the update,
    /// which is `w` after it minus `Δw`.
    pub fn of(update: &SynapseUpdate) -> Self {
        let rows = update
            .samples
            .iter()
            .map(|s| SampleRow {
                u: significant(s.presynaptic),
                v: significant(s.output),
                y: significant(s.target),
                error: significant(s.error),
                product: significant(s.error * s.presynaptic),
            })
            .collect::<Vec<_>>();
        let decimals = weight_decimals(update.weight, update.increment);
        Readout {
            step: update.step,
            // η as the learning-rate box shows it (the shortest decimal of the f32).
            eta: update.learning_rate.to_string(),
            batch: update.batch,
            unlisted: update.batch.saturating_sub(rows.len()),
            rows,
            mean_product: significant(update.mean_product),
            delta_w: significant(update.increment),
            w_before: fixed(update.weight - update.increment, decimals),
            w_after: fixed(update.weight, decimals),
        }
    }
}

/// `value` to 4 significant digits: fixed below 10⁴ and down to 10⁻³, `e` notation
/// beyond (`-2.194e-5`), a true minus sign, `0` for zero.
pub fn significant(value: f32) -> String {
    if value == 0.0 {
        return "0".to_owned();
    }
    if !value.is_finite() {
        return value.to_string();
    }
    let magnitude = value.abs();
    let text = if (1e-3..1e4).contains(&magnitude) {
        let decimals = (3 - magnitude.log10().floor() as i32).max(0) as usize;
        format!("{magnitude:.decimals$}")
    } else {
        format!("{magnitude:.3e}")
    };
    if value < 0.0 {
        format!("−{text}")
    } else {
        text
    }
}

/// Decimals that show `w` to at least 4 significant digits and `Δw` to 2, at most 9.
fn weight_decimals(weight: f32, increment: f32) -> usize {
    let needed = |value: f32, digits: i32| {
        if value == 0.0 || !value.is_finite() {
            0
        } else {
            digits - 1 - value.abs().log10().floor() as i32
        }
    };
    needed(weight, 4).max(needed(increment, 2)).clamp(1, 9) as usize
}

/// `text` in parentheses when it is negative, as a factor in a product is written.
pub fn factor(text: &str) -> String {
    if text.starts_with('−') {
        format!("({text})")
    } else {
        text.to_owned()
    }
}

fn fixed(value: f32, decimals: usize) -> String {
    let text = format!("{:.decimals$}", value.abs());
    if value < 0.0 {
        format!("−{text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::UrlSettings;
    use bioprop::experiment::SynapseSample;

    fn checked(query: &str) -> (Settings, Vec<String>) {
        let (s, notices) = Settings::from_query(query);
        (s, notices.iter().map(|n| n.to_string()).collect())
    }

    #[test]
    fn a_link_keeps_its_synapse_and_writes_it_back() {
        let (s, notices) = checked("?rule=delta&synapse=3-7");
        assert_eq!(notices, Vec::<String>::new());
        assert_eq!(
            s.synapse,
            Some(Synapse {
                output: 3,
                input: 7
            })
        );
        assert_eq!(chosen(&s).index(), (2, 6));
        assert_eq!(s.to_query(), "?rule=delta&synapse=3-7");
        assert_eq!(layers(&s), [30, 10]);
        assert!(is_delta_view(&s) && !has_hidden_layer(&s));
        // Without one, w_11; the bare delta link is unchanged.
        let (s, notices) = checked("?rule=delta");
        assert!(notices.is_empty());
        assert_eq!((s.synapse, chosen(&s)), (None, Synapse::FIRST));
        assert_eq!(s.to_query(), "?rule=delta");
    }

    #[test]
    fn a_synapse_the_layer_lacks_or_outside_the_delta_view_is_ignored_with_a_notice() {
        let cases = [
            (
                "?rule=delta&synapse=11-1",
                "synapse: the 30-10 layer has no synapse 11-1 (allowed: output 1 to 10, input 1 to 30); using 1-1",
            ),
            (
                "?task=xor&rule=delta&synapse=1-3",
                "synapse: the 2-2 layer has no synapse 1-3 (allowed: output 1 to 2, input 1 to 2); using 1-1",
            ),
            ("?synapse=2-2", &format!("synapse: {ONLY_IN_DELTA_VIEW}")),
            ("?rule=fa&synapse=2-2", &format!("synapse: {ONLY_IN_DELTA_VIEW}")),
            (
                "?rule=delta&synapse=0-2",
                "synapse: '0-2' is not a synapse (allowed: output-input, two whole numbers from 1, e.g. 3-7 for w₃,₇); using 1-1",
            ),
            (
                "?rule=delta&synapse=x",
                "synapse: 'x' is not a synapse (allowed: output-input, two whole numbers from 1, e.g. 3-7 for w₃,₇); using 1-1",
            ),
        ];
        for (query, notice) in cases {
            let (s, notices) = checked(query);
            assert_eq!(notices, [notice.to_string()], "{query}");
            assert_eq!(s.synapse, None, "{query}");
            assert!(s.experiment_configs().is_ok());
        }
    }

    #[test]
    fn choosing_the_delta_rule_and_adding_a_hidden_layer_round_trip() {
        let start = Settings::default();
        let delta = choose_delta(&start);
        assert_eq!(delta.to_query(), "?rule=delta");
        assert_eq!(layers(&delta), [30, 10]);
        assert!(!has_hidden_layer(&delta) && has_hidden_layer(&start));
        assert_eq!(add_hidden_layer(&delta), start, "back to the default page");

        // From a comparison on xor with its own layers and activation.
        let (xor, _) = checked("?task=xor&compare=fa,dfa&layers=2-16-2&act=relu&seed=4");
        let delta = choose_delta(&xor);
        assert_eq!(delta.to_query(), "?task=xor&rule=delta&seed=4");
        assert_eq!(layers(&delta), [2, 2]);
        let picked = Settings {
            synapse: Some(Synapse {
                output: 2,
                input: 1,
            }),
            ..delta
        };
        assert_eq!(checked(&picked.to_query()), (picked.clone(), Vec::new()));
        let hidden = add_hidden_layer(&picked);
        assert_eq!(hidden.to_query(), "?task=xor&seed=4");
        assert_eq!(layers(&hidden), [2, 8, 8, 2]);
        assert_eq!(
            hidden.rules(),
            [RuleKind::Backprop, RuleKind::FeedbackAlignment]
        );
    }

    #[test]
    fn switching_task_in_the_delta_view_forgets_the_synapse_and_the_old_sizes() {
        let (s, _) = checked("?rule=delta&synapse=9-30&lr=0.01&batch=5");
        for (task, _) in LESSON_TASKS {
            let next = switch_task(&s, task);
            let (opened, notices) = checked(&next.to_query());
            assert!(notices.is_empty(), "{task}: {notices:?}");
            assert_eq!(opened, next);
            assert_eq!((next.synapse, next.lr, next.batch), (None, None, None));
            assert!(is_delta_view(&next) && !has_hidden_layer(&next));
        }
        assert_eq!(
            switch_task(&s, TaskKind::Xor).to_query(),
            "?task=xor&rule=delta"
        );
    }

    #[test]
    fn parse_synapse_reads_output_then_input() {
        assert_eq!(
            parse_synapse(" 3-7 "),
            Ok(Synapse {
                output: 3,
                input: 7
            })
        );
        for bad in ["", "3", "3-", "-7", "3-7-1", "a-b", "0-1", "1-0", "3,7"] {
            assert!(parse_synapse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Synapse {
                output: 3,
                input: 7
            }
            .to_string(),
            "3-7"
        );
    }

    #[test]
    fn numbers_keep_four_significant_digits() {
        assert_eq!(significant(0.0), "0");
        assert_eq!(significant(0.005), "0.005000");
        assert_eq!(significant(-1.23456), "−1.235");
        assert_eq!(significant(123.456), "123.5");
        assert_eq!(significant(-2.19444e-5), "−2.194e-5");
        assert_eq!(significant(12346.0), "1.235e4");
        // Every form reads back as a number (what the browser test does).
        for v in [0.005_f32, -1.23456, 123.456, -2.19444e-5, 7.0e-4, 0.001] {
            let back: f32 = significant(v).replace('−', "-").parse().unwrap();
            assert!((back - v).abs() <= 5e-4 * v.abs(), "{v} → {back}");
        }
    }

    #[test]
    fn the_weight_shows_its_change() {
        assert_eq!(weight_decimals(0.004512, 2.19e-4), 6);
        assert_eq!(weight_decimals(0.5, 1.0e-5), 6);
        assert_eq!(weight_decimals(0.5, 0.0), 4);
        assert_eq!(weight_decimals(1e-12, 1e-12), 9);
    }

    #[test]
    fn the_readout_writes_out_core_numbers() {
        let update = SynapseUpdate {
            step: 7,
            output: 2,
            input: 6,
            learning_rate: 0.005,
            batch: 3,
            samples: vec![
                SynapseSample {
                    presynaptic: 0.5,
                    output: 0.25,
                    target: 1.0,
                    error: -0.75,
                },
                SynapseSample {
                    presynaptic: -1.0,
                    output: 0.5,
                    target: 0.0,
                    error: 0.5,
                },
            ],
            mean_product: -0.291_666_7,
            increment: 0.001_458_333,
            weight: 0.101_458_33,
        };
        let r = Readout::of(&update);
        assert_eq!((r.step, r.batch, r.unlisted), (7, 3, 1));
        assert_eq!(r.eta, "0.005");
        assert_eq!(r.rows[0].error, "−0.7500");
        assert_eq!(r.rows[0].product, "−0.3750");
        assert_eq!(r.rows[1].product, "−0.5000");
        assert_eq!(r.mean_product, "−0.2917");
        assert_eq!(r.delta_w, "0.001458");
        assert_eq!(
            (r.w_before.as_str(), r.w_after.as_str()),
            ("0.1000", "0.1015")
        );
    }
}
