//! Importing a configuration file on the simulation pages, through their workers
//! (`shell::sim_worker::Command::Import`) as the page does: a file the page exported
//! gives back the settings it was exported with; another page's file, a file that is
//! not JSON, a value out of range, a value the page has no control for, a run with live
//! changes, or a file too large is refused with one message naming what is wrong, and
//! the running model is untouched. The shared checks (`widgets::config_import`) are
//! tested on their own at the end; the rules page's import is `tests/export.rs`.
#![cfg(not(target_arch = "wasm32"))]

use bioprop_web::pages::cerebellum::settings::CerebellumSettings;
use bioprop_web::pages::cerebellum::worker::CerebellumModel;
use bioprop_web::pages::microcircuit::settings::MicrocircuitSettings;
use bioprop_web::pages::microcircuit::worker::Retune;
use bioprop_web::pages::microcircuit::Sim as MicrocircuitSim;
use bioprop_web::pages::rules::settings::Settings as RulesSettings;
use bioprop_web::shell::sim_worker::{Command, ExportKind, Host, Model, Update};
use bioprop_web::shell::UrlSettings;
use bioprop_web::widgets::config_import::{
    check_page, check_size, first_difference, held_to, page_of, settings_of, MAX_CONFIG_BYTES,
};

#[path = "support/sim.rs"]
mod sim_support;
use sim_support::{exported, frame, STILL};

fn settings<S: UrlSettings + std::fmt::Debug>(query: &str) -> S {
    let (settings, notices) = S::from_query(query);
    assert!(notices.is_empty(), "{query}: {notices:?}");
    settings
}

/// What the worker answers an import of `text`: the link it gives, or its refusal.
fn import<M: Model>(host: &mut Host<M>, text: &str) -> Result<String, String>
where
    M::View: std::fmt::Debug,
{
    let command = Command::Import {
        name: "run.json".into(),
        text: text.into(),
    };
    match <[Update<M::View>; 1]>::try_from(host.handle(command, STILL)) {
        Ok([Update::Imported { name, query }]) => {
            assert_eq!(name, "run.json");
            Ok(query)
        }
        Ok([Update::Rejected { message }]) => {
            assert!(message.starts_with("import run.json: "), "{message}");
            assert!(message.ends_with("the run on screen and its settings are unchanged"));
            Err(message)
        }
        other => panic!("expected an import's answer, got {other:?}"),
    }
}

/// `text` (JSON) with the value at `pointer` set to `value` (a new key if absent).
fn edit(text: &str, pointer: &str, value: serde_json::Value) -> String {
    let mut file: serde_json::Value = serde_json::from_str(text).unwrap();
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let parent = file
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("{pointer}"));
    parent
        .as_object_mut()
        .unwrap()
        .insert(key.to_owned(), value);
    file.to_string()
}

type CbCommand = Command<CerebellumSettings, CerebellumSettings>;

#[test]
fn a_cerebellum_configuration_imports_to_the_settings_it_was_saved_with() {
    for query in [
        "?page=cerebellum",
        "?page=cerebellum&task=forward-model&beta=0.2&freq=0.5",
        "?page=cerebellum&spectacles=-1.5&edelay=0.1&eldelay=0.1&basis=alpha",
        "?page=cerebellum&basis=delay&freq=2.5",
    ] {
        let page: CerebellumSettings = settings(query);
        let mut worker = Host::<CerebellumModel>::default();
        worker.handle(CbCommand::Configure(Box::new(page.clone())), STILL);
        worker.handle(CbCommand::Step(300), STILL);
        let file = exported(worker.handle(CbCommand::Export(ExportKind::Config), STILL));
        // Imported on a page showing something else, at another speed.
        let elsewhere: CerebellumSettings = settings("?page=cerebellum&spectacles=0.5&speed=7");
        let link = import(&mut worker, &file).unwrap_or_else(|e| panic!("{query}: {e}"));
        let imported = elsewhere.with_imported(&link).unwrap();
        assert_eq!(imported.config(), page.config(), "{query}");
        assert_eq!(
            CerebellumSettings {
                speed: page.speed,
                ..imported.clone()
            },
            page,
            "{query}: the same settings, {link}"
        );
        assert_eq!(imported.speed, 7, "the speed is the page's, not the file's");
        // The import left the run alone: 300 steps in, same generation.
        let after = frame(worker.handle(CbCommand::Step(0), STILL));
        assert_eq!((after.generation, after.view.snapshot.step), (1, 300));
    }
}

