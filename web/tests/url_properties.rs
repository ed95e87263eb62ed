//! Every page's URL reader on arbitrary links (proptest): it never panics, the
//! settings it yields can always run, they survive a round trip through the link the
//! page writes, and a link that gives a notice names a key that really is in it.
#![cfg(not(target_arch = "wasm32"))]

use bioprop_web::pages::cerebellum::settings::CerebellumSettings;
use bioprop_web::pages::microcircuit::settings::MicrocircuitSettings;
use bioprop_web::pages::rules::settings::Settings;
use bioprop_web::pages::rules::worker::runs_config;
use bioprop_web::shell::query::Notice;
use bioprop_web::shell::UrlSettings;
use proptest::prelude::*;

#[path = "support/url_keys.rs"]
mod url_keys;
use url_keys::KEYS;

/// Values: plausible ones, edge cases and junk.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            "0",
            "1",
            "-1",
            "2",
            "1e9",
            "NaN",
            "inf",
            "-0",
            "0.3",
            "max",
            "xor",
            "linear-teacher",
            "nonlinear-teacher",
            "spirals",
            "digits",
            "autoencoder",
            "1-1-1",
            "2-3-1",
            "bp",
            "fa",
            "dfa",
            "kp",
            "usf",
            "frsf",
            "shallow",
            "delta",
            "bp,fa",
            "bp,bp",
            "bp,fa,dfa,kp,usf",
            "2-8-2",
            "30-20-10",
            "2-0-2",
            "784-100-10",
            "tanh",
            "relu",
            "full",
            "steady",
            "random",
            "vor",
            "forward-model",
            "alpha",
            "network,curves",
            "1-1",
            "9-9",
            "bp:0.08,fa:0.3",
            "fa:-1",
            // Composed runs (`docs/science.md` §1.5): possible, twins, refused, bad.
            "bp,custom:wt.no-fprime",
            "custom:b.learn.no-fprime",
            "fa,custom:b",
            "bp,custom:d.learn",
            "custom:none.no-fprime",
            "custom:",
            "custom:b.no-fprime:0.3",
            "bp,custom:sign-random.no-fprime,custom:d.no-fprime,kp",
            "%E2%82%AC",
            "%",
            "+",
            "a=b",
            "18446744073709551616",
        ])
        .prop_map(str::to_owned),
        "[ -~]{0,12}",
        any::<f32>().prop_map(|v| v.to_string()),
        any::<u64>().prop_map(|v| v.to_string()),
    ]
}

/// A query of up to eight `key=value` pairs (some keys repeated, some without `=`).
fn query() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (prop::sample::select(KEYS.to_vec()), value(), any::<bool>()),
        0..8,
    )
    .prop_map(|pairs| {
        let parts: Vec<String> = pairs
            .into_iter()
            .map(|(key, value, bare)| {
                let value = value.replace(['&', '#'], "");
                if bare {
                    key.to_owned()
                } else {
                    format!("{key}={value}")
                }
            })
            .collect();
        format!("?{}", parts.join("&"))
    })
}

/// Whether `notice` names a key that `query` holds (notices about unknown keys name
/// them together, so a notice's param may list several).
fn names_a_key_of(notice: &Notice, query: &str) -> bool {
    let keys: Vec<String> = query
        .trim_start_matches('?')
        .split('&')
        .map(|pair| pair.split('=').next().unwrap_or("").to_owned())
        .collect();
    keys.iter()
        .any(|k| !k.is_empty() && notice.param.contains(k.as_str()))
        || notice.param.is_empty()
}

fn check<S: UrlSettings + std::fmt::Debug>(
    query: &str,
    runs: impl Fn(&S) -> Result<(), String>,
) -> Result<(), TestCaseError> {
    let (settings, notices) = S::from_query(query);
    for notice in &notices {
        prop_assert!(
            names_a_key_of(notice, query),
            "{query}: notice {notice:?} names no key of the link"
        );
    }
    prop_assert!(
        runs(&settings).is_ok(),
        "{query}: {:?} cannot run: {:?}",
        settings,
        runs(&settings)
    );
    let written = settings.to_query();
    let (again, again_notices) = S::from_query(&written);
    prop_assert!(
        again_notices.is_empty(),
        "{query} → {written}: {again_notices:?}"
    );
    prop_assert_eq!(&again, &settings, "{} → {}", query, written);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn rules_page_links(query in query()) {
        check::<Settings>(&query, |s| runs_config(s).map(|_| ()).map_err(|e| e.to_string()))?;
    }

    #[test]
    fn microcircuit_page_links(query in query()) {
        check::<MicrocircuitSettings>(&query, |s| s.config().validate().map_err(|e| e.to_string()))?;
    }

    #[test]
    fn cerebellum_page_links(query in query()) {
        check::<CerebellumSettings>(&query, |s| s.config().validate().map_err(|e| e.to_string()))?;
    }

    #[test]
    fn any_text_at_all(text in "\\PC{0,60}") {
        let _ = Settings::from_query(&text);
        let _ = MicrocircuitSettings::from_query(&text);
        let _ = CerebellumSettings::from_query(&text);
    }
}

#[test]
fn one_bad_value_gives_exactly_one_notice_naming_it() {
    for (query, key) in [
        ("?lr=-1", "lr"),
        ("?task=nope", "task"),
        ("?layers=2-0-2&task=xor", "layers"),
        ("?speed=0", "speed"),
    ] {
        let (_, notices) = Settings::from_query(query);
        assert_eq!(notices.len(), 1, "{query}: {notices:?}");
        assert_eq!(notices[0].param, key, "{query}");
    }
    for (query, key) in [("?mode=fast", "mode"), ("?neuron=-2", "neuron")] {
        let (_, notices) = MicrocircuitSettings::from_query(query);
        assert_eq!(notices.len(), 1, "{query}: {notices:?}");
        assert_eq!(notices[0].param, key, "{query}");
    }
    for (query, key) in [("?freq=0", "freq"), ("?basis=square", "basis")] {
        let (_, notices) = CerebellumSettings::from_query(query);
        assert_eq!(notices.len(), 1, "{query}: {notices:?}");
        assert_eq!(notices[0].param, key, "{query}");
    }
}
