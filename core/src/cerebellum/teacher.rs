//! The cerebellum as a teacher: a forward model the cerebellum has learned supplies the
//! error for a second learner, a controller that must find the motor command reaching a
//! goal (the distal teacher of Jordan & Rumelhart 1992; docs/science.md §5.6).
//!
//! The controller's own error is *distal*: it is measured on the plant's outcome, not on
//! the command the controller produces, and the controller cannot know how its command
//! became that outcome. Jordan & Rumelhart's answer is to learn a model of the plant
//! first and to carry the outcome's error back through the model instead of the plant.
//!
//! ```text
//! stage 1, babbling     u = band-limited noise (the forward-model task, `forward_model`)
//!                       ŷ = Σ_i w_i p_i,  p_i = G_i * u,   dw_i/dt = -β (ŷ - y) p_i
//! stage 2, reaching     the forward model's w frozen; a goal r(t) = A sin 2πf t
//!   controller          u = Σ_j v_j q_j,  q_j = G_j * r    (a granular layer on the goal)
//!   plant               y = P u                            (the same damped plant)
//!   distal error        e = y - r                          outcome minus goal (§0's sign)
//!   through the model   s_j = F * q_j = Σ_i w_i (G_i * q_j)
//!   rule                dv_j/dt = -η e s_j
//! ```
//!
//! The plant and the model are linear and time-invariant, so the outcome's sensitivity to
//! `v_j` is the plant applied to `q_j`: `∂y/∂v_j = P * q_j`, and `-η e (P * q_j)` would
//! be gradient descent on `½ e²`. The controller never sees `P`: it uses the model's
//! `F * q_j` in its place (the filtered-x form of LMS), so it learns only as well as
//! the model predicts. At the goal's frequency the model's phase must be within a
//! quarter cycle of the plant's for the product to point downhill; a model learned on
//! noise over the goal's band is well inside that. For a sine goal the ideal controller
//! is known in closed form: `C(e^{iωdt}) = 1/P(e^{iωdt})` at the goal's frequency (the
//! tests check the learned one against it).
//!
//! The stages follow each other after `babble_seconds` of simulated time. The switch
//! copies the model's weights; stage 2 builds a fresh plant at rest. Every buffer is
//! allocated when a stage begins; a step allocates nothing. Sums run in a fixed order
//! and `sin`/`exp` come from `libm`, so a run is bit-identical natively and in wasm.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::basis::GranularLayer;
use super::config::{
    CerebellumConfig, CerebellumTask, ConfigError, SignalConfig, SignalKind, MAX_BETA, MAX_WEIGHT,
};
use super::forward_model::Plant;
use super::signal::Signal;
use super::window::Window;
use super::{Cerebellum, StepError};
use crate::limits;
use crate::streams;

/// Longest babbling stage, seconds.
pub const MAX_BABBLE_SECONDS: f64 = 600.0;

/// The two stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// The forward model learns the plant from random commands.
    Babbling,
    /// The controller learns through the frozen forward model.
    Reaching,
}

impl Stage {
    /// 1 or 2, as the page numbers them.
    pub fn number(self) -> u8 {
        match self {
            Stage::Babbling => 1,
            Stage::Reaching => 2,
        }
    }
}

/// The settings of a distal-teacher run; see the module docs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TeacherConfig {
    /// Stage 1: the forward-model task (its plant, basis, `β`, babbling command). Its
    /// plant is stage 2's plant too, and the controller's granular layer has the same
    /// basis.
    pub forward_model: CerebellumConfig,
    /// How long stage 1 lasts, seconds, in (0, 600].
    pub babble_seconds: f64,
    /// The goal `r(t)`: a sine (amplitude and frequency as the signal's limits).
    pub goal: SignalConfig,
    /// The controller's learning rate `η`, in [0, 1000].
    pub controller_beta: f64,
}

