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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::microcircuit::config::{Config, Mode, RateFunction};
    use crate::microcircuit::minibatch::Minibatch;
    use crate::microcircuit::state::bottom_up;
    use crate::microcircuit::steady_state::settle;
    use crate::microcircuit::Microcircuit;
    use crate::streams::{self, stream};
    use crate::task::{TaskConfig, TaskKind};
    use crate::Activation;
    use ndarray::Array1;
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

    fn random(n: usize, seed: u64) -> Array1<f32> {
        let mut rng = stream(seed, 77);
        Array1::from_shape_fn(n, |_| rng.random_range(-1.0..1.0))
    }

    /// The steady-state angles of one pattern, per hidden layer.
    fn settled_angles(config: &Config, weights: &CircuitWeights, seed: u64) -> Vec<f32> {
        let shares = Shares::new(config);
        let sizes = &config.layers;
        let (x, y) = (
            random(sizes[0], seed),
            random(sizes[sizes.len() - 1], seed + 1),
        );
        let mut state = CircuitState::at_rest(sizes);
        settle(
            weights,
            &shares,
            config,
            x.view(),
            y.view(),
            true,
            &mut state,
        );
        let mut angles = UpdateAngle::new(sizes, 1);
        let mut sums = vec![AngleSum::default(); sizes.len() - 2];
        angles.add_settled(weights, &shares, &state, y.view(), &mut sums);
        sums.iter().map(|s| s.mean().unwrap()).collect()
    }

    #[test]
    fn with_top_down_weights_as_the_forward_transpose_a_linear_circuit_is_backprop() {
        // Linear rates, the self-predicting state and W^PP_{k,k+1} = W^PP_{k+1,k}ᵀ: the
        // apical error of layer k is W_{k+1}ᵀ … W_Lᵀ (y - ŷ) times a positive constant
        // (docs/science.md §4.1), which is backprop's δ_k. With one hidden layer both
        // updates read the input, so they are parallel.
        for layers in [vec![30, 8, 10], vec![30, 8, 6, 10]] {
            let config = Config {
                layers,
                rate: RateFunction::plain(Activation::Linear),
                ..Config::default()
            };
            let mut weights = draw(&config);
            for h in 0..weights.hidden_layers() {
                weights.top_down[h] = weights.forward[h + 1].t().to_owned();
            }
            weights.make_self_predicting(&config);
            let angles = settled_angles(&config, &weights, 3);
            assert!(angles[0] < 0.05, "{angles:?}");
            // Layer 2's presynaptic rates are the nudged r_1 for the circuit and the
            // bottom-up r̂_1 for backprop: a second-order difference only.
            if let Some(&second) = angles.get(1) {
                assert!(second < 3.0, "{angles:?}");
            }

            // Random top-down weights (feedback alignment's B) are far from backprop.
            let random_top_down = draw(&config);
            let angles = settled_angles(&config, &random_top_down, 3);
            assert!(angles[0] > 30.0, "{angles:?}");
        }
    }

    #[test]
    fn the_logged_angle_is_that_of_the_weights_change_against_a_finite_difference_gradient() {
        // Independently of the code above: backprop's update is minus the gradient of
        // ½‖ŷ - y‖² of the circuit's bottom-up prediction, by central differences, and
        // the circuit's is its weights after one pattern minus before.
        let config = Config {
            task: TaskConfig {
                train_size: 8,
                test_size: 4,
                ..TaskConfig::recommended(TaskKind::NonlinearTeacher)
            },
            layers: vec![30, 12, 10],
            mode: Mode::SteadyState,
            log_every: 1,
            ..Config::default()
        };
        let mut circuit = Microcircuit::new(&config).unwrap();
        let before = circuit.weights().clone();
        circuit.step(1).unwrap();
        let logged = circuit.latest().unwrap().layers[0]
            .update_angle_deg
            .unwrap();
        let after = circuit.weights();
        let (x, y) = (circuit.x.clone(), circuit.y.clone());

        let shares = Shares::new(&config);
        let loss = |weights: &CircuitWeights| -> f64 {
            let mut state = CircuitState::at_rest(&config.layers);
            bottom_up(
                weights,
                &shares,
                x.view(),
                &mut state.basal,
                &mut state.soma,
                &mut state.rate,
            );
            state
                .output()
                .iter()
                .zip(&y)
                .map(|(&u, &t)| 0.5 * f64::from(u - t).powi(2))
                .sum()
        };
        let h = 1e-2_f32;
        let (mut dot, mut circuit_squared, mut backprop_squared) = (0.0, 0.0, 0.0);
        let (rows, cols) = before.forward[0].dim();
        for i in 0..rows {
            for j in 0..=cols {
                // Column `cols` is the bias.
                let value = |w: &CircuitWeights| match j == cols {
                    true => w.forward_bias[0][i],
                    false => w.forward[0][[i, j]],
                };
                let nudged = |by: f32| {
                    let mut w = before.clone();
                    match j == cols {
                        true => w.forward_bias[0][i] += by,
                        false => w.forward[0][[i, j]] += by,
                    }
                    loss(&w)
                };
                let downhill = -(nudged(h) - nudged(-h)) / (2.0 * f64::from(h));
                let change = f64::from(value(after) - value(&before));
                dot += change * downhill;
                circuit_squared += change * change;
                backprop_squared += downhill * downhill;
            }
        }
        let reference = (dot / (circuit_squared * backprop_squared).sqrt())
            .acos()
            .to_degrees();
        assert!(
            (f64::from(logged) - reference).abs() < 0.5,
            "logged {logged}°, reference {reference}°"
        );
        assert!((5.0..85.0).contains(&reference), "{reference}");
    }

    #[test]
    fn a_minibatch_averages_the_angles_of_its_patterns() {
        let config = Config {
            layers: vec![30, 12, 9, 10],
            ..Config::default()
        };
        let weights = draw(&config);
        let shares = Shares::new(&config);
        let m = 4;
        let mut batch = Minibatch::new(&config.layers, m);
        let mut alone = Vec::new();
        for i in 0..m {
            batch.input.row_mut(i).assign(&random(30, 10 + i as u64));
            batch.target.row_mut(i).assign(&random(10, 20 + i as u64));
            let mut state = CircuitState::at_rest(&config.layers);
            let (x, y) = (batch.input.row(i), batch.target.row(i));
            settle(&weights, &shares, &config, x, y, true, &mut state);
            let mut angles = UpdateAngle::new(&config.layers, 1);
            let mut sums = vec![AngleSum::default(); 2];
            angles.add_settled(&weights, &shares, &state, y, &mut sums);
            alone.push(sums);
        }
        batch.settle(&weights, &shares, &config, true);
        let mut angles = UpdateAngle::new(&config.layers, m);
        let mut sums = vec![AngleSum::default(); 2];
        angles.add_minibatch(
            &weights,
            &shares,
            &Rows {
                input: batch.input.view(),
                target: batch.target.view(),
                basal: &batch.basal,
                rate: &batch.rate,
                bottom_up_basal: &batch.basal,
            },
            &mut sums,
        );
        for k in 0..2 {
            let mean: f64 = alone.iter().map(|s| s[k].degrees).sum::<f64>() / m as f64;
            assert_eq!(sums[k].patterns, m as u64);
            let got = f64::from(sums[k].mean().unwrap());
            assert!(
                (got - mean).abs() < 1e-3,
                "layer {}: {got} vs {mean}",
                k + 1
            );
        }
    }

    #[test]
    fn the_full_model_logs_an_angle_only_while_nudged() {
        let config = Config {
            task: TaskConfig {
                train_size: 16,
                test_size: 4,
                ..TaskConfig::recommended(TaskKind::NonlinearTeacher)
            },
            layers: vec![30, 12, 10],
            pattern_ms: 20.0,
            log_every: 5,
            pretrain_patterns: 5,
            ..Config::default()
        };
        let mut circuit = Microcircuit::new(&config).unwrap();
        circuit.step(10).unwrap();
        let angles: Vec<Option<f32>> = circuit
            .history()
            .iter()
            .map(|row| row.layers[0].update_angle_deg)
            .collect();
        assert_eq!(angles[..2], [None, None], "no target, no angle: {angles:?}");
        let angle = angles[2].expect("an angle with the target on");
        assert!((1.0..120.0).contains(&angle), "{angle}");
        // The CSV's row carries it.
        let row = circuit.latest().unwrap().to_metrics();
        assert_eq!(row.layers[0].update_angle_deg, Some(angle));
    }
}
