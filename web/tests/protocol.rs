//! The worker's protocol, driven natively: what the page sends, what comes
//! back, and how the page's record of the runs follows it.
#![cfg(not(target_arch = "wasm32"))]

use bioprop::experiment::Experiment;
use bioprop::rule::RuleKind;
use bioprop::session::{RunsConfig, MAX_STEPS_PER_FRAME, RUNS_CONFIG_VERSION};
use bioprop::task::InitSpec;
use bioprop::ExperimentConfig;
use bioprop_web::pages::rules::runs::{Event, Runs};
use bioprop_web::pages::rules::settings::{Settings, MAX_SPEED, SPEED_MAX};
use bioprop_web::pages::rules::worker::{
    log_interval, max_speed_log_interval, runs_config, Command, Frame, Picture, TaskData, Trainer,
    Update, BOUNDARY_RESOLUTION, CURVE_POINTS,
};
use bioprop_web::shell::UrlSettings;

#[path = "support/wire.rs"]
mod wire;
use wire::{only_frame, over_the_wire, ticking_clock};

/// What the page sends for the URL query `query`: parsed once, on the page.
fn configure_command(query: &str) -> Command {
    let (settings, _notices) = Settings::from_query(query);
    Command::Configure(Box::new(runs_config(&settings).unwrap()))
}

fn configure(trainer: &mut Trainer, query: &str) -> (TaskData, Frame) {
    let mut updates = trainer.handle(over_the_wire(&configure_command(query)));
    assert_eq!(updates.len(), 2, "Configured, then a first frame");
    let Update::Frame(frame) = updates.pop().unwrap() else {
        panic!("a frame last")
    };
    let Update::Configured { data, .. } = updates.pop().unwrap() else {
        panic!("Configured first")
    };
    (data, *frame)
}

#[test]
fn the_default_page_compares_bp_and_fa_from_the_same_start() {
    let mut trainer = Trainer::new();
    let (data, frame) = configure(&mut trainer, "");
    assert_eq!(
        data,
        TaskData::None,
        "the linear teacher has nothing to plot"
    );
    let rules: Vec<_> = frame.runs.iter().map(|r| r.snapshot.rule.name()).collect();
    assert_eq!(rules, ["bp", "fa"]);
    let (bp, fa) = (&frame.runs[0].snapshot, &frame.runs[1].snapshot);
    assert_eq!(bp.step, 0);
    assert_eq!(bp.weights, fa.weights, "same initial forward weights");
    assert_eq!(
        bp.feedback, fa.feedback,
        "same B (unused by bp: the control)"
    );
    assert!(!frame.playing);

    let frame = only_frame(trainer.handle(Command::Step(10)));
    assert!(frame.runs.iter().all(|r| r.snapshot.step == 10));
    assert_ne!(
        frame.runs[0].snapshot.weights, frame.runs[1].snapshot.weights,
        "the rules learn differently"
    );
}

#[test]
fn frames_carry_each_history_row_once() {
    let mut trainer = Trainer::new();
    // speed 10 logs every 5 steps.
    configure(&mut trainer, "?task=xor&rule=fa&speed=10");
    assert_eq!(log_interval(10), 5);
    let mut steps = Vec::new();
    for _ in 0..4 {
        let frame = only_frame(trainer.handle(Command::Step(10)));
        steps.extend(frame.runs[0].new_metrics.iter().map(|m| m.step));
    }
    let expected: Vec<u64> = (1..=8).map(|i| i * 5).collect();
    let logged: Vec<u64> = steps.iter().copied().filter(|&s| s > 0).collect();
    assert_eq!(logged, expected);
}

#[test]
fn a_2d_task_sends_its_points_and_a_decision_boundary() {
    let mut trainer = Trainer::new();
    let (data, frame) = configure(&mut trainer, "?task=xor&rule=bp");
    let TaskData::Points(points) = data else {
        panic!("xor has points, got {data:?}")
    };
    let ones = points.iter().filter(|p| p.2 == 1).count();
    assert_eq!(ones * 2, points.len(), "balanced classes");
    // The labels follow XOR's sign rule, but for the few points that the
    // default input noise pushes across an axis.
    let same_sign_is_class_one = points
        .iter()
        .filter(|&&(x, y, c)| (x * y > 0.0) == (c == 1))
        .count();
    let agree = same_sign_is_class_one.max(points.len() - same_sign_is_class_one);
    assert!(
        agree * 10 >= points.len() * 9,
        "{agree} of {}",
        points.len()
    );
    match frame.runs[0].picture.as_ref() {
        Some(Picture::Boundary { resolution, values }) => {
            assert_eq!(*resolution, BOUNDARY_RESOLUTION);
            assert_eq!(values.len(), resolution * resolution);
            assert!(
                values.iter().all(|p| (0.0..=1.0).contains(p)),
                "probabilities"
            );
        }
        other => panic!("expected a boundary, got {other:?}"),
    }
}

