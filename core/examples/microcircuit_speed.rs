//! Patterns per second of the microcircuit's steady-state model, one pattern at a time
//! and in minibatches (`make bench-microcircuit`):
//!
//!     microcircuit_speed [SECONDS]
//!
//! for the paper's digits network, 784-500-500-10 with logistic rates (random
//! digit-sized data: the speed does not depend on the values), at batch 1, 10 and 32,
//! and for the nonlinear teacher's 30-50-10 at batch 1 and 10. Each line gives the
//! wall-clock rate and, on Linux, the rate per second of CPU time the run was given
//! (from `/proc/self/schedstat`), which stays meaningful on a busy machine. No logging
//! in the measured loop. The criterion version is `cargo bench --bench microcircuit`.

use std::time::Instant;

use bioprop::microcircuit::{Mode, RateFunction};
use bioprop::{Activation, Dataset, Microcircuit, MicrocircuitConfig, OutputKind, TaskKind};
use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// 784-500-500-10, logistic rates, on 1 000 random patterns, at rates small enough
/// that nothing diverges however long it runs.
fn digit_circuit(batch: usize) -> Microcircuit {
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

fn teacher_circuit(batch: usize) -> Microcircuit {
    let config = MicrocircuitConfig {
        mode: Mode::SteadyState,
        batch,
        log_every: u64::MAX,
        trace_capacity: 100,
        ..MicrocircuitConfig::for_task(TaskKind::NonlinearTeacher)
    };
    Microcircuit::new(&config).expect("valid config")
}

/// Seconds of CPU time this thread has been given, where the system says.
fn cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanoseconds: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(nanoseconds / 1e9)
}

fn measure(name: &str, mut circuit: Microcircuit, chunk: u64, seconds: f64) {
    circuit.step(chunk).expect("no divergence");
    let (start, cpu_start) = (Instant::now(), cpu_seconds());
    let before = circuit.patterns();
    while start.elapsed().as_secs_f64() < seconds {
        circuit.step(chunk).expect("no divergence");
    }
    let patterns = (circuit.patterns() - before) as f64;
    let wall = patterns / start.elapsed().as_secs_f64();
    let cpu = match (cpu_start, cpu_seconds()) {
        (Some(a), Some(b)) if b > a => format!(", {:.0} per CPU second", patterns / (b - a)),
        _ => String::new(),
    };
    println!("{name}: {wall:.0} patterns/s{cpu}");
}

fn main() {
    let seconds: f64 = std::env::args()
        .nth(1)
        .map(|s| s.parse().expect("SECONDS is a number"))
        .unwrap_or(3.0);
    for batch in [1, 10, 32] {
        let name = format!("784-500-500-10 steady state, batch {batch}");
        measure(&name, digit_circuit(batch), 160, seconds);
    }
    for batch in [1, 10] {
        let name = format!("30-50-10 steady state, batch {batch}");
        measure(&name, teacher_circuit(batch), 1000, seconds);
    }
}
