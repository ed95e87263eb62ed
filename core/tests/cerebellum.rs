//! The cerebellum as an adaptive filter against the results docs/science.md §5 expects:
//! the VOR gain goes to `M`, the slip falls more than 100-fold, the error decorrelates
//! from every basis signal, the forward model's error falls by a large factor, and a
//! 100 ms error delay breaks learning above about `1/(4·0.1 s)` = 2.5 Hz (Porrill & Dean
//! 2007) unless an eligibility trace of the same delay pairs each error with its cause
//! (bioprop's remedy; theirs is a second site of plasticity in the brainstem). Each
//! run is a minute of simulated time at 1 ms (well under a second here). The measured
//! values are printed (`-- --nocapture`).

#[path = "common/cerebellum.rs"]
mod cases;
#[path = "common/fixed_runs.rs"]
mod fixed_runs;

use bioprop::cerebellum::{BasisKind, ConfigError, SignalKind, StepError, MAX_WEIGHT};
use bioprop::{Cerebellum, CerebellumConfig, CerebellumTask};

const MINUTE: u64 = 60_000;

fn vor(spectacles: f64, freq_hz: f64) -> CerebellumConfig {
    let mut config = CerebellumConfig::for_task(CerebellumTask::Vor);
    config.vor.spectacles = spectacles;
    config.signal.freq_hz = freq_hz;
    config
}

fn with_delays(mut config: CerebellumConfig, error: f64, eligibility: f64) -> CerebellumConfig {
    config.filter.error_delay = error;
    config.filter.eligibility_delay = eligibility;
    config
}

/// Runs `steps` and returns the simulation and whether it diverged.
fn run(config: &CerebellumConfig, steps: u64) -> (Cerebellum, Option<StepError>) {
    let mut cerebellum = Cerebellum::new(config).expect("a valid config");
    let outcome = cerebellum.step(steps).err();
    (cerebellum, outcome)
}

fn gain(cerebellum: &Cerebellum) -> f64 {
    cerebellum.gain().expect("the window holds signal")
}

fn error_rms(cerebellum: &Cerebellum) -> f64 {
    cerebellum.error_rms().expect("at least one step")
}

#[test]
fn the_vor_gain_converges_to_the_spectacle_factor() {
    // Magnifying, minifying and reversing spectacles.
    for m in [2.0, 0.5, -1.0] {
        let (cerebellum, diverged) = run(&vor(m, 1.0), MINUTE);
        assert!(diverged.is_none());
        let g = gain(&cerebellum);
        println!("M = {m}: gain after 60 s {g:.6}");
        assert!((g - m).abs() < 0.01 * m.abs(), "M = {m}: gain {g}");
    }
}

#[test]
fn the_vor_gain_converges_across_half_to_five_hertz() {
    for f in [0.5, 2.0, 5.0] {
        let (cerebellum, _) = run(&vor(2.0, f), MINUTE);
        let g = gain(&cerebellum);
        println!("{f} Hz: gain after 60 s {g:.6}");
        assert!((g - 2.0).abs() < 0.02, "{f} Hz: gain {g}");
    }
}

#[test]
fn the_slip_falls_more_than_a_hundredfold() {
    // The untrained slip: the same run with learning off, (M - B) A / √2 = 0.707.
    let mut frozen = vor(2.0, 1.0);
    frozen.filter.beta = 0.0;
    let (untrained, _) = run(&frozen, MINUTE);
    let (trained, _) = run(&vor(2.0, 1.0), MINUTE);
    let before = error_rms(&untrained);
    let after = error_rms(&trained);
    println!(
        "slip RMS {before:.4} untrained, {after:.3e} after 60 s: {:.0}-fold",
        before / after
    );
    assert!((before - 0.5_f64.sqrt()).abs() < 1e-3, "{before}");
    assert!(before / after > 100.0);
}