#[test]
fn sine_sends_samples_and_a_fitted_curve() {
    let mut trainer = Trainer::new();
    let (data, frame) = configure(&mut trainer, "?task=sine&rule=bp");
    assert!(matches!(data, TaskData::Samples(ref s) if !s.is_empty()));
    match frame.runs[0].picture.as_ref() {
        Some(Picture::Curve(points)) => {
            assert_eq!(points.len(), CURVE_POINTS);
            assert_eq!(points.first().unwrap().0, -1.0);
            assert_eq!(points.last().unwrap().0, 1.0);
        }
        other => panic!("expected a curve, got {other:?}"),
    }
}

#[test]
fn a_divergence_stops_play_and_explains_itself() {
    let mut trainer = Trainer::new();
    configure(&mut trainer, "?rule=bp&lr=1000");
    let frame = only_frame(trainer.handle(Command::Play));
    assert!(frame.playing);
    let mut last = None;
    for _ in 0..100 {
        let Update::Frame(frame) = trainer.tick() else {
            panic!("ticks give frames")
        };
        if frame.runs[0].diverged.is_some() {
            last = Some(*frame);
            break;
        }
    }
    let frame = last.expect("lr = 1000 diverges");
    assert!(!frame.playing, "play stops");
    assert!(!trainer.playing());
    let message = frame.runs[0].diverged.as_ref().unwrap();
    assert!(message.contains("learning rate"), "{message}");
    // Play stays off for a diverged run; a reset brings it back.
    assert!(!only_frame(trainer.handle(Command::Play)).playing);
    let (_, frame) = configure(&mut trainer, "?rule=bp");
    assert!(frame.runs[0].diverged.is_none());
    assert!(only_frame(trainer.handle(Command::Play)).playing);
}

#[test]
fn bad_live_settings_are_refused_without_stopping_the_runs() {
    let mut trainer = Trainer::new();
    configure(&mut trainer, "?task=xor&rule=fa");
    let updates = trainer.handle(Command::SetLearningRates(vec![f32::NAN]));
    assert!(
        matches!(&updates[..], [Update::Rejected { message }] if message.contains("lr")),
        "{updates:?}"
    );
    let frame = only_frame(trainer.handle(Command::Step(3)));
    assert_eq!(frame.runs[0].snapshot.step, 3);
}

#[test]
fn resampling_feedback_gives_every_run_the_same_new_b() {
    let mut trainer = Trainer::new();
    let (_, before) = configure(&mut trainer, "?task=xor&compare=fa,kp");
    let after = only_frame(trainer.handle(Command::ResampleFeedback));
    assert_ne!(
        before.runs[0].snapshot.feedback,
        after.runs[0].snapshot.feedback
    );
    assert_eq!(
        after.runs[0].snapshot.feedback,
        after.runs[1].snapshot.feedback
    );
}

#[test]
fn a_link_with_draw_n_starts_from_the_b_resampled_n_times() {
    let mut trainer = Trainer::new();
    configure(&mut trainer, "?task=xor&compare=fa,kp");
    trainer.handle(Command::ResampleFeedback);
    let resampled = only_frame(trainer.handle(Command::ResampleFeedback));
    // What Reset or the shared link sends after two resamples.
    let (_, linked) = configure(&mut Trainer::new(), "?task=xor&compare=fa,kp&draw=2");
    for (linked, resampled) in linked.runs.iter().zip(&resampled.runs) {
        assert_eq!(linked.snapshot.feedback, resampled.snapshot.feedback);
        assert_eq!(linked.snapshot.step, 0);
    }
    let (_, first) = configure(&mut Trainer::new(), "?task=xor&compare=fa,kp");
    assert_ne!(
        first.runs[0].snapshot.feedback,
        linked.runs[0].snapshot.feedback
    );
}

#[test]
fn the_page_record_follows_frames_and_ignores_stale_ones() {
    let mut trainer = Trainer::new();
    let mut runs = Runs::default();
    for update in trainer.handle(configure_command("?task=xor&compare=bp,fa&speed=2")) {
        assert_eq!(runs.apply(update), Event::Redraw);
    }
    assert_eq!(runs.runs.len(), 2);
    let old = trainer.handle(Command::Step(4));
    for update in trainer.handle(Command::Step(4)) {
        runs.apply(update);
    }
    let steps: Vec<u64> = runs.runs[1].history.iter().map(|m| m.step).collect();
    assert!(steps.windows(2).all(|w| w[0] < w[1]), "{steps:?}");
    assert_eq!(runs.runs[1].snapshot.step, 8);

    // A new generation makes frames of the old one stale.
    for update in trainer.handle(configure_command("?task=sine&rule=bp")) {
        runs.apply(update);
    }
    for update in old {
        assert_eq!(runs.apply(update), Event::Stale);
    }
    assert_eq!(runs.runs.len(), 1);
    assert_eq!(runs.runs[0].snapshot.step, 0);
}

