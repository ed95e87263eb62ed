//! What a cerebellum run saves, in one place for the page and the command line: its
//! metrics rows in the CLI's columns, its weights, and its configuration as a file
//! `bioprop run --config` reads.
//!
//! ```text
//! step,time,gain,error_rms,w0,…,w{n-1}      one row per logged step (csv_header, csv_row)
//! { "model": "cerebellum", "config": {…} }  the configuration (config_json, read_config)
//! ```
//!
//! The configuration file names its model, because a [`CerebellumConfig`] reads from
//! any JSON object (every field has a default): `read_config` refuses a file that is
//! not the cerebellum's, or has a field that does not belong, naming it.
//!
//! A run whose live settings changed while it ran (new spectacles, another `β`)
//! lists each change ([`Retune`]: the settings from a step on) under `changes`, and
//! [`read_run`] gives them to replay: the command line then makes each change at its
//! step and prints the rows the page did.

use serde::{Deserialize, Serialize};

use super::{Cerebellum, CerebellumConfig};

/// The `model` a cerebellum configuration file names.
pub const MODEL: &str = "cerebellum";

/// The CSV header for `weights` granular-layer weights: the CLI's columns.
pub fn csv_header(weights: usize) -> String {
    let mut header = String::from("step,time,gain,error_rms");
    for i in 0..weights {
        header.push_str(&format!(",w{i}"));
    }
    header
}

/// One CSV row of `cerebellum` now; an empty cell where the window has no value yet.
pub fn csv_row(cerebellum: &Cerebellum) -> String {
    // Rounded to 1e-9 s so that 0.001 · 300 prints as 0.3.
    let time = (cerebellum.time() * 1e9).round() / 1e9;
    let cell = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let mut row = format!(
        "{},{time},{},{}",
        cerebellum.steps(),
        cell(cerebellum.gain()),
        cell(cerebellum.error_rms())
    );
    for w in cerebellum.weights() {
        row.push_str(&format!(",{w}"));
    }
    row
}

/// A live change: the settings in force from step `at_step` on
/// ([`Cerebellum::retune`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retune {
    pub at_step: u64,
    pub config: CerebellumConfig,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Saved<C, R> {
    model: String,
    config: C,
    #[serde(default)]
    changes: R,
}

/// `config` as the file the page saves and `bioprop run --config` reads.
pub fn config_json(config: &CerebellumConfig) -> String {
    run_json(config, &[])
}

/// A run of `config` with its live `changes`, in step order, as the file the page
/// saves.
pub fn run_json(config: &CerebellumConfig, changes: &[Retune]) -> String {
    let saved = Saved {
        model: MODEL.to_owned(),
        config,
        changes,
    };
    let mut value = serde_json::to_value(&saved).expect("a config is plain data");
    if changes.is_empty() {
        // A run with no changes is its configuration, as files before `changes` were.
        if let Some(object) = value.as_object_mut() {
            object.remove("changes");
        }
    }
    serde_json::to_string_pretty(&value).expect("a config is plain data")
}

/// Reads a file [`run_json`] wrote: the configuration and its live changes, each
/// checked as [`Cerebellum::retune`] checks it, in step order; the error names what was
/// wrong.
pub fn read_run(text: &str) -> Result<(CerebellumConfig, Vec<Retune>), String> {
    let saved: Saved<CerebellumConfig, Vec<Retune>> =
        serde_json::from_str(text).map_err(|e| format!("not a cerebellum configuration: {e}"))?;
    if saved.model != MODEL {
        return Err(format!(
            "model: '{}' (a cerebellum configuration names \"{MODEL}\")",
            saved.model
        ));
    }
    let mut cerebellum = Cerebellum::new(&saved.config).map_err(|e| e.to_string())?;
    let mut previous = 0;
    for (i, change) in saved.changes.iter().enumerate() {
        if change.at_step < previous {
            return Err(format!(
                "changes[{i}].at_step: {} comes before the previous change's {previous}; the \
                 changes go in step order",
                change.at_step
            ));
        }
        previous = change.at_step;
        cerebellum
            .retune(&change.config)
            .map_err(|e| format!("changes[{i}].config: {e}"))?;
    }
    Ok((saved.config, saved.changes))
}

/// Whether `text` is a configuration file of the cerebellum (names `"model":
/// "cerebellum"`), whatever else is wrong with it.
pub fn is_cerebellum_config(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text)
        .is_ok_and(|value| value.get("model").and_then(|m| m.as_str()) == Some(MODEL))
}

/// Reads a configuration file [`config_json`] wrote; the error names what was wrong.
/// The configuration is checked as [`Cerebellum::new`] checks it.
/// Its live changes, if any, are checked and left out ([`read_run`] gives them).
pub fn read_config(text: &str) -> Result<CerebellumConfig, String> {
    read_run(text).map(|(config, _)| config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cerebellum::CerebellumTask;

    #[test]
    fn a_saved_configuration_reads_back_the_same() {
        let mut config = CerebellumConfig::for_task(CerebellumTask::ForwardModel);
        config.seed = 7;
        config.filter.beta *= 0.5;
        let text = config_json(&config);
        assert!(is_cerebellum_config(&text));
        assert_eq!(read_config(&text).unwrap(), config);
    }

    #[test]
    fn other_files_are_refused_naming_the_problem() {
        assert!(!is_cerebellum_config(r#"{"experiment": {}}"#));
        let wrong = read_config(r#"{"model": "microcircuit", "config": {}}"#).unwrap_err();
        assert!(wrong.contains("model: 'microcircuit'"), "{wrong}");
        let extra = read_config(r#"{"model": "cerebellum", "config": {}, "x": 1}"#).unwrap_err();
        assert!(extra.contains("unknown field `x`"), "{extra}");
        let bad = r#"{"model": "cerebellum", "config": {"dt": -1}}"#;
        assert!(
            read_config(bad).unwrap_err().contains("dt"),
            "a range check"
        );
        assert!(read_config("not json").is_err());
    }

    #[test]
    fn a_run_with_changes_reads_back_and_bad_changes_are_named() {
        let config = CerebellumConfig::for_task(CerebellumTask::Vor);
        let mut later = config.clone();
        later.vor.spectacles = 0.5;
        let changes = vec![Retune {
            at_step: 1500,
            config: later.clone(),
        }];
        let text = run_json(&config, &changes);
        assert_eq!(read_run(&text).unwrap(), (config.clone(), changes.clone()));
        assert!(!config_json(&config).contains("changes"));
        let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
        value["changes"][0]["config"]["seed"] = 9.into();
        let not_live = read_run(&value.to_string()).unwrap_err();
        assert!(not_live.starts_with("changes[0].config:"), "{not_live}");
        let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let second = serde_json::json!({"at_step": 10, "config": later});
        value["changes"].as_array_mut().unwrap().push(second);
        let order = read_run(&value.to_string()).unwrap_err();
        assert!(
            order.starts_with("changes[1].at_step: 10 comes before"),
            "{order}"
        );
    }

    #[test]
    fn the_header_and_a_row_have_the_same_columns() {
        let mut cerebellum = Cerebellum::new(&CerebellumConfig::default()).unwrap();
        cerebellum.step(300).unwrap();
        let header = csv_header(cerebellum.weights().len());
        let row = csv_row(&cerebellum);
        assert_eq!(header.split(',').count(), row.split(',').count());
        assert!(row.starts_with("300,0.3,"), "{row}");
    }
}
