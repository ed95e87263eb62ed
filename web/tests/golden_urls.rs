//! Links that lecturers have published must keep opening the same demonstration.
//!
//! Each URL here was recorded from the app as it opened it when these tests were
//! written (the README's examples, one per page, one per task of the rules page,
//! and a few that set every key). The expected values are written out in full, not
//! taken from `Default`, so that changing a default — here or in core — fails a
//! test instead of silently changing what an old link shows. A change that really
//! means to alter old links must raise the URL's schema version instead.
#![cfg(not(target_arch = "wasm32"))]

use bioprop::cerebellum::{BasisKind, CerebellumTask};
use bioprop::experiment::layers_string;
use bioprop::microcircuit::{Mode, Start};
use bioprop::{Activation, RuleKind, TaskKind};
use bioprop_web::pages::cerebellum::settings::CerebellumSettings;
use bioprop_web::pages::microcircuit::settings::{CircuitTask, MicrocircuitSettings};
use bioprop_web::pages::rules::settings::{FeedbackView, Settings, Synapse, View};
use bioprop_web::shell::UrlSettings;

/// The rules page a bare URL opened when the links were recorded.
fn rules_page() -> Settings {
    Settings {
        task: TaskKind::LinearTeacher,
        rule: RuleKind::Backprop,
        compare: vec![
            RuleKind::Backprop.into(),
            RuleKind::FeedbackAlignment.into(),
        ],
        layers: None,
        activation: None,
        lr: None,
        // No `lrs` in these links: every run at `lr`, as before the key existed.
        learning_rates: vec![],
        batch: None,
        noise: None,
        seed: 1,
        speed: 5,
        no_derivative: false,
        feedback_scale: 1.0,
        kp_decay: bioprop::experiment::DEFAULT_KP_DECAY,
        // No `draw` in these links: the seed's own B, as before the key existed.
        draw: 0,
        feedback_view: FeedbackView::B,
        log_loss: true,
        autoplay: false,
        embed: false,
        views: vec![
            View::Network,
            View::Feedback,
            View::Alignment,
            View::Curves,
            View::Task,
        ],
        present: false,
        synapse: None,
        inspect: None,
    }
}

/// Opens `query` on the rules page and checks the settings, the notices (as
/// `key: message`) and every run's resolved configuration, written as
/// `rule layers activation lr batch noise train test seed noderiv fbscale`.
fn assert_rules_link(query: &str, settings: Settings, notices: &[&str], runs: &[&str]) {
    let (opened, got_notices) = Settings::from_query(query);
    assert_eq!(opened, settings, "settings of {query}");
    let got_notices: Vec<String> = got_notices.iter().map(|n| n.to_string()).collect();
    assert_eq!(got_notices, notices, "notices of {query}");
    let configs = opened
        .experiment_configs()
        .expect("a link opens valid runs");
    let got_runs: Vec<String> = configs
        .iter()
        .map(|c| {
            format!(
                "{} {} {} {} {} {} {} {} {} {} {}",
                c.rule.name(),
                layers_string(&c.layers),
                c.activation,
                c.lr,
                c.batch,
                c.task.noise,
                c.task.train_size,
                c.task.test_size,
                c.seed,
                c.no_derivative,
                c.feedback_scale
            )
        })
        .collect();
    assert_eq!(got_runs, runs, "runs of {query}");
}

