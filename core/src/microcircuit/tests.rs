//! The circuit against the paper: the self-predicting state, the error on the apical
//! dendrites, the steady state against the settled full model, determinism, learning.

use ndarray::Array2;

use super::*;
use crate::metrics;
use crate::task::{TaskConfig, TaskKind};

/// A small nonlinear-teacher circuit (30-12-10, 64 training samples) with short
/// patterns, so the full model runs quickly in debug builds.
fn small(mode: Mode) -> Config {
    Config {
        task: TaskConfig {
            train_size: 64,
            test_size: 16,
            ..TaskConfig::recommended(TaskKind::NonlinearTeacher)
        },
        layers: vec![30, 12, 10],
        mode,
        pattern_ms: 20.0,
        log_every: 10,
        ..Config::default()
    }
}

fn without_target(config: Config) -> Config {
    Config {
        pretrain_patterns: u64::MAX,
        ..config
    }
}

/// `‖v_A‖² / ‖W^PP_{k,k+1} r_{k+1}‖²` of hidden layer 1 now: how much of the top-down
/// input the interneurons leave uncancelled.
fn uncancelled(circuit: &Microcircuit) -> f64 {
    let s = circuit.state();
    let top_down: f64 = s.top_down[0].iter().map(|&v| f64::from(v).powi(2)).sum();
    f64::from(s.apical_energy(1)) / top_down
}

#[test]
fn self_predicting_start_has_silent_apical_dendrites_without_a_target() {
    // Steady state: the closed form cancels the top-down input to float precision,
    // and with v_A = 0 and no nudging every rule's post factor is 0, so it stays.
    let mut circuit = Microcircuit::new(&without_target(small(Mode::SteadyState))).unwrap();
    assert!(!circuit.target_on());
    assert!(uncancelled(&circuit) < 1e-12, "{}", uncancelled(&circuit));
    assert!(circuit.state().top_down[0].iter().any(|&v| v.abs() > 0.1));
    circuit.step(200).unwrap();
    assert!(uncancelled(&circuit) < 1e-12, "{}", uncancelled(&circuit));
    for row in circuit.history() {
        assert!(row.layers[0].apical_energy < 1e-9, "{row:?}");
    }

    // Full model without noise: v_A moves while each new input arrives through its
    // filter, and is silent again once the pattern has settled.
    let config = Config {
        noise: 0.0,
        ..without_target(small(Mode::Full))
    };
    let mut circuit = Microcircuit::new(&config).unwrap();
    circuit.step(30).unwrap();
    assert!(uncancelled(&circuit) < 1e-6, "{}", uncancelled(&circuit));
    let settled = &circuit.history().last().unwrap().layers[0];
    assert!(settled.apical_energy < 1e-6, "{settled:?}");
    assert!(settled.interneuron_angle_deg.unwrap() < 1.0, "{settled:?}");
    assert!(settled.apical_angle_deg.unwrap() < 1.0, "{settled:?}");
}

#[test]
fn switching_the_target_on_puts_the_error_on_the_apical_dendrites() {
    let mut circuit = Microcircuit::new(&without_target(small(Mode::SteadyState))).unwrap();
    circuit.step(5).unwrap();
    assert!(uncancelled(&circuit) < 1e-12);
    circuit.set_target(true);
    circuit.step(1).unwrap();
    // The nudged output is no longer predicted: v_A = W^PP (r_L - r^I) ≠ 0.
    assert!(uncancelled(&circuit) > 1e-3, "{}", uncancelled(&circuit));
    assert!(circuit.state().apical_energy(1) > 1e-2);
    // And it points along the top-down image of the output error, as backprop's
    // hidden error would point along Wᵀ e: v_A = κ W^PP (y - ŷ) with κ > 0.
    let s = circuit.state();
    let error = &circuit.y - s.output();
    let expected = circuit.weights.top_down[0].dot(&error);
    let angle = metrics::vector_angle_deg(s.apical[0].view(), expected.view()).unwrap();
    assert!(angle < 1.0, "{angle}°");
}

