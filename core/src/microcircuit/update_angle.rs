//! How close the circuit's learning comes to backprop (Sacramento et al. 2018, the
//! paper's title claim; docs/science.md §4.5): per pattern and hidden layer `k`, the
//! angle between the change the circuit makes to its forward weights and the change
//! backprop would make from the same weights, input and target.
//!
//! ```text
//! circuit    ΔW_k ∝ p_k [q_k; 1]ᵀ      p_k = φ(u_k) - φ(v̂_B,k),  q_k = r_{k-1} (the settled rates; x for k = 1)
//! backprop   ΔW_k ∝ δ_k [q̂_k; 1]ᵀ      on the bottom-up pass v̂_B,k = s_k (W_k q̂_k + b_k), q̂_{k+1} = φ(v̂_B,k):
//!            δ_L = s_L (y - v̂_B,L)                      the gradient of ½‖ŷ - y‖², ŷ = v̂_B,L (the circuit's loss)
//!            δ_k = s_k φ'(v̂_B,k) ⊙ W_{k+1}ᵀ δ_{k+1}
//! angle      cos θ_k = ⟨p, δ⟩ (⟨q, q̂⟩ + 1) / (‖p‖ ‖δ‖ √(‖q‖² + 1) √(‖q̂‖² + 1))
//! ```
//!
//! `s_k` is the basal share `g_B/(g_lk+g_B+g_A)` (`g_A = 0` at the output), and the
//! `[·; 1]` is the bias, a weight from a constant rate of 1. The angle between two
//! outer products is that of their post- and presynaptic factors together, so no
//! matrix is formed; for the first hidden layer both read the input, and the angle is
//! `∠(p_1, δ_1)`, the networks' update angle (docs/science.md §2). A row's value is the
//! mean over the patterns since the previous row (each pattern of a minibatch counts),
//! taken while the output is nudged (with no target the circuit does not answer an
//! error, so there is nothing to compare); patterns where either factor is zero are
//! skipped, and a row with none reports no angle.
//!
//! In the steady-state models the comparison is made after settling and before the
//! weights change; their basal potentials are the bottom-up pass itself (§4.3). The
//! full model is compared at the end of each pattern, with its (filtered) input rates
//! and a bottom-up pass of its own.
//!
//! # Shapes
//!
//! Every buffer has one row per pattern: `δ_k` `(m, n_k)` for `k = 1 ..= L`, `m` the
//! minibatch (or 1); the one-row copies of a single pattern's state `(1, n_k)`.

use ndarray::{s, Array2, ArrayView1, ArrayView2, Zip};

use super::minibatch::bottom_up_rows;
use super::state::{CircuitState, Shares};
use super::weights::CircuitWeights;
use crate::linalg;

/// Running sums of one hidden layer's angles, in degrees.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct AngleSum {
    pub degrees: f64,
    pub patterns: u64,
}

impl AngleSum {
    /// The mean, if any pattern counted.
    pub fn mean(&self) -> Option<f32> {
        (self.patterns > 0).then(|| (self.degrees / self.patterns as f64) as f32)
    }
}

/// Backprop's update beside the circuit's; every buffer allocated once.
#[derive(Debug, Clone)]
pub(crate) struct UpdateAngle {
    /// `δ_k`, `k = 1 ..= L`, `(m, n_k)`.
    delta: Vec<Array2<f32>>,
    /// One pattern's input, target, basal potentials and rates, as one-row matrices.
    input: Array2<f32>,
    target: Array2<f32>,
    basal: Vec<Array2<f32>>,
    rate: Vec<Array2<f32>>,
    /// The full model's bottom-up pass, one row.
    bottom_up_basal: Vec<Array2<f32>>,
    bottom_up_soma: Vec<Array2<f32>>,
    bottom_up_rate: Vec<Array2<f32>>,
}

/// One minibatch (or one pattern) as the comparison reads it: rows of the input, the
/// target, the circuit's basal potentials and rates (`k = 1 ..= L`) and the bottom-up
/// pass's basal potentials.
pub(crate) struct Rows<'a> {
    pub input: ArrayView2<'a, f32>,
    pub target: ArrayView2<'a, f32>,
    pub basal: &'a [Array2<f32>],
    pub rate: &'a [Array2<f32>],
    pub bottom_up_basal: &'a [Array2<f32>],
}

