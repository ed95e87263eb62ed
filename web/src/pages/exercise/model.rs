//! The exercise's session, pure (no Yew or web-sys): reading a typed answer, the
//! score, the hint ladder and the solution revealed factor by factor. The maths is
//! core's (`bioprop::exercise`, docs/science.md §8): this module only keeps track of
//! what the student has asked for and how it went.
//!
//! ```text
//! Check(text) ─▶ parse_answer ─▶ Problem::check ─▶ Verdict ─▶ Shown, Score
//! Hint        ─▶ level 1: which factors appear (symbols, meanings); 2: their values
//! Step        ─▶ solution step k: the k-th factor of the chain-rule path, then the sum
//! Open(p)     ─▶ a new problem: the per-problem state starts again, the score stays
//! ```

use std::collections::HashSet;

use bioprop::exercise::{tolerance, Factor, Problem, QuestionKind, Term};

/// The last hint level: 1 names the factors, 2 gives their values.
pub const LAST_HINT: u8 = 2;

/// The number a student typed: `-0.2`, `−0.2` (the typographic minus), `+0.2`,
/// `1e-3`, `.5`, and a decimal comma (`-0,2`) when the text has no point; spaces
/// anywhere are ignored. Anything else is refused with a message saying why.
pub fn parse_answer(text: &str) -> Result<f32, String> {
    let mut cleaned: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '−' | '–' => '-',
            'E' => 'e',
            other => other,
        })
        .collect();
    if cleaned.is_empty() {
        return Err("Type a number first, e.g. −0.042.".to_owned());
    }
    match cleaned.matches(',').count() {
        0 => {}
        1 if !cleaned.contains('.') => cleaned = cleaned.replace(',', "."),
        _ => {
            return Err(format!(
                "'{}' has a comma as well as a point: write one number with a decimal \
                 point, e.g. −0.042.",
                text.trim()
            ))
        }
    }
    // Rust's float parser takes "inf" and "NaN": words are not answers here.
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e');
    match cleaned.parse::<f32>() {
        Ok(value) if value.is_finite() && cleaned.chars().all(allowed) => Ok(value),
        _ => Err(format!(
            "'{}' is not a number: type e.g. −0.042 or 4.2e-2.",
            text.trim()
        )),
    }
}

/// `value` with four significant digits and the typographic minus; below 10⁻⁴ in
/// scientific notation (`−2.000e−9`).
pub fn significant(value: f32) -> String {
    if value == 0.0 || !value.is_finite() {
        return if value.is_finite() {
            "0".to_owned()
        } else {
            value.to_string()
        };
    }
    let magnitude = value.abs().log10().floor() as i32;
    if magnitude < -4 {
        return format!("{value:.3e}").replace('-', "−");
    }
    fixed(value, (3 - magnitude).max(0) as usize)
}

/// `value` with `decimals` decimals and the typographic minus (no `−0`).
pub fn fixed(value: f32, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    let zero = text
        .trim_start_matches('-')
        .chars()
        .all(|c| matches!(c, '0' | '.'));
    if zero {
        text.trim_start_matches('-').to_owned()
    } else {
        text.replace('-', "−")
    }
}

/// What is asked, as the left-hand side of the answer: `∂E/∂W¹₁₁` or `ΔW¹₁₁`.
pub fn asked(problem: &Problem) -> String {
    let w = problem.weight.symbol();
    match problem.kind {
        QuestionKind::Gradient => format!("∂E/∂{w}"),
        QuestionKind::FaUpdate => format!("Δ{w}"),
    }
}

