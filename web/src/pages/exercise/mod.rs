//! The gradient exercise (`?page=exercise`, docs/science.md §8): a small network drawn
//! with every number, one weight picked, and the student types `∂E/∂w` (or the update
//! feedback alignment makes to it). Core's `bioprop::exercise` draws the problem from
//! the seed, checks the answer and gives the chain-rule terms; this page shows them.
//! The maths is instant, so there is no worker.
//!
//! ```text
//! URL (seed, q) ─▶ Problem::new ─▶ Session (model.rs): answer, hints, solution, score
//! keys / buttons ─▶ Action ─▶ SessionAction, or new settings ─▶ Open(Problem)
//! Session ─▶ QuestionPanel, HelpPanel; the step's factor ─▶ NetworkDiagram's highlight
//! ```

mod controls;
pub mod diagram;
pub mod export;
pub mod model;
pub mod settings;
mod views;

use std::rc::Rc;

use bioprop::exercise::{Problem, QuestionKind};
use yew::prelude::*;

use crate::shell::embed::{use_embed_api, Embedding};
use crate::shell::keys::{use_shortcuts, Shortcut};
use crate::shell::messages::{self, ExerciseAnswer};
use crate::shell::query::{whole, with_version};
use crate::shell::route::PageKind;
use crate::shell::{use_url_settings, NoticeAction, PageFrame, UrlSettings, UrlState};
use crate::widgets::download::save_text;
use crate::widgets::figure_export::FigureExport;
pub use controls::{Action, ExerciseControls};
use diagram::NetworkDiagram;
use model::{asked, significant, step_factor, Next, Session, SessionAction, Shown};
use settings::{kind_name, ExerciseSettings};
use views::{HelpPanel, QuestionPanel};

/// The page's keyboard map; the embed bar's buttons use it too.
fn shortcut_action(shortcut: Shortcut) -> Option<Action> {
    match shortcut {
        Shortcut::NewProblem => Some(Action::NewProblem),
        Shortcut::Hint => Some(Action::Hint),
        Shortcut::Step => Some(Action::Step),
        Shortcut::Next => Some(Action::Next),
        Shortcut::Previous => Some(Action::Back),
        Shortcut::TogglePlay
        | Shortcut::Reset
        | Shortcut::ToggleTarget
        | Shortcut::TogglePresent => None,
    }
}

/// The session as Yew state: every action goes through [`Session::apply`].
#[derive(PartialEq)]
struct SessionState(Session);

impl Reducible for SessionState {
    type Action = SessionAction;

    fn reduce(self: Rc<Self>, action: SessionAction) -> Rc<Self> {
        let mut session = self.0.clone();
        session.apply(action);
        Rc::new(SessionState(session))
    }
}