#[test]
fn pre_training_from_random_weights_learns_the_self_predicting_state() {
    let config = Config {
        start: Start::Random,
        pattern_ms: 100.0,
        log_every: 500,
        ..without_target(small(Mode::SteadyState))
    };
    let mut circuit = Microcircuit::new(&config).unwrap();
    circuit.step(3000).unwrap();
    let energy: Vec<f32> = circuit
        .history()
        .iter()
        .map(|row| row.layers[0].apical_energy)
        .collect();
    let (first, last) = (energy[0], *energy.last().unwrap());
    assert!(last < 0.05 * first, "{energy:?}");
    // The interneuron weights turn towards the closed form (from about 90°); the
    // cancellation only needs them to agree on the rates the data produce, so the
    // angle lags the energy (seed 1: 37°).
    let angles: Vec<f32> = circuit
        .history()
        .iter()
        .map(|row| row.layers[0].interneuron_angle_deg.unwrap())
        .collect();
    assert!(
        angles[0] > 70.0 && *angles.last().unwrap() < 50.0,
        "{angles:?}"
    );
}

#[test]
fn the_rates_do_not_depend_on_the_target() {
    // With no target conductance (g_target = 0) the target cannot move any potential, so
    // a run with the target on and one with it off see the same states; if the rules
    // read nothing but those states (no "is the target on" switch of a rate), the two
    // runs learn the same weights, in both models — up to rounding, as the settle
    // writes the nudged output as (g_B v_B + 0·y)/(g_lk + g_B) and the free one as
    // g_B/(g_lk + g_B)·v_B. A random start keeps the apical dendrites busy, so the
    // interneuron→apical rule is exercised: a rate that depended on the target would
    // part the runs by the size of its changes.
    for mode in [Mode::Full, Mode::SteadyState] {
        let config = Config {
            g_target: 0.0,
            start: Start::Random,
            ..small(mode)
        };
        let mut on = Microcircuit::new(&config).unwrap();
        let mut off = Microcircuit::new(&without_target(config.clone())).unwrap();
        assert!(on.target_on() && !off.target_on());
        on.step(20).unwrap();
        off.step(20).unwrap();
        let untrained = Microcircuit::new(&config).unwrap();
        let values = |w: &CircuitWeights| {
            let mut all = Vec::new();
            w.for_each_value(&mut |v| all.push(v));
            all
        };
        let largest_difference = |a: &[f32], b: &[f32]| {
            a.iter()
                .zip(b)
                .map(|(x, y)| (x - y).abs())
                .fold(0.0_f32, f32::max)
        };
        let apical_change = on.weights().interneuron_to_apical[0]
            .iter()
            .zip(&untrained.weights().interneuron_to_apical[0])
            .map(|(x, y)| (x - y).abs())
            .fold(0.0_f32, f32::max);
        assert!(
            apical_change > 1e-4,
            "{mode:?}: the apical rule learned {apical_change}"
        );
        let apart = largest_difference(&values(on.weights()), &values(off.weights()));
        assert!(
            apart < 1e-3 * apical_change,
            "{mode:?}: target on and off part by {apart} (apical change {apical_change})"
        );
    }
}

