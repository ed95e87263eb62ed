//! The page's settings and their URL query form.
//!
//! Pure Rust with no Yew or browser import, so it is tested natively. The page keeps
//! every setting in its address bar; [`Settings::from_query`] reads one, and
//! [`Settings::to_query`] writes the shareable link, listing only what differs from the
//! default page (which is therefore just the bare URL).
//!
//! ```text
//! ?task=xor&compare=bp,fa,dfa&layers=2-16-16-2&lr=0.3  ──from_query──▶  Settings
//! Settings ──experiment_configs──▶ one ExperimentConfig per rule (identical but for `rule`)
//! ```
//!
//! | key | value | default |
//! |---|---|---|
//! | `task` | a task name, e.g. `xor` (not `arrays`, which needs uploaded data) | `linear-teacher` |
//! | `rule` | one rule, e.g. `fa`: a single run | — (the default page compares) |
//! | `compare` | 2 to 4 different rules, comma-separated | `bp,fa` |
//! | `layers` | widths joined by `-`, input and output included, e.g. `30-20-10`; 2 to [`MAX_DEPTH`] widths of 1 to [`MAX_WIDTH`] | the task's (input-output for `delta`) |
//! | `act` | `linear`, `tanh`, `sigmoid`, `relu`, `softplus` | the task's |
//! | `lr` | in (0, [`MAX_LEARNING_RATE`]] | the task's |
//! | `batch` | 1 to [`MAX_BATCH`] (and at most the training set) | the task's |
//! | `noise` | in [0, [`MAX_NOISE`]] | the task's |
//! | `seed` | any `u64` | 1 |
//! | `speed` | training steps per frame, 1 to [`MAX_SPEED`] | [`DEFAULT_SPEED`] |
//! | `noderiv` | `1` or `0`: drop `f′` from the hidden error | 0 |
//! | `fbscale` | multiplies `B`'s init scale, in (0, [`MAX_FEEDBACK_SCALE`]] | 1 |
//! | `fb` | feedback edges drawn as `b`, `wt` (Wᵀ) or `diff` (B − Wᵀ) | `b` |
//! | `logloss` | `1` or `0`: log-scale loss axis | 1 |
//! | `autoplay` | `1` or `0` | 0 |
//! | `embed` | `1` or `0`: only the chosen views, no controls | 0 |
//! | `views` | comma-separated from `network`, `feedback`, `alignment`, `curves`, `task` | all |
//!
//! # Bad input
//!
//! A parameter that is unknown, unparsable or out of range is ignored, as if absent,
//! and leaves a [`Notice`] naming it, what is allowed and the default used instead.
//! Parsing never panics. Keys and values are percent-decoded (`+` is a space); when a
//! key repeats, the last value wins. A `rule` next to a valid `compare` is ignored
//! (the runs are the compare list).
//!
//! Ranges here are those of one parameter alone. Combinations (layers that do not fit
//! the task, a batch larger than the training set, `delta` with hidden layers) are
//! core's [`ExperimentConfig::validate`]'s business: [`Settings::from_query_checked`]
//! asks it and resets the parameter it names.

use std::fmt;

use bioprop::experiment::{
    layers_string, ConfigError, ExperimentConfig, MAX_BATCH, MAX_LAYERS, MAX_LEARNING_RATE,
    MAX_UNITS,
};
use bioprop::task::{TaskError, MAX_NOISE};
use bioprop::{Activation, RuleKind, TaskKind};

pub use crate::shell::query::Notice;
use crate::shell::query::{names, number, shown, whole, Problem, Reader, Repeats};

/// Most training steps per animation frame.
pub const MAX_SPEED: u32 = 2000;
/// Training steps per frame of the default page: on the linear teacher feedback
/// alignment's update angle falls from 90° to about 30° in its first 250 steps, a
/// couple of seconds at this speed, slow enough to watch.
pub const DEFAULT_SPEED: u32 = 5;
/// Largest `fbscale`. Core allows up to 1000 (and 0); the page keeps to a range where
/// the slider means something and `B` is never all zeros.
pub const MAX_FEEDBACK_SCALE: f32 = 100.0;
/// Most layer widths `layers` may list, input and output included: 8, or core's
/// limit if that is lower. Deeper networks do not fit the network view.
pub const MAX_DEPTH: usize = if MAX_LAYERS < 8 { MAX_LAYERS } else { 8 };
/// Widest layer `layers` may list: 1024, or core's limit if that is lower.
pub const MAX_WIDTH: usize = if MAX_UNITS < 1024 { MAX_UNITS } else { 1024 };
/// Fewest and most rules in compare mode.
pub const COMPARE_RULES: std::ops::RangeInclusive<usize> = 2..=4;

/// How the network view draws the feedback edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum FeedbackView {
    /// The feedback matrix `B` the rule sends the error through.
    #[default]
    B,
    /// `Wᵀ`, what backprop would use.
    Transpose,
    /// `B − Wᵀ`: how far the feedback is from weight transport.
    Difference,
}

impl FeedbackView {
    pub const ALL: [FeedbackView; 3] = [
        FeedbackView::B,
        FeedbackView::Transpose,
        FeedbackView::Difference,
    ];

    /// The name in the URL: `b`, `wt`, `diff`.
    pub fn name(self) -> &'static str {
        match self {
            FeedbackView::B => "b",
            FeedbackView::Transpose => "wt",
            FeedbackView::Difference => "diff",
        }
    }

    /// The label on the toggle.
    pub fn label(self) -> &'static str {
        match self {
            FeedbackView::B => "B",
            FeedbackView::Transpose => "Wᵀ",
            FeedbackView::Difference => "B − Wᵀ",
        }
    }

    /// Parses a URL name (case and surrounding spaces ignored).
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim();
        Self::ALL
            .into_iter()
            .find(|v| v.name().eq_ignore_ascii_case(name))
    }
}

/// A panel of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    Network,
    Feedback,
    Alignment,
    Curves,
    Task,
}

impl View {
    /// Every view, in page order.
    pub const ALL: [View; 5] = [
        View::Network,
        View::Feedback,
        View::Alignment,
        View::Curves,
        View::Task,
    ];

    /// The name in the URL.
    pub fn name(self) -> &'static str {
        match self {
            View::Network => "network",
            View::Feedback => "feedback",
            View::Alignment => "alignment",
            View::Curves => "curves",
            View::Task => "task",
        }
    }

    /// The panel's title.
    pub fn label(self) -> &'static str {
        match self {
            View::Network => "Network",
            View::Feedback => "Feedback matrices",
            View::Alignment => "Alignment",
            View::Curves => "Learning curves",
            View::Task => "Task",
        }
    }

    /// Parses a URL name (case and surrounding spaces ignored).
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim();
        Self::ALL
            .into_iter()
            .find(|v| v.name().eq_ignore_ascii_case(name))
    }
}

