//! The steady-state model over a minibatch, in matrix form (Sacramento et al. 2018, §3.4
//! and their MNIST experiment; docs/science.md §4.3): `m` patterns settle at once, one
//! per row, with the weights held, and each rule's change is averaged over them and
//! applied once.
//!
//! Every potential becomes a matrix with one row per pattern. With `R_k` the rates of
//! layer `k` as an `(m, n_k)` matrix (`R_0` the inputs), the fixed points of
//! [`super::steady_state`] read
//!
//! ```text
//! bottom-up     V_B,k = R_{k-1} W_kᵀ + 1 b_kᵀ          U_k = g_B/(g_lk+g_B+g_A) V_B,k      R_k = φ(U_k)
//! nudge         U_L = (g_B V_B,L + g_trgt Y)/(g_lk+g_B+g_trgt)
//! top-down      V^I_k = R_k W^IP_kᵀ + 1 b^I_kᵀ           U^I_k = (g_D V^I_k + g_som U_{k+1})/(g_lk+g_D+g_som)
//!               V_A,k = R_{k+1} W^PP_{k,k+1}ᵀ + R^I_k W^PI_kᵀ      U_k = (g_B V_B,k + g_A V_A,k)/(g_lk+g_B+g_A)
//! plasticity    W ← W + (η T / m) Pᵀ Q               P the (m, n_post) postsynaptic factors, Q the (m, n_pre) rates
//! ```
//!
//! with the postsynaptic factors of [`super::plasticity`] taken row by row
//! (`φ(U_k) - φ(V̂_B,k)` for the forward weights, `φ(U^I_k) - φ(V̂^I_k)` for `W^IP`,
//! `-V_A,k` for `W^PI`, `φ(U_k) - φ(R_{k+1} W^PP_{k,k+1}ᵀ)` for the top-down weights).
//! Biases add the column sums of `(η T / m) P`.
//!
//! # Shapes
//!
//! Layer `k` has `n_k` cells; hidden layer `k` has `n_{k+1}` interneurons. Every
//! buffer below has `m` rows: pyramidal quantities `(m, n_k)`, interneuron quantities
//! `(m, n_{k+1})`, inputs `(m, n_0)`, targets `(m, n_L)`.
//!
//! # Averaged, and the same as one pattern at a time when `m = 1`
//!
//! The change is the mean over the minibatch, as in minibatch gradient descent and the
//! core's own optimiser (see docs/science.md §4.3 for the convention and the rates):
//! one config's `η` then gives the same size of step per update whatever `m`. The
//! products run through the tiled kernels of [`crate::linalg`], so the forward pass
//! adds in the same order as the one-pattern dot products (`affine` against `dot`),
//! and the update adds each pattern's term `(η T / m · p) q` to the weight in turn
//! (`matmul_tn_add`). With `m = 1` each operation is the one-pattern one and the
//! weights after any number of patterns are bit-for-bit those of
//! [`super::steady_state`] (tested).
//!
//! # Allocation
//!
//! Every buffer is allocated in [`Minibatch::new`]; settling and learning allocate
//! nothing.

use ndarray::{s, Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut2, Zip};

use super::config::Config;
use super::plasticity::Steps;
use super::state::{CircuitState, Shares};
use super::weights::CircuitWeights;
use crate::linalg;

