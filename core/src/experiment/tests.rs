//! Unit tests of a training step: gradients against finite differences, and the
//! identities between rules (FA with `B = Wᵀ` is backprop, DFA with one hidden layer is FA).

use ndarray::{Array1, Array2, ArrayView2};

use super::*;
use crate::activation::Activation;
use crate::metrics;
use crate::network::OutputLayer;
use crate::rule::RuleKind;
use crate::task::{TaskConfig, TaskKind};

/// A small deterministic dataset: inputs on a fixed pattern, targets from a smooth
/// function (regression) or alternating one-hot classes.
fn tiny_dataset(output: OutputKind, n_in: usize, n_out: usize, rows: usize) -> Dataset {
    let inputs = |offset: f32| {
        Array2::from_shape_fn((rows, n_in), |(i, j)| {
            ((i * 5 + j * 3) % 7) as f32 / 3.5 - 1.0 + offset
        })
    };
    let targets = |offset: f32| match output {
        OutputKind::Regression => Array2::from_shape_fn((rows, n_out), |(i, j)| {
            (((i + 2 * j) % 5) as f32 - 2.0) * 0.4 + offset
        }),
        OutputKind::Classification { .. } => {
            Array2::from_shape_fn((rows, n_out), |(i, j)| f32::from(i % n_out == j))
        }
    };
    Dataset::from_arrays(
        output,
        inputs(0.0),
        targets(0.0),
        inputs(0.1),
        targets(0.05),
    )
    .expect("valid tiny dataset")
}

fn arrays_config(
    layers: &[usize],
    activation: Activation,
    rule: RuleKind,
    batch: usize,
) -> ExperimentConfig {
    ExperimentConfig {
        task: TaskConfig::recommended(TaskKind::Arrays),
        rule,
        layers: layers.to_vec(),
        activation,
        lr: 0.05,
        batch,
        weight_init: Some(InitSpec::Uniform { scale: 0.8 }),
        feedback_init: Some(InitSpec::Uniform { scale: 0.5 }),
        log_every: 1000,
        ..ExperimentConfig::default()
    }
}

fn build(config: &ExperimentConfig, data: &Dataset) -> Experiment {
    Experiment::with_dataset(config, data.clone()).expect("valid config")
}

fn f64_activation(act: Activation, z: f64) -> f64 {
    match act {
        Activation::Linear => z,
        Activation::Tanh => z.tanh(),
        Activation::Sigmoid => 1.0 / (1.0 + (-z).exp()),
        Activation::Relu => z.max(0.0),
        Activation::Softplus => z.exp().ln_1p(),
    }
}

/// The mean minibatch loss, by the textbook formulas in f64: an implementation
/// independent of the one under test.
fn reference_loss(
    weights: &[Array2<f64>],
    biases: &[Array1<f64>],
    act: Activation,
    output: OutputLayer,
    inputs: ArrayView2<'_, f32>,
    targets: ArrayView2<'_, f32>,
) -> f64 {
    let depth = weights.len();
    let mut total = 0.0;
    for (x, y) in inputs.rows().into_iter().zip(targets.rows()) {
        let mut a: Array1<f64> = x.mapv(f64::from);
        for k in 0..depth {
            let z = weights[k].dot(&a) + &biases[k];
            a = if k + 1 < depth {
                z.mapv(|v| f64_activation(act, v))
            } else {
                z
            };
        }
        let y = y.mapv(f64::from);
        total += match output {
            OutputLayer::Linear => 0.5 * (&a - &y).mapv(|e| e * e).sum(),
            OutputLayer::Logistic => {
                let p = a.mapv(|v| f64_activation(Activation::Sigmoid, v));
                0.5 * (&p - &y).mapv(|e| e * e).sum()
            }
            OutputLayer::Softmax => {
                let max = a.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
                let log_sum = a.mapv(|v| (v - max).exp()).sum().ln() + max;
                -(&y * &a.mapv(|v| v - log_sum)).sum()
            }
        };
    }
    total / inputs.nrows() as f64
}

