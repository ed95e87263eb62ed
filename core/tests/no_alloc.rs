//! The training step allocates nothing once the experiment is built (STYLE.md #6).
//!
//! A counting global allocator counts, per thread, the allocations made while that
//! thread's `COUNTING` flag is set (tests run in parallel threads). Each experiment is built with `log_every` beyond the steps under
//! test: a logged step pushes a history row (and evaluates into preallocated buffers),
//! which is the one allocation a step may make. The steps cover an epoch boundary, so
//! the reshuffle of the minibatch order is included.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use bioprop::{Activation, Experiment, ExperimentConfig, RuleKind, TaskConfig, TaskKind};

struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count() {
    if COUNTING.with(Cell::get) {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by `f` on this thread.
fn allocations_in(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    COUNTING.with(|c| c.set(true));
    f();
    COUNTING.with(|c| c.set(false));
    ALLOCATIONS.with(Cell::get) - before
}

fn small_task(kind: TaskKind) -> TaskConfig {
    TaskConfig {
        train_size: 40,
        test_size: 10,
        ..TaskConfig::recommended(kind)
    }
}

#[test]
fn the_counter_sees_allocations() {
    assert!(allocations_in(|| drop(std::hint::black_box(vec![1_u8; 10]))) >= 1);
}

#[test]
fn training_steps_allocate_nothing() {
    let mut configs = Vec::new();
    for rule in RuleKind::ALL {
        // 2-8-8-2 tanh classification and 30-20-10 linear regression, every rule.
        let mut xor = ExperimentConfig::for_task(TaskKind::Xor);
        xor.task = small_task(TaskKind::Xor);
        let teacher = ExperimentConfig {
            task: small_task(TaskKind::LinearTeacher),
            ..ExperimentConfig::default()
        };
        for mut config in [xor, teacher] {
            config.rule = rule;
            if rule == RuleKind::Delta {
                config.layers = vec![config.layers[0], *config.layers.last().unwrap()];
            }
            configs.push(config);
        }
    }
    // The switches: momentum, weight decay, no f', a deeper ReLU net.
    let mut extra = ExperimentConfig::for_task(TaskKind::NonlinearTeacher);
    extra.task = small_task(TaskKind::NonlinearTeacher);
    extra.rule = RuleKind::KolenPollack;
    extra.layers = vec![30, 12, 9, 7, 10];
    extra.activation = Activation::Relu;
    extra.momentum = 0.9;
    extra.weight_decay = 1e-3;
    extra.no_derivative = true;
    extra.batch = 7;
    configs.push(extra);

    for mut config in configs {
        config.log_every = 1_000_000;
        let mut experiment = Experiment::new(&config).unwrap();
        // 40 training samples: go past the end of the first epoch.
        let steps = 41_u64.div_ceil(config.batch as u64) + 5;
        let count = allocations_in(|| experiment.step(steps).unwrap());
        assert_eq!(
            count, 0,
            "{} on {} allocated {count} times in {steps} steps",
            config.rule, config.task.kind
        );
    }
}

#[test]
fn a_logged_step_allocates_only_its_history_row() {
    let config = ExperimentConfig {
        task: small_task(TaskKind::LinearTeacher),
        log_every: 5,
        ..ExperimentConfig::default()
    };
    let mut experiment = Experiment::new(&config).unwrap();
    let count = allocations_in(|| experiment.step(5).unwrap());
    // The row's `layers` vector, plus at most a growth of the history vector.
    assert!((1..=2).contains(&count), "{count} allocations");
}

#[test]
fn cerebellum_steps_allocate_nothing() {
    use bioprop::cerebellum::{BasisKind, SignalKind};
    use bioprop::{Cerebellum, CerebellumConfig, CerebellumTask};

    // Both tasks, each basis kind, both signals, delays on, and a window and trace that
    // wrap (the window's recomputation and the trace's ring included).
    let mut configs = Vec::new();
    for task in CerebellumTask::ALL {
        for basis in [BasisKind::Leaky, BasisKind::Alpha, BasisKind::Delay] {
            for kind in [SignalKind::Sine, SignalKind::Noise] {
                let mut config = CerebellumConfig::for_task(task);
                config.filter.basis = basis;
                config.filter.error_delay = 0.1;
                config.filter.eligibility_delay = 0.05;
                config.signal.kind = kind;
                config.window = 0.5;
                config.trace_len = 20;
                configs.push(config);
            }
        }
    }
    for config in configs {
        let mut cerebellum = Cerebellum::new(&config).unwrap();
        let count = allocations_in(|| cerebellum.step(1500).unwrap());
        assert_eq!(
            count, 0,
            "{} with a {} basis and {} signal allocated {count} times",
            config.task, config.filter.basis, config.signal.kind
        );
    }
}

#[test]
fn microcircuit_steps_allocate_nothing() {
    use bioprop::microcircuit::{Mode, Start};
    use bioprop::{Microcircuit, MicrocircuitConfig};

    // Both models, both starts, noise on, the learned top-down weights, two hidden
    // layers, and a trace that wraps; 40 training samples, so an epoch ends.
    for mode in [Mode::Full, Mode::SteadyState] {
        for (task, start) in [
            (TaskKind::NonlinearTeacher, Start::SelfPredicting),
            (TaskKind::Xor, Start::Random),
        ] {
            let mut config = MicrocircuitConfig {
                task: small_task(task),
                mode,
                start,
                pattern_ms: 1.0,
                lr_top_down: 1e-4,
                pretrain_patterns: 10,
                log_every: u64::MAX,
                trace_capacity: 7,
                ..MicrocircuitConfig::for_task(task)
            };
            config.trace_every_ms = 0.2;
            let mut circuit = Microcircuit::new(&config).unwrap();
            let count = allocations_in(|| {
                circuit.step(45).unwrap();
                circuit.run_for(2.5).unwrap();
            });
            assert_eq!(count, 0, "{mode:?} on {task} allocated {count} times");
            if mode == Mode::SteadyState {
                // Minibatches of 8 in matrix form, and one left half done.
                let mut circuit =
                    Microcircuit::new(&MicrocircuitConfig { batch: 8, ..config }).unwrap();
                let count = allocations_in(|| {
                    circuit.step(45).unwrap();
                    circuit.run_for(12.0).unwrap();
                });
                assert_eq!(count, 0, "minibatches on {task} allocated {count} times");
                assert_eq!(circuit.patterns(), 56);
            }
        }
    }
}
