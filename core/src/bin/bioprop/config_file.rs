//! `run --config FILE.json`: the runs a saved configuration describes — the page's
//! `RunsConfig` (every compared rule, the feedback draw, per-run learning rates) or a
//! single `ExperimentConfig` — trained exactly as the page trained them. The core is
//! deterministic across native and wasm builds, so the weights after `n` steps are the
//! same bits as in the browser; the closing lines print each run's weights hash to
//! compare. Each run is named as the configuration lists it (`bp`,
//! `custom:wt.no-fprime`), so a rule with and without `f′` stay apart. `--print-config` writes the configuration a set of flags gives, in the
//! same format.
//!
//! A configuration of the digits names them (`data`: the file's name and a hash of
//! the digits, `bioprop::session::DataIdentity`); `--data` gives the same digits — the
//! `digits.bin` the page downloaded, or the folder of the four IDX files the user
//! chose — and digits with another hash are refused before anything trains.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use bioprop::session::{DataIdentity, RunsConfig};
use bioprop::task::{mnist, pack};
use bioprop::{Dataset, Experiment, ExperimentConfig, TaskKind};

use super::{output, write_rows, RunArgs, HEADER};

/// Reads `text` as a saved configuration ([`RunsConfig::from_json`]); the error names
/// the file and what was wrong.
fn parse(path: &Path, text: &str) -> Result<RunsConfig, String> {
    RunsConfig::from_json(text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Training and held-out digits each logged row scores on the digits, as the page's
/// rows do (its worker's `EVAL_TRAIN`, `EVAL_TEST`); the weights do not depend on it.
const DIGITS_EVAL: (usize, usize) = (1_000, 1_000);

/// Builds the runs of `config`: one experiment per rule, validated, with the
/// configuration's feedback draw; on the digits, on the digits `data` gives.
pub fn build(config: &RunsConfig, data: Option<&Path>) -> Result<Vec<Experiment>, String> {
    if config.experiment.task.kind != TaskKind::Digits {
        if let Some(data) = data {
            return Err(format!(
                "--data {}: this configuration's task, {}, is generated from its seed; \
                 --data goes with a configuration of the digits",
                data.display(),
                config.experiment.task.kind.name()
            ));
        }
        return config.experiments().map_err(|e| e.to_string());
    }
    let dataset = Arc::new(load_digits(config, data)?);
    let mut runs = (config.experiment_configs().map_err(|e| e.to_string())?)
        .iter_mut()
        .map(|experiment| {
            // As the page: every loaded digit, whatever the sizes say.
            experiment.task.train_size = dataset.train_size();
            experiment.task.test_size = dataset.test_size();
            Experiment::with_shared_dataset(experiment, Arc::clone(&dataset), DIGITS_EVAL)
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    config.redraw_feedback(&mut runs);
    Ok(runs)
}

/// The digits at `data` (a digits file such as `digits.bin`, or a folder of the four
/// MNIST IDX files), checked against the hash the configuration names.
fn load_digits(config: &RunsConfig, data: Option<&Path>) -> Result<Dataset, String> {
    let named = config
        .data
        .as_ref()
        .map(|data| format!(" ({}, hash {})", data.name, data.hash))
        .unwrap_or_default();
    let Some(path) = data else {
        return Err(format!(
            "this configuration trains on the digits{named}: give them with --data \
             (digits.bin, or the folder of the four MNIST IDX files)"
        ));
    };
    let (train, test) = if path.is_dir() {
        mnist::load_dir(path).map_err(|e| e.to_string())?
    } else {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {name}: {e}"))?;
        pack::read(&name, bytes).map_err(|e| e.to_string())?
    };
    let found = DataIdentity::of_digits(path.display().to_string(), &train, &test);
    check_identity(config.data.as_ref(), &found)?;
    mnist::dataset(&train, &test, train.len(), test.len()).map_err(|e| e.to_string())
}

/// Refuses digits whose hash is not the one the configuration names (a configuration
/// that names none, written before it could, takes any).
fn check_identity(expected: Option<&DataIdentity>, found: &DataIdentity) -> Result<(), String> {
    match expected {
        Some(expected) if !expected.hash.eq_ignore_ascii_case(&found.hash) => Err(format!(
            "--data {}: these digits have hash {}, but the configuration was trained on {} \
             with hash {}: give the same digits (the page's digits.bin, or the same IDX files)",
            found.name, found.hash, expected.name, expected.hash
        )),
        _ => Ok(()),
    }
}

pub fn run(path: &Path, args: &RunArgs) -> ExitCode {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("error: cannot read {}: {error}", path.display());
            return ExitCode::from(2);
        }
    };
    let config = parse(path, &text);
    let names: Vec<String> = config
        .iter()
        .flat_map(|c| &c.rules)
        .map(|r| r.to_string())
        .collect();
    let runs = config.and_then(|config| build(&config, args.data.as_deref()));
    let mut runs: Vec<(String, Experiment)> = match runs {
        Ok(runs) => names.into_iter().zip(runs).collect(),
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let steps = |run: &Experiment| match args.epochs {
        Some(epochs) => {
            let train = run.dataset().train_size() as u64;
            epochs * train.div_ceil(run.config().batch as u64)
        }
        None => args.steps,
    };
    output::write_csv(
        args.out.as_deref(),
        &mut runs,
        |out, runs| {
            writeln!(out, "{HEADER}")?;
            for (name, run) in runs.iter_mut() {
                let _ = run.set_log_every(args.every);
                let total = steps(run);
                let mut failure = None;
                while run.steps() < total && failure.is_none() {
                    let chunk = args.every.min(total - run.steps());
                    failure = run.step(chunk).err().map(|e| e.to_string());
                }
                for row in run.history() {
                    write_rows(out, name, row, false)?;
                }
                if let Some(failure) = failure {
                    return Ok(Some(format!("{name}: {failure}")));
                }
            }
            Ok(None)
        },
        |runs| {
            for (name, run) in runs {
                eprintln!(
                    "{} on {}: step {}, weights hash {:016x}",
                    name,
                    run.config().task.kind.name(),
                    run.steps(),
                    run.weights_hash()
                );
            }
        },
    )
}

/// `--print-config`: the configuration `config` as the JSON `--config` reads.
pub fn print(config: &ExperimentConfig) -> ExitCode {
    if let Err(error) = config.validate() {
        eprintln!("error: {error}");
        return ExitCode::from(2);
    }
    let runs = RunsConfig::new(vec![config.rule], config.clone(), 1);
    match serde_json::to_string_pretty(&runs) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
    }
}
