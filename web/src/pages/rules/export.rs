//! Keeping and reproducing a run, pure: the configuration the page exports (core's
//! `RunsConfig`, exactly what `bioprop run --config` reads), the command that
//! reproduces the runs on screen, the metrics CSV (core's columns, as the command line
//! prints them), and reading an imported configuration back into the page's settings.
//!
//! ```text
//! Settings ──runs_config──▶ RunsConfig (+ the digits' name and hash) ──JSON──▶ file
//! file ──worker: read_config (RunsConfig::from_json, validate)──▶ ConfigRead { query,
//!      config } ──page: apply_import: Settings::from_query(query) ──runs_config again──▶
//!      must equal `config`, or the first field that differs is named (a value the page
//!      cannot set, e.g. momentum); the checks are shared with the simulation pages
//!      (`crate::widgets::config_import`)
//! ```
//!
//! The file is read in the worker, which has the code to read a configuration already
//! (the page only writes them: keeping that code out of the page's wasm keeps it small);
//! the page holds it to exactly the rules a link is held to, through its own link
//! reader, so a configuration the page exported comes back unchanged.

use bioprop::session::{DataIdentity, RunsConfig};
use bioprop::task::pack;
use bioprop::TaskKind;
use serde::{Deserialize, Serialize};

use super::runs::Runs;
use super::settings::{Settings, MAX_SPEED};
use super::worker::runs_config;
use crate::widgets::config_import::{check_page, held_to, settings_of};

/// The name the configuration is saved under, and the one the command names.
pub const CONFIG_FILE: &str = "bioprop-config.json";
/// The name of the metrics file.
pub const METRICS_FILE: &str = "bioprop-metrics.csv";
/// The name of the matrices file.
pub const MATRICES_FILE: &str = "bioprop-weights.json";

/// The configuration of the runs `settings` give, naming the loaded `digits` on the
/// digits task.
///
/// # Errors
///
/// Core's message when the settings cannot run (the page never holds such settings).
pub fn exported_config(
    settings: &Settings,
    digits: Option<&DataIdentity>,
) -> Result<RunsConfig, String> {
    let mut config = runs_config(settings).map_err(|e| format!("settings: {e}"))?;
    if settings.task == TaskKind::Digits {
        config.data = digits.cloned();
    }
    Ok(config)
}

/// [`exported_config`] as the JSON file's text (compact: the writer the page already
/// has for the worker's messages, so the page's wasm needs no other).
///
/// # Errors
///
/// As [`exported_config`].
pub fn config_json(settings: &Settings, digits: Option<&DataIdentity>) -> Result<String, String> {
    let config = exported_config(settings, digits)?;
    serde_json::to_string(&config)
        .map(|json| json + "\n")
        .map_err(|e| format!("export: {e}"))
}

/// The command that trains the exported configuration to `steps` steps (the digits
/// given where the page got them: `digits.bin`, or the folder of the IDX files).
pub fn cli_command(settings: &Settings, steps: u64, digits: Option<&DataIdentity>) -> String {
    let mut command = format!("bioprop run --config {CONFIG_FILE} --steps {steps}");
    if settings.task == TaskKind::Digits {
        match digits {
            Some(data) if data.name == pack::FILE_NAME => {
                command.push_str(&format!(" --data {}", pack::FILE_NAME));
            }
            _ => command.push_str(" --data MNIST-FOLDER"),
        }
    }
    command
}

/// Every run's metric history as CSV, in core's columns (`bioprop run`'s), one run
/// after the other.
pub fn metrics_csv(runs: &Runs) -> String {
    // Each run named as the configuration lists it, as `bioprop run --config` does.
    let names: Vec<String> = runs.runs.iter().map(|run| run.run.to_string()).collect();
    bioprop::metrics_csv::runs_csv(
        (names.iter().zip(&runs.runs)).map(|(name, run)| (name.as_str(), run.history.as_slice())),
    )
}

