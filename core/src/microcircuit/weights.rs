//! The four weight groups of a dendritic error microcircuit (Sacramento et al. 2018;
//! docs/science.md §4), their initialisation and the plasticity kernels that change them.
//!
//! For hidden layer `k = 1 .. L-1` (layer `L` is the output, which has no apical
//! compartment and no interneurons):
//!
//! | group | maps | shape | into |
//! |---|---|---|---|
//! | forward `W^PP_{k,k-1}` (+ bias `b_k`) | `r_{k-1}` | `(n_k, n_{k-1})` | basal `v_B` (also for `k = L`) |
//! | top-down `W^PP_{k,k+1}` | `r_{k+1}` | `(n_k, n_{k+1})` | apical `v_A` |
//! | pyramidal→interneuron `W^IP_k` (+ bias `b^I_k`) | `r_k` | `(n_{k+1}, n_k)` | interneuron dendrite `v^I` |
//! | interneuron→apical `W^PI_k` | `r^I_k` | `(n_k, n_{k+1})` | apical `v_A` |
//!
//! A bias is a weight from a rate that is always 1 and learns by the same rule; the
//! paper's network has none, but without them a tanh circuit could not separate XOR
//! (every unit would be an odd function of the input). They start at 0.
//!
//! # The self-predicting state
//!
//! With no target, interneuron `j` of layer `k` settles at its partner's potential
//! `u_{k+1,j}` when its dendritic prediction `v̂^I = g_D/(g_lk+g_D) v^I` equals it, and the
//! apical compartment is silent when the interneurons cancel the top-down input. Both
//! hold for every input when
//!
//! ```text
//! W^PI_k = -W^PP_{k,k+1}
//! W^IP_k = c_{k+1} W^PP_{k+1,k},  b^I_k = c_{k+1} b_{k+1},
//! c_{k+1} = g_B/(g_lk+g_B+g_A^{(k+1)}) · (g_lk+g_D)/g_D,   g_A^{(L)} = 0
//! ```
//!
//! (docs/science.md §4; interneurons share their partner layer's rate function, so equal
//! potentials mean equal rates).
//!
//! # Plasticity kernels
//!
//! Every rule has the form `dW/dt = η · post · preᵀ`. The full model low-pass filters
//! the change, `d ← d + α (post preᵀ - d)` with `α = dt/τ_w`, then `W ← W + η dt d`
//! (`filtered_update`); the steady-state model applies one pattern's worth at once,
//! `W ← W + η T post preᵀ` (`rank_one_update`).
//!
//! # Reproducibility
//!
//! Forward weights are drawn from the weight stream layer by layer exactly as
//! [`crate::Network::new`] draws them, and top-down weights are the `B_{k+1}` that
//! [`crate::rule::Feedback::draw`] draws from the feedback stream, so a circuit and an
//! [`crate::Experiment`] from one seed and init start from the same `W` and its fixed
//! top-down weights are FA's `B`. Random interneuron weights come from a stream of their
//! own.

use ndarray::{Array1, Array2, ArrayView1, ArrayViewMut1, Zip};
use rand::Rng;

use super::config::{Config, Start};
use crate::linalg;
use crate::metrics;
use crate::network::init_matrix;
use crate::rule::Feedback;

/// The weights of every layer. Index `k - 1` holds forward layer `k` (`1 ..= L`) or
/// hidden layer `k` (`1 ..= L-1`).
#[derive(Debug, Clone, PartialEq)]
pub struct CircuitWeights {
    /// `W^PP_{k,k-1}`, `(n_k, n_{k-1})`, for `k = 1 ..= L`.
    pub forward: Vec<Array2<f32>>,
    /// Basal bias `b_k`, `(n_k)`, for `k = 1 ..= L`.
    pub forward_bias: Vec<Array1<f32>>,
    /// `W^PP_{k,k+1}`, `(n_k, n_{k+1})`, for hidden `k`.
    pub top_down: Vec<Array2<f32>>,
    /// `W^IP_k`, `(n_{k+1}, n_k)`, for hidden `k`.
    pub pyramidal_to_interneuron: Vec<Array2<f32>>,
    /// Interneuron dendritic bias `b^I_k`, `(n_{k+1})`, for hidden `k`.
    pub interneuron_bias: Vec<Array1<f32>>,
    /// `W^PI_k`, `(n_k, n_{k+1})`, for hidden `k`.
    pub interneuron_to_apical: Vec<Array2<f32>>,
}

