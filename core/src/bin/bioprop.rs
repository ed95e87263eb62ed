//! `bioprop`: train a network from the command line and print its learning curve and
//! alignment metrics as CSV (one row per logged step and hidden layer).
//!
//! ```text
//! bioprop run --task linear-teacher --rule fa --steps 20000 --every 100 --out fa.csv
//! bioprop run --task mnist --rule fa --epochs 1 --train-size 10000 --every 500
//! bioprop sweep --task linear-teacher --rules bp,fa,shallow --runs 20 --steps 20000
//! bioprop run --task digits --rule bp --steps 2000 --every 500
//! bioprop pack-digits --out dist/digits.bin
//! bioprop list
//! ```
//!
//! Exit codes: 0 success, 1 I/O error, 2 bad arguments or configuration, 3 the run
//! diverged (the rows up to the divergence are still written).

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::str::FromStr;
use std::time::Instant;

use bioprop::metrics::Metrics;
use bioprop::{Activation, Experiment, ExperimentConfig, OutputLayer, RuleKind, TaskKind};
use clap::{Args, Subcommand};

// `run --task vor|forward-model --rule lms`: its own options and parser. (Under
// bioprop/, so that cargo does not take it for a binary of its own.)
#[path = "bioprop/cerebellum.rs"]
mod cerebellum;
// `run --rule microcircuit`: the dendritic error microcircuit, same tasks and CSV.
#[path = "bioprop/microcircuit.rs"]
mod microcircuit;
// `run --task mnist`: the digits read from their IDX files.
#[path = "bioprop/mnist.rs"]
mod mnist;
// Where the CSV goes and the exit codes, shared by the three.
#[path = "bioprop/output.rs"]
mod output;
// `run --config FILE.json`: the runs a saved configuration describes, bit for bit.
#[path = "bioprop/config_file.rs"]
mod config_file;
// `sweep`: `run` over seeds, rules and one setting's values, as mean ± sd.
#[path = "bioprop/sweep.rs"]
mod sweep;

#[derive(Subcommand)]
enum Command {
    /// Train one network and print its metrics as CSV.
    Run(RunArgs),
    /// Train the same network over several seeds (and rules, and values of one
    /// setting) in parallel; print mean ± sd of the final errors and angles.
    Sweep(sweep::SweepArgs),
    /// List the tasks, learning rules and activations.
    List,
    /// Write the compact digits file the browser loads (what `make dist` ships).
    PackDigits(PackArgs),
}

