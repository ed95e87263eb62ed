//! What is measured on a logged step (docs/science.md §2): alignment per hidden layer, and
//! loss and accuracy on the training and held-out sets.
//!
//! For hidden layer `k` with feedback matrix `F` (the rule's `B_{k+1}`) and forward
//! reference `R = W_{k+1}ᵀ`, both flattened:
//!
//! ```text
//! weight angle      θ_W = acos(clamp(⟨F, R⟩ / (‖F‖ ‖R‖), -1, 1))      degrees, 0–180
//! update angle      θ_δ = mean over samples i of ∠(δ_k^rule(i), δ_k^BP(i))   same forward pass and e
//! norm ratio        ‖F‖_F / ‖R‖_F
//! sign concordance  fraction of entries with sign(F) = sign(R)
//! ```
//!
//! What `F` and `R` are per rule:
//! - `bp`, `shallow`: `F` is the `B` drawn from the seed but never used — the control
//!   whose angle stays near 90° while FA's falls.
//! - `fa`, `kp`: `F = B_{k+1}`; `usf`, `frsf`: `F` is the sign-concordant matrix in use.
//! - `dfa`: `F = D_k`, shape `(n_k, n_L)`, which cannot be compared with `W_{k+1}ᵀ`
//!   unless `k = L-1`. It is compared with `R = (W_L ⋯ W_{k+1})ᵀ`, the end-to-end path
//!   backprop would use if every `f'` were 1; for the last hidden layer that is exactly
//!   `W_Lᵀ`, so DFA with one hidden layer reports what FA does.
//! - `delta`: no hidden layer, so no per-layer rows.
//!
//! An angle is `None` where it is undefined: a zero vector (a dead ReLU layer, every
//! hidden δ of `shallow`), or a non-finite value. The update angle skips samples whose
//! `δ` is zero under either rule and is `None` if none remain.
//!
//! Losses are per sample, averaged over the set: `½‖a_L - y‖²` (linear or logistic
//! output units) or `-Σ_j y_j ln softmax(z_L)_j` (softmax); accuracy counts for
//! classes whatever the output units. The normalised squared error
//! `NSE = Σ_i ‖e_i‖² / Σ_i ‖y_i - ȳ‖²` (ȳ the set's mean target) is 1 for a predictor
//! no better than the mean. Sums run in `f64`.

use ndarray::{s, ArrayView1, ArrayView2, Zip};
use serde::{Deserialize, Serialize};

use crate::rule::sign;
use crate::task::{Dataset, OutputKind};

/// Alignment of one hidden layer on a logged step; `None` where it does not apply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerMetrics {
    /// Hidden layer number `k`, 1-based (`1 .. L-1`).
    pub layer: usize,
    /// `∠(δ_rule, δ_BP)` in degrees, averaged over the minibatch of this step.
    pub update_angle_deg: Option<f32>,
    /// `∠(F, R)` in degrees (see the module docs for `F` and `R`).
    pub weight_angle_deg: Option<f32>,
    /// `‖F‖ / ‖R‖`.
    pub norm_ratio: Option<f32>,
    /// Fraction of entries where `sign(F) = sign(R)`.
    pub sign_concordance: Option<f32>,
}

/// Loss and accuracy over one data set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Mean loss per sample: `½‖e‖²` or cross-entropy.
    pub loss: f32,
    /// Fraction classified correctly (classification only).
    pub accuracy: Option<f32>,
    /// Normalised squared error (regression only; `None` if the targets are constant).
    pub nse: Option<f32>,
}

/// The NSE's denominators `Σ_i ‖y_i - ȳ‖²` of a dataset's training and test targets:
/// `None` for classification, and for constant targets (whose NSE is undefined).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct NseDenominators {
    train: Option<f64>,
    test: Option<f64>,
}

impl NseDenominators {
    pub(crate) fn of(dataset: &Dataset) -> Self {
        let regression = dataset.output == OutputKind::Regression;
        let denominator = |targets: ArrayView2<'_, f32>| {
            let d = centred_sum_of_squares(targets);
            (regression && d > 0.0).then_some(d)
        };
        NseDenominators {
            train: denominator(dataset.train_targets.view()),
            test: denominator(dataset.test_targets.view()),
        }
    }
}

/// What a model adds up over a set for [`evaluate_set`].
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SetSums {
    /// Summed per-sample loss (`½‖e‖²` or cross-entropy).
    pub loss: f64,
    /// Summed `‖e‖²`, the NSE's numerator.
    pub squared: f64,
    /// Samples whose largest output is the target's largest entry.
    pub correct: usize,
}

