//! Tasks: the data a student network learns from (docs/science.md §3).
//!
//! # Shapes
//!
//! Samples are in **rows**: a [`Dataset`] holds `train_inputs` `(n_train, n_in)`,
//! `train_targets` `(n_train, n_out)` and the same for the held-out `test_*` arrays.
//! Regression targets are real vectors; classification targets are one-hot with one
//! column per class (the binary 2-D tasks use two columns, not one).
//!
//! # The tasks
//!
//! | name | inputs | targets | source |
//! |---|---|---|---|
//! | `linear-teacher` | `x ~ N(0, I₃₀)` | `y = T x`, `T` 10×30 with entries U[-1, 1] | Lillicrap et al. 2016, Task 1 |
//! | `nonlinear-teacher` | `x ~ U[-1, 1]³⁰` | `y = W₂ tanh(g W₁ x)`, a 30-20-10 teacher | after Sacramento et al. 2018 |
//! | `xor`, `circles`, `spirals`, `gaussians`, `moons` | points in about `[-1, 1]²` | 2 classes, one-hot | TensorFlow Playground / scikit-learn style |
//! | `sine` | `x ~ U[-1, 1]` | `y = sin(π x)` | 1-D regression |
//! | `autoencoder` | the 8 one-hot patterns `e_p` (+ input noise) | `y = e_p`: the input itself | the 8-3-8 encoder, Rumelhart et al. 1986 |
//! | `arrays` | user-supplied, see [`Dataset::from_arrays`] | | |
//!
//! The MNIST digits are read from their IDX files ([`idx`], [`mnist`]) into an
//! `arrays` dataset; they are not a generated task.
//!
//! The formulas, and why the nonlinear teacher is built the way it is, are in
//! [`teacher`], [`planar`], [`sine`] and [`encoder`].
//!
//! # Noise
//!
//! [`TaskConfig::noise`] is a standard deviation: Gaussian jitter added to the inputs of
//! the 2-D tasks, Gaussian noise added to the targets of the regression tasks (sine and
//! the teachers; 0 by default for the teachers, so their targets are exact). The noise
//! draws are made even when the level is 0, so two runs with the same seed and
//! different noise levels jitter the *same* clean points.
//!
//! # Reproducibility
//!
//! All randomness comes from the caller's [`ChaCha8Rng`], drawn in a fixed order: the
//! teacher's weights (if any), then the training set sample by sample, then the test
//! set. Only IEEE-exact arithmetic (`+ - * /`, `sqrt`) touches `f32` values; `sin`,
//! `cos`, `exp` and `ln` (whose last bit may differ between the native and the wasm
//! `libm`) are evaluated in `f64` and then rounded to `f32`, which hides such a
//! difference except in a vanishingly rare tie. Matrix products are plain loops in a
//! fixed order (a BLAS-style kernel may fuse multiply-adds on one target and not on
//! another). So one seed gives the same bits natively and in wasm; compare datasets
//! with [`Dataset::fingerprint`].
//!
//! Classes alternate `0, 1, 0, 1, …` down the rows, so every prefix of a set is
//! balanced to within one sample and no shuffle is needed to make minibatches fair.

mod arrays;
pub mod drawing;
pub mod encoder;
pub mod idx;
pub mod mnist;
pub mod pack;
pub mod planar;
pub mod sine;
pub mod teacher;

use std::str::FromStr;

use ndarray::Array2;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::hash::Fnv1a;
use crate::named::named;
use crate::Named;

pub use teacher::Teacher;

/// Largest `train_size` or `test_size` a generated task accepts.
pub const MAX_SAMPLES: usize = 100_000;
/// Largest accepted noise standard deviation.
pub const MAX_NOISE: f32 = 10.0;

/// Every task, by name.
///
/// [`TaskKind::name`] gives the kebab-case name used by the CLI, URLs and serde;
/// [`FromStr`] parses it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TaskKind {
    /// `y = T x` (Lillicrap 2016, Task 1).
    #[default]
    LinearTeacher,
    /// A fixed random 30-20-10 tanh network is the target (after Sacramento 2018).
    NonlinearTeacher,
    /// Four quadrants, class by the sign of `x₁ x₂`.
    Xor,
    /// A disc inside a ring.
    Circles,
    /// Two interleaved spirals.
    Spirals,
    /// Two Gaussian blobs.
    Gaussians,
    /// Two interleaved half-moons.
    Moons,
    /// 1-D regression of `sin(π x)`.
    Sine,
    /// The 8-3-8 encoder: the target is the input itself ([`encoder`]).
    Autoencoder,
    /// Data supplied by the user through [`Dataset::from_arrays`].
    Arrays,
    /// The MNIST handwritten digits, loaded (not generated): from the compact digits
    /// file ([`pack`]) or the IDX files ([`mnist`]), then [`mnist::dataset`].
    Digits,
}

