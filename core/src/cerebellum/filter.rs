//! The adaptive filter: the granular layer's basis signals weighted by the Purkinje
//! cell, taught by the climbing fibre (Fujita 1982; Dean & Porrill's adaptive-filter
//! model; Porrill & Dean 2007; Raymond & Medina 2018; docs/science.md §5).
//!
//! ```text
//! Purkinje output   z(t) = Σ_i w_i p_i(t)
//! climbing fibre    e(t) = z(t) - z*(t)                   output minus desired (docs/science.md §0)
//! LMS rule          dw_i/dt = -β e(t - D_e) p_i(t - D_p)   the delta rule in continuous time
//! Euler step        w_i ← w_i - β dt e_{n-k_e} p_{i, n-k_p},   k = round(D/dt)
//! ```
//!
//! With no delays this is gradient descent on `½ e²`, the delta rule `ΔW = -η e uᵀ` of
//! docs/science.md §0 with `u = p`; it stops when `⟨e p_i⟩ = 0` for every `i`: the error is
//! *decorrelated* from every basis signal.
//!
//! **Delays.** The climbing-fibre error arrives `D_e` late (about 100 ms in the real
//! circuit). For a frequency component `f`, the averaged update `⟨e(t - D_e) p_i(t)⟩`
//! is the descent direction rotated by the phase `2π f D_e`; beyond a quarter cycle,
//! `f > 1/(4 D_e)` (2.5 Hz for 100 ms), it points uphill and the weights run away
//! (Porrill & Dean 2007, who restore learning with a second site of plasticity in the
//! brainstem). Here a different remedy: an eligibility trace that delays the basis
//! signals the rule sees by the same amount, `D_p = D_e`, pairs each error with the
//! signals that caused it, and learning works again at every frequency. The output `z`
//! always uses the current `p`; only the rule sees the delayed copy.
//!
//! Both delays read ring buffers sized for the largest allowed delay
//! ([`MAX_DELAY`](super::config::MAX_DELAY)), so they can change while the filter runs;
//! before a delay has elapsed the buffers hold zeros and nothing is learned. Weights
//! start at zero (a silent cerebellum). A step allocates nothing.

use super::basis::GranularLayer;
use super::config::{FilterConfig, MAX_DELAY, MAX_WEIGHT};

/// Granular layer, Purkinje weights, climbing-fibre and eligibility delay lines.
#[derive(Debug, Clone)]
pub struct AdaptiveFilter {
    layer: GranularLayer,
    /// `w_0 .. w_n`.
    weights: Vec<f64>,
    beta: f64,
    dt: f64,
    /// `k_e`, `k_p` in steps.
    error_delay: usize,
    eligibility_delay: usize,
    /// Past errors, a ring of `capacity` samples.
    errors: Vec<f64>,
    /// Past basis vectors, `capacity` rows of `n + 1`.
    eligibility: Vec<f64>,
    capacity: usize,
    head: usize,
}

/// A delay in seconds as whole steps.
pub fn delay_steps(delay: f64, dt: f64) -> usize {
    libm::round(delay / dt) as usize
}

impl AdaptiveFilter {
    /// A silent filter (weights 0) at rest. `config` must be valid for `dt`.
    pub fn new(config: &FilterConfig, dt: f64) -> Self {
        let layer = GranularLayer::new(
            config.basis,
            config.count,
            config.tau_min,
            config.tau_max,
            dt,
        );
        let width = config.count + 1;
        let capacity = delay_steps(MAX_DELAY, dt) + 1;
        let mut filter = AdaptiveFilter {
            layer,
            weights: vec![0.0; width],
            beta: 0.0,
            dt,
            error_delay: 0,
            eligibility_delay: 0,
            errors: vec![0.0; capacity],
            eligibility: vec![0.0; capacity * width],
            capacity,
            head: 0,
        };
        filter.retune(config);
        filter
    }

    /// Takes a new `β` and delays from the next step on (the basis is fixed at build).
    pub fn retune(&mut self, config: &FilterConfig) {
        self.beta = config.beta;
        self.error_delay = delay_steps(config.error_delay, self.dt).min(self.capacity - 1);
        self.eligibility_delay =
            delay_steps(config.eligibility_delay, self.dt).min(self.capacity - 1);
    }

    /// Expands the mossy-fibre input `x` and returns the Purkinje output `z = Σ w_i p_i`.
    pub fn respond(&mut self, x: f64) -> f64 {
        self.layer.expand(x);
        self.weights
            .iter()
            .zip(self.layer.signals())
            .map(|(w, p)| w * p)
            .sum()
    }

    /// One Euler step of the rule with this step's error `e = z - z*` (the climbing
    /// fibre delivers it `D_e` later; the rule pairs it with `p` from `D_p` ago).
    pub fn learn(&mut self, error: f64) {
        let width = self.weights.len();
        let capacity = self.capacity;
        let head = self.head;
        self.errors[head] = error;
        self.eligibility[head * width..(head + 1) * width].copy_from_slice(self.layer.signals());
        let delayed_error = self.errors[(head + capacity - self.error_delay) % capacity];
        let row = (head + capacity - self.eligibility_delay) % capacity;
        let trace = &self.eligibility[row * width..(row + 1) * width];
        let rate = self.beta * self.dt * delayed_error;
        for (w, &p) in self.weights.iter_mut().zip(trace) {
            *w -= rate * p;
        }
        self.head = (head + 1) % capacity;
    }

