//! The microcircuit's and the cerebellum's worker protocol, driven natively through
//! the worker's one registrar ([`Hub`]): what the page sends (over the worker's
//! bincode), what comes back, and that it is what the simulation itself gives.
#![cfg(not(target_arch = "wasm32"))]

use bioprop_web::pages::cerebellum::settings::CerebellumSettings;
use bioprop_web::pages::cerebellum::worker::CerebellumView;
use bioprop_web::pages::cerebellum::Sim as CerebellumSim;
use bioprop_web::pages::microcircuit::settings::MicrocircuitSettings;
use bioprop_web::pages::microcircuit::worker::{MicrocircuitView, Retune};
use bioprop_web::pages::microcircuit::Sim as MicrocircuitSim;
use bioprop_web::pages::rules::settings::Settings;
use bioprop_web::pages::rules::worker as rules;
use bioprop_web::pages::worker::{Hub, Input, Output};
use bioprop_web::shell::sim_page::{Effect, SimRecord};
use bioprop_web::shell::sim_worker::{Command, Model, SimFrame, Update, TICK_FRAMES};
use bioprop_web::shell::UrlSettings;

/// A clock that never moves: no frame runs out of budget.
const STILL: &dyn Fn() -> f64 = &|| 0.0;

/// `input` after a trip through the worker's message encoding (gloo-worker's
/// bincode), as the worker receives it.
fn over_the_wire(input: Input) -> Input {
    bincode::deserialize(&bincode::serialize(&input).unwrap()).unwrap()
}

fn send(hub: &mut Hub, input: impl Into<Input>) -> Vec<Output> {
    let replies = hub.handle_with(over_the_wire(input.into()), STILL);
    // Replies go over the wire too.
    replies
        .into_iter()
        .map(|o| bincode::deserialize(&bincode::serialize(&o).unwrap()).unwrap())
        .collect()
}

fn microcircuit_frame(outputs: Vec<Output>) -> SimFrame<MicrocircuitView> {
    match <[Output; 1]>::try_from(outputs) {
        Ok([Output::Microcircuit(Update::Frame(frame))]) => *frame,
        other => panic!("expected one microcircuit frame, got {other:?}"),
    }
}

fn cerebellum_frame(outputs: Vec<Output>) -> SimFrame<CerebellumView> {
    match <[Output; 1]>::try_from(outputs) {
        Ok([Output::Cerebellum(Update::Frame(frame))]) => *frame,
        other => panic!("expected one cerebellum frame, got {other:?}"),
    }
}

fn microcircuit(query: &str) -> (MicrocircuitSettings, MicrocircuitSettings) {
    let (settings, notices) = MicrocircuitSettings::from_query(query);
    assert!(notices.is_empty(), "{notices:?}");
    (settings.clone(), settings)
}

type McCommand = Command<MicrocircuitSettings, Retune>;

#[test]
fn the_microcircuit_in_the_worker_is_the_simulation_itself() {
    let (_, job) = microcircuit("?page=microcircuit&mode=steady&speed=1000");
    let mut hub = Hub::default();
    let first = microcircuit_frame(send(&mut hub, McCommand::Configure(Box::new(job.clone()))));
    assert_eq!((first.generation, first.playing), (1, false));
    assert_eq!(first.view.snapshot.patterns, 0);
    let stepped = microcircuit_frame(send(&mut hub, McCommand::Step(1000)));
    // The reference: the same circuit advanced on its own.
    let mut reference = MicrocircuitSim::build(&job);
    Model::advance(&mut reference, 1000, f64::INFINITY, STILL).unwrap();
    assert_eq!(stepped.view, reference.view());
    // 1000 simulated ms of 100 ms patterns.
    assert_eq!(stepped.view.snapshot.patterns, 10);
    assert_eq!(
        stepped.view.curves.len(),
        4,
        "the circuit, BP, FA and shallow"
    );
    assert_eq!(stepped.view.curves[0].label, "microcircuit");
    assert!(stepped.view.energy.len() >= 10);
}