/// Everything the page lets the user choose. `None` means "the task's default", so a
/// link that does not set the learning rate follows the task it names.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub task: TaskKind,
    /// The rule of a single run; in compare mode, `compare[0]`.
    pub rule: RuleKind,
    /// 2 to 4 different rules trained in lockstep (compare mode); empty for a single run.
    pub compare: Vec<RuleKind>,
    /// Layer widths, input and output included, e.g. `[30, 20, 10]`.
    pub layers: Option<Vec<usize>>,
    pub activation: Option<Activation>,
    pub lr: Option<f32>,
    pub batch: Option<usize>,
    pub noise: Option<f32>,
    pub seed: u64,
    /// Training steps per animation frame, 1 to [`MAX_SPEED`].
    pub speed: u32,
    /// "Without f′": replace `f'(z)` by 1 in the hidden error.
    pub no_derivative: bool,
    /// Multiplies the feedback init's scale, in (0, [`MAX_FEEDBACK_SCALE`]].
    pub feedback_scale: f32,
    pub feedback_view: FeedbackView,
    /// Log-scale loss axis.
    pub log_loss: bool,
    pub autoplay: bool,
    /// Only the chosen views, fitted to the frame; no controls.
    pub embed: bool,
    /// The views shown, in this order.
    pub views: Vec<View>,
}

impl Default for Settings {
    /// The default page: backprop against feedback alignment on the linear teacher, so
    /// the lesson (FA's update angle falling below 90°) shows within seconds of play.
    fn default() -> Self {
        Settings {
            task: TaskKind::LinearTeacher,
            rule: RuleKind::Backprop,
            compare: vec![RuleKind::Backprop, RuleKind::FeedbackAlignment],
            layers: None,
            activation: None,
            lr: None,
            batch: None,
            noise: None,
            seed: 1,
            speed: DEFAULT_SPEED,
            no_derivative: false,
            feedback_scale: 1.0,
            feedback_view: FeedbackView::B,
            log_loss: true,
            autoplay: false,
            embed: false,
            views: View::ALL.to_vec(),
        }
    }
}

impl Settings {
    /// Reads a query string (`?task=xor&lr=0.1`, with or without the `?`). Every
    /// parameter that cannot be used gives a [`Notice`] and keeps its default; see the
    /// module docs. Checks each parameter alone; see [`Settings::from_query_checked`].
    pub fn from_query(query: &str) -> (Settings, Vec<Notice>) {
        let mut reader = Reader::new(query, &KEY_NAMES, Repeats::Last);
        let default = Settings::default();
        let mut s = default.clone();

        if let Some(task) = reader.read(Key::Task.name(), parse_task, || {
            format!("using {}", default.task)
        }) {
            s.task = task;
        }
        let defaults = ExperimentConfig::for_task(s.task);

        let rule = reader.read(Key::Rule.name(), parse_rule, || {
            format!(
                "using the default comparison {}",
                rule_list(&default.compare)
            )
        });
        let compare = reader.read(Key::Compare.name(), parse_compare, || match rule {
            Some(rule) => format!("using a single run of {rule}"),
            None => format!("using {}", rule_list(&default.compare)),
        });
        match (compare, rule) {
            (Some(compare), rule) => {
                if let Some(rule) = rule.filter(|&r| r != compare[0]) {
                    reader.notice(
                        Key::Rule.name(),
                        format!(
                            "rule {rule} is ignored in compare mode; the runs are {}",
                            rule_list(&compare)
                        ),
                    );
                }
                s.rule = compare[0];
                s.compare = compare;
            }
            (None, Some(rule)) => {
                s.rule = rule;
                s.compare = Vec::new();
            }
            (None, None) => {}
        }

        let task_default = |what: String| format!("using the task's default {what}");
        s.layers = reader.read(Key::Layers.name(), parse_layers, || {
            task_default(layers_string(&s.default_layers()))
        });
        s.activation = reader.read(Key::Act.name(), parse_activation, || {
            task_default(defaults.activation.to_string())
        });
        s.lr = reader.read(Key::Lr.name(), parse_lr, || {
            task_default(defaults.lr.to_string())
        });
        s.batch = reader.read(Key::Batch.name(), parse_batch, || {
            task_default(defaults.batch.to_string())
        });
        s.noise = reader.read(Key::Noise.name(), parse_noise, || {
            task_default(defaults.task.noise.to_string())
        });
        let using = |value: &dyn fmt::Display| {
            let text = format!("using {value}");
            move || text.clone()
        };
        s.seed = reader
            .read(Key::Seed.name(), parse_seed, using(&s.seed))
            .unwrap_or(s.seed);
        s.speed = reader
            .read(Key::Speed.name(), parse_speed, using(&s.speed))
            .unwrap_or(s.speed);
        s.no_derivative = reader.read_flag(Key::NoDeriv.name(), s.no_derivative);
        s.feedback_scale = reader
            .read(
                Key::FbScale.name(),
                parse_feedback_scale,
                using(&s.feedback_scale),
            )
            .unwrap_or(s.feedback_scale);
        s.feedback_view = reader
            .read(
                Key::Fb.name(),
                parse_feedback_view,
                using(&s.feedback_view.name()),
            )
            .unwrap_or(s.feedback_view);
        s.log_loss = reader.read_flag(Key::LogLoss.name(), s.log_loss);
        s.autoplay = reader.read_flag(Key::Autoplay.name(), s.autoplay);
        s.embed = reader.read_flag(Key::Embed.name(), s.embed);
        if let Some(views) = reader.read(Key::Views.name(), parse_views, using(&"all views")) {
            s.views = views;
        }
        (s, reader.finish())
    }

