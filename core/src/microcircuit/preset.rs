//! The `sacramento-2018` preset: the regression task of Sacramento, Ponte Costa,
//! Bengio & Senn (NeurIPS 2018, Fig. 2) under the paper's conditions
//! (docs/science.md §4.4, "The paper's regression task").
//!
//! ```text
//! teacher   r_trgt = φ(k₂₁ W₂ φ(k₁₀ W₁ r₀))     k₂₁ = 10, k₁₀ = 2
//!           W₁ (20, 30), W₂ (10, 20), r₀ ∈ U[-1, 1]³⁰, every entry U[-1, 1]
//! rates     φ(u) = 0.1 · ln(1 + e^{u - 3})       every hidden rate, the interneurons' too
//! student   30-50-10, every weight random; pre-training without a target until the
//!           self-predicting state has emerged, then the target on; full dynamics
//! ```
//!
//! The targets are the teacher's output *rates*, and the student's output rate is its
//! potential (the identity, as for every circuit in bioprop, docs/science.md §4.4), so
//! the output potential is nudged towards `r_trgt` and scored against it exactly as a
//! network with a linear output is. BP, FA and shallow references learn the same data
//! ([`dataset`]) through [`crate::Experiment::with_dataset`].
//!
//! The data come from the seed's data stream, like a generated task's: `W₁`, `W₂`,
//! then each training sample's inputs, then each test sample's.

use ndarray::Array2;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::config::{Config, Mode, RateFunction, Start};
use crate::streams::{self, stream};
use crate::task::{Dataset, InitSpec, OutputKind, TaskConfig, TaskKind};
use crate::{Activation, ExperimentConfig, RuleKind};

/// The preset's name on the command line and in the page's task list.
pub const NAME: &str = "sacramento-2018";
/// One line for the CLI and the page.
pub const DESCRIPTION: &str = "The paper's regression task (Sacramento et al. 2018, Fig. 2): \
    soft-rectifier rates, the k = 10, 2 teacher, random start, pre-training, full dynamics.";

/// The teacher's hidden gain `k₁₀`.
pub const K_HIDDEN: f32 = 2.0;
/// The teacher's output gain `k₂₁`.
pub const K_OUTPUT: f32 = 10.0;
/// Teacher widths: inputs, hidden, outputs.
pub const TEACHER: [usize; 3] = [30, 20, 10];
/// Student widths.
pub const STUDENT: [usize; 3] = [30, 50, 10];
/// Training and test samples (as the project's teachers).
pub const SIZES: (usize, usize) = (1000, 200);
/// Patterns without a target before the output is nudged.
pub const PRETRAIN_PATTERNS: u64 = 10_000;

/// The preset's circuit configuration (the data come from [`dataset`]).
pub fn config(seed: u64) -> Config {
    let base = Config::for_task(TaskKind::NonlinearTeacher);
    Config {
        task: TaskConfig {
            kind: TaskKind::Arrays,
            noise: 0.0,
            train_size: SIZES.0,
            test_size: SIZES.1,
        },
        layers: STUDENT.to_vec(),
        rate: RateFunction::SACRAMENTO,
        mode: Mode::Full,
        start: Start::Random,
        seed,
        weight_init: InitSpec::Uniform { scale: 1.0 },
        top_down_init: InitSpec::Uniform { scale: 1.0 },
        interneuron_init: InitSpec::Uniform { scale: 1.0 },
        lr_forward: 0.001_187_5,
        lr_output: 0.000_5,
        lr_interneuron: 0.000_5 * 2.375,
        lr_apical: 0.000_5,
        pretrain_patterns: PRETRAIN_PATTERNS,
        log_every: 1000,
        ..base
    }
}

/// The reference networks' learning rate (every rule, one sample per step).
pub const NETWORK_LR: f32 = 0.02;

/// A reference network for [`dataset`]: the student's widths, softplus hidden units
/// (the smooth rectifier closest to the circuit's rates), a linear output, one sample
/// per step at [`NETWORK_LR`], the circuit's seed. Build it with
/// [`crate::Experiment::with_dataset`].
pub fn network_config(rule: RuleKind, seed: u64) -> ExperimentConfig {
    ExperimentConfig {
        rule,
        layers: STUDENT.to_vec(),
        activation: Activation::Softplus,
        lr: NETWORK_LR,
        batch: 1,
        seed,
        ..ExperimentConfig::for_task(TaskKind::NonlinearTeacher)
    }
}

/// `φ(u) = 0.1 ln(1 + e^{u - 3})` in f64, rounded once.
fn rate(u: f64) -> f64 {
    let phi = RateFunction::SACRAMENTO;
    let x = u - f64::from(phi.threshold);
    // ln(1 + e^x) without overflow.
    let softplus = if x > 0.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    };
    f64::from(phi.scale) * softplus
}

