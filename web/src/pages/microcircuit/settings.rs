//! The microcircuit page's settings and their URL form (`?page=microcircuit&…`). Pure:
//! no Yew or web-sys, so it is tested natively.
//!
//! | key | meaning, allowed values | default |
//! |---|---|---|
//! | `task` | any task but `arrays` and `autoencoder`: `nonlinear-teacher`, `linear-teacher`, `xor`, `circles`, `spirals`, `gaussians`, `moons`, `sine`; `sacramento-2018`, the paper's regression task under its conditions ([`CircuitTask::Paper`]); or `digits`, the handwritten digits ([`CircuitTask::Digits`], [`super::digits`]) | `nonlinear-teacher` |
//! | `mode` | `full` (Euler steps of 0.1 ms) or `steady` (the steady-state approximation); the digits run the steady state only | `full` (`steady` on the digits) |
//! | `init` | `self-predicting` (closed form) or `random` (interneuron weights random); the paper's task always starts random, the digits self-predicting | `self-predicting` |
//! | `target` | `1` or `0`: the output is nudged towards the target; `0` is pre-training. The paper's task pre-trains first whatever it says; `0` keeps the target off after. The digits learn with the target on | 1 |
//! | `speed` | simulated milliseconds per animation frame, 1 to [`MAX_SPEED`] (a frame also stops at its time budget) | [`DEFAULT_SPEED`] ([`MAX_SPEED`] on the digits) |
//! | `neuron` | the traced pyramidal cell of hidden layer 1 (0-based; its interneuron partner is the same index, clamped to the layer above) | 0 |
//! | `seed` | any whole number from 0 to 2⁶⁴−1 | 1 |
//! | `autoplay` | `1` or `0` | 0 |
//! | `embed` | `1` or `0`: only the views, no header, controls or explanation | 0 |
//! | `inspect` | `1` to `4`: the locality inspector on one of the four plasticity rules, in the order of `docs/science.md` §4.2 ([`super::inspector`]) | — (closed) |
//!
//! A bad value is ignored with a [`Notice`] naming the key, the allowed values and the
//! default used; unknown keys likewise, and a value the digits task cannot take
//! (`mode=full`, `init=random`, `target=0`). Parsing never panics; the last value of a
//! repeated key wins. `neuron` is range-checked against the task's layer sizes by
//! [`MicrocircuitSettings::checked_neuron`], since the range depends on the task.

use bioprop::microcircuit::{preset, Mode, Start};
use bioprop::task::mnist;
use bioprop::{MicrocircuitConfig, TaskKind};

use super::digits;

pub use crate::shell::query::Notice;
use crate::shell::query::{choice, whole, Problem, QueryWriter, Reader, Repeats};
use crate::shell::UrlSettings;

/// Most simulated milliseconds per frame (1000 patterns of the steady-state model).
pub const MAX_SPEED: u32 = 100_000;
/// Simulated milliseconds per frame on a fresh page: half a 100 ms pattern.
pub const DEFAULT_SPEED: u32 = 50;

/// What the circuit learns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CircuitTask {
    /// A task whose data core generates, with core's circuit defaults for it
    /// (docs/science.md §4.4).
    Generated(TaskKind),
    /// The paper's regression task under the paper's conditions: core's
    /// `sacramento-2018` preset (soft-rectifier rates, the k = 10, 2 teacher, random
    /// start, pre-training, then learning), the CLI's `--preset sacramento-2018`.
    Paper,
    /// The handwritten digits: core's digits experiment made small
    /// ([`super::digits::config`]), on the digits the worker downloads.
    Digits,
}

impl CircuitTask {
    /// The name in the URL and the task list.
    pub fn name(self) -> &'static str {
        match self {
            CircuitTask::Generated(task) => task.name(),
            CircuitTask::Paper => preset::NAME,
            CircuitTask::Digits => TaskKind::Digits.name(),
        }
    }

    /// The task list's words for it.
    pub fn label(self) -> String {
        match self {
            CircuitTask::Generated(task) => task.name().to_owned(),
            CircuitTask::Paper => format!("{} (paper)", preset::NAME),
            CircuitTask::Digits => format!("digits (MNIST, 784-{}-10)", digits::HIDDEN),
        }
    }

    /// The offered task of this name (any case), if any.
    pub fn from_name(name: &str) -> Option<Self> {
        tasks().find(|t| t.name().eq_ignore_ascii_case(name.trim()))
    }

    /// Whether the task brings its own start and pre-training schedule.
    pub fn is_preset(self) -> bool {
        !matches!(self, CircuitTask::Generated(_))
    }

    /// The speed a fresh page runs the task at: the digits as fast as the frame's
    /// budget allows.
    pub fn default_speed(self) -> u32 {
        match self {
            CircuitTask::Digits => MAX_SPEED,
            _ => DEFAULT_SPEED,
        }
    }

    /// The model a fresh page runs the task with: the digits' is the steady state.
    pub fn default_mode(self) -> Mode {
        match self {
            CircuitTask::Digits => Mode::SteadyState,
            _ => Mode::Full,
        }
    }
}

