//! `bioprop sweep`: one training repeated over seeds, rules and the values of one
//! setting, run in parallel, summarised as mean ± sd — the way the papers report their
//! comparisons (Lillicrap et al. 2016 average 20 runs).
//!
//! ```text
//! bioprop sweep --task linear-teacher --rules bp,fa,shallow --runs 20 --steps 20000
//! bioprop sweep --task xor --rules fa --vary feedback-scale=0.1,1,10 --threshold 5
//! ```
//!
//! Each run is an ordinary `run` (the same flags, the seed `--seed + i` for the `i`-th
//! of `--runs`), so a sweep's run gives exactly the numbers `bioprop run` gives for
//! that seed. The error is the held-out NSE for regression tasks and the percentage
//! misclassified for classification tasks.
//!
//! Outputs: the table on standard output; `--out` writes every run's final row as CSV
//! and `--table` the table as CSV (one row per rule, value and hidden layer).

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use bioprop::metrics::Evaluation;
use bioprop::{Experiment, ExperimentConfig};
use clap::Args;

use super::{build, cell, config_from, RuleArg, RunArgs};

#[derive(Args)]
pub struct SweepArgs {
    #[command(flatten)]
    run: RunArgs,
    /// Rules to compare, joined by ',' [default: --rule].
    #[arg(long, value_delimiter = ',')]
    rules: Vec<RuleArg>,
    /// Runs per rule and value, with the seeds --seed, --seed + 1, ...
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=1000))]
    runs: u64,
    /// One setting to vary, NAME=V1,V2,...: feedback-scale, lr, batch, width (every
    /// hidden layer), depth (hidden layers, as wide as the first), derivative (on,
    /// off: f' in the hidden error signal) or kp-decay.
    #[arg(long, value_parser = Vary::parse)]
    vary: Option<Vary>,
    /// Also report the first logged step at which the test error is at most T (NSE,
    /// or percent misclassified).
    #[arg(long, value_name = "T")]
    threshold: Option<f32>,
    /// Runs trained at once [default: the machine's cores].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=256))]
    jobs: Option<u64>,
    /// Write the table as CSV here too.
    #[arg(long, value_name = "FILE")]
    table: Option<std::path::PathBuf>,
}

/// The setting `--vary` changes and its values.
#[derive(Clone, Debug, PartialEq)]
pub struct Vary {
    setting: Setting,
    values: Vec<f32>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Setting {
    FeedbackScale,
    LearningRate,
    Batch,
    Width,
    Depth,
    Derivative,
    KpDecay,
}

impl Setting {
    const ALL: [(&'static str, Setting); 7] = [
        ("feedback-scale", Setting::FeedbackScale),
        ("lr", Setting::LearningRate),
        ("batch", Setting::Batch),
        ("width", Setting::Width),
        ("depth", Setting::Depth),
        ("derivative", Setting::Derivative),
        ("kp-decay", Setting::KpDecay),
    ];

    fn name(self) -> &'static str {
        Setting::ALL
            .iter()
            .find(|(_, s)| *s == self)
            .map(|(name, _)| *name)
            .expect("every setting is named")
    }

    /// Whether the values are counts (shown without decimals, read as whole numbers).
    fn counts(self) -> bool {
        matches!(self, Setting::Batch | Setting::Width | Setting::Depth)
    }

    /// `value` as the user wrote it back: on/off, a count or a number.
    fn show(self, value: f32) -> String {
        match self {
            Setting::Derivative if value != 0.0 => "on".to_owned(),
            Setting::Derivative => "off".to_owned(),
            _ => value.to_string(),
        }
    }

