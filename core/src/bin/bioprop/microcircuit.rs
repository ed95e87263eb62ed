//! `bioprop run --rule microcircuit`: a dendritic error microcircuit (Sacramento et al.
//! 2018) on the same tasks, data and CSV columns as the networks.
//!
//! ```text
//! bioprop run --task nonlinear-teacher --rule microcircuit --steady-state --steps 100000 --every 10000
//! bioprop run --task nonlinear-teacher --rule microcircuit --steady-state --batch 10 --steps 100000
//! bioprop run --rule microcircuit --preset sacramento-2018 --steps 30000 --every 1000
//! bioprop run --rule microcircuit --preset sacramento-2018-mnist --epochs 1
//! ```
//!
//! `--preset sacramento-2018` runs the paper's regression task under the paper's
//! conditions ([`bioprop::microcircuit::preset`]): its own teacher data, student and
//! rates, random start and pre-training; `--task` and the data options are then
//! refused, the other options still apply on top of it.
//!
//! `--preset sacramento-2018-mnist` is the paper's digits experiment
//! ([`bioprop::microcircuit::digits`]): 784-500-500-10, logistic rates, steady state in
//! minibatches of 10, rate targets {0.1, 0.8}, the first 55,000 training images read
//! from `--data` (default: where `make mnist-data` puts them) and the 10,000 test
//! images; a row per epoch (`--every` patterns otherwise), with `test_error_pct` last.
//!
//! `--steps` counts patterns presented (each `pattern_ms` of simulated time in the full
//! model, one settle-and-learn in the steady-state one, or one per `--batch M`
//! patterns: `--steps` is then rounded up to whole minibatches) and `--every` logs a
//! row whenever the count passes a multiple of it. The rows are those of the networks' CSV: `loss` and `nse` score
//! the circuit's bottom-up prediction, `weight_angle_deg`, `norm_ratio` and
//! `sign_concordance` compare the top-down weights `W^PP_{k,k+1}` with `W^PP_{k+1,k}ᵀ`,
//! `update_angle_deg` is the angle between the circuit's change of the layer's forward
//! weights and backprop's from the same state and pattern (mean over the patterns
//! since the previous row, while the target is on; docs/science.md §4.5), and
//! `apical_energy` is `‖v_A‖²` of the layer, averaged over the same patterns. `main` hands the arguments over when
//! `run` names this rule, or its `--config` is a microcircuit's. Exit codes as for the
//! networks.
//!
//! `bioprop run --config bioprop-microcircuit-config.json --steps N` replays the run
//! the microcircuit page saved ([`bioprop::microcircuit::export`]): the circuit it
//! built, with the target and model switched when the page's user switched them, to
//! the end of pattern `N`; the last line gives the weights hash the page shows at `N`
//! patterns. Only `--steps`/`--epochs`, `--every` and `--out` go with it.

use std::path::PathBuf;
use std::process::ExitCode;

use bioprop::microcircuit::export::{self, Replay};
use bioprop::microcircuit::{self, digits, preset, Microcircuit, Mode, RateFunction, Start};
use bioprop::task::InitSpec;
use bioprop::{Activation, TaskKind};
use clap::{Args, Subcommand};
use std::time::Instant;

#[derive(Subcommand)]
enum Command {
    /// Run a microcircuit and print its metrics as CSV.
    Run(RunArgs),
}

