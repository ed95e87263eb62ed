//! The dendritic error microcircuit against docs/science.md §4 and §6: on the nonlinear
//! teacher it learns clearly better than a shallow learner on identical data, and a run
//! is determined by its seed (the same hashes natively and in wasm).
//!
//! The fast test uses the steady-state model at the task's full size with a modest
//! number of patterns, so the file stays well under half a minute in debug builds; the
//! longer reproduction is `#[ignore]`d (`cargo test --release -p bioprop --test
//! microcircuit -- --ignored`).

use bioprop::microcircuit::Mode;
use bioprop::{Experiment, ExperimentConfig, Microcircuit, MicrocircuitConfig, RuleKind, TaskKind};

#[path = "common/microcircuit.rs"]
mod cases;
#[path = "common/fixed_runs.rs"]
mod fixed_runs;

/// Test NSE of a batch-1 network trained on `samples` samples of the nonlinear teacher.
fn network_nse(rule: RuleKind, samples: u64) -> f32 {
    let config = ExperimentConfig {
        rule,
        batch: 1,
        log_every: samples,
        ..ExperimentConfig::for_task(TaskKind::NonlinearTeacher)
    };
    let mut experiment = Experiment::new(&config).unwrap();
    experiment.step(samples).unwrap();
    experiment.latest().unwrap().test.nse.unwrap()
}

fn circuit(patterns: u64) -> Microcircuit {
    minibatch_circuit(patterns, 1)
}

/// The steady-state circuit at the default rates, logging every `every` patterns.
fn circuit_logged(patterns: u64, every: u64) -> Microcircuit {
    let config = MicrocircuitConfig {
        mode: Mode::SteadyState,
        log_every: every,
        ..MicrocircuitConfig::for_task(TaskKind::NonlinearTeacher)
    };
    let mut circuit = Microcircuit::new(&config).unwrap();
    circuit.step(patterns).unwrap();
    circuit
}

/// The steady-state circuit with minibatches of `batch` patterns and every learning
/// rate `batch` times the default: the change is averaged over the minibatch, so this
/// keeps the expected change per pattern.
fn minibatch_circuit(patterns: u64, batch: usize) -> Microcircuit {
    let defaults = MicrocircuitConfig::for_task(TaskKind::NonlinearTeacher);
    let scale = batch as f32;
    let config = MicrocircuitConfig {
        mode: Mode::SteadyState,
        batch,
        log_every: patterns,
        lr_forward: scale * defaults.lr_forward,
        lr_output: scale * defaults.lr_output,
        lr_interneuron: scale * defaults.lr_interneuron,
        lr_apical: scale * defaults.lr_apical,
        ..defaults
    };
    let mut circuit = Microcircuit::new(&config).unwrap();
    circuit.step(patterns).unwrap();
    circuit
}

#[test]
fn on_the_nonlinear_teacher_the_circuit_beats_a_shallow_learner() {
    // Same data, same pattern order, same initial forward weights; the shallow learner
    // gets the same number of samples at the task's learning rate. Seed 1: circuit
    // test NSE 0.128 after 10 000 and 0.055 after 20 000, shallow 0.219 (and still
    // falling for the circuit only: 0.0025 against 0.225 after 100 000, see the
    // reproduction below). One apical rate throughout, so no drift: the end is below
    // the midway row.
    let patterns = 20_000;
    let circuit = circuit_logged(patterns, patterns / 2);
    let shallow = network_nse(RuleKind::Shallow, patterns);
    let row = circuit.latest().unwrap();
    let nse = row.test.nse.unwrap();
    assert!(nse < 0.5 * shallow, "circuit {nse}, shallow {shallow}");
    let midway = circuit.history()[1].test.nse.unwrap();
    assert_eq!(circuit.history()[1].patterns, patterns / 2);
    assert!(nse < 0.8 * midway, "midway {midway}, end {nse}");
    // The error it learned from has been brought back down: the apical energy is a
    // fraction of what the untrained circuit's first pattern put there.
    let first = circuit.history()[0].layers[0].apical_energy;
    assert!(row.layers[0].apical_energy < 0.2 * first, "{row:?}");
    // The forward weights came into alignment with the fixed random top-down weights.
    let angle = row.layers[0].weight_angle_deg.unwrap();
    assert!(angle < 70.0, "{angle}°");
}

