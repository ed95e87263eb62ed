//! Task 2: a forward model. A motor command `u(t)` drives a plant; its efference copy
//! reaches the cerebellum through the mossy fibres, and the cerebellum learns to
//! predict the plant's sensory outcome `y(t)` before feedback could report it (Raymond
//! & Medina 2018; Porrill & Dean 2007; docs/science.md §5).
//!
//! ```text
//! plant          ẍ + 2ζω ẋ + ω² x = ω² u,   ω = 2π f_n,   outcome y = x   (DC gain 1)
//! prediction     z = Σ_i w_i p_i,           p_i from the command u
//! error          c = y - z                   actual outcome minus prediction (climbing fibre)
//! rule           dw_i/dt = +β c p_i = -β (z - y) p_i
//! prediction gain   g = ⟨z y⟩ / ⟨y²⟩ → 1
//! ```
//!
//! The rule is the LMS rule of `filter` with `e = z - y = -c`, output minus desired as
//! docs/science.md §0 writes it, so it descends on `½ c²`.
//!
//! The plant is integrated by semi-implicit (symplectic) Euler,
//! `v_n = v_{n-1} + dt (ω² (u_n - x_{n-1}) - 2ζω v_{n-1})`, `x_n = x_{n-1} + dt v_n`,
//! which is stable when `2ζω dt < 2` and `(ω dt)² + 4ζω dt < 4` and keeps an undamped
//! plant's energy bounded; the config limits `ω dt` to 0.1 and `ζ` to 5, well inside
//! both. A leaky-integrator basis can represent such a low-pass plant well over the
//! command's band but not exactly, so the error falls to a small floor rather than to 0.

/// A damped second-order plant, at rest until driven.
#[derive(Debug, Clone, PartialEq)]
pub struct Plant {
    omega: f64,
    damping: f64,
    dt: f64,
    position: f64,
    velocity: f64,
}

impl Plant {
    /// A plant with natural frequency `natural_freq_hz` and damping ratio `damping`.
    pub fn new(natural_freq_hz: f64, damping: f64, dt: f64) -> Self {
        Plant {
            omega: std::f64::consts::TAU * natural_freq_hz,
            damping,
            dt,
            position: 0.0,
            velocity: 0.0,
        }
    }

    /// Takes new parameters from the next step on, keeping the plant's state.
    pub fn retune(&mut self, natural_freq_hz: f64, damping: f64) {
        self.omega = std::f64::consts::TAU * natural_freq_hz;
        self.damping = damping;
    }

    /// Advances one step under command `u` and returns the outcome `x`.
    pub fn step(&mut self, u: f64) -> f64 {
        let (w, dt) = (self.omega, self.dt);
        let acceleration = w * w * (u - self.position) - 2.0 * self.damping * w * self.velocity;
        self.velocity += dt * acceleration;
        self.position += dt * self.velocity;
        self.position
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_command_settles_at_its_own_height() {
        let mut plant = Plant::new(2.0, 0.7, 1e-3);
        let settled = (0..5000).map(|_| plant.step(0.8)).last().unwrap();
        assert!((settled - 0.8).abs() < 1e-6);
    }

    #[test]
    fn the_step_overshoot_matches_the_damping_ratio() {
        // Peak overshoot of a unit step: exp(-πζ/√(1-ζ²)), 52.7% for ζ = 0.2.
        let zeta: f64 = 0.2;
        let mut plant = Plant::new(1.0, zeta, 1e-4);
        let peak = (0..20_000).map(|_| plant.step(1.0)).fold(0.0, f64::max);
        let expected = 1.0 + (-std::f64::consts::PI * zeta / (1.0 - zeta * zeta).sqrt()).exp();
        assert!((peak - expected).abs() < 0.005, "{peak} vs {expected}");
    }

    #[test]
    fn an_undamped_plant_rings_at_its_natural_frequency_without_growing() {
        // A unit step makes an undamped plant swing between 0 and 2 about 1.
        let (f, dt) = (2.0, 1e-3);
        let mut plant = Plant::new(f, 0.0, dt);
        let mut last = 0.0;
        let mut crossings = 0;
        let mut largest: f64 = 0.0;
        for _ in 0..10_000 {
            let x = plant.step(1.0);
            if last < 1.0 && x >= 1.0 {
                crossings += 1;
            }
            largest = largest.max(x);
            last = x;
        }
        assert!(
            (crossings - 20_i32).abs() <= 1,
            "{crossings} cycles in 10 s"
        );
        assert!(
            (largest - 2.0).abs() < 0.05,
            "the symplectic step keeps the amplitude: {largest}"
        );
    }
}
