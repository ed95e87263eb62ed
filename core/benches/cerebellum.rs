//! Simulated seconds per wall-clock second of the cerebellar tasks at the default 1 ms
//! step: one iteration is one simulated second (1000 integration steps), so criterion's
//! "elements/s" reads as simulated seconds per second.
//!
//! `cargo bench -p bioprop --bench cerebellum` (add `-- --warm-up-time 1
//! --measurement-time 3` for a quick run).

mod common;

// criterion is a native dev-dependency: on wasm32 this bench is an empty program.
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use bioprop::cerebellum::{BasisKind, SignalKind};
    use bioprop::{Cerebellum, CerebellumConfig, CerebellumTask};
    use criterion::{BenchmarkId, Criterion, Throughput};

    const SECOND: u64 = 1000;

    fn cases() -> Vec<(String, CerebellumConfig)> {
        let vor = CerebellumConfig::for_task(CerebellumTask::Vor);
        let mut delayed = vor.clone();
        delayed.filter.error_delay = 0.1;
        delayed.filter.eligibility_delay = 0.1;
        let mut wide = vor.clone();
        wide.filter.count = 31;
        wide.filter.basis = BasisKind::Alpha;
        let mut noisy = vor.clone();
        noisy.signal.kind = SignalKind::Noise;
        vec![
            ("vor, 1+6 leaky".into(), vor),
            ("vor, 100 ms delays".into(), delayed),
            ("vor, noise".into(), noisy),
            ("vor, 1+31 alpha".into(), wide),
            (
                "forward model".into(),
                CerebellumConfig::for_task(CerebellumTask::ForwardModel),
            ),
        ]
    }

    pub fn simulated_seconds(c: &mut Criterion) {
        let mut group = c.benchmark_group("cerebellum");
        group.throughput(Throughput::Elements(1));
        for (name, config) in cases() {
            group.bench_with_input(
                BenchmarkId::new("1 s at 1 ms", name),
                &config,
                |b, config| {
                    let mut cerebellum = Cerebellum::new(config).expect("valid");
                    b.iter(|| cerebellum.step(SECOND).expect("no divergence"));
                },
            );
        }
        group.finish();
    }
}

common::bench_main!(native::simulated_seconds);
