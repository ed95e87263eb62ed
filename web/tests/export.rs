//! Keeping and reproducing a run (pages/rules/export.rs): the exported configuration
//! is what `bioprop run --config` reads and trains bit for bit; the command names it;
//! the metrics CSV has the command line's columns; an imported file gives the page's
//! settings back, or is refused with a message naming what is wrong.
#![cfg(not(target_arch = "wasm32"))]

use bioprop::session::{DataIdentity, RunsConfig};
use bioprop::{RuleKind, TaskKind};
use bioprop_web::pages::rules::export::{
    cli_command, config_json, exported_config, import, metrics_csv,
};
use bioprop_web::pages::rules::runs::Runs;
use bioprop_web::pages::rules::settings::Settings;
use bioprop_web::pages::rules::worker::{runs_config, Command, Trainer, Update};
use bioprop_web::shell::UrlSettings;

fn settings(query: &str) -> Settings {
    let (settings, notices) = Settings::from_query(query);
    assert!(notices.is_empty(), "{query}: {notices:?}");
    settings
}

#[test]
fn the_exported_configuration_trains_as_the_worker_trains_it() {
    let page = settings("?task=circles&compare=bp,fa&lrs=fa:0.05&draw=2&seed=9&speed=10");
    let json = config_json(&page, None).unwrap();
    // The file is read as the command line reads it (core's reader).
    let config = RunsConfig::from_json(&json).unwrap();
    assert_eq!(config, runs_config(&page).unwrap());
    assert_eq!(config.feedback_draw, 2);
    assert_eq!(
        config.learning_rates,
        [(RuleKind::FeedbackAlignment.into(), 0.05)]
    );
    // Built and trained as `bioprop run --config` does, the weights hash is the one the
    // worker's frames carry at the same step.
    let mut runs = config.experiments().unwrap();
    let mut trainer = Trainer::new();
    trainer.handle(Command::Configure(Box::new(config.clone())));
    let updates = trainer.handle(Command::Step(25));
    let [Update::Frame(frame)] = updates.as_slice() else {
        panic!("{updates:?}")
    };
    for (run, frame) in runs.iter_mut().zip(&frame.runs) {
        run.step(25).unwrap();
        assert_eq!(Some(run.weights_hash()), frame.weights_hash);
    }
}

#[test]
fn on_the_digits_the_configuration_names_them_and_the_command_gives_them() {
    let digits = DataIdentity {
        name: "digits.bin".into(),
        hash: "00112233445566ff".into(),
    };
    let page = settings("?task=digits&rule=bp");
    let config = exported_config(&page, Some(&digits)).unwrap();
    assert_eq!(config.data.as_ref(), Some(&digits));
    assert_eq!(
        cli_command(&page, 120, Some(&digits)),
        "bioprop run --config bioprop-config.json --steps 120 --data digits.bin"
    );
    let chosen = DataIdentity {
        name: "train-images-idx3-ubyte.gz, …".into(),
        ..digits.clone()
    };
    assert!(cli_command(&page, 5, Some(&chosen)).ends_with("--data MNIST-FOLDER"));
    // Generated data: the task and seed name it; no `data`, no `--data`.
    let xor = settings("?task=xor");
    assert_eq!(exported_config(&xor, Some(&digits)).unwrap().data, None);
    assert_eq!(
        cli_command(&xor, 0, None),
        "bioprop run --config bioprop-config.json --steps 0"
    );
}

#[test]
fn the_metrics_csv_has_the_command_lines_columns() {
    let mut trainer = Trainer::new();
    let mut runs = Runs::default();
    let page = settings("?task=xor&compare=bp,fa&speed=2");
    for update in trainer.handle(Command::Configure(Box::new(runs_config(&page).unwrap()))) {
        runs.apply(update);
    }
    for update in trainer.handle(Command::Step(4)) {
        runs.apply(update);
    }
    let csv = metrics_csv(&runs);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some(bioprop::metrics_csv::HEADER));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    // Rows logged every step (speed 2 logs every step): steps 0..=4 of each rule, a
    // row per hidden layer (xor's network has two).
    let of = |rule: &str, layer: &str| -> Vec<&str> {
        rows.iter()
            .filter(|r| r[1] == rule && r[2] == layer)
            .map(|r| r[0])
            .collect()
    };
    for (rule, layer) in [("bp", "1"), ("bp", "2"), ("fa", "1"), ("fa", "2")] {
        assert_eq!(of(rule, layer), ["0", "1", "2", "3", "4"], "{rule} {layer}");
    }
    assert_eq!(rows.len(), 20);
    assert!(rows.iter().all(|r| r.len() == 15));
    // The cells are the history's numbers: bp's step 4, layer 1, is its ninth row.
    let row = &runs.runs[0].history[4];
    assert_eq!(rows[8][..4], ["4", "bp", "1", &row.train.loss.to_string()]);
    let angle = row.layers[0]
        .update_angle_deg
        .map(|a| a.to_string())
        .unwrap_or_default();
    assert_eq!(rows[8][5], angle);
}