fn uniform(rows: usize, cols: usize, rng: &mut ChaCha8Rng) -> Array2<f32> {
    let mut m = Array2::zeros((rows, cols));
    m.iter_mut().for_each(|v| *v = rng.random_range(-1.0..=1.0));
    m
}

/// `r_trgt` for each row of `inputs`, every sum in index order, in f64.
fn teacher(w1: &Array2<f32>, w2: &Array2<f32>, inputs: &Array2<f32>) -> Array2<f32> {
    let mut out = Array2::zeros((inputs.nrows(), w2.nrows()));
    let mut hidden = vec![0.0_f64; w1.nrows()];
    for (x, mut y) in inputs.rows().into_iter().zip(out.rows_mut()) {
        for (h, w) in hidden.iter_mut().zip(w1.rows()) {
            let u: f64 = w.iter().zip(&x).map(|(&w, &x)| f64::from(w * x)).sum();
            *h = rate(f64::from(K_HIDDEN) * u);
        }
        for (y, w) in y.iter_mut().zip(w2.rows()) {
            let u: f64 = w.iter().zip(&hidden).map(|(&w, h)| f64::from(w) * h).sum();
            *y = rate(f64::from(K_OUTPUT) * u) as f32;
        }
    }
    out
}

/// The paper's teacher data for `seed`: [`SIZES`] samples, inputs `U[-1, 1]³⁰`,
/// targets `r_trgt` (module docs).
pub fn dataset(seed: u64) -> Dataset {
    let mut rng = stream(seed, streams::DATA);
    let w1 = uniform(TEACHER[1], TEACHER[0], &mut rng);
    let w2 = uniform(TEACHER[2], TEACHER[1], &mut rng);
    let train = uniform(SIZES.0, TEACHER[0], &mut rng);
    let test = uniform(SIZES.1, TEACHER[0], &mut rng);
    let (train_targets, test_targets) = (teacher(&w1, &w2, &train), teacher(&w1, &w2, &test));
    Dataset::from_arrays(
        OutputKind::Regression,
        train,
        train_targets,
        test,
        test_targets,
    )
    .expect("the teacher's arrays have matching shapes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_is_the_papers_soft_rectifier() {
        let phi = RateFunction::SACRAMENTO;
        for u in [-20.0_f32, -1.0, 0.0, 3.0, 5.5, 40.0] {
            let expected = 0.1 * (1.0 + f64::from(u - 3.0).exp()).ln();
            assert!((rate(f64::from(u)) - expected).abs() < 1e-7, "{u}");
            let f32_rate = f64::from(phi.apply(u));
            assert!(
                (f32_rate - expected).abs() < 1e-4 * expected.max(1.0),
                "{u}: {f32_rate}"
            );
        }
    }

    #[test]
    fn the_teacher_data_are_rates_from_the_seed() {
        let a = dataset(1);
        assert_eq!(a.train_inputs.dim(), (SIZES.0, 30));
        assert_eq!(a.test_targets.dim(), (SIZES.1, 10));
        assert!(a.train_inputs.iter().all(|x| x.abs() <= 1.0));
        // Rates of the soft rectifier: positive, mostly below its threshold (seed 1:
        // mean 0.036, per-output standard deviations 0.035-0.17, largest 1.25).
        assert!(a.train_targets.iter().all(|&r| r > 0.0));
        let mean = a.train_targets.mean().unwrap();
        assert!((0.01..0.2).contains(&mean), "mean rate {mean}");
        let largest = a.train_targets.iter().fold(0.0_f32, |m, &r| m.max(r));
        assert!(largest > 0.5, "largest rate {largest}");
        assert_eq!(a, dataset(1));
        assert_ne!(a.train_targets, dataset(2).train_targets);
        config(1).validate().unwrap();
    }

    #[test]
    fn the_self_predicting_state_emerges_from_random_weights() {
        // Pre-training only (no target), steady state so that it is quick: the apical
        // energy the random interneurons leave falls (seed 1: 0.44 at the start,
        // 0.33 after 2000 patterns, 0.20 after 4000; the full model is the preset's
        // own and slower, docs/science.md §4.4).
        let config = Config {
            mode: Mode::SteadyState,
            log_every: 2000,
            ..config(1)
        };
        let mut circuit = super::super::Microcircuit::with_dataset(&config, dataset(1)).unwrap();
        circuit.step(4000).unwrap();
        assert!(!circuit.target_on());
        let energy: Vec<f32> = circuit
            .history()
            .iter()
            .map(|row| row.layers[0].apical_energy)
            .collect();
        assert!(energy[0] > 0.3, "{energy:?}");
        assert!(energy.windows(2).all(|w| w[1] < w[0]), "{energy:?}");
        assert!(*energy.last().unwrap() < 0.6 * energy[0], "{energy:?}");
        // Below a bound, not only lower: the emerging state, not a slow creep.
        assert!(*energy.last().unwrap() < 0.25, "{energy:?}");
    }
}
