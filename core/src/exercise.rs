//! The gradient exercise (`docs/science.md` §8): a small network with every number
//! shown, one weight picked, and the student writes down `∂E/∂w` — or the update
//! feedback alignment makes to it. The answer is checked against the chain rule, and
//! the chain-rule path is given factor by factor so a page can reveal it step by step.
//!
//! # The network (the lecture's notation)
//!
//! ```text
//! inputs u (n_u)  ──W¹──▶  hidden h = f(z¹), z¹ = W¹ u  ──W²──▶  outputs v = g(z²), z² = W² h
//! E = ½ Σ_i (v_i − target_i)²
//! ```
//!
//! No biases, so that every number on the diagram is a weight, an activity or a
//! target. `f` is the logistic sigmoid or tanh; `g` is linear or the sigmoid.
//!
//! # The answers
//!
//! ```text
//! ∂E/∂W²_ij = (v_i − target_i) · g′(z²_i) · h_j
//! ∂E/∂W¹_jk = Σ_i [(v_i − target_i) · g′(z²_i) · W²_ij] · f′(z¹_j) · u_k
//! FA:  ΔW¹_jk = −η · Σ_i [B_ji · (v_i − target_i) · g′(z²_i)] · f′(z¹_j) · u_k
//! ```
//!
//! The FA question asks for the *update* (with descent's minus sign and η), the
//! gradient questions for the derivative itself: the distinction the lecture draws
//! between "the gradient" and "the step down it".
//!
//! Every number is drawn from a seed ([`Problem::new`]), rounded to one decimal so a
//! class can work with a calculator, and computed in `f32` with the same
//! [`Activation`] functions the networks train with.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::Activation;

/// What is asked about the chosen weight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuestionKind {
    /// `∂E/∂w` for an output or a hidden weight.
    Gradient,
    /// The update feedback alignment makes to a hidden weight, given `B` and `η`.
    FaUpdate,
}

/// A weight of the network, by its place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Weight {
    /// `W²_ij`: from hidden unit `j` to output `i`.
    Output { i: usize, j: usize },
    /// `W¹_jk`: from input `k` to hidden unit `j`.
    Hidden { j: usize, k: usize },
}

impl Weight {
    /// `W²₁₂`-style name with 1-based subscripts, as on the diagram.
    pub fn symbol(self) -> String {
        match self {
            Weight::Output { i, j } => format!("W²{}{}", sub(i + 1), sub(j + 1)),
            Weight::Hidden { j, k } => format!("W¹{}{}", sub(j + 1), sub(k + 1)),
        }
    }
}

/// Where on the diagram a factor's number is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Place {
    Input(usize),
    Hidden(usize),
    Output(usize),
    /// A forward weight.
    Weight(Weight),
    /// `B_ji`: feedback from output `i` to hidden unit `j`.
    Feedback {
        j: usize,
        i: usize,
    },
    /// The learning rate (not on the diagram).
    Rate,
}

/// One factor of a chain-rule product: its symbol, what it is, its value and where it
/// appears on the diagram.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Factor {
    pub symbol: String,
    pub meaning: String,
    pub value: f32,
    pub place: Place,
}

/// One product of factors; the answer is the sum of the terms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Term {
    pub factors: Vec<Factor>,
}

impl Term {
    pub fn value(&self) -> f32 {
        self.factors.iter().map(|f| f.value).product()
    }
}

/// The forward pass for the problem's input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Forward {
    pub z1: Vec<f32>,
    pub h: Vec<f32>,
    pub z2: Vec<f32>,
    pub v: Vec<f32>,
    /// `E = ½ Σ (v_i − target_i)²`.
    pub loss: f32,
}

/// How an answer compares with the exact value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Verdict {
    Correct,
    /// Wrong; `hint` names the likely slip when the answer matches a common one.
    Wrong {
        hint: String,
    },
}

/// One exercise: the network, its numbers and the question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    pub seed: u64,
    pub kind: QuestionKind,
    pub hidden_activation: Activation,
    pub output_activation: Activation,
    pub u: Vec<f32>,
    pub target: Vec<f32>,
    /// `W¹`, `(n_h, n_u)`: `w1[j][k]` from input `k` to hidden unit `j`.
    pub w1: Vec<Vec<f32>>,
    /// `W²`, `(n_v, n_h)`.
    pub w2: Vec<Vec<f32>>,
    /// `B`, `(n_h, n_v)`: feedback alignment's fixed random feedback.
    pub b: Vec<Vec<f32>>,
    /// `η` for the FA question.
    pub lr: f32,
    pub weight: Weight,
}

