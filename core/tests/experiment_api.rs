//! The experiment's public surface: validation errors, divergence, serde, snapshots,
//! predictions, and every task under every rule.

use bioprop::experiment::{MAX_PARAMETERS, MAX_UNITS, SNAPSHOT_MAX_ENTRIES};
use bioprop::task::TaskError;
use bioprop::{
    ConfigError, Dataset, Experiment, ExperimentConfig, InitSpec, OutputKind, RuleKind, StepError,
    TaskConfig, TaskKind,
};
use ndarray::Array2;

fn default_with(change: impl FnOnce(&mut ExperimentConfig)) -> ExperimentConfig {
    let mut config = ExperimentConfig::default();
    change(&mut config);
    config
}

fn error_of(change: impl FnOnce(&mut ExperimentConfig)) -> ConfigError {
    let config = default_with(change);
    let from_validate = config.validate().unwrap_err();
    let from_new = Experiment::new(&config).unwrap_err();
    // (Compared as text: NaN in an error is not equal to itself.)
    assert_eq!(from_validate.to_string(), from_new.to_string());
    from_validate
}

#[test]
fn the_default_is_the_linear_teacher_under_feedback_alignment() {
    let config = ExperimentConfig::default();
    assert_eq!(config.task.kind, TaskKind::LinearTeacher);
    assert_eq!(config.rule, RuleKind::FeedbackAlignment);
    assert_eq!(config.layers, vec![30, 20, 10]);
    assert_eq!(config.validate(), Ok(()));
    assert_eq!(
        config.resolved_weight_init(),
        InitSpec::Uniform { scale: 0.01 }
    );
    assert_eq!(
        config.resolved_feedback_init(),
        InitSpec::Uniform { scale: 0.5 }
    );
}

#[test]
fn every_task_default_is_a_valid_config() {
    for &kind in TaskKind::ALL {
        // The task names its activation as text; it must be one bioprop knows.
        let name = kind.defaults().activation_name;
        let activation: bioprop::Activation = name.parse().unwrap();
        let config = ExperimentConfig::for_task(kind);
        assert_eq!(config.activation, activation);
        assert_eq!(config.validate(), Ok(()), "{kind}");
    }
}

#[test]
fn out_of_range_numbers_name_the_field_and_the_range() {
    type Change = Box<dyn FnOnce(&mut ExperimentConfig)>;
    let cases: Vec<(Change, &str, &str)> = vec![
        (
            Box::new(|c| c.lr = f32::NAN),
            "lr",
            "`lr` must be in (0, 1000], got NaN",
        ),
        (
            Box::new(|c| c.lr = 0.0),
            "lr",
            "`lr` must be in (0, 1000], got 0",
        ),
        (Box::new(|c| c.lr = -0.5), "lr", "got -0.5"),
        (Box::new(|c| c.lr = 1000.5), "lr", "got 1000.5"),
        (Box::new(|c| c.lr = f32::INFINITY), "lr", "got inf"),
        (
            Box::new(|c| c.momentum = 1.0),
            "momentum",
            "`momentum` must be in [0, 1), got 1",
        ),
        (Box::new(|c| c.momentum = -0.1), "momentum", "in [0, 1)"),
        (
            Box::new(|c| c.weight_decay = 2.0),
            "weight_decay",
            "in [0, 1]",
        ),
        (
            Box::new(|c| c.kp_decay = 0.0),
            "kp_decay",
            "`kp_decay` must be in (0, 1], got 0",
        ),
        (Box::new(|c| c.kp_decay = 1.5), "kp_decay", "in (0, 1]"),
        (
            Box::new(|c| c.feedback_scale = -1.0),
            "feedback_scale",
            "in [0, 1000]",
        ),
        (
            Box::new(|c| c.feedback_scale = f32::NAN),
            "feedback_scale",
            "got NaN",
        ),
        (
            Box::new(|c| c.weight_init = Some(InitSpec::Uniform { scale: f32::NAN })),
            "weight_init.scale",
            "got NaN",
        ),
        (
            Box::new(|c| c.feedback_init = Some(InitSpec::Uniform { scale: -2.0 })),
            "feedback_init.scale",
            "got -2",
        ),
        (
            Box::new(|c| c.log_every = 0),
            "log_every",
            "`log_every` must be at least 1, got 0",
        ),
    ];
    for (change, field, message) in cases {
        let error = error_of(change);
        match &error {
            ConfigError::OutOfRange { field: f, .. } => assert_eq!(*f, field),
            other => panic!("expected OutOfRange for {field}, got {other:?}"),
        }
        assert!(
            error.to_string().contains(message),
            "{error} lacks {message}"
        );
    }
}

