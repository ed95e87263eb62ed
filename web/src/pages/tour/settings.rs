//! The tour's settings and their URL form (`?page=tour&…`), and moving between steps.
//! Pure: no Yew or web-sys, so it is tested natively.
//!
//! | key | meaning, allowed values | default |
//! |---|---|---|
//! | `step` | the step shown, by its id ([`super::steps::STEPS`]: `delta-rule`, `delta-xor`, …, `summary`) | the first, `delta-rule` |
//! | `embed` | `1` or `0`: the tour without the header, for a course site's frame | 0 |
//!
//! A bad `step` opens the first step with a notice naming the allowed ids; unknown keys
//! likewise give a notice. The last value of a repeated key that can be used wins.

use super::steps::{find, Step, STEPS};
pub use crate::shell::query::Notice;
use crate::shell::query::{choice, QueryWriter, Reader, Repeats};
use crate::shell::UrlSettings;

/// Everything the tour's URL can set.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TourSettings {
    /// The index of the step shown in [`STEPS`].
    pub step: usize,
    pub embed: bool,
}

/// The page's own keys (the shell adds `page` and `v`).
const KEYS: &[&str] = &["step", "embed"];

impl TourSettings {
    /// The step shown.
    pub fn current(&self) -> &'static Step {
        &STEPS[self.step.min(STEPS.len() - 1)]
    }

    /// The settings at step `index`, held to the tour's first and last steps.
    pub fn at(&self, index: usize) -> TourSettings {
        TourSettings {
            step: index.min(STEPS.len() - 1),
            ..self.clone()
        }
    }

    /// One step on; the last step stays where it is.
    pub fn next(&self) -> TourSettings {
        self.at(self.step.saturating_add(1))
    }

    /// One step back; the first step stays where it is.
    pub fn previous(&self) -> TourSettings {
        self.at(self.step.saturating_sub(1))
    }

    /// "3 / 17": the step's number from 1, and how many there are.
    pub fn position(&self) -> String {
        format!("{} / {}", self.step + 1, STEPS.len())
    }
}

impl UrlSettings for TourSettings {
    fn from_query(query: &str) -> (Self, Vec<Notice>) {
        let mut s = TourSettings::default();
        let mut reader = Reader::new(query, KEYS, Repeats::LastUsable);
        let ids: Vec<&str> = STEPS.iter().map(|step| step.id).collect();
        if let Some(index) = reader.read(
            "step",
            |v| choice(v, "step", find(v).map(|(i, _)| i), ids.join(", ")),
            || format!("opening the first step, {}", STEPS[0].id),
        ) {
            s.step = index;
        }
        s.embed = reader.read_flag("embed", s.embed);
        (s, reader.finish())
    }

    /// `?page=tour`, then the step's id unless it is the first, then `embed=1` if set.
    fn to_query(&self) -> String {
        let mut query = QueryWriter::new("tour");
        query.differs("step", self.current().id, STEPS[0].id);
        query.flag("embed", self.embed, false);
        query.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_round_trips_through_its_url() {
        for embed in [false, true] {
            for (index, step) in STEPS.iter().enumerate() {
                let settings = TourSettings { step: index, embed };
                let query = settings.to_query();
                if index > 0 {
                    assert!(query.contains(&format!("step={}", step.id)), "{query}");
                }
                let (back, notices) = TourSettings::from_query(&query);
                assert!(notices.is_empty(), "{query}: {notices:?}");
                assert_eq!(back, settings, "{query}");
            }
        }
        assert_eq!(TourSettings::default().to_query(), "?page=tour");
        let (s, _) = TourSettings::from_query("?page=tour&step=weight-transport");
        assert_eq!(s.current().id, "weight-transport");
    }

    #[test]
    fn a_bad_step_opens_the_first_with_a_notice_naming_the_steps() {
        for bad in ["step=nope", "step=", "step", "step=Weight-Transport"] {
            let (s, notices) = TourSettings::from_query(&format!("?page=tour&{bad}"));
            assert_eq!(s.step, 0, "{bad}");
            assert_eq!(notices.len(), 1, "{bad}: {notices:?}");
            let text = notices[0].to_string();
            assert!(text.starts_with("step: "), "{text}");
            assert!(
                text.contains("weight-transport") && text.contains("summary"),
                "{text}"
            );
            assert!(
                text.contains("opening the first step, delta-rule"),
                "{text}"
            );
        }
        // A usable value after a bad one counts; an unknown key gets its notice.
        let (s, notices) = TourSettings::from_query("?step=x&step=locality&colour=red&embed=1");
        assert_eq!(s.current().id, "locality");
        assert!(s.embed);
        assert_eq!(notices.len(), 2, "{notices:?}");
        assert_eq!(notices[1].param, "colour");
    }

    #[test]
    fn next_and_previous_stop_at_the_ends() {
        let first = TourSettings::default();
        assert_eq!(first.previous(), first);
        assert_eq!(first.next().step, 1);
        assert_eq!(first.next().previous(), first);
        let last = first.at(STEPS.len() - 1);
        assert_eq!(last.next(), last);
        assert_eq!(last.previous().step, STEPS.len() - 2);
        assert_eq!(first.at(usize::MAX), last, "held to the last step");
        // Walking on from the first visits every step once, in order.
        let mut at = first.clone();
        let mut visited = vec![at.step];
        while at.next() != at {
            at = at.next();
            visited.push(at.step);
        }
        assert_eq!(visited, (0..STEPS.len()).collect::<Vec<_>>());
        let embedded = TourSettings {
            step: 2,
            embed: true,
        };
        assert!(embedded.next().embed, "moving keeps embed");
        assert_eq!(first.position(), format!("1 / {}", STEPS.len()));
        assert_eq!(last.position(), format!("{0} / {0}", STEPS.len()));
    }
}
