//! The exercise page's files (`pages::exercise::export`): the problem on screen with
//! every number of its network, its link and — only once the page shows it — its
//! answer; and the session's answers, one CSV row per number checked.
#![cfg(not(target_arch = "wasm32"))]

use bioprop::exercise::{tolerance, Problem, QuestionKind};
use bioprop_web::pages::exercise::export::{
    answers_csv, problem_file, problem_json, ANSWERS_HEADER,
};
use bioprop_web::pages::exercise::model::{Session, SessionAction};

const LINK: &str = "?page=exercise&seed=7&v=1";

fn parsed(session: &Session) -> serde_json::Value {
    serde_json::from_str(&problem_json(session, LINK)).unwrap()
}

#[test]
fn the_problem_file_holds_every_number_and_the_answer_only_once_shown() {
    let problem = Problem::new(7, QuestionKind::FaUpdate);
    let mut session = Session::new(problem.clone());
    assert_eq!(problem_file(&session), "bioprop-exercise-7-fa.json");
    let file = parsed(&session);
    assert_eq!(file["link"], LINK);
    assert_eq!(
        (file["seed"].as_u64(), file["question"].as_str()),
        (Some(7), Some("fa"))
    );
    // The network as core drew it from the seed: the same problem comes back.
    let network: Problem = serde_json::from_value(file["network"].clone()).unwrap();
    assert_eq!(network, problem);
    assert!(
        file.get("answer").is_none(),
        "not given away before it is shown"
    );
    // A wrong number: still no answer in the file.
    session.apply(SessionAction::Check(format!("{}", session.exact() + 1.0)));
    assert!(parsed(&session).get("answer").is_none());
    // The solution started: the page shows the answer, and so does the file.
    session.apply(SessionAction::NextStep);
    let exact = session.exact();
    let answer = &parsed(&session)["answer"];
    // Written as f32, read back as f32.
    let read = |key: &str| answer[key].as_f64().map(|v| v as f32);
    assert_eq!(read("exact"), Some(exact));
    assert_eq!(read("tolerance"), Some(tolerance(exact)));
}

#[test]
fn the_answers_file_has_a_row_per_number_checked() {
    let mut session = Session::new(Problem::new(3, QuestionKind::Gradient));
    assert_eq!(answers_csv(&session.answers), format!("{ANSWERS_HEADER}\n"));
    let exact = session.exact();
    // Unreadable text is no check; a wrong number, a hint, then the right one.
    session.apply(SessionAction::Check("two".into()));
    session.apply(SessionAction::Check(format!("{}", exact + 1.0)));
    session.apply(SessionAction::Hint);
    session.apply(SessionAction::Check(format!(" {exact} ")));
    session.apply(SessionAction::Open(Problem::new(4, QuestionKind::FaUpdate)));
    session.apply(SessionAction::NextStep);
    session.apply(SessionAction::Check("1,5".into()));
    let csv = answers_csv(&session.answers);
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 4, "{csv}");
    let asked =
        bioprop_web::pages::exercise::model::asked(&Problem::new(3, QuestionKind::Gradient));
    assert_eq!(
        rows[1],
        format!(
            "3,gradient,{asked},{},{},{exact},0,0,0",
            exact + 1.0,
            exact + 1.0
        )
    );
    assert_eq!(
        rows[2],
        format!("3,gradient,{asked},{exact},{exact},{exact},1,1,0")
    );
    // Problem 4, solution shown before checking; a comma in the text is quoted.
    let last: Vec<&str> = rows[3].splitn(5, ',').collect();
    assert_eq!(&last[..2], ["4", "fa"]);
    assert!(last[3..].join(",").starts_with("\"1,5\","), "{}", rows[3]);
    assert!(rows[3].ends_with(",0,0,1"), "{}", rows[3]);
}