#[derive(Args)]
struct PackArgs {
    /// Folder of the four MNIST IDX files, plain or .gz [default: where `make
    /// mnist-data` puts them].
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Training images to pack (the first ones); the whole test set always goes in.
    #[arg(long, default_value_t = bioprop::task::pack::PACKED_TRAIN)]
    train: usize,
    /// Where to write the file (gzipped).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
struct RunArgs {
    /// Task name (see `bioprop list`), or mnist for the digits read from `--data`. The
    /// cerebellar tasks vor and forward-model take their own options: `bioprop run
    /// --task vor --help`.
    #[arg(long, default_value = "linear-teacher")]
    task: TaskArg,
    // The help lists the rules from their declared facts (`RuleKind::facts`).
    #[arg(long, default_value = "fa", help = rule_help())]
    rule: RuleArg,
    /// Training steps (minibatch updates).
    #[arg(long, default_value_t = 1000, conflicts_with = "epochs")]
    steps: u64,
    /// Train for N passes over the training set instead of `--steps` (each
    /// ceil(train-size / batch) steps). Rows are logged every `--every` steps: pick a
    /// divisor of the total, or the last steps go unlogged.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    epochs: Option<u64>,
    /// Folder of the four MNIST IDX files, plain or .gz (task mnist only)
    /// [default: where `make mnist-data` puts them]; with --config of the digits,
    /// also a digits file such as the page's digits.bin.
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Output units and loss: linear (squared error), softmax (cross-entropy) or
    /// logistic (squared error) [default: linear for regression, softmax for classes,
    /// logistic for mnist].
    #[arg(long)]
    output: Option<OutputLayer>,
    /// Seed for the data, weights, feedback and minibatch order.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Learning rate [default: the task's].
    #[arg(long)]
    lr: Option<f32>,
    /// Minibatch size [default: the task's].
    #[arg(long)]
    batch: Option<usize>,
    /// Layer widths joined by '-', input and output included, e.g. 30-20-10
    /// [default: the task's; input-output for the delta rule].
    #[arg(long, value_parser = parse_layers)]
    layers: Option<Layers>,
    /// Hidden activation: linear, tanh, sigmoid, relu, softplus [default: the task's].
    #[arg(long)]
    act: Option<Activation>,
    /// Drop f'(z) from the hidden error signal.
    #[arg(long)]
    no_derivative: bool,
    /// Log a row every K steps.
    #[arg(long, default_value_t = 100, value_name = "K",
          value_parser = clap::value_parser!(u64).range(1..))]
    every: u64,
    /// Write the CSV here instead of standard output (sweep: every run's final row).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Momentum, in [0, 1).
    #[arg(long, default_value_t = 0.0)]
    momentum: f32,
    /// L2 weight decay, in [0, 1].
    #[arg(long, default_value_t = 0.0)]
    weight_decay: f32,
    /// Kolen-Pollack decay of W and B per step, in (0, 1]; below 1 it drives B to Wᵀ but
    /// leaves an error floor (linear teacher: test NSE ~1e-3 at the default).
    #[arg(long, default_value_t = bioprop::experiment::DEFAULT_KP_DECAY)]
    kp_decay: f32,
    /// Multiplies the scale of the feedback matrices' init.
    #[arg(long, default_value_t = 1.0)]
    feedback_scale: f32,
    /// Forward weights' init for every layer: xavier, zero or uniform:SCALE (entries
    /// U[-SCALE, SCALE]) [default: the task's].
    #[arg(long, value_name = "INIT")]
    weight_init: Option<bioprop::InitSpec>,
    #[command(flatten)]
    sizes: DataArgs,
    /// Run the configuration saved in FILE (JSON: the page's "runs" configuration, with
    /// every compared rule, or one experiment), bit for bit as the page ran it; only
    /// --steps/--epochs, --every, --out and (for the digits: the same digits, checked
    /// against the hash the file names) --data go with it.
    #[arg(long, value_name = "FILE", conflicts_with_all = [
        "task", "rule", "output", "seed", "lr", "batch", "layers", "act",
        "no_derivative", "momentum", "weight_decay", "kp_decay", "feedback_scale", "weight_init",
        "noise", "train_size", "test_size", "print_config",
    ])]
    config: Option<PathBuf>,
    /// Print the configuration these options give as JSON (for --config) and exit.
    #[arg(long)]
    print_config: bool,
}

/// `--rule`: a rule by name, or one composed from parts (`custom:b.learn`, see
/// `bioprop::rule::Composition`), which runs as the rule it equals.
#[derive(Clone, Copy, PartialEq)]
struct RuleArg {
    kind: RuleKind,
    /// A composition without f′.
    no_derivative: bool,
    composition: Option<bioprop::rule::Composition>,
}

impl RuleArg {
    /// The name the CSV and the summary give: the rule's, or the composition's.
    fn name(&self) -> String {
        match self.composition {
            Some(composition) => composition.to_string(),
            None => self.kind.name().to_owned(),
        }
    }
}

impl From<RuleKind> for RuleArg {
    fn from(kind: RuleKind) -> Self {
        RuleArg {
            kind,
            no_derivative: false,
            composition: None,
        }
    }
}

impl FromStr for RuleArg {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if !text
            .trim()
            .to_ascii_lowercase()
            .starts_with(bioprop::rule::COMPOSED_PREFIX)
        {
            return text
                .parse::<RuleKind>()
                .map(RuleArg::from)
                .map_err(|error| format!("{error}, or custom:CARRIER[.learn][.no-fprime]"));
        }
        let composition: bioprop::rule::Composition = text
            .parse()
            .map_err(|e: bioprop::rule::CompositionError| e.to_string())?;
        let resolved = composition.resolve().map_err(|e| e.to_string())?;
        Ok(RuleArg {
            kind: resolved.rule,
            no_derivative: resolved.no_derivative,
            composition: Some(composition),
        })
    }
}

