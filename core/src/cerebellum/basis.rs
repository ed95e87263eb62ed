//! The granular layer: mossy-fibre input `x(t)` expanded into the basis signals
//! `p_i(t) = (G_i * x)(t)` that the parallel fibres carry to the Purkinje cell (Fujita
//! 1982; Dean & Porrill's adaptive-filter model; docs/science.md §5).
//!
//! `p_0 = x` is the raw signal; `p_1 .. p_n` are filtered copies with time constants
//! `τ_1 .. τ_n` log-spaced from `τ_min` to `τ_max` (default 20–500 ms):
//! `τ_i = τ_min (τ_max/τ_min)^{(i-1)/(n-1)}`. Three kinds of filter `G_i`:
//!
//! ```text
//! leaky   τ ṗ = -p + x             G(s) = 1/(1 + τs)          impulse e^{-t/τ}/τ
//! alpha   τ q̇ = -q + x, τ ṗ = -p + q  G(s) = 1/(1 + τs)²     impulse t e^{-t/τ}/τ²  (peak at τ)
//! delay   p(t) = x(t - τ)           G(s) = e^{-τs}             a tapped delay line
//! ```
//!
//! Each leaky stage is integrated exactly for an input held over the step,
//! `p_n = a p_{n-1} + (1 - a) x_n` with `a = e^{-dt/τ}` (from `libm`, so the bits match
//! in wasm): stable for any `τ` and `dt`, with DC gain exactly 1. The delay line rounds
//! `τ` to a whole number of steps and reads a ring buffer of past inputs. All state is
//! allocated when the layer is built; [`GranularLayer::expand`] allocates nothing.

use super::config::BasisKind;

/// `n` time constants log-spaced from `tau_min` to `tau_max` (just `tau_min` for one).
pub fn log_spaced(n: usize, tau_min: f64, tau_max: f64) -> Vec<f64> {
    match n {
        0 => Vec::new(),
        1 => vec![tau_min],
        _ => (0..n)
            .map(|i| {
                let fraction = i as f64 / (n - 1) as f64;
                tau_min * libm::pow(tau_max / tau_min, fraction)
            })
            .collect(),
    }
}

/// The mossy fibre → granule cell expansion; see the module docs.
#[derive(Debug, Clone)]
pub struct GranularLayer {
    kind: BasisKind,
    /// `τ_1 .. τ_n` in seconds.
    time_constants: Vec<f64>,
    /// `a_i = e^{-dt/τ_i}` (leaky and alpha).
    decay: Vec<f64>,
    /// The first stage `q_i` of each alpha filter.
    first_stage: Vec<f64>,
    /// `τ_i / dt` rounded (delay line).
    delay_steps: Vec<usize>,
    /// Past inputs for the delay line, a ring of `max delay + 1` samples.
    history: Vec<f64>,
    head: usize,
    /// `p_0 .. p_n`.
    signals: Vec<f64>,
}

impl GranularLayer {
    /// A layer at rest (every signal 0) with `count` filtered signals besides the raw one.
    pub fn new(kind: BasisKind, count: usize, tau_min: f64, tau_max: f64, dt: f64) -> Self {
        let time_constants = log_spaced(count, tau_min, tau_max);
        let decay = time_constants
            .iter()
            .map(|&tau| libm::exp(-dt / tau))
            .collect();
        let (delay_steps, history) = if kind == BasisKind::Delay {
            let steps: Vec<usize> = time_constants
                .iter()
                .map(|&tau| libm::round(tau / dt) as usize)
                .collect();
            let longest = steps.iter().copied().max().unwrap_or(0);
            (steps, vec![0.0; longest + 1])
        } else {
            (Vec::new(), Vec::new())
        };
        let first_stage = if kind == BasisKind::Alpha {
            vec![0.0; count]
        } else {
            Vec::new()
        };
        GranularLayer {
            kind,
            time_constants,
            decay,
            first_stage,
            delay_steps,
            history,
            head: 0,
            signals: vec![0.0; count + 1],
        }
    }

