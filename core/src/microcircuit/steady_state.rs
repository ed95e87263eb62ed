//! The steady-state approximation of a dendritic error microcircuit (Sacramento et al.
//! 2018, §3.4; docs/science.md §4): instead of integrating, every compartment jumps to its
//! fixed point once per pattern, in the order
//!
//! 1. **bottom-up**: `v_B,k = W_k r_{k-1} + b_k`, `u_k = v̂_B,k`, `r_k = φ(u_k)` for
//!    `k = 1 ..= L` (the prediction, `v_A` taken as 0);
//! 2. **nudge the output**: `u_L = (g_B v_B + g_trgt u_trgt)/(g_lk+g_B+g_trgt)`, which is
//!    `(1-λ) g_B/(g_lk+g_B) v_B + λ u_trgt` with `λ = g_trgt/(g_lk+g_B+g_trgt)`;
//! 3. **top-down**, `k = L-1 .. 1`: interneurons
//!    `u^I_k = (g_D v^I + g_som u_{k+1})/(g_lk+g_D+g_som)`
//!    (`= (1-λ_I) g_D/(g_lk+g_D) v^I + λ_I u_{k+1}`, `λ_I = g_som/(g_lk+g_D+g_som)`),
//!    then the apical compartment `v_A,k = W^PP_{k,k+1} r_{k+1} + W^PI_k r^I_k`, then the
//!    soma `u_k = (g_B v_B + g_A v_A)/(g_lk+g_B+g_A)`;
//! 4. **plasticity**: one pattern's worth, `η T`, of each rule on the settled state
//!    (see [`super::plasticity`]).
//!
//! Each fixed point is that of the full model's equation for the compartment with its
//! inputs held (set `du/dt = 0` in [`super::dynamics`]). The approximation ignores
//! that the apical nudge of a hidden layer changes its rates and so the basal input of
//! the layers above; it is exact when `v_A = 0` (the self-predicting state with no
//! target), and otherwise off by terms of second order in the nudge. There is no noise.

use ndarray::ArrayView1;

use super::config::Config;
use super::state::{bottom_up, CircuitState, Shares};
use super::weights::{matvec, CircuitWeights};

