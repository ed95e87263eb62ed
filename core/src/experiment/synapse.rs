//! One output synapse's latest update, with the numbers that made it: what the app's
//! delta-rule view writes out (docs/science.md §0, §1.4).
//!
//! For the output layer `L` every rule makes the same update; with no hidden layer it
//! is the delta rule itself, `u = x` (`DeltaRule` in `rule.rs`). For synapse `w_ij`
//! from unit `j` of layer `L-1` to output unit `i`, over a minibatch of `b` samples `s`:
//!
//! ```text
//! e_i    = v_i − y_i                                 output minus target (§0)
//! g_ij   = (1/b) Σ_s e_i(s) u_j(s)                   the gradient of the loss
//! Δw_ij  = −η g_ij                                   with μ = ω = 0 (§1.4; the app's case)
//! w_ij  ← w_ij + Δw_ij
//! ```
//!
//! For a linear output with squared error and for a softmax with cross-entropy, `e` is
//! exactly the derivative of the loss by the output's pre-activation, so no `f'(·)`
//! appears (§0). [`SynapseUpdate::increment`] is the increment the optimiser applied
//! (with momentum and weight decay, if any, folded in), not a recomputation.

use serde::{Deserialize, Serialize};

use super::Experiment;

/// Most samples of a minibatch a [`SynapseUpdate`] lists one by one; its mean runs
/// over the whole minibatch.
pub const MAX_LISTED_SAMPLES: usize = 16;

/// One sample's part in a synapse's update.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SynapseSample {
    /// `u_j`: the presynaptic activity (the input `x_j` under the delta rule).
    pub presynaptic: f32,
    /// `v_i`: the output before the update.
    pub output: f32,
    /// `y_i`: the target.
    pub target: f32,
    /// `e_i = v_i − y_i`, as the step computed it.
    pub error: f32,
}

/// The latest update of output synapse `w_ij` and the numbers that made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SynapseUpdate {
    /// The update these numbers made (1-based: the experiment's step count after it).
    pub step: u64,
    /// `i`, the output unit (0-based).
    pub output: usize,
    /// `j`, the presynaptic unit of layer `L-1` (0-based).
    pub input: usize,
    /// `η` of that step.
    pub learning_rate: f32,
    /// `b`, the samples in the minibatch.
    pub batch: usize,
    /// The first [`MAX_LISTED_SAMPLES`] samples of the minibatch, in order.
    pub samples: Vec<SynapseSample>,
    /// `g_ij = (1/b) Σ_s e_i(s) u_j(s)` over the whole minibatch.
    pub mean_product: f32,
    /// `Δw_ij`, the increment the optimiser applied.
    pub increment: f32,
    /// `w_ij` after the update.
    pub weight: f32,
}