/// Loss, accuracy and NSE of a model over `dataset`'s training set (`test = false`) or
/// held-out set, the one evaluation every model shares. `add` sees the set's inputs
/// and targets in order, `chunk` rows at a time, and adds its sums for them; the means
/// are taken here: `loss = Σ loss / n`, `accuracy = correct / n` (classification),
/// `NSE = Σ‖e‖² / Σ‖y - ȳ‖²` (regression). Only the first `limit` samples count (a
/// fixed subset of a large set); the NSE, whose denominator is the whole set's, is
/// then left out.
pub(crate) fn evaluate_set(
    dataset: &Dataset,
    denominators: NseDenominators,
    test: bool,
    chunk: usize,
    limit: usize,
    mut add: impl FnMut(ArrayView2<'_, f32>, ArrayView2<'_, f32>, &mut SetSums),
) -> Evaluation {
    let (inputs, targets, denominator) = if test {
        (
            &dataset.test_inputs,
            &dataset.test_targets,
            denominators.test,
        )
    } else {
        (
            &dataset.train_inputs,
            &dataset.train_targets,
            denominators.train,
        )
    };
    let n = inputs.nrows().min(limit);
    let whole = n == inputs.nrows();
    let mut sums = SetSums::default();
    for start in (0..n).step_by(chunk.max(1)) {
        let rows = chunk.min(n - start);
        let range = s![start..start + rows, ..];
        add(inputs.slice(range), targets.slice(range), &mut sums);
    }
    let classification = matches!(dataset.output, OutputKind::Classification { .. });
    Evaluation {
        loss: (sums.loss / n as f64) as f32,
        accuracy: classification.then(|| (sums.correct as f64 / n as f64) as f32),
        nse: denominator
            .filter(|_| whole)
            .map(|d| (sums.squared / d) as f32),
    }
}

/// One row of an experiment's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Updates applied so far (0 = the initial network).
    pub step: u64,
    /// Mean loss of the minibatch this step trained on, before its update.
    pub batch_loss: f32,
    /// On the whole training set, after the update.
    pub train: Evaluation,
    /// On the held-out set, after the update.
    pub test: Evaluation,
    /// One entry per hidden layer, `k = 1 .. L-1`.
    pub layers: Vec<LayerMetrics>,
}

/// `(⟨a, b⟩, ‖a‖², ‖b‖²)` over equally shaped arrays, in `f64`.
fn inner_products<D: ndarray::Dimension>(
    a: ndarray::ArrayView<'_, f32, D>,
    b: ndarray::ArrayView<'_, f32, D>,
) -> (f64, f64, f64) {
    let mut sums = (0.0_f64, 0.0_f64, 0.0_f64);
    Zip::from(a).and(b).for_each(|&x, &y| {
        let (x, y) = (f64::from(x), f64::from(y));
        sums.0 += x * y;
        sums.1 += x * x;
        sums.2 += y * y;
    });
    sums
}

fn angle_from(dot: f64, aa: f64, bb: f64) -> Option<f32> {
    let denominator = (aa * bb).sqrt();
    if denominator > 0.0 && denominator.is_finite() && dot.is_finite() {
        Some((dot / denominator).clamp(-1.0, 1.0).acos().to_degrees() as f32)
    } else {
        None
    }
}

/// The angle in degrees (0–180) between two equally shaped matrices, flattened.
pub fn angle_deg(a: ArrayView2<'_, f32>, b: ArrayView2<'_, f32>) -> Option<f32> {
    let (dot, aa, bb) = inner_products(a, b);
    angle_from(dot, aa, bb)
}

/// The angle in degrees between two vectors.
pub fn vector_angle_deg(a: ArrayView1<'_, f32>, b: ArrayView1<'_, f32>) -> Option<f32> {
    let (dot, aa, bb) = inner_products(a, b);
    angle_from(dot, aa, bb)
}

/// The mean over rows of the angle between `rule[i, :]` and `reference[i, :]`, skipping
/// rows where either is zero.
pub fn mean_row_angle_deg(
    rule: ArrayView2<'_, f32>,
    reference: ArrayView2<'_, f32>,
) -> Option<f32> {
    let mut sum = 0.0_f64;
    let mut count = 0_usize;
    for (r, b) in rule.rows().into_iter().zip(reference.rows()) {
        if let Some(angle) = vector_angle_deg(r, b) {
            sum += f64::from(angle);
            count += 1;
        }
    }
    (count > 0).then(|| (sum / count as f64) as f32)
}

/// `‖f‖_F / ‖r‖_F`; `None` if `r` is zero.
pub fn norm_ratio(f: ArrayView2<'_, f32>, r: ArrayView2<'_, f32>) -> Option<f32> {
    let (_, ff, rr) = inner_products(f, r);
    let ratio = (ff / rr).sqrt();
    (rr > 0.0 && ratio.is_finite()).then_some(ratio as f32)
}

/// The fraction of entries where `sign(f) = sign(r)` (zero counts as its own sign).
pub fn sign_concordance(f: ArrayView2<'_, f32>, r: ArrayView2<'_, f32>) -> Option<f32> {
    let mut same = 0_usize;
    Zip::from(f).and(r).for_each(|&x, &y| {
        if sign(x) == sign(y) {
            same += 1;
        }
    });
    (!f.is_empty()).then(|| same as f32 / f.len() as f32)
}

/// `Σ_i ‖output_i - target_i‖²`.
pub fn squared_error_sum(output: ArrayView2<'_, f32>, targets: ArrayView2<'_, f32>) -> f64 {
    let mut sum = 0.0_f64;
    Zip::from(output).and(targets).for_each(|&a, &y| {
        let e = f64::from(a - y);
        sum += e * e;
    });
    sum
}

