//! The delta rule's view, natively: the worker reports the watched synapse's update,
//! and the numbers the view writes out agree with an independent run of the core —
//! the weight change from the weights before and after one step, and
//! `Δw = −η (v − y) u` computed from the shown terms.
#![cfg(not(target_arch = "wasm32"))]

use bioprop::experiment::{Experiment, SynapseUpdate};
use bioprop::rule::RuleKind;
use bioprop_web::pages::rules::delta::{chosen, Readout};
use bioprop_web::pages::rules::runs::Runs;
use bioprop_web::pages::rules::settings::Settings;
use bioprop_web::pages::rules::worker::{log_interval, runs_config, Command, Frame, Trainer};
use bioprop_web::shell::UrlSettings;

#[path = "support/wire.rs"]
mod wire;
use wire::only_frame;

/// A trainer configured for `query`, watching its chosen synapse, as the page does.
fn trainer_for(query: &str) -> (Trainer, Settings) {
    let (settings, notices) = Settings::from_query(query);
    assert!(notices.is_empty(), "{query}: {notices:?}");
    let mut trainer = Trainer::new();
    let (output, input) = chosen(&settings).index();
    only_frame(trainer.handle(Command::Watch { output, input }));
    let updates = trainer.handle(Command::Configure(Box::new(
        runs_config(&settings).unwrap(),
    )));
    assert_eq!(updates.len(), 2, "Configured and a first frame");
    (trainer, settings)
}

/// The experiment the page's settings make, built here independently of the worker.
fn reference(settings: &Settings) -> Experiment {
    let mut config = settings.experiment_configs().unwrap().remove(0);
    config.log_every = log_interval(settings.speed);
    Experiment::new(&config).unwrap()
}

/// A number as the view shows it.
fn shown(text: &str) -> f64 {
    text.replace('−', "-")
        .parse()
        .unwrap_or_else(|_| panic!("'{text}' is not a number"))
}

/// Half a unit in the last decimal `text` shows.
fn half_unit(text: &str) -> f64 {
    let decimals = text.split_once('.').map_or(0, |(_, d)| d.len());
    0.5 * 10f64.powi(-(decimals as i32))
}

fn synapse_of(frame: &Frame) -> &SynapseUpdate {
    frame.runs[0]
        .synapse
        .as_ref()
        .expect("the delta run reports its synapse")
}

#[test]
fn the_readout_agrees_with_the_core_step_by_step() {
    let (mut trainer, settings) = trainer_for("?rule=delta&synapse=3-7");
    let (i, j) = (2, 6);
    let mut core = reference(&settings);
    let first = only_frame(trainer.handle(Command::Step(0)));
    assert_eq!(
        first.runs[0].synapse, None,
        "no update before the first step"
    );
    for step in 1..=5 {
        let before = core.network().weights()[0][[i, j]];
        core.step(1).unwrap();
        let after = core.network().weights()[0][[i, j]];
        let frame = only_frame(trainer.handle(Command::Step(1)));
        let update = synapse_of(&frame);
        assert_eq!((update.step, update.output, update.input), (step, i, j));
        // The worker's run is the reference's, bit for bit.
        assert_eq!(update.weight, after);
        let r = Readout::of(update);
        let (eta, v, y, u) = (
            shown(&r.eta),
            shown(&r.rows[0].v),
            shown(&r.rows[0].y),
            shown(&r.rows[0].u),
        );
        let dw = shown(&r.delta_w);
        assert_eq!(eta, 0.005);
        // Each shown number has 4 significant digits: their product is good to about 0.2 %.
        let lms = -eta * (v - y) * u;
        assert!(
            (dw - lms).abs() <= 2e-3 * lms.abs() + 1e-12,
            "step {step}: {dw} vs {lms}"
        );
        let change = f64::from(after - before);
        assert!(
            (dw - change).abs() <= 5e-4 * change.abs() + 1e-9,
            "step {step}: {dw} vs {change}"
        );
        assert!((shown(&r.rows[0].error) - (v - y)).abs() <= 1e-3 * (v - y).abs().max(1e-3));
        // w before and after, to the decimals shown.
        for (text, value) in [(&r.w_before, before), (&r.w_after, after)] {
            let error = (shown(text) - f64::from(value)).abs();
            assert!(
                error <= half_unit(text) * 1.01,
                "step {step}: {text} vs {value}"
            );
        }
    }
}

#[test]
fn a_minibatch_readout_is_the_mean_of_its_rows() {
    let (mut trainer, settings) = trainer_for("?task=xor&rule=delta&synapse=2-1");
    let mut core = reference(&settings);
    core.step(3).unwrap();
    let frame = only_frame(trainer.handle(Command::Step(3)));
    let update = synapse_of(&frame);
    assert_eq!(update.weight, core.network().weights()[0][[1, 0]]);
    let r = Readout::of(update);
    assert_eq!((r.batch, r.rows.len(), r.unlisted), (10, 10, 0));
    let mean = r
        .rows
        .iter()
        .map(|row| shown(&row.error) * shown(&row.u))
        .sum::<f64>()
        / 10.0;
    let scale = r
        .rows
        .iter()
        .map(|row| (shown(&row.error) * shown(&row.u)).abs())
        .sum::<f64>()
        / 10.0;
    assert!(
        (shown(&r.mean_product) - mean).abs() <= 2e-3 * scale,
        "{} vs {mean}",
        r.mean_product
    );
    let dw = shown(&r.delta_w);
    let lms = -shown(&r.eta) * shown(&r.mean_product);
    assert!(
        (dw - lms).abs() <= 1e-3 * lms.abs() + 1e-12,
        "{dw} vs {lms}"
    );
}

#[test]
fn watching_another_synapse_answers_at_once_and_lasts_across_a_reset() {
    let (mut trainer, settings) = trainer_for("?rule=delta");
    only_frame(trainer.handle(Command::Step(2)));
    let frame = only_frame(trainer.handle(Command::Watch {
        output: 9,
        input: 29,
    }));
    let update = synapse_of(&frame);
    assert_eq!((update.output, update.input, update.step), (9, 29, 2));
    // Reset: new runs, the same synapse watched.
    trainer.handle(Command::Configure(Box::new(
        runs_config(&settings).unwrap(),
    )));
    let frame = only_frame(trainer.handle(Command::Step(1)));
    assert_eq!(
        (synapse_of(&frame).output, synapse_of(&frame).input),
        (9, 29)
    );
    // A synapse the layer lacks gives nothing rather than a wrong number.
    let frame = only_frame(trainer.handle(Command::Watch {
        output: 10,
        input: 0,
    }));
    assert_eq!(frame.runs[0].synapse, None);
}

#[test]
fn only_delta_runs_carry_a_synapse_and_the_page_keeps_it() {
    let (mut trainer, _) = trainer_for("?task=xor");
    let frame = only_frame(trainer.handle(Command::Step(3)));
    assert!(frame.runs.iter().all(|r| r.synapse.is_none()));
    assert_eq!(frame.runs[0].snapshot.rule, RuleKind::Backprop);

    let (mut trainer, _) = trainer_for("?rule=delta");
    let mut runs = Runs::default();
    let (settings, _) = Settings::from_query("?rule=delta");
    for update in trainer.handle(Command::Configure(Box::new(
        runs_config(&settings).unwrap(),
    ))) {
        runs.apply(update);
    }
    for update in trainer.handle(Command::Step(4)) {
        runs.apply(update);
    }
    let kept = runs.runs[0]
        .synapse
        .as_deref()
        .expect("the page keeps the update");
    assert_eq!((kept.step, kept.output, kept.input), (4, 0, 0));
}
