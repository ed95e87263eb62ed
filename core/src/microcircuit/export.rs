//! A microcircuit run as a file `bioprop run --config` replays bit for bit: the
//! configuration the circuit was built with, and every change made while it ran —
//! the target switched on or off, the full model swapped for the steady state or
//! back — at the simulated time it was made. The page records them as its user
//! makes them; the command line builds the same circuit, makes the same changes at
//! the same steps of `dt`, and so learns the same weights
//! ([`super::Microcircuit::weights_hash`]: the core is bit-identical natively and in
//! wasm).
//!
//! ```text
//! { "model": "microcircuit",
//!   "data": "sacramento-2018",                                on the paper's tasks only
//!           or "digits",
//!   "config": { …Config… },
//!   "changes": [ { "at_ms": 0, "target": false },            right after building
//!                { "at_ms": 1500.3, "target": true },
//!                { "at_ms": 4000, "mode": "steady" } ] }
//! ```
//!
//! [`read`] refuses a file that is not a microcircuit's, naming the field: a key that
//! does not belong, a value of the wrong kind, a value out of range (core's check), or
//! a change out of order.
//!
//! `data` names data the circuit does not generate from its task: `"sacramento-2018"`,
//! the paper's teacher data at the configuration's seed ([`super::preset::dataset`]);
//! or [`DIGITS`], the MNIST digits as the paper's digits experiment reads them
//! ([`super::digits::dataset`]: the first `config.task.train_size` training and
//! `test_size` test images, rate targets), which the replay is given
//! ([`Replay::build_on`]) since core reads no files of its own here.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{preset, Config, Microcircuit, Mode, StepError};
use crate::task::Dataset;

/// The `model` a microcircuit configuration file names.
pub const MODEL: &str = "microcircuit";

/// One change made while the circuit ran.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// Simulated time of the change, ms (taken to the nearest step of `dt`).
    pub at_ms: f64,
    /// The target switched on (`true`) or off; this ends any pre-training the
    /// configuration schedules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<bool>,
    /// The model switched to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<Mode>,
}

/// A run as saved: its configuration and its changes, in time order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedRun {
    pub model: String,
    /// The data, when not the configuration's generated task: [`preset::NAME`] or
    /// [`DIGITS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// With [`DIGITS`]: the digits the run learnt from, named exactly, as 16 hex digits
    /// of [`crate::task::mnist::digits_hash`] of its training and test digits (the first
    /// `train_size` and `test_size` of each set); a replay on other digits is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_hash: Option<String>,
    pub config: Config,
    #[serde(default)]
    pub changes: Vec<Change>,
}

/// The `data` of a run on the MNIST digits.
pub const DIGITS: &str = "digits";

/// The top-level keys of a saved run.
const FIELDS: [&str; 5] = ["model", "data", "data_hash", "config", "changes"];

/// `ms` to a millionth of a ms: `0.1 · 15003` reads 1500.3 in the file.
fn rounded(ms: f64) -> f64 {
    (ms * 1e6).round() / 1e6
}

impl SavedRun {
    /// A run of `config` with no changes yet.
    pub fn new(config: Config) -> Self {
        SavedRun {
            model: MODEL.to_owned(),
            data: None,
            data_hash: None,
            config,
            changes: Vec::new(),
        }
    }

    /// Records that the target was switched `on` at `at_ms`.
    pub fn record_target(&mut self, at_ms: f64, on: bool) {
        self.change_at(at_ms).target = Some(on);
    }

    /// Records that the model was switched to `mode` at `at_ms`.
    pub fn record_mode(&mut self, at_ms: f64, mode: Mode) {
        self.change_at(at_ms).mode = Some(mode);
    }

    /// The change at `at_ms`: the last one when it is at that time, else a new one.
    fn change_at(&mut self, at_ms: f64) -> &mut Change {
        let at_ms = rounded(at_ms);
        if self.changes.last().is_none_or(|last| last.at_ms != at_ms) {
            self.changes.push(Change {
                at_ms,
                target: None,
                mode: None,
            });
        }
        self.changes.last_mut().expect("pushed above")
    }

    /// The file's text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a saved run is plain data")
    }
}