impl TaskKind {
    /// Every task, in the order the UI and `list` show them.
    pub const ALL: &'static [TaskKind] = &[
        TaskKind::LinearTeacher,
        TaskKind::NonlinearTeacher,
        TaskKind::Xor,
        TaskKind::Circles,
        TaskKind::Spirals,
        TaskKind::Gaussians,
        TaskKind::Moons,
        TaskKind::Sine,
        TaskKind::Autoencoder,
        TaskKind::Arrays,
        TaskKind::Digits,
    ];

    /// Every task whose data bioprop generates (all but `arrays`, which the user
    /// supplies, and `digits`, which are loaded), in the order of [`TaskKind::ALL`].
    pub fn generated() -> impl Iterator<Item = TaskKind> {
        TaskKind::ALL
            .iter()
            .copied()
            .filter(|&kind| kind.is_generated())
    }

    /// Whether bioprop generates the task's data ([`generate`]).
    pub fn is_generated(self) -> bool {
        !matches!(self, TaskKind::Arrays | TaskKind::Digits)
    }

    /// The kebab-case name used on the command line, in URLs and by serde.
    pub fn name(self) -> &'static str {
        match self {
            TaskKind::LinearTeacher => "linear-teacher",
            TaskKind::NonlinearTeacher => "nonlinear-teacher",
            TaskKind::Xor => "xor",
            TaskKind::Circles => "circles",
            TaskKind::Spirals => "spirals",
            TaskKind::Gaussians => "gaussians",
            TaskKind::Moons => "moons",
            TaskKind::Sine => "sine",
            TaskKind::Autoencoder => "autoencoder",
            TaskKind::Arrays => "arrays",
            TaskKind::Digits => "digits",
        }
    }

    /// One sentence for the UI and the CLI's `list`.
    pub fn description(&self) -> &'static str {
        match self {
            TaskKind::LinearTeacher => {
                "Regress y = T x for a fixed random 10x30 matrix T and Gaussian x (Lillicrap 2016, Task 1)."
            }
            TaskKind::NonlinearTeacher => {
                "Regress the outputs of a fixed random 30-20-10 tanh network (after Sacramento 2018)."
            }
            TaskKind::Xor => "Classify 2-D points by whether both coordinates have the same sign.",
            TaskKind::Circles => "Classify 2-D points as inside a disc or on the ring around it.",
            TaskKind::Spirals => "Classify 2-D points on two interleaved spiral arms.",
            TaskKind::Gaussians => "Classify 2-D points drawn from two Gaussian blobs.",
            TaskKind::Moons => "Classify 2-D points on two interleaved half-moons.",
            TaskKind::Sine => "Regress y = sin(pi x) on x in [-1, 1].",
            TaskKind::Autoencoder => {
                "Reconstruct the input: 8 one-hot patterns through 3 hidden units (the 8-3-8 encoder); no external teacher, the target is the input."
            }
            TaskKind::Arrays => "Learn from arrays you supply (for example, digits).",
            TaskKind::Digits => {
                "Classify the MNIST handwritten digits (28x28 pixels, 10 classes; loaded, not generated)."
            }
        }
    }

    /// Whether targets are real vectors or one-hot classes; `None` for `arrays`, whose
    /// output is whatever the supplied data says.
    pub fn output(&self) -> Option<OutputKind> {
        match self {
            TaskKind::LinearTeacher | TaskKind::NonlinearTeacher | TaskKind::Sine => {
                Some(OutputKind::Regression)
            }
            TaskKind::Xor
            | TaskKind::Circles
            | TaskKind::Spirals
            | TaskKind::Gaussians
            | TaskKind::Moons => Some(OutputKind::Classification { classes: 2 }),
            TaskKind::Digits => Some(OutputKind::Classification {
                classes: mnist::CLASSES,
            }),
            TaskKind::Autoencoder => Some(OutputKind::Classification {
                classes: encoder::PATTERNS,
            }),
            TaskKind::Arrays => None,
        }
    }

    /// What this task recommends for a student network; the UI and CLI start here.
    ///
    /// Starting points, not tuned optima. `activation_name` is for the hidden layers;
    /// the output layer is linear for regression and softmax for classification.
    /// For `arrays` the layer sizes are placeholders for 28×28 digits: fit them to the
    /// real data with [`TaskDefaults::sized_for`].
    pub fn defaults(&self) -> TaskDefaults {
        // Every task but the linear teacher: tanh hidden units, Xavier inits.
        let tanh = |layers: Vec<usize>, learning_rate: f32, batch: usize| TaskDefaults {
            layers,
            activation_name: "tanh",
            learning_rate,
            batch,
            weight_init: InitSpec::Xavier,
            feedback_init: InitSpec::Xavier,
        };
        let planar =
            |hidden: usize, learning_rate: f32| tanh(vec![2, hidden, hidden, 2], learning_rate, 10);
        match self {
            // Lillicrap 2016 Task 1: small forward weights, large fixed feedback, so FA's
            // alignment has room to show (docs/science.md §3, §6). Online learning as in the paper.
            TaskKind::LinearTeacher => TaskDefaults {
                layers: vec![teacher::N_IN, 20, teacher::N_OUT],
                activation_name: "linear",
                learning_rate: 5e-3,
                batch: 1,
                weight_init: InitSpec::Uniform { scale: 0.01 },
                feedback_init: InitSpec::Uniform { scale: 0.5 },
            },
            // Sacramento 2018's 30-50-10 student; tanh matches the teacher's hidden units,
            // so the student can represent the teacher exactly. (Backprop in our trial: test
            // NSE 0.01 after 60 epochs of the 1000 samples.)
            TaskKind::NonlinearTeacher => tanh(vec![teacher::N_IN, 50, teacher::N_OUT], 0.02, 10),
            // With backprop these reach ≥ 99% test accuracy within 100 epochs (noise 0.05).
            TaskKind::Xor | TaskKind::Circles | TaskKind::Gaussians | TaskKind::Moons => {
                planar(8, 0.1)
            }
            // The hard one: backprop sits near 60% for a couple of hundred epochs before
            // the arms separate (≥ 99% by epoch 400 in our trial); rate 0.1 or width 24
            // took longer.
            TaskKind::Spirals => planar(16, 0.3),
            TaskKind::Sine => tanh(vec![1, 16, 1], 0.05, 10),
            // The 8-3-8 encoder: the whole code book per step. Backprop and FA both reach
            // 100% test accuracy within 150 steps and stay there, seeds 1-3
            // (docs/science.md §3).
            TaskKind::Autoencoder => tanh(
                vec![encoder::PATTERNS, encoder::CODE_UNITS, encoder::PATTERNS],
                0.5,
                8,
            ),
            TaskKind::Arrays => tanh(vec![784, 100, 10], 0.05, 20),
            TaskKind::Digits => mnist::browser_defaults(),
        }
    }
}

