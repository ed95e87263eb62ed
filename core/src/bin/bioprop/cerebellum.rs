//! `bioprop run --task vor|forward-model --rule lms`: the cerebellar tasks, which take
//! their own options (no network, no layers), so they get their own parser.
//!
//! ```text
//! bioprop run --task vor --rule lms --steps 60000 --spectacles 2 --freq 1 --every 1000
//! step,time,gain,error_rms,w0,w1,…
//! ```
//!
//! `bioprop run --config bioprop-cerebellum-config.json --steps N` runs the
//! configuration the page's "Configuration (JSON)" saves (`bioprop::cerebellum::export`),
//! making each live change the page's user made at the step it was made, with the same
//! rows; its last line gives the weights hash the page shows at step `N`.
//!
//! `main` hands the arguments over when `run` names a cerebellar task or the rule
//! `lms`, or its `--config` is a cerebellum's. Exit codes as for the networks: 2 bad arguments, 3 diverged (the rows so far
//! are kept), 1 I/O error.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use bioprop::cerebellum::export::Retune;
use bioprop::cerebellum::{
    export, BasisKind, Cerebellum, CerebellumConfig, CerebellumTask, ConfigError, SignalKind,
    RULE_NAME,
};
use clap::{Args, Subcommand};

use super::set;

#[derive(Subcommand)]
enum Command {
    /// Run a cerebellar task and print its gain, error and weights as CSV.
    Run(RunArgs),
}

#[derive(Args)]
// `--spectacles -1`, and `--beta -1` reaches the range check.
#[command(allow_negative_numbers = true)]
struct RunArgs {
    /// Task: vor or forward-model.
    #[arg(long, required_unless_present = "config")]
    task: Option<CerebellumTask>,
    /// A cerebellum configuration saved by the page ("Configuration (JSON)"): the
    /// whole model; no model option goes with it.
    #[arg(long, value_name = "FILE.json", conflicts_with_all = [
        "task", "dt", "seed", "beta", "error_delay", "eligibility_delay", "basis",
        "basis_count", "tau_min", "tau_max", "signal", "freq", "amplitude", "spectacles",
        "brainstem_gain", "plant_freq", "damping", "window",
    ])]
    config: Option<PathBuf>,
    /// Learning rule: lms (the only one for these tasks).
    #[arg(long, default_value = RULE_NAME)]
    rule: String,
    /// Integration steps of --dt.
    #[arg(long, default_value_t = 60_000)]
    steps: u64,
    /// Integration step, seconds.
    #[arg(long, default_value_t = 0.001)]
    dt: f64,
    /// Seed of the noise signal.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Print a row every K steps (and at step 0 and the last step).
    #[arg(long, default_value_t = 1000, value_name = "K",
          value_parser = clap::value_parser!(u64).range(1..))]
    every: u64,
    /// Write the CSV here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// LMS learning rate beta [default: the task's].
    #[arg(long)]
    beta: Option<f64>,
    /// Delay of the climbing-fibre error, seconds.
    #[arg(long, default_value_t = 0.0)]
    error_delay: f64,
    /// Delay of the basis signals the rule sees (eligibility trace), seconds.
    #[arg(long, default_value_t = 0.0)]
    eligibility_delay: f64,
    /// Granular-layer filters: leaky, alpha, delay [default: leaky].
    #[arg(long)]
    basis: Option<BasisKind>,
    /// Filtered basis signals besides the raw one [default: 6].
    #[arg(long)]
    basis_count: Option<usize>,
    /// Shortest basis time constant (or delay), seconds [default: 0.02].
    #[arg(long)]
    tau_min: Option<f64>,
    /// Longest basis time constant (or delay), seconds [default: 0.5].
    #[arg(long)]
    tau_max: Option<f64>,
    /// Head velocity (vor) or motor command (forward-model): sine or noise
    /// [default: the task's].
    #[arg(long)]
    signal: Option<SignalKind>,
    /// Frequency of the sine, or corner frequency of the noise, Hz [default: 1].
    #[arg(long)]
    freq: Option<f64>,
    /// Amplitude of the sine (the noise has the same RMS) [default: 1].
    #[arg(long)]
    amplitude: Option<f64>,
    /// vor: spectacles' magnification M, the gain to learn; -1 reverses [default: 2].
    #[arg(long)]
    spectacles: Option<f64>,
    /// vor: gain of the brainstem pathway [default: 1].
    #[arg(long)]
    brainstem_gain: Option<f64>,
    /// forward-model: the plant's natural frequency, Hz [default: 2].
    #[arg(long)]
    plant_freq: Option<f64>,
    /// forward-model: the plant's damping ratio [default: 0.5].
    #[arg(long)]
    damping: Option<f64>,
    /// Window of the gain, error RMS and correlations, seconds [default: the task's].
    #[arg(long)]
    window: Option<f64>,
}

