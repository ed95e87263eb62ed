//! A multilayer perceptron in `f32`: weights, biases, initialisation and the forward
//! pass over a minibatch (docs/science.md §0).
//!
//! ```text
//! a_0 = x,   z_k = W_k a_{k-1} + b_k,   a_k = f(z_k)      for k = 1 .. L-1
//! output     a_L                 loss per sample         δ_L = ∂loss/∂z_L
//!   linear   z_L                 ½‖a_L - y‖²             e
//!   softmax  softmax(z_L)        -Σ_j y_j ln a_Lj        e
//!   logistic σ(z_L)              ½‖a_L - y‖²             e ∘ a_L ∘ (1 - a_L)
//! ```
//!
//! with the output error `e = a_L - y` (docs/science.md §0, §1). Every learning rule
//! starts from `δ_L`. The [`OutputLayer`] is the data's natural one (linear for
//! regression, softmax for classes) unless the experiment asks for another: the
//! logistic units with squared error are those of Lillicrap et al. 2016's MNIST network
//! (docs/science.md §3, "Digits").
//!
//! # Shapes
//!
//! Layer widths `n_0 .. n_L` (input and output included); `W_k: (n_k, n_{k-1})`,
//! `b_k: (n_k)`. A minibatch holds samples in **rows**: `a_k` and `z_k` are `(b, n_k)`.
//! [`ForwardBuffers`] are allocated once for a largest batch and reused; a pass over
//! fewer rows uses the leading rows.

use ndarray::{s, Array1, Array2, ArrayView2, ArrayViewMut2, Zip};
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::activation::{sigmoid, Activation};
use crate::linalg;
use crate::named::named;
use crate::task::{InitSpec, OutputKind};

/// The output units and the loss they are trained on (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutputLayer {
    /// `a_L = z_L`, squared error: regression's natural output.
    Linear,
    /// `a_L = softmax(z_L)`, cross-entropy: classification's natural output.
    Softmax,
    /// `a_L = σ(z_L)` unit by unit, squared error against one-hot targets
    /// (Lillicrap et al. 2016, MNIST).
    Logistic,
}

impl OutputLayer {
    /// Every output layer, in the order `bioprop list` shows them.
    pub const ALL: [OutputLayer; 3] = [
        OutputLayer::Linear,
        OutputLayer::Softmax,
        OutputLayer::Logistic,
    ];

    /// The kebab-case name used by serde and the CLI.
    pub fn name(self) -> &'static str {
        match self {
            OutputLayer::Linear => "linear",
            OutputLayer::Softmax => "softmax",
            OutputLayer::Logistic => "logistic",
        }
    }

    /// One line for `bioprop list`: the units and the loss.
    pub fn description(self) -> &'static str {
        match self {
            OutputLayer::Linear => "linear units, squared error (regression's default)",
            OutputLayer::Softmax => "softmax, cross-entropy (classification's default)",
            OutputLayer::Logistic => {
                "logistic units, squared error on one-hot targets (Lillicrap 2016, MNIST)"
            }
        }
    }

    /// The natural output for targets of kind `output`.
    pub fn natural(output: OutputKind) -> Self {
        match output {
            OutputKind::Regression => OutputLayer::Linear,
            OutputKind::Classification { .. } => OutputLayer::Softmax,
        }
    }

    /// Whether the layer can be trained on targets of kind `output`: softmax and
    /// logistic units only on one-hot classes, whose targets lie in their range.
    pub fn fits(self, output: OutputKind) -> bool {
        self == OutputLayer::Linear || matches!(output, OutputKind::Classification { .. })
    }

    /// Whether the loss is `½‖a_L - y‖²` (else cross-entropy).
    pub fn squared_error(self) -> bool {
        self != OutputLayer::Softmax
    }

    /// `δ_L` of one output unit with activation `a` and target `y`.
    ///
    /// For the logistic unit `a = σ(z)`, `∂(½(a - y)²)/∂z = (a - y) σ'(z)` with
    /// `σ'(z) = a (1 - a)` (docs/science.md §1: `δ_L = e ∘ f'(z_L)`); the linear unit
    /// and softmax with cross-entropy both give `a - y`.
    #[inline]
    pub fn delta(self, a: f32, y: f32) -> f32 {
        match self {
            OutputLayer::Linear | OutputLayer::Softmax => a - y,
            OutputLayer::Logistic => (a - y) * a * (1.0 - a),
        }
    }
}