#[test]
fn with_the_target_on_the_hidden_layers_own_change_returns_to_its_apical_dendrite() {
    // The first of the two pathways of the full model's drift (docs/science.md §4.4):
    // in the self-predicting state a change δr_1 of the hidden rates moves the output
    // and the interneurons alike while there is no target, so v_A does not see it;
    // with the target on, the target's conductance shunts the output soma and
    // v_A moves by -κ W^PP_{1,2} W_2 δr_1, κ = (g_lk+g_D)/(g_lk+g_D+g_som) ·
    // (g_B/(g_lk+g_B) - g_B/(g_lk+g_B+g_target)): 0.22 with the target as strong as
    // the interneurons' nudge (g_target 0.8), 0.044 with the default weak target
    // (0.1), which is why the default's full model does not drift. Settled full
    // model (no noise, no learning, linear output), hidden biases shifted by 0.3.
    for (target, g_target, known_kappa) in [
        (false, 0.8, 0.2222),
        (true, 0.8, 0.2222),
        (true, 0.1, 0.0439),
    ] {
        let config = Config {
            noise: 0.0,
            pattern_ms: 200.0,
            g_target,
            ..small(Mode::Full)
        };
        let config = if target {
            config
        } else {
            without_target(config)
        };
        let mut base = Microcircuit::new(&config).unwrap();
        base.set_plasticity(false);
        let mut shifted = base.clone();
        shifted.weights.forward_bias[0].mapv_inplace(|b| b + 0.3);
        base.run_for(150.0).unwrap();
        shifted.run_for(150.0).unwrap();
        let delta_r = &shifted.state().rate[0] - &base.state().rate[0];
        assert!(delta_r.iter().any(|d| d.abs() > 0.05), "{delta_r}");
        let delta_apical = &shifted.state().apical[0] - &base.state().apical[0];
        let c = &config;
        let kappa = (c.g_lk + c.g_d) / (c.g_lk + c.g_d + c.g_som)
            * (c.g_b / (c.g_lk + c.g_b) - c.g_b / (c.g_lk + c.g_b + c.g_target));
        assert!((kappa - known_kappa).abs() < 1e-3, "{kappa}");
        let w = &base.weights;
        let expected = w.top_down[0].dot(&w.forward[1].dot(&delta_r)) * -kappa;
        let scale = expected.iter().fold(0.0_f32, |m, v| m.max(v.abs()));
        let off = delta_apical
            .iter()
            .zip(&expected)
            .fold(0.0_f32, |m, (a, e)| {
                m.max((a - if target { *e } else { 0.0 }).abs())
            });
        assert!(scale > 0.01, "{expected}");
        assert!(
            off < 1e-3 * scale,
            "target {target}: {delta_apical} vs {expected}"
        );
    }
}

/// One training sample, no noise, no learning: both models settle on one input.
/// `g_som` nudges the interneurons and the output alike.
fn settled_pair(g_som: f32, top_down_scale: f32) -> (Microcircuit, Microcircuit) {
    let config = Config {
        task: TaskConfig {
            train_size: 1,
            test_size: 1,
            ..TaskConfig::recommended(TaskKind::NonlinearTeacher)
        },
        noise: 0.0,
        g_som,
        g_target: g_som,
        top_down_init: crate::InitSpec::Uniform {
            scale: top_down_scale,
        },
        ..without_target(small(Mode::Full))
    };
    let mut full = Microcircuit::new(&config).unwrap();
    let mut steady = Microcircuit::new(&Config {
        mode: Mode::SteadyState,
        ..config
    })
    .unwrap();
    full.set_plasticity(false);
    steady.set_plasticity(false);
    (full, steady)
}

/// The largest `|a - b|` over every pyramidal and interneuron soma, and the
/// largest `|a|`.
fn soma_difference(a: &CircuitState, b: &CircuitState) -> (f32, f32) {
    let mut worst = (0.0_f32, 0.0_f32);
    for (x, y) in a
        .soma
        .iter()
        .chain(&a.interneuron_soma)
        .zip(b.soma.iter().chain(&b.interneuron_soma))
    {
        for (&x, &y) in x.iter().zip(y) {
            worst = (worst.0.max((x - y).abs()), worst.1.max(x.abs()));
        }
    }
    worst
}