// Task names are matched exactly (case and all), and an unknown one is a `TaskError`.
named!(TaskKind, "task", no FromStr);

impl FromStr for TaskKind {
    type Err = TaskError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        TaskKind::ALL
            .iter()
            .copied()
            .find(|kind| kind.name() == name)
            .ok_or_else(|| TaskError::UnknownTask {
                name: name.to_owned(),
            })
    }
}

/// The comma-separated list of task names, for error messages and help text.
pub fn task_names() -> String {
    <TaskKind as Named>::names()
}

/// What the targets are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum OutputKind {
    /// Real-valued targets; scored by NSE.
    Regression,
    /// One-hot targets with `classes` columns; scored by cross-entropy and accuracy.
    Classification { classes: usize },
}

/// Task settings, checked once by [`TaskConfig::validate`].
///
/// `Default` is the linear teacher with exact targets, 1000 training and 200 test
/// samples; [`TaskConfig::recommended`] gives each task's own starting settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TaskConfig {
    pub kind: TaskKind,
    /// Standard deviation of the Gaussian noise: on the inputs of the 2-D tasks, on the
    /// targets of sine and the teachers. Between 0 and [`MAX_NOISE`].
    pub noise: f32,
    /// Samples in the training set, 1 to [`MAX_SAMPLES`].
    pub train_size: usize,
    /// Held-out samples, 1 to [`MAX_SAMPLES`].
    pub test_size: usize,
}

impl Default for TaskConfig {
    fn default() -> Self {
        TaskConfig::recommended(TaskKind::LinearTeacher)
    }
}