impl CircuitWeights {
    /// Draws the weights `config` asks for: forward weights from `weight_rng` (as an
    /// Experiment's `W`), top-down weights from `feedback_rng` (as its `B`), and, for a
    /// random start, `W^IP` then `W^PI` per hidden layer from `interneuron_rng`.
    pub fn draw(
        config: &Config,
        weight_rng: &mut impl Rng,
        feedback_rng: &mut impl Rng,
        interneuron_rng: &mut impl Rng,
    ) -> Self {
        let sizes = &config.layers;
        let hidden = sizes.len() - 2;
        let forward = sizes
            .windows(2)
            .map(|pair| {
                let mut w = Array2::zeros((pair[1], pair[0]));
                init_matrix(&mut w, config.weight_init, 1.0, weight_rng);
                w
            })
            .collect();
        let feedback = Feedback::draw(sizes, config.top_down_init, 1.0, feedback_rng);
        // `b(k)` is a transposed view; store it row-major like every other matrix.
        let top_down = (1..=hidden)
            .map(|k| feedback.b(k).as_standard_layout().into_owned())
            .collect();
        let lateral = |k: usize| Array2::zeros((sizes[k + 1], sizes[k]));
        let mut weights = CircuitWeights {
            forward,
            forward_bias: sizes[1..].iter().map(|&n| Array1::zeros(n)).collect(),
            top_down,
            pyramidal_to_interneuron: (1..=hidden).map(lateral).collect(),
            interneuron_bias: sizes[2..].iter().map(|&n| Array1::zeros(n)).collect(),
            interneuron_to_apical: (1..=hidden)
                .map(|k| Array2::zeros((sizes[k], sizes[k + 1])))
                .collect(),
        };
        match config.start {
            Start::SelfPredicting => weights.make_self_predicting(config),
            Start::Random => {
                for h in 0..hidden {
                    init_matrix(
                        &mut weights.pyramidal_to_interneuron[h],
                        config.interneuron_init,
                        1.0,
                        interneuron_rng,
                    );
                    init_matrix(
                        &mut weights.interneuron_to_apical[h],
                        config.interneuron_init,
                        1.0,
                        interneuron_rng,
                    );
                }
            }
        }
        weights
    }

    /// Number of hidden layers, `L - 1`.
    pub fn hidden_layers(&self) -> usize {
        self.top_down.len()
    }

    /// Sets `W^IP`, `b^I` and `W^PI` by the closed form of the self-predicting state
    /// (module docs) for the current forward and top-down weights.
    pub fn make_self_predicting(&mut self, config: &Config) {
        let hidden = self.hidden_layers();
        for h in 0..hidden {
            let c = self_prediction_gain(config, h + 1 == hidden);
            Zip::from(&mut self.pyramidal_to_interneuron[h])
                .and(&self.forward[h + 1])
                .for_each(|ip, &w| *ip = c * w);
            Zip::from(&mut self.interneuron_bias[h])
                .and(&self.forward_bias[h + 1])
                .for_each(|ib, &b| *ib = c * b);
            Zip::from(&mut self.interneuron_to_apical[h])
                .and(&self.top_down[h])
                .for_each(|pi, &w| *pi = -w);
        }
    }