#[test]
fn the_readme_links_open_as_recorded() {
    assert_rules_link(
        "",
        rules_page(),
        &[],
        &[
            "bp 30-20-10 linear 0.005 1 0 1000 200 1 false 1",
            "fa 30-20-10 linear 0.005 1 0 1000 200 1 false 1",
        ],
    );
    assert_rules_link(
        "?embed=1&autoplay=1",
        Settings {
            autoplay: true,
            embed: true,
            ..rules_page()
        },
        &[],
        &[
            "bp 30-20-10 linear 0.005 1 0 1000 200 1 false 1",
            "fa 30-20-10 linear 0.005 1 0 1000 200 1 false 1",
        ],
    );
    assert_rules_link(
        "?task=xor&compare=bp,fa,kp&autoplay=1",
        Settings {
            task: TaskKind::Xor,
            compare: vec![
                RuleKind::Backprop.into(),
                RuleKind::FeedbackAlignment.into(),
                RuleKind::KolenPollack.into(),
            ],
            autoplay: true,
            ..rules_page()
        },
        &[],
        &[
            "bp 2-8-8-2 tanh 0.1 10 0.05 500 200 1 false 1",
            "fa 2-8-8-2 tanh 0.1 10 0.05 500 200 1 false 1",
            "kp 2-8-8-2 tanh 0.1 10 0.05 500 200 1 false 1",
        ],
    );
    assert_eq!(
        CerebellumSettings::from_query("?page=cerebellum"),
        (cerebellum_page(), vec![])
    );
    assert_eq!(
        MicrocircuitSettings::from_query("?page=microcircuit"),
        (microcircuit_page(), vec![])
    );
    assert_eq!(
        MicrocircuitSettings::from_query(
            "?page=microcircuit&mode=steady&init=random&target=0&speed=2000&autoplay=1"
        ),
        (
            MicrocircuitSettings {
                mode: Mode::SteadyState,
                start: Start::Random,
                target: false,
                speed: 2000,
                autoplay: true,
                ..microcircuit_page()
            },
            vec![]
        )
    );
}

#[test]
fn every_task_of_the_rules_page_opens_as_recorded() {
    // (task, its runs' "layers activation lr batch noise train test" as recorded)
    let recorded = [
        (
            TaskKind::LinearTeacher,
            "30-20-10 linear 0.005 1 0 1000 200",
        ),
        (
            TaskKind::NonlinearTeacher,
            "30-50-10 tanh 0.02 10 0 1000 200",
        ),
        (TaskKind::Xor, "2-8-8-2 tanh 0.1 10 0.05 500 200"),
        (TaskKind::Circles, "2-8-8-2 tanh 0.1 10 0.05 500 200"),
        (TaskKind::Spirals, "2-16-16-2 tanh 0.3 10 0.05 500 200"),
        (TaskKind::Gaussians, "2-8-8-2 tanh 0.1 10 0.05 500 200"),
        (TaskKind::Moons, "2-8-8-2 tanh 0.1 10 0.05 500 200"),
        (TaskKind::Sine, "1-16-1 tanh 0.05 10 0.05 500 200"),
        // Recorded when the autoencoder came: the 8 patterns once each, exact targets.
        (TaskKind::Autoencoder, "8-3-8 tanh 0.5 8 0 8 8"),
        // Recorded when the digits came to the page: the images are loaded, not
        // generated, so train and test are the compact file's counts.
        (TaskKind::Digits, "784-100-10 tanh 0.1 32 0 12000 10000"),
    ];
    for (task, resolved) in recorded {
        assert_rules_link(
            &format!("?task={}", task.name()),
            Settings {
                task,
                ..rules_page()
            },
            &[],
            &[
                &format!("bp {resolved} 1 false 1"),
                &format!("fa {resolved} 1 false 1"),
            ],
        );
    }
}