#[test]
fn live_changes_keep_the_running_circuit_and_reset_starts_again() {
    let (settings, job) = microcircuit("?page=microcircuit&speed=200");
    let mut hub = Hub::default();
    send(&mut hub, McCommand::Configure(Box::new(job.clone())));
    let before = microcircuit_frame(send(&mut hub, McCommand::Step(200)));
    assert!(before.view.snapshot.time_ms > 0.0);

    // The steady state, the target off and another traced cell: same circuit, same clock.
    let mut next = settings.clone();
    next.mode = bioprop::microcircuit::Mode::SteadyState;
    next.target = false;
    next.neuron = 7;
    let changed = microcircuit_frame(send(&mut hub, McCommand::Change(Retune::of(&next))));
    assert_eq!(changed.generation, before.generation);
    assert_eq!(changed.view.snapshot.time_ms, before.view.snapshot.time_ms);
    assert_eq!(changed.view.snapshot.mode, next.mode);
    assert!(!changed.view.snapshot.target_on);
    assert_eq!(changed.view.snapshot.probe.neuron, 7);
    assert_eq!(changed.view.switches.len(), 1, "the switch is on the meter");

    // A cell past the layer is refused, and the circuit goes on as it was.
    let mut past = Retune::of(&next);
    past.probe.neuron = 50;
    let refused = send(&mut hub, McCommand::Change(past));
    let [Output::Microcircuit(Update::Rejected { message })] = refused.as_slice() else {
        panic!("expected a refusal, got {refused:?}")
    };
    assert!(message.starts_with("neuron:"), "{message}");
    let after = microcircuit_frame(send(&mut hub, McCommand::Step(100)));
    assert_eq!(after.view.snapshot.probe.neuron, 7);

    let reset = microcircuit_frame(send(&mut hub, McCommand::Configure(Box::new(job))));
    assert_eq!(reset.generation, before.generation + 1);
    assert_eq!(reset.view.snapshot.time_ms, 0.0);
}

#[test]
fn playing_sends_a_frame_of_two_animation_frames_worth() {
    let (_, job) = microcircuit("?page=microcircuit&mode=steady");
    let mut hub = Hub::default();
    send(&mut hub, McCommand::Configure(Box::new(job)));
    assert_eq!(hub.pace_ms(), None, "paused: no frames due");
    send(&mut hub, McCommand::SetSpeed(300));
    let playing = microcircuit_frame(send(&mut hub, McCommand::Play));
    assert!(playing.playing);
    assert!(hub.pace_ms().is_some());
    let ticked = microcircuit_frame(hub.tick_with(STILL));
    assert_eq!(ticked.view.snapshot.time_ms, 300.0 * f64::from(TICK_FRAMES));
    let paused = microcircuit_frame(send(&mut hub, McCommand::Pause));
    assert!(!paused.playing);
    assert_eq!(hub.pace_ms(), None);
}

type CbCommand = Command<CerebellumSettings, CerebellumSettings>;

