//! The page's settings and their URL query form.
//!
//! Pure Rust with no Yew or browser import, so it is tested natively. The page keeps
//! every setting in its address bar; [`UrlSettings::from_query`] reads one, and
//! [`UrlSettings::to_query`] writes the shareable link, listing only what differs from the
//! default page (which is therefore just the bare URL).
//!
//! ```text
//! ?task=xor&compare=bp,fa,dfa&layers=2-16-16-2&lr=0.3  ──from_query──▶  Settings
//! Settings ──experiment_configs──▶ one ExperimentConfig per rule (identical but for `rule`)
//! ```
//!
//! | key | value | default |
//! |---|---|---|
//! | `task` | a task name, e.g. `xor` (not `arrays`, which needs uploaded data; `digits` loads the compact digits file first, [`super::digits`]) | `linear-teacher` |
//! | `rule` | one rule, e.g. `fa`, or a composed one (below): a single run | — (the default page compares) |
//! | `compare` | 2 to 4 different runs, comma-separated: rules, or rules composed from parts (below), e.g. `bp,custom:wt.no-fprime` | `bp,fa` |
//! | `layers` | widths joined by `-`, input and output included, e.g. `30-20-10`; 2 to [`MAX_DEPTH`] widths of 1 to [`MAX_WIDTH`] | the task's (input-output for `delta`) |
//! | `act` | `linear`, `tanh`, `sigmoid`, `relu`, `softplus` | the task's |
//! | `lr` | in (0, [`MAX_LEARNING_RATE`]] | the task's (from link version 2: [`super::defaults::learning_rate`] where it differs) |
//! | `lrs` | runs with a learning rate of their own, `run:rate` comma-separated, e.g. `bp:0.08,fa:0.3` or `custom:b.no-fprime:0.3`; each run one of the runs, each rate as `lr` | — (every run at `lr`) |
//! | `batch` | 1 to [`MAX_BATCH`] (and at most the training set) | the task's |
//! | `noise` | in [0, [`MAX_NOISE`]] | the task's |
//! | `seed` | any `u64` | 1 |
//! | `speed` | training steps per frame, 1 to [`MAX_SPEED`], or `max` (as many as a frame's time allows) | [`DEFAULT_SPEED`] |
//! | `noderiv` | `1` or `0`: drop `f′` from the hidden error of every run | 0 |
//! | `fbscale` | multiplies `B`'s init scale, in (0, [`MAX_FEEDBACK_SCALE`]] | 1 |
//! | `kpdecay` | Kolen–Pollack's decay `λ` of `W` and `B` per step (the CLI's `--kp-decay`), in (0, 1]; other rules ignore it | [`DEFAULT_KP_DECAY`] |
//! | `draw` | which draw of the feedback matrices: the number of times "Resample B" was pressed, 0 to [`MAX_FEEDBACK_DRAW`] | 0 (the seed's own `B`) |
//! | `fb` | feedback edges drawn as `b`, `wt` (Wᵀ) or `diff` (B − Wᵀ) | `b` |
//! | `logloss` | `1` or `0`: log-scale loss axis | 1 |
//! | `autoplay` | `1` or `0` | 0 |
//! | `embed` | `1` or `0`: only the chosen views, no controls | 0 |
//! | `views` | comma-separated from `network`, `feedback`, `alignment`, `curves`, `task` | all |
//! | `present` | `1` or `0`: presentation mode, the network, angle charts and feedback matrices on one screen | 0 |
//! | `synapse` | `i-j`: the synapse `w_ij` (output `i`, input `j`, from 1) whose update the delta rule's view writes out; only with `rule=delta` | `1-1` |
//! | `inspect` | `L-i-j`: the synapse `W_L[i, j]` (weight layer `L`, postsynaptic unit `i`, presynaptic unit `j`, from 1) the locality inspector shows ([`super::inspect`]) | — (closed) |
//!
//! # Composed rules
//!
//! A run of `rule`, `compare` or `lrs` may be a rule composed from parts, spelt as the
//! CLI's `--rule` takes it (`docs/science.md` §1.5): `custom:CARRIER[.learn][.no-fprime]`
//! with `CARRIER` one of `wt`, `b`, `sign`, `sign-random`, `d`, `none`. A composition
//! is the rule it equals (`custom:b` is `fa`, `custom:b.learn` is `kp`), so a link
//! writes it by that rule's name; only a run without `f′` keeps its composed spelling
//! (`custom:b.no-fprime`), which lets one comparison hold a rule with and without `f′`.
//! A composition that cannot train a layer (`custom:wt.learn`) is refused with the
//! reason. With `noderiv=1` every run drops `f′` and `.no-fprime` adds nothing; two
//! runs that become the same keep the first.
//!
//! # Bad input
//!
//! A parameter that is unknown, unparsable or out of range is ignored, as if absent,
//! and leaves a [`Notice`] naming it, what is allowed and the default used instead.
//! Parsing never panics. Unknown keys share one notice, and the keys link trackers
//! add (`utm_*`, `fbclid`, …; [`crate::shell::query::TRACKING_KEYS`]) are ignored
//! without one. Keys and values are percent-decoded (`+` is a space); when a
//! key repeats, the last value wins. A `rule` next to a valid `compare` is ignored
//! (the runs are the compare list).
//!
//! Ranges here are those of one parameter alone. Combinations (layers that do not fit
//! the task, a batch larger than the training set, `delta` with hidden layers) are
//! core's [`ExperimentConfig::validate`]'s business: [`UrlSettings::from_query`]
//! asks it and resets the parameter it names.

