//! The shell every page lives in: the header with the pages' navigation, the
//! footer, the notice list, the address bar (read once, then kept equal to the
//! settings), the keyboard map, redraw throttling and the panic box.
//!
//! The shell imports no page and no widget: pages import it. The list of pages
//! in the navigation is [`route::PageKind`]; which page a load shows is the
//! loader's business (`static/index.html` imports that page's module, `src/bin/`).

pub mod embed;
pub mod keys;
pub mod messages;
pub mod panic;
pub mod play;
pub mod query;
pub mod route;
pub mod sim_page;
pub mod sim_worker;
pub mod throttle;
pub mod watchdog;
pub mod worker_bridge;
pub mod worker_guard;

use std::rc::Rc;

use yew::prelude::*;

use keys::Shortcut;
use route::PageKind;

/// Where the footer's "source" link points: the source archive that
/// `scripts/build-web.sh` puts beside the app.
pub const SOURCE_ARCHIVE: &str = "bioprop-source.tar.gz";

/// The query of the page's address (`?…`, or empty).
pub fn current_query() -> String {
    gloo::utils::window()
        .location()
        .search()
        .unwrap_or_default()
}

/// Keeps the address bar equal to the settings, without adding history entries (and
/// the embedding API's `origins`, which is the host's, not a setting).
pub fn write_query(query: &str) {
    let query = messages::keep_origins(query, &current_query());
    let window = gloo::utils::window();
    let path = window.location().pathname().unwrap_or_default();
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}{query}")),
        );
    }
}

/// A page's settings as its URL carries them: each page's reader and writer.
pub trait UrlSettings: Clone + PartialEq + Sized + 'static {
    /// The settings a query (`?…`, the `?` optional) gives, with a notice for every
    /// value it could not use.
    fn from_query(query: &str) -> (Self, Vec<query::Notice>);
    /// The shortest query that gives these settings back (`?…`, or empty for the
    /// page's defaults).
    fn to_query(&self) -> String;
}

/// What [`use_url_settings`] hands a page.
pub struct UrlState<S: UrlSettings> {
    /// The settings the page opened with (read once; shared, never cloned per render).
    pub initial: Rc<S>,
    /// The settings now; every change is written back to the address bar.
    pub settings: UseStateHandle<S>,
    /// The notice list, starting with the URL's notices.
    pub notices: UseReducerHandle<Notices>,
}

/// Reads the page's settings from the address bar once, shows `lead` (the loader's
/// notice, if any) and the notices the URL gave, and from then on keeps the address
/// bar (with the schema version) equal to the settings.
#[hook]
pub fn use_url_settings<S: UrlSettings>(lead: Option<String>) -> UrlState<S> {
    let opened = use_memo((), |_| {
        let (settings, notices) = S::from_query(&current_query());
        (Rc::new(settings), notices)
    });
    let initial = opened.0.clone();
    let settings = use_state(|| (*initial).clone());
    let notices = use_reducer(|| {
        Notices(
            lead.into_iter()
                .chain(opened.1.iter().map(|n| n.to_string()))
                .collect(),
        )
    });
    use_effect_with(settings.to_query(), |query| {
        write_query(&query::with_version(query))
    });
    UrlState {
        initial,
        settings,
        notices,
    }
}

/// The notices shown above the views: bad input, divergence, a stopped worker.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Notices(pub Vec<String>);

pub enum NoticeAction {
    /// Adds a notice, unless the same one is already shown.
    Push(String),
    /// Takes a notice away once its cause is gone (a diverged run replaced).
    Remove(String),
    Clear,
}

impl Reducible for Notices {
    type Action = NoticeAction;

