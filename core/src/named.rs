//! The closed sets a user picks from by name — rules, activations, tasks, the
//! cerebellum's tasks, bases and signals, the microcircuit's modes and starts — and the
//! one lookup behind all of them.
//!
//! Each type states its names once, in its own `ALL` (the order menus and `bioprop
//! list` show) and `name` (the word serde, the CLI and URLs use). [`named!`] adds
//! [`Named`] on top, and with it `Display` (the name) and `FromStr` (case-insensitive,
//! surrounding blanks ignored; otherwise an [`UnknownName`] listing every name).

/// A type whose values are known by name.
pub trait Named: Copy + 'static {
    /// What the values are called in messages: "rule", "activation", ...
    const WHAT: &'static str;
    /// Every value, in the order menus and `bioprop list` show them.
    const ALL: &'static [Self];

    /// The name used by serde, the CLI and URLs.
    fn name(self) -> &'static str;

    /// The value called `name`, ignoring ASCII case.
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|value| value.name().eq_ignore_ascii_case(name))
    }

    /// Every name, comma-separated, in the order of [`Named::ALL`].
    fn names() -> String {
        Self::ALL
            .iter()
            .map(|value| value.name())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The value called `text` (surrounding blanks ignored, ASCII case too), or an
    /// [`UnknownName`] that lists every name.
    fn parse_name(text: &str) -> Result<Self, UnknownName> {
        Self::from_name(text.trim()).ok_or_else(|| UnknownName {
            what: Self::WHAT,
            got: text.to_owned(),
            expected: Self::names(),
        })
    }
}

/// A name that is not one of the allowed names (of a rule, an activation, ...).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{got}`; expected one of: {expected}")]
pub struct UnknownName {
    /// What was being named: "rule", "activation".
    pub what: &'static str,
    /// The name given.
    pub got: String,
    /// The allowed names, comma-separated.
    pub expected: String,
}

/// `named!(Type, "what")`: [`Named`] from the type's own `ALL` and `name`, plus
/// `Display` and `FromStr` by name. `named!(Type, "what", no FromStr)` leaves `FromStr`
/// out, for a type that parses its names its own way.
macro_rules! named {
    ($type:ty, $what:literal) => {
        $crate::named::named!($type, $what, no FromStr);

        impl ::std::str::FromStr for $type {
            type Err = $crate::UnknownName;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                <Self as $crate::Named>::parse_name(text)
            }
        }
    };
    ($type:ty, $what:literal, no FromStr) => {
        // `<$type>::ALL` and `<$type>::name` are the type's own (inherent items come
        // first), so each type still states its names in one place.
        impl $crate::Named for $type {
            const WHAT: &'static str = $what;
            const ALL: &'static [Self] = &<$type>::ALL;

            fn name(self) -> &'static str {
                <$type>::name(self)
            }
        }

        impl ::std::fmt::Display for $type {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(<$type>::name(*self))
            }
        }
    };
}
pub(crate) use named;

#[cfg(test)]
mod tests {
    use crate::cerebellum::{BasisKind, SignalKind};
    use crate::microcircuit::{Mode, Start};
    use crate::{Activation, CerebellumTask, Named, RuleKind, TaskKind};

    fn round_trips<T: Named + PartialEq + std::fmt::Debug + std::fmt::Display>() {
        for &value in T::ALL {
            assert_eq!(T::from_name(value.name()), Some(value));
            assert_eq!(
                T::parse_name(&format!(" {} ", value.name().to_uppercase())),
                Ok(value)
            );
            assert_eq!(value.to_string(), value.name());
        }
    }

    #[test]
    fn every_name_round_trips_through_the_trait() {
        round_trips::<Activation>();
        round_trips::<RuleKind>();
        round_trips::<TaskKind>();
        round_trips::<CerebellumTask>();
        round_trips::<BasisKind>();
        round_trips::<SignalKind>();
        round_trips::<Mode>();
        round_trips::<Start>();
    }

    #[test]
    fn an_unknown_name_lists_every_name() {
        let error = BasisKind::parse_name("boxcar").unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown basis `boxcar`; expected one of: leaky, alpha, delay"
        );
    }
}