impl Default for TeacherConfig {
    /// The forward-model task's defaults and 20 s of babbling (the prediction error
    /// falls to about a tenth of the outcome), then a unit 1 Hz goal, near enough the
    /// plant's 2 Hz resonance that its inverse needs a phase lead of 34°, and `η` = 2:
    /// the distal error falls below 1% of the goal's RMS within about 15 s (`tests`).
    fn default() -> Self {
        TeacherConfig {
            forward_model: CerebellumConfig::for_task(CerebellumTask::ForwardModel),
            babble_seconds: 20.0,
            goal: SignalConfig {
                kind: SignalKind::Sine,
                amplitude: 1.0,
                freq_hz: 1.0,
            },
            controller_beta: 2.0,
        }
    }
}

impl TeacherConfig {
    /// Checks every field, naming the first one outside its range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let model = &self.forward_model;
        if model.task != CerebellumTask::ForwardModel {
            return Err(ConfigError::OutOfRange {
                field: "forward_model.task",
                allowed: "forward-model".into(),
                got: f64::NAN,
            });
        }
        model.validate()?;
        limits::check(
            "babble_seconds",
            self.babble_seconds,
            || "in (0, 600] s".into(),
            |v| v > 0.0 && v <= MAX_BABBLE_SECONDS,
        )?;
        if self.goal.kind != SignalKind::Sine {
            return Err(ConfigError::OutOfRange {
                field: "goal.kind",
                allowed: "sine".into(),
                got: f64::NAN,
            });
        }
        // The goal obeys the signal's limits: the same check as the babbling command's.
        let mut as_signal = model.clone();
        as_signal.signal = self.goal;
        as_signal.validate().map_err(|error| match error {
            ConfigError::OutOfRange {
                field,
                allowed,
                got,
            } => ConfigError::OutOfRange {
                field: match field {
                    "signal.amplitude" => "goal.amplitude",
                    "signal.freq_hz" => "goal.freq_hz",
                    other => other,
                },
                allowed,
                got,
            },
            other => other,
        })?;
        limits::check(
            "controller_beta",
            self.controller_beta,
            || "in [0, 1000]".into(),
            |v| (0.0..=MAX_BETA).contains(&v),
        )?;
        Ok(())
    }

    /// Steps in stage 1.
    pub fn babble_steps(&self) -> u64 {
        libm::round(self.babble_seconds / self.forward_model.dt) as u64
    }
}

/// Why a step did not happen.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum TeacherError {
    /// The forward model diverged in stage 1.
    #[error("the forward model {0}")]
    ForwardModel(StepError),
    /// A controller weight ran away (a model whose phase is off by more than a quarter
    /// cycle at the goal's frequency, or too large an `η`).
    #[error(
        "the controller diverged at t = {time:.3} s: a weight passed ±1e6 or is not finite. \
         Try a smaller controller rate than {controller_beta}, or a longer babbling stage \
         (a forward model that predicts the plant well)"
    )]
    Controller { time: f64, controller_beta: f64 },
}

/// Stage 2's learner: the controller, the frozen model it learns through, the plant.
#[derive(Debug, Clone)]
struct Reaching {
    goal: Signal,
    /// The controller's granular layer on the goal, `q_j`.
    layer: GranularLayer,
    /// Controller weights `v_j`.
    weights: Vec<f64>,
    /// The frozen forward model `w_i`.
    model: Vec<f64>,
    /// One granular layer per `q_j`: `G_i * q_j`, weighted by `w` into `s_j`.
    through: Vec<GranularLayer>,
    /// The model's granular layer on the command, for its prediction `ŷ`.
    prediction_layer: GranularLayer,
    /// `s_j` of the latest step.
    sensitivities: Vec<f64>,
    plant: Plant,
    eta: f64,
    /// Terms: e², r², (y - ŷ)², y².
    window: Window,
    /// Steps in stage 2.
    steps: u64,
}

const ERROR_POWER: usize = 0;
const GOAL_POWER: usize = 1;
const PREDICTION_POWER: usize = 2;
const OUTCOME_POWER: usize = 3;

