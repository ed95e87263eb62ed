//! 2-D classification tasks in the spirit of TensorFlow Playground, scaled to about
//! `[-1, 1]²`.
//!
//! Sample `i` belongs to class `c = i mod 2` (so the classes are balanced) and gets a
//! clean point `p` from its class's shape, then Gaussian jitter: `x = p + σ z`,
//! `z ~ N(0, I₂)`, `σ` = [`TaskConfig::noise`](super::TaskConfig::noise). Targets are
//! one-hot over the two classes.
//!
//! | shape | class 0 | class 1 |
//! |---|---|---|
//! | xor | `x₁ x₂ < 0` | `x₁ x₂ > 0`; both with `XOR_MARGIN ≤ \|xᵢ\| ≤ 1` |
//! | circles | disc, `r ~ U[0, 0.5]` | ring, `r ~ U[0.7, 1]`; angle `θ ~ U[0, 2π)` |
//! | spirals | arm `θ = 2π·1.5·t` | the same arm turned by `π`; radius `r = 0.1 + 0.9 t`, `t ~ U[0, 1]` |
//! | gaussians | `N((-½, -½), ¼² I)` | `N((½, ½), ¼² I)` |
//! | moons | upper half-circle | lower half-circle, shifted right and down (the scikit-learn layout), mapped to `x₁ ∈ [-1, 1]`, `x₂ ∈ [-½, ½]` |
//!
//! The clean points are well separated (XOR keeps a margin off the axes, circles a gap
//! from 0.5 to 0.7), so with no noise every task is perfectly learnable and the noise
//! level alone sets how hard it is. Coordinates are computed in `f64` and rounded once.

use std::f64::consts::{PI, TAU};

use ndarray::Array2;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{standard_normal, Dataset, OutputKind};

/// XOR points keep at least this distance from both axes.
pub const XOR_MARGIN: f64 = 0.1;
/// Circles: the inner class fills radii `[0, CIRCLE_INNER]`.
pub const CIRCLE_INNER: f64 = 0.5;
/// Circles: the outer class fills radii `[CIRCLE_OUTER, 1]`.
pub const CIRCLE_OUTER: f64 = 0.7;
/// Spirals: turns of each arm.
pub const SPIRAL_TURNS: f64 = 1.5;
/// Gaussians: the blobs' centres are `±GAUSSIAN_CENTRE` on both axes.
pub const GAUSSIAN_CENTRE: f64 = 0.5;
/// Gaussians: each blob's own standard deviation, before any jitter.
pub const GAUSSIAN_SPREAD: f64 = 0.25;

/// The five 2-D shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Xor,
    Circles,
    Spirals,
    Gaussians,
    Moons,
}

impl Shape {
    /// A clean point of class `class` (0 or 1).
    fn point(self, class: usize, rng: &mut ChaCha8Rng) -> [f64; 2] {
        match self {
            Shape::Xor => {
                let a = rng.random_range(XOR_MARGIN..=1.0);
                let b = rng.random_range(XOR_MARGIN..=1.0);
                let sign = if rng.random::<bool>() { 1.0 } else { -1.0 };
                let same = if class == 1 { 1.0 } else { -1.0 };
                [sign * a, same * sign * b]
            }
            Shape::Circles => {
                let radius = if class == 0 {
                    rng.random_range(0.0..=CIRCLE_INNER)
                } else {
                    rng.random_range(CIRCLE_OUTER..=1.0)
                };
                let angle = rng.random_range(0.0..TAU);
                [radius * angle.cos(), radius * angle.sin()]
            }
            Shape::Spirals => {
                let t: f64 = rng.random_range(0.0..=1.0);
                let radius = 0.1 + 0.9 * t;
                let angle = TAU * SPIRAL_TURNS * t + PI * class as f64;
                [radius * angle.cos(), radius * angle.sin()]
            }
            Shape::Gaussians => {
                let centre = if class == 0 {
                    -GAUSSIAN_CENTRE
                } else {
                    GAUSSIAN_CENTRE
                };
                let z1 = f64::from(standard_normal(rng));
                let z2 = f64::from(standard_normal(rng));
                [centre + GAUSSIAN_SPREAD * z1, centre + GAUSSIAN_SPREAD * z2]
            }
            Shape::Moons => {
                let angle = rng.random_range(0.0..=PI);
                let (x, y) = if class == 0 {
                    (angle.cos(), angle.sin())
                } else {
                    (1.0 - angle.cos(), 0.5 - angle.sin())
                };
                // The pair spans x ∈ [-1, 2], y ∈ [-0.5, 1]: centre it and scale by 1/1.5.
                [(x - 0.5) / 1.5, (y - 0.25) / 1.5]
            }
        }
    }
}