impl Experiment {
    /// The latest update of output synapse `w_ij` (`output` = `i`, `input` = `j`,
    /// 0-based), read from the step's own buffers; `None` before the first step, after
    /// a divergence, for a synapse the output layer does not have, or for logistic
    /// output units, whose error carries the factor `f'(z) = v (1 − v)` and so is not
    /// the `v − y` written out here.
    pub fn output_synapse(&self, output: usize, input: usize) -> Option<SynapseUpdate> {
        let depth = self.network.depth();
        let weights = &self.network.weights()[depth - 1];
        if self.steps == 0 || self.diverged.is_some() || output >= weights.nrows() {
            return None;
        }
        if self.network.output_layer() == crate::network::OutputLayer::Logistic {
            return None;
        }
        if input >= weights.ncols() {
            return None;
        }
        let batch = self.config.batch;
        let u = self.forward.activation[depth - 1].column(input);
        let v = self.forward.activation[depth].column(output);
        let y = self.targets.column(output);
        let e = self.output_error.column(output);
        let samples: Vec<SynapseSample> = (0..batch)
            .map(|s| SynapseSample {
                presynaptic: u[s],
                output: v[s],
                target: y[s],
                error: e[s],
            })
            .collect();
        let sum: f32 = samples.iter().map(|s| s.error * s.presynaptic).sum();
        Some(SynapseUpdate {
            step: self.steps,
            output,
            input,
            learning_rate: self.step_learning_rate,
            batch,
            mean_product: sum / batch as f32,
            samples: samples.into_iter().take(MAX_LISTED_SAMPLES).collect(),
            // After the step, the gradient buffer holds the increment (optimizer.rs).
            increment: self.grad_w[depth - 1][[output, input]],
            weight: weights[[output, input]],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::RuleKind;
    use crate::task::TaskKind;
    use crate::ExperimentConfig;

    fn delta(task: TaskKind) -> ExperimentConfig {
        let mut config = ExperimentConfig::for_task(task);
        config.rule = RuleKind::Delta;
        let layers = &config.layers;
        config.layers = vec![layers[0], layers[layers.len() - 1]];
        config
    }

    /// Logistic output units fold `v (1 − v)` into their error, so the view's
    /// `v − y` would not be what the step used: no readout.
    #[test]
    fn logistic_outputs_give_no_readout() {
        let mut config = delta(TaskKind::Xor);
        config.output_layer = Some(crate::network::OutputLayer::Logistic);
        let mut run = Experiment::new(&config).unwrap();
        run.step(2).unwrap();
        assert_eq!(run.output_synapse(0, 0), None);
        config.output_layer = None;
        let mut run = Experiment::new(&config).unwrap();
        run.step(2).unwrap();
        assert!(run.output_synapse(0, 0).is_some());
    }

    /// Reference: the weights before and after one step, the training set the sample
    /// must come from, and `v = W u + b` from the weights before.
    #[test]
    fn the_update_is_the_weight_change_and_minus_eta_error_times_input() {
        let config = delta(TaskKind::LinearTeacher);
        let mut run = Experiment::new(&config).unwrap();
        assert_eq!(
            run.output_synapse(0, 0),
            None,
            "no update before the first step"
        );
        for _ in 0..3 {
            let before = run.network().weights()[0].clone();
            let bias = run.network().biases()[0].clone();
            run.step(1).unwrap();
            let after = &run.network().weights()[0];
            for (i, j) in [(0, 0), (3, 7), (9, 29)] {
                let up = run.output_synapse(i, j).unwrap();
                assert_eq!((up.output, up.input, up.batch), (i, j, 1));
                assert_eq!(up.learning_rate, config.lr);
                assert_eq!(up.weight, after[[i, j]]);
                let change = after[[i, j]] - before[[i, j]];
                let tolerance = 1e-6 * before[[i, j]].abs().max(1e-3);
                assert!(
                    (up.increment - change).abs() <= tolerance,
                    "{up:?} vs {change}"
                );
                let [s] = up.samples[..] else {
                    panic!("one sample")
                };
                assert_eq!(s.error, s.output - s.target);
                let lms =
                    -f64::from(up.learning_rate) * f64::from(s.error) * f64::from(s.presynaptic);
                assert!((f64::from(up.increment) - lms).abs() <= 1e-6 * lms.abs().max(1e-9));
                // The sample is a training sample, and v is its output before the update.
                let train = &run.dataset().train_inputs;
                let row = (0..train.nrows())
                    .find(|&r| {
                        train[[r, j]] == s.presynaptic
                            && run.dataset().train_targets[[r, i]] == s.target
                    })
                    .expect("u and y come from one training sample");
                let v: f32 = before.row(i).dot(&train.row(row)) + bias[i];
                assert!(
                    (v - s.output).abs() <= 1e-5 * v.abs().max(1.0),
                    "{v} vs {}",
                    s.output
                );
            }
        }
        assert_eq!(run.output_synapse(10, 0), None);
        assert_eq!(run.output_synapse(0, 30), None);
    }

    #[test]
    fn a_minibatch_update_is_the_mean_over_its_samples() {
        // xor: a softmax output and minibatches of 10 (the same form, §0).
        let config = delta(TaskKind::Xor);
        let mut run = Experiment::new(&config).unwrap();
        let before = run.network().weights()[0].clone();
        run.step(1).unwrap();
        let up = run.output_synapse(1, 0).unwrap();
        assert_eq!((up.batch, up.samples.len()), (10, 10));
        let mean = up
            .samples
            .iter()
            .map(|s| f64::from(s.error * s.presynaptic))
            .sum::<f64>()
            / 10.0;
        assert!((f64::from(up.mean_product) - mean).abs() < 1e-6);
        let change = run.network().weights()[0][[1, 0]] - before[[1, 0]];
        assert!((up.increment - change).abs() < 1e-6);
        assert!((f64::from(up.increment) + f64::from(config.lr) * mean).abs() < 1e-6);
        for s in &up.samples {
            assert!(
                (0.0..=1.0).contains(&s.output),
                "softmax output {}",
                s.output
            );
        }
    }

    #[test]
    fn the_learning_rate_is_the_one_the_step_used() {
        let config = delta(TaskKind::LinearTeacher);
        let mut run = Experiment::new(&config).unwrap();
        run.step(1).unwrap();
        run.set_learning_rate(0.5).unwrap();
        assert_eq!(run.output_synapse(0, 0).unwrap().learning_rate, config.lr);
        run.step(1).unwrap();
        assert_eq!(run.output_synapse(0, 0).unwrap().learning_rate, 0.5);
    }

    #[test]
    fn a_hidden_layer_network_reports_its_output_layer() {
        let mut run =
            Experiment::new(&ExperimentConfig::for_task(TaskKind::LinearTeacher)).unwrap();
        run.step(1).unwrap();
        let up = run.output_synapse(2, 19).unwrap();
        assert_eq!(run.output_synapse(2, 20), None, "layer L-1 has 20 units");
        assert_eq!(up.weight, run.network().weights()[1][[2, 19]]);
    }
}
