//! The cerebellum as a supervised adaptive filter (Fujita 1982; Dean, Porrill et al.;
//! Porrill & Dean 2007; Raymond & Medina 2018; docs/science.md §5): where the brain seems to
//! do supervised learning for real, with the climbing fibre as the teacher.
//!
//! ```text
//!  x(t) ─mossy fibres─▶ granule cells ─parallel fibres p_i─▶ Purkinje cell z = Σ w_i p_i ─▶ behaviour
//!                        p_i = G_i * x                          ▲
//!                                                  climbing fibre e (delay D_e)
//!  dw_i/dt = -β e(t - D_e) p_i(t - D_p)        LMS: the delta rule in continuous time
//! ```
//!
//! | file | concept |
//! |---|---|
//! | `basis` | the granular layer: raw signal plus leaky, alpha or delay-line filters |
//! | `filter` | Purkinje weights, the LMS (decorrelation) rule, error and eligibility delays |
//! | `signal` | head velocity or motor command: a sine or seeded band-limited noise |
//! | `vor` | task 1: VOR gain adaptation to spectacles; sign conventions |
//! | `forward_model` | task 2: predicting a damped second-order plant's outcome |
//! | `teacher` | the forward model teaching a controller (distal teacher, two stages) |
//! | `window`, `trace` | sliding-window metrics and the downsampled trace |
//! | `config` | the validated settings |
//!
//! One integration step `n` (`t = n dt`) of [`Cerebellum`]:
//!
//! ```text
//! x_n        = signal                          H (VOR) or u (forward model)
//! p_n        = granular layer (x_n)            p_0 = x, p_1..p_n filtered
//! z_n        = w · p_n
//! VOR        E = -(B H + z),  S = -(M H + E) = z - (M - B) H,  e = S
//! forward    y = plant(u),    c = y - z,                        e = z - y = -c
//! w         -= β dt e_{n-k_e} p_{n-k_p}
//! ```
//!
//! Metrics over a sliding window (a whole number of periods for a sine): the **gain**,
//! `g = -⟨E H⟩/⟨H²⟩` for the VOR (→ `M`) and `⟨z y⟩/⟨y²⟩` for the forward model (→ 1);
//! the **error RMS** of the error as shown, `ε` (the slip `S = e`, or outcome minus
//! prediction `c = -e`); and the **error–basis correlations**
//! `c_i = ⟨ε p_i⟩ / (√⟨p_i²⟩ · max(√⟨ε²⟩, √⟨z*²⟩))`, where `z*` is the desired output
//! (`(M - B) H`, or `y`). Learning stops when every `⟨e p_i⟩` is 0 (the rule's fixed
//! point), and `c_i` measures how far from it: it is the (uncentred) correlation of `ε`
//! with `p_i` while the error is as large as the untrained one (`|ε| = |z*|` when
//! `z = 0`), and shrinks with the error as learning removes it. (The plain correlation
//! would not: near convergence a sine's tiny residual error is itself a sinusoid,
//! correlated with the basis however small it is.) `|c_i| ≤ 1` always.
//!
//! # Reproducibility and allocation
//!
//! The noise signal draws from a ChaCha8 stream of the seed; `sin`, `exp` and `pow`
//! come from `libm`; sums run in a fixed order. A run is bit-identical natively and in
//! wasm ([`Cerebellum::weights_hash`]). Every buffer (delay lines, metric window, trace)
//! is allocated in [`Cerebellum::new`]; [`Cerebellum::step`] allocates nothing.
//!
//! # Divergence
//!
//! A weight beyond `±MAX_WEIGHT` (or not finite) stops the simulation with
//! [`StepError::Diverged`]: the usual cause is an error delay without a matching
//! eligibility delay at a frequency above `1/(4 D_e)`, where LMS climbs.

mod basis;
pub mod config;
pub mod export;
mod filter;
mod forward_model;
mod signal;
pub mod teacher;
mod trace;
mod vor;
mod window;

use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use config::{
    BasisKind, CerebellumConfig, CerebellumTask, ConfigError, FilterConfig, PlantConfig,
    SignalConfig, SignalKind, VorConfig, MAX_WEIGHT,
};
pub use teacher::{DistalTeacher, Stage, TeacherConfig, TeacherError, TeacherSnapshot};
pub use trace::Trace;

use crate::hash::Fnv1a;
use crate::streams;
use filter::AdaptiveFilter;
use forward_model::Plant;
use signal::Signal;
use trace::{TracePoint, TraceRing};
use vor::Vor;
use window::Window;