/// `--task`: a generated task, or the digits read from files: `mnist` with the
/// paper's kind of network, `digits` with the browser's.
#[derive(Clone, Copy, PartialEq)]
enum TaskArg {
    Generated(TaskKind),
    Mnist,
    Digits,
}

impl FromStr for TaskArg {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        if name.trim().eq_ignore_ascii_case("mnist") {
            return Ok(TaskArg::Mnist);
        }
        if name.trim().eq_ignore_ascii_case("digits") {
            return Ok(TaskArg::Digits);
        }
        name.parse()
            .map(TaskArg::Generated)
            .map_err(|error: bioprop::task::TaskError| format!("{error}, mnist"))
    }
}

/// Parses the command line as `bioprop`, described by `about`, with the subcommands
/// `C`: the one preamble of the networks', the microcircuit's and the cerebellum's
/// parsers (as `#[derive(Parser)]` would write it).
fn parse_command<C: Subcommand>(about: &'static str) -> C {
    let mut command = C::augment_subcommands(
        clap::Command::new("bioprop")
            .version(env!("CARGO_PKG_VERSION"))
            .about(about)
            .subcommand_required(true)
            .arg_required_else_help(true),
    );
    let mut matches = command.get_matches_mut();
    C::from_arg_matches_mut(&mut matches).unwrap_or_else(|error| error.format(&mut command).exit())
}

/// The task's data options, the same for the networks and the microcircuit.
#[derive(Args)]
struct DataArgs {
    /// Task noise (standard deviation) [default: the task's].
    #[arg(long)]
    noise: Option<f32>,
    /// Training samples [default: the task's].
    #[arg(long)]
    train_size: Option<usize>,
    /// Held-out samples [default: the task's].
    #[arg(long)]
    test_size: Option<usize>,
}

impl DataArgs {
    /// Overrides the fields of `task` that were given.
    fn apply(&self, task: &mut bioprop::TaskConfig) {
        set(&mut task.noise, self.noise);
        set(&mut task.train_size, self.train_size);
        set(&mut task.test_size, self.test_size);
    }
}

/// An option that was given overrides the default in `target`.
fn set<T>(target: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *target = value;
    }
}

/// The values `args` (program name first) give to any of `flags` after `run`
/// (`--flag value` or `--flag=value`), in order; none unless the command is `run`. Lets
/// `main` hand a run to the parser of the model it names before clap sees it.
fn run_flag_values<'a>(args: &'a [String], flags: &[&str]) -> Vec<&'a str> {
    let mut values = Vec::new();
    if args.get(1).map(String::as_str) != Some("run") {
        return values;
    }
    let mut rest = args[2..].iter();
    while let Some(arg) = rest.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag, Some(value)),
            None => (arg.as_str(), None),
        };
        if flags.contains(&flag) {
            values.extend(inline.or_else(|| rest.next().map(String::as_str)));
        }
    }
    values
}

/// `--rule`'s help: every rule's name, from its facts, then the microcircuit's.
fn rule_help() -> String {
    let names: Vec<&str> = RuleKind::ALL.iter().map(|r| r.facts().name).collect();
    format!(
        "Learning rule: {}, or one composed from parts, custom:CARRIER[.learn][.no-fprime] \
         with CARRIER wt, b, sign, sign-random, d or none (e.g. custom:b.learn is kp) \
         (microcircuit: see `run --rule microcircuit --help`)",
        names.join(", ")
    )
}

/// Layer widths from `--layers` (a newtype, so clap takes one value, not a list).
#[derive(Clone)]
struct Layers(Vec<usize>);

fn parse_layers(text: &str) -> Result<Layers, String> {
    let widths: Result<Vec<usize>, _> = text.split('-').map(|w| w.trim().parse()).collect();
    match widths {
        Ok(widths) if widths.len() >= 2 => Ok(Layers(widths)),
        _ => Err(format!(
            "expected at least two layer widths joined by '-', e.g. 30-20-10, got `{text}`"
        )),
    }
}

// The CSV's columns, shared with the page's export (core's `metrics_csv`).
use bioprop::metrics_csv::HEADER;

