//! The one range check behind every model's configuration.
//!
//! Each model validates its settings once, up front, and names the offending field and
//! what it allows. The check is the same everywhere — the value must be finite and
//! inside the field's range — so it lives here; each model's `ConfigError` turns an
//! [`OutOfRange`] into its own `OutOfRange` variant (`?` does it through `From`).

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

#[cfg(test)]
mod tests {
    use super::*;

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