impl Reaching {
    fn new(config: &TeacherConfig, model: &[f64]) -> Self {
        let fm = &config.forward_model;
        let filter = &fm.filter;
        let layer = || {
            GranularLayer::new(
                filter.basis,
                filter.count,
                filter.tau_min,
                filter.tau_max,
                fm.dt,
            )
        };
        let width = filter.count + 1;
        // The window holds whole periods of the goal (at least one; two seconds or more).
        let period_steps = 1.0 / (config.goal.freq_hz * fm.dt);
        let periods = libm::ceil(2.0 * config.goal.freq_hz).max(1.0);
        let mut window = Window::new(4, libm::round(periods * period_steps) as usize);
        window.set_len(libm::round(periods * period_steps) as usize);
        Reaching {
            // A sine draws nothing from its stream; the stream is named for the record.
            goal: Signal::new(&config.goal, fm.dt, streams::stream(fm.seed, streams::DATA)),
            layer: layer(),
            weights: vec![0.0; width],
            model: model.to_vec(),
            through: (0..width).map(|_| layer()).collect(),
            prediction_layer: layer(),
            sensitivities: vec![0.0; width],
            plant: Plant::new(fm.plant.natural_freq_hz, fm.plant.damping, fm.dt),
            eta: config.controller_beta,
            window,
            steps: 0,
        }
    }

    /// One step; returns (goal, command, outcome, prediction).
    fn step(&mut self, dt: f64) -> (f64, f64, f64, f64) {
        let r = self.goal.next();
        self.layer.expand(r);
        let q = self.layer.signals();
        let u: f64 = self.weights.iter().zip(q).map(|(v, q)| v * q).sum();
        let y = self.plant.step(u);
        self.prediction_layer.expand(u);
        let prediction: f64 = dot(&self.model, self.prediction_layer.signals());
        for ((s, through), &q_j) in self.sensitivities.iter_mut().zip(&mut self.through).zip(q) {
            through.expand(q_j);
            *s = dot(&self.model, through.signals());
        }
        let e = y - r;
        let rate = self.eta * dt * e;
        for (v, s) in self.weights.iter_mut().zip(&self.sensitivities) {
            *v -= rate * s;
        }
        self.window.push(|row| {
            row[ERROR_POWER] = e * e;
            row[GOAL_POWER] = r * r;
            row[PREDICTION_POWER] = (y - prediction) * (y - prediction);
            row[OUTCOME_POWER] = y * y;
        });
        self.steps += 1;
        (r, u, y, prediction)
    }

    fn rms(&self, term: usize) -> Option<f64> {
        let count = self.window.count();
        (count > 0).then(|| libm::sqrt(self.window.sum(term).max(0.0) / count as f64))
    }
}

fn ratio(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(a, b)| a * b).sum()
}

/// What the page draws after a batch of steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeacherSnapshot {
    pub stage: Stage,
    /// Simulated time from the start of stage 1, seconds.
    pub time: f64,
    /// When stage 2 begins (or began), seconds.
    pub switch_time: f64,
    /// The forward model's prediction error RMS, `y - ŷ`, over its window (stage 1:
    /// on the babbling command; stage 2, once its window is full: on the controller's
    /// command).
    pub prediction_rms: Option<f64>,
    /// [`DistalTeacher::relative_prediction_error`].
    pub relative_prediction_error: Option<f64>,
    /// Stage 2: the distal error's RMS, `y - r`, over whole periods of the goal.
    pub tracking_rms: Option<f64>,
    /// Stage 2: the goal's RMS over the same window (`A/√2`).
    pub goal_rms: Option<f64>,
    /// [`DistalTeacher::relative_tracking_error`].
    pub relative_tracking_error: Option<f64>,
    /// The latest goal (stage 2), command, outcome and prediction.
    pub goal: f64,
    pub command: f64,
    pub outcome: f64,
    pub prediction: f64,
    /// Forward-model weights `w_i`.
    pub model_weights: Vec<f64>,
    /// Controller weights `v_j` (zeros in stage 1).
    pub controller_weights: Vec<f64>,
    pub diverged: bool,
}

/// A distal-teacher run: stage 1 then stage 2; see the module docs.
#[derive(Debug, Clone)]
pub struct DistalTeacher {
    config: TeacherConfig,
    /// Stage 1's forward-model task; after the switch it stays as it was.
    babbling: Cerebellum,
    reaching: Option<Reaching>,
    latest: (f64, f64, f64, f64),
    diverged: Option<TeacherError>,
}

