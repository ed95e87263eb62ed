//! A hidden layer's learning rule composed from parts (`docs/science.md` §1.5): what
//! carries the error back, whether `f′` multiplies it, and whether the feedback learns.
//!
//! ```text
//! custom:b                 B (fixed random), f′ on          = feedback alignment
//! custom:b.learn           B learning as in Kolen–Pollack   = Kolen–Pollack
//! custom:sign.no-fprime    s·sign(W)ᵀ, without f′           = sign symmetry without f′
//! ```
//!
//! Every composition that can train a hidden layer is one of the rules of
//! [`RuleKind`] with or without `f′`; [`Composition::resolve`] finds it from the rules'
//! declared facts ([`RuleKind::facts`]), so a composed rule runs the very code of the
//! rule it equals — bit for bit the same run. The combinations that cannot train a
//! layer, or make no sense, are refused with the reason.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use super::{FeedbackPath, RuleKind};

/// What carries the error back to a hidden layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Carrier {
    /// `W_{k+1}ᵀ`: the forward weights, transposed (weight transport).
    Transpose,
    /// A random matrix `B_{k+1}` of its own.
    Random,
    /// `s · sign(W_{k+1})ᵀ`: the forward weights' signs, one magnitude.
    Sign,
    /// `(|M_{k+1}| ∘ sign(W_{k+1}))ᵀ`: the signs, with fixed random magnitudes.
    SignRandomMagnitude,
    /// `D_k`: the output error straight to layer `k`.
    Direct,
    /// Nothing: hidden layers do not learn.
    Nothing,
}

impl Carrier {
    /// Every carrier, in the order the builder lists them.
    pub const ALL: [Carrier; 6] = [
        Carrier::Transpose,
        Carrier::Random,
        Carrier::Sign,
        Carrier::SignRandomMagnitude,
        Carrier::Direct,
        Carrier::Nothing,
    ];

    /// The name in the `custom:` syntax.
    pub const fn name(self) -> &'static str {
        match self {
            Carrier::Transpose => "wt",
            Carrier::Random => "b",
            Carrier::Sign => "sign",
            Carrier::SignRandomMagnitude => "sign-random",
            Carrier::Direct => "d",
            Carrier::Nothing => "none",
        }
    }

    /// What it carries, as the views write it.
    pub const fn label(self) -> &'static str {
        match self {
            Carrier::Transpose => "Wᵀ (the forward weights)",
            Carrier::Random => "a fixed random B",
            Carrier::Sign => "sign(W)ᵀ",
            Carrier::SignRandomMagnitude => "sign(W)ᵀ with fixed random magnitudes",
            Carrier::Direct => "the output error straight through D",
            Carrier::Nothing => "nothing (hidden layers do not learn)",
        }
    }

    /// The feedback path of the rule this carrier gives, with or without learning.
    const fn path(self, learns: bool) -> FeedbackPath {
        match (self, learns) {
            (Carrier::Transpose, _) => FeedbackPath::Transpose,
            (Carrier::Random, false) => FeedbackPath::FixedRandom,
            (Carrier::Random, true) => FeedbackPath::Learned,
            (Carrier::Sign, _) => FeedbackPath::Sign,
            (Carrier::SignRandomMagnitude, _) => FeedbackPath::SignRandomMagnitude,
            (Carrier::Direct, _) => FeedbackPath::Direct,
            (Carrier::Nothing, _) => FeedbackPath::Nothing,
        }
    }
}

/// A composed hidden-layer rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Composition {
    pub carrier: Carrier,
    /// Whether `f′(z)` multiplies the hidden error.
    pub derivative: bool,
    /// Whether the feedback matrix learns (Kolen–Pollack's transposed update and decay).
    pub learns: bool,
}

/// The rule a composition runs as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Resolved {
    pub rule: RuleKind,
    /// Drop `f′` from the hidden error ([`crate::ExperimentConfig::no_derivative`]).
    pub no_derivative: bool,
}

