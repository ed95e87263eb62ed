//! The runs of one session, as one typed, versioned configuration: the rules trained
//! side by side and the experiment they share.
//!
//! ```text
//! RunsConfig { version, rules: [r₁ … r_n], experiment, steps_per_frame, feedback_draw,
//!              learning_rates: [(r_i, η_i) …] }
//!     ──experiment_configs──▶ [experiment with rule r₁ (and η₁ if listed), …]
//! ```
//!
//! Each `r_i` is a [`RunRule`]: a rule, and whether its run drops `f′` — written
//! `"bp"` or `"custom:wt.no-fprime"`, as the CLI's `--rule` takes it. The experiment's
//! own `no_derivative` drops `f′` in every run, as it always did; a run listed without
//! `f′` drops it whatever that says. Configurations written before runs had their own
//! `f′` list rule names only, and read as they always did.
//!
//! The web page parses its URL once into a `RunsConfig` and sends it to the training
//! worker; an export or the CLI can read the same type (serde, e.g. JSON). The runs
//! differ only in their rule, and the random streams do not depend on the rule, so
//! they share initial weights, feedback matrices and the data order: a comparison of
//! rules from one start.
//!
//! `feedback_draw` says which draw of the feedback matrices the runs start from:
//! 0 is the one [`crate::Experiment::new`] makes, and each
//! [`crate::Experiment::resample_feedback`] draws the next from the same stream, so
//! a session resampled `n` times is reproduced by building it and resampling `n`
//! times ([`RunsConfig::redraw_feedback`]). It is absent (0) in configurations
//! written before it existed, which therefore read as they always did.
//!
//! `learning_rates` gives a run its own learning rate where the rules need different
//! ones (on `spirals` backprop learns at 0.08 while feedback alignment is still slow;
//! docs/science.md §3); a rule not listed trains at the experiment's `lr`. It too is
//! absent (empty) in older configurations.
//!
//! `data` names the data the runs learn from where the configuration alone cannot
//! make it: for a generated task the task and its seed (`experiment.task`,
//! `experiment.seed`) already say everything, and `data` is absent; for the digits it
//! gives the data set's name (`digits.bin`, or the IDX files chosen) and
//! [`DataIdentity::hash`], a hash of the digits' labels and pixels
//! ([`crate::task::mnist::digits_hash`]), so a reader given other digits can refuse
//! them rather than train on them. Absent (`None`) in older configurations.
//!
//! `version` says which shape of this type a stored or sent configuration has; a
//! reader refuses a version it does not know rather than guessing at its fields.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::experiment::{ConfigError, Experiment, ExperimentConfig};
use crate::rule::RunRule;

/// The version of [`RunsConfig`] this build writes and reads.
pub const RUNS_CONFIG_VERSION: u32 = 1;

/// Most training steps per frame a session may ask for.
pub const MAX_STEPS_PER_FRAME: u32 = 2000;

/// Highest [`RunsConfig::feedback_draw`]: each draw is redrawn when the runs are
/// built, so the bound keeps that quick (a class resamples a handful of times).
pub const MAX_FEEDBACK_DRAW: u32 = 1000;

/// The fields of a [`RunsConfig`] as JSON, which [`RunsConfig::from_json`] accepts.
const RUNS_CONFIG_FIELDS: [&str; 7] = [
    "version",
    "rules",
    "experiment",
    "steps_per_frame",
    "feedback_draw",
    "learning_rates",
    "data",
];

/// The fields of an [`ExperimentConfig`] as JSON.
const EXPERIMENT_CONFIG_FIELDS: [&str; 16] = [
    "task",
    "rule",
    "layers",
    "activation",
    "output_layer",
    "lr",
    "batch",
    "momentum",
    "weight_decay",
    "kp_decay",
    "seed",
    "no_derivative",
    "feedback_scale",
    "weight_init",
    "feedback_init",
    "log_every",
];