impl DistalTeacher {
    /// Validates `config` and starts stage 1 with a naive model (all weights 0).
    pub fn new(config: &TeacherConfig) -> Result<Self, ConfigError> {
        config.validate()?;
        Ok(DistalTeacher {
            babbling: Cerebellum::new(&config.forward_model)?,
            config: config.clone(),
            reaching: None,
            latest: (0.0, 0.0, 0.0, 0.0),
            diverged: None,
        })
    }

    /// Runs `n` steps, moving to stage 2 when stage 1's time is up. Stops at the first
    /// divergence, which every later call returns again.
    pub fn step(&mut self, n: u64) -> Result<(), TeacherError> {
        if let Some(error) = &self.diverged {
            return Err(error.clone());
        }
        let mut left = n;
        let babble = self.config.babble_steps();
        while left > 0 && self.reaching.is_none() {
            let chunk = left.min(babble.saturating_sub(self.babbling.steps()));
            if let Err(error) = self.babbling.step(chunk) {
                let error = TeacherError::ForwardModel(error);
                self.diverged = Some(error.clone());
                return Err(error);
            }
            left -= chunk;
            let s = self.babbling.snapshot();
            self.latest = (0.0, s.input, s.behaviour, s.output);
            if self.babbling.steps() >= babble {
                self.reaching = Some(Reaching::new(&self.config, self.babbling.weights()));
            }
        }
        let dt = self.config.forward_model.dt;
        if let Some(reaching) = &mut self.reaching {
            for _ in 0..left {
                self.latest = reaching.step(dt);
                let bounded = reaching.weights.iter().all(|v| v.abs() <= MAX_WEIGHT);
                if !bounded || !self.latest.2.is_finite() {
                    let error = TeacherError::Controller {
                        time: self.time(),
                        controller_beta: self.config.controller_beta,
                    };
                    self.diverged = Some(error.clone());
                    return Err(error);
                }
            }
        }
        Ok(())
    }

    pub fn config(&self) -> &TeacherConfig {
        &self.config
    }

    pub fn stage(&self) -> Stage {
        if self.reaching.is_some() {
            Stage::Reaching
        } else {
            Stage::Babbling
        }
    }

    /// Steps from the start of stage 1.
    pub fn steps(&self) -> u64 {
        self.babbling.steps() + self.reaching.as_ref().map_or(0, |r| r.steps)
    }

    /// Simulated seconds from the start of stage 1.
    pub fn time(&self) -> f64 {
        self.steps() as f64 * self.config.forward_model.dt
    }

    /// Stage 1's forward-model task: learning until the switch, frozen after it.
    pub fn forward_model(&self) -> &Cerebellum {
        &self.babbling
    }

    /// The forward model's prediction error RMS (see [`TeacherSnapshot`]). Stage 2's
    /// own window counts once it is full; until then the figure is stage 1's last, so
    /// the switch shows the model as it was learned, not a ratio of a few steps of a
    /// still silent outcome.
    pub fn prediction_rms(&self) -> Option<f64> {
        match &self.reaching {
            Some(r) if r.window.is_full() => r.rms(PREDICTION_POWER),
            _ => self.babbling.error_rms(),
        }
    }

    /// The outcome's RMS over the same window as [`Self::prediction_rms`].
    pub fn outcome_rms(&self) -> Option<f64> {
        match &self.reaching {
            Some(r) if r.window.is_full() => r.rms(OUTCOME_POWER),
            _ => self.babbling.desired_rms(),
        }
    }

    /// The prediction error relative to the outcome, `rms(y - ŷ)/rms(y)`: 1 for a
    /// silent model, 0 for a perfect one; `None` before the outcome moves.
    pub fn relative_prediction_error(&self) -> Option<f64> {
        ratio(self.prediction_rms(), self.outcome_rms())
    }