/// Why a composition is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CompositionError {
    #[error(
        "`{0}` in a composed rule: expected custom:CARRIER[.learn][.no-fprime] with CARRIER \
         one of wt, b, sign, sign-random, d, none"
    )]
    Syntax(String),
    #[error(
        "{carrier} is computed from the forward weights at every step, so it has nothing of its \
         own to learn: drop .learn (Kolen–Pollack's learning needs a matrix B of its own: \
         custom:b.learn)",
        carrier = .0.label()
    )]
    NothingToLearn(Carrier),
    #[error(
        "D links the output straight to a hidden layer, and no forward weight mirrors it, so \
         Kolen–Pollack's transposed update has nothing to copy: drop .learn, or use custom:b.learn"
    )]
    DirectCannotLearn,
    #[error(
        "with no feedback the hidden layers do not learn (the shallow learner), so {0} changes \
         nothing: use custom:none"
    )]
    NothingToModify(&'static str),
}

impl Composition {
    /// The composition of `rule` (with `f′` unless `no_derivative`); `None` for the
    /// delta rule, which has no hidden layer.
    pub fn of(rule: RuleKind, no_derivative: bool) -> Option<Composition> {
        let facts = rule.facts();
        let (carrier, learns) = match facts.feedback {
            FeedbackPath::Nothing if rule == RuleKind::Delta => return None,
            FeedbackPath::Nothing => (Carrier::Nothing, false),
            FeedbackPath::Transpose => (Carrier::Transpose, false),
            FeedbackPath::FixedRandom => (Carrier::Random, false),
            FeedbackPath::Learned => (Carrier::Random, true),
            FeedbackPath::Sign => (Carrier::Sign, false),
            FeedbackPath::SignRandomMagnitude => (Carrier::SignRandomMagnitude, false),
            FeedbackPath::Direct => (Carrier::Direct, false),
        };
        Some(Composition {
            carrier,
            derivative: !no_derivative || carrier == Carrier::Nothing,
            learns,
        })
    }

    /// The rule it runs as, found among the rules' declared facts; or why it cannot run.
    pub fn resolve(&self) -> Result<Resolved, CompositionError> {
        match (self.carrier, self.learns) {
            (Carrier::Transpose | Carrier::Sign | Carrier::SignRandomMagnitude, true) => {
                return Err(CompositionError::NothingToLearn(self.carrier));
            }
            (Carrier::Direct, true) => return Err(CompositionError::DirectCannotLearn),
            (Carrier::Nothing, true) => return Err(CompositionError::NothingToModify(".learn")),
            (Carrier::Nothing, false) if !self.derivative => {
                return Err(CompositionError::NothingToModify(".no-fprime"));
            }
            _ => {}
        }
        let path = self.carrier.path(self.learns);
        let rule = RuleKind::ALL
            .into_iter()
            .filter(|rule| *rule != RuleKind::Delta)
            .find(|rule| rule.facts().feedback == path)
            .expect("every feedback path a composition allows has a rule");
        Ok(Resolved {
            rule,
            no_derivative: !self.derivative,
        })
    }

    /// What it is, in words: "feedback alignment", "sign symmetry (uSF) without f′".
    pub fn describe(&self) -> Result<String, CompositionError> {
        let resolved = self.resolve()?;
        let title = resolved.rule.facts().title;
        Ok(if resolved.no_derivative {
            format!("{title} without f′")
        } else {
            title.to_owned()
        })
    }
}

/// The prefix of a composed rule's name.
pub const PREFIX: &str = "custom:";

impl fmt::Display for Composition {
    /// `custom:CARRIER[.learn][.no-fprime]`, the parts in that order.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PREFIX}{}", self.carrier.name())?;
        if self.learns {
            f.write_str(".learn")?;
        }
        if !self.derivative {
            f.write_str(".no-fprime")?;
        }
        Ok(())
    }
}

impl FromStr for Composition {
    type Err = CompositionError;

    /// Parses `custom:CARRIER[.learn][.no-fprime]` (the modifiers in any order, each
    /// at most once; case and surrounding spaces ignored). Parsing does not check the
    /// combination: [`Composition::resolve`] does, with the reason.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let lower = text.trim().to_ascii_lowercase();
        let syntax = || CompositionError::Syntax(text.to_owned());
        let body = lower.strip_prefix(PREFIX).ok_or_else(syntax)?;
        let mut parts = body.split('.');
        let carrier_name = parts.next().ok_or_else(syntax)?;
        let carrier = Carrier::ALL
            .into_iter()
            .find(|c| c.name() == carrier_name)
            .ok_or_else(syntax)?;
        let mut composition = Composition {
            carrier,
            derivative: true,
            learns: false,
        };
        for part in parts {
            match part {
                "learn" if !composition.learns => composition.learns = true,
                "no-fprime" if composition.derivative => composition.derivative = false,
                _ => return Err(syntax()),
            }
        }
        Ok(composition)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_composition() -> impl Iterator<Item = Composition> {
        Carrier::ALL.into_iter().flat_map(|carrier| {
            [(true, false), (true, true), (false, false), (false, true)]
                .into_iter()
                .map(move |(derivative, learns)| Composition {
                    carrier,
                    derivative,
                    learns,
                })
        })
    }

