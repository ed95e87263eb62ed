//! Minibatch stochastic gradient descent with momentum, weight decay and the
//! Kolen–Pollack decay (docs/science.md §1).
//!
//! For weight layer `k`, with `b` samples in the minibatch and the summed gradient
//! `Σ_i δ_k^{(i)} a_{k-1}^{(i)ᵀ}` (shape `(n_k, n_{k-1})`, from [`crate::linalg::matmul_tn`]):
//!
//! ```text
//! g_k  = (1/b) Σ_i δ_k^{(i)} a_{k-1}^{(i)ᵀ} + ω W_k      gradient averaged over the batch, plus L2 weight decay ω
//! v_k ← μ v_k + g_k                                       momentum μ (μ = 0: plain SGD, v_k = g_k)
//! ΔW_k = -η v_k                                           the descent increment
//! W_k ← λ W_k + ΔW_k                                      λ = 1, except under Kolen–Pollack
//! ```
//!
//! Biases follow the same steps without the weight decay and without `λ`. Under
//! Kolen–Pollack the feedback matrix receives the same increment and decay
//! (`B_k ← λ B_k + ΔW_kᵀ`, see [`crate::rule::KolenPollack`]), so `W - Bᵀ` shrinks by `λ`
//! each step while the shared increments build up in both.
//!
//! One pass over the arrays does all of it and turns the gradient buffer into the
//! increment in place: nothing is allocated, and a large layer (memory-bound) is read
//! and written once.

use ndarray::{Array1, Array2, Zip};

use crate::network::Network;

/// SGD settings and the momentum buffers, one per weight matrix and bias vector.
#[derive(Debug, Clone)]
pub struct Sgd {
    /// `η`.
    pub learning_rate: f32,
    /// `μ`, in [0, 1).
    pub momentum: f32,
    /// `ω`, the L2 coefficient added to the gradient (not to biases).
    pub weight_decay: f32,
    velocity_w: Vec<Array2<f32>>,
    velocity_b: Vec<Array1<f32>>,
}

impl Sgd {
    /// Zero velocities shaped like `network`'s parameters.
    pub fn new(network: &Network, learning_rate: f32, momentum: f32, weight_decay: f32) -> Self {
        Sgd {
            learning_rate,
            momentum,
            weight_decay,
            velocity_w: network.zeros_like_weights(),
            velocity_b: network.zeros_like_biases(),
        }
    }

    /// Forgets the momentum.
    pub fn reset(&mut self) {
        self.velocity_w.iter_mut().for_each(|v| v.fill(0.0));
        self.velocity_b.iter_mut().for_each(|v| v.fill(0.0));
    }

    /// One descent step for weight layer `k` (1-based), in a single pass over the
    /// arrays: `gradient` holds the gradient **summed** over `batch` samples; afterwards
    /// `weights` is `λ W + ΔW` and `gradient` holds the increment `ΔW = -η v` (which
    /// Kolen–Pollack adds to `Bᵀ`). Returns whether every new weight is finite.
    pub fn step_weights(
        &mut self,
        k: usize,
        gradient: &mut Array2<f32>,
        weights: &mut Array2<f32>,
        batch: usize,
        decay: f32,
    ) -> bool {
        let (eta, mu, omega) = (self.learning_rate, self.momentum, self.weight_decay);
        let inv_batch = 1.0 / batch as f32;
        let mut finite = true;
        if mu == 0.0 {
            // v = 0·v + g = g: skip reading and writing the velocity (the results are
            // the same; the step is memory-bound for large layers).
            Zip::from(gradient).and(weights).for_each(|g, w| {
                *g = -eta * (*g * inv_batch + omega * *w);
                *w = decay * *w + *g;
                finite &= w.is_finite();
            });
        } else {
            Zip::from(gradient)
                .and(&mut self.velocity_w[k - 1])
                .and(weights)
                .for_each(|g, v, w| {
                    *v = mu * *v + (*g * inv_batch + omega * *w);
                    *g = -eta * *v;
                    *w = decay * *w + *g;
                    finite &= w.is_finite();
                });
        }
        finite
    }