#[test]
fn the_error_decorrelates_from_every_basis_signal() {
    // Untrained, the slip is -(M - B) H: c_0 = -1 exactly, and every filtered signal,
    // a lagged copy of H, is anti-correlated with it too.
    let config = vor(2.0, 1.0);
    let mut frozen = config.clone();
    frozen.filter.beta = 0.0;
    let (untrained, _) = run(&frozen, 2000);
    let early = untrained.correlations();
    println!("correlations untrained: {early:.3?}");
    assert!((early[0] + 1.0).abs() < 1e-9, "{early:?}");
    assert!(early.iter().all(|&c| c < -0.05), "{early:?}");

    let (mut cerebellum, _) = run(&config, MINUTE);
    let late = cerebellum.correlations();
    let shown: Vec<String> = late.iter().map(|c| format!("{c:.1e}")).collect();
    println!("correlations at 60 s: [{}]", shown.join(", "));
    for (i, c) in late.iter().enumerate() {
        assert!(c.abs() < 1e-3, "c_{i} = {c}");
    }
    // The weights have settled: a further 10 s moves none by more than 1e-4.
    let settled = cerebellum.weights().to_vec();
    cerebellum.step(10_000).unwrap();
    for (before, after) in settled.iter().zip(cerebellum.weights()) {
        assert!((before - after).abs() < 1e-4);
    }
}

#[test]
fn the_forward_model_prediction_error_falls_by_a_large_factor() {
    // Band-limited noise command (the default): the error against the same run with
    // learning off, over the last 5 s window.
    let config = CerebellumConfig::for_task(CerebellumTask::ForwardModel);
    let mut frozen = config.clone();
    frozen.filter.beta = 0.0;
    let (untrained, _) = run(&frozen, MINUTE);
    let (trained, diverged) = run(&config, MINUTE);
    assert!(diverged.is_none());
    let (before, after) = (error_rms(&untrained), error_rms(&trained));
    let g = gain(&trained);
    println!("forward model, noise: error RMS {before:.3} → {after:.4} ({:.0}-fold), prediction gain {g:.4}", before / after);
    assert!(before / after > 10.0);
    assert!((g - 1.0).abs() < 0.05, "prediction gain {g}");

    // A sine command is two numbers to learn (amplitude and phase): near exact.
    let mut sine = config.clone();
    sine.signal.kind = SignalKind::Sine;
    let mut frozen_sine = sine.clone();
    frozen_sine.filter.beta = 0.0;
    let (untrained, _) = run(&frozen_sine, MINUTE);
    let (trained, _) = run(&sine, MINUTE);
    let (before, after) = (error_rms(&untrained), error_rms(&trained));
    println!("forward model, sine: error RMS {before:.3} → {after:.2e}");
    assert!(before / after > 1e4);
}

#[test]
fn a_100_ms_error_delay_breaks_learning_at_5_hz() {
    // A half-cycle delay: the averaged update points uphill and the weights run away.
    let config = with_delays(vor(2.0, 5.0), 0.1, 0.0);
    let mut cerebellum = Cerebellum::new(&config).unwrap();
    cerebellum.step(5000).unwrap();
    let g = gain(&cerebellum);
    println!("5 Hz, 100 ms error delay: gain at 5 s {g:.2}");
    assert!((g - 2.0).abs() > 1.0, "moving away from M: {g}");
    let error = cerebellum.step(MINUTE - 5000).unwrap_err();
    let StepError::Diverged { step, .. } = error.clone();
    println!("… diverged at t = {} s: {error}", step as f64 / 1000.0);
    assert!(error.to_string().contains("eligibility"), "{error}");
    // It stays stopped.
    assert_eq!(cerebellum.step(1), Err(error));
    assert!(cerebellum.snapshot().diverged);
    assert!(cerebellum
        .weights()
        .iter()
        .any(|w| w.abs() > MAX_WEIGHT || w.is_nan()));
}

#[test]
fn a_100_ms_error_delay_is_harmless_at_half_a_hertz() {
    let (cerebellum, diverged) = run(&with_delays(vor(2.0, 0.5), 0.1, 0.0), MINUTE);
    assert!(diverged.is_none());
    let g = gain(&cerebellum);
    println!("0.5 Hz, 100 ms error delay: gain {g:.6}");
    assert!((g - 2.0).abs() < 0.01);
}

