//! The full time-continuous dendritic error microcircuit (Sacramento et al. 2018,
//! eqs. 1–4; docs/science.md §4), integrated by explicit Euler steps of `dt` ms.
//!
//! Capacitance 1, rest 0. With the dendrites of [`super::state`]:
//!
//! ```text
//! hidden soma    du_k/dt   = -g_lk u_k + g_B (v_B,k - u_k) + g_A (v_A,k - u_k) + σξ
//! output soma    du_L/dt   = -g_lk u_L + g_B (v_B,L - u_L) + g_trgt (u_trgt - u_L) + σξ
//!                            (the nudging term only while the target is on)
//! interneuron    du^I_k/dt = -g_lk u^I_k + g_D (v^I_k - u^I_k) + g_som (u_{k+1} - u^I_k) + σξ
//! input filter   dr_0/dt   = (x - r_0) / τ_in
//! ```
//!
//! Interneuron `j` of layer `k` is nudged towards its partner, pyramidal cell `j` of
//! layer `k+1`, always — that is how the self-predicting state is learned even with no
//! target. The four plasticity rules run on every step, low-pass filtered with
//! `τ_w` ([`super::plasticity`]).
//!
//! The noise is white: an Euler–Maruyama step adds `σ √dt ξ` with `ξ ~ N(0, 1)` drawn
//! per compartment from the circuit's noise stream (interneurons layer by layer, then
//! pyramidal cells), so its effect does not depend on `dt`; alone it would hold a soma
//! at a standard deviation `σ / √(2 g_total)` ≈ 0.05 for the defaults.
//!
//! Every quantity on the right is taken at time `t` (rates `r = φ(u(t))`), then all
//! somata and weights move together. `config.validate` keeps `dt · g_total ≤ 1`, so a
//! step never overshoots its compartment's fixed point.

use ndarray::ArrayView1;
use rand_chacha::ChaCha8Rng;

use super::config::Config;
use super::plasticity::{Plasticity, Steps};
use super::state::{CircuitState, Shares};
use super::weights::{matvec, CircuitWeights};
use crate::task::standard_normal;

/// What one Euler step needs besides the state and the weights.
pub(crate) struct StepInputs<'a> {
    /// The pattern's input `x`.
    pub x: ArrayView1<'a, f32>,
    /// The target `u_trgt`, or `None` when the output is not nudged.
    pub target: Option<ArrayView1<'a, f32>>,
    /// Whether the weights learn.
    pub plastic: bool,
}

/// Advances `state` (and, if plastic, `weights`) by one step of `config.dt`.
pub(crate) fn euler_step(
    config: &Config,
    shares: &Shares,
    weights: &mut CircuitWeights,
    state: &mut CircuitState,
    plasticity: &mut Plasticity,
    noise_rng: &mut ChaCha8Rng,
    inputs: &StepInputs<'_>,
) {
    let dt = config.dt;
    let depth = weights.forward.len();
    let input_alpha = filter_alpha(dt, config.input_tau_ms);
    state
        .input
        .zip_mut_with(&inputs.x, |r, &x| *r += input_alpha * (x - *r));

    // Rates and dendrites at time t.
    for k in 1..=depth {
        let phi = shares.rate_of(k, depth);
        state.rate[k - 1].zip_mut_with(&state.soma[k - 1], |r, &u| *r = phi.apply(u));
    }
    for h in 0..depth - 1 {
        let phi = shares.rate_of(h + 2, depth);
        state.interneuron_rate[h]
            .zip_mut_with(&state.interneuron_soma[h], |r, &u| *r = phi.apply(u));
    }
    for k in 1..=depth {
        let pre = if k == 1 {
            state.input.view()
        } else {
            state.rate[k - 2].view()
        };
        matvec(
            &weights.forward[k - 1],
            pre,
            Some(&weights.forward_bias[k - 1]),
            state.basal[k - 1].view_mut(),
        );
    }
    for h in 0..depth - 1 {
        state.update_apical(weights, h);
        matvec(
            &weights.pyramidal_to_interneuron[h],
            state.rate[h].view(),
            Some(&weights.interneuron_bias[h]),
            state.interneuron_dendrite[h].view_mut(),
        );
    }
    if inputs.plastic {
        plasticity.compute_signals(state, shares, config.lr_top_down != 0.0);
    }

    // Somata. Interneurons first: they are nudged by u_{k+1} at time t.
    let noise = config.noise * dt.sqrt();
    let kick = |rng: &mut ChaCha8Rng| {
        if noise > 0.0 {
            noise * standard_normal(rng)
        } else {
            0.0
        }
    };
    for h in 0..depth - 1 {
        for ((u, &v), &partner) in state.interneuron_soma[h]
            .iter_mut()
            .zip(&state.interneuron_dendrite[h])
            .zip(&state.soma[h + 1])
        {
            let du = -config.g_lk * *u + config.g_d * (v - *u) + config.g_som * (partner - *u);
            *u += dt * du + kick(noise_rng);
        }
    }
    for h in 0..depth - 1 {
        for ((u, &v_b), &v_a) in state.soma[h]
            .iter_mut()
            .zip(&state.basal[h])
            .zip(&state.apical[h])
        {
            let du = -config.g_lk * *u + config.g_b * (v_b - *u) + config.g_a * (v_a - *u);
            *u += dt * du + kick(noise_rng);
        }
    }
    let out = depth - 1;
    let g_som = if inputs.target.is_some() {
        config.g_target
    } else {
        0.0
    };
    for (i, (u, &v_b)) in state.soma[out]
        .iter_mut()
        .zip(&state.basal[out])
        .enumerate()
    {
        let target = inputs.target.map_or(0.0, |y| y[i]);
        let du = -config.g_lk * *u + config.g_b * (v_b - *u) + g_som * (target - *u);
        *u += dt * du + kick(noise_rng);
    }

    if inputs.plastic {
        plasticity.apply_filtered(
            weights,
            state,
            Steps::new(config, dt),
            filter_alpha(dt, config.plasticity_tau_ms),
        );
    }
}

