//! Importing a configuration file into a page (the rules page, the cerebellum, the
//! microcircuit): the file picker ([`ImportConfig`]) and the checks every page's import
//! makes, pure and tested natively (`web/tests/config_import.rs`).
//!
//! ```text
//! picker ──size ≤ MAX_CONFIG_BYTES (check_size)──▶ text ──the page's worker──▶
//!   not this page's file? (check_page) ──core reads and validates it──▶ the link that
//!   gives its settings ──settings_of: the page's own link reader, any notice refuses──▶
//!   settings ──the page's configuration of them again──▶ must equal the file's, or the
//!   first field that differs is named (held_to)
//! ```
//!
//! A page holds an imported file to exactly the rules a link is held to, through its
//! own link reader, so a configuration the page exported comes back unchanged, and one
//! the page cannot set (a value with no control) is refused, not half applied.

use yew::prelude::*;

use crate::shell::UrlSettings;
use crate::widgets::field::take_chosen_files;

/// The largest file an import reads: a configuration is a few kilobytes; anything far
/// larger is not one, and is refused before it is read.
pub const MAX_CONFIG_BYTES: f64 = 1024.0 * 1024.0;

/// Refuses a file of `bytes` bytes that is too large to be a configuration.
///
/// # Errors
///
/// The file's size and the limit.
pub fn check_size(bytes: f64) -> Result<(), String> {
    if bytes <= MAX_CONFIG_BYTES {
        return Ok(());
    }
    Err(format!(
        "{:.1} MB is too large for a configuration (at most {:.0} MB; a configuration is a few kB)",
        bytes / MAX_CONFIG_BYTES,
        MAX_CONFIG_BYTES / (1024.0 * 1024.0)
    ))
}

/// The page a configuration file was written for, from its shape: the simulation pages
/// name their `model`; the rules page's file has an `experiment`. `None` when the text
/// is not a JSON object or says neither.
pub fn page_of(text: &str) -> Option<&'static str> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let file = value.as_object()?;
    match file.get("model").and_then(serde_json::Value::as_str) {
        Some(bioprop::cerebellum::export::MODEL) => Some("cerebellum"),
        Some(bioprop::microcircuit::export::MODEL) => Some("microcircuit"),
        _ if file.contains_key("experiment") => Some("rules"),
        _ => None,
    }
}

/// Refuses another page's configuration on page `this` (`rules`, `cerebellum`,
/// `microcircuit`), naming the page it belongs to.
///
/// # Errors
///
/// Which page's configuration the file is, and where to import it.
pub fn check_page(text: &str, this: &str) -> Result<(), String> {
    match page_of(text) {
        Some(page) if page != this => Err(format!(
            "this is a configuration of the {page} page, not of the {this} page; import it on \
             the {page} page (?page={page})"
        )),
        _ => Ok(()),
    }
}

/// The settings a link `query` gives, held to the page's link reader: any value it
/// would not use refuses the import, with the reader's message (an import uses no
/// replacement).
///
/// # Errors
///
/// The first notice the link reader gives, without what it would use instead.
pub fn settings_of<S: UrlSettings>(query: &str) -> Result<S, String> {
    let (settings, notices) = S::from_query(query);
    match notices.first() {
        None => Ok(settings),
        Some(notice) => {
            let message = notice.to_string();
            let end = message.rfind("; using ").unwrap_or(message.len());
            Err(message[..end].to_owned())
        }
    }
}

/// Where two compact JSON texts of the same type first differ: the field (the key
/// written last before that place) and each text's value there. Both are written by
/// one serializer from one type, so their keys come in the same order and the first
/// difference lies in a value.
pub fn first_difference(a: &str, b: &str) -> Option<(String, String, String)> {
    let at = a.bytes().zip(b.bytes()).position(|(x, y)| x != y)?;
    let start = a[..at].rfind([',', '{', '[', ':']).map_or(0, |i| i + 1);
    let key_end = a[..start].rfind("\":")?;
    let key_start = a[..key_end].rfind('"')? + 1;
    let value = |text: &str| -> String {
        let rest = &text[start..];
        let end = rest.find([',', '}', ']']).unwrap_or(rest.len());
        rest[..end].to_owned()
    };
    Some((a[key_start..key_end].to_owned(), value(a), value(b)))
}

/// Holds the page's configuration `page` (compact JSON) to the file's `file` (compact
/// JSON of the same type).
///
/// # Errors
///
/// The first field that differs: a value in the file the page cannot set.
pub fn held_to(file: &str, page: &str) -> Result<(), String> {
    if file == page {
        return Ok(());
    }
    Err(match first_difference(file, page) {
        Some((field, wanted, got)) => format!(
            "`{field}` is {wanted} in the file, which this page cannot set (it would run with \
             {got}); run it with `bioprop run --config`"
        ),
        None => "the file asks for a run this page cannot set up; run it with `bioprop run \
                 --config`"
            .to_owned(),
    })
}

/// What a refused import tells the user: the file, why, and that nothing changed.
pub fn refusal(name: &str, why: &str) -> String {
    format!("import {name}: {why}; the run on screen and its settings are unchanged")
}

#[derive(Properties, PartialEq)]
pub struct ImportConfigProps {
    /// A chosen file's name and text, to read.
    pub on_import: Callback<(String, String)>,
    /// A file refused before it is read (too large, unreadable).
    pub on_notice: Callback<String>,
}

/// "Import configuration": a file picker; the chosen file's text goes to `on_import`.
#[component]
pub fn ImportConfig(props: &ImportConfigProps) -> Html {
    let on_file = {
        let (on_import, notice) = (props.on_import.clone(), props.on_notice.clone());
        Callback::from(move |event: Event| {
            let Some(file) = take_chosen_files(&event).and_then(|files| files.into_iter().next())
            else {
                return;
            };
            let name = file.name();
            if let Err(why) = check_size(file.size()) {
                notice.emit(refusal(&name, &why));
                return;
            }
            let (on_import, notice) = (on_import.clone(), notice.clone());
            yew::platform::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
                match text.ok().and_then(|t| t.as_string()) {
                    Some(text) => on_import.emit((name, text)),
                    None => notice.emit(refusal(&name, "the file could not be read")),
                }
            });
        })
    };
    html! {
        <label class="import-config">
            {"Import configuration "}
            <input type="file" accept=".json,application/json"
                data-testid="import-config" onchange={on_file} />
        </label>
    }
}