    /// The first weight group (and layer `k`) with a value that is not finite.
    pub fn first_non_finite(&self) -> Option<(&'static str, usize)> {
        fn find<D: ndarray::Dimension>(
            name: &'static str,
            layers: &[ndarray::Array<f32, D>],
        ) -> Option<(&'static str, usize)> {
            layers
                .iter()
                .position(|a| match a.as_slice() {
                    Some(values) => !all_finite(values),
                    None => !a.iter().all(|v| v.is_finite()),
                })
                .map(|index| (name, index + 1))
        }
        find("forward weights", &self.forward)
            .or_else(|| find("forward biases", &self.forward_bias))
            .or_else(|| find("top-down weights", &self.top_down))
            .or_else(|| {
                find(
                    "pyramidal-to-interneuron weights",
                    &self.pyramidal_to_interneuron,
                )
            })
            .or_else(|| find("interneuron biases", &self.interneuron_bias))
            .or_else(|| find("interneuron-to-apical weights", &self.interneuron_to_apical))
    }

    /// Feeds every weight, group by group and in logical order, to `eat`.
    pub(crate) fn for_each_value(&self, eat: &mut dyn FnMut(f32)) {
        fn feed<D: ndarray::Dimension>(
            layers: &[ndarray::Array<f32, D>],
            eat: &mut dyn FnMut(f32),
        ) {
            layers.iter().flat_map(|a| a.iter()).for_each(|&v| eat(v));
        }
        feed(&self.forward, eat);
        feed(&self.forward_bias, eat);
        feed(&self.top_down, eat);
        feed(&self.pyramidal_to_interneuron, eat);
        feed(&self.interneuron_bias, eat);
        feed(&self.interneuron_to_apical, eat);
    }

    /// `∠(W^PP_{k,k+1}, W^PP_{k+1,k}ᵀ)` in degrees for hidden layer `k`: how far the
    /// top-down weights are from the transpose backprop would send the error through.
    pub fn top_down_angle_deg(&self, k: usize) -> Option<f32> {
        metrics::angle_deg(self.top_down[k - 1].t(), self.forward[k].view())
    }

    /// `∠(W^IP_k, W^PP_{k+1,k})` in degrees: 0 in the self-predicting state.
    pub fn interneuron_angle_deg(&self, k: usize) -> Option<f32> {
        metrics::angle_deg(
            self.pyramidal_to_interneuron[k - 1].view(),
            self.forward[k].view(),
        )
    }

    /// `∠(W^PI_k, -W^PP_{k,k+1})` in degrees: 0 in the self-predicting state.
    pub fn apical_angle_deg(&self, k: usize) -> Option<f32> {
        let negative = self.top_down[k - 1].mapv(|w| -w);
        metrics::angle_deg(self.interneuron_to_apical[k - 1].view(), negative.view())
    }
}

/// Whether every value is finite. Checked after every pattern or minibatch over every
/// weight, so written to vectorise: bits or-ed over blocks, with no early exit inside
/// a block (at 784-500-500-10, `iter().all(is_finite)` took a fifth of a
/// minibatch of 10).
// `v - v` is deliberate: it is how finiteness is read here.
#[allow(clippy::eq_op)]
pub(crate) fn all_finite(values: &[f32]) -> bool {
    // `v - v` is +0 for a finite `v` and NaN otherwise: an integer or over the bits.
    values
        .chunks(1024)
        .all(|block| block.iter().fold(0, |bad, v| bad | (v - v).to_bits()) == 0)
}

/// `c_{k+1} = g_B/(g_lk+g_B+g_A^{(k+1)}) · (g_lk+g_D)/g_D`, with `g_A^{(k+1)} = 0` when
/// the layer above is the output.
pub(crate) fn self_prediction_gain(config: &Config, above_is_output: bool) -> f32 {
    let g_a_above = if above_is_output { 0.0 } else { config.g_a };
    config.g_b / (config.g_lk + config.g_b + g_a_above) * (config.g_lk + config.g_d) / config.g_d
}