impl UpdateAngle {
    /// Buffers for layer widths `sizes` and minibatches of up to `m` patterns.
    pub fn new(sizes: &[usize], m: usize) -> Self {
        let rows = |count: usize| -> Vec<Array2<f32>> {
            sizes[1..]
                .iter()
                .map(|&n| Array2::zeros((count, n)))
                .collect()
        };
        UpdateAngle {
            delta: rows(m.max(1)),
            input: Array2::zeros((1, sizes[0])),
            target: Array2::zeros((1, sizes[sizes.len() - 1])),
            basal: rows(1),
            rate: rows(1),
            bottom_up_basal: rows(1),
            bottom_up_soma: rows(1),
            bottom_up_rate: rows(1),
        }
    }

    /// Adds one pattern's angles for the state settled by the steady-state model
    /// (its basal potentials are the bottom-up pass), before it learns.
    pub fn add_settled(
        &mut self,
        weights: &CircuitWeights,
        shares: &Shares,
        state: &CircuitState,
        target: ArrayView1<'_, f32>,
        sums: &mut [AngleSum],
    ) {
        self.load(state, target);
        let rows = Rows {
            input: self.input.view(),
            target: self.target.view(),
            basal: &self.basal,
            rate: &self.rate,
            bottom_up_basal: &self.basal,
        };
        backprop_deltas(&mut self.delta, weights, shares, &rows);
        add_rank_one_angles(&self.delta, shares, &rows, sums);
    }

    /// Adds the full model's angles at the end of a pattern: its update is the
    /// low-pass filtered change `filtered` that it applies (`W ← W + η dt D`), compared
    /// with backprop's from a bottom-up pass of the (filtered) input it sees.
    pub fn add_full(
        &mut self,
        weights: &CircuitWeights,
        shares: &Shares,
        state: &CircuitState,
        target: ArrayView1<'_, f32>,
        filtered: &CircuitWeights,
        sums: &mut [AngleSum],
    ) {
        self.load(state, target);
        bottom_up_rows(
            weights,
            shares,
            self.input.view(),
            &mut self.bottom_up_basal,
            &mut self.bottom_up_soma,
            &mut self.bottom_up_rate,
        );
        let rows = Rows {
            input: self.input.view(),
            target: self.target.view(),
            basal: &self.basal,
            rate: &self.rate,
            bottom_up_basal: &self.bottom_up_basal,
        };
        backprop_deltas(&mut self.delta, weights, shares, &rows);
        let depth = weights.forward.len();
        for (k, sum) in (1..depth).zip(sums.iter_mut()) {
            let pre = if k == 1 {
                self.input.row(0)
            } else {
                self.bottom_up_rate[k - 2].row(0)
            };
            let angle = matrix_angle_deg(
                filtered.forward[k - 1].view(),
                filtered.forward_bias[k - 1].view(),
                self.delta[k - 1].row(0),
                pre,
            );
            if let Some(angle) = angle {
                sum.degrees += angle;
                sum.patterns += 1;
            }
        }
    }

    /// Copies one pattern's state into the one-row buffers.
    fn load(&mut self, state: &CircuitState, target: ArrayView1<'_, f32>) {
        self.input.row_mut(0).assign(&state.input);
        self.target.row_mut(0).assign(&target);
        for (to, from) in self.basal.iter_mut().zip(&state.basal) {
            to.row_mut(0).assign(from);
        }
        for (to, from) in self.rate.iter_mut().zip(&state.rate) {
            to.row_mut(0).assign(from);
        }
    }

    /// Adds the angles of every row of a settled minibatch (`rows.input.nrows()` at
    /// most the `m` of [`UpdateAngle::new`]), before it learns.
    pub fn add_minibatch(
        &mut self,
        weights: &CircuitWeights,
        shares: &Shares,
        rows: &Rows<'_>,
        sums: &mut [AngleSum],
    ) {
        backprop_deltas(&mut self.delta, weights, shares, rows);
        add_rank_one_angles(&self.delta, shares, rows, sums);
    }

    /// Backprop's `δ_k` of the last comparison, row `row` (for the tests).
    #[cfg(test)]
    pub fn delta(&self, k: usize, row: usize) -> ndarray::ArrayView1<'_, f32> {
        self.delta[k - 1].row(row)
    }
}

