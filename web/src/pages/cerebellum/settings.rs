//! The cerebellum page's settings and their URL form (`?page=cerebellum&…`). Pure: no
//! Yew or web-sys, so it is tested natively.
//!
//! | key | meaning, allowed values | default |
//! |---|---|---|
//! | `task` | `vor`, `forward-model` or `distal-teacher` (the forward model teaching a controller, in two stages) | `vor` |
//! | `spectacles` | `M`, the gain the VOR needs, in [-10, 10] | 2 |
//! | `freq` | head-rotation frequency (forward model: the command's corner; distal teacher: the goal's), Hz, in (0, 50] | 1 |
//! | `edelay` | climbing-fibre error delay `D_e`, seconds, in [0, 1] | 0 |
//! | `eldelay` | eligibility delay `D_p` of the basis signals, seconds, in [0, 1] | 0 |
//! | `beta` | LMS learning rate `β` (distal teacher: the forward model's), in [0, 1000] | the task's (1 VOR, 20 forward model and distal teacher) |
//! | `basis` | `leaky`, `alpha` or `delay` | `leaky` |
//! | `speed` | simulated milliseconds (1 ms steps) per animation frame, 1 to [`MAX_SPEED`] | [`DEFAULT_SPEED`] |
//! | `autoplay` | `1` or `0` | 0 |
//! | `embed` | `1` or `0`: only the views, no header, controls or explanation | 0 |
//!
//! At about 60 frames a second, `speed` 20 runs the simulation 1.2× faster than real
//! time. A bad value is ignored with a [`Notice`] naming the key, the allowed range
//! and the default used; unknown keys likewise. Parsing never panics; the last value
//! of a repeated key wins. The ranges are core's
//! ([`bioprop::cerebellum::CerebellumConfig::validate`]).

use bioprop::cerebellum::{BasisKind, CerebellumConfig, CerebellumTask, TeacherConfig};

pub use crate::shell::query::Notice;
use crate::shell::query::{choice, number_in, whole, QueryWriter, Reader, Repeats};
use crate::shell::UrlSettings;

/// Most simulated milliseconds per frame.
pub const MAX_SPEED: u32 = 2000;
/// Simulated milliseconds per frame on a fresh page: the gain reaches `M` within 1%
/// in about 6–13 simulated seconds, 5–10 s of watching.
pub const DEFAULT_SPEED: u32 = 20;

/// Everything the cerebellum page's URL can set.
/// Sent to the worker as they are: it builds the simulation from them ([`Self::config`]).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CerebellumSettings {
    /// With `teacher`, always [`CerebellumTask::ForwardModel`]: stage 1's task.
    pub task: CerebellumTask,
    /// `task=distal-teacher`: the forward model teaches a controller (two stages;
    /// [`Self::teacher_config`]). The delays and spectacles do not apply.
    pub teacher: bool,
    pub spectacles: f64,
    pub freq: f64,
    pub error_delay: f64,
    pub eligibility_delay: f64,
    /// `None`: the task's default `β`.
    pub beta: Option<f64>,
    pub basis: BasisKind,
    pub speed: u32,
    pub autoplay: bool,
    pub embed: bool,
}

impl Default for CerebellumSettings {
    fn default() -> Self {
        let config = CerebellumConfig::for_task(CerebellumTask::Vor);
        CerebellumSettings {
            task: CerebellumTask::Vor,
            teacher: false,
            spectacles: config.vor.spectacles,
            freq: config.signal.freq_hz,
            error_delay: 0.0,
            eligibility_delay: 0.0,
            beta: None,
            basis: BasisKind::Leaky,
            speed: DEFAULT_SPEED,
            autoplay: false,
            embed: false,
        }
    }
}

/// The page's own keys (the shell adds `page` and `v`).
const KEYS: &[&str] = &[
    "task",
    "spectacles",
    "freq",
    "edelay",
    "eldelay",
    "beta",
    "basis",
    "speed",
    "autoplay",
    "embed",
];

