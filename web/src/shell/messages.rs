//! The embedding API's messages (README, "Embedding API"): what a page embedding the
//! app in an `<iframe>` may ask of it with `postMessage`, what the app tells it, and
//! which origins may ask. Pure: plain JSON values in and out, no `web_sys`, tested
//! natively (`web/tests/messages.rs`, `web/tests/message_properties.rs`);
//! [`super::embed`] is the thin shell that listens and posts.
//!
//! Every message is a plain object whose `type` starts with [`PREFIX`]. From the host:
//!
//! | `type` | fields | what the app does |
//! |---|---|---|
//! | `bioprop:play`, `bioprop:pause` | — | plays or pauses (nothing if it already does) |
//! | `bioprop:step` | — | one step, as the `s` key |
//! | `bioprop:reset` | — | starts again, as the `r` key |
//! | `bioprop:set` | `settings`: URL keys → values | changes the settings as editing the URL would |
//! | `bioprop:tour-step` | `step`: a step's id | the lecture tour goes to that step |
//!
//! A value in `settings` is a string, a number (written as JSON writes it), `true` or
//! `false` (`1`/`0`), or `null` (the key's default). The settings are read by the page's
//! own URL reader with the current settings, so a bad value is refused with the notice
//! the URL would give, and the settings stay as they were.
//!
//! From the app: `bioprop:ready`, `bioprop:metrics`, `bioprop:notice`,
//! `bioprop:diverged`, `bioprop:tour-step`, `bioprop:exercise-answer`,
//! `bioprop:quiz-answer`, and `bioprop:error` in answer to a bad message.
//!
//! A message without the prefix, or that is not an object, is not the app's business
//! and is ignored silently (a course page's other scripts post their own). A message
//! of a type the app only sends (`bioprop:ready`, …, `bioprop:error`) is ignored too,
//! so a host that echoes what it receives cannot start an endless exchange of errors.
//! Every other bioprop message that cannot be obeyed gets exactly one `bioprop:error`
//! naming the problem, and changes nothing. Nothing in a message is ever run as code:
//! it is read as data, field by field.

use serde_json::{json, Map, Value};

use super::query::{self, Notice};
use super::UrlSettings;

/// What every message's `type` starts with.
pub const PREFIX: &str = "bioprop:";

/// The version of this message format, in `bioprop:ready`.
pub const API_VERSION: u32 = 1;

/// The URL key that restricts who may control the app: a comma-separated list of
/// origins (`origins=https://course.example.org,https://lms.example.edu`).
pub const ORIGINS_KEY: &str = "origins";

/// The shell's URL keys, which `bioprop:set` may not change: the page is the frame's
/// address, the version the link's, and the origins the host's `src`.
pub const SHELL_KEYS: [&str; 3] = ["page", query::VERSION_KEY, ORIGINS_KEY];

/// How often `bioprop:metrics` may be sent: at most 4 a second.
pub const METRICS_INTERVAL_MS: f64 = 250.0;

/// The types the host sends.
pub mod host {
    pub const PLAY: &str = "bioprop:play";
    pub const PAUSE: &str = "bioprop:pause";
    pub const STEP: &str = "bioprop:step";
    pub const RESET: &str = "bioprop:reset";
    pub const SET: &str = "bioprop:set";
    pub const TOUR_STEP: &str = "bioprop:tour-step";
    pub const ALL: [&str; 6] = [PLAY, PAUSE, STEP, RESET, SET, TOUR_STEP];
}

/// The types the app sends (`bioprop:tour-step` goes both ways).
pub mod app {
    pub const READY: &str = "bioprop:ready";
    pub const METRICS: &str = "bioprop:metrics";
    pub const NOTICE: &str = "bioprop:notice";
    pub const DIVERGED: &str = "bioprop:diverged";
    pub const TOUR_STEP: &str = "bioprop:tour-step";
    pub const EXERCISE_ANSWER: &str = "bioprop:exercise-answer";
    pub const QUIZ_ANSWER: &str = "bioprop:quiz-answer";
    pub const ERROR: &str = "bioprop:error";
    /// The ones the app ignores when they arrive (see the module docs).
    pub const SENT_ONLY: [&str; 7] = [
        READY,
        METRICS,
        NOTICE,
        DIVERGED,
        EXERCISE_ANSWER,
        QUIZ_ANSWER,
        ERROR,
    ];
}

/// What the host asks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    Play,
    Pause,
    Step,
    Reset,
    /// URL keys and their values as URL text; `None` for the key's default.
    Set(Vec<(String, Option<String>)>),
    /// A tour step's id, as the URL's `step` takes it.
    TourStep(String),
}