/// The fixed point of every compartment equation at once (`du/dt = 0` for every
/// soma, dendrites instantaneous), found by repeating the bottom-up and top-down
/// passes with each layer's latest rates until nothing moves: an independent
/// reference, in f64, for where the full model must settle.
fn fixed_point(circuit: &Microcircuit, target: bool) -> Vec<Vec<f64>> {
    let c = circuit.config();
    let w = circuit.weights();
    let depth = w.forward.len();
    let phi = |k: usize, u: f64| -> f64 {
        let f = if k == depth { c.output_rate } else { c.rate };
        f64::from(f.apply(u as f32))
    };
    let matvec = |m: &Array2<f32>, x: &[f64]| -> Vec<f64> {
        m.rows()
            .into_iter()
            .map(|row| row.iter().zip(x).map(|(&a, &b)| f64::from(a) * b).sum())
            .collect()
    };
    let (g_lk, g_b, g_a, g_d, g_som, g_target) = (
        f64::from(c.g_lk),
        f64::from(c.g_b),
        f64::from(c.g_a),
        f64::from(c.g_d),
        f64::from(c.g_som),
        f64::from(c.g_target),
    );
    let x: Vec<f64> = circuit.x.iter().map(|&v| f64::from(v)).collect();
    let y: Vec<f64> = circuit.y.iter().map(|&v| f64::from(v)).collect();
    let mut u: Vec<Vec<f64>> = w.forward.iter().map(|m| vec![0.0; m.nrows()]).collect();
    let mut u_i: Vec<Vec<f64>> = w
        .pyramidal_to_interneuron
        .iter()
        .map(|m| vec![0.0; m.nrows()])
        .collect();
    for _ in 0..500 {
        let rates: Vec<Vec<f64>> = (0..depth)
            .map(|h| u[h].iter().map(|&v| phi(h + 1, v)).collect())
            .collect();
        let mut next = u.clone();
        for k in 1..=depth {
            let pre = if k == 1 { &x } else { &rates[k - 2] };
            let v_b: Vec<f64> = matvec(&w.forward[k - 1], pre)
                .iter()
                .zip(&w.forward_bias[k - 1])
                .map(|(v, &b)| v + f64::from(b))
                .collect();
            next[k - 1] = if k == depth {
                let nudge = if target { g_target } else { 0.0 };
                v_b.iter()
                    .zip(&y)
                    .map(|(v, t)| (g_b * v + nudge * t) / (g_lk + g_b + nudge))
                    .collect()
            } else {
                let h = k - 1;
                let r_i: Vec<f64> = u_i[h].iter().map(|&v| phi(k + 1, v)).collect();
                let td = matvec(&w.top_down[h], &rates[k]);
                let lateral = matvec(&w.interneuron_to_apical[h], &r_i);
                v_b.iter()
                    .zip(td.iter().zip(&lateral))
                    .map(|(v, (t, l))| (g_b * v + g_a * (t + l)) / (g_lk + g_b + g_a))
                    .collect()
            };
        }
        for (h, u_i) in u_i.iter_mut().enumerate() {
            let v_i = matvec(&w.pyramidal_to_interneuron[h], &rates[h]);
            for ((ui, v), (&b, &partner)) in u_i
                .iter_mut()
                .zip(v_i)
                .zip(w.interneuron_bias[h].iter().zip(&u[h + 1]))
            {
                *ui = (g_d * (v + f64::from(b)) + g_som * partner) / (g_lk + g_d + g_som);
            }
        }
        u = next;
    }
    u.into_iter().chain(u_i).collect()
}

fn distance_to(state: &CircuitState, reference: &[Vec<f64>]) -> f64 {
    state
        .soma
        .iter()
        .chain(&state.interneuron_soma)
        .zip(reference)
        .flat_map(|(a, b)| a.iter().zip(b).map(|(&a, &b)| (f64::from(a) - b).abs()))
        .fold(0.0, f64::max)
}

#[test]
fn the_steady_state_agrees_with_the_settled_full_model() {
    // (g_som, top-down scale, largest single-pass error / largest nudge). Top-down
    // weights of Xavier size (±0.32) here and ±0.5: measured 0.29; ±0.05: 0.03.
    for (g_som, scale, bound) in [(0.8, 0.5, 0.35), (0.8, 0.05, 0.04), (0.1, 0.05, 0.07)] {
        let (mut full, mut steady) = settled_pair(g_som, scale);
        // Disturb the full model with the target, then let it settle without one.
        full.set_target(true);
        full.run_for(40.0).unwrap();
        full.set_target(false);
        full.run_for(100.0).unwrap();
        steady.step(1).unwrap();
        // Self-predicting and no target: v_A = 0, and the single pass is exact.
        let (diff, _) = soma_difference(full.state(), steady.state());
        assert!(diff < 1e-5, "no target, g_som {g_som}: {diff}");
        assert!(distance_to(full.state(), &fixed_point(&full, false)) < 1e-5);

        let free = steady.state().clone();
        full.set_target(true);
        full.run_for(100.0).unwrap();
        steady.set_target(true);
        steady.step(1).unwrap();
        // The full model settles at the joint fixed point of every compartment...
        let reference = fixed_point(&full, true);
        let off = distance_to(full.state(), &reference);
        assert!(
            off < 1e-4,
            "g_som {g_som}, scale {scale}: {off} from the fixed point"
        );
        // ...which the paper's single pass approximates: it leaves out how the
        // apical nudge of a hidden layer feeds back up through its rates, a loop
        // whose gain grows with the top-down weights.
        let (error, _) = soma_difference(full.state(), steady.state());
        let (nudge, _) = soma_difference(steady.state(), &free);
        assert!(nudge > 0.1, "the target moves the potentials: {nudge}");
        assert!(
            error < bound * nudge,
            "g_som {g_som}, scale {scale}: single-pass error {error}, nudge {nudge}"
        );
    }
}