impl CerebellumSettings {
    /// The simulation these settings describe: the task's defaults with the URL's
    /// values on top.
    pub fn config(&self) -> CerebellumConfig {
        let mut config = CerebellumConfig::for_task(self.task);
        config.vor.spectacles = self.spectacles;
        config.signal.freq_hz = self.freq;
        config.filter.error_delay = self.error_delay;
        config.filter.eligibility_delay = self.eligibility_delay;
        if let Some(beta) = self.beta {
            config.filter.beta = beta;
        }
        config.filter.basis = self.basis;
        if self.basis == BasisKind::Delay {
            // A delay line's taps must fit its 1 s buffer.
            config.filter.tau_max = config.filter.tau_max.min(1.0);
        }
        config
    }

    /// The two-stage run of `task=distal-teacher`: core's defaults, with the forward
    /// model (stage 1) built as [`Self::config`] builds the forward-model task and the
    /// goal at `freq`.
    pub fn teacher_config(&self) -> TeacherConfig {
        let mut config = TeacherConfig::default();
        let mut model = CerebellumSettings {
            task: CerebellumTask::ForwardModel,
            freq: config.forward_model.signal.freq_hz,
            error_delay: 0.0,
            eligibility_delay: 0.0,
            ..self.clone()
        }
        .config();
        model.signal = config.forward_model.signal;
        config.forward_model = model;
        config.goal.freq_hz = self.freq;
        config
    }

    /// The task's name in the URL and the controls.
    pub fn task_name(&self) -> &'static str {
        if self.teacher {
            TEACHER_TASK
        } else {
            self.task.name()
        }
    }

    /// `β` in force: the URL's or the task's.
    pub fn beta_or_default(&self) -> f64 {
        self.beta
            .unwrap_or_else(|| CerebellumConfig::for_task(self.task).filter.beta)
    }

    /// Whether going from `self` to `next` needs a new simulation (task or basis);
    /// everything else is retuned live.
    /// The distal teacher is rebuilt on any change but the speed.
    pub fn needs_rebuild(&self, next: &CerebellumSettings) -> bool {
        self.task != next.task
            || self.teacher != next.teacher
            || self.basis != next.basis
            || (next.teacher && self.teacher_config() != next.teacher_config())
    }

    /// The settings an imported file gives (`query`, the worker's reading of it), shown
    /// as these are: the speed, autoplay and embedding stay.
    ///
    /// # Errors
    ///
    /// A value the link reader refuses (the worker has checked it already).
    pub fn with_imported(&self, query: &str) -> Result<CerebellumSettings, String> {
        let read: CerebellumSettings = crate::widgets::config_import::settings_of(query)?;
        Ok(CerebellumSettings {
            speed: self.speed,
            autoplay: self.autoplay,
            embed: self.embed,
            ..read
        })
    }

    /// Sets the task from its name in the URL or the controls (`distal-teacher` or one
    /// of core's); `None` for an unknown name.
    pub fn with_task(&self, name: &str) -> Option<CerebellumSettings> {
        let (task, teacher) = if name == TEACHER_TASK {
            (CerebellumTask::ForwardModel, true)
        } else {
            (name.parse().ok()?, false)
        };
        Some(CerebellumSettings {
            task,
            teacher,
            ..self.clone()
        })
    }
}

/// `task=distal-teacher`.
pub const TEACHER_TASK: &str = "distal-teacher";

/// The tasks as the URL and the controls name them, in order, with their labels.
pub const TASKS: [(&str, &str); 3] = [
    ("vor", "VOR gain adaptation"),
    ("forward-model", "Forward model"),
    (
        TEACHER_TASK,
        "Distal teacher: the model teaches a controller",
    ),
];

fn default_text(key: &str) -> String {
    let d = CerebellumSettings::default();
    match key {
        "task" => "vor".into(),
        "basis" => "leaky".into(),
        "spectacles" => d.spectacles.to_string(),
        "freq" => d.freq.to_string(),
        "edelay" | "eldelay" => "0".into(),
        "beta" => "the task's (1 for vor, 20 for forward-model)".into(),
        "speed" => d.speed.to_string(),
        _ => "0".into(),
    }
}