#[test]
fn minibatches_of_ten_learn_as_much_per_pattern_as_one_at_a_time() {
    // The same 10 000 patterns in the same order, one at a time at the default rates
    // and in minibatches of 10 at ten times the rates (the mean of ten changes, so the
    // same expected change per pattern). Seed 1: test NSE 0.136 one at a time, 0.131
    // in minibatches (seeds 2 and 3: 0.088 and 0.084, 0.130 and 0.128); both from 1.0
    // before learning. At the default rates the minibatches learn ten times fewer
    // steps' worth: 0.19 after 20 000 patterns, where one at a time has 0.22 after
    // 2 000 (docs/science.md §4.3).
    let patterns = 10_000;
    let one = circuit(patterns).latest().unwrap().test.nse.unwrap();
    let batched = minibatch_circuit(patterns, 10);
    assert_eq!(batched.patterns(), patterns);
    let nse = batched.latest().unwrap().test.nse.unwrap();
    assert!(
        (nse / one - 1.0).abs() < 0.15,
        "minibatches {nse}, one at a time {one}"
    );
    let untrained = batched.history()[0].test.nse.unwrap();
    assert!(nse < 0.2 * untrained, "{untrained} → {nse}");
}

#[test]
#[ignore = "about 2 s in release, minutes in debug"]
fn reproduction_on_the_nonlinear_teacher() {
    // Seed 1, 100 000 patterns: circuit test NSE 0.0025, shallow 0.225, FA 0.0002,
    // the top-down angle 51° (the paper reports about 45°).
    let circuit = circuit(100_000);
    let row = circuit.latest().unwrap();
    let nse = row.test.nse.unwrap();
    let shallow = network_nse(RuleKind::Shallow, 100_000);
    println!("circuit {row:?}\nshallow {shallow}");
    assert!(nse < 0.05 * shallow, "circuit {nse}, shallow {shallow}");
    let angle = row.layers[0].weight_angle_deg.unwrap();
    assert!((30.0..70.0).contains(&angle), "{angle}°");
}

#[test]
#[ignore = "about 2 minutes in release: make test-microcircuit-long"]
fn the_full_model_does_not_drift_on_the_nonlinear_teacher() {
    // The full model with the weak target of docs/science.md §4.4 (one set of rates
    // for the whole run; not the default, see there), target on, seed 3. Measured: test NSE
    // 0.194 after 10 000 patterns, 0.167 after 20 000 (and 0.149 after 94 000); the
    // shallow learner on the same data 0.196 after 6000. With the old target
    // conductance (0.8, as strong as the interneurons' nudge) it rose from 0.29 after
    // 1000 patterns to 0.36 after 3000.
    let patterns = 20_000;
    let config = MicrocircuitConfig {
        seed: 3,
        log_every: patterns / 2,
        ..MicrocircuitConfig::weak_target(TaskKind::NonlinearTeacher)
    };
    let mut circuit = Microcircuit::new(&config).unwrap();
    circuit.step(patterns).unwrap();
    let midway = circuit.history()[1].test.nse.unwrap();
    let end = circuit.latest().unwrap().test.nse.unwrap();
    let shallow = {
        let config = ExperimentConfig {
            rule: RuleKind::Shallow,
            batch: 1,
            seed: 3,
            log_every: patterns,
            ..ExperimentConfig::for_task(TaskKind::NonlinearTeacher)
        };
        let mut experiment = Experiment::new(&config).unwrap();
        experiment.step(patterns).unwrap();
        experiment.latest().unwrap().test.nse.unwrap()
    };
    println!("full model: midway {midway}, end {end}; shallow {shallow}");
    assert!(end < midway, "drifts: midway {midway}, end {end}");
    assert!(end < 0.95 * shallow, "full model {end}, shallow {shallow}");
}

#[test]
fn same_seed_same_hash() {
    fixed_runs::assert_repeatable(
        cases::run_cases,
        &cases::EXPECTED,
        "tests/common/microcircuit.rs",
    );
}