#[test]
fn bad_layer_lists_are_refused() {
    assert_eq!(
        error_of(|c| c.layers = vec![]),
        ConfigError::LayerCount { got: 0 }
    );
    assert_eq!(
        error_of(|c| c.layers = vec![30]),
        ConfigError::LayerCount { got: 1 }
    );
    assert_eq!(
        error_of(|c| c.layers = vec![30; 13]),
        ConfigError::LayerCount { got: 13 }
    );
    assert_eq!(
        error_of(|c| c.layers = vec![30, 0, 10]),
        ConfigError::LayerWidth { index: 1, got: 0 }
    );
    let absurd = error_of(|c| c.layers = vec![30, 1_000_000, 10]);
    assert_eq!(
        absurd,
        ConfigError::LayerWidth {
            index: 1,
            got: 1_000_000
        }
    );
    assert!(absurd
        .to_string()
        .contains(&format!("between 1 and {MAX_UNITS}")));
    let huge = error_of(|c| c.layers = vec![30, 4000, 4000, 10]);
    assert!(matches!(huge, ConfigError::TooManyParameters { got, .. } if got > MAX_PARAMETERS));
    assert_eq!(
        error_of(|c| c.layers = vec![31, 20, 10]),
        ConfigError::InputSize {
            task: TaskKind::LinearTeacher,
            expected: 30,
            got: 31
        }
    );
    let output = error_of(|c| c.layers = vec![30, 20, 9]);
    assert_eq!(
        output.to_string(),
        "`layers` must end with the output size of task `linear-teacher`, 10, got 9"
    );
    let delta = error_of(|c| c.rule = RuleKind::Delta);
    assert_eq!(
        delta.to_string(),
        "`rule` delta trains a single layer: `layers` must be [inputs, outputs], got 30-20-10"
    );
    assert_eq!(
        default_with(|c| {
            c.rule = RuleKind::Delta;
            c.layers = vec![30, 10];
        })
        .validate(),
        Ok(())
    );
}

#[test]
fn batch_and_task_errors() {
    assert_eq!(
        error_of(|c| c.batch = 0),
        ConfigError::Batch {
            got: 0,
            max: 1000,
            train_size: 1000
        }
    );
    let too_big = error_of(|c| c.batch = 1001);
    assert_eq!(
        too_big.to_string(),
        "`batch` must be between 1 and 1000 (the training set has 1000 samples), got 1001"
    );
    assert!(matches!(
        error_of(|c| c.task.train_size = 0),
        ConfigError::Task(TaskError::Size { .. })
    ));
    assert!(matches!(
        error_of(|c| c.task.noise = f32::NAN),
        ConfigError::Task(TaskError::Noise { .. })
    ));
    // The arrays task needs data: validate() cannot know its sizes, new() cannot
    // generate it.
    let arrays = ExperimentConfig::for_task(TaskKind::Arrays);
    assert_eq!(arrays.validate(), Ok(()));
    assert_eq!(
        Experiment::new(&arrays).unwrap_err(),
        ConfigError::Task(TaskError::NeedsArrays)
    );
}

fn small_arrays(n_in: usize, classes: usize, rows: usize) -> Dataset {
    let inputs = Array2::from_shape_fn((rows, n_in), |(i, j)| ((i + j) % 5) as f32 * 0.2);
    let targets = Array2::from_shape_fn((rows, classes), |(i, j)| f32::from(i % classes == j));
    Dataset::from_arrays(
        OutputKind::Classification { classes },
        inputs.clone(),
        targets.clone(),
        inputs,
        targets,
    )
    .unwrap()
}