    /// Sets this setting of `config` to `value`.
    fn apply(self, value: f32, config: &mut ExperimentConfig) {
        let last = config.layers.len() - 1;
        match self {
            Setting::FeedbackScale => config.feedback_scale = value,
            Setting::LearningRate => config.lr = value,
            Setting::Batch => config.batch = value as usize,
            Setting::Width => {
                for width in &mut config.layers[1..last] {
                    *width = value as usize;
                }
            }
            Setting::Depth => {
                let (input, output) = (config.layers[0], config.layers[last]);
                let width = config.layers.get(1).filter(|_| last > 1).copied();
                let hidden = width.unwrap_or(input.max(output));
                config.layers = std::iter::once(input)
                    .chain(std::iter::repeat_n(hidden, value as usize))
                    .chain(std::iter::once(output))
                    .collect();
            }
            Setting::Derivative => config.no_derivative = value == 0.0,
            Setting::KpDecay => config.kp_decay = value,
        }
    }
}

impl Vary {
    /// Parses `NAME=V1,V2,...`.
    fn parse(text: &str) -> Result<Vary, String> {
        let names: Vec<&str> = Setting::ALL.iter().map(|(name, _)| *name).collect();
        let Some((name, values)) = text.split_once('=') else {
            return Err(format!(
                "expected NAME=V1,V2,... with NAME one of {}, got `{text}`",
                names.join(", ")
            ));
        };
        let setting = Setting::ALL
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name.trim()))
            .map(|(_, s)| *s)
            .ok_or_else(|| {
                format!(
                    "unknown setting `{name}`: expected one of {}",
                    names.join(", ")
                )
            })?;
        let values = values
            .split(',')
            .map(|v| parse_value(setting, v.trim()))
            .collect::<Result<Vec<f32>, String>>()?;
        Ok(Vary { setting, values })
    }
}

fn parse_value(setting: Setting, text: &str) -> Result<f32, String> {
    if setting == Setting::Derivative {
        return match text {
            "on" => Ok(1.0),
            "off" => Ok(0.0),
            _ => Err(format!("derivative takes on or off, got `{text}`")),
        };
    }
    let value: f32 = text
        .parse()
        .map_err(|_| format!("{}: `{text}` is not a number", setting.name()))?;
    let whole = value.fract() == 0.0 && value >= 0.0;
    if !value.is_finite() || (setting.counts() && !whole) {
        let what = if setting.counts() {
            "a whole number"
        } else {
            "a finite number"
        };
        return Err(format!("{}: expected {what}, got `{text}`", setting.name()));
    }
    if setting.counts() && value > 100_000.0 {
        return Err(format!("{}: {text} is too large", setting.name()));
    }
    Ok(value)
}

/// One run of the sweep: a rule, a value of the varied setting (if any) and a seed.
struct Job {
    rule: RuleArg,
    value: Option<f32>,
    seed: u64,
}

/// What a finished run reports.
#[derive(Clone, Debug, PartialEq)]
struct Outcome {
    steps: u64,
    train_error: Option<f32>,
    test_error: Option<f32>,
    /// Per hidden layer: (weight angle, update angle), degrees.
    angles: Vec<(Option<f32>, Option<f32>)>,
    /// The first logged step at which the test error was at most the threshold.
    reached: Option<u64>,
    /// Why the run stopped early, if it did.
    failure: Option<String>,
}

/// The error of an evaluation: percent misclassified, or the NSE.
fn error(evaluation: &Evaluation) -> Option<f32> {
    match evaluation.accuracy {
        Some(accuracy) => Some(100.0 * (1.0 - accuracy)),
        None => evaluation.nse,
    }
}

/// Trains `experiment` for `steps` steps (logging every `every`) and reports.
fn train(experiment: &mut Experiment, steps: u64, every: u64, threshold: Option<f32>) -> Outcome {
    let mut failure = None;
    while experiment.steps() < steps {
        let chunk = every.min(steps - experiment.steps());
        if let Err(error) = experiment.step(chunk) {
            failure = Some(error.to_string());
            break;
        }
    }
    let reached = threshold.and_then(|t| {
        experiment
            .history()
            .iter()
            .find(|row| error(&row.test).is_some_and(|e| e <= t))
            .map(|row| row.step)
    });
    let latest = experiment.latest();
    Outcome {
        steps: experiment.steps(),
        train_error: latest.and_then(|row| error(&row.train)),
        test_error: latest.and_then(|row| error(&row.test)),
        angles: latest
            .map(|row| {
                row.layers
                    .iter()
                    .map(|l| (l.weight_angle_deg, l.update_angle_deg))
                    .collect()
            })
            .unwrap_or_default(),
        reached,
        failure,
    }
}