named!(OutputLayer, "output layer");

/// Weights, biases and the choice of non-linearities; the learning rule lives elsewhere.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    sizes: Vec<usize>,
    /// `W_k` at index `k - 1`.
    pub(crate) weights: Vec<Array2<f32>>,
    /// `b_k` at index `k - 1`.
    pub(crate) biases: Vec<Array1<f32>>,
    activation: Activation,
    output: OutputKind,
    output_layer: OutputLayer,
}

/// Per-layer activations of one forward pass, allocated once and overwritten.
#[derive(Debug, Clone)]
pub struct ForwardBuffers {
    /// `z_k` at index `k - 1`, each `(capacity, n_k)`.
    pub pre_activation: Vec<Array2<f32>>,
    /// `a_k` at index `k` for `k = 0 .. L` (index 0 is the input), each `(capacity, n_k)`.
    pub activation: Vec<Array2<f32>>,
}

impl ForwardBuffers {
    /// Buffers for `network` holding up to `capacity` samples.
    pub fn new(network: &Network, capacity: usize) -> Self {
        let sizes = network.sizes();
        ForwardBuffers {
            pre_activation: sizes[1..]
                .iter()
                .map(|&n| Array2::zeros((capacity, n)))
                .collect(),
            activation: sizes
                .iter()
                .map(|&n| Array2::zeros((capacity, n)))
                .collect(),
        }
    }

    /// Samples the buffers can hold.
    pub fn capacity(&self) -> usize {
        self.activation[0].nrows()
    }

    /// The leading `rows` samples of `a_0`, to be filled with the input.
    pub fn input_mut(&mut self, rows: usize) -> ArrayViewMut2<'_, f32> {
        self.activation[0].slice_mut(s![..rows, ..])
    }

    /// The network's output `a_L` for the leading `rows` samples.
    pub fn output(&self, rows: usize) -> ArrayView2<'_, f32> {
        self.activation
            .last()
            .expect("a network has an output layer")
            .slice(s![..rows, ..])
    }
}

/// Fills `matrix` by `spec`, scaled by `gain`, drawing from `rng`.
///
/// `Uniform { scale }` draws U[-gain·scale, gain·scale]; `Xavier` draws U[-a, a] with
/// `a = gain · √(6 / (fan_in + fan_out))` where `(fan_out, fan_in)` is the matrix shape;
/// `Zero` fills zeros and draws nothing. A uniform draw is `(2u - 1) s` with `u` the
/// generator's standard `f32` in [0, 1): exact integer-to-float steps, so the same
/// seed gives the same bits on every platform.
pub fn init_matrix(matrix: &mut Array2<f32>, spec: InitSpec, gain: f32, rng: &mut impl Rng) {
    let (fan_out, fan_in) = matrix.dim();
    let limit = match spec {
        InitSpec::Uniform { scale } => scale * gain,
        InitSpec::Xavier => (6.0 / (fan_in + fan_out) as f32).sqrt() * gain,
        InitSpec::Zero => {
            matrix.fill(0.0);
            return;
        }
    };
    for w in matrix.iter_mut() {
        let u: f32 = rng.random();
        *w = (2.0 * u - 1.0) * limit;
    }
}

/// The mean absolute entry `E|w|` of a matrix of shape `(rows, cols)` initialised by
/// `spec` and `gain`: half the uniform limit.
pub fn expected_magnitude(spec: InitSpec, gain: f32, rows: usize, cols: usize) -> f32 {
    match spec {
        InitSpec::Uniform { scale } => 0.5 * scale * gain,
        InitSpec::Xavier => 0.5 * (6.0 / (rows + cols) as f32).sqrt() * gain,
        InitSpec::Zero => 0.0,
    }
}