/// `dt/τ` for an Euler step of a low-pass filter, 1 (no filter) when `τ ≤ dt`.
pub(crate) fn filter_alpha(dt: f32, tau: f32) -> f32 {
    if tau > dt {
        dt / tau
    } else {
        1.0
    }
}

/// Sets the rates from the somata (after the steady-state model moved them), so the
/// state is consistent whichever model runs next.
pub(crate) fn refresh_rates(shares: &Shares, state: &mut CircuitState) {
    let depth = state.soma.len();
    for k in 1..=depth {
        let phi = shares.rate_of(k, depth);
        state.rate[k - 1].zip_mut_with(&state.soma[k - 1], |r, &u| *r = phi.apply(u));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::microcircuit::config::RateFunction;
    use crate::Activation;
    use ndarray::array;
    use rand::SeedableRng;

    /// Against the closed-form solution of one linear compartment: with everything but
    /// the output soma held, `u(t) = u* + (u0 - u*) (1 - dt g)^n` exactly for Euler.
    #[test]
    fn the_output_soma_relaxes_as_explicit_euler_predicts() {
        let config = Config {
            layers: vec![1, 1, 1],
            rate: RateFunction::plain(Activation::Linear),
            noise: 0.0,
            lr_forward: 0.0,
            lr_apical: 0.0,
            lr_interneuron: 0.0,
            input_tau_ms: 0.0,
            g_target: 0.8,
            ..Config::default()
        };
        let mut weights = CircuitWeights {
            forward: vec![array![[0.0]], array![[0.0]]],
            forward_bias: vec![array![0.0], array![1.1]],
            top_down: vec![array![[0.0]]],
            pyramidal_to_interneuron: vec![array![[0.0]]],
            interneuron_bias: vec![array![0.0]],
            interneuron_to_apical: vec![array![[0.0]]],
        };
        let shares = Shares::new(&config);
        let mut state = CircuitState::at_rest(&config.layers);
        let mut plasticity = Plasticity::new(&weights);
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let (x, target) = (array![0.0], array![3.0]);
        let inputs = StepInputs {
            x: x.view(),
            target: Some(target.view()),
            plastic: false,
        };
        // v_B = 1.1 (bias only); u* = (1·1.1 + 0.8·3)/1.9; g = 1.9.
        let fixed = (1.1_f64 + 2.4) / 1.9;
        for n in 1..=50 {
            euler_step(
                &config,
                &shares,
                &mut weights,
                &mut state,
                &mut plasticity,
                &mut rng,
                &inputs,
            );
            let expected = fixed * (1.0 - (1.0 - 0.1 * 1.9_f64).powi(n));
            assert!(
                (f64::from(state.soma[1][0]) - expected).abs() < 1e-5,
                "step {n}: {} vs {expected}",
                state.soma[1][0]
            );
        }
    }

    #[test]
    fn filter_alpha_is_dt_over_tau_or_one() {
        assert_eq!(filter_alpha(0.1, 0.0), 1.0);
        assert_eq!(filter_alpha(0.5, 0.5), 1.0);
        assert!((filter_alpha(0.1, 30.0) - 0.1 / 30.0).abs() < 1e-9);
    }
}
