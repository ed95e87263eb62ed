//! Speed of the dendritic error microcircuit on the nonlinear teacher (30-50-10) and on
//! a 2-D task (2-8-8-2): simulated milliseconds per wall-clock second for the full
//! model (Euler steps of 0.1 ms, noise and filters on), patterns per second for the
//! steady-state approximation.
//!
//! `cargo bench -p bioprop --bench microcircuit -- --warm-up-time 1 --measurement-time 3`.
//! Neither model logs in the measured loop, as in the app's worker between snapshots.

mod common;

// criterion is a native dev-dependency: on wasm32 this bench is an empty program.
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use bioprop::experiment::layers_string;
    use bioprop::microcircuit::Mode;
    use bioprop::{Microcircuit, MicrocircuitConfig, TaskKind};
    use criterion::{BenchmarkId, Criterion, Throughput};

    /// Simulated time per iteration of the full model.
    const FULL_MS: f64 = 10.0;
    /// Patterns per iteration of the steady-state model.
    const PATTERNS: u64 = 100;

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
        }
        group.finish();
    }
}

common::bench_main!(native::microcircuit);