/// The chain-rule path written out: `lhs = a · b · c + d · e · f`, with each
/// factor's symbol, or its value when `values` (the second hint).
pub fn formula(problem: &Problem, terms: &[Term], values: bool) -> String {
    let term = |t: &Term| {
        t.factors
            .iter()
            .map(|f| {
                if values {
                    let v = significant(f.value);
                    if f.value < 0.0 {
                        format!("({v})")
                    } else {
                        v
                    }
                } else {
                    f.symbol.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let sum = terms.iter().map(term).collect::<Vec<_>>().join("  +  ");
    format!("{} = {sum}", asked(problem))
}

/// The steps of the solution: every factor of every term, then the sum.
pub fn solution_steps(terms: &[Term]) -> usize {
    terms.iter().map(|t| t.factors.len()).sum::<usize>() + 1
}

/// The factor that solution step `step` (1-based) reveals, with its term's index;
/// `None` for the last step (the sum) and for step 0 (nothing shown).
pub fn step_factor(terms: &[Term], step: usize) -> Option<(usize, &Factor)> {
    let mut left = step.checked_sub(1)?;
    for (index, term) in terms.iter().enumerate() {
        if left < term.factors.len() {
            return Some((index, &term.factors[left]));
        }
        left -= term.factors.len();
    }
    None
}

/// The session's score; kept while moving between problems, never in the URL.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Score {
    /// Problems answered (a number checked) or given up on (the solution shown).
    pub attempted: u32,
    /// Problems answered correctly before their solution was shown.
    pub solved: u32,
    /// Of those, correct at the first number checked.
    pub first_try: u32,
    /// Numbers checked in all.
    pub checked: u32,
}

/// The verdict on the last answer, as the page shows it.
#[derive(Clone, Debug, PartialEq)]
pub enum Shown {
    /// The text was not a number: nothing was checked.
    Unreadable(String),
    /// Within the tolerance of `exact`. `scored` is false when the solution had
    /// been shown or the problem was already solved.
    Correct {
        answer: f32,
        exact: f32,
        tolerance: f32,
        scored: bool,
    },
    /// Outside the tolerance; core's hint says what to look at.
    Wrong { answer: f32, hint: String },
}

/// What the student has asked for and done on the problem on screen.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Attempt {
    /// Numbers checked on this problem.
    pub checks: u32,
    pub solved: bool,
    /// 0: no hint; 1: the factors named; 2: their values.
    pub hint_level: u8,
    /// Solution steps shown (0: the solution is hidden).
    pub step: usize,
    pub verdict: Option<Shown>,
}

/// What the page asks of the session.
#[derive(Clone, Debug, PartialEq)]
pub enum SessionAction {
    Check(String),
    Hint,
    NextStep,
    PreviousStep,
    /// A new problem on screen; the score stays.
    Open(Problem),
}

/// What a clicker's "next" does now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Reveal the next factor of the solution (starting it if hidden).
    Step,
    /// The solution is complete: on to a new problem.
    NewProblem,
}

/// One number checked in the session, as the answers file lists it
/// ([`super::export::answers_csv`]).
#[derive(Clone, Debug, PartialEq)]
pub struct AnswerRow {
    pub seed: u64,
    pub kind: QuestionKind,
    /// What was asked: `∂E/∂W¹₁₁` or `ΔW¹₁₁`.
    pub asked: String,
    /// The text the student typed, and the number read from it.
    pub typed: String,
    pub value: f32,
    pub exact: f32,
    pub correct: bool,
    /// Hints shown before this check (0 to 2), and whether the solution was.
    pub hints: u8,
    pub solution_shown: bool,
}

/// Most numbers checked kept for the answers file: far more than a class checks, so
/// that an embedding page driving the exercise cannot grow the session without bound.
pub const MAX_ANSWERS: usize = 10_000;

/// The exercise session: the problem on screen, its chain-rule terms, the
/// student's attempt at it, the score so far and every number checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    pub problem: Problem,
    pub terms: Vec<Term>,
    pub attempt: Attempt,
    pub score: Score,
    /// Every number checked, oldest first (at most [`MAX_ANSWERS`]).
    pub answers: Vec<AnswerRow>,
    /// Problems (seed, question) already counted as attempted in this session, so
    /// coming back to one does not count it twice.
    counted: HashSet<(u64, bool)>,
}

impl Session {
    pub fn new(problem: Problem) -> Session {
        Session {
            terms: problem.terms(),
            problem,
            attempt: Attempt::default(),
            score: Score::default(),
            answers: Vec::new(),
            counted: HashSet::new(),
        }
    }

    /// The exact answer (core's sum of the terms).
    pub fn exact(&self) -> f32 {
        self.terms.iter().map(Term::value).sum()
    }

    /// Steps in the whole solution.
    pub fn steps(&self) -> usize {
        solution_steps(&self.terms)
    }

    pub fn solution_complete(&self) -> bool {
        self.attempt.step >= self.steps()
    }

    /// What a clicker's "next" (PageDown) does now.
    pub fn next(&self) -> Next {
        if self.solution_complete() {
            Next::NewProblem
        } else {
            Next::Step
        }
    }

    fn key(&self) -> (u64, bool) {
        (
            self.problem.seed,
            self.problem.kind == QuestionKind::FaUpdate,
        )
    }

    /// Counts the problem on screen as attempted, once per session.
    fn count_attempt(&mut self) {
        if self.counted.insert(self.key()) {
            self.score.attempted += 1;
        }
    }

    pub fn apply(&mut self, action: SessionAction) {
        match action {
            SessionAction::Check(text) => self.check(&text),
            SessionAction::Hint => {
                self.attempt.hint_level = (self.attempt.hint_level + 1).min(LAST_HINT);
            }
            SessionAction::NextStep => {
                if self.attempt.step == 0 && !self.attempt.solved {
                    // Seeing the solution before answering is giving the problem up.
                    self.count_attempt();
                }
                self.attempt.step = (self.attempt.step + 1).min(self.steps());
            }
            SessionAction::PreviousStep => {
                self.attempt.step = self.attempt.step.saturating_sub(1);
            }
            SessionAction::Open(problem) => {
                self.terms = problem.terms();
                self.problem = problem;
                self.attempt = Attempt::default();
            }
        }
    }