/// `out ← W x (+ bias)`, each entry a fixed-order dot product.
pub(crate) fn matvec(
    w: &Array2<f32>,
    x: ArrayView1<'_, f32>,
    bias: Option<&Array1<f32>>,
    mut out: ArrayViewMut1<'_, f32>,
) {
    for (i, (row, o)) in w.rows().into_iter().zip(out.iter_mut()).enumerate() {
        *o = linalg::dot(row, x) + bias.map_or(0.0, |b| b[i]);
    }
}

/// `out ← out + W x`.
pub(crate) fn matvec_add(w: &Array2<f32>, x: ArrayView1<'_, f32>, out: &mut Array1<f32>) {
    for (row, o) in w.rows().into_iter().zip(out.iter_mut()) {
        *o += linalg::dot(row, x);
    }
}

/// One Euler step of a low-pass filtered rule: `d ← d + α (post preᵀ - d)`, then
/// `W ← W + step · d` (and the same for a bias with `pre = 1`). `step = η dt`.
pub(crate) fn filtered_update(
    w: &mut Array2<f32>,
    d: &mut Array2<f32>,
    bias: Option<(&mut Array1<f32>, &mut Array1<f32>)>,
    post: ArrayView1<'_, f32>,
    pre: ArrayView1<'_, f32>,
    step: f32,
    alpha: f32,
) {
    let pre = pre.as_slice().expect("contiguous rates");
    for ((mut w_row, mut d_row), &p) in w.rows_mut().into_iter().zip(d.rows_mut()).zip(&post) {
        let (w_row, d_row) = (
            w_row.as_slice_mut().expect("contiguous"),
            d_row.as_slice_mut().expect("contiguous"),
        );
        for ((w, d), &r) in w_row.iter_mut().zip(d_row.iter_mut()).zip(pre) {
            *d += alpha * (p * r - *d);
            *w += step * *d;
        }
    }
    if let Some((b, db)) = bias {
        Zip::from(b).and(db).and(&post).for_each(|b, d, &p| {
            *d += alpha * (p - *d);
            *b += step * *d;
        });
    }
}