#[test]
fn a_divergence_is_reported_once() {
    let mut trainer = Trainer::new();
    let mut runs = Runs::default();
    for update in trainer.handle(configure_command("?rule=fa&lr=1000")) {
        runs.apply(update);
    }
    let mut events = Vec::new();
    for _ in 0..50 {
        for update in trainer.handle(Command::Step(5)) {
            events.push(runs.apply(update));
        }
    }
    let diverged = events
        .iter()
        .filter(|e| matches!(e, Event::Diverged(_)))
        .count();
    assert_eq!(diverged, 1, "{events:?}");
}

#[test]
fn logging_keeps_to_about_two_rows_per_frame() {
    assert_eq!(log_interval(1), 1);
    assert_eq!(log_interval(2), 1);
    assert_eq!(log_interval(5), 2);
    assert_eq!(log_interval(2000), 1000);
}

#[test]
fn a_new_speed_changes_how_often_rows_are_logged() {
    let mut trainer = Trainer::new();
    configure(&mut trainer, "?task=xor&rule=fa&speed=2");
    assert!(trainer.handle(Command::SetSpeed(20)).is_empty());
    let frame = only_frame(trainer.handle(Command::Step(40)));
    let steps: Vec<u64> = frame.runs[0].new_metrics.iter().map(|m| m.step).collect();
    assert_eq!(steps, [10, 20, 30, 40], "every log_interval(20) = 10 steps");
}

/// The runs the worker built from the URL query before it received a typed
/// config: the page's settings read from `query`, one experiment per rule, rows
/// logged every `log_interval(speed)` steps, each trained `steps` steps.
fn runs_from_the_query(query: &str, steps: u64) -> Vec<Experiment> {
    let (settings, _notices) = Settings::from_query(query);
    settings
        .experiment_configs()
        .unwrap()
        .into_iter()
        .map(|mut config| {
            config.log_every = log_interval(settings.speed);
            let mut run = Experiment::new(&config).unwrap();
            run.step(steps).unwrap();
            run
        })
        .collect()
}

#[test]
fn the_typed_config_gives_the_runs_the_query_gave() {
    for query in [
        "",
        "?task=xor&compare=bp,fa,kp&speed=10",
        "?task=sine&rule=dfa&layers=1-12-8-1&seed=7",
        "?task=xor&rule=usf&lr=0.3&batch=4&noderiv=1&fbscale=2",
        "?compare=delta,bp",
    ] {
        let mut trainer = Trainer::new();
        let (_, first) = configure(&mut trainer, query);
        let reference = runs_from_the_query(query, 0);
        assert_eq!(first.runs.len(), reference.len(), "{query}");
        let frame = only_frame(trainer.handle(Command::Step(12)));
        let reference = runs_from_the_query(query, 12);
        for ((before, run), expected) in first.runs.iter().zip(&frame.runs).zip(&reference) {
            assert_eq!(run.snapshot, expected.snapshot(), "{query}");
            let history = [&before.new_metrics[..], &run.new_metrics[..]].concat();
            assert_eq!(history, expected.history(), "{query}");
        }
    }
}

#[test]
fn commands_survive_the_workers_encoding() {
    let mut experiment = ExperimentConfig::for_task(bioprop::TaskKind::Xor);
    // Internally tagged, which bincode alone cannot read back.
    experiment.weight_init = Some(InitSpec::Uniform { scale: 0.25 });
    experiment.feedback_init = Some(InitSpec::Xavier);
    let config = RunsConfig::new(
        vec![RuleKind::KolenPollack, RuleKind::FeedbackAlignment],
        experiment,
        40,
    );
    let command = Command::Configure(Box::new(config));
    assert_eq!(over_the_wire(&command), command);
    for command in [
        Command::Play,
        Command::Step(3),
        Command::SetLearningRates(vec![0.5, 0.05]),
    ] {
        assert_eq!(over_the_wire(&command), command);
    }
}

#[test]
fn the_page_sends_the_current_version_and_its_speed() {
    let (settings, _) = Settings::from_query("?task=xor&compare=fa,bp&speed=30");
    let config = runs_config(&settings).unwrap();
    assert_eq!(config.version, RUNS_CONFIG_VERSION);
    assert_eq!(
        config.rules,
        [RuleKind::FeedbackAlignment, RuleKind::Backprop]
    );
    assert_eq!(config.steps_per_frame, 30);
    assert_eq!(
        MAX_SPEED, MAX_STEPS_PER_FRAME,
        "the page's speed range is the config's"
    );
}