impl Request {
    /// The message a host posts for this request (the form [`read`] reads back).
    pub fn to_json(&self) -> Value {
        match self {
            Request::Play => json!({ "type": host::PLAY }),
            Request::Pause => json!({ "type": host::PAUSE }),
            Request::Step => json!({ "type": host::STEP }),
            Request::Reset => json!({ "type": host::RESET }),
            Request::Set(pairs) => {
                let settings: Map<String, Value> = pairs
                    .iter()
                    .map(|(key, value)| {
                        (
                            key.clone(),
                            value.clone().map_or(Value::Null, Value::String),
                        )
                    })
                    .collect();
                json!({ "type": host::SET, "settings": settings })
            }
            Request::TourStep(id) => json!({ "type": host::TOUR_STEP, "step": id }),
        }
    }
}

/// A bioprop message that cannot be obeyed, and why: the `bioprop:error` it gets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The `type` of the refused message, when it had one.
    pub about: Option<String>,
    pub message: String,
}

impl Refusal {
    pub fn new(about: Option<&str>, message: impl Into<String>) -> Self {
        Refusal {
            about: about.map(str::to_owned),
            message: message.into(),
        }
    }

    /// `{ type: "bioprop:error", about, message }`.
    pub fn to_json(&self) -> Value {
        json!({ "type": app::ERROR, "about": self.about, "message": self.message })
    }
}

/// What a received message is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Incoming {
    /// Not for the app (no `bioprop:` type), or one the app only sends: ignored.
    Ignored,
    Request(Request),
    Refused(Refusal),
}

/// Reads a received message's data, as JSON.
pub fn read(data: &Value) -> Incoming {
    let Some(object) = data.as_object() else {
        return Incoming::Ignored;
    };
    let Some(kind) = object.get("type").and_then(Value::as_str) else {
        return Incoming::Ignored;
    };
    if !kind.starts_with(PREFIX) || app::SENT_ONLY.contains(&kind) {
        return Incoming::Ignored;
    }
    let refuse = |message: String| Incoming::Refused(Refusal::new(Some(kind), message));
    let request = match kind {
        host::PLAY => Request::Play,
        host::PAUSE => Request::Pause,
        host::STEP => Request::Step,
        host::RESET => Request::Reset,
        host::SET => match read_settings(object.get("settings")) {
            Ok(pairs) => Request::Set(pairs),
            Err(message) => return refuse(message),
        },
        host::TOUR_STEP => match object.get("step") {
            Some(Value::String(id)) => Request::TourStep(id.clone()),
            Some(other) => {
                return refuse(format!(
                    "step: {} (allowed: a step's id, a string such as \"backprop\")",
                    describe(other)
                ))
            }
            None => return refuse("step: missing (allowed: a step's id)".into()),
        },
        _ => {
            return refuse(format!(
                "unknown message type '{}' (allowed: {})",
                query::shown(kind),
                host::ALL.join(", ")
            ))
        }
    };
    Incoming::Request(request)
}

/// `settings` of `bioprop:set` as URL pairs, or what is wrong with it (every problem,
/// in one message).
fn read_settings(settings: Option<&Value>) -> Result<Vec<(String, Option<String>)>, String> {
    let settings = match settings {
        Some(Value::Object(settings)) => settings,
        Some(other) => {
            return Err(format!(
                "settings: {} (allowed: an object of URL keys and values)",
                describe(other)
            ))
        }
        None => return Err("settings: missing (allowed: an object of URL keys and values)".into()),
    };
    if settings.is_empty() {
        return Err("settings: names no key (allowed: an object of URL keys and values)".into());
    }
    let mut pairs = Vec::with_capacity(settings.len());
    let mut problems = Vec::new();
    for (key, value) in settings {
        let name = query::shown(key);
        if SHELL_KEYS.contains(&key.trim().to_ascii_lowercase().as_str()) {
            problems.push(format!(
                "{name}: not a setting a message can change (the page, the link's version \
                 and the allowed origins are the frame's address's)"
            ));
            continue;
        }
        let text = match value {
            Value::String(text) => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            Value::Bool(on) => Some(if *on { "1" } else { "0" }.to_owned()),
            Value::Null => None,
            Value::Array(_) | Value::Object(_) => {
                problems.push(format!(
                    "{name}: {} (allowed: a string, a number, true, false or null)",
                    describe(value)
                ));
                continue;
            }
        };
        pairs.push((key.clone(), text));
    }
    if problems.is_empty() {
        Ok(pairs)
    } else {
        Err(problems.join("; "))
    }
}

/// A JavaScript number as JSON writes it: a whole number without a fraction (`4`, not
/// `4.0`, so `{ seed: 4 }` reads as the URL's `seed=4`), NaN and the infinities as
/// `null` (as `JSON.stringify` does).
pub fn number(value: f64) -> Value {
    // Whole numbers a double holds exactly (|x| ≤ 2⁵³).
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if value.fract() == 0.0 && value.abs() <= EXACT {
        return Value::from(value as i64);
    }
    serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number)
}

