//! The lecture as a guided tour (`?page=tour`, header link "Lecture"): the steps of the
//! lecture's arc, each with its text and equation beside a live demonstration — the app
//! itself in a frame, embedded with the step's settings — and a "predict, then observe"
//! question that must be answered (or skipped) before the demonstration runs.
//!
//! [`steps`] holds the content, pure data tested natively (`web/tests/tour_steps.rs`);
//! [`settings`] the URL (`step`, `embed`) and moving between steps; [`model`] the
//! predictions and answers given; [`locality`] the locality inspector's lists, derived
//! from core; [`views`] the components.
//!
//! One screen per step at a projector's 1280×720, nothing scrolling: the text column
//! holds the text, the prediction's outcome and what to look at; the frame the other
//! column's whole height, with the parts to look at brought into its view; the steps'
//! numbers share the bar with previous and next. Larger screens draw the frame's page
//! larger (`static/style.css`; `tests/e2e/tour-fit.test.mjs`).
//!
//! Keys: → / PageDown / space next, ← / PageUp previous (a presentation clicker sends
//! PageDown and PageUp), through the shell's keyboard map, so a focused form control
//! keeps its keys; keys pressed inside the demonstration's frame are the demonstration's.
//! A page embedding the tour hears where it is and each concept-check answer, and can
//! move it (`shell::messages`: `bioprop:tour-step`, `bioprop:quiz-answer`).

pub mod locality;
pub mod model;
pub mod settings;
pub mod steps;
mod views;

use std::rc::Rc;

use yew::prelude::*;

use crate::shell::embed::{use_embed_api, Embedding, Outbox};
use crate::shell::keys::{use_shortcuts, Shortcut};
use crate::shell::messages;
use crate::shell::query::with_version;
use crate::shell::route::PageKind;
use crate::shell::{use_url_settings, write_query, NoticeAction, PageFrame, UrlSettings, UrlState};
use model::{Prediction, Progress};
use settings::TourSettings;
use views::{ConceptCheck, DemoFrame, DemoPrompt, LocalityInspector, StepList, StepText, TourBar};

/// What the audience and the lecturer can do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Next,
    Previous,
    Go(usize),
    Predict(Prediction),
    /// A concept-check answer: question and choice indices.
    Answer(usize, usize),
    DismissNotices,
}

/// The tour's keyboard map: space, → and PageDown go on; ← and PageUp go back.
fn shortcut_action(shortcut: Shortcut) -> Option<Action> {
    match shortcut {
        Shortcut::Next | Shortcut::TogglePlay => Some(Action::Next),
        Shortcut::Previous => Some(Action::Previous),
        Shortcut::Step
        | Shortcut::Reset
        | Shortcut::ToggleTarget
        | Shortcut::TogglePresent
        | Shortcut::NewProblem
        | Shortcut::Hint => None,
    }
}

/// Where the lecture is and what has been answered.
#[derive(Clone, Debug, PartialEq, Default)]
struct Tour {
    settings: TourSettings,
    progress: Progress,
}

impl Reducible for Tour {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        let step = self.settings.current();
        match action {
            Action::Next => next.settings = self.settings.next(),
            Action::Previous => next.settings = self.settings.previous(),
            Action::Go(index) => next.settings = self.settings.at(index),
            Action::Predict(prediction) => next.progress.predict(step, prediction),
            Action::Answer(question, choice) => {
                next.progress.answer(step, question, choice);
            }
            Action::DismissNotices => return self,
        }
        if next == *self {
            self
        } else {
            Rc::new(next)
        }
    }
}