    /// Takes the input `x_n` of this step and updates every basis signal.
    pub fn expand(&mut self, x: f64) {
        let (raw, filtered) = self
            .signals
            .split_first_mut()
            .expect("the raw signal is always there");
        *raw = x;
        match self.kind {
            BasisKind::Leaky => {
                for (p, &a) in filtered.iter_mut().zip(&self.decay) {
                    *p = a * *p + (1.0 - a) * x;
                }
            }
            BasisKind::Alpha => {
                for ((p, q), &a) in filtered
                    .iter_mut()
                    .zip(&mut self.first_stage)
                    .zip(&self.decay)
                {
                    *q = a * *q + (1.0 - a) * x;
                    *p = a * *p + (1.0 - a) * *q;
                }
            }
            BasisKind::Delay => {
                let len = self.history.len();
                self.history[self.head] = x;
                for (p, &d) in filtered.iter_mut().zip(&self.delay_steps) {
                    *p = self.history[(self.head + len - d) % len];
                }
                self.head = (self.head + 1) % len;
            }
        }
    }

    /// `p_0 .. p_n` after the latest [`expand`](Self::expand).
    pub fn signals(&self) -> &[f64] {
        &self.signals
    }

    /// `τ_1 .. τ_n` in seconds (the delays, for a delay line).
    pub fn time_constants(&self) -> &[f64] {
        &self.time_constants
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::TAU;

    #[test]
    fn time_constants_are_log_spaced_between_the_ends() {
        let taus = log_spaced(5, 0.02, 0.32);
        let expected = [0.02, 0.04, 0.08, 0.16, 0.32];
        for (t, e) in taus.iter().zip(expected) {
            assert!((t - e).abs() < 1e-12, "{taus:?}");
        }
        assert_eq!(log_spaced(1, 0.05, 0.5), vec![0.05]);
        assert!(log_spaced(0, 0.05, 0.5).is_empty());
    }

    #[test]
    fn a_leaky_integrator_follows_one_minus_e_to_the_minus_t_over_tau() {
        let (dt, tau) = (1e-3, 0.1);
        let mut layer = GranularLayer::new(BasisKind::Leaky, 1, tau, tau, dt);
        for n in 1..=500 {
            layer.expand(1.0);
            let expected = 1.0 - (-(n as f64) * dt / tau).exp();
            assert!((layer.signals()[1] - expected).abs() < 1e-12, "step {n}");
            assert_eq!(layer.signals()[0], 1.0);
        }
    }

    #[test]
    fn a_leaky_integrator_attenuates_a_sine_by_one_over_root_one_plus_omega_tau_squared() {
        let (dt, tau, f) = (1e-3, 0.1, 2.0);
        let mut layer = GranularLayer::new(BasisKind::Leaky, 1, tau, tau, dt);
        let mut peak: f64 = 0.0;
        for n in 1..=10_000 {
            layer.expand((TAU * f * n as f64 * dt).sin());
            if n > 5000 {
                peak = peak.max(layer.signals()[1]);
            }
        }
        let omega_tau = TAU * f * tau;
        let expected = 1.0 / (1.0 + omega_tau * omega_tau).sqrt();
        // The discretisation adds an error of order ω dt.
        assert!((peak - expected).abs() < 0.01, "{peak} vs {expected}");
    }

    #[test]
    fn an_alpha_filter_peaks_at_tau_with_unit_dc_gain() {
        let (dt, tau) = (1e-3, 0.05);
        let mut layer = GranularLayer::new(BasisKind::Alpha, 1, tau, tau, dt);
        layer.expand(1.0 / dt);
        let mut response = vec![layer.signals()[1]];
        for _ in 0..400 {
            layer.expand(0.0);
            response.push(layer.signals()[1]);
        }
        let peak = response
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .unwrap()
            .0;
        assert!(
            (peak as f64 * dt - tau).abs() <= 2.0 * dt,
            "peak at step {peak}"
        );
        // The impulse of area 1 gives a response of area 1 (unit DC gain).
        let area: f64 = response.iter().sum::<f64>() * dt;
        assert!((area - 1.0).abs() < 0.01, "{area}");
    }

    #[test]
    fn a_delay_line_delays_by_whole_steps() {
        let dt = 1e-3;
        let mut layer = GranularLayer::new(BasisKind::Delay, 3, 0.002, 0.008, dt);
        // τ = 2, 4, 8 ms.
        for n in 0..20 {
            layer.expand(n as f64);
            let p = layer.signals();
            for (i, d) in [2.0, 4.0, 8.0].iter().enumerate() {
                let expected = if (n as f64) < *d { 0.0 } else { n as f64 - d };
                assert_eq!(p[i + 1], expected, "step {n}, delay {d}");
            }
        }
    }

    #[test]
    fn a_layer_without_filters_passes_the_raw_signal() {
        let mut layer = GranularLayer::new(BasisKind::Leaky, 0, 0.02, 0.5, 1e-3);
        layer.expand(0.25);
        assert_eq!(layer.signals(), &[0.25]);
    }
}
