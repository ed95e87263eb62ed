//! Speed of the dendritic error microcircuit on the nonlinear teacher (30-50-10) and on
//! a 2-D task (2-8-8-2): simulated milliseconds per wall-clock second for the full
//! model (Euler steps of 0.1 ms, noise and filters on), patterns per second for the
//! steady-state approximation, one pattern at a time and in minibatches of 10. At the
//! size of the paper's digits network, 784-500-500-10 with logistic rates, the
//! steady-state model in patterns per second one at a time and in minibatches of 10
//! and 32 (random digit-sized data; the speed does not depend on the values).
//!
//! `cargo bench -p bioprop --bench microcircuit -- --warm-up-time 1 --measurement-time 3`
//! (`-- digits` for the digit-sized circuit only). Neither model logs in the measured
//! loop, as in the app's worker between snapshots.

mod common;

// criterion is a native dev-dependency: on wasm32 this bench is an empty program.
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use bioprop::experiment::layers_string;
    use bioprop::microcircuit::{Mode, RateFunction};
    use bioprop::{Activation, Dataset, Microcircuit, MicrocircuitConfig, OutputKind, TaskKind};
    use criterion::{BenchmarkId, Criterion, Throughput};
    use ndarray::Array2;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Simulated time per iteration of the full model.
    const FULL_MS: f64 = 10.0;
    /// Patterns per iteration of the steady-state model.
    const PATTERNS: u64 = 100;
    /// Patterns per iteration of the digit-sized circuit: whole minibatches of 10 and 32.
    const DIGIT_PATTERNS: u64 = 160;

    fn circuit(kind: TaskKind, mode: Mode) -> Microcircuit {
        let config = MicrocircuitConfig {
            mode,
            log_every: u64::MAX,
            ..MicrocircuitConfig::for_task(kind)
        };
        Microcircuit::new(&config).expect("valid config")
    }

    pub fn microcircuit(c: &mut Criterion) {
        let mut group = c.benchmark_group("microcircuit");
        for kind in [TaskKind::NonlinearTeacher, TaskKind::Xor] {
            let name = layers_string(&MicrocircuitConfig::for_task(kind).layers);
            // Throughput "elements" are simulated milliseconds here.
            group.throughput(Throughput::Elements(FULL_MS as u64));
            let mut full = circuit(kind, Mode::Full);
            group.bench_function(BenchmarkId::new("full, simulated ms", &name), |b| {
                b.iter(|| full.run_for(FULL_MS).expect("no divergence"))
            });
            group.throughput(Throughput::Elements(PATTERNS));
            let mut steady = circuit(kind, Mode::SteadyState);
            group.bench_function(BenchmarkId::new("steady state, patterns", &name), |b| {
                b.iter(|| steady.step(PATTERNS).expect("no divergence"))
            });
            let mut batched = Microcircuit::new(&MicrocircuitConfig {
                batch: 10,
                ..steady.config().clone()
            })
            .expect("valid config");
            group.bench_function(
                BenchmarkId::new("steady state in minibatches of 10, patterns", &name),
                |b| b.iter(|| batched.step(PATTERNS).expect("no divergence")),
            );
        }
        group.finish();
    }

    /// 784-500-500-10 with logistic rates on 1 000 random digit-sized patterns, at
    /// rates small enough that nothing diverges however long the bench runs.
    fn digit_circuit(batch: usize) -> Microcircuit {
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let mut pixels =
            |rows: usize| Array2::from_shape_simple_fn((rows, 784), || rng.random::<f32>());
        let one_hot =
            |rows: usize| Array2::from_shape_fn((rows, 10), |(i, j)| f32::from(i % 10 == j));
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

    pub fn digits(c: &mut Criterion) {
        let mut group = c.benchmark_group("microcircuit digits");
        group.sample_size(10);
        group.throughput(Throughput::Elements(DIGIT_PATTERNS));
        for batch in [1, 10, 32] {
            let mut circuit = digit_circuit(batch);
            group.bench_function(
                BenchmarkId::new("784-500-500-10 steady state, patterns, batch", batch),
                |b| b.iter(|| circuit.step(DIGIT_PATTERNS).expect("no divergence")),
            );
        }
        group.finish();
    }
}

common::bench_main!(native::microcircuit, native::digits);