/// Largest error accepted: 2 % of the exact value, and at least 0.001 (students round
/// the intermediate numbers, which the diagram shows to three decimals).
pub fn tolerance(exact: f32) -> f32 {
    (0.02 * exact.abs()).max(1e-3)
}

impl Problem {
    /// The problem of `seed`: the network's shape (2-2-1 or 3-2-2), activations,
    /// numbers and the weight asked about are all drawn from it, so a link with the
    /// seed gives a whole class the same problem.
    pub fn new(seed: u64, kind: QuestionKind) -> Problem {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (n_u, n_h, n_v) = if rng.random_bool(0.5) {
            (2, 2, 1)
        } else {
            (3, 2, 2)
        };
        let hidden_activation = if rng.random_bool(0.5) {
            Activation::Sigmoid
        } else {
            Activation::Tanh
        };
        let output_activation = if rng.random_bool(0.5) {
            Activation::Linear
        } else {
            Activation::Sigmoid
        };
        // One decimal, never zero (a zero weight hides its path).
        let mut tenth = |lo: i32, hi: i32| loop {
            let v = rng.random_range(lo..=hi);
            if v != 0 {
                break v as f32 / 10.0;
            }
        };
        let u = (0..n_u).map(|_| tenth(-10, 10)).collect();
        let w1 = (0..n_h)
            .map(|_| (0..n_u).map(|_| tenth(-10, 10)).collect())
            .collect();
        let w2 = (0..n_v)
            .map(|_| (0..n_h).map(|_| tenth(-10, 10)).collect())
            .collect();
        let b = (0..n_h)
            .map(|_| (0..n_v).map(|_| tenth(-10, 10)).collect())
            .collect();
        let target = (0..n_v)
            .map(|_| match output_activation {
                // A sigmoid output's target lies in (0, 1).
                Activation::Sigmoid => tenth(1, 9),
                _ => tenth(-10, 10),
            })
            .collect();
        let lr = 0.5;
        let weight = match kind {
            QuestionKind::FaUpdate => Weight::Hidden {
                j: rng.random_range(0..n_h),
                k: rng.random_range(0..n_u),
            },
            QuestionKind::Gradient if rng.random_bool(0.5) => Weight::Output {
                i: rng.random_range(0..n_v),
                j: rng.random_range(0..n_h),
            },
            QuestionKind::Gradient => Weight::Hidden {
                j: rng.random_range(0..n_h),
                k: rng.random_range(0..n_u),
            },
        };
        Problem {
            seed,
            kind,
            hidden_activation,
            output_activation,
            u,
            target,
            w1,
            w2,
            b,
            lr,
            weight,
        }
    }

    /// `(n_u, n_h, n_v)`.
    pub fn shape(&self) -> (usize, usize, usize) {
        (self.u.len(), self.w1.len(), self.w2.len())
    }

    pub fn forward(&self) -> Forward {
        forward(self, &self.w1, &self.w2)
    }

    /// `E` with the asked weight set to `value` (for finite differences).
    pub fn loss_with(&self, value: f32) -> f32 {
        let (mut w1, mut w2) = (self.w1.clone(), self.w2.clone());
        match self.weight {
            Weight::Output { i, j } => w2[i][j] = value,
            Weight::Hidden { j, k } => w1[j][k] = value,
        }
        forward(self, &w1, &w2).loss
    }

    /// The asked weight's current value.
    pub fn weight_value(&self) -> f32 {
        match self.weight {
            Weight::Output { i, j } => self.w2[i][j],
            Weight::Hidden { j, k } => self.w1[j][k],
        }
    }