#[test]
fn an_exported_configuration_imports_to_the_same_settings() {
    let current = settings("?views=curves,network&fb=diff");
    for query in [
        "",
        "?task=xor&compare=bp,fa,dfa&layers=2-16-16-2&lr=0.3",
        "?task=spirals&rule=kp&seed=42&batch=8&noderiv=1&fbscale=2.5&draw=3&speed=50",
        "?task=circles&compare=bp,fa&lrs=bp:0.08,fa:0.3",
        "?task=sine&rule=delta",
        "?task=linear-teacher&rule=usf&act=relu&noise=0.05",
        "?task=digits&compare=bp,fa",
    ] {
        let page = settings(query);
        let json = config_json(&page, None).unwrap();
        let imported = import(&json, &current).unwrap_or_else(|e| panic!("{query}: {e}"));
        assert_eq!(runs_config(&imported), runs_config(&page), "{query}");
        assert_eq!(imported.task, page.task);
        // How the page shows things stays as it was.
        assert_eq!(imported.views, current.views, "{query}");
        assert_eq!(imported.feedback_view, current.feedback_view);
    }
    // A single experiment (the other form `--config` reads) is one run of its rule.
    let single = import(
        r#"{"task": {"kind": "linear-teacher"}, "rule": "dfa", "seed": 5}"#,
        &current,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(single.rules(), [RuleKind::DirectFeedbackAlignment]);
    assert_eq!((single.task, single.seed), (TaskKind::LinearTeacher, 5));
}

#[test]
fn a_bad_file_is_refused_naming_what_is_wrong() {
    let current = Settings::default();
    let good: serde_json::Value =
        serde_json::from_str(&config_json(&settings("?task=xor&compare=bp,fa"), None).unwrap())
            .unwrap();
    assert_eq!(good["rules"], serde_json::json!(["bp", "fa"]));
    // The good file with the value at `pointer` set to `value` (a new key if absent).
    let edit = |pointer: &str, value: serde_json::Value| {
        let mut file = good.clone();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let parent = file.pointer_mut(parent).unwrap();
        match parent {
            serde_json::Value::Array(items) => items[key.parse::<usize>().unwrap()] = value,
            serde_json::Value::Object(fields) => {
                fields.insert(key.to_owned(), value);
            }
            _ => unreachable!(),
        }
        serde_json::to_string_pretty(&file).unwrap()
    };
    use serde_json::json;
    let cases = [
        // Not JSON at all.
        ("task=xor&rule=bp".to_owned(), "not JSON"),
        // JSON, not a configuration.
        ("[1, 2, 3]".to_owned(), "expected a JSON object"),
        // A field that does not belong, and values of the wrong kind.
        (edit("/colour", json!(3)), "unknown field `colour`"),
        (edit("/experiment/seed", json!("one")), "invalid type"),
        (
            edit("/rules/0", json!("backprop!")),
            "unknown rule `backprop!`",
        ),
        // Out of range: core's check names the field and the range.
        (edit("/experiment/momentum", json!(1.5)), "momentum"),
        (edit("/version", json!(7)), "`version` 7"),
        (edit("/steps_per_frame", json!(0)), "steps_per_frame"),
        // Valid for the command line, but not something the page can set: a value
        // with no control, and one beyond the page's own range.
        (
            edit("/experiment/momentum", json!(0.5)),
            "`momentum` is 0.5",
        ),
        (edit("/experiment/layers/1", json!(2000)), "layers"),
    ];
    for (text, message) in cases {
        let error = import(&text, &current).unwrap_err();
        assert!(error.contains(message), "{message} in: {error}\n{text}");
    }
    // The good file itself imports.
    assert!(import(&good.to_string(), &current).is_ok());
    // Arrays: the data cannot come with the file.
    let arrays = edit("/experiment/task/kind", json!("arrays"));
    assert!(import(&arrays, &current).unwrap_err().contains("arrays"));
}