#[test]
fn the_cerebellum_steps_retunes_and_resets_in_the_worker() {
    let (settings, _) = CerebellumSettings::from_query("?page=cerebellum&speed=500&beta=0");
    let mut hub = Hub::default();
    let first = cerebellum_frame(send(
        &mut hub,
        CbCommand::Configure(Box::new(settings.clone())),
    ));
    assert_eq!(first.view.snapshot.time, 0.0);
    assert_eq!(first.view.taus.len() + 1, first.view.snapshot.weights.len());
    let stepped = cerebellum_frame(send(&mut hub, CbCommand::Step(500)));
    assert_eq!(stepped.view.snapshot.time, 0.5);
    // With beta = 0 the eye follows the brainstem alone: E = -B H, gain exactly B = 1.
    assert_eq!(stepped.view.snapshot.gain, Some(1.0));
    let mut reference = CerebellumSim::new(&settings.config());
    reference.advance(500).unwrap();
    assert_eq!(stepped.view, reference.view());

    // New spectacles retune the running filter: same clock, new target.
    let mut next = settings.clone();
    next.spectacles = 1.5;
    assert!(!settings.needs_rebuild(&next));
    let retuned = cerebellum_frame(send(&mut hub, CbCommand::Change(next.clone())));
    assert_eq!(retuned.view.snapshot.target_gain, 1.5);
    assert_eq!(retuned.view.snapshot.time, 0.5);

    // A change only a rebuild can make is refused, naming the setting.
    let mut rebuild = next.clone();
    rebuild.task = bioprop::cerebellum::CerebellumTask::ForwardModel;
    assert!(next.needs_rebuild(&rebuild));
    let refused = send(&mut hub, CbCommand::Change(rebuild));
    let [Output::Cerebellum(Update::Rejected { message })] = refused.as_slice() else {
        panic!("expected a refusal, got {refused:?}")
    };
    assert!(message.starts_with("settings:"), "{message}");

    let reset = cerebellum_frame(send(&mut hub, CbCommand::Configure(Box::new(next.clone()))));
    assert_eq!((reset.generation, reset.view.snapshot.time), (2, 0.0));
}

#[test]
fn a_diverged_cerebellum_pauses_and_says_so_once() {
    // The filter diverges with a large error delay at a high frequency and a high rate.
    let (settings, notices) =
        CerebellumSettings::from_query("?page=cerebellum&freq=5&edelay=0.1&beta=50&speed=2000");
    assert!(notices.is_empty(), "{notices:?}");
    let mut hub = Hub::default();
    let mut record = SimRecord::<CerebellumView>::new(" Advice.");
    let mut apply = |outputs: Vec<Output>| -> Vec<Effect> {
        outputs
            .into_iter()
            .flat_map(|o| match o {
                Output::Cerebellum(update) => record.apply(update),
                other => panic!("{other:?}"),
            })
            .collect()
    };
    apply(send(
        &mut hub,
        CbCommand::Configure(Box::new(settings.clone())),
    ));
    send(&mut hub, CbCommand::SetSpeed(2000));
    apply(send(&mut hub, CbCommand::Play));
    let mut said = Vec::new();
    for _ in 0..200 {
        let effects = apply(hub.tick_with(STILL));
        said.extend(
            effects
                .into_iter()
                .filter(|e| matches!(e, Effect::Notice(_))),
        );
        if hub.pace_ms().is_none() {
            break;
        }
    }
    assert_eq!(hub.pace_ms(), None, "the divergence paused the worker");
    assert_eq!(said.len(), 1, "{said:?}");
    let Effect::Notice(text) = &said[0] else {
        unreachable!()
    };
    assert!(text.ends_with(" Advice."), "{text}");
    // Play starts again from naive weights, and the notice goes.
    let effects = apply(send(&mut hub, CbCommand::Play));
    assert_eq!(effects, vec![Effect::Withdraw(text.clone())]);
}

#[test]
fn one_registrar_serves_every_page() {
    let mut hub = Hub::default();
    assert!(hub.tick_with(STILL).is_empty(), "idle until a page speaks");
    let (settings, _) = Settings::from_query("");
    let configure = rules::Command::Configure(Box::new(rules::runs_config(&settings).unwrap()));
    let replies = send(&mut hub, configure);
    assert!(matches!(
        replies.as_slice(),
        [
            Output::Rules(rules::Update::Configured { .. }),
            Output::Rules(rules::Update::Frame(_))
        ]
    ));
    // The page's bridge unwraps its own variant and nothing else.
    assert!(rules::Update::try_from(replies[0].clone()).is_ok());
    assert!(
        bioprop_web::pages::microcircuit::worker::Update::try_from(replies[0].clone()).is_err()
    );
    let (_, job) = microcircuit("?page=microcircuit");
    let frame = microcircuit_frame(send(&mut hub, McCommand::Configure(Box::new(job))));
    assert_eq!(frame.generation, 1, "a fresh engine for the new page");
}