#[test]
fn supplied_arrays_are_checked_against_the_layers_and_batch() {
    let data = small_arrays(6, 3, 20);
    let mut config = ExperimentConfig::for_task(TaskKind::Arrays);
    config.layers = vec![6, 8, 3];
    config.batch = 5;
    let mut experiment = Experiment::with_dataset(&config, data.clone()).unwrap();
    experiment.step(10).unwrap();
    config.layers = vec![784, 100, 10];
    assert_eq!(
        Experiment::with_dataset(&config, data.clone()).unwrap_err(),
        ConfigError::InputSize {
            task: TaskKind::Arrays,
            expected: 6,
            got: 784
        }
    );
    config.layers = vec![6, 8, 3];
    config.batch = 21;
    assert!(matches!(
        Experiment::with_dataset(&config, data).unwrap_err(),
        ConfigError::Batch { max: 20, .. }
    ));
}

#[test]
fn a_huge_learning_rate_diverges_with_an_error_not_a_panic() {
    let mut experiment = Experiment::new(&default_with(|c| {
        c.rule = RuleKind::Backprop;
        c.lr = 100.0;
        c.log_every = 1;
    }))
    .unwrap();
    let error = experiment.step(1000).unwrap_err();
    let StepError::Diverged { step, .. } = error.clone();
    assert!((1..=1000).contains(&step));
    assert_eq!(
        experiment.steps(),
        step - 1,
        "the diverging step is not counted"
    );
    assert!(error.to_string().contains("diverged at step"), "{error}");
    assert!(error.to_string().contains("learning rate"), "{error}");
    // It stays stopped, and still answers questions.
    assert_eq!(experiment.step(1), Err(error.clone()));
    assert_eq!(experiment.diverged(), Some(&error));
    let snapshot = experiment.snapshot();
    assert!(snapshot.diverged);
    serde_json::to_string(&snapshot).unwrap();
}