/// The runs of a session: one per rule, all from one experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunsConfig {
    /// [`RUNS_CONFIG_VERSION`] when written by this build.
    pub version: u32,
    /// The rules trained side by side, in the order shown; distinct runs (once the
    /// experiment's `no_derivative` is applied to each), at least one.
    pub rules: Vec<RunRule>,
    /// What every run shares. Its `rule` is replaced by each of `rules` in turn.
    pub experiment: ExperimentConfig,
    /// Training steps per frame while playing, 1 to [`MAX_STEPS_PER_FRAME`]; the
    /// experiment's `log_every` follows it where the runs are animated.
    pub steps_per_frame: u32,
    /// Which draw of the feedback matrices the runs start from, 0 to
    /// [`MAX_FEEDBACK_DRAW`]: 0 is the experiment's own, `n` the one after `n`
    /// resamples. Absent in older configurations, which read as 0.
    #[serde(default)]
    pub feedback_draw: u32,
    /// The runs that do not train at the experiment's `lr`: each rule (one of
    /// `rules`, at most once) with its own rate. Absent in older configurations,
    /// which read as empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub learning_rates: Vec<(RunRule, f32)>,
    /// The loaded data the runs learn from (the digits), by name and hash; `None` for
    /// generated data, which `experiment` names exactly, and in older configurations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<DataIdentity>,
}

/// Loaded data, named exactly: what it was called and a hash of its contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataIdentity {
    /// Where it came from, in words: `digits.bin`, or the chosen files' names.
    pub name: String,
    /// [`crate::task::mnist::digits_hash`] of the training and test digits, as 16
    /// lower-case hex digits (a string, so readers whose numbers are doubles keep
    /// every bit).
    pub hash: String,
}

impl DataIdentity {
    /// The identity of the digits `train` and `test`, called `name`.
    pub fn of_digits(
        name: impl Into<String>,
        train: &crate::task::mnist::Digits,
        test: &crate::task::mnist::Digits,
    ) -> Self {
        DataIdentity {
            name: name.into(),
            hash: format!("{:016x}", crate::task::mnist::digits_hash(train, test)),
        }
    }
}

/// A [`RunsConfig`] that cannot run; the message names the field and what is allowed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum RunsConfigError {
    #[error(
        "`version` {got} is not one this build knows (it reads version {RUNS_CONFIG_VERSION})"
    )]
    UnknownVersion { got: u32 },
    #[error("`rules` must name at least one rule")]
    NoRules,
    #[error("`rules` names `{rule}` twice; each rule runs once")]
    RepeatedRule { rule: RunRule },
    #[error("`steps_per_frame` must be between 1 and {MAX_STEPS_PER_FRAME}, got {got}")]
    StepsPerFrame { got: u32 },
    #[error("`feedback_draw` must be between 0 and {MAX_FEEDBACK_DRAW}, got {got}")]
    FeedbackDraw { got: u32 },
    #[error("`learning_rates` names `{rule}`, which is not one of `rules`")]
    LearningRateRule { rule: RunRule },
    #[error("`learning_rates` names `{rule}` twice; each run has one rate")]
    RepeatedLearningRate { rule: RunRule },
    #[error("the run of rule `{rule}`: {error}")]
    Experiment { rule: RunRule, error: ConfigError },
}

impl RunsConfig {
    /// A configuration of the current version.
    pub fn new(
        rules: impl IntoIterator<Item = impl Into<RunRule>>,
        experiment: ExperimentConfig,
        steps_per_frame: u32,
    ) -> Self {
        RunsConfig {
            version: RUNS_CONFIG_VERSION,
            rules: rules.into_iter().map(Into::into).collect(),
            experiment,
            steps_per_frame,
            feedback_draw: 0,
            learning_rates: Vec::new(),
            data: None,
        }
    }

    /// The learning rate the run of `rule` trains at: its own, or the experiment's.
    pub fn learning_rate(&self, rule: impl Into<RunRule>) -> f32 {
        let rule = rule.into();
        self.learning_rates
            .iter()
            .find(|(r, _)| *r == rule)
            .map_or(self.experiment.lr, |&(_, lr)| lr)
    }