/// A JSON value's kind, for a message saying it was not wanted.
fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The settings `current` becomes with `pairs` set, read by the page's URL reader
/// exactly as a link would be (the keys not named keep their values), or the notices
/// that reader gave, joined: then nothing changes.
pub fn apply_set<S: UrlSettings>(
    current: &S,
    pairs: &[(String, Option<String>)],
) -> Result<S, String> {
    let named = |key: &str| {
        let key = key.trim().to_ascii_lowercase();
        pairs
            .iter()
            .any(|(name, _)| name.trim().to_ascii_lowercase() == key)
    };
    let mut parts: Vec<String> = query::split_query(&current.to_query())
        .into_iter()
        .filter(|(key, _)| !named(key))
        .map(|(key, value)| pair(&key, value.as_deref()))
        .collect();
    parts.extend(
        pairs
            .iter()
            .filter_map(|(key, value)| value.as_deref().map(|v| pair(key, Some(v)))),
    );
    let (next, notices) = S::from_query(&format!("?{}", parts.join("&")));
    if notices.is_empty() {
        Ok(next)
    } else {
        Err(join_notices(&notices))
    }
}

fn join_notices(notices: &[Notice]) -> String {
    notices
        .iter()
        .map(Notice::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

fn pair(key: &str, value: Option<&str>) -> String {
    match value {
        Some(value) => format!("{}={}", encode(key), encode(value)),
        None => encode(key),
    }
}

/// Percent-encodes a query component: everything but ASCII letters, digits and
/// `-_.~,:` (which the pages' values use and [`query::decode`] reads as written).
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~,:".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A query as an object of its keys and values (a bare key's value is `""`).
pub fn settings_object(query_text: &str) -> Value {
    let mut object = Map::new();
    for (key, value) in query::split_query(query_text) {
        object.insert(key, Value::String(value.unwrap_or_default()));
    }
    Value::Object(object)
}

/// `bioprop:ready`: the page, the app's version, this API's version, and the current
/// settings as URL keys (the keys not listed are at their defaults) and as a query.
pub fn ready(page: &str, version: &str, settings_query: &str) -> Value {
    json!({
        "type": app::READY,
        "page": page,
        "version": version,
        "api": API_VERSION,
        "settings": settings_object(settings_query),
        "query": settings_query,
    })
}

/// `bioprop:metrics`: the page and its latest frame's readouts (`fields`, an object).
pub fn metrics(page: &str, fields: Value) -> Value {
    let mut object = Map::new();
    object.insert("type".into(), app::METRICS.into());
    object.insert("page".into(), page.into());
    if let Value::Object(fields) = fields {
        for (key, value) in fields {
            if key != "type" && key != "page" {
                object.insert(key, value);
            }
        }
    }
    Value::Object(object)
}

/// `bioprop:notice`: a notice as the page shows it.
pub fn notice(text: &str) -> Value {
    json!({ "type": app::NOTICE, "text": text })
}

/// `bioprop:diverged`: what diverged, as the page says it.
pub fn diverged(message: &str) -> Value {
    json!({ "type": app::DIVERGED, "message": message })
}

/// `bioprop:tour-step`: the step shown (its id, its index from 0, and how many there are).
pub fn tour_step(id: &str, index: usize, count: usize) -> Value {
    json!({ "type": app::TOUR_STEP, "step": id, "index": index, "count": count })
}

/// `bioprop:quiz-answer`: a concept-check answer, the first per question.
pub fn quiz_answer(
    step: &str,
    question: usize,
    choice: usize,
    answer: &str,
    correct: bool,
) -> Value {
    json!({
        "type": app::QUIZ_ANSWER,
        "step": step,
        "question": question,
        "choice": choice,
        "answer": answer,
        "correct": correct,
    })
}

/// An answer checked on the gradient exercise.
#[derive(Clone, Debug, PartialEq)]
pub struct ExerciseAnswer<'a> {
    pub seed: u64,
    /// The question's URL name (`q`).
    pub question: &'a str,
    /// What was asked (`∂E/∂W¹₁₁`).
    pub asked: &'a str,
    /// The text as typed.
    pub answer: &'a str,
    /// The number read from it.
    pub value: f32,
    /// The exact value.
    pub exact: f32,
    pub correct: bool,
}

/// `bioprop:exercise-answer`.
pub fn exercise_answer(answer: &ExerciseAnswer) -> Value {
    json!({
        "type": app::EXERCISE_ANSWER,
        "seed": answer.seed,
        "question": answer.question,
        "asked": answer.asked,
        "answer": answer.answer,
        "value": answer.value,
        "exact": answer.exact,
        "correct": answer.correct,
    })
}

/// Who may control the app, from the iframe's `origins=` key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origins {
    /// No `origins` key: the parent window, whatever its origin.
    Any,
    /// Only these origins (normalised: lower case, no default port). Empty when the
    /// key named no valid origin: then no one may.
    Only(Vec<String>),
}

