//! The worker's digits path compiled to wasm and run in headless Chromium (`make
//! test`): a gzipped digits file decompressed and read in wasm, runs built on it, the
//! confusion matrix counted against the runs' own answers, a drawn digit answered.
//! (`web/tests/digits_protocol.rs` tests the same natively on the real digits.)
#![cfg(target_arch = "wasm32")]

use std::sync::Arc;

use bioprop::metrics::argmax;
use bioprop::rule::RuleKind;
use bioprop::session::RunsConfig;
use bioprop::task::idx::{encode, IMAGES_MAGIC, LABELS_MAGIC};
use bioprop::task::mnist::{self, Digits};
use bioprop::task::{pack, TaskKind};
use bioprop::{Experiment, ExperimentConfig};
use bioprop_web::pages::rules::worker::{Command, DigitsSource, Trainer, Update};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// `n` made-up digits: image `i` has pixel `j` = `(13 i + 7 j) % 256`, label `i % 10`.
fn made_up(n: usize, offset: usize) -> Digits {
    let pixels: Vec<u8> = (0..n * 784)
        .map(|k| ((13 * (k / 784 + offset) + 7 * (k % 784)) % 256) as u8)
        .collect();
    let labels: Vec<u8> = (0..n).map(|i| ((i + offset) % 10) as u8).collect();
    Digits::from_idx(
        "images",
        encode(IMAGES_MAGIC, &[n as u32, 28, 28], &pixels),
        "labels",
        encode(LABELS_MAGIC, &[n as u32], &labels),
    )
    .unwrap()
}

#[wasm_bindgen_test]
fn a_gzipped_digits_file_loads_trains_and_answers_in_wasm() {
    let (train, test) = (made_up(64, 0), made_up(40, 1000));
    let mut trainer = Trainer::new();
    let updates = trainer.handle(Command::LoadDigits(DigitsSource::Pack(pack::write_gzip(
        &train, &test,
    ))));
    assert!(
        matches!(
            updates.as_slice(),
            [Update::DigitsLoaded { train: 64, test: 40, source, .. }] if source == "digits.bin"
        ),
        "{updates:?}"
    );
    let config = RunsConfig::new(
        vec![RuleKind::Backprop],
        ExperimentConfig::for_task(TaskKind::Digits),
        1,
    );
    assert_eq!(
        trainer
            .handle(Command::Configure(Box::new(config.clone())))
            .len(),
        2
    );
    let updates = trainer.handle(Command::Step(4));
    let [Update::Frame(frame)] = <[Update; 1]>::try_from(updates).unwrap() else {
        panic!("a frame")
    };
    let view = frame.runs[0].digits.as_ref().unwrap();

    // Reference: the same run rebuilt here, its answers counted here.
    let mut experiment = config.experiment_configs().unwrap().remove(0);
    experiment.task.train_size = 64;
    experiment.task.test_size = 40;
    let dataset = mnist::dataset(&train, &test, 64, 40).unwrap();
    let mut reference =
        Experiment::with_shared_dataset(&experiment, Arc::new(dataset), (1, 1)).unwrap();
    reference.step(4).unwrap();
    let answers = reference.predict(reference.dataset().test_inputs.view());
    let mut confusion = vec![0_u32; 100];
    for (i, &label) in test.labels().iter().enumerate() {
        confusion[usize::from(label) * 10 + argmax(answers.row(i))] += 1;
    }
    assert_eq!(view.confusion, confusion);
    assert_eq!(view.evaluated, 40);

    let pixels: Vec<f32> = test
        .image(0)
        .iter()
        .map(|&p| f32::from(p) / 255.0)
        .collect();
    let updates = trainer.handle(Command::Predict {
        pixels,
        label: Some(1),
    });
    let [Update::Predictions { runs }] = <[Update; 1]>::try_from(updates).unwrap() else {
        panic!("predictions")
    };
    for (p, q) in runs[0].probabilities.iter().zip(answers.row(0)) {
        assert!((p - q).abs() < 1e-6, "{p} vs {q}");
    }
    assert_eq!(runs[0].deltas.as_ref().unwrap()[1].len(), 10);

    // A damaged file is refused in wasm too, and the runs stay.
    let mut damaged = pack::write_gzip(&train, &test);
    damaged.truncate(damaged.len() / 2);
    let updates = trainer.handle(Command::LoadDigits(DigitsSource::Pack(damaged)));
    let [Update::Rejected { message }] = <[Update; 1]>::try_from(updates).unwrap() else {
        panic!("refused")
    };
    assert!(message.starts_with("digits.bin: "), "{message}");
    let updates = trainer.handle(Command::Step(1));
    let [Update::Frame(frame)] = <[Update; 1]>::try_from(updates).unwrap() else {
        panic!("a frame")
    };
    assert_eq!(frame.runs[0].snapshot.step, 5);
}
