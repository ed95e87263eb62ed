//! Numbers that fit the box they are drawn in, however far a run has diverged, and
//! the half-range of a bar axis.
//!
//! ```text
//! signed(0.0123, 3)    "+0.012"     signed(2131338.74, 3)  "+2.1e6"
//! signed(-657.54, 3)   "-657.540"   signed(NaN, 3)         "NaN"
//! signed(-0.0001, 3)   "+0.000"     compact(2131338.74, 3) "2.1e6"
//! compact(1.0, 3)      "1.000"      compact(-0.0001, 3)    "0.000"
//! nice_ceiling(657.5)  1000         nice_ceiling(0.013)    0.02
//! Fixed(12.345, 1)     "12.3"       Fixed(-0.04, 2)        "-0.04"
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

/// `value` with `places` decimals (at most 9), for the SVG attributes a diagram
/// rewrites a thousand at a time: scaled, rounded and written as integers, several
/// times cheaper than the float formatter's exact path (which a page's diagram spent
/// about a tenth of its time in). It writes what `{:.places$}` writes but for ties,
/// which it rounds away from zero (0.25 to 1 place: "0.3", where `{:.1}` writes
/// "0.2"), and writes -0.04 to 1 place as "0.0". Values too large to scale are
/// written by the float formatter.
#[derive(Clone, Copy, Debug)]
pub struct Fixed(pub f32, pub u32);

impl std::fmt::Display for Fixed {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Fixed(value, places) = *self;
        let places = places.min(9) as usize;
        let scaled = (f64::from(value) * 10_f64.powi(places as i32)).round();
        if scaled.is_nan() || scaled.abs() >= 1e15 {
            return write!(out, "{value:.places$}");
        }
        // Digits from the last: at most 15 and a point, then the sign.
        let mut text = [0_u8; 18];
        let mut at = text.len();
        let mut magnitude = scaled.abs() as u64;
        let mut written = 0;
        while written <= places || magnitude > 0 {
            if written == places && places > 0 {
                at -= 1;
                text[at] = b'.';
            }
            at -= 1;
            text[at] = b'0' + (magnitude % 10) as u8;
            magnitude /= 10;
            written += 1;
        }
        if scaled < 0.0 {
            at -= 1;
            text[at] = b'-';
        }
        // Only ASCII digits, a point and a minus were written.
        out.write_str(std::str::from_utf8(&text[at..]).map_err(|_| std::fmt::Error)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_places_write_what_the_float_formatter_writes_but_for_ties() {
        for (value, places, text) in [
            (12.345, 1, "12.3"),
            (-0.04, 2, "-0.04"),
            (-0.04, 1, "0.0"),
            (0.0, 2, "0.00"),
            (99.96, 1, "100.0"),
            (7.0, 0, "7"),
            (-2.5, 0, "-3"),
            (1e20, 1, "100000002004087734272.0"),
            (f32::NAN, 1, "NaN"),
            (f32::NEG_INFINITY, 2, "-inf"),
        ] {
            assert_eq!(
                Fixed(value, places).to_string(),
                text,
                "{value} to {places}"
            );
        }
        // Against the float formatter on a sweep of coordinates and widths, away from
        // ties.
        for i in -20_000..20_000 {
            let value = i as f32 * 0.0731 + 0.0001;
            for places in [1, 2] {
                let scaled = f64::from(value) * 10_f64.powi(places as i32);
                if scaled.fract().abs() == 0.5 {
                    continue; // a tie
                }
                let expected = format!("{value:.*}", places as usize);
                let expected = if expected
                    .trim_start_matches('-')
                    .trim_matches(['0', '.'])
                    .is_empty()
                {
                    expected.trim_start_matches('-').to_owned()
                } else {
                    expected
                };
                assert_eq!(Fixed(value, places).to_string(), expected, "{value}");
            }
        }
    }

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