    /// The chain-rule terms whose sum is the answer: one product for an output
    /// weight, one per output for a hidden weight.
    pub fn terms(&self) -> Vec<Term> {
        let fwd = self.forward();
        let (_, _, n_v) = self.shape();
        let output_factors = |i: usize| {
            vec![
                Factor {
                    symbol: format!("(v{} − target{})", sub(i + 1), sub(i + 1)),
                    meaning: "the output's error".to_owned(),
                    value: fwd.v[i] - self.target[i],
                    place: Place::Output(i),
                },
                Factor {
                    symbol: format!("g′(z²{})", sub(i + 1)),
                    meaning: format!(
                        "the output's slope ({})",
                        slope(self.output_activation, "v", i)
                    ),
                    value: self.output_activation.derivative_at(fwd.z2[i], fwd.v[i]),
                    place: Place::Output(i),
                },
            ]
        };
        match (self.kind, self.weight) {
            (_, Weight::Output { i, j }) => {
                let mut factors = output_factors(i);
                factors.push(Factor {
                    symbol: format!("h{}", sub(j + 1)),
                    meaning: "the presynaptic activity".to_owned(),
                    value: fwd.h[j],
                    place: Place::Hidden(j),
                });
                vec![Term { factors }]
            }
            (kind, Weight::Hidden { j, k }) => (0..n_v)
                .map(|i| {
                    let mut factors = Vec::new();
                    if kind == QuestionKind::FaUpdate {
                        factors.push(Factor {
                            symbol: "−η".to_owned(),
                            meaning: "descent's minus sign and the learning rate".to_owned(),
                            value: -self.lr,
                            place: Place::Rate,
                        });
                    }
                    factors.extend(output_factors(i));
                    factors.push(match kind {
                        QuestionKind::Gradient => Factor {
                            symbol: Weight::Output { i, j }.symbol(),
                            meaning: "the forward weight the error travels back through".to_owned(),
                            value: self.w2[i][j],
                            place: Place::Weight(Weight::Output { i, j }),
                        },
                        QuestionKind::FaUpdate => Factor {
                            symbol: format!("B{}{}", sub(j + 1), sub(i + 1)),
                            meaning: "the fixed random feedback weight, in place of W²ᵀ".to_owned(),
                            value: self.b[j][i],
                            place: Place::Feedback { j, i },
                        },
                    });
                    factors.push(Factor {
                        symbol: format!("f′(z¹{})", sub(j + 1)),
                        meaning: format!(
                            "the hidden unit's slope ({})",
                            slope(self.hidden_activation, "h", j)
                        ),
                        value: self.hidden_activation.derivative_at(fwd.z1[j], fwd.h[j]),
                        place: Place::Hidden(j),
                    });
                    factors.push(Factor {
                        symbol: format!("u{}", sub(k + 1)),
                        meaning: "the presynaptic activity (the input)".to_owned(),
                        value: self.u[k],
                        place: Place::Input(k),
                    });
                    Term { factors }
                })
                .collect(),
        }
    }

    /// The exact answer: the sum of [`Problem::terms`].
    pub fn answer(&self) -> f32 {
        self.terms().iter().map(Term::value).sum()
    }

    /// What is asked, in words.
    pub fn question(&self) -> String {
        let w = self.weight.symbol();
        match self.kind {
            QuestionKind::Gradient => format!("What is ∂E/∂{w}?"),
            QuestionKind::FaUpdate => format!(
                "Under feedback alignment with the feedback weights B shown and η = {}, \
                 what is the update Δ{w}?",
                self.lr
            ),
        }
    }

    /// Checks `answer` against the exact value within [`tolerance`]; a wrong answer
    /// that matches a common slip gets a hint naming it.
    pub fn check(&self, answer: f32) -> Verdict {
        let exact = self.answer();
        let near = |value: f32| (answer - value).abs() <= tolerance(value);
        if !answer.is_finite() {
            return Verdict::Wrong {
                hint: "Type a number, e.g. -0.042.".to_owned(),
            };
        }
        if near(exact) {
            return Verdict::Correct;
        }
        let terms = self.terms();
        let without = |symbol_start: &str| -> f32 {
            terms
                .iter()
                .map(|t| {
                    t.factors
                        .iter()
                        .filter(|f| !f.symbol.starts_with(symbol_start))
                        .map(|f| f.value)
                        .product::<f32>()
                })
                .sum()
        };
        let hint = if exact != 0.0 && near(-exact) {
            match self.kind {
                QuestionKind::Gradient => "The sign is flipped: ∂E/∂w is the slope of the error; \
                     the update −η ∂E/∂w is what carries the minus sign."
                    .to_owned(),
                QuestionKind::FaUpdate => "The sign is flipped: the update goes down the \
                     (feedback-aligned) slope, so it carries −η."
                    .to_owned(),
            }
        } else if self.kind == QuestionKind::FaUpdate && near(without("−η")) {
            "That is the error signal times the input, without the step: multiply by −η.".to_owned()
        } else if self.output_activation != Activation::Linear && near(without("g′")) {
            "The output unit's slope g′(z²) is missing: the error passes through the output \
             non-linearity first."
                .to_owned()
        } else if matches!(self.weight, Weight::Hidden { .. }) && near(without("f′")) {
            "The hidden unit's slope f′(z¹) is missing.".to_owned()
        } else if terms.len() > 1 && terms.iter().any(|t| near(t.value())) {
            "That is the path through one output only: a hidden unit's error sums the \
             errors of every output it feeds."
                .to_owned()
        } else {
            match self.weight {
                Weight::Output { .. } => {
                    "Follow the chain from E to the weight: the output's error, its slope, \
                     then the activity entering the synapse."
                }
                Weight::Hidden { .. } => {
                    "Follow the chain from E back to the weight: each output's error and \
                     slope, the weight back to the hidden unit, its slope, then the input."
                }
            }
            .to_owned()
        };
        Verdict::Wrong { hint }
    }
}