/// Mean, sample standard deviation and count of the values present; `None` if none.
type Stat = Option<(f64, f64, usize)>;

/// Mean and sample standard deviation (`n - 1`; 0 for a single value) of the values
/// present; `None` if there are none.
fn mean_sd(values: impl IntoIterator<Item = Option<f32>>) -> Stat {
    let values: Vec<f64> = values.into_iter().flatten().map(f64::from).collect();
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    let sd = if n > 1 {
        (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
    } else {
        0.0
    };
    Some((mean, sd, n))
}

fn show(stat: Stat) -> String {
    stat.map(|(mean, sd, _)| format!("{} ± {}", significant(mean), significant(sd)))
        .unwrap_or_else(|| "–".to_owned())
}

/// Four significant digits: fixed-point from 0.001 to 10⁶, scientific beyond.
fn significant(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return format!("{value}");
    }
    let magnitude = value.abs().log10().floor() as i32;
    if !(-3..6).contains(&magnitude) {
        return format!("{value:.3e}");
    }
    let digits = (3 - magnitude).max(0) as usize;
    format!("{value:.digits$}")
}

fn csv_stat(stat: Stat) -> String {
    stat.map(|(mean, sd, _)| format!("{mean},{sd}"))
        .unwrap_or_else(|| ",".to_owned())
}

/// The jobs: every rule × value × seed, in that order.
fn jobs(rules: &[RuleArg], values: &[Option<f32>], first_seed: u64, runs: u64) -> Vec<Job> {
    let mut jobs = Vec::new();
    for &rule in rules {
        for &value in values {
            for i in 0..runs {
                jobs.push(Job {
                    rule,
                    value,
                    seed: first_seed.wrapping_add(i),
                });
            }
        }
    }
    jobs
}

pub fn sweep(args: &SweepArgs) -> ExitCode {
    let rules = if args.rules.is_empty() {
        vec![args.run.rule]
    } else {
        args.rules.clone()
    };
    let values: Vec<Option<f32>> = match &args.vary {
        Some(vary) => vary.values.iter().copied().map(Some).collect(),
        None => vec![None],
    };
    let setting = args.vary.as_ref().map(|v| v.setting);
    let config_of = |job: &Job| {
        let mut config = config_from(&args.run);
        config.rule = job.rule.kind;
        config.no_derivative |= job.rule.no_derivative;
        config.seed = job.seed;
        if let (Some(setting), Some(value)) = (setting, job.value) {
            setting.apply(value, &mut config);
        }
        config
    };
    let jobs = jobs(&rules, &values, args.run.seed, args.runs);
    // Every configuration is checked before any run starts.
    for job in &jobs {
        if let Err(error) = config_of(job).validate() {
            let value = match (setting, job.value) {
                (Some(s), Some(v)) => format!(" with {}={}", s.name(), s.show(v)),
                _ => String::new(),
            };
            eprintln!("error: {}{value}: {error}", job.rule.name());
            return ExitCode::from(2);
        }
    }
    let workers = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |n| n as usize,
    );
    let next = AtomicUsize::new(0);
    let outcomes: Mutex<Vec<Option<Result<Outcome, String>>>> = Mutex::new(vec![None; jobs.len()]);
    std::thread::scope(|scope| {
        for _ in 0..workers.min(jobs.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(i) else { break };
                let config = config_of(job);
                let outcome = build(&args.run, &config).map(|mut experiment| {
                    let train_size = experiment.dataset().train_size() as u64;
                    let steps = match args.run.epochs {
                        Some(epochs) => epochs * train_size.div_ceil(config.batch as u64),
                        None => args.run.steps,
                    };
                    train(&mut experiment, steps, args.run.every, args.threshold)
                });
                outcomes.lock().expect("no worker panics")[i] = Some(outcome);
            });
        }
    });
    let outcomes: Vec<Outcome> = match outcomes
        .into_inner()
        .expect("no worker panics")
        .into_iter()
        .map(|o| o.expect("every job ran"))
        .collect()
    {
        Ok(outcomes) => outcomes,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let groups = summarise(&jobs, &outcomes);
    let mut text = String::new();
    write_table(&mut text, &groups, setting, args.threshold);
    print!("{text}");
    let written = args
        .run
        .out
        .as_deref()
        .map(|path| write_file(path, |out| write_runs(out, &jobs, &outcomes, setting)))
        .unwrap_or(Ok(()))
        .and_then(|()| {
            args.table
                .as_deref()
                .map(|path| write_file(path, |out| write_table_csv(out, &groups, setting)))
                .unwrap_or(Ok(()))
        });
    if let Err(error) = written {
        eprintln!("error: {error}");
        return ExitCode::from(1);
    }
    let failed = outcomes.iter().filter(|o| o.failure.is_some()).count();
    if failed > 0 {
        eprintln!(
            "note: {failed} of {} runs diverged; their errors are left out of the means",
            outcomes.len()
        );
    }
    ExitCode::SUCCESS
}