#[test]
fn links_setting_every_key_open_as_recorded() {
    assert_rules_link(
        "?task=spirals&rule=dfa&layers=2-32-32-2&act=relu&lr=0.05&batch=8&noise=0.1&seed=42\
         &speed=100&noderiv=1&fbscale=2&fb=diff&logloss=0&autoplay=1&embed=1&views=curves,network",
        Settings {
            task: TaskKind::Spirals,
            rule: RuleKind::DirectFeedbackAlignment,
            compare: vec![],
            layers: Some(vec![2, 32, 32, 2]),
            activation: Some(Activation::Relu),
            lr: Some(0.05),
            learning_rates: vec![],
            batch: Some(8),
            noise: Some(0.1),
            seed: 42,
            speed: 100,
            no_derivative: true,
            feedback_scale: 2.0,
            kp_decay: bioprop::experiment::DEFAULT_KP_DECAY,
            draw: 0,
            feedback_view: FeedbackView::Difference,
            log_loss: false,
            autoplay: true,
            embed: true,
            views: vec![View::Curves, View::Network],
            present: false,
            synapse: None,
            inspect: None,
        },
        &[],
        &["dfa 2-32-32-2 relu 0.05 8 0.1 500 200 42 true 2"],
    );

    let full = "?page=cerebellum&task=vor&spectacles=-1&freq=5&edelay=0.1&eldelay=0.1&beta=3\
                &basis=alpha&speed=50&autoplay=1&embed=1";
    let (cerebellum, notices) = CerebellumSettings::from_query(full);
    assert_eq!(
        cerebellum,
        CerebellumSettings {
            task: CerebellumTask::Vor,
            teacher: false,
            spectacles: -1.0,
            freq: 5.0,
            error_delay: 0.1,
            eligibility_delay: 0.1,
            beta: Some(3.0),
            basis: BasisKind::Alpha,
            speed: 50,
            autoplay: true,
            embed: true,
        }
    );
    assert!(notices.is_empty(), "{notices:?}");
    let config = cerebellum.config();
    assert_eq!(
        (config.filter.beta, config.filter.tau_max, config.window),
        (3.0, 0.5, 2.0)
    );

    assert_eq!(
        MicrocircuitSettings::from_query(
            "?page=microcircuit&task=xor&mode=full&init=self-predicting&target=1&speed=10\
             &neuron=3&seed=9&autoplay=1&embed=1"
        ),
        (
            MicrocircuitSettings {
                task: CircuitTask::Generated(TaskKind::Xor),
                mode: Mode::Full,
                start: Start::SelfPredicting,
                target: true,
                speed: 10,
                neuron: 3,
                seed: 9,
                autoplay: true,
                embed: true,
                inspect: None,
            },
            vec![]
        )
    );
}

#[test]
fn the_cerebellum_tasks_open_with_their_recorded_defaults() {
    let vor = cerebellum_page().config();
    assert_eq!(
        (
            vor.filter.beta,
            vor.filter.count,
            vor.filter.tau_min,
            vor.filter.tau_max,
            vor.vor.spectacles,
            vor.signal.freq_hz,
            vor.window,
            vor.dt,
            vor.seed
        ),
        (1.0, 6, 0.02, 0.5, 2.0, 1.0, 2.0, 0.001, 1)
    );
    let (forward, notices) = CerebellumSettings::from_query("?page=cerebellum&task=forward-model");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(
        forward,
        CerebellumSettings {
            task: CerebellumTask::ForwardModel,
            ..cerebellum_page()
        }
    );
    let config = forward.config();
    assert_eq!(
        (
            config.filter.beta,
            config.window,
            config.plant.natural_freq_hz,
            config.plant.damping
        ),
        (20.0, 5.0, 2.0, 0.5)
    );
    let (teacher, notices) = CerebellumSettings::from_query("?page=cerebellum&task=distal-teacher");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(
        teacher,
        CerebellumSettings {
            task: CerebellumTask::ForwardModel,
            teacher: true,
            ..cerebellum_page()
        }
    );
    let config = teacher.teacher_config();
    assert_eq!(
        (
            config.babble_seconds,
            config.goal.freq_hz,
            config.goal.amplitude,
            config.controller_beta,
            config.forward_model.filter.beta
        ),
        (20.0, 1.0, 1.0, 2.0, 20.0)
    );
}