/// Tasks the page offers: every task whose data core generates, its default (the
/// nonlinear teacher) first, then the paper's, then the digits.
pub fn tasks() -> impl Iterator<Item = CircuitTask> {
    std::iter::once(TaskKind::NonlinearTeacher)
        // The autoencoder is the networks' (the rules page): its point is the target,
        // not the circuit's dynamics.
        .chain(
            TaskKind::generated()
                .filter(|&t| !matches!(t, TaskKind::NonlinearTeacher | TaskKind::Autoencoder)),
        )
        .map(CircuitTask::Generated)
        .chain([CircuitTask::Paper, CircuitTask::Digits])
}

/// Everything the microcircuit page's URL can set.
/// Sent to the worker as they are: it builds the circuit from them ([`Self::config`]).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MicrocircuitSettings {
    pub task: CircuitTask,
    pub mode: Mode,
    pub start: Start,
    /// Output nudged towards the target (off = pre-training without target).
    pub target: bool,
    pub speed: u32,
    /// The traced pyramidal cell of hidden layer 1.
    pub neuron: usize,
    pub seed: u64,
    pub autoplay: bool,
    pub embed: bool,
    /// The plasticity rule the locality inspector shows, from 1 (`None`: closed).
    pub inspect: Option<usize>,
}

impl Default for MicrocircuitSettings {
    fn default() -> Self {
        MicrocircuitSettings {
            task: CircuitTask::Generated(TaskKind::NonlinearTeacher),
            mode: Mode::Full,
            start: Start::SelfPredicting,
            target: true,
            speed: DEFAULT_SPEED,
            neuron: 0,
            seed: 1,
            autoplay: false,
            embed: false,
            inspect: None,
        }
    }
}

/// The page's own keys (the shell adds `page` and `v`).
const KEYS: &[&str] = &[
    "task", "mode", "init", "target", "speed", "neuron", "seed", "autoplay", "embed", "inspect",
];

impl MicrocircuitSettings {
    /// A notice when `neuron` is past the task's first hidden layer.
    pub fn checked_neuron(&self) -> Option<Notice> {
        let hidden = self.hidden_size();
        (self.neuron >= hidden).then(|| {
            Notice::new(
                "neuron",
                format!(
                "{} is out of range for {} (hidden layer 1 has {hidden} cells: 0 to {}); using 0",
                self.neuron,
                self.task.name(),
                hidden - 1
            ),
            )
        })
    }

    /// Cells in hidden layer 1 of the task's network.
    pub fn hidden_size(&self) -> usize {
        let layers = match self.task {
            CircuitTask::Generated(task) => task.defaults().layers,
            CircuitTask::Paper => preset::STUDENT.to_vec(),
            CircuitTask::Digits => return digits::HIDDEN,
        };
        layers.get(1).copied().unwrap_or(1).max(1)
    }

    /// The circuit these settings describe: core's defaults for the task with the
    /// URL's start, or the paper's preset as the CLI builds it; then the URL's mode,
    /// seed and probe. Metrics rows come more often than core's default so the loss
    /// curve moves while watching (a full-model pattern is a few frames).
    pub fn config(&self) -> MicrocircuitConfig {
        let mut config = match self.task {
            // The worker sizes it to the digits it reads.
            CircuitTask::Digits => {
                return digits::config(self.seed, mnist::TRAIN_COUNT, mnist::TEST_COUNT)
            }
            CircuitTask::Generated(task) => MicrocircuitConfig {
                start: self.start,
                ..MicrocircuitConfig::for_task(task)
            },
            CircuitTask::Paper => preset::config(self.seed),
        };
        config.mode = self.mode;
        config.seed = self.seed;
        config.log_every = match self.mode {
            Mode::Full => 5,
            Mode::SteadyState => 100,
        };
        config.probe.neuron = self.neuron.min(self.hidden_size() - 1);
        let above = config.layers.get(2).copied().unwrap_or(1).max(1);
        config.probe.interneuron = self.neuron.min(above - 1);
        config.trace_capacity = 2000;
        config
    }