/// The name of the cerebellum's learning rule on the command line.
pub const RULE_NAME: &str = "lms";
/// One line about it for `bioprop list`.
pub const RULE_DESCRIPTION: &str =
    "cerebellar LMS (decorrelation), dw_i/dt = -beta e p_i on the Purkinje weights (tasks vor, forward-model)";

// Window terms: the gain's reference power and cross product, the error and desired
// powers, then per basis signal p_i² and e p_i.
const REFERENCE_POWER: usize = 0;
const CROSS: usize = 1;
const ERROR_POWER: usize = 2;
const DESIRED_POWER: usize = 3;
const BASIS_TERMS: usize = 4;

/// What the filter is embedded in.
#[derive(Debug, Clone)]
enum World {
    Vor(Vor),
    ForwardModel(Plant),
}

/// Why a step did not happen.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum StepError {
    /// A Purkinje weight ran away. The simulation stays stopped: every later `step`
    /// returns this error again.
    #[error(
        "learning diverged at step {step} (t = {time:.3} s): a Purkinje weight passed ±1e6 or is \
         not finite. {}",
        hint(*.freq_hz, *.error_delay, *.eligibility_delay, *.beta)
    )]
    Diverged {
        /// The step that produced the runaway weight (1-based).
        step: u64,
        /// Its simulated time, seconds.
        time: f64,
        /// The settings in force: signal frequency (Hz), delays (s), learning rate.
        freq_hz: f64,
        error_delay: f64,
        eligibility_delay: f64,
        beta: f64,
    },
}

/// What to try after a divergence: the delay limit when the frequency is beyond it,
/// else the learning rate.
fn hint(freq_hz: f64, error_delay: f64, eligibility_delay: f64, beta: f64) -> String {
    let mismatch = (error_delay - eligibility_delay).abs();
    let limit = 1.0 / (4.0 * mismatch);
    if mismatch > 0.0 && freq_hz >= limit {
        format!(
            "The error arrives {error_delay} s late and the eligibility trace is \
             {eligibility_delay} s: at {freq_hz} Hz, above about 1/(4·{mismatch:.3} s) = \
             {limit:.2} Hz, LMS climbs instead of descending; match the eligibility delay to \
             the error delay, or lower the frequency"
        )
    } else if mismatch > 0.0 {
        format!(
            "Try a smaller learning rate than beta = {beta}, or match the eligibility delay \
             ({eligibility_delay} s) to the error delay ({error_delay} s)"
        )
    } else {
        format!("Try a smaller learning rate than beta = {beta}")
    }
}

/// What the UI draws after a batch of steps: a few numbers and three short vectors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub task: CerebellumTask,
    /// Integration steps so far.
    pub step: u64,
    /// Simulated time, seconds.
    pub time: f64,
    /// The latest mossy-fibre input: head velocity `H` (VOR) or motor command `u`.
    pub input: f64,
    /// The latest Purkinje output `z`: the cerebellum's share of the eye command (VOR)
    /// or the predicted outcome (forward model).
    pub output: f64,
    /// The latest eye velocity `E` (VOR) or actual outcome `y` (forward model).
    pub behaviour: f64,
    /// The latest climbing-fibre error: retinal slip `S = z - (M - B) H` (VOR) or
    /// outcome minus prediction `y - z` (forward model).
    pub error: f64,
    /// The windowed gain: VOR gain `-⟨E H⟩/⟨H²⟩`, or prediction gain `⟨z y⟩/⟨y²⟩`;
    /// `None` before the window holds any signal.
    pub gain: Option<f64>,
    /// Where the gain should go: `M`, or 1.
    pub target_gain: f64,
    /// RMS of the error over the window; `None` before the first step.
    pub error_rms: Option<f64>,
    /// Purkinje weights `w_0 .. w_n` (`w_0` on the raw signal).
    pub weights: Vec<f64>,
    /// The latest basis signals `p_0 .. p_n` (parallel-fibre activity; `p_0 = input`).
    pub basis_signals: Vec<f64>,
    /// Error–basis correlations `c_0 .. c_n` over the window (module docs), each in
    /// [-1, 1], → 0 as learning converges.
    pub correlations: Vec<f64>,
    /// Whether the weights ran away and the simulation stopped.
    pub diverged: bool,
}

/// The latest values of the signals.
#[derive(Debug, Clone, Copy, Default)]
struct Latest {
    input: f64,
    output: f64,
    behaviour: f64,
    error: f64,
}

/// A cerebellar adaptive filter learning one task; see the module docs. A clone
/// continues exactly as the original would.
#[derive(Debug, Clone)]
pub struct Cerebellum {
    config: CerebellumConfig,
    signal: Signal,
    filter: AdaptiveFilter,
    world: World,
    window: Window,
    trace: TraceRing,
    steps: u64,
    latest: Latest,
    diverged: Option<StepError>,
}

