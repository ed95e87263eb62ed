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

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Saved<C> {
    model: String,
    config: C,
}

/// `config` as the file the page saves and `bioprop run --config` reads.
pub fn config_json(config: &CerebellumConfig) -> String {
    let saved = Saved {
        model: MODEL.to_owned(),
        config,
    };
    serde_json::to_string_pretty(&saved).expect("a config is plain data")
}

/// Whether `text` is a configuration file of the cerebellum (names `"model":
/// "cerebellum"`), whatever else is wrong with it.
pub fn is_cerebellum_config(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text)
        .is_ok_and(|value| value.get("model").and_then(|m| m.as_str()) == Some(MODEL))
}

/// Reads a configuration file [`config_json`] wrote; the error names what was wrong.
/// The configuration is checked as [`Cerebellum::new`] checks it.
pub fn read_config(text: &str) -> Result<CerebellumConfig, String> {
    let saved: Saved<CerebellumConfig> =
        serde_json::from_str(text).map_err(|e| format!("not a cerebellum configuration: {e}"))?;
    if saved.model != MODEL {
        return Err(format!(
            "model: '{}' (a cerebellum configuration names \"{MODEL}\")",
            saved.model
        ));
    }
    Cerebellum::new(&saved.config).map_err(|e| e.to_string())?;
    Ok(saved.config)
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
    fn the_header_and_a_row_have_the_same_columns() {
        let mut cerebellum = Cerebellum::new(&CerebellumConfig::default()).unwrap();
        cerebellum.step(300).unwrap();
        let header = csv_header(cerebellum.weights().len());
        let row = csv_row(&cerebellum);
        assert_eq!(header.split(',').count(), row.split(',').count());
        assert!(row.starts_with("300,0.3,"), "{row}");
    }
}
