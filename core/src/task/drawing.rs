//! A digit drawn by hand, prepared the way the MNIST images were (docs/science.md §3,
//! "Digits"; LeCun et al. 1998): so that a network trained on MNIST sees a drawing as
//! it saw the training set.
//!
//! ```text
//! raster (w × h, ink in [0, 1])
//!   ─▶ bounding box of the ink (bw × bh)
//!   ─▶ scaled by s = 20 / max(bw, bh) to fit a 20 × 20 box, aspect ratio kept
//!      (each new pixel the area-weighted mean of the raster under it: anti-aliased)
//!   ─▶ placed in 28 × 28 so that its centre of mass
//!      (x̄, ȳ) = Σ p·(x + ½, y + ½) / Σ p lies at the centre (14, 14)
//! ```
//!
//! The shift is rounded to whole pixels (MNIST translated whole images) and kept
//! within `0 ..= 8`, so a lopsided drawing keeps all its ink inside the field rather
//! than losing it over an edge.
//!
//! # Shapes
//!
//! Input: `width · height` values, row-major, `0` blank and `1` full ink. Output:
//! [`PIXELS`] values in `[0, 1]`, row-major, the layout of [`super::mnist`]'s inputs.

use super::mnist::{PIXELS, SIDE};

/// Side of the box the ink is scaled to fit.
pub const BOX: usize = 20;

/// Ink below this counts as blank when finding the bounding box (a canvas leaves
/// faint anti-aliasing far from the stroke).
pub const INK_THRESHOLD: f32 = 0.05;

/// The drawing as an MNIST image, or `None` when it has no ink (or `raster` is not
/// `width · height` long).
pub fn preprocess(raster: &[f32], width: usize, height: usize) -> Option<Vec<f32>> {
    if width == 0 || height == 0 || raster.len() != width * height {
        return None;
    }
    let (x0, y0, x1, y1) = bounding_box(raster, width, height)?;
    let (bw, bh) = (x1 - x0, y1 - y0);
    let longest = bw.max(bh) as f32;
    let sw = ((bw as f32 * BOX as f32 / longest).round() as usize).clamp(1, BOX);
    let sh = ((bh as f32 * BOX as f32 / longest).round() as usize).clamp(1, BOX);

    // Resample the box separably: rows first, then columns.
    let columns = overlaps(bw, sw);
    let rows = overlaps(bh, sh);
    let mut narrow = vec![0.0f32; bh * sw];
    for y in 0..bh {
        let source = &raster[(y0 + y) * width + x0..][..bw];
        for (tx, weights) in columns.iter().enumerate() {
            narrow[y * sw + tx] = weights.iter().map(|&(sx, w)| w * source[sx]).sum();
        }
    }
    let mut scaled = vec![0.0f32; sh * sw];
    for (ty, weights) in rows.iter().enumerate() {
        for tx in 0..sw {
            scaled[ty * sw + tx] = weights
                .iter()
                .map(|&(sy, w)| w * narrow[sy * sw + tx])
                .sum();
        }
    }

    let (cx, cy) = centre_of_mass(&scaled, sw)?;
    let centre = SIDE as f32 / 2.0;
    let shift = |c: f32, size: usize| {
        let room = (SIDE - size) as f32;
        (centre - c).round().clamp(0.0, room) as usize
    };
    let (dx, dy) = (shift(cx, sw), shift(cy, sh));
    let mut image = vec![0.0f32; PIXELS];
    for y in 0..sh {
        let row = &mut image[(y + dy) * SIDE + dx..][..sw];
        for (out, &v) in row.iter_mut().zip(&scaled[y * sw..][..sw]) {
            *out = v.clamp(0.0, 1.0);
        }
    }
    Some(image)
}

/// `(x0, y0, x1, y1)`, ends exclusive, of the pixels at or above [`INK_THRESHOLD`].
fn bounding_box(
    raster: &[f32],
    width: usize,
    height: usize,
) -> Option<(usize, usize, usize, usize)> {
    let mut found: Option<(usize, usize, usize, usize)> = None;
    for y in 0..height {
        for x in 0..width {
            if raster[y * width + x] >= INK_THRESHOLD {
                let (x0, y0, x1, y1) = found.unwrap_or((x, y, x + 1, y + 1));
                found = Some((x0.min(x), y0.min(y), x1.max(x + 1), y1.max(y + 1)));
            }
        }
    }
    found
}

/// For each of `to` new pixels spanning `from` old ones: the old pixels under it and
/// the share of the new pixel each covers (summing to 1).
fn overlaps(from: usize, to: usize) -> Vec<Vec<(usize, f32)>> {
    // In units of 1/to of an old pixel, so the overlaps are whole numbers: old pixel
    // `s` spans [s·to, (s+1)·to) and new pixel `t` spans [t·from, (t+1)·from).
    (0..to)
        .map(|t| {
            let (start, end) = (t * from, (t + 1) * from);
            (start / to..end.div_ceil(to))
                .map(|s| {
                    let covered = end.min((s + 1) * to) - start.max(s * to);
                    (s, covered as f32 / from as f32)
                })
                .collect()
        })
        .collect()
}