/// Backprop's deltas (module docs) for every row of `rows`, into the first rows of
/// `delta`.
fn backprop_deltas(
    delta: &mut [Array2<f32>],
    weights: &CircuitWeights,
    shares: &Shares,
    rows: &Rows<'_>,
) {
    let depth = weights.forward.len();
    let m = rows.input.nrows();
    let used = s![..m, ..];
    let s_out = shares.basal_of(depth, depth);
    Zip::from(delta[depth - 1].slice_mut(used))
        .and(&rows.bottom_up_basal[depth - 1].slice(used))
        .and(&rows.target)
        .for_each(|d, &v, &y| *d = s_out * (y - s_out * v));
    for k in (1..depth).rev() {
        let (below, above) = delta.split_at_mut(k);
        linalg::matmul(
            above[0].slice(used),
            weights.forward[k].view(),
            below[k - 1].slice_mut(used),
        );
        let share = shares.basal_of(k, depth);
        let phi = shares.rate_of(k, depth);
        Zip::from(below[k - 1].slice_mut(used))
            .and(&rows.bottom_up_basal[k - 1].slice(used))
            .for_each(|d, &v| *d *= share * phi.derivative(share * v));
    }
}

/// Each hidden layer's angle between the circuit's rank-one change and backprop's, per
/// row of `rows`, added to `sums` (module docs).
fn add_rank_one_angles(
    delta: &[Array2<f32>],
    shares: &Shares,
    rows: &Rows<'_>,
    sums: &mut [AngleSum],
) {
    let depth = rows.rate.len();
    let m = rows.input.nrows();
    for (k, sum) in (1..depth).zip(sums.iter_mut()) {
        let share = shares.basal_of(k, depth);
        let phi = shares.rate_of(k, depth);
        for i in 0..m {
            let (mut pd, mut pp, mut dd) = (0.0_f64, 0.0_f64, 0.0_f64);
            let circuit = rows.rate[k - 1].row(i);
            let basal = rows.basal[k - 1].row(i);
            for ((&r, &v), &d) in circuit.iter().zip(&basal).zip(delta[k - 1].row(i)) {
                let p = f64::from(r - phi.apply(share * v));
                let d = f64::from(d);
                pd += p * d;
                pp += p * p;
                dd += d * d;
            }
            // The presynaptic factors, each with the bias's constant 1.
            let (mut qq_hat, mut qq, mut q_hat_q_hat) = (1.0_f64, 1.0_f64, 1.0_f64);
            if k == 1 {
                let squared: f64 = rows
                    .input
                    .row(i)
                    .iter()
                    .map(|&x| f64::from(x) * f64::from(x))
                    .sum();
                qq_hat += squared;
                qq += squared;
                q_hat_q_hat += squared;
            } else {
                let below = shares.rate_of(k - 1, depth);
                let below_share = shares.basal_of(k - 1, depth);
                for (&q, &v) in rows.rate[k - 2]
                    .row(i)
                    .iter()
                    .zip(rows.bottom_up_basal[k - 2].row(i))
                {
                    let (q, q_hat) = (f64::from(q), f64::from(below.apply(below_share * v)));
                    qq_hat += q * q_hat;
                    qq += q * q;
                    q_hat_q_hat += q_hat * q_hat;
                }
            }
            let denominator = (pp * dd * qq * q_hat_q_hat).sqrt();
            let dot = pd * qq_hat;
            if denominator > 0.0 && denominator.is_finite() && dot.is_finite() {
                sum.degrees += (dot / denominator).clamp(-1.0, 1.0).acos().to_degrees();
                sum.patterns += 1;
            }
        }
    }
}

/// `∠([D, b], δ [q; 1]ᵀ)` in degrees: a weight change with its bias column against a
/// rank-one one. `⟨[D, b], δ [q; 1]ᵀ⟩ = δᵀ (D q + b)`.
fn matrix_angle_deg(
    d: ArrayView2<'_, f32>,
    b: ArrayView1<'_, f32>,
    delta: ArrayView1<'_, f32>,
    q: ArrayView1<'_, f32>,
) -> Option<f64> {
    let (mut dot, mut dd) = (0.0_f64, 0.0_f64);
    for ((row, &bias), &e) in d.rows().into_iter().zip(&b).zip(&delta) {
        let mut along = f64::from(bias);
        dd += along * along;
        for (&w, &x) in row.iter().zip(&q) {
            let w = f64::from(w);
            along += w * f64::from(x);
            dd += w * w;
        }
        dot += f64::from(e) * along;
    }
    let ee: f64 = delta.iter().map(|&e| f64::from(e) * f64::from(e)).sum();
    let qq: f64 = 1.0 + q.iter().map(|&x| f64::from(x) * f64::from(x)).sum::<f64>();
    let denominator = (dd * ee * qq).sqrt();
    (denominator > 0.0 && denominator.is_finite() && dot.is_finite())
        .then(|| (dot / denominator).clamp(-1.0, 1.0).acos().to_degrees())
}