#[test]
fn same_seed_same_run_and_a_clone_continues_identically() {
    for mode in [Mode::Full, Mode::SteadyState] {
        let config = small(mode);
        let mut a = Microcircuit::new(&config).unwrap();
        let mut b = Microcircuit::new(&config).unwrap();
        assert_eq!(a.state_hash(), b.state_hash());
        a.step(3).unwrap();
        let mut c = a.clone();
        a.step(4).unwrap();
        b.step(7).unwrap();
        c.step(4).unwrap();
        assert_eq!(a.state_hash(), b.state_hash(), "{mode:?}");
        assert_eq!(a.state_hash(), c.state_hash(), "{mode:?}");
        assert_eq!(a.history(), b.history());
        let mut other = Microcircuit::new(&Config { seed: 2, ..config }).unwrap();
        other.step(7).unwrap();
        assert_ne!(a.state_hash(), other.state_hash());
    }
}

#[test]
fn the_circuit_sees_the_data_an_experiment_sees() {
    let config = Config::default();
    let circuit = Microcircuit::new(&config).unwrap();
    let experiment = crate::Experiment::new(&crate::ExperimentConfig::for_task(
        TaskKind::NonlinearTeacher,
    ))
    .unwrap();
    assert_eq!(circuit.dataset(), experiment.dataset());
    assert_eq!(circuit.weights().forward, experiment.network().weights());
}

#[test]
fn divergence_is_an_error_that_stays() {
    let config = Config {
        lr_forward: 1.0,
        lr_output: 1.0,
        ..small(Mode::SteadyState)
    };
    let mut circuit = Microcircuit::new(&config).unwrap();
    let error = circuit.step(1000).unwrap_err();
    assert!(error.to_string().contains("no longer finite"), "{error}");
    assert_eq!(circuit.step(1).unwrap_err(), error);
    assert_eq!(circuit.run_for(5.0).unwrap_err(), error);
    assert!(circuit.snapshot().diverged);
    assert_eq!(circuit.diverged(), Some(&error));
}

#[test]
fn clock_patterns_and_mode_switches() {
    let mut circuit = Microcircuit::new(&small(Mode::Full)).unwrap();
    // Half a pattern, then the rest as one step: one pattern, 20 ms.
    circuit.run_for(10.0).unwrap();
    assert_eq!((circuit.patterns(), circuit.time_ms()), (0, 10.0));
    circuit.step(1).unwrap();
    assert_eq!((circuit.patterns(), circuit.time_ms()), (1, 20.0));
    // 2.5 patterns' worth of clock.
    circuit.run_for(50.0).unwrap();
    assert_eq!((circuit.patterns(), circuit.time_ms()), (3, 70.0));
    // The steady-state model finishes the half pattern, then presents whole ones.
    circuit.set_mode(Mode::SteadyState);
    circuit.run_for(50.0).unwrap();
    assert_eq!((circuit.patterns(), circuit.time_ms()), (6, 120.0));
    circuit.step(2).unwrap();
    assert_eq!((circuit.patterns(), circuit.time_ms()), (8, 160.0));
    circuit.set_mode(Mode::Full);
    circuit.step(3).unwrap();
    assert_eq!(circuit.patterns(), 11);
    assert_eq!(circuit.history().len(), 2, "rows at patterns 0 and 10");
    assert_eq!(circuit.latest().unwrap().mode, Mode::Full);
    // Invalid durations advance nothing.
    circuit.run_for(f64::NAN).unwrap();
    circuit.run_for(-3.0).unwrap();
    assert_eq!(circuit.time_ms(), 220.0);
}