/// One line of the table: a rule and a value, summarised over its runs.
struct Group {
    rule: RuleArg,
    value: Option<f32>,
    runs: usize,
    diverged: usize,
    train_error: Stat,
    test_error: Stat,
    /// Per hidden layer: weight angle, update angle.
    angles: Vec<(Stat, Stat)>,
    reached: Stat,
}

fn summarise(jobs: &[Job], outcomes: &[Outcome]) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut start = 0;
    while start < jobs.len() {
        let (rule, value) = (jobs[start].rule, jobs[start].value);
        let end = start
            + jobs[start..]
                .iter()
                .take_while(|j| j.rule == rule && j.value == value)
                .count();
        let runs = &outcomes[start..end];
        // A diverged run's last row predates its failure: leave it out of the means.
        let kept: Vec<&Outcome> = runs.iter().filter(|o| o.failure.is_none()).collect();
        let layers = kept.iter().map(|o| o.angles.len()).max().unwrap_or(0);
        groups.push(Group {
            rule,
            value,
            runs: runs.len(),
            diverged: runs.len() - kept.len(),
            train_error: mean_sd(kept.iter().map(|o| o.train_error)),
            test_error: mean_sd(kept.iter().map(|o| o.test_error)),
            angles: (0..layers)
                .map(|k| {
                    let layer = |o: &&Outcome| o.angles.get(k).copied();
                    (
                        mean_sd(kept.iter().map(|o| layer(o).and_then(|a| a.0))),
                        mean_sd(kept.iter().map(|o| layer(o).and_then(|a| a.1))),
                    )
                })
                .collect(),
            reached: mean_sd(kept.iter().map(|o| o.reached.map(|s| s as f32))),
        });
        start = end;
    }
    groups
}

