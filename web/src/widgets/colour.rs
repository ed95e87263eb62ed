//! Colour scales shared by every view, as pure functions of a value.
//!
//! ```text
//! diverging(v, s)   t = clamp(v / s, -1, 1)   -1 blue … 0 near-white … +1 red
//! sequential(v, m)  t = clamp(v / m, 0, 1)     0 pale yellow … 1 dark blue
//! ```
//!
//! The stops are ColorBrewer's RdBu (11 classes, reversed so that negative is blue)
//! and YlGnBu (9 classes) by Cynthia Brewer: both stay distinguishable under the
//! common colour-vision deficiencies and lose no order when printed in grey.
//! Between stops the channels are interpolated linearly. A value that is not a number
//! (a diverged run) is drawn in [`MISSING`] so it cannot pass for a small entry.

/// Colour of a NaN entry: a mid grey no scale produces.
pub const MISSING: [u8; 3] = [128, 128, 128];

/// The diverging stops at t = -1, -0.8, …, 0, …, +1.
const RD_BU: [[u8; 3]; 11] = [
    [5, 48, 97],
    [33, 102, 172],
    [67, 147, 195],
    [146, 197, 222],
    [209, 229, 240],
    [247, 247, 247],
    [253, 219, 199],
    [244, 165, 130],
    [214, 96, 77],
    [178, 24, 43],
    [103, 0, 31],
];

/// The sequential stops at t = 0, 1/8, …, 1.
const YL_GN_BU: [[u8; 3]; 9] = [
    [255, 255, 217],
    [237, 248, 177],
    [199, 233, 180],
    [127, 205, 187],
    [65, 182, 196],
    [29, 145, 192],
    [34, 94, 168],
    [37, 52, 148],
    [8, 29, 88],
];

/// Class colours for data points: class 0 blue and class 1 red, matching the sides
/// of [`diverging`], then Okabe–Ito hues for further classes.
const CLASSES: [[u8; 3]; 6] = [
    [8, 81, 156],
    [178, 24, 43],
    [0, 158, 115],
    [230, 159, 0],
    [204, 121, 167],
    [86, 180, 233],
];

/// Position `t ∈ [0, 1]` along `stops`, linearly interpolated.
fn along(stops: &[[u8; 3]], t: f32) -> [u8; 3] {
    let last = stops.len() - 1;
    let x = t.clamp(0.0, 1.0) * last as f32;
    let i = (x.floor() as usize).min(last - 1);
    let f = x - i as f32;
    let (a, b) = (stops[i], stops[i + 1]);
    std::array::from_fn(|c| {
        (f32::from(a[c]) + f * (f32::from(b[c]) - f32::from(a[c]))).round() as u8
    })
}

/// Blue for negative, near-white `(247, 247, 247)` for zero, red for positive, with
/// full colour at `|value| ≥ scale`. A non-positive or non-finite `scale` draws every
/// finite value as zero; NaN is [`MISSING`], ±∞ the end colours.
pub fn diverging(value: f32, scale: f32) -> [u8; 3] {
    if value.is_nan() {
        return MISSING;
    }
    let t = if scale > 0.0 && scale.is_finite() {
        (value / scale).clamp(-1.0, 1.0)
    } else {
        0.0
    };
    along(&RD_BU, (t + 1.0) / 2.0)
}

/// Pale yellow at 0 to dark blue at `max` (clamped), for non-negative quantities such
/// as magnitudes. NaN is [`MISSING`].
pub fn sequential(value: f32, max: f32) -> [u8; 3] {
    if value.is_nan() {
        return MISSING;
    }
    let t = if max > 0.0 && max.is_finite() {
        value / max
    } else {
        0.0
    };
    along(&YL_GN_BU, t)
}

/// The fill of a data point of class `class`.
pub fn categorical(class: usize) -> [u8; 3] {
    CLASSES[class % CLASSES.len()]
}

/// `#rrggbb`, for SVG and CSS.
pub fn hex(rgb: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2])
}