/// `W ← W + step · post preᵀ` (and `b ← b + step · post`). `step = η T`.
pub(crate) fn rank_one_update(
    w: &mut Array2<f32>,
    bias: Option<&mut Array1<f32>>,
    post: ArrayView1<'_, f32>,
    pre: ArrayView1<'_, f32>,
    step: f32,
) {
    let pre = pre.as_slice().expect("contiguous rates");
    for (mut w_row, &p) in w.rows_mut().into_iter().zip(&post) {
        let scaled = step * p;
        if scaled == 0.0 {
            continue;
        }
        for (w, &r) in w_row
            .as_slice_mut()
            .expect("contiguous")
            .iter_mut()
            .zip(pre)
        {
            *w += scaled * r;
        }
    }
    if let Some(b) = bias {
        Zip::from(b).and(&post).for_each(|b, &p| *b += step * p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::microcircuit::config::Config;
    use crate::streams;
    use ndarray::array;

    fn draw(config: &Config) -> CircuitWeights {
        let rng = |id: u64| streams::stream(config.seed, id);
        CircuitWeights::draw(
            config,
            &mut rng(streams::WEIGHTS),
            &mut rng(streams::FEEDBACK),
            &mut rng(streams::INTERNEURONS),
        )
    }

    #[test]
    fn weights_are_those_of_an_experiment_from_the_same_seed() {
        let config = Config::default();
        let weights = draw(&config);
        let experiment = crate::Experiment::new(&crate::ExperimentConfig::for_task(
            crate::TaskKind::NonlinearTeacher,
        ))
        .unwrap();
        assert_eq!(weights.forward, experiment.network().weights());
        assert_eq!(weights.top_down[0], experiment.feedback().b(1));
        assert_eq!(weights.top_down[0].dim(), (50, 10));
        assert_eq!(weights.pyramidal_to_interneuron[0].dim(), (10, 50));
        assert_eq!(weights.interneuron_to_apical[0].dim(), (50, 10));
    }

    #[test]
    fn self_predicting_closed_form_by_hand() {
        let config = Config {
            layers: vec![30, 6, 5, 10],
            ..Config::default()
        };
        let weights = draw(&config);
        // Layer 1's partners are hidden (g_A = 0.8 above): 1/1.9 · 1.1/1 = 0.578947…
        // Layer 2's partners are the output (g_A = 0): 1/1.1 · 1.1 = 1.
        let c1 = 1.1_f32 / 1.9;
        for (h, c) in [(0, c1), (1, 1.0)] {
            let expected = weights.forward[h + 1].mapv(|w| c * w);
            let diff = (&weights.pyramidal_to_interneuron[h] - &expected)
                .iter()
                .fold(0.0_f32, |m, d| m.max(d.abs()));
            assert!(diff < 1e-6, "layer {}: {diff}", h + 1);
            assert_eq!(
                weights.interneuron_to_apical[h],
                weights.top_down[h].mapv(|w| -w)
            );
            // acos near 1 resolves angles only to ~1e-3°.
            assert!(weights.interneuron_angle_deg(h + 1).unwrap() < 1e-3);
            assert!(weights.apical_angle_deg(h + 1).unwrap() < 1e-3);
        }
    }

    #[test]
    fn random_start_draws_interneuron_weights() {
        let config = Config {
            start: Start::Random,
            ..Config::default()
        };
        let weights = draw(&config);
        let angle = weights.interneuron_angle_deg(1).unwrap();
        assert!((60.0..120.0).contains(&angle), "{angle}");
        assert_eq!(weights.forward, draw(&Config::default()).forward);
    }

    #[test]
    fn all_finite_finds_every_kind_of_non_finite_value() {
        let mut values = vec![1.0_f32; 1000];
        assert!(all_finite(&values));
        for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
            for at in [0, 255, 256, 999] {
                values[at] = bad;
                assert!(!all_finite(&values), "{bad} at {at}");
                values[at] = f32::MAX;
            }
        }
        assert!(all_finite(&values));
    }

    #[test]
    fn kernels_by_hand() {
        let mut w = array![[1.0_f32, 2.0], [3.0, 4.0]];
        let mut b = array![0.5_f32, -0.5];
        rank_one_update(
            &mut w,
            Some(&mut b),
            array![1.0, -2.0].view(),
            array![0.5, 1.0].view(),
            0.1,
        );
        assert_eq!(w, array![[1.05, 2.1], [2.9, 3.8]]);
        assert_eq!(b, array![0.6, -0.7]);

        // Without filtering (α = 1) the filtered update is the plain one.
        let mut w2 = array![[1.0_f32, 2.0], [3.0, 4.0]];
        let mut d = Array2::zeros((2, 2));
        filtered_update(
            &mut w2,
            &mut d,
            None,
            array![1.0, -2.0].view(),
            array![0.5, 1.0].view(),
            0.1,
            1.0,
        );
        assert_eq!(w2, w);
        // With α = ½ from d = 0, half the change arrives.
        let mut w3 = Array2::zeros((1, 1));
        let mut d3 = Array2::zeros((1, 1));
        filtered_update(
            &mut w3,
            &mut d3,
            None,
            array![2.0].view(),
            array![1.0].view(),
            1.0,
            0.5,
        );
        assert_eq!((w3[[0, 0]], d3[[0, 0]]), (1.0, 1.0));

        let mut out = Array1::zeros(2);
        matvec(
            &array![[1.0, 2.0], [3.0, 4.0]],
            array![1.0, -1.0].view(),
            Some(&array![0.5, 0.0]),
            out.view_mut(),
        );
        assert_eq!(out, array![-0.5, -1.0]);
        matvec_add(
            &array![[1.0, 0.0], [0.0, 1.0]],
            array![1.0, 2.0].view(),
            &mut out,
        );
        assert_eq!(out, array![0.5, 1.0]);
    }
}