impl TaskConfig {
    /// The settings a task starts from: exact targets and 1000/200 samples for the
    /// teachers; noise 0.05 and 500/200 samples for the 2-D tasks and sine.
    pub fn recommended(kind: TaskKind) -> Self {
        match kind {
            // The compact digits file's sets (the loaded digits decide in the end).
            TaskKind::Digits => TaskConfig {
                kind,
                noise: 0.0,
                train_size: pack::PACKED_TRAIN,
                test_size: mnist::TEST_COUNT,
            },
            TaskKind::LinearTeacher | TaskKind::NonlinearTeacher => TaskConfig {
                kind,
                noise: 0.0,
                train_size: 1000,
                test_size: 200,
            },
            // The code book: each of the 8 patterns once, exact targets; a test set of
            // the same 8 (an encoder is judged on reconstructing what it saw).
            TaskKind::Autoencoder => TaskConfig {
                kind,
                noise: 0.0,
                train_size: encoder::PATTERNS,
                test_size: encoder::PATTERNS,
            },
            _ => TaskConfig {
                kind,
                noise: 0.05,
                train_size: 500,
                test_size: 200,
            },
        }
    }

    /// Checks every field against its allowed range.
    pub fn validate(&self) -> Result<(), TaskError> {
        if !(self.noise.is_finite() && (0.0..=MAX_NOISE).contains(&self.noise)) {
            return Err(TaskError::Noise { got: self.noise });
        }
        for (field, got) in [
            ("task.train_size", self.train_size),
            ("task.test_size", self.test_size),
        ] {
            if !(1..=MAX_SAMPLES).contains(&got) {
                return Err(TaskError::Size { field, got });
            }
        }
        Ok(())
    }
}

/// A task's data, samples in rows (see the module docs for the shapes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    pub output: OutputKind,
    /// `(n_train, n_in)`
    pub train_inputs: Array2<f32>,
    /// `(n_train, n_out)`
    pub train_targets: Array2<f32>,
    /// `(n_test, n_in)`
    pub test_inputs: Array2<f32>,
    /// `(n_test, n_out)`
    pub test_targets: Array2<f32>,
}

impl Dataset {
    /// The training set, then the test set, each `(inputs, targets)` drawn by
    /// `sample(n, rng)`: the order every generator draws in.
    pub(crate) fn drawn(
        output: OutputKind,
        (train_size, test_size): (usize, usize),
        rng: &mut ChaCha8Rng,
        mut sample: impl FnMut(usize, &mut ChaCha8Rng) -> (Array2<f32>, Array2<f32>),
    ) -> Dataset {
        let (train_inputs, train_targets) = sample(train_size, rng);
        let (test_inputs, test_targets) = sample(test_size, rng);
        Dataset {
            output,
            train_inputs,
            train_targets,
            test_inputs,
            test_targets,
        }
    }

    /// Features per sample, `n_in`.
    pub fn input_size(&self) -> usize {
        self.train_inputs.ncols()
    }

    /// Target columns per sample, `n_out` (the number of classes when classifying).
    pub fn output_size(&self) -> usize {
        self.train_targets.ncols()
    }

    /// Samples in the training set.
    pub fn train_size(&self) -> usize {
        self.train_inputs.nrows()
    }

    /// Samples in the test set.
    pub fn test_size(&self) -> usize {
        self.test_inputs.nrows()
    }

    /// A 64-bit FNV-1a hash of the output kind, every shape and the bits of every value,
    /// so two runs (or a native and a wasm build) can check they saw the same data.
    pub fn fingerprint(&self) -> u64 {
        let mut hash = Fnv1a::new();
        let mut eat = |word: u64| hash.u64(word);
        match self.output {
            OutputKind::Regression => eat(0),
            OutputKind::Classification { classes } => eat(1 + classes as u64),
        }
        for array in [
            &self.train_inputs,
            &self.train_targets,
            &self.test_inputs,
            &self.test_targets,
        ] {
            eat(array.nrows() as u64);
            eat(array.ncols() as u64);
            for value in array.iter() {
                eat(u64::from(value.to_bits()));
            }
        }
        hash.finish()
    }
}

/// How to initialise a weight matrix `W` of shape `(fan_out, fan_in)`.
///
/// Serialised as `{"kind": "uniform", "scale": 0.01}`, `{"kind": "xavier"}`,
/// `{"kind": "zero"}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum InitSpec {
    /// Entries U[-scale, scale].
    Uniform { scale: f32 },
    /// Glorot & Bengio 2010: entries U[-a, a] with `a = √(6 / (fan_in + fan_out))`.
    Xavier,
    /// All zeros.
    Zero,
}

