//! The settings of a cerebellar simulation, validated once, up front.
//!
//! ```text
//! CerebellumConfig ──validate──▶ Cerebellum::new ──▶ step(n) … ──▶ snapshot(), trace()
//!                   └─(live fields only)─▶ Cerebellum::retune
//! ```
//!
//! Times are in seconds and frequencies in hertz. Every field has a documented range;
//! [`CerebellumConfig::validate`] names the first field outside it. A few limits tie a
//! field to the step `dt`: a signal needs at least 20 steps per period, the plant at
//! least 63 steps per natural period (`ω dt ≤ 0.1`, for the stability of its
//! integrator), and a basis time constant at least one step.
//!
//! Amplitudes are in arbitrary units; LMS learns at a rate proportional to `β A²`, so a
//! larger amplitude wants a smaller `β`.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::limits;
use crate::named::named;

/// Smallest integration step, seconds.
pub const MIN_DT: f64 = 1e-4;
/// Largest integration step, seconds.
pub const MAX_DT: f64 = 0.01;
/// Longest error delay, eligibility delay and delay-line tap, seconds. The delay lines
/// are sized for it, so delays can change while a simulation runs.
pub const MAX_DELAY: f64 = 1.0;
/// Most filtered basis signals (the raw signal comes on top).
pub const MAX_BASIS: usize = 31;
/// Longest leaky or alpha time constant, seconds.
pub const MAX_TAU: f64 = 10.0;
/// Largest learning rate `β`.
pub const MAX_BETA: f64 = 1000.0;
/// Largest signal amplitude.
pub const MAX_AMPLITUDE: f64 = 1000.0;
/// Highest signal frequency, hertz.
pub const MAX_FREQ_HZ: f64 = 50.0;
/// Largest `f dt` of the signal: at least 20 steps per period.
pub const MAX_CYCLES_PER_STEP: f64 = 0.05;
/// Largest `|M|` and brainstem gain.
pub const MAX_GAIN: f64 = 10.0;
/// Highest plant natural frequency, hertz.
pub const MAX_PLANT_FREQ_HZ: f64 = 20.0;
/// Largest plant damping ratio `ζ`.
pub const MAX_DAMPING: f64 = 5.0;
/// Largest `ω dt` of the plant.
pub const MAX_PLANT_OMEGA_DT: f64 = 0.1;
/// Longest metrics window, seconds.
pub const MAX_WINDOW: f64 = 10.0;
/// Most steps in the metrics window.
pub const MAX_WINDOW_STEPS: usize = 20_000;
/// Most points in the trace.
pub const MAX_TRACE_LEN: u32 = 100_000;
/// Largest `trace_every`.
pub const MAX_TRACE_EVERY: u32 = 1_000_000;
/// A weight beyond `±MAX_WEIGHT` counts as a divergence: far beyond any gain a task
/// allows, long before `f64` overflows.
pub const MAX_WEIGHT: f64 = 1e6;

/// The two tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CerebellumTask {
    /// Vestibulo-ocular reflex gain adaptation.
    #[default]
    Vor,
    /// Predicting the outcome of a motor command.
    ForwardModel,
}

impl CerebellumTask {
    /// Both tasks, in the order `list` and the UI show them.
    pub const ALL: [CerebellumTask; 2] = [CerebellumTask::Vor, CerebellumTask::ForwardModel];

    /// The kebab-case name used by the CLI, URLs and serde.
    pub fn name(self) -> &'static str {
        match self {
            CerebellumTask::Vor => "vor",
            CerebellumTask::ForwardModel => "forward-model",
        }
    }

    /// One sentence for `list` and the UI.
    pub fn description(self) -> &'static str {
        match self {
            CerebellumTask::Vor => {
                "Cerebellum: adapt the VOR gain to spectacles of factor M, taught by retinal slip (Dean & Porrill)."
            }
            CerebellumTask::ForwardModel => {
                "Cerebellum: predict a damped second-order plant's response to a motor command (forward model)."
            }
        }
    }
}

