//! `bioprop run --task vor|forward-model --rule lms` and `bioprop list`, run as a
//! separate process (built with the `cli` feature, which this package's tests turn on).

#[path = "common/cli.rs"]
mod cli;

use std::process::Output;

use cli::{assert_refused, bioprop, stderr, stdout};

/// The header and the rows, split into cells.
fn csv(output: &Output) -> (String, Vec<Vec<String>>) {
    cli::csv(&stdout(output))
}

fn number(cell: &str) -> f64 {
    cell.parse()
        .unwrap_or_else(|_| panic!("a number: `{cell}`"))
}

#[test]
fn a_vor_run_prints_the_gain_reaching_m_and_the_weights() {
    let output = bioprop(&[
        "run",
        "--task",
        "vor",
        "--rule",
        "lms",
        "--steps",
        "60000",
        "--every",
        "10000",
        "--spectacles",
        "0.5",
        "--freq",
        "1",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let (header, rows) = csv(&output);
    assert_eq!(header, "step,time,gain,error_rms,w0,w1,w2,w3,w4,w5,w6");
    let steps: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        steps,
        ["0", "10000", "20000", "30000", "40000", "50000", "60000"]
    );
    assert_eq!(rows[1][1], "10");
    // Nothing to measure before the first step.
    assert_eq!((rows[0][2].as_str(), rows[0][3].as_str()), ("", ""));
    for row in &rows {
        assert_eq!(row.len(), 11);
    }
    let last = &rows[6];
    assert!((number(&last[2]) - 0.5).abs() < 0.005, "gain {}", last[2]);
    assert!(number(&last[3]) < number(&rows[1][3]) / 100.0);
    assert!(stderr(&output).contains("vor by lms"));
}

#[test]
fn the_delay_experiment_fails_at_5_hz_and_the_eligibility_trace_repairs_it() {
    let delayed = ["run", "--task=vor", "--freq", "5", "--error-delay", "0.1"];
    let output = bioprop(&delayed);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("eligibility"),
        "{}",
        stderr(&output)
    );
    // The rows up to the divergence are kept.
    let (_, rows) = csv(&output);
    assert!(rows.len() > 2);

    let mut repaired = delayed.to_vec();
    repaired.extend(["--eligibility-delay", "0.1", "--every", "60000"]);
    let output = bioprop(&repaired);
    assert!(output.status.success(), "{}", stderr(&output));
    let (_, rows) = csv(&output);
    assert!((number(&rows.last().unwrap()[2]) - 2.0).abs() < 0.02);
}

#[test]
fn a_forward_model_run_predicts_with_gain_near_one() {
    let output = bioprop(&[
        "run",
        "--task",
        "forward-model",
        "--steps",
        "30000",
        "--every",
        "30000",
        "--basis",
        "alpha",
        "--basis-count",
        "4",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let (header, rows) = csv(&output);
    assert_eq!(header, "step,time,gain,error_rms,w0,w1,w2,w3,w4");
    assert!((number(&rows[1][2]) - 1.0).abs() < 0.05, "{:?}", rows[1]);
}

#[test]
fn bad_parameters_exit_2_naming_the_field_and_option() {
    for (args, expected) in [
        (
            &["--dt", "0"][..],
            "`dt` must be in [0.0001, 0.01] s, got 0 (option --dt)",
        ),
        (
            &["--beta", "-1"],
            "`filter.beta` must be in [0, 1000], got -1",
        ),
        (&["--beta", "NaN"], "`filter.beta` must be"),
        (
            &["--error-delay", "-0.1"],
            "`filter.error_delay` must be in [0, 1] s",
        ),
        (
            &["--eligibility-delay", "3"],
            "(option --eligibility-delay)",
        ),
        (&["--freq", "100"], "`signal.freq_hz` must be"),
        (&["--rule", "fa"], "the cerebellar tasks learn by rule lms"),
        (
            &["--plant-freq", "2"],
            "--plant-freq applies to --task forward-model",
        ),
    ] {
        let mut full = vec!["run", "--task", "vor", "--steps", "10"];
        full.extend(args);
        assert_refused(&full, expected);
    }
    // The rule lms with a network task: the task is refused by name.
    let output = bioprop(&["run", "--rule", "lms", "--task", "xor"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("vor, forward-model"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn list_names_the_cerebellar_tasks_and_rule() {
    let output = bioprop(&["list"]);
    assert!(output.status.success());
    let text = stdout(&output);
    for name in ["  vor ", "  forward-model ", "  lms "] {
        assert!(text.contains(name), "{name} missing from:\n{text}");
    }
}

#[test]
fn network_runs_are_unaffected() {
    let output = bioprop(&[
        "run", "--task", "xor", "--rule", "bp", "--steps", "10", "--every", "10",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("step,rule,layer,"));
}

#[test]
fn a_saved_run_makes_its_live_changes_at_their_steps() {
    use bioprop::cerebellum::export::{run_json, Retune};
    use bioprop::cerebellum::{Cerebellum, CerebellumConfig, CerebellumTask};
    let config = CerebellumConfig::for_task(CerebellumTask::Vor);
    let mut later = config.clone();
    later.vor.spectacles = 0.5;
    let changes = [Retune {
        at_step: 1234,
        config: later.clone(),
    }];
    // The reference: the change made by hand at its step.
    let mut by_hand = Cerebellum::new(&config).unwrap();
    by_hand.step(1234).unwrap();
    by_hand.retune(&later).unwrap();
    by_hand.step(3000 - 1234).unwrap();
    let path = std::env::temp_dir().join(format!("bioprop-cb-cli-{}.json", std::process::id()));
    std::fs::write(&path, run_json(&config, &changes)).unwrap();
    let path = path.display().to_string();
    let output = bioprop(&[
        "run", "--config", &path, "--steps", "3000", "--every", "500",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let line = format!(
        "vor by lms: step 3000, weights hash {:016x}",
        by_hand.weights_hash()
    );
    assert!(
        stderr(&output).contains(&line),
        "{line} in:\n{}",
        stderr(&output)
    );
    // The rows stay on the grid of --every; the change falls between two.
    let (_, rows) = csv(&output);
    let steps: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(steps, ["0", "500", "1000", "1500", "2000", "2500", "3000"]);
    assert_eq!(
        rows.last().unwrap()[4..]
            .iter()
            .map(|w| number(w))
            .collect::<Vec<_>>(),
        by_hand.weights()
    );
}