impl UrlSettings for CerebellumSettings {
    /// The settings `query` asks for, with a notice per ignored parameter.
    fn from_query(query: &str) -> (Self, Vec<Notice>) {
        let mut s = CerebellumSettings::default();
        let mut reader = Reader::new(query, KEYS, Repeats::LastUsable);
        let using = |key: &str| {
            let text = format!("using {}", default_text(key));
            move || text.clone()
        };
        let defaults = s.clone();
        if let Some(next) = reader.read(
            "task",
            |v| {
                choice(
                    v,
                    "task",
                    defaults.with_task(v),
                    "vor, forward-model or distal-teacher",
                )
            },
            using("task"),
        ) {
            s = next;
        }
        if let Some(basis) = reader.read(
            "basis",
            |v| choice(v, "basis", v.parse().ok(), "leaky, alpha or delay"),
            using("basis"),
        ) {
            s.basis = basis;
        }
        let mut read_number = |key: &'static str, min: f64, max: f64, open_low: bool| {
            reader.read(key, |v| number_in(v, min, max, open_low), using(key))
        };
        if let Some(v) = read_number("spectacles", -10.0, 10.0, false) {
            s.spectacles = v;
        }
        if let Some(v) = read_number("freq", 0.0, 50.0, true) {
            s.freq = v;
        }
        if let Some(v) = read_number("edelay", 0.0, 1.0, false) {
            s.error_delay = v;
        }
        if let Some(v) = read_number("eldelay", 0.0, 1.0, false) {
            s.eligibility_delay = v;
        }
        if let Some(v) = read_number("beta", 0.0, 1000.0, false) {
            s.beta = Some(v);
        }
        if let Some(v) = reader.read("speed", |v| whole(v, 1, MAX_SPEED), using("speed")) {
            s.speed = v;
        }
        s.autoplay = reader.read_flag("autoplay", s.autoplay);
        s.embed = reader.read_flag("embed", s.embed);
        (s, reader.finish())
    }

    /// The query that gives these settings back, defaults left out; always starts with
    /// `?page=cerebellum`.
    fn to_query(&self) -> String {
        let d = CerebellumSettings::default();
        let mut query = QueryWriter::new("cerebellum");
        query.differs("task", self.task_name(), d.task_name());
        query.differs("spectacles", self.spectacles, d.spectacles);
        query.differs("freq", self.freq, d.freq);
        query.differs("edelay", self.error_delay, d.error_delay);
        query.differs("eldelay", self.eligibility_delay, d.eligibility_delay);
        if let Some(beta) = self.beta {
            query.add("beta", beta);
        }
        query.differs("basis", self.basis.name(), d.basis.name());
        query.differs("speed", self.speed, d.speed);
        query.flag("autoplay", self.autoplay, d.autoplay);
        query.flag("embed", self.embed, d.embed);
        query.finish()
    }
}

#[cfg(test)]
mod tests {
    use bioprop::cerebellum::Cerebellum;

    use super::*;

    #[test]
    fn defaults_give_the_bare_page_and_a_valid_vor() {
        let (s, notices) = CerebellumSettings::from_query("?page=cerebellum");
        assert_eq!(s, CerebellumSettings::default());
        assert!(notices.is_empty());
        assert_eq!(s.to_query(), "?page=cerebellum");
        assert!(Cerebellum::new(&s.config()).is_ok());
        assert_eq!(s.beta_or_default(), 1.0);
    }

    #[test]
    fn every_key_round_trips() {
        let s = CerebellumSettings {
            task: CerebellumTask::ForwardModel,
            teacher: false,
            spectacles: -0.5,
            freq: 2.5,
            error_delay: 0.1,
            eligibility_delay: 0.1,
            beta: Some(3.0),
            basis: BasisKind::Alpha,
            speed: 200,
            autoplay: true,
            embed: true,
        };
        let query = s.to_query();
        let (back, notices) = CerebellumSettings::from_query(&query);
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(back, s, "{query}");
        let config = back.config();
        assert_eq!(config.filter.error_delay, 0.1);
        assert_eq!(config.filter.beta, 3.0);
        assert_eq!(config.signal.freq_hz, 2.5);
        assert!(Cerebellum::new(&config).is_ok());
    }