/// `Σ_i -Σ_j y_ij ln softmax(z_i)_j`, from the logits `z` so that a confident wrong
/// answer costs a large finite amount rather than `ln 0`.
pub fn cross_entropy_sum(logits: ArrayView2<'_, f32>, targets: ArrayView2<'_, f32>) -> f64 {
    let mut sum = 0.0_f64;
    for (z, y) in logits.rows().into_iter().zip(targets.rows()) {
        let max = z.fold(f32::NEG_INFINITY, |m, &v| m.max(v));
        let mut exp_sum = 0.0_f64;
        for &v in z {
            exp_sum += f64::from(libm::expf(v - max));
        }
        let log_normaliser = f64::from(max) + libm::log(exp_sum);
        Zip::from(z).and(y).for_each(|&z, &y| {
            if y != 0.0 {
                sum -= f64::from(y) * (f64::from(z) - log_normaliser);
            }
        });
    }
    sum
}

/// Samples whose largest output is at the position of the largest target.
pub fn correct_count(output: ArrayView2<'_, f32>, targets: ArrayView2<'_, f32>) -> usize {
    output
        .rows()
        .into_iter()
        .zip(targets.rows())
        .filter(|(a, y)| argmax(*a) == argmax(*y))
        .count()
}

/// The index of the first largest entry.
pub fn argmax(v: ArrayView1<'_, f32>) -> usize {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    best
}

/// `Σ_i ‖y_i - ȳ‖²`, the denominator of the NSE.
pub fn centred_sum_of_squares(targets: ArrayView2<'_, f32>) -> f64 {
    let n = targets.nrows() as f64;
    let mut total = 0.0;
    for column in targets.columns() {
        let mean = column.iter().map(|&y| f64::from(y)).sum::<f64>() / n;
        total += column
            .iter()
            .map(|&y| (f64::from(y) - mean).powi(2))
            .sum::<f64>();
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn angles_of_known_pairs() {
        let a = array![[1.0, 0.0], [0.0, 0.0]];
        let b = array![[0.0, 2.0], [0.0, 0.0]];
        assert_eq!(angle_deg(a.view(), a.view()), Some(0.0));
        assert_eq!(angle_deg(a.view(), b.view()), Some(90.0));
        assert_eq!(angle_deg(a.view(), (-&a).view()), Some(180.0));
        // 45°: (1, 0) against (1, 1).
        let c = array![[1.0, 1.0], [0.0, 0.0]];
        assert!((angle_deg(a.view(), c.view()).unwrap() - 45.0).abs() < 1e-5);
        assert_eq!(angle_deg(a.view(), (&a * 0.0).view()), None);
    }

    #[test]
    fn mean_row_angle_skips_zero_rows() {
        // Row 0: 0°, row 1: 90°, row 2: zero under the rule (skipped) → mean 45°.
        let rule = array![[1.0, 0.0], [1.0, 0.0], [0.0, 0.0]];
        let bp = array![[3.0, 0.0], [0.0, 1.0], [1.0, 1.0]];
        assert_eq!(mean_row_angle_deg(rule.view(), bp.view()), Some(45.0));
        let zeros = array![[0.0, 0.0]];
        assert_eq!(mean_row_angle_deg(zeros.view(), zeros.view()), None);
    }

    #[test]
    fn ratio_and_concordance() {
        let f = array![[3.0, -4.0]];
        let r = array![[1.0, 0.0]];
        assert_eq!(norm_ratio(f.view(), r.view()), Some(5.0));
        assert_eq!(norm_ratio(f.view(), (&r * 0.0).view()), None);
        // signs: (+, -) vs (+, 0) → one of two agree.
        assert_eq!(sign_concordance(f.view(), r.view()), Some(0.5));
    }

    #[test]
    fn losses_by_hand() {
        // e = [0.5, -1] and [2, 0]: Σ‖e‖² = 1.25 + 4.
        let a = array![[1.5, 0.0], [2.0, 1.0]];
        let y = array![[1.0, 1.0], [0.0, 1.0]];
        assert_eq!(squared_error_sum(a.view(), y.view()), 5.25);
        // ȳ = [0.5, 1]: Σ‖y - ȳ‖² = 0.25 + 0.25.
        assert_eq!(centred_sum_of_squares(y.view()), 0.5);
        // Logits [0, 0] with class 1: -ln ½ = ln 2.
        let ce = cross_entropy_sum(array![[0.0, 0.0]].view(), array![[0.0, 1.0]].view());
        assert!((ce - std::f64::consts::LN_2).abs() < 1e-7);
        // A confident mistake is large but finite.
        let ce = cross_entropy_sum(array![[100.0, -100.0]].view(), array![[0.0, 1.0]].view());
        assert!((ce - 200.0).abs() < 1e-3);
        assert_eq!(
            correct_count(
                array![[0.2, 0.8], [0.9, 0.1]].view(),
                array![[0.0, 1.0], [0.0, 1.0]].view()
            ),
            1
        );
    }
}