    /// The query of a shareable link: `?` and the parameters that differ from the
    /// default page, in the order of the module docs' table; empty for the default
    /// page. `Settings::from_query(&s.to_query())` gives back `s` with no notice for
    /// every valid `s` (every field in its range, `rule == compare[0]` in compare mode).
    pub fn to_query(&self) -> String {
        let default = Settings::default();
        let mut parts: Vec<(Key, String)> = Vec::new();
        if self.task != default.task {
            parts.push((Key::Task, self.task.name().to_owned()));
        }
        if self.is_compare() {
            if self.compare != default.compare {
                parts.push((Key::Compare, rule_list(&self.compare)));
            }
        } else {
            // The default page compares, so a single run always says which rule.
            parts.push((Key::Rule, self.rule.name().to_owned()));
        }
        if let Some(layers) = &self.layers {
            parts.push((Key::Layers, layers_string(layers)));
        }
        if let Some(activation) = self.activation {
            parts.push((Key::Act, activation.name().to_owned()));
        }
        // `{}` prints the shortest decimal that parses back to the same f32.
        if let Some(lr) = self.lr {
            parts.push((Key::Lr, lr.to_string()));
        }
        if let Some(batch) = self.batch {
            parts.push((Key::Batch, batch.to_string()));
        }
        if let Some(noise) = self.noise {
            parts.push((Key::Noise, noise.to_string()));
        }
        if self.seed != default.seed {
            parts.push((Key::Seed, self.seed.to_string()));
        }
        if self.speed != default.speed {
            parts.push((Key::Speed, self.speed.to_string()));
        }
        let flag = |on: bool| if on { "1" } else { "0" }.to_owned();
        if self.no_derivative != default.no_derivative {
            parts.push((Key::NoDeriv, flag(self.no_derivative)));
        }
        if self.feedback_scale != default.feedback_scale {
            parts.push((Key::FbScale, self.feedback_scale.to_string()));
        }
        if self.feedback_view != default.feedback_view {
            parts.push((Key::Fb, self.feedback_view.name().to_owned()));
        }
        if self.log_loss != default.log_loss {
            parts.push((Key::LogLoss, flag(self.log_loss)));
        }
        if self.autoplay != default.autoplay {
            parts.push((Key::Autoplay, flag(self.autoplay)));
        }
        if self.embed != default.embed {
            parts.push((Key::Embed, flag(self.embed)));
        }
        if self.views != default.views {
            let names: Vec<&str> = self.views.iter().map(|v| v.name()).collect();
            parts.push((Key::Views, names.join(",")));
        }
        if parts.is_empty() {
            return String::new();
        }
        let pairs: Vec<String> = parts
            .iter()
            .map(|(key, value)| format!("{}={value}", key.name()))
            .collect();
        format!("?{}", pairs.join("&"))
    }

    /// One validated config per run ([`Settings::rules`]). They are identical but for
    /// `rule`, so (core's streams not depending on the rule) the runs share initial
    /// weights, `B` and the data order. Starts from [`ExperimentConfig::for_task`]; when
    /// `layers` is `None` and a run uses the delta rule, every run gets the task's
    /// input and output only (delta trains a single layer).
    ///
    /// # Errors
    ///
    /// Core's [`ConfigError`] for the first invalid run, or
    /// [`TaskError::NeedsArrays`] for the `arrays` task, whose data a link cannot carry.
    pub fn experiment_configs(&self) -> Result<Vec<ExperimentConfig>, ConfigError> {
        if self.task == TaskKind::Arrays {
            return Err(ConfigError::Task(TaskError::NeedsArrays));
        }
        let base = self.base_config();
        self.rules()
            .into_iter()
            .map(|rule| {
                let config = ExperimentConfig {
                    rule,
                    ..base.clone()
                };
                config.validate()?;
                Ok(config)
            })
            .collect()
    }

    /// As [`Settings::from_query`], then each parameter that core's validation rejects
    /// in combination with the others (e.g. `layers=5-3-2` for a 30-input task, a
    /// `batch` above the training set) gets a notice and goes back to its default. The
    /// settings returned always have `experiment_configs()` `Ok`.
    pub fn from_query_checked(query: &str) -> (Settings, Vec<Notice>) {
        let (mut s, mut notices) = Settings::from_query(query);
        // Each round resets one more parameter to its default, so this ends after at
        // most one round per parameter.
        while let Err(error) = s.experiment_configs() {
            if let Some(notice) = s.reset_blamed(&error) {
                notices.push(notice);
                continue;
            }
            // Not a parameter the page sets (a core limit changed under us?): fall back
            // to the default experiment and keep only how the page looks.
            notices.push(Notice::new(
                "settings",
                format!("{error}; using the default experiment"),
            ));
            s = Settings {
                speed: s.speed,
                feedback_view: s.feedback_view,
                log_loss: s.log_loss,
                autoplay: s.autoplay,
                embed: s.embed,
                views: s.views,
                ..Settings::default()
            };
            debug_assert!(s.experiment_configs().is_ok());
            break;
        }
        (s, notices)
    }

    /// Two to four rules trained side by side.
    pub fn is_compare(&self) -> bool {
        self.compare.len() >= *COMPARE_RULES.start()
    }

    /// The rule of each run, in display order.
    pub fn rules(&self) -> Vec<RuleKind> {
        if self.is_compare() {
            self.compare.clone()
        } else {
            vec![self.rule]
        }
    }

    /// Whether `view` is on the page.
    pub fn shows(&self, view: View) -> bool {
        self.views.contains(&view)
    }

    /// The layers used when `layers` is `None`.
    fn default_layers(&self) -> Vec<usize> {
        let mut layers = self.task.defaults().layers;
        if self.rules().contains(&RuleKind::Delta) && layers.len() > 2 {
            layers.drain(1..layers.len() - 1);
        }
        layers
    }

    /// The config every run shares, before its rule is set and unvalidated.
    fn base_config(&self) -> ExperimentConfig {
        let mut config = ExperimentConfig::for_task(self.task);
        config.layers = self.layers.clone().unwrap_or_else(|| self.default_layers());
        if let Some(activation) = self.activation {
            config.activation = activation;
        }
        if let Some(lr) = self.lr {
            config.lr = lr;
        }
        if let Some(batch) = self.batch {
            config.batch = batch;
        }
        if let Some(noise) = self.noise {
            config.task.noise = noise;
        }
        config.seed = self.seed;
        config.no_derivative = self.no_derivative;
        config.feedback_scale = self.feedback_scale;
        config
    }

    /// Resets the parameter `error` is about, if the page sets it and it is not at its
    /// default already, and says so.
    fn reset_blamed(&mut self, error: &ConfigError) -> Option<Notice> {
        let defaults = ExperimentConfig::for_task(self.task);
        let (key, default) = match error {
            ConfigError::LayerCount { .. }
            | ConfigError::LayerWidth { .. }
            | ConfigError::TooManyParameters { .. }
            | ConfigError::InputSize { .. }
            | ConfigError::OutputSize { .. }
            | ConfigError::DeltaNeedsOneLayer { .. } => {
                self.layers.take()?;
                (Key::Layers, layers_string(&self.default_layers()))
            }
            ConfigError::Batch { .. } => {
                self.batch.take()?;
                (Key::Batch, defaults.batch.to_string())
            }
            ConfigError::Task(TaskError::Noise { .. }) => {
                self.noise.take()?;
                (Key::Noise, defaults.task.noise.to_string())
            }
            ConfigError::OutOfRange { field: "lr", .. } => {
                self.lr.take()?;
                (Key::Lr, defaults.lr.to_string())
            }
            ConfigError::OutOfRange {
                field: "feedback_scale",
                ..
            } => {
                let default = Settings::default().feedback_scale;
                if self.feedback_scale == default {
                    return None;
                }
                self.feedback_scale = default;
                return Some(Notice::new(
                    Key::FbScale.name(),
                    format!("{error}; using {default}"),
                ));
            }
            ConfigError::OutOfRange { .. } | ConfigError::Task(_) => return None,
        };
        Some(Notice::new(
            key.name(),
            format!("{error}; using the task's default {default}"),
        ))
    }
}

