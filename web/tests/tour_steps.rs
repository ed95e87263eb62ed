//! The tour's content (`pages::tour::steps`): every demonstration opens its page
//! without a notice, every question has an answer among its choices, every one of the
//! six implausibilities has a step, and the locality step names real rules.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::HashSet;

use bioprop::{RuleKind, TaskKind};
use bioprop_web::pages::cerebellum::settings::CerebellumSettings;
use bioprop_web::pages::microcircuit::settings::MicrocircuitSettings;
use bioprop_web::pages::rules::settings::{Settings, View};
use bioprop_web::pages::tour::model::demo_src;
use bioprop_web::pages::tour::steps::{find, DemoPage, Implausibility, Question, STEPS};
use bioprop_web::shell::UrlSettings;

/// The notices the demonstration's page gives for its query.
fn notices(page: DemoPage, query: &str) -> Vec<String> {
    let query = format!("?{query}");
    let notices = match page {
        DemoPage::Rules => Settings::from_query(&query).1,
        DemoPage::Microcircuit => MicrocircuitSettings::from_query(&query).1,
        DemoPage::Cerebellum => CerebellumSettings::from_query(&query).1,
    };
    notices
        .into_iter()
        .map(|n| format!("{}: {}", n.param, n.message))
        .collect()
}

#[test]
fn every_demonstration_opens_its_page_without_a_notice() {
    let mut demos = 0;
    for step in STEPS {
        if let Some(demo) = step.demo {
            demos += 1;
            let found = notices(demo.page, demo.query);
            assert!(found.is_empty(), "step {}: {:?}", step.id, found);
            assert!(!demo.look_at.is_empty(), "step {}", step.id);
            // The tour adds these itself.
            for key in ["page=", "embed", "autoplay"] {
                assert!(!demo.query.contains(key), "step {}: {key}", step.id);
            }
        }
    }
    assert!(demos >= 10, "{demos} demonstrations");
}

#[test]
fn every_frame_opens_its_page_embedded_and_running_without_a_notice() {
    // The address the tour's frame loads, as the page there reads it.
    for step in STEPS {
        let Some(demo) = step.demo else { continue };
        for run in [false, true] {
            let src = demo_src(&demo, run);
            let query = src.strip_prefix("index.html").unwrap();
            let (embed, autoplay, notices) = match demo.page {
                DemoPage::Rules => {
                    let (s, n) = Settings::from_query(query);
                    (s.embed, s.autoplay, n)
                }
                DemoPage::Microcircuit => {
                    let (s, n) = MicrocircuitSettings::from_query(query);
                    (s.embed, s.autoplay, n)
                }
                DemoPage::Cerebellum => {
                    let (s, n) = CerebellumSettings::from_query(query);
                    (s.embed, s.autoplay, n)
                }
            };
            assert!(notices.is_empty(), "{src}: {notices:?}");
            assert!(embed, "{src}");
            assert_eq!(autoplay, run, "{src}");
            let (page, notice) = bioprop_web::shell::route::page_from_query(query);
            assert!(notice.is_none(), "{src}");
            assert_eq!(page.name(), src.split(['=', '&']).nth(1).unwrap(), "{src}");
        }
    }
}

#[test]
fn a_demonstration_really_changes_its_page() {
    // A query the page ignored would also give no notice: check that a few of them
    // set what they say.
    let (derivative, _) = Settings::from_query(&format!(
        "?{}",
        find("derivative").unwrap().1.demo.unwrap().query
    ));
    assert!(derivative.no_derivative);
    assert_eq!(
        derivative.compare,
        vec![
            RuleKind::Backprop,
            RuleKind::FeedbackAlignment,
            RuleKind::Shallow
        ]
    );
    let (delay, _) = CerebellumSettings::from_query(&format!(
        "?{}",
        find("cerebellum-delay").unwrap().1.demo.unwrap().query
    ));
    assert_eq!(delay.error_delay, 0.3);
    let (teacher, _) = CerebellumSettings::from_query(&format!(
        "?{}",
        find("target").unwrap().1.demo.unwrap().query
    ));
    assert!(
        teacher.teacher,
        "step 6 opens the cerebellum teaching a controller"
    );
    // The digits step: backprop beside FA on MNIST, the digit views (accuracy and
    // receptive fields) shown.
    let (digits, _) = Settings::from_query(&format!(
        "?{}",
        find("digits").unwrap().1.demo.unwrap().query
    ));
    assert_eq!(digits.task, TaskKind::Digits);
    assert_eq!(
        digits.compare,
        vec![RuleKind::Backprop, RuleKind::FeedbackAlignment]
    );
    assert!(digits.shows(View::Task));
}

