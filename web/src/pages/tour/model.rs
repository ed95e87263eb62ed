//! What the audience has done on the tour: each step's prediction and each concept-check
//! answer, and from them whether a step's demonstration runs, what the quiz scored, and
//! the address of the demonstration's frame. Pure: no Yew or web-sys, tested natively.
//!
//! "Predict, then observe": a step with a [`Question`] in `predict` loads its
//! demonstration paused, and only a choice (or "Skip") starts it. A step without one
//! runs its demonstration at once.

use std::collections::BTreeMap;

use super::steps::{Demo, DemoPage, Question, Step};

/// A prediction: one of the question's choices, or skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prediction {
    Chose(usize),
    Skipped,
}

impl Prediction {
    /// Whether the prediction was `question`'s answer (`None` when skipped).
    pub fn right(self, question: &Question) -> Option<bool> {
        match self {
            Prediction::Chose(choice) => Some(choice == question.answer),
            Prediction::Skipped => None,
        }
    }
}

/// One concept-check answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answer {
    pub choice: usize,
    pub correct: bool,
}

/// The predictions and answers given so far, kept while the lecturer moves back and
/// forth (a step revisited shows its prediction and runs its demonstration).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Per step id.
    predictions: BTreeMap<&'static str, Prediction>,
    /// Per step id and question index.
    answers: BTreeMap<(&'static str, usize), Answer>,
}

impl Progress {
    /// Records the prediction made at `step`; the first one stands.
    pub fn predict(&mut self, step: &'static Step, prediction: Prediction) {
        let Some(question) = &step.predict else {
            return;
        };
        if let Prediction::Chose(choice) = prediction {
            if choice >= question.choices.len() {
                return;
            }
        }
        self.predictions.entry(step.id).or_insert(prediction);
    }

    pub fn prediction(&self, step: &Step) -> Option<Prediction> {
        self.predictions.get(step.id).copied()
    }

    /// Whether the step's demonstration runs: it has no prediction to make, or it has
    /// been made.
    pub fn demo_runs(&self, step: &Step) -> bool {
        step.predict.is_none() || self.prediction(step).is_some()
    }

    /// Records the answer to question `question` of `step`'s concept check and returns
    /// it, or `None` if there is no such question, no such choice, or it was answered
    /// already (the first answer stands, so the score is honest).
    pub fn answer(
        &mut self,
        step: &'static Step,
        question: usize,
        choice: usize,
    ) -> Option<Answer> {
        let asked = step.quiz.get(question)?;
        if choice >= asked.choices.len() || self.answers.contains_key(&(step.id, question)) {
            return None;
        }
        let answer = Answer {
            choice,
            correct: choice == asked.answer,
        };
        self.answers.insert((step.id, question), answer);
        Some(answer)
    }

    pub fn answered(&self, step: &Step, question: usize) -> Option<Answer> {
        self.answers.get(&(step.id, question)).copied()
    }

    /// (right, answered, asked) for `step`'s concept check.
    pub fn score(&self, step: &Step) -> (usize, usize, usize) {
        let given: Vec<Answer> = (0..step.quiz.len())
            .filter_map(|q| self.answered(step, q))
            .collect();
        let right = given.iter().filter(|a| a.correct).count();
        (right, given.len(), step.quiz.len())
    }
}

/// The page's name in the app's URL.
pub fn page_name(page: DemoPage) -> &'static str {
    match page {
        DemoPage::Rules => "rules",
        DemoPage::Microcircuit => "microcircuit",
        DemoPage::Cerebellum => "cerebellum",
    }
}

/// The address of a demonstration's frame: the app itself, embedded, with the step's
/// settings, running when `run` is set.
pub fn demo_src(demo: &Demo, run: bool) -> String {
    let mut src = format!("index.html?page={}", page_name(demo.page));
    if !demo.query.is_empty() {
        src.push('&');
        src.push_str(demo.query);
    }
    src.push_str("&embed=1");
    if run {
        src.push_str("&autoplay=1");
    }
    src
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::tour::steps::{find, STEPS};

    fn step(id: &str) -> &'static Step {
        find(id).unwrap().1
    }

    #[test]
    fn a_prediction_starts_the_demonstration_and_the_first_one_stands() {
        let predicted = step("weight-transport");
        let question = predicted.predict.unwrap();
        let mut progress = Progress::default();
        assert!(!progress.demo_runs(predicted), "paused until predicted");
        progress.predict(predicted, Prediction::Chose(question.choices.len()));
        assert!(!progress.demo_runs(predicted), "no such choice");
        progress.predict(predicted, Prediction::Chose(0));
        assert!(progress.demo_runs(predicted));
        assert_eq!(progress.prediction(predicted), Some(Prediction::Chose(0)));
        assert_eq!(Prediction::Chose(0).right(&question), Some(false));
        progress.predict(predicted, Prediction::Chose(question.answer));
        assert_eq!(progress.prediction(predicted), Some(Prediction::Chose(0)));

        let skipped = step("derivative");
        progress.predict(skipped, Prediction::Skipped);
        assert!(progress.demo_runs(skipped));
        assert_eq!(Prediction::Skipped.right(&skipped.predict.unwrap()), None);

        // Without a question the demonstration runs at once, and no prediction sticks.
        let plain = step("sign-symmetry");
        assert!(plain.predict.is_none() && progress.demo_runs(plain));
        progress.predict(plain, Prediction::Chose(0));
        assert_eq!(progress.prediction(plain), None);
    }

    #[test]
    fn the_concept_check_scores_first_answers_only() {
        let check = step("concept-check");
        let mut progress = Progress::default();
        assert_eq!(progress.score(check), (0, 0, check.quiz.len()));
        let first = check.quiz[0];
        let wrong = (first.answer + 1) % first.choices.len();
        assert_eq!(
            progress.answer(check, 0, wrong),
            Some(Answer {
                choice: wrong,
                correct: false
            })
        );
        assert_eq!(progress.answer(check, 0, first.answer), None, "answered");
        let second = check.quiz[1];
        assert_eq!(
            progress.answer(check, 1, second.answer),
            Some(Answer {
                choice: second.answer,
                correct: true
            })
        );
        assert_eq!(progress.answer(check, 2, 99), None, "no such choice");
        assert_eq!(progress.answer(check, 99, 0), None, "no such question");
        assert_eq!(progress.score(check), (1, 2, check.quiz.len()));
    }

    #[test]
    fn a_demonstration_frame_opens_its_page_embedded_and_runs_when_asked() {
        let demo = step("weight-transport").demo.unwrap();
        assert_eq!(
            demo_src(&demo, false),
            "index.html?page=rules&compare=bp,fa&views=alignment&embed=1"
        );
        assert!(demo_src(&demo, true).ends_with("&embed=1&autoplay=1"));
        let bare = step("microcircuit").demo.unwrap();
        assert_eq!(
            demo_src(&bare, true),
            "index.html?page=microcircuit&embed=1&autoplay=1"
        );
        // Every frame is its page, embedded, with the step's settings after `page`.
        for step in STEPS {
            if let Some(demo) = step.demo {
                let src = demo_src(&demo, true);
                let page = format!("index.html?page={}&", page_name(demo.page));
                assert!(src.starts_with(&page), "{src}");
                assert!(src.contains(demo.query), "{src}");
                assert_eq!(src.matches("embed=1").count(), 1, "{src}");
            }
        }
    }
}
