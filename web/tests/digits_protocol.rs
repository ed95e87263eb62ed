//! The worker's digits protocol, driven natively on the real MNIST digits (`make test`
//! fetches them; a test here fails naming `make mnist-data` when they are missing):
//! loading them (the compact file or the four IDX files) or refusing a bad file with
//! the runs untouched, the `digits` task's frames (confusion matrix, misclassified
//! digits, receptive fields, at their cadence) against counts done here, and the
//! answer to a drawn digit against a forward pass done here.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;
use std::sync::Arc;

use bioprop::metrics::argmax;
use bioprop::rule::RuleKind;
use bioprop::session::RunsConfig;
use bioprop::task::mnist::{self, Digits};
use bioprop::task::{pack, TaskKind};
use bioprop::{Experiment, ExperimentConfig};
use bioprop_web::pages::rules::settings::SPEED_MAX;
use bioprop_web::pages::rules::worker::{
    Command, DigitsSource, Frame, IdxFile, Trainer, Update, DIGITS_VIEW_EVERY, MISCLASSIFIED_SHOWN,
    RECEPTIVE_FIELDS_SHOWN,
};

#[path = "support/wire.rs"]
mod wire;
use wire::{only_frame, over_the_wire, ticking_clock};

/// Training images in the tests' digits file: few, to keep the tests quick.
const TRAIN: usize = 2_000;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(mnist::DEFAULT_DIR)
}

fn digits() -> (Digits, Digits) {
    mnist::load_dir(&data_dir()).unwrap_or_else(|error| {
        panic!("the MNIST files are needed: {error}\n(run `make mnist-data` in the repository)")
    })
}

/// A digits file of the first [`TRAIN`] training digits and the whole test set.
fn digits_file() -> Vec<u8> {
    let (train, test) = digits();
    pack::write_gzip(&train.prefix(TRAIN), &test)
}

/// Carries out `command` as the worker receives it; the updates as the page receives them.
fn send(trainer: &mut Trainer, command: Command) -> Vec<Update> {
    trainer
        .handle(over_the_wire(&command))
        .into_iter()
        .map(|update| bincode::deserialize(&bincode::serialize(&update).unwrap()).unwrap())
        .collect()
}