#[test]
fn config_serde_fills_defaults_and_round_trips() {
    let empty: ExperimentConfig = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, ExperimentConfig::default());
    let partial: ExperimentConfig = serde_json::from_str(
        r#"{"rule": "kp", "layers": [30, 40, 10], "lr": 0.001,
            "task": {"kind": "linear-teacher", "train_size": 300},
            "weight_init": {"kind": "xavier"}, "activation": "tanh"}"#,
    )
    .unwrap();
    assert_eq!(partial.rule, RuleKind::KolenPollack);
    assert_eq!(partial.layers, vec![30, 40, 10]);
    assert_eq!(partial.task.train_size, 300);
    assert_eq!(partial.weight_init, Some(InitSpec::Xavier));
    assert_eq!(partial.batch, ExperimentConfig::default().batch);
    partial.validate().unwrap();
    let json = serde_json::to_string(&partial).unwrap();
    assert_eq!(
        serde_json::from_str::<ExperimentConfig>(&json).unwrap(),
        partial
    );
    assert!(serde_json::from_str::<ExperimentConfig>(r#"{"rule": "hebb"}"#).is_err());
}

#[test]
fn snapshot_is_small_and_consistent() {
    let mut experiment = Experiment::new(&ExperimentConfig::default()).unwrap();
    experiment.step(10).unwrap();
    let snapshot = experiment.snapshot();
    assert_eq!(snapshot.step, 10);
    assert_eq!(snapshot.layers, vec![30, 20, 10]);
    let widths = |v: &Vec<Vec<f32>>| v.iter().map(Vec::len).collect::<Vec<_>>();
    assert_eq!(widths(&snapshot.activations), vec![30, 20, 10]);
    assert_eq!(widths(&snapshot.deltas), vec![20, 10]);
    assert_eq!(snapshot.probe_input, snapshot.activations[0]);
    // δ_L = e = a_L - y.
    for ((e, a), y) in snapshot.deltas[1]
        .iter()
        .zip(&snapshot.activations[2])
        .zip(&snapshot.probe_target)
    {
        assert_eq!(*e, a - y);
    }
    let w1 = snapshot.weights[0].as_ref().unwrap();
    assert_eq!((w1.rows, w1.cols), (20, 30));
    assert_eq!(w1.data[31], experiment.network().weights()[0][[1, 1]]);
    // Feedback in the papers' orientation: B_2 is (n_1, n_2) = (20, 10).
    let b = snapshot.feedback[0].as_ref().unwrap();
    assert_eq!((b.rows, b.cols), (20, 10));
    assert_eq!(b.data[3], experiment.feedback().b(1)[[0, 3]]);
    assert_eq!(snapshot.metrics.as_ref(), experiment.latest());
    let json = serde_json::to_string(&snapshot).unwrap();
    assert!(json.len() < 40_000, "snapshot JSON is {} bytes", json.len());

    // Big matrices are left out.
    let data = small_arrays(784, 10, 12);
    let mut config = ExperimentConfig::for_task(TaskKind::Arrays);
    config.layers = vec![784, 256, 10];
    config.batch = 4;
    let big = Experiment::with_dataset(&config, data).unwrap().snapshot();
    const { assert!(784 * 256 > SNAPSHOT_MAX_ENTRIES) };
    assert!(big.weights[0].is_none());
    assert!(big.weights[1].is_some() && big.feedback[0].is_some());
}

#[test]
fn predict_matches_the_probe_and_gives_probabilities() {
    let mut experiment = Experiment::new(&ExperimentConfig {
        log_every: 1000,
        ..ExperimentConfig::for_task(TaskKind::Moons)
    })
    .unwrap();
    experiment.step(50).unwrap();
    let grid = Array2::from_shape_fn((300, 2), |(i, j)| {
        if j == 0 {
            (i % 20) as f32 / 10.0 - 1.0
        } else {
            (i / 20) as f32 / 7.5 - 1.0
        }
    });
    let p = experiment.predict(grid.view());
    assert_eq!(p.dim(), (300, 2));
    for row in p.rows() {
        assert!((row.sum() - 1.0).abs() < 1e-5);
    }
    let probe = experiment
        .dataset()
        .test_inputs
        .slice(ndarray::s![0..1, ..]);
    let predicted = experiment.predict(probe);
    let snapshot = experiment.snapshot();
    assert_eq!(
        predicted.row(0).to_vec(),
        *snapshot.activations.last().unwrap()
    );
}

#[test]
fn every_task_runs_under_every_rule() {
    for kind in TaskKind::generated() {
        for rule in RuleKind::ALL {
            let mut config = ExperimentConfig::for_task(kind);
            config.rule = rule;
            config.log_every = 10;
            config.task = TaskConfig {
                train_size: 60,
                test_size: 20,
                ..config.task
            };
            config.batch = config.batch.min(10);
            if rule == RuleKind::Delta {
                config.layers = vec![config.layers[0], *config.layers.last().unwrap()];
            }
            let mut experiment =
                Experiment::new(&config).unwrap_or_else(|e| panic!("{kind} under {rule}: {e}"));
            experiment
                .step(20)
                .unwrap_or_else(|e| panic!("{kind} under {rule}: {e}"));
            let rows = experiment.history();
            assert_eq!(rows.iter().map(|r| r.step).collect::<Vec<_>>(), [0, 10, 20]);
            let hidden = config.layers.len() - 2;
            assert_eq!(rows[2].layers.len(), hidden, "{kind} under {rule}");
            let classification = matches!(
                experiment.dataset().output,
                OutputKind::Classification { .. }
            );
            assert_eq!(rows[2].test.accuracy.is_some(), classification);
            assert_eq!(rows[2].test.nse.is_some(), !classification);
            assert!(rows[2].train.loss.is_finite());
        }
    }
}

#[test]
fn set_learning_rate_is_checked() {
    let mut experiment = Experiment::new(&ExperimentConfig::default()).unwrap();
    experiment.set_learning_rate(0.01).unwrap();
    assert_eq!(experiment.config().lr, 0.01);
    assert!(matches!(
        experiment.set_learning_rate(f32::NAN),
        Err(ConfigError::OutOfRange { field: "lr", .. })
    ));
    assert_eq!(experiment.config().lr, 0.01);
}

#[test]
fn the_log_interval_can_change_between_steps() {
    let mut experiment = Experiment::new(&default_with(|c| c.log_every = 10)).unwrap();
    experiment.step(20).unwrap();
    experiment.set_log_every(3).unwrap();
    experiment.step(10).unwrap();
    let steps: Vec<u64> = experiment.history().iter().map(|m| m.step).collect();
    // Row 0 is the untrained network; then every 10th step, then every 3rd.
    assert_eq!(steps, [0, 10, 20, 21, 24, 27, 30]);
    assert!(matches!(
        experiment.set_log_every(0),
        Err(ConfigError::OutOfRange {
            field: "log_every",
            ..
        })
    ));
}