    fn reduce(self: Rc<Self>, action: NoticeAction) -> Rc<Self> {
        match action {
            NoticeAction::Push(text) if self.0.contains(&text) => self,
            NoticeAction::Push(text) => {
                let mut list = self.0.clone();
                list.push(text);
                Rc::new(Notices(list))
            }
            NoticeAction::Remove(text) if !self.0.contains(&text) => self,
            NoticeAction::Remove(text) => Rc::new(Notices(
                self.0.iter().filter(|n| **n != text).cloned().collect(),
            )),
            NoticeAction::Clear => Rc::new(Notices::default()),
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct NoticeListProps {
    pub notices: Vec<String>,
    /// The "×" button: the page clears its notices.
    pub on_dismiss: Callback<()>,
}

/// The notices, announced to screen readers, with a button that dismisses them.
#[component]
pub fn NoticeList(props: &NoticeListProps) -> Html {
    let dismiss = props.on_dismiss.reform(|_: MouseEvent| ());
    html! {
        <div class="notices" data-testid="notice" role="status" aria-live="polite">
            if !props.notices.is_empty() {
                <ul>
                    { for props.notices.iter().map(|n| html! { <li>{n}</li> }) }
                </ul>
                <button class="dismiss" onclick={dismiss} aria-label="Dismiss notices">{"×"}</button>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct PageFrameProps {
    /// The page, marked in the navigation and added to the frame's classes.
    pub page: PageKind,
    /// Only the views, fitted to an embedding frame: no header, controls or footer.
    pub embed: bool,
    /// Presentation mode: the controls are a compact bar above the views, and the
    /// header and footer give their room to the views.
    #[prop_or_default]
    pub present: bool,
    pub notices: Vec<String>,
    pub on_dismiss: Callback<()>,
    /// The page's control panel (not shown when embedded).
    pub controls: Html,
    /// Whether an embedded page shows the embed bar (play, step, reset, open in full);
    /// a page with nothing to play (the tour) has its own controls instead.
    #[prop_or(true)]
    pub embed_bar: bool,
    /// Whether the simulation runs: the embed bar's play button says so.
    #[prop_or_default]
    pub playing: bool,
    /// The embed bar's buttons (embedded pages only): the same acts as their keys,
    /// so a page maps them with its keyboard map.
    #[prop_or_default]
    pub on_bar: Callback<Shortcut>,
    /// The embed bar's buttons for a page that does not play (the exercise), in
    /// place of play, step and reset.
    #[prop_or_default]
    pub embed_buttons: Option<Html>,
    /// The query the embed bar's "Open in full" links to (without `embed`), for a page
    /// whose settings change while embedded; the address bar's otherwise.
    #[prop_or_default]
    pub full_query: Option<String>,
    /// The page's readouts and views.
    pub children: Html,
}

/// The layout every page shares: header, notices, controls beside the views, footer.
#[component]
pub fn PageFrame(props: &PageFrameProps) -> Html {
    let embed = props.embed;
    let present = props.present && !embed;
    let page_class = (props.page != PageKind::Rules).then_some(props.page.name());
    html! {
        <div class={classes!("shell", page_class, embed.then_some("embed"), present.then_some("present"))}
            data-testid="app">
            if !embed && !present {
                <Header active={props.page} />
            }
            <NoticeList notices={props.notices.clone()} on_dismiss={props.on_dismiss.clone()} />
            <div class="workspace">
                if !embed {
                    { props.controls.clone() }
                }
                <main class="main">
                    if embed && props.embed_bar {
                        <EmbedBar playing={props.playing} on_action={props.on_bar.clone()}
                            buttons={props.embed_buttons.clone()}
                            full_href={full_app_query(&props.full_query.clone().unwrap_or_else(current_query))} />
                    }
                    { props.children.clone() }
                </main>
            </div>
            if !embed && !present {
                <Footer />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct EmbedBarProps {
    pub playing: bool,
    /// Play/pause, step or reset, as their keys would ask.
    pub on_action: Callback<Shortcut>,
    /// The page's own buttons in place of play, step and reset.
    #[prop_or_default]
    pub buttons: Option<Html>,
    /// The link to the same demonstration with every control (`?…`).
    pub full_href: String,
}

/// An embedded page's one row of controls: a touch reader can pause an autoplaying
/// frame, and open the whole app in a new tab.
#[component]
pub fn EmbedBar(props: &EmbedBarProps) -> Html {
    let emit = &props.on_action;
    let href = if props.full_href.is_empty() {
        "?".to_string()
    } else {
        props.full_href.clone()
    };
    html! {
        <div class="embed-bar" role="toolbar" aria-label="Controls" data-testid="embed-bar">
            if let Some(buttons) = props.buttons.clone() {
                { buttons }
            } else {
                <play::PlayButton playing={props.playing}
                    onclick={emit.reform(|_| Shortcut::TogglePlay)} />
                <button data-testid="step" title="One step (s)"
                    onclick={emit.reform(|_| Shortcut::Step)}>{"Step"}</button>
                <button data-testid="reset" title="Start again (r)"
                    onclick={emit.reform(|_| Shortcut::Reset)}>{"Reset"}</button>
            }
            <a class="open-full" data-testid="open-full" {href} target="_blank" rel="noopener"
                title="This page in full, in a new tab, with these settings: its controls, and its \
                       Export panel (the files, and the command that reproduces the run)">
                {"Open in full ↗"}
            </a>
        </div>
    }
}

/// The query of the same page without `embed`: every other key, in its order.
pub fn full_app_query(query: &str) -> String {
    let kept: Vec<&str> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| {
            let key = pair.split('=').next().unwrap_or_default();
            !pair.is_empty() && !key.eq_ignore_ascii_case("embed")
        })
        .collect();
    if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    }
}

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    /// The page shown, marked `aria-current` in the navigation.
    pub active: PageKind,
}

#[component]
pub fn Header(props: &HeaderProps) -> Html {
    let link = |page: PageKind| {
        let current = (page == props.active).then_some("page");
        let testid = format!("nav-{}", page.name());
        html! {
            <a href={page.href()} aria-current={current} data-testid={testid}>{page.label()}</a>
        }
    };
    html! {
        <header class="header">
            <h1 class="brand">{"bioprop"}</h1>
            <p class="tagline">{"Backprop and its biologically plausible rivals, trained live in your browser."}</p>
            <nav class="nav" aria-label="Pages">
                { for PageKind::ALL.into_iter().map(link) }
            </nav>
        </header>
    }
}

#[component]
pub fn Footer() -> Html {
    html! {
        <footer class="footer">
            <span data-testid="version">{format!("bioprop {}", env!("CARGO_PKG_VERSION"))}</span>
            {" · "}
            <a href={SOURCE_ARCHIVE} data-testid="source-link">{"source"}</a>
            {" · "}
            <span>{"MIT or Apache-2.0"}</span>
            {" · keys: space play/pause, s step, r reset, p presentation (learning rules), t target (microcircuit); exercise: n new problem, h hint, s next factor; lecture: → or PageDown next, ← or PageUp previous"}
        </footer>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reduce(notices: &[&str], action: NoticeAction) -> Vec<String> {
        let notices = Rc::new(Notices(notices.iter().map(|n| n.to_string()).collect()));
        notices.reduce(action).0.clone()
    }

    #[test]
    fn the_full_app_link_is_the_same_query_without_embed() {
        assert_eq!(
            full_app_query("?task=xor&embed=1&views=alignment&v=1"),
            "?task=xor&views=alignment&v=1"
        );
        assert_eq!(
            full_app_query("?page=cerebellum&embed&freq=2"),
            "?page=cerebellum&freq=2"
        );
        assert_eq!(full_app_query("?embed=1"), "");
        assert_eq!(full_app_query(""), "");
    }

    #[test]
    fn a_notice_is_removed_when_its_cause_is_gone_and_the_others_stay() {
        let url = "colour: unknown key; ignored";
        let diverged = "diverged at t = 3 s. Paused.";
        assert_eq!(
            reduce(&[url, diverged], NoticeAction::Remove(diverged.into())),
            vec![url]
        );
        assert_eq!(
            reduce(&[url], NoticeAction::Remove(diverged.into())),
            vec![url]
        );
        assert_eq!(
            reduce(&[url], NoticeAction::Push(url.into())),
            vec![url],
            "no duplicates"
        );
    }
}