named!(CerebellumTask, "task");

/// The filters of the granular layer (see `basis`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BasisKind {
    /// First-order low-pass filters (leaky integrators).
    #[default]
    Leaky,
    /// Second-order low-pass filters with alpha-function impulse responses.
    Alpha,
    /// A tapped delay line.
    Delay,
}

impl BasisKind {
    /// Every kind, in the order the UI lists them.
    pub const ALL: [BasisKind; 3] = [BasisKind::Leaky, BasisKind::Alpha, BasisKind::Delay];

    /// The name used by the CLI, URLs and serde.
    pub fn name(self) -> &'static str {
        match self {
            BasisKind::Leaky => "leaky",
            BasisKind::Alpha => "alpha",
            BasisKind::Delay => "delay",
        }
    }

    /// One line for the UI and `--help`.
    pub fn description(self) -> &'static str {
        match self {
            BasisKind::Leaky => "leaky integrators, impulse response e^(-t/tau)/tau",
            BasisKind::Alpha => {
                "alpha functions (two leaky stages), impulse response t e^(-t/tau)/tau^2"
            }
            BasisKind::Delay => "a tapped delay line, p(t) = x(t - tau)",
        }
    }
}

named!(BasisKind, "basis");

/// The shape of the driving signal (see `signal`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignalKind {
    /// `A sin 2πft`.
    #[default]
    Sine,
    /// Seeded band-limited noise with corner frequency `f` and RMS `A/√2`.
    Noise,
}

impl SignalKind {
    /// Both kinds.
    pub const ALL: [SignalKind; 2] = [SignalKind::Sine, SignalKind::Noise];

    /// The name used by the CLI, URLs and serde.
    pub fn name(self) -> &'static str {
        match self {
            SignalKind::Sine => "sine",
            SignalKind::Noise => "noise",
        }
    }
}

named!(SignalKind, "signal");

/// The head velocity (VOR) or motor command (forward model).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SignalConfig {
    pub kind: SignalKind,
    /// `A`: the sine's amplitude (the noise has the same RMS, `A/√2`), in (0, 1000].
    pub amplitude: f64,
    /// `f`: the sine's frequency or the noise's corner frequency, Hz, in (0, 50], and
    /// at most `0.05/dt` (20 steps per period).
    pub freq_hz: f64,
}

impl Default for SignalConfig {
    /// A unit sine at 1 Hz.
    fn default() -> Self {
        SignalConfig {
            kind: SignalKind::Sine,
            amplitude: 1.0,
            freq_hz: 1.0,
        }
    }
}

/// The adaptive filter: granular basis, learning rate and delays.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FilterConfig {
    /// The filters of the granular layer.
    pub basis: BasisKind,
    /// Filtered basis signals besides the raw one, 0 ..= 31.
    pub count: usize,
    /// Shortest time constant (or delay), seconds, in [dt, tau_max].
    pub tau_min: f64,
    /// Longest time constant (or delay), seconds, in [tau_min, 10] (1 for a delay line).
    pub tau_max: f64,
    /// LMS learning rate `β`, in [0, 1000] (0 freezes the weights).
    pub beta: f64,
    /// Delay `D_e` of the climbing-fibre error, seconds, in [0, 1].
    pub error_delay: f64,
    /// Delay `D_p` of the basis signals the rule sees (eligibility trace), seconds,
    /// in [0, 1].
    pub eligibility_delay: f64,
}

impl Default for FilterConfig {
    /// The raw signal plus six leaky integrators from 20 to 500 ms, `β` = 1, no delays.
    fn default() -> Self {
        FilterConfig {
            basis: BasisKind::Leaky,
            count: 6,
            tau_min: 0.02,
            tau_max: 0.5,
            beta: 1.0,
            error_delay: 0.0,
            eligibility_delay: 0.0,
        }
    }
}