#[component]
pub fn TourPage() -> Html {
    let UrlState {
        initial, notices, ..
    } = use_url_settings::<TourSettings>(None);
    let tour = use_reducer(|| Tour {
        settings: (*initial).clone(),
        progress: Progress::default(),
    });
    use_effect_with(tour.settings.to_query(), |query| {
        write_query(&with_version(query))
    });

    // Filled once the embedding API is up (it needs `on_action` first).
    let outbox = use_mut_ref(|| None::<Outbox>);
    let on_action = {
        let tour = tour.clone();
        let notices = notices.dispatcher();
        let outbox = outbox.clone();
        Callback::from(move |action: Action| {
            if let Action::Answer(question, choice) = action {
                // The first answer to a question is the one recorded and announced.
                let step = tour.settings.current();
                let mut progress = tour.progress.clone();
                if let (Some(answer), Some(outbox)) =
                    (progress.answer(step, question, choice), &*outbox.borrow())
                {
                    outbox.post(&messages::quiz_answer(
                        step.id,
                        question,
                        choice,
                        step.quiz[question].choices[choice],
                        answer.correct,
                    ));
                }
            }
            if action == Action::DismissNotices {
                notices.dispatch(NoticeAction::Clear);
            }
            tour.dispatch(action);
        })
    };
    let _ = use_shortcuts(shortcut_action, on_action.clone());
    let posts = use_embed_api(
        Embedding {
            page: PageKind::Tour,
            settings: tour.settings.clone(),
            on_settings: on_action.reform(|next: TourSettings| Action::Go(next.step)),
            player: None,
            frames: 0,
            metrics: Rc::new(|| None),
            diverged: None,
            // The steps' ids, so a course page can list them and move through them.
            ready: Some(serde_json::json!({
                "steps": steps::STEPS.iter().map(|s| s.id).collect::<Vec<_>>(),
                "index": tour.settings.step,
            })),
        },
        &notices,
    );
    *outbox.borrow_mut() = Some(posts.clone());
    // Each move after the first step shown (which `bioprop:ready` names).
    {
        let moved = use_mut_ref(|| false);
        use_effect_with(tour.settings.step, move |&index| {
            if std::mem::replace(&mut *moved.borrow_mut(), true) {
                let step = &steps::STEPS[index];
                posts.post(&messages::tour_step(step.id, index, steps::STEPS.len()));
            }
        });
    }

    let settings = &tour.settings;
    let step = settings.current();
    let run = tour.progress.demo_runs(step);
    let side = if step.demo.is_some() {
        html! {
            <DemoFrame {step} {run} prediction={tour.progress.prediction(step)}
                on_predict={on_action.reform(Action::Predict)} />
        }
    } else if !step.reads_of.is_empty() {
        html! { <LocalityInspector rules={step.reads_of} /> }
    } else if !step.quiz.is_empty() {
        let answers = (0..step.quiz.len())
            .map(|q| tour.progress.answered(step, q))
            .collect::<Vec<_>>();
        html! {
            <ConceptCheck {step} {answers}
                on_answer={on_action.reform(|(q, c)| Action::Answer(q, c))} />
        }
    } else {
        Html::default()
    };
    let layout = if step.demo.is_some() {
        "with-demo"
    } else if !step.quiz.is_empty() {
        "wide-side quiz"
    } else if step.reads_of.is_empty() {
        "single"
    } else {
        "wide-side"
    };
    html! {
        <PageFrame page={PageKind::Tour} embed={settings.embed} embed_bar={false}
            notices={notices.0.clone()}
            on_dismiss={on_action.reform(|()| Action::DismissNotices)}
            controls={Html::default()}>
            <div class="tour" data-testid="tour" data-step={step.id}>
                <div class={classes!("tour-stage", layout)}>
                    <StepText {step}>
                        <DemoPrompt {step} {run} prediction={tour.progress.prediction(step)}
                            on_predict={on_action.reform(Action::Predict)} />
                    </StepText>
                    {side}
                </div>
                <TourBar position={settings.position()}
                    first={settings.step == 0} last={settings.step + 1 == steps::STEPS.len()}
                    on_previous={on_action.reform(|()| Action::Previous)}
                    on_next={on_action.reform(|()| Action::Next)}>
                    <StepList current={settings.step} on_go={on_action.reform(Action::Go)} />
                </TourBar>
            </div>
        </PageFrame>
    }
}