/// Whether `args` (program name first) ask `run` for a cerebellar task or rule.
pub fn requested(args: &[String]) -> bool {
    super::run_flag_values(args, &["--task", "--rule"])
        .into_iter()
        .any(|value| value == RULE_NAME || value.parse::<CerebellumTask>().is_ok())
        || super::run_flag_values(args, &["--config"])
            .into_iter()
            .any(|path| {
                std::fs::read_to_string(path).is_ok_and(|t| export::is_cerebellum_config(&t))
            })
}

/// Builds the config and its live changes (a saved run's), refusing options that
/// belong to the other task.
fn config_from(args: &RunArgs) -> Result<(CerebellumConfig, Vec<Retune>), String> {
    if let Some(path) = &args.config {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("--config {}: {e}", path.display()))?;
        return export::read_run(&text).map_err(|e| format!("{}: {e}", path.display()));
    }
    let task = args.task.expect("clap requires --task without --config");
    if args.rule != RULE_NAME {
        return Err(format!(
            "unknown rule `{}` for task {task}; the cerebellar tasks learn by rule {RULE_NAME}",
            args.rule
        ));
    }
    let (ours, theirs) = match task {
        CerebellumTask::Vor => ("vor", "forward-model"),
        CerebellumTask::ForwardModel => ("forward-model", "vor"),
    };
    let foreign: &[(&str, bool)] = match task {
        CerebellumTask::Vor => &[
            ("--plant-freq", args.plant_freq.is_some()),
            ("--damping", args.damping.is_some()),
        ],
        CerebellumTask::ForwardModel => &[
            ("--spectacles", args.spectacles.is_some()),
            ("--brainstem-gain", args.brainstem_gain.is_some()),
        ],
    };
    if let Some((flag, _)) = foreign.iter().find(|(_, given)| *given) {
        return Err(format!(
            "{flag} applies to --task {theirs}, not to --task {ours}"
        ));
    }
    let mut config = CerebellumConfig::for_task(task);
    config.dt = args.dt;
    config.seed = args.seed;
    let filter = &mut config.filter;
    filter.error_delay = args.error_delay;
    filter.eligibility_delay = args.eligibility_delay;
    set(&mut filter.beta, args.beta);
    set(&mut filter.tau_min, args.tau_min);
    set(&mut filter.tau_max, args.tau_max);
    set(&mut filter.basis, args.basis);
    set(&mut filter.count, args.basis_count);
    set(&mut config.signal.kind, args.signal);
    set(&mut config.signal.freq_hz, args.freq);
    set(&mut config.signal.amplitude, args.amplitude);
    set(&mut config.vor.spectacles, args.spectacles);
    set(&mut config.vor.brainstem_gain, args.brainstem_gain);
    set(&mut config.plant.natural_freq_hz, args.plant_freq);
    set(&mut config.plant.damping, args.damping);
    set(&mut config.window, args.window);
    Ok((config, Vec::new()))
}

