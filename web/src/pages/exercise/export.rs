//! What the exercise page saves (its "Export" panel): the problem on screen as JSON —
//! its link, seed and question, the network's every number (inputs, targets, `W¹`,
//! `W²`, `B`, `η`, the activations) and, once solved or its solution shown, the exact
//! answer — and the session's answers as CSV, one row per number checked. The diagram
//! is saved as SVG by the shared panel. Pure: no Yew or web-sys, tested natively
//! (`web/tests/exercise_export.rs`).
//!
//! ```text
//! problem.json  { "page": "exercise", "link": "?page=exercise&seed=7&v=…", "seed": 7,
//!                 "question": "gradient", "asked": "∂E/∂W¹₁₁", "network": Problem,
//!                 "answer": { "exact": …, "tolerance": … } (only when shown on the page) }
//! answers.csv   seed,question,asked,typed,value,exact,correct,hints,solution_shown
//! ```
//!
//! The link opens the same problem: core draws every number from the seed
//! (`bioprop::exercise::Problem::new`).

use bioprop::exercise::{tolerance, Problem};
use serde::Serialize;

use super::model::{AnswerRow, Session};
use super::settings::kind_name;

/// The problem file's name for `seed` and `question`.
pub fn problem_file(session: &Session) -> String {
    let problem = &session.problem;
    format!(
        "bioprop-exercise-{}-{}.json",
        problem.seed,
        kind_name(problem.kind)
    )
}

/// The answers file's name.
pub const ANSWERS_FILE: &str = "bioprop-exercise-answers.csv";

/// The problem on screen as JSON; `link` is the page's link to it. The exact answer is
/// written only when the page shows it (solved, or the solution started), so a file
/// handed out with a problem does not give its answer away.
pub fn problem_json(session: &Session, link: &str) -> String {
    let problem = &session.problem;
    let shown = session.attempt.solved || session.attempt.step > 0;
    let file = ProblemFile {
        page: "exercise",
        link,
        seed: problem.seed,
        question: kind_name(problem.kind),
        asked: super::model::asked(problem),
        network: problem,
        answer: shown.then(|| {
            let exact = session.exact();
            Answer {
                exact,
                tolerance: tolerance(exact),
            }
        }),
    };
    serde_json::to_string_pretty(&file).unwrap_or_default() + "\n"
}

/// The problem file, written straight from its types, so each `f32` is written as the
/// diagram shows it (`0.4`, not the `f64` it widens to).
#[derive(Serialize)]
struct ProblemFile<'a> {
    page: &'static str,
    link: &'a str,
    seed: u64,
    question: &'static str,
    asked: String,
    network: &'a Problem,
    #[serde(skip_serializing_if = "Option::is_none")]
    answer: Option<Answer>,
}

#[derive(Serialize)]
struct Answer {
    exact: f32,
    tolerance: f32,
}

/// The CSV header of [`answers_csv`].
pub const ANSWERS_HEADER: &str =
    "seed,question,asked,typed,value,exact,correct,hints,solution_shown";

/// One CSV field: quoted, with its quotes doubled, when it holds a comma, a quote or a
/// line break (RFC 4180).
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// Every number checked in the session, oldest first, under [`ANSWERS_HEADER`].
pub fn answers_csv(answers: &[AnswerRow]) -> String {
    let mut csv = String::from(ANSWERS_HEADER);
    csv.push('\n');
    for row in answers {
        csv.push_str(&format!(
            "{},{},{},{},{},{},{},{},{}\n",
            row.seed,
            kind_name(row.kind),
            field(&row.asked),
            field(&row.typed),
            row.value,
            row.exact,
            u8::from(row.correct),
            row.hints,
            u8::from(row.solution_shown),
        ));
    }
    csv
}
