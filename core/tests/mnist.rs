//! The real MNIST files, as fetched by `make mnist-data` (`make test` fetches them
//! first): their sizes and class counts against the published ones, a subset training
//! run with a reference accuracy, and the command line on the digits.
//!
//! Every test here that needs the files fails, naming the make target, when they are
//! missing: a data test that passed without data would prove nothing.

#[path = "common/cli.rs"]
mod cli;

use std::path::PathBuf;

use bioprop::task::mnist::{self, Digits};
use bioprop::task::pack;
use bioprop::{Activation, Experiment, ExperimentConfig, InitSpec, OutputLayer, RuleKind};
use bioprop::{TaskConfig, TaskKind};
use cli::{bioprop, csv, stderr, stdout};

/// Where `make mnist-data` puts the files.
fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(mnist::DEFAULT_DIR)
}

/// The training and test digits, or a failure that says how to fetch them.
fn digits() -> (Digits, Digits) {
    mnist::load_dir(&data_dir()).unwrap_or_else(|error| {
        panic!("the MNIST files are needed: {error}\n(run `make mnist-data` in the repository)")
    })
}

#[test]
fn the_fetched_files_are_the_standard_sets() {
    let (train, test) = digits();
    assert_eq!(train.len(), mnist::TRAIN_COUNT);
    assert_eq!(test.len(), mnist::TEST_COUNT);
    // The class counts published with the data set (LeCun, Cortes & Burges).
    assert_eq!(
        train.class_counts(),
        [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    );
    assert_eq!(
        test.class_counts(),
        [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    );
    // The first training digit is a 5, the first test digit a 7; their ink sits in
    // the middle 20×20 of the 28×28 frame, so the border rows are blank.
    assert_eq!(train.labels()[..5], [5, 0, 4, 1, 9]);
    assert_eq!(test.labels()[..3], [7, 2, 1]);
    for image in [train.image(0), test.image(0)] {
        assert!(image[..28].iter().all(|&p| p == 0));
        assert!(image.iter().filter(|&&p| p > 128).count() > 50);
    }
}

/// The subset run: the first 5,000 training and 1,000 test digits, a 784-50-10 network
/// of logistic hidden units and a softmax output, 2,000 steps of 20 (8 epochs).
fn subset_run(rule: RuleKind) -> f32 {
    let (train, test) = digits();
    let dataset = mnist::dataset(&train, &test, 5000, 1000).unwrap();
    let config = ExperimentConfig {
        task: TaskConfig::recommended(TaskKind::Arrays),
        rule,
        layers: vec![784, 50, 10],
        activation: Activation::Sigmoid,
        output_layer: Some(OutputLayer::Softmax),
        lr: 0.2,
        momentum: 0.9,
        batch: 20,
        weight_init: Some(InitSpec::Xavier),
        feedback_init: Some(InitSpec::Xavier),
        log_every: 1000,
        seed: 1,
        ..ExperimentConfig::default()
    };
    let mut run = Experiment::with_dataset(&config, dataset).unwrap();
    run.step(2000).unwrap();
    run.evaluate(true).accuracy.unwrap()
}

#[test]
fn backprop_learns_a_subset_of_the_digits_and_shallow_learning_does_not() {
    // Reference (seed 1, measured when this test was written, also with the CLI):
    // backprop 92.2 % on the 1,000 held-out digits, shallow learning (a fixed random
    // hidden layer) 67.9 %. Chance is 10 %.
    // The two runs side by side, one per core.
    let (backprop, shallow) = std::thread::scope(|scope| {
        let shallow = scope.spawn(|| subset_run(RuleKind::Shallow));
        (subset_run(RuleKind::Backprop), shallow.join().unwrap())
    });
    assert!(backprop > 0.90, "backprop: {backprop}");
    assert!(shallow < 0.85, "shallow: {shallow}");
    assert!(
        shallow > 0.3,
        "shallow still learns its output layer: {shallow}"
    );
}

#[test]
fn the_command_line_trains_on_the_digits_and_adds_the_test_error() {
    assert!(
        data_dir().join(mnist::FILES[0]).is_file(),
        "the MNIST files are needed: run `make mnist-data` in the repository"
    );
    let output = bioprop(&[
        "run",
        "--task",
        "mnist",
        "--rule",
        "fa",
        "--train-size",
        "400",
        "--test-size",
        "200",
        "--epochs",
        "2",
        "--every",
        "20",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let (header, rows) = csv(&stdout(&output));
    assert!(
        header.ends_with(",apical_energy,test_error_pct"),
        "{header}"
    );
    // 2 epochs of 400 at the default batch of 20: 40 steps, a row every 20.
    let steps: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(steps, ["0", "20", "40"]);
    for row in &rows {
        assert_eq!(row.len(), 16);
        let accuracy: f32 = row[10].parse().unwrap();
        let error: f32 = row[15].parse().unwrap();
        assert!((error - 100.0 * (1.0 - accuracy)).abs() < 1e-3, "{row:?}");
        assert!(row[5].parse::<f32>().is_ok(), "FA has an update angle");
    }
    let summary = stderr(&output);
    assert!(
        summary.contains("fa on mnist: step 40") && summary.contains("after 2.00 epochs of 400"),
        "{summary}"
    );
}

#[test]
fn a_folder_without_the_digits_is_refused_naming_the_make_target() {
    let empty = std::env::temp_dir().join(format!("bioprop-no-mnist-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let output = bioprop(&["run", "--task", "mnist", "--data", empty.to_str().unwrap()]);
    std::fs::remove_dir_all(&empty).unwrap();
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("no train-images-idx3-ubyte") && message.contains("make mnist-data"),
        "{message}"
    );
    assert!(stdout(&output).is_empty());

    // The other mistakes are caught before any file is read.
    for (args, expected) in [
        (
            &["run", "--task", "xor", "--data", "."][..],
            "--data reads the digits' files",
        ),
        (
            &["run", "--task", "mnist", "--noise", "0.1"][..],
            "--noise does not apply",
        ),
        (
            &["run", "--task", "mnist", "--layers", "784-10-9"][..],
            "output",
        ),
        (
            &["run", "--task", "sine", "--output", "logistic"][..],
            "`output_layer` logistic needs one-hot class targets",
        ),
        (&["run", "--task", "mnst"][..], "mnist"),
    ] {
        cli::assert_refused(args, expected);
    }
}

#[test]
fn the_digits_file_holds_the_real_sets_and_reads_back() {
    let (train, test) = digits();
    let train = train.prefix(pack::PACKED_TRAIN);
    let bytes = pack::write_gzip(&train, &test);
    // Measured when this test was written: 3,554,172 bytes gzipped, 17,270,024 raw
    // (24 + 22,000 × 785). A large change means the packing changed.
    assert_eq!(pack::write(&train, &test).len(), 24 + 22_000 * 785);
    assert!(
        (3_000_000..4_500_000).contains(&bytes.len()),
        "{} bytes",
        bytes.len()
    );
    let (train_back, test_back) = pack::read("digits.bin", bytes).unwrap();
    assert_eq!(train_back, train);
    assert_eq!(test_back, test);
    assert_eq!(train_back.labels()[..5], [5, 0, 4, 1, 9]);
}

/// The browser's digits task as the worker builds it: its defaults
/// (`TaskKind::Digits`), the compact file's 12,000 training images and the whole test
/// set, `steps` steps of `rule`; the accuracy on the 10,000 held-out digits.
fn browser_run(rule: RuleKind, steps: u64) -> f32 {
    let (train, test) = digits();
    let dataset = mnist::dataset(&train, &test, pack::PACKED_TRAIN, mnist::TEST_COUNT).unwrap();
    let mut config = ExperimentConfig::for_task(TaskKind::Digits);
    config.rule = rule;
    config.log_every = 1_000_000;
    let mut run = Experiment::with_dataset(&config, dataset).unwrap();
    run.step(steps).unwrap();
    run.evaluate(true).accuracy.unwrap()
}

#[test]
fn the_browser_defaults_pass_85_percent_within_a_few_hundred_steps() {
    // The defaults: 784-100-10, tanh, softmax, η = 0.1, batch 32 (docs/science.md §3).
    let defaults = TaskKind::Digits.defaults();
    assert_eq!(defaults.layers, [784, 100, 10]);
    assert_eq!((defaults.learning_rate, defaults.batch), (0.1, 32));
    // Reference (seeds 1 and 2, measured with `bioprop run --task digits`): backprop
    // 87.5 and 87.7 % after 300 steps (9,600 images); FA 87.8 and 88.3 % after 200.
    // From the small initial forward weights FA's fixed feedback moves the hidden
    // layer at once, while backprop's error reaches it only through the growing W₂.
    let (backprop, fa) = std::thread::scope(|scope| {
        let fa = scope.spawn(|| browser_run(RuleKind::FeedbackAlignment, 200));
        (browser_run(RuleKind::Backprop, 300), fa.join().unwrap())
    });
    assert!(backprop > 0.85, "backprop after 300 steps: {backprop}");
    assert!(fa > 0.85, "fa after 200 steps: {fa}");
}

#[test]
fn the_command_line_packs_the_digits_file() {
    let out = std::env::temp_dir().join(format!("bioprop-digits-{}.bin", std::process::id()));
    let output = bioprop(&[
        "pack-digits",
        "--train",
        "300",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("300 training and 10000 test digits"),
        "{}",
        stderr(&output)
    );
    let (train, test) = pack::read("digits.bin", std::fs::read(&out).unwrap()).unwrap();
    std::fs::remove_file(&out).unwrap();
    let (all_train, all_test) = digits();
    assert_eq!(train, all_train.prefix(300));
    assert_eq!(test, all_test);
    cli::assert_refused(
        &["pack-digits", "--train", "0", "--out", "x"],
        "--train must be between 1 and 60000",
    );
}
