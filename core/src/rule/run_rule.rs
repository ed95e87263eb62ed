//! The rule of one run in a comparison: a rule, and whether `f′` multiplies its hidden
//! error (`docs/science.md` §1.5). Compared runs differ in these two only, so a
//! comparison can hold backprop beside backprop without `f′`.
//!
//! ```text
//! "fa"                  RunRule { rule: fa, no_derivative: false }
//! "custom:b"            the same run (a composition is named by the rule it equals)
//! "custom:b.no-fprime"  RunRule { rule: fa, no_derivative: true }
//! ```
//!
//! Its text is what the CLI's `--rule` takes, the page's links list and a saved
//! configuration holds: a rule's name, or `custom:CARRIER[.learn][.no-fprime]`
//! ([`Composition`]). It is written back in one spelling — the rule's name with `f′`,
//! the composition without — so a run has one name wherever it appears, and a
//! configuration written before runs had their own `f′` (a list of rule names) reads
//! as it always did.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Composition, RuleKind, COMPOSED_PREFIX};
use crate::named::Named;

/// A rule as one run trains it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RunRule {
    pub rule: RuleKind,
    /// `f′(z)` replaced by 1 in the hidden error ([`crate::ExperimentConfig::no_derivative`]).
    /// Always false for the rules without a hidden error (delta, shallow).
    pub no_derivative: bool,
}

impl RunRule {
    /// `rule`, with `f′` unless `no_derivative` (ignored where there is no hidden error,
    /// so each run has one value).
    pub fn new(rule: RuleKind, no_derivative: bool) -> Self {
        RunRule {
            rule,
            no_derivative: no_derivative && has_hidden_error(rule),
        }
    }

    /// The composition it is, if it has a hidden layer to compose for.
    pub fn composition(self) -> Option<Composition> {
        Composition::of(self.rule, self.no_derivative)
    }

    /// The short name legends use: the rule's, and `no f′` when it drops `f′`
    /// (`bp no f′`).
    pub fn label(self) -> String {
        if self.no_derivative {
            format!("{} no f′", self.rule.name())
        } else {
            self.rule.name().to_owned()
        }
    }

    /// What it is in words: "feedback alignment", "backprop without f′".
    pub fn title(self) -> String {
        if self.no_derivative {
            format!("{} without f′", self.rule.title())
        } else {
            self.rule.title().to_owned()
        }
    }

    /// Its colour: its rule's ([`super::RuleFacts::colour`]), darkened by a third
    /// without `f′` so the two runs of one rule stay apart in a chart.
    pub fn colour(self) -> [u8; 3] {
        let colour = self.rule.facts().colour;
        if self.no_derivative {
            colour.map(|v| (f32::from(v) * 0.62).round() as u8)
        } else {
            colour
        }
    }
}

/// Whether `rule` sends an error to a hidden layer, for `f′` to multiply.
fn has_hidden_error(rule: RuleKind) -> bool {
    !matches!(rule, RuleKind::Delta | RuleKind::Shallow)
}

impl From<RuleKind> for RunRule {
    fn from(rule: RuleKind) -> Self {
        RunRule::new(rule, false)
    }
}

/// A run is `rule` when it trains it with `f′` (or has no `f′` to drop).
impl PartialEq<RuleKind> for RunRule {
    fn eq(&self, rule: &RuleKind) -> bool {
        *self == RunRule::from(*rule)
    }
}

impl PartialEq<RunRule> for RuleKind {
    fn eq(&self, run: &RunRule) -> bool {
        run == self
    }
}

impl fmt::Display for RunRule {
    /// The rule's name, or the composition without `f′` (`custom:b.no-fprime`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.composition().filter(|_| self.no_derivative) {
            Some(composition) => composition.fmt(f),
            None => f.write_str(self.rule.name()),
        }
    }
}

impl FromStr for RunRule {
    type Err = String;