    /// `w_0 .. w_n`.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// `p_0 .. p_n` of the latest step.
    pub fn signals(&self) -> &[f64] {
        self.layer.signals()
    }

    /// `τ_1 .. τ_n` of the filtered basis signals, in seconds.
    pub fn time_constants(&self) -> &[f64] {
        self.layer.time_constants()
    }

    /// Whether every weight is finite and within `±MAX_WEIGHT`.
    pub fn weights_in_bounds(&self) -> bool {
        self.weights.iter().all(|w| w.abs() <= MAX_WEIGHT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cerebellum::config::BasisKind;
    use std::f64::consts::TAU;

    fn config(beta: f64, error_delay: f64, eligibility_delay: f64) -> FilterConfig {
        FilterConfig {
            basis: BasisKind::Leaky,
            count: 2,
            tau_min: 0.02,
            tau_max: 0.2,
            beta,
            error_delay,
            eligibility_delay,
        }
    }

    #[test]
    fn one_step_moves_each_weight_by_minus_beta_dt_e_p() {
        let dt = 1e-3;
        let mut filter = AdaptiveFilter::new(&config(2.0, 0.0, 0.0), dt);
        assert_eq!(filter.respond(1.0), 0.0, "a silent filter outputs 0");
        let p = filter.signals().to_vec();
        filter.learn(0.5);
        for (w, p) in filter.weights().iter().zip(&p) {
            assert!((w - (-2.0 * dt * 0.5 * p)).abs() < 1e-15);
        }
        // The output uses the new weights from the next step on.
        let z = filter.respond(1.0);
        let expected: f64 = filter
            .weights()
            .iter()
            .zip(filter.signals())
            .map(|(w, p)| w * p)
            .sum();
        assert_eq!(z, expected);
    }

    #[test]
    fn a_delayed_error_acts_k_steps_late_on_the_current_basis() {
        let dt = 1e-3;
        let mut filter = AdaptiveFilter::new(&config(1.0, 0.005, 0.0), dt);
        // An error pulse at step 0, then none; the input is constant so p_0 = 1.
        for n in 0..10 {
            filter.respond(1.0);
            filter.learn(if n == 0 { 1.0 } else { 0.0 });
            let w0 = filter.weights()[0];
            if n < 5 {
                assert_eq!(w0, 0.0, "step {n}");
            } else {
                assert!((w0 + dt).abs() < 1e-15, "step {n}: {w0}");
            }
        }
    }

    #[test]
    fn an_eligibility_delay_pairs_the_error_with_the_old_basis() {
        let dt = 1e-3;
        let mut filter = AdaptiveFilter::new(&config(1.0, 0.003, 0.003), dt);
        // The input is 1 only at step 0 and the error only at step 0: with matching
        // delays the pair meets at step 3 (p_0 = 1 then, as it was at step 0).
        for n in 0..6 {
            filter.respond(if n == 0 { 1.0 } else { 0.0 });
            filter.learn(if n == 0 { 1.0 } else { 0.0 });
            let w0 = filter.weights()[0];
            let expected = if n < 3 { 0.0 } else { -dt };
            assert!((w0 - expected).abs() < 1e-15, "step {n}: {w0}");
        }
        // Without the eligibility delay the same pulses never meet.
        let mut unmatched = AdaptiveFilter::new(&config(1.0, 0.003, 0.0), dt);
        for n in 0..6 {
            unmatched.respond(if n == 0 { 1.0 } else { 0.0 });
            unmatched.learn(if n == 0 { 1.0 } else { 0.0 });
        }
        assert_eq!(unmatched.weights()[0], 0.0);
    }

    #[test]
    fn lms_recovers_the_weights_of_a_teacher_filter() {
        // The desired output is made by an identical granular layer with known weights;
        // with an input rich enough to make the basis signals independent (three
        // incommensurate sines), LMS must find those weights.
        let dt = 1e-3;
        let teacher_weights = [0.5, -0.3, 0.8];
        let mut teacher = AdaptiveFilter::new(&config(0.0, 0.0, 0.0), dt);
        teacher.weights.copy_from_slice(&teacher_weights);
        let mut student = AdaptiveFilter::new(&config(20.0, 0.0, 0.0), dt);
        for n in 0..200_000 {
            let t = n as f64 * dt;
            let x = (TAU * 0.7 * t).sin() + (TAU * 2.3 * t).sin() + (TAU * 5.9 * t).sin();
            let desired = teacher.respond(x);
            let z = student.respond(x);
            student.learn(z - desired);
        }
        for (w, t) in student.weights().iter().zip(teacher_weights) {
            assert!((w - t).abs() < 1e-3, "{:?}", student.weights());
        }
    }

    #[test]
    fn weights_beyond_the_bound_or_not_finite_are_out_of_bounds() {
        let mut filter = AdaptiveFilter::new(&config(1.0, 0.0, 0.0), 1e-3);
        assert!(filter.weights_in_bounds());
        filter.weights[1] = 2.0 * MAX_WEIGHT;
        assert!(!filter.weights_in_bounds());
        filter.weights[1] = f64::NAN;
        assert!(!filter.weights_in_bounds());
    }
}