use std::fmt;

use bioprop::experiment::{
    layers_string, ConfigError, ExperimentConfig, DEFAULT_KP_DECAY, MAX_BATCH, MAX_LAYERS,
    MAX_LEARNING_RATE, MAX_UNITS,
};
use bioprop::rule::RunRule;
use bioprop::session::MAX_FEEDBACK_DRAW;
use bioprop::task::{TaskError, MAX_NOISE};
use bioprop::{Activation, RuleKind, TaskKind};

use super::defaults;
pub use super::delta::Synapse;
use super::delta::{check_synapse, chosen, is_delta_view, parse_synapse, ONLY_IN_DELTA_VIEW};
pub use super::inspect::Inspect;
use super::inspect::{check_inspect, parse_inspect};
pub use crate::shell::query::Notice;
use crate::shell::query::{
    names, number, shown, whole, Problem, Reader, Repeats, FIRST_VERSION, SCHEMA_VERSION,
    VERSION_KEY,
};
use crate::shell::UrlSettings;

/// Most training steps per animation frame.
pub const MAX_SPEED: u32 = 2000;
/// The speed `max` (`speed=max`): each frame trains for as long as the worker's
/// frame budget allows ([`super::worker::MAX_SPEED_BUDGET_MS`]) rather than a set
/// number of steps.
pub const SPEED_MAX: u32 = u32::MAX;

