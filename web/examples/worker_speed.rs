//! Where the workers' time goes, natively (a profiling aid, not a test; the browser's
//! figures come from `make bench-web`): the rules page's trainer at the speed `max`,
//! paced and encoded as the worker's loop does, against the core alone on the same
//! runs; and the microcircuit page's simulation (circuit, meter and the BP, FA and
//! shallow curves) against its circuit alone, with core's default rows (every 100
//! patterns) and with none.
//!
//!   cargo run --release -p bioprop-web --example worker_speed -- [seconds] [filter]
//!
//! `filter` keeps the cases whose name contains it (e.g. `xor`, `Steady`, `digits`).
//! The digits cases read `target/digits/digits.bin` (`make dist` builds it) and are
//! skipped without it.
// Native only: the worker's encoding (bincode) is a native dev-dependency.
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::time::{Duration, Instant};

    use bioprop::microcircuit::Mode;
    use bioprop_web::pages::microcircuit::settings::MicrocircuitSettings;
    use bioprop_web::pages::microcircuit::Sim;
    use bioprop_web::pages::rules::settings::{Settings, SPEED_MAX};
    use bioprop_web::pages::rules::worker::{
        core_steps_per_second, digits, runs_config, steps_per_second, Command, DigitsSource,
        Trainer, Update, FRAME_INTERVAL,
    };
    use bioprop_web::shell::sim_worker::FRAME_BUDGET_MS;
    use bioprop_web::shell::UrlSettings;

    pub fn main() {
        let mut args = std::env::args().skip(1);
        let seconds: f64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(3.0);
        let filter = args.next().unwrap_or_default();
        let start = Instant::now();
        let clock = move || start.elapsed().as_secs_f64() * 1000.0;
        let for_seconds = |mut work: Box<dyn FnMut() + '_>| {
            let t0 = clock();
            while clock() - t0 < seconds * 1000.0 {
                work();
            }
            (clock() - t0) / 1000.0
        };
        let digits_file = std::fs::read("target/digits/digits.bin").ok();
        for (query, task, rules) in [
            ("?speed=max", "linear-teacher", "bp,fa"),
            (
                "?task=xor&compare=bp,fa,dfa,kp&speed=max",
                "xor",
                "bp,fa,dfa,kp",
            ),
            (
                "?task=digits&rule=bp&layers=784-256-10&batch=32&speed=max",
                "digits",
                "bp",
            ),
            (
                "?task=digits&compare=bp,fa&layers=784-256-10&batch=32&speed=max",
                "digits",
                "bp,fa",
            ),
        ] {
            if !query.contains(filter.as_str()) {
                continue;
            }
            let (settings, _) = Settings::from_query(query);
            let mut trainer = Trainer::new();
            if task == "digits" {
                let Some(bytes) = &digits_file else {
                    println!("{query}: skipped, no target/digits/digits.bin");
                    continue;
                };
                trainer.handle(Command::LoadDigits(DigitsSource::Pack(bytes.clone())));
            }
            trainer.handle(Command::Configure(Box::new(
                runs_config(&settings).unwrap(),
            )));
            trainer.handle(Command::SetSpeed(SPEED_MAX));
            trainer.handle(Command::Play);
            let interval = FRAME_INTERVAL.as_secs_f64() * 1000.0;
            let (mut steps, mut frames) = (0, 0);
            let elapsed = for_seconds(Box::new(|| {
                let started = clock();
                let update = trainer.tick_with(&clock);
                bincode::serialize(&update).unwrap();
                if let Update::Frame(frame) = update {
                    steps = frame.runs[0].snapshot.step;
                    frames += 1;
                }
                let wait = started + interval - clock();
                if wait > 0.0 {
                    std::thread::sleep(Duration::from_secs_f64(wait / 1000.0));
                }
            }));
            let worker = steps as f64 / elapsed;
            let core = if task == "digits" {
                // The same runs alone, no rows and no frames.
                let loaded =
                    digits::load(DigitsSource::Pack(digits_file.clone().unwrap())).unwrap();
                let mut configs = runs_config(&settings)
                    .unwrap()
                    .experiment_configs()
                    .unwrap();
                for config in &mut configs {
                    config.log_every = u64::MAX;
                }
                let mut runs = digits::build_runs(&mut configs, Some(&loaded)).unwrap();
                steps_per_second(&mut runs, 2_000, &clock).unwrap()
            } else {
                core_steps_per_second(task, rules, 20_000, &clock).unwrap()
            };
            println!(
                "{query}: worker {worker:.0} steps/s per run ({frames} frames), core alone {core:.0}, ratio {:.2}",
                worker / core
            );
        }
        for mode in [Mode::SteadyState, Mode::Full] {
            if !format!("{mode:?}").contains(filter.as_str()) {
                continue;
            }
            let config = MicrocircuitSettings {
                mode,
                ..Default::default()
            }
            .config();
            let mut sim = Sim::new(&config, true);
            let elapsed = for_seconds(Box::new(|| {
                sim.advance(200_000.0, clock() + FRAME_BUDGET_MS, clock)
                    .unwrap()
            }));
            let page = sim.circuit.patterns() as f64 / elapsed;
            let alone = |log_every: u64| {
                let mut circuit = Sim::new(
                    &bioprop::MicrocircuitConfig {
                        log_every,
                        ..config.clone()
                    },
                    true,
                )
                .circuit;
                let elapsed = for_seconds(Box::new(|| circuit.run_for(1000.0).unwrap()));
                circuit.patterns() as f64 / elapsed
            };
            println!(
                "microcircuit {mode:?} {:?}: the page's simulation {page:.0} patterns/s; the circuit alone {:.0} (a row every {} patterns), {:.0} (no rows)",
                config.layers,
                alone(config.log_every),
                config.log_every,
                alone(u64::MAX),
            );
        }
    }
}

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    native::main();
}