fn forward(problem: &Problem, w1: &[Vec<f32>], w2: &[Vec<f32>]) -> Forward {
    let dot = |row: &[f32], x: &[f32]| row.iter().zip(x).map(|(w, x)| w * x).sum::<f32>();
    let z1: Vec<f32> = w1.iter().map(|row| dot(row, &problem.u)).collect();
    let h: Vec<f32> = z1
        .iter()
        .map(|&z| problem.hidden_activation.apply(z))
        .collect();
    let z2: Vec<f32> = w2.iter().map(|row| dot(row, &h)).collect();
    let v: Vec<f32> = z2
        .iter()
        .map(|&z| problem.output_activation.apply(z))
        .collect();
    let loss = 0.5
        * v.iter()
            .zip(&problem.target)
            .map(|(v, t)| (v - t) * (v - t))
            .sum::<f32>();
    Forward { z1, h, z2, v, loss }
}

/// The slope of `activation` in terms of its output, e.g. `h₁(1 − h₁)`.
fn slope(activation: Activation, unit: &str, index: usize) -> String {
    let a = format!("{unit}{}", sub(index + 1));
    match activation {
        Activation::Sigmoid => format!("{a}(1 − {a})"),
        Activation::Tanh => format!("1 − {a}²"),
        Activation::Linear => "1 for a linear unit".to_owned(),
        other => format!("{}′", other.name()),
    }
}