    /// The settings an imported file gives (`query`, the worker's reading of it), shown
    /// as these are: the speed, autoplay, embedding and the inspector stay.
    ///
    /// # Errors
    ///
    /// A value the link reader refuses (the worker has checked it already).
    pub fn with_imported(&self, query: &str) -> Result<MicrocircuitSettings, String> {
        let read: MicrocircuitSettings = crate::widgets::config_import::settings_of(query)?;
        Ok(MicrocircuitSettings {
            speed: self.speed,
            autoplay: self.autoplay,
            embed: self.embed,
            inspect: self.inspect,
            ..read
        })
    }

    /// What the digits task cannot take, set back to what it runs, with a notice each:
    /// the full model, the random start, the target off.
    pub fn digits_only(&mut self) -> Vec<Notice> {
        let mut notices = Vec::new();
        if self.mode == Mode::Full {
            self.mode = Mode::SteadyState;
            notices.push(Notice::new(
                "mode",
                "full is not offered on the digits (the full model would take hours per epoch \
                 of 784-100-10 here); using steady",
            ));
        }
        if self.start == Start::Random {
            self.start = Start::SelfPredicting;
            notices.push(Notice::new(
                "init",
                "the digits start from the self-predicting state, as in the paper; using \
                 self-predicting",
            ));
        }
        if !self.target {
            self.target = true;
            notices.push(Notice::new(
                "target",
                "the digits learn with the target on (no pre-training from the \
                 self-predicting state); using 1",
            ));
        }
        notices
    }

    /// Whether going from `self` to `next` needs a new circuit (task, start, seed);
    /// mode, target, speed and the traced neuron change the running one.
    pub fn needs_rebuild(&self, next: &MicrocircuitSettings) -> bool {
        self.task != next.task || self.start != next.start || self.seed != next.seed
    }
}

fn default_text(key: &str) -> String {
    let d = MicrocircuitSettings::default();
    match key {
        "task" => d.task.name().into(),
        "mode" => "full".into(),
        "init" => "self-predicting".into(),
        "target" => "1".into(),
        "speed" => d.speed.to_string(),
        "seed" => "1".into(),
        _ => "0".into(),
    }
}

fn parse_mode(value: &str) -> Result<Mode, Problem> {
    choice(value, "mode", Mode::from_name(value), "full or steady")
}

fn parse_start(value: &str) -> Result<Start, Problem> {
    choice(
        value,
        "start",
        Start::from_name(value),
        "self-predicting or random",
    )
}

impl UrlSettings for MicrocircuitSettings {
    /// The settings `query` asks for, with a notice per ignored parameter.
    fn from_query(query: &str) -> (Self, Vec<Notice>) {
        let mut s = MicrocircuitSettings::default();
        let mut reader = Reader::new(query, KEYS, Repeats::LastUsable);
        let using = |key: &str| {
            let text = format!("using {}", default_text(key));
            move || text.clone()
        };
        let task_names: Vec<&str> = tasks().map(|t| t.name()).collect();
        if let Some(task) = reader.read(
            "task",
            |v| choice(v, "task", CircuitTask::from_name(v), task_names.join(", ")),
            using("task"),
        ) {
            s.task = task;
        }
        s.mode = s.task.default_mode();
        s.speed = s.task.default_speed();
        let speed_default = format!("using {}", s.speed);
        if let Some(mode) = reader.read("mode", parse_mode, using("mode")) {
            s.mode = mode;
        }
        if let Some(start) = reader.read("init", parse_start, using("init")) {
            s.start = start;
        }
        s.target = reader.read_flag("target", s.target);
        if let Some(v) = reader.read(
            "speed",
            |v| whole(v, 1, MAX_SPEED),
            || speed_default.clone(),
        ) {
            s.speed = v;
        }
        if let Some(v) = reader.read("neuron", |v| whole(v, 0, 9999), using("neuron")) {
            s.neuron = v;
        }
        if let Some(v) = reader.read("seed", |v| whole(v, 0, u64::MAX), using("seed")) {
            s.seed = v;
        }
        s.autoplay = reader.read_flag("autoplay", s.autoplay);
        s.embed = reader.read_flag("embed", s.embed);
        s.inspect = reader.read(
            "inspect",
            |v| {
                choice(
                    v,
                    "inspect",
                    super::inspector::parse_rule_number(v),
                    "1 to 4, one of the four plasticity rules",
                )
            },
            || "ignored, the inspector stays closed".to_owned(),
        );
        let mut notices = reader.finish();
        if s.task == CircuitTask::Digits {
            notices.extend(s.digits_only());
        }
        if let Some(notice) = s.checked_neuron() {
            s.neuron = 0;
            notices.push(notice);
        }
        (s, notices)
    }

