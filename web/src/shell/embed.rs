//! The embedding API's shell (README, "Embedding API"): the `message` listener and
//! `postMessage`, around the pure [`super::messages`].
//!
//! ```text
//! host ─▶ postMessage ─▶ window "message" ─▶ from the parent, an allowed origin?
//!        ─▶ messages::read ─▶ Request ─▶ the page's keyboard map (play, pause, step,
//!           reset) or its settings (set, tour-step: read by its URL reader)
//!        ─▶ Refused ─▶ bioprop:error to the sender; nothing changes
//! page ─▶ ready (once listening), metrics (≤ 4/s), notices, divergence, the page's
//!        events (tour step, answers) ─▶ parent.postMessage(message, origin or "*")
//! ```
//!
//! The app listens only when it is in a frame (`window.parent` is another window), and
//! only to its parent; when it is opened on its own (or by `window.open`) it neither
//! listens nor posts. Without `origins=` any parent may control it and messages are
//! posted to `*`; with it, only the origins listed, and messages are posted to them.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::EventListener;
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, Window};
use yew::prelude::*;

use super::keys::Shortcut;
use super::messages::{self, Incoming, Origins, Refusal, Request};
use super::route::PageKind;
use super::throttle::use_throttled;
use super::{current_query, NoticeAction, Notices, UrlSettings};

/// A page that plays: whether it plays now, and its keyboard map as a callback (the
/// embed bar's `on_bar`), which play, pause, step and reset go through.
#[derive(Clone)]
pub struct Player {
    pub playing: bool,
    pub on_bar: Callback<Shortcut>,
}

/// Where the app posts: its parent window, to the allowed origins. Cheap to clone.
#[derive(Clone)]
pub struct Outbox {
    parent: Option<Window>,
    origins: Rc<Origins>,
}

impl Outbox {
    /// Posts `message` to the parent, if the app is in a frame.
    pub fn post(&self, message: &Value) {
        for target in self.origins.targets() {
            self.post_to(message, target);
        }
    }

    fn post_to(&self, message: &Value, target: &str) {
        let Some(parent) = &self.parent else {
            return;
        };
        // Plain data: a structured clone of the parsed JSON, never code.
        if let Ok(data) = js_sys::JSON::parse(&message.to_string()) {
            let _ = parent.post_message(&data, target);
        }
    }
}

/// The window embedding this one, if any.
fn parent_window() -> Option<Window> {
    let window = gloo::utils::window();
    let parent = window.parent().ok().flatten()?;
    (JsValue::from(parent.clone()) != JsValue::from(window)).then_some(parent)
}

/// What a page hands [`use_embed_api`] on each render.
pub struct Embedding<S> {
    pub page: PageKind,
    /// The settings now.
    pub settings: S,
    /// Applies settings a host set (the same path as the page's controls).
    pub on_settings: Callback<S>,
    /// `None` for a page with nothing to play (the exercise, the tour).
    pub player: Option<Player>,
    /// Counts the frames received; the metrics are read when it changes, at most every
    /// [`messages::METRICS_INTERVAL_MS`].
    pub frames: u64,
    /// The latest frame's readouts (an object), if there is a frame.
    pub metrics: Rc<dyn Fn() -> Option<Value>>,
    /// The divergence shown now, if any.
    pub diverged: Option<String>,
    /// The page's own fields of `bioprop:ready` (the tour's steps), if any.
    pub ready: Option<Value>,
}

/// Applies URL pairs to the page's settings, or says why it cannot.
type SetFn = Rc<dyn Fn(&[(String, Option<String>)]) -> Result<(), String>>;

/// What the listener reads: the newest of the page's state.
struct Latest {
    set: SetFn,
    player: Option<Player>,
}