#[test]
fn a_matching_eligibility_delay_restores_learning_at_5_hz() {
    let (cerebellum, diverged) = run(&with_delays(vor(2.0, 5.0), 0.1, 0.1), MINUTE);
    assert!(diverged.is_none());
    let g = gain(&cerebellum);
    println!(
        "5 Hz, 100 ms error and eligibility delays: gain {g:.6}, slip RMS {:.2e}",
        error_rms(&cerebellum)
    );
    assert!((g - 2.0).abs() < 0.01);
}

#[test]
fn the_delay_limit_lies_between_2_and_3_hz_for_100_ms() {
    // 1/(4 · 0.1 s) = 2.5 Hz: a 72° phase lag still descends, 108° climbs.
    let (below, diverged) = run(&with_delays(vor(2.0, 2.0), 0.1, 0.0), MINUTE);
    assert!(diverged.is_none());
    let g = gain(&below);
    println!("2 Hz, 100 ms error delay: gain {g:.6}");
    assert!((g - 2.0).abs() < 0.01);

    let (above, diverged) = run(&with_delays(vor(2.0, 3.0), 0.1, 0.0), MINUTE);
    let failed = diverged.is_some() || (gain(&above) - 2.0).abs() > 0.5;
    println!(
        "3 Hz, 100 ms error delay: {}",
        match &diverged {
            Some(error) => error.to_string(),
            None => format!("gain {}", gain(&above)),
        }
    );
    assert!(failed);
}

#[test]
fn every_basis_kind_learns_the_vor() {
    for basis in [BasisKind::Leaky, BasisKind::Alpha, BasisKind::Delay] {
        let mut config = vor(0.5, 1.0);
        config.filter.basis = basis;
        let (cerebellum, _) = run(&config, MINUTE);
        let g = gain(&cerebellum);
        println!("{basis} basis: gain {g:.6}");
        assert!((g - 0.5).abs() < 0.005, "{basis}: {g}");
    }
}

#[test]
fn band_limited_random_head_motion_is_learned_too() {
    let mut config = vor(2.0, 2.0);
    config.signal.kind = SignalKind::Noise;
    let (cerebellum, _) = run(&config, MINUTE);
    let g = gain(&cerebellum);
    println!(
        "noise head velocity (2 Hz corner): gain {g:.4}, slip RMS {:.4}",
        error_rms(&cerebellum)
    );
    assert!((g - 2.0).abs() < 0.04, "{g}");
}

#[test]
fn retuning_the_spectacles_mid_run_readapts_the_gain() {
    let config = vor(2.0, 1.0);
    let mut cerebellum = Cerebellum::new(&config).unwrap();
    cerebellum.step(30_000).unwrap();
    assert!((gain(&cerebellum) - 2.0).abs() < 0.01);
    let weights = cerebellum.weights().to_vec();
    // Spectacles off: the learned gain persists at first, then unlearns back to 1.
    let mut off = config.clone();
    off.vor.spectacles = 1.0;
    cerebellum.retune(&off).unwrap();
    assert_eq!(cerebellum.weights(), &weights[..]);
    assert_eq!(cerebellum.target_gain(), 1.0);
    cerebellum.step(30_000).unwrap();
    assert!(
        (gain(&cerebellum) - 1.0).abs() < 0.01,
        "{}",
        gain(&cerebellum)
    );
    // The basis cannot change under a running filter.
    let mut rebuilt = off.clone();
    rebuilt.filter.count = 3;
    assert_eq!(
        cerebellum.retune(&rebuilt),
        Err(ConfigError::NotLive {
            field: "filter.count"
        })
    );
}

