//! `bioprop run --rule microcircuit` and `bioprop list`, run as a separate process
//! (built with the `cli` feature, which this package's tests turn on), and the
//! nonlinear teacher under every rule the comparison needs.

#[path = "common/cli.rs"]
mod cli;

use std::process::Output;

use cli::{bioprop, stderr, stdout};

const HEADER: &str = "step,rule,layer,loss,accuracy,update_angle_deg,weight_angle_deg,\
norm_ratio,sign_concordance,test_loss,test_accuracy,nse,test_nse,batch_loss,apical_energy";

/// The rows under the shared header, split into cells.
fn rows(output: &Output) -> Vec<Vec<String>> {
    let text = stdout(output);
    let (header, rows) = cli::csv(&text);
    assert_eq!(header, HEADER, "{text}");
    rows
}

fn number(cell: &str) -> f64 {
    cell.parse()
        .unwrap_or_else(|_| panic!("a number: `{cell}`"))
}

#[test]
fn every_rule_runs_the_nonlinear_teacher_with_the_same_columns() {
    for rule in ["bp", "fa", "shallow", "microcircuit"] {
        let mut args = vec![
            "run",
            "--task",
            "nonlinear-teacher",
            "--rule",
            rule,
            "--steps",
            "20",
            "--every",
            "10",
        ];
        if rule == "microcircuit" {
            args.push("--steady-state");
        }
        let output = bioprop(&args);
        assert!(output.status.success(), "{rule}: {}", stderr(&output));
        let rows = rows(&output);
        let steps: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(
            steps,
            ["0", "10", "20"],
            "{rule}: one hidden layer, three rows"
        );
        for row in &rows {
            assert_eq!(row.len(), 15, "{rule}: {row:?}");
            assert_eq!((row[1].as_str(), row[2].as_str()), (rule, "1"));
            number(&row[12]); // test NSE: a regression task
                              // The forward/top-down angle (or B against Wᵀ) is always there; the
                              // apical energy only for the circuit; the update angle for every
                              // rule whose hidden layers learn, from the first update on.
            assert!((0.0..=180.0).contains(&number(&row[6])));
            if rule == "microcircuit" {
                assert!(number(&row[14]) >= 0.0);
                if row[0] == "0" {
                    assert_eq!(row[5], "", "no update before the first pattern");
                } else {
                    // Top-down weights as FA's B: well below 90°, above 0.
                    let angle = number(&row[5]);
                    assert!((1.0..90.0).contains(&angle), "{row:?}");
                }
            } else {
                assert_eq!(row[14], "", "{rule}");
                // Shallow has no hidden update, so no update angle.
                assert_eq!(row[5].is_empty(), rule == "shallow", "{rule}: {row:?}");
            }
        }
    }
}