    /// The query that gives these settings back, defaults left out; always starts with
    /// `?page=microcircuit`.
    fn to_query(&self) -> String {
        let d = MicrocircuitSettings::default();
        let mut query = QueryWriter::new("microcircuit");
        query.differs("task", self.task.name(), d.task.name());
        query.differs("mode", self.mode.name(), self.task.default_mode().name());
        query.differs("init", self.start.name(), d.start.name());
        query.flag("target", self.target, d.target);
        query.differs("speed", self.speed, self.task.default_speed());
        query.differs("neuron", self.neuron, d.neuron);
        query.differs("seed", self.seed, d.seed);
        query.flag("autoplay", self.autoplay, d.autoplay);
        query.flag("embed", self.embed, d.embed);
        if let Some(n) = self.inspect {
            query.differs("inspect", n, 0);
        }
        query.finish()
    }
}

#[cfg(test)]
mod tests {
    use bioprop::Microcircuit;

    use super::*;

    #[test]
    fn defaults_give_the_bare_page_and_a_valid_circuit() {
        let (s, notices) = MicrocircuitSettings::from_query("?page=microcircuit");
        assert_eq!(s, MicrocircuitSettings::default());
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(s.to_query(), "?page=microcircuit");
        let config = s.config();
        assert_eq!(config.layers, vec![30, 50, 10]);
        assert!(Microcircuit::new(&config).is_ok());
    }

    #[test]
    fn every_key_round_trips() {
        let s = MicrocircuitSettings {
            task: CircuitTask::Generated(TaskKind::Xor),
            mode: Mode::SteadyState,
            start: Start::Random,
            target: false,
            speed: 4000,
            neuron: 3,
            seed: u64::MAX,
            autoplay: true,
            embed: true,
            inspect: Some(3),
        };
        let query = s.to_query();
        let (back, notices) = MicrocircuitSettings::from_query(&query);
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(back, s, "{query}");
        assert!(Microcircuit::new(&back.config()).is_ok());
    }

    #[test]
    fn every_offered_task_builds_a_circuit_in_both_modes() {
        for task in tasks() {
            for mode in [Mode::Full, Mode::SteadyState] {
                let s = MicrocircuitSettings {
                    task,
                    mode,
                    neuron: 10_000 % 7,
                    ..Default::default()
                };
                let config = s.config();
                let built = match task {
                    CircuitTask::Generated(_) => Microcircuit::new(&config).is_ok(),
                    CircuitTask::Paper => {
                        Microcircuit::with_dataset(&config, preset::dataset(s.seed)).is_ok()
                    }
                    // Its data comes from a file (built in web/tests/microcircuit_digits.rs);
                    // it runs the steady state whatever the mode says.
                    CircuitTask::Digits => {
                        config.validate().is_ok() && config.mode == Mode::SteadyState
                    }
                };
                assert!(built, "{task:?} {mode:?}");
            }
        }
    }

    #[test]
    fn the_papers_task_is_the_clis_preset_with_the_pages_mode_seed_and_probe() {
        let (s, notices) =
            MicrocircuitSettings::from_query("?page=microcircuit&task=Sacramento-2018&seed=4");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(s.task, CircuitTask::Paper);
        assert_eq!(
            s.to_query(),
            "?page=microcircuit&task=sacramento-2018&seed=4"
        );
        assert!(tasks().any(|t| t == CircuitTask::Paper));
        let config = s.config();
        let cli = preset::config(4);
        // What defines the run is the preset's; the page changes only how often it
        // logs, what it traces and keeps.
        assert_eq!(
            MicrocircuitConfig {
                log_every: cli.log_every,
                probe: cli.probe,
                trace_capacity: cli.trace_capacity,
                ..config.clone()
            },
            cli
        );
        assert_eq!((config.start, config.mode), (Start::Random, Mode::Full));
        assert_eq!(config.pretrain_patterns, preset::PRETRAIN_PATTERNS);
        // The URL's start does not apply: the paper lets the state emerge.
        let (s, _) = MicrocircuitSettings::from_query("?task=sacramento-2018&init=self-predicting");
        assert_eq!(s.config().start, Start::Random);
        assert_eq!(s.hidden_size(), 50);
    }