#[test]
fn the_trace_follows_the_probe_within_its_capacity() {
    let config = Config {
        trace_capacity: 50,
        trace_every_ms: 1.0,
        probe: Probe {
            layer: 1,
            neuron: 3,
            interneuron: 7,
        },
        ..small(Mode::Full)
    };
    let mut circuit = Microcircuit::new(&config).unwrap();
    assert_eq!(circuit.trace().len(), 1, "the settled start");
    circuit.run_for(30.0).unwrap();
    assert_eq!(circuit.trace().len(), 31);
    circuit.run_for(30.0).unwrap();
    assert_eq!(circuit.trace().len(), 50);
    let last = *circuit.trace().back().unwrap();
    assert_eq!(last.time_ms, 60.0);
    let s = circuit.state();
    assert_eq!(last.soma, s.soma[0][3]);
    assert_eq!(last.apical, s.apical[0][3]);
    assert_eq!(last.interneuron, s.interneuron_soma[0][7]);
    assert_eq!(last.interneuron_target, s.soma[1][7]);
    assert_eq!(circuit.drain_trace().len(), 50);
    assert!(circuit.trace().is_empty());
    let bad = Probe {
        layer: 1,
        neuron: 12,
        interneuron: 0,
    };
    assert!(circuit.set_probe(bad).is_err());
}

#[test]
fn snapshot_is_small_and_serialisable() {
    let mut circuit = Microcircuit::new(&small(Mode::SteadyState)).unwrap();
    circuit.step(10).unwrap();
    circuit.set_plasticity(false);
    circuit.step(1).unwrap();
    let snapshot = circuit.snapshot();
    assert_eq!((snapshot.soma.len(), snapshot.interneuron.len()), (12, 10));
    assert_eq!(snapshot.forward_in.as_ref().unwrap().rows, 12);
    assert_eq!(snapshot.top_down_weights.as_ref().unwrap().cols, 10);
    // v_A is the top-down input plus the interneurons' input.
    let lateral =
        circuit.weights().interneuron_to_apical[0].dot(&circuit.state().interneuron_rate[0]);
    for ((a, t), l) in snapshot.apical.iter().zip(&snapshot.top_down).zip(&lateral) {
        assert!((a - (t + l)).abs() < 1e-5);
    }
    let json = serde_json::to_string(&snapshot).unwrap();
    let back: Snapshot = serde_json::from_str(&json).unwrap();
    assert_eq!(back, snapshot);
    assert!(circuit.snapshot_with(100).forward_in.is_none());
}

#[test]
fn parameters_change_live_but_the_run_defining_ones_do_not() {
    let mut circuit = Microcircuit::new(&small(Mode::Full)).unwrap();
    circuit.step(1).unwrap();
    let mut changed = circuit.config().clone();
    changed.g_som = 0.3;
    changed.dt = 0.05;
    changed.mode = Mode::SteadyState;
    circuit.set_parameters(&changed).unwrap();
    assert_eq!(circuit.mode(), Mode::SteadyState);
    assert_eq!(circuit.time_ms(), 20.0);
    circuit.step(1).unwrap();
    assert_eq!(circuit.time_ms(), 40.0);
    for edit in [
        &(|c: &mut Config| c.seed = 9) as &dyn Fn(&mut Config),
        &|c| c.layers = vec![30, 11, 10],
        &|c| c.start = Start::Random,
    ] {
        let mut bad = circuit.config().clone();
        edit(&mut bad);
        let error = circuit.set_parameters(&bad).unwrap_err().to_string();
        assert!(error.contains("cannot change"), "{error}");
    }
    let mut invalid = circuit.config().clone();
    invalid.g_a = -1.0;
    assert!(circuit.set_parameters(&invalid).is_err());
}