#[test]
fn the_full_model_runs_and_reports_simulated_time() {
    let output = bioprop(&[
        "run",
        "--rule",
        "microcircuit",
        "--task",
        "xor",
        "--steps",
        "2",
        "--every",
        "1",
        "--train-size",
        "20",
        "--test-size",
        "10",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let rows = rows(&output);
    // 2-8-8-2: two hidden layers, rows at patterns 0, 1 and 2.
    assert_eq!(rows.len(), 6);
    assert!(
        rows.iter().all(|r| !r[4].is_empty() && r[12].is_empty()),
        "accuracy, no NSE"
    );
    let summary = stderr(&output);
    assert!(
        summary.contains("microcircuit (full) on xor: 2 patterns (200 ms simulated)"),
        "{summary}"
    );
}

#[test]
fn pre_training_from_random_weights_lowers_the_apical_energy() {
    let output = bioprop(&[
        "run",
        "--rule=microcircuit",
        "--task",
        "nonlinear-teacher",
        "--steady-state",
        "--random-init",
        "--pretrain",
        "2000",
        "--steps",
        "2000",
        "--every",
        "1000",
        "--train-size",
        "100",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let energy: Vec<f64> = rows(&output).iter().map(|r| number(&r[14])).collect();
    assert_eq!(energy.len(), 3);
    assert!(energy[2] < 0.2 * energy[0], "{energy:?}");
}

#[test]
fn the_steady_state_runs_in_minibatches() {
    // 25 patterns round up to three minibatches of 10; a row whenever the count
    // passes a multiple of 10.
    let args = |batch: &'static str| {
        bioprop(&[
            "run",
            "--rule",
            "microcircuit",
            "--task",
            "nonlinear-teacher",
            "--steady-state",
            "--batch",
            batch,
            "--steps",
            "25",
            "--every",
            "10",
        ])
    };
    let output = args("10");
    assert!(output.status.success(), "{}", stderr(&output));
    let steps: Vec<String> = rows(&output).into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(steps, ["0", "10", "20", "30"]);
    assert!(
        stderr(&output).contains("30 patterns (3000 ms simulated)"),
        "{}",
        stderr(&output)
    );
    // Another minibatch size learns differently from the same start.
    let one = args("1");
    assert_eq!(rows(&one)[0], rows(&output)[0], "the same untrained row 0");
    assert_ne!(rows(&one)[2], rows(&output)[2]);
}

#[test]
fn bad_microcircuit_arguments_exit_with_2_and_name_the_problem() {
    for (args, message) in [
        (vec!["--layers", "30-10"], "at least one hidden layer"),
        (vec!["--act", "swish"], "swish"),
        (
            vec!["--task", "nonlinear-teacher", "--layers", "20-50-10"],
            "input size",
        ),
        (vec!["--train-size", "0"], "train_size"),
        (vec!["--batch", "10"], "--batch goes with --steady-state"),
        (vec!["--steady-state", "--batch", "0"], "--batch"),
    ] {
        let mut all = vec!["run", "--rule", "microcircuit"];
        all.extend(args);
        let output = bioprop(&all);
        assert_eq!(output.status.code(), Some(2), "{all:?}");
        assert!(stderr(&output).contains(message), "{}", stderr(&output));
    }
}

#[test]
fn list_shows_the_microcircuit() {
    let output = bioprop(&["list"]);
    let text = String::from_utf8(output.stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("microcircuit"))
        .expect("a microcircuit line");
    assert!(line.contains("Sacramento"), "{line}");
}

#[test]
fn the_papers_preset_runs_and_a_wrong_name_is_refused() {
    // The preset brings its own data and pre-training: with the target off for the
    // first 10 000 patterns, the rows here are pre-training rows of the paper's
    // 30-50-10 student, and the apical energy of random interneurons is in every row.
    let output = bioprop(&[
        "run",
        "--preset",
        "sacramento-2018",
        "--rule",
        "microcircuit",
        "--steady-state",
        "--steps",
        "20",
        "--every",
        "10",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let rows = rows(&output);
    assert_eq!(rows.len(), 3, "{rows:?}");
    for row in &rows {
        assert!(number(&row[14]) > 0.1, "apical energy {row:?}");
        number(&row[12]);
    }
    assert!(
        stderr(&output).contains("sacramento-2018"),
        "{}",
        stderr(&output)
    );

    let output = bioprop(&["run", "--preset", "nope", "--rule", "microcircuit"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("unknown preset `nope`"),
        "{}",
        stderr(&output)
    );
    let output = bioprop(&[
        "run",
        "--preset",
        "sacramento-2018",
        "--task",
        "xor",
        "--rule",
        "microcircuit",
    ]);
    assert!(!output.status.success());
}

/// Writes `text` to a file of its own in the temporary folder; returns its path.
fn saved_file(name: &str, text: &str) -> String {
    let path =
        std::env::temp_dir().join(format!("bioprop-mc-cli-{}-{name}.json", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn a_saved_run_is_replayed_with_its_changes_to_the_same_weights() {
    use bioprop::microcircuit::export::SavedRun;
    use bioprop::microcircuit::{Config, Microcircuit, Mode};
    use bioprop::TaskKind;
    // Short patterns keep the full model quick: 20 ms of 0.1 ms steps.
    let config = Config {
        pattern_ms: 20.0,
        ..Config::for_task(TaskKind::NonlinearTeacher)
    };
    // The reference: the changes made by hand, as the page makes them.
    let mut by_hand = Microcircuit::new(&config).unwrap();
    by_hand.set_target(false);
    by_hand.run_for(50.0).unwrap();
    by_hand.set_target(true);
    by_hand.run_for(30.0).unwrap();
    by_hand.set_mode(Mode::SteadyState);
    by_hand.run_for(160.0).unwrap();
    assert_eq!(by_hand.patterns(), 12);
    let hash = format!("{:016x}", by_hand.weights_hash());

    let mut saved = SavedRun::new(config);
    saved.record_target(0.0, false);
    saved.record_target(50.0, true);
    saved.record_mode(80.0, Mode::SteadyState);
    let path = saved_file("replay", &saved.to_json());
    let output = bioprop(&["run", "--config", &path, "--steps", "12", "--every", "4"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let line = format!("microcircuit on nonlinear-teacher: 12 patterns, weights hash {hash}");
    assert!(
        stderr(&output).contains(&line),
        "{line} in:\n{}",
        stderr(&output)
    );
    let patterns: Vec<String> = rows(&output).into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(patterns, ["0", "4", "8", "12"]);

    // Without the changes the circuit learns something else.
    let plain = saved_file("plain", &SavedRun::new(saved.config.clone()).to_json());
    let output = bioprop(&["run", "--config", &plain, "--steps", "12"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!stderr(&output).contains(&hash));
}

#[test]
fn a_bad_saved_run_exits_2_naming_the_field() {
    for (name, text, named) in [
        ("notjson", "{ nope", "not JSON"),
        (
            "unknown",
            r#"{"model": "microcircuit", "config": {}, "extra": 1}"#,
            "unknown field `extra`",
        ),
        (
            "kind",
            r#"{"model": "microcircuit", "config": {"g_b": "strong"}}"#,
            "config.g_b: invalid type",
        ),
        (
            "range",
            r#"{"model": "microcircuit", "config": {"g_b": -1}}"#,
            "config: `g_b`",
        ),
        (
            "order",
            r#"{"model": "microcircuit", "config": {}, "changes": [{"at_ms": 9, "target": true}, {"at_ms": 1, "target": false}]}"#,
            "changes[1].at_ms: 1 comes before",
        ),
    ] {
        let path = saved_file(name, text);
        let output = bioprop(&["run", "--config", &path, "--steps", "1"]);
        let said = stderr(&output);
        assert!(
            output.status.code() == Some(2) && said.contains(named),
            "{name}: {said}"
        );
        assert!(!said.contains("panicked"), "{name}: {said}");
    }
    // A model option beside the file is refused by the parser.
    let path = saved_file("ok", r#"{"model": "microcircuit", "config": {}}"#);
    assert_refused_with(&["run", "--config", &path, "--seed", "3"], "--seed");
}

/// Asserts `args` exit 2 with `message` on standard error.
fn assert_refused_with(args: &[&str], message: &str) {
    let output = bioprop(args);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{args:?}: {}",
        stderr(&output)
    );
    assert!(stderr(&output).contains(message), "{}", stderr(&output));
}
