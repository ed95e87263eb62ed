//! The four plasticity rules of a dendritic error microcircuit, always on — no phases
//! (Sacramento et al. 2018, eqs. 7–9 and the optional top-down rule; docs/science.md §4).
//!
//! Each rule moves a dendrite's prediction towards what the soma actually does:
//!
//! ```text
//! forward        dW^PP_{k,k-1}/dt = η_PP (φ(u_k) - φ(v̂_B,k)) r_{k-1}ᵀ      v̂_B = g_B/(g_lk+g_B+g_A) v_B
//!                                                                          (g_A = 0 at the output)
//! pyr→inter      dW^IP_k/dt       = η_IP (φ(u^I_k) - φ(v̂^I_k)) r_kᵀ         v̂^I = g_D/(g_lk+g_D) v^I
//! inter→apical   dW^PI_k/dt       = η_PI (0 - v_A,k) r^I_kᵀ                 silences the apical dendrite
//! top-down       dW^PP_{k,k+1}/dt = η_TD (φ(u_k) - φ(W^PP_{k,k+1} r_{k+1})) r_{k+1}ᵀ   (optional, η_TD = 0 by default)
//! ```
//!
//! Biases learn as weights from a rate of 1. Because `u_k - v̂_B,k` is the apical
//! contribution `g_A/(g_lk+g_B+g_A) v_A`, the forward rule of a hidden layer is driven
//! by the error its apical dendrite carries, and `φ(u) - φ(v̂) ≈ φ'(v̂)(u - v̂)` brings the
//! derivative backprop would multiply by.
//!
//! The full model low-pass filters every change with time constant `τ_w` and applies
//! `η dt` of it per step; the steady-state model applies `η T` (`T` the pattern length)
//! once per pattern, on the settled state. Either way the factors are the state's
//! current potentials and rates. See [`super::weights`] for the kernels.

use ndarray::{Array1, Array2, ArrayView1};

use super::config::Config;
use super::state::{CircuitState, Shares};
use super::weights::{filtered_update, rank_one_update, CircuitWeights};

/// The postsynaptic factors of the rules, and the full model's low-pass filtered
/// weight changes; all allocated once.
#[derive(Debug, Clone)]
pub(crate) struct Plasticity {
    /// `φ(u_k) - φ(v̂_B,k)`, `k = 1 ..= L`.
    forward_post: Vec<Array1<f32>>,
    /// `φ(u^I_k) - φ(v̂^I_k)`, hidden `k`.
    interneuron_post: Vec<Array1<f32>>,
    /// `φ(u_k) - φ(W^PP_{k,k+1} r_{k+1})`, hidden `k`.
    top_down_post: Vec<Array1<f32>>,
    /// The filtered changes of each group (same shapes as the weights).
    filtered: CircuitWeights,
}

/// The rates `η` of the four rules, per ms, times a duration (`dt` or the pattern).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Steps {
    pub forward: f32,
    pub output: f32,
    pub apical: f32,
    pub interneuron: f32,
    pub top_down: f32,
}

impl Steps {
    /// `η · duration_ms` for every rule. Nothing here knows whether a target is on:
    /// the rates are the same for the whole run (docs/science.md §4.2).
    pub fn new(config: &Config, duration_ms: f32) -> Self {
        Steps {
            forward: config.lr_forward * duration_ms,
            output: config.lr_output * duration_ms,
            apical: config.lr_apical * duration_ms,
            interneuron: config.lr_interneuron * duration_ms,
            top_down: config.lr_top_down * duration_ms,
        }
    }
}

impl Plasticity {
    pub fn new(weights: &CircuitWeights) -> Self {
        let zeros1 = |v: &[Array1<f32>]| v.iter().map(|a| Array1::zeros(a.len())).collect();
        let zeros2 = |v: &[Array2<f32>]| v.iter().map(|a| Array2::zeros(a.dim())).collect();
        Plasticity {
            forward_post: zeros1(&weights.forward_bias),
            interneuron_post: zeros1(&weights.interneuron_bias),
            top_down_post: weights
                .top_down
                .iter()
                .map(|w| Array1::zeros(w.nrows()))
                .collect(),
            filtered: CircuitWeights {
                forward: zeros2(&weights.forward),
                forward_bias: zeros1(&weights.forward_bias),
                top_down: zeros2(&weights.top_down),
                pyramidal_to_interneuron: zeros2(&weights.pyramidal_to_interneuron),
                interneuron_bias: zeros1(&weights.interneuron_bias),
                interneuron_to_apical: zeros2(&weights.interneuron_to_apical),
            },
        }
    }

    /// The filtered changes the full model applies, `η dt` of them per step.
    pub fn filtered(&self) -> &CircuitWeights {
        &self.filtered
    }

