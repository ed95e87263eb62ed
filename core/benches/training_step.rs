//! Samples per second of one training step (forward, the rule's backward pass, the
//! update), for the network sizes the app uses and for digit-sized networks, under
//! backprop and feedback alignment, one sample and 32 samples per step.
//!
//! `cargo bench -p bioprop` (add `-- --warm-up-time 1 --measurement-time 2` for a
//! quick run). Steps do not log, as in the app's worker between snapshots.

mod common;

// criterion is a native dev-dependency: on wasm32 this bench is an empty program.
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use bioprop::experiment::layers_string;
    use bioprop::{
        Activation, Dataset, Experiment, ExperimentConfig, InitSpec, OutputKind, RuleKind,
        TaskConfig, TaskKind,
    };
    use criterion::{BenchmarkId, Criterion, Throughput};
    use ndarray::Array2;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    const TRAIN: usize = 256;

    /// Uniform random inputs; one-hot targets for a 10-way output (digits-like), smooth
    /// random targets otherwise.
    fn dataset(n_in: usize, n_out: usize) -> Dataset {
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let mut uniform = |rows: usize, cols: usize| {
            Array2::from_shape_simple_fn((rows, cols), || rng.random::<f32>())
        };
        let (train, test) = (uniform(TRAIN, n_in), uniform(8, n_in));
        if n_out == 10 {
            let one_hot =
                |rows: usize| Array2::from_shape_fn((rows, 10), |(i, j)| f32::from(i % 10 == j));
            Dataset::from_arrays(
                OutputKind::Classification { classes: 10 },
                train,
                one_hot(TRAIN),
                test,
                one_hot(8),
            )
        } else {
            let (train_y, test_y) = (uniform(TRAIN, n_out), uniform(8, n_out));
            Dataset::from_arrays(OutputKind::Regression, train, train_y, test, test_y)
        }
        .expect("valid data")
    }

    pub fn training_step(c: &mut Criterion) {
        let mut group = c.benchmark_group("training_step");
        // The app's sizes, and two handwritten-digit networks (issue 11's targets).
        for layers in [
            vec![2, 8, 8, 1],
            vec![30, 20, 10],
            vec![784, 256, 10],
            vec![784, 1000, 10],
        ] {
            let name = layers_string(&layers);
            let data = dataset(layers[0], *layers.last().unwrap());
            for rule in [RuleKind::Backprop, RuleKind::FeedbackAlignment] {
                let batches: &[usize] = if layers[1] == 1000 { &[32] } else { &[1, 32] };
                for &batch in batches {
                    let config = ExperimentConfig {
                        task: TaskConfig::recommended(TaskKind::Arrays),
                        rule,
                        layers: layers.clone(),
                        activation: Activation::Tanh,
                        lr: 1e-3,
                        batch,
                        weight_init: Some(InitSpec::Xavier),
                        feedback_init: Some(InitSpec::Xavier),
                        log_every: u64::MAX,
                        ..ExperimentConfig::default()
                    };
                    let mut experiment = Experiment::with_dataset(&config, data.clone()).unwrap();
                    group.throughput(Throughput::Elements(batch as u64));
                    group.bench_function(
                        BenchmarkId::new(format!("{name}/{rule}"), format!("batch{batch}")),
                        |b| b.iter(|| experiment.step(1).expect("no divergence")),
                    );
                }
            }
        }
        group.finish();
    }
}

common::bench_main!(native::training_step);