fn write_table(
    out: &mut String,
    groups: &[Group],
    setting: Option<Setting>,
    threshold: Option<f32>,
) {
    let mut header = vec!["rule".to_owned()];
    if let Some(setting) = setting {
        header.push(setting.name().to_owned());
    }
    header.extend(["runs", "train error", "test error"].map(str::to_owned));
    let layers = groups.iter().map(|g| g.angles.len()).max().unwrap_or(0);
    for k in 1..=layers {
        header.push(format!("weight ∠ h{k} (°)"));
        header.push(format!("update ∠ h{k} (°)"));
    }
    if let Some(t) = threshold {
        header.push(format!("steps to ≤ {t}"));
    }
    let mut rows = vec![header];
    for group in groups {
        let mut row = vec![group.rule.name()];
        if let (Some(setting), Some(value)) = (setting, group.value) {
            row.push(setting.show(value));
        }
        let runs = if group.diverged > 0 {
            format!("{} ({} diverged)", group.runs, group.diverged)
        } else {
            group.runs.to_string()
        };
        row.extend([runs, show(group.train_error), show(group.test_error)]);
        for k in 0..layers {
            let (weight, update) = group.angles.get(k).copied().unwrap_or((None, None));
            row.extend([show(weight), show(update)]);
        }
        if threshold.is_some() {
            let reached = group.reached.map_or(0, |r| r.2);
            let kept = group.runs - group.diverged;
            row.push(format!(
                "{} ({reached}/{kept} reached)",
                show(group.reached)
            ));
        }
        rows.push(row);
    }
    let columns = rows[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .map(|r| r.get(c).map_or(0, |s| s.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, &width)| format!("{cell:<width$}"))
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
    }
}

fn write_file(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let file = File::create(path)
        .map_err(|e| io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display())))?;
    let mut out = BufWriter::new(file);
    write(&mut out)?;
    out.flush()
}

/// One CSV line per hidden layer: its number (from 1) and its weight and update
/// angles; one line with an empty layer cell and no angles without a hidden layer.
fn per_layer<T: Copy>(angles: &[(Option<T>, Option<T>)]) -> Vec<(String, Option<T>, Option<T>)> {
    if angles.is_empty() {
        return vec![(String::new(), None, None)];
    }
    angles
        .iter()
        .enumerate()
        .map(|(k, &(weight, update))| ((k + 1).to_string(), weight, update))
        .collect()
}

const RUNS_HEADER: &str =
    "rule,setting,value,seed,steps,train_error,test_error,layer,weight_angle_deg,update_angle_deg,steps_to_threshold,diverged";

/// Every run's final row (one line per hidden layer; an empty layer cell without one).
fn write_runs(
    out: &mut dyn Write,
    jobs: &[Job],
    outcomes: &[Outcome],
    setting: Option<Setting>,
) -> io::Result<()> {
    writeln!(out, "{RUNS_HEADER}")?;
    for (job, outcome) in jobs.iter().zip(outcomes) {
        let (name, value) = match (setting, job.value) {
            (Some(s), Some(v)) => (s.name(), s.show(v)),
            _ => ("", String::new()),
        };
        for (layer, weight, update) in per_layer(&outcome.angles) {
            writeln!(
                out,
                "{},{name},{value},{},{},{},{},{layer},{},{},{},{}",
                job.rule.name(),
                job.seed,
                outcome.steps,
                cell(outcome.train_error),
                cell(outcome.test_error),
                cell(weight),
                cell(update),
                outcome.reached.map(|s| s.to_string()).unwrap_or_default(),
                outcome.failure.is_some(),
            )?;
        }
    }
    Ok(())
}

const TABLE_HEADER: &str = "rule,setting,value,runs,diverged,train_error_mean,train_error_sd,\
test_error_mean,test_error_sd,layer,weight_angle_mean,weight_angle_sd,update_angle_mean,\
update_angle_sd,reached,steps_to_threshold_mean,steps_to_threshold_sd";