    /// A rule's name, or a composition that can train a layer; the error says what
    /// was wrong (an unknown name lists the rules, a refused composition the reason).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if !text
            .trim()
            .to_ascii_lowercase()
            .starts_with(COMPOSED_PREFIX)
        {
            return RuleKind::parse_name(text)
                .map(RunRule::from)
                .map_err(|error| format!("{error}, or custom:CARRIER[.learn][.no-fprime]"));
        }
        let composition: Composition = text.parse().map_err(|e| format!("{e}"))?;
        let resolved = composition.resolve().map_err(|e| format!("{e}"))?;
        Ok(RunRule::new(resolved.rule, resolved.no_derivative))
    }
}

impl Serialize for RunRule {
    fn serialize<S: Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        out.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RunRule {
    fn deserialize<D: Deserializer<'de>>(input: D) -> Result<Self, D::Error> {
        let text = String::deserialize(input)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_run_rule() -> impl Iterator<Item = RunRule> {
        RuleKind::ALL
            .into_iter()
            .flat_map(|rule| [false, true].map(|no| RunRule::new(rule, no)))
    }

    #[test]
    fn text_round_trips_in_one_spelling() {
        for run in every_run_rule() {
            let text = run.to_string();
            assert_eq!(text.parse::<RunRule>().unwrap(), run, "{text}");
        }
        let spelled = |text: &str| text.parse::<RunRule>().unwrap().to_string();
        assert_eq!(spelled("custom:b"), "fa");
        assert_eq!(spelled("custom:b.learn"), "kp");
        assert_eq!(spelled("custom:wt.no-fprime"), "custom:wt.no-fprime");
        assert_eq!(spelled(" FA "), "fa");
        assert_eq!(spelled("custom:none"), "shallow");
    }

    #[test]
    fn rules_without_a_hidden_error_have_no_f_prime_to_drop() {
        assert_eq!(
            RunRule::new(RuleKind::Shallow, true),
            RunRule::from(RuleKind::Shallow)
        );
        assert_eq!(
            RunRule::new(RuleKind::Delta, true),
            RunRule::from(RuleKind::Delta)
        );
    }

    #[test]
    fn bad_text_names_the_problem() {
        let unknown = "fb".parse::<RunRule>().unwrap_err();
        assert!(
            unknown.contains("bp") && unknown.contains("custom:"),
            "{unknown}"
        );
        let refused = "custom:wt.learn".parse::<RunRule>().unwrap_err();
        assert!(refused.contains("nothing of its own to learn"), "{refused}");
    }

    #[test]
    fn serde_writes_the_text_and_reads_old_rule_names() {
        let runs = vec![
            RunRule::from(RuleKind::Backprop),
            RunRule::new(RuleKind::FeedbackAlignment, true),
        ];
        let json = serde_json::to_string(&runs).unwrap();
        assert_eq!(json, r#"["bp","custom:b.no-fprime"]"#);
        assert_eq!(serde_json::from_str::<Vec<RunRule>>(&json).unwrap(), runs);
        // A rule list as RuleKind writes it reads as the same runs.
        let old = serde_json::to_string(&[RuleKind::Backprop, RuleKind::KolenPollack]).unwrap();
        assert_eq!(
            serde_json::from_str::<Vec<RunRule>>(&old).unwrap(),
            [RuleKind::Backprop, RuleKind::KolenPollack].map(RunRule::from)
        );
        assert!(serde_json::from_str::<RunRule>(r#""custom:d.learn""#).is_err());
    }

    #[test]
    fn the_run_without_f_prime_has_a_colour_and_name_of_its_own() {
        for rule in RuleKind::ALL.into_iter().filter(|&r| has_hidden_error(r)) {
            let with = RunRule::from(rule);
            let without = RunRule::new(rule, true);
            assert_ne!(with.colour(), without.colour(), "{rule}");
            assert_ne!(with.label(), without.label());
        }
        assert_eq!(
            RunRule::new(RuleKind::Backprop, true).title(),
            "backprop without f′"
        );
    }
}