/// Installs the listener, announces `bioprop:ready`, and posts metrics, notices and
/// divergences as they come; returns the outbox for the page's own events.
///
/// Only this wrapper knows the page's settings type: the rest is one copy for every
/// page (the wasm stays smaller).
#[hook]
pub fn use_embed_api<S: UrlSettings>(
    embedding: Embedding<S>,
    notices: &UseReducerHandle<Notices>,
) -> Outbox {
    let Embedding {
        page,
        settings,
        on_settings,
        player,
        frames,
        metrics,
        diverged,
        ready,
    } = embedding;
    let opened = use_memo((), |_| settings.to_query());
    let current = use_mut_ref(|| settings.clone());
    *current.borrow_mut() = settings;
    let set: SetFn = Rc::new(move |pairs| {
        let next = messages::apply_set(&*current.borrow(), pairs)?;
        if next != *current.borrow() {
            // A second message before the page redraws builds on this one.
            *current.borrow_mut() = next.clone();
            on_settings.emit(next);
        }
        Ok(())
    });
    use_embed(
        Shared {
            page,
            query: (*opened).clone(),
            set,
            player,
            frames,
            metrics,
            diverged,
            ready,
        },
        notices,
    )
}

/// [`Embedding`] with the settings behind a closure.
struct Shared {
    page: PageKind,
    /// The settings the page opened with, as a query (for `bioprop:ready`).
    query: String,
    set: SetFn,
    player: Option<Player>,
    frames: u64,
    metrics: Rc<dyn Fn() -> Option<Value>>,
    diverged: Option<String>,
    ready: Option<Value>,
}

#[hook]
fn use_embed(shared: Shared, notices: &UseReducerHandle<Notices>) -> Outbox {
    let Shared {
        page,
        query,
        set,
        player,
        frames,
        metrics,
        diverged,
        ready,
    } = shared;
    let (outbox, origins_notice) = (*use_memo((), |_| {
        let (origins, notice) = Origins::from_query(&current_query());
        (
            Outbox {
                parent: parent_window(),
                origins: Rc::new(origins),
            },
            notice,
        )
    }))
    .clone();
    let latest = use_mut_ref(|| Latest {
        set: set.clone(),
        player: player.clone(),
    });
    *latest.borrow_mut() = Latest { set, player };
    {
        let outbox = outbox.clone();
        let latest = latest.clone();
        let notices = notices.dispatcher();
        use_effect_with((), move |_| {
            if let Some(notice) = origins_notice {
                notices.dispatch(NoticeAction::Push(notice.to_string()));
            }
            let listener = outbox.parent.clone().map(|parent| {
                let outbox = outbox.clone();
                let latest = latest.clone();
                EventListener::new(&gloo::utils::window(), "message", move |event| {
                    if let Some(event) = event.dyn_ref::<MessageEvent>() {
                        receive(event, &parent, &outbox, page, &latest);
                    }
                })
            });
            let mut message = messages::ready(page.name(), env!("CARGO_PKG_VERSION"), &query);
            if let (Some(Value::Object(own)), Value::Object(all)) = (ready, &mut message) {
                for (key, value) in own {
                    all.entry(key).or_insert(value);
                }
            }
            outbox.post(&message);
            move || drop(listener)
        });
    }
    {
        let outbox = outbox.clone();
        let sent = use_mut_ref(Vec::<String>::new);
        use_effect_with(notices.0.clone(), move |now| {
            for text in messages::new_notices(&sent.borrow(), now) {
                outbox.post(&messages::notice(text));
            }
            *sent.borrow_mut() = now.clone();
        });
    }
    {
        let outbox = outbox.clone();
        use_effect_with(diverged, move |diverged| {
            if let Some(message) = diverged {
                outbox.post(&messages::diverged(message));
            }
        });
    }
    let embedded = outbox.parent.is_some();
    let due = use_throttled(
        if embedded { frames } else { 0 },
        messages::METRICS_INTERVAL_MS,
    );
    {
        let outbox = outbox.clone();
        use_effect_with(due, move |&due| {
            if due > 0 {
                if let Some(fields) = metrics() {
                    outbox.post(&messages::metrics(page.name(), fields));
                }
            }
        });
    }
    outbox
}