#[test]
fn a_config_the_worker_cannot_run_is_refused_and_the_runs_go_on() {
    let mut trainer = Trainer::new();
    configure(&mut trainer, "?task=xor&rule=fa");
    let Command::Configure(good) = configure_command("?task=xor&rule=bp") else {
        unreachable!()
    };
    let refused = [
        (
            RunsConfig {
                version: RUNS_CONFIG_VERSION + 1,
                ..(*good).clone()
            },
            "version",
        ),
        (
            RunsConfig {
                rules: vec![RuleKind::Backprop.into(), RuleKind::Backprop.into()],
                ..(*good).clone()
            },
            "twice",
        ),
        (
            RunsConfig {
                steps_per_frame: 0,
                ..(*good).clone()
            },
            "steps_per_frame",
        ),
        (
            RunsConfig {
                experiment: ExperimentConfig {
                    lr: -1.0,
                    ..good.experiment.clone()
                },
                ..(*good).clone()
            },
            "lr",
        ),
    ];
    for (config, field) in refused {
        let updates = trainer.handle(over_the_wire(&Command::Configure(Box::new(config))));
        assert!(
            matches!(&updates[..], [Update::Rejected { message }] if message.contains(field)),
            "{field}: {updates:?}"
        );
    }
    let frame = only_frame(trainer.handle(Command::Step(3)));
    assert_eq!(frame.runs.len(), 1);
    assert_eq!(frame.runs[0].snapshot.rule, RuleKind::FeedbackAlignment);
    assert_eq!(frame.runs[0].snapshot.step, 3, "the old runs still train");
}

#[test]
fn each_run_trains_at_its_own_rate_and_frames_say_which() {
    // Backprop at the shared rate, feedback alignment at its own.
    let (settings, notices) = Settings::from_query("?task=spirals&lr=0.08&lrs=fa:0.3");
    assert!(notices.is_empty(), "{notices:?}");
    let config = runs_config(&settings).unwrap();
    assert_eq!(config.experiment.lr, 0.08);
    assert_eq!(
        config.learning_rates,
        [(RuleKind::FeedbackAlignment.into(), 0.3)]
    );
    let mut trainer = Trainer::new();
    let (_, frame) = configure(&mut trainer, "?task=spirals&lr=0.08&lrs=fa:0.3");
    let rates: Vec<f32> = frame.runs.iter().map(|r| r.lr).collect();
    assert_eq!(rates, [0.08, 0.3]);

    // The same runs started at one rate and given these rates live take the same
    // step as the linked ones.
    let mut shared = Trainer::new();
    configure(&mut shared, "?task=spirals&lr=0.08");
    assert!(shared
        .handle(Command::SetLearningRates(vec![0.08, 0.3]))
        .is_empty());
    let live = only_frame(shared.handle(Command::Step(1)));
    let linked = only_frame(trainer.handle(Command::Step(1)));
    for (live, linked) in live.runs.iter().zip(&linked.runs) {
        assert_eq!(live.lr, linked.lr);
        assert_eq!(
            live.snapshot.weights, linked.snapshot.weights,
            "{}",
            live.snapshot.rule
        );
    }

    // A wrong count or a rate out of range changes no run.
    for rates in [
        vec![0.1],
        vec![0.1, 0.2, 0.3],
        vec![0.1, f32::NAN],
        vec![0.1, -1.0],
    ] {
        let updates = shared.handle(Command::SetLearningRates(rates.clone()));
        assert!(
            matches!(&updates[..], [Update::Rejected { message }] if message.contains("lr")),
            "{rates:?}: {updates:?}"
        );
        let frame = only_frame(shared.handle(Command::Step(0)));
        let now: Vec<f32> = frame.runs.iter().map(|r| r.lr).collect();
        assert_eq!(now, [0.08, 0.3], "{rates:?}");
    }
}

#[test]
fn legends_name_each_run_s_rate_when_the_rates_differ() {
    let mut runs = Runs::default();
    for update in Trainer::new().handle(configure_command("?task=xor&compare=bp,fa")) {
        runs.apply(update);
    }
    let labels: Vec<String> = runs.runs.iter().map(|r| runs.label(r)).collect();
    assert_eq!(
        labels,
        ["bp", "fa"],
        "one rate for all: the rule names alone"
    );
    let mut runs = Runs::default();
    for update in Trainer::new().handle(configure_command(
        "?task=xor&compare=bp,fa&lr=0.5&lrs=fa:0.05",
    )) {
        runs.apply(update);
    }
    let labels: Vec<String> = runs
        .series(|m| Some(m.train.loss))
        .iter()
        .map(|s| s.label.to_string())
        .collect();
    assert_eq!(labels, ["bp η 0.5", "fa η 0.05"]);
}