/// The VOR's fixed parts (see `vor`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VorConfig {
    /// `M`: the spectacles' magnification, the gain the eye needs, in [-10, 10]
    /// (2 magnifies, 0.5 minifies, -1 reverses).
    pub spectacles: f64,
    /// `B`: the brainstem pathway's gain, in [0, 10].
    pub brainstem_gain: f64,
}

impl Default for VorConfig {
    /// ×2 spectacles, brainstem gain 1.
    fn default() -> Self {
        VorConfig {
            spectacles: 2.0,
            brainstem_gain: 1.0,
        }
    }
}

/// The forward model's plant (see `forward_model`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlantConfig {
    /// `f_n = ω/2π`, Hz, in (0, 20], and `2π f_n dt ≤ 0.1`.
    pub natural_freq_hz: f64,
    /// `ζ`, in [0, 5] (1 is critical damping).
    pub damping: f64,
}

impl Default for PlantConfig {
    /// 2 Hz, ζ = 0.5: a visible resonance, settled in about a second.
    fn default() -> Self {
        PlantConfig {
            natural_freq_hz: 2.0,
            damping: 0.5,
        }
    }
}

/// Everything that defines a cerebellar simulation. Missing fields take the
/// [`Default`] values (the VOR) when deserialised; fields of the other task are kept
/// but unused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CerebellumConfig {
    pub task: CerebellumTask,
    /// Integration step, seconds, in [0.0001, 0.01].
    pub dt: f64,
    /// Seeds the noise signal.
    pub seed: u64,
    /// Head velocity (VOR) or motor command (forward model).
    pub signal: SignalConfig,
    pub filter: FilterConfig,
    pub vor: VorConfig,
    pub plant: PlantConfig,
    /// Length of the metrics window (gain, error RMS, correlations), seconds, in
    /// (0, 10], at most 20000 steps. For a sine the gain and correlations use the
    /// largest whole number of periods that fits.
    pub window: f64,
    /// Record a trace point every this many steps, 1 ..= 1000000.
    pub trace_every: u32,
    /// Points kept in the trace, 1 ..= 100000.
    pub trace_len: u32,
}

impl Default for CerebellumConfig {
    fn default() -> Self {
        CerebellumConfig::for_task(CerebellumTask::Vor)
    }
}

impl CerebellumConfig {
    /// Settings that converge within a minute of simulated time.
    ///
    /// VOR: a unit 1 Hz sine, ×2 spectacles, `β` = 1: at 0.5–5 Hz the gain is within 1%
    /// of `M` after 6–13 s and within 0.1% after 20–26 s, and learning stays slow next to
    /// a 100 ms delay loop, so the matched-delay case converges too. Forward model: band-limited noise (corner
    /// 1 Hz) through a 2 Hz, ζ = 0.5 plant; neighbouring leaky basis signals are nearly
    /// alike over that band, which makes some directions of LMS slow, so `β` = 20, and a
    /// 5 s window to average the noise.
    pub fn for_task(task: CerebellumTask) -> Self {
        let common = CerebellumConfig {
            task,
            dt: 1e-3,
            seed: 1,
            signal: SignalConfig::default(),
            filter: FilterConfig::default(),
            vor: VorConfig::default(),
            plant: PlantConfig::default(),
            window: 2.0,
            trace_every: 10,
            trace_len: 500,
        };
        match task {
            CerebellumTask::Vor => common,
            CerebellumTask::ForwardModel => CerebellumConfig {
                signal: SignalConfig {
                    kind: SignalKind::Noise,
                    amplitude: 1.0,
                    freq_hz: 1.0,
                },
                filter: FilterConfig {
                    beta: 20.0,
                    ..FilterConfig::default()
                },
                window: 5.0,
                ..common
            },
        }
    }