    #[test]
    fn the_digits_run_the_steady_state_at_full_speed_and_refuse_what_they_cannot_take() {
        let (s, notices) = MicrocircuitSettings::from_query("?page=microcircuit&task=digits");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(s.task, CircuitTask::Digits);
        assert_eq!((s.mode, s.speed), (Mode::SteadyState, MAX_SPEED));
        assert_eq!(s.to_query(), "?page=microcircuit&task=digits");
        assert_eq!(s.hidden_size(), digits::HIDDEN);
        let config = s.config();
        assert_eq!(config.layers, [784, digits::HIDDEN, 10]);
        assert_eq!((config.mode, config.batch), (Mode::SteadyState, 10));
        config.validate().unwrap();
        // A slower speed round-trips; the other tasks keep their own default.
        let slow = MicrocircuitSettings {
            speed: 200,
            ..s.clone()
        };
        assert_eq!(MicrocircuitSettings::from_query(&slow.to_query()).0, slow);
        assert_eq!(
            MicrocircuitSettings::from_query("?task=xor").0.speed,
            DEFAULT_SPEED
        );
        let (s, notices) = MicrocircuitSettings::from_query(
            "?page=microcircuit&task=digits&mode=full&init=random&target=0",
        );
        let params: Vec<&str> = notices.iter().map(|n| n.param.as_str()).collect();
        assert_eq!(params, ["mode", "init", "target"]);
        assert!(
            notices[0].message.ends_with("using steady"),
            "{}",
            notices[0]
        );
        assert_eq!(
            (s.mode, s.start, s.target),
            (Mode::SteadyState, Start::SelfPredicting, true)
        );
    }

    #[test]
    fn bad_values_are_ignored_with_a_notice_naming_the_key() {
        let (s, notices) = MicrocircuitSettings::from_query(
            "?page=microcircuit&task=arrays&mode=fast&init=zero&target=maybe&speed=0&seed=-1&neuron=x&embed=2&colour=red&=1",
        );
        assert_eq!(s, MicrocircuitSettings::default());
        let params: Vec<&str> = notices.iter().map(|n| n.param.as_str()).collect();
        assert_eq!(
            params,
            [
                "task",
                "mode",
                "init",
                "target",
                "speed",
                "seed",
                "neuron",
                "embed",
                "colour",
                "(no name)"
            ]
        );
        assert!(notices[0].message.contains("'arrays'"), "{}", notices[0]);
        assert!(notices[0].message.contains("nonlinear-teacher"));
        assert!(notices[1].message.contains("full or steady"));
        assert!(notices[4].message.contains("1 to 100000"), "{}", notices[4]);
    }

    #[test]
    fn a_neuron_past_the_layer_is_refused_with_its_range() {
        // Hidden layer 1 of the nonlinear teacher's student has 50 cells.
        let (s, notices) = MicrocircuitSettings::from_query("?neuron=50");
        assert_eq!(s.neuron, 0);
        assert_eq!(notices.len(), 1);
        assert!(notices[0].message.contains("0 to 49"), "{}", notices[0]);
        let (s, notices) = MicrocircuitSettings::from_query("?neuron=49&neuron=7");
        assert!(notices.is_empty());
        assert_eq!(s.neuron, 7);
    }

    #[test]
    fn parsing_never_panics_on_odd_input() {
        for query in [
            "",
            "?",
            "&&&",
            "?task",
            "?speed=99999999999999999999",
            "?%zz=%",
            "?neuron=18446744073709551616",
            "?mode=STEADY-state",
        ] {
            let _ = MicrocircuitSettings::from_query(query);
        }
        assert_eq!(
            MicrocircuitSettings::from_query("?mode=Steady-State")
                .0
                .mode,
            Mode::SteadyState
        );
    }

    #[test]
    fn only_task_start_and_seed_rebuild() {
        let a = MicrocircuitSettings::default();
        let live = MicrocircuitSettings {
            mode: Mode::SteadyState,
            target: false,
            speed: 9,
            neuron: 4,
            ..a.clone()
        };
        assert!(!a.needs_rebuild(&live));
        for next in [
            MicrocircuitSettings {
                task: CircuitTask::Generated(TaskKind::Xor),
                ..a.clone()
            },
            MicrocircuitSettings {
                start: Start::Random,
                ..a.clone()
            },
            MicrocircuitSettings {
                seed: 2,
                ..a.clone()
            },
        ] {
            assert!(a.needs_rebuild(&next));
        }
    }
}
