//! The `sacramento-2018` preset against backprop, feedback alignment and a shallow
//! learner on the same data (docs/science.md §4.4; `make reproduce-microcircuit`).
//!
//! ```text
//! cargo run --release -p bioprop --example microcircuit_paper -- PATTERNS EVERY SEEDS [CONFIG]
//! ```
//!
//! For each seed in SEEDS (comma-separated): the preset's circuit (CONFIG, a JSON
//! object of [`MicrocircuitConfig`] fields, is laid over the preset) for PATTERNS
//! patterns after its pre-training, a row every EVERY; then BP, FA and shallow
//! 30-50-10 networks (softplus hidden units, linear output, one sample per step at
//! each rule's learning rate) for the same number of samples; and a table.

use bioprop::microcircuit::preset;
use bioprop::{Experiment, ExperimentConfig, Microcircuit, MicrocircuitConfig, RuleKind};

fn config_from(json: &str, seed: u64) -> MicrocircuitConfig {
    let mut value = serde_json::to_value(preset::config(seed)).unwrap();
    let overrides: serde_json::Value = serde_json::from_str(json).expect("CONFIG: a JSON object");
    for (key, v) in overrides.as_object().expect("CONFIG: a JSON object") {
        assert!(value.get(key).is_some(), "no config field {key}");
        value[key] = v.clone();
    }
    serde_json::from_value(value).expect("a valid config")
}

/// Test NSE of a 30-50-10 network after `samples` samples of the preset's data.
fn network_nse(rule: RuleKind, lr: f32, seed: u64, samples: u64) -> f32 {
    let config = ExperimentConfig {
        lr,
        log_every: samples,
        ..preset::network_config(rule, seed)
    };
    let mut experiment = Experiment::with_dataset(&config, preset::dataset(seed)).unwrap();
    match experiment.step(samples) {
        Ok(()) => experiment.latest().unwrap().test.nse.unwrap(),
        Err(_) => f32::NAN,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: PATTERNS EVERY SEEDS [CONFIG]";
    let patterns: u64 = args.get(1).expect(usage).parse().unwrap();
    let every: u64 = args.get(2).expect(usage).parse().unwrap();
    let seeds: Vec<u64> = args
        .get(3)
        .expect(usage)
        .split(',')
        .map(|s| s.parse().unwrap())
        .collect();
    let json = args.get(4).map_or("{}", String::as_str);
    let lr: f32 = std::env::var("NETWORK_LR").map_or(preset::NETWORK_LR, |s| s.parse().unwrap());
    let mut table = Vec::new();
    for &seed in &seeds {
        let started = std::time::Instant::now();
        let mut config = config_from(json, seed);
        config.log_every = every;
        let pretrain = config.pretrain_patterns;
        let mut circuit = Microcircuit::with_dataset(&config, preset::dataset(seed)).unwrap();
        let mut printed = 0;
        let total = pretrain + patterns;
        let mut first_learning = None;
        while circuit.patterns() < total {
            let result = circuit.step(every.min(total - circuit.patterns()));
            for row in &circuit.history()[printed..] {
                if row.patterns > pretrain && first_learning.is_none() {
                    first_learning = row.test.nse;
                }
                println!(
                    "seed {seed} {:>7} {} test_nse {:.4} apical {:.5} angle {:.1} ip {:.1} pi {:.1}",
                    row.patterns,
                    if row.patterns <= pretrain { "pre " } else { "trgt" },
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
        let seconds = started.elapsed().as_secs_f64();
        let row = circuit.latest().unwrap().clone();
        let bp = network_nse(RuleKind::Backprop, lr, seed, patterns);
        let fa = network_nse(RuleKind::FeedbackAlignment, lr, seed, patterns);
        let shallow = network_nse(RuleKind::Shallow, lr, seed, patterns);
        println!(
            "seed {seed}: circuit {:?} bp {bp} fa {fa} shallow {shallow} ({seconds:.0} s)",
            row.test.nse
        );
        table.push((seed, row, bp, fa, shallow, seconds));
    }
    println!("| seed | circuit test NSE | BP | FA | shallow | top-down angle | ‖v_A‖² | time |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (seed, row, bp, fa, shallow, seconds) in table {
        println!(
            "| {seed} | {:.4} | {bp:.4} | {fa:.4} | {shallow:.4} | {:.0}° | {:.2e} | {seconds:.0} s |",
            row.test.nse.unwrap_or(f32::NAN),
            row.layers[0].weight_angle_deg.unwrap_or(f32::NAN),
            row.layers[0].apical_energy,
        );
    }
}