fn rejected(updates: Vec<Update>) -> String {
    match <[Update; 1]>::try_from(updates) {
        Ok([Update::Rejected { message }]) => message,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// What the page sends for `task=digits` with `rules`.
fn digits_config(rules: &[RuleKind]) -> RunsConfig {
    RunsConfig::new(
        rules.to_vec(),
        ExperimentConfig::for_task(TaskKind::Digits),
        1,
    )
}

fn configure(trainer: &mut Trainer, config: &RunsConfig) -> Frame {
    let mut updates = send(trainer, Command::Configure(Box::new(config.clone())));
    assert_eq!(
        updates.len(),
        2,
        "Configured, then a first frame: {updates:?}"
    );
    only_frame(updates.split_off(1))
}

/// A trainer with the tests' digits file loaded.
fn loaded() -> Trainer {
    let mut trainer = Trainer::new();
    let updates = send(
        &mut trainer,
        Command::LoadDigits(DigitsSource::Pack(digits_file())),
    );
    let [Update::DigitsLoaded {
        train,
        test,
        source,
        identity,
    }] = <[Update; 1]>::try_from(updates).unwrap()
    else {
        panic!("loaded")
    };
    assert_eq!(
        (train, test, source.as_str()),
        (TRAIN, mnist::TEST_COUNT, "digits.bin")
    );
    // The digits are named for an exported configuration: file and hash.
    assert_eq!(identity.name, "digits.bin");
    assert_eq!(identity.hash.len(), 16);
    trainer
}

/// The worker's run for `rule` rebuilt here from the same config and data, trained
/// `steps` steps: the reference.
fn reference(rule: RuleKind, steps: u64) -> Experiment {
    let (train, test) = digits();
    let dataset = mnist::dataset(&train, &test, TRAIN, mnist::TEST_COUNT).unwrap();
    let mut config = digits_config(&[rule])
        .experiment_configs()
        .unwrap()
        .remove(0);
    config.task.train_size = TRAIN;
    let mut run = Experiment::with_shared_dataset(&config, Arc::new(dataset), (1, 1)).unwrap();
    run.step(steps).unwrap();
    run
}

#[test]
fn configuring_digits_before_they_are_loaded_is_refused_and_the_runs_stay() {
    let mut trainer = Trainer::new();
    let teacher = RunsConfig::new(
        vec![RuleKind::Backprop],
        ExperimentConfig::for_task(TaskKind::LinearTeacher),
        1,
    );
    configure(&mut trainer, &teacher);
    let message = rejected(send(
        &mut trainer,
        Command::Configure(Box::new(digits_config(&[RuleKind::Backprop]))),
    ));
    assert!(message.contains("digits are not loaded yet"), "{message}");
    let frame = only_frame(send(&mut trainer, Command::Step(3)));
    assert_eq!(frame.runs.len(), 1);
    assert_eq!(frame.runs[0].snapshot.step, 3);
    assert_eq!(frame.runs[0].snapshot.layers, [30, 20, 10]);
    assert!(
        frame.runs[0].digits.is_none(),
        "no digit views off the digits"
    );
}

#[test]
fn the_digit_views_count_what_the_network_answers() {
    let mut trainer = loaded();
    let frame = configure(
        &mut trainer,
        &digits_config(&[RuleKind::Backprop, RuleKind::FeedbackAlignment]),
    );
    assert_eq!(frame.runs.len(), 2);
    assert_eq!(frame.runs[0].snapshot.layers, [784, 100, 10]);
    // The snapshot leaves out the 784 × 100 first layer; the digit views carry a sample.
    assert_eq!(frame.runs[0].snapshot.weights[0], None);
    let frame = only_frame(send(&mut trainer, Command::Step(60)));
    let (_, test) = digits();
    for (run, rule) in frame
        .runs
        .iter()
        .zip([RuleKind::Backprop, RuleKind::FeedbackAlignment])
    {
        assert_eq!(run.snapshot.step, 60);
        let view = run
            .digits
            .as_ref()
            .expect("a command's frame carries the digit views");
        // Reference: the same network trained here, its answers counted here.
        let mut reference = reference(rule, 60);
        let answers = reference.predict(reference.dataset().test_inputs.view());
        let mut confusion = vec![0_u32; 100];
        let mut wrong = Vec::new();
        for (i, &label) in test.labels().iter().enumerate() {
            let predicted = argmax(answers.row(i));
            confusion[usize::from(label) * 10 + predicted] += 1;
            if predicted != usize::from(label) {
                wrong.push((i, predicted as u8, label));
            }
        }
        assert_eq!(view.confusion, confusion, "{rule}");
        assert_eq!(view.evaluated, mnist::TEST_COUNT);
        let correct: u32 = (0..10).map(|c| confusion[c * 11]).sum();
        assert!(
            correct > 2_000,
            "{rule} learns within 60 steps: {correct} right (chance: 1,000)"
        );
        // The first misclassified digits, with MNIST's own pixels.
        assert_eq!(view.misclassified.len(), MISCLASSIFIED_SHOWN);
        for (shown, &(index, predicted, truth)) in view.misclassified.iter().zip(&wrong) {
            assert_eq!(
                (shown.index, shown.predicted, shown.truth),
                (index, predicted, truth)
            );
            assert_eq!(shown.pixels, test.image(index));
        }
        // The receptive fields: the first units' incoming weights, row by row.
        let fields = view.fields.as_ref().unwrap();
        assert_eq!(
            fields.units,
            (0..RECEPTIVE_FIELDS_SHOWN).collect::<Vec<_>>()
        );
        let w = &reference.network().weights()[0];
        assert_eq!(fields.weights.len(), RECEPTIVE_FIELDS_SHOWN * 784);
        assert_eq!(&fields.weights[..784], w.row(0).to_vec().as_slice());
        assert_eq!(&fields.weights[35 * 784..], w.row(35).to_vec().as_slice());
        // The metric rows score the first 1,000 held-out digits (a fixed subset).
        reference.set_evaluation_sizes(1_000, 1_000);
        let row = run.new_metrics.last().unwrap();
        assert_eq!(row.step, 60);
        assert_eq!(row.test, reference.evaluate(true));
    }
}

#[test]
fn while_playing_the_views_and_rows_come_at_their_cadence() {
    let mut trainer = loaded();
    configure(&mut trainer, &digits_config(&[RuleKind::Backprop]));
    send(&mut trainer, Command::SetSpeed(2));
    only_frame(send(&mut trainer, Command::Play));
    let (mut rows, mut views, mut whole_pass_at) = (0, 0, None);
    for tick in 1..=48_u64 {
        let Update::Frame(frame) = trainer.tick() else {
            panic!("a frame")
        };
        let run = &frame.runs[0];
        rows += run.new_metrics.len();
        // No frame carries the 784 × 100 first layer (313,600 bytes of f32): a plain
        // frame is the snapshot (small matrices, the probe) and the rows; a view adds
        // 36 receptive fields (112,896 bytes) and 12 digits.
        let bytes = bincode::serialize(&frame).unwrap().len();
        let limit = if run.digits.is_some() {
            160_000
        } else {
            32_000
        };
        assert!(bytes < limit, "frame {tick}: {bytes} bytes");
        if let Some(view) = &run.digits {
            views += 1;
            assert_eq!(view.evaluated, mnist::TEST_COUNT);
            assert_eq!(view.confusion.iter().sum::<u32>(), 10_000);
            if whole_pass_at.is_none() && tick % DIGITS_VIEW_EVERY != 0 {
                whole_pass_at = Some(tick);
            }
        }
    }
    // Two steps a frame, a row every 4 frames (every 8 steps): 12 rows in 48 frames.
    assert_eq!(rows, 12);
    // A view every 6 frames (8), and one when the sweep of 10,000 digits in slices of
    // 256 completes a pass, at the 40th frame.
    assert_eq!(whole_pass_at, Some(40));
    assert_eq!(views, 9);
}

#[test]
fn at_the_speed_max_a_row_costs_at_most_a_tenth_of_the_training() {
    let mut trainer = loaded();
    configure(&mut trainer, &digits_config(&[RuleKind::Backprop]));
    send(&mut trainer, Command::SetSpeed(SPEED_MAX));
    only_frame(send(&mut trainer, Command::Play));
    // Each reading of the clock 5 ms after the last: a handful of steps a frame,
    // where a row every four frames would evaluate 2,000 digits every 20 steps.
    let clock = ticking_clock();
    let (mut rows, mut step, mut frames) = (Vec::new(), 0, 0);
    while step < 1_100 {
        let Update::Frame(frame) = trainer.tick_with(&clock) else {
            panic!("a frame")
        };
        let trained = frame.runs[0].snapshot.step - step;
        assert!((1..=12).contains(&trained), "{trained} steps in a frame");
        step = frame.runs[0].snapshot.step;
        rows.extend(frame.runs[0].new_metrics.iter().map(|m| m.step));
        frames += 1;
    }
    // A row evaluates 2,000 digits, 32 steps' worth at batch 32: one every 512 steps
    // (10 × 32 as a power of two), not every four frames.
    assert_eq!(rows, [512, 1_024], "after {frames} frames");
}

#[test]
fn a_drawn_digit_gets_every_runs_probabilities_and_error_signals() {
    let mut trainer = loaded();
    configure(
        &mut trainer,
        &digits_config(&[RuleKind::Backprop, RuleKind::FeedbackAlignment]),
    );
    only_frame(send(&mut trainer, Command::Step(40)));
    // The first test digit (a 7) as the page would send a drawing.
    let (_, test) = digits();
    let pixels: Vec<f32> = test
        .image(0)
        .iter()
        .map(|&p| f32::from(p) / 255.0)
        .collect();
    let updates = send(
        &mut trainer,
        Command::Predict {
            pixels: pixels.clone(),
            label: Some(7),
        },
    );
    let [Update::Predictions { runs }] = <[Update; 1]>::try_from(updates).unwrap() else {
        panic!("predictions")
    };
    assert_eq!(runs.len(), 2);
    let x = ndarray::Array2::from_shape_vec((1, 784), pixels.clone()).unwrap();
    for (prediction, rule) in runs
        .iter()
        .zip([RuleKind::Backprop, RuleKind::FeedbackAlignment])
    {
        let reference = reference(rule, 40);
        // Softmax output: the probabilities are the forward pass's output.
        let output = reference.predict(x.view());
        for (p, q) in prediction.probabilities.iter().zip(output.iter()) {
            assert!((p - q).abs() < 1e-6, "{rule}: {p} vs {q}");
        }
        assert!((prediction.probabilities.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        assert_eq!(prediction.activations.len(), 2);
        assert_eq!(prediction.activations[0].len(), 100);
        // Hidden activity by hand: tanh(W₁ x + b₁).
        let net = reference.network();
        let (w1, b1) = (&net.weights()[0], &net.biases()[0]);
        for j in [0, 57, 99] {
            let z: f32 = w1
                .row(j)
                .iter()
                .zip(&pixels)
                .map(|(w, x)| w * x)
                .sum::<f32>()
                + b1[j];
            assert!(
                (prediction.activations[0][j] - z.tanh()).abs() < 1e-4,
                "{rule} unit {j}"
            );
        }
        // Output error δ₂ = p - y; hidden δ₁ = (P δ₂) ∘ (1 - a₁²) with P = W₂ᵀ for
        // backprop, B for FA.
        let deltas = prediction
            .deltas
            .as_ref()
            .expect("a label gives the error signals");
        let y: Vec<f32> = (0..10).map(|c| f32::from(c == 7)).collect();
        for c in 0..10 {
            assert!((deltas[1][c] - (prediction.probabilities[c] - y[c])).abs() < 1e-6);
        }
        let path = match rule {
            RuleKind::Backprop => net.weights()[1].t().to_owned(),
            _ => {
                let b = reference.snapshot().feedback[0].clone().unwrap();
                ndarray::Array2::from_shape_vec((b.rows, b.cols), b.data).unwrap()
            }
        };
        for j in [0, 57, 99] {
            let a = prediction.activations[0][j];
            let sent: f32 = (0..10).map(|c| path[[j, c]] * deltas[1][c]).sum();
            let expected = sent * (1.0 - a * a);
            assert!(
                (deltas[0][j] - expected).abs() < 1e-5,
                "{rule} δ₁[{j}]: {} vs {expected}",
                deltas[0][j]
            );
        }
    }
    assert_ne!(
        runs[0].deltas.as_ref().unwrap()[0],
        runs[1].deltas.as_ref().unwrap()[0],
        "bp and fa send different errors"
    );

    // Without a label, no error signals; a bad drawing is refused.
    let updates = send(
        &mut trainer,
        Command::Predict {
            pixels: pixels.clone(),
            label: None,
        },
    );
    let [Update::Predictions { runs }] = <[Update; 1]>::try_from(updates).unwrap() else {
        panic!("predictions")
    };
    assert!(runs.iter().all(|r| r.deltas.is_none()));
    let message = rejected(send(
        &mut trainer,
        Command::Predict {
            pixels: vec![0.0; 100],
            label: None,
        },
    ));
    assert_eq!(message, "draw a digit: 100 pixels, expected 784 (28×28)");
    let message = rejected(send(
        &mut trainer,
        Command::Predict {
            pixels: pixels.clone(),
            label: Some(10),
        },
    ));
    assert!(message.contains("label 10"), "{message}");
    let mut nan = pixels;
    nan[3] = f32::NAN;
    let message = rejected(send(
        &mut trainer,
        Command::Predict {
            pixels: nan,
            label: None,
        },
    ));
    assert!(message.contains("pixel value NaN"), "{message}");
}

#[test]
fn a_bad_file_is_refused_naming_it_and_the_runs_and_digits_stay() {
    let mut trainer = loaded();
    configure(&mut trainer, &digits_config(&[RuleKind::Backprop]));
    only_frame(send(&mut trainer, Command::Step(5)));

    let good = digits_file();
    let mut truncated = pack::write(&digits().0.prefix(10), &digits().1);
    truncated.truncate(truncated.len() - 100);
    let message = rejected(send(
        &mut trainer,
        Command::LoadDigits(DigitsSource::Pack(truncated)),
    ));
    assert!(
        message.starts_with("digits.bin: ") && message.contains("truncated"),
        "{message}"
    );
    let message = rejected(send(
        &mut trainer,
        Command::LoadDigits(DigitsSource::Pack(b"<!doctype html>".repeat(4))),
    ));
    assert!(message.contains("not a bioprop digits file"), "{message}");
    let files = vec![
        IdxFile {
            name: "train-images-idx3-ubyte".to_owned(),
            bytes: good[..1000].to_vec(),
        },
        IdxFile {
            name: "notes.txt".to_owned(),
            bytes: b"hello, world".to_vec(),
        },
    ];
    let message = rejected(send(
        &mut trainer,
        Command::LoadDigits(DigitsSource::Idx { files }),
    ));
    assert!(
        message.contains("choose the four MNIST files") && message.contains("notes.txt"),
        "{message}"
    );

    // The runs go on where they were, and a reset builds them on the digits loaded before.
    let frame = only_frame(send(&mut trainer, Command::Step(1)));
    assert_eq!(frame.runs[0].snapshot.step, 6);
    let frame = configure(&mut trainer, &digits_config(&[RuleKind::Backprop]));
    assert_eq!(
        frame.runs[0].digits.as_ref().unwrap().evaluated,
        mnist::TEST_COUNT
    );
    assert_eq!(frame.runs[0].snapshot.step, 0);
}

#[test]
fn the_four_idx_files_load_all_sixty_thousand_in_any_order() {
    let read = |file: &str| std::fs::read(data_dir().join(file)).unwrap();
    let gzip = |bytes: &[u8]| {
        use std::io::Write;
        let mut encoder = flate2_gz(bytes.len());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    };
    let files = vec![
        IdxFile {
            name: "t10k-labels-idx1-ubyte".to_owned(),
            bytes: read(mnist::FILES[3]),
        },
        IdxFile {
            name: "train-labels-idx1-ubyte.gz".to_owned(),
            bytes: gzip(&read(mnist::FILES[1])),
        },
        IdxFile {
            name: "t10k-images-idx3-ubyte".to_owned(),
            bytes: read(mnist::FILES[2]),
        },
        IdxFile {
            name: "train-images-idx3-ubyte".to_owned(),
            bytes: read(mnist::FILES[0]),
        },
    ];
    let mut trainer = Trainer::new();
    let updates = send(
        &mut trainer,
        Command::LoadDigits(DigitsSource::Idx { files }),
    );
    let [Update::DigitsLoaded {
        train,
        test,
        source,
        ..
    }] = <[Update; 1]>::try_from(updates).unwrap()
    else {
        panic!("loaded")
    };
    assert_eq!((train, test), (60_000, 10_000));
    assert!(source.contains("train-images-idx3-ubyte"), "{source}");
    let frame = configure(&mut trainer, &digits_config(&[RuleKind::Backprop]));
    assert_eq!(frame.runs[0].snapshot.layers, [784, 100, 10]);
}

/// A gzip encoder (the same crate core reads `.gz` files with).
fn flate2_gz(_: usize) -> flate2::write::GzEncoder<Vec<u8>> {
    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast())
}