/// `n` as subscript digits.
fn sub(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|c| char::from_u32('₀' as u32 + c.to_digit(10).unwrap_or(0)).unwrap_or(c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Central finite difference of `E` in the asked weight, in `f64` around `f32`
    /// evaluations (step 1e-2: the loss is smooth and `f32` rounding stays well
    /// below the tolerance).
    fn finite_difference(problem: &Problem) -> f32 {
        let w = problem.weight_value();
        let step = 1e-2;
        let up = f64::from(problem.loss_with(w + step));
        let down = f64::from(problem.loss_with(w - step));
        ((up - down) / (2.0 * f64::from(step))) as f32
    }

    #[test]
    fn gradients_match_finite_differences_for_many_seeds() {
        let (mut output, mut hidden) = (0, 0);
        for seed in 0..500 {
            let problem = Problem::new(seed, QuestionKind::Gradient);
            let exact = problem.answer();
            let numeric = finite_difference(&problem);
            assert!(
                (exact - numeric).abs() <= 1e-3 * exact.abs().max(1.0),
                "seed {seed} {:?}: chain rule {exact}, finite difference {numeric}",
                problem.weight
            );
            match problem.weight {
                Weight::Output { .. } => output += 1,
                Weight::Hidden { .. } => hidden += 1,
            }
        }
        // Both kinds of weight are asked about.
        assert!(
            output > 100 && hidden > 100,
            "{output} output, {hidden} hidden"
        );
    }

    #[test]
    fn the_fa_update_uses_b_in_place_of_the_forward_weights() {
        for seed in 0..200 {
            let fa = Problem::new(seed, QuestionKind::FaUpdate);
            // With B set to W²ᵀ, FA's update is backprop's step −η ∂E/∂w.
            let mut transported = fa.clone();
            let (_, n_h, n_v) = fa.shape();
            for j in 0..n_h {
                for i in 0..n_v {
                    transported.b[j][i] = fa.w2[i][j];
                }
            }
            let step = -fa.lr * finite_difference(&fa);
            let got = transported.answer();
            assert!(
                (got - step).abs() <= 1e-3 * step.abs().max(1.0),
                "seed {seed}: FA with B = W²ᵀ gives {got}, −η ∂E/∂w = {step}"
            );
        }
    }

    #[test]
    fn a_hand_computed_problem() {
        // 2-2-1, sigmoid hidden, linear output, asked ∂E/∂W¹₁₁.
        let mut problem = Problem::new(0, QuestionKind::Gradient);
        problem.hidden_activation = Activation::Sigmoid;
        problem.output_activation = Activation::Linear;
        problem.u = vec![1.0, 0.5];
        problem.w1 = vec![vec![0.5, -1.0], vec![0.2, 0.4]];
        problem.w2 = vec![vec![1.0, -0.5]];
        problem.b = vec![vec![0.3], vec![0.3]];
        problem.target = vec![1.0];
        problem.weight = Weight::Hidden { j: 0, k: 0 };
        // z¹ = (0, 0.4), h = (0.5, σ(0.4) = 0.598688), v = 0.5 − 0.299344 = 0.200656,
        // e = −0.799344; ∂E/∂W¹₁₁ = e · 1 · W²₁₁ · h₁(1 − h₁) · u₁ = −0.799344 · 0.25.
        let expected = -0.799_344 * 0.25;
        assert!(
            (problem.answer() - expected).abs() < 1e-5,
            "{}",
            problem.answer()
        );
        assert_eq!(problem.check(expected), Verdict::Correct);
        assert_eq!(problem.check(expected * 1.015), Verdict::Correct);
        let Verdict::Wrong { hint } = problem.check(-expected) else {
            panic!("a flipped sign is wrong")
        };
        assert!(hint.contains("sign"), "{hint}");
        let Verdict::Wrong { hint } = problem.check(-0.799_344) else {
            panic!("a missing f′ is wrong")
        };
        assert!(hint.contains("f′"), "{hint}");
        let terms = problem.terms();
        let symbols: Vec<&str> = terms[0].factors.iter().map(|f| f.symbol.as_str()).collect();
        assert_eq!(
            symbols,
            ["(v₁ − target₁)", "g′(z²₁)", "W²₁₁", "f′(z¹₁)", "u₁"]
        );
    }

    #[test]
    fn hints_name_common_slips() {
        let mut fa_seen = false;
        for seed in 0..100 {
            let problem = Problem::new(seed, QuestionKind::FaUpdate);
            let exact = problem.answer();
            if exact.abs() < 0.01 {
                continue;
            }
            fa_seen = true;
            let Verdict::Wrong { hint } = problem.check(exact / -problem.lr) else {
                panic!("seed {seed}: the update without −η is wrong");
            };
            assert!(hint.contains("−η"), "seed {seed}: {hint}");
            // One output's path only, when there are two and they differ.
            let terms = problem.terms();
            if terms.len() == 2 && (terms[0].value() - exact).abs() > tolerance(exact) * 2.0 {
                let partial = terms[0].value();
                if let Verdict::Wrong { hint } = problem.check(partial) {
                    assert!(!hint.is_empty());
                }
            }
        }
        assert!(fa_seen);
        assert!(matches!(
            Problem::new(1, QuestionKind::Gradient).check(f32::NAN),
            Verdict::Wrong { .. }
        ));
    }

    #[test]
    fn a_seed_gives_the_same_problem_and_seeds_differ() {
        assert_eq!(
            Problem::new(42, QuestionKind::Gradient),
            Problem::new(42, QuestionKind::Gradient)
        );
        let distinct: std::collections::HashSet<String> = (0..20)
            .map(|s| format!("{:?}", Problem::new(s, QuestionKind::Gradient).w1))
            .collect();
        assert!(distinct.len() > 15);
        for seed in 0..200 {
            let p = Problem::new(seed, QuestionKind::Gradient);
            assert!(matches!(p.shape(), (2, 2, 1) | (3, 2, 2)));
            for w in p.w1.iter().chain(&p.w2).flatten() {
                assert!(
                    *w != 0.0 && w.abs() <= 1.0 && ((w * 10.0).round() - w * 10.0).abs() < 1e-5
                );
            }
        }
    }
}