impl Network {
    /// A network with layer widths `sizes` (input and output included), weights drawn by
    /// `init` from `rng` in layer order, and zero biases.
    ///
    /// # Panics
    ///
    /// If `sizes` has fewer than two entries; `ExperimentConfig::validate` checks this.
    pub fn new(
        sizes: &[usize],
        activation: Activation,
        output: OutputKind,
        init: InitSpec,
        rng: &mut impl Rng,
    ) -> Self {
        assert!(
            sizes.len() >= 2,
            "a network needs an input and an output layer"
        );
        let weights = sizes
            .windows(2)
            .map(|pair| {
                let mut w = Array2::zeros((pair[1], pair[0]));
                init_matrix(&mut w, init, 1.0, rng);
                w
            })
            .collect();
        let biases = sizes[1..].iter().map(|&n| Array1::zeros(n)).collect();
        Network {
            sizes: sizes.to_vec(),
            weights,
            biases,
            activation,
            output,
            output_layer: OutputLayer::natural(output),
        }
    }

    /// A network with the given weights `W_1 .. W_L` and biases (for tests and tools).
    ///
    /// # Panics
    ///
    /// If the shapes do not chain (`W_k: (n_k, n_{k-1})`, `b_k: (n_k)`).
    pub fn from_parameters(
        weights: Vec<Array2<f32>>,
        biases: Vec<Array1<f32>>,
        activation: Activation,
        output: OutputKind,
    ) -> Self {
        assert!(!weights.is_empty() && weights.len() == biases.len());
        let mut sizes = vec![weights[0].ncols()];
        for (w, b) in weights.iter().zip(&biases) {
            assert_eq!(
                w.ncols(),
                *sizes.last().unwrap(),
                "weight shapes do not chain"
            );
            assert_eq!(
                w.nrows(),
                b.len(),
                "bias length differs from the weight rows"
            );
            sizes.push(w.nrows());
        }
        Network {
            sizes,
            weights,
            biases,
            activation,
            output,
            output_layer: OutputLayer::natural(output),
        }
    }

    /// Layer widths `n_0 .. n_L`.
    pub fn sizes(&self) -> &[usize] {
        &self.sizes
    }

    /// `L`, the number of weight layers.
    pub fn depth(&self) -> usize {
        self.weights.len()
    }

    /// `W_1 .. W_L`.
    pub fn weights(&self) -> &[Array2<f32>] {
        &self.weights
    }

    /// `b_1 .. b_L`.
    pub fn biases(&self) -> &[Array1<f32>] {
        &self.biases
    }

    /// Zeros shaped like each `W_k`: gradient and velocity buffers.
    pub(crate) fn zeros_like_weights(&self) -> Vec<Array2<f32>> {
        self.weights
            .iter()
            .map(|w| Array2::zeros(w.dim()))
            .collect()
    }

    /// Zeros shaped like each `b_k`.
    pub(crate) fn zeros_like_biases(&self) -> Vec<Array1<f32>> {
        self.biases.iter().map(|b| Array1::zeros(b.len())).collect()
    }

    /// The hidden layers' non-linearity.
    pub fn activation(&self) -> Activation {
        self.activation
    }

    /// What the targets are: real vectors or one-hot classes.
    pub fn output(&self) -> OutputKind {
        self.output
    }

    /// The output units and their loss: the data's natural one unless
    /// [`Network::with_output_layer`] chose another.
    pub fn output_layer(&self) -> OutputLayer {
        self.output_layer
    }

    /// The same network with `layer` as its output.
    ///
    /// # Panics
    ///
    /// If `layer` does not fit the targets ([`OutputLayer::fits`]);
    /// `ExperimentConfig::validate` checks this.
    pub fn with_output_layer(mut self, layer: OutputLayer) -> Self {
        assert!(
            layer.fits(self.output),
            "{layer} output units need one-hot class targets"
        );
        self.output_layer = layer;
        self
    }