#[test]
fn backprop_gradients_match_finite_differences() {
    let cases = [
        (OutputKind::Regression, vec![3, 5, 4, 2], Activation::Tanh),
        (OutputKind::Regression, vec![3, 6, 2], Activation::Softplus),
        (
            OutputKind::Classification { classes: 3 },
            vec![4, 6, 5, 3],
            Activation::Sigmoid,
        ),
        (
            OutputKind::Classification { classes: 2 },
            vec![2, 7, 2],
            Activation::Relu,
        ),
        (OutputKind::Regression, vec![3, 4, 4, 2], Activation::Linear),
    ];
    // The same with another output layer than the data's natural one: logistic units
    // with squared error (Lillicrap 2016's MNIST network), and linear units on classes.
    let other_outputs = [
        (
            OutputKind::Classification { classes: 3 },
            vec![4, 6, 5, 3],
            Activation::Sigmoid,
            OutputLayer::Logistic,
        ),
        (
            OutputKind::Classification { classes: 2 },
            vec![2, 7, 2],
            Activation::Tanh,
            OutputLayer::Logistic,
        ),
        (
            OutputKind::Classification { classes: 3 },
            vec![4, 5, 3],
            Activation::Softplus,
            OutputLayer::Linear,
        ),
    ];
    let cases = cases
        .into_iter()
        .map(|(output, layers, act)| (output, layers, act, OutputLayer::natural(output)))
        .chain(other_outputs);
    for (output, layers, act, output_layer) in cases {
        let n_out = *layers.last().unwrap();
        let data = tiny_dataset(output, layers[0], n_out, 12);
        let config = ExperimentConfig {
            output_layer: Some(output_layer),
            ..arrays_config(&layers, act, RuleKind::Backprop, 6)
        };
        let mut exp = build(&config, &data);
        assert_eq!(exp.network().output_layer(), output_layer);
        // Move off the zero biases first, so their gradients are tested at a
        // generic point.
        exp.step(3).unwrap();
        exp.next_batch();
        exp.forward_backward(false);
        let batch_loss = exp.batch_loss();
        exp.compute_gradients();

        let batch = exp.config.batch as f64;
        let inputs = exp.forward.activation[0].clone();
        let targets = exp.targets.clone();
        let mut w: Vec<Array2<f64>> = exp
            .network
            .weights()
            .iter()
            .map(|w| w.mapv(f64::from))
            .collect();
        let mut b: Vec<Array1<f64>> = exp
            .network
            .biases()
            .iter()
            .map(|b| b.mapv(f64::from))
            .collect();
        let loss = |w: &[Array2<f64>], b: &[Array1<f64>]| {
            reference_loss(w, b, act, output_layer, inputs.view(), targets.view())
        };
        // Central differences in f64: truncation ~eps², rounding ~1e-16/eps.
        let eps = 1e-6;
        // The analytic gradient is computed in f32 from terms of size ~1, so it
        // carries rounding errors of order 1e-7 (the largest seen is 6e-8); the
        // bound leaves a margin of ~20 for other seeds and platforms.
        let close =
            |analytic: f64, numeric: f64| (analytic - numeric).abs() <= 1e-6 + 1e-5 * numeric.abs();
        for k in 0..w.len() {
            for idx in 0..w[k].len() {
                let (i, j) = (idx / w[k].ncols(), idx % w[k].ncols());
                let keep = w[k][[i, j]];
                w[k][[i, j]] = keep + eps;
                let up = loss(&w, &b);
                w[k][[i, j]] = keep - eps;
                let down = loss(&w, &b);
                w[k][[i, j]] = keep;
                let numeric = (up - down) / (2.0 * eps);
                let analytic = f64::from(exp.grad_w[k][[i, j]]) / batch;
                assert!(
                    close(analytic, numeric),
                    "{act} {layers:?}: dL/dW_{}[{i},{j}] = {analytic}, finite difference {numeric}",
                    k + 1
                );
            }
            for i in 0..b[k].len() {
                let keep = b[k][i];
                b[k][i] = keep + eps;
                let up = loss(&w, &b);
                b[k][i] = keep - eps;
                let down = loss(&w, &b);
                b[k][i] = keep;
                let numeric = (up - down) / (2.0 * eps);
                let analytic = f64::from(exp.grad_b[k][i]) / batch;
                assert!(
                    close(analytic, numeric),
                    "{act} {layers:?}: dL/db_{}[{i}] = {analytic}, finite difference {numeric}",
                    k + 1
                );
            }
        }
        // The minibatch loss the step reports is the same quantity.
        let reference = loss(&w, &b);
        assert!((f64::from(batch_loss) - reference).abs() < 1e-5 * (1.0 + reference));
    }
}