impl Origins {
    /// Reads `origins` from the frame's query. Invalid entries are dropped with one
    /// notice naming them; a key that names no valid origin allows none, since a host
    /// that meant to restrict the app must not get an open one by a typo.
    pub fn from_query(query_text: &str) -> (Origins, Option<Notice>) {
        let values: Vec<String> = query::split_query(query_text)
            .into_iter()
            .filter(|(key, _)| key.trim().eq_ignore_ascii_case(ORIGINS_KEY))
            .map(|(_, value)| value.unwrap_or_default())
            .collect();
        if values.is_empty() {
            return (Origins::Any, None);
        }
        let mut allowed = Vec::new();
        let mut bad = Vec::new();
        for entry in values.iter().flat_map(|v| v.split(',')) {
            let entry = entry.trim();
            if entry.is_empty() {
                continue;
            }
            match normalise_origin(entry) {
                Some(origin) if !allowed.contains(&origin) => allowed.push(origin),
                Some(_) => {}
                None => bad.push(format!("'{}'", query::shown(entry))),
            }
        }
        let notice = (!bad.is_empty() || allowed.is_empty()).then(|| {
            let what = if bad.is_empty() {
                "no origin given".to_owned()
            } else {
                format!("{} not an origin", bad.join(", "))
            };
            let instead = if allowed.is_empty() {
                "no page may control this one".to_owned()
            } else {
                format!("allowing {}", allowed.join(", "))
            };
            Notice::new(
                ORIGINS_KEY,
                format!(
                    "{what} (allowed: comma-separated origins such as \
                     https://course.example.org); {instead}"
                ),
            )
        });
        (Origins::Only(allowed), notice)
    }

    /// Whether a message from `origin` (as `MessageEvent.origin` gives it) may control
    /// the app.
    pub fn allows(&self, origin: &str) -> bool {
        match self {
            Origins::Any => true,
            Origins::Only(list) => list.iter().any(|o| o == origin),
        }
    }

    /// The target origins of an outgoing message: `*` when any may listen, otherwise
    /// each allowed origin (the browser delivers it only where the parent's origin
    /// matches), none when none is allowed.
    pub fn targets(&self) -> Vec<&str> {
        match self {
            Origins::Any => vec!["*"],
            Origins::Only(list) => list.iter().map(String::as_str).collect(),
        }
    }
}

/// `scheme://host[:port]` in the form browsers give `MessageEvent.origin` (lower case,
/// no default port), or `None` when `text` is not one. A trailing `/` is forgiven.
pub fn normalise_origin(text: &str) -> Option<String> {
    let text = text.strip_suffix('/').unwrap_or(text);
    let (scheme, rest) = text.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => "80",
        "https" => "443",
        _ => return None,
    };
    let (host, port) = if let Some(bracketed) = rest.strip_prefix('[') {
        // An IPv6 address: [::1] or [::1]:8080.
        let (address, after) = bracketed.split_once(']')?;
        if address.is_empty() || !address.chars().all(|c| c.is_ascii_hexdigit() || c == ':') {
            return None;
        }
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        (format!("[{}]", address.to_ascii_lowercase()), port)
    } else {
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (rest, None),
        };
        let label_ok = |label: &str| {
            !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        if host.is_empty() || !host.split('.').all(label_ok) {
            return None;
        }
        (host.to_ascii_lowercase(), port)
    };
    match port {
        None => Some(format!("{scheme}://{host}")),
        Some(port) => {
            if port.is_empty() || port.len() > 5 || !port.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let number: u32 = port.parse().ok()?;
            if number > 65_535 {
                return None;
            }
            let port = number.to_string();
            if port == default_port {
                Some(format!("{scheme}://{host}"))
            } else {
                Some(format!("{scheme}://{host}:{port}"))
            }
        }
    }
}

/// Notices not yet announced: those in `now` that were not in `before`.
pub fn new_notices<'a>(before: &[String], now: &'a [String]) -> Vec<&'a str> {
    now.iter()
        .filter(|n| !before.contains(n))
        .map(String::as_str)
        .collect()
}

/// `query` (the page's settings for the address bar) with the `origins` parameters of
/// `address` (the address now) kept as written, so a reload keeps the restriction.
pub fn keep_origins(query_text: &str, address: &str) -> String {
    let kept: Vec<&str> = address
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| {
            let key = pair.split('=').next().unwrap_or_default();
            query::decode(key).trim().eq_ignore_ascii_case(ORIGINS_KEY)
        })
        .collect();
    if kept.is_empty() {
        return query_text.to_owned();
    }
    let separator = if query_text.is_empty() { "?" } else { "&" };
    format!("{query_text}{separator}{}", kept.join("&"))
}