#[test]
fn bad_configs_are_refused_before_anything_is_built() {
    for config in [
        Config {
            dt: 0.0,
            ..Config::default()
        },
        Config {
            g_lk: -0.1,
            ..Config::default()
        },
        Config {
            noise: f32::NAN,
            ..Config::default()
        },
    ] {
        assert!(Microcircuit::new(&config).is_err());
    }
}

#[test]
fn the_circuit_learns_xor_with_one_hot_rate_targets() {
    // Classes are rate targets of 1 and 0 on two output cells; XOR needs the
    // hidden layers, so a learner with fixed random features stays near chance.
    let config = Config {
        mode: Mode::SteadyState,
        log_every: 1000,
        ..Config::for_task(TaskKind::Xor)
    };
    let mut circuit = Microcircuit::new(&config).unwrap();
    circuit.step(20_000).unwrap();
    // Single-pattern updates make the accuracy of one row fluctuate (seed 1: 0.77
    // to 0.99 between 10 000 and 20 000 patterns); their mean is steadier.
    let late: Vec<f32> = circuit.history()[10..]
        .iter()
        .map(|row| row.test.accuracy.unwrap())
        .collect();
    let mean = late.iter().sum::<f32>() / late.len() as f32;
    assert!(mean > 0.85, "{late:?}");
}

/// `small`'s steady state from random interneuron weights, pre-training for 30
/// patterns, learned top-down weights and two hidden layers: every rule moves.
fn busy_steady(batch: usize) -> Config {
    Config {
        layers: vec![30, 12, 9, 10],
        start: Start::Random,
        pretrain_patterns: 30,
        lr_top_down: 0.0005,
        batch,
        ..small(Mode::SteadyState)
    }
}

#[test]
fn a_minibatch_of_one_is_the_one_pattern_model_bit_for_bit() {
    // 150 patterns (two epochs of 64, pre-training, then the target on) one at a
    // time, and through the matrix form with m = 1: the same bits in every weight
    // and potential, the same history and trace. Bit for bit because each matrix
    // operation adds in the one-pattern order (see `minibatch`).
    let config = busy_steady(1);
    let mut one = Microcircuit::new(&config).unwrap();
    let mut matrix = Microcircuit::new(&config).unwrap();
    one.step(150).unwrap();
    for _ in 0..150 {
        matrix.finish_minibatch().unwrap();
    }
    assert_eq!(one.patterns(), matrix.patterns());
    assert_eq!(one.weights(), matrix.weights());
    assert_eq!(one.state_hash(), matrix.state_hash());
    assert_eq!(one.history(), matrix.history());
    assert_eq!(one.trace(), matrix.trace());
    assert_eq!(one.history().len(), 16, "rows at 0, 10, …, 150");
    assert!(one.target_on());
    assert_ne!(one.weights(), Microcircuit::new(&config).unwrap().weights());
}

#[test]
fn minibatches_count_patterns_time_and_rows() {
    let mut circuit = Microcircuit::new(&busy_steady(4)).unwrap();
    // Whole minibatches: 6 patterns round up to 8.
    circuit.step(6).unwrap();
    assert_eq!((circuit.patterns(), circuit.time_ms()), (8, 160.0));
    assert_eq!(
        circuit.trace().len(),
        3,
        "row 0 and one point per minibatch"
    );
    // A minibatch lasts 4 · 20 ms; 2.5 of them present 2 and leave half of one under
    // way, which the next step finishes.
    circuit.run_for(200.0).unwrap();
    assert_eq!((circuit.patterns(), circuit.time_ms()), (16, 360.0));
    circuit.step(1).unwrap();
    assert_eq!((circuit.patterns(), circuit.time_ms()), (20, 400.0));
    // A row whenever the count passes a multiple of 10: at 0, 12 and 20.
    let rows: Vec<u64> = circuit.history().iter().map(|r| r.patterns).collect();
    assert_eq!(rows, vec![0, 12, 20]);
    // The state shows the minibatch's last pattern, settled.
    let last = circuit.state().input.clone();
    assert!(circuit
        .dataset()
        .train_inputs
        .rows()
        .into_iter()
        .any(|row| row == last));
    // Half a minibatch, then the full model takes over: the half passes with no
    // pattern, and the full model presents one pattern at a time.
    circuit.run_for(40.0).unwrap();
    circuit.set_mode(Mode::Full);
    circuit.step(1).unwrap();
    assert_eq!((circuit.patterns(), circuit.time_ms()), (21, 460.0));
    // A smaller minibatch from the next one on.
    circuit.set_mode(Mode::SteadyState);
    let config = Config {
        batch: 2,
        ..circuit.config().clone()
    };
    circuit.set_parameters(&config).unwrap();
    circuit.step(1).unwrap();
    assert_eq!((circuit.patterns(), circuit.time_ms()), (23, 500.0));
}