/// `xavier`, `zero` or `uniform:SCALE` (entries U[-SCALE, SCALE], SCALE in [0, 1000]):
/// the command line's spelling of an [`InitSpec`].
impl FromStr for InitSpec {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim().to_ascii_lowercase();
        let expected = || {
            format!("expected xavier, zero or uniform:SCALE with SCALE in [0, 1000], got `{text}`")
        };
        match text.split_once(':') {
            None if text == "xavier" => Ok(InitSpec::Xavier),
            None if text == "zero" => Ok(InitSpec::Zero),
            Some(("uniform", scale)) => match scale.trim().parse::<f32>() {
                Ok(scale) if (0.0..=crate::experiment::MAX_SCALE).contains(&scale) => {
                    Ok(InitSpec::Uniform { scale })
                }
                _ => Err(expected()),
            },
            _ => Err(expected()),
        }
    }
}

impl std::fmt::Display for InitSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InitSpec::Uniform { scale } => write!(f, "uniform:{scale}"),
            InitSpec::Xavier => f.write_str("xavier"),
            InitSpec::Zero => f.write_str("zero"),
        }
    }
}

/// What a task recommends for a student network (see [`TaskKind::defaults`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskDefaults {
    /// Layer widths including the input and the output, e.g. `[30, 20, 10]`.
    pub layers: Vec<usize>,
    /// Hidden-layer activation: one of "linear", "tanh", "sigmoid", "relu", "softplus".
    pub activation_name: &'static str,
    pub learning_rate: f32,
    /// Minibatch size; gradients are averaged over it.
    pub batch: usize,
    /// Forward weights `W`.
    pub weight_init: InitSpec,
    /// Fixed or learned feedback weights `B`.
    pub feedback_init: InitSpec,
}

impl TaskDefaults {
    /// The same recommendation with the first and last layer widths set to `dataset`'s
    /// input and output sizes (for `arrays`, whose sizes come with the data).
    pub fn sized_for(mut self, dataset: &Dataset) -> Self {
        if let Some(first) = self.layers.first_mut() {
            *first = dataset.input_size();
        }
        if let Some(last) = self.layers.last_mut() {
            *last = dataset.output_size();
        }
        self
    }
}

/// Everything that can be wrong with task settings or user-supplied data.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TaskError {
    #[error("unknown task \"{name}\"; expected one of: {}", task_names())]
    UnknownTask { name: String },
    #[error("task.noise must be a finite number between 0 and {MAX_NOISE}, got {got}")]
    Noise { got: f32 },
    #[error("{field} must be between 1 and {MAX_SAMPLES}, got {got}")]
    Size { field: &'static str, got: usize },
    #[error(
        "task \"digits\" is loaded, not generated: load the digits first (the digits \
         file or the four MNIST IDX files), then build the network on them"
    )]
    NeedsDigits,
    #[error(
        "task \"arrays\" has no generator: supply the data with Dataset::from_arrays \
         (or the UI's/CLI's data loader)"
    )]
    NeedsArrays,
    #[error("a classification output needs at least 2 classes, got {got}")]
    TooFewClasses { got: usize },
    #[error("{array} is empty (shape {rows}x{cols}): it needs at least one sample and one column")]
    Empty {
        array: &'static str,
        rows: usize,
        cols: usize,
    },
    #[error("{inputs} has {input_rows} samples but {targets} has {target_rows}")]
    SampleCount {
        inputs: &'static str,
        input_rows: usize,
        targets: &'static str,
        target_rows: usize,
    },
    #[error("{array} has {got} columns but {reference} has {expected}")]
    ColumnCount {
        array: &'static str,
        got: usize,
        reference: &'static str,
        expected: usize,
    },
    #[error("{array} has {got} columns but the output has {classes} classes (one-hot targets need one column per class)")]
    ClassColumns {
        array: &'static str,
        got: usize,
        classes: usize,
    },
    #[error("{array}[{row}, {col}] is {value}: every value must be finite")]
    NotFinite {
        array: &'static str,
        row: usize,
        col: usize,
        value: f32,
    },
    #[error("{array} row {row} is not one-hot: each row needs a single 1 and 0 elsewhere")]
    NotOneHot { array: &'static str, row: usize },
}

/// Generates the dataset `config` describes, drawing every random number from `rng`.
///
/// # Errors
///
/// [`TaskError`] if `config` is out of range (see [`TaskConfig::validate`]);
/// [`TaskError::NeedsArrays`] for the `arrays` task, which has no generator.
pub fn generate(config: &TaskConfig, rng: &mut ChaCha8Rng) -> Result<Dataset, TaskError> {
    generate_with_teacher(config, rng).map(|(dataset, _)| dataset)
}