    #[test]
    fn each_bad_value_is_ignored_with_a_notice_naming_it() {
        // (query, key, text the message must hold: the allowed range or the default)
        let cases = [
            (
                "task=saccade",
                "task",
                "vor, forward-model or distal-teacher",
            ),
            ("basis=cubic", "basis", "leaky, alpha or delay"),
            ("spectacles=11", "spectacles", "[-10, 10]"),
            ("spectacles=abc", "spectacles", "using 2"),
            ("freq=0", "freq", "(0, 50]"),
            ("freq=NaN", "freq", "(0, 50]"),
            ("edelay=-0.1", "edelay", "[0, 1]"),
            ("eldelay=2", "eldelay", "using 0"),
            ("beta=1e9", "beta", "[0, 1000]"),
            ("speed=0", "speed", "from 1 to 2000"),
            ("speed=1.5", "speed", "using 20"),
            ("autoplay=maybe", "autoplay", "1 or 0"),
            ("embed=2", "embed", "1 or 0"),
            ("freq=", "freq", "no value given"),
            ("colour=red", "colour", "unknown parameter 'colour'"),
        ];
        for (query, key, text) in cases {
            let (s, notices) = CerebellumSettings::from_query(&format!("?page=cerebellum&{query}"));
            assert_eq!(s, CerebellumSettings::default(), "{query}");
            assert_eq!(notices.len(), 1, "{query}: {notices:?}");
            assert_eq!(notices[0].param, key, "{query}");
            assert!(notices[0].message.contains(text), "{query}: {}", notices[0]);
        }
    }

    #[test]
    fn good_values_survive_next_to_bad_ones_and_the_last_repeat_wins() {
        let (s, notices) = CerebellumSettings::from_query(
            "?page=cerebellum&freq=5&edelay=0.1&freq=bad&spectacles=1.5&embed",
        );
        assert_eq!(s.freq, 5.0);
        assert_eq!(s.error_delay, 0.1);
        assert_eq!(s.spectacles, 1.5);
        assert!(s.embed);
        assert_eq!(notices.len(), 1);
    }

    #[test]
    fn odd_queries_never_panic() {
        for query in [
            "",
            "?",
            "&&&",
            "?=",
            "?%",
            "?%zz=%",
            "?spectacles=%E2%82%AC",
            "?speed=99999999999999999999",
        ] {
            let (s, _) = CerebellumSettings::from_query(query);
            assert!(Cerebellum::new(&s.config()).is_ok(), "{query}");
        }
    }

    #[test]
    fn only_task_and_basis_need_a_new_simulation() {
        let s = CerebellumSettings::default();
        let live = CerebellumSettings {
            spectacles: 0.5,
            freq: 3.0,
            error_delay: 0.2,
            beta: Some(2.0),
            ..s.clone()
        };
        assert!(!s.needs_rebuild(&live));
        let mut cerebellum = Cerebellum::new(&s.config()).unwrap();
        assert!(cerebellum.retune(&live.config()).is_ok());
        let basis = CerebellumSettings {
            basis: BasisKind::Delay,
            ..s.clone()
        };
        assert!(s.needs_rebuild(&basis));
        assert!(Cerebellum::new(&basis.config()).is_ok());
    }

    #[test]
    fn the_distal_teacher_round_trips_and_builds_its_two_stages() {
        let (s, notices) =
            CerebellumSettings::from_query("?page=cerebellum&task=distal-teacher&freq=0.5&beta=10");
        assert!(notices.is_empty(), "{notices:?}");
        assert!(s.teacher);
        assert_eq!(s.task, CerebellumTask::ForwardModel);
        assert_eq!(
            s.to_query(),
            "?page=cerebellum&task=distal-teacher&freq=0.5&beta=10"
        );
        assert_eq!(CerebellumSettings::from_query(&s.to_query()).0, s);
        let config = s.teacher_config();
        config.validate().unwrap();
        assert_eq!(config.goal.freq_hz, 0.5);
        assert_eq!(config.forward_model.filter.beta, 10.0);
        // The babbling command is the forward-model task's, whatever the goal.
        assert_eq!(
            config.forward_model.signal,
            CerebellumConfig::for_task(CerebellumTask::ForwardModel).signal
        );
        // The defaults are core's.
        let (plain, _) = CerebellumSettings::from_query("?page=cerebellum&task=distal-teacher");
        assert_eq!(plain.teacher_config(), TeacherConfig::default());
        // Leaving the teacher, or any change to it but the speed, builds a new run.
        let vor = plain.with_task("vor").unwrap();
        assert!(!vor.teacher && plain.needs_rebuild(&vor));
        let faster = CerebellumSettings {
            speed: 400,
            ..plain.clone()
        };
        assert!(!plain.needs_rebuild(&faster));
        assert!(plain.needs_rebuild(&CerebellumSettings {
            freq: 2.0,
            ..plain.clone()
        }));
        assert_eq!(plain.with_task("reach"), None);
    }
}