    /// Steps per metrics window.
    pub fn window_steps(&self) -> usize {
        (libm::round(self.window / self.dt) as usize).max(1)
    }

    /// Checks every field against its allowed range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let dt = self.dt;
        limits::check(
            "dt",
            dt,
            || "in [0.0001, 0.01] s".into(),
            |v| (MIN_DT..=MAX_DT).contains(&v),
        )?;
        self.validate_live()?;
        let filter = &self.filter;
        if filter.count > MAX_BASIS {
            return Err(ConfigError::OutOfRange {
                field: "filter.count",
                allowed: format!("at most {MAX_BASIS}"),
                got: filter.count as f64,
            });
        }
        let tau_cap = if filter.basis == BasisKind::Delay {
            MAX_DELAY
        } else {
            MAX_TAU
        };
        limits::check(
            "filter.tau_min",
            filter.tau_min,
            || format!("at least dt = {dt} s and at most {tau_cap} s"),
            |v| v >= dt && v <= tau_cap,
        )?;
        limits::check(
            "filter.tau_max",
            filter.tau_max,
            || format!("in [tau_min = {}, {tau_cap}] s", filter.tau_min),
            |v| v >= filter.tau_min && v <= tau_cap,
        )?;
        limits::check(
            "window",
            self.window,
            || "in (0, 10] s".into(),
            |v| v > 0.0 && v <= MAX_WINDOW,
        )?;
        limits::check(
            "window",
            self.window,
            || format!("at most {MAX_WINDOW_STEPS} steps of dt = {dt} s"),
            |v| libm::round(v / dt) as usize <= MAX_WINDOW_STEPS,
        )?;
        for (field, value, max) in [
            ("trace_every", self.trace_every, MAX_TRACE_EVERY),
            ("trace_len", self.trace_len, MAX_TRACE_LEN),
        ] {
            if !(1..=max).contains(&value) {
                return Err(ConfigError::OutOfRange {
                    field,
                    allowed: format!("between 1 and {max}"),
                    got: f64::from(value),
                });
            }
        }
        Ok(())
    }

    /// Checks the fields [`Cerebellum::retune`](super::Cerebellum::retune) may change.
    fn validate_live(&self) -> Result<(), ConfigError> {
        let dt = self.dt;
        let signal = &self.signal;
        limits::check(
            "signal.amplitude",
            signal.amplitude,
            || "in (0, 1000]".into(),
            |v| v > 0.0 && v <= MAX_AMPLITUDE,
        )?;
        limits::check(
            "signal.freq_hz",
            signal.freq_hz,
            || "in (0, 50] Hz".into(),
            |v| v > 0.0 && v <= MAX_FREQ_HZ,
        )?;
        limits::check(
            "signal.freq_hz",
            signal.freq_hz,
            || {
                format!(
                    "at most 0.05/dt = {} Hz (20 steps per period at dt = {dt} s)",
                    MAX_CYCLES_PER_STEP / dt
                )
            },
            |v| v * dt <= MAX_CYCLES_PER_STEP,
        )?;
        let filter = &self.filter;
        limits::check(
            "filter.beta",
            filter.beta,
            || "in [0, 1000]".into(),
            |v| (0.0..=MAX_BETA).contains(&v),
        )?;
        for (field, value) in [
            ("filter.error_delay", filter.error_delay),
            ("filter.eligibility_delay", filter.eligibility_delay),
        ] {
            limits::check(
                field,
                value,
                || "in [0, 1] s".into(),
                |v| (0.0..=MAX_DELAY).contains(&v),
            )?;
        }
        limits::check(
            "vor.spectacles",
            self.vor.spectacles,
            || "in [-10, 10]".into(),
            |v| v.abs() <= MAX_GAIN,
        )?;
        limits::check(
            "vor.brainstem_gain",
            self.vor.brainstem_gain,
            || "in [0, 10]".into(),
            |v| (0.0..=MAX_GAIN).contains(&v),
        )?;
        let plant = &self.plant;
        limits::check(
            "plant.natural_freq_hz",
            plant.natural_freq_hz,
            || "in (0, 20] Hz".into(),
            |v| v > 0.0 && v <= MAX_PLANT_FREQ_HZ,
        )?;
        limits::check(
            "plant.natural_freq_hz",
            plant.natural_freq_hz,
            || {
                format!(
                    "at most 0.1/(2π dt) = {:.3} Hz (63 steps per period at dt = {dt} s)",
                    MAX_PLANT_OMEGA_DT / (std::f64::consts::TAU * dt)
                )
            },
            |v| std::f64::consts::TAU * v * dt <= MAX_PLANT_OMEGA_DT,
        )?;
        limits::check(
            "plant.damping",
            plant.damping,
            || "in [0, 5]".into(),
            |v| (0.0..=MAX_DAMPING).contains(&v),
        )?;
        Ok(())
    }

    /// Validates `self` as a retuning of a simulation built from `built`: only the
    /// signal, `β`, the delays, the VOR's gains and the plant may differ.
    pub fn validate_retune(&self, built: &CerebellumConfig) -> Result<(), ConfigError> {
        let fixed: [(&'static str, bool); 10] = [
            ("task", self.task == built.task),
            ("dt", self.dt == built.dt),
            ("seed", self.seed == built.seed),
            ("filter.basis", self.filter.basis == built.filter.basis),
            ("filter.count", self.filter.count == built.filter.count),
            (
                "filter.tau_min",
                self.filter.tau_min == built.filter.tau_min,
            ),
            (
                "filter.tau_max",
                self.filter.tau_max == built.filter.tau_max,
            ),
            ("window", self.window == built.window),
            ("trace_every", self.trace_every == built.trace_every),
            ("trace_len", self.trace_len == built.trace_len),
        ];
        if let Some((field, _)) = fixed.into_iter().find(|(_, same)| !same) {
            return Err(ConfigError::NotLive { field });
        }
        self.validate_live()
    }
}