#[derive(Args)]
struct RunArgs {
    /// Task name (see `bioprop list`).
    #[arg(long, default_value = "linear-teacher")]
    task: TaskKind,
    /// Learning rule: microcircuit.
    #[arg(long, required_unless_present = "config")]
    rule: Option<String>,
    /// A run the microcircuit page saved ("Configuration (JSON)"): its circuit and the
    /// changes made while it ran, replayed bit for bit; no model option goes with it.
    #[arg(long, value_name = "FILE.json", conflicts_with_all = [
        "task", "rule", "preset", "seed", "layers", "act", "steady_state", "batch",
        "pretrain", "random_init", "lr_apical", "lr_forward", "lr_output", "lr_interneuron",
        "weight_scale", "top_down_scale", "soma_noise", "pattern_ms", "train_size",
        "test_size", "noise",
    ])]
    config: Option<PathBuf>,
    /// Patterns presented.
    #[arg(long, default_value_t = 1000, conflicts_with = "epochs")]
    steps: u64,
    /// Present N passes over the training set instead of `--steps`.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    epochs: Option<u64>,
    /// Start from a published experiment: sacramento-2018 (the paper's regression
    /// task: soft-rectifier rates, its k = 10, 2 teacher, random start, pre-training,
    /// full dynamics; no --task or --noise beside it) or sacramento-2018-mnist (the
    /// paper's digits). The options given beside it override its settings.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["task", "noise"])]
    preset: Option<String>,
    /// With the digits preset, or a --config of a run on the digits: the folder of the
    /// four MNIST IDX files, plain or .gz [default: where `make mnist-data` puts them].
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Seed for the data, weights, pattern order and noise.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Log a row every K patterns [default: 100; one epoch for the digits].
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u64).range(1..))]
    every: Option<u64>,
    /// Write the CSV here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Layer widths joined by '-', input and output included, at least one hidden
    /// layer [default: the task's].
    #[arg(long, value_parser = super::parse_layers)]
    layers: Option<super::Layers>,
    /// Hidden rate function φ: linear, tanh, sigmoid, relu, softplus, or sacramento
    /// for the paper's 0.1·log(1 + e^(u-3)) [default: the task's activation].
    #[arg(long)]
    act: Option<String>,
    /// Use the steady-state approximation (paper §3.4) instead of integrating.
    #[arg(long)]
    steady_state: bool,
    /// With --steady-state: settle this many patterns at once and apply the rules'
    /// change averaged over them (a minibatch, in matrix form); 1 is one at a time
    /// [default: 1; 10 for the digits].
    #[arg(long, value_name = "M",
          value_parser = clap::value_parser!(u64).range(1..=microcircuit::config::MAX_BATCH as u64))]
    batch: Option<u64>,
    /// Patterns shown with no target first (pre-training) [default: 0, or the
    /// preset's].
    #[arg(long)]
    pretrain: Option<u64>,
    /// Start from random interneuron weights instead of the self-predicting state.
    #[arg(long)]
    random_init: bool,
    /// `η_PI` per ms, the interneuron→apical rate, the same with and without a target
    /// [default: the task's].
    #[arg(long, value_name = "ETA")]
    lr_apical: Option<f32>,
    /// `η_PP` per ms of the hidden layers' forward weights [default: the task's].
    #[arg(long, value_name = "ETA")]
    lr_forward: Option<f32>,
    /// `η_PP` per ms of the output layer's forward weights [default: the task's].
    #[arg(long, value_name = "ETA")]
    lr_output: Option<f32>,
    /// `η_IP` per ms, pyramidal→interneuron [default: the task's].
    #[arg(long, value_name = "ETA")]
    lr_interneuron: Option<f32>,
    /// Forward weights drawn from U[-S, S] instead of the task's init.
    #[arg(long, value_name = "S")]
    weight_scale: Option<f32>,
    /// Top-down weights drawn from U[-S, S] instead of the task's init.
    #[arg(long, value_name = "S")]
    top_down_scale: Option<f32>,
    /// `σ` of the full model's somatic noise [default: 0.1] (`--noise` is the task's).
    #[arg(long, value_name = "SIGMA")]
    soma_noise: Option<f32>,
    /// How long each pattern is shown, in ms [default: 100].
    #[arg(long, value_name = "MS")]
    pattern_ms: Option<f32>,
    #[command(flatten)]
    data_sizes: super::DataArgs,
}

/// Whether `args` (program name first) ask `run` for the microcircuit: by its rule,
/// or by a configuration file of it.
pub fn requested(args: &[String]) -> bool {
    super::run_flag_values(args, &["--rule"]).contains(&microcircuit::NAME)
        || super::run_flag_values(args, &["--config"])
            .into_iter()
            .any(|path| {
                std::fs::read_to_string(path).is_ok_and(|t| export::is_microcircuit_config(&t))
            })
}

/// The saved run at `path` (`--config`), with `--every` on top.
fn saved_run(path: &std::path::Path, args: &RunArgs) -> Result<export::SavedRun, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("--config {}: {e}", path.display()))?;
    let mut saved = export::read(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    if let Some(every) = args.every {
        saved.config.log_every = every;
    }
    Ok(saved)
}

/// The circuit of a saved run, built to be replayed: on the digits, read from
/// `--data`, when the run names them; `--data` goes with no other.
fn replay(saved: &export::SavedRun, args: &RunArgs) -> Result<(Microcircuit, Replay), String> {
    if saved.data.as_deref() != Some(export::DIGITS) {
        if args.data.is_some() {
            return Err(format!(
                "--data reads the digits' files: this run does not learn them (its data: {})",
                saved
                    .data
                    .as_deref()
                    .unwrap_or(saved.config.task.kind.name())
            ));
        }
        return Replay::build(saved);
    }
    let dir = args.data.clone().unwrap_or_else(super::mnist::default_dir);
    let (train, test) = bioprop::task::mnist::load_dir(&dir).map_err(|e| e.to_string())?;
    Replay::build_on(saved, digits::replay_dataset(saved, &train, &test)?)
}