    /// As [`Sgd::step_weights`] for the bias of layer `k`, without weight decay or `λ`.
    pub fn step_biases(
        &mut self,
        k: usize,
        gradient: &mut Array1<f32>,
        biases: &mut Array1<f32>,
        batch: usize,
    ) -> bool {
        let (eta, mu) = (self.learning_rate, self.momentum);
        let inv_batch = 1.0 / batch as f32;
        let mut finite = true;
        Zip::from(gradient)
            .and(&mut self.velocity_b[k - 1])
            .and(biases)
            .for_each(|g, v, b| {
                *v = mu * *v + *g * inv_batch;
                *g = -eta * *v;
                *b += *g;
                finite &= b.is_finite();
            });
        finite
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activation::Activation;
    use crate::task::OutputKind;
    use ndarray::array;

    fn one_by_two() -> Network {
        Network::from_parameters(
            vec![array![[1.0, -2.0]]],
            vec![array![0.5]],
            Activation::Linear,
            OutputKind::Regression,
        )
    }

    #[test]
    fn plain_sgd_averages_over_the_batch() {
        let net = one_by_two();
        let mut sgd = Sgd::new(&net, 0.1, 0.0, 0.0);
        // Summed over 4 samples: [2, -4] → mean [0.5, -1] → ΔW = -0.1 · mean.
        let mut w = net.weights()[0].clone();
        let mut g = array![[2.0, -4.0]];
        assert!(sgd.step_weights(1, &mut g, &mut w, 4, 1.0));
        assert_eq!(g, array![[-0.05, 0.1]]);
        assert_eq!(w, array![[0.95, -1.9]]);
        let mut b = array![0.5];
        let mut gb = array![8.0];
        assert!(sgd.step_biases(1, &mut gb, &mut b, 4));
        assert_eq!((gb, b), (array![-0.2], array![0.3]));
    }

    #[test]
    fn momentum_and_weight_decay() {
        let net = one_by_two();
        let mut sgd = Sgd::new(&net, 0.5, 0.5, 0.25);
        // W is put back each time, so only the velocity carries over.
        let step = |sgd: &mut Sgd| {
            let mut w = net.weights()[0].clone();
            let mut g = array![[1.0, 0.0]];
            sgd.step_weights(1, &mut g, &mut w, 1, 1.0);
            g
        };
        // step 1: v = 0 + (g + ω W) = [1 + 0.25, 0 - 0.5] = [1.25, -0.5]; ΔW = -0.5 v.
        assert_eq!(step(&mut sgd), array![[-0.625, 0.25]]);
        // step 2: v = 0.5 [1.25, -0.5] + [1.25, -0.5] = [1.875, -0.75].
        assert_eq!(step(&mut sgd), array![[-0.9375, 0.375]]);
        sgd.reset();
        assert_eq!(step(&mut sgd), array![[-0.625, 0.25]]);
    }

    #[test]
    fn decay_scales_before_adding_and_overflow_is_reported() {
        let net = one_by_two();
        let mut sgd = Sgd::new(&net, 1.0, 0.0, 0.0);
        // λ = 0.5: W ← 0.5 [2, -4] + ΔW with ΔW = -[-0.5, -0.5].
        let mut w = array![[2.0, -4.0]];
        let mut g = array![[-0.5, -0.5]];
        assert!(sgd.step_weights(1, &mut g, &mut w, 1, 0.5));
        assert_eq!(w, array![[1.5, -1.5]]);
        let mut g = array![[-f32::MAX, 0.0]];
        let mut w = array![[f32::MAX, 0.0]];
        assert!(!sgd.step_weights(1, &mut g, &mut w, 1, 1.0));
    }
}