/// The command-line option that sets a config field.
fn option_for(field: &str) -> Option<&'static str> {
    Some(match field {
        "dt" => "--dt",
        "window" => "--window",
        "signal.amplitude" => "--amplitude",
        "signal.freq_hz" => "--freq",
        "filter.count" => "--basis-count",
        "filter.tau_min" => "--tau-min",
        "filter.tau_max" => "--tau-max",
        "filter.beta" => "--beta",
        "filter.error_delay" => "--error-delay",
        "filter.eligibility_delay" => "--eligibility-delay",
        "vor.spectacles" => "--spectacles",
        "vor.brainstem_gain" => "--brainstem-gain",
        "plant.natural_freq_hz" => "--plant-freq",
        "plant.damping" => "--damping",
        _ => return None,
    })
}

fn write_row(out: &mut dyn Write, cerebellum: &Cerebellum) -> io::Result<()> {
    writeln!(out, "{}", export::csv_row(cerebellum))
}

fn run(args: &RunArgs) -> ExitCode {
    let (config, changes) = match config_from(args) {
        Ok(read) => read,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let mut cerebellum = match Cerebellum::new(&config) {
        Ok(cerebellum) => cerebellum,
        Err(error) => {
            let option = match &error {
                ConfigError::OutOfRange { field, .. } => option_for(field),
                ConfigError::NotLive { .. } => None,
            };
            match option {
                Some(option) => eprintln!("error: {error} (option {option})"),
                None => eprintln!("error: {error}"),
            }
            return ExitCode::from(2);
        }
    };
    super::output::write_csv(
        args.out.as_deref(),
        &mut cerebellum,
        |out, cerebellum| {
            writeln!(out, "{}", export::csv_header(cerebellum.weights().len()))?;
            write_row(out, cerebellum)?;
            let mut failure = None;
            let mut changes = changes.iter().peekable();
            while cerebellum.steps() < args.steps {
                while let Some(change) = changes.next_if(|c| c.at_step <= cerebellum.steps()) {
                    // Checked when the file was read.
                    let _ = cerebellum.retune(&change.config);
                }
                // A row every `every` steps; a change falls between them.
                let steps = cerebellum.steps();
                let row_at = (steps / args.every + 1) * args.every;
                let mut end = row_at.min(args.steps);
                if let Some(change) = changes.peek() {
                    end = end.min(change.at_step);
                }
                if let Err(error) = cerebellum.step(end - steps) {
                    failure = Some(error.to_string());
                }
                if failure.is_some() || end == row_at || end == args.steps {
                    write_row(out, cerebellum)?;
                }
                if failure.is_some() {
                    break;
                }
            }
            Ok(failure)
        },
        |cerebellum| {
            let show = |v: Option<f64>, f: fn(f64) -> String| v.map(f).unwrap_or("-".into());
            eprintln!(
                "{} by {RULE_NAME}: t = {} s, gain {} (target {}), error RMS {}",
                config.task,
                cerebellum.time(),
                show(cerebellum.gain(), |g| format!("{g:.4}")),
                cerebellum.target_gain(),
                show(cerebellum.error_rms(), |e| format!("{e:.3e}")),
            );
            // What the page shows beside its command, at the same step.
            eprintln!(
                "{} by {RULE_NAME}: step {}, weights hash {:016x}",
                config.task,
                cerebellum.steps(),
                cerebellum.weights_hash()
            );
        },
    )
}

/// Parses `bioprop run …` for a cerebellar task and runs it.
pub fn main() -> ExitCode {
    let Command::Run(args) = super::parse_command(
        "The cerebellum as an adaptive filter: VOR adaptation and a forward model, as CSV",
    );
    run(&args)
}

/// The lines `bioprop list` adds under "tasks:" and "rules:".
pub fn list_tasks() {
    for task in CerebellumTask::ALL {
        println!("  {:<18} {}", task.name(), task.description());
    }
}

/// See [`list_tasks`].
pub fn list_rules() {
    println!(
        "  {:<18} {}",
        RULE_NAME,
        bioprop::cerebellum::RULE_DESCRIPTION
    );
}