/// The keys' names, for the reader.
const KEY_NAMES: [&str; Key::ALL.len()] = {
    let mut names = [""; Key::ALL.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = Key::ALL[i].name();
        i += 1;
    }
    names
};

/// The URL keys, in the order links list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Task,
    Rule,
    Compare,
    Layers,
    Act,
    Lr,
    Batch,
    Noise,
    Seed,
    Speed,
    NoDeriv,
    FbScale,
    Fb,
    LogLoss,
    Autoplay,
    Embed,
    Views,
}

impl Key {
    const ALL: [Key; 17] = [
        Key::Task,
        Key::Rule,
        Key::Compare,
        Key::Layers,
        Key::Act,
        Key::Lr,
        Key::Batch,
        Key::Noise,
        Key::Seed,
        Key::Speed,
        Key::NoDeriv,
        Key::FbScale,
        Key::Fb,
        Key::LogLoss,
        Key::Autoplay,
        Key::Embed,
        Key::Views,
    ];

    const fn name(self) -> &'static str {
        match self {
            Key::Task => "task",
            Key::Rule => "rule",
            Key::Compare => "compare",
            Key::Layers => "layers",
            Key::Act => "act",
            Key::Lr => "lr",
            Key::Batch => "batch",
            Key::Noise => "noise",
            Key::Seed => "seed",
            Key::Speed => "speed",
            Key::NoDeriv => "noderiv",
            Key::FbScale => "fbscale",
            Key::Fb => "fb",
            Key::LogLoss => "logloss",
            Key::Autoplay => "autoplay",
            Key::Embed => "embed",
            Key::Views => "views",
        }
    }
}

fn rule_list(rules: &[RuleKind]) -> String {
    rules.iter().map(|r| r.name()).collect::<Vec<_>>().join(",")
}

/// The tasks a link can name: all but `arrays`, whose data must be uploaded.
fn url_tasks() -> impl Iterator<Item = TaskKind> {
    TaskKind::ALL
        .iter()
        .copied()
        .filter(|&task| task != TaskKind::Arrays)
}

fn parse_task(value: &str) -> Result<TaskKind, Problem> {
    let allowed = names(url_tasks(), |t| t.name());
    match value.to_ascii_lowercase().parse::<TaskKind>() {
        Ok(TaskKind::Arrays) => Err(Problem::new(
            "task arrays needs uploaded data, which a link cannot carry",
            allowed,
        )),
        Ok(task) => Ok(task),
        Err(_) => Err(Problem::new(
            format!("unknown task '{}'", shown(value)),
            allowed,
        )),
    }
}

fn parse_rule(value: &str) -> Result<RuleKind, Problem> {
    value.parse().map_err(|_| {
        Problem::new(
            format!("unknown rule '{}'", shown(value)),
            names(RuleKind::ALL, RuleKind::name),
        )
    })
}

fn parse_compare(value: &str) -> Result<Vec<RuleKind>, Problem> {
    let allowed = || {
        format!(
            "{} to {} different rules separated by commas, from {}",
            COMPARE_RULES.start(),
            COMPARE_RULES.end(),
            names(RuleKind::ALL, RuleKind::name)
        )
    };
    let mut rules = Vec::new();
    for name in value.split(',') {
        let rule: RuleKind = name.parse().map_err(|_| {
            Problem::new(format!("unknown rule '{}'", shown(name.trim())), allowed())
        })?;
        if rules.contains(&rule) {
            return Err(Problem::new(
                format!("'{}' lists {rule} twice", shown(value)),
                allowed(),
            ));
        }
        rules.push(rule);
    }
    if !COMPARE_RULES.contains(&rules.len()) {
        return Err(Problem::new(
            format!(
                "'{}' names {} rule{}",
                shown(value),
                rules.len(),
                if rules.len() == 1 { "" } else { "s" }
            ),
            allowed(),
        ));
    }
    Ok(rules)
}

/// Parses layer widths as the `layers` parameter and the layers field take
/// them (`30-20-10`); the error says what is wrong and what is allowed.
pub fn parse_layers_text(value: &str) -> Result<Vec<usize>, String> {
    parse_layers(value).map_err(|p| format!("{}: {}", p.what, p.allowed))
}

fn parse_layers(value: &str) -> Result<Vec<usize>, Problem> {
    let allowed = format!(
        "2 to {MAX_DEPTH} widths of 1 to {MAX_WIDTH} joined by '-', input and output \
         included, e.g. 30-20-10"
    );
    let widths: Result<Vec<usize>, _> = value
        .split(['-', ','])
        .map(|width| width.trim().parse::<usize>())
        .collect();
    let Ok(widths) = widths else {
        return Err(Problem::new(
            format!("'{}' is not a list of whole numbers", shown(value)),
            allowed,
        ));
    };
    if !(2..=MAX_DEPTH).contains(&widths.len()) {
        return Err(Problem::new(
            format!("'{}' lists {} widths", shown(value), widths.len()),
            allowed,
        ));
    }
    if let Some(&width) = widths.iter().find(|&&w| !(1..=MAX_WIDTH).contains(&w)) {
        return Err(Problem::new(
            format!("'{}' has a layer of {width} units", shown(value)),
            allowed,
        ));
    }
    Ok(widths)
}

fn parse_activation(value: &str) -> Result<Activation, Problem> {
    value.parse().map_err(|_| {
        Problem::new(
            format!("unknown activation '{}'", shown(value)),
            names(Activation::ALL, Activation::name),
        )
    })
}

fn parse_lr(value: &str) -> Result<f32, Problem> {
    number(
        value,
        format!("a number in (0, {MAX_LEARNING_RATE}]"),
        |lr| lr > 0.0 && lr <= MAX_LEARNING_RATE,
    )
}

fn parse_noise(value: &str) -> Result<f32, Problem> {
    number(value, format!("a number in [0, {MAX_NOISE}]"), |noise| {
        (0.0..=MAX_NOISE).contains(&noise)
    })
}

fn parse_feedback_scale(value: &str) -> Result<f32, Problem> {
    number(
        value,
        format!("a number in (0, {MAX_FEEDBACK_SCALE}]"),
        |scale| scale > 0.0 && scale <= MAX_FEEDBACK_SCALE,
    )
}

fn parse_batch(value: &str) -> Result<usize, Problem> {
    whole(value, 1, MAX_BATCH)
}

fn parse_seed(value: &str) -> Result<u64, Problem> {
    whole(value, 0, u64::MAX)
}