    /// The distal error relative to the goal, `rms(y - r)/rms(r)`: 1 for a silent
    /// controller, 0 on the goal; `None` in stage 1.
    pub fn relative_tracking_error(&self) -> Option<f64> {
        let reaching = self.reaching.as_ref()?;
        ratio(reaching.rms(ERROR_POWER), reaching.rms(GOAL_POWER))
    }

    /// Stage 2's distal error RMS, `y - r`.
    pub fn tracking_rms(&self) -> Option<f64> {
        self.reaching.as_ref().and_then(|r| r.rms(ERROR_POWER))
    }

    /// The forward model's weights `w_i` (frozen in stage 2).
    pub fn model_weights(&self) -> &[f64] {
        match &self.reaching {
            None => self.babbling.weights(),
            Some(r) => &r.model,
        }
    }

    /// The controller's weights `v_j`; `None` in stage 1.
    pub fn controller_weights(&self) -> Option<&[f64]> {
        self.reaching.as_ref().map(|r| r.weights.as_slice())
    }

    /// τ of the filtered basis signals (the model's and the controller's), seconds.
    pub fn basis_time_constants(&self) -> &[f64] {
        self.babbling.basis_time_constants()
    }

    pub fn diverged(&self) -> Option<&TeacherError> {
        self.diverged.as_ref()
    }