/// A speed as the link and the speed menu write it: `max` or the steps per frame.
pub fn speed_name(speed: u32) -> String {
    if speed == SPEED_MAX {
        "max".to_owned()
    } else {
        speed.to_string()
    }
}
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
    /// 2 to 4 different runs trained in lockstep (compare mode), each a rule with or
    /// without `f′`; empty for a single run.
    pub compare: Vec<RunRule>,
    /// Layer widths, input and output included, e.g. `[30, 20, 10]`.
    pub layers: Option<Vec<usize>>,
    pub activation: Option<Activation>,
    /// The learning rate of every run without one of its own.
    pub lr: Option<f32>,
    /// The runs with a learning rate of their own (`lrs`), in the order of the runs:
    /// rules need different rates on some tasks (docs/science.md §3).
    pub learning_rates: Vec<(RunRule, f32)>,
    pub batch: Option<usize>,
    pub noise: Option<f32>,
    pub seed: u64,
    /// Training steps per animation frame, 1 to [`MAX_SPEED`].
    pub speed: u32,
    /// "Without f′": replace `f'(z)` by 1 in the hidden error.
    pub no_derivative: bool,
    /// Multiplies the feedback init's scale, in (0, [`MAX_FEEDBACK_SCALE`]].
    pub feedback_scale: f32,
    /// Kolen–Pollack's decay `λ` of `W` and `B` per step, in (0, 1]; other rules
    /// ignore it (`docs/science.md` §1.5).
    pub kp_decay: f32,
    /// Which draw of `B`: how many times it was resampled since the seed's own.
    pub draw: u32,
    pub feedback_view: FeedbackView,
    /// Log-scale loss axis.
    pub log_loss: bool,
    pub autoplay: bool,
    /// Only the chosen views, fitted to the frame; no controls.
    pub embed: bool,
    /// The views shown, in this order.
    pub views: Vec<View>,
    /// Presentation mode: the lecture's story (network, angle charts, feedback
    /// matrices of every run) on one projector screen, with a compact control bar.
    pub present: bool,
    /// The synapse the delta rule's view writes out (`None`: `w_11`); see
    /// [`super::delta`].
    pub synapse: Option<Synapse>,
    /// The synapse the locality inspector shows (`None`: closed); see
    /// [`super::inspect`].
    pub inspect: Option<Inspect>,
}

impl Default for Settings {
    /// The default page: backprop against feedback alignment on the linear teacher, so
    /// the lesson (FA's update angle falling below 90°) shows within seconds of play.
    fn default() -> Self {
        Settings {
            task: TaskKind::LinearTeacher,
            rule: RuleKind::Backprop,
            compare: vec![
                RunRule::from(RuleKind::Backprop),
                RunRule::from(RuleKind::FeedbackAlignment),
            ],
            layers: None,
            activation: None,
            lr: None,
            learning_rates: Vec::new(),
            batch: None,
            noise: None,
            seed: 1,
            speed: DEFAULT_SPEED,
            no_derivative: false,
            feedback_scale: 1.0,
            kp_decay: DEFAULT_KP_DECAY,
            draw: 0,
            feedback_view: FeedbackView::B,
            log_loss: true,
            autoplay: false,
            embed: false,
            views: View::ALL.to_vec(),
            present: false,
            synapse: None,
            inspect: None,
        }
    }
}

impl Settings {
    /// Reads a query string (`?task=xor&lr=0.1`, with or without the `?`). Every
    /// parameter that cannot be used gives a [`Notice`] and keeps its default; see the
    /// module docs. Checks each parameter alone; the page reads links with
    /// [`UrlSettings::from_query`], which also checks them together.
    pub fn from_query_unchecked(query: &str) -> (Settings, Vec<Notice>) {
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
                s.rule = compare[0].rule;
                s.compare = compare;
            }
            (None, Some(rule)) => {
                s.rule = rule.rule;
                s.no_derivative = rule.no_derivative;
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
        // Version 2 changed some tasks' rates (`super::defaults`); older links keep theirs.
        let versioned_lr = defaults::learning_rate(s.task, reader.version());
        s.lr = reader
            .read(Key::Lr.name(), parse_lr, || {
                task_default(versioned_lr.unwrap_or(defaults.lr).to_string())
            })
            .or(versioned_lr);
        if let Some(rates) = reader.read(Key::Lrs.name(), parse_rule_rates, || {
            "using lr for every run".to_owned()
        }) {
            let runs = s.rules();
            for &(rule, lr) in &rates {
                if runs.contains(&rule) {
                    s.set_learning_rate(rule, Some(lr));
                } else {
                    reader.notice(
                        Key::Lrs.name(),
                        format!(
                            "{rule} is not run (allowed: the runs, {}); its rate {lr} is ignored",
                            rule_list(&runs)
                        ),
                    );
                }
            }
        }
        s.fold_single_run_rate();
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
        if let Some(notice) = s.fold_every_run_without_f_prime() {
            reader.notice(Key::Compare.name(), notice);
        }
        s.feedback_scale = reader
            .read(
                Key::FbScale.name(),
                parse_feedback_scale,
                using(&s.feedback_scale),
            )
            .unwrap_or(s.feedback_scale);
        s.kp_decay = reader
            .read(Key::KpDecay.name(), parse_kp_decay, using(&s.kp_decay))
            .unwrap_or(s.kp_decay);
        s.draw = reader
            .read(Key::Draw.name(), parse_draw, using(&s.draw))
            .unwrap_or(s.draw);
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
        s.present = reader.read_flag(Key::Present.name(), s.present);
        s.synapse = reader.read(Key::Synapse.name(), parse_synapse, using(&Synapse::FIRST));
        if s.synapse.is_some() && !is_delta_view(&s) {
            reader.notice(Key::Synapse.name(), ONLY_IN_DELTA_VIEW);
            s.synapse = None;
        }
        s.inspect = reader.read(Key::Inspect.name(), parse_inspect, || {
            "ignored, the inspector stays closed".to_owned()
        });
        (s, reader.finish())
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
            .map(|run| {
                let config = ExperimentConfig {
                    rule: run.rule,
                    no_derivative: base.no_derivative || run.no_derivative,
                    lr: self.own_learning_rate(run).unwrap_or(base.lr),
                    ..base.clone()
                };
                config.validate()?;
                Ok(config)
            })
            .collect()
    }