fn parse_speed(value: &str) -> Result<u32, Problem> {
    whole(value, 1, MAX_SPEED)
}

fn parse_feedback_view(value: &str) -> Result<FeedbackView, Problem> {
    FeedbackView::from_name(value).ok_or_else(|| {
        Problem::new(
            format!("unknown feedback view '{}'", shown(value)),
            names(FeedbackView::ALL, FeedbackView::name),
        )
    })
}

fn parse_views(value: &str) -> Result<Vec<View>, Problem> {
    let allowed = || {
        format!(
            "one or more different views separated by commas, from {}",
            names(View::ALL, View::name)
        )
    };
    let mut views = Vec::new();
    for name in value.split(',') {
        let view = View::from_name(name).ok_or_else(|| {
            Problem::new(format!("unknown view '{}'", shown(name.trim())), allowed())
        })?;
        if views.contains(&view) {
            return Err(Problem::new(
                format!("'{}' lists {} twice", shown(value), view.name()),
                allowed(),
            ));
        }
        views.push(view);
    }
    Ok(views)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::query::decode;

    /// SplitMix64 (Steele, Lea & Flood 2014): a seeded generator for the property
    /// tests, so a failure repeats exactly.
    struct SplitMix(u64);

    impl SplitMix {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn coin(&mut self) -> bool {
            self.next() & 1 == 1
        }

        fn pick<T: Copy>(&mut self, items: &[T]) -> T {
            items[self.below(items.len())]
        }

        fn shuffle<T>(&mut self, items: &mut [T]) {
            for i in (1..items.len()).rev() {
                items.swap(i, self.below(i + 1));
            }
        }

        /// A value in `(0, max]`, or `[0, max]` when `zero_ok`: often an edge or a
        /// round number, otherwise random bits (long decimals, subnormals).
        fn f32_up_to(&mut self, max: f32, zero_ok: bool) -> f32 {
            match self.below(5) {
                0 => max,
                1 => self.pick(&[0.1, 0.005, 1e-3, 0.3, 1.0, f32::from_bits(1)]),
                2 if zero_ok => 0.0,
                _ => loop {
                    let v = f32::from_bits(self.next() as u32 & 0x7fff_ffff);
                    if v.is_finite() && v <= max && (v > 0.0 || zero_ok) {
                        break v;
                    }
                },
            }
        }
    }

    fn tasks() -> Vec<TaskKind> {
        url_tasks().collect()
    }

    /// A settings value with every field in its range: what the round trip must hold for.
    fn random_settings(rng: &mut SplitMix) -> Settings {
        let task = rng.pick(&tasks());
        let mut rules = RuleKind::ALL.to_vec();
        rng.shuffle(&mut rules);
        let (rule, compare) = if rng.coin() {
            (rules[0], Vec::new())
        } else {
            let n = 2 + rng.below(3);
            (rules[0], rules[..n].to_vec())
        };
        let layers = rng.coin().then(|| {
            let depth = 2 + rng.below(MAX_DEPTH - 1);
            (0..depth)
                .map(|_| match rng.below(6) {
                    0 => 1,
                    1 => MAX_WIDTH,
                    _ => 1 + rng.below(64),
                })
                .collect()
        });
        let mut views = View::ALL.to_vec();
        rng.shuffle(&mut views);
        views.truncate(1 + rng.below(View::ALL.len()));
        if rng.coin() {
            views = View::ALL.to_vec();
        }
        Settings {
            task,
            rule,
            compare,
            layers,
            activation: rng.coin().then(|| rng.pick(&Activation::ALL)),
            lr: rng.coin().then(|| rng.f32_up_to(MAX_LEARNING_RATE, false)),
            batch: rng.coin().then(|| 1 + rng.below(MAX_BATCH)),
            noise: rng.coin().then(|| rng.f32_up_to(MAX_NOISE, true)),
            seed: match rng.below(4) {
                0 => 1,
                1 => rng.pick(&[0, u64::MAX]),
                _ => rng.next(),
            },
            speed: if rng.coin() {
                DEFAULT_SPEED
            } else {
                1 + rng.below(MAX_SPEED as usize) as u32
            },
            no_derivative: rng.coin(),
            feedback_scale: if rng.coin() {
                1.0
            } else {
                rng.f32_up_to(MAX_FEEDBACK_SCALE, false)
            },
            feedback_view: rng.pick(&FeedbackView::ALL),
            log_loss: rng.coin(),
            autoplay: rng.coin(),
            embed: rng.coin(),
            views,
        }
    }

    fn assert_round_trips(s: &Settings) {
        let query = s.to_query();
        assert!(query.is_empty() || query.starts_with('?'), "{query}");
        assert_eq!(
            Settings::from_query(&query),
            (s.clone(), Vec::new()),
            "query {query}"
        );
    }

    /// The one notice `query` gives, checked to name `param`.
    fn single_notice(query: &str, param: &str) -> (Settings, Notice) {
        let (s, notices) = Settings::from_query(query);
        assert_eq!(notices.len(), 1, "{query}: {notices:?}");
        let notice = notices.into_iter().next().unwrap();
        assert_eq!(notice.param, param, "{query}: {notice}");
        (s, notice)
    }

    #[test]
    fn default_page_compares_bp_and_fa_on_the_linear_teacher_with_a_clean_url() {
        let s = Settings::default();
        assert_eq!(s.to_query(), "");
        for query in ["", "?", "&&", "?&"] {
            assert_eq!(
                Settings::from_query(query),
                (s.clone(), Vec::new()),
                "{query}"
            );
        }
        assert_eq!(s.task, TaskKind::LinearTeacher);
        assert!(s.is_compare());
        assert_eq!(s.rules(), [RuleKind::Backprop, RuleKind::FeedbackAlignment]);
        assert_eq!(s.rule, s.compare[0]);
        assert!(View::ALL.into_iter().all(|v| s.shows(v)));
        let configs = s.experiment_configs().unwrap();
        assert_eq!(configs.len(), 2);
        assert_eq!(configs[0].layers, [30, 20, 10]);
        assert_eq!(configs[0].rule, RuleKind::Backprop);
        assert_eq!(configs[1].rule, RuleKind::FeedbackAlignment);
    }

    #[test]
    fn every_key_parses_and_is_written_back_in_order() {
        let query = "?task=xor&compare=kp,fa,dfa&layers=2-16-8-2&act=relu&lr=0.25&batch=32\
                     &noise=0.2&seed=42&speed=100&noderiv=1&fbscale=2.5&fb=diff&logloss=0\
                     &autoplay=1&embed=1&views=curves,alignment";
        let expected = Settings {
            task: TaskKind::Xor,
            rule: RuleKind::KolenPollack,
            compare: vec![
                RuleKind::KolenPollack,
                RuleKind::FeedbackAlignment,
                RuleKind::DirectFeedbackAlignment,
            ],
            layers: Some(vec![2, 16, 8, 2]),
            activation: Some(Activation::Relu),
            lr: Some(0.25),
            batch: Some(32),
            noise: Some(0.2),
            seed: 42,
            speed: 100,
            no_derivative: true,
            feedback_scale: 2.5,
            feedback_view: FeedbackView::Difference,
            log_loss: false,
            autoplay: true,
            embed: true,
            views: vec![View::Curves, View::Alignment],
        };
        assert_eq!(Settings::from_query(query), (expected.clone(), Vec::new()));
        assert_eq!(expected.to_query(), query);
        assert!(expected.shows(View::Curves) && !expected.shows(View::Network));

        // The other values of the enumerated keys.
        let (s, notices) = Settings::from_query("rule=shallow&fb=wt&act=softplus&task=spirals");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(s.rules(), [RuleKind::Shallow]);
        assert!(!s.is_compare());
        assert_eq!(s.feedback_view, FeedbackView::Transpose);
        assert_eq!(s.activation, Some(Activation::Softplus));
        assert_eq!(s.task, TaskKind::Spirals);
        for task in tasks() {
            let (s, notices) = Settings::from_query(&format!("task={task}"));
            assert_eq!((s.task, notices), (task, Vec::new()));
        }
    }

    #[test]
    fn flags_take_common_spellings_and_a_bare_key_means_on() {
        for (value, on) in [
            ("1", true),
            ("true", true),
            ("YES", true),
            ("on", true),
            ("0", false),
            ("False", false),
            ("no", false),
            ("off", false),
        ] {
            let (s, notices) = Settings::from_query(&format!("embed={value}&logloss={value}"));
            assert!(notices.is_empty(), "{value}: {notices:?}");
            assert_eq!((s.embed, s.log_loss), (on, on), "{value}");
        }
        let (s, notices) = Settings::from_query("?embed&autoplay&noderiv");
        assert!(notices.is_empty());
        assert!(s.embed && s.autoplay && s.no_derivative);
    }

    #[test]
    fn each_bad_value_names_its_key_the_allowed_values_and_the_default() {
        // (query, key, words the message must contain: the allowed values and the
        // default used)
        #[rustfmt::skip]
        let cases: &[(&str, &str, &[&str])] = &[
            ("task=foo", "task", &["'foo'", "xor", "sine", "using linear-teacher"]),
            ("task=arrays", "task", &["uploaded data", "using linear-teacher"]),
            ("rule=foo", "rule", &["'foo'", "delta, bp, fa", "shallow", "using the default comparison bp,fa"]),
            ("compare=bp", "compare", &["1 rule", "2 to 4", "using bp,fa"]),
            ("compare=bp,fa,dfa,usf,kp", "compare", &["5 rule", "2 to 4"]),
            ("compare=bp,fa,bp", "compare", &["bp twice", "using bp,fa"]),
            ("compare=bp,foo", "compare", &["'foo'", "kp"]),
            ("compare=", "compare", &["no value", "2 to 4"]),
            ("layers=30", "layers", &["1 widths", "2 to 8", "using the task's default 30-20-10"]),
            ("layers=30-0-10", "layers", &["0 units", "1 to 1024"]),
            ("layers=30-2000-10", "layers", &["2000 units"]),
            ("layers=1-1-1-1-1-1-1-1-1", "layers", &["9 widths"]),
            ("layers=30-a-10", "layers", &["not a list of whole numbers"]),
            ("layers=30--10", "layers", &["not a list of whole numbers"]),
            ("act=swish", "act", &["'swish'", "tanh", "softplus", "using the task's default linear"]),
            ("lr=0", "lr", &["'0' is out of range", "(0, 1000]", "using the task's default 0.005"]),
            ("lr=-1", "lr", &["out of range", "(0, 1000]"]),
            ("lr=NaN", "lr", &["out of range"]),
            ("lr=inf", "lr", &["out of range"]),
            ("lr=1e9", "lr", &["out of range"]),
            ("lr=abc", "lr", &["not a number"]),
            ("lr=", "lr", &["no value given", "(0, 1000]", "0.005"]),
            ("lr", "lr", &["no value given"]),
            ("batch=0", "batch", &["out of range", "1 to 4096", "using the task's default 1"]),
            ("batch=5000", "batch", &["out of range"]),
            ("batch=1.5", "batch", &["not a whole number"]),
            ("batch=99999999999999999999999", "batch", &["not a whole number"]),
            ("noise=-0.1", "noise", &["out of range", "[0, 10]", "using the task's default 0"]),
            ("noise=11", "noise", &["out of range"]),
            ("seed=-1", "seed", &["not a whole number", "18446744073709551615", "using 1"]),
            ("seed=18446744073709551616", "seed", &["not a whole number"]),
            ("speed=0", "speed", &["out of range", "1 to 2000", "using 5"]),
            ("speed=2001", "speed", &["out of range"]),
            ("noderiv=maybe", "noderiv", &["'maybe'", "1 or 0", "using 0"]),
            ("logloss=2", "logloss", &["1 or 0", "using 1"]),
            ("autoplay=yes+please", "autoplay", &["'yes please'", "using 0"]),
            ("embed=x", "embed", &["1 or 0", "using 0"]),
            ("fbscale=0", "fbscale", &["out of range", "(0, 100]", "using 1"]),
            ("fbscale=101", "fbscale", &["out of range"]),
            ("fb=bt", "fb", &["'bt'", "b, wt, diff", "using b"]),
            ("views=", "views", &["no value", "network, feedback"]),
            ("views=graph", "views", &["'graph'", "alignment", "using all views"]),
            ("views=task,task", "views", &["task twice"]),
        ];
        for &(query, key, words) in cases {
            let (s, notice) = single_notice(query, key);
            assert_eq!(
                s,
                Settings::default(),
                "{query} must fall back to the default"
            );
            for word in words {
                assert!(
                    notice.message.contains(word),
                    "{query}: {notice} lacks {word:?}"
                );
            }
            assert!(notice.message.contains("allowed: "), "{query}: {notice}");
        }
        // The default quoted is the task's.
        let (_, notice) = single_notice("task=spirals&lr=x", "lr");
        assert!(
            notice.message.ends_with("using the task's default 0.3"),
            "{notice}"
        );
        let (_, notice) = single_notice("rule=delta&layers=3", "layers");
        assert!(
            notice.message.ends_with("using the task's default 30-10"),
            "{notice}"
        );
        // A long value is cut in the message.
        let (_, notice) = single_notice(&format!("task={}", "x".repeat(500)), "task");
        assert!(notice.message.len() < 300, "{notice}");
    }

    #[test]
    fn unknown_and_nameless_parameters_are_ignored_with_a_notice() {
        let (s, notice) = single_notice("foo=1", "foo");
        assert_eq!(s, Settings::default());
        assert!(
            notice.message.contains("unknown parameter 'foo'"),
            "{notice}"
        );
        assert!(
            notice.message.contains("task, rule, compare, layers"),
            "{notice}"
        );
        assert_eq!(notice.to_string(), format!("foo: {}", notice.message));
        let (s, notice) = single_notice("=x&lr=0.5", "(no name)");
        assert_eq!(s.lr, Some(0.5));
        assert!(notice.message.contains("'=x'"), "{notice}");
        let (_, notices) = Settings::from_query("a=1&b&lr=oops");
        let params: Vec<&str> = notices.iter().map(|n| n.param.as_str()).collect();
        assert_eq!(params, ["a", "b", "lr"]);
    }

    #[test]
    fn query_syntax_percent_encoding_plus_case_and_duplicates() {
        let (s, notices) = Settings::from_query("compare=bp%2Cfa%2Cdfa");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(s.compare.len(), 3);
        let (s, notices) = Settings::from_query("compare=kp,+fa&TASK=XOR&Act=%20Tanh");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(
            s.rules(),
            [RuleKind::KolenPollack, RuleKind::FeedbackAlignment]
        );
        assert_eq!(s.task, TaskKind::Xor);
        assert_eq!(s.activation, Some(Activation::Tanh));
        // The last value wins, even over an earlier bad one.
        let (s, notices) = Settings::from_query("lr=0.1&lr=0.2&seed=x&seed=7");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!((s.lr, s.seed), (Some(0.2), 7));
        let (s, _) = Settings::from_query("lr=0.2&lr=x");
        assert_eq!(s.lr, None);
        // Layers may also be comma-separated (as %2C from a form).
        let (s, notices) = Settings::from_query("layers=30%2C5%2C10");
        assert!(notices.is_empty());
        assert_eq!(s.layers, Some(vec![30, 5, 10]));
        // Broken escapes and bytes do not panic.
        for query in [
            "%",
            "lr=%",
            "lr=%zz",
            "task=%E2%82",
            "%FF=%FE",
            "seed=%31%32",
            "=",
            "===",
        ] {
            let _ = Settings::from_query(query);
        }
        assert_eq!(Settings::from_query("seed=%31%32").0.seed, 12);
        assert_eq!(decode("a%2bb+c%"), "a+b c%");
    }

    #[test]
    fn rule_alone_is_a_single_run_and_compare_wins_over_rule() {
        let (s, notices) = Settings::from_query("rule=fa");
        assert!(notices.is_empty());
        assert_eq!(
            (s.rules(), s.is_compare()),
            (vec![RuleKind::FeedbackAlignment], false)
        );
        // A single run of bp differs from the default page, so its link says so.
        let single_bp = Settings {
            compare: Vec::new(),
            ..Settings::default()
        };
        assert_eq!(single_bp.to_query(), "?rule=bp");
        assert_round_trips(&single_bp);

        let (s, notices) = Settings::from_query("compare=usf,bp&rule=usf");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(s.rule, RuleKind::SignSymmetry);
        let (s, notice) = single_notice("compare=usf,bp&rule=fa", "rule");
        assert_eq!(s.rules(), [RuleKind::SignSymmetry, RuleKind::Backprop]);
        assert!(
            notice.message.contains("ignored in compare mode"),
            "{notice}"
        );
        // A bad compare next to a good rule leaves the single run asked for.
        let (s, notice) = single_notice("compare=fa&rule=fa", "compare");
        assert_eq!(s.rules(), [RuleKind::FeedbackAlignment]);
        assert!(
            notice.message.ends_with("using a single run of fa"),
            "{notice}"
        );
    }

    #[test]
    fn round_trip_holds_for_generated_settings() {
        let mut rng = SplitMix(0x5eed);
        for _ in 0..20_000 {
            assert_round_trips(&random_settings(&mut rng));
        }
    }

    #[test]
    fn round_trip_holds_exhaustively_for_rules_tasks_and_views() {
        for task in tasks() {
            for rule in RuleKind::ALL {
                assert_round_trips(&Settings {
                    task,
                    rule,
                    compare: Vec::new(),
                    ..Settings::default()
                });
                for second in RuleKind::ALL.into_iter().filter(|&r| r != rule) {
                    assert_round_trips(&Settings {
                        task,
                        rule,
                        compare: vec![rule, second],
                        ..Settings::default()
                    });
                }
            }
        }
        // Every non-empty set of views, in page order and reversed.
        for mask in 1..(1u32 << View::ALL.len()) {
            let mut views: Vec<View> = View::ALL
                .into_iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, v)| v)
                .collect();
            assert_round_trips(&Settings {
                views: views.clone(),
                ..Settings::default()
            });
            views.reverse();
            assert_round_trips(&Settings {
                views,
                ..Settings::default()
            });
        }
        for feedback_view in FeedbackView::ALL {
            assert_round_trips(&Settings {
                feedback_view,
                ..Settings::default()
            });
        }
        // Values equal to the task's defaults are still written: `Some` is a choice.
        assert_round_trips(&Settings {
            lr: Some(0.005),
            layers: Some(vec![30, 20, 10]),
            ..Settings::default()
        });
    }

    /// Random queries from plausible and hostile pieces: the parser never panics, what
    /// it returns is valid (so it round-trips), and the checked version always runs.
    #[test]
    fn any_query_gives_valid_settings_and_checked_ones_run() {
        let keys: Vec<&str> = Key::ALL
            .into_iter()
            .map(Key::name)
            .chain(["foo", "", "LR", "compare%3D"])
            .collect();
        let values = [
            "",
            "1",
            "0",
            "-1",
            "0.1",
            "1e9",
            "1e-40",
            "NaN",
            "inf",
            "-0",
            "bp",
            "fa",
            "delta",
            "bp,fa",
            "bp%2Cfa",
            "delta,bp",
            "bp,bp",
            "30-20-10",
            "2-8-2",
            "5-3-2",
            "1-1",
            "30-4096-10",
            "xor",
            "sine",
            "arrays",
            "tanh",
            "b",
            "diff",
            "curves,task",
            "%",
            "%zz",
            "+",
            "18446744073709551616",
            "1000",
            "500",
            "100",
            "10",
            "4096",
            "2000",
        ];
        let mut rng = SplitMix(2024);
        for _ in 0..5_000 {
            let pairs: Vec<String> = (0..rng.below(9))
                .map(|_| {
                    let key = rng.pick(&keys);
                    match rng.below(8) {
                        0 => key.to_owned(),
                        _ => format!("{key}={}", rng.pick(&values)),
                    }
                })
                .collect();
            let query = format!("?{}", pairs.join("&"));
            let (s, notices) = Settings::from_query(&query);
            assert_round_trips(&s);
            for notice in &notices {
                assert!(!notice.param.is_empty(), "{query}: {notice}");
                assert!(
                    notice.message.contains("using") || notice.message.contains("ignored"),
                    "{query}: {notice}"
                );
            }
            let (checked, more) = Settings::from_query_checked(&query);
            assert!(more.len() >= notices.len());
            assert!(
                checked.experiment_configs().is_ok(),
                "{query}: {:?}",
                checked.experiment_configs()
            );
            assert_round_trips(&checked);
        }
    }

    #[test]
    fn checked_query_resets_what_does_not_fit_the_task() {
        let (s, notices) = Settings::from_query_checked("layers=5-3-2&lr=0.01");
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert_eq!(notices[0].param, "layers");
        assert!(
            notices[0]
                .message
                .contains("input size of task `linear-teacher`, 30, got 5"),
            "{}",
            notices[0]
        );
        assert!(notices[0]
            .message
            .ends_with("using the task's default 30-20-10"));
        assert_eq!((s.layers, s.lr), (None, Some(0.01)), "the rest is kept");

        let (s, notices) = Settings::from_query_checked("task=xor&batch=1000");
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert_eq!(notices[0].param, "batch");
        assert!(notices[0].message.contains("500 samples"), "{}", notices[0]);
        assert_eq!((s.task, s.batch), (TaskKind::Xor, None));

        // Several at once: each gets its own notice.
        let (s, notices) =
            Settings::from_query_checked("task=sine&layers=30-20-10&batch=4096&lr=1e9");
        let params: Vec<&str> = notices.iter().map(|n| n.param.as_str()).collect();
        assert_eq!(params, ["lr", "layers", "batch"]);
        assert_eq!(
            s,
            Settings {
                task: TaskKind::Sine,
                ..Settings::default()
            }
        );

        // The delta rule trains one layer: explicit hidden layers are reset, and by
        // default it gets the task's input and output only.
        let (s, notices) = Settings::from_query_checked("rule=delta&layers=30-20-10");
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert_eq!(notices[0].param, "layers");
        assert!(notices[0].message.contains("delta"), "{}", notices[0]);
        assert!(notices[0]
            .message
            .ends_with("using the task's default 30-10"));
        assert_eq!(s.experiment_configs().unwrap()[0].layers, [30, 10]);
        let (s, notices) = Settings::from_query_checked("compare=delta,bp");
        assert!(notices.is_empty(), "{notices:?}");
        for config in s.experiment_configs().unwrap() {
            assert_eq!(config.layers, [30, 10]);
        }

        // Within the page's own limits but beyond core's parameter budget.
        let wide =
            format!("layers=30-{MAX_WIDTH}-{MAX_WIDTH}-{MAX_WIDTH}-{MAX_WIDTH}-{MAX_WIDTH}-10");
        let (s, notices) = Settings::from_query_checked(&wide);
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert_eq!((notices[0].param.as_str(), s.layers), ("layers", None));
    }

    #[test]
    fn every_task_and_rule_opens_without_a_notice() {
        for task in tasks() {
            let inputs = task.defaults().layers[0];
            for rule in RuleKind::ALL {
                let query = format!("?task={task}&rule={rule}");
                let (s, notices) = Settings::from_query_checked(&query);
                assert!(notices.is_empty(), "{query}: {notices:?}");
                let configs = s.experiment_configs().unwrap();
                assert_eq!(configs.len(), 1);
                assert_eq!((configs[0].rule, configs[0].layers[0]), (rule, inputs));
            }
            let query = format!("?task={task}&compare=bp,fa,dfa,kp&act=relu&batch=1");
            let (s, notices) = Settings::from_query_checked(&query);
            assert!(notices.is_empty(), "{query}: {notices:?}");
            assert_eq!(s.experiment_configs().unwrap().len(), 4);
        }
    }

    #[test]
    fn compare_configs_differ_only_in_rule_and_carry_the_overrides() {
        let (s, notices) = Settings::from_query_checked(
            "task=moons&compare=usf,bp,frsf,kp&layers=2-6-5-2&act=sigmoid&lr=0.4&batch=7\
             &noise=0.3&seed=99&noderiv=1&fbscale=3",
        );
        assert!(notices.is_empty(), "{notices:?}");
        let configs = s.experiment_configs().unwrap();
        assert_eq!(
            configs.iter().map(|c| c.rule).collect::<Vec<_>>(),
            s.rules()
        );
        for config in &configs {
            assert_eq!(
                ExperimentConfig {
                    rule: configs[0].rule,
                    ..config.clone()
                },
                configs[0]
            );
        }
        let config = &configs[0];
        let expected = ExperimentConfig {
            rule: RuleKind::SignSymmetry,
            layers: vec![2, 6, 5, 2],
            activation: Activation::Sigmoid,
            lr: 0.4,
            batch: 7,
            seed: 99,
            no_derivative: true,
            feedback_scale: 3.0,
            ..ExperimentConfig::for_task(TaskKind::Moons)
        };
        assert_eq!(config.task.noise, 0.3);
        assert_eq!(
            ExperimentConfig {
                task: expected.task,
                ..config.clone()
            },
            expected,
            "everything else is the task's default"
        );
    }

    #[test]
    fn arrays_cannot_be_opened_from_a_link() {
        let s = Settings {
            task: TaskKind::Arrays,
            ..Settings::default()
        };
        assert_eq!(
            s.experiment_configs(),
            Err(ConfigError::Task(TaskError::NeedsArrays))
        );
    }

    #[test]
    fn ranges_follow_core() {
        const { assert!(MAX_DEPTH <= MAX_LAYERS && MAX_WIDTH <= MAX_UNITS) };
        // lr accepts exactly core's range: its largest value, not the next f32 up.
        let (s, notices) = Settings::from_query(&format!("lr={MAX_LEARNING_RATE}"));
        assert!(notices.is_empty());
        assert!(s.experiment_configs().is_ok());
        let above = f32::from_bits(MAX_LEARNING_RATE.to_bits() + 1);
        single_notice(&format!("lr={above}"), "lr");
        // So does batch, up to core's cap and the training set (checked).
        let (s, notices) = Settings::from_query_checked("task=xor&batch=500");
        assert!(notices.is_empty());
        assert_eq!(s.batch, Some(500));
        // And noise, from exactly 0 to core's largest.
        let (s, notices) = Settings::from_query_checked("noise=0&task=moons");
        assert!(notices.is_empty());
        assert_eq!(s.experiment_configs().unwrap()[0].task.noise, 0.0);
        let (_, notices) = Settings::from_query_checked(&format!("noise={MAX_NOISE}"));
        assert!(notices.is_empty());
    }
}
