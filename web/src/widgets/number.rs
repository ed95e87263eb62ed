//! Numbers that fit the box they are drawn in, however far a run has diverged, and
//! the half-range of a bar axis.
//!
//! ```text
//! signed(0.0123, 3)    "+0.012"     signed(2131338.74, 3)  "+2.1e6"
//! signed(-657.54, 3)   "-657.540"   signed(NaN, 3)         "NaN"
//! signed(-0.0001, 3)   "+0.000"     compact(2131338.74, 3) "2.1e6"
//! compact(1.0, 3)      "1.000"      compact(-0.0001, 3)    "0.000"
//! nice_ceiling(657.5)  1000         nice_ceiling(0.013)    0.02
//! ```

/// At or above this magnitude a number is written as `m.me±n`.
const SCIENTIFIC_FROM: f64 = 1e4;

/// `v` with its sign and `decimals` places, or as `±m.me±n` (at most 7 characters)
/// once it reaches 10⁴; `NaN`, `+∞`, `-∞` for the rest.
pub fn signed(v: f64, decimals: usize) -> String {
    let text = compact(v, decimals);
    if text.starts_with('-') || v.is_nan() {
        text
    } else {
        format!("+{text}")
    }
}

/// As [`signed`], with a sign only when negative: `decimals` places, or `m.me±n`
/// (at most 8 characters with a minus) once `|v|` reaches 10⁴; `NaN`, `∞`, `-∞`.
pub fn compact(v: f64, decimals: usize) -> String {
    let minus = if v < 0.0 { "-" } else { "" };
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        format!("{minus}∞")
    } else if v.abs() >= SCIENTIFIC_FROM {
        format!("{minus}{}", scientific(v.abs()))
    } else {
        let text = format!("{v:.decimals$}");
        // -0.0001 at 3 places is "-0.000": a sign on nothing.
        if text.chars().all(|c| matches!(c, '-' | '0' | '.')) {
            format!("{:.decimals$}", 0.0)
        } else {
            text
        }
    }
}

/// `a > 0` as `m.me±n`, or `me±n` when the mantissa rounds to a whole number.
pub fn scientific(a: f64) -> String {
    let mut exponent = a.log10().floor() as i32;
    let mut mantissa = a / 10f64.powi(exponent);
    // 9.96e6 rounds to 10.0e6: write 1e7.
    if (mantissa * 10.0).round() >= 100.0 {
        exponent += 1;
        mantissa /= 10.0;
    }
    let rounded = (mantissa * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}e{exponent}")
    } else {
        format!("{rounded:.1}e{exponent}")
    }
}

/// The smallest of 1, 2 or 5 × 10ⁿ at least `a` (`a` finite and positive): an axis
/// end that reads well and differs from its negative.
pub fn nice_ceiling(a: f64) -> f64 {
    let base = 10f64.powi(a.log10().floor() as i32);
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * base)
        .find(|&step| step >= a * (1.0 - 1e-9))
        .unwrap_or(10.0 * base)
}

/// `n` with thousands separated, as the status line writes counts (`12,000`).
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_with_thousands_separated() {
        assert_eq!(thousands(60_000), "60,000");
        assert_eq!(thousands(784), "784");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn small_numbers_keep_their_places_and_large_ones_turn_compact() {
        assert_eq!(signed(0.0123, 3), "+0.012");
        assert_eq!(signed(-657.54, 3), "-657.540");
        assert_eq!(signed(0.0, 4), "+0.0000");
        assert_eq!(signed(-0.0001, 3), "+0.000");
        assert_eq!(signed(-0.0006, 3), "-0.001");
        // The diverged VOR's eye velocity that overflowed its box.
        assert_eq!(signed(2_131_338.74, 3), "+2.1e6");
        assert_eq!(signed(-1e6, 3), "-1e6");
        assert_eq!(signed(9_960_000.0, 3), "+1e7");
        assert_eq!(signed(12_345.0, 4), "+1.2e4");
        assert_eq!(signed(f64::NAN, 3), "NaN");
        assert_eq!(signed(f64::NEG_INFINITY, 3), "-∞");
        assert_eq!(signed(f64::MAX, 3), "+1.8e308");
    }

    #[test]
    fn compact_numbers_are_signed_ones_without_the_plus() {
        assert_eq!(compact(1.0, 3), "1.000");
        assert_eq!(compact(0.0123, 4), "0.0123");
        assert_eq!(compact(-657.54, 3), "-657.540");
        assert_eq!(compact(-0.0001, 3), "0.000");
        assert_eq!(compact(2_131_338.74, 3), "2.1e6");
        assert_eq!(compact(-2_131_338.74, 3), "-2.1e6");
        assert_eq!(compact(f64::INFINITY, 3), "∞");
        assert_eq!(compact(f64::NAN, 3), "NaN");
        for v in [0.5, -3.25, 1e5, -7e12, 0.0] {
            let plain = compact(v, 2);
            let with_sign = signed(v, 2);
            assert_eq!(with_sign.trim_start_matches('+'), plain, "{v}");
        }
    }

    #[test]
    fn a_compact_number_is_never_longer_than_eight_characters() {
        // What the value boxes of the cerebellum's diagram hold at their font size.
        for exponent in 4..300 {
            for v in [
                10f64.powi(exponent) * 1.234_567,
                -(10f64.powi(exponent) * 9.87),
            ] {
                assert!(signed(v, 3).chars().count() <= 8, "{}", signed(v, 3));
            }
        }
    }

    #[test]
    fn nice_ceilings_are_1_2_or_5_times_a_power_of_ten_and_never_below() {
        assert_eq!(nice_ceiling(657.54), 1000.0);
        assert_eq!(nice_ceiling(1.0), 1.0);
        assert_eq!(nice_ceiling(0.013), 0.02);
        assert_eq!(nice_ceiling(4.2e-7), 5e-7);
        for &a in &[1e-12, 3.3e-5, 0.7, 1.5, 19.0, 2e6, 7.77e30] {
            let c = nice_ceiling(a);
            assert!(c >= a * (1.0 - 1e-9) && c <= a * 5.0, "{a} → {c}");
        }
    }
}
