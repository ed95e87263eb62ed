//! The embedding API's validator on arbitrary messages (proptest): it never panics; a
//! message that is not a bioprop request is ignored, and every other bioprop message is
//! either obeyed or refused with one error that says why; valid requests round-trip
//! through their JSON; and a set of arbitrary settings on each page either gives
//! settings that survive the page's own link or is refused naming a key it was given.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use bioprop_web::pages::cerebellum::settings::CerebellumSettings;
use bioprop_web::pages::exercise::settings::ExerciseSettings;
use bioprop_web::pages::microcircuit::settings::MicrocircuitSettings;
use bioprop_web::pages::rules::settings::Settings;
use bioprop_web::pages::tour::settings::TourSettings;
use bioprop_web::shell::messages::{
    app, apply_set, host, read, Incoming, Request, PREFIX, SHELL_KEYS,
};
use bioprop_web::shell::UrlSettings;
use proptest::prelude::*;
use serde_json::{Map, Value};

#[path = "support/url_keys.rs"]
mod url_keys;
use url_keys::KEYS;

/// Any JSON value, nested a few levels.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        prop::sample::select(host::ALL.to_vec()).prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(field_name(), inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec!["type", "settings", "step", "source", "data"])
            .prop_map(str::to_owned),
        "[a-z]{1,6}",
    ]
}

/// A message type: the host's, the app's, a bioprop type the app does not know, or
/// anything.
fn message_type() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(host::ALL.to_vec()).prop_map(str::to_owned),
        prop::sample::select(app::SENT_ONLY.to_vec()).prop_map(str::to_owned),
        "[a-z-]{0,10}".prop_map(|t| format!("{PREFIX}{t}")),
        ".{0,16}",
    ]
}

/// An object with a type and arbitrary other fields.
fn message() -> impl Strategy<Value = Value> {
    (
        message_type(),
        prop::collection::btree_map(field_name(), json_value(), 0..4),
    )
        .prop_map(|(kind, fields)| {
            let mut object: Map<String, Value> = fields.into_iter().collect();
            object.insert("type".into(), Value::String(kind));
            Value::Object(object)
        })
}

fn setting_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(vec![
            "", "0", "1", "-1", "0.05", "1e9", "NaN", "xor", "spirals", "bp,fa", "max", "2-16-1",
            "backprop", "fa", "full", "x&y=z", "%zz", "+",
        ])
        .prop_map(Value::from),
        ".{0,10}".prop_map(Value::String),
        any::<f64>().prop_map(Value::from),
        any::<i32>().prop_map(Value::from),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
        Just(Value::Array(vec![])),
    ]
}

fn settings_object() -> impl Strategy<Value = BTreeMap<String, Value>> {
    let key = prop_oneof![
        4 => prop::sample::select(KEYS.to_vec()).prop_map(str::to_owned),
        1 => "[a-z]{1,8}",
    ];
    prop::collection::btree_map(key, setting_value(), 0..5)
}

/// Whether `data` is a message the app must answer: an object whose `type` is a
/// bioprop type that the app does not only send.
fn for_the_app(data: &Value) -> bool {
    data.get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| t.starts_with(PREFIX) && !app::SENT_ONLY.contains(&t))
}

/// A set of `settings` on a page at `current`: never panics; accepted settings are
/// the page's own (its link gives them back without a notice); a refusal names one of
/// the keys given (as the page's notice writes it).
fn check_set<S: UrlSettings + std::fmt::Debug>(
    current: &S,
    settings: &BTreeMap<String, Value>,
) -> Result<(), TestCaseError> {
    let message = serde_json::json!({ "type": "bioprop:set", "settings": settings });
    let pairs = match read(&message) {
        Incoming::Request(Request::Set(pairs)) => pairs,
        Incoming::Refused(refusal) => {
            prop_assert!(!refusal.message.is_empty());
            return Ok(());
        }
        Incoming::Ignored | Incoming::Request(_) => {
            return Err(TestCaseError::fail(format!("{message} not read as a set")))
        }
    };
    match apply_set(current, &pairs) {
        Ok(next) => {
            let (again, notices) = S::from_query(&next.to_query());
            prop_assert!(notices.is_empty(), "{:?}", notices);
            prop_assert_eq!(again, next);
        }
        Err(error) => {
            let lower = error.to_lowercase();
            let named = settings.keys().any(|key| {
                let key = key.trim().to_lowercase();
                !key.is_empty() && lower.contains(&key)
            });
            prop_assert!(named, "{} names none of {:?}", error, settings.keys());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn any_value_is_ignored_obeyed_or_refused_once(data in json_value()) {
        let outcome = read(&data);
        if !for_the_app(&data) {
            prop_assert_eq!(outcome, Incoming::Ignored);
        } else {
            prop_assert!(!matches!(outcome, Incoming::Ignored));
        }
    }

    #[test]
    fn any_message_is_ignored_obeyed_or_refused_once(data in message()) {
        match read(&data) {
            Incoming::Ignored => prop_assert!(!for_the_app(&data)),
            Incoming::Request(request) => {
                prop_assert!(for_the_app(&data));
                // Obeyed: the same request again from its own JSON.
                prop_assert_eq!(read(&request.to_json()), Incoming::Request(request));
            }
            Incoming::Refused(refusal) => {
                prop_assert!(for_the_app(&data));
                prop_assert!(!refusal.message.is_empty());
                let answer = refusal.to_json();
                prop_assert_eq!(answer["type"].as_str(), Some(app::ERROR));
                prop_assert_eq!(answer["about"].as_str(), data["type"].as_str());
            }
        }
    }

    #[test]
    fn valid_requests_round_trip(
        kind in 0usize..6,
        settings in prop::collection::btree_map("[a-u][a-z]{0,6}", proptest::option::of(".{0,8}"), 1..5),
        step in ".{0,12}",
    ) {
        let request = match kind {
            0 => Request::Play,
            1 => Request::Pause,
            2 => Request::Step,
            3 => Request::Reset,
            4 => Request::Set(
                settings
                    .into_iter()
                    .filter(|(k, _)| !SHELL_KEYS.contains(&k.as_str()))
                    .collect(),
            ),
            _ => Request::TourStep(step),
        };
        if request == Request::Set(vec![]) {
            return Ok(());
        }
        let json = request.to_json();
        let text = serde_json::to_string(&json).unwrap();
        let back: Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(read(&back), Incoming::Request(request));
    }

    #[test]
    fn settings_set_on_any_page_are_its_own_or_refused_naming_a_key(
        settings in settings_object(),
        page in 0usize..5,
    ) {
        match page {
            0 => check_set(&Settings::from_query("?task=xor&compare=bp,fa").0, &settings)?,
            1 => check_set(&CerebellumSettings::default(), &settings)?,
            2 => check_set(&MicrocircuitSettings::default(), &settings)?,
            3 => check_set(&ExerciseSettings::default(), &settings)?,
            _ => check_set(&TourSettings::default(), &settings)?,
        }
    }
}