/// A CSS `linear-gradient` through the diverging scale from -1 (left) to +1, for
/// legends.
pub fn diverging_gradient_css() -> String {
    let stops: Vec<String> = RD_BU.iter().map(|&c| hex(c)).collect();
    format!("linear-gradient(to right, {})", stops.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rec. 709 luma of the sRGB bytes, 0–255.
    fn luma(c: [u8; 3]) -> f32 {
        0.2126 * f32::from(c[0]) + 0.7152 * f32::from(c[1]) + 0.0722 * f32::from(c[2])
    }

    #[test]
    fn diverging_endpoints_are_the_brewer_stops() {
        assert_eq!(diverging(-1.0, 1.0), [5, 48, 97]);
        assert_eq!(diverging(0.0, 1.0), [247, 247, 247]);
        assert_eq!(diverging(1.0, 1.0), [103, 0, 31]);
        // Halfway between the stops at 0 and 0.2: ((247+253)/2, (247+219)/2, (247+199)/2).
        assert_eq!(diverging(0.1, 1.0), [250, 233, 223]);
    }

    #[test]
    fn diverging_clamps_and_scales() {
        assert_eq!(diverging(5.0, 1.0), diverging(1.0, 1.0));
        assert_eq!(diverging(-5.0, 1.0), diverging(-1.0, 1.0));
        assert_eq!(diverging(f32::INFINITY, 1.0), diverging(1.0, 1.0));
        assert_eq!(diverging(0.3, 0.5), diverging(0.6, 1.0));
        assert_eq!(
            diverging(0.7, 0.0),
            diverging(0.0, 1.0),
            "no scale: neutral"
        );
        assert_eq!(diverging(0.7, f32::NAN), diverging(0.0, 1.0));
        assert_eq!(diverging(f32::NAN, 1.0), MISSING);
    }

    #[test]
    fn diverging_is_symmetric_in_hue_and_lightness() {
        for i in 1..=20 {
            let v = i as f32 / 20.0;
            let (neg, pos) = (diverging(-v, 1.0), diverging(v, 1.0));
            assert!(neg[2] > neg[0], "{v}: negative is blue, got {neg:?}");
            assert!(pos[0] > pos[2], "{v}: positive is red, got {pos:?}");
            // Roughly balanced: the sides' lumas differ by at most 34 of 255 (at ±0.8,
            // the stops (33,102,172) and (178,24,43)), so neither sign looks stronger.
            let gap = (luma(neg) - luma(pos)).abs();
            assert!(gap < 35.0, "{v}: lightness {} vs {}", luma(neg), luma(pos));
        }
        // Darker the further from zero, on both sides.
        for i in 0..20 {
            let (a, b) = (i as f32 / 20.0, (i + 1) as f32 / 20.0);
            assert!(luma(diverging(b, 1.0)) <= luma(diverging(a, 1.0)));
            assert!(luma(diverging(-b, 1.0)) <= luma(diverging(-a, 1.0)));
        }
    }

    #[test]
    fn sequential_runs_from_pale_to_dark_and_clamps() {
        assert_eq!(sequential(0.0, 2.0), [255, 255, 217]);
        assert_eq!(sequential(2.0, 2.0), [8, 29, 88]);
        assert_eq!(sequential(9.0, 2.0), [8, 29, 88]);
        assert_eq!(sequential(-1.0, 2.0), [255, 255, 217]);
        assert_eq!(sequential(f32::NAN, 2.0), MISSING);
        for i in 0..16 {
            let (a, b) = (i as f32 / 16.0, (i + 1) as f32 / 16.0);
            assert!(luma(sequential(b, 1.0)) < luma(sequential(a, 1.0)));
        }
    }

    #[test]
    fn hex_and_classes() {
        assert_eq!(hex([5, 48, 255]), "#0530ff");
        assert_eq!(categorical(0), [8, 81, 156]);
        assert_eq!(categorical(7), categorical(1));
        assert!(diverging_gradient_css().starts_with("linear-gradient(to right, #053061"));
    }
}