/// Whether `text` is a configuration file of the microcircuit (names `"model":
/// "microcircuit"`), whatever else is wrong with it.
pub fn is_microcircuit_config(text: &str) -> bool {
    serde_json::from_str::<Value>(text)
        .is_ok_and(|value| value.get("model").and_then(Value::as_str) == Some(MODEL))
}

/// Reads a file [`SavedRun::to_json`] wrote; the error names the field that is wrong.
/// The configuration is checked as [`Microcircuit::new`] checks it, and the changes
/// must come in time order, each switching something.
pub fn read(text: &str) -> Result<SavedRun, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let Value::Object(file) = value else {
        return Err(
            "not a microcircuit configuration: expected a JSON object with `model`, `config` \
             and `changes`"
                .to_owned(),
        );
    };
    if let Some(unknown) = file.keys().find(|key| !FIELDS.contains(&key.as_str())) {
        return Err(format!(
            "unknown field `{unknown}` (a microcircuit configuration has {})",
            FIELDS.join(", ")
        ));
    }
    match file.get("model") {
        Some(Value::String(model)) if model == MODEL => {}
        Some(other) => {
            return Err(format!(
                "model: {other} (a microcircuit configuration names \"{MODEL}\")"
            ))
        }
        None => {
            return Err(format!(
                "model: missing (a microcircuit configuration names \"{MODEL}\")"
            ))
        }
    }
    let data = match file.get("data") {
        None => None,
        Some(Value::String(name)) if name == preset::NAME || name == DIGITS => Some(name.clone()),
        Some(other) => {
            return Err(format!(
                "data: {other} (the data sets a microcircuit configuration may name are \"{}\" \
                 and \"{DIGITS}\")",
                preset::NAME
            ))
        }
    };
    let data_hash = match file.get("data_hash") {
        None => None,
        Some(Value::String(hash))
            if data.as_deref() == Some(DIGITS)
                && hash.len() == 16
                && hash.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            Some(hash.to_ascii_lowercase())
        }
        Some(other) => {
            return Err(format!(
                "data_hash: {other} (16 hex digits naming the digits of a run with \"data\": \"{DIGITS}\")"
            ))
        }
    };
    let config = read_config(file.get("config"))?;
    let changes = read_changes(file.get("changes"))?;
    config.validate().map_err(|e| format!("config: {e}"))?;
    Ok(SavedRun {
        model: MODEL.to_owned(),
        data,
        data_hash,
        config,
        changes,
    })
}

/// `config`, each key read on its own so that a value of the wrong kind is named
/// (every field has a default, so one key makes a whole config).
fn read_config(value: Option<&Value>) -> Result<Config, String> {
    let Some(Value::Object(given)) = value else {
        return Err("config: missing, or not an object of the circuit's settings".to_owned());
    };
    let Ok(Value::Object(known)) = serde_json::to_value(Config::default()) else {
        unreachable!("a config serialises to an object")
    };
    for (key, value) in given {
        if !known.contains_key(key) {
            let names: Vec<&str> = known.keys().map(String::as_str).collect();
            return Err(format!(
                "config.{key}: unknown field (a microcircuit's configuration has {})",
                names.join(", ")
            ));
        }
        let alone = Value::Object(Map::from_iter([(key.clone(), value.clone())]));
        serde_json::from_value::<Config>(alone).map_err(|e| format!("config.{key}: {e}"))?;
    }
    serde_json::from_value(Value::Object(given.clone())).map_err(|e| format!("config: {e}"))
}

/// `changes`, each checked: known keys of the right kind, a time that is a number of
/// ms not before the previous change's, something switched.
fn read_changes(value: Option<&Value>) -> Result<Vec<Change>, String> {
    let items = match value {
        None => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err("changes: not a list of changes".to_owned()),
    };
    let mut changes: Vec<Change> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let change: Change =
            serde_json::from_value(item.clone()).map_err(|e| format!("changes[{i}]: {e}"))?;
        if !(change.at_ms.is_finite() && change.at_ms >= 0.0) {
            return Err(format!(
                "changes[{i}].at_ms: must be a time in ms, 0 or more, got {}",
                change.at_ms
            ));
        }
        if let Some(previous) = changes.last() {
            if change.at_ms < previous.at_ms {
                return Err(format!(
                    "changes[{i}].at_ms: {} comes before the previous change's {}; the \
                     changes go in time order",
                    change.at_ms, previous.at_ms
                ));
            }
        }
        if change.target.is_none() && change.mode.is_none() {
            return Err(format!(
                "changes[{i}]: switches nothing (give `target` or `mode`)"
            ));
        }
        changes.push(change);
    }
    Ok(changes)
}