/// Presentation mode is one key: it changes only how the page is laid out, never
/// the runs, and a link without it opens as before.
#[test]
fn a_presentation_link_opens_the_same_runs_on_one_screen() {
    let runs = [
        "bp 30-20-10 linear 0.005 1 0 1000 200 1 false 1",
        "fa 30-20-10 linear 0.005 1 0 1000 200 1 false 1",
    ];
    assert_rules_link(
        "?present=1",
        Settings {
            present: true,
            ..rules_page()
        },
        &[],
        &runs,
    );
    assert_rules_link(
        "?present=0&autoplay=1",
        Settings {
            autoplay: true,
            ..rules_page()
        },
        &[],
        &runs,
    );
    assert_eq!(
        Settings {
            present: true,
            ..rules_page()
        }
        .to_query(),
        "?present=1"
    );
}

/// The delta rule's links: `?rule=delta` opens one layer as it always did; `synapse`
/// (added with the delta rule's own view) names the synapse written out.
#[test]
fn delta_links_open_one_layer() {
    assert_rules_link(
        "?rule=delta",
        Settings {
            rule: RuleKind::Delta,
            compare: vec![],
            ..rules_page()
        },
        &[],
        &["delta 30-10 linear 0.005 1 0 1000 200 1 false 1"],
    );
    assert_rules_link(
        "?task=xor&rule=delta&synapse=2-1",
        Settings {
            task: TaskKind::Xor,
            rule: RuleKind::Delta,
            compare: vec![],
            synapse: Some(Synapse {
                output: 2,
                input: 1,
            }),
            ..rules_page()
        },
        &[],
        &["delta 2-2 tanh 0.1 10 0.05 500 200 1 false 1"],
    );
}

/// A run's own learning rate (`lrs`) changes that run's rate only; the links
/// recorded before the key existed open as they did (every case above).
#[test]
fn a_link_giving_a_run_its_own_rate_changes_that_run_only() {
    assert_rules_link(
        "?task=spirals&lr=0.08&lrs=fa:0.3",
        Settings {
            task: TaskKind::Spirals,
            lr: Some(0.08),
            learning_rates: vec![(RuleKind::FeedbackAlignment.into(), 0.3)],
            ..rules_page()
        },
        &[],
        &[
            "bp 2-16-16-2 tanh 0.08 10 0.05 500 200 1 false 1",
            "fa 2-16-16-2 tanh 0.3 10 0.05 500 200 1 false 1",
        ],
    );
}

/// Every page words a notice the same way (`key: what (allowed: …); what is used`)
/// and lists the notices in the URL's order, through the shell's one reader.
#[test]
fn bad_links_give_the_recorded_notices() {
    assert_rules_link(
        "?lr=abc&task=arrays&bogus=1",
        rules_page(),
        &[
            "lr: 'abc' is not a number (allowed: a number in (0, 1000]); using the task's default 0.005",
            "task: task arrays needs uploaded data, which a link cannot carry (allowed: \
             linear-teacher, nonlinear-teacher, xor, circles, spirals, gaussians, moons, sine, \
             autoencoder); using linear-teacher",
            // The allowed keys include `draw`, the feedback draw, `lrs`, the runs' own
            // learning rates, `synapse`, the delta rule's chosen synapse, `inspect`, the
            // locality inspector's synapse, and `kpdecay`, Kolen–Pollack's decay, since they
            // exist.
            "bogus: unknown parameter 'bogus' (allowed: task, rule, compare, layers, act, lr, lrs, \
             batch, noise, seed, speed, noderiv, fbscale, kpdecay, draw, fb, logloss, autoplay, embed, views, \
             present, synapse, inspect); ignored",
        ],
        &[
            "bp 30-20-10 linear 0.005 1 0 1000 200 1 false 1",
            "fa 30-20-10 linear 0.005 1 0 1000 200 1 false 1",
        ],
    );
    let (cerebellum, notices) = CerebellumSettings::from_query("?page=cerebellum&freq=0&zzz=1");
    assert_eq!(cerebellum, cerebellum_page());
    let notices: Vec<String> = notices.iter().map(|n| n.to_string()).collect();
    assert_eq!(
        notices,
        [
            "freq: '0' is out of range (allowed: a number in (0, 50]); using 1",
            "zzz: unknown parameter 'zzz' (allowed: task, spectacles, freq, edelay, eldelay, \
             beta, basis, speed, autoplay, embed); ignored",
        ]
    );
    let (microcircuit, notices) =
        MicrocircuitSettings::from_query("?page=microcircuit&neuron=999&mode=fast");
    assert_eq!(microcircuit, microcircuit_page());
    let notices: Vec<String> = notices.iter().map(|n| n.to_string()).collect();
    assert_eq!(
        notices,
        [
            "mode: unknown mode 'fast' (allowed: full or steady); using full",
            "neuron: 999 is out of range for nonlinear-teacher (hidden layer 1 has 50 cells: \
             0 to 49); using 0",
        ]
    );
}

