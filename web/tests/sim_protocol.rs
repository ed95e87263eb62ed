//! The microcircuit's and the cerebellum's worker protocol, driven natively through
//! each page's worker engine ([`Host`], which `pages::worker` registers in the page's
//! own worker bundle): what the page sends (over the worker's bincode), what comes
//! back, and that it is what the simulation itself gives.
#![cfg(not(target_arch = "wasm32"))]

use std::fmt::Debug;

use bioprop_web::pages::cerebellum::settings::CerebellumSettings;
use bioprop_web::pages::cerebellum::worker::CerebellumModel;
use bioprop_web::pages::cerebellum::worker::CerebellumView;
use bioprop_web::pages::cerebellum::Sim as CerebellumSim;
use bioprop_web::pages::microcircuit::settings::MicrocircuitSettings;
use bioprop_web::pages::microcircuit::worker::Retune;
use bioprop_web::pages::microcircuit::Sim as MicrocircuitSim;
use bioprop_web::pages::rules::settings::Settings;
use bioprop_web::pages::rules::worker::{self as rules, Trainer};
use bioprop_web::shell::sim_page::{Effect, SimRecord};
use bioprop_web::shell::sim_worker::{Command, Engine, Host, Model, SimFrame, Update, TICK_FRAMES};
use bioprop_web::shell::UrlSettings;

#[path = "support/wire.rs"]
mod wire;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wire::over_the_wire;

#[path = "support/sim.rs"]
mod sim_support;
use sim_support::STILL;

fn send<M: Model>(worker: &mut Host<M>, command: Command<M::Job, M::Change>) -> Vec<Update<M::View>>
where
    Command<M::Job, M::Change>: Serialize + DeserializeOwned,
    Update<M::View>: Serialize + DeserializeOwned,
{
    let replies = worker.handle(over_the_wire(&command), STILL);
    // Replies go over the wire too.
    replies.iter().map(over_the_wire).collect()
}