/// Every potential and rate of `m` patterns, the rules' postsynaptic factors, and the
/// patterns' losses; index conventions as in [`CircuitState`], one row per pattern.
#[derive(Debug, Clone)]
pub(crate) struct Minibatch {
    /// `R_0`, the inputs, `(m, n_0)`.
    pub input: Array2<f32>,
    /// The targets `Y`, `(m, n_L)`.
    pub target: Array2<f32>,
    pub soma: Vec<Array2<f32>>,
    pub basal: Vec<Array2<f32>>,
    pub rate: Vec<Array2<f32>>,
    pub apical: Vec<Array2<f32>>,
    pub top_down: Vec<Array2<f32>>,
    pub interneuron_soma: Vec<Array2<f32>>,
    pub interneuron_dendrite: Vec<Array2<f32>>,
    pub interneuron_rate: Vec<Array2<f32>>,
    /// `R^I_k W^PI_kᵀ`, then the apical rule's factors `-(η T / m) V_A,k`.
    interneuron_input: Vec<Array2<f32>>,
    /// The forward rule's factors per layer `k = 1 ..= L`.
    forward_post: Vec<Array2<f32>>,
    /// The `W^IP` rule's factors per hidden layer.
    interneuron_post: Vec<Array2<f32>>,
    /// The top-down rule's factors per hidden layer.
    top_down_post: Vec<Array2<f32>>,
    /// Zeros as wide as the widest layer: the bias of the products that have none.
    zeros: Array1<f32>,
    /// `½‖u_L^free - y‖²` of each pattern, from the bottom-up pass.
    pub loss: Vec<f64>,
}

impl Minibatch {
    /// Buffers for `m` patterns through layer widths `sizes`.
    pub fn new(sizes: &[usize], m: usize) -> Self {
        let layers = |range: &[usize]| range.iter().map(|&n| Array2::zeros((m, n))).collect();
        let hidden = &sizes[1..sizes.len() - 1];
        let above = &sizes[2..];
        Minibatch {
            input: Array2::zeros((m, sizes[0])),
            target: Array2::zeros((m, sizes[sizes.len() - 1])),
            soma: layers(&sizes[1..]),
            basal: layers(&sizes[1..]),
            rate: layers(&sizes[1..]),
            apical: layers(hidden),
            top_down: layers(hidden),
            interneuron_soma: layers(above),
            interneuron_dendrite: layers(above),
            interneuron_rate: layers(above),
            interneuron_input: layers(hidden),
            forward_post: layers(&sizes[1..]),
            interneuron_post: layers(above),
            top_down_post: layers(hidden),
            zeros: Array1::zeros(sizes.iter().copied().max().unwrap_or(0)),
            loss: vec![0.0; m],
        }
    }

    /// The number of patterns, `m`.
    pub fn len(&self) -> usize {
        self.input.nrows()
    }

    /// Settles every pattern of `input` towards `target` (with `nudge`), as
    /// [`super::steady_state::settle`] settles one, and records each pattern's loss.
    pub fn settle(
        &mut self,
        weights: &CircuitWeights,
        shares: &Shares,
        config: &Config,
        nudge: bool,
    ) {
        let depth = weights.forward.len();
        bottom_up_rows(
            weights,
            shares,
            self.input.view(),
            &mut self.basal,
            &mut self.soma,
            &mut self.rate,
        );
        let out = depth - 1;
        for ((loss, u), y) in self
            .loss
            .iter_mut()
            .zip(self.soma[out].rows())
            .zip(self.target.rows())
        {
            *loss = u
                .iter()
                .zip(&y)
                .map(|(&u, &t)| 0.5 * f64::from(u - t).powi(2))
                .sum();
        }

        if nudge {
            let denominator = config.g_lk + config.g_b + config.g_target;
            let phi = shares.output_rate;
            Zip::from(&mut self.soma[out])
                .and(&mut self.rate[out])
                .and(&self.basal[out])
                .and(&self.target)
                .for_each(|u, r, &v, &t| {
                    *u = (config.g_b * v + config.g_target * t) / denominator;
                    *r = phi.apply(*u);
                });
        }

        let interneuron_total = config.g_lk + config.g_d + config.g_som;
        let pyramidal_total = config.g_lk + config.g_b + config.g_a;
        for k in (1..depth).rev() {
            let h = k - 1;
            let phi_above = shares.rate_of(k + 1, depth);
            // Layer k still has its bottom-up rates here: V^I of the bottom-up pass.
            linalg::affine(
                self.rate[h].view(),
                weights.pyramidal_to_interneuron[h].view(),
                weights.interneuron_bias[h].view(),
                self.interneuron_dendrite[h].view_mut(),
            );
            Zip::from(&mut self.interneuron_soma[h])
                .and(&mut self.interneuron_rate[h])
                .and(&self.interneuron_dendrite[h])
                .and(&self.soma[k])
                .for_each(|u, r, &v, &partner| {
                    *u = (config.g_d * v + config.g_som * partner) / interneuron_total;
                    *r = phi_above.apply(*u);
                });
            let n = self.apical[h].ncols();
            let no_bias = self.zeros.slice(s![..n]);
            linalg::affine(
                self.rate[k].view(),
                weights.top_down[h].view(),
                no_bias,
                self.top_down[h].view_mut(),
            );
            linalg::affine(
                self.interneuron_rate[h].view(),
                weights.interneuron_to_apical[h].view(),
                no_bias,
                self.interneuron_input[h].view_mut(),
            );
            // v_A = top-down + interneurons, added in the one-pattern order.
            Zip::from(&mut self.apical[h])
                .and(&self.top_down[h])
                .and(&self.interneuron_input[h])
                .for_each(|a, &t, &i| *a = t + i);
            Zip::from(&mut self.soma[h])
                .and(&mut self.rate[h])
                .and(&self.basal[h])
                .and(&self.apical[h])
                .for_each(|u, r, &v_b, &v_a| {
                    *u = (config.g_b * v_b + config.g_a * v_a) / pyramidal_total;
                    *r = shares.rate.apply(*u);
                });
        }
    }