fn write_table_csv(
    out: &mut dyn Write,
    groups: &[Group],
    setting: Option<Setting>,
) -> io::Result<()> {
    writeln!(out, "{TABLE_HEADER}")?;
    for group in groups {
        let (name, value) = match (setting, group.value) {
            (Some(s), Some(v)) => (s.name(), s.show(v)),
            _ => ("", String::new()),
        };
        for (layer, weight, update) in per_layer(&group.angles) {
            writeln!(
                out,
                "{},{name},{value},{},{},{},{},{layer},{},{},{},{}",
                group.rule.name(),
                group.runs,
                group.diverged,
                csv_stat(group.train_error),
                csv_stat(group.test_error),
                csv_stat(weight),
                csv_stat(update),
                group.reached.map_or(0, |r| r.2),
                csv_stat(group.reached),
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bioprop::RuleKind;

    #[test]
    fn mean_and_sample_sd_by_hand() {
        // 1, 2, 3, 4: mean 2.5, Σ(v - m)² = 5, sd = √(5/3).
        let (mean, sd, n) = mean_sd([Some(1.0), Some(2.0), None, Some(3.0), Some(4.0)]).unwrap();
        assert_eq!((mean, n), (2.5, 4));
        assert!((sd - (5.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert_eq!(mean_sd([Some(7.0)]), Some((7.0, 0.0, 1)));
        assert_eq!(mean_sd([None]), None);
    }

    #[test]
    fn numbers_keep_four_significant_digits() {
        assert_eq!(significant(0.05307), "0.05307");
        assert_eq!(significant(365.0), "365.0");
        assert_eq!(significant(1.0e-8), "1.000e-8");
        assert_eq!(significant(2.5e7), "2.500e7");
        assert_eq!(significant(0.0), "0");
    }

    #[test]
    fn vary_parses_names_and_values_and_refuses_bad_ones() {
        let vary = Vary::parse("feedback-scale=0.1,1, 10").unwrap();
        assert_eq!(vary.setting, Setting::FeedbackScale);
        assert_eq!(vary.values, vec![0.1, 1.0, 10.0]);
        assert_eq!(
            Vary::parse("derivative=on,off").unwrap().values,
            vec![1.0, 0.0]
        );
        for (bad, says) in [
            ("width", "NAME=V1"),
            ("height=3", "unknown setting `height`"),
            ("width=2.5", "a whole number"),
            ("depth=-1", "a whole number"),
            ("lr=fast", "not a number"),
            ("lr=inf", "a finite number"),
            ("derivative=yes", "on or off"),
        ] {
            let error = Vary::parse(bad).unwrap_err();
            assert!(error.contains(says), "{bad}: {error}");
        }
    }

    #[test]
    fn depth_and_width_reshape_the_hidden_layers() {
        let mut config = ExperimentConfig::for_task(bioprop::TaskKind::LinearTeacher);
        config.layers = vec![30, 20, 10];
        Setting::Depth.apply(3.0, &mut config);
        assert_eq!(config.layers, vec![30, 20, 20, 20, 10]);
        Setting::Width.apply(8.0, &mut config);
        assert_eq!(config.layers, vec![30, 8, 8, 8, 10]);
        Setting::Depth.apply(0.0, &mut config);
        assert_eq!(config.layers, vec![30, 10]);
        // From no hidden layer, the new ones are as wide as the wider end.
        Setting::Depth.apply(1.0, &mut config);
        assert_eq!(config.layers, vec![30, 30, 10]);
        Setting::Derivative.apply(0.0, &mut config);
        assert!(config.no_derivative);
    }

    #[test]
    fn jobs_cover_every_rule_value_and_seed_in_order() {
        let rules = [RuleKind::Backprop, RuleKind::FeedbackAlignment].map(RuleArg::from);
        let jobs = jobs(&rules, &[Some(0.5), Some(2.0)], 7, 3);
        assert_eq!(jobs.len(), 12);
        assert_eq!(
            (jobs[0].rule.kind, jobs[0].value, jobs[0].seed),
            (RuleKind::Backprop, Some(0.5), 7)
        );
        assert_eq!(
            (jobs[5].rule.kind, jobs[5].value, jobs[5].seed),
            (RuleKind::Backprop, Some(2.0), 9)
        );
        assert_eq!(jobs[6].rule.kind, RuleKind::FeedbackAlignment);
    }
}