    /// A change made in the page, from `self` to `next`, read as a link with `next`'s
    /// settings would be. When part of it cannot be used the page keeps `self`
    /// whole, so each notice names the value kept (`keeping 2-1024-2`) rather than
    /// the default a link would fall back to.
    ///
    /// # Errors
    ///
    /// The notices about what in `next` could not be used.
    pub fn edited(&self, next: &Settings) -> Result<Settings, Vec<Notice>> {
        // A new network without the inspected synapse closes the inspector quietly.
        let mut next = next.clone();
        let _closed = check_inspect(&mut next);
        let (checked, notices) = Settings::from_query(&next.to_query());
        if notices.is_empty() {
            return Ok(checked);
        }
        Err(notices.into_iter().map(|n| self.keeping(n)).collect())
    }

    /// `notice` with its "using …" replaced by the value `self` has for its key.
    fn keeping(&self, notice: Notice) -> Notice {
        let reason = notice
            .message
            .rfind("; using ")
            .map_or(notice.message.as_str(), |end| &notice.message[..end]);
        let kept = self
            .shown_value(&notice.param)
            .unwrap_or_else(|| "the current settings".to_owned());
        Notice::new(notice.param.clone(), format!("{reason}; keeping {kept}"))
    }

    /// The value in use for the URL key `key`, as the controls show it (a task
    /// default where the link sets none).
    fn shown_value(&self, key: &str) -> Option<String> {
        let config = self.base_config();
        let key = Key::ALL.into_iter().find(|k| k.name() == key)?;
        Some(match key {
            Key::Task => self.task.name().to_owned(),
            Key::Rule | Key::Compare => rule_list(&self.rules()),
            Key::Layers => layers_string(&config.layers),
            Key::Act => config.activation.name().to_owned(),
            Key::Lr => config.lr.to_string(),
            Key::Lrs => rule_rates(
                &self
                    .rules()
                    .into_iter()
                    .map(|rule| (rule, self.learning_rate(rule)))
                    .collect::<Vec<_>>(),
            ),
            Key::Batch => config.batch.to_string(),
            Key::Noise => config.task.noise.to_string(),
            Key::Seed => self.seed.to_string(),
            Key::Speed => speed_name(self.speed),
            Key::FbScale => self.feedback_scale.to_string(),
            Key::KpDecay => self.kp_decay.to_string(),
            Key::Draw => self.draw.to_string(),
            Key::Fb => self.feedback_view.name().to_owned(),
            Key::NoDeriv
            | Key::LogLoss
            | Key::Autoplay
            | Key::Embed
            | Key::Views
            | Key::Present => return None,
            Key::Synapse => chosen(self).to_string(),
            Key::Inspect => self
                .inspect
                .map_or_else(|| "the inspector closed".to_owned(), |i| i.to_string()),
        })
    }