/// A message's data as JSON, read field by field (never run): `None` for what JSON
/// cannot hold (functions, symbols, big integers) or nesting deeper than 64.
fn to_json(value: &JsValue, depth: u32) -> Option<Value> {
    if depth > 64 {
        return None;
    }
    if value.is_null() || value.is_undefined() {
        return Some(Value::Null);
    }
    if let Some(on) = value.as_bool() {
        return Some(Value::Bool(on));
    }
    if let Some(number) = value.as_f64() {
        return Some(messages::number(number));
    }
    if let Some(text) = value.as_string() {
        return Some(Value::String(text));
    }
    if js_sys::Array::is_array(value) {
        let list: &js_sys::Array = value.unchecked_ref();
        return list
            .iter()
            .map(|item| to_json(&item, depth + 1))
            .collect::<Option<Vec<_>>>()
            .map(Value::Array);
    }
    if value.is_object() && !value.is_function() {
        let object: &js_sys::Object = value.unchecked_ref();
        let mut map = serde_json::Map::new();
        for key in js_sys::Object::keys(object).iter() {
            let name = key.as_string()?;
            let field = js_sys::Reflect::get(object, &key).ok()?;
            map.insert(name, to_json(&field, depth + 1)?);
        }
        return Some(Value::Object(map));
    }
    None
}

/// One message from the window's `message` event.
fn receive(
    event: &MessageEvent,
    parent: &Window,
    outbox: &Outbox,
    page: PageKind,
    latest: &Rc<RefCell<Latest>>,
) {
    let from_parent = event
        .source()
        .is_some_and(|source| JsValue::from(source) == JsValue::from(parent.clone()));
    let origin = event.origin();
    if !from_parent || !outbox.origins.allows(&origin) {
        return;
    }
    let Some(data) = to_json(&event.data(), 0) else {
        return;
    };
    let refusal = match messages::read(&data) {
        Incoming::Ignored => return,
        Incoming::Refused(refusal) => refusal,
        Incoming::Request(request) => {
            let about = data.get("type").and_then(Value::as_str);
            match obey(request, page, latest) {
                Ok(()) => return,
                Err(message) => Refusal::new(about, message),
            }
        }
    };
    let target = if origin.is_empty() || origin == "null" {
        "*"
    } else {
        origin.as_str()
    };
    outbox.post_to(&refusal.to_json(), target);
}

/// Does what the host asked, or says why it cannot.
fn obey(request: Request, page: PageKind, latest: &Rc<RefCell<Latest>>) -> Result<(), String> {
    let set = latest.borrow().set.clone();
    match request {
        Request::Set(pairs) => set(&pairs),
        Request::TourStep(id) if page == PageKind::Tour => set(&[("step".into(), Some(id))]),
        Request::TourStep(_) => Err(format!(
            "the {} page has no tour steps (the lecture tour is page=tour)",
            page.name()
        )),
        Request::Play | Request::Pause | Request::Step | Request::Reset => {
            let Some(player) = latest.borrow().player.clone() else {
                return Err(format!("the {} page has nothing to play", page.name()));
            };
            let shortcut = match request {
                Request::Play if !player.playing => Some(Shortcut::TogglePlay),
                Request::Pause if player.playing => Some(Shortcut::TogglePlay),
                Request::Step => Some(Shortcut::Step),
                Request::Reset => Some(Shortcut::Reset),
                _ => None,
            };
            if let Some(shortcut) = shortcut {
                if shortcut == Shortcut::TogglePlay {
                    // Until the next frame says so: a second play must not pause.
                    if let Some(player) = &mut latest.borrow_mut().player {
                        player.playing = !player.playing;
                    }
                }
                player.on_bar.emit(shortcut);
            }
            Ok(())
        }
    }
}
