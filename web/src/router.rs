//! The router: picks the page from the `page` query parameter (see
//! [`crate::shell::route`]) and nothing else. A new page is a folder under
//! `pages/`, a [`PageKind`] variant and one arm here.

use yew::prelude::*;

use crate::pages::cerebellum::CerebellumPage;
use crate::pages::exercise::ExercisePage;
use crate::pages::microcircuit::MicrocircuitPage;
use crate::pages::rules::RulesPage;
use crate::pages::tour::TourPage;
use crate::shell::current_query;
use crate::shell::route::{page_from_query, PageKind};

#[component]
pub fn App() -> Html {
    let route = use_memo((), |_| page_from_query(&current_query()));
    match route.0 {
        PageKind::Rules => html! { <RulesPage page_notice={route.1.clone()} /> },
        PageKind::Cerebellum => html! { <CerebellumPage /> },
        PageKind::Microcircuit => html! { <MicrocircuitPage /> },
        PageKind::Exercise => html! { <ExercisePage /> },
        PageKind::Tour => html! { <TourPage /> },
    }
}
