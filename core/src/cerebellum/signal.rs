//! The signal that drives a cerebellar task: the head velocity `H(t)` of the VOR, or the
//! motor command `u(t)` (the efference copy) of the forward model.
//!
//! ```text
//! sine    x_n = A sin φ_n,          φ_n = φ_{n-1} + 2π f dt   (wrapped to [0, 2π))
//! noise   ξ_n ~ U[-1, 1]            (seeded ChaCha8)
//!         q_n = a q_{n-1} + (1 - a) ξ_n
//!         y_n = a y_{n-1} + (1 - a) q_n,    a = e^{-2π f dt}
//!         x_n = A y_n / (√2 σ_y),   σ_y² = (1/3) (1 - a)⁴ (1 + a²) / (1 - a²)³
//! ```
//!
//! The phase is accumulated rather than computed as `2π f t`, so a live change of `f`
//! (a slider) keeps the signal continuous. The noise is white noise through two
//! identical first-order low-pass stages with corner `f` (−6 dB at `f`, −40 dB/decade
//! above): band-limited, like natural head movement. `σ_y²` is the stationary variance of
//! that AR(2) process with a double pole at `a` (the variance of `U[-1, 1]` is 1/3), so
//! the noise has the RMS `A/√2` of a sine of amplitude `A` and the same learning rate
//! suits both. It starts from rest and reaches that level within a few `1/(2π f)`.
//!
//! `sin` and `exp` come from `libm` and the uniform draws from ChaCha8, so the signal is
//! bit-identical natively and in wasm.

use std::f64::consts::TAU;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::config::{SignalConfig, SignalKind};

/// A running signal generator; [`Signal::next`] gives one sample per integration step.
#[derive(Debug, Clone)]
pub struct Signal {
    kind: SignalKind,
    amplitude: f64,
    freq_hz: f64,
    dt: f64,
    phase: f64,
    /// Noise: the pole `a` of both low-pass stages.
    pole: f64,
    /// Noise: `A / (√2 σ_y)`.
    noise_scale: f64,
    stage1: f64,
    stage2: f64,
    rng: ChaCha8Rng,
}

/// `σ_y` of the two-stage low-pass of `U[-1, 1]` noise with pole `a` (module docs).
pub(crate) fn noise_std(pole: f64) -> f64 {
    let a = pole;
    let one_minus = 1.0 - a;
    let variance = one_minus.powi(4) * (1.0 + a * a) / (1.0 - a * a).powi(3) / 3.0;
    libm::sqrt(variance)
}

impl Signal {
    /// A generator at rest (phase 0, filters empty) drawing noise from `rng`.
    pub fn new(config: &SignalConfig, dt: f64, rng: ChaCha8Rng) -> Self {
        let mut signal = Signal {
            kind: config.kind,
            amplitude: 0.0,
            freq_hz: 0.0,
            dt,
            phase: 0.0,
            pole: 0.0,
            noise_scale: 0.0,
            stage1: 0.0,
            stage2: 0.0,
            rng,
        };
        signal.retune(config);
        signal
    }

    /// Takes new settings from the next sample on, keeping the phase and filter state.
    pub fn retune(&mut self, config: &SignalConfig) {
        self.kind = config.kind;
        self.amplitude = config.amplitude;
        self.freq_hz = config.freq_hz;
        self.pole = libm::exp(-TAU * config.freq_hz * self.dt);
        self.noise_scale = config.amplitude / (std::f64::consts::SQRT_2 * noise_std(self.pole));
    }

    /// The next sample, one step `dt` after the previous one.
    pub fn next(&mut self) -> f64 {
        match self.kind {
            SignalKind::Sine => {
                self.phase += TAU * self.freq_hz * self.dt;
                if self.phase >= TAU {
                    self.phase -= TAU;
                }
                self.amplitude * libm::sin(self.phase)
            }
            SignalKind::Noise => {
                let xi = 2.0 * self.rng.random::<f64>() - 1.0;
                let a = self.pole;
                self.stage1 = a * self.stage1 + (1.0 - a) * xi;
                self.stage2 = a * self.stage2 + (1.0 - a) * self.stage1;
                self.noise_scale * self.stage2
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn config(kind: SignalKind, amplitude: f64, freq_hz: f64) -> SignalConfig {
        SignalConfig {
            kind,
            amplitude,
            freq_hz,
        }
    }

    fn rng() -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(3)
    }

    #[test]
    fn the_sine_matches_a_sin_two_pi_f_t() {
        let (dt, f, a) = (1e-3, 2.0, 1.5);
        let mut signal = Signal::new(&config(SignalKind::Sine, a, f), dt, rng());
        for n in 1..=3000 {
            let t = n as f64 * dt;
            let expected = a * (TAU * f * t).sin();
            assert!((signal.next() - expected).abs() < 1e-9, "step {n}");
        }
    }

    #[test]
    fn a_frequency_change_keeps_the_sine_continuous() {
        let dt = 1e-3;
        let mut signal = Signal::new(&config(SignalKind::Sine, 1.0, 1.0), dt, rng());
        let mut last = 0.0;
        for _ in 0..123 {
            last = signal.next();
        }
        signal.retune(&config(SignalKind::Sine, 1.0, 5.0));
        let next = signal.next();
        // One step of a 5 Hz unit sine moves it by at most 2π·5·dt.
        assert!((next - last).abs() <= TAU * 5.0 * dt + 1e-12);
    }

    #[test]
    fn the_noise_has_the_rms_of_the_sine_and_no_mean() {
        let (dt, f, a) = (1e-3, 2.0, 2.0);
        let mut signal = Signal::new(&config(SignalKind::Noise, a, f), dt, rng());
        for _ in 0..2000 {
            signal.next();
        }
        let n = 400_000;
        let (mut sum, mut squares) = (0.0, 0.0);
        for _ in 0..n {
            let x = signal.next();
            sum += x;
            squares += x * x;
        }
        let rms = (squares / n as f64).sqrt();
        let target = a / 2f64.sqrt();
        // 400 s of a 2 Hz process: a few hundred correlation times, so ~5% sampling error.
        assert!((rms / target - 1.0).abs() < 0.1, "rms {rms} vs {target}");
        assert!((sum / n as f64).abs() < 0.1 * target);
    }

    #[test]
    fn noise_std_matches_the_sum_over_the_impulse_response() {
        // The closed form against the variance summed over the impulse response of the
        // two stages, h_n = (1-a)² (n+1) aⁿ, times the variance 1/3 of U[-1, 1].
        let a: f64 = 0.9;
        let sum: f64 = (0..5000)
            .map(|n| {
                let h = (1.0 - a).powi(2) * (n as f64 + 1.0) * a.powi(n);
                h * h
            })
            .sum();
        let expected = (sum / 3.0).sqrt();
        assert!((noise_std(a) - expected).abs() < 1e-12 * expected.max(1.0));
    }

    #[test]
    fn the_same_seed_gives_the_same_noise() {
        let c = config(SignalKind::Noise, 1.0, 1.0);
        let mut first = Signal::new(&c, 1e-3, rng());
        let mut second = Signal::new(&c, 1e-3, rng());
        for _ in 0..100 {
            assert_eq!(first.next().to_bits(), second.next().to_bits());
        }
    }
}