    /// Forgets the filtered changes (when the full model takes over from the
    /// steady-state one, whose changes are not filtered).
    pub fn reset_filters(&mut self) {
        let f = &mut self.filtered;
        for m in f
            .forward
            .iter_mut()
            .chain(&mut f.top_down)
            .chain(&mut f.pyramidal_to_interneuron)
            .chain(&mut f.interneuron_to_apical)
        {
            m.fill(0.0);
        }
        for v in f.forward_bias.iter_mut().chain(&mut f.interneuron_bias) {
            v.fill(0.0);
        }
    }

    /// The postsynaptic factors for the current state (module docs).
    pub fn compute_signals(&mut self, state: &CircuitState, shares: &Shares, top_down: bool) {
        let depth = state.soma.len();
        for k in 1..=depth {
            let phi = shares.rate_of(k, depth);
            let share = shares.basal_of(k, depth);
            for ((post, &r), &v) in self.forward_post[k - 1]
                .iter_mut()
                .zip(&state.rate[k - 1])
                .zip(&state.basal[k - 1])
            {
                *post = r - phi.apply(share * v);
            }
        }
        for h in 0..depth - 1 {
            let phi = shares.rate_of(h + 2, depth);
            for ((post, &r), &v) in self.interneuron_post[h]
                .iter_mut()
                .zip(&state.interneuron_rate[h])
                .zip(&state.interneuron_dendrite[h])
            {
                *post = r - phi.apply(shares.interneuron * v);
            }
            if top_down {
                for ((post, &r), &t) in self.top_down_post[h]
                    .iter_mut()
                    .zip(&state.rate[h])
                    .zip(&state.top_down[h])
                {
                    *post = r - shares.rate.apply(t);
                }
            }
        }
    }

    /// One Euler step of every filtered rule, with the state's current rates as the
    /// presynaptic factors. `steps` are `η dt`; `alpha = dt/τ_w` (1 without a filter).
    pub fn apply_filtered(
        &mut self,
        weights: &mut CircuitWeights,
        state: &CircuitState,
        steps: Steps,
        alpha: f32,
    ) {
        self.apply(weights, state, steps, Some(alpha));
    }

    /// One pattern's change of every rule, unfiltered, with the state's rates as the
    /// presynaptic factors. `steps` are `η T`.
    pub fn apply_steady(
        &mut self,
        weights: &mut CircuitWeights,
        state: &CircuitState,
        steps: Steps,
    ) {
        self.apply(weights, state, steps, None);
    }

