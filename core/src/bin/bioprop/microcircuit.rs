//! `bioprop run --rule microcircuit`: a dendritic error microcircuit (Sacramento et al.
//! 2018) on the same tasks, data and CSV columns as the networks.
//!
//! ```text
//! bioprop run --task nonlinear-teacher --rule microcircuit --steady-state --steps 100000 --every 10000
//! bioprop run --task nonlinear-teacher --rule microcircuit --steady-state --batch 10 --steps 100000
//! bioprop run --preset sacramento-2018 --rule microcircuit --steps 30000 --every 1000
//! ```
//!
//! `--preset sacramento-2018` runs the paper's regression task under the paper's
//! conditions (`bioprop::microcircuit::preset`): its own teacher data, student and
//! rates, random start and pre-training; `--task` and the data options are then
//! refused, the other options still apply on top of it.
//!
//! `--steps` counts patterns presented (each `pattern_ms` of simulated time in the full
//! model, one settle-and-learn in the steady-state one, or one per `--batch M`
//! patterns: `--steps` is then rounded up to whole minibatches) and `--every` logs a
//! row whenever the count passes a multiple of it. The rows are those of the networks' CSV: `loss` and `nse` score
//! the circuit's bottom-up prediction, `weight_angle_deg`, `norm_ratio` and
//! `sign_concordance` compare the top-down weights `W^PP_{k,k+1}` with `W^PP_{k+1,k}ᵀ`,
//! `update_angle_deg` is empty, and `apical_energy` is `‖v_A‖²` of the layer, averaged
//! over the patterns since the previous row. `main` hands the arguments over when
//! `run` names this rule. Exit codes as for the networks.

use std::path::PathBuf;
use std::process::ExitCode;

use bioprop::microcircuit::{self, preset, Microcircuit, Mode, RateFunction, Start};
use bioprop::{Activation, TaskKind};
use clap::{Args, Subcommand};

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
    /// A published configuration instead of a task: `sacramento-2018`, the paper's
    /// regression task (soft-rectifier rates, its k = 10, 2 teacher, random start,
    /// pre-training, full dynamics).
    #[arg(long, value_name = "NAME", conflicts_with_all = ["task", "noise", "train_size", "test_size"])]
    preset: Option<String>,
    /// Learning rule: microcircuit.
    #[arg(long)]
    rule: String,
    /// Patterns presented.
    #[arg(long, default_value_t = 1000)]
    steps: u64,
    /// Seed for the data, weights, pattern order and noise.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Log a row every K patterns.
    #[arg(long, default_value_t = 100, value_name = "K",
          value_parser = clap::value_parser!(u64).range(1..))]
    every: u64,
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
    /// change averaged over them (a minibatch, in matrix form); 1 is one at a time.
    #[arg(long, default_value_t = 1, value_name = "M",
          value_parser = clap::value_parser!(u64).range(1..=microcircuit::config::MAX_BATCH as u64))]
    batch: u64,
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
    /// `σ` of the full model's somatic noise [default: 0.1] (`--noise` is the task's).
    #[arg(long, value_name = "SIGMA")]
    soma_noise: Option<f32>,
    /// How long each pattern is shown, in ms [default: 100].
    #[arg(long, value_name = "MS")]
    pattern_ms: Option<f32>,
    #[command(flatten)]
    data: super::DataArgs,
}

/// Whether `args` (program name first) ask `run` for the microcircuit.
pub fn requested(args: &[String]) -> bool {
    super::run_flag_values(args, &["--rule"]).contains(&microcircuit::NAME)
}

/// One line for `bioprop list`.
pub fn list_rules() {
    println!("  {:<18} {}", microcircuit::NAME, microcircuit::DESCRIPTION);
}

fn config_from(args: &RunArgs) -> Result<microcircuit::Config, String> {
    let mut config = match args.preset.as_deref() {
        None => microcircuit::Config::for_task(args.task),
        Some(preset::NAME) => preset::config(args.seed),
        Some(other) => {
            return Err(format!(
                "--preset: unknown preset `{other}`; the one preset is `{}`",
                preset::NAME
            ))
        }
    };
    config.seed = args.seed;
    config.log_every = args.every;
    if args.steady_state {
        config.mode = Mode::SteadyState;
    } else if args.batch > 1 {
        return Err(
            "--batch goes with --steady-state: the full model presents one pattern \
                    at a time"
                .to_owned(),
        );
    }
    config.batch = args.batch as usize;
    if let Some(patterns) = args.pretrain {
        config.pretrain_patterns = patterns;
    }
    if args.random_init {
        config.start = Start::Random;
    }
    if let Some(rate) = args.lr_apical {
        config.lr_apical = rate;
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
    if args.preset.is_none() {
        args.data.apply(&mut config.task);
    }
    Ok(config)
}

/// Parses the arguments (`run --rule microcircuit …`) and runs the circuit.
pub fn main() -> ExitCode {
    let Command::Run(args) =
        super::parse_command("A dendritic error microcircuit learning a task, as CSV");
    if args.rule != microcircuit::NAME {
        eprintln!("error: --rule must be {}", microcircuit::NAME);
        return ExitCode::from(2);
    }
    let mut circuit = match config_from(&args).and_then(|config| {
        let built = match args.preset {
            Some(_) => Microcircuit::with_dataset(&config, preset::dataset(config.seed)),
            None => Microcircuit::new(&config),
        };
        built.map_err(|e| e.to_string())
    }) {
        Ok(circuit) => circuit,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    super::output::write_csv(
        args.out.as_deref(),
        &mut circuit,
        |out, circuit| {
            writeln!(out, "{}", super::HEADER)?;
            let mut printed = 0;
            let mut failure = None;
            loop {
                for row in &circuit.history()[printed..] {
                    super::write_metrics_rows(
                        out,
                        microcircuit::NAME,
                        &row.to_metrics(),
                        &row.apical_energies(),
                    )?;
                }
                printed = circuit.history().len();
                if failure.is_some() || circuit.patterns() >= args.steps {
                    break;
                }
                let chunk = args.every.min(args.steps - circuit.patterns());
                if let Err(error) = circuit.step(chunk) {
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
                            "layer {}: apical energy {}, top-down angle {}°",
                            l.layer,
                            l.apical_energy,
                            super::cell(l.weight_angle_deg)
                        )
                    })
                    .collect();
                eprintln!(
                    "microcircuit ({}) on {}: {} patterns ({} ms simulated), train loss {}, \
                     test loss {}{}; {}",
                    circuit.mode().name(),
                    args.preset.as_deref().unwrap_or(args.task.name()),
                    latest.patterns,
                    latest.time_ms,
                    latest.train.loss,
                    latest.test.loss,
                    latest
                        .test
                        .nse
                        .map(|nse| format!(", test NSE {nse}"))
                        .or(latest
                            .test
                            .accuracy
                            .map(|acc| format!(", test accuracy {acc}")))
                        .unwrap_or_default(),
                    layers.join("; ")
                );
            }
        },
    )
}