impl Cerebellum {
    /// Validates `config` and builds a naive cerebellum (all weights 0) at rest.
    pub fn new(config: &CerebellumConfig) -> Result<Self, ConfigError> {
        config.validate()?;
        let dt = config.dt;
        // The noise signal is the cerebellum's data: `streams::DATA`.
        let rng = streams::stream(config.seed, streams::DATA);
        let filter = AdaptiveFilter::new(&config.filter, dt);
        let width = filter.weights().len();
        let mut cerebellum = Cerebellum {
            signal: Signal::new(&config.signal, dt, rng),
            world: World::Vor(Vor {
                spectacles: 0.0,
                brainstem_gain: 0.0,
            }),
            window: Window::new(BASIS_TERMS + 2 * width, config.window_steps()),
            trace: TraceRing::new(
                config.trace_len as usize,
                f64::from(config.trace_every) * dt,
            ),
            filter,
            steps: 0,
            latest: Latest::default(),
            diverged: None,
            config: config.clone(),
        };
        cerebellum.world = match config.task {
            CerebellumTask::Vor => World::Vor(Vor {
                spectacles: config.vor.spectacles,
                brainstem_gain: config.vor.brainstem_gain,
            }),
            CerebellumTask::ForwardModel => World::ForwardModel(Plant::new(
                config.plant.natural_freq_hz,
                config.plant.damping,
                dt,
            )),
        };
        cerebellum.fit_window();
        Ok(cerebellum)
    }

    /// Changes the live settings from the next step on, keeping the weights and every
    /// signal's state: the signal, `β`, the delays, `M` and `B`, the plant. Anything
    /// else is [`ConfigError::NotLive`]. A diverged simulation stays diverged.
    pub fn retune(&mut self, config: &CerebellumConfig) -> Result<(), ConfigError> {
        config.validate_retune(&self.config)?;
        self.signal.retune(&config.signal);
        self.filter.retune(&config.filter);
        match &mut self.world {
            World::Vor(vor) => {
                vor.spectacles = config.vor.spectacles;
                vor.brainstem_gain = config.vor.brainstem_gain;
            }
            World::ForwardModel(plant) => {
                plant.retune(config.plant.natural_freq_hz, config.plant.damping);
            }
        }
        self.config = config.clone();
        self.fit_window();
        Ok(())
    }

    /// Sums the metrics over the largest whole number of a sine's periods that fits the
    /// window (the whole window for noise, or if not even one period fits).
    fn fit_window(&mut self) {
        let steps = self.config.window_steps();
        let signal = &self.config.signal;
        let len = if signal.kind == SignalKind::Sine {
            let periods = libm::floor(self.config.window * signal.freq_hz);
            if periods >= 1.0 {
                libm::round(periods / (signal.freq_hz * self.config.dt)) as usize
            } else {
                steps
            }
        } else {
            steps
        };
        self.window.set_len(len.min(steps));
    }

    fn step_once(&mut self) -> Result<(), StepError> {
        if let Some(error) = &self.diverged {
            return Err(error.clone());
        }
        let x = self.signal.next();
        let z = self.filter.respond(x);
        // (behaviour, shown error, desired output, rule error e = z - z*, gain
        // reference, gain cross term)
        let (behaviour, error, desired, rule_error, reference, cross) = match &mut self.world {
            World::Vor(vor) => {
                let s = vor.respond(x, z);
                (
                    s.eye_velocity,
                    s.slip,
                    s.desired,
                    s.slip,
                    x,
                    -s.eye_velocity * x,
                )
            }
            World::ForwardModel(plant) => {
                let y = plant.step(x);
                (y, y - z, y, z - y, y, z * y)
            }
        };
        self.filter.learn(rule_error);
        self.steps += 1;
        self.latest = Latest {
            input: x,
            output: z,
            behaviour,
            error,
        };
        let signals = self.filter.signals();
        self.window.push(|row| {
            row[REFERENCE_POWER] = reference * reference;
            row[CROSS] = cross;
            row[ERROR_POWER] = error * error;
            row[DESIRED_POWER] = desired * desired;
            for (pair, &p) in row[BASIS_TERMS..].chunks_exact_mut(2).zip(signals) {
                pair[0] = p * p;
                pair[1] = error * p;
            }
        });
        if self.steps % u64::from(self.config.trace_every) == 0 {
            self.trace.push(TracePoint {
                time: self.time(),
                input: x as f32,
                output: z as f32,
                behaviour: behaviour as f32,
                error: error as f32,
                gain: self.gain().unwrap_or(f64::NAN) as f32,
                error_rms: self.error_rms().unwrap_or(f64::NAN) as f32,
            });
        }
        if !self.filter.weights_in_bounds() || !z.is_finite() {
            let error = StepError::Diverged {
                step: self.steps,
                time: self.time(),
                freq_hz: self.config.signal.freq_hz,
                error_delay: self.config.filter.error_delay,
                eligibility_delay: self.config.filter.eligibility_delay,
                beta: self.config.filter.beta,
            };
            self.diverged = Some(error.clone());
            return Err(error);
        }
        Ok(())
    }