    /// The rule each run trains, with the experiment's `no_derivative` applied: what
    /// makes the runs distinct.
    pub fn runs(&self) -> Vec<RunRule> {
        (self.rules.iter())
            .map(|run| RunRule::new(run.rule, run.no_derivative || self.experiment.no_derivative))
            .collect()
    }

    /// The runs of this configuration on a generated task, built as `bioprop run
    /// --config` and the page's worker build them: one [`Experiment`] per config of
    /// [`RunsConfig::experiment_configs`], with the feedback of draw `feedback_draw`.
    /// (On the digits, the runs share one loaded data set instead; the callers that
    /// load it build them, then call [`RunsConfig::redraw_feedback`].)
    ///
    /// # Errors
    ///
    /// As [`RunsConfig::experiment_configs`], or the first run core cannot build.
    pub fn experiments(&self) -> Result<Vec<Experiment>, RunsConfigError> {
        let mut runs = (self.rules.iter().zip(self.experiment_configs()?))
            .map(|(&rule, config)| {
                Experiment::new(&config)
                    .map_err(|error| RunsConfigError::Experiment { rule, error })
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.redraw_feedback(&mut runs);
        Ok(runs)
    }

    /// Gives `runs`, built from [`RunsConfig::experiment_configs`], the feedback
    /// matrices of draw `feedback_draw` by resampling that many times.
    pub fn redraw_feedback(&self, runs: &mut [Experiment]) {
        for run in runs {
            for _ in 0..self.feedback_draw {
                run.resample_feedback();
            }
        }
    }

    /// One config per run, in the order of `rules`, each validated: the experiment
    /// with its `rule` replaced, and its `lr` where `learning_rates` lists the rule.
    ///
    /// # Errors
    ///
    /// [`RunsConfigError`] for an unknown version, no or repeated rules, a step count
    /// out of range, a learning rate for a rule not run (or twice), or the first run
    /// whose experiment core rejects (a rate out of range among them).
    pub fn experiment_configs(&self) -> Result<Vec<ExperimentConfig>, RunsConfigError> {
        if self.version != RUNS_CONFIG_VERSION {
            return Err(RunsConfigError::UnknownVersion { got: self.version });
        }
        if self.rules.is_empty() {
            return Err(RunsConfigError::NoRules);
        }
        let mut seen = HashSet::new();
        if let Some(rule) = (self.rules.iter().zip(self.runs()))
            .find(|(_, run)| !seen.insert(*run))
            .map(|(rule, _)| *rule)
        {
            return Err(RunsConfigError::RepeatedRule { rule });
        }
        if !(1..=MAX_STEPS_PER_FRAME).contains(&self.steps_per_frame) {
            return Err(RunsConfigError::StepsPerFrame {
                got: self.steps_per_frame,
            });
        }
        if self.feedback_draw > MAX_FEEDBACK_DRAW {
            return Err(RunsConfigError::FeedbackDraw {
                got: self.feedback_draw,
            });
        }
        let mut rated = HashSet::new();
        for &(rule, _) in &self.learning_rates {
            if !self.rules.contains(&rule) {
                return Err(RunsConfigError::LearningRateRule { rule });
            }
            if !rated.insert(rule) {
                return Err(RunsConfigError::RepeatedLearningRate { rule });
            }
        }
        (self.rules.iter().zip(self.runs()))
            .map(|(&rule, run)| {
                let config = ExperimentConfig {
                    rule: run.rule,
                    // As the experiment says for every run (a rule without a hidden
                    // error ignores it), or this run's own.
                    no_derivative: run.no_derivative || self.experiment.no_derivative,
                    lr: self.learning_rate(rule),
                    ..self.experiment.clone()
                };
                config
                    .validate()
                    .map_err(|error| RunsConfigError::Experiment { rule, error })?;
                Ok(config)
            })
            .collect()
    }

    /// Reads a saved configuration: a `RunsConfig` as JSON (it has `rules` or
    /// `experiment`), or a single `ExperimentConfig` (one run of its `rule`). The
    /// command line (`bioprop run --config`) and the page's import read files with it.
    /// The result is not yet validated: see [`RunsConfig::validate`].
    ///
    /// # Errors
    ///
    /// A message naming what is wrong: text that is not JSON, JSON that is not an
    /// object, a field this type does not have, or a field of the wrong kind (serde's
    /// message, which names the field and what it expected).
    pub fn from_json(text: &str) -> Result<RunsConfig, String> {
        // The top-level keys first (their values skipped), so that a field that does not
        // belong is named rather than ignored; then the file read straight into its type.
        let object: std::collections::BTreeMap<String, serde::de::IgnoredAny> =
            serde_json::from_str(text).map_err(|e| {
                if e.is_data() {
                    "not a bioprop configuration: expected a JSON object with `rules` and \
                     `experiment`"
                        .to_owned()
                } else {
                    format!("not JSON: {e}")
                }
            })?;
        let runs = object.contains_key("experiment") || object.contains_key("rules");
        let known: &[&str] = if runs {
            &RUNS_CONFIG_FIELDS
        } else {
            &EXPERIMENT_CONFIG_FIELDS
        };
        if let Some(unknown) = object.keys().find(|key| !known.contains(&key.as_str())) {
            return Err(format!(
                "unknown field `{unknown}` (a {} has {})",
                if runs {
                    "runs configuration"
                } else {
                    "single experiment"
                },
                known.join(", ")
            ));
        }
        if runs {
            serde_json::from_str(text).map_err(|e| e.to_string())
        } else {
            let experiment: ExperimentConfig =
                serde_json::from_str(text).map_err(|e| e.to_string())?;
            Ok(RunsConfig::new(vec![experiment.rule], experiment, 1))
        }
    }

    /// Checks everything [`RunsConfig::experiment_configs`] checks.
    ///
    /// # Errors
    ///
    /// As [`RunsConfig::experiment_configs`].
    pub fn validate(&self) -> Result<(), RunsConfigError> {
        self.experiment_configs().map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::RuleKind;
    use crate::task::TaskKind;

    fn runs<const N: usize>(rules: [RuleKind; N]) -> Vec<RunRule> {
        rules.map(RunRule::from).to_vec()
    }

    fn xor_bp_fa() -> RunsConfig {
        RunsConfig::new(
            vec![RuleKind::Backprop, RuleKind::FeedbackAlignment],
            ExperimentConfig::for_task(TaskKind::Xor),
            5,
        )
    }

    #[test]
    fn round_trips_through_json() {
        let config = xor_bp_fa();
        let json = serde_json::to_string(&config).unwrap();
        assert!(json.contains("\"version\":1"), "{json}");
        assert!(json.contains("\"rules\":[\"bp\",\"fa\"]"), "{json}");
        let back: RunsConfig = serde_json::from_str(&json).unwrap();
        assert_eq!(back, config);
    }

    #[test]
    fn names_loaded_data_and_reads_files_written_before_it_could() {
        // Generated data: no `data` field is written.
        let generated = serde_json::to_string(&xor_bp_fa()).unwrap();
        assert!(!generated.contains("\"data\""), "{generated}");
        // A file without `data` (as written before the field existed) reads as None.
        let old: RunsConfig = serde_json::from_str(&generated).unwrap();
        assert_eq!(old.data, None);
        let named = RunsConfig {
            data: Some(DataIdentity {
                name: "digits.bin".into(),
                hash: "0123456789abcdef".into(),
            }),
            ..xor_bp_fa()
        };
        let json = serde_json::to_string(&named).unwrap();
        assert!(
            json.contains(r#""data":{"name":"digits.bin","hash":"0123456789abcdef"}"#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<RunsConfig>(&json).unwrap(), named);
    }

    #[test]
    fn the_field_lists_are_the_fields_written() {
        let keys = |value: serde_json::Value| -> Vec<String> {
            let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
            keys.sort();
            keys
        };
        let sorted = |fields: &[&str]| {
            let mut fields: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
            fields.sort();
            fields
        };
        let mut full = xor_bp_fa();
        full.learning_rates = vec![(RuleKind::Backprop.into(), 0.1)];
        full.data = Some(DataIdentity {
            name: "d".into(),
            hash: "0".into(),
        });
        full.experiment.output_layer = Some(crate::OutputLayer::Softmax);
        let value = serde_json::to_value(&full).unwrap();
        assert_eq!(
            keys(value["experiment"].clone()),
            sorted(&EXPERIMENT_CONFIG_FIELDS)
        );
        assert_eq!(keys(value), sorted(&RUNS_CONFIG_FIELDS));
    }

    #[test]
    fn a_saved_file_is_read_or_refused_naming_the_problem() {
        let config = xor_bp_fa();
        let json = serde_json::to_string_pretty(&config).unwrap();
        assert_eq!(RunsConfig::from_json(&json), Ok(config));
        // One experiment: one run of its rule.
        let single = RunsConfig::from_json(r#"{"task": {"kind": "xor"}, "rule": "bp"}"#);
        let single = single.unwrap();
        assert_eq!(single.rules, vec![RuleKind::Backprop]);
        assert_eq!(single.experiment.task.kind, TaskKind::Xor);
        let refusals = [
            ("{ rules: ", "not JSON"),
            ("[1, 2]", "expected a JSON object"),
            (
                r#"{"rules": ["bp"], "colour": "red"}"#,
                "unknown field `colour`",
            ),
            (r#"{"lr": 0.1, "speed": 3}"#, "unknown field `speed`"),
            (
                r#"{"rules": ["backprop!"], "experiment": {}}"#,
                "unknown rule `backprop!`",
            ),
            (
                r#"{"rules": ["bp"], "experiment": {"lr": "fast"}}"#,
                "invalid type",
            ),
            (r#"{"rules": ["bp"]}"#, "missing field"),
        ];
        for (text, message) in refusals {
            let error = RunsConfig::from_json(text).unwrap_err();
            assert!(error.contains(message), "{text}: {error}");
        }
    }

    #[test]
    fn one_config_per_rule_identical_but_for_the_rule() {
        let config = xor_bp_fa();
        let runs = config.experiment_configs().unwrap();
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0].rule, RuleKind::Backprop);
        assert_eq!(runs[1].rule, RuleKind::FeedbackAlignment);
        let same_rule = ExperimentConfig {
            rule: RuleKind::Backprop,
            ..runs[1].clone()
        };
        assert_eq!(same_rule, runs[0]);
    }

    #[test]
    fn refuses_what_it_cannot_run_and_names_the_field() {
        let unknown = RunsConfig {
            version: RUNS_CONFIG_VERSION + 1,
            ..xor_bp_fa()
        };
        assert_eq!(
            unknown.validate(),
            Err(RunsConfigError::UnknownVersion { got: 2 })
        );
        assert!(unknown
            .validate()
            .unwrap_err()
            .to_string()
            .contains("version"));

        let none = RunsConfig {
            rules: Vec::new(),
            ..xor_bp_fa()
        };
        assert_eq!(none.validate(), Err(RunsConfigError::NoRules));

        let twice = RunsConfig {
            rules: runs([RuleKind::FeedbackAlignment, RuleKind::FeedbackAlignment]),
            ..xor_bp_fa()
        };
        assert_eq!(
            twice.validate(),
            Err(RunsConfigError::RepeatedRule {
                rule: RuleKind::FeedbackAlignment.into()
            })
        );

        for got in [0, MAX_STEPS_PER_FRAME + 1] {
            let speed = RunsConfig {
                steps_per_frame: got,
                ..xor_bp_fa()
            };
            assert_eq!(
                speed.validate(),
                Err(RunsConfigError::StepsPerFrame { got })
            );
        }

        // Delta trains one layer: XOR's default hidden layer makes its run invalid,
        // while backprop's is fine; the error names the run.
        let delta = RunsConfig {
            rules: runs([RuleKind::Backprop, RuleKind::Delta]),
            ..xor_bp_fa()
        };
        let error = delta.validate().unwrap_err();
        assert!(
            matches!(
                error,
                RunsConfigError::Experiment {
                    rule: RunRule {
                        rule: RuleKind::Delta,
                        no_derivative: false
                    },
                    error: ConfigError::DeltaNeedsOneLayer { .. }
                }
            ),
            "{error:?}"
        );
        assert!(
            error.to_string().starts_with("the run of rule `delta`"),
            "{error}"
        );
    }

    #[test]
    fn draw_n_is_the_experiment_resampled_n_times() {
        let config = RunsConfig {
            feedback_draw: 3,
            ..xor_bp_fa()
        };
        let build = |config: &RunsConfig| -> Vec<Experiment> {
            let configs = config.experiment_configs().unwrap();
            configs
                .iter()
                .map(|c| Experiment::new(c).unwrap())
                .collect()
        };
        let mut drawn = build(&config);
        config.redraw_feedback(&mut drawn);
        let mut resampled = build(&xor_bp_fa());
        for run in &mut resampled {
            for _ in 0..3 {
                run.resample_feedback();
            }
        }
        let mut original = build(&xor_bp_fa());
        xor_bp_fa().redraw_feedback(&mut original);
        for ((drawn, resampled), original) in drawn.iter().zip(&resampled).zip(&original) {
            assert_eq!(drawn.snapshot().feedback, resampled.snapshot().feedback);
            assert_ne!(drawn.snapshot().feedback, original.snapshot().feedback);
        }
        assert_eq!(
            RunsConfig {
                feedback_draw: MAX_FEEDBACK_DRAW + 1,
                ..xor_bp_fa()
            }
            .validate(),
            Err(RunsConfigError::FeedbackDraw {
                got: MAX_FEEDBACK_DRAW + 1
            })
        );
    }

    #[test]
    fn a_config_written_before_feedback_draw_reads_as_draw_0() {
        let mut json: serde_json::Value = serde_json::to_value(xor_bp_fa()).unwrap();
        json.as_object_mut()
            .unwrap()
            .remove("feedback_draw")
            .unwrap();
        let read: RunsConfig = serde_json::from_value(json).unwrap();
        assert_eq!(read, xor_bp_fa());
        assert_eq!(read.feedback_draw, 0);
    }

    #[test]
    fn a_run_with_its_own_rate_differs_from_the_others_only_in_lr() {
        let config = RunsConfig {
            learning_rates: vec![(RuleKind::FeedbackAlignment.into(), 0.3)],
            ..xor_bp_fa()
        };
        let shared = xor_bp_fa().experiment.lr;
        assert_ne!(shared, 0.3);
        assert_eq!(config.learning_rate(RuleKind::Backprop), shared);
        assert_eq!(config.learning_rate(RuleKind::FeedbackAlignment), 0.3);
        let runs = config.experiment_configs().unwrap();
        assert_eq!((runs[0].lr, runs[1].lr), (shared, 0.3));
        let plain = xor_bp_fa().experiment_configs().unwrap();
        assert_eq!(runs[0], plain[0]);
        assert_eq!(
            ExperimentConfig {
                lr: shared,
                ..runs[1].clone()
            },
            plain[1]
        );
        // Through JSON and back; a config without own rates writes no such field,
        // so it reads as before in an older build.
        let json = serde_json::to_string(&config).unwrap();
        assert!(json.contains("\"learning_rates\":[[\"fa\",0.3]]"), "{json}");
        assert_eq!(serde_json::from_str::<RunsConfig>(&json).unwrap(), config);
        let plain_json = serde_json::to_string(&xor_bp_fa()).unwrap();
        assert!(!plain_json.contains("learning_rates"), "{plain_json}");
    }

    #[test]
    fn refuses_a_rate_for_a_rule_not_run_twice_or_out_of_range() {
        let stranger = RunsConfig {
            learning_rates: vec![(RuleKind::DirectFeedbackAlignment.into(), 0.1)],
            ..xor_bp_fa()
        };
        assert_eq!(
            stranger.validate(),
            Err(RunsConfigError::LearningRateRule {
                rule: RuleKind::DirectFeedbackAlignment.into()
            })
        );
        let twice = RunsConfig {
            learning_rates: vec![
                (RuleKind::Backprop.into(), 0.1),
                (RuleKind::Backprop.into(), 0.2),
            ],
            ..xor_bp_fa()
        };
        assert_eq!(
            twice.validate(),
            Err(RunsConfigError::RepeatedLearningRate {
                rule: RuleKind::Backprop.into()
            })
        );
        let negative = RunsConfig {
            learning_rates: vec![(RuleKind::FeedbackAlignment.into(), -1.0)],
            ..xor_bp_fa()
        };
        let error = negative.validate().unwrap_err();
        assert!(
            matches!(
                error,
                RunsConfigError::Experiment {
                    rule: RunRule {
                        rule: RuleKind::FeedbackAlignment,
                        no_derivative: false
                    },
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(error.to_string().contains("lr"), "{error}");
    }

    #[test]
    fn an_unknown_version_is_refused_after_reading_json() {
        let mut json: serde_json::Value = serde_json::to_value(xor_bp_fa()).unwrap();
        json["version"] = 7.into();
        let read: RunsConfig = serde_json::from_value(json).unwrap();
        assert_eq!(
            read.experiment_configs(),
            Err(RunsConfigError::UnknownVersion { got: 7 })
        );
    }

    #[test]
    fn a_run_without_f_prime_is_the_experiment_without_f_prime_for_that_run_only() {
        let text = r#"{"version":1,"rules":["bp","custom:b.no-fprime","custom:b"],
            "experiment":EXPERIMENT,"steps_per_frame":5}"#;
        let experiment = serde_json::to_string(&xor_bp_fa().experiment).unwrap();
        let config: RunsConfig =
            serde_json::from_str(&text.replace("EXPERIMENT", &experiment)).unwrap();
        let configs = config.experiment_configs().unwrap();
        let fa = RuleKind::FeedbackAlignment;
        assert_eq!(
            configs
                .iter()
                .map(|c| (c.rule, c.no_derivative))
                .collect::<Vec<_>>(),
            [(RuleKind::Backprop, false), (fa, true), (fa, false)]
        );
        // The composed runs are the named runs, bit for bit, trained alone: FA without
        // f′ as the experiment-wide flag always gave it.
        let train = |config: &ExperimentConfig| {
            let mut run = Experiment::new(config).unwrap();
            run.step(60).unwrap();
            run.weights_hash()
        };
        let alone = |no_derivative: bool| ExperimentConfig {
            rule: fa,
            no_derivative,
            ..xor_bp_fa().experiment
        };
        assert_eq!(train(&configs[1]), train(&alone(true)));
        assert_eq!(train(&configs[2]), train(&alone(false)));
        assert_ne!(train(&configs[1]), train(&configs[2]));
        // Written back in one spelling: `custom:b` is `fa`.
        let json = serde_json::to_string(&config).unwrap();
        assert!(
            json.contains(r#""rules":["bp","custom:b.no-fprime","fa"]"#),
            "{json}"
        );
    }

    #[test]
    fn the_experiment_flag_still_drops_f_prime_everywhere_and_makes_twins_repeats() {
        let mut every = xor_bp_fa();
        every.experiment.no_derivative = true;
        for config in every.experiment_configs().unwrap() {
            assert!(config.no_derivative);
        }
        every
            .rules
            .push(RunRule::new(RuleKind::FeedbackAlignment, true));
        assert_eq!(
            every.validate(),
            Err(RunsConfigError::RepeatedRule {
                rule: RunRule::new(RuleKind::FeedbackAlignment, true)
            })
        );
        let twins = RunsConfig {
            rules: vec![
                RuleKind::Backprop.into(),
                RunRule::new(RuleKind::Backprop, true),
            ],
            learning_rates: vec![(RunRule::new(RuleKind::Backprop, true), 0.2)],
            ..xor_bp_fa()
        };
        let configs = twins.experiment_configs().unwrap();
        assert_eq!(configs[0].lr, xor_bp_fa().experiment.lr);
        assert_eq!(configs[1].lr, 0.2);
    }
}