fn one_frame<V: Debug>(updates: Vec<Update<V>>) -> SimFrame<V> {
    match <[Update<V>; 1]>::try_from(updates) {
        Ok([Update::Frame(frame)]) => *frame,
        other => panic!("expected one frame, got {other:?}"),
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
    let mut worker = Host::<MicrocircuitSim>::default();
    let first = one_frame(send(
        &mut worker,
        McCommand::Configure(Box::new(job.clone())),
    ));
    assert_eq!((first.generation, first.playing), (1, false));
    assert_eq!(first.view.snapshot.patterns, 0);
    let stepped = one_frame(send(&mut worker, McCommand::Step(1000)));
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
fn the_papers_task_in_the_worker_is_the_clis_preset_bit_for_bit() {
    use bioprop::microcircuit::preset;
    use bioprop_web::pages::microcircuit::sim::Phase;

    let (settings, job) = microcircuit("?page=microcircuit&task=sacramento-2018&seed=2");
    let mut worker = Host::<MicrocircuitSim>::default();
    let first = one_frame(send(
        &mut worker,
        McCommand::Configure(Box::new(job.clone())),
    ));
    assert_eq!(
        first.view.phase,
        Phase::PreTraining {
            until: Some(preset::PRETRAIN_PATTERNS)
        }
    );
    // Three patterns of the full model, in the page's frames of 50 simulated ms and
    // its chunks of 5 ms; a live change of the traced cell on the way, which carries
    // the page's target setting (on) and must not end the pre-training.
    for _ in 0..3 {
        send(&mut worker, McCommand::Step(50));
    }
    let mut next = settings.clone();
    next.neuron = 9;
    one_frame(send(&mut worker, McCommand::Change(Retune::of(&next))));
    let mut last = None;
    for _ in 0..3 {
        last = Some(one_frame(send(&mut worker, McCommand::Step(50))));
    }
    let last = last.unwrap();
    assert_eq!(last.view.snapshot.patterns, 3);
    assert!(!last.view.snapshot.target_on);
    assert!(last.view.switches.is_empty());

    // The reference: `bioprop run --rule microcircuit --preset sacramento-2018 --seed 2`.
    let mut cli =
        bioprop::Microcircuit::with_dataset(&preset::config(2), preset::dataset(2)).unwrap();
    cli.step(3).unwrap();
    let page = &worker.model().unwrap().circuit;
    assert_eq!(page.dataset(), cli.dataset());
    assert_eq!(page.weights(), cli.weights(), "the weights, bit for bit");
    assert_eq!(page.state(), cli.state(), "every potential and rate");
    assert_eq!(page.time_ms(), cli.time_ms());
    // The comparisons are the preset's reference networks on the same data.
    let bp = &worker.model().unwrap().comparisons[0];
    assert_eq!(bp.label, "BP");
    assert_eq!(
        bp.experiment.config().layers,
        preset::network_config(bioprop::RuleKind::Backprop, 2).layers
    );
}

#[test]
fn live_changes_keep_the_running_circuit_and_reset_starts_again() {
    let (settings, job) = microcircuit("?page=microcircuit&speed=200");
    let mut worker = Host::<MicrocircuitSim>::default();
    send(&mut worker, McCommand::Configure(Box::new(job.clone())));
    let before = one_frame(send(&mut worker, McCommand::Step(200)));
    assert!(before.view.snapshot.time_ms > 0.0);

    // The steady state, the target off and another traced cell: same circuit, same clock.
    let mut next = settings.clone();
    next.mode = bioprop::microcircuit::Mode::SteadyState;
    next.target = false;
    next.neuron = 7;
    let changed = one_frame(send(&mut worker, McCommand::Change(Retune::of(&next))));
    assert_eq!(changed.generation, before.generation);
    assert_eq!(changed.view.snapshot.time_ms, before.view.snapshot.time_ms);
    assert_eq!(changed.view.snapshot.mode, next.mode);
    assert!(!changed.view.snapshot.target_on);
    assert_eq!(changed.view.snapshot.probe.neuron, 7);
    assert_eq!(changed.view.switches.len(), 1, "the switch is on the meter");

    // A cell past the layer is refused, and the circuit goes on as it was.
    let mut past = Retune::of(&next);
    past.probe.neuron = 50;
    let refused = send(&mut worker, McCommand::Change(past));
    let [Update::Rejected { message }] = refused.as_slice() else {
        panic!("expected a refusal, got {refused:?}")
    };
    assert!(message.starts_with("neuron:"), "{message}");
    let after = one_frame(send(&mut worker, McCommand::Step(100)));
    assert_eq!(after.view.snapshot.probe.neuron, 7);

    let reset = one_frame(send(&mut worker, McCommand::Configure(Box::new(job))));
    assert_eq!(reset.generation, before.generation + 1);
    assert_eq!(reset.view.snapshot.time_ms, 0.0);
}

#[test]
fn playing_sends_a_frame_of_two_animation_frames_worth() {
    let (_, job) = microcircuit("?page=microcircuit&mode=steady");
    let mut worker = Host::<MicrocircuitSim>::default();
    send(&mut worker, McCommand::Configure(Box::new(job)));
    assert_eq!(worker.pace(), None, "paused: no frames due");
    send(&mut worker, McCommand::SetSpeed(300));
    let playing = one_frame(send(&mut worker, McCommand::Play));
    assert!(playing.playing);
    assert!(worker.pace().is_some());
    let ticked = one_frame(worker.tick(STILL));
    assert_eq!(ticked.view.snapshot.time_ms, 300.0 * f64::from(TICK_FRAMES));
    let paused = one_frame(send(&mut worker, McCommand::Pause));
    assert!(!paused.playing);
    assert_eq!(worker.pace(), None);
}

type CbCommand = Command<CerebellumSettings, CerebellumSettings>;

#[test]
fn the_cerebellum_steps_retunes_and_resets_in_the_worker() {
    let (settings, _) = CerebellumSettings::from_query("?page=cerebellum&speed=500&beta=0");
    let mut worker = Host::<CerebellumModel>::default();
    let first = one_frame(send(
        &mut worker,
        CbCommand::Configure(Box::new(settings.clone())),
    ));
    assert_eq!(first.view.snapshot.time, 0.0);
    assert_eq!(first.view.taus.len() + 1, first.view.snapshot.weights.len());
    let stepped = one_frame(send(&mut worker, CbCommand::Step(500)));
    assert_eq!(stepped.view.snapshot.time, 0.5);
    // With beta = 0 the eye follows the brainstem alone: E = -B H, gain exactly B = 1.
    assert_eq!(stepped.view.snapshot.gain, Some(1.0));
    let mut reference = CerebellumModel::Filter(Box::new(CerebellumSim::new(&settings.config())));
    reference.advance(500, f64::INFINITY, &|| 0.0).unwrap();
    assert_eq!(stepped.view, reference.view());

    // New spectacles retune the running filter: same clock, new target.
    let mut next = settings.clone();
    next.spectacles = 1.5;
    assert!(!settings.needs_rebuild(&next));
    let retuned = one_frame(send(&mut worker, CbCommand::Change(next.clone())));
    assert_eq!(retuned.view.snapshot.target_gain, 1.5);
    assert_eq!(retuned.view.snapshot.time, 0.5);

    // A change only a rebuild can make is refused, naming the setting.
    let mut rebuild = next.clone();
    rebuild.task = bioprop::cerebellum::CerebellumTask::ForwardModel;
    assert!(next.needs_rebuild(&rebuild));
    let refused = send(&mut worker, CbCommand::Change(rebuild));
    let [Update::Rejected { message }] = refused.as_slice() else {
        panic!("expected a refusal, got {refused:?}")
    };
    assert!(message.starts_with("settings:"), "{message}");

    let reset = one_frame(send(
        &mut worker,
        CbCommand::Configure(Box::new(next.clone())),
    ));
    assert_eq!((reset.generation, reset.view.snapshot.time), (2, 0.0));
}

#[test]
fn the_distal_teacher_runs_in_the_worker_as_it_does_natively() {
    let (settings, notices) =
        CerebellumSettings::from_query("?page=cerebellum&task=distal-teacher&speed=2000");
    assert!(notices.is_empty(), "{notices:?}");
    let mut worker = Host::<CerebellumModel>::default();
    let first = one_frame(send(
        &mut worker,
        CbCommand::Configure(Box::new(settings.clone())),
    ));
    let teacher = first.view.teacher.as_ref().expect("the teacher's view");
    assert_eq!(teacher.snapshot.time, 0.0);
    // 21 s: past the switch at 20 s, into stage 2.
    let mut stepped = first;
    for _ in 0..21 {
        stepped = one_frame(send(&mut worker, CbCommand::Step(1000)));
    }
    let mut reference = CerebellumModel::build(&settings);
    reference.advance(21_000, f64::INFINITY, &|| 0.0).unwrap();
    let CerebellumModel::Teacher(sim) = &reference else {
        panic!("the teacher's settings build the teacher")
    };
    let view = stepped.view.teacher.as_ref().unwrap();
    assert_eq!(view.snapshot, sim.teacher.snapshot());
    assert_eq!(view.snapshot.stage, bioprop::cerebellum::Stage::Reaching);
    assert!(!view.tracking_history.is_empty());
    // The filter's fields show the forward model, frozen since the switch.
    assert_eq!(stepped.view.snapshot.time, 20.0);
    assert_eq!(stepped.view.snapshot.weights, view.snapshot.model_weights);
    // A live change is refused: the page rebuilds the teacher instead.
    assert!(settings.needs_rebuild(&CerebellumSettings {
        beta: Some(5.0),
        ..settings.clone()
    }));
    let refused = send(&mut worker, CbCommand::Change(settings.clone()));
    assert!(
        matches!(refused.as_slice(), [Update::Rejected { .. }]),
        "{refused:?}"
    );
}

#[test]
fn a_diverged_cerebellum_pauses_and_says_so_once() {
    // The filter diverges with a large error delay at a high frequency and a high rate.
    let (settings, notices) =
        CerebellumSettings::from_query("?page=cerebellum&freq=5&edelay=0.1&beta=50&speed=2000");
    assert!(notices.is_empty(), "{notices:?}");
    let mut worker = Host::<CerebellumModel>::default();
    let mut record = SimRecord::<CerebellumView>::new(" Advice.");
    let mut apply = |updates: Vec<Update<CerebellumView>>| -> Vec<Effect> {
        updates
            .into_iter()
            .flat_map(|update| record.apply(update))
            .collect()
    };
    apply(send(
        &mut worker,
        CbCommand::Configure(Box::new(settings.clone())),
    ));
    send(&mut worker, CbCommand::SetSpeed(2000));
    apply(send(&mut worker, CbCommand::Play));
    let mut said = Vec::new();
    for _ in 0..200 {
        let effects = apply(worker.tick(STILL));
        said.extend(
            effects
                .into_iter()
                .filter(|e| matches!(e, Effect::Notice(_))),
        );
        if worker.pace().is_none() {
            break;
        }
    }
    assert_eq!(worker.pace(), None, "the divergence paused the worker");
    assert_eq!(said.len(), 1, "{said:?}");
    let Effect::Notice(text) = &said[0] else {
        unreachable!()
    };
    assert!(text.ends_with(" Advice."), "{text}");
    // Play starts again from naive weights, and the notice goes.
    let effects = apply(send(&mut worker, CbCommand::Play));
    assert_eq!(effects, vec![Effect::Withdraw(text.clone())]);
}

#[test]
fn each_pages_worker_runs_its_own_engine() {
    // What each worker bundle's loop drives (`shell::sim_worker::serve`): the rules
    // page's trainer, and a simulation host per simulated page, each speaking its own
    // page's messages.
    let mut trainer = Trainer::new();
    assert_eq!(Engine::pace(&trainer), None, "idle until its page speaks");
    let (settings, _) = Settings::from_query("");
    let configure = rules::Command::Configure(Box::new(rules::runs_config(&settings).unwrap()));
    let replies: Vec<rules::Update> = Engine::handle(&mut trainer, over_the_wire(&configure))
        .iter()
        .map(over_the_wire)
        .collect();
    assert!(matches!(
        replies.as_slice(),
        [rules::Update::Configured { .. }, rules::Update::Frame(_)]
    ));
    Engine::handle(&mut trainer, rules::Command::Play);
    assert!(Engine::pace(&trainer).is_some(), "playing: frames due");

    let (_, job) = microcircuit("?page=microcircuit");
    let mut circuit = Host::<MicrocircuitSim>::default();
    assert_eq!(Engine::pace(&circuit), None);
    let frame = one_frame(Engine::handle(
        &mut circuit,
        McCommand::Configure(Box::new(job)),
    ));
    assert_eq!(frame.generation, 1);
    Engine::handle(&mut circuit, McCommand::Play);
    assert!(Engine::pace(&circuit).is_some());

    let (settings, _) = CerebellumSettings::from_query("?page=cerebellum");
    let mut filter = Host::<CerebellumModel>::default();
    let frame = one_frame(Engine::handle(
        &mut filter,
        CbCommand::Configure(Box::new(settings)),
    ));
    assert_eq!((frame.generation, frame.view.snapshot.time), (1, 0.0));
}