#[component]
pub fn ExercisePage() -> Html {
    let UrlState {
        initial,
        settings,
        notices,
    } = use_url_settings::<ExerciseSettings>(None);
    let session =
        use_reducer(|| SessionState(Session::new(Problem::new(initial.seed, initial.kind))));

    // The text of the last answer checked, for the message to an embedding page.
    let typed = use_mut_ref(String::new);
    let on_action = {
        let settings = settings.clone();
        let session = session.clone();
        let notices = notices.dispatcher();
        let typed = typed.clone();
        Callback::from(move |action: Action| {
            let open = |next: ExerciseSettings| {
                session.dispatch(SessionAction::Open(Problem::new(next.seed, next.kind)));
                settings.set(next);
            };
            match action {
                Action::Check(text) => {
                    typed.borrow_mut().clone_from(&text);
                    session.dispatch(SessionAction::Check(text));
                }
                Action::Hint => session.dispatch(SessionAction::Hint),
                Action::Step => session.dispatch(SessionAction::NextStep),
                Action::Back => session.dispatch(SessionAction::PreviousStep),
                Action::Next => match session.0.next() {
                    Next::Step => session.dispatch(SessionAction::NextStep),
                    Next::NewProblem => open(settings.next_problem()),
                },
                Action::NewProblem => open(settings.next_problem()),
                Action::SetKind(kind) if kind != settings.kind => open(ExerciseSettings {
                    kind,
                    ..(*settings).clone()
                }),
                Action::SetKind(_) => {}
                Action::SetSeed(text) => match whole(text.trim(), 0, u64::MAX) {
                    Ok(seed) if seed == settings.seed => {}
                    Ok(seed) => open(ExerciseSettings {
                        seed,
                        ..(*settings).clone()
                    }),
                    Err(problem) => notices.dispatch(NoticeAction::Push(format!(
                        "seed: {} (allowed: {}); kept {}",
                        problem.what, problem.allowed, settings.seed
                    ))),
                },
                Action::Open(next) => open(next),
                Action::DismissNotices => notices.dispatch(NoticeAction::Clear),
            }
        })
    };
    let on_bar = use_shortcuts(shortcut_action, on_action.clone());
    let outbox = use_embed_api(
        Embedding {
            page: PageKind::Exercise,
            settings: (*settings).clone(),
            on_settings: on_action.reform(Action::Open),
            player: None,
            frames: 0,
            metrics: Rc::new(|| None),
            diverged: None,
            ready: None,
        },
        &notices,
    );
    // Each number checked goes to the embedding page: what was answered, the exact
    // value and whether it was right (within core's tolerance).
    {
        let session = session.clone();
        use_effect_with(session.0.score.checked, move |&checked| {
            let current = &session.0;
            let (value, correct) = match &current.attempt.verdict {
                Some(Shown::Correct { answer, .. }) => (*answer, true),
                Some(Shown::Wrong { answer, .. }) => (*answer, false),
                _ => return,
            };
            if checked == 0 {
                return;
            }
            outbox.post(&messages::exercise_answer(&ExerciseAnswer {
                seed: current.problem.seed,
                question: kind_name(current.problem.kind),
                asked: &asked(&current.problem),
                answer: &typed.borrow(),
                value,
                exact: current.exact(),
                correct,
            }));
        });
    }

    let on_notice = {
        let notices = notices.dispatcher();
        Callback::from(move |message: String| notices.dispatch(NoticeAction::Push(message)))
    };
    let export_buttons = {
        let report = {
            let notice = on_notice.clone();
            move |result: Result<(), String>| {
                if let Err(why) = result {
                    notice.emit(format!("export: {why}"));
                }
            }
        };
        let on_problem = {
            let (session, report) = (session.clone(), report.clone());
            let link = with_version(&settings.to_query());
            Callback::from(move |_: MouseEvent| {
                let json = export::problem_json(&session.0, &link);
                report(save_text(
                    &export::problem_file(&session.0),
                    "application/json",
                    &json,
                ));
            })
        };
        let on_answers = {
            let session = session.clone();
            Callback::from(move |_: MouseEvent| {
                let csv = export::answers_csv(&session.0.answers);
                report(save_text(export::ANSWERS_FILE, "text/csv", &csv));
            })
        };
        let none = session.0.answers.is_empty();
        html! {
            <>
                <button type="button" onclick={on_problem} data-testid="export-problem"
                    title="The seed, the question, the link and every number of the network">
                    {"Problem and weights (JSON)"}</button>
                <button type="button" onclick={on_answers} data-testid="export-answers"
                    disabled={none}
                    title={if none { "Check an answer first: each number checked is a row" }
                        else { "Every number checked in this session, one row each" }}>
                    {"Answers (CSV)"}</button>
            </>
        }
    };

    let current = Rc::new(session.0.clone());
    let problem = Rc::new(current.problem.clone());
    let highlight = step_factor(&current.terms, current.attempt.step).map(|(_, factor)| {
        (
            factor.place,
            format!("{} = {}", factor.symbol, significant(factor.value)),
        )
    });
    let problem_key = (problem.seed, problem.kind == QuestionKind::FaUpdate);
    let embed = settings.embed;
    let bar = html! {
        <button data-testid="exercise-new" onclick={on_bar.reform(|_| Shortcut::NewProblem)}
            title="The next problem (n)">{"New problem"}</button>
    };
    html! {
        <PageFrame page={PageKind::Exercise} {embed} notices={notices.0.clone()}
            on_dismiss={on_action.reform(|()| Action::DismissNotices)}
            {on_bar} embed_buttons={Some(bar)}
            full_query={Some(with_version(&settings.to_query()))}
            controls={html! {
                <ExerciseControls settings={(*settings).clone()} on_action={on_action.clone()} />
            }}>
            <div class="ex-layout">
                <section class="panel ex-figure" aria-labelledby="ex-figure-title">
                    <h2 id="ex-figure-title">{"The network and its numbers"}</h2>
                    <NetworkDiagram problem={problem.clone()} {highlight} />
                </section>
                <div class="ex-side">
                    <QuestionPanel session={current.clone()} on_action={on_action.clone()} {problem_key} />
                    <HelpPanel session={current} on_action={on_action.clone()} />
                </div>
            </div>
            if !embed {
                <FigureExport {on_notice} charts={false} extra={export_buttons} />
            }
        </PageFrame>
    }
}