#[test]
fn a_bad_cerebellum_file_is_refused_naming_what_is_wrong() {
    let page: CerebellumSettings = settings("?page=cerebellum");
    let mut worker = Host::<CerebellumModel>::default();
    worker.handle(CbCommand::Configure(Box::new(page.clone())), STILL);
    let good = exported(worker.handle(CbCommand::Export(ExportKind::Config), STILL));
    // A run whose β changed while it ran.
    let mut changed = page.clone();
    changed.beta = Some(0.5);
    worker.handle(CbCommand::Step(100), STILL);
    worker.handle(CbCommand::Change(changed), STILL);
    let live = exported(worker.handle(CbCommand::Export(ExportKind::Config), STILL));
    let microcircuit = MicrocircuitSim::build(&MicrocircuitSettings::default())
        .saved
        .to_json();
    let rules = r#"{"version": 1, "rules": ["bp"], "experiment": {}}"#;
    let cases = [
        ("not json".to_owned(), "not a cerebellum configuration"),
        ("[1, 2]".to_owned(), "not a cerebellum configuration"),
        (microcircuit, "a configuration of the microcircuit page"),
        (rules.to_owned(), "a configuration of the rules page"),
        (edit(&good, "/model", "vor".into()), "model: 'vor'"),
        (edit(&good, "/config/dt", (-1).into()), "dt"),
        (
            edit(&good, "/config/vor/spectacles", 40.into()),
            "`vor.spectacles` must be in [-10, 10], got 40",
        ),
        (
            live,
            "changes: the run changes its settings while it runs (from step 100)",
        ),
        // Valid for the command line, with no control on the page.
        (
            edit(&good, "/config/seed", 7.into()),
            "`seed` is 7 in the file",
        ),
    ];
    for (text, named) in cases {
        let error = import(&mut worker, &text).unwrap_err();
        assert!(error.contains(named), "{named} in: {error}");
    }
    assert_eq!(import(&mut worker, &good).map(|_| ()), Ok(()));
}

type McCommand = Command<MicrocircuitSettings, Retune>;

#[test]
fn a_microcircuit_configuration_imports_to_the_settings_it_was_saved_with() {
    for query in [
        "?page=microcircuit",
        "?page=microcircuit&task=xor&seed=9&target=0&neuron=2",
        "?page=microcircuit&mode=steady&init=random&task=circles",
        "?page=microcircuit&task=sacramento-2018&seed=3",
        "?page=microcircuit&task=sacramento-2018&target=0",
    ] {
        let page: MicrocircuitSettings = settings(query);
        let mut worker = Host::<MicrocircuitSim>::default();
        worker.handle(McCommand::Configure(Box::new(page.clone())), STILL);
        let file = exported(worker.handle(McCommand::Export(ExportKind::Config), STILL));
        let elsewhere: MicrocircuitSettings = settings("?page=microcircuit&seed=2&inspect=3");
        let link = import(&mut worker, &file).unwrap_or_else(|e| panic!("{query}: {e}"));
        let imported = elsewhere.with_imported(&link).unwrap();
        assert_eq!(imported.inspect, Some(3), "the inspector is the page's");
        assert_eq!(
            MicrocircuitSettings {
                inspect: None,
                ..imported
            },
            page,
            "{query}: {link}"
        );
    }
}

/// A digits run (`"data": "digits"`) imports to the digits task with its seed, at the
/// sizes of the file the page loaded; a rate the page does not set is refused.
#[test]
fn a_microcircuit_digits_run_imports_to_the_digits_task() {
    use bioprop::microcircuit::export::{SavedRun, DIGITS};
    use bioprop_web::pages::microcircuit::{digits, sim::import_query};
    let mut saved = SavedRun::new(digits::config(7, 12_000, 10_000));
    saved.data = Some(DIGITS.to_owned());
    let file = saved.to_json();
    let link = import_query(&file).unwrap();
    let imported = settings::<MicrocircuitSettings>("?page=microcircuit&seed=2")
        .with_imported(&link)
        .unwrap();
    let digits: MicrocircuitSettings = settings("?page=microcircuit&task=digits&seed=7");
    assert_eq!(
        MicrocircuitSettings {
            speed: digits.speed,
            ..imported
        },
        digits,
        "{link}: the same settings but the page's speed"
    );
    let error = import_query(&edit(&file, "/config/lr_forward", 0.5.into())).unwrap_err();
    assert!(error.contains("`lr_forward` is 0.5 in the file"), "{error}");
}