    /// The forward pass over the leading `rows` samples of `buffers`, whose `a_0` the
    /// caller has filled.
    pub fn forward(&self, buffers: &mut ForwardBuffers, rows: usize) {
        let depth = self.depth();
        for k in 1..=depth {
            let (below, above) = buffers.activation.split_at_mut(k);
            let a_prev = below[k - 1].slice(s![..rows, ..]);
            let mut z = buffers.pre_activation[k - 1].slice_mut(s![..rows, ..]);
            linalg::affine(
                a_prev,
                self.weights[k - 1].view(),
                self.biases[k - 1].view(),
                z.view_mut(),
            );
            let mut a = above[0].slice_mut(s![..rows, ..]);
            if k < depth {
                let f = self.activation;
                Zip::from(&mut a).and(&z).for_each(|a, &z| *a = f.apply(z));
            } else {
                match self.output_layer {
                    OutputLayer::Linear => a.assign(&z),
                    OutputLayer::Softmax => softmax_rows(z.view(), a),
                    OutputLayer::Logistic => Zip::from(&mut a).and(&z).for_each(|a, &z| {
                        *a = sigmoid(z);
                    }),
                }
            }
        }
    }
}

/// `p[i, :] = softmax(z[i, :])`, shifted by the row maximum so no exponential overflows.
pub fn softmax_rows(z: ArrayView2<'_, f32>, mut p: ArrayViewMut2<'_, f32>) {
    for (z_row, mut p_row) in z.rows().into_iter().zip(p.rows_mut()) {
        let max = z_row.fold(f32::NEG_INFINITY, |m, &v| m.max(v));
        let mut sum = 0.0_f32;
        Zip::from(&mut p_row).and(z_row).for_each(|p, &z| {
            *p = libm::expf(z - max);
            sum += *p;
        });
        p_row.mapv_inplace(|p| p / sum);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn forward_matches_a_hand_computed_pass() {
        // W_1 = [[1, -1], [0.5, 2]], b_1 = [0, 1], ReLU; W_2 = [[1, 1]], b_2 = [0.5].
        // x = [2, 3]: z_1 = [2-3, 1+6+1] = [-1, 8], a_1 = [0, 8], z_2 = 8 + 0.5 = 8.5.
        let net = Network::from_parameters(
            vec![array![[1.0, -1.0], [0.5, 2.0]], array![[1.0, 1.0]]],
            vec![array![0.0, 1.0], array![0.5]],
            Activation::Relu,
            OutputKind::Regression,
        );
        let mut buffers = ForwardBuffers::new(&net, 4);
        buffers.input_mut(1).assign(&array![[2.0, 3.0]]);
        net.forward(&mut buffers, 1);
        assert_eq!(buffers.pre_activation[0].row(0), array![-1.0, 8.0]);
        assert_eq!(buffers.activation[1].row(0), array![0.0, 8.0]);
        assert_eq!(buffers.output(1), array![[8.5]]);
    }

    #[test]
    fn softmax_output_is_a_distribution_even_for_huge_logits() {
        let net = Network::from_parameters(
            vec![array![[1000.0], [0.0], [-1000.0]]],
            vec![array![0.0, 0.0, 0.0]],
            Activation::Linear,
            OutputKind::Classification { classes: 3 },
        );
        let mut buffers = ForwardBuffers::new(&net, 2);
        buffers.input_mut(2).assign(&array![[1.0], [0.0]]);
        net.forward(&mut buffers, 2);
        let p = buffers.output(2);
        assert_eq!(p.row(0), array![1.0, 0.0, 0.0]);
        for v in p.row(1) {
            assert!((v - 1.0 / 3.0).abs() < 1e-6);
        }
    }

    #[test]
    fn logistic_output_is_the_logistic_of_each_unit() {
        // z = [0, ln 3, -ln 3] → σ(z) = [1/2, 3/4, 1/4], by hand.
        let ln3 = 3.0_f32.ln();
        let net = Network::from_parameters(
            vec![array![[0.0], [ln3], [-ln3]]],
            vec![array![0.0, 0.0, 0.0]],
            Activation::Linear,
            OutputKind::Classification { classes: 3 },
        )
        .with_output_layer(OutputLayer::Logistic);
        assert_eq!(net.output_layer(), OutputLayer::Logistic);
        let mut buffers = ForwardBuffers::new(&net, 1);
        buffers.input_mut(1).assign(&array![[1.0]]);
        net.forward(&mut buffers, 1);
        for (a, expected) in buffers.output(1).iter().zip([0.5, 0.75, 0.25]) {
            assert!((a - expected).abs() < 1e-6, "{a} vs {expected}");
        }
    }

    #[test]
    fn output_deltas_are_the_loss_gradients_by_finite_differences() {
        // Per unit, δ = ∂loss/∂z: for the logistic unit of ½(σ(z) - y)², by a central
        // difference in f64; the linear unit's δ is a - y exactly.
        let loss = |z: f64, y: f64| 0.5 * (1.0 / (1.0 + (-z).exp()) - y).powi(2);
        for z in [-4.0_f32, -0.8, 0.0, 0.3, 2.5] {
            for y in [0.0_f32, 1.0] {
                let a = sigmoid(z);
                let analytic = OutputLayer::Logistic.delta(a, y);
                let h = 1e-5;
                let (z64, y64) = (f64::from(z), f64::from(y));
                let numeric = (loss(z64 + h, y64) - loss(z64 - h, y64)) / (2.0 * h);
                assert!(
                    (f64::from(analytic) - numeric).abs() < 1e-6,
                    "z {z}, y {y}: {analytic} vs {numeric}"
                );
            }
        }
        assert_eq!(OutputLayer::Linear.delta(0.25, 1.0), -0.75);
        assert_eq!(OutputLayer::Softmax.delta(0.25, 1.0), -0.75);
    }

    #[test]
    fn output_layers_fit_their_targets_and_round_trip_by_name() {
        let classes = OutputKind::Classification { classes: 10 };
        assert_eq!(OutputLayer::natural(classes), OutputLayer::Softmax);
        assert_eq!(
            OutputLayer::natural(OutputKind::Regression),
            OutputLayer::Linear
        );
        for layer in OutputLayer::ALL {
            assert!(layer.fits(classes));
            assert_eq!(layer.name().parse::<OutputLayer>(), Ok(layer));
            assert_eq!(
                serde_json::to_string(&layer).unwrap(),
                format!("\"{}\"", layer.name())
            );
        }
        assert!(!OutputLayer::Logistic.fits(OutputKind::Regression));
        assert!(!OutputLayer::Softmax.fits(OutputKind::Regression));
        assert!(OutputLayer::Linear.fits(OutputKind::Regression));
        assert!(OutputLayer::Logistic.squared_error() && !OutputLayer::Softmax.squared_error());
    }

    #[test]
    fn init_schemes_respect_their_limits_and_the_seed() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut w = Array2::zeros((20, 30));
        init_matrix(&mut w, InitSpec::Uniform { scale: 0.5 }, 2.0, &mut rng);
        assert!(w.iter().all(|v| v.abs() <= 1.0));
        assert!(w.iter().any(|v| v.abs() > 0.9), "uses the whole range");
        let mean_abs = w.mapv(f32::abs).mean().unwrap();
        let expected = expected_magnitude(InitSpec::Uniform { scale: 0.5 }, 2.0, 20, 30);
        assert!(
            (mean_abs - expected).abs() < 0.05,
            "{mean_abs} vs {expected}"
        );

        let limit = (6.0_f32 / 50.0).sqrt();
        init_matrix(&mut w, InitSpec::Xavier, 1.0, &mut rng);
        assert!(w.iter().all(|v| v.abs() <= limit));

        init_matrix(&mut w, InitSpec::Zero, 1.0, &mut rng);
        assert!(w.iter().all(|&v| v == 0.0));

        let mut again = Array2::zeros((20, 30));
        init_matrix(
            &mut again,
            InitSpec::Uniform { scale: 0.5 },
            2.0,
            &mut ChaCha8Rng::seed_from_u64(3),
        );
        let mut first = Array2::zeros((20, 30));
        init_matrix(
            &mut first,
            InitSpec::Uniform { scale: 0.5 },
            2.0,
            &mut ChaCha8Rng::seed_from_u64(3),
        );
        assert_eq!(again, first);
    }
}