/// A saved run's changes played again on its circuit: the changes not yet made.
/// With no changes, [`Replay::advance_to`] is [`Microcircuit::step`].
#[derive(Clone, Debug, Default)]
pub struct Replay {
    changes: Vec<Change>,
    next: usize,
}

impl Replay {
    /// The changes to make, in time order.
    pub fn new(changes: Vec<Change>) -> Self {
        Replay { changes, next: 0 }
    }

    /// Builds the circuit of `saved` and makes the changes due at time 0.
    ///
    /// # Errors
    ///
    /// Core's message when the configuration cannot run, or when it names the digits
    /// (they come from files: [`Replay::build_on`]).
    pub fn build(saved: &SavedRun) -> Result<(Microcircuit, Replay), String> {
        match saved.data.as_deref() {
            Some(DIGITS) => Err(format!(
                "data \"{DIGITS}\": the run learned the MNIST digits, which are read from \
                 their files"
            )),
            Some(_) => Self::build_on(saved, preset::dataset(saved.config.seed)),
            None => Self::start(saved, Microcircuit::new(&saved.config)),
        }
    }

    /// [`Replay::build`] on `dataset`, the data `saved.data` names (for the digits,
    /// [`super::digits::dataset`] at the configuration's sizes).
    ///
    /// # Errors
    ///
    /// Core's message when the configuration cannot run on `dataset`.
    pub fn build_on(saved: &SavedRun, dataset: Dataset) -> Result<(Microcircuit, Replay), String> {
        Self::start(saved, Microcircuit::with_dataset(&saved.config, dataset))
    }

    fn start(
        saved: &SavedRun,
        built: Result<Microcircuit, super::ConfigError>,
    ) -> Result<(Microcircuit, Replay), String> {
        let mut circuit = built.map_err(|e| format!("config: {e}"))?;
        let mut replay = Replay::new(saved.changes.clone());
        replay.make_due_changes(&mut circuit);
        Ok((circuit, replay))
    }

    /// Runs `circuit` until `patterns` patterns have been presented, making each
    /// change when the clock reaches it; a change after the end of pattern `patterns`
    /// is made by a later call.
    ///
    /// # Errors
    ///
    /// The circuit's divergence.
    pub fn advance_to(
        &mut self,
        circuit: &mut Microcircuit,
        patterns: u64,
    ) -> Result<(), StepError> {
        loop {
            self.make_due_changes(circuit);
            let done = circuit.patterns();
            if done >= patterns {
                return circuit.step(0);
            }
            match self.changes.get(self.next) {
                Some(change) => circuit.run_until(change.at_ms, patterns)?,
                None => return circuit.step(patterns - done),
            }
        }
    }