    /// Runs `n` integration steps. Stops at the first divergence, which is then
    /// returned by every later call.
    pub fn step(&mut self, n: u64) -> Result<(), StepError> {
        for _ in 0..n {
            self.step_once()?;
        }
        Ok(())
    }

    /// The settings in force (the built ones, with any retuning).
    pub fn config(&self) -> &CerebellumConfig {
        &self.config
    }

    /// Integration steps so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Simulated time, seconds.
    pub fn time(&self) -> f64 {
        self.steps as f64 * self.config.dt
    }

    /// The windowed gain: VOR gain `-⟨E H⟩/⟨H²⟩` or prediction gain `⟨z y⟩/⟨y²⟩`;
    /// `None` while the window holds no signal.
    pub fn gain(&self) -> Option<f64> {
        let power = self.window.sum(REFERENCE_POWER);
        (power > 0.0).then(|| self.window.sum(CROSS) / power)
    }

    /// Where the gain should go: `M` for the VOR, 1 for the forward model.
    pub fn target_gain(&self) -> f64 {
        match self.config.task {
            CerebellumTask::Vor => self.config.vor.spectacles,
            CerebellumTask::ForwardModel => 1.0,
        }
    }

    /// RMS of the error (slip, or outcome minus prediction) over the window.
    pub fn error_rms(&self) -> Option<f64> {
        let count = self.window.count();
        (count > 0).then(|| libm::sqrt(self.window.sum(ERROR_POWER).max(0.0) / count as f64))
    }

    /// RMS of the desired output over the window: `(M - B) H` for the VOR, the outcome
    /// `y` for the forward model.
    pub fn desired_rms(&self) -> Option<f64> {
        let count = self.window.count();
        (count > 0).then(|| libm::sqrt(self.window.sum(DESIRED_POWER).max(0.0) / count as f64))
    }

    /// The error–basis correlation `c_i` over the window (module docs); 0 when the
    /// error and desired output or `p_i` are silent.
    pub fn correlation(&self, i: usize) -> f64 {
        let scale = libm::sqrt(
            self.window
                .sum(ERROR_POWER)
                .max(self.window.sum(DESIRED_POWER))
                .max(0.0),
        );
        let basis_power = libm::sqrt(self.window.sum(BASIS_TERMS + 2 * i).max(0.0));
        let denominator = scale * basis_power;
        if denominator > 0.0 {
            (self.window.sum(BASIS_TERMS + 2 * i + 1) / denominator).clamp(-1.0, 1.0)
        } else {
            0.0
        }
    }

    /// `c_0 .. c_n`.
    pub fn correlations(&self) -> Vec<f64> {
        (0..self.weights().len())
            .map(|i| self.correlation(i))
            .collect()
    }

    /// Purkinje weights `w_0 .. w_n` (`w_0` on the raw signal).
    pub fn weights(&self) -> &[f64] {
        self.filter.weights()
    }

    /// The latest basis signals `p_0 .. p_n`.
    pub fn basis_signals(&self) -> &[f64] {
        self.filter.signals()
    }

    /// `τ_1 .. τ_n` of the filtered basis signals `p_1 .. p_n`, seconds (delays, for a
    /// delay line); `p_0` is the raw signal.
    pub fn basis_time_constants(&self) -> &[f64] {
        self.filter.time_constants()
    }

    /// The divergence that stopped this simulation, if any.
    pub fn diverged(&self) -> Option<&StepError> {
        self.diverged.as_ref()
    }