#[test]
fn feedback_alignment_with_b_equal_to_w_transpose_is_backprop_bit_for_bit() {
    let layers = [3, 6, 5, 4, 2];
    let data = tiny_dataset(OutputKind::Regression, 3, 2, 12);
    let mut config = arrays_config(&layers, Activation::Tanh, RuleKind::Backprop, 3);
    config.momentum = 0.5;
    config.weight_decay = 0.01;
    let mut bp = build(&config, &data);
    config.rule = RuleKind::FeedbackAlignment;
    let mut fa = build(&config, &data);
    assert_ne!(fa.feedback.b_t[0], fa.network.weights[1]);
    for _ in 0..25 {
        // B_{k+1} := W_{k+1}ᵀ, i.e. the stored Bᵀ := W.
        for k in 1..fa.network.depth() {
            let w = fa.network.weights[k].clone();
            fa.feedback.b_t[k - 1].assign(&w);
        }
        fa.step(1).unwrap();
        bp.step(1).unwrap();
    }
    assert_eq!(fa.network, bp.network);
    assert!(
        fa.network.weights[0] != build(&config, &data).network.weights[0],
        "it learned"
    );
}

#[test]
fn direct_feedback_alignment_with_one_hidden_layer_and_d_equal_to_b_is_feedback_alignment() {
    let data = tiny_dataset(OutputKind::Classification { classes: 3 }, 4, 3, 12);
    let mut config = arrays_config(
        &[4, 7, 3],
        Activation::Sigmoid,
        RuleKind::FeedbackAlignment,
        4,
    );
    config.log_every = 5;
    let mut fa = build(&config, &data);
    config.rule = RuleKind::DirectFeedbackAlignment;
    let mut dfa = build(&config, &data);
    assert_ne!(dfa.feedback.d_t[0], fa.feedback.b_t[0]);
    // D_1 (n_1 × n_L) := B_2 (n_1 × n_2), the same shape because n_2 = n_L.
    let b = fa.feedback.b_t[0].clone();
    dfa.feedback.d_t[0].assign(&b);
    fa.step(30).unwrap();
    dfa.step(30).unwrap();
    assert_eq!(fa.network, dfa.network);
    // The metrics agree too: DFA's reference for its last hidden layer is W_L.
    for (a, b) in fa.history()[1..].iter().zip(&dfa.history()[1..]) {
        assert_eq!(a, b);
    }
}

#[test]
fn rules_share_weights_feedback_data_and_order() {
    let reference = Experiment::new(&ExperimentConfig {
        rule: RuleKind::Backprop,
        ..ExperimentConfig::default()
    })
    .unwrap();
    for rule in RuleKind::ALL {
        if rule == RuleKind::Delta {
            continue;
        }
        let other = Experiment::new(&ExperimentConfig {
            rule,
            ..ExperimentConfig::default()
        })
        .unwrap();
        assert_eq!(other.network, reference.network, "{rule}");
        assert_eq!(other.feedback.b_t, reference.feedback.b_t, "{rule}");
        assert_eq!(other.feedback.d_t, reference.feedback.d_t, "{rule}");
        assert_eq!(
            other.feedback.magnitude_t, reference.feedback.magnitude_t,
            "{rule}"
        );
        assert_eq!(other.dataset, reference.dataset, "{rule}");
        assert_eq!(other.order, reference.order, "{rule}");
        // Same first minibatch, same untrained network: the same loss on it.
        assert_eq!(
            other.history()[0].batch_loss,
            reference.history()[0].batch_loss
        );
    }
}

#[test]
fn backprop_without_f_prime_leaves_the_gradient() {
    let data = tiny_dataset(OutputKind::Regression, 3, 2, 12);
    let mut config = arrays_config(&[3, 6, 2], Activation::Tanh, RuleKind::Backprop, 4);
    config.log_every = 1;
    let mut exact = build(&config, &data);
    exact.step(1).unwrap();
    assert!(exact.latest().unwrap().layers[0].update_angle_deg.unwrap() < 1e-2);
    config.no_derivative = true;
    let mut without = build(&config, &data);
    without.step(1).unwrap();
    let angle = without.latest().unwrap().layers[0]
        .update_angle_deg
        .unwrap();
    assert!(
        angle > 1.0,
        "dropping tanh' must change the direction, got {angle}°"
    );
    // With a linear hidden layer f' = 1, so the switch changes nothing.
    config.activation = Activation::Linear;
    let mut linear = build(&config, &data);
    config.no_derivative = false;
    let mut linear_exact = build(&config, &data);
    linear.step(5).unwrap();
    linear_exact.step(5).unwrap();
    assert_eq!(linear.network, linear_exact.network);
}