/// The link (query) that gives the configuration's settings, as far as a link can.
fn query_of(config: &RunsConfig) -> String {
    let experiment = &config.experiment;
    let mut keys: Vec<(&str, String)> = vec![("task", experiment.task.kind.name().to_owned())];
    let names: Vec<String> = config.rules.iter().map(|rule| rule.to_string()).collect();
    if names.len() == 1 {
        keys.push(("rule", names[0].clone()));
    } else {
        keys.push(("compare", names.join(",")));
    }
    let layers: Vec<String> = experiment.layers.iter().map(usize::to_string).collect();
    keys.push(("layers", layers.join("-")));
    keys.push(("act", experiment.activation.name().to_owned()));
    keys.push(("lr", experiment.lr.to_string()));
    if !config.learning_rates.is_empty() {
        let rates: Vec<String> = (config.learning_rates.iter())
            .map(|(rule, lr)| format!("{rule}:{lr}"))
            .collect();
        keys.push(("lrs", rates.join(",")));
    }
    keys.push(("batch", experiment.batch.to_string()));
    if experiment.task.kind != TaskKind::Digits {
        keys.push(("noise", experiment.task.noise.to_string()));
    }
    keys.push(("seed", experiment.seed.to_string()));
    keys.push(("speed", config.steps_per_frame.min(MAX_SPEED).to_string()));
    keys.push((
        "noderiv",
        if experiment.no_derivative { "1" } else { "0" }.to_owned(),
    ));
    keys.push(("fbscale", experiment.feedback_scale.to_string()));
    keys.push(("draw", config.feedback_draw.to_string()));
    let pairs: Vec<String> = keys.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("?{}", pairs.join("&"))
}

/// What the worker makes of an imported file: the link that gives its settings, and
/// the configuration itself (compact JSON, `data` left out) to hold the page's to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConfigRead {
    pub query: String,
    pub config: String,
}

/// The worker's half of an import: reads and validates the file's `text`.
///
/// # Errors
///
/// One message naming what is wrong: not JSON, a field that does not belong or has the
/// wrong kind of value, a value out of range (core's check), or the `arrays` task.
pub fn read_config(text: &str) -> Result<ConfigRead, String> {
    check_page(text, "rules")?;
    let config = RunsConfig::from_json(text)?;
    config.validate().map_err(|e| e.to_string())?;
    if config.experiment.task.kind == TaskKind::Arrays {
        return Err(
            "task `arrays`: its data cannot travel in a configuration; this page trains \
             generated tasks and the digits"
                .to_owned(),
        );
    }
    let config = RunsConfig {
        data: None,
        ..config
    };
    Ok(ConfigRead {
        query: query_of(&config),
        config: serde_json::to_string(&config).map_err(|e| e.to_string())?,
    })
}

/// The page's half of an import: the settings `read` gives, keeping how `current`
/// shows them (the views, the feedback view, the loss axis, embedding).
///
/// # Errors
///
/// A value out of the page's range (its link reader's message), or one the page
/// cannot set, which would train something else than the file says.
pub fn apply_import(read: &ConfigRead, current: &Settings) -> Result<Settings, String> {
    let parsed: Settings = settings_of(&read.query)?;
    let settings = Settings {
        feedback_view: current.feedback_view,
        log_loss: current.log_loss,
        embed: current.embed,
        views: current.views.clone(),
        ..parsed
    };
    let again = runs_config(&settings)
        .map(|config| serde_json::to_string(&config).unwrap_or_default())
        .map_err(|e| e.to_string())?;
    held_to(&read.config, &again)?;
    Ok(settings)
}

/// An imported file's `text` read and applied as the worker and the page do, in one.
///
/// # Errors
///
/// As [`read_config`] and [`apply_import`].
pub fn import(text: &str, current: &Settings) -> Result<Settings, String> {
    apply_import(&read_config(text)?, current)
}
