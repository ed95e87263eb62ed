//! The embedding API's messages (`shell::messages`), natively: each host message read,
//! each bad form refused once with a message naming what is wrong, settings set through
//! each page's own URL reader (the same notice text as a link), the origin list, and the
//! messages the app sends.
#![cfg(not(target_arch = "wasm32"))]

use bioprop_web::pages::cerebellum::settings::CerebellumSettings;
use bioprop_web::pages::exercise::settings::ExerciseSettings;
use bioprop_web::pages::microcircuit::settings::MicrocircuitSettings;
use bioprop_web::pages::rules::settings::Settings;
use bioprop_web::pages::tour::settings::TourSettings;
use bioprop_web::shell::messages::{
    self, apply_set, encode, keep_origins, normalise_origin, read, Incoming, Origins, Request,
};
use bioprop_web::shell::query::decode;
use bioprop_web::shell::UrlSettings;
use serde_json::{json, Value};

fn refused(message: Value) -> String {
    match read(&message) {
        Incoming::Refused(refusal) => {
            assert_eq!(
                refusal.about.as_deref(),
                message["type"].as_str(),
                "the error names the type it answers"
            );
            let answer = refusal.to_json();
            assert_eq!(answer["type"], "bioprop:error");
            assert_eq!(answer["message"], refusal.message.as_str());
            refusal.message
        }
        other => panic!("{message} was not refused: {other:?}"),
    }
}

fn pairs(list: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.map(str::to_owned)))
        .collect()
}

#[test]
fn each_host_message_is_read() {
    let cases = [
        (json!({"type": "bioprop:play"}), Request::Play),
        (json!({"type": "bioprop:pause"}), Request::Pause),
        (json!({"type": "bioprop:step"}), Request::Step),
        (
            json!({"type": "bioprop:reset", "why": "ignored"}),
            Request::Reset,
        ),
        (
            json!({"type": "bioprop:set", "settings": {"lr": "0.05", "batch": 16, "autoplay": true, "noderiv": false, "seed": null}}),
            Request::Set(pairs(&[
                ("autoplay", Some("1")),
                ("batch", Some("16")),
                ("lr", Some("0.05")),
                ("noderiv", Some("0")),
                ("seed", None),
            ])),
        ),
        (
            json!({"type": "bioprop:tour-step", "step": "backprop"}),
            Request::TourStep("backprop".into()),
        ),
    ];
    for (message, request) in cases {
        assert_eq!(
            read(&message),
            Incoming::Request(request.clone()),
            "{message}"
        );
        assert_eq!(read(&request.to_json()), Incoming::Request(request));
    }
}

#[test]
fn other_scripts_messages_and_the_apps_own_are_ignored_silently() {
    for message in [
        json!(null),
        json!("bioprop:play"),
        json!(3),
        json!(["bioprop:play"]),
        json!({}),
        json!({"type": 7}),
        json!({"type": "play"}),
        json!({"type": "Bioprop:play"}),
        json!({"source": "bioprop", "type": "quiz-answer"}),
        json!({"type": "webpackOk"}),
        json!({"type": "bioprop:ready", "page": "rules"}),
        json!({"type": "bioprop:metrics"}),
        json!({"type": "bioprop:notice", "text": "x"}),
        json!({"type": "bioprop:diverged"}),
        json!({"type": "bioprop:quiz-answer"}),
        json!({"type": "bioprop:exercise-answer"}),
        json!({"type": "bioprop:error", "message": "echoed"}),
    ] {
        assert_eq!(read(&message), Incoming::Ignored, "{message}");
    }
}

#[test]
fn each_bad_form_is_refused_with_a_message_naming_it() {
    let cases = [
        (
            json!({"type": "bioprop:jump"}),
            "unknown message type 'bioprop:jump'",
        ),
        (
            json!({"type": "bioprop:"}),
            "unknown message type 'bioprop:'",
        ),
        (json!({"type": "bioprop:set"}), "settings: missing"),
        (
            json!({"type": "bioprop:set", "settings": "lr=0.1"}),
            "settings: a string",
        ),
        (
            json!({"type": "bioprop:set", "settings": [["lr", 0.1]]}),
            "settings: a list",
        ),
        (
            json!({"type": "bioprop:set", "settings": {}}),
            "settings: names no key",
        ),
        (
            json!({"type": "bioprop:set", "settings": {"compare": ["bp", "fa"]}}),
            "compare: a list (allowed: a string, a number, true, false or null)",
        ),
        (
            json!({"type": "bioprop:set", "settings": {"lr": {"value": 1}}}),
            "lr: an object",
        ),
        (
            json!({"type": "bioprop:set", "settings": {"page": "cerebellum"}}),
            "page: not a setting a message can change",
        ),
        (
            json!({"type": "bioprop:set", "settings": {"ORIGINS": "*"}}),
            "ORIGINS: not a setting a message can change",
        ),
        (json!({"type": "bioprop:tour-step"}), "step: missing"),
        (
            json!({"type": "bioprop:tour-step", "step": 3}),
            "step: a number",
        ),
    ];
    for (message, expected) in cases {
        let text = refused(message.clone());
        assert!(text.contains(expected), "{message}: {text}");
    }
    // Every problem of one message goes in its one error.
    let text = refused(json!({"type": "bioprop:set", "settings": {"lr": [1], "v": "2"}}));
    assert!(
        text.contains("lr: a list") && text.contains("v: not a setting"),
        "{text}"
    );
}

