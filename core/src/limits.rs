//! The one range check behind every model's configuration.
//!
//! Each model validates its settings once, up front, and names the offending field and
//! what it allows. The check is the same everywhere — the value must be finite and
//! inside the field's range — so it lives here; each model's `ConfigError` turns an
//! [`OutOfRange`] into its own `OutOfRange` variant (`?` does it through `From`, written
//! once by [`config_error_from!`]).

use crate::experiment::{MAX_LAYERS, MAX_SCALE, MAX_UNITS};
use crate::task::InitSpec;

/// A field whose value is not allowed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OutOfRange<A> {
    pub field: &'static str,
    /// What the field allows, e.g. "in (0, 1000]".
    pub allowed: A,
    pub got: f64,
}

/// `Ok` if `value` is finite and `ok(value)` holds; otherwise the field, what it allows
/// (made only then, so a message that formats numbers costs nothing on success) and
/// the value.
pub(crate) fn check<T: Copy + Into<f64>, A>(
    field: &'static str,
    value: T,
    allowed: impl FnOnce() -> A,
    ok: impl FnOnce(T) -> bool,
) -> Result<(), OutOfRange<A>> {
    let got = value.into();
    if got.is_finite() && ok(value) {
        Ok(())
    } else {
        Err(OutOfRange {
            field,
            allowed: allowed(),
            got,
        })
    }
}

/// `Ok` if `value` (a count such as `log_every`) is at least 1.
pub(crate) fn check_at_least_one(
    field: &'static str,
    value: u64,
) -> Result<(), OutOfRange<&'static str>> {
    check(field, value as f64, || "at least 1", |v| v >= 1.0)
}

/// Checks the scale of every uniform init among `inits`, in [0, 1000] (the other inits
/// have none); `field` names the scale, e.g. `weight_init.scale`.
pub(crate) fn check_init_scales(
    inits: impl IntoIterator<Item = (&'static str, Option<InitSpec>)>,
) -> Result<(), OutOfRange<&'static str>> {
    for (field, init) in inits {
        if let Some(InitSpec::Uniform { scale }) = init {
            check(
                field,
                scale,
                || "in [0, 1000]",
                |v| (0.0..=MAX_SCALE).contains(&v),
            )?;
        }
    }
    Ok(())
}

/// A layer list that does not fit: what both network models (the experiment and the
/// microcircuit) check of `layers`. Each model's `ConfigError` says it in its own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LayerMismatch {
    /// `got` widths, outside `min ..= MAX_LAYERS`.
    Count { got: usize },
    /// `layers[index]` is outside `1 ..= MAX_UNITS`.
    Width { index: usize, got: usize },
    /// The first width is not the task's input size.
    Input { expected: usize, got: usize },
    /// The last width is not the task's output size.
    Output { expected: usize, got: usize },
}

/// Checks that `layers` lists `min ..= MAX_LAYERS` widths, each in `1 ..= MAX_UNITS`.
pub(crate) fn check_widths(layers: &[usize], min: usize) -> Result<(), LayerMismatch> {
    if !(min..=MAX_LAYERS).contains(&layers.len()) {
        return Err(LayerMismatch::Count { got: layers.len() });
    }
    match layers
        .iter()
        .enumerate()
        .find(|(_, &n)| !(1..=MAX_UNITS).contains(&n))
    {
        Some((index, &got)) => Err(LayerMismatch::Width { index, got }),
        None => Ok(()),
    }
}

/// Checks that `layers` starts with `inputs` and ends with `outputs`.
pub(crate) fn check_io(
    layers: &[usize],
    inputs: usize,
    outputs: usize,
) -> Result<(), LayerMismatch> {
    let (first, last) = (layers[0], layers[layers.len() - 1]);
    if first != inputs {
        return Err(LayerMismatch::Input {
            expected: inputs,
            got: first,
        });
    }
    if last != outputs {
        return Err(LayerMismatch::Output {
            expected: outputs,
            got: last,
        });
    }
    Ok(())
}