#[test]
fn a_bad_microcircuit_file_is_refused_naming_what_is_wrong() {
    let page: MicrocircuitSettings = settings("?page=microcircuit&speed=70");
    let mut worker = Host::<MicrocircuitSim>::default();
    worker.handle(McCommand::Configure(Box::new(page.clone())), STILL);
    let good = exported(worker.handle(McCommand::Export(ExportKind::Config), STILL));
    // The target switched off 280 ms in.
    for _ in 0..4 {
        worker.handle(McCommand::Step(70), STILL);
    }
    let off = MicrocircuitSettings {
        target: false,
        ..page.clone()
    };
    worker.handle(McCommand::Change(Retune::of(&off)), STILL);
    let live = exported(worker.handle(McCommand::Export(ExportKind::Config), STILL));
    let cerebellum =
        bioprop::cerebellum::export::config_json(&CerebellumSettings::default().config());
    let cases = [
        ("{ nope".to_owned(), "not JSON"),
        (cerebellum, "a configuration of the cerebellum page"),
        (edit(&good, "/config/dt", (-1.0).into()), "dt"),
        (edit(&good, "/config/colour", 1.into()), "unknown field"),
        (
            live,
            "changes: the run switches the target or the model while it runs (at 280 ms)",
        ),
        (
            edit(&good, "/config/lr_forward", 0.5.into()),
            "`lr_forward` is 0.5 in the file",
        ),
        (edit(&good, "/config/probe/neuron", 400.into()), "neuron"),
    ];
    for (text, named) in cases {
        let error = import(&mut worker, &text).unwrap_err();
        assert!(error.contains(named), "{named} in: {error}");
    }
    let after = frame(worker.handle(McCommand::Step(0), STILL));
    assert_eq!(after.generation, 1, "no new circuit");
    assert_eq!(after.view.snapshot.time_ms, 280.0);
}

#[test]
fn the_shared_checks() {
    assert_eq!(check_size(MAX_CONFIG_BYTES), Ok(()));
    let huge = check_size(5.5 * MAX_CONFIG_BYTES).unwrap_err();
    assert!(huge.starts_with("5.5 MB is too large"), "{huge}");
    assert_eq!(page_of(r#"{"model": "cerebellum"}"#), Some("cerebellum"));
    assert_eq!(
        page_of(r#"{"model": "microcircuit"}"#),
        Some("microcircuit")
    );
    assert_eq!(page_of(r#"{"experiment": {}}"#), Some("rules"));
    assert_eq!(page_of(r#"{"model": "other"}"#), None);
    assert_eq!(page_of("[1]"), None);
    assert_eq!(
        check_page(r#"{"model": "cerebellum"}"#, "cerebellum"),
        Ok(())
    );
    let wrong = check_page(r#"{"experiment": {}}"#, "cerebellum").unwrap_err();
    assert!(wrong.contains("(?page=rules)"), "{wrong}");
    // The link reader's notice, without what a link would use instead.
    let refused = settings_of::<RulesSettings>("?lr=-3").unwrap_err();
    assert!(refused.starts_with("lr: "), "{refused}");
    assert!(!refused.contains("using"), "{refused}");
    assert!(settings_of::<RulesSettings>("?lr=0.2").is_ok());
    assert_eq!(
        first_difference(r#"{"a":1,"b":{"c":2.5}}"#, r#"{"a":1,"b":{"c":3}}"#),
        Some(("c".into(), "2.5".into(), "3".into()))
    );
    assert_eq!(held_to(r#"{"a":1}"#, r#"{"a":1}"#), Ok(()));
    let held = held_to(r#"{"a":1}"#, r#"{"a":2}"#).unwrap_err();
    assert!(held.starts_with("`a` is 1 in the file"), "{held}");
}