#[test]
fn a_set_is_read_by_the_pages_own_url_reader_with_the_same_notice_as_a_link() {
    // The rules page: other keys keep their values; a bad value gives the link's notice.
    let (current, _) = Settings::from_query("?task=xor&compare=bp,fa");
    let next = apply_set(&current, &pairs(&[("lr", Some("0.05"))])).unwrap();
    assert_eq!(next.lr, Some(0.05));
    assert_eq!(next.task, current.task);
    assert_eq!(next.rules(), current.rules());
    let (_, link) = Settings::from_query("?task=xor&compare=bp,fa&lr=abc");
    let error = apply_set(&current, &pairs(&[("lr", Some("abc"))])).unwrap_err();
    assert_eq!(error, link[0].to_string());
    assert!(error.starts_with("lr: "), "{error}");
    // A value with the query's own characters is one value, not two parameters.
    let error = apply_set(&current, &pairs(&[("task", Some("xor&lr=9"))])).unwrap_err();
    assert!(error.starts_with("task: "), "{error}");
    // null: the key's default again.
    let fast = apply_set(&current, &pairs(&[("lr", Some("0.5"))])).unwrap();
    assert_eq!(apply_set(&fast, &pairs(&[("lr", None)])).unwrap(), current);
    // An unknown key is the link's notice too.
    let error = apply_set(&current, &pairs(&[("colour", Some("red"))])).unwrap_err();
    assert!(
        error.starts_with("colour: unknown parameter 'colour'"),
        "{error}"
    );

    let cerebellum = CerebellumSettings::default();
    let next = apply_set(&cerebellum, &pairs(&[("freq", Some("2"))])).unwrap();
    assert_eq!(next.freq, 2.0);
    let (_, link) = CerebellumSettings::from_query("?page=cerebellum&freq=-3");
    assert_eq!(
        apply_set(&cerebellum, &pairs(&[("freq", Some("-3"))])).unwrap_err(),
        link[0].to_string()
    );

    let microcircuit = MicrocircuitSettings::default();
    let next = apply_set(&microcircuit, &pairs(&[("target", Some("0"))])).unwrap();
    assert!(!next.target);
    assert!(
        apply_set(&microcircuit, &pairs(&[("mode", Some("quantum"))]))
            .unwrap_err()
            .starts_with("mode: ")
    );

    let exercise = ExerciseSettings::default();
    assert_eq!(
        apply_set(&exercise, &pairs(&[("seed", Some("42"))]))
            .unwrap()
            .seed,
        42
    );
    assert!(apply_set(&exercise, &pairs(&[("seed", Some("-1"))]))
        .unwrap_err()
        .starts_with("seed: "));

    let tour = TourSettings::default();
    let next = apply_set(&tour, &pairs(&[("step", Some("backprop"))])).unwrap();
    assert_eq!(next.current().id, "backprop");
    let error = apply_set(&tour, &pairs(&[("step", Some("nowhere"))])).unwrap_err();
    assert!(
        error.starts_with("step: ") && error.contains("backprop"),
        "{error}"
    );
}

#[test]
fn a_javascript_number_reads_as_json_writes_it() {
    assert_eq!(messages::number(4.0), json!(4));
    assert_eq!(messages::number(-0.0), json!(0));
    assert_eq!(messages::number(0.05), json!(0.05));
    assert_eq!(messages::number(1e300), json!(1e300));
    assert_eq!(messages::number(f64::NAN), Value::Null);
    assert_eq!(messages::number(f64::INFINITY), Value::Null);
    // Read as a setting, a whole number is the URL's whole number.
    let set = read(&json!({"type": "bioprop:set", "settings": {"seed": messages::number(4.0)}}));
    assert_eq!(
        set,
        Incoming::Request(Request::Set(pairs(&[("seed", Some("4"))])))
    );
}

#[test]
fn encoded_values_decode_to_themselves() {
    for text in [
        "0.05",
        "bp,fa",
        "a b",
        "x&y=z",
        "100%",
        "∂E/∂w",
        "+1",
        "#top",
    ] {
        assert_eq!(decode(&encode(text)), text);
        assert!(!encode(text).contains(['&', '=', '#', '+', ' ']), "{text}");
    }
}

