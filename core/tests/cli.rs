//! The `bioprop` command line, run as a separate process.
//!
//! Built when the `cli` feature is on; this package's tests turn it on for
//! themselves (see the self dev-dependency in Cargo.toml), so plain `cargo test` runs
//! this file too.

#[path = "common/cli.rs"]
mod cli;

use cli::{assert_refused, bioprop, csv, stderr, stdout};

const HEADER_START: &str =
    "step,rule,layer,loss,accuracy,update_angle_deg,weight_angle_deg,norm_ratio,sign_concordance";

/// The CSV rows (header removed), split into cells.
fn rows(text: &str) -> Vec<Vec<String>> {
    let (header, rows) = csv(text);
    assert!(header.starts_with(HEADER_START), "{text}");
    rows
}

#[test]
fn run_prints_one_row_per_logged_step_and_hidden_layer() {
    let output = bioprop(&[
        "run",
        "--task",
        "linear-teacher",
        "--rule",
        "fa",
        "--steps",
        "300",
        "--every",
        "100",
        "--seed",
        "4",
        "--lr",
        "0.005",
        "--batch",
        "1",
        "--layers",
        "30-20-10",
        "--act",
        "linear",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let rows = rows(&stdout(&output));
    let steps: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(steps, ["0", "100", "200", "300"]);
    for row in &rows {
        assert_eq!(row[1], "fa");
        assert_eq!(row[2], "1");
        assert_eq!(row[4], "", "regression has no accuracy");
        for cell in [&row[3], &row[5], &row[6], &row[7], &row[8]] {
            cell.parse::<f32>().unwrap();
        }
    }
    // The update angle falls from near 90°.
    let first: f32 = rows[0][5].parse().unwrap();
    let last: f32 = rows[3][5].parse().unwrap();
    assert!(first > 60.0 && last < 60.0, "{first} → {last}");
}

/// `--task autoencoder`: the 8-3-8 encoder under its defaults; backprop and feedback
/// alignment both reconstruct every pattern within 200 steps (docs/science.md §3).
#[test]
fn run_learns_the_autoencoder_under_bp_and_fa() {
    for rule in ["bp", "fa"] {
        let output = bioprop(&[
            "run",
            "--task",
            "autoencoder",
            "--rule",
            rule,
            "--steps",
            "200",
            "--every",
            "200",
        ]);
        assert!(output.status.success(), "{}", stderr(&output));
        let (header, rows) = csv(&stdout(&output));
        let column = |name: &str| {
            header
                .split(',')
                .position(|c| c == name)
                .unwrap_or_else(|| panic!("{name} in {header}"))
        };
        let (step, accuracy) = (column("step"), column("test_accuracy"));
        let last = rows.last().expect("rows");
        assert_eq!(last[step], "200");
        let first: f32 = rows[0][accuracy].parse().unwrap();
        let reached: f32 = last[accuracy].parse().unwrap();
        assert!(first < 0.5, "{rule}: {first} before training");
        assert_eq!(reached, 1.0, "{rule}: every pattern reconstructed");
    }
}

#[test]
fn cells_are_empty_where_a_metric_does_not_apply() {
    let shallow = bioprop(&["run", "--rule", "shallow", "--steps", "10", "--every", "10"]);
    assert!(shallow.status.success());
    for row in rows(&stdout(&shallow)) {
        assert_eq!(row[5], "", "shallow has no hidden update angle");
        assert_ne!(row[6], "", "its unused B still has a weight angle");
    }
    // Two hidden layers: two rows per logged step, with accuracy.
    let xor = bioprop(&[
        "run", "--task", "xor", "--rule", "bp", "--steps", "20", "--every", "10",
    ]);
    assert!(xor.status.success());
    let rows_xor = rows(&stdout(&xor));
    assert_eq!(rows_xor.len(), 6);
    assert_eq!(rows_xor[0][2], "1");
    assert_eq!(rows_xor[1][2], "2");
    assert_ne!(rows_xor[0][4], "");
    // No hidden layer at all: one row per step with an empty layer cell.
    let delta = bioprop(&["run", "--rule", "delta", "--steps", "10", "--every", "5"]);
    assert!(delta.status.success(), "{}", stderr(&delta));
    let rows_delta = rows(&stdout(&delta));
    assert_eq!(rows_delta.len(), 3);
    assert!(rows_delta
        .iter()
        .all(|r| r[2].is_empty() && r[5].is_empty()));
}

#[test]
fn out_writes_the_csv_to_a_file() {
    let path = std::env::temp_dir().join(format!("bioprop-cli-test-{}.csv", std::process::id()));
    let output = bioprop(&[
        "run",
        "--rule",
        "kp",
        "--steps",
        "50",
        "--every",
        "25",
        "--out",
        path.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).is_empty());
    let csv = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(rows(&csv).len(), 3);
}

#[test]
fn bad_arguments_fail_with_a_clear_message() {
    let cases: [(&[&str], &str); 7] = [
        (
            &["run", "--rule", "hebb"],
            "unknown rule `hebb`; expected one of: delta, bp, fa, dfa, usf, frsf, kp, shallow",
        ),
        (
            &["run", "--task", "spiral"],
            "expected one of: linear-teacher",
        ),
        (&["run", "--act", "swish"], "unknown activation `swish`"),
        (&["run", "--layers", "30-x-10"], "e.g. 30-20-10"),
        (
            &["run", "--layers", "31-20-10"],
            "must start with the input size",
        ),
        (
            &["run", "--lr", "NaN"],
            "`lr` must be in (0, 1000], got NaN",
        ),
        (
            &["run", "--batch", "0"],
            "`batch` must be between 1 and 1000",
        ),
    ];
    for (args, message) in cases {
        assert_refused(args, message);
    }
    let unknown = bioprop(&["fly"]);
    assert!(!unknown.status.success());
}

#[test]
fn divergence_exits_with_an_error_after_the_rows_so_far() {
    let output = bioprop(&[
        "run", "--rule", "bp", "--lr", "100", "--steps", "1000", "--every", "1",
    ]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr(&output).contains("diverged at step"),
        "{}",
        stderr(&output)
    );
    assert!(!rows(&stdout(&output)).is_empty());
}

#[test]
fn list_names_every_task_rule_and_activation() {
    let output = bioprop(&["list"]);
    assert!(output.status.success());
    let text = stdout(&output);
    for name in [
        "linear-teacher",
        "spirals",
        "arrays",
        "delta",
        "bp",
        "fa",
        "dfa",
        "usf",
        "frsf",
        "kp",
        "shallow",
        "linear",
        "tanh",
        "sigmoid",
        "relu",
        "softplus",
    ] {
        assert!(
            text.contains(&format!("  {name} ")),
            "list lacks {name}:\n{text}"
        );
    }
}

#[test]
fn run_help_names_every_rule_from_its_facts() {
    let output = bioprop(&["run", "--help"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let names: Vec<&str> = bioprop::RuleKind::ALL
        .iter()
        .map(|rule| rule.facts().name)
        .collect();
    assert!(
        text.contains(&format!("Learning rule: {}", names.join(", "))),
        "--rule's help does not list {names:?}:\n{text}"
    );
    // The same names the hand-written help used to list, in the same order.
    assert_eq!(
        names,
        ["delta", "bp", "fa", "dfa", "usf", "frsf", "kp", "shallow"]
    );
}

#[test]
fn list_gives_each_rule_its_declared_summary() {
    let text = stdout(&bioprop(&["list"]));
    for rule in bioprop::RuleKind::ALL {
        let facts = rule.facts();
        assert!(
            text.contains(&format!("  {:<18} {}", facts.name, facts.summary)),
            "list lacks {}'s summary:\n{text}",
            facts.name
        );
    }
}

/// The CSV of `bioprop run ARGS` on a short xor run, with the rule column removed.
fn xor_rows_without_rule(rule_args: &[&str]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut args = vec!["run", "--task", "xor", "--steps", "200", "--every", "50"];
    args.extend(rule_args);
    let output = bioprop(&args);
    assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    let rows = rows(&stdout(&output));
    let names = rows.iter().map(|r| r[1].clone()).collect();
    let rest = rows
        .into_iter()
        .map(|mut r| {
            r.remove(1);
            r
        })
        .collect();
    (names, rest)
}

#[test]
fn a_composed_rule_runs_bit_for_bit_as_the_rule_it_equals() {
    for (composed, known) in [
        (&["--rule", "custom:b"][..], &["--rule", "fa"][..]),
        (&["--rule", "custom:b.learn"], &["--rule", "kp"]),
        (&["--rule", "custom:d"], &["--rule", "dfa"]),
        (&["--rule", "custom:sign-random"], &["--rule", "frsf"]),
        (
            &["--rule", "custom:wt.no-fprime"],
            &["--rule", "bp", "--no-derivative"],
        ),
        (
            &["--rule", "CUSTOM:sign.no-fprime"],
            &["--rule", "usf", "--no-derivative"],
        ),
    ] {
        let (names, composed_rows) = xor_rows_without_rule(composed);
        let (_, known_rows) = xor_rows_without_rule(known);
        assert_eq!(composed_rows, known_rows, "{composed:?} against {known:?}");
        // The CSV names the composition in its canonical form.
        let canonical: bioprop::rule::Composition = composed[1].parse().unwrap();
        assert!(
            names.iter().all(|n| *n == canonical.to_string()),
            "{names:?}"
        );
    }
    // Without f′ differs from with it on xor (tanh hidden units).
    let (_, with) = xor_rows_without_rule(&["--rule", "custom:wt"]);
    let (_, without) = xor_rows_without_rule(&["--rule", "custom:wt.no-fprime"]);
    assert_ne!(with, without);
    // The closing line names the rule it equals.
    let output = bioprop(&[
        "run",
        "--task",
        "xor",
        "--steps",
        "10",
        "--rule",
        "custom:b.learn",
    ]);
    assert!(
        stderr(&output).contains("custom:b.learn is Kolen–Pollack"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_composition_that_cannot_train_is_refused_with_the_reason() {
    assert_refused(
        &["run", "--rule", "custom:d.learn"],
        "no forward weight mirrors it",
    );
    assert_refused(
        &["run", "--rule", "custom:wt.learn"],
        "nothing of its own to learn",
    );
    assert_refused(&["run", "--rule", "custom:none.no-fprime"], "shallow");
    assert_refused(
        &["run", "--rule", "custom:q"],
        "custom:CARRIER[.learn][.no-fprime]",
    );
    assert_refused(&["run", "--rule", "nope"], "custom:CARRIER");
}

/// A temporary file with `text`, unique to this test process and `name`.
fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("bioprop-cli-{}-{name}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn print_config_then_config_reproduces_the_run() {
    let flags = [
        "--task", "xor", "--rule", "kp", "--seed", "3", "--lr", "0.2",
    ];
    let mut print = vec!["run"];
    print.extend(flags);
    print.push("--print-config");
    let printed = bioprop(&print);
    assert!(printed.status.success(), "{}", stderr(&printed));
    let path = temp_file("printed.json", &stdout(&printed));
    let from_file = bioprop(&[
        "run",
        "--config",
        path.to_str().unwrap(),
        "--steps",
        "150",
        "--every",
        "50",
    ]);
    let mut direct = vec!["run"];
    direct.extend(flags);
    direct.extend(["--steps", "150", "--every", "50"]);
    let direct = bioprop(&direct);
    assert!(from_file.status.success(), "{}", stderr(&from_file));
    assert_eq!(stdout(&from_file), stdout(&direct));
    let _ = std::fs::remove_file(path);
}

#[test]
fn a_saved_comparison_runs_bit_for_bit_as_the_library_runs_it() {
    use bioprop::session::RunsConfig;
    use bioprop::{ExperimentConfig, RuleKind, TaskKind};
    // What the page would save: two rules, the third draw of B, FA at its own rate.
    let mut config = RunsConfig::new(
        vec![RuleKind::Backprop, RuleKind::FeedbackAlignment],
        ExperimentConfig::for_task(TaskKind::Circles),
        10,
    );
    config.feedback_draw = 2;
    config.learning_rates = vec![(RuleKind::FeedbackAlignment.into(), 0.05)];
    let path = temp_file("runs.json", &serde_json::to_string(&config).unwrap());
    let output = bioprop(&[
        "run",
        "--config",
        path.to_str().unwrap(),
        "--steps",
        "120",
        "--every",
        "40",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    // The reference: the same runs built and trained by the library in this process.
    let mut runs = config.experiments().unwrap();
    let closing = stderr(&output);
    for run in &mut runs {
        run.step(120).unwrap();
        let line = format!(
            "{} on circles: step 120, weights hash {:016x}",
            run.rule().name(),
            run.weights_hash()
        );
        assert!(closing.contains(&line), "{line} in {closing}");
    }
    let rows = rows(&stdout(&output));
    assert!(rows.iter().any(|r| r[1] == "bp") && rows.iter().any(|r| r[1] == "fa"));
    let _ = std::fs::remove_file(path);
}

#[test]
fn a_bad_configuration_file_is_refused_naming_it() {
    let not_json = temp_file("bad.json", "{ rules: ");
    assert_refused(&["run", "--config", not_json.to_str().unwrap()], "not JSON");
    let wrong = temp_file(
        "wrong.json",
        r#"{"version": 99, "rules": ["fa"], "experiment": {}, "steps_per_frame": 1}"#,
    );
    assert_refused(&["run", "--config", wrong.to_str().unwrap()], "version");
    let bad_rate = temp_file("rate.json", r#"{"lr": -1}"#);
    assert_refused(&["run", "--config", bad_rate.to_str().unwrap()], "lr");
    assert_refused(
        &["run", "--config", "/nonexistent/run.json"],
        "cannot read /nonexistent/run.json",
    );
    assert_refused(
        &["run", "--config", not_json.to_str().unwrap(), "--lr", "0.1"],
        "--lr",
    );
    for path in [not_json, wrong, bad_rate] {
        let _ = std::fs::remove_file(path);
    }
}

#[test]
fn the_page_s_saved_comparison_of_composed_runs_trains_as_the_library_trains_it() {
    use bioprop::session::RunsConfig;
    // What the rules page sends for backprop beside backprop without f′ and a
    // composed Kolen–Pollack (web/tests/protocol.rs checks the page sends this file
    // and that its worker trains the library's bits).
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/page-comparison.json"
    );
    let config: RunsConfig = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let output = bioprop(&["run", "--config", path, "--steps", "120", "--every", "40"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let mut runs = config.experiments().unwrap();
    let closing = stderr(&output);
    let mut hashes = Vec::new();
    for (name, run) in ["bp", "custom:wt.no-fprime", "kp"].iter().zip(&mut runs) {
        run.step(120).unwrap();
        let line = format!(
            "{name} on circles: step 120, weights hash {:016x}",
            run.weights_hash()
        );
        assert!(closing.contains(&line), "{line} in {closing}");
        hashes.push(run.weights_hash());
    }
    assert_ne!(hashes[0], hashes[1], "without f′ is another run");
    // The CSV names each run as the file does.
    assert!(stdout(&output).contains(",custom:wt.no-fprime,"));
}

/// A small digits file (`digits.bin`'s format): `train` and `test` made-up digits.
fn digits_file(name: &str, train: u32, test: u32, shift: u8) -> std::path::PathBuf {
    use bioprop::task::idx::{encode, IMAGES_MAGIC, LABELS_MAGIC};
    use bioprop::task::{mnist::Digits, pack};
    let set = |n: u32| {
        let pixels: Vec<u8> = (0..n as usize * 784)
            .map(|k| ((k * 7 + usize::from(shift)) % 256) as u8)
            .collect();
        let labels: Vec<u8> = (0..n).map(|i| (i % 10) as u8).collect();
        Digits::from_idx(
            "images",
            encode(IMAGES_MAGIC, &[n, 28, 28], &pixels),
            "labels",
            encode(LABELS_MAGIC, &[n], &labels),
        )
        .unwrap()
    };
    let path = std::env::temp_dir().join(format!("bioprop-cli-{}-{name}", std::process::id()));
    std::fs::write(&path, pack::write_gzip(&set(train), &set(test))).unwrap();
    path
}

#[test]
fn a_saved_run_on_the_digits_names_them_and_refuses_others() {
    use bioprop::session::{DataIdentity, RunsConfig};
    use bioprop::task::pack;
    use bioprop::{Experiment, ExperimentConfig, RuleKind, TaskKind};
    use std::sync::Arc;
    let file = digits_file("digits.bin", 40, 10, 0);
    let (train, test) = pack::read("digits.bin", std::fs::read(&file).unwrap()).unwrap();
    let mut experiment = ExperimentConfig::for_task(TaskKind::Digits);
    experiment.batch = 8;
    let mut config = RunsConfig::new(vec![RuleKind::FeedbackAlignment], experiment, 1);
    config.data = Some(DataIdentity::of_digits("digits.bin", &train, &test));
    let saved = temp_file("digits.json", &serde_json::to_string(&config).unwrap());
    let saved = saved.to_str().unwrap();

    let output = bioprop(&[
        "run",
        "--config",
        saved,
        "--data",
        file.to_str().unwrap(),
        "--steps",
        "6",
        "--every",
        "3",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    // The reference: the library's run on the same digits, all of them, as the page.
    let dataset = bioprop::task::mnist::dataset(&train, &test, 40, 10).unwrap();
    let mut run_config = config.experiment_configs().unwrap().remove(0);
    run_config.task.train_size = 40;
    run_config.task.test_size = 10;
    let mut run =
        Experiment::with_shared_dataset(&run_config, Arc::new(dataset), (1000, 1000)).unwrap();
    run.step(6).unwrap();
    let line = format!(
        "fa on digits: step 6, weights hash {:016x}",
        run.weights_hash()
    );
    assert!(
        stderr(&output).contains(&line),
        "{line} in {}",
        stderr(&output)
    );

    // Other digits (one pixel value shifted): refused, naming both hashes.
    let other = digits_file("other.bin", 40, 10, 1);
    assert_refused(
        &["run", "--config", saved, "--data", other.to_str().unwrap()],
        &format!(
            "but the configuration was trained on digits.bin with hash {}",
            config.data.as_ref().unwrap().hash
        ),
    );
    // No digits given: says which are needed.
    assert_refused(&["run", "--config", saved], "give them with --data");
    // Digits for a generated task: refused.
    let xor = temp_file(
        "xor.json",
        &serde_json::to_string(&RunsConfig::new(
            vec![RuleKind::Backprop],
            ExperimentConfig::for_task(TaskKind::Xor),
            1,
        ))
        .unwrap(),
    );
    assert_refused(
        &[
            "run",
            "--config",
            xor.to_str().unwrap(),
            "--data",
            file.to_str().unwrap(),
        ],
        "is generated from its seed",
    );
    for path in [file, other, xor, saved.into()] {
        let _ = std::fs::remove_file(path);
    }
}

/// The CLI's `--print-config` for `run --task xor --rule kp --kp-decay 0.99`: the rules
/// page's `?task=xor&rule=kp&kpdecay=0.99&speed=1` sends this very config
/// (`web/tests/protocol.rs`).
const KP_DECAY_CONFIG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cli-kp-decay.json");

#[test]
fn kp_decay_is_printed_in_the_config_and_trains_another_run() {
    use bioprop::session::RunsConfig;
    let printed = bioprop(&[
        "run",
        "--task",
        "xor",
        "--rule",
        "kp",
        "--kp-decay",
        "0.99",
        "--print-config",
    ]);
    assert!(printed.status.success(), "{}", stderr(&printed));
    let printed: RunsConfig = serde_json::from_str(&stdout(&printed)).unwrap();
    let saved: RunsConfig =
        serde_json::from_str(&std::fs::read_to_string(KP_DECAY_CONFIG).unwrap()).unwrap();
    assert_eq!(printed, saved);
    assert_eq!(saved.experiment.kp_decay, 0.99);
    // The CLI trains the file as the library does, bit for bit.
    let output = bioprop(&["run", "--config", KP_DECAY_CONFIG, "--steps", "120"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let hash_after_120 = |config: &RunsConfig| {
        let mut run = config.experiments().unwrap().remove(0);
        run.step(120).unwrap();
        run.weights_hash()
    };
    let hash = hash_after_120(&saved);
    let line = format!("kp on xor: step 120, weights hash {hash:016x}");
    assert!(
        stderr(&output).contains(&line),
        "{line} in {}",
        stderr(&output)
    );
    // The default decay is another run.
    let mut default = saved.clone();
    default.experiment.kp_decay = bioprop::experiment::DEFAULT_KP_DECAY;
    assert_ne!(hash_after_120(&default), hash);
}