    /// The latest values and windowed metrics; small.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            task: self.config.task,
            step: self.steps,
            time: self.time(),
            input: self.latest.input,
            output: self.latest.output,
            behaviour: self.latest.behaviour,
            error: self.latest.error,
            gain: self.gain(),
            target_gain: self.target_gain(),
            error_rms: self.error_rms(),
            weights: self.weights().to_vec(),
            basis_signals: self.basis_signals().to_vec(),
            correlations: self.correlations(),
            diverged: self.diverged.is_some(),
        }
    }

    /// The last `trace_len` points, one every `trace_every` steps, oldest first.
    pub fn trace(&self) -> Trace {
        self.trace.to_trace()
    }

    /// FNV-1a over the bits of the weights and the latest signals: equal hashes mean
    /// identical runs (natively and in wasm).
    pub fn weights_hash(&self) -> u64 {
        let mut hash = Fnv1a::new();
        let latest = [
            self.latest.input,
            self.latest.output,
            self.latest.behaviour,
            self.latest.error,
        ];
        for &v in self.weights().iter().chain(&latest) {
            hash.f64(v);
        }
        hash.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vor(freq_hz: f64) -> CerebellumConfig {
        let mut config = CerebellumConfig::for_task(CerebellumTask::Vor);
        config.signal.freq_hz = freq_hz;
        config
    }

    #[test]
    fn the_gain_window_holds_whole_periods_of_a_sine() {
        // Window 2 s at 1 ms: 0.75 Hz fits one period (1333 steps), 1.5 Hz three (2000),
        // 0.3 Hz none (the whole window).
        for (freq_hz, expected) in [(0.75, 1333), (1.5, 2000), (0.3, 2000), (4.0, 2000)] {
            let mut cerebellum = Cerebellum::new(&vor(freq_hz)).unwrap();
            cerebellum.step(5000).unwrap();
            assert_eq!(cerebellum.window.count(), expected, "{freq_hz} Hz");
        }
        // Noise uses the whole window.
        let mut noise = vor(0.75);
        noise.signal.kind = SignalKind::Noise;
        let mut cerebellum = Cerebellum::new(&noise).unwrap();
        cerebellum.step(5000).unwrap();
        assert_eq!(cerebellum.window.count(), 2000);
    }

    #[test]
    fn retuning_the_frequency_refits_the_window() {
        let mut cerebellum = Cerebellum::new(&vor(1.0)).unwrap();
        cerebellum.step(3000).unwrap();
        cerebellum.retune(&vor(0.75)).unwrap();
        assert_eq!(cerebellum.window.count(), 1333);
    }

    #[test]
    fn an_untrained_vor_has_the_brainstem_gain_and_c0_minus_one() {
        let mut config = vor(1.0);
        config.filter.beta = 0.0;
        let mut cerebellum = Cerebellum::new(&config).unwrap();
        cerebellum.step(2000).unwrap();
        assert!((cerebellum.gain().unwrap() - 1.0).abs() < 1e-12);
        // slip = -(M - B) H = -H: exactly anti-correlated with p_0 = H.
        assert!((cerebellum.correlation(0) + 1.0).abs() < 1e-12);
        let rms = cerebellum.error_rms().unwrap();
        assert!((rms - 0.5_f64.sqrt()).abs() < 1e-6, "{rms}");
    }

    #[test]
    fn the_forward_model_learns_along_outcome_minus_prediction() {
        // One step from silence: z = 0, so w_i moves by +β dt (y - z) p_i = β dt y p_i.
        let config = CerebellumConfig::for_task(CerebellumTask::ForwardModel);
        let mut cerebellum = Cerebellum::new(&config).unwrap();
        cerebellum.step(1).unwrap();
        let snapshot = cerebellum.snapshot();
        assert_eq!(snapshot.output, 0.0);
        assert_eq!(snapshot.error, snapshot.behaviour);
        for (w, p) in snapshot.weights.iter().zip(&snapshot.basis_signals) {
            let expected = config.filter.beta * config.dt * snapshot.error * p;
            assert!((w - expected).abs() <= 1e-18 + 1e-12 * expected.abs());
        }
    }

    #[test]
    fn a_trace_point_is_recorded_every_trace_every_steps() {
        let mut config = vor(1.0);
        config.trace_every = 7;
        let mut cerebellum = Cerebellum::new(&config).unwrap();
        cerebellum.step(50).unwrap();
        let trace = cerebellum.trace();
        assert_eq!(trace.time.len(), 7);
        assert!((trace.time[0] - 0.007).abs() < 1e-12);
        assert!((trace.interval - 0.007).abs() < 1e-15);
    }

    #[test]
    fn the_divergence_hint_names_the_delay_limit_only_beyond_it() {
        let beyond = hint(5.0, 0.1, 0.0, 1.0);
        assert!(
            beyond.contains("2.50 Hz") && beyond.contains("eligibility"),
            "{beyond}"
        );
        let below = hint(1.0, 0.1, 0.0, 1.0);
        assert!(below.contains("smaller learning rate"), "{below}");
        let matched = hint(5.0, 0.1, 0.1, 3.0);
        assert_eq!(matched, "Try a smaller learning rate than beta = 3");
    }
}