/// The conversions into a model's `ConfigError` that are the same in every model.
///
/// `config_error_from!(ConfigError, allowed: A)` lets `?` turn an [`OutOfRange<A>`] into
/// `ConfigError::OutOfRange` (same fields). `config_error_from!(ConfigError, layers)`
/// adds that for `A = &'static str` and `ConfigError::layers(mismatch, task)`, which
/// says a [`LayerMismatch`] as the network model's own `LayerCount`, `LayerWidth`,
/// `InputSize` and `OutputSize` variants: their fields are the same in the experiment
/// and the microcircuit, their messages are not.
macro_rules! config_error_from {
    ($error:ident, allowed: $allowed:ty) => {
        impl From<$crate::limits::OutOfRange<$allowed>> for $error {
            fn from(e: $crate::limits::OutOfRange<$allowed>) -> Self {
                $error::OutOfRange {
                    field: e.field,
                    allowed: e.allowed,
                    got: e.got,
                }
            }
        }
    };
    ($error:ident, layers) => {
        $crate::limits::config_error_from!($error, allowed: &'static str);

        impl $error {
            fn layers(mismatch: $crate::limits::LayerMismatch, task: $crate::TaskKind) -> Self {
                use $crate::limits::LayerMismatch;
                match mismatch {
                    LayerMismatch::Count { got } => $error::LayerCount { got },
                    LayerMismatch::Width { index, got } => $error::LayerWidth { index, got },
                    LayerMismatch::Input { expected, got } => $error::InputSize {
                        task,
                        expected,
                        got,
                    },
                    LayerMismatch::Output { expected, got } => $error::OutputSize {
                        task,
                        expected,
                        got,
                    },
                }
            }
        }
    };
}
pub(crate) use config_error_from;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_lists_are_checked_for_count_width_and_ends() {
        assert_eq!(check_widths(&[3, 4, 2], 2), Ok(()));
        assert_eq!(
            check_widths(&[3, 2], 3),
            Err(LayerMismatch::Count { got: 2 })
        );
        assert_eq!(
            check_widths(&[1; MAX_LAYERS + 1], 2),
            Err(LayerMismatch::Count {
                got: MAX_LAYERS + 1
            })
        );
        assert_eq!(
            check_widths(&[3, 0, MAX_UNITS + 1], 2),
            Err(LayerMismatch::Width { index: 1, got: 0 })
        );
        assert_eq!(check_io(&[3, 4, 2], 3, 2), Ok(()));
        assert_eq!(
            check_io(&[3, 4, 2], 5, 2),
            Err(LayerMismatch::Input {
                expected: 5,
                got: 3
            })
        );
        assert_eq!(
            check_io(&[3, 4, 2], 3, 1),
            Err(LayerMismatch::Output {
                expected: 1,
                got: 2
            })
        );
    }

    #[test]
    fn a_value_must_be_finite_and_in_range() {
        let unit = |v: f32| (0.0..=1.0).contains(&v);
        assert_eq!(check("x", 0.5_f32, || "in [0, 1]", unit), Ok(()));
        let error = check("x", 1.5_f32, || "in [0, 1]", unit).unwrap_err();
        assert_eq!(
            error,
            OutOfRange {
                field: "x",
                allowed: "in [0, 1]",
                got: 1.5
            }
        );
        // NaN fails even against a test that lets everything through.
        assert!(check("x", f64::NAN, String::new, |_| true).is_err());
        assert!(check("x", f32::INFINITY, || "", |_| true).is_err());
    }

    #[test]
    fn the_message_is_made_only_on_failure() {
        let mut made = 0;
        let _ = check(
            "x",
            0.5_f64,
            || {
                made += 1;
                String::from("in [0, 1]")
            },
            |v| v <= 1.0,
        );
        assert_eq!(made, 0);
    }
}