    /// The learning rate the run of `rule` trains at: its own (`lrs`), or `lr`, or
    /// the task's default.
    pub fn learning_rate(&self, rule: impl Into<RunRule>) -> f32 {
        self.own_learning_rate(rule)
            .unwrap_or_else(|| self.shared_learning_rate())
    }

    /// Each run's learning rate, in the order of the runs.
    pub fn run_learning_rates(&self) -> Vec<f32> {
        self.rules()
            .into_iter()
            .map(|rule| self.learning_rate(rule))
            .collect()
    }

    /// The learning rate of the runs without one of their own: `lr`, or the task's.
    pub fn shared_learning_rate(&self) -> f32 {
        self.base_config().lr
    }

    /// The run's own learning rate, if it has one.
    pub fn own_learning_rate(&self, rule: impl Into<RunRule>) -> Option<f32> {
        let rule = rule.into();
        self.learning_rates
            .iter()
            .find(|(r, _)| *r == rule)
            .map(|&(_, lr)| lr)
    }

    /// Gives the run of `rule` its own learning rate, or (`None`) takes it away; the
    /// list stays in the order of the runs, without rules that are not run.
    pub fn set_learning_rate(&mut self, rule: impl Into<RunRule>, lr: Option<f32>) {
        let rule = rule.into();
        let mut rates: Vec<(RunRule, f32)> = self
            .learning_rates
            .iter()
            .copied()
            .filter(|&(r, _)| r != rule)
            .chain(lr.map(|lr| (rule, lr)))
            .collect();
        let runs = self.rules();
        rates.retain(|(r, _)| runs.contains(r));
        rates.sort_by_key(|(r, _)| runs.iter().position(|x| x == r));
        self.learning_rates = rates;
    }

    /// A single run has one rate, in the one η field: a rate of its own (from a link's
    /// `lrs`, or kept when compare mode is turned off) becomes `lr`.
    pub fn fold_single_run_rate(&mut self) {
        if !self.is_compare() {
            if let Some(own) = self.own_learning_rate(self.rule) {
                self.lr = Some(own);
            }
            self.learning_rates.clear();
        }
    }

    /// The same settings on another task, which brings its own sizes and defaults: the
    /// task's layers, activation, learning rate, batch and noise, no rate of a run's own
    /// (a rate for one task can diverge on another) and no chosen synapse.
    pub fn with_task(&self, task: TaskKind) -> Settings {
        Settings {
            task,
            layers: None,
            activation: None,
            lr: defaults::learning_rate(task, SCHEMA_VERSION),
            learning_rates: Vec::new(),
            batch: None,
            noise: None,
            synapse: None,
            inspect: None,
            ..self.clone()
        }
    }

    /// Two to four rules trained side by side.
    pub fn is_compare(&self) -> bool {
        self.compare.len() >= *COMPARE_RULES.start()
    }

    /// The rule of each run, in display order: with or without `f′` of its own (a
    /// single run drops it with `no_derivative`, as every run then does).
    pub fn rules(&self) -> Vec<RunRule> {
        if self.is_compare() {
            self.compare.clone()
        } else {
            vec![self.rule.into()]
        }
    }

    /// Whether a run trains `rule` (with or without `f′`).
    pub fn runs_rule(&self, rule: RuleKind) -> bool {
        self.rules().iter().any(|run| run.rule == rule)
    }

    /// Adds `run` to the comparison (turning a single run into a comparison with
    /// it); refused, with the reason, when it is run already or the comparison is full.
    ///
    /// # Errors
    ///
    /// What stops it, in words.
    pub fn add_run(&mut self, run: RunRule) -> Result<(), String> {
        let run = RunRule::new(run.rule, run.no_derivative && !self.no_derivative);
        let mut runs = self.rules();
        if runs.contains(&run) {
            return Err(format!("{} is in the comparison already", run.title()));
        }
        if runs.len() >= *COMPARE_RULES.end() {
            return Err(format!(
                "the comparison holds {} runs at most: untick one to add {}",
                COMPARE_RULES.end(),
                run.title()
            ));
        }
        if run.rule == RuleKind::Delta || runs.iter().any(|r| r.rule == RuleKind::Delta) {
            return Err("the delta rule runs alone: it trains a single layer".to_owned());
        }
        runs.push(run);
        self.compare = runs;
        self.rule = self.compare[0].rule;
        Ok(())
    }