/// The centre of mass of an image `width` wide, in pixel units from its top-left
/// corner (a pixel's mass sits at its centre).
fn centre_of_mass(image: &[f32], width: usize) -> Option<(f32, f32)> {
    let (mut mass, mut mx, mut my) = (0.0f64, 0.0f64, 0.0f64);
    for (i, &v) in image.iter().enumerate() {
        let v = f64::from(v);
        mass += v;
        mx += v * ((i % width) as f64 + 0.5);
        my += v * ((i / width) as f64 + 0.5);
    }
    (mass > 0.0).then(|| ((mx / mass) as f32, (my / mass) as f32))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `width × height` raster with ink `1` where `ink(x, y)`.
    fn raster(width: usize, height: usize, ink: impl Fn(usize, usize) -> bool) -> Vec<f32> {
        (0..width * height)
            .map(|i| f32::from(u8::from(ink(i % width, i / width))))
            .collect()
    }

    /// The inked pixels of a 28 × 28 image as `(x0, y0, x1, y1)`, ends exclusive.
    fn ink_box(image: &[f32]) -> (usize, usize, usize, usize) {
        bounding_box(image, SIDE, SIDE).expect("some ink")
    }

    #[test]
    fn a_blank_or_misshapen_raster_gives_nothing() {
        assert_eq!(preprocess(&[0.0; 100], 10, 10), None);
        assert_eq!(
            preprocess(&[0.01; 100], 10, 10),
            None,
            "below the threshold"
        );
        assert_eq!(preprocess(&[1.0; 99], 10, 10), None);
        assert_eq!(preprocess(&[], 0, 0), None);
    }

    #[test]
    fn a_bar_is_scaled_to_twenty_wide_and_centred_by_its_mass() {
        // A 4 × 2 bar at (2, 3) in a 10 × 10 raster. By hand: s = 20 / 4 = 5, so a full
        // 20 × 10 block; its centre of mass (10, 5) goes to (14, 14): shift (4, 9), ink
        // in columns 4..24 and rows 9..19, all 1.
        let bar = raster(10, 10, |x, y| (2..6).contains(&x) && (3..5).contains(&y));
        let image = preprocess(&bar, 10, 10).unwrap();
        assert_eq!(image.len(), PIXELS);
        for y in 0..SIDE {
            for x in 0..SIDE {
                let expected = f32::from(u8::from((4..24).contains(&x) && (9..19).contains(&y)));
                assert_eq!(image[y * SIDE + x], expected, "pixel ({x}, {y})");
            }
        }
    }

    #[test]
    fn the_centre_of_mass_not_the_box_goes_to_the_middle() {
        // An L of three full quadrants: [[1, 1], [1, 0]] scaled ×10 to 20 × 20. By hand:
        // the top band (mass 200) has x̄ = 10, the bottom-left square (mass 100) x̄ = 5,
        // so x̄ = (2000 + 500) / 300 = 8.33, and ȳ the same. Shift round(14 − 8.33) = 6
        // on both axes: the ink spans 6..26, where centring the box would give 4..24.
        let ell = raster(2, 2, |x, y| x == 0 || y == 0);
        let image = preprocess(&ell, 2, 2).unwrap();
        assert_eq!(ink_box(&image), (6, 6, 26, 26));
        assert_eq!(image[6 * SIDE + 25], 1.0, "top-right of the L");
        assert_eq!(image[25 * SIDE + 6], 1.0, "bottom-left of the L");
        assert_eq!(image[25 * SIDE + 25], 0.0, "the missing quadrant");
        let mass: f32 = image.iter().sum();
        assert_eq!(mass, 300.0);
    }

    #[test]
    fn a_tall_stroke_keeps_its_aspect_ratio() {
        // A 10 × 40 stroke in a 100 × 100 raster: s = 20 / 40, so 5 × 20, centred by
        // mass at (2.5, 10): shift round(11.5) = 12 (ties away from zero) and 4.
        let stroke = raster(100, 100, |x, y| {
            (30..40).contains(&x) && (50..90).contains(&y)
        });
        let image = preprocess(&stroke, 100, 100).unwrap();
        assert_eq!(ink_box(&image), (12, 4, 17, 24));
        assert!(image.iter().all(|&v| v == 0.0 || v == 1.0));
    }

    #[test]
    fn shrinking_averages_the_ink_under_each_pixel() {
        // A 40 × 40 checkerboard of single pixels shrinks by 2: each new pixel covers
        // two black and two white, so 0.5 everywhere in a 20 × 20 box at (4, 4).
        let board = raster(40, 40, |x, y| (x + y) % 2 == 0);
        let image = preprocess(&board, 40, 40).unwrap();
        assert_eq!(ink_box(&image), (4, 4, 24, 24));
        for y in 4..24 {
            for x in 4..24 {
                assert!((image[y * SIDE + x] - 0.5).abs() < 1e-6, "({x}, {y})");
            }
        }
    }

    #[test]
    fn ink_near_an_edge_of_the_box_stays_in_the_field() {
        // A heavy bar on top of a faint stroke (shrunk by 2: a bar of 1 on row 0 and
        // 0.1 below) pulls the centre of mass up to ȳ = 29.95 / 21.9 ≈ 1.4; unclamped the shift would be 13 and push the stroke's foot out of the
        // field. Clamped at 28 − 20 = 8, every bit of ink is kept.
        let mut lollipop = vec![0.0f32; 40 * 40];
        for y in 0..40 {
            lollipop[y * 40 + 20] = if y < 2 { 1.0 } else { 0.2 };
        }
        for x in 0..40 {
            lollipop[x] = 1.0;
            lollipop[40 + x] = 1.0;
        }
        let image = preprocess(&lollipop, 40, 40).unwrap();
        let (_, y0, _, y1) = ink_box(&image);
        assert_eq!((y0, y1), (8, 28));
    }
}
