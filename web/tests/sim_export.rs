//! Reproducing a simulation page's run from the command line: the configuration the
//! microcircuit's and the cerebellum's workers save, read and replayed by core's
//! code that `bioprop run --config` runs (`microcircuit::export::Replay`,
//! `cerebellum::export::read_run`), gives the weights hash the page shows, bit for
//! bit — with the target, the model and the live settings changed while it ran.
//! (`core/tests/microcircuit_cli.rs` and `cerebellum_cli.rs` run the binary on such
//! files; `tests/e2e/export.test.mjs` does both ends in the browser and natively.)
#![cfg(not(target_arch = "wasm32"))]

use bioprop::cerebellum::{export as cerebellum_export, Cerebellum};
use bioprop::microcircuit::export::{self, Replay};
use bioprop::microcircuit::Mode;
use bioprop_web::pages::cerebellum::settings::CerebellumSettings;
use bioprop_web::pages::cerebellum::worker::{self as cerebellum_worker, CerebellumModel};
use bioprop_web::pages::microcircuit::settings::MicrocircuitSettings;
use bioprop_web::pages::microcircuit::worker::{self as microcircuit_worker, Retune};
use bioprop_web::pages::microcircuit::Sim as MicrocircuitSim;
use bioprop_web::shell::sim_worker::{Command, ExportKind, Host, Model};
use bioprop_web::shell::UrlSettings;

#[path = "support/sim.rs"]
mod sim_support;
use sim_support::{exported, frame, STILL};

type McCommand = Command<MicrocircuitSettings, Retune>;