fn cell(value: Option<f32>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn write_rows(out: &mut dyn Write, rule: &str, row: &Metrics, digits: bool) -> io::Result<()> {
    write_rows_with(out, rule, row, &[], digits)
}

/// Core's rows (text), written to `out`: `apical_energy[k - 1]` fills hidden layer
/// `k`'s `apical_energy` cell (the microcircuit's `‖v_A‖²`; empty for the networks),
/// and `test_error` adds the digits' `test_error_pct`.
pub(crate) fn write_rows_with(
    out: &mut dyn Write,
    rule: &str,
    row: &Metrics,
    apical_energy: &[f32],
    test_error: bool,
) -> io::Result<()> {
    let mut rows = String::new();
    // Writing to a String cannot fail.
    let _ = bioprop::metrics_csv::write_rows(&mut rows, rule, row, apical_energy, test_error);
    out.write_all(rows.as_bytes())
}

fn config_from(args: &RunArgs) -> ExperimentConfig {
    let mut config = match args.task {
        TaskArg::Generated(kind) => ExperimentConfig::for_task(kind),
        TaskArg::Mnist => mnist::base_config(),
        TaskArg::Digits => ExperimentConfig::for_task(TaskKind::Digits),
    };
    config.rule = args.rule.kind;
    config.seed = args.seed;
    config.log_every = args.every;
    config.no_derivative = args.no_derivative || args.rule.no_derivative;
    config.momentum = args.momentum;
    config.weight_decay = args.weight_decay;
    config.kp_decay = args.kp_decay;
    config.feedback_scale = args.feedback_scale;
    if args.weight_init.is_some() {
        config.weight_init = args.weight_init;
    }
    set(&mut config.lr, args.lr);
    set(&mut config.batch, args.batch);
    set(&mut config.activation, args.act);
    if args.output.is_some() {
        config.output_layer = args.output;
    }
    match &args.layers {
        Some(Layers(layers)) => config.layers = layers.clone(),
        None if args.rule.kind == RuleKind::Delta => {
            let (first, last) = (config.layers[0], config.layers[config.layers.len() - 1]);
            config.layers = vec![first, last];
        }
        None => {}
    }
    args.sizes.apply(&mut config.task);
    config
}

/// The experiment `args` ask for: generated data, or the digits read from `--data`.
fn build(args: &RunArgs, config: &ExperimentConfig) -> Result<Experiment, String> {
    match args.task {
        TaskArg::Generated(_) if args.data.is_some() => {
            Err("--data reads the digits' files: it goes with --task mnist".to_owned())
        }
        TaskArg::Generated(_) => Experiment::new(config).map_err(|e| e.to_string()),
        TaskArg::Mnist | TaskArg::Digits => {
            if args.sizes.noise.is_some() {
                return Err("--noise does not apply to the digits".to_owned());
            }
            // Check the settings before reading 55 MB of digits.
            config.validate().map_err(|e| e.to_string())?;
            let dir = args.data.clone().unwrap_or_else(mnist::default_dir);
            let dataset = mnist::load(&dir, config)?;
            Experiment::with_dataset(config, dataset).map_err(|e| e.to_string())
        }
    }
}

fn run(args: &RunArgs) -> ExitCode {
    if let Some(path) = &args.config {
        return config_file::run(path, args);
    }
    let started = Instant::now();
    let config = config_from(args);
    if args.print_config {
        return config_file::print(&config);
    }
    let rule_name = args.rule.name();
    if let Some(composition) = args.rule.composition {
        if let Ok(what) = composition.describe() {
            eprintln!(
                "{composition} is {what} (runs as --rule {}{})",
                config.rule.name(),
                if config.no_derivative {
                    " --no-derivative"
                } else {
                    ""
                }
            );
        }
    }
    let mut experiment = match build(args, &config) {
        Ok(experiment) => experiment,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let digits = matches!(args.task, TaskArg::Mnist | TaskArg::Digits);
    let train_size = experiment.dataset().train_size() as u64;
    let steps = match args.epochs {
        Some(epochs) => epochs * train_size.div_ceil(config.batch as u64),
        None => args.steps,
    };
    output::write_csv(
        args.out.as_deref(),
        &mut experiment,
        |out, experiment| {
            if digits {
                writeln!(out, "{HEADER},test_error_pct")?;
            } else {
                writeln!(out, "{HEADER}")?;
            }
            let mut printed = 0;
            let mut failure = None;
            while experiment.steps() < steps {
                let chunk = args.every.min(steps - experiment.steps());
                if let Err(error) = experiment.step(chunk) {
                    failure = Some(error.to_string());
                }
                for row in &experiment.history()[printed..] {
                    write_rows(out, &rule_name, row, digits)?;
                }
                printed = experiment.history().len();
                if failure.is_some() {
                    break;
                }
            }
            // The initial row when no step ran.
            for row in &experiment.history()[printed..] {
                write_rows(out, &rule_name, row, digits)?;
            }
            Ok(failure)
        },
        |experiment| {
            if let Some(latest) = experiment.latest() {
                let angles: Vec<String> = latest
                    .layers
                    .iter()
                    .map(|l| format!("layer {} {}°", l.layer, cell(l.update_angle_deg)))
                    .collect();
                let task = match args.task {
                    TaskArg::Generated(kind) => kind.name(),
                    TaskArg::Mnist => "mnist",
                    TaskArg::Digits => "digits",
                };
                let digits_summary = match mnist::test_error_pct(latest.test.accuracy) {
                    Some(error) if digits => format!(
                        ", test error {error:.2}% on {} digits after {:.2} epochs of {}, {:.1} s",
                        experiment.dataset().test_size(),
                        latest.step as f64 * config.batch as f64 / train_size as f64,
                        train_size,
                        started.elapsed().as_secs_f64()
                    ),
                    _ => String::new(),
                };
                eprintln!(
                    "{} on {}: step {}, train loss {}, test loss {}{}{}",
                    rule_name,
                    task,
                    latest.step,
                    latest.train.loss,
                    latest.test.loss,
                    digits_summary,
                    if angles.is_empty() {
                        String::new()
                    } else {
                        format!(", update angle {}", angles.join(", "))
                    }
                );
            }
        },
    )
}

fn list() {
    println!("tasks:");
    for kind in TaskKind::ALL {
        println!("  {:<18} {}", kind.name(), kind.description());
    }
    mnist::list_task();
    cerebellum::list_tasks();
    println!("rules:");
    for rule in RuleKind::ALL {
        let facts = rule.facts();
        println!("  {:<18} {}", facts.name, facts.summary);
    }
    microcircuit::list_rules();
    cerebellum::list_rules();
    println!("activations:");
    for act in Activation::ALL {
        println!("  {:<18} {}", act.name(), act.description());
    }
    println!("outputs:");
    for layer in OutputLayer::ALL {
        println!("  {:<18} {}", layer.name(), layer.description());
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args_os()
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    if cerebellum::requested(&args) {
        return cerebellum::main();
    }
    if microcircuit::requested(&args) {
        return microcircuit::main();
    }
    match parse_command(
        "Backprop and its biologically plausible rivals: train a network, print CSV",
    ) {
        Command::Run(args) => run(&args),
        Command::Sweep(args) => sweep::sweep(&args),
        Command::List => {
            list();
            ExitCode::SUCCESS
        }
        Command::PackDigits(args) => pack_digits(&args),
    }
}

/// Writes the compact digits file ([`bioprop::task::pack`]) and says its size.
fn pack_digits(args: &PackArgs) -> ExitCode {
    let dir = args.data.clone().unwrap_or_else(mnist::default_dir);
    let (train, test) = match bioprop::task::mnist::load_dir(&dir) {
        Ok(sets) => sets,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    if !(1..=train.len()).contains(&args.train) {
        eprintln!(
            "error: --train must be between 1 and {} (the training images), got {}",
            train.len(),
            args.train
        );
        return ExitCode::from(2);
    }
    let train = train.prefix(args.train);
    let raw = bioprop::task::pack::write(&train, &test).len();
    let bytes = bioprop::task::pack::write_gzip(&train, &test);
    if let Err(error) = std::fs::write(&args.out, &bytes) {
        eprintln!("error: {}: {error}", args.out.display());
        return ExitCode::from(1);
    }
    eprintln!(
        "[bioprop] {}: {} training and {} test digits, {} bytes ({} bytes before gzip)",
        args.out.display(),
        train.len(),
        test.len(),
        bytes.len(),
        raw
    );
    ExitCode::SUCCESS
}