fn cerebellum_page() -> CerebellumSettings {
    CerebellumSettings {
        task: CerebellumTask::Vor,
        teacher: false,
        spectacles: 2.0,
        freq: 1.0,
        error_delay: 0.0,
        eligibility_delay: 0.0,
        beta: None,
        basis: BasisKind::Leaky,
        speed: 20,
        autoplay: false,
        embed: false,
    }
}

fn microcircuit_page() -> MicrocircuitSettings {
    MicrocircuitSettings {
        task: CircuitTask::Generated(TaskKind::NonlinearTeacher),
        mode: Mode::Full,
        start: Start::SelfPredicting,
        target: true,
        speed: 50,
        neuron: 0,
        seed: 1,
        autoplay: false,
        embed: false,
        inspect: None,
    }
}

#[test]
fn a_versioned_link_opens_like_the_unversioned_one() {
    for query in [
        "?task=xor&compare=bp,fa,kp&autoplay=1",
        "?embed=1&autoplay=1",
    ] {
        let versioned = format!("{query}&v=1");
        assert_eq!(
            Settings::from_query(&versioned),
            Settings::from_query(query),
            "{versioned}"
        );
    }
    let query = "?page=cerebellum&freq=5";
    assert_eq!(
        CerebellumSettings::from_query(&format!("{query}&v=1")),
        CerebellumSettings::from_query(query)
    );
    let query = "page=microcircuit&mode=steady";
    assert_eq!(
        MicrocircuitSettings::from_query(&format!("?v=1&{query}")),
        MicrocircuitSettings::from_query(query)
    );
}

/// Schema version 2 changed one default of the rules page: `spirals` trains at
/// learning rate 0.08 (at 0.3 backprop stalls; docs/science.md §3). Links of version
/// 1, or without a version, keep 0.3 (see `every_task_of_the_rules_page_opens_as_recorded`).
#[test]
fn version_2_links_open_with_the_rates_under_which_every_rule_learns() {
    assert_rules_link(
        "?task=spirals&v=2",
        Settings {
            task: TaskKind::Spirals,
            lr: Some(0.08),
            ..rules_page()
        },
        &[],
        &[
            "bp 2-16-16-2 tanh 0.08 10 0.05 500 200 1 false 1",
            "fa 2-16-16-2 tanh 0.08 10 0.05 500 200 1 false 1",
        ],
    );
    for version in ["", "&v=1"] {
        assert_rules_link(
            &format!("?task=spirals{version}"),
            Settings {
                task: TaskKind::Spirals,
                ..rules_page()
            },
            &[],
            &[
                "bp 2-16-16-2 tanh 0.3 10 0.05 500 200 1 false 1",
                "fa 2-16-16-2 tanh 0.3 10 0.05 500 200 1 false 1",
            ],
        );
    }
    // A rate of the link's own wins at every version.
    assert_rules_link(
        "?task=spirals&lr=0.3&v=2",
        Settings {
            task: TaskKind::Spirals,
            lr: Some(0.3),
            ..rules_page()
        },
        &[],
        &[
            "bp 2-16-16-2 tanh 0.3 10 0.05 500 200 1 false 1",
            "fa 2-16-16-2 tanh 0.3 10 0.05 500 200 1 false 1",
        ],
    );
    // Every other task opens at version 2 as at version 1.
    for task in [
        TaskKind::LinearTeacher,
        TaskKind::NonlinearTeacher,
        TaskKind::Xor,
        TaskKind::Circles,
        TaskKind::Gaussians,
        TaskKind::Moons,
        TaskKind::Sine,
    ] {
        let query = format!("?task={}", task.name());
        assert_eq!(
            Settings::from_query(&format!("{query}&v=2")),
            Settings::from_query(&query),
            "{query}"
        );
    }
    // A bad rate on a version-2 spirals link names the version-2 default.
    let (_, notices) = Settings::from_query("?task=spirals&lr=abc&v=2");
    let notices: Vec<String> = notices.iter().map(|n| n.to_string()).collect();
    assert_eq!(
        notices,
        ["lr: 'abc' is not a number (allowed: a number in (0, 1000]); using the task's default 0.08"]
    );
}

