//! What the native and the wasm entries of the side-by-side benchmark share
//! (`make bench-compare`, `bench/compare.mjs`): the network and the data, built the
//! same way as by the numpy and TensorFlow.js entries.
//!
//! A configuration reads `LAYERS:BATCH:RULE`, e.g. `784-256-10:32:bp`. Hidden layers are
//! tanh; one output is linear with squared error, more are softmax with cross-entropy
//! on one-hot targets. Plain SGD at η = 0.01, Xavier-uniform weights, no logging.
//! The 256 training samples come from xorshift32 (13, 17, 5): inputs from seed 1,
//! regression targets from seed 2, class `i mod n_out` for sample `i`.

use bioprop::{
    Activation, Dataset, Experiment, ExperimentConfig, InitSpec, OutputKind, RuleKind, TaskConfig,
    TaskKind,
};
use ndarray::Array2;

pub const TRAIN: usize = 256;

/// `count` floats in [0, 1): the top 24 bits of successive xorshift32 states.
pub fn xorshift_floats(seed: u32, count: usize) -> Vec<f32> {
    let mut x = seed;
    (0..count)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 8) as f32 / 16_777_216.0
        })
        .collect()
}

fn dataset(n_in: usize, n_out: usize) -> Dataset {
    let inputs =
        Array2::from_shape_vec((TRAIN, n_in), xorshift_floats(1, TRAIN * n_in)).expect("shape");
    let (output, targets) = if n_out == 1 {
        let y = Array2::from_shape_vec((TRAIN, 1), xorshift_floats(2, TRAIN)).expect("shape");
        (OutputKind::Regression, y)
    } else {
        let y = Array2::from_shape_fn((TRAIN, n_out), |(i, j)| f32::from(i % n_out == j));
        (OutputKind::Classification { classes: n_out }, y)
    };
    let test = |a: &Array2<f32>| a.slice(ndarray::s![..8, ..]).to_owned();
    Dataset::from_arrays(
        output,
        inputs.clone(),
        targets.clone(),
        test(&inputs),
        test(&targets),
    )
    .expect("valid data")
}

/// The experiment a configuration `LAYERS:BATCH:RULE` describes.
pub fn experiment(spec: &str) -> Result<Experiment, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let [layers, batch, rule] = parts[..] else {
        return Err(format!("{spec:?} is not LAYERS:BATCH:RULE"));
    };
    let layers = layers
        .split('-')
        .map(str::parse)
        .collect::<Result<Vec<usize>, _>>()
        .map_err(|e| format!("layers of {spec:?}: {e}"))?;
    let batch = batch
        .parse()
        .map_err(|e| format!("batch of {spec:?}: {e}"))?;
    let rule = match rule {
        "bp" => RuleKind::Backprop,
        "fa" => RuleKind::FeedbackAlignment,
        other => return Err(format!("rule {other:?}: bp or fa")),
    };
    let (n_in, n_out) = (layers[0], *layers.last().expect("layers"));
    let config = ExperimentConfig {
        task: TaskConfig::recommended(TaskKind::Arrays),
        rule,
        layers,
        activation: Activation::Tanh,
        lr: 0.01,
        batch,
        weight_init: Some(InitSpec::Xavier),
        feedback_init: Some(InitSpec::Xavier),
        log_every: u64::MAX,
        ..ExperimentConfig::default()
    };
    Experiment::with_dataset(&config, dataset(n_in, n_out)).map_err(|e| e.to_string())
}