/// As [`generate`] (the same draws, so the same data), also returning the teacher of a
/// teacher task, so a student can be compared with the rule behind its targets.
pub fn generate_with_teacher(
    config: &TaskConfig,
    rng: &mut ChaCha8Rng,
) -> Result<(Dataset, Option<Teacher>), TaskError> {
    config.validate()?;
    let sizes = (config.train_size, config.test_size);
    let noise = config.noise;
    let planar = |shape: planar::Shape, rng: &mut ChaCha8Rng| {
        (planar::generate(shape, noise, sizes, rng), None)
    };
    Ok(match config.kind {
        TaskKind::LinearTeacher => {
            let teacher = Teacher::linear(rng);
            (teacher.generate(noise, sizes, rng), Some(teacher))
        }
        TaskKind::NonlinearTeacher => {
            let teacher = Teacher::nonlinear(rng);
            (teacher.generate(noise, sizes, rng), Some(teacher))
        }
        TaskKind::Xor => planar(planar::Shape::Xor, rng),
        TaskKind::Circles => planar(planar::Shape::Circles, rng),
        TaskKind::Spirals => planar(planar::Shape::Spirals, rng),
        TaskKind::Gaussians => planar(planar::Shape::Gaussians, rng),
        TaskKind::Moons => planar(planar::Shape::Moons, rng),
        TaskKind::Sine => (sine::generate(noise, sizes, rng), None),
        TaskKind::Autoencoder => (encoder::generate(noise, sizes, rng), None),
        TaskKind::Arrays => return Err(TaskError::NeedsArrays),
        TaskKind::Digits => return Err(TaskError::NeedsDigits),
    })
}

