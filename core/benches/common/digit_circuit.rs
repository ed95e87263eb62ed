//! The digit-sized microcircuit the speed measurements share (the criterion bench
//! `microcircuit` and `examples/microcircuit_speed.rs`): 784-500-500-10 with logistic
//! rates on 1 000 random digit-sized patterns (the speed does not depend on the
//! values), at rates small enough that nothing diverges however long it runs.

use bioprop::microcircuit::{Mode, RateFunction};
use bioprop::{Activation, Dataset, Microcircuit, MicrocircuitConfig, OutputKind, TaskKind};
use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The circuit, settling and learning `batch` patterns at a time.
pub fn digit_circuit(batch: usize) -> Microcircuit {
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let mut pixels =
        |rows: usize| Array2::from_shape_simple_fn((rows, 784), || rng.random::<f32>());
    let one_hot = |rows: usize| Array2::from_shape_fn((rows, 10), |(i, j)| f32::from(i % 10 == j));
    let data = Dataset::from_arrays(
        OutputKind::Classification { classes: 10 },
        pixels(1000),
        one_hot(1000),
        pixels(10),
        one_hot(10),
    )
    .expect("valid data");
    let logistic = RateFunction::plain(Activation::Sigmoid);
    let config = MicrocircuitConfig {
        layers: vec![784, 500, 500, 10],
        rate: logistic,
        output_rate: logistic,
        mode: Mode::SteadyState,
        batch,
        lr_forward: 1e-5,
        lr_output: 1e-5,
        lr_interneuron: 1e-5,
        lr_apical: 1e-6,
        log_every: u64::MAX,
        trace_capacity: 100,
        ..MicrocircuitConfig::for_task(TaskKind::Arrays)
    };
    Microcircuit::with_dataset(&config, data).expect("valid config")
}