    fn check(&mut self, text: &str) {
        let answer = match parse_answer(text) {
            Ok(answer) => answer,
            Err(message) => {
                self.attempt.verdict = Some(Shown::Unreadable(message));
                return;
            }
        };
        self.count_attempt();
        self.attempt.checks += 1;
        self.score.checked += 1;
        let exact = self.exact();
        self.attempt.verdict = Some(match self.problem.check(answer) {
            bioprop::exercise::Verdict::Correct => {
                let scored = !self.attempt.solved && self.attempt.step == 0;
                if scored {
                    self.score.solved += 1;
                    if self.attempt.checks == 1 {
                        self.score.first_try += 1;
                    }
                }
                self.attempt.solved = true;
                Shown::Correct {
                    answer,
                    exact,
                    tolerance: tolerance(exact),
                    scored,
                }
            }
            bioprop::exercise::Verdict::Wrong { hint } => Shown::Wrong { answer, hint },
        });
        if self.answers.len() < MAX_ANSWERS {
            self.answers.push(AnswerRow {
                seed: self.problem.seed,
                kind: self.problem.kind,
                asked: asked(&self.problem),
                typed: text.trim().to_owned(),
                value: answer,
                exact,
                correct: matches!(self.attempt.verdict, Some(Shown::Correct { .. })),
                hints: self.attempt.hint_level,
                solution_shown: self.attempt.step > 0,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use bioprop::exercise::{Place, Weight};

    use super::*;

    #[test]
    fn answers_are_read_as_students_write_them() {
        let cases = [
            ("-0.2", -0.2),
            ("−0.2", -0.2),
            ("  +0.25 ", 0.25),
            ("1e-3", 0.001),
            ("−4.2E−2", -0.042),
            ("-0,2", -0.2),
            (".5", 0.5),
            ("- 0.125", -0.125),
            ("3", 3.0),
        ];
        for (text, expected) in cases {
            let got = parse_answer(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert!((got - expected).abs() < 1e-7, "{text}: {got}");
        }
        for text in [
            "",
            "  ",
            "abc",
            "NaN",
            "inf",
            "-infinity",
            "1,000.5",
            "1,2,3",
            "0.2.3",
            "1e99",
        ] {
            let error = parse_answer(text).expect_err(text);
            assert!(!error.is_empty(), "{text}");
        }
        assert!(parse_answer("1,000.5").unwrap_err().contains("comma"));
    }

    #[test]
    fn numbers_are_shown_with_four_significant_digits_and_a_true_minus() {
        assert_eq!(significant(-0.042_134), "−0.04213");
        assert_eq!(significant(1.23456), "1.235");
        assert_eq!(significant(12.3456), "12.35");
        assert_eq!(significant(0.0), "0");
        assert_eq!(significant(-2.0e-9), "−2.000e−9");
        assert_eq!(significant(0.000_123_4), "0.0001234");
        assert_eq!(fixed(-0.0001, 3), "0.000");
        assert_eq!(fixed(-0.25, 3), "−0.250");
    }

    /// The 2-2-1 problem of core's hand-computed test: sigmoid hidden, linear output,
    /// ∂E/∂W¹₁₁ = −0.799344 · 1 · 1 · 0.25 · 1.
    fn hand_problem() -> Problem {
        let mut problem = Problem::new(0, QuestionKind::Gradient);
        problem.hidden_activation = bioprop::Activation::Sigmoid;
        problem.output_activation = bioprop::Activation::Linear;
        problem.u = vec![1.0, 0.5];
        problem.w1 = vec![vec![0.5, -1.0], vec![0.2, 0.4]];
        problem.w2 = vec![vec![1.0, -0.5]];
        problem.b = vec![vec![0.3], vec![0.3]];
        problem.target = vec![1.0];
        problem.weight = Weight::Hidden { j: 0, k: 0 };
        problem
    }

    #[test]
    fn the_hints_name_the_factors_then_give_their_values() {
        let problem = hand_problem();
        let terms = problem.terms();
        assert_eq!(
            formula(&problem, &terms, false),
            "∂E/∂W¹₁₁ = (v₁ − target₁) · g′(z²₁) · W²₁₁ · f′(z¹₁) · u₁"
        );
        assert_eq!(
            formula(&problem, &terms, true),
            "∂E/∂W¹₁₁ = (−0.7993) · 1.000 · 1.000 · 0.2500 · 1.000"
        );
        let fa = Problem::new(3, QuestionKind::FaUpdate);
        let fa_terms = fa.terms();
        let text = formula(&fa, &fa_terms, false);
        assert!(text.starts_with("ΔW¹"), "{text}");
        assert!(text.contains("−η · ") && text.contains('B'), "{text}");
        assert_eq!(text.matches("  +  ").count(), fa_terms.len() - 1, "{text}");
    }

    #[test]
    fn the_solution_walks_every_factor_then_the_sum() {
        // A 3-2-2 hidden weight: two terms of five factors.
        let problem = (0..100)
            .map(|seed| Problem::new(seed, QuestionKind::Gradient))
            .find(|p| p.shape() == (3, 2, 2) && matches!(p.weight, Weight::Hidden { .. }))
            .expect("a 3-2-2 hidden-weight problem among 100 seeds");
        let terms = problem.terms();
        assert_eq!(solution_steps(&terms), 11);
        assert_eq!(step_factor(&terms, 0), None);
        assert_eq!(step_factor(&terms, 1).unwrap().0, 0);
        assert_eq!(step_factor(&terms, 1).unwrap().1.place, Place::Output(0));
        let (term, factor) = step_factor(&terms, 6).unwrap();
        assert_eq!((term, factor.place), (1, Place::Output(1)));
        assert!(matches!(
            step_factor(&terms, 10).unwrap().1.place,
            Place::Input(_)
        ));
        assert_eq!(step_factor(&terms, 11), None, "the sum");
    }

    #[test]
    fn a_wrong_then_right_answer_scores_one_solved_not_first_try() {
        let mut session = Session::new(hand_problem());
        let exact = -0.799_344 * 0.25;
        session.apply(SessionAction::Check("abc".into()));
        assert!(matches!(
            session.attempt.verdict,
            Some(Shown::Unreadable(_))
        ));
        assert_eq!(
            session.score,
            Score::default(),
            "an unreadable answer is not a try"
        );
        session.apply(SessionAction::Check(format!("{}", -exact)));
        let Some(Shown::Wrong { hint, .. }) = &session.attempt.verdict else {
            panic!("{:?}", session.attempt.verdict)
        };
        assert!(hint.contains("sign"), "{hint}");
        session.apply(SessionAction::Check(format!("{exact}").replace('-', "−")));
        assert!(matches!(
            session.attempt.verdict,
            Some(Shown::Correct { scored: true, .. })
        ));
        let expected = Score {
            attempted: 1,
            solved: 1,
            first_try: 0,
            checked: 2,
        };
        assert_eq!(session.score, expected);
        // Checking again counts the number, not another solve.
        session.apply(SessionAction::Check(format!("{exact}")));
        assert_eq!(session.score.solved, 1);
        assert!(matches!(
            session.attempt.verdict,
            Some(Shown::Correct { scored: false, .. })
        ));
    }

    #[test]
    fn the_score_stays_across_problems_and_a_shown_solution_is_not_a_solve() {
        let mut session = Session::new(Problem::new(5, QuestionKind::Gradient));
        let exact = session.exact();
        session.apply(SessionAction::Check(exact.to_string()));
        assert_eq!((session.score.solved, session.score.first_try), (1, 1));

        session.apply(SessionAction::Open(Problem::new(6, QuestionKind::Gradient)));
        assert_eq!(
            session.attempt,
            Attempt::default(),
            "a new problem starts afresh"
        );
        assert_eq!(session.score.solved, 1, "the score stays");
        assert_eq!(session.next(), Next::Step);
        session.apply(SessionAction::Hint);
        session.apply(SessionAction::Hint);
        session.apply(SessionAction::Hint);
        assert_eq!(session.attempt.hint_level, LAST_HINT);
        for _ in 0..session.steps() + 3 {
            session.apply(SessionAction::NextStep);
        }
        assert!(session.solution_complete());
        assert_eq!(session.next(), Next::NewProblem);
        assert_eq!(session.score.attempted, 2, "giving up counts as an attempt");
        let exact = session.exact();
        session.apply(SessionAction::Check(exact.to_string()));
        assert!(matches!(
            session.attempt.verdict,
            Some(Shown::Correct { scored: false, .. })
        ));
        assert_eq!(session.score.solved, 1);
        session.apply(SessionAction::PreviousStep);
        assert_eq!(session.attempt.step, session.steps() - 1);

        // Coming back to problem 5 does not count it again.
        session.apply(SessionAction::Open(Problem::new(5, QuestionKind::Gradient)));
        session.apply(SessionAction::Check("0".into()));
        assert_eq!(session.score.attempted, 2);
        // The same seed's FA question is another problem.
        session.apply(SessionAction::Open(Problem::new(5, QuestionKind::FaUpdate)));
        session.apply(SessionAction::Check("0".into()));
        assert_eq!(session.score.attempted, 3);
    }
}