    /// One minibatch's change of every rule (module docs) on the settled potentials:
    /// `steps` are one pattern's `η T`, shared out over the `m` patterns.
    pub fn learn(&mut self, weights: &mut CircuitWeights, shares: &Shares, steps: Steps) {
        let depth = weights.forward.len();
        let per_pattern = |step: f32| step / self.input.nrows() as f32;
        // The factors, each scaled by its rule's step (as `rank_one_update` scales them).
        for k in 1..=depth {
            let phi = shares.rate_of(k, depth);
            let share = shares.basal_of(k, depth);
            let step = per_pattern(if k == depth {
                steps.output
            } else {
                steps.forward
            });
            Zip::from(&mut self.forward_post[k - 1])
                .and(&self.rate[k - 1])
                .and(&self.basal[k - 1])
                .for_each(|p, &r, &v| *p = step * (r - phi.apply(share * v)));
        }
        for h in 0..depth - 1 {
            let phi = shares.rate_of(h + 2, depth);
            let step = per_pattern(steps.interneuron);
            Zip::from(&mut self.interneuron_post[h])
                .and(&self.interneuron_rate[h])
                .and(&self.interneuron_dendrite[h])
                .for_each(|p, &r, &v| *p = step * (r - phi.apply(shares.interneuron * v)));
            // post = -v_A: the change is v_A r^Iᵀ with a negative step.
            let step = per_pattern(-steps.apical);
            Zip::from(&mut self.interneuron_input[h])
                .and(&self.apical[h])
                .for_each(|p, &v| *p = step * v);
            if steps.top_down != 0.0 {
                let step = per_pattern(steps.top_down);
                Zip::from(&mut self.top_down_post[h])
                    .and(&self.rate[h])
                    .and(&self.top_down[h])
                    .for_each(|p, &r, &t| *p = step * (r - shares.rate.apply(t)));
            }
        }

        for k in 1..=depth {
            let pre = if k == 1 {
                self.input.view()
            } else {
                self.rate[k - 2].view()
            };
            add_outer_products(
                self.forward_post[k - 1].view(),
                pre,
                weights.forward[k - 1].view_mut(),
                Some(&mut weights.forward_bias[k - 1]),
            );
        }
        for h in 0..depth - 1 {
            add_outer_products(
                self.interneuron_post[h].view(),
                self.rate[h].view(),
                weights.pyramidal_to_interneuron[h].view_mut(),
                Some(&mut weights.interneuron_bias[h]),
            );
            add_outer_products(
                self.interneuron_input[h].view(),
                self.interneuron_rate[h].view(),
                weights.interneuron_to_apical[h].view_mut(),
                None,
            );
            if steps.top_down != 0.0 {
                add_outer_products(
                    self.top_down_post[h].view(),
                    self.rate[h + 1].view(),
                    weights.top_down[h].view_mut(),
                    None,
                );
            }
        }
    }