#[test]
fn pre_training_ends_at_the_first_minibatch_after_it() {
    // 30 patterns of pre-training in minibatches of 8: the target goes on with the
    // minibatch that starts at 32.
    let mut circuit = Microcircuit::new(&busy_steady(8)).unwrap();
    circuit.step(32).unwrap();
    assert!(!circuit.target_on());
    circuit.step(8).unwrap();
    assert!(circuit.target_on());
}

#[test]
fn a_diverging_minibatch_run_names_the_weights_and_stays_stopped() {
    let config = Config {
        lr_forward: 1.0,
        lr_output: 1.0,
        batch: 8,
        ..small(Mode::SteadyState)
    };
    let mut circuit = Microcircuit::new(&config).unwrap();
    let error = circuit.step(10_000).unwrap_err();
    assert!(error.to_string().contains("weights"), "{error}");
    assert!(circuit.patterns() < 10_000);
    assert_eq!(circuit.step(8).unwrap_err(), error);
}

#[test]
fn minibatch_runs_are_deterministic_and_clones_continue_identically() {
    let config = busy_steady(8);
    let mut a = Microcircuit::new(&config).unwrap();
    let mut b = Microcircuit::new(&config).unwrap();
    a.step(40).unwrap();
    let mut c = a.clone();
    a.step(40).unwrap();
    b.step(80).unwrap();
    c.step(40).unwrap();
    assert_eq!(a.state_hash(), b.state_hash());
    assert_eq!(a.state_hash(), c.state_hash());
    assert_eq!(a.history(), b.history());
    // Another minibatch size is another run.
    let mut d = Microcircuit::new(&busy_steady(4)).unwrap();
    d.step(80).unwrap();
    assert_ne!(a.state_hash(), d.state_hash());
}

#[test]
fn a_confusion_sweep_of_the_circuit_counts_its_predictions() {
    use crate::experiment::classify::{Classifier, ConfusionSweep};
    let mut circuit = Microcircuit::new(&small(Mode::SteadyState)).unwrap();
    circuit.run_for(200.0).unwrap();
    // The reference: every held-out sample's largest prediction against its target's.
    let data = circuit.dataset().clone();
    let predictions = circuit.predict(data.test_inputs.view());
    let mut counts = vec![0_u32; 100];
    for (output, target) in predictions.rows().into_iter().zip(data.test_targets.rows()) {
        counts[metrics::argmax(target) * 10 + metrics::argmax(output)] += 1;
    }
    // Swept 5 at a time: three slices give nothing, the fourth the whole pass.
    let mut sweep = ConfusionSweep::new(10, usize::MAX, 0);
    assert!(!sweep.under_way());
    for _ in 0..3 {
        assert_eq!(sweep.advance(&mut circuit, 5), None);
        assert!(sweep.under_way());
    }
    let confusion = sweep
        .advance(&mut circuit, 5)
        .expect("16 samples in four slices");
    assert!(!sweep.under_way(), "the next pass has not begun");
    assert_eq!(confusion.evaluated, 16);
    assert_eq!(confusion.counts, counts);
    assert_eq!(circuit.test_size(), 16);
    assert_eq!(
        (0..16).map(|i| circuit.test_class(i)).collect::<Vec<_>>(),
        data.test_targets
            .rows()
            .into_iter()
            .map(|t| metrics::argmax(t) as u8)
            .collect::<Vec<_>>()
    );
}