/// One standard-normal draw, sampled in `f64` and rounded (see "Reproducibility").
pub(crate) fn standard_normal(rng: &mut ChaCha8Rng) -> f32 {
    use rand::Rng;
    let z: f64 = rng.sample(rand_distr::StandardNormal);
    z as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn rng(seed: u64) -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(seed)
    }

    fn small(kind: TaskKind, noise: f32) -> TaskConfig {
        TaskConfig {
            kind,
            noise,
            train_size: 41,
            test_size: 17,
        }
    }

    fn generated() -> impl Iterator<Item = TaskKind> {
        TaskKind::generated()
    }

    #[test]
    fn names_round_trip_through_from_str_display_and_serde() {
        assert_eq!(TaskKind::ALL.len(), 11);
        for &kind in TaskKind::ALL {
            assert_eq!(kind.name().parse::<TaskKind>(), Ok(kind));
            assert_eq!(kind.to_string(), kind.name());
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.name()));
            assert_eq!(serde_json::from_str::<TaskKind>(&json).unwrap(), kind);
            assert!(kind.description().ends_with('.'));
        }
    }

    #[test]
    fn unknown_name_lists_the_allowed_names() {
        let err = "spiral".parse::<TaskKind>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown task \"spiral\"; expected one of: linear-teacher, nonlinear-teacher, \
             xor, circles, spirals, gaussians, moons, sine, autoencoder, arrays, digits"
        );
    }

    #[test]
    fn config_serde_fills_missing_fields_from_default() {
        let config: TaskConfig = serde_json::from_str(r#"{"kind":"moons","noise":0.2}"#).unwrap();
        assert_eq!(config.kind, TaskKind::Moons);
        assert_eq!(config.noise, 0.2);
        assert_eq!(config.train_size, TaskConfig::default().train_size);
        assert_eq!(TaskConfig::default().kind, TaskKind::LinearTeacher);
        let back: TaskConfig =
            serde_json::from_str(&serde_json::to_string(&config).unwrap()).unwrap();
        assert_eq!(back, config);
    }

    #[test]
    fn init_and_output_kinds_serialise_as_tagged_kebab_case() {
        let json = serde_json::to_string(&InitSpec::Uniform { scale: 0.5 }).unwrap();
        assert_eq!(json, r#"{"kind":"uniform","scale":0.5}"#);
        assert_eq!(
            serde_json::from_str::<InitSpec>(r#"{"kind":"xavier"}"#).unwrap(),
            InitSpec::Xavier
        );
        let json = serde_json::to_string(&OutputKind::Classification { classes: 2 }).unwrap();
        assert_eq!(json, r#"{"kind":"classification","classes":2}"#);
        assert_eq!(
            serde_json::from_str::<OutputKind>(r#"{"kind":"regression"}"#).unwrap(),
            OutputKind::Regression
        );
    }

    #[test]
    fn init_spec_parses_the_command_line_spelling_and_prints_it_back() {
        assert_eq!("xavier".parse::<InitSpec>(), Ok(InitSpec::Xavier));
        assert_eq!(" Zero ".parse::<InitSpec>(), Ok(InitSpec::Zero));
        assert_eq!(
            "uniform:0.25".parse::<InitSpec>(),
            Ok(InitSpec::Uniform { scale: 0.25 })
        );
        for spec in [
            InitSpec::Xavier,
            InitSpec::Zero,
            InitSpec::Uniform { scale: 0.1 },
        ] {
            assert_eq!(spec.to_string().parse::<InitSpec>(), Ok(spec));
        }
        for bad in [
            "",
            "uniform",
            "uniform:",
            "uniform:-1",
            "uniform:1e9",
            "uniform:x",
            "he",
        ] {
            let error = bad.parse::<InitSpec>().unwrap_err();
            assert!(error.contains("uniform:SCALE"), "{bad}: {error}");
        }
    }

    #[test]
    fn validate_names_the_field_and_the_range() {
        let ok = TaskConfig::default();
        assert_eq!(ok.validate(), Ok(()));
        for &kind in TaskKind::ALL {
            assert_eq!(TaskConfig::recommended(kind).validate(), Ok(()));
        }
        let err = |config: TaskConfig| config.validate().unwrap_err().to_string();
        assert_eq!(
            err(TaskConfig {
                train_size: 0,
                ..ok
            }),
            "task.train_size must be between 1 and 100000, got 0"
        );
        assert_eq!(
            err(TaskConfig {
                test_size: 100_001,
                ..ok
            }),
            "task.test_size must be between 1 and 100000, got 100001"
        );
        assert_eq!(
            err(TaskConfig {
                noise: f32::NAN,
                ..ok
            }),
            "task.noise must be a finite number between 0 and 10, got NaN"
        );
        for noise in [-0.1, 10.5, f32::INFINITY] {
            assert!(matches!(
                TaskConfig { noise, ..ok }.validate(),
                Err(TaskError::Noise { .. })
            ));
        }
        // The edges are allowed.
        let edges = TaskConfig {
            noise: MAX_NOISE,
            train_size: 1,
            test_size: MAX_SAMPLES,
            ..ok
        };
        assert_eq!(edges.validate(), Ok(()));
        // generate checks first.
        let bad = TaskConfig {
            train_size: 0,
            ..ok
        };
        assert!(matches!(
            generate(&bad, &mut rng(0)),
            Err(TaskError::Size {
                field: "task.train_size",
                got: 0
            })
        ));
    }

    #[test]
    fn arrays_task_asks_for_arrays() {
        let err = generate(&small(TaskKind::Arrays, 0.0), &mut rng(0)).unwrap_err();
        assert_eq!(err, TaskError::NeedsArrays);
        let err = generate(&small(TaskKind::Digits, 0.0), &mut rng(0)).unwrap_err();
        assert_eq!(err, TaskError::NeedsDigits);
        assert!(err.to_string().contains("load the digits first"), "{err}");
        assert_eq!(TaskKind::generated().count(), TaskKind::ALL.len() - 2);
    }

    #[test]
    fn same_seed_gives_identical_data_and_other_seeds_differ() {
        for kind in generated() {
            let config = small(kind, 0.1);
            let a = generate(&config, &mut rng(7)).unwrap();
            let b = generate(&config, &mut rng(7)).unwrap();
            let c = generate(&config, &mut rng(8)).unwrap();
            assert_eq!(a, b, "{kind}");
            assert_eq!(a.fingerprint(), b.fingerprint(), "{kind}");
            assert_ne!(a.train_inputs, c.train_inputs, "{kind}");
            assert_ne!(a.fingerprint(), c.fingerprint(), "{kind}");
            // The test set is not a copy of the training set.
            assert_ne!(
                a.train_inputs.row(0),
                a.test_inputs.row(0),
                "{kind}: test set repeats the training set"
            );
        }
    }

    #[test]
    fn generate_and_generate_with_teacher_make_the_same_data() {
        for kind in generated() {
            let config = small(kind, 0.1);
            let plain = generate(&config, &mut rng(3)).unwrap();
            let (with, teacher) = generate_with_teacher(&config, &mut rng(3)).unwrap();
            assert_eq!(plain, with, "{kind}");
            let is_teacher = matches!(kind, TaskKind::LinearTeacher | TaskKind::NonlinearTeacher);
            assert_eq!(teacher.is_some(), is_teacher, "{kind}");
        }
    }

    #[test]
    fn shapes_match_the_config_the_output_kind_and_the_defaults() {
        for kind in generated() {
            let config = small(kind, 0.05);
            let data = generate(&config, &mut rng(1)).unwrap();
            let defaults = kind.defaults();
            assert_eq!(Some(data.output), kind.output(), "{kind}");
            assert_eq!(data.train_size(), 41);
            assert_eq!(data.test_size(), 17);
            assert_eq!(data.train_targets.nrows(), 41);
            assert_eq!(data.test_targets.nrows(), 17);
            assert_eq!(data.test_inputs.ncols(), data.input_size());
            assert_eq!(data.test_targets.ncols(), data.output_size());
            assert_eq!(defaults.layers.first(), Some(&data.input_size()), "{kind}");
            assert_eq!(defaults.layers.last(), Some(&data.output_size()), "{kind}");
            assert_eq!(defaults.clone().sized_for(&data), defaults);
            assert!(data.train_inputs.iter().all(|v| v.is_finite()));
            assert!(data.train_targets.iter().all(|v| v.is_finite()));
            // Every generated dataset passes the checks user data must pass.
            let checked = Dataset::from_arrays(
                data.output,
                data.train_inputs.clone(),
                data.train_targets.clone(),
                data.test_inputs.clone(),
                data.test_targets.clone(),
            );
            assert_eq!(checked.as_ref(), Ok(&data), "{kind}");
        }
    }

    #[test]
    fn classification_targets_are_one_hot_and_balanced() {
        for kind in generated() {
            let Some(OutputKind::Classification { classes }) = kind.output() else {
                continue;
            };
            let data = generate(&small(kind, 0.3), &mut rng(5)).unwrap();
            for targets in [&data.train_targets, &data.test_targets] {
                assert_eq!(targets.ncols(), classes);
                let mut counts = vec![0usize; classes];
                for row in targets.rows() {
                    assert!(row.iter().all(|&v| v == 0.0 || v == 1.0), "{kind}");
                    assert_eq!(row.sum(), 1.0, "{kind}");
                    counts[row.iter().position(|&v| v == 1.0).unwrap()] += 1;
                }
                // 41 or 17 samples: the classes differ by exactly one.
                assert_eq!(counts[0], counts[1] + 1, "{kind}: {counts:?}");
            }
        }
    }

    #[test]
    fn noise_moves_the_same_clean_points() {
        // The noise draws are made at every level, so data(σ) = clean + σ·z with the
        // same z: the offsets at σ = 0.2 are twice those at σ = 0.1.
        for kind in generated() {
            let at = |noise| generate(&small(kind, noise), &mut rng(11)).unwrap();
            let (clean, low, high) = (at(0.0), at(0.1), at(0.2));
            let (c, l, h) = if kind.output() == Some(OutputKind::Regression) {
                (clean.train_targets, low.train_targets, high.train_targets)
            } else {
                assert_eq!(clean.train_targets, high.train_targets, "{kind}");
                (clean.train_inputs, low.train_inputs, high.train_inputs)
            };
            assert_ne!(c, l, "{kind}");
            for ((c, l), h) in c.iter().zip(&l).zip(&h) {
                assert!(((h - c) - 2.0 * (l - c)).abs() < 1e-5, "{kind}");
            }
        }
    }

    #[test]
    fn fingerprints_are_pinned() {
        // Recorded from this implementation (seed 2024, noise 0.1, 41/17 samples). A change
        // here means the same seed no longer gives the same data (a change of draw order
        // or of the rand crates), or native and wasm builds disagree; update it only on
        // purpose, and say so in the changelog.
        // The same values came out of a wasm32 build run under node (checked by hand,
        // along with 25 seeds × 20 000 samples per task).
        let expected: &[(TaskKind, u64)] = &[
            (TaskKind::LinearTeacher, 0xef54_c3e9_846c_7259),
            (TaskKind::NonlinearTeacher, 0x5170_57e1_1cf6_b915),
            (TaskKind::Xor, 0x29c6_edf5_1a4c_bc30),
            (TaskKind::Circles, 0x78b5_2c2a_9a53_1bf6),
            (TaskKind::Spirals, 0x1403_02ed_6dc2_ee95),
            (TaskKind::Gaussians, 0xa5fd_23c0_1d02_492a),
            (TaskKind::Moons, 0x343b_d118_bf36_e535),
            (TaskKind::Sine, 0x3d64_dd11_3d2e_acd5),
            (TaskKind::Autoencoder, 0xcc35_c160_d838_ed57),
        ];
        assert_eq!(expected.len(), TaskKind::generated().count());
        for &(kind, fingerprint) in expected {
            let data = generate(&small(kind, 0.1), &mut rng(2024)).unwrap();
            assert_eq!(
                data.fingerprint(),
                fingerprint,
                "{kind}: {:#018x}",
                data.fingerprint()
            );
        }
    }
}