#[test]
fn bad_parameters_are_refused_with_the_field_and_range() {
    type Edit = fn(&mut CerebellumConfig);
    let cases: [(&str, Edit); 8] = [
        ("dt", |c| c.dt = 0.0),
        ("dt", |c| c.dt = -0.001),
        ("filter.beta", |c| c.filter.beta = -1.0),
        ("filter.beta", |c| c.filter.beta = f64::NAN),
        ("filter.error_delay", |c| c.filter.error_delay = -0.1),
        ("filter.error_delay", |c| c.filter.error_delay = 1.01),
        ("filter.eligibility_delay", |c| {
            c.filter.eligibility_delay = 5.0
        }),
        ("signal.freq_hz", |c| c.signal.freq_hz = f64::INFINITY),
    ];
    for (field, edit) in cases {
        for task in CerebellumTask::ALL {
            let mut config = CerebellumConfig::for_task(task);
            edit(&mut config);
            let error = Cerebellum::new(&config).unwrap_err();
            let message = error.to_string();
            println!("{message}");
            assert!(
                matches!(error, ConfigError::OutOfRange { field: f, .. } if f == field),
                "{message}"
            );
            assert!(
                message.contains(field) && message.contains("must be"),
                "{message}"
            );
        }
    }
}

#[test]
fn the_snapshot_and_trace_describe_the_run() {
    let config = vor(2.0, 1.0);
    let mut cerebellum = Cerebellum::new(&config).unwrap();
    let fresh = cerebellum.snapshot();
    assert_eq!((fresh.step, fresh.gain, fresh.error_rms), (0, None, None));
    assert_eq!(cerebellum.trace().time.len(), 0);

    cerebellum.step(MINUTE).unwrap();
    let snapshot = cerebellum.snapshot();
    assert_eq!(snapshot.task, CerebellumTask::Vor);
    assert_eq!(snapshot.step, MINUTE);
    assert!((snapshot.time - 60.0).abs() < 1e-9);
    assert_eq!(snapshot.target_gain, 2.0);
    assert_eq!(snapshot.weights.len(), config.filter.count + 1);
    assert_eq!(snapshot.correlations.len(), config.filter.count + 1);
    // Eye velocity = -(H + z) and slip = -(M H + E), from the same instant.
    assert!((snapshot.behaviour + snapshot.input + snapshot.output).abs() < 1e-12);
    assert!((snapshot.error + 2.0 * snapshot.input + snapshot.behaviour).abs() < 1e-12);
    let json = serde_json::to_string(&snapshot).unwrap();
    let parsed: bioprop::cerebellum::Snapshot = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed.weights.len(), snapshot.weights.len());
    assert!(json.len() < 1000, "small: {} bytes", json.len());

    // The last 5 s, one point every 10 ms, oldest first.
    let trace = cerebellum.trace();
    assert_eq!(trace.time.len(), 500);
    assert!((trace.interval - 0.01).abs() < 1e-15);
    assert!((trace.time[0] - 55.01).abs() < 1e-9 && (trace.time[499] - 60.0).abs() < 1e-9);
    for column in [
        &trace.input,
        &trace.output,
        &trace.behaviour,
        &trace.error,
        &trace.gain,
        &trace.error_rms,
    ] {
        assert_eq!(column.len(), 500);
    }
    assert!((trace.gain[499] - 2.0).abs() < 1e-3);
    assert_eq!(cerebellum.basis_time_constants().len(), config.filter.count);
}

#[test]
fn same_config_gives_the_same_run() {
    fixed_runs::assert_repeatable(
        cases::run_cases,
        &cases::EXPECTED,
        "tests/common/cerebellum.rs",
    );
}

#[test]
fn a_clone_continues_as_the_original_and_the_seed_matters_for_noise() {
    let (_, config, _) = cases::cases().remove(0);
    let mut original = Cerebellum::new(&config).unwrap();
    original.step(3000).unwrap();
    let mut clone = original.clone();
    original.step(4000).unwrap();
    clone.step(4000).unwrap();
    assert_eq!(original.weights_hash(), clone.weights_hash());
    assert_eq!(original.trace(), clone.trace());

    let mut reseeded = Cerebellum::new(&CerebellumConfig {
        seed: config.seed + 1,
        ..config
    })
    .unwrap();
    reseeded.step(7000).unwrap();
    assert_ne!(original.weights_hash(), reseeded.weights_hash());
}