#[test]
fn new_runs_take_away_the_notices_of_the_runs_they_replace() {
    // On the linear teacher (linear units) a rate of 0.5 makes the loss overflow
    // within ten steps (the task's rate is 0.005).
    let query = "?compare=bp,fa&lr=0.5";
    let mut trainer = Trainer::new();
    let mut runs = Runs::default();
    for update in trainer.handle(configure_command(query)) {
        runs.apply(update);
    }
    let mut said = Vec::new();
    for _ in 0..50 {
        for update in trainer.handle(Command::Step(10)) {
            if let Event::Diverged(message) = runs.apply(update) {
                said.push(message);
            }
        }
        if runs.runs.iter().all(|r| r.diverged.is_some()) {
            break;
        }
    }
    assert!(!said.is_empty(), "the runs diverge");
    assert!(said[0].contains("(η = 0.5)"), "{}", said[0]);
    assert!(said[0].contains("learning rate"), "{}", said[0]);
    let shown: Vec<String> = runs
        .runs
        .iter()
        .filter_map(|r| r.diverged.clone())
        .collect();
    // The lecturer lowers η after the divergence and steps: the frames now word the
    // divergence with the new rate, but the page keeps the notice it showed.
    for update in trainer.handle(Command::SetLearningRates(vec![0.05, 0.05])) {
        runs.apply(update);
    }
    for update in trainer.handle(Command::Step(1)) {
        if let Update::Frame(frame) = &update {
            assert!(
                frame.runs.iter().any(|r| r
                    .diverged
                    .as_ref()
                    .is_some_and(|m| m.contains("(η = 0.05)"))),
                "the worker words it with the rate now"
            );
        }
        runs.apply(update);
    }
    let kept: Vec<String> = runs
        .runs
        .iter()
        .filter_map(|r| r.diverged.clone())
        .collect();
    assert_eq!(kept, shown, "the page keeps the message it showed");
    let mut replaced = None;
    for update in trainer.handle(configure_command("?compare=bp,fa")) {
        if let Event::Replaced(stale) = runs.apply(update) {
            replaced = Some(stale);
        }
    }
    assert_eq!(replaced, Some(shown));
}

#[test]
fn speed_max_reads_from_the_link_and_goes_to_the_worker_as_its_own_command() {
    let (settings, notices) = Settings::from_query("?task=xor&speed=max");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(settings.speed, SPEED_MAX);
    assert!(
        settings.to_query().contains("speed=max"),
        "{}",
        settings.to_query()
    );
    // The config has no `max`: it carries the top speed, and SetSpeed says `max`.
    let config = runs_config(&settings).unwrap();
    assert_eq!(config.steps_per_frame, MAX_SPEED);
    let wire = over_the_wire(&Command::SetSpeed(SPEED_MAX));
    assert_eq!(wire, Command::SetSpeed(SPEED_MAX));
}

#[test]
fn speed_max_trains_for_the_frame_budget_and_logs_about_a_row_every_two_frames() {
    let mut trainer = Trainer::new();
    configure(&mut trainer, "?task=xor&compare=bp,fa");
    assert!(trainer.handle(Command::SetSpeed(SPEED_MAX)).is_empty());
    only_frame(trainer.handle(Command::Play));
    let clock = ticking_clock();
    let mut steps = 0;
    let mut rows = Vec::new();
    let mut pictures = Vec::new();
    let mut hashed = Vec::new();
    for _ in 0..6 {
        let Update::Frame(frame) = trainer.tick_with(&clock) else {
            panic!("ticks give frames")
        };
        let trained = frame.runs[0].snapshot.step - steps;
        steps = frame.runs[0].snapshot.step;
        // 5 ms a chunk, about a step a chunk at that rate: the budget stops the frame
        // after five or six.
        assert!((3..=8).contains(&trained), "{trained}");
        assert!(
            frame.runs.iter().all(|r| r.snapshot.step == steps),
            "lockstep"
        );
        rows.push(frame.runs[0].new_metrics.len());
        pictures.push(frame.runs.iter().all(|r| r.picture.is_some()));
        hashed.push(frame.runs.iter().all(|r| r.weights_hash.is_some()));
    }
    // After the first frame sets the interval (a power of two of two frames' steps),
    // about a row every two frames: never more than two in a frame, and rows keep
    // coming.
    assert!(rows[1..].iter().all(|&n| n <= 2), "{rows:?}");
    let logged: usize = rows[1..].iter().sum();
    assert!((2..=5).contains(&logged), "{rows:?}");
    let every = max_speed_log_interval(steps);
    assert!(every.is_power_of_two());
    // A picture every third frame; the page keeps the last one in between.
    assert_eq!(pictures, [false, false, true, false, false, true]);
    // The weights' hash comes with the pictures (hashing every weight each frame
    // would cost the worker a few percent of its training at digit sizes).
    assert_eq!(hashed, pictures);
    // Back to a set speed: rows every log_interval(speed) steps again.
    trainer.handle(Command::SetSpeed(10));
    trainer.handle(Command::Pause);
    let frame = only_frame(trainer.handle(Command::Step(10)));
    let logged: Vec<u64> = frame.runs[0]
        .new_metrics
        .iter()
        .map(|m| m.step % 5)
        .collect();
    assert!(
        !logged.is_empty() && logged.iter().all(|&r| r == 0),
        "{logged:?}"
    );
}

