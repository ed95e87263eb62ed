//! `run --config FILE.json`: the runs a saved configuration describes — the page's
//! `RunsConfig` (every compared rule, the feedback draw, per-run learning rates) or a
//! single `ExperimentConfig` — trained exactly as the page trained them. The core is
//! deterministic across native and wasm builds, so the weights after `n` steps are the
//! same bits as in the browser; the closing lines print each run's weights hash to
//! compare. Each run is named as the configuration lists it (`bp`,
//! `custom:wt.no-fprime`), so a rule with and without `f′` stay apart. `--print-config` writes the configuration a set of flags gives, in the
//! same format.

use std::path::Path;
use std::process::ExitCode;

use bioprop::session::RunsConfig;
use bioprop::{Experiment, ExperimentConfig};

use super::{output, write_rows, RunArgs, HEADER};

/// Reads `text` as a `RunsConfig` (it has `rules` and `experiment`) or, failing that,
/// as one `ExperimentConfig`; the error names the file and what was wrong.
fn parse(path: &Path, text: &str) -> Result<RunsConfig, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
    let named = |e: serde_json::Error| format!("{}: {e}", path.display());
    if value.get("experiment").is_some() || value.get("rules").is_some() {
        serde_json::from_value(value).map_err(named)
    } else {
        let experiment: ExperimentConfig = serde_json::from_value(value).map_err(named)?;
        Ok(RunsConfig::new(vec![experiment.rule], experiment, 1))
    }
}

/// Builds the runs of `config`: one experiment per rule, validated, with the
/// configuration's feedback draw.
pub fn build(config: &RunsConfig) -> Result<Vec<Experiment>, String> {
    let configs = config.experiment_configs().map_err(|e| e.to_string())?;
    let mut runs = configs
        .iter()
        .map(Experiment::new)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    config.redraw_feedback(&mut runs);
    Ok(runs)
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
    let runs = config.and_then(|config| build(&config));
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
