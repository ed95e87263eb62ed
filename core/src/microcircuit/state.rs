//! The compartment potentials of a microcircuit and its bottom-up prediction
//! (Sacramento et al. 2018; docs/science.md §4).
//!
//! Each hidden layer `k = 1 .. L-1` has `n_k` pyramidal cells with a soma `u_k`, a
//! basal compartment `v_B` and an apical one `v_A`, and `n_{k+1}` interneurons (one per
//! cell of the layer above) with a soma `u^I_k` and a dendrite `v^I_k`. The output
//! layer `L` has a soma and a basal compartment only. Rates are `r = φ(u)`; the input
//! layer's rates `r_0` are the (low-pass filtered) input itself.
//!
//! ```text
//! v_B,k = W^PP_{k,k-1} r_{k-1} + b_k          v_A,k = W^PP_{k,k+1} r_{k+1} + W^PI_k r^I_k
//! v^I_k = W^IP_k r_k + b^I_k
//! ```
//!
//! The dendrites are instantaneous; only the somata have dynamics (see
//! [`super::dynamics`] and [`super::steady_state`]). Both models write this one state,
//! so a run can switch between them.
//!
//! # The bottom-up prediction
//!
//! In the self-predicting state `v_A = 0`, so with no target every soma sits at its
//! basal prediction `v̂_B = g_B/(g_lk+g_B+g_A) v_B` (hidden) or `g_B/(g_lk+g_B) v_B`
//! (output). That feedforward pass is the circuit's prediction `ŷ = u_L`, scored
//! against `y` like any other network's output (`bottom_up`).

use ndarray::{Array1, ArrayView1};

use super::config::{Config, RateFunction};
use super::weights::{matvec, matvec_add, CircuitWeights};

/// Every potential and rate of the circuit. Index `k - 1` holds layer `k` (`1 ..= L`
/// for pyramidal quantities, hidden `k` for apical and interneuron ones).
#[derive(Debug, Clone, PartialEq)]
pub struct CircuitState {
    /// `r_0`, the input rates after the input filter, `(n_0)`.
    pub input: Array1<f32>,
    /// Pyramidal somata `u_k`, `(n_k)`, `k = 1 ..= L`.
    pub soma: Vec<Array1<f32>>,
    /// Basal potentials `v_B,k`, `k = 1 ..= L`.
    pub basal: Vec<Array1<f32>>,
    /// Rates `r_k = φ(u_k)`, `k = 1 ..= L`.
    pub rate: Vec<Array1<f32>>,
    /// Apical potentials `v_A,k`, `(n_k)`, hidden `k`.
    pub apical: Vec<Array1<f32>>,
    /// The top-down part of `v_A`, `W^PP_{k,k+1} r_{k+1}`; the rest, `v_A` minus this,
    /// is the interneurons' cancelling input `W^PI r^I`.
    pub top_down: Vec<Array1<f32>>,
    /// Interneuron somata `u^I_k`, `(n_{k+1})`, hidden `k`.
    pub interneuron_soma: Vec<Array1<f32>>,
    /// Interneuron dendrites `v^I_k`, `(n_{k+1})`.
    pub interneuron_dendrite: Vec<Array1<f32>>,
    /// Interneuron rates `r^I_k = φ_{k+1}(u^I_k)`.
    pub interneuron_rate: Vec<Array1<f32>>,
}