#[test]
fn the_arc_ends_with_the_answers_in_the_lectures_order() {
    // "→ sign symmetry and Kolen–Pollack → the microcircuit and digits → the
    // cerebellum → summary", after the concept check.
    let at = |id: &str| find(id).unwrap_or_else(|| panic!("no step {id}")).0;
    let order = [
        "concept-check",
        "sign-symmetry",
        "kolen-pollack",
        "microcircuit",
        "digits",
        "cerebellum-delay",
        "summary",
    ];
    for pair in order.windows(2) {
        assert!(at(pair[0]) < at(pair[1]), "{} before {}", pair[0], pair[1]);
    }
    assert_eq!(at("summary"), STEPS.len() - 1);
}

fn check_question(step: &str, question: &Question) {
    assert!(question.choices.len() >= 2, "{step}: {}", question.ask);
    assert!(
        question.answer < question.choices.len(),
        "{step}: {}",
        question.ask
    );
    assert!(!question.explanation.is_empty(), "{step}: {}", question.ask);
    let distinct: HashSet<_> = question.choices.iter().collect();
    assert_eq!(
        distinct.len(),
        question.choices.len(),
        "{step}: {}",
        question.ask
    );
}

#[test]
fn questions_have_their_answer_among_the_choices() {
    let mut quiz = 0;
    for step in STEPS {
        if let Some(question) = &step.predict {
            check_question(step.id, question);
            assert!(
                step.demo.is_some(),
                "{}: a prediction needs something to observe",
                step.id
            );
        }
        for question in step.quiz {
            check_question(step.id, question);
            quiz += 1;
        }
    }
    assert!(quiz >= 3, "the concept check has {quiz} questions");
}

#[test]
fn the_arc_covers_the_six_implausibilities_in_order() {
    let first: Vec<Implausibility> = Implausibility::ALL
        .iter()
        .map(|point| {
            let index = STEPS
                .iter()
                .position(|s| s.point == Some(*point))
                .unwrap_or_else(|| panic!("no step for {}", point.name()));
            (index, *point)
        })
        .collect::<std::collections::BTreeMap<_, _>>()
        .into_values()
        .collect();
    assert_eq!(
        first,
        Implausibility::ALL,
        "first appearances in the lecture's order"
    );
    // The concept check comes after all six, and the tour starts with the delta rule.
    let check = find("concept-check").unwrap().0;
    assert!(Implausibility::ALL.iter().all(|p| STEPS
        .iter()
        .position(|s| s.point == Some(*p))
        .unwrap()
        < check));
    assert_eq!(STEPS[0].id, "delta-rule");
}

#[test]
fn ids_are_unique_url_safe_and_found() {
    let ids: HashSet<&str> = STEPS.iter().map(|s| s.id).collect();
    assert_eq!(ids.len(), STEPS.len());
    for (index, step) in STEPS.iter().enumerate() {
        assert!(
            step.id.chars().all(|c| c.is_ascii_lowercase() || c == '-') && !step.id.is_empty(),
            "{}",
            step.id
        );
        assert_eq!(find(step.id).unwrap().0, index);
        assert!(
            !step.title.is_empty() && !step.text.is_empty(),
            "{}",
            step.id
        );
    }
    assert!(find("nope").is_none());
}

#[test]
fn the_locality_step_names_rules_with_declared_reads() {
    let step = find("locality").unwrap().1;
    assert!(!step.reads_of.is_empty());
    for name in step.reads_of {
        let rule: RuleKind = name.parse().unwrap_or_else(|_| panic!("{name} is a rule"));
        assert!(!rule.facts().reads.is_empty(), "{name}");
    }
}

#[test]
fn paragraphs_are_short() {
    // A few sentences each (a sentence ends with ". " or "? ", or the paragraph's
    // end): a tour step is read from the back of a room.
    for step in STEPS {
        for paragraph in step.text {
            let sentences =
                paragraph.matches(". ").count() + paragraph.matches(": ").count() / 4 + 1;
            assert!(sentences <= 4, "{}: {paragraph}", step.id);
        }
    }
}
