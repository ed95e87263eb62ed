//! Diagnostics for the full microcircuit model's drift (docs/science.md §4.4).
//!
//! ```text
//! cargo run --release -p bioprop --example microcircuit_drift -- train '{"noise": 0}' 6000 1000 [seed]
//! cargo run --release -p bioprop --example microcircuit_drift -- bins '{}' 2000 200 [seed]
//! ```
//!
//! `train CONFIG PATTERNS EVERY`: the nonlinear teacher's circuit (full model unless
//! CONFIG says otherwise, CONFIG a JSON object of [`MicrocircuitConfig`] fields laid
//! over the defaults) for PATTERNS patterns, printing the test NSE every EVERY.
//!
//! `bins CONFIG WARMUP PATTERNS`: trains WARMUP patterns, then for PATTERNS more
//! splits each pattern's weight change of the full model (no plasticity filter) into
//! 1 ms bins and compares their mean over the patterns with the steady-state model's
//! change from the same weights and pattern: the norm of each bin's mean change per
//! weight group, and its cosine with the steady-state model's mean change.

use bioprop::microcircuit::{CircuitWeights, Mode};
use bioprop::{Microcircuit, MicrocircuitConfig, TaskKind};

fn config_from(json: &str, seed: u64) -> MicrocircuitConfig {
    let defaults = MicrocircuitConfig {
        seed,
        ..MicrocircuitConfig::for_task(TaskKind::NonlinearTeacher)
    };
    let mut value = serde_json::to_value(&defaults).unwrap();
    let overrides: serde_json::Value = serde_json::from_str(json).expect("CONFIG: a JSON object");
    for (key, v) in overrides.as_object().expect("CONFIG: a JSON object") {
        assert!(value.get(key).is_some(), "no config field {key}");
        value[key] = v.clone();
    }
    serde_json::from_value(value).expect("a valid config")
}

/// The weight groups as flat vectors: forward (all layers, with biases), W^IP (with
/// biases), W^PI.
fn groups(w: &CircuitWeights) -> [Vec<f32>; 4] {
    let mut out: [Vec<f32>; 4] = Default::default();
    out[0].extend(w.forward[0].iter().chain(&w.forward_bias[0]));
    out[1].extend(w.forward[1].iter().chain(&w.forward_bias[1]));
    out[2].extend(
        w.pyramidal_to_interneuron[0]
            .iter()
            .chain(&w.interneuron_bias[0]),
    );
    out[3].extend(w.interneuron_to_apical[0].iter());
    out
}

const NAMES: [&str; 4] = ["W_hidden", "W_output", "W_IP", "W_PI"];

fn diff(a: &CircuitWeights, b: &CircuitWeights) -> [Vec<f32>; 4] {
    let (ga, gb) = (groups(a), groups(b));
    std::array::from_fn(|i| ga[i].iter().zip(&gb[i]).map(|(x, y)| x - y).collect())
}

fn add(sum: &mut [Vec<f64>; 4], d: &[Vec<f32>; 4]) {
    for (s, d) in sum.iter_mut().zip(d) {
        if s.is_empty() {
            s.resize(d.len(), 0.0);
        }
        for (s, &d) in s.iter_mut().zip(d) {
            *s += f64::from(d);
        }
    }
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

fn cosine(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>() / (norm(a) * norm(b)).max(1e-300)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: train|bins CONFIG N M [seed]";
    let command = args.get(1).expect(usage).as_str();
    let json = args.get(2).expect(usage);
    let n: u64 = args.get(3).expect(usage).parse().unwrap();
    let m: u64 = args.get(4).expect(usage).parse().unwrap();
    let seed: u64 = args.get(5).map_or(3, |s| s.parse().unwrap());
    let mut config = config_from(json, seed);
    match command {
        "train" => {
            config.log_every = m;
            let mut circuit = Microcircuit::new(&config).unwrap();
            let mut printed = 0;
            while circuit.patterns() < n {
                let result = circuit.step(m.min(n - circuit.patterns()));
                for row in &circuit.history()[printed..] {
                    println!(
                        "{:>7} test_nse {:.4} apical {:.4} angle {:.1} ip {:.1} pi {:.1}",
                        row.patterns,
                        row.test.nse.unwrap_or(f32::NAN),
                        row.layers[0].apical_energy,
                        row.layers[0].weight_angle_deg.unwrap_or(f32::NAN),
                        row.layers[0].interneuron_angle_deg.unwrap_or(f32::NAN),
                        row.layers[0].apical_angle_deg.unwrap_or(f32::NAN)
                    );
                }
                printed = circuit.history().len();
                if let Err(e) = result {
                    println!("{e}");
                    break;
                }
            }
        }
        "bins" => {
            config.log_every = 1_000_000;
            let mut circuit = Microcircuit::new(&config).unwrap();
            circuit.step(n).unwrap();
            let mut unfiltered = circuit.config().clone();
            unfiltered.plasticity_tau_ms = 0.0;
            circuit.set_parameters(&unfiltered).unwrap();
            let bins = config.pattern_ms.round() as usize;
            let mut by_bin: Vec<[Vec<f64>; 4]> = vec![Default::default(); bins];
            let mut steady_sum: [Vec<f64>; 4] = Default::default();
            let mut full_sum: [Vec<f64>; 4] = Default::default();
            for _ in 0..m {
                let mut steady = circuit.clone();
                steady.set_mode(Mode::SteadyState);
                steady.step(1).unwrap();
                add(&mut steady_sum, &diff(steady.weights(), circuit.weights()));
                let start = circuit.weights().clone();
                for bin in by_bin.iter_mut() {
                    let before = circuit.weights().clone();
                    circuit.run_for(1.0).unwrap();
                    add(bin, &diff(circuit.weights(), &before));
                }
                add(&mut full_sum, &diff(circuit.weights(), &start));
            }
            println!("per pattern, mean over {m}: |full| vs |steady|, cos(full, steady)");
            for ((name, full), steady) in NAMES.iter().zip(&full_sum).zip(&steady_sum) {
                println!(
                    "{name:>9} full {:.3e} steady {:.3e} cos {:.3}",
                    norm(full) / m as f64,
                    norm(steady) / m as f64,
                    cosine(full, steady)
                );
            }
            println!("by 1 ms bin: |mean change| ×{bins} and cos with the steady change");
            for (b, bin) in by_bin.iter().enumerate() {
                if b < 12 || b % 10 == 9 {
                    let cells: Vec<String> = NAMES
                        .iter()
                        .zip(bin)
                        .zip(&steady_sum)
                        .map(|((name, change), steady)| {
                            format!(
                                "{name} {:.2e} {:+.2}",
                                norm(change) * bins as f64 / m as f64,
                                cosine(change, steady)
                            )
                        })
                        .collect();
                    println!("{:>3} ms  {}", b + 1, cells.join("  "));
                }
            }
        }
        _ => panic!("{usage}"),
    }
}