#[test]
fn sign_symmetry_is_sign_concordant_and_resampling_is_shared() {
    let mut config = ExperimentConfig::for_task(TaskKind::Xor);
    config.rule = RuleKind::SignSymmetry;
    config.log_every = 10;
    let mut usf = Experiment::new(&config).unwrap();
    usf.step(10).unwrap();
    for layer in &usf.latest().unwrap().layers {
        assert_eq!(layer.sign_concordance, Some(1.0));
        assert!(layer.weight_angle_deg.unwrap() < 60.0);
    }
    config.rule = RuleKind::FeedbackAlignment;
    let mut a = Experiment::new(&config).unwrap();
    let mut b = Experiment::new(&config).unwrap();
    let before = a.feedback.b_t.clone();
    a.resample_feedback();
    b.resample_feedback();
    assert_ne!(a.feedback.b_t, before);
    assert_eq!(a.feedback, b.feedback);
}

#[test]
fn shallow_and_delta_leave_hidden_weights_alone() {
    let mut config = ExperimentConfig::for_task(TaskKind::Sine);
    config.rule = RuleKind::Shallow;
    config.log_every = 20;
    let mut shallow = Experiment::new(&config).unwrap();
    let hidden = shallow.network.weights[0].clone();
    let output = shallow.network.weights[1].clone();
    shallow.step(20).unwrap();
    assert_eq!(shallow.network.weights[0], hidden);
    assert_ne!(shallow.network.weights[1], output);
    let layer = &shallow.latest().unwrap().layers[0];
    assert_eq!(layer.update_angle_deg, None, "no hidden update, no angle");
    assert!(
        layer.weight_angle_deg.is_some(),
        "the unused B is still reported"
    );
}

#[test]
fn dfa_reports_the_angle_to_the_end_to_end_path() {
    let data = tiny_dataset(OutputKind::Regression, 3, 2, 12);
    let mut config = arrays_config(
        &[3, 5, 4, 2],
        Activation::Linear,
        RuleKind::DirectFeedbackAlignment,
        4,
    );
    config.log_every = 1;
    let mut dfa = build(&config, &data);
    dfa.step(1).unwrap();
    // Layer 1's reference is (W_3 W_2)ᵀ; compute it independently.
    let product = dfa.network.weights[2].dot(&dfa.network.weights[1]);
    let expected = metrics::angle_deg(dfa.feedback.d_t[0].view(), product.view());
    let reported = dfa.latest().unwrap().layers[0].weight_angle_deg;
    assert!((reported.unwrap() - expected.unwrap()).abs() < 1e-4);
}

#[test]
fn logistic_or_softmax_output_on_a_regression_is_refused_by_name() {
    let data = tiny_dataset(OutputKind::Regression, 3, 2, 12);
    for layer in [OutputLayer::Logistic, OutputLayer::Softmax] {
        let config = ExperimentConfig {
            output_layer: Some(layer),
            ..arrays_config(&[3, 4, 2], Activation::Tanh, RuleKind::Backprop, 4)
        };
        let error = Experiment::with_dataset(&config, data.clone()).unwrap_err();
        assert_eq!(
            error,
            ConfigError::OutputLayer {
                layer,
                task: TaskKind::Arrays
            }
        );
        assert!(error
            .to_string()
            .starts_with(&format!("`output_layer` {layer} needs one-hot")));
    }
    // A generated regression task is checked by `validate` alone.
    let sine = ExperimentConfig {
        output_layer: Some(OutputLayer::Logistic),
        ..ExperimentConfig::for_task(TaskKind::Sine)
    };
    assert!(matches!(
        sine.validate(),
        Err(ConfigError::OutputLayer { .. })
    ));
}

#[test]
fn a_config_without_an_output_layer_reads_and_writes_as_before() {
    let config = ExperimentConfig::for_task(TaskKind::Xor);
    let json = serde_json::to_string(&config).unwrap();
    assert!(!json.contains("output_layer"), "{json}");
    let logistic = ExperimentConfig {
        output_layer: Some(OutputLayer::Logistic),
        ..config
    };
    let json = serde_json::to_string(&logistic).unwrap();
    assert!(json.contains(r#""output_layer":"logistic""#), "{json}");
    assert_eq!(
        serde_json::from_str::<ExperimentConfig>(&json).unwrap(),
        logistic
    );
}