#[test]
fn origins_restrict_who_controls_the_app() {
    assert_eq!(Origins::from_query("?page=tour"), (Origins::Any, None));
    assert!(Origins::Any.allows("https://anyone.example"));
    assert_eq!(Origins::Any.targets(), vec!["*"]);

    let (origins, notice) = Origins::from_query(
        "?origins=https://Course.Example.org/,http://localhost:8302,https://lms.example.edu:443",
    );
    assert_eq!(notice, None);
    assert_eq!(
        origins,
        Origins::Only(vec![
            "https://course.example.org".into(),
            "http://localhost:8302".into(),
            "https://lms.example.edu".into(),
        ])
    );
    assert!(origins.allows("http://localhost:8302"));
    assert!(!origins.allows("http://localhost:8301"));
    assert!(!origins.allows("https://evil.example"));
    assert_eq!(origins.targets().len(), 3);

    // Percent-encoded, as a host building the src with encodeURIComponent writes it.
    let (origins, _) = Origins::from_query("?origins=http%3A%2F%2F127.0.0.1%3A8302");
    assert_eq!(origins, Origins::Only(vec!["http://127.0.0.1:8302".into()]));

    // A bad entry is dropped with a notice; a list with none valid allows no one.
    let (origins, notice) = Origins::from_query("?origins=course.example.org,https://ok.example");
    assert_eq!(origins, Origins::Only(vec!["https://ok.example".into()]));
    let notice = notice.unwrap().to_string();
    assert!(
        notice.starts_with("origins: 'course.example.org' not an origin"),
        "{notice}"
    );
    assert!(notice.ends_with("allowing https://ok.example"), "{notice}");
    let (origins, notice) = Origins::from_query("?origins=*");
    assert_eq!(origins, Origins::Only(vec![]));
    assert!(!origins.allows("https://ok.example") && origins.targets().is_empty());
    assert!(notice
        .unwrap()
        .message
        .ends_with("no page may control this one"));
    let (origins, notice) = Origins::from_query("?origins=");
    assert_eq!(origins, Origins::Only(vec![]));
    assert!(notice.unwrap().message.starts_with("no origin given"));
}

#[test]
fn origins_are_written_as_browsers_write_them() {
    let cases = [
        ("https://example.org", Some("https://example.org")),
        ("HTTP://Example.ORG:80", Some("http://example.org")),
        (
            "https://example.org:8443/",
            Some("https://example.org:8443"),
        ),
        ("http://[::1]:8080", Some("http://[::1]:8080")),
        ("http://127.0.0.1:8301", Some("http://127.0.0.1:8301")),
        ("https://example.org/course", None),
        ("https://user@example.org", None),
        ("ftp://example.org", None),
        ("javascript:alert(1)", None),
        ("https://", None),
        ("https://example.org:99999", None),
        ("https://example.org:", None),
        ("https://exa mple.org", None),
        ("null", None),
    ];
    for (text, expected) in cases {
        assert_eq!(normalise_origin(text).as_deref(), expected, "{text}");
    }
}

#[test]
fn the_address_bar_keeps_the_hosts_origins() {
    let address = "?page=tour&origins=https%3A%2F%2Fa.example&step=x";
    assert_eq!(
        keep_origins("?page=tour&step=backprop&v=2", address),
        "?page=tour&step=backprop&v=2&origins=https%3A%2F%2Fa.example"
    );
    assert_eq!(
        keep_origins("", "?origins=https://a.example"),
        "?origins=https://a.example"
    );
    assert_eq!(keep_origins("?task=xor", "?task=moons"), "?task=xor");
    // The page's own reader does not call it unknown.
    let (_, notices) = Settings::from_query(address);
    assert!(notices.iter().all(|n| n.param != "origins"), "{notices:?}");
}

#[test]
fn the_apps_messages() {
    let ready = messages::ready("cerebellum", "0.1.0", "?page=cerebellum&freq=2&embed=1");
    assert_eq!(
        ready,
        json!({
            "type": "bioprop:ready", "page": "cerebellum", "version": "0.1.0", "api": 1,
            "settings": {"page": "cerebellum", "freq": "2", "embed": "1"},
            "query": "?page=cerebellum&freq=2&embed=1",
        })
    );
    let metrics = messages::metrics("rules", json!({"step": 40, "type": "x", "page": "y"}));
    assert_eq!(
        metrics,
        json!({"type": "bioprop:metrics", "page": "rules", "step": 40})
    );
    assert_eq!(
        messages::notice("lr: bad"),
        json!({"type": "bioprop:notice", "text": "lr: bad"})
    );
    assert_eq!(
        messages::tour_step("backprop", 2, 17),
        json!({"type": "bioprop:tour-step", "step": "backprop", "index": 2, "count": 17})
    );
    assert_eq!(
        messages::quiz_answer("concept-check", 0, 1, "W comes to match the fixed B", true),
        json!({"type": "bioprop:quiz-answer", "step": "concept-check", "question": 0,
               "choice": 1, "answer": "W comes to match the fixed B", "correct": true})
    );
    let answer = messages::exercise_answer(&messages::ExerciseAnswer {
        seed: 7,
        question: "gradient",
        asked: "∂E/∂W¹₁₁",
        answer: "0.25",
        value: 0.25,
        exact: 0.5,
        correct: false,
    });
    assert_eq!(answer["type"], "bioprop:exercise-answer");
    assert_eq!(answer["exact"], 0.5);
    assert_eq!(answer["correct"], false);
    assert_eq!(
        messages::new_notices(&["a".into()], &["a".into(), "b".into()]),
        vec!["b"]
    );
}