#[test]
fn the_log_interval_at_max_is_the_power_of_two_below_a_frames_steps() {
    assert_eq!(max_speed_log_interval(0), 1);
    assert_eq!(max_speed_log_interval(1), 1);
    assert_eq!(max_speed_log_interval(3), 2);
    assert_eq!(max_speed_log_interval(1000), 512);
    assert_eq!(max_speed_log_interval(1024), 1024);
    assert_eq!(
        log_interval(SPEED_MAX),
        1024,
        "before the first frame: as the top speed"
    );
}

#[test]
fn a_frame_without_a_picture_keeps_the_last_one() {
    let mut trainer = Trainer::new();
    let mut runs = Runs::default();
    for update in trainer.handle(over_the_wire(&configure_command("?task=xor&rule=fa"))) {
        runs.apply(update);
    }
    let first = runs.runs[0].picture.clone().expect("a boundary");
    let first_hash = (runs.runs[0].hashed_step, runs.runs[0].weights_hash);
    assert_eq!(first_hash.0, 0);
    trainer.handle(Command::SetSpeed(SPEED_MAX));
    trainer.handle(Command::Play);
    let clock = ticking_clock();
    let Update::Frame(frame) = trainer.tick_with(&clock) else {
        panic!("a frame")
    };
    assert!(
        frame.runs[0].picture.is_none(),
        "the first frame at max has none"
    );
    runs.apply(Update::Frame(frame));
    assert!(runs.runs[0].snapshot.step > 0);
    assert_eq!(runs.runs[0].picture, Some(first), "kept");
    // So is the hash, with the step it was taken at, which the reproduction readout
    // names beside it.
    assert_eq!(
        (runs.runs[0].hashed_step, runs.runs[0].weights_hash),
        first_hash
    );
    // A frame with a picture brings the hash at its own step.
    let frame = loop {
        let Update::Frame(frame) = trainer.tick_with(&clock) else {
            panic!("a frame")
        };
        if frame.runs[0].picture.is_some() {
            break frame;
        }
    };
    let (step, hash) = (frame.runs[0].snapshot.step, frame.runs[0].weights_hash);
    runs.apply(Update::Frame(frame));
    assert_eq!(
        (runs.runs[0].hashed_step, Some(runs.runs[0].weights_hash)),
        (step, hash)
    );
    assert_ne!(runs.runs[0].weights_hash, first_hash.1);
}

#[test]
fn the_benchmarks_core_speed_trains_every_run_and_refuses_unknown_names() {
    let now = std::cell::Cell::new(0.0);
    // Each reading of the clock a second after the last: 300 steps in one second.
    let clock = || {
        now.set(now.get() + 1000.0);
        now.get()
    };
    let speed =
        bioprop_web::pages::rules::worker::core_steps_per_second("xor", "bp,fa", 300, &clock);
    assert_eq!(speed, Ok(300.0));
    let unknown =
        bioprop_web::pages::rules::worker::core_steps_per_second("xor", "bp,zz", 10, &clock);
    assert!(unknown.unwrap_err().contains("zz"));
    assert!(
        bioprop_web::pages::rules::worker::core_steps_per_second("mnist!", "bp", 10, &clock)
            .is_err()
    );
}

/// Each run's weights after `steps` steps of the runs the page configures for `query`.
fn weights_after(query: &str, steps: u64) -> Vec<Vec<Option<bioprop::experiment::Matrix>>> {
    let mut trainer = Trainer::new();
    configure(&mut trainer, query);
    let frame = only_frame(trainer.handle(Command::Step(steps)));
    frame.runs.into_iter().map(|r| r.snapshot.weights).collect()
}

#[test]
fn composed_rules_run_bit_for_bit_as_the_rules_they_equal() {
    // The builder's compositions in one comparison, and the named rules they equal —
    // feedback alignment without f′ as the page-wide "without f′" always ran it.
    let composed = weights_after(
        "?task=xor&compare=custom:wt,custom:b.no-fprime,custom:b.learn&seed=7",
        40,
    );
    let named = weights_after("?task=xor&compare=bp,kp&seed=7", 40);
    let fa_without = weights_after("?task=xor&rule=fa&noderiv=1&seed=7", 40);
    assert_eq!(composed[0], named[0], "custom:wt is backprop");
    assert_eq!(composed[2], named[1], "custom:b.learn is Kolen–Pollack");
    assert_eq!(
        composed[1], fa_without[0],
        "custom:b.no-fprime is FA without f′"
    );
    let fa_with = weights_after("?task=xor&rule=fa&seed=7", 40);
    assert_ne!(composed[1], fa_with[0], "dropping f′ changes the run");
}