impl CircuitState {
    /// The presynaptic rates of forward layer `k` (1-based): the input `x` for `k = 1`,
    /// else `r_{k-1}`.
    pub(crate) fn presynaptic(&self, k: usize) -> ArrayView1<'_, f32> {
        if k == 1 {
            self.input.view()
        } else {
            self.rate[k - 2].view()
        }
    }

    /// The apical potential of hidden layer `h + 1` from the current rates,
    /// `v_A = W^PP_{k,k+1} r_{k+1} + W^PI_k r^I_k`, keeping the top-down part in
    /// `top_down[h]`.
    pub(crate) fn update_apical(&mut self, weights: &CircuitWeights, h: usize) {
        matvec(
            &weights.top_down[h],
            self.rate[h + 1].view(),
            None,
            self.top_down[h].view_mut(),
        );
        self.apical[h].assign(&self.top_down[h]);
        matvec_add(
            &weights.interneuron_to_apical[h],
            self.interneuron_rate[h].view(),
            &mut self.apical[h],
        );
    }

    /// All potentials at rest (0) for layer widths `sizes`.
    pub fn at_rest(sizes: &[usize]) -> Self {
        let layers = |range: &[usize]| range.iter().map(|&n| Array1::zeros(n)).collect();
        let hidden = &sizes[1..sizes.len() - 1];
        let above = &sizes[2..];
        CircuitState {
            input: Array1::zeros(sizes[0]),
            soma: layers(&sizes[1..]),
            basal: layers(&sizes[1..]),
            rate: layers(&sizes[1..]),
            apical: layers(hidden),
            top_down: layers(hidden),
            interneuron_soma: layers(above),
            interneuron_dendrite: layers(above),
            interneuron_rate: layers(above),
        }
    }

    /// `Σ_i v_A,k,i²` for hidden layer `k`: the apical energy, 0 in the
    /// self-predicting state.
    pub fn apical_energy(&self, k: usize) -> f32 {
        let sum: f64 = self.apical[k - 1]
            .iter()
            .map(|&v| f64::from(v) * f64::from(v))
            .sum();
        sum as f32
    }

    /// The output potentials `u_L`.
    pub fn output(&self) -> &Array1<f32> {
        self.soma.last().expect("an output layer")
    }

    /// The first potential group (and layer) with a value that is not finite.
    pub fn first_non_finite(&self) -> Option<(&'static str, usize)> {
        let groups: [(&'static str, &[Array1<f32>]); 3] = [
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

    /// Feeds every potential to `eat`.
    pub(crate) fn for_each_value(&self, eat: &mut dyn FnMut(f32)) {
        self.input.iter().for_each(|&v| eat(v));
        for group in [
            &self.soma,
            &self.basal,
            &self.apical,
            &self.interneuron_soma,
            &self.interneuron_dendrite,
        ] {
            for layer in group {
                layer.iter().for_each(|&v| eat(v));
            }
        }
    }
}

/// The fractions and rate functions the two models share, from a config.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shares {
    /// `g_B/(g_lk+g_B+g_A)`: a hidden soma's basal prediction `v̂_B / v_B`.
    pub hidden_basal: f32,
    /// `g_B/(g_lk+g_B)`: the output soma's `v̂_B / v_B`.
    pub output_basal: f32,
    /// `g_D/(g_lk+g_D)`: an interneuron's `v̂^I / v^I`.
    pub interneuron: f32,
    pub rate: RateFunction,
    pub output_rate: RateFunction,
}

impl Shares {
    pub fn new(config: &Config) -> Self {
        Shares {
            hidden_basal: config.g_b / (config.g_lk + config.g_b + config.g_a),
            output_basal: config.g_b / (config.g_lk + config.g_b),
            interneuron: config.g_d / (config.g_lk + config.g_d),
            rate: config.rate,
            output_rate: config.output_rate,
        }
    }

    /// `φ` of pyramidal layer `k` (`1 ..= L`, of `depth = L` layers).
    pub fn rate_of(&self, k: usize, depth: usize) -> RateFunction {
        if k == depth {
            self.output_rate
        } else {
            self.rate
        }
    }

    /// `v̂_B / v_B` of layer `k`.
    pub fn basal_of(&self, k: usize, depth: usize) -> f32 {
        if k == depth {
            self.output_basal
        } else {
            self.hidden_basal
        }
    }
}

/// The bottom-up pass for input `x`: `v_B,k = W_k r_{k-1} + b_k`, `u_k = v̂_B,k`,
/// `r_k = φ(u_k)` for `k = 1 ..= L`, written into `basal`, `soma` and `rate` (one entry
/// per layer, as in [`CircuitState`]). The prediction is `soma[L-1]`.
pub(crate) fn bottom_up(
    weights: &CircuitWeights,
    shares: &Shares,
    x: ArrayView1<'_, f32>,
    basal: &mut [Array1<f32>],
    soma: &mut [Array1<f32>],
    rate: &mut [Array1<f32>],
) {
    let depth = weights.forward.len();
    for k in 1..=depth {
        let (done, rest) = rate.split_at_mut(k - 1);
        let pre = if k == 1 { x.view() } else { done[k - 2].view() };
        matvec(
            &weights.forward[k - 1],
            pre,
            Some(&weights.forward_bias[k - 1]),
            basal[k - 1].view_mut(),
        );
        let share = shares.basal_of(k, depth);
        let phi = shares.rate_of(k, depth);
        for ((u, r), &v) in soma[k - 1]
            .iter_mut()
            .zip(rest[0].iter_mut())
            .zip(&basal[k - 1])
        {
            *u = share * v;
            *r = phi.apply(*u);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::microcircuit::config::Config;
    use crate::Activation;
    use ndarray::array;

    #[test]
    fn bottom_up_by_hand() {
        // 2-1-1 with a linear hidden rate: v_B,1 = 1·1 + 2·(-1) + 0.5 = -0.5,
        // u_1 = -0.5/1.9; v_B,2 = 3 u_1 - 1, u_2 = v_B,2 / 1.1.
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
        let mut state = CircuitState::at_rest(&config.layers);
        bottom_up(
            &weights,
            &Shares::new(&config),
            array![1.0, -1.0].view(),
            &mut state.basal,
            &mut state.soma,
            &mut state.rate,
        );
        let u1 = -0.5_f32 / 1.9;
        assert!((state.soma[0][0] - u1).abs() < 1e-7);
        assert!((state.output()[0] - (3.0 * u1 - 1.0) / 1.1).abs() < 1e-6);
        assert_eq!(state.rate[0][0], state.soma[0][0]);
    }

    #[test]
    fn apical_energy_is_the_squared_norm() {
        let mut state = CircuitState::at_rest(&[1, 2, 1]);
        state.apical[0] = array![3.0, -4.0];
        assert_eq!(state.apical_energy(1), 25.0);
        assert_eq!(state.first_non_finite(), None);
        state.interneuron_soma[0][0] = f32::NAN;
        assert_eq!(
            state.first_non_finite(),
            Some(("interneuron potentials", 1))
        );
    }
}