    /// Copies pattern `row`'s potentials into `state` (for the trace, the snapshot and
    /// the state hash, which follow one pattern).
    pub fn copy_row(&self, row: usize, state: &mut CircuitState) {
        state.input.assign(&self.input.row(row));
        let groups = [
            (&self.soma, &mut state.soma),
            (&self.basal, &mut state.basal),
            (&self.rate, &mut state.rate),
            (&self.apical, &mut state.apical),
            (&self.top_down, &mut state.top_down),
            (&self.interneuron_soma, &mut state.interneuron_soma),
            (&self.interneuron_dendrite, &mut state.interneuron_dendrite),
            (&self.interneuron_rate, &mut state.interneuron_rate),
        ];
        for (from, to) in groups {
            for (m, v) in from.iter().zip(to.iter_mut()) {
                v.assign(&m.row(row));
            }
        }
    }

    /// `‖v_A,k‖²` of pattern `row` for hidden layer `k`, as
    /// [`CircuitState::apical_energy`] computes it.
    pub fn apical_energy(&self, row: usize, k: usize) -> f32 {
        let sum: f64 = self.apical[k - 1]
            .row(row)
            .iter()
            .map(|&v| f64::from(v) * f64::from(v))
            .sum();
        sum as f32
    }

    /// The first potential group (and layer) with a value that is not finite, in any
    /// pattern.
    pub fn first_non_finite(&self) -> Option<(&'static str, usize)> {
        let groups: [(&'static str, &[Array2<f32>]); 3] = [
            ("pyramidal potentials", &self.soma),
            ("apical potentials", &self.apical),
            ("interneuron potentials", &self.interneuron_soma),
        ];
        groups.into_iter().find_map(|(name, layers)| {
            layers
                .iter()
                .position(|a| !a.iter().all(|v| v.is_finite()))
                .map(|index| (name, index + 1))
        })
    }
}

/// The bottom-up pass of [`super::state::bottom_up`] for every row of `x` at once:
/// `V_B,k = R_{k-1} W_kᵀ + 1 b_kᵀ`, `U_k = v̂_B/v_B · V_B,k`, `R_k = φ(U_k)`, written into
/// the first `x.nrows()` rows of `basal`, `soma` and `rate`.
pub(crate) fn bottom_up_rows(
    weights: &CircuitWeights,
    shares: &Shares,
    x: ArrayView2<'_, f32>,
    basal: &mut [Array2<f32>],
    soma: &mut [Array2<f32>],
    rate: &mut [Array2<f32>],
) {
    let depth = weights.forward.len();
    let rows = s![..x.nrows(), ..];
    for k in 1..=depth {
        let (done, rest) = rate.split_at_mut(k - 1);
        let pre = if k == 1 {
            x.view()
        } else {
            done[k - 2].slice(rows)
        };
        let mut v_b = basal[k - 1].slice_mut(rows);
        linalg::affine(
            pre,
            weights.forward[k - 1].view(),
            weights.forward_bias[k - 1].view(),
            v_b.view_mut(),
        );
        let share = shares.basal_of(k, depth);
        let phi = shares.rate_of(k, depth);
        Zip::from(soma[k - 1].slice_mut(rows))
            .and(rest[0].slice_mut(rows))
            .and(&v_b)
            .for_each(|u, r, &v| {
                *u = share * v;
                *r = phi.apply(*u);
            });
    }
}

/// `W ← W + Pᵀ Q` (`b ← b + Σ_rows P`), each pattern's term added in turn; `P` holds the
/// scaled postsynaptic factors, one row per pattern.
fn add_outer_products(
    post: ArrayView2<'_, f32>,
    pre: ArrayView2<'_, f32>,
    w: ArrayViewMut2<'_, f32>,
    bias: Option<&mut Array1<f32>>,
) {
    linalg::matmul_tn_add(post, pre, w);
    if let Some(b) = bias {
        for row in post.rows() {
            add_row(b, row);
        }
    }
}

fn add_row(b: &mut Array1<f32>, row: ArrayView1<'_, f32>) {
    Zip::from(b).and(&row).for_each(|b, &p| *b += p);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::microcircuit::config::RateFunction;
    use crate::microcircuit::plasticity::Plasticity;
    use crate::microcircuit::steady_state::settle;
    use crate::microcircuit::Start;
    use crate::streams::{self, stream};
    use crate::Activation;
    use ndarray::array;
    use rand::Rng;

    fn draw(config: &Config) -> CircuitWeights {
        let rng = |id: u64| stream(config.seed, id);
        CircuitWeights::draw(
            config,
            &mut rng(streams::WEIGHTS),
            &mut rng(streams::FEEDBACK),
            &mut rng(streams::INTERNEURONS),
        )
    }

    /// Bits of every weight.
    fn bits(weights: &CircuitWeights) -> Vec<u32> {
        let mut out = Vec::new();
        weights.for_each_value(&mut |v| out.push(v.to_bits()));
        out
    }

    /// Random patterns in `[-1, 1)`, `(count, n)`.
    fn patterns(count: usize, n: usize, seed: u64) -> Array2<f32> {
        let mut rng = stream(seed, 99);
        Array2::from_shape_fn((count, n), |_| rng.random_range(-1.0..1.0))
    }

    /// A circuit with two hidden layers, random interneurons (so `v_A ≠ 0`), the
    /// learned top-down weights and the paper's rate function for the hidden layers.
    fn busy_config() -> Config {
        Config {
            layers: vec![30, 12, 9, 10],
            start: Start::Random,
            rate: RateFunction::SACRAMENTO,
            lr_top_down: 0.0005,
            ..Config::default()
        }
    }

    #[test]
    fn one_pattern_at_a_time_bit_for_bit() {
        // 40 patterns through the matrix form with m = 1 and through the one-pattern
        // model, half without a target and half with: every weight keeps its bits.
        let config = busy_config();
        let shares = Shares::new(&config);
        let x = patterns(40, 30, 1);
        let y = patterns(40, 10, 2);
        let mut one = draw(&config);
        let mut matrix = one.clone();
        let mut state = CircuitState::at_rest(&config.layers);
        let mut plasticity = Plasticity::new(&one);
        let mut batch = Minibatch::new(&config.layers, 1);
        for i in 0..40 {
            let nudge = i >= 20;
            let steps = Steps::new(&config, config.pattern_ms);
            let loss = settle(
                &one,
                &shares,
                &config,
                x.row(i),
                y.row(i),
                nudge,
                &mut state,
            );
            plasticity.compute_signals(&state, &shares, true);
            plasticity.apply_steady(&mut one, &state, steps);

            batch.input.row_mut(0).assign(&x.row(i));
            batch.target.row_mut(0).assign(&y.row(i));
            batch.settle(&matrix, &shares, &config, nudge);
            batch.learn(&mut matrix, &shares, steps);
            assert_eq!(batch.loss[0].to_bits(), loss.to_bits(), "pattern {i}");
        }
        assert_eq!(bits(&one), bits(&matrix));
        let mut last = CircuitState::at_rest(&config.layers);
        batch.copy_row(0, &mut last);
        assert_eq!(last, state);
        assert!(state.apical_energy(1) > 0.0);
        assert_ne!(one, draw(&config));
    }

    #[test]
    fn a_minibatch_settles_each_pattern_as_alone_and_learns_the_mean() {
        // Each row settles exactly as that pattern would alone; the change is the mean
        // of the one-pattern changes (to rounding: they are added in a different order).
        let config = busy_config();
        let shares = Shares::new(&config);
        let (m, x, y) = (5, patterns(5, 30, 3), patterns(5, 10, 4));
        let start = draw(&config);
        let steps = Steps::new(&config, config.pattern_ms);

        let mut batch = Minibatch::new(&config.layers, m);
        batch.input.assign(&x);
        batch.target.assign(&y);
        batch.settle(&start, &shares, &config, true);
        let mut matrix = start.clone();
        batch.learn(&mut matrix, &shares, steps);

        let mut mean_change = Vec::new();
        let mut state = CircuitState::at_rest(&config.layers);
        let mut plasticity = Plasticity::new(&start);
        let mut row_state = CircuitState::at_rest(&config.layers);
        for i in 0..m {
            let loss = settle(
                &start,
                &shares,
                &config,
                x.row(i),
                y.row(i),
                true,
                &mut state,
            );
            assert_eq!(batch.loss[i], loss);
            batch.copy_row(i, &mut row_state);
            assert_eq!(row_state, state, "pattern {i}");
            plasticity.compute_signals(&state, &shares, true);
            let mut alone = start.clone();
            plasticity.apply_steady(&mut alone, &state, steps);
            let (mut before, mut after) = (Vec::new(), Vec::new());
            start.for_each_value(&mut |v| before.push(f64::from(v)));
            alone.for_each_value(&mut |v| after.push(f64::from(v)));
            let change: Vec<f64> = after.iter().zip(&before).map(|(a, b)| a - b).collect();
            if mean_change.is_empty() {
                mean_change = vec![0.0; change.len()];
            }
            for (sum, c) in mean_change.iter_mut().zip(change) {
                *sum += c / m as f64;
            }
        }
        let (mut before, mut after) = (Vec::new(), Vec::new());
        start.for_each_value(&mut |v| before.push(f64::from(v)));
        matrix.for_each_value(&mut |v| after.push(f64::from(v)));
        let got: Vec<f64> = after.iter().zip(&before).map(|(a, b)| a - b).collect();
        let largest = mean_change.iter().fold(0.0_f64, |a, &c| a.max(c.abs()));
        assert!(largest > 1e-4, "the rules changed something: {largest}");
        for (g, want) in got.iter().zip(&mean_change) {
            assert!((g - want).abs() <= 1e-5 * largest + 1e-6, "{g} vs {want}");
        }
    }

    #[test]
    fn bottom_up_rows_by_hand() {
        // The 2-1-1 circuit of state.rs's test, two patterns at once.
        let config = Config {
            layers: vec![2, 1, 1],
            rate: RateFunction::plain(Activation::Linear),
            ..Config::default()
        };
        let weights = CircuitWeights {
            forward: vec![array![[1.0, 2.0]], array![[3.0]]],
            forward_bias: vec![array![0.5], array![-1.0]],
            top_down: vec![array![[0.0]]],
            pyramidal_to_interneuron: vec![array![[0.0]]],
            interneuron_bias: vec![array![0.0]],
            interneuron_to_apical: vec![array![[0.0]]],
        };
        let mut batch = Minibatch::new(&config.layers, 2);
        bottom_up_rows(
            &weights,
            &Shares::new(&config),
            array![[1.0, -1.0], [0.0, 0.0]].view(),
            &mut batch.basal,
            &mut batch.soma,
            &mut batch.rate,
        );
        // Row 0: v_B,1 = -0.5, u_1 = -0.5/1.9; row 1: v_B,1 = 0.5, u_1 = 0.5/1.9.
        let u1 = 0.5_f32 / 1.9;
        assert!((batch.soma[0][[0, 0]] + u1).abs() < 1e-7);
        assert!((batch.soma[0][[1, 0]] - u1).abs() < 1e-7);
        assert!((batch.soma[1][[1, 0]] - (3.0 * u1 - 1.0) / 1.1).abs() < 1e-6);
    }
}