    pub fn snapshot(&self) -> TeacherSnapshot {
        let (goal, command, outcome, prediction) = self.latest;
        let dt = self.config.forward_model.dt;
        TeacherSnapshot {
            stage: self.stage(),
            time: self.time(),
            switch_time: self.config.babble_steps() as f64 * dt,
            prediction_rms: self.prediction_rms(),
            relative_prediction_error: self.relative_prediction_error(),
            tracking_rms: self.tracking_rms(),
            goal_rms: self.reaching.as_ref().and_then(|r| r.rms(GOAL_POWER)),
            relative_tracking_error: self.relative_tracking_error(),
            goal,
            command,
            outcome,
            prediction,
            model_weights: self.model_weights().to_vec(),
            controller_weights: self
                .controller_weights()
                .map_or_else(|| vec![0.0; self.model_weights().len()], <[f64]>::to_vec),
            diverged: self.diverged.is_some(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::TAU;

    /// A complex number as (re, im), enough for a transfer function at one frequency.
    #[derive(Clone, Copy, Debug)]
    struct C(f64, f64);

    impl C {
        fn mul(self, o: C) -> C {
            C(self.0 * o.0 - self.1 * o.1, self.0 * o.1 + self.1 * o.0)
        }
        fn div(self, o: C) -> C {
            let d = o.0 * o.0 + o.1 * o.1;
            C(
                (self.0 * o.0 + self.1 * o.1) / d,
                (self.1 * o.0 - self.0 * o.1) / d,
            )
        }
        fn sub(self, o: C) -> C {
            C(self.0 - o.0, self.1 - o.1)
        }
        fn add(self, o: C) -> C {
            C(self.0 + o.0, self.1 + o.1)
        }
        fn scale(self, k: f64) -> C {
            C(self.0 * k, self.1 * k)
        }
        fn abs(self) -> f64 {
            self.0.hypot(self.1)
        }
    }

    /// `z⁻¹ = e^{-iωdt}` at frequency `f`.
    fn z_inverse(f: f64, dt: f64) -> C {
        let phi = TAU * f * dt;
        C(phi.cos(), -phi.sin())
    }

    /// The plant's discrete transfer function, worked out from its semi-implicit Euler
    /// step (`forward_model`): with `c = 1 - 2ζω dt`, `k = (ω dt)²`,
    /// `P(z) = k / ((1 - z⁻¹)(1 - c z⁻¹) + k z⁻¹)` (DC gain 1).
    fn plant_response(config: &TeacherConfig, f: f64) -> C {
        let fm = &config.forward_model;
        let (dt, omega) = (fm.dt, TAU * fm.plant.natural_freq_hz);
        let k = (omega * dt).powi(2);
        let c = 1.0 - 2.0 * fm.plant.damping * omega * dt;
        let zi = z_inverse(f, dt);
        let one = C(1.0, 0.0);
        let denominator = one.sub(zi).mul(one.sub(zi.scale(c))).add(zi.scale(k));
        C(k, 0.0).div(denominator)
    }

    /// `Σ_j v_j H_j(z)` for the leaky basis: `H_0 = 1`, `H_j = (1 - a_j)/(1 - a_j z⁻¹)`.
    fn filter_response(weights: &[f64], taus: &[f64], f: f64, dt: f64) -> C {
        let zi = z_inverse(f, dt);
        let mut sum = C(weights[0], 0.0);
        for (&v, &tau) in weights[1..].iter().zip(taus) {
            let a = (-dt / tau).exp();
            let h = C(1.0 - a, 0.0).div(C(1.0, 0.0).sub(zi.scale(a)));
            sum = sum.add(h.scale(v));
        }
        sum
    }

    fn run(config: &TeacherConfig, seconds: f64) -> DistalTeacher {
        let mut teacher = DistalTeacher::new(config).unwrap();
        teacher
            .step(libm::round(seconds / config.forward_model.dt) as u64)
            .unwrap();
        teacher
    }

    #[test]
    fn the_defaults_are_valid_and_bad_values_name_their_field() {
        TeacherConfig::default().validate().unwrap();
        type Edit = fn(&mut TeacherConfig);
        let cases: [(&str, Edit); 7] = [
            ("babble_seconds", |c| c.babble_seconds = 0.0),
            ("babble_seconds", |c| c.babble_seconds = f64::NAN),
            ("goal.freq_hz", |c| c.goal.freq_hz = 0.0),
            ("goal.amplitude", |c| c.goal.amplitude = -1.0),
            ("goal.kind", |c| c.goal.kind = SignalKind::Noise),
            ("controller_beta", |c| c.controller_beta = 2000.0),
            ("forward_model.task", |c| {
                c.forward_model.task = CerebellumTask::Vor
            }),
        ];
        for (field, edit) in cases {
            let mut config = TeacherConfig::default();
            edit(&mut config);
            match config.validate() {
                Err(ConfigError::OutOfRange { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: {other:?}"),
            }
        }
    }

    #[test]
    fn stage_one_is_the_forward_model_task_and_its_error_falls() {
        // Stage 1 is exactly the forward-model task: the same weights, bit for bit.
        let config = TeacherConfig::default();
        let teacher = run(&config, 19.0);
        let mut task = Cerebellum::new(&config.forward_model).unwrap();
        task.step(19_000).unwrap();
        assert_eq!(teacher.model_weights(), task.weights());
        assert_eq!(teacher.stage(), Stage::Babbling);
        assert!(teacher.controller_weights().is_none());
        // The prediction error relative to the outcome: near 1 while the model is still
        // silent, under 0.15 by the end of stage 1.
        let early = run(&config, 0.1).relative_prediction_error().unwrap();
        let late = teacher.relative_prediction_error().unwrap();
        assert!(early > 0.9, "{early}");
        assert!(late < 0.15, "{early} → {late}");
    }

    #[test]
    fn the_model_error_holds_stage_ones_figure_until_stage_twos_window_fills() {
        let config = TeacherConfig::default();
        let mut teacher = run(&config, 20.0);
        let learned = teacher.relative_prediction_error().unwrap();
        assert!(learned < 0.15, "{learned}");
        // A few steps in, the silent controller's outcome is almost 0: a ratio over them
        // would say nothing about the model.
        teacher.step(10).unwrap();
        assert_eq!(teacher.stage(), Stage::Reaching);
        assert_eq!(teacher.relative_prediction_error(), Some(learned));
        // Two seconds of goal later the window is stage 2's own.
        teacher.step(2_000).unwrap();
        let own = teacher.relative_prediction_error().unwrap();
        assert_ne!(own, learned);
    }

    #[test]
    fn stage_two_reaches_the_goal_and_the_controller_is_the_plants_inverse() {
        let config = TeacherConfig::default();
        let mut teacher = run(&config, 20.0);
        assert_eq!(teacher.stage(), Stage::Reaching);
        assert_eq!(teacher.relative_tracking_error(), None);
        teacher.step(100).unwrap();
        // An untrained controller commands almost nothing: the error is the goal itself.
        let start = teacher.relative_tracking_error().unwrap();
        assert!(start > 0.95, "{start}");
        teacher.step(24_900).unwrap();
        let goal_rms = teacher.snapshot().goal_rms.unwrap();
        assert!((goal_rms - 0.5_f64.sqrt()).abs() < 1e-3, "{goal_rms}");
        let end = teacher.relative_tracking_error().unwrap();
        assert!(end < 0.001, "{start} → {end}");
        // The model it learned through is far less exact on this command than the
        // controller ends up: the rule stops only where the distal error is 0.
        // (docs/science.md §5.6: about 35 % of the outcome.)
        let model_error = teacher.relative_prediction_error().unwrap();
        assert!((0.3..0.4).contains(&model_error), "{model_error}");
        assert!(model_error > 100.0 * end, "{model_error} vs {end}");
        // The reference answer: at the goal's frequency the learned controller inverts
        // the plant, C·P = 1 (the discrete transfer functions, in closed form).
        let f = config.goal.freq_hz;
        let dt = config.forward_model.dt;
        let c = filter_response(
            teacher.controller_weights().unwrap(),
            teacher.basis_time_constants(),
            f,
            dt,
        );
        let loop_gain = c.mul(plant_response(&config, f));
        assert!(
            loop_gain.sub(C(1.0, 0.0)).abs() < 0.01,
            "C·P = {loop_gain:?}, |C| = {}, 1/|P| = {}",
            c.abs(),
            1.0 / plant_response(&config, f).abs()
        );
    }

    #[test]
    fn the_closed_form_plant_matches_the_simulated_one() {
        // Drive the plant with a sine and compare its steady-state response with P(z).
        let config = TeacherConfig::default();
        let fm = &config.forward_model;
        let f = config.goal.freq_hz;
        let mut plant = Plant::new(fm.plant.natural_freq_hz, fm.plant.damping, fm.dt);
        let p = plant_response(&config, f);
        let mut worst: f64 = 0.0;
        for n in 1..=20_000 {
            let t = n as f64 * fm.dt;
            let y = plant.step((TAU * f * t).sin());
            // y(t) = Im(P e^{iωt}) once the transient has gone.
            let expected = p.0 * (TAU * f * t).sin() + p.1 * (TAU * f * t).cos();
            if n > 10_000 {
                worst = worst.max((y - expected).abs());
            }
        }
        assert!(worst < 1e-9, "{worst}");
    }

    #[test]
    fn the_controller_learns_only_through_the_model() {
        // A model of the wrong sign (its phase half a cycle from the plant's) teaches the
        // controller to climb: the same run with w negated at the switch diverges or
        // ends far from the goal, though the plant is the same.
        let config = TeacherConfig::default();
        let mut good = run(&config, 20.0);
        let mut bad = good.clone();
        if let Some(reaching) = &mut bad.reaching {
            reaching.model.iter_mut().for_each(|w| *w = -*w);
        }
        good.step(25_000).unwrap();
        let good_error = good.relative_tracking_error().unwrap();
        let bad_outcome = bad.step(25_000);
        let bad_error = bad.relative_tracking_error().unwrap_or(f64::INFINITY);
        assert!(good_error < 0.001, "{good_error}");
        assert!(
            bad_outcome.is_err() || bad_error > 1.0,
            "{bad_outcome:?}, {bad_error}"
        );
    }

    #[test]
    fn a_run_is_reproducible_and_a_divergence_sticks() {
        let config = TeacherConfig::default();
        let a = run(&config, 25.0).snapshot();
        let b = run(&config, 25.0).snapshot();
        assert_eq!(a, b);
        let reckless = TeacherConfig {
            controller_beta: 1000.0,
            babble_seconds: 1.0,
            ..TeacherConfig::default()
        };
        let mut teacher = DistalTeacher::new(&reckless).unwrap();
        let error = teacher.step(200_000).unwrap_err();
        assert!(matches!(error, TeacherError::Controller { .. }), "{error}");
        assert_eq!(teacher.step(1), Err(error));
        assert!(teacher.snapshot().diverged);
    }
}