/// A configuration that cannot run; the message names the field and what is allowed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ConfigError {
    #[error("`{field}` must be {allowed}, got {got}")]
    OutOfRange {
        field: &'static str,
        allowed: String,
        got: f64,
    },
    #[error("`{field}` is fixed once a simulation is built; build a new one to change it")]
    NotLive { field: &'static str },
}

limits::config_error_from!(ConfigError, allowed: String);

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(error: ConfigError) -> &'static str {
        match error {
            ConfigError::OutOfRange { field, .. } | ConfigError::NotLive { field } => field,
        }
    }

    #[test]
    fn both_tasks_defaults_are_valid() {
        for task in CerebellumTask::ALL {
            CerebellumConfig::for_task(task).validate().unwrap();
        }
    }

    #[test]
    fn bad_values_are_refused_naming_the_field() {
        type Edit = fn(&mut CerebellumConfig);
        let cases: [(&str, Edit); 20] = [
            ("dt", |c| c.dt = 0.0),
            ("dt", |c| c.dt = -1e-3),
            ("dt", |c| c.dt = f64::NAN),
            ("dt", |c| c.dt = 0.1),
            ("filter.beta", |c| c.filter.beta = -0.1),
            ("filter.beta", |c| c.filter.beta = f64::NAN),
            ("filter.error_delay", |c| c.filter.error_delay = -0.01),
            ("filter.error_delay", |c| c.filter.error_delay = 1.5),
            ("filter.eligibility_delay", |c| {
                c.filter.eligibility_delay = f64::INFINITY
            }),
            ("filter.count", |c| c.filter.count = 32),
            ("filter.tau_min", |c| c.filter.tau_min = 1e-4),
            ("filter.tau_max", |c| c.filter.tau_max = 0.01),
            ("filter.tau_max", |c| {
                c.filter.basis = BasisKind::Delay;
                c.filter.tau_max = 2.0;
            }),
            ("signal.amplitude", |c| c.signal.amplitude = 0.0),
            ("signal.freq_hz", |c| c.signal.freq_hz = 60.0),
            ("signal.freq_hz", |c| c.signal.freq_hz = f64::NAN),
            ("vor.spectacles", |c| c.vor.spectacles = 11.0),
            ("plant.natural_freq_hz", |c| {
                c.dt = 0.01;
                c.plant.natural_freq_hz = 5.0;
            }),
            ("window", |c| c.window = 0.0),
            ("trace_len", |c| c.trace_len = 0),
        ];
        for (field, edit) in cases {
            let mut config = CerebellumConfig::default();
            edit(&mut config);
            let error = config.validate().expect_err(field);
            let message = error.to_string();
            assert_eq!(field_of(error), field, "{message}");
            assert!(message.contains(field), "{message}");
        }
    }

    #[test]
    fn a_signal_needs_twenty_steps_per_period() {
        let config = CerebellumConfig {
            dt: 0.01,
            signal: SignalConfig {
                freq_hz: 6.0,
                ..SignalConfig::default()
            },
            ..CerebellumConfig::default()
        };
        let message = config.validate().unwrap_err().to_string();
        assert!(message.contains("at most 0.05/dt = 5 Hz"), "{message}");
    }

    #[test]
    fn a_long_window_at_a_fine_step_is_refused() {
        let config = CerebellumConfig {
            dt: 1e-4,
            filter: FilterConfig {
                tau_min: 1e-3,
                ..FilterConfig::default()
            },
            window: 5.0,
            ..CerebellumConfig::default()
        };
        assert_eq!(field_of(config.validate().unwrap_err()), "window");
    }

    #[test]
    fn retuning_may_change_only_the_live_fields() {
        let built = CerebellumConfig::default();
        let mut live = built.clone();
        live.vor.spectacles = 0.5;
        live.signal.freq_hz = 3.0;
        live.filter.error_delay = 0.1;
        live.filter.beta = 0.2;
        live.plant.damping = 1.0;
        live.validate_retune(&built).unwrap();
        let mut fixed = built.clone();
        fixed.filter.count = 3;
        assert_eq!(
            fixed.validate_retune(&built),
            Err(ConfigError::NotLive {
                field: "filter.count"
            })
        );
        let mut bad = built.clone();
        bad.filter.beta = -1.0;
        assert_eq!(
            field_of(bad.validate_retune(&built).unwrap_err()),
            "filter.beta"
        );
    }

    #[test]
    fn names_round_trip() {
        for task in CerebellumTask::ALL {
            assert_eq!(task.name().parse::<CerebellumTask>().unwrap(), task);
            let json = serde_json::to_string(&task).unwrap();
            assert_eq!(json, format!("\"{}\"", task.name()));
        }
        for kind in BasisKind::ALL {
            assert_eq!(kind.name().parse::<BasisKind>().unwrap(), kind);
        }
        for kind in SignalKind::ALL {
            assert_eq!(kind.name().parse::<SignalKind>().unwrap(), kind);
        }
        let error = "saccade".parse::<CerebellumTask>().unwrap_err().to_string();
        assert!(error.contains("vor, forward-model"), "{error}");
    }

    #[test]
    fn a_partial_json_config_takes_the_defaults() {
        let config: CerebellumConfig =
            serde_json::from_str(r#"{"vor": {"spectacles": 0.5}, "filter": {"error_delay": 0.1}}"#)
                .unwrap();
        assert_eq!(config.vor.spectacles, 0.5);
        assert_eq!(config.vor.brainstem_gain, 1.0);
        assert_eq!(config.filter.error_delay, 0.1);
        assert_eq!(config.filter.count, FilterConfig::default().count);
        assert_eq!(config.task, CerebellumTask::Vor);
    }
}