    /// With `no_derivative` every run drops `f′`, so a run's own `.no-fprime` adds
    /// nothing: it is cleared, and a run that thereby repeats another is dropped
    /// (the notice says which), with its own rate.
    fn fold_every_run_without_f_prime(&mut self) -> Option<String> {
        if !self.no_derivative || !self.is_compare() {
            return None;
        }
        let with = |run: RunRule| RunRule::from(run.rule);
        for rate in &mut self.learning_rates {
            rate.0 = with(rate.0);
        }
        let mut kept: Vec<RunRule> = Vec::new();
        let mut dropped = Vec::new();
        for run in self.compare.drain(..) {
            if kept.contains(&with(run)) {
                dropped.push(run.to_string());
            } else {
                kept.push(with(run));
            }
        }
        self.learning_rates.dedup_by_key(|rate| rate.0);
        if kept.len() < *COMPARE_RULES.start() {
            self.rule = kept[0].rule;
            kept.clear();
        }
        self.compare = kept;
        (!dropped.is_empty()).then(|| {
            format!(
                "with noderiv=1 every run drops f′, so {} repeats another run and is left out",
                dropped.join(", ")
            )
        })
    }

    /// Whether `view` is on the page.
    pub fn shows(&self, view: View) -> bool {
        self.views.contains(&view)
    }