#[test]
fn the_microcircuit_pages_saved_run_replays_to_the_hash_it_shows() {
    // Pre-training first (no target), in the full model, at a speed that is no
    // divisor of a pattern's 100 ms, so frames end inside patterns.
    let (settings, notices) =
        MicrocircuitSettings::from_query("?page=microcircuit&target=0&speed=70&seed=5");
    assert!(notices.is_empty(), "{notices:?}");
    let mut worker = Host::<MicrocircuitSim>::default();
    worker.handle(McCommand::Configure(Box::new(settings.clone())), STILL);
    for _ in 0..4 {
        worker.handle(McCommand::Step(70), STILL);
    }
    // The target on, mid-pattern (280 ms in), then the steady state, then full again.
    let mut next = settings.clone();
    next.target = true;
    let on = frame(worker.handle(McCommand::Change(Retune::of(&next)), STILL));
    assert_eq!(on.view.snapshot.time_ms, 280.0);
    for _ in 0..3 {
        worker.handle(McCommand::Step(70), STILL);
    }
    next.mode = Mode::SteadyState;
    worker.handle(McCommand::Change(Retune::of(&next)), STILL);
    worker.handle(McCommand::Step(1000), STILL);
    next.mode = Mode::Full;
    worker.handle(McCommand::Change(Retune::of(&next)), STILL);
    let last = frame(worker.handle(McCommand::Step(130), STILL));
    // 490 ms, then 1000 ms of steady state from inside pattern 5, then 130 ms: 1620 ms,
    // inside pattern 17, and the hash is of the end of pattern 16.
    assert_eq!(last.view.snapshot.time_ms, 1620.0);
    let checkpoint = last.view.checkpoint;
    assert_eq!(checkpoint.patterns, 16);
    assert_eq!(last.view.snapshot.patterns, 16);
    assert_eq!(
        microcircuit_worker::cli_command(&checkpoint),
        "bioprop run --config bioprop-microcircuit-config.json --steps 16"
    );

    let text = exported(worker.handle(McCommand::Export(ExportKind::Config), STILL));
    let saved = export::read(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let times: Vec<(f64, Option<bool>, Option<Mode>)> = (saved.changes.iter())
        .map(|c| (c.at_ms, c.target, c.mode))
        .collect();
    assert_eq!(
        times,
        [
            (0.0, Some(false), None),
            (280.0, Some(true), None),
            (490.0, None, Some(Mode::SteadyState)),
            (1490.0, None, Some(Mode::Full)),
        ]
    );
    // As `bioprop run --config FILE --steps 16` does, logging every 5 patterns.
    let (mut circuit, mut replay) = Replay::build(&saved).unwrap();
    for end in [5, 10, 15, 16] {
        replay.advance_to(&mut circuit, end).unwrap();
    }
    assert_eq!(circuit.patterns(), 16);
    assert_eq!(circuit.weights_hash(), checkpoint.weights_hash);
    // And a pattern further, once the page gets there.
    let later = frame(worker.handle(McCommand::Step(100), STILL));
    assert_eq!(later.view.checkpoint.patterns, 17);
    replay.advance_to(&mut circuit, 17).unwrap();
    assert_eq!(circuit.weights_hash(), later.view.checkpoint.weights_hash);
    assert_ne!(later.view.checkpoint.weights_hash, checkpoint.weights_hash);
}

#[test]
fn the_microcircuit_in_the_steady_state_takes_its_hash_every_frame() {
    let (settings, _) = MicrocircuitSettings::from_query("?page=microcircuit&mode=steady&speed=50");
    let mut sim = MicrocircuitSim::build(&settings);
    // Half a pattern a frame: every other frame ends one.
    for frames in 1..=5u64 {
        Model::advance(&mut sim, 50, f64::INFINITY, STILL).unwrap();
        assert_eq!(sim.checkpoint.patterns, frames / 2);
    }
    let saved = export::read(&sim.saved.to_json()).unwrap();
    let (mut circuit, mut replay) = Replay::build(&saved).unwrap();
    replay.advance_to(&mut circuit, 2).unwrap();
    assert_eq!(circuit.weights_hash(), sim.checkpoint.weights_hash);
}

type CbCommand = Command<CerebellumSettings, CerebellumSettings>;

#[test]
fn the_cerebellum_pages_saved_run_replays_its_live_changes() {
    let (settings, notices) = CerebellumSettings::from_query("?page=cerebellum&speed=500");
    assert!(notices.is_empty(), "{notices:?}");
    let mut worker = Host::<CerebellumModel>::default();
    worker.handle(CbCommand::Configure(Box::new(settings.clone())), STILL);
    worker.handle(CbCommand::Step(700), STILL);
    // New spectacles at step 700, then a smaller beta at 1200.
    let mut next = settings.clone();
    next.spectacles = 0.5;
    worker.handle(CbCommand::Change(next.clone()), STILL);
    worker.handle(CbCommand::Step(500), STILL);
    next.beta = Some(0.5);
    worker.handle(CbCommand::Change(next.clone()), STILL);
    let last = frame(worker.handle(CbCommand::Step(800), STILL));
    assert_eq!(last.view.snapshot.step, 2000);
    assert_eq!(
        cerebellum_worker::cli_command(2000),
        "bioprop run --config bioprop-cerebellum-config.json --steps 2000"
    );

    let text = exported(worker.handle(CbCommand::Export(ExportKind::Config), STILL));
    let (config, changes) = cerebellum_export::read_run(&text).unwrap();
    assert_eq!(
        config,
        settings.config(),
        "the configuration it was built with"
    );
    let at: Vec<u64> = changes.iter().map(|c| c.at_step).collect();
    assert_eq!(at, [700, 1200]);
    // Replayed as the command line does: each change at its step.
    let mut cerebellum = Cerebellum::new(&config).unwrap();
    for change in &changes {
        cerebellum
            .step(change.at_step - cerebellum.steps())
            .unwrap();
        cerebellum.retune(&change.config).unwrap();
    }
    cerebellum.step(2000 - cerebellum.steps()).unwrap();
    assert_eq!(cerebellum.weights_hash(), last.view.weights_hash);
    // Without the changes, another run.
    let mut unchanged = Cerebellum::new(&config).unwrap();
    unchanged.step(2000).unwrap();
    assert_ne!(unchanged.weights_hash(), last.view.weights_hash);
}

#[test]
fn the_papers_task_saves_its_data_and_replays_to_the_hash_it_shows() {
    // The paper's task learns on the preset's teacher data, not a generated task: the
    // file must name it for the replay to learn the same weights.
    let (settings, notices) =
        MicrocircuitSettings::from_query("?page=microcircuit&task=sacramento-2018&speed=70");
    assert!(notices.is_empty(), "{notices:?}");
    let mut worker = Host::<MicrocircuitSim>::default();
    worker.handle(McCommand::Configure(Box::new(settings)), STILL);
    let mut last = None;
    for _ in 0..5 {
        last = Some(frame(worker.handle(McCommand::Step(70), STILL)));
    }
    let checkpoint = last.expect("five frames").view.checkpoint;
    assert_eq!(checkpoint.patterns, 3, "350 ms of 100 ms patterns");

    let text = exported(worker.handle(McCommand::Export(ExportKind::Config), STILL));
    let saved = export::read(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(saved.data.as_deref(), Some("sacramento-2018"), "{text}");
    let (mut circuit, mut replay) = Replay::build(&saved).unwrap();
    replay
        .advance_to(&mut circuit, checkpoint.patterns)
        .unwrap();
    assert_eq!(circuit.weights_hash(), checkpoint.weights_hash);
}