    /// Every rule's change, each weight group paired with its postsynaptic and
    /// presynaptic factors (module docs): through the filter at rate `alpha`, or applied
    /// at once without one.
    fn apply(
        &mut self,
        weights: &mut CircuitWeights,
        state: &CircuitState,
        steps: Steps,
        filter: Option<f32>,
    ) {
        let depth = weights.forward.len();
        let f = &mut self.filtered;
        let update = |w: &mut Array2<f32>,
                      d: &mut Array2<f32>,
                      bias: Option<(&mut Array1<f32>, &mut Array1<f32>)>,
                      post: ArrayView1<'_, f32>,
                      pre: ArrayView1<'_, f32>,
                      step: f32| match filter {
            Some(alpha) => filtered_update(w, d, bias, post, pre, step, alpha),
            None => rank_one_update(w, bias.map(|(b, _)| b), post, pre, step),
        };
        for k in 1..=depth {
            update(
                &mut weights.forward[k - 1],
                &mut f.forward[k - 1],
                Some((&mut weights.forward_bias[k - 1], &mut f.forward_bias[k - 1])),
                self.forward_post[k - 1].view(),
                state.presynaptic(k),
                if k == depth {
                    steps.output
                } else {
                    steps.forward
                },
            );
        }
        for h in 0..depth - 1 {
            update(
                &mut weights.pyramidal_to_interneuron[h],
                &mut f.pyramidal_to_interneuron[h],
                Some((&mut weights.interneuron_bias[h], &mut f.interneuron_bias[h])),
                self.interneuron_post[h].view(),
                state.rate[h].view(),
                steps.interneuron,
            );
            // post = -v_A: the change is v_A r^Iᵀ with a negative step.
            update(
                &mut weights.interneuron_to_apical[h],
                &mut f.interneuron_to_apical[h],
                None,
                state.apical[h].view(),
                state.interneuron_rate[h].view(),
                -steps.apical,
            );
            if steps.top_down != 0.0 {
                update(
                    &mut weights.top_down[h],
                    &mut f.top_down[h],
                    None,
                    self.top_down_post[h].view(),
                    state.rate[h + 1].view(),
                    steps.top_down,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::microcircuit::config::RateFunction;
    use crate::Activation;
    use ndarray::array;

    fn tiny() -> (Config, CircuitWeights, CircuitState) {
        let config = Config {
            layers: vec![1, 1, 1],
            rate: RateFunction::plain(Activation::Linear),
            ..Config::default()
        };
        let weights = CircuitWeights {
            forward: vec![array![[1.0]], array![[1.0]]],
            forward_bias: vec![array![0.0], array![0.0]],
            top_down: vec![array![[1.0]]],
            pyramidal_to_interneuron: vec![array![[1.0]]],
            interneuron_bias: vec![array![0.0]],
            interneuron_to_apical: vec![array![[-1.0]]],
        };
        let mut state = CircuitState::at_rest(&config.layers);
        state.input[0] = 2.0;
        state.soma = vec![array![1.5], array![0.5]];
        state.rate = state.soma.clone();
        state.basal = vec![array![1.9], array![1.1]];
        state.apical[0][0] = 0.25;
        state.top_down[0][0] = 0.75;
        state.interneuron_soma[0][0] = 0.8;
        state.interneuron_rate[0][0] = 0.8;
        state.interneuron_dendrite[0][0] = 1.1;
        (config, weights, state)
    }

    #[test]
    fn signals_and_one_steady_change_by_hand() {
        let (config, mut weights, state) = tiny();
        let mut plasticity = Plasticity::new(&weights);
        plasticity.compute_signals(&state, &Shares::new(&config), true);
        // Hidden: v̂_B = 1.9/1.9 = 1, post = 1.5 - 1. Output: v̂_B = 1.1/1.1 = 1,
        // post = 0.5 - 1. Interneuron: v̂^I = 1.1 · 1/1.1 = 1, post = 0.8 - 1.
        // Top-down: 1.5 - 0.75.
        assert!((plasticity.forward_post[0][0] - 0.5).abs() < 1e-6);
        assert!((plasticity.forward_post[1][0] + 0.5).abs() < 1e-6);
        assert!((plasticity.interneuron_post[0][0] + 0.2).abs() < 1e-6);
        assert!((plasticity.top_down_post[0][0] - 0.75).abs() < 1e-6);
        let steps = Steps {
            forward: 0.1,
            output: 0.1,
            apical: 0.1,
            interneuron: 0.1,
            top_down: 0.1,
        };
        plasticity.apply_steady(&mut weights, &state, steps);
        // W_1 += 0.1 · 0.5 · 2; W_2 += 0.1 · (-0.5) · r_1 = -0.075;
        // W^IP += 0.1 · (-0.2) · 1.5; W^PI -= 0.1 · 0.25 · 0.8; W_td += 0.1 · 0.75 · 0.5.
        let close = |a: f32, b: f32| (a - b).abs() < 1e-6;
        assert!(close(weights.forward[0][[0, 0]], 1.1));
        assert!(close(weights.forward_bias[0][0], 0.05));
        assert!(close(weights.forward[1][[0, 0]], 0.925));
        assert!(close(weights.pyramidal_to_interneuron[0][[0, 0]], 0.97));
        assert!(close(weights.interneuron_to_apical[0][[0, 0]], -1.02));
        assert!(close(weights.top_down[0][[0, 0]], 1.0375));
    }

    #[test]
    fn an_unfiltered_euler_step_is_dt_times_the_rate() {
        let (config, weights, state) = tiny();
        let mut plasticity = Plasticity::new(&weights);
        plasticity.compute_signals(&state, &Shares::new(&config), true);
        let mut euler = weights.clone();
        plasticity.apply_filtered(&mut euler, &state, Steps::new(&config, 0.1), 1.0);
        let mut steady = weights.clone();
        plasticity.apply_steady(&mut steady, &state, Steps::new(&config, 0.1));
        // Equal up to rounding: η dt (p r) against (η dt p) r.
        let mut largest = 0.0_f32;
        euler.for_each_value(&mut |v| largest = largest.max(v.abs()));
        let (mut a, mut b) = (Vec::new(), Vec::new());
        euler.for_each_value(&mut |v| a.push(v));
        steady.for_each_value(&mut |v| b.push(v));
        assert!(a
            .iter()
            .zip(&b)
            .all(|(x, y)| (x - y).abs() <= 1e-7 * largest));
        assert_ne!(euler, weights);
        // The filter remembers the change; resetting forgets it.
        assert_ne!(plasticity.filtered.forward[0][[0, 0]], 0.0);
        plasticity.reset_filters();
        assert_eq!(plasticity.filtered.forward[0][[0, 0]], 0.0);
    }
}
