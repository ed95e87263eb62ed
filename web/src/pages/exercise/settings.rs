//! The gradient exercise's settings and their URL form (`?page=exercise&…`). Pure: no
//! Yew or web-sys, so it is tested natively.
//!
//! | key | meaning, allowed values | default |
//! |---|---|---|
//! | `seed` | the problem: any whole number from 0 to 2⁶⁴−1 | 1 |
//! | `q` | what is asked: `gradient` (∂E/∂w) or `fa` (feedback alignment's update) | `gradient` |
//! | `embed` | `1` or `0`: only the exercise, no header, controls or footer | 0 |
//!
//! The seed is always written into the address bar, even the default, so a copied
//! link names its problem outright and a lecturer can give a whole class the same
//! one. A bad value is ignored with a [`Notice`] naming the key, what is allowed and
//! the default used; unknown keys likewise. The session's score is not a setting and
//! is never in the URL.

use bioprop::exercise::QuestionKind;

pub use crate::shell::query::Notice;
use crate::shell::query::{choice, whole, QueryWriter, Reader, Repeats};
use crate::shell::UrlSettings;

/// Everything the exercise page's URL can set.
#[derive(Clone, Debug, PartialEq)]
pub struct ExerciseSettings {
    pub seed: u64,
    pub kind: QuestionKind,
    pub embed: bool,
}

impl Default for ExerciseSettings {
    fn default() -> Self {
        ExerciseSettings {
            seed: 1,
            kind: QuestionKind::Gradient,
            embed: false,
        }
    }
}

/// The page's own keys (the shell adds `page` and `v`).
const KEYS: &[&str] = &["seed", "q", "embed"];

/// `q`'s value for each kind of question.
pub fn kind_name(kind: QuestionKind) -> &'static str {
    match kind {
        QuestionKind::Gradient => "gradient",
        QuestionKind::FaUpdate => "fa",
    }
}

/// The kind of question `q` names (case and spaces ignored).
pub fn kind_from_name(name: &str) -> Option<QuestionKind> {
    match name.trim().to_ascii_lowercase().as_str() {
        "gradient" => Some(QuestionKind::Gradient),
        "fa" => Some(QuestionKind::FaUpdate),
        _ => None,
    }
}

impl ExerciseSettings {
    /// The next problem: the following seed (wrapping at the top), same question kind.
    pub fn next_problem(&self) -> ExerciseSettings {
        ExerciseSettings {
            seed: self.seed.wrapping_add(1),
            ..self.clone()
        }
    }
}

impl UrlSettings for ExerciseSettings {
    fn from_query(query: &str) -> (Self, Vec<Notice>) {
        let mut s = ExerciseSettings::default();
        let mut reader = Reader::new(query, KEYS, Repeats::LastUsable);
        if let Some(seed) = reader.read("seed", |v| whole(v, 0, u64::MAX), || "using 1".to_owned())
        {
            s.seed = seed;
        }
        if let Some(kind) = reader.read(
            "q",
            |v| choice(v, "question", kind_from_name(v), "gradient or fa"),
            || "using gradient".to_owned(),
        ) {
            s.kind = kind;
        }
        s.embed = reader.read_flag("embed", s.embed);
        (s, reader.finish())
    }

    /// `?page=exercise&seed=N`, then the question kind and embed when not the defaults.
    fn to_query(&self) -> String {
        let d = ExerciseSettings::default();
        let mut query = QueryWriter::new("exercise");
        query.add("seed", self.seed);
        query.differs("q", kind_name(self.kind), kind_name(d.kind));
        query.flag("embed", self.embed, d.embed);
        query.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bare_page_opens_seed_1_and_writes_the_seed() {
        let (s, notices) = ExerciseSettings::from_query("?page=exercise");
        assert_eq!(s, ExerciseSettings::default());
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(s.to_query(), "?page=exercise&seed=1");
    }

    #[test]
    fn every_key_round_trips() {
        for s in [
            ExerciseSettings {
                seed: 17,
                kind: QuestionKind::FaUpdate,
                embed: true,
            },
            ExerciseSettings {
                seed: u64::MAX,
                kind: QuestionKind::Gradient,
                embed: false,
            },
            ExerciseSettings {
                seed: 0,
                kind: QuestionKind::FaUpdate,
                embed: false,
            },
        ] {
            let query = s.to_query();
            let (back, notices) = ExerciseSettings::from_query(&query);
            assert!(notices.is_empty(), "{query}: {notices:?}");
            assert_eq!(back, s, "{query}");
        }
        assert_eq!(
            ExerciseSettings::from_query("?page=exercise&seed=17&q=fa")
                .0
                .to_query(),
            "?page=exercise&seed=17&q=fa"
        );
        // Case and spaces are forgiven, as on the other pages.
        let (s, notices) = ExerciseSettings::from_query("?page=exercise&Q=%20FA%20&seed=%203");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!((s.seed, s.kind), (3, QuestionKind::FaUpdate));
    }

    #[test]
    fn each_bad_value_is_ignored_with_a_notice_naming_it() {
        // (query, key, text the message must hold: the allowed values or the default)
        let cases = [
            ("seed=-1", "seed", "from 0 to 18446744073709551615"),
            ("seed=abc", "seed", "using 1"),
            ("seed=1.5", "seed", "using 1"),
            ("seed=99999999999999999999999", "seed", "using 1"),
            ("seed=", "seed", "no value given"),
            ("q=hebb", "q", "gradient or fa"),
            ("q=", "q", "using gradient"),
            ("embed=2", "embed", "1 or 0"),
            ("task=xor", "task", "unknown parameter 'task'"),
        ];
        for (query, key, text) in cases {
            let (s, notices) = ExerciseSettings::from_query(&format!("?page=exercise&{query}"));
            assert_eq!(s, ExerciseSettings::default(), "{query}");
            assert_eq!(notices.len(), 1, "{query}: {notices:?}");
            assert_eq!(notices[0].param, key, "{query}");
            assert!(notices[0].message.contains(text), "{query}: {}", notices[0]);
        }
    }

    #[test]
    fn good_values_survive_next_to_bad_ones() {
        let (s, notices) =
            ExerciseSettings::from_query("?page=exercise&seed=9&q=fa&seed=x&q=nope&embed");
        assert_eq!(
            s,
            ExerciseSettings {
                seed: 9,
                kind: QuestionKind::FaUpdate,
                embed: true
            }
        );
        assert_eq!(notices.len(), 2, "{notices:?}");
    }

    #[test]
    fn the_next_problem_is_the_next_seed_with_the_same_question() {
        let s = ExerciseSettings {
            seed: 41,
            kind: QuestionKind::FaUpdate,
            embed: true,
        };
        let next = s.next_problem();
        assert_eq!(
            (next.seed, next.kind, next.embed),
            (42, QuestionKind::FaUpdate, true)
        );
        let last = ExerciseSettings {
            seed: u64::MAX,
            ..s
        };
        assert_eq!(last.next_problem().seed, 0);
    }
}