#[test]
fn a_rule_with_and_without_f_prime_run_side_by_side_under_their_own_names() {
    let query = "?task=xor&compare=bp,custom:wt.no-fprime";
    let config = runs_config(&Settings::from_query(query).0).unwrap();
    assert!(!config.experiment.no_derivative);
    // The config the page sends reads back, over the wire, as the same runs.
    let Command::Configure(back) = over_the_wire(&Command::Configure(Box::new(config.clone())))
    else {
        panic!("not a Configure")
    };
    assert_eq!(*back, config);
    let mut trainer = Trainer::new();
    let (_, frame) = configure(&mut trainer, query);
    let names: Vec<String> = frame.runs.iter().map(|r| r.run.to_string()).collect();
    assert_eq!(names, ["bp", "custom:wt.no-fprime"]);
    let mut runs = Runs::default();
    runs.apply(Update::Configured {
        generation: frame.generation,
        data: TaskData::None,
    });
    runs.apply(Update::Frame(Box::new(frame)));
    let series = runs.series(|m| Some(m.train.loss));
    let labels: Vec<&str> = series.iter().map(|s| s.label.as_ref()).collect();
    assert_eq!(labels, ["bp", "bp no f′"]);
    assert_ne!(series[0].colour, series[1].colour);
    let after = only_frame(trainer.handle(Command::Step(20)));
    assert_ne!(
        after.runs[0].snapshot.weights,
        after.runs[1].snapshot.weights
    );
}

/// What the page saves for a comparison with composed runs, as `bioprop run --config`
/// reads it: core's CLI test (`core/tests/cli.rs`) trains this very file and checks
/// the hashes the CLI prints against the library's.
const PAGE_COMPARISON: &str = include_str!("../../core/tests/data/page-comparison.json");
const PAGE_COMPARISON_QUERY: &str =
    "?task=circles&compare=bp,custom:wt.no-fprime,custom:b.learn&lrs=custom:wt.no-fprime:0.05&draw=2";

#[test]
fn the_page_s_config_of_composed_runs_is_the_cli_s_and_trains_the_same_bits() {
    let (settings, notices) = Settings::from_query(PAGE_COMPARISON_QUERY);
    assert!(notices.is_empty(), "{notices:?}");
    let sent = runs_config(&settings).unwrap();
    let saved: RunsConfig = serde_json::from_str(PAGE_COMPARISON).unwrap_or_else(|e| {
        panic!(
            "{e}; the page sends {}",
            serde_json::to_string_pretty(&sent).unwrap()
        )
    });
    assert_eq!(
        sent,
        saved,
        "the page now sends {}",
        serde_json::to_string_pretty(&sent).unwrap()
    );
    // The worker's runs are the library's runs of the saved file, bit for bit.
    let mut library = saved.experiments().unwrap();
    let mut trainer = Trainer::new();
    configure(&mut trainer, PAGE_COMPARISON_QUERY);
    let frame = only_frame(trainer.handle(Command::Step(120)));
    for (run, worker) in library.iter_mut().zip(&frame.runs) {
        run.step(120).unwrap();
        assert_eq!(
            run.snapshot().weights,
            worker.snapshot.weights,
            "{}",
            worker.run
        );
    }
}

#[test]
fn every_frame_carries_each_runs_weights_hash_as_the_cli_prints_it() {
    let mut trainer = Trainer::new();
    configure(&mut trainer, "?task=xor&compare=bp,fa&seed=3");
    let frame = only_frame(trainer.handle(Command::Step(7)));
    // The reference: the same config built and stepped by core directly, as
    // `bioprop run --config` does.
    let Command::Configure(config) = configure_command("?task=xor&compare=bp,fa&seed=3") else {
        unreachable!()
    };
    for (run, experiment) in frame.runs.iter().zip(config.experiment_configs().unwrap()) {
        let mut reference = Experiment::new(&experiment).unwrap();
        reference.step(7).unwrap();
        assert_eq!(run.snapshot.step, 7);
        assert_eq!(
            run.weights_hash,
            Some(reference.weights_hash()),
            "{}",
            run.snapshot.rule
        );
    }
    assert_ne!(frame.runs[0].weights_hash, frame.runs[1].weights_hash);
}