    /// Makes every change whose time has come.
    fn make_due_changes(&mut self, circuit: &mut Microcircuit) {
        while let Some(change) = self.changes.get(self.next) {
            if circuit.steps_at(change.at_ms) > circuit.clock_steps() {
                return;
            }
            if let Some(on) = change.target {
                circuit.set_target(on);
            }
            if let Some(mode) = change.mode {
                circuit.set_mode(mode);
            }
            self.next += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TaskKind;

    fn steady() -> Config {
        Config {
            mode: Mode::SteadyState,
            ..Config::for_task(TaskKind::NonlinearTeacher)
        }
    }

    #[test]
    fn a_saved_run_reads_back_the_same() {
        let mut saved = SavedRun::new(steady());
        saved.record_target(0.0, false);
        saved.record_target(0.1 * 15_003.0, true);
        saved.record_mode(0.1 * 15_003.0, Mode::Full);
        saved.record_mode(4000.0, Mode::SteadyState);
        assert_eq!(saved.changes.len(), 3, "one change per time");
        let text = saved.to_json();
        assert!(text.contains("\"at_ms\": 1500.3"), "{text}");
        assert!(is_microcircuit_config(&text));
        assert_eq!(read(&text).unwrap(), saved);
    }

    /// The paper's task brings its own data: the file names it, and the replay learns
    /// on it as the preset's circuit does.
    #[test]
    fn a_saved_run_of_the_papers_task_replays_on_the_papers_data() {
        let config = preset::config(3);
        let mut by_hand = Microcircuit::with_dataset(&config, preset::dataset(3)).unwrap();
        by_hand.step(2).unwrap();

        let mut saved = SavedRun::new(config.clone());
        saved.data = Some(preset::NAME.to_owned());
        let text = saved.to_json();
        assert!(text.contains("\"data\": \"sacramento-2018\""), "{text}");
        let (mut circuit, mut replay) = Replay::build(&read(&text).unwrap()).unwrap();
        replay.advance_to(&mut circuit, 2).unwrap();
        assert_eq!(circuit.weights_hash(), by_hand.weights_hash());

        // Without the name, the configuration has no data to learn.
        let error = Replay::build(&SavedRun::new(config)).unwrap_err();
        assert!(error.starts_with("config: "), "{error}");

        let bad = text.replace("sacramento-2018", "mnist");
        let error = read(&bad).unwrap_err();
        assert!(error.starts_with("data: \"mnist\""), "{error}");
    }

    /// A run on the digits names them; the replay is handed them and learns as the
    /// circuit built on them by hand.
    #[test]
    fn a_saved_run_on_the_digits_names_them_and_replays_on_the_data_given() {
        use crate::task::idx::{encode, IMAGES_MAGIC, LABELS_MAGIC};
        use crate::task::mnist::{Digits, PIXELS};
        let images: Vec<u8> = (0..40 * PIXELS).map(|i| (i * 37 % 256) as u8).collect();
        // 40 digits, their labels shifted by `shift`.
        let make = |shift: usize| {
            let labels: Vec<u8> = (0..40).map(|i| ((i + shift) % 10) as u8).collect();
            Digits::from_idx(
                "images",
                encode(IMAGES_MAGIC, &[40, 28, 28], &images),
                "labels",
                encode(LABELS_MAGIC, &[40], &labels),
            )
            .unwrap()
        };
        let digits = make(0);
        let config = Config {
            layers: vec![PIXELS, 8, 10],
            task: crate::TaskConfig {
                train_size: 30,
                test_size: 10,
                ..super::super::digits::paper_config().task
            },
            ..super::super::digits::paper_config()
        };
        let data = || super::super::digits::dataset(&digits, &digits, 30, 10).unwrap();
        let mut by_hand = Microcircuit::with_dataset(&config, data()).unwrap();
        by_hand.step(20).unwrap();

        let mut saved = SavedRun::new(config);
        saved.data = Some(DIGITS.to_owned());
        let text = saved.to_json();
        assert!(text.contains("\"data\": \"digits\""), "{text}");
        let read_back = read(&text).unwrap();
        let error = Replay::build(&read_back).unwrap_err();
        assert!(error.contains("read from their files"), "{error}");
        let (mut circuit, mut replay) = Replay::build_on(&read_back, data()).unwrap();
        replay.advance_to(&mut circuit, 20).unwrap();
        assert_eq!(circuit.weights_hash(), by_hand.weights_hash());

        // Named by their hash, the same digits are taken and others refused.
        let digits_data = super::super::digits::replay_dataset;
        let hash = crate::task::mnist::digits_hash(&digits.prefix(30), &digits.prefix(10));
        saved.data_hash = Some(format!("{hash:016x}"));
        let read_back = read(&saved.to_json()).unwrap();
        assert_eq!(read_back, saved);
        assert!(digits_data(&read_back, &digits, &digits).is_ok());
        let other = make(1);
        let error = digits_data(&read_back, &digits, &other).unwrap_err();
        assert!(
            error.starts_with(&format!("data_hash: {hash:016x} in the file")),
            "{error}"
        );
        for (bad, why) in [
            (
                text.replace(
                    "\"data\": \"digits\"",
                    "\"data_hash\": \"0123456789abcdef\"",
                ),
                "of a run with",
            ),
            (
                saved.to_json().replace(&format!("{hash:016x}"), "0123"),
                "16 hex digits",
            ),
        ] {
            let error = read(&bad).unwrap_err();
            assert!(
                error.starts_with("data_hash: ") && error.contains(why),
                "{error}"
            );
        }
    }

    /// The reference: the same changes made by hand, in chunks of `dt` steps.
    #[test]
    fn a_replay_makes_each_change_at_its_step_and_learns_the_same_weights() {
        let config = Config {
            pattern_ms: 10.0,
            ..Config::for_task(TaskKind::NonlinearTeacher)
        };
        let mut by_hand = Microcircuit::new(&config).unwrap();
        by_hand.set_target(false);
        by_hand.run_for(25.0).unwrap();
        by_hand.set_target(true);
        by_hand.run_for(12.3).unwrap();
        by_hand.set_mode(Mode::SteadyState);
        by_hand.run_for(42.7).unwrap();
        assert_eq!(by_hand.patterns(), 8);

        let mut saved = SavedRun::new(config);
        saved.record_target(0.0, false);
        saved.record_target(25.0, true);
        saved.record_mode(37.3, Mode::SteadyState);
        let (mut circuit, mut replay) = Replay::build(&read(&saved.to_json()).unwrap()).unwrap();
        // In pieces: each call stops at the end of its pattern.
        for patterns in [1, 2, 4, 8] {
            replay.advance_to(&mut circuit, patterns).unwrap();
            assert_eq!(circuit.patterns(), patterns);
        }
        assert_eq!(circuit.weights_hash(), by_hand.weights_hash());
        assert_eq!(circuit.state_hash(), by_hand.state_hash());
        assert_eq!(circuit.mode(), Mode::SteadyState);
    }

    #[test]
    fn a_change_after_the_last_pattern_waits_for_a_later_call() {
        let config = Config {
            pattern_ms: 10.0,
            ..steady()
        };
        let mut saved = SavedRun::new(config);
        saved.record_target(35.0, false);
        let (mut circuit, mut replay) = Replay::build(&saved).unwrap();
        replay.advance_to(&mut circuit, 3).unwrap();
        assert!(circuit.target_on());
        replay.advance_to(&mut circuit, 4).unwrap();
        assert!(!circuit.target_on());
    }

    #[test]
    fn bad_files_are_refused_naming_the_field() {
        let good = serde_json::to_value(SavedRun::new(steady())).unwrap();
        let with = |edit: &dyn Fn(&mut Value)| {
            let mut file = good.clone();
            edit(&mut file);
            read(&file.to_string()).unwrap_err()
        };
        for (message, named) in [
            (read("not json").unwrap_err(), "not JSON"),
            (read("[1, 2]").unwrap_err(), "expected a JSON object"),
            (with(&|f| f["colour"] = 1.into()), "unknown field `colour`"),
            (
                with(&|f| f["model"] = "cerebellum".into()),
                "model: \"cerebellum\"",
            ),
            (
                with(&|f| f["config"] = 3.into()),
                "config: missing, or not an object",
            ),
            (
                with(&|f| f["config"]["dt"] = "fast".into()),
                "config.dt: invalid type",
            ),
            (
                with(&|f| f["config"]["speed"] = 1.into()),
                "config.speed: unknown field",
            ),
            (
                with(&|f| f["config"]["mode"] = "fast".into()),
                "config.mode: unknown variant",
            ),
            (with(&|f| f["config"]["dt"] = 5.into()), "config: `dt`"),
            (
                with(&|f| f["config"]["layers"] = serde_json::json!([30, 10])),
                "config: `layers`",
            ),
            (with(&|f| f["changes"] = 1.into()), "changes: not a list"),
            (
                with(&|f| f["changes"] = serde_json::json!([{"at_ms": 5, "target": "on"}])),
                "changes[0]: invalid type",
            ),
            (
                with(&|f| f["changes"] = serde_json::json!([{"at_ms": -1, "target": true}])),
                "changes[0].at_ms",
            ),
            (
                with(
                    &|f| f["changes"] = serde_json::json!([{"at_ms": 5, "target": true}, {"at_ms": 2, "mode": "full"}]),
                ),
                "changes[1].at_ms: 2 comes before",
            ),
            (
                with(&|f| f["changes"] = serde_json::json!([{"at_ms": 5}])),
                "changes[0]: switches nothing",
            ),
            (
                with(&|f| f["changes"] = serde_json::json!([{"at_ms": 5, "target": true, "x": 1}])),
                "changes[0]: unknown field `x`",
            ),
        ] {
            assert!(message.contains(named), "{message:?} should name {named:?}");
        }
    }
}
