//! `bioprop sweep`, run as a separate process: its runs are the runs `bioprop run`
//! gives for the same seeds, and its table is their mean ± sd.

#[path = "common/cli.rs"]
mod cli;

use cli::{assert_refused, bioprop, csv, stderr, stdout};

/// The flags both commands share in these tests: xor, short.
const COMMON: [&str; 8] = [
    "--task", "xor", "--steps", "300", "--every", "100", "--batch", "4",
];

/// A temporary file path unique to this test process.
fn temp(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("bioprop-sweep-{}-{name}", std::process::id()))
}

/// The final (step 300) rows of `bioprop run --seed seed` under `rule`, by layer.
fn run_final_rows(rule: &str, seed: u64) -> Vec<Vec<String>> {
    let seed = seed.to_string();
    let mut args = vec!["run", "--rule", rule, "--seed", &seed];
    args.extend(COMMON);
    let output = bioprop(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    let (header, rows) = csv(&stdout(&output));
    assert!(header.contains("test_accuracy"), "{header}");
    rows.into_iter().filter(|r| r[0] == "300").collect()
}

fn parse(cell: &str) -> f64 {
    cell.parse()
        .unwrap_or_else(|_| panic!("`{cell}` is a number"))
}

#[test]
fn a_sweep_over_three_seeds_matches_three_separate_runs() {
    let (runs_csv, table_csv) = (temp("runs.csv"), temp("table.csv"));
    let mut args = vec!["sweep", "--rules", "bp,fa", "--runs", "3", "--seed", "5"];
    args.extend(COMMON);
    let (runs_path, table_path) = (runs_csv.to_str().unwrap(), table_csv.to_str().unwrap());
    args.extend(["--out", runs_path, "--table", table_path, "--jobs", "2"]);
    let output = bioprop(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    let (header, runs) = csv(&std::fs::read_to_string(&runs_csv).unwrap());
    assert!(header.starts_with("rule,setting,value,seed,steps,train_error,test_error,layer"));
    // Two rules × three seeds × two hidden layers.
    assert_eq!(runs.len(), 12);

    let mut test_errors = Vec::new();
    for rule in ["bp", "fa"] {
        for seed in 5..8u64 {
            let reference = run_final_rows(rule, seed);
            let mine: Vec<&Vec<String>> = runs
                .iter()
                .filter(|r| r[0] == rule && r[3] == seed.to_string())
                .collect();
            assert_eq!(mine.len(), 2, "{rule} seed {seed}");
            for (sweep_row, run_row) in mine.iter().zip(&reference) {
                // run: step,rule,layer,loss,accuracy,update_angle,weight_angle,...,
                // test_loss(9),test_accuracy(10)
                let accuracy = parse(&run_row[4]);
                let test_accuracy = parse(&run_row[10]);
                assert_eq!(sweep_row[7], run_row[2], "layer");
                assert!((parse(&sweep_row[5]) - 100.0 * (1.0 - accuracy)).abs() < 1e-3);
                assert!((parse(&sweep_row[6]) - 100.0 * (1.0 - test_accuracy)).abs() < 1e-3);
                assert_eq!(sweep_row[8], run_row[6], "weight angle, bit for bit");
                assert_eq!(sweep_row[9], run_row[5], "update angle, bit for bit");
            }
            if rule == "fa" {
                test_errors.push(parse(&mine[0][6]));
            }
        }
    }

    // The table's fa line is the mean and sample sd of those three test errors.
    let mean = test_errors.iter().sum::<f64>() / 3.0;
    let sd = (test_errors.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / 2.0).sqrt();
    let (header, table) = csv(&std::fs::read_to_string(&table_csv).unwrap());
    let column = |name: &str| header.split(',').position(|c| c == name).unwrap();
    let fa = table
        .iter()
        .find(|r| r[0] == "fa" && r[column("layer")] == "1")
        .unwrap();
    assert_eq!(fa[column("runs")], "3");
    assert!(
        (parse(&fa[column("test_error_mean")]) - mean).abs() < 1e-3,
        "{fa:?}"
    );
    assert!(
        (parse(&fa[column("test_error_sd")]) - sd).abs() < 1e-3,
        "{fa:?}"
    );
    // The printed table has a line per rule.
    let printed = stdout(&output);
    assert!(printed.lines().any(|l| l.starts_with("bp ")), "{printed}");
    assert!(printed.lines().any(|l| l.starts_with("fa ")), "{printed}");
    let _ = std::fs::remove_file(runs_csv);
    let _ = std::fs::remove_file(table_csv);
}

#[test]
fn a_varied_setting_changes_each_group_like_the_same_flag_of_run() {
    let table_csv = temp("vary.csv");
    let mut args = vec![
        "sweep",
        "--rule",
        "fa",
        "--runs",
        "2",
        "--vary",
        "feedback-scale=0.5,3",
    ];
    args.extend(COMMON);
    args.extend(["--out", table_csv.to_str().unwrap()]);
    let output = bioprop(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    let (_, runs) = csv(&std::fs::read_to_string(&table_csv).unwrap());
    let row = runs
        .iter()
        .find(|r| r[2] == "3" && r[3] == "2" && r[7] == "1")
        .expect("scale 3, seed 2, layer 1");
    assert_eq!(row[1], "feedback-scale");
    let mut reference = vec![
        "run",
        "--rule",
        "fa",
        "--seed",
        "2",
        "--feedback-scale",
        "3",
    ];
    reference.extend(COMMON);
    let reference = bioprop(&reference);
    let (_, rows) = csv(&stdout(&reference));
    let last = rows.iter().find(|r| r[0] == "300" && r[2] == "1").unwrap();
    assert_eq!(row[8], last[6], "weight angle of the same run");
    let printed = stdout(&output);
    assert!(printed.contains("feedback-scale"), "{printed}");
    let _ = std::fs::remove_file(table_csv);
}

#[test]
fn bad_sweeps_are_refused_with_a_message() {
    assert_refused(&["sweep", "--vary", "height=2"], "unknown setting `height`");
    assert_refused(&["sweep", "--vary", "width=2.5"], "a whole number");
    assert_refused(&["sweep", "--rules", "bp,nope"], "nope");
    assert_refused(&["sweep", "--runs", "0"], "runs");
    // A value the configuration refuses names the rule and the value.
    assert_refused(&["sweep", "--task", "xor", "--vary", "lr=0.1,-1"], "lr=-1");
}