/// Settles `state` for input `x` (steps 1–3): with `nudge`, the output is pulled
/// towards `y`. Returns the prediction's loss `½‖u_L^free - y‖²`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn settle(
    weights: &CircuitWeights,
    shares: &Shares,
    config: &Config,
    x: ArrayView1<'_, f32>,
    y: ArrayView1<'_, f32>,
    nudge: bool,
    state: &mut CircuitState,
) -> f64 {
    let depth = weights.forward.len();
    state.input.assign(&x);
    bottom_up(
        weights,
        shares,
        x,
        &mut state.basal,
        &mut state.soma,
        &mut state.rate,
    );
    let loss: f64 = state.soma[depth - 1]
        .iter()
        .zip(&y)
        .map(|(&u, &t)| 0.5 * f64::from(u - t).powi(2))
        .sum();

    if nudge {
        let denominator = config.g_lk + config.g_b + config.g_target;
        let phi = shares.output_rate;
        let out = depth - 1;
        for (((u, r), &v), &t) in state.soma[out]
            .iter_mut()
            .zip(state.rate[out].iter_mut())
            .zip(&state.basal[out])
            .zip(&y)
        {
            *u = (config.g_b * v + config.g_target * t) / denominator;
            *r = phi.apply(*u);
        }
    }

    let interneuron_total = config.g_lk + config.g_d + config.g_som;
    let pyramidal_total = config.g_lk + config.g_b + config.g_a;
    for k in (1..depth).rev() {
        let h = k - 1;
        let phi_above = shares.rate_of(k + 1, depth);
        // Layer k still has its bottom-up rates here: this is v^I of the bottom-up pass.
        matvec(
            &weights.pyramidal_to_interneuron[h],
            state.rate[h].view(),
            Some(&weights.interneuron_bias[h]),
            state.interneuron_dendrite[h].view_mut(),
        );
        for (((u, r), &v), &target) in state.interneuron_soma[h]
            .iter_mut()
            .zip(state.interneuron_rate[h].iter_mut())
            .zip(&state.interneuron_dendrite[h])
            .zip(&state.soma[k])
        {
            *u = (config.g_d * v + config.g_som * target) / interneuron_total;
            *r = phi_above.apply(*u);
        }
        state.update_apical(weights, h);
        for (((u, r), &v_b), &v_a) in state.soma[h]
            .iter_mut()
            .zip(state.rate[h].iter_mut())
            .zip(&state.basal[h])
            .zip(&state.apical[h])
        {
            *u = (config.g_b * v_b + config.g_a * v_a) / pyramidal_total;
            *r = shares.rate.apply(*u);
        }
    }
    loss
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::microcircuit::config::RateFunction;
    use crate::Activation;
    use ndarray::array;

    /// A 1-1-1 linear circuit whose fixed points can be worked out by hand.
    fn one_one_one() -> (Config, CircuitWeights) {
        let config = Config {
            layers: vec![1, 1, 1],
            rate: RateFunction::plain(Activation::Linear),
            g_target: 0.8,
            ..Config::default()
        };
        let weights = CircuitWeights {
            forward: vec![array![[1.9]], array![[2.2]]],
            forward_bias: vec![array![0.0], array![0.0]],
            top_down: vec![array![[0.5]]],
            pyramidal_to_interneuron: vec![array![[2.2]]],
            interneuron_bias: vec![array![0.0]],
            interneuron_to_apical: vec![array![[-0.5]]],
        };
        (config, weights)
    }

    #[test]
    fn fixed_points_by_hand() {
        let (config, weights) = one_one_one();
        let shares = Shares::new(&config);
        let mut state = CircuitState::at_rest(&config.layers);
        // x = 1: v_B,1 = 1.9, u_1 = 1.9/1.9 = 1; v_B,2 = 2.2, u_2 = 2.2/1.1 = 2.
        let loss = settle(
            &weights,
            &shares,
            &config,
            array![1.0].view(),
            array![3.0].view(),
            false,
            &mut state,
        );
        assert!((loss - 0.5).abs() < 1e-6, "½(2 - 3)² = 0.5, got {loss}");
        assert!((state.soma[1][0] - 2.0).abs() < 1e-6);
        // Without a target the interneuron's prediction v̂^I = 2.2/1.1 = 2 is exact
        // (closed form: W^IP = c W, c = 1): u^I = (1·2.2 + 0.8·2)/1.9 = 2, v_A = 0.
        assert!((state.interneuron_soma[0][0] - 2.0).abs() < 1e-6);
        assert!(state.apical[0][0].abs() < 1e-6);
        assert!((state.soma[0][0] - 1.0).abs() < 1e-6);

        // Nudged towards 3: u_2 = (2.2 + 0.8·3)/1.9 = 4.6/1.9.
        settle(
            &weights,
            &shares,
            &config,
            array![1.0].view(),
            array![3.0].view(),
            true,
            &mut state,
        );
        let u2 = 4.6_f32 / 1.9;
        assert!((state.soma[1][0] - u2).abs() < 1e-6);
        // u^I = (2.2 + 0.8 u_2)/1.9; v_A = 0.5 (u_2 - u^I); u_1 = (1.9 + 0.8 v_A)/1.9.
        let u_i = (2.2 + 0.8 * u2) / 1.9;
        let v_a = 0.5 * (u2 - u_i);
        assert!((state.interneuron_soma[0][0] - u_i).abs() < 1e-6);
        assert!((state.apical[0][0] - v_a).abs() < 1e-6);
        assert!((state.soma[0][0] - (1.9 + 0.8 * v_a) / 1.9).abs() < 1e-6);
    }
}