    #[test]
    fn every_rule_with_a_hidden_layer_is_a_composition_of_itself() {
        for rule in RuleKind::ALL {
            for no_derivative in [false, true] {
                let Some(composition) = Composition::of(rule, no_derivative) else {
                    assert_eq!(rule, RuleKind::Delta);
                    continue;
                };
                let resolved = composition.resolve().unwrap();
                assert_eq!(resolved.rule, rule, "{composition}");
                // The shallow learner has no hidden error for f′ to multiply.
                let expected = no_derivative && rule != RuleKind::Shallow;
                assert_eq!(resolved.no_derivative, expected, "{composition}");
            }
        }
    }

    #[test]
    fn the_known_rules_by_name() {
        let cases = [
            ("custom:wt", RuleKind::Backprop, "backprop"),
            (
                "custom:b",
                RuleKind::FeedbackAlignment,
                "feedback alignment",
            ),
            ("custom:b.learn", RuleKind::KolenPollack, "Kolen–Pollack"),
            ("custom:sign", RuleKind::SignSymmetry, "sign symmetry (uSF)"),
            (
                "custom:sign-random",
                RuleKind::SignSymmetryRandomMagnitude,
                "sign symmetry, random magnitude (frSF)",
            ),
            (
                "custom:d",
                RuleKind::DirectFeedbackAlignment,
                "direct feedback alignment",
            ),
            (
                "custom:none",
                RuleKind::Shallow,
                "shallow (last layer only)",
            ),
        ];
        for (text, rule, title) in cases {
            let composition: Composition = text.parse().unwrap();
            assert_eq!(composition.resolve().unwrap().rule, rule, "{text}");
            assert_eq!(composition.describe().unwrap(), title);
        }
        let no_f: Composition = "custom:b.no-fprime".parse().unwrap();
        assert_eq!(no_f.describe().unwrap(), "feedback alignment without f′");
    }

    #[test]
    fn text_round_trips_and_modifiers_come_in_any_order() {
        for composition in every_composition() {
            let text = composition.to_string();
            assert_eq!(text.parse::<Composition>().unwrap(), composition, "{text}");
        }
        let a: Composition = " Custom:B.no-fprime.learn ".parse().unwrap();
        assert_eq!(a.to_string(), "custom:b.learn.no-fprime");
    }

    #[test]
    fn bad_text_is_refused_with_the_syntax() {
        for bad in [
            "b",
            "custom:",
            "custom:q",
            "custom:b.learn.learn",
            "custom:b.fast",
            "custom:b.",
        ] {
            let error = bad.parse::<Composition>().unwrap_err();
            assert!(matches!(error, CompositionError::Syntax(_)), "{bad}");
            assert!(
                error.to_string().contains("custom:CARRIER"),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn impossible_combinations_are_explained() {
        let refused: Vec<(Composition, CompositionError)> = every_composition()
            .filter_map(|c| c.resolve().err().map(|e| (c, e)))
            .collect();
        // learn with wt, sign, sign-random, d, none (each with f′ on and off), and
        // none without f′.
        assert_eq!(refused.len(), 11, "{refused:?}");
        let reason = |text: &str| text.parse::<Composition>().unwrap().resolve().unwrap_err();
        assert!(reason("custom:wt.learn")
            .to_string()
            .contains("nothing of its own to learn"));
        assert!(reason("custom:d.learn")
            .to_string()
            .contains("no forward weight mirrors it"));
        assert!(reason("custom:none.no-fprime")
            .to_string()
            .contains("shallow"));
        // Everything else resolves.
        assert_eq!(every_composition().count() - refused.len(), 13);
    }
}