#[test]
fn export_matrices_answers_with_every_runs_whole_matrices_as_json() {
    use bioprop_web::pages::rules::worker::matrices::RunMatrices;
    let mut trainer = Trainer::new();
    // No runs yet: refused with a message, not a panic.
    let updates = trainer.handle(over_the_wire(&Command::ExportMatrices));
    assert!(
        matches!(updates.as_slice(), [Update::Rejected { message }] if message.contains("no runs")),
        "{updates:?}"
    );
    // 2-40-40-2: W_2 has 1600 entries; the JSON has every one.
    configure(&mut trainer, "?task=xor&compare=bp,dfa&layers=2-40-40-2");
    let frame = only_frame(trainer.handle(Command::Step(5)));
    let updates = trainer.handle(over_the_wire(&Command::ExportMatrices));
    let [Update::Matrices { generation, json }] = <[Update; 1]>::try_from(updates).unwrap() else {
        panic!("matrices")
    };
    assert_eq!(generation, frame.generation);
    let runs: Vec<RunMatrices> = serde_json::from_str(&json).unwrap();
    assert_eq!(runs.len(), 2);
    for (exported, run) in runs.iter().zip(&frame.runs) {
        assert_eq!(exported.rule, run.snapshot.rule.name());
        assert_eq!(exported.step, 5);
        assert_eq!(exported.layers, [2, 40, 40, 2]);
        assert_eq!(
            exported.weights_hash,
            format!("{:016x}", run.weights_hash.unwrap())
        );
        let shapes: Vec<(usize, usize)> =
            exported.weights.iter().map(|w| (w.rows, w.cols)).collect();
        assert_eq!(shapes, [(40, 2), (40, 40), (2, 40)]);
        assert!(exported
            .weights
            .iter()
            .all(|w| w.data.len() == w.rows * w.cols));
        assert_eq!(
            exported.biases.iter().map(Vec::len).collect::<Vec<_>>(),
            [40, 40, 2]
        );
        // The snapshot's own copy of W_1 (small enough to travel) is the same numbers.
        assert_eq!(Some(&exported.weights[0]), run.snapshot.weights[0].as_ref());
    }
    // Feedback: B_{k+1} (n_k, n_{k+1}) for bp's unused B; D_k (n_k, n_L) for DFA.
    let feedback = |i: usize| -> Vec<(usize, usize)> {
        runs[i].feedback.iter().map(|f| (f.rows, f.cols)).collect()
    };
    assert_eq!(feedback(0), [(40, 40), (40, 2)]);
    assert_eq!(feedback(1), [(40, 2), (40, 2)]);
    // The page saves the file as it comes: its record hands the JSON on.
    let mut runs = Runs::default();
    runs.apply(Update::Configured {
        generation: 1,
        data: TaskData::None,
    });
    assert_eq!(
        runs.apply(Update::Matrices {
            generation: 1,
            json: "[]".into()
        }),
        Event::Matrices(std::rc::Rc::new("[]".into()))
    );
    // An answer about runs since replaced is dropped.
    assert_eq!(
        runs.apply(Update::Matrices {
            generation: 0,
            json: "[]".into()
        }),
        Event::Stale
    );
}

#[test]
fn read_config_reads_an_imported_file_in_the_worker_or_names_what_is_wrong() {
    use bioprop_web::pages::rules::export::{apply_import, config_json};
    let mut trainer = Trainer::new();
    configure(&mut trainer, "?task=xor&rule=fa");
    let (page, _) = Settings::from_query("?task=moons&compare=bp,kp&seed=4");
    let text = config_json(&page, None).unwrap();
    let updates = trainer.handle(over_the_wire(&Command::ReadConfig {
        name: "moons.json".into(),
        text,
    }));
    let [Update::ConfigRead { name, read }] = <[Update; 1]>::try_from(updates).unwrap() else {
        panic!("read")
    };
    assert_eq!(name, "moons.json");
    // The page applies what the worker read: the same runs as the settings exported.
    let imported = apply_import(&read, &Settings::default()).unwrap();
    assert_eq!(runs_config(&imported), runs_config(&page));
    // A bad file: refused naming the file and the problem; the runs go on as they were.
    let updates = trainer.handle(over_the_wire(&Command::ReadConfig {
        name: "bad.json".into(),
        text: "{ nope".into(),
    }));
    assert!(
        matches!(updates.as_slice(), [Update::Rejected { message }]
            if message.starts_with("import bad.json: not JSON")
                && message.ends_with("the run on screen and its settings are unchanged")),
        "{updates:?}"
    );
    let frame = only_frame(trainer.handle(Command::Step(1)));
    assert_eq!(frame.runs.len(), 1);
    assert_eq!(frame.runs[0].snapshot.rule, RuleKind::FeedbackAlignment);
    assert_eq!(frame.runs[0].snapshot.step, 1);
}

/// The CLI's `--print-config` for `run --task xor --rule kp --kp-decay 0.99`; core's CLI
/// test (`core/tests/cli.rs`) checks the CLI still prints it and trains it as the
/// library does.
const CLI_KP_DECAY: &str = include_str!("../../core/tests/data/cli-kp-decay.json");

#[test]
fn the_page_s_kp_decay_is_the_cli_s_and_trains_the_same_bits() {
    let query = "?task=xor&rule=kp&kpdecay=0.99&speed=1";
    let (settings, notices) = Settings::from_query(query);
    assert!(notices.is_empty(), "{notices:?}");
    let saved: RunsConfig = serde_json::from_str(CLI_KP_DECAY).unwrap();
    assert_eq!(runs_config(&settings).unwrap(), saved);
    let worker_hash = |query: &str| {
        let mut trainer = Trainer::new();
        configure(&mut trainer, query);
        only_frame(trainer.handle(Command::Step(120))).runs[0]
            .weights_hash
            .unwrap()
    };
    let mut library = saved.experiments().unwrap().remove(0);
    library.step(120).unwrap();
    assert_eq!(worker_hash(query), library.weights_hash());
    assert_ne!(
        worker_hash("?task=xor&rule=kp&speed=1"),
        library.weights_hash(),
        "the decay changes the run"
    );
}