/// One line for `bioprop list`.
pub fn list_rules() {
    println!("  {:<18} {}", microcircuit::NAME, microcircuit::DESCRIPTION);
}

/// The published experiments `--preset` names.
#[derive(Clone, Copy, PartialEq)]
enum Preset {
    /// The paper's regression task ([`preset`]).
    Regression,
    /// The paper's digits ([`digits`]).
    Digits,
}

/// The preset `args` name, if any.
fn preset_of(args: &RunArgs) -> Result<Option<Preset>, String> {
    match args.preset.as_deref() {
        None => Ok(None),
        Some(name) if name.eq_ignore_ascii_case(preset::NAME) => Ok(Some(Preset::Regression)),
        Some(name) if name.eq_ignore_ascii_case(digits::PRESET) => Ok(Some(Preset::Digits)),
        Some(name) => Err(format!(
            "--preset: unknown preset `{name}`; the presets are: {}, {}",
            digits::PRESET,
            preset::NAME
        )),
    }
}

fn config_from(args: &RunArgs) -> Result<microcircuit::Config, String> {
    let chosen = preset_of(args)?;
    let digits = chosen == Some(Preset::Digits);
    let mut config = match chosen {
        None => microcircuit::Config::for_task(args.task),
        Some(Preset::Regression) => preset::config(args.seed),
        Some(Preset::Digits) => digits::paper_config(),
    };
    if !digits && args.data.is_some() {
        return Err(format!(
            "--data reads the digits' files: it goes with --preset {}",
            digits::PRESET
        ));
    }
    config.seed = args.seed;
    if let Some(every) = args.every {
        config.log_every = every;
    }
    if args.steady_state {
        config.mode = Mode::SteadyState;
    }
    if let Some(batch) = args.batch {
        if config.mode != Mode::SteadyState && batch > 1 {
            return Err(
                "--batch goes with --steady-state: the full model presents one pattern \
                        at a time"
                    .to_owned(),
            );
        }
        config.batch = batch as usize;
    }
    if let Some(patterns) = args.pretrain {
        config.pretrain_patterns = patterns;
    }
    if args.random_init {
        config.start = Start::Random;
    }
    for (field, value) in [
        (&mut config.lr_apical, args.lr_apical),
        (&mut config.lr_forward, args.lr_forward),
        (&mut config.lr_output, args.lr_output),
        (&mut config.lr_interneuron, args.lr_interneuron),
    ] {
        if let Some(value) = value {
            *field = value;
        }
    }
    if let Some(scale) = args.weight_scale {
        config.weight_init = InitSpec::Uniform { scale };
    }
    if let Some(scale) = args.top_down_scale {
        config.top_down_init = InitSpec::Uniform { scale };
    }
    if let Some(noise) = args.soma_noise {
        config.noise = noise;
    }
    if let Some(ms) = args.pattern_ms {
        config.pattern_ms = ms;
    }
    if let Some(super::Layers(layers)) = &args.layers {
        config.layers = layers.clone();
    }
    match args.act.as_deref() {
        None => {}
        Some("sacramento") => config.rate = RateFunction::SACRAMENTO,
        Some(name) => {
            let act: Activation = name
                .parse()
                .map_err(|e| format!("--act: {e}, or sacramento"))?;
            config.rate = RateFunction::plain(act);
        }
    }
    if chosen == Some(Preset::Regression) {
        if args.data_sizes.train_size.is_some() || args.data_sizes.test_size.is_some() {
            return Err(format!(
                "--train-size and --test-size do not apply to --preset {}: it brings its own data",
                preset::NAME
            ));
        }
    } else {
        args.data_sizes.apply(&mut config.task);
    }
    if digits && args.data_sizes.noise.is_some() {
        return Err("--noise does not apply to the digits".to_owned());
    }
    if digits && args.every.is_none() {
        // A row per epoch: each evaluates every training and test image.
        config.log_every = config.task.train_size as u64;
    }
    Ok(config)
}

