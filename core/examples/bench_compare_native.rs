//! The side-by-side benchmark's native entry (`make bench-compare`):
//!
//!     bench_compare_native SECONDS LAYERS:BATCH:RULE ...
//!
//! prints one JSON line per configuration, `{"config": ..., "steps_per_s": ...}`.

mod bench_compare;

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((seconds, specs)) = args.split_first() else {
        eprintln!("usage: bench_compare_native SECONDS LAYERS:BATCH:RULE ...");
        std::process::exit(2);
    };
    let seconds: f64 = seconds.parse().expect("SECONDS is a number");
    for spec in specs {
        let mut experiment = bench_compare::experiment(spec).unwrap_or_else(|e| {
            eprintln!("{e}");
            std::process::exit(2);
        });
        experiment.step(20).expect("no divergence");
        let (mut steps, start) = (0_u64, Instant::now());
        while start.elapsed().as_secs_f64() < seconds {
            experiment.step(50).expect("no divergence");
            steps += 50;
        }
        let rate = steps as f64 / start.elapsed().as_secs_f64();
        println!("{{\"config\": \"{spec}\", \"steps_per_s\": {rate}}}");
    }
}