/// The training set, then the test set; per sample: the clean point, then the jitter.
pub(super) fn generate(
    shape: Shape,
    noise: f32,
    sizes: (usize, usize),
    rng: &mut ChaCha8Rng,
) -> Dataset {
    Dataset::drawn(
        OutputKind::Classification { classes: 2 },
        sizes,
        rng,
        |n, rng| sample(shape, noise, n, rng),
    )
}

fn sample(shape: Shape, noise: f32, n: usize, rng: &mut ChaCha8Rng) -> (Array2<f32>, Array2<f32>) {
    let mut inputs = Array2::zeros((n, 2));
    let mut targets = Array2::zeros((n, 2));
    for (i, (mut x, mut y)) in inputs
        .rows_mut()
        .into_iter()
        .zip(targets.rows_mut())
        .enumerate()
    {
        let class = i % 2;
        let point = shape.point(class, rng);
        for (x, p) in x.iter_mut().zip(point) {
            *x = p as f32 + noise * standard_normal(rng);
        }
        y[class] = 1.0;
    }
    (inputs, targets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// Clean (noise 0) training points of `shape` with their classes.
    fn clean(shape: Shape, n: usize) -> Vec<([f64; 2], usize)> {
        let data = generate(shape, 0.0, (n, 1), &mut ChaCha8Rng::seed_from_u64(9));
        data.train_inputs
            .rows()
            .into_iter()
            .zip(data.train_targets.rows())
            .map(|(x, y)| {
                let class = if y[1] == 1.0 { 1 } else { 0 };
                ([f64::from(x[0]), f64::from(x[1])], class)
            })
            .collect()
    }

    fn radius([x, y]: [f64; 2]) -> f64 {
        x.hypot(y)
    }

    #[test]
    fn xor_labels_follow_the_sign_rule() {
        let points = clean(Shape::Xor, 400);
        for &([x1, x2], class) in &points {
            assert_eq!(class == 1, x1 * x2 > 0.0, "({x1}, {x2}) labelled {class}");
            for v in [x1, x2] {
                assert!((XOR_MARGIN - 1e-6..=1.0 + 1e-6).contains(&v.abs()), "{v}");
            }
        }
        // All four quadrants are used.
        for (s1, s2) in [(1.0, 1.0), (1.0, -1.0), (-1.0, 1.0), (-1.0, -1.0)] {
            assert!(points
                .iter()
                .any(|(p, _)| p[0] * s1 > 0.0 && p[1] * s2 > 0.0));
        }
    }

    #[test]
    fn circles_inner_class_lies_inside_the_outer_class() {
        let points = clean(Shape::Circles, 400);
        let inner_max = points
            .iter()
            .filter(|(_, c)| *c == 0)
            .map(|(p, _)| radius(*p))
            .fold(0.0, f64::max);
        let outer_min = points
            .iter()
            .filter(|(_, c)| *c == 1)
            .map(|(p, _)| radius(*p))
            .fold(f64::INFINITY, f64::min);
        let outer_max = points.iter().map(|(p, _)| radius(*p)).fold(0.0, f64::max);
        assert!(inner_max <= CIRCLE_INNER + 1e-6, "{inner_max}");
        assert!(outer_min >= CIRCLE_OUTER - 1e-6, "{outer_min}");
        assert!(outer_max <= 1.0 + 1e-6, "{outer_max}");
    }

    #[test]
    fn spiral_points_lie_on_their_arm() {
        for ([x, y], class) in clean(Shape::Spirals, 200) {
            let r = radius([x, y]);
            assert!((0.1 - 1e-6..=1.0 + 1e-6).contains(&r), "{r}");
            let t = (r - 0.1) / 0.9;
            let expected = TAU * SPIRAL_TURNS * t + PI * class as f64;
            // Compare directions, so the angle's branch does not matter.
            let miss = (x / r - expected.cos()).hypot(y / r - expected.sin());
            assert!(
                miss < 1e-5,
                "class {class} point ({x}, {y}) is {miss} off its arm"
            );
        }
    }

    #[test]
    fn gaussian_blobs_sit_at_their_centres_with_their_spread() {
        // 1000 points per class: standard error of a mean 0.25/√1000 ≈ 0.008.
        let points = clean(Shape::Gaussians, 2000);
        for class in 0..2 {
            let centre = if class == 0 { -0.5 } else { 0.5 };
            let own: Vec<_> = points.iter().filter(|(_, c)| *c == class).collect();
            for axis in 0..2 {
                let n = own.len() as f64;
                let mean = own.iter().map(|(p, _)| p[axis]).sum::<f64>() / n;
                let var = own
                    .iter()
                    .map(|(p, _)| (p[axis] - mean).powi(2))
                    .sum::<f64>()
                    / n;
                assert!((mean - centre).abs() < 0.03, "class {class} mean {mean}");
                assert!(
                    (var.sqrt() - GAUSSIAN_SPREAD).abs() < 0.02,
                    "std {}",
                    var.sqrt()
                );
            }
        }
    }

    #[test]
    fn moon_points_lie_on_their_half_circles() {
        for ([x, y], class) in clean(Shape::Moons, 200) {
            // Undo the scaling to the scikit-learn layout.
            let (u, v) = (1.5 * x + 0.5, 1.5 * y + 0.25);
            let (cx, cy, upper) = if class == 0 {
                (0.0, 0.0, true)
            } else {
                (1.0, 0.5, false)
            };
            assert!(((u - cx).hypot(v - cy) - 1.0).abs() < 1e-5, "({u}, {v})");
            assert_eq!(v >= cy - 1e-6, upper, "class {class} ({u}, {v})");
            assert!((-1.0 - 1e-6..=1.0 + 1e-6).contains(&x));
            assert!((-0.5 - 1e-6..=0.5 + 1e-6).contains(&y));
        }
    }

    #[test]
    fn clean_points_stay_in_the_unit_square() {
        for shape in [Shape::Xor, Shape::Circles, Shape::Spirals, Shape::Moons] {
            for ([x, y], _) in clean(shape, 300) {
                assert!(x.abs() <= 1.0 + 1e-6 && y.abs() <= 1.0 + 1e-6, "{shape:?}");
            }
        }
    }

    #[test]
    fn jitter_has_the_requested_standard_deviation() {
        // 2 × 3000 offsets of N(0, 0.3²): the sample std is within ~0.004 (1σ) of 0.3.
        let sizes = (3000, 1);
        let at = |noise| {
            generate(
                Shape::Circles,
                noise,
                sizes,
                &mut ChaCha8Rng::seed_from_u64(4),
            )
            .train_inputs
        };
        let offsets = at(0.3) - at(0.0);
        let n = offsets.len() as f64;
        let mean = offsets.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
        let std = (offsets
            .iter()
            .map(|&v| (f64::from(v) - mean).powi(2))
            .sum::<f64>()
            / n)
            .sqrt();
        assert!(mean.abs() < 0.02, "{mean}");
        assert!((std - 0.3).abs() < 0.015, "{std}");
    }
}