    /// The layers used when `layers` is `None`.
    fn default_layers(&self) -> Vec<usize> {
        let mut layers = self.task.defaults().layers;
        if self.runs_rule(RuleKind::Delta) && layers.len() > 2 {
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
        config.kp_decay = self.kp_decay;
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
            ConfigError::OutOfRange { field: "lr", .. } if self.learning_rates.is_empty() => {
                self.lr.take()?;
                (Key::Lr, defaults.lr.to_string())
            }
            ConfigError::OutOfRange { field: "lr", .. } => {
                self.learning_rates.clear();
                return Some(Notice::new(
                    Key::Lrs.name(),
                    format!("{error}; using lr for every run"),
                ));
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
            ConfigError::OutOfRange {
                field: "kp_decay", ..
            } => {
                let default = Settings::default().kp_decay;
                if self.kp_decay == default {
                    return None;
                }
                self.kp_decay = default;
                return Some(Notice::new(
                    Key::KpDecay.name(),
                    format!("{error}; using {default}"),
                ));
            }
            // The page never sets an output layer: the task's natural one is used.
            ConfigError::OutOfRange { .. }
            | ConfigError::OutputLayer { .. }
            | ConfigError::Task(_) => return None,
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

impl UrlSettings for Settings {
    /// As [`Settings::from_query_unchecked`] (`page` is the router's: it is dropped), then each parameter that core's validation rejects
    /// in combination with the others (e.g. `layers=5-3-2` for a 30-input task, a
    /// `batch` above the training set) gets a notice and goes back to its default. The
    /// settings returned always have `experiment_configs()` `Ok`.
    fn from_query(query: &str) -> (Settings, Vec<Notice>) {
        let (mut s, mut notices) =
            Settings::from_query_unchecked(&crate::shell::route::without_page(query));
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
                present: s.present,
                ..Settings::default()
            };
            debug_assert!(s.experiment_configs().is_ok());
            break;
        }
        notices.extend(check_synapse(&mut s));
        notices.extend(check_inspect(&mut s));
        (s, notices)
    }

    /// The query of a shareable link: `?` and the parameters that differ from the
    /// default page, in the order of the module docs' table; empty for the default
    /// page. `Settings::from_query_unchecked(&s.to_query())` gives back `s` with no notice for
    /// every valid `s` (every field in its range, `rule == compare[0]` in compare mode).
    fn to_query(&self) -> String {
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
        // Only the runs' own: unticking a rule in the controls drops its rate.
        let runs = self.rules();
        let own: Vec<(RunRule, f32)> = (self.learning_rates.iter().copied())
            .filter(|(rule, _)| runs.contains(rule))
            .collect();
        if !own.is_empty() {
            parts.push((Key::Lrs, rule_rates(&own)));
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
            parts.push((Key::Speed, speed_name(self.speed)));
        }
        let flag = |on: bool| if on { "1" } else { "0" }.to_owned();
        if self.no_derivative != default.no_derivative {
            parts.push((Key::NoDeriv, flag(self.no_derivative)));
        }
        if self.feedback_scale != default.feedback_scale {
            parts.push((Key::FbScale, self.feedback_scale.to_string()));
        }
        if self.kp_decay != default.kp_decay {
            parts.push((Key::KpDecay, self.kp_decay.to_string()));
        }
        if self.draw != default.draw {
            parts.push((Key::Draw, self.draw.to_string()));
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
        if self.present != default.present {
            parts.push((Key::Present, flag(self.present)));
        }
        // Only the delta rule's view has a chosen synapse: leaving it forgets it.
        if let Some(synapse) = self.synapse.filter(|_| is_delta_view(self)) {
            parts.push((Key::Synapse, synapse.to_string()));
        }
        if let Some(inspect) = self.inspect {
            parts.push((Key::Inspect, inspect.to_string()));
        }
        if parts.is_empty() {
            return String::new();
        }
        let mut pairs: Vec<String> = parts
            .iter()
            .map(|(key, value)| format!("{}={value}", key.name()))
            .collect();
        // No rate of its own on a task whose default rate changed: version 1's.
        if self.lr.is_none() && defaults::changed_since_first(self.task, SCHEMA_VERSION) {
            pairs.push(format!("{VERSION_KEY}={FIRST_VERSION}"));
        }
        format!("?{}", pairs.join("&"))
    }
}

/// The URL keys, in the order links list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Task,
    Rule,
    Compare,
    Layers,
    Act,
    Lr,
    Lrs,
    Batch,
    Noise,
    Seed,
    Speed,
    NoDeriv,
    FbScale,
    KpDecay,
    Draw,
    Fb,
    LogLoss,
    Autoplay,
    Embed,
    Views,
    Present,
    Synapse,
    Inspect,
}

impl Key {
    const ALL: [Key; 23] = [
        Key::Task,
        Key::Rule,
        Key::Compare,
        Key::Layers,
        Key::Act,
        Key::Lr,
        Key::Lrs,
        Key::Batch,
        Key::Noise,
        Key::Seed,
        Key::Speed,
        Key::NoDeriv,
        Key::FbScale,
        Key::KpDecay,
        Key::Draw,
        Key::Fb,
        Key::LogLoss,
        Key::Autoplay,
        Key::Embed,
        Key::Views,
        Key::Present,
        Key::Synapse,
        Key::Inspect,
    ];

    const fn name(self) -> &'static str {
        match self {
            Key::Task => "task",
            Key::Rule => "rule",
            Key::Compare => "compare",
            Key::Layers => "layers",
            Key::Act => "act",
            Key::Lr => "lr",
            Key::Lrs => "lrs",
            Key::Batch => "batch",
            Key::Noise => "noise",
            Key::Seed => "seed",
            Key::Speed => "speed",
            Key::NoDeriv => "noderiv",
            Key::FbScale => "fbscale",
            Key::KpDecay => "kpdecay",
            Key::Draw => "draw",
            Key::Fb => "fb",
            Key::LogLoss => "logloss",
            Key::Autoplay => "autoplay",
            Key::Embed => "embed",
            Key::Views => "views",
            Key::Present => "present",
            Key::Synapse => "synapse",
            Key::Inspect => "inspect",
        }
    }
}

mod parse;
pub use parse::parse_layers_text;
use parse::*;

#[cfg(test)]
#[path = "settings_tests.rs"]
mod tests;