/// The circuit `args` ask for: on generated data, or on the digits read from `--data`.
fn build(args: &RunArgs, config: &microcircuit::Config) -> Result<Microcircuit, String> {
    match preset_of(args)? {
        None => return Microcircuit::new(config).map_err(|e| e.to_string()),
        Some(Preset::Regression) => {
            return Microcircuit::with_dataset(config, preset::dataset(config.seed))
                .map_err(|e| e.to_string())
        }
        Some(Preset::Digits) => {}
    }
    // Check the settings before reading 55 MB of digits.
    config.validate().map_err(|e| e.to_string())?;
    let dir = args.data.clone().unwrap_or_else(super::mnist::default_dir);
    let (train, test) = bioprop::task::mnist::load_dir(&dir).map_err(|e| e.to_string())?;
    let dataset = digits::dataset(&train, &test, config.task.train_size, config.task.test_size)
        .map_err(|error| format!("--{}", error.to_string().replacen('_', "-", 1)))?;
    Microcircuit::with_dataset(config, dataset).map_err(|e| e.to_string())
}

/// Parses the arguments (`run --rule microcircuit …`) and runs the circuit.
pub fn main() -> ExitCode {
    let Command::Run(args) =
        super::parse_command("A dendritic error microcircuit learning a task, as CSV");
    if args.config.is_none() && args.rule.as_deref() != Some(microcircuit::NAME) {
        eprintln!("error: --rule must be {}", microcircuit::NAME);
        return ExitCode::from(2);
    }
    let started = Instant::now();
    let built = match &args.config {
        Some(path) => saved_run(path, &args).and_then(|saved| replay(&saved, &args)),
        None => config_from(&args)
            .and_then(|config| build(&args, &config))
            .map(|circuit| (circuit, Replay::default())),
    };
    let (mut circuit, mut replay) = match built {
        Ok(built) => built,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    // The digits preset, or a saved run on the digits.
    let digits = circuit.config().task.kind == TaskKind::Digits;
    let task = match preset_of(&args).ok().flatten() {
        _ if digits => "mnist",
        Some(Preset::Regression) => preset::NAME,
        _ => circuit.config().task.kind.name(),
    };
    let train_size = circuit.dataset().train_size() as u64;
    let steps = args.epochs.map_or(args.steps, |epochs| epochs * train_size);
    let every = circuit.config().log_every;
    super::output::write_csv(
        args.out.as_deref(),
        &mut circuit,
        |out, circuit| {
            if digits {
                writeln!(out, "{},test_error_pct", super::HEADER)?;
            } else {
                writeln!(out, "{}", super::HEADER)?;
            }
            let mut printed = 0;
            let mut failure = None;
            loop {
                for row in &circuit.history()[printed..] {
                    super::write_rows_with(
                        out,
                        microcircuit::NAME,
                        &row.to_metrics(),
                        &row.apical_energies(),
                        digits,
                    )?;
                }
                printed = circuit.history().len();
                if failure.is_some() || circuit.patterns() >= steps {
                    break;
                }
                let chunk = every.min(steps - circuit.patterns());
                let end = circuit.patterns() + chunk;
                if let Err(error) = replay.advance_to(circuit, end) {
                    failure = Some(error.to_string());
                }
            }
            Ok(failure)
        },
        |circuit| {
            if let Some(latest) = circuit.latest() {
                let layers: Vec<String> = latest
                    .layers
                    .iter()
                    .map(|l| {
                        format!(
                            "layer {}: apical energy {}, update angle {}°, top-down angle {}°",
                            l.layer,
                            l.apical_energy,
                            super::cell(l.update_angle_deg),
                            super::cell(l.weight_angle_deg)
                        )
                    })
                    .collect();
                let score = match (latest.test.nse, latest.test.accuracy) {
                    (Some(nse), _) => format!(", test NSE {nse}"),
                    (None, Some(accuracy)) if digits => format!(
                        ", test error {:.2}% on {} digits after {:.2} epochs of {}, {:.1} s",
                        100.0 * (1.0 - f64::from(accuracy)),
                        circuit.dataset().test_size(),
                        latest.patterns as f64 / train_size as f64,
                        train_size,
                        started.elapsed().as_secs_f64()
                    ),
                    (None, Some(accuracy)) => format!(", test accuracy {accuracy}"),
                    (None, None) => String::new(),
                };
                eprintln!(
                    "microcircuit ({}) on {}: {} patterns ({} ms simulated), train loss {}, \
                     test loss {}{}; {}",
                    circuit.mode().name(),
                    task,
                    latest.patterns,
                    latest.time_ms,
                    latest.train.loss,
                    latest.test.loss,
                    score,
                    layers.join("; ")
                );
            }
            // What the page shows beside its command, at the same pattern count.
            eprintln!(
                "microcircuit on {task}: {} patterns, weights hash {:016x}",
                circuit.patterns(),
                circuit.weights_hash()
            );
        },
    )
}