/// The page writes what it opened: a version-1 spirals link's page keeps saying
/// version 1 in the links it writes, so reopening one never changes its rate.
#[test]
fn an_old_spirals_link_writes_links_that_keep_its_rate() {
    let (opened, _) = Settings::from_query("?task=spirals");
    let written = opened.to_query();
    assert_eq!(written, "?task=spirals&v=1");
    assert_eq!(Settings::from_query(&written).0, opened);
    let (opened, _) = Settings::from_query("?task=spirals&v=2");
    assert_eq!(opened.to_query(), "?task=spirals&lr=0.08");
}

#[test]
fn an_exercise_link_keeps_giving_the_class_the_same_problem() {
    use bioprop::exercise::{Problem, QuestionKind, Weight};
    use bioprop_web::pages::exercise::settings::ExerciseSettings;
    let (settings, notices) = ExerciseSettings::from_query("?page=exercise&seed=17&q=fa");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(
        settings,
        ExerciseSettings {
            seed: 17,
            kind: QuestionKind::FaUpdate,
            embed: false,
        }
    );
    // Recorded from core when the page was written: the 3-2-2 network, its numbers and
    // the asked weight that a link with seed 17 shows.
    let problem = Problem::new(settings.seed, settings.kind);
    assert_eq!(
        (problem.hidden_activation, problem.output_activation),
        (Activation::Tanh, Activation::Sigmoid)
    );
    assert_eq!(problem.u, [0.6, 0.5, -0.5]);
    assert_eq!(problem.target, [0.9, 0.7]);
    assert_eq!(problem.w1, [[-0.5, -0.3, -0.5], [-0.2, 0.6, 0.3]]);
    assert_eq!(problem.w2, [[0.5, -0.2], [0.5, 0.1]]);
    assert_eq!(problem.b, [[-0.1, 0.3], [-0.6, 0.6]]);
    assert_eq!(problem.lr, 0.5);
    assert_eq!(problem.weight, Weight::Hidden { j: 0, k: 0 });
}

#[test]
fn lecture_links_open_the_step_they_name() {
    use bioprop_web::pages::tour::settings::TourSettings;
    // Step ids are the links' names for the steps: renaming one breaks a published link.
    for (query, id, embed) in [
        ("?page=tour", "delta-rule", false),
        (
            "?page=tour&step=weight-transport",
            "weight-transport",
            false,
        ),
        ("?page=tour&step=locality&v=2", "locality", false),
        (
            "?page=tour&step=concept-check&embed=1",
            "concept-check",
            true,
        ),
        (
            "?page=tour&step=cerebellum-delay",
            "cerebellum-delay",
            false,
        ),
        ("?page=tour&step=summary", "summary", false),
    ] {
        let (settings, notices) = TourSettings::from_query(query);
        assert!(notices.is_empty(), "{query}: {notices:?}");
        assert_eq!(settings.current().id, id, "{query}");
        assert_eq!(settings.embed, embed, "{query}");
    }
}
